/* The fast optics against the direct path (the reference: a full adding-doubling solve of
 * every sublayer at every evaluation), and ensembles that must not depend on threads or on
 * the split into shards (histogram counts compared exactly). */
#include "test_util.h"

#include "model_fixture.h"
#include "smpfade.h"

#include <math.h>

typedef struct {
    const char *ink;
    double depth_mm;
    int skin_type;
    double latitude_deg, outdoor_hours, column_scale;
    int sessions;          /* 0: the default schedule */
    double interval_days;  /* between sessions */
    double years;          /* 0: 2 years, yearly points */
} client_case_t;

/* One projection by both paths, no touch-ups (so both see the same kinetic states): every
 * colour the projection evaluates (healed dot, quarterly scan, root finding) comes from
 * its path; the timeline colours and the healed dot must agree within 0.1 ΔE00.  Returns
 * the worst. */
static double fast_vs_direct(const client_case_t *c)
{
    smpf_error_t err = {0};
    smpf_project_inputs_t in;
    smpf_project_inputs_default(&in);
    snprintf(in.ink, sizeof in.ink, "%s", c->ink);
    in.depth_mm = c->depth_mm;
    in.client.skin_type = c->skin_type;
    in.client.latitude_deg = c->latitude_deg;
    in.client.outdoor_hours_per_day = c->outdoor_hours;
    in.years = c->years > 0 ? c->years : 2;
    in.step_months = c->years > 0 ? 3 : 12;
    in.touchups = 0;
    if (c->sessions > 0) {
        in.sessions = c->sessions;
        in.session_interval_days = c->interval_days;
    }
    smpf_project_params_t par;
    assert_int_equal(smpf_project_params_median(pigments, tissue, &kin, &in, &par, &err),
                     SMPF_OK);
    par.column_mm *= c->column_scale;
    smpf_projector_t *fast, *direct;
    assert_int_equal(smpf_projector_new(ctx, pigments, tissue, &fast, &err), SMPF_OK);
    assert_int_equal(smpf_projector_new(ctx, pigments, tissue, &direct, &err), SMPF_OK);
    smpf_projector_set_optics(direct, SMPF_OPTICS_DIRECT);
    smpf_projection_t a, b;
    assert_int_equal(smpf_project(fast, &in, &par, &a, &err), SMPF_OK);
    assert_int_equal(smpf_project(direct, &in, &par, &b, &err), SMPF_OK);
    assert_int_equal(a.npoints, b.npoints);
    double worst = smpf_color_de00(a.healed.dot, b.healed.dot);
    for (size_t i = 0; i < a.npoints; i++) {
        assert_true(fabs(a.points[i].fraction_remaining - b.points[i].fraction_remaining) < 1e-12);
        const smpf_lab_t x = {a.points[i].L, a.points[i].a, a.points[i].b};
        const smpf_lab_t y = {b.points[i].L, b.points[i].a, b.points[i].b};
        worst = fmax(worst, smpf_color_de00(x, y));
    }
    print_message("%-18s %.2f mm skin %d lat %2.0f %.0f h column x%-4g sessions %d/%3.0f d: "
                  "worst ΔE00 %.4f (%zu vs %zu solves)\n", c->ink, c->depth_mm, c->skin_type,
                  c->latitude_deg, c->outdoor_hours, c->column_scale, in.sessions,
                  in.session_interval_days, worst, a.optics_evaluations, b.optics_evaluations);
    smpf_projection_free(&a);
    smpf_projection_free(&b);
    smpf_projector_free(fast);
    smpf_projector_free(direct);
    return worst;
}

static void test_fast_agrees_with_direct(void **state)
{
    (void)state;
    static const client_case_t cases[] = {
        {"smp_carbon", 0.5, 2, 50, 2, 1, 0, 0, 0},           /* the default client */
        {"smp_carbon", 1.0, 5, 50, 2, 0.1, 0, 0, 0},         /* deep, dark skin, translucent layer */
        {"smp_carbon", 0.2, 2, 30, 4, 1, 0, 0, 0},           /* UV thins the top sublayers */
        {"tattoo_black_pb15", 0.35, 2, 30, 4, 0.3, 0, 0, 0}, /* toner that photodegrades */
        {"smp_diluted", 0.5, 2, 50, 2, 1, 0, 0, 0},          /* a scattering component */
        {"temp_biodegradable", 0.25, 2, 50, 2, 1, 0, 0, 0},  /* fades away; epidermal share */
        /* Sessions a year apart: fresh pigment over pigment UV has thinned at the top (two
         * exposures in one profile), and a shallow deposit's epidermal part shed each time:
         * profiles no single table shape holds, where the derivatives correct the view. */
        {"smp_carbon", 0.21, 2, 30, 4, 1, 3, 365, 4},
        {"smp_carbon", 0.26, 3, 30, 4, 1, 2, 365, 6},
        {"smp_carbon", 0.31, 1, 30, 4, 1, 2, 300, 6},
        {"temp_biodegradable", 0.3, 2, 30, 4, 1, 2, 365, 4},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_true(fast_vs_direct(&cases[i]) < 0.1);
}

/* An ensemble of samples [first, first + count) on `threads` threads. */
static smpf_ensemble_t *run(const smpf_project_inputs_t *in, const smpf_param_space_t *sp,
                            size_t npoints, uint64_t first, uint64_t count, int threads)
{
    smpf_error_t err = {0};
    smpf_ensemble_t *e;
    assert_int_equal(smpf_ensemble_new(npoints, in->years, &e, &err), SMPF_OK);
    int rc = smpf_ensemble_run_optics(ctx, pigments, tissue, sp, in, 7, first, count, threads,
                                      SMPF_OPTICS_FAST, e, NULL, NULL, &err);
    if (rc != SMPF_OK)
        print_error("%s\n", err.message);
    assert_int_equal(rc, SMPF_OK);
    return e;
}

static void assert_same_counts(smpf_ensemble_t *a, smpf_ensemble_t *b)
{
    assert_int_equal(smpf_ensemble_ncounts(a), smpf_ensemble_ncounts(b));
    assert_int_equal(smpf_ensemble_samples(a), smpf_ensemble_samples(b));
    assert_int_equal(smpf_ensemble_invisible(a), smpf_ensemble_invisible(b));
    assert_memory_equal(smpf_ensemble_counts(a), smpf_ensemble_counts(b),
                        smpf_ensemble_ncounts(a) * sizeof(uint32_t));
}

static void test_threads_and_shards(void **state)
{
    (void)state;
    smpf_error_t err = {0};
    smpf_project_inputs_t in;
    smpf_project_inputs_default(&in);
    in.years = 1;
    in.step_months = 6;
    smpf_param_space_t sp;
    assert_int_equal(smpf_param_space_init(pigments, tissue, &kin, &in, &sp, &err), SMPF_OK);
    sp.optical_strata = 3;
    const size_t npoints = 3; /* 0, 0.5, 1 year */
    const uint64_t N = 10;
    smpf_ensemble_t *one = run(&in, &sp, npoints, 0, N, 1);
    smpf_ensemble_t *two = run(&in, &sp, npoints, 0, N, 2);
    assert_int_equal(smpf_ensemble_samples(one) + smpf_ensemble_invisible(one), N);
    assert_same_counts(one, two);
    /* shards 0/2 and 1/2 (samples 0-4 and 5-9), merged */
    smpf_ensemble_t *s0 = run(&in, &sp, npoints, 0, 5, 2);
    smpf_ensemble_t *s1 = run(&in, &sp, npoints, 5, 5, 1);
    assert_int_equal(smpf_ensemble_merge(s0, s1, &err), SMPF_OK);
    assert_same_counts(one, s0);
    smpf_ensemble_free(one);
    smpf_ensemble_free(two);
    smpf_ensemble_free(s0);
    smpf_ensemble_free(s1);
    /* One stratum of more samples than a chunk (32): both threads run its samples on the
     * one table they share, each filling nodes the other then reads. */
    sp.optical_strata = 1;
    const uint64_t M = 80;
    one = run(&in, &sp, npoints, 0, M, 1);
    two = run(&in, &sp, npoints, 0, M, 2);
    assert_int_equal(smpf_ensemble_samples(one) + smpf_ensemble_invisible(one), M);
    assert_same_counts(one, two);
    smpf_ensemble_free(one);
    smpf_ensemble_free(two);
}

/* Sample i and i + K share a stratum's skin and deposit geometry and nothing else; the K
 * strata's draws of one parameter fall in K different cells of its distribution. */
static void test_strata(void **state)
{
    (void)state;
    smpf_error_t err = {0};
    smpf_project_inputs_t in;
    smpf_project_inputs_default(&in);
    smpf_param_space_t sp;
    assert_int_equal(smpf_param_space_init(pigments, tissue, &kin, &in, &sp, &err), SMPF_OK);
    enum { K = 16 };
    sp.optical_strata = K;
    int cell_used[K] = {0};
    const smpf_dist_t d = sp.skin.melanin_fraction;
    for (uint64_t k = 0; k < K; k++) {
        smpf_project_params_t a, b;
        smpf_param_space_sample(&sp, 3, k, &a);
        smpf_param_space_sample(&sp, 3, k + K, &b);
        assert_true(a.skin.melanin_fraction == b.skin.melanin_fraction);
        assert_true(a.kin.value[SMPF_KP_NEEDLE_DEPTH_MM] == b.kin.value[SMPF_KP_NEEDLE_DEPTH_MM]);
        assert_true(a.skin.epidermis_thickness_mm == a.kin.value[SMPF_KP_EPIDERMIS_THICKNESS_MM]);
        assert_true(a.column_mm != b.column_mm);
        /* Which of K equal-probability cells holds the draw: invert the split logit-normal
         * through bisection on smpf_dist_draw (monotone in u). */
        double lo = -8, hi = 8;
        for (int it = 0; it < 100; it++) {
            const double mid = 0.5 * (lo + hi);
            if (smpf_dist_draw(d, 1, mid) < a.skin.melanin_fraction)
                lo = mid;
            else
                hi = mid;
        }
        const double p = 0.5 * erfc(-0.5 * (lo + hi) / sqrt(2.0));
        const int cell = (int)(p * K);
        assert_true(cell >= 0 && cell < K);
        cell_used[cell]++;
    }
    for (int c = 0; c < K; c++)
        assert_int_equal(cell_used[c], 1);
}

/* Shards written by the command and merged print what the unsplit run prints; gaps,
 * overlaps and shards of another run are data errors that say which. */
static void test_merge_cli(void **state)
{
    (void)state;
    const char *common = "project --samples 6 --strata 1 --years 0.5 --step-months 6 --seed 3 "
                         "--format json";
    char *dir = strdup("/tmp/smpf-shards-XXXXXX");
    assert_non_null(mkdtemp(dir));
    test_run_t whole = test_run_cli("%s --threads 2", common);
    assert_int_equal(whole.status, 0);
    for (int i = 0; i < 2; i++) {
        test_run_t s = test_run_cli("%s --shard %d/2 --threads 1 --output %s/s%d.json", common, i,
                                    dir, i);
        assert_int_equal(s.status, 0);
        test_run_free(&s);
    }
    test_run_t merged = test_run_cli("merge --format json %s/s1.json %s/s0.json", dir, dir);
    assert_int_equal(merged.status, 0);
    assert_string_equal(merged.out, whole.out);
    test_run_t gap = test_run_cli("merge %s/s0.json", dir);
    assert_int_equal(gap.status, 3);
    assert_non_null(strstr(gap.err, "samples 3-5 are missing"));
    test_run_t twice = test_run_cli("merge %s/s0.json %s/s0.json %s/s1.json", dir, dir, dir);
    assert_int_equal(twice.status, 3);
    assert_non_null(strstr(twice.err, "samples 0-2 are in both"));
    char cmd[512];
    snprintf(cmd, sizeof cmd, "sed 's/\"seed\": 3/\"seed\": 4/' %s/s1.json > %s/o1.json", dir, dir);
    assert_int_equal(system(cmd), 0);
    test_run_t mixed = test_run_cli("merge %s/s0.json %s/o1.json", dir, dir);
    assert_int_equal(mixed.status, 3);
    assert_non_null(strstr(mixed.err, "seed 4 differs"));
    test_run_t bad = test_run_cli("project --samples 6 --shard 2/2");
    assert_int_equal(bad.status, 2);
    test_run_free(&whole);
    test_run_free(&merged);
    test_run_free(&gap);
    test_run_free(&twice);
    test_run_free(&mixed);
    test_run_free(&bad);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_agrees_with_direct),
        cmocka_unit_test(test_threads_and_shards),
        cmocka_unit_test(test_strata),
        cmocka_unit_test(test_merge_cli),
    };
    return cmocka_run_group_tests(tests, model_setup, model_teardown);
}
