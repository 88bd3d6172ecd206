/* Pictures for the smpfade command: a patch of scalp with SMP dots at several times (cairo)
 * and the fading and drift curves over years (PLplot).  The drawing layer takes plain data
 * (sRGB colours, sizes in mm, curves), so it knows nothing of the model.  Files are
 * written atomically: a temporary file beside the target, renamed over it at the end; a
 * failed render leaves no file and an existing one untouched. */
#ifndef SMPF_PICTURE_H
#define SMPF_PICTURE_H

#include <stddef.h>

typedef enum { PIC_PNG, PIC_SVG } pic_kind;

/* The kind from the file extension (.png or .svg, any case): 0, or -1 if neither. */
int pic_kind_from_path(const char *path, pic_kind *kind);

typedef struct {
    unsigned char r, g, b; /* sRGB, 0..255 */
} pic_rgb;

/* One time of the patch picture. */
typedef struct {
    const char *label;      /* above the patch, e.g. "year 3" */
    const char *caption;    /* optional line below the dot's hex, e.g. "ΔE00 4.2"; NULL: none */
    pic_rgb skin, dot;      /* surrounding skin; the dot at full healed strength */
    double sigma_mm;        /* Gaussian spread of each dot's pigment (0: sharp edge) */
    double dot_diameter_mm; /* the dot as placed */
    double spacing_mm;      /* centre to centre, square lattice with a dot at the patch centre */
    double strength;        /* 0..1, fraction of the healed pigment contrast */
    double jitter;          /* 0..0.3, deterministic scatter of dot positions as a fraction of
                               the spacing (0: exact lattice); the same for every frame */
} pic_patch_frame;

/* Geometry of the patch picture, in pixels of the PNG (points of the SVG). */
#define PIC_PATCH_MM 8.0
#define PIC_PX_PER_MM 40.0
/* Picture size for nframes frames. */
void pic_patch_size(size_t nframes, int *width_px, int *height_px);
/* Where the point (x_mm, y_mm) of frame k's patch lands (origin top left of the patch). */
void pic_patch_point_px(size_t k, double x_mm, double y_mm, double *x_px, double *y_px);

/* Draws 1 to 12 frames side by side, each dot's pigment a disc of dot_diameter_mm
 * convolved with a Gaussian of sigma_mm (so blur spreads the same pigment over a wider
 * area), composited over the skin with alpha = strength * profile.  Returns 0, or -1 with
 * a message in errbuf. */
int pic_render_patch(const char *path, pic_kind kind, const pic_patch_frame *frames,
                     size_t nframes, const char *title, char *errbuf, size_t errlen);

/* The fraction of a disc of radius radius_mm blurred by a Gaussian of sigma_mm found at
 * distance r_mm from its centre (1 inside a sharp disc, 0 far away). */
double pic_blurred_disc(double r_mm, double radius_mm, double sigma_mm);

/* One curve over years, with an optional p10-p90 band (lo and hi NULL: none). */
typedef struct {
    const char *name;             /* legend text */
    const double *years, *value, *lo, *hi;
    size_t n;
    pic_rgb colour;
    int dashed;                   /* 0 solid, 1 dashed */
} pic_series;

#define PIC_PLOT_MAX_SERIES 6
typedef struct {
    const char *title, *y_label;  /* y_label with its unit, e.g. "ΔE00 from healed" */
    double y_min, y_max;          /* y_min == y_max: from the data */
    pic_series series[PIC_PLOT_MAX_SERIES];
    size_t nseries;
} pic_panel;

#define PIC_PLOT_MAX_PANELS 4
typedef struct {
    const char *title;            /* whole figure */
    double years_max;             /* x axis 0..years_max */
    const double *touchup_years;  /* vertical markers; may be NULL */
    size_t ntouchups;
    pic_panel panel[PIC_PLOT_MAX_PANELS];
    size_t npanels;               /* side by side, each labelled (a), (b), ... */
    int width_px, height_px;      /* 0: 1200 x 500 */
} pic_plot;

/* Draws the panels with PLplot (pngcairo or svgcairo).  Returns 0, or -1 with errbuf. */
int pic_plot_curves(const char *path, pic_kind kind, const pic_plot *plot, char *errbuf,
                    size_t errlen);

/* Atomic file beside path: pic_tmp_open makes it (mkstemp, mode 0644) and gives its path
 * in tmp (size tmplen); pic_tmp_commit renames it over path, pic_tmp_abort removes it. */
int pic_tmp_open(const char *path, char *tmp, size_t tmplen, char *errbuf, size_t errlen);
int pic_tmp_commit(const char *tmp, const char *path, char *errbuf, size_t errlen);
void pic_tmp_abort(const char *tmp);
/* Adds <title> and <desc> (XML-escaped) to the SVG in tmp, whose text cairo draws as
 * outlines. */
int pic_svg_add_text(const char *tmp, const char *title, const char *desc, char *errbuf,
                     size_t errlen);

#endif
