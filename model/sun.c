/* Monthly erythemal UV on the client's scalp from solar geometry (MODEL.md §3).
 * Clear-sky UV index: UVI = 12.5 mu0^2.42 (ozone / 300 DU)^-1.23 (Madronich 2007,
 * Photochem Photobiol 83:1537); 1 UVI = 25 mW/m^2 of erythemally weighted irradiance
 * (WHO 2002, Global Solar UV Index). */
#include "smpfade.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_integration.h>
#include <gsl/gsl_math.h>

#define UVI_W_PER_M2 0.025          /* erythemal irradiance of 1 UVI (WHO 2002) */
#define SECONDS_PER_DAY 86400.0
#define HOUR_NODES 24               /* Gauss-Legendre nodes over the hour angle */
#define DAY_NODES 6                 /* Gauss-Legendre nodes over the days of a month */

/* The monthly clear-sky integrals of the last client, at 300 DU: ozone only scales the
 * UV index, (ozone / 300 DU)^-1.23, so an ensemble over ozone and the other parameters
 * integrates the sun once per client, not once per sample. */
typedef struct {
    int valid;
    double latitude_deg, outdoor_hours_per_day, first_day_of_year;
    double mean_J_per_m2_300DU[12];
} sun_cache;

struct smpf_sun {
    gsl_integration_glfixed_table *hours, *days;
    sun_cache *cache; /* written through a const workspace: it only remembers */
};

void smpf_client_default(smpf_client_t *c)
{
    c->skin_type = 2;
    c->latitude_deg = 50.0;
    c->outdoor_hours_per_day = 2.0;
    c->spf = 1.0;
    c->sunscreen_use_fraction = 0.0;
    c->hat_fraction = 0.0;
    c->hair_cover_fraction = 0.0;
}

static int check_range(double v, double lo, double hi, const char *field, smpf_error_t *err)
{
    if (!isfinite(v) || v < lo || v > hi)
        return smpf_error_set(err, SMPF_ERR_USAGE, "client %s: %g is outside [%g, %g]",
                              field, v, lo, hi);
    return SMPF_OK;
}

int smpf_client_check(const smpf_client_t *c, smpf_error_t *err)
{
    int rc;
    if (c->skin_type < 1 || c->skin_type > 6)
        return smpf_error_set(err, SMPF_ERR_USAGE, "client skin_type: %d is not 1-6",
                              c->skin_type);
    if ((rc = check_range(c->latitude_deg, -90, 90, "latitude_deg", err)) ||
        (rc = check_range(c->outdoor_hours_per_day, 0, 24, "outdoor_hours_per_day", err)) ||
        (rc = check_range(c->spf, 1, 100, "spf", err)) ||
        (rc = check_range(c->sunscreen_use_fraction, 0, 1, "sunscreen_use_fraction", err)) ||
        (rc = check_range(c->hat_fraction, 0, 1, "hat_fraction", err)) ||
        (rc = check_range(c->hair_cover_fraction, 0, 1, "hair_cover_fraction", err)))
        return rc;
    return SMPF_OK;
}

/* Sun's apparent ecliptic longitude and the obliquity: the U.S. Naval Observatory's
 * low-precision formulae (Astronomical Almanac, "approximate solar coordinates"),
 * ~0.01 deg over 1950-2050.  d = days from J2000.0; noon of day n of 2001 is d = 365 + n. */
double smpf_sun_declination_deg(double day_of_year)
{
    const double d = 365.0 + day_of_year;
    const double g = (357.529 + 0.98560028 * d) * M_PI / 180.0;
    const double q = 280.459 + 0.98564736 * d;
    const double lambda = (q + 1.915 * sin(g) + 0.020 * sin(2.0 * g)) * M_PI / 180.0;
    const double eps = (23.439 - 0.00000036 * d) * M_PI / 180.0;
    return asin(sin(eps) * sin(lambda)) * 180.0 / M_PI;
}

double smpf_sun_cos_zenith(double latitude_deg, double declination_deg, double hour_angle_deg)
{
    const double phi = latitude_deg * M_PI / 180.0, delta = declination_deg * M_PI / 180.0;
    return sin(phi) * sin(delta) + cos(phi) * cos(delta) * cos(hour_angle_deg * M_PI / 180.0);
}

/* Sunrise hour angle (rad) from cos h0 = -tan(phi) tan(delta): 0 (polar night) to pi. */
static double sunrise_hour_angle_rad(double latitude_deg, double declination_deg)
{
    const double phi = latitude_deg * M_PI / 180.0, delta = declination_deg * M_PI / 180.0;
    const double c = -tan(phi) * tan(delta);
    return c <= -1.0 ? M_PI : c >= 1.0 ? 0.0 : acos(c);
}

double smpf_sun_daylength_hours(double latitude_deg, double declination_deg)
{
    return 24.0 * sunrise_hour_angle_rad(latitude_deg, declination_deg) / M_PI;
}

double smpf_sun_uvi_clear(double cos_zenith, double ozone_DU)
{
    if (cos_zenith <= 0.0)
        return 0.0;
    return 12.5 * pow(cos_zenith, 2.42) * pow(ozone_DU / 300.0, -1.23);
}

int smpf_sun_new(smpf_sun_t **out, smpf_error_t *err)
{
    smpf_sun_t *s = calloc(1, sizeof *s);
    if (s) {
        s->hours = gsl_integration_glfixed_table_alloc(HOUR_NODES);
        s->days = gsl_integration_glfixed_table_alloc(DAY_NODES);
        s->cache = calloc(1, sizeof *s->cache);
    }
    if (!s || !s->hours || !s->days || !s->cache) {
        smpf_sun_free(s);
        return smpf_error_set(err, SMPF_ERR_NOMEM, "sun: out of memory");
    }
    *out = s;
    return SMPF_OK;
}

void smpf_sun_free(smpf_sun_t *s)
{
    if (!s)
        return;
    if (s->hours)
        gsl_integration_glfixed_table_free(s->hours);
    if (s->days)
        gsl_integration_glfixed_table_free(s->days);
    free(s->cache);
    free(s);
}

typedef struct {
    double latitude_deg, declination_deg, ozone_DU;
} hour_args;

static double uvi_at_hour_angle(double h_rad, void *v)
{
    const hour_args *a = v;
    return smpf_sun_uvi_clear(
        smpf_sun_cos_zenith(a->latitude_deg, a->declination_deg, h_rad * 180.0 / M_PI),
        a->ozone_DU);
}

double smpf_sun_daily_dose_clear_J_per_m2(const smpf_sun_t *sun, double latitude_deg,
                                          double day_of_year, double ozone_DU)
{
    hour_args a = {latitude_deg, smpf_sun_declination_deg(day_of_year), ozone_DU};
    const double h0 = sunrise_hour_angle_rad(latitude_deg, a.declination_deg);
    if (h0 <= 0.0)
        return 0.0;
    gsl_function f = {uvi_at_hour_angle, &a};
    /* symmetric about noon; one radian of hour angle lasts 86400 / (2 pi) s */
    const double uvi_rad = 2.0 * gsl_integration_glfixed(&f, 0.0, h0, sun->hours);
    return UVI_W_PER_M2 * uvi_rad * SECONDS_PER_DAY / (2.0 * M_PI);
}

typedef struct {
    const smpf_sun_t *sun;
    double latitude_deg, ozone_DU, outdoor_hours_per_day;
} day_args;

/* Clear-sky dose a person outdoors for a given number of hours a day receives, with the
 * outdoor hours spread evenly over the daylight hours. */
static double outdoor_dose_on_day(double day_of_year, void *v)
{
    const day_args *a = v;
    const double daylen = smpf_sun_daylength_hours(a->latitude_deg,
                                                   smpf_sun_declination_deg(day_of_year));
    if (daylen <= 0.0)
        return 0.0;
    const double share = GSL_MIN(1.0, a->outdoor_hours_per_day / daylen);
    return share * smpf_sun_daily_dose_clear_J_per_m2(a->sun, a->latitude_deg, day_of_year,
                                                      a->ozone_DU);
}

int smpf_sun_scalp_dose_monthly(const smpf_sun_t *sun, const smpf_client_t *c,
                                const smpf_kin_params_t *p, double first_day_of_year,
                                double dose_J_per_cm2_per_day[12], smpf_error_t *err)
{
    int rc = smpf_client_check(c, err);
    if (rc != SMPF_OK)
        return rc;
    const double *v = p->value;
    const double hat = (1.0 - c->hat_fraction) + c->hat_fraction * v[SMPF_KP_HAT_TRANSMISSION];
    const double screen = (1.0 - c->sunscreen_use_fraction) + c->sunscreen_use_fraction / c->spf;
    const double factor = v[SMPF_KP_CLOUD_FACTOR] * v[SMPF_KP_SCALP_EXPOSURE_RATIO] *
                          (1.0 - c->hair_cover_fraction) * hat * screen;
    sun_cache *k = sun->cache;
    if (!(k->valid && k->latitude_deg == c->latitude_deg &&
          k->outdoor_hours_per_day == c->outdoor_hours_per_day &&
          k->first_day_of_year == first_day_of_year)) {
        day_args a = {sun, c->latitude_deg, 300.0, c->outdoor_hours_per_day};
        gsl_function f = {outdoor_dose_on_day, &a};
        *k = (sun_cache){1, c->latitude_deg, c->outdoor_hours_per_day, first_day_of_year, {0}};
        for (int m = 0; m < 12; m++) {
            const double d0 = first_day_of_year + m * SMPF_DAYS_PER_MONTH;
            k->mean_J_per_m2_300DU[m] =
                gsl_integration_glfixed(&f, d0, d0 + SMPF_DAYS_PER_MONTH, sun->days) /
                SMPF_DAYS_PER_MONTH;
        }
    }
    const double ozone = pow(v[SMPF_KP_OZONE_DU] / 300.0, -1.23); /* as smpf_sun_uvi_clear */
    for (int m = 0; m < 12; m++)
        dose_J_per_cm2_per_day[m] = factor * ozone * k->mean_J_per_m2_300DU[m] * 1e-4;
    return SMPF_OK;
}

/* Mean of exp(-mu z) over [top, bottom]. */
static double mean_exp(double mu_per_mm, double top_mm, double bottom_mm)
{
    const double dz = bottom_mm - top_mm;
    if (dz <= 0.0)
        return exp(-mu_per_mm * top_mm);
    return exp(-mu_per_mm * top_mm) * -expm1(-mu_per_mm * dz) / (mu_per_mm * dz);
}

double smpf_sun_depth_transmission(const smpf_kin_params_t *p, double top_mm, double bottom_mm)
{
    const double *v = p->value;
    const double mu_b = log(100.0) / v[SMPF_KP_UVB_1PCT_DEPTH_MM];
    const double mu_a = log(100.0) / v[SMPF_KP_UVA_1PCT_DEPTH_MM];
    const double fb = v[SMPF_KP_ERYTHEMAL_UVB_FRACTION];
    return fb * mean_exp(mu_b, top_mm, bottom_mm) + (1.0 - fb) * mean_exp(mu_a, top_mm, bottom_mm);
}
