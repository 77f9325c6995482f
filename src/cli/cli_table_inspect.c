/* PLACEHOLDER: replaced by the owner of 'floe table inspect'. */
#include <stdio.h>

#include "cli/commands.h"

int floe_cli_table_inspect(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "floe: 'table inspect' is not built yet\n");
    return FLOE_EXIT_ERROR;
}
