/* smpfade fit DATA.csv --model NAME: fits a model's parameters to measured series by
 * nonlinear least squares (the library's smpf_fit_*, on GSL). */
#include "fit_cli.h"

#include <getopt.h>
#include <string.h>

#define CMD "fit"

static void help(void)
{
    printf(
        "Usage: smpfade fit DATA.csv --model NAME [options]\n\n"
        "Fits a model's parameters to one or more measured series by weighted nonlinear\n"
        "least squares (GSL trust region, Levenberg-Marquardt).\n\n"
        "Data: CSV with a header; '#' lines are comments.  Columns: t_days or t_years (time\n"
        "since the procedure; t_days = 365.25 t_years), value, and optionally sigma (the\n"
        "standard error of each value, > 0), series (a name; series are fitted together)\n"
        "and source (the citation of the row; not used).\n\n"
        "Models:\n");
    for (size_t i = 0; i < smpf_fit_nmodels(); i++) {
        const smpf_fit_model_t *m = smpf_fit_model(i);
        printf("  %-8s %s\n           parameters:", m->name, m->description);
        for (size_t j = 0; j < m->nparams; j++)
            printf(" %s [%g, %g]", m->param_names[j], m->lo[j], m->hi[j]);
        printf("\n");
    }
    printf("  %-8s the kinetic simulation of an ink in a client (below)\n", "smp");
    printf(
        "\nOptions:\n"
        "  --model NAME             the model (required)\n"
        "  --free P1,P2,...         fit only these; the others are fixed at their start\n"
        "                           values (default: every parameter not --fixed is free)\n"
        "  --fixed P=V,...          hold parameters at these values\n"
        "  --start P=V,...          starting values (default: automatic, e.g. log-linear\n"
        "                           peeling for biexp)\n"
        "  --per-series P1,...      one value of these parameters per series (e.g. y0);\n"
        "                           the others are shared by all series\n"
        "  --weights none|sigma|relative   (default none)\n"
        "      none      every point weighs the same; the error variance is estimated:\n"
        "                Cov = s^2 (J'J)^-1, s^2 = RSS/dof; 95 %% CI with Student t(dof).\n"
        "      sigma     weight 1/sigma^2 with sigma the absolute standard error of each\n"
        "                value: Cov = (J'WJ)^-1, not rescaled; 95 %% CI with the normal\n"
        "                quantile 1.96.  Needs a sigma column (refused without one).\n"
        "      relative  weight 1/sigma^2 where sigma gives only relative precision:\n"
        "                Cov = (RSS_w/dof) (J'WJ)^-1; 95 %% CI with Student t(dof).\n"
        "                Needs a sigma column.\n"
        "  --profile                add profile-likelihood 95 %% intervals: the values where\n"
        "                           the refitted RSS reaches RSS_min (1 + t^2/dof) (sigma\n"
        "                           weights: chi2 + 3.841)\n" CLI_COMMON_HELP
        "\nOutput: estimate, stderr and 95 %% CI of each parameter; RSS (weighted: sum of\n"
        "w r^2), n, dof = n - free parameters, the condition number of the weighted Jacobian\n"
        "with unit-norm columns, and residuals (value - fitted).  Information criteria for\n"
        "Gaussian errors, constants dropped (compare them only between fits of the same data\n"
        "and weights):\n"
        "  weights none or relative: k = free parameters + 1 (the error variance),\n"
        "      AIC = n ln(RSS/n) + 2k,  BIC = n ln(RSS/n) + k ln n;\n"
        "  weights sigma: k = free parameters, AIC = chi2 + 2k,  BIC = chi2 + k ln n;\n"
        "  AICc = AIC + 2k(k+1)/(n-k-1) (null when n - k - 1 <= 0).\n"
        "\nA fit that does not converge, drives a parameter to the edge of its range, or\n"
        "cannot identify a parameter (singular Jacobian) is reported as such (exit 1);\n"
        "fewer points than free parameters and malformed data exit 3.\n");
    fit_smp_help();
}

/* Splits "a,b,c" (modified in place) into names. */
static int split_names(const char *opt, char *text, const char **names, size_t *n)
{
    for (char *tok = strtok(text, ","); tok; tok = strtok(NULL, ",")) {
        if (*n == FIT_MAX_LIST)
            return cli_usage_error(CMD, "option --%s: more than %d names", opt, FIT_MAX_LIST);
        names[(*n)++] = tok;
    }
    return EXIT_OK;
}

/* Splits "p=v,q=w" (modified in place). */
static int split_pairs(const char *opt, char *text, const char **names, double *values,
                       size_t *n)
{
    for (char *tok = strtok(text, ","); tok; tok = strtok(NULL, ",")) {
        char *eq = strchr(tok, '=');
        if (!eq || eq == tok)
            return cli_usage_error(CMD, "option --%s: expected NAME=VALUE, got '%s'", opt, tok);
        *eq = '\0';
        if (*n == FIT_MAX_LIST)
            return cli_usage_error(CMD, "option --%s: more than %d values", opt, FIT_MAX_LIST);
        int rc = cli_double(CMD, opt, eq + 1, -1e300, 1e300, &values[*n]);
        if (rc != EXIT_OK)
            return rc;
        names[(*n)++] = tok;
    }
    return EXIT_OK;
}

static int parse_weights(const char *text, smpf_fit_weights_t *w)
{
    if (strcmp(text, "none") == 0)
        *w = SMPF_FIT_WEIGHTS_NONE;
    else if (strcmp(text, "sigma") == 0)
        *w = SMPF_FIT_WEIGHTS_SIGMA;
    else if (strcmp(text, "relative") == 0)
        *w = SMPF_FIT_WEIGHTS_RELATIVE;
    else
        return cli_usage_error(CMD, "option --weights: expected none, sigma or relative, got '%s'",
                               text);
    return EXIT_OK;
}

/* Applies the settings to a new fit and runs it. */
static int run_fit(const fit_settings *s, const fit_observations *obs, smpf_fit_t **out,
                   smpf_error_t *err)
{
    const smpf_fit_model_t *m =
        s->smp ? smpf_fit_smp_model(s->smp->model) : smpf_fit_model_find(s->model);
    smpf_fit_data_t d = {.n = obs->n, .nseries = obs->nseries, .t_days = obs->t_days,
                         .value = obs->value, .sigma = obs->sigma, .series = obs->series,
                         .series_names = (const char *const *)obs->series_names};
    int rc = smpf_fit_new(m, &d, out, err);
    smpf_fit_t *f = *out;
    if (rc == SMPF_OK)
        rc = smpf_fit_set_weights(f, s->weights, err);
    for (size_t i = 0; rc == SMPF_OK && i < s->nstart; i++)
        rc = smpf_fit_set_start(f, s->start_names[i], s->start_values[i], err);
    for (size_t i = 0; rc == SMPF_OK && i < s->nfixed; i++)
        rc = smpf_fit_fix(f, s->fixed_names[i], s->fixed_values[i], err);
    if (rc == SMPF_OK && s->nfree > 0)
        rc = smpf_fit_free_only(f, s->free_names, s->nfree, err);
    for (size_t i = 0; rc == SMPF_OK && i < s->nper_series; i++)
        rc = smpf_fit_set_per_series(f, s->per_series[i], err);
    if (rc == SMPF_OK)
        rc = smpf_fit_run(f, err);
    if (rc == SMPF_OK && s->profile)
        rc = smpf_fit_profile(f, err);
    return rc;
}

enum { OPT_MODEL = OPT_COMMON_END, OPT_FREE, OPT_FIXED, OPT_START, OPT_PER_SERIES, OPT_WEIGHTS,
       OPT_PROFILE };

static int parse(int argc, char **argv, fit_settings *s, fit_smp_options *smp,
                 cli_common *common, int *done)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS,
        FIT_SMP_LONGOPTS,
        {"model", required_argument, NULL, OPT_MODEL},
        {"free", required_argument, NULL, OPT_FREE},
        {"fixed", required_argument, NULL, OPT_FIXED},
        {"start", required_argument, NULL, OPT_START},
        {"per-series", required_argument, NULL, OPT_PER_SERIES},
        {"weights", required_argument, NULL, OPT_WEIGHTS},
        {"profile", no_argument, NULL, OPT_PROFILE},
        {0, 0, 0, 0}};
    int c, rc = EXIT_OK;
    opterr = 0;
    while (rc == EXIT_OK && (c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_HELP:
            help();
            *done = 1;
            return EXIT_OK;
        case OPT_MODEL:
            s->model = optarg;
            break;
        case OPT_FREE:
            rc = split_names("free", optarg, s->free_names, &s->nfree);
            break;
        case OPT_PER_SERIES:
            rc = split_names("per-series", optarg, s->per_series, &s->nper_series);
            break;
        case OPT_FIXED:
            rc = split_pairs("fixed", optarg, s->fixed_names, s->fixed_values, &s->nfixed);
            break;
        case OPT_START:
            rc = split_pairs("start", optarg, s->start_names, s->start_values, &s->nstart);
            break;
        case OPT_WEIGHTS:
            rc = parse_weights(optarg, &s->weights);
            break;
        case OPT_PROFILE:
            s->profile = 1;
            break;
        default:
            if (!cli_common_option(CMD, c, optarg, common, &rc) &&
                !fit_smp_option(c, optarg, smp, common, &rc))
                return cli_getopt_error(CMD, c, argv);
        }
    }
    if (rc != EXIT_OK)
        return rc;
    if (optind != argc - 1)
        return cli_usage_error(CMD, optind == argc ? "expected one DATA.csv file"
                                                   : "expected one DATA.csv file, got more");
    if (!s->model)
        return cli_usage_error(CMD, "option --model is required (e.g. --model biexp)");
    int is_smp = strcmp(s->model, "smp") == 0;
    if (!is_smp && !smpf_fit_model_find(s->model)) {
        fprintf(stderr, "smpfade %s: option --model: unknown model '%s'; models are:", CMD,
                s->model);
        for (size_t i = 0; i < smpf_fit_nmodels(); i++)
            fprintf(stderr, " %s", smpf_fit_model(i)->name);
        fprintf(stderr, " smp\n");
        return EXIT_USAGE;
    }
    if (!is_smp && smp->given)
        return cli_usage_error(CMD, "the ink, client and schedule options (--ink, --skin, "
                                    "--sessions, ...) apply to --model smp only");
    s->smp_options = is_smp ? smp : NULL;
    s->data_path = argv[optind];
    cli_common_add_input(common, s->data_path);
    return EXIT_OK;
}

int cmd_fit(int argc, char **argv)
{
    fit_settings s = {0};
    fit_smp_options smp_opts;
    fit_smp_setup smp = {0};
    cli_common common = {0};
    int done = 0;
    fit_smp_options_init(&smp_opts);
    int rc = parse(argc, argv, &s, &smp_opts, &common, &done);
    if (rc != EXIT_OK || done)
        return rc;
    if (s.smp_options) {
        if ((rc = fit_smp_build(&smp_opts, &smp)) != EXIT_OK) {
            fit_smp_free(&smp);
            return rc;
        }
        s.smp = &smp;
        if (s.nfree == 0)
            s.nfree = fit_smp_default_free(&s, s.free_names);
    }
    smpf_error_t err = {0};
    fit_observations obs = {0};
    smpf_fit_t *fit = NULL;
    int st = fit_load_observations(s.data_path, &obs, &s.time_column, &err);
    if (st == SMPF_OK) {
        st = run_fit(&s, &obs, &fit, &err);
        if (st != SMPF_OK && st != SMPF_ERR_USAGE)
            smpf_error_prefix(&err, "%s: model %s: ", s.data_path, s.model);
    }
    if (st != SMPF_OK) {
        rc = cli_report(CMD, st, &err);
    } else {
        fit_output_t r = {common.format, &s, &obs, smpf_fit_result(fit)};
        rc = cli_emit(CMD, &common, fit_write, &r);
    }
    smpf_fit_free(fit);
    fit_observations_free(&obs);
    fit_smp_free(&smp);
    return rc;
}
