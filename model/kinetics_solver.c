/* Exact propagation of the compartment model over an interval of constant rates
 * (see kinetics_internal.h for the derivation). */
#include "kinetics_internal.h"

#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>

int smpf_kin_block_init(smpf_kin_block_t *b, double k_cap, double k_rel, double k_fib,
                        double k_xrel, double k_lymph, gsl_eigen_symmv_workspace *ws,
                        smpf_error_t *err)
{
    if (!(k_cap > 0 && k_rel > 0 && k_fib > 0 && k_xrel > 0 && k_lymph >= 0) ||
        !isfinite(k_cap + k_rel + k_fib + k_xrel + k_lymph))
        return smpf_error_set(err, SMPF_ERR_USAGE,
                              "kinetics: exchange rates must be > 0 and drainage >= 0 "
                              "(k_cap %g, k_rel %g, k_fib %g, k_xrel %g, k_lymph %g per day)",
                              k_cap, k_rel, k_fib, k_xrel, k_lymph);
    const double s[3] = {1.0, sqrt(k_rel / k_cap), sqrt(k_xrel / k_fib)};
    double sym[9] = {-(k_cap + k_lymph + k_fib), sqrt(k_cap * k_rel), sqrt(k_fib * k_xrel),
                     sqrt(k_cap * k_rel),        -k_rel,              0.0,
                     sqrt(k_fib * k_xrel),       0.0,                 -k_xrel};
    double eval[3], evec[9];
    gsl_matrix_view A = gsl_matrix_view_array(sym, 3, 3);
    gsl_vector_view L = gsl_vector_view_array(eval, 3);
    gsl_matrix_view Q = gsl_matrix_view_array(evec, 3, 3);
    int status = gsl_eigen_symmv(&A.matrix, &L.vector, &Q.matrix, ws);
    if (status != GSL_SUCCESS)
        return smpf_error_set(err, SMPF_ERR_NUMERIC, "kinetics: eigen-decomposition: %s",
                              gsl_strerror(status));
    b->k_lymph = k_lymph;
    for (int i = 0; i < 3; i++) {
        b->lambda[i] = eval[i];
        for (int j = 0; j < 3; j++) {
            b->left[i][j] = evec[3 * i + j] / s[i];
            b->right[j][i] = evec[3 * i + j] * s[i];
        }
    }
    return SMPF_OK;
}

void smpf_kin_factors(const smpf_kin_block_t *b, double k_epi, double k_uv, double k_bio,
                      double dt_days, smpf_kin_factors_t *out)
{
    const double kappa = k_uv + k_bio;
    const double mu_e = -(k_epi + kappa);
    const double em_e = expm1(mu_e * dt_days);
    out->e_keep = 1.0 + em_e;
    out->e_integral = smpf_kin_phi(em_e, mu_e, dt_days);
    for (int i = 0; i < 3; i++) {
        const double mu = b->lambda[i] - kappa; /* every mode shifted by -kappa */
        const double em = expm1(mu * dt_days);
        out->keep[i] = 1.0 + em;
        out->integral[i] = smpf_kin_phi(em, mu, dt_days);
    }
}

void smpf_kin_block_expm1(const smpf_kin_block_t *b, double k_epi, double dt_days,
                          smpf_kin_block_expm1_t *out)
{
    out->dt_days = dt_days;
    out->k_epi = k_epi;
    out->em_epi = expm1(-k_epi * dt_days);
    for (int i = 0; i < 3; i++)
        out->em_mode[i] = expm1(b->lambda[i] * dt_days);
}

void smpf_kin_block_step(const smpf_kin_block_t *b, double k_epi, double k_uv, double k_bio,
                         double dt_days, double x[SMPF_KC_COUNT])
{
    smpf_kin_factors_t f;
    smpf_kin_factors(b, k_epi, k_uv, k_bio, dt_days, &f);
    smpf_kin_apply(b, &f, k_epi, k_uv, k_bio, x);
}

void smpf_kin_propagator(const smpf_kin_block_t *b, double k_epi, double k_uv, double k_bio,
                         double dt_days, smpf_kin_propagator_t *out)
{
    smpf_kin_factors_t f;
    smpf_kin_factors(b, k_epi, k_uv, k_bio, dt_days, &f);
    smpf_kin_propagator_of(b, &f, k_epi, k_uv, k_bio, out);
}

void smpf_kin_propagator_of(const smpf_kin_block_t *b, const smpf_kin_factors_t *fp, double k_epi,
                            double k_uv, double k_bio, smpf_kin_propagator_t *out)
{
    const smpf_kin_factors_t f = *fp;
    out->e_keep = f.e_keep;
    out->s_e = k_epi * f.e_integral;
    out->loss_e = f.e_integral;
    out->k_uv = k_uv;
    out->k_bio = k_bio;
    /* left diag(keep) right and left diag(integral) right, as smpf_kin_apply's steps */
    double integral[3][3];
    for (int r = 0; r < 3; r++)
        for (int j = 0; j < 3; j++) {
            double d = 0, in = 0;
            for (int i = 0; i < 3; i++) {
                d += b->left[r][i] * f.keep[i] * b->right[i][j];
                in += b->left[r][i] * f.integral[i] * b->right[i][j];
            }
            out->dermal[r][j] = d;
            integral[r][j] = in;
        }
    for (int j = 0; j < 3; j++) {
        out->lymph[j] = b->k_lymph * integral[0][j];
        out->loss[j] = integral[0][j] + integral[1][j] + integral[2][j];
    }
}
