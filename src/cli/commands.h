/* The floe CLI's command groups. Each group lives in its own cli_<group>.c and parses its own
 * arguments; main.c only dispatches. Exit codes are shared by all commands (see cli_exit). */
#ifndef FLOE_CLI_COMMANDS_H
#define FLOE_CLI_COMMANDS_H

/* Exit codes documented in `floe --help`. */
enum {
    FLOE_EXIT_OK = 0,
    FLOE_EXIT_ERROR = 1,    /* the operation failed */
    FLOE_EXIT_USAGE = 2,    /* bad command line */
    FLOE_EXIT_NOTFOUND = 3, /* a named thing does not exist */
    FLOE_EXIT_CONFLICT = 4, /* concurrent change or already exists */
    FLOE_EXIT_INVALID = 5,  /* invalid or corrupt input */
    FLOE_EXIT_UNHEALTHY = 6 /* a health check reported a problem */
};

/* Prints "floe: <last error>" to stderr and maps a FLOE_E* code to an exit code. */
int floe_cli_fail(int code);

int floe_cli_plugins(int argc, char **argv);
int floe_cli_parquet(int argc, char **argv);
int floe_cli_avro(int argc, char **argv);
int floe_cli_metadata(int argc, char **argv);
int floe_cli_namespace(int argc, char **argv);
int floe_cli_table(int argc, char **argv);
int floe_cli_quickstart(int argc, char **argv);
/* `floe table <sub>` subcommands kept in their own files; argv[0] is the first argument after
 * the subcommand name. */
int floe_cli_table_delete(int argc, char **argv);
int floe_cli_table_upsert(int argc, char **argv);
int floe_cli_table_compact(int argc, char **argv);
int floe_cli_table_inspect(int argc, char **argv);

#endif
