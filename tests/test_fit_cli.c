/* `smpfade fit` end to end: exit codes and messages of the documented refusals, the JSON
 * keys, t_years -> t_days at 365.25 d/yr, and the synthetic two-series file's generating
 * parameters (datasets/research/synthetic_biexp.py) inside the reported intervals.
 * Runs $SMPF_BIN (default build/smpfade) from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/smpf_fit_cli_XXXXXX";

static const char *bin(void)
{
    const char *b = getenv("SMPF_BIN");
    return b ? b : "build/smpfade";
}

/* Runs `smpfade fit ARGS`, stdout into out (if not NULL), stderr into errbuf; exit code. */
static int run(const char *args, char *out, size_t outlen, char *errbuf, size_t errlen)
{
    char cmd[1024], errpath[128];
    snprintf(errpath, sizeof errpath, "%s/stderr", tmpdir);
    snprintf(cmd, sizeof cmd, "%s fit %s 2>%s", bin(), args, errpath);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = 0, k;
    char buf[4096];
    while ((k = fread(buf, 1, sizeof buf, p)) > 0)
        if (out && n + k < outlen) {
            memcpy(out + n, buf, k);
            n += k;
        }
    if (out)
        out[n] = '\0';
    int st = pclose(p);
    FILE *e = fopen(errpath, "r");
    size_t m = e ? fread(errbuf, 1, errlen - 1, e) : 0;
    errbuf[m] = '\0';
    if (e)
        fclose(e);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void write_file(const char *name, const char *text, char *path, size_t len)
{
    snprintf(path, len, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_refusals(void **state)
{
    (void)state;
    char path[256], args[512], err[2048];
    write_file("nosigma.csv", "t_days,value\n0,1\n10,0.8\n20,0.7\n40,0.65\n80,0.6\n", path,
               sizeof path);
    snprintf(args, sizeof args, "%s --model biexp --weights sigma", path);
    assert_int_equal(run(args, NULL, 0, err, sizeof err), 3);
    assert_non_null(strstr(err, "sigma"));
    snprintf(args, sizeof args, "%s --model biexp --weights heavy", path);
    assert_int_equal(run(args, NULL, 0, err, sizeof err), 2);
    assert_non_null(strstr(err, "--weights"));
    snprintf(args, sizeof args, "%s --model triexp", path);
    assert_int_equal(run(args, NULL, 0, err, sizeof err), 2);
    assert_non_null(strstr(err, "biexp"));
    snprintf(args, sizeof args, "%s --model biexp --bogus", path);
    assert_int_equal(run(args, NULL, 0, err, sizeof err), 2);
    /* f = 1 leaves k2 without effect: exit 1, k2 named */
    snprintf(args, sizeof args, "%s --model biexp --fixed f=1", path);
    assert_int_equal(run(args, NULL, 0, err, sizeof err), 1);
    assert_non_null(strstr(err, "k2_per_day"));
    /* three points, four free parameters: bad data */
    write_file("short.csv", "t_days,value\n0,1\n10,0.8\n20,0.7\n", path, sizeof path);
    snprintf(args, sizeof args, "%s --model biexp", path);
    assert_int_equal(run(args, NULL, 0, err, sizeof err), 3);
    /* a non-number names file, line and column */
    write_file("bad.csv", "# c\nt_days,value\n0,1\n10,abc\n", path, sizeof path);
    snprintf(args, sizeof args, "%s --model biexp", path);
    assert_int_equal(run(args, NULL, 0, err, sizeof err), 3);
    assert_non_null(strstr(err, "bad.csv:4"));
    assert_non_null(strstr(err, "value"));
}

static double num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    assert_true(json_is_number(v));
    return json_number_value(v);
}

static void test_json_synthetic(void **state)
{
    (void)state;
    static char out[1 << 16];
    char err[2048];
    assert_int_equal(run("datasets/research/synthetic_biexp_two_series.csv --model biexp "
                         "--per-series y0 --weights sigma --format json",
                         out, sizeof out, err, sizeof err),
                     0);
    json_error_t je;
    json_t *root = json_loads(out, 0, &je);
    assert_non_null(root);
    const char *keys[] = {"version", "model", "inputs", "parameters", "rss", "n", "dof", "aic",
                          "aicc", "bic", "converged", "covariance_method", "condition_number",
                          "residuals"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_non_null(json_object_get(root, keys[i]));
    assert_int_equal((int)num(root, "n"), 24);
    assert_int_equal((int)num(root, "dof"), 19);
    assert_true(json_is_true(json_object_get(root, "converged")));
    /* the values synthetic_biexp.py used */
    const char *names[] = {"y0[A]", "y0[B]", "f", "k1_per_day", "k2_per_day"};
    const double truth[] = {1.00, 0.85, 0.33, 0.08, 1.5e-4};
    json_t *params = json_object_get(root, "parameters");
    assert_int_equal(json_array_size(params), 5);
    for (size_t i = 0; i < 5; i++) {
        json_t *p = json_array_get(params, i);
        assert_string_equal(json_string_value(json_object_get(p, "name")), names[i]);
        double lo = num(p, "ci95_low"), hi = num(p, "ci95_high"), se = num(p, "stderr");
        assert_true(se > 0);
        if (!(lo <= truth[i] && truth[i] <= hi))
            fail_msg("%s: truth %g outside [%g, %g]", names[i], truth[i], lo, hi);
    }
    assert_int_equal(json_array_size(json_object_get(root, "residuals")), 24);
    json_decref(root);
}

static void test_years_and_output_file(void **state)
{
    (void)state;
    char args[512], err[2048], path[256];
    snprintf(path, sizeof path, "%s/liu.json", tmpdir);
    snprintf(args, sizeof args,
             "datasets/research/liu2025_smp_visual_density.csv --model biexp "
             "--fixed f=1,k2_per_day=0 --weights sigma --format json --output %s",
             path);
    assert_int_equal(run(args, NULL, 0, err, sizeof err), 0);
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    assert_non_null(root);
    json_t *res = json_object_get(root, "residuals");
    assert_true(fabs(num(json_array_get(res, 1), "t_days") - 0.5 * 365.25) < 1e-9);
    /* two points, two free parameters, sigma known: the curve passes through both means,
     * so k1 = ln(8.7/7.7)/182.625 d */
    json_t *k1 = json_array_get(json_object_get(root, "parameters"), 2);
    assert_true(fabs(num(k1, "estimate") - log(8.7 / 7.7) / 182.625) < 1e-9);
    json_decref(root);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_json_synthetic),
        cmocka_unit_test(test_years_and_output_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
