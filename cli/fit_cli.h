/* smpfade fit: what the command parses and loads, shared by cmd_fit.c (options, data)
 * and fit_output.c (table, CSV, JSON). */
#ifndef SMPF_FIT_CLI_H
#define SMPF_FIT_CLI_H

#include "cli.h"

#define FIT_DAYS_PER_YEAR 365.25 /* Julian year: t_days = 365.25 t_years */
#define FIT_MAX_LIST 32

/* The effective settings of a run, echoed in every output. */
typedef struct {
    const char *data_path, *model, *time_column;
    smpf_fit_weights_t weights;
    int profile;
    const char *free_names[FIT_MAX_LIST];
    size_t nfree;
    const char *per_series[FIT_MAX_LIST];
    size_t nper_series;
    const char *fixed_names[FIT_MAX_LIST], *start_names[FIT_MAX_LIST];
    double fixed_values[FIT_MAX_LIST], start_values[FIT_MAX_LIST];
    size_t nfixed, nstart;
} fit_settings;

/* Observations read from the CSV file (series in order of first appearance). */
typedef struct {
    size_t n, nseries;
    double *t_days, *value, *sigma;
    size_t *series;
    char **series_names;
} fit_observations;

int fit_load_observations(const char *path, fit_observations *obs, const char **time_column,
                          smpf_error_t *err);
void fit_observations_free(fit_observations *obs);

int fit_write(FILE *fp, cli_format format, const fit_settings *s, const fit_observations *obs,
              const smpf_fit_result_t *r);

#endif
