/* Output of `smpfade fit`: a table for people, CSV (one row per parameter) and JSON.
 * Every output carries the version and the effective settings; a number that does not
 * exist (a fixed parameter's stderr, an open profile limit, AICc with too few points) is
 * written as null / empty, never as NaN. */
#include "fit_cli.h"

#include <math.h>
#include <string.h>

static const char *const param_cols[] = {"name",     "estimate",      "stderr",
                                         "ci95_low", "ci95_high",     "fixed",
                                         "profile95_low", "profile95_high"};
enum { NCOLS_BASE = 6, NCOLS_PROFILE = 8 };

static json_t *num_or_null(int has, double v)
{
    return (has && isfinite(v)) ? json_real(v) : json_null();
}

static json_t *settings_json(const fit_settings *s)
{
    json_t *free_ = json_array(), *per = json_array(), *fixed = json_object(),
           *start = json_object();
    for (size_t i = 0; i < s->nfree; i++)
        json_array_append_new(free_, json_string(s->free_names[i]));
    for (size_t i = 0; i < s->nper_series; i++)
        json_array_append_new(per, json_string(s->per_series[i]));
    for (size_t i = 0; i < s->nfixed; i++)
        json_object_set_new(fixed, s->fixed_names[i], json_real(s->fixed_values[i]));
    for (size_t i = 0; i < s->nstart; i++)
        json_object_set_new(start, s->start_names[i], json_real(s->start_values[i]));
    json_t *o = json_pack("{s:o, s:s, s:s, s:f, s:s, s:o, s:o, s:o, s:o, s:b}", "data",
                          cli_json_string(s->data_path), "model", s->model, "time_column", s->time_column,
                          "days_per_year", FIT_DAYS_PER_YEAR, "weights",
                          smpf_fit_weights_name(s->weights), "free", free_, "fixed", fixed,
                          "start", start, "per_series", per, "profile", s->profile);
    if (o && s->smp)
        json_object_set_new(o, "smp", fit_smp_inputs_json(s->smp_options, s->smp));
    return o;
}

static json_t *params_json(const smpf_fit_result_t *r, int profile)
{
    json_t *a = json_array();
    for (size_t i = 0; i < r->nparams; i++) {
        const smpf_fit_param_t *p = &r->params[i];
        json_t *o = json_pack("{s:s, s:f, s:o, s:o, s:o, s:b}", "name", p->name, "estimate",
                              p->estimate, "stderr", num_or_null(!p->fixed, p->std_error),
                              "ci95_low", num_or_null(!p->fixed, p->ci95_low), "ci95_high",
                              num_or_null(!p->fixed, p->ci95_high), "fixed", p->fixed);
        if (profile) {
            json_object_set_new(o, "profile95_low",
                                num_or_null(p->profiled && p->has_profile_low, p->profile95_low));
            json_object_set_new(o, "profile95_high", num_or_null(p->profiled && p->has_profile_high,
                                                                 p->profile95_high));
        }
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *residuals_json(const fit_observations *obs, const smpf_fit_result_t *r)
{
    json_t *a = json_array();
    for (size_t i = 0; i < obs->n; i++)
        json_array_append_new(
            a, json_pack("{s:s, s:f, s:f, s:f, s:f}", "series",
                         obs->series_names[obs->series[i]], "t_days", obs->t_days[i], "value",
                         obs->value[i], "fitted", r->fitted[i], "residual", r->residual[i]));
    return a;
}

/* {"parameters": [free names], "matrix": [[...], ...]} */
static json_t *covariance_json(const smpf_fit_result_t *r)
{
    json_t *names = json_array(), *rows = json_array();
    size_t k = r->nfree;
    for (size_t i = 0; i < r->nparams; i++)
        if (!r->params[i].fixed)
            json_array_append_new(names, json_string(r->params[i].name));
    for (size_t a = 0; a < k; a++) {
        json_t *row = json_array();
        for (size_t b = 0; b < k; b++)
            json_array_append_new(row, json_real(r->covariance[a * k + b]));
        json_array_append_new(rows, row);
    }
    return json_pack("{s:o, s:o}", "parameters", names, "matrix", rows);
}

static int write_json(FILE *fp, const fit_settings *s, const fit_observations *obs,
                      const smpf_fit_result_t *r)
{
    json_t *root = json_pack(
        "{s:s, s:s, s:o, s:o, s:f, s:I, s:I, s:I, s:o, s:o, s:o, s:I, s:s, s:b, s:I, s:s, s:s, "
        "s:f, s:f, s:f, s:o, s:o}",
        "version", SMPF_VERSION, "model", s->model, "inputs", settings_json(s), "parameters",
        params_json(r, s->profile), "rss", r->rss, "n", (json_int_t)r->n, "dof",
        (json_int_t)r->dof, "nfree", (json_int_t)r->nfree, "aic", num_or_null(r->has_aic, r->aic),
        "aicc", num_or_null(r->has_aicc, r->aicc), "bic", num_or_null(r->has_aic, r->bic),
        "k_information", (json_int_t)r->k_info, "information_criteria", r->information_method,
        "converged", r->converged, "iterations", (json_int_t)r->iterations, "covariance_method",
        r->covariance_method, "interval_method", r->interval_method, "ci95_multiplier",
        r->t_quantile, "condition_number", r->condition_number, "sigma_hat", r->sigma_hat,
        "covariance", covariance_json(r), "residuals", residuals_json(obs, r));
    int rc = root ? cli_json_write(fp, root) : -1;
    json_decref(root);
    return rc;
}

static void text_num(cli_table *t, size_t row, size_t col, int has, double v, const char *fmt)
{
    char buf[64];
    if (!has || !isfinite(v)) {
        cli_table_null(t, row, col);
        return;
    }
    snprintf(buf, sizeof buf, fmt, v);
    cli_table_text(t, row, col, buf);
}

static int fill_params(cli_table *t, const smpf_fit_result_t *r, const char *fmt)
{
    for (size_t i = 0; i < r->nparams; i++) {
        const smpf_fit_param_t *p = &r->params[i];
        long row = cli_table_add_row(t);
        if (row < 0)
            return -1;
        size_t k = (size_t)row;
        cli_table_text(t, k, 0, p->name);
        text_num(t, k, 1, 1, p->estimate, fmt);
        text_num(t, k, 2, !p->fixed, p->std_error, fmt);
        text_num(t, k, 3, !p->fixed, p->ci95_low, fmt);
        text_num(t, k, 4, !p->fixed, p->ci95_high, fmt);
        cli_table_text(t, k, 5, p->fixed ? "yes" : "no");
        if (t->ncols == NCOLS_PROFILE) {
            text_num(t, k, 6, p->profiled && p->has_profile_low, p->profile95_low, fmt);
            text_num(t, k, 7, p->profiled && p->has_profile_high, p->profile95_high, fmt);
        }
    }
    return 0;
}

static void settings_comment(FILE *fp, const fit_settings *s, const smpf_fit_result_t *r)
{
    fprintf(fp, "# smpfade %s fit %s: model %s, weights %s, time from %s", SMPF_VERSION,
            s->data_path, s->model, smpf_fit_weights_name(s->weights), s->time_column);
    if (strcmp(s->time_column, "t_years") == 0)
        fprintf(fp, " (x %.2f d/yr)", FIT_DAYS_PER_YEAR);
    for (size_t i = 0; i < s->nfixed; i++)
        fprintf(fp, "%s%s=%g", i ? "," : ", fixed ", s->fixed_names[i], s->fixed_values[i]);
    for (size_t i = 0; i < s->nfree; i++)
        fprintf(fp, "%s%s", i ? "," : ", free ", s->free_names[i]);
    for (size_t i = 0; i < s->nstart; i++)
        fprintf(fp, "%s%s=%g", i ? "," : ", start ", s->start_names[i], s->start_values[i]);
    for (size_t i = 0; i < s->nper_series; i++)
        fprintf(fp, "%s%s", i ? "," : ", per series ", s->per_series[i]);
    fprintf(fp, "\n");
    if (s->smp)
        fit_smp_comment(fp, s->smp_options, s->smp);
    fprintf(fp, "# covariance: %s; CI: %s\n", r->covariance_method, r->interval_method);
}

static int write_text(FILE *fp, const fit_settings *s, const fit_observations *obs,
                      const smpf_fit_result_t *r, cli_table *t)
{
    settings_comment(fp, s, r);
    if (cli_table_write_text(fp, t) != 0)
        return -1;
    fprintf(fp, "\nrss %.6g  n %zu  dof %zu  sigma_hat %.4g  converged %s (%zu iterations)\n",
            r->rss, r->n, r->dof, r->sigma_hat, r->converged ? "yes" : "no", r->iterations);
    if (r->has_aic)
        fprintf(fp, "AIC %.4f  BIC %.4f  AICc ", r->aic, r->bic);
    else
        fprintf(fp, "AIC, BIC n/a (rss = 0)  AICc ");
    if (r->has_aicc)
        fprintf(fp, "%.4f", r->aicc);
    else
        fprintf(fp, "n/a (n - k - 1 <= 0)");
    fprintf(fp, "  (k = %zu; %s)\n", r->k_info, r->information_method);
    fprintf(fp, "condition number of J (unit-norm columns) %.4g\n\nresiduals:\n",
            r->condition_number);
    fprintf(fp, "%-12s %12s %12s %12s %12s\n", "series", "t_days", "value", "fitted", "residual");
    for (size_t i = 0; i < obs->n; i++)
        fprintf(fp, "%-12s %12.6g %12.6g %12.6g %12.4g\n", obs->series_names[obs->series[i]],
                obs->t_days[i], obs->value[i], r->fitted[i], r->residual[i]);
    return ferror(fp) ? -1 : 0;
}

int fit_write(FILE *fp, const void *data)
{
    const fit_output_t *out = data;
    const cli_format format = out->format;
    const fit_settings *s = out->s;
    const fit_observations *obs = out->obs;
    const smpf_fit_result_t *r = out->r;
    if (format == FMT_JSON)
        return write_json(fp, s, obs, r);
    cli_table t;
    cli_table_init(&t, param_cols, s->profile ? NCOLS_PROFILE : NCOLS_BASE);
    int rc = fill_params(&t, r, format == FMT_CSV ? "%.10g" : "%.6g");
    if (rc == 0 && format == FMT_CSV) {
        settings_comment(fp, s, r);
        rc = cli_table_write_csv(fp, &t);
    } else if (rc == 0) {
        rc = write_text(fp, s, obs, r, &t);
    }
    cli_table_free(&t);
    return rc;
}
