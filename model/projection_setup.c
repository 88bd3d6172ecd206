/* Projection inputs, touch-up criteria and the median model parameters. */
#include "smpfade.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const criterion_names[SMPF_CRIT_COUNT] = {"contrast", "de00", "hue", "blur"};
/* Ranges a threshold may take: a fraction of the healed contrast, a CIEDE2000 distance,
 * a hue angle in degrees, a fraction of the dot spacing. */
static const double criterion_min[SMPF_CRIT_COUNT] = {0.01, 0.1, 0.5, 0.05};
static const double criterion_max[SMPF_CRIT_COUNT] = {0.99, 50.0, 90.0, 5.0};

void smpf_criteria_default(smpf_criteria_t *c)
{
    /* Touch up when the dot's colour has moved from the healed dot by more than the 50:50
     * acceptability threshold for colour differences, ΔE00 = 1.8 (Paravina et al. 2015,
     * J Esthet Restor Dent 27:S1; perceptibility 0.8), or when the dots have lost a
     * quarter of their healed contrast (a practitioner's rule, estimate); dots whose
     * width reaches their spacing merge. */
    c->active[SMPF_CRIT_CONTRAST] = 1;
    c->threshold[SMPF_CRIT_CONTRAST] = 0.75;
    c->active[SMPF_CRIT_DE00] = 1;
    c->threshold[SMPF_CRIT_DE00] = 1.8;
    c->active[SMPF_CRIT_HUE] = 0;
    c->threshold[SMPF_CRIT_HUE] = 10.0;
    c->active[SMPF_CRIT_BLUR] = 1;
    c->threshold[SMPF_CRIT_BLUR] = 1.0;
}

const char *smpf_criterion_name(int id)
{
    return id >= 0 && id < SMPF_CRIT_COUNT ? criterion_names[id] : NULL;
}

int smpf_criterion_find(const char *name)
{
    for (int i = 0; i < SMPF_CRIT_COUNT; i++)
        if (strcmp(name, criterion_names[i]) == 0)
            return i;
    return -1;
}

void smpf_criterion_bounds(int id, double *min, double *max)
{
    *min = criterion_min[id];
    *max = criterion_max[id];
}

void smpf_project_inputs_default(smpf_project_inputs_t *in)
{
    memset(in, 0, sizeof *in);
    smpf_client_default(&in->client);
    snprintf(in->ink, sizeof in->ink, "%s", "smp_carbon");
    in->depth_mm = NAN; /* the needle-depth median of kinetics_params.csv */
    in->sessions = 3;
    in->session_interval_days = 14.0;
    in->start_day_of_year = SMPF_DEFAULT_START_DAY;
    in->years = 10.0;
    in->step_months = 3;
    in->touchups = 1;
    smpf_criteria_default(&in->criteria);
}

int smpf_project_inputs_check(const smpf_project_inputs_t *in, smpf_error_t *err)
{
    int rc = smpf_client_check(&in->client, err);
    if (rc != SMPF_OK)
        return rc;
    if (!isnan(in->depth_mm) && !(in->depth_mm >= 0.05 && in->depth_mm <= 3.0))
        return smpf_error_set(err, SMPF_ERR_USAGE, "depth_mm: %g is outside [0.05, 3] mm",
                              in->depth_mm);
    if (in->sessions < 1 || in->sessions > 8)
        return smpf_error_set(err, SMPF_ERR_USAGE, "sessions: %d is outside [1, 8]",
                              in->sessions);
    if (!(in->session_interval_days >= 1 && in->session_interval_days <= 365))
        return smpf_error_set(err, SMPF_ERR_USAGE,
                              "session_interval_days: %g is outside [1, 365]",
                              in->session_interval_days);
    if (!(in->start_day_of_year >= 1 && in->start_day_of_year <= 365))
        return smpf_error_set(err, SMPF_ERR_USAGE, "start_day_of_year: %g is outside [1, 365]",
                              in->start_day_of_year);
    if (!(in->years >= 0.25 && in->years <= SMPF_PROJECT_MAX_YEARS))
        return smpf_error_set(err, SMPF_ERR_USAGE, "years: %g is outside [0.25, %g]",
                              in->years, SMPF_PROJECT_MAX_YEARS);
    if (in->step_months < 1 || in->step_months > 12)
        return smpf_error_set(err, SMPF_ERR_USAGE, "step_months: %d is outside [1, 12]",
                              in->step_months);
    for (int i = 0; i < SMPF_CRIT_COUNT; i++) {
        double lo, hi, v = in->criteria.threshold[i];
        smpf_criterion_bounds(i, &lo, &hi);
        if (in->criteria.active[i] && !(v >= lo && v <= hi))
            return smpf_error_set(err, SMPF_ERR_USAGE,
                                  "criterion %s: threshold %g is outside [%g, %g]",
                                  criterion_names[i], v, lo, hi);
    }
    return SMPF_OK;
}

int smpf_project_params_median(const smpf_pigments_t *pigments, const smpf_tissue_t *tissue,
                               const smpf_kin_params_t *kin, const smpf_project_inputs_t *in,
                               smpf_project_params_t *out, smpf_error_t *err)
{
    memset(out, 0, sizeof *out);
    out->kin = *kin;
    int rc = SMPF_OK;
    if (!isnan(in->depth_mm))
        rc = smpf_kin_params_set(&out->kin, "needle_depth_mm", in->depth_mm, err);
    if (rc == SMPF_OK)
        rc = smpf_kin_ink_from_catalogue(pigments, in->ink, &out->ink, err);
    if (rc == SMPF_OK)
        rc = smpf_tissue_skin(tissue, in->client.skin_type, &out->skin, err);
    if (rc != SMPF_OK)
        return rc;
    out->skin.epidermis_thickness_mm = out->kin.value[SMPF_KP_EPIDERMIS_THICKNESS_MM];
    smpf_pigment_layer_dist_t layer = smpf_tissue_pigment_layer(tissue);
    out->column_mm = layer.amount.median * layer.thickness_mm.median;
    return SMPF_OK;
}
