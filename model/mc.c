/* Monte Carlo light transport in a layered slab, after MCML (Wang, Jacques & Zheng 1995
 * Comput Methods Programs Biomed 47:131): photon packets launched at normal incidence
 * with weight 1 - Rsp, exponential free paths, a fraction mua/mut of the weight absorbed
 * at each interaction, Henyey-Greenstein scattering, Russian roulette, and at the outer
 * surfaces Fresnel reflection or escape chosen at random.  Interfaces between layers
 * (one refractive index inside) only change the coefficients; a fresh free path is drawn
 * after each crossing, which the memoryless exponential law allows. */
#include "smpfade.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>

#define MC_ROULETTE_WEIGHT 1e-4
#define MC_ROULETTE_SURVIVAL 0.1

typedef struct {
    double z, ux, uy, uz, w;
    size_t layer;
} photon_t;

typedef struct {
    const smpf_stack_t *s;
    double *z_top; /* depth of the top of each layer, mm; z_top[nlayers] = bottom */
    gsl_rng *rng;
} mc_run_t;

/* (0, 1]: never 0, so that log() is finite. */
static double uniform_pos(gsl_rng *r) { return 1.0 - gsl_rng_uniform(r); }

/* New direction after scattering by angle theta (HG) and uniform azimuth (MCML eq 3.x). */
static void scatter(photon_t *p, double g, gsl_rng *r)
{
    double ct;
    if (fabs(g) < 1e-6) {
        ct = 2 * gsl_rng_uniform(r) - 1;
    } else {
        double t = (1 - g * g) / (1 - g + 2 * g * gsl_rng_uniform(r));
        ct = (1 + g * g - t * t) / (2 * g);
    }
    ct = fmax(-1.0, fmin(1.0, ct));
    double st = sqrt(1 - ct * ct), phi = 2 * M_PI * gsl_rng_uniform(r);
    double cp = cos(phi), sp = sin(phi);
    double ux = p->ux, uy = p->uy, uz = p->uz;
    if (fabs(uz) > 0.99999) {
        p->ux = st * cp;
        p->uy = st * sp;
        p->uz = uz > 0 ? ct : -ct;
    } else {
        double tmp = sqrt(1 - uz * uz);
        p->ux = st * (ux * uz * cp - uy * sp) / tmp + ux * ct;
        p->uy = st * (uy * uz * cp + ux * sp) / tmp + uy * ct;
        p->uz = -st * cp * tmp + uz * ct;
    }
}

/* At the top (up == 1) or bottom of the current layer: cross into the next layer, or at
 * an outer surface reflect or escape.  Returns 1 when the photon left the slab. */
static int boundary(mc_run_t *run, photon_t *p, int up, double *r_out, double *t_out)
{
    const smpf_stack_t *s = run->s;
    int outer = up ? p->layer == 0 : p->layer + 1 == s->nlayers;
    if (!outer) {
        p->layer = up ? p->layer - 1 : p->layer + 1;
        return 0;
    }
    double n_out = up ? s->n_above : s->n_below;
    if (gsl_rng_uniform(run->rng) < smpf_fresnel(s->n_slab, n_out, fabs(p->uz))) {
        p->uz = -p->uz;
        return 0;
    }
    *(up ? r_out : t_out) += p->w;
    return 1;
}

/* One packet; adds its escaping and absorbed weight to r, t, a. */
static void trace(mc_run_t *run, photon_t *p, double *r, double *t, double *a)
{
    const smpf_stack_t *s = run->s;
    for (;;) {
        const smpf_layer_t *l = s->layers + p->layer;
        double mut = l->mua_per_mm + l->mus_per_mm;
        double step = mut > 0 ? -log(uniform_pos(run->rng)) / mut : INFINITY;
        double to_edge = p->uz > 0   ? (run->z_top[p->layer + 1] - p->z) / p->uz
                         : p->uz < 0 ? (run->z_top[p->layer] - p->z) / p->uz
                                     : INFINITY;
        if (step >= to_edge) {
            int up = p->uz < 0;
            p->z = run->z_top[p->layer + (up ? 0 : 1)];
            if (boundary(run, p, up, r, t))
                return;
            continue;
        }
        p->z += step * p->uz;
        double dw = p->w * l->mua_per_mm / mut;
        *a += dw;
        p->w -= dw;
        scatter(p, l->g, run->rng);
        if (p->w < MC_ROULETTE_WEIGHT) {
            if (p->w <= 0 || gsl_rng_uniform(run->rng) >= MC_ROULETTE_SURVIVAL)
                return;
            p->w /= MC_ROULETTE_SURVIVAL;
        }
    }
}

static double std_error(double sum, double sum2, double n)
{
    double mean = sum / n, var = (sum2 / n - mean * mean) * n / (n - 1);
    return var > 0 ? sqrt(var / n) : 0.0;
}

int smpf_mc_solve(const smpf_stack_t *stack, uint64_t photons, unsigned long seed,
                  smpf_mc_result_t *out, smpf_error_t *err)
{
    int st = smpf_stack_check(stack, err);
    if (st != SMPF_OK)
        return st;
    if (photons < 2)
        return smpf_error_set(err, SMPF_ERR_USAGE, "Monte Carlo needs at least 2 photons");
    for (size_t i = 0; i < stack->nlayers; i++)
        if (isinf(stack->layers[i].thickness_mm) && !(stack->layers[i].mua_per_mm > 0))
            return smpf_error_set(err, SMPF_ERR_USAGE,
                                  "layer %zu: Monte Carlo needs mua_per_mm > 0 in a "
                                  "semi-infinite layer",
                                  i + 1);
    mc_run_t run = {stack, calloc(stack->nlayers + 1, sizeof(double)), gsl_rng_alloc(gsl_rng_mt19937)};
    if (!run.z_top || !run.rng) {
        free(run.z_top);
        gsl_rng_free(run.rng);
        return smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    }
    gsl_rng_set(run.rng, seed);
    for (size_t i = 0; i < stack->nlayers; i++)
        run.z_top[i + 1] = run.z_top[i] + stack->layers[i].thickness_mm;
    double rsp = smpf_fresnel(stack->n_above, stack->n_slab, 1.0);
    double sr = 0, sr2 = 0, stt = 0, st2 = 0, sa = 0, sa2 = 0;
    for (uint64_t k = 0; k < photons; k++) {
        photon_t p = {0, 0, 0, 1, 1 - rsp, 0};
        double r = 0, t = 0, a = 0;
        trace(&run, &p, &r, &t, &a);
        sr += r;
        sr2 += r * r;
        stt += t;
        st2 += t * t;
        sa += a;
        sa2 += a * a;
    }
    double n = (double)photons;
    *out = (smpf_mc_result_t){sr / n, stt / n, sa / n, rsp, std_error(sr, sr2, n),
                              std_error(stt, st2, n), std_error(sa, sa2, n), photons};
    free(run.z_top);
    gsl_rng_free(run.rng);
    return SMPF_OK;
}
