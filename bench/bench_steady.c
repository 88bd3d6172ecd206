/* The ensemble's steady state: CPU per sample once the fast-optics table has its nodes,
 * on one thread and one optical stratum (what `smpfade project --samples N --strata 1
 * --years 20 --step-months 1 --threads 1` measures, without the median projection).  The
 * table lives in the run's projector, so the steady state is the difference of two runs:
 * (cpu(N2) - cpu(N1)) / (N2 - N1), each the best of 3 runs (the VM is shared).  Printed,
 * not asserted.  Run from the repository root. */
#include "bench_model.h"
#include "smpfade.h"

#include <stdio.h>
#include <time.h>

#define YEARS 20

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU seconds of samples 0..n-1 on one thread and one stratum; negative on failure. */
static double run(const smpf_context_t *ctx, const smpf_pigments_t *pigments,
                  const smpf_tissue_t *tissue, const smpf_kin_params_t *kin, uint64_t n)
{
    smpf_error_t err = {0};
    smpf_project_inputs_t in;
    smpf_project_inputs_default(&in);
    in.years = YEARS;
    in.step_months = 1;
    smpf_param_space_t sp;
    smpf_ensemble_t *e = NULL;
    int rc = smpf_param_space_init(pigments, tissue, kin, &in, &sp, &err);
    sp.optical_strata = 1;
    if (rc == SMPF_OK)
        rc = smpf_ensemble_new(YEARS * 12 + 1, in.years, &e, &err);
    const double c0 = cpu_s();
    if (rc == SMPF_OK)
        rc = smpf_ensemble_run(ctx, pigments, tissue, &sp, &in, 1, 0, n, 1, e, NULL, NULL, &err);
    const double cpu = cpu_s() - c0;
    smpf_ensemble_free(e);
    if (rc != SMPF_OK) {
        fprintf(stderr, "bench_steady: %s\n", err.message);
        return -1;
    }
    return cpu;
}

int main(void)
{
    model_t m;
    smpf_error_t err = {0};
    if (bench_model_load(&m, &err) != SMPF_OK) {
        fprintf(stderr, "bench_steady: %s\n", err.message);
        return 1;
    }
    const uint64_t n1 = 500, n2 = 2500;
    double c1 = 1e30, c2 = 1e30;
    for (int r = 0; r < 3 && c1 >= 0 && c2 >= 0; r++) {
        const double a = run(m.ctx, m.pigments, m.tissue, &m.kin, n1);
        const double b = a < 0 ? -1 : run(m.ctx, m.pigments, m.tissue, &m.kin, n2);
        c1 = a < 0 ? a : a < c1 ? a : c1;
        c2 = b < 0 ? b : b < c2 ? b : c2;
    }
    if (c1 >= 0 && c2 >= 0) {
        const double ms = 1e3 * (c2 - c1) / (double)(n2 - n1);
        printf("smp_carbon, default client, %d years monthly, 1 thread, 1 stratum\n", YEARS);
        printf("%llu samples %.2f s cpu, %llu samples %.2f s cpu: steady state %.3f ms cpu/sample"
               "  (100000 samples on 2 cores at this rate: %.1f s)\n",
               (unsigned long long)n1, c1, (unsigned long long)n2, c2, ms, ms * 1e5 / 2e3);
    }
    bench_model_free(&m);
    return c1 >= 0 && c2 >= 0 ? 0 : 1;
}
