/* smpfade project and compare as a user runs them: formats, keys, and refusals. */
#include "smpfade.h"
#include "test_util.h"

#include <jansson.h>

static void test_project_json_keys(void **state)
{
    (void)state;
    test_run_t r = test_run_cli("project --years 1 --format json --seed 5");
    assert_int_equal(r.status, 0);
    json_error_t jerr;
    json_t *root = json_loads(r.out, 0, &jerr);
    assert_non_null(root);
    const char *keys[] = {"touchup_years", "touchups", "timeline", "inputs", "version", "seed"};
    for (size_t i = 0; i < 6; i++)
        if (!json_object_get(root, keys[i]))
            fail_msg("missing key %s", keys[i]);
    assert_true(json_is_null(json_object_get(root, "touchup_years"))); /* none in one year */
    assert_int_equal(json_integer_value(json_object_get(root, "seed")), 5);
    json_t *tl = json_object_get(root, "timeline");
    assert_int_equal(json_array_size(tl), 5); /* 0, 0.25, ..., 1 year */
    const char *names[] = {"years", "fraction_remaining", "L", "a", "b", "C", "h", "dE00",
                           "contrast", "cast_h", "cast_ratio", "blur", "hex"};
    json_t *p = json_array_get(tl, 4);
    assert_int_equal(json_object_size(p), 13);
    for (size_t i = 0; i < 13; i++)
        if (!json_object_get(p, names[i]))
            fail_msg("timeline lacks %s", names[i]);
    assert_float_equal(json_real_value(json_object_get(p, "years")), 1.0, 1e-9);
    json_t *in = json_object_get(root, "inputs");
    assert_string_equal(json_string_value(json_object_get(in, "ink")), "smp_carbon");
    assert_non_null(json_object_get(json_object_get(in, "kinetic_parameters"), "k_cap_per_day"));
    json_decref(root);
    test_run_free(&r);
}

static void test_project_csv_header(void **state)
{
    (void)state;
    test_run_t r = test_run_cli("project --years 0.5 --format csv --step-months 6");
    assert_int_equal(r.status, 0);
    assert_true(test_starts_with(r.out, "years,fraction_remaining,L,a,b,C,h,dE00,contrast,cast_h,"
                                   "cast_ratio,blur,hex\n0.00,"));
    test_run_free(&r);
}

static void test_project_refusals(void **state)
{
    (void)state;
    test_expect(test_run_cli("project --ink nosuch"), 2, "unknown ink 'nosuch'; choices: smp_carbon");
    test_expect(test_run_cli("project --skin 7"), 2, "option --skin: 7 is outside the range [1, 6]");
    test_expect(test_run_cli("project --depth-mm deep"), 2, "option --depth-mm: expected a number");
    test_expect(test_run_cli("project --samples 1e12"), 2, "option --samples");
    test_expect(test_run_cli("project --samples 0"), 2, "outside the allowed range [1, 10000000]");
    test_expect(test_run_cli("project --criterion contrast:2"), 2, "[0.01, 0.99]");
    test_expect(test_run_cli("project --years 0.1"), 2, "option --years");
    test_expect(test_run_cli("project --client /nonexistent.csv"), 3, "/nonexistent.csv: cannot open");
    test_expect(test_run_cli("project extra"), 2, "unexpected argument 'extra'");
}

static void test_compare(void **state)
{
    (void)state;
    test_run_t r = test_run_cli("compare --inks smp_carbon,temp_biodegradable --years 2 "
                                "--format csv --session-cost 250");
    assert_int_equal(r.status, 0);
    assert_true(test_starts_with(r.out, "ink,kind,touchup_years,touchups_in_horizon,dE00_at_horizon,"
                                   "hue_shift_deg_at_horizon,residual_fraction_at_horizon,"));
    assert_non_null(strstr(r.out, ",sessions,cost\n"));
    assert_non_null(strstr(r.out, "\nsmp_carbon,permanent,"));
    assert_non_null(strstr(r.out, "\ntemp_biodegradable,temporary,"));
    test_run_free(&r);
    test_expect(test_run_cli("compare"), 2, "option --inks is required");
    test_expect(test_run_cli("compare --inks smp_carbon,bogus"), 2, "unknown ink 'bogus'");
    test_expect(test_run_cli("compare --inks a,a"), 2, "'a' is listed twice");
}

static void test_inks_file(void **state)
{
    (void)state;
    const char *text = "ink,kind,component,fraction,description,source\n"
                       "my_blend,permanent,carbon_black,0.9,mine,lab notebook\n"
                       "my_blend,permanent,phthalocyanine_green,0.1,mine,lab notebook\n";
    char *path = test_write_temp(".csv", text, strlen(text));
    test_run_t r = test_run_cli("inks --inks-file %s --format csv", path);
    assert_int_equal(r.status, 0);
    assert_true(test_starts_with(r.out, "name,kind"));
    assert_non_null(strstr(r.out, "\nmy_blend,permanent,carbon_black:0.9;phthalocyanine_green:0.1"));
    test_run_free(&r);
    r = test_run_cli("project --inks-file %s --ink my_blend --years 0.5 --format csv", path);
    assert_int_equal(r.status, 0);
    test_run_free(&r);
    unlink(path);
    free(path);
}

/* More melanin, darker skin: L* falls from type 1 to type 6. */
static void test_skins(void **state)
{
    (void)state;
    test_run_t r = test_run_cli("skins --format csv");
    assert_int_equal(r.status, 0);
    assert_true(test_starts_with(r.out, "skin_type,melanin_fraction,"));
    char *save, *line = strtok_r(r.out, "\n", &save);
    double prev_L = 101;
    for (int type = 1; type <= 6; type++) {
        line = strtok_r(NULL, "\n", &save);
        assert_non_null(line);
        double v[10];
        assert_int_equal(sscanf(line, "%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf", &v[0], &v[1],
                                &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]), 10);
        assert_float_equal(v[0], type, 0);
        assert_true(v[7] < prev_L);
        prev_L = v[7];
    }
    test_run_free(&r);
}

/* Pictures: the file lands whole with the size of the frames asked; bad names are refused. */
static void test_render_and_plot(void **state)
{
    (void)state;
    char *png = test_temp_path(".png"), *plot = test_temp_path(".svg");
    test_run_t r = test_run_cli("render --years 2 --at 0,1,2 --output %s", png);
    assert_int_equal(r.status, 0);
    test_run_free(&r);
    FILE *f = fopen(png, "rb");
    assert_non_null(f);
    unsigned char head[24];
    assert_int_equal(fread(head, 1, 24, f), 24);
    fclose(f);
    assert_memory_equal(head, "\x89PNG\r\n\x1a\n", 8);
    const unsigned w = (unsigned)head[16] << 24 | head[17] << 16 | head[18] << 8 | head[19];
    const unsigned w5 = w; /* three frames are narrower than five */
    r = test_run_cli("render --years 5 --output %s", png);
    assert_int_equal(r.status, 0);
    test_run_free(&r);
    f = fopen(png, "rb");
    assert_int_equal(fread(head, 1, 24, f), 24);
    fclose(f);
    assert_true(((unsigned)head[16] << 24 | head[17] << 16 | head[18] << 8 | head[19]) > w5);
    unlink(png);
    free(png);
    test_expect(test_run_cli("render"), 2, "--output FILE.png|FILE.svg is required");
    test_expect(test_run_cli("render --output x.jpg"), 2, "neither .png nor .svg");
    test_expect(test_run_cli("render --output x.png --at 3,1"), 2, "times must increase");
    test_expect(test_run_cli("project --years 1 --plot x.gif"), 2, "neither .png nor .svg");
    r = test_run_cli("project --years 1 --plot %s --format csv", plot);
    assert_int_equal(r.status, 0);
    test_run_free(&r);
    char *svg = test_read_file(plot);
    assert_non_null(svg);
    assert_non_null(strstr(svg, "<svg"));
    assert_non_null(strstr(svg, "fading and drift"));
    free(svg);
    unlink(plot);
    free(plot);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_project_json_keys),
        cmocka_unit_test(test_project_csv_header),
        cmocka_unit_test(test_project_refusals),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_inks_file),
        cmocka_unit_test(test_skins),
        cmocka_unit_test(test_render_and_plot),
    };
    return cmocka_run_group_tests_name("project_cli", tests, NULL, NULL);
}
