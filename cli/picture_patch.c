/* The patch picture: a few millimetres of scalp with SMP dots at several times, side by
 * side.  Each dot's pigment is a disc (the needle's deposit) convolved with a Gaussian of
 * sigma (its spread in the dermis), so blur keeps the amount of pigment and only spreads
 * it; the picture composites it over the skin with alpha = strength * profile, the profile
 * drawn as a cairo radial gradient whose stops sample the exact blurred-disc function. */
#include "picture.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <gsl/gsl_sf_bessel.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>

enum { MARGIN_PX = 28, TITLE_PX = 46, LABEL_PX = 30, CAPTION_PX = 58, SCALE_PX = 44,
       GAP_PX = 30, NSTOPS = 24 };
#define PATCH_PX (PIC_PATCH_MM * PIC_PX_PER_MM)
#define FONT "DejaVu Sans"

void pic_patch_size(size_t nframes, int *width_px, int *height_px)
{
    size_t n = nframes ? nframes : 1;
    *width_px = (int)(2 * MARGIN_PX + (double)n * PATCH_PX + (double)(n - 1) * GAP_PX);
    *height_px = (int)(MARGIN_PX + TITLE_PX + LABEL_PX + PATCH_PX + CAPTION_PX + SCALE_PX);
}

void pic_patch_point_px(size_t k, double x_mm, double y_mm, double *x_px, double *y_px)
{
    *x_px = MARGIN_PX + (double)k * (PATCH_PX + GAP_PX) + x_mm * PIC_PX_PER_MM;
    *y_px = MARGIN_PX / 2.0 + TITLE_PX + LABEL_PX + y_mm * PIC_PX_PER_MM;
}

/* P(r) = integral over the disc of the 2-D Gaussian centred at distance r, in polar form
 * (the Marcum Q function): P = int_0^R (rho/s^2) exp(-(r-rho)^2/2s^2) I0e(r rho/s^2) drho,
 * with I0e(x) = exp(-x) I0(x) the scaled Bessel function; Simpson's rule over the part of
 * [0, R] within 8 sigma of r, where the integrand is not negligible. */
double pic_blurred_disc(double r_mm, double radius_mm, double sigma_mm)
{
    if (sigma_mm <= 1e-6 * radius_mm)
        return r_mm < radius_mm ? 1.0 : 0.0;
    double s2 = sigma_mm * sigma_mm;
    double a = fmax(0.0, r_mm - 8 * sigma_mm), b = fmin(radius_mm, r_mm + 8 * sigma_mm);
    if (b <= a)
        return 0.0;
    const int n = 200;
    double h = (b - a) / n, sum = 0.0;
    for (int i = 0; i <= n; i++) {
        double rho = a + i * h, d = r_mm - rho;
        double f = rho / s2 * exp(-d * d / (2 * s2)) * gsl_sf_bessel_I0_scaled(r_mm * rho / s2);
        sum += f * (i == 0 || i == n ? 1 : (i % 2 ? 4 : 2));
    }
    return fmin(1.0, sum * h / 3);
}

/* A deterministic value in [-0.5, 0.5) from a lattice position (splitmix64 finaliser). */
static double scatter(long ix, long iy, unsigned salt)
{
    uint64_t z = (uint64_t)(ix * 73856093L) ^ (uint64_t)(iy * 19349663L) ^ ((uint64_t)salt << 40);
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0 - 0.5;
}

static void set_rgb(cairo_t *cr, pic_rgb c, double alpha)
{
    cairo_set_source_rgba(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0, alpha);
}

static void text(cairo_t *cr, double x, double y, double size, int bold, int centred,
                 const char *s)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    cairo_move_to(cr, centred ? x - e.width / 2 - e.x_bearing : x, y);
    cairo_show_text(cr, s);
}

/* One dot at (x, y) px: the blurred-disc profile as a radial gradient. */
static void draw_dot(cairo_t *cr, const pic_patch_frame *f, double x, double y)
{
    double radius_mm = f->dot_diameter_mm / 2, sigma_mm = f->sigma_mm;
    double alpha = f->strength;
    if (sigma_mm <= 1e-6 * radius_mm) {
        set_rgb(cr, f->dot, alpha);
        cairo_arc(cr, x, y, radius_mm * PIC_PX_PER_MM, 0, 2 * M_PI);
        cairo_fill(cr);
        return;
    }
    /* Stops: evenly over [0, R + 4 sigma] merged with a denser set across the edge. */
    double rmax_mm = radius_mm + 4 * sigma_mm;
    double lo = fmax(0.0, radius_mm - 3 * sigma_mm), hi = radius_mm + 3 * sigma_mm;
    cairo_pattern_t *g = cairo_pattern_create_radial(x, y, 0, x, y, rmax_mm * PIC_PX_PER_MM);
    int i = 0, j = 0;
    while (i <= NSTOPS || j <= NSTOPS) {
        double ri = rmax_mm * i / NSTOPS, rj = lo + (hi - lo) * j / NSTOPS;
        double r_mm = (j > NSTOPS || (i <= NSTOPS && ri <= rj)) ? ri : rj;
        if (r_mm == ri && i <= NSTOPS)
            i++;
        else
            j++;
        double a = alpha * pic_blurred_disc(r_mm, radius_mm, sigma_mm);
        cairo_pattern_add_color_stop_rgba(g, r_mm / rmax_mm, f->dot.r / 255.0,
                                          f->dot.g / 255.0, f->dot.b / 255.0, a);
    }
    cairo_set_source(cr, g);
    cairo_arc(cr, x, y, rmax_mm * PIC_PX_PER_MM, 0, 2 * M_PI);
    cairo_fill(cr);
    cairo_pattern_destroy(g);
}

static void draw_frame(cairo_t *cr, const pic_patch_frame *f, size_t k)
{
    double x0, y0;
    pic_patch_point_px(k, 0, 0, &x0, &y0);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    text(cr, x0 + PATCH_PX / 2, y0 - 10, 16, 1, 1, f->label ? f->label : "");

    cairo_save(cr);
    cairo_rectangle(cr, x0, y0, PATCH_PX, PATCH_PX);
    cairo_clip(cr);
    set_rgb(cr, f->skin, 1.0);
    cairo_paint(cr);
    double reach_mm = f->dot_diameter_mm / 2 + 4 * f->sigma_mm + f->jitter * f->spacing_mm;
    long n = (long)ceil((PIC_PATCH_MM / 2 + reach_mm) / f->spacing_mm);
    for (long iy = -n; iy <= n; iy++)
        for (long ix = -n; ix <= n; ix++) {
            double x_mm = PIC_PATCH_MM / 2 + ix * f->spacing_mm +
                          f->jitter * f->spacing_mm * scatter(ix, iy, 1);
            double y_mm = PIC_PATCH_MM / 2 + iy * f->spacing_mm +
                          f->jitter * f->spacing_mm * scatter(ix, iy, 2);
            double x, y;
            pic_patch_point_px(k, x_mm, y_mm, &x, &y);
            draw_dot(cr, f, x, y);
        }
    cairo_restore(cr);
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, x0 - 0.5, y0 - 0.5, PATCH_PX + 1, PATCH_PX + 1);
    cairo_stroke(cr);

    /* Caption: a swatch of the dot colour, its hex and blur, then the caller's line. */
    double cy = y0 + PATCH_PX + 22;
    set_rgb(cr, f->dot, 1.0);
    cairo_rectangle(cr, x0, cy - 12, 14, 14);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    cairo_stroke(cr);
    char line[96];
    snprintf(line, sizeof line, "dot #%02x%02x%02x  ·  σ %.2f mm  ·  %.0f %%", f->dot.r,
             f->dot.g, f->dot.b, f->sigma_mm, 100 * f->strength);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    text(cr, x0 + 20, cy, 12.5, 0, 0, line);
    if (f->caption)
        text(cr, x0, cy + 20, 12.5, 0, 0, f->caption);
}

static void draw_scale_bar(cairo_t *cr, int height_px)
{
    double x0, y0, x1, y1;
    pic_patch_point_px(0, 0, 0, &x0, &y0);
    pic_patch_point_px(0, 2.0, 0, &x1, &y1);
    double y = height_px - MARGIN_PX / 2.0 - 14;
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_line_width(cr, 3);
    cairo_move_to(cr, x0, y);
    cairo_line_to(cr, x1, y);
    cairo_stroke(cr);
    cairo_set_line_width(cr, 1.5);
    for (int i = 0; i <= 2; i++) {
        cairo_move_to(cr, x0 + i * (x1 - x0) / 2, y - 5);
        cairo_line_to(cr, x0 + i * (x1 - x0) / 2, y + 5);
    }
    cairo_stroke(cr);
    char s[64];
    snprintf(s, sizeof s, "2 mm   (each patch %.0f × %.0f mm)", PIC_PATCH_MM, PIC_PATCH_MM);
    text(cr, x1 + 10, y + 4.5, 12.5, 0, 0, s);
}

static int check_frame(const pic_patch_frame *f, size_t k, char *errbuf, size_t errlen)
{
    const char *what = NULL;
    if (!(f->dot_diameter_mm > 0 && f->dot_diameter_mm <= 5))
        what = "dot_diameter_mm must be in (0, 5]";
    else if (!(f->spacing_mm >= 0.1 && f->spacing_mm <= 8))
        what = "spacing_mm must be in [0.1, 8]";
    else if (!(f->sigma_mm >= 0 && f->sigma_mm <= 5))
        what = "sigma_mm must be in [0, 5]";
    else if (!(f->strength >= 0 && f->strength <= 1))
        what = "strength must be in [0, 1]";
    else if (!(f->jitter >= 0 && f->jitter <= 0.3))
        what = "jitter must be in [0, 0.3]";
    if (what)
        snprintf(errbuf, errlen, "frame %zu: %s", k + 1, what);
    return what ? -1 : 0;
}

/* The words of the picture for the SVG's <desc>: each frame's label and caption. */
static int svg_describe(const char *tmp, const pic_patch_frame *frames, size_t nframes,
                        const char *title, char *errbuf, size_t errlen)
{
    char desc[4096];
    size_t used = 0;
    desc[0] = '\0';
    for (size_t k = 0; k < nframes && used < sizeof desc; k++)
        used += (size_t)snprintf(desc + used, sizeof desc - used, "%s%s: dot #%02x%02x%02x%s%s",
                                 k ? "; " : "", frames[k].label ? frames[k].label : "",
                                 frames[k].dot.r, frames[k].dot.g, frames[k].dot.b,
                                 frames[k].caption ? ", " : "",
                                 frames[k].caption ? frames[k].caption : "");
    return pic_svg_add_text(tmp, title, desc, errbuf, errlen);
}

int pic_render_patch(const char *path, pic_kind kind, const pic_patch_frame *frames,
                     size_t nframes, const char *title, char *errbuf, size_t errlen)
{
    if (nframes == 0 || nframes > 12) {
        snprintf(errbuf, errlen, "expected 1 to 12 frames, got %zu", nframes);
        return -1;
    }
    for (size_t k = 0; k < nframes; k++)
        if (check_frame(&frames[k], k, errbuf, errlen) != 0)
            return -1;
    char tmp[4096];
    if (pic_tmp_open(path, tmp, sizeof tmp, errbuf, errlen) != 0)
        return -1;
    int w, h;
    pic_patch_size(nframes, &w, &h);
    cairo_surface_t *s = kind == PIC_SVG ? cairo_svg_surface_create(tmp, w, h)
                                         : cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    /* The title at 19 px, smaller when it would not fit the width. */
    double size_px = 19;
    cairo_text_extents_t e;
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, size_px);
    cairo_text_extents(cr, title ? title : "", &e);
    if (e.x_advance > w - 2 * MARGIN_PX)
        size_px *= (w - 2 * MARGIN_PX) / e.x_advance;
    text(cr, MARGIN_PX, MARGIN_PX / 2.0 + 24, size_px, 1, 0, title ? title : "");
    for (size_t k = 0; k < nframes; k++)
        draw_frame(cr, &frames[k], k);
    draw_scale_bar(cr, h);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    if (st == CAIRO_STATUS_SUCCESS && kind == PIC_PNG)
        st = cairo_surface_write_to_png(s, tmp);
    cairo_surface_finish(s);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (st != CAIRO_STATUS_SUCCESS) {
        snprintf(errbuf, errlen, "cannot draw '%s': %s", path, cairo_status_to_string(st));
        pic_tmp_abort(tmp);
        return -1;
    }
    if (kind == PIC_SVG && svg_describe(tmp, frames, nframes, title, errbuf, errlen) != 0) {
        pic_tmp_abort(tmp);
        return -1;
    }
    return pic_tmp_commit(tmp, path, errbuf, errlen);
}
