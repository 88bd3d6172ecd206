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

/* SMPF_OK when all n values are finite; else SMPF_ERR_NUMERIC with a message naming what
 * (e.g. "projection: L* at 3650 days"), the first bad value's 1-based index and whether it
 * is NaN or an infinity.  Called on every result before it reaches the output. */
int smpf_check_finite(const double *v, size_t n, const char *what, smpf_error_t *err);

/* Length in bytes of the valid UTF-8 sequence (RFC 3629: no overlong forms, surrogates or
 * code points above U+10FFFF) that starts text, 1 for ASCII, 0 if none starts there.
 * text must be NUL-terminated (and not at its NUL). */
size_t smpf_utf8_sequence_length(const char *text);
/* 1 if the whole NUL-terminated string is valid UTF-8, else 0. */
int smpf_utf8_valid(const char *text);

/* ==================================================================== tables ==== */
/* CSV tables with a header row, read with libcsv.  '#' lines before or between records
 * are comments (but a line starting with a spreadsheet error value such as #N/A is data);
 * a UTF-8 byte-order mark, CRLF line ends, quoting and blank lines are accepted; spaces
 * around unquoted fields are trimmed.  Every record must have exactly as many fields as the header. */

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
/* The string in a named column, non-empty and valid UTF-8 (names and descriptions reach
 * JSON output, which must be UTF-8; a Latin-1 export is refused with file:line:column). */
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
/* The same from bytes in memory; name is used in messages in place of a path. */
int smpf_cgats_parse_mem(const char *name, const void *bytes, size_t len, smpf_cgats_t **out,
                         smpf_error_t *err);
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
/* The same from the dot's and the skin's tristimulus values (D65, Y = 100). */
void smpf_cast_xyz(const smpf_context_t *ctx, smpf_xyz_t dot, smpf_xyz_t skin, smpf_cast_t *out);

/* ================================================================ kinetics ==== */
/* Pigment clearance (MODEL.md §3).  Per ink component and per depth sublayer a linear
 * compartment model: E (epidermis / wound), F (free dermal), M (macrophage-held),
 * X (fibroblast / matrix-held) and the sinks S (shed with the epidermis), L (lymph
 * nodes), D (photodegraded), B (biodegraded).  Rates are constant between events (model
 * month boundaries, sessions, the end of each healing window) and the state is advanced
 * exactly across each interval (eigen-decomposition of the symmetrised dermal block; see
 * docs/kinetics.md).  Amounts are in units of the target density: a schedule whose
 * sessions reach density 1 holds 1 unit of pigment in skin just after the last session. */

typedef enum {
    SMPF_KC_E = 0, SMPF_KC_F, SMPF_KC_M, SMPF_KC_X, /* pigment in skin */
    SMPF_KC_S, SMPF_KC_L, SMPF_KC_D, SMPF_KC_B,     /* sinks */
    SMPF_KC_COUNT
} smpf_kin_compartment;
#define SMPF_KC_IN_SKIN 4 /* E, F, M, X are the first four */

/* The client: where and how they live in the sun. */
typedef struct {
    int skin_type;                 /* Fitzpatrick 1-6; not used by the kinetics: UV
                                      transmission 290-341 nm does not depend on phototype
                                      (Meinhardt et al. 2008) */
    double latitude_deg;           /* + north */
    double outdoor_hours_per_day;  /* spread evenly over the daylight hours */
    double spf;                    /* sunscreen SPF (>= 1) */
    double sunscreen_use_fraction; /* share of outdoor time with sunscreen on */
    double hat_fraction;           /* share of outdoor time with a hat on */
    double hair_cover_fraction;    /* share of the scalp's UV that hair blocks */
} smpf_client_t;

/* Skin type 2, latitude 50 N, 2 h outdoors a day, no sunscreen, no hat, shaved scalp. */
void smpf_client_default(smpf_client_t *c);
/* Checks ranges; the message names the field. */
int smpf_client_check(const smpf_client_t *c, smpf_error_t *err);

/* Global kinetic and sun parameters, loaded from datasets/kinetics_params.csv.  Each is an
 * uncertain quantity (median and 90 % range) so the ensemble and the fitter can sample or
 * fit any of them by name; value[] holds what the simulation uses (the medians after
 * loading). */
typedef enum {
    SMPF_KP_TAU_TURNOVER_DAYS = 0,
    SMPF_KP_EPIDERMIS_THICKNESS_MM,
    SMPF_KP_NEEDLE_DEPTH_MM,
    SMPF_KP_DEPOSIT_WIDTH_MM,
    SMPF_KP_K_CAP_PER_DAY,
    SMPF_KP_K_REL_PER_DAY,
    SMPF_KP_K_FIB_PER_DAY,
    SMPF_KP_K_XREL_PER_DAY,
    SMPF_KP_K_LYMPH0_PER_DAY,
    SMPF_KP_LYMPH_D50_NM,
    SMPF_KP_LYMPH_HILL,
    SMPF_KP_HEALING_DAYS,
    SMPF_KP_LYMPH_HEALED_RATIO,
    SMPF_KP_UVB_1PCT_DEPTH_MM,
    SMPF_KP_UVA_1PCT_DEPTH_MM,
    SMPF_KP_ERYTHEMAL_UVB_FRACTION,
    SMPF_KP_OZONE_DU,
    SMPF_KP_CLOUD_FACTOR,
    SMPF_KP_SCALP_EXPOSURE_RATIO,
    SMPF_KP_HAT_TRANSMISSION,
    SMPF_KP_DOT_DIAMETER_MM,
    SMPF_KP_DOT_SPACING_MM,
    SMPF_KP_D_LAT_MM2_PER_DAY,
    SMPF_KP_INK_SKIN_UPTAKE_FRACTION,
    SMPF_KP_COUNT
} smpf_kin_param_id;

/* What the data file says about one parameter. */
typedef struct {
    double median, lo, hi;   /* 90 % range */
    int estimate;            /* 1: an estimate (no direct measurement) */
    char distribution[16];   /* "lognormal" or "logitnormal" (fractions) */
    char source[256];
} smpf_kin_param_info_t;

typedef struct {
    double value[SMPF_KP_COUNT];
    smpf_kin_param_info_t info[SMPF_KP_COUNT];
} smpf_kin_params_t;

/* Name of a parameter with its unit ("k_cap_per_day"), or NULL for a bad id. */
const char *smpf_kin_param_name(int id);
/* Id of a named parameter, or -1. */
int smpf_kin_param_find(const char *name);
/* Physical bounds a value must lie in (rates > 0, fractions in (0, 1], ...). */
void smpf_kin_param_bounds(int id, double *min, double *max);
/* Loads every parameter from a CSV (name,median,lo,hi,unit,kind,distribution,source); each
 * must appear exactly once.  value[] = medians. */
int smpf_kin_params_load(const char *path, smpf_kin_params_t *out, smpf_error_t *err);
/* Sets a parameter by name, checking its bounds (for the ensemble and the fitter). */
int smpf_kin_params_set(smpf_kin_params_t *p, const char *name, double value,
                        smpf_error_t *err);

/* Kinetic properties of one ink component, as the simulation uses them. */
typedef struct {
    char name[64];
    double fraction;           /* share of the ink's pigment */
    double particle_size_nm;   /* drives lymphatic drainage */
    double uv_beta_cm2_per_J;  /* k_uv = beta * erythemal UV dose rate at the pigment */
    double k_bio_per_day;      /* biodegradation (temporary pigments), else 0 */
} smpf_kin_component_t;

#define SMPF_KIN_MAX_COMPONENTS 8
typedef struct {
    char name[64];
    int temporary;
    size_t ncomponents;
    smpf_kin_component_t component[SMPF_KIN_MAX_COMPONENTS];
} smpf_kin_ink_t;

/* An ink of the pigment catalogue with each component's median properties. */
int smpf_kin_ink_from_catalogue(const smpf_pigments_t *cat, const char *ink_name,
                                smpf_kin_ink_t *out, smpf_error_t *err);

/* Lymphatic drainage rate of free pigment in a healing wound: k_L0 / (1 + (d/d50)^h). */
double smpf_kin_lymph_rate_per_day(const smpf_kin_params_t *p, double particle_size_nm);

/* A session deposits pigment so that the pigment in skin reaches target_density (it tops
 * up what remains; a session finding more than its target deposits nothing). */
typedef struct {
    double t_days;           /* from the first session */
    double target_density;   /* 1 = full density */
    double needle_depth_mm;  /* centre of the Gaussian deposit */
    double deposit_width_mm; /* w: the Gaussian's sigma is w / 2 */
} smpf_kin_session_t;

#define SMPF_KIN_MAX_SESSIONS 32
#define SMPF_DEFAULT_START_DAY 121.0 /* 1 May: the first session of the documented defaults */
typedef struct {
    double start_day_of_year;  /* calendar day (1-365) of the first session */
    size_t nsessions;
    smpf_kin_session_t session[SMPF_KIN_MAX_SESSIONS];
} smpf_kin_schedule_t;

/* Three sessions 14 days apart reaching 30 %, 70 % and 100 % density (MODEL.md §3),
 * needle depth and width from the parameter medians, starting on day start_day_of_year. */
void smpf_kin_schedule_default(const smpf_kin_params_t *p, double start_day_of_year,
                               smpf_kin_schedule_t *out);
/* n building sessions interval_days apart: n <= 3 are the last n of the default build
 * (1: 100 %; 2: 70, 100 %; 3: 30, 70, 100 %); sessions beyond three top up to full
 * density again. */
void smpf_kin_schedule_sessions(const smpf_kin_params_t *p, size_t n, double interval_days,
                                double start_day_of_year, smpf_kin_schedule_t *out);
/* Adds a touch-up to full density at t_days (after the last session) at the default depth. */
int smpf_kin_schedule_add_touchup(smpf_kin_schedule_t *s, const smpf_kin_params_t *p,
                                  double t_days, smpf_error_t *err);

/* Converts ink used in a session (mg/cm^2) into pigment that enters the skin: only a
 * fraction does (ink_skin_uptake_fraction, BfR).  The simulation itself works with
 * pigment in skin; this is the one place the factor is applied. */
double smpf_kin_ink_in_skin_mg_per_cm2(const smpf_kin_params_t *p, double ink_used_mg_per_cm2);

/* The simulation: allocate once, start per client, advance, read. */
typedef struct smpf_kin_sim smpf_kin_sim_t;

int smpf_kin_sim_new(size_t nsublayers, smpf_kin_sim_t **out, smpf_error_t *err);
void smpf_kin_sim_free(smpf_kin_sim_t *sim);
/* Precomputes rates, depth grid and monthly UV for a client; t = 0, nothing deposited yet. */
int smpf_kin_sim_start(smpf_kin_sim_t *sim, const smpf_kin_params_t *p,
                       const smpf_kin_ink_t *ink, const smpf_client_t *client,
                       const smpf_kin_schedule_t *schedule, smpf_error_t *err);
/* Advances to t_days (>= the current time), applying every session up to and including
 * t_days.  No allocation. */
int smpf_kin_sim_advance(smpf_kin_sim_t *sim, double t_days, smpf_error_t *err);

double smpf_kin_sim_time_days(const smpf_kin_sim_t *sim);
size_t smpf_kin_sim_nsublayers(const smpf_kin_sim_t *sim);
size_t smpf_kin_sim_ncomponents(const smpf_kin_sim_t *sim);
void smpf_kin_sim_sublayer(const smpf_kin_sim_t *sim, size_t i, double *top_mm,
                           double *thickness_mm);
/* Amount in one compartment of one sublayer and component. */
double smpf_kin_sim_amount(const smpf_kin_sim_t *sim, size_t sublayer, size_t component,
                           smpf_kin_compartment c);
/* Pigment in skin (E + F + M + X) of one sublayer and component: what the optics take. */
double smpf_kin_sim_in_skin(const smpf_kin_sim_t *sim, size_t sublayer, size_t component);
/* First-order photodegradation rate in a sublayer for a component in model month m (0-11,
 * counted from the first session). */
double smpf_kin_sim_uv_rate_per_day(const smpf_kin_sim_t *sim, size_t sublayer,
                                    size_t component, int month);

/* Appends a session at or after the current time (a touch-up decided while running); it
 * must lie inside the depth grid fixed at start (the same needle depth and width). */
int smpf_kin_sim_add_session(smpf_kin_sim_t *sim, const smpf_kin_session_t *session,
                             smpf_error_t *err);
/* A saved state to return to (root finding looks back into the last step): time, amounts,
 * sessions applied and added.  A snapshot belongs to the simulation it was made for. */
typedef struct smpf_kin_snapshot smpf_kin_snapshot_t;
int smpf_kin_snapshot_new(const smpf_kin_sim_t *sim, smpf_kin_snapshot_t **out,
                          smpf_error_t *err);
void smpf_kin_snapshot_free(smpf_kin_snapshot_t *snap);
void smpf_kin_sim_save(const smpf_kin_sim_t *sim, smpf_kin_snapshot_t *snap);
void smpf_kin_sim_restore(smpf_kin_sim_t *sim, const smpf_kin_snapshot_t *snap);

typedef struct {
    double t_days;
    double deposited;                    /* total deposited so far */
    double in_skin;                      /* E + F + M + X */
    double fraction_remaining;           /* in_skin / deposited (0 before any deposit) */
    double compartment[SMPF_KC_COUNT];   /* totals over sublayers and components */
    double centroid_depth_mm;            /* of the pigment in skin */
    double dot_sigma_mm;                 /* lateral Gaussian sigma of the dot */
    double dot_fwhm_mm;
    double blur_ratio;                   /* dot FWHM / dot spacing (> 1: dots merge) */
    double peak_dilution;                /* sigma0^2 / sigma^2: areal density at the
                                            dot centre relative to the fresh dot */
} smpf_kin_summary_t;

void smpf_kin_sim_summary(const smpf_kin_sim_t *sim, smpf_kin_summary_t *out);

/* ===================================================================== sun ==== */
/* Monthly erythemal UV on the scalp (MODEL.md §3).  Clear-sky UV index from solar
 * geometry, UVI = 12.5 mu0^2.42 (ozone/300 DU)^-1.23 (Madronich 2007); 1 UVI = 25 mW/m^2
 * erythemally weighted.  Model months are twelfths of the year (30.44 days); the
 * simulation counts them from the first session. */


#define SMPF_DAYS_PER_YEAR 365.25
#define SMPF_DAYS_PER_MONTH (SMPF_DAYS_PER_YEAR / 12.0)

/* Solar declination (deg) at local noon of a day of the year (1 = 1 January, fractional
 * allowed; low-precision almanac formula for the year 2001, ~0.01 deg). */
double smpf_sun_declination_deg(double day_of_year);
double smpf_sun_cos_zenith(double latitude_deg, double declination_deg, double hour_angle_deg);
/* Hours between sunrise and sunset (geometric, no refraction): 0 to 24. */
double smpf_sun_daylength_hours(double latitude_deg, double declination_deg);
/* Clear-sky UV index (Madronich 2007); 0 for cos_zenith <= 0. */
double smpf_sun_uvi_clear(double cos_zenith, double ozone_DU);

typedef struct smpf_sun smpf_sun_t;
int smpf_sun_new(smpf_sun_t **out, smpf_error_t *err);
void smpf_sun_free(smpf_sun_t *sun);
/* Clear-sky erythemal dose on a horizontal surface over one day (J/m^2), by Gauss-Legendre
 * quadrature over the hour angle between sunrise and sunset. */
double smpf_sun_daily_dose_clear_J_per_m2(const smpf_sun_t *sun, double latitude_deg,
                                          double day_of_year, double ozone_DU);
/* Mean daily erythemal dose reaching the client's scalp surface in each of 12 model
 * months (J/cm^2 per day): clear sky x cloud factor x outdoor share of daylight x scalp
 * exposure x hair x hat x sunscreen.  Month m covers the days first_day_of_year +
 * [m, m + 1) x SMPF_DAYS_PER_MONTH (first_day_of_year 1: month 0 starts on 1 January). */
int smpf_sun_scalp_dose_monthly(const smpf_sun_t *sun, const smpf_client_t *client,
                                const smpf_kin_params_t *p, double first_day_of_year,
                                double dose_J_per_cm2_per_day[12], smpf_error_t *err);
/* Mean fraction of the surface erythemal dose reaching the layer [top_mm, bottom_mm]:
 * UVB (300 nm) and UVA (360 nm) bands each fall exponentially to 1 % at their depth
 * (SCENIHR 2012), weighted by the UVB share of the erythemal dose. */
double smpf_sun_depth_transmission(const smpf_kin_params_t *p, double top_mm,
                                   double bottom_mm);

/* ============================================================== projection ==== */
/* Kinetics and optics joined (MODEL.md §5): the dot's colour against the skin month by
 * month, the healed reference, and touch-ups when a criterion crosses its threshold
 * (found by root finding inside the month, to within 0.25 day, not at the nearest month).  Times are
 * counted from the first session. */

typedef enum {
    SMPF_CRIT_CONTRAST = 0, /* contrast below F of the healed contrast (ΔL* dot vs skin) */
    SMPF_CRIT_DE00,         /* CIEDE2000 from the healed dot above N */
    SMPF_CRIT_HUE,          /* cast hue (against the skin) moved more than H degrees */
    SMPF_CRIT_BLUR,         /* dot FWHM above F of the dot spacing: reported, not
                               scheduled (a touch-up lays pigment, it does not gather
                               what has spread) */
    SMPF_CRIT_COUNT
} smpf_criterion_id;

typedef struct {
    int active[SMPF_CRIT_COUNT];
    double threshold[SMPF_CRIT_COUNT];
} smpf_criteria_t;

/* contrast:0.75, de00:1.8 and blur:1 active; hue:10 as its threshold when switched on. */
void smpf_criteria_default(smpf_criteria_t *c);
const char *smpf_criterion_name(int id); /* "contrast", "de00", "hue", "blur" */
int smpf_criterion_find(const char *name); /* -1 if none */
/* Range a threshold must lie in. */
void smpf_criterion_bounds(int id, double *min, double *max);

/* The healed dot: 4 weeks after the last session (pig skin is flat from day 7 to day 28,
 * PMID 38402858; MODEL.md §3). */
#define SMPF_HEALED_AFTER_DAYS 28.0
#define SMPF_MIN_HEALED_DL 0.01      /* |ΔL*| of a healed dot below which nothing is seen */
#define SMPF_PROJECT_MAX_YEARS 100.0
#define SMPF_PROJECT_MAX_TOUCHUPS 24

typedef struct {
    smpf_client_t client;             /* includes the Fitzpatrick skin type */
    char ink[SMPF_NAME_MAX];
    double depth_mm;                  /* needle depth of every session */
    int sessions;                     /* initial sessions, 1..8 */
    double session_interval_days;     /* between initial sessions */
    double start_day_of_year;         /* calendar day of the first session */
    double years;                     /* horizon */
    int step_months;                  /* timeline step, 1..12 */
    int touchups;                     /* 1: lay a touch-up whenever a criterion crosses */
    smpf_criteria_t criteria;
} smpf_project_inputs_t;

/* smp_carbon, the kinetic parameter medians (needle depth 0.5 mm), the default client,
 * three sessions 14 days apart starting 1 May, 10 years, quarterly timeline, touch-ups
 * on, default criteria. */
void smpf_project_inputs_default(smpf_project_inputs_t *in);
/* Checks every field; the message names it. */
int smpf_project_inputs_check(const smpf_project_inputs_t *in, smpf_error_t *err);

/* Parses "contrast:0.75,de00:1.8" (names and thresholds, comma-separated): exactly the
 * criteria listed become active, with their thresholds checked against their bounds. */
int smpf_criteria_parse(const char *spec, smpf_criteria_t *out, smpf_error_t *err);

/* A client profile a clinic keeps per client: CSV with the header key,value and one row
 * per setting (datasets/FORMATS.md lists the keys).  Applies what the file sets onto in;
 * messages name file, line and column. */
int smpf_client_profile_load(const char *path, smpf_project_inputs_t *in, smpf_error_t *err);

/* Every model parameter a projection uses: what the ensemble samples and the fitter
 * fits.  column_mm is the pigment per area at full density (volume fraction times layer
 * thickness, from pigment_layer.csv). */
typedef struct {
    smpf_kin_params_t kin;
    smpf_kin_ink_t ink;
    smpf_skin_t skin;
    double column_mm;
} smpf_project_params_t;

/* The medians for these inputs (kinetic parameters from kin, ink from the catalogue, skin
 * from the tissue data for the client's skin type; the epidermis thickness is the kinetic
 * one, so both models see the same skin). */
int smpf_project_params_median(const smpf_pigments_t *pigments, const smpf_tissue_t *tissue,
                               const smpf_kin_params_t *kin, const smpf_project_inputs_t *in,
                               smpf_project_params_t *out, smpf_error_t *err);

typedef struct {
    double years, fraction_remaining;
    double L, a, b, C, h;     /* the dot, CIELAB D65 2° */
    double dE00;              /* from the healed dot */
    double contrast;          /* ΔL*(dot, skin) / healed ΔL* */
    double cast_h, cast_ratio, cast_C; /* the dot against the skin as white */
    double hue_shift_deg;     /* cast hue minus the healed cast hue */
    double blur;              /* dot FWHM / spacing */
    double centroid_mm;       /* depth centroid of the pigment in skin */
    smpf_rgb8_t rgb;          /* the dot in sRGB */
    double dot_sigma_mm;
} smpf_timeline_point_t;

typedef struct {
    size_t npoints;
    smpf_timeline_point_t *points;         /* owned; smpf_projection_free */
    smpf_cast_t healed;                    /* the healed dot against the skin */
    smpf_rgb8_t skin_rgb;
    double touchup_years;                  /* first touch-up, NAN if none in the horizon */
    int touchup_criterion;                 /* which criterion set it, -1 if none */
    size_t ntouchups;
    double touchups_years[SMPF_PROJECT_MAX_TOUCHUPS];
    int touchups_truncated;                /* 1: more were due; only the first are listed */
    /* When a criterion stopped being restorable: blur as soon as it crosses (a touch-up
     * adds pigment, it does not narrow the dots); another criterion when it is still
     * crossed once a touch-up has healed.  NAN if never. */
    double limit_years[SMPF_CRIT_COUNT];
    /* At the horizon with no touch-ups at all ("what will it look like at N years"). */
    double natural_fraction_remaining, natural_dE00, natural_hue_shift_deg, natural_contrast;
    size_t optics_evaluations;             /* colour evaluations used */
    int invisible;                         /* 1 when smpf_project failed because the healed
                                              dot is indistinguishable from the skin */
} smpf_projection_t;

void smpf_projection_free(smpf_projection_t *pr);

typedef struct smpf_projector smpf_projector_t;
/* A workspace for projections: borrows the context, catalogue and tissue data (which
 * must outlive it), owns the kinetic simulation and the optics workspace. */
int smpf_projector_new(const smpf_context_t *ctx, const smpf_pigments_t *pigments,
                       const smpf_tissue_t *tissue, smpf_projector_t **out, smpf_error_t *err);
void smpf_projector_free(smpf_projector_t *pj);
/* The dot against the skin for the current state of any kinetic simulation started with
 * par's ink (at most SMPF_PIGMENT_MAX_SLICES sublayers), by a full adding-doubling solve:
 * for colour-based quantities outside a projection, such as the fitter's. */
int smpf_projector_cast_sim(smpf_projector_t *pj, const smpf_kin_sim_t *sim,
                            const smpf_project_params_t *par, smpf_cast_t *out, smpf_error_t *err);
int smpf_project(smpf_projector_t *pj, const smpf_project_inputs_t *in,
                 const smpf_project_params_t *params, smpf_projection_t *out, smpf_error_t *err);
/* How a projector computes the dot's colour.  SMPF_OPTICS_DIRECT solves the whole layer
 * stack (every kinetic sublayer a slice) by adding-doubling at every evaluation: the
 * reference.  SMPF_OPTICS_FAST (the default) interpolates the dot's XYZ in a table of
 * such full solves over the pigment columns (per component, and the epidermal part of the
 * deposit when there is one), filled lazily per setup; agreement with the direct path is
 * tested to 0.1 ΔE00 (docs/performance.md).  Inks of more components than the table takes
 * fall back to the direct path. */
typedef enum { SMPF_OPTICS_FAST = 0, SMPF_OPTICS_DIRECT = 1 } smpf_optics_mode_t;
void smpf_projector_set_optics(smpf_projector_t *pj, smpf_optics_mode_t mode);
const char *smpf_optics_mode_name(smpf_optics_mode_t mode); /* "fast", "direct" */


/* ================================================================ ensemble ==== */
/* Uncertainty (MODEL.md §6): model parameters drawn from their distributions, one
 * projection per sample, percentiles from fixed-bin histograms.  Histograms make the
 * result independent of the number of threads and of how samples are split into shards
 * (counts add up), and memory independent of the number of samples. */

/* Where each uncertain parameter of a projection comes from.  Distributions are given by
 * median and 90 % range; a draw puts the 5 % and 95 % quantiles on lo and hi with a split
 * log-normal (a split logit-normal for fractions).  Inputs the user gave (needle depth)
 * are facts, not drawn. */
typedef struct {
    smpf_project_params_t median;
    smpf_dist_t particle_size_nm[SMPF_KIN_MAX_COMPONENTS];
    smpf_dist_t uv_beta_cm2_per_J[SMPF_KIN_MAX_COMPONENTS];
    smpf_dist_t k_bio_per_day[SMPF_KIN_MAX_COMPONENTS];
    smpf_skin_dist_t skin;
    smpf_pigment_layer_dist_t layer;
    int depth_fixed;
    /* Optical strata K (0: none).  With K > 0, the parameters that set the optics' layer
     * geometry and skin (melanin, blood fraction, saturation, epidermis thickness, needle
     * depth unless fixed, deposit width) and UV's depth profile (uvb/uva 1 % depths,
     * erythemal UVB fraction) are drawn once per stratum, a Latin hypercube of K cells
     * over their distributions, and sample i takes those of stratum i mod K; every other
     * parameter (the pigment column included) is drawn per sample.  The fast optics then
     * share one table per stratum (docs/performance.md). */
    size_t optical_strata;
} smpf_param_space_t;
#define SMPF_ENSEMBLE_DEFAULT_STRATA 64
#define SMPF_ENSEMBLE_MAX_STRATA 1024 /* larger values act as 1024 */

int smpf_param_space_init(const smpf_pigments_t *pigments, const smpf_tissue_t *tissue,
                          const smpf_kin_params_t *kin, const smpf_project_inputs_t *in,
                          smpf_param_space_t *out, smpf_error_t *err);
/* Sample `index` of the stream `seed`: the same pair always gives the same draw. */
void smpf_param_space_sample(const smpf_param_space_t *space, uint64_t seed, uint64_t index,
                             smpf_project_params_t *out);
/* One draw from a median and 90 % range; u is a standard normal deviate. */
double smpf_dist_draw(smpf_dist_t d, int logit, double u);

typedef enum {
    SMPF_BAND_FRACTION = 0, SMPF_BAND_L, SMPF_BAND_DE00, SMPF_BAND_CONTRAST,
    SMPF_BAND_HUE_SHIFT, SMPF_BAND_CAST_RATIO, SMPF_BAND_BLUR, SMPF_BAND_COUNT
} smpf_band_id;
const char *smpf_band_name(int band); /* the timeline key: "fraction_remaining", ... */

typedef struct smpf_ensemble smpf_ensemble_t;
/* Accumulators for timelines of npoints points over a horizon of years. */
int smpf_ensemble_new(size_t npoints, double years, smpf_ensemble_t **out, smpf_error_t *err);
void smpf_ensemble_free(smpf_ensemble_t *e);
void smpf_ensemble_add(smpf_ensemble_t *e, const smpf_projection_t *pr);
/* Adds another accumulator's counts (same shape) into e. */
int smpf_ensemble_merge(smpf_ensemble_t *e, const smpf_ensemble_t *other, smpf_error_t *err);
uint64_t smpf_ensemble_samples(const smpf_ensemble_t *e);
size_t smpf_ensemble_npoints(const smpf_ensemble_t *e);
double smpf_ensemble_years(const smpf_ensemble_t *e);
/* Quantile q of the first touch-up time in years; NAN where it lies beyond the horizon
 * (samples with no touch-up count as later than any). Resolution: one day. */
double smpf_ensemble_touchup_quantile(const smpf_ensemble_t *e, double q);
/* Quantile q of a banded quantity at a timeline point (resolution: the bin width). */
double smpf_ensemble_band_quantile(const smpf_ensemble_t *e, size_t point, int band, double q);
/* The raw counts, for writing a shard and reading it back: every histogram in one array. */
size_t smpf_ensemble_ncounts(const smpf_ensemble_t *e);
uint32_t *smpf_ensemble_counts(smpf_ensemble_t *e);
void smpf_ensemble_set_samples(smpf_ensemble_t *e, uint64_t samples);
/* Samples left out of the histograms because their healed dot is indistinguishable from
 * the skin (nothing to project: a deep or thin deposit); counted, not failed. */
uint64_t smpf_ensemble_invisible(const smpf_ensemble_t *e);
void smpf_ensemble_add_invisible(smpf_ensemble_t *e, uint64_t n);

/* Called now and then from a worker thread with the samples done so far. */
typedef void (*smpf_progress_fn)(void *user, uint64_t done, uint64_t total);
/* Runs samples first .. first + count - 1 of stream seed on `threads` threads and adds
 * them to e.  A sample whose projection fails is an error (with its index). */
int smpf_ensemble_run(const smpf_context_t *ctx, const smpf_pigments_t *pigments,
                      const smpf_tissue_t *tissue, const smpf_param_space_t *space,
                      const smpf_project_inputs_t *in, uint64_t seed, uint64_t first,
                      uint64_t count, int threads, smpf_ensemble_t *e,
                      smpf_progress_fn progress, void *user, smpf_error_t *err);
/* The same with a choice of optics (smpf_ensemble_run uses SMPF_OPTICS_FAST).  With
 * optical strata, threads take chunks of one stratum's samples at a time, stratum by
 * stratum, so a stratum's fast-optics table is built by few threads. */
int smpf_ensemble_run_optics(const smpf_context_t *ctx, const smpf_pigments_t *pigments,
                             const smpf_tissue_t *tissue, const smpf_param_space_t *space,
                             const smpf_project_inputs_t *in, uint64_t seed, uint64_t first,
                             uint64_t count, int threads, smpf_optics_mode_t optics,
                             smpf_ensemble_t *e, smpf_progress_fn progress, void *user,
                             smpf_error_t *err);


/* ===================================================================== fit ==== */
/* Nonlinear least squares (GSL gsl_multifit_nlinear, trust region, Levenberg-Marquardt)
 * of a model y = f(t_days; p) to one or several series.  Parameters are shared by all
 * series unless made per-series; any may be fixed.  Bounded parameters are fitted through
 * a smooth transform (log for one bound, logistic for two) and reported in model units;
 * the covariance uses the Jacobian in model units at the solution (central differences). */

/* Fills out[i] = f(t_days[i]; p) for the points of one series (series = its index);
 * p holds the model's nparams values in the order of param_names. */
typedef int (*smpf_fit_eval_fn)(void *user, size_t series, const double *p,
                                const double *t_days, size_t n, double *out, smpf_error_t *err);
/* Automatic starting values from the points of one series (or all pooled), into p. */
typedef int (*smpf_fit_start_fn)(void *user, const double *t_days, const double *value,
                                 size_t n, double *p, smpf_error_t *err);

typedef struct {
    const char *name;
    const char *description;
    size_t nparams;
    const char *const *param_names; /* units in the names, e.g. "k1_per_day" */
    const double *lo, *hi;          /* bounds of each parameter (may be -/+HUGE_VAL) */
    smpf_fit_eval_fn eval;
    smpf_fit_start_fn start;        /* NULL: every free parameter needs a start value */
    void *user;                     /* passed to eval and start */
} smpf_fit_model_t;

/* The built-in models: "biexp" = y0 (f exp(-k1_per_day t) + (1 - f) exp(-k2_per_day t)). */
size_t smpf_fit_nmodels(void);
const smpf_fit_model_t *smpf_fit_model(size_t i);
const smpf_fit_model_t *smpf_fit_model_find(const char *name); /* NULL if none */

/* Observations: series[i] in [0, nseries) (NULL: one series); sigma NULL when none. */
typedef struct {
    size_t n, nseries;
    const double *t_days, *value, *sigma;
    const size_t *series;
    const char *const *series_names; /* NULL: "1", "2", ... */
} smpf_fit_data_t;

typedef enum {
    SMPF_FIT_WEIGHTS_NONE = 0, /* unweighted; error variance estimated: RSS/dof */
    SMPF_FIT_WEIGHTS_SIGMA,    /* w = 1/sigma^2, sigma absolute: covariance not rescaled */
    SMPF_FIT_WEIGHTS_RELATIVE  /* w = 1/sigma^2, sigma relative: covariance x chi2/dof */
} smpf_fit_weights_t;

typedef struct {
    char name[96];     /* "k1_per_day", or "y0[series]" for a per-series parameter */
    int fixed;         /* 1: held at estimate, no uncertainty */
    double estimate, std_error, ci95_low, ci95_high;
    /* Profile-likelihood 95 % limits after smpf_fit_profile; a limit that does not exist
     * within the parameter's range is reported as has_*=0 (open interval). */
    int profiled, has_profile_low, has_profile_high;
    double profile95_low, profile95_high;
} smpf_fit_param_t;

typedef struct {
    size_t n, nfree, dof, iterations;
    int converged;
    double rss;            /* sum of w r^2 (chi-square for sigma weights) */
    double sigma_hat;      /* sqrt(rss/dof), 0 when dof = 0 */
    double aic, aicc, bic; /* see smpf_fit_k_info; has_aicc = 0 when n - k - 1 <= 0 */
    int has_aic, has_aicc;
    size_t k_info;         /* k in the information criteria */
    double condition_number; /* of the weighted Jacobian with unit-norm columns */
    double t_quantile;     /* multiplier of the 95 % intervals (Student t or normal) */
    const char *covariance_method, *interval_method, *information_method;
    size_t nparams;
    const smpf_fit_param_t *params;
    /* covariance of the free parameters, nfree x nfree row-major, in the order of the
     * parameters that are not fixed */
    const double *covariance;
    const double *fitted, *residual; /* per observation: f(t), value - f(t) */
} smpf_fit_result_t;

typedef struct smpf_fit smpf_fit_t;

/* Data are copied.  Fails (SMPF_ERR_DATA) on non-finite data or sigma <= 0. */
int smpf_fit_new(const smpf_fit_model_t *model, const smpf_fit_data_t *data, smpf_fit_t **out,
                 smpf_error_t *err);
void smpf_fit_free(smpf_fit_t *fit);
/* SIGMA and RELATIVE need sigma in the data (else SMPF_ERR_DATA). */
int smpf_fit_set_weights(smpf_fit_t *fit, smpf_fit_weights_t weights, smpf_error_t *err);
int smpf_fit_set_start(smpf_fit_t *fit, const char *param, double value, smpf_error_t *err);
int smpf_fit_fix(smpf_fit_t *fit, const char *param, double value, smpf_error_t *err);
/* Fixes every parameter not in names at its start value (given, or automatic). */
int smpf_fit_free_only(smpf_fit_t *fit, const char *const *names, size_t n, smpf_error_t *err);
int smpf_fit_set_per_series(smpf_fit_t *fit, const char *param, smpf_error_t *err);
/* Fits.  SMPF_ERR_DATA: fewer points than free parameters; SMPF_ERR_NUMERIC: no
 * convergence, a parameter at its bound, or a singular Jacobian (the message names the
 * parameters that cannot be identified). */
int smpf_fit_run(smpf_fit_t *fit, smpf_error_t *err);
/* Profile-likelihood 95 % intervals of every free parameter, after smpf_fit_run. */
int smpf_fit_profile(smpf_fit_t *fit, smpf_error_t *err);
const smpf_fit_result_t *smpf_fit_result(const smpf_fit_t *fit);
const char *smpf_fit_weights_name(smpf_fit_weights_t weights);

/* The "smp" model: the kinetic simulation (section kinetics) as a fit model,
 *   value(t) = y0 * q(t + t_offset_days),
 * q a quantity of the simulated pigment (fraction remaining, density, or an optical
 * quantity supplied by a callback) for one ink, client and session schedule; t the data
 * time in days, the simulation's time 0 the first session.  Parameters, in this order:
 *   y0                        scale for data in other units (1 for fractions), (-inf, inf)
 *   every kinetic parameter   by its smpf_kin_param_name, bounds smpf_kin_param_bounds
 *   per ink component C       C.particle_size_nm [1, 1e6], C.uv_beta_cm2_per_J [0, inf),
 *                             C.k_bio_per_day [0, inf)
 * The automatic start is the configured parameter values (dataset medians unless the
 * caller changed them) and, for y0, the least-squares scale of the data on q there, so
 * smpf_fit_free_only() leaves everything not listed at those values.  The sessions' needle
 * depth and deposit width follow the needle_depth_mm and deposit_width_mm parameters (one
 * depth for every session).  One simulation workspace is reused by every evaluation. */

/* What a quantity callback sees: the simulation advanced to a data time, and the values
 * of this evaluation (parameters, ink with its components, client). */
typedef struct {
    const smpf_kin_sim_t *sim;
    const smpf_kin_params_t *params;
    const smpf_kin_ink_t *ink;
    const smpf_client_t *client;
    size_t series;
    double t_days; /* simulation time (from the first session) */
} smpf_fit_smp_state_t;

/* Writes the quantity at the simulation's current time into *value. */
typedef int (*smpf_fit_smp_quantity_fn)(void *user, const smpf_fit_smp_state_t *state,
                                        double *value, smpf_error_t *err);

typedef struct {
    const char *name;            /* "fraction", "density", "L", "dE00", "contrast", ... */
    const char *description;
    smpf_fit_smp_quantity_fn fn;
    void *user;                  /* passed to fn (e.g. an optics workspace) */
} smpf_fit_smp_quantity_t;

/* Built-in kinetic quantities: "fraction" = pigment in skin / pigment deposited so far
 * (smpf_kin_summary_t.fraction_remaining); "density" = pigment in skin in units of the
 * target density (1 = full density just after a session reaching it). */
const smpf_fit_smp_quantity_t *smpf_fit_smp_quantity_find(const char *name); /* NULL: none */
size_t smpf_fit_smp_nquantities(void);
const smpf_fit_smp_quantity_t *smpf_fit_smp_quantity(size_t i);

/* Colour-based quantities, from the layered-skin optics at each data time: "L" the dot's
 * L* (D65, 2°), "dL" the dot's L* minus the skin's, "dE00_skin" CIEDE2000 between dot and
 * skin.  The skin optics are the medians of the client's skin type (with the kinetic
 * epidermis), the pigment column the median of pigment_layer.csv.  The context,
 * catalogue and tissue data must outlive it; *quantity points into it. */
typedef struct smpf_fit_optics smpf_fit_optics_t;
int smpf_fit_optics_is_quantity(const char *name);
int smpf_fit_optics_new(const smpf_context_t *ctx, const smpf_pigments_t *pigments,
                        const smpf_tissue_t *tissue, const char *name, smpf_fit_optics_t **out,
                        smpf_fit_smp_quantity_t *quantity, smpf_error_t *err);
void smpf_fit_optics_free(smpf_fit_optics_t *o);

typedef struct {
    const smpf_kin_params_t *params;     /* starting / fixed values (copied) */
    const smpf_kin_ink_t *ink;           /* copied */
    const smpf_client_t *client;         /* copied */
    const smpf_kin_schedule_t *schedule; /* copied */
    size_t nsublayers;                   /* of the simulation, 1-1000 */
    double t_offset_days;                /* simulation time = data time + offset, >= 0 */
    const smpf_fit_smp_quantity_t *quantity; /* copied; NULL: "fraction" */
} smpf_fit_smp_config_t;

typedef struct smpf_fit_smp smpf_fit_smp_t;

int smpf_fit_smp_new(const smpf_fit_smp_config_t *cfg, smpf_fit_smp_t **out, smpf_error_t *err);
void smpf_fit_smp_free(smpf_fit_smp_t *m);
/* The model to give smpf_fit_new; valid while m lives. */
const smpf_fit_model_t *smpf_fit_smp_model(const smpf_fit_smp_t *m);
/* Evaluations so far (each one simulation run); for tests and benchmarks. */
size_t smpf_fit_smp_nevals(const smpf_fit_smp_t *m);
/* Bounds of a component parameter by its suffix ("uv_beta_cm2_per_J", ...); 0 if known. */
int smpf_fit_smp_component_param_bounds(const char *suffix, double *min, double *max);
/* Suffixes of the per-component parameters: i = 0, 1, 2; NULL past the end. */
const char *smpf_fit_smp_component_param(size_t i);


#ifdef __cplusplus
}
#endif
#endif /* SMPFADE_H */
