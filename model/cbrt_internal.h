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

static inline double smpf_cbrt_pos(double x)
{
    /* P(r) ~ 1/cbrt(r) near r = 1 (Evans's minimax coefficients) */
    static const double p0 = 1.87595182427177009643;  /* 0x3ffe03e6 0f61e692 */
    static const double p1 = -1.88497979543377169875; /* 0xbffe28e0 92f02420 */
    static const double p2 = 1.621429720105354466140; /* 0x3ff9f160 4a49d6c2 */
    static const double p3 = -0.758397934778766047437; /* 0xbfe844cb bee751d9 */
    static const double p4 = 0.145996192886612446982;  /* 0x3fc2b000 d4e4edd7 */

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
    t = t * ((p0 + r * (p1 + r * p2)) + ((r * r) * r) * (p3 + r * p4));
    /* 3. rounded away from zero to 23 bits */
    memcpy(&bits, &t, sizeof bits);
    bits = (bits + SMPF_CBRT_ROUND_ADD) & SMPF_CBRT_ROUND_MASK;
    memcpy(&t, &bits, sizeof t);
    /* 4. Halley: t*t and t+t exact, x/t^2 - t exact (Sterbenz), 2t + x/t^2 ~ 3t */
    const double q = x / (t * t);
    return t + t * ((q - t) / ((t + t) + q));
}

#endif
