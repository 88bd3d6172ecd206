/* The pigment slices' operators of a fast-optics table, tabulated against the slice's
 * pigment fraction (one-component inks).
 *
 * A node solves its 12 slices per wavelength, each by doubling from a thin layer: most of
 * its cost.  Within one table the slices differ only by their pigment fraction f: they
 * share the thickness and the tissue the pigment is mixed into (dermis; epidermis above
 * the dermo-epidermal junction, where a slice is split in two), so there are at most four
 * kinds of slice layer.  Per kind and wavelength the layer's reflection and transmission
 * (R, T; a homogeneous layer is symmetric) are smooth in ln(f + f0); they are solved on
 * nodes of that axis when first needed and interpolated elementwise with 4-point Lagrange
 * polynomials.  A node then adds interpolated operators instead of doubling each slice;
 * tests/test_fast_node.c measures the difference against the exact slices. */
#include "projection_fast_internal.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Offset of the log axis, below which it is linear: a slice's pigment optical depth is
 * then below ~0.006 (carbon's mua ~1.5e4 /mm per unit fraction, slices 0.025-0.05 mm), where R
 * and T are linear in f to ~1e-5.  It was 1e-7, with 18 more nodes below that. */
#define SLICE_F0 1e-5
#define SLICE_STEP 0.25 /* node spacing in ln(f + f0) */
#define SLICE_NODES 46  /* stencils reach f = 0.47 (u <= 43); above, slices are solved exactly */

typedef struct {
    double thickness_mm;
    int epidermal;
    size_t layer; /* a layer of this kind in the stack */
    int slice;    /* its slice of the grid */
} slice_kind_t;

struct slice_ops {
    int nkinds;
    slice_kind_t kind[FAST_SLICE_KINDS];
    int kind_of_layer[SMPF_TISSUE_MAX_LAYERS]; /* -1: not a slice layer of the grid */
    int slice_of_layer[SMPF_TISSUE_MAX_LAYERS];
    /* Per quadrature, the wavelengths its solves use (values: fast_thinned_wavelength;
     * derivatives: every FAST_JAC_STRIDE-th): their count and each wavelength's place
     * among them (-1: none) */
    size_t count[FAST_QUADRATURES];
    int place[FAST_QUADRATURES][SMPF_NWL];
    /* Per quadrature: (R, T), n x n each, per wavelength of its set; NULL: unsolved */
    double *_Atomic ops[FAST_QUADRATURES][FAST_SLICE_KINDS][SLICE_NODES];
};

static double node_fraction(int m) { return SLICE_F0 * expm1(SLICE_STEP * m); }


void fast_slices_free(slice_ops_t *s)
{
    if (!s)
        return;
    for (int q = 0; q < FAST_QUADRATURES; q++)
        for (int k = 0; k < FAST_SLICE_KINDS; k++)
            for (int m = 0; m < SLICE_NODES; m++)
                free(atomic_load(&s->ops[q][k][m]));
    free(s);
}

int fast_slices_new(smpf_projector_t *pj, const optics_table_t *t, slice_ops_t **out,
                    smpf_error_t *err)
{
    *out = NULL;
    if (t->key.ncomp != 1)
        return SMPF_OK; /* the operators would depend on two fractions */
    const smpf_skin_t skin = fast_table_skin(t);
    smpf_layer_t layers[SMPF_TISSUE_MAX_LAYERS];
    size_t nl;
    int st = smpf_tissue_stack(pj->tissue, &skin, &pj->profile, 0, layers, &nl, err);
    if (st != SMPF_OK)
        return st;
    slice_ops_t *s = calloc(1, sizeof *s);
    if (!s)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "fast optics: out of memory");
    for (size_t k = 0; k < SMPF_TISSUE_MAX_LAYERS; k++)
        s->kind_of_layer[k] = s->slice_of_layer[k] = -1;
    for (int q = 0; q < FAST_QUADRATURES; q++)
        for (size_t i = 0; i < SMPF_NWL; i++) {
            const int solved = q == FAST_Q_VALUE ? fast_thinned_wavelength(i)
                                                 : i % FAST_JAC_STRIDE == 0;
            s->place[q][i] = solved ? (int)s->count[q]++ : -1;
        }
    double z = 0;
    for (size_t k = 0; k < nl; k++) {
        const double top = z, h = layers[k].thickness_mm;
        z += h;
        if (k < t->ntop || k + 1 == nl) /* above the grid; the semi-infinite dermis */
            continue;
        const int j = (int)floor((top + 0.5 * h - t->key.grid_top_mm) / t->key.grid_dz_mm);
        if (j < 0 || (size_t)j >= t->key.nsub)
            continue;
        const int epidermal = top < t->key.skin_epi_mm; /* as the stack chooses the tissue */
        int kind = -1;
        for (int c = 0; c < s->nkinds && kind < 0; c++)
            if (s->kind[c].epidermal == epidermal &&
                fabs(s->kind[c].thickness_mm - h) <= 1e-12 * h)
                kind = c;
        if (kind < 0 && s->nkinds < FAST_SLICE_KINDS) {
            kind = s->nkinds++;
            s->kind[kind] = (slice_kind_t){h, epidermal, k, j};
        }
        s->kind_of_layer[k] = kind; /* -1 if more kinds than expected: solved exactly */
        s->slice_of_layer[k] = j;
    }
    *out = s;
    return SMPF_OK;
}

/* The operators of kind c at node m in quadrature q (workspace ad) for every wavelength of
 * the quadrature's set, solved when first asked for: the kind's layer with fraction f_m of the ink, taken from
 * the stack the tissue model builds (the same mixing rule as every solve). */
static int slice_node(smpf_projector_t *pj, smpf_ad_t *ad, const optics_table_t *t,
                      slice_ops_t *s, int q, int c, int m, const double **out, smpf_error_t *err)
{
    double *have = atomic_load_explicit(&s->ops[q][c][m], memory_order_acquire);
    if (have) {
        *out = have;
        return SMPF_OK;
    }
    const size_t nn = smpf_ad_quad_points(ad) * smpf_ad_quad_points(ad);
    double *ops = malloc(s->count[q] * 2 * nn * sizeof *ops);
    smpf_pigment_profile_t *pr = malloc(sizeof *pr);
    if (!ops || !pr) {
        free(ops);
        free(pr);
        return smpf_error_set(err, SMPF_ERR_NOMEM, "fast optics: out of memory");
    }
    *pr = pj->profile; /* the ink's spectra; the grid's slices, emptied */
    for (size_t j = 0; j < t->key.nsub; j++)
        memset(pr->slice[j].fraction, 0, sizeof pr->slice[j].fraction);
    pr->slice[s->kind[c].slice].fraction[0] = node_fraction(m);
    const smpf_skin_t skin = fast_table_skin(t);
    smpf_layer_t layers[SMPF_TISSUE_MAX_LAYERS];
    int st = SMPF_OK;
    for (size_t i = 0; st == SMPF_OK && i < SMPF_NWL; i++) {
        if (s->place[q][i] < 0)
            continue;
        size_t nl;
        double *R = ops + (size_t)s->place[q][i] * 2 * nn;
        st = smpf_tissue_stack(pj->tissue, &skin, pr, i, layers, &nl, err);
        if (st == SMPF_OK)
            st = ad_layer(ad, layers + s->kind[c].layer, R, R + nn, err);
    }
    free(pr);
    double *expected = NULL;
    if (st != SMPF_OK || !atomic_compare_exchange_strong_explicit(
                             &s->ops[q][c][m], &expected, ops, memory_order_acq_rel,
                             memory_order_acquire)) {
        free(ops); /* failed, or another thread published the same operators first */
        ops = expected;
    }
    *out = ops;
    return st;
}

typedef double slice_v2 __attribute__((vector_size(2 * sizeof(double))));

/* out = w0 a + w1 b + w2 c + w3 d over n (even) elements, in pairs of doubles: this runs
 * for every slice of every node at every solved wavelength. */
static void combine4(size_t n, const double w[4], const double *restrict a,
                     const double *restrict b, const double *restrict c,
                     const double *restrict d, double *restrict out)
{
    const slice_v2 w0 = {w[0], w[0]}, w1 = {w[1], w[1]}, w2 = {w[2], w[2]}, w3 = {w[3], w[3]};
    for (size_t e = 0; e < n; e += 2) {
        slice_v2 va, vb, vc, vd;
        memcpy(&va, a + e, sizeof va);
        memcpy(&vb, b + e, sizeof vb);
        memcpy(&vc, c + e, sizeof vc);
        memcpy(&vd, d + e, sizeof vd);
        const slice_v2 v = w0 * va + w1 * vb + w2 * vc + w3 * vd;
        memcpy(out + e, &v, sizeof v);
    }
}

void fast_slice_stencil(const optics_table_t *t, size_t k, double f, slice_stencil_t *out)
{
    const slice_ops_t *s = t->slices;
    const double u = log1p(fmax(0.0, f) / SLICE_F0) / SLICE_STEP;
    out->start = -1;
    if (!s || s->kind_of_layer[k] < 0 || !(u <= SLICE_NODES - 3))
        return; /* not a slice layer, or beyond the last stencil: solved exactly */
    const int start = (int)floor(u) - 1;
    out->start = start < 0 ? 0 : start > SLICE_NODES - 4 ? SLICE_NODES - 4 : start;
    fast_lagrange4(u, out->start, out->w);
}

int fast_slice_operator(smpf_projector_t *pj, const optics_table_t *t, int q, size_t k,
                        size_t i, const slice_stencil_t *at, double *R, double *T, int *done,
                        smpf_error_t *err)
{
    slice_ops_t *s = t->slices;
    *done = 0;
    if (at->start < 0)
        return SMPF_OK;
    if (s->place[q][i] < 0)
        return smpf_error_set(err, SMPF_ERR_FAILURE, "fast optics: no slice operators %s at "
                              "%g nm", q == FAST_Q_VALUE ? "of the values" : "of the derivatives",
                              smpf_wavelength_nm(i));
    smpf_ad_t *ad = q == FAST_Q_VALUE ? pj->ad : pj->ad_jac;
    const size_t nn = smpf_ad_quad_points(ad) * smpf_ad_quad_points(ad);
    const double *node[4];
    for (int m = 0; m < 4; m++) {
        const double *ops;
        int st = slice_node(pj, ad, t, s, q, s->kind_of_layer[k], at->start + m, &ops, err);
        if (st != SMPF_OK)
            return st;
        node[m] = ops + (size_t)s->place[q][i] * 2 * nn; /* R, then T */
    }
    combine4(nn, at->w, node[0], node[1], node[2], node[3], R);
    combine4(nn, at->w, node[0] + nn, node[1] + nn, node[2] + nn, node[3] + nn, T);
    *done = 1;
    return SMPF_OK;
}

int fast_slice_of_layer(const optics_table_t *t, size_t k)
{
    return t->slices ? t->slices->slice_of_layer[k] : -1;
}

double fast_slice_fraction(const optics_table_t *t, const smpf_pigment_profile_t *pr, size_t k)
{
    const int j = fast_slice_of_layer(t, k);
    return j >= 0 ? pr->slice[j].fraction[0] : 0.0;
}
