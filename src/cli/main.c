/* floe: the command-line tool. Dispatches to command groups; each group owns its parsing. */
#include <stdio.h>
#include <string.h>

#include <floe/common.h>
#include <floe/error.h>
#include <floe/log.h>
#include <floe/trace.h>

#include "cli/commands.h"

struct group {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct group groups[] = {
    {"quickstart", floe_cli_quickstart, "build a demo warehouse and walk through floe's main job"},
    {"namespace", floe_cli_namespace, "create, list, describe and drop namespaces"},
    {"table", floe_cli_table, "create, write, scan and inspect Iceberg tables"},
    {"plugins", floe_cli_plugins, "list, inspect and health-check plugins"},
    {"parquet", floe_cli_parquet, "inspect and rewrite Parquet files (schema, meta, cat, rewrite)"},
    {"avro", floe_cli_avro, "print Avro files, manifests and manifest lists (cat)"},
    {"metadata", floe_cli_metadata, "show an Iceberg table metadata file (show)"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: floe [--version] [--help] <command> [<args>]\n\n"
                 "floe creates, writes, reads and maintains Apache Iceberg tables.\n\n"
                 "Commands:\n");
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
        fprintf(out, "  %-10s %s\n", groups[i].name, groups[i].summary);
    fprintf(out, "\nRun 'floe <command> --help' for a command's options.\n\n"
                 "Exit codes:\n"
                 "  0  success\n"
                 "  1  the operation failed\n"
                 "  2  bad command line\n"
                 "  3  a named thing does not exist\n"
                 "  4  a concurrent change, it already exists, or it is not empty\n"
                 "  5  invalid or corrupt input\n"
                 "  6  a health check reported a problem\n\n"
                 "Environment:\n"
                 "  FLOE_LOG_LEVEL              trace|debug|info|warn|error (default warn)\n"
                 "  FLOE_LOG_FORMAT             json|text (default: text on a terminal)\n"
                 "  FLOE_PLUGIN_PATH            colon-separated directories of plugins\n"
                 "  OTEL_EXPORTER_OTLP_ENDPOINT export trace spans over OTLP/HTTP JSON\n");
}

int floe_cli_fail(int code)
{
    const char *msg = floe_error_last();
    fprintf(stderr, "floe: %s\n", msg[0] ? msg : floe_strerror(code));
    switch (code) {
    case FLOE_ENOTFOUND:
        return FLOE_EXIT_NOTFOUND;
    case FLOE_ECONFLICT:
    case FLOE_EEXISTS:
    case FLOE_ENOTEMPTY:
        return FLOE_EXIT_CONFLICT;
    case FLOE_EINVALID:
    case FLOE_ECORRUPT:
    case FLOE_ECONFIG:
    case FLOE_ESCHEMA:
        return FLOE_EXIT_INVALID;
    default:
        return FLOE_EXIT_ERROR;
    }
}

static int run(int argc, char **argv);

int main(int argc, char **argv)
{
    floe_log_init_from_env();
    int rc = run(argc, argv);
    /* Flush spans still queued for the OTLP exporter (a no-op when tracing is off). */
    floe_trace_shutdown();
    return rc;
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return FLOE_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return FLOE_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("floe %s\n", FLOE_VERSION_STRING);
        return FLOE_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
        if (strcmp(cmd, groups[i].name) == 0)
            return groups[i].run(argc - 1, argv + 1);
    fprintf(stderr, "floe: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return FLOE_EXIT_USAGE;
}
