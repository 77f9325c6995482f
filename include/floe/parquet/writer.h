/**
 * @file floe/parquet/writer.h
 * Streaming Parquet writer: Arrow C Data Interface record batches in, one Parquet file out
 * through a floe_output_file.
 *
 * Memory is bounded by the row-group target (encoded, compressed bytes), not by the input.
 * Every schema node carries the field id found in the Arrow field metadata key
 * "PARQUET:field_id" (or given by an option); lists and maps use the standard three-level
 * layouts. On close the writer hands back the per-column metrics Iceberg manifests need.
 *
 * Typical use:
 * @code
 *   floe_output_file *f;
 *   io->create(&f, io, "s3://b/t/data/0.parquet", FLOE_CREATE_EXCLUSIVE);
 *   floe_parquet_writer_options o = FLOE_PARQUET_WRITER_OPTIONS_INIT;
 *   floe_parquet_key_value_pair kv[] = {{"iceberg.schema", schema_json}};
 *   o.key_value_metadata = kv;
 *   o.n_key_value_metadata = 1;
 *   floe_parquet_writer *w;
 *   if (floe_parquet_writer_open(&w, f, &arrow_schema, &o)) return ...;  // f is consumed
 *   while (more batches) {
 *       if (floe_parquet_writer_write(w, &batch)) { floe_parquet_writer_abort(w); return ...; }
 *       if (floe_parquet_writer_bytes_estimate(w) >= target_file_bytes) break;  // roll
 *   }
 *   floe_parquet_file_metrics *m;
 *   if (floe_parquet_writer_close(w, &m)) return ...;
 *   const floe_parquet_column_metrics *c = floe_parquet_file_metrics_find(m, field_id);
 *   floe_parquet_file_metrics_free(m);
 * @endcode
 */
#ifndef FLOE_PARQUET_WRITER_H
#define FLOE_PARQUET_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include <floe/arrow/abi.h>
#include <floe/common.h>
#include <floe/io.h>

FLOE_BEGIN_DECLS

/** A Parquet file being written (opaque). */
typedef struct floe_parquet_writer floe_parquet_writer;
/** Metrics of a closed file (opaque); free with floe_parquet_file_metrics_free(). */
typedef struct floe_parquet_file_metrics floe_parquet_file_metrics;

/** Page compression (values are parquet.thrift CompressionCodec ids). */
typedef enum floe_parquet_compression {
    FLOE_PARQUET_COMPRESSION_UNCOMPRESSED = 0, /**< no compression */
    FLOE_PARQUET_COMPRESSION_SNAPPY = 1,       /**< Snappy */
    FLOE_PARQUET_COMPRESSION_GZIP = 2,         /**< gzip (zlib), level 1..9 */
    FLOE_PARQUET_COMPRESSION_BROTLI = 4,       /**< Brotli, level 0..11 */
    FLOE_PARQUET_COMPRESSION_ZSTD = 6,         /**< Zstandard, level 1..22 (the default) */
    FLOE_PARQUET_COMPRESSION_LZ4_RAW = 7       /**< LZ4 raw block format */
} floe_parquet_compression;

/** A field id given for a column by its path, overriding Arrow metadata. */
typedef struct floe_parquet_field_id {
    /** Dotted path of Arrow field names from the top-level column ("a", "a.b"; list
     *  elements and map keys/values by their Arrow child names, e.g. "tags.item"). */
    const char *path;
    int32_t field_id; /**< the id to write */
} floe_parquet_field_id;

/** A key/value pair for the file's key_value_metadata (e.g. "iceberg.schema"). */
typedef struct floe_parquet_key_value_pair {
    const char *key;   /**< NUL-terminated key */
    const char *value; /**< NUL-terminated value, or NULL for a key without value */
} floe_parquet_key_value_pair;

/** Version of floe_parquet_writer_options this header describes. */
#define FLOE_PARQUET_WRITER_OPTIONS_VERSION 1

/** Writer options. Initialise with FLOE_PARQUET_WRITER_OPTIONS_INIT, then set fields. */
typedef struct floe_parquet_writer_options {
    unsigned int version; /**< FLOE_PARQUET_WRITER_OPTIONS_VERSION */
    /** Target row-group size in encoded (compressed) bytes; default 128 MiB. */
    int64_t row_group_bytes;
    /** Target data-page size in encoded (uncompressed) bytes; default 1 MiB. */
    int64_t page_bytes;
    /** Largest dictionary (plain-encoded bytes) per column chunk before falling back to
     *  PLAIN; default 1 MiB. */
    int64_t dictionary_page_bytes;
    /** A floe_parquet_compression value; default ZSTD. */
    int compression;
    /** Codec level; 0 picks the codec's default (zstd: 3). */
    int compression_level;
    /** Non-zero to write min/max/null_count statistics in the footer (default 1). */
    int write_statistics;
    /** Non-zero to try dictionary encoding (default 1); booleans are always PLAIN. */
    int enable_dictionary;
    /** Extra key_value_metadata pairs (transfer none; copied at open). */
    const floe_parquet_key_value_pair *key_value_metadata;
    size_t n_key_value_metadata; /**< number of key_value_metadata pairs */
    /** Field ids by column path, taking precedence over Arrow metadata (copied at open). */
    const floe_parquet_field_id *field_ids;
    size_t n_field_ids; /**< number of field_ids */
} floe_parquet_writer_options;

/** Default options. */
#define FLOE_PARQUET_WRITER_OPTIONS_INIT                                                           \
    {                                                                                              \
        FLOE_PARQUET_WRITER_OPTIONS_VERSION, (int64_t)128 << 20, (int64_t)1 << 20,                 \
            (int64_t)1 << 20, FLOE_PARQUET_COMPRESSION_ZSTD, 0, 1, 1, NULL, 0, NULL, 0             \
    }

/**
 * Starts writing a Parquet file.
 * @param out (transfer full) the writer; finish with floe_parquet_writer_close() or
 *        floe_parquet_writer_abort()
 * @param file (transfer full) where the bytes go; committed by close, aborted on any failure
 *        (also when open itself fails)
 * @param schema (transfer none) a struct ("+s") schema whose children are the columns
 * @param opts options, or NULL for the defaults
 * @return 0; FLOE_EINVALID (bad schema or options); FLOE_EUNSUPPORTED (an Arrow type Parquet
 *         output does not support here, e.g. dictionary-encoded fields); FLOE_ENOMEM; FLOE_EIO
 */
FLOE_API int floe_parquet_writer_open(floe_parquet_writer **out, floe_output_file *file,
                                      const struct ArrowSchema *schema,
                                      const floe_parquet_writer_options *opts);

/**
 * Appends the rows of one record batch (a struct array matching the schema given at open).
 * The batch is read during the call only (transfer none). Row groups are flushed to the file
 * as they reach the target size.
 * @return 0; FLOE_EINVALID (batch does not match the schema, a null in a non-nullable
 *         field, a value out of range); FLOE_ENOMEM; FLOE_EIO. After an error the writer can
 *         only be aborted.
 */
FLOE_API int floe_parquet_writer_write(floe_parquet_writer *w, const struct ArrowArray *batch);

/**
 * Appends every batch of a stream (transfer none: the stream is not released).
 * @return as floe_parquet_writer_write(), or the stream's error
 */
FLOE_API int floe_parquet_writer_write_stream(floe_parquet_writer *w,
                                              struct ArrowArrayStream *stream);

/**
 * Encoded size of the file so far: bytes already written plus the row group being built
 * (compressed pages, dictionaries, and unflushed pages scaled by the compression ratio seen).
 * Use it to roll to a new file at a target size.
 */
FLOE_API uint64_t floe_parquet_writer_bytes_estimate(const floe_parquet_writer *w);

/** Bytes of memory the writer holds in its buffers now (for checking the memory bound). */
FLOE_API uint64_t floe_parquet_writer_buffered_bytes(const floe_parquet_writer *w);

/** Rows written so far (flushed or buffered). */
FLOE_API int64_t floe_parquet_writer_row_count(const floe_parquet_writer *w);

/**
 * Flushes the last row group, writes the footer, commits the file and frees the writer.
 * @param w (transfer full) freed whatever the result
 * @param metrics (transfer full) optional: the file's metrics; NULL to skip
 * @return 0; FLOE_EIO or the output file's error (the file was aborted); FLOE_ENOMEM
 */
FLOE_API int floe_parquet_writer_close(floe_parquet_writer *w, floe_parquet_file_metrics **metrics);

/** Discards the file (aborts the output file) and frees the writer; accepts NULL. */
FLOE_API void floe_parquet_writer_abort(floe_parquet_writer *w);

/** Kind of a typed bound value. */
typedef enum floe_parquet_value_kind {
    FLOE_PARQUET_VALUE_NONE = 0, /**< no value (no bound: all nulls, all NaN, or no stats) */
    FLOE_PARQUET_VALUE_BOOL,     /**< `i` is 0 or 1 */
    FLOE_PARQUET_VALUE_INT,      /**< `i`: an integer, date (days), time or timestamp (in the
                                      column's Parquet unit), or unsigned up to 32 bits */
    FLOE_PARQUET_VALUE_UINT64,   /**< `i` holds the bits of an unsigned 64-bit value */
    FLOE_PARQUET_VALUE_FLOAT,    /**< `d` holds a float value (exactly) */
    FLOE_PARQUET_VALUE_DOUBLE,   /**< `d` */
    FLOE_PARQUET_VALUE_BYTES,    /**< `bytes`: string (UTF-8), binary, fixed, uuid bytes */
    FLOE_PARQUET_VALUE_DECIMAL   /**< `bytes`: unscaled value, big-endian two's complement */
} floe_parquet_value_kind;

/** A typed value (a bound); `bytes` is borrowed from the metrics object. */
typedef struct floe_parquet_value {
    floe_parquet_value_kind kind; /**< which member holds the value */
    int64_t i;                    /**< BOOL, INT, UINT64 */
    double d;                     /**< FLOAT, DOUBLE */
    const uint8_t *bytes;         /**< BYTES, DECIMAL (transfer none) */
    size_t len;                   /**< length of bytes */
} floe_parquet_value;

/** Metrics of one leaf column of a closed file. */
typedef struct floe_parquet_column_metrics {
    int32_t field_id;         /**< the leaf's field id, or -1 when it has none */
    const char *path;         /**< dotted Parquet path ("a.list.element") (transfer none) */
    int64_t value_count;      /**< values including nulls (levels, as Parquet num_values) */
    int64_t null_count;       /**< null values */
    int64_t nan_count;        /**< NaN values for float/double columns, else -1 */
    int64_t column_size;      /**< compressed bytes on disk (pages and headers) */
    floe_parquet_value lower; /**< smallest non-null, non-NaN value (not truncated) */
    floe_parquet_value upper; /**< largest non-null, non-NaN value (not truncated) */
} floe_parquet_column_metrics;

/** Rows in the file. */
FLOE_API int64_t floe_parquet_file_metrics_row_count(const floe_parquet_file_metrics *m);
/** Size of the file in bytes. */
FLOE_API uint64_t floe_parquet_file_metrics_file_size(const floe_parquet_file_metrics *m);
/** Number of leaf columns. */
FLOE_API size_t floe_parquet_file_metrics_n_columns(const floe_parquet_file_metrics *m);
/**
 * Metrics of leaf column `i` (in schema order), or NULL when out of range.
 * @return (transfer none) valid as long as `m`
 */
FLOE_API const floe_parquet_column_metrics *
floe_parquet_file_metrics_column(const floe_parquet_file_metrics *m, size_t i);
/** Metrics of the leaf column with this field id, or NULL. (transfer none) */
FLOE_API const floe_parquet_column_metrics *
floe_parquet_file_metrics_find(const floe_parquet_file_metrics *m, int32_t field_id);
/** Number of row groups (= split offsets). */
FLOE_API size_t floe_parquet_file_metrics_n_row_groups(const floe_parquet_file_metrics *m);
/** File offset where row group `i` starts (Iceberg split offsets), or -1 when out of range. */
FLOE_API int64_t floe_parquet_file_metrics_split_offset(const floe_parquet_file_metrics *m,
                                                        size_t i);
/** Frees metrics; accepts NULL. */
FLOE_API void floe_parquet_file_metrics_free(floe_parquet_file_metrics *m);

FLOE_END_DECLS

#endif
