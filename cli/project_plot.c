/* smpfade project --plot: the fading and drift curves over the years, touch-ups marked,
 * with the ensemble's p10-p90 bands when there is one. */
#include "cli.h"
#include "picture.h"

#include <math.h>
#include <stdlib.h>

typedef struct {
    double *years, *v[4], *lo[4], *hi[4];
} curves_t;

static void curves_free(curves_t *c)
{
    free(c->years);
    for (int i = 0; i < 4; i++) {
        free(c->v[i]);
        free(c->lo[i]);
        free(c->hi[i]);
    }
}

/* The quantities drawn, their ensemble band, and their place in the figure. */
static const struct {
    int band;
    size_t panel;
    const char *name;
    pic_rgb colour;
} drawn[4] = {
    {SMPF_BAND_FRACTION, 0, "pigment left (fraction)", {31, 119, 180}},
    {SMPF_BAND_CONTRAST, 0, "contrast / healed", {214, 39, 40}},
    {SMPF_BAND_DE00, 1, "ΔE00 from healed", {44, 160, 44}},
    {SMPF_BAND_HUE_SHIFT, 2, "cast hue shift (°)", {148, 103, 189}},
};

static double value_of(const smpf_timeline_point_t *p, int band)
{
    switch (band) {
    case SMPF_BAND_FRACTION:
        return p->fraction_remaining;
    case SMPF_BAND_CONTRAST:
        return p->contrast;
    case SMPF_BAND_DE00:
        return p->dE00;
    default:
        return p->hue_shift_deg;
    }
}

int cli_project_plot(const char *cmd, const char *path, const smpf_project_inputs_t *in,
                     const smpf_projection_t *pr, const smpf_ensemble_t *ens)
{
    pic_kind kind;
    if (pic_kind_from_path(path, &kind) != 0)
        return cli_usage_error(cmd, "option --plot: '%s' is neither .png nor .svg", path);
    const size_t n = pr->npoints;
    curves_t c = {calloc(n, sizeof(double)), {0}, {0}, {0}};
    int ok = c.years != NULL;
    for (int i = 0; ok && i < 4; i++) {
        ok = (c.v[i] = calloc(n, sizeof(double))) != NULL;
        if (ens && ok)
            ok = (c.lo[i] = calloc(n, sizeof(double))) && (c.hi[i] = calloc(n, sizeof(double)));
    }
    if (!ok) {
        curves_free(&c);
        fprintf(stderr, "smpfade %s: out of memory\n", cmd);
        return EXIT_FAIL;
    }
    for (size_t k = 0; k < n; k++) {
        c.years[k] = pr->points[k].years;
        for (int i = 0; i < 4; i++) {
            c.v[i][k] = value_of(&pr->points[k], drawn[i].band);
            if (ens) {
                c.lo[i][k] = smpf_ensemble_band_quantile(ens, k, drawn[i].band, 0.1);
                c.hi[i][k] = smpf_ensemble_band_quantile(ens, k, drawn[i].band, 0.9);
            }
        }
    }
    char title[256];
    snprintf(title, sizeof title, "%s, skin type %d: fading and drift%s", in->ink,
             in->client.skin_type, ens ? " (bands: p10-p90 of the ensemble)" : "");
    pic_plot plot = {title, in->years, pr->touchups_years, pr->ntouchups, {{0}}, 3, 1500, 520};
    const char *titles[3] = {"pigment and contrast", "colour change", "cast hue"};
    const char *labels[3] = {"fraction", "ΔE00 from the healed dot", "degrees"};
    for (size_t p = 0; p < 3; p++) {
        plot.panel[p].title = titles[p];
        plot.panel[p].y_label = labels[p];
    }
    /* Room above the curves for the legend. */
    plot.panel[0].y_min = 0;
    plot.panel[0].y_max = 1.35;
    double de_max = 1, hue_lo = 0, hue_hi = 0;
    for (size_t k = 0; k < n; k++) {
        de_max = fmax(de_max, ens ? c.hi[2][k] : c.v[2][k]);
        hue_lo = fmin(hue_lo, ens ? c.lo[3][k] : c.v[3][k]);
        hue_hi = fmax(hue_hi, ens ? c.hi[3][k] : c.v[3][k]);
    }
    plot.panel[1].y_min = 0;
    plot.panel[1].y_max = 1.4 * de_max;
    plot.panel[2].y_min = hue_lo - 0.1 * (hue_hi - hue_lo + 1);
    plot.panel[2].y_max = hue_hi + 0.5 * (hue_hi - hue_lo + 1);
    for (int i = 0; i < 4; i++) {
        pic_panel *panel = &plot.panel[drawn[i].panel];
        panel->series[panel->nseries++] = (pic_series){
            drawn[i].name, c.years, c.v[i], c.lo[i], c.hi[i], n, drawn[i].colour, 0};
    }
    char err[512];
    int rc = pic_plot_curves(path, kind, &plot, err, sizeof err) == 0 ? EXIT_OK : EXIT_FAIL;
    if (rc != EXIT_OK)
        fprintf(stderr, "smpfade %s: %s\n", cmd, err);
    curves_free(&c);
    return rc;
}
