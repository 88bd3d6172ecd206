/* The simulation's hot loops when the sinks are not tracked (the optics' simulation): the
 * pigment in skin of SMPF_KIN_LANES neighbouring cells at once, in vector registers.  A
 * vector operation is the same IEEE operation on each lane (GNU C vector extension, in gcc
 * and clang; -ffp-contract=off: no fused multiply-adds), so every amount is the one the
 * per-cell propagators give, to the last bit (tests/test_steady.c compares them). */
#include "kinetics_internal.h"
#include "target_clones.h"

#include <math.h>
#include <string.h>

typedef double lanes_t __attribute__((vector_size(SMPF_KIN_LANES * sizeof(double))));

#define LANES_AT(v, at)                                                                      \
    lanes_t v;                                                                               \
    memcpy(&v, at, sizeof v)

/* The functions marked SMPF_AVX2_CLONES (model/target_clones.h) hold a block in one
 * 4-double register on AVX2 machines, in two 2-double registers elsewhere. */

_Static_assert(SMPF_KIN_LANES == 4, "month_block's transpose is written for 4 lanes");

/* The readout's running sums in registers: (E, F, M, X) in the lanes of one vector, added
 * to cell by cell in the order of smpf_kin_tally_cell (each lane's sum the same), and the
 * depth moment. */
typedef struct {
    lanes_t sum;
    double moment_mm;
} lanes_tally_t;

/* Adds SMPF_KIN_LANES cells (their E, F, M, X and pigment in skin `all`) to the readout's
 * sums t, transposed to one vector per cell; mid: their sublayers' middles.  The vectors by
 * pointer: by value, a 32-byte vector argument changes the ABI between the AVX2 and the
 * baseline clones (clang refuses it; gcc's -Wpsabi without inlining). */
static inline void tally_block(lanes_tally_t *t, const lanes_t *e, const lanes_t *f,
                               const lanes_t *m, const lanes_t *x, const lanes_t *all,
                               const double *mid)
{
    const lanes_t ef02 = __builtin_shufflevector(*e, *f, 0, 4, 2, 6); /* e0 f0 e2 f2 */
    const lanes_t ef13 = __builtin_shufflevector(*e, *f, 1, 5, 3, 7);
    const lanes_t mx02 = __builtin_shufflevector(*m, *x, 0, 4, 2, 6);
    const lanes_t mx13 = __builtin_shufflevector(*m, *x, 1, 5, 3, 7);
    t->sum += __builtin_shufflevector(ef02, mx02, 0, 1, 4, 5); /* cell 0: e f m x */
    t->sum += __builtin_shufflevector(ef13, mx13, 0, 1, 4, 5);
    t->sum += __builtin_shufflevector(ef02, mx02, 2, 3, 6, 7);
    t->sum += __builtin_shufflevector(ef13, mx13, 2, 3, 6, 7);
    LANES_AT(midv, mid);
    const lanes_t moment = midv * *all;
    for (int l = 0; l < SMPF_KIN_LANES; l++)
        t->moment_mm += moment[l];
}

/* The readout's sums of the whole blocks, lt, completed with the cells from `whole` on,
 * one by one (their pigment in skin already in its row), and taken into the state. */
static void take_readout(smpf_kin_sim_t *s, const lanes_tally_t *lt, size_t whole)
{
    const size_t n = smpf_kin_cells(s);
    const double *e = smpf_kin_row(s, SMPF_KC_E), *f = smpf_kin_row(s, SMPF_KC_F);
    const double *m = smpf_kin_row(s, SMPF_KC_M), *x = smpf_kin_row(s, SMPF_KC_X);
    const double *all = smpf_kin_in_skin_row(s);
    smpf_kin_tally_t t = {{lt->sum[0], lt->sum[1], lt->sum[2], lt->sum[3]}, lt->moment_mm};
    for (size_t i = whole; i < n; i++)
        smpf_kin_tally_cell(&t, e[i], f[i], m[i], x[i], all[i], s->mid_mm[i]);
    smpf_kin_take_tally(s, &t);
}

/* A whole month of SMPF_KIN_LANES cells (rows e, f, m, x from the first of them): per cell
 * the products and sums of smpf_kin_propagate for E, F, M and X, in the same order; the
 * new pigment in skin, E + F + M + X, into all; and, when t is not NULL, the cells added to
 * the readout's sums t (mid: their sublayers' middles). */
static inline void month_block(const smpf_kin_skin_lanes_t *p, double *e, double *f, double *m,
                               double *x, double *all, lanes_tally_t *t, const double *mid)
{
    LANES_AT(ev, e);
    LANES_AT(fv, f);
    LANES_AT(mv, m);
    LANES_AT(xv, x);
    LANES_AT(keep, p->e_keep);
    LANES_AT(d00, p->dermal[0][0]);
    LANES_AT(d01, p->dermal[0][1]);
    LANES_AT(d02, p->dermal[0][2]);
    LANES_AT(d10, p->dermal[1][0]);
    LANES_AT(d11, p->dermal[1][1]);
    LANES_AT(d12, p->dermal[1][2]);
    LANES_AT(d20, p->dermal[2][0]);
    LANES_AT(d21, p->dermal[2][1]);
    LANES_AT(d22, p->dermal[2][2]);
    ev = keep * ev;
    const lanes_t f1 = d00 * fv + d01 * mv + d02 * xv;
    const lanes_t m1 = d10 * fv + d11 * mv + d12 * xv;
    const lanes_t x1 = d20 * fv + d21 * mv + d22 * xv;
    const lanes_t a = ev + f1 + m1 + x1;
    memcpy(e, &ev, sizeof ev);
    memcpy(f, &f1, sizeof f1);
    memcpy(m, &m1, sizeof m1);
    memcpy(x, &x1, sizeof x1);
    memcpy(all, &a, sizeof a);
    if (t)
        tally_block(t, &ev, &f1, &m1, &x1, &a, mid);
}

/* Per block of cells: each cell's expm1(-kappa dt) and its component's block gathered
 * into lanes (empty lanes past the last cell: kappa 0 and the component that lane would
 * have), then keep = 1 + expm1((lambda_i - kappa) t) per mode and dermal = left
 * diag(keep) right, summed from 0 in the order of smpf_kin_propagator_of.  When the
 * components repeat every block (ncomp divides SMPF_KIN_LANES: lane l holds component
 * l % ncomp), the blocks are gathered once. */
SMPF_AVX2_CLONES void smpf_kin_month_skin_prepare(const smpf_kin_sim_t *s, int healing, int month,
                                               smpf_kin_skin_lanes_t *out)
{
    const size_t n = smpf_kin_cells(s), nc = s->ncomp;
    double em_epi[SMPF_KIN_LANES], em_mode[3][SMPF_KIN_LANES];
    double left[3][3][SMPF_KIN_LANES], right[3][3][SMPF_KIN_LANES];
    for (size_t i0 = 0; i0 < n; i0 += SMPF_KIN_LANES, out++) {
        if (i0 == 0 || SMPF_KIN_LANES % nc != 0)
            for (size_t l = 0; l < SMPF_KIN_LANES; l++) {
                const size_t c = (i0 + l) % nc;
                const smpf_kin_block_t *b = &s->block[c][healing];
                const smpf_kin_block_expm1_t *e = &s->month_em[c][healing];
                em_epi[l] = e->em_epi;
                for (int r = 0; r < 3; r++) {
                    em_mode[r][l] = e->em_mode[r];
                    for (int q = 0; q < 3; q++) {
                        left[r][q][l] = b->left[r][q];
                        right[r][q][l] = b->right[r][q];
                    }
                }
            }
        double em_kappa[SMPF_KIN_LANES] = {0.0};
        for (size_t l = 0; l < SMPF_KIN_LANES && i0 + l < n; l++) {
            const size_t j = (i0 + l) / nc, c = (i0 + l) % nc;
            const double kappa = smpf_kin_uv_rate(s, c, j)[month] + s->ink.component[c].k_bio_per_day;
            em_kappa[l] = expm1(-kappa * s->month_em[c][healing].dt_days);
        }
        LANES_AT(em_k, em_kappa);
        LANES_AT(epi, em_epi);
        const lanes_t e_keep = 1.0 + SMPF_KIN_EXPM1_SUM(epi, em_k);
        memcpy(out->e_keep, &e_keep, sizeof e_keep);
        lanes_t keep[3];
        for (int r = 0; r < 3; r++) {
            LANES_AT(mode, em_mode[r]);
            keep[r] = 1.0 + SMPF_KIN_EXPM1_SUM(mode, em_k);
        }
        for (int r = 0; r < 3; r++)
            for (int q = 0; q < 3; q++) {
                lanes_t d = (lanes_t){0.0};
                for (int k = 0; k < 3; k++) {
                    LANES_AT(lk, left[r][k]);
                    LANES_AT(rk, right[k][q]);
                    d += lk * keep[k] * rk;
                }
                memcpy(out->dermal[r][q], &d, sizeof d);
            }
    }
}

/* Block by block, the readout's sums on the way; a last, partial block is worked on in a
 * copy padded with empty cells, its cells then summed one by one. */
SMPF_AVX2_CLONES void smpf_kin_month_skin_only(smpf_kin_sim_t *s, const smpf_kin_skin_lanes_t *p)
{
    const size_t n = smpf_kin_cells(s);
    double *row[SMPF_KC_IN_SKIN + 1] = {smpf_kin_row(s, SMPF_KC_E), smpf_kin_row(s, SMPF_KC_F),
                                        smpf_kin_row(s, SMPF_KC_M), smpf_kin_row(s, SMPF_KC_X),
                                        smpf_kin_in_skin_row(s)};
    const size_t whole = n - n % SMPF_KIN_LANES;
    lanes_tally_t lt = {(lanes_t){0.0}, 0.0};
    for (size_t i = 0; i < whole; i += SMPF_KIN_LANES, p++)
        month_block(p, row[0] + i, row[1] + i, row[2] + i, row[3] + i, row[4] + i, &lt,
                    s->mid_mm + i);
    if (whole < n) {
        double part[SMPF_KC_IN_SKIN + 1][SMPF_KIN_LANES] = {{0.0}};
        for (int k = 0; k < SMPF_KC_IN_SKIN; k++)
            memcpy(part[k], row[k] + whole, (n - whole) * sizeof(double));
        month_block(p, part[0], part[1], part[2], part[3], part[4], NULL, NULL);
        for (int k = 0; k <= SMPF_KC_IN_SKIN; k++)
            memcpy(row[k] + whole, part[k], (n - whole) * sizeof(double));
    }
    take_readout(s, &lt, whole);
}

/* The readout of the current amounts: what smpf_kin_sim_refresh computes cell by cell,
 * whole blocks of cells in vectors (the same sums in the same order). */
SMPF_AVX2_CLONES void smpf_kin_skin_readout(smpf_kin_sim_t *s)
{
    const size_t n = smpf_kin_cells(s), whole = n - n % SMPF_KIN_LANES;
    const double *e = smpf_kin_row(s, SMPF_KC_E), *f = smpf_kin_row(s, SMPF_KC_F);
    const double *m = smpf_kin_row(s, SMPF_KC_M), *x = smpf_kin_row(s, SMPF_KC_X);
    double *all = smpf_kin_in_skin_row(s);
    lanes_tally_t lt = {(lanes_t){0.0}, 0.0};
    for (size_t i = 0; i < whole; i += SMPF_KIN_LANES) {
        LANES_AT(ev, e + i);
        LANES_AT(fv, f + i);
        LANES_AT(mv, m + i);
        LANES_AT(xv, x + i);
        const lanes_t a = ev + fv + mv + xv;
        memcpy(all + i, &a, sizeof a);
        tally_block(&lt, &ev, &fv, &mv, &xv, &a, s->mid_mm + i);
    }
    for (size_t i = whole; i < n; i++)
        all[i] = e[i] + f[i] + m[i] + x[i];
    take_readout(s, &lt, whole);
}

/* A part of a month of SMPF_KIN_LANES cells of one component (rows e, f, m, x from the
 * first of them), from the block's exponentials e and each cell's expm1(-kappa dt): what
 * smpf_kin_factors_shifted and smpf_kin_apply do to E, F, M and X (their keep factors, the
 * eigen-coordinates grown and turned back), the same operations in the same order. */
static inline void part_block(const smpf_kin_block_t *b, const smpf_kin_block_expm1_t *e,
                              const double *em_kappa, double *e_row, double *f, double *m,
                              double *x)
{
    LANES_AT(em_k, em_kappa);
    LANES_AT(ev, e_row);
    LANES_AT(fv, f);
    LANES_AT(mv, m);
    LANES_AT(xv, x);
    ev = ev * (1.0 + SMPF_KIN_EXPM1_SUM(e->em_epi, em_k));
    lanes_t grow[3];
    for (int i = 0; i < 3; i++) {
        const lanes_t z = b->right[i][0] * fv + b->right[i][1] * mv + b->right[i][2] * xv;
        grow[i] = z * (1.0 + SMPF_KIN_EXPM1_SUM(e->em_mode[i], em_k));
    }
    lanes_t y[3];
    for (int i = 0; i < 3; i++)
        y[i] = b->left[i][0] * grow[0] + b->left[i][1] * grow[1] + b->left[i][2] * grow[2];
    memcpy(e_row, &ev, sizeof ev);
    memcpy(f, &y[0], sizeof y[0]);
    memcpy(m, &y[1], sizeof y[1]);
    memcpy(x, &y[2], sizeof y[2]);
}

/* Each sublayer's expm1(-kappa dt) first (no calls in the blocks' loop), then blocks of
 * SMPF_KIN_LANES sublayers: in place when they are neighbouring cells (one component),
 * else gathered from the component's cells, padded with empty ones at the end, and
 * scattered back. */
SMPF_AVX2_CLONES void smpf_kin_part_skin_only(smpf_kin_sim_t *s, size_t c, const smpf_kin_block_t *b,
                                           const smpf_kin_block_expm1_t *em, int month)
{
    const size_t n = s->nsub, nc = s->ncomp;
    const double k_bio = s->ink.component[c].k_bio_per_day;
    double em_kappa[SMPF_KIN_MAX_SUBLAYERS + SMPF_KIN_LANES];
    for (size_t j = 0; j < n; j++) {
        const double kappa = smpf_kin_uv_rate(s, c, j)[month] + k_bio;
        em_kappa[j] = expm1(-kappa * em->dt_days);
    }
    memset(&em_kappa[n], 0, SMPF_KIN_LANES * sizeof em_kappa[0]);
    double *row[SMPF_KC_IN_SKIN] = {smpf_kin_row(s, SMPF_KC_E), smpf_kin_row(s, SMPF_KC_F),
                                    smpf_kin_row(s, SMPF_KC_M), smpf_kin_row(s, SMPF_KC_X)};
    for (size_t j0 = 0; j0 < n; j0 += SMPF_KIN_LANES) {
        const size_t w = n - j0 < SMPF_KIN_LANES ? n - j0 : SMPF_KIN_LANES, at = j0 * nc + c;
        if (nc == 1 && w == SMPF_KIN_LANES) {
            part_block(b, em, &em_kappa[j0], row[0] + at, row[1] + at, row[2] + at, row[3] + at);
            continue;
        }
        double x[SMPF_KC_IN_SKIN][SMPF_KIN_LANES] = {{0.0}};
        for (int k = 0; k < SMPF_KC_IN_SKIN; k++)
            for (size_t l = 0; l < w; l++)
                x[k][l] = row[k][at + l * nc];
        part_block(b, em, &em_kappa[j0], x[0], x[1], x[2], x[3]);
        for (int k = 0; k < SMPF_KC_IN_SKIN; k++)
            for (size_t l = 0; l < w; l++)
                row[k][at + l * nc] = x[k][l];
    }
}
