/* PLACEHOLDER: replaced by the owner of the 'metadata' command group. */
#include <stdio.h>

#include "cli/commands.h"

int floe_cli_metadata(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "floe: 'metadata' is not built yet\n");
    return FLOE_EXIT_ERROR;
}
