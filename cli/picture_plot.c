/* The curves picture: fading and drift over years in side-by-side panels, each series with
 * an optional p10-p90 band, touch-ups as vertical markers, drawn with PLplot's cairo
 * devices (pngcairo, svgcairo) on a stream of its own that is ended before returning. */
#include "picture.h"

#include <math.h>
#include <plplot/plplot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { COL_BG = 0, COL_INK = 1, COL_GRID = 2, COL_MARK = 3, COL_SERIES = 16, COL_BAND = 32,
       NCOLOURS = 48 };

/* PLplot reads '#' as its escape character: double it in text from the caller. */
static void plain(char *dst, size_t len, const char *src)
{
    size_t j = 0;
    for (; src && *src && j + 2 < len; src++) {
        if (*src == '#')
            dst[j++] = '#';
        dst[j++] = *src;
    }
    dst[j] = '\0';
}

static int finite_all(const double *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

static int check_plot(const pic_plot *p, char *errbuf, size_t errlen)
{
    if (p->npanels < 1 || p->npanels > PIC_PLOT_MAX_PANELS) {
        snprintf(errbuf, errlen, "expected 1 to %d panels, got %zu", PIC_PLOT_MAX_PANELS,
                 p->npanels);
        return -1;
    }
    if (!(p->years_max > 0 && isfinite(p->years_max)) ||
        !finite_all(p->touchup_years, p->ntouchups)) {
        snprintf(errbuf, errlen, "years_max must be positive and touch-up times finite");
        return -1;
    }
    for (size_t k = 0; k < p->npanels; k++) {
        const pic_panel *pan = &p->panel[k];
        if (pan->nseries < 1 || pan->nseries > PIC_PLOT_MAX_SERIES) {
            snprintf(errbuf, errlen, "panel %zu: expected 1 to %d series, got %zu", k + 1,
                     PIC_PLOT_MAX_SERIES, pan->nseries);
            return -1;
        }
        for (size_t s = 0; s < pan->nseries; s++) {
            const pic_series *se = &pan->series[s];
            if (se->n < 2 || !se->years || !se->value || !!se->lo != !!se->hi ||
                !finite_all(se->years, se->n) || !finite_all(se->value, se->n) ||
                !finite_all(se->lo, se->n) || !finite_all(se->hi, se->n)) {
                snprintf(errbuf, errlen, "panel %zu, series %zu: needs at least 2 finite "
                         "points (and both or neither of lo, hi)", k + 1, s + 1);
                return -1;
            }
        }
    }
    return 0;
}

static void y_range(const pic_panel *pan, double *lo, double *hi)
{
    if (pan->y_min < pan->y_max) {
        *lo = pan->y_min;
        *hi = pan->y_max;
        return;
    }
    double a = HUGE_VAL, b = -HUGE_VAL;
    for (size_t s = 0; s < pan->nseries; s++)
        for (size_t i = 0; i < pan->series[s].n; i++) {
            const pic_series *se = &pan->series[s];
            a = fmin(a, se->lo ? fmin(se->lo[i], se->value[i]) : se->value[i]);
            b = fmax(b, se->hi ? fmax(se->hi[i], se->value[i]) : se->value[i]);
        }
    double pad = b > a ? 0.06 * (b - a) : 1.0;
    *lo = a - pad;
    *hi = b + pad;
}

static void draw_panel(const pic_plot *p, size_t k, double x0, double x1)
{
    const pic_panel *pan = &p->panel[k];
    double ylo, yhi;
    y_range(pan, &ylo, &yhi);
    plvpor(x0, x1, 0.13, 0.82);
    plwind(0, p->years_max, ylo, yhi);

    /* Grid first, then bands, touch-up markers, curves, and the axes on top. */
    plcol0(COL_GRID);
    plwidth(0.5);
    plbox("g", 0, 0, "g", 0, 0);
    for (size_t s = 0; s < pan->nseries; s++) {
        const pic_series *se = &pan->series[s];
        if (!se->lo)
            continue;
        PLFLT *x = malloc(2 * se->n * sizeof *x), *y = malloc(2 * se->n * sizeof *y);
        if (!x || !y) {
            free(x);
            free(y);
            continue;
        }
        for (size_t i = 0; i < se->n; i++) {
            x[i] = se->years[i];
            y[i] = fmin(fmax(se->lo[i], ylo), yhi);
            x[2 * se->n - 1 - i] = se->years[i];
            y[2 * se->n - 1 - i] = fmin(fmax(se->hi[i], ylo), yhi);
        }
        plcol0(COL_BAND + (PLINT)s);
        plfill((PLINT)(2 * se->n), x, y);
        free(x);
        free(y);
    }
    plcol0(COL_MARK);
    plwidth(1.2);
    pllsty(3);
    for (size_t i = 0; p->touchup_years && i < p->ntouchups; i++) {
        PLFLT x[2] = {p->touchup_years[i], p->touchup_years[i]}, y[2] = {ylo, yhi};
        if (x[0] >= 0 && x[0] <= p->years_max)
            plline(2, x, y);
    }
    plwidth(2.2);
    for (size_t s = 0; s < pan->nseries; s++) {
        const pic_series *se = &pan->series[s];
        plcol0(COL_SERIES + (PLINT)s);
        pllsty(se->dashed ? 2 : 1);
        plline((PLINT)se->n, se->years, se->value);
    }
    pllsty(1);
    plwidth(1.0);
    plcol0(COL_INK);
    plbox("bcnst", 0, 0, "bcnstv", 0, 0);
    char text[256], buf[300];
    plain(text, sizeof text, pan->title);
    snprintf(buf, sizeof buf, "(%c) %s", (char)('a' + k), text);
    plmtex("t", 1.2, 0.0, 0.0, buf);
    plmtex("b", 3.0, 0.5, 0.5, "years");
    plain(text, sizeof text, pan->y_label);
    plmtex("l", 4.2, 0.5, 0.5, text);

    /* Legend: the series, then the touch-up marker if any. */
    PLINT n = 0, opt[PIC_PLOT_MAX_SERIES + 1], lcol[PIC_PLOT_MAX_SERIES + 1],
          lsty[PIC_PLOT_MAX_SERIES + 1], tcol[PIC_PLOT_MAX_SERIES + 1];
    PLFLT lw[PIC_PLOT_MAX_SERIES + 1];
    char names[PIC_PLOT_MAX_SERIES + 1][96];
    const char *txt[PIC_PLOT_MAX_SERIES + 1];
    for (size_t s = 0; s < pan->nseries; s++, n++) {
        opt[n] = PL_LEGEND_LINE;
        lcol[n] = COL_SERIES + (PLINT)s;
        lsty[n] = pan->series[s].dashed ? 2 : 1;
        lw[n] = 2.2;
        plain(names[n], sizeof names[n], pan->series[s].name);
        if (pan->series[s].lo)
            strncat(names[n], " (p10-p90)", sizeof names[n] - strlen(names[n]) - 1);
    }
    if (p->ntouchups > 0) {
        opt[n] = PL_LEGEND_LINE;
        lcol[n] = COL_MARK;
        lsty[n] = 3;
        lw[n] = 1.2;
        snprintf(names[n], sizeof names[n], "touch-up");
        n++;
    }
    for (PLINT i = 0; i < n; i++) {
        tcol[i] = COL_INK;
        txt[i] = names[i];
    }
    /* Top right when the first curve falls, bottom right when it rises: away from it. */
    const pic_series *first = &pan->series[0];
    PLINT corner = first->value[first->n - 1] <= first->value[0] ? PL_POSITION_TOP
                                                                   : PL_POSITION_BOTTOM;
    PLFLT lw_out, lh_out;
    pllegend(&lw_out, &lh_out, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX,
             corner | PL_POSITION_RIGHT | PL_POSITION_INSIDE, 0.02, 0.03, 0.06, COL_BG,
             COL_GRID, 1, 0, 0, n, opt, 0.5, 0.72, 1.9, 0.0, tcol, txt, NULL, NULL,
             NULL, NULL, lcol, lsty, lw, NULL, NULL, NULL, NULL);
}

static void set_colours(void)
{
    plscmap0n(NCOLOURS);
    plscol0(COL_BG, 255, 255, 255);
    plscol0(COL_INK, 25, 25, 25);
    plscol0(COL_GRID, 215, 215, 215);
    plscol0(COL_MARK, 120, 120, 120);
}

int pic_plot_curves(const char *path, pic_kind kind, const pic_plot *plot, char *errbuf,
                    size_t errlen)
{
    if (check_plot(plot, errbuf, errlen) != 0)
        return -1;
    char tmp[4096];
    if (pic_tmp_open(path, tmp, sizeof tmp, errbuf, errlen) != 0)
        return -1;
    int w = plot->width_px > 0 ? plot->width_px : 1200;
    int h = plot->height_px > 0 ? plot->height_px : 500;

    PLINT old_stream, stream;
    plgstrm(&old_stream);
    plmkstrm(&stream);
    plsdev(kind == PIC_SVG ? "svgcairo" : "pngcairo");
    plsfnam(tmp);
    plspage(0, 0, w, h, 0, 0);
    plsfci(0); /* sans-serif upright medium: DejaVu Sans through fontconfig */
    set_colours();
    plinit();
    pladv(0);
    plschr(0, 0.8);

    char text[256];
    plvpor(0, 1, 0, 1);
    plwind(0, 1, 0, 1);
    plcol0(COL_INK);
    plain(text, sizeof text, plot->title);
    plschr(0, 1.05);
    plmtex("t", -2.0, 0.5, 0.5, text);
    plschr(0, 0.8);

    size_t np = plot->npanels;
    double left = 0.065, right = 0.02, gap = 0.085;
    double pw = (1 - left - right - (double)(np - 1) * gap) / (double)np;
    for (size_t k = 0; k < np; k++) {
        double x0 = left + (double)k * (pw + gap);
        /* Colour indices are per series of a panel: set them for this panel. */
        for (size_t s = 0; s < plot->panel[k].nseries; s++) {
            pic_rgb c = plot->panel[k].series[s].colour;
            plscol0(COL_SERIES + (PLINT)s, c.r, c.g, c.b);
            plscol0a(COL_BAND + (PLINT)s, c.r, c.g, c.b, 0.18);
        }
        draw_panel(plot, k, x0, x0 + pw);
    }
    plend1();
    plsstrm(old_stream);

    struct stat st;
    if (stat(tmp, &st) != 0 || st.st_size == 0) {
        snprintf(errbuf, errlen, "PLplot wrote nothing to '%s'", path);
        pic_tmp_abort(tmp);
        return -1;
    }
    if (kind == PIC_SVG) {
        char desc[2048];
        size_t used = 0;
        desc[0] = '\0';
        for (size_t k = 0; k < np && used < sizeof desc; k++)
            used += (size_t)snprintf(desc + used, sizeof desc - used, "%s(%c) %s",
                                     k ? "; " : "", (char)('a' + k),
                                     plot->panel[k].title ? plot->panel[k].title : "");
        if (pic_svg_add_text(tmp, plot->title, desc, errbuf, errlen) != 0) {
            pic_tmp_abort(tmp);
            return -1;
        }
    }
    return pic_tmp_commit(tmp, path, errbuf, errlen);
}
