/* libFuzzer harness: the CSV table parser on arbitrary bytes, then every cell through the
 * number and string readers.  Invariants checked beyond "no crash, no leak, no UB": a
 * number that is accepted is finite and inside the range asked for. */
#include "smpfade.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    smpf_table_t *t = NULL;
    smpf_error_t err = {0};
    if (smpf_table_parse("fuzz.csv", (const char *)data, size, &t, &err) != SMPF_OK) {
        if (t || err.code == SMPF_OK || !err.message[0])
            abort(); /* a failure returns no table and always says why */
        return 0;
    }
    static const char *const required[] = {"name", NULL};
    smpf_table_expect_columns(t, required, NULL, &err);
    for (size_t r = 0; r < smpf_table_rows(t); r++) {
        if (smpf_table_line(t, r) == 0)
            abort();
        for (size_t c = 0; c < smpf_table_cols(t); c++) {
            const char *column = smpf_table_header(t, c);
            if (smpf_table_find(t, column) != (int)c)
                abort();
            double v;
            if (smpf_table_number(t, r, column, -DBL_MAX, DBL_MAX, &v, &err) == SMPF_OK &&
                !isfinite(v))
                abort();
            if (smpf_table_number(t, r, column, 0, 1, &v, &err) == SMPF_OK && !(v >= 0 && v <= 1))
                abort();
            const char *s;
            smpf_table_string(t, r, column, &s, &err);
        }
    }
    smpf_table_free(t);
    return 0;
}
