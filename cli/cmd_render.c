/* smpfade render: a picture of a patch of scalp with the client's SMP dots at several
 * times, colours and blur from the model. */
#include "cli.h"
#include "picture.h"

#include <getopt.h>
#include <math.h>
#include <string.h>

#define CMD "render"
#define MAX_TIMES 12
#define FWHM_PER_SIGMA 2.3548200450309493 /* 2 sqrt(2 ln 2) */

enum { OPT_AT = 1500 };

static void help(void)
{
    printf("Usage: smpfade render --output FILE.png|FILE.svg [--at 0,1,3,5,10] [options]\n\n"
           "Draws a labelled 8 mm x 8 mm patch of the client's scalp with SMP dots at each\n"
           "time given (years from the first session), side by side: the skin's colour, the\n"
           "dots' colour at their centres and their lateral spread come from the projection\n"
           "of 'smpfade project' (touch-ups included unless --no-touchups), at the nearest\n"
           "month.  Colours are computed as CIELAB (D65, 2°) and drawn in sRGB through\n"
           "Little CMS.  Time 0 shows the first session.\n\nOptions:\n"
           "  --at T1,T2,...           times in years, 1-%d of them, 0 to the horizon\n"
           "                           (default 0,1,3,5,10; --years is raised to the last)\n"
           CLI_CLIENT_HELP CLI_CATALOGUE_HELP
           "  --output FILE            the picture, .png or .svg (required; written\n"
           "                           atomically)\n"
           "  --cie-dir DIR            colord-data directory with cmf/ and illuminant/\n"
           "  --help                   this text\n",
           MAX_TIMES);
}

typedef struct {
    cli_common common;
    cli_catalogue_opts cat;
    cli_client_opts client;
    double at[MAX_TIMES];
    size_t nat;
} options;

static int parse_times(const char *arg, options *o)
{
    char buf[512];
    if (strlen(arg) >= sizeof buf)
        return cli_usage_error(CMD, "option --at: the list is too long");
    snprintf(buf, sizeof buf, "%s", arg);
    o->nat = 0;
    char *save = NULL;
    for (char *s = strtok_r(buf, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
        if (o->nat == MAX_TIMES)
            return cli_usage_error(CMD, "option --at: at most %d times", MAX_TIMES);
        double v;
        int rc = cli_double(CMD, "at", s, 0, SMPF_PROJECT_MAX_YEARS, &v);
        if (rc != EXIT_OK)
            return rc;
        if (o->nat > 0 && v <= o->at[o->nat - 1])
            return cli_usage_error(CMD, "option --at: times must increase, %s follows %g", s,
                                   o->at[o->nat - 1]);
        o->at[o->nat++] = v;
    }
    return o->nat ? EXIT_OK : cli_usage_error(CMD, "option --at: expected times in years");
}

static int parse(int argc, char **argv, options *o)
{
    static const struct option longopts[] = {CLI_COMMON_LONGOPTS, CLI_CATALOGUE_LONGOPTS,
                                             CLI_CLIENT_LONGOPTS,
                                             {"at", required_argument, NULL, OPT_AT},
                                             {0, 0, 0, 0}};
    int c, rc = EXIT_OK;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        if (c == OPT_HELP) {
            help();
            return -1;
        }
        if (c == OPT_FORMAT)
            return cli_usage_error(CMD, "option --format: the picture's format is the "
                                        "--output file's extension, .png or .svg");
        if (cli_common_option(CMD, c, optarg, &o->common, &rc) ||
            cli_catalogue_option(CMD, c, optarg, &o->cat, &o->common, &rc) ||
            cli_client_option(CMD, c, optarg, &o->client, &o->common, &rc)) {
        } else if (c == OPT_AT) {
            rc = parse_times(optarg, o);
        } else {
            return cli_getopt_error(CMD, c, argv);
        }
        if (rc != EXIT_OK)
            return rc;
    }
    if (optind != argc)
        return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    pic_kind kind;
    if (!o->common.output)
        return cli_usage_error(CMD, "option --output FILE.png|FILE.svg is required");
    if (pic_kind_from_path(o->common.output, &kind) != 0)
        return cli_usage_error(CMD, "option --output: '%s' is neither .png nor .svg",
                               o->common.output);
    return EXIT_OK;
}

/* Each dot is the model's Gaussian of lateral spread sigma: drawn as a disc as wide as its
 * FWHM with soft edges (a blur of EDGE_PER_SIGMA sigma), whose centre keeps the colour the
 * model computed for the dot's centre. */
#define EDGE_PER_SIGMA 0.3

static int draw(const options *o, const smpf_project_inputs_t *in,
                const smpf_project_params_t *par, const smpf_projection_t *pr)
{
    const double spacing_mm = par->kin.value[SMPF_KP_DOT_SPACING_MM];
    pic_patch_frame frames[MAX_TIMES];
    char labels[MAX_TIMES][32], captions[MAX_TIMES][64];
    const smpf_rgb8_t skin = pr->skin_rgb;
    for (size_t k = 0; k < o->nat; k++) {
        const smpf_timeline_point_t *p = &pr->points[0];
        for (size_t i = 0; i < pr->npoints; i++)
            if (fabs(pr->points[i].years - o->at[k]) < fabs(p->years - o->at[k]))
                p = &pr->points[i];
        snprintf(labels[k], sizeof labels[k], "year %g", o->at[k]);
        snprintf(captions[k], sizeof captions[k], "ΔE00 %.1f from healed, contrast %.0f%%",
                 p->dE00, 100 * p->contrast);
        frames[k] = (pic_patch_frame){labels[k],
                                      captions[k],
                                      {skin.r, skin.g, skin.b},
                                      {p->rgb.r, p->rgb.g, p->rgb.b},
                                      EDGE_PER_SIGMA * p->dot_sigma_mm,
                                      FWHM_PER_SIGMA * p->dot_sigma_mm,
                                      spacing_mm,
                                      1.0,
                                      0.12};
    }
    char title[256], err[512];
    snprintf(title, sizeof title, "%s, skin type %d, needle depth %.2f mm, %s - years from the "
             "first session", in->ink, in->client.skin_type,
             par->kin.value[SMPF_KP_NEEDLE_DEPTH_MM],
             in->touchups ? "with touch-ups" : "no touch-ups");
    pic_kind kind;
    pic_kind_from_path(o->common.output, &kind);
    if (pic_render_patch(o->common.output, kind, frames, o->nat, title, err, sizeof err) != 0) {
        fprintf(stderr, "smpfade %s: %s\n", CMD, err);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

int cmd_render(int argc, char **argv)
{
    options o = {.at = {0, 1, 3, 5, 10}, .nat = 5};
    cli_client_opts_init(&o.client);
    int rc = parse(argc, argv, &o);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    smpf_project_inputs_t in;
    if ((rc = cli_client_inputs(CMD, &o.client, &in)) != EXIT_OK)
        return rc;
    in.step_months = 1;
    if (in.years < o.at[o.nat - 1])
        in.years = fmax(0.25, o.at[o.nat - 1]);
    if ((rc = cli_output_check(CMD, &o.common)) != EXIT_OK)
        return rc;
    cli_model m;
    if ((rc = cli_model_load(CMD, &o.common, &o.cat, &m)) != EXIT_OK)
        return rc;
    smpf_error_t err = {0};
    smpf_project_params_t par;
    smpf_projector_t *pj = NULL;
    smpf_projection_t pr = {0};
    rc = cli_check_ink(CMD, &m, in.ink);
    if (rc == EXIT_OK) {
        int st = smpf_project_params_median(m.pigments, m.tissue, &m.kin, &in, &par, &err);
        if (st == SMPF_OK)
            st = smpf_projector_new(m.ctx, m.pigments, m.tissue, &pj, &err);
        if (st == SMPF_OK)
            st = smpf_project(pj, &in, &par, &pr, &err);
        rc = st == SMPF_OK ? draw(&o, &in, &par, &pr) : cli_report(CMD, st, &err);
    }
    smpf_projection_free(&pr);
    smpf_projector_free(pj);
    cli_model_free(&m);
    return rc;
}
