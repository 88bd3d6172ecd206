/* Solar geometry against astronomical facts, the daily dose against a brute-force
 * integration, and the protective factors of the scalp dose. */
#include "smpfade.h"
#include "test_util.h"
#include "kinetics_test_util.h"

#include <math.h>

#include <gsl/gsl_errno.h>

static smpf_kin_params_t params(void)
{
    smpf_kin_params_t p;
    smpf_error_t err = {0};
    if (smpf_kin_params_load("datasets/kinetics_params.csv", &p, &err) != SMPF_OK)
        fail_msg("%s", err.message);
    return p;
}

/* 2001 solstices: 21 June 07:38 UT (day 172) and 21 December 19:21 UT (day 355); the
 * obliquity of the ecliptic is 23.44 deg.  March equinox: 20 March 13:31 UT (day 79). */
static void test_declination(void **state)
{
    (void)state;
    assert_near(smpf_sun_declination_deg(172), 23.44, 0.01);
    assert_near(smpf_sun_declination_deg(355), -23.44, 0.01);
    assert_true(smpf_sun_declination_deg(79) < 0 && smpf_sun_declination_deg(80) > 0);
    double max = -90, min = 90;
    for (double d = 1; d <= 365; d += 0.25) {
        max = fmax(max, smpf_sun_declination_deg(d));
        min = fmin(min, smpf_sun_declination_deg(d));
    }
    assert_near(max, 23.44, 0.005);
    assert_near(min, -23.44, 0.005);
}

/* At an equinox the noon zenith angle equals the latitude; in general it is |phi - delta|. */
static void test_noon_zenith(void **state)
{
    (void)state;
    for (double lat = -80; lat <= 80; lat += 10) {
        assert_near(acos(smpf_sun_cos_zenith(lat, 0, 0)) * 180 / M_PI, fabs(lat), 1e-9);
        assert_near(acos(smpf_sun_cos_zenith(lat, 23.44, 0)) * 180 / M_PI, fabs(lat - 23.44),
                    1e-9);
    }
    /* sunset at the equator on an equinox: hour angle 90 deg, sun on the horizon */
    assert_near(smpf_sun_cos_zenith(0, 0, 90), 0, 1e-15);
}

/* Geometric day length: 12 h at an equinox everywhere; 16 h 09 min at 50 deg N on the June
 * solstice; polar day and night beyond the polar circle. */
static void test_daylength(void **state)
{
    (void)state;
    for (double lat = -85; lat <= 85; lat += 17)
        assert_near(smpf_sun_daylength_hours(lat, 0), 12, 1e-12);
    assert_near(smpf_sun_daylength_hours(50, 23.44), 16.0 + 9.0 / 60, 0.02);
    assert_near(smpf_sun_daylength_hours(70, 23.44), 24, 0);
    assert_near(smpf_sun_daylength_hours(70, -23.44), 0, 0);
}

/* Madronich 2007: 12.5 at an overhead sun with 300 DU; ozone exponent -1.23. */
static void test_uvi(void **state)
{
    (void)state;
    assert_near(smpf_sun_uvi_clear(1, 300), 12.5, 1e-12);
    assert_near(smpf_sun_uvi_clear(1, 600), 12.5 * pow(2, -1.23), 1e-12);
    assert_near(smpf_sun_uvi_clear(0.5, 300), 12.5 * pow(0.5, 2.42), 1e-12);
    assert_near(smpf_sun_uvi_clear(-0.2, 300), 0, 0);
}

/* Brute force: UVI from the zenith angle every 6 s of the day, midpoint rule. */
static double brute_daily_dose(double lat, double day, double ozone)
{
    const double decl = smpf_sun_declination_deg(day);
    const int n = 14400;
    double sum = 0;
    for (int i = 0; i < n; i++) {
        const double hour_angle = -180 + 360.0 * (i + 0.5) / n;
        sum += smpf_sun_uvi_clear(smpf_sun_cos_zenith(lat, decl, hour_angle), ozone);
    }
    return 0.025 * sum * 86400.0 / n;
}

static void test_daily_dose(void **state)
{
    (void)state;
    smpf_sun_t *sun;
    smpf_error_t err = {0};
    assert_int_equal(smpf_sun_new(&sun, &err), SMPF_OK);
    const double lats[] = {0, 23, 50, -35, 70, 85};
    const double days[] = {15, 80, 172, 266, 355};
    for (size_t i = 0; i < 6; i++)
        for (size_t j = 0; j < 5; j++) {
            const double ref = brute_daily_dose(lats[i], days[j], 320);
            const double got = smpf_sun_daily_dose_clear_J_per_m2(sun, lats[i], days[j], 320);
            assert_near(got, ref, 1e-4 * ref + 1e-9);
        }
    /* polar night */
    assert_near(smpf_sun_daily_dose_clear_J_per_m2(sun, 80, 355, 300), 0, 0);
    smpf_sun_free(sun);
}

static void monthly(const smpf_client_t *c, const smpf_kin_params_t *p, double out[12])
{
    smpf_sun_t *sun;
    smpf_error_t err = {0};
    assert_int_equal(smpf_sun_new(&sun, &err), SMPF_OK);
    if (smpf_sun_scalp_dose_monthly(sun, c, p, 1, out, &err) != SMPF_OK)
        fail_msg("%s", err.message);
    smpf_sun_free(sun);
}

/* Sunscreen, hats and hair scale the dose by their transmissions; no time outdoors gives
 * no dose; summer exceeds winter in the north and the reverse in the south. */
static void test_scalp_dose_factors(void **state)
{
    (void)state;
    smpf_kin_params_t p = params();
    smpf_client_t c;
    smpf_client_default(&c);
    double base[12], x[12];
    monthly(&c, &p, base);
    assert_true(base[5] > 5 * base[11]);

    smpf_client_t s = c;
    s.spf = 30;
    s.sunscreen_use_fraction = 1;
    monthly(&s, &p, x);
    for (int m = 0; m < 12; m++)
        assert_near(x[m], base[m] / 30, 1e-15);
    s.sunscreen_use_fraction = 0.5;
    monthly(&s, &p, x);
    for (int m = 0; m < 12; m++)
        assert_near(x[m], base[m] * (0.5 + 0.5 / 30), 1e-15);

    smpf_client_t h = c;
    h.hat_fraction = 1;
    h.hair_cover_fraction = 0.5;
    monthly(&h, &p, x);
    for (int m = 0; m < 12; m++)
        assert_near(x[m], base[m] * 0.5 * p.value[SMPF_KP_HAT_TRANSMISSION], 1e-15);

    smpf_client_t in = c;
    in.outdoor_hours_per_day = 0;
    monthly(&in, &p, x);
    for (int m = 0; m < 12; m++)
        assert_near(x[m], 0, 0);

    smpf_client_t south = c;
    south.latitude_deg = -c.latitude_deg;
    monthly(&south, &p, x);
    assert_true(x[11] > 5 * x[5]);
}

/* Each band falls to 1 % at its stated depth; a layer's mean matches its numerical mean. */
static void test_depth_transmission(void **state)
{
    (void)state;
    smpf_kin_params_t p = params();
    assert_near(smpf_sun_depth_transmission(&p, 0, 0), 1, 1e-15);
    smpf_kin_params_t b = p;
    b.value[SMPF_KP_ERYTHEMAL_UVB_FRACTION] = 1;
    assert_near(smpf_sun_depth_transmission(&b, 0.1, 0.1), 0.01, 1e-15);
    b.value[SMPF_KP_ERYTHEMAL_UVB_FRACTION] = 0;
    assert_near(smpf_sun_depth_transmission(&b, 0.19, 0.19), 0.01, 1e-15);
    double sum = 0;
    const int n = 100000;
    for (int i = 0; i < n; i++)
        sum += smpf_sun_depth_transmission(&p, 0.05 + 0.1 * (i + 0.5) / n,
                                           0.05 + 0.1 * (i + 0.5) / n);
    assert_near(smpf_sun_depth_transmission(&p, 0.05, 0.15), sum / n, 1e-9);
    double prev = 2;
    for (double z = 0; z < 1; z += 0.05) {
        const double t = smpf_sun_depth_transmission(&p, z, z + 0.05);
        assert_true(t < prev);
        prev = t;
    }
}

static void test_client_check(void **state)
{
    (void)state;
    smpf_client_t c;
    smpf_client_default(&c);
    smpf_error_t err = {0};
    assert_int_equal(smpf_client_check(&c, &err), SMPF_OK);
    c.spf = 0.5;
    assert_int_equal(smpf_client_check(&c, &err), SMPF_ERR_USAGE);
    assert_non_null(strstr(err.message, "spf"));
    smpf_client_default(&c);
    c.latitude_deg = 91;
    assert_int_equal(smpf_client_check(&c, &err), SMPF_ERR_USAGE);
    assert_non_null(strstr(err.message, "latitude_deg"));
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_declination),       cmocka_unit_test(test_noon_zenith),
        cmocka_unit_test(test_daylength),         cmocka_unit_test(test_uvi),
        cmocka_unit_test(test_daily_dose),        cmocka_unit_test(test_scalp_dose_factors),
        cmocka_unit_test(test_depth_transmission), cmocka_unit_test(test_client_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
