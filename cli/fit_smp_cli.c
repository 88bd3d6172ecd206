/* `smpfade fit --model smp`: the client, ink and schedule options (named as `smpfade
 * project` names them), building the library's smp fit model from them, and what the
 * output records about them. */
#include "fit_cli.h"

#include <math.h>
#include <string.h>

#define CMD "fit"
#define SESSION_INTERVAL_DAYS 14.0 /* building sessions 10-14 days apart (MODEL.md §3) */
#define DEFAULT_SUBLAYERS 10L
#define MAX_SESSIONS 10L

void fit_smp_options_init(fit_smp_options *o)
{
    memset(o, 0, sizeof *o);
    o->ink = "smp_carbon";
    o->sessions = 3;
    o->start_day = SMPF_DEFAULT_START_DAY;
    o->nsublayers = DEFAULT_SUBLAYERS;
    o->quantity = "fraction";
    o->time_zero = "first";
    smpf_client_default(&o->client);
}

int fit_smp_option(int opt, const char *arg, fit_smp_options *o, cli_common *common, int *rc)
{
    long v;
    double x;
    if (cli_catalogue_option(CMD, opt, arg, &o->catalogue, common, rc)) {
        o->given = 1;
        return 1;
    }
    switch (opt) {
    case OPT_SMP_INK:
        o->ink = arg;
        break;
    case OPT_SMP_SKIN:
        if ((*rc = cli_long(CMD, "skin", arg, 1, 6, &v)) == EXIT_OK)
            o->client.skin_type = (int)v;
        break;
    case OPT_SMP_DEPTH:
        o->has_depth = 1;
        *rc = cli_double(CMD, "depth-mm", arg, 0.01, 5.0, &o->depth_mm);
        break;
    case OPT_SMP_LATITUDE:
        *rc = cli_double(CMD, "latitude", arg, -90, 90, &o->client.latitude_deg);
        break;
    case OPT_SMP_OUTDOOR:
        *rc = cli_double(CMD, "outdoor-hours", arg, 0, 24, &o->client.outdoor_hours_per_day);
        break;
    case OPT_SMP_SPF:
        if ((*rc = cli_double(CMD, "spf", arg, 1, 100, &x)) == EXIT_OK) {
            o->client.spf = x;
            o->client.sunscreen_use_fraction = x > 1 ? 1.0 : 0.0;
        }
        break;
    case OPT_SMP_HAIR:
        *rc = cli_double(CMD, "hair-cover", arg, 0, 1, &o->client.hair_cover_fraction);
        break;
    case OPT_SMP_SESSIONS:
        *rc = cli_long(CMD, "sessions", arg, 1, MAX_SESSIONS, &o->sessions);
        break;
    case OPT_SMP_START_DAY:
        *rc = cli_double(CMD, "start-day", arg, 1, 365, &o->start_day);
        break;
    case OPT_SMP_SUBLAYERS:
        *rc = cli_long(CMD, "sublayers", arg, 1, 1000, &o->nsublayers);
        break;
    case OPT_SMP_QUANTITY:
        if (!smpf_fit_smp_quantity_find(arg) && !smpf_fit_optics_is_quantity(arg)) {
            char list[256] = "";
            for (size_t i = 0; i < smpf_fit_smp_nquantities(); i++) {
                size_t len = strlen(list);
                snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
                         smpf_fit_smp_quantity(i)->name);
            }
            *rc = cli_usage_error(CMD, "option --quantity: expected one of %s, L, dL, dE00_skin, "
                                  "got '%s'", list, arg);
        }
        o->quantity = arg;
        break;
    case OPT_SMP_TIME_ZERO:
        if (strcmp(arg, "first") != 0 && strcmp(arg, "last") != 0)
            *rc = cli_usage_error(CMD, "option --time-zero: expected first or last, got '%s'",
                                  arg);
        o->time_zero = arg;
        break;
    case OPT_SMP_PARAMS_FILE:
        o->params_file = arg;
        cli_common_add_input(common, arg);
        break;
    default:
        return 0;
    }
    o->given = 1;
    return 1;
}

int fit_smp_build(const fit_smp_options *o, fit_smp_setup *s)
{
    memset(s, 0, sizeof *s);
    int rc = cli_load_pigments(CMD, &o->catalogue, &s->catalogue);
    if (rc != EXIT_OK)
        return rc;
    const smpf_ink_t *unused;
    if ((rc = cli_find_ink(CMD, "ink", s->catalogue, o->ink, &unused)) != EXIT_OK)
        return rc;
    char dirbuf[4096];
    const char *dir = cli_data_dir(o->catalogue.data_dir, dirbuf, sizeof dirbuf);
    if (o->params_file)
        snprintf(s->params_path, sizeof s->params_path, "%s", o->params_file);
    else
        snprintf(s->params_path, sizeof s->params_path, "%s/kinetics_params.csv", dir);
    smpf_error_t err = {0};
    int st = smpf_kin_params_load(s->params_path, &s->params, &err);
    if (st == SMPF_OK && o->has_depth)
        st = smpf_kin_params_set(&s->params, "needle_depth_mm", o->depth_mm, &err);
    if (st == SMPF_OK)
        st = smpf_kin_ink_from_catalogue(s->catalogue, o->ink, &s->ink, &err);
    if (st != SMPF_OK)
        return cli_report(CMD, st, &err);
    s->client = o->client;
    smpf_kin_schedule_sessions(&s->params, (size_t)o->sessions, SESSION_INTERVAL_DAYS,
                               o->start_day, &s->schedule);
    s->t_offset_days = strcmp(o->time_zero, "last") == 0
                           ? s->schedule.session[s->schedule.nsessions - 1].t_days
                           : 0.0;
    const smpf_fit_smp_quantity_t *quantity = smpf_fit_smp_quantity_find(o->quantity);
    if (!quantity) { /* a colour-based quantity: the optics come in */
        st = smpf_context_new(NULL, &s->ctx, &err);
        if (st == SMPF_OK)
            st = smpf_tissue_load(dir, &s->tissue, &err);
        if (st == SMPF_OK)
            st = smpf_fit_optics_new(s->ctx, s->catalogue, s->tissue, o->quantity, &s->optics,
                                     &s->optical, &err);
        if (st != SMPF_OK)
            return cli_report(CMD, st, &err);
        quantity = &s->optical;
    }
    smpf_fit_smp_config_t cfg = {.params = &s->params, .ink = &s->ink, .client = &s->client,
                                 .schedule = &s->schedule, .nsublayers = (size_t)o->nsublayers,
                                 .t_offset_days = s->t_offset_days, .quantity = quantity};
    st = smpf_fit_smp_new(&cfg, &s->model, &err);
    if (st != SMPF_OK)
        return cli_report(CMD, st, &err);
    return EXIT_OK;
}

void fit_smp_free(fit_smp_setup *s)
{
    smpf_fit_smp_free(s->model);
    smpf_fit_optics_free(s->optics);
    smpf_tissue_free(s->tissue);
    smpf_context_free(s->ctx);
    smpf_pigments_free(s->catalogue);
    memset(s, 0, sizeof *s);
}

/* The default free set, lymph_healed_ratio and y0, less any the user fixed. */
size_t fit_smp_default_free(const fit_settings *s, const char **names)
{
    static const char *const defaults[] = {"y0", "lymph_healed_ratio"};
    size_t n = 0;
    for (size_t i = 0; i < 2; i++) {
        int fixed = 0;
        for (size_t k = 0; k < s->nfixed; k++)
            fixed |= strcmp(s->fixed_names[k], defaults[i]) == 0;
        if (!fixed)
            names[n++] = defaults[i];
    }
    return n;
}

json_t *fit_smp_inputs_json(const fit_smp_options *o, const fit_smp_setup *s)
{
    json_t *comps = json_array(), *sessions = json_array(), *files = json_array();
    for (size_t c = 0; c < s->ink.ncomponents; c++)
        json_array_append_new(comps, json_pack("{s:s, s:f}", "name", s->ink.component[c].name,
                                               "fraction", s->ink.component[c].fraction));
    for (size_t i = 0; i < s->schedule.nsessions; i++) {
        const smpf_kin_session_t *se = &s->schedule.session[i];
        json_array_append_new(sessions,
                              json_pack("{s:f, s:f, s:f, s:f}", "t_days", se->t_days,
                                        "target_density", se->target_density, "needle_depth_mm",
                                        se->needle_depth_mm, "deposit_width_mm",
                                        se->deposit_width_mm));
    }
    for (size_t i = 0; i < o->catalogue.ninks_files; i++)
        json_array_append_new(files, cli_json_string(o->catalogue.inks_files[i]));
    const smpf_client_t *c = &s->client;
    json_t *client = json_pack(
        "{s:i, s:f, s:f, s:f, s:f, s:f, s:f}", "skin_type", c->skin_type, "latitude_deg",
        c->latitude_deg, "outdoor_hours_per_day", c->outdoor_hours_per_day, "spf", c->spf,
        "sunscreen_use_fraction", c->sunscreen_use_fraction, "hat_fraction", c->hat_fraction,
        "hair_cover_fraction", c->hair_cover_fraction);
    json_t *schedule = json_pack("{s:f, s:f, s:o}", "start_day_of_year",
                                 s->schedule.start_day_of_year, "session_interval_days",
                                 SESSION_INTERVAL_DAYS, "sessions", sessions);
    return json_pack("{s:s, s:o, s:o, s:o, s:s, s:s, s:f, s:I, s:o, s:o}", "ink", s->ink.name,
                     "ink_components", comps, "client", client, "schedule", schedule,
                     "quantity", o->quantity, "time_zero", o->time_zero, "t_offset_days",
                     s->t_offset_days, "sublayers", (json_int_t)o->nsublayers,
                     "kinetics_params_file", cli_json_string(s->params_path), "inks_files",
                     files);
}

void fit_smp_comment(FILE *fp, const fit_smp_options *o, const fit_smp_setup *s)
{
    const smpf_client_t *c = &s->client;
    fprintf(fp,
            "# smp: ink %s, quantity %s, data t = 0 at the %s session (simulation t + %g d); "
            "skin %d, latitude %g, outdoor %g h/day, spf %g, hair cover %g; %zu sessions from "
            "day %g at %g mm; %ld sublayers; parameters %s\n",
            s->ink.name, o->quantity, o->time_zero, s->t_offset_days, c->skin_type,
            c->latitude_deg, c->outdoor_hours_per_day, c->spf, c->hair_cover_fraction,
            s->schedule.nsessions, s->schedule.start_day_of_year,
            s->schedule.session[0].needle_depth_mm, o->nsublayers, s->params_path);
}

void fit_smp_help(void)
{
    printf(
        "\nModel smp: value = y0 * q(t), q from the kinetic simulation (docs/kinetics.md) of\n"
        "one ink in one client after a schedule of sessions; t is the data time, counted\n"
        "from the first session (--time-zero first) or from the last building session\n"
        "(--time-zero last, e.g. data 'immediately after treatment').  q (--quantity):\n");
    for (size_t i = 0; i < smpf_fit_smp_nquantities(); i++)
        printf("  %-10s %s\n", smpf_fit_smp_quantity(i)->name,
               smpf_fit_smp_quantity(i)->description);
    printf("  L          the dot's L* (CIELAB D65, 2°) at its centre\n"
           "  dL         L* of the dot minus L* of the skin around it (negative: darker)\n"
           "  dE00_skin  CIEDE2000 between the dot and the skin around it\n"
           "  (colour quantities: layered-skin optics at each data time, skin-type medians,\n"
           "  at most 32 sublayers; each evaluation costs a full adding-doubling solve)\n");
    printf("Default free: y0 and lymph_healed_ratio; every other parameter is fixed at its\n"
           "dataset median (kinetics_params.csv, components.csv) unless --free/--fixed.\n"
           "Parameters [bounds], units in the names (_per_day 1/day, _days, _mm, _nm,\n"
           "_mm2_per_day, _cm2_per_J, _DU; the others are dimensionless):\n"
           "  %-26s [-inf, inf] scale of the data (fix y0=1 for fractions)\n", "y0");
    for (int id = 0; id < SMPF_KP_COUNT; id++) {
        double lo, hi;
        smpf_kin_param_bounds(id, &lo, &hi);
        printf("  %-26s [%g, %g]\n", smpf_kin_param_name(id), lo, hi);
    }
    printf("  and for each component C of the ink (e.g. carbon_black):\n");
    for (size_t k = 0; smpf_fit_smp_component_param(k); k++) {
        double lo, hi;
        smpf_fit_smp_component_param_bounds(smpf_fit_smp_component_param(k), &lo, &hi);
        printf("  C.%-24s [%g, %g]\n", smpf_fit_smp_component_param(k), lo, hi);
    }
    printf(
        "Options of model smp (the names `smpfade project` uses):\n"
        "  --ink NAME               ink of the catalogue (default smp_carbon)\n"
        "  --skin 1..6              Fitzpatrick skin type (default 2; recorded, the\n"
        "                           kinetics do not use it)\n"
        "  --depth-mm Z             needle depth, sets needle_depth_mm (0.01-5; default the\n"
        "                           dataset median 0.5)\n"
        "  --latitude DEG           -90..90 (default 50)\n"
        "  --outdoor-hours H        0..24 per day (default 2)\n"
        "  --spf N                  1..100, sunscreen worn whenever outdoors (default none)\n"
        "  --hair-cover F           0..1 share of the scalp's UV blocked by hair (default 0)\n"
        "  --sessions N             1..10 sessions 14 days apart (default 3: 30, 70, 100 %%\n"
        "                           density; 1: 100 %%; 2: 70, 100 %%; more than 3: the\n"
        "                           extra ones top up to 100 %%)\n"
        "  --start-day DOY          day of the year of the first session (default 121)\n"
        "  --quantity NAME          fraction (default), density, L, dL or dE00_skin\n"
        "  --time-zero first|last   where the data's t = 0 lies (default first)\n"
        "  --sublayers N            depth sublayers of the simulation (default 10)\n"
        "  --params-file FILE       kinetic parameters (default DATA_DIR/kinetics_params.csv)\n"
        CLI_CATALOGUE_HELP);
}
