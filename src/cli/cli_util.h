/* Helpers shared by the CLI's command groups (cli_avro.c, cli_metadata.c, cli_plugins.c):
 * help handling, single-flag option lists and indented JSON output, so that the groups
 * behave alike. */
#ifndef FLOE_CLI_UTIL_H
#define FLOE_CLI_UTIL_H

#include <stdio.h>

#include <jansson.h>

/* 1 when `arg` asks for help ("-h" or "--help"). */
int floe_cli__is_help(const char *arg);

/* Handles a group called without a subcommand, or with "-h", "--help" or "help" in its place:
 * prints `usage` to stderr and sets *exit_code to FLOE_EXIT_USAGE in the first case, to stdout
 * and FLOE_EXIT_OK in the second. Returns 1 when it handled the call, 0 when there is a
 * subcommand to run (argv[1]). */
int floe_cli__group_help(int *exit_code, int argc, char **argv, void (*usage)(FILE *out));

/* Parses a subcommand's options when its only option is the boolean `flag`: *set = 1 when it
 * is given. Any other argument prints "floe: unknown option '<arg>' for '<command>'" and
 * returns FLOE_EXIT_USAGE; returns 0 otherwise. */
int floe_cli__parse_flag(int *set, int argc, char **argv, const char *flag, const char *command);

/* Prints `j` (any JSON value) indented by two spaces, keys in insertion order, then a newline.
 * FLOE_ENOMEM when it cannot be rendered (nothing printed). */
int floe_cli__print_json(const json_t *j);

/* Splits "a, b,c" in place in `buf` into at most `cap` trimmed, non-empty items; returns how
 * many. */
size_t floe_cli__split_list(char *buf, const char **items, size_t cap);

#endif
