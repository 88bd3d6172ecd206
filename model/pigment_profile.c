/* Pigment deposits for the optics: one slice of an ink, or a depth profile from a file. */
#include "smpfade.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Adds component index ci of the catalogue to the profile (once); returns its slot. */
static int add_component(const smpf_pigments_t *p, size_t ci, smpf_pigment_profile_t *out,
                         size_t *slot, smpf_error_t *err)
{
    const smpf_component_t *c = smpf_pigments_component(p, ci);
    for (size_t k = 0; k < out->ncomponents; k++)
        if (strcmp(out->name[k], c->name) == 0) {
            *slot = k;
            return SMPF_OK;
        }
    if (!c->has_spectra)
        return smpf_error_set(err, SMPF_ERR_DATA, "component %s has no optical spectra", c->name);
    if (out->ncomponents == SMPF_INK_MAX_COMPONENTS)
        return smpf_error_set(err, SMPF_ERR_USAGE, "more than %d pigment components",
                              SMPF_INK_MAX_COMPONENTS);
    *slot = out->ncomponents++;
    snprintf(out->name[*slot], SMPF_NAME_MAX, "%s", c->name);
    out->mua_per_mm[*slot] = c->mua_per_mm;
    out->musp_per_mm[*slot] = c->musp_per_mm;
    return SMPF_OK;
}

int smpf_pigment_profile_ink(const smpf_pigments_t *p, const smpf_ink_t *ink, double depth_mm,
                             double thickness_mm, double amount, smpf_pigment_profile_t *out,
                             smpf_error_t *err)
{
    memset(out, 0, sizeof *out);
    if (!(thickness_mm > 0 && depth_mm - thickness_mm / 2 >= 0 && isfinite(depth_mm)))
        return smpf_error_set(err, SMPF_ERR_USAGE,
                              "a pigment layer %g mm thick centred at %g mm would reach above the "
                              "surface",
                              thickness_mm, depth_mm);
    if (!(amount >= 0 && amount <= 1))
        return smpf_error_set(err, SMPF_ERR_USAGE, "amount %g is outside 0..1", amount);
    out->nslices = 1;
    out->slice[0].top_mm = depth_mm - thickness_mm / 2;
    out->slice[0].thickness_mm = thickness_mm;
    for (size_t k = 0; k < ink->ncomponents; k++) {
        size_t slot;
        int st = add_component(p, ink->component[k], out, &slot, err);
        if (st != SMPF_OK)
            return st;
        out->slice[0].fraction[slot] += amount * ink->fraction[k];
    }
    return SMPF_OK;
}

int smpf_pigment_profile_load(const smpf_pigments_t *p, const char *path,
                              smpf_pigment_profile_t *out, smpf_error_t *err)
{
    memset(out, 0, sizeof *out);
    smpf_table_t *t;
    int st = smpf_table_load(path, &t, err);
    if (st != SMPF_OK)
        return st;
    size_t slot[64];
    size_t ncols = smpf_table_cols(t);
    int has_top = 0, has_thickness = 0;
    for (size_t c = 0; st == SMPF_OK && c < ncols; c++) {
        const char *h = smpf_table_header(t, c);
        if (strcmp(h, "top_mm") == 0 || strcmp(h, "thickness_mm") == 0) {
            *(h[1] == 'o' ? &has_top : &has_thickness) = 1;
            continue;
        }
        int ci = smpf_pigments_find_component(p, h);
        if (ci < 0)
            st = smpf_error_set(err, SMPF_ERR_DATA, "%s: column '%s' is not a known component",
                                path, h);
        else if (c >= 64)
            st = smpf_error_set(err, SMPF_ERR_DATA, "%s: too many columns", path);
        else
            st = add_component(p, (size_t)ci, out, slot + c, err);
    }
    if (st == SMPF_OK && !(has_top && has_thickness))
        st = smpf_error_set(err, SMPF_ERR_DATA, "%s: columns top_mm and thickness_mm are required",
                            path);
    size_t rows = smpf_table_rows(t);
    if (st == SMPF_OK && (rows == 0 || rows > SMPF_PIGMENT_MAX_SLICES))
        st = smpf_error_set(err, SMPF_ERR_DATA, "%s: a profile needs 1..%d slices, got %zu", path,
                            SMPF_PIGMENT_MAX_SLICES, rows);
    for (size_t r = 0; st == SMPF_OK && r < rows; r++) {
        smpf_pigment_slice_t *s = out->slice + r;
        st = smpf_table_number(t, r, "top_mm", 0, 10, &s->top_mm, err);
        if (st == SMPF_OK)
            st = smpf_table_number(t, r, "thickness_mm", 1e-6, 10, &s->thickness_mm, err);
        for (size_t c = 0; st == SMPF_OK && c < ncols; c++) {
            const char *h = smpf_table_header(t, c);
            if (strcmp(h, "top_mm") == 0 || strcmp(h, "thickness_mm") == 0)
                continue;
            double v;
            st = smpf_table_number(t, r, h, 0, 1, &v, err);
            if (st == SMPF_OK)
                s->fraction[slot[c]] += v;
        }
        double sum = 0;
        for (size_t k = 0; k < out->ncomponents; k++)
            sum += s->fraction[k];
        if (st == SMPF_OK && sum > 1)
            st = smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu: volume fractions sum to %g > 1", path,
                                smpf_table_line(t, r), sum);
        if (st == SMPF_OK && r > 0 && s->top_mm < s[-1].top_mm + s[-1].thickness_mm - 1e-12)
            st = smpf_error_set(err, SMPF_ERR_DATA,
                                "%s:%zu: slice overlaps the one above it; order slices from the top",
                                path, smpf_table_line(t, r));
    }
    out->nslices = st == SMPF_OK ? rows : 0;
    smpf_table_free(t);
    return st;
}
