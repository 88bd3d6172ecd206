/* libFuzzer harness: the CGATS spectral reader (Little CMS's IT8 parser behind
 * smpf_cgats_parse_mem) on arbitrary bytes; every spectrum read is then resampled onto
 * the model grid.  Checked: accepted values are finite, wavelengths strictly increase. */
#include "smpfade.h"

#include <math.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    smpf_cgats_t *c = NULL;
    smpf_error_t err = {0};
    if (smpf_cgats_parse_mem("fuzz.sp", data, size, &c, &err) != SMPF_OK) {
        if (c || err.code == SMPF_OK || !err.message[0])
            abort();
        return 0;
    }
    size_t nb = smpf_cgats_bands(c);
    const double *wl = smpf_cgats_wavelengths_nm(c);
    for (size_t b = 1; b < nb; b++)
        if (!(wl[b] > wl[b - 1]))
            abort();
    for (size_t s = 0; s < smpf_cgats_sets(c); s++) {
        const double *v = smpf_cgats_values(c, s);
        for (size_t b = 0; b < nb; b++)
            if (!isfinite(v[b]))
                abort();
        if (!smpf_cgats_sample(c, s)[0])
            abort();
        double out[SMPF_NWL];
        if (smpf_resample(wl, v, nb, 20.0, out, &err) == SMPF_OK)
            for (size_t i = 0; i < SMPF_NWL; i++)
                if (!isfinite(out[i]))
                    abort();
    }
    smpf_cgats_free(c);
    return 0;
}
