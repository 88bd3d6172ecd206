/* Ensemble accumulators: fixed-bin histograms of the first touch-up time and of each
 * banded timeline quantity at each point.  Counts add up, so the result does not depend
 * on the order of samples, the number of threads or the split into shards. */
#include "ensemble_internal.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Banded quantities: key, range and bins (values outside are counted in the end bins). */
static const struct {
    const char *name;
    double lo, hi;
    size_t bins;
} bands[SMPF_BAND_COUNT] = {
    {"fraction_remaining", 0.0, 1.0, 1000}, {"L", 0.0, 100.0, 1000},
    {"dE00", 0.0, 50.0, 1000},              {"contrast", -0.5, 2.5, 1500},
    {"hue_shift_deg", -90.0, 90.0, 1800},   {"cast_ratio", 0.0, 10.0, 1000},
    {"blur", 0.0, 5.0, 1000},
};

struct smpf_ensemble {
    size_t npoints, point_bins, touch_bins, ncounts;
    double years;
    uint64_t samples, invisible;
    uint32_t *counts; /* touch-up days (touch_bins, the last one: none in the horizon),
                         then per point the bands in order */
};

const char *smpf_band_name(int band)
{
    return band >= 0 && band < SMPF_BAND_COUNT ? bands[band].name : NULL;
}

int smpf_ensemble_new(size_t npoints, double years, smpf_ensemble_t **out, smpf_error_t *err)
{
    *out = NULL;
    if (npoints == 0 || !(years > 0 && years <= SMPF_PROJECT_MAX_YEARS))
        return smpf_error_set(err, SMPF_ERR_USAGE, "ensemble: %zu points over %g years",
                              npoints, years);
    smpf_ensemble_t *e = calloc(1, sizeof *e);
    if (!e)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "ensemble: out of memory");
    e->npoints = npoints;
    e->years = years;
    for (int b = 0; b < SMPF_BAND_COUNT; b++)
        e->point_bins += bands[b].bins;
    e->touch_bins = (size_t)ceil(years * SMPF_DAYS_PER_YEAR) + 1;
    e->ncounts = e->touch_bins + npoints * e->point_bins;
    e->counts = calloc(e->ncounts, sizeof *e->counts);
    if (!e->counts) {
        const size_t n = e->ncounts;
        free(e);
        return smpf_error_set(err, SMPF_ERR_NOMEM, "ensemble: out of memory for %zu counts", n);
    }
    *out = e;
    return SMPF_OK;
}

void smpf_ensemble_free(smpf_ensemble_t *e)
{
    if (e)
        free(e->counts);
    free(e);
}

static size_t bin_of(double v, double lo, double hi, size_t bins)
{
    if (!(v > lo)) /* also NaN, which the projection never produces */
        return 0;
    size_t i = (size_t)((v - lo) / (hi - lo) * (double)bins);
    return i >= bins ? bins - 1 : i;
}

static size_t touch_bin(const smpf_ensemble_t *e, const smpf_projection_t *pr)
{
    const double t = pr->touchup_years * SMPF_DAYS_PER_YEAR;
    return isnan(t) ? e->touch_bins - 1 : bin_of(t, 0, (double)(e->touch_bins - 1),
                                                 e->touch_bins - 1);
}

/* The timeline quantity of each band, in the order of bands[]. */
static const size_t band_field[SMPF_BAND_COUNT] = {
    offsetof(smpf_timeline_point_t, fraction_remaining), offsetof(smpf_timeline_point_t, L),
    offsetof(smpf_timeline_point_t, dE00), offsetof(smpf_timeline_point_t, contrast),
    offsetof(smpf_timeline_point_t, hue_shift_deg), offsetof(smpf_timeline_point_t, cast_ratio),
    offsetof(smpf_timeline_point_t, blur),
};

static double band_value(const smpf_timeline_point_t *pt, int band)
{
    double v;
    memcpy(&v, (const char *)pt + band_field[band], sizeof v);
    return v;
}

static size_t band_bin(const smpf_timeline_point_t *pt, int b)
{
    return bin_of(band_value(pt, b), bands[b].lo, bands[b].hi, bands[b].bins);
}

void smpf_ensemble_add(smpf_ensemble_t *e, const smpf_projection_t *pr)
{
    e->counts[touch_bin(e, pr)]++;
    for (size_t p = 0; p < e->npoints && p < pr->npoints; p++) {
        uint32_t *c = e->counts + e->touch_bins + p * e->point_bins;
        for (int b = 0; b < SMPF_BAND_COUNT; b++) {
            c[band_bin(&pr->points[p], b)]++;
            c += bands[b].bins;
        }
    }
    e->samples++;
}

/* The worker's accumulator: the same counts, ordered band, bin, point, so that one
 * sample's timeline, whose values move little from point to point, increments counters
 * that share cache lines (point-major, each point's bands lie 37 kB apart). */
struct smpf_ensemble_acc {
    smpf_ensemble_t *e; /* shape, samples and invisible; counts in the order above */
};

int smpf_ensemble_acc_new(const smpf_ensemble_t *shape, smpf_ensemble_acc_t **out,
                          smpf_error_t *err)
{
    *out = NULL;
    smpf_ensemble_acc_t *a = calloc(1, sizeof *a);
    if (!a)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "ensemble: out of memory");
    int rc = smpf_ensemble_new(shape->npoints, shape->years, &a->e, err);
    if (rc != SMPF_OK) {
        free(a);
        return rc;
    }
    *out = a;
    return SMPF_OK;
}

void smpf_ensemble_acc_free(smpf_ensemble_acc_t *a)
{
    if (a)
        smpf_ensemble_free(a->e);
    free(a);
}

/* Point by point, the bands' loop unrolled by the compiler: with the band known, its
 * field, range and bins are constants (the same arithmetic as smpf_ensemble_add's). */
void smpf_ensemble_acc_add(smpf_ensemble_acc_t *a, const smpf_projection_t *pr)
{
    smpf_ensemble_t *e = a->e;
    e->counts[touch_bin(e, pr)]++;
    const size_t np = e->npoints, n = pr->npoints < np ? pr->npoints : np;
    uint32_t *band[SMPF_BAND_COUNT]; /* band b: bins[b] rows of npoints */
    band[0] = e->counts + e->touch_bins;
    for (int b = 1; b < SMPF_BAND_COUNT; b++)
        band[b] = band[b - 1] + bands[b - 1].bins * np;
    for (size_t p = 0; p < n; p++)
        for (int b = 0; b < SMPF_BAND_COUNT; b++)
            band[b][band_bin(&pr->points[p], b) * np + p]++;
    e->samples++;
}

void smpf_ensemble_acc_add_invisible(smpf_ensemble_acc_t *a, uint64_t n) { a->e->invisible += n; }

int smpf_ensemble_acc_fold(smpf_ensemble_t *e, const smpf_ensemble_acc_t *a, smpf_error_t *err)
{
    const smpf_ensemble_t *o = a->e;
    if (o->npoints != e->npoints || o->touch_bins != e->touch_bins)
        return smpf_error_set(err, SMPF_ERR_DATA, "ensemble: cannot merge %zu points over %g "
                              "years into %zu points over %g years", o->npoints, o->years,
                              e->npoints, e->years);
    for (size_t i = 0; i < e->touch_bins; i++)
        e->counts[i] += o->counts[i];
    const uint32_t *band = o->counts + o->touch_bins;
    size_t offset = 0; /* of band b inside a point */
    for (int b = 0; b < SMPF_BAND_COUNT; b++) {
        for (size_t bin = 0; bin < bands[b].bins; bin++)
            for (size_t p = 0; p < e->npoints; p++)
                e->counts[e->touch_bins + p * e->point_bins + offset + bin] +=
                    band[bin * e->npoints + p];
        band += bands[b].bins * e->npoints;
        offset += bands[b].bins;
    }
    e->samples += o->samples;
    e->invisible += o->invisible;
    return SMPF_OK;
}

int smpf_ensemble_merge(smpf_ensemble_t *e, const smpf_ensemble_t *o, smpf_error_t *err)
{
    if (o->npoints != e->npoints || o->touch_bins != e->touch_bins)
        return smpf_error_set(err, SMPF_ERR_DATA, "ensemble: cannot merge %zu points over %g "
                              "years into %zu points over %g years", o->npoints, o->years,
                              e->npoints, e->years);
    for (size_t i = 0; i < e->ncounts; i++)
        e->counts[i] += o->counts[i];
    e->samples += o->samples;
    e->invisible += o->invisible;
    return SMPF_OK;
}

uint64_t smpf_ensemble_samples(const smpf_ensemble_t *e) { return e->samples; }
size_t smpf_ensemble_npoints(const smpf_ensemble_t *e) { return e->npoints; }
double smpf_ensemble_years(const smpf_ensemble_t *e) { return e->years; }
size_t smpf_ensemble_ncounts(const smpf_ensemble_t *e) { return e->ncounts; }
uint32_t *smpf_ensemble_counts(smpf_ensemble_t *e) { return e->counts; }
void smpf_ensemble_set_samples(smpf_ensemble_t *e, uint64_t samples) { e->samples = samples; }
uint64_t smpf_ensemble_invisible(const smpf_ensemble_t *e) { return e->invisible; }
void smpf_ensemble_add_invisible(smpf_ensemble_t *e, uint64_t n) { e->invisible += n; }

/* Quantile of a histogram, linear inside the bin that holds it; returns the bin index
 * through *bin, or bins when q falls beyond the counted range. */
static double hist_quantile(const uint32_t *c, size_t bins, uint64_t total, double q, size_t *bin)
{
    const double target = q * (double)total;
    double cum = 0;
    for (size_t i = 0; i < bins; i++) {
        if (c[i] > 0 && cum + c[i] >= target) {
            *bin = i;
            return ((double)i + (target - cum) / c[i]) / (double)bins;
        }
        cum += c[i];
    }
    *bin = bins;
    return 1.0;
}

double smpf_ensemble_touchup_quantile(const smpf_ensemble_t *e, double q)
{
    if (e->samples == 0)
        return NAN;
    size_t bin;
    const size_t bins = e->touch_bins - 1; /* without the "none" bin */
    double f = hist_quantile(e->counts, bins, e->samples, q, &bin);
    if (bin >= bins)
        return NAN;
    return f * (double)bins / SMPF_DAYS_PER_YEAR;
}

double smpf_ensemble_band_quantile(const smpf_ensemble_t *e, size_t point, int band, double q)
{
    if (e->samples == 0 || point >= e->npoints || band < 0 || band >= SMPF_BAND_COUNT)
        return NAN;
    const uint32_t *c = e->counts + e->touch_bins + point * e->point_bins;
    for (int b = 0; b < band; b++)
        c += bands[b].bins;
    size_t bin;
    double f = hist_quantile(c, bands[band].bins, e->samples, q, &bin);
    return bands[band].lo + f * (bands[band].hi - bands[band].lo);
}
