/* PLACEHOLDER: replaced by the owner of 'floe table upsert'. */
#include <stdio.h>

#include "cli/commands.h"

int floe_cli_table_upsert(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "floe: 'table upsert' is not built yet\n");
    return FLOE_EXIT_ERROR;
}
