/* The CLI's shared helpers on bad input: option values (messages name the option and the
 * range, exit 2), JSON strings of non-UTF-8 user data, and output that never lands half
 * written, not even when the process is interrupted.  Then the same through the smpfade
 * binary. */
#include "cli.h"
#include "test_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>

/* ------------------------------------------------------------ stderr capture ---- */

typedef struct {
    int saved;
    char path[32];
} capture;

static void capture_begin(capture *c)
{
    fflush(stderr);
    snprintf(c->path, sizeof c->path, "/tmp/smpf-stderr-XXXXXX");
    int fd = mkstemp(c->path);
    assert_true(fd >= 0);
    c->saved = dup(2);
    dup2(fd, 2);
    close(fd);
}

/* Restores stderr; returns what was written to it (malloc'ed). */
static char *capture_end(capture *c)
{
    fflush(stderr);
    dup2(c->saved, 2);
    close(c->saved);
    char *text = test_read_file(c->path);
    unlink(c->path);
    return text;
}

static void expect_stderr(char *text, const char *fragment)
{
    if (!strstr(text, fragment))
        fail_msg("stderr '%s' lacks '%s'", text, fragment);
    free(text);
}

/* ------------------------------------------------------------- option values ---- */

static void test_count_option(void **state)
{
    (void)state;
    capture c;
    size_t n = 0;
    assert_int_equal(cli_count("ensemble", "samples", "1000", 1, 100000, &n), EXIT_OK);
    assert_int_equal(n, 1000);
    assert_int_equal(cli_count("ensemble", "samples", "1e4", 1, 100000, &n), EXIT_OK);
    assert_int_equal(n, 10000);
    capture_begin(&c);
    assert_int_equal(cli_count("ensemble", "samples", "1e12", 1, 100000, &n), EXIT_USAGE);
    expect_stderr(capture_end(&c), "smpfade ensemble: option --samples: 1e12 is outside the "
                                   "allowed range [1, 100000]\nTry 'smpfade ensemble --help'.");
    const char *bad[] = {"2.5", "", "abc", "-", "0x10", "nan", "inf", "1e999", "10 ", "1,000"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char want[96];
        snprintf(want, sizeof want, "option --samples: expected a whole number from 1 to 100000, "
                 "got '%s'", bad[i]);
        capture_begin(&c);
        assert_int_equal(cli_count("ensemble", "samples", bad[i], 1, 100000, &n), EXIT_USAGE);
        expect_stderr(capture_end(&c), want);
    }
    capture_begin(&c);
    assert_int_equal(cli_count("ensemble", "samples", "-1", 1, 100000, &n), EXIT_USAGE);
    assert_int_equal(cli_count("ensemble", "samples", "0", 1, 100000, &n), EXIT_USAGE);
    /* 2^53 + 2 cannot be exact in a double: refused even when max allows it. */
    assert_int_equal(cli_count("ensemble", "samples", "9007199254740994", 0, SIZE_MAX, &n),
                     EXIT_USAGE);
    expect_stderr(capture_end(&c), "-1 is outside the allowed range [1, 100000]");
    assert_int_equal(n, 10000); /* untouched by the refusals */
}

static void test_number_options(void **state)
{
    (void)state;
    capture c;
    long l = 0;
    double d = 0;
    assert_int_equal(cli_long("project", "years", "-3", -5, 5, &l), EXIT_OK);
    assert_int_equal(l, -3);
    capture_begin(&c);
    assert_int_equal(cli_long("project", "years", " 3", -5, 5, &l), EXIT_USAGE);
    assert_int_equal(cli_long("project", "years", "99999999999999999999", -5, 5, &l), EXIT_USAGE);
    expect_stderr(capture_end(&c), "option --years: expected a whole number, got "
                                   "'99999999999999999999'");
    capture_begin(&c);
    assert_int_equal(cli_long("project", "years", "6", -5, 5, &l), EXIT_USAGE);
    expect_stderr(capture_end(&c), "option --years: 6 is outside the range [-5, 5]");
    assert_int_equal(cli_double("project", "depth-mm", "0.8", 0.1, 3, &d), EXIT_OK);
    assert_float_equal(d, 0.8, 0);
    capture_begin(&c);
    assert_int_equal(cli_double("project", "depth-mm", "nan", 0.1, 3, &d), EXIT_USAGE);
    assert_int_equal(cli_double("project", "depth-mm", "1e999", 0.1, 3, &d), EXIT_USAGE);
    expect_stderr(capture_end(&c), "option --depth-mm: expected a number, got '1e999'");
    capture_begin(&c);
    assert_int_equal(cli_double("project", "depth-mm", "-0.5", 0.1, 3, &d), EXIT_USAGE);
    expect_stderr(capture_end(&c), "option --depth-mm: -0.5 is outside the range [0.1, 3]");
    cli_format f = FMT_TABLE;
    capture_begin(&c);
    assert_int_equal(cli_format_parse("color", "JSON", &f), EXIT_USAGE);
    expect_stderr(capture_end(&c), "option --format: expected table, csv or json, got 'JSON'");
    cli_common common = {0};
    int rc = EXIT_OK;
    capture_begin(&c);
    assert_int_equal(cli_common_option("color", OPT_OUTPUT, "", &common, &rc), 1);
    expect_stderr(capture_end(&c), "option --output: expected a file name");
    assert_int_equal(rc, EXIT_USAGE);
}

/* ---------------------------------------------------------------- JSON strings ---- */

static void expect_json_string(const char *in, const char *want)
{
    json_t *v = cli_json_string(in);
    assert_non_null(v);
    assert_string_equal(json_string_value(v), want);
    char *text = json_dumps(v, JSON_ENCODE_ANY);
    json_error_t jerr;
    json_t *back = json_loads(text, JSON_DECODE_ANY, &jerr); /* valid JSON, round trip */
    assert_non_null(back);
    assert_string_equal(json_string_value(back), want);
    json_decref(back);
    free(text);
    json_decref(v);
}

#define FFFD "\xEF\xBF\xBD"

static void test_json_strings_of_user_data(void **state)
{
    (void)state;
    expect_json_string("TCS01", "TCS01");
    expect_json_string("n\xC3\xA9" "e \xF0\x9F\x96\x8B", "n\xC3\xA9" "e \xF0\x9F\x96\x8B");
    expect_json_string("n\xE9" "e", "n" FFFD "e");              /* Latin-1 é */
    expect_json_string("end\xC3", "end" FFFD);                   /* cut mid-character */
    expect_json_string("\xC0\xAF", FFFD FFFD);                   /* overlong '/' */
    expect_json_string("\xED\xA0\x80", FFFD FFFD FFFD);          /* a UTF-16 surrogate */
    expect_json_string("\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD); /* above U+10FFFF */
    expect_json_string("\xFF" "a\x80", FFFD "a" FFFD);
    /* In a table, the cell keeps its key (json_string's NULL used to drop it). */
    static const char *const names[] = {"sample", "L"};
    cli_table t;
    cli_table_init(&t, names, 2);
    long row = cli_table_add_row(&t);
    cli_table_text(&t, (size_t)row, 0, "Probe \xB5" "1");
    cli_table_num(&t, (size_t)row, 1, 0.0 / 0.0, 2);
    json_t *rows = cli_table_to_json(&t);
    json_t *r0 = json_array_get(rows, 0);
    assert_string_equal(json_string_value(json_object_get(r0, "sample")), "Probe " FFFD "1");
    assert_true(json_is_null(json_object_get(r0, "L"))); /* NaN is written as null */
    json_decref(rows);
    cli_table_free(&t);
}

/* A sample name with terminal escapes prints harmlessly in the text table; CSV and JSON
 * keep the data as it is (quoted, escaped). */
static void test_text_table_control_characters(void **state)
{
    (void)state;
    static const char *const names[] = {"sample"};
    cli_table t;
    cli_table_init(&t, names, 1);
    long row = cli_table_add_row(&t);
    cli_table_text(&t, (size_t)row, 0, "red\x1b[31mX\x07\ttab");
    char path[] = "/tmp/smpf-test-table-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    assert_int_equal(cli_table_write_text(f, &t), 0);
    fclose(f);
    char *text = test_read_file(path);
    assert_string_equal(text, "sample\nred?[31mX??tab\n");
    free(text);
    f = fopen(path, "w");
    assert_int_equal(cli_table_write_csv(f, &t), 0);
    fclose(f);
    text = test_read_file(path);
    assert_string_equal(text, "sample\nred\x1b[31mX\x07\ttab\n");
    free(text);
    unlink(path);
    cli_table_free(&t);
}

/* ------------------------------------------------------------ atomic output ---- */

static size_t entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* A command killed while writing leaves no temporary file, and the old output intact. */
static void test_output_interrupted(void **state)
{
    (void)state;
    const int signals[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < 3; i++) {
        char dir[] = "/tmp/smpf-test-dir-XXXXXX";
        assert_non_null(mkdtemp(dir));
        char path[64];
        snprintf(path, sizeof path, "%s/out.csv", dir);
        FILE *f = fopen(path, "w");
        fputs("old\n", f);
        fclose(f);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            cli_common common = {.output = path};
            cli_out out;
            if (cli_out_open("test", &common, &out) != EXIT_OK)
                _exit(10);
            fputs("half of the new output", out.fp);
            fflush(out.fp);
            raise(signals[i]);
            _exit(11); /* not reached: the handler re-raises with the default action */
        }
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (!WIFSIGNALED(status) || WTERMSIG(status) != signals[i])
            fail_msg("signal %d: child status %d", signals[i], status);
        assert_int_equal(entries(dir), 1); /* out.csv, no out.csv.tmp-* */
        char *now = test_read_file(path);
        assert_string_equal(now, "old\n");
        free(now);
        unlink(path);
        rmdir(dir);
    }
}

static void test_output_targets(void **state)
{
    (void)state;
    char dir[] = "/tmp/smpf-test-dir-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64], input[64];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    snprintf(input, sizeof input, "%s/in.sp", dir);
    FILE *f = fopen(input, "w");
    fputs("input\n", f);
    fclose(f);
    cli_out out;
    capture c;
    /* The input file, also through another name (a hard link). */
    char alias[64];
    snprintf(alias, sizeof alias, "%s/alias.sp", dir);
    assert_int_equal(link(input, alias), 0);
    cli_common common = {.output = alias, .inputs = {input}, .ninputs = 1};
    capture_begin(&c);
    assert_int_equal(cli_out_open("color", &common, &out), EXIT_USAGE);
    expect_stderr(capture_end(&c), "is an input file; refusing to overwrite it");
    unlink(alias);
    /* A directory; a directory that does not exist. */
    common = (cli_common){.output = dir};
    capture_begin(&c);
    assert_int_equal(cli_out_open("color", &common, &out), EXIT_USAGE);
    expect_stderr(capture_end(&c), "is a directory");
    char missing[96];
    snprintf(missing, sizeof missing, "%s/no/such/dir/out.csv", dir);
    common = (cli_common){.output = missing};
    capture_begin(&c);
    assert_int_equal(cli_out_open("color", &common, &out), EXIT_FAIL);
    expect_stderr(capture_end(&c), "cannot create a file beside");
    /* A read-only file is left alone (root may write anything: then it is replaced). */
    f = fopen(path, "w");
    fputs("protected\n", f);
    fclose(f);
    chmod(path, 0444);
    common = (cli_common){.output = path};
    if (geteuid() != 0) {
        capture_begin(&c);
        assert_int_equal(cli_out_open("color", &common, &out), EXIT_FAIL);
        expect_stderr(capture_end(&c), "Permission denied");
    }
    chmod(path, 0644);
    /* An abort leaves the old file; a commit replaces it whole. */
    assert_int_equal(cli_out_open("color", &common, &out), EXIT_OK);
    fputs("new\n", out.fp);
    cli_out_abort(&out);
    char *now = test_read_file(path);
    assert_string_equal(now, "protected\n");
    free(now);
    assert_int_equal(cli_out_open("color", &common, &out), EXIT_OK);
    fputs("new\n", out.fp);
    assert_int_equal(cli_out_commit("color", &out), EXIT_OK);
    now = test_read_file(path);
    assert_string_equal(now, "new\n");
    free(now);
    assert_int_equal(entries(dir), 2); /* in.sp, out.csv */
    /* A device is written in place, never replaced by a regular file. */
    common = (cli_common){.output = "/dev/null"};
    assert_int_equal(cli_out_open("color", &common, &out), EXIT_OK);
    fputs("discarded\n", out.fp);
    assert_int_equal(cli_out_commit("color", &out), EXIT_OK);
    struct stat st;
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    unlink(path);
    unlink(input);
    rmdir(dir);
}

/* ---------------------------------------------------- through the smpfade binary ---- */

static char *cgats_file(const char *sample, const char *v380)
{
    char text[512];
    snprintf(text, sizeof text,
             "SPECT\nNUMBER_OF_FIELDS\t4\nNUMBER_OF_SETS\t1\nBEGIN_DATA_FORMAT\n"
             "SAMPLE_ID\tSPEC_380\tSPEC_580\tSPEC_780\nEND_DATA_FORMAT\nBEGIN_DATA\n"
             "\"%s\"\t%s\t0.5\t0.5\nEND_DATA\n", sample, v380);
    return test_write_temp(".sp", text, strlen(text));
}

static void test_color_refusals(void **state)
{
    (void)state;
    char *path = cgats_file("forearm", "45.2"); /* percent, not a fraction */
    char want[160];
    snprintf(want, sizeof want, "smpfade color: %s: sample forearm, band SPEC_380: reflectance "
             "45.2 is outside [0, 1.5] (a fraction, not percent)", path);
    test_expect(test_run_cli("color %s", path), 3, want);
    unlink(path);
    free(path);
    path = cgats_file("noisy", "-0.02");
    test_expect(test_run_cli("color %s", path), 3, "sample noisy, band SPEC_380: reflectance -0.02");
    unlink(path);
    free(path);
    path = cgats_file("x", "nan");
    test_expect(test_run_cli("color %s", path), 3, "field SPEC_380: expected a number, found 'nan'");
    unlink(path);
    free(path);
    test_expect(test_run_cli("color /usr/share/colord/ref/CIE-TCS.sp --output"), 2,
               "option --output needs a value");
    test_expect(test_run_cli("color /usr/share/colord/ref/CIE-TCS.sp --output /nonexistent/x.csv"),
               1, "cannot create a file beside '/nonexistent/x.csv'");
}

static void test_color_json_with_latin1_sample(void **state)
{
    (void)state;
    char *path = cgats_file("Haut \xE9tendue", "0.3");
    test_run_t r = test_run_cli("color %s --format json", path);
    assert_int_equal(r.status, 0);
    json_error_t jerr;
    json_t *root = json_loads(r.out, 0, &jerr);
    if (!root)
        fail_msg("not JSON (%s): %s", jerr.text, r.out);
    json_t *s0 = json_array_get(json_object_get(root, "samples"), 0);
    assert_string_equal(json_string_value(json_object_get(s0, "sample")), "Haut " FFFD "tendue");
    assert_string_equal(json_string_value(json_object_get(root, "input")), path);
    json_decref(root);
    test_run_free(&r);
    unlink(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_count_option),
        cmocka_unit_test(test_number_options),
        cmocka_unit_test(test_json_strings_of_user_data),
        cmocka_unit_test(test_text_table_control_characters),
        cmocka_unit_test(test_output_interrupted),
        cmocka_unit_test(test_output_targets),
        cmocka_unit_test(test_color_refusals),
        cmocka_unit_test(test_color_json_with_latin1_sample),
    };
    return cmocka_run_group_tests_name("cli_units", tests, NULL, NULL);
}
