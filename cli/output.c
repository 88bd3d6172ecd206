/* Output that lands whole or not at all: a temporary file beside the target, renamed
 * over it only when everything was written; never an input file. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

int cli_out_open(const char *cmd, const cli_common *common, cli_out *out)
{
    memset(out, 0, sizeof *out);
    if (!common->output) {
        out->fp = stdout;
        return EXIT_OK;
    }
    for (size_t i = 0; i < common->ninputs; i++)
        if (same_file(common->output, common->inputs[i]))
            return cli_usage_error(cmd, "option --output: '%s' is an input file; refusing to "
                                   "overwrite it", common->output);
    struct stat st;
    if (stat(common->output, &st) == 0 && S_ISDIR(st.st_mode))
        return cli_usage_error(cmd, "option --output: '%s' is a directory", common->output);
    size_t n = strlen(common->output);
    out->path = strdup(common->output);
    out->tmp_path = malloc(n + 16);
    if (!out->path || !out->tmp_path) {
        cli_out_abort(out);
        fprintf(stderr, "smpfade %s: out of memory\n", cmd);
        return EXIT_FAIL;
    }
    snprintf(out->tmp_path, n + 16, "%s.tmp-XXXXXX", common->output);
    int fd = mkstemp(out->tmp_path);
    if (fd < 0) {
        fprintf(stderr, "smpfade %s: cannot create a file beside '%s': %s\n", cmd,
                common->output, strerror(errno));
        free(out->tmp_path);
        out->tmp_path = NULL;
        cli_out_abort(out);
        return EXIT_FAIL;
    }
    fchmod(fd, 0644);
    out->fp = fdopen(fd, "w");
    if (!out->fp) {
        close(fd);
        cli_out_abort(out);
        fprintf(stderr, "smpfade %s: cannot write '%s'\n", cmd, common->output);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

int cli_out_commit(const char *cmd, cli_out *out)
{
    if (!out->path) {
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "smpfade %s: error writing standard output: %s\n", cmd,
                    strerror(errno));
            return EXIT_FAIL;
        }
        return EXIT_OK;
    }
    int bad = ferror(out->fp) || fflush(out->fp) != 0 || fsync(fileno(out->fp)) != 0;
    bad |= fclose(out->fp) != 0;
    out->fp = NULL;
    if (bad || rename(out->tmp_path, out->path) != 0) {
        fprintf(stderr, "smpfade %s: cannot write '%s': %s\n", cmd, out->path, strerror(errno));
        cli_out_abort(out);
        return EXIT_FAIL;
    }
    free(out->tmp_path);
    free(out->path);
    memset(out, 0, sizeof *out);
    return EXIT_OK;
}

void cli_out_abort(cli_out *out)
{
    if (out->fp && out->fp != stdout)
        fclose(out->fp);
    if (out->tmp_path)
        unlink(out->tmp_path);
    free(out->tmp_path);
    free(out->path);
    memset(out, 0, sizeof *out);
}
