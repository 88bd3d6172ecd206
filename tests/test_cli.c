/* The smpfade command as a user meets it: help, version, exit codes, messages, formats
 * and atomic output. */
#include "smpfade.h"
#include "test_util.h"

#include <jansson.h>

#define TCS "/usr/share/colord/ref/CIE-TCS.sp"

static void test_help_and_version(void **state)
{
    (void)state;
    test_run_t r = test_run_cli("--version");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "smpfade " SMPF_VERSION "\n");
    test_run_free(&r);
    r = test_run_cli("--help");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "color"));
    test_run_free(&r);
    r = test_run_cli("color --help");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Usage: smpfade color FILE"));
    test_run_free(&r);
}

static void test_usage_errors_exit_2(void **state)
{
    (void)state;
    test_expect(test_run_cli(""), 2, "Usage");
    test_expect(test_run_cli("frobnicate"), 2, "unknown command 'frobnicate'");
    test_expect(test_run_cli("color"), 2, "expected one CGATS file");
    test_expect(test_run_cli("color " TCS " " TCS), 2, "got more");
    test_expect(test_run_cli("color --bogus " TCS), 2, "unknown option '--bogus'");
    test_expect(test_run_cli("color " TCS " --format"), 2, "option --format needs a value");
    test_expect(test_run_cli("color " TCS " --format xml"), 2,
           "option --format: expected table, csv or json, got 'xml'");
    test_expect(test_run_cli("color " TCS " --output " TCS), 2, "is an input file");
    test_expect(test_run_cli("color " TCS " --output /tmp"), 2, "is a directory");
}

static void test_bad_data_exit_3(void **state)
{
    (void)state;
    test_expect(test_run_cli("color /nonexistent.sp"), 3, "/nonexistent.sp: cannot open");
    const char *text = "not cgats\n";
    char *path = test_write_temp(".sp", text, strlen(text));
    test_expect(test_run_cli("color %s", path), 3, "no BEGIN_DATA_FORMAT fields");
    unlink(path);
    free(path);
    test_expect(test_run_cli("color " TCS " --cie-dir /nonexistent"), 3, "/nonexistent/cmf/");
}

static void test_json_output(void **state)
{
    (void)state;
    test_run_t r = test_run_cli("color " TCS " --format json");
    assert_int_equal(r.status, 0);
    json_error_t jerr;
    json_t *root = json_loads(r.out, 0, &jerr);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(root, "illuminant")), "D65");
    assert_string_equal(json_string_value(json_object_get(root, "version")), SMPF_VERSION);
    json_t *samples = json_object_get(root, "samples");
    assert_int_equal(json_array_size(samples), 15);
    json_t *s0 = json_array_get(samples, 0);
    assert_string_equal(json_string_value(json_object_get(s0, "sample")), "TCS01");
    assert_true(json_real_value(json_object_get(s0, "Y")) > 0);
    assert_int_equal(strlen(json_string_value(json_object_get(s0, "hex"))), 7);
    json_decref(root);
    test_run_free(&r);
}

static void test_output_is_atomic(void **state)
{
    (void)state;
    const char *old = "old content\n";
    char *path = test_write_temp(".csv", old, strlen(old));
    /* A failing run leaves the existing file untouched. */
    test_expect(test_run_cli("color /nonexistent.sp --output %s", path), 3, NULL);
    char *now = test_read_file(path);
    assert_string_equal(now, old);
    free(now);
    /* A good run replaces it whole. */
    test_run_t r = test_run_cli("color " TCS " --format csv --output %s", path);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    test_run_free(&r);
    now = test_read_file(path);
    assert_true(strncmp(now, "sample,X,Y,Z,L,a,b,hex\nTCS01,", 29) == 0);
    free(now);
    unlink(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_and_version),
        cmocka_unit_test(test_usage_errors_exit_2),
        cmocka_unit_test(test_bad_data_exit_3),
        cmocka_unit_test(test_json_output),
        cmocka_unit_test(test_output_is_atomic),
    };
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
