/* PLACEHOLDER: replaced by the owner of 'floe table delete'. */
#include <stdio.h>

#include "cli/commands.h"

int floe_cli_table_delete(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "floe: 'table delete' is not built yet\n");
    return FLOE_EXIT_ERROR;
}
