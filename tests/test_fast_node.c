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

/* The UV view's exposure axis: XYZ interpolated along q (4-point Lagrange on the table's
 * nodes, the column exact) against the exact profile's, from UV barely touching the top
 * sublayer (q 0.05) to the front several sublayers deep (q 200), translucent to opaque.
 * Measured: 0.0021 ΔE00 (0.22 mm); up to 0.004 at 0.3 and 0.45 mm when the axis was
 * chosen.  A linear axis of step 0.5 would pass too, with 400 nodes to reach q 200. */
static smpf_xyz_t uv_profile_xyz(const optics_table_t *t, double column_mm, double q)
{
    const double p[2] = {column_mm, q};
    assert_true(fast_node_profile(pj, t, VIEW_UV, p));
    return xyz_of(t);
}

static void test_exposure_axis(void **state)
{
    (void)state;
    const optics_table_t *t = shallow_table();
    const smpf_xyz_t white = smpf_color_white(ctx);
    const double columns_mm[] = {3e-4, 2e-3, 1e-2, 4e-2};
    for (long k = 0; k < FAST_NODES; k++) /* the axis is the nodes' inverse */
        assert_true(fabs(fast_node_axis(VIEW_UV, 1, fast_node_parameter(VIEW_UV, 1, k)) - k) < 1e-9);
    double worst = 0;
    for (size_t n = 0; n < sizeof columns_mm / sizeof columns_mm[0]; n++)
        for (double q = 0.05; q < 200; q *= 1.37) {
            const double u = fast_node_axis(VIEW_UV, 1, q);
            const int s = u < 1 ? 0 : (int)floor(u) - 1;
            double w[4], X = 0, Y = 0, Z = 0;
            fast_lagrange4(u, s, w);
            for (int m = 0; m < 4; m++) {
                const smpf_xyz_t v = uv_profile_xyz(t, columns_mm[n],
                                                    fast_node_parameter(VIEW_UV, 1, s + m));
                X += w[m] * v.X;
                Y += w[m] * v.Y;
                Z += w[m] * v.Z;
            }
            const smpf_xyz_t exact = uv_profile_xyz(t, columns_mm[n], q);
            worst = fmax(worst, smpf_color_de00(smpf_color_lab((smpf_xyz_t){X, Y, Z}, white),
                                                smpf_color_lab(exact, white)));
        }
    print_message("UV view, exposure axis: worst ΔE00 %.4f against the exact profiles\n", worst);
    assert_true(worst < 0.01);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_derivatives_match_central_differences),
        cmocka_unit_test(test_tabulated_slices_match_exact),
        cmocka_unit_test(test_exposure_axis),
    };
    return cmocka_run_group_tests(tests, model_setup, model_teardown);
}
