/* The model's wavelength grid and the one resampling rule used for every spectrum. */
#include "smpfade.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_interp.h>
#include <math.h>

double smpf_wavelength_nm(size_t i) { return SMPF_WL_MIN_NM + SMPF_WL_STEP_NM * (double)i; }

int smpf_resample(const double *x_nm, const double *y, size_t n, double max_gap_nm,
                  double out[SMPF_NWL], smpf_error_t *err)
{
    if (n < 2)
        return smpf_error_set(err, SMPF_ERR_DATA, "a spectrum needs at least 2 samples, got %zu",
                              n);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x_nm[i]) || !isfinite(y[i]))
            return smpf_error_set(err, SMPF_ERR_DATA, "sample %zu of a spectrum is not finite",
                                  i + 1);
        if (i > 0 && !(x_nm[i] > x_nm[i - 1]))
            return smpf_error_set(err, SMPF_ERR_DATA,
                                  "wavelengths must increase strictly: %g nm follows %g nm",
                                  x_nm[i], x_nm[i - 1]);
    }
    const double grid_lo = smpf_wavelength_nm(0), grid_hi = smpf_wavelength_nm(SMPF_NWL - 1);
    if (x_nm[0] > grid_lo + max_gap_nm || x_nm[n - 1] < grid_hi - max_gap_nm)
        return smpf_error_set(err, SMPF_ERR_DATA,
                              "the spectrum covers %g-%g nm; it must reach to within %g nm of "
                              "%g-%g nm",
                              x_nm[0], x_nm[n - 1], max_gap_nm, grid_lo, grid_hi);
    gsl_interp *interp = gsl_interp_alloc(gsl_interp_linear, n);
    gsl_interp_accel *acc = gsl_interp_accel_alloc();
    if (!interp || !acc || gsl_interp_init(interp, x_nm, y, n) != GSL_SUCCESS) {
        gsl_interp_free(interp);
        gsl_interp_accel_free(acc);
        return smpf_error_set(err, SMPF_ERR_NOMEM, "cannot set up interpolation");
    }
    for (size_t i = 0; i < SMPF_NWL; i++) {
        double wl = smpf_wavelength_nm(i);
        if (wl <= x_nm[0])
            out[i] = y[0];
        else if (wl >= x_nm[n - 1])
            out[i] = y[n - 1];
        else
            out[i] = gsl_interp_eval(interp, x_nm, y, wl, acc);
    }
    gsl_interp_free(interp);
    gsl_interp_accel_free(acc);
    return SMPF_OK;
}
