/* Internal to the colour code: CIELAB's f(t) per channel, for callers that combine the
 * values of several colours (the cast, model/cast.c). */
#ifndef SMPF_COLOR_INTERNAL_H
#define SMPF_COLOR_INTERNAL_H

#include "smpfade.h"

#define SMPF_LAB_F_LIMIT ((24.0 / 116.0) * (24.0 / 116.0) * (24.0 / 116.0))

/* f(t): the cube root above SMPF_LAB_F_LIMIT, the linear segment below. */
double smpf_lab_f(double t);
/* L*a*b* from f(X/Xn), f(Y/Yn), f(Z/Zn). */
smpf_lab_t smpf_lab_from_f(const double f[3]);

#endif
