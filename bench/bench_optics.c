/* Optics benchmark: a full 380-780 nm spectrum of a 4-layer skin (epidermis, dermis above
 * the pigment, carbon-black pigment layer, semi-infinite dermis) by adding-doubling, and
 * what the Monte Carlo solver needs for the same precision.  Figures are printed, not
 * asserted.  Run from the repository root (reads datasets/). */
#include "smpfade.h"

#include <math.h>
#include <stdio.h>
#include <time.h>

/* CPU time of this thread: the machine is shared, and wall time would count the others. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int fail(const smpf_error_t *err)
{
    fprintf(stderr, "bench_optics: %s\n", err->message);
    return 1;
}

/* Seconds per spectrum of the dot (4 layers) by adding-doubling with q points, the best of
 * repeated runs over at least 1 s of CPU time; R out. */
static int time_ad(size_t q, const smpf_tissue_t *t, const smpf_skin_t *skin,
                   const smpf_pigment_profile_t *pr, double R[SMPF_NWL], double *sec,
                   smpf_error_t *err)
{
    smpf_ad_t *ws;
    int st = smpf_ad_new(q, &ws, err);
    if (st != SMPF_OK)
        return st;
    int reps = 0;
    double start = now_s(), best = INFINITY;
    while (st == SMPF_OK && (now_s() - start < 1.0 || reps < 5)) {
        double t0 = now_s();
        st = smpf_tissue_reflectance(ws, t, skin, pr, R, NULL, err);
        best = fmin(best, now_s() - t0);
        reps++;
    }
    *sec = best;
    smpf_ad_free(ws);
    return st;
}

int main(void)
{
    smpf_error_t err = {0};
    smpf_tissue_t *t = NULL;
    smpf_pigments_t *p = NULL;
    if (smpf_tissue_load("datasets", &t, &err) != SMPF_OK ||
        smpf_pigments_load("datasets", &p, &err) != SMPF_OK)
        return fail(&err);
    smpf_skin_t skin;
    smpf_pigment_profile_t pr;
    const smpf_ink_t *ink = smpf_pigments_find_ink(p, "smp_carbon");
    if (!ink || smpf_tissue_skin(t, 2, &skin, &err) != SMPF_OK ||
        smpf_pigment_profile_ink(p, ink, 0.5, 0.1, 0.01, &pr, &err) != SMPF_OK)
        return ink ? fail(&err) : 1;
    printf("skin type 2, smp_carbon, volume fraction 0.01, layer 0.1 mm centred at 0.5 mm\n");

    double R_ref[SMPF_NWL], R[SMPF_NWL], sec_ref, sec;
    if (time_ad(32, t, &skin, &pr, R_ref, &sec_ref, &err) != SMPF_OK)
        return fail(&err);
    size_t qs[] = {4, 8, 16, 32};
    double ad_err_default = 0, ad_sec_default = 0;
    printf("adding-doubling, 81 wavelengths:\n  quad_points  ms/spectrum  max|R - R(32)|\n");
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
        if (time_ad(qs[k], t, &skin, &pr, R, &sec, &err) != SMPF_OK)
            return fail(&err);
        double worst = 0;
        for (size_t i = 0; i < SMPF_NWL; i++)
            worst = fmax(worst, fabs(R[i] - R_ref[i]));
        printf("  %11zu  %11.3f  %.2e\n", qs[k], 1e3 * sec, worst);
        if (qs[k] == SMPF_AD_SKIN_QUAD_POINTS) {
            ad_err_default = worst;
            ad_sec_default = sec;
        }
    }

    /* Monte Carlo at three wavelengths; photons for a standard error equal to the
     * adding-doubling error at the default quadrature, extrapolated as 1/sqrt(P). */
    const size_t wl_index[] = {14, 34, 54}; /* 450, 550, 650 nm */
    const uint64_t photons = 20000;
    double mc_sec_spectrum = 0;
    double target = fmax(ad_err_default, 1e-5);
    printf("Monte Carlo, %llu photons per wavelength (target standard error %.1e):\n"
           "  wavelength_nm  Rd_mc    se       Rd_ad    s/run   s for target\n",
           (unsigned long long)photons, target);
    for (size_t k = 0; k < 3; k++) {
        smpf_layer_t layers[SMPF_TISSUE_MAX_LAYERS];
        size_t n;
        if (smpf_tissue_stack(t, &skin, &pr, wl_index[k], layers, &n, &err) != SMPF_OK)
            return fail(&err);
        smpf_stack_t stack = {layers, n, smpf_tissue_refractive_index(t), 1.0,
                              smpf_tissue_refractive_index(t)};
        smpf_mc_result_t mc;
        double t0 = now_s();
        if (smpf_mc_solve(&stack, photons, 1, &mc, &err) != SMPF_OK)
            return fail(&err);
        double s = now_s() - t0, need = s * (mc.Rd_se / target) * (mc.Rd_se / target);
        mc_sec_spectrum += need * SMPF_NWL / 3.0;
        printf("  %13.0f  %.5f  %.5f  %.5f  %6.3f  %9.1f\n", smpf_wavelength_nm(wl_index[k]),
               mc.Rd, mc.Rd_se, R_ref[wl_index[k]], s, need);
    }
    printf("full spectrum: adding-doubling %.3f ms (quad_points %d), Monte Carlo ~%.0f s at the "
           "same precision; ratio ~%.1e\n",
           1e3 * ad_sec_default, SMPF_AD_SKIN_QUAD_POINTS, mc_sec_spectrum,
           mc_sec_spectrum / ad_sec_default);
    smpf_pigments_free(p);
    smpf_tissue_free(t);
    return 0;
}
