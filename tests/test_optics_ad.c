/* Adding-doubling against independent truth: van de Hulst's slab (as used to validate
 * MCML), exact polynomial integration by the quadrature, energy conservation, the analytic
 * non-scattering slab between Fresnel surfaces, Rd -> 1 for a non-absorbing half-space, a
 * layer cut in pieces, and the operator API against the one-call solve. */
#include "ad_internal.h"
#include "test_util.h"

#include <gsl/gsl_linalg.h>
#include <math.h>
#include <string.h>

static smpf_ad_t *workspace(size_t q)
{
    smpf_ad_t *ws;
    smpf_error_t err = {0};
    if (smpf_ad_new(q, &ws, &err) != SMPF_OK)
        fail_msg("%s", err.message);
    return ws;
}

static smpf_rt_t solve(smpf_ad_t *ws, const smpf_layer_t *layers, size_t n, double n_slab,
                       double n_above, double n_below)
{
    smpf_stack_t s = {layers, n, n_slab, n_above, n_below};
    smpf_rt_t rt;
    smpf_error_t err = {0};
    if (smpf_ad_solve(ws, &s, &rt, &err) != SMPF_OK)
        fail_msg("%s", err.message);
    return rt;
}

/* van de Hulst 1980 (Multiple Light Scattering), as quoted by Wang, Jacques & Zheng 1995
 * and MODEL.md 4: a = 0.9, b = 2, g = 0.75, matched: Rd = 0.09739, Tt = 0.66096. */
static void test_van_de_hulst_slab(void **state)
{
    (void)state;
    const smpf_layer_t l = {1.0, 9.0, 0.75, 0.2};
    size_t qs[] = {SMPF_AD_DEFAULT_QUAD_POINTS, 32};
    for (size_t k = 0; k < 2; k++) {
        smpf_ad_t *ws = workspace(qs[k]);
        smpf_rt_t rt = solve(ws, &l, 1, 1.0, 1.0, 1.0);
        assert_float_equal(rt.Rd, 0.09739, 5e-5);
        assert_float_equal(rt.Tt, 0.66096, 5e-5);
        assert_float_equal(rt.Rsp, 0.0, 1e-15);
        smpf_ad_free(ws);
    }
}

/* Gauss-Radau with m points integrates polynomials up to degree 2m - 2 exactly, Gauss-
 * Legendre up to 2m - 1; mu = 1 is a node; weights sum to 1 on (0, 1]. */
static void test_quadrature_exact(void **state)
{
    (void)state;
    double mu[AD_MAX_QUAD], w[AD_MAX_QUAD];
    smpf_error_t err = {0};
    const double mu_crit[] = {0.0, sqrt(1 - 1 / (1.4 * 1.4))};
    for (size_t c = 0; c < 2; c++)
        for (size_t n = 4; n <= 32; n += 2) {
            assert_int_equal(ad_quadrature(n, mu_crit[c], mu, w, &err), SMPF_OK);
            assert_float_equal(mu[n - 1], 1.0, 0.0);
            size_t degree = c == 0 ? 2 * n - 2 : 2 * (n - n / 2) - 2;
            for (size_t d = 0; d <= degree; d++) {
                double sum = 0;
                for (size_t i = 0; i < n; i++)
                    sum += w[i] * pow(mu[i], (double)d);
                assert_float_equal(sum, 1.0 / (double)(d + 1), 1e-12);
            }
            for (size_t i = 1; i < n; i++)
                assert_true(mu[i] > mu[i - 1] && mu[0] > 0);
        }
}

/* Without absorption every photon is reflected or transmitted: Rsp + Rd + Tt = 1. */
static void test_energy_conservation(void **state)
{
    (void)state;
    smpf_ad_t *ws = workspace(16);
    const double gs[] = {-0.5, 0.0, 0.5, 0.9};
    const double n_out[][2] = {{1.0, 1.0}, {1.0, 1.5}, {1.33, 1.0}};
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 3; j++) {
            const smpf_layer_t layers[] = {{0, 10, gs[i], 0.05}, {0, 100, 0.8, 2.0},
                                           {0, 1, gs[i], 0.3}};
            smpf_rt_t rt = solve(ws, layers, 3, 1.4, n_out[j][0], n_out[j][1]);
            assert_float_equal(rt.Rsp + rt.Rd + rt.Tt, 1.0, 1e-9);
        }
    smpf_ad_free(ws);
}

/* A non-scattering slab of optical depth tau between two surfaces with normal reflectance
 * r = ((n - 1)/(n + 1))^2 (incoherent multiple reflections), to the relative error bound of
 * the diamond start, tau t^2 / 12 per pass with t <= 1/32 (ad_layer.c):
 *   Rsp = r,  Rd = (1 - r)^2 r e^(-2 tau) / (1 - r^2 e^(-2 tau)),
 *   Tt = (1 - r)^2 e^(-tau) / (1 - r^2 e^(-2 tau)). */
static void test_fresnel_nonscattering_slab(void **state)
{
    (void)state;
    smpf_ad_t *ws = workspace(8);
    const double n = 1.5, r = pow((n - 1) / (n + 1), 2), tau = 0.7;
    const smpf_layer_t l = {tau / 0.4, 0, 0, 0.4};
    smpf_rt_t rt = solve(ws, &l, 1, n, 1.0, 1.0);
    double e1 = exp(-tau), e2 = e1 * e1, denom = 1 - r * r * e2;
    assert_float_equal(rt.Rsp, r, 1e-12);
    double Rd = (1 - r) * (1 - r) * r * e2 / denom, Tt = (1 - r) * (1 - r) * e1 / denom;
    double rel = tau / (32.0 * 32.0 * 12.0);
    assert_float_equal(rt.Rd, Rd, 2 * rel * Rd);
    assert_float_equal(rt.Tt, Tt, rel * Tt);
    assert_float_equal(smpf_fresnel(1.0, 1.4, 1.0), pow(0.4 / 2.4, 2), 1e-15);
    assert_float_equal(smpf_fresnel(1.4, 1.0, 0.5), 1.0, 0.0); /* beyond the critical angle */
    smpf_ad_free(ws);
}

/* A non-absorbing half-space reflects everything that enters it. */
static void test_semi_infinite_nonabsorbing(void **state)
{
    (void)state;
    smpf_ad_t *ws = workspace(16);
    const smpf_layer_t l = {0, 10, 0.9, INFINITY};
    smpf_rt_t rt = solve(ws, &l, 1, 1.0, 1.0, 1.0);
    assert_float_equal(rt.Rd, 1.0, 1e-4);
    assert_float_equal(rt.Tt, 0.0, 0.0);
    rt = solve(ws, &l, 1, 1.4, 1.0, 1.4);
    assert_float_equal(rt.Rd + rt.Rsp, 1.0, 1e-4);
    smpf_ad_free(ws);
}

/* Cutting a homogeneous layer into pieces must not change anything. */
static void test_layer_cut_in_pieces(void **state)
{
    (void)state;
    smpf_ad_t *ws = workspace(16);
    const smpf_layer_t whole = {0.3, 25, 0.9, 0.6};
    const smpf_layer_t pieces[] = {{0.3, 25, 0.9, 0.1}, {0.3, 25, 0.9, 0.23}, {0.3, 25, 0.9, 0.27}};
    smpf_rt_t a = solve(ws, &whole, 1, 1.4, 1.0, 1.0), b = solve(ws, pieces, 3, 1.4, 1.0, 1.0);
    assert_float_equal(a.Rd, b.Rd, 1e-6);
    assert_float_equal(a.Tt, b.Tt, 1e-6);
    const smpf_layer_t half[] = {{0.3, 25, 0.9, 0.2}, {0.3, 25, 0.9, INFINITY}};
    const smpf_layer_t inf = {0.3, 25, 0.9, INFINITY};
    a = solve(ws, &inf, 1, 1.4, 1.0, 1.4);
    b = solve(ws, half, 2, 1.4, 1.0, 1.4);
    assert_float_equal(a.Rd, b.Rd, 1e-6);
    smpf_ad_free(ws);
}

/* Operators built and added one by one give the one-call result; adding is associative. */
static void test_operator_api(void **state)
{
    (void)state;
    smpf_ad_t *ws = workspace(12);
    smpf_error_t err = {0};
    const smpf_layer_t layers[] = {{2, 40, 0.9, 0.1}, {40, 30, 0.8, 0.1}, {0.1, 20, 0.9, 1.0}};
    smpf_rt_t rt = solve(ws, layers, 3, 1.4, 1.0, 1.2);
    smpf_ad_op_t *top, *bottom, *l1, *l2, *l3, *x, *y;
    smpf_ad_op_t **ops[] = {&top, &bottom, &l1, &l2, &l3, &x, &y};
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(smpf_ad_op_new(ws, ops[i], &err), SMPF_OK);
    assert_int_equal(smpf_ad_set_indices(ws, 1.4, 1.0, &err), SMPF_OK);
    assert_int_equal(smpf_ad_op_boundary(ws, 1.0, top, &err), SMPF_OK);
    assert_int_equal(smpf_ad_op_boundary(ws, 1.2, bottom, &err), SMPF_OK);
    assert_int_equal(smpf_ad_op_layer(ws, layers + 0, l1, &err), SMPF_OK);
    assert_int_equal(smpf_ad_op_layer(ws, layers + 1, l2, &err), SMPF_OK);
    assert_int_equal(smpf_ad_op_layer(ws, layers + 2, l3, &err), SMPF_OK);
    /* ((top + l1) + l2) + (l3 + bottom) */
    assert_int_equal(smpf_ad_op_add(ws, top, l1, x, &err), SMPF_OK);
    assert_int_equal(smpf_ad_op_add(ws, x, l2, x, &err), SMPF_OK);
    assert_int_equal(smpf_ad_op_add(ws, l3, bottom, y, &err), SMPF_OK);
    assert_int_equal(smpf_ad_op_add(ws, x, y, x, &err), SMPF_OK);
    double R, T;
    smpf_ad_op_normal(ws, x, &R, &T);
    assert_float_equal(R - rt.Rsp, rt.Rd, 1e-10);
    assert_float_equal(T, rt.Tt, 1e-10);
    for (size_t i = 0; i < 7; i++)
        smpf_ad_op_free(*ops[i]);
    smpf_ad_free(ws);
}

static void test_bad_input(void **state)
{
    (void)state;
    smpf_ad_t *ws;
    smpf_error_t err = {0};
    assert_int_equal(smpf_ad_new(7, &ws, &err), SMPF_ERR_USAGE);
    assert_int_equal(smpf_ad_new(2, &ws, &err), SMPF_ERR_USAGE);
    ws = workspace(8);
    smpf_rt_t rt;
    const smpf_layer_t bad[][2] = {{{1, 1, 1.0, 1}, {1, 1, 0, 1}},
                                   {{1, 1, 0, INFINITY}, {1, 1, 0, 1}},
                                   {{-1, 1, 0, 1}, {1, 1, 0, 1}},
                                   {{1, 1, 0, 0}, {1, 1, 0, 1}}};
    for (size_t i = 0; i < 4; i++) {
        smpf_stack_t s = {bad[i], 2, 1.4, 1, 1};
        assert_int_equal(smpf_ad_solve(ws, &s, &rt, &err), SMPF_ERR_USAGE);
        assert_non_null(strstr(err.message, "layer 1"));
    }
    smpf_stack_t s = {bad[0] + 1, 1, 0.5, 1, 1};
    assert_int_equal(smpf_ad_solve(ws, &s, &rt, &err), SMPF_ERR_USAGE);
    assert_non_null(strstr(err.message, "n_slab"));
    smpf_ad_free(ws);
}

/* The matrix kernels against their definitions: the product equal, to the last bit, to
 * the sum over k taken in order (the kernels promise the same arithmetic on every
 * machine), and the kernels this machine runs (4-double registers where it has AVX2)
 * equal to the 2-double ones bit for bit, product and solve; the solve against GSL's LU
 * (another algorithm: to round-off). */
static void test_matrix_kernels(void **state)
{
    (void)state;
    const size_t sizes[] = {4, 8, 6};
    uint64_t x = 99;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        const size_t n = sizes[s], nn = n * n;
        smpf_ad_t *ws = workspace(n);
        double a[64], b[64], out[64], lu[64], rhs[64];
        for (size_t e = 0; e < nn; e++) {
            a[e] = test_uniform(&x) - 0.5 + (e % (n + 1) == 0 ? n : 0);
            b[e] = test_uniform(&x) - 0.5;
        }
        ad_mul(n, a, b, out);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                double sum = 0;
                for (size_t k = 0; k < n; k++)
                    sum += a[i * n + k] * b[k * n + j];
                assert_true(out[i * n + j] == sum);
            }
        double portable[64], lu2[64], rhs2[64];
        ad_mul_portable(n, a, b, portable); /* the other registers' kernel: the same bits */
        assert_memory_equal(out, portable, nn * sizeof *out);
        memcpy(lu, a, nn * sizeof *a);
        memcpy(rhs, b, nn * sizeof *b);
        memcpy(lu2, a, nn * sizeof *a);
        memcpy(rhs2, b, nn * sizeof *b);
        smpf_error_t err = {0};
        assert_int_equal(ad_solve(ws, lu, rhs, &err), SMPF_OK); /* rhs = a^-1 b */
        assert_int_equal(ad_solve_portable(ws, lu2, rhs2, &err), SMPF_OK);
        assert_memory_equal(rhs, rhs2, nn * sizeof *rhs);
        gsl_matrix_view A = gsl_matrix_view_array(a, n, n);
        gsl_permutation *p = gsl_permutation_alloc(n);
        gsl_vector *col = gsl_vector_alloc(n);
        int sign;
        assert_int_equal(gsl_linalg_LU_decomp(&A.matrix, p, &sign), GSL_SUCCESS);
        for (size_t j = 0; j < n; j++) {
            for (size_t i = 0; i < n; i++)
                gsl_vector_set(col, i, b[i * n + j]);
            assert_int_equal(gsl_linalg_LU_svx(&A.matrix, p, col), GSL_SUCCESS);
            for (size_t i = 0; i < n; i++)
                assert_float_equal(rhs[i * n + j], gsl_vector_get(col, i), 1e-13);
        }
        gsl_vector_free(col);
        gsl_permutation_free(p);
        smpf_ad_free(ws);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_van_de_hulst_slab),
        cmocka_unit_test(test_matrix_kernels),
        cmocka_unit_test(test_quadrature_exact),
        cmocka_unit_test(test_energy_conservation),
        cmocka_unit_test(test_fresnel_nonscattering_slab),
        cmocka_unit_test(test_semi_infinite_nonabsorbing),
        cmocka_unit_test(test_layer_cut_in_pieces),
        cmocka_unit_test(test_operator_api),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
