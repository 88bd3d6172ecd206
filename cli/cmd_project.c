/* smpfade project: when a client's touch-up is due, and how the dots fade and drift. */
#include "cli.h"

#include <getopt.h>
#include <string.h>
#include <unistd.h>

#define CMD "project"
#define MAX_SAMPLES 10000000L

enum { OPT_SAMPLES = 1300, OPT_SEED, OPT_THREADS, OPT_PLOT, OPT_OPTICS, OPT_STRATA, OPT_SHARD };

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
           "                           same numbers for any --threads and --shard split\n"
           "  --threads N              worker threads (default: the cores, at most 64)\n",
           MAX_SAMPLES);
    printf("  --strata K               optical strata, 0-%d (default %d): skin and deposit\n"
           "                           geometry drawn once per stratum (a Latin hypercube),\n"
           "                           everything else per sample; 0 draws all per sample\n"
           "  --shard I/N              run the I-th of N equal parts of the samples (0-based)\n"
           "                           and write its histograms as JSON for 'smpfade merge'\n"
           "  --optics fast|direct     colour from the fast table (default) or from a full\n"
           "                           adding-doubling solve at every evaluation (reference)\n"
           "Output:\n"
           "  --plot FILE.png|FILE.svg the fading and drift curves, touch-ups marked (with\n"
           "                           --samples, p10-p90 bands)\n"
           CLI_CATALOGUE_HELP CLI_COMMON_HELP,
           SMPF_ENSEMBLE_MAX_STRATA, SMPF_ENSEMBLE_DEFAULT_STRATA);
    printf("\nCSV gives the timeline: years,fraction_remaining,L,a,b,C,h,dE00,contrast,cast_h,\n"
           "cast_ratio,blur,hex.  JSON adds touchup_years (null if none in the horizon),\n"
           "touchups, inputs, version, seed and, with --samples, touchup_years_p10/p50/p90\n"
           "and bands.\n");
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
    long samples, threads, strata, shard, nshards;
    const char *plot;
    unsigned long long seed;
    smpf_optics_mode_t optics;
    json_t *args; /* the options that set the result, canonical: what a shard records */
} options;

/* --shard I/N */
static int parse_shard(const char *text, options *o)
{
    char *end;
    long i = strtol(text, &end, 10), n = 0;
    if (end != text && *end == '/')
        n = strtol(end + 1, &end, 10);
    if (*end || n < 1 || n > 100000 || i < 0 || i >= n)
        return cli_usage_error(CMD, "option --shard: expected I/N with 0 <= I < N <= 100000, "
                                    "got '%s'", text);
    o->shard = i;
    o->nshards = n;
    return EXIT_OK;
}

/* Options that do not change the numbers: not recorded in a shard. */
static int result_neutral(int c)
{
    return c == OPT_FORMAT || c == OPT_OUTPUT || c == OPT_THREADS || c == OPT_SHARD ||
           c == OPT_PLOT;
}

static int parse(int argc, char **argv, options *o)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS, CLI_CATALOGUE_LONGOPTS, CLI_CLIENT_LONGOPTS,
        {"samples", required_argument, NULL, OPT_SAMPLES},
        {"seed", required_argument, NULL, OPT_SEED},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"plot", required_argument, NULL, OPT_PLOT},
        {"optics", required_argument, NULL, OPT_OPTICS},
        {"strata", required_argument, NULL, OPT_STRATA},
        {"shard", required_argument, NULL, OPT_SHARD},
        {0, 0, 0, 0}};
    int c, rc = EXIT_OK, li = -1;
    long v;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", longopts, &li)) != -1) {
        if (li >= 0 && !result_neutral(c)) {
            json_array_append_new(o->args, json_sprintf("--%s", longopts[li].name));
            if (longopts[li].has_arg)
                json_array_append_new(o->args, json_string(optarg));
        }
        li = -1;
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
        } else if (c == OPT_PLOT) {
            o->plot = optarg;
            cli_common_add_input(&o->common, optarg); /* never the same file as --output */
        } else if (c == OPT_STRATA) {
            if ((rc = cli_long(CMD, "strata", optarg, 0, SMPF_ENSEMBLE_MAX_STRATA, &v)) == EXIT_OK)
                o->strata = v;
        } else if (c == OPT_SHARD) {
            rc = parse_shard(optarg, o);
        } else if (c == OPT_OPTICS) {
            if (strcmp(optarg, "fast") == 0)
                o->optics = SMPF_OPTICS_FAST;
            else if (strcmp(optarg, "direct") == 0)
                o->optics = SMPF_OPTICS_DIRECT;
            else
                rc = cli_usage_error(CMD, "option --optics: expected fast or direct, got '%s'",
                                     optarg);
        } else {
            return cli_getopt_error(CMD, c, argv);
        }
        if (rc != EXIT_OK)
            return rc;
    }
    if (optind != argc)
        return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    if (o->nshards && !o->samples)
        return cli_usage_error(CMD, "option --shard needs --samples");
    if (o->nshards && o->samples < o->nshards)
        return cli_usage_error(CMD, "option --shard: %ld samples cannot make %ld shards",
                               o->samples, o->nshards);
    return EXIT_OK;
}

/* Samples of shard i of n: [floor(i S / n), floor((i + 1) S / n)). */
static void shard_range(const options *o, uint64_t *first, uint64_t *count)
{
    const uint64_t S = (uint64_t)o->samples, n = o->nshards ? (uint64_t)o->nshards : 1;
    const uint64_t i = (uint64_t)o->shard, lo = i * S / n, hi = (i + 1) * S / n;
    *first = lo;
    *count = hi - lo;
}

static int run_ensemble(const cli_model *m, const smpf_project_inputs_t *in, const options *o,
                        size_t npoints, smpf_ensemble_t **e)
{
    smpf_error_t err = {0};
    smpf_param_space_t space;
    int st = smpf_param_space_init(m->pigments, m->tissue, &m->kin, in, &space, &err);
    space.optical_strata = (size_t)o->strata;
    if (st == SMPF_OK)
        st = smpf_ensemble_new(npoints, in->years, e, &err);
    if (st == SMPF_OK) {
        long threads = o->threads ? o->threads : sysconf(_SC_NPROCESSORS_ONLN);
        if (threads < 1 || threads > 64)
            threads = threads < 1 ? 1 : 64;
        uint64_t first, count;
        shard_range(o, &first, &count);
        st = smpf_ensemble_run_optics(m->ctx, m->pigments, m->tissue, &space, in, o->seed, first,
                                      count, (int)threads, o->optics, *e,
                                      isatty(STDERR_FILENO) ? progress_bar : NULL, NULL, &err);
    }
    return st == SMPF_OK ? EXIT_OK : cli_report(CMD, st, &err);
}

static int project_with(const options *o, smpf_ensemble_t *merged);

/* A shard's histograms and what produced them, for smpfade merge. */
static json_t *shard_json(const options *o, const smpf_ensemble_t *e, json_t *inputs)
{
    uint64_t first, count;
    shard_range(o, &first, &count);
    json_t *root = json_pack("{s:i, s:s, s:O, s:I, s:I, s:I, s:s, s:[I, I], s:I, s:I, s:I, s:f}",
                             "smpfade_shard", CLI_SHARD_FORMAT, "version", SMPF_VERSION,
                             "project_args", o->args, "seed", (json_int_t)o->seed, "samples",
                             (json_int_t)o->samples, "strata", (json_int_t)o->strata, "optics",
                             smpf_optics_mode_name(o->optics), "shard", (json_int_t)o->shard,
                             (json_int_t)o->nshards, "first", (json_int_t)first, "count",
                             (json_int_t)count, "npoints",
                             (json_int_t)smpf_ensemble_npoints(e), "years",
                             smpf_ensemble_years(e));
    if (root) {
        json_object_set_new(root, "invisible", json_integer((json_int_t)smpf_ensemble_invisible(e)));
        json_object_set_new(root, "counts", cli_counts_json(e));
        json_object_set_new(root, "inputs", inputs);
    }
    return root;
}

static int write_output(const options *o, const cli_project_result *res, json_t *shard)
{
    cli_out out;
    int rc = cli_out_open(CMD, &o->common, &out);
    if (rc != EXIT_OK)
        return rc;
    int bad = shard ? cli_json_write(out.fp, shard) : cli_project_write(out.fp, o->common.format, res);
    if (bad != 0) {
        fprintf(stderr, "smpfade %s: cannot write the output\n", CMD);
        cli_out_abort(&out);
        return EXIT_FAIL;
    }
    return cli_out_commit(CMD, &out);
}

int cmd_project(int argc, char **argv) { return cli_project_run(argc, argv, NULL); }

int cli_project_run(int argc, char **argv, smpf_ensemble_t *merged)
{
    options o = {.seed = 1, .strata = SMPF_ENSEMBLE_DEFAULT_STRATA, .args = json_array()};
    cli_client_opts_init(&o.client);
    int rc = parse(argc, argv, &o);
    if (rc != EXIT_OK) {
        json_decref(o.args);
        return rc < 0 ? EXIT_OK : rc;
    }
    rc = project_with(&o, merged);
    json_decref(o.args);
    return rc;
}

static int project_with(const options *opts, smpf_ensemble_t *merged)
{
    const options o = *opts;
    int rc;
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
        if (st == SMPF_OK) {
            smpf_projector_set_optics(pj, o.optics);
            st = smpf_project(pj, &in, &par, &pr, &err);
        }
        if (st != SMPF_OK)
            rc = cli_report(CMD, st, &err);
    }
    if (rc == EXIT_OK && merged && smpf_ensemble_npoints(merged) != pr.npoints) {
        fprintf(stderr, "smpfade merge: the shards hold %zu timeline points, their options "
                "give %zu here\n", smpf_ensemble_npoints(merged), pr.npoints);
        rc = EXIT_DATA;
    }
    if (rc == EXIT_OK && o.samples > 0 && !merged)
        rc = run_ensemble(&m, &in, &o, pr.npoints, &ens);
    if (rc == EXIT_OK && o.plot)
        rc = cli_project_plot(CMD, o.plot, &in, &pr, merged ? merged : ens);
    if (rc == EXIT_OK) {
        cli_project_result res = {&m, &in, &par, &pr, merged ? merged : ens, o.seed,
                                  cli_inputs_json(&in, &par, &m, &o.cat)};
        json_object_set_new(res.inputs, "optics", json_string(smpf_optics_mode_name(o.optics)));
        if (o.samples > 0)
            json_object_set_new(res.inputs, "optical_strata", json_integer(o.strata));
        json_t *shard = NULL;
        if (o.nshards && !merged && !(shard = shard_json(&o, ens, res.inputs)))
            rc = EXIT_FAIL;
        if (rc == EXIT_OK)
            rc = write_output(&o, &res, shard);
        if (shard)
            json_decref(shard); /* it took the reference to the inputs */
        else
            json_decref(res.inputs);
    }
    smpf_ensemble_free(ens);
    smpf_projection_free(&pr);
    smpf_projector_free(pj);
    cli_model_free(&m);
    return rc;
}
