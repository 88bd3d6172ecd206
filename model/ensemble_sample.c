/* Drawing a projection's uncertain parameters (MODEL.md §6). */
#include "ensemble_internal.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

#define Z95 1.6448536269514722 /* the standard normal's 95 % quantile */

int smpf_param_space_init(const smpf_pigments_t *pigments, const smpf_tissue_t *tissue,
                          const smpf_kin_params_t *kin, const smpf_project_inputs_t *in,
                          smpf_param_space_t *out, smpf_error_t *err)
{
    memset(out, 0, sizeof *out);
    int rc = smpf_project_params_median(pigments, tissue, kin, in, &out->median, err);
    if (rc == SMPF_OK)
        rc = smpf_tissue_skin_dist(tissue, in->client.skin_type, &out->skin, err);
    if (rc != SMPF_OK)
        return rc;
    out->layer = smpf_tissue_pigment_layer(tissue);
    out->depth_fixed = !isnan(in->depth_mm);
    const smpf_kin_ink_t *ink = &out->median.ink;
    for (size_t c = 0; c < ink->ncomponents; c++) {
        int i = smpf_pigments_find_component(pigments, ink->component[c].name);
        if (i < 0)
            return smpf_error_set(err, SMPF_ERR_USAGE, "component '%s' is not in the catalogue",
                                  ink->component[c].name);
        const smpf_component_t *comp = smpf_pigments_component(pigments, (size_t)i);
        out->particle_size_nm[c] = comp->particle_size_nm;
        out->uv_beta_cm2_per_J[c] = comp->uv_beta_cm2_per_J;
        out->k_bio_per_day[c] = comp->k_bio_per_day;
    }
    return SMPF_OK;
}

/* Split log-normal (or logit-normal): the median at u = 0, lo at u = -1.645, hi at +1.645. */
double smpf_dist_draw(smpf_dist_t d, int logit, double u)
{
    if (!(d.lo < d.hi) || d.median <= 0)
        return d.median; /* a fixed value, or a rate that is zero (a permanent pigment) */
    if (logit && d.hi < 1) {
        const double m = log(d.median / (1 - d.median));
        const double s = u < 0 ? (m - log(d.lo / (1 - d.lo))) / Z95
                               : (log(d.hi / (1 - d.hi)) - m) / Z95;
        return 1.0 / (1.0 + exp(-(m + s * u)));
    }
    const double s = u < 0 ? log(d.median / d.lo) / Z95 : log(d.hi / d.median) / Z95;
    return d.median * exp(s * u);
}

/* SplitMix64 (Steele, Lea & Flood 2014): a well-mixed seed for each (seed, index). */
static uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

enum { STRATUM_MELANIN, STRATUM_BLOOD, STRATUM_SATURATION, STRATUM_EPIDERMIS, STRATUM_DEPTH,
       STRATUM_WIDTH, STRATUM_UVB, STRATUM_UVA, STRATUM_UVB_FRACTION, STRATUM_DIMS };
_Static_assert(STRATUM_DIMS == SMPF_STRATUM_DIMS, "the sampler keeps one deviate per dimension");

/* Standard normal deviate of stratum k in dimension d of a Latin hypercube of K cells:
 * a permutation of the cells per dimension (from seed and d), a uniform point inside the
 * cell (from seed, d and k). */
static double stratum_deviate(uint64_t seed, uint64_t K, uint64_t k, int d, gsl_rng *rng)
{
    gsl_rng_set(rng, (unsigned long)splitmix64(seed ^ splitmix64(0x5354524154ULL + (uint64_t)d)));
    uint32_t perm[SMPF_ENSEMBLE_MAX_STRATA]; /* Fisher-Yates shuffle of 0..K-1 */
    for (uint64_t i = 0; i < K; i++)
        perm[i] = (uint32_t)i;
    for (uint64_t i = K - 1; i > 0; i--) {
        const uint64_t j = gsl_rng_uniform_int(rng, (unsigned long)(i + 1));
        const uint32_t tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
    }
    const uint64_t cell = perm[k];
    gsl_rng_set(rng, (unsigned long)splitmix64(seed ^ splitmix64(k * STRATUM_DIMS + (uint64_t)d + 1)));
    const double u = ((double)cell + gsl_rng_uniform_pos(rng)) / (double)K;
    return gsl_cdf_ugaussian_Pinv(u);
}

/* The stratum's skin, deposit geometry and UV depth profile replace the sample's own
 * draws; dev[d] is the stratum's deviate in dimension d. */
static void apply_stratum(const smpf_param_space_t *sp, const double dev[STRATUM_DIMS],
                          smpf_project_params_t *out)
{
    out->skin.melanin_fraction = smpf_dist_draw(sp->skin.melanin_fraction, 1, dev[STRATUM_MELANIN]);
    out->skin.blood_fraction = smpf_dist_draw(sp->skin.blood_fraction, 1, dev[STRATUM_BLOOD]);
    out->skin.saturation = smpf_dist_draw(sp->skin.saturation, 1, dev[STRATUM_SATURATION]);
    const int ids[6] = {SMPF_KP_EPIDERMIS_THICKNESS_MM, SMPF_KP_NEEDLE_DEPTH_MM,
                        SMPF_KP_DEPOSIT_WIDTH_MM, SMPF_KP_UVB_1PCT_DEPTH_MM,
                        SMPF_KP_UVA_1PCT_DEPTH_MM, SMPF_KP_ERYTHEMAL_UVB_FRACTION};
    const int dims[6] = {STRATUM_EPIDERMIS, STRATUM_DEPTH, STRATUM_WIDTH, STRATUM_UVB, STRATUM_UVA,
                         STRATUM_UVB_FRACTION};
    for (int i = 0; i < 6; i++) {
        if (ids[i] == SMPF_KP_NEEDLE_DEPTH_MM && sp->depth_fixed)
            continue;
        const smpf_kin_param_info_t *inf = &sp->median.kin.info[ids[i]];
        smpf_dist_t d = {inf->median, inf->lo, inf->hi};
        double lo, hi;
        smpf_kin_param_bounds(ids[i], &lo, &hi);
        const double v = smpf_dist_draw(d, strcmp(inf->distribution, "logitnormal") == 0,
                                        dev[dims[i]]);
        out->kin.value[ids[i]] = fmin(hi, fmax(lo, v));
    }
    out->skin.epidermis_thickness_mm = out->kin.value[SMPF_KP_EPIDERMIS_THICKNESS_MM];
}

/* The sample's own draws, all from the generator seeded with (seed, index), into out that
 * holds sp's medians: the fields drawn are the same for every sample of sp. */
static void draw_sample(const smpf_param_space_t *sp, uint64_t seed, uint64_t index, gsl_rng *rng,
                        smpf_project_params_t *out)
{
    gsl_rng_set(rng, (unsigned long)splitmix64(seed ^ splitmix64(index)));
    for (int id = 0; id < SMPF_KP_COUNT; id++) {
        const smpf_kin_param_info_t *inf = &sp->median.kin.info[id];
        const double u = gsl_ran_ugaussian(rng); /* drawn for every parameter: stable streams */
        if (id == SMPF_KP_NEEDLE_DEPTH_MM && sp->depth_fixed)
            continue;
        smpf_dist_t d = {inf->median, inf->lo, inf->hi};
        double lo, hi;
        smpf_kin_param_bounds(id, &lo, &hi);
        const double v = smpf_dist_draw(d, strcmp(inf->distribution, "logitnormal") == 0, u);
        out->kin.value[id] = fmin(hi, fmax(lo, v));
    }
    for (size_t c = 0; c < out->ink.ncomponents; c++) {
        smpf_kin_component_t *k = &out->ink.component[c];
        k->particle_size_nm = smpf_dist_draw(sp->particle_size_nm[c], 0, gsl_ran_ugaussian(rng));
        k->uv_beta_cm2_per_J = smpf_dist_draw(sp->uv_beta_cm2_per_J[c], 0, gsl_ran_ugaussian(rng));
        k->k_bio_per_day = smpf_dist_draw(sp->k_bio_per_day[c], 0, gsl_ran_ugaussian(rng));
    }
    out->skin.melanin_fraction = smpf_dist_draw(sp->skin.melanin_fraction, 1, gsl_ran_ugaussian(rng));
    out->skin.blood_fraction = smpf_dist_draw(sp->skin.blood_fraction, 1, gsl_ran_ugaussian(rng));
    out->skin.saturation = smpf_dist_draw(sp->skin.saturation, 1, gsl_ran_ugaussian(rng));
    /* One epidermis for both models: the kinetic draw. */
    out->skin.epidermis_thickness_mm = out->kin.value[SMPF_KP_EPIDERMIS_THICKNESS_MM];
    out->column_mm = smpf_dist_draw(sp->layer.amount, 1, gsl_ran_ugaussian(rng)) *
                     smpf_dist_draw(sp->layer.thickness_mm, 0, gsl_ran_ugaussian(rng));
}

uint64_t smpf_ensemble_strata(const smpf_param_space_t *sp)
{
    return sp->optical_strata < SMPF_ENSEMBLE_MAX_STRATA ? sp->optical_strata
                                                         : SMPF_ENSEMBLE_MAX_STRATA;
}

void smpf_param_space_sample(const smpf_param_space_t *sp, uint64_t seed, uint64_t index,
                             smpf_project_params_t *out)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rng) {
        *out = sp->median; /* out of memory: the medians (the caller's allocation would fail first) */
        return;
    }
    *out = sp->median;
    draw_sample(sp, seed, index, rng, out);
    const uint64_t K = smpf_ensemble_strata(sp);
    if (K > 0) {
        double dev[STRATUM_DIMS];
        for (int d = 0; d < STRATUM_DIMS; d++)
            dev[d] = stratum_deviate(seed, K, index % K, d, rng);
        apply_stratum(sp, dev, out);
    }
    gsl_rng_free(rng);
}

int smpf_param_sampler_init(smpf_param_sampler_t *s, smpf_error_t *err)
{
    memset(s, 0, sizeof *s);
    s->rng = gsl_rng_alloc(gsl_rng_mt19937);
    return s->rng ? SMPF_OK : smpf_error_set(err, SMPF_ERR_NOMEM, "ensemble: out of memory");
}

void smpf_param_sampler_free(smpf_param_sampler_t *s)
{
    if (s->rng)
        gsl_rng_free(s->rng);
    s->rng = NULL;
}

void smpf_param_sampler_draw(smpf_param_sampler_t *s, const smpf_param_space_t *sp,
                             uint64_t seed, uint64_t index, smpf_project_params_t *out)
{
    *out = sp->median;
    smpf_param_sampler_redraw(s, sp, seed, index, out);
}

void smpf_param_sampler_redraw(smpf_param_sampler_t *s, const smpf_param_space_t *sp,
                               uint64_t seed, uint64_t index, smpf_project_params_t *out)
{
    draw_sample(sp, seed, index, s->rng, out);
    const uint64_t K = smpf_ensemble_strata(sp);
    if (K == 0)
        return;
    const uint64_t k = index % K;
    if (!s->have_stratum || s->seed != seed || s->strata != K || s->stratum != k) {
        for (int d = 0; d < STRATUM_DIMS; d++)
            s->deviate[d] = stratum_deviate(seed, K, k, d, s->rng);
        s->have_stratum = 1;
        s->seed = seed;
        s->strata = K;
        s->stratum = k;
    }
    apply_stratum(sp, s->deviate, out);
}
