/* A shard's histogram counts in JSON: only the nonzero bins, as [gap, count] pairs, so a
 * shard file grows with the bins its samples reach, not with the samples. */
#include "cli.h"

#include <stdio.h>

json_t *cli_counts_json(const smpf_ensemble_t *e)
{
    /* smpf_ensemble_counts wants a mutable ensemble; the counts are only read here. */
    const uint32_t *c = smpf_ensemble_counts((smpf_ensemble_t *)e);
    const size_t n = smpf_ensemble_ncounts(e);
    json_t *a = json_array();
    size_t next = 0;
    for (size_t i = 0; a && i < n; i++)
        if (c[i]) {
            json_array_append_new(a, json_integer((json_int_t)(i - next)));
            json_array_append_new(a, json_integer((json_int_t)c[i]));
            next = i + 1;
        }
    return a;
}

int cli_counts_add(smpf_ensemble_t *e, const json_t *counts, char *buf, size_t size)
{
    uint32_t *c = smpf_ensemble_counts(e);
    const size_t n = smpf_ensemble_ncounts(e), len = json_array_size(counts);
    if (!json_is_array(counts) || len % 2) {
        snprintf(buf, size, "\"counts\" must be an array of [gap, count] pairs");
        return -1;
    }
    size_t i = 0;
    for (size_t k = 0; k < len; k += 2) {
        const json_t *g = json_array_get(counts, k), *v = json_array_get(counts, k + 1);
        const json_int_t gap = json_integer_value(g), count = json_integer_value(v);
        if (!json_is_integer(g) || !json_is_integer(v) || gap < 0 || count < 1 ||
            count > UINT32_MAX || (size_t)gap >= n - i) {
            snprintf(buf, size, "\"counts\" pair %zu is not a gap within the %zu bins and a "
                     "positive count", k / 2 + 1, n);
            return -1;
        }
        i += (size_t)gap;
        if ((uint64_t)c[i] + (uint64_t)count > UINT32_MAX) {
            snprintf(buf, size, "bin %zu overflows 32 bits", i);
            return -1;
        }
        c[i++] += (uint32_t)count;
    }
    return 0;
}
