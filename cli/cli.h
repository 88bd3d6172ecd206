/* The smpfade command: shared option parsing, errors and output writers.  The CLI does
 * no science: it parses, calls the library and formats. */
#ifndef SMPF_CLI_H
#define SMPF_CLI_H

#include "smpfade.h"

#include <jansson.h>
#include <stdio.h>

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_DATA = 3 };

typedef enum { FMT_TABLE, FMT_CSV, FMT_JSON } cli_format;

/* Options every command takes. */
typedef struct {
    cli_format format;
    const char *output;   /* NULL: stdout */
    const char *cie_dir;  /* NULL: $SMPF_CIE_DIR or /usr/share/colord */
    const char *inputs[8]; /* files read, which --output must never overwrite */
    size_t ninputs;
} cli_common;

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} cli_command;

/* Messages on stderr, prefixed "smpfade <cmd>: "; return the exit code to use. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_report(const char *cmd, int status, const smpf_error_t *err);

/* Option values: the message names the option and the range expected (exit 2). */
int cli_double(const char *cmd, const char *opt, const char *text, double min, double max,
               double *out);
int cli_long(const char *cmd, const char *opt, const char *text, long min, long max, long *out);
/* A count (samples, steps, years ...): a whole number in [min, max], written as digits or
 * in exponent form ("1e4"); "1e12" or "2.5" get a message naming the option and range. */
int cli_count(const char *cmd, const char *opt, const char *text, size_t min, size_t max,
              size_t *out);
int cli_format_parse(const char *cmd, const char *text, cli_format *out);
/* Handles --format, --output and --cie-dir for a command's getopt loop: returns 1 if the
 * option was one of them (and sets *rc to an exit code on error), else 0. */
int cli_common_option(const char *cmd, int opt, const char *arg, cli_common *common, int *rc);
void cli_common_add_input(cli_common *common, const char *path);
/* Message for getopt_long's '?' (unknown option) or ':' (missing value); call with ':' as
 * the first character of the optstring and opterr = 0. */
int cli_getopt_error(const char *cmd, int c, char **argv);

/* Long option codes shared by every command. */
enum { OPT_FORMAT = 1000, OPT_OUTPUT, OPT_CIE_DIR, OPT_HELP, OPT_COMMON_END };
#define CLI_COMMON_LONGOPTS                                                                    \
    {"format", required_argument, NULL, OPT_FORMAT},                                           \
        {"output", required_argument, NULL, OPT_OUTPUT},                                       \
        {"cie-dir", required_argument, NULL, OPT_CIE_DIR}, {"help", no_argument, NULL, OPT_HELP}
#define CLI_COMMON_HELP                                                                        \
    "  --format table|csv|json  output format (default table)\n"                              \
    "  --output FILE            write there atomically (temp file + rename), not stdout\n"    \
    "  --cie-dir DIR            colord-data directory with cmf/ and illuminant/\n"            \
    "                           (default $SMPF_CIE_DIR, else /usr/share/colord)\n"            \
    "  --help                   this text\n"

/* An output stream that lands atomically: data goes to a temporary file beside the target,
 * which replaces it only on cli_out_commit.  A failed run leaves any old file untouched. */
typedef struct {
    FILE *fp;
    char *path, *tmp_path;
} cli_out;

int cli_out_open(const char *cmd, const cli_common *common, cli_out *out);
/* What cli_out_open checks of --output before writing: not an input file (also through a
 * link), not a directory, not a file the user made read-only.  An exit code. */
int cli_output_check(const char *cmd, const cli_common *common);
/* The last step of every command: opens the output (stdout or --output), writes it with
 * write(fp, data) (0 on success) and commits it, or aborts with a message so that nothing
 * half-written lands.  Returns the exit code. */
typedef int (*cli_writer)(FILE *fp, const void *data);
int cli_emit(const char *cmd, const cli_common *common, cli_writer write, const void *data);
int cli_out_commit(const char *cmd, cli_out *out);
void cli_out_abort(cli_out *out);
/* A temporary file to remove if SIGINT, SIGTERM or SIGHUP ends the process before it is
 * renamed or removed (cli_out does this for its own; pictures call it). */
void cli_tmp_watch(const char *tmp_path);
void cli_tmp_unwatch(const char *tmp_path);

/* A table of cells rendered as an aligned text table, CSV (libcsv quoting) or JSON. */
typedef struct {
    char *text;
    double number;
    int digits; /* decimals for a number; -1 for a text cell; -2 for null */
} cli_cell;

typedef struct {
    size_t ncols, nrows, cap;
    const char *const *names;
    cli_cell *cells;
} cli_table;

void cli_table_init(cli_table *t, const char *const *names, size_t ncols);
void cli_table_free(cli_table *t);
/* Appends a row; returns the row index, or -1 when out of memory. */
long cli_table_add_row(cli_table *t);
void cli_table_num(cli_table *t, size_t row, size_t col, double v, int digits);
void cli_table_text(cli_table *t, size_t row, size_t col, const char *s);
void cli_table_null(cli_table *t, size_t row, size_t col);
int cli_table_write_text(FILE *fp, const cli_table *t);
int cli_table_write_csv(FILE *fp, const cli_table *t);
/* JSON array of objects, one per row, keys = column names. */
json_t *cli_table_to_json(const cli_table *t);
/* A JSON string of user data (sample, ink or file names): when s is not valid UTF-8, each
 * invalid byte is replaced by U+FFFD, so the output stays valid JSON.  NULL only when out
 * of memory (or s is NULL). */
json_t *cli_json_string(const char *s);
/* Dumps a JSON value with a trailing newline. */
int cli_json_write(FILE *fp, json_t *value);

/* The built-in datasets directory: option_value if given, else $SMPF_DATA_DIR, else
 * beside the executable (installed or build tree), else ./datasets.  buf holds a built
 * path. */
const char *cli_data_dir(const char *option_value, char *buf, size_t size);

/* The pigment catalogue: --data-dir DIR and --inks-file FILE (repeatable). */
#define CLI_MAX_INKS_FILES 8
typedef struct {
    const char *data_dir;
    const char *inks_files[CLI_MAX_INKS_FILES];
    size_t ninks_files;
} cli_catalogue_opts;
enum { OPT_DATA_DIR = 1100, OPT_INKS_FILE };
#define CLI_CATALOGUE_LONGOPTS                                                                 \
    {"data-dir", required_argument, NULL, OPT_DATA_DIR},                                       \
        {"inks-file", required_argument, NULL, OPT_INKS_FILE}
#define CLI_CATALOGUE_HELP                                                                     \
    "  --data-dir DIR           built-in datasets (default $SMPF_DATA_DIR, else the\n"         \
    "                           installed or build-tree datasets/)\n"                           \
    "  --inks-file FILE         add a formulator's inks, components or pigment spectra\n"     \
    "                           (datasets/FORMATS.md); repeatable\n"
int cli_catalogue_option(const char *cmd, int opt, const char *arg, cli_catalogue_opts *opts,
                         cli_common *common, int *rc);
int cli_load_pigments(const char *cmd, const cli_catalogue_opts *opts, smpf_pigments_t **out);
/* The named ink, or a usage error naming option opt and listing the choices. */
int cli_find_ink(const char *cmd, const char *opt, const smpf_pigments_t *p, const char *name,
                 const smpf_ink_t **out);

/* Client options (project, compare, render). */
enum {
    OPT_CLIENT = 1200, OPT_INK, OPT_SKIN, OPT_DEPTH, OPT_LATITUDE, OPT_OUTDOOR, OPT_SPF,
    OPT_SUNSCREEN_USE, OPT_HAT, OPT_HAIR_COVER, OPT_SESSIONS, OPT_YEARS, OPT_STEP_MONTHS,
    OPT_START_DAY, OPT_CRITERION, OPT_NO_TOUCHUPS
};
#define CLI_CLIENT_LONGOPTS                                                                    \
    {"client", required_argument, NULL, OPT_CLIENT}, {"ink", required_argument, NULL, OPT_INK}, \
        {"skin", required_argument, NULL, OPT_SKIN},                                           \
        {"depth-mm", required_argument, NULL, OPT_DEPTH},                                      \
        {"latitude", required_argument, NULL, OPT_LATITUDE},                                   \
        {"outdoor-hours", required_argument, NULL, OPT_OUTDOOR},                               \
        {"spf", required_argument, NULL, OPT_SPF},                                             \
        {"sunscreen-use", required_argument, NULL, OPT_SUNSCREEN_USE},                         \
        {"hat", required_argument, NULL, OPT_HAT},                                             \
        {"hair-cover", required_argument, NULL, OPT_HAIR_COVER},                               \
        {"sessions", required_argument, NULL, OPT_SESSIONS},                                   \
        {"years", required_argument, NULL, OPT_YEARS},                                         \
        {"step-months", required_argument, NULL, OPT_STEP_MONTHS},                             \
        {"start-day", required_argument, NULL, OPT_START_DAY},                                 \
        {"criterion", required_argument, NULL, OPT_CRITERION},                                 \
        {"no-touchups", no_argument, NULL, OPT_NO_TOUCHUPS}
#define CLI_CLIENT_HELP                                                                        \
    "Client (defaults, then --client FILE, then these options):\n"                             \
    "  --client FILE            a client profile: CSV key,value (datasets/FORMATS.md)\n"       \
    "  --ink NAME               ink (default smp_carbon; 'smpfade inks' lists them)\n"         \
    "  --skin 1..6              Fitzpatrick skin type (default 2)\n"                           \
    "  --depth-mm Z             needle depth, 0.05-3 mm (default: the 0.5 mm median of\n"     \
    "                           datasets/kinetics_params.csv, an estimate)\n"                 \
    "  --latitude DEG           -90..90, north positive (default 50)\n"                        \
    "  --outdoor-hours H        hours outdoors a day, 0-24 (default 2)\n"                      \
    "  --spf N                  sunscreen SPF, 1-100 (default 1: none)\n"                      \
    "  --sunscreen-use F        share of outdoor time with sunscreen, 0-1 (default 0;\n"     \
    "                           1 when --spf is given alone)\n"                                \
    "  --hat F                  share of outdoor time with a hat, 0-1 (default 0)\n"          \
    "  --hair-cover F           share of the scalp's UV blocked by hair, 0-1 (default 0)\n"   \
    "  --sessions N             initial sessions 14 days apart, 1-8 (default 3: density\n"    \
    "                           30, 70, 100 %%; 1: 100 %%; 2: 70, 100 %%; more than 3:\n"     \
    "                           the extra ones top up to 100 %%)\n"                           \
    "  --start-day N            day of the year of the first session (default 121)\n"         \
    "  --years Y                horizon, 0.25-100 years (default 10)\n"                        \
    "  --step-months N          timeline step, 1-12 (default 3)\n"                            \
    "  --criterion SPEC         touch-up criteria, e.g. contrast:0.75,de00:1.8,blur:1\n"     \
    "                           (default); also hue:DEG.  contrast: below F of the healed\n" \
    "                           contrast; de00: ΔE00 from the healed dot above N (1.8 is\n"  \
    "                           the 50:50 acceptability threshold, Paravina et al. 2015);\n" \
    "                           hue: cast hue moved more than DEG; blur: dot width above\n"  \
    "                           F of the spacing (reported, not scheduled)\n"                 \
    "  --no-touchups            fade naturally: report the first touch-up time only\n"
typedef struct {
    const char *client_file, *ink;
    int skin, sessions, step_months, criteria_set, no_touchups;
    smpf_criteria_t criteria;
    double number[9];
    int number_set[9];
} cli_client_opts;
void cli_client_opts_init(cli_client_opts *o);
int cli_client_option(const char *cmd, int opt, const char *arg, cli_client_opts *o,
                      cli_common *common, int *rc);
/* The effective inputs: defaults, the client file, then the options. */
int cli_client_inputs(const char *cmd, const cli_client_opts *o, smpf_project_inputs_t *in);

/* What a projection needs, loaded once per command. */
typedef struct {
    smpf_context_t *ctx;
    smpf_pigments_t *pigments;
    smpf_tissue_t *tissue;
    smpf_kin_params_t kin;
    char data_dir[4096];
} cli_model;
int cli_model_load(const char *cmd, const cli_common *common, const cli_catalogue_opts *cat,
                   cli_model *m);
void cli_model_free(cli_model *m);
/* Exit code 2 with the list of inks when name is not one. */
int cli_check_ink(const char *cmd, const cli_model *m, const char *name);

/* A projection's result, with what produced it, for the writers. */
typedef struct {
    const cli_model *m;
    const smpf_project_inputs_t *in;
    const smpf_project_params_t *par;
    const smpf_projection_t *pr;
    const smpf_ensemble_t *ensemble; /* NULL without --samples */
    unsigned long long seed;
    json_t *inputs; /* the caller owns it; the writers only borrow it */
} cli_project_result;
int cli_project_write(FILE *fp, cli_format format, const cli_project_result *res);
json_t *cli_inputs_json(const smpf_project_inputs_t *in, const smpf_project_params_t *par,
                        const cli_model *m, const cli_catalogue_opts *cat);
json_t *cli_criteria_json(const smpf_criteria_t *c);

/* The fading and drift curves of a projection as a PNG or SVG (picture.h), bands from the
 * ensemble when there is one. */
int cli_project_plot(const char *cmd, const char *path, const smpf_project_inputs_t *in,
                     const smpf_projection_t *pr, const smpf_ensemble_t *ens);

/* Commands. */
int cmd_color(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_inks(int argc, char **argv);
int cmd_project(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_skins(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_optics(int argc, char **argv);
int cmd_optics_skin(int argc, char **argv); /* smpfade optics skin, from cmd_optics */
int cmd_merge(int argc, char **argv);
/* smpfade project with argv; with merged (the shards' summed histograms) the ensemble is
 * not run but taken from there (smpfade merge). */
int cli_project_run(int argc, char **argv, smpf_ensemble_t *merged);
/* Shard files (cli/shard_counts.c): the histogram counts as JSON, the nonzero ones as
 * [gap, count] pairs (gap: zero bins skipped since the previous nonzero one). */
#define CLI_SHARD_FORMAT 1
json_t *cli_counts_json(const smpf_ensemble_t *e);
/* Adds counts read from a shard into e; -1 (message in buf) if they do not fit. */
int cli_counts_add(smpf_ensemble_t *e, const json_t *counts, char *buf, size_t size);

#endif
