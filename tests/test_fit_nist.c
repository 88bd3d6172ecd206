/* The solver against certified results: NIST Statistical Reference Datasets, Nonlinear
 * Regression (https://www.itl.nist.gov/div898/strd/nls/nls_main.shtml; data, starting
 * values, certified parameters, standard deviations and residual sums of squares as
 * published there, public domain).  Misra1a (lower difficulty), BoxBOD, Eckerle4, MGH09
 * and Thurber (higher difficulty).  Unweighted fits, so the covariance is s^2 (J'J)^-1,
 * as NIST's certified standard deviations are. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "smpfade.h"

typedef struct {
    const char *name;
    size_t n, p;
    const double *x, *y;
    double (*f)(double x, const double *b);
    double start[2][7];
    int start_ok[2]; /* NIST starts this solver must solve (others: no false success;
                      * from BoxBOD start 1 the fit runs b2 to infinity and is refused) */
    double cert[7], se[7], rss;
    int sign_free_12; /* b1, b2 identified only up to a common sign (Eckerle4) */
} nist_problem;

static double misra1a(double x, const double *b) { return b[0] * (1 - exp(-b[1] * x)); }
static double boxbod(double x, const double *b) { return b[0] * (1 - exp(-b[1] * x)); }
static double eckerle4(double x, const double *b)
{
    double z = (x - b[2]) / b[1];
    return b[0] / b[1] * exp(-0.5 * z * z);
}
static double mgh09(double x, const double *b)
{
    return b[0] * (x * x + x * b[1]) / (x * x + x * b[2] + b[3]);
}
static double thurber(double x, const double *b)
{
    double x2 = x * x, x3 = x2 * x;
    return (b[0] + b[1] * x + b[2] * x2 + b[3] * x3) / (1 + b[4] * x + b[5] * x2 + b[6] * x3);
}

static const double misra_x[] = {77.6,  114.9, 141.1, 190.8, 239.9, 289.0, 332.8,
                                 378.4, 434.8, 477.3, 536.8, 593.1, 689.1, 760.0};
static const double misra_y[] = {10.07, 14.73, 17.94, 23.93, 29.61, 35.18, 40.02,
                                 44.82, 50.76, 55.05, 61.01, 66.40, 75.47, 81.78};
static const double boxbod_x[] = {1, 2, 3, 5, 7, 10};
static const double boxbod_y[] = {109, 149, 149, 191, 213, 224};
static const double eck_x[] = {400.0, 405.0, 410.0, 415.0, 420.0, 425.0, 430.0, 435.0, 436.5,
                               438.0, 439.5, 441.0, 442.5, 444.0, 445.5, 447.0, 448.5, 450.0,
                               451.5, 453.0, 454.5, 456.0, 457.5, 459.0, 460.5, 462.0, 463.5,
                               465.0, 470.0, 475.0, 480.0, 485.0, 490.0, 495.0, 500.0};
static const double eck_y[] = {
    0.0001575, 0.0001699, 0.0002350, 0.0003102, 0.0004917, 0.0008710, 0.0017418,
    0.0046400, 0.0065895, 0.0097302, 0.0149002, 0.0237310, 0.0401683, 0.0712559,
    0.1264458, 0.2073413, 0.2902366, 0.3445623, 0.3698049, 0.3668534, 0.3106727,
    0.2078154, 0.1164354, 0.0616764, 0.0337200, 0.0194023, 0.0117831, 0.0074357,
    0.0022732, 0.0008800, 0.0004579, 0.0002345, 0.0001586, 0.0001143, 0.0000710};
static const double mgh09_x[] = {4.0,   2.0,   1.0,    0.5,    0.25,  0.167,
                                 0.125, 0.100, 0.0833, 0.0714, 0.0625};
static const double mgh09_y[] = {0.1957, 0.1947, 0.1735, 0.1600, 0.0844, 0.0627,
                                 0.0456, 0.0342, 0.0323, 0.0235, 0.0246};
static const double thur_x[] = {-3.067, -2.981, -2.921, -2.912, -2.840, -2.797, -2.702, -2.699,
                                -2.633, -2.481, -2.363, -2.322, -1.501, -1.460, -1.274, -1.212,
                                -1.100, -1.046, -0.915, -0.714, -0.566, -0.545, -0.400, -0.309,
                                -0.109, -0.103, 0.010,  0.119,  0.377,  0.790,  0.963,  1.006,
                                1.115,  1.572,  1.841,  2.047,  2.200};
static const double thur_y[] = {
    80.574,   84.248,   87.264,   87.195,   89.076,   89.608,   89.868,   90.101,
    92.405,   95.854,   100.696,  101.060,  401.672,  390.724,  567.534,  635.316,
    733.054,  759.087,  894.206,  990.785,  1090.109, 1080.914, 1122.643, 1178.351,
    1260.531, 1273.514, 1288.339, 1327.543, 1353.863, 1414.509, 1425.208, 1421.384,
    1442.962, 1464.350, 1468.705, 1447.894, 1457.628};

#define N_OF(a) (sizeof(a) / sizeof(a)[0])

static const nist_problem problems[] = {
    {"Misra1a", N_OF(misra_x), 2, misra_x, misra_y, misra1a,
     {{500, 1e-4}, {250, 5e-4}}, {1, 1},
     {2.3894212918E+02, 5.5015643181E-04}, {2.7070075241E+00, 7.2668688436E-06},
     1.2455138894E-01, 0},
    {"BoxBOD", N_OF(boxbod_x), 2, boxbod_x, boxbod_y, boxbod,
     {{1, 1}, {100, 0.75}}, {0, 1},
     {2.1380940889E+02, 5.4723748542E-01}, {1.2354515176E+01, 1.0455993237E-01},
     1.1680088766E+03, 0},
    {"Eckerle4", N_OF(eck_x), 3, eck_x, eck_y, eckerle4,
     {{1, 10, 500}, {1.5, 5, 450}}, {1, 1},
     {1.5543827178E+00, 4.0888321754E+00, 4.5154121844E+02},
     {1.5408051163E-02, 4.6803020753E-02, 4.6800518816E-02}, 1.4635887487E-03, 1},
    {"MGH09", N_OF(mgh09_x), 4, mgh09_x, mgh09_y, mgh09,
     {{25, 39, 41.5, 39}, {0.25, 0.39, 0.415, 0.39}}, {1, 1},
     {1.9280693458E-01, 1.9128232873E-01, 1.2305650693E-01, 1.3606233068E-01},
     {1.1435312227E-02, 1.9633220911E-01, 8.0842031232E-02, 9.0025542308E-02},
     3.0750560385E-04, 0},
    {"Thurber", N_OF(thur_x), 7, thur_x, thur_y, thurber,
     {{1000, 1000, 400, 40, 0.7, 0.3, 0.03}, {1300, 1500, 500, 75, 1, 0.4, 0.05}}, {1, 1},
     {1.2881396800E+03, 1.4910792535E+03, 5.8323836877E+02, 7.5416644291E+01,
      9.6629502864E-01, 3.9797285797E-01, 4.9727297349E-02},
     {4.6647963344E+00, 3.9571156086E+01, 2.8698696102E+01, 5.5675370270E+00,
      3.1333340687E-02, 1.4984928198E-02, 6.5842344623E-03},
     5.6427082397E+03, 0},
};

static int nist_eval(void *user, size_t series, const double *p, const double *t, size_t n,
                     double *out, smpf_error_t *err)
{
    const nist_problem *pr = user;
    (void)series;
    (void)err;
    for (size_t i = 0; i < n; i++)
        out[i] = pr->f(t[i], p);
    return SMPF_OK;
}

static const char *const bnames[] = {"b1", "b2", "b3", "b4", "b5", "b6", "b7"};
static const double unbounded_lo[] = {-HUGE_VAL, -HUGE_VAL, -HUGE_VAL, -HUGE_VAL,
                                      -HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
static const double unbounded_hi[] = {HUGE_VAL, HUGE_VAL, HUGE_VAL, HUGE_VAL,
                                      HUGE_VAL, HUGE_VAL, HUGE_VAL};

static void rel_close(double got, double want, double rel, const char *what)
{
    double d = fabs(got - want) / fabs(want);
    if (!(d <= rel))
        fail_msg("%s: got %.10g, certified %.10g (relative error %.2g > %.2g)", what, got, want,
                 d, rel);
}

static void run_problem(const nist_problem *pr, int s)
{
    smpf_fit_model_t m = {.name = pr->name, .nparams = pr->p, .param_names = bnames,
                          .lo = unbounded_lo, .hi = unbounded_hi, .eval = nist_eval,
                          .user = (void *)pr};
    smpf_fit_data_t d = {.n = pr->n, .nseries = 1, .t_days = pr->x, .value = pr->y};
    smpf_fit_t *fit = NULL;
    smpf_error_t err = {0};
    assert_int_equal(smpf_fit_new(&m, &d, &fit, &err), SMPF_OK);
    for (size_t j = 0; j < pr->p; j++)
        assert_int_equal(smpf_fit_set_start(fit, bnames[j], pr->start[s][j], &err), SMPF_OK);
    int rc = smpf_fit_run(fit, &err);
    const smpf_fit_result_t *r = smpf_fit_result(fit);
    if (!pr->start_ok[s]) {
        /* not required to solve it, but a reported success must be the certified one */
        if (rc == SMPF_OK && fabs(r->rss - pr->rss) > 1e-6 * pr->rss)
            fail_msg("%s start %d: converged to rss %.10g, certified %.10g", pr->name, s + 1,
                     r->rss, pr->rss);
        smpf_fit_free(fit);
        return;
    }
    if (rc != SMPF_OK)
        fail_msg("%s start %d: %s", pr->name, s + 1, err.message);
    char what[64];
    snprintf(what, sizeof what, "%s start %d rss", pr->name, s + 1);
    rel_close(r->rss, pr->rss, 1e-8, what);
    assert_int_equal(r->dof, pr->n - pr->p);
    assert_true(r->converged);
    for (size_t j = 0; j < pr->p; j++) {
        double est = r->params[j].estimate;
        if (pr->sign_free_12 && j < 2 && r->params[0].estimate < 0)
            est = -est;
        snprintf(what, sizeof what, "%s start %d %s", pr->name, s + 1, bnames[j]);
        rel_close(est, pr->cert[j], 1e-6, what);
        snprintf(what, sizeof what, "%s start %d stderr %s", pr->name, s + 1, bnames[j]);
        rel_close(r->params[j].std_error, pr->se[j], 1e-6, what);
    }
    smpf_fit_free(fit);
}

static void test_misra1a(void **state)
{
    (void)state;
    run_problem(&problems[0], 0);
    run_problem(&problems[0], 1);
}
static void test_boxbod(void **state)
{
    (void)state;
    run_problem(&problems[1], 0);
    run_problem(&problems[1], 1);
}
static void test_eckerle4(void **state)
{
    (void)state;
    run_problem(&problems[2], 0);
    run_problem(&problems[2], 1);
}
static void test_mgh09(void **state)
{
    (void)state;
    run_problem(&problems[3], 0);
    run_problem(&problems[3], 1);
}
static void test_thurber(void **state)
{
    (void)state;
    run_problem(&problems[4], 0);
    run_problem(&problems[4], 1);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_misra1a),  cmocka_unit_test(test_boxbod),
        cmocka_unit_test(test_eckerle4), cmocka_unit_test(test_mgh09),
        cmocka_unit_test(test_thurber),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
