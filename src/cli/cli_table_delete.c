/* `floe table delete TABLE --filter EXPR [--branch NAME] [--dry-run] [--warehouse DIR] [--json]`:
 * removes the rows matching a filter (copy-on-write, floe_table_delete_rows). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include <floe/error.h>
#include <floe/table.h>
#include <floe/table_delete.h>

#include "cli/cli_util.h"
#include "cli/commands.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: floe table delete TABLE --filter EXPR [--branch NAME] [--dry-run]\n"
            "                         [--warehouse DIR] [--json]\n"
            "\n"
            "Deletes the rows of TABLE matching EXPR (e.g. \"region = 'us' and id < 10\").\n"
            "Data files whose rows all match are dropped; files where only some rows match are\n"
            "rewritten without them. One snapshot is committed (operation \"delete\" when only\n"
            "whole files were dropped, else \"overwrite\"); none when no row matches.\n"
            "\n"
            "  --filter EXPR     rows to delete (required)\n"
            "  --branch NAME     delete from an existing branch (main stays as it is)\n"
            "  --dry-run         report what would be deleted; change nothing\n"
            "  --warehouse DIR   warehouse directory (default ./warehouse or $FLOE_WAREHOUSE)\n"
            "  --json            print the result as a JSON object\n"
            "  -h, --help        this help\n"
            "\n"
            "Exit codes: 0 ok, 1 error, 2 usage, 3 table not found, 4 concurrent change,\n"
            "5 invalid filter.\n");
}

struct args {
    const char *table, *filter, *warehouse, *branch;
    int dry_run, json;
};

/* Returns -1 when help was printed, FLOE_EXIT_USAGE on a bad command line, 0 otherwise. */
static int parse(struct args *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (floe_cli__is_help(s)) {
            usage(stdout);
            return -1;
        } else if (strcmp(s, "--dry-run") == 0) {
            a->dry_run = 1;
        } else if (strcmp(s, "--json") == 0) {
            a->json = 1;
        } else if (strcmp(s, "--filter") == 0 || strcmp(s, "--warehouse") == 0 ||
                   strcmp(s, "--branch") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "floe: table delete: %s needs a value\n", s);
                return FLOE_EXIT_USAGE;
            }
            if (s[2] == 'f')
                a->filter = argv[++i];
            else if (s[2] == 'b')
                a->branch = argv[++i];
            else
                a->warehouse = argv[++i];
        } else if (s[0] == '-' && s[1]) {
            fprintf(stderr, "floe: unknown option '%s' for 'table delete'\n", s);
            return FLOE_EXIT_USAGE;
        } else if (!a->table) {
            a->table = s;
        } else {
            fprintf(stderr, "floe: table delete: unexpected argument '%s'\n", s);
            return FLOE_EXIT_USAGE;
        }
    }
    if (!a->table || !a->filter || !*a->filter) {
        fprintf(stderr, "floe: table delete: TABLE and --filter EXPR are required "
                        "(see floe table delete --help)\n");
        return FLOE_EXIT_USAGE;
    }
    return 0;
}

static int print_result(const struct args *a, const floe_write_result *r)
{
    if (a->json) {
        json_t *j = json_object();
        if (!j)
            return floe_cli_fail(floe_error_set(FLOE_ENOMEM, "out of memory"));
        json_object_set_new(j, "table", json_string(a->table));
        json_object_set_new(j, "filter", json_string(a->filter));
        json_object_set_new(j, "branch", json_string(a->branch ? a->branch : "main"));
        json_object_set_new(j, "dry_run", json_boolean(a->dry_run));
        json_object_set_new(j, "snapshot_id",
                            r->snapshot_id ? json_integer(r->snapshot_id) : json_null());
        json_object_set_new(j, "deleted_records", json_integer(r->deleted_records));
        json_object_set_new(j, "removed_files", json_integer(r->deleted_files));
        json_object_set_new(j, "rewritten_files", json_integer(r->added_files));
        json_object_set_new(j, "rewritten_records", json_integer(r->added_records));
        json_object_set_new(j, "attempts", json_integer(r->attempts));
        int rc = floe_cli__print_json(j);
        json_decref(j);
        return rc ? floe_cli_fail(rc) : FLOE_EXIT_OK;
    }
    if (r->deleted_records == 0 && r->deleted_files == 0) {
        printf("no rows of %s match '%s'; nothing changed\n", a->table, a->filter);
        return FLOE_EXIT_OK;
    }
    if (a->dry_run)
        printf("dry run: would delete %" PRId64 " rows of %s (%" PRId64
               " data files removed or rewritten); nothing changed\n",
               r->deleted_records, a->table, r->deleted_files);
    else
        printf("deleted %" PRId64 " rows of %s: %" PRId64 " data files removed, %" PRId64
               " files written for the remaining %" PRId64 " rows; snapshot %" PRId64 "\n",
               r->deleted_records, a->table, r->deleted_files, r->added_files, r->added_records,
               r->snapshot_id);
    return FLOE_EXIT_OK;
}

int floe_cli_table_delete(int argc, char **argv)
{
    struct args a;
    int prc = parse(&a, argc, argv);
    if (prc)
        return prc < 0 ? FLOE_EXIT_OK : prc;
    floe_manager_options mo = FLOE_MANAGER_OPTIONS_INIT;
    mo.warehouse = a.warehouse;
    floe_manager *m = NULL;
    floe_table *t = NULL;
    floe_write_result r;
    memset(&r, 0, sizeof r);
    floe_delete_options o = FLOE_DELETE_OPTIONS_INIT;
    o.dry_run = a.dry_run;
    o.branch = a.branch;
    int rc = floe_manager_open(&m, &mo);
    if (!rc)
        rc = floe_manager_load_table(&t, m, a.table);
    if (!rc)
        rc = floe_table_delete_rows(&r, t, a.filter, &o);
    int exit_code = rc ? floe_cli_fail(rc) : print_result(&a, &r);
    floe_table_free(t);
    floe_manager_free(m);
    return exit_code;
}
