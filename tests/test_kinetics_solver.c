/* The exact interval propagator against closed forms (one and two compartments), the
 * equilibrium of a closed system, a second solver (the 8x8 generator's matrix exponential,
 * gsl_linalg_exponential_ss) and a third (gsl_odeiv2, Runge-Kutta-Fehlberg 8(9)). */
#include "kinetics_internal.h"
#include "test_util.h"
#include "kinetics_test_util.h"

#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_odeiv2.h>

typedef struct {
    double k_epi, k_cap, k_rel, k_fib, k_xrel, k_lymph, k_uv, k_bio;
} rates_t;

static smpf_kin_block_t make_block(const rates_t *r)
{
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(3);
    smpf_kin_block_t b;
    smpf_error_t err = {0};
    if (smpf_kin_block_init(&b, r->k_cap, r->k_rel, r->k_fib, r->k_xrel, r->k_lymph, ws, &err))
        fail_msg("%s", err.message);
    gsl_eigen_symmv_free(ws);
    return b;
}

/* The generator G (x' = G x) of the 8-state model, written out from MODEL.md §3. */
static void generator(const rates_t *r, double G[SMPF_KC_COUNT][SMPF_KC_COUNT])
{
    enum { E = SMPF_KC_E, F = SMPF_KC_F, M = SMPF_KC_M, X = SMPF_KC_X, S = SMPF_KC_S,
           L = SMPF_KC_L, D = SMPF_KC_D, B = SMPF_KC_B };
    memset(G, 0, sizeof(double) * SMPF_KC_COUNT * SMPF_KC_COUNT);
    const double kk = r->k_uv + r->k_bio;
    G[E][E] = -(r->k_epi + kk);
    G[S][E] = r->k_epi;
    G[F][F] = -(r->k_cap + r->k_lymph + r->k_fib + kk);
    G[M][F] = r->k_cap;
    G[X][F] = r->k_fib;
    G[L][F] = r->k_lymph;
    G[M][M] = -(r->k_rel + kk);
    G[F][M] = r->k_rel;
    G[X][X] = -(r->k_xrel + kk);
    G[F][X] = r->k_xrel;
    for (int c = E; c <= X; c++) {
        G[D][c] = r->k_uv;
        G[B][c] = r->k_bio;
    }
}

static void step(const rates_t *r, double dt, double x[SMPF_KC_COUNT])
{
    smpf_kin_block_t b = make_block(r);
    smpf_kin_block_step(&b, r->k_epi, r->k_uv, r->k_bio, dt, x);
}

static double total(const double x[SMPF_KC_COUNT])
{
    double s = 0;
    for (int i = 0; i < SMPF_KC_COUNT; i++)
        s += x[i];
    return s;
}

/* One compartment: E(t) = E0 exp(-k t), split among S, D, B by their rates. */
static void test_epidermis_closed_form(void **state)
{
    (void)state;
    rates_t r = {.k_epi = 1.0 / 40, .k_cap = 0.3, .k_rel = 0.01, .k_fib = 0.01, .k_xrel = 1e-3,
                 .k_lymph = 0.1, .k_uv = 0.004, .k_bio = 0.002};
    const double k = r.k_epi + r.k_uv + r.k_bio;
    for (double t = 0.5; t < 400; t *= 3) {
        double x[SMPF_KC_COUNT] = {[SMPF_KC_E] = 2.0};
        step(&r, t, x);
        const double gone = 2.0 * -expm1(-k * t);
        assert_near(x[SMPF_KC_E], 2.0 * exp(-k * t), 1e-14);
        assert_near(x[SMPF_KC_S], gone * r.k_epi / k, 1e-14);
        assert_near(x[SMPF_KC_D], gone * r.k_uv / k, 1e-14);
        assert_near(x[SMPF_KC_B], gone * r.k_bio / k, 1e-14);
        assert_near(x[SMPF_KC_F] + x[SMPF_KC_M] + x[SMPF_KC_X] + x[SMPF_KC_L], 0, 0);
    }
}

/* Two compartments: F <-> M with drainage from F (fibroblast exchange switched off to
 * 1e-15 per day).  With a = k_cap + k_lymph and eigenvalues
 * l1,2 = (-(a + r) +- sqrt((a - r)^2 + 4 k_cap r)) / 2, starting from F = 1:
 *   F(t) = ((l1 + r) e^{l1 t} - (l2 + r) e^{l2 t}) / (l1 - l2)
 *   M(t) = k_cap (e^{l1 t} - e^{l2 t}) / (l1 - l2)
 *   L(t) = k_lymph ((l1 + r)(e^{l1 t} - 1)/l1 - (l2 + r)(e^{l2 t} - 1)/l2) / (l1 - l2). */
static void test_two_compartment_closed_form(void **state)
{
    (void)state;
    const rates_t cases[] = {
        {.k_epi = 0.03, .k_cap = 0.3, .k_rel = 0.011, .k_fib = 1e-15, .k_xrel = 1e-3, .k_lymph = 0.15},
        {.k_epi = 0.03, .k_cap = 2.0, .k_rel = 0.5, .k_fib = 1e-15, .k_xrel = 1e-3, .k_lymph = 1e-3},
        {.k_epi = 0.03, .k_cap = 0.01, .k_rel = 0.2, .k_fib = 1e-15, .k_xrel = 1e-3, .k_lymph = 0.05},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const rates_t *r = &cases[c];
        const double a = r->k_cap + r->k_lymph, rr = r->k_rel;
        const double disc = sqrt((a - rr) * (a - rr) + 4 * r->k_cap * rr);
        const double l1 = 0.5 * (-(a + rr) + disc), l2 = 0.5 * (-(a + rr) - disc);
        for (double t = 0.25; t < 3000; t *= 2.5) {
            double x[SMPF_KC_COUNT] = {[SMPF_KC_F] = 1.0};
            step(r, t, x);
            const double e1 = exp(l1 * t), e2 = exp(l2 * t);
            const double F = ((l1 + rr) * e1 - (l2 + rr) * e2) / (l1 - l2);
            const double M = r->k_cap * (e1 - e2) / (l1 - l2);
            const double L = r->k_lymph *
                             ((l1 + rr) * expm1(l1 * t) / l1 - (l2 + rr) * expm1(l2 * t) / l2) /
                             (l1 - l2);
            assert_near(x[SMPF_KC_F], F, 1e-12);
            assert_near(x[SMPF_KC_M], M, 1e-12);
            assert_near(x[SMPF_KC_L], L, 1e-12);
            assert_true(fabs(x[SMPF_KC_X]) < 1e-11);
        }
    }
}

/* Without any loss the dermal block is closed: mass stays, and the state relaxes to the
 * detailed-balance equilibrium M/F = k_cap/k_rel, X/F = k_fib/k_xrel.  The eigenvalue 0
 * comes out within eps |A| of zero, so over t = 1e4 days mass holds to ~1e-13. */
static void test_closed_block_equilibrium(void **state)
{
    (void)state;
    rates_t r = {.k_epi = 0.03, .k_cap = 0.3, .k_rel = 0.02, .k_fib = 0.01, .k_xrel = 0.004};
    double x[SMPF_KC_COUNT] = {[SMPF_KC_F] = 0.7, [SMPF_KC_M] = 0.2, [SMPF_KC_X] = 0.1};
    step(&r, 1e4, x);
    assert_near(x[SMPF_KC_F] + x[SMPF_KC_M] + x[SMPF_KC_X], 1.0, 1e-12);
    assert_near(x[SMPF_KC_M] / x[SMPF_KC_F], r.k_cap / r.k_rel, 1e-10);
    assert_near(x[SMPF_KC_X] / x[SMPF_KC_F], r.k_fib / r.k_xrel, 1e-10);
    assert_near(x[SMPF_KC_L] + x[SMPF_KC_D] + x[SMPF_KC_B], 0.0, 0.0);
}

static const rates_t MIXED[] = {
    {.k_epi = 1.0 / 40, .k_cap = 0.3, .k_rel = 0.011, .k_fib = 0.01, .k_xrel = 5.5e-4,
     .k_lymph = 0.15, .k_uv = 2e-4, .k_bio = 0},
    {.k_epi = 1.0 / 28, .k_cap = 1.0, .k_rel = 0.033, .k_fib = 0.03, .k_xrel = 2e-3,
     .k_lymph = 0.003, .k_uv = 0.01, .k_bio = 0.002},
    {.k_epi = 1.0 / 60, .k_cap = 0.1, .k_rel = 0.0027, .k_fib = 0.003, .k_xrel = 1e-4,
     .k_lymph = 0.5, .k_uv = 0, .k_bio = 0.005},
};
static const double X0[SMPF_KC_COUNT] = {0.05, 0.6, 0.25, 0.1, 0.01, 0.02, 0.03, 0.04};

/* The precomputed propagator (one linear map, what a simulation uses for whole months)
 * against the per-interval solve it stands for, applied repeatedly from a state with
 * amounts in every compartment: equal up to round-off. */
static void test_propagator_equals_step(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof MIXED / sizeof MIXED[0]; c++) {
        const smpf_kin_block_t b = make_block(&MIXED[c]);
        const rates_t *r = &MIXED[c];
        for (double dt = 0.25; dt < 2000; dt *= 3.7) {
            smpf_kin_propagator_t p;
            smpf_kin_propagator(&b, r->k_epi, r->k_uv, r->k_bio, dt, &p);
            double x[SMPF_KC_COUNT], y[SMPF_KC_COUNT];
            memcpy(x, X0, sizeof x);
            memcpy(y, X0, sizeof y);
            for (int n = 0; n < 24; n++) {
                smpf_kin_block_step(&b, r->k_epi, r->k_uv, r->k_bio, dt, x);
                smpf_kin_propagate(&p, y);
            }
            for (int i = 0; i < SMPF_KC_COUNT; i++)
                assert_near(y[i], x[i], 1e-13 * fmax(1.0, fabs(x[i])));
        }
    }
}

/* Factors with the block's exponentials shared (sublayers differing in k_uv) against the
 * direct ones: equal up to round-off, for intervals from hours to years and losses from
 * none to faster than the block's own rates. */
static void test_shifted_factors_equal_direct(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof MIXED / sizeof MIXED[0]; c++) {
        const smpf_kin_block_t b = make_block(&MIXED[c]);
        const rates_t *r = &MIXED[c];
        for (double dt = 0.01; dt < 2000; dt *= 2.9) {
            smpf_kin_block_expm1_t em;
            smpf_kin_block_expm1(&b, r->k_epi, dt, &em);
            const double k_uv[] = {0, 1e-7, 2e-4, 0.01, 0.3, 2.0};
            for (size_t u = 0; u < sizeof k_uv / sizeof k_uv[0]; u++) {
                smpf_kin_factors_t a, s;
                smpf_kin_factors(&b, r->k_epi, k_uv[u], r->k_bio, dt, &a);
                smpf_kin_factors_shifted(&b, &em, k_uv[u] + r->k_bio, &s);
                assert_near(s.e_keep, a.e_keep, 4e-16);
                assert_near(s.e_integral, a.e_integral, 1e-14 * a.e_integral);
                for (int i = 0; i < 3; i++) {
                    assert_near(s.keep[i], a.keep[i], 4e-16);
                    assert_near(s.integral[i], a.integral[i], 1e-14 * a.integral[i]);
                }
            }
        }
    }
}

/* Second solver: x(t) = expm(G t) x0 with GSL's scaling-and-squaring exponential. */
static void test_against_matrix_exponential(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof MIXED / sizeof MIXED[0]; c++) {
        for (double t = 0.5; t < 1000; t *= 4) {
            double G[SMPF_KC_COUNT][SMPF_KC_COUNT], P[SMPF_KC_COUNT * SMPF_KC_COUNT];
            generator(&MIXED[c], G);
            for (int i = 0; i < SMPF_KC_COUNT * SMPF_KC_COUNT; i++)
                (&G[0][0])[i] *= t;
            gsl_matrix_view Gv = gsl_matrix_view_array(&G[0][0], SMPF_KC_COUNT, SMPF_KC_COUNT);
            gsl_matrix_view Pv = gsl_matrix_view_array(P, SMPF_KC_COUNT, SMPF_KC_COUNT);
            assert_int_equal(gsl_linalg_exponential_ss(&Gv.matrix, &Pv.matrix, GSL_PREC_DOUBLE),
                             GSL_SUCCESS);
            double x[SMPF_KC_COUNT];
            memcpy(x, X0, sizeof x);
            step(&MIXED[c], t, x);
            for (int i = 0; i < SMPF_KC_COUNT; i++) {
                double ref = 0;
                for (int j = 0; j < SMPF_KC_COUNT; j++)
                    ref += P[i * SMPF_KC_COUNT + j] * X0[j];
                assert_near(x[i], ref, 1e-11);
            }
        }
    }
}

static int ode_rhs(double t, const double y[], double dydt[], void *params)
{
    (void)t;
    const double(*G)[SMPF_KC_COUNT] = params;
    for (int i = 0; i < SMPF_KC_COUNT; i++) {
        dydt[i] = 0;
        for (int j = 0; j < SMPF_KC_COUNT; j++)
            dydt[i] += G[i][j] * y[j];
    }
    return GSL_SUCCESS;
}

/* Third solver: adaptive Runge-Kutta-Fehlberg 8(9), absolute and relative tolerance 1e-12. */
static void test_against_odeiv2(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof MIXED / sizeof MIXED[0]; c++) {
        double G[SMPF_KC_COUNT][SMPF_KC_COUNT];
        generator(&MIXED[c], G);
        gsl_odeiv2_system sys = {ode_rhs, NULL, SMPF_KC_COUNT, G};
        gsl_odeiv2_driver *d =
            gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rk8pd, 1e-3, 1e-12, 1e-12);
        double y[SMPF_KC_COUNT], x[SMPF_KC_COUNT], t = 0;
        memcpy(y, X0, sizeof y);
        memcpy(x, X0, sizeof x);
        for (double t1 = 30.4375; t1 < 800; t1 += 30.4375) {
            assert_int_equal(gsl_odeiv2_driver_apply(d, &t, t1, y), GSL_SUCCESS);
            step(&MIXED[c], 30.4375, x);
            for (int i = 0; i < SMPF_KC_COUNT; i++)
                assert_near(x[i], y[i], 1e-9);
        }
        gsl_odeiv2_driver_free(d);
    }
}

/* Mass balance: every step conserves the total to round-off. */
static void test_step_conserves_mass(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof MIXED / sizeof MIXED[0]; c++) {
        double x[SMPF_KC_COUNT];
        memcpy(x, X0, sizeof x);
        const double m0 = total(x);
        smpf_kin_block_t b = make_block(&MIXED[c]);
        for (int k = 0; k < 2400; k++) {
            smpf_kin_block_step(&b, MIXED[c].k_epi, MIXED[c].k_uv, MIXED[c].k_bio,
                                0.1 + (k % 7) * 5.0, x);
            assert_near(total(x), m0, 1e-14);
        }
    }
}

static void test_rejects_bad_rates(void **state)
{
    (void)state;
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(3);
    smpf_kin_block_t b;
    smpf_error_t err = {0};
    assert_int_equal(smpf_kin_block_init(&b, 0.0, 0.01, 0.01, 0.001, 0.1, ws, &err),
                     SMPF_ERR_USAGE);
    assert_non_null(strstr(err.message, "k_cap 0"));
    assert_int_equal(smpf_kin_block_init(&b, 0.3, 0.01, 0.01, 0.001, NAN, ws, &err),
                     SMPF_ERR_USAGE);
    gsl_eigen_symmv_free(ws);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_epidermis_closed_form),
        cmocka_unit_test(test_two_compartment_closed_form),
        cmocka_unit_test(test_closed_block_equilibrium),
        cmocka_unit_test(test_against_matrix_exponential),
        cmocka_unit_test(test_propagator_equals_step),
        cmocka_unit_test(test_shifted_factors_equal_direct),
        cmocka_unit_test(test_against_odeiv2),
        cmocka_unit_test(test_step_conserves_mass),
        cmocka_unit_test(test_rejects_bad_rates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
