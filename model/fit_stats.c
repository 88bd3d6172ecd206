/* Statistics at the solution: covariance from the weighted Jacobian J (model units,
 * central differences), Cov = (J'WJ)^-1, times s^2 = rss/dof unless sigma is absolute;
 * 95 % intervals; AIC, AICc, BIC; the condition number; fitted values and residuals.
 * J'WJ is inverted through the SVD of J with unit-norm columns, which also gives the
 * condition number and, when J is (nearly) singular, the parameters that cannot be
 * identified (the large components of the last right singular vector). */
#include "fit_internal.h"

#include <float.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A scaled condition number above this means the parameters are not identifiable. */
#define FIT_MAX_CONDITION 1e8

/* Jacobian of the weighted residuals in model units, columns = free entries. */
static int jacobian(smpf_fit_t *f, gsl_matrix *J, smpf_error_t *err)
{
    double *yp = f->work, *ym = f->work + f->n;
    for (size_t c = 0; c < f->nsolve; c++) {
        fit_entry *en = &f->entries[f->solve_list[c]];
        double p = en->value;
        double h = cbrt(DBL_EPSILON) * (p != 0 ? fabs(p) : 1.0);
        en->value = p + h;
        int rc = fit_eval_all(f, yp, err);
        en->value = p - h;
        if (rc == SMPF_OK)
            rc = fit_eval_all(f, ym, err);
        en->value = p;
        if (rc != SMPF_OK)
            return rc;
        for (size_t i = 0; i < f->n; i++) {
            double d = (yp[i] - ym[i]) / (2 * h) * f->sqrt_w[i];
            if (!isfinite(d))
                return smpf_error_set(err, SMPF_ERR_NUMERIC,
                                      "the model's derivative is not finite at the solution");
            gsl_matrix_set(J, i, c, d);
        }
    }
    return SMPF_OK;
}

static int unidentifiable(smpf_fit_t *f, const gsl_matrix *V, size_t col, double cond,
                          smpf_error_t *err)
{
    char names[400] = "";
    size_t len = 0;
    for (size_t c = 0; c < f->nsolve; c++) {
        if (col < V->size2 && fabs(gsl_matrix_get(V, c, col)) < 0.2)
            continue;
        char nm[96];
        fit_entry_name(f, f->solve_list[c], nm, sizeof nm);
        len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", len ? ", " : "", nm);
        if (len >= sizeof names)
            break;
    }
    return smpf_error_set(err, SMPF_ERR_NUMERIC,
                          "the data cannot identify %s (singular Jacobian, condition number "
                          "%.3g): fix one of them (--fixed) or add data that separate them",
                          names, cond);
}

/* Covariance of the free parameters into C (k x k); the condition number into *cond. */
static int covariance(smpf_fit_t *f, gsl_matrix *C, double *cond, smpf_error_t *err)
{
    size_t n = f->n, k = f->nsolve;
    gsl_matrix *J = gsl_matrix_alloc(n, k), *V = gsl_matrix_alloc(k, k);
    gsl_vector *s = gsl_vector_alloc(k), *work = gsl_vector_alloc(k), *norm = gsl_vector_alloc(k);
    int rc = (J && V && s && work && norm) ? SMPF_OK
                                           : smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    if (rc == SMPF_OK)
        rc = jacobian(f, J, err);
    for (size_t c = 0; rc == SMPF_OK && c < k; c++) {
        gsl_vector_view col = gsl_matrix_column(J, c);
        double nc = gsl_blas_dnrm2(&col.vector);
        if (nc == 0) {
            gsl_matrix_set_identity(V);
            rc = unidentifiable(f, V, c, HUGE_VAL, err);
            break;
        }
        gsl_vector_scale(&col.vector, 1.0 / nc);
        gsl_vector_set(norm, c, nc);
    }
    if (rc == SMPF_OK && gsl_linalg_SV_decomp(J, V, s, work) != GSL_SUCCESS)
        rc = smpf_error_set(err, SMPF_ERR_NUMERIC, "the SVD of the Jacobian failed");
    if (rc == SMPF_OK) {
        double smax = gsl_vector_get(s, 0), smin = gsl_vector_get(s, k - 1);
        *cond = smin > 0 ? smax / smin : HUGE_VAL;
        if (!(*cond <= FIT_MAX_CONDITION))
            rc = unidentifiable(f, V, k - 1, *cond, err);
    }
    for (size_t a = 0; rc == SMPF_OK && a < k; a++)
        for (size_t b = 0; b < k; b++) {
            double sum = 0;
            for (size_t i = 0; i < k; i++) {
                double si = gsl_vector_get(s, i);
                sum += gsl_matrix_get(V, a, i) * gsl_matrix_get(V, b, i) / (si * si);
            }
            gsl_matrix_set(C, a, b, sum / (gsl_vector_get(norm, a) * gsl_vector_get(norm, b)));
        }
    gsl_matrix_free(J);
    gsl_matrix_free(V);
    gsl_vector_free(s);
    gsl_vector_free(work);
    gsl_vector_free(norm);
    return rc;
}

/* Information criteria for Gaussian errors, constants common to all models dropped:
 * variance estimated (weights none, relative): k = free parameters + 1,
 *   AIC = n ln(RSS/n) + 2k, BIC = n ln(RSS/n) + k ln n;
 * sigma absolute: k = free parameters, AIC = chi2 + 2k, BIC = chi2 + k ln n;
 * AICc = AIC + 2k(k+1)/(n-k-1) when n - k - 1 > 0. */
static void information(smpf_fit_t *f)
{
    smpf_fit_result_t *r = &f->result;
    double n = (double)f->n;
    int known = f->weights == SMPF_FIT_WEIGHTS_SIGMA;
    size_t k = f->nsolve + (known ? 0 : 1);
    double fit_term = known ? r->rss : (r->rss > 0 ? n * log(r->rss / n) : -HUGE_VAL);
    r->k_info = k;
    r->has_aic = isfinite(fit_term);
    r->aic = r->has_aic ? fit_term + 2.0 * (double)k : 0;
    r->bic = r->has_aic ? fit_term + (double)k * log(n) : 0;
    r->has_aicc = r->has_aic && f->n > k + 1;
    r->aicc = r->has_aicc ? r->aic + 2.0 * (double)k * (double)(k + 1) / (n - (double)k - 1) : 0;
    r->information_method =
        known ? "AIC = chi2 + 2k, BIC = chi2 + k ln n, k = free parameters (sigma known)"
              : "AIC = n ln(RSS/n) + 2k, BIC = n ln(RSS/n) + k ln n, k = free parameters + 1 "
                "(error variance)";
}

int fit_statistics(smpf_fit_t *f, smpf_error_t *err)
{
    smpf_fit_result_t *r = &f->result;
    size_t k = f->nsolve;
    int known = f->weights == SMPF_FIT_WEIGHTS_SIGMA;
    int rc = fit_eval_all(f, f->fitted, err);
    if (rc != SMPF_OK)
        return rc;
    r->rss = 0;
    for (size_t i = 0; i < f->n; i++) {
        f->residual[i] = f->value[i] - f->fitted[i];
        double wr = f->residual[i] * f->sqrt_w[i];
        r->rss += wr * wr;
    }
    if (!isfinite(r->rss))
        return smpf_error_set(err, SMPF_ERR_NUMERIC, "the fitted model is not finite");
    r->n = f->n;
    r->nfree = k;
    r->dof = f->n - k;
    r->sigma_hat = r->dof > 0 ? sqrt(r->rss / (double)r->dof) : 0;
    gsl_matrix *C = gsl_matrix_alloc(k, k);
    if (!C)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    rc = covariance(f, C, &r->condition_number, err);
    if (rc != SMPF_OK) {
        gsl_matrix_free(C);
        return rc;
    }
    double scale = known ? 1.0 : r->rss / (double)r->dof;
    r->t_quantile = known ? gsl_cdf_ugaussian_Pinv(0.975) : gsl_cdf_tdist_Pinv(0.975, (double)r->dof);
    r->covariance_method =
        known ? "inverse of J'WJ at the solution, W = 1/sigma^2 with sigma absolute (not rescaled)"
              : "inverse of J'WJ at the solution times the reduced chi-square RSS/dof";
    r->interval_method = known ? "estimate +/- 1.959964 stderr (normal; sigma known)"
                               : "estimate +/- t(0.975, dof) stderr (Student t)";
    for (size_t e = 0; e < f->nentries; e++) {
        smpf_fit_param_t *p = &f->params[e];
        fit_entry_name(f, e, p->name, sizeof p->name);
        p->fixed = f->entries[e].fixed;
        p->estimate = p->ci95_low = p->ci95_high = f->entries[e].value;
        p->std_error = 0;
    }
    free(f->covariance);
    f->covariance = malloc(k * k * sizeof *f->covariance);
    if (!f->covariance) {
        gsl_matrix_free(C);
        return smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    }
    for (size_t a = 0; a < k * k; a++)
        f->covariance[a] = scale * C->data[(a / k) * C->tda + a % k];
    for (size_t c = 0; c < k; c++) {
        smpf_fit_param_t *p = &f->params[f->solve_list[c]];
        p->std_error = sqrt(scale * gsl_matrix_get(C, c, c));
        p->ci95_low = p->estimate - r->t_quantile * p->std_error;
        p->ci95_high = p->estimate + r->t_quantile * p->std_error;
    }
    gsl_matrix_free(C);
    information(f);
    r->nparams = f->nentries;
    r->params = f->params;
    r->covariance = f->covariance;
    r->fitted = f->fitted;
    r->residual = f->residual;
    return SMPF_OK;
}
