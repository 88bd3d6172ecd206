/* The colour figures of a projection's months four at a time: CIEDE2000 from the healed
 * dot and the cast's hue, chroma, ratio and hue shift.  One month's figures are a chain of
 * square roots and divisions, each waiting on the last; four months side by side fill
 * AVX2's vector units and overlap the waits (without AVX2 the same code runs lane by lane,
 * to the same bits).
 *
 * The arithmetic is smpf_color_de00's, smpf_lab_hue_deg's and smpf_hue_diff_deg's, the
 * same operations in the same order, branches replaced by selections (smpf_atan2_lane;
 * the rotation term's exponential and sine by smpf_de00_minus_rotation_sine, which
 * smpf_color_de00 uses too), so every figure is those functions' bit for bit (no fused
 * multiply-adds: -ffp-contract=off; tests/test_color.c compares).  A lane that leaves the
 * common path (hues within 0.06° of opposite, where smpf_color_de00 takes Little CMS's
 * angle arithmetic; a quotient smpf_atan2 hands to libm; a hue difference of ±360°) is
 * computed by those functions. */
#include "color_internal.h"
#include "context.h"
#include "target_clones.h"

#include <math.h>


/* C^7 / (C^7 + 25^7), as in color.c */
static inline double chroma7_ratio(double c)
{
    const double c2 = c * c, c7 = c2 * c2 * c2 * c;
    return c7 / (c7 + 6103515625.0);
}

/* What the first vector pass hands the libm calls and the second pass. */
typedef struct {
    double dh[SMPF_COLOR_LANES];
    double cos_meanh[SMPF_COLOR_LANES], sin_meanh[SMPF_COLOR_LANES];
    double delta_H[SMPF_COLOR_LANES], C_p[SMPF_COLOR_LANES], C_ps[SMPF_COLOR_LANES];
    long off_path[SMPF_COLOR_LANES]; /* long: as wide as the lanes' doubles */
} de00_lanes_t;

/* smpf_color_de00 up to its rotation term's exponent, and the cast's figures. */
SMPF_AVX2_CLONES
static void first_pass(const smpf_color_lanes_in_t *in, const smpf_color_lanes_ref_t *r,
                       de00_lanes_t *m, smpf_color_lanes_out_t *out)
{
    const smpf_lab_t ref = r->ref;
    const double ref_cast_hue_deg = r->ref_cast_hue_deg;
    const double as = ref.a, bs = ref.b, Cs = sqrt(as * as + bs * bs);
    /* the cast's channels (smpf_cast_lab): f(dot / white) / f(skin / white) where the skin
     * and both ratios are on the cube-root branch (td above td_limit), else f(dot / skin)
     * on its linear segment, or by the scalar function where that takes a cube root */
    const smpf_xyz_t white = r->ctx->white, skin = r->skin->xyz;
    const double w[3] = {white.X, white.Y, white.Z}, s[3] = {skin.X, skin.Y, skin.Z};
    double td_limit[3];
    for (int ch = 0; ch < 3; ch++)
        td_limit[ch] = r->skin->cube_root[ch] ? SMPF_LAB_F_LIMIT : INFINITY;
#pragma omp simd
    for (int i = 0; i < SMPF_COLOR_LANES; i++) {
        double fc[3];
        long cast_cube_root = 0;
        for (int ch = 0; ch < 3; ch++) {
            const double td = in->xyz[ch][i] / w[ch], tc = in->xyz[ch][i] / s[ch];
            const double shortcut = in->f[ch][i] / r->skin->f[ch];
            const double linear = (841.0 / 108.0) * tc + (16.0 / 116.0);
            const long quick = (td > td_limit[ch]) & (tc > SMPF_LAB_F_LIMIT);
            const long on_segment = tc <= SMPF_LAB_F_LIMIT;
            fc[ch] = quick ? shortcut : linear;
            cast_cube_root |= !quick & !on_segment;
        }
        const double cL = 116.0 * fc[1] - 16.0, ca = 500.0 * (fc[0] - fc[1]);
        const double cb = 200.0 * (fc[1] - fc[2]);

        const double a1 = in->a[i], b1 = in->b[i], C = sqrt(a1 * a1 + b1 * b1);
        const double G = 0.5 * (1 - sqrt(chroma7_ratio((C + Cs) / 2)));
        const double a_p = (1 + G) * a1, b_p = b1, C_p = sqrt(a_p * a_p + b_p * b_p);
        const double a_ps = (1 + G) * as, b_ps = bs, C_ps = sqrt(a_ps * a_ps + b_ps * b_ps);
        const double scale = 2 * sqrt(C_ps * C_p);
        const long neutral1 = (a_p == 0) & (b_p == 0), neutral2 = (a_ps == 0) & (b_ps == 0);
        const double q1x = a_p / C_p, q1y = b_p / C_p, q2x = a_ps / C_ps, q2y = b_ps / C_ps;
        const double u1x = neutral1 ? 1 : q1x, u1y = neutral1 ? 0 : q1y;
        const double u2x = neutral2 ? 1 : q2x, u2y = neutral2 ? 0 : q2y;
        const double sx = u1x + u2x, sy = u1y + u2y, bisector = sqrt(sx * sx + sy * sy);
        const double dx = u2x - u1x, dy = u2y - u1y;
        const double sin_half = 0.5 * sqrt(dx * dx + dy * dy);
        const double cross = u1x * u2y - u1y * u2x;
        const double c1 = sx / bisector, s1 = sy / bisector;
        long handed_over;
        const double angle = smpf_atan2_lane(s1, c1, &handed_over) * (180.0 / M_PI);
        const double angle_turned = angle + 360.0;
        const double meanh_p = angle < 0 ? angle_turned : angle;
        m->dh[i] = (meanh_p - 275) / 25;
        m->cos_meanh[i] = c1;
        m->sin_meanh[i] = s1;
        const double minus_sin_half = -sin_half;
        m->delta_H[i] = scale * (cross < 0 ? minus_sin_half : sin_half);
        m->C_p[i] = C_p;
        m->C_ps[i] = C_ps;

        long cast_handed_over;
        const double h = smpf_atan2_lane(cb, ca, &cast_handed_over) * 180.0 / M_PI;
        const double h_turned = h + 360.0;
        const double cast_h = h < 0 ? h_turned : h;
        const double cast_C = sqrt(ca * ca + cb * cb);
        const double cast_ratio = cast_C / (100.0 - cL);
        const double d = cast_h - ref_cast_hue_deg, d_up = d + 360.0, d_down = d - 360.0;
        out->cast_hue_deg[i] = cast_h;
        out->cast_chroma[i] = cast_C;
        out->cast_ratio[i] = cL < 100.0 ? cast_ratio : 0.0;
        const long below = d <= -180.0, above = d > 180.0;
        out->hue_shift_deg[i] = below ? d_up : above ? d_down : d;
        const long narrow_bisector = !(bisector >= 1e-3), full_turn = !(fabs(d) < 360.0);
        m->off_path[i] = narrow_bisector | handed_over | cast_cube_root | cast_handed_over | full_turn;
    }
}

/* From the rotation term's sine on: T, the weights and the difference. */
SMPF_AVX2_CLONES
static void second_pass(const smpf_color_lanes_in_t *in, const smpf_color_lanes_ref_t *r,
                        const de00_lanes_t *m, smpf_color_lanes_out_t *out)
{
    const double Ls = r->ref.L;
    const double cos30 = 0.8660254037844387, sin30 = 0.5;
    const double cos6 = 0.9945218953682733, sin6 = 0.10452846326765347;
    const double cos63 = 0.4539904997395468, sin63 = 0.8910065241883678;
#pragma omp simd
    for (int i = 0; i < SMPF_COLOR_LANES; i++) {
        const double c1 = m->cos_meanh[i], s1 = m->sin_meanh[i];
        const double c2 = 2 * c1 * c1 - 1, s2 = 2 * s1 * c1;
        const double c3 = c2 * c1 - s2 * s1, s3 = s2 * c1 + c2 * s1;
        const double c4 = c2 * c2 - s2 * s2, s4 = 2 * s2 * c2;
        const double T = 1 - 0.17 * (c1 * cos30 + s1 * sin30) + 0.24 * c2 +
                         0.32 * (c3 * cos6 - s3 * sin6) - 0.2 * (c4 * cos63 + s4 * sin63);
        const double C_p = m->C_p[i], C_ps = m->C_ps[i], L1 = in->L[i];
        const double delta_L = Ls - L1, delta_C = C_ps - C_p, meanC_p = (C_p + C_ps) / 2;
        const double Lm50 = (Ls + L1) / 2 - 50;
        const double Sl = 1 + (0.015 * Lm50 * Lm50) / sqrt(20 + Lm50 * Lm50);
        const double Sc = 1 + 0.045 * (C_p + C_ps) / 2;
        const double Sh = 1 + 0.015 * ((C_ps + C_p) / 2) * T;
        const double Rc = 2 * sqrt(chroma7_ratio(meanC_p));
        const double Rt = smpf_de00_minus_rotation_sine(m->dh[i]) * Rc;
        const double l = delta_L / Sl, c = delta_C / Sc, h = m->delta_H[i] / Sh;
        out->de00[i] = sqrt(l * l + c * c + h * h + Rt * c * h);
    }
}

void smpf_color_lanes(const smpf_color_lanes_in_t *in, const smpf_color_lanes_ref_t *ref,
                      smpf_color_lanes_out_t *out)
{
    de00_lanes_t m;
    first_pass(in, ref, &m, out);
    second_pass(in, ref, &m, out);
    for (int i = 0; i < SMPF_COLOR_LANES; i++) {
        if (!m.off_path[i])
            continue;
        const smpf_lab_t dot = {in->L[i], in->a[i], in->b[i]};
        const smpf_xyz_t xyz = {in->xyz[0][i], in->xyz[1][i], in->xyz[2][i]};
        const double f[3] = {in->f[0][i], in->f[1][i], in->f[2][i]};
        const smpf_lab_t cast = smpf_cast_lab(ref->ctx, xyz, f, ref->skin);
        out->de00[i] = smpf_color_de00(dot, ref->ref);
        out->cast_hue_deg[i] = smpf_lab_hue_deg(cast.a, cast.b);
        out->cast_chroma[i] = smpf_lab_chroma(cast.a, cast.b);
        out->cast_ratio[i] = cast.L < 100.0 ? out->cast_chroma[i] / (100.0 - cast.L) : 0.0;
        out->hue_shift_deg[i] = smpf_hue_diff_deg(ref->ref_cast_hue_deg, out->cast_hue_deg[i]);
    }
}
