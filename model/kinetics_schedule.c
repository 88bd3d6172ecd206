/* Session schedules: the default three building sessions and later touch-ups. */
#include "smpfade.h"

#include <math.h>

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
