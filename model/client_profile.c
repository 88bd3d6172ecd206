/* Client profiles (key,value CSV) and touch-up criteria specifications. */
#include "smpfade.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int smpf_criteria_parse(const char *spec, smpf_criteria_t *out, smpf_error_t *err)
{
    smpf_criteria_t c;
    smpf_criteria_default(&c);
    memset(c.active, 0, sizeof c.active);
    size_t len = strlen(spec);
    if (len == 0 || len > 512)
        return smpf_error_set(err, SMPF_ERR_USAGE, "criteria: expected NAME:VALUE[,NAME:VALUE...]");
    char buf[513];
    memcpy(buf, spec, len + 1);
    char *save = NULL;
    for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(item, ':');
        if (!colon)
            return smpf_error_set(err, SMPF_ERR_USAGE,
                                  "criterion '%s': expected NAME:VALUE, e.g. contrast:0.75", item);
        *colon = '\0';
        int id = smpf_criterion_find(item);
        double v, lo, hi;
        if (id < 0)
            return smpf_error_set(err, SMPF_ERR_USAGE,
                                  "criterion '%s': unknown; choices: contrast, de00, hue, blur", item);
        smpf_criterion_bounds(id, &lo, &hi);
        if (smpf_parse_double(colon + 1, &v) != 0 || v < lo || v > hi)
            return smpf_error_set(err, SMPF_ERR_USAGE,
                                  "criterion %s: '%s' is not a number in [%g, %g]", item, colon + 1,
                                  lo, hi);
        if (c.active[id])
            return smpf_error_set(err, SMPF_ERR_USAGE, "criterion %s is given twice", item);
        c.active[id] = 1;
        c.threshold[id] = v;
    }
    int any = 0;
    for (int i = 0; i < SMPF_CRIT_COUNT; i++)
        any |= c.active[i];
    if (!any) /* "," or ",,": no criterion at all (found by fuzz_client) */
        return smpf_error_set(err, SMPF_ERR_USAGE,
                              "criteria: expected NAME:VALUE[,NAME:VALUE...], got '%s'", spec);
    *out = c;
    return SMPF_OK;
}

/* The numeric keys of a profile, where they go, and their ranges. */
typedef struct {
    const char *key;
    double min, max;
    int integer;
    size_t offset_double; /* into smpf_project_inputs_t, for double fields */
    size_t offset_int;    /* for int fields */
} numeric_key;

#define D(k, lo, hi, field) {k, lo, hi, 0, offsetof(smpf_project_inputs_t, field), 0}
#define I(k, lo, hi, field) {k, lo, hi, 1, 0, offsetof(smpf_project_inputs_t, field)}
static const numeric_key numeric_keys[] = {
    I("skin_type", 1, 6, client.skin_type),
    D("latitude_deg", -90, 90, client.latitude_deg),
    D("outdoor_hours_per_day", 0, 24, client.outdoor_hours_per_day),
    D("spf", 1, 100, client.spf),
    D("sunscreen_use_fraction", 0, 1, client.sunscreen_use_fraction),
    D("hat_fraction", 0, 1, client.hat_fraction),
    D("hair_cover_fraction", 0, 1, client.hair_cover_fraction),
    D("depth_mm", 0.05, 3, depth_mm),
    I("sessions", 1, 8, sessions),
    D("session_interval_days", 1, 365, session_interval_days),
    D("start_day_of_year", 1, 365, start_day_of_year),
    D("years", 0.25, SMPF_PROJECT_MAX_YEARS, years),
};
#undef D
#undef I

static int apply_row(const smpf_table_t *t, size_t row, smpf_project_inputs_t *in,
                     smpf_error_t *err)
{
    const char *key, *value;
    int rc = smpf_table_string(t, row, "key", &key, err);
    if (rc != SMPF_OK)
        return rc;
    value = smpf_table_cell(t, row, (size_t)smpf_table_find(t, "value"));
    const size_t line = smpf_table_line(t, row);
    const int vcol = smpf_table_find(t, "value") + 1;
    if (strcmp(key, "client_id") == 0 || strcmp(key, "notes") == 0)
        return SMPF_OK; /* kept for the clinic; not used by the model */
    if (strcmp(key, "ink") == 0) {
        if (!*value || strlen(value) >= sizeof in->ink)
            return smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu:%d: ink: expected an ink name",
                                  smpf_table_name(t), line, vcol);
        snprintf(in->ink, sizeof in->ink, "%s", value);
        return SMPF_OK;
    }
    if (strcmp(key, "criteria") == 0) {
        rc = smpf_criteria_parse(value, &in->criteria, err);
        if (rc != SMPF_OK) {
            smpf_error_prefix(err, "%s:%zu:%d: ", smpf_table_name(t), line, vcol);
            return SMPF_ERR_DATA;
        }
        return SMPF_OK;
    }
    for (size_t k = 0; k < sizeof numeric_keys / sizeof numeric_keys[0]; k++) {
        const numeric_key *nk = &numeric_keys[k];
        if (strcmp(key, nk->key) != 0)
            continue;
        double v;
        rc = smpf_table_number(t, row, "value", nk->min, nk->max, &v, err);
        if (rc != SMPF_OK)
            return rc;
        if (nk->integer) {
            if (v != floor(v))
                return smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu:%d: %s: expected a whole number",
                                      smpf_table_name(t), line, vcol, key);
            *(int *)((char *)in + nk->offset_int) = (int)v;
        } else {
            *(double *)((char *)in + nk->offset_double) = v;
        }
        return SMPF_OK;
    }
    return smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu:%d: unknown key '%s' (see datasets/FORMATS.md)",
                          smpf_table_name(t), line, smpf_table_find(t, "key") + 1, key);
}

int smpf_client_profile_load(const char *path, smpf_project_inputs_t *in, smpf_error_t *err)
{
    static const char *const columns[] = {"key", "value", NULL};
    smpf_table_t *t;
    int rc = smpf_table_load(path, &t, err);
    if (rc != SMPF_OK)
        return rc;
    smpf_project_inputs_t next = *in;
    rc = smpf_table_expect_columns(t, columns, NULL, err);
    const size_t kcol = (size_t)smpf_table_find(t, "key");
    for (size_t r = 0; rc == SMPF_OK && r < smpf_table_rows(t); r++) {
        for (size_t q = 0; q < r && rc == SMPF_OK; q++)
            if (strcmp(smpf_table_cell(t, q, kcol), smpf_table_cell(t, r, kcol)) == 0)
                rc = smpf_error_set(err, SMPF_ERR_DATA, "%s:%zu:%zu: key '%s' is set twice",
                                    path, smpf_table_line(t, r), kcol + 1,
                                    smpf_table_cell(t, r, kcol));
        if (rc == SMPF_OK)
            rc = apply_row(t, r, &next, err);
    }
    smpf_table_free(t);
    if (rc == SMPF_OK)
        *in = next;
    return rc;
}
