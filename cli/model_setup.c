/* Loading everything a projection needs: the CIE tables, the pigment catalogue (with a
 * formulator's files), the tissue data and the kinetic parameters. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cli_model_load(const char *cmd, const cli_common *common, const cli_catalogue_opts *cat,
                   cli_model *m)
{
    memset(m, 0, sizeof *m);
    char buf[4096];
    const char *dir = cli_data_dir(cat->data_dir, buf, sizeof buf);
    snprintf(m->data_dir, sizeof m->data_dir, "%s", dir);
    char path[4200];
    snprintf(path, sizeof path, "%s/kinetics_params.csv", dir);
    smpf_error_t err = {0};
    int st = smpf_context_new(common->cie_dir, &m->ctx, &err);
    if (st == SMPF_OK)
        st = smpf_tissue_load(dir, &m->tissue, &err);
    if (st == SMPF_OK)
        st = smpf_kin_params_load(path, &m->kin, &err);
    if (st != SMPF_OK) {
        cli_model_free(m);
        return cli_report(cmd, st, &err);
    }
    int rc = cli_load_pigments(cmd, cat, &m->pigments);
    if (rc != EXIT_OK)
        cli_model_free(m);
    return rc;
}

void cli_model_free(cli_model *m)
{
    smpf_pigments_free(m->pigments);
    smpf_tissue_free(m->tissue);
    smpf_context_free(m->ctx);
    memset(m, 0, sizeof *m);
}

int cli_check_ink(const char *cmd, const cli_model *m, const char *name)
{
    const smpf_ink_t *ink;
    return cli_find_ink(cmd, "ink", m->pigments, name, &ink);
}
