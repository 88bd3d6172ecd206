/* The "smp" fit model: the kinetic simulation (kinetics.c) seen by the fitter.
 *   value(t) = y0 * q(t + t_offset_days),
 * q a quantity of the simulated pigment at simulation time t (from the first session):
 * built in, the fraction remaining or the density; an optical quantity through a callback
 * (smpf_fit_smp_quantity_t) that the projection module supplies.  Each evaluation sets
 * the parameters, restarts the one simulation workspace and advances it through the data
 * times in increasing order (the simulation only moves forward). */
#include "smpfade.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SMP_Y0 0                       /* index of y0 */
#define SMP_KIN_FIRST 1                /* kinetic parameters follow, in smpf_kin_param_id order */
#define SMP_NCOMP_PARAMS 3             /* per ink component */
#define SMP_MAX_PARAMS (1 + SMPF_KP_COUNT + SMP_NCOMP_PARAMS * SMPF_KIN_MAX_COMPONENTS)

enum { CP_PARTICLE_SIZE = 0, CP_UV_BETA, CP_K_BIO };

static const struct {
    const char *suffix;
    double min, max;
} COMPONENT_PARAMS[SMP_NCOMP_PARAMS] = {
    [CP_PARTICLE_SIZE] = {"particle_size_nm", 1.0, 1e6},
    [CP_UV_BETA] = {"uv_beta_cm2_per_J", 0.0, HUGE_VAL},
    [CP_K_BIO] = {"k_bio_per_day", 0.0, HUGE_VAL},
};

typedef struct {
    double t_days;
    size_t index;
} timed_point;

struct smpf_fit_smp {
    smpf_fit_model_t model;
    char description[256];
    char names[SMP_MAX_PARAMS][96];
    const char *name_ptr[SMP_MAX_PARAMS];
    double lo[SMP_MAX_PARAMS], hi[SMP_MAX_PARAMS];

    smpf_kin_params_t base, work; /* base: configured values; work: this evaluation's */
    smpf_kin_ink_t base_ink, work_ink;
    smpf_client_t client;
    smpf_kin_schedule_t base_schedule, work_schedule;
    double t_offset_days;
    smpf_fit_smp_quantity_t quantity;
    smpf_kin_sim_t *sim;

    timed_point *points; /* sorted data times, grown when a call brings more points */
    double *q;           /* quantity at each point (automatic start) */
    size_t capacity;
    size_t nevals;
};

/* ------------------------------------------------------------ built-in quantities -- */

static int quantity_fraction(void *user, const smpf_fit_smp_state_t *st, double *value,
                             smpf_error_t *err)
{
    (void)user;
    (void)err;
    smpf_kin_summary_t su;
    smpf_kin_sim_summary(st->sim, &su);
    *value = su.fraction_remaining;
    return SMPF_OK;
}

static int quantity_density(void *user, const smpf_fit_smp_state_t *st, double *value,
                            smpf_error_t *err)
{
    (void)user;
    (void)err;
    double sum = 0.0;
    for (size_t j = 0; j < smpf_kin_sim_nsublayers(st->sim); j++)
        for (size_t c = 0; c < smpf_kin_sim_ncomponents(st->sim); c++)
            sum += smpf_kin_sim_in_skin(st->sim, j, c);
    *value = sum;
    return SMPF_OK;
}

static const smpf_fit_smp_quantity_t QUANTITIES[] = {
    {"fraction", "pigment in skin / pigment deposited so far", quantity_fraction, NULL},
    {"density", "pigment in skin, in units of the target density", quantity_density, NULL},
};

size_t smpf_fit_smp_nquantities(void) { return sizeof QUANTITIES / sizeof QUANTITIES[0]; }

const smpf_fit_smp_quantity_t *smpf_fit_smp_quantity(size_t i)
{
    return i < smpf_fit_smp_nquantities() ? &QUANTITIES[i] : NULL;
}

const smpf_fit_smp_quantity_t *smpf_fit_smp_quantity_find(const char *name)
{
    for (size_t i = 0; i < smpf_fit_smp_nquantities(); i++)
        if (strcmp(QUANTITIES[i].name, name) == 0)
            return &QUANTITIES[i];
    return NULL;
}

const char *smpf_fit_smp_component_param(size_t i)
{
    return i < SMP_NCOMP_PARAMS ? COMPONENT_PARAMS[i].suffix : NULL;
}

int smpf_fit_smp_component_param_bounds(const char *suffix, double *min, double *max)
{
    for (size_t i = 0; i < SMP_NCOMP_PARAMS; i++)
        if (strcmp(COMPONENT_PARAMS[i].suffix, suffix) == 0) {
            *min = COMPONENT_PARAMS[i].min;
            *max = COMPONENT_PARAMS[i].max;
            return 0;
        }
    return -1;
}

/* ------------------------------------------------------------------- evaluation -- */

static size_t comp_index(size_t c, size_t k) { return 1 + SMPF_KP_COUNT + SMP_NCOMP_PARAMS * c + k; }

/* This evaluation's parameters, ink and schedule from the parameter vector. */
static void apply_params(smpf_fit_smp_t *m, const double *p)
{
    for (int id = 0; id < SMPF_KP_COUNT; id++)
        m->work.value[id] = p[SMP_KIN_FIRST + id];
    m->work_ink = m->base_ink;
    for (size_t c = 0; c < m->work_ink.ncomponents; c++) {
        smpf_kin_component_t *k = &m->work_ink.component[c];
        k->particle_size_nm = p[comp_index(c, CP_PARTICLE_SIZE)];
        k->uv_beta_cm2_per_J = p[comp_index(c, CP_UV_BETA)];
        k->k_bio_per_day = p[comp_index(c, CP_K_BIO)];
    }
    m->work_schedule = m->base_schedule;
    for (size_t i = 0; i < m->work_schedule.nsessions; i++) {
        m->work_schedule.session[i].needle_depth_mm = m->work.value[SMPF_KP_NEEDLE_DEPTH_MM];
        m->work_schedule.session[i].deposit_width_mm = m->work.value[SMPF_KP_DEPOSIT_WIDTH_MM];
    }
}

static int grow(smpf_fit_smp_t *m, size_t n, smpf_error_t *err)
{
    if (n <= m->capacity)
        return SMPF_OK;
    timed_point *pts = realloc(m->points, n * sizeof *pts);
    if (pts)
        m->points = pts;
    double *q = realloc(m->q, n * sizeof *q);
    if (q)
        m->q = q;
    if (!pts || !q)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "smp model: out of memory");
    m->capacity = n;
    return SMPF_OK;
}

static int by_time(const void *a, const void *b)
{
    const timed_point *x = a, *y = b;
    if (x->t_days != y->t_days)
        return (x->t_days > y->t_days) - (x->t_days < y->t_days);
    return (x->index > y->index) - (x->index < y->index);
}

/* q at each of the n data times into q[] (data order), for parameter vector p. */
static int simulate(smpf_fit_smp_t *m, size_t series, const double *p, const double *t_days,
                    size_t n, double *q, smpf_error_t *err)
{
    int rc = grow(m, n, err);
    if (rc != SMPF_OK)
        return rc;
    m->nevals++;
    apply_params(m, p);
    rc = smpf_kin_sim_start(m->sim, &m->work, &m->work_ink, &m->client, &m->work_schedule, err);
    if (rc != SMPF_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        m->points[i] = (timed_point){t_days[i] + m->t_offset_days, i};
    qsort(m->points, n, sizeof *m->points, by_time);
    smpf_fit_smp_state_t st = {.sim = m->sim, .params = &m->work, .ink = &m->work_ink,
                               .client = &m->client, .series = series};
    for (size_t k = 0; k < n; k++) {
        st.t_days = m->points[k].t_days;
        rc = smpf_kin_sim_advance(m->sim, st.t_days, err);
        if (rc == SMPF_OK)
            rc = m->quantity.fn(m->quantity.user, &st, &q[m->points[k].index], err);
        if (rc != SMPF_OK)
            return rc;
    }
    return SMPF_OK;
}

static int smp_eval(void *user, size_t series, const double *p, const double *t_days, size_t n,
                    double *out, smpf_error_t *err)
{
    smpf_fit_smp_t *m = user;
    /* A trial step of the solver with a non-finite parameter gets a non-finite model,
     * which the fitter rejects, rather than an error that would end the fit. */
    for (size_t j = 0; j < m->model.nparams; j++)
        if (!isfinite(p[j])) {
            for (size_t i = 0; i < n; i++)
                out[i] = NAN;
            return SMPF_OK;
        }
    int rc = simulate(m, series, p, t_days, n, out, err);

    for (size_t i = 0; rc == SMPF_OK && i < n; i++)
        out[i] *= p[SMP_Y0];
    return rc;
}

/* The configured values, and y0 = sum(y q) / sum(q^2), the least-squares scale. */
static int smp_start(void *user, const double *t_days, const double *value, size_t n,
                     double *p, smpf_error_t *err)
{
    smpf_fit_smp_t *m = user;
    p[SMP_Y0] = 1.0;
    for (int id = 0; id < SMPF_KP_COUNT; id++)
        p[SMP_KIN_FIRST + id] = m->base.value[id];
    for (size_t c = 0; c < m->base_ink.ncomponents; c++) {
        const smpf_kin_component_t *k = &m->base_ink.component[c];
        p[comp_index(c, CP_PARTICLE_SIZE)] = k->particle_size_nm;
        p[comp_index(c, CP_UV_BETA)] = k->uv_beta_cm2_per_J;
        p[comp_index(c, CP_K_BIO)] = k->k_bio_per_day;
    }
    int rc = grow(m, n, err); /* m->q must hold n values before simulate writes them */
    if (rc == SMPF_OK)
        rc = simulate(m, 0, p, t_days, n, m->q, err);
    if (rc != SMPF_OK)
        return rc;
    double yq = 0.0, qq = 0.0;
    for (size_t i = 0; i < n; i++) {
        yq += value[i] * m->q[i];
        qq += m->q[i] * m->q[i];
    }
    if (qq > 0 && isfinite(yq / qq) && yq != 0)
        p[SMP_Y0] = yq / qq;
    return SMPF_OK;
}

/* ---------------------------------------------------------------------- set-up -- */

static void set_param(smpf_fit_smp_t *m, size_t j, const char *name, double lo, double hi)
{
    snprintf(m->names[j], sizeof m->names[j], "%s", name);
    m->name_ptr[j] = m->names[j];
    m->lo[j] = lo;
    m->hi[j] = hi;
}

static int check_config(const smpf_fit_smp_config_t *cfg, smpf_error_t *err)
{
    if (!cfg->params || !cfg->ink || !cfg->client || !cfg->schedule)
        return smpf_error_set(err, SMPF_ERR_USAGE,
                              "smp model: parameters, ink, client and schedule are required");
    if (!(cfg->t_offset_days >= 0 && cfg->t_offset_days < 1e6))
        return smpf_error_set(err, SMPF_ERR_USAGE,
                              "smp model: time offset %g days is not in [0, 1e6)",
                              cfg->t_offset_days);
    if (cfg->quantity && !cfg->quantity->fn)
        return smpf_error_set(err, SMPF_ERR_USAGE, "smp model: quantity %s has no function",
                              cfg->quantity->name ? cfg->quantity->name : "(unnamed)");
    const smpf_kin_ink_t *ink = cfg->ink;
    if (ink->ncomponents < 1 || ink->ncomponents > SMPF_KIN_MAX_COMPONENTS)
        return smpf_error_set(err, SMPF_ERR_USAGE, "smp model: ink %s has %zu components",
                              ink->name, ink->ncomponents);
    for (size_t a = 0; a < ink->ncomponents; a++)
        for (size_t b = 0; b < a; b++)
            if (strcmp(ink->component[a].name, ink->component[b].name) == 0)
                return smpf_error_set(err, SMPF_ERR_USAGE,
                                      "smp model: ink %s lists component %s twice", ink->name,
                                      ink->component[a].name);
    for (int id = 0; id < SMPF_KP_COUNT; id++) {
        double lo, hi, v = cfg->params->value[id];
        smpf_kin_param_bounds(id, &lo, &hi);
        if (!(v >= lo && v <= hi))
            return smpf_error_set(err, SMPF_ERR_USAGE, "smp model: %s = %g is outside [%g, %g]",
                                  smpf_kin_param_name(id), v, lo, hi);
    }
    return smpf_client_check(cfg->client, err);
}

int smpf_fit_smp_new(const smpf_fit_smp_config_t *cfg, smpf_fit_smp_t **out, smpf_error_t *err)
{
    *out = NULL;
    int rc = check_config(cfg, err);
    if (rc != SMPF_OK)
        return rc;
    smpf_fit_smp_t *m = calloc(1, sizeof *m);
    if (!m)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "smp model: out of memory");
    m->base = m->work = *cfg->params;
    m->base_ink = m->work_ink = *cfg->ink;
    m->client = *cfg->client;
    m->base_schedule = m->work_schedule = *cfg->schedule;
    m->t_offset_days = cfg->t_offset_days;
    m->quantity = cfg->quantity ? *cfg->quantity : QUANTITIES[0];
    rc = smpf_kin_sim_new(cfg->nsublayers, &m->sim, err);
    if (rc != SMPF_OK) {
        smpf_fit_smp_free(m);
        return rc;
    }
    size_t j = 0;
    set_param(m, j++, "y0", -HUGE_VAL, HUGE_VAL);
    for (int id = 0; id < SMPF_KP_COUNT; id++) {
        double lo, hi;
        smpf_kin_param_bounds(id, &lo, &hi);
        set_param(m, j++, smpf_kin_param_name(id), lo, hi);
    }
    for (size_t c = 0; c < m->base_ink.ncomponents; c++)
        for (size_t k = 0; k < SMP_NCOMP_PARAMS; k++) {
            char name[96];
            snprintf(name, sizeof name, "%.63s.%s", m->base_ink.component[c].name,
                     COMPONENT_PARAMS[k].suffix);
            set_param(m, j++, name, COMPONENT_PARAMS[k].min, COMPONENT_PARAMS[k].max);
        }
    snprintf(m->description, sizeof m->description,
             "y0 * %s(t + %g d) of the kinetic simulation (ink %s, %zu sessions; simulation "
             "time 0 = first session)",
             m->quantity.name ? m->quantity.name : "q", m->t_offset_days, m->base_ink.name,
             m->base_schedule.nsessions);
    m->model = (smpf_fit_model_t){.name = "smp",
                                  .description = m->description,
                                  .nparams = j,
                                  .param_names = m->name_ptr,
                                  .lo = m->lo,
                                  .hi = m->hi,
                                  .eval = smp_eval,
                                  .start = smp_start,
                                  .user = m};
    *out = m;
    return SMPF_OK;
}

void smpf_fit_smp_free(smpf_fit_smp_t *m)
{
    if (!m)
        return;
    smpf_kin_sim_free(m->sim);
    free(m->points);
    free(m->q);
    free(m);
}

const smpf_fit_model_t *smpf_fit_smp_model(const smpf_fit_smp_t *m) { return &m->model; }

size_t smpf_fit_smp_nevals(const smpf_fit_smp_t *m) { return m->nevals; }
