/* Table metadata internals shared by the parser, the accessors and the metadata builder.
 *
 * A metadata object keeps its normalized JSON document (`root`, in spec field order, v1 fields
 * folded into the v2 lists) and typed views into it. The builder edits a deep copy of `root`
 * and turns it back into an object with floe_iceberg__metadata_from_root(), so every metadata
 * object - read or built - passes the same validation. */
#ifndef FLOE_ICEBERG_TABLE_METADATA_INTERNAL_H
#define FLOE_ICEBERG_TABLE_METADATA_INTERNAL_H

#include <stdatomic.h>

#include <jansson.h>

#include <floe/iceberg/metadata.h>

typedef struct floe_md_item {
    int id;
    json_t *obj;  /* borrowed from root */
    char *text;   /* compact JSON of obj */
    void *parsed; /* floe_schema, floe_partition_spec or floe_sort_order (owned) */
} floe_md_item;

struct floe_table_metadata {
    atomic_int refs;
    json_t *root;
    int format_version;
    const char *uuid;
    const char *location;
    int64_t last_sequence_number;
    int64_t last_updated_ms;
    int last_column_id;
    int current_schema_id;
    int default_spec_id;
    int last_partition_id;
    int default_sort_order_id;
    int64_t current_snapshot_id;
    int64_t next_row_id;
    floe_md_item *schemas;
    size_t schema_count;
    floe_md_item *specs;
    size_t spec_count;
    floe_md_item *orders;
    size_t order_count;
    const char **prop_keys;
    const char **prop_values;
    size_t prop_count;
    floe_snapshot **snapshots;
    size_t snapshot_count;
    const char **ref_names;
    floe_snapshot_ref *refs_v;
    size_t ref_count;
    floe_snapshot_log_entry *snapshot_log;
    size_t snapshot_log_count;
    floe_metadata_log_entry *metadata_log;
    size_t metadata_log_count;
    char **stats_text;
    size_t stats_count;
    char **pstats_text;
    size_t pstats_count;
};

/* Normalizes and validates a metadata document and builds the object.
 * `root` is (transfer full) in all cases. */
int floe_iceberg__metadata_from_root(floe_table_metadata **out, json_t *root);

/* Frees a metadata object (reference count reached zero). */
void floe_iceberg__metadata_destroy(floe_table_metadata *md);

/* The normalized document (transfer none). */
json_t *floe_iceberg__metadata_root(const floe_table_metadata *md);

#endif
