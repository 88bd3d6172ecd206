/* Ensemble throughput: client-months per second, with the dot's colour from a full
 * 81-wavelength spectrum every month (smpfade project --samples N --years 20
 * --step-months 1), on 2 threads.  Printed, not asserted.  Run from the repository root.
 * SMPF_BENCH_SAMPLES sets the samples of the main run (default 512). */
#include "bench_model.h"
#include "smpfade.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define YEARS 20
#define THREADS 2

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Runs samples 0..n-1 and prints wall and CPU time and the rates. */
static int run(const model_t *m, const char *label, size_t strata, smpf_optics_mode_t optics,
               uint64_t n)
{
    smpf_error_t err = {0};
    smpf_project_inputs_t in;
    smpf_project_inputs_default(&in);
    in.years = YEARS;
    in.step_months = 1;
    smpf_param_space_t sp;
    smpf_ensemble_t *e = NULL;
    int rc = smpf_param_space_init(m->pigments, m->tissue, &m->kin, &in, &sp, &err);
    sp.optical_strata = strata;
    if (rc == SMPF_OK)
        rc = smpf_ensemble_new(YEARS * 12 + 1, in.years, &e, &err);
    const double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    if (rc == SMPF_OK)
        rc = smpf_ensemble_run_optics(m->ctx, m->pigments, m->tissue, &sp, &in, 1, 0, n, THREADS,
                                      optics, e, NULL, NULL, &err);
    const double wall = clock_s(CLOCK_MONOTONIC) - w0, cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    if (rc != SMPF_OK) {
        fprintf(stderr, "bench_ensemble: %s\n", err.message);
        smpf_ensemble_free(e);
        return 1;
    }
    const double months = (double)n * YEARS * 12;
    /* No extrapolation to other sample counts: with 64 strata the tables' cost does not
     * scale with the samples (bench/RESULTS.md records a real 100 000-sample run). */
    printf("%-34s %6llu samples  wall %8.2f s  cpu %8.2f s  %9.0f client-months/s  "
           "%7.2f ms cpu/sample\n",
           label, (unsigned long long)n, wall, cpu, months / wall, 1e3 * cpu / (double)n);
    smpf_ensemble_free(e);
    return 0;
}

int main(void)
{
    model_t m;
    smpf_error_t err = {0};
    if (bench_model_load(&m, &err) != SMPF_OK) {
        fprintf(stderr, "bench_ensemble: %s\n", err.message);
        return 1;
    }
    const char *env = getenv("SMPF_BENCH_SAMPLES");
    const uint64_t n = env ? strtoull(env, NULL, 10) : 512;
    printf("smp_carbon, default client, %d years monthly (%d client-months per sample), %d "
           "threads\n", YEARS, YEARS * 12, THREADS);
    int bad = run(&m, "fast, 64 optical strata (default)", SMPF_ENSEMBLE_DEFAULT_STRATA,
                  SMPF_OPTICS_FAST, n);
    bad |= run(&m, "fast, 1 stratum (table reused)", 1, SMPF_OPTICS_FAST, n);
    bad |= run(&m, "direct (reference)", SMPF_ENSEMBLE_DEFAULT_STRATA, SMPF_OPTICS_DIRECT, 4);
    bench_model_free(&m);
    return bad;
}
