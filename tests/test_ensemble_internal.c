/* The ensemble's per-thread helpers (model/ensemble_internal.h) against the plain public
 * functions they stand for: the sampler against smpf_param_space_sample (the same
 * parameters, bit for bit, whatever order the samples come in: its cached stratum must
 * never leak into another stratum or seed), the worker's accumulator against
 * smpf_ensemble_add (the same counts). */
#include "test_util.h"

#include "ensemble_internal.h"
#include "model_fixture.h"

#include <math.h>
#include <string.h>

/* Both the sampler's draw and its redraw into `reused`, which holds the previous draw
 * from sp. */
static void check_same(smpf_param_sampler_t *s, const smpf_param_space_t *sp, uint64_t seed,
                       uint64_t index, smpf_project_params_t *reused)
{
    smpf_project_params_t a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    smpf_param_space_sample(sp, seed, index, &a);
    smpf_param_sampler_draw(s, sp, seed, index, &b);
    assert_memory_equal(&a, &b, sizeof a);
    smpf_param_sampler_redraw(s, sp, seed, index, reused);
    assert_memory_equal(&a, reused, sizeof a);
}

static void test_sampler_equals_reference(void **state)
{
    (void)state;
    smpf_error_t err = {0};
    smpf_project_inputs_t in;
    smpf_project_inputs_default(&in);
    smpf_param_space_t sp;
    assert_int_equal(smpf_param_space_init(pigments, tissue, &kin, &in, &sp, &err), SMPF_OK);
    smpf_param_sampler_t s;
    smpf_project_params_t reused;
    assert_int_equal(smpf_param_sampler_init(&s, &err), SMPF_OK);
    const size_t strata[] = {0, 1, 7, 64, 5000 /* acts as 1024 */};
    for (size_t i = 0; i < sizeof strata / sizeof strata[0]; i++) {
        sp.optical_strata = strata[i];
        smpf_param_sampler_draw(&s, &sp, 1, 1, &reused); /* a draw from this sp */
        /* runs of one stratum, jumps between strata, a change of seed with the same
         * stratum, and back */
        const uint64_t order[] = {0, 7, 14, 3, 3, 1031, 0, 64, 2048, 9};
        for (size_t j = 0; j < sizeof order / sizeof order[0]; j++) {
            check_same(&s, &sp, 11, order[j], &reused);
            check_same(&s, &sp, 12, order[j], &reused);
        }
    }
    /* a fixed needle depth: the stratum leaves it alone */
    in.depth_mm = 0.8;
    assert_int_equal(smpf_param_space_init(pigments, tissue, &kin, &in, &sp, &err), SMPF_OK);
    sp.optical_strata = 4;
    smpf_param_sampler_draw(&s, &sp, 1, 1, &reused);
    for (uint64_t k = 0; k < 9; k++)
        check_same(&s, &sp, 5, k, &reused);
    smpf_param_sampler_free(&s);
}

/* Timelines of every kind a histogram meets: values inside, on and beyond the band ranges,
 * NaN, a touch-up or none, fewer points than the ensemble has. */
static void test_accumulator_equals_add(void **state)
{
    (void)state;
    smpf_error_t err = {0};
    enum { NPOINTS = 37 };
    smpf_ensemble_t *plain, *folded;
    smpf_ensemble_acc_t *acc;
    assert_int_equal(smpf_ensemble_new(NPOINTS, 9.0, &plain, &err), SMPF_OK);
    assert_int_equal(smpf_ensemble_new(NPOINTS, 9.0, &folded, &err), SMPF_OK);
    assert_int_equal(smpf_ensemble_acc_new(folded, &acc, &err), SMPF_OK);
    smpf_timeline_point_t pts[NPOINTS];
    uint64_t x = 99;
    for (int n = 0; n < 200; n++) {
        memset(pts, 0, sizeof pts);
        for (int p = 0; p < NPOINTS; p++) {
            double u[7];
            for (int k = 0; k < 7; k++)
                u[k] = test_uniform(&x) * 1.4 - 0.2;
            pts[p] = (smpf_timeline_point_t){.fraction_remaining = u[0], .L = 100 * u[1],
                                             .dE00 = 50 * u[2], .contrast = 3 * u[3] - 0.5,
                                             .hue_shift_deg = 180 * u[4] - 90,
                                             .cast_ratio = 10 * u[5], .blur = 5 * u[6]};
            if (n % 17 == 3)
                pts[p].dE00 = NAN;
            if (n % 7 == 5) /* on bin edges: k / bins of each range, as a value would be */
                pts[p] = (smpf_timeline_point_t){
                    .fraction_remaining = (double)(n + p) / 1000, .L = 100.0 * (n + p) / 1000,
                    .dE00 = 50.0 * (n + p) / 1000, .contrast = 3.0 * (n + p) / 1500 - 0.5,
                    .hue_shift_deg = 180.0 * (n + p) / 1800 - 90, .cast_ratio = 0.01 * (n + p),
                    .blur = 0.005 * (n + p)};
        }
        smpf_projection_t pr;
        memset(&pr, 0, sizeof pr);
        pr.points = pts;
        pr.npoints = n % 5 == 0 ? NPOINTS - 3 : NPOINTS;
        pr.touchup_years = n % 3 == 0 ? NAN : 0.045 * n;
        smpf_ensemble_add(plain, &pr);
        smpf_ensemble_acc_add(acc, &pr);
    }
    smpf_ensemble_add_invisible(plain, 4);
    smpf_ensemble_acc_add_invisible(acc, 4);
    assert_int_equal(smpf_ensemble_acc_fold(folded, acc, &err), SMPF_OK);
    assert_int_equal(smpf_ensemble_samples(folded), smpf_ensemble_samples(plain));
    assert_int_equal(smpf_ensemble_invisible(folded), smpf_ensemble_invisible(plain));
    assert_memory_equal(smpf_ensemble_counts(folded), smpf_ensemble_counts(plain),
                        smpf_ensemble_ncounts(plain) * sizeof(uint32_t));
    smpf_ensemble_acc_free(acc);
    smpf_ensemble_free(plain);
    smpf_ensemble_free(folded);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sampler_equals_reference),
        cmocka_unit_test(test_accumulator_equals_add),
    };
    return cmocka_run_group_tests(tests, model_setup, model_teardown);
}
