/* Writes synthetic_smp_fraction.csv: SYNTHETIC data (not measured) for tests, docs and
 * notebooks: the fraction of pigment remaining from the library's own kinetic model (the
 * `smp` fit model's quantity "fraction") with Gaussian noise.
 *
 * Model: ink smp_carbon, default client (50 N, 2 h outdoors a day, no sunscreen, shaved
 * scalp), the default schedule (three sessions 14 days apart, 30/70/100 % density) from
 * day 121 (1 May), 10 sublayers, every parameter at its datasets/kinetics_params.csv median
 * except lymph_healed_ratio = 0.04 and k_lymph0_per_day = 0.2 (illustrative values, not
 * measurements).  t_days from the first session.  Noise: sd 0.01 from GSL's mt19937 seeded
 * with 20261122 (gsl_ran_gaussian).
 *
 * Usage (from the repository root, after `make`): datasets/research/synthetic_smp_fraction.sh */
#include "smpfade.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>

#define SEED 20261122UL
#define NOISE_SD 0.01
#define TRUE_LYMPH_HEALED_RATIO 0.04
#define TRUE_K_LYMPH0_PER_DAY 0.2

static const double T_DAYS[] = {0,   3,   7,   10,  14,  21,   28,   42,  56,
                                90,  180, 365, 545, 730, 1095, 1460, 1825};
#define NT (sizeof T_DAYS / sizeof T_DAYS[0])

int main(void)
{
    smpf_error_t err = {0};
    smpf_kin_params_t p;
    smpf_pigments_t *cat = NULL;
    smpf_kin_ink_t ink;
    smpf_client_t client;
    smpf_kin_schedule_t schedule;
    smpf_fit_smp_t *model = NULL;
    int rc = smpf_kin_params_load("datasets/kinetics_params.csv", &p, &err);
    if (rc == SMPF_OK)
        rc = smpf_kin_params_set(&p, "lymph_healed_ratio", TRUE_LYMPH_HEALED_RATIO, &err);
    if (rc == SMPF_OK)
        rc = smpf_kin_params_set(&p, "k_lymph0_per_day", TRUE_K_LYMPH0_PER_DAY, &err);
    if (rc == SMPF_OK)
        rc = smpf_pigments_load("datasets", &cat, &err);
    if (rc == SMPF_OK)
        rc = smpf_kin_ink_from_catalogue(cat, "smp_carbon", &ink, &err);
    smpf_client_default(&client);
    smpf_kin_schedule_default(&p, 121, &schedule);
    smpf_fit_smp_config_t cfg = {.params = &p, .ink = &ink, .client = &client,
                                 .schedule = &schedule, .nsublayers = 10};
    if (rc == SMPF_OK)
        rc = smpf_fit_smp_new(&cfg, &model, &err);
    double par[128], q[NT], ones[NT];
    for (size_t i = 0; i < NT; i++)
        ones[i] = 1.0;
    const smpf_fit_model_t *m = rc == SMPF_OK ? smpf_fit_smp_model(model) : NULL;
    if (rc == SMPF_OK)
        rc = m->start(m->user, T_DAYS, ones, NT, par, &err); /* the configured values */
    par[0] = 1.0;                                            /* y0 */
    if (rc == SMPF_OK)
        rc = m->eval(m->user, 0, par, T_DAYS, NT, q, &err);
    if (rc != SMPF_OK) {
        fprintf(stderr, "synthetic_smp_fraction: %s\n", err.message);
        return 1;
    }
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, SEED);
    printf("# SYNTHETIC data (not measured), written by datasets/research/synthetic_smp_fraction.c\n"
           "# (run by synthetic_smp_fraction.sh): fraction of pigment remaining from smpfade's own\n"
           "# kinetic model, ink smp_carbon, default client (50 N, 2 h/day outdoors), three\n"
           "# sessions 14 days apart from day 121, parameters at their medians except\n"
           "# lymph_healed_ratio = %g and k_lymph0_per_day = %g; t_days from the first session;\n"
           "# plus Gaussian noise sd %g (GSL mt19937, seed %lu).  Illustrative, not measured.\n",
           TRUE_LYMPH_HEALED_RATIO, TRUE_K_LYMPH0_PER_DAY, NOISE_SD, SEED);
    printf("t_days,value,sigma,source\n");
    for (size_t i = 0; i < NT; i++)
        printf("%g,%.4f,%g,synthetic (seed %lu)\n", T_DAYS[i],
               q[i] + gsl_ran_gaussian(rng, NOISE_SD), NOISE_SD, SEED);
    gsl_rng_free(rng);
    smpf_fit_smp_free(model);
    smpf_pigments_free(cat);
    return 0;
}
