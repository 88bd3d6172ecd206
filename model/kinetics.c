/* The pigment clearance simulation (MODEL.md §3): sessions deposit a Gaussian depth
 * profile into sublayers; each sublayer and ink component is advanced exactly across
 * intervals of constant rates (kinetics_solver.c). */
#include "kinetics_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#define DEPOSIT_HALF_WINDOW_SIGMAS 3.0    /* the depth grid spans +-3 sigma of every deposit */
#define MIN_STEP_DAYS 1e-9                /* events closer than this are one event */

/* Blocks of SMPF_KIN_LANES cells that hold n cells. */
static size_t lane_blocks(size_t n) { return (n + SMPF_KIN_LANES - 1) / SMPF_KIN_LANES; }

int smpf_kin_sim_new(size_t nsublayers, smpf_kin_sim_t **out, smpf_error_t *err)
{
    if (nsublayers < 1 || nsublayers > SMPF_KIN_MAX_SUBLAYERS)
        return smpf_error_set(err, SMPF_ERR_USAGE, "kinetics: %zu sublayers (1-%d allowed)",
                              nsublayers, SMPF_KIN_MAX_SUBLAYERS);
    smpf_kin_sim_t *s = calloc(1, sizeof *s);
    if (!s)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "kinetics: out of memory");
    s->nsub = nsublayers;
    s->eig = gsl_eigen_symmv_alloc(3);
    s->k_uv_per_day = calloc(SMPF_KIN_MAX_COMPONENTS * nsublayers * 12, sizeof(double));
    s->x = calloc(nsublayers * SMPF_KIN_MAX_COMPONENTS * SMPF_KIN_ROWS, sizeof(double));
    s->month_step = calloc(2 * 12 * nsublayers * SMPF_KIN_MAX_COMPONENTS,
                           sizeof(smpf_kin_propagator_t));
    s->month_skin = calloc(2 * 12 * lane_blocks(nsublayers * SMPF_KIN_MAX_COMPONENTS),
                           sizeof(smpf_kin_skin_lanes_t));
    s->mid_mm = calloc(nsublayers * SMPF_KIN_MAX_COMPONENTS, sizeof(double));
    s->shape.epi = calloc(2 * nsublayers, sizeof(double)); /* epi, then dermal */
    s->shape.dermal = s->shape.epi ? s->shape.epi + nsublayers : NULL;
    s->now.sinks_id = s->last_sinks_id = 1; /* a new snapshot holds none (0) */
    int rc = s->eig && s->k_uv_per_day && s->x && s->month_step && s->month_skin && s->mid_mm &&
                     s->shape.epi
                 ? SMPF_OK
                 : smpf_error_set(err, SMPF_ERR_NOMEM, "kinetics: out of memory");
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
    free(s->month_skin);
    free(s->mid_mm);
    free(s->shape.epi);
    free(s);
}

/* The cells' propagators for a whole model month, computed at their first use (the
 * healing rates only serve the months with a healing window): with the sinks tracked the
 * full propagators (month_step), else their skin parts in blocks of cells (month_skin). */
static smpf_kin_propagator_t *month_step(const smpf_kin_sim_t *s, int healing, int month)
{
    return &s->month_step[((size_t)healing * 12 + (size_t)month) * smpf_kin_cells(s)];
}

static smpf_kin_skin_lanes_t *month_skin(const smpf_kin_sim_t *s, int healing, int month)
{
    return &s->month_skin[((size_t)healing * 12 + (size_t)month) * lane_blocks(smpf_kin_cells(s))];
}

static void prepare_month(smpf_kin_sim_t *s, int healing, int month)
{
    if (s->month_ready[healing][month])
        return;
    for (size_t c = 0; c < s->ncomp; c++)
        if (!s->month_em_ready[c][healing]) {
            smpf_kin_block_expm1(&s->block[c][healing], s->k_epi_per_day, SMPF_DAYS_PER_MONTH,
                                 &s->month_em[c][healing]);
            s->month_em_ready[c][healing] = 1;
        }
    s->month_ready[healing][month] = 1;
    if (s->skip_sinks) {
        smpf_kin_month_skin_prepare(s, healing, month, month_skin(s, healing, month));
        return;
    }
    smpf_kin_propagator_t *step = month_step(s, healing, month);
    for (size_t i = 0; i < smpf_kin_cells(s); i++) {
        const size_t j = i / s->ncomp, c = i % s->ncomp;
        const smpf_kin_block_t *b = &s->block[c][healing];
        const double k_bio = s->ink.component[c].k_bio_per_day;
        const double k_uv = smpf_kin_uv_rate(s, c, j)[month];
        smpf_kin_factors_t f;
        smpf_kin_factors_shifted(b, &s->month_em[c][healing], k_uv + k_bio, &f);
        smpf_kin_propagator_of(b, &f, s->k_epi_per_day, k_uv, k_bio, &step[i]);
    }
}

/* One cell's compartments, to and from an array the per-cell propagators take (the
 * sinks tracked). */
static void load_cell(const smpf_kin_sim_t *s, size_t i, double x[SMPF_KC_COUNT])
{
    for (int k = 0; k < SMPF_KC_COUNT; k++)
        x[k] = smpf_kin_row(s, k)[i];
}

static void store_cell(smpf_kin_sim_t *s, size_t i, const double x[SMPF_KC_COUNT])
{
    for (int k = 0; k < SMPF_KC_COUNT; k++)
        smpf_kin_row(s, k)[i] = x[k];
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
    for (size_t j = 0; j < s->nsub; j++)
        for (size_t c = 0; c < s->ncomp; c++)
            s->mid_mm[j * s->ncomp + c] = s->top_mm + ((double)j + 0.5) * s->dz_mm;
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
    double trans[SMPF_KIN_MAX_SUBLAYERS];
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
                smpf_kin_uv_rate(s, c, j)[m] = k->uv_beta_cm2_per_J * dose[m] * trans[j];
    }
    s->start_nsessions = schedule->nsessions;
    smpf_kin_sim_rewind(s);
    return SMPF_OK;
}

void smpf_kin_sim_rewind(smpf_kin_sim_t *s)
{
    memset(s->x, 0, smpf_kin_state_size(s) * sizeof(double));
    s->schedule.nsessions = s->start_nsessions; /* sessions added since are dropped */
    s->now.t_days = 0.0;
    s->now.next_session = s->now.first_open = 0;
    s->now.deposited = s->now.age_origin_days = 0.0;
    s->now.sinks_id = ++s->last_sinks_id;
    smpf_kin_sim_refresh(s, 1);
}

static double in_skin_total(const smpf_kin_sim_t *s)
{
    double sum = 0.0;
    for (size_t j = 0; j < s->nsub; j++)
        for (size_t c = 0; c < s->ncomp; c++)
            for (int k = 0; k < SMPF_KC_IN_SKIN; k++)
                sum += smpf_kin_row(s, k)[j * s->ncomp + c];
    return sum;
}

/* The shares of a unit deposit of width 2 sigma at depth z that each sublayer lays in E
 * and in F (see deposit), kept in s->shape: recomputed only when the deposit, the
 * junction dej or the grid differ (exactly) from those it holds. */
static void deposit_shape(smpf_kin_sim_t *s, double sigma, double z, double dej)
{
    if (s->shape.valid && s->shape.sigma == sigma && s->shape.z == z && s->shape.dej == dej &&
        s->shape.top_mm == s->top_mm && s->shape.dz_mm == s->dz_mm && s->shape.nsub == s->nsub)
        return;
    /* A sublayer's upper edge is the lower edge of the one below: one CDF per edge. */
    double pa = gsl_cdf_gaussian_P(-INFINITY, sigma);
    for (size_t j = 0; j < s->nsub; j++) {
        const double a = j == 0 ? -INFINITY : s->top_mm + (double)j * s->dz_mm;
        const double b = j + 1 == s->nsub ? INFINITY : s->top_mm + (double)(j + 1) * s->dz_mm;
        const double pb = gsl_cdf_gaussian_P(b - z, sigma);
        const double pe = a < dej ? gsl_cdf_gaussian_P(fmin(b, dej) - z, sigma) - pa : 0.0;
        s->shape.epi[j] = pe;
        s->shape.dermal[j] = pb - pa - pe;
        pa = pb;
    }
    s->shape.valid = 1;
    s->shape.sigma = sigma;
    s->shape.z = z;
    s->shape.dej = dej;
    s->shape.top_mm = s->top_mm;
    s->shape.dz_mm = s->dz_mm;
    s->shape.nsub = s->nsub;
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
    deposit_shape(s, 0.5 * se->deposit_width_mm, se->needle_depth_mm,
                  s->p.value[SMPF_KP_EPIDERMIS_THICKNESS_MM]);
    /* The shares and rows first: the stores below could alias them for the compiler. */
    const size_t nc = s->ncomp;
    double share[SMPF_KIN_MAX_COMPONENTS];
    for (size_t c = 0; c < nc; c++)
        share[c] = amount * s->ink.component[c].fraction;
    double *restrict e = smpf_kin_row(s, SMPF_KC_E), *restrict f = smpf_kin_row(s, SMPF_KC_F);
    const double *restrict epi = s->shape.epi, *restrict dermal = s->shape.dermal;
    for (size_t j = 0; j < s->nsub; j++)
        for (size_t c = 0; c < nc; c++) {
            e[j * nc + c] += share[c] * epi[j];
            f[j * nc + c] += share[c] * dermal[j];
        }
    s->now.deposited += amount;
    /* The dot's age for lateral spread: the mean laying time of the pigment in skin,
     * weighting older pigment by what is left of it (as if all pigment were lost at one
     * relative rate), so that pigment already cleared no longer ages the dot. */
    s->now.age_origin_days = (before * s->now.age_origin_days + amount * se->t_days) / (before + amount);
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

/* Passes over the sessions whose healing window has closed by t_days.  Sessions are in
 * time order and so are their window ends (ts + heal, heal >= 0), so these lead the list;
 * a session with ts + heal <= t_days fails every test below (ts <= ts + heal <= t and
 * t <= t + MIN_STEP_DAYS; ts + heal - MIN_STEP_DAYS <= t), whatever the rounding. */
static void pass_healed_sessions(smpf_kin_sim_t *s)
{
    const double heal = s->p.value[SMPF_KP_HEALING_DAYS];
    while (s->now.first_open < s->schedule.nsessions &&
           s->schedule.session[s->now.first_open].t_days + heal <= s->now.t_days)
        s->now.first_open++;
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
    for (size_t i = s->now.first_open; i < s->schedule.nsessions; i++) {
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
    for (size_t i = s->now.first_open; i < s->now.next_session; i++) {
        const double ts = s->schedule.session[i].t_days;
        if (t >= ts - MIN_STEP_DAYS && t < ts + heal - MIN_STEP_DAYS)
            return 1;
    }
    return 0;
}

static int session_due(const smpf_kin_sim_t *s)
{
    return s->now.next_session < s->schedule.nsessions &&
           s->schedule.session[s->now.next_session].t_days <= s->now.t_days + MIN_STEP_DAYS;
}

static void lay_due_sessions(smpf_kin_sim_t *s)
{
    while (session_due(s))
        deposit(s, &s->schedule.session[s->now.next_session++]);
}

/* Lays the sessions due by t_days; whether there were any.  (The check inline, the rare
 * deposit out of line.) */
static inline int apply_due_sessions(smpf_kin_sim_t *s)
{
    if (!session_due(s))
        return 0;
    lay_due_sessions(s);
    return 1;
}

/* Advances every cell across [t_days, t_days + dt), a part of a model month, with the
 * per-interval solve, each component's block exponentials shared by its cells. */
static void advance_part(smpf_kin_sim_t *s, double dt, int month, int healing)
{
    double x[SMPF_KC_COUNT];
    for (size_t c = 0; c < s->ncomp; c++) {
        const smpf_kin_block_t *b = &s->block[c][healing];
        const double k_bio = s->ink.component[c].k_bio_per_day;
        smpf_kin_block_expm1_t em;
        smpf_kin_block_expm1(b, s->k_epi_per_day, dt, &em);
        if (s->skip_sinks) {
            smpf_kin_part_skin_only(s, c, b, &em, month);
            continue;
        }
        for (size_t j = 0; j < s->nsub; j++) {
            const size_t i = j * s->ncomp + c;
            const double k_uv = smpf_kin_uv_rate(s, c, j)[month];
            smpf_kin_factors_t f;
            smpf_kin_factors_shifted(b, &em, k_uv + k_bio, &f);
            load_cell(s, i, x);
            smpf_kin_apply(b, &f, s->k_epi_per_day, k_uv, k_bio, x);
            store_cell(s, i, x);
        }
    }
}

/* Advances every cell across [t_days, t_days + dt) of the given month and healing state:
 * a whole model month (up to round-off in dt) with the month's propagators, a part of one
 * with advance_part.  Whether the readout of the new state has been taken on the way.
 * (Inline: the whole months without the sinks, the ensemble's path, then make no call
 * but the propagation's.) */
static inline int advance_cells(smpf_kin_sim_t *s, double dt, int month, int healing)
{
    if (!(fabs(dt - SMPF_DAYS_PER_MONTH) < MIN_STEP_DAYS)) {
        advance_part(s, dt, month, healing);
        return 0;
    }
    prepare_month(s, healing, month);
    if (s->skip_sinks) {
        smpf_kin_month_skin_only(s, month_skin(s, healing, month));
        return 1;
    }
    const smpf_kin_propagator_t *p = month_step(s, healing, month);
    double x[SMPF_KC_COUNT];
    for (size_t i = 0; i < smpf_kin_cells(s); i++) {
        load_cell(s, i, x);
        smpf_kin_propagate(&p[i], x);
        store_cell(s, i, x);
    }
    return 0;
}

int smpf_kin_sim_advance(smpf_kin_sim_t *s, double t_days, smpf_error_t *err)
{
    if (!isfinite(t_days) || t_days < s->now.t_days)
        return smpf_error_set(err, SMPF_ERR_USAGE,
                              "kinetics: cannot advance to %g days from %g days", t_days,
                              s->now.t_days);
    int read = !apply_due_sessions(s); /* the readout is of the current state */
    while (t_days - s->now.t_days > MIN_STEP_DAYS) {
        pass_healed_sessions(s);
        const double t1 = next_event(s, s->now.t_days, t_days);
        const double dt = t1 - s->now.t_days;
        const int month = month_of(s->now.t_days + 0.5 * dt);
        const int healing = healing_at(s, s->now.t_days);
        read = advance_cells(s, dt, month, healing);
        s->now.t_days = t1;
        read &= !apply_due_sessions(s);
    }
    s->now.t_days = t_days;
    read &= !apply_due_sessions(s);
    if (!s->skip_sinks)
        s->now.sinks_id = ++s->last_sinks_id;
    if (!read)
        smpf_kin_sim_refresh(s, !s->skip_sinks);
    /* Any non-finite amount in skin makes its compartment's total non-finite. */
    const double *tot = s->now.total;
    if (!isfinite(tot[SMPF_KC_E] + tot[SMPF_KC_F] + tot[SMPF_KC_M] + tot[SMPF_KC_X]))
        return smpf_error_set(err, SMPF_ERR_NUMERIC, "kinetics: non-finite amount at %g days",
                              t_days);
    return SMPF_OK;
}

double smpf_kin_sim_time_days(const smpf_kin_sim_t *s) { return s->now.t_days; }
size_t smpf_kin_sim_nsublayers(const smpf_kin_sim_t *s) { return s->nsub; }
size_t smpf_kin_sim_ncomponents(const smpf_kin_sim_t *s) { return s->ncomp; }

void smpf_kin_sim_sublayer(const smpf_kin_sim_t *s, size_t i, double *top_mm,
                           double *thickness_mm)
{
    *top_mm = s->top_mm + (double)i * s->dz_mm;
    *thickness_mm = s->dz_mm;
}

void smpf_kin_sim_track_sinks(smpf_kin_sim_t *s, int track)
{
    if (s->skip_sinks != !track) /* the month propagators hold one kind or the other */
        memset(s->month_ready, 0, sizeof s->month_ready);
    s->skip_sinks = !track;
}

double smpf_kin_sim_uv_rate_per_day(const smpf_kin_sim_t *s, size_t sub, size_t c, int month)
{
    return sub < s->nsub && c < s->ncomp && month >= 0 && month < 12 ? smpf_kin_uv_rate(s, c, sub)[month]
                                                                     : 0.0;
}

int smpf_kin_sim_add_session(smpf_kin_sim_t *s, const smpf_kin_session_t *se, smpf_error_t *err)
{
    const double half = DEPOSIT_HALF_WINDOW_SIGMAS * 0.5 * se->deposit_width_mm;
    const double bottom = s->top_mm + s->dz_mm * (double)s->nsub;
    if (s->schedule.nsessions == SMPF_KIN_MAX_SESSIONS)
        return smpf_error_set(err, SMPF_ERR_USAGE, "kinetics: more than %d sessions",
                              SMPF_KIN_MAX_SESSIONS);
    if (!(se->t_days >= s->now.t_days - MIN_STEP_DAYS) ||
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
    if (apply_due_sessions(s))
        smpf_kin_sim_refresh(s, 0); /* the sinks are as they were */
    return SMPF_OK;
}
