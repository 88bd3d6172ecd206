/* libFuzzer harness: a formulator's catalogue files (components, spectra, inks) added to
 * the built-in catalogue with smpf_pigments_add_file.  The input is split at form feeds
 * ('\f') into up to three files, added in order, so that the fuzzer can build a component,
 * its spectra and an ink using it.  Run from the repository root (reads datasets/), or
 * set SMPF_DATA_DIR.  Checked: a failed add leaves the catalogue's counts unchanged, every
 * ink's fractions sum to 1 and point at components with spectra. */
#include "smpfade.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char temp_path[64];
static const char *data_dir = "datasets";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (getenv("SMPF_DATA_DIR"))
        data_dir = getenv("SMPF_DATA_DIR");
    snprintf(temp_path, sizeof temp_path, "/tmp/smpf-fuzz-pigments-%ld.csv", (long)getpid());
    smpf_pigments_t *p;
    smpf_error_t err = {0};
    if (smpf_pigments_load(data_dir, &p, &err) != SMPF_OK) {
        fprintf(stderr, "fuzz_pigments: %s (run from the repository root)\n", err.message);
        exit(1);
    }
    smpf_pigments_free(p);
    return 0;
}

static void check(const smpf_pigments_t *p)
{
    for (size_t i = 0; i < smpf_pigments_ninks(p); i++) {
        const smpf_ink_t *ink = smpf_pigments_ink(p, i);
        double sum = 0;
        for (size_t k = 0; k < ink->ncomponents; k++) {
            if (ink->component[k] >= smpf_pigments_ncomponents(p) ||
                !smpf_pigments_component(p, ink->component[k])->has_spectra)
                abort();
            sum += ink->fraction[k];
        }
        if (ink->ncomponents == 0 || fabs(sum - 1) > 1.001e-3)
            abort();
    }
    for (size_t i = 0; i < smpf_pigments_ncomponents(p); i++)
        for (size_t w = 0; w < SMPF_NWL; w++)
            if (!isfinite(smpf_pigments_component(p, i)->mua_per_mm[w]))
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    smpf_pigments_t *p;
    smpf_error_t err = {0};
    if (smpf_pigments_load(data_dir, &p, &err) != SMPF_OK)
        abort();
    const char *text = (const char *)data;
    for (int part = 0; part < 3 && size > 0; part++) {
        const char *ff = part < 2 ? memchr(text, '\f', size) : NULL;
        size_t n = ff ? (size_t)(ff - text) : size;
        FILE *f = fopen(temp_path, "wb");
        if (!f || fwrite(text, 1, n, f) != n || fclose(f) != 0)
            abort();
        size_t nc = smpf_pigments_ncomponents(p), ni = smpf_pigments_ninks(p);
        if (smpf_pigments_add_file(p, temp_path, &err) != SMPF_OK &&
            (smpf_pigments_ncomponents(p) != nc || smpf_pigments_ninks(p) != ni))
            abort();
        check(p);
        text += ff ? n + 1 : n;
        size -= ff ? n + 1 : n;
    }
    smpf_pigments_free(p);
    unlink(temp_path);
    return 0;
}
