/* PLACEHOLDER: replaced by the owner of 'floe table compact'. */
#include <stdio.h>

#include "cli/commands.h"

int floe_cli_table_compact(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "floe: 'table compact' is not built yet\n");
    return FLOE_EXIT_ERROR;
}
