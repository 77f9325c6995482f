/* PLACEHOLDER: replaced by the owner of the 'quickstart' command. */
#include <stdio.h>

#include "cli/commands.h"

int floe_cli_quickstart(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "floe: 'quickstart' is not built yet\n");
    return FLOE_EXIT_ERROR;
}
