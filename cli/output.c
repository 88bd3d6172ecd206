/* Output that lands whole or not at all: a temporary file beside the target, renamed
 * over it only when everything was written; never an input file.  SIGINT, SIGTERM and
 * SIGHUP while the temporary file exists remove it before the process dies. */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The pending temporary files (an output and a picture may be open at once), for the
 * signal handler.  Process-wide state is unavoidable here: a handler sees nothing else.
 * pending_set[i] guards pending_tmp[i]: the path is written before the flag is raised and
 * the flag lowered before the slot is reused. */
#define MAX_PENDING 4
static char pending_tmp[MAX_PENDING][PATH_MAX + 16];
static volatile sig_atomic_t pending_set[MAX_PENDING];

static void unlink_pending_and_die(int sig)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (pending_set[i])
            unlink(pending_tmp[i]); /* async-signal-safe, as are signal() and raise() */
    signal(sig, SIG_DFL);
    raise(sig);
}

void cli_tmp_watch(const char *tmp_path)
{
    static const int signals[] = {SIGINT, SIGTERM, SIGHUP};
    int slot = 0;
    while (slot < MAX_PENDING && pending_set[slot])
        slot++;
    if (slot == MAX_PENDING || strlen(tmp_path) >= sizeof pending_tmp[slot])
        return; /* never with the commands' files; mkstemp fails on such names first */
    memcpy(pending_tmp[slot], tmp_path, strlen(tmp_path) + 1);
    pending_set[slot] = 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = unlink_pending_and_die;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction old;
        /* A signal the caller ignores (nohup) stays ignored. */
        if (sigaction(signals[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(signals[i], &sa, NULL);
    }
}

void cli_tmp_unwatch(const char *tmp_path)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (pending_set[i] && strcmp(pending_tmp[i], tmp_path) == 0)
            pending_set[i] = 0;
}

static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

int cli_output_check(const char *cmd, const cli_common *common)
{
    for (size_t i = 0; i < common->ninputs; i++)
        if (same_file(common->output, common->inputs[i]))
            return cli_usage_error(cmd, "option --output: '%s' is an input file; refusing to "
                                   "overwrite it", common->output);
    struct stat st;
    int exists = stat(common->output, &st) == 0;
    if (exists && S_ISDIR(st.st_mode))
        return cli_usage_error(cmd, "option --output: '%s' is a directory", common->output);
    /* rename() would replace a read-only file; the user protected it, so leave it be. */
    if (exists && access(common->output, W_OK) != 0) {
        fprintf(stderr, "smpfade %s: cannot write '%s': %s\n", cmd, common->output,
                strerror(errno));
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

int cli_out_open(const char *cmd, const cli_common *common, cli_out *out)
{
    memset(out, 0, sizeof *out);
    if (!common->output) {
        out->fp = stdout;
        return EXIT_OK;
    }
    int rc = cli_output_check(cmd, common);
    if (rc != EXIT_OK)
        return rc;
    out->path = strdup(common->output);
    if (!out->path) {
        fprintf(stderr, "smpfade %s: out of memory\n", cmd);
        return EXIT_FAIL;
    }
    struct stat st;
    if (stat(common->output, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* A device or pipe (/dev/stdout, a FIFO): written in place, never replaced. */
        out->fp = fopen(common->output, "w");
        if (!out->fp) {
            fprintf(stderr, "smpfade %s: cannot write '%s': %s\n", cmd, common->output,
                    strerror(errno));
            cli_out_abort(out);
            return EXIT_FAIL;
        }
        return EXIT_OK;
    }
    size_t n = strlen(common->output);
    out->tmp_path = malloc(n + 16);
    if (!out->tmp_path) {
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
    cli_tmp_watch(out->tmp_path);
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
    int bad = ferror(out->fp) || fflush(out->fp) != 0;
    if (out->tmp_path)
        bad |= fsync(fileno(out->fp)) != 0;
    bad |= fclose(out->fp) != 0;
    out->fp = NULL;
    if (bad || (out->tmp_path && rename(out->tmp_path, out->path) != 0)) {
        fprintf(stderr, "smpfade %s: cannot write '%s': %s\n", cmd, out->path, strerror(errno));
        cli_out_abort(out);
        return EXIT_FAIL;
    }
    /* Lowered after the rename: a signal in between unlinks a name that is gone. */
    if (out->tmp_path)
        cli_tmp_unwatch(out->tmp_path);
    free(out->tmp_path);
    free(out->path);
    memset(out, 0, sizeof *out);
    return EXIT_OK;
}

void cli_out_abort(cli_out *out)
{
    if (out->fp && out->fp != stdout)
        fclose(out->fp);
    if (out->tmp_path) {
        unlink(out->tmp_path);
        cli_tmp_unwatch(out->tmp_path);
    }
    free(out->tmp_path);
    free(out->path);
    memset(out, 0, sizeof *out);
}

int cli_emit(const char *cmd, const cli_common *common, cli_writer write, const void *data)
{
    cli_out out;
    int rc = cli_out_open(cmd, common, &out);
    if (rc != EXIT_OK)
        return rc;
    if (write(out.fp, data) != 0) {
        fprintf(stderr, "smpfade %s: cannot write the output\n", cmd);
        cli_out_abort(&out);
        return EXIT_FAIL;
    }
    return cli_out_commit(cmd, &out);
}
