/* The colour code's arctangent (model/atan_internal.h) against long-double libm (atan2l,
 * atanl: 64-bit significands, 11 bits beyond double) on reproducible random inputs, and
 * bit for bit against libm's atan2 where it hands over: zeros, infinities, NaNs, and
 * quotients that underflow or overflow. */
#include "atan_internal.h"
#include "test_util.h"

#include <float.h>
#include <math.h>

#define N_RANDOM 1000000
/* Bounds measured by this file, rounded up: max 0.85 ulp for atan (fdlibm: below 1), max
 * 1.45 ulp for atan2, whose quotient y/x is rounded first (by up to half an ulp of the
 * quotient, which can be a whole ulp of the angle when the two straddle a power of 2). */
#define ATAN_MAX_ULP 0.9
#define ATAN2_MAX_ULP 1.5

/* Valgrind computes long double in double precision: the reference would be no better
 * than the value tested. */
static int long_double_is_extended(void)
{
    volatile long double one = 1.0L, eps = LDBL_EPSILON;
    return LDBL_MANT_DIG > DBL_MANT_DIG && one + eps != one;
}

/* |v - ref| in units of the last place of a double of ref's binade. */
static double ulp_error(double v, long double ref)
{
    return (double)(fabsl((long double)v - ref) / ldexpl(1.0L, ilogbl(ref) - (DBL_MANT_DIG - 1)));
}

typedef struct {
    const char *name;
    double max_ulp, worst_y, worst_x;
    long n, correctly_rounded, handed_over; /* handed over: |y/x| outside the method's range */
    double libm_max_ulp;
    long libm_correctly_rounded;
} stats_t;

static void record(stats_t *s, double y, double x)
{
    const long double ref = atan2l(y, x);
    const double v = smpf_atan2(y, x), e = ulp_error(v, ref);
    const double t = fabs(y) / fabs(x);
    s->n++;
    s->correctly_rounded += v == (double)ref;
    s->handed_over += !(t >= SMPF_ATAN2_RATIO_MIN && t <= SMPF_ATAN2_RATIO_MAX);
    if (e > s->max_ulp)
        s->max_ulp = e, s->worst_y = y, s->worst_x = x;
    const double l = atan2(y, x), el = ulp_error(l, ref);
    s->libm_correctly_rounded += l == (double)ref;
    if (el > s->libm_max_ulp)
        s->libm_max_ulp = el;
}

static void report(const stats_t *s, double bound)
{
    printf("  %-34s %8ld pairs: max %.3f ulp (y %a, x %a), %.4f %% correctly rounded, "
           "%ld handed to libm; libm: max %.3f ulp, %.4f %%\n",
           s->name, s->n, s->max_ulp, s->worst_y, s->worst_x,
           100.0 * (double)s->correctly_rounded / (double)s->n, s->handed_over,
           s->libm_max_ulp, 100.0 * (double)s->libm_correctly_rounded / (double)s->n);
    if (!(s->max_ulp <= bound))
        fail_msg("%s: %.3f ulp > %.2f", s->name, s->max_ulp, bound);
}

static double random_sign(uint64_t *st) { return test_uniform(st) < 0.5 ? -1.0 : 1.0; }

/* A uniform integer in [lo, hi]. */
static int random_int(uint64_t *st, int lo, int hi)
{
    return lo + (int)(test_uniform(st) * (hi - lo + 1));
}

/* The head and tail of atan(1/2), atan(1), atan(3/2), pi/2, and pi, against atanl. */
static void test_table(void **state)
{
    (void)state;
    if (!long_double_is_extended())
        skip();
    const long double exact[4] = {atanl(0.5L), atanl(1.0L), atanl(1.5L), 2.0L * atanl(1.0L)};
    for (int i = 0; i < 4; i++) {
        const long double sum = (long double)smpf_atan_head[i] + smpf_atan_tail[i];
        assert_true(fabsl(sum - exact[i]) <= 2.0L * LDBL_EPSILON * exact[i]);
        assert_true((double)exact[i] == smpf_atan_head[i]);
    }
    const long double pi = 4.0L * atanl(1.0L);
    assert_true(fabsl((long double)SMPF_ATAN_PI_HEAD + SMPF_ATAN_PI_TAIL - pi) <=
                2.0L * LDBL_EPSILON * pi);
}

/* atan itself, t >= 0 over 2^-30..2^30 (log-uniform) and densely around the breakpoints. */
static void test_atan_accuracy(void **state)
{
    (void)state;
    if (!long_double_is_extended())
        skip();
    uint64_t st = 20240607;
    const double breaks[] = {7.0 / 16, 11.0 / 16, 19.0 / 16, 39.0 / 16};
    double max_ulp = 0, worst = 0;
    long cr = 0;
    for (long i = 0; i < N_RANDOM; i++) {
        const double t = i % 2 ? exp2(60.0 * test_uniform(&st) - 30.0)
                               : breaks[i / 2 % 4] * (1.0 + 0.02 * (test_uniform(&st) - 0.5));
        const long double ref = atanl(t);
        const double v = smpf_atan_nonneg(t), e = ulp_error(v, ref);
        cr += v == (double)ref;
        if (e > max_ulp)
            max_ulp = e, worst = t;
    }
    printf("  atan, %d arguments: max %.3f ulp (t %a), %.4f %% correctly rounded\n", N_RANDOM,
           max_ulp, worst, 100.0 * (double)cr / N_RANDOM);
    assert_true(max_ulp <= ATAN_MAX_ULP);
}

/* atan2 over all four quadrants: quotients spread over 2^-66..2^66 (the ends handed to
 * libm), arguments over 2^-40..2^40. */
static void test_atan2_binades(void **state)
{
    (void)state;
    if (!long_double_is_extended())
        skip();
    uint64_t st = 1;
    stats_t s = {.name = "quotients 2^-66..2^66"};
    for (long i = 0; i < N_RANDOM; i++) {
        const int ex = random_int(&st, -40, 40), d = random_int(&st, -66, 66);
        const double x = random_sign(&st) * ldexp(1.0 + test_uniform(&st), ex);
        const double y = random_sign(&st) * ldexp(1.0 + test_uniform(&st), ex + d);
        record(&s, y, x);
    }
    report(&s, ATAN2_MAX_ULP);
}

/* Unit vectors at random angles, as CIEDE2000's mean hue; and (a*, b*) within ±128. */
static void test_atan2_unit_vectors_and_lab(void **state)
{
    (void)state;
    if (!long_double_is_extended())
        skip();
    uint64_t st = 2;
    stats_t unit = {.name = "unit vectors"}, lab = {.name = "a*, b* in [-128, 128]"};
    for (long i = 0; i < N_RANDOM; i++) {
        const double angle = 2.0 * M_PI * (test_uniform(&st) - 0.5);
        record(&unit, sin(angle), cos(angle));
    }
    for (long i = 0; i < N_RANDOM; i++) {
        const double a = 256.0 * (test_uniform(&st) - 0.5), b = 256.0 * (test_uniform(&st) - 0.5);
        record(&lab, b, a);
    }
    report(&unit, ATAN2_MAX_ULP);
    report(&lab, ATAN2_MAX_ULP);
}

/* Quotients within 1 % of the reduction's breakpoints and centres, every quadrant. */
static void test_atan2_breakpoints(void **state)
{
    (void)state;
    if (!long_double_is_extended())
        skip();
    uint64_t st = 3;
    const double at[] = {7.0 / 16, 0.5, 11.0 / 16, 1.0, 19.0 / 16, 1.5, 39.0 / 16};
    const int n_at = (int)(sizeof at / sizeof at[0]);
    stats_t s = {.name = "quotients near 7/16 .. 39/16"};
    for (long i = 0; i < N_RANDOM; i++) {
        const double x = random_sign(&st) * ldexp(1.0 + test_uniform(&st), random_int(&st, -8, 8));
        const double t = at[i % n_at] * (1.0 + 0.02 * (test_uniform(&st) - 0.5));
        record(&s, random_sign(&st) * t * fabs(x), x);
        record(&s, random_sign(&st) * fabs(x), x / t); /* and the reciprocals */
    }
    /* the quotients exactly at the breakpoints and at the ends of the method's range */
    const double exact[] = {7.0 / 16, 11.0 / 16, 19.0 / 16, 39.0 / 16, 0.5, 1.0, 1.5,
                            SMPF_ATAN2_RATIO_MIN, SMPF_ATAN2_RATIO_MAX};
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
        for (int q = 0; q < 4; q++)
            record(&s, (q & 1 ? -1 : 1) * exact[i], q & 2 ? -1.0 : 1.0);
    report(&s, ATAN2_MAX_ULP);
}

/* Equal bits, or both NaN. */
static void assert_same(double got, double want, double y, double x)
{
    if (isnan(want) && isnan(got))
        return;
    if (memcmp(&got, &want, sizeof got) != 0)
        fail_msg("smpf_atan2(%a, %a) = %a, libm %a", y, x, got, want);
}

/* Zeros, infinities and NaNs of either sign in either argument, against every kind of
 * other argument, and quotients far beyond 2^±60 (overflowing, underflowing, subnormal):
 * libm's results to the bit. */
static void test_special_cases(void **state)
{
    (void)state;
    const double special[] = {0.0, -0.0, INFINITY, -INFINITY, NAN, -NAN};
    const double finite[] = {1.0,      -1.0,      2.5,        -2.5,        DBL_MIN,
                             -DBL_MIN, DBL_MAX,   -DBL_MAX,   DBL_TRUE_MIN, -DBL_TRUE_MIN,
                             1e-300,   -1e-300,   1e300,      -1e300,      0x1p-62,
                             -0x1p62,  0x1.8p-1060, -0x1p-1030};
    const size_t ns = sizeof special / sizeof special[0], nf = sizeof finite / sizeof finite[0];
    long compared = 0;
    for (size_t i = 0; i < ns; i++) {
        for (size_t j = 0; j < ns; j++, compared++)
            assert_same(smpf_atan2(special[i], special[j]), atan2(special[i], special[j]),
                        special[i], special[j]);
        for (size_t j = 0; j < nf; j++, compared += 2) {
            assert_same(smpf_atan2(special[i], finite[j]), atan2(special[i], finite[j]),
                        special[i], finite[j]);
            assert_same(smpf_atan2(finite[j], special[i]), atan2(finite[j], special[i]),
                        finite[j], special[i]);
        }
    }
    /* finite pairs whose quotient is beyond 2^±62 (by their exponents) */
    for (size_t i = 0; i < nf; i++)
        for (size_t j = 0; j < nf; j++) {
            const int d = ilogb(finite[i]) - ilogb(finite[j]);
            if (d > 62 || d < -62) {
                assert_same(smpf_atan2(finite[i], finite[j]), atan2(finite[i], finite[j]),
                            finite[i], finite[j]);
                compared++;
            }
        }
    /* the cases libm's atan2 defines exactly (C11 F.10.1.4) */
    assert_same(smpf_atan2(0.0, -0.0), M_PI, 0.0, -0.0);
    assert_same(smpf_atan2(-0.0, 0.0), -0.0, -0.0, 0.0);
    assert_same(smpf_atan2(-INFINITY, INFINITY), -M_PI_4, -INFINITY, INFINITY);
    assert_same(smpf_atan2(1.0, -INFINITY), M_PI, 1.0, -INFINITY);
    assert_same(smpf_atan2(-1.0, 0.0), -M_PI_2, -1.0, 0.0);
    printf("  %ld special pairs bit-identical to libm's atan2\n", compared);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_atan_accuracy),
        cmocka_unit_test(test_atan2_binades),
        cmocka_unit_test(test_atan2_unit_vectors_and_lab),
        cmocka_unit_test(test_atan2_breakpoints),
        cmocka_unit_test(test_special_cases),
    };
    return cmocka_run_group_tests_name("atan2", tests, NULL, NULL);
}
