/* libFuzzer harness: client profiles (key,value CSV, smpf_client_profile_load) from a
 * temporary file, and the touch-up criteria they may hold (smpf_criteria_parse, also the
 * value of --criterion) on the raw bytes.  Checked: a failed load leaves the inputs as
 * they were, and whatever a profile sets passes smpf_project_inputs_check. */
#include "smpfade.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char temp_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(temp_path, sizeof temp_path, "/tmp/smpf-fuzz-profile-%ld.csv", (long)getpid());
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(temp_path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    smpf_project_inputs_t in, before;
    smpf_project_inputs_default(&in);
    before = in;
    smpf_error_t err = {0};
    if (smpf_client_profile_load(temp_path, &in, &err) == SMPF_OK) {
        if (smpf_project_inputs_check(&in, &err) != SMPF_OK)
            abort();
    } else if (memcmp(&in, &before, sizeof in) != 0 || !err.message[0]) {
        abort();
    }
    unlink(temp_path);

    char *spec = malloc(size + 1);
    if (!spec)
        return 0;
    memcpy(spec, data, size);
    spec[size] = '\0';
    smpf_criteria_t c;
    if (smpf_criteria_parse(spec, &c, &err) == SMPF_OK) {
        in.criteria = c;
        if (smpf_project_inputs_check(&in, &err) != SMPF_OK)
            abort();
    }
    free(spec);
    return 0;
}
