/* PLACEHOLDER: replaced by the owner of the 'table' command group. */
#include <stdio.h>

#include "cli/commands.h"

int floe_cli_table(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "floe: 'table' is not built yet\n");
    return FLOE_EXIT_ERROR;
}
