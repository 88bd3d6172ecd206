/* The Monte Carlo solver against the van de Hulst slab and against adding-doubling on
 * layered stacks (two independent methods for the same transport problem), energy
 * conservation with the absorption it tallies, and reproducibility from a seed.  Photon
 * counts are small so that the suite stays fast under AddressSanitizer; agreement is
 * asked within 4 standard errors (plus the adding-doubling error, < 1e-4 here). */
#include "smpfade.h"
#include "test_util.h"

#include <math.h>

#define SIGMAS 4.0

static smpf_mc_result_t mc(const smpf_stack_t *s, uint64_t photons, unsigned long seed)
{
    smpf_mc_result_t r;
    smpf_error_t err = {0};
    if (smpf_mc_solve(s, photons, seed, &r, &err) != SMPF_OK)
        fail_msg("%s", err.message);
    return r;
}

static smpf_rt_t ad(const smpf_stack_t *s)
{
    smpf_ad_t *ws = NULL;
    smpf_rt_t rt = {0, 0, 0};
    smpf_error_t err = {0};
    if (smpf_ad_new(16, &ws, &err) != SMPF_OK || smpf_ad_solve(ws, s, &rt, &err) != SMPF_OK)
        fail_msg("%s", err.message);
    smpf_ad_free(ws);
    return rt;
}

static void within(double mc_value, double se, double truth, const char *what)
{
    double tol = SIGMAS * se + 1e-4;
    if (fabs(mc_value - truth) > tol)
        fail_msg("%s: Monte Carlo %.5f +- %.5f, expected %.5f", what, mc_value, se, truth);
}

static void test_van_de_hulst_slab(void **state)
{
    (void)state;
    const smpf_layer_t l = {1.0, 9.0, 0.75, 0.2};
    smpf_stack_t s = {&l, 1, 1.0, 1.0, 1.0};
    smpf_mc_result_t r = mc(&s, 20000, 1);
    within(r.Rd, r.Rd_se, 0.09739, "Rd");
    within(r.Tt, r.Tt_se, 0.66096, "Tt");
    assert_true(r.Rd_se > 0 && r.Rd_se < 0.005);
}

/* Stacks: matched and mismatched surfaces, thin and thick, strong and weak absorbers,
 * semi-infinite bottom, index above the slab higher than inside. */
static void test_against_adding_doubling(void **state)
{
    (void)state;
    static const smpf_layer_t thick_matched[] = {{0.2, 10, 0.0, 3.0}};
    static const smpf_layer_t skin_like[] = {
        {2.0, 40, 0.9, 0.1}, {50, 30, 0.9, 0.05}, {0.5, 30, 0.9, 0.5}};
    static const smpf_layer_t half_space[] = {{0.3, 20, 0.8, 0.2}, {1.0, 15, 0.8, INFINITY}};
    static const smpf_layer_t thin_weak[] = {{0.01, 5, 0.5, 0.05}};
    static const smpf_layer_t strong_under_scatterer[] = {{0.1, 30, 0.9, 0.2}, {200, 5, 0.5, 0.1},
                                                          {0.1, 30, 0.9, 0.3}};
    const struct {
        const char *name;
        smpf_stack_t s;
        uint64_t photons;
    } cases[] = {
        {"thick matched", {thick_matched, 1, 1.0, 1.0, 1.0}, 4000},
        {"skin-like mismatched", {skin_like, 3, 1.4, 1.0, 1.0}, 8000},
        {"half-space", {half_space, 2, 1.4, 1.0, 1.4}, 4000},
        {"thin weak, glass below", {thin_weak, 1, 1.33, 1.0, 1.5}, 20000},
        {"index above higher", {thin_weak, 1, 1.33, 1.5, 1.0}, 20000},
        {"strong absorber under scatterer", {strong_under_scatterer, 3, 1.4, 1.0, 1.4}, 8000},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        smpf_mc_result_t r = mc(&cases[k].s, cases[k].photons, 7 + k);
        smpf_rt_t a = ad(&cases[k].s);
        char what[128];
        snprintf(what, sizeof what, "%s: Rd", cases[k].name);
        within(r.Rd, r.Rd_se, a.Rd, what);
        snprintf(what, sizeof what, "%s: Tt", cases[k].name);
        within(r.Tt, r.Tt_se, a.Tt, what);
        snprintf(what, sizeof what, "%s: absorbed", cases[k].name);
        within(r.A, r.A_se, 1 - a.Rsp - a.Rd - a.Tt, what);
        assert_float_equal(r.Rsp, a.Rsp, 1e-15);
    }
}

/* R + T + A = 1: the specular part, what escapes and what is absorbed account for every
 * launched packet (roulette keeps the sum only on average, hence the tolerance). */
static void test_energy_conservation(void **state)
{
    (void)state;
    static const smpf_layer_t layers[] = {{0.5, 20, 0.9, 0.3}, {5, 10, 0.7, 0.2}};
    smpf_stack_t s = {layers, 2, 1.4, 1.0, 1.0};
    smpf_mc_result_t r = mc(&s, 20000, 3);
    double sum = r.Rsp + r.Rd + r.Tt + r.A;
    assert_float_equal(sum, 1.0, SIGMAS * (r.Rd_se + r.Tt_se + r.A_se));
    const smpf_layer_t clear = {0, 0, 0, 1};
    smpf_stack_t c = {&clear, 1, 1.0, 1.0, 1.0};
    r = mc(&c, 100, 1); /* nothing in the way: all transmitted */
    assert_float_equal(r.Tt, 1.0, 0.0);
}

static void test_reproducible(void **state)
{
    (void)state;
    const smpf_layer_t l = {1.0, 9.0, 0.75, 0.2};
    smpf_stack_t s = {&l, 1, 1.4, 1.0, 1.0};
    smpf_mc_result_t a = mc(&s, 2000, 42), b = mc(&s, 2000, 42), c = mc(&s, 2000, 43);
    assert_memory_equal(&a, &b, sizeof a);
    assert_true(a.Rd != c.Rd);
}

static void test_bad_input(void **state)
{
    (void)state;
    smpf_mc_result_t r;
    smpf_error_t err = {0};
    const smpf_layer_t l = {0, 10, 0.9, INFINITY};
    smpf_stack_t s = {&l, 1, 1.4, 1.0, 1.0};
    assert_int_equal(smpf_mc_solve(&s, 100, 1, &r, &err), SMPF_ERR_USAGE);
    assert_non_null(strstr(err.message, "mua_per_mm > 0"));
    const smpf_layer_t ok = {1, 10, 0.9, 1};
    s.layers = &ok;
    assert_int_equal(smpf_mc_solve(&s, 1, 1, &r, &err), SMPF_ERR_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_van_de_hulst_slab),
        cmocka_unit_test(test_against_adding_doubling),
        cmocka_unit_test(test_energy_conservation),
        cmocka_unit_test(test_reproducible),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
