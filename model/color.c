/* Spectrum -> XYZ -> CIELAB -> CIEDE2000, hue and chroma, sRGB.  Little CMS does Bradford
 * and the sRGB transform; CIELAB and CIEDE2000, evaluated for every month of every
 * ensemble sample, are Little CMS's formulas written out here for speed, and Little CMS's
 * own functions are the reference they are tested against (tests/test_color.c). */
#include "color_internal.h"
#include "context.h"

#include <math.h>
#include <stdio.h>

smpf_xyz_t smpf_color_xyz(const smpf_context_t *ctx, const double reflectance[SMPF_NWL])
{
    smpf_xyz_t xyz = {0, 0, 0};
    for (size_t i = 0; i < SMPF_NWL; i++) {
        xyz.X += reflectance[i] * ctx->weight_x[i];
        xyz.Y += reflectance[i] * ctx->weight_y[i];
        xyz.Z += reflectance[i] * ctx->weight_z[i];
    }
    return xyz;
}

smpf_xyz_t smpf_color_white(const smpf_context_t *ctx) { return ctx->white; }

/* On the cube-root branch f(t) = f(t_ref) (1 + x)^(1/3), x = t / t_ref - 1, by the series
 * 1 + x/3 - x^2/9 + 5x^3/81 - 10x^4/243 + 22x^5/729 (next term 154x^6/6561: < 5e-10
 * relative for |x| <= 0.05); otherwise computed. */
double smpf_lab_f_near(double t, double t_ref, double f_ref)
{
    const double x = t / t_ref - 1.0;
    if (!(t > SMPF_LAB_F_LIMIT && t_ref > SMPF_LAB_F_LIMIT && fabs(x) <= 0.05))
        return smpf_lab_f(t);
    return f_ref *
           (1 + x * (1.0 / 3 + x * (-1.0 / 9 + x * (5.0 / 81 + x * (-10.0 / 243 + x * 22.0 / 729)))));
}

/* CIE 1976 L*a*b* (f: color_internal.h). */
smpf_lab_t smpf_color_lab(smpf_xyz_t xyz, smpf_xyz_t white)
{
    const double t[3] = {xyz.X / white.X, xyz.Y / white.Y, xyz.Z / white.Z};
    double f[3];
    smpf_lab_f3(t, f);
    return smpf_lab_from_f(f);
}

/* CIEDE2000 (Sharma, Wu and Dalal 2005) divides ΔL', ΔC', ΔH' by S_L, S_C, S_H >= 1;
 * a' = (1 + G) a* with G <= 0.5 for both colours, and ΔC'² + ΔH'² = Δa'² + Δb*² (ΔH' is
 * the chord 2 sqrt(C1' C2') sin(Δh'/2)); the rotation term R_T x y, |R_T| <= 2 sin 60°,
 * adds at most |R_T| (x² + y²) / 2.  Hence ΔE00² <= ΔL*² + (1 + √3/2)(2.25 Δa*² + Δb*²). */
double smpf_color_de00_bound(smpf_lab_t x, smpf_lab_t y)
{
    const double dL = y.L - x.L, da = y.a - x.a, db = y.b - x.b;
    return sqrt(dL * dL + (1.0 + 0.5 * sqrt(3.0)) * (2.25 * da * da + db * db));
}

/* The same bound with the weights that are cheap to know (CIEDE2000's symbols as in
 * smpf_color_de00): S_L itself; G itself, so Δa' = (1 + G) Δa*; C̄' >= C̄ (a' >= a*), so
 * S_C >= 1 + 0.045 C̄ and S_H >= 1 + 0.015 C̄ T_min with T_min = 0.36 (T's minimum over
 * all hues is 0.36206, at 290.1°); C̄' <= (1 + G) C̄ and |sin 2Δθ| <= sin 60°, so
 * |R_T| <= (√3/2) R_C((1 + G) C̄).  Near S_L's minimum and for low chroma this is within
 * a few per cent of ΔE00, where the coarse bound may be 50 % above it.  Rounding is
 * covered by a factor 1 + 1e-9. */
double smpf_color_de00_bound_weighted(smpf_lab_t x, smpf_lab_t y)
{
    const double C1 = sqrt(x.a * x.a + x.b * x.b), C2 = sqrt(y.a * y.a + y.b * y.b);
    const double Cm = (C1 + C2) / 2, G = 0.5 * (1 - sqrt(smpf_chroma7_ratio(Cm)));
    const double dL = y.L - x.L, da_p = (1 + G) * (y.a - x.a), db = y.b - x.b;
    const double Lm50 = (x.L + y.L) / 2 - 50;
    const double Sl = 1 + (0.015 * Lm50 * Lm50) / sqrt(20 + Lm50 * Lm50);
    const double S_chroma_hue = 1 + 0.015 * 0.36 * Cm; /* <= S_C and S_H */
    const double Rt_max = 0.5 * sqrt(3.0) * 2 * sqrt(smpf_chroma7_ratio((1 + G) * Cm));
    const double l = dL / Sl, ch2 = (da_p * da_p + db * db) / (S_chroma_hue * S_chroma_hue);
    return sqrt(l * l + (1 + 0.5 * Rt_max) * ch2) * (1 + 1e-9);
}

#define RAD_PER_DEG (M_PI / 180.0)

/* Hue angle in degrees, [0, 360], 0 for a neutral (as Little CMS's atan2deg). */
static double hue_deg_of(double b, double a)
{
    double h = a == 0 && b == 0 ? 0.0 : smpf_atan2(b, a) * (180.0 / M_PI);
    while (h > 360.0)
        h -= 360.0;
    while (h < 0)
        h += 360.0;
    return h;
}

/* The hue terms of CIEDE2000: the mean hue h' (degrees, and its cosine and sine) and
 * ΔH'. */
typedef struct {
    double meanh_deg, cos_meanh, sin_meanh, delta_H;
} de00_hue_t;

/* Hues within 0.06° of opposite, where the bisector is ill-conditioned: Little CMS's angle
 * arithmetic verbatim. */
static de00_hue_t opposite_hues(double a_p, double b_p, double a_ps, double b_ps, double scale)
{
    const double h_p = hue_deg_of(b_p, a_p), h_ps = hue_deg_of(b_ps, a_ps);
    const double sum_h = h_ps + h_p, diff_h = h_ps - h_p;
    const double meanh_p = fabs(diff_h) <= 180.000001 ? sum_h / 2
                           : sum_h < 360              ? (sum_h + 360) / 2
                                                      : (sum_h - 360) / 2;
    const double delta_h = diff_h <= -180.000001 ? diff_h + 360
                           : diff_h > 180        ? diff_h - 360
                                                 : diff_h;
    return (de00_hue_t){meanh_p, cos(meanh_p * RAD_PER_DEG), sin(meanh_p * RAD_PER_DEG),
                        scale * sin(delta_h * RAD_PER_DEG / 2)};
}

/* CIEDE2000 (CIE 142-2001; Sharma, Wu & Dalal 2005), kL = kC = kH = 1: the formula and
 * branch rules of Little CMS's cmsCIE2000DeltaE (tests/test_color.c compares the two and
 * Sharma's published pairs), with powers multiplied out.  The mean hue h' of Little CMS's
 * rules is the direction that bisects the smaller arc between the two hues (a neutral
 * has hue 0), and ΔH' = 2 sqrt(C1' C2') sin(Δh'/2) with |2 sin(Δh'/2)| the distance of
 * the two hues' unit vectors: one atan2 instead of two, no sine for ΔH', and T's
 * cosines from the bisector (opposite_hues where that is ill-conditioned). */
double smpf_color_de00(smpf_lab_t lab1, smpf_lab_t lab2)
{
    const double Cs = sqrt(lab2.a * lab2.a + lab2.b * lab2.b);
    const smpf_de00_primes_t p = smpf_de00_primes(lab1.a, lab1.b, lab2.a, lab2.b, Cs);
    const double u1x = p.u1x, u1y = p.u1y, u2x = p.u2x, u2y = p.u2y;
    const double sx = u1x + u2x, sy = u1y + u2y, bisector = sqrt(sx * sx + sy * sy);
    de00_hue_t hue;
    if (bisector >= 1e-3) {
        const double dx = u2x - u1x, dy = u2y - u1y;
        const double sin_half = 0.5 * sqrt(dx * dx + dy * dy); /* |sin(Δh'/2)| */
        const double cross = u1x * u2y - u1y * u2x;           /* sin Δh' */
        const double c1 = sx / bisector, s1 = sy / bisector;
        double meanh_p = smpf_atan2(s1, c1) * (180.0 / M_PI);
        if (meanh_p < 0)
            meanh_p += 360.0;
        hue = (de00_hue_t){meanh_p, c1, s1, p.scale * (cross < 0 ? -sin_half : sin_half)};
    } else {
        hue = opposite_hues(p.a_p, lab1.b, p.a_ps, lab2.b, p.scale);
    }
    return smpf_de00_from_hue(lab1.L, lab2.L, p.C_p, p.C_ps, hue.cos_meanh, hue.sin_meanh,
                              hue.delta_H, (hue.meanh_deg - 275) / 25);
}

/* sqrt(a*² + b*²), as Little CMS's cmsLab2LCh; CIELAB's a* and b* are far from where
 * hypot's care against overflow matters, and it runs every month of every sample. */
double smpf_color_chroma(smpf_lab_t lab) { return smpf_lab_chroma(lab.a, lab.b); }

double smpf_color_hue_deg(smpf_lab_t lab) { return smpf_lab_hue_deg(lab.a, lab.b); }

double smpf_color_hue_diff_deg(double a_deg, double b_deg)
{
    return smpf_hue_diff_deg(a_deg, b_deg);
}

static uint8_t to_byte(double v)
{
    if (!(v > 0)) /* also catches NaN */
        return 0;
    if (v >= 1)
        return 255;
    return (uint8_t)lround(v * 255.0);
}

smpf_rgb8_t smpf_color_srgb(const smpf_context_t *ctx, smpf_xyz_t xyz)
{
    cmsCIEXYZ src_white = {ctx->white.X / 100, ctx->white.Y / 100, ctx->white.Z / 100};
    cmsCIEXYZ in = {xyz.X / 100, xyz.Y / 100, xyz.Z / 100}, d50;
    cmsAdaptToIlluminant(&d50, &src_white, cmsD50_XYZ(), &in); /* Bradford */
    double rgb[3];
    cmsDoTransform(ctx->to_srgb, &d50, rgb, 1);
    return (smpf_rgb8_t){to_byte(rgb[0]), to_byte(rgb[1]), to_byte(rgb[2])};
}

void smpf_color_hex(smpf_rgb8_t rgb, char buf[8])
{
    snprintf(buf, 8, "#%02x%02x%02x", rgb.r, rgb.g, rgb.b);
}
