/* atan2 for the colour code's hue angles (every month of every ensemble sample), inline:
 * glibc's atan2 spends about half its time saving and restoring the rounding mode.
 *
 * The method, breakpoints and constants are fdlibm's s_atan.c and e_atan2.c as in FreeBSD's
 * msun, written anew here; their notice:
 *   Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *   Developed at SunPro, a Sun Microsystems, Inc. business.
 *   Permission to use, copy, modify, and distribute this software is freely granted,
 *   provided that this notice is preserved.
 *
 * atan(t), t >= 0: reduced by the breakpoints 7/16, 11/16, 19/16, 39/16 to |r| < 7/16
 * around 0, 1/2, 1, 3/2 or infinity, atan(t) = atan(c) + atan(r) with atan(c) as a head
 * and a tail; atan(r) = r - r^3 (a1 + a2 r^2 + ... + a11 r^20), the sum evaluated as its
 * odd and its even powers of r^2, two Horner chains in r^4.  atan2(y, x) = ±atan(|y/x|)
 * for x > 0, ±(pi - atan(|y/x|)) for x < 0, pi's tail added before its head.  fdlibm's
 * error is below 1 ulp for atan; the quotient's rounding adds up to half an ulp
 * (tests/test_atan2.c measures both against long double).  Round-to-nearest assumed.
 * Zeros, infinities, NaNs and quotients |y/x| outside [2^-60, 2^60] (where fdlibm too
 * leaves the method: the quotient may underflow or overflow) go to libm's atan2, whose
 * results they are. */
#ifndef SMPF_ATAN_INTERNAL_H
#define SMPF_ATAN_INTERNAL_H

#include <math.h>

/* |y/x| handled here; outside it (or NaN), libm's atan2 */
#define SMPF_ATAN2_RATIO_MIN 0x1p-60
#define SMPF_ATAN2_RATIO_MAX 0x1p60

/* atan(1/2), atan(1), atan(3/2), atan(inf) = pi/2: heads (double) and tails (the rest) */
static const double smpf_atan_head[4] = {0x1.dac670561bb4fp-2, 0x1.921fb54442d18p-1,
                                         0x1.f730bd281f69bp-1, 0x1.921fb54442d18p+0};
static const double smpf_atan_tail[4] = {0x1.a2b7f222f65e2p-56, 0x1.1a62633145c07p-55,
                                         0x1.007887af0cbbdp-56, 0x1.1a62633145c07p-54};
/* atan(r) = r - r^3 (a[0] + a[1] r^2 + ... + a[10] r^20) on |r| <= 7/16 */
static const double smpf_atan_poly[11] = {
    0x1.555555555550dp-2,  -0x1.999999998ebc4p-3, 0x1.24924920083ffp-3,
    -0x1.c71c6fe231671p-4, 0x1.745cdc54c206ep-4,  -0x1.3b0f2af749a6dp-4,
    0x1.10d66a0d03d51p-4,  -0x1.dde2d52defd9ap-5, 0x1.97b4b24760debp-5,
    -0x1.2b4442c6a6c2fp-5, 0x1.0ad3ae322da11p-6};
#define SMPF_ATAN_PI_HEAD 0x1.921fb54442d18p+1
#define SMPF_ATAN_PI_TAIL 0x1.1a62633145c07p-53

/* atan(t) for finite t >= 0 (fdlibm's atan without its special cases). */
static inline double smpf_atan_nonneg(double t)
{
    const double *a = smpf_atan_poly;
    int id;
    double r;
    if (t < 0.4375) {
        id = -1, r = t;
    } else if (t < 0.6875) {
        id = 0, r = (2.0 * t - 1.0) / (2.0 + t); /* (t - 1/2) / (1 + t/2) */
    } else if (t < 1.1875) {
        id = 1, r = (t - 1.0) / (t + 1.0);
    } else if (t < 2.4375) {
        id = 2, r = (t - 1.5) / (1.0 + 1.5 * t);
    } else {
        id = 3, r = -1.0 / t;
    }
    const double z = r * r, w = z * z;
    const double odd = z * (a[0] + w * (a[2] + w * (a[4] + w * (a[6] + w * (a[8] + w * a[10])))));
    const double even = w * (a[1] + w * (a[3] + w * (a[5] + w * (a[7] + w * a[9]))));
    const double poly = r * (odd + even); /* r - atan(r) */
    if (id < 0)
        return r - poly;
    return smpf_atan_head[id] - ((poly - smpf_atan_tail[id]) - r);
}

/* atan2(y, x): the angle of (x, y) in [-pi, pi]. */
static inline double smpf_atan2(double y, double x)
{
    const double t = fabs(y) / fabs(x);
    if (!(t >= SMPF_ATAN2_RATIO_MIN && t <= SMPF_ATAN2_RATIO_MAX))
        return atan2(y, x);
    const double z = smpf_atan_nonneg(t); /* y, x nonzero and finite from here on */
    if (x > 0)
        return y > 0 ? z : -z;
    return y > 0 ? SMPF_ATAN_PI_HEAD - (z - SMPF_ATAN_PI_TAIL)
                 : (z - SMPF_ATAN_PI_TAIL) - SMPF_ATAN_PI_HEAD;
}

/* smpf_atan2 without branches, for loops the compiler vectorises (model/color_lanes.c):
 * every case's arithmetic is computed and the lane's own selected, the same operations in
 * the same order, so the result is smpf_atan2's bit for bit.  Where smpf_atan2 hands over
 * to libm (|y/x| outside [2^-60, 2^60], or NaN) *handed_over is set and the result is not
 * to be used: the caller computes that lane with smpf_atan2. */
static inline double smpf_atan2_lane(double y, double x, long *handed_over)
{
    const double *a = smpf_atan_poly;
    const double t = fabs(y) / fabs(x);
    *handed_over = !((t >= SMPF_ATAN2_RATIO_MIN) & (t <= SMPF_ATAN2_RATIO_MAX));
    /* the reduction r = num / den of each interval (t / 1 is t itself); every candidate
     * computed, then the lane's selected: a compiler may not select between expressions
     * it would have to evaluate speculatively */
    const long id = (long)(t >= 0.4375) + (t >= 0.6875) + (t >= 1.1875) + (t >= 2.4375) - 1;
    const double num0 = 2.0 * t - 1.0, num1 = t - 1.0, num2 = t - 1.5;
    const double den0 = 2.0 + t, den1 = t + 1.0, den2 = 1.0 + 1.5 * t;
    const double num = id < 0 ? t : id == 0 ? num0 : id == 1 ? num1 : id == 2 ? num2 : -1.0;
    const double den = id < 0 ? 1.0 : id == 0 ? den0 : id == 1 ? den1 : id == 2 ? den2 : t;
    const double r = num / den;
    const double z = r * r, w = z * z;
    const double odd = z * (a[0] + w * (a[2] + w * (a[4] + w * (a[6] + w * (a[8] + w * a[10])))));
    const double even = w * (a[1] + w * (a[3] + w * (a[5] + w * (a[7] + w * a[9]))));
    const double poly = r * (odd + even);
    const double head = id <= 0 ? smpf_atan_head[0] : id == 1 ? smpf_atan_head[1]
                      : id == 2 ? smpf_atan_head[2] : smpf_atan_head[3];
    const double tail = id <= 0 ? smpf_atan_tail[0] : id == 1 ? smpf_atan_tail[1]
                      : id == 2 ? smpf_atan_tail[2] : smpf_atan_tail[3];
    const double near_zero = r - poly, reduced = head - ((poly - tail) - r);
    const double zz = id < 0 ? near_zero : reduced;
    const double minus_zz = -zz;
    const double upper = SMPF_ATAN_PI_HEAD - (zz - SMPF_ATAN_PI_TAIL);
    const double lower = (zz - SMPF_ATAN_PI_TAIL) - SMPF_ATAN_PI_HEAD;
    const double right = y > 0 ? zz : minus_zz, left = y > 0 ? upper : lower;
    return x > 0 ? right : left;
}

#endif
