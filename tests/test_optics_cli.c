/* smpfade optics as a user meets it: the van de Hulst slab through the command, the CSV
 * headers, JSON records of parameters and seed, a profile file equal to the single layer
 * it describes, and usage and data errors with their exit codes. */
#include "smpfade.h"
#include "test_util.h"

#include <jansson.h>
#include <math.h>

#define VDH "optics slab --mua-per-mm 1 --mus-per-mm 9 --g 0.75 --thickness-mm 0.2"

static void test_slab(void **state)
{
    (void)state;
    test_run_t r = test_run_cli(VDH " --format csv");
    assert_int_equal(r.status, 0);
    double Rd, Tt;
    assert_int_equal(sscanf(r.out, "Rd,Tt\n%lf,%lf\n", &Rd, &Tt), 2);
    assert_float_equal(Rd, 0.09739, 5e-5);
    assert_float_equal(Tt, 0.66096, 5e-5);
    test_run_free(&r);
    r = test_run_cli(VDH " --method mc --photons 20000 --seed 5 --format json");
    assert_int_equal(r.status, 0);
    json_error_t jerr;
    json_t *root = json_loads(r.out, 0, &jerr);
    assert_non_null(root);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(root, "parameters"), "seed")), 5);
    json_t *res = json_object_get(root, "result");
    double mc_rd = json_real_value(json_object_get(res, "Rd"));
    double se = json_real_value(json_object_get(res, "Rd_se"));
    assert_true(se > 0 && fabs(mc_rd - 0.09739) < 4 * se);
    json_decref(root);
    test_run_free(&r);
    /* a non-absorbing half-space under air returns all but the specular part */
    r = test_run_cli("optics slab --mua-per-mm 0 --mus-per-mm 10 --g 0.9 --thickness-mm inf "
                     "--n 1.4 --format csv");
    assert_int_equal(r.status, 0);
    assert_int_equal(sscanf(r.out, "Rd,Tt\n%lf,%lf\n", &Rd, &Tt), 2);
    assert_float_equal(Rd, 1 - pow(0.4 / 2.4, 2), 1e-4);
    assert_float_equal(Tt, 0.0, 0.0);
    test_run_free(&r);
}

static void test_skin(void **state)
{
    (void)state;
    test_run_t r = test_run_cli("optics skin --format csv");
    assert_int_equal(r.status, 0);
    assert_memory_equal(r.out, "wavelength_nm,R_dot,R_skin\n380,", 31);
    size_t lines = 0;
    for (const char *c = r.out; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 1 + SMPF_NWL);
    test_run_free(&r);

    /* the profile file describing the default layer gives the same spectra */
    const char *text = "# carbon black 0.01 from 0.45 to 0.55 mm\n"
                       "top_mm,thickness_mm,carbon_black\n0.45,0.1,0.01\n";
    char *path = test_write_temp(".csv", text, strlen(text));
    test_run_t a = test_run_cli("optics skin --ink smp_carbon --depth-mm 0.5 --thickness-mm 0.1 "
                                "--amount 0.01 --format csv");
    test_run_t b = test_run_cli("optics skin --profile %s --format csv", path);
    assert_int_equal(a.status, 0);
    assert_int_equal(b.status, 0);
    assert_string_equal(a.out, b.out);
    test_run_free(&a);
    test_run_free(&b);

    r = test_run_cli("optics skin --profile %s --format json", path);
    assert_int_equal(r.status, 0);
    json_error_t jerr;
    json_t *root = json_loads(r.out, 0, &jerr);
    assert_non_null(root);
    json_t *cast = json_object_get(root, "cast");
    assert_true(json_real_value(json_object_get(cast, "b")) < 0);
    assert_true(json_real_value(json_object_get(root, "dL")) < 0);
    assert_string_equal(json_string_value(json_object_get(root, "illuminant")), "D65");
    assert_int_equal(json_array_size(json_object_get(root, "spectrum")), SMPF_NWL);
    json_decref(root);
    test_run_free(&r);
    unlink(path);
    free(path);

    r = test_run_cli("optics skin --skin 5 --ink smp_iron_oxide --depth-mm 0.8");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "cast (skin = white)"));
    assert_non_null(strstr(r.out, "skin type 5"));
    test_run_free(&r);
}

static void test_errors(void **state)
{
    (void)state;
    test_expect(test_run_cli("optics"), 2, "expected a subcommand");
    test_expect(test_run_cli("optics slab --mua-per-mm 1 --mus-per-mm 9 --g 0.75"), 2,
           "--thickness-mm is required");
    test_expect(test_run_cli(VDH " --g 1.5"), 2, "option --g");
    test_expect(test_run_cli(VDH " --method xx"), 2, "expected ad or mc");
    test_expect(test_run_cli(VDH " --quad-points 7"), 2, "even");
    test_expect(test_run_cli("optics slab --mua-per-mm 0 --mus-per-mm 9 --g 0.75 --thickness-mm inf "
                        "--method mc"),
           2, "mua_per_mm > 0");
    test_expect(test_run_cli("optics skin --skin 7"), 2, "option --skin");
    test_expect(test_run_cli("optics skin --ink nope"), 2, "smp_carbon");
    test_expect(test_run_cli("optics skin --depth-mm 0.02"), 2, "above the surface");
    test_expect(test_run_cli("optics skin --profile x.csv --amount 0.1"), 2, "not both");
    const char *text = "top_mm,thickness_mm,unobtainium\n0.3,0.1,0.01\n";
    char *path = test_write_temp(".csv", text, strlen(text));
    test_expect(test_run_cli("optics skin --profile %s", path), 3, "unobtainium");
    unlink(path);
    free(path);
    text = "top_mm,thickness_mm,carbon_black\n0.3,0.1,2\n";
    path = test_write_temp(".csv", text, strlen(text));
    test_expect(test_run_cli("optics skin --profile %s", path), 3, ":2");
    unlink(path);
    free(path);
    text = "top_mm,thickness_mm,carbon_black,titanium_dioxide\n0.3,0.1,0.6,0.6\n";
    path = test_write_temp(".csv", text, strlen(text));
    test_expect(test_run_cli("optics skin --profile %s", path), 3, "sum to 1.2");
    unlink(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slab),
        cmocka_unit_test(test_skin),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
