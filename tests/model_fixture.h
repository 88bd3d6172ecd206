/* A cmocka group fixture with everything a projection needs, loaded from the repository's
 * datasets: the CIE context, the pigment catalogue, the tissue data, the kinetic
 * parameters and a projector. */
#ifndef SMPF_MODEL_FIXTURE_H
#define SMPF_MODEL_FIXTURE_H

#include "smpfade.h"

#include <stdio.h>

static smpf_context_t *ctx;
static smpf_pigments_t *pigments;
static smpf_tissue_t *tissue;
static smpf_kin_params_t kin;
static smpf_projector_t *pj;

static int model_setup(void **state)
{
    (void)state;
    smpf_error_t err = {0};
    int rc = smpf_context_new(NULL, &ctx, &err);
    if (rc == SMPF_OK)
        rc = smpf_pigments_load("datasets", &pigments, &err);
    if (rc == SMPF_OK)
        rc = smpf_tissue_load("datasets", &tissue, &err);
    if (rc == SMPF_OK)
        rc = smpf_kin_params_load("datasets/kinetics_params.csv", &kin, &err);
    if (rc == SMPF_OK)
        rc = smpf_projector_new(ctx, pigments, tissue, &pj, &err);
    if (rc != SMPF_OK)
        fprintf(stderr, "%s\n", err.message);
    return rc;
}

static int model_teardown(void **state)
{
    (void)state;
    smpf_projector_free(pj);
    smpf_tissue_free(tissue);
    smpf_pigments_free(pigments);
    smpf_context_free(ctx);
    return 0;
}

#endif
