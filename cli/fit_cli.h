/* smpfade fit: what the command parses and loads, shared by cmd_fit.c (options, data)
 * and fit_output.c (table, CSV, JSON). */
#ifndef SMPF_FIT_CLI_H
#define SMPF_FIT_CLI_H

#include "cli.h"

#define FIT_DAYS_PER_YEAR 365.25 /* Julian year: t_days = 365.25 t_years */
#define FIT_MAX_LIST 32

/* Options of --model smp (fit_smp_cli.c). */
enum { OPT_SMP_INK = 1200, OPT_SMP_SKIN, OPT_SMP_DEPTH, OPT_SMP_LATITUDE, OPT_SMP_OUTDOOR,
       OPT_SMP_SPF, OPT_SMP_HAIR, OPT_SMP_SESSIONS, OPT_SMP_START_DAY, OPT_SMP_SUBLAYERS,
       OPT_SMP_QUANTITY, OPT_SMP_TIME_ZERO, OPT_SMP_PARAMS_FILE };
#define FIT_SMP_LONGOPTS                                                                       \
    CLI_CATALOGUE_LONGOPTS, {"ink", required_argument, NULL, OPT_SMP_INK},                    \
        {"skin", required_argument, NULL, OPT_SMP_SKIN},                                       \
        {"depth-mm", required_argument, NULL, OPT_SMP_DEPTH},                                  \
        {"latitude", required_argument, NULL, OPT_SMP_LATITUDE},                               \
        {"outdoor-hours", required_argument, NULL, OPT_SMP_OUTDOOR},                           \
        {"spf", required_argument, NULL, OPT_SMP_SPF},                                         \
        {"hair-cover", required_argument, NULL, OPT_SMP_HAIR},                                 \
        {"sessions", required_argument, NULL, OPT_SMP_SESSIONS},                               \
        {"start-day", required_argument, NULL, OPT_SMP_START_DAY},                             \
        {"sublayers", required_argument, NULL, OPT_SMP_SUBLAYERS},                             \
        {"quantity", required_argument, NULL, OPT_SMP_QUANTITY},                               \
        {"time-zero", required_argument, NULL, OPT_SMP_TIME_ZERO},                             \
        {"params-file", required_argument, NULL, OPT_SMP_PARAMS_FILE}

typedef struct {
    int given; /* any of these options appeared */
    const char *ink, *quantity, *time_zero, *params_file;
    smpf_client_t client;
    int has_depth;
    double depth_mm, start_day;
    long sessions, nsublayers;
    cli_catalogue_opts catalogue;
} fit_smp_options;

/* What the smp model was built from. */
typedef struct {
    smpf_pigments_t *catalogue;
    smpf_kin_params_t params;
    smpf_kin_ink_t ink;
    smpf_client_t client;
    smpf_kin_schedule_t schedule;
    double t_offset_days;
    char params_path[4096];
    smpf_fit_smp_t *model;
    /* Colour-based quantities only: the optics they need. */
    smpf_context_t *ctx;
    smpf_tissue_t *tissue;
    smpf_fit_optics_t *optics;
    smpf_fit_smp_quantity_t optical;
} fit_smp_setup;

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
    const fit_smp_options *smp_options; /* NULL unless --model smp */
    const fit_smp_setup *smp;
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

void fit_smp_options_init(fit_smp_options *o);
/* 1 if opt is an smp option (*rc set to an exit code on a bad value), else 0. */
int fit_smp_option(int opt, const char *arg, fit_smp_options *o, cli_common *common, int *rc);
/* Loads the catalogue and parameters and builds the model; an exit code. */
int fit_smp_build(const fit_smp_options *o, fit_smp_setup *s);
void fit_smp_free(fit_smp_setup *s);
/* The default free parameters less those fixed, into names; their number. */
size_t fit_smp_default_free(const fit_settings *s, const char **names);
json_t *fit_smp_inputs_json(const fit_smp_options *o, const fit_smp_setup *s);
void fit_smp_comment(FILE *fp, const fit_smp_options *o, const fit_smp_setup *s);
void fit_smp_help(void);

/* What fit_write writes, in the given format (a cli_writer for cli_emit). */
typedef struct {
    cli_format format;
    const fit_settings *s;
    const fit_observations *obs;
    const smpf_fit_result_t *r;
} fit_output_t;
int fit_write(FILE *fp, const void *data);

#endif
