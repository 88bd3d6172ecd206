/* The fast optics' table of a default projection at a given needle depth, for the tests of
 * the tables' internals (include after model_fixture.h and projection_fast_internal.h). */
#ifndef SMPF_FAST_TABLE_FIXTURE_H
#define SMPF_FAST_TABLE_FIXTURE_H

/* One projection (one year, the default client, the ink named) leaves its table in
 * pj->table. */
static const optics_table_t *fast_table_of(const char *ink, double depth_mm)
{
    smpf_error_t err = {0};
    smpf_project_inputs_t in;
    smpf_project_inputs_default(&in);
    snprintf(in.ink, sizeof in.ink, "%s", ink);
    in.depth_mm = depth_mm;
    in.years = 1;
    in.step_months = 12;
    smpf_project_params_t par;
    assert_int_equal(smpf_project_params_median(pigments, tissue, &kin, &in, &par, &err), SMPF_OK);
    smpf_projection_t pr;
    assert_int_equal(smpf_project(pj, &in, &par, &pr, &err), SMPF_OK);
    smpf_projection_free(&pr);
    assert_non_null(pj->table);
    return pj->table;
}

/* The same with the default ink. */
static const optics_table_t *fast_table_at(double depth_mm)
{
    smpf_project_inputs_t in;
    smpf_project_inputs_default(&in);
    return fast_table_of(in.ink, depth_mm);
}

#endif
