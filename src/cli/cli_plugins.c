/* PLACEHOLDER: replaced by the owner of the 'plugins' command group. */
#include <stdio.h>

#include "cli/commands.h"

int floe_cli_plugins(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "floe: 'plugins' is not built yet\n");
    return FLOE_EXIT_ERROR;
}
