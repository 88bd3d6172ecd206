/* The fast optics' node derivatives (forward differences in a 4-point quadrature) against
 * central differences of the node's value in the skin's 8-point quadrature.  Every slice
 * must map to its own derivative (a slice split at the dermo-epidermal junction, the
 * stacks above and below each slice, the absorption cut-off): an error there is of the
 * order of the derivative itself.  The coarser quadrature moves them by up to 9.2 % of the
 * largest, in X, Y or Z (with 8 points the same code agrees to 0.01 %, measured when this
 * test was written); solving them at every 4th wavelength only adds 0.04 %; they only
 * scale a correction of at most 0.3 ΔE00, so 15 % is 0.045 ΔE00 at most.  Wavelength by
 * wavelength (the solved ones and those interpolated between, to 780 nm) the difference
 * is at most 15 % of that wavelength's largest derivative (measured), 20 % allowed: a
 * wavelength left unfilled would be 100 % off. */
#include "test_util.h"

#include "model_fixture.h"
#include "projection_fast_internal.h"
#include "fast_table_fixture.h"

#include <math.h>

/* A shallow deposit, so that slices straddle the dermo-epidermal junction and the top of
 * the grid lies in the epidermis. */
static const optics_table_t *shallow_table(void)
{
    const optics_table_t *t = fast_table_at(0.22);
    assert_true(t->key.grid_top_mm < t->key.skin_epi_mm);
    return t;
}

static void spectrum_of(const optics_table_t *t, double R[SMPF_NWL])
{
    smpf_error_t err = {0};
    if (fast_node_spectrum(pj, t, FAST_SPECTRUM_FULL, R, &err) != SMPF_OK)
        fail_msg("%s", err.message);
}

static smpf_xyz_t xyz_of(const optics_table_t *t)
{
    double R[SMPF_NWL];
    spectrum_of(t, R);
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
        double worst[3] = {0, 0, 0}, largest[3] = {0, 0, 0};
        double worst_nm[SMPF_NWL] = {0}, largest_nm[SMPF_NWL] = {0};
        for (size_t j = 0; j < t->key.nsub; j++) {
            smpf_pigment_slice_t *sl = &pj->profile.slice[j];
            const double f = sl->fraction[0], h = 1e-3 * f + 1e-9;
            const double lo = fmax(0.0, f - h), hi = f + h; /* one-sided at no pigment */
            double R_up[SMPF_NWL], R_down[SMPF_NWL];
            sl->fraction[0] = hi;
            spectrum_of(t, R_up);
            sl->fraction[0] = lo;
            spectrum_of(t, R_down);
            sl->fraction[0] = f;
            const smpf_xyz_t up = smpf_color_xyz(ctx, R_up), down = smpf_color_xyz(ctx, R_down);
            const smpf_xyz_t jac = smpf_color_xyz(ctx, dR[0][j]);
            for (size_t i = 0; i < SMPF_NWL; i++) { /* every wavelength, solved or between */
                const double central = (R_up[i] - R_down[i]) / (hi - lo);
                largest_nm[i] = fmax(largest_nm[i], fabs(central));
                worst_nm[i] = fmax(worst_nm[i], fabs(dR[0][j][i] - central));
            }
            const double central[3] = {(up.X - down.X) / (hi - lo), (up.Y - down.Y) / (hi - lo),
                                       (up.Z - down.Z) / (hi - lo)};
            const double mine[3] = {jac.X, jac.Y, jac.Z};
            for (int k = 0; k < 3; k++) {
                largest[k] = fmax(largest[k], fabs(central[k]));
                worst[k] = fmax(worst[k], fabs(mine[k] - central[k]));
            }
        }
        print_message("column %.0e mm: worst difference from central differences, of the "
                      "largest dX/df, dY/df, dZ/df: %.2f %%, %.2f %%, %.2f %%\n", columns_mm[n],
                      100 * worst[0] / largest[0], 100 * worst[1] / largest[1],
                      100 * worst[2] / largest[2]);
        for (int k = 0; k < 3; k++) {
            assert_true(largest[k] > 0);
            assert_true(worst[k] <= 0.15 * largest[k]);
        }
        double worst_rel = 0;
        size_t at = 0;
        for (size_t i = 0; i < SMPF_NWL; i++) {
            assert_true(largest_nm[i] > 0);
            if (worst_nm[i] / largest_nm[i] > worst_rel)
                worst_rel = worst_nm[i] / largest_nm[i], at = i;
        }
        print_message("  per wavelength: worst %.2f %% of that wavelength's largest, at %g nm\n",
                      100 * worst_rel, smpf_wavelength_nm(at));
        assert_true(worst_rel <= 0.2);
    }
}

/* Node values from interpolated slice operators against every slice solved (both at the
 * thinned wavelengths, where the operators are kept): from a trace of pigment to an opaque
 * layer, the two XYZ agree far inside the 0.1 ΔE00 the fast path is held to. */
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
        assert_int_equal(fast_node_spectrum(pj, t, FAST_SPECTRUM_TABULATED, R, &err), SMPF_OK);
        const smpf_xyz_t tab = smpf_color_xyz(ctx, R);
        assert_int_equal(fast_node_spectrum(pj, t, FAST_SPECTRUM_THINNED, R, &err), SMPF_OK);
        const smpf_xyz_t exact = smpf_color_xyz(ctx, R);
        worst = fmax(worst, smpf_color_de00(smpf_color_lab(tab, white),
                                            smpf_color_lab(exact, white)));
    }
    print_message("tabulated slice operators: worst ΔE00 %.2e against exact slices\n", worst);
    assert_true(worst < 0.005);
}

/* Thinned spectra (55 of the 81 wavelengths solved, the others interpolated; every slice
 * solved) against the same node profiles solved at every wavelength: dermal columns from a
 * trace to an opaque deposit, with the epidermal part and UV's thinning, for carbon at a
 * shallow and a deep needle depth and for carbon with the phthalocyanine toner, whose
 * absorption has bands in the red.  Measured: 0.0006 ΔE00 (carbon, 0.22 mm), 0.0003
 * (0.8 mm), 0.0017 (toner); ensembles' tables met at most 0.0051
 * (projection_fast_internal.h); 0.01 allowed, a tenth of the fast path's budget.  A
 * wavelength left unfilled or misplaced moves the colour by several ΔE00.  A profile
 * without pigment gives the bare skin's spectrum (interpolated relative to it) to
 * round-off. */
static double thinning_error(const optics_table_t *t, int view, double p0, double p1)
{
    smpf_error_t err = {0};
    /* A two-component ink's table with an epidermal column takes three columns (the
     * toner's at 0.3 mm, whose profiles fast_dot_xyz leaves to the table's own solve,
     * fast_profile_xyz, thinned too): its epidermal one 0. */
    const double p[FAST_MAX_DIMS + 1] = {p0, p1, 0};
    if (!fast_node_profile(pj, t, view, p))
        return 0; /* beyond volume fraction 1 */
    const smpf_xyz_t white = smpf_color_white(ctx);
    double R[SMPF_NWL];
    assert_int_equal(fast_node_spectrum(pj, t, FAST_SPECTRUM_THINNED, R, &err), SMPF_OK);
    const smpf_xyz_t thinned = smpf_color_xyz(ctx, R);
    assert_int_equal(fast_node_spectrum(pj, t, FAST_SPECTRUM_FULL, R, &err), SMPF_OK);
    const smpf_xyz_t full = smpf_color_xyz(ctx, R);
    return smpf_color_de00(smpf_color_lab(thinned, white), smpf_color_lab(full, white));
}

static void test_thinned_spectra_match_full(void **state)
{
    (void)state;
    size_t solved = 0;
    for (size_t i = 0; i < SMPF_NWL; i++)
        solved += (size_t)fast_thinned_wavelength(i);
    assert_int_equal(solved, 55);
    assert_true(fast_thinned_wavelength(0) && fast_thinned_wavelength(SMPF_NWL - 1));
    const struct {
        const char *ink;
        double depth_mm;
    } cases[] = {{"smp_carbon", 0.22}, {"smp_carbon", 0.8}, {"tattoo_black_pb15", 0.3}};
    double worst[3] = {0, 0, 0};
    for (size_t n = 0; n < 3; n++) {
        const optics_table_t *t = fast_table_of(cases[n].ink, cases[n].depth_mm);
        for (double col = 1e-6; col < 0.2; col *= 1.7) {
            worst[n] = fmax(worst[n], thinning_error(t, VIEW_BASE, col, 0));
            if (t->has_epi)
                worst[n] = fmax(worst[n], thinning_error(t, VIEW_BASE, col, 1e-3));
            if (t->key.ncomp == 1)
                worst[n] = fmax(worst[n], thinning_error(t, VIEW_UV, col, 5));
        }
    }
    print_message("thinned spectra: worst ΔE00 %.4f (carbon 0.22 mm), %.4f (0.8 mm), %.4f "
                  "(toner)\n", worst[0], worst[1], worst[2]);
    /* No pigment: the bare skin's spectrum at every wavelength, solved or interpolated. */
    for (size_t n = 0; n < 3; n++) {
        const optics_table_t *t = fast_table_of(cases[n].ink, cases[n].depth_mm);
        const double none[FAST_MAX_DIMS + 1] = {0, 0, 0};
        assert_true(fast_node_profile(pj, t, VIEW_BASE, none));
        double R[SMPF_NWL];
        smpf_error_t err = {0};
        assert_int_equal(fast_node_spectrum(pj, t, FAST_SPECTRUM_THINNED, R, &err), SMPF_OK);
        for (size_t i = 0; i < SMPF_NWL; i++)
            assert_true(fabs(R[i] - t->R_skin[i]) <= 1e-12 * t->R_skin[i]);
    }
    for (size_t n = 0; n < 3; n++)
        assert_true(worst[n] < 0.01);
}

/* The tables' axes (projection_fast_internal.h): XYZ interpolated along one axis
 * (4-point Lagrange on its nodes, the other parameter exact) against the exact profile's,
 * over the range the ensembles meet: dermal columns from a trace (10^-8 mm) to an opaque
 * deposit, the epidermal column likewise at a translucent and an opaque dermal column, and
 * the UV exposure from UV barely touching the top sublayer (q 0.05) to the front several
 * sublayers deep (q 200).  Measured: 0.031 (column), 0.015 (epidermal), 0.002 (exposure)
 * ΔE00; the tolerances leave room for other deposits (the axes' comments). */
static smpf_xyz_t view_xyz(const optics_table_t *t, int view, double p0, double p1)
{
    const double p[2] = {p0, p1};
    assert_true(fast_node_profile(pj, t, view, p));
    return xyz_of(t);
}

/* The worst ΔE00 along dimension dim of a view, the other parameter at `other`, over
 * parameter values from `from` to `to` (a factor 1.37 apart). */
static double axis_error(const optics_table_t *t, int view, size_t dim, double other, double from,
                         double to)
{
    const fast_axis_t axis = fast_node_axis(t, view, dim);
    for (long k = 0; k < FAST_NODES; k++) /* place is value's inverse */
        assert_true(fabs(fast_axis_place(axis, fast_axis_value(axis, k)) - k) < 1e-9);
    const smpf_xyz_t white = smpf_color_white(ctx);
    double worst = 0;
    for (double v = from; v < to; v *= 1.37) {
        const double u = fast_axis_place(axis, v);
        const int s = u < 1 ? 0 : (int)floor(u) - 1;
        double w[4], X = 0, Y = 0, Z = 0;
        fast_lagrange4(u, s, w);
        for (int m = 0; m < 4; m++) {
            const double node = fast_axis_value(axis, s + m);
            const smpf_xyz_t x = dim == 0 ? view_xyz(t, view, node, other) : view_xyz(t, view, other, node);
            X += w[m] * x.X;
            Y += w[m] * x.Y;
            Z += w[m] * x.Z;
        }
        const smpf_xyz_t exact = dim == 0 ? view_xyz(t, view, v, other) : view_xyz(t, view, other, v);
        worst = fmax(worst, smpf_color_de00(smpf_color_lab((smpf_xyz_t){X, Y, Z}, white),
                                            smpf_color_lab(exact, white)));
    }
    return worst;
}

static void test_axes(void **state)
{
    (void)state;
    const optics_table_t *t = shallow_table();
    assert_true(t->has_epi);
    const double column = axis_error(t, VIEW_BASE, 0, 0.0, 1e-8, 0.05);
    const double epidermal = fmax(axis_error(t, VIEW_BASE, 1, 3e-4, 1e-8, 0.01),
                                  axis_error(t, VIEW_BASE, 1, 3e-3, 1e-8, 0.01));
    double exposure = 0;
    const double columns_mm[] = {3e-4, 2e-3, 1e-2, 4e-2};
    for (size_t n = 0; n < sizeof columns_mm / sizeof columns_mm[0]; n++)
        exposure = fmax(exposure, axis_error(t, VIEW_UV, 1, columns_mm[n], 0.05, 200));
    print_message("axes: worst ΔE00 column %.4f, epidermal %.4f, exposure %.4f\n", column,
                  epidermal, exposure);
    assert_true(column < 0.05);
    assert_true(epidermal < 0.03);
    assert_true(exposure < 0.01);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_derivatives_match_central_differences),
        cmocka_unit_test(test_tabulated_slices_match_exact),
        cmocka_unit_test(test_thinned_spectra_match_full),
        cmocka_unit_test(test_axes),
    };
    return cmocka_run_group_tests(tests, model_setup, model_teardown);
}
