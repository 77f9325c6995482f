/* floe metadata: inspect Iceberg table metadata files (plain or gzip-compressed JSON). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <floe/error.h>
#include <floe/iceberg/metadata.h>
#include <floe/iceberg/partition.h>
#include <floe/iceberg/schema.h>
#include <floe/iceberg/sort_order.h>
#include <floe/io.h>

#include "cli/cli_util.h"
#include "cli/commands.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: floe metadata show FILE [--json]\n\n"
            "Inspect an Iceberg table metadata file (v1, v2 or v3; plain or gzip-compressed,\n"
            "e.g. 00003-<uuid>.metadata.json or .gz.metadata.json).\n\n"
            "Subcommands:\n"
            "  show FILE          Human summary: format version, table uuid, location, current\n"
            "                     schema as a tree, partition specs, sort orders, snapshots,\n"
            "                     refs (branches and tags) and properties.\n"
            "  show FILE --json   The normalized metadata JSON as floe would write it (v1\n"
            "                     fields folded into the v2 lists), indented.\n\n"
            "Examples:\n"
            "  floe metadata show warehouse/db/t/metadata/00001-0c1d.metadata.json\n"
            "  floe metadata show v3.gz.metadata.json --json\n");
}

static void print_time(int64_t ms)
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    char buf[32];
    if (gmtime_r(&secs, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm))
        printf("%s.%03dZ", buf, (int)(ms % 1000 < 0 ? -(ms % 1000) : ms % 1000));
    else
        printf("%" PRId64 " ms", ms);
}

static void print_type(const floe_type *t, int depth);

static void print_field(const floe_field *f, int depth)
{
    const floe_type *t = floe_field_type(f);
    printf("%*s%d: %s: %s %s", depth * 2, "", (int)floe_field_id(f), floe_field_name(f),
           floe_field_required(f) ? "required" : "optional",
           floe_type_is_nested(t) ? floe_type_kind_name(floe_type_get_kind(t))
                                  : floe_type_string(t));
    if (floe_field_doc(f))
        printf("  -- %s", floe_field_doc(f));
    printf("\n");
    if (floe_type_is_nested(t))
        print_type(t, depth + 1);
}

static void print_type(const floe_type *t, int depth)
{
    for (size_t i = 0; i < floe_type_field_count(t); i++)
        print_field(floe_type_field_at(t, i), depth);
}

static void print_schema(const floe_table_metadata *md)
{
    int id = floe_table_metadata_current_schema_id(md);
    const char *json = floe_table_metadata_schema_json(md, id);
    floe_schema *schema = NULL;
    printf("\nCurrent schema (id %d, %zu schemas, last-column-id %d):\n", id,
           floe_table_metadata_schema_count(md), floe_table_metadata_last_column_id(md));
    if (!json || floe_schema_from_json(&schema, json, strlen(json)) != 0) {
        printf("  (cannot parse: %s)\n", floe_error_last());
        return;
    }
    print_type(floe_schema_struct(schema), 1);
    size_t n = 0;
    const int32_t *ids = floe_schema_identifier_field_ids(schema, &n);
    if (n) {
        printf("  identifier fields:");
        for (size_t i = 0; i < n; i++)
            printf(" %s", floe_schema_find_column_name(schema, ids[i]));
        printf("\n");
    }
    floe_schema_free(schema);
}

static const char *column_name(const floe_table_metadata *md, int32_t source_id, char *buf,
                               size_t n)
{
    const char *json =
        floe_table_metadata_schema_json(md, floe_table_metadata_current_schema_id(md));
    floe_schema *schema = NULL;
    snprintf(buf, n, "#%d", (int)source_id);
    if (json && floe_schema_from_json(&schema, json, strlen(json)) == 0) {
        const char *name = floe_schema_find_column_name(schema, source_id);
        if (name)
            snprintf(buf, n, "%s", name);
        floe_schema_free(schema);
    }
    return buf;
}

static void print_specs(const floe_table_metadata *md)
{
    printf("\nPartition specs (default %d, last-partition-id %d):\n",
           floe_table_metadata_default_spec_id(md), floe_table_metadata_last_partition_id(md));
    for (size_t i = 0; i < floe_table_metadata_spec_count(md); i++) {
        int id = floe_table_metadata_spec_id_at(md, i);
        const char *json = floe_table_metadata_spec_json(md, id);
        floe_partition_spec *spec = NULL;
        printf("  [%d]", id);
        if (floe_partition_spec_from_json(&spec, json, strlen(json)) != 0) {
            printf(" %s\n", json);
            continue;
        }
        if (floe_partition_spec_field_count(spec) == 0)
            printf(" unpartitioned");
        for (size_t j = 0; j < floe_partition_spec_field_count(spec); j++) {
            const floe_partition_field *f = floe_partition_spec_field_at(spec, j);
            char name[256];
            printf("%s %s: %s(%s) [%d]", j ? "," : "", floe_partition_field_name(f),
                   floe_partition_field_transform_string(f),
                   column_name(md, floe_partition_field_source_id(f), name, sizeof(name)),
                   (int)floe_partition_field_id(f));
        }
        printf("\n");
        floe_partition_spec_free(spec);
    }
}

static void print_orders(const floe_table_metadata *md)
{
    printf("\nSort orders (default %d):\n", floe_table_metadata_default_sort_order_id(md));
    for (size_t i = 0; i < floe_table_metadata_sort_order_count(md); i++) {
        int id = floe_table_metadata_sort_order_id_at(md, i);
        const char *json = floe_table_metadata_sort_order_json(md, id);
        floe_sort_order *order = NULL;
        printf("  [%d]", id);
        if (floe_sort_order_from_json(&order, json, strlen(json)) != 0) {
            printf(" %s\n", json);
            continue;
        }
        if (floe_sort_order_field_count(order) == 0)
            printf(" unsorted");
        for (size_t j = 0; j < floe_sort_order_field_count(order); j++) {
            const floe_sort_field *f = floe_sort_order_field_at(order, j);
            char name[256];
            printf("%s %s(%s) %s %s", j ? "," : "", floe_sort_field_transform_string(f),
                   column_name(md, floe_sort_field_source_id(f), name, sizeof(name)),
                   floe_sort_field_direction(f) == FLOE_SORT_DESC ? "desc" : "asc",
                   floe_sort_field_null_order(f) == FLOE_NULLS_LAST ? "nulls-last" : "nulls-first");
        }
        printf("\n");
        floe_sort_order_free(order);
    }
}

static void print_snapshots(const floe_table_metadata *md)
{
    size_t n = floe_table_metadata_snapshot_count(md);
    printf("\nSnapshots (%zu, current %" PRId64 "):\n", n,
           floe_table_metadata_current_snapshot_id(md));
    if (n)
        printf("  %-20s %-20s %6s  %-24s %-10s %s\n", "snapshot-id", "parent", "seq", "timestamp",
               "operation", "manifest-list");
    for (size_t i = 0; i < n; i++) {
        const floe_snapshot *s = floe_table_metadata_snapshot_at(md, i);
        char parent[24] = "-";
        if (floe_snapshot_parent_id(s) != FLOE_SNAPSHOT_ID_NONE)
            snprintf(parent, sizeof(parent), "%" PRId64, floe_snapshot_parent_id(s));
        printf("  %-20" PRId64 " %-20s %6" PRId64 "  ", floe_snapshot_id(s), parent,
               floe_snapshot_sequence_number(s));
        print_time(floe_snapshot_timestamp_ms(s));
        const char *op = floe_snapshot_operation(s);
        const char *list = floe_snapshot_manifest_list(s);
        printf(" %-10s %s\n", op ? op : "-",
               list                              ? list
               : floe_snapshot_manifest_count(s) ? "(v1 manifests list)"
                                                 : "-");
        const char *records = floe_snapshot_summary_get(s, "total-records");
        const char *files = floe_snapshot_summary_get(s, "total-data-files");
        if (records || files)
            printf("  %20s total-records=%s total-data-files=%s\n", "", records ? records : "?",
                   files ? files : "?");
    }
}

static void print_refs(const floe_table_metadata *md)
{
    printf("\nRefs:\n");
    if (floe_table_metadata_ref_count(md) == 0)
        printf("  (none)\n");
    for (size_t i = 0; i < floe_table_metadata_ref_count(md); i++) {
        const char *name = NULL;
        const floe_snapshot_ref *r = NULL;
        floe_table_metadata_ref_at(md, i, &name, &r);
        printf("  %-16s %-6s -> %" PRId64, name, r->type == FLOE_REF_TAG ? "tag" : "branch",
               r->snapshot_id);
        if (r->min_snapshots_to_keep >= 0)
            printf("  min-snapshots-to-keep=%d", r->min_snapshots_to_keep);
        if (r->max_snapshot_age_ms >= 0)
            printf("  max-snapshot-age-ms=%" PRId64, r->max_snapshot_age_ms);
        if (r->max_ref_age_ms >= 0)
            printf("  max-ref-age-ms=%" PRId64, r->max_ref_age_ms);
        printf("\n");
    }
}

static void print_summary(const floe_table_metadata *md)
{
    printf("Format version:       %d\n", floe_table_metadata_format_version(md));
    printf("Table UUID:           %s\n",
           floe_table_metadata_uuid(md) ? floe_table_metadata_uuid(md) : "(none)");
    printf("Location:             %s\n", floe_table_metadata_location(md));
    printf("Last updated:         ");
    print_time(floe_table_metadata_last_updated_ms(md));
    printf(" (%" PRId64 ")\n", floe_table_metadata_last_updated_ms(md));
    printf("Last sequence number: %" PRId64 "\n", floe_table_metadata_last_sequence_number(md));
    if (floe_table_metadata_next_row_id(md) >= 0)
        printf("Next row id:          %" PRId64 "\n", floe_table_metadata_next_row_id(md));
    print_schema(md);
    print_specs(md);
    print_orders(md);
    print_snapshots(md);
    print_refs(md);
    printf("\nProperties (%zu):\n", floe_table_metadata_property_count(md));
    for (size_t i = 0; i < floe_table_metadata_property_count(md); i++) {
        const char *k = NULL, *v = NULL;
        floe_table_metadata_property_at(md, i, &k, &v);
        printf("  %s = %s\n", k, v);
    }
    printf("\nMetadata log: %zu entries; snapshot log: %zu entries; statistics: %zu; "
           "partition statistics: %zu\n",
           floe_table_metadata_metadata_log_count(md), floe_table_metadata_snapshot_log_count(md),
           floe_table_metadata_statistics_count(md),
           floe_table_metadata_partition_statistics_count(md));
}

static int show(int argc, char **argv)
{
    const char *path = NULL;
    int json = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (floe_cli__is_help(argv[i])) {
            usage(stdout);
            return FLOE_EXIT_OK;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "floe metadata show: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return FLOE_EXIT_USAGE;
        } else if (!path) {
            path = argv[i];
        } else {
            fprintf(stderr, "floe metadata show: expected one FILE, got '%s' too\n", argv[i]);
            return FLOE_EXIT_USAGE;
        }
    }
    if (!path) {
        fprintf(stderr, "floe metadata show: missing FILE\n");
        usage(stderr);
        return FLOE_EXIT_USAGE;
    }
    floe_file_io *io = NULL;
    floe_table_metadata *md = NULL;
    int rc = floe_posix_file_io_new(&io);
    if (!rc)
        rc = floe_table_metadata_read(&md, io, path);
    floe_file_io_free(io);
    if (rc)
        return floe_cli_fail(rc);
    if (json) {
        char *text = NULL;
        rc = floe_table_metadata_to_json(&text, md, 1);
        if (!rc) {
            printf("%s\n", text);
            free(text);
        }
    } else {
        print_summary(md);
    }
    floe_table_metadata_release(md);
    return rc ? floe_cli_fail(rc) : FLOE_EXIT_OK;
}

int floe_cli_metadata(int argc, char **argv)
{
    int exit_code = FLOE_EXIT_OK;
    if (floe_cli__group_help(&exit_code, argc, argv, usage))
        return exit_code;
    if (strcmp(argv[1], "show") == 0)
        return show(argc - 2, argv + 2);
    fprintf(stderr, "floe metadata: unknown subcommand '%s'\n", argv[1]);
    usage(stderr);
    return FLOE_EXIT_USAGE;
}
