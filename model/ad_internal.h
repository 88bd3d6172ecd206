/* Internal: the adding-doubling workspace, its quadrature and matrix helpers. */
#ifndef SMPF_AD_INTERNAL_H
#define SMPF_AD_INTERNAL_H

#include "smpfade.h"

#define AD_MIN_QUAD 4
#define AD_MAX_QUAD 64

/* Matrices are n x n, row-major, acting on flux vectors: element i of a vector is the
 * flux (not radiance) travelling in quadrature direction mu[i]; out = M * in. */
struct smpf_ad_op {
    size_t n;
    double *R12, *T12; /* light arriving from above: reflected up, transmitted down */
    double *R21, *T21; /* light arriving from below: reflected down, transmitted up */
};

enum { AD_SCRATCH = 7 };

struct smpf_ad {
    size_t n;
    int have_quadrature;
    double n_slab, n_outside; /* the quadrature is split at n_outside's critical angle */
    double mu[AD_MAX_QUAD], w[AD_MAX_QUAD]; /* nodes (ascending, mu[n-1] = 1), weights sum 1 */
    double legendre[AD_MAX_QUAD * AD_MAX_QUAD]; /* P_k(mu_i) at [k * n + i] */
    double phase_g;                             /* g of the cached phase matrices */
    int have_phase;
    double *hpp, *hpm; /* delta-M HG redistribution h(mu_i, mu_j), h(mu_i, -mu_j) */
    double *scratch[AD_SCRATCH];
    smpf_ad_op_t *layer_op, *sum_op; /* used by smpf_ad_solve */
};

/* Quadrature on (0, 1]: Gauss-Radau (node at 1) when mu_crit <= 0, else Gauss-Legendre
 * on (0, mu_crit) and Gauss-Radau on (mu_crit, 1], n/2 points each. */
int ad_quadrature(size_t n, double mu_crit, double *mu, double *w, smpf_error_t *err);

/* Matrix helpers (n x n, row-major) on the workspace. */
void ad_mul(size_t n, const double *a, const double *b, double *out); /* out = a b */
/* b = a^-1 b (a is destroyed). */
int ad_solve(smpf_ad_t *ws, double *a, double *b, smpf_error_t *err);
/* The same two in 2-double registers on any machine (ad_mul and ad_solve take 4-double
 * ones on AVX2 machines, with the same results to the last bit: tests/test_optics_ad.c). */
void ad_mul_portable(size_t n, const double *a, const double *b, double *out);
int ad_solve_portable(smpf_ad_t *ws, double *a, double *b, smpf_error_t *err);
void ad_identity(size_t n, double *a);
void ad_identity_minus(size_t n, double *a); /* a = I - a */

/* Reflection (R) and transmission (T) of one homogeneous layer (symmetric up/down). */
int ad_layer(smpf_ad_t *ws, const smpf_layer_t *layer, double *R, double *T, smpf_error_t *err);

#endif
