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
int cli_out_commit(const char *cmd, cli_out *out);
void cli_out_abort(cli_out *out);

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

/* Commands. */
int cmd_color(int argc, char **argv);

#endif
