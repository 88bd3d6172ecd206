/* The pigment clearance simulation (MODEL.md §3): sessions deposit a Gaussian depth
 * profile into sublayers; each sublayer and ink component is advanced exactly across
 * intervals of constant rates (kinetics_solver.c). */
#include "kinetics_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#define FWHM_PER_SIGMA 2.3548200450309493 /* 2 sqrt(2 ln 2) */
#define DEPOSIT_HALF_WINDOW_SIGMAS 3.0    /* the depth grid spans +-3 sigma of every deposit */
#define MIN_STEP_DAYS 1e-9                /* events closer than this are one event */
#define MAX_SUBLAYERS 1000

struct smpf_kin_sim {
    size_t nsub, ncomp;
    int skip_sinks;        /* smpf_kin_sim_track_sinks(s, 0): E, F, M, X only */
    gsl_eigen_symmv_workspace *eig;
    smpf_sun_t *sun;
    smpf_kin_params_t p;
    smpf_kin_ink_t ink;
    smpf_kin_schedule_t schedule;
    size_t start_nsessions;                           /* the schedule given at the start */
    double top_mm, dz_mm;                             /* uniform sublayer grid */
    double k_epi_per_day;
    smpf_kin_block_t block[SMPF_KIN_MAX_COMPONENTS][2]; /* [c][0 healed, 1 healing] */
    double *k_uv_per_day;  /* [c][sublayer][month] */
    smpf_kin_propagator_t *month_step; /* [c][healing][month][sublayer], dt = one month */
    unsigned char month_ready[SMPF_KIN_MAX_COMPONENTS][2][12]; /* month_step computed */
    /* The block's own exponentials over one month, the same for every month */
    smpf_kin_block_expm1_t month_em[SMPF_KIN_MAX_COMPONENTS][2];
    unsigned char month_em_ready[SMPF_KIN_MAX_COMPONENTS][2];
    double *x;             /* [sublayer][c][SMPF_KC_COUNT], c < ncomp */
    double t_days;
    size_t next_session;
    double deposited;        /* sum of the sessions' deposits */
    double age_origin_days;  /* mean time the pigment now in skin was laid (see deposit) */
};

int smpf_kin_sim_new(size_t nsublayers, smpf_kin_sim_t **out, smpf_error_t *err)
{
    if (nsublayers < 1 || nsublayers > MAX_SUBLAYERS)
        return smpf_error_set(err, SMPF_ERR_USAGE, "kinetics: %zu sublayers (1-%d allowed)",
                              nsublayers, MAX_SUBLAYERS);
    smpf_kin_sim_t *s = calloc(1, sizeof *s);
    if (!s)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "kinetics: out of memory");
    s->nsub = nsublayers;
    s->eig = gsl_eigen_symmv_alloc(3);
    s->k_uv_per_day = calloc(SMPF_KIN_MAX_COMPONENTS * nsublayers * 12, sizeof(double));
    s->x = calloc(nsublayers * SMPF_KIN_MAX_COMPONENTS * SMPF_KC_COUNT, sizeof(double));
    s->month_step = calloc(SMPF_KIN_MAX_COMPONENTS * 2 * nsublayers * 12,
                           sizeof(smpf_kin_propagator_t));
    int rc = s->eig && s->k_uv_per_day && s->x && s->month_step ? SMPF_OK
                                               : smpf_error_set(err, SMPF_ERR_NOMEM,
                                                                "kinetics: out of memory");
    if (rc == SMPF_OK)
        rc = smpf_sun_new(&s->sun, err);
    if (rc != SMPF_OK) {
        smpf_kin_sim_free(s);
        return rc;
    }
    *out = s;
    return SMPF_OK;
}

void smpf_kin_sim_free(smpf_kin_sim_t *s)
{
    if (!s)
        return;
    if (s->eig)
        gsl_eigen_symmv_free(s->eig);
    smpf_sun_free(s->sun);
    free(s->k_uv_per_day);
    free(s->x);
    free(s->month_step);
    free(s);
}

static double *state(const smpf_kin_sim_t *s, size_t sub, size_t c)
{
    return &s->x[(sub * s->ncomp + c) * SMPF_KC_COUNT];
}

/* Amounts in use: nsub sublayers of ncomp components. */
static size_t state_size(const smpf_kin_sim_t *s) { return s->nsub * s->ncomp * SMPF_KC_COUNT; }

static double *uv_rate(const smpf_kin_sim_t *s, size_t c, size_t sub)
{
    return &s->k_uv_per_day[(c * s->nsub + sub) * 12];
}

/* The sublayers' propagators for a whole model month, computed at their first use (the
 * healing rates only serve the months with a healing window); without the sinks' parts
 * when they are not tracked. */
static const smpf_kin_propagator_t *month_step(smpf_kin_sim_t *s, size_t c, int healing,
                                               int month)
{
    smpf_kin_propagator_t *p =
        &s->month_step[((c * 2 + (size_t)healing) * 12 + (size_t)month) * s->nsub];
    if (!s->month_ready[c][healing][month]) {
        const smpf_kin_block_t *b = &s->block[c][healing];
        const double k_bio = s->ink.component[c].k_bio_per_day;
        smpf_kin_block_expm1_t *em = &s->month_em[c][healing];
        if (!s->month_em_ready[c][healing]) {
            smpf_kin_block_expm1(b, s->k_epi_per_day, SMPF_DAYS_PER_MONTH, em);
            s->month_em_ready[c][healing] = 1;
        }
        for (size_t j = 0; j < s->nsub; j++) {
            const double k_uv = uv_rate(s, c, j)[month];
            if (s->skip_sinks) {
                smpf_kin_propagator_skin(b, em, k_uv + k_bio, &p[j]);
                continue;
            }
            smpf_kin_factors_t f;
            smpf_kin_factors_shifted(b, em, k_uv + k_bio, &f);
            smpf_kin_propagator_of(b, &f, s->k_epi_per_day, k_uv, k_bio, &p[j]);
        }
        s->month_ready[c][healing][month] = 1;
    }
    return p;
}

double smpf_kin_lymph_rate_per_day(const smpf_kin_params_t *p, double particle_size_nm)
{
    const double *v = p->value;
    return v[SMPF_KP_K_LYMPH0_PER_DAY] /
           (1.0 + pow(particle_size_nm / v[SMPF_KP_LYMPH_D50_NM], v[SMPF_KP_LYMPH_HILL]));
}

static int check_ink(const smpf_kin_ink_t *ink, smpf_error_t *err)
{
    if (ink->ncomponents < 1 || ink->ncomponents > SMPF_KIN_MAX_COMPONENTS)
        return smpf_error_set(err, SMPF_ERR_USAGE, "ink %s: %zu components (1-%d allowed)",
                              ink->name, ink->ncomponents, SMPF_KIN_MAX_COMPONENTS);
    double sum = 0.0;
    for (size_t c = 0; c < ink->ncomponents; c++) {
        const smpf_kin_component_t *k = &ink->component[c];
        if (!(k->fraction >= 0 && k->fraction <= 1 && k->particle_size_nm > 0 &&
              k->uv_beta_cm2_per_J >= 0 && k->k_bio_per_day >= 0) ||
            !isfinite(k->particle_size_nm + k->uv_beta_cm2_per_J + k->k_bio_per_day))
            return smpf_error_set(err, SMPF_ERR_USAGE,
                                  "ink %s, component %s: fraction must be in [0, 1], particle "
                                  "size > 0, uv_beta and k_bio >= 0 and finite",
                                  ink->name, k->name);
        sum += k->fraction;
    }
    if (fabs(sum - 1.0) > 1e-6)
        return smpf_error_set(err, SMPF_ERR_USAGE, "ink %s: fractions sum to %g, not 1",
                              ink->name, sum);
    return SMPF_OK;
}

static int check_schedule(const smpf_kin_schedule_t *sc, smpf_error_t *err)
{
    if (sc->nsessions < 1 || sc->nsessions > SMPF_KIN_MAX_SESSIONS)
        return smpf_error_set(err, SMPF_ERR_USAGE, "schedule: %zu sessions (1-%d allowed)",
                              sc->nsessions, SMPF_KIN_MAX_SESSIONS);
    if (!(sc->start_day_of_year >= 1 && sc->start_day_of_year < 367))
        return smpf_error_set(err, SMPF_ERR_USAGE, "schedule: start day %g is not 1-366",
                              sc->start_day_of_year);
    for (size_t i = 0; i < sc->nsessions; i++) {
        const smpf_kin_session_t *se = &sc->session[i];
        if (!(se->t_days >= 0 && se->t_days < 1e6) ||
            (i > 0 && se->t_days < sc->session[i - 1].t_days) ||
            !(se->target_density >= 0 && se->target_density <= 10) ||
            !(se->needle_depth_mm > 0 && se->needle_depth_mm <= 5) ||
            !(se->deposit_width_mm > 0 && se->deposit_width_mm <= 2))
            return smpf_error_set(err, SMPF_ERR_USAGE,
                                  "schedule session %zu: times must be >= 0 and in order, "
                                  "target density 0-10, depth in (0, 5] mm, width in (0, 2] mm",
                                  i + 1);
    }
    return SMPF_OK;
}

/* Sublayer grid: from the shallowest to the deepest +-3 sigma of any session. */
static void set_grid(smpf_kin_sim_t *s)
{
    double top = INFINITY, bottom = 0.0;
    for (size_t i = 0; i < s->schedule.nsessions; i++) {
        const smpf_kin_session_t *se = &s->schedule.session[i];
        const double half = DEPOSIT_HALF_WINDOW_SIGMAS * 0.5 * se->deposit_width_mm;
        top = fmin(top, se->needle_depth_mm - half);
        bottom = fmax(bottom, se->needle_depth_mm + half);
    }
    s->top_mm = fmax(0.0, top);
    s->dz_mm = (bottom - s->top_mm) / (double)s->nsub;
}

int smpf_kin_sim_start(smpf_kin_sim_t *s, const smpf_kin_params_t *p, const smpf_kin_ink_t *ink,
                       const smpf_client_t *client, const smpf_kin_schedule_t *schedule,
                       smpf_error_t *err)
{
    int rc;
    if ((rc = check_ink(ink, err)) != SMPF_OK || (rc = check_schedule(schedule, err)) != SMPF_OK)
        return rc;
    s->p = *p;
    s->ink = *ink;
    s->schedule = *schedule;
    s->ncomp = ink->ncomponents;
    memset(s->month_ready, 0, sizeof s->month_ready); /* rates change: propagators too */
    memset(s->month_em_ready, 0, sizeof s->month_em_ready);
    const double *v = p->value;
    s->k_epi_per_day = 1.0 / v[SMPF_KP_TAU_TURNOVER_DAYS];
    set_grid(s);

    double dose[12];
    if ((rc = smpf_sun_scalp_dose_monthly(s->sun, client, p, schedule->start_day_of_year, dose,
                                          err)) != SMPF_OK)
        return rc;
    /* The UV reaching each sublayer, the same for every component. */
    double trans[MAX_SUBLAYERS];
    for (size_t j = 0; j < s->nsub; j++) {
        const double top = s->top_mm + (double)j * s->dz_mm;
        trans[j] = smpf_sun_depth_transmission(p, top, top + s->dz_mm);
    }
    for (size_t c = 0; c < s->ncomp; c++) {
        const smpf_kin_component_t *k = &ink->component[c];
        const double k_lymph = smpf_kin_lymph_rate_per_day(p, k->particle_size_nm);
        for (int healing = 0; healing <= 1; healing++) {
            const double kl = healing ? k_lymph : k_lymph * v[SMPF_KP_LYMPH_HEALED_RATIO];
            rc = smpf_kin_block_init(&s->block[c][healing], v[SMPF_KP_K_CAP_PER_DAY],
                                     v[SMPF_KP_K_REL_PER_DAY], v[SMPF_KP_K_FIB_PER_DAY],
                                     v[SMPF_KP_K_XREL_PER_DAY], kl, s->eig, err);
            if (rc != SMPF_OK)
                return rc;
        }
        for (size_t j = 0; j < s->nsub; j++)
            for (int m = 0; m < 12; m++)
                uv_rate(s, c, j)[m] = k->uv_beta_cm2_per_J * dose[m] * trans[j];
    }
    s->start_nsessions = schedule->nsessions;
    smpf_kin_sim_rewind(s);
    return SMPF_OK;
}

void smpf_kin_sim_rewind(smpf_kin_sim_t *s)
{
    memset(s->x, 0, state_size(s) * sizeof(double));
    s->schedule.nsessions = s->start_nsessions; /* sessions added since are dropped */
    s->t_days = 0.0;
    s->next_session = 0;
    s->deposited = s->age_origin_days = 0.0;
}

static double in_skin_total(const smpf_kin_sim_t *s)
{
    double sum = 0.0;
    for (size_t j = 0; j < s->nsub; j++)
        for (size_t c = 0; c < s->ncomp; c++)
            for (int k = 0; k < SMPF_KC_IN_SKIN; k++)
                sum += state(s, j, c)[k];
    return sum;
}

/* Tops the pigment in skin up to the session's target density.  The Gaussian's mass above
 * the grid goes to the top sublayer, below it to the bottom one; within each sublayer,
 * the part above the dermo-epidermal junction goes to E, the rest to F. */
static void deposit(smpf_kin_sim_t *s, const smpf_kin_session_t *se)
{
    const double before = in_skin_total(s);
    const double amount = fmax(0.0, se->target_density - before);
    if (amount <= 0.0)
        return;
    const double sigma = 0.5 * se->deposit_width_mm, z = se->needle_depth_mm;
    const double dej = s->p.value[SMPF_KP_EPIDERMIS_THICKNESS_MM];
    /* A sublayer's upper edge is the lower edge of the one below: one CDF per edge. */
    double pa = gsl_cdf_gaussian_P(-INFINITY, sigma);
    for (size_t j = 0; j < s->nsub; j++) {
        const double a = j == 0 ? -INFINITY : s->top_mm + (double)j * s->dz_mm;
        const double b = j + 1 == s->nsub ? INFINITY : s->top_mm + (double)(j + 1) * s->dz_mm;
        const double pb = gsl_cdf_gaussian_P(b - z, sigma);
        const double pe = a < dej ? gsl_cdf_gaussian_P(fmin(b, dej) - z, sigma) - pa : 0.0;
        for (size_t c = 0; c < s->ncomp; c++) {
            const double share = amount * s->ink.component[c].fraction;
            state(s, j, c)[SMPF_KC_E] += share * pe;
            state(s, j, c)[SMPF_KC_F] += share * (pb - pa - pe);
        }
        pa = pb;
    }
    s->deposited += amount;
    /* The dot's age for lateral spread: the mean laying time of the pigment in skin,
     * weighting older pigment by what is left of it (as if all pigment were lost at one
     * relative rate), so that pigment already cleared no longer ages the dot. */
    s->age_origin_days = (before * s->age_origin_days + amount * se->t_days) / (before + amount);
}

/* Whole model months elapsed at t_days >= 0: floor by truncation, without a libm call
 * (the same value below 2^52 months, far beyond any simulated time; floor above). */
static double months_elapsed(double t_days)
{
    const double m = t_days / SMPF_DAYS_PER_MONTH;
    return m < 0x1p52 ? (double)(long long)m : floor(m);
}

/* Model months start at the first session (the sun's monthly means are computed on the
 * same grid), so whole months from t = 0 reuse precomputed factors. */
static int month_of(double t_days)
{
    return (int)((long long)months_elapsed(t_days) % 12);
}

/* The next time after t where a rate changes: a model month boundary, a session, or the
 * end of a healing window. */
static double next_event(const smpf_kin_sim_t *s, double t, double t_end)
{
    double next = (months_elapsed(t) + 1.0) * SMPF_DAYS_PER_MONTH;
    if (next - t < MIN_STEP_DAYS)
        next += SMPF_DAYS_PER_MONTH;
    /* Plain comparisons for fmin: all times are finite (checked at the start). */
    const double heal = s->p.value[SMPF_KP_HEALING_DAYS];
    for (size_t i = 0; i < s->schedule.nsessions; i++) {
        const double ts = s->schedule.session[i].t_days;
        if (ts > t + MIN_STEP_DAYS && ts < next)
            next = ts;
        if (ts + heal > t + MIN_STEP_DAYS && ts + heal < next)
            next = ts + heal;
    }
    return t_end < next ? t_end : next;
}

/* Is a healing window open during the interval that starts at t? */
static int healing_at(const smpf_kin_sim_t *s, double t)
{
    const double heal = s->p.value[SMPF_KP_HEALING_DAYS];
    for (size_t i = 0; i < s->next_session; i++) {
        const double ts = s->schedule.session[i].t_days;
        if (t >= ts - MIN_STEP_DAYS && t < ts + heal - MIN_STEP_DAYS)
            return 1;
    }
    return 0;
}

static void apply_due_sessions(smpf_kin_sim_t *s)
{
    while (s->next_session < s->schedule.nsessions &&
           s->schedule.session[s->next_session].t_days <= s->t_days + MIN_STEP_DAYS)
        deposit(s, &s->schedule.session[s->next_session++]);
}

int smpf_kin_sim_advance(smpf_kin_sim_t *s, double t_days, smpf_error_t *err)
{
    if (!isfinite(t_days) || t_days < s->t_days)
        return smpf_error_set(err, SMPF_ERR_USAGE,
                              "kinetics: cannot advance to %g days from %g days", t_days,
                              s->t_days);
    apply_due_sessions(s);
    while (t_days - s->t_days > MIN_STEP_DAYS) {
        const double t1 = next_event(s, s->t_days, t_days);
        const double dt = t1 - s->t_days;
        const int month = month_of(s->t_days + 0.5 * dt);
        const int healing = healing_at(s, s->t_days);
        /* A whole model month (up to round-off in dt) uses the precomputed factors. */
        const int whole_month = fabs(dt - SMPF_DAYS_PER_MONTH) < MIN_STEP_DAYS;
        const size_t step = s->ncomp * SMPF_KC_COUNT; /* from a sublayer's state to the next */
        for (size_t c = 0; c < s->ncomp; c++) {
            double *x = state(s, 0, c);
            if (whole_month) {
                const smpf_kin_propagator_t *p = month_step(s, c, healing, month);
                if (s->skip_sinks)
                    for (size_t j = 0; j < s->nsub; j++, x += step)
                        smpf_kin_propagate_skin(&p[j], x);
                else
                    for (size_t j = 0; j < s->nsub; j++, x += step)
                        smpf_kin_propagate(&p[j], x);
                continue;
            }
            /* A part of a month: the per-interval solve, its block's exponentials shared. */
            const smpf_kin_block_t *b = &s->block[c][healing];
            const double k_bio = s->ink.component[c].k_bio_per_day;
            smpf_kin_block_expm1_t em;
            smpf_kin_block_expm1(b, s->k_epi_per_day, dt, &em);
            for (size_t j = 0; j < s->nsub; j++, x += step) {
                const double k_uv = uv_rate(s, c, j)[month];
                if (s->skip_sinks) {
                    smpf_kin_apply_skin_shifted(b, &em, k_uv + k_bio, x);
                    continue;
                }
                smpf_kin_factors_t f;
                smpf_kin_factors_shifted(b, &em, k_uv + k_bio, &f);
                smpf_kin_apply(b, &f, s->k_epi_per_day, k_uv, k_bio, x);
            }
        }
        s->t_days = t1;
        apply_due_sessions(s);
    }
    s->t_days = t_days;
    apply_due_sessions(s);
    /* One finite-check of everything in use, in four independent sums (in registers; the
     * amounts are a multiple of SMPF_KC_COUNT = 8).  Untracked sinks are not touched here,
     * so only the pigment in skin (the first four of every eight) can have changed. */
    const size_t stride = s->skip_sinks ? SMPF_KC_COUNT : 4;
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    for (size_t i = 0, n = state_size(s); i < n; i += stride) {
        s0 += s->x[i];
        s1 += s->x[i + 1];
        s2 += s->x[i + 2];
        s3 += s->x[i + 3];
    }
    if (!isfinite(s0 + s1 + s2 + s3))
        return smpf_error_set(err, SMPF_ERR_NUMERIC, "kinetics: non-finite amount at %g days",
                              t_days);
    return SMPF_OK;
}

double smpf_kin_sim_time_days(const smpf_kin_sim_t *s) { return s->t_days; }
size_t smpf_kin_sim_nsublayers(const smpf_kin_sim_t *s) { return s->nsub; }
size_t smpf_kin_sim_ncomponents(const smpf_kin_sim_t *s) { return s->ncomp; }

void smpf_kin_sim_sublayer(const smpf_kin_sim_t *s, size_t i, double *top_mm,
                           double *thickness_mm)
{
    *top_mm = s->top_mm + (double)i * s->dz_mm;
    *thickness_mm = s->dz_mm;
}

double smpf_kin_sim_amount(const smpf_kin_sim_t *s, size_t sub, size_t c,
                           smpf_kin_compartment k)
{
    return sub < s->nsub && c < s->ncomp && k < SMPF_KC_COUNT ? state(s, sub, c)[k] : 0.0;
}

double smpf_kin_sim_in_skin(const smpf_kin_sim_t *s, size_t sub, size_t c)
{
    if (sub >= s->nsub || c >= s->ncomp)
        return 0.0;
    const double *x = state(s, sub, c);
    return x[SMPF_KC_E] + x[SMPF_KC_F] + x[SMPF_KC_M] + x[SMPF_KC_X];
}

void smpf_kin_sim_track_sinks(smpf_kin_sim_t *s, int track)
{
    if (s->skip_sinks != !track) /* the month propagators hold one kind or the other */
        memset(s->month_ready, 0, sizeof s->month_ready);
    s->skip_sinks = !track;
}

void smpf_kin_sim_skin_amounts(const smpf_kin_sim_t *s, size_t stride, double *epi,
                               double *in_skin)
{
    const size_t step = s->ncomp * SMPF_KC_COUNT; /* from a sublayer to the next */
    for (size_t c = 0; c < s->ncomp; c++) {
        const double *x = state(s, 0, c);
        double *all = in_skin + c * stride;
        for (size_t j = 0; j < s->nsub; j++, x += step)
            all[j] = x[SMPF_KC_E] + x[SMPF_KC_F] + x[SMPF_KC_M] + x[SMPF_KC_X];
        if (!epi)
            continue;
        x = state(s, 0, c);
        for (size_t j = 0; j < s->nsub; j++, x += step)
            epi[c * stride + j] = x[SMPF_KC_E];
    }
}

double smpf_kin_sim_uv_rate_per_day(const smpf_kin_sim_t *s, size_t sub, size_t c, int month)
{
    return sub < s->nsub && c < s->ncomp && month >= 0 && month < 12 ? uv_rate(s, c, sub)[month]
                                                                     : 0.0;
}

void smpf_kin_sim_summary(const smpf_kin_sim_t *s, smpf_kin_summary_t *out)
{
    memset(out, 0, sizeof *out);
    out->t_days = s->t_days;
    out->deposited = s->deposited;
    /* Sums in locals (registers), one per compartment. */
    double moment = 0.0, e = 0.0, f = 0.0, m = 0.0, x_ = 0.0, sh = 0.0, l = 0.0, d = 0.0, b = 0.0;
    for (size_t j = 0; j < s->nsub; j++) {
        const double mid_mm = s->top_mm + ((double)j + 0.5) * s->dz_mm;
        for (size_t c = 0; c < s->ncomp; c++) {
            const double *x = state(s, j, c);
            e += x[SMPF_KC_E];
            f += x[SMPF_KC_F];
            m += x[SMPF_KC_M];
            x_ += x[SMPF_KC_X];
            sh += x[SMPF_KC_S]; /* untracked sinks: what they held (0 since a start) */
            l += x[SMPF_KC_L];
            d += x[SMPF_KC_D];
            b += x[SMPF_KC_B];
            moment += mid_mm * (x[SMPF_KC_E] + x[SMPF_KC_F] + x[SMPF_KC_M] + x[SMPF_KC_X]);
        }
    }
    out->compartment[SMPF_KC_E] = e;
    out->compartment[SMPF_KC_F] = f;
    out->compartment[SMPF_KC_M] = m;
    out->compartment[SMPF_KC_X] = x_;
    out->compartment[SMPF_KC_S] = sh;
    out->compartment[SMPF_KC_L] = l;
    out->compartment[SMPF_KC_D] = d;
    out->compartment[SMPF_KC_B] = b;
    for (int k = 0; k < SMPF_KC_IN_SKIN; k++)
        out->in_skin += out->compartment[k];
    out->fraction_remaining = s->deposited > 0 ? out->in_skin / s->deposited : 0.0;
    out->centroid_depth_mm = out->in_skin > 0 ? moment / out->in_skin : 0.0;

    /* Lateral spread: sigma^2 = sigma0^2 + 2 D_lat (t - t_dep), t_dep the mean laying time
     * of the pigment in skin (MODEL.md §3; Eames 2011 for the order of magnitude). */
    const double *v = s->p.value;
    const double sigma0 = v[SMPF_KP_DOT_DIAMETER_MM] / FWHM_PER_SIGMA;
    const double age = s->deposited > 0 ? s->t_days - s->age_origin_days : 0.0;
    const double var = sigma0 * sigma0 + 2.0 * v[SMPF_KP_D_LAT_MM2_PER_DAY] * fmax(0.0, age);
    out->dot_sigma_mm = sqrt(var);
    out->dot_fwhm_mm = FWHM_PER_SIGMA * out->dot_sigma_mm;
    out->blur_ratio = out->dot_fwhm_mm / v[SMPF_KP_DOT_SPACING_MM];
    out->peak_dilution = sigma0 * sigma0 / var;
}

int smpf_kin_sim_add_session(smpf_kin_sim_t *s, const smpf_kin_session_t *se, smpf_error_t *err)
{
    const double half = DEPOSIT_HALF_WINDOW_SIGMAS * 0.5 * se->deposit_width_mm;
    const double bottom = s->top_mm + s->dz_mm * (double)s->nsub;
    if (s->schedule.nsessions == SMPF_KIN_MAX_SESSIONS)
        return smpf_error_set(err, SMPF_ERR_USAGE, "kinetics: more than %d sessions",
                              SMPF_KIN_MAX_SESSIONS);
    if (!(se->t_days >= s->t_days - MIN_STEP_DAYS) ||
        (s->schedule.nsessions > 0 &&
         se->t_days < s->schedule.session[s->schedule.nsessions - 1].t_days))
        return smpf_error_set(err, SMPF_ERR_USAGE,
                              "kinetics: a session added at %g days lies before the current "
                              "time or the last session", se->t_days);
    /* The grid's top is clipped at the surface, so only a deeper top can be overshot. */
    const int above = s->top_mm > 0 && se->needle_depth_mm - half < s->top_mm - 1e-9;
    if (above || se->needle_depth_mm + half > bottom + 1e-9)
        return smpf_error_set(err, SMPF_ERR_USAGE,
                              "kinetics: a session at %g mm lies outside the depth grid "
                              "%g-%g mm set at the start", se->needle_depth_mm, s->top_mm, bottom);
    s->schedule.session[s->schedule.nsessions++] = *se;
    apply_due_sessions(s);
    return SMPF_OK;
}

/* What a simulation can return to: its time, amounts, sessions and deposit totals. */
struct smpf_kin_snapshot {
    size_t n; /* room for the amounts of any ink */
    double *x;
    double t_days, deposited, age_origin_days;
    size_t next_session, nsessions;
};

int smpf_kin_snapshot_new(const smpf_kin_sim_t *s, smpf_kin_snapshot_t **out, smpf_error_t *err)
{
    smpf_kin_snapshot_t *snap = calloc(1, sizeof *snap);
    if (snap) {
        snap->n = s->nsub * SMPF_KIN_MAX_COMPONENTS * SMPF_KC_COUNT;
        snap->x = malloc(snap->n * sizeof *snap->x);
    }
    if (!snap || !snap->x) {
        smpf_kin_snapshot_free(snap);
        return smpf_error_set(err, SMPF_ERR_NOMEM, "kinetics: out of memory");
    }
    *out = snap;
    return SMPF_OK;
}

void smpf_kin_snapshot_free(smpf_kin_snapshot_t *snap)
{
    if (snap)
        free(snap->x);
    free(snap);
}

void smpf_kin_sim_save(const smpf_kin_sim_t *s, smpf_kin_snapshot_t *snap)
{
    memcpy(snap->x, s->x, state_size(s) * sizeof *snap->x);
    snap->t_days = s->t_days;
    snap->deposited = s->deposited;
    snap->age_origin_days = s->age_origin_days;
    snap->next_session = s->next_session;
    snap->nsessions = s->schedule.nsessions;
}

void smpf_kin_sim_restore(smpf_kin_sim_t *s, const smpf_kin_snapshot_t *snap)
{
    memcpy(s->x, snap->x, state_size(s) * sizeof *snap->x);
    s->t_days = snap->t_days;
    s->deposited = snap->deposited;
    s->age_origin_days = snap->age_origin_days;
    s->next_session = snap->next_session;
    s->schedule.nsessions = snap->nsessions;
}
