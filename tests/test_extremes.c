/* Extreme but legal inputs give finite, sensible results (issue 8): needle depth at its
 * limits, no sun and all-day equatorial sun, a 100-year horizon, tiny and huge amounts of
 * pigment.  "Sensible" is checked against what must hold whatever the parameters: the
 * pigment left is a fraction, a dot is never lighter than its skin for a black ink,
 * shallower pigment shows more contrast, more sun never leaves more pigment. */
#include "smpfade.h"
#include "test_util.h"

#include <math.h>

static smpf_context_t *ctx;
static smpf_pigments_t *pigments;
static smpf_tissue_t *tissue;
static smpf_kin_params_t kin;
static smpf_projector_t *pj;

static int setup(void **state)
{
    (void)state;
    smpf_error_t err = {0};
    int rc = smpf_context_new(NULL, &ctx, &err);
    if (rc == SMPF_OK)
        rc = smpf_pigments_load("datasets", &pigments, &err);
    if (rc == SMPF_OK)
        rc = smpf_tissue_load("datasets", &tissue, &err);
    if (rc == SMPF_OK)
        rc = smpf_kin_params_load("datasets/kinetics_params.csv", &kin, &err);
    if (rc == SMPF_OK)
        rc = smpf_projector_new(ctx, pigments, tissue, &pj, &err);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    smpf_projector_free(pj);
    smpf_tissue_free(tissue);
    smpf_pigments_free(pigments);
    smpf_context_free(ctx);
    return 0;
}

static void check_finite(const smpf_projection_t *pr)
{
    for (size_t i = 0; i < pr->npoints; i++) {
        const smpf_timeline_point_t *p = &pr->points[i];
        const double v[] = {p->years, p->fraction_remaining, p->L, p->a, p->b, p->C, p->h,
                            p->dE00, p->contrast, p->cast_h, p->cast_ratio, p->cast_C,
                            p->hue_shift_deg, p->blur, p->centroid_mm, p->dot_sigma_mm};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
            if (!isfinite(v[k]))
                fail_msg("point %zu, value %zu is not finite", i, k);
        assert_true(p->fraction_remaining >= 0 && p->fraction_remaining <= 1 + 1e-12);
        assert_true(p->L >= 0 && p->L <= 100);
    }
    const double n[] = {pr->natural_fraction_remaining, pr->natural_dE00,
                        pr->natural_hue_shift_deg, pr->natural_contrast, pr->healed.dL,
                        pr->healed.cast_ratio, pr->healed.cast_hue_deg};
    for (size_t k = 0; k < sizeof n / sizeof n[0]; k++)
        assert_true(isfinite(n[k]));
    assert_true(pr->healed.dL < 0); /* black ink: never lighter than the skin */
}

static void run(smpf_project_inputs_t *in, smpf_projection_t *pr)
{
    smpf_project_params_t par;
    smpf_error_t err = {0};
    if (smpf_project_params_median(pigments, tissue, &kin, in, &par, &err) != SMPF_OK ||
        smpf_project(pj, in, &par, pr, &err) != SMPF_OK)
        fail_msg("%s", err.message);
    check_finite(pr);
}

static void test_depth_limits(void **state)
{
    (void)state;
    smpf_project_inputs_t in;
    smpf_project_inputs_default(&in);
    in.years = 2;
    smpf_projection_t shallow, deep;
    in.depth_mm = 0.05; /* mostly in the epidermis: shed within weeks */
    run(&in, &shallow);
    in.depth_mm = 3.0; /* far below what light reaches: barely visible */
    run(&in, &deep);
    assert_true(shallow.healed.dL < deep.healed.dL);
    assert_true(fabs(deep.healed.dL) < 1.0);
    assert_true(shallow.natural_fraction_remaining < deep.natural_fraction_remaining);
    smpf_projection_free(&shallow);
    smpf_projection_free(&deep);
}

static void test_no_sun_and_all_day_equatorial_sun(void **state)
{
    (void)state;
    smpf_project_inputs_t in;
    smpf_project_inputs_default(&in);
    in.years = 2;
    in.depth_mm = 0.2;
    in.touchups = 0;
    smpf_projection_t dark, sunny;
    in.client.outdoor_hours_per_day = 0;
    run(&in, &dark);
    in.client.outdoor_hours_per_day = 24;
    in.client.latitude_deg = 0;
    run(&in, &sunny);
    assert_true(sunny.natural_fraction_remaining <= dark.natural_fraction_remaining);
    smpf_projection_free(&dark);
    smpf_projection_free(&sunny);
}

static void test_hundred_years(void **state)
{
    (void)state;
    smpf_project_inputs_t in;
    smpf_project_inputs_default(&in);
    in.years = SMPF_PROJECT_MAX_YEARS;
    in.step_months = 12;
    smpf_projection_t pr;
    run(&in, &pr);
    assert_int_equal(pr.npoints, 101);
    assert_float_equal(pr.points[100].years, 100.0, 1e-9);
    assert_true(pr.natural_fraction_remaining < 0.5);
    for (size_t i = 1; i < pr.ntouchups; i++)
        assert_true(pr.touchups_years[i] > pr.touchups_years[i - 1]);
    smpf_projection_free(&pr);
}

static void test_tiny_and_huge_amounts(void **state)
{
    (void)state;
    smpf_project_inputs_t in;
    smpf_project_inputs_default(&in);
    in.years = 1;
    smpf_project_params_t par;
    smpf_error_t err = {0};
    smpf_projection_t tiny, huge;
    assert_int_equal(smpf_project_params_median(pigments, tissue, &kin, &in, &par, &err), SMPF_OK);
    par.column_mm = 1e-7; /* a trace of pigment */
    assert_int_equal(smpf_project(pj, &in, &par, &tiny, &err), SMPF_OK);
    check_finite(&tiny);
    par.column_mm = 0.05; /* pigment as thick as the whole deposit window */
    assert_int_equal(smpf_project(pj, &in, &par, &huge, &err), SMPF_OK);
    check_finite(&huge);
    /* More pigment is never lighter; with the dermis above scattering light back, even a
     * saturated layer at 0.5 mm stays far from black (MODEL.md §4: ΔL* about -17 to -29). */
    assert_true(tiny.healed.dL > huge.healed.dL);
    assert_true(fabs(tiny.healed.dL) < 1.0);
    assert_true(huge.healed.dL > -35 && huge.healed.dL < -10);
    smpf_projection_free(&tiny);
    smpf_projection_free(&huge);
    /* None at all: refused with a reason, not a division by zero. */
    par.column_mm = 0;
    smpf_projection_t none;
    assert_int_equal(smpf_project(pj, &in, &par, &none, &err), SMPF_ERR_USAGE);
    assert_non_null(strstr(err.message, "indistinguishable from the skin"));
}

static void test_cli_amount_extremes(void **state)
{
    (void)state;
    const char *amounts[] = {"1e-6", "1"};
    for (size_t i = 0; i < 2; i++) {
        test_run_t r = test_run_cli("optics skin --amount %s --format csv", amounts[i]);
        assert_int_equal(r.status, 0);
        assert_null(strstr(r.out, "nan"));
        assert_null(strstr(r.out, "inf"));
        test_run_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_depth_limits),
        cmocka_unit_test(test_no_sun_and_all_day_equatorial_sun),
        cmocka_unit_test(test_hundred_years),
        cmocka_unit_test(test_tiny_and_huge_amounts),
        cmocka_unit_test(test_cli_amount_extremes),
    };
    return cmocka_run_group_tests_name("extremes", tests, setup, teardown);
}
