/**
 * @file floe/parquet/reader.h
 * Reading Parquet files into Arrow: schema (with `PARQUET:field_id` metadata), projection by
 * field id or column path, row-group skipping from a predicate on column statistics, record
 * batches as an ArrowArrayStream, and footer metadata for inspection.
 *
 * Files are untrusted: corrupt, truncated or hostile input fails with FLOE_ECORRUPT and a
 * message naming the byte offset; every size read from a file is bounded before use.
 */
#ifndef FLOE_PARQUET_READER_H
#define FLOE_PARQUET_READER_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../arrow/abi.h"
#include "../common.h"
#include "../io.h"

FLOE_BEGIN_DECLS

/** An open Parquet file. */
typedef struct floe_parquet_reader floe_parquet_reader;

/** A row-group filter on column statistics (see floe_parquet_predicate_compare()). */
typedef struct floe_parquet_predicate floe_parquet_predicate;

/** Version of floe_parquet_reader_options. */
#define FLOE_PARQUET_READER_OPTIONS_VERSION 1

/** Options for floe_parquet_reader_open(). */
typedef struct floe_parquet_reader_options {
    unsigned int version; /**< FLOE_PARQUET_READER_OPTIONS_VERSION */
    /** Rows per batch in the stream; 0 means 65536. Batches never span row groups. */
    int64_t batch_size;
    /**
     * Projection by field id: a field is read when its id, or the id of one of its
     * descendants, is listed (a struct then keeps only the selected children; a list or map
     * is read whole). NULL reads every field. Fields keep file order.
     */
    const int32_t *field_ids;
    size_t num_field_ids; /**< entries in field_ids */
    /**
     * Projection by name, for files without field ids: top-level names or dotted paths
     * ("a.b"). Combined with field_ids when both are given (a field matching either is read).
     */
    const char *const *columns;
    size_t num_columns; /**< entries in columns */
    /** Row groups whose statistics prove no row can match are skipped (transfer none). */
    const floe_parquet_predicate *predicate;
    /**
     * Byte range of a split (Iceberg FileScanTask start/length): only row groups whose first
     * page starts in [split_offset, split_offset + split_length) are read. 0 length reads all.
     */
    uint64_t split_offset;
    uint64_t split_length; /**< see split_offset */
} floe_parquet_reader_options;

/** Default options. */
#define FLOE_PARQUET_READER_OPTIONS_INIT                                                           \
    {                                                                                              \
        FLOE_PARQUET_READER_OPTIONS_VERSION, 0, NULL, 0, NULL, 0, NULL, 0, 0                       \
    }

/**
 * Opens a Parquet file: reads and validates the footer.
 * @param file (transfer none) must outlive the reader and every stream made from it.
 * @param options may be NULL for defaults; copied (the predicate is borrowed).
 */
FLOE_API int floe_parquet_reader_open(floe_parquet_reader **out, floe_input_file *file,
                                      const floe_parquet_reader_options *options);

/** Frees a reader (NULL is fine). Streams made from it must be released first. */
FLOE_API void floe_parquet_reader_free(floe_parquet_reader *reader);

/**
 * The projected schema as an Arrow struct ("+s") whose children are the top-level fields.
 * Each field carries `PARQUET:field_id` metadata when the file has a field id.
 * @param out (transfer full) release with out->release.
 */
FLOE_API int floe_parquet_reader_schema(struct ArrowSchema *out, floe_parquet_reader *reader);

/** Rows in the file (all row groups). */
FLOE_API int64_t floe_parquet_reader_num_rows(const floe_parquet_reader *reader);

/** Number of row groups in the file. */
FLOE_API int floe_parquet_reader_num_row_groups(const floe_parquet_reader *reader);

/**
 * File offset where row group `index` starts (its first column's first page), as Iceberg
 * split offsets expect; -1 when `index` is out of range.
 */
FLOE_API int64_t floe_parquet_reader_row_group_offset(const floe_parquet_reader *reader, int index);

/**
 * Record batches (Arrow structs of the projected schema) over every row group that the
 * predicate does not rule out. Only one stream per reader may be open at a time.
 * @param out (transfer full) release with out->release, before freeing the reader.
 */
FLOE_API int floe_parquet_reader_stream(struct ArrowArrayStream *out, floe_parquet_reader *reader);

/**
 * Whether row group `index` may hold rows matching `predicate`, judged from its statistics.
 * Sets *out to 0 when it certainly holds none, else 1.
 */
FLOE_API int floe_parquet_reader_row_group_may_match(int *out, floe_parquet_reader *reader,
                                                     int index,
                                                     const floe_parquet_predicate *predicate);

/**
 * The footer as JSON: version, num_rows, created_by, key_value_metadata, schema (Parquet
 * elements), and row_groups with their columns (path, type, codec, encodings, offsets, sizes,
 * statistics decoded to typed values).
 * @param out (transfer full) free with json_decref().
 */
FLOE_API int floe_parquet_reader_metadata_json(json_t **out, floe_parquet_reader *reader);

/**
 * The file's key-value metadata entry `key`.
 * @param value (transfer none) valid while the reader lives; NULL when the key is absent or
 * has no value.
 */
FLOE_API int floe_parquet_reader_key_value(const char **value, floe_parquet_reader *reader,
                                           const char *key);

/** Number of key-value metadata entries. */
FLOE_API size_t floe_parquet_reader_num_key_values(const floe_parquet_reader *reader);

/**
 * Key-value metadata entry `i` (file order).
 * @param key (transfer none) @param value (transfer none) NULL when the entry has no value.
 */
FLOE_API int floe_parquet_reader_key_value_at(const char **key, const char **value,
                                              floe_parquet_reader *reader, size_t i);

/** Comparison operators of a predicate. */
typedef enum floe_parquet_op {
    FLOE_PARQUET_OP_EQ = 0,       /**< column = value */
    FLOE_PARQUET_OP_LT = 1,       /**< column < value */
    FLOE_PARQUET_OP_LE = 2,       /**< column <= value */
    FLOE_PARQUET_OP_GT = 3,       /**< column > value */
    FLOE_PARQUET_OP_GE = 4,       /**< column >= value */
    FLOE_PARQUET_OP_IS_NULL = 5,  /**< column is null */
    FLOE_PARQUET_OP_NOT_NULL = 6, /**< column is not null */
    FLOE_PARQUET_OP_IN = 7        /**< column in (values) */
} floe_parquet_op;

/** Kind of a literal in a predicate. */
typedef enum floe_parquet_literal_kind {
    FLOE_PARQUET_LIT_INT = 0,   /**< integers, dates, times, timestamps (the file's units) */
    FLOE_PARQUET_LIT_FLOAT = 1, /**< float and double columns */
    FLOE_PARQUET_LIT_BYTES = 2, /**< strings and binary, compared as unsigned bytes */
    FLOE_PARQUET_LIT_BOOL = 3   /**< boolean columns (i = 0 or 1) */
} floe_parquet_literal_kind;

/** A literal compared with column statistics. */
typedef struct floe_parquet_literal {
    floe_parquet_literal_kind kind; /**< which member is used */
    int64_t i;                      /**< INT, BOOL */
    double d;                       /**< FLOAT */
    const void *bytes;              /**< BYTES (copied by the constructors) */
    size_t len;                     /**< BYTES length */
} floe_parquet_literal;

/**
 * A comparison of the column with field id `field_id` (a primitive column) with a literal.
 * For IS_NULL / NOT_NULL the literal is ignored (may be NULL); for IN use
 * floe_parquet_predicate_in().
 * @param out (transfer full) free with floe_parquet_predicate_free().
 */
FLOE_API int floe_parquet_predicate_compare(floe_parquet_predicate **out, int32_t field_id,
                                            floe_parquet_op op,
                                            const floe_parquet_literal *literal);

/** `column IN (values)`. @param out (transfer full) */
FLOE_API int floe_parquet_predicate_in(floe_parquet_predicate **out, int32_t field_id,
                                       const floe_parquet_literal *values, size_t count);

/**
 * `a AND b`; takes ownership of a and b (also on failure).
 * @param out (transfer full)
 */
FLOE_API int floe_parquet_predicate_and(floe_parquet_predicate **out, floe_parquet_predicate *a,
                                        floe_parquet_predicate *b);

/** `a OR b`; takes ownership of a and b (also on failure). @param out (transfer full) */
FLOE_API int floe_parquet_predicate_or(floe_parquet_predicate **out, floe_parquet_predicate *a,
                                       floe_parquet_predicate *b);

/** Frees a predicate tree (NULL is fine). */
FLOE_API void floe_parquet_predicate_free(floe_parquet_predicate *predicate);

FLOE_END_DECLS

#endif
