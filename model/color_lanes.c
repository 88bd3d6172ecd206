/* The colour figures of a projection's months four at a time: CIEDE2000 from the healed
 * dot and the cast's hue, chroma, ratio and hue shift.  One month's figures are a chain of
 * square roots and divisions, each waiting on the last; four months side by side fill
 * AVX2's vector units and overlap the waits (without AVX2 the same code runs two lanes or
 * one at a time, to the same bits).
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

        const smpf_de00_primes_t p = smpf_de00_primes(in->a[i], in->b[i], as, bs, Cs);
        const double u1x = p.u1x, u1y = p.u1y, u2x = p.u2x, u2y = p.u2y;
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
        m->delta_H[i] = p.scale * (cross < 0 ? minus_sin_half : sin_half);
        m->C_p[i] = p.C_p;
        m->C_ps[i] = p.C_ps;

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
        m->off_path[i] =
            narrow_bisector | handed_over | cast_cube_root | cast_handed_over | full_turn;
    }
}

/* From the hue on: T, the weights, the rotation term and the difference. */
SMPF_AVX2_CLONES
static void second_pass(const smpf_color_lanes_in_t *in, const smpf_color_lanes_ref_t *r,
                        const de00_lanes_t *m, smpf_color_lanes_out_t *out)
{
#pragma omp simd
    for (int i = 0; i < SMPF_COLOR_LANES; i++)
        out->de00[i] = smpf_de00_from_hue(in->L[i], r->ref.L, m->C_p[i], m->C_ps[i],
                                          m->cos_meanh[i], m->sin_meanh[i], m->delta_H[i],
                                          m->dh[i]);
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
        smpf_cast_t cast = {.dot_xyz = xyz};
        smpf_cast_complete(ref->ctx, f, ref->skin, &cast);
        out->de00[i] = smpf_color_de00(dot, ref->ref);
        out->cast_hue_deg[i] = cast.cast_hue_deg;
        out->cast_chroma[i] = cast.cast_chroma;
        out->cast_ratio[i] = cast.cast_ratio;
        out->hue_shift_deg[i] = smpf_hue_diff_deg(ref->ref_cast_hue_deg, cast.cast_hue_deg);
    }
}
