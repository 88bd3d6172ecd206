/* The fast optics' node derivatives (forward differences in a 4-point quadrature) against
 * central differences of the node's value in the skin's 8-point quadrature.  Every slice
 * must map to its own derivative (a slice split at the dermo-epidermal junction, the
 * stacks above and below each slice, the absorption cut-off): an error there is of the
 * order of the derivative itself.  The coarser quadrature moves them by up to 9.5 % of the
 * largest (with 8 points the same code agrees to 0.01 %, measured when this test was
 * written); the derivatives only scale a correction of at most 0.3 ΔE00, so 15 % is
 * 0.045 ΔE00 at most. */
#include "test_util.h"

#include "model_fixture.h"
#include "projection_fast_internal.h"

#include <math.h>

/* A shallow deposit, so that slices straddle the dermo-epidermal junction and the top of
 * the grid lies in the epidermis; one projection leaves its table in pj->table. */
static const optics_table_t *shallow_table(void)
{
    smpf_error_t err = {0};
    smpf_project_inputs_t in;
    smpf_project_inputs_default(&in);
    in.depth_mm = 0.22;
    in.years = 1;
    in.step_months = 12;
    smpf_project_params_t par;
    assert_int_equal(smpf_project_params_median(pigments, tissue, &kin, &in, &par, &err), SMPF_OK);
    smpf_projection_t pr;
    assert_int_equal(smpf_project(pj, &in, &par, &pr, &err), SMPF_OK);
    smpf_projection_free(&pr);
    assert_non_null(pj->table);
    assert_true(pj->table->key.grid_top_mm < pj->table->key.skin_epi_mm);
    return pj->table;
}

static smpf_xyz_t xyz_of(const optics_table_t *t)
{
    smpf_error_t err = {0};
    double R[SMPF_NWL];
    if (fast_node_spectrum(pj, t, 0, R, &err) != SMPF_OK)
        fail_msg("%s", err.message);
    return smpf_color_xyz(ctx, R);
}

static void test_derivatives_match_central_differences(void **state)
{
    (void)state;
    smpf_error_t err = {0};
    const optics_table_t *t = shallow_table();
    const double columns_mm[] = {2e-4, 2e-3, 1e-2}; /* translucent to opaque */
    for (size_t n = 0; n < sizeof columns_mm / sizeof columns_mm[0]; n++) {
        const double col[2] = {columns_mm[n], 0};
        assert_true(fast_node_profile(pj, t, VIEW_BASE, col));
        double dR[FAST_JAC_COMPS][PROJECTION_SUBLAYERS][SMPF_NWL];
        assert_int_equal(fast_node_derivatives(pj, t, dR, &err), SMPF_OK);
        double worst = 0, largest = 0;
        for (size_t j = 0; j < t->key.nsub; j++) {
            smpf_pigment_slice_t *sl = &pj->profile.slice[j];
            const double f = sl->fraction[0], h = 1e-3 * f + 1e-9;
            const double lo = fmax(0.0, f - h), hi = f + h; /* one-sided at no pigment */
            sl->fraction[0] = hi;
            const smpf_xyz_t up = xyz_of(t);
            sl->fraction[0] = lo;
            const smpf_xyz_t down = xyz_of(t);
            sl->fraction[0] = f;
            const smpf_xyz_t jac = smpf_color_xyz(ctx, dR[0][j]);
            const double central = (up.Y - down.Y) / (hi - lo);
            largest = fmax(largest, fabs(central));
            worst = fmax(worst, fabs(jac.Y - central));
        }
        print_message("column %.0e mm: largest dY/df %.4g, worst difference %.4g (%.2f %%)\n",
                      columns_mm[n], largest, worst, 100 * worst / largest);
        assert_true(largest > 0);
        assert_true(worst <= 0.15 * largest);
    }
}

/* Node values from interpolated slice operators against every slice solved: from a
 * trace of pigment to an opaque layer, the two XYZ agree far inside the 0.1 ΔE00 the
 * fast path is held to. */
static void test_tabulated_slices_match_exact(void **state)
{
    (void)state;
    smpf_error_t err = {0};
    const optics_table_t *t = shallow_table();
    assert_non_null(t->slices);
    const smpf_xyz_t white = smpf_color_white(ctx);
    double worst = 0;
    for (double col = 1e-6; col < 0.2; col *= 1.7) {
        const double p[2] = {col, 0};
        if (!fast_node_profile(pj, t, VIEW_BASE, p))
            break; /* beyond volume fraction 1 */
        double R[SMPF_NWL];
        assert_int_equal(fast_node_spectrum(pj, t, 1, R, &err), SMPF_OK);
        const smpf_xyz_t tab = smpf_color_xyz(ctx, R);
        assert_int_equal(fast_node_spectrum(pj, t, 0, R, &err), SMPF_OK);
        const smpf_xyz_t exact = smpf_color_xyz(ctx, R);
        worst = fmax(worst, smpf_color_de00(smpf_color_lab(tab, white),
                                            smpf_color_lab(exact, white)));
    }
    print_message("tabulated slice operators: worst ΔE00 %.2e against exact slices\n", worst);
    assert_true(worst < 0.005);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_derivatives_match_central_differences),
        cmocka_unit_test(test_tabulated_slices_match_exact),
    };
    return cmocka_run_group_tests(tests, model_setup, model_teardown);
}
