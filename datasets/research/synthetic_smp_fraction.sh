#!/bin/sh
# Regenerates datasets/research/synthetic_smp_fraction.csv (SYNTHETIC, seeded) from the
# library's kinetic model; see synthetic_smp_fraction.c.  Run from the repository root.
set -eu
make --no-print-directory all >/dev/null
out=build/synthetic_smp_fraction
cc -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -Imodel \
  datasets/research/synthetic_smp_fraction.c build/libsmpfade.a \
  $(pkg-config --cflags --libs gsl) -lcsv -lm -o "$out"
"$out" > datasets/research/synthetic_smp_fraction.csv
