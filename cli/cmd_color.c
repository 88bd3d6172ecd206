/* smpfade color FILE: colour of measured reflectance spectra (CGATS, as a
 * spectrophotometer exports them) under D65 with the CIE 1931 2° observer. */
#include "cli.h"

#include <getopt.h>

#define CMD "color"
/* A spectrum must reach to within this of 380 and 780 nm; the end value is held beyond. */
#define COLOR_MAX_GAP_NM 20.0
/* Reflectance factors above 1 occur (fluorescent or glossy samples) but not far above;
 * beyond this, or below 0, the file holds something else (percent, counts). */
#define COLOR_MAX_REFLECTANCE 1.5

static const char *const columns[] = {"sample", "X", "Y", "Z", "L", "a", "b", "hex"};

static void help(void)
{
    printf("Usage: smpfade color FILE [options]\n\n"
           "Reads reflectance spectra (fractions, 0-%g) from a CGATS file with SPEC_<nm>\n"
           "fields (the format of /usr/share/colord/ref/CIE-TCS.sp) and prints, per sample,\n"
           "CIE XYZ (perfect reflecting diffuser Y = 100), CIELAB and the sRGB hex colour,\n"
           "under illuminant D65 with the CIE 1931 2° observer.  Spectra are resampled onto\n"
           "380-780 nm in 5 nm steps (linear interpolation; the end value is held up to\n"
           "%g nm beyond the data).\n\nOptions:\n" CLI_COMMON_HELP,
           COLOR_MAX_REFLECTANCE, COLOR_MAX_GAP_NM);
}

static int fill_table(const smpf_context_t *ctx, const smpf_cgats_t *c, const char *path,
                      cli_table *t, smpf_error_t *err)
{
    for (size_t s = 0; s < smpf_cgats_sets(c); s++) {
        const double *refl = smpf_cgats_values(c, s);
        for (size_t b = 0; b < smpf_cgats_bands(c); b++)
            if (!(refl[b] >= 0 && refl[b] <= COLOR_MAX_REFLECTANCE))
                return smpf_error_set(err, SMPF_ERR_DATA,
                                      "%s: sample %s, band SPEC_%g: reflectance %g is outside "
                                      "[0, %g] (a fraction, not percent)",
                                      path, smpf_cgats_sample(c, s),
                                      smpf_cgats_wavelengths_nm(c)[b], refl[b],
                                      COLOR_MAX_REFLECTANCE);
        double r[SMPF_NWL];
        int rc = smpf_resample(smpf_cgats_wavelengths_nm(c), smpf_cgats_values(c, s),
                               smpf_cgats_bands(c), COLOR_MAX_GAP_NM, r, err);
        if (rc != SMPF_OK) {
            smpf_error_prefix(err, "%s: sample %s: ", path, smpf_cgats_sample(c, s));
            return rc;
        }
        smpf_xyz_t xyz = smpf_color_xyz(ctx, r);
        smpf_lab_t lab = smpf_color_lab(xyz, smpf_color_white(ctx));
        char hex[8];
        smpf_color_hex(smpf_color_srgb(ctx, xyz), hex);
        long row = cli_table_add_row(t);
        if (row < 0)
            return smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
        cli_table_text(t, (size_t)row, 0, smpf_cgats_sample(c, s));
        const double v[] = {xyz.X, xyz.Y, xyz.Z, lab.L, lab.a, lab.b};
        for (size_t j = 0; j < 6; j++)
            cli_table_num(t, (size_t)row, j + 1, v[j], 4);
        cli_table_text(t, (size_t)row, 7, hex);
    }
    return SMPF_OK;
}

typedef struct {
    const cli_common *common;
    const smpf_context_t *ctx;
    const char *path;
    const cli_table *t;
} result_t;

static int write_result(FILE *fp, const void *data)
{
    const result_t *r = data;
    const cli_common *common = r->common;
    const smpf_context_t *ctx = r->ctx;
    const char *path = r->path;
    const cli_table *t = r->t;
    if (common->format == FMT_CSV)
        return cli_table_write_csv(fp, t);
    if (common->format == FMT_TABLE) {
        fprintf(fp, "# %s: illuminant D65, CIE 1931 2° observer, Y(white) = 100\n", path);
        return cli_table_write_text(fp, t);
    }
    json_t *root = json_pack("{s:s, s:o, s:o, s:s, s:s, s:o}", "version", SMPF_VERSION, "input",
                             cli_json_string(path), "cie_dir",
                             cli_json_string(smpf_context_cie_dir(ctx)), "illuminant", "D65",
                             "observer", "CIE 1931 2°", "samples", cli_table_to_json(t));
    int rc = root ? cli_json_write(fp, root) : -1;
    json_decref(root);
    return rc;
}

int cmd_color(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    cli_common common = {0};
    int c, rc = EXIT_OK;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        if (c == OPT_HELP) {
            help();
            return EXIT_OK;
        }
        if (!cli_common_option(CMD, c, optarg, &common, &rc))
            return cli_getopt_error(CMD, c, argv);
        if (rc != EXIT_OK)
            return rc;
    }
    if (optind != argc - 1)
        return cli_usage_error(CMD, optind == argc ? "expected one CGATS file"
                                                   : "expected one CGATS file, got more");
    const char *path = argv[optind];
    cli_common_add_input(&common, path);

    smpf_error_t err = {0};
    smpf_context_t *ctx = NULL;
    smpf_cgats_t *cg = NULL;
    cli_table t;
    cli_table_init(&t, columns, sizeof columns / sizeof columns[0]);
    int st = smpf_context_new(common.cie_dir, &ctx, &err);
    if (st == SMPF_OK)
        st = smpf_cgats_load(path, &cg, &err);
    if (st == SMPF_OK)
        st = fill_table(ctx, cg, path, &t, &err);
    if (st != SMPF_OK) {
        rc = cli_report(CMD, st, &err);
    } else {
        result_t r = {&common, ctx, path, &t};
        rc = cli_emit(CMD, &common, write_result, &r);
    }
    cli_table_free(&t);
    smpf_cgats_free(cg);
    smpf_context_free(ctx);
    return rc;
}
