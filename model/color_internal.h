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
/* f of three channels, the cube roots side by side when all three need one (the same
 * bits as smpf_lab_f channel by channel). */
static inline void smpf_lab_f3(const double t[3], double f[3])
{
    if (t[0] > SMPF_LAB_F_LIMIT && t[1] > SMPF_LAB_F_LIMIT && t[2] > SMPF_LAB_F_LIMIT &&
        t[0] <= DBL_MAX && t[1] <= DBL_MAX && t[2] <= DBL_MAX) {
        smpf_cbrt_pos3(t, f);
        return;
    }
    for (int i = 0; i < 3; i++)
        f[i] = smpf_lab_f(t[i]);
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

/* CIEDE2000's rotation term's sine, -sin(2 Δθ) with Δθ = 30° exp(-dh²),
 * dh = (h̄' - 275°) / 25°, without libm and without branches, so that the months' colour
 * lanes (model/color_lanes.c) compute it in vector registers as smpf_color_de00 does one
 * by one.  exp(-x) = 2^-k exp(-r), k = round(x / ln 2), r = x - k ln 2 (ln 2 as a head of
 * 32 significant bits and a tail: k ln2_hi is exact for k < 2^21), exp(-r) by its Taylor
 * series to r^13 (|r| <= 0.35: truncation < 5e-18), 2^-k by k's binary digits (exact
 * products); x is capped at 40, where Δθ < 2e-16° and the term no longer reaches ΔE00's
 * last bit.  sin(y), 0 <= y <= π/3, by its Taylor series to y^19 (truncation < 1e-19).
 * Both within a few ulp of libm's (tests/test_color.c); smpf_color_de00's value moved by
 * 1-2 ulp in ~0.2 % of colour pairs when it replaced libm's exp and sin. */
static inline double smpf_de00_minus_rotation_sine(double dh)
{
    const double x0 = dh * dh, x = x0 < 40.0 ? x0 : 40.0;
    const double ln2_hi = 0x1.62e42feep-1, ln2_lo = 0x1.a39ef35793c76p-33;
    const double shifter = 0x1.8p52; /* adding and subtracting it rounds to an integer */
    const double k = (x * 0x1.71547652b82fep0 + shifter) - shifter;
    const double r = (x - k * ln2_hi) - k * ln2_lo, m = -r;
    double e = 1.0 / 6227020800.0; /* 1/13! */
    e = 1.0 / 479001600.0 + m * e;
    e = 1.0 / 39916800.0 + m * e;
    e = 1.0 / 3628800.0 + m * e;
    e = 1.0 / 362880.0 + m * e;
    e = 1.0 / 40320.0 + m * e;
    e = 1.0 / 5040.0 + m * e;
    e = 1.0 / 720.0 + m * e;
    e = 1.0 / 120.0 + m * e;
    e = 1.0 / 24.0 + m * e;
    e = 1.0 / 6.0 + m * e;
    e = 0.5 + m * e;
    e = 1.0 + m * e;
    e = 1.0 + m * e;
    /* 2^-k, k <= 58, from its binary digits */
    double rest = k, scale = 1.0;
    const double k32 = rest >= 32 ? rest - 32 : rest;
    scale = rest >= 32 ? scale * 0x1p-32 : scale, rest = k32;
    const double k16 = rest >= 16 ? rest - 16 : rest;
    scale = rest >= 16 ? scale * 0x1p-16 : scale, rest = k16;
    const double k8 = rest >= 8 ? rest - 8 : rest;
    scale = rest >= 8 ? scale * 0x1p-8 : scale, rest = k8;
    const double k4 = rest >= 4 ? rest - 4 : rest;
    scale = rest >= 4 ? scale * 0x1p-4 : scale, rest = k4;
    const double k2 = rest >= 2 ? rest - 2 : rest;
    scale = rest >= 2 ? scale * 0x1p-2 : scale, rest = k2;
    scale = rest >= 1 ? scale * 0x1p-1 : scale;
    const double delta_ro = 30 * (e * scale);
    const double y = 2 * delta_ro * (M_PI / 180.0), y2 = y * y;
    double s = -1.0 / 121645100408832000.0; /* -1/19! */
    s = 1.0 / 355687428096000.0 + y2 * s;
    s = -1.0 / 1307674368000.0 + y2 * s;
    s = 1.0 / 6227020800.0 + y2 * s;
    s = -1.0 / 39916800.0 + y2 * s;
    s = 1.0 / 362880.0 + y2 * s;
    s = -1.0 / 5040.0 + y2 * s;
    s = 1.0 / 120.0 + y2 * s;
    s = -1.0 / 6.0 + y2 * s;
    return -(y + y * (y2 * s));
}

/* C^7 / (C^7 + 25^7), CIEDE2000's chroma weight (G and R_C). */
static inline double smpf_chroma7_ratio(double c)
{
    const double c2 = c * c, c7 = c2 * c2 * c2 * c;
    return c7 / (c7 + 6103515625.0);
}

/* CIEDE2000's primed chromas and the unit vectors of the two hues (a neutral points along
 * a': hue 0), for a colour (a1, b1) against a reference (as, bs) of chroma Cs; shared by
 * smpf_color_de00 and the colour lanes (written without branches for the latter). */
typedef struct {
    double a_p, a_ps;        /* a' of the colour and the reference (b' = b*) */
    double C_p, C_ps, scale; /* scale = 2 sqrt(C1' C2') */
    double u1x, u1y, u2x, u2y;
} smpf_de00_primes_t;
static inline smpf_de00_primes_t smpf_de00_primes(double a1, double b1, double as, double bs,
                                                  double Cs)
{
    const double C = sqrt(a1 * a1 + b1 * b1);
    const double G = 0.5 * (1 - sqrt(smpf_chroma7_ratio((C + Cs) / 2)));
    const double a_p = (1 + G) * a1, b_p = b1, C_p = sqrt(a_p * a_p + b_p * b_p);
    const double a_ps = (1 + G) * as, b_ps = bs, C_ps = sqrt(a_ps * a_ps + b_ps * b_ps);
    const long neutral1 = (a_p == 0) & (b_p == 0), neutral2 = (a_ps == 0) & (b_ps == 0);
    const double q1x = a_p / C_p, q1y = b_p / C_p, q2x = a_ps / C_ps, q2y = b_ps / C_ps;
    return (smpf_de00_primes_t){a_p,         a_ps,       C_p,        C_ps,
                                2 * sqrt(C_ps * C_p),   neutral1 ? 1 : q1x, neutral1 ? 0 : q1y,
                                neutral2 ? 1 : q2x,     neutral2 ? 0 : q2y};
}

/* CIEDE2000 from what its hue arithmetic leaves (smpf_color_de00 and the colour lanes
 * share it): L*s, primed chromas, the mean hue's direction (cos, sin), ΔH' and
 * dh = (h̄' - 275°) / 25°.  T by the double- and triple-angle identities of (c1, s1). */
static inline double smpf_de00_from_hue(double L1, double Ls, double C_p, double C_ps, double c1,
                                        double s1, double delta_H, double dh)
{
    const double c2 = 2 * c1 * c1 - 1, s2 = 2 * s1 * c1;
    const double c3 = c2 * c1 - s2 * s1, s3 = s2 * c1 + c2 * s1;
    const double c4 = c2 * c2 - s2 * s2, s4 = 2 * s2 * c2;
    const double cos30 = 0.8660254037844387, sin30 = 0.5;
    const double cos6 = 0.9945218953682733, sin6 = 0.10452846326765347;
    const double cos63 = 0.4539904997395468, sin63 = 0.8910065241883678;
    /* T = 1 - 0.17 cos(h - 30°) + 0.24 cos 2h + 0.32 cos(3h + 6°) - 0.2 cos(4h - 63°) */
    const double T = 1 - 0.17 * (c1 * cos30 + s1 * sin30) + 0.24 * c2 +
                     0.32 * (c3 * cos6 - s3 * sin6) - 0.2 * (c4 * cos63 + s4 * sin63);
    const double delta_L = Ls - L1, delta_C = C_ps - C_p, meanC_p = (C_p + C_ps) / 2;
    const double Lm50 = (Ls + L1) / 2 - 50;
    const double Sl = 1 + (0.015 * Lm50 * Lm50) / sqrt(20 + Lm50 * Lm50);
    const double Sc = 1 + 0.045 * (C_p + C_ps) / 2;
    const double Sh = 1 + 0.015 * ((C_ps + C_p) / 2) * T;
    const double Rc = 2 * sqrt(smpf_chroma7_ratio(meanC_p));
    const double Rt = smpf_de00_minus_rotation_sine(dh) * Rc;
    const double l = delta_L / Sl, c = delta_C / Sc, h = delta_H / Sh;
    return sqrt(l * l + c * c + h * h + Rt * c * h);
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
/* The dot's side of smpf_cast_against: its CIELAB and ΔL* (the cast and its figures NaN),
 * and its f(X/Xn), f(Y/Yn), f(Z/Zn) (dot_f when given) in f_dot. */
void smpf_cast_dot_against(const smpf_context_t *ctx, smpf_xyz_t dot, const double *dot_f,
                           const smpf_cast_skin_t *skin, smpf_cast_t *out, double f_dot[3]);
/* The cast of a dot smpf_cast_dot_against has measured (f_dot: its f values): its CIELAB,
 * hue, chroma and ratio. */
void smpf_cast_complete(const smpf_context_t *ctx, const double f_dot[3],
                        const smpf_cast_skin_t *skin, smpf_cast_t *out);
/* The cast's CIELAB: the dot's against the skin as white, from its f values. */
smpf_lab_t smpf_cast_lab(const smpf_context_t *ctx, smpf_xyz_t dot, const double f_dot[3],
                         const smpf_cast_skin_t *skin);

/* The colour figures of many months against one healed dot (model/color_lanes.c), four
 * at a time: each equal, bit for bit, to what smpf_color_de00(dot, ref), the cast
 * (smpf_cast_lab against `skin`), smpf_lab_hue_deg, smpf_lab_chroma, the cast ratio and
 * smpf_hue_diff_deg(ref_cast_hue_deg, hue) give. */
#define SMPF_COLOR_LANES 4
typedef struct {
    double L[SMPF_COLOR_LANES], a[SMPF_COLOR_LANES], b[SMPF_COLOR_LANES]; /* the dots */
    double xyz[3][SMPF_COLOR_LANES]; /* their X, Y, Z */
    double f[3][SMPF_COLOR_LANES];   /* their f(X/Xn), f(Y/Yn), f(Z/Zn) */
} smpf_color_lanes_in_t;
typedef struct {
    double de00[SMPF_COLOR_LANES]; /* from ref */
    double cast_hue_deg[SMPF_COLOR_LANES], cast_chroma[SMPF_COLOR_LANES];
    double cast_ratio[SMPF_COLOR_LANES], hue_shift_deg[SMPF_COLOR_LANES];
} smpf_color_lanes_out_t;
typedef struct {
    smpf_lab_t ref;          /* the healed dot */
    double ref_cast_hue_deg; /* its cast's hue */
    const smpf_context_t *ctx;
    const smpf_cast_skin_t *skin;
} smpf_color_lanes_ref_t;
void smpf_color_lanes(const smpf_color_lanes_in_t *in, const smpf_color_lanes_ref_t *ref,
                      smpf_color_lanes_out_t *out);
#endif
