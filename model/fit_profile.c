/* Profile-likelihood 95 % intervals.  For each free parameter theta, S(theta) is the
 * weighted residual sum of squares minimised over the other free parameters with theta
 * held.  The interval is {theta : S(theta) <= S_max}, with
 *   variance estimated (weights none, relative): S_max = S_min (1 + t^2(0.975, dof)/dof)
 *     (the F(1, dof) likelihood-ratio form, Bates & Watts 1988 §6.1);
 *   sigma absolute: S_max = S_min + chi2(1; 0.95) = S_min + 3.841459.
 * Each limit is bracketed by stepping out from the estimate in multiples of its standard
 * error, then found with Brent's method (gsl_root_fsolver_brent). */
#include "fit_internal.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PROFILE_MAX_STEPS 40
#define PROFILE_MAX_ITER 60
#define PROFILE_REL_TOL 1e-7
#define CHI2_1_95 3.841458820694124 /* chi-square quantile, 1 degree of freedom, 0.95 */

typedef struct {
    smpf_fit_t *f;
    size_t entry;            /* the profiled entry */
    size_t *others, nothers; /* the entries refitted */
    gsl_multifit_nlinear_workspace *w;
    double *best;            /* values of every entry at the last good point */
    double s_max;
    int status;              /* first error met inside the root finder */
    smpf_error_t err;
} profile_ctx;

static void save(const smpf_fit_t *f, double *v)
{
    for (size_t e = 0; e < f->nentries; e++)
        v[e] = f->entries[e].value;
}

static void restore(smpf_fit_t *f, const double *v)
{
    for (size_t e = 0; e < f->nentries; e++)
        f->entries[e].value = v[e];
}

/* S(theta) - S_max, refitting the others from the last good point; *ok = 0 when the
 * refit did not converge. */
static int profile_gap(profile_ctx *c, double theta, double *gap, int *ok)
{
    smpf_fit_t *f = c->f;
    restore(f, c->best);
    f->entries[c->entry].value = theta;
    int converged = 1;
    size_t iters;
    int rc = SMPF_OK;
    if (c->nothers > 0)
        rc = fit_solve(f, c->others, c->nothers, c->w, &converged, &iters, &c->err);
    double s = 0;
    if (rc == SMPF_OK)
        rc = fit_rss(f, &s, &c->err);
    if (rc != SMPF_OK)
        return rc;
    *ok = converged;
    if (converged)
        save(f, c->best);
    *gap = s - c->s_max;
    return SMPF_OK;
}

static double gap_fn(double theta, void *params)
{
    profile_ctx *c = params;
    double gap = 0;
    int ok = 0;
    if (c->status == SMPF_OK)
        c->status = profile_gap(c, theta, &gap, &ok);
    return c->status == SMPF_OK ? gap : GSL_NAN;
}

/* One limit: dir = -1 (lower) or +1 (upper). */
static int profile_side(profile_ctx *c, const double *at_min, double est, double se, int dir,
                        int *has, double *limit)
{
    smpf_fit_t *f = c->f;
    const fit_entry *en = &f->entries[c->entry];
    double bound = dir < 0 ? f->model->lo[en->j] : f->model->hi[en->j];
    double step = (se > 0 && isfinite(se)) ? se : fmax(fabs(est), 1.0) * 0.1;
    double inner = est, outer = est;
    int ok = 1, found = 0;
    *has = 0;
    memcpy(c->best, at_min, f->nentries * sizeof *c->best);
    for (int m = 0; m < PROFILE_MAX_STEPS && !found; m++) {
        double theta = est + dir * step * ldexp(1.0, m);
        int at_bound = isfinite(bound) && (dir < 0 ? theta <= bound : theta >= bound);
        if (at_bound)
            theta = bound;
        double gap;
        int rc = profile_gap(c, theta, &gap, &ok);
        if (rc != SMPF_OK)
            return rc;
        if (!ok)
            return SMPF_OK; /* refit failed: the limit stays open */
        if (gap > 0) {
            outer = theta;
            found = 1;
        } else if (at_bound) {
            *has = 1; /* the data do not exclude the edge of the range */
            *limit = bound;
            return SMPF_OK;
        } else {
            inner = theta;
        }
    }
    if (!found)
        return SMPF_OK;
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s)
        return smpf_error_set(&c->err, SMPF_ERR_NOMEM, "out of memory");
    gsl_function F = {.function = gap_fn, .params = c};
    double lo = fmin(inner, outer), hi = fmax(inner, outer);
    int st = gsl_root_fsolver_set(s, &F, lo, hi);
    for (int it = 0; st == GSL_SUCCESS && it < PROFILE_MAX_ITER; it++) {
        st = gsl_root_fsolver_iterate(s);
        if (st != GSL_SUCCESS || c->status != SMPF_OK)
            break;
        lo = gsl_root_fsolver_x_lower(s);
        hi = gsl_root_fsolver_x_upper(s);
        st = gsl_root_test_interval(lo, hi, 0, PROFILE_REL_TOL);
        if (st == GSL_SUCCESS) {
            *has = 1;
            *limit = gsl_root_fsolver_root(s);
            break;
        }
        st = GSL_SUCCESS;
    }
    gsl_root_fsolver_free(s);
    return c->status;
}

int smpf_fit_profile(smpf_fit_t *f, smpf_error_t *err)
{
    smpf_fit_result_t *r = &f->result;
    if (!r->params)
        return smpf_error_set(err, SMPF_ERR_USAGE, "fit: profile needs a successful fit first");
    size_t k = r->nfree;
    int known = f->weights == SMPF_FIT_WEIGHTS_SIGMA;
    double t = r->t_quantile;
    profile_ctx c = {.f = f};
    c.s_max = known ? r->rss + CHI2_1_95 : r->rss * (1.0 + t * t / (double)r->dof);
    size_t *free_list = malloc(k * sizeof *free_list);
    double *at_min = malloc(f->nentries * sizeof *at_min);
    c.others = malloc(k * sizeof *c.others);
    c.best = malloc(f->nentries * sizeof *c.best);
    c.w = k > 1 ? fit_workspace(f->n, k - 1) : NULL;
    int rc = (free_list && at_min && c.others && c.best && (k == 1 || c.w))
                 ? SMPF_OK
                 : smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    if (rc == SMPF_OK) {
        memcpy(free_list, f->solve_list, k * sizeof *free_list);
        save(f, at_min);
    }
    for (size_t i = 0; rc == SMPF_OK && i < k; i++) {
        c.entry = free_list[i];
        c.nothers = 0;
        for (size_t j = 0; j < k; j++)
            if (j != i)
                c.others[c.nothers++] = free_list[j];
        smpf_fit_param_t *p = &f->params[c.entry];
        rc = profile_side(&c, at_min, p->estimate, p->std_error, -1, &p->has_profile_low,
                          &p->profile95_low);
        if (rc == SMPF_OK)
            rc = profile_side(&c, at_min, p->estimate, p->std_error, +1, &p->has_profile_high,
                              &p->profile95_high);
        if (rc != SMPF_OK)
            *err = c.err;
        p->profiled = rc == SMPF_OK;
    }
    if (at_min)
        restore(f, at_min);
    if (free_list)
        memcpy(f->solve_list, free_list, k * sizeof *free_list);
    f->nsolve = k;
    free(free_list);
    free(at_min);
    free(c.others);
    free(c.best);
    if (c.w)
        gsl_multifit_nlinear_free(c.w);
    return rc;
}
