/* Colour-based quantities for the smp fit model: the dot's colour at each data time, by
 * the layered-skin optics (a full adding-doubling solve of the simulation's depth
 * profile).  The skin optics are the medians of the client's skin type with the kinetic
 * epidermis; the pigment column is the median of pigment_layer.csv. */
#include "smpfade.h"

#include <stdlib.h>
#include <string.h>

typedef enum { Q_L, Q_DL, Q_DE00_SKIN, Q_COUNT } optical_quantity;

static const struct {
    const char *name, *description;
} quantities[Q_COUNT] = {
    {"L", "the dot's L* (CIELAB D65, 2°) at its centre"},
    {"dL", "L* of the dot minus L* of the skin around it (negative: darker)"},
    {"dE00_skin", "CIEDE2000 between the dot and the skin around it"},
};

struct smpf_fit_optics {
    smpf_projector_t *pj;
    const smpf_tissue_t *tissue;
    optical_quantity which;
};

static int find(const char *name)
{
    for (int i = 0; i < Q_COUNT; i++)
        if (strcmp(name, quantities[i].name) == 0)
            return i;
    return -1;
}

int smpf_fit_optics_is_quantity(const char *name) { return find(name) >= 0; }

static int evaluate(void *user, const smpf_fit_smp_state_t *st, double *value, smpf_error_t *err)
{
    smpf_fit_optics_t *o = user;
    smpf_project_params_t par;
    memset(&par, 0, sizeof par);
    par.kin = *st->params;
    par.ink = *st->ink;
    int rc = smpf_tissue_skin(o->tissue, st->client->skin_type, &par.skin, err);
    if (rc != SMPF_OK)
        return rc;
    par.skin.epidermis_thickness_mm = st->params->value[SMPF_KP_EPIDERMIS_THICKNESS_MM];
    const smpf_pigment_layer_dist_t layer = smpf_tissue_pigment_layer(o->tissue);
    par.column_mm = layer.amount.median * layer.thickness_mm.median;
    smpf_cast_t cast;
    if ((rc = smpf_projector_cast_sim(o->pj, st->sim, &par, &cast, err)) != SMPF_OK)
        return rc;
    *value = o->which == Q_L ? cast.dot.L : o->which == Q_DL ? cast.dL : cast.de00;
    return SMPF_OK;
}

int smpf_fit_optics_new(const smpf_context_t *ctx, const smpf_pigments_t *pigments,
                        const smpf_tissue_t *tissue, const char *name, smpf_fit_optics_t **out,
                        smpf_fit_smp_quantity_t *quantity, smpf_error_t *err)
{
    *out = NULL;
    const int which = find(name);
    if (which < 0)
        return smpf_error_set(err, SMPF_ERR_USAGE, "'%s' is not an optical quantity (L, dL, "
                              "dE00_skin)", name);
    smpf_fit_optics_t *o = calloc(1, sizeof *o);
    if (!o)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    int rc = smpf_projector_new(ctx, pigments, tissue, &o->pj, err);
    if (rc != SMPF_OK) {
        free(o);
        return rc;
    }
    smpf_projector_set_optics(o->pj, SMPF_OPTICS_DIRECT);
    o->tissue = tissue;
    o->which = (optical_quantity)which;
    *quantity = (smpf_fit_smp_quantity_t){quantities[which].name, quantities[which].description,
                                          evaluate, o};
    *out = o;
    return SMPF_OK;
}

void smpf_fit_optics_free(smpf_fit_optics_t *o)
{
    if (o)
        smpf_projector_free(o->pj);
    free(o);
}
