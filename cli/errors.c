/* Messages on stderr and the parsing of option values, each naming the option. */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "smpfade %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'smpfade %s --help'.\n", cmd);
    return EXIT_USAGE;
}

int cli_report(const char *cmd, int status, const smpf_error_t *err)
{
    fprintf(stderr, "smpfade %s: %s\n", cmd, err->message);
    return smpf_status_exit_code(status);
}

int cli_double(const char *cmd, const char *opt, const char *text, double min, double max,
               double *out)
{
    double v;
    if (smpf_parse_double(text, &v) != 0)
        return cli_usage_error(cmd, "option --%s: expected a number, got '%s'", opt, text);
    if (v < min || v > max)
        return cli_usage_error(cmd, "option --%s: %s is outside the range [%g, %g]", opt, text,
                               min, max);
    *out = v;
    return EXIT_OK;
}

int cli_long(const char *cmd, const char *opt, const char *text, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (!*text || isspace((unsigned char)*text) || *end || errno == ERANGE)
        return cli_usage_error(cmd, "option --%s: expected a whole number, got '%s'", opt, text);
    if (v < min || v > max)
        return cli_usage_error(cmd, "option --%s: %s is outside the range [%ld, %ld]", opt, text,
                               min, max);
    *out = v;
    return EXIT_OK;
}

int cli_count(const char *cmd, const char *opt, const char *text, size_t min, size_t max,
              size_t *out)
{
    double v;
    if (smpf_parse_double(text, &v) != 0 || v != floor(v))
        return cli_usage_error(cmd, "option --%s: expected a whole number from %zu to %zu, got "
                               "'%s'", opt, min, max, text);
    /* Compared as doubles, before any conversion: 1e12 must not wrap around.  Counts above
     * 2^53 cannot be exact in a double and are refused whatever max is. */
    if (v < (double)min || v > (double)max || v >= 0x1p53)
        return cli_usage_error(cmd, "option --%s: %s is outside the allowed range [%zu, %zu]",
                               opt, text, min, max);
    *out = (size_t)v;
    return EXIT_OK;
}

int cli_format_parse(const char *cmd, const char *text, cli_format *out)
{
    if (strcmp(text, "table") == 0)
        *out = FMT_TABLE;
    else if (strcmp(text, "csv") == 0)
        *out = FMT_CSV;
    else if (strcmp(text, "json") == 0)
        *out = FMT_JSON;
    else
        return cli_usage_error(cmd, "option --format: expected table, csv or json, got '%s'",
                               text);
    return EXIT_OK;
}

void cli_common_add_input(cli_common *common, const char *path)
{
    if (common->ninputs < sizeof common->inputs / sizeof common->inputs[0])
        common->inputs[common->ninputs++] = path;
}

int cli_common_option(const char *cmd, int opt, const char *arg, cli_common *common, int *rc)
{
    switch (opt) {
    case OPT_FORMAT:
        *rc = cli_format_parse(cmd, arg, &common->format);
        return 1;
    case OPT_OUTPUT:
        if (!*arg)
            *rc = cli_usage_error(cmd, "option --output: expected a file name");
        common->output = arg;
        return 1;
    case OPT_CIE_DIR:
        common->cie_dir = arg;
        return 1;
    default:
        return 0;
    }
}
