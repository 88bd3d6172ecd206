/* A double-precision closeness check for the kinetics and sun tests (cmocka's
 * assert_float_equal works in single precision). */
#ifndef SMPF_KINETICS_TEST_UTIL_H
#define SMPF_KINETICS_TEST_UTIL_H

#include <math.h>

#define assert_near(actual, expected, tol)                                                   \
    do {                                                                                     \
        const double a_ = (actual), e_ = (expected), t_ = (tol);                             \
        if (!(fabs(a_ - e_) <= t_))                                                          \
            fail_msg("%s = %.17g, expected %.17g (tolerance %g)", #actual, a_, e_, t_);     \
    } while (0)

#endif
