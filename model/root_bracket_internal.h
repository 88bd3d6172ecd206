/* Internal: a root finder for a bracketed crossing that knows its tolerance. */
#ifndef SMPF_ROOT_BRACKET_INTERNAL_H
#define SMPF_ROOT_BRACKET_INTERNAL_H

/* A point of the function: where, and its value there. */
typedef struct {
    double t;
    double f;
} root_knot_t;

/* The function; NaN stops the search (the caller keeps the reason). */
typedef double (*root_fn_t)(double t, void *ctx);

enum { ROOT_OK = 0, ROOT_FN_FAILED = -1, ROOT_NO_CONVERGENCE = -2 };

/* A crossing of f from above zero at lo.t (lo.f > 0) to zero or below at hi.t (hi.f <= 0),
 * lo.t < hi.t: brackets it to narrower than tol and returns in *root the secant estimate
 * inside that bracket, so |*root - true crossing| < tol.  `third`, if not NULL, is another
 * point already known (e.g. one before lo.t) that sharpens the first estimate.  *nevals
 * (may be NULL) counts the calls of f.  Returns ROOT_OK, ROOT_FN_FAILED when f returned
 * NaN, or ROOT_NO_CONVERGENCE when tol is below the resolution of t (else the bracket at
 * least halves every third step). */
int root_bracket(root_fn_t f, void *ctx, root_knot_t lo, root_knot_t hi,
                 const root_knot_t *third, double tol, double *root, int *nevals);

#endif
