/* Guards: nothing non-finite leaves the library unnoticed, and text is valid UTF-8. */
#include "smpfade.h"

#include <math.h>

int smpf_check_finite(const double *v, size_t n, const char *what, smpf_error_t *err)
{
    if (!what)
        what = "result";
    if (n > 0 && !v)
        return smpf_error_set(err, SMPF_ERR_USAGE, "%s: no values to check", what);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return smpf_error_set(err, SMPF_ERR_NUMERIC, "%s: value %zu of %zu is %s", what,
                                  i + 1, n, isnan(v[i]) ? "NaN" : v[i] > 0 ? "+inf" : "-inf");
    return SMPF_OK;
}

size_t smpf_utf8_sequence_length(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t n = c >= 0xC2 && c <= 0xDF   ? 2
               : c >= 0xE0 && c <= 0xEF ? 3
               : c >= 0xF0 && c <= 0xF4 ? 4
                                        : 0;
    unsigned char lo = 0x80, hi = 0xBF; /* bounds of the second byte (RFC 3629, table 3-7) */
    if (c == 0xE0)
        lo = 0xA0; /* no overlongs */
    else if (c == 0xED)
        hi = 0x9F; /* no UTF-16 surrogates */
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F; /* nothing above U+10FFFF */
    for (size_t i = 1; i < n; i++) /* stops at the terminating NUL, which never matches */
        if (s[i] < (i == 1 ? lo : 0x80) || s[i] > (i == 1 ? hi : 0xBF))
            return 0;
    return n;
}

int smpf_utf8_valid(const char *text)
{
    for (size_t n; *text; text += n)
        if ((n = smpf_utf8_sequence_length(text)) == 0)
            return 0;
    return 1;
}
