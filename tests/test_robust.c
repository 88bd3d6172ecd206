/* Hostile and sloppy input to the library: every refusal names where and why, every
 * crash the fuzzers found stays fixed (tests/fuzz/corpus/ holds the inputs too). */
#include "smpfade.h"
#include "test_util.h"

#include <fcntl.h>
#include <math.h>

static void expect_msg(int rc, int code, const smpf_error_t *err, const char *fragment)
{
    if (rc != code)
        fail_msg("status %d, expected %d; message '%s'", rc, code, err->message);
    if (!strstr(err->message, fragment))
        fail_msg("message '%s' lacks '%s'", err->message, fragment);
}

static int table_number_of(const char *text, size_t row, const char *column, double min,
                           double max, double *v, smpf_error_t *err)
{
    smpf_table_t *t;
    int rc = smpf_table_parse("t.csv", text, strlen(text), &t, err);
    if (rc != SMPF_OK)
        return rc;
    rc = smpf_table_number(t, row, column, min, max, v, err);
    smpf_table_free(t);
    return rc;
}

/* ------------------------------------------------------------------ CSV tables ---- */

static void test_csv_spreadsheet_quirks(void **state)
{
    (void)state;
    smpf_error_t err = {0};
    double v;
    /* A quoted number is a number; a quoted field may span lines, and the rows after it
     * keep their true line numbers. */
    const char *text = "name,value\r\n\"multi\r\nline\",\"2.5\"\r\n\r\n\r\nb,oops\r\n";
    assert_int_equal(table_number_of(text, 0, "value", 0, 10, &v, &err), SMPF_OK);
    assert_float_equal(v, 2.5, 0);
    expect_msg(table_number_of(text, 1, "value", 0, 10, &v, &err), SMPF_ERR_DATA, &err,
               "t.csv:6:2: column 'value': expected a finite number, found 'oops'");
    /* Spaces around an unquoted field are trimmed (libcsv), as spreadsheets pad; inside
     * quotes they are data, and not a number. */
    assert_int_equal(table_number_of("a\n 1.5 \n", 0, "a", 0, 10, &v, &err), SMPF_OK);
    assert_float_equal(v, 1.5, 0);
    expect_msg(table_number_of("a\n\" 1.5\"\n", 0, "a", 0, 10, &v, &err), SMPF_ERR_DATA, &err,
               "t.csv:2:1: column 'a': expected a finite number, found ' 1.5'");
    /* A decimal comma (a European export) is quoted, and refused as a number. */
    expect_msg(table_number_of("a\n\"1,5\"\n", 0, "a", 0, 10, &v, &err), SMPF_ERR_DATA, &err,
               "found '1,5'");
    /* NaN and inf in every spelling a spreadsheet writes them, and its error values: a
     * leading '#' makes a comment line, but not "#N/A" and its kin, which would silently
     * drop the row. */
    const char *nonfinite[] = {"NaN", "nan", "-nan", "inf", "-Infinity", "1e309", "#N/A",
                               "#VALUE!", "#DIV/0!", "#NUM!", "#REF!", "#NAME?", "#NULL!"};
    for (size_t i = 0; i < sizeof nonfinite / sizeof *nonfinite; i++) {
        char t[64];
        snprintf(t, sizeof t, "a\n%s\n", nonfinite[i]);
        expect_msg(table_number_of(t, 0, "a", -1e308, 1e308, &v, &err), SMPF_ERR_DATA, &err,
                   "t.csv:2:1: column 'a': expected a finite number");
    }
    /* Asking for a row that is not there is the caller's error, not a crash. */
    expect_msg(table_number_of("a\n# only a comment\n", 0, "a", 0, 1, &v, &err), SMPF_ERR_USAGE,
               &err, "t.csv: row 1 asked for, but the table has 0 rows");
    /* Negative or impossible values: the range is the caller's, the message names it. */
    expect_msg(table_number_of("a\n-0.5\n", 0, "a", 0, 1, &v, &err), SMPF_ERR_DATA, &err,
               "t.csv:2:1: column 'a': -0.5 is outside the range [0, 1]");
}

static void test_csv_structure(void **state)
{
    (void)state;
    smpf_error_t err = {0};
    smpf_table_t *t = NULL;
    /* A missing final newline is fine; a quote left open at the end is not. */
    assert_int_equal(smpf_table_parse("t.csv", "a,b\n1,2", 7, &t, &err), SMPF_OK);
    assert_int_equal(smpf_table_rows(t), 1);
    smpf_table_free(t);
    const char *open_quote = "a,b\n1,\"2\n3,4\n";
    expect_msg(smpf_table_parse("t.csv", open_quote, strlen(open_quote), &t, &err),
               SMPF_ERR_DATA, &err,
               "t.csv:2: malformed CSV: a quoted field opened on this line is never closed");
    assert_null(t);
    /* Only a BOM, only blank lines: no header. */
    expect_msg(smpf_table_parse("t.csv", "\xEF\xBB\xBF\r\n\n", 5, &t, &err), SMPF_ERR_DATA,
               &err, "t.csv: no header row");
    /* A row of empty fields is a blank line, skipped; a short row is an error. */
    assert_int_equal(smpf_table_parse("t.csv", "a,b\n,\n1,2\n", 10, &t, &err), SMPF_OK);
    assert_int_equal(smpf_table_rows(t), 1);
    assert_int_equal(smpf_table_line(t, 0), 3);
    smpf_table_free(t);
    expect_msg(smpf_table_parse("t.csv", "a,b\n1,2\n3\n", 10, &t, &err), SMPF_ERR_DATA, &err,
               "t.csv:3: expected 2 fields as in the header, found 1");
}

/* Hostile sizes are refused early, before quadratic work: a header of a million distinct
 * names took O(n^2) comparisons; a components file of a million rows, O(n^2) lookups. */
static void test_size_caps(void **state)
{
    (void)state;
    size_t n = 1001 * 6 + 2;
    char *text = malloc(n);
    size_t used = 0;
    for (int i = 0; i < 1001; i++)
        used += (size_t)snprintf(text + used, n - used, "%sc%d", i ? "," : "", i);
    text[used++] = '\n';
    smpf_table_t *t = NULL;
    smpf_error_t err = {0};
    expect_msg(smpf_table_parse("wide.csv", text, used, &t, &err), SMPF_ERR_DATA, &err,
               "wide.csv:1: more than 1000 fields in a record");
    assert_null(t);
    free(text);

    smpf_pigments_t *p;
    if (smpf_pigments_load("datasets", &p, &err) != SMPF_OK)
        fail_msg("%s", err.message);
    const char *header =
        "name,description,particle_size_nm,particle_size_lo_nm,particle_size_hi_nm,"
        "uv_beta_cm2_per_J,uv_beta_lo_cm2_per_J,uv_beta_hi_cm2_per_J,k_bio_per_day,"
        "k_bio_lo_per_day,k_bio_hi_per_day,source\n";
    size_t rows = 10001, cap = strlen(header) + rows * 13 + 1;
    text = malloc(cap);
    used = (size_t)snprintf(text, cap, "%s", header);
    for (size_t r = 0; r < rows; r++)
        used += (size_t)snprintf(text + used, cap - used, "x,,,,,,,,,,,\n");
    char *path = test_write_temp(".csv", text, used);
    char want[128];
    snprintf(want, sizeof want, "%s: more than 10000 components in the catalogue", path);
    expect_msg(smpf_pigments_add_file(p, path, &err), SMPF_ERR_DATA, &err, want);
    unlink(path);
    free(path);
    free(text);
    smpf_pigments_free(p);
}

/* ------------------------------------------------------------------------ CGATS ---- */

static const char *cgats_head =
    "SPECT\nNUMBER_OF_FIELDS\t3\nNUMBER_OF_SETS\t%s\nBEGIN_DATA_FORMAT\n"
    "SAMPLE_ID\tSPEC_380\tSPEC_780\nEND_DATA_FORMAT\nBEGIN_DATA\nA\t0.1\t0.2\nEND_DATA\n";

static int cgats_text(const char *text, smpf_error_t *err)
{
    smpf_cgats_t *c = NULL;
    int rc = smpf_cgats_parse_mem("m.sp", text, strlen(text), &c, err);
    assert_true((rc == SMPF_OK) == (c != NULL));
    smpf_cgats_free(c);
    return rc;
}

/* Regressions of what fuzz_cgats found (inputs in tests/fuzz/corpus/fuzz_cgats/). */
static void test_cgats_fuzz_regressions(void **state)
{
    (void)state;
    smpf_error_t err = {0};
    char text[512];
    /* NUMBER_OF_SETS 99999999999 was converted to int: undefined behaviour. */
    snprintf(text, sizeof text, cgats_head, "99999999999");
    expect_msg(cgats_text(text, &err), SMPF_ERR_DATA, &err,
               "m.sp: NUMBER_OF_SETS: expected a whole number from 1 to 32766, found '1e+11'");
    /* Counts Little CMS refuses itself; its message comes with the line. */
    snprintf(text, sizeof text, cgats_head, "32767");
    expect_msg(cgats_text(text, &err), SMPF_ERR_DATA, &err,
               "m.sp: not a readable CGATS file: Line 8, AllocateDataSet: too much data");
    snprintf(text, sizeof text, cgats_head, "3"); /* truncated: 1 set of 3 */
    expect_msg(cgats_text(text, &err), SMPF_ERR_DATA, &err,
               "m.sp: not a readable CGATS file: Line 10, Count mismatch. NUMBER_OF_SETS was 3, "
               "found 1");
    /* NUMBER_OF_FIELDS with no (or a misspelt) BEGIN_DATA_FORMAT section: the array of
     * field names was NULL, and dereferenced. */
    const char *files[] = {"tests/fuzz/corpus/fuzz_cgats/regress_fields_without_format.sp",
                           "tests/fuzz/corpus/fuzz_cgats/regress_misspelt_format.sp"};
    for (size_t i = 0; i < 2; i++) {
        smpf_cgats_t *c = NULL;
        expect_msg(smpf_cgats_load(files[i], &c, &err), SMPF_ERR_DATA, &err,
                   "no BEGIN_DATA_FORMAT fields");
        assert_null(c);
    }
    /* NUMBER_OF_FIELDS given again after BEGIN_DATA_FORMAT: Little CMS 2.14 itself read
     * past its array of field names (a bus error); such files are refused before it. */
    const char *lcms_crash[] = {
        "tests/fuzz/corpus/fuzz_cgats/regress_lcms_fields_redefined.sp",
        "tests/fuzz/corpus/fuzz_cgats/regress_lcms_fields_redefined_orig.sp"};
    for (size_t i = 0; i < 2; i++) {
        smpf_cgats_t *c = NULL;
        expect_msg(smpf_cgats_load(lcms_crash[i], &c, &err), SMPF_ERR_DATA, &err,
                   "NUMBER_OF_FIELDS appears twice");
    }
    /* The check errs on the strict side of the parser's tokenizer: a keyword counts
     * wherever it occurs, also ended by a non-ASCII byte or glued to a hex number, and a
     * second table is refused too. */
    const char *sneaky[] = {"NUMBER_OF_FIELDS 2\nBEGIN_DATA_FORMAT\nS S\nEND_DATA_FORMAT\n"
                            "number_of_fields\x80 4\n",
                            "NUMBER_OF_FIELDS 2\nBEGIN_DATA_FORMAT\nS S\nEND_DATA_FORMAT\n"
                            "0x1NUMBER_OF_FIELDS 4\n",
                            "SPECT\nNUMBER_OF_FIELDS 2\nNUMBER_OF_SETS 1\nBEGIN_DATA_FORMAT\n"
                            "SPEC_380 SPEC_780\nEND_DATA_FORMAT\nBEGIN_DATA\n0.1 0.2\nEND_DATA\n"
                            "SPECT\nNUMBER_OF_FIELDS 2\n"};
    for (size_t i = 0; i < 3; i++)
        expect_msg(cgats_text(sneaky[i], &err), SMPF_ERR_DATA, &err,
                   "NUMBER_OF_FIELDS appears twice (a second table, or a redefinition)");
}

static void test_cgats_refusals(void **state)
{
    (void)state;
    smpf_error_t err = {0};
    /* Little CMS would follow an include to any file, a FIFO included. */
    expect_msg(cgats_text("SPECT\n$INCLUDE \"/etc/passwd\"\n", &err), SMPF_ERR_DATA, &err,
               "m.sp: $INCLUDE/.INCLUDE directives are not supported");
    expect_msg(cgats_text("SPECT\n.include \"x\"\n", &err), SMPF_ERR_DATA, &err,
               "directives are not supported");
    smpf_cgats_t *c = NULL;
    expect_msg(smpf_cgats_parse_mem("m.sp", "SPECT\n\0", 7, &c, &err), SMPF_ERR_DATA, &err,
               "m.sp: contains a NUL byte");
    expect_msg(cgats_text("SPECT\nNUMBER_OF_FIELDS\t3\nNUMBER_OF_SETS\t1\nBEGIN_DATA_FORMAT\n"
                          "SAMPLE_ID\tSPEC_380\tSPEC_780\nEND_DATA_FORMAT\nBEGIN_DATA\n"
                          "A\t0.1\tnan\nEND_DATA\n", &err),
               SMPF_ERR_DATA, &err, "set 1 (A), field SPEC_780: expected a number, found 'nan'");
}

/* The size limit, without writing 64 MiB: a sparse file reads as zeros. */
static void test_cgats_size_limit(void **state)
{
    (void)state;
    char path[] = "/tmp/smpf-test-big-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, ((off_t)64 << 20) + 1), 0);
    close(fd);
    smpf_cgats_t *c = NULL;
    smpf_error_t err = {0};
    expect_msg(smpf_cgats_load(path, &c, &err), SMPF_ERR_DATA, &err, "larger than the 64 MiB limit");
    assert_null(c);
    unlink(path);
}

/* --------------------------------------------------------------- pigment files ---- */

static void test_pigment_spectra_duplicate_wavelength(void **state)
{
    (void)state;
    smpf_pigments_t *p;
    smpf_error_t err = {0};
    if (smpf_pigments_load("datasets", &p, &err) != SMPF_OK)
        fail_msg("%s", err.message);
    const char *comp =
        "name,description,particle_size_nm,particle_size_lo_nm,particle_size_hi_nm,"
        "uv_beta_cm2_per_J,uv_beta_lo_cm2_per_J,uv_beta_hi_cm2_per_J,k_bio_per_day,"
        "k_bio_lo_per_day,k_bio_hi_per_day,source\nmine,x,200,100,400,0,0,0,0,0,0,s\n";
    char *path = test_write_temp(".csv", comp, strlen(comp));
    assert_int_equal(smpf_pigments_add_file(p, path, &err), SMPF_OK);
    unlink(path);
    free(path);
    const char *dup = "component,wavelength_nm,mua_per_mm,musp_per_mm\n"
                      "mine,380,1,1\nmine,580,2,2\nmine,580,3,3\nmine,780,1,1\n";
    path = test_write_temp(".csv", dup, strlen(dup));
    char where[128];
    snprintf(where, sizeof where, "%s:4:2: component 'mine': duplicate wavelength 580 nm "
             "(line 3 has 580 nm)", path);
    expect_msg(smpf_pigments_add_file(p, path, &err), SMPF_ERR_DATA, &err, where);
    unlink(path);
    free(path);
    const char *back = "component,wavelength_nm,mua_per_mm,musp_per_mm\n"
                       "mine,380,1,1\nmine,780,2,2\nmine,580,3,3\n";
    path = test_write_temp(".csv", back, strlen(back));
    expect_msg(smpf_pigments_add_file(p, path, &err), SMPF_ERR_DATA, &err,
               ":4:2: component 'mine': wavelength 580 nm (line 3 has 780 nm); wavelengths "
               "must increase");
    unlink(path);
    free(path);
    assert_false(smpf_pigments_component(p, (size_t)smpf_pigments_find_component(p, "mine"))
                     ->has_spectra);
    smpf_pigments_free(p);
}

/* Names and descriptions reach JSON, which must be UTF-8: a Latin-1 export is refused
 * where it is read, with file, line and column. */
static void test_text_cells_are_utf8(void **state)
{
    (void)state;
    assert_true(smpf_utf8_valid("Kohlenstoff-Schwarz \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x96\x8B"));
    const char *bad[] = {"caf\xE9", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "x\xC3",
                         "\xE2\x82", "\xFF", "\x80"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (smpf_utf8_valid(bad[i]))
            fail_msg("bad[%zu] was taken for UTF-8", i);
    assert_int_equal(smpf_utf8_sequence_length("\xE2\x82\xAC"), 3);
    assert_int_equal(smpf_utf8_sequence_length("\xE2\x82"), 0); /* cut short by the NUL */

    smpf_pigments_t *p;
    smpf_error_t err = {0};
    if (smpf_pigments_load("datasets", &p, &err) != SMPF_OK)
        fail_msg("%s", err.message);
    const char *ink = "ink,kind,component,fraction,description,source\n"
                      "noir_fonc\xE9,permanent,carbon_black,1,x,y\n";
    char *path = test_write_temp(".csv", ink, strlen(ink));
    char want[160];
    snprintf(want, sizeof want, "%s:2:1: column 'ink': not valid UTF-8 text (save the file as "
             "UTF-8)", path);
    expect_msg(smpf_pigments_add_file(p, path, &err), SMPF_ERR_DATA, &err, want);
    unlink(path);
    free(path);
    smpf_pigments_free(p);
}

/* ------------------------------------------------------------- numerical guards ---- */

static void test_check_finite(void **state)
{
    (void)state;
    smpf_error_t err = {0};
    double v[4] = {0, -1e308, 1e-320, 5};
    assert_int_equal(smpf_check_finite(v, 4, "spectrum", &err), SMPF_OK);
    assert_int_equal(smpf_check_finite(NULL, 0, "nothing", &err), SMPF_OK);
    v[2] = NAN;
    expect_msg(smpf_check_finite(v, 4, "projection: L*", &err), SMPF_ERR_NUMERIC, &err,
               "projection: L*: value 3 of 4 is NaN");
    v[2] = 0;
    v[3] = -INFINITY;
    expect_msg(smpf_check_finite(v, 4, "dE00", &err), SMPF_ERR_NUMERIC, &err,
               "dE00: value 4 of 4 is -inf");
    v[0] = v[1] * 10; /* overflow: +/-inf from finite inputs */
    expect_msg(smpf_check_finite(v, 4, "x", &err), SMPF_ERR_NUMERIC, &err, "value 1 of 4 is -inf");
    expect_msg(smpf_check_finite(NULL, 3, "x", &err), SMPF_ERR_USAGE, &err, "x: no values");
    assert_int_equal(smpf_status_exit_code(SMPF_ERR_NUMERIC), 1);
}

/* The colour pipeline at the ends of the accepted reflectance range [0, 1.5] gives finite
 * numbers with their analytic values: black is X = Y = Z = 0 and L* = 0; a flat 1.5 is
 * Y = 150 (Y is linear in R, 100 for the perfect diffuser), neutral (a* = b* = 0), and
 * L* = 116 * 1.5^(1/3) - 16 (CIE 15:2004, Y/Yn > 0.008856). */
static void test_color_extremes_are_finite(void **state)
{
    (void)state;
    smpf_context_t *ctx;
    smpf_error_t err = {0};
    if (smpf_context_new(NULL, &ctx, &err) != SMPF_OK)
        fail_msg("%s", err.message);
    double r[SMPF_NWL];
    const double levels[] = {0.0, 1.5};
    for (size_t k = 0; k < 2; k++) {
        for (size_t i = 0; i < SMPF_NWL; i++)
            r[i] = levels[k];
        smpf_xyz_t xyz = smpf_color_xyz(ctx, r);
        smpf_lab_t lab = smpf_color_lab(xyz, smpf_color_white(ctx));
        double all[] = {xyz.X, xyz.Y, xyz.Z, lab.L, lab.a, lab.b, smpf_color_chroma(lab),
                        smpf_color_hue_deg(lab)};
        assert_int_equal(smpf_check_finite(all, 8, "colour of a flat spectrum", &err), SMPF_OK);
        assert_float_equal(xyz.Y, 100 * levels[k], 1e-9);
        assert_float_equal(lab.L, levels[k] ? 116 * cbrt(1.5) - 16 : 0, 1e-9);
        assert_float_equal(lab.a, 0, 1e-9);
        assert_float_equal(lab.b, 0, 1e-9);
        char hex[8];
        smpf_color_hex(smpf_color_srgb(ctx, xyz), hex);
        assert_string_equal(hex, levels[k] ? "#ffffff" : "#000000"); /* clipped to gamut */
    }
    smpf_context_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_spreadsheet_quirks),
        cmocka_unit_test(test_csv_structure),
        cmocka_unit_test(test_size_caps),
        cmocka_unit_test(test_cgats_fuzz_regressions),
        cmocka_unit_test(test_cgats_refusals),
        cmocka_unit_test(test_cgats_size_limit),
        cmocka_unit_test(test_pigment_spectra_duplicate_wavelength),
        cmocka_unit_test(test_text_cells_are_utf8),
        cmocka_unit_test(test_check_finite),
        cmocka_unit_test(test_color_extremes_are_finite),
    };
    return cmocka_run_group_tests_name("robust", tests, NULL, NULL);
}
