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
 * in which nodes were filled, on threads, or on which samples shared the table.
 *
 * UV, which fades the shallow sublayers first, is a second view for one-component inks:
 * the deposit's shape times exp(-q uv_j), uv_j the sublayer's relative UV dose rate, with
 * q fitted to the profile; a table over (column, q).  Every evaluation checks how far the
 * actual profile lies from the view's shape; beyond FAST_SHAPE_TOL it is solved directly.
 *
 * Per wavelength the skin above the deposit grid (with the Fresnel surface) and the
 * semi-infinite dermis below are solved once per setup; a node adds only the pigment
 * slices between them. */
#include "projection_internal.h"

#include "ad_internal.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FAST_MAX_DIMS 2      /* columns a table takes: a 2-component ink, or one + epidermis */
#define FAST_NODES 64        /* nodes per dimension */
#define FAST_STEP 0.5        /* node spacing in ln(column + c0): 0.01 ΔE00 (tests) */
#define FAST_C0_MM 1e-6      /* offset of the log axis: a column this small is nearly none */
#define FAST_EPI_SHARE 1e-3  /* epidermal share of the deposit below which E is dermal */
#define FAST_SHAPE_TOL 0.01  /* a component's profile off the shapes by more (L1): direct */
#define FAST_Q_STEP 0.25     /* node spacing of the UV view's q */
#define FAST_TAU_CUT 9.0     /* absorption depth below which slices no longer matter:
                                their light is attenuated by exp(-18) = 1.5e-8 at least */

typedef struct {
    double epi_mm, needle_mm, width_mm, grid_top_mm, grid_dz_mm;
    double melanin, blood, saturation, skin_epi_mm;
    double uvb_1pct_mm, uva_1pct_mm, uvb_fraction; /* UV's depth profile (the UV view) */
    size_t nsub, ncomp;
    const double *mua[SMPF_INK_MAX_COMPONENTS], *musp[SMPF_INK_MAX_COMPONENTS];
    double fraction[SMPF_INK_MAX_COMPONENTS];
} table_key_t;

enum { NODE_EMPTY = 0, NODE_OK, NODE_INVALID };
enum { VIEW_BASE = 0, VIEW_UV = 1 };

typedef struct {
    uint32_t key; /* view and node indices packed, + 1; 0: an empty slot */
    int state;
    double xyz[3];
} node_t;

struct optics_table {
    table_key_t key;
    size_t dims;
    int has_epi;
    double shape_derm[PROJECTION_SUBLAYERS], shape_epi[PROJECTION_SUBLAYERS]; /* per mm */
    double shape_all[PROJECTION_SUBLAYERS]; /* the whole deposit, per mm */
    double uv[PROJECTION_SUBLAYERS]; /* UV dose rate per sublayer, relative to the top one */
    size_t ntop;              /* tissue layers above the deposit grid */
    smpf_ad_op_t *top[SMPF_NWL]; /* surface + those layers, per wavelength */
    double *bottom;           /* R of the semi-infinite dermis, per wavelength (n x n each) */
    double R_skin[SMPF_NWL];
    node_t *slots;
    size_t cap, count;
};

const double *fast_skin_reflectance(const optics_table_t *t) { return t->R_skin; }

void fast_table_free(optics_table_t *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < SMPF_NWL; i++)
        smpf_ad_op_free(t->top[i]);
    free(t->bottom);
    free(t->slots);
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
        t->shape_all[j] = (pd[j] + pe[j]) / ((derm + epi) * k->grid_dz_mm);
    }
}

/* The profile of a node.  View VIEW_BASE: columns col[d] (mm), dermal per component and
 * epidermal.  View VIEW_UV (one component): the whole deposit's column col[0] thinned by
 * UV, col[1] = q: sublayer j keeps exp(-q uv_j) of the deposit shape (renormalised). */
static int node_profile(smpf_projector_t *pj, const optics_table_t *t, int view,
                        const double *col)
{
    smpf_pigment_profile_t *pr = &pj->profile;
    const table_key_t *k = &t->key;
    double z = 0;
    for (size_t j = 0; view == VIEW_UV && j < k->nsub; j++)
        z += t->shape_all[j] * exp(-col[1] * t->uv[j]) * k->grid_dz_mm;
    pr->nslices = k->nsub; /* one optical slice per kinetic sublayer, as the direct path */
    for (size_t j = 0; j < k->nsub; j++) {
        smpf_pigment_slice_t *sl = &pr->slice[j];
        sl->top_mm = k->grid_top_mm + (double)j * k->grid_dz_mm;
        sl->thickness_mm = k->grid_dz_mm;
        double V = 0;
        for (size_t c = 0; c < k->ncomp; c++) {
            if (view == VIEW_UV)
                sl->fraction[c] = col[0] * t->shape_all[j] * exp(-col[1] * t->uv[j]) / z;
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

/* below = a (symmetric layer R, T) on top of below, for light from above only:
 * R = Ra + Ta Rb (I - Ra Rb)^-1 Ta (Prahl et al. 1993, the adding equations). */
static int add_layer(smpf_ad_t *ws, double *scratch, const double *Ra, const double *Ta,
                     const double *Ra21, const double *Ta21, double *Rb, smpf_error_t *err)
{
    const size_t n = smpf_ad_quad_points(ws), nn = n * n;
    double *X = scratch, *Y = scratch + nn, *Z = scratch + 2 * nn;
    ad_mul(n, Ra21, Rb, X);
    for (size_t i = 0; i < nn; i++)
        X[i] = (i % (n + 1) == 0) - X[i];
    memcpy(Y, Ta, nn * sizeof *Y);
    int st = ad_solve(ws, X, Y, err);
    if (st != SMPF_OK)
        return st;
    ad_mul(n, Rb, Y, Z);
    ad_mul(n, Ta21, Z, X);
    for (size_t i = 0; i < nn; i++)
        Rb[i] = Ra[i] + X[i];
    return SMPF_OK;
}

/* Diffuse reflectance spectrum of the dot with the node's profile. */
static int node_spectrum(smpf_projector_t *pj, const optics_table_t *t, double R[SMPF_NWL],
                         smpf_error_t *err)
{
    const size_t n = smpf_ad_quad_points(pj->ad), nn = n * n;
    double *Rb = pj->scratch + 3 * nn, *Rl = pj->scratch + 4 * nn, *Tl = pj->scratch + 5 * nn;
    smpf_skin_t skin = {0, t->key.melanin, t->key.skin_epi_mm, t->key.blood, t->key.saturation};
    const double n_slab = smpf_tissue_refractive_index(pj->tissue);
    const double Rsp = smpf_fresnel(1.0, n_slab, 1.0);
    smpf_layer_t layers[SMPF_TISSUE_MAX_LAYERS];
    for (size_t i = 0; i < SMPF_NWL; i++) {
        size_t nl;
        int st = smpf_tissue_stack(pj->tissue, &skin, &pj->profile, i, layers, &nl, err);
        /* Light reaching the slices below an absorption optical depth tau_cut (on any path,
         * scattering only lengthens it) and coming back is attenuated by exp(-2 tau_cut)
         * at least: those slices may be anything; they are taken as dermis. */
        size_t end = t->ntop;
        for (double tau = 0; end < nl - 1 && tau < FAST_TAU_CUT; end++)
            tau += layers[end].mua_per_mm * layers[end].thickness_mm;
        memcpy(Rb, t->bottom + i * nn, nn * sizeof *Rb);
        for (size_t k = end; st == SMPF_OK && k-- > t->ntop;) {
            st = ad_layer(pj->ad, layers + k, Rl, Tl, err);
            if (st == SMPF_OK)
                st = add_layer(pj->ad, pj->scratch, Rl, Tl, Rl, Tl, Rb, err);
        }
        const smpf_ad_op_t *top = t->top[i];
        if (st == SMPF_OK)
            st = add_layer(pj->ad, pj->scratch, top->R12, top->T12, top->R21, top->T21, Rb, err);
        if (st != SMPF_OK) {
            smpf_error_prefix(err, "fast optics, %g nm: ", smpf_wavelength_nm(i));
            return st;
        }
        double r = 0;
        for (size_t a = 0; a < n; a++)
            r += Rb[a * n + n - 1]; /* normal incidence: mu[n-1] = 1 */
        R[i] = r - Rsp;
        if (!isfinite(R[i]))
            return smpf_error_set(err, SMPF_ERR_NUMERIC, "fast optics: non-finite reflectance");
    }
    return SMPF_OK;
}

static double node_column_mm(int k) { return FAST_C0_MM * expm1(FAST_STEP * k); }

static uint32_t pack(int view, const int *idx, size_t dims)
{
    uint32_t key = (uint32_t)view << 24;
    for (size_t d = 0; d < dims; d++)
        key |= (uint32_t)idx[d] << (6 * d);
    return key + 1;
}

static node_t *find_slot(optics_table_t *t, uint32_t key)
{
    size_t h = (key * 2654435761u) & (t->cap - 1);
    while (t->slots[h].key && t->slots[h].key != key)
        h = (h + 1) & (t->cap - 1);
    return &t->slots[h];
}

static int grow(optics_table_t *t, smpf_error_t *err)
{
    node_t *old = t->slots;
    size_t old_cap = t->cap;
    t->cap = old_cap ? 2 * old_cap : 64;
    t->slots = calloc(t->cap, sizeof *t->slots);
    if (!t->slots) {
        t->slots = old;
        t->cap = old_cap;
        return smpf_error_set(err, SMPF_ERR_NOMEM, "fast optics: out of memory");
    }
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key)
            *find_slot(t, old[i].key) = old[i];
    free(old);
    return SMPF_OK;
}

/* The node's XYZ, solving it when first asked for. */
static int node_get(smpf_projector_t *pj, optics_table_t *t, int view, size_t dims,
                    const int *idx, const node_t **out, smpf_error_t *err)
{
    if ((t->count + 1) * 2 > t->cap) {
        int st = grow(t, err);
        if (st != SMPF_OK)
            return st;
    }
    const uint32_t key = pack(view, idx, dims);
    node_t *s = find_slot(t, key);
    if (s->key) {
        *out = s;
        return SMPF_OK;
    }
    double col[FAST_MAX_DIMS];
    for (size_t d = 0; d < dims; d++)
        col[d] = view == VIEW_UV && d == 1 ? FAST_Q_STEP * idx[d] : node_column_mm(idx[d]);
    node_t nd = {key, NODE_INVALID, {0, 0, 0}};
    if (node_profile(pj, t, view, col)) {
        double R[SMPF_NWL];
        int st = node_spectrum(pj, t, R, err);
        if (st != SMPF_OK)
            return st;
        smpf_xyz_t xyz = smpf_color_xyz(pj->ctx, R);
        nd = (node_t){key, NODE_OK, {xyz.X, xyz.Y, xyz.Z}};
        pj->optics_evaluations++;
    }
    *s = nd;
    t->count++;
    *out = s;
    return SMPF_OK;
}

/* Surface and skin above the grid, and the dermis below, per wavelength; the bare skin. */
static int table_setup(smpf_projector_t *pj, optics_table_t *t, smpf_error_t *err)
{
    const size_t n = smpf_ad_quad_points(pj->ad), nn = n * n;
    const double n_slab = smpf_tissue_refractive_index(pj->tissue);
    int st = smpf_ad_set_indices(pj->ad, n_slab, 1.0, err); /* air above, as smpf_ad_solve */
    if (st != SMPF_OK)
        return st;
    double zero[SMPF_INK_MAX_COMPONENTS + 1] = {0}; /* every column, for any ink */
    node_profile(pj, t, VIEW_BASE, zero);
    smpf_skin_t skin = {0, t->key.melanin, t->key.skin_epi_mm, t->key.blood, t->key.saturation};
    smpf_layer_t layers[SMPF_TISSUE_MAX_LAYERS];
    smpf_ad_op_t *layer = NULL;
    t->bottom = malloc(SMPF_NWL * nn * sizeof *t->bottom);
    if (!t->bottom)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "fast optics: out of memory");
    st = smpf_ad_op_new(pj->ad, &layer, err);
    for (size_t i = 0; st == SMPF_OK && i < SMPF_NWL; i++) {
        size_t nl;
        st = smpf_tissue_stack(pj->tissue, &skin, &pj->profile, i, layers, &nl, err);
        if (st != SMPF_OK)
            break;
        if (i == 0) { /* layers whose bottom lies at or above the grid's top */
            double z = 0;
            t->ntop = 0;
            while (t->ntop + 1 < nl && (z += layers[t->ntop].thickness_mm) <=
                                           t->key.grid_top_mm + 1e-12)
                t->ntop++;
        }
        if ((st = smpf_ad_op_new(pj->ad, &t->top[i], err)) == SMPF_OK)
            st = smpf_ad_op_boundary(pj->ad, 1.0, t->top[i], err);
        /* top = surface on layer 0 on ... on layer ntop-1, added from the bottom up */
        smpf_ad_op_t *acc = NULL;
        if (st == SMPF_OK && t->ntop > 0 && (st = smpf_ad_op_new(pj->ad, &acc, err)) == SMPF_OK) {
            st = smpf_ad_op_layer(pj->ad, layers + t->ntop - 1, acc, err);
            for (size_t k = t->ntop - 1; st == SMPF_OK && k-- > 0;)
                if ((st = smpf_ad_op_layer(pj->ad, layers + k, layer, err)) == SMPF_OK)
                    st = smpf_ad_op_add(pj->ad, layer, acc, acc, err);
            if (st == SMPF_OK)
                st = smpf_ad_op_add(pj->ad, t->top[i], acc, t->top[i], err);
        }
        smpf_ad_op_free(acc);
        if (st == SMPF_OK)
            st = smpf_ad_op_layer(pj->ad, layers + nl - 1, layer, err);
        if (st == SMPF_OK)
            memcpy(t->bottom + i * nn, layer->R12, nn * sizeof(double));
    }
    smpf_ad_op_free(layer);
    if (st != SMPF_OK)
        return st;
    if (t->key.grid_top_mm < t->key.skin_epi_mm)
        return node_spectrum(pj, t, t->R_skin, err); /* no pigment: the bare skin */
    /* The grid lies in the dermis: without pigment it is dermis on dermis. */
    const double Rsp = smpf_fresnel(1.0, n_slab, 1.0);
    double *Rb = pj->scratch + 3 * nn;
    for (size_t i = 0; st == SMPF_OK && i < SMPF_NWL; i++) {
        const smpf_ad_op_t *top = t->top[i];
        memcpy(Rb, t->bottom + i * nn, nn * sizeof *Rb);
        st = add_layer(pj->ad, pj->scratch, top->R12, top->T12, top->R21, top->T21, Rb, err);
        double r = 0;
        for (size_t a = 0; a < n; a++)
            r += Rb[a * n + n - 1];
        t->R_skin[i] = r - Rsp;
    }
    return st;
}

static int table_new(smpf_projector_t *pj, const table_key_t *key, optics_table_t **out,
                     smpf_error_t *err)
{
    optics_table_t *t = calloc(1, sizeof *t);
    if (!t)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "fast optics: out of memory");
    t->key = *key;
    deposit_shapes(t);
    t->dims = key->ncomp + (size_t)t->has_epi;
    /* With more columns than a table takes (t->dims > FAST_MAX_DIMS) the table has no
     * nodes, but its cached skin above and dermis below still serve the solves. */
    int st = table_setup(pj, t, err);
    if (st != SMPF_OK) {
        fast_table_free(t);
        return st;
    }
    *out = t;
    return SMPF_OK;
}

int fast_table_select(smpf_projector_t *pj, const smpf_project_params_t *par, smpf_error_t *err)
{
    table_key_t key;
    make_key(pj, par, &key);
    pj->table = NULL;
    if (key.nsub > PROJECTION_SUBLAYERS)
        return SMPF_OK;
    for (size_t i = 0; i < pj->ncached; i++)
        if (memcmp(&pj->cache[i]->key, &key, sizeof key) == 0) {
            pj->table = pj->cache[i];
            return SMPF_OK;
        }
    if (!pj->scratch) {
        const size_t nn = smpf_ad_quad_points(pj->ad) * smpf_ad_quad_points(pj->ad);
        if (!(pj->scratch = malloc(6 * nn * sizeof *pj->scratch)))
            return smpf_error_set(err, SMPF_ERR_NOMEM, "fast optics: out of memory");
    }
    optics_table_t *t = NULL;
    int st = table_new(pj, &key, &t, err);
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

/* XYZ interpolated at u (node units per dimension) in a view; *done = 0 when the stencil
 * leaves the grid or reaches an invalid node. */
static int interpolate(smpf_projector_t *pj, optics_table_t *t, int view, size_t dims,
                       const double *u, smpf_xyz_t *dot, int *done, smpf_error_t *err)
{
    int start[FAST_MAX_DIMS];
    double w[FAST_MAX_DIMS][4];
    for (size_t d = 0; d < dims; d++) {
        if (!(u[d] <= FAST_NODES - 1))
            return SMPF_OK;
        int s = (int)floor(u[d]) - 1;
        s = s < 0 ? 0 : s > FAST_NODES - 4 ? FAST_NODES - 4 : s;
        start[d] = s;
        lagrange(u[d], s, w[d]);
    }
    double xyz[3] = {0, 0, 0};
    const size_t stencil = (size_t)1 << (2 * dims); /* 4^dims */
    for (size_t m = 0; m < stencil; m++) {
        int idx[FAST_MAX_DIMS];
        double weight = 1;
        for (size_t d = 0; d < dims; d++) {
            const size_t o = (m >> (2 * d)) & 3;
            idx[d] = start[d] + (int)o;
            weight *= w[d][o];
        }
        const node_t *nd;
        int st = node_get(pj, t, view, dims, idx, &nd, err);
        if (st != SMPF_OK)
            return st;
        if (nd->state != NODE_OK)
            return SMPF_OK; /* the stencil reaches beyond volume fraction 1 */
        for (int k = 0; k < 3; k++)
            xyz[k] += weight * nd->xyz[k];
    }
    *dot = (smpf_xyz_t){xyz[0], xyz[1], xyz[2]};
    *done = 1;
    return SMPF_OK;
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
            const double w = t->shape_all[j] * exp(-q * t->uv[j]);
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

/* L1 distance of the profile from the model shape, relative to the profile's total. */
static double shape_off(const double *amount, const double *model, size_t n)
{
    double off = 0, total = 0;
    for (size_t j = 0; j < n; j++) {
        off += fabs(amount[j] - model[j]);
        total += amount[j];
    }
    return total > 0 ? off / total : 0.0;
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
    double all[SMPF_INK_MAX_COMPONENTS][PROJECTION_SUBLAYERS], epi[SMPF_INK_MAX_COMPONENTS][PROJECTION_SUBLAYERS];
    /* The columns: dermal per component, and the epidermal part of all components. */
    double col[FAST_MAX_DIMS] = {0};
    for (size_t c = 0; c < ncomp; c++)
        for (size_t j = 0; j < nsub; j++) {
            epi[c][j] = smpf_kin_sim_amount(pj->sim, j, c, SMPF_KC_E);
            all[c][j] = smpf_kin_sim_in_skin(pj->sim, j, c);
            col[c] += t->has_epi ? all[c][j] - epi[c][j] : all[c][j];
            if (t->has_epi)
                col[ncomp] += epi[c][j];
        }
    /* Base view: the deposit's shapes; each component's profile within FAST_SHAPE_TOL. */
    int fits = 1;
    for (size_t c = 0; c < ncomp && fits; c++) {
        double model[PROJECTION_SUBLAYERS];
        for (size_t j = 0; j < nsub; j++)
            model[j] = col[c] * t->shape_derm[j] * dz +
                       (t->has_epi ? col[ncomp] * t->key.fraction[c] * t->shape_epi[j] * dz : 0);
        fits = shape_off(all[c], model, nsub) <= FAST_SHAPE_TOL;
    }
    if (fits) {
        double u[FAST_MAX_DIMS];
        for (size_t d = 0; d < t->dims; d++)
            u[d] = log1p(fmax(0.0, col[d] * scale) / FAST_C0_MM) / FAST_STEP;
        return interpolate(pj, t, VIEW_BASE, t->dims, u, dot, done, err);
    }
    /* UV view (one component): shallow sublayers thinned by UV, exp(-q uv_j). */
    if (ncomp != 1)
        return SMPF_OK;
    double total = 0, model[PROJECTION_SUBLAYERS], z = 0;
    const double q = uv_exposure(t, all[0]);
    for (size_t j = 0; j < nsub; j++) {
        total += all[0][j];
        z += t->shape_all[j] * exp(-q * t->uv[j]);
    }
    for (size_t j = 0; j < nsub; j++)
        model[j] = total * t->shape_all[j] * exp(-q * t->uv[j]) / z;
    if (!(z > 0) || shape_off(all[0], model, nsub) > FAST_SHAPE_TOL)
        return SMPF_OK;
    const double u[2] = {log1p(fmax(0.0, total * scale) / FAST_C0_MM) / FAST_STEP, q / FAST_Q_STEP};
    return interpolate(pj, t, VIEW_UV, 2, u, dot, done, err);
}

int fast_profile_xyz(smpf_projector_t *pj, smpf_xyz_t *dot, smpf_error_t *err)
{
    double R[SMPF_NWL];
    int st = node_spectrum(pj, pj->table, R, err);
    if (st == SMPF_OK)
        *dot = smpf_color_xyz(pj->ctx, R);
    return st;
}
