/* Internal to the kinetics module: the exact propagator of one sublayer and component. */
#ifndef SMPF_KINETICS_INTERNAL_H
#define SMPF_KINETICS_INTERNAL_H

#include "smpfade.h"

#include <math.h>

#include <gsl/gsl_eigen.h>

/* The dermal block (F, M, X) with rates constant over an interval:
 *   F' = -(k_cap + k_lymph + k_fib) F + k_rel M + k_xrel X
 *   M' = k_cap F - k_rel M
 *   X' = k_fib F - k_xrel X
 * plus losses that hit every compartment alike (photodegradation k_uv, biodegradation
 * k_bio), which only shift the spectrum.  The block is a star (F exchanges with M and
 * with X), so detailed balance holds: S A S^-1 is symmetric for S = diag(1,
 * sqrt(k_rel/k_cap), sqrt(k_xrel/k_fib)).  We diagonalise that symmetric matrix once
 * per component (orthogonal eigenvectors, real eigenvalues <= 0): exp(A t) =
 * S^-1 Q exp(L t) Q^T S, exact for any interval length. */
typedef struct {
    double k_lymph;     /* per day: drainage of F (the only loss inside the block) */
    double lambda[3];   /* eigenvalues */
    double left[3][3];  /* S^-1 Q */
    double right[3][3]; /* Q^T S */
} smpf_kin_block_t;

/* All rates per day; k_cap, k_rel, k_fib, k_xrel > 0, k_lymph >= 0. */
int smpf_kin_block_init(smpf_kin_block_t *b, double k_cap, double k_rel, double k_fib,
                        double k_xrel, double k_lymph, gsl_eigen_symmv_workspace *ws,
                        smpf_error_t *err);

/* The propagator's scalar factors for one interval: how much of each mode (and of E)
 * remains, and the time integral of each.  They depend only on the rates and dt, so a
 * simulation precomputes them for whole model months. */
typedef struct {
    double e_keep, e_integral;       /* E: exp(mu t) and (exp(mu t) - 1)/mu */
    double keep[3], integral[3];     /* the same per eigenmode of the dermal block */
} smpf_kin_factors_t;

void smpf_kin_factors(const smpf_kin_block_t *b, double k_epi, double k_uv, double k_bio,
                      double dt_days, smpf_kin_factors_t *out);
/* The same factors for many sublayers that share a block, k_epi and dt and differ in the
 * common loss kappa = k_uv + k_bio: expm1 of the block's own rates once
 * (smpf_kin_block_expm1), then per kappa one expm1 and the identity
 * expm1(a + b) = expm1(a) + expm1(b) + expm1(a) expm1(b). */
typedef struct {
    double dt_days, k_epi;
    double em_epi, em_mode[3]; /* expm1(-k_epi dt), expm1(lambda_i dt) */
} smpf_kin_block_expm1_t;
void smpf_kin_block_expm1(const smpf_kin_block_t *b, double k_epi, double dt_days,
                          smpf_kin_block_expm1_t *out);

/* expm1((a + b) t) from ea = expm1(a t) and eb = expm1(b t), exactly as every step
 * computes it (a macro: the vector code of kinetics_lanes.c uses it too). */
#define SMPF_KIN_EXPM1_SUM(ea, eb) ((ea) + (eb) + (ea) * (eb))

/* (exp(mu t) - 1) / mu, accurate for small |mu t| and exact (t) at mu = 0. */
static inline double smpf_kin_phi(double expm1_mu_t, double mu, double t)
{
    return mu != 0.0 ? expm1_mu_t / mu : t;
}

/* Inline: a simulation with its sinks tracked calls it for every cell of every interval
 * shorter than a month. */
static inline void smpf_kin_factors_shifted(const smpf_kin_block_t *b,
                                            const smpf_kin_block_expm1_t *e, double kappa,
                                            smpf_kin_factors_t *out)
{
    const double t = e->dt_days, em_k = expm1(-kappa * t);
    const double mu_e = -(e->k_epi + kappa);
    const double em_e = SMPF_KIN_EXPM1_SUM(e->em_epi, em_k);
    out->e_keep = 1.0 + em_e;
    out->e_integral = smpf_kin_phi(em_e, mu_e, t);
    for (int i = 0; i < 3; i++) {
        const double mu = b->lambda[i] - kappa;
        const double em = SMPF_KIN_EXPM1_SUM(e->em_mode[i], em_k);
        out->keep[i] = 1.0 + em;
        out->integral[i] = smpf_kin_phi(em, mu, t);
    }
}

/* Advances x across the interval of the factors f (inline, as above). */
static inline void smpf_kin_apply(const smpf_kin_block_t *b, const smpf_kin_factors_t *f,
                                  double k_epi, double k_uv, double k_bio,
                                  double x[SMPF_KC_COUNT])
{
    /* Epidermis: a single first-order loss. */
    const double e_int = x[SMPF_KC_E] * f->e_integral;
    x[SMPF_KC_E] *= f->e_keep;

    /* Dermal block in eigen-coordinates. */
    const double *y = &x[SMPF_KC_F];
    double grow[3], integ[3];
    for (int i = 0; i < 3; i++) {
        const double z = b->right[i][0] * y[0] + b->right[i][1] * y[1] + b->right[i][2] * y[2];
        grow[i] = z * f->keep[i];
        integ[i] = z * f->integral[i];
    }
    double y_new[3], y_int[3];
    for (int i = 0; i < 3; i++) {
        y_new[i] = b->left[i][0] * grow[0] + b->left[i][1] * grow[1] + b->left[i][2] * grow[2];
        y_int[i] = b->left[i][0] * integ[0] + b->left[i][1] * integ[1] + b->left[i][2] * integ[2];
    }
    x[SMPF_KC_F] = y_new[0];
    x[SMPF_KC_M] = y_new[1];
    x[SMPF_KC_X] = y_new[2];

    /* Sinks: the exact integrals of their inflows over the interval. */
    const double skin_int = e_int + y_int[0] + y_int[1] + y_int[2];
    x[SMPF_KC_S] += k_epi * e_int;
    x[SMPF_KC_L] += b->k_lymph * y_int[0];
    x[SMPF_KC_D] += k_uv * skin_int;
    x[SMPF_KC_B] += k_bio * skin_int;
}

/* The same propagator as one linear map, for intervals used again and again (whole model
 * months): x' = P x written out per compartment.  (F, M, X) only feed each other and the
 * sinks; E feeds S and the loss sinks. */
typedef struct {
    double e_keep;        /* E' = e_keep E */
    double s_e;           /* S += s_e E */
    double loss_e;        /* D += k_uv loss_e E, B += k_bio loss_e E (E's time integral) */
    double dermal[3][3];  /* (F, M, X)' = dermal (F, M, X) */
    double lymph[3];      /* L += lymph . (F, M, X) */
    double loss[3];       /* D += k_uv loss . (F, M, X), B += k_bio loss . (F, M, X) */
    double k_uv, k_bio;
} smpf_kin_propagator_t;

void smpf_kin_propagator(const smpf_kin_block_t *b, double k_epi, double k_uv, double k_bio,
                         double dt_days, smpf_kin_propagator_t *out);
/* The same from the interval's factors (smpf_kin_factors or smpf_kin_factors_shifted). */
void smpf_kin_propagator_of(const smpf_kin_block_t *b, const smpf_kin_factors_t *f, double k_epi,
                            double k_uv, double k_bio, smpf_kin_propagator_t *out);
static inline void smpf_kin_propagate(const smpf_kin_propagator_t *p, double x[SMPF_KC_COUNT])
{
    const double e = x[SMPF_KC_E], f = x[SMPF_KC_F], m = x[SMPF_KC_M], xr = x[SMPF_KC_X];
    const double skin_int = p->loss_e * e + p->loss[0] * f + p->loss[1] * m + p->loss[2] * xr;
    x[SMPF_KC_E] = p->e_keep * e;
    x[SMPF_KC_F] = p->dermal[0][0] * f + p->dermal[0][1] * m + p->dermal[0][2] * xr;
    x[SMPF_KC_M] = p->dermal[1][0] * f + p->dermal[1][1] * m + p->dermal[1][2] * xr;
    x[SMPF_KC_X] = p->dermal[2][0] * f + p->dermal[2][1] * m + p->dermal[2][2] * xr;
    x[SMPF_KC_S] += p->s_e * e;
    x[SMPF_KC_L] += p->lymph[0] * f + p->lymph[1] * m + p->lymph[2] * xr;
    x[SMPF_KC_D] += p->k_uv * skin_int;
    x[SMPF_KC_B] += p->k_bio * skin_int;
}

/* Advances x (SMPF_KC_COUNT amounts: E F M X S L D B) by dt_days: E loses k_epi to S;
 * every compartment in skin loses k_uv to D and k_bio to B; the dermal block as above with
 * its drainage to L.  Sinks receive the exact time integrals of their inflows. */
void smpf_kin_block_step(const smpf_kin_block_t *b, double k_epi, double k_uv, double k_bio,
                         double dt_days, double x[SMPF_KC_COUNT]);  /* factors + apply */

/* Back to time 0 with the schedule smpf_kin_sim_start was given (sessions added since are
 * dropped), keeping the rates, sun and propagators it computed: the same state as a new
 * smpf_kin_sim_start with the same arguments. */
void smpf_kin_sim_rewind(smpf_kin_sim_t *s);

/* Whether the sinks (S, L, D, B: shed, drained, photodegraded, biodegraded pigment) are
 * kept up (track != 0, the default of smpf_kin_sim_new).  Nothing in skin depends on
 * them, so a simulation that only feeds the optics may leave them out: the amounts in
 * skin and every summary figure but the sinks' totals stay the same to the last bit; the
 * sinks keep what they hold (0 after a start or rewind).  The setting holds across start,
 * rewind and restore. */
void smpf_kin_sim_track_sinks(smpf_kin_sim_t *s, int track);

#define SMPF_KIN_MAX_SUBLAYERS 1000

/* Where a simulation stands, besides its amounts (and what a snapshot saves of it). */
typedef struct {
    double t_days;
    size_t next_session;
    size_t first_open;       /* sessions before it have healed by t_days (kinetics.c) */
    double deposited;        /* sum of the sessions' deposits */
    double age_origin_days;  /* mean time the pigment now in skin was laid (see deposit) */
    /* The readout of the amounts (smpf_kin_sim_refresh, or a month's propagation on the
     * way): the pigment in skin per cell is a row of x (smpf_kin_in_skin_row); totals
     * over cells, the depth moment of the pigment in skin. */
    double total[SMPF_KC_COUNT], moment_mm;
    /* What the sinks hold, as a number no other content had (a new one at every change:
     * a rewind, a tracked advance); a snapshot that holds it need not copy them. */
    unsigned long long sinks_id;
} smpf_kin_now_t;

/* The skin parts (e_keep, dermal) of the propagators of SMPF_KIN_LANES neighbouring cells,
 * lane by lane: a month's propagation then works on whole blocks of cells at once
 * (vector registers), with one pointer to them. */
#define SMPF_KIN_LANES 4
typedef struct {
    double e_keep[SMPF_KIN_LANES];
    double dermal[3][3][SMPF_KIN_LANES];
} smpf_kin_skin_lanes_t;

/* The simulation (kinetics.c: start, sessions, advance; kinetics_state.c: what is read
 * from it, snapshots).  A cell is one sublayer j and component c, at j * ncomp + c; the
 * amounts are stored compartment by compartment, each a row of cells (smpf_kin_row).  The
 * month's propagation then runs along contiguous rows (vectorised), totals over the
 * sublayers and components are plain sums along a row in the summary's order, and the
 * pigment in skin (E, F, M, X) with its readout is one block of five rows, all a snapshot
 * copies while the sinks stay as they were. */
struct smpf_kin_sim {
    size_t nsub, ncomp;
    int skip_sinks;        /* smpf_kin_sim_track_sinks(s, 0): E, F, M, X only */
    gsl_eigen_symmv_workspace *eig;
    smpf_sun_t *sun;
    smpf_kin_params_t p;
    smpf_kin_ink_t ink;
    smpf_kin_schedule_t schedule;
    size_t start_nsessions;                           /* the schedule given at the start */
    double top_mm, dz_mm;                             /* uniform sublayer grid */
    double *mid_mm;                                   /* [cell]: its sublayer's middle */
    double k_epi_per_day;
    smpf_kin_block_t block[SMPF_KIN_MAX_COMPONENTS][2]; /* [c][0 healed, 1 healing] */
    double *k_uv_per_day;  /* [c][sublayer][month] */
    /* One whole model month's propagators, computed at first use: with the sinks tracked
     * month_step [healing][month][cell]; without, their skin parts month_skin
     * [healing][month][block of SMPF_KIN_LANES cells]. */
    smpf_kin_propagator_t *month_step;
    smpf_kin_skin_lanes_t *month_skin;
    unsigned char month_ready[2][12];
    /* The block's own exponentials over one month, the same for every month */
    smpf_kin_block_expm1_t month_em[SMPF_KIN_MAX_COMPONENTS][2];
    unsigned char month_em_ready[SMPF_KIN_MAX_COMPONENTS][2];
    /* The deposit's depth profile (kinetics.c, deposit): the shares of a unit deposit
     * laid in E and in F per sublayer, for the key it was computed with (every session of
     * a schedule, and every rerun from a snapshot, usually lays the same one). */
    struct {
        int valid;
        double sigma, z, dej, top_mm, dz_mm;
        size_t nsub;
        double *epi, *dermal; /* [sublayer] */
    } shape;
    double *x;             /* [row][cell]: E F M X, the readout's in_skin, S L D B */
    smpf_kin_now_t now;    /* with x, what a snapshot holds */
    unsigned long long last_sinks_id; /* the last id given to the sinks' content */
};

static inline size_t smpf_kin_cells(const smpf_kin_sim_t *s) { return s->nsub * s->ncomp; }

/* The amounts of compartment k, one per cell. */
static inline double *smpf_kin_row(const smpf_kin_sim_t *s, int k)
{
    return &s->x[(size_t)(k < SMPF_KC_IN_SKIN ? k : k + 1) * smpf_kin_cells(s)];
}

/* The pigment in skin E + F + M + X of each cell: the row after X, so that the pigment in
 * skin and its readout are one block. */
static inline double *smpf_kin_in_skin_row(const smpf_kin_sim_t *s)
{
    return &s->x[SMPF_KC_IN_SKIN * smpf_kin_cells(s)];
}

/* The UV photodegradation rates of component c in sublayer j, per model month. */
static inline double *smpf_kin_uv_rate(const smpf_kin_sim_t *s, size_t c, size_t j)
{
    return &s->k_uv_per_day[(c * s->nsub + j) * 12];
}

/* Rows of x, and the doubles of x in use. */
#define SMPF_KIN_ROWS (SMPF_KC_COUNT + 1)
static inline size_t smpf_kin_state_size(const smpf_kin_sim_t *s)
{
    return smpf_kin_cells(s) * SMPF_KIN_ROWS;
}

/* Reads the current state (in_skin, total, moment_mm) after any change of it; the sinks'
 * totals too when `sinks` (else they stay as last read: untracked sinks are not touched
 * by an advance, nor any sinks by a session). */
void smpf_kin_sim_refresh(smpf_kin_sim_t *s, int sinks);

/* The readout's running sums over the cells, cell by cell (the summary's order): the
 * pigment in skin per compartment and its depth moment. */
typedef struct {
    double sum[SMPF_KC_IN_SKIN], moment_mm;
} smpf_kin_tally_t;

static inline void smpf_kin_tally_cell(smpf_kin_tally_t *t, double e, double f, double m,
                                       double x, double in_skin, double mid_mm)
{
    t->sum[SMPF_KC_E] += e;
    t->sum[SMPF_KC_F] += f;
    t->sum[SMPF_KC_M] += m;
    t->sum[SMPF_KC_X] += x;
    t->moment_mm += mid_mm * in_skin;
}

/* The skin parts of the whole-month propagators of model month `month` in every cell's
 * block (what smpf_kin_factors_shifted + smpf_kin_propagator_of give e_keep and dermal, to
 * the last bit), from the month's block exponentials month_em[c][healing]. */
void smpf_kin_month_skin_prepare(const smpf_kin_sim_t *s, int healing, int month,
                                 smpf_kin_skin_lanes_t *out);
/* The pigment in skin of every cell across a whole month with the skin propagators p of
 * its blocks (the sinks untracked), taking the readout of the new state on the way
 * (kinetics_lanes.c). */
void smpf_kin_month_skin_only(smpf_kin_sim_t *s, const smpf_kin_skin_lanes_t *p);
/* The readout of the current amounts (in_skin, total and moment_mm but the sinks' totals)
 * for smpf_kin_sim_refresh (kinetics_lanes.c). */
void smpf_kin_skin_readout(smpf_kin_sim_t *s);
/* The pigment in skin of component c's cells across a part of a month (the interval of
 * em, the block's exponentials, in model month `month`), the sinks untracked: what
 * smpf_kin_factors_shifted + smpf_kin_apply give E, F, M and X, to the last bit. */
void smpf_kin_part_skin_only(smpf_kin_sim_t *s, size_t c, const smpf_kin_block_t *b,
                             const smpf_kin_block_expm1_t *em, int month);

/* Stores the sums of every cell as the readout of the pigment in skin (inline: the sums
 * then stay in registers). */
static inline void smpf_kin_take_tally(smpf_kin_sim_t *s, const smpf_kin_tally_t *t)
{
    for (int k = 0; k < SMPF_KC_IN_SKIN; k++)
        s->now.total[k] = t->sum[k];
    s->now.moment_mm = t->moment_mm;
}

#endif
