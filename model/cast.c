/* The colour of a dot against the skin around it (MODEL.md 4): absolute CIELAB of both
 * under D65, and the cast, the dot's CIELAB with the skin's XYZ as the reference white. */
#include "color_internal.h"

#include <math.h>

void smpf_cast_skin(const smpf_context_t *ctx, smpf_xyz_t skin, smpf_cast_skin_t *out)
{
    const smpf_xyz_t white = smpf_color_white(ctx);
    out->xyz = skin;
    out->f[0] = smpf_lab_f(skin.X / white.X);
    out->f[1] = smpf_lab_f(skin.Y / white.Y);
    out->f[2] = smpf_lab_f(skin.Z / white.Z);
    out->lab = smpf_lab_from_f(out->f);
}

void smpf_cast_against(const smpf_context_t *ctx, smpf_xyz_t dot, const double *dot_f,
                       const smpf_cast_skin_t *skin, smpf_cast_t *out)
{
    const smpf_xyz_t white = smpf_color_white(ctx);
    const double d[3] = {dot.X, dot.Y, dot.Z}, s[3] = {skin->xyz.X, skin->xyz.Y, skin->xyz.Z},
                 w[3] = {white.X, white.Y, white.Z};
    double fd[3], fc[3];
    for (int i = 0; i < 3; i++) {
        const double td = d[i] / w[i], ts = s[i] / w[i], tc = d[i] / s[i];
        fd[i] = dot_f ? dot_f[i] : smpf_lab_f(td);
        /* The cast's f(dot / skin): on the cube-root branch for all three it is
         * f(dot / white) / f(skin / white), one cube root fewer (equal up to round-off). */
        const int roots = td > SMPF_LAB_F_LIMIT && ts > SMPF_LAB_F_LIMIT && tc > SMPF_LAB_F_LIMIT;
        fc[i] = roots ? fd[i] / skin->f[i] : smpf_lab_f(tc);
    }
    out->dot_xyz = dot;
    out->skin_xyz = skin->xyz;
    out->dot = smpf_lab_from_f(fd);
    out->skin = skin->lab;
    out->de00 = NAN;
    out->dL = out->dot.L - out->skin.L;
    out->cast = smpf_lab_from_f(fc);
    out->cast_hue_deg = smpf_color_hue_deg(out->cast);
    out->cast_chroma = smpf_color_chroma(out->cast);
    out->cast_ratio_defined = out->cast.L < 100.0;
    out->cast_ratio = out->cast_ratio_defined ? out->cast_chroma / (100.0 - out->cast.L) : 0.0;
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
