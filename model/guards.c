/* Numerical guards: nothing non-finite leaves the library unnoticed. */
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
