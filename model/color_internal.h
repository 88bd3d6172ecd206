/* Internal to the colour code: CIELAB's f(t) per channel, for callers that combine the
 * values of several colours (the cast, model/cast.c), and the small formulas every
 * month's colour uses, inline. */
#ifndef SMPF_COLOR_INTERNAL_H
#define SMPF_COLOR_INTERNAL_H

#include "atan_internal.h"
#include "cbrt_internal.h"
#include "smpfade.h"

#include <math.h>

#define SMPF_LAB_F_LIMIT ((24.0 / 116.0) * (24.0 / 116.0) * (24.0 / 116.0))

/* f(t): the cube root above SMPF_LAB_F_LIMIT, the linear segment below (CIE 15:2004
 * §8.2.1, the same arithmetic as Little CMS's cmsXYZ2Lab with a cube root for its
 * pow(t, 1/3); tests/test_color.c compares the two).  Inline: every month's colour; the
 * cube root inline too (model/cbrt_internal.h: < 0.667 ulp; glibc 2.36's cbrt errs by
 * up to 3.2 ulp, tests/test_cbrt.c). */
static inline double smpf_lab_f(double t)
{
    return t <= SMPF_LAB_F_LIMIT ? (841.0 / 108.0) * t + (16.0 / 116.0) : smpf_cbrt_pos(t);
}
/* f(t) from f_ref = f(t_ref) when t is within 5 % of t_ref (a series, no cube root;
 * relative error < 5e-10), else f(t) itself. */
double smpf_lab_f_near(double t, double t_ref, double f_ref);
/* L*a*b* from f(X/Xn), f(Y/Yn), f(Z/Zn). */
static inline smpf_lab_t smpf_lab_from_f(const double f[3])
{
    return (smpf_lab_t){116.0 * f[1] - 16.0, 500.0 * (f[0] - f[1]), 200.0 * (f[1] - f[2])};
}
/* The hue angle h_ab in degrees, [0, 360), and the chroma C*ab of (a*, b*): what
 * smpf_color_hue_deg and smpf_color_chroma return, inline for the months' casts (atan2:
 * atan_internal.h). */
static inline double smpf_lab_hue_deg(double a, double b)
{
    const double h = smpf_atan2(b, a) * 180.0 / M_PI;
    return h < 0 ? h + 360.0 : h;
}
static inline double smpf_lab_chroma(double a, double b) { return sqrt(a * a + b * b); }
/* smpf_color_hue_diff_deg, inline for the months' hue shifts. */
static inline double smpf_hue_diff_deg(double a_deg, double b_deg)
{
    double d = b_deg - a_deg; /* hues in [0, 360]: no fmod (which returns d itself) */
    if (!(fabs(d) < 360.0))
        d = fmod(d, 360.0);
    if (d <= -180.0)
        d += 360.0;
    else if (d > 180.0)
        d -= 360.0;
    return d;
}

/* An upper bound of CIEDE2000(x, y) from the CIELAB differences alone (no hue angles):
 * sqrt(ΔL*² + (1 + √3/2)((1.5 Δa*)² + Δb*²)). */
double smpf_color_de00_bound(smpf_lab_t x, smpf_lab_t y);
/* A tighter upper bound of CIEDE2000(x, y): S_L, G and bounds of S_C, S_H and R_T from the
 * chromas (about half a CIEDE2000's work; model/color.c). */
double smpf_color_de00_bound_weighted(smpf_lab_t x, smpf_lab_t y);

/* The skin's side of a cast (model/cast.c), for many dots against one skin. */
typedef struct {
    smpf_xyz_t xyz;
    smpf_lab_t lab;
    double f[3];      /* f(X/Xn), f(Y/Yn), f(Z/Zn) */
    int cube_root[3]; /* X/Xn, Y/Yn, Z/Zn > SMPF_LAB_F_LIMIT: f is on the cube-root branch */
} smpf_cast_skin_t;
void smpf_cast_skin(const smpf_context_t *ctx, smpf_xyz_t skin, smpf_cast_skin_t *out);
/* smpf_cast_xyz against a prepared skin, without the dot-skin ΔE00 (out->de00 is NaN):
 * a projection's months need the cast and ΔL*, not that difference.  dot_f: the dot's
 * f(X/Xn), f(Y/Yn), f(Z/Zn) when the caller has them, else NULL. */
void smpf_cast_against(const smpf_context_t *ctx, smpf_xyz_t dot, const double *dot_f,
                       const smpf_cast_skin_t *skin, smpf_cast_t *out);
/* smpf_cast_against without the cast's hue, chroma and ratio (NaN; the months' come from
 * smpf_color_lanes). */
void smpf_cast_lab_against(const smpf_context_t *ctx, smpf_xyz_t dot, const double *dot_f,
                           const smpf_cast_skin_t *skin, smpf_cast_t *out);

/* The colour figures of many months against one healed dot (model/color_lanes.c), four
 * at a time: each equal, bit for bit, to what smpf_color_de00(dot, ref), smpf_lab_hue_deg,
 * smpf_lab_chroma, the cast ratio and smpf_hue_diff_deg(ref_cast_hue_deg, hue) give. */
#define SMPF_COLOR_LANES 4
typedef struct {
    double L[SMPF_COLOR_LANES], a[SMPF_COLOR_LANES], b[SMPF_COLOR_LANES]; /* the dots */
    double cast_L[SMPF_COLOR_LANES], cast_a[SMPF_COLOR_LANES], cast_b[SMPF_COLOR_LANES];
} smpf_color_lanes_in_t;
typedef struct {
    double de00[SMPF_COLOR_LANES]; /* from ref */
    double cast_hue_deg[SMPF_COLOR_LANES], cast_chroma[SMPF_COLOR_LANES];
    double cast_ratio[SMPF_COLOR_LANES], hue_shift_deg[SMPF_COLOR_LANES];
} smpf_color_lanes_out_t;
void smpf_color_lanes(const smpf_color_lanes_in_t *in, smpf_lab_t ref, double ref_cast_hue_deg,
                      smpf_color_lanes_out_t *out);
#endif
