/* The fitter on the biexp model and on a straight line, against independent truth:
 * parameters that generated the data (noise-free: exact recovery; noisy: Wald coverage
 * over 1000 seeds, profile coverage over 200), GSL's linear weighted least squares
 * (gsl_multifit_wlinear) as a second solver for weights and covariance, the exact
 * profile = Wald identity of a linear model, and the documented refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

#include "smpfade.h"

static const double truth[4] = {1.0, 0.35, 0.1, 3.5e-4}; /* y0, f, k1_per_day, k2_per_day */
static const double t_grid[] = {0, 3, 7, 14, 21, 28, 42, 60, 90, 120, 180, 270, 365, 545, 730};
#define NT (sizeof t_grid / sizeof t_grid[0])

static double biexp(const double *p, double t)
{
    return p[0] * (p[1] * exp(-p[2] * t) + (1 - p[1]) * exp(-p[3] * t));
}

/* Fits biexp to (t_grid, y) with optional sigma; returns the status. */
static int fit_biexp(const double *y, const double *sigma, smpf_fit_weights_t w, smpf_fit_t **fit,
                     smpf_error_t *err)
{
    smpf_fit_data_t d = {.n = NT, .nseries = 1, .t_days = t_grid, .value = y, .sigma = sigma};
    int rc = smpf_fit_new(smpf_fit_model_find("biexp"), &d, fit, err);
    if (rc == SMPF_OK)
        rc = smpf_fit_set_weights(*fit, w, err);
    if (rc == SMPF_OK)
        rc = smpf_fit_run(*fit, err);
    return rc;
}

static void test_noise_free_recovery(void **state)
{
    (void)state;
    double y[NT];
    for (size_t i = 0; i < NT; i++)
        y[i] = biexp(truth, t_grid[i]);
    smpf_fit_t *fit = NULL;
    smpf_error_t err = {0};
    int rc = fit_biexp(y, NULL, SMPF_FIT_WEIGHTS_NONE, &fit, &err);
    if (rc != SMPF_OK)
        fail_msg("%s", err.message);
    const smpf_fit_result_t *r = smpf_fit_result(fit);
    for (size_t j = 0; j < 4; j++)
        assert_true(fabs(r->params[j].estimate - truth[j]) <= 1e-6 * truth[j]);
    smpf_fit_free(fit);
}

static void noisy(gsl_rng *rng, double sd, double *y)
{
    for (size_t i = 0; i < NT; i++)
        y[i] = biexp(truth, t_grid[i]) + gsl_ran_gaussian(rng, sd);
}

/* 1000 seeds (noise sd 0.01 on 15 points): each 95 % interval covers the truth in a share
 * within 3 binomial standard deviations of 0.95 (0.95 +/- 0.021). */
static void test_coverage(void **state)
{
    (void)state;
    const size_t nseeds = 1000;
    const double sd = 0.01;
    size_t covered[4] = {0}, fitted = 0;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    for (size_t seed = 1; seed <= nseeds; seed++) {
        gsl_rng_set(rng, seed);
        double y[NT];
        noisy(rng, sd, y);
        smpf_fit_t *fit = NULL;
        smpf_error_t err = {0};
        if (fit_biexp(y, NULL, SMPF_FIT_WEIGHTS_NONE, &fit, &err) == SMPF_OK) {
            const smpf_fit_result_t *r = smpf_fit_result(fit);
            fitted++;
            for (size_t j = 0; j < 4; j++)
                covered[j] += r->params[j].ci95_low <= truth[j] && truth[j] <= r->params[j].ci95_high;
        }
        smpf_fit_free(fit);
    }
    gsl_rng_free(rng);
    assert_int_equal(fitted, nseeds);
    double tol = 3 * sqrt(0.95 * 0.05 / (double)nseeds);
    for (size_t j = 0; j < 4; j++) {
        double share = (double)covered[j] / (double)nseeds;
        print_message("coverage of parameter %zu: %.3f\n", j, share);
        if (fabs(share - 0.95) > tol)
            fail_msg("parameter %zu: coverage %.3f outside 0.95 +/- %.3f", j, share, tol);
    }
}

/* Profile-likelihood intervals at three times the noise (sd 0.03), where the curvature
 * matters more: their coverage over 200 seeds is within 3 binomial SD of 0.95
 * (0.95 +/- 0.046).  At tiny noise (sd 0.001) the problem is nearly linear and the
 * profile limits must agree with the Wald limits to 5 % of the half-width. */
static void test_profile_coverage_and_near_linear(void **state)
{
    (void)state;
    const size_t nseeds = 200;
    size_t covered[4] = {0};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    for (size_t seed = 1; seed <= nseeds; seed++) {
        gsl_rng_set(rng, seed);
        double y[NT];
        noisy(rng, 0.03, y);
        smpf_fit_t *fit = NULL;
        smpf_error_t err = {0};
        if (fit_biexp(y, NULL, SMPF_FIT_WEIGHTS_NONE, &fit, &err) != SMPF_OK ||
            smpf_fit_profile(fit, &err) != SMPF_OK)
            fail_msg("seed %zu: %s", seed, err.message);
        const smpf_fit_result_t *r = smpf_fit_result(fit);
        for (size_t j = 0; j < 4; j++) {
            const smpf_fit_param_t *p = &r->params[j];
            double lo = p->has_profile_low ? p->profile95_low : -HUGE_VAL;
            double hi = p->has_profile_high ? p->profile95_high : HUGE_VAL;
            covered[j] += lo <= truth[j] && truth[j] <= hi;
        }
        smpf_fit_free(fit);
    }
    double tol = 3 * sqrt(0.95 * 0.05 / (double)nseeds);
    for (size_t j = 0; j < 4; j++) {
        double share = (double)covered[j] / (double)nseeds;
        print_message("profile coverage of parameter %zu: %.3f\n", j, share);
        if (fabs(share - 0.95) > tol)
            fail_msg("parameter %zu: profile coverage %.3f outside 0.95 +/- %.3f", j, share, tol);
    }
    gsl_rng_set(rng, 7);
    double y[NT];
    noisy(rng, 0.001, y);
    smpf_fit_t *fit = NULL;
    smpf_error_t err = {0};
    assert_int_equal(fit_biexp(y, NULL, SMPF_FIT_WEIGHTS_NONE, &fit, &err), SMPF_OK);
    assert_int_equal(smpf_fit_profile(fit, &err), SMPF_OK);
    const smpf_fit_result_t *r = smpf_fit_result(fit);
    for (size_t j = 0; j < 4; j++) {
        const smpf_fit_param_t *p = &r->params[j];
        double half = p->ci95_high - p->estimate;
        assert_true(p->has_profile_low && p->has_profile_high);
        assert_true(fabs(p->profile95_low - p->ci95_low) <= 0.05 * half);
        assert_true(fabs(p->profile95_high - p->ci95_high) <= 0.05 * half);
    }
    smpf_fit_free(fit);
    gsl_rng_free(rng);
}

/* Two series with their own y0 and shared f, k1, k2: exact recovery from noise-free data. */
static void test_shared_parameters(void **state)
{
    (void)state;
    const double y0[2] = {1.0, 0.8};
    double t[2 * NT], y[2 * NT];
    size_t series[2 * NT];
    for (size_t s = 0; s < 2; s++)
        for (size_t i = 0; i < NT; i++) {
            double p[4] = {y0[s], truth[1], truth[2], truth[3]};
            t[s * NT + i] = t_grid[i];
            y[s * NT + i] = biexp(p, t_grid[i]);
            series[s * NT + i] = s;
        }
    const char *names[2] = {"scalp", "arm"};
    smpf_fit_data_t d = {.n = 2 * NT, .nseries = 2, .t_days = t, .value = y, .series = series,
                         .series_names = names};
    smpf_fit_t *fit = NULL;
    smpf_error_t err = {0};
    assert_int_equal(smpf_fit_new(smpf_fit_model_find("biexp"), &d, &fit, &err), SMPF_OK);
    assert_int_equal(smpf_fit_set_per_series(fit, "y0", &err), SMPF_OK);
    if (smpf_fit_run(fit, &err) != SMPF_OK)
        fail_msg("%s", err.message);
    const smpf_fit_result_t *r = smpf_fit_result(fit);
    assert_int_equal(r->nparams, 5);
    assert_int_equal(r->nfree, 5);
    assert_string_equal(r->params[0].name, "y0[scalp]");
    assert_string_equal(r->params[1].name, "y0[arm]");
    assert_true(fabs(r->params[0].estimate - 1.0) < 1e-6);
    assert_true(fabs(r->params[1].estimate - 0.8) < 1e-6);
    for (size_t j = 1; j < 4; j++)
        assert_true(fabs(r->params[j + 1].estimate - truth[j]) <= 1e-6 * truth[j]);
    smpf_fit_free(fit);
}

/* A straight line y = a + b t through the fitter, the same through gsl_multifit_wlinear. */
static int line_eval(void *user, size_t series, const double *p, const double *t, size_t n,
                     double *out, smpf_error_t *err)
{
    (void)user;
    (void)series;
    (void)err;
    for (size_t i = 0; i < n; i++)
        out[i] = p[0] + p[1] * t[i];
    return SMPF_OK;
}
static const char *const line_names[] = {"a", "b"};
static const double line_lo[] = {-HUGE_VAL, -HUGE_VAL}, line_hi[] = {HUGE_VAL, HUGE_VAL};
static const smpf_fit_model_t line_model = {.name = "line", .nparams = 2,
                                            .param_names = line_names, .lo = line_lo,
                                            .hi = line_hi, .eval = line_eval};

#define NL 12
static void line_data(double *t, double *y, double *sigma, double sigma_scale)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 42);
    for (size_t i = 0; i < NL; i++) {
        t[i] = (double)i * 10;
        sigma[i] = sigma_scale * (0.5 + 0.1 * (double)i); /* heteroscedastic */
        y[i] = 3.0 - 0.02 * t[i] + gsl_ran_gaussian(rng, sigma[i]);
    }
    gsl_rng_free(rng);
}

static smpf_fit_t *fit_line(const double *t, const double *y, const double *sigma,
                            smpf_fit_weights_t w, int profile)
{
    smpf_fit_data_t d = {.n = NL, .nseries = 1, .t_days = t, .value = y, .sigma = sigma};
    smpf_fit_t *fit = NULL;
    smpf_error_t err = {0};
    assert_int_equal(smpf_fit_new(&line_model, &d, &fit, &err), SMPF_OK);
    assert_int_equal(smpf_fit_set_weights(fit, w, &err), SMPF_OK);
    assert_int_equal(smpf_fit_set_start(fit, "a", 1, &err), SMPF_OK);
    assert_int_equal(smpf_fit_set_start(fit, "b", 0, &err), SMPF_OK);
    if (smpf_fit_run(fit, &err) != SMPF_OK || (profile && smpf_fit_profile(fit, &err) != SMPF_OK))
        fail_msg("%s", err.message);
    return fit;
}

static void close_rel(double got, double want, double rel)
{
    if (!(fabs(got - want) <= rel * fabs(want)))
        fail_msg("got %.12g, want %.12g", got, want);
}

static void test_weights_against_linear_solver(void **state)
{
    (void)state;
    double t[NL], y[NL], sigma[NL];
    line_data(t, y, sigma, 1.0);
    /* second solver: weighted linear least squares, cov = (X'WX)^-1 */
    gsl_matrix *X = gsl_matrix_alloc(NL, 2), *cov = gsl_matrix_alloc(2, 2);
    gsl_vector *yv = gsl_vector_alloc(NL), *wv = gsl_vector_alloc(NL), *c = gsl_vector_alloc(2);
    for (size_t i = 0; i < NL; i++) {
        gsl_matrix_set(X, i, 0, 1);
        gsl_matrix_set(X, i, 1, t[i]);
        gsl_vector_set(yv, i, y[i]);
        gsl_vector_set(wv, i, 1 / (sigma[i] * sigma[i]));
    }
    double chisq;
    gsl_multifit_linear_workspace *lw = gsl_multifit_linear_alloc(NL, 2);
    assert_int_equal(gsl_multifit_wlinear(X, wv, yv, c, cov, &chisq, lw), GSL_SUCCESS);
    double scale = chisq / (NL - 2);

    smpf_fit_t *fs = fit_line(t, y, sigma, SMPF_FIT_WEIGHTS_SIGMA, 0);
    smpf_fit_t *fr = fit_line(t, y, sigma, SMPF_FIT_WEIGHTS_RELATIVE, 0);
    const smpf_fit_result_t *rs = smpf_fit_result(fs), *rr = smpf_fit_result(fr);
    close_rel(rs->rss, chisq, 1e-9);
    for (size_t j = 0; j < 2; j++) {
        close_rel(rs->params[j].estimate, gsl_vector_get(c, j), 1e-8);
        close_rel(rr->params[j].estimate, gsl_vector_get(c, j), 1e-8);
        /* sigma absolute: (X'WX)^-1 as is; relative: times chi2/dof */
        close_rel(rs->params[j].std_error, sqrt(gsl_matrix_get(cov, j, j)), 1e-6);
        close_rel(rr->params[j].std_error, sqrt(scale * gsl_matrix_get(cov, j, j)), 1e-6);
        /* normal quantile for known sigma, Student t(10) = 2.228139 otherwise */
        close_rel(rs->params[j].ci95_high - rs->params[j].estimate,
                  1.959964 * rs->params[j].std_error, 1e-6);
        close_rel(rr->params[j].ci95_high - rr->params[j].estimate,
                  2.228139 * rr->params[j].std_error, 1e-6);
    }
    /* sigma ten times larger: absolute stderr x10, relative unchanged */
    double sigma10[NL];
    for (size_t i = 0; i < NL; i++)
        sigma10[i] = 10 * sigma[i];
    smpf_fit_t *fs10 = fit_line(t, y, sigma10, SMPF_FIT_WEIGHTS_SIGMA, 0);
    smpf_fit_t *fr10 = fit_line(t, y, sigma10, SMPF_FIT_WEIGHTS_RELATIVE, 0);
    for (size_t j = 0; j < 2; j++) {
        close_rel(smpf_fit_result(fs10)->params[j].std_error, 10 * rs->params[j].std_error, 1e-6);
        close_rel(smpf_fit_result(fr10)->params[j].std_error, rr->params[j].std_error, 1e-6);
    }
    /* no weights = ordinary least squares: the same as relative weights with equal sigma */
    double ones[NL];
    for (size_t i = 0; i < NL; i++)
        ones[i] = 0.3;
    smpf_fit_t *fn = fit_line(t, y, NULL, SMPF_FIT_WEIGHTS_NONE, 0);
    smpf_fit_t *fe = fit_line(t, y, ones, SMPF_FIT_WEIGHTS_RELATIVE, 0);
    for (size_t j = 0; j < 2; j++) {
        close_rel(smpf_fit_result(fe)->params[j].estimate,
                  smpf_fit_result(fn)->params[j].estimate, 1e-9);
        close_rel(smpf_fit_result(fe)->params[j].std_error,
                  smpf_fit_result(fn)->params[j].std_error, 1e-6);
    }
    smpf_fit_free(fs);
    smpf_fit_free(fr);
    smpf_fit_free(fs10);
    smpf_fit_free(fr10);
    smpf_fit_free(fn);
    smpf_fit_free(fe);
    gsl_multifit_linear_free(lw);
    gsl_matrix_free(X);
    gsl_matrix_free(cov);
    gsl_vector_free(yv);
    gsl_vector_free(wv);
    gsl_vector_free(c);
}

/* For a model linear in its parameters the profile interval is the t interval exactly. */
static void test_profile_linear_equals_wald(void **state)
{
    (void)state;
    double t[NL], y[NL], sigma[NL];
    line_data(t, y, sigma, 1.0);
    smpf_fit_weights_t modes[2] = {SMPF_FIT_WEIGHTS_NONE, SMPF_FIT_WEIGHTS_SIGMA};
    for (size_t m = 0; m < 2; m++) {
        smpf_fit_t *fit = fit_line(t, y, sigma, modes[m], 1);
        const smpf_fit_result_t *r = smpf_fit_result(fit);
        for (size_t j = 0; j < 2; j++) {
            const smpf_fit_param_t *p = &r->params[j];
            assert_true(p->profiled && p->has_profile_low && p->has_profile_high);
            double half = p->ci95_high - p->estimate;
            assert_true(fabs(p->profile95_low - p->ci95_low) <= 1e-5 * half);
            assert_true(fabs(p->profile95_high - p->ci95_high) <= 1e-5 * half);
        }
        smpf_fit_free(fit);
    }
}

static void test_refusals(void **state)
{
    (void)state;
    double y[NT];
    for (size_t i = 0; i < NT; i++)
        y[i] = biexp(truth, t_grid[i]);
    smpf_fit_t *fit = NULL;
    smpf_error_t err = {0};
    /* absolute sigma weights without sigma */
    assert_int_equal(fit_biexp(y, NULL, SMPF_FIT_WEIGHTS_SIGMA, &fit, &err), SMPF_ERR_DATA);
    assert_non_null(strstr(err.message, "sigma"));
    smpf_fit_free(fit);
    /* f fixed at 1 leaves k2 without any effect on the model: unidentifiable, named */
    smpf_fit_data_t d = {.n = NT, .nseries = 1, .t_days = t_grid, .value = y};
    assert_int_equal(smpf_fit_new(smpf_fit_model_find("biexp"), &d, &fit, &err), SMPF_OK);
    assert_int_equal(smpf_fit_fix(fit, "f", 1.0, &err), SMPF_OK);
    assert_int_equal(smpf_fit_run(fit, &err), SMPF_ERR_NUMERIC);
    assert_non_null(strstr(err.message, "k2_per_day"));
    smpf_fit_free(fit);
    /* three points, four free parameters */
    d.n = 3;
    assert_int_equal(smpf_fit_new(smpf_fit_model_find("biexp"), &d, &fit, &err), SMPF_OK);
    assert_int_equal(smpf_fit_run(fit, &err), SMPF_ERR_DATA);
    smpf_fit_free(fit);
    /* an unknown parameter name is a usage error naming the model's parameters */
    assert_int_equal(smpf_fit_new(smpf_fit_model_find("biexp"), &d, &fit, &err), SMPF_OK);
    assert_int_equal(smpf_fit_fix(fit, "k3", 1.0, &err), SMPF_ERR_USAGE);
    assert_non_null(strstr(err.message, "k1_per_day"));
    smpf_fit_free(fit);
}

/* AIC, AICc, BIC by their stated formulas from the reported rss, n and k. */
static void test_information_criteria(void **state)
{
    (void)state;
    double t[NL], y[NL], sigma[NL];
    line_data(t, y, sigma, 1.0);
    smpf_fit_t *fit = fit_line(t, y, NULL, SMPF_FIT_WEIGHTS_NONE, 0);
    const smpf_fit_result_t *r = smpf_fit_result(fit);
    double n = NL, k = 3; /* a, b and the error variance */
    assert_int_equal(r->k_info, 3);
    close_rel(r->aic, n * log(r->rss / n) + 2 * k, 1e-12);
    close_rel(r->bic, n * log(r->rss / n) + k * log(n), 1e-12);
    close_rel(r->aicc, r->aic + 2 * k * (k + 1) / (n - k - 1), 1e-12);
    smpf_fit_free(fit);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_noise_free_recovery),
        cmocka_unit_test(test_coverage),
        cmocka_unit_test(test_profile_coverage_and_near_linear),
        cmocka_unit_test(test_shared_parameters),
        cmocka_unit_test(test_weights_against_linear_solver),
        cmocka_unit_test(test_profile_linear_equals_wald),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_information_criteria),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
