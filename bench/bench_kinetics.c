/* Kinetics throughput: clients x 240 months with the summary read every month, as the
 * ensemble will run it (10 sublayers, a two-component ink, sampled latitudes); then the
 * projection's root finding: from a snapshot at a month's start to a time inside it,
 * with the sinks tracked and untracked (smpf_kin_sim_track_sinks). */
#include "kinetics_internal.h"

#include <stdio.h>
#include <time.h>

#define NCLIENTS 2000
#define NMONTHS 240
#define NINSIDE 8 /* evaluations inside each month, as a root search makes */
#define NREPEAT 100

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Seconds per evaluation of the projection's root finding on a fresh run: in every month,
 * NINSIDE times restore to its start, advance to a time inside it and read the summary;
 * then the whole month.  Negative on failure. */
static double inside_months(smpf_kin_sim_t *sim, smpf_kin_snapshot_t *snap,
                            const smpf_kin_params_t *p, const smpf_kin_ink_t *ink,
                            const smpf_client_t *c, const smpf_kin_schedule_t *s,
                            double *checksum)
{
    smpf_error_t err = {0};
    const double t2 = now_s();
    for (int r = 0; r < NREPEAT; r++) {
        if (smpf_kin_sim_start(sim, p, ink, c, s, &err)) {
            fprintf(stderr, "bench_kinetics: %s\n", err.message);
            return -1;
        }
        for (int m = 0; m < NMONTHS; m++) {
            const double t0_days = m * SMPF_DAYS_PER_MONTH;
            smpf_kin_sim_save(sim, snap);
            for (int i = 1; i <= NINSIDE; i++) {
                smpf_kin_summary_t su;
                smpf_kin_sim_restore(sim, snap);
                if (smpf_kin_sim_advance(sim, t0_days + SMPF_DAYS_PER_MONTH * i / (NINSIDE + 1.0),
                                         &err)) {
                    fprintf(stderr, "bench_kinetics: %s\n", err.message);
                    return -1;
                }
                smpf_kin_sim_summary(sim, &su);
                *checksum += su.fraction_remaining;
            }
            smpf_kin_sim_restore(sim, snap);
            if (smpf_kin_sim_advance(sim, t0_days + SMPF_DAYS_PER_MONTH, &err)) {
                fprintf(stderr, "bench_kinetics: %s\n", err.message);
                return -1;
            }
        }
    }
    return (now_s() - t2) / ((double)NREPEAT * NMONTHS * (NINSIDE + 1));
}

int main(void)
{
    smpf_error_t err = {0};
    smpf_kin_params_t p;
    smpf_pigments_t *cat;
    smpf_kin_ink_t ink;
    smpf_kin_sim_t *sim;
    smpf_kin_snapshot_t *snap;
    if (smpf_kin_params_load("datasets/kinetics_params.csv", &p, &err) ||
        smpf_pigments_load("datasets", &cat, &err) ||
        smpf_kin_ink_from_catalogue(cat, "tattoo_black_pb15", &ink, &err) ||
        smpf_kin_sim_new(10, &sim, &err) || smpf_kin_snapshot_new(sim, &snap, &err)) {
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
    double inside_ns[2], inside_checksum = 0; /* apart: the checksum above stays comparable */
    for (int track = 1; track >= 0; track--) {
        smpf_kin_sim_track_sinks(sim, track);
        const double t = inside_months(sim, snap, &p, &ink, &c, &s, &inside_checksum);
        if (t < 0)
            return 1;
        inside_ns[track] = 1e9 * t;
    }
    printf("clients %d x %d months, 10 sublayers, 2 components (checksum %.6f)\n", NCLIENTS,
           NMONTHS, checksum);
    printf("start (sun + eigen-decompositions): %.1f us/client\n", 1e6 * t_start / NCLIENTS);
    printf("advance + summary, 240 months:      %.1f us/client\n", 1e6 * t_run / NCLIENTS);
    printf("100000 clients, one thread:         %.1f s\n", 1e5 * (t_start + t_run) / NCLIENTS);
    printf("restore + advance inside a month + summary: %.0f ns (and a month in 9); "
           "sinks untracked, as the optics run it: %.0f ns\n", inside_ns[1], inside_ns[0]);
    smpf_kin_snapshot_free(snap);
    smpf_kin_sim_free(sim);
    smpf_pigments_free(cat);
    return 0;
}
