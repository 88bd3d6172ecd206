/* smpfade merge: the shards of an ensemble (project --samples S --shard I/N) combined into
 * the result the unsplit run prints.  Histogram counts add up, so the merged percentiles
 * equal the unsplit run's exactly. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define CMD "merge"
#define MAX_SHARDS 100000

static void help(void)
{
    printf("Usage: smpfade merge [options] SHARD.json...\n\n"
           "Combines the shard files written by 'smpfade project --samples S --shard I/N\n"
           "--output FILE' into the result of the unsplit run (the same table, CSV or JSON).\n"
           "The shards must come from the same smpfade version and the same project options\n"
           "and seed, and their sample ranges must cover 0..S-1 exactly once: gaps and\n"
           "overlaps are reported by sample range and file.  The median projection is\n"
           "recomputed from the recorded options, so files they name (--client, --inks-file,\n"
           "--data-dir) must be reachable from here.\n\n" CLI_COMMON_HELP);
}

typedef struct {
    const char *path;
    json_t *root;
    uint64_t first, count;
} shard_t;

static int cmp_first(const void *a, const void *b)
{
    const shard_t *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
}

static int data_error(const char *path, const char *what)
{
    fprintf(stderr, "smpfade %s: %s: %s\n", CMD, path, what);
    return EXIT_DATA;
}

static uint64_t get_u64(const json_t *root, const char *key, int *ok)
{
    const json_t *v = json_object_get(root, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        *ok = 0;
        return 0;
    }
    return (uint64_t)json_integer_value(v);
}

/* Reads a shard and checks its own fields. */
static int load_shard(const char *path, shard_t *s)
{
    json_error_t je;
    s->path = path;
    s->root = json_load_file(path, 0, &je);
    if (!s->root) {
        char msg[300];
        if (je.line > 0)
            snprintf(msg, sizeof msg, "line %d, column %d: %s", je.line, je.column, je.text);
        else
            snprintf(msg, sizeof msg, "%s", je.text);
        return data_error(path, msg);
    }
    int ok = json_is_object(s->root) &&
             json_integer_value(json_object_get(s->root, "smpfade_shard")) == CLI_SHARD_FORMAT;
    if (!ok)
        return data_error(path, "not a shard file of 'smpfade project --shard'");
    s->first = get_u64(s->root, "first", &ok);
    s->count = get_u64(s->root, "count", &ok);
    get_u64(s->root, "npoints", &ok);
    const json_t *shard = json_object_get(s->root, "shard");
    if (!ok || !json_is_array(shard) || !json_is_array(json_object_get(s->root, "project_args")) ||
        !json_is_array(json_object_get(s->root, "counts")) ||
        !json_is_number(json_object_get(s->root, "years")))
        return data_error(path, "a field of the shard is missing or not of its type");
    const char *version = json_string_value(json_object_get(s->root, "version"));
    if (!version || strcmp(version, SMPF_VERSION) != 0) {
        char msg[200];
        snprintf(msg, sizeof msg, "written by smpfade %s, this is %s", version ? version : "?",
                 SMPF_VERSION);
        return data_error(path, msg);
    }
    return EXIT_OK;
}

/* Every shard must share these with the first. */
static int check_compatible(const shard_t *s, size_t n)
{
    static const char *const keys[] = {"project_args", "seed", "samples", "strata", "optics",
                                       "npoints", "years"};
    for (size_t i = 1; i < n; i++)
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (!json_equal(json_object_get(s[i].root, keys[k]),
                            json_object_get(s[0].root, keys[k]))) {
                char *a = json_dumps(json_object_get(s[i].root, keys[k]), JSON_COMPACT | JSON_ENCODE_ANY);
                char *b = json_dumps(json_object_get(s[0].root, keys[k]), JSON_COMPACT | JSON_ENCODE_ANY);
                fprintf(stderr, "smpfade %s: %s: %s %s differs from %s's %s: shards of different "
                        "runs\n", CMD, s[i].path, keys[k], a ? a : "?", s[0].path, b ? b : "?");
                free(a);
                free(b);
                return EXIT_DATA;
            }
    return EXIT_OK;
}

/* The shards sorted by first sample must tile 0..samples-1. */
static int check_coverage(shard_t *s, size_t n, uint64_t samples)
{
    qsort(s, n, sizeof *s, cmp_first);
    uint64_t next = 0;
    const char *prev = NULL;
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i].first > next) {
            fprintf(stderr, "smpfade %s: samples %llu-%llu are missing (no shard holds them)\n",
                    CMD, (unsigned long long)next, (unsigned long long)s[i].first - 1);
            bad = 1;
        } else if (s[i].first < next) {
            const uint64_t end = s[i].first + s[i].count < next ? s[i].first + s[i].count : next;
            fprintf(stderr, "smpfade %s: samples %llu-%llu are in both %s and %s\n", CMD,
                    (unsigned long long)s[i].first, (unsigned long long)end - 1, prev, s[i].path);
            bad = 1;
        }
        if (s[i].first + s[i].count > next) {
            next = s[i].first + s[i].count;
            prev = s[i].path;
        }
    }
    if (next < samples) {
        fprintf(stderr, "smpfade %s: samples %llu-%llu are missing (no shard holds them)\n", CMD,
                (unsigned long long)next, (unsigned long long)samples - 1);
        bad = 1;
    } else if (next > samples) {
        fprintf(stderr, "smpfade %s: the shards reach sample %llu of %llu\n", CMD,
                (unsigned long long)next - 1, (unsigned long long)samples);
        bad = 1;
    }
    return bad ? EXIT_DATA : EXIT_OK;
}

/* The summed histograms; each sample adds one count to the touch-up histogram and one to
 * every band at every point, which checks each shard's counts. */
static int sum_counts(const shard_t *s, size_t n, smpf_ensemble_t *e)
{
    uint64_t samples = 0;
    const uint32_t *c = smpf_ensemble_counts(e);
    const uint64_t per_sample = 1 + (uint64_t)smpf_ensemble_npoints(e) * SMPF_BAND_COUNT;
    for (size_t i = 0; i < n; i++) {
        uint64_t before = 0, after = 0;
        for (size_t k = 0; k < smpf_ensemble_ncounts(e); k++)
            before += c[k];
        char msg[200];
        if (cli_counts_add(e, json_object_get(s[i].root, "counts"), msg, sizeof msg) != 0)
            return data_error(s[i].path, msg);
        for (size_t k = 0; k < smpf_ensemble_ncounts(e); k++)
            after += c[k];
        int ok = 1;
        const uint64_t invisible = get_u64(s[i].root, "invisible", &ok);
        if (!ok || invisible > s[i].count || after - before != (s[i].count - invisible) * per_sample)
            return data_error(s[i].path, "the counts do not add up to the shard's samples");
        samples += s[i].count - invisible;
        smpf_ensemble_add_invisible(e, invisible);
    }
    smpf_ensemble_set_samples(e, samples);
    return EXIT_OK;
}

/* Runs project with the recorded options, the merged histograms and our output options. */
static int print_result(const cli_common *common, const char *format, const json_t *args,
                        smpf_ensemble_t *e)
{
    const size_t nargs = json_array_size(args);
    char **argv = calloc(nargs + 6, sizeof *argv);
    if (!argv)
        return cli_report(CMD, SMPF_ERR_NOMEM, &(smpf_error_t){SMPF_ERR_NOMEM, "out of memory"});
    int argc = 0;
    argv[argc++] = "project";
    for (size_t i = 0; i < nargs; i++)
        argv[argc++] = (char *)json_string_value(json_array_get(args, i));
    argv[argc++] = "--format";
    argv[argc++] = (char *)format;
    if (common->output) {
        argv[argc++] = "--output";
        argv[argc++] = (char *)common->output;
    }
    for (int i = 0; i < argc; i++)
        if (!argv[i]) {
            free(argv);
            fprintf(stderr, "smpfade %s: project_args must be strings\n", CMD);
            return EXIT_DATA;
        }
    optind = 0; /* a fresh getopt scan for project's options */
    int rc = cli_project_run(argc, argv, e);
    free(argv);
    return rc;
}

int cmd_merge(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    cli_common common = {0};
    const char *format = "table";
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
        if (c == OPT_FORMAT)
            format = optarg;
    }
    const size_t n = (size_t)(argc - optind);
    if (n < 1 || n > MAX_SHARDS)
        return cli_usage_error(CMD, "expected 1 to %d shard files", MAX_SHARDS);
    shard_t *s = calloc(n, sizeof *s);
    if (!s)
        return EXIT_FAIL;
    for (size_t i = 0; rc == EXIT_OK && i < n; i++) {
        if (common.output && strcmp(common.output, argv[optind + (int)i]) == 0)
            rc = cli_usage_error(CMD, "option --output: %s is a shard being read", common.output);
        else
            rc = load_shard(argv[optind + (int)i], &s[i]);
    }
    if (rc == EXIT_OK)
        rc = check_compatible(s, n);
    int ok = 1;
    const uint64_t samples = rc == EXIT_OK ? get_u64(s[0].root, "samples", &ok) : 0;
    if (rc == EXIT_OK && !ok)
        rc = data_error(s[0].path, "\"samples\" is not a count");
    if (rc == EXIT_OK)
        rc = check_coverage(s, n, samples);
    smpf_ensemble_t *e = NULL;
    if (rc == EXIT_OK) {
        smpf_error_t err = {0};
        int st = smpf_ensemble_new((size_t)get_u64(s[0].root, "npoints", &ok),
                                   json_number_value(json_object_get(s[0].root, "years")), &e, &err);
        rc = st == SMPF_OK ? sum_counts(s, n, e) : cli_report(CMD, st, &err);
    }
    if (rc == EXIT_OK)
        rc = print_result(&common, format, json_object_get(s[0].root, "project_args"), e);
    smpf_ensemble_free(e);
    for (size_t i = 0; i < n; i++)
        json_decref(s[i].root);
    free(s);
    return rc;
}
