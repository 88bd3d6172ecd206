/* The skin as a layer stack per wavelength (MODEL.md 4) and its reflectance with and
 * without pigment. */
#include "tissue_internal.h"

#include <math.h>
#include <string.h>

static int check_type(int skin_type, smpf_error_t *err)
{
    if (skin_type < 1 || skin_type > TISSUE_NTYPES)
        return smpf_error_set(err, SMPF_ERR_USAGE, "skin type %d is outside 1..%d", skin_type,
                              TISSUE_NTYPES);
    return SMPF_OK;
}

int smpf_tissue_skin_dist(const smpf_tissue_t *t, int skin_type, smpf_skin_dist_t *out,
                          smpf_error_t *err)
{
    int st = check_type(skin_type, err);
    if (st == SMPF_OK)
        *out = t->skin[skin_type - 1];
    return st;
}

int smpf_tissue_skin(const smpf_tissue_t *t, int skin_type, smpf_skin_t *out, smpf_error_t *err)
{
    int st = check_type(skin_type, err);
    if (st != SMPF_OK)
        return st;
    const smpf_skin_dist_t *d = t->skin + skin_type - 1;
    *out = (smpf_skin_t){skin_type, d->melanin_fraction.median, d->epidermis_thickness_mm.median,
                         d->blood_fraction.median, d->saturation.median};
    return SMPF_OK;
}

smpf_pigment_layer_dist_t smpf_tissue_pigment_layer(const smpf_tissue_t *t)
{
    return t->pigment_layer;
}

double smpf_tissue_refractive_index(const smpf_tissue_t *t) { return t->n; }

/* Epidermis (Jacques 1998): mua = f_mel mua_mel + (1 - f_mel) mua_base. */
void smpf_tissue_epidermis(const smpf_tissue_t *t, const smpf_skin_t *s, size_t i,
                           smpf_layer_t *out)
{
    double f = s->melanin_fraction;
    out->mua_per_mm = f * t->mua_melanin[i] + (1 - f) * t->mua_baseline[i];
    out->mus_per_mm = t->musp_epidermis[i] / (1 - t->g);
    out->g = t->g;
    out->thickness_mm = s->epidermis_thickness_mm;
}

/* Dermis (Jacques 2013, water and fat left out): mua = B mua_blood(S) + (1 - B) mua_base. */
void smpf_tissue_dermis(const smpf_tissue_t *t, const smpf_skin_t *s, size_t i, smpf_layer_t *out)
{
    double B = s->blood_fraction, S = s->saturation;
    double blood = S * t->mua_oxy[i] + (1 - S) * t->mua_deoxy[i];
    out->mua_per_mm = B * blood + (1 - B) * t->mua_baseline[i];
    out->mus_per_mm = t->musp_dermis[i] / (1 - t->g);
    out->g = t->g;
    out->thickness_mm = INFINITY;
}

static int check_skin(const smpf_skin_t *s, smpf_error_t *err)
{
    const char *bad = NULL;
    if (!(s->melanin_fraction >= 0 && s->melanin_fraction <= 1))
        bad = "melanin_fraction must be within 0..1";
    else if (!(s->epidermis_thickness_mm > 0 && s->epidermis_thickness_mm <= 10))
        bad = "epidermis_thickness_mm must be within (0, 10]";
    else if (!(s->blood_fraction >= 0 && s->blood_fraction <= 1))
        bad = "blood_fraction must be within 0..1";
    else if (!(s->saturation >= 0 && s->saturation <= 1))
        bad = "saturation must be within 0..1";
    return bad ? smpf_error_set(err, SMPF_ERR_USAGE, "skin: %s", bad) : SMPF_OK;
}

/* Slices must lie below the surface, be ordered from the top, not overlap, and hold
 * volume fractions that sum to at most 1. */
static int check_profile(const smpf_pigment_profile_t *p, smpf_error_t *err)
{
    if (p->ncomponents > SMPF_INK_MAX_COMPONENTS || p->nslices > SMPF_PIGMENT_MAX_SLICES)
        return smpf_error_set(err, SMPF_ERR_USAGE, "pigment profile: too many components or slices");
    for (size_t c = 0; c < p->ncomponents; c++)
        if (!p->mua_per_mm[c] || !p->musp_per_mm[c])
            return smpf_error_set(err, SMPF_ERR_USAGE, "pigment profile: component %s has no spectra",
                                  p->name[c]);
    for (size_t k = 0; k < p->nslices; k++) {
        const smpf_pigment_slice_t *s = p->slice + k;
        if (!(s->top_mm >= 0 && s->thickness_mm > 0 && isfinite(s->top_mm + s->thickness_mm)))
            return smpf_error_set(err, SMPF_ERR_USAGE,
                                  "pigment slice %zu: top_mm must be >= 0 and thickness_mm > 0",
                                  k + 1);
        if (k > 0 && s->top_mm < p->slice[k - 1].top_mm + p->slice[k - 1].thickness_mm - 1e-12)
            return smpf_error_set(err, SMPF_ERR_USAGE,
                                  "pigment slice %zu overlaps the one above it (or is out of order)",
                                  k + 1);
        double sum = 0;
        for (size_t c = 0; c < p->ncomponents; c++) {
            if (!(s->fraction[c] >= 0 && s->fraction[c] <= 1))
                return smpf_error_set(err, SMPF_ERR_USAGE,
                                      "pigment slice %zu: fraction of %s must be within 0..1", k + 1,
                                      p->name[c]);
            sum += s->fraction[c];
        }
        if (sum > 1)
            return smpf_error_set(err, SMPF_ERR_USAGE,
                                  "pigment slice %zu: volume fractions sum to %g > 1", k + 1, sum);
    }
    return SMPF_OK;
}

/* Tissue of the given kind with the pigment of slice s mixed in (see smpfade.h). */
static smpf_layer_t mixed(const smpf_tissue_t *t, const smpf_layer_t *base,
                          const smpf_pigment_profile_t *p, const smpf_pigment_slice_t *s, size_t i,
                          double thickness_mm)
{
    smpf_layer_t l = *base;
    l.thickness_mm = thickness_mm;
    if (!s)
        return l;
    double V = 0, mua = 0, musp = 0;
    for (size_t c = 0; c < p->ncomponents; c++) {
        V += s->fraction[c];
        mua += s->fraction[c] * p->mua_per_mm[c][i];
        musp += s->fraction[c] * p->musp_per_mm[c][i];
    }
    l.mua_per_mm = (1 - V) * base->mua_per_mm + mua;
    l.mus_per_mm = ((1 - V) * base->mus_per_mm * (1 - t->g) + musp) / (1 - t->g);
    return l;
}

/* Appends the layer from z0 to z1 (mm), split at the bottom of the epidermis. */
static void append(const smpf_tissue_t *t, const smpf_layer_t *epi, const smpf_layer_t *der,
                   const smpf_pigment_profile_t *p, const smpf_pigment_slice_t *s, size_t i,
                   double z0, double z1, smpf_layer_t *layers, size_t *n)
{
    double e = epi->thickness_mm;
    if (z0 < e && z1 > e) {
        append(t, epi, der, p, s, i, z0, e, layers, n);
        append(t, epi, der, p, s, i, e, z1, layers, n);
        return;
    }
    if (z1 - z0 > 1e-12)
        layers[(*n)++] = mixed(t, z0 < e ? epi : der, p, s, i, z1 - z0);
}

int smpf_tissue_stack(const smpf_tissue_t *t, const smpf_skin_t *skin,
                      const smpf_pigment_profile_t *p, size_t i, smpf_layer_t *layers,
                      size_t *nlayers, smpf_error_t *err)
{
    int st = check_skin(skin, err);
    if (st == SMPF_OK && p)
        st = check_profile(p, err);
    if (st != SMPF_OK)
        return st;
    if (i >= SMPF_NWL)
        return smpf_error_set(err, SMPF_ERR_USAGE, "wavelength index %zu is off the grid", i);
    smpf_layer_t epi, der;
    smpf_tissue_epidermis(t, skin, i, &epi);
    smpf_tissue_dermis(t, skin, i, &der);
    size_t n = 0;
    double z = 0;
    for (size_t k = 0; p && k < p->nslices; k++) {
        const smpf_pigment_slice_t *s = p->slice + k;
        append(t, &epi, &der, p, NULL, i, z, s->top_mm, layers, &n);
        append(t, &epi, &der, p, s, i, s->top_mm, s->top_mm + s->thickness_mm, layers, &n);
        z = s->top_mm + s->thickness_mm;
    }
    append(t, &epi, &der, p, NULL, i, z, fmax(z, epi.thickness_mm), layers, &n);
    layers[n++] = der; /* semi-infinite */
    *nlayers = n;
    return SMPF_OK;
}

int smpf_tissue_reflectance(smpf_ad_t *ws, const smpf_tissue_t *t, const smpf_skin_t *skin,
                            const smpf_pigment_profile_t *profile, double R_dot[SMPF_NWL],
                            double R_skin[SMPF_NWL], smpf_error_t *err)
{
    smpf_layer_t layers[SMPF_TISSUE_MAX_LAYERS];
    for (int which = 0; which < 2; which++) {
        double *R = which ? R_skin : R_dot;
        if (!R)
            continue;
        for (size_t i = 0; i < SMPF_NWL; i++) {
            size_t n;
            int st = smpf_tissue_stack(t, skin, which ? NULL : profile, i, layers, &n, err);
            smpf_stack_t stack = {layers, n, t->n, 1.0, t->n};
            smpf_rt_t rt;
            if (st == SMPF_OK)
                st = smpf_ad_solve(ws, &stack, &rt, err);
            if (st != SMPF_OK) {
                smpf_error_prefix(err, "%g nm: ", smpf_wavelength_nm(i));
                return st;
            }
            R[i] = rt.Rd;
        }
    }
    return SMPF_OK;
}
