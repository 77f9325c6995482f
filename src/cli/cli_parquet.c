/* PLACEHOLDER: replaced by the owner of the 'parquet' command group. */
#include <stdio.h>

#include "cli/commands.h"

int floe_cli_parquet(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "floe: 'parquet' is not built yet\n");
    return FLOE_EXIT_ERROR;
}
