/* smpfade optics slab|skin: light transport in a slab (adding-doubling or Monte Carlo),
 * and the reflectance and colour of an SMP dot against the skin around it. */
#include "cli.h"

#include <getopt.h>
#include <math.h>
#include <string.h>

#define CMD "optics slab"
#define SLAB_DEFAULT_PHOTONS 100000

static void help(void)
{
    printf("Usage: smpfade optics slab --mua-per-mm A --mus-per-mm S --g G --thickness-mm D|inf\n"
           "                           [--n N] [--method ad|mc] [--quad-points Q]\n"
           "                           [--photons P] [--seed S] [options]\n"
           "       smpfade optics skin [options]   (see 'smpfade optics skin --help')\n\n"
           "Diffuse reflectance Rd (light that entered the slab and came back out, without\n"
           "the specular reflection Rsp at the top surface) and total transmittance Tt of a\n"
           "homogeneous slab for collimated light at normal incidence; air (n = 1) above and\n"
           "below.  Henyey-Greenstein phase function.\n\nOptions:\n"
           "  --mua-per-mm A     absorption coefficient, 0..1e5 per mm\n"
           "  --mus-per-mm S     scattering coefficient, 0..1e5 per mm\n"
           "  --g G              scattering anisotropy, -0.99..0.99\n"
           "  --thickness-mm D   thickness, > 0, or inf for a semi-infinite slab\n"
           "  --n N              refractive index of the slab, 1..3 (default 1: matched)\n"
           "  --method ad|mc     adding-doubling (default) or Monte Carlo (MCML)\n"
           "  --quad-points Q    adding-doubling quadrature points, even, 4..64 (default %d)\n"
           "  --photons P        Monte Carlo photon packets, 2..1e10 (default %d)\n"
           "  --seed S           Monte Carlo seed for gsl_rng_mt19937 (default 1)\n"
           CLI_COMMON_HELP
           "\nCSV: one row 'Rd,Tt'.  Table and JSON add Rsp, the absorbed fraction and, for\n"
           "Monte Carlo, standard errors.\n",
           SMPF_AD_DEFAULT_QUAD_POINTS, SLAB_DEFAULT_PHOTONS);
}

enum { O_MUA = OPT_COMMON_END + 1, O_MUS, O_G, O_D, O_N, O_METHOD, O_QUAD, O_PHOTONS, O_SEED };

typedef struct {
    smpf_layer_t layer;
    double n;
    int mc;
    long quad_points, photons, seed;
} slab_args;

static int parse_thickness(const char *text, double *out)
{
    if (strcmp(text, "inf") == 0 || strcmp(text, "infinity") == 0) {
        *out = INFINITY;
        return EXIT_OK;
    }
    return cli_double(CMD, "thickness-mm", text, 1e-9, 1e6, out);
}

static int parse(int argc, char **argv, slab_args *a, cli_common *common)
{
    static const struct option longopts[] = {
        {"mua-per-mm", required_argument, NULL, O_MUA}, {"mus-per-mm", required_argument, NULL, O_MUS},
        {"g", required_argument, NULL, O_G},           {"thickness-mm", required_argument, NULL, O_D},
        {"n", required_argument, NULL, O_N},           {"method", required_argument, NULL, O_METHOD},
        {"quad-points", required_argument, NULL, O_QUAD},
        {"photons", required_argument, NULL, O_PHOTONS}, {"seed", required_argument, NULL, O_SEED},
        CLI_COMMON_LONGOPTS,                           {0, 0, 0, 0}};
    int c, rc = EXIT_OK, seen = 0;
    opterr = 0;
    while (rc == EXIT_OK && (c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_HELP: help(); return -1;
        case O_MUA: rc = cli_double(CMD, "mua-per-mm", optarg, 0, 1e5, &a->layer.mua_per_mm); seen |= 1; break;
        case O_MUS: rc = cli_double(CMD, "mus-per-mm", optarg, 0, 1e5, &a->layer.mus_per_mm); seen |= 2; break;
        case O_G: rc = cli_double(CMD, "g", optarg, -0.99, 0.99, &a->layer.g); seen |= 4; break;
        case O_D: rc = parse_thickness(optarg, &a->layer.thickness_mm); seen |= 8; break;
        case O_N: rc = cli_double(CMD, "n", optarg, 1, 3, &a->n); break;
        case O_QUAD: rc = cli_long(CMD, "quad-points", optarg, 4, 64, &a->quad_points); break;
        case O_PHOTONS: rc = cli_long(CMD, "photons", optarg, 2, 10000000000L, &a->photons); break;
        case O_SEED: rc = cli_long(CMD, "seed", optarg, 0, 4294967295L, &a->seed); break;
        case O_METHOD:
            if (strcmp(optarg, "ad") != 0 && strcmp(optarg, "mc") != 0)
                return cli_usage_error(CMD, "option --method: expected ad or mc, got '%s'", optarg);
            a->mc = optarg[0] == 'm';
            break;
        default:
            if (!cli_common_option(CMD, c, optarg, common, &rc))
                return cli_getopt_error(CMD, c, argv);
        }
    }
    if (rc != EXIT_OK)
        return rc;
    if (optind != argc)
        return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    const char *names[] = {"--mua-per-mm", "--mus-per-mm", "--g", "--thickness-mm"};
    for (int k = 0; k < 4; k++)
        if (!(seen & (1 << k)))
            return cli_usage_error(CMD, "option %s is required", names[k]);
    if (a->quad_points % 2)
        return cli_usage_error(CMD, "option --quad-points: expected an even number, got %ld",
                               a->quad_points);
    return EXIT_OK;
}

static json_t *parameters_json(const slab_args *a)
{
    json_t *p = json_pack("{s:f, s:f, s:f, s:f, s:f, s:s}", "mua_per_mm", a->layer.mua_per_mm,
                          "mus_per_mm", a->layer.mus_per_mm, "g", a->layer.g, "n", a->n,
                          "n_outside", 1.0, "method", a->mc ? "mc" : "ad");
    json_object_set_new(p, "thickness_mm", isinf(a->layer.thickness_mm)
                                               ? json_string("inf")
                                               : json_real(a->layer.thickness_mm));
    if (a->mc) {
        json_object_set_new(p, "photons", json_integer(a->photons));
        json_object_set_new(p, "seed", json_integer(a->seed));
    } else {
        json_object_set_new(p, "quad_points", json_integer(a->quad_points));
    }
    return p;
}

typedef struct {
    const cli_common *common;
    const slab_args *a;
    const double *v;
    const char *const *names;
    size_t nv;
} slab_output_t;

static int write_slab(FILE *fp, const void *data)
{
    const slab_output_t *o = data;
    const cli_common *common = o->common;
    const slab_args *a = o->a;
    const double *v = o->v;
    const char *const *names = o->names;
    const size_t nv = o->nv;
    if (common->format == FMT_CSV)
        return fprintf(fp, "Rd,Tt\n%.6f,%.6f\n", v[0], v[1]) < 0;
    if (common->format == FMT_JSON) {
        json_t *res = json_object();
        for (size_t k = 0; k < nv; k++)
            json_object_set_new(res, names[k], json_real(v[k]));
        json_t *root = json_pack("{s:s, s:s, s:o, s:o}", "version", SMPF_VERSION, "command",
                                 "optics slab", "parameters", parameters_json(a), "result", res);
        int rc = root ? cli_json_write(fp, root) : -1;
        json_decref(root);
        return rc;
    }
    char d[32];
    snprintf(d, sizeof d, "%g", a->layer.thickness_mm);
    fprintf(fp, "# smpfade %s optics slab: mua %g/mm, mus %g/mm, g %g, thickness %s mm, n %g, "
                "air outside; %s",
            SMPF_VERSION, a->layer.mua_per_mm, a->layer.mus_per_mm, a->layer.g,
            isinf(a->layer.thickness_mm) ? "inf" : d, a->n, a->mc ? "Monte Carlo" : "adding-doubling");
    if (a->mc)
        fprintf(fp, ", %ld photons, seed %ld\n", a->photons, a->seed);
    else
        fprintf(fp, ", %ld quadrature points\n", a->quad_points);
    cli_table t;
    cli_table_init(&t, names, nv);
    long row = cli_table_add_row(&t);
    for (size_t k = 0; row >= 0 && k < nv; k++)
        cli_table_num(&t, (size_t)row, k, v[k], 6);
    int rc = row < 0 ? -1 : cli_table_write_text(fp, &t);
    cli_table_free(&t);
    return rc;
}

static int cmd_slab(int argc, char **argv)
{
    slab_args a = {{0, 0, 0, 0}, 1.0, 0, SMPF_AD_DEFAULT_QUAD_POINTS, SLAB_DEFAULT_PHOTONS, 1};
    cli_common common = {0};
    int rc = parse(argc, argv, &a, &common);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    smpf_stack_t stack = {&a.layer, 1, a.n, 1.0, 1.0};
    smpf_error_t err = {0};
    static const char *const ad_names[] = {"Rd", "Tt", "Rsp", "absorbed"};
    static const char *const mc_names[] = {"Rd", "Tt", "Rsp", "absorbed", "Rd_se", "Tt_se",
                                           "absorbed_se"};
    double v[7];
    int st;
    if (a.mc) {
        smpf_mc_result_t r;
        st = smpf_mc_solve(&stack, (uint64_t)a.photons, (unsigned long)a.seed, &r, &err);
        double mc_v[7] = {r.Rd, r.Tt, r.Rsp, r.A, r.Rd_se, r.Tt_se, r.A_se};
        memcpy(v, mc_v, sizeof mc_v);
    } else {
        smpf_ad_t *ws = NULL;
        smpf_rt_t r = {0, 0, 0};
        st = smpf_ad_new((size_t)a.quad_points, &ws, &err);
        if (st == SMPF_OK)
            st = smpf_ad_solve(ws, &stack, &r, &err);
        smpf_ad_free(ws);
        double ad_v[4] = {r.Rd, r.Tt, r.Rsp, 1 - r.Rsp - r.Rd - r.Tt};
        memcpy(v, ad_v, sizeof ad_v);
    }
    if (st != SMPF_OK)
        return cli_report(CMD, st, &err);
    slab_output_t out = {&common, &a, v, a.mc ? mc_names : ad_names, a.mc ? 7u : 4u};
    return cli_emit(CMD, &common, write_slab, &out);
}

int cmd_optics(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "slab") == 0)
        return cmd_slab(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "skin") == 0)
        return cmd_optics_skin(argc - 1, argv + 1);
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        help();
        return EXIT_OK;
    }
    if (argc < 2)
        return cli_usage_error("optics", "expected a subcommand: slab or skin");
    return cli_usage_error("optics", "unknown subcommand '%s'; expected slab or skin", argv[1]);
}
