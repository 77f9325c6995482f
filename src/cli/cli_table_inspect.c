/* `floe table inspect TABLE KIND [--json] [--warehouse DIR]`: a metadata table of TABLE
 * (floe_table_inspect) as aligned columns, or every field as a JSON array with --json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <floe/error.h>
#include <floe/table.h>
#include <floe/table_inspect.h>

#include "base/alloc.h"
#include "base/timeconv.h"
#include "cli/cli_util.h"
#include "cli/commands.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: floe table inspect TABLE KIND [--json] [--warehouse DIR]\n"
            "\n"
            "Prints a metadata table of TABLE. KIND is one of:\n"
            "  snapshots    every snapshot: time, id, parent, operation, summary\n"
            "  history      when each snapshot became current, and whether it is an ancestor\n"
            "               of the current one\n"
            "  refs         branches and tags\n"
            "  manifests    manifests of the current snapshot with their file counts\n"
            "  files        live data and delete files with partition and column metrics\n"
            "  entries      manifest entries of the current snapshot, with status\n"
            "               (0 existing, 1 added, 2 deleted)\n"
            "  partitions   per partition: records, files, bytes, delete files, last update\n"
            "\n"
            "  --json            print every field of every row as a JSON array\n"
            "  --warehouse DIR   warehouse directory (default ./warehouse or $FLOE_WAREHOUSE)\n"
            "  -h, --help        this help\n"
            "\n"
            "Exit codes: 0 ok, 1 error, 2 usage (unknown KIND), 3 table not found.\n");
}

/* The columns shown without --json ("a.b" reads member b of object a). */
static const struct {
    const char *kind;
    const char *columns[8];
} views[] = {
    {"snapshots", {"committed_at", "snapshot_id", "parent_id", "operation", "is_current", NULL}},
    {"history", {"made_current_at", "snapshot_id", "parent_id", "is_current_ancestor", NULL}},
    {"refs",
     {"name", "type", "snapshot_id", "max_reference_age_in_ms", "min_snapshots_to_keep",
      "max_snapshot_age_in_ms", NULL}},
    {"manifests",
     {"content", "added_snapshot_id", "added_data_files_count", "existing_data_files_count",
      "deleted_data_files_count", "added_delete_files_count", "path", NULL}},
    {"files", {"content", "partition", "record_count", "file_size_in_bytes", "file_path", NULL}},
    {"entries",
     {"status", "snapshot_id", "sequence_number", "data_file.content", "data_file.record_count",
      "data_file.file_path", NULL}},
    {"partitions",
     {"partition", "spec_id", "record_count", "file_count", "total_data_file_size_in_bytes",
      "position_delete_file_count", "equality_delete_file_count", NULL}},
};

static const json_t *lookup(const json_t *row, const char *column)
{
    const char *dot = strchr(column, '.');
    if (!dot)
        return json_object_get(row, column);
    char head[64];
    size_t n = (size_t)(dot - column);
    if (n >= sizeof head)
        return NULL;
    memcpy(head, column, n);
    head[n] = '\0';
    return json_object_get(json_object_get(row, head), dot + 1);
}

/* Text of a cell; "*_at" columns (ms since the epoch) as UTC times. (transfer full,
 * floe_free()) */
static char *cell(const json_t *v, const char *column)
{
    char buf[64];
    size_t len = strlen(column);
    if (json_is_integer(v) && len > 3 && strcmp(column + len - 3, "_at") == 0 &&
        floe_format_timestamp(buf, sizeof buf, json_integer_value(v), 3, 1) == 0)
        return floe_strdup(buf);
    if (!v || json_is_null(v))
        return floe_strdup("-");
    if (json_is_string(v))
        return floe_strdup(json_string_value(v));
    if (json_is_integer(v)) {
        snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return floe_strdup(buf);
    }
    if (json_is_boolean(v))
        return floe_strdup(json_is_true(v) ? "true" : "false");
    char *dumped = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    char *copy = dumped ? floe_strdup(dumped) : NULL;
    free(dumped);
    return copy;
}

static int print_table(const json_t *rows, const char *const *cols)
{
    size_t ncol = 0;
    while (cols[ncol])
        ncol++;
    size_t nrow = json_array_size(rows);
    char **text = floe_calloc((nrow + 1) * ncol + 1, sizeof *text);
    size_t *width = floe_calloc(ncol + 1, sizeof *width);
    int rc = text && width ? 0 : floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t c = 0; !rc && c < ncol; c++) {
        text[c] = floe_strdup(cols[c]);
        for (size_t r = 0; r < nrow; r++)
            text[(r + 1) * ncol + c] = cell(lookup(json_array_get(rows, r), cols[c]), cols[c]);
    }
    for (size_t i = 0; !rc && i < (nrow + 1) * ncol; i++) {
        if (!text[i]) {
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
            break;
        }
        size_t len = strlen(text[i]);
        if (len > width[i % ncol])
            width[i % ncol] = len;
    }
    for (size_t r = 0; !rc && r <= nrow; r++)
        for (size_t c = 0; c < ncol; c++) {
            const char *s = text[r * ncol + c];
            if (c + 1 < ncol)
                printf("%-*s  ", (int)width[c], s);
            else
                printf("%s\n", s);
        }
    if (!rc && nrow == 0)
        printf("(no rows)\n");
    for (size_t i = 0; text && i < (nrow + 1) * ncol; i++)
        floe_free(text[i]);
    floe_free(text);
    floe_free(width);
    return rc;
}

int floe_cli_table_inspect(int argc, char **argv)
{
    const char *table = NULL, *kind = NULL, *warehouse = NULL;
    int as_json = 0;
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (floe_cli__is_help(s)) {
            usage(stdout);
            return FLOE_EXIT_OK;
        } else if (strcmp(s, "--json") == 0) {
            as_json = 1;
        } else if (strcmp(s, "--warehouse") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "floe: table inspect: --warehouse needs a value\n");
                return FLOE_EXIT_USAGE;
            }
            warehouse = argv[++i];
        } else if (s[0] == '-' && s[1]) {
            fprintf(stderr, "floe: unknown option '%s' for 'table inspect'\n", s);
            return FLOE_EXIT_USAGE;
        } else if (!table) {
            table = s;
        } else if (!kind) {
            kind = s;
        } else {
            fprintf(stderr, "floe: table inspect: unexpected argument '%s'\n", s);
            return FLOE_EXIT_USAGE;
        }
    }
    size_t view = 0;
    while (kind && view < sizeof views / sizeof views[0] && strcmp(views[view].kind, kind) != 0)
        view++;
    if (!table || !kind || view == sizeof views / sizeof views[0]) {
        fprintf(stderr, "floe: table inspect: %s (see floe table inspect --help)\n",
                !table || !kind ? "TABLE and KIND are required" : "unknown KIND");
        return FLOE_EXIT_USAGE;
    }
    floe_manager_options mo = FLOE_MANAGER_OPTIONS_INIT;
    mo.warehouse = warehouse;
    floe_manager *m = NULL;
    floe_table *t = NULL;
    json_t *rows = NULL;
    int rc = floe_manager_open(&m, &mo);
    if (!rc)
        rc = floe_manager_load_table(&t, m, table);
    if (!rc)
        rc = floe_table_inspect(&rows, t, kind);
    if (!rc)
        rc = as_json ? floe_cli__print_json(rows) : print_table(rows, views[view].columns);
    int exit_code = rc ? floe_cli_fail(rc) : FLOE_EXIT_OK;
    json_decref(rows);
    floe_table_free(t);
    floe_manager_free(m);
    return exit_code;
}
