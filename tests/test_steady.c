/* The ensemble steady state's shortcuts against their plain counterparts: a rewound
 * simulation against a fresh start, and the projection's look at the horizon (taken from
 * the main pass, or from a rewound run when touch-ups were laid) against a simulation run
 * to the horizon on its own and a projection without touch-ups. */
#include "test_util.h"

#include "kinetics_internal.h"
#include "kinetics_test_util.h"
#include "model_fixture.h"

#include <math.h>

static void test_rewind_equals_start(void **state)
{
    (void)state;
    smpf_error_t err = {0};
    smpf_kin_ink_t ink;
    assert_int_equal(smpf_kin_ink_from_catalogue(pigments, "tattoo_black_pb15", &ink, &err),
                     SMPF_OK);
    smpf_client_t client;
    smpf_client_default(&client);
    smpf_kin_schedule_t sched;
    smpf_kin_schedule_default(&kin, 100, &sched);
    smpf_kin_sim_t *a, *b;
    assert_int_equal(smpf_kin_sim_new(12, &a, &err), SMPF_OK);
    assert_int_equal(smpf_kin_sim_new(12, &b, &err), SMPF_OK);
    assert_int_equal(smpf_kin_sim_start(a, &kin, &ink, &client, &sched, &err), SMPF_OK);
    /* a runs, gets a touch-up, runs on, and is rewound */
    assert_int_equal(smpf_kin_sim_advance(a, 400.3, &err), SMPF_OK);
    smpf_kin_session_t touch = sched.session[sched.nsessions - 1];
    touch.t_days = 400.3;
    assert_int_equal(smpf_kin_sim_add_session(a, &touch, &err), SMPF_OK);
    assert_int_equal(smpf_kin_sim_advance(a, 900, &err), SMPF_OK);
    smpf_kin_sim_rewind(a);
    assert_true(smpf_kin_sim_time_days(a) == 0.0);
    assert_int_equal(smpf_kin_sim_start(b, &kin, &ink, &client, &sched, &err), SMPF_OK);
    const double t[] = {10.5, 200, 1500};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        assert_int_equal(smpf_kin_sim_advance(a, t[i], &err), SMPF_OK);
        assert_int_equal(smpf_kin_sim_advance(b, t[i], &err), SMPF_OK);
        smpf_kin_summary_t sa, sb;
        smpf_kin_sim_summary(a, &sa);
        smpf_kin_sim_summary(b, &sb);
        assert_memory_equal(&sa, &sb, sizeof sa); /* the touch-up is gone */
        for (size_t j = 0; j < 12; j++)
            for (size_t c = 0; c < ink.ncomponents; c++)
                for (int k = 0; k < SMPF_KC_COUNT; k++)
                    assert_true(smpf_kin_sim_amount(a, j, c, (smpf_kin_compartment)k) ==
                                smpf_kin_sim_amount(b, j, c, (smpf_kin_compartment)k));
    }
    smpf_kin_sim_free(a);
    smpf_kin_sim_free(b);
}

/* The horizon's fraction remaining from a simulation run there alone, with the
 * projection's schedule. */
static double fraction_at_horizon(const smpf_project_inputs_t *in,
                                  const smpf_project_params_t *par)
{
    smpf_error_t err = {0};
    smpf_kin_schedule_t sched;
    smpf_kin_schedule_sessions(&par->kin, (size_t)in->sessions, in->session_interval_days,
                               in->start_day_of_year, &sched);
    smpf_kin_sim_t *sim;
    assert_int_equal(smpf_kin_sim_new(12, &sim, &err), SMPF_OK);
    assert_int_equal(smpf_kin_sim_start(sim, &par->kin, &par->ink, &in->client, &sched, &err),
                     SMPF_OK);
    assert_int_equal(smpf_kin_sim_advance(sim, in->years * SMPF_DAYS_PER_YEAR, &err), SMPF_OK);
    smpf_kin_summary_t s;
    smpf_kin_sim_summary(sim, &s);
    smpf_kin_sim_free(sim);
    return s.fraction_remaining;
}

static void test_natural_horizon(void **state)
{
    (void)state;
    smpf_error_t err = {0};
    const char *inks[] = {"smp_carbon", "tattoo_black_pb15", "temp_biodegradable"};
    for (size_t i = 0; i < sizeof inks / sizeof inks[0]; i++) {
        smpf_project_inputs_t in;
        smpf_project_inputs_default(&in);
        snprintf(in.ink, sizeof in.ink, "%s", inks[i]);
        in.years = 12;
        in.step_months = 1;
        in.depth_mm = 0.4;
        smpf_project_params_t par;
        assert_int_equal(smpf_project_params_median(pigments, tissue, &kin, &in, &par, &err),
                         SMPF_OK);
        smpf_projection_t with, without;
        assert_int_equal(smpf_project(pj, &in, &par, &with, &err), SMPF_OK);
        in.touchups = 0;
        assert_int_equal(smpf_project(pj, &in, &par, &without, &err), SMPF_OK);
        const smpf_timeline_point_t *last = &without.points[without.npoints - 1];
        assert_near(last->years, in.years, 1e-9);
        const double f = fraction_at_horizon(&in, &par);
        assert_near(without.natural_fraction_remaining, f, 1e-12);
        assert_near(with.natural_fraction_remaining, f, 1e-12);
        assert_near(with.natural_dE00, last->dE00, 1e-9);
        assert_near(with.natural_contrast, last->contrast, 1e-9);
        assert_near(with.natural_hue_shift_deg, last->hue_shift_deg, 1e-9);
        assert_near(without.natural_dE00, last->dE00, 1e-9);
        if (i == 0)
            assert_true(with.ntouchups > 0); /* the rewound path is taken */
        smpf_projection_free(&with);
        smpf_projection_free(&without);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rewind_equals_start),
        cmocka_unit_test(test_natural_horizon),
    };
    return cmocka_run_group_tests(tests, model_setup, model_teardown);
}
