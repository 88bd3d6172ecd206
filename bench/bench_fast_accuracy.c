/* The fast optics against the direct path on clients drawn as an ensemble draws them
 * (seed 1, 16 optical strata): whole 20-year projections, quarterly, by both paths, and
 * the worst ΔE00 between their timeline colours.  Touch-ups are off (the two paths' touch-up
 * times would differ and their states with them); instead the sessions are laid a year
 * apart, so fresh pigment lands on pigment UV has thinned, as at a touch-up.  Printed,
 * not asserted (tests/test_fast_path.c asserts fixed cases); the direct path takes ~1 s
 * per client.  SMPF_BENCH_ACCURACY_CLIENTS sets how many (default 16).  Run from the
 * repository root. */
#include "bench_model.h"
#include "smpfade.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Worst ΔE00 between the two paths' timelines (and the healed dots). */
static double worst_de00(const smpf_projection_t *a, const smpf_projection_t *b)
{
    double worst = smpf_color_de00(a->healed.dot, b->healed.dot);
    for (size_t k = 0; k < a->npoints && k < b->npoints; k++) {
        const smpf_lab_t x = {a->points[k].L, a->points[k].a, a->points[k].b};
        const smpf_lab_t y = {b->points[k].L, b->points[k].a, b->points[k].b};
        worst = fmax(worst, smpf_color_de00(x, y));
    }
    return worst;
}

int main(void)
{
    smpf_error_t err = {0};
    model_t m = {0};
    smpf_projector_t *fast = NULL, *direct = NULL;
    int rc = bench_model_load(&m, &err);
    smpf_project_inputs_t in;
    smpf_project_inputs_default(&in);
    in.years = 20;
    in.step_months = 3;
    in.touchups = 0;
    in.sessions = 4;
    in.session_interval_days = 365;
    smpf_param_space_t sp;
    if (rc == SMPF_OK)
        rc = smpf_param_space_init(m.pigments, m.tissue, &m.kin, &in, &sp, &err);
    sp.optical_strata = 16;
    if (rc == SMPF_OK)
        rc = smpf_projector_new(m.ctx, m.pigments, m.tissue, &fast, &err);
    if (rc == SMPF_OK)
        rc = smpf_projector_new(m.ctx, m.pigments, m.tissue, &direct, &err);
    if (rc != SMPF_OK) {
        fprintf(stderr, "bench_fast_accuracy: %s\n", err.message);
        return 1;
    }
    smpf_projector_set_optics(direct, SMPF_OPTICS_DIRECT);
    const char *env = getenv("SMPF_BENCH_ACCURACY_CLIENTS");
    const uint64_t n = env ? strtoull(env, NULL, 10) : 16;
    printf("smp_carbon, drawn clients (seed 1, 16 strata), 20 years quarterly, 4 sessions a "
           "year apart, no touch-ups\n");
    double worst = 0;
    uint64_t compared = 0;
    for (uint64_t i = 0; i < n; i++) {
        smpf_project_params_t par;
        smpf_projection_t a, b;
        smpf_param_space_sample(&sp, 1, i, &par);
        if (smpf_project(fast, &in, &par, &a, &err) != SMPF_OK)
            continue; /* a dot indistinguishable from the skin: nothing to compare */
        if (smpf_project(direct, &in, &par, &b, &err) != SMPF_OK) {
            smpf_projection_free(&a);
            continue;
        }
        const double w = worst_de00(&a, &b);
        printf("client %3llu  needle depth %.3f mm  worst ΔE00 %.4f\n", (unsigned long long)i,
               par.kin.value[SMPF_KP_NEEDLE_DEPTH_MM], w);
        worst = fmax(worst, w);
        compared++;
        smpf_projection_free(&a);
        smpf_projection_free(&b);
    }
    printf("worst over %llu clients: %.4f ΔE00 (target 0.1)\n", (unsigned long long)compared,
           worst);
    smpf_projector_free(fast);
    smpf_projector_free(direct);
    bench_model_free(&m);
    return 0;
}
