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

/* ================================================================== tissue ==== */

/* ================================================================ kinetics ==== */

/* ===================================================================== sun ==== */

/* ============================================================== projection ==== */

/* ================================================================ ensemble ==== */

/* ===================================================================== fit ==== */

#ifdef __cplusplus
}
#endif
#endif /* SMPFADE_H */
