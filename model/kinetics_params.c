/* The named, uncertain parameters of the kinetics and sun models, read from
 * datasets/kinetics_params.csv (median, 90 % range, unit, estimate or measured, source). */
#include "smpfade.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Name (with unit) and physical bounds of each parameter, in smpf_kin_param_id order. */
static const struct {
    const char *name;
    const char *unit;
    double min, max;
} PARAMS[SMPF_KP_COUNT] = {
    [SMPF_KP_TAU_TURNOVER_DAYS] = {"tau_turnover_days", "day", 1.0, 1000.0},
    [SMPF_KP_EPIDERMIS_THICKNESS_MM] = {"epidermis_thickness_mm", "mm", 0.01, 1.0},
    [SMPF_KP_NEEDLE_DEPTH_MM] = {"needle_depth_mm", "mm", 0.01, 5.0},
    [SMPF_KP_DEPOSIT_WIDTH_MM] = {"deposit_width_mm", "mm", 0.001, 2.0},
    [SMPF_KP_K_CAP_PER_DAY] = {"k_cap_per_day", "1/day", 1e-12, 100.0},
    [SMPF_KP_K_REL_PER_DAY] = {"k_rel_per_day", "1/day", 1e-12, 100.0},
    [SMPF_KP_K_FIB_PER_DAY] = {"k_fib_per_day", "1/day", 1e-12, 100.0},
    [SMPF_KP_K_XREL_PER_DAY] = {"k_xrel_per_day", "1/day", 1e-12, 100.0},
    [SMPF_KP_K_LYMPH0_PER_DAY] = {"k_lymph0_per_day", "1/day", 0.0, 100.0},
    [SMPF_KP_LYMPH_D50_NM] = {"lymph_d50_nm", "nm", 1.0, 1e6},
    [SMPF_KP_LYMPH_HILL] = {"lymph_hill", "1", 0.1, 20.0},
    [SMPF_KP_HEALING_DAYS] = {"healing_days", "day", 0.0, 365.0},
    [SMPF_KP_LYMPH_HEALED_RATIO] = {"lymph_healed_ratio", "1", 0.0, 1.0},
    [SMPF_KP_UVB_1PCT_DEPTH_MM] = {"uvb_1pct_depth_mm", "mm", 0.001, 10.0},
    [SMPF_KP_UVA_1PCT_DEPTH_MM] = {"uva_1pct_depth_mm", "mm", 0.001, 10.0},
    [SMPF_KP_ERYTHEMAL_UVB_FRACTION] = {"erythemal_uvb_fraction", "1", 0.0, 1.0},
    [SMPF_KP_OZONE_DU] = {"ozone_DU", "DU", 100.0, 700.0},
    [SMPF_KP_CLOUD_FACTOR] = {"cloud_factor", "1", 0.0, 1.2},
    [SMPF_KP_SCALP_EXPOSURE_RATIO] = {"scalp_exposure_ratio", "1", 0.0, 1.0},
    [SMPF_KP_HAT_TRANSMISSION] = {"hat_transmission", "1", 0.0, 1.0},
    [SMPF_KP_DOT_DIAMETER_MM] = {"dot_diameter_mm", "mm", 0.01, 10.0},
    [SMPF_KP_DOT_SPACING_MM] = {"dot_spacing_mm", "mm", 0.05, 20.0},
    [SMPF_KP_D_LAT_MM2_PER_DAY] = {"d_lat_mm2_per_day", "mm^2/day", 0.0, 1.0},
    [SMPF_KP_INK_SKIN_UPTAKE_FRACTION] = {"ink_skin_uptake_fraction", "1", 0.0, 1.0},
};

const char *smpf_kin_param_name(int id)
{
    return id >= 0 && id < SMPF_KP_COUNT ? PARAMS[id].name : NULL;
}

int smpf_kin_param_find(const char *name)
{
    for (int i = 0; i < SMPF_KP_COUNT; i++)
        if (strcmp(PARAMS[i].name, name) == 0)
            return i;
    return -1;
}

void smpf_kin_param_bounds(int id, double *min, double *max)
{
    *min = id >= 0 && id < SMPF_KP_COUNT ? PARAMS[id].min : NAN;
    *max = id >= 0 && id < SMPF_KP_COUNT ? PARAMS[id].max : NAN;
}

int smpf_kin_params_set(smpf_kin_params_t *p, const char *name, double value,
                        smpf_error_t *err)
{
    int id = smpf_kin_param_find(name);
    if (id < 0)
        return smpf_error_set(err, SMPF_ERR_USAGE, "unknown kinetics parameter '%s'", name);
    if (!isfinite(value) || value < PARAMS[id].min || value > PARAMS[id].max)
        return smpf_error_set(err, SMPF_ERR_USAGE, "%s: %g is outside the range [%g, %g]",
                              name, value, PARAMS[id].min, PARAMS[id].max);
    p->value[id] = value;
    return SMPF_OK;
}

static int load_row(const smpf_table_t *t, size_t r, smpf_kin_params_t *out, int *seen,
                    smpf_error_t *err)
{
    const char *name, *unit, *kind, *dist, *source;
    int rc;
    if ((rc = smpf_table_string(t, r, "name", &name, err)) != SMPF_OK)
        return rc;
    int id = smpf_kin_param_find(name);
    size_t line = smpf_table_line(t, r);
    if (id < 0)
        return smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu:1: unknown parameter '%s'",
                              smpf_table_name(t), line, name);
    if (seen[id])
        return smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu:1: parameter '%s' given twice",
                              smpf_table_name(t), line, name);
    seen[id] = 1;
    smpf_kin_param_info_t *info = &out->info[id];
    double lo = PARAMS[id].min, hi = PARAMS[id].max;
    if ((rc = smpf_table_number(t, r, "median", lo, hi, &info->median, err)) != SMPF_OK ||
        (rc = smpf_table_number(t, r, "lo", lo, info->median, &info->lo, err)) != SMPF_OK ||
        (rc = smpf_table_number(t, r, "hi", info->median, hi, &info->hi, err)) != SMPF_OK ||
        (rc = smpf_table_string(t, r, "unit", &unit, err)) != SMPF_OK ||
        (rc = smpf_table_string(t, r, "kind", &kind, err)) != SMPF_OK ||
        (rc = smpf_table_string(t, r, "distribution", &dist, err)) != SMPF_OK ||
        (rc = smpf_table_string(t, r, "source", &source, err)) != SMPF_OK)
        return rc;
    int ucol = smpf_table_find(t, "unit") + 1, kcol = smpf_table_find(t, "kind") + 1;
    int dcol = smpf_table_find(t, "distribution") + 1;
    if (strcmp(unit, PARAMS[id].unit) != 0)
        return smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu:%d: %s must be in '%s', not '%s'",
                              smpf_table_name(t), line, ucol, name, PARAMS[id].unit, unit);
    if (strcmp(kind, "estimate") != 0 && strcmp(kind, "measured") != 0)
        return smpf_error_set(err, SMPF_ERR_DATA,
                              "%s:%zu:%d: kind must be 'estimate' or 'measured', not '%s'",
                              smpf_table_name(t), line, kcol, kind);
    if (strcmp(dist, "lognormal") != 0 && strcmp(dist, "logitnormal") != 0)
        return smpf_error_set(err, SMPF_ERR_DATA,
                              "%s:%zu:%d: distribution must be 'lognormal' or 'logitnormal'",
                              smpf_table_name(t), line, dcol);
    info->estimate = strcmp(kind, "estimate") == 0;
    snprintf(info->distribution, sizeof info->distribution, "%s", dist);
    snprintf(info->source, sizeof info->source, "%s", source);
    out->value[id] = info->median;
    return SMPF_OK;
}

int smpf_kin_params_load(const char *path, smpf_kin_params_t *out, smpf_error_t *err)
{
    static const char *const cols[] = {"name", "median", "lo", "hi", "unit",
                                       "kind", "distribution", "source", NULL};
    smpf_table_t *t = NULL;
    int rc = smpf_table_load(path, &t, err);
    if (rc != SMPF_OK)
        return rc;
    memset(out, 0, sizeof *out);
    int seen[SMPF_KP_COUNT] = {0};
    rc = smpf_table_expect_columns(t, cols, NULL, err);
    for (size_t r = 0; rc == SMPF_OK && r < smpf_table_rows(t); r++)
        rc = load_row(t, r, out, seen, err);
    for (int i = 0; rc == SMPF_OK && i < SMPF_KP_COUNT; i++)
        if (!seen[i])
            rc = smpf_error_set(err, SMPF_ERR_DATA, "%s: parameter '%s' is missing", path,
                                PARAMS[i].name);
    smpf_table_free(t);
    return rc;
}
