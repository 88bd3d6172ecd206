/* The pigment catalogue: the built-in data load; a formulator's files are checked and a
 * failed add leaves the catalogue as it was. */
#include "smpfade.h"
#include "test_util.h"

#include <math.h>

static smpf_pigments_t *builtin(void)
{
    smpf_pigments_t *p;
    smpf_error_t err = {0};
    if (smpf_pigments_load("datasets", &p, &err) != SMPF_OK)
        fail_msg("%s", err.message);
    return p;
}

static int add_text(smpf_pigments_t *p, const char *text, smpf_error_t *err)
{
    char *path = test_write_temp(".csv", text, strlen(text));
    int rc = smpf_pigments_add_file(p, path, err);
    unlink(path);
    free(path);
    return rc;
}

static void test_builtin_catalogue(void **state)
{
    (void)state;
    smpf_pigments_t *p = builtin();
    const char *inks[] = {"smp_carbon", "smp_iron_oxide", "tattoo_black_pb15", "smp_diluted",
                          "temp_biodegradable", "temp_large_particle"};
    for (size_t i = 0; i < 6; i++) {
        const smpf_ink_t *ink = smpf_pigments_find_ink(p, inks[i]);
        assert_non_null(ink);
        double sum = 0;
        for (size_t k = 0; k < ink->ncomponents; k++)
            sum += ink->fraction[k];
        assert_float_equal(sum, 1.0, 1e-3);
        assert_int_equal(ink->temporary, strncmp(inks[i], "temp_", 5) == 0);
    }
    for (size_t i = 0; i < smpf_pigments_ncomponents(p); i++) {
        const smpf_component_t *c = smpf_pigments_component(p, i);
        assert_true(c->has_spectra);
        for (size_t w = 0; w < SMPF_NWL; w++)
            assert_true(isfinite(c->mua_per_mm[w]) && c->mua_per_mm[w] >= 0);
    }
    assert_null(smpf_pigments_find_ink(p, "nonexistent"));
    char names[512];
    smpf_pigments_ink_names(p, names, sizeof names);
    assert_non_null(strstr(names, "smp_carbon, smp_iron_oxide"));
    smpf_pigments_free(p);
}

static const char *comp_header =
    "name,description,particle_size_nm,particle_size_lo_nm,particle_size_hi_nm,"
    "uv_beta_cm2_per_J,uv_beta_lo_cm2_per_J,uv_beta_hi_cm2_per_J,k_bio_per_day,"
    "k_bio_lo_per_day,k_bio_hi_per_day,source\n";

static void test_formulator_files(void **state)
{
    (void)state;
    smpf_pigments_t *p = builtin();
    size_t nc = smpf_pigments_ncomponents(p), ni = smpf_pigments_ninks(p);
    smpf_error_t err = {0};
    char text[2048];
    snprintf(text, sizeof text, "%smy_red,a red,200,100,400,0.01,0.001,0.1,0,0,0,measured\n",
             comp_header);
    assert_int_equal(add_text(p, text, &err), SMPF_OK);
    /* An ink whose component has no spectra yet is refused. */
    const char *ink = "ink,kind,component,fraction,description,source\n"
                      "my_ink,permanent,my_red,0.3,x,y\nmy_ink,permanent,carbon_black,0.7,x,y\n";
    assert_int_equal(add_text(p, ink, &err), SMPF_ERR_DATA);
    assert_non_null(strstr(err.message, "component 'my_red' is without spectra"));
    assert_int_equal(smpf_pigments_ninks(p), ni);
    const char *spec = "component,wavelength_nm,mua_per_mm,musp_per_mm\n"
                       "my_red,380,100,10\nmy_red,580,50,10\nmy_red,780,1,10\n";
    assert_int_equal(add_text(p, spec, &err), SMPF_OK);
    assert_int_equal(add_text(p, ink, &err), SMPF_OK);
    const smpf_ink_t *mine = smpf_pigments_find_ink(p, "my_ink");
    assert_non_null(mine);
    assert_int_equal(mine->ncomponents, 2);
    const smpf_component_t *red = smpf_pigments_component(p, mine->component[0]);
    assert_float_equal(red->mua_per_mm[(480 - 380) / 5], 75.0, 1e-9); /* linear between */
    assert_int_equal(smpf_pigments_ncomponents(p), nc + 1);
    smpf_pigments_free(p);
}

static void test_bad_files_leave_catalogue_unchanged(void **state)
{
    (void)state;
    smpf_pigments_t *p = builtin();
    size_t nc = smpf_pigments_ncomponents(p), ni = smpf_pigments_ninks(p);
    smpf_error_t err = {0};
    char text[2048];
    snprintf(text, sizeof text, "%sok_one,x,200,100,400,0,0,0,0,0,0,s\ncarbon_black,x,200,100,400,0,0,0,0,0,0,s\n",
             comp_header);
    assert_int_equal(add_text(p, text, &err), SMPF_ERR_DATA);
    assert_non_null(strstr(err.message, ":3: component 'carbon_black' is already defined"));
    assert_int_equal(smpf_pigments_ncomponents(p), nc);
    snprintf(text, sizeof text, "%sbad,x,200,300,400,0,0,0,0,0,0,s\n", comp_header);
    assert_int_equal(add_text(p, text, &err), SMPF_ERR_DATA);
    assert_non_null(strstr(err.message, "need particle_size_lo_nm <= particle_size_nm"));
    const char *sum = "ink,kind,component,fraction,description,source\n"
                      "half,permanent,carbon_black,0.5,x,y\n";
    assert_int_equal(add_text(p, sum, &err), SMPF_ERR_DATA);
    assert_non_null(strstr(err.message, "fractions sum to 0.5"));
    const char *kind = "ink,kind,component,fraction,description,source\n"
                       "k,forever,carbon_black,1,x,y\n";
    assert_int_equal(add_text(p, kind, &err), SMPF_ERR_DATA);
    assert_non_null(strstr(err.message, "expected permanent or temporary, found 'forever'"));
    const char *dup = "ink,kind,component,fraction,description,source\n"
                      "smp_carbon,permanent,carbon_black,1,x,y\n";
    assert_int_equal(add_text(p, dup, &err), SMPF_ERR_DATA);
    assert_non_null(strstr(err.message, "ink 'smp_carbon' is already defined"));
    const char *other = "what,ever\n1,2\n";
    assert_int_equal(add_text(p, other, &err), SMPF_ERR_DATA);
    assert_non_null(strstr(err.message, "not an inks, components or pigment spectra file"));
    assert_int_equal(smpf_pigments_ninks(p), ni);
    smpf_pigments_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_catalogue),
        cmocka_unit_test(test_formulator_files),
        cmocka_unit_test(test_bad_files_leave_catalogue_unchanged),
    };
    return cmocka_run_group_tests_name("pigments", tests, NULL, NULL);
}
