/* The fitter's set-up: data, weights, fixed/free/per-series parameters, starting values,
 * and the run that ties the solver (fit_solve.c) and the statistics (fit_stats.c). */
#include "fit_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FIXED_NO = 0, FIXED_VALUE = 1, FIXED_AT_START = 2 };

const char *smpf_fit_weights_name(smpf_fit_weights_t weights)
{
    switch (weights) {
    case SMPF_FIT_WEIGHTS_SIGMA:
        return "sigma";
    case SMPF_FIT_WEIGHTS_RELATIVE:
        return "relative";
    default:
        return "none";
    }
}

void smpf_fit_free(smpf_fit_t *f)
{
    if (!f)
        return;
    free(f->t_days);
    free(f->value);
    free(f->sigma);
    free(f->sqrt_w);
    free(f->series);
    if (f->series_names)
        for (size_t s = 0; s < f->nseries; s++)
            free(f->series_names[s]);
    free(f->series_names);
    free(f->order);
    free(f->start);
    free(f->t_sorted);
    free(f->y_model);
    free(f->p_series);
    free(f->work);
    free(f->per_series);
    free(f->fixed);
    free(f->has_start);
    free(f->start_value);
    free(f->fixed_value);
    free(f->entries);
    free(f->entry_of);
    free(f->solve_list);
    free(f->params);
    free(f->fitted);
    free(f->residual);
    free(f->covariance);
    free(f);
}

static int check_data(const smpf_fit_data_t *d, smpf_error_t *err)
{
    if (d->n == 0)
        return smpf_error_set(err, SMPF_ERR_DATA, "no observations to fit");
    if (d->nseries == 0)
        return smpf_error_set(err, SMPF_ERR_DATA, "no series");
    for (size_t i = 0; i < d->n; i++) {
        if (!isfinite(d->t_days[i]) || !isfinite(d->value[i]))
            return smpf_error_set(err, SMPF_ERR_DATA, "observation %zu: time or value not finite",
                                  i + 1);
        if (d->sigma && !(isfinite(d->sigma[i]) && d->sigma[i] > 0))
            return smpf_error_set(err, SMPF_ERR_DATA,
                                  "observation %zu: sigma must be finite and > 0, got %g", i + 1,
                                  d->sigma[i]);
        if (d->series && d->series[i] >= d->nseries)
            return smpf_error_set(err, SMPF_ERR_DATA, "observation %zu: series index %zu >= %zu",
                                  i + 1, d->series[i], d->nseries);
    }
    return SMPF_OK;
}

/* Groups the observations by series, keeping their order within a series. */
static void build_order(smpf_fit_t *f)
{
    size_t k = 0;
    for (size_t s = 0; s < f->nseries; s++) {
        f->start[s] = k;
        for (size_t i = 0; i < f->n; i++)
            if (f->series[i] == s) {
                f->order[k] = i;
                f->t_sorted[k++] = f->t_days[i];
            }
    }
    f->start[f->nseries] = k;
}

int smpf_fit_new(const smpf_fit_model_t *model, const smpf_fit_data_t *d, smpf_fit_t **out,
                 smpf_error_t *err)
{
    *out = NULL;
    if (!model || !model->eval || model->nparams == 0)
        return smpf_error_set(err, SMPF_ERR_USAGE, "fit: a model with parameters is required");
    int rc = check_data(d, err);
    if (rc != SMPF_OK)
        return rc;
    smpf_fit_t *f = calloc(1, sizeof *f);
    if (!f)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    size_t n = d->n, m = model->nparams, ns = d->nseries;
    f->model = model;
    f->n = n;
    f->nseries = ns;
    f->t_days = malloc(n * sizeof *f->t_days);
    f->value = malloc(n * sizeof *f->value);
    f->sqrt_w = malloc(n * sizeof *f->sqrt_w);
    f->series = malloc(n * sizeof *f->series);
    f->series_names = calloc(ns, sizeof *f->series_names);
    f->order = malloc(n * sizeof *f->order);
    f->start = malloc((ns + 1) * sizeof *f->start);
    f->t_sorted = malloc(n * sizeof *f->t_sorted);
    f->y_model = malloc(n * sizeof *f->y_model);
    f->p_series = malloc(m * sizeof *f->p_series);
    f->work = malloc(3 * n * sizeof *f->work);
    f->per_series = calloc(m, sizeof *f->per_series);
    f->fixed = calloc(m, sizeof *f->fixed);
    f->has_start = calloc(m, sizeof *f->has_start);
    f->start_value = calloc(m, sizeof *f->start_value);
    f->fixed_value = calloc(m, sizeof *f->fixed_value);
    f->fitted = malloc(n * sizeof *f->fitted);
    f->residual = malloc(n * sizeof *f->residual);
    int ok = f->t_days && f->value && f->sqrt_w && f->series && f->series_names && f->order &&
             f->start && f->t_sorted && f->y_model && f->p_series && f->work && f->per_series &&
             f->fixed && f->has_start && f->start_value && f->fixed_value && f->fitted &&
             f->residual;
    if (ok && d->sigma) {
        f->sigma = malloc(n * sizeof *f->sigma);
        ok = f->sigma != NULL;
    }
    for (size_t s = 0; ok && s < ns; s++) {
        char buf[32];
        const char *name = d->series_names ? d->series_names[s] : buf;
        snprintf(buf, sizeof buf, "%zu", s + 1);
        f->series_names[s] = strdup(name);
        ok = f->series_names[s] != NULL;
    }
    if (!ok) {
        smpf_fit_free(f);
        return smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        f->t_days[i] = d->t_days[i];
        f->value[i] = d->value[i];
        f->series[i] = d->series ? d->series[i] : 0;
        f->sqrt_w[i] = 1.0;
        if (f->sigma)
            f->sigma[i] = d->sigma[i];
    }
    build_order(f);
    for (size_t s = 0; s < ns; s++)
        if (f->start[s + 1] == f->start[s]) {
            rc = smpf_error_set(err, SMPF_ERR_DATA, "series '%s' has no observations",
                                f->series_names[s]);
            smpf_fit_free(f);
            return rc;
        }
    *out = f;
    return SMPF_OK;
}

int smpf_fit_set_weights(smpf_fit_t *f, smpf_fit_weights_t weights, smpf_error_t *err)
{
    if (weights != SMPF_FIT_WEIGHTS_NONE && !f->sigma)
        return smpf_error_set(err, SMPF_ERR_DATA,
                              "weights '%s' need a sigma column in the data, and there is none "
                              "(use weights 'none')",
                              smpf_fit_weights_name(weights));
    f->weights = weights;
    for (size_t i = 0; i < f->n; i++)
        f->sqrt_w[i] = weights == SMPF_FIT_WEIGHTS_NONE ? 1.0 : 1.0 / f->sigma[i];
    return SMPF_OK;
}

static int find_param(const smpf_fit_t *f, const char *name, size_t *j, smpf_error_t *err)
{
    const smpf_fit_model_t *m = f->model;
    for (size_t i = 0; i < m->nparams; i++)
        if (strcmp(m->param_names[i], name) == 0) {
            *j = i;
            return SMPF_OK;
        }
    char list[400] = "";
    for (size_t i = 0; i < m->nparams; i++) {
        size_t len = strlen(list), room = sizeof list - len;
        if (strlen(m->param_names[i]) + 2 + sizeof ", ..." >= room) {
            snprintf(list + len, room, ", ...");
            break;
        }
        snprintf(list + len, room, "%s%s", i ? ", " : "", m->param_names[i]);
    }
    return smpf_error_set(err, SMPF_ERR_USAGE, "model %s has no parameter '%s' (it has: %s)",
                          m->name, name, list);
}

static int inside(const smpf_fit_model_t *m, size_t j, double v)
{
    return v >= m->lo[j] && v <= m->hi[j];
}

int smpf_fit_set_start(smpf_fit_t *f, const char *param, double value, smpf_error_t *err)
{
    size_t j;
    int rc = find_param(f, param, &j, err);
    if (rc != SMPF_OK)
        return rc;
    if (!isfinite(value) || !(value > f->model->lo[j] && value < f->model->hi[j]))
        return smpf_error_set(err, SMPF_ERR_USAGE,
                              "start value %g of %s is outside its open range (%g, %g)", value,
                              param, f->model->lo[j], f->model->hi[j]);
    f->has_start[j] = 1;
    f->start_value[j] = value;
    return SMPF_OK;
}

int smpf_fit_fix(smpf_fit_t *f, const char *param, double value, smpf_error_t *err)
{
    size_t j;
    int rc = find_param(f, param, &j, err);
    if (rc != SMPF_OK)
        return rc;
    if (!isfinite(value) || !inside(f->model, j, value))
        return smpf_error_set(err, SMPF_ERR_USAGE, "fixed value %g of %s is outside [%g, %g]",
                              value, param, f->model->lo[j], f->model->hi[j]);
    f->fixed[j] = FIXED_VALUE;
    f->fixed_value[j] = value;
    return SMPF_OK;
}

int smpf_fit_free_only(smpf_fit_t *f, const char *const *names, size_t n, smpf_error_t *err)
{
    int *listed = calloc(f->model->nparams, sizeof *listed);
    if (!listed)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    int rc = SMPF_OK;
    for (size_t i = 0; i < n && rc == SMPF_OK; i++) {
        size_t j;
        rc = find_param(f, names[i], &j, err);
        if (rc == SMPF_OK && f->fixed[j] == FIXED_VALUE)
            rc = smpf_error_set(err, SMPF_ERR_USAGE, "%s is both free and fixed", names[i]);
        if (rc == SMPF_OK)
            listed[j] = 1;
    }
    for (size_t j = 0; rc == SMPF_OK && j < f->model->nparams; j++)
        if (!listed[j] && f->fixed[j] == FIXED_NO)
            f->fixed[j] = FIXED_AT_START;
    free(listed);
    return rc;
}

int smpf_fit_set_per_series(smpf_fit_t *f, const char *param, smpf_error_t *err)
{
    size_t j;
    int rc = find_param(f, param, &j, err);
    if (rc == SMPF_OK)
        f->per_series[j] = 1;
    return rc;
}

void fit_entry_name(const smpf_fit_t *f, size_t e, char *buf, size_t len)
{
    const fit_entry *en = &f->entries[e];
    const char *pn = f->model->param_names[en->j];
    if (en->series == FIT_SHARED)
        snprintf(buf, len, "%s", pn);
    else
        snprintf(buf, len, "%s[%s]", pn, f->series_names[en->series]);
}

static int build_entries(smpf_fit_t *f, smpf_error_t *err)
{
    size_t m = f->model->nparams, ns = f->nseries, ne = 0;
    for (size_t j = 0; j < m; j++)
        ne += (f->per_series[j] && f->fixed[j] == FIXED_NO) ? ns : 1;
    f->entries = calloc(ne, sizeof *f->entries);
    f->entry_of = malloc(m * ns * sizeof *f->entry_of);
    f->solve_list = malloc(ne * sizeof *f->solve_list);
    f->params = calloc(ne, sizeof *f->params);
    if (!f->entries || !f->entry_of || !f->solve_list || !f->params)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    size_t e = 0;
    for (size_t j = 0; j < m; j++) {
        int split = f->per_series[j] && f->fixed[j] == FIXED_NO;
        for (size_t s = 0; s < (split ? ns : 1); s++) {
            f->entries[e] = (fit_entry){.j = j, .series = split ? s : FIT_SHARED,
                                        .fixed = f->fixed[j] != FIXED_NO};
            for (size_t t = 0; t < ns; t++)
                if (!split || t == s)
                    f->entry_of[j * ns + t] = e;
            e++;
        }
    }
    f->nentries = ne;
    return SMPF_OK;
}

/* Automatic start of parameter j from the points of series s (FIT_SHARED: all pooled). */
static int auto_start(smpf_fit_t *f, size_t s, double *p, smpf_error_t *err)
{
    const smpf_fit_model_t *m = f->model;
    size_t a = s == FIT_SHARED ? 0 : f->start[s];
    size_t b = s == FIT_SHARED ? f->n : f->start[s + 1];
    double *y = f->work;
    for (size_t k = a; k < b; k++)
        y[k - a] = f->value[f->order[k]];
    return m->start(m->user, f->t_sorted + a, y, b - a, p, err);
}

/* Keeps an automatic start strictly inside the open range, where the transform exists. */
static double nudge_inside(double v, double lo, double hi)
{
    double span = (isfinite(lo) && isfinite(hi)) ? hi - lo : fmax(fabs(v), 1.0);
    double eps = 1e-3 * span;
    if (isfinite(lo) && v <= lo)
        v = lo + eps;
    if (isfinite(hi) && v >= hi)
        v = hi - eps;
    return v;
}

static int set_starts(smpf_fit_t *f, smpf_error_t *err)
{
    const smpf_fit_model_t *m = f->model;
    size_t np = m->nparams;
    double *pool = NULL, *ps = NULL;
    int need_auto = 0, rc = SMPF_OK;
    for (size_t j = 0; j < np; j++)
        if (f->fixed[j] != FIXED_VALUE && !f->has_start[j])
            need_auto = 1;
    if (need_auto) {
        if (!m->start) {
            for (size_t j = 0; j < np; j++)
                if (f->fixed[j] != FIXED_VALUE && !f->has_start[j])
                    return smpf_error_set(err, SMPF_ERR_USAGE,
                                          "model %s has no automatic start: give %s a start "
                                          "value",
                                          m->name, m->param_names[j]);
        }
        pool = malloc(np * sizeof *pool);
        ps = malloc(np * sizeof *ps);
        if (!pool || !ps)
            rc = smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
        if (rc == SMPF_OK)
            rc = auto_start(f, FIT_SHARED, pool, err);
    }
    for (size_t e = 0; rc == SMPF_OK && e < f->nentries; e++) {
        fit_entry *en = &f->entries[e];
        size_t j = en->j;
        if (f->fixed[j] == FIXED_VALUE) {
            en->value = f->fixed_value[j];
            continue;
        }
        if (f->has_start[j]) {
            en->value = f->start_value[j];
            continue;
        }
        en->value = pool[j];
        /* a per-series parameter starts from its own series where that works */
        if (en->series != FIT_SHARED) {
            smpf_error_t ignored;
            if (auto_start(f, en->series, ps, &ignored) == SMPF_OK && isfinite(ps[j]))
                en->value = ps[j];
        }
        /* a parameter fixed at its automatic start keeps it, even on a bound */
        if (!en->fixed)
            en->value = nudge_inside(en->value, m->lo[j], m->hi[j]);
        if (!isfinite(en->value))
            rc = smpf_error_set(err, SMPF_ERR_NUMERIC,
                                "no automatic start for %s from these data: give one",
                                m->param_names[j]);
    }
    free(pool);
    free(ps);
    return rc;
}

/* A free parameter that ran to a bound of its range has no interval: say so. */
static int check_bounds(smpf_fit_t *f, smpf_error_t *err)
{
    const smpf_fit_model_t *m = f->model;
    for (size_t i = 0; i < f->nsolve; i++) {
        const fit_entry *en = &f->entries[f->solve_list[i]];
        double lo = m->lo[en->j], hi = m->hi[en->j], v = en->value;
        double tol = 1e-9 * (isfinite(lo) && isfinite(hi) ? hi - lo : fmax(fabs(v), 1.0));
        int at_lo = isfinite(lo) && v - lo <= tol, at_hi = isfinite(hi) && hi - v <= tol;
        if (at_lo || at_hi) {
            char name[96];
            fit_entry_name(f, f->solve_list[i], name, sizeof name);
            return smpf_error_set(err, SMPF_ERR_NUMERIC,
                                  "the fit drove %s to the edge of its range [%g, %g] (%.3g): "
                                  "the data do not determine it within that range; fix it "
                                  "(e.g. --fixed %s=%g) or use a simpler model",
                                  name, lo, hi, v, m->param_names[en->j], at_lo ? lo : hi);
        }
    }
    return SMPF_OK;
}

int smpf_fit_run(smpf_fit_t *f, smpf_error_t *err)
{
    if (f->ran)
        return smpf_error_set(err, SMPF_ERR_USAGE, "fit: already run");
    f->ran = 1;
    int rc = build_entries(f, err);
    if (rc == SMPF_OK)
        rc = set_starts(f, err);
    if (rc != SMPF_OK)
        return rc;
    size_t k = 0;
    for (size_t e = 0; e < f->nentries; e++)
        if (!f->entries[e].fixed)
            f->solve_list[k++] = e;
    f->nsolve = k;
    if (k == 0)
        return smpf_error_set(err, SMPF_ERR_USAGE, "fit: every parameter is fixed; free one");
    int sigma_known = f->weights == SMPF_FIT_WEIGHTS_SIGMA;
    if (f->n < k || (f->n == k && !sigma_known))
        return smpf_error_set(err, SMPF_ERR_DATA,
                              "%zu observations cannot determine %zu free parameters%s: fix "
                              "some (--fixed) or add data",
                              f->n, k,
                              sigma_known ? "" : " with an error variance to estimate");
    gsl_multifit_nlinear_workspace *w = fit_workspace(f->n, k);
    if (!w)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    int converged = 0;
    size_t iters = 0;
    size_t *list = malloc(k * sizeof *list);
    if (!list)
        rc = smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    else {
        memcpy(list, f->solve_list, k * sizeof *list);
        rc = fit_solve(f, list, k, w, &converged, &iters, err);
    }
    free(list);
    gsl_multifit_nlinear_free(w);
    f->result.converged = converged;
    f->result.iterations = iters;
    if (rc == SMPF_OK && !converged)
        rc = smpf_error_set(err, SMPF_ERR_NUMERIC,
                            "the fit did not converge in %zu iterations; try other start "
                            "values (--start) or fix parameters",
                            iters);
    if (rc == SMPF_OK)
        rc = check_bounds(f, err);
    if (rc == SMPF_OK)
        rc = fit_statistics(f, err);
    return rc;
}

const smpf_fit_result_t *smpf_fit_result(const smpf_fit_t *f) { return &f->result; }
