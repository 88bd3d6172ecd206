/* smpf_cbrt_pos (model/cbrt_internal.h) against independent truth: long-double cbrtl over
 * reproducible random arguments across many binades (error below 1 ulp; the maximum and
 * the share correctly rounded printed), exact cubes (k^3 and powers of 8 give their
 * roots exactly), and libm's cbrt itself for the arguments it is handed (zero, negative,
 * subnormal, infinite, NaN); the three-lane smpf_cbrt_pos3 and smpf_lab_f3 against the
 * scalar functions, bit for bit. */
#include "cbrt_internal.h"
#include "color_internal.h"
#include "test_util.h"

#include <float.h>
#include <math.h>

/* The error of y in units in the last place of the true root ref (a normal double's ulp:
 * 2^(exponent - 52)). */
static long double ulp_error(double y, long double ref)
{
    return fabsl((long double)y - ref) / ldexpl(1.0L, ilogbl(ref) - (DBL_MANT_DIG - 1));
}

typedef struct {
    long double max_ulp, max_ulp_libm;
    double worst_x;
    long n, rounded;
} cbrt_stats_t;

static void measure(cbrt_stats_t *s, double x)
{
    const long double ref = cbrtl((long double)x);
    const double y = smpf_cbrt_pos(x);
    const long double e = ulp_error(y, ref);
    if (e > s->max_ulp) {
        s->max_ulp = e;
        s->worst_x = x;
    }
    const long double e_libm = ulp_error(cbrt(x), ref);
    if (e_libm > s->max_ulp_libm)
        s->max_ulp_libm = e_libm;
    s->rounded += y == (double)ref;
    s->n++;
}

static void report(const char *what, const cbrt_stats_t *s)
{
    printf("cbrt %-28s n %7ld  max %.3Lf ulp (x = %.17g; libm's cbrt %.3Lf)  correctly "
           "rounded %.2f %%\n",
           what, s->n, s->max_ulp, s->worst_x, s->max_ulp_libm, 100.0 * s->rounded / s->n);
    if (!(s->max_ulp < 1))
        fail_msg("%s: error %.3Lf ulp at x = %.17g", what, s->max_ulp, s->worst_x);
}

/* 1e6 arguments: log-uniform over 1e-3..1e3, uniform over CIELAB's cube-root range
 * ((24/116)^3 ~ 0.00886 .. 1, from 0.008), log-uniform over every normal binade. */
static void test_cbrt_against_cbrtl(void **state)
{
    (void)state;
    /* cbrtl is the truth only if long double is wider than double (it is not on some
     * targets, nor under valgrind, which computes x87 arithmetic in double) */
    volatile long double one = 1.0L, tiny = 0x1p-60L;
    if (one + tiny == one)
        skip();
    uint64_t seed = 20240607;
    cbrt_stats_t wide = {0}, lab = {0}, all = {0};
    for (int i = 0; i < 400000; i++)
        measure(&wide, 1e-3 * pow(1e6, test_uniform(&seed)));
    for (int i = 0; i < 400000; i++)
        measure(&lab, 0.008 + 0.992 * test_uniform(&seed));
    const double lo = log2(DBL_MIN), hi = log2(DBL_MAX);
    for (int i = 0; i < 200000; i++) {
        const double x = exp2(lo + (hi - lo) * test_uniform(&seed));
        if (x >= DBL_MIN && x <= DBL_MAX)
            measure(&all, x);
    }
    for (double x = DBL_MIN, k = 0; k < 64; k++, x = nextafter(x, INFINITY))
        measure(&all, x); /* the smallest normals and the largest */
    for (double x = DBL_MAX, k = 0; k < 64; k++, x = nextafter(x, 0))
        measure(&all, x);
    report("1e-3..1e3 log-uniform", &wide);
    report("0.008..1 uniform (CIELAB)", &lab);
    report("every normal binade", &all);
}

/* k^3 (exact in a double for k <= 2^17) gives k; 8^j gives 2^j over the normal range. */
static void test_cbrt_exact_cubes(void **state)
{
    (void)state;
    for (long k = 1; k <= 1L << 17; k++) {
        const double c = (double)k * (double)k * (double)k;
        if (smpf_cbrt_pos(c) != (double)k)
            fail_msg("cbrt(%ld^3) = %.17g", k, smpf_cbrt_pos(c));
    }
    for (int j = -340; j <= 341; j++) {
        const double c = ldexp(1.0, 3 * j);
        assert_true(c >= DBL_MIN && c <= DBL_MAX);
        if (smpf_cbrt_pos(c) != ldexp(1.0, j))
            fail_msg("cbrt(8^%d) = %.17g", j, smpf_cbrt_pos(c));
    }
}

/* Arguments outside the positive normals: exactly libm's answer, sign of zero included. */
static void test_cbrt_special_values(void **state)
{
    (void)state;
    const double xs[] = {0.0,           -0.0,       -1.0,         -8.0,     -0.5,
                         -DBL_MIN,      -DBL_MAX,   -1e-310,      1e-310,   DBL_TRUE_MIN,
                         -DBL_TRUE_MIN, DBL_MIN / 2, nextafter(DBL_MIN, 0), INFINITY,
                         -INFINITY};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        const double y = smpf_cbrt_pos(xs[i]), want = cbrt(xs[i]);
        if (memcmp(&y, &want, sizeof y) != 0)
            fail_msg("cbrt(%g) = %.17g, libm %.17g", xs[i], y, want);
    }
    assert_true(isnan(smpf_cbrt_pos(NAN)));
    assert_true(isnan(smpf_cbrt_pos(-NAN)));
}

static void assert_same_bits(double got, double want, const char *what, double x)
{
    if (memcmp(&got, &want, sizeof got) != 0)
        fail_msg("%s(%.17g) = %.17g, scalar %.17g", what, x, got, want);
}

/* The lanes compute what the scalar function computes, lane by lane: random triples
 * over every normal binade and CIELAB's range, each lane checked, with the smallest and
 * largest normals among them. */
static void test_cbrt_lanes_bit_identical(void **state)
{
    (void)state;
    uint64_t seed = 20261206;
    const double lo = log2(DBL_MIN), hi = log2(DBL_MAX);
    for (int i = 0; i < 300000; i++) {
        double x[3], y[3];
        for (int l = 0; l < 3; l++) {
            const double u = test_uniform(&seed);
            x[l] = i % 2 ? 0.008 + 0.992 * u : exp2(lo + (hi - lo) * u);
            if (!(x[l] >= DBL_MIN && x[l] <= DBL_MAX))
                x[l] = 1.0;
        }
        if (i < 3)
            x[i] = i == 0 ? DBL_MIN : i == 1 ? DBL_MAX : nextafter(DBL_MIN, 1);
        smpf_cbrt_pos3(x, y);
        for (int l = 0; l < 3; l++)
            assert_same_bits(y[l], smpf_cbrt_pos(x[l]), "smpf_cbrt_pos3", x[l]);
    }
}

/* smpf_lab_f3 against smpf_lab_f per channel: all three on the cube-root branch, some on
 * the linear segment (at and around its limit), and arguments the lanes leave to libm. */
static void test_lab_f3_bit_identical(void **state)
{
    (void)state;
    const double special[] = {SMPF_LAB_F_LIMIT, nextafter(SMPF_LAB_F_LIMIT, 1),
                              nextafter(SMPF_LAB_F_LIMIT, 0), 0.0, -0.0, -0.5, 1e-310,
                              INFINITY, DBL_MAX, 1.0, 0.5};
    const size_t ns = sizeof special / sizeof special[0];
    uint64_t seed = 7;
    for (int i = 0; i < 200000; i++) {
        double t[3], f[3];
        for (int l = 0; l < 3; l++)
            t[l] = i % 4 == 3 ? special[(size_t)(test_uniform(&seed) * (double)ns) % ns]
                              : 0.001 + 1.2 * test_uniform(&seed);
        smpf_lab_f3(t, f);
        for (int l = 0; l < 3; l++)
            assert_same_bits(f[l], smpf_lab_f(t[l]), "smpf_lab_f3", t[l]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cbrt_against_cbrtl),
        cmocka_unit_test(test_cbrt_exact_cubes),
        cmocka_unit_test(test_cbrt_special_values),
        cmocka_unit_test(test_cbrt_lanes_bit_identical),
        cmocka_unit_test(test_lab_f3_bit_identical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
