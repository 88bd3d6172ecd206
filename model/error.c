/* Error messages with context, and the status -> exit code rule of DESIGN.md. */
#include "smpfade.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int smpf_error_set(smpf_error_t *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

void smpf_error_prefix(smpf_error_t *err, const char *fmt, ...)
{
    if (!err)
        return;
    char prefix[sizeof err->message];
    char old[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->message, sizeof old);
    size_t n = strlen(prefix);
    memcpy(err->message, prefix, n);
    size_t room = sizeof err->message - n - 1;
    size_t m = strnlen(old, room);
    memcpy(err->message + n, old, m);
    err->message[n + m] = '\0';
}

int smpf_status_exit_code(int status)
{
    switch (status) {
    case SMPF_OK:
        return 0;
    case SMPF_ERR_USAGE:
        return 2;
    case SMPF_ERR_DATA:
        return 3;
    default:
        return 1;
    }
}
