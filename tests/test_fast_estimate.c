/* The fast optics' estimate runs once per colour evaluation, so its common cases have
 * specialised forms (projection_fast_view.c); each must give exactly what the general
 * form gives (the ensembles' outputs are compared bit for bit):
 * - fast_base_delta_one (the base view of a one-component ink, fused into one loop)
 *   against fast_view_delta, itself against fast_view_fractions and the subtraction;
 * - fast_stencil_correction (the derivatives' sums held in vector registers across the
 *   stencil, with and without AVX2) against the sums one scalar at a time, node by node;
 * - the tables' node values against fast_axis_value;
 * - fast_nearest_node against lround, fast_axis_place against its defining formula
 *   log1p(max(0, v) / scale) / step. */
#include "test_util.h"

#include "model_fixture.h"
#include "projection_fast_internal.h"
#include "fast_table_fixture.h"

#include <math.h>

/* A one-component ink's table at needle depth depth_mm. */
static const optics_table_t *table_at(double depth_mm)
{
    const optics_table_t *t = fast_table_at(depth_mm);
    assert_int_equal(t->key.ncomp, 1);
    return t;
}

/* A log-uniform deviate between lo and hi. */
static double log_uniform(uint64_t *state, double lo, double hi)
{
    return lo * exp(test_uniform(state) * log(hi / lo));
}

/* Random profiles against random anchors, from traces to anchors beyond volume fraction
 * 1, some columns negative (rounding in the kinetics' columns), and every fifth anchor at
 * the edge: one column fills the fullest slice of its shape to within 10 %, the other
 * is negative (so that the fullest slice the shapes allow is not the fullest slice);
 * returns how many fit. */
static size_t compare_base_delta(const optics_table_t *t, uint64_t *state, size_t n)
{
    size_t fitting = 0;
    for (size_t i = 0; i < n; i++) {
        double col[FAST_MAX_DIMS] = {log_uniform(state, 1e-9, 1.0), 0};
        if (t->has_epi)
            col[1] = log_uniform(state, 1e-9, 0.3);
        if (i % 17 == 0)
            col[i % 2] = -col[i % 2] * 1e-6;
        if (t->has_epi && i % 5 == 0) {
            const size_t full = i % 2, other = 1 - full;
            const double scale = full ? t->key.fraction[0] * t->shape_max[1] : t->shape_max[0];
            col[full] = (0.9 + 0.2 * test_uniform(state)) / scale;
            col[other] = -test_uniform(state) * col[full];
        }
        double a[FAST_JAC_COMPS][PROJECTION_SUBLAYERS] = {{0}};
        for (size_t j = 0; j < t->key.nsub; j++) /* near the anchor's profile, or far off */
            a[0][j] = col[0] * t->shape_derm[j] * (i % 3 ? 1 + 0.01 * test_uniform(state)
                                                         : 4 * test_uniform(state));
        double fast[FAST_JAC_COMPS][PROJECTION_SUBLAYERS], general[FAST_JAC_COMPS][PROJECTION_SUBLAYERS];
        double f[FAST_JAC_COMPS][PROJECTION_SUBLAYERS], off_fast = -1, off_general = -2;
        const int fits = fast_base_delta_one(t, col, a, fast, &off_fast);
        assert_int_equal(fits, fast_view_delta(t, VIEW_BASE, col, a, general, &off_general));
        assert_int_equal(fits, fast_view_fractions(t, VIEW_BASE, col, f));
        if (!fits)
            continue;
        fitting++;
        double off = 0;
        for (size_t j = 0; j < t->key.nsub; j++) {
            assert_true(general[0][j] == a[0][j] - f[0][j]);
            assert_true(fast[0][j] == general[0][j]);
            off += fabs(general[0][j]);
        }
        assert_true(off_general == off);
        assert_true(off_fast == off_general);
    }
    return fitting;
}

static void test_base_delta_one_matches_general(void **state)
{
    (void)state;
    uint64_t rng = 7;
    const size_t n = 3000;
    const optics_table_t *shallow = table_at(0.22);
    assert_true(shallow->has_epi);
    size_t fitting = compare_base_delta(shallow, &rng, n);
    assert_true(fitting > n / 4 && fitting < n); /* both outcomes seen */
    const optics_table_t *deep = table_at(1.0);
    assert_false(deep->has_epi);
    fitting = compare_base_delta(deep, &rng, n);
    assert_true(fitting > n / 4 && fitting < n);
}

static void test_node_values_and_places(void **state)
{
    (void)state;
    const optics_table_t *t = table_at(0.22);
    for (int view = 0; view < FAST_VIEWS; view++)
        for (size_t d = 0; d < FAST_MAX_DIMS; d++) {
            const fast_axis_t axis = fast_node_axis(t, view, d);
            for (long k = 0; k < FAST_NODES; k++)
                assert_true(t->node_value[view][d][k] == fast_axis_value(axis, k));
        }
    uint64_t rng = 11;
    const fast_axis_t axes[] = {FAST_COLUMN_AXIS, FAST_EPIDERMAL_AXIS, FAST_EXPOSURE_AXIS};
    for (size_t i = 0; i < 30000; i++) {
        const fast_axis_t axis = axes[i % 3];
        double v = log_uniform(&rng, 1e-12, 1e3);
        if (i % 50 == 0)
            v = i % 100 == 0 ? -v : 0.0;
        const double place = fast_axis_place(axis, v);
        assert_true(place == log1p(fmax(0.0, v) / axis.scale) / axis.step);
    }
    assert_true(fast_axis_place(FAST_COLUMN_AXIS, NAN) == 0.0); /* as fmax(0, NaN) */
    for (int k = 0; k < FAST_NODES; k++) { /* halves, and their neighbours */
        const double around[] = {k, k + 0.5, nextafter(k + 0.5, 0), nextafter(k + 0.5, 100),
                                 nextafter(k, 100), k + test_uniform(&rng)};
        for (size_t m = 0; m < sizeof around / sizeof around[0]; m++)
            if (around[m] <= FAST_NODES - 1)
                assert_int_equal(fast_nearest_node(around[m]), lround(around[m]));
    }
}

/* The correction as it was first written: each node's weighted derivatives added to sums
 * from 0, then the dot product with the difference, one scalar at a time. */
static void scalar_correction(size_t count, const double *weight, const node_jac_t *const *jac,
                              size_t ncomp, double (*delta)[PROJECTION_SUBLAYERS], double out[3])
{
    double jw[FAST_JAC_COMPS][FAST_JAC_N] = {{0}};
    for (size_t n = 0; n < count; n++)
        for (size_t c = 0; c < ncomp; c++)
            for (size_t i = 0; i < FAST_JAC_N; i++)
                jw[c][i] += weight[n] * (&jac[n]->d[c][0][0])[i];
    out[0] = out[1] = out[2] = 0;
    for (size_t c = 0; c < ncomp; c++)
        for (size_t j = 0; j < PROJECTION_SUBLAYERS; j++)
            for (int k = 0; k < 3; k++)
                out[k] += jw[c][j * 3 + k] * delta[c][j];
}

static void test_stencil_correction_matches_scalar(void **state)
{
    (void)state;
    uint64_t rng = 13;
    static node_jac_t nodes[FAST_STENCIL_NODES];
    const node_jac_t *jac[FAST_STENCIL_NODES];
    for (size_t trial = 0; trial < 400; trial++) {
        const size_t count = trial % 3 == 0 ? 1 : trial % 3 == 1 ? 4 : FAST_STENCIL_NODES;
        const size_t ncomp = 1 + trial % FAST_JAC_COMPS;
        double weight[FAST_STENCIL_NODES], delta[FAST_JAC_COMPS][PROJECTION_SUBLAYERS];
        for (size_t n = 0; n < count; n++) { /* Lagrange weights: of either sign, ~1 */
            weight[n] = 2 * test_uniform(&rng) - 0.5;
            for (size_t c = 0; c < FAST_JAC_COMPS; c++)
                for (size_t j = 0; j < PROJECTION_SUBLAYERS; j++)
                    for (int k = 0; k < 3; k++) /* derivatives over decades, either sign */
                        nodes[n].d[c][j][k] = (test_uniform(&rng) - 0.3) *
                                              log_uniform(&rng, 1e-6, 10.0);
            jac[n] = &nodes[n];
        }
        for (size_t c = 0; c < FAST_JAC_COMPS; c++)
            for (size_t j = 0; j < PROJECTION_SUBLAYERS; j++)
                delta[c][j] = (test_uniform(&rng) - 0.5) * log_uniform(&rng, 1e-9, 1e-3);
        double scalar[3], portable[3], avx2[3];
        scalar_correction(count, weight, jac, ncomp, delta, scalar);
        fast_stencil_correction(count, weight, jac, ncomp, delta, 0, portable);
        for (int k = 0; k < 3; k++)
            assert_true(portable[k] == scalar[k]);
        if (!fast_have_avx2())
            continue;
        fast_stencil_correction(count, weight, jac, ncomp, delta, 1, avx2);
        for (int k = 0; k < 3; k++)
            assert_true(avx2[k] == scalar[k]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_delta_one_matches_general),
        cmocka_unit_test(test_node_values_and_places),
        cmocka_unit_test(test_stencil_correction_matches_scalar),
    };
    return cmocka_run_group_tests(tests, model_setup, model_teardown);
}
