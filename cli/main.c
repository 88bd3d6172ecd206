/* smpfade <command> [options]: dispatch to one file per subcommand. */
#include "cli.h"

#include <gsl/gsl_errno.h>
#include <string.h>

static const cli_command commands[] = {
    {"color", cmd_color, "CIE XYZ, L*a*b* (D65, 2°) and sRGB of spectra in a CGATS file"},
    {"fit", cmd_fit, "fit a model's parameters to measured fading series (least squares)"},
    {"project", cmd_project, "when a client's touch-up is due; fading and drift over the years"},
    {"compare", cmd_compare, "inks side by side for one client: touch-ups, drift, residue"},
    {"render", cmd_render, "a picture of the client's dots at several times (PNG, SVG)"},
    {"inks", cmd_inks, "the inks built in and from --inks-file, with their components"},
    {"skins", cmd_skins, "the skin types built in, with their computed colours"},
    {"optics", cmd_optics, "light in a slab (slab), colour of a dot against the skin (skin)"},
    {"merge", cmd_merge, "combine the shards of 'project --samples --shard I/N' into one result"},
};
static const size_t ncommands = sizeof commands / sizeof commands[0];

static void usage(FILE *fp)
{
    fprintf(fp, "Usage: smpfade <command> [options]\n\n"
                "Simulates how scalp micropigmentation and tattoo pigment fades and drifts in\n"
                "hue, and when a touch-up is due.\n\nCommands:\n");
    for (size_t i = 0; i < ncommands; i++)
        fprintf(fp, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(fp, "\n'smpfade <command> --help' describes a command.\n"
                "  --help     this text\n  --version  the version\n\n"
                "Exit codes: 0 ok, 1 failure, 2 usage error, 3 bad input data.\n");
}

int main(int argc, char **argv)
{
    /* The library checks every GSL status itself; GSL must never abort the process. */
    gsl_set_error_handler_off();
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(name, "--version") == 0) {
        printf("smpfade %s\n", SMPF_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < ncommands; i++)
        if (strcmp(name, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "smpfade: unknown command '%s'; commands are:", name);
    for (size_t i = 0; i < ncommands; i++)
        fprintf(stderr, " %s", commands[i].name);
    fprintf(stderr, "\nTry 'smpfade --help'.\n");
    return EXIT_USAGE;
}
