/* `floe table compact TABLE [--target-file-size BYTES] [--min-input-files N]
 * [--to-current-spec] [--rewrite-manifests] [--branch NAME] [--dry-run] [--json]
 * [--warehouse DIR]`: bin-packs small data files (floe_table_compact) or merges manifests
 * (floe_table_rewrite_manifests). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <floe/error.h>
#include <floe/table.h>
#include <floe/table_compact.h>

#include "cli/cli_util.h"
#include "cli/commands.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: floe table compact TABLE [--target-file-size BYTES] [--min-input-files N]\n"
            "                          [--to-current-spec] [--rewrite-manifests] [--dry-run]\n"
            "                          [--branch NAME] [--json] [--warehouse DIR]\n"
            "\n"
            "Rewrites the small data files of each partition of TABLE into files of about the\n"
            "target size, dropping rows removed by delete files, as one \"replace\" snapshot\n"
            "(the table's rows do not change). Files below 75%% of the target are candidates;\n"
            "a group is rewritten when it has at least N files or its files carry delete files.\n"
            "Files are grouped by partition spec and partition; every group is written with the\n"
            "current schema and partitioned by the default spec, so files of an older spec\n"
            "move to the default one (their rows may land in several new partitions).\n"
            "With --rewrite-manifests the manifests are merged (one per partition spec) instead.\n"
            "\n"
            "  --target-file-size BYTES  size of the files written (default: the table's\n"
            "                            write.target-file-size-bytes, else 512 MiB)\n"
            "  --min-input-files N       fewest files a group needs (default 5)\n"
            "  --to-current-spec         also rewrite every file of an older partition spec,\n"
            "                            whatever its size or count\n"
            "  --rewrite-manifests       merge manifests instead of data files\n"
            "  --branch NAME             compact an existing branch (main stays as it is)\n"
            "  --dry-run                 list the groups (spec, partition, files, bytes,\n"
            "                            expected output files); change nothing\n"
            "  --warehouse DIR           warehouse directory (default ./warehouse or\n"
            "                            $FLOE_WAREHOUSE)\n"
            "  --json                    print the result as a JSON object\n"
            "  -h, --help                this help\n"
            "\n"
            "Exit codes: 0 ok, 1 error, 2 usage, 3 table not found, 4 concurrent change\n"
            "(run again), 5 invalid input.\n");
}

struct args {
    const char *table, *warehouse, *branch;
    int64_t target;
    int min_files;
    int manifests, dry_run, json, to_current_spec;
};

static int parse_number(int64_t *out, const char *s, const char *opt)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || !end || *end || end == s || v <= 0) {
        fprintf(stderr, "floe: table compact: %s needs a positive integer, got '%s'\n", opt, s);
        return FLOE_EXIT_USAGE;
    }
    *out = (int64_t)v;
    return 0;
}

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
        } else if (strcmp(s, "--rewrite-manifests") == 0) {
            a->manifests = 1;
        } else if (strcmp(s, "--to-current-spec") == 0) {
            a->to_current_spec = 1;
        } else if (strcmp(s, "--target-file-size") == 0 || strcmp(s, "--min-input-files") == 0 ||
                   strcmp(s, "--warehouse") == 0 || strcmp(s, "--branch") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "floe: table compact: %s needs a value\n", s);
                return FLOE_EXIT_USAGE;
            }
            const char *v = argv[++i];
            int64_t n = 0;
            if (s[2] == 'w') {
                a->warehouse = v;
            } else if (s[2] == 'b') {
                a->branch = v;
            } else if (parse_number(&n, v, s)) {
                return FLOE_EXIT_USAGE;
            } else if (s[2] == 't') {
                a->target = n;
            } else if (n > 1000000) {
                fprintf(stderr, "floe: table compact: --min-input-files %s is too large\n", v);
                return FLOE_EXIT_USAGE;
            } else {
                a->min_files = (int)n;
            }
        } else if (s[0] == '-' && s[1]) {
            fprintf(stderr, "floe: unknown option '%s' for 'table compact'\n", s);
            return FLOE_EXIT_USAGE;
        } else if (!a->table) {
            a->table = s;
        } else {
            fprintf(stderr, "floe: table compact: unexpected argument '%s'\n", s);
            return FLOE_EXIT_USAGE;
        }
    }
    if (!a->table) {
        fprintf(stderr, "floe: table compact: TABLE is required (see floe table compact --help)\n");
        return FLOE_EXIT_USAGE;
    }
    return 0;
}

static int print_result(const struct args *a, const floe_compact_result *r)
{
    if (a->json) {
        json_t *j = NULL;
        int rc = floe_compact_result_json(&j, r);
        if (!rc && json_object_set_new(j, "table", json_string(a->table)))
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
        if (!rc && json_object_set_new(j, "kind", json_string(a->manifests ? "manifests" : "data")))
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
        if (!rc)
            rc = floe_cli__print_json(j);
        json_decref(j);
        return rc ? floe_cli_fail(rc) : FLOE_EXIT_OK;
    }
    const char *what = a->manifests ? "manifests" : "data files";
    if (!a->manifests)
        for (size_t i = 0; i < floe_compact_result_group_count(r); i++) {
            const floe_compact_group *g = floe_compact_result_group(r, i);
            if (g->spec_id == g->output_spec_id)
                printf("group %zu: spec %d partition '%s': %zu files, %" PRId64 " bytes, %zu "
                       "delete files -> %" PRId64 " expected files\n",
                       i + 1, (int)g->spec_id, g->partition, g->input_count, g->input_bytes,
                       g->delete_files, g->expected_files);
            else
                printf("group %zu: spec %d partition '%s' (older spec, moved to spec %d): %zu "
                       "files, %" PRId64 " bytes, %zu delete files -> %" PRId64 " expected files\n",
                       i + 1, (int)g->spec_id, g->partition, (int)g->output_spec_id, g->input_count,
                       g->input_bytes, g->delete_files, g->expected_files);
        }
    if (floe_compact_result_rewritten_files(r) == 0) {
        printf("nothing to compact in %s; nothing changed\n", a->table);
        return FLOE_EXIT_OK;
    }
    if (floe_compact_result_dry_run(r))
        printf("dry run: would rewrite %" PRId64 " %s of %s; nothing changed\n",
               floe_compact_result_rewritten_files(r), what, a->table);
    else
        printf("rewrote %" PRId64 " %s of %s into %" PRId64 "; snapshot %" PRId64 "\n",
               floe_compact_result_rewritten_files(r), what, a->table,
               floe_compact_result_added_files(r), floe_compact_result_snapshot_id(r));
    return FLOE_EXIT_OK;
}

int floe_cli_table_compact(int argc, char **argv)
{
    struct args a;
    int prc = parse(&a, argc, argv);
    if (prc)
        return prc < 0 ? FLOE_EXIT_OK : prc;
    floe_manager_options mo = FLOE_MANAGER_OPTIONS_INIT;
    mo.warehouse = a.warehouse;
    floe_manager *m = NULL;
    floe_table *t = NULL;
    floe_compact_result *r = NULL;
    floe_compact_options o = FLOE_COMPACT_OPTIONS_INIT;
    o.dry_run = a.dry_run;
    o.target_file_size = a.target;
    o.min_input_files = a.min_files;
    o.to_current_spec = a.to_current_spec;
    o.branch = a.branch;
    int rc = floe_manager_open(&m, &mo);
    if (!rc)
        rc = floe_manager_load_table(&t, m, a.table);
    if (!rc)
        rc = a.manifests ? floe_table_rewrite_manifests(&r, t, &o) : floe_table_compact(&r, t, &o);
    int exit_code = rc ? floe_cli_fail(rc) : print_result(&a, r);
    floe_compact_result_free(r);
    floe_table_free(t);
    floe_manager_free(m);
    return exit_code;
}
