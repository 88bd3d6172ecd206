/* The projection: touch-up times found by root finding land on the threshold (checked by
 * a separate computation with the kinetics and optics called directly), the defaults land
 * where practice does, temporary against permanent, depth and cast, and the ensemble's
 * determinism. */
#include "smpfade.h"
#include "model_fixture.h"
#include "test_util.h"

#include <math.h>

static void project(const smpf_project_inputs_t *in, smpf_project_params_t *par,
                    smpf_projection_t *pr)
{
    smpf_error_t err = {0};
    if (smpf_project_params_median(pigments, tissue, &kin, in, par, &err) != SMPF_OK ||
        smpf_project(pj, in, par, pr, &err) != SMPF_OK)
        fail_msg("%s", err.message);
}

/* The kinetic simulation of the initial sessions alone, run to t_days; its summary. */
static smpf_kin_sim_t *direct_sim(const smpf_project_inputs_t *in,
                                  const smpf_project_params_t *par, double t_days,
                                  smpf_kin_summary_t *sum)
{
    smpf_error_t err = {0};
    smpf_kin_sim_t *sim;
    smpf_kin_schedule_t sched;
    smpf_kin_schedule_sessions(&par->kin, (size_t)in->sessions, in->session_interval_days,
                               in->start_day_of_year, &sched);
    assert_int_equal(smpf_kin_sim_new(12, &sim, &err), SMPF_OK);
    assert_int_equal(smpf_kin_sim_start(sim, &par->kin, &par->ink, &in->client, &sched, &err),
                     SMPF_OK);
    assert_int_equal(smpf_kin_sim_advance(sim, t_days, &err), SMPF_OK);
    smpf_kin_sim_summary(sim, sum);
    return sim;
}

/* The dot against the skin at t_days, computed without the projection module: the
 * kinetic simulation, its sublayers turned into a pigment profile, the tissue optics. */
static smpf_cast_t direct_cast(const smpf_project_inputs_t *in, const smpf_project_params_t *par,
                               double t_days)
{
    smpf_error_t err = {0};
    smpf_ad_t *ad;
    smpf_kin_summary_t sum;
    smpf_kin_sim_t *sim = direct_sim(in, par, t_days, &sum);
    smpf_pigment_profile_t prof = {0};
    prof.ncomponents = par->ink.ncomponents;
    for (size_t c = 0; c < prof.ncomponents; c++) {
        const smpf_component_t *comp = smpf_pigments_component(
            pigments, (size_t)smpf_pigments_find_component(pigments, par->ink.component[c].name));
        prof.mua_per_mm[c] = comp->mua_per_mm;
        prof.musp_per_mm[c] = comp->musp_per_mm;
    }
    prof.nslices = smpf_kin_sim_nsublayers(sim);
    for (size_t j = 0; j < prof.nslices; j++) {
        smpf_kin_sim_sublayer(sim, j, &prof.slice[j].top_mm, &prof.slice[j].thickness_mm);
        for (size_t c = 0; c < prof.ncomponents; c++)
            prof.slice[j].fraction[c] = smpf_kin_sim_in_skin(sim, j, c) * sum.peak_dilution *
                                        par->column_mm / prof.slice[j].thickness_mm;
    }
    double R_dot[SMPF_NWL], R_skin[SMPF_NWL];
    assert_int_equal(smpf_ad_new(SMPF_AD_SKIN_QUAD_POINTS, &ad, &err), SMPF_OK);
    assert_int_equal(smpf_tissue_reflectance(ad, tissue, &par->skin, &prof, R_dot, R_skin, &err),
                     SMPF_OK);
    smpf_cast_t cast;
    smpf_cast(ctx, R_dot, R_skin, &cast);
    smpf_ad_free(ad);
    smpf_kin_sim_free(sim);
    return cast;
}

static void test_touchup_time_lands_on_threshold(void **state)
{
    (void)state;
    smpf_project_inputs_t in;
    smpf_project_inputs_default(&in);
    in.years = 8;
    in.touchups = 0;
    in.criteria.active[SMPF_CRIT_CONTRAST] = 0;
    in.criteria.active[SMPF_CRIT_BLUR] = 0;
    smpf_project_params_t par;
    smpf_projection_t pr;
    project(&in, &par, &pr);
    assert_int_equal(pr.touchup_criterion, SMPF_CRIT_DE00);
    assert_true(isfinite(pr.touchup_years));
    const double t_healed = 2 * in.session_interval_days + SMPF_HEALED_AFTER_DAYS;
    smpf_cast_t healed = direct_cast(&in, &par, t_healed);
    /* The projection's colours come from the fast optics (within 0.1 ΔE00 of these direct
     * solves, tests/test_fast_path.c); ΔL* of the healed dot agrees to ~1e-4. */
    assert_float_equal(healed.dL, pr.healed.dL, 0.01);
    const double t = pr.touchup_years * SMPF_DAYS_PER_YEAR;
    smpf_cast_t at = direct_cast(&in, &par, t);
    /* The crossing is refined to within 0.25 day; ΔE00 moves by < 0.002 a day here. */
    assert_float_equal(smpf_color_de00(at.dot, healed.dot), in.criteria.threshold[SMPF_CRIT_DE00],
                       0.01);
    smpf_cast_t before = direct_cast(&in, &par, t - 30);
    assert_true(smpf_color_de00(before.dot, healed.dot) < in.criteria.threshold[SMPF_CRIT_DE00]);
    smpf_projection_free(&pr);
}

/* Where the dot first heals, the criteria start from the healed reference itself (the
 * projection evaluates no colour there): blur is the kinetics' at that time, so a blur
 * threshold just under it is crossed on healing, one just over it is not. */
static void test_criteria_start_at_the_healed_dot(void **state)
{
    (void)state;
    smpf_project_inputs_t in;
    smpf_project_inputs_default(&in);
    in.years = 3;
    smpf_project_params_t par;
    smpf_projection_t pr;
    project(&in, &par, &pr); /* the parameters */
    smpf_projection_free(&pr);
    const double t_healed = 2 * in.session_interval_days + SMPF_HEALED_AFTER_DAYS;
    smpf_kin_summary_t sum;
    smpf_kin_sim_free(direct_sim(&in, &par, t_healed, &sum));
    for (int side = -1; side <= 1; side += 2) {
        smpf_criteria_default(&in.criteria);
        in.criteria.active[SMPF_CRIT_CONTRAST] = in.criteria.active[SMPF_CRIT_DE00] = 0;
        in.criteria.threshold[SMPF_CRIT_BLUR] = sum.blur_ratio * (1 + side * 1e-6);
        project(&in, &par, &pr);
        const double limit_days = pr.limit_years[SMPF_CRIT_BLUR] * SMPF_DAYS_PER_YEAR;
        if (side < 0)
            assert_float_equal(limit_days, t_healed, 1e-9);
        else
            assert_false(fabs(limit_days - t_healed) < 1e-9); /* later, or never */
        smpf_projection_free(&pr);
    }
}

/* MODEL.md §5: permanent SMP touch-ups every ~3-5 years, clinic claims 2-10. */
static void test_permanent_default_lands_in_clinic_range(void **state)
{
    (void)state;
    smpf_project_inputs_t in;
    smpf_project_inputs_default(&in);
    smpf_project_params_t par;
    smpf_projection_t pr;
    project(&in, &par, &pr);
    assert_true(pr.touchup_years >= 2.0 && pr.touchup_years <= 10.0);
    /* Each touch-up brings the dot back under the thresholds once it has healed. */
    for (size_t k = 0; k < pr.ntouchups; k++) {
        const double healed_years = pr.touchups_years[k] + SMPF_HEALED_AFTER_DAYS / 365.25 + 0.25;
        for (size_t i = 0; i < pr.npoints; i++)
            if (pr.points[i].years >= healed_years) {
                assert_true(pr.points[i].dE00 < in.criteria.threshold[SMPF_CRIT_DE00]);
                break;
            }
    }
    smpf_projection_free(&pr);
}

static void test_temporary_fades_sooner_and_leaves_less(void **state)
{
    (void)state;
    smpf_project_inputs_t in;
    smpf_project_inputs_default(&in);
    in.years = 6;
    smpf_project_params_t par;
    smpf_projection_t perm, temp;
    project(&in, &par, &perm);
    snprintf(in.ink, sizeof in.ink, "temp_biodegradable");
    project(&in, &par, &temp);
    assert_true(temp.touchup_years < perm.touchup_years);
    assert_true(temp.touchup_years >= 0.5 && temp.touchup_years <= 3.0); /* vendors: 1-3 years */
    assert_true(temp.natural_fraction_remaining < 0.5 * perm.natural_fraction_remaining);
    assert_true(temp.ntouchups > perm.ntouchups);
    smpf_projection_free(&perm);
    smpf_projection_free(&temp);
}

/* MODEL.md §4: deeper pigment casts bluer per unit of darkness and drifts toward
 * blue-green; it is fainter, so its absolute b* is not the measure. */
static void test_deeper_casts_bluer(void **state)
{
    (void)state;
    smpf_project_inputs_t in;
    smpf_project_inputs_default(&in);
    in.years = 1;
    smpf_project_params_t par;
    smpf_projection_t shallow, deep;
    in.depth_mm = 0.4;
    project(&in, &par, &shallow);
    in.depth_mm = 1.0;
    project(&in, &par, &deep);
    assert_true(deep.healed.cast_ratio > shallow.healed.cast_ratio);
    assert_true(deep.healed.cast_hue_deg < shallow.healed.cast_hue_deg);
    assert_true(deep.healed.cast_hue_deg > 180 && shallow.healed.cast_hue_deg < 270);
    assert_true(deep.healed.dL > shallow.healed.dL); /* fainter */
    assert_true(deep.healed.dot.b > shallow.healed.dot.b);
    smpf_projection_free(&shallow);
    smpf_projection_free(&deep);
}

static void test_ensemble_is_deterministic(void **state)
{
    (void)state;
    smpf_project_inputs_t in;
    smpf_project_inputs_default(&in);
    in.years = 1.5;
    in.step_months = 6;
    smpf_param_space_t space;
    smpf_error_t err = {0};
    assert_int_equal(smpf_param_space_init(pigments, tissue, &kin, &in, &space, &err), SMPF_OK);
    smpf_ensemble_t *a, *b, *c;
    assert_int_equal(smpf_ensemble_new(4, in.years, &a, &err), SMPF_OK);
    assert_int_equal(smpf_ensemble_new(4, in.years, &b, &err), SMPF_OK);
    assert_int_equal(smpf_ensemble_new(4, in.years, &c, &err), SMPF_OK);
    assert_int_equal(smpf_ensemble_run(ctx, pigments, tissue, &space, &in, 7, 0, 4, 1, a, NULL,
                                       NULL, &err), SMPF_OK);
    assert_int_equal(smpf_ensemble_run(ctx, pigments, tissue, &space, &in, 7, 0, 4, 2, b, NULL,
                                       NULL, &err), SMPF_OK);
    /* Two shards, samples 0-1 and 2-3, add up to the same counts. */
    assert_int_equal(smpf_ensemble_run(ctx, pigments, tissue, &space, &in, 7, 0, 2, 1, c, NULL,
                                       NULL, &err), SMPF_OK);
    assert_int_equal(smpf_ensemble_run(ctx, pigments, tissue, &space, &in, 7, 2, 2, 2, c, NULL,
                                       NULL, &err), SMPF_OK);
    assert_int_equal(smpf_ensemble_samples(a), 4);
    assert_int_equal(smpf_ensemble_samples(c), 4);
    const size_t n = smpf_ensemble_ncounts(a) * sizeof(uint32_t);
    assert_memory_equal(smpf_ensemble_counts(a), smpf_ensemble_counts(b), n);
    assert_memory_equal(smpf_ensemble_counts(a), smpf_ensemble_counts(c), n);
    smpf_ensemble_free(a);
    smpf_ensemble_free(b);
    smpf_ensemble_free(c);
}

/* A draw puts the 5 % and 95 % quantiles on lo and hi and the median in the middle. */
static void test_distribution_draws(void **state)
{
    (void)state;
    smpf_dist_t d = {2.0, 0.5, 10.0};
    assert_float_equal(smpf_dist_draw(d, 0, 0.0), 2.0, 1e-12);
    assert_float_equal(smpf_dist_draw(d, 0, -1.6448536269514722), 0.5, 1e-9);
    assert_float_equal(smpf_dist_draw(d, 0, 1.6448536269514722), 10.0, 1e-9);
    smpf_dist_t f = {0.3, 0.1, 0.7};
    assert_float_equal(smpf_dist_draw(f, 1, -1.6448536269514722), 0.1, 1e-9);
    assert_float_equal(smpf_dist_draw(f, 1, 1.6448536269514722), 0.7, 1e-9);
    smpf_dist_t fixed = {0.0, 0.0, 0.0};
    assert_float_equal(smpf_dist_draw(fixed, 0, 1.0), 0.0, 0);
}

/* Regressions from review: a second criterion crossing in the same scan step is still
 * found; crossings do not depend on the timeline step; a capped list of touch-ups says so. */
static void test_crossings_are_not_lost(void **state)
{
    (void)state;
    smpf_project_inputs_t in;
    smpf_project_inputs_default(&in);
    smpf_error_t err = {0};
    assert_int_equal(smpf_criteria_parse("contrast:0.75,de00:1.8,blur:0.875", &in.criteria, &err),
                     SMPF_OK);
    smpf_project_params_t par;
    smpf_projection_t pr;
    project(&in, &par, &pr);
    assert_true(isfinite(pr.limit_years[SMPF_CRIT_BLUR]));
    assert_true(isfinite(pr.touchup_years)); /* de00 crosses in the step where blur does */
    assert_true(pr.limit_years[SMPF_CRIT_BLUR] < pr.touchup_years);
    smpf_projection_free(&pr);

    snprintf(in.ink, sizeof in.ink, "temp_biodegradable");
    in.sessions = 1;
    in.years = 1;
    assert_int_equal(smpf_criteria_parse("de00:0.1", &in.criteria, &err), SMPF_OK);
    smpf_projection_t quarterly, monthly;
    in.step_months = 3;
    project(&in, &par, &quarterly);
    in.step_months = 1;
    project(&in, &par, &monthly);
    assert_int_equal(quarterly.ntouchups, monthly.ntouchups);
    assert_true(quarterly.ntouchups >= 1);
    assert_float_equal(quarterly.touchups_years[0], monthly.touchups_years[0], 1e-3);
    assert_float_equal(quarterly.limit_years[SMPF_CRIT_DE00], monthly.limit_years[SMPF_CRIT_DE00],
                       1e-9);
    smpf_projection_free(&quarterly);
    smpf_projection_free(&monthly);

    in.years = 20;
    in.step_months = 12;
    assert_int_equal(smpf_criteria_parse("de00:0.3", &in.criteria, &err), SMPF_OK);
    project(&in, &par, &pr);
    assert_int_equal(pr.ntouchups, SMPF_PROJECT_MAX_TOUCHUPS);
    assert_true(pr.touchups_truncated);
    smpf_projection_free(&pr);
}

static void test_criteria_parse(void **state)
{
    (void)state;
    smpf_criteria_t c;
    smpf_error_t err = {0};
    assert_int_equal(smpf_criteria_parse("hue:12,blur:0.8", &c, &err), SMPF_OK);
    assert_true(c.active[SMPF_CRIT_HUE] && c.active[SMPF_CRIT_BLUR]);
    assert_false(c.active[SMPF_CRIT_CONTRAST] || c.active[SMPF_CRIT_DE00]);
    assert_float_equal(c.threshold[SMPF_CRIT_HUE], 12, 0);
    assert_int_equal(smpf_criteria_parse("contrast:1.5", &c, &err), SMPF_ERR_USAGE);
    assert_non_null(strstr(err.message, "[0.01, 0.99]"));
    assert_int_equal(smpf_criteria_parse("sharpness:1", &c, &err), SMPF_ERR_USAGE);
    assert_non_null(strstr(err.message, "choices: contrast, de00, hue, blur"));
    assert_int_equal(smpf_criteria_parse("de00", &c, &err), SMPF_ERR_USAGE);
    assert_int_equal(smpf_criteria_parse("de00:2,de00:3", &c, &err), SMPF_ERR_USAGE);
    /* Regression (fuzz_client): separators alone are no criteria at all. */
    assert_int_equal(smpf_criteria_parse(",", &c, &err), SMPF_ERR_USAGE);
    assert_int_equal(smpf_criteria_parse(",,", &c, &err), SMPF_ERR_USAGE);
}

static void test_client_profile(void **state)
{
    (void)state;
    smpf_project_inputs_t in;
    smpf_project_inputs_default(&in);
    smpf_error_t err = {0};
    assert_int_equal(smpf_client_profile_load("examples/client_example.csv", &in, &err), SMPF_OK);
    assert_int_equal(in.client.skin_type, 3);
    assert_float_equal(in.client.spf, 30, 0);
    assert_float_equal(in.depth_mm, 0.6, 0);
    assert_string_equal(in.ink, "smp_carbon");
    const struct {
        const char *text, *fragment;
    } bad[] = {
        {"key,value\nskin_type,7\n", ":2:2: column 'value': 7 is outside the range [1, 6]"},
        {"key,value\nskin_type,2.5\n", ":2:2: skin_type: expected a whole number"},
        {"key,value\nlatitude_deg,north\n", ":2:2: column 'value': expected a finite number"},
        {"key,value\nshoe_size,44\n", ":2:1: unknown key 'shoe_size'"},
        {"key,value\nspf,30\nspf,50\n", ":3:1: key 'spf' is set twice"},
        {"key,value\ncriteria,contrast:2\n", ":2:2: criterion contrast"},
        {"key,val\nspf,30\n", "missing column 'value'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *path = test_write_temp(".csv", bad[i].text, strlen(bad[i].text));
        smpf_project_inputs_t before = in;
        assert_int_equal(smpf_client_profile_load(path, &in, &err), SMPF_ERR_DATA);
        if (!strstr(err.message, bad[i].fragment))
            fail_msg("case %zu: '%s' lacks '%s'", i, err.message, bad[i].fragment);
        assert_memory_equal(&before, &in, sizeof in); /* nothing applied */
        unlink(path);
        free(path);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_touchup_time_lands_on_threshold),
        cmocka_unit_test(test_criteria_start_at_the_healed_dot),
        cmocka_unit_test(test_permanent_default_lands_in_clinic_range),
        cmocka_unit_test(test_temporary_fades_sooner_and_leaves_less),
        cmocka_unit_test(test_deeper_casts_bluer),
        cmocka_unit_test(test_ensemble_is_deterministic),
        cmocka_unit_test(test_distribution_draws),
        cmocka_unit_test(test_crossings_are_not_lost),
        cmocka_unit_test(test_criteria_parse),
        cmocka_unit_test(test_client_profile),
    };
    return cmocka_run_group_tests_name("projection", tests, model_setup, model_teardown);
}
