/* CSV tables with a header row, parsed with libcsv.  Every message names the file, the
 * line and, where it applies, the column. */
#include "smpfade.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_MAX_BYTES ((size_t)512 << 20) /* refuse files above 512 MiB */
/* Our formats have a dozen columns; the cap keeps the header's duplicate check (quadratic)
 * and per-record work bounded on hostile input. */
#define TABLE_MAX_FIELDS 1000

struct smpf_table {
    char *name;
    size_t ncols, nrows, cap_rows;
    size_t header_line;
    char **header;
    char **cells; /* nrows * ncols, row-major */
    size_t *lines;
};

/* Parser state shared with libcsv's callbacks. */
typedef struct {
    smpf_table_t *t;
    char **record;
    size_t nfields, cap_fields;
    size_t line;        /* line being fed to the parser */
    size_t record_line; /* line where the current record began */
    int failed;
    smpf_error_t *err;
} parse_state;

static char *dup_bytes(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static void free_record(parse_state *st)
{
    for (size_t i = 0; i < st->nfields; i++)
        free(st->record[i]);
    st->nfields = 0;
}

static void on_field(void *data, size_t len, void *vstate)
{
    parse_state *st = vstate;
    if (st->failed)
        return;
    if (st->nfields == 0)
        st->record_line = st->line;
    if (st->nfields == TABLE_MAX_FIELDS) {
        st->failed = smpf_error_set(st->err, SMPF_ERR_DATA, "%s:%zu: more than %d fields in a "
                                    "record", st->t->name, st->line, TABLE_MAX_FIELDS);
        return;
    }
    if (st->nfields == st->cap_fields) {
        size_t cap = st->cap_fields ? 2 * st->cap_fields : 16;
        char **r = realloc(st->record, cap * sizeof *r);
        if (!r) {
            st->failed = smpf_error_set(st->err, SMPF_ERR_NOMEM, "%s: out of memory", st->t->name);
            return;
        }
        st->record = r;
        st->cap_fields = cap;
    }
    if (data && memchr(data, '\0', len) != NULL) {
        st->failed = smpf_error_set(st->err, SMPF_ERR_DATA,
                                    "%s:%zu: a NUL byte in a field (binary file?)", st->t->name,
                                    st->line);
        return;
    }
    char *f = dup_bytes(data ? data : "", data ? len : 0);
    if (!f) {
        st->failed = smpf_error_set(st->err, SMPF_ERR_NOMEM, "%s: out of memory", st->t->name);
        return;
    }
    st->record[st->nfields++] = f;
}

static int record_is_blank(const parse_state *st)
{
    for (size_t i = 0; i < st->nfields; i++)
        if (st->record[i][0] != '\0')
            return 0;
    return 1;
}

static int take_header(parse_state *st)
{
    smpf_table_t *t = st->t;
    for (size_t i = 0; i < st->nfields; i++) {
        if (st->record[i][0] == '\0')
            return smpf_error_set(st->err, SMPF_ERR_DATA,
                                  "%s:%zu:%zu: empty column name in the header", t->name,
                                  st->record_line, i + 1);
        for (size_t j = 0; j < i; j++)
            if (strcmp(st->record[i], st->record[j]) == 0)
                return smpf_error_set(st->err, SMPF_ERR_DATA,
                                      "%s:%zu:%zu: column '%s' appears twice in the header",
                                      t->name, st->record_line, i + 1, st->record[i]);
    }
    t->header = st->record;
    t->header_line = st->record_line;
    t->ncols = st->nfields;
    st->record = NULL;
    st->nfields = st->cap_fields = 0;
    return SMPF_OK;
}

static int take_row(parse_state *st)
{
    smpf_table_t *t = st->t;
    if (st->nfields != t->ncols)
        return smpf_error_set(st->err, SMPF_ERR_DATA,
                              "%s:%zu: expected %zu fields as in the header, found %zu",
                              t->name, st->record_line, t->ncols, st->nfields);
    if (t->nrows == t->cap_rows) {
        size_t cap = t->cap_rows ? 2 * t->cap_rows : 64;
        char **cells = realloc(t->cells, cap * t->ncols * sizeof *cells);
        if (!cells)
            return smpf_error_set(st->err, SMPF_ERR_NOMEM, "%s: out of memory", t->name);
        t->cells = cells;
        size_t *lines = realloc(t->lines, cap * sizeof *lines);
        if (!lines)
            return smpf_error_set(st->err, SMPF_ERR_NOMEM, "%s: out of memory", t->name);
        t->lines = lines;
        t->cap_rows = cap;
    }
    memcpy(t->cells + t->nrows * t->ncols, st->record, t->ncols * sizeof *st->record);
    t->lines[t->nrows++] = st->record_line;
    st->nfields = 0;
    return SMPF_OK;
}

static void on_record(int terminator, void *vstate)
{
    (void)terminator;
    parse_state *st = vstate;
    if (st->failed)
        return;
    if (record_is_blank(st)) {
        free_record(st);
        return;
    }
    int rc = st->t->header ? take_row(st) : take_header(st);
    if (rc != SMPF_OK) {
        free_record(st);
        st->failed = rc;
    }
}

void smpf_table_free(smpf_table_t *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    for (size_t i = 0; t->header && i < t->ncols; i++)
        free(t->header[i]);
    free(t->header);
    free(t->cells);
    free(t->lines);
    free(t->name);
    free(t);
}

/* A spreadsheet's error value (#N/A, #DIV/0! ...) in a first cell: data, not a comment,
 * so that the row is refused with its line rather than silently dropped. */
static int spreadsheet_error(const char *line, size_t len)
{
    static const char *const values[] = {"#N/A", "#VALUE!", "#DIV/0!", "#NUM!",
                                         "#REF!", "#NAME?", "#NULL!"};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        size_t n = strlen(values[i]);
        if (len >= n && memcmp(line, values[i], n) == 0 &&
            (len == n || strchr(",\r\n", line[n])))
            return 1;
    }
    return 0;
}

int smpf_table_parse(const char *name, const char *text, size_t len, smpf_table_t **out,
                     smpf_error_t *err)
{
    *out = NULL;
    smpf_table_t *t = calloc(1, sizeof *t);
    if (!t || !(t->name = dup_bytes(name, strlen(name)))) {
        free(t);
        return smpf_error_set(err, SMPF_ERR_NOMEM, "%s: out of memory", name);
    }
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) { /* UTF-8 byte-order mark */
        text += 3;
        len -= 3;
    }
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        smpf_table_free(t);
        return smpf_error_set(err, SMPF_ERR_NOMEM, "%s: out of memory", name);
    }
    parse_state st = {.t = t, .err = err};
    size_t pos = 0, open_quote_line = 0; /* where a quoted field still open began */
    for (st.line = 1; pos < len && !st.failed; st.line++) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) + 1 : len;
        /* A '#' at the start of a line outside any record is a comment. */
        int comment = p.pstate == 0 && st.nfields == 0 && text[pos] == '#' &&
                      !spreadsheet_error(text + pos, end - pos);
        if (!comment && csv_parse(&p, text + pos, end - pos, on_field, on_record, &st) != end - pos
            && !st.failed)
            st.failed = smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu: malformed CSV (%s)", name,
                                       st.line, csv_strerror(csv_error(&p)));
        open_quote_line = !p.quoted ? 0 : open_quote_line ? open_quote_line : st.line;
        pos = end;
    }
    st.line--;
    if (!st.failed && csv_fini(&p, on_field, on_record, &st) != 0 && !st.failed) {
        if (open_quote_line)
            st.failed = smpf_error_set(err, SMPF_ERR_DATA,
                                       "%s:%zu: malformed CSV: a quoted field opened on this "
                                       "line is never closed",
                                       name, open_quote_line);
        else
            st.failed = smpf_error_set(err, SMPF_ERR_DATA,
                                       "%s:%zu: malformed CSV at the end of the file (%s)", name,
                                       st.line, csv_strerror(csv_error(&p)));
    }
    csv_free(&p);
    free_record(&st);
    free(st.record);
    if (!st.failed && !t->header)
        st.failed = smpf_error_set(err, SMPF_ERR_DATA, "%s: no header row (the file is empty)",
                                   name);
    if (st.failed) {
        smpf_table_free(t);
        return st.failed;
    }
    *out = t;
    return SMPF_OK;
}

int smpf_table_load(const char *path, smpf_table_t **out, smpf_error_t *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return smpf_error_set(err, SMPF_ERR_DATA, "%s: cannot open: %s", path, strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = SMPF_OK;
    for (;;) {
        if (len == cap) {
            cap = cap ? 2 * cap : 65536;
            if (cap > TABLE_MAX_BYTES + 1) {
                rc = smpf_error_set(err, SMPF_ERR_DATA, "%s: larger than the %zu MiB limit", path,
                                    TABLE_MAX_BYTES >> 20);
                break;
            }
            char *nb = realloc(buf, cap);
            if (!nb) {
                rc = smpf_error_set(err, SMPF_ERR_NOMEM, "%s: out of memory", path);
                break;
            }
            buf = nb;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f))
                rc = smpf_error_set(err, SMPF_ERR_DATA, "%s: read error: %s", path,
                                    strerror(errno));
            break;
        }
    }
    fclose(f);
    if (rc == SMPF_OK && memchr(buf, '\0', len))
        rc = smpf_error_set(err, SMPF_ERR_DATA, "%s: contains a NUL byte: not a text CSV file",
                            path);
    if (rc == SMPF_OK)
        rc = smpf_table_parse(path, buf ? buf : "", len, out, err);
    free(buf);
    return rc;
}

const char *smpf_table_name(const smpf_table_t *t) { return t->name; }
size_t smpf_table_rows(const smpf_table_t *t) { return t->nrows; }
size_t smpf_table_cols(const smpf_table_t *t) { return t->ncols; }
const char *smpf_table_header(const smpf_table_t *t, size_t col) { return t->header[col]; }
size_t smpf_table_line(const smpf_table_t *t, size_t row) { return t->lines[row]; }

const char *smpf_table_cell(const smpf_table_t *t, size_t row, size_t col)
{
    return t->cells[row * t->ncols + col];
}

int smpf_table_find(const smpf_table_t *t, const char *column)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->header[i], column) == 0)
            return (int)i;
    return -1;
}

static int listed(const char *const *names, const char *name)
{
    for (; names && *names; names++)
        if (strcmp(*names, name) == 0)
            return 1;
    return 0;
}

int smpf_table_expect_columns(const smpf_table_t *t, const char *const *required,
                              const char *const *optional, smpf_error_t *err)
{
    for (const char *const *r = required; r && *r; r++)
        if (smpf_table_find(t, *r) < 0)
            return smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu: missing column '%s'", t->name,
                                  t->header_line, *r);
    for (size_t i = 0; i < t->ncols; i++)
        if (!listed(required, t->header[i]) && !listed(optional, t->header[i]))
            return smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu:%zu: unknown column '%s'", t->name,
                                  t->header_line, i + 1, t->header[i]);
    return SMPF_OK;
}

int smpf_parse_double(const char *text, double *out)
{
    if (!text || !*text)
        return -1;
    /* strtod also takes hex floats, "inf" and "nan"; only plain decimals are data. */
    for (const char *c = text; *c; c++)
        if (!strchr("0123456789+-.eE", *c))
            return -1;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (*end != '\0' || end == text || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int smpf_table_number(const smpf_table_t *t, size_t row, const char *column, double min,
                      double max, double *out, smpf_error_t *err)
{
    int col = smpf_table_find(t, column);
    if (col < 0)
        return smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu: missing column '%s'", t->name,
                              t->header_line, column);
    if (row >= t->nrows)
        return smpf_error_set(err, SMPF_ERR_USAGE, "%s: row %zu asked for, but the table has "
                              "%zu rows", t->name, row + 1, t->nrows);
    const char *cell = smpf_table_cell(t, row, (size_t)col);
    double v;
    if (smpf_parse_double(cell, &v) != 0)
        return smpf_error_set(err, SMPF_ERR_DATA,
                              "%s:%zu:%d: column '%s': expected a finite number, found '%.40s'",
                              t->name, t->lines[row], col + 1, column, cell);
    if (v < min || v > max)
        return smpf_error_set(err, SMPF_ERR_DATA,
                              "%s:%zu:%d: column '%s': %g is outside the range [%g, %g]",
                              t->name, t->lines[row], col + 1, column, v, min, max);
    *out = v;
    return SMPF_OK;
}

int smpf_table_string(const smpf_table_t *t, size_t row, const char *column, const char **out,
                      smpf_error_t *err)
{
    int col = smpf_table_find(t, column);
    if (col < 0)
        return smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu: missing column '%s'", t->name,
                              t->header_line, column);
    if (row >= t->nrows)
        return smpf_error_set(err, SMPF_ERR_USAGE, "%s: row %zu asked for, but the table has "
                              "%zu rows", t->name, row + 1, t->nrows);
    const char *cell = smpf_table_cell(t, row, (size_t)col);
    if (!cell[0])
        return smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu:%d: column '%s' is empty", t->name,
                              t->lines[row], col + 1, column);
    if (!smpf_utf8_valid(cell))
        return smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu:%d: column '%s': not valid UTF-8 "
                              "text (save the file as UTF-8)", t->name, t->lines[row], col + 1,
                              column);
    *out = cell;
    return SMPF_OK;
}
