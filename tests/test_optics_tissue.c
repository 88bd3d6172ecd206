/* The hue-drift physics of MODEL.md 4 must emerge from the spectra, not be put in:
 * a carbon-black dot casts blue against the skin; deeper, its cast ratio rises and its
 * cast hue moves from blue toward blue-green while its absolute b* rises toward the
 * skin's; removing the shallow part of a deposit casts bluer; iron-oxide black casts
 * warmer than carbon black; a toner that outlasts the carbon pulls the cast toward its
 * own.  Also: the stack builder (slices, epidermis split, no pigment = bare skin), the
 * adding-doubling skin reflectance against Monte Carlo, and data errors with context. */
#include "smpfade.h"
#include "test_util.h"

#include <math.h>
#include <sys/stat.h>

typedef struct {
    smpf_tissue_t *tissue;
    smpf_pigments_t *pigments;
    smpf_context_t *ctx;
    smpf_ad_t *ws;
    smpf_skin_t skin;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    smpf_error_t err = {0};
    if (smpf_tissue_load("datasets", &f->tissue, &err) != SMPF_OK ||
        smpf_pigments_load("datasets", &f->pigments, &err) != SMPF_OK ||
        smpf_context_new(NULL, &f->ctx, &err) != SMPF_OK ||
        smpf_ad_new(SMPF_AD_SKIN_QUAD_POINTS, &f->ws, &err) != SMPF_OK ||
        smpf_tissue_skin(f->tissue, 2, &f->skin, &err) != SMPF_OK) {
        fprintf(stderr, "%s\n", err.message);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    smpf_tissue_free(f->tissue);
    smpf_pigments_free(f->pigments);
    smpf_context_free(f->ctx);
    smpf_ad_free(f->ws);
    free(f);
    return 0;
}

static smpf_pigment_profile_t ink_layer(fixture_t *f, const char *ink, double depth_mm,
                                        double thickness_mm, double amount)
{
    smpf_pigment_profile_t p;
    smpf_error_t err = {0};
    const smpf_ink_t *k = smpf_pigments_find_ink(f->pigments, ink);
    assert_non_null(k);
    if (smpf_pigment_profile_ink(f->pigments, k, depth_mm, thickness_mm, amount, &p, &err) != SMPF_OK)
        fail_msg("%s", err.message);
    return p;
}

static smpf_cast_t cast_of(fixture_t *f, const smpf_pigment_profile_t *p)
{
    double R_dot[SMPF_NWL], R_skin[SMPF_NWL];
    smpf_error_t err = {0};
    if (smpf_tissue_reflectance(f->ws, f->tissue, &f->skin, p, R_dot, R_skin, &err) != SMPF_OK)
        fail_msg("%s", err.message);
    smpf_cast_t c;
    smpf_cast(f->ctx, R_dot, R_skin, &c);
    return c;
}

static void test_carbon_casts_blue_and_deeper_drifts_to_blue_green(void **state)
{
    fixture_t *f = *state;
    const double depths[] = {0.2, 0.4, 0.7, 1.0, 1.5};
    smpf_cast_t prev = {0};
    for (size_t k = 0; k < 5; k++) {
        smpf_pigment_profile_t p = ink_layer(f, "smp_carbon", depths[k], 0.1, 0.01);
        smpf_cast_t c = cast_of(f, &p);
        /* against the skin: darker, and blue (hue between cyan-blue and violet-blue) */
        assert_true(c.dL < 0 && c.cast.b < 0);
        assert_true(c.cast_hue_deg > 200 && c.cast_hue_deg < 290);
        assert_true(c.cast_ratio_defined);
        if (k > 0) {
            assert_true(c.cast_ratio > prev.cast_ratio);   /* bluer per unit darkness */
            assert_true(c.cast_hue_deg < prev.cast_hue_deg); /* toward blue-green */
            assert_true(c.dL > prev.dL);                   /* fainter */
            /* absolute b* rises toward the skin's: b* alone is not the measure */
            assert_true(c.dot.b > prev.dot.b && c.dot.b < c.skin.b);
        }
        prev = c;
    }
}

static void test_losing_the_shallow_part_casts_bluer(void **state)
{
    fixture_t *f = *state;
    smpf_pigment_profile_t whole = ink_layer(f, "smp_carbon", 0.4, 0.2, 0.01);
    smpf_pigment_profile_t deep = whole;
    deep.slice[0].top_mm = 0.4;
    deep.slice[0].thickness_mm = 0.1;
    smpf_cast_t a = cast_of(f, &whole), b = cast_of(f, &deep);
    assert_true(b.cast_ratio > a.cast_ratio);
    assert_true(b.cast.b < 0 && b.cast_hue_deg > 200 && b.cast_hue_deg < 290);
}

/* Iron oxide black absorbs short wavelengths more than red: where the layer is not
 * opaque its dot reflects relatively more red, a warmer (less blue) cast. */
static void test_iron_oxide_casts_warmer_than_carbon(void **state)
{
    fixture_t *f = *state;
    const double amounts[] = {0.001, 0.003};
    for (size_t k = 0; k < 2; k++) {
        smpf_pigment_profile_t c = ink_layer(f, "smp_carbon", 0.5, 0.1, amounts[k]);
        smpf_pigment_profile_t i = ink_layer(f, "smp_iron_oxide", 0.5, 0.1, amounts[k]);
        smpf_cast_t cc = cast_of(f, &c), ci = cast_of(f, &i);
        assert_true(ci.cast.b > cc.cast.b);
        assert_true(ci.dot.b > cc.dot.b);
    }
}

/* A carbon black with a phthalocyanine blue toner: when the carbon fades and the toner
 * stays, the cast hue moves toward the hue of the toner alone. */
static void test_slower_toner_pulls_cast_toward_its_hue(void **state)
{
    fixture_t *f = *state;
    smpf_pigment_profile_t mix = ink_layer(f, "tattoo_black_pb15", 0.5, 0.1, 0.003);
    smpf_pigment_profile_t faded = mix, toner = mix;
    int found = 0;
    for (size_t c = 0; c < mix.ncomponents; c++)
        if (strcmp(mix.name[c], "carbon_black") == 0) {
            faded.slice[0].fraction[c] *= 0.1;
            toner.slice[0].fraction[c] = 0;
            found = 1;
        }
    assert_true(found);
    double h_mix = cast_of(f, &mix).cast_hue_deg, h_faded = cast_of(f, &faded).cast_hue_deg,
           h_toner = cast_of(f, &toner).cast_hue_deg;
    assert_true(fabs(smpf_color_hue_diff_deg(h_faded, h_toner)) <
                fabs(smpf_color_hue_diff_deg(h_mix, h_toner)));
}

static void test_stack_builder(void **state)
{
    fixture_t *f = *state;
    smpf_error_t err = {0};
    smpf_layer_t layers[SMPF_TISSUE_MAX_LAYERS];
    size_t n;
    /* 4 layers: epidermis, dermis above, pigment, semi-infinite dermis */
    smpf_pigment_profile_t p = ink_layer(f, "smp_carbon", 0.5, 0.1, 0.01);
    assert_int_equal(smpf_tissue_stack(f->tissue, &f->skin, &p, 34, layers, &n, &err), SMPF_OK);
    assert_int_equal(n, 4);
    assert_float_equal(layers[0].thickness_mm + layers[1].thickness_mm, 0.45, 1e-12);
    assert_true(isinf(layers[3].thickness_mm));
    assert_true(layers[2].mua_per_mm > 100 * layers[1].mua_per_mm);
    /* a slice across the bottom of the epidermis is split there */
    p = ink_layer(f, "smp_carbon", 0.1, 0.1, 0.01);
    assert_int_equal(smpf_tissue_stack(f->tissue, &f->skin, &p, 34, layers, &n, &err), SMPF_OK);
    assert_int_equal(n, 4);
    assert_float_equal(layers[0].thickness_mm, 0.05, 1e-12);
    assert_float_equal(layers[1].thickness_mm, f->skin.epidermis_thickness_mm - 0.05, 1e-12);
    /* no pigment: the dot is the skin; a slice cut in two is the same deposit */
    p = ink_layer(f, "smp_carbon", 0.5, 0.1, 0.0);
    double R_dot[SMPF_NWL], R_skin[SMPF_NWL], R_two[SMPF_NWL];
    assert_int_equal(smpf_tissue_reflectance(f->ws, f->tissue, &f->skin, &p, R_dot, R_skin, &err),
                     SMPF_OK);
    for (size_t i = 0; i < SMPF_NWL; i++)
        assert_float_equal(R_dot[i], R_skin[i], 1e-6);
    p = ink_layer(f, "smp_carbon", 0.5, 0.2, 0.002);
    smpf_pigment_profile_t two = p;
    two.nslices = 2;
    two.slice[0].thickness_mm = 0.08;
    two.slice[1] = p.slice[0];
    two.slice[1].top_mm = p.slice[0].top_mm + 0.08;
    two.slice[1].thickness_mm = 0.12;
    assert_int_equal(smpf_tissue_reflectance(f->ws, f->tissue, &f->skin, &p, R_dot, NULL, &err),
                     SMPF_OK);
    assert_int_equal(smpf_tissue_reflectance(f->ws, f->tissue, &f->skin, &two, R_two, NULL, &err),
                     SMPF_OK);
    for (size_t i = 0; i < SMPF_NWL; i++)
        assert_float_equal(R_dot[i], R_two[i], 1e-6);
    /* overlapping slices and a layer above the surface are refused */
    two.slice[1].top_mm -= 0.01;
    assert_int_equal(smpf_tissue_stack(f->tissue, &f->skin, &two, 0, layers, &n, &err),
                     SMPF_ERR_USAGE);
    const smpf_ink_t *ink = smpf_pigments_find_ink(f->pigments, "smp_carbon");
    assert_int_equal(smpf_pigment_profile_ink(f->pigments, ink, 0.02, 0.1, 0.01, &p, &err),
                     SMPF_ERR_USAGE);
}

/* The real skin stack at 450 and 650 nm by both solvers. */
static void test_skin_stack_ad_against_mc(void **state)
{
    fixture_t *f = *state;
    smpf_error_t err = {0};
    smpf_pigment_profile_t p = ink_layer(f, "smp_carbon", 0.3, 0.1, 0.002);
    smpf_ad_t *ws;
    assert_int_equal(smpf_ad_new(16, &ws, &err), SMPF_OK);
    const size_t wl[] = {14, 54};
    for (size_t k = 0; k < 2; k++) {
        smpf_layer_t layers[SMPF_TISSUE_MAX_LAYERS];
        size_t n;
        assert_int_equal(smpf_tissue_stack(f->tissue, &f->skin, &p, wl[k], layers, &n, &err),
                         SMPF_OK);
        double nt = smpf_tissue_refractive_index(f->tissue);
        smpf_stack_t s = {layers, n, nt, 1.0, nt};
        smpf_rt_t a;
        smpf_mc_result_t m;
        assert_int_equal(smpf_ad_solve(ws, &s, &a, &err), SMPF_OK);
        assert_int_equal(smpf_mc_solve(&s, 3000, 11 + k, &m, &err), SMPF_OK);
        assert_float_equal(m.Rd, a.Rd, 4 * m.Rd_se + 1e-4);
    }
    smpf_ad_free(ws);
}

static void test_data_errors_name_the_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/smpf-tissue-XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *files[] = {"skin_types.csv", "hemoglobin_prahl.csv", "pigment_layer.csv"};
    char path[512];
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "datasets/%s", files[i]);
        char *text = test_read_file(path);
        assert_non_null(text);
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        FILE *fp = fopen(path, "w");
        fputs(text, fp);
        fclose(fp);
        free(text);
    }
    snprintf(path, sizeof path, "%s/tissue_constants.csv", dir);
    FILE *fp = fopen(path, "w");
    fputs("name,value,unit,source\nrefractive_index,7,1,x\n", fp);
    fclose(fp);
    smpf_tissue_t *t;
    smpf_error_t err = {0};
    assert_int_equal(smpf_tissue_load(dir, &t, &err), SMPF_ERR_DATA);
    assert_non_null(strstr(err.message, "tissue_constants.csv:2"));
    const char *names[] = {"skin_types.csv", "hemoglobin_prahl.csv", "pigment_layer.csv",
                           "tissue_constants.csv"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_carbon_casts_blue_and_deeper_drifts_to_blue_green),
        cmocka_unit_test(test_losing_the_shallow_part_casts_bluer),
        cmocka_unit_test(test_iron_oxide_casts_warmer_than_carbon),
        cmocka_unit_test(test_slower_toner_pulls_cast_toward_its_hue),
        cmocka_unit_test(test_stack_builder),
        cmocka_unit_test(test_skin_stack_ad_against_mc),
        cmocka_unit_test(test_data_errors_name_the_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
