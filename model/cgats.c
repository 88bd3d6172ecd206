/* Spectral CGATS files (colord's CIE tables, spectrophotometer exports), read with
 * Little CMS's IT8 parser.  Every value is checked as text, since the parser's numeric
 * accessor turns anything unreadable into 0. */
#include "smpfade.h"

#include <ctype.h>
#include <errno.h>
#include <lcms2.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CGATS_MAX_BYTES ((size_t)64 << 20) /* spectra files are kilobytes; refuse above 64 MiB */

#define CGATS_MAX_SETS 32766 /* Little CMS's own limit (0x7ffe) */

struct smpf_cgats {
    size_t nsets, nbands;
    double *wavelengths_nm; /* nbands */
    double *values;         /* nsets * nbands */
    char **samples;         /* nsets */
};

static void log_lcms_error(cmsContext ctx, cmsUInt32Number code, const char *text)
{
    (void)code;
    char *buf = cmsGetContextUserData(ctx);
    if (!buf || buf[0] != '\0')
        return;
    /* From memory the parser's messages start ": Line 10, ..." (an empty file name). */
    while (*text == ':' || *text == ' ')
        text++;
    snprintf(buf, 512, "%s", text);
    for (size_t n = strlen(buf); n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '); n--)
        buf[n - 1] = '\0';
}

void smpf_cgats_free(smpf_cgats_t *c)
{
    if (!c)
        return;
    for (size_t i = 0; c->samples && i < c->nsets; i++)
        free(c->samples[i]);
    free(c->samples);
    free(c->wavelengths_nm);
    free(c->values);
    free(c);
}

/* Maps the IT8 fields onto bands (SPEC_<nm>) and the sample-name field. */
static int read_fields(cmsHANDLE it8, const char *path, smpf_cgats_t *c, int **band_field,
                       int *name_field, smpf_error_t *err)
{
    char **names = NULL;
    int nfields = cmsIT8EnumDataFormat(it8, &names);
    if (nfields <= 0 || !names) /* names is NULL when the section itself is missing */
        return smpf_error_set(err, SMPF_ERR_DATA, "%s: no BEGIN_DATA_FORMAT fields", path);
    *band_field = malloc((size_t)nfields * sizeof **band_field);
    c->wavelengths_nm = malloc((size_t)nfields * sizeof *c->wavelengths_nm);
    if (!*band_field || !c->wavelengths_nm)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "%s: out of memory", path);
    *name_field = -1;
    for (int f = 0; f < nfields; f++) {
        const char *name = names[f];
        if (!name) /* NUMBER_OF_FIELDS without a BEGIN_DATA_FORMAT naming them */
            return smpf_error_set(err, SMPF_ERR_DATA, "%s: field %d of NUMBER_OF_FIELDS has no "
                                  "name in BEGIN_DATA_FORMAT", path, f + 1);
        if (strncmp(name, "SPEC_", 5) == 0) {
            double wl;
            if (smpf_parse_double(name + 5, &wl) != 0 || wl <= 0)
                return smpf_error_set(err, SMPF_ERR_DATA, "%s: field %d '%s' is not SPEC_<nm>",
                                      path, f + 1, name);
            if (c->nbands > 0 && !(wl > c->wavelengths_nm[c->nbands - 1]))
                return smpf_error_set(err, SMPF_ERR_DATA,
                                      "%s: field %d '%s': wavelengths must increase", path, f + 1,
                                      name);
            c->wavelengths_nm[c->nbands] = wl;
            (*band_field)[c->nbands++] = f;
        } else if (strcmp(name, "SAMPLE_ID") == 0 || strcmp(name, "SAMPLE_NAME") == 0) {
            if (*name_field < 0)
                *name_field = f;
        }
    }
    if (c->nbands < 2)
        return smpf_error_set(err, SMPF_ERR_DATA, "%s: fewer than 2 SPEC_<nm> fields", path);
    const char *declared = cmsIT8GetProperty(it8, "SPECTRAL_BANDS");
    double nb;
    if (declared && (smpf_parse_double(declared, &nb) != 0 || nb != (double)c->nbands))
        return smpf_error_set(err, SMPF_ERR_DATA,
                              "%s: SPECTRAL_BANDS says %s but the data format has %zu SPEC_ fields",
                              path, declared, c->nbands);
    return SMPF_OK;
}

static int read_sets(cmsHANDLE it8, const char *path, smpf_cgats_t *c, const int *band_field,
                     int name_field, smpf_error_t *err)
{
    /* Read as text: the parser's numeric accessor gives 0 for junk, and a huge value
     * must not reach an int conversion. */
    const char *declared = cmsIT8GetProperty(it8, "NUMBER_OF_SETS");
    double nsets_value;
    if (!declared || smpf_parse_double(declared, &nsets_value) != 0 || nsets_value < 1 ||
        nsets_value > CGATS_MAX_SETS || nsets_value != floor(nsets_value))
        return smpf_error_set(err, SMPF_ERR_DATA, "%s: NUMBER_OF_SETS: expected a whole number "
                              "from 1 to %d, found '%s'", path, CGATS_MAX_SETS,
                              declared ? declared : "(missing)");
    int nsets = (int)nsets_value;
    c->nsets = (size_t)nsets;
    c->values = malloc(c->nsets * c->nbands * sizeof *c->values);
    c->samples = calloc(c->nsets, sizeof *c->samples);
    if (!c->values || !c->samples)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "%s: out of memory", path);
    for (int s = 0; s < nsets; s++) {
        char fallback[32];
        snprintf(fallback, sizeof fallback, "%d", s + 1);
        const char *sample = name_field >= 0 ? cmsIT8GetDataRowCol(it8, s, name_field) : NULL;
        c->samples[s] = strdup(sample && *sample ? sample : fallback);
        if (!c->samples[s])
            return smpf_error_set(err, SMPF_ERR_NOMEM, "%s: out of memory", path);
        for (size_t b = 0; b < c->nbands; b++) {
            const char *text = cmsIT8GetDataRowCol(it8, s, band_field[b]);
            double v;
            if (!text)
                return smpf_error_set(err, SMPF_ERR_DATA, "%s: set %d (%s), field SPEC_%g: "
                                      "missing (NUMBER_OF_SETS says %d; truncated file?)",
                                      path, s + 1, c->samples[s], c->wavelengths_nm[b], nsets);
            if (smpf_parse_double(text, &v) != 0)
                return smpf_error_set(err, SMPF_ERR_DATA,
                                      "%s: set %d (%s), field SPEC_%g: expected a number, found "
                                      "'%.20s'",
                                      path, s + 1, c->samples[s], c->wavelengths_nm[b], text);
            c->values[(size_t)s * c->nbands + b] = v;
        }
    }
    return SMPF_OK;
}

/* Little CMS's IT8 parser follows $INCLUDE and .INCLUDE (keywords are case-insensitive)
 * to any path, a FIFO or device included; a spectra file has no need of them. */
static int has_include(const char *bytes, size_t len)
{
    static const char word[] = "include";
    for (size_t i = 0; i + sizeof word <= len; i++) {
        if (bytes[i] != '$' && bytes[i] != '.')
            continue;
        size_t k = 0;
        while (k + 1 < sizeof word && tolower((unsigned char)bytes[i + 1 + k]) == word[k])
            k++;
        if (k + 1 == sizeof word)
            return 1;
    }
    return 0;
}

/* Little CMS 2.14 reads past its field-name array when NUMBER_OF_FIELDS is given again
 * after a BEGIN_DATA_FORMAT (found by tests/fuzz/fuzz_cgats; a bus error in
 * cmsIT8LoadFromMem).  Such files are refused before the parser sees them: any structural
 * keyword that occurs twice, case-insensitively, anywhere, so that no disagreement with
 * the parser's tokenizer (identifiers end at a byte outside 33-126 or at # " ') can hide
 * one.  This refuses files with several tables too; smpfade reads one table per file.
 * Returns the first keyword repeated, or NULL. */
static int is_lcms_id_char(unsigned char c)
{
    return c > 32 && c < 127 && c != '#' && c != '"' && c != '\'';
}

static const char *repeated_keyword(const char *bytes, size_t len)
{
    static const char *const keywords[] = {"NUMBER_OF_FIELDS", "NUMBER_OF_SETS",
                                           "BEGIN_DATA_FORMAT", "BEGIN_DATA"};
    for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++) {
        size_t n = strlen(keywords[k]), seen = 0;
        for (size_t i = 0; i + n <= len; i++)
            if (strncasecmp(bytes + i, keywords[k], n) == 0 &&
                (i + n == len || !is_lcms_id_char((unsigned char)bytes[i + n])) && seen++)
                return keywords[k];
    }
    return NULL;
}

int smpf_cgats_parse_mem(const char *name, const void *bytes, size_t len, smpf_cgats_t **out,
                         smpf_error_t *err)
{
    *out = NULL;
    if (len > CGATS_MAX_BYTES)
        return smpf_error_set(err, SMPF_ERR_DATA, "%s: larger than the %zu MiB limit", name,
                              CGATS_MAX_BYTES >> 20);
    if (memchr(bytes, '\0', len))
        return smpf_error_set(err, SMPF_ERR_DATA, "%s: contains a NUL byte: not a text CGATS file",
                              name);
    if (has_include(bytes, len))
        return smpf_error_set(err, SMPF_ERR_DATA, "%s: $INCLUDE/.INCLUDE directives are not "
                              "supported (they would read other files)", name);
    const char *repeated = repeated_keyword(bytes, len);
    if (repeated)
        return smpf_error_set(err, SMPF_ERR_DATA, "%s: %s appears twice (a second table, or a "
                              "redefinition): one table per file", name, repeated);
    char lcms_message[512] = "";
    cmsContext lcms = cmsCreateContext(NULL, lcms_message);
    if (!lcms)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "%s: cannot create a Little CMS context", name);
    cmsSetLogErrorHandlerTHR(lcms, log_lcms_error);
    cmsHANDLE it8 = len ? cmsIT8LoadFromMem(lcms, bytes, (cmsUInt32Number)len) : NULL;
    int rc;
    smpf_cgats_t *c = calloc(1, sizeof *c);
    int *band_field = NULL, name_field = -1;
    if (!c)
        rc = smpf_error_set(err, SMPF_ERR_NOMEM, "%s: out of memory", name);
    else if (!it8)
        rc = smpf_error_set(err, SMPF_ERR_DATA, "%s: not a readable CGATS file: %s", name,
                            lcms_message[0] ? lcms_message : "parse error");
    else if ((rc = read_fields(it8, name, c, &band_field, &name_field, err)) == SMPF_OK)
        rc = read_sets(it8, name, c, band_field, name_field, err);
    free(band_field);
    if (it8)
        cmsIT8Free(it8);
    cmsDeleteContext(lcms);
    if (rc != SMPF_OK) {
        smpf_cgats_free(c);
        return rc;
    }
    *out = c;
    return SMPF_OK;
}

int smpf_cgats_load(const char *path, smpf_cgats_t **out, smpf_error_t *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return smpf_error_set(err, SMPF_ERR_DATA, "%s: cannot open: %s", path, strerror(errno));
    /* Reads up to one byte past the limit, so that parse_mem recognises an oversized file. */
    char *buf = malloc(65536);
    size_t len = 0, cap = 65536;
    int rc = buf ? SMPF_OK : smpf_error_set(err, SMPF_ERR_NOMEM, "%s: out of memory", path);
    while (rc == SMPF_OK && len <= CGATS_MAX_BYTES) {
        if (len == cap) {
            cap = 2 * cap > CGATS_MAX_BYTES + 1 ? CGATS_MAX_BYTES + 1 : 2 * cap;
            char *nb = realloc(buf, cap);
            if (!nb) {
                rc = smpf_error_set(err, SMPF_ERR_NOMEM, "%s: out of memory", path);
                break;
            }
            buf = nb;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0 && ferror(f))
            rc = smpf_error_set(err, SMPF_ERR_DATA, "%s: read error: %s", path, strerror(errno));
        else if (got == 0)
            break;
    }
    fclose(f);
    if (rc == SMPF_OK)
        rc = smpf_cgats_parse_mem(path, buf, len, out, err);
    free(buf);
    return rc;
}

size_t smpf_cgats_sets(const smpf_cgats_t *c) { return c->nsets; }
size_t smpf_cgats_bands(const smpf_cgats_t *c) { return c->nbands; }
const double *smpf_cgats_wavelengths_nm(const smpf_cgats_t *c) { return c->wavelengths_nm; }
const double *smpf_cgats_values(const smpf_cgats_t *c, size_t set)
{
    return c->values + set * c->nbands;
}
const char *smpf_cgats_sample(const smpf_cgats_t *c, size_t set) { return c->samples[set]; }
