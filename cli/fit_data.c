/* Reads the observations of `smpfade fit`: a CSV file with a time column (t_days, or
 * t_years converted at 365.25 days per year), value, optional sigma, series and source
 * (a citation per row, not used by the fit).  Errors name file, line and column. */
#include "fit_cli.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>

#define FIT_MAX_T_DAYS 1e6
#define FIT_MAX_ABS_VALUE 1e300

void fit_observations_free(fit_observations *obs)
{
    free(obs->t_days);
    free(obs->value);
    free(obs->sigma);
    free(obs->series);
    if (obs->series_names)
        for (size_t s = 0; s < obs->nseries; s++)
            free(obs->series_names[s]);
    free(obs->series_names);
    memset(obs, 0, sizeof *obs);
}

static int series_index(fit_observations *obs, const char *name, size_t *out, smpf_error_t *err)
{
    for (size_t s = 0; s < obs->nseries; s++)
        if (strcmp(obs->series_names[s], name) == 0) {
            *out = s;
            return SMPF_OK;
        }
    char *copy = strdup(name);
    if (!copy)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    obs->series_names[obs->nseries] = copy;
    *out = obs->nseries++;
    return SMPF_OK;
}

static int read_rows(const smpf_table_t *t, fit_observations *obs, const char *tcol,
                     smpf_error_t *err)
{
    int has_sigma = smpf_table_find(t, "sigma") >= 0;
    int has_series = smpf_table_find(t, "series") >= 0;
    double tmax = strcmp(tcol, "t_years") == 0 ? FIT_MAX_T_DAYS / FIT_DAYS_PER_YEAR
                                                : FIT_MAX_T_DAYS;
    for (size_t i = 0; i < obs->n; i++) {
        double tv;
        int rc = smpf_table_number(t, i, tcol, 0.0, tmax, &tv, err);
        if (rc == SMPF_OK)
            rc = smpf_table_number(t, i, "value", -FIT_MAX_ABS_VALUE, FIT_MAX_ABS_VALUE,
                                   &obs->value[i], err);
        if (rc == SMPF_OK && has_sigma)
            rc = smpf_table_number(t, i, "sigma", DBL_MIN, FIT_MAX_ABS_VALUE, &obs->sigma[i],
                                   err);
        const char *name = "1";
        if (rc == SMPF_OK && has_series)
            rc = smpf_table_string(t, i, "series", &name, err);
        if (rc == SMPF_OK)
            rc = series_index(obs, name, &obs->series[i], err);
        if (rc != SMPF_OK)
            return rc;
        obs->t_days[i] = strcmp(tcol, "t_years") == 0 ? tv * FIT_DAYS_PER_YEAR : tv;
    }
    return SMPF_OK;
}

int fit_load_observations(const char *path, fit_observations *obs, const char **time_column,
                          smpf_error_t *err)
{
    static const char *const required[] = {"value", NULL};
    static const char *const optional[] = {"t_days", "t_years", "sigma", "series", "source",
                                           NULL};
    memset(obs, 0, sizeof *obs);
    smpf_table_t *t = NULL;
    int rc = smpf_table_load(path, &t, err);
    if (rc == SMPF_OK)
        rc = smpf_table_expect_columns(t, required, optional, err);
    if (rc == SMPF_OK) {
        int days = smpf_table_find(t, "t_days") >= 0, years = smpf_table_find(t, "t_years") >= 0;
        if (days == years)
            rc = smpf_error_set(err, SMPF_ERR_DATA,
                                "%s: the header needs exactly one time column, t_days or "
                                "t_years (%s)",
                                path, days ? "both are there" : "neither is there");
        *time_column = days ? "t_days" : "t_years";
    }
    if (rc == SMPF_OK && smpf_table_rows(t) == 0)
        rc = smpf_error_set(err, SMPF_ERR_DATA, "%s: no data rows", path);
    if (rc == SMPF_OK) {
        size_t n = smpf_table_rows(t);
        obs->n = n;
        obs->t_days = malloc(n * sizeof *obs->t_days);
        obs->value = malloc(n * sizeof *obs->value);
        obs->series = malloc(n * sizeof *obs->series);
        obs->series_names = calloc(n, sizeof *obs->series_names);
        if (smpf_table_find(t, "sigma") >= 0)
            obs->sigma = malloc(n * sizeof *obs->sigma);
        if (!obs->t_days || !obs->value || !obs->series || !obs->series_names ||
            (smpf_table_find(t, "sigma") >= 0 && !obs->sigma))
            rc = smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    }
    if (rc == SMPF_OK)
        rc = read_rows(t, obs, *time_column, err);
    smpf_table_free(t);
    if (rc != SMPF_OK)
        fit_observations_free(obs);
    return rc;
}
