/* Fast optics for projections and ensembles: the dot's XYZ interpolated in a table of
 * full adding-doubling solves over the pigment columns.
 *
 * Why it works.  Every session (and touch-up) lays the same Gaussian depth profile on the
 * same sublayer grid, and the kinetics remove dermal pigment at the same rate in every
 * sublayer (drainage, capture and release do not depend on depth); only the epidermal
 * part of the deposit (E, shed with turnover) and UV, which reaches the top ~0.2 mm,
 * change the profile's shape.  So the profile is, per component c,
 *     v_c(z) = d_c S_derm(z) + e f_c S_epi(z)
 * with the deposit's dermal and epidermal shapes S (normalised to unit column), d_c the
 * dermal column of component c and e the epidermal column (f_c the ink's fractions: the
 * epidermal part is young, its composition is the ink's).  Given the skin and the deposit
 * geometry, the dot's reflectance is a smooth function of these few columns.  We tabulate
 * the XYZ of the 81-wavelength spectrum (55 wavelengths solved, the others interpolated:
 * fast_thinned_wavelength) on a grid in ln(column + c0) and interpolate with 4-point
 * Lagrange polynomials per dimension.  XYZ is linear in the spectrum, so the
 * interpolated XYZ is exactly the XYZ of the interpolated spectrum: the colour is still
 * computed from a full spectrum each time.
 *
 * Nodes are filled lazily: only those a projection's stencils touch are solved.  A node's
 * value depends on its indices and the setup alone, so results do not depend on the order
 * in which nodes were filled, on threads, or on which samples shared the table (an
 * ensemble's threads share one table per optical stratum; nodes are published whole).
 *
 * UV, which fades the shallow sublayers first, is a second view for one-component inks:
 * the dermal deposit's shape times exp(-q uv_j), uv_j the sublayer's relative UV dose
 * rate, q fitted to the profile's mean dose rate; a table over (column, q).
 *
 * No view holds every profile exactly: pigment laid at different times has seen different
 * UV (a touch-up over thinned pigment), and the epidermal part sheds.  The top sublayers
 * matter most: pigment in the epidermis is seen without the dermis in front, and a share
 * of 10^-3 of the deposit there moves the colour by ~0.2 ΔE00.  So every node also holds
 * the derivatives of its XYZ with respect to the pigment of each slice (forward
 * differences through the adding, projection_fast_node.c), and the estimate is the
 * anchor's XYZ plus the first-order correction J . (profile - anchor's profile).  The
 * correction's size in ΔE00 is the guard: anchors are tried from the cheapest (a shape
 * dimension at its nearest node, the derivatives carrying the rest) until one needs at
 * most FAST_QUICK_DE00; the smallest up to FAST_MAX_CORRECTION_DE00 is taken; beyond,
 * the profile is solved directly.  Against direct solves of ensemble states the
 * corrected estimate was within 0.031 ΔE00 (29 091 states of one 512-sample run;
 * docs/performance.md, and tests/test_fast_path.c for whole projections).
 *
 * Per wavelength the skin above the deposit grid (with the Fresnel surface) and the
 * semi-infinite dermis below are solved once per setup; a node adds only the pigment
 * slices between them, whose operators are interpolated against the slice's pigment
 * fraction (projection_fast_slices.c). */
#include "projection_fast_internal.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define FAST_EPI_SHARE 1e-3  /* epidermal share of the deposit below which E is dermal */

const double *fast_skin_reflectance(const optics_table_t *t) { return t->R_skin; }

void fast_table_free(optics_table_t *t)
{
    if (!t)
        return;
    for (int q = 0; q < FAST_QUADRATURES; q++) {
        for (size_t i = 0; i < SMPF_NWL; i++)
            smpf_ad_op_free(t->top[q][i]);
        free(t->bottom[q]);
    }
    fast_slices_free(t->slices);
    for (size_t i = 0; t->nodes && i < FAST_VIEWS * FAST_NODES * FAST_NODES; i++) {
        node_t *nd = atomic_load(&t->nodes[i]);
        if (nd)
            free(atomic_load(&nd->jac));
        free(nd);
    }
    free(t->nodes);
    free(t);
}

static void make_key(const smpf_projector_t *pj, const smpf_project_params_t *par,
                     table_key_t *k)
{
    memset(k, 0, sizeof *k); /* padding too: keys are compared with memcmp */
    const double *v = par->kin.value;
    k->epi_mm = v[SMPF_KP_EPIDERMIS_THICKNESS_MM];
    k->needle_mm = v[SMPF_KP_NEEDLE_DEPTH_MM];
    k->width_mm = v[SMPF_KP_DEPOSIT_WIDTH_MM];
    k->uvb_1pct_mm = v[SMPF_KP_UVB_1PCT_DEPTH_MM];
    k->uva_1pct_mm = v[SMPF_KP_UVA_1PCT_DEPTH_MM];
    k->uvb_fraction = v[SMPF_KP_ERYTHEMAL_UVB_FRACTION];
    smpf_kin_sim_sublayer(pj->sim, 0, &k->grid_top_mm, &k->grid_dz_mm);
    k->nsub = smpf_kin_sim_nsublayers(pj->sim);
    k->melanin = par->skin.melanin_fraction;
    k->blood = par->skin.blood_fraction;
    k->saturation = par->skin.saturation;
    k->skin_epi_mm = par->skin.epidermis_thickness_mm;
    k->ncomp = pj->profile.ncomponents;
    double sum = 0;
    for (size_t c = 0; c < k->ncomp; c++)
        sum += par->ink.component[c].fraction;
    for (size_t c = 0; c < k->ncomp; c++) {
        k->mua[c] = pj->profile.mua_per_mm[c];
        k->musp[c] = pj->profile.musp_per_mm[c];
        k->fraction[c] = sum > 0 ? par->ink.component[c].fraction / sum : 0;
    }
}

/* The deposit's shape on the grid, split at the dermo-epidermal junction exactly as the
 * kinetics lays it (kinetics.c, deposit: the Gaussian's tails go into the end sublayers). */
static void deposit_shapes(optics_table_t *t)
{
    const table_key_t *k = &t->key;
    const double sigma = 0.5 * k->width_mm, z = k->needle_mm;
    double derm = 0, epi = 0, pd[PROJECTION_SUBLAYERS], pe[PROJECTION_SUBLAYERS];
    for (size_t j = 0; j < k->nsub; j++) {
        const double a = j == 0 ? -INFINITY : k->grid_top_mm + (double)j * k->grid_dz_mm;
        const double b = j + 1 == k->nsub ? INFINITY : k->grid_top_mm + (double)(j + 1) * k->grid_dz_mm;
        const double pa = gsl_cdf_gaussian_P(a - z, sigma), pb = gsl_cdf_gaussian_P(b - z, sigma);
        pe[j] = a < k->epi_mm ? gsl_cdf_gaussian_P(fmin(b, k->epi_mm) - z, sigma) - pa : 0.0;
        pd[j] = pb - pa - pe[j];
        derm += pd[j];
        epi += pe[j];
    }
    t->has_epi = epi > FAST_EPI_SHARE;
    smpf_kin_params_t uvp = {0};
    uvp.value[SMPF_KP_UVB_1PCT_DEPTH_MM] = k->uvb_1pct_mm;
    uvp.value[SMPF_KP_UVA_1PCT_DEPTH_MM] = k->uva_1pct_mm;
    uvp.value[SMPF_KP_ERYTHEMAL_UVB_FRACTION] = k->uvb_fraction;
    const double top = smpf_sun_depth_transmission(&uvp, k->grid_top_mm, k->grid_top_mm + k->grid_dz_mm);
    for (size_t j = 0; j < k->nsub; j++) {
        const double z = k->grid_top_mm + (double)j * k->grid_dz_mm;
        t->uv[j] = top > 0 ? smpf_sun_depth_transmission(&uvp, z, z + k->grid_dz_mm) / top : 0.0;
    }
    for (size_t j = 0; j < k->nsub; j++) {
        t->shape_derm[j] = (t->has_epi ? pd[j] : pd[j] + pe[j]) /
                           ((t->has_epi ? derm : derm + epi) * k->grid_dz_mm);
        t->shape_epi[j] = t->has_epi ? pe[j] / (epi * k->grid_dz_mm) : 0.0;
        t->shape_max[0] = fmax(t->shape_max[0], t->shape_derm[j]);
        t->shape_max[1] = fmax(t->shape_max[1], t->shape_epi[j]);
    }
}

/* The volume fractions of a view's profile with parameters col.  View VIEW_BASE: columns
 * col[d] (mm), dermal per component and epidermal.  View VIEW_UV (one component): the
 * dermal deposit's column col[0] thinned by UV, col[1] = q: sublayer j keeps
 * exp(-q uv_j) of the dermal shape (renormalised).  0 when a slice exceeds volume
 * fraction 1. */
int fast_view_fractions(const optics_table_t *t, int view, const double *col,
                        double (*f)[PROJECTION_SUBLAYERS])
{
    const table_key_t *k = &t->key;
    double kept[PROJECTION_SUBLAYERS], z = 0;
    for (size_t j = 0; view == VIEW_UV && j < k->nsub; j++) {
        kept[j] = t->shape_derm[j] * exp(-col[1] * t->uv[j]);
        z += kept[j] * k->grid_dz_mm;
    }
    for (size_t j = 0; j < k->nsub; j++) {
        double V = 0;
        for (size_t c = 0; c < k->ncomp; c++) {
            if (view == VIEW_UV)
                f[c][j] = col[0] * kept[j] / z;
            else
                f[c][j] = col[c] * t->shape_derm[j] +
                          (t->has_epi ? col[k->ncomp] * k->fraction[c] * t->shape_epi[j] : 0);
            V += f[c][j];
        }
        if (!(V <= 1.0))
            return 0;
    }
    return 1;
}

int fast_view_delta(const optics_table_t *t, int view, const double *col,
                    double (*a)[PROJECTION_SUBLAYERS], double (*delta)[PROJECTION_SUBLAYERS],
                    double *off)
{
    if (!fast_view_fractions(t, view, col, delta))
        return 0;
    double sum = 0;
    for (size_t c = 0; c < t->key.ncomp; c++)
        for (size_t j = 0; j < t->key.nsub; j++) {
            delta[c][j] = a[c][j] - delta[c][j];
            sum += fabs(delta[c][j]);
        }
    *off = sum;
    return 1;
}

int fast_base_delta_one(const optics_table_t *t, const double *col,
                        double (*a)[PROJECTION_SUBLAYERS], double (*delta)[PROJECTION_SUBLAYERS],
                        double *off)
{
    const double derm = col[0], epi = t->has_epi ? col[1] * t->key.fraction[0] : 0.0;
    double f[FAST_GRID_SUBLAYERS], sum = 0;
    if (t->has_epi)
        for (size_t j = 0; j < FAST_GRID_SUBLAYERS; j++)
            f[j] = derm * t->shape_derm[j] + epi * t->shape_epi[j];
    else
        for (size_t j = 0; j < FAST_GRID_SUBLAYERS; j++)
            f[j] = derm * t->shape_derm[j];
    for (size_t j = 0; j < FAST_GRID_SUBLAYERS; j++) {
        delta[0][j] = a[0][j] - f[j];
        sum += fabs(delta[0][j]);
    }
    *off = sum;
    /* Every slice fits when the fullest the shapes allow does: with columns >= 0 each
     * product and sum above is at most the same operations on the shapes' maxima, as
     * rounding is monotone.  Else (rare) each slice is checked. */
    const double fullest = t->has_epi ? derm * t->shape_max[0] + epi * t->shape_max[1]
                                      : derm * t->shape_max[0];
    if (derm >= 0 && epi >= 0 && fullest <= 1.0)
        return 1;
    for (size_t j = 0; j < FAST_GRID_SUBLAYERS; j++)
        if (!(f[j] <= 1.0))
            return 0;
    return 1;
}

int fast_node_profile(smpf_projector_t *pj, const optics_table_t *t, int view,
                      const double *col)
{
    smpf_pigment_profile_t *pr = &pj->profile;
    const table_key_t *k = &t->key;
    double f[FAST_JAC_COMPS][PROJECTION_SUBLAYERS];
    if (!fast_view_fractions(t, view, col, f))
        return 0;
    pr->nslices = k->nsub; /* one optical slice per kinetic sublayer, as the direct path */
    for (size_t j = 0; j < k->nsub; j++) {
        smpf_pigment_slice_t *sl = &pr->slice[j];
        sl->top_mm = k->grid_top_mm + (double)j * k->grid_dz_mm;
        sl->thickness_mm = k->grid_dz_mm;
        for (size_t c = 0; c < k->ncomp; c++)
            sl->fraction[c] = f[c][j];
    }
    return 1;
}

double fast_axis_value(fast_axis_t a, long k) { return a.scale * expm1(a.step * (double)k); }

static void node_params(const optics_table_t *t, int view, size_t dims, const int *idx,
                        double *col)
{
    for (size_t d = 0; d < dims; d++)
        col[d] = t->node_value[view][d][idx[d]];
}

/* The node's derivatives, solved when first asked for and published whole. */
static int node_jac(smpf_projector_t *pj, const optics_table_t *t, int view, size_t dims,
                    const int *idx, node_t *nd, smpf_error_t *err)
{
    if (atomic_load_explicit(&nd->jac, memory_order_acquire))
        return SMPF_OK;
    double col[FAST_MAX_DIMS], dR[FAST_JAC_COMPS][PROJECTION_SUBLAYERS][SMPF_NWL];
    node_params(t, view, dims, idx, col);
    fast_node_profile(pj, t, view, col); /* a valid node's profile: valid */
    node_jac_t *jac = calloc(1, sizeof *jac);
    if (!jac)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "fast optics: out of memory");
    int st = fast_node_derivatives(pj, t, dR, err);
    for (size_t c = 0; st == SMPF_OK && c < t->key.ncomp; c++)
        for (size_t j = 0; j < t->key.nsub; j++) {
            const smpf_xyz_t d = smpf_color_xyz(pj->ctx, dR[c][j]); /* XYZ is linear in R */
            jac->d[c][j][0] = d.X;
            jac->d[c][j][1] = d.Y;
            jac->d[c][j][2] = d.Z;
        }
    node_jac_t *expected = NULL;
    if (st != SMPF_OK || !atomic_compare_exchange_strong_explicit(
                             &nd->jac, &expected, jac, memory_order_acq_rel, memory_order_acquire))
        free(jac); /* failed, or another thread published the same derivatives first */
    return st;
}

/* The node's value (and with want_jac its derivatives), solving it when first asked for. */
int fast_node_solve(smpf_projector_t *pj, optics_table_t *t, int view, size_t dims,
                    const int *idx, int want_jac, const node_t **out, smpf_error_t *err)
{
    node_t *_Atomic *slot = fast_node_slot(t, view, dims, idx);
    node_t *nd = atomic_load_explicit(slot, memory_order_acquire);
    if (!nd) {
        double col[FAST_MAX_DIMS];
        node_params(t, view, dims, idx, col);
        if (!(nd = calloc(1, sizeof *nd)))
            return smpf_error_set(err, SMPF_ERR_NOMEM, "fast optics: out of memory");
        atomic_init(&nd->jac, NULL);
        nd->state = NODE_INVALID;
        if (fast_node_profile(pj, t, view, col)) {
            double R[SMPF_NWL];
            int st = fast_node_spectrum(pj, t, FAST_SPECTRUM_TABULATED, R, err);
            if (st != SMPF_OK) {
                free(nd);
                return st;
            }
            const smpf_xyz_t xyz = smpf_color_xyz(pj->ctx, R);
            nd->xyz[0] = xyz.X;
            nd->xyz[1] = xyz.Y;
            nd->xyz[2] = xyz.Z;
            nd->state = NODE_OK;
            pj->optics_evaluations++;
        }
        /* Publish; another thread may have solved the same node meanwhile (the same value). */
        node_t *expected = NULL;
        if (!atomic_compare_exchange_strong_explicit(slot, &expected, nd, memory_order_acq_rel,
                                                     memory_order_acquire)) {
            free(nd);
            nd = expected;
        }
    }
    *out = nd;
    return want_jac && nd->state == NODE_OK ? node_jac(pj, t, view, dims, idx, nd, err) : SMPF_OK;
}

static int table_new(smpf_projector_t *pj, const table_key_t *key, optics_table_t **out,
                     smpf_error_t *err)
{
    optics_table_t *t = calloc(1, sizeof *t);
    if (!t)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "fast optics: out of memory");
    t->key = *key;
    if (!(t->nodes = calloc(FAST_VIEWS * FAST_NODES * FAST_NODES, sizeof *t->nodes))) {
        free(t);
        return smpf_error_set(err, SMPF_ERR_NOMEM, "fast optics: out of memory");
    }
    deposit_shapes(t);
    t->dims = key->ncomp + (size_t)t->has_epi;
    for (int view = 0; view < FAST_VIEWS; view++)
        for (size_t d = 0; d < FAST_MAX_DIMS; d++)
            for (long k = 0; k < FAST_NODES; k++)
                t->node_value[view][d][k] = fast_axis_value(fast_node_axis(t, view, d), k);
    /* With more columns than a table takes (t->dims > FAST_MAX_DIMS) the table has no
     * nodes, but its cached skin above and dermis below still serve the solves. */
    int st = fast_table_setup(pj, t, err);
    if (st != SMPF_OK) {
        fast_table_free(t);
        return st;
    }
    *out = t;
    return SMPF_OK;
}

int fast_shared_init(fast_shared_t *s, smpf_error_t *err)
{
    atomic_init(&s->table, NULL);
    return pthread_mutex_init(&s->lock, NULL) == 0
               ? SMPF_OK : smpf_error_set(err, SMPF_ERR_FAILURE, "fast optics: cannot make a lock");
}

void fast_shared_clear(fast_shared_t *s)
{
    fast_table_free(atomic_exchange(&s->table, NULL));
}

void projection_share_tables(smpf_projector_t *pj, fast_shared_t *s)
{
    pj->shared = s;
    pj->table = NULL;
    pj->table_ready = 0;
}

/* The shared slot's table when it matches the setup (made on first use), else NULL. */
static int shared_table(smpf_projector_t *pj, const table_key_t *key, optics_table_t **out,
                        smpf_error_t *err)
{
    *out = NULL;
    if (!pj->shared)
        return SMPF_OK;
    optics_table_t *t = atomic_load_explicit(&pj->shared->table, memory_order_acquire);
    int st = SMPF_OK;
    if (!t) {
        pthread_mutex_lock(&pj->shared->lock);
        t = atomic_load_explicit(&pj->shared->table, memory_order_acquire);
        if (!t && (st = table_new(pj, key, &t, err)) == SMPF_OK)
            atomic_store_explicit(&pj->shared->table, t, memory_order_release);
        pthread_mutex_unlock(&pj->shared->lock);
    }
    if (st == SMPF_OK && memcmp(&t->key, key, sizeof *key) == 0)
        *out = t;
    return st;
}

int fast_table_select(smpf_projector_t *pj, const smpf_project_params_t *par, smpf_error_t *err)
{
    table_key_t key;
    make_key(pj, par, &key);
    pj->table = NULL;
    if (key.nsub != PROJECTION_SUBLAYERS) /* the projector's grid: FAST_GRID_SUBLAYERS */
        return SMPF_OK;
    if (!pj->scratch) {
        const size_t nn = smpf_ad_quad_points(pj->ad) * smpf_ad_quad_points(pj->ad);
        if (!(pj->scratch = malloc(6 * nn * sizeof *pj->scratch)))
            return smpf_error_set(err, SMPF_ERR_NOMEM, "fast optics: out of memory");
    }
    int st = pj->ad_jac ? SMPF_OK : smpf_ad_new(FAST_JAC_QUAD_POINTS, &pj->ad_jac, err);
    /* Node solves run on this projector's workspaces: air above the slab, as the tables'
     * (a shared table may have been made on another projector's). */
    const double n_slab = smpf_tissue_refractive_index(pj->tissue);
    if (st == SMPF_OK)
        st = smpf_ad_set_indices(pj->ad, n_slab, 1.0, err);
    if (st == SMPF_OK)
        st = smpf_ad_set_indices(pj->ad_jac, n_slab, 1.0, err);
    optics_table_t *t = NULL;
    if (st == SMPF_OK)
        st = shared_table(pj, &key, &t, err);
    if (st != SMPF_OK || t) {
        pj->table = t;
        return st;
    }
    for (size_t i = 0; i < pj->ncached; i++)
        if (memcmp(&pj->cache[i]->key, &key, sizeof key) == 0) {
            pj->table = pj->cache[i];
            return SMPF_OK;
        }
    st = table_new(pj, &key, &t, err);
    if (st != SMPF_OK)
        return st;
    if (pj->ncached < PROJECTION_TABLE_CACHE) {
        pj->cache[pj->ncached++] = t;
    } else { /* replace the oldest: node values do not depend on history */
        fast_table_free(pj->cache[pj->next_evict]);
        pj->cache[pj->next_evict] = t;
        pj->next_evict = (pj->next_evict + 1) % PROJECTION_TABLE_CACHE;
    }
    pj->table = t;
    return SMPF_OK;
}

int fast_profile_xyz(smpf_projector_t *pj, smpf_xyz_t *dot, smpf_error_t *err)
{
    double R[SMPF_NWL];
    int st = fast_node_spectrum(pj, pj->table, FAST_SPECTRUM_TABULATED, R, err);
    if (st == SMPF_OK)
        *dot = smpf_color_xyz(pj->ctx, R);
    return st;
}
