/**
 * @file floe/iceberg/metadata.h
 * Iceberg table metadata (spec §Table Metadata Fields, Appendix C): read v1, v2 and v3 JSON
 * (plain or gzip), write v2 (and v1 tables as v1), file naming, and accessors.
 *
 * Table metadata is immutable and reference-counted. Changes go through the metadata builder
 * (floe/iceberg/builder.h), never by mutating an object.
 */
#ifndef FLOE_ICEBERG_METADATA_H
#define FLOE_ICEBERG_METADATA_H

#include <stddef.h>
#include <stdint.h>

#include "../common.h"
#include "../io.h"
#include "partition.h"
#include "schema.h"
#include "snapshot.h"
#include "sort_order.h"

FLOE_BEGIN_DECLS

/** Immutable, reference-counted table metadata. */
typedef struct floe_table_metadata floe_table_metadata;

/** Highest format version floe reads. */
#define FLOE_METADATA_MAX_READ_VERSION 3
/** Format version floe writes for new tables. */
#define FLOE_METADATA_WRITE_VERSION 2
/** Table property bounding the metadata log (spec: "metadata-log"). */
#define FLOE_PROP_METADATA_PREVIOUS_VERSIONS_MAX "write.metadata.previous-versions-max"
/** Default of FLOE_PROP_METADATA_PREVIOUS_VERSIONS_MAX. */
#define FLOE_METADATA_PREVIOUS_VERSIONS_MAX_DEFAULT 100
/** Largest metadata file floe reads (bytes, after decompression). */
#define FLOE_METADATA_MAX_BYTES ((size_t)512 * 1024 * 1024)

/** One snapshot-log entry. */
typedef struct floe_snapshot_log_entry {
    int64_t timestamp_ms; /**< when the current snapshot changed */
    int64_t snapshot_id;  /**< the new current snapshot */
} floe_snapshot_log_entry;

/** One metadata-log entry. */
typedef struct floe_metadata_log_entry {
    int64_t timestamp_ms;      /**< last-updated-ms of that metadata */
    const char *metadata_file; /**< (transfer none) its location */
} floe_metadata_log_entry;

/**
 * Parses metadata JSON (Appendix C). v1 fields (`schema`, `partition-spec`) are normalized
 * into the v2 lists; `current-snapshot-id` -1 or null means none.
 * @param out (transfer full) release with floe_table_metadata_release().
 * @return 0; FLOE_EVERSION "Cannot read unsupported version N" for a format version above
 *         FLOE_METADATA_MAX_READ_VERSION; FLOE_ECORRUPT naming the JSON field path.
 */
FLOE_API int floe_table_metadata_from_json(floe_table_metadata **out, const char *json, size_t len);

/**
 * Parses metadata bytes that may be gzip-compressed (detected by the gzip magic).
 * @param out (transfer full)
 */
FLOE_API int floe_table_metadata_from_bytes(floe_table_metadata **out, const uint8_t *data,
                                            size_t len);

/**
 * Reads a metadata file through `io` (plain or gzip, whatever its name).
 * @param out (transfer full)
 */
FLOE_API int floe_table_metadata_read(floe_table_metadata **out, floe_file_io *io,
                                      const char *location);

/**
 * Serializes metadata as JSON in spec field order. Format version 1 tables also get the
 * deprecated `schema` and `partition-spec` fields, as v1 writers must.
 * @param pretty non-zero for two-space indentation.
 * @param out (transfer full) free with free().
 */
FLOE_API int floe_table_metadata_to_json(char **out, const floe_table_metadata *md, int pretty);

/**
 * Writes metadata to `location` with FLOE_CREATE_EXCLUSIVE (FLOE_EEXISTS if it exists).
 * A location ending in `.gz.metadata.json` or `.metadata.json.gz` is gzip-compressed.
 */
FLOE_API int floe_table_metadata_write(floe_file_io *io, const char *location,
                                       const floe_table_metadata *md);

/**
 * The next metadata file name: `<table location>/metadata/<N+1>-<uuid>.metadata.json` where
 * N is parsed from `current_location` (`00003-<uuid>.metadata.json` or `v3.metadata.json`),
 * or 0 when `current_location` is NULL. N is written with 5 digits, as the reference does.
 * @param out (transfer full) free with free().
 * @return 0, FLOE_EINVALID when no version can be parsed from the name.
 */
FLOE_API int floe_table_metadata_next_location(char **out, const char *table_location,
                                               const char *current_location);

/**
 * The version number encoded in a metadata file name, or -1 when it has none.
 */
FLOE_API int64_t floe_table_metadata_parse_version(const char *location);

/** Adds a reference. @return md */
FLOE_API floe_table_metadata *floe_table_metadata_acquire(floe_table_metadata *md);
/** Drops a reference (NULL is fine). */
FLOE_API void floe_table_metadata_release(floe_table_metadata *md);

/** format-version. */
FLOE_API int floe_table_metadata_format_version(const floe_table_metadata *md);
/** (transfer none) table-uuid, or NULL (v1 may omit it). */
FLOE_API const char *floe_table_metadata_uuid(const floe_table_metadata *md);
/** (transfer none) location. */
FLOE_API const char *floe_table_metadata_location(const floe_table_metadata *md);
/** last-sequence-number (0 for v1). */
FLOE_API int64_t floe_table_metadata_last_sequence_number(const floe_table_metadata *md);
/** last-updated-ms. */
FLOE_API int64_t floe_table_metadata_last_updated_ms(const floe_table_metadata *md);
/** last-column-id. */
FLOE_API int floe_table_metadata_last_column_id(const floe_table_metadata *md);
/** current-schema-id. */
FLOE_API int floe_table_metadata_current_schema_id(const floe_table_metadata *md);
/** default-spec-id. */
FLOE_API int floe_table_metadata_default_spec_id(const floe_table_metadata *md);
/** last-partition-id. */
FLOE_API int floe_table_metadata_last_partition_id(const floe_table_metadata *md);
/** default-sort-order-id. */
FLOE_API int floe_table_metadata_default_sort_order_id(const floe_table_metadata *md);
/** next-row-id (v3), or -1 when absent. */
FLOE_API int64_t floe_table_metadata_next_row_id(const floe_table_metadata *md);

/** Number of schemas. */
FLOE_API size_t floe_table_metadata_schema_count(const floe_table_metadata *md);
/** schema-id of the i-th schema. */
FLOE_API int floe_table_metadata_schema_id_at(const floe_table_metadata *md, size_t i);
/**
 * (transfer none) JSON text (Appendix C) of the schema with `schema_id`, or NULL.
 * Valid for the metadata's lifetime.
 */
FLOE_API const char *floe_table_metadata_schema_json(const floe_table_metadata *md, int schema_id);

/** (transfer none) the schema with `schema_id`, or NULL. Valid for the metadata's lifetime. */
FLOE_API const floe_schema *floe_table_metadata_schema(const floe_table_metadata *md,
                                                       int schema_id);
/** (transfer none) the current schema (never NULL). */
FLOE_API const floe_schema *floe_table_metadata_current_schema(const floe_table_metadata *md);

/** Number of partition specs. */
FLOE_API size_t floe_table_metadata_spec_count(const floe_table_metadata *md);
/** spec-id of the i-th spec. */
FLOE_API int floe_table_metadata_spec_id_at(const floe_table_metadata *md, size_t i);
/** (transfer none) JSON text of the spec with `spec_id`, or NULL. */
FLOE_API const char *floe_table_metadata_spec_json(const floe_table_metadata *md, int spec_id);

/** (transfer none) the partition spec with `spec_id`, or NULL. */
FLOE_API const floe_partition_spec *floe_table_metadata_spec(const floe_table_metadata *md,
                                                             int spec_id);
/** (transfer none) the default partition spec (never NULL). */
FLOE_API const floe_partition_spec *floe_table_metadata_default_spec(const floe_table_metadata *md);

/** Number of sort orders. */
FLOE_API size_t floe_table_metadata_sort_order_count(const floe_table_metadata *md);
/** order-id of the i-th sort order. */
FLOE_API int floe_table_metadata_sort_order_id_at(const floe_table_metadata *md, size_t i);
/** (transfer none) JSON text of the sort order with `order_id`, or NULL. */
FLOE_API const char *floe_table_metadata_sort_order_json(const floe_table_metadata *md,
                                                         int order_id);

/** (transfer none) the sort order with `order_id`, or NULL. */
FLOE_API const floe_sort_order *floe_table_metadata_sort_order(const floe_table_metadata *md,
                                                               int order_id);
/** (transfer none) the default sort order (never NULL). */
FLOE_API const floe_sort_order *
floe_table_metadata_default_sort_order(const floe_table_metadata *md);

/** Number of properties. */
FLOE_API size_t floe_table_metadata_property_count(const floe_table_metadata *md);
/** (transfer none) i-th property (file order). */
FLOE_API void floe_table_metadata_property_at(const floe_table_metadata *md, size_t i,
                                              const char **key, const char **value);
/** (transfer none) property value, or NULL. */
FLOE_API const char *floe_table_metadata_property(const floe_table_metadata *md, const char *key);

/** current-snapshot-id, or FLOE_SNAPSHOT_ID_NONE. */
FLOE_API int64_t floe_table_metadata_current_snapshot_id(const floe_table_metadata *md);
/** (transfer none) the current snapshot, or NULL. */
FLOE_API const floe_snapshot *floe_table_metadata_current_snapshot(const floe_table_metadata *md);
/** Number of snapshots. */
FLOE_API size_t floe_table_metadata_snapshot_count(const floe_table_metadata *md);
/** (transfer none) i-th snapshot (file order). */
FLOE_API const floe_snapshot *floe_table_metadata_snapshot_at(const floe_table_metadata *md,
                                                              size_t i);
/** (transfer none) snapshot by id, or NULL. */
FLOE_API const floe_snapshot *floe_table_metadata_snapshot_by_id(const floe_table_metadata *md,
                                                                 int64_t snapshot_id);

/** Number of refs (a v1 table with a current snapshot has an implicit `main`). */
FLOE_API size_t floe_table_metadata_ref_count(const floe_table_metadata *md);
/** (transfer none) i-th ref name and value. */
FLOE_API void floe_table_metadata_ref_at(const floe_table_metadata *md, size_t i, const char **name,
                                         const floe_snapshot_ref **ref);
/** (transfer none) ref by name, or NULL. */
FLOE_API const floe_snapshot_ref *floe_table_metadata_ref(const floe_table_metadata *md,
                                                          const char *name);

/** Number of snapshot-log entries. */
FLOE_API size_t floe_table_metadata_snapshot_log_count(const floe_table_metadata *md);
/** i-th snapshot-log entry. */
FLOE_API floe_snapshot_log_entry floe_table_metadata_snapshot_log_at(const floe_table_metadata *md,
                                                                     size_t i);
/** Number of metadata-log entries. */
FLOE_API size_t floe_table_metadata_metadata_log_count(const floe_table_metadata *md);
/** i-th metadata-log entry (borrowed strings). */
FLOE_API floe_metadata_log_entry floe_table_metadata_metadata_log_at(const floe_table_metadata *md,
                                                                     size_t i);

/** Number of `statistics` entries. */
FLOE_API size_t floe_table_metadata_statistics_count(const floe_table_metadata *md);
/** (transfer none) JSON text of the i-th `statistics` entry, exactly as read. */
FLOE_API const char *floe_table_metadata_statistics_json(const floe_table_metadata *md, size_t i);
/** Number of `partition-statistics` entries. */
FLOE_API size_t floe_table_metadata_partition_statistics_count(const floe_table_metadata *md);
/** (transfer none) JSON text of the i-th `partition-statistics` entry. */
FLOE_API const char *floe_table_metadata_partition_statistics_json(const floe_table_metadata *md,
                                                                   size_t i);

FLOE_END_DECLS

#endif
