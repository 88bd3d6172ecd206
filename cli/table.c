/* Tabular output: an aligned text table for people, CSV (quoted by libcsv) and JSON
 * (jansson) for programs. */
#include "cli.h"

#include <csv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void cli_table_init(cli_table *t, const char *const *names, size_t ncols)
{
    memset(t, 0, sizeof *t);
    t->names = names;
    t->ncols = ncols;
}

void cli_table_free(cli_table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i].text);
    free(t->cells);
    memset(t, 0, sizeof *t);
}

long cli_table_add_row(cli_table *t)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 32;
        cli_cell *c = realloc(t->cells, cap * t->ncols * sizeof *c);
        if (!c)
            return -1;
        t->cells = c;
        t->cap = cap;
    }
    cli_cell *row = t->cells + t->nrows * t->ncols;
    for (size_t i = 0; i < t->ncols; i++)
        row[i] = (cli_cell){NULL, 0, -2};
    return (long)t->nrows++;
}

static cli_cell *cell(cli_table *t, size_t row, size_t col) { return t->cells + row * t->ncols + col; }

void cli_table_num(cli_table *t, size_t row, size_t col, double v, int digits)
{
    cli_cell *c = cell(t, row, col);
    c->number = v;
    c->digits = isfinite(v) ? digits : -2; /* a non-finite number is written as null */
}

void cli_table_text(cli_table *t, size_t row, size_t col, const char *s)
{
    cli_cell *c = cell(t, row, col);
    free(c->text);
    c->text = strdup(s);
    c->digits = c->text ? -1 : -2;
}

void cli_table_null(cli_table *t, size_t row, size_t col) { cell(t, row, col)->digits = -2; }

static void format_cell(const cli_cell *c, char *buf, size_t n, const char *null_text)
{
    if (c->digits == -1)
        snprintf(buf, n, "%s", c->text);
    else if (c->digits == -2)
        snprintf(buf, n, "%s", null_text);
    else
        snprintf(buf, n, "%.*f", c->digits, c->number);
}

/* For a terminal: control characters in user text (an ESC sequence in a sample name)
 * become '?', so that no cell can move the cursor, recolour or retitle the terminal. */
static void make_printable(char *buf)
{
    for (unsigned char *c = (unsigned char *)buf; *c; c++)
        if (*c < 0x20 || *c == 0x7F)
            *c = '?';
}

int cli_table_write_text(FILE *fp, const cli_table *t)
{
    size_t *width = calloc(t->ncols, sizeof *width);
    if (!width)
        return -1;
    char buf[256];
    for (size_t j = 0; j < t->ncols; j++)
        width[j] = strlen(t->names[j]);
    for (size_t i = 0; i < t->nrows; i++)
        for (size_t j = 0; j < t->ncols; j++) {
            format_cell(&t->cells[i * t->ncols + j], buf, sizeof buf, "-");
            make_printable(buf);
            if (strlen(buf) > width[j])
                width[j] = strlen(buf);
        }
    /* The last column is not padded, so lines carry no trailing blanks. */
    for (size_t j = 0; j < t->ncols; j++)
        fprintf(fp, "%s%*s", j ? "  " : "", j + 1 < t->ncols ? -(int)width[j] : 0, t->names[j]);
    fputc('\n', fp);
    for (size_t i = 0; i < t->nrows; i++) {
        for (size_t j = 0; j < t->ncols; j++) {
            const cli_cell *c = &t->cells[i * t->ncols + j];
            format_cell(c, buf, sizeof buf, "-");
            make_printable(buf);
            /* Text left-aligned, numbers right-aligned. */
            int w = c->digits == -1 ? (j + 1 < t->ncols ? -(int)width[j] : 0) : (int)width[j];
            fprintf(fp, "%s%*s", j ? "  " : "", w, buf);
        }
        fputc('\n', fp);
    }
    free(width);
    return ferror(fp) ? -1 : 0;
}

static void csv_field(FILE *fp, const char *s, int first)
{
    if (!first)
        fputc(',', fp);
    if (strpbrk(s, ",\"\r\n") || (s[0] == ' ' || (s[0] && s[strlen(s) - 1] == ' ')))
        csv_fwrite(fp, s, strlen(s));
    else
        fputs(s, fp);
}

int cli_table_write_csv(FILE *fp, const cli_table *t)
{
    char buf[256];
    for (size_t j = 0; j < t->ncols; j++)
        csv_field(fp, t->names[j], j == 0);
    fputc('\n', fp);
    for (size_t i = 0; i < t->nrows; i++) {
        for (size_t j = 0; j < t->ncols; j++) {
            format_cell(&t->cells[i * t->ncols + j], buf, sizeof buf, "");
            csv_field(fp, buf, j == 0);
        }
        fputc('\n', fp);
    }
    return ferror(fp) ? -1 : 0;
}

json_t *cli_json_string(const char *s)
{
    json_t *v = json_string(s);
    if (v || !s)
        return v;
    /* Not valid UTF-8 (a sample name from a Latin-1 export, say): each invalid byte
     * becomes U+FFFD, the replacement character. */
    size_t n = strlen(s);
    char *fixed = malloc(3 * n + 1);
    if (!fixed)
        return NULL;
    size_t used = 0;
    for (const char *c = s; *c;) {
        size_t len = smpf_utf8_sequence_length(c);
        if (len) {
            memcpy(fixed + used, c, len);
            used += len;
            c += len;
        } else {
            memcpy(fixed + used, "\xEF\xBF\xBD", 3);
            used += 3;
            c++;
        }
    }
    v = json_stringn(fixed, used);
    free(fixed);
    return v;
}

json_t *cli_table_to_json(const cli_table *t)
{
    json_t *rows = json_array();
    for (size_t i = 0; rows && i < t->nrows; i++) {
        json_t *obj = json_object();
        for (size_t j = 0; obj && j < t->ncols; j++) {
            const cli_cell *c = &t->cells[i * t->ncols + j];
            json_t *v = c->digits == -1   ? cli_json_string(c->text)
                        : c->digits == -2 ? json_null()
                                          : json_real(c->number);
            json_object_set_new(obj, t->names[j], v);
        }
        json_array_append_new(rows, obj);
    }
    return rows;
}

int cli_json_write(FILE *fp, json_t *value)
{
    int rc = json_dumpf(value, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    fputc('\n', fp);
    return rc == 0 && !ferror(fp) ? 0 : -1;
}
