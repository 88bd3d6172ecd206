/* The colour of a dot against the skin around it (MODEL.md 4): absolute CIELAB of both
 * under D65, and the cast, the dot's CIELAB with the skin's XYZ as the reference white. */
#include "smpfade.h"

void smpf_cast_xyz(const smpf_context_t *ctx, smpf_xyz_t dot, smpf_xyz_t skin, smpf_cast_t *out)
{
    smpf_xyz_t white = smpf_color_white(ctx);
    out->dot_xyz = dot;
    out->skin_xyz = skin;
    out->dot = smpf_color_lab(dot, white);
    out->skin = smpf_color_lab(skin, white);
    out->de00 = smpf_color_de00(out->dot, out->skin);
    out->dL = out->dot.L - out->skin.L;
    out->cast = smpf_color_lab(dot, skin);
    out->cast_hue_deg = smpf_color_hue_deg(out->cast);
    out->cast_chroma = smpf_color_chroma(out->cast);
    out->cast_ratio_defined = out->cast.L < 100.0;
    out->cast_ratio = out->cast_ratio_defined ? out->cast_chroma / (100.0 - out->cast.L) : 0.0;
}

void smpf_cast(const smpf_context_t *ctx, const double R_dot[SMPF_NWL],
               const double R_skin[SMPF_NWL], smpf_cast_t *out)
{
    smpf_cast_xyz(ctx, smpf_color_xyz(ctx, R_dot), smpf_color_xyz(ctx, R_skin), out);
}
