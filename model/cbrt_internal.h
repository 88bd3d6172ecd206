/* Internal: the cube root of a positive normal double, inline, for CIELAB's f(t) (every
 * month of every sample, model/color_internal.h), where libm's cbrt is a call and a
 * longer path.  Any other argument (zero, negative, subnormal, infinite, NaN) goes to
 * libm's cbrt.  tests/test_cbrt.c measures the error against long-double cbrtl.
 *
 * The method is that of FreeBSD msun's lib/msun/src/s_cbrt.c, Bruce D. Evans's revision
 * of Sun's fdlibm cbrt (the code here is written anew; the constants are Evans's):
 *   1. a first estimate from the bits: the high word of x divided by 3 (the exponent
 *      divided by 3 and the fraction's linear share), plus the re-biased exponent with a
 *      bias that centres the error: |t/cbrt(x) - 1| < 1/32;
 *   2. t := t P(r), r = t^3/x, P a degree-4 polynomial with |1/cbrt(r) - P(r)| < 2^-23.5
 *      for |r - 1| < 1/10: t to about 23 bits;
 *   3. t rounded away from zero to 23 significant bits, so that t*t is exact and t is a
 *      little above cbrt(x);
 *   4. one Halley step in double, t := t + t (x/t^2 - t)/(2t + x/t^2): error < 0.667 ulp.
 * fdlibm's notice, which its licence asks to keep with code derived from it:
 *
 * ====================================================
 * Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *
 * Developed at SunPro, a Sun Microsystems, Inc. business.
 * Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice
 * is preserved.
 * ====================================================
 */
#ifndef SMPF_CBRT_INTERNAL_H
#define SMPF_CBRT_INTERNAL_H

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* (1023 - 1023/3 - 0.03306235651) * 2^20: the exponent bias the high word's third lacks,
 * less the bias that centres the first estimate's error. */
#define SMPF_CBRT_B1 715094163u
/* Step 3: add half of the dropped low 30 bits' range, then clear them (52 - 30 = 22
 * fraction bits kept, 23 significant bits). */
#define SMPF_CBRT_ROUND_ADD UINT64_C(0x80000000)
#define SMPF_CBRT_ROUND_MASK UINT64_C(0xffffffffc0000000)

/* P(r) ~ 1/cbrt(r) near r = 1 (Evans's minimax coefficients) */
#define SMPF_CBRT_P0 1.87595182427177009643    /* 0x3ffe03e6 0f61e692 */
#define SMPF_CBRT_P1 (-1.88497979543377169875)  /* 0xbffe28e0 92f02420 */
#define SMPF_CBRT_P2 1.621429720105354466140   /* 0x3ff9f160 4a49d6c2 */
#define SMPF_CBRT_P3 (-0.758397934778766047437) /* 0xbfe844cb bee751d9 */
#define SMPF_CBRT_P4 0.145996192886612446982   /* 0x3fc2b000 d4e4edd7 */

static inline double smpf_cbrt_pos(double x)
{
    if (!(x >= DBL_MIN && x <= DBL_MAX)) /* NaN fails both */
        return cbrt(x);
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    /* 1. the first estimate: the high word (sign bit clear) over 3, re-biased */
    bits = (uint64_t)((uint32_t)(bits >> 32) / 3u + SMPF_CBRT_B1) << 32;
    double t;
    memcpy(&t, &bits, sizeof t);
    /* 2. to 23 bits; the two halves of P evaluated independently */
    const double r = (t * t) * (t / x);
    t = t * ((SMPF_CBRT_P0 + r * (SMPF_CBRT_P1 + r * SMPF_CBRT_P2)) +
             ((r * r) * r) * (SMPF_CBRT_P3 + r * SMPF_CBRT_P4));
    /* 3. rounded away from zero to 23 bits */
    memcpy(&bits, &t, sizeof bits);
    bits = (bits + SMPF_CBRT_ROUND_ADD) & SMPF_CBRT_ROUND_MASK;
    memcpy(&t, &bits, sizeof t);
    /* 4. Halley: t*t and t+t exact, x/t^2 - t exact (Sterbenz), 2t + x/t^2 ~ 3t */
    const double q = x / (t * t);
    return t + t * ((q - t) / ((t + t) + q));
}

/* Three cube roots side by side (a colour's X, Y and Z channels), each computed as
 * smpf_cbrt_pos computes it: the same operations in the same order in every lane of a
 * 4-double vector (the 4th repeats the 3rd), so the same bits; h / 3 as the compiler
 * computes the scalar one, (h * 0xaaaaaaab) >> 33, exact for any 32-bit h.  Two or four
 * lanes to a register as the machine allows: nine divisions become three or six.  Every
 * x3[i] must be a positive normal double (tests/test_cbrt.c compares the lanes with
 * smpf_cbrt_pos).  Doubles are evaluated as doubles (FLT_EVAL_METHOD 0, as with SSE2). */
typedef double smpf_cbrt_v4 __attribute__((vector_size(4 * sizeof(double))));
typedef uint64_t smpf_cbrt_u4 __attribute__((vector_size(4 * sizeof(uint64_t))));

static inline void smpf_cbrt_pos3(const double x3[3], double out[3])
{
    const smpf_cbrt_v4 x = {x3[0], x3[1], x3[2], x3[2]};
    smpf_cbrt_u4 bits = (smpf_cbrt_u4)x;
    bits = (((bits >> 32) * UINT64_C(0xaaaaaaab) >> 33) + SMPF_CBRT_B1) << 32;
    smpf_cbrt_v4 t = (smpf_cbrt_v4)bits;
    const smpf_cbrt_v4 r = (t * t) * (t / x);
    t = t * ((SMPF_CBRT_P0 + r * (SMPF_CBRT_P1 + r * SMPF_CBRT_P2)) +
             ((r * r) * r) * (SMPF_CBRT_P3 + r * SMPF_CBRT_P4));
    bits = ((smpf_cbrt_u4)t + SMPF_CBRT_ROUND_ADD) & SMPF_CBRT_ROUND_MASK;
    t = (smpf_cbrt_v4)bits;
    const smpf_cbrt_v4 q = x / (t * t);
    const smpf_cbrt_v4 y = t + t * ((q - t) / ((t + t) + q));
    for (int i = 0; i < 3; i++)
        out[i] = y[i];
}

#endif
