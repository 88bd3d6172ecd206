/* Loading the tissue optics data: skin types, model constants, hemoglobin spectra and the
 * pigment layer defaults, all from CSV under a data directory (datasets/SOURCES.md). */
#include "tissue_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Loads dir/name, checks its columns. */
static int open_table(const char *dir, const char *name, const char *const *cols,
                      smpf_table_t **out, smpf_error_t *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int st = smpf_table_load(path, out, err);
    if (st == SMPF_OK && (st = smpf_table_expect_columns(*out, cols, NULL, err)) != SMPF_OK) {
        smpf_table_free(*out);
        *out = NULL;
    }
    return st;
}

/* Median, lo, hi from columns base, base_lo, base_hi (or base_lo_unit style names). */
static int read_dist(const smpf_table_t *t, size_t row, const char *const names[3], double min,
                     double max, smpf_dist_t *d, smpf_error_t *err)
{
    int st = smpf_table_number(t, row, names[0], min, max, &d->median, err);
    if (st == SMPF_OK)
        st = smpf_table_number(t, row, names[1], min, max, &d->lo, err);
    if (st == SMPF_OK)
        st = smpf_table_number(t, row, names[2], min, max, &d->hi, err);
    if (st == SMPF_OK && !(d->lo <= d->median && d->median <= d->hi))
        st = smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu: need %s <= %s <= %s",
                            smpf_table_name(t), smpf_table_line(t, row), names[1], names[0],
                            names[2]);
    return st;
}

static int load_skin_types(const char *dir, smpf_tissue_t *out, smpf_error_t *err)
{
    static const char *const mel[3] = {"melanin_fraction", "melanin_fraction_lo", "melanin_fraction_hi"};
    static const char *const epi[3] = {"epidermis_thickness_mm", "epidermis_thickness_lo_mm",
                                       "epidermis_thickness_hi_mm"};
    static const char *const bl[3] = {"blood_fraction", "blood_fraction_lo", "blood_fraction_hi"};
    static const char *const sat[3] = {"saturation", "saturation_lo", "saturation_hi"};
    const char *const cols[] = {"skin_type", mel[0], mel[1], mel[2], epi[0], epi[1], epi[2],
                                       bl[0], bl[1], bl[2], sat[0], sat[1], sat[2], "source", NULL};
    smpf_table_t *t;
    int st = open_table(dir, "skin_types.csv", cols, &t, err);
    if (st != SMPF_OK)
        return st;
    int seen[TISSUE_NTYPES] = {0};
    for (size_t r = 0; st == SMPF_OK && r < smpf_table_rows(t); r++) {
        double type;
        st = smpf_table_number(t, r, "skin_type", 1, TISSUE_NTYPES, &type, err);
        if (st == SMPF_OK && (type != floor(type) || seen[(int)type - 1]))
            st = smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu: skin_type must be a new integer 1..6",
                                smpf_table_name(t), smpf_table_line(t, r));
        if (st != SMPF_OK)
            break;
        smpf_skin_dist_t *s = out->skin + (int)type - 1;
        seen[(int)type - 1] = 1;
        st = read_dist(t, r, mel, 0, 1, &s->melanin_fraction, err);
        if (st == SMPF_OK)
            st = read_dist(t, r, epi, 0.001, 1, &s->epidermis_thickness_mm, err);
        if (st == SMPF_OK)
            st = read_dist(t, r, bl, 0, 1, &s->blood_fraction, err);
        if (st == SMPF_OK)
            st = read_dist(t, r, sat, 0, 1, &s->saturation, err);
    }
    for (int k = 0; st == SMPF_OK && k < TISSUE_NTYPES; k++)
        if (!seen[k])
            st = smpf_error_set(err, SMPF_ERR_DATA, "%s: no row for skin type %d",
                                smpf_table_name(t), k + 1);
    smpf_table_free(t);
    return st;
}

/* The named constants of tissue_constants.csv, with their physical ranges. */
enum { C_N, C_G, C_EPI_A, C_EPI_F, C_EPI_B, C_DER_A, C_DER_F, C_DER_B, C_MEL_A, C_MEL_X,
       C_BASE_0, C_BASE_A, C_BASE_L, C_BASE_W, C_HB, C_HB_M, C_COUNT };
static const struct {
    const char *name;
    double min, max;
} constant_spec[C_COUNT] = {
    {"refractive_index", 1, 3},          {"g", 0, 0.99},
    {"epidermis_a_prime_per_mm", 0, 1e3}, {"epidermis_f_rayleigh", 0, 1},
    {"epidermis_b_mie", 0, 10},          {"dermis_a_prime_per_mm", 0, 1e3},
    {"dermis_f_rayleigh", 0, 1},         {"dermis_b_mie", 0, 10},
    {"melanin_mua_500nm_per_mm", 0, 1e4}, {"melanin_exponent", 0, 10},
    {"baseline_offset_per_mm", 0, 10},   {"baseline_amplitude_per_mm", 0, 1e3},
    {"baseline_lambda0_nm", 0, 1000},    {"baseline_width_nm", 1, 1000},
    {"blood_hemoglobin_g_per_L", 1, 1000}, {"hemoglobin_molar_mass_g_per_mol", 1e3, 1e6},
};

static int load_constants(const char *dir, double c[C_COUNT], smpf_error_t *err)
{
    static const char *const cols[] = {"name", "value", "unit", "source", NULL};
    smpf_table_t *t;
    int st = open_table(dir, "tissue_constants.csv", cols, &t, err);
    if (st != SMPF_OK)
        return st;
    int seen[C_COUNT] = {0};
    for (size_t r = 0; st == SMPF_OK && r < smpf_table_rows(t); r++) {
        const char *name;
        st = smpf_table_string(t, r, "name", &name, err);
        int k = 0;
        while (st == SMPF_OK && k < C_COUNT && strcmp(constant_spec[k].name, name) != 0)
            k++;
        if (st == SMPF_OK && (k == C_COUNT || seen[k]))
            st = smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu: %s constant '%s'", smpf_table_name(t),
                                smpf_table_line(t, r), k == C_COUNT ? "unknown" : "repeated", name);
        if (st == SMPF_OK)
            st = smpf_table_number(t, r, "value", constant_spec[k].min, constant_spec[k].max, c + k,
                                   err);
        if (st == SMPF_OK)
            seen[k] = 1;
    }
    for (int k = 0; st == SMPF_OK && k < C_COUNT; k++)
        if (!seen[k])
            st = smpf_error_set(err, SMPF_ERR_DATA, "%s: constant '%s' is missing",
                                smpf_table_name(t), constant_spec[k].name);
    smpf_table_free(t);
    return st;
}

/* Prahl's molar extinction (cm^-1 per mol/L) -> whole-blood mua in mm^-1 on the grid. */
static int load_hemoglobin(const char *dir, const double c[C_COUNT], smpf_tissue_t *out,
                           smpf_error_t *err)
{
    static const char *const cols[] = {"wavelength_nm", "eps_HbO2", "eps_Hb", NULL};
    smpf_table_t *t;
    int st = open_table(dir, "hemoglobin_prahl.csv", cols, &t, err);
    if (st != SMPF_OK)
        return st;
    size_t n = smpf_table_rows(t);
    double *x = malloc(3 * (n + 1) * sizeof *x), *oxy = x + n + 1, *deoxy = oxy + n + 1;
    if (!x)
        st = smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    double per_mm = 2.303 * c[C_HB] / c[C_HB_M] / 10.0; /* cm^-1 -> mm^-1 */
    for (size_t r = 0; st == SMPF_OK && r < n; r++) {
        st = smpf_table_number(t, r, "wavelength_nm", 200, 2000, x + r, err);
        if (st == SMPF_OK)
            st = smpf_table_number(t, r, "eps_HbO2", 0, 1e7, oxy + r, err);
        if (st == SMPF_OK)
            st = smpf_table_number(t, r, "eps_Hb", 0, 1e7, deoxy + r, err);
        oxy[r] *= per_mm;
        deoxy[r] *= per_mm;
    }
    if (st == SMPF_OK)
        st = smpf_resample(x, oxy, n, 5.0, out->mua_oxy, err);
    if (st == SMPF_OK)
        st = smpf_resample(x, deoxy, n, 5.0, out->mua_deoxy, err);
    if (st != SMPF_OK && x)
        smpf_error_prefix(err, "%s: ", smpf_table_name(t));
    free(x);
    smpf_table_free(t);
    return st;
}

static int load_pigment_layer(const char *dir, smpf_pigment_layer_dist_t *out, smpf_error_t *err)
{
    static const char *const cols[] = {"name", "median", "lo", "hi", "unit", "source", NULL};
    static const char *const names[3] = {"depth_mm", "thickness_mm", "amount_volume_fraction"};
    static const char *const dist_cols[3] = {"median", "lo", "hi"};
    smpf_dist_t *dst[3] = {&out->depth_mm, &out->thickness_mm, &out->amount};
    smpf_table_t *t;
    int st = open_table(dir, "pigment_layer.csv", cols, &t, err);
    int seen[3] = {0};
    for (size_t r = 0; st == SMPF_OK && r < smpf_table_rows(t); r++) {
        const char *name;
        st = smpf_table_string(t, r, "name", &name, err);
        int k = 0;
        while (st == SMPF_OK && k < 3 && strcmp(names[k], name) != 0)
            k++;
        if (st == SMPF_OK && (k == 3 || seen[k]))
            st = smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu: %s name '%s'", smpf_table_name(t),
                                smpf_table_line(t, r), k == 3 ? "unknown" : "repeated", name);
        if (st == SMPF_OK)
            st = read_dist(t, r, dist_cols, k == 2 ? 0 : 0.001, k == 2 ? 1 : 10, dst[k], err);
        if (st == SMPF_OK)
            seen[k] = 1;
    }
    for (int k = 0; st == SMPF_OK && k < 3; k++)
        if (!seen[k])
            st = smpf_error_set(err, SMPF_ERR_DATA, "%s: '%s' is missing", smpf_table_name(t),
                                names[k]);
    smpf_table_free(t);
    return st;
}

/* Jacques 2013: musp = a' [f (lambda/500)^-4 + (1 - f) (lambda/500)^-b]. */
static double musp(double a_prime, double f_ray, double b_mie, double wl_nm)
{
    double x = wl_nm / 500.0;
    return a_prime * (f_ray * pow(x, -4.0) + (1 - f_ray) * pow(x, -b_mie));
}

int smpf_tissue_load(const char *dir, smpf_tissue_t **out, smpf_error_t *err)
{
    *out = NULL;
    smpf_tissue_t *t = calloc(1, sizeof *t);
    if (!t)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    double c[C_COUNT];
    int st = load_skin_types(dir, t, err);
    if (st == SMPF_OK)
        st = load_constants(dir, c, err);
    if (st == SMPF_OK)
        st = load_hemoglobin(dir, c, t, err);
    if (st == SMPF_OK)
        st = load_pigment_layer(dir, &t->pigment_layer, err);
    if (st != SMPF_OK) {
        free(t);
        return st;
    }
    t->n = c[C_N];
    t->g = c[C_G];
    for (size_t i = 0; i < SMPF_NWL; i++) {
        double wl = smpf_wavelength_nm(i);
        t->mua_melanin[i] = c[C_MEL_A] * pow(wl / 500.0, -c[C_MEL_X]);
        t->mua_baseline[i] = c[C_BASE_0] + c[C_BASE_A] * exp(-(wl - c[C_BASE_L]) / c[C_BASE_W]);
        t->musp_epidermis[i] = musp(c[C_EPI_A], c[C_EPI_F], c[C_EPI_B], wl);
        t->musp_dermis[i] = musp(c[C_DER_A], c[C_DER_F], c[C_DER_B], wl);
    }
    *out = t;
    return SMPF_OK;
}

void smpf_tissue_free(smpf_tissue_t *t) { free(t); }
