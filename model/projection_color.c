/* From the kinetic state to the dot's colour: the pigment in skin per sublayer and
 * component becomes a depth profile of volume fractions for the layered-skin optics,
 * solved directly or interpolated in the fast-optics table (projection_fast.c). */
#include "projection_internal.h"

#include <stdio.h>
#include <string.h>

int projection_set_ink(smpf_projector_t *pj, const smpf_kin_ink_t *ink, smpf_error_t *err)
{
    smpf_pigment_profile_t *pr = &pj->profile;
    memset(pr, 0, sizeof *pr);
    pr->ncomponents = ink->ncomponents;
    for (size_t c = 0; c < ink->ncomponents; c++) {
        int i = smpf_pigments_find_component(pj->pigments, ink->component[c].name);
        if (i < 0)
            return smpf_error_set(err, SMPF_ERR_USAGE, "ink %s: component '%s' is not in the "
                                  "catalogue", ink->name, ink->component[c].name);
        const smpf_component_t *comp = smpf_pigments_component(pj->pigments, (size_t)i);
        snprintf(pr->name[c], sizeof pr->name[c], "%s", comp->name);
        pr->mua_per_mm[c] = comp->mua_per_mm;
        pr->musp_per_mm[c] = comp->musp_per_mm;
    }
    return SMPF_OK;
}

int projection_skin(smpf_projector_t *pj, const smpf_project_params_t *par, smpf_error_t *err)
{
    pj->optics_evaluations++;
    return smpf_tissue_reflectance(pj->ad, pj->tissue, &par->skin, NULL, NULL, pj->R_skin, err);
}

/* The volume-fraction profile of any simulation's state. */
static void fill_profile_of(smpf_projector_t *pj, const smpf_kin_sim_t *sim,
                            const smpf_project_params_t *par, const smpf_kin_summary_t *summary)
{
    smpf_pigment_profile_t *pr = &pj->profile;
    /* Amounts are in units of full density; at the dot's centre lateral spread dilutes
     * them by peak_dilution = σ0²/σ².  Full density is column_mm of pigment per area, so
     * a sublayer dz thick holds the volume fraction amount · column_mm / dz. */
    const size_t nsub = smpf_kin_sim_nsublayers(sim);
    pr->nslices = nsub;
    for (size_t j = 0; j < nsub; j++) {
        smpf_pigment_slice_t *sl = &pr->slice[j];
        smpf_kin_sim_sublayer(sim, j, &sl->top_mm, &sl->thickness_mm);
        const double scale = summary->peak_dilution * par->column_mm / sl->thickness_mm;
        for (size_t c = 0; c < pr->ncomponents; c++)
            sl->fraction[c] = smpf_kin_sim_in_skin(sim, j, c) * scale;
    }
}

void projection_fill_profile(smpf_projector_t *pj, const smpf_project_params_t *par,
                             const smpf_kin_summary_t *summary)
{
    fill_profile_of(pj, pj->sim, par, summary);
}

/* The bare skin of this projection: from the table in fast mode, else solved. */
static int select_optics(smpf_projector_t *pj, const smpf_project_params_t *par,
                         smpf_error_t *err)
{
    pj->table_ready = 1;
    int rc = pj->mode == SMPF_OPTICS_FAST ? fast_table_select(pj, par, err) : SMPF_OK;
    if (rc != SMPF_OK)
        return rc;
    if (pj->table)
        memcpy(pj->R_skin, fast_skin_reflectance(pj->table), sizeof pj->R_skin);
    else
        rc = projection_skin(pj, par, err);
    smpf_cast_skin(pj->ctx, smpf_color_xyz(pj->ctx, pj->R_skin), &pj->skin);
    return rc;
}

int projection_dot(smpf_projector_t *pj, const smpf_project_params_t *par, smpf_cast_t *cast,
                   double f_dot[3], smpf_kin_summary_t *summary, smpf_error_t *err)
{
    smpf_kin_sim_summary(pj->sim, summary);
    int rc = pj->table_ready ? SMPF_OK : select_optics(pj, par, err);
    if (rc != SMPF_OK)
        return rc;
    fast_dot_t dot = {{0, 0, 0}, {0, 0, 0}, 0};
    int done = 0;
    if (pj->table && (rc = fast_dot_xyz(pj, summary, par->column_mm, &dot, &done, err)) != SMPF_OK)
        return rc;
    if (!done) {
        projection_fill_profile(pj, par, summary);
        pj->optics_evaluations++;
        if (pj->table) /* the same solve, with the table's skin above and dermis below */
            rc = fast_profile_xyz(pj, &dot.xyz, err);
        else if ((rc = smpf_tissue_reflectance(pj->ad, pj->tissue, &par->skin, &pj->profile,
                                               pj->R_dot, NULL, err)) == SMPF_OK)
            dot.xyz = smpf_color_xyz(pj->ctx, pj->R_dot);
        if (rc != SMPF_OK)
            return rc;
    }
    /* with the dot's f(X/Xn)... when the fast guard has them */
    smpf_cast_dot_against(pj->ctx, dot.xyz, dot.have_f ? dot.f : NULL, &pj->skin, cast, f_dot);
    return SMPF_OK;
}

int smpf_projector_cast_sim(smpf_projector_t *pj, const smpf_kin_sim_t *sim,
                            const smpf_project_params_t *par, smpf_cast_t *out, smpf_error_t *err)
{
    if (smpf_kin_sim_nsublayers(sim) > SMPF_PIGMENT_MAX_SLICES)
        return smpf_error_set(err, SMPF_ERR_USAGE, "optics: %zu sublayers, at most %d allowed",
                              smpf_kin_sim_nsublayers(sim), SMPF_PIGMENT_MAX_SLICES);
    smpf_kin_summary_t summary;
    smpf_kin_sim_summary(sim, &summary);
    int rc = projection_set_ink(pj, &par->ink, err);
    if (rc != SMPF_OK)
        return rc;
    fill_profile_of(pj, sim, par, &summary);
    pj->optics_evaluations++;
    rc = smpf_tissue_reflectance(pj->ad, pj->tissue, &par->skin, &pj->profile, pj->R_dot,
                                 pj->R_skin, err);
    if (rc == SMPF_OK)
        smpf_cast(pj->ctx, pj->R_dot, pj->R_skin, out);
    pj->table_ready = 0; /* the next projection selects its optics again */
    return rc;
}
