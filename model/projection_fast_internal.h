/* Internal: the fast-optics table shared by projection_fast.c (tables, nodes, the cache),
 * projection_fast_view.c (the estimates) and projection_fast_node.c (the adding-doubling
 * solves of a node and its derivatives). */
#ifndef SMPF_PROJECTION_FAST_INTERNAL_H
#define SMPF_PROJECTION_FAST_INTERNAL_H

#include "projection_internal.h"

#include "ad_internal.h"

#include <math.h>
#include <stdatomic.h>

#define FAST_MAX_DIMS 2  /* columns a table takes: a 2-component ink, or one + epidermis */
/* A table's axes: node k at the parameter value scale (exp(step k) - 1), linear below
 * `scale`, logarithmic above.  4-point Lagrange interpolation along each, against the
 * exact profiles' colour (measured when chosen; tests/test_fast_node.c, test_axes, checks
 * a 0.22 mm deposit).  `scale` is in mm on the column axes; q has no unit (it multiplies
 * a relative UV dose rate):
 * - a dermal column (mm): a carbon column of 10^-5 mm already has an absorption optical
 *   depth of ~0.1-1, so the log axis starts low; 0.03 ΔE00 at most (0.22-1 mm deposits,
 *   skin types 1-5; an offset of 10^-5 mm would save 4 nodes below 10^-4 mm, with the
 *   same worst case along the axis but 0.030 instead of 0.021 ΔE00 in whole projections,
 *   tests/test_fast_path.c, and no measurable gain in ensembles);
 * - the epidermal column (mm): 0.015 ΔE00 at most (0.22-0.3 mm, skin types 1-6); the
 *   offset of 3 10^-5 mm puts ~6 nodes fewer below 10^-4 mm than 10^-6 mm would;
 * - the UV view's exposure q: nearly linear (spacing 0.45) where UV starts to thin the
 *   top sublayer, logarithmic beyond: the thinned front lies where q uv(z) ~ 1, and uv
 *   falls ~3x per sublayer, so the colour changes on a scale of ln q there; 0.004 ΔE00 at
 *   most up to q = 200 over 0.22-0.45 mm deposits (0.002 at 0.22 mm; a linear axis of
 *   step 0.25 needed 64 nodes to reach q = 16). */
typedef struct {
    double scale, step;
} fast_axis_t;
#define FAST_COLUMN_AXIS ((fast_axis_t){1e-6, 0.5})
#define FAST_EPIDERMAL_AXIS ((fast_axis_t){3e-5, 0.5})
#define FAST_EXPOSURE_AXIS ((fast_axis_t){3.0, 0.15})
#define FAST_JAC_COMPS 2 /* components a table node carries derivatives for */
#define FAST_JAC_QUAD_POINTS 4 /* the derivatives' quadrature (projection_fast_node.c) */
/* Derivatives are solved at every 4th wavelength (20 nm) and interpolated linearly in
 * between: their difference from 8-point central differences grows from 9.20 to 9.24 %
 * of the largest in XYZ (tests/test_fast_node.c, which also checks every wavelength), for
 * a quarter of the work. */
#define FAST_JAC_STRIDE 4
_Static_assert((SMPF_NWL - 1) % FAST_JAC_STRIDE == 0, "the last wavelength is solved");
enum { FAST_Q_VALUE = 0, FAST_Q_JAC = 1, FAST_QUADRATURES = 2 }; /* a table's two solvers */
/* The wavelengths quadrature q's skin above the grid and dermis below are solved at:
 * every one for the values (the bare skin is solved in full; node values and the slice
 * operators only at fast_thinned_wavelength's), every FAST_JAC_STRIDE-th for the
 * derivatives (and their slice operators). */
static inline size_t fast_wavelength_stride(int q) { return q == FAST_Q_JAC ? FAST_JAC_STRIDE : 1; }
#define FAST_TAU_CUT 9.0 /* absorption depth below which slices no longer matter:
                            their light is attenuated by exp(-18) = 1.5e-8 at least */

/* Tables are made for the projector's grid only (fast_table_select): key.nsub is always
 * PROJECTION_SUBLAYERS, so the estimates' loops, once per colour evaluation, run this
 * fixed count, which the compiler unrolls. */
#define FAST_GRID_SUBLAYERS PROJECTION_SUBLAYERS

typedef struct {
    double epi_mm, needle_mm, width_mm, grid_top_mm, grid_dz_mm;
    double melanin, blood, saturation, skin_epi_mm;
    double uvb_1pct_mm, uva_1pct_mm, uvb_fraction; /* UV's depth profile (the UV view) */
    size_t nsub, ncomp;
    const double *mua[SMPF_INK_MAX_COMPONENTS], *musp[SMPF_INK_MAX_COMPONENTS];
    double fraction[SMPF_INK_MAX_COMPONENTS];
} table_key_t;

/* A node's derivatives: d XYZ / d (volume fraction of component c in slice j), at the
 * node's profile.  Solved only when an estimate needs them. */
typedef struct {
    double d[FAST_JAC_COMPS][PROJECTION_SUBLAYERS][3];
} node_jac_t;

typedef struct {
    int state; /* NODE_OK, or NODE_INVALID: its profile exceeds volume fraction 1 */
    double xyz[3];
    node_jac_t *_Atomic jac; /* NULL until solved; published whole, as the node */
} node_t;

/* A table's pigment-slice operators against the fraction (projection_fast_slices.c). */
typedef struct slice_ops slice_ops_t;
#define FAST_SLICE_KINDS 4 /* kinds of slice layer: thickness x tissue (a split slice) */

enum { NODE_OK = 1, NODE_INVALID };
enum { VIEW_BASE = 0, VIEW_UV = 1, FAST_VIEWS = 2 };

#define FAST_NODES 64 /* nodes per dimension */

struct optics_table {
    table_key_t key;
    size_t dims;
    int has_epi;
    double shape_derm[PROJECTION_SUBLAYERS], shape_epi[PROJECTION_SUBLAYERS]; /* per mm */
    double shape_max[2]; /* the largest of each, per mm */
    double uv[PROJECTION_SUBLAYERS]; /* UV dose rate per sublayer, relative to the top one */
    size_t ntop;              /* tissue layers above the deposit grid */
    /* Per quadrature (values, derivatives): surface + those layers, per wavelength; R of
     * the semi-infinite dermis, per wavelength (n x n each).  The derivatives' only at
     * every FAST_JAC_STRIDE-th wavelength (top: NULL between). */
    smpf_ad_op_t *top[FAST_QUADRATURES][SMPF_NWL];
    double *bottom[FAST_QUADRATURES];
    double R_skin[SMPF_NWL];
    slice_ops_t *slices; /* one-component inks: node values, derivatives, fallbacks; or NULL */
    /* Node k's parameter on each view's axes (fast_axis_value), computed once: a snapped
     * anchor takes its node's value at every estimate. */
    double node_value[FAST_VIEWS][FAST_MAX_DIMS][FAST_NODES];
    /* Nodes by view and indices, NULL until solved.  A node is published once, whole
     * (compare-and-swap), so projectors on several threads may share the table. */
    node_t *_Atomic *nodes;   /* [view][i][j], FAST_VIEWS x FAST_NODES x FAST_NODES */
};

/* The skin of a table's setup (its key), as the tissue model takes it. */
static inline smpf_skin_t fast_table_skin(const optics_table_t *t)
{
    return (smpf_skin_t){0, t->key.melanin, t->key.skin_epi_mm, t->key.blood, t->key.saturation};
}

/* How fast_node_spectrum solves a spectrum: FAST_SPECTRUM_FULL, every slice at every
 * wavelength (the bare skin, as the direct path; the tests' reference);
 * FAST_SPECTRUM_THINNED, every slice at the wavelengths fast_thinned_wavelength keeps, the
 * others interpolated; FAST_SPECTRUM_TABULATED, the same wavelengths with the slices'
 * operators interpolated in the table's slice operators where they cover them (node
 * values and fallbacks). */
enum { FAST_SPECTRUM_FULL, FAST_SPECTRUM_THINNED, FAST_SPECTRUM_TABULATED };

/* A thinned spectrum's wavelengths: every 5 nm from 420 to 620 nm, where hemoglobin's
 * Soret tail and Q bands and its absorption's fall near 600 nm shape the reflectance;
 * every 10 nm from 380 to 420 and from 620 to 660 nm; every 20 nm from 660 to 780 nm,
 * where the spectra are smooth and the colour-matching functions small: 55 of the 81.
 * The others are 4-point Lagrange interpolations, relative to the bare skin's reflectance,
 * of the solved ones around them (projection_fast_node.c, fill_thinned).  Against full
 * spectra of the node profiles a 2 048-sample ensemble's tables met: at most 0.0012 ΔE00
 * (carbon), 0.0025 (iron oxide), 0.0051 (the phthalocyanine toner, whose absorption has
 * bands in the red); tests/test_fast_node.c bounds it. */
int fast_thinned_wavelength(size_t i);

/* The dot's reflectance spectrum with the profile in pj->profile (on the table's grid),
 * from the table's cached skin above and dermis below; `how`: a FAST_SPECTRUM_ mode. */
int fast_node_spectrum(smpf_projector_t *pj, const optics_table_t *t, int how,
                       double R[SMPF_NWL], smpf_error_t *err);
/* dR[c][j][i] = d R_i / d (volume fraction of component c in slice j) for the profile in
 * pj->profile, c < ncomp <= FAST_JAC_COMPS, by forward differences through the adding of
 * the slices (in the derivatives' quadrature). */
int fast_node_derivatives(smpf_projector_t *pj, const optics_table_t *t,
                          double (*dR)[PROJECTION_SUBLAYERS][SMPF_NWL], smpf_error_t *err);
/* The cached skin above and dermis below of a new table, and its bare skin. */
int fast_table_setup(smpf_projector_t *pj, optics_table_t *t, smpf_error_t *err);

/* The volume fractions f[c][j] of a view's profile with parameters col (components
 * c < ncomp <= FAST_JAC_COMPS), and that profile in pj->profile (projection_fast.c); 0
 * when it exceeds volume fraction 1. */
int fast_view_fractions(const optics_table_t *t, int view, const double *col,
                        double (*f)[PROJECTION_SUBLAYERS]);
/* A profile a[c][j] (volume fractions) against a view's profile with parameters col:
 * delta = a - the view's fractions and *off = the sum of |delta| (components outer,
 * slices inner); 0 when the view's profile exceeds volume fraction 1.  fast_base_delta_one
 * is the same for the base view of a one-component ink (the common case, once per
 * estimate and anchor): no view or component dispatch, the same operations in the same
 * order, and volume fraction 1 checked once on the shapes' maxima when it can be (the
 * tests compare the two, tests/test_fast_estimate.c). */
int fast_view_delta(const optics_table_t *t, int view, const double *col,
                    double (*a)[PROJECTION_SUBLAYERS], double (*delta)[PROJECTION_SUBLAYERS],
                    double *off);
int fast_base_delta_one(const optics_table_t *t, const double *col,
                        double (*a)[PROJECTION_SUBLAYERS], double (*delta)[PROJECTION_SUBLAYERS],
                        double *off);
int fast_node_profile(smpf_projector_t *pj, const optics_table_t *t, int view,
                      const double *col);
/* The axis of dimension dim of a view: a column (mm; the base view's last dimension is
 * the epidermal column when the table has one) or, in the UV view's second dimension, the
 * exposure q.  Inline: the estimates place the base view's columns every month. */
static inline fast_axis_t fast_node_axis(const optics_table_t *t, int view, size_t dim)
{
    if (view == VIEW_UV)
        return dim == 1 ? FAST_EXPOSURE_AXIS : FAST_COLUMN_AXIS;
    return t->has_epi && dim == t->key.ncomp ? FAST_EPIDERMAL_AXIS : FAST_COLUMN_AXIS;
}
/* Node k's parameter on an axis (the table keeps them: node_value), and the inverse: a
 * parameter's place, in node units (negative parameters and NaN at node 0). */
double fast_axis_value(fast_axis_t a, long k);
static inline double fast_axis_place(fast_axis_t a, double value)
{
    return log1p(value > 0 ? value / a.scale : 0.0) / a.step;
}
/* The nearest node to a place u in [0, FAST_NODES - 1] (halves up, as lround). */
static inline int fast_nearest_node(double u)
{
    const int k = (int)u; /* u - k is exact: the fraction of a double is representable */
    return u - k >= 0.5 ? k + 1 : k;
}

/* A node's value (with want_jac, its derivatives too), solved when first asked for.  The
 * estimates look the nodes up in their slots (fast_node_slot: [view][i][j], j = 0 in one
 * dimension) and call fast_node_solve only for those not yet published, or published
 * without the derivatives they need (fast_node_ready). */
int fast_node_solve(smpf_projector_t *pj, optics_table_t *t, int view, size_t dims,
                    const int *idx, int want_jac, const node_t **out, smpf_error_t *err);
static inline node_t *_Atomic *fast_node_slot(const optics_table_t *t, int view, size_t dims,
                                              const int *idx)
{
    return &t->nodes[((size_t)view * FAST_NODES + (size_t)idx[0]) * FAST_NODES +
                     (dims > 1 ? (size_t)idx[1] : 0)];
}
static inline int fast_node_ready(const node_t *nd, int want_jac)
{
    return nd && (!want_jac || nd->state != NODE_OK ||
                  atomic_load_explicit(&nd->jac, memory_order_acquire));
}

/* A stencil's first-order correction (projection_fast_view.c): per component c < ncomp
 * the derivatives of its `count` nodes weighted and summed, then dotted with the
 * profile's difference delta[c][j]: correction[k] = sum over c, j (in that order) of
 * (sum over nodes n of weight[n] jac[n]->d[c][j][k]) delta[c][j].  avx2 (only when
 * fast_have_avx2()): with 4-double registers, the same bits. */
#define FAST_STENCIL_NODES 16 /* 4 x 4 */
#define FAST_JAC_N (PROJECTION_SUBLAYERS * 3) /* derivatives per component */
_Static_assert(sizeof ((node_jac_t *)0)->d[0] == FAST_JAC_N * sizeof(double), "one component's");
void fast_stencil_correction(size_t count, const double *weight, const node_jac_t *const *jac,
                             size_t ncomp, double (*delta)[PROJECTION_SUBLAYERS], int avx2,
                             double correction[3]);
int fast_have_avx2(void);

/* 4-point Lagrange weights on nodes s..s+3 at u (in node units). */
static inline void fast_lagrange4(double u, int s, double w[4])
{
    const double x = u - s;
    w[0] = -(x - 1) * (x - 2) * (x - 3) / 6;
    w[1] = x * (x - 2) * (x - 3) / 2;
    w[2] = -x * (x - 1) * (x - 3) / 2;
    w[3] = x * (x - 1) * (x - 2) / 6;
}

/* Slice operators: made at the table's setup from the stack of the empty grid (NULL for
 * inks of several components).  A layer's operators are interpolated at the fraction of
 * its slice: fast_slice_stencil places fraction f of layer k among the nodes (once per
 * node solve: the fraction does not depend on the wavelength), fast_slice_operator gives
 * the layer's R and T at wavelength i from that stencil (*done = 0 when layer k is not a
 * slice layer the table covers, or f is beyond the last node: solve it exactly).  q: the
 * quadrature (values or derivatives). */
typedef struct {
    int start;   /* first of the four nodes; -1: not covered */
    double w[4]; /* their Lagrange weights */
} slice_stencil_t;
int fast_slices_new(smpf_projector_t *pj, const optics_table_t *t, slice_ops_t **out,
                    smpf_error_t *err);
void fast_slices_free(slice_ops_t *s);
void fast_slice_stencil(const optics_table_t *t, size_t k, double f, slice_stencil_t *out);
int fast_slice_operator(smpf_projector_t *pj, const optics_table_t *t, int q, size_t k,
                        size_t i, const slice_stencil_t *at, double *R, double *T, int *done,
                        smpf_error_t *err);
/* The slice of the grid layer k holds (-1 for other layers, or without slice operators),
 * and its pigment fraction in a profile (0 for other layers). */
int fast_slice_of_layer(const optics_table_t *t, size_t k);
double fast_slice_fraction(const optics_table_t *t, const smpf_pigment_profile_t *pr, size_t k);

#endif
