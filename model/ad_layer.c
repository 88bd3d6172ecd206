/* One homogeneous layer by doubling: phase matrices (delta-M Henyey-Greenstein), the
 * diamond initialisation of a thin layer, and doubling to the full thickness.
 *
 * Radiative transfer with azimuthally averaged redistribution h (normalised so that
 * (1/2) int_{-1}^{1} h(mu, mu') dmu' = 1), optical depth tau:
 *   mu dL/dtau = -L + (omega/2) int_{-1}^{1} h(mu, mu') L(mu') dmu'.
 * Delta-M (Wiscombe 1977 J Atmos Sci 34:1408), as Prahl's adding-doubling uses it: the
 * HG phase function is truncated to n Legendre terms with moments
 * chi_k = (g^k - f) / (1 - f), f = g^n; the rest is a forward peak, so mus* = mus (1 - f). */
#include "ad_internal.h"

#include <math.h>
#include <string.h>

void ad_identity(size_t n, double *a)
{
    memset(a, 0, n * n * sizeof *a);
    for (size_t i = 0; i < n; i++)
        a[i * n + i] = 1.0;
}

void ad_identity_minus(size_t n, double *a)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            a[i * n + j] = (i == j ? 1.0 : 0.0) - a[i * n + j];
}

/* The matrices are small (4..64) and multiplied tens of thousands of times per spectrum:
 * these loops beat GSL's reference CBLAS and LU (call overhead, no vectorisation) by a
 * factor of ~3 here (bench/bench_optics.c). */
/* Pairs of doubles as one SSE2/NEON register (GCC and Clang vector extension); n is even
 * (smpf_ad_new), so rows split into pairs exactly. */
typedef double ad_v2 __attribute__((vector_size(2 * sizeof(double))));

static inline ad_v2 load2(const double *p)
{
    ad_v2 v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void store2(double *p, ad_v2 v) { memcpy(p, &v, sizeof v); }

/* The body of ad_mul for a size known when compiling: fully unrolled, the row of the
 * product held in registers. */
#define AD_MUL_FIXED(N)                                                                        \
    for (size_t i = 0; i < (N); i++) {                                                         \
        ad_v2 row[(N) / 2];                                                                    \
        _Pragma("GCC unroll 8") for (size_t j = 0; j < (N) / 2; j++)                           \
            row[j] = (ad_v2){0, 0};                                                            \
        _Pragma("GCC unroll 8") for (size_t k = 0; k < (N); k++) {                             \
            double aik = a[i * (N) + k];                                                       \
            ad_v2 f = {aik, aik};                                                              \
            _Pragma("GCC unroll 8") for (size_t j = 0; j < (N) / 2; j++)                       \
                row[j] += f * load2(b + k * (N) + 2 * j);                                      \
        }                                                                                      \
        _Pragma("GCC unroll 8") for (size_t j = 0; j < (N) / 2; j++)                           \
            store2(out + i * (N) + 2 * j, row[j]);                                             \
    }

static void ad_mul8(const double *restrict a, const double *restrict b, double *restrict out)
{
    AD_MUL_FIXED(8)
}

/* On x86-64 with AVX2 the n = 8 and 4 kernels use 4-double registers: the same operations on
 * each element in the same order (no fused multiply-add), so the results are those of
 * the 2-double code to the last bit, on any machine; chosen at run time. */
#if defined(__GNUC__) && defined(__x86_64__)
#define AD_AVX2 1
typedef double ad_v4 __attribute__((vector_size(4 * sizeof(double))));

__attribute__((target("avx2"))) static inline ad_v4 load4(const double *p)
{
    ad_v4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

__attribute__((target("avx2"))) static inline void store4(double *p, ad_v4 v)
{
    memcpy(p, &v, sizeof v);
}

__attribute__((target("avx2"))) static void ad_mul8_avx2(const double *restrict a,
                                                         const double *restrict b,
                                                         double *restrict out)
{
    for (size_t i = 0; i < 8; i++) {
        ad_v4 lo = {0, 0, 0, 0}, hi = {0, 0, 0, 0};
        _Pragma("GCC unroll 8") for (size_t k = 0; k < 8; k++) {
            const double aik = a[i * 8 + k];
            const ad_v4 f = {aik, aik, aik, aik};
            lo += f * load4(b + k * 8);
            hi += f * load4(b + k * 8 + 4);
        }
        store4(out + i * 8, lo);
        store4(out + i * 8 + 4, hi);
    }
}

__attribute__((target("avx2"))) static void ad_mul4_avx2(const double *restrict a,
                                                         const double *restrict b,
                                                         double *restrict out)
{
    for (size_t i = 0; i < 4; i++) {
        ad_v4 row = {0, 0, 0, 0};
        _Pragma("GCC unroll 4") for (size_t k = 0; k < 4; k++) {
            const double aik = a[i * 4 + k];
            row += (ad_v4){aik, aik, aik, aik} * load4(b + k * 4);
        }
        store4(out + i * 4, row);
    }
}

static int have_avx2(void) { return __builtin_cpu_supports("avx2"); }
#endif

static void ad_mul4(const double *restrict a, const double *restrict b, double *restrict out)
{
    AD_MUL_FIXED(4)
}

void ad_mul_portable(size_t n, const double *restrict a, const double *restrict b,
                     double *restrict out)
{
    if (n == 8) { /* the skin quadrature (SMPF_AD_SKIN_QUAD_POINTS) */
        ad_mul8(a, b, out);
        return;
    }
    if (n == 4) { /* the fast optics' derivatives */
        ad_mul4(a, b, out);
        return;
    }
    ad_v2 row[AD_MAX_QUAD / 2];
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n / 2; j++)
            row[j] = (ad_v2){0, 0};
        for (size_t k = 0; k < n; k++) {
            double aik = a[i * n + k];
            ad_v2 f = {aik, aik};
            const double *bk = b + k * n;
            for (size_t j = 0; j < n / 2; j++)
                row[j] += f * load2(bk + 2 * j);
        }
        for (size_t j = 0; j < n / 2; j++)
            store2(out + i * n + 2 * j, row[j]);
    }
}

void ad_mul(size_t n, const double *restrict a, const double *restrict b, double *restrict out)
{
#ifdef AD_AVX2
    if ((n == 8 || n == 4) && have_avx2()) {
        (n == 8 ? ad_mul8_avx2 : ad_mul4_avx2)(a, b, out);
        return;
    }
#endif
    ad_mul_portable(n, a, b, out);
}

/* Gauss-Jordan elimination with partial pivoting: b = a^-1 b (a destroyed); solving
 * directly costs as much as inverting a, and saves the product with b.  The body is
 * instantiated for n = 8 (the skin quadrature) and 4 (the fast optics' derivatives),
 * unrolled (with 4-double row updates on AVX2 machines), and for any n. */
#define AD_SOLVE_BODY(N, ROW_UPDATE)                                                           \
    for (size_t c = 0; c < (N); c++) {                                                         \
        size_t p = c;                                                                          \
        for (size_t r = c + 1; r < (N); r++)                                                   \
            if (fabs(a[r * (N) + c]) > fabs(a[p * (N) + c]))                                   \
                p = r;                                                                         \
        double piv = a[p * (N) + c];                                                           \
        if (!(fabs(piv) > 1e-300))                                                             \
            return smpf_error_set(err, SMPF_ERR_NUMERIC, "adding-doubling: singular matrix");  \
        if (p != c)                                                                            \
            for (size_t j = 0; j < (N); j++) {                                                 \
                double t = a[c * (N) + j];                                                     \
                a[c * (N) + j] = a[p * (N) + j];                                               \
                a[p * (N) + j] = t;                                                            \
                t = b[c * (N) + j];                                                            \
                b[c * (N) + j] = b[p * (N) + j];                                               \
                b[p * (N) + j] = t;                                                            \
            }                                                                                  \
        double inv = 1.0 / piv;                                                                \
        _Pragma("GCC unroll 8") for (size_t j = 0; j < (N); j++) {                             \
            a[c * (N) + j] *= inv;                                                             \
            b[c * (N) + j] *= inv;                                                             \
        }                                                                                      \
        for (size_t r = 0; r < (N); r++) {                                                     \
            double f = a[r * (N) + c];                                                         \
            if (r == c || f == 0)                                                              \
                continue;                                                                      \
            ROW_UPDATE(N)                                                                      \
        }                                                                                      \
    }                                                                                          \
    return SMPF_OK;

/* Row r -= f row c, in a and b: pairs of doubles (fours in the AVX2 kernels). */
#define ROW_UPDATE2(N)                                                                         \
    ad_v2 fv = {f, f};                                                                         \
    _Pragma("GCC unroll 8") for (size_t j = 0; j < (N); j += 2) {                              \
        store2(a + r * (N) + j, load2(a + r * (N) + j) - fv * load2(a + c * (N) + j));         \
        store2(b + r * (N) + j, load2(b + r * (N) + j) - fv * load2(b + c * (N) + j));         \
    }

static int ad_solve8(double *restrict a, double *restrict b, smpf_error_t *err)
{
    AD_SOLVE_BODY(8, ROW_UPDATE2)
}

static int ad_solve4(double *restrict a, double *restrict b, smpf_error_t *err)
{
    AD_SOLVE_BODY(4, ROW_UPDATE2)
}

#ifdef AD_AVX2
#define ROW_UPDATE4(N)                                                                         \
    ad_v4 fv = {f, f, f, f};                                                                   \
    _Pragma("GCC unroll 8") for (size_t j = 0; j < (N); j += 4) {                              \
        store4(a + r * (N) + j, load4(a + r * (N) + j) - fv * load4(a + c * (N) + j));         \
        store4(b + r * (N) + j, load4(b + r * (N) + j) - fv * load4(b + c * (N) + j));         \
    }

__attribute__((target("avx2"))) static int ad_solve8_avx2(double *restrict a,
                                                          double *restrict b,
                                                          smpf_error_t *err)
{
    AD_SOLVE_BODY(8, ROW_UPDATE4)
}

__attribute__((target("avx2"))) static int ad_solve4_avx2(double *restrict a,
                                                          double *restrict b,
                                                          smpf_error_t *err)
{
    AD_SOLVE_BODY(4, ROW_UPDATE4)
}
#endif

int ad_solve_portable(smpf_ad_t *ws, double *restrict a, double *restrict b, smpf_error_t *err)
{
    const size_t n = ws->n;
    if (n == 8)
        return ad_solve8(a, b, err);
    if (n == 4)
        return ad_solve4(a, b, err);
    AD_SOLVE_BODY(n, ROW_UPDATE2)
}

int ad_solve(smpf_ad_t *ws, double *restrict a, double *restrict b, smpf_error_t *err)
{
#ifdef AD_AVX2
    if ((ws->n == 8 || ws->n == 4) && have_avx2())
        return (ws->n == 8 ? ad_solve8_avx2 : ad_solve4_avx2)(a, b, err);
#endif
    return ad_solve_portable(ws, a, b, err);
}

/* h(mu_i, mu_j) and h(mu_i, -mu_j) of the delta-M truncated HG function for g. */
static void phase_matrices(smpf_ad_t *ws, double g)
{
    if (ws->have_phase && ws->phase_g == g)
        return;
    size_t n = ws->n;
    double chi[AD_MAX_QUAD], f = pow(g, (double)n);
    for (size_t k = 0; k < n; k++)
        chi[k] = (2.0 * (double)k + 1.0) * (pow(g, (double)k) - f) / (1 - f);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double pp = 0, pm = 0;
            for (size_t k = 0; k < n; k++) {
                double t = chi[k] * ws->legendre[k * n + i] * ws->legendre[k * n + j];
                pp += t;
                pm += k % 2 ? -t : t;
            }
            ws->hpp[i * n + j] = pp;
            ws->hpm[i * n + j] = pm;
        }
    ws->phase_g = g;
    ws->have_phase = 1;
}

/* Radiance operators -> flux operators: M_flux = D M D^-1, D = diag(mu w). */
static void to_flux(const smpf_ad_t *ws, double *m)
{
    size_t n = ws->n;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            m[i * n + j] *= ws->mu[i] * ws->w[i] / (ws->mu[j] * ws->w[j]);
}

/* A thin layer of optical depth tau and albedo omega by the diamond-difference scheme
 * (Wiscombe 1976 J Quant Spectrosc Radiat Transfer 16:637): with
 *   A = M^-1 (I - c H++ W),  B = M^-1 c H+- W,  c = omega / 2,  a = tau / 2,
 *   G = (I + aA)^-1,  P = a G B,
 *   T = (I - P^2)^-1 (G (I - aA) + P^2),  R = P (I + T),
 * local error O(tau^3), and energy is conserved exactly for omega = 1. */
static int thin_layer(smpf_ad_t *ws, double tau, double omega, double *R, double *T,
                      smpf_error_t *err)
{
    size_t n = ws->n, nn = n * n;
    double *X = ws->scratch[0], *G = ws->scratch[1], *P = ws->scratch[2], *Q = ws->scratch[3],
           *Y = ws->scratch[4];
    double c = omega / 2, a = tau / 2;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double aij = ((i == j) - c * ws->hpp[i * n + j] * ws->w[j]) / ws->mu[i];
            X[i * n + j] = (i == j) + a * aij;                                  /* I + aA */
            Y[i * n + j] = a * c * ws->hpm[i * n + j] * ws->w[j] / ws->mu[i]; /* aB */
        }
    ad_identity(n, G);
    int st = ad_solve(ws, X, G, err); /* G = (I + aA)^-1 */
    if (st != SMPF_OK)
        return st;
    ad_mul(n, G, Y, P);               /* P = G aB */
    ad_mul(n, P, P, Y);               /* Y = P^2 */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            const size_t e = i * n + j;
            const double diag = i == j ? 1.0 : 0.0;
            Q[e] = 2 * G[e] - diag + Y[e]; /* G (I - aA) = 2G - I; plus P^2 */
            X[e] = diag - Y[e];            /* I - P^2 */
        }
    st = ad_solve(ws, X, Q, err);
    if (st != SMPF_OK)
        return st;
    memcpy(T, Q, nn * sizeof *T);
    for (size_t i = 0; i < n; i++)
        Q[i * n + i] += 1.0;
    ad_mul(n, P, Q, R);
    to_flux(ws, R);
    to_flux(ws, T);
    return SMPF_OK;
}

/* Two identical symmetric layers on top of each other:
 *   R2 = R + T R (I - R R)^-1 T,  T2 = T (I - R R)^-1 T. */
static int double_layer(smpf_ad_t *ws, double *R, double *T, smpf_error_t *err)
{
    size_t n = ws->n, nn = n * n;
    double *X = ws->scratch[0], *Y = ws->scratch[1], *W = ws->scratch[2], *Z = ws->scratch[3];
    ad_mul(n, R, R, X);
    ad_identity_minus(n, X);
    memcpy(Y, T, nn * sizeof *Y);
    int st = ad_solve(ws, X, Y, err); /* Y = (I - RR)^-1 T */
    if (st != SMPF_OK)
        return st;
    ad_mul(n, R, Y, W);
    ad_mul(n, T, W, Z);
    for (size_t i = 0; i < nn; i++)
        R[i] += Z[i];
    ad_mul(n, T, Y, Z);
    memcpy(T, Z, nn * sizeof *T);
    return SMPF_OK;
}

/* Largest total transmittance over the incident directions (column sums). */
static double max_transmittance(size_t n, const double *T)
{
    double worst = 0;
    for (size_t j = 0; j < n; j++) {
        double s = 0;
        for (size_t i = 0; i < n; i++)
            s += T[i * n + j];
        worst = fmax(worst, s);
    }
    return worst;
}

/* The thinnest layer starts at an optical depth of at most 2 times the smallest quadrature
 * cosine (the diamond scheme's error grows with tau / mu; the van de Hulst slab moves by
 * < 1e-6 against a start 4 times thinner) and at most 1/32: the scheme's unscattered
 * transmittance (1 - t/2)/(1 + t/2) per step t misses exp(-t) by t^3/12, a relative
 * error tau t^2 / 12 <= 1e-4 tau over the layer (tests/test_optics_ad.c). */
#define AD_START_TAU_PER_MU 2.0
#define AD_START_TAU_MAX 0.03125
#define AD_MAX_DOUBLINGS 200

int ad_layer(smpf_ad_t *ws, const smpf_layer_t *layer, double *R, double *T, smpf_error_t *err)
{
    size_t n = ws->n;
    phase_matrices(ws, layer->g);
    double f = pow(layer->g, (double)n);
    double mus = layer->mus_per_mm * (1 - f), mut = layer->mua_per_mm + mus;
    double omega = mut > 0 ? mus / mut : 0.0;
    double tau_start = fmin(AD_START_TAU_PER_MU * ws->mu[0], AD_START_TAU_MAX);
    if (isinf(layer->thickness_mm)) {
        int st = thin_layer(ws, tau_start, omega, R, T, err);
        for (int k = 0; st == SMPF_OK && max_transmittance(n, T) > SMPF_AD_INFINITE_T_TOL; k++) {
            if (k == AD_MAX_DOUBLINGS)
                return smpf_error_set(err, SMPF_ERR_NUMERIC,
                                      "adding-doubling: a semi-infinite layer did not converge");
            st = double_layer(ws, R, T, err);
        }
        memset(T, 0, n * n * sizeof *T);
        return st;
    }
    double tau = mut * layer->thickness_mm;
    int doublings = 0;
    while (tau > tau_start && doublings < AD_MAX_DOUBLINGS) {
        tau /= 2;
        doublings++;
    }
    int st = thin_layer(ws, tau, omega, R, T, err);
    for (int k = 0; st == SMPF_OK && k < doublings; k++)
        st = double_layer(ws, R, T, err);
    return st;
}
