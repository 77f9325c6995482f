/* `floe table upsert TABLE FILE... --on COL[,COL] [--delete-unmatched] [--branch NAME]
 * [--union-by-name] [--dry-run] [--json] [--warehouse DIR]`: upserts the rows of Parquet or
 * CSV files by join columns (floe_table_upsert). The files are read in order as one source
 * (cli_input.c). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <floe/arrow/stream.h>
#include <floe/error.h>
#include <floe/table.h>
#include <floe/table_upsert.h>

#include "cli/cli_input.h"
#include "cli/cli_util.h"
#include "cli/commands.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: floe table upsert TABLE FILE... --on COL[,COL...] [--delete-unmatched]\n"
            "                         [--branch NAME] [--union-by-name] [--dry-run] [--json]\n"
            "                         [--warehouse DIR]\n"
            "\n"
            "Upserts the rows of the Parquet or CSV FILEs into TABLE, matching rows by the --on\n"
            "columns: rows whose key is not in the table are inserted, rows whose key is in the\n"
            "table replace it when a non-key value differs (unchanged rows cause no write).\n"
            "Source keys must be unique and not null. Only data files whose partition and key\n"
            "bounds may hold a source key are read. One snapshot is committed; none when\n"
            "nothing changes. The files must share one schema. A .csv file has a header row;\n"
            "its columns are matched by name and typed by the table schema, and table columns\n"
            "it lacks are null (so matched rows get null there).\n"
            "\n"
            "  --on COL[,COL]      join columns (required), present in the table and the files\n"
            "  --delete-unmatched  also delete table rows whose key is not in the files\n"
            "  --branch NAME       upsert into an existing branch (main stays as it is)\n"
            "  --union-by-name     first evolve the schema to accept the files (Parquet): add\n"
            "                      their new columns, widen narrower types (own commit)\n"
            "  --dry-run           report what would change; change nothing\n"
            "  --json              print the result as a JSON object\n"
            "  --warehouse DIR     warehouse directory (default ./warehouse or $FLOE_WAREHOUSE)\n"
            "  -h, --help          this help\n"
            "\n"
            "Exit codes: 0 ok, 1 error, 2 usage, 3 table not found, 4 concurrent change,\n"
            "5 invalid input (null or duplicate key, missing join column).\n");
}

struct args {
    const char *table, *on, *warehouse, *branch;
    const char **files;
    size_t nfiles;
    int delete_unmatched, dry_run, json, union_by_name;
};

/* Returns -1 when help was printed, FLOE_EXIT_USAGE on a bad command line, 0 otherwise. */
static int parse(struct args *a, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (floe_cli__is_help(s)) {
            usage(stdout);
            return -1;
        } else if (strcmp(s, "--dry-run") == 0) {
            a->dry_run = 1;
        } else if (strcmp(s, "--json") == 0) {
            a->json = 1;
        } else if (strcmp(s, "--delete-unmatched") == 0) {
            a->delete_unmatched = 1;
        } else if (strcmp(s, "--union-by-name") == 0) {
            a->union_by_name = 1;
        } else if (strcmp(s, "--on") == 0 || strcmp(s, "--warehouse") == 0 ||
                   strcmp(s, "--branch") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "floe: table upsert: %s needs a value\n", s);
                return FLOE_EXIT_USAGE;
            }
            if (s[2] == 'o')
                a->on = argv[++i];
            else if (s[2] == 'b')
                a->branch = argv[++i];
            else
                a->warehouse = argv[++i];
        } else if (s[0] == '-' && s[1]) {
            fprintf(stderr, "floe: unknown option '%s' for 'table upsert'\n", s);
            return FLOE_EXIT_USAGE;
        } else if (!a->table) {
            a->table = s;
        } else {
            a->files[a->nfiles++] = s;
        }
    }
    if (!a->table || !a->nfiles || !a->on || !*a->on) {
        fprintf(stderr, "floe: table upsert: TABLE, at least one FILE and --on COL are required "
                        "(see floe table upsert --help)\n");
        return FLOE_EXIT_USAGE;
    }
    return 0;
}

static int print_result(const struct args *a, const floe_upsert_result *r)
{
    if (a->json) {
        json_t *j = json_object();
        if (!j)
            return floe_cli_fail(floe_error_set(FLOE_ENOMEM, "out of memory"));
        json_object_set_new(j, "table", json_string(a->table));
        json_object_set_new(j, "branch", json_string(a->branch ? a->branch : "main"));
        json_object_set_new(j, "dry_run", json_boolean(a->dry_run));
        json_object_set_new(j, "snapshot_id",
                            r->snapshot_id ? json_integer(r->snapshot_id) : json_null());
        json_object_set_new(j, "inserted_rows", json_integer(r->inserted_rows));
        json_object_set_new(j, "updated_rows", json_integer(r->updated_rows));
        json_object_set_new(j, "unchanged_rows", json_integer(r->unchanged_rows));
        json_object_set_new(j, "deleted_rows", json_integer(r->deleted_rows));
        json_object_set_new(j, "files_rewritten", json_integer(r->files_rewritten));
        json_object_set_new(j, "files_added", json_integer(r->files_added));
        json_object_set_new(j, "files_scanned", json_integer(r->files_scanned));
        json_object_set_new(j, "files_pruned", json_integer(r->files_pruned));
        json_object_set_new(j, "attempts", json_integer(r->attempts));
        int rc = floe_cli__print_json(j);
        json_decref(j);
        return rc ? floe_cli_fail(rc) : FLOE_EXIT_OK;
    }
    printf("%s%s: %" PRId64 " inserted, %" PRId64 " updated, %" PRId64 " unchanged, %" PRId64
           " deleted; %" PRId64 " data files rewritten (%" PRId64 " read, %" PRId64 " pruned)",
           a->dry_run ? "dry run, nothing changed: " : "", a->table, r->inserted_rows,
           r->updated_rows, r->unchanged_rows, r->deleted_rows, r->files_rewritten,
           r->files_scanned, r->files_pruned);
    if (r->snapshot_id)
        printf("; snapshot %" PRId64, r->snapshot_id);
    printf("\n");
    return FLOE_EXIT_OK;
}

int floe_cli_table_upsert(int argc, char **argv)
{
    struct args a;
    memset(&a, 0, sizeof a);
    a.files = calloc((size_t)(argc > 0 ? argc : 1), sizeof *a.files);
    if (!a.files)
        return floe_cli_fail(floe_error_set(FLOE_ENOMEM, "out of memory"));
    int prc = parse(&a, argc, argv);
    if (prc) {
        free(a.files);
        return prc < 0 ? FLOE_EXIT_OK : prc;
    }
    char *on = strdup(a.on);
    const char *cols[64];
    size_t ncols = on ? floe_cli__split_list(on, cols, 64) : 0;
    if (!ncols) {
        fprintf(stderr, "floe: table upsert: --on needs at least one column name\n");
        free(on);
        free(a.files);
        return FLOE_EXIT_USAGE;
    }
    floe_manager_options mo = FLOE_MANAGER_OPTIONS_INIT;
    mo.warehouse = a.warehouse;
    floe_manager *m = NULL;
    floe_table *t = NULL;
    floe_upsert_result r;
    memset(&r, 0, sizeof r);
    floe_upsert_options o = FLOE_UPSERT_OPTIONS_INIT;
    o.dry_run = a.dry_run;
    o.delete_unmatched = a.delete_unmatched;
    o.branch = a.branch;
    o.union_by_name = a.union_by_name;
    struct ArrowArrayStream s;
    memset(&s, 0, sizeof s);
    int rc = floe_manager_open(&m, &mo);
    if (!rc)
        rc = floe_manager_load_table(&t, m, a.table);
    if (!rc)
        rc = floe_cli__inputs_stream(&s, t, a.files, a.nfiles);
    if (!rc)
        rc = floe_table_upsert(&r, t, &s, cols, ncols, &o);
    if (s.release)
        s.release(&s);
    int exit_code = rc ? floe_cli_fail(rc) : print_result(&a, &r);
    floe_table_free(t);
    floe_manager_free(m);
    free(on);
    free(a.files);
    return exit_code;
}
