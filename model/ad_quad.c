/* Angular quadrature for adding-doubling, and the Fresnel reflectance.
 *
 * The collimated beam at normal incidence must travel along a quadrature direction, so
 * the upper interval uses Gauss-Radau points with mu = 1 fixed.  Below the critical angle
 * of a mismatched surface the Fresnel reflectance jumps to 1; Prahl (1995, "The adding-
 * doubling method", in Welch & van Gemert, Optical-Thermal Response of Laser-Irradiated
 * Tissue) therefore splits the quadrature there: Gauss-Legendre on (0, mu_c) and
 * Gauss-Radau on (mu_c, 1]. */
#include "ad_internal.h"

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_linalg.h>
#include <math.h>

double smpf_fresnel(double n_from, double n_to, double mu_from)
{
    if (mu_from > 1)
        mu_from = 1;
    double sin_t = n_from / n_to * sqrt(fmax(0.0, 1 - mu_from * mu_from));
    if (sin_t >= 1)
        return 1.0;
    double mu_to = sqrt(1 - sin_t * sin_t);
    double rs = (n_from * mu_from - n_to * mu_to) / (n_from * mu_from + n_to * mu_to);
    double rp = (n_from * mu_to - n_to * mu_from) / (n_from * mu_to + n_to * mu_from);
    return 0.5 * (rs * rs + rp * rp);
}

/* m Gauss-Radau points on [-1, 1] with the node +1 fixed (Golub 1973, SIAM Rev 15:318):
 * the Jacobi matrix of the Legendre polynomials with its last diagonal element changed so
 * that +1 is an eigenvalue; nodes are its eigenvalues, weights 2 v_0^2. */
static int radau(size_t m, double *x, double *wt, smpf_error_t *err)
{
    double beta[AD_MAX_QUAD], diag[AD_MAX_QUAD], rhs[AD_MAX_QUAD], delta[AD_MAX_QUAD];
    for (size_t k = 1; k < m; k++)
        beta[k] = (double)k / sqrt(4.0 * (double)(k * k) - 1.0);
    /* (J_{m-1} - I) delta = beta_{m-1}^2 e_{m-1}; alpha_m = 1 + delta_{m-1}. */
    size_t p = m - 1;
    for (size_t i = 0; i < p; i++) {
        diag[i] = -1.0;
        rhs[i] = i + 1 == p ? beta[m - 1] * beta[m - 1] : 0.0;
    }
    double alpha_last = 1.0;
    if (p == 1) {
        alpha_last += rhs[0] / diag[0];
    } else if (p > 1) {
        gsl_vector_view d = gsl_vector_view_array(diag, p), e = gsl_vector_view_array(beta + 1, p - 1);
        gsl_vector_view b = gsl_vector_view_array(rhs, p), s = gsl_vector_view_array(delta, p);
        if (gsl_linalg_solve_symm_tridiag(&d.vector, &e.vector, &b.vector, &s.vector) != GSL_SUCCESS)
            return smpf_error_set(err, SMPF_ERR_NUMERIC, "Gauss-Radau quadrature: singular system");
        alpha_last += delta[p - 1];
    }
    gsl_matrix *J = gsl_matrix_calloc(m, m), *V = gsl_matrix_alloc(m, m);
    gsl_vector *eval = gsl_vector_alloc(m);
    gsl_eigen_symmv_workspace *ew = gsl_eigen_symmv_alloc(m);
    int st = SMPF_OK;
    if (!J || !V || !eval || !ew) {
        st = smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t k = 1; k < m; k++) {
        gsl_matrix_set(J, k - 1, k, beta[k]);
        gsl_matrix_set(J, k, k - 1, beta[k]);
    }
    gsl_matrix_set(J, m - 1, m - 1, alpha_last);
    if (gsl_eigen_symmv(J, eval, V, ew) != GSL_SUCCESS ||
        gsl_eigen_symmv_sort(eval, V, GSL_EIGEN_SORT_VAL_ASC) != GSL_SUCCESS) {
        st = smpf_error_set(err, SMPF_ERR_NUMERIC, "Gauss-Radau quadrature: eigensolver failed");
        goto done;
    }
    for (size_t i = 0; i < m; i++) {
        double v0 = gsl_matrix_get(V, 0, i);
        x[i] = gsl_vector_get(eval, i);
        wt[i] = 2.0 * v0 * v0;
    }
    x[m - 1] = 1.0; /* exact up to rounding; make the normal direction exactly 1 */
done:
    gsl_matrix_free(J);
    gsl_matrix_free(V);
    gsl_vector_free(eval);
    gsl_eigen_symmv_free(ew);
    return st;
}

/* Radau points mapped from [-1, 1] onto (a, 1]; weights scaled to the interval. */
static int radau_on(size_t m, double a, double *mu, double *w, smpf_error_t *err)
{
    double x[AD_MAX_QUAD], wt[AD_MAX_QUAD];
    int st = radau(m, x, wt, err);
    if (st != SMPF_OK)
        return st;
    for (size_t i = 0; i < m; i++) {
        mu[i] = i + 1 == m ? 1.0 : a + (1 - a) * (x[i] + 1) / 2;
        w[i] = (1 - a) * wt[i] / 2;
    }
    return SMPF_OK;
}

int ad_quadrature(size_t n, double mu_crit, double *mu, double *w, smpf_error_t *err)
{
    if (!(mu_crit > 0))
        return radau_on(n, 0.0, mu, w, err);
    size_t ng = n / 2;
    gsl_integration_glfixed_table *t = gsl_integration_glfixed_table_alloc(ng);
    if (!t)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < ng; i++)
        if (gsl_integration_glfixed_point(0.0, mu_crit, i, mu + i, w + i, t) != GSL_SUCCESS) {
            gsl_integration_glfixed_table_free(t);
            return smpf_error_set(err, SMPF_ERR_NUMERIC, "Gauss-Legendre quadrature failed");
        }
    gsl_integration_glfixed_table_free(t);
    return radau_on(n - ng, mu_crit, mu + ng, w + ng, err);
}
