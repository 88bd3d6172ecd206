/* libFuzzer harness: client profiles (smpf_client_profile_load on a temporary file) and
 * criteria specifications (smpf_criteria_parse on the same bytes as a string).  Checked:
 * a failed load leaves the inputs untouched; a successful one gives inputs that pass
 * smpf_project_inputs_check (every value the file can set is range-checked on reading). */
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
    snprintf(temp_path, sizeof temp_path, "/tmp/smpf-fuzz-client-%ld.csv", (long)getpid());
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(temp_path, "wb");
    if (!f)
        abort();
    fwrite(data, 1, size, f);
    fclose(f);
    smpf_project_inputs_t in, before;
    smpf_project_inputs_default(&in);
    before = in;
    smpf_error_t err = {0};
    if (smpf_client_profile_load(temp_path, &in, &err) != SMPF_OK) {
        if (memcmp(&in, &before, sizeof in) != 0 || err.message[0] == '\0')
            abort();
    } else if (smpf_project_inputs_check(&in, &err) != SMPF_OK) {
        abort();
    }
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    smpf_criteria_t c;
    if (smpf_criteria_parse(text, &c, &err) == SMPF_OK) {
        int any = 0;
        for (int i = 0; i < SMPF_CRIT_COUNT; i++) {
            double lo, hi;
            smpf_criterion_bounds(i, &lo, &hi);
            if (c.active[i] && !(c.threshold[i] >= lo && c.threshold[i] <= hi))
                abort();
            any |= c.active[i];
        }
        if (!any)
            abort();
    }
    free(text);
    return 0;
}
