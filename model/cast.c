/* The colour of a dot against the skin around it (MODEL.md 4): absolute CIELAB of both
 * under D65, and the cast, the dot's CIELAB with the skin's XYZ as the reference white. */
#include "color_internal.h"
#include "context.h"

#include <math.h>
#include <string.h>

void smpf_cast_skin(const smpf_context_t *ctx, smpf_xyz_t skin, smpf_cast_skin_t *out)
{
    const smpf_xyz_t white = smpf_color_white(ctx);
    const double t[3] = {skin.X / white.X, skin.Y / white.Y, skin.Z / white.Z};
    out->xyz = skin;
    for (int i = 0; i < 3; i++) {
        out->f[i] = smpf_lab_f(t[i]);
        out->cube_root[i] = t[i] > SMPF_LAB_F_LIMIT;
    }
    out->lab = smpf_lab_from_f(out->f);
}

void smpf_cast_dot_against(const smpf_context_t *ctx, smpf_xyz_t dot, const double *dot_f,
                           const smpf_cast_skin_t *skin, smpf_cast_t *out, double f_dot[3])
{
    const smpf_xyz_t white = ctx->white;
    if (dot_f) {
        memcpy(f_dot, dot_f, 3 * sizeof *f_dot);
    } else {
        const double t[3] = {dot.X / white.X, dot.Y / white.Y, dot.Z / white.Z};
        smpf_lab_f3(t, f_dot);
    }
    out->dot_xyz = dot;
    out->skin_xyz = skin->xyz;
    out->dot = smpf_lab_from_f(f_dot);
    out->skin = skin->lab;
    out->de00 = NAN;
    out->dL = out->dot.L - out->skin.L;
    out->cast.L = out->cast.a = out->cast.b = NAN;
    out->cast_hue_deg = out->cast_chroma = out->cast_ratio = NAN;
    out->cast_ratio_defined = 0;
}

/* Per channel f(dot / skin); on the cube-root branch for all three ratios it is
 * f(dot / white) / f(skin / white), one cube root fewer (equal up to round-off). */
smpf_lab_t smpf_cast_lab(const smpf_context_t *ctx, smpf_xyz_t dot, const double f_dot[3],
                         const smpf_cast_skin_t *skin)
{
    const smpf_xyz_t white = ctx->white;
    const double d[3] = {dot.X, dot.Y, dot.Z}, s[3] = {skin->xyz.X, skin->xyz.Y, skin->xyz.Z},
                 w[3] = {white.X, white.Y, white.Z};
    double fc[3];
    for (int i = 0; i < 3; i++) {
        const double td = d[i] / w[i], tc = d[i] / s[i];
        fc[i] = skin->cube_root[i] && td > SMPF_LAB_F_LIMIT && tc > SMPF_LAB_F_LIMIT
                    ? f_dot[i] / skin->f[i]
                    : smpf_lab_f(tc);
    }
    return smpf_lab_from_f(fc);
}

void smpf_cast_complete(const smpf_context_t *ctx, const double f_dot[3],
                        const smpf_cast_skin_t *skin, smpf_cast_t *out)
{
    out->cast = smpf_cast_lab(ctx, out->dot_xyz, f_dot, skin);
    out->cast_hue_deg = smpf_lab_hue_deg(out->cast.a, out->cast.b);
    out->cast_chroma = smpf_lab_chroma(out->cast.a, out->cast.b);
    out->cast_ratio_defined = out->cast.L < 100.0;
    out->cast_ratio = out->cast_ratio_defined ? out->cast_chroma / (100.0 - out->cast.L) : 0.0;
}

void smpf_cast_against(const smpf_context_t *ctx, smpf_xyz_t dot, const double *dot_f,
                       const smpf_cast_skin_t *skin, smpf_cast_t *out)
{
    double f_dot[3];
    smpf_cast_dot_against(ctx, dot, dot_f, skin, out, f_dot);
    smpf_cast_complete(ctx, f_dot, skin, out);
}

void smpf_cast_xyz(const smpf_context_t *ctx, smpf_xyz_t dot, smpf_xyz_t skin, smpf_cast_t *out)
{
    smpf_cast_skin_t s;
    smpf_cast_skin(ctx, skin, &s);
    smpf_cast_against(ctx, dot, NULL, &s, out);
    out->de00 = smpf_color_de00(out->dot, out->skin);
}

void smpf_cast(const smpf_context_t *ctx, const double R_dot[SMPF_NWL],
               const double R_skin[SMPF_NWL], smpf_cast_t *out)
{
    smpf_cast_xyz(ctx, smpf_color_xyz(ctx, R_dot), smpf_color_xyz(ctx, R_skin), out);
}
