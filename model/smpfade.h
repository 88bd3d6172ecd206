/* smpfade: simulate how scalp micropigmentation and tattoo pigment fades and drifts in
 * hue, and when a touch-up is due.  The one public header of libsmpfade.
 *
 * Conventions: every function returns an int status (SMPF_OK = 0, or an smpf_status
 * code); functions that can fail take an smpf_error_t* that receives a message with its
 * context (file:line:column for data).  Units live in names.  The library never prints,
 * never exits and never reads the command line. */
#ifndef SMPFADE_H
#define SMPFADE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ===================================================================== core ==== */

#define SMPF_VERSION "0.1.0"

typedef enum {
    SMPF_OK = 0,
    SMPF_ERR_FAILURE = 1, /* anything not below: I/O, numerics, out of memory */
    SMPF_ERR_USAGE = 2,   /* a bad argument or option value from the caller */
    SMPF_ERR_DATA = 3,    /* bad input data: a file's content is malformed or out of range */
    SMPF_ERR_NOMEM = 4,
    SMPF_ERR_NUMERIC = 5  /* a solver failed to converge or produced a non-finite value */
} smpf_status;

/* A message with its context.  Functions write it only when they fail. */
typedef struct {
    int code;
    char message[640];
} smpf_error_t;

/* Sets err (when not NULL) and returns code.  printf-style. */
int smpf_error_set(smpf_error_t *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefixes an existing message, e.g. with the name of the option that led to it. */
void smpf_error_prefix(smpf_error_t *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The exit code DESIGN.md assigns to a status: 2 usage, 3 bad data, 1 anything else. */
int smpf_status_exit_code(int status);

/* ==================================================================== tables ==== */
/* CSV tables with a header row, read with libcsv.  '#' lines before or between records
 * are comments; a UTF-8 byte-order mark, CRLF line ends, quoting and blank lines are
 * accepted.  Every record must have exactly as many fields as the header. */

typedef struct smpf_table smpf_table_t;

int smpf_table_load(const char *path, smpf_table_t **out, smpf_error_t *err);
/* Parses a table held in memory; name is used in messages in place of a path. */
int smpf_table_parse(const char *name, const char *text, size_t len, smpf_table_t **out,
                     smpf_error_t *err);
void smpf_table_free(smpf_table_t *table);

const char *smpf_table_name(const smpf_table_t *table);
size_t smpf_table_rows(const smpf_table_t *table);
size_t smpf_table_cols(const smpf_table_t *table);
const char *smpf_table_header(const smpf_table_t *table, size_t col);
/* Index of the named column, or -1. */
int smpf_table_find(const smpf_table_t *table, const char *column);
/* Line number in the file where a data row starts (1-based), for messages. */
size_t smpf_table_line(const smpf_table_t *table, size_t row);
const char *smpf_table_cell(const smpf_table_t *table, size_t row, size_t col);

/* Checks that the header holds every name in required (NULL-terminated) and nothing
 * outside required and optional (NULL-terminated, may be NULL). */
int smpf_table_expect_columns(const smpf_table_t *table, const char *const *required,
                              const char *const *optional, smpf_error_t *err);
/* Reads a cell of a named column as a finite number within [min, max]; the message
 * names file, line and column.  A missing column is an error too. */
int smpf_table_number(const smpf_table_t *table, size_t row, const char *column, double min,
                      double max, double *out, smpf_error_t *err);
/* The string in a named column, non-empty. */
int smpf_table_string(const smpf_table_t *table, size_t row, const char *column,
                      const char **out, smpf_error_t *err);

/* Parses a whole string as a finite double (no trailing junk); 0 on success. */
int smpf_parse_double(const char *text, double *out);

/* ================================================================== spectra ==== */
/* The model's wavelength grid: 380-780 nm in 5 nm steps (81 samples). */

#define SMPF_WL_MIN_NM 380.0
#define SMPF_WL_STEP_NM 5.0
#define SMPF_NWL 81

double smpf_wavelength_nm(size_t i);

/* Resamples (x_nm[i], y[i]), strictly increasing x_nm, n >= 2, onto the model grid.
 * The one rule used everywhere: linear interpolation (gsl_interp_linear) inside the
 * data's range; outside it, the nearest end value is held (CIE 15:2004 §7.2.2.1).
 * Data must reach to within max_gap_nm of each end of the grid, else SMPF_ERR_DATA. */
int smpf_resample(const double *x_nm, const double *y, size_t n, double max_gap_nm,
                  double out[SMPF_NWL], smpf_error_t *err);

/* A set of named spectra read from a CGATS file (as spectrophotometers export it, and as
 * colord-data ships CIE tables), parsed with Little CMS's IT8 reader.  Fields named
 * SPEC_<nm> hold the samples; SAMPLE_ID (or SAMPLE_NAME) names each set. */
typedef struct smpf_cgats smpf_cgats_t;

int smpf_cgats_load(const char *path, smpf_cgats_t **out, smpf_error_t *err);
void smpf_cgats_free(smpf_cgats_t *c);
size_t smpf_cgats_sets(const smpf_cgats_t *c);
size_t smpf_cgats_bands(const smpf_cgats_t *c);
const double *smpf_cgats_wavelengths_nm(const smpf_cgats_t *c);
const double *smpf_cgats_values(const smpf_cgats_t *c, size_t set);
const char *smpf_cgats_sample(const smpf_cgats_t *c, size_t set);

/* ================================================================== context ==== */
/* Everything loaded once and shared read-only by threads: the CIE 1931 2° observer and
 * the D65 illuminant (from colord-data), the white point, the sRGB transform. */

typedef struct smpf_context smpf_context_t;

/* Directory that holds colord's cmf/ and illuminant/ folders: cie_dir if not NULL, else
 * the SMPF_CIE_DIR environment variable, else /usr/share/colord. */
int smpf_context_new(const char *cie_dir, smpf_context_t **out, smpf_error_t *err);
void smpf_context_free(smpf_context_t *ctx);
const char *smpf_context_cie_dir(const smpf_context_t *ctx);

/* ==================================================================== color ==== */

typedef struct { double X, Y, Z; } smpf_xyz_t;   /* perfect reflecting diffuser: Y = 100 */
typedef struct { double L, a, b; } smpf_lab_t;
typedef struct { uint8_t r, g, b; } smpf_rgb8_t;

/* Tristimulus values of a reflectance spectrum on the model grid under D65, CIE 1931 2°:
 * X = 100 Σ R S x̄ / Σ S ȳ (CIE 15:2004, 5 nm summation). */
smpf_xyz_t smpf_color_xyz(const smpf_context_t *ctx, const double reflectance[SMPF_NWL]);
/* The D65 white point from the loaded tables (Y = 100). */
smpf_xyz_t smpf_color_white(const smpf_context_t *ctx);
/* CIELAB against a given reference white (D65 for absolute colour; the surrounding
 * skin for the cast of a dot, MODEL.md §4). */
smpf_lab_t smpf_color_lab(smpf_xyz_t xyz, smpf_xyz_t white);
double smpf_color_de00(smpf_lab_t a, smpf_lab_t b);      /* CIEDE2000, kL=kC=kH=1 */
double smpf_color_chroma(smpf_lab_t lab);                /* C*ab */
double smpf_color_hue_deg(smpf_lab_t lab);               /* h_ab in [0, 360) */
/* Signed smallest difference of two hue angles, b - a, in (-180, 180]. */
double smpf_color_hue_diff_deg(double a_deg, double b_deg);
/* sRGB, 8 bits, of a D65-relative XYZ: Bradford D65->D50, then Little CMS's XYZ->sRGB
 * transform (relative colorimetric).  The D65 white gives 255,255,255. */
smpf_rgb8_t smpf_color_srgb(const smpf_context_t *ctx, smpf_xyz_t xyz);
/* "#rrggbb" into buf (8 bytes). */
void smpf_color_hex(smpf_rgb8_t rgb, char buf[8]);

/* ================================================================ pigments ==== */
/* The pigment catalogue: ink components (kinetic properties and optical spectra) and
 * inks (components with fractions), read from CSV files.  The built-in directory holds
 * components.csv, pigment_spectra.csv and inks.csv; a formulator's own files in the same
 * formats are added one by one, recognised by their header (see datasets/FORMATS.md). */

typedef struct { double median, lo, hi; } smpf_dist_t; /* median and 90 % range */

#define SMPF_NAME_MAX 64
typedef struct {
    char name[SMPF_NAME_MAX];
    char description[160];
    char source[256];
    smpf_dist_t particle_size_nm;
    smpf_dist_t uv_beta_cm2_per_J; /* k_uv = beta * UV dose rate reaching the pigment */
    smpf_dist_t k_bio_per_day;     /* biodegradation; 0 for permanent pigments */
    /* Pigment layer's absorption and reduced scattering per unit pigment volume fraction. */
    double mua_per_mm[SMPF_NWL], musp_per_mm[SMPF_NWL];
    int has_spectra;
} smpf_component_t;

#define SMPF_INK_MAX_COMPONENTS 8
typedef struct {
    char name[SMPF_NAME_MAX];
    int temporary; /* kind: 0 permanent, 1 temporary */
    char description[160];
    char source[256];
    size_t ncomponents;
    size_t component[SMPF_INK_MAX_COMPONENTS]; /* indices into the catalogue's components */
    double fraction[SMPF_INK_MAX_COMPONENTS];  /* pigment volume fractions, sum 1 */
} smpf_ink_t;

typedef struct smpf_pigments smpf_pigments_t;

/* Loads dir/components.csv, dir/pigment_spectra.csv and dir/inks.csv, in that order. */
int smpf_pigments_load(const char *dir, smpf_pigments_t **out, smpf_error_t *err);
/* Adds a user's file of any of the three kinds.  Names must be new; what an ink or a
 * spectrum refers to must already be in the catalogue (components, then spectra, then
 * inks).  A failed add leaves the catalogue as it was. */
int smpf_pigments_add_file(smpf_pigments_t *p, const char *path, smpf_error_t *err);
void smpf_pigments_free(smpf_pigments_t *p);
size_t smpf_pigments_ncomponents(const smpf_pigments_t *p);
const smpf_component_t *smpf_pigments_component(const smpf_pigments_t *p, size_t i);
int smpf_pigments_find_component(const smpf_pigments_t *p, const char *name); /* -1: none */
size_t smpf_pigments_ninks(const smpf_pigments_t *p);
const smpf_ink_t *smpf_pigments_ink(const smpf_pigments_t *p, size_t i);
const smpf_ink_t *smpf_pigments_find_ink(const smpf_pigments_t *p, const char *name);
/* Comma-separated ink names into buf, for "unknown ink; choices are ..." messages. */
void smpf_pigments_ink_names(const smpf_pigments_t *p, char *buf, size_t size);

/* ================================================================== optics ==== */
/* Light transport in a stack of plane-parallel layers for collimated light at normal
 * incidence: adding-doubling (Prahl, Jacques & Welch 1993 Appl Opt 32:559; van de Hulst
 * 1980) and an independent MCML-style Monte Carlo (Wang, Jacques & Zheng 1995 Comput
 * Methods Programs Biomed 47:131).  Henyey-Greenstein phase function.  One refractive
 * index inside the stack (n_slab), Fresnel boundaries to the media above (n_above) and
 * below (n_below).  Rd is the diffuse reflectance (light that entered the stack and came
 * back out), without the specular reflection Rsp at the top surface; Tt is the total
 * (unscattered + diffuse) transmittance; absorbed = 1 - Rsp - Rd - Tt. */

typedef struct {
    double mua_per_mm;   /* absorption coefficient, >= 0 */
    double mus_per_mm;   /* scattering coefficient, >= 0 */
    double g;            /* Henyey-Greenstein anisotropy, -0.99 .. 0.99 */
    double thickness_mm; /* > 0; INFINITY (semi-infinite) for the last layer only */
} smpf_layer_t;

typedef struct {
    const smpf_layer_t *layers; /* from the top down */
    size_t nlayers;
    double n_slab, n_above, n_below; /* refractive indices, 1 .. 3 */
} smpf_stack_t;

typedef struct {
    double Rd, Tt, Rsp;
} smpf_rt_t;

/* Checks a stack's values; the message names the layer and the field. */
int smpf_stack_check(const smpf_stack_t *stack, smpf_error_t *err);
/* Fresnel reflectance for unpolarised light going from index n_from into n_to at the
 * cosine mu_from of the angle of incidence; 1 beyond the critical angle. */
double smpf_fresnel(double n_from, double n_to, double mu_from);

/* --- adding-doubling ---
 * A workspace holds the angular quadrature (quad_points directions per hemisphere,
 * 4..64 and even; Gauss-Radau with mu = 1 as a node, split at the critical angle of a
 * mismatched surface as Prahl 1995 does) and scratch matrices: allocate once, solve per
 * wavelength.  Delta-M scaling of the phase function to quad_points Legendre terms.
 * A semi-infinite layer is doubled until its transmittance for every direction is below
 * 1e-10 (SMPF_AD_INFINITE_T_TOL). */
#define SMPF_AD_DEFAULT_QUAD_POINTS 16
#define SMPF_AD_INFINITE_T_TOL 1e-10
typedef struct smpf_ad smpf_ad_t;
int smpf_ad_new(size_t quad_points, smpf_ad_t **out, smpf_error_t *err);
void smpf_ad_free(smpf_ad_t *ws);
size_t smpf_ad_quad_points(const smpf_ad_t *ws);
int smpf_ad_solve(smpf_ad_t *ws, const smpf_stack_t *stack, smpf_rt_t *out, smpf_error_t *err);

/* Cacheable layer operators (reflection and transmission matrices for light from above
 * and from below), for callers that vary one layer and keep the others, e.g. a table of
 * reflectance against the pigment layer's absorption.  Operators belong to the quadrature
 * set by smpf_ad_set_indices: n_slab inside, split at the critical angle of an outside
 * medium n_outside (smpf_ad_solve sets it with the smaller of n_above and n_below, whose
 * total internal reflection starts first). */
typedef struct smpf_ad_op smpf_ad_op_t;
int smpf_ad_set_indices(smpf_ad_t *ws, double n_slab, double n_outside, smpf_error_t *err);
int smpf_ad_op_new(const smpf_ad_t *ws, smpf_ad_op_t **out, smpf_error_t *err);
void smpf_ad_op_free(smpf_ad_op_t *op);
/* One homogeneous layer (thickness INFINITY: semi-infinite, nothing transmitted). */
int smpf_ad_op_layer(smpf_ad_t *ws, const smpf_layer_t *layer, smpf_ad_op_t *out,
                     smpf_error_t *err);
/* The surface between the stack (n_slab) and an outside medium of index n_outside. */
int smpf_ad_op_boundary(smpf_ad_t *ws, double n_outside, smpf_ad_op_t *out, smpf_error_t *err);
/* out = top on bottom (out may be the same object as top or bottom). */
int smpf_ad_op_add(smpf_ad_t *ws, const smpf_ad_op_t *top, const smpf_ad_op_t *bottom,
                   smpf_ad_op_t *out, smpf_error_t *err);
/* Total reflectance and transmittance of an operator for unit flux at normal incidence
 * from above (the reflectance includes any specular part the operator contains). */
void smpf_ad_op_normal(const smpf_ad_t *ws, const smpf_ad_op_t *op, double *R_total,
                       double *T_total);

/* --- Monte Carlo (MCML) ---
 * Photon packets with weights, Russian roulette below weight 1e-4 (survival 1 in 10),
 * Fresnel reflection or transmission chosen at random at the outer surfaces, HG
 * sampling; gsl_rng_mt19937 seeded with seed, so a run is reproducible.  Standard errors
 * are the sample standard deviations of the per-photon tallies over sqrt(photons).  A
 * semi-infinite layer needs mua_per_mm > 0. */
typedef struct {
    double Rd, Tt, A, Rsp;
    double Rd_se, Tt_se, A_se;
    uint64_t photons;
} smpf_mc_result_t;
int smpf_mc_solve(const smpf_stack_t *stack, uint64_t photons, unsigned long seed,
                  smpf_mc_result_t *out, smpf_error_t *err);

/* ================================================================== tissue ==== */
/* The skin around and above an SMP dot as a layer stack per wavelength (MODEL.md 4):
 * epidermis with melanin, dermis with blood and wavelength-dependent scattering, the
 * pigment (a single layer, or a depth profile of slices, anywhere below the surface;
 * a slice inside the epidermis has epidermis around its pigment), and semi-infinite
 * dermis below.  Data from a directory (default datasets/): skin_types.csv,
 * tissue_constants.csv, hemoglobin_prahl.csv, pigment_layer.csv (datasets/SOURCES.md).
 * Reflectance is the diffuse reflectance Rd (specular excluded, as a spectrophotometer
 * measures it with the specular component excluded), by adding-doubling. */

typedef struct {
    int skin_type;                 /* Fitzpatrick 1..6 */
    double melanin_fraction;       /* melanosome volume fraction of the epidermis */
    double epidermis_thickness_mm;
    double blood_fraction;         /* dermal blood volume fraction */
    double saturation;             /* oxygen saturation of dermal blood */
} smpf_skin_t;

typedef struct {
    smpf_dist_t melanin_fraction, epidermis_thickness_mm, blood_fraction, saturation;
} smpf_skin_dist_t;

/* Defaults of a single-layer deposit (pigment_layer.csv; all estimates). */
typedef struct {
    smpf_dist_t depth_mm;     /* depth of the layer's centre */
    smpf_dist_t thickness_mm;
    smpf_dist_t amount;       /* pigment volume fraction in the layer */
} smpf_pigment_layer_dist_t;

typedef struct smpf_tissue smpf_tissue_t;
int smpf_tissue_load(const char *dir, smpf_tissue_t **out, smpf_error_t *err);
void smpf_tissue_free(smpf_tissue_t *t);
/* Medians for a skin type (1..6), or the distributions. */
int smpf_tissue_skin(const smpf_tissue_t *t, int skin_type, smpf_skin_t *out, smpf_error_t *err);
int smpf_tissue_skin_dist(const smpf_tissue_t *t, int skin_type, smpf_skin_dist_t *out,
                          smpf_error_t *err);
smpf_pigment_layer_dist_t smpf_tissue_pigment_layer(const smpf_tissue_t *t);
double smpf_tissue_refractive_index(const smpf_tissue_t *t);
/* Optical properties of bare epidermis and dermis at grid wavelength i (thickness_mm of
 * the epidermis from skin, dermis INFINITY). */
void smpf_tissue_epidermis(const smpf_tissue_t *t, const smpf_skin_t *skin, size_t i,
                           smpf_layer_t *out);
void smpf_tissue_dermis(const smpf_tissue_t *t, const smpf_skin_t *skin, size_t i,
                        smpf_layer_t *out);

/* A pigment deposit: component spectra (per unit volume fraction, SMPF_NWL samples each,
 * e.g. smpf_component_t.mua_per_mm) and slices with a volume fraction per component.
 * In a slice, mua = (1 - V) mua_tissue + sum_c v_c mua_c and likewise musp, with
 * V = sum_c v_c; g stays the tissue's and mus = musp / (1 - g) (similarity relation:
 * the pigments' own phase functions are not known). */
#define SMPF_PIGMENT_MAX_SLICES 32
typedef struct {
    double top_mm, thickness_mm;
    double fraction[SMPF_INK_MAX_COMPONENTS];
} smpf_pigment_slice_t;
typedef struct {
    size_t ncomponents;
    char name[SMPF_INK_MAX_COMPONENTS][SMPF_NAME_MAX];
    const double *mua_per_mm[SMPF_INK_MAX_COMPONENTS];
    const double *musp_per_mm[SMPF_INK_MAX_COMPONENTS];
    size_t nslices;
    smpf_pigment_slice_t slice[SMPF_PIGMENT_MAX_SLICES];
} smpf_pigment_profile_t;

/* One slice of an ink centred at depth_mm: volume fraction amount * the ink's fraction
 * per component.  The profile points into the catalogue, which must outlive it. */
int smpf_pigment_profile_ink(const smpf_pigments_t *p, const smpf_ink_t *ink, double depth_mm,
                             double thickness_mm, double amount, smpf_pigment_profile_t *out,
                             smpf_error_t *err);
/* A profile file: CSV with columns top_mm, thickness_mm and one column per component name
 * (volume fractions), one row per slice; slices must not overlap. */
int smpf_pigment_profile_load(const smpf_pigments_t *p, const char *path,
                              smpf_pigment_profile_t *out, smpf_error_t *err);

/* The layer stack at grid wavelength i, from the top; profile NULL: bare skin.  layers
 * must hold SMPF_TISSUE_MAX_LAYERS. */
#define SMPF_TISSUE_MAX_LAYERS (2 * SMPF_PIGMENT_MAX_SLICES + 3)
int smpf_tissue_stack(const smpf_tissue_t *t, const smpf_skin_t *skin,
                      const smpf_pigment_profile_t *profile, size_t i, smpf_layer_t *layers,
                      size_t *nlayers, smpf_error_t *err);
/* Diffuse reflectance spectra of the dot (skin with the profile) and of the bare skin
 * (either may be NULL).  SMPF_AD_SKIN_QUAD_POINTS is the quadrature the CLI uses for skin:
 * against 32 points it moves L* by <= 0.3, a* and b* by <= 0.1 and the cast ratio by
 * <= 0.003 for a carbon dot at 0.2-1.5 mm (docs/optics.md). */
#define SMPF_AD_SKIN_QUAD_POINTS 8
int smpf_tissue_reflectance(smpf_ad_t *ws, const smpf_tissue_t *t, const smpf_skin_t *skin,
                            const smpf_pigment_profile_t *profile, double R_dot[SMPF_NWL],
                            double R_skin[SMPF_NWL], smpf_error_t *err);

/* The dot against the skin around it (MODEL.md 4): both colours (D65, 2°), their
 * difference, and the cast: the dot's CIELAB with the skin's XYZ as the reference white
 * (the eye adapted to the skin), its hue, chroma and cast ratio C / (100 - L). */
typedef struct {
    smpf_xyz_t dot_xyz, skin_xyz;
    smpf_lab_t dot, skin;   /* absolute, D65 white */
    double de00, dL;        /* CIEDE2000(dot, skin); L*(dot) - L*(skin) */
    smpf_lab_t cast;        /* dot against the skin as white */
    double cast_hue_deg, cast_chroma;
    double cast_ratio;      /* C_cast / (100 - L_cast); 0 when the dot is not darker */
    int cast_ratio_defined; /* 0 when L_cast >= 100 */
} smpf_cast_t;
void smpf_cast(const smpf_context_t *ctx, const double R_dot[SMPF_NWL],
               const double R_skin[SMPF_NWL], smpf_cast_t *out);

/* ================================================================ kinetics ==== */

/* ===================================================================== sun ==== */

/* ============================================================== projection ==== */

/* ================================================================ ensemble ==== */

/* ===================================================================== fit ==== */

#ifdef __cplusplus
}
#endif
#endif /* SMPFADE_H */
