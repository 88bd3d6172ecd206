/* The data every benchmark of projections and ensembles loads from the repository's
 * datasets: the CIE context, the tissue, the pigment catalogue, the kinetic parameters. */
#ifndef SMPF_BENCH_MODEL_H
#define SMPF_BENCH_MODEL_H

#include "smpfade.h"

typedef struct {
    smpf_context_t *ctx;
    smpf_tissue_t *tissue;
    smpf_pigments_t *pigments;
    smpf_kin_params_t kin;
} model_t;

static inline int bench_model_load(model_t *m, smpf_error_t *err)
{
    *m = (model_t){0};
    int rc = smpf_context_new(NULL, &m->ctx, err);
    if (rc == SMPF_OK)
        rc = smpf_tissue_load("datasets", &m->tissue, err);
    if (rc == SMPF_OK)
        rc = smpf_pigments_load("datasets", &m->pigments, err);
    if (rc == SMPF_OK)
        rc = smpf_kin_params_load("datasets/kinetics_params.csv", &m->kin, err);
    return rc;
}

static inline void bench_model_free(model_t *m)
{
    smpf_pigments_free(m->pigments);
    smpf_tissue_free(m->tissue);
    smpf_context_free(m->ctx);
}

#endif
