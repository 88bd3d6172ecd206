/* The pigment catalogue: components (kinetic properties, optical spectra) and inks. */
#include "smpfade.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRACTION_SUM_TOLERANCE 1e-3
/* Lookups by name are linear; a catalogue is dozens of entries, never this many. */
#define CATALOGUE_MAX_ENTRIES 10000
#define SPECTRUM_MAX_GAP_NM 20.0 /* as for measured spectra: end value held beyond */

struct smpf_pigments {
    smpf_component_t *components;
    size_t ncomponents, cap_components;
    smpf_ink_t *inks;
    size_t ninks, cap_inks;
};

static const char *const component_columns[] = {
    "name", "description", "particle_size_nm", "particle_size_lo_nm", "particle_size_hi_nm",
    "uv_beta_cm2_per_J", "uv_beta_lo_cm2_per_J", "uv_beta_hi_cm2_per_J", "k_bio_per_day",
    "k_bio_lo_per_day", "k_bio_hi_per_day", "source", NULL};
static const char *const spectra_columns[] = {"component", "wavelength_nm", "mua_per_mm",
                                              "musp_per_mm", NULL};
static const char *const ink_columns[] = {"ink", "kind", "component", "fraction",
                                          "description", "source", NULL};

static int copy_name(char *dst, size_t size, const char *src, const smpf_table_t *t, size_t row,
                     const char *column, smpf_error_t *err)
{
    if (strlen(src) >= size)
        return smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu: column '%s': longer than %zu characters",
                              smpf_table_name(t), smpf_table_line(t, row), column, size - 1);
    snprintf(dst, size, "%s", src);
    return SMPF_OK;
}

/* Median and 90 % range from three columns; lo <= median <= hi. */
static int read_dist(const smpf_table_t *t, size_t row, const char *med, const char *lo,
                     const char *hi, double min, double max, smpf_dist_t *d, smpf_error_t *err)
{
    int rc = smpf_table_number(t, row, med, min, max, &d->median, err);
    if (rc == SMPF_OK)
        rc = smpf_table_number(t, row, lo, min, max, &d->lo, err);
    if (rc == SMPF_OK)
        rc = smpf_table_number(t, row, hi, min, max, &d->hi, err);
    if (rc == SMPF_OK && !(d->lo <= d->median && d->median <= d->hi))
        rc = smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu: need %s <= %s <= %s, got %g, %g, %g",
                            smpf_table_name(t), smpf_table_line(t, row), lo, med, hi, d->lo,
                            d->median, d->hi);
    return rc;
}

static int add_components(smpf_pigments_t *p, const smpf_table_t *t, smpf_error_t *err)
{
    size_t n = smpf_table_rows(t);
    if (p->ncomponents + n > CATALOGUE_MAX_ENTRIES)
        return smpf_error_set(err, SMPF_ERR_DATA, "%s: more than %d components in the catalogue",
                              smpf_table_name(t), CATALOGUE_MAX_ENTRIES);
    if (p->ncomponents + n > p->cap_components) {
        size_t cap = p->ncomponents + n + 8;
        smpf_component_t *c = realloc(p->components, cap * sizeof *c);
        if (!c)
            return smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
        p->components = c;
        p->cap_components = cap;
    }
    size_t start = p->ncomponents;
    for (size_t r = 0; r < n; r++) {
        smpf_component_t c = {0};
        const char *name, *desc, *src;
        int rc = smpf_table_string(t, r, "name", &name, err);
        if (rc == SMPF_OK)
            rc = smpf_table_string(t, r, "description", &desc, err);
        if (rc == SMPF_OK)
            rc = smpf_table_string(t, r, "source", &src, err);
        if (rc == SMPF_OK)
            rc = copy_name(c.name, sizeof c.name, name, t, r, "name", err);
        if (rc == SMPF_OK && (smpf_pigments_find_component(p, name) >= 0))
            rc = smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu: component '%s' is already defined",
                                smpf_table_name(t), smpf_table_line(t, r), name);
        if (rc == SMPF_OK) {
            snprintf(c.description, sizeof c.description, "%s", desc);
            snprintf(c.source, sizeof c.source, "%s", src);
            rc = read_dist(t, r, "particle_size_nm", "particle_size_lo_nm", "particle_size_hi_nm",
                           1.0, 1e6, &c.particle_size_nm, err);
        }
        if (rc == SMPF_OK)
            rc = read_dist(t, r, "uv_beta_cm2_per_J", "uv_beta_lo_cm2_per_J",
                           "uv_beta_hi_cm2_per_J", 0.0, 1e3, &c.uv_beta_cm2_per_J, err);
        if (rc == SMPF_OK)
            rc = read_dist(t, r, "k_bio_per_day", "k_bio_lo_per_day", "k_bio_hi_per_day", 0.0,
                           10.0, &c.k_bio_per_day, err);
        if (rc != SMPF_OK) {
            p->ncomponents = start;
            return rc;
        }
        p->components[p->ncomponents++] = c;
    }
    return SMPF_OK;
}

/* Rows of one component are consecutive, wavelengths increasing. */
static int add_spectra(smpf_pigments_t *p, const smpf_table_t *t, smpf_error_t *err)
{
    size_t n = smpf_table_rows(t), nspec = 0;
    double *wl = malloc((n + 1) * sizeof *wl), *mua = malloc((n + 1) * sizeof *mua),
           *musp = malloc((n + 1) * sizeof *musp);
    int *done = calloc(p->ncomponents + 1, sizeof *done);
    /* At most one pending spectrum per component (done[] refuses a second). */
    struct pending { int index; double mua[SMPF_NWL], musp[SMPF_NWL]; } *pend =
        malloc((p->ncomponents + 1) * sizeof *pend);
    int rc = (wl && mua && musp && done && pend) ? SMPF_OK
                                                 : smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    for (size_t r = 0; rc == SMPF_OK && r < n;) {
        const char *name;
        rc = smpf_table_string(t, r, "component", &name, err);
        int idx = rc == SMPF_OK ? smpf_pigments_find_component(p, name) : -1;
        if (rc == SMPF_OK && idx < 0)
            rc = smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu: unknown component '%s' (define it "
                                "in a components file first)", smpf_table_name(t),
                                smpf_table_line(t, r), name);
        else if (rc == SMPF_OK && (done[idx] || p->components[idx].has_spectra))
            rc = smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu: component '%s' already has spectra "
                                "(its rows must be consecutive and given once)",
                                smpf_table_name(t), smpf_table_line(t, r), name);
        size_t first = r, m = 0;
        size_t name_col = (size_t)smpf_table_find(t, "component");
        for (; rc == SMPF_OK && r < n && strcmp(smpf_table_cell(t, r, name_col), name) == 0;
             r++, m++) {
            rc = smpf_table_number(t, r, "wavelength_nm", 200, 2000, &wl[m], err);
            if (rc == SMPF_OK && m > 0 && !(wl[m] > wl[m - 1]))
                rc = smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu:%d: component '%s': %s %g nm "
                                    "(line %zu has %g nm); wavelengths must increase",
                                    smpf_table_name(t), smpf_table_line(t, r),
                                    smpf_table_find(t, "wavelength_nm") + 1, name,
                                    wl[m] == wl[m - 1] ? "duplicate wavelength" : "wavelength",
                                    wl[m], smpf_table_line(t, r - 1), wl[m - 1]);
            if (rc == SMPF_OK)
                rc = smpf_table_number(t, r, "mua_per_mm", 0, 1e7, &mua[m], err);
            if (rc == SMPF_OK)
                rc = smpf_table_number(t, r, "musp_per_mm", 0, 1e7, &musp[m], err);
        }
        if (rc == SMPF_OK) {
            pend[nspec].index = idx;
            done[idx] = 1;
            rc = smpf_resample(wl, mua, m, SPECTRUM_MAX_GAP_NM, pend[nspec].mua, err);
            if (rc == SMPF_OK)
                rc = smpf_resample(wl, musp, m, SPECTRUM_MAX_GAP_NM, pend[nspec].musp, err);
            if (rc != SMPF_OK)
                smpf_error_prefix(err, "%s:%zu: component '%s': ", smpf_table_name(t),
                                  smpf_table_line(t, first), name);
            nspec++;
        }
    }
    for (size_t i = 0; rc == SMPF_OK && i < nspec; i++) {
        smpf_component_t *c = &p->components[pend[i].index];
        memcpy(c->mua_per_mm, pend[i].mua, sizeof c->mua_per_mm);
        memcpy(c->musp_per_mm, pend[i].musp, sizeof c->musp_per_mm);
        c->has_spectra = 1;
    }
    free(wl);
    free(mua);
    free(musp);
    free(done);
    free(pend);
    return rc;
}

static int find_ink_index(const smpf_pigments_t *p, const char *name, size_t from)
{
    for (size_t i = from; i < p->ninks; i++)
        if (strcmp(p->inks[i].name, name) == 0)
            return (int)i;
    return -1;
}

static int add_ink_row(smpf_pigments_t *p, const smpf_table_t *t, size_t r, size_t start,
                       smpf_error_t *err)
{
    const char *name, *kind, *comp, *desc, *src;
    double fraction;
    int rc = smpf_table_string(t, r, "ink", &name, err);
    if (rc == SMPF_OK)
        rc = smpf_table_string(t, r, "kind", &kind, err);
    if (rc == SMPF_OK)
        rc = smpf_table_string(t, r, "component", &comp, err);
    if (rc == SMPF_OK)
        rc = smpf_table_string(t, r, "description", &desc, err);
    if (rc == SMPF_OK)
        rc = smpf_table_string(t, r, "source", &src, err);
    if (rc == SMPF_OK)
        rc = smpf_table_number(t, r, "fraction", 1e-9, 1.0, &fraction, err);
    if (rc != SMPF_OK)
        return rc;
    const char *file = smpf_table_name(t);
    size_t line = smpf_table_line(t, r);
    int is_temporary = strcmp(kind, "temporary") == 0;
    if (!is_temporary && strcmp(kind, "permanent") != 0)
        return smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu: column 'kind': expected permanent or "
                              "temporary, found '%s'", file, line, kind);
    int ci = smpf_pigments_find_component(p, comp);
    if (ci < 0 || !p->components[ci].has_spectra)
        return smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu: ink '%s': component '%s' is %s", file,
                              line, name, comp, ci < 0 ? "not defined" : "without spectra");
    if (find_ink_index(p, name, 0) >= 0 && find_ink_index(p, name, start) < 0)
        return smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu: ink '%s' is already defined", file, line,
                              name);
    int ii = find_ink_index(p, name, start);
    if (ii < 0) {
        if (p->ninks == CATALOGUE_MAX_ENTRIES)
            return smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu: more than %d inks in the "
                                  "catalogue", file, line, CATALOGUE_MAX_ENTRIES);
        if (p->ninks == p->cap_inks) {
            size_t cap = p->cap_inks ? 2 * p->cap_inks : 16;
            smpf_ink_t *inks = realloc(p->inks, cap * sizeof *inks);
            if (!inks)
                return smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
            p->inks = inks;
            p->cap_inks = cap;
        }
        smpf_ink_t *ink = &p->inks[p->ninks];
        memset(ink, 0, sizeof *ink);
        if ((rc = copy_name(ink->name, sizeof ink->name, name, t, r, "ink", err)) != SMPF_OK)
            return rc;
        ink->temporary = is_temporary;
        snprintf(ink->description, sizeof ink->description, "%s", desc);
        snprintf(ink->source, sizeof ink->source, "%s", src);
        ii = (int)p->ninks++;
    }
    smpf_ink_t *ink = &p->inks[ii];
    if (ink->temporary != is_temporary)
        return smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu: ink '%s' is given two kinds", file,
                              line, name);
    for (size_t k = 0; k < ink->ncomponents; k++)
        if (ink->component[k] == (size_t)ci)
            return smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu: ink '%s' lists '%s' twice", file,
                                  line, name, comp);
    if (ink->ncomponents == SMPF_INK_MAX_COMPONENTS)
        return smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu: ink '%s' has more than %d components",
                              file, line, name, SMPF_INK_MAX_COMPONENTS);
    ink->component[ink->ncomponents] = (size_t)ci;
    ink->fraction[ink->ncomponents++] = fraction;
    return SMPF_OK;
}

static int add_inks(smpf_pigments_t *p, const smpf_table_t *t, smpf_error_t *err)
{
    size_t start = p->ninks;
    int rc = SMPF_OK;
    for (size_t r = 0; rc == SMPF_OK && r < smpf_table_rows(t); r++)
        rc = add_ink_row(p, t, r, start, err);
    for (size_t i = start; rc == SMPF_OK && i < p->ninks; i++) {
        double sum = 0;
        for (size_t k = 0; k < p->inks[i].ncomponents; k++)
            sum += p->inks[i].fraction[k];
        if (sum < 1 - FRACTION_SUM_TOLERANCE || sum > 1 + FRACTION_SUM_TOLERANCE)
            rc = smpf_error_set(err, SMPF_ERR_DATA, "%s: ink '%s': fractions sum to %g, not 1",
                                smpf_table_name(t), p->inks[i].name, sum);
    }
    if (rc != SMPF_OK)
        p->ninks = start;
    return rc;
}

int smpf_pigments_add_file(smpf_pigments_t *p, const char *path, smpf_error_t *err)
{
    smpf_table_t *t;
    int rc = smpf_table_load(path, &t, err);
    if (rc != SMPF_OK)
        return rc;
    const char *const *columns = NULL;
    int (*add)(smpf_pigments_t *, const smpf_table_t *, smpf_error_t *) = NULL;
    if (smpf_table_find(t, "ink") >= 0) {
        columns = ink_columns;
        add = add_inks;
    } else if (smpf_table_find(t, "particle_size_nm") >= 0) {
        columns = component_columns;
        add = add_components;
    } else if (smpf_table_find(t, "wavelength_nm") >= 0) {
        columns = spectra_columns;
        add = add_spectra;
    }
    if (!add)
        rc = smpf_error_set(err, SMPF_ERR_DATA, "%s: not an inks, components or pigment spectra "
                            "file (see datasets/FORMATS.md)", path);
    else if ((rc = smpf_table_expect_columns(t, columns, NULL, err)) == SMPF_OK)
        rc = add(p, t, err);
    smpf_table_free(t);
    return rc;
}

int smpf_pigments_load(const char *dir, smpf_pigments_t **out, smpf_error_t *err)
{
    static const char *const files[] = {"components.csv", "pigment_spectra.csv", "inks.csv"};
    *out = NULL;
    smpf_pigments_t *p = calloc(1, sizeof *p);
    if (!p)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    int rc = SMPF_OK;
    for (size_t i = 0; rc == SMPF_OK && i < 3; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        rc = smpf_pigments_add_file(p, path, err);
    }
    for (size_t i = 0; rc == SMPF_OK && i < p->ncomponents; i++)
        if (!p->components[i].has_spectra)
            rc = smpf_error_set(err, SMPF_ERR_DATA, "%s/pigment_spectra.csv: no spectra for "
                                "component '%s'", dir, p->components[i].name);
    if (rc != SMPF_OK) {
        smpf_pigments_free(p);
        return rc;
    }
    *out = p;
    return SMPF_OK;
}

void smpf_pigments_free(smpf_pigments_t *p)
{
    if (!p)
        return;
    free(p->components);
    free(p->inks);
    free(p);
}

size_t smpf_pigments_ncomponents(const smpf_pigments_t *p) { return p->ncomponents; }
const smpf_component_t *smpf_pigments_component(const smpf_pigments_t *p, size_t i)
{
    return &p->components[i];
}
size_t smpf_pigments_ninks(const smpf_pigments_t *p) { return p->ninks; }
const smpf_ink_t *smpf_pigments_ink(const smpf_pigments_t *p, size_t i) { return &p->inks[i]; }

int smpf_pigments_find_component(const smpf_pigments_t *p, const char *name)
{
    for (size_t i = 0; i < p->ncomponents; i++)
        if (strcmp(p->components[i].name, name) == 0)
            return (int)i;
    return -1;
}

const smpf_ink_t *smpf_pigments_find_ink(const smpf_pigments_t *p, const char *name)
{
    int i = find_ink_index(p, name, 0);
    return i < 0 ? NULL : &p->inks[i];
}

void smpf_pigments_ink_names(const smpf_pigments_t *p, char *buf, size_t size)
{
    size_t used = 0;
    if (size)
        buf[0] = '\0';
    for (size_t i = 0; i < p->ninks && used + 1 < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", p->inks[i].name);
}
