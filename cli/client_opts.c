/* The client options shared by project, compare and render: documented defaults, then a
 * clinic's client profile (--client FILE), then what the command line says. */
#include "cli.h"

#include <getopt.h>
#include <math.h>
#include <string.h>

void cli_client_opts_init(cli_client_opts *o) { memset(o, 0, sizeof *o); }

int cli_client_option(const char *cmd, int opt, const char *arg, cli_client_opts *o,
                      cli_common *common, int *rc)
{
    double v;
    long n;
    *rc = EXIT_OK;
    switch (opt) {
    case OPT_CLIENT:
        o->client_file = arg;
        cli_common_add_input(common, arg);
        return 1;
    case OPT_INK:
        if (strlen(arg) >= SMPF_NAME_MAX || !*arg)
            *rc = cli_usage_error(cmd, "option --ink: expected an ink name (see smpfade inks)");
        o->ink = arg;
        return 1;
    case OPT_CRITERION: {
        smpf_error_t err = {0};
        if (smpf_criteria_parse(arg, &o->criteria, &err) != SMPF_OK)
            *rc = cli_usage_error(cmd, "option --criterion: %s", err.message);
        o->criteria_set = 1;
        return 1;
    }
    case OPT_NO_TOUCHUPS:
        o->no_touchups = 1;
        return 1;
    case OPT_SKIN:
        if ((*rc = cli_long(cmd, "skin", arg, 1, 6, &n)) == EXIT_OK)
            o->skin = (int)n;
        return 1;
    case OPT_SESSIONS:
        if ((*rc = cli_long(cmd, "sessions", arg, 1, 8, &n)) == EXIT_OK)
            o->sessions = (int)n;
        return 1;
    case OPT_STEP_MONTHS:
        if ((*rc = cli_long(cmd, "step-months", arg, 1, 12, &n)) == EXIT_OK)
            o->step_months = (int)n;
        return 1;
    default:
        break;
    }
    static const struct {
        int opt;
        const char *name;
        double min, max;
        size_t slot;
    } numbers[] = {
        {OPT_DEPTH, "depth-mm", 0.05, 3.0, 0},     {OPT_LATITUDE, "latitude", -90, 90, 1},
        {OPT_OUTDOOR, "outdoor-hours", 0, 24, 2},  {OPT_SPF, "spf", 1, 100, 3},
        {OPT_SUNSCREEN_USE, "sunscreen-use", 0, 1, 4}, {OPT_HAT, "hat", 0, 1, 5},
        {OPT_HAIR_COVER, "hair-cover", 0, 1, 6},   {OPT_YEARS, "years", 0.25, SMPF_PROJECT_MAX_YEARS, 7},
        {OPT_START_DAY, "start-day", 1, 365, 8},
    };
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        if (numbers[i].opt == opt) {
            if ((*rc = cli_double(cmd, numbers[i].name, arg, numbers[i].min, numbers[i].max,
                                  &v)) == EXIT_OK) {
                o->number[numbers[i].slot] = v;
                o->number_set[numbers[i].slot] = 1;
            }
            return 1;
        }
    return 0;
}

int cli_client_inputs(const char *cmd, const cli_client_opts *o, smpf_project_inputs_t *in)
{
    smpf_project_inputs_default(in);
    if (o->client_file) {
        smpf_error_t err = {0};
        int st = smpf_client_profile_load(o->client_file, in, &err);
        if (st != SMPF_OK)
            return cli_report(cmd, st, &err);
    }
    double *fields[] = {&in->depth_mm,
                        &in->client.latitude_deg,
                        &in->client.outdoor_hours_per_day,
                        &in->client.spf,
                        &in->client.sunscreen_use_fraction,
                        &in->client.hat_fraction,
                        &in->client.hair_cover_fraction,
                        &in->years,
                        &in->start_day_of_year};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (o->number_set[i])
            *fields[i] = o->number[i];
    if (o->ink)
        snprintf(in->ink, sizeof in->ink, "%s", o->ink);
    if (o->skin)
        in->client.skin_type = o->skin;
    if (o->sessions)
        in->sessions = o->sessions;
    if (o->step_months)
        in->step_months = o->step_months;
    if (o->criteria_set)
        in->criteria = o->criteria;
    if (o->no_touchups)
        in->touchups = 0;
    /* Sunscreen named without a share of use: worn whenever outdoors. */
    if (o->number_set[3] && !o->number_set[4] && in->client.sunscreen_use_fraction == 0)
        in->client.sunscreen_use_fraction = 1.0;
    return EXIT_OK;
}
