/* A client's projection (MODEL.md §5): month by month the dot's colour against the skin,
 * compared with the healed dot; a touch-up when an active criterion crosses its
 * threshold, at the crossing time refined inside the month (model/root_bracket.c). */
#include "ensemble_internal.h"
#include "kinetics_internal.h"
#include "projection_internal.h"
#include "root_bracket_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int smpf_projector_new(const smpf_context_t *ctx, const smpf_pigments_t *pigments,
                       const smpf_tissue_t *tissue, smpf_projector_t **out, smpf_error_t *err)
{
    *out = NULL;
    smpf_projector_t *pj = calloc(1, sizeof *pj);
    if (!pj)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "projection: out of memory");
    pj->ctx = ctx;
    pj->pigments = pigments;
    pj->tissue = tissue;
    int rc = smpf_kin_sim_new(PROJECTION_SUBLAYERS, &pj->sim, err);
    if (rc == SMPF_OK) /* nothing a projection reports reads the cleared pigment's sinks */
        smpf_kin_sim_track_sinks(pj->sim, 0);
    if (rc == SMPF_OK)
        rc = smpf_kin_snapshot_new(pj->sim, &pj->snap, err);
    if (rc == SMPF_OK)
        rc = smpf_ad_new(SMPF_AD_SKIN_QUAD_POINTS, &pj->ad, err);
    if (rc != SMPF_OK) {
        smpf_projector_free(pj);
        return rc;
    }
    *out = pj;
    return SMPF_OK;
}

void smpf_projector_free(smpf_projector_t *pj)
{
    if (!pj)
        return;
    smpf_kin_snapshot_free(pj->snap);
    smpf_kin_sim_free(pj->sim);
    smpf_ad_free(pj->ad);
    for (size_t i = 0; i < pj->ncached; i++)
        fast_table_free(pj->cache[i]);
    free(pj->scratch);
    smpf_ad_free(pj->ad_jac);
    free(pj);
}

void smpf_projector_set_optics(smpf_projector_t *pj, smpf_optics_mode_t mode)
{
    pj->mode = mode == SMPF_OPTICS_DIRECT ? SMPF_OPTICS_DIRECT : SMPF_OPTICS_FAST;
}

const char *smpf_optics_mode_name(smpf_optics_mode_t mode)
{
    return mode == SMPF_OPTICS_DIRECT ? "direct" : mode == SMPF_OPTICS_FAST ? "fast" : NULL;
}

void smpf_projection_free(smpf_projection_t *pr)
{
    if (pr) {
        free(pr->points);
        pr->points = NULL;
        pr->npoints = 0;
    }
}

/* A point the scan has evaluated: its time, every criterion there, and the dot's CIELAB.
 * ΔE00's g is exact, or, when `de00_bound_only`, a lower limit from a bound of ΔE00
 * (de00_exact_g gives the exact value where the root finder needs it). */
typedef struct {
    double t_days;
    double g[SMPF_CRIT_COUNT];
    smpf_lab_t dot;
    int de00_bound_only;
} scan_point_t;

/* What finish_points needs of a point beyond its CIELAB: the dot's XYZ and f values. */
typedef struct {
    smpf_xyz_t xyz;
    double f[3];
} pending_t;

/* The timeline quantities but the colour figures the lanes compute (finish_points): dE00,
 * the cast's hue, chroma, ratio and hue shift, NaN until then; what they need in
 * *pending.  The dot's sRGB, chroma and hue only for a point that is shown (`shown`;
 * else 0): no criterion, horizon figure or ensemble histogram uses them. */
static void measure(const smpf_projector_t *pj, const smpf_cast_t *c, const double f_dot[3],
                    const smpf_kin_summary_t *s, const smpf_cast_t *healed, int shown,
                    smpf_timeline_point_t *p, pending_t *pending)
{
    p->years = s->t_days / SMPF_DAYS_PER_YEAR;
    p->fraction_remaining = s->fraction_remaining;
    p->L = c->dot.L;
    p->a = c->dot.a;
    p->b = c->dot.b;
    p->C = shown ? smpf_color_chroma(c->dot) : 0.0;
    p->h = shown ? smpf_color_hue_deg(c->dot) : 0.0;
    p->dE00 = p->cast_h = p->cast_C = p->cast_ratio = p->hue_shift_deg = NAN;
    p->contrast = c->dL / healed->dL;
    p->blur = s->blur_ratio;
    p->centroid_mm = s->centroid_depth_mm;
    p->dot_sigma_mm = s->dot_sigma_mm;
    p->rgb = shown ? smpf_color_srgb(pj->ctx, c->dot_xyz) : (smpf_rgb8_t){0, 0, 0};
    pending->xyz = c->dot_xyz;
    memcpy(pending->f, f_dot, sizeof pending->f);
}

/* The colour figures of n measured points against the healed dot, four at a time: the
 * months of a projection side by side (model/color_lanes.c, bit for bit the scalar
 * functions'). */
static void finish_points(const smpf_projector_t *pj, const smpf_cast_t *healed,
                          smpf_timeline_point_t *p, const pending_t *pending, size_t n)
{
    const smpf_color_lanes_ref_t ref = {healed->dot, healed->cast_hue_deg, pj->ctx, &pj->skin};
    for (size_t i0 = 0; i0 < n; i0 += SMPF_COLOR_LANES) {
        smpf_color_lanes_in_t in;
        smpf_color_lanes_out_t out;
        for (size_t k = 0; k < SMPF_COLOR_LANES; k++) {
            const size_t i = i0 + k < n ? i0 + k : n - 1; /* the last lanes repeat a point */
            const pending_t *q = &pending[i];
            in.L[k] = p[i].L, in.a[k] = p[i].a, in.b[k] = p[i].b;
            in.xyz[0][k] = q->xyz.X, in.xyz[1][k] = q->xyz.Y, in.xyz[2][k] = q->xyz.Z;
            for (int ch = 0; ch < 3; ch++)
                in.f[ch][k] = q->f[ch];
        }
        smpf_color_lanes(&in, &ref, &out);
        for (size_t k = 0; k < SMPF_COLOR_LANES && i0 + k < n; k++) {
            smpf_timeline_point_t *q = &p[i0 + k];
            q->dE00 = out.de00[k];
            q->cast_h = out.cast_hue_deg[k];
            q->cast_C = out.cast_chroma[k];
            q->cast_ratio = out.cast_ratio[k];
            q->hue_shift_deg = out.hue_shift_deg[k];
        }
    }
}

/* Per criterion, g > 0 while no touch-up is due.  ΔE00 from the point when finished;
 * otherwise a bound (smpf_color_de00_bound, then the tighter
 * smpf_color_de00_bound_weighted; never below ΔE00) when that clears the threshold or
 * the criterion is no longer active (`active`; NULL: all are), else computed
 * (smpf_color_de00: the lanes' value).  The hue criterion needs a finished point. */
static void criteria_at(const smpf_cast_t *healed, const smpf_criteria_t *cr, const int *active,
                        const smpf_timeline_point_t *p, scan_point_t *sp)
{
    const double de00_limit = cr->threshold[SMPF_CRIT_DE00];
    sp->dot = (smpf_lab_t){p->L, p->a, p->b};
    sp->de00_bound_only = 0;
    double de00 = p->dE00;
    if (isnan(de00)) {
        const double clear = de00_limit * (1 - 1e-12);
        double bound = smpf_color_de00_bound(sp->dot, healed->dot);
        if (!(bound < clear))
            bound = smpf_color_de00_bound_weighted(sp->dot, healed->dot);
        sp->de00_bound_only = bound < clear || (active && !active[SMPF_CRIT_DE00]);
        de00 = sp->de00_bound_only ? bound : smpf_color_de00(sp->dot, healed->dot);
    }
    sp->g[SMPF_CRIT_CONTRAST] = p->contrast - cr->threshold[SMPF_CRIT_CONTRAST];
    sp->g[SMPF_CRIT_DE00] = de00_limit - de00;
    sp->g[SMPF_CRIT_HUE] = cr->threshold[SMPF_CRIT_HUE] - fabs(p->hue_shift_deg);
    sp->g[SMPF_CRIT_BLUR] = cr->threshold[SMPF_CRIT_BLUR] - p->blur;
}

/* ΔE00's exact g at a scan point whose g is its bound's. */
static double de00_exact_g(const smpf_cast_t *healed, const smpf_criteria_t *cr,
                           const scan_point_t *sp)
{
    return sp->de00_bound_only
               ? cr->threshold[SMPF_CRIT_DE00] - smpf_color_de00(sp->dot, healed->dot)
               : sp->g[SMPF_CRIT_DE00];
}

/* State of one run, shared with the root finder. */
typedef struct {
    smpf_projector_t *pj;
    const smpf_project_params_t *par;
    const smpf_criteria_t *criteria;
    const smpf_cast_t *healed;
    int criterion;
    int status;
    int display;        /* the recorded points are shown: sRGB, chroma, hue; the skin's sRGB */
    int touched_up;     /* the main pass has laid a touch-up */
    const int *active;  /* the main pass's active criteria (NULL: all) */
    double healed_f[3]; /* the healed dot's f(X/Xn), f(Y/Yn), f(Z/Zn) */
    double root_tol_days; /* the crossing times' */
    smpf_error_t *err;
} run_t;

/* Colour and criteria at t_days, from the snapshot saved at the start of the month, what
 * finish_points needs in *pending; the colour figures computed now when `finish` or when
 * the hue criterion needs them, else left NaN. */
static int evaluate(run_t *r, double t_days, int shown, smpf_timeline_point_t *p,
                    pending_t *pending, int finish, scan_point_t *sp)
{
    smpf_cast_t c;
    smpf_kin_summary_t sum;
    double f_dot[3];
    int rc = smpf_kin_sim_advance(r->pj->sim, t_days, r->err);
    if (rc == SMPF_OK)
        rc = projection_dot(r->pj, r->par, &c, f_dot, &sum, r->err);
    if (rc != SMPF_OK)
        return rc;
    measure(r->pj, &c, f_dot, &sum, r->healed, shown, p, pending);
    if (finish || r->criteria->active[SMPF_CRIT_HUE])
        finish_points(r->pj, r->healed, p, pending, 1);
    criteria_at(r->healed, r->criteria, r->active, p, sp);
    return SMPF_OK;
}

/* The criteria alone (the point's colour figures are not wanted). */
static int criteria_only_at(run_t *r, double t_days, scan_point_t *sp)
{
    smpf_timeline_point_t p;
    pending_t pending;
    return evaluate(r, t_days, 0, &p, &pending, 0, sp);
}

/* The root finder's function: criterion r->criterion at t_days inside the step. */
static double criterion_at(double t_days, void *vr)
{
    run_t *r = vr;
    scan_point_t sp;
    smpf_kin_sim_restore(r->pj->sim, r->pj->snap);
    int rc = criteria_only_at(r, t_days, &sp);
    if (rc != SMPF_OK) {
        r->status = rc;
        return NAN;
    }
    return r->criterion == SMPF_CRIT_DE00 ? de00_exact_g(r->healed, r->criteria, &sp)
                                          : sp.g[r->criterion];
}

/* Criterion id's crossing between lo (g > 0, the snapshot's time) and hi (g <= 0), which
 * the scan has evaluated, to r->root_tol_days; `third` (or NULL) another known point. */
static int crossing_time(run_t *r, int id, root_knot_t lo, root_knot_t hi,
                         const root_knot_t *third, double *t_cross)
{
    r->criterion = id;
    r->status = SMPF_OK;
    int rc = root_bracket(criterion_at, r, lo, hi, third, r->root_tol_days, t_cross, NULL);
    if (r->status != SMPF_OK)
        return r->status;
    if (rc != ROOT_OK)
        return smpf_error_set(r->err, SMPF_ERR_NUMERIC, "projection: root finding for %s "
                              "between %.2f and %.2f days did not converge",
                              smpf_criterion_name(id), lo.t, hi.t);
    return SMPF_OK;
}

/* The healed reference. */
static int reference_pass(run_t *r, const smpf_project_inputs_t *in,
                          const smpf_kin_schedule_t *sched, double t_healed, smpf_cast_t *healed,
                          smpf_projection_t *out)
{
    smpf_projector_t *pj = r->pj;
    smpf_kin_summary_t sum;
    int rc = smpf_kin_sim_start(pj->sim, &r->par->kin, &r->par->ink, &in->client, sched, r->err);
    if (rc == SMPF_OK)
        rc = smpf_kin_sim_advance(pj->sim, t_healed, r->err);
    if (rc == SMPF_OK)
        rc = projection_dot(pj, r->par, healed, r->healed_f, &sum, r->err);
    if (rc != SMPF_OK)
        return rc;
    smpf_cast_complete(pj->ctx, r->healed_f, &pj->skin, healed);
    healed->de00 = smpf_color_de00(healed->dot, healed->skin); /* reported; months skip it */
    /* Contrast is measured against the healed ΔL*: it needs a dot that differs at all. */
    if (!(fabs(healed->dL) >= SMPF_MIN_HEALED_DL)) {
        out->invisible = 1;
        return smpf_error_set(r->err, SMPF_ERR_USAGE,
                              "projection: the healed dot is indistinguishable from the skin "
                              "(ΔL* = %.3f); nothing to project", healed->dL);
    }
    return SMPF_OK;
}

/* The look at the horizon without touch-ups: the main pass's last point when it laid
 * none (the same simulation, its months split at the crossings it refined), else the
 * simulation rewound and run to the horizon alone; not shown (an ensemble sample), that
 * second run is left out and the figures are NaN. */
static int natural_horizon(run_t *r, const smpf_project_inputs_t *in,
                           const smpf_timeline_point_t *last, smpf_projection_t *out)
{
    smpf_timeline_point_t p = *last;
    if (r->touched_up && !r->display) {
        out->natural_fraction_remaining = out->natural_dE00 = NAN;
        out->natural_hue_shift_deg = out->natural_contrast = NAN;
        return SMPF_OK;
    }
    if (r->touched_up) {
        scan_point_t sp;
        pending_t pending;
        smpf_kin_sim_rewind(r->pj->sim);
        int rc = evaluate(r, in->years * SMPF_DAYS_PER_YEAR, 0, &p, &pending, 1, &sp);
        if (rc != SMPF_OK)
            return rc;
    }
    out->natural_fraction_remaining = p.fraction_remaining;
    out->natural_dE00 = p.dE00;
    out->natural_hue_shift_deg = p.hue_shift_deg;
    out->natural_contrast = p.contrast;
    return SMPF_OK;
}

/* Handles a crossing of criterion id at t_cross, inside the step that starts at the
 * snapshot: records it, and lays a touch-up there (*laid = 1, the simulation brought to
 * t_cross) when it is a criterion touch-ups are scheduled for. */
static int handle_crossing(run_t *r, const smpf_project_inputs_t *in, int id, double t_cross,
                           int active[SMPF_CRIT_COUNT], double *suppress_until,
                           smpf_projection_t *out, int *laid)
{
    *laid = 0;
    const double years = t_cross / SMPF_DAYS_PER_YEAR;
    if (id == SMPF_CRIT_BLUR) {
        out->limit_years[id] = years;
        active[id] = 0;
    } else {
        if (out->ntouchups == 0) {
            out->touchup_years = years;
            out->touchup_criterion = id;
        }
        if (in->touchups && out->ntouchups == SMPF_PROJECT_MAX_TOUCHUPS)
            out->touchups_truncated = 1;
        if (!in->touchups || out->ntouchups == SMPF_PROJECT_MAX_TOUCHUPS) {
            for (int i = 0; i < SMPF_CRIT_COUNT; i++)
                if (i != SMPF_CRIT_BLUR)
                    active[i] = 0; /* only the first touch-up time is wanted */
        } else {
            out->touchups_years[out->ntouchups++] = years;
            /* A touch-up redoes the dots: it deposits what the dots' centres lack of full
             * density, on top of the old pigment that has spread out (a top-up of the
             * total in skin would not: the spread pigment still counts there).  The new
             * pigment joins the dot's one Gaussian, whose width follows the mean age of
             * the pigment in skin, so the centre ends near, not exactly at, full density
             * and the width narrows: an approximation (docs/kinetics.md). */
            smpf_kin_summary_t sum;
            smpf_kin_sim_restore(r->pj->sim, r->pj->snap);
            int rc = smpf_kin_sim_advance(r->pj->sim, t_cross, r->err);
            if (rc != SMPF_OK)
                return rc;
            smpf_kin_sim_summary(r->pj->sim, &sum);
            const double centre = sum.in_skin * sum.peak_dilution;
            smpf_kin_session_t se = {t_cross, sum.in_skin + fmax(0.0, 1.0 - centre),
                                     r->par->kin.value[SMPF_KP_NEEDLE_DEPTH_MM],
                                     r->par->kin.value[SMPF_KP_DEPOSIT_WIDTH_MM]};
            if ((rc = smpf_kin_sim_add_session(r->pj->sim, &se, r->err)) != SMPF_OK)
                return rc;
            r->touched_up = *laid = 1;
            *suppress_until = t_cross + SMPF_HEALED_AFTER_DAYS;
        }
    }
    return SMPF_OK;
}

/* Criteria are checked every scan_months (at most 3, dividing the timeline step); the
 * crossing inside is then refined by root finding. */
static int scan_months(int step_months)
{
    for (int s = 3; s > 1; s--)
        if (step_months % s == 0)
            return s;
    return 1;
}

/* The criteria where the dot first heals: that is the healed reference, whose colour the
 * reference pass has found, so only the kinetic summary is new (blur). */
static int healed_criteria(run_t *r, double t_days, smpf_timeline_point_t *p, scan_point_t *sp)
{
    smpf_kin_summary_t sum;
    int rc = smpf_kin_sim_advance(r->pj->sim, t_days, r->err);
    if (rc == SMPF_OK) {
        pending_t pending;
        smpf_kin_sim_summary(r->pj->sim, &sum);
        measure(r->pj, r->healed, r->healed_f, &sum, r->healed, 0, p, &pending);
        if (r->criteria->active[SMPF_CRIT_HUE])
            finish_points(r->pj, r->healed, p, &pending, 1);
        criteria_at(r->healed, r->criteria, r->active, p, sp);
    }
    return rc;
}

/* A crossing inside a scan step. */
typedef struct {
    int criterion;
    double t_days;
} crossing_t;

/* The crossings in the step (prev, cur] of the active criteria (g > 0 at prev, <= 0 at
 * cur), refined and sorted by time; returns their number in *n.  `before` (or NULL), the
 * scan point before prev on the same dot, sharpens the first estimates. */
static int step_crossings(run_t *r, const int active[SMPF_CRIT_COUNT],
                          const scan_point_t *before, const scan_point_t *prev,
                          const scan_point_t *cur, crossing_t cross[SMPF_CRIT_COUNT], int *n)
{
    *n = 0;
    for (int id = 0; id < SMPF_CRIT_COUNT; id++) {
        if (!active[id] || !(prev->g[id] > 0 && cur->g[id] <= 0))
            continue;
        /* the knots' values exact (a bound that cleared ΔE00's threshold is not) */
        const int de00 = id == SMPF_CRIT_DE00;
        const double g_prev = de00 ? de00_exact_g(r->healed, r->criteria, prev) : prev->g[id];
        const double g_before = !before ? NAN
                                : de00 ? de00_exact_g(r->healed, r->criteria, before)
                                       : before->g[id];
        const root_knot_t lo = {prev->t_days, g_prev}, hi = {cur->t_days, cur->g[id]};
        const root_knot_t third = {before ? before->t_days : NAN, g_before};
        double tc;
        int rc = crossing_time(r, id, lo, hi, before ? &third : NULL, &tc);
        if (rc != SMPF_OK)
            return rc;
        int j = (*n)++;
        for (; j > 0 && cross[j - 1].t_days > tc; j--)
            cross[j] = cross[j - 1];
        cross[j] = (crossing_t){id, tc};
    }
    return SMPF_OK;
}

/* From the start again (the reference pass has set the simulation up), scanning the
 * criteria; ends with the look at the horizon without touch-ups. */
static int main_pass(run_t *r, const smpf_project_inputs_t *in, double t_healed,
                     smpf_projection_t *out)
{
    smpf_projector_t *pj = r->pj;
    const double t_end = in->years * SMPF_DAYS_PER_YEAR;
    const int scan = scan_months(in->step_months);
    const double dt = scan * SMPF_DAYS_PER_MONTH;
    const size_t nscan = (size_t)ceil(t_end / dt - 1e-9);
    const size_t per_point = (size_t)(in->step_months / scan);
    const size_t cap = nscan / per_point + 2;
    out->points = malloc(cap * sizeof *out->points); /* each point written whole by measure */
    pending_t *pending = malloc(cap * sizeof *pending); /* for finish_points */
    if (!out->points || !pending) {
        free(pending);
        return smpf_error_set(r->err, SMPF_ERR_NOMEM, "projection: out of memory");
    }
    int active[SMPF_CRIT_COUNT];
    memcpy(active, in->criteria.active, sizeof active);
    r->active = active;
    double suppress_until = t_healed;
    /* prev: where the step starts, valid once the dot has healed; before: the scan point
     * before it, valid when a step on the same dot led from it to prev */
    scan_point_t prev = {0}, before;
    int prev_valid = 0, before_valid = 0, rc = SMPF_OK;
    smpf_timeline_point_t unrecorded = {0}; /* the last point when not a timeline point */
    const smpf_timeline_point_t *last = &unrecorded;
    smpf_kin_sim_rewind(pj->sim);
    /* Scan points t_k; a step (prev, t_k] is scanned again from where a touch-up was laid
     * or where the dot has (re)healed, so that no later crossing in the same step is
     * lost. */
    for (size_t k = 0; rc == SMPF_OK && k <= nscan;) {
        const double t_k = (double)k * dt;
        scan_point_t cur = {.t_days = t_k < t_end ? t_k : t_end}; /* fmin, inline */
        const int record = k % per_point == 0 || k == nscan; /* a timeline point */
        smpf_timeline_point_t p;
        smpf_kin_sim_save(pj->sim, pj->snap); /* the state at prev */
        if (!prev_valid && prev.t_days < suppress_until && suppress_until <= cur.t_days) {
            /* The dot has (re)healed inside this step: criteria start there.  One that is
             * already crossed then cannot be restored by a touch-up. */
            prev.t_days = suppress_until;
            rc = r->touched_up ? criteria_only_at(r, prev.t_days, &prev)
                               : healed_criteria(r, prev.t_days, &p, &prev);
            for (int id = 0; rc == SMPF_OK && id < SMPF_CRIT_COUNT; id++)
                if (active[id] && prev.g[id] <= 0) {
                    out->limit_years[id] = prev.t_days / SMPF_DAYS_PER_YEAR;
                    active[id] = 0;
                }
            prev_valid = 1;
            before_valid = 0;
            continue;
        }
        /* A timeline point is measured straight into its place in out->points, its colour
         * figures left to finish_points; those of a scan point between timeline points
         * are not wanted (the last scan point is a timeline point). */
        smpf_timeline_point_t *at = record && out->npoints < cap ? &out->points[out->npoints] : &p;
        pending_t between;
        if ((rc = evaluate(r, cur.t_days, record && r->display, at,
                           at != &p ? &pending[out->npoints] : &between, 0, &cur)) != SMPF_OK)
            break;
        crossing_t cross[SMPF_CRIT_COUNT];
        int ncross = 0, laid = 0;
        if (prev_valid)
            rc = step_crossings(r, active, before_valid ? &before : NULL, &prev, &cur, cross,
                                &ncross);
        /* Handled in time order.  A touch-up changes the dot: the rest of the step is then
         * scanned again from there.  Other crossings only record, the step stands. */
        for (int j = 0; rc == SMPF_OK && j < ncross && !laid; j++) {
            if (!active[cross[j].criterion])
                continue; /* ended by an earlier crossing in the step */
            rc = handle_crossing(r, in, cross[j].criterion, cross[j].t_days, active,
                                 &suppress_until, out, &laid);
            if (laid) {
                prev.t_days = cross[j].t_days;
                prev_valid = before_valid = 0;
            }
        }
        if (rc != SMPF_OK || laid)
            continue;
        if (ncross > 0) { /* the root finder has moved the simulation: back to t_k */
            smpf_kin_sim_restore(pj->sim, pj->snap);
            if ((rc = smpf_kin_sim_advance(pj->sim, cur.t_days, r->err)) != SMPF_OK)
                break;
        }
        if (at != &p) {
            last = at;
            out->npoints++;
        } else {
            unrecorded = p;
            last = &unrecorded;
        }
        before = prev;
        before_valid = prev_valid;
        prev = cur;
        prev_valid = cur.t_days >= suppress_until;
        k++;
    }
    if (rc == SMPF_OK) /* the timeline's colour figures, all months side by side */
        finish_points(pj, r->healed, out->points, pending, out->npoints);
    free(pending);
    r->active = NULL;
    return rc == SMPF_OK ? natural_horizon(r, in, last, out) : rc;
}

/* A timeline point's numbers, in the order the guard's message counts them. */
enum { POINT_NUMBERS = 16 };
static void point_numbers(const smpf_timeline_point_t *p, double v[POINT_NUMBERS])
{
    const double n[POINT_NUMBERS] = {p->years, p->fraction_remaining, p->L, p->a, p->b, p->C,
                                     p->h, p->dE00, p->contrast, p->cast_h, p->cast_ratio,
                                     p->cast_C, p->hue_shift_deg, p->blur, p->centroid_mm,
                                     p->dot_sigma_mm};
    memcpy(v, n, sizeof n);
}

/* A sum of finite numbers is finite unless it overflows, and an infinite or NaN number
 * makes it infinite or NaN: one sum clears a point (smpf_check_finite looks closer when
 * it does not). */
static int point_surely_finite(const smpf_timeline_point_t *p)
{
    /* Two sums of neighbouring fields (any order will do: an overflow only sends the point
     * to the closer look), read in place: the compiler adds them in pairs.  The same 16
     * fields as point_numbers: a field added to one belongs in the other. */
    const double even = p->years + p->L + p->b + p->h + p->contrast + p->cast_ratio +
                        p->hue_shift_deg + p->centroid_mm;
    const double odd = p->fraction_remaining + p->a + p->C + p->dE00 + p->cast_h + p->cast_C +
                       p->blur + p->dot_sigma_mm;
    return isfinite(even + odd);
}

/* The guard before any output: every number of the result is finite. */
static int check_finite_result(const smpf_projection_t *out, int with_natural, smpf_error_t *err)
{
    const double healed[] = {out->healed.dL, out->healed.cast_hue_deg, out->healed.cast_ratio};
    const double natural[] = {out->natural_fraction_remaining, out->natural_dE00,
                              out->natural_hue_shift_deg, out->natural_contrast};
    int rc = smpf_check_finite(healed, sizeof healed / sizeof healed[0],
                               "projection: healed dot", err);
    if (rc == SMPF_OK && with_natural)
        rc = smpf_check_finite(natural, sizeof natural / sizeof natural[0],
                               "projection: horizon summary", err);
    for (size_t i = 0; rc == SMPF_OK && i < out->npoints; i++) {
        const smpf_timeline_point_t *p = &out->points[i];
        if (point_surely_finite(p))
            continue; /* the message is formatted only for a point that may fail */
        double v[POINT_NUMBERS];
        point_numbers(p, v);
        char what[64];
        snprintf(what, sizeof what, "projection: timeline at %.2f years", p->years);
        rc = smpf_check_finite(v, POINT_NUMBERS, what, err);
    }
    return rc;
}

static int project(smpf_projector_t *pj, const smpf_project_inputs_t *in,
                   const smpf_project_params_t *par, int display, smpf_projection_t *out,
                   smpf_error_t *err)
{
    memset(out, 0, sizeof *out);
    out->touchup_years = NAN;
    out->touchup_criterion = -1;
    for (int i = 0; i < SMPF_CRIT_COUNT; i++)
        out->limit_years[i] = NAN;
    int rc = smpf_project_inputs_check(in, err);
    if (rc != SMPF_OK)
        return rc;
    smpf_kin_schedule_t sched;
    smpf_kin_schedule_sessions(&par->kin, (size_t)in->sessions, in->session_interval_days,
                               in->start_day_of_year, &sched);
    const double t_healed = sched.session[sched.nsessions - 1].t_days + SMPF_HEALED_AFTER_DAYS;
    if (t_healed >= in->years * SMPF_DAYS_PER_YEAR)
        return smpf_error_set(err, SMPF_ERR_USAGE, "projection: the horizon (%g years) ends "
                              "before the dot has healed (%.0f days)", in->years, t_healed);
    const size_t evaluations_before = pj->optics_evaluations;
    run_t r = {.pj = pj, .par = par, .criteria = &in->criteria, .healed = &out->healed,
               .status = SMPF_OK, .display = display, .err = err,
               .root_tol_days = pj->root_tol_days > 0 ? pj->root_tol_days
                                                      : PROJECTION_ROOT_TOL_DAYS};
    pj->table_ready = 0; /* the skin and, in fast mode, the table: at the first colour */
    rc = projection_set_ink(pj, &par->ink, err);
    if (rc == SMPF_OK)
        rc = reference_pass(&r, in, &sched, t_healed, &out->healed, out);
    if (rc == SMPF_OK) {
        if (display)
            out->skin_rgb = smpf_color_srgb(pj->ctx, out->healed.skin_xyz);
        rc = main_pass(&r, in, t_healed, out);
    }
    if (rc == SMPF_OK)
        rc = check_finite_result(out, display || !r.touched_up, err);
    out->optics_evaluations = pj->optics_evaluations - evaluations_before;
    if (rc != SMPF_OK) {
        const int invisible = out->invisible;
        smpf_projection_free(out);
        out->invisible = invisible;
    }
    return rc;
}

int smpf_project(smpf_projector_t *pj, const smpf_project_inputs_t *in,
                 const smpf_project_params_t *par, smpf_projection_t *out, smpf_error_t *err)
{
    return project(pj, in, par, 1, out, err);
}

int smpf_project_for_ensemble(smpf_projector_t *pj, const smpf_project_inputs_t *in,
                              const smpf_project_params_t *par, smpf_projection_t *out,
                              smpf_error_t *err)
{
    return project(pj, in, par, 0, out, err);
}
