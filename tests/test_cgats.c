/* The CGATS spectral reader on colord's own files and on malformed ones. */
#include "smpfade.h"
#include "test_util.h"

static const char *good =
    "SPECT\nDESCRIPTOR\t\"test\"\nNUMBER_OF_FIELDS\t4\nNUMBER_OF_SETS\t2\n"
    "SPECTRAL_BANDS\t3\nBEGIN_DATA_FORMAT\nSAMPLE_ID\tSPEC_380\tSPEC_580\tSPEC_780\n"
    "END_DATA_FORMAT\nBEGIN_DATA\nA\t0.1\t0.2\t0.3\nB\t0.5\t0.5\t0.5\nEND_DATA\n";

static int load_text(const char *text, smpf_cgats_t **c, smpf_error_t *err)
{
    char *path = test_write_temp(".sp", text, strlen(text));
    int rc = smpf_cgats_load(path, c, err);
    unlink(path);
    free(path);
    return rc;
}

static void test_colord_files(void **state)
{
    (void)state;
    smpf_cgats_t *c;
    smpf_error_t err = {0};
    assert_int_equal(smpf_cgats_load("/usr/share/colord/ref/CIE-TCS.sp", &c, &err), SMPF_OK);
    assert_int_equal(smpf_cgats_sets(c), 15);
    assert_int_equal(smpf_cgats_bands(c), 95);
    assert_float_equal(smpf_cgats_wavelengths_nm(c)[0], 360, 0);
    assert_float_equal(smpf_cgats_wavelengths_nm(c)[94], 830, 0);
    assert_string_equal(smpf_cgats_sample(c, 8), "TCS09");
    assert_float_equal(smpf_cgats_values(c, 8)[0], 0.069, 1e-12); /* first value in the file */
    smpf_cgats_free(c);
    assert_int_equal(smpf_cgats_load("/usr/share/colord/cmf/CIE1931-2deg-XYZ.cmf", &c, &err), SMPF_OK);
    assert_int_equal(smpf_cgats_sets(c), 3);
    /* ȳ(555 nm) = 1 by definition of the CIE 1931 observer. */
    assert_float_equal(smpf_cgats_values(c, 1)[(555 - 360) / 5], 1.0, 1e-12);
    smpf_cgats_free(c);
}

static void test_small_good_file(void **state)
{
    (void)state;
    smpf_cgats_t *c;
    smpf_error_t err = {0};
    assert_int_equal(load_text(good, &c, &err), SMPF_OK);
    assert_int_equal(smpf_cgats_sets(c), 2);
    assert_string_equal(smpf_cgats_sample(c, 1), "B");
    assert_float_equal(smpf_cgats_values(c, 0)[2], 0.3, 1e-12);
    smpf_cgats_free(c);
}

static void expect_failure(const char *text, const char *fragment)
{
    smpf_cgats_t *c = NULL;
    smpf_error_t err = {0};
    assert_int_equal(load_text(text, &c, &err), SMPF_ERR_DATA);
    assert_null(c);
    if (!strstr(err.message, fragment))
        fail_msg("message '%s' lacks '%s'", err.message, fragment);
}

static void test_malformed(void **state)
{
    (void)state;
    expect_failure("", "not a readable CGATS file");
    expect_failure("this is not cgats at all\n", "not a readable CGATS file");
    /* truncated: END_DATA missing and a set short */
    char trunc[512];
    snprintf(trunc, sizeof trunc, "%.*s", (int)(strstr(good, "B\t") - good), good);
    expect_failure(trunc, "");
    /* a non-number */
    char bad[512];
    snprintf(bad, sizeof bad, "%s", good);
    memcpy(strstr(bad, "0.2"), "x.y", 3);
    expect_failure(bad, "set 1 (A), field SPEC_580: expected a number, found 'x.y'");
    /* SPECTRAL_BANDS disagreeing with the fields */
    snprintf(bad, sizeof bad, "%s", good);
    strstr(bad, "BANDS\t3")[6] = '4';
    expect_failure(bad, "SPECTRAL_BANDS says 4");
    /* wavelengths out of order */
    snprintf(bad, sizeof bad, "%s", good);
    memcpy(strstr(bad, "SPEC_580"), "SPEC_280", 8);
    expect_failure(bad, "wavelengths must increase");
    expect_failure("SPECT\nNUMBER_OF_FIELDS\t1\nNUMBER_OF_SETS\t1\nBEGIN_DATA_FORMAT\nSPEC_400\n"
                   "END_DATA_FORMAT\nBEGIN_DATA\n1\nEND_DATA\n", "fewer than 2 SPEC_<nm> fields");
    smpf_cgats_t *c;
    smpf_error_t err = {0};
    assert_int_equal(smpf_cgats_load("/nonexistent.sp", &c, &err), SMPF_ERR_DATA);
    assert_non_null(strstr(err.message, "/nonexistent.sp: cannot open"));
}

static void test_context_dir_errors(void **state)
{
    (void)state;
    smpf_context_t *ctx;
    smpf_error_t err = {0};
    assert_int_equal(smpf_context_new("/nonexistent-colord", &ctx, &err), SMPF_ERR_DATA);
    assert_non_null(strstr(err.message, "/nonexistent-colord/cmf/CIE1931-2deg-XYZ.cmf"));
    setenv("SMPF_CIE_DIR", "/nonexistent-env", 1);
    assert_int_equal(smpf_context_new(NULL, &ctx, &err), SMPF_ERR_DATA);
    assert_non_null(strstr(err.message, "/nonexistent-env/"));
    unsetenv("SMPF_CIE_DIR");
    assert_int_equal(smpf_context_new(NULL, &ctx, &err), SMPF_OK);
    assert_string_equal(smpf_context_cie_dir(ctx), "/usr/share/colord");
    smpf_context_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_colord_files),
        cmocka_unit_test(test_small_good_file),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_context_dir_errors),
    };
    return cmocka_run_group_tests_name("cgats", tests, NULL, NULL);
}
