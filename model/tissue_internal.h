/* Internal: the loaded tissue data. */
#ifndef SMPF_TISSUE_INTERNAL_H
#define SMPF_TISSUE_INTERNAL_H

#include "smpfade.h"

#define TISSUE_NTYPES 6

struct smpf_tissue {
    smpf_skin_dist_t skin[TISSUE_NTYPES];
    smpf_pigment_layer_dist_t pigment_layer;
    double n, g;
    /* on the model grid, mm^-1 */
    double mua_melanin[SMPF_NWL];   /* per unit melanosome volume fraction */
    double mua_baseline[SMPF_NWL];  /* bloodless tissue */
    double mua_oxy[SMPF_NWL], mua_deoxy[SMPF_NWL]; /* whole blood, fully (de)oxygenated */
    double musp_epidermis[SMPF_NWL], musp_dermis[SMPF_NWL];
};

#endif
