/* Loading the pigment catalogue for a command: the built-in datasets plus a
 * formulator's own files given with --inks-file. */
#include "cli.h"

int cli_load_pigments(const char *cmd, const cli_catalogue_opts *opts, smpf_pigments_t **out)
{
    char buf[4096];
    const char *dir = cli_data_dir(opts->data_dir, buf, sizeof buf);
    smpf_error_t err = {0};
    int rc = smpf_pigments_load(dir, out, &err);
    for (size_t i = 0; rc == SMPF_OK && i < opts->ninks_files; i++)
        rc = smpf_pigments_add_file(*out, opts->inks_files[i], &err);
    if (rc != SMPF_OK) {
        smpf_pigments_free(*out);
        *out = NULL;
        return cli_report(cmd, rc, &err);
    }
    return EXIT_OK;
}

int cli_catalogue_option(const char *cmd, int opt, const char *arg, cli_catalogue_opts *opts,
                         cli_common *common, int *rc)
{
    switch (opt) {
    case OPT_DATA_DIR:
        opts->data_dir = arg;
        return 1;
    case OPT_INKS_FILE:
        if (opts->ninks_files == CLI_MAX_INKS_FILES)
            *rc = cli_usage_error(cmd, "option --inks-file: at most %d files", CLI_MAX_INKS_FILES);
        else {
            opts->inks_files[opts->ninks_files++] = arg;
            cli_common_add_input(common, arg);
        }
        return 1;
    default:
        return 0;
    }
}

int cli_find_ink(const char *cmd, const char *opt, const smpf_pigments_t *p, const char *name,
                 const smpf_ink_t **out)
{
    *out = smpf_pigments_find_ink(p, name);
    if (*out)
        return EXIT_OK;
    char names[2048];
    smpf_pigments_ink_names(p, names, sizeof names);
    return cli_usage_error(cmd, "option --%s: unknown ink '%s'; choices: %s", opt, name, names);
}
