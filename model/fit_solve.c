/* The solver: GSL's trust-region nonlinear least squares (Levenberg-Marquardt with
 * More's scaling) on the free parameters, each mapped to an unbounded internal coordinate
 * u so that a bounded parameter can never leave its range:
 *   (lo, hi) finite:  p = lo + (hi - lo) / (1 + exp(-u));
 *   only lo finite:   p = lo + exp(u);   only hi finite: p = hi - exp(u);   else p = u.
 * The Jacobian in u is taken by central differences. */
#include "fit_internal.h"

#include <float.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <math.h>

#define FIT_MAX_ITER 500
#define FIT_XTOL 1e-12
#define FIT_GTOL 1e-12
#define FIT_FTOL 0.0
/* residual given to a trial step where the model is not finite: the step is rejected */
#define FIT_BAD_RESIDUAL 1e100

static double to_model(double u, double lo, double hi)
{
    if (isfinite(lo) && isfinite(hi))
        return lo + (hi - lo) / (1.0 + exp(-u));
    if (isfinite(lo))
        return lo + exp(u);
    if (isfinite(hi))
        return hi - exp(u);
    return u;
}

static double to_internal(double p, double lo, double hi)
{
    if (isfinite(lo) && isfinite(hi))
        return log((p - lo) / (hi - p));
    if (isfinite(lo))
        return log(p - lo);
    if (isfinite(hi))
        return log(hi - p);
    return p;
}

int fit_eval_all(smpf_fit_t *f, double *out, smpf_error_t *err)
{
    const smpf_fit_model_t *m = f->model;
    for (size_t s = 0; s < f->nseries; s++) {
        for (size_t j = 0; j < m->nparams; j++)
            f->p_series[j] = f->entries[f->entry_of[j * f->nseries + s]].value;
        size_t a = f->start[s], b = f->start[s + 1];
        int rc = m->eval(m->user, s, f->p_series, f->t_sorted + a, b - a, f->y_model + a, err);
        if (rc != SMPF_OK)
            return rc;
        for (size_t k = a; k < b; k++)
            out[f->order[k]] = f->y_model[k];
    }
    return SMPF_OK;
}

int fit_rss(smpf_fit_t *f, double *rss, smpf_error_t *err)
{
    double *y = f->work + 2 * f->n;
    int rc = fit_eval_all(f, y, err);
    if (rc != SMPF_OK)
        return rc;
    double s = 0;
    for (size_t i = 0; i < f->n; i++) {
        double r = (y[i] - f->value[i]) * f->sqrt_w[i];
        s += r * r;
    }
    if (!isfinite(s))
        return smpf_error_set(err, SMPF_ERR_NUMERIC, "the model is not finite at these values");
    *rss = s;
    return SMPF_OK;
}

static void set_from_u(smpf_fit_t *f, const gsl_vector *x)
{
    const smpf_fit_model_t *m = f->model;
    for (size_t i = 0; i < f->nsolve; i++) {
        fit_entry *en = &f->entries[f->solve_list[i]];
        en->value = to_model(gsl_vector_get(x, i), m->lo[en->j], m->hi[en->j]);
    }
}

/* Weighted residuals w^1/2 (f(t) - y) at internal coordinates x into r[0..n). */
static int residuals_at(smpf_fit_t *f, const gsl_vector *x, double *r)
{
    set_from_u(f, x);
    double *y = f->work + 2 * f->n;
    int rc = fit_eval_all(f, y, &f->cb_err);
    if (rc != SMPF_OK) {
        f->cb_status = rc;
        return GSL_EBADFUNC;
    }
    for (size_t i = 0; i < f->n; i++) {
        r[i] = (y[i] - f->value[i]) * f->sqrt_w[i];
        if (!isfinite(r[i]))
            r[i] = FIT_BAD_RESIDUAL;
    }
    return GSL_SUCCESS;
}

static int cb_f(const gsl_vector *x, void *params, gsl_vector *fv)
{
    smpf_fit_t *f = params;
    int rc = residuals_at(f, x, f->work);
    for (size_t i = 0; rc == GSL_SUCCESS && i < f->n; i++)
        gsl_vector_set(fv, i, f->work[i]);
    return rc;
}

static int cb_df(const gsl_vector *x, void *params, gsl_matrix *J)
{
    smpf_fit_t *f = params;
    gsl_vector *xh = gsl_vector_alloc(x->size);
    if (!xh) {
        f->cb_status = smpf_error_set(&f->cb_err, SMPF_ERR_NOMEM, "out of memory");
        return GSL_ENOMEM;
    }
    double *rp = f->work, *rm = f->work + f->n;
    int rc = GSL_SUCCESS;
    for (size_t j = 0; j < x->size && rc == GSL_SUCCESS; j++) {
        gsl_vector_memcpy(xh, x);
        double u = gsl_vector_get(x, j);
        double h = cbrt(DBL_EPSILON) * fmax(fabs(u), 1e-3);
        gsl_vector_set(xh, j, u + h);
        rc = residuals_at(f, xh, rp);
        gsl_vector_set(xh, j, u - h);
        if (rc == GSL_SUCCESS)
            rc = residuals_at(f, xh, rm);
        for (size_t i = 0; rc == GSL_SUCCESS && i < f->n; i++)
            gsl_matrix_set(J, i, j, (rp[i] - rm[i]) / (2 * h));
    }
    set_from_u(f, x);
    gsl_vector_free(xh);
    return rc;
}

gsl_multifit_nlinear_workspace *fit_workspace(size_t n, size_t k)
{
    gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
    par.trs = gsl_multifit_nlinear_trs_lm;
    par.scale = gsl_multifit_nlinear_scale_more;
    par.solver = gsl_multifit_nlinear_solver_qr;
    return gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &par, n, k);
}

int fit_solve(smpf_fit_t *f, const size_t *list, size_t k, gsl_multifit_nlinear_workspace *w,
              int *converged, size_t *iterations, smpf_error_t *err)
{
    const smpf_fit_model_t *m = f->model;
    *converged = 0;
    *iterations = 0;
    for (size_t i = 0; i < k; i++)
        f->solve_list[i] = list[i];
    f->nsolve = k;
    f->cb_status = SMPF_OK;
    gsl_vector *x0 = gsl_vector_alloc(k);
    if (!x0)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < k; i++) {
        const fit_entry *en = &f->entries[list[i]];
        gsl_vector_set(x0, i, to_internal(en->value, m->lo[en->j], m->hi[en->j]));
    }
    gsl_multifit_nlinear_fdf fdf = {.f = cb_f, .df = cb_df, .fvv = NULL, .n = f->n, .p = k,
                                    .params = f};
    int info = 0;
    int st = gsl_multifit_nlinear_init(x0, &fdf, w);
    if (st == GSL_SUCCESS)
        st = gsl_multifit_nlinear_driver(FIT_MAX_ITER, FIT_XTOL, FIT_GTOL, FIT_FTOL, NULL, NULL,
                                         &info, w);
    gsl_vector_free(x0);
    *iterations = gsl_multifit_nlinear_niter(w);
    if (f->cb_status != SMPF_OK) {
        *err = f->cb_err;
        return f->cb_status;
    }
    set_from_u(f, gsl_multifit_nlinear_position(w));
    if (st == GSL_SUCCESS) {
        *converged = 1;
        return SMPF_OK;
    }
    /* No trial step lowers the sum of squares any more: at a minimum when the gradient
     * there is negligible against the sum of squares itself. */
    if (st == GSL_ENOPROG) {
        gsl_vector *g = gsl_vector_alloc(k);
        if (!g)
            return smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
        gsl_matrix *J = gsl_multifit_nlinear_jac(w);
        gsl_vector *r = gsl_multifit_nlinear_residual(w);
        gsl_blas_dgemv(CblasTrans, 1.0, J, r, 0.0, g);
        double gmax = 0, rr = 0;
        for (size_t i = 0; i < k; i++) {
            double x = gsl_vector_get(gsl_multifit_nlinear_position(w), i);
            gmax = fmax(gmax, fabs(gsl_vector_get(g, i)) * fmax(fabs(x), 1.0));
        }
        gsl_blas_ddot(r, r, &rr);
        gsl_vector_free(g);
        *converged = gmax <= 1e-8 * fmax(rr, DBL_MIN);
        return SMPF_OK;
    }
    if (st == GSL_EMAXITER)
        return SMPF_OK;
    return smpf_error_set(err, SMPF_ERR_NUMERIC, "the solver failed: %s", gsl_strerror(st));
}
