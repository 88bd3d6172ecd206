/* Built-in fit models.  biexp: two-phase exponential loss,
 *   y(t) = y0 (f exp(-k1_per_day t) + (1 - f) exp(-k2_per_day t)),   t in days,
 * a fast phase (healing loss, k1) and a slow one (long-term fading, k2). */
#include "smpfade.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const biexp_names[] = {"y0", "f", "k1_per_day", "k2_per_day"};
static const double biexp_lo[] = {-HUGE_VAL, 0.0, 0.0, 0.0};
static const double biexp_hi[] = {HUGE_VAL, 1.0, HUGE_VAL, HUGE_VAL};

static int biexp_eval(void *user, size_t series, const double *p, const double *t_days,
                      size_t n, double *out, smpf_error_t *err)
{
    (void)user;
    (void)series;
    (void)err;
    for (size_t i = 0; i < n; i++)
        out[i] = p[0] * (p[1] * exp(-p[2] * t_days[i]) + (1 - p[1]) * exp(-p[3] * t_days[i]));
    return SMPF_OK;
}

/* Least-squares line ln|y| = a - k t over points [a0, b0) of sorted data. */
static int log_line(const double *t, const double *y, size_t a0, size_t b0, double *a, double *k)
{
    double st = 0, sy = 0, stt = 0, sty = 0;
    size_t m = 0;
    for (size_t i = a0; i < b0; i++) {
        if (!(y[i] > 0))
            continue;
        double ly = log(y[i]);
        st += t[i];
        sy += ly;
        stt += t[i] * t[i];
        sty += t[i] * ly;
        m++;
    }
    double den = (double)m * stt - st * st;
    if (m < 2 || !(fabs(den) > 0))
        return -1;
    double slope = ((double)m * sty - st * sy) / den;
    *k = -slope;
    *a = (sy - slope * st) / (double)m;
    return 0;
}

static int by_time(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return (x[0] > y[0]) - (x[0] < y[0]);
}

/* Starting values by exponential peeling: a log-line through the later half of the
 * points gives the slow phase (B, k2); a log-line through what the slow phase leaves of
 * the earlier points gives the fast phase (A, k1).  Then y0 = A + B, f = A / y0.  Signs
 * are handled by peeling |y| with the sign of the mean. */
static int biexp_start(void *user, const double *t_days, const double *value, size_t n,
                       double *p, smpf_error_t *err)
{
    (void)user;
    double *tv = malloc(2 * n * sizeof *tv);
    double *t = malloc(n * sizeof *t), *y = malloc(n * sizeof *y);
    if (!tv || !t || !y) {
        free(tv);
        free(t);
        free(y);
        return smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    }
    double mean = 0;
    for (size_t i = 0; i < n; i++)
        mean += value[i] / (double)n;
    double sign = mean < 0 ? -1.0 : 1.0;
    for (size_t i = 0; i < n; i++) {
        tv[2 * i] = t_days[i];
        tv[2 * i + 1] = sign * value[i];
    }
    qsort(tv, n, 2 * sizeof *tv, by_time);
    for (size_t i = 0; i < n; i++) {
        t[i] = tv[2 * i];
        y[i] = tv[2 * i + 1];
    }
    double span = t[n - 1] - t[0];
    double k_floor = span > 0 ? 0.01 / span : 1e-4; /* barely any loss over the data */
    double aB, k2, aA, k1;
    if (log_line(t, y, n / 2, n, &aB, &k2) != 0) {
        aB = log(fabs(y[n - 1]) > 0 ? fabs(y[n - 1]) : 1.0) ;
        k2 = k_floor;
    }
    k2 = fmax(k2, k_floor);
    double B = exp(aB);
    for (size_t i = 0; i < n; i++)
        y[i] -= B * exp(-k2 * t[i]);
    if (log_line(t, y, 0, n / 2 + 1, &aA, &k1) != 0 || !(k1 > 2 * k2)) {
        k1 = 10 * k2;
        aA = log(fmax(fabs(tv[1]) * 0.3, 1e-12));
    }
    double A = exp(aA);
    double y0 = A + B, f = A / (A + B);
    p[0] = sign * y0;
    p[1] = fmin(fmax(f, 0.05), 0.95);
    p[2] = k1;
    p[3] = k2;
    free(tv);
    free(t);
    free(y);
    for (size_t j = 0; j < 4; j++)
        if (!isfinite(p[j]))
            return smpf_error_set(err, SMPF_ERR_NUMERIC, "biexp: no automatic start from %zu "
                                                         "points; give --start values", n);
    return SMPF_OK;
}

static const smpf_fit_model_t models[] = {
    {.name = "biexp",
     .description = "y0 (f exp(-k1_per_day t) + (1 - f) exp(-k2_per_day t)), t in days",
     .nparams = 4,
     .param_names = biexp_names,
     .lo = biexp_lo,
     .hi = biexp_hi,
     .eval = biexp_eval,
     .start = biexp_start,
     .user = NULL},
};

size_t smpf_fit_nmodels(void) { return sizeof models / sizeof models[0]; }

const smpf_fit_model_t *smpf_fit_model(size_t i)
{
    return i < smpf_fit_nmodels() ? &models[i] : NULL;
}

const smpf_fit_model_t *smpf_fit_model_find(const char *name)
{
    for (size_t i = 0; i < smpf_fit_nmodels(); i++)
        if (strcmp(models[i].name, name) == 0)
            return &models[i];
    return NULL;
}
