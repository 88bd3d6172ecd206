/* smpfade skins: the skin types built in, with the colour the tissue optics give them. */
#include "cli.h"

#include <getopt.h>

#define CMD "skins"

static const char *const columns[] = {
    "skin_type", "melanin_fraction", "melanin_lo", "melanin_hi", "epidermis_thickness_mm",
    "blood_fraction", "saturation", "L", "a", "b", "hex"};

static void help(void)
{
    printf("Usage: smpfade skins [options]\n\n"
           "Lists the Fitzpatrick skin types 1-6 as the model sees them (datasets/\n"
           "skin_types.csv: melanosome volume fraction of the epidermis, median and 90 %%\n"
           "range; epidermis thickness; dermal blood fraction and saturation; all\n"
           "estimates, see datasets/SOURCES.md) and the colour of the bare skin computed\n"
           "from them by the layered-skin optics (CIELAB D65, CIE 1931 2°; sRGB).\n\n"
           "Options:\n"
           "  --data-dir DIR           built-in datasets (default $SMPF_DATA_DIR, else the\n"
           "                           installed or build-tree datasets/)\n" CLI_COMMON_HELP);
}

static int fill(const smpf_context_t *ctx, const smpf_tissue_t *tissue, cli_table *t,
                smpf_error_t *err)
{
    smpf_ad_t *ad;
    int st = smpf_ad_new(SMPF_AD_SKIN_QUAD_POINTS, &ad, err);
    for (int type = 1; st == SMPF_OK && type <= 6; type++) {
        smpf_skin_t skin;
        smpf_skin_dist_t dist;
        double R[SMPF_NWL];
        st = smpf_tissue_skin(tissue, type, &skin, err);
        if (st == SMPF_OK)
            st = smpf_tissue_skin_dist(tissue, type, &dist, err);
        if (st == SMPF_OK)
            st = smpf_tissue_reflectance(ad, tissue, &skin, NULL, NULL, R, err);
        if (st != SMPF_OK)
            break;
        smpf_xyz_t xyz = smpf_color_xyz(ctx, R);
        smpf_lab_t lab = smpf_color_lab(xyz, smpf_color_white(ctx));
        char hex[8];
        smpf_color_hex(smpf_color_srgb(ctx, xyz), hex);
        long row = cli_table_add_row(t);
        if (row < 0) {
            st = smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
            break;
        }
        const double v[] = {type,
                            skin.melanin_fraction,
                            dist.melanin_fraction.lo,
                            dist.melanin_fraction.hi,
                            skin.epidermis_thickness_mm,
                            skin.blood_fraction,
                            skin.saturation,
                            lab.L,
                            lab.a,
                            lab.b};
        const int digits[] = {0, 3, 3, 3, 3, 4, 2, 1, 1, 1};
        for (size_t j = 0; j < 10; j++)
            cli_table_num(t, (size_t)row, j, v[j], digits[j]);
        cli_table_text(t, (size_t)row, 10, hex);
    }
    smpf_ad_free(ad);
    return st;
}

typedef struct {
    cli_format format;
    const char *dir;
    const cli_table *t;
} result_t;

static int write_result(FILE *fp, const void *data)
{
    const result_t *r = data;
    if (r->format == FMT_CSV)
        return cli_table_write_csv(fp, r->t);
    if (r->format == FMT_TABLE) {
        fprintf(fp, "# skin colours: bare skin by adding-doubling, CIELAB D65, CIE 1931 2°\n");
        return cli_table_write_text(fp, r->t);
    }
    json_t *root = json_pack("{s:s, s:o, s:o}", "version", SMPF_VERSION, "data_dir",
                             cli_json_string(r->dir),
                             "skins", cli_table_to_json(r->t));
    int w = root ? cli_json_write(fp, root) : -1;
    json_decref(root);
    return w;
}

int cmd_skins(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS, {"data-dir", required_argument, NULL, OPT_DATA_DIR}, {0, 0, 0, 0}};
    cli_common common = {0};
    const char *data_dir = NULL;
    int c, rc = EXIT_OK;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        if (c == OPT_HELP) {
            help();
            return EXIT_OK;
        }
        if (c == OPT_DATA_DIR)
            data_dir = optarg;
        else if (!cli_common_option(CMD, c, optarg, &common, &rc))
            return cli_getopt_error(CMD, c, argv);
        if (rc != EXIT_OK)
            return rc;
    }
    if (optind != argc)
        return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    char buf[4096];
    const char *dir = cli_data_dir(data_dir, buf, sizeof buf);
    smpf_error_t err = {0};
    smpf_context_t *ctx = NULL;
    smpf_tissue_t *tissue = NULL;
    cli_table t;
    cli_table_init(&t, columns, sizeof columns / sizeof columns[0]);
    int st = smpf_context_new(common.cie_dir, &ctx, &err);
    if (st == SMPF_OK)
        st = smpf_tissue_load(dir, &tissue, &err);
    if (st == SMPF_OK)
        st = fill(ctx, tissue, &t, &err);
    if (st != SMPF_OK) {
        rc = cli_report(CMD, st, &err);
    } else {
        result_t r = {common.format, dir, &t};
        rc = cli_emit(CMD, &common, write_result, &r);
    }
    cli_table_free(&t);
    smpf_tissue_free(tissue);
    smpf_context_free(ctx);
    return rc;
}
