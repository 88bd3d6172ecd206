/* Internal: the projection workspace, shared by the projection's own files. */
#ifndef SMPF_PROJECTION_INTERNAL_H
#define SMPF_PROJECTION_INTERNAL_H

#include "smpfade.h"

#define PROJECTION_SUBLAYERS 12 /* depth resolution of the deposit, kinetics and optics */

struct smpf_projector {
    const smpf_context_t *ctx;
    const smpf_pigments_t *pigments;
    const smpf_tissue_t *tissue;
    smpf_kin_sim_t *sim;
    smpf_kin_snapshot_t *snap;
    smpf_ad_t *ad;
    smpf_pigment_profile_t profile;
    double R_skin[SMPF_NWL], R_dot[SMPF_NWL];
    size_t optics_evaluations;
};

/* Points the profile at the ink's component spectra in the catalogue. */
int projection_set_ink(smpf_projector_t *pj, const smpf_kin_ink_t *ink, smpf_error_t *err);
/* The bare skin's reflectance, once per projection. */
int projection_skin(smpf_projector_t *pj, const smpf_project_params_t *par, smpf_error_t *err);
/* The dot's colour against the skin from the simulation's current state. */
int projection_dot(smpf_projector_t *pj, const smpf_project_params_t *par, smpf_cast_t *cast,
                   smpf_kin_summary_t *summary, smpf_error_t *err);

#endif
