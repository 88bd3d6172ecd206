/* The fitter's private state, shared by fit.c (set-up, solver), fit_stats.c (covariance,
 * intervals, information criteria) and fit_profile.c (profile likelihood). */
#ifndef SMPF_FIT_INTERNAL_H
#define SMPF_FIT_INTERNAL_H

#include "smpfade.h"

#include <gsl/gsl_multifit_nlinear.h>

#define FIT_SHARED ((size_t)-1)

/* One fitted quantity: model parameter j, shared (series = FIT_SHARED) or of one series. */
typedef struct {
    size_t j, series;
    int fixed, has_start;
    double value; /* current value in model units */
} fit_entry;

struct smpf_fit {
    const smpf_fit_model_t *model;
    size_t n, nseries;
    double *t_days, *value, *sigma, *sqrt_w; /* sigma NULL when none */
    size_t *series;
    char **series_names;
    /* points of series s: order[start[s] .. start[s+1]) */
    size_t *order, *start;
    double *t_sorted, *y_model; /* t of order[], model values in that order */
    double *p_series;           /* model parameters of one series */
    double *work;               /* 3 n scratch: residuals for differences */

    smpf_fit_weights_t weights;
    int per_series_set, started, ran;
    int *per_series;  /* per model parameter */
    int *fixed;       /* per model parameter, before entries are built */
    int *has_start;
    double *start_value, *fixed_value;

    size_t nentries;
    fit_entry *entries;
    size_t *entry_of; /* [j * nseries + s] -> entry */

    /* free entries being solved for, and the GSL residual callback's error */
    size_t nsolve;
    size_t *solve_list;
    smpf_error_t cb_err;
    int cb_status;

    smpf_fit_result_t result;
    smpf_fit_param_t *params;
    double *fitted, *residual, *covariance;
};

/* Fills the model values of every observation (in data order) from the entries' values. */
int fit_eval_all(smpf_fit_t *f, double *out, smpf_error_t *err);
/* Weighted sum of squares at the entries' current values. */
int fit_rss(smpf_fit_t *f, double *rss, smpf_error_t *err);
/* Solves for the entries in list[0..k) (the others held); w was allocated for (n, k). */
int fit_solve(smpf_fit_t *f, const size_t *list, size_t k, gsl_multifit_nlinear_workspace *w,
              int *converged, size_t *iterations, smpf_error_t *err);
gsl_multifit_nlinear_workspace *fit_workspace(size_t n, size_t k);
void fit_entry_name(const smpf_fit_t *f, size_t e, char *buf, size_t len);
/* Covariance, condition number, intervals, information criteria into f->result. */
int fit_statistics(smpf_fit_t *f, smpf_error_t *err);

#endif
