/* smpfade compare: inks side by side for one client — when each needs its first
 * touch-up, how many touch-ups over the horizon, and what is left without them. */
#include "cli.h"

#include <getopt.h>
#include <math.h>
#include <string.h>

#define CMD "compare"
#define MAX_INKS 16

enum { OPT_INKS = 1400, OPT_SESSION_COST };

static const char *const columns[] = {
    "ink", "kind", "touchup_years", "touchups_in_horizon", "dE00_at_horizon",
    "hue_shift_deg_at_horizon", "residual_fraction_at_horizon", "healed_hex", "sessions", "cost"};

static void help(void)
{
    printf("Usage: smpfade compare --inks A,B,... [options]\n\n"
           "Runs the projection of 'smpfade project' for each ink and the same client, and\n"
           "prints one row per ink: kind; the first touch-up time (years from the first\n"
           "session; '-' when none falls in the horizon); touch-ups over the horizon; and\n"
           "without any touch-up, at the horizon: ΔE00 from the healed dot, the cast hue's\n"
           "shift (degrees, against the skin) and the fraction of the pigment left in skin.\n"
           "With --session-cost, also the sessions over the horizon (initial + touch-ups)\n"
           "and their cost.\n\nOptions:\n"
           "  --inks A,B,...           inks to compare (2-%d; 'smpfade inks' lists them)\n"
           "  --session-cost X         price of one session, >= 0 (any currency)\n"
           CLI_CLIENT_HELP CLI_CATALOGUE_HELP CLI_COMMON_HELP
           "\nCSV header: ink,kind,touchup_years,touchups_in_horizon,dE00_at_horizon,\n"
           "hue_shift_deg_at_horizon,residual_fraction_at_horizon,healed_hex[,sessions,cost]\n",
           MAX_INKS);
}

typedef struct {
    cli_common common;
    cli_catalogue_opts cat;
    cli_client_opts client;
    char inks_buf[1024];
    const char *inks[MAX_INKS];
    size_t ninks;
    double session_cost;
    int cost_set;
} options;

static int parse_inks(const char *arg, options *o)
{
    if (strlen(arg) >= sizeof o->inks_buf)
        return cli_usage_error(CMD, "option --inks: the list is too long");
    snprintf(o->inks_buf, sizeof o->inks_buf, "%s", arg);
    o->ninks = 0;
    char *save = NULL;
    for (char *s = strtok_r(o->inks_buf, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
        if (o->ninks == MAX_INKS)
            return cli_usage_error(CMD, "option --inks: at most %d inks", MAX_INKS);
        for (size_t i = 0; i < o->ninks; i++)
            if (strcmp(o->inks[i], s) == 0)
                return cli_usage_error(CMD, "option --inks: '%s' is listed twice", s);
        o->inks[o->ninks++] = s;
    }
    if (o->ninks < 1)
        return cli_usage_error(CMD, "option --inks: expected ink names separated by commas");
    return EXIT_OK;
}

static int parse(int argc, char **argv, options *o)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS, CLI_CATALOGUE_LONGOPTS, CLI_CLIENT_LONGOPTS,
        {"inks", required_argument, NULL, OPT_INKS},
        {"session-cost", required_argument, NULL, OPT_SESSION_COST},
        {0, 0, 0, 0}};
    int c, rc = EXIT_OK;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        if (c == OPT_HELP) {
            help();
            return -1;
        }
        if (cli_common_option(CMD, c, optarg, &o->common, &rc) ||
            cli_catalogue_option(CMD, c, optarg, &o->cat, &o->common, &rc) ||
            cli_client_option(CMD, c, optarg, &o->client, &o->common, &rc)) {
        } else if (c == OPT_INKS) {
            rc = parse_inks(optarg, o);
        } else if (c == OPT_SESSION_COST) {
            rc = cli_double(CMD, "session-cost", optarg, 0, 1e9, &o->session_cost);
            o->cost_set = 1;
        } else {
            return cli_getopt_error(CMD, c, argv);
        }
        if (rc != EXIT_OK)
            return rc;
    }
    if (optind != argc)
        return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    if (o->ninks == 0)
        return cli_usage_error(CMD, "option --inks is required, e.g. --inks smp_carbon,"
                                    "temp_biodegradable");
    if (o->client.ink)
        return cli_usage_error(CMD, "option --ink: use --inks for compare");
    return EXIT_OK;
}

static void add_row(cli_table *t, const cli_model *m, const smpf_project_inputs_t *in,
                    const smpf_projection_t *pr, const options *o)
{
    long r = cli_table_add_row(t);
    if (r < 0)
        return;
    const size_t row = (size_t)r;
    const smpf_ink_t *ink = smpf_pigments_find_ink(m->pigments, in->ink);
    cli_table_text(t, row, 0, in->ink);
    cli_table_text(t, row, 1, ink->temporary ? "temporary" : "permanent");
    cli_table_num(t, row, 2, pr->touchup_years, 2); /* NAN: '-' or null */
    cli_table_num(t, row, 3, (double)pr->ntouchups, 0);
    cli_table_num(t, row, 4, pr->natural_dE00, 2);
    cli_table_num(t, row, 5, pr->natural_hue_shift_deg, 1);
    cli_table_num(t, row, 6, pr->natural_fraction_remaining, 3);
    char hex[8];
    smpf_color_hex(smpf_color_srgb(m->ctx, pr->healed.dot_xyz), hex);
    cli_table_text(t, row, 7, hex);
    if (o->cost_set) {
        const double sessions = (double)in->sessions + (double)pr->ntouchups;
        cli_table_num(t, row, 8, sessions, 0);
        cli_table_num(t, row, 9, sessions * o->session_cost, 2);
    }
}

typedef struct {
    const options *o;
    const cli_table *t;
    const smpf_project_inputs_t *in;
    double depth_mm;
    json_t *inputs;
} result_t;

static int write_result(FILE *fp, const void *data)
{
    const result_t *r = data;
    const options *o = r->o;
    const cli_table *t = r->t;
    const smpf_project_inputs_t *in = r->in;
    const double depth_mm = r->depth_mm;
    if (o->common.format == FMT_CSV)
        return cli_table_write_csv(fp, t);
    if (o->common.format == FMT_TABLE) {
        fprintf(fp, "# smpfade %s compare: skin type %d, needle depth %.2f mm, latitude %.1f, "
                    "%.1f h outdoors/day, horizon %g years; criteria:",
                SMPF_VERSION, in->client.skin_type, depth_mm, in->client.latitude_deg,
                in->client.outdoor_hours_per_day, in->years);
        for (int i = 0; i < SMPF_CRIT_COUNT; i++)
            if (in->criteria.active[i])
                fprintf(fp, " %s:%g", smpf_criterion_name(i), in->criteria.threshold[i]);
        fprintf(fp, "\n# *_at_horizon: with no touch-ups at all; years from the first session\n");
        return cli_table_write_text(fp, t);
    }
    /* "O": the caller keeps (and frees) its reference to inputs, in every format. */
    json_t *root = json_pack("{s:s, s:O, s:o}", "version", SMPF_VERSION, "inputs", r->inputs,
                             "inks", cli_table_to_json(t));
    int rc = root ? cli_json_write(fp, root) : -1;
    json_decref(root);
    return rc;
}

int cmd_compare(int argc, char **argv)
{
    options o = {0};
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
    for (size_t i = 0; rc == EXIT_OK && i < o.ninks; i++) {
        const smpf_ink_t *ink;
        rc = cli_find_ink(CMD, "inks", m.pigments, o.inks[i], &ink);
    }
    cli_table t;
    cli_table_init(&t, columns, o.cost_set ? 10 : 8);
    smpf_projector_t *pj = NULL;
    smpf_error_t err = {0};
    json_t *inputs = json_array();
    if (rc == EXIT_OK && smpf_projector_new(m.ctx, m.pigments, m.tissue, &pj, &err) != SMPF_OK)
        rc = cli_report(CMD, err.code, &err);
    for (size_t i = 0; rc == EXIT_OK && i < o.ninks; i++) {
        snprintf(in.ink, sizeof in.ink, "%s", o.inks[i]);
        smpf_project_params_t par;
        smpf_projection_t pr;
        int st = smpf_project_params_median(m.pigments, m.tissue, &m.kin, &in, &par, &err);
        if (st == SMPF_OK)
            st = smpf_project(pj, &in, &par, &pr, &err);
        if (st != SMPF_OK) {
            smpf_error_prefix(&err, "ink %s: ", o.inks[i]);
            rc = cli_report(CMD, st, &err);
            break;
        }
        add_row(&t, &m, &in, &pr, &o);
        json_array_append_new(inputs, cli_inputs_json(&in, &par, &m, &o.cat));
        smpf_projection_free(&pr);
    }
    if (rc == EXIT_OK) {
        result_t r = {&o, &t, &in,
                      isnan(in.depth_mm) ? m.kin.value[SMPF_KP_NEEDLE_DEPTH_MM] : in.depth_mm,
                      inputs};
        rc = cli_emit(CMD, &o.common, write_result, &r);
    }
    json_decref(inputs);
    cli_table_free(&t);
    smpf_projector_free(pj);
    cli_model_free(&m);
    return rc;
}
