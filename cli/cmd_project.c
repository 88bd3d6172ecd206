/* smpfade project: when a client's touch-up is due, and how the dots fade and drift. */
#include "cli.h"

#include <getopt.h>
#include <string.h>
#include <unistd.h>

#define CMD "project"
#define MAX_SAMPLES 10000000L

enum { OPT_SAMPLES = 1300, OPT_SEED, OPT_THREADS };

static void help(void)
{
    printf("Usage: smpfade project [options]\n\n"
           "Projects a client's SMP over the years: the pigment left, the dot's colour\n"
           "(CIELAB D65 2°, sRGB) and how far it has moved from the healed dot, its contrast\n"
           "against the skin, its cast (the dot's CIELAB with the skin as white: hue and\n"
           "ratio C/(100-L)), the blur of the dots, and when a touch-up is due: the first\n"
           "time a criterion crosses its threshold, found by root finding.  A touch-up\n"
           "redoes the dots to full density; further touch-ups follow over the horizon.\n"
           "With no options it runs on the documented defaults below.\n\n" CLI_CLIENT_HELP
           "Uncertainty:\n"
           "  --samples N              ensemble over the parameter distributions, 1-%ld:\n"
           "                           p10, p50, p90 of the touch-up time and timeline bands\n"
           "  --seed S                 random stream (default 1); the same seed gives the\n"
           "                           same numbers for any --threads\n"
           "  --threads N              worker threads (default: the cores, at most 64)\n"
           CLI_CATALOGUE_HELP CLI_COMMON_HELP
           "\nCSV gives the timeline: years,fraction_remaining,L,a,b,C,h,dE00,contrast,cast_h,\n"
           "cast_ratio,blur,hex.  JSON adds touchup_years (null if none in the horizon),\n"
           "touchups, inputs, version, seed and, with --samples, touchup_years_p10/p50/p90\n"
           "and bands.\n",
           MAX_SAMPLES);
}

static void progress_bar(void *user, uint64_t done, uint64_t total)
{
    (void)user;
    const int width = 40, filled = (int)(width * done / (total ? total : 1));
    fprintf(stderr, "\rsamples %llu/%llu [%.*s%*s] %3d%%", (unsigned long long)done,
            (unsigned long long)total, filled, "########################################",
            width - filled, "", (int)(100 * done / (total ? total : 1)));
    if (done == total)
        fputc('\n', stderr);
}

typedef struct {
    cli_common common;
    cli_catalogue_opts cat;
    cli_client_opts client;
    long samples, threads;
    unsigned long long seed;
} options;

static int parse(int argc, char **argv, options *o)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS, CLI_CATALOGUE_LONGOPTS, CLI_CLIENT_LONGOPTS,
        {"samples", required_argument, NULL, OPT_SAMPLES},
        {"seed", required_argument, NULL, OPT_SEED},
        {"threads", required_argument, NULL, OPT_THREADS},
        {0, 0, 0, 0}};
    int c, rc = EXIT_OK;
    long v;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        if (c == OPT_HELP) {
            help();
            return -1;
        }
        if (cli_common_option(CMD, c, optarg, &o->common, &rc) ||
            cli_catalogue_option(CMD, c, optarg, &o->cat, &o->common, &rc) ||
            cli_client_option(CMD, c, optarg, &o->client, &o->common, &rc)) {
        } else if (c == OPT_SAMPLES) {
            size_t n;
            if ((rc = cli_count(CMD, "samples", optarg, 1, MAX_SAMPLES, &n)) == EXIT_OK)
                o->samples = (long)n;
        } else if (c == OPT_SEED) {
            if ((rc = cli_long(CMD, "seed", optarg, 0, 2147483647L, &v)) == EXIT_OK)
                o->seed = (unsigned long long)v;
        } else if (c == OPT_THREADS) {
            if ((rc = cli_long(CMD, "threads", optarg, 1, 64, &v)) == EXIT_OK)
                o->threads = v;
        } else {
            return cli_getopt_error(CMD, c, argv);
        }
        if (rc != EXIT_OK)
            return rc;
    }
    if (optind != argc)
        return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    return EXIT_OK;
}

static int run_ensemble(const cli_model *m, const smpf_project_inputs_t *in, const options *o,
                        size_t npoints, smpf_ensemble_t **e)
{
    smpf_error_t err = {0};
    smpf_param_space_t space;
    int st = smpf_param_space_init(m->pigments, m->tissue, &m->kin, in, &space, &err);
    if (st == SMPF_OK)
        st = smpf_ensemble_new(npoints, in->years, e, &err);
    if (st == SMPF_OK) {
        long threads = o->threads ? o->threads : sysconf(_SC_NPROCESSORS_ONLN);
        if (threads < 1 || threads > 64)
            threads = threads < 1 ? 1 : 64;
        st = smpf_ensemble_run(m->ctx, m->pigments, m->tissue, &space, in, o->seed, 0,
                               (uint64_t)o->samples, (int)threads, *e,
                               isatty(STDERR_FILENO) ? progress_bar : NULL, NULL, &err);
    }
    return st == SMPF_OK ? EXIT_OK : cli_report(CMD, st, &err);
}

int cmd_project(int argc, char **argv)
{
    options o = {.seed = 1};
    cli_client_opts_init(&o.client);
    int rc = parse(argc, argv, &o);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    smpf_project_inputs_t in;
    if ((rc = cli_client_inputs(CMD, &o.client, &in)) != EXIT_OK)
        return rc;
    cli_model m;
    if ((rc = cli_model_load(CMD, &o.common, &o.cat, &m)) != EXIT_OK)
        return rc;
    smpf_error_t err = {0};
    smpf_project_params_t par;
    smpf_projector_t *pj = NULL;
    smpf_projection_t pr = {0};
    smpf_ensemble_t *ens = NULL;
    rc = cli_check_ink(CMD, &m, in.ink);
    if (rc == EXIT_OK) {
        int st = smpf_project_params_median(m.pigments, m.tissue, &m.kin, &in, &par, &err);
        if (st == SMPF_OK)
            st = smpf_projector_new(m.ctx, m.pigments, m.tissue, &pj, &err);
        if (st == SMPF_OK)
            st = smpf_project(pj, &in, &par, &pr, &err);
        if (st != SMPF_OK)
            rc = cli_report(CMD, st, &err);
    }
    if (rc == EXIT_OK && o.samples > 0)
        rc = run_ensemble(&m, &in, &o, pr.npoints, &ens);
    if (rc == EXIT_OK) {
        cli_project_result res = {&m, &in, &par, &pr, ens, o.seed,
                                  cli_inputs_json(&in, &par, &m, &o.cat)};
        cli_out out;
        rc = cli_out_open(CMD, &o.common, &out);
        if (rc == EXIT_OK) {
            if (cli_project_write(out.fp, o.common.format, &res) != 0) {
                fprintf(stderr, "smpfade %s: cannot write the output\n", CMD);
                cli_out_abort(&out);
                rc = EXIT_FAIL;
            } else {
                rc = cli_out_commit(CMD, &out);
            }
        }
        if (o.common.format != FMT_JSON || rc != EXIT_OK)
            json_decref(res.inputs);
    }
    smpf_ensemble_free(ens);
    smpf_projection_free(&pr);
    smpf_projector_free(pj);
    cli_model_free(&m);
    return rc;
}
