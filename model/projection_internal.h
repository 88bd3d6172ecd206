/* Internal: the projection workspace, shared by the projection's own files. */
#ifndef SMPF_PROJECTION_INTERNAL_H
#define SMPF_PROJECTION_INTERNAL_H

#include "color_internal.h"
#include "smpfade.h"

#include <pthread.h>

#define PROJECTION_SUBLAYERS 12 /* depth resolution of the deposit, kinetics and optics */
#define PROJECTION_TABLE_CACHE 16 /* fast-optics tables a projector keeps (one per setup) */
#define PROJECTION_ROOT_TOL_DAYS 0.25 /* crossing times' tolerance: ensembles bin them by day */

typedef struct optics_table optics_table_t;

/* A fast-optics table shared by the projectors of several threads (an ensemble's optical
 * stratum): made by the first projector that needs it, under the lock. */
typedef struct {
    pthread_mutex_t lock;
    optics_table_t *_Atomic table;
} fast_shared_t;

struct smpf_projector {
    const smpf_context_t *ctx;
    const smpf_pigments_t *pigments;
    const smpf_tissue_t *tissue;
    smpf_kin_sim_t *sim;
    smpf_kin_snapshot_t *snap;
    smpf_ad_t *ad;
    smpf_pigment_profile_t profile;
    double R_skin[SMPF_NWL], R_dot[SMPF_NWL];
    smpf_cast_skin_t skin; /* the bare skin's colour, for every cast */
    size_t optics_evaluations;
    smpf_optics_mode_t mode;
    optics_table_t *table; /* the current projection's table (fast mode), or NULL */
    int table_ready;       /* table selected for the current projection */
    fast_shared_t *shared; /* a table shared with other projectors, or NULL */
    optics_table_t *cache[PROJECTION_TABLE_CACHE];
    size_t ncached, next_evict;
    double *scratch; /* matrices for the table's adding */
    smpf_ad_t *ad_jac; /* the fast optics' derivatives' quadrature (projection_fast_node.c) */
    double root_tol_days; /* crossing times' tolerance; 0: PROJECTION_ROOT_TOL_DAYS (a test's
                             reference may tighten it) */
};

/* Points the profile at the ink's component spectra in the catalogue. */
int projection_set_ink(smpf_projector_t *pj, const smpf_kin_ink_t *ink, smpf_error_t *err);
/* The bare skin's reflectance, once per projection (direct mode). */
int projection_skin(smpf_projector_t *pj, const smpf_project_params_t *par, smpf_error_t *err);
/* The dot's colour against the skin from the simulation's current state: the dot's side
 * (smpf_cast_dot_against: the cast, its figures and the dot-skin ΔE00 NaN;
 * smpf_cast_complete adds the cast) and its f(X/Xn), f(Y/Yn), f(Z/Zn) in f_dot. */
int projection_dot(smpf_projector_t *pj, const smpf_project_params_t *par, smpf_cast_t *cast,
                   double f_dot[3], smpf_kin_summary_t *summary, smpf_error_t *err);
/* The volume-fraction profile of the simulation's current state (direct path). */
void projection_fill_profile(smpf_projector_t *pj, const smpf_project_params_t *par,
                             const smpf_kin_summary_t *summary);

/* --- fast optics (projection_fast.c) ---
 * The dot's XYZ interpolated in a lazily filled table over the pigment columns, per
 * setup (skin, deposit geometry, ink).  Returns SMPF_OK with *done = 0 when the state
 * lies outside what the table covers (the caller then evaluates directly). */
int fast_table_select(smpf_projector_t *pj, const smpf_project_params_t *par, smpf_error_t *err);
typedef struct {
    smpf_xyz_t xyz;
    double f[3]; /* CIELAB's f(X/Xn), f(Y/Yn), f(Z/Zn), when have_f: the guard computed them */
    int have_f;
} fast_dot_t;
int fast_dot_xyz(smpf_projector_t *pj, const smpf_kin_summary_t *summary, double column_mm,
                 fast_dot_t *dot, int *done, smpf_error_t *err);
/* The XYZ of the dot with the profile in pj->profile (on the table's grid), solved with the
 * table's cached skin above and dermis below and its tabulated slice operators (as a
 * node): the fallback when interpolation does not apply. */
int fast_profile_xyz(smpf_projector_t *pj, smpf_xyz_t *dot, smpf_error_t *err);
const double *fast_skin_reflectance(const optics_table_t *t);
/* Shared tables: a slot starts empty; clearing frees its table (no projector may still
 * use it); a projector given a slot uses its table for the setups that match it. */
int fast_shared_init(fast_shared_t *s, smpf_error_t *err);
void fast_shared_clear(fast_shared_t *s);
void projection_share_tables(smpf_projector_t *pj, fast_shared_t *s);
void fast_table_free(optics_table_t *t);

#endif
