/**
 * @file floe/iceberg/manifest.h
 * Iceberg manifests (spec §Manifests): data files with their partition tuple and metrics, the
 * manifest_entry Avro schema with the spec's field ids, the manifest header metadata, writing
 * v2 manifests and reading v1/v2 ones with snapshot-id and sequence-number inheritance.
 */
#ifndef FLOE_ICEBERG_MANIFEST_H
#define FLOE_ICEBERG_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common.h"
#include "../io.h"
#include "literal.h"
#include "metadata.h"
#include "partition.h"
#include "schema.h"

FLOE_BEGIN_DECLS

/** manifest_entry.status */
typedef enum floe_manifest_status {
    FLOE_ENTRY_EXISTING = 0, /**< carried over from an earlier snapshot */
    FLOE_ENTRY_ADDED = 1,    /**< added by the manifest's snapshot */
    FLOE_ENTRY_DELETED = 2   /**< removed by the manifest's snapshot */
} floe_manifest_status;

/** data_file.content */
typedef enum floe_file_content {
    FLOE_CONTENT_DATA = 0,             /**< data rows */
    FLOE_CONTENT_POSITION_DELETES = 1, /**< position deletes */
    FLOE_CONTENT_EQUALITY_DELETES = 2  /**< equality deletes */
} floe_file_content;

/** Manifest content (header key `content`, manifest list field 517). */
typedef enum floe_manifest_content {
    FLOE_MANIFEST_DATA = 0,   /**< "data" */
    FLOE_MANIFEST_DELETES = 1 /**< "deletes" */
} floe_manifest_content;

/** Default truncation length of string and binary bounds (`truncate(16)`). */
#define FLOE_METRICS_DEFAULT_TRUNCATE 16

/** What a writer records for a column (table properties `write.metadata.metrics.*`). */
typedef enum floe_metrics_mode_kind {
    FLOE_METRICS_NONE = 0,     /**< "none": no metrics */
    FLOE_METRICS_COUNTS = 1,   /**< "counts": value, null and NaN counts only */
    FLOE_METRICS_TRUNCATE = 2, /**< "truncate(N)": counts and bounds truncated to N */
    FLOE_METRICS_FULL = 3      /**< "full": counts and untruncated bounds */
} floe_metrics_mode_kind;

/** A parsed metrics mode. */
typedef struct floe_metrics_mode {
    floe_metrics_mode_kind kind; /**< the mode */
    size_t truncate_length;      /**< for FLOE_METRICS_TRUNCATE (0 otherwise) */
} floe_metrics_mode;

/**
 * Parses "none", "counts", "truncate(N)" (N >= 1) or "full" (case-insensitive, as the
 * reference accepts). @return 0 or FLOE_EINVALID naming the text.
 */
FLOE_API int floe_metrics_mode_parse(floe_metrics_mode *out, const char *text);

/**
 * The mode for one column: `write.metadata.metrics.column.<name>`, else
 * `write.metadata.metrics.default`, else truncate(16).
 * @param md (transfer none) the table's metadata; NULL gives the default.
 * @return 0 or FLOE_EINVALID when a property holds a malformed mode.
 */
FLOE_API int floe_metrics_mode_for_column(floe_metrics_mode *out, const floe_table_metadata *md,
                                          const char *column_name);

/** A data or delete file as tracked by a manifest (opaque). */
typedef struct floe_data_file floe_data_file;

/** Metrics of one column of a data file; -1 (or NULL bounds) when absent. A read-only view. */
typedef struct floe_column_metrics {
    int32_t field_id;           /**< column field id */
    int64_t column_size;        /**< column_sizes value */
    int64_t value_count;        /**< value_counts value */
    int64_t null_value_count;   /**< null_value_counts value */
    int64_t nan_value_count;    /**< nan_value_counts value */
    const uint8_t *lower_bound; /**< Appendix D bytes, or NULL */
    size_t lower_bound_len;     /**< bytes of lower_bound */
    const uint8_t *upper_bound; /**< Appendix D bytes, or NULL */
    size_t upper_bound_len;     /**< bytes of upper_bound */
} floe_column_metrics;

/**
 * A new data file.
 * @param format "parquet", "avro", "orc" or "puffin".
 * @param out (transfer full) free with floe_data_file_free().
 */
FLOE_API int floe_data_file_new(floe_data_file **out, floe_file_content content, const char *path,
                                const char *format, int64_t record_count, int64_t file_size);
/** Deep copy. (transfer full) */
FLOE_API int floe_data_file_copy(floe_data_file **out, const floe_data_file *df);
/** Frees a data file (NULL is fine). */
FLOE_API void floe_data_file_free(floe_data_file *df);

/** Sets the partition tuple (copied; one literal per partition field, nulls allowed). */
FLOE_API int floe_data_file_set_partition(floe_data_file *df, const floe_literal *values,
                                          size_t count);
/** Sets a column's counters; pass -1 for a counter that is not known. */
FLOE_API int floe_data_file_set_column_metrics(floe_data_file *df, int32_t field_id,
                                               int64_t column_size, int64_t value_count,
                                               int64_t null_value_count, int64_t nan_value_count);
/**
 * Sets a column's bounds from typed values in the Appendix D encoding. Strings and binary are
 * truncated to `truncate_length` (code points / bytes; 0 = never truncate): the lower bound
 * keeps the prefix, the upper bound's last code point is incremented (dropped when no upper
 * bound of that length exists). NaN bounds are refused.
 * @param lower may be NULL (unchanged); @param upper may be NULL.
 */
FLOE_API int floe_data_file_set_bounds(floe_data_file *df, int32_t field_id,
                                       const floe_literal *lower, const floe_literal *upper,
                                       size_t truncate_length);
/** Sets a column's bounds from Appendix D bytes (NULL leaves a side unchanged). */
FLOE_API int floe_data_file_set_bounds_bytes(floe_data_file *df, int32_t field_id,
                                             const uint8_t *lower, size_t lower_len,
                                             const uint8_t *upper, size_t upper_len);
/** Sets key_metadata (copied). */
FLOE_API int floe_data_file_set_key_metadata(floe_data_file *df, const uint8_t *data, size_t len);
/** Sets split_offsets (copied; must be ascending). */
FLOE_API int floe_data_file_set_split_offsets(floe_data_file *df, const int64_t *offsets,
                                              size_t count);
/** Sets equality_ids (copied). */
FLOE_API int floe_data_file_set_equality_ids(floe_data_file *df, const int32_t *ids, size_t count);
/** Sets referenced_data_file (143): the one data file all of a delete file's rows refer to. */
FLOE_API int floe_data_file_set_referenced_data_file(floe_data_file *df, const char *location);
/** Sets sort_order_id (-1 = none). */
FLOE_API void floe_data_file_set_sort_order_id(floe_data_file *df, int32_t sort_order_id);

/** content */
FLOE_API floe_file_content floe_data_file_content(const floe_data_file *df);
/** (transfer none) file_path */
FLOE_API const char *floe_data_file_path(const floe_data_file *df);
/** (transfer none) file_format */
FLOE_API const char *floe_data_file_format(const floe_data_file *df);
/** record_count */
FLOE_API int64_t floe_data_file_record_count(const floe_data_file *df);
/** file_size_in_bytes */
FLOE_API int64_t floe_data_file_size(const floe_data_file *df);
/** Number of partition values. */
FLOE_API size_t floe_data_file_partition_count(const floe_data_file *df);
/** (transfer none) partition value i. */
FLOE_API const floe_literal *floe_data_file_partition(const floe_data_file *df, size_t i);
/** Number of columns with metrics (ascending field id). */
FLOE_API size_t floe_data_file_metrics_count(const floe_data_file *df);
/** (transfer none) metrics i. */
FLOE_API const floe_column_metrics *floe_data_file_metrics_at(const floe_data_file *df, size_t i);
/** (transfer none) metrics of a field id, or NULL. */
FLOE_API const floe_column_metrics *floe_data_file_metrics(const floe_data_file *df,
                                                           int32_t field_id);
/** (transfer none) key_metadata, or NULL. */
FLOE_API const uint8_t *floe_data_file_key_metadata(const floe_data_file *df, size_t *len);
/** (transfer none) split_offsets, or NULL when absent. */
FLOE_API const int64_t *floe_data_file_split_offsets(const floe_data_file *df, size_t *count);
/** (transfer none) equality_ids, or NULL when absent. */
FLOE_API const int32_t *floe_data_file_equality_ids(const floe_data_file *df, size_t *count);
/** (transfer none) referenced_data_file, or NULL. */
FLOE_API const char *floe_data_file_referenced_data_file(const floe_data_file *df);
/** sort_order_id, or -1. */
FLOE_API int32_t floe_data_file_sort_order_id(const floe_data_file *df);

/** Summary of one partition field over a manifest (manifest list field 507/508). */
typedef struct floe_partition_field_summary {
    bool contains_null;     /**< 509 */
    int contains_nan;       /**< 518: 1, 0, or -1 when unknown */
    uint8_t *lower_bound;   /**< 510: Appendix D bytes, or NULL */
    size_t lower_bound_len; /**< bytes of lower_bound */
    uint8_t *upper_bound;   /**< 511: Appendix D bytes, or NULL */
    size_t upper_bound_len; /**< bytes of upper_bound */
} floe_partition_field_summary;

/**
 * One manifest as listed by a manifest list (spec §Manifest Lists). A data record: all
 * pointers are owned by it and freed by floe_manifest_file_free(). Counters are -1 when
 * unknown (v1). sequence_number / min_sequence_number / added_snapshot_id are -1 while
 * unassigned (a manifest written for a commit not yet made); the manifest list writer fills
 * them in.
 */
typedef struct floe_manifest_file {
    unsigned int version;                     /**< FLOE_MANIFEST_FILE_VERSION */
    char *path;                               /**< 500 manifest_path */
    int64_t length;                           /**< 501 manifest_length */
    int32_t partition_spec_id;                /**< 502 */
    floe_manifest_content content;            /**< 517 */
    int64_t sequence_number;                  /**< 515 */
    int64_t min_sequence_number;              /**< 516 */
    int64_t added_snapshot_id;                /**< 503 */
    int32_t added_files_count;                /**< 504 */
    int32_t existing_files_count;             /**< 505 */
    int32_t deleted_files_count;              /**< 506 */
    int64_t added_rows_count;                 /**< 512 */
    int64_t existing_rows_count;              /**< 513 */
    int64_t deleted_rows_count;               /**< 514 */
    floe_partition_field_summary *partitions; /**< 507 (NULL when absent) */
    size_t partition_count;                   /**< entries of partitions */
    uint8_t *key_metadata;                    /**< 519, or NULL */
    size_t key_metadata_len;                  /**< bytes of key_metadata */
} floe_manifest_file;

/** Version of floe_manifest_file. */
#define FLOE_MANIFEST_FILE_VERSION 1

/** Deep copy. (transfer full) */
FLOE_API int floe_manifest_file_copy(floe_manifest_file **out, const floe_manifest_file *mf);
/** Frees a manifest file record (NULL is fine). */
FLOE_API void floe_manifest_file_free(floe_manifest_file *mf);

/** A manifest being written (opaque). */
typedef struct floe_manifest_writer floe_manifest_writer;

/** Options of floe_manifest_writer_new(). */
typedef struct floe_manifest_writer_options {
    unsigned int version;          /**< FLOE_MANIFEST_WRITER_OPTIONS_VERSION */
    floe_manifest_content content; /**< data or deletes */
    int64_t snapshot_id;           /**< snapshot adding the manifest (-1 = inherit on read) */
    int codec;                     /**< floe_avro_codec (0 = null) */
} floe_manifest_writer_options;

/** Version of floe_manifest_writer_options. */
#define FLOE_MANIFEST_WRITER_OPTIONS_VERSION 1
/** Initializer: data manifest, no snapshot id, no compression. */
#define FLOE_MANIFEST_WRITER_OPTIONS_INIT                                                          \
    {                                                                                              \
        FLOE_MANIFEST_WRITER_OPTIONS_VERSION, FLOE_MANIFEST_DATA, -1, 0                            \
    }

/**
 * Starts a v2 manifest streaming to `file`.
 * @param file (transfer full) committed by finish, aborted by free without finish.
 * @param schema (transfer none) the table schema (written as header `schema`, `schema-id`).
 * @param spec (transfer none) the partition spec (`partition-spec`, `partition-spec-id`); its
 *        partition type is derived against `schema`.
 */
FLOE_API int floe_manifest_writer_new(floe_manifest_writer **out, floe_output_file *file,
                                      const floe_schema *schema, const floe_partition_spec *spec,
                                      const floe_manifest_writer_options *options);
/** Adds a file as ADDED by this snapshot; its sequence numbers are inherited on read. */
FLOE_API int floe_manifest_writer_add(floe_manifest_writer *w, const floe_data_file *df);
/** Adds a file as ADDED with an explicit data sequence number (file sequence inherited). */
FLOE_API int floe_manifest_writer_add_with_sequence(floe_manifest_writer *w,
                                                    const floe_data_file *df,
                                                    int64_t data_sequence_number);
/** Adds an EXISTING entry with its original snapshot id and sequence numbers. */
FLOE_API int floe_manifest_writer_existing(floe_manifest_writer *w, const floe_data_file *df,
                                           int64_t snapshot_id, int64_t data_sequence_number,
                                           int64_t file_sequence_number);
/** Adds a DELETED entry (snapshot id = the writer's) with the file's sequence numbers. */
FLOE_API int floe_manifest_writer_delete(floe_manifest_writer *w, const floe_data_file *df,
                                         int64_t data_sequence_number,
                                         int64_t file_sequence_number);
/**
 * Finishes the Avro file, commits the output file and describes the manifest for a manifest
 * list (counts, partition field summaries, length).
 * @param out (transfer full) free with floe_manifest_file_free().
 */
FLOE_API int floe_manifest_writer_finish(floe_manifest_file **out, floe_manifest_writer *w);
/** Frees a writer; aborts the output file if not finished (NULL is fine). */
FLOE_API void floe_manifest_writer_free(floe_manifest_writer *w);

/** One entry read from a manifest, with inherited values applied. */
typedef struct floe_manifest_entry {
    floe_manifest_status status;     /**< 0 status */
    int64_t snapshot_id;             /**< 1 (inherited when null) */
    int64_t sequence_number;         /**< 3 (inherited for ADDED; 0 in v1; -1 if unknown) */
    int64_t file_sequence_number;    /**< 4 (same rules) */
    const floe_data_file *data_file; /**< (transfer none) valid until the next read */
} floe_manifest_entry;

/** A manifest being read (opaque). */
typedef struct floe_manifest_reader floe_manifest_reader;

/**
 * Opens a manifest (v1 or v2).
 * @param file (transfer none) must outlive the reader.
 * @param manifest (transfer none) its manifest list record for inheritance, or NULL.
 * @return FLOE_ECORRUPT when the header lacks `schema`/`partition-spec` or they do not parse.
 */
FLOE_API int floe_manifest_reader_open(floe_manifest_reader **out, floe_input_file *file,
                                       const floe_manifest_file *manifest);
/** Reads the next entry; `*has_entry` 0 at the end. */
FLOE_API int floe_manifest_reader_next(int *has_entry, floe_manifest_entry *entry,
                                       floe_manifest_reader *r);
/** format-version from the header (1 when absent). */
FLOE_API int floe_manifest_reader_format_version(const floe_manifest_reader *r);
/** content from the header. */
FLOE_API floe_manifest_content floe_manifest_reader_content(const floe_manifest_reader *r);
/** (transfer none) the schema from the header. */
FLOE_API const floe_schema *floe_manifest_reader_schema(const floe_manifest_reader *r);
/** (transfer none) the partition spec from the header (with partition-spec-id). */
FLOE_API const floe_partition_spec *floe_manifest_reader_spec(const floe_manifest_reader *r);
/** (transfer none) a header metadata value, or NULL. */
FLOE_API const char *floe_manifest_reader_meta(const floe_manifest_reader *r, const char *key);
/** Frees a reader (NULL is fine). */
FLOE_API void floe_manifest_reader_free(floe_manifest_reader *r);

FLOE_END_DECLS

#endif
