/* The fast optics' estimates (projection_fast.c has the design and the tables): the actual
 * profile against the views' shapes, anchors tried from the cheapest, the interpolated
 * value plus the first-order correction through the nodes' derivatives, and the
 * correction's size as the guard. */
#include "kinetics_internal.h"
#include "projection_fast_internal.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>

#define FAST_MAX_MISFIT 0.5  /* profile off the view's shape by more (L1, relative): direct */
#define FAST_QUICK_DE00 0.1  /* an anchor corrected by at most this is taken at once */
#define FAST_MAX_CORRECTION_DE00 0.3 /* a larger first-order correction: solved directly */
#define FAST_NEGLIGIBLE_REL 1e-5 /* a correction below this share of X, Y, Z is no change */
/* A profile this close to its view (L1, relative) needs no correction, nor derivatives:
 * even at the surface, where a 10^-3 share of the deposit moves the colour by ~0.2 ΔE00,
 * it moves it by ~0.002. */
#define FAST_NEGLIGIBLE_DELTA 1e-5

/* A view's estimate of the dot: XYZ interpolated at the anchor and the first-order
 * correction for the profile's difference from the anchor's profile, delta[c][j] (volume
 * fractions), through the interpolated derivatives. */
typedef struct {
    int ok; /* 0: the stencil leaves the grid or reaches an invalid node */
    double xyz[3], correction[3];
    double f[3]; /* CIELAB's f of xyz + correction, when have_f */
    int have_f;
} estimate_t;

/* An anchor in a view: u[d] in node units; a dimension in `snap` (bit d) takes its nearest
 * node instead of a 4-point stencil (the derivatives then carry the difference). */
typedef struct {
    int view;
    size_t dims;
    unsigned snap;
    double u[FAST_MAX_DIMS];
} anchor_t;

/* The stencil's first-order correction.  Per component c the nodes' derivatives are
 * weighted and summed first, jw[i] = w_0 d_0[i] + w_1 d_1[i] + ... (nodes in stencil
 * order; the first term starts each sum, 0 + w d being w d up to the sign of a zero, which
 * no sum after can see), then dotted with the profile's difference: one dot product per
 * stencil instead of one per node.  The 36 sums, four to a vector, stay in registers
 * across the nodes; the dot product keeps X, Y and Z in three lanes of one vector, each
 * summed over c and j in order, from 0.  Every element sees the same operations in the
 * same order as one scalar at a time (no fused multiply-add), so the results are the same
 * to the last bit with or without AVX2 (tests/test_fast_estimate.c). */
typedef double jac_v4 __attribute__((vector_size(4 * sizeof(double))));
_Static_assert(FAST_JAC_N % 4 == 0, "whole vectors");

#define STENCIL_CORRECTION_BODY                                                             \
    jac_v4 sum = {0, 0, 0, 0};                                                              \
    for (size_t c = 0; c < ncomp; c++) {                                                    \
        jac_v4 acc[FAST_JAC_N / 4];                                                         \
        const jac_v4 w0 = {weight[0], weight[0], weight[0], weight[0]};                     \
        _Pragma("GCC unroll 9") for (size_t b = 0; b < FAST_JAC_N / 4; b++) {               \
            jac_v4 d;                                                                       \
            memcpy(&d, &jac[0]->d[c][0][0] + 4 * b, sizeof d);                             \
            acc[b] = w0 * d;                                                                \
        }                                                                                   \
        for (size_t n = 1; n < count; n++) {                                                \
            const jac_v4 wn = {weight[n], weight[n], weight[n], weight[n]};                 \
            _Pragma("GCC unroll 9") for (size_t b = 0; b < FAST_JAC_N / 4; b++) {           \
                jac_v4 d;                                                                   \
                memcpy(&d, &jac[n]->d[c][0][0] + 4 * b, sizeof d);                         \
                acc[b] += wn * d;                                                           \
            }                                                                               \
        }                                                                                   \
        union { /* the sums, and a 4th lane after the last X, Y, Z */                     \
            jac_v4 v[FAST_JAC_N / 4 + 1];                                                   \
            double d[FAST_JAC_N + 4];                                                       \
        } jw;                                                                               \
        _Pragma("GCC unroll 9") for (size_t b = 0; b < FAST_JAC_N / 4; b++)                 \
            jw.v[b] = acc[b];                                                               \
        jw.v[FAST_JAC_N / 4] = (jac_v4){0, 0, 0, 0};                                        \
        _Pragma("GCC unroll 12") for (size_t j = 0; j < FAST_GRID_SUBLAYERS; j++) {         \
            jac_v4 d;                                                                       \
            memcpy(&d, jw.d + 3 * j, sizeof d);                                             \
            const double dl = delta[c][j];                                                  \
            sum += d * (jac_v4){dl, dl, dl, dl};                                            \
        }                                                                                   \
    }                                                                                       \
    for (int k = 0; k < 3; k++)                                                             \
        correction[k] = sum[k];

static void stencil_correction(size_t count, const double *weight, const node_jac_t *const *jac,
                               size_t ncomp, double (*delta)[PROJECTION_SUBLAYERS],
                               double correction[3])
{
    STENCIL_CORRECTION_BODY
}

#if defined(__GNUC__) && defined(__x86_64__)
__attribute__((target("avx2"))) static void
stencil_correction_avx2(size_t count, const double *weight, const node_jac_t *const *jac,
                        size_t ncomp, double (*delta)[PROJECTION_SUBLAYERS], double correction[3])
{
    STENCIL_CORRECTION_BODY
}
#endif

int fast_have_avx2(void)
{
#if defined(__GNUC__) && defined(__x86_64__)
    return __builtin_cpu_supports("avx2");
#else
    return 0;
#endif
}

void fast_stencil_correction(size_t count, const double *weight, const node_jac_t *const *jac,
                             size_t ncomp, double (*delta)[PROJECTION_SUBLAYERS], int avx2,
                             double correction[3])
{
#if defined(__GNUC__) && defined(__x86_64__)
    if (avx2) {
        stencil_correction_avx2(count, weight, jac, ncomp, delta, correction);
        return;
    }
#endif
    (void)avx2;
    stencil_correction(count, weight, jac, ncomp, delta, correction);
}

/* The stencil's nodes (W0 x W1 of them from start; W0 and W1 constants where this is
 * inlined, so the loops unroll): their weighted XYZ summed into xyz, and with want_jac
 * their weights and derivatives.  A snapped dimension's width is 1 and its weight 1:
 * w0 * 1 is w0 exactly, so leaving the product out changes no bit.  Returns 0 when a
 * node lies beyond volume fraction 1, -1 on an error (in *st). */
static inline __attribute__((always_inline)) int
stencil_nodes(smpf_projector_t *pj, optics_table_t *t, const anchor_t *an, const int *start,
              double (*w)[4], const int W0, const int W1, int want_jac, double xyz[3],
              double *weight, const node_jac_t **jac, size_t *count, int *st, smpf_error_t *err)
{
    node_t *_Atomic *const slots = fast_node_slot(t, an->view, an->dims, start);
    for (int o1 = 0; o1 < W1; o1++)
        for (int o0 = 0; o0 < W0; o0++) {
            const double wn = W1 == 1 ? w[0][o0] : W0 == 1 ? w[1][o1] : w[0][o0] * w[1][o1];
            const node_t *nd = atomic_load_explicit(&slots[o0 * FAST_NODES + o1], memory_order_acquire);
            if (!fast_node_ready(nd, want_jac)) {
                const int idx[FAST_MAX_DIMS] = {start[0] + o0, start[1] + o1};
                *st = fast_node_solve(pj, t, an->view, an->dims, idx, want_jac, &nd, err);
                if (*st != SMPF_OK)
                    return -1;
            }
            if (nd->state != NODE_OK)
                return 0; /* the stencil reaches beyond volume fraction 1 */
            for (int k = 0; k < 3; k++)
                xyz[k] += wn * nd->xyz[k];
            if (want_jac) {
                weight[*count] = wn;
                jac[(*count)++] = atomic_load_explicit(&nd->jac, memory_order_acquire);
            }
        }
    return 1;
}

static int interpolate(smpf_projector_t *pj, optics_table_t *t, const anchor_t *an,
                       double (*delta)[PROJECTION_SUBLAYERS], int want_jac, estimate_t *e,
                       smpf_error_t *err)
{
    e->ok = 0;
    e->have_f = 0;
    int start[FAST_MAX_DIMS] = {0, 0}, width[FAST_MAX_DIMS] = {1, 1};
    double w[FAST_MAX_DIMS][4]; /* set where width is 4 */
    for (size_t d = 0; d < an->dims; d++) { /* places within the table: view_estimate */
        const double u = an->u[d];
        if (an->snap >> d & 1) {
            start[d] = fast_nearest_node(u);
        } else {
            const int s = (int)u - 1; /* u >= 0: floor */
            start[d] = s < 0 ? 0 : s > FAST_NODES - 4 ? FAST_NODES - 4 : s;
            width[d] = 4;
            fast_lagrange4(u, start[d], w[d]);
        }
    }
    double xyz[3] = {0, 0, 0}, weight[FAST_STENCIL_NODES];
    const node_jac_t *jac[FAST_STENCIL_NODES];
    size_t count = 0;
    int st = SMPF_OK, in;
    if (width[0] == 4 && width[1] == 4)
        in = stencil_nodes(pj, t, an, start, w, 4, 4, want_jac, xyz, weight, jac, &count, &st, err);
    else if (width[0] == 4)
        in = stencil_nodes(pj, t, an, start, w, 4, 1, want_jac, xyz, weight, jac, &count, &st, err);
    else if (width[1] == 4)
        in = stencil_nodes(pj, t, an, start, w, 1, 4, want_jac, xyz, weight, jac, &count, &st, err);
    else { /* every dimension snapped: the node itself, weight 1 */
        w[0][0] = 1;
        in = stencil_nodes(pj, t, an, start, w, 1, 1, want_jac, xyz, weight, jac, &count, &st, err);
    }
    if (in <= 0)
        return st;
    for (int k = 0; k < 3; k++) {
        e->xyz[k] = xyz[k];
        e->correction[k] = 0;
    }
    if (want_jac)
        fast_stencil_correction(count, weight, jac, t->key.ncomp, delta, fast_have_avx2(),
                                e->correction);
    e->ok = 1;
    return SMPF_OK;
}

/* The size of a view's correction in ΔE00: how far the profile is, optically, from the
 * view's shape.  0 when it changes no tristimulus value by more than FAST_NEGLIGIBLE_REL;
 * an upper bound of ΔE00 when that is within FAST_QUICK_DE00 (the anchor is taken either
 * way). */
static double correction_de00(const smpf_projector_t *pj, estimate_t *e)
{
    int small = 1;
    for (int k = 0; k < 3; k++)
        small &= fabs(e->correction[k]) <= FAST_NEGLIGIBLE_REL * fabs(e->xyz[k]);
    if (small)
        return 0.0;
    const smpf_xyz_t w = smpf_color_white(pj->ctx);
    const smpf_xyz_t a = {e->xyz[0], e->xyz[1], e->xyz[2]};
    const smpf_xyz_t b = {e->xyz[0] + e->correction[0], e->xyz[1] + e->correction[1],
                          e->xyz[2] + e->correction[2]};
    const double tb[3] = {b.X / w.X, b.Y / w.Y, b.Z / w.Z};
    smpf_lab_f3(tb, e->f); /* kept: the cast needs them too */
    e->have_f = 1;
    const double fa[3] = {smpf_lab_f_near(a.X / w.X, b.X / w.X, e->f[0]),
                          smpf_lab_f_near(a.Y / w.Y, b.Y / w.Y, e->f[1]),
                          smpf_lab_f_near(a.Z / w.Z, b.Z / w.Z, e->f[2])};
    const smpf_lab_t la = smpf_lab_from_f(fa), lb = smpf_lab_from_f(e->f);
    const double bound = smpf_color_de00_bound(la, lb); /* cheaper; decides the same */
    return bound <= FAST_QUICK_DE00 ? bound : smpf_color_de00(la, lb);
}

/* The UV exposure q whose shape exp(-q uv_j) S_j has the profile's mean UV dose rate.
 * The shape's mean dose rate m(q) falls monotonically with q (its derivative is minus the
 * variance), so the root is bracketed in [0, q_max]: Newton's steps, with bisection when
 * a step would leave the bracket. */
static double shape_mean_uv(const optics_table_t *t, double q, double *variance)
{
    double z = 0, m1 = 0, m2 = 0;
    for (size_t j = 0; j < t->key.nsub; j++) {
        const double w = t->shape_derm[j] * exp(-q * t->uv[j]);
        z += w;
        m1 += w * t->uv[j];
        m2 += w * t->uv[j] * t->uv[j];
    }
    m1 /= z;
    *variance = m2 / z - m1 * m1;
    return m1;
}

static double uv_exposure(const optics_table_t *t, const double *amount)
{
    double total = 0, m_obs = 0, var;
    for (size_t j = 0; j < t->key.nsub; j++) {
        total += amount[j];
        m_obs += amount[j] * t->uv[j];
    }
    double lo = 0, hi = t->node_value[VIEW_UV][1][FAST_NODES - 1], q = 0;
    if (!(total > 0) || shape_mean_uv(t, lo, &var) <= m_obs / total)
        return 0;
    m_obs /= total;
    if (shape_mean_uv(t, hi, &var) > m_obs)
        return hi; /* beyond the table: the stencil will say so */
    for (int it = 0; it < 100; it++) {
        const double m = shape_mean_uv(t, q, &var) - m_obs;
        if (m > 0)
            lo = q;
        else
            hi = q;
        double next = var > 1e-300 ? q + m / var : 0.5 * (lo + hi);
        if (!(next > lo && next < hi))
            next = 0.5 * (lo + hi);
        const int converged = fabs(next - q) <= 1e-12 * (1 + q);
        q = next;
        if (converged || hi - lo <= 1e-12 * (1 + hi))
            break;
    }
    return q;
}

/* The anchor's profile parameters: a snapped dimension takes its node's value; 0 when
 * the anchor lies beyond the table (or is NaN). */
static int anchor_columns(const optics_table_t *t, const anchor_t *an, const double *value,
                          double *col)
{
    for (size_t d = 0; d < an->dims; d++) {
        if (!(an->u[d] <= FAST_NODES - 1))
            return 0;
        col[d] = an->snap >> d & 1 ? t->node_value[an->view][d][fast_nearest_node(an->u[d])]
                                  : value[d];
    }
    return 1;
}

/* A view's estimate for the profile a (volume fractions; total: their sum) and the size of
 * its correction; de = INFINITY when the view does not apply. */
static int view_estimate(smpf_projector_t *pj, optics_table_t *t, const anchor_t *an,
                         const double *value, double (*a)[PROJECTION_SUBLAYERS], double total,
                         estimate_t *e, double *de, smpf_error_t *err)
{
    double col[FAST_MAX_DIMS], delta[FAST_JAC_COMPS][PROJECTION_SUBLAYERS], off;
    *de = INFINITY;
    e->ok = 0;
    if (!anchor_columns(t, an, value, col))
        return SMPF_OK;
    const int fits = an->view == VIEW_BASE && t->key.ncomp == 1
                         ? fast_base_delta_one(t, col, a, delta, &off)
                         : fast_view_delta(t, an->view, col, a, delta, &off);
    if (!fits || !(off <= FAST_MAX_MISFIT * total)) /* too far for a first-order correction */
        return SMPF_OK;
    int st = interpolate(pj, t, an, delta, off > FAST_NEGLIGIBLE_DELTA * total, e, err);
    if (st == SMPF_OK && e->ok)
        *de = correction_de00(pj, e);
    return st;
}

/* The dot's profile a[c][j] in volume fractions, its columns col (mm: dermal per
 * component, then epidermal; col zeroed by the caller) and the profile's sum, from the
 * simulation's rows of the pigment in skin and of E (sublayer j, component c at
 * j * ncomp + c).  Inline: one-component inks (ncomp 1, the cells are the sublayers)
 * get contiguous loops. */
static inline double dot_profile(const optics_table_t *t, const double *skin_amount,
                                 const double *epi_amount, size_t ncomp, double scale,
                                 double (*a)[PROJECTION_SUBLAYERS], double *col)
{
    const double inv_dz_per_mm = 1.0 / t->key.grid_dz_mm;
    double total = 0;
    for (size_t c = 0; c < ncomp; c++) {
        double all = 0, epi = 0; /* sums in registers: this runs for every month */
        /* The products in a loop of their own, which vectorises (the sums, in order,
         * cannot). */
        for (size_t j = 0; j < FAST_GRID_SUBLAYERS; j++)
            a[c][j] = skin_amount[j * ncomp + c] * scale * inv_dz_per_mm;
        for (size_t j = 0; j < FAST_GRID_SUBLAYERS; j++) {
            total += a[c][j]; /* components outer, slices inner: as the misfit's sum */
            all += skin_amount[j * ncomp + c];
        }
        for (size_t j = 0; t->has_epi && j < FAST_GRID_SUBLAYERS; j++)
            epi += epi_amount[j * ncomp + c];
        col[c] = (t->has_epi ? all - epi : all) * scale;
        if (t->has_epi)
            col[ncomp] += epi * scale;
    }
    return total;
}

int fast_dot_xyz(smpf_projector_t *pj, const smpf_kin_summary_t *summary, double column_mm,
                 fast_dot_t *dot, int *done, smpf_error_t *err)
{
    optics_table_t *t = pj->table;
    *done = 0;
    if (!t || t->dims > FAST_MAX_DIMS)
        return SMPF_OK;
    const double scale = summary->peak_dilution * column_mm;
    const size_t ncomp = t->key.ncomp, nsub = t->key.nsub;
    /* The profile in volume fractions; the dermal (without E) and epidermal columns, mm. */
    double a[FAST_JAC_COMPS][PROJECTION_SUBLAYERS], derm[PROJECTION_SUBLAYERS];
    double col[FAST_MAX_DIMS] = {0};
    /* The simulation's amounts, read in place (the table's ink is the simulation's). */
    const double *skin_amount = smpf_kin_in_skin_row(pj->sim);
    const double *epi_amount = smpf_kin_row(pj->sim, SMPF_KC_E);
    const double total = ncomp == 1 ? dot_profile(t, skin_amount, epi_amount, 1, scale, a, col)
                                    : dot_profile(t, skin_amount, epi_amount, ncomp, scale, a, col);
    /* Anchors from the cheapest: the base view with the epidermal column at its nearest
     * node, then interpolated; the UV view with q at its nearest node, then interpolated.
     * The first whose correction is small is taken; else the smallest correction within
     * FAST_MAX_CORRECTION_DE00; else the caller solves.  The UV view's parameters (one
     * component: the dermal column and its exposure) only when the base view has not
     * served. */
    anchor_t anchors[4];
    const double *values[4];
    double uvp[2] = {0, 0};
    size_t n = 0;
    anchors[n] = (anchor_t){VIEW_BASE, t->dims, t->has_epi ? 1u << ncomp : 0, {0, 0}};
    for (size_t d = 0; d < t->dims; d++)
        anchors[n].u[d] = fast_axis_place(fast_node_axis(t, VIEW_BASE, d), col[d]);
    values[n++] = col;
    if (t->has_epi) {
        anchors[n] = anchors[n - 1];
        anchors[n].snap = 0;
        values[n++] = col;
    }
    const size_t nbase = n;
    if (ncomp == 1)
        n += 2;
    estimate_t e[4];
    const estimate_t *best = NULL;
    double best_de = INFINITY;
    int st = SMPF_OK;
    for (size_t i = 0; i < n && st == SMPF_OK && !(best_de <= FAST_QUICK_DE00); i++) {
        if (i == nbase) { /* one component */
            for (size_t j = 0; j < nsub; j++) {
                derm[j] = (skin_amount[j] - epi_amount[j]) * scale;
                uvp[0] += derm[j];
            }
            uvp[1] = uv_exposure(t, derm);
            anchors[i] = (anchor_t){VIEW_UV, 2, 2u, {fast_axis_place(FAST_COLUMN_AXIS, uvp[0]),
                                                    fast_axis_place(FAST_EXPOSURE_AXIS, uvp[1])}};
            anchors[i + 1] = anchors[i];
            anchors[i + 1].snap = 0;
            values[i] = values[i + 1] = uvp;
        }
        double de;
        st = view_estimate(pj, t, &anchors[i], values[i], a, total, &e[i], &de, err);
        if (de < best_de) {
            best_de = de;
            best = &e[i];
        }
    }
    if (st != SMPF_OK || !(best_de <= FAST_MAX_CORRECTION_DE00))
        return st;
    dot->xyz = (smpf_xyz_t){best->xyz[0] + best->correction[0], best->xyz[1] + best->correction[1],
                            best->xyz[2] + best->correction[2]};
    dot->have_f = best->have_f;
    if (best->have_f)
        memcpy(dot->f, best->f, sizeof dot->f);
    *done = 1;
    return SMPF_OK;
}

