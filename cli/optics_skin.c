/* smpfade optics skin: reflectance spectra of an SMP dot and of the skin around it, their
 * colours (D65, 2°) and the dot's cast against the skin (MODEL.md 4). */
#include "cli.h"

#include <getopt.h>
#include <math.h>
#include <string.h>

#define CMD "optics skin"

static void help(void)
{
    printf("Usage: smpfade optics skin [--skin 1..6] [--ink NAME] [--depth-mm Z]\n"
           "                           [--thickness-mm W] [--amount F] [--profile FILE]\n"
           "                           [--quad-points Q] [options]\n\n"
           "Diffuse reflectance (specular excluded) of a dot of pigment in skin and of the\n"
           "bare skin beside it, by adding-doubling over epidermis (melanin by skin type),\n"
           "dermis (blood, Jacques 2013 scattering), the pigment and semi-infinite dermis;\n"
           "n = 1.4 under air.  Then both colours as CIELAB (D65, CIE 1931 2°), hex, C*ab\n"
           "and h_ab, their CIEDE2000 and L* difference, and the dot's cast: its CIELAB with\n"
           "the skin's XYZ as the reference white, cast hue, chroma and the cast ratio\n"
           "C / (100 - L), the measure of how blue a dot looks per unit of darkness.\n\n"
           "Options:\n"
           "  --skin T           Fitzpatrick skin type 1..6 (default 2); datasets/skin_types.csv\n"
           "  --ink NAME         ink from the catalogue (default smp_carbon); 'smpfade inks'\n"
           "  --depth-mm Z       depth of the pigment layer's centre, mm (default: median of\n"
           "                     datasets/pigment_layer.csv, 0.5; estimate)\n"
           "  --thickness-mm W   thickness of the pigment layer, mm (default 0.1; estimate)\n"
           "  --amount F         pigment volume fraction in the pigment layer, 0..1 (default\n"
           "                     0.01, estimate; 90 %% range 0.001-0.05); split over the ink's\n"
           "                     components by their fractions\n"
           "  --profile FILE     a depth profile instead of --ink/--depth-mm/--thickness-mm/\n"
           "                     --amount: CSV with columns top_mm, thickness_mm and one\n"
           "                     column per component name holding its volume fraction,\n"
           "                     one row per slice, ordered from the top, not overlapping\n"
           "  --quad-points Q    adding-doubling quadrature points, even, 4..64 (default %d)\n"
           CLI_CATALOGUE_HELP CLI_COMMON_HELP
           "\nCSV: wavelength_nm,R_dot,R_skin at 380-780 nm in 5 nm steps.\n",
           SMPF_AD_SKIN_QUAD_POINTS);
}

enum { O_SKIN = OPT_COMMON_END + 1, O_INK, O_DEPTH, O_THICK, O_AMOUNT, O_PROFILE, O_QUAD };

typedef struct {
    long skin_type, quad_points;
    const char *ink, *profile;
    double depth_mm, thickness_mm, amount; /* NAN: default from the data */
    cli_catalogue_opts cat;
} skin_args;

static int parse(int argc, char **argv, skin_args *a, cli_common *common)
{
    static const struct option longopts[] = {
        {"skin", required_argument, NULL, O_SKIN},        {"ink", required_argument, NULL, O_INK},
        {"depth-mm", required_argument, NULL, O_DEPTH},   {"thickness-mm", required_argument, NULL, O_THICK},
        {"amount", required_argument, NULL, O_AMOUNT},    {"profile", required_argument, NULL, O_PROFILE},
        {"quad-points", required_argument, NULL, O_QUAD}, CLI_CATALOGUE_LONGOPTS,
        CLI_COMMON_LONGOPTS,                              {0, 0, 0, 0}};
    int c, rc = EXIT_OK, single = 0;
    opterr = 0;
    while (rc == EXIT_OK && (c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_HELP: help(); return -1;
        case O_SKIN: rc = cli_long(CMD, "skin", optarg, 1, 6, &a->skin_type); break;
        case O_INK: a->ink = optarg; single = 1; break;
        case O_DEPTH: rc = cli_double(CMD, "depth-mm", optarg, 0, 10, &a->depth_mm); single = 1; break;
        case O_THICK: rc = cli_double(CMD, "thickness-mm", optarg, 1e-4, 5, &a->thickness_mm); single = 1; break;
        case O_AMOUNT: rc = cli_double(CMD, "amount", optarg, 0, 1, &a->amount); single = 1; break;
        case O_PROFILE: a->profile = optarg; cli_common_add_input(common, optarg); break;
        case O_QUAD: rc = cli_long(CMD, "quad-points", optarg, 4, 64, &a->quad_points); break;
        default:
            if (!cli_common_option(CMD, c, optarg, common, &rc) &&
                !cli_catalogue_option(CMD, c, optarg, &a->cat, common, &rc))
                return cli_getopt_error(CMD, c, argv);
        }
    }
    if (rc != EXIT_OK)
        return rc;
    if (optind != argc)
        return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    if (a->profile && single)
        return cli_usage_error(CMD, "option --profile: give either a profile or "
                                    "--ink/--depth-mm/--thickness-mm/--amount, not both");
    if (a->quad_points % 2)
        return cli_usage_error(CMD, "option --quad-points: expected an even number, got %ld",
                               a->quad_points);
    return EXIT_OK;
}

typedef struct {
    smpf_skin_t skin;
    smpf_pigment_profile_t profile;
    double R_dot[SMPF_NWL], R_skin[SMPF_NWL];
    smpf_cast_t cast;
    char dot_hex[8], skin_hex[8];
    double n_tissue;
} skin_result;

/* Loads the data, builds the deposit, solves.  Returns an smpf status. */
static int compute(skin_args *a, const cli_common *common, smpf_pigments_t *p, skin_result *r,
                   smpf_error_t *err)
{
    char buf[4096];
    const char *dir = cli_data_dir(a->cat.data_dir, buf, sizeof buf);
    smpf_tissue_t *t = NULL;
    smpf_context_t *ctx = NULL;
    smpf_ad_t *ws = NULL;
    int st = smpf_tissue_load(dir, &t, err);
    if (st == SMPF_OK)
        st = smpf_context_new(common->cie_dir, &ctx, err);
    if (st == SMPF_OK)
        st = smpf_tissue_skin(t, (int)a->skin_type, &r->skin, err);
    if (st == SMPF_OK)
        r->n_tissue = smpf_tissue_refractive_index(t);
    if (st == SMPF_OK && a->profile) {
        st = smpf_pigment_profile_load(p, a->profile, &r->profile, err);
    } else if (st == SMPF_OK) {
        smpf_pigment_layer_dist_t d = smpf_tissue_pigment_layer(t);
        if (isnan(a->depth_mm))
            a->depth_mm = d.depth_mm.median;
        if (isnan(a->thickness_mm))
            a->thickness_mm = d.thickness_mm.median;
        if (isnan(a->amount))
            a->amount = d.amount.median;
        const smpf_ink_t *ink = smpf_pigments_find_ink(p, a->ink);
        st = smpf_pigment_profile_ink(p, ink, a->depth_mm, a->thickness_mm, a->amount,
                                      &r->profile, err);
    }
    if (st == SMPF_OK)
        st = smpf_ad_new((size_t)a->quad_points, &ws, err);
    if (st == SMPF_OK)
        st = smpf_tissue_reflectance(ws, t, &r->skin, &r->profile, r->R_dot, r->R_skin, err);
    if (st == SMPF_OK) {
        smpf_cast(ctx, r->R_dot, r->R_skin, &r->cast);
        smpf_color_hex(smpf_color_srgb(ctx, r->cast.dot_xyz), r->dot_hex);
        smpf_color_hex(smpf_color_srgb(ctx, r->cast.skin_xyz), r->skin_hex);
    }
    smpf_ad_free(ws);
    smpf_context_free(ctx);
    smpf_tissue_free(t);
    return st;
}

static json_t *color_json(smpf_lab_t lab, const char *hex)
{
    return json_pack("{s:f, s:f, s:f, s:f, s:f, s:s}", "L", lab.L, "a", lab.a, "b", lab.b, "C",
                     smpf_color_chroma(lab), "h_deg", smpf_color_hue_deg(lab), "hex", hex);
}

static json_t *parameters_json(const skin_args *a, const skin_result *r)
{
    json_t *p = json_pack("{s:i, s:f, s:f, s:f, s:f, s:i, s:f, s:f}", "skin_type",
                          (int)a->skin_type, "melanin_fraction", r->skin.melanin_fraction,
                          "epidermis_thickness_mm", r->skin.epidermis_thickness_mm,
                          "blood_fraction", r->skin.blood_fraction, "saturation",
                          r->skin.saturation, "quad_points", (int)a->quad_points, "n_tissue",
                          r->n_tissue, "n_above", 1.0);
    if (a->profile) {
        json_object_set_new(p, "profile", cli_json_string(a->profile));
    } else {
        json_object_set_new(p, "ink", json_string(a->ink));
        json_object_set_new(p, "depth_mm", json_real(a->depth_mm));
        json_object_set_new(p, "thickness_mm", json_real(a->thickness_mm));
        json_object_set_new(p, "amount", json_real(a->amount));
    }
    json_t *slices = json_array();
    for (size_t k = 0; k < r->profile.nslices; k++) {
        const smpf_pigment_slice_t *s = r->profile.slice + k;
        json_t *fr = json_object();
        for (size_t c = 0; c < r->profile.ncomponents; c++)
            json_object_set_new(fr, r->profile.name[c], json_real(s->fraction[c]));
        json_array_append_new(slices, json_pack("{s:f, s:f, s:o}", "top_mm", s->top_mm,
                                                "thickness_mm", s->thickness_mm,
                                                "volume_fraction", fr));
    }
    json_object_set_new(p, "slices", slices);
    return p;
}

static int write_json(FILE *fp, const skin_args *a, const skin_result *r);
static int write_table(FILE *fp, const skin_args *a, const skin_result *r);
static int write_csv(FILE *fp, const skin_result *r);

typedef struct {
    cli_format format;
    const skin_args *a;
    const skin_result *r;
} output_t;

static int write_output(FILE *fp, const void *data)
{
    const output_t *o = data;
    return o->format == FMT_CSV    ? write_csv(fp, o->r)
           : o->format == FMT_JSON ? write_json(fp, o->a, o->r)
                                   : write_table(fp, o->a, o->r);
}

static int write_json(FILE *fp, const skin_args *a, const skin_result *r)
{
    const smpf_cast_t *c = &r->cast;
    json_t *spec = json_array();
    for (size_t i = 0; i < SMPF_NWL; i++)
        json_array_append_new(spec, json_pack("{s:f, s:f, s:f}", "wavelength_nm",
                                              smpf_wavelength_nm(i), "R_dot", r->R_dot[i],
                                              "R_skin", r->R_skin[i]));
    json_t *cast = json_pack("{s:f, s:f, s:f, s:f, s:f}", "L", c->cast.L, "a", c->cast.a, "b",
                             c->cast.b, "hue_deg", c->cast_hue_deg, "chroma", c->cast_chroma);
    json_object_set_new(cast, "ratio", c->cast_ratio_defined ? json_real(c->cast_ratio) : json_null());
    json_t *root = json_pack("{s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:f, s:f, s:o, s:o}", "version",
                             SMPF_VERSION, "command", "optics skin", "parameters",
                             parameters_json(a, r), "illuminant", "D65", "observer",
                             "CIE 1931 2°", "dot", color_json(c->dot, r->dot_hex), "skin",
                             color_json(c->skin, r->skin_hex), "dE00", c->de00, "dL", c->dL,
                             "cast", cast, "spectrum", spec);
    int rc = root ? cli_json_write(fp, root) : -1;
    json_decref(root);
    return rc;
}

static int write_table(FILE *fp, const skin_args *a, const skin_result *r)
{
    static const char *const names[] = {"", "L", "a", "b", "C", "h_deg", "hex"};
    const smpf_cast_t *c = &r->cast;
    fprintf(fp, "# smpfade %s optics skin: skin type %ld (melanin %g, epidermis %g mm, blood %g, "
                "saturation %g), ",
            SMPF_VERSION, a->skin_type, r->skin.melanin_fraction, r->skin.epidermis_thickness_mm,
            r->skin.blood_fraction, r->skin.saturation);
    if (a->profile)
        fprintf(fp, "profile %s (%zu slices)", a->profile, r->profile.nslices);
    else
        fprintf(fp, "%s, volume fraction %g in a %g mm layer centred at %g mm", a->ink, a->amount,
                a->thickness_mm, a->depth_mm);
    fprintf(fp, "; adding-doubling, %ld quadrature points\n"
                "# CIELAB D65, CIE 1931 2°; reflectance without the specular part\n",
            a->quad_points);
    cli_table t;
    cli_table_init(&t, names, 7);
    const smpf_lab_t labs[3] = {c->dot, c->skin, c->cast};
    const char *rows[3] = {"dot", "skin", "cast (skin = white)"};
    for (size_t k = 0; k < 3; k++) {
        long row = cli_table_add_row(&t);
        if (row < 0)
            break;
        cli_table_text(&t, (size_t)row, 0, rows[k]);
        const double v[5] = {labs[k].L, labs[k].a, labs[k].b, smpf_color_chroma(labs[k]),
                             smpf_color_hue_deg(labs[k])};
        for (size_t j = 0; j < 5; j++)
            cli_table_num(&t, (size_t)row, j + 1, v[j], j == 4 ? 1 : 2);
        if (k < 2)
            cli_table_text(&t, (size_t)row, 6, k == 0 ? r->dot_hex : r->skin_hex);
    }
    int rc = cli_table_write_text(fp, &t);
    cli_table_free(&t);
    fprintf(fp, "dE00 %.2f, dL* %.2f; cast hue %.1f deg, cast chroma %.2f, cast ratio ",
            c->de00, c->dL, c->cast_hue_deg, c->cast_chroma);
    if (c->cast_ratio_defined)
        fprintf(fp, "%.3f\n", c->cast_ratio);
    else
        fprintf(fp, "undefined (the dot is not darker than the skin)\n");
    return rc;
}

static int write_csv(FILE *fp, const skin_result *r)
{
    if (fprintf(fp, "wavelength_nm,R_dot,R_skin\n") < 0)
        return -1;
    for (size_t i = 0; i < SMPF_NWL; i++)
        if (fprintf(fp, "%g,%.6f,%.6f\n", smpf_wavelength_nm(i), r->R_dot[i], r->R_skin[i]) < 0)
            return -1;
    return 0;
}

int cmd_optics_skin(int argc, char **argv)
{
    skin_args a = {2, SMPF_AD_SKIN_QUAD_POINTS, "smp_carbon", NULL, NAN, NAN, NAN, {0}};
    cli_common common = {0};
    int rc = parse(argc, argv, &a, &common);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    smpf_pigments_t *p;
    if ((rc = cli_load_pigments(CMD, &a.cat, &p)) != EXIT_OK)
        return rc;
    const smpf_ink_t *ink;
    if (!a.profile && (rc = cli_find_ink(CMD, "ink", p, a.ink, &ink)) != EXIT_OK) {
        smpf_pigments_free(p);
        return rc;
    }
    skin_result r;
    memset(&r, 0, sizeof r);
    smpf_error_t err = {0};
    int st = compute(&a, &common, p, &r, &err);
    smpf_pigments_free(p);
    if (st != SMPF_OK)
        return cli_report(CMD, st, &err);
    output_t out = {common.format, &a, &r};
    return cli_emit(CMD, &common, write_output, &out);
}
