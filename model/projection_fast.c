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
 * the full 81-wavelength spectrum's XYZ on a grid in ln(column + c0) and interpolate with
 * 4-point Lagrange polynomials per dimension.  XYZ is linear in the spectrum, so the
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
 * corrected estimate stays within 0.03 ΔE00 (docs/performance.md).
 *
 * Per wavelength the skin above the deposit grid (with the Fresnel surface) and the
 * semi-infinite dermis below are solved once per setup; a node adds only the pigment
 * slices between them. */
#include "projection_fast_internal.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define FAST_MAX_DIMS 2      /* columns a table takes: a 2-component ink, or one + epidermis */
#define FAST_STEP 0.5        /* node spacing in ln(column + c0): 0.01 ΔE00 (tests) */
#define FAST_C0_MM 1e-6      /* offset of the log axis: a column this small is nearly none */
#define FAST_EPI_SHARE 1e-3  /* epidermal share of the deposit below which E is dermal */
#define FAST_Q_STEP 0.25     /* node spacing of the UV view's q */
#define FAST_MAX_MISFIT 0.5  /* profile off the view's shape by more (L1, relative): direct */
#define FAST_QUICK_DE00 0.1  /* an anchor corrected by at most this is taken at once */
#define FAST_MAX_CORRECTION_DE00 0.3 /* a larger first-order correction: solved directly */
#define FAST_NEGLIGIBLE_REL 1e-5 /* a correction below this share of X, Y, Z is no change */
/* A profile this close to its view (L1, relative) needs no correction, nor derivatives:
 * even at the surface, where a 10^-3 share of the deposit moves the colour by ~0.2 ΔE00,
 * it moves it by ~0.002. */
#define FAST_NEGLIGIBLE_DELTA 1e-5

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
    }
}

/* The profile of a node.  View VIEW_BASE: columns col[d] (mm), dermal per component and
 * epidermal.  View VIEW_UV (one component): the dermal deposit's column col[0] thinned by
 * UV, col[1] = q: sublayer j keeps exp(-q uv_j) of the dermal shape (renormalised). */
static int node_profile(smpf_projector_t *pj, const optics_table_t *t, int view,
                        const double *col)
{
    smpf_pigment_profile_t *pr = &pj->profile;
    const table_key_t *k = &t->key;
    double z = 0;
    for (size_t j = 0; view == VIEW_UV && j < k->nsub; j++)
        z += t->shape_derm[j] * exp(-col[1] * t->uv[j]) * k->grid_dz_mm;
    pr->nslices = k->nsub; /* one optical slice per kinetic sublayer, as the direct path */
    for (size_t j = 0; j < k->nsub; j++) {
        smpf_pigment_slice_t *sl = &pr->slice[j];
        sl->top_mm = k->grid_top_mm + (double)j * k->grid_dz_mm;
        sl->thickness_mm = k->grid_dz_mm;
        double V = 0;
        for (size_t c = 0; c < k->ncomp; c++) {
            if (view == VIEW_UV)
                sl->fraction[c] = col[0] * t->shape_derm[j] * exp(-col[1] * t->uv[j]) / z;
            else
                sl->fraction[c] = col[c] * t->shape_derm[j] +
                                  (t->has_epi ? col[k->ncomp] * k->fraction[c] * t->shape_epi[j] : 0);
            V += sl->fraction[c];
        }
        if (!(V <= 1.0))
            return 0;
    }
    return 1;
}

static double node_column_mm(int k) { return FAST_C0_MM * expm1(FAST_STEP * k); }

static void node_params(int view, size_t dims, const int *idx, double *col)
{
    for (size_t d = 0; d < dims; d++)
        col[d] = view == VIEW_UV && d == 1 ? FAST_Q_STEP * idx[d] : node_column_mm(idx[d]);
}

/* The node's derivatives, solved when first asked for and published whole. */
static int node_jac(smpf_projector_t *pj, const optics_table_t *t, int view, size_t dims,
                    const int *idx, node_t *nd, smpf_error_t *err)
{
    if (atomic_load_explicit(&nd->jac, memory_order_acquire))
        return SMPF_OK;
    double col[FAST_MAX_DIMS], dR[FAST_JAC_COMPS][PROJECTION_SUBLAYERS][SMPF_NWL];
    node_params(view, dims, idx, col);
    node_profile(pj, t, view, col); /* a valid node's profile: valid */
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
static int node_get(smpf_projector_t *pj, optics_table_t *t, int view, size_t dims,
                    const int *idx, int want_jac, const node_t **out, smpf_error_t *err)
{
    node_t *_Atomic *slot = &t->nodes[((size_t)view * FAST_NODES + (size_t)idx[0]) * FAST_NODES +
                                      (dims > 1 ? (size_t)idx[1] : 0)];
    node_t *nd = atomic_load_explicit(slot, memory_order_acquire);
    if (!nd) {
        double col[FAST_MAX_DIMS];
        node_params(view, dims, idx, col);
        if (!(nd = calloc(1, sizeof *nd)))
            return smpf_error_set(err, SMPF_ERR_NOMEM, "fast optics: out of memory");
        atomic_init(&nd->jac, NULL);
        nd->state = NODE_INVALID;
        if (node_profile(pj, t, view, col)) {
            double R[SMPF_NWL];
            int st = fast_node_spectrum(pj, t, R, err);
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

int fast_shared_init(fast_shared_t *s)
{
    atomic_init(&s->table, NULL);
    return pthread_mutex_init(&s->lock, NULL) == 0 ? 0 : -1;
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
    if (key.nsub > PROJECTION_SUBLAYERS)
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

/* 4-point Lagrange weights on nodes s..s+3 at u (in node units). */
static void lagrange(double u, int s, double w[4])
{
    const double x = u - s;
    w[0] = -(x - 1) * (x - 2) * (x - 3) / 6;
    w[1] = x * (x - 2) * (x - 3) / 2;
    w[2] = -x * (x - 1) * (x - 3) / 2;
    w[3] = x * (x - 1) * (x - 2) / 6;
}

/* A view's estimate of the dot: XYZ interpolated at the anchor and the first-order
 * correction for the profile's difference from the anchor's profile, delta[c][j] (volume
 * fractions), through the interpolated derivatives. */
typedef struct {
    int ok; /* 0: the stencil leaves the grid or reaches an invalid node */
    double xyz[3], correction[3];
} estimate_t;

/* An anchor in a view: u[d] in node units; a dimension in `snap` (bit d) takes its nearest
 * node instead of a 4-point stencil (the derivatives then carry the difference). */
typedef struct {
    int view;
    size_t dims;
    unsigned snap;
    double u[FAST_MAX_DIMS];
} anchor_t;

static int interpolate(smpf_projector_t *pj, optics_table_t *t, const anchor_t *an,
                       double (*delta)[PROJECTION_SUBLAYERS], int want_jac, estimate_t *e,
                       smpf_error_t *err)
{
    memset(e, 0, sizeof *e);
    int start[FAST_MAX_DIMS], width[FAST_MAX_DIMS];
    double w[FAST_MAX_DIMS][4];
    size_t stencil = 1;
    for (size_t d = 0; d < an->dims; d++) {
        const double u = an->u[d];
        if (!(u <= FAST_NODES - 1))
            return SMPF_OK;
        if (an->snap >> d & 1) {
            start[d] = (int)lround(u);
            width[d] = 1;
            w[d][0] = 1;
        } else {
            int s = (int)floor(u) - 1;
            start[d] = s < 0 ? 0 : s > FAST_NODES - 4 ? FAST_NODES - 4 : s;
            width[d] = 4;
            lagrange(u, start[d], w[d]);
        }
        stencil *= (size_t)width[d];
    }
    for (size_t m = 0; m < stencil; m++) {
        int idx[FAST_MAX_DIMS] = {0, 0};
        double weight = 1;
        for (size_t d = 0, rest = m; d < an->dims; rest /= (size_t)width[d], d++) {
            const size_t o = rest % (size_t)width[d];
            idx[d] = start[d] + (int)o;
            weight *= w[d][o];
        }
        const node_t *nd = NULL;
        int st = node_get(pj, t, an->view, an->dims, idx, want_jac, &nd, err);
        if (st != SMPF_OK)
            return st;
        if (nd->state != NODE_OK)
            return SMPF_OK; /* the stencil reaches beyond volume fraction 1 */
        for (int k = 0; k < 3; k++)
            e->xyz[k] += weight * nd->xyz[k];
        const node_jac_t *jac = want_jac ? atomic_load_explicit(&nd->jac, memory_order_acquire) : NULL;
        for (size_t c = 0; jac && c < t->key.ncomp; c++)
            for (size_t j = 0; j < t->key.nsub; j++)
                if (delta[c][j] != 0)
                    for (int k = 0; k < 3; k++)
                        e->correction[k] += weight * jac->d[c][j][k] * delta[c][j];
    }
    e->ok = 1;
    return SMPF_OK;
}

/* The size of a view's correction in ΔE00: how far the profile is, optically, from the
 * view's shape.  0 when it changes no tristimulus value by more than FAST_NEGLIGIBLE_REL. */
static double correction_de00(const smpf_projector_t *pj, const estimate_t *e)
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
    return smpf_color_de00(smpf_color_lab(a, w), smpf_color_lab(b, w));
}

/* The UV exposure q whose shape exp(-q uv_j) S_j has the profile's mean UV dose rate
 * (monotone in q; Newton from q = 0, the mean falls with q at the rate of the variance). */
static double uv_exposure(const optics_table_t *t, const double *amount)
{
    double total = 0, m_obs = 0;
    for (size_t j = 0; j < t->key.nsub; j++) {
        total += amount[j];
        m_obs += amount[j] * t->uv[j];
    }
    if (!(total > 0))
        return 0;
    m_obs /= total;
    double q = 0;
    for (int it = 0; it < 50; it++) {
        double z = 0, m1 = 0, m2 = 0;
        for (size_t j = 0; j < t->key.nsub; j++) {
            const double w = t->shape_derm[j] * exp(-q * t->uv[j]);
            z += w;
            m1 += w * t->uv[j];
            m2 += w * t->uv[j] * t->uv[j];
        }
        m1 /= z;
        const double var = m2 / z - m1 * m1;
        if (m1 <= m_obs || !(var > 1e-300))
            break;
        const double step = (m1 - m_obs) / var;
        q += step;
        if (step < 1e-12 * (1 + q) || q > FAST_Q_STEP * FAST_NODES)
            break;
    }
    return q;
}

static double column_axis(double column_mm) { return log1p(fmax(0.0, column_mm) / FAST_C0_MM) / FAST_STEP; }

/* The anchor's profile parameters: a snapped dimension takes its node's value. */
static void anchor_columns(const anchor_t *an, const double *value, double *col)
{
    for (size_t d = 0; d < an->dims; d++) {
        const int uv_q = an->view == VIEW_UV && d == 1;
        if (!(an->snap >> d & 1))
            col[d] = value[d];
        else if (uv_q)
            col[d] = FAST_Q_STEP * (double)lround(an->u[d]);
        else
            col[d] = node_column_mm((int)lround(an->u[d]));
    }
}

/* A view's estimate for the profile a (volume fractions) and the size of its correction;
 * de = INFINITY when the view does not apply. */
static int view_estimate(smpf_projector_t *pj, optics_table_t *t, const anchor_t *an,
                         const double *value, double (*a)[PROJECTION_SUBLAYERS], estimate_t *e,
                         double *de, smpf_error_t *err)
{
    double col[FAST_MAX_DIMS], delta[FAST_JAC_COMPS][PROJECTION_SUBLAYERS], off = 0, total = 0;
    *de = INFINITY;
    e->ok = 0;
    anchor_columns(an, value, col);
    if (!node_profile(pj, t, an->view, col))
        return SMPF_OK;
    for (size_t c = 0; c < t->key.ncomp; c++)
        for (size_t j = 0; j < t->key.nsub; j++) {
            delta[c][j] = a[c][j] - pj->profile.slice[j].fraction[c];
            off += fabs(delta[c][j]);
            total += a[c][j];
        }
    if (!(off <= FAST_MAX_MISFIT * total)) /* too far for a first-order correction */
        return SMPF_OK;
    int st = interpolate(pj, t, an, delta, off > FAST_NEGLIGIBLE_DELTA * total, e, err);
    if (st == SMPF_OK && e->ok)
        *de = correction_de00(pj, e);
    return st;
}

int fast_dot_xyz(smpf_projector_t *pj, const smpf_kin_summary_t *summary, double column_mm,
                 smpf_xyz_t *dot, int *done, smpf_error_t *err)
{
    optics_table_t *t = pj->table;
    *done = 0;
    if (!t || t->dims > FAST_MAX_DIMS)
        return SMPF_OK;
    const double scale = summary->peak_dilution * column_mm, dz = t->key.grid_dz_mm;
    const size_t ncomp = t->key.ncomp, nsub = t->key.nsub;
    /* The profile in volume fractions; the dermal (without E) and epidermal columns, mm. */
    double a[FAST_JAC_COMPS][PROJECTION_SUBLAYERS], derm[PROJECTION_SUBLAYERS] = {0};
    double col[FAST_MAX_DIMS] = {0};
    for (size_t c = 0; c < ncomp; c++)
        for (size_t j = 0; j < nsub; j++) {
            const double e = smpf_kin_sim_amount(pj->sim, j, c, SMPF_KC_E) * scale;
            const double all = smpf_kin_sim_in_skin(pj->sim, j, c) * scale;
            a[c][j] = all / dz;
            derm[j] += all - e;
            col[c] += t->has_epi ? all - e : all;
            if (t->has_epi)
                col[ncomp] += e;
        }
    /* The UV view's parameters (one component): the dermal column and its exposure. */
    double uvp[2] = {0, 0};
    for (size_t j = 0; ncomp == 1 && j < nsub; j++)
        uvp[0] += derm[j];
    if (ncomp == 1)
        uvp[1] = uv_exposure(t, derm);
    /* Anchors from the cheapest: the base view with the epidermal column at its nearest
     * node, then interpolated; the UV view with q at its nearest node, then interpolated.
     * The first whose correction is small is taken; else the smallest correction within
     * FAST_MAX_CORRECTION_DE00; else the caller solves. */
    anchor_t anchors[4];
    const double *values[4];
    size_t n = 0;
    anchors[n] = (anchor_t){VIEW_BASE, t->dims, t->has_epi ? 1u << ncomp : 0, {0, 0}};
    for (size_t d = 0; d < t->dims; d++)
        anchors[n].u[d] = column_axis(col[d]);
    values[n++] = col;
    if (t->has_epi) {
        anchors[n] = anchors[n - 1];
        anchors[n].snap = 0;
        values[n++] = col;
    }
    if (ncomp == 1) {
        anchors[n] = (anchor_t){VIEW_UV, 2, 2u, {column_axis(uvp[0]), uvp[1] / FAST_Q_STEP}};
        values[n++] = uvp;
        anchors[n] = anchors[n - 1];
        anchors[n].snap = 0;
        values[n++] = uvp;
    }
    estimate_t best = {0}, e;
    double best_de = INFINITY;
    int st = SMPF_OK;
    for (size_t i = 0; i < n && st == SMPF_OK && !(best_de <= FAST_QUICK_DE00); i++) {
        double de;
        st = view_estimate(pj, t, &anchors[i], values[i], a, &e, &de, err);
        if (de < best_de) {
            best_de = de;
            best = e;
        }
    }
    if (st != SMPF_OK || !(best_de <= FAST_MAX_CORRECTION_DE00))
        return st;
    *dot = (smpf_xyz_t){best.xyz[0] + best.correction[0], best.xyz[1] + best.correction[1],
                        best.xyz[2] + best.correction[2]};
    *done = 1;
    return SMPF_OK;
}

int fast_profile_xyz(smpf_projector_t *pj, smpf_xyz_t *dot, smpf_error_t *err)
{
    double R[SMPF_NWL];
    int st = fast_node_spectrum(pj, pj->table, R, err);
    if (st == SMPF_OK)
        *dot = smpf_color_xyz(pj->ctx, R);
    return st;
}
