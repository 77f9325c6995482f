/* PLACEHOLDER: replaced by the owner of the 'avro' command group. */
#include <stdio.h>

#include "cli/commands.h"

int floe_cli_avro(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "floe: 'avro' is not built yet\n");
    return FLOE_EXIT_ERROR;
}
