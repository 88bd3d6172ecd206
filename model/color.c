/* Spectrum -> XYZ -> CIELAB -> CIEDE2000, hue and chroma, sRGB; Little CMS does the
 * colorimetry it already does well (Lab, ΔE00, Bradford, the sRGB transform). */
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

smpf_lab_t smpf_color_lab(smpf_xyz_t xyz, smpf_xyz_t white)
{
    /* cmsXYZ2Lab would default to D50 with a NULL white: the white is always passed. */
    cmsCIEXYZ w = {white.X, white.Y, white.Z}, c = {xyz.X, xyz.Y, xyz.Z};
    cmsCIELab lab;
    cmsXYZ2Lab(&w, &lab, &c);
    return (smpf_lab_t){lab.L, lab.a, lab.b};
}

double smpf_color_de00(smpf_lab_t a, smpf_lab_t b)
{
    cmsCIELab la = {a.L, a.a, a.b}, lb = {b.L, b.a, b.b};
    return cmsCIE2000DeltaE(&la, &lb, 1.0, 1.0, 1.0);
}

double smpf_color_chroma(smpf_lab_t lab) { return hypot(lab.a, lab.b); }

double smpf_color_hue_deg(smpf_lab_t lab)
{
    double h = atan2(lab.b, lab.a) * 180.0 / M_PI;
    return h < 0 ? h + 360.0 : h;
}

double smpf_color_hue_diff_deg(double a_deg, double b_deg)
{
    double d = fmod(b_deg - a_deg, 360.0);
    if (d <= -180.0)
        d += 360.0;
    else if (d > 180.0)
        d -= 360.0;
    return d;
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
