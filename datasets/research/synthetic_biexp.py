#!/usr/bin/python3
"""Writes synthetic_biexp_two_series.csv: SYNTHETIC data for tests, docs and notebooks.

Two series of 'fraction of pigment remaining' drawn from the biexp model
    y = y0 (f exp(-k1_per_day t) + (1 - f) exp(-k2_per_day t))
with shared f = 0.33, k1_per_day = 0.08, k2_per_day = 1.5e-4 and y0 = 1.00 (series A),
0.85 (series B), plus Gaussian noise of standard deviation sigma = 0.02, from Python's
random.Random(20261122) (Mersenne Twister; gauss() is reproducible across platforms).
The parameter values are illustrative, not measurements.

Usage: /usr/bin/python3 datasets/research/synthetic_biexp.py > datasets/research/synthetic_biexp_two_series.csv
"""
import math
import random

SEED = 20261122
SIGMA = 0.02
F, K1, K2 = 0.33, 0.08, 1.5e-4
SERIES = (("A", 1.00), ("B", 0.85))
T_DAYS = (0, 7, 14, 28, 56, 90, 180, 365, 730, 1095, 1460, 1825)

rng = random.Random(SEED)
print("# SYNTHETIC data (not measured), written by datasets/research/synthetic_biexp.py:")
print(f"# biexp with f = {F}, k1_per_day = {K1}, k2_per_day = {K2}, y0 = 1.00 (A) and")
print(f"# 0.85 (B), plus Gaussian noise sd {SIGMA} from random.Random({SEED}).")
print("t_days,value,sigma,series,source")
for name, y0 in SERIES:
    for t in T_DAYS:
        y = y0 * (F * math.exp(-K1 * t) + (1 - F) * math.exp(-K2 * t))
        y += rng.gauss(0.0, SIGMA)
        print(f"{t},{y:.4f},{SIGMA},{name},synthetic (seed {SEED})")
