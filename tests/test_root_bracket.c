/* The projection's root finder (model/root_bracket.c) against functions whose crossings
 * are known analytically: every answer within the tolerance, in few evaluations for the
 * smooth crossings a month of fading makes, and bounded for the pathological ones. */
#include "root_bracket_internal.h"
#include "test_util.h"

#include <math.h>

#define TOL_DAYS 0.25
#define MONTH_DAYS 30.436875

typedef struct {
    double (*g)(double t, const double *par);
    double par[3];
    int calls;
} fn_t;

static double call(double t, void *vf)
{
    fn_t *f = vf;
    f->calls++;
    return f->g(t, f->par);
}

/* Brackets [t0, t1] with the ends evaluated (as the projection's scan does), finds the
 * crossing, checks it against the truth and that f was called as often as reported. */
static int solve(fn_t *f, double t0, double t1, double tol, double truth)
{
    const root_knot_t lo = {t0, f->g(t0, f->par)}, hi = {t1, f->g(t1, f->par)};
    double root = NAN;
    int nevals = -1;
    f->calls = 0;
    assert_int_equal(root_bracket(call, f, lo, hi, NULL, tol, &root, &nevals), ROOT_OK);
    assert_int_equal(nevals, f->calls);
    assert_true(root >= t0 && root <= t1);
    if (!(fabs(root - truth) < tol))
        fail_msg("root %.9f, truth %.9f, tolerance %g", root, truth, tol);
    return nevals;
}

/* Functions falling through zero at par[0]. */
static double linear(double t, const double *p) { return p[0] - t; }
static double quadratic(double t, const double *p) { return p[0] * p[0] - t * t; }
static double ninth_power(double t, const double *p) { return pow(p[0] - t, 9); }
static double step_like(double t, const double *p) { return -tanh(40.0 * (t - p[0])); }
static double cosine(double t, const double *p) { return cos(t * M_PI_2 / p[0]); }
/* A criterion decaying like fading, a e^{-t/tau} (a = par[1], tau = par[2]). */
static double decay(double t, const double *p)
{
    return p[1] * (exp(-t / p[2]) - exp(-p[0] / p[2]));
}
/* A logistic drift (a hue shift) centred on par[1], width par[2]. */
static double logistic(double t, const double *p)
{
    return 1.0 / (1.0 + exp((t - p[1]) / p[2])) - 1.0 / (1.0 + exp((p[0] - p[1]) / p[2]));
}

static void test_known_crossings(void **state)
{
    (void)state;
    fn_t lin = {linear, {3.0}, 0}, quad = {quadratic, {10.0}, 0};
    fn_t cosf = {cosine, {1.3}, 0}, dec = {decay, {5.0 * log(2.5), 1.0, 5.0}, 0};
    /* a straight line: the first secant lands on the crossing; one more probe closes */
    assert_true(solve(&lin, 0, 30, TOL_DAYS, 3.0) <= 2);
    /* the crossing on the bracket's end (f = 0 there counts as crossed): one probe tol/2
     * before it closes the bracket */
    fn_t at_end = {linear, {30.0}, 0};
    assert_int_equal(solve(&at_end, 0, 30, TOL_DAYS, 30.0), 1);
    /* far from linear (the slope changing 6-fold and 400-fold across the bracket, a cosine
     * to near its minimum, a step,
     * a 9th-order flat crossing): still within tol, in no more than ~3 log2(width / tol)
     * evaluations (bisection takes over) */
    fn_t step = {step_like, {7.3}, 0}, flat = {ninth_power, {10.0}, 0};
    const int bound = 3 * (int)ceil(log2(30.0 / TOL_DAYS)) + 3;
    assert_true(solve(&quad, 0, 30, TOL_DAYS, 10.0) <= bound);
    assert_true(solve(&cosf, 0, 3, TOL_DAYS, 1.3) <= bound);
    assert_true(solve(&dec, 0, 30, TOL_DAYS, 5.0 * log(2.5)) <= bound);
    assert_true(solve(&step, 0, 30, TOL_DAYS, 7.3) <= bound);
    assert_true(solve(&flat, 0, 30, TOL_DAYS, 10.0) <= bound);
    /* a tight tolerance is met too */
    assert_true(solve(&dec, 0, 30, 1e-9, 5.0 * log(2.5)) <= 12);
    assert_true(solve(&step, 0, 30, 1e-9, 7.3) <= 3 * (int)ceil(log2(30.0 / 1e-9)) + 3);
}

/* Month-wide brackets over the timeline of a fading dot: decays and logistic drifts with
 * time constants from months to decades, the crossing anywhere in the month. */
static void test_month_crossings(void **state)
{
    (void)state;
    uint64_t seed = 42;
    int total = 0, worst = 0;
    const int n = 2000;
    for (int i = 0; i < n; i++) {
        const double t0 = MONTH_DAYS * floor(240.0 * test_uniform(&seed));
        const double truth = t0 + MONTH_DAYS * test_uniform(&seed);
        const double tau_days = exp(log(60.0) + log(7000.0 / 60.0) * test_uniform(&seed));
        fn_t f = {decay, {truth, 2.0, tau_days}, 0};
        if (i % 2)
            f = (fn_t){logistic, {truth, truth + tau_days * (2.0 * test_uniform(&seed) - 1.0),
                                  tau_days}, 0};
        const int k = solve(&f, t0, t0 + MONTH_DAYS, TOL_DAYS, truth);
        total += k;
        worst = k > worst ? k : worst;
    }
    /* GSL's Brent, stopped at a 0.25-day bracket, took 2.9-3.5 a crossing in projections */
    assert_true(total <= 5 * n / 2);
    assert_true(worst <= 4);
}

/* A third point known before the bracket (the scan point before) sharpens the first
 * estimate: the same crossings in fewer evaluations, never more than without. */
static void test_point_before(void **state)
{
    (void)state;
    uint64_t seed = 7;
    int with = 0, without = 0;
    for (int i = 0; i < 500; i++) {
        const double t0 = MONTH_DAYS * (1.0 + floor(200.0 * test_uniform(&seed)));
        const double truth = t0 + MONTH_DAYS * test_uniform(&seed);
        fn_t f = {decay, {truth, 1.0, 200.0 + 3000.0 * test_uniform(&seed)}, 0};
        const root_knot_t third = {t0 - MONTH_DAYS, f.g(t0 - MONTH_DAYS, f.par)};
        const double t1 = t0 + MONTH_DAYS;
        const root_knot_t lo = {t0, f.g(t0, f.par)}, hi = {t1, f.g(t1, f.par)};
        double root;
        int k;
        assert_int_equal(root_bracket(call, &f, lo, hi, &third, TOL_DAYS, &root, &k), ROOT_OK);
        assert_true(fabs(root - truth) < TOL_DAYS);
        with += k;
        without += solve(&f, t0, t0 + MONTH_DAYS, TOL_DAYS, truth);
    }
    assert_true(with <= without);
}

static double failing(double t, void *vf)
{
    (void)vf;
    return t > 0.5 ? NAN : 1.0 - t;
}

static void test_failure_stops(void **state)
{
    (void)state;
    double root;
    int k;
    const root_knot_t lo = {0, 1}, hi = {30, -29};
    assert_int_equal(root_bracket(failing, NULL, lo, hi, NULL, TOL_DAYS, &root, &k),
                     ROOT_FN_FAILED);
    assert_int_equal(k, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_crossings),
        cmocka_unit_test(test_month_crossings),
        cmocka_unit_test(test_point_before),
        cmocka_unit_test(test_failure_stops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
