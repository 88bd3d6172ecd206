/* Kinetics throughput: clients x 240 months with the summary read every month, as the
 * ensemble will run it (10 sublayers, a two-component ink, sampled latitudes). */
#include "smpfade.h"

#include <stdio.h>
#include <time.h>

#define NCLIENTS 2000
#define NMONTHS 240

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(void)
{
    smpf_error_t err = {0};
    smpf_kin_params_t p;
    smpf_pigments_t *cat;
    smpf_kin_ink_t ink;
    smpf_kin_sim_t *sim;
    if (smpf_kin_params_load("datasets/kinetics_params.csv", &p, &err) ||
        smpf_pigments_load("datasets", &cat, &err) ||
        smpf_kin_ink_from_catalogue(cat, "tattoo_black_pb15", &ink, &err) ||
        smpf_kin_sim_new(10, &sim, &err)) {
        fprintf(stderr, "bench_kinetics: %s\n", err.message);
        return 1;
    }
    smpf_kin_schedule_t s;
    smpf_kin_schedule_default(&p, 100, &s);
    smpf_client_t c;
    smpf_client_default(&c);
    double checksum = 0, t_start = 0, t_run = 0;
    for (int i = 0; i < NCLIENTS; i++) {
        c.latitude_deg = -60.0 + 120.0 * i / NCLIENTS;
        const double t0 = now_s();
        if (smpf_kin_sim_start(sim, &p, &ink, &c, &s, &err)) {
            fprintf(stderr, "bench_kinetics: %s\n", err.message);
            return 1;
        }
        const double t1 = now_s();
        for (int m = 1; m <= NMONTHS; m++) {
            smpf_kin_summary_t su;
            if (smpf_kin_sim_advance(sim, m * SMPF_DAYS_PER_MONTH, &err)) {
                fprintf(stderr, "bench_kinetics: %s\n", err.message);
                return 1;
            }
            smpf_kin_sim_summary(sim, &su);
            checksum += su.fraction_remaining;
        }
        t_start += t1 - t0;
        t_run += now_s() - t1;
    }
    printf("clients %d x %d months, 10 sublayers, 2 components (checksum %.6f)\n", NCLIENTS,
           NMONTHS, checksum);
    printf("start (sun + eigen-decompositions): %.1f us/client\n", 1e6 * t_start / NCLIENTS);
    printf("advance + summary, 240 months:      %.1f us/client\n", 1e6 * t_run / NCLIENTS);
    printf("100000 clients, one thread:         %.1f s\n", 1e5 * (t_start + t_run) / NCLIENTS);
    smpf_kin_sim_free(sim);
    smpf_pigments_free(cat);
    return 0;
}
