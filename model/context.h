/* Internal: the layout of the shared context, for the library's own modules. */
#ifndef SMPF_CONTEXT_H
#define SMPF_CONTEXT_H

#include "smpfade.h"

#include <lcms2.h>

struct smpf_context {
    char *cie_dir;
    /* 100 S(λ) x̄(λ) / Σ S ȳ on the model grid, so that X = Σ R·weight_x. */
    double weight_x[SMPF_NWL], weight_y[SMPF_NWL], weight_z[SMPF_NWL];
    smpf_xyz_t white;
    cmsContext lcms;
    cmsHTRANSFORM to_srgb; /* XYZ (D50, Y = 1) -> sRGB doubles */
};

#endif
