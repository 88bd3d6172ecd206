/* Small helpers shared by the tests: temporary files and running the smpfade command. */
#ifndef SMPF_TEST_UTIL_H
#define SMPF_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

/* A uniform deviate in [0, 1) from a 64-bit linear congruential state (Knuth's MMIX
 * constants): reproducible test inputs, no library state. */
static inline double test_uniform(uint64_t *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*state >> 11) / 9007199254740992.0;
}

/* Writes text to a new temporary file; returns its malloc'ed path. */
static inline char *test_write_temp(const char *suffix, const char *text, size_t len)
{
    char *path = malloc(64);
    snprintf(path, 64, "/tmp/smpf-test-XXXXXX%s", suffix);
    int fd = mkstemps(path, (int)strlen(suffix));
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

/* A new, unique temporary file's malloc'ed path (the file exists, empty): for outputs, so
 * that test runs in several checkouts at once do not write over each other. */
static inline char *test_temp_path(const char *suffix)
{
    return test_write_temp(suffix, "", 0);
}

static inline char *test_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    buf[got] = '\0';
    fclose(f);
    return buf;
}

typedef struct {
    int status;
    char *out, *err;
} test_run_t;

/* Runs "$SMPF_BIN <args>" through the shell, capturing stdout, stderr and the exit code. */
static inline test_run_t test_run_cli(const char *fmt, ...)
{
    const char *bin = getenv("SMPF_BIN");
    if (!bin)
        bin = "build/smpfade";
    char args[4096], cmd[8192], out_path[] = "/tmp/smpf-out-XXXXXX", err_path[] = "/tmp/smpf-err-XXXXXX";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    close(mkstemp(out_path));
    close(mkstemp(err_path));
    snprintf(cmd, sizeof cmd, "%s %s </dev/null >%s 2>%s", bin, args, out_path, err_path);
    int st = system(cmd);
    test_run_t r = {WIFEXITED(st) ? WEXITSTATUS(st) : -1, test_read_file(out_path),
                    test_read_file(err_path)};
    unlink(out_path);
    unlink(err_path);
    return r;
}

static inline void test_run_free(test_run_t *r)
{
    free(r->out);
    free(r->err);
}

/* Checks a run's exit code and that stderr holds err_fragment (NULL: anything), then
 * frees the run. */
static inline void test_expect(test_run_t r, int status, const char *err_fragment)
{
    if (r.status != status)
        fail_msg("exit %d, expected %d; stderr: %s", r.status, status, r.err);
    if (err_fragment && !strstr(r.err, err_fragment))
        fail_msg("stderr '%s' lacks '%s'", r.err, err_fragment);
    test_run_free(&r);
}

static inline int test_starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

#endif
