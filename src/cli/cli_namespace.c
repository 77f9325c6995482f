/* PLACEHOLDER: replaced by the owner of the 'namespace' command group. */
#include <stdio.h>

#include "cli/commands.h"

int floe_cli_namespace(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "floe: 'namespace' is not built yet\n");
    return FLOE_EXIT_ERROR;
}
