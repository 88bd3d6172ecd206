/* Session schedules (the default three building sessions, touch-ups), the ink-to-skin
 * factor, and inks taken from the pigment catalogue. */
#include "smpfade.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_SESSION_INTERVAL_DAYS 14.0 /* 2-3 sessions 10-14 days apart (MODEL.md §3) */

void smpf_kin_schedule_default(const smpf_kin_params_t *p, double start_day_of_year,
                               smpf_kin_schedule_t *out)
{
    /* Density built over three sessions, 30 % -> 70 % -> 100 % (MODEL.md §3). */
    static const double targets[3] = {0.3, 0.7, 1.0};
    out->start_day_of_year = start_day_of_year;
    out->nsessions = 3;
    for (size_t i = 0; i < 3; i++) {
        out->session[i].t_days = DEFAULT_SESSION_INTERVAL_DAYS * (double)i;
        out->session[i].target_density = targets[i];
        out->session[i].needle_depth_mm = p->value[SMPF_KP_NEEDLE_DEPTH_MM];
        out->session[i].deposit_width_mm = p->value[SMPF_KP_DEPOSIT_WIDTH_MM];
    }
}

int smpf_kin_schedule_add_touchup(smpf_kin_schedule_t *s, const smpf_kin_params_t *p,
                                  double t_days, smpf_error_t *err)
{
    if (s->nsessions >= SMPF_KIN_MAX_SESSIONS)
        return smpf_error_set(err, SMPF_ERR_USAGE, "schedule: at most %d sessions",
                              SMPF_KIN_MAX_SESSIONS);
    if (!isfinite(t_days) || (s->nsessions > 0 && t_days < s->session[s->nsessions - 1].t_days))
        return smpf_error_set(err, SMPF_ERR_USAGE,
                              "schedule: a touch-up at %g days comes before the last session",
                              t_days);
    smpf_kin_session_t *se = &s->session[s->nsessions++];
    se->t_days = t_days;
    se->target_density = 1.0;
    se->needle_depth_mm = p->value[SMPF_KP_NEEDLE_DEPTH_MM];
    se->deposit_width_mm = p->value[SMPF_KP_DEPOSIT_WIDTH_MM];
    return SMPF_OK;
}

double smpf_kin_ink_in_skin_mg_per_cm2(const smpf_kin_params_t *p, double ink_used_mg_per_cm2)
{
    return p->value[SMPF_KP_INK_SKIN_UPTAKE_FRACTION] * ink_used_mg_per_cm2;
}

int smpf_kin_ink_from_catalogue(const smpf_pigments_t *cat, const char *ink_name,
                                smpf_kin_ink_t *out, smpf_error_t *err)
{
    const smpf_ink_t *ink = smpf_pigments_find_ink(cat, ink_name);
    if (!ink) {
        char names[512];
        smpf_pigments_ink_names(cat, names, sizeof names);
        return smpf_error_set(err, SMPF_ERR_USAGE, "unknown ink '%s'; choices are %s", ink_name,
                              names);
    }
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", ink->name);
    out->temporary = ink->temporary;
    out->ncomponents = ink->ncomponents;
    for (size_t i = 0; i < ink->ncomponents; i++) {
        const smpf_component_t *c = smpf_pigments_component(cat, ink->component[i]);
        smpf_kin_component_t *k = &out->component[i];
        snprintf(k->name, sizeof k->name, "%s", c->name);
        k->fraction = ink->fraction[i];
        k->particle_size_nm = c->particle_size_nm.median;
        k->uv_beta_cm2_per_J = c->uv_beta_cm2_per_J.median;
        k->k_bio_per_day = c->k_bio_per_day.median;
    }
    return SMPF_OK;
}

/* n building sessions interval_days apart: n <= 3 are the last n of the default build
 * (30 %, 70 %, 100 % density); each session beyond three tops up to full density again. */
void smpf_kin_schedule_sessions(const smpf_kin_params_t *p, size_t n, double interval_days,
                                double start_day_of_year, smpf_kin_schedule_t *out)
{
    smpf_kin_schedule_t def;
    smpf_kin_schedule_default(p, start_day_of_year, &def);
    if (n > SMPF_KIN_MAX_SESSIONS)
        n = SMPF_KIN_MAX_SESSIONS;
    memset(out, 0, sizeof *out);
    out->start_day_of_year = start_day_of_year;
    const size_t skip = n < def.nsessions ? def.nsessions - n : 0;
    for (size_t i = 0; i < n; i++) {
        smpf_kin_session_t *se = &out->session[i];
        *se = i + skip < def.nsessions ? def.session[i + skip] : def.session[def.nsessions - 1];
        se->t_days = interval_days * (double)i;
    }
    out->nsessions = n;
}
