/* Where the built-in datasets are: --data-dir, else $SMPF_DATA_DIR, else beside the
 * executable (installed: <prefix>/share/smpfade/datasets; build tree: ../datasets). */
#include "cli.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *cli_data_dir(const char *option_value, char *buf, size_t size)
{
    if (option_value && *option_value)
        return option_value;
    const char *env = getenv("SMPF_DATA_DIR");
    if (env && *env)
        return env;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            const char *candidates[] = {"/../share/smpfade/datasets", "/../datasets"};
            for (size_t i = 0; i < 2; i++) {
                snprintf(buf, size, "%s%s", exe, candidates[i]);
                if (is_dir(buf))
                    return buf;
            }
        }
    }
    return "datasets";
}
