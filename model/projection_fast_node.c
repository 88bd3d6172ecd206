/* The adding-doubling solves behind the fast optics: the skin above the deposit grid and
 * the dermis below, once per table; a node's slices between them; and the node's
 * derivatives with respect to each slice's pigment, which let a table correct for
 * profiles that differ from its model shapes (projection_fast.c).
 *
 * Values use the skin quadrature (SMPF_AD_SKIN_QUAD_POINTS, as the direct path); the
 * derivatives, which only scale a correction of at most FAST_MAX_CORRECTION_DE00, use a
 * 4-point quadrature (FAST_JAC_QUAD_POINTS): an 8 x 8 operator costs 8 times a 4 x 4 one,
 * and the 4-point derivatives are within 10 % of the 8-point ones (tests/test_fast_node.c),
 * 0.03 ΔE00 at most on a correction of 0.3. */
#include "projection_fast_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define JAC_REL_STEP 1e-3  /* forward-difference step, relative to the slice's fraction */
#define JAC_ABS_STEP 1e-9  /* ... and its floor (a slice without pigment) */
/* Derivatives are taken down to this absorption optical depth below the grid's top: light
 * reaching deeper slices and coming back is attenuated by exp(-8) = 3e-4 at least, so
 * their pigment's effect on the colour is that much smaller than at the top. */
#define JAC_TAU_CUT 4.0

/* Rb = a (layer R, T seen from above and below) on top of Rb, for light from above only:
 * R = Ra + Ta21 Rb (I - Ra21 Rb)^-1 Ta12 (Prahl et al. 1993, the adding equations).
 * scratch: 3 n x n matrices. */
static int add_layer(smpf_ad_t *ws, double *scratch, const double *Ra, const double *Ta,
                     const double *Ra21, const double *Ta21, double *Rb, smpf_error_t *err)
{
    const size_t n = smpf_ad_quad_points(ws), nn = n * n;
    double *X = scratch, *Y = scratch + nn, *Z = scratch + 2 * nn;
    ad_mul(n, Ra21, Rb, X);
    ad_identity_minus(n, X);
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

/* Diffuse reflectance for normal incidence from the matrix seen from above. */
static double normal_reflectance(size_t n, const double *R, double Rsp)
{
    double r = 0;
    for (size_t a = 0; a < n; a++)
        r += R[a * n + n - 1]; /* normal incidence: mu[n-1] = 1 */
    return r - Rsp;
}

/* The slice of the grid a layer of the stack belongs to (layers at and below index ntop
 * cover the grid, split at the dermo-epidermal junction), or -1 below the grid. */
static int layer_slice(const optics_table_t *t, const smpf_layer_t *layers, size_t k)
{
    double z = 0;
    for (size_t l = 0; l < k; l++)
        z += layers[l].thickness_mm;
    const double mid = z + 0.5 * layers[k].thickness_mm - t->key.grid_top_mm;
    const int j = (int)floor(mid / t->key.grid_dz_mm);
    return j >= 0 && (size_t)j < t->key.nsub ? j : -1;
}

typedef struct {
    double *L;      /* per layer: R then T, 2 n x n */
    double *below;  /* per layer: R seen from above at its top, n x n */
    double *tmp;    /* n x n */
    smpf_ad_op_t *above, *layer;
} jac_work_t;

static void jac_work_free(jac_work_t *w)
{
    free(w->L);
    free(w->below);
    free(w->tmp);
    smpf_ad_op_free(w->above);
    smpf_ad_op_free(w->layer);
    memset(w, 0, sizeof *w); /* freeing again is harmless */
}

static int jac_work_new(smpf_ad_t *ad, jac_work_t *w, smpf_error_t *err)
{
    const size_t nn = smpf_ad_quad_points(ad) * smpf_ad_quad_points(ad);
    memset(w, 0, sizeof *w);
    w->L = malloc(2 * SMPF_TISSUE_MAX_LAYERS * nn * sizeof *w->L);
    w->below = malloc((SMPF_TISSUE_MAX_LAYERS + 1) * nn * sizeof *w->below);
    w->tmp = malloc(nn * sizeof *w->tmp);
    int st = w->L && w->below && w->tmp ? SMPF_OK
                                         : smpf_error_set(err, SMPF_ERR_NOMEM, "fast optics: out of memory");
    if (st == SMPF_OK)
        st = smpf_ad_op_new(ad, &w->above, err);
    if (st == SMPF_OK)
        st = smpf_ad_op_new(ad, &w->layer, err);
    if (st != SMPF_OK)
        jac_work_free(w);
    return st;
}

/* The forward-difference step for component c of a slice; a full slice takes the backward
 * difference, within what it holds; 0 when it is full of other components. */
static double jac_step(const smpf_pigment_slice_t *sl, size_t ncomp, size_t c)
{
    double V = 0;
    for (size_t m = 0; m < ncomp; m++)
        V += sl->fraction[m];
    const double f = sl->fraction[c], h = JAC_REL_STEP * f + JAC_ABS_STEP;
    return V + h > 1 ? -fmin(h, 0.5 * f) : h;
}

/* d R / d fraction for every slice above layer `end` and every component, at wavelength i:
 * each slice in turn solved with a little more of the component, added onto what lies
 * below it and under what lies above it (the stack above grows slice by slice). */
static int wavelength_derivatives(smpf_projector_t *pj, const optics_table_t *t, size_t i,
                                  const smpf_layer_t *layers, size_t end, double r, double Rsp,
                                  const slice_stencil_t *perturbed_at, jac_work_t *w,
                                  double (*dR)[PROJECTION_SUBLAYERS][SMPF_NWL], smpf_error_t *err)
{
    smpf_ad_t *ad = pj->ad_jac;
    const size_t n = smpf_ad_quad_points(ad), nn = n * n;
    smpf_pigment_profile_t *pr = &pj->profile;
    const smpf_skin_t skin = fast_table_skin(t);
    smpf_layer_t perturbed[SMPF_TISSUE_MAX_LAYERS];
    const smpf_ad_op_t *top = t->top[FAST_Q_JAC][i];
    memcpy(w->above->R12, top->R12, nn * sizeof(double));
    memcpy(w->above->T12, top->T12, nn * sizeof(double));
    memcpy(w->above->R21, top->R21, nn * sizeof(double));
    memcpy(w->above->T21, top->T21, nn * sizeof(double));
    int st = SMPF_OK;
    for (size_t k = t->ntop; st == SMPF_OK && k < end; k++) {
        const int j = layer_slice(t, layers, k);
        for (size_t c = 0; j >= 0 && c < t->key.ncomp && st == SMPF_OK; c++) {
            smpf_pigment_slice_t *sl = &pr->slice[j];
            const double f = sl->fraction[c], h = jac_step(sl, t->key.ncomp, c);
            if (h == 0)
                continue; /* full of other components: none of this one to take away */
            double *Rl = pj->scratch + 3 * nn, *Tl = pj->scratch + 4 * nn;
            int done = 0;
            if (t->slices) /* one component: c = 0 */
                st = fast_slice_operator(pj, t, FAST_Q_JAC, k, i, &perturbed_at[k], Rl, Tl,
                                         &done, err);
            if (st == SMPF_OK && !done) {
                sl->fraction[c] = f + h;
                size_t nl;
                st = smpf_tissue_stack(pj->tissue, &skin, pr, i, perturbed, &nl, err);
                sl->fraction[c] = f;
                if (st == SMPF_OK)
                    st = ad_layer(ad, perturbed + k, Rl, Tl, err);
            }
            memcpy(w->tmp, w->below + (k + 1) * nn, nn * sizeof(double));
            if (st == SMPF_OK)
                st = add_layer(ad, pj->scratch, Rl, Tl, Rl, Tl, w->tmp, err);
            if (st == SMPF_OK)
                st = add_layer(ad, pj->scratch, w->above->R12, w->above->T12, w->above->R21,
                               w->above->T21, w->tmp, err);
            if (st == SMPF_OK)
                dR[c][j][i] += (normal_reflectance(n, w->tmp, Rsp) - r) / h;
        }
        /* the stack above the next layer: this one added under it */
        const double *Rk = w->L + 2 * k * nn, *Tk = Rk + nn;
        memcpy(w->layer->R12, Rk, nn * sizeof(double));
        memcpy(w->layer->R21, Rk, nn * sizeof(double));
        memcpy(w->layer->T12, Tk, nn * sizeof(double));
        memcpy(w->layer->T21, Tk, nn * sizeof(double));
        if (st == SMPF_OK)
            st = smpf_ad_op_add(ad, w->above, w->layer, w->above, err);
    }
    return st;
}

/* Reflectance at wavelength i of the stack `layers` in quadrature q: the layers from the
 * grid's top down to `end` added, from the bottom up, onto the cached dermis below and
 * under the cached skin above; with `at`, the slice layers' operators interpolated at these
 * stencils.  With w, every partial stack is kept (the derivatives add onto them). */
static int stack_reflectance(smpf_projector_t *pj, smpf_ad_t *ad, const optics_table_t *t,
                             int q, const slice_stencil_t *at, size_t i, const smpf_layer_t *layers,
                             size_t end, double Rsp, jac_work_t *w, double *r, smpf_error_t *err)
{
    const size_t n = smpf_ad_quad_points(ad), nn = n * n;
    double *scratch = pj->scratch;
    double *Rb = w ? w->below + end * nn : scratch + 3 * nn;
    memcpy(Rb, t->bottom[q] + i * nn, nn * sizeof *Rb);
    int st = SMPF_OK;
    for (size_t k = end; st == SMPF_OK && k-- > t->ntop;) {
        double *Rl = w ? w->L + 2 * k * nn : scratch + 4 * nn, *Tl = Rl + nn;
        int done = 0;
        if (at)
            st = fast_slice_operator(pj, t, q, k, i, &at[k], Rl, Tl, &done, err);
        if (st == SMPF_OK && !done)
            st = ad_layer(ad, layers + k, Rl, Tl, err);
        if (w) {
            memcpy(w->below + k * nn, Rb, nn * sizeof *Rb);
            Rb = w->below + k * nn;
        }
        if (st == SMPF_OK)
            st = add_layer(ad, scratch, Rl, Tl, Rl, Tl, Rb, err);
    }
    double *Rtot = w ? w->tmp : Rb;
    if (w)
        memcpy(Rtot, Rb, nn * sizeof *Rtot);
    const smpf_ad_op_t *top = t->top[q][i];
    if (st == SMPF_OK)
        st = add_layer(ad, scratch, top->R12, top->T12, top->R21, top->T21, Rtot, err);
    if (st == SMPF_OK) {
        *r = normal_reflectance(n, Rtot, Rsp);
        if (!isfinite(*r))
            st = smpf_error_set(err, SMPF_ERR_NUMERIC, "fast optics: non-finite reflectance");
    }
    return st;
}

/* The first layer at or below an absorption optical depth tau from the grid's top. */
static size_t absorption_depth(const optics_table_t *t, const smpf_layer_t *layers, size_t end,
                               double tau_cut)
{
    size_t k = t->ntop;
    for (double tau = 0; k < end && tau < tau_cut; k++)
        tau += layers[k].mua_per_mm * layers[k].thickness_mm;
    return k;
}

/* The layers of the stack at wavelength i for the profile in pj->profile, and the first
 * layer below the absorption cut (those beneath are taken as dermis). */
static int node_layers(smpf_projector_t *pj, const optics_table_t *t, size_t i,
                       smpf_layer_t *layers, size_t *end, smpf_error_t *err)
{
    const smpf_skin_t skin = fast_table_skin(t);
    size_t nl;
    int st = smpf_tissue_stack(pj->tissue, &skin, &pj->profile, i, layers, &nl, err);
    /* Light reaching the slices below an absorption optical depth tau_cut (on any path,
     * scattering only lengthens it) and coming back is attenuated by exp(-2 tau_cut) at
     * least: those slices may be anything; they are taken as dermis. */
    if (st == SMPF_OK)
        *end = absorption_depth(t, layers, nl - 1, FAST_TAU_CUT);
    return st;
}

/* The profile's slice stencils per layer (NULL without slice operators). */
static const slice_stencil_t *profile_stencils(const smpf_projector_t *pj, const optics_table_t *t,
                                               slice_stencil_t at[SMPF_TISSUE_MAX_LAYERS])
{
    if (!t->slices)
        return NULL;
    for (size_t k = 0; k < SMPF_TISSUE_MAX_LAYERS; k++)
        fast_slice_stencil(t, k, fast_slice_fraction(t, &pj->profile, k), &at[k]);
    return at;
}

int fast_thinned_wavelength(size_t i)
{
    const long nm = lround(smpf_wavelength_nm(i));
    if (nm >= 420 && nm <= 620)
        return 1;
    return nm % (nm < 660 ? 10 : 20) == 0;
}

/* The wavelengths a thinned spectrum skips, from the solved ones (the first and last
 * wavelengths are solved).  What is interpolated is the reflectance relative to the bare
 * skin's (solved in full): a dot whose pigment is gone is the skin again, to round-off.
 * Interpolating the reflectance itself left such a dot off the skin, and its cast hue,
 * ill-conditioned as the pigment vanishes, 0.4° off the direct path's; interpolating the
 * difference from the skin (also exact without pigment) erred by 0.005 ΔE00 on the tests'
 * opaque carbon profiles, where it carries the skin's hemoglobin bands (the ratio: 0.0006). */
static void fill_thinned(const double R_skin[SMPF_NWL], double R[SMPF_NWL])
{
    size_t solved[SMPF_NWL], n = 0;
    for (size_t i = 0; i < SMPF_NWL; i++)
        if (fast_thinned_wavelength(i))
            solved[n++] = i;
    for (size_t i = 0, p = 0; i < SMPF_NWL; i++) {
        while (solved[p] < i)
            p++;
        if (solved[p] == i)
            continue;
        const size_t s = p < 2 ? 0 : p + 2 > n ? n - 4 : p - 2; /* solved[p - 1] < i < solved[p] */
        int relative = R_skin[i] > 0; /* a skin reflecting nothing: the reflectance itself */
        for (size_t k = 0; k < 4; k++)
            relative &= R_skin[solved[s + k]] > 0;
        double v = 0;
        for (size_t k = 0; k < 4; k++) {
            double w = 1;
            for (size_t m = 0; m < 4; m++)
                if (m != k)
                    w *= ((double)i - (double)solved[s + m]) /
                         ((double)solved[s + k] - (double)solved[s + m]);
            v += w * (relative ? R[solved[s + k]] / R_skin[solved[s + k]] : R[solved[s + k]]);
        }
        R[i] = relative ? R_skin[i] * v : v;
    }
}

int fast_node_spectrum(smpf_projector_t *pj, const optics_table_t *t, int how,
                       double R[SMPF_NWL], smpf_error_t *err)
{
    const double Rsp = smpf_fresnel(1.0, smpf_tissue_refractive_index(pj->tissue), 1.0);
    smpf_layer_t layers[SMPF_TISSUE_MAX_LAYERS];
    slice_stencil_t stencils[SMPF_TISSUE_MAX_LAYERS];
    const slice_stencil_t *at =
        how == FAST_SPECTRUM_TABULATED ? profile_stencils(pj, t, stencils) : NULL;
    const int thinned = how != FAST_SPECTRUM_FULL;
    int st = SMPF_OK;
    for (size_t i = 0; st == SMPF_OK && i < SMPF_NWL; i++) {
        if (thinned && !fast_thinned_wavelength(i))
            continue;
        size_t end;
        st = node_layers(pj, t, i, layers, &end, err);
        if (st == SMPF_OK)
            st = stack_reflectance(pj, pj->ad, t, FAST_Q_VALUE, at, i, layers, end, Rsp, NULL,
                                   &R[i], err);
        if (st != SMPF_OK)
            smpf_error_prefix(err, "fast optics, %g nm: ", smpf_wavelength_nm(i));
    }
    if (st == SMPF_OK && thinned)
        fill_thinned(t->R_skin, R);
    return st;
}

int fast_node_derivatives(smpf_projector_t *pj, const optics_table_t *t,
                          double (*dR)[PROJECTION_SUBLAYERS][SMPF_NWL], smpf_error_t *err)
{
    const double Rsp = smpf_fresnel(1.0, smpf_tissue_refractive_index(pj->tissue), 1.0);
    smpf_layer_t layers[SMPF_TISSUE_MAX_LAYERS];
    slice_stencil_t stencils[SMPF_TISSUE_MAX_LAYERS], perturbed[SMPF_TISSUE_MAX_LAYERS];
    const slice_stencil_t *at = profile_stencils(pj, t, stencils);
    for (size_t k = 0; at && k < SMPF_TISSUE_MAX_LAYERS; k++) { /* one component */
        const int j = fast_slice_of_layer(t, k);
        const double f = j < 0 ? 0.0 : pj->profile.slice[j].fraction[0];
        fast_slice_stencil(t, k, j < 0 ? f : f + jac_step(&pj->profile.slice[j], 1, 0),
                           &perturbed[k]);
    }
    jac_work_t w;
    int st = jac_work_new(pj->ad_jac, &w, err);
    memset(dR, 0, FAST_JAC_COMPS * sizeof *dR);
    for (size_t i = 0; st == SMPF_OK && i < SMPF_NWL; i += fast_wavelength_stride(FAST_Q_JAC)) {
        size_t end;
        double r;
        st = node_layers(pj, t, i, layers, &end, err);
        if (st == SMPF_OK)
            st = stack_reflectance(pj, pj->ad_jac, t, FAST_Q_JAC, at, i, layers, end, Rsp, &w,
                                   &r, err);
        if (st == SMPF_OK)
            st = wavelength_derivatives(pj, t, i, layers,
                                        absorption_depth(t, layers, end, JAC_TAU_CUT), r, Rsp,
                                        perturbed, &w, dR, err);
        if (st != SMPF_OK)
            smpf_error_prefix(err, "fast optics derivatives, %g nm: ", smpf_wavelength_nm(i));
    }
    jac_work_free(&w);
    /* The wavelengths between: linear interpolation of the derivative spectra. */
    for (size_t c = 0; c < t->key.ncomp; c++)
        for (size_t j = 0; j < t->key.nsub; j++)
            for (size_t i = 0; i + FAST_JAC_STRIDE < SMPF_NWL; i += FAST_JAC_STRIDE)
                for (size_t m = 1; m < FAST_JAC_STRIDE; m++)
                    dR[c][j][i + m] = dR[c][j][i] + (dR[c][j][i + FAST_JAC_STRIDE] - dR[c][j][i]) *
                                                        (double)m / FAST_JAC_STRIDE;
    return st;
}

/* The grid's slices without pigment. */
static void empty_profile(smpf_projector_t *pj, const optics_table_t *t)
{
    smpf_pigment_profile_t *pr = &pj->profile;
    pr->nslices = t->key.nsub;
    for (size_t j = 0; j < t->key.nsub; j++) {
        pr->slice[j].top_mm = t->key.grid_top_mm + (double)j * t->key.grid_dz_mm;
        pr->slice[j].thickness_mm = t->key.grid_dz_mm;
        memset(pr->slice[j].fraction, 0, sizeof pr->slice[j].fraction);
    }
}

/* Quadrature q's skin above the grid (surface and layers, per wavelength) and dermis below
 * (R, per wavelength); sets t->ntop. */
static int stack_ends(smpf_projector_t *pj, smpf_ad_t *ad, optics_table_t *t, int q,
                      smpf_error_t *err)
{
    const size_t nn = smpf_ad_quad_points(ad) * smpf_ad_quad_points(ad);
    int st = smpf_ad_set_indices(ad, smpf_tissue_refractive_index(pj->tissue), 1.0, err);
    if (st != SMPF_OK) /* air above, as smpf_ad_solve */
        return st;
    empty_profile(pj, t);
    const smpf_skin_t skin = fast_table_skin(t);
    smpf_layer_t layers[SMPF_TISSUE_MAX_LAYERS];
    smpf_ad_op_t *layer = NULL;
    t->bottom[q] = malloc(SMPF_NWL * nn * sizeof *t->bottom[q]);
    if (!t->bottom[q])
        return smpf_error_set(err, SMPF_ERR_NOMEM, "fast optics: out of memory");
    st = smpf_ad_op_new(ad, &layer, err);
    const size_t stride = fast_wavelength_stride(q); /* the derivatives': every 4th */
    for (size_t i = 0; st == SMPF_OK && i < SMPF_NWL; i += stride) {
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
        smpf_ad_op_t **top = &t->top[q][i];
        if ((st = smpf_ad_op_new(ad, top, err)) == SMPF_OK)
            st = smpf_ad_op_boundary(ad, 1.0, *top, err);
        /* top = surface on layer 0 on ... on layer ntop-1, added from the bottom up */
        smpf_ad_op_t *acc = NULL;
        if (st == SMPF_OK && t->ntop > 0 && (st = smpf_ad_op_new(ad, &acc, err)) == SMPF_OK) {
            st = smpf_ad_op_layer(ad, layers + t->ntop - 1, acc, err);
            for (size_t k = t->ntop - 1; st == SMPF_OK && k-- > 0;)
                if ((st = smpf_ad_op_layer(ad, layers + k, layer, err)) == SMPF_OK)
                    st = smpf_ad_op_add(ad, layer, acc, acc, err);
            if (st == SMPF_OK)
                st = smpf_ad_op_add(ad, *top, acc, *top, err);
        }
        smpf_ad_op_free(acc);
        if (st == SMPF_OK)
            st = smpf_ad_op_layer(ad, layers + nl - 1, layer, err);
        if (st == SMPF_OK)
            memcpy(t->bottom[q] + i * nn, layer->R12, nn * sizeof(double));
    }
    smpf_ad_op_free(layer);
    return st;
}

int fast_table_setup(smpf_projector_t *pj, optics_table_t *t, smpf_error_t *err)
{
    int st = stack_ends(pj, pj->ad, t, FAST_Q_VALUE, err);
    if (st == SMPF_OK)
        st = stack_ends(pj, pj->ad_jac, t, FAST_Q_JAC, err);
    if (st == SMPF_OK) /* the grid is empty here: its slice layers are classified */
        st = fast_slices_new(pj, t, &t->slices, err);
    if (st != SMPF_OK)
        return st;
    if (t->key.grid_top_mm < t->key.skin_epi_mm)
        return fast_node_spectrum(pj, t, FAST_SPECTRUM_FULL, t->R_skin, err); /* the bare skin */
    /* The grid lies in the dermis: without pigment it is dermis on dermis. */
    const size_t n = smpf_ad_quad_points(pj->ad), nn = n * n;
    const double Rsp = smpf_fresnel(1.0, smpf_tissue_refractive_index(pj->tissue), 1.0);
    double *Rb = pj->scratch + 3 * nn;
    for (size_t i = 0; st == SMPF_OK && i < SMPF_NWL; i++) {
        const smpf_ad_op_t *top = t->top[FAST_Q_VALUE][i];
        memcpy(Rb, t->bottom[FAST_Q_VALUE] + i * nn, nn * sizeof *Rb);
        st = add_layer(pj->ad, pj->scratch, top->R12, top->T12, top->R21, top->T21, Rb, err);
        t->R_skin[i] = normal_reflectance(n, Rb, Rsp);
    }
    return st;
}
