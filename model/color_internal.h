/* Internal to the colour code: CIELAB's f(t) per channel, for callers that combine the
 * values of several colours (the cast, model/cast.c). */
#ifndef SMPF_COLOR_INTERNAL_H
#define SMPF_COLOR_INTERNAL_H

#include "smpfade.h"

#define SMPF_LAB_F_LIMIT ((24.0 / 116.0) * (24.0 / 116.0) * (24.0 / 116.0))

/* f(t): the cube root above SMPF_LAB_F_LIMIT, the linear segment below. */
double smpf_lab_f(double t);
/* f(t) from f_ref = f(t_ref) when t is within 5 % of t_ref (a series, no cube root;
 * relative error < 5e-10), else f(t) itself. */
double smpf_lab_f_near(double t, double t_ref, double f_ref);
/* L*a*b* from f(X/Xn), f(Y/Yn), f(Z/Zn). */
smpf_lab_t smpf_lab_from_f(const double f[3]);

/* An upper bound of CIEDE2000(x, y) from the CIELAB differences alone (no hue angles):
 * sqrt(ΔL*² + (1 + √3/2)((1.5 Δa*)² + Δb*²)). */
double smpf_color_de00_bound(smpf_lab_t x, smpf_lab_t y);

/* The skin's side of a cast (model/cast.c), for many dots against one skin. */
typedef struct {
    smpf_xyz_t xyz;
    smpf_lab_t lab;
    double f[3]; /* f(X/Xn), f(Y/Yn), f(Z/Zn) */
} smpf_cast_skin_t;
void smpf_cast_skin(const smpf_context_t *ctx, smpf_xyz_t skin, smpf_cast_skin_t *out);
/* smpf_cast_xyz against a prepared skin, without the dot-skin ΔE00 (out->de00 is NaN):
 * a projection's months need the cast and ΔL*, not that difference.  dot_f: the dot's
 * f(X/Xn), f(Y/Yn), f(Z/Zn) when the caller has them, else NULL. */
void smpf_cast_against(const smpf_context_t *ctx, smpf_xyz_t dot, const double *dot_f,
                       const smpf_cast_skin_t *skin, smpf_cast_t *out);

#endif
