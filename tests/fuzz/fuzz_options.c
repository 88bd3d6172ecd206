/* libFuzzer harness: the option-value parsers every command shares (cli/errors.c) and the
 * JSON string of user data (cli/table.c), on arbitrary strings.  The first byte picks the
 * range asked for; the rest is the value.  Checked: an accepted value lies in its range,
 * a refused one gives exit code 2, smpf_utf8_valid agrees with jansson's own UTF-8 check,
 * and cli_json_string always yields valid JSON text.
 * Messages go to stderr: run with -close_fd_mask=2 (make fuzz does). */
#include "cli.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const double double_ranges[][2] = {{0, 1}, {-1e300, 1e300}, {1e-9, 120}, {0, 0}};
static const long long_ranges[][2] = {{0, 10}, {LONG_MIN, LONG_MAX}, {1, 100000}, {-5, -1}};
static const size_t count_ranges[][2] = {{1, 100000}, {0, SIZE_MAX}, {2, 2}, {0, 1000000000}};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned pick = data[0] % 4;
    char *text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';

    double d;
    if (smpf_parse_double(text, &d) == 0 && !isfinite(d))
        abort();
    const double *dr = double_ranges[pick];
    int rc = cli_double("fuzz", "x", text, dr[0], dr[1], &d);
    if (rc == EXIT_OK ? !(d >= dr[0] && d <= dr[1]) : rc != EXIT_USAGE)
        abort();
    long l;
    const long *lr = long_ranges[pick];
    rc = cli_long("fuzz", "n", text, lr[0], lr[1], &l);
    if (rc == EXIT_OK ? !(l >= lr[0] && l <= lr[1]) : rc != EXIT_USAGE)
        abort();
    size_t n;
    const size_t *cr = count_ranges[pick];
    rc = cli_count("fuzz", "samples", text, cr[0], cr[1], &n);
    if (rc == EXIT_OK ? !(n >= cr[0] && n <= cr[1]) : rc != EXIT_USAGE)
        abort();
    cli_format fmt;
    rc = cli_format_parse("fuzz", text, &fmt);
    if (rc != EXIT_OK && rc != EXIT_USAGE)
        abort();

    /* Our UTF-8 check against jansson's, an independent implementation of RFC 3629. */
    json_t *strict = json_string(text);
    if (smpf_utf8_valid(text) != (strict != NULL))
        abort();
    json_decref(strict);
    json_t *s = cli_json_string(text);
    char *dumped = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
    json_error_t jerr;
    json_t *back = dumped ? json_loads(dumped, JSON_DECODE_ANY, &jerr) : NULL;
    if (!back || !json_is_string(back))
        abort();
    json_decref(back);
    free(dumped);
    json_decref(s);
    free(text);
    return 0;
}
