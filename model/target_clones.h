/* Functions compiled twice on x86-64, for AVX2 and for the baseline, the machine's kind
 * chosen when the program is loaded (an ifunc: glibc).  Not under ThreadSanitizer: an
 * ifunc's resolver runs while the program is relocated, before the sanitizer's runtime
 * it would call is set up.  Not with clang, whose C front end left the cloned functions
 * undefined at link time.  Both versions compute the same bits: no contraction
 * (-ffp-contract=off), only wider registers. */
#ifndef SMPF_TARGET_CLONES_H
#define SMPF_TARGET_CLONES_H

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__GLIBC__) && \
    !defined(__SANITIZE_THREAD__)
#define SMPF_AVX2_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SMPF_AVX2_CLONES
#endif

#endif
