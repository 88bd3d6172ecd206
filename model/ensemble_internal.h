/* Internal to the ensemble: a per-thread sampler that draws the same parameters as
 * smpf_param_space_sample, without allocating a generator per sample and with the
 * optical stratum's deviates kept while consecutive samples share the stratum. */
#ifndef SMPF_ENSEMBLE_INTERNAL_H
#define SMPF_ENSEMBLE_INTERNAL_H

#include "smpfade.h"

#include <gsl/gsl_rng.h>

#define SMPF_STRATUM_DIMS 9 /* the dimensions of the optical Latin hypercube */

typedef struct {
    gsl_rng *rng;
    int have_stratum;                  /* deviate[] holds stratum `stratum` of `seed` */
    uint64_t seed, strata, stratum;
    double deviate[SMPF_STRATUM_DIMS]; /* standard normal deviates of that stratum */
} smpf_param_sampler_t;

int smpf_param_sampler_init(smpf_param_sampler_t *s, smpf_error_t *err);
void smpf_param_sampler_free(smpf_param_sampler_t *s);
/* Exactly smpf_param_space_sample(sp, seed, index, out). */
void smpf_param_sampler_draw(smpf_param_sampler_t *s, const smpf_param_space_t *sp,
                             uint64_t seed, uint64_t index, smpf_project_params_t *out);
/* The same into out that holds an earlier draw from sp (sp unchanged since): a draw sets
 * the same fields every time, so the rest, sp's medians (8 kB), is not copied again. */
void smpf_param_sampler_redraw(smpf_param_sampler_t *s, const smpf_param_space_t *sp,
                               uint64_t seed, uint64_t index, smpf_project_params_t *out);

/* smpf_project without what only a display needs (no histogram holds it): the points'
 * rgb, C and h and the skin_rgb are left 0, and when the sample laid touch-ups the
 * natural_* figures (a second run without them) are NaN.  Every other field is what
 * smpf_project gives. */
int smpf_project_for_ensemble(smpf_projector_t *pj, const smpf_project_inputs_t *in,
                              const smpf_project_params_t *par, smpf_projection_t *out,
                              smpf_error_t *err);

/* A worker's histograms (the counts of smpf_ensemble_add in a cache-friendlier order),
 * folded into an ensemble at the end. */
typedef struct smpf_ensemble_acc smpf_ensemble_acc_t;
int smpf_ensemble_acc_new(const smpf_ensemble_t *shape, smpf_ensemble_acc_t **out,
                          smpf_error_t *err);
void smpf_ensemble_acc_free(smpf_ensemble_acc_t *a);
void smpf_ensemble_acc_add(smpf_ensemble_acc_t *a, const smpf_projection_t *pr);
void smpf_ensemble_acc_add_invisible(smpf_ensemble_acc_t *a, uint64_t n);
/* e += a: exactly what smpf_ensemble_add of a's samples into e would have counted. */
int smpf_ensemble_acc_fold(smpf_ensemble_t *e, const smpf_ensemble_acc_t *a, smpf_error_t *err);

/* The optical strata in use: space->optical_strata, at most SMPF_ENSEMBLE_MAX_STRATA. */
uint64_t smpf_ensemble_strata(const smpf_param_space_t *sp);

#endif
