/* The smp fit model (model/fit_smp.c) and `smpfade fit --model smp`.
 *
 * The synthetic data here come from the kinetic model itself, so recovering their
 * parameters checks identifiability and the plumbing (parameter names, bounds and
 * transforms, time order and offset, the reused simulation, intervals), not the science.
 * Truths used: a direct run of the simulation (smpf_kin_sim_*) as a second path to the
 * model's values; the generating parameters and the 95 % coverage over seeds; exact
 * degeneracies (a parameter the quantity does not depend on; two that act only through
 * one rate); for Liu et al. 2025, the top-up rule (density 1 just after the last session)
 * and the sign of the observed fall against the model's smallest possible fall. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <gsl/gsl_randist.h>
#include <jansson.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kinetics_test_util.h"
#include "smpfade.h"
#include "test_util.h"

static const double T_DAYS[] = {0, 7, 14, 28, 56, 90, 180, 365, 730, 1095, 1460, 1825};
#define NT (sizeof T_DAYS / sizeof T_DAYS[0])
#define TRUE_RATIO 0.04
#define TRUE_K_LYMPH0 0.2
#define TRUE_Y0 0.9

typedef struct {
    smpf_kin_params_t params;
    smpf_pigments_t *cat;
    smpf_kin_ink_t ink;
    smpf_client_t client;
    smpf_kin_schedule_t schedule;
} setup_t;

static void setup_load(setup_t *s, const char *ink)
{
    smpf_error_t err = {0};
    memset(s, 0, sizeof *s);
    if (smpf_kin_params_load("datasets/kinetics_params.csv", &s->params, &err) != SMPF_OK ||
        smpf_pigments_load("datasets", &s->cat, &err) != SMPF_OK ||
        smpf_kin_ink_from_catalogue(s->cat, ink, &s->ink, &err) != SMPF_OK)
        fail_msg("%s", err.message);
    smpf_client_default(&s->client);
    smpf_kin_schedule_default(&s->params, 121, &s->schedule);
}

static smpf_fit_smp_t *model_new(const setup_t *s, double t_offset_days,
                                 const smpf_fit_smp_quantity_t *q)
{
    smpf_fit_smp_config_t cfg = {.params = &s->params, .ink = &s->ink, .client = &s->client,
                                 .schedule = &s->schedule, .nsublayers = 10,
                                 .t_offset_days = t_offset_days, .quantity = q};
    smpf_fit_smp_t *m = NULL;
    smpf_error_t err = {0};
    if (smpf_fit_smp_new(&cfg, &m, &err) != SMPF_OK)
        fail_msg("%s", err.message);
    return m;
}

static size_t param_index(const smpf_fit_model_t *m, const char *name)
{
    for (size_t j = 0; j < m->nparams; j++)
        if (strcmp(m->param_names[j], name) == 0)
            return j;
    fail_msg("no parameter %s", name);
    return 0;
}

/* The configured values of every parameter (the model's automatic start), y0 = 1. */
static void configured_values(const smpf_fit_model_t *m, double *p)
{
    double ones[NT];
    smpf_error_t err = {0};
    for (size_t i = 0; i < NT; i++)
        ones[i] = 1.0;
    if (m->start(m->user, T_DAYS, ones, NT, p, &err) != SMPF_OK)
        fail_msg("%s", err.message);
    p[param_index(m, "y0")] = 1.0;
}

/* Noise-free data at the truth: y0 0.9, lymph_healed_ratio 0.04, k_lymph0 0.2. */
static void truth_curve(const setup_t *s, double *y)
{
    smpf_fit_smp_t *m = model_new(s, 0, NULL);
    const smpf_fit_model_t *fm = smpf_fit_smp_model(m);
    double p[128];
    smpf_error_t err = {0};
    configured_values(fm, p);
    p[param_index(fm, "y0")] = TRUE_Y0;
    p[param_index(fm, "lymph_healed_ratio")] = TRUE_RATIO;
    p[param_index(fm, "k_lymph0_per_day")] = TRUE_K_LYMPH0;
    if (fm->eval(fm->user, 0, p, T_DAYS, NT, y, &err) != SMPF_OK)
        fail_msg("%s", err.message);
    smpf_fit_smp_free(m);
}

static int fit_free(const smpf_fit_model_t *fm, const double *t, const double *y,
                    const double *sigma, size_t n, const char *const *names, size_t nfree,
                    smpf_fit_t **fit, smpf_error_t *err)
{
    smpf_fit_data_t d = {.n = n, .nseries = 1, .t_days = t, .value = y, .sigma = sigma};
    int rc = smpf_fit_new(fm, &d, fit, err);
    if (rc == SMPF_OK && sigma)
        rc = smpf_fit_set_weights(*fit, SMPF_FIT_WEIGHTS_SIGMA, err);
    if (rc == SMPF_OK)
        rc = smpf_fit_free_only(*fit, names, nfree, err);
    if (rc == SMPF_OK)
        rc = smpf_fit_run(*fit, err);
    return rc;
}

static const smpf_fit_param_t *result_param(const smpf_fit_result_t *r, const char *name)
{
    for (size_t i = 0; i < r->nparams; i++)
        if (strcmp(r->params[i].name, name) == 0)
            return &r->params[i];
    fail_msg("no result for %s", name);
    return NULL;
}

/* A test quantity: pigment held by macrophages (compartment M), summed. */
static int quantity_macrophage(void *user, const smpf_fit_smp_state_t *st, double *value,
                               smpf_error_t *err)
{
    (void)err;
    (*(int *)user)++;
    double sum = 0;
    for (size_t j = 0; j < smpf_kin_sim_nsublayers(st->sim); j++)
        for (size_t c = 0; c < smpf_kin_sim_ncomponents(st->sim); c++)
            sum += smpf_kin_sim_amount(st->sim, j, c, SMPF_KC_M);
    *value = sum;
    return SMPF_OK;
}

/* The model's values equal a direct simulation with the same settings: unsorted times, a
 * time offset, a component parameter, the depth parameter moving every session, and a
 * caller's quantity callback (the way optical quantities plug in). */
static void test_eval_matches_direct_simulation(void **state)
{
    (void)state;
    setup_t s;
    setup_load(&s, "tattoo_black_pb15");
    s.client.latitude_deg = 30;
    s.client.outdoor_hours_per_day = 4;
    const double offset = 28, t[] = {365, 0, 90, 1825, 7, 90};
    const size_t n = sizeof t / sizeof t[0];
    int calls = 0;
    smpf_fit_smp_quantity_t q = {"macrophage", "pigment held by macrophages",
                                 quantity_macrophage, &calls};
    const smpf_fit_smp_quantity_t *quantities[2] = {NULL, &q};
    for (int k = 0; k < 2; k++) {
        smpf_fit_smp_t *m = model_new(&s, offset, quantities[k]);
        const smpf_fit_model_t *fm = smpf_fit_smp_model(m);
        double p[128], y[8];
        smpf_error_t err = {0};
        configured_values(fm, p);
        p[param_index(fm, "y0")] = 2.5;
        p[param_index(fm, "phthalocyanine_blue.uv_beta_cm2_per_J")] = 3.0;
        p[param_index(fm, "needle_depth_mm")] = 0.3;
        calls = 0;
        assert_int_equal(fm->eval(fm->user, 0, p, t, n, y, &err), SMPF_OK);
        assert_int_equal(calls, k == 1 ? (int)n : 0); /* once per data time */

        /* the same by hand */
        smpf_kin_params_t kp = s.params;
        smpf_kin_ink_t ink = s.ink;
        smpf_kin_schedule_t sc = s.schedule;
        assert_int_equal(smpf_kin_params_set(&kp, "needle_depth_mm", 0.3, &err), SMPF_OK);
        for (size_t c = 0; c < ink.ncomponents && c < SMPF_KIN_MAX_COMPONENTS; c++)
            if (strcmp(ink.component[c].name, "phthalocyanine_blue") == 0)
                ink.component[c].uv_beta_cm2_per_J = 3.0;
        for (size_t i = 0; i < sc.nsessions; i++)
            sc.session[i].needle_depth_mm = 0.3;
        smpf_kin_sim_t *sim = NULL;
        assert_int_equal(smpf_kin_sim_new(10, &sim, &err), SMPF_OK);
        const double sorted[] = {0, 7, 90, 365, 1825};
        const size_t where[][2] = {{1, 1}, {4, 4}, {2, 5}, {0, 0}, {3, 3}}; /* in t[] */
        assert_int_equal(smpf_kin_sim_start(sim, &kp, &ink, &s.client, &sc, &err), SMPF_OK);
        for (size_t i = 0; i < 5; i++) {
            assert_int_equal(smpf_kin_sim_advance(sim, sorted[i] + offset, &err), SMPF_OK);
            double direct;
            if (k == 0) {
                smpf_kin_summary_t su;
                smpf_kin_sim_summary(sim, &su);
                direct = su.fraction_remaining;
            } else {
                direct = 0;
                for (size_t j = 0; j < 10; j++)
                    for (size_t c = 0; c < ink.ncomponents; c++)
                        direct += smpf_kin_sim_amount(sim, j, c, SMPF_KC_M);
            }
            assert_near(y[where[i][0]], 2.5 * direct, 1e-13);
            assert_near(y[where[i][1]], 2.5 * direct, 1e-13);
        }
        smpf_kin_sim_free(sim);
        smpf_fit_smp_free(m);
    }
    smpf_pigments_free(s.cat);
}

/* Noise-free data from the truth, fitted from the dataset medians: exact recovery. */
static void test_noise_free_recovery(void **state)
{
    (void)state;
    setup_t s;
    setup_load(&s, "smp_carbon");
    double y[NT];
    truth_curve(&s, y);
    smpf_fit_smp_t *m = model_new(&s, 0, NULL);
    static const char *const names[] = {"y0", "lymph_healed_ratio", "k_lymph0_per_day"};
    smpf_fit_t *fit = NULL;
    smpf_error_t err = {0};
    if (fit_free(smpf_fit_smp_model(m), T_DAYS, y, NULL, NT, names, 3, &fit, &err) != SMPF_OK)
        fail_msg("%s", err.message);
    const smpf_fit_result_t *r = smpf_fit_result(fit);
    assert_near(result_param(r, "y0")->estimate, TRUE_Y0, 1e-6 * TRUE_Y0);
    assert_near(result_param(r, "lymph_healed_ratio")->estimate, TRUE_RATIO, 1e-6 * TRUE_RATIO);
    assert_near(result_param(r, "k_lymph0_per_day")->estimate, TRUE_K_LYMPH0,
                1e-6 * TRUE_K_LYMPH0);
    /* the others stay at the medians they were fixed at */
    assert_true(result_param(r, "k_cap_per_day")->fixed);
    assert_near(result_param(r, "k_cap_per_day")->estimate, s.params.info[SMPF_KP_K_CAP_PER_DAY].median, 0);
    assert_near(result_param(r, "carbon_black.k_bio_per_day")->estimate, 0, 0);
    smpf_fit_free(fit);
    smpf_fit_smp_free(m);
    smpf_pigments_free(s.cat);
}

/* Noisy data (sd 0.01, known): the 95 % intervals cover the truth in about 95 % of 50
 * seeded data sets (at least 43: 3 binomial SD below 47.5). */
#define NSEEDS 50
static void test_noisy_coverage(void **state)
{
    (void)state;
    setup_t s;
    setup_load(&s, "smp_carbon");
    double y[NT], yn[NT], sigma[NT];
    truth_curve(&s, y);
    smpf_fit_smp_t *m = model_new(&s, 0, NULL);
    static const char *const names[] = {"y0", "lymph_healed_ratio", "k_lymph0_per_day"};
    const double truth[] = {TRUE_Y0, TRUE_RATIO, TRUE_K_LYMPH0};
    int covered[3] = {0};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    for (unsigned long seed = 1; seed <= NSEEDS; seed++) {
        gsl_rng_set(rng, seed);
        for (size_t i = 0; i < NT; i++) {
            sigma[i] = 0.01;
            yn[i] = y[i] + gsl_ran_gaussian(rng, sigma[i]);
        }
        smpf_fit_t *fit = NULL;
        smpf_error_t err = {0};
        if (fit_free(smpf_fit_smp_model(m), T_DAYS, yn, sigma, NT, names, 3, &fit, &err) !=
            SMPF_OK)
            fail_msg("seed %lu: %s", seed, err.message);
        const smpf_fit_result_t *r = smpf_fit_result(fit);
        for (size_t k = 0; k < 3; k++) {
            const smpf_fit_param_t *p = result_param(r, names[k]);
            covered[k] += p->ci95_low <= truth[k] && truth[k] <= p->ci95_high;
        }
        smpf_fit_free(fit);
    }
    gsl_rng_free(rng);
    print_message("coverage over %d seeds: y0 %d, lymph_healed_ratio %d, k_lymph0 %d; %zu "
                  "simulations\n",
                  NSEEDS, covered[0], covered[1], covered[2], smpf_fit_smp_nevals(m));
    for (size_t k = 0; k < 3; k++)
        assert_in_range(covered[k], 43, NSEEDS);
    smpf_fit_smp_free(m);
    smpf_pigments_free(s.cat);
}

/* Parameters the data cannot separate are named, and the fit is refused. */
static void test_unidentifiable_reported(void **state)
{
    (void)state;
    setup_t s;
    setup_load(&s, "smp_carbon");
    double y[NT];
    truth_curve(&s, y);
    smpf_fit_smp_t *m = model_new(&s, 0, NULL);
    /* k_lymph0 and d50 act only through one drainage rate k_L0 / (1 + (d/d50)^h) */
    static const char *const pair[] = {"y0", "k_lymph0_per_day", "lymph_d50_nm"};
    /* the dot spacing does not enter the fraction remaining at all */
    static const char *const inert[] = {"y0", "lymph_healed_ratio", "dot_spacing_mm"};
    const char *const *sets[] = {pair, inert};
    for (int k = 0; k < 2; k++) {
        smpf_fit_t *fit = NULL;
        smpf_error_t err = {0};
        int rc = fit_free(smpf_fit_smp_model(m), T_DAYS, y, NULL, NT, sets[k], 3, &fit, &err);
        print_message("%s\n", err.message);
        assert_int_equal(rc, SMPF_ERR_NUMERIC);
        assert_non_null(strstr(err.message, "cannot identify"));
        assert_non_null(strstr(err.message, sets[k][2]));
        if (k == 0)
            assert_non_null(strstr(err.message, "k_lymph0_per_day"));
        smpf_fit_free(fit);
    }
    smpf_fit_smp_free(m);
    smpf_pigments_free(s.cat);
}

/* Liu et al. 2025 (two means, VDS 8.7 and 7.7, t = 0 just after the three sessions). */
static void load_liu(double *t, double *y, double *sigma)
{
    smpf_table_t *tab = NULL;
    smpf_error_t err = {0};
    if (smpf_table_load("datasets/research/liu2025_smp_visual_density.csv", &tab, &err) !=
        SMPF_OK)
        fail_msg("%s", err.message);
    assert_int_equal(smpf_table_rows(tab), 2);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(smpf_table_number(tab, i, "t_years", 0, 10, &t[i], &err), SMPF_OK);
        assert_int_equal(smpf_table_number(tab, i, "value", 0, 10, &y[i], &err), SMPF_OK);
        assert_int_equal(smpf_table_number(tab, i, "sigma", 0, 10, &sigma[i], &err), SMPF_OK);
        t[i] *= SMPF_DAYS_PER_YEAR;
    }
    smpf_table_free(tab);
}

static void test_liu2025(void **state)
{
    (void)state;
    setup_t s;
    setup_load(&s, "smp_carbon");
    double t[2], y[2], sigma[2];
    load_liu(t, y, sigma);
    const double last = s.schedule.session[s.schedule.nsessions - 1].t_days;
    smpf_fit_smp_t *m = model_new(&s, last, smpf_fit_smp_quantity_find("density"));
    const smpf_fit_model_t *fm = smpf_fit_smp_model(m);

    /* wound drainage free: the two points are met exactly; y0 is the first point, since the
     * last session tops the density up to exactly 1, with that point's sigma */
    static const char *const names[] = {"y0", "k_lymph0_per_day"};
    smpf_fit_t *fit = NULL;
    smpf_error_t err = {0};
    if (fit_free(fm, t, y, sigma, 2, names, 2, &fit, &err) != SMPF_OK ||
        smpf_fit_profile(fit, &err) != SMPF_OK)
        fail_msg("%s", err.message);
    const smpf_fit_result_t *r = smpf_fit_result(fit);
    assert_int_equal(r->dof, 0);
    assert_true(r->rss < 1e-12);
    const smpf_fit_param_t *y0 = result_param(r, "y0"), *kl = result_param(r, "k_lymph0_per_day");
    assert_near(y0->estimate, y[0], 1e-6);
    assert_near(y0->std_error, sigma[0], 1e-4);
    /* honestly wide: the Wald half-width exceeds half the estimate, and the profile
     * interval reaches zero drainage (the data do not exclude it) */
    print_message("Liu 2025: k_lymph0_per_day %.4g, Wald [%.4g, %.4g], profile [%.4g, %.4g]\n",
                  kl->estimate, kl->ci95_low, kl->ci95_high, kl->profile95_low,
                  kl->profile95_high);
    assert_true(kl->ci95_high - kl->estimate > 0.5 * kl->estimate);
    assert_true(kl->has_profile_low && kl->profile95_low == 0.0);
    assert_true(kl->has_profile_high && kl->profile95_high > kl->estimate);
    smpf_fit_free(fit);

    /* the default free set (y0, lymph_healed_ratio): even with no drainage after healing,
     * the model's healing loss at the medians exceeds the observed fall, so the fit runs to
     * lymph_healed_ratio = 0 and says so */
    double p[128], q[2];
    configured_values(fm, p);
    p[param_index(fm, "lymph_healed_ratio")] = 0.0;
    assert_int_equal(fm->eval(fm->user, 0, p, t, 2, q, &err), SMPF_OK);
    assert_true(q[1] / q[0] < y[1] / y[0]);
    static const char *const defaults[] = {"y0", "lymph_healed_ratio"};
    fit = NULL;
    assert_int_equal(fit_free(fm, t, y, sigma, 2, defaults, 2, &fit, &err), SMPF_ERR_NUMERIC);
    assert_non_null(strstr(err.message, "lymph_healed_ratio"));
    assert_non_null(strstr(err.message, "edge of its range"));
    smpf_fit_free(fit);
    smpf_fit_smp_free(m);
    smpf_pigments_free(s.cat);
}

/* Colour quantities: the model's dL* equals a direct computation (kinetic simulation,
 * its profile, the tissue optics), and a parameter is recovered from noise-free dL* data
 * generated by the model. */
static void test_optical_quantity(void **state)
{
    (void)state;
    setup_t s;
    setup_load(&s, "smp_carbon");
    smpf_error_t err = {0};
    smpf_context_t *ctx;
    smpf_tissue_t *tissue;
    smpf_fit_optics_t *optics;
    smpf_fit_smp_quantity_t q;
    assert_int_equal(smpf_context_new(NULL, &ctx, &err), SMPF_OK);
    assert_int_equal(smpf_tissue_load("datasets", &tissue, &err), SMPF_OK);
    assert_int_equal(smpf_fit_optics_new(ctx, s.cat, tissue, "hue", &optics, &q, &err),
                     SMPF_ERR_USAGE);
    assert_null(optics);
    assert_int_equal(smpf_fit_optics_new(ctx, s.cat, tissue, "dL", &optics, &q, &err), SMPF_OK);
    smpf_fit_smp_t *m = model_new(&s, 0, &q);
    const smpf_fit_model_t *fm = smpf_fit_smp_model(m);
    static const double t[] = {90, 730, 1825, 3650};
    double p[128], y[4];
    configured_values(fm, p);
    p[param_index(fm, "lymph_healed_ratio")] = 0.1;
    assert_int_equal(fm->eval(fm->user, 0, p, t, 4, y, &err), SMPF_OK);

    /* The second path at 730 days. */
    smpf_kin_params_t kp = s.params;
    assert_int_equal(smpf_kin_params_set(&kp, "lymph_healed_ratio", 0.1, &err), SMPF_OK);
    smpf_kin_sim_t *sim;
    assert_int_equal(smpf_kin_sim_new(10, &sim, &err), SMPF_OK);
    assert_int_equal(smpf_kin_sim_start(sim, &kp, &s.ink, &s.client, &s.schedule, &err), SMPF_OK);
    assert_int_equal(smpf_kin_sim_advance(sim, 730, &err), SMPF_OK);
    smpf_kin_summary_t sum;
    smpf_kin_sim_summary(sim, &sum);
    smpf_skin_t skin;
    assert_int_equal(smpf_tissue_skin(tissue, s.client.skin_type, &skin, &err), SMPF_OK);
    skin.epidermis_thickness_mm = kp.value[SMPF_KP_EPIDERMIS_THICKNESS_MM];
    const smpf_pigment_layer_dist_t layer = smpf_tissue_pigment_layer(tissue);
    const smpf_component_t *cb =
        smpf_pigments_component(s.cat, (size_t)smpf_pigments_find_component(s.cat, "carbon_black"));
    smpf_pigment_profile_t prof = {0};
    prof.ncomponents = 1;
    prof.mua_per_mm[0] = cb->mua_per_mm;
    prof.musp_per_mm[0] = cb->musp_per_mm;
    prof.nslices = 10;
    for (size_t j = 0; j < 10; j++) {
        smpf_kin_sim_sublayer(sim, j, &prof.slice[j].top_mm, &prof.slice[j].thickness_mm);
        prof.slice[j].fraction[0] = smpf_kin_sim_in_skin(sim, j, 0) * sum.peak_dilution *
                                    layer.amount.median * layer.thickness_mm.median /
                                    prof.slice[j].thickness_mm;
    }
    smpf_ad_t *ad;
    double R_dot[SMPF_NWL], R_skin[SMPF_NWL];
    assert_int_equal(smpf_ad_new(SMPF_AD_SKIN_QUAD_POINTS, &ad, &err), SMPF_OK);
    assert_int_equal(smpf_tissue_reflectance(ad, tissue, &skin, &prof, R_dot, R_skin, &err), SMPF_OK);
    smpf_cast_t cast;
    smpf_cast(ctx, R_dot, R_skin, &cast);
    assert_near(y[1], cast.dL, 1e-9);
    assert_true(y[3] > y[0]); /* the dot fades: dL* rises toward 0 */
    smpf_ad_free(ad);
    smpf_kin_sim_free(sim);

    /* Recovery of lymph_healed_ratio from these values, y0 fixed at 1. */
    static const char *const names[] = {"lymph_healed_ratio"};
    smpf_fit_t *fit = NULL;
    smpf_fit_data_t d = {.n = 4, .nseries = 1, .t_days = t, .value = y, .sigma = NULL};
    int rc = smpf_fit_new(fm, &d, &fit, &err);
    if (rc == SMPF_OK)
        rc = smpf_fit_fix(fit, "y0", 1.0, &err);
    if (rc == SMPF_OK)
        rc = smpf_fit_free_only(fit, names, 1, &err);
    if (rc == SMPF_OK)
        rc = smpf_fit_run(fit, &err);
    if (rc != SMPF_OK)
        fail_msg("%s", err.message);
    assert_near(result_param(smpf_fit_result(fit), "lymph_healed_ratio")->estimate, 0.1, 1e-4);
    smpf_fit_free(fit);
    smpf_fit_smp_free(m);
    smpf_fit_optics_free(optics);
    smpf_tissue_free(tissue);
    smpf_context_free(ctx);
    smpf_pigments_free(s.cat);
}

static void test_config_refusals(void **state)
{
    (void)state;
    setup_t s;
    setup_load(&s, "smp_carbon");
    smpf_fit_smp_config_t cfg = {.params = &s.params, .ink = &s.ink, .client = &s.client,
                                 .schedule = &s.schedule, .nsublayers = 10,
                                 .t_offset_days = -1};
    smpf_fit_smp_t *m = NULL;
    smpf_error_t err = {0};
    assert_int_equal(smpf_fit_smp_new(&cfg, &m, &err), SMPF_ERR_USAGE);
    cfg.t_offset_days = 0;
    cfg.nsublayers = 0;
    assert_int_equal(smpf_fit_smp_new(&cfg, &m, &err), SMPF_ERR_USAGE);
    cfg.nsublayers = 10;
    s.client.latitude_deg = 100;
    assert_int_equal(smpf_fit_smp_new(&cfg, &m, &err), SMPF_ERR_USAGE);
    assert_non_null(strstr(err.message, "latitude"));
    assert_null(m);
    smpf_pigments_free(s.cat);
}

/* `smpfade fit --model smp` on the committed synthetic file: the generating values
 * (synthetic_smp_fraction.c) inside the reported intervals; the inputs recorded; refusals. */
static void test_cli(void **state)
{
    (void)state;
    test_run_t r = test_run_cli(
        "fit datasets/research/synthetic_smp_fraction.csv --model smp --fixed y0=1 "
        "--free lymph_healed_ratio,k_lymph0_per_day --weights sigma --profile --format json "
        "--ink smp_carbon --latitude 50 --outdoor-hours 2 --sessions 3");
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    json_error_t jerr;
    json_t *root = json_loads(r.out, 0, &jerr);
    assert_non_null(root);
    json_t *in = json_object_get(json_object_get(root, "inputs"), "smp");
    assert_string_equal(json_string_value(json_object_get(in, "ink")), "smp_carbon");
    assert_true(json_real_value(json_object_get(json_object_get(in, "client"), "latitude_deg")) ==
                50.0);
    assert_int_equal(
        json_array_size(json_object_get(json_object_get(in, "schedule"), "sessions")), 3);
    const struct {
        const char *name;
        double truth;
    } want[] = {{"k_lymph0_per_day", 0.2}, {"lymph_healed_ratio", 0.04}};
    json_t *params = json_object_get(root, "parameters");
    for (size_t k = 0; k < 2; k++) {
        int seen = 0;
        for (size_t i = 0; i < json_array_size(params); i++) {
            json_t *p = json_array_get(params, i);
            if (strcmp(json_string_value(json_object_get(p, "name")), want[k].name) != 0)
                continue;
            seen = 1;
            double lo = json_real_value(json_object_get(p, "profile95_low"));
            double hi = json_real_value(json_object_get(p, "profile95_high"));
            print_message("%s: profile [%g, %g], truth %g\n", want[k].name, lo, hi,
                          want[k].truth);
            assert_true(lo <= want[k].truth && want[k].truth <= hi);
        }
        assert_true(seen);
    }
    json_decref(root);
    test_run_free(&r);

    r = test_run_cli("fit datasets/research/synthetic_smp_fraction.csv --model biexp --ink "
                     "smp_carbon");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--model smp"));
    test_run_free(&r);
    r = test_run_cli("fit datasets/research/synthetic_smp_fraction.csv --model smp --ink nope");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "smp_carbon"));
    test_run_free(&r);
    r = test_run_cli("fit datasets/research/synthetic_smp_fraction.csv --model smp --quantity hue");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--quantity"));
    test_run_free(&r);
    r = test_run_cli("fit datasets/research/synthetic_smp_fraction.csv --model smp --free "
                     "no_such_rate");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "no_such_rate"));
    test_run_free(&r);
    r = test_run_cli("fit --help");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "lymph_healed_ratio"));
    assert_non_null(strstr(r.out, "C.uv_beta_cm2_per_J"));
    test_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eval_matches_direct_simulation),
        cmocka_unit_test(test_noise_free_recovery),
        cmocka_unit_test(test_noisy_coverage),
        cmocka_unit_test(test_unidentifiable_reported),
        cmocka_unit_test(test_liu2025),
        cmocka_unit_test(test_optical_quantity),
        cmocka_unit_test(test_config_refusals),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
