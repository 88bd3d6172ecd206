/* Turns getopt_long's '?' and ':' results into a message that names the option. */
#include "cli.h"

#include <getopt.h>
#include <string.h>

int cli_getopt_error(const char *cmd, int c, char **argv)
{
    const char *word = argv[optind - 1];
    if (c == ':')
        return cli_usage_error(cmd, "option %s needs a value", word);
    if (optopt && !(word[0] == '-' && word[1] == '-'))
        return cli_usage_error(cmd, "unknown option -%c", optopt);
    return cli_usage_error(cmd, "unknown option '%s'", word);
}
