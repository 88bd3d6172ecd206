/* smpfade inks: the inks in the catalogue, built-in and the user's own. */
#include "cli.h"

#include <getopt.h>
#include <string.h>

#define CMD "inks"

static const char *const columns[] = {"name", "kind", "components", "particle_size_nm",
                                      "k_bio_per_day", "description", "source"};

static void help(void)
{
    printf("Usage: smpfade inks [options]\n\n"
           "Lists the inks: name, kind (permanent or temporary), components with their\n"
           "pigment volume fractions, the median particle size and biodegradation rate of\n"
           "the main component, a description and the source.\n\nOptions:\n"
           CLI_CATALOGUE_HELP CLI_COMMON_HELP);
}

static void add_ink(cli_table *t, const smpf_pigments_t *p, const smpf_ink_t *ink)
{
    char comps[512] = "";
    size_t used = 0, main_k = 0;
    for (size_t k = 0; k < ink->ncomponents && used < sizeof comps; k++) {
        used += (size_t)snprintf(comps + used, sizeof comps - used, "%s%s:%g", k ? ";" : "",
                                 smpf_pigments_component(p, ink->component[k])->name,
                                 ink->fraction[k]);
        if (ink->fraction[k] > ink->fraction[main_k])
            main_k = k;
    }
    const smpf_component_t *c = smpf_pigments_component(p, ink->component[main_k]);
    long row = cli_table_add_row(t);
    if (row < 0)
        return;
    cli_table_text(t, (size_t)row, 0, ink->name);
    cli_table_text(t, (size_t)row, 1, ink->temporary ? "temporary" : "permanent");
    cli_table_text(t, (size_t)row, 2, comps);
    cli_table_num(t, (size_t)row, 3, c->particle_size_nm.median, 0);
    cli_table_num(t, (size_t)row, 4, c->k_bio_per_day.median, 5);
    cli_table_text(t, (size_t)row, 5, ink->description);
    cli_table_text(t, (size_t)row, 6, ink->source);
}

typedef struct {
    const cli_common *common;
    const cli_table *t;
} result_t;

static int write_result(FILE *fp, const void *data)
{
    const cli_common *common = ((const result_t *)data)->common;
    const cli_table *t = ((const result_t *)data)->t;
    if (common->format == FMT_CSV)
        return cli_table_write_csv(fp, t);
    if (common->format == FMT_TABLE)
        return cli_table_write_text(fp, t);
    json_t *root = json_pack("{s:s, s:o}", "version", SMPF_VERSION, "inks", cli_table_to_json(t));
    int rc = root ? cli_json_write(fp, root) : -1;
    json_decref(root);
    return rc;
}

int cmd_inks(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_COMMON_LONGOPTS, CLI_CATALOGUE_LONGOPTS,
                                             {0, 0, 0, 0}};
    cli_common common = {0};
    cli_catalogue_opts cat = {0};
    int c, rc = EXIT_OK;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        if (c == OPT_HELP) {
            help();
            return EXIT_OK;
        }
        if (!cli_common_option(CMD, c, optarg, &common, &rc) &&
            !cli_catalogue_option(CMD, c, optarg, &cat, &common, &rc))
            return cli_getopt_error(CMD, c, argv);
        if (rc != EXIT_OK)
            return rc;
    }
    if (optind != argc)
        return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    smpf_pigments_t *p;
    if ((rc = cli_load_pigments(CMD, &cat, &p)) != EXIT_OK)
        return rc;
    cli_table t;
    cli_table_init(&t, columns, sizeof columns / sizeof columns[0]);
    for (size_t i = 0; i < smpf_pigments_ninks(p); i++)
        add_ink(&t, p, smpf_pigments_ink(p, i));
    result_t r = {&common, &t};
    rc = cli_emit(CMD, &common, write_result, &r);
    cli_table_free(&t);
    smpf_pigments_free(p);
    return rc;
}
