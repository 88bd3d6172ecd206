/* The ensemble steady state's shortcuts against their plain counterparts: a rewound
 * simulation against a fresh start; the projection's look at the horizon (taken from the
 * main pass, or from a rewound run when touch-ups were laid) against a simulation run to
 * the horizon on its own and a projection without touch-ups; an ensemble sample's
 * projection against smpf_project's. */
#include "test_util.h"

#include "ensemble_internal.h"
#include "kinetics_internal.h"
#include "kinetics_test_util.h"
#include "model_fixture.h"

#include <math.h>

/* Compartments from..to-1 of every sublayer and component of a and b: equal bits. */
static void assert_same_amounts(const smpf_kin_sim_t *a, const smpf_kin_sim_t *b, size_t ncomp,
                                int from, int to)
{
    for (size_t j = 0; j < smpf_kin_sim_nsublayers(a); j++)
        for (size_t c = 0; c < ncomp; c++)
            for (int k = from; k < to; k++)
                assert_true(smpf_kin_sim_amount(a, j, c, (smpf_kin_compartment)k) ==
                            smpf_kin_sim_amount(b, j, c, (smpf_kin_compartment)k));
}

/* The summary's totals, pigment in skin and centroid against the plain sums of the
 * amounts (sublayer by sublayer, the components within each; the depth moment at each
 * sublayer's middle), and the per-sublayer pigment in skin against E + F + M + X: equal
 * bits, whatever path (month blocks, parts of months, deposits, restores) produced the
 * summary's running sums. */
static void assert_summary_is_the_sums(const smpf_kin_sim_t *s)
{
    const size_t nsub = smpf_kin_sim_nsublayers(s), ncomp = smpf_kin_sim_ncomponents(s);
    double top_mm, dz_mm, total[SMPF_KC_COUNT] = {0}, moment = 0, in_skin = 0;
    smpf_kin_sim_sublayer(s, 0, &top_mm, &dz_mm);
    for (size_t j = 0; j < nsub; j++)
        for (size_t c = 0; c < ncomp; c++) {
            double x[SMPF_KC_COUNT];
            for (int k = 0; k < SMPF_KC_COUNT; k++) {
                x[k] = smpf_kin_sim_amount(s, j, c, (smpf_kin_compartment)k);
                total[k] += x[k];
            }
            const double all = x[SMPF_KC_E] + x[SMPF_KC_F] + x[SMPF_KC_M] + x[SMPF_KC_X];
            assert_true(smpf_kin_sim_in_skin(s, j, c) == all);
            moment += (top_mm + ((double)j + 0.5) * dz_mm) * all;
        }
    for (int k = 0; k < SMPF_KC_IN_SKIN; k++)
        in_skin += total[k];
    smpf_kin_summary_t su;
    smpf_kin_sim_summary(s, &su);
    assert_memory_equal(su.compartment, total, sizeof total);
    assert_true(su.in_skin == in_skin);
    assert_true(su.centroid_depth_mm == (in_skin > 0 ? moment / in_skin : 0.0));
}

/* tattoo_black_pb15 (two components), the default client, the default sessions. */
static void two_component_setup(smpf_kin_ink_t *ink, smpf_client_t *client,
                                smpf_kin_schedule_t *sched)
{
    smpf_error_t err = {0};
    assert_int_equal(smpf_kin_ink_from_catalogue(pigments, "tattoo_black_pb15", ink, &err),
                     SMPF_OK);
    smpf_client_default(client);
    smpf_kin_schedule_default(&kin, 100, sched);
}

static void test_rewind_equals_start(void **state)
{
    (void)state;
    smpf_error_t err = {0};
    smpf_kin_ink_t ink;
    smpf_client_t client;
    smpf_kin_schedule_t sched;
    two_component_setup(&ink, &client, &sched);
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
        assert_same_amounts(a, b, ink.ncomponents, 0, SMPF_KC_COUNT);
    }
    smpf_kin_sim_free(a);
    smpf_kin_sim_free(b);
}

/* The simulation the optics read, without its sinks (its cells in vector blocks), against
 * the full one (cell by cell): the same amounts in skin to the last bit through sessions,
 * whole months (the month propagators), parts of months (the exact per-interval solve),
 * restores and a touch-up; the sinks stay 0; both summaries are the plain sums of their
 * amounts.  Tracked again, it is the full simulation.  One- and two-component inks, with
 * sublayer counts that fill the blocks and that leave a part block. */
static void skin_only_equals_full(const char *ink_name, size_t nsub, int third)
{
    smpf_error_t err = {0};
    smpf_kin_ink_t ink;
    smpf_client_t client;
    smpf_kin_schedule_t sched;
    two_component_setup(&ink, &client, &sched);
    assert_int_equal(smpf_kin_ink_from_catalogue(pigments, ink_name, &ink, &err), SMPF_OK);
    if (third) { /* half of the first component split off, coarser and less UV-prone: the
                  * components then fall on the lanes in a different order per block */
        ink.component[ink.ncomponents] = ink.component[0];
        ink.component[0].fraction *= 0.5;
        ink.component[ink.ncomponents].fraction = ink.component[0].fraction;
        ink.component[ink.ncomponents].particle_size_nm *= 3.0;
        ink.component[ink.ncomponents].uv_beta_cm2_per_J *= 0.5;
        ink.ncomponents++;
    }
    smpf_kin_sim_t *full, *skin;
    smpf_kin_snapshot_t *snap, *full_snap;
    assert_int_equal(smpf_kin_sim_new(nsub, &full, &err), SMPF_OK);
    assert_int_equal(smpf_kin_sim_new(nsub, &skin, &err), SMPF_OK);
    assert_int_equal(smpf_kin_snapshot_new(skin, &snap, &err), SMPF_OK);
    assert_int_equal(smpf_kin_snapshot_new(full, &full_snap, &err), SMPF_OK);
    smpf_kin_sim_track_sinks(skin, 0);
    assert_int_equal(smpf_kin_sim_start(full, &kin, &ink, &client, &sched, &err), SMPF_OK);
    assert_int_equal(smpf_kin_sim_start(skin, &kin, &ink, &client, &sched, &err), SMPF_OK);
    smpf_kin_session_t touch = sched.session[sched.nsessions - 1];
    touch.t_days = 47 * SMPF_DAYS_PER_MONTH + 3.7;
    for (int month = 1; month <= 120; month++) {
        const double t0 = (month - 1) * SMPF_DAYS_PER_MONTH, t1 = month * SMPF_DAYS_PER_MONTH;
        /* a root search's look inside the month, from a snapshot, on both runs */
        smpf_kin_sim_save(skin, snap);
        smpf_kin_sim_save(full, full_snap);
        assert_int_equal(smpf_kin_sim_advance(skin, t0 + 0.37 * (t1 - t0), &err), SMPF_OK);
        assert_int_equal(smpf_kin_sim_advance(full, t0 + 0.37 * (t1 - t0), &err), SMPF_OK);
        assert_same_amounts(full, skin, ink.ncomponents, 0, SMPF_KC_IN_SKIN);
        assert_summary_is_the_sums(skin);
        smpf_kin_sim_restore(skin, snap);
        smpf_kin_sim_restore(full, full_snap);
        assert_summary_is_the_sums(skin);
        assert_summary_is_the_sums(full);
        if (touch.t_days > t0 && touch.t_days < t1) { /* a touch-up inside the month */
            assert_int_equal(smpf_kin_sim_advance(full, touch.t_days, &err), SMPF_OK);
            assert_int_equal(smpf_kin_sim_advance(skin, touch.t_days, &err), SMPF_OK);
            assert_int_equal(smpf_kin_sim_add_session(full, &touch, &err), SMPF_OK);
            assert_int_equal(smpf_kin_sim_add_session(skin, &touch, &err), SMPF_OK);
            assert_summary_is_the_sums(skin);
        }
        /* most months whole (the month propagators), every fifth in two parts */
        const double stops[2] = {month % 5 ? t1 : t0 + 0.61 * (t1 - t0), t1};
        for (int i = 0; i < 2; i++) {
            assert_int_equal(smpf_kin_sim_advance(full, stops[i], &err), SMPF_OK);
            assert_int_equal(smpf_kin_sim_advance(skin, stops[i], &err), SMPF_OK);
        }
        assert_same_amounts(full, skin, ink.ncomponents, 0, SMPF_KC_IN_SKIN);
        for (size_t j = 0; j < nsub; j++)
            for (size_t c = 0; c < ink.ncomponents; c++)
                for (int k = SMPF_KC_IN_SKIN; k < SMPF_KC_COUNT; k++)
                    assert_true(smpf_kin_sim_amount(skin, j, c, (smpf_kin_compartment)k) == 0.0);
        assert_summary_is_the_sums(skin);
        assert_summary_is_the_sums(full);
        smpf_kin_summary_t a, b;
        smpf_kin_sim_summary(full, &a);
        smpf_kin_sim_summary(skin, &b);
        assert_true(a.in_skin == b.in_skin && a.fraction_remaining == b.fraction_remaining &&
                    a.centroid_depth_mm == b.centroid_depth_mm &&
                    a.dot_sigma_mm == b.dot_sigma_mm && a.blur_ratio == b.blur_ratio &&
                    a.peak_dilution == b.peak_dilution && a.deposited == b.deposited);
        assert_true(a.compartment[SMPF_KC_L] > 0 && b.compartment[SMPF_KC_L] == 0.0);
    }
    /* Tracked again (its month propagators recomputed) and rewound: the full run, sinks
     * and all; a snapshot taken untracked gives its sinks back after tracked months. */
    smpf_kin_sim_save(skin, snap);
    smpf_kin_sim_track_sinks(skin, 1);
    smpf_kin_sim_rewind(full);
    smpf_kin_sim_rewind(skin);
    assert_int_equal(smpf_kin_sim_advance(full, 700.5, &err), SMPF_OK);
    assert_int_equal(smpf_kin_sim_advance(skin, 700.5, &err), SMPF_OK);
    assert_same_amounts(full, skin, ink.ncomponents, 0, SMPF_KC_COUNT);
    assert_summary_is_the_sums(skin);
    smpf_kin_sim_restore(skin, snap);
    assert_true(smpf_kin_sim_amount(skin, nsub / 2, 0, SMPF_KC_L) == 0.0);
    assert_summary_is_the_sums(skin);
    smpf_kin_snapshot_free(snap);
    smpf_kin_snapshot_free(full_snap);
    smpf_kin_sim_free(full);
    smpf_kin_sim_free(skin);
}

static void test_skin_only_equals_full(void **state)
{
    (void)state;
    skin_only_equals_full("tattoo_black_pb15", 12, 0); /* whole blocks of cells */
    skin_only_equals_full("tattoo_black_pb15", 7, 0);  /* 14 cells: a part block */
    skin_only_equals_full("smp_carbon", 12, 0);        /* sublayers in place */
    skin_only_equals_full("smp_carbon", 7, 0);         /* a part block, gathered */
    skin_only_equals_full("tattoo_black_pb15", 7, 1);  /* 3 components, 21 cells */
}

/* The rows the fast optics read in place (fast_dot_xyz: the pigment in skin and E, sublayer
 * j and component c at j * ncomp + c) against the accessors, value by value: two
 * components (cells interleaved), one (cells in sublayer order). */
static void skin_amounts_match(const char *ink_name)
{
    smpf_error_t err = {0};
    smpf_kin_ink_t ink;
    smpf_client_t client;
    smpf_kin_schedule_t sched;
    two_component_setup(&ink, &client, &sched);
    assert_int_equal(smpf_kin_ink_from_catalogue(pigments, ink_name, &ink, &err), SMPF_OK);
    smpf_kin_sim_t *sim;
    assert_int_equal(smpf_kin_sim_new(7, &sim, &err), SMPF_OK);
    assert_int_equal(smpf_kin_sim_start(sim, &kin, &ink, &client, &sched, &err), SMPF_OK);
    assert_int_equal(smpf_kin_sim_advance(sim, 250.5, &err), SMPF_OK);
    const double *epi = smpf_kin_row(sim, SMPF_KC_E), *all = smpf_kin_in_skin_row(sim);
    const size_t nc = ink.ncomponents;
    for (size_t c = 0; c < nc; c++)
        for (size_t j = 0; j < 7; j++) {
            assert_true(epi[j * nc + c] == smpf_kin_sim_amount(sim, j, c, SMPF_KC_E));
            assert_true(all[j * nc + c] == smpf_kin_sim_in_skin(sim, j, c));
            assert_true(all[j * nc + c] > 0);
        }
    smpf_kin_sim_free(sim);
}

static void test_skin_amounts(void **state)
{
    (void)state;
    skin_amounts_match("tattoo_black_pb15");
    skin_amounts_match("smp_carbon");
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
        if (i == 0)
            assert_true(with.ntouchups > 0); /* the rewound path is taken */
        smpf_projection_free(&with);
        smpf_projection_free(&without);
    }
}

/* Everything a histogram or criterion uses is smpf_project's, to the last bit; what only
 * a display needs is left out as documented. */
static void test_projection_for_ensemble(void **state)
{
    (void)state;
    smpf_error_t err = {0};
    const double depths[] = {0.25, 0.5};
    for (size_t i = 0; i < 2; i++) {
        smpf_project_inputs_t in;
        smpf_project_inputs_default(&in);
        in.years = 15;
        in.step_months = 1;
        in.depth_mm = depths[i];
        smpf_project_params_t par;
        assert_int_equal(smpf_project_params_median(pigments, tissue, &kin, &in, &par, &err),
                         SMPF_OK);
        smpf_projection_t full, lean;
        assert_int_equal(smpf_project(pj, &in, &par, &full, &err), SMPF_OK);
        assert_int_equal(smpf_project_for_ensemble(pj, &in, &par, &lean, &err), SMPF_OK);
        assert_true(full.ntouchups > 0);
        assert_int_equal(lean.ntouchups, full.ntouchups);
        assert_memory_equal(lean.touchups_years, full.touchups_years,
                            full.ntouchups * sizeof full.touchups_years[0]);
        assert_true(lean.touchup_years == full.touchup_years);
        assert_int_equal(lean.npoints, full.npoints);
        for (size_t k = 0; k < full.npoints; k++) {
            const smpf_timeline_point_t *a = &full.points[k], *b = &lean.points[k];
            assert_true(b->C == 0 && b->h == 0 && b->rgb.r == 0 && b->rgb.g == 0 && b->rgb.b == 0);
            const double va[] = {a->years, a->fraction_remaining, a->L, a->a, a->b, a->dE00,
                                 a->contrast, a->cast_h, a->cast_ratio, a->cast_C,
                                 a->hue_shift_deg, a->blur, a->centroid_mm, a->dot_sigma_mm};
            const double vb[] = {b->years, b->fraction_remaining, b->L, b->a, b->b, b->dE00,
                                 b->contrast, b->cast_h, b->cast_ratio, b->cast_C,
                                 b->hue_shift_deg, b->blur, b->centroid_mm, b->dot_sigma_mm};
            assert_memory_equal(va, vb, sizeof va);
        }
        assert_true(isnan(lean.natural_dE00) && isnan(lean.natural_fraction_remaining));
        assert_true(isfinite(full.natural_dE00));
        smpf_projection_free(&full);
        smpf_projection_free(&lean);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rewind_equals_start),
        cmocka_unit_test(test_skin_only_equals_full),
        cmocka_unit_test(test_skin_amounts),
        cmocka_unit_test(test_natural_horizon),
        cmocka_unit_test(test_projection_for_ensemble),
    };
    return cmocka_run_group_tests(tests, model_setup, model_teardown);
}
