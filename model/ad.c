/* Adding-doubling for a stack of layers (Prahl, Jacques & Welch 1993 Appl Opt 32:559):
 * the workspace, layer and boundary operators, the adding equations, the full solve. */
#include "ad_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define N_MIN 1.0
#define N_MAX 3.0

int smpf_stack_check(const smpf_stack_t *s, smpf_error_t *err)
{
    const double nn[3] = {s->n_slab, s->n_above, s->n_below};
    const char *names[3] = {"n_slab", "n_above", "n_below"};
    for (int i = 0; i < 3; i++)
        if (!(nn[i] >= N_MIN && nn[i] <= N_MAX))
            return smpf_error_set(err, SMPF_ERR_USAGE, "%s = %g is outside %g..%g", names[i],
                                  nn[i], N_MIN, N_MAX);
    if (s->nlayers == 0 || !s->layers)
        return smpf_error_set(err, SMPF_ERR_USAGE, "a stack needs at least one layer");
    for (size_t i = 0; i < s->nlayers; i++) {
        const smpf_layer_t *l = s->layers + i;
        const char *bad = NULL;
        if (!(l->mua_per_mm >= 0) || isinf(l->mua_per_mm))
            bad = "mua_per_mm must be finite and >= 0";
        else if (!(l->mus_per_mm >= 0) || isinf(l->mus_per_mm))
            bad = "mus_per_mm must be finite and >= 0";
        else if (!(fabs(l->g) <= 0.99))
            bad = "g must be within -0.99..0.99";
        else if (!(l->thickness_mm > 0))
            bad = "thickness_mm must be > 0";
        else if (isinf(l->thickness_mm) && i + 1 != s->nlayers)
            bad = "only the last layer may be semi-infinite";
        else if (isinf(l->thickness_mm) && !(l->mua_per_mm + l->mus_per_mm > 0))
            bad = "a semi-infinite layer must absorb or scatter";
        if (bad)
            return smpf_error_set(err, SMPF_ERR_USAGE, "layer %zu: %s", i + 1, bad);
    }
    return SMPF_OK;
}

size_t smpf_ad_quad_points(const smpf_ad_t *ws) { return ws->n; }

void smpf_ad_free(smpf_ad_t *ws)
{
    if (!ws)
        return;
    free(ws->hpp);
    free(ws->hpm);
    for (int i = 0; i < AD_SCRATCH; i++)
        free(ws->scratch[i]);
    smpf_ad_op_free(ws->layer_op);
    smpf_ad_op_free(ws->sum_op);
    free(ws);
}

int smpf_ad_new(size_t quad_points, smpf_ad_t **out, smpf_error_t *err)
{
    *out = NULL;
    if (quad_points < AD_MIN_QUAD || quad_points > AD_MAX_QUAD || quad_points % 2)
        return smpf_error_set(err, SMPF_ERR_USAGE,
                              "quadrature points must be even and within %d..%d, got %zu",
                              AD_MIN_QUAD, AD_MAX_QUAD, quad_points);
    smpf_ad_t *ws = calloc(1, sizeof *ws);
    if (!ws)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    size_t n = quad_points, nn = n * n;
    ws->n = n;
    ws->hpp = malloc(nn * sizeof(double));
    ws->hpm = malloc(nn * sizeof(double));
    int ok = ws->hpp && ws->hpm;
    for (int i = 0; i < AD_SCRATCH; i++)
        ok = ok && (ws->scratch[i] = malloc(nn * sizeof(double))) != NULL;
    if (!ok || smpf_ad_op_new(ws, &ws->layer_op, err) != SMPF_OK ||
        smpf_ad_op_new(ws, &ws->sum_op, err) != SMPF_OK) {
        smpf_ad_free(ws);
        return smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    }
    *out = ws;
    return SMPF_OK;
}

int smpf_ad_set_indices(smpf_ad_t *ws, double n_slab, double n_outside, smpf_error_t *err)
{
    if (ws->have_quadrature && ws->n_slab == n_slab && ws->n_outside == n_outside)
        return SMPF_OK;
    if (!(n_slab >= N_MIN && n_slab <= N_MAX && n_outside >= N_MIN && n_outside <= N_MAX))
        return smpf_error_set(err, SMPF_ERR_USAGE, "refractive indices must be within %g..%g",
                              N_MIN, N_MAX);
    /* Light inside is totally reflected at that surface for mu < mu_crit. */
    double mu_crit =
        n_outside < n_slab ? sqrt(1 - (n_outside / n_slab) * (n_outside / n_slab)) : 0.0;
    int st = ad_quadrature(ws->n, mu_crit, ws->mu, ws->w, err);
    if (st != SMPF_OK)
        return st;
    size_t n = ws->n;
    for (size_t i = 0; i < n; i++) { /* Legendre recurrence */
        double x = ws->mu[i], p0 = 1, p1 = x;
        ws->legendre[i] = 1;
        if (n > 1)
            ws->legendre[n + i] = x;
        for (size_t k = 2; k < n; k++) {
            double p2 = ((2.0 * (double)k - 1) * x * p1 - ((double)k - 1) * p0) / (double)k;
            ws->legendre[k * n + i] = p2;
            p0 = p1;
            p1 = p2;
        }
    }
    ws->n_slab = n_slab;
    ws->n_outside = n_outside;
    ws->have_quadrature = 1;
    ws->have_phase = 0;
    return SMPF_OK;
}

void smpf_ad_op_free(smpf_ad_op_t *op)
{
    if (!op)
        return;
    free(op->R12);
    free(op);
}

int smpf_ad_op_new(const smpf_ad_t *ws, smpf_ad_op_t **out, smpf_error_t *err)
{
    size_t nn = ws->n * ws->n;
    smpf_ad_op_t *op = calloc(1, sizeof *op);
    double *m = op ? calloc(4 * nn, sizeof *m) : NULL;
    if (!m) {
        free(op);
        *out = NULL;
        return smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    }
    op->n = ws->n;
    op->R12 = m;
    op->T12 = m + nn;
    op->R21 = m + 2 * nn;
    op->T21 = m + 3 * nn;
    *out = op;
    return SMPF_OK;
}

static int need_quadrature(const smpf_ad_t *ws, smpf_error_t *err)
{
    if (!ws->have_quadrature)
        return smpf_error_set(err, SMPF_ERR_USAGE,
                              "adding-doubling: call smpf_ad_set_indices before building operators");
    return SMPF_OK;
}

int smpf_ad_op_layer(smpf_ad_t *ws, const smpf_layer_t *layer, smpf_ad_op_t *out,
                     smpf_error_t *err)
{
    int st = need_quadrature(ws, err);
    smpf_stack_t one = {layer, 1, ws->n_slab, ws->n_slab, ws->n_slab};
    if (st == SMPF_OK)
        st = smpf_stack_check(&one, err);
    if (st == SMPF_OK)
        st = ad_layer(ws, layer, out->R12, out->T12, err);
    if (st != SMPF_OK)
        return st;
    size_t nn = ws->n * ws->n;
    memcpy(out->R21, out->R12, nn * sizeof(double));
    memcpy(out->T21, out->T12, nn * sizeof(double));
    return SMPF_OK;
}

/* Diagonal in the quadrature of the stack: flux in direction mu_i inside meets the
 * surface at mu_i, and light from outside arrives in the direction it refracts into.
 * Fresnel reflectance is the same from both sides for a pair of refracted angles. */
int smpf_ad_op_boundary(smpf_ad_t *ws, double n_outside, smpf_ad_op_t *out, smpf_error_t *err)
{
    int st = need_quadrature(ws, err);
    if (st != SMPF_OK)
        return st;
    if (!(n_outside >= N_MIN && n_outside <= N_MAX))
        return smpf_error_set(err, SMPF_ERR_USAGE, "refractive index %g is outside %g..%g",
                              n_outside, N_MIN, N_MAX);
    size_t n = ws->n, nn = n * n;
    memset(out->R12, 0, 4 * nn * sizeof(double));
    for (size_t i = 0; i < n; i++) {
        double r = smpf_fresnel(ws->n_slab, n_outside, ws->mu[i]);
        out->R12[i * n + i] = out->R21[i * n + i] = r;
        out->T12[i * n + i] = out->T21[i * n + i] = 1 - r;
    }
    return SMPF_OK;
}

/* out = a on top of b.  With C = (I - Ra21 Rb12)^-1 and D = (I - Rb12 Ra21)^-1:
 *   R12 = Ra12 + Ta21 Rb12 C Ta12,   T12 = Tb12 C Ta12,
 *   R21 = Rb21 + Tb12 Ra21 D Tb21,   T21 = Ta21 D Tb21. */
int smpf_ad_op_add(smpf_ad_t *ws, const smpf_ad_op_t *a, const smpf_ad_op_t *b,
                   smpf_ad_op_t *out, smpf_error_t *err)
{
    size_t n = ws->n, nn = n * n;
    if (a->n != n || b->n != n || out->n != n)
        return smpf_error_set(err, SMPF_ERR_USAGE, "adding-doubling: operators of another size");
    double *X = ws->scratch[0], *Y = ws->scratch[1], *Z = ws->scratch[2], *r12 = ws->scratch[3],
           *t12 = ws->scratch[4], *r21 = ws->scratch[5], *t21 = ws->scratch[6];
    /* light from above */
    ad_mul(n, a->R21, b->R12, X);
    ad_identity_minus(n, X);
    memcpy(Y, a->T12, nn * sizeof *Y);
    int st = ad_solve(ws, X, Y, err); /* C Ta12 */
    if (st != SMPF_OK)
        return st;
    ad_mul(n, b->T12, Y, t12);
    ad_mul(n, b->R12, Y, Z);
    ad_mul(n, a->T21, Z, r12);
    for (size_t i = 0; i < nn; i++)
        r12[i] += a->R12[i];
    /* light from below */
    ad_mul(n, b->R12, a->R21, X);
    ad_identity_minus(n, X);
    memcpy(Y, b->T21, nn * sizeof *Y);
    st = ad_solve(ws, X, Y, err); /* D Tb21 */
    if (st != SMPF_OK)
        return st;
    ad_mul(n, a->T21, Y, t21);
    ad_mul(n, a->R21, Y, Z);
    ad_mul(n, b->T12, Z, r21);
    for (size_t i = 0; i < nn; i++)
        r21[i] += b->R21[i];
    memcpy(out->R12, r12, nn * sizeof(double));
    memcpy(out->T12, t12, nn * sizeof(double));
    memcpy(out->R21, r21, nn * sizeof(double));
    memcpy(out->T21, t21, nn * sizeof(double));
    return SMPF_OK;
}

void smpf_ad_op_normal(const smpf_ad_t *ws, const smpf_ad_op_t *op, double *R_total,
                       double *T_total)
{
    size_t n = ws->n, j = n - 1; /* mu[n-1] = 1 */
    double r = 0, t = 0;
    for (size_t i = 0; i < n; i++) {
        r += op->R12[i * n + j];
        t += op->T12[i * n + j];
    }
    *R_total = r;
    *T_total = t;
}

/* Only light from above is needed: add from the bottom up, keeping the reflection (R12)
 * and transmission (T12) of everything below:  R = Ra12 + Ta21 Rb (I - Ra21 Rb)^-1 Ta12,
 * T = Tb (I - Ra21 Rb)^-1 Ta12, with a symmetric (Ra12 = Ra21, Ta12 = Ta21). */
static int add_on_top(smpf_ad_t *ws, const smpf_ad_op_t *a, smpf_ad_op_t *below,
                      smpf_error_t *err)
{
    size_t n = ws->n, nn = n * n;
    double *X = ws->scratch[0], *Y = ws->scratch[1], *Z = ws->scratch[2], *W = ws->scratch[3];
    ad_mul(n, a->R21, below->R12, X);
    ad_identity_minus(n, X);
    memcpy(Y, a->T12, nn * sizeof *Y);
    int st = ad_solve(ws, X, Y, err); /* (I - Ra21 Rb)^-1 Ta12 */
    if (st != SMPF_OK)
        return st;
    ad_mul(n, below->T12, Y, Z);
    memcpy(below->T12, Z, nn * sizeof(double));
    ad_mul(n, below->R12, Y, Z);
    ad_mul(n, a->T21, Z, W);
    for (size_t i = 0; i < nn; i++)
        below->R12[i] = a->R12[i] + W[i];
    return SMPF_OK;
}

int smpf_ad_solve(smpf_ad_t *ws, const smpf_stack_t *stack, smpf_rt_t *out, smpf_error_t *err)
{
    int st = smpf_stack_check(stack, err);
    if (st == SMPF_OK)
        st = smpf_ad_set_indices(ws, stack->n_slab, fmin(stack->n_above, stack->n_below), err);
    if (st != SMPF_OK)
        return st;
    size_t last = stack->nlayers - 1;
    smpf_ad_op_t *sum = ws->sum_op, *op = ws->layer_op;
    int semi_infinite = isinf(stack->layers[last].thickness_mm);
    if (semi_infinite) {
        st = smpf_ad_op_layer(ws, stack->layers + last, sum, err);
    } else {
        st = smpf_ad_op_boundary(ws, stack->n_below, sum, err);
        last++;
    }
    for (size_t k = last; st == SMPF_OK && k-- > 0;) {
        st = smpf_ad_op_layer(ws, stack->layers + k, op, err);
        if (st == SMPF_OK)
            st = add_on_top(ws, op, sum, err);
    }
    if (st == SMPF_OK)
        st = smpf_ad_op_boundary(ws, stack->n_above, op, err);
    if (st == SMPF_OK)
        st = add_on_top(ws, op, sum, err);
    if (st != SMPF_OK)
        return st;
    double R, T;
    smpf_ad_op_normal(ws, sum, &R, &T);
    out->Rsp = smpf_fresnel(stack->n_above, stack->n_slab, 1.0);
    out->Rd = R - out->Rsp;
    out->Tt = T;
    if (!isfinite(out->Rd) || !isfinite(out->Tt))
        return smpf_error_set(err, SMPF_ERR_NUMERIC, "adding-doubling: non-finite result");
    return SMPF_OK;
}
