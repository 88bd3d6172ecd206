/* The colour pipeline against published truth: CIEDE2000 test pairs (Sharma, Wu & Dalal
 * 2005), the CIE definition of L*, the white point, and an independent re-computation of
 * the CIE test colour samples from the raw colord tables with a separate parser. */
#include "color_internal.h"
#include "smpfade.h"
#include "test_util.h"

#include <float.h>
#include <lcms2.h>
#include <math.h>
#include <string.h>

static smpf_context_t *ctx;

static int setup(void **state)
{
    (void)state;
    smpf_error_t err = {0};
    int rc = smpf_context_new(NULL, &ctx, &err);
    if (rc != SMPF_OK)
        fprintf(stderr, "%s\n", err.message);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    smpf_context_free(ctx);
    return 0;
}

/* Sharma, Wu & Dalal (2005) Color Res Appl 30:21-30, Table 1: all 34 pairs, kL=kC=kH=1. */
static void test_de00_sharma_pairs(void **state)
{
    (void)state;
    smpf_table_t *t;
    smpf_error_t err = {0};
    assert_int_equal(smpf_table_load("tests/data/ciede2000_sharma2005.csv", &t, &err), SMPF_OK);
    assert_int_equal(smpf_table_rows(t), 34);
    for (size_t r = 0; r < smpf_table_rows(t); r++) {
        double v[7], pair;
        const char *cols[] = {"L1", "a1", "b1", "L2", "a2", "b2", "dE00"};
        for (int i = 0; i < 7; i++)
            assert_int_equal(smpf_table_number(t, r, cols[i], -200, 200, &v[i], &err), SMPF_OK);
        assert_int_equal(smpf_table_number(t, r, "pair", 1, 34, &pair, &err), SMPF_OK);
        double de = smpf_color_de00((smpf_lab_t){v[0], v[1], v[2]}, (smpf_lab_t){v[3], v[4], v[5]});
        /* Pairs 10 and 14 sit on the 180° hue discontinuity (see the data file). */
        double tol = (pair == 10 || pair == 14) ? 0.1 : 5e-5;
        if (fabs(de - v[6]) > tol)
            fail_msg("pair %g: dE00 %.5f, published %.4f", pair, de, v[6]);
    }
    smpf_table_free(t);
}

/* smpf_color_lab and smpf_color_de00 (cbrt, powers multiplied out, hue arithmetic on unit
 * vectors) against Little CMS's cmsXYZ2Lab and cmsCIE2000DeltaE, the reference they
 * replace, over colours across the gamut, neutrals, the hue wrap-around and nearly
 * opposite hues included: equal up to round-off. */
static void test_lab_de00_match_lcms(void **state)
{
    (void)state;
    const smpf_xyz_t white = smpf_color_white(ctx);
    const cmsCIEXYZ w = {white.X, white.Y, white.Z};
    uint64_t x = 12345;
    double worst_lab = 0, worst_de = 0;
    for (int i = 0; i < 20000; i++) {
        double u[6];
        for (int k = 0; k < 6; k++)
            u[k] = test_uniform(&x);
        const smpf_xyz_t xyz = {u[0] * 1.1 * white.X, u[1] * white.Y, u[2] * 1.1 * white.Z};
        const cmsCIEXYZ c = {xyz.X, xyz.Y, xyz.Z};
        cmsCIELab ref;
        cmsXYZ2Lab(&w, &ref, &c);
        const smpf_lab_t lab = smpf_color_lab(xyz, white);
        worst_lab = fmax(worst_lab, fabs(lab.L - ref.L) + fabs(lab.a - ref.a) + fabs(lab.b - ref.b));
        /* pairs: random, near-neutral (i % 4 == 1), on opposite sides of the a axis (2) */
        smpf_lab_t p = {100 * u[3], 160 * u[4] - 80, 160 * u[5] - 80};
        smpf_lab_t q = lab;
        if (i % 4 == 1)
            p.a *= 1e-3, p.b *= 1e-3, q.a *= 1e-3, q.b *= 1e-3;
        if (i % 4 == 2)
            q = (smpf_lab_t){p.L + 3 * u[0], -fabs(p.a) - 1, 5 * u[1] - 2.5}, p.a = -fabs(p.a);
        if (i % 4 == 3) /* hues near opposite (both branches of smpf_color_de00) */
            q = (smpf_lab_t){q.L, -p.a * (1 + 2e-3 * (u[0] - 0.5)), -p.b * (1 + 2e-3 * (u[1] - 0.5))};
        if (i == 3 || i == 7)
            p.a = p.b = 0; /* an exact neutral */
        if (i == 7)
            q.a = q.b = 0; /* two */
        const cmsCIELab lp = {p.L, p.a, p.b}, lq = {q.L, q.a, q.b};
        const double de_ref = cmsCIE2000DeltaE(&lp, &lq, 1, 1, 1);
        worst_de = fmax(worst_de, fabs(smpf_color_de00(p, q) - de_ref) / fmax(1.0, de_ref));
    }
    if (worst_lab > 1e-11 || worst_de > 1e-11)
        fail_msg("largest difference from Little CMS: Lab %g, ΔE00 %g", worst_lab, worst_de);
}

/* CIEDE2000's rotation-term sine without libm against libm's exp and sin, over every mean
 * hue (dh = (h - 275) / 25 from -11 to 3.4) and beyond: within 4 ulp of the term's
 * largest value where it matters, and below 1e-17 where exp(-dh²) is capped. */
static void test_de00_rotation_sine(void **state)
{
    (void)state;
    double worst = 0;
    for (int i = 0; i <= 200000; i++) {
        const double dh = -12.0 + 16.0 * i / 200000.0;
        const double want = -sin(2 * (30 * exp(-dh * dh)) * (M_PI / 180.0));
        const double got = smpf_de00_minus_rotation_sine(dh);
        const double err = fabs(got - want);
        if (dh * dh <= 40)
            worst = fmax(worst, err / fmax(fabs(want), 1e-300) / DBL_EPSILON);
        else if (!(err < 1e-17))
            fail_msg("dh %g: %g, libm %g", dh, got, want);
    }
    print_message("rotation-term sine: at most %.2f ulp from libm's exp and sin\n", worst);
    assert_true(worst <= 4);
}

/* smpf_color_lanes, four months at a time, is smpf_color_de00, the cast (smpf_cast_lab) and
 * its hue, chroma, ratio and hue shift bit for bit: random dots against random skins and
 * references, and the lanes that leave the common path among them (nearly opposite hues,
 * exact neutrals, quotients atan2 hands to libm, a cast hue just below 0°, a skin or
 * ratio below CIELAB's cube-root branch, a cast at L* >= 100). */
static void test_color_lanes_bit_identical(void **state)
{
    (void)state;
    const smpf_xyz_t white = smpf_color_white(ctx);
    uint64_t x = 2718;
    long compared = 0;
    for (int round = 0; round < 20000; round++) {
        double u[7];
        for (int k = 0; k < 7; k++)
            u[k] = test_uniform(&x);
        const smpf_lab_t ref = {100 * u[0], 160 * u[1] - 80, 160 * u[2] - 80};
        const double ref_hue = round % 7 == 0 ? 360.0 * u[3] : smpf_lab_hue_deg(ref.a, ref.b);
        /* skins from dark (some channels below the cube-root branch) to light */
        const double dark = round % 5 == 0 ? 0.005 : 0.4;
        const smpf_xyz_t skin_xyz = {white.X * dark * (0.5 + u[4]), white.Y * dark * (0.5 + u[5]),
                                     white.Z * dark * (0.2 + u[6])};
        smpf_cast_skin_t skin;
        smpf_cast_skin(ctx, skin_xyz, &skin);
        const smpf_color_lanes_ref_t r = {ref, ref_hue, ctx, &skin};
        smpf_color_lanes_in_t in;
        smpf_xyz_t dots[SMPF_COLOR_LANES];
        for (int i = 0; i < SMPF_COLOR_LANES; i++) {
            double v[6];
            for (int k = 0; k < 6; k++)
                v[k] = test_uniform(&x);
            const int kind = (round + i) % 9;
            const double level = kind == 6 ? 1e-4 : kind == 7 ? 3.0 : 1.0; /* dark; light */
            smpf_xyz_t d = {skin_xyz.X * level * 1.2 * v[0], skin_xyz.Y * level * 1.2 * v[1],
                            skin_xyz.Z * level * 1.2 * v[2]};
            if (kind == 2) /* a neutral cast */
                d = (smpf_xyz_t){skin_xyz.X * v[0], skin_xyz.Y * v[0], skin_xyz.Z * v[0]};
            if (kind == 5) /* a cast hue just below 0: 360 after the turn */
                d = (smpf_xyz_t){skin_xyz.X * 0.5, skin_xyz.Y * 0.45,
                                 skin_xyz.Z * 0.45 * (1 + 1e-15)};
            dots[i] = d;
            const double f[3] = {smpf_lab_f(d.X / white.X), smpf_lab_f(d.Y / white.Y),
                                 smpf_lab_f(d.Z / white.Z)};
            smpf_lab_t lab = smpf_lab_from_f(f);
            if (kind == 1) /* hues near opposite the reference */
                lab.a = -ref.a * (1 + 2e-3 * (v[3] - 0.5)), lab.b = -ref.b * (1 + 1e-3 * v[4]);
            if (kind == 3) /* near-neutral */
                lab.a *= 1e-9, lab.b = 1e-300 * v[5];
            if (kind == 4) /* the reference's own colour */
                lab = ref;
            in.L[i] = lab.L, in.a[i] = lab.a, in.b[i] = lab.b;
            in.xyz[0][i] = d.X, in.xyz[1][i] = d.Y, in.xyz[2][i] = d.Z;
            for (int ch = 0; ch < 3; ch++)
                in.f[ch][i] = f[ch];
        }
        smpf_color_lanes_out_t out;
        smpf_color_lanes(&in, &r, &out);
        for (int i = 0; i < SMPF_COLOR_LANES; i++, compared++) {
            const smpf_lab_t dot = {in.L[i], in.a[i], in.b[i]};
            const double f[3] = {in.f[0][i], in.f[1][i], in.f[2][i]};
            const smpf_lab_t cast = smpf_cast_lab(ctx, dots[i], f, &skin);
            const double hue = smpf_lab_hue_deg(cast.a, cast.b);
            const double chroma = smpf_lab_chroma(cast.a, cast.b);
            const double want[5] = {smpf_color_de00(dot, ref), hue, chroma,
                                    cast.L < 100.0 ? chroma / (100.0 - cast.L) : 0.0,
                                    smpf_hue_diff_deg(ref_hue, hue)};
            const double got[5] = {out.de00[i], out.cast_hue_deg[i], out.cast_chroma[i],
                                   out.cast_ratio[i], out.hue_shift_deg[i]};
            for (int k = 0; k < 5; k++)
                if (memcmp(&want[k], &got[k], sizeof want[k]) != 0)
                    fail_msg("round %d lane %d figure %d: %a, the scalar functions %a", round, i,
                             k, got[k], want[k]);
        }
    }
    assert_true(compared == 80000);
}

/* The lanes' edges, built exactly against a white skin (the cast is then the dot's CIELAB
 * from its f values): a cast hue that rounds to 0 against a reference hue of 360 (a
 * difference of -360°, whose scalar result is -0), hue differences of exactly -180° and
 * +180°, and dots and references on an axis (the mean hue's arctangent handed to libm:
 * there the lanes' own arctangent happens to agree, so dropping that hand-over would
 * pass; it stays, the scalar function's rule).  Each figure bit for bit the scalar
 * functions'. */
static void test_color_lanes_edges(void **state)
{
    (void)state;
    const smpf_xyz_t white = smpf_color_white(ctx);
    smpf_cast_skin_t skin;
    smpf_cast_skin(ctx, white, &skin);
    const smpf_xyz_t xyz = {0.1 * white.X, 0.1 * white.Y, 0.1 * white.Z};
    /* f values: a cast hue just above 0 (b* = 200 ulp(0.2)) */
    const double f_tiny[3] = {0.3, 0.2, nextafter(0.2, 0)};
    const double tiny_hue = smpf_lab_hue_deg(500 * (0.3 - 0.2), 200 * (0.2 - f_tiny[2]));
    assert_true(tiny_hue > 0 && 360.0 - tiny_hue == 360.0); /* d = 0 - 360 rounds to -360 */
    /* a cast whose hue h in [0, 180) has h + 180 exact: differences of exactly -180 */
    double f_half[3] = {0, 0, 0}, h_half = NAN;
    uint64_t x = 99;
    for (int tries = 0; tries < 1000 && isnan(h_half); tries++) {
        const double f[3] = {0.2 + 0.2 * test_uniform(&x), 0.3, 0.2 + 0.2 * test_uniform(&x)};
        const double h = smpf_lab_hue_deg(500 * (f[0] - f[1]), 200 * (f[1] - f[2]));
        if (h < 180 && (h + 180) - 180 == h && h - (h + 180) == -180.0)
            memcpy(f_half, f, sizeof f_half), h_half = h;
    }
    assert_false(isnan(h_half));
    const struct {
        const double *f;
        smpf_lab_t dot, ref;
        double ref_hue;
    } cases[] = {
        {f_tiny, {40, 3, -2}, {42, 2, -1}, 360.0},
        {f_half, {40, 3, -2}, {42, 2, -1}, h_half + 180},
        {f_half, {40, 3, -2}, {42, 2, -1}, (h_half + 180) - 360},
        {f_tiny, {40, 5, 0}, {45, 7, 0}, 10.0},
        {f_tiny, {40, 0, 0}, {45, 7, 0}, 10.0},
        {f_half, {40, 0, 5}, {45, 0, 7}, 10.0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        smpf_color_lanes_in_t in;
        for (int i = 0; i < SMPF_COLOR_LANES; i++) { /* the case in every lane */
            in.L[i] = cases[k].dot.L, in.a[i] = cases[k].dot.a, in.b[i] = cases[k].dot.b;
            in.xyz[0][i] = xyz.X, in.xyz[1][i] = xyz.Y, in.xyz[2][i] = xyz.Z;
            for (int ch = 0; ch < 3; ch++)
                in.f[ch][i] = cases[k].f[ch];
        }
        const smpf_color_lanes_ref_t r = {cases[k].ref, cases[k].ref_hue, ctx, &skin};
        smpf_color_lanes_out_t out;
        smpf_color_lanes(&in, &r, &out);
        const smpf_lab_t cast = smpf_cast_lab(ctx, xyz, cases[k].f, &skin);
        const double hue = smpf_lab_hue_deg(cast.a, cast.b);
        const double chroma = smpf_lab_chroma(cast.a, cast.b);
        const double want[5] = {smpf_color_de00(cases[k].dot, cases[k].ref), hue, chroma,
                                cast.L < 100.0 ? chroma / (100.0 - cast.L) : 0.0,
                                smpf_hue_diff_deg(cases[k].ref_hue, hue)};
        for (int i = 0; i < SMPF_COLOR_LANES; i++) {
            const double got[5] = {out.de00[i], out.cast_hue_deg[i], out.cast_chroma[i],
                                   out.cast_ratio[i], out.hue_shift_deg[i]};
            for (int m = 0; m < 5; m++)
                if (memcmp(&want[m], &got[m], sizeof want[m]) != 0)
                    fail_msg("case %zu lane %d figure %d: %a, the scalar functions %a", k, i, m,
                             got[m], want[m]);
        }
    }
    /* the first case's hue shift is -0: the scalar's fmod keeps the sign */
    assert_true(smpf_hue_diff_deg(360.0, tiny_hue) == 0 &&
                signbit(smpf_hue_diff_deg(360.0, tiny_hue)));
}

/* The bound the fast optics' guard uses before computing ΔE00 (smpf_color_de00_bound)
 * never falls below Little CMS's CIEDE2000: random pairs, close pairs (the guard's use),
 * neutrals (G = 0.5, the largest a' stretch) and blues near 275° (the largest rotation
 * term); and it is the ΔL* itself when only L* differs. */
static void test_de00_bound(void **state)
{
    (void)state;
    uint64_t x = 4242;
    double tightest = INFINITY, tightest_weighted = INFINITY, mean_ratio[2] = {0, 0};
    for (int i = 0; i < 200000; i++) {
        double u[7];
        for (int k = 0; k < 7; k++)
            u[k] = test_uniform(&x);
        smpf_lab_t p = {100 * u[0], 160 * u[1] - 80, 160 * u[2] - 80};
        if (i % 4 == 1) /* near-neutral */
            p.a *= 0.02, p.b *= 0.02;
        if (i % 4 == 2) { /* blue, hue ~275° */
            const double c = 5 + 40 * u[1];
            p.a = c * cos(275 * M_PI / 180), p.b = c * sin(275 * M_PI / 180);
        }
        const double size = i % 2 ? 0.3 : 30; /* close pairs and any pairs */
        const smpf_lab_t q = {p.L + size * (u[3] - 0.5), p.a + size * (u[4] - 0.5),
                              p.b + size * (u[5] - 0.5)};
        const cmsCIELab lp = {p.L, p.a, p.b}, lq = {q.L, q.a, q.b};
        const double de = cmsCIE2000DeltaE(&lp, &lq, 1, 1, 1), bound = smpf_color_de00_bound(p, q);
        const double weighted = smpf_color_de00_bound_weighted(p, q);
        if (!(de <= bound * (1 + 1e-12) + 1e-12))
            fail_msg("pair %d: ΔE00 %.6g above the bound %.6g", i, de, bound);
        if (!(de <= weighted) || !(smpf_color_de00(p, q) <= weighted))
            fail_msg("pair %d: ΔE00 %.17g above the weighted bound %.17g", i, de, weighted);
        tightest = fmin(tightest, bound / fmax(de, 1e-300));
        tightest_weighted = fmin(tightest_weighted, weighted / fmax(de, 1e-300));
        mean_ratio[0] += bound / fmax(de, 1e-300) / 200000;
        mean_ratio[1] += weighted / fmax(de, 1e-300) / 200000;
    }
    print_message("ΔE00 bound: at least %.3f x ΔE00, mean %.3f x over 200 000 pairs; weighted "
                  "bound at least %.6f x, mean %.3f x\n", tightest, mean_ratio[0],
                  tightest_weighted, mean_ratio[1]);
    assert_true(mean_ratio[1] < mean_ratio[0]);
    const smpf_lab_t a = {40, 3, -2}, b = {40.07, 3, -2};
    assert_true(fabs(smpf_color_de00_bound(a, b) - 0.07) < 1e-12);
}

/* f(t) from a nearby f(t_ref) by the series (the fast optics' guard) against the cube
 * root: within 5e-10 relative for t within 5 % of t_ref; f(t) itself otherwise and below
 * the cube-root branch. */
static void test_lab_f_near(void **state)
{
    (void)state;
    uint64_t x = 31337;
    double worst = 0;
    for (int i = 0; i < 100000; i++) {
        double u[2];
        for (int k = 0; k < 2; k++)
            u[k] = test_uniform(&x);
        const double t_ref = 0.005 + 1.2 * u[0], t = t_ref * (1 + 0.12 * (u[1] - 0.5));
        const double near = smpf_lab_f_near(t, t_ref, smpf_lab_f(t_ref)), exact = smpf_lab_f(t);
        if (fabs(t / t_ref - 1) > 0.05 || t <= SMPF_LAB_F_LIMIT || t_ref <= SMPF_LAB_F_LIMIT)
            assert_true(near == exact);
        else
            worst = fmax(worst, fabs(near / exact - 1));
    }
    print_message("f near a reference: worst relative error %.2e\n", worst);
    assert_true(worst < 5e-10);
}

/* The cast (the dot's CIELAB with the skin as white), which smpf_cast_xyz builds from the
 * dot's and the skin's cube roots, against its definition smpf_color_lab(dot, skin);
 * dark dots, light skins and skins dark enough for f's linear segment included, so that
 * both branches of f are met on either side. */
static void test_cast_is_lab_against_skin(void **state)
{
    (void)state;
    const smpf_xyz_t white = smpf_color_white(ctx);
    uint64_t x = 777;
    double worst = 0;
    for (int i = 0; i < 20000; i++) {
        double u[6];
        for (int k = 0; k < 6; k++)
            u[k] = test_uniform(&x);
        const double dim = i % 2 ? 0.05 : 1.0; /* every other dot very dark */
        const smpf_xyz_t dot = {dim * u[0] * white.X, dim * u[1] * white.Y, dim * u[2] * white.Z};
        const double skin_dim = i % 3 ? 1.0 : 0.1; /* every third skin below 0.1 white */
        const smpf_xyz_t skin = {skin_dim * (0.05 + 0.95 * u[3]) * white.X,
                                 skin_dim * (0.05 + 0.95 * u[4]) * white.Y,
                                 skin_dim * (0.05 + 0.95 * u[5]) * white.Z};
        smpf_cast_t c;
        smpf_cast_xyz(ctx, dot, skin, &c);
        const smpf_lab_t ref = smpf_color_lab(dot, skin);
        worst = fmax(worst, fabs(c.cast.L - ref.L) + fabs(c.cast.a - ref.a) + fabs(c.cast.b - ref.b));
        const smpf_lab_t d = smpf_color_lab(dot, white), s = smpf_color_lab(skin, white);
        assert_true(c.dot.L == d.L && c.dot.a == d.a && c.dot.b == d.b);
        assert_true(c.skin.L == s.L && c.skin.a == s.a && c.skin.b == s.b);
    }
    if (worst > 1e-11)
        fail_msg("cast differs from CIELAB against the skin by %g", worst);
}

static void test_perfect_reflector_is_white(void **state)
{
    (void)state;
    double one[SMPF_NWL];
    for (size_t i = 0; i < SMPF_NWL; i++)
        one[i] = 1.0;
    smpf_xyz_t w = smpf_color_xyz(ctx, one), ref = smpf_color_white(ctx);
    assert_float_equal(w.Y, 100.0, 1e-9);
    assert_float_equal(w.X, ref.X, 1e-9);
    assert_float_equal(w.Z, ref.Z, 1e-9);
    /* D65 white of the CIE 1931 observer at 5 nm: X ≈ 95.04, Z ≈ 108.88 (CIE 15:2004 Table T.3). */
    assert_float_equal(w.X, 95.04, 0.02);
    assert_float_equal(w.Z, 108.88, 0.03);
    smpf_lab_t lab = smpf_color_lab(w, ref);
    assert_float_equal(lab.L, 100.0, 1e-9);
    assert_float_equal(lab.a, 0.0, 1e-9);
    assert_float_equal(lab.b, 0.0, 1e-9);
    smpf_rgb8_t rgb = smpf_color_srgb(ctx, w);
    assert_int_equal(rgb.r, 255);
    assert_int_equal(rgb.g, 255);
    assert_int_equal(rgb.b, 255);
}

/* A flat 18 % reflector: Y = 18, so L* = 116 (0.18)^(1/3) - 16 = 49.496 (CIE 15). */
static void test_flat_18_percent_grey(void **state)
{
    (void)state;
    double r[SMPF_NWL];
    for (size_t i = 0; i < SMPF_NWL; i++)
        r[i] = 0.18;
    smpf_xyz_t xyz = smpf_color_xyz(ctx, r);
    smpf_lab_t lab = smpf_color_lab(xyz, smpf_color_white(ctx));
    assert_float_equal(lab.L, 116.0 * cbrt(0.18) - 16.0, 1e-9);
    assert_float_equal(lab.L, 49.5, 0.01);
    assert_float_equal(lab.a, 0.0, 1e-9);
    assert_float_equal(lab.b, 0.0, 1e-9);
    smpf_rgb8_t rgb = smpf_color_srgb(ctx, xyz);
    /* sRGB of 18 % grey: 255 * (1.055 * 0.18^(1/2.4) - 0.055) = 117.6 (IEC 61966-2-1). */
    assert_true(rgb.r == rgb.g && rgb.g == rgb.b);
    assert_true(abs((int)rgb.r - 118) <= 1);
}

static void test_hue_and_chroma(void **state)
{
    (void)state;
    smpf_lab_t lab = {50, -10, -10};
    assert_float_equal(smpf_color_chroma(lab), sqrt(200.0), 1e-12);
    assert_float_equal(smpf_color_hue_deg(lab), 225.0, 1e-12);
    assert_float_equal(smpf_color_hue_diff_deg(350, 10), 20.0, 1e-12);
    assert_float_equal(smpf_color_hue_diff_deg(10, 350), -20.0, 1e-12);
    assert_float_equal(smpf_color_hue_diff_deg(0, 180), 180.0, 1e-12);
}

/* Reads the numbers after BEGIN_DATA of a colord CGATS file without Little CMS. */
static size_t raw_cgats(const char *path, int skip_first_field, double *values, size_t max)
{
    char *text = test_read_file(path);
    assert_non_null(text);
    char *p = strstr(text, "BEGIN_DATA\n");
    if (!p)
        p = strstr(text, "BEGIN_DATA\r\n");
    assert_non_null(p);
    p = strchr(p, '\n') + 1;
    size_t n = 0;
    char *save, *line = strtok_r(p, "\n", &save);
    for (; line && strncmp(line, "END_DATA", 8) != 0; line = strtok_r(NULL, "\n", &save)) {
        char *s2, *tok = strtok_r(line, " \t\r", &s2);
        if (skip_first_field)
            tok = strtok_r(NULL, " \t\r", &s2);
        for (; tok && n < max; tok = strtok_r(NULL, " \t\r", &s2))
            values[n++] = strtod(tok, NULL);
    }
    free(text);
    return n;
}

static double lab_f(double t)
{
    const double d = 6.0 / 29.0;
    return t > d * d * d ? cbrt(t) : t / (3 * d * d) + 4.0 / 29.0;
}

/* CIE test colour samples: the CLI's numbers against a second computation from the raw
 * tables (all on 5 nm steps, 360-830 nm; summed over 380-780 nm as the model does). */
static void test_tcs_independent(void **state)
{
    (void)state;
    static double cmf[3 * 95], d65[107], tcs[15 * 95];
    assert_int_equal(raw_cgats("/usr/share/colord/cmf/CIE1931-2deg-XYZ.cmf", 0, cmf, 3 * 95), 285);
    assert_int_equal(raw_cgats("/usr/share/colord/illuminant/CIE-D65.sp", 0, d65, 107), 107);
    assert_int_equal(raw_cgats("/usr/share/colord/ref/CIE-TCS.sp", 1, tcs, 15 * 95), 15 * 95);
    test_run_t run = test_run_cli("color /usr/share/colord/ref/CIE-TCS.sp --format csv");
    assert_int_equal(run.status, 0);
    char *save, *line = strtok_r(run.out, "\n", &save);
    assert_string_equal(line, "sample,X,Y,Z,L,a,b,hex");
    for (int s = 0; s < 15; s++) {
        double X = 0, Y = 0, Z = 0, N = 0, Xw = 0, Zw = 0;
        for (int wl = 380; wl <= 780; wl += 5) {
            int i = (wl - 360) / 5, j = (wl - 300) / 5;
            double S = d65[j], R = tcs[s * 95 + i];
            X += R * S * cmf[i];
            Y += R * S * cmf[95 + i];
            Z += R * S * cmf[190 + i];
            N += S * cmf[95 + i];
            Xw += S * cmf[i];
            Zw += S * cmf[190 + i];
        }
        X *= 100 / N, Y *= 100 / N, Z *= 100 / N, Xw *= 100 / N, Zw *= 100 / N;
        double L = 116 * lab_f(Y / 100) - 16, a = 500 * (lab_f(X / Xw) - lab_f(Y / 100)),
               b = 200 * (lab_f(Y / 100) - lab_f(Z / Zw));
        line = strtok_r(NULL, "\n", &save);
        assert_non_null(line);
        char name[16];
        double v[6];
        assert_int_equal(sscanf(line, "%15[^,],%lf,%lf,%lf,%lf,%lf,%lf", name, &v[0], &v[1], &v[2],
                                &v[3], &v[4], &v[5]), 7);
        const double expect[6] = {X, Y, Z, L, a, b};
        for (int k = 0; k < 6; k++)
            if (fabs(v[k] - expect[k]) > 6e-5)
                fail_msg("%s value %d: CLI %.4f, independent %.6f", name, k, v[k], expect[k]);
    }
    test_run_free(&run);
}

static void test_resample_rule(void **state)
{
    (void)state;
    double x[] = {400, 500, 700}, y[] = {1, 3, 5}, out[SMPF_NWL];
    smpf_error_t err = {0};
    assert_int_equal(smpf_resample(x, y, 3, 80, out, &err), SMPF_OK);
    assert_float_equal(out[0], 1.0, 1e-12);                /* 380 nm: held from 400 nm */
    assert_float_equal(out[(450 - 380) / 5], 2.0, 1e-12);  /* linear inside */
    assert_float_equal(out[(600 - 380) / 5], 4.0, 1e-12);
    assert_float_equal(out[SMPF_NWL - 1], 5.0, 1e-12);     /* 780 nm: held from 700 nm */
    /* Data that stop 80 nm short of 780 nm with a 20 nm allowance are refused. */
    assert_int_equal(smpf_resample(x, y, 3, 20, out, &err), SMPF_ERR_DATA);
    assert_non_null(strstr(err.message, "400-700"));
    double x3[] = {380, 380, 780};
    assert_int_equal(smpf_resample(x3, y, 3, 20, out, &err), SMPF_ERR_DATA);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_de00_sharma_pairs),
        cmocka_unit_test(test_lab_de00_match_lcms),
        cmocka_unit_test(test_de00_rotation_sine),
        cmocka_unit_test(test_color_lanes_bit_identical),
        cmocka_unit_test(test_color_lanes_edges),
        cmocka_unit_test(test_de00_bound),
        cmocka_unit_test(test_lab_f_near),
        cmocka_unit_test(test_cast_is_lab_against_skin),
        cmocka_unit_test(test_perfect_reflector_is_white),
        cmocka_unit_test(test_flat_18_percent_grey),
        cmocka_unit_test(test_hue_and_chroma),
        cmocka_unit_test(test_tcs_independent),
        cmocka_unit_test(test_resample_rule),
    };
    return cmocka_run_group_tests_name("color", tests, setup, teardown);
}
