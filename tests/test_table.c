/* The CSV loader on good and malformed input: every error names file, line and column. */
#include "smpfade.h"
#include "test_util.h"

static smpf_table_t *parse(const char *text, smpf_error_t *err, int *rc)
{
    smpf_table_t *t = NULL;
    *rc = smpf_table_parse("x.csv", text, strlen(text), &t, err);
    return t;
}

static void expect_error(const char *text, int code, const char *fragment)
{
    smpf_error_t err = {0};
    int rc;
    smpf_table_t *t = parse(text, &err, &rc);
    assert_null(t);
    assert_int_equal(rc, code);
    if (!strstr(err.message, fragment))
        fail_msg("message '%s' lacks '%s'", err.message, fragment);
}

static void test_good_table_with_bom_crlf_quotes_comments(void **state)
{
    (void)state;
    const char *text = "\xEF\xBB\xBF# a comment with the citation\r\n"
                       "name,value\r\n"
                       "\r\n"
                       "\"a, quoted\",1.5\r\n"
                       "# between records\r\n"
                       "b,-2e-3\r\n"
                       ",\r\n";
    smpf_error_t err = {0};
    int rc;
    smpf_table_t *t = parse(text, &err, &rc);
    assert_int_equal(rc, SMPF_OK);
    assert_int_equal(smpf_table_rows(t), 2);
    assert_int_equal(smpf_table_cols(t), 2);
    assert_string_equal(smpf_table_cell(t, 0, 0), "a, quoted");
    assert_int_equal(smpf_table_line(t, 0), 4);
    assert_int_equal(smpf_table_line(t, 1), 6);
    double v;
    assert_int_equal(smpf_table_number(t, 1, "value", -1, 1, &v, &err), SMPF_OK);
    assert_float_equal(v, -2e-3, 0);
    const char *req[] = {"name", NULL}, *opt[] = {"value", NULL};
    assert_int_equal(smpf_table_expect_columns(t, req, opt, &err), SMPF_OK);
    smpf_table_free(t);
}

static void test_number_errors_name_line_and_column(void **state)
{
    (void)state;
    smpf_error_t err = {0};
    int rc;
    smpf_table_t *t = parse("a,b\n1,2\n3,nan\n4,inf\n5,0x10\n6,1e999\n7,12\n8,\n", &err, &rc);
    assert_int_equal(rc, SMPF_OK);
    double v;
    for (size_t r = 1; r <= 4; r++) {
        assert_int_equal(smpf_table_number(t, r, "b", 0, 100, &v, &err), SMPF_ERR_DATA);
        char where[32];
        snprintf(where, sizeof where, "x.csv:%zu:2:", r + 2);
        if (!strstr(err.message, where) || !strstr(err.message, "expected a finite number"))
            fail_msg("row %zu: '%s'", r, err.message);
    }
    assert_int_equal(smpf_table_number(t, 5, "b", 0, 10, &v, &err), SMPF_ERR_DATA);
    assert_non_null(strstr(err.message, "x.csv:7:2: column 'b': 12 is outside the range [0, 10]"));
    assert_int_equal(smpf_table_number(t, 6, "b", 0, 10, &v, &err), SMPF_ERR_DATA);
    assert_non_null(strstr(err.message, "x.csv:8:2"));
    assert_int_equal(smpf_table_number(t, 0, "c", 0, 10, &v, &err), SMPF_ERR_DATA);
    assert_non_null(strstr(err.message, "missing column 'c'"));
    smpf_table_free(t);
}

static void test_structural_errors(void **state)
{
    (void)state;
    expect_error("", SMPF_ERR_DATA, "no header row");
    expect_error("# only a comment\n", SMPF_ERR_DATA, "no header row");
    expect_error("a,b\n1,2,3\n", SMPF_ERR_DATA, "x.csv:2: expected 2 fields as in the header, found 3");
    expect_error("a,b\n1\n", SMPF_ERR_DATA, "x.csv:2: expected 2 fields");
    expect_error("a,a\n1,2\n", SMPF_ERR_DATA, "x.csv:1:2: column 'a' appears twice");
    expect_error("a,,c\n1,2,3\n", SMPF_ERR_DATA, "x.csv:1:2: empty column name");
    expect_error("a,b\n\"open,2\n", SMPF_ERR_DATA, "malformed CSV");
    expect_error("a,b\n1,\"x\"y\n", SMPF_ERR_DATA, "x.csv:2: malformed CSV");
}

static void test_unknown_and_missing_columns(void **state)
{
    (void)state;
    smpf_error_t err = {0};
    int rc;
    smpf_table_t *t = parse("# c\nname,extra\nx,1\n", &err, &rc);
    const char *req[] = {"name", "value", NULL};
    assert_int_equal(smpf_table_expect_columns(t, req, NULL, &err), SMPF_ERR_DATA);
    assert_non_null(strstr(err.message, "x.csv:2: missing column 'value'"));
    const char *req2[] = {"name", NULL};
    assert_int_equal(smpf_table_expect_columns(t, req2, NULL, &err), SMPF_ERR_DATA);
    assert_non_null(strstr(err.message, "x.csv:2:2: unknown column 'extra'"));
    smpf_table_free(t);
}

static void test_files(void **state)
{
    (void)state;
    smpf_error_t err = {0};
    smpf_table_t *t;
    assert_int_equal(smpf_table_load("/nonexistent/dir/x.csv", &t, &err), SMPF_ERR_DATA);
    assert_non_null(strstr(err.message, "/nonexistent/dir/x.csv: cannot open"));
    char *path = test_write_temp(".csv", "a,b\n1,\0\n", 8);
    assert_int_equal(smpf_table_load(path, &t, &err), SMPF_ERR_DATA);
    assert_non_null(strstr(err.message, "NUL byte"));
    unlink(path);
    free(path);
    const char *good = "a,b\n1,2\n";
    path = test_write_temp(".csv", good, strlen(good));
    assert_int_equal(smpf_table_load(path, &t, &err), SMPF_OK);
    assert_string_equal(smpf_table_name(t), path);
    smpf_table_free(t);
    unlink(path);
    free(path);
}

static void test_parse_double(void **state)
{
    (void)state;
    double v;
    assert_int_equal(smpf_parse_double("1.25e2", &v), 0);
    assert_float_equal(v, 125, 0);
    const char *bad[] = {"", " 1", "1 ", "1,5", "nan", "inf", "-inf", "0x1p3", "1e400", "abc", "1e"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (smpf_parse_double(bad[i], &v) == 0)
            fail_msg("'%s' was accepted", bad[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_table_with_bom_crlf_quotes_comments),
        cmocka_unit_test(test_number_errors_name_line_and_column),
        cmocka_unit_test(test_structural_errors),
        cmocka_unit_test(test_unknown_and_missing_columns),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_parse_double),
    };
    return cmocka_run_group_tests_name("table", tests, NULL, NULL);
}
