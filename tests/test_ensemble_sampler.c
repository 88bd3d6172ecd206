/* The ensemble's per-thread sampler (model/ensemble_internal.h) against the reference
 * smpf_param_space_sample: the same parameters, bit for bit, whatever order the samples
 * come in (its cached stratum must never leak into another stratum or seed). */
#include "test_util.h"

#include "ensemble_internal.h"
#include "model_fixture.h"

#include <string.h>

static void check_same(smpf_param_sampler_t *s, const smpf_param_space_t *sp, uint64_t seed,
                       uint64_t index)
{
    smpf_project_params_t a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    smpf_param_space_sample(sp, seed, index, &a);
    smpf_param_sampler_draw(s, sp, seed, index, &b);
    assert_memory_equal(&a, &b, sizeof a);
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
    assert_int_equal(smpf_param_sampler_init(&s, &err), SMPF_OK);
    const size_t strata[] = {0, 1, 7, 64, 5000 /* acts as 1024 */};
    for (size_t i = 0; i < sizeof strata / sizeof strata[0]; i++) {
        sp.optical_strata = strata[i];
        /* runs of one stratum, jumps between strata, a change of seed with the same
         * stratum, and back */
        const uint64_t order[] = {0, 7, 14, 3, 3, 1031, 0, 64, 2048, 9};
        for (size_t j = 0; j < sizeof order / sizeof order[0]; j++) {
            check_same(&s, &sp, 11, order[j]);
            check_same(&s, &sp, 12, order[j]);
        }
    }
    /* a fixed needle depth: the stratum leaves it alone */
    in.depth_mm = 0.8;
    assert_int_equal(smpf_param_space_init(pigments, tissue, &kin, &in, &sp, &err), SMPF_OK);
    sp.optical_strata = 4;
    for (uint64_t k = 0; k < 9; k++)
        check_same(&s, &sp, 5, k);
    smpf_param_sampler_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sampler_equals_reference),
    };
    return cmocka_run_group_tests(tests, model_setup, model_teardown);
}
