/* What is read from a pigment clearance simulation (kinetics.c): amounts, the summary,
 * the optics' per-sublayer amounts; snapshots to return to.  What every read needs is
 * summed once per change of the state (smpf_kin_sim_refresh), not once per read. */
#include "kinetics_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FWHM_PER_SIGMA 2.3548200450309493 /* 2 sqrt(2 ln 2) */

void smpf_kin_sim_refresh(smpf_kin_sim_t *s, int sinks)
{
    smpf_kin_skin_readout(s);
    const size_t n = smpf_kin_cells(s);
    if (sinks) {
        double sink[SMPF_KC_COUNT - SMPF_KC_IN_SKIN] = {0.0, 0.0, 0.0, 0.0};
        for (size_t i = 0; i < n; i++)
            for (int k = 0; k < SMPF_KC_COUNT - SMPF_KC_IN_SKIN; k++)
                sink[k] += smpf_kin_row(s, SMPF_KC_IN_SKIN + k)[i];
        memcpy(&s->now.total[SMPF_KC_IN_SKIN], sink, sizeof sink);
    }
}

double smpf_kin_sim_amount(const smpf_kin_sim_t *s, size_t sub, size_t c,
                           smpf_kin_compartment k)
{
    return sub < s->nsub && c < s->ncomp && k < SMPF_KC_COUNT
               ? smpf_kin_row(s, (int)k)[sub * s->ncomp + c]
               : 0.0;
}

double smpf_kin_sim_in_skin(const smpf_kin_sim_t *s, size_t sub, size_t c)
{
    return sub < s->nsub && c < s->ncomp ? smpf_kin_in_skin_row(s)[sub * s->ncomp + c] : 0.0;
}

void smpf_kin_sim_summary(const smpf_kin_sim_t *s, smpf_kin_summary_t *out)
{
    out->t_days = s->now.t_days;
    out->deposited = s->now.deposited;
    memcpy(out->compartment, s->now.total, sizeof out->compartment);
    out->in_skin = 0.0;
    for (int k = 0; k < SMPF_KC_IN_SKIN; k++)
        out->in_skin += out->compartment[k];
    out->fraction_remaining = s->now.deposited > 0 ? out->in_skin / s->now.deposited : 0.0;
    out->centroid_depth_mm = out->in_skin > 0 ? s->now.moment_mm / out->in_skin : 0.0;

    /* Lateral spread: sigma^2 = sigma0^2 + 2 D_lat (t - t_dep), t_dep the mean laying time
     * of the pigment in skin (MODEL.md §3; Eames 2011 for the order of magnitude). */
    const double *v = s->p.value;
    const double sigma0 = v[SMPF_KP_DOT_DIAMETER_MM] / FWHM_PER_SIGMA;
    const double age = s->now.deposited > 0 ? s->now.t_days - s->now.age_origin_days : 0.0;
    const double age_pos = age > 0.0 ? age : 0.0; /* fmax(0, age), without a libm call */
    const double var = sigma0 * sigma0 + 2.0 * v[SMPF_KP_D_LAT_MM2_PER_DAY] * age_pos;
    out->dot_sigma_mm = sqrt(var);
    out->dot_fwhm_mm = FWHM_PER_SIGMA * out->dot_sigma_mm;
    out->blur_ratio = out->dot_fwhm_mm / v[SMPF_KP_DOT_SPACING_MM];
    out->peak_dilution = sigma0 * sigma0 / var;
}

/* What a simulation can return to: its amounts with their readout, where it stood, and
 * the sessions it had. */
struct smpf_kin_snapshot {
    double *x; /* room for any ink */
    smpf_kin_now_t now;
    size_t nsessions;
};

int smpf_kin_snapshot_new(const smpf_kin_sim_t *s, smpf_kin_snapshot_t **out, smpf_error_t *err)
{
    smpf_kin_snapshot_t *snap = calloc(1, sizeof *snap);
    if (snap)
        snap->x = malloc(s->nsub * SMPF_KIN_MAX_COMPONENTS * SMPF_KIN_ROWS * sizeof *snap->x);
    if (!snap || !snap->x) {
        smpf_kin_snapshot_free(snap);
        return smpf_error_set(err, SMPF_ERR_NOMEM, "kinetics: out of memory");
    }
    *out = snap;
    return SMPF_OK;
}

void smpf_kin_snapshot_free(smpf_kin_snapshot_t *snap)
{
    if (snap)
        free(snap->x);
    free(snap);
}

/* The rows to copy between a simulation and a snapshot: the sinks too unless both hold
 * the same (untracked sinks seldom change). */
static size_t rows_to_copy(const smpf_kin_sim_t *s, const smpf_kin_snapshot_t *snap)
{
    const int same = s->now.sinks_id == snap->now.sinks_id;
    const size_t rows = same ? SMPF_KC_IN_SKIN + 1 : SMPF_KIN_ROWS;
    return rows * smpf_kin_cells(s);
}

void smpf_kin_sim_save(const smpf_kin_sim_t *s, smpf_kin_snapshot_t *snap)
{
    memcpy(snap->x, s->x, rows_to_copy(s, snap) * sizeof *snap->x);
    snap->now = s->now;
    snap->nsessions = s->schedule.nsessions;
}

void smpf_kin_sim_restore(smpf_kin_sim_t *s, const smpf_kin_snapshot_t *snap)
{
    memcpy(s->x, snap->x, rows_to_copy(s, snap) * sizeof *snap->x);
    s->now = snap->now;
    s->schedule.nsessions = snap->nsessions;
}
