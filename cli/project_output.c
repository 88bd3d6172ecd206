/* Writing a projection: a table for people, CSV of the timeline, JSON with everything. */
#include "cli.h"

#include <math.h>
#include <string.h>

static const char *const timeline_columns[] = {"years",    "fraction_remaining", "L",      "a",
                                               "b",        "C",                  "h",      "dE00",
                                               "contrast", "cast_h",             "cast_ratio",
                                               "blur",     "hex"};
#define NTIMELINE (sizeof timeline_columns / sizeof timeline_columns[0])

static json_t *json_num_or_null(double v) { return isfinite(v) ? json_real(v) : json_null(); }

static void fill_timeline(const smpf_projection_t *pr, cli_table *t)
{
    cli_table_init(t, timeline_columns, NTIMELINE);
    for (size_t i = 0; i < pr->npoints; i++) {
        const smpf_timeline_point_t *p = &pr->points[i];
        long r = cli_table_add_row(t);
        if (r < 0)
            return;
        const double v[] = {p->years,    p->fraction_remaining, p->L,     p->a,
                            p->b,        p->C,                  p->h,     p->dE00,
                            p->contrast, p->cast_h,             p->cast_ratio, p->blur};
        const int digits[] = {2, 3, 2, 2, 2, 2, 1, 2, 3, 1, 3, 3};
        for (size_t j = 0; j < 12; j++)
            cli_table_num(t, (size_t)r, j, v[j], digits[j]);
        char hex[8];
        smpf_color_hex(p->rgb, hex);
        cli_table_text(t, (size_t)r, 12, hex);
    }
}

json_t *cli_criteria_json(const smpf_criteria_t *c)
{
    json_t *o = json_object();
    for (int i = 0; i < SMPF_CRIT_COUNT; i++)
        if (c->active[i])
            json_object_set_new(o, smpf_criterion_name(i), json_real(c->threshold[i]));
    return o;
}

json_t *cli_inputs_json(const smpf_project_inputs_t *in, const smpf_project_params_t *par,
                        const cli_model *m, const cli_catalogue_opts *cat)
{
    json_t *kin = json_object();
    for (int i = 0; i < SMPF_KP_COUNT; i++)
        json_object_set_new(kin, smpf_kin_param_name(i), json_real(par->kin.value[i]));
    json_t *comps = json_array();
    for (size_t c = 0; c < par->ink.ncomponents; c++) {
        const smpf_kin_component_t *k = &par->ink.component[c];
        json_array_append_new(comps, json_pack("{s:s, s:f, s:f, s:f, s:f}", "name", k->name,
                                               "fraction", k->fraction, "particle_size_nm",
                                               k->particle_size_nm, "uv_beta_cm2_per_J",
                                               k->uv_beta_cm2_per_J, "k_bio_per_day",
                                               k->k_bio_per_day));
    }
    json_t *files = json_array();
    for (size_t i = 0; i < cat->ninks_files; i++)
        json_array_append_new(files, cli_json_string(cat->inks_files[i]));
    return json_pack(
        "{s:s, s:i, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:i, s:f, s:f, s:f, s:i, s:b, s:o,"
        " s:o, s:o, s:{s:f, s:f, s:f, s:f}, s:f, s:o, s:o, s:o}",
        "ink", in->ink, "skin_type", in->client.skin_type, "depth_mm",
        par->kin.value[SMPF_KP_NEEDLE_DEPTH_MM], "latitude_deg", in->client.latitude_deg,
        "outdoor_hours_per_day", in->client.outdoor_hours_per_day, "spf", in->client.spf,
        "sunscreen_use_fraction", in->client.sunscreen_use_fraction, "hat_fraction",
        in->client.hat_fraction, "hair_cover_fraction", in->client.hair_cover_fraction,
        "sessions", in->sessions, "session_interval_days", in->session_interval_days,
        "start_day_of_year", in->start_day_of_year, "years", in->years, "step_months",
        in->step_months, "touchups", in->touchups, "criteria", cli_criteria_json(&in->criteria),
        "kinetic_parameters", kin, "components", comps, "skin_optics", "melanin_fraction",
        par->skin.melanin_fraction, "epidermis_thickness_mm", par->skin.epidermis_thickness_mm,
        "blood_fraction", par->skin.blood_fraction, "saturation", par->skin.saturation,
        "pigment_column_mm", par->column_mm, "data_dir", cli_json_string(m->data_dir),
        "inks_files", files, "cie_dir", cli_json_string(smpf_context_cie_dir(m->ctx)));
}

static json_t *touchups_json(const smpf_projection_t *pr)
{
    json_t *a = json_array();
    for (size_t i = 0; i < pr->ntouchups; i++)
        json_array_append_new(a, json_real(pr->touchups_years[i]));
    return a;
}

static json_t *limits_json(const smpf_projection_t *pr)
{
    json_t *o = json_object();
    for (int i = 0; i < SMPF_CRIT_COUNT; i++)
        json_object_set_new(o, smpf_criterion_name(i), json_num_or_null(pr->limit_years[i]));
    return o;
}

static json_t *cast_json(const smpf_cast_t *c, smpf_rgb8_t dot_rgb, smpf_rgb8_t skin_rgb)
{
    char dot_hex[8], skin_hex[8];
    smpf_color_hex(dot_rgb, dot_hex);
    smpf_color_hex(skin_rgb, skin_hex);
    return json_pack("{s:{s:f, s:f, s:f, s:s}, s:{s:f, s:f, s:f, s:s}, s:f, s:f, s:f, s:f, s:f}",
                     "dot", "L", c->dot.L, "a", c->dot.a, "b", c->dot.b, "hex", dot_hex, "skin",
                     "L", c->skin.L, "a", c->skin.a, "b", c->skin.b, "hex", skin_hex, "dE00",
                     c->de00, "dL", c->dL, "cast_h", c->cast_hue_deg, "cast_C", c->cast_chroma,
                     "cast_ratio", c->cast_ratio);
}

static json_t *bands_json(const smpf_projection_t *pr, const smpf_ensemble_t *e)
{
    json_t *a = json_array();
    for (size_t p = 0; p < smpf_ensemble_npoints(e) && p < pr->npoints; p++) {
        json_t *o = json_pack("{s:f}", "years", pr->points[p].years);
        for (int b = 0; b < SMPF_BAND_COUNT; b++) {
            static const double q[3] = {0.1, 0.5, 0.9};
            static const char *const suffix[3] = {"_p10", "_p50", "_p90"};
            for (int k = 0; k < 3; k++) {
                char key[64];
                snprintf(key, sizeof key, "%s%s", smpf_band_name(b), suffix[k]);
                json_object_set_new(o, key, json_real(smpf_ensemble_band_quantile(e, p, b, q[k])));
            }
        }
        json_array_append_new(a, o);
    }
    return a;
}

static int write_json(FILE *fp, const cli_project_result *res)
{
    const smpf_projection_t *pr = res->pr;
    cli_table t;
    fill_timeline(pr, &t);
    smpf_rgb8_t healed_rgb = smpf_color_srgb(res->m->ctx, pr->healed.dot_xyz);
    json_t *root = json_pack(
        "{s:s, s:s, s:s, s:I, s:o, s:o, s:i, s:o, s:b, s:o, s:o, s:{s:f, s:f, s:f, s:f}, s:o}",
        "version", SMPF_VERSION, "illuminant", "D65", "observer", "CIE 1931 2°", "seed",
        (json_int_t)res->seed, "touchup_years", json_num_or_null(pr->touchup_years),
        "touchup_criterion",
        pr->touchup_criterion >= 0 ? json_string(smpf_criterion_name(pr->touchup_criterion))
                                   : json_null(),
        "touchups_in_horizon", (int)pr->ntouchups, "touchups", touchups_json(pr),
        "touchups_truncated", pr->touchups_truncated,
        "limit_years", limits_json(pr), "healed", cast_json(&pr->healed, healed_rgb, pr->skin_rgb),
        "without_touchups_at_horizon", "fraction_remaining", pr->natural_fraction_remaining,
        "dE00", pr->natural_dE00, "hue_shift_deg", pr->natural_hue_shift_deg, "contrast",
        pr->natural_contrast, "timeline", cli_table_to_json(&t));
    cli_table_free(&t);
    if (!root)
        return -1;
    json_object_set(root, "inputs", res->inputs); /* the caller keeps its reference */
    if (res->ensemble) {
        const smpf_ensemble_t *e = res->ensemble;
        json_object_set_new(root, "samples", json_integer((json_int_t)smpf_ensemble_samples(e)));
        json_object_set_new(root, "samples_invisible",
                            json_integer((json_int_t)smpf_ensemble_invisible(e)));
        json_object_set_new(root, "touchup_years_p10",
                            json_num_or_null(smpf_ensemble_touchup_quantile(e, 0.1)));
        json_object_set_new(root, "touchup_years_p50",
                            json_num_or_null(smpf_ensemble_touchup_quantile(e, 0.5)));
        json_object_set_new(root, "touchup_years_p90",
                            json_num_or_null(smpf_ensemble_touchup_quantile(e, 0.9)));
        json_object_set_new(root, "bands", bands_json(pr, e));
    }
    int rc = cli_json_write(fp, root);
    json_decref(root);
    return rc;
}

static void write_years(FILE *fp, double years)
{
    if (isfinite(years))
        fprintf(fp, "%.2f years", years);
    else
        fprintf(fp, "beyond the horizon");
}

static int write_text(FILE *fp, const cli_project_result *res)
{
    const smpf_projection_t *pr = res->pr;
    const smpf_project_inputs_t *in = res->in;
    const smpf_project_params_t *par = res->par;
    const smpf_ink_t *ink = smpf_pigments_find_ink(res->m->pigments, in->ink);
    fprintf(fp, "# smpfade %s project: ink %s (%s), skin type %d, needle depth %.2f mm, "
                "latitude %.1f, %.1f h outdoors/day, SPF %g used %.0f %%, hat %.0f %%, hair "
                "cover %.0f %%\n",
            SMPF_VERSION, in->ink, ink && ink->temporary ? "temporary" : "permanent",
            in->client.skin_type, par->kin.value[SMPF_KP_NEEDLE_DEPTH_MM],
            in->client.latitude_deg, in->client.outdoor_hours_per_day, in->client.spf,
            100 * in->client.sunscreen_use_fraction, 100 * in->client.hat_fraction,
            100 * in->client.hair_cover_fraction);
    fprintf(fp, "# %d sessions %g days apart from day %g; horizon %g years; criteria:",
            in->sessions, in->session_interval_days, in->start_day_of_year, in->years);
    for (int i = 0; i < SMPF_CRIT_COUNT; i++)
        if (in->criteria.active[i])
            fprintf(fp, " %s:%g", smpf_criterion_name(i), in->criteria.threshold[i]);
    char dot_hex[8], skin_hex[8];
    smpf_color_hex(smpf_color_srgb(res->m->ctx, pr->healed.dot_xyz), dot_hex);
    smpf_color_hex(pr->skin_rgb, skin_hex);
    fprintf(fp, "\n# healed dot (%g days after the last session): L* %.1f a* %.1f b* %.1f %s "
                "on skin L* %.1f a* %.1f b* %.1f %s; cast hue %.0f°, cast ratio %.2f\n",
            SMPF_HEALED_AFTER_DAYS, pr->healed.dot.L, pr->healed.dot.a, pr->healed.dot.b, dot_hex,
            pr->healed.skin.L, pr->healed.skin.a, pr->healed.skin.b, skin_hex,
            pr->healed.cast_hue_deg, pr->healed.cast_ratio);
    if (fabs(pr->healed.dL) < 1.0)
        fprintf(fp, "# note: the healed dot is barely visible against the skin (ΔL* %.2f); "
                    "contrast and ΔE00 relative to it are fragile\n", pr->healed.dL);
    fprintf(fp, "# CIELAB under D65, CIE 1931 2°; times in years from the first session; "
                "seed %llu\n", (unsigned long long)res->seed);
    cli_table t;
    fill_timeline(pr, &t);
    cli_table_write_text(fp, &t);
    cli_table_free(&t);
    fprintf(fp, "\nFirst touch-up due: ");
    write_years(fp, pr->touchup_years);
    if (pr->touchup_criterion >= 0)
        fprintf(fp, " (%s crossed %g)", smpf_criterion_name(pr->touchup_criterion),
                in->criteria.threshold[pr->touchup_criterion]);
    fprintf(fp, "\n");
    if (in->touchups) {
        fprintf(fp, "Touch-ups in %g years: %zu", in->years, pr->ntouchups);
        for (size_t i = 0; i < pr->ntouchups; i++)
            fprintf(fp, "%s%.2f", i ? ", " : " at ", pr->touchups_years[i]);
        fprintf(fp, pr->touchups_truncated ? " (more were due: only the first %d are laid)\n"
                                           : "\n", SMPF_PROJECT_MAX_TOUCHUPS);
    }
    for (int i = 0; i < SMPF_CRIT_COUNT; i++) {
        if (!isfinite(pr->limit_years[i]))
            continue;
        if (i == SMPF_CRIT_BLUR)
            fprintf(fp, "Blur: the dots' width reaches %g x their spacing at %.2f years (reported; "
                        "no touch-up is laid for blur)\n", in->criteria.threshold[i],
                    pr->limit_years[i]);
        else
            fprintf(fp, "Limit: %s is still crossed once a touch-up has healed, from %.2f years: "
                        "touch-ups no longer restore it\n", smpf_criterion_name(i),
                    pr->limit_years[i]);
    }
    fprintf(fp, "Without touch-ups at %g years: %.0f %% of the pigment remains, ΔE00 %.1f from "
                "the healed dot, contrast %.0f %% of healed, cast hue moved %+.1f°\n",
            in->years, 100 * pr->natural_fraction_remaining, pr->natural_dE00,
            100 * pr->natural_contrast, pr->natural_hue_shift_deg);
    if (res->ensemble) {
        const smpf_ensemble_t *e = res->ensemble;
        fprintf(fp, "Ensemble of %llu samples (seed %llu%s): first touch-up p10 ",
                (unsigned long long)smpf_ensemble_samples(e), (unsigned long long)res->seed,
                smpf_ensemble_invisible(e) ? "; of the samples with a visible dot" : "");
        write_years(fp, smpf_ensemble_touchup_quantile(e, 0.1));
        fprintf(fp, ", p50 ");
        write_years(fp, smpf_ensemble_touchup_quantile(e, 0.5));
        fprintf(fp, ", p90 ");
        write_years(fp, smpf_ensemble_touchup_quantile(e, 0.9));
        fprintf(fp, "\n");
        if (smpf_ensemble_invisible(e))
            fprintf(fp, "Left out: %llu samples whose healed dot is indistinguishable from the "
                        "skin\n",
                    (unsigned long long)smpf_ensemble_invisible(e));
    }
    return ferror(fp) ? -1 : 0;
}

int cli_project_write(FILE *fp, cli_format format, const cli_project_result *res)
{
    if (format == FMT_JSON)
        return write_json(fp, res);
    if (format == FMT_CSV) {
        cli_table t;
        fill_timeline(res->pr, &t);
        int rc = cli_table_write_csv(fp, &t);
        cli_table_free(&t);
        return rc;
    }
    return write_text(fp, res);
}
