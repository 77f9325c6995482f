/* The Parquet footer model (parquet.thrift) and its Thrift compact serialization.
 *
 * Shared by the writer and the reader. Every variable-size piece of a decoded (or built)
 * structure lives in a floe_parquet_arena owned by the top-level object, so a structure is
 * freed in one call whatever state a hostile input left it in. Decoding treats input as
 * hostile: counts are bounded by the bytes that remain, lengths are checked, unknown fields
 * are skipped, nesting is capped, and errors are FLOE_ECORRUPT with the byte offset.
 *
 * Optional scalars carry a has_<name> flag; optional binaries/strings/structs are NULL when
 * absent (binaries also have a has_ flag, since an empty binary is a valid value). */
#ifndef FLOE_FORMATS_PARQUET_METADATA_H
#define FLOE_FORMATS_PARQUET_METADATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* ---- arena ------------------------------------------------------------------------------ */

typedef struct floe_parquet_arena_block floe_parquet_arena_block;
typedef struct floe_parquet_arena {
    floe_parquet_arena_block *head;
    size_t total; /* bytes handed out */
    /* 0, or the most bytes it may hand out: decoders set it from the input size, so hostile
     * counts (a million empty structs) cannot make a small footer allocate gigabytes. Going
     * over fails with FLOE_ECORRUPT. */
    size_t limit;
} floe_parquet_arena;

/* Zeroed memory from the arena, 8-byte aligned; NULL (with the last error set) on failure. */
void *floe_parquet__arena_alloc(floe_parquet_arena *a, size_t n);
/* Zeroed array of count*size bytes (overflow-checked). */
void *floe_parquet__arena_array(floe_parquet_arena *a, size_t count, size_t size);
/* Copies n bytes, appending a NUL (so strings can be used as C strings). */
char *floe_parquet__arena_memdup(floe_parquet_arena *a, const void *p, size_t n);
char *floe_parquet__arena_strdup(floe_parquet_arena *a, const char *s);
void floe_parquet__arena_free(floe_parquet_arena *a);

/* ---- enums ------------------------------------------------------------------------------ */

typedef enum floe_parquet_type {
    FLOE_PARQUET_BOOLEAN = 0,
    FLOE_PARQUET_INT32 = 1,
    FLOE_PARQUET_INT64 = 2,
    FLOE_PARQUET_INT96 = 3,
    FLOE_PARQUET_FLOAT = 4,
    FLOE_PARQUET_DOUBLE = 5,
    FLOE_PARQUET_BYTE_ARRAY = 6,
    FLOE_PARQUET_FIXED_LEN_BYTE_ARRAY = 7
} floe_parquet_type;

typedef enum floe_parquet_converted_type {
    FLOE_PARQUET_CT_UTF8 = 0,
    FLOE_PARQUET_CT_MAP = 1,
    FLOE_PARQUET_CT_MAP_KEY_VALUE = 2,
    FLOE_PARQUET_CT_LIST = 3,
    FLOE_PARQUET_CT_ENUM = 4,
    FLOE_PARQUET_CT_DECIMAL = 5,
    FLOE_PARQUET_CT_DATE = 6,
    FLOE_PARQUET_CT_TIME_MILLIS = 7,
    FLOE_PARQUET_CT_TIME_MICROS = 8,
    FLOE_PARQUET_CT_TIMESTAMP_MILLIS = 9,
    FLOE_PARQUET_CT_TIMESTAMP_MICROS = 10,
    FLOE_PARQUET_CT_UINT_8 = 11,
    FLOE_PARQUET_CT_UINT_16 = 12,
    FLOE_PARQUET_CT_UINT_32 = 13,
    FLOE_PARQUET_CT_UINT_64 = 14,
    FLOE_PARQUET_CT_INT_8 = 15,
    FLOE_PARQUET_CT_INT_16 = 16,
    FLOE_PARQUET_CT_INT_32 = 17,
    FLOE_PARQUET_CT_INT_64 = 18,
    FLOE_PARQUET_CT_JSON = 19,
    FLOE_PARQUET_CT_BSON = 20,
    FLOE_PARQUET_CT_INTERVAL = 21
} floe_parquet_converted_type;

typedef enum floe_parquet_repetition {
    FLOE_PARQUET_REQUIRED = 0,
    FLOE_PARQUET_OPTIONAL = 1,
    FLOE_PARQUET_REPEATED = 2
} floe_parquet_repetition;

typedef enum floe_parquet_encoding {
    FLOE_PARQUET_ENC_PLAIN = 0,
    FLOE_PARQUET_ENC_PLAIN_DICTIONARY = 2,
    FLOE_PARQUET_ENC_RLE = 3,
    FLOE_PARQUET_ENC_BIT_PACKED = 4,
    FLOE_PARQUET_ENC_DELTA_BINARY_PACKED = 5,
    FLOE_PARQUET_ENC_DELTA_LENGTH_BYTE_ARRAY = 6,
    FLOE_PARQUET_ENC_DELTA_BYTE_ARRAY = 7,
    FLOE_PARQUET_ENC_RLE_DICTIONARY = 8,
    FLOE_PARQUET_ENC_BYTE_STREAM_SPLIT = 9
} floe_parquet_encoding;

typedef enum floe_parquet_codec {
    FLOE_PARQUET_CODEC_UNCOMPRESSED = 0,
    FLOE_PARQUET_CODEC_SNAPPY = 1,
    FLOE_PARQUET_CODEC_GZIP = 2,
    FLOE_PARQUET_CODEC_LZO = 3,
    FLOE_PARQUET_CODEC_BROTLI = 4,
    FLOE_PARQUET_CODEC_LZ4 = 5,
    FLOE_PARQUET_CODEC_ZSTD = 6,
    FLOE_PARQUET_CODEC_LZ4_RAW = 7
} floe_parquet_codec;

typedef enum floe_parquet_page_type {
    FLOE_PARQUET_PAGE_DATA = 0,
    FLOE_PARQUET_PAGE_INDEX = 1,
    FLOE_PARQUET_PAGE_DICTIONARY = 2,
    FLOE_PARQUET_PAGE_DATA_V2 = 3
} floe_parquet_page_type;

typedef enum floe_parquet_boundary_order {
    FLOE_PARQUET_UNORDERED = 0,
    FLOE_PARQUET_ASCENDING = 1,
    FLOE_PARQUET_DESCENDING = 2
} floe_parquet_boundary_order;

/* Which member of the LogicalType union is set (the values are the thrift field ids). */
typedef enum floe_parquet_logical_kind {
    FLOE_PARQUET_LT_NONE = 0,
    FLOE_PARQUET_LT_STRING = 1,
    FLOE_PARQUET_LT_MAP = 2,
    FLOE_PARQUET_LT_LIST = 3,
    FLOE_PARQUET_LT_ENUM = 4,
    FLOE_PARQUET_LT_DECIMAL = 5,
    FLOE_PARQUET_LT_DATE = 6,
    FLOE_PARQUET_LT_TIME = 7,
    FLOE_PARQUET_LT_TIMESTAMP = 8,
    FLOE_PARQUET_LT_INTEGER = 10,
    FLOE_PARQUET_LT_UNKNOWN = 11,
    FLOE_PARQUET_LT_JSON = 12,
    FLOE_PARQUET_LT_BSON = 13,
    FLOE_PARQUET_LT_UUID = 14,
    FLOE_PARQUET_LT_FLOAT16 = 15,
    FLOE_PARQUET_LT_VARIANT = 16,
    FLOE_PARQUET_LT_GEOMETRY = 17,
    FLOE_PARQUET_LT_GEOGRAPHY = 18,
    /* A union member this code does not know: the field id is kept in `unknown_id`. */
    FLOE_PARQUET_LT_OTHER = 1000
} floe_parquet_logical_kind;

typedef enum floe_parquet_time_unit {
    FLOE_PARQUET_MILLIS = 1,
    FLOE_PARQUET_MICROS = 2,
    FLOE_PARQUET_NANOS = 3
} floe_parquet_time_unit;

/* ---- structs ---------------------------------------------------------------------------- */

typedef struct floe_parquet_logical_type {
    floe_parquet_logical_kind kind;
    int32_t decimal_scale;       /* DECIMAL */
    int32_t decimal_precision;   /* DECIMAL */
    bool is_adjusted_to_utc;     /* TIME, TIMESTAMP */
    floe_parquet_time_unit unit; /* TIME, TIMESTAMP */
    int8_t bit_width;            /* INTEGER */
    bool is_signed;              /* INTEGER */
    int16_t unknown_id;          /* OTHER */
} floe_parquet_logical_type;

typedef struct floe_parquet_schema_element {
    bool has_type;
    floe_parquet_type type;
    bool has_type_length;
    int32_t type_length;
    bool has_repetition;
    floe_parquet_repetition repetition;
    const char *name; /* never NULL after decoding */
    bool has_num_children;
    int32_t num_children;
    bool has_converted_type;
    floe_parquet_converted_type converted_type;
    bool has_scale;
    int32_t scale;
    bool has_precision;
    int32_t precision;
    bool has_field_id;
    int32_t field_id;
    bool has_logical_type;
    floe_parquet_logical_type logical_type;
} floe_parquet_schema_element;

typedef struct floe_parquet_statistics {
    bool has_max;
    const uint8_t *max; /* deprecated signed-order max */
    size_t max_len;
    bool has_min;
    const uint8_t *min;
    size_t min_len;
    bool has_null_count;
    int64_t null_count;
    bool has_distinct_count;
    int64_t distinct_count;
    bool has_max_value;
    const uint8_t *max_value;
    size_t max_value_len;
    bool has_min_value;
    const uint8_t *min_value;
    size_t min_value_len;
    bool has_is_max_value_exact;
    bool is_max_value_exact;
    bool has_is_min_value_exact;
    bool is_min_value_exact;
    bool has_nan_count;
    int64_t nan_count;
} floe_parquet_statistics;

typedef struct floe_parquet_key_value {
    const char *key;
    const char *value; /* NULL when absent */
    size_t value_len;
} floe_parquet_key_value;

typedef struct floe_parquet_page_encoding_stats {
    floe_parquet_page_type page_type;
    floe_parquet_encoding encoding;
    int32_t count;
} floe_parquet_page_encoding_stats;

typedef struct floe_parquet_column_metadata {
    floe_parquet_type type;
    uint32_t num_encodings;
    floe_parquet_encoding *encodings;
    uint32_t path_len;
    const char **path_in_schema;
    floe_parquet_codec codec;
    int64_t num_values;
    int64_t total_uncompressed_size;
    int64_t total_compressed_size;
    uint32_t num_key_value;
    floe_parquet_key_value *key_value;
    int64_t data_page_offset;
    bool has_index_page_offset;
    int64_t index_page_offset;
    bool has_dictionary_page_offset;
    int64_t dictionary_page_offset;
    floe_parquet_statistics *statistics; /* NULL when absent */
    uint32_t num_encoding_stats;
    floe_parquet_page_encoding_stats *encoding_stats;
    bool has_bloom_filter_offset;
    int64_t bloom_filter_offset;
    bool has_bloom_filter_length;
    int32_t bloom_filter_length;
} floe_parquet_column_metadata;

typedef struct floe_parquet_column_chunk {
    const char *file_path; /* NULL when absent */
    int64_t file_offset;
    floe_parquet_column_metadata *meta_data; /* NULL when absent (encrypted columns) */
    bool has_offset_index_offset;
    int64_t offset_index_offset;
    bool has_offset_index_length;
    int32_t offset_index_length;
    bool has_column_index_offset;
    int64_t column_index_offset;
    bool has_column_index_length;
    int32_t column_index_length;
    bool is_encrypted; /* crypto_metadata or encrypted_column_metadata was present */
} floe_parquet_column_chunk;

typedef struct floe_parquet_sorting_column {
    int32_t column_idx;
    bool descending;
    bool nulls_first;
} floe_parquet_sorting_column;

typedef struct floe_parquet_row_group {
    uint32_t num_columns;
    floe_parquet_column_chunk *columns;
    int64_t total_byte_size;
    int64_t num_rows;
    uint32_t num_sorting_columns;
    floe_parquet_sorting_column *sorting_columns;
    bool has_file_offset;
    int64_t file_offset;
    bool has_total_compressed_size;
    int64_t total_compressed_size;
    bool has_ordinal;
    int16_t ordinal;
} floe_parquet_row_group;

/* ColumnOrder union member ids. */
typedef enum floe_parquet_column_order {
    FLOE_PARQUET_ORDER_UNKNOWN = 0,
    FLOE_PARQUET_ORDER_TYPE_DEFINED = 1,
    FLOE_PARQUET_ORDER_IEEE_754_TOTAL = 2,
    FLOE_PARQUET_ORDER_INT96_TIMESTAMP = 3
} floe_parquet_column_order;

typedef struct floe_parquet_file_metadata {
    floe_parquet_arena arena; /* owns everything below */
    int32_t version;
    uint32_t num_schema;
    floe_parquet_schema_element *schema; /* depth-first, schema[0] is the root */
    int64_t num_rows;
    uint32_t num_row_groups;
    floe_parquet_row_group *row_groups;
    uint32_t num_key_value;
    floe_parquet_key_value *key_value;
    const char *created_by; /* NULL when absent */
    uint32_t num_column_orders;
    floe_parquet_column_order *column_orders; /* NULL when absent */
    bool is_encrypted; /* encryption_algorithm present: the footer is signed, not usable */
} floe_parquet_file_metadata;

typedef struct floe_parquet_data_page_header {
    int32_t num_values;
    floe_parquet_encoding encoding;
    floe_parquet_encoding definition_level_encoding;
    floe_parquet_encoding repetition_level_encoding;
    floe_parquet_statistics *statistics;
} floe_parquet_data_page_header;

typedef struct floe_parquet_dictionary_page_header {
    int32_t num_values;
    floe_parquet_encoding encoding;
    bool has_is_sorted;
    bool is_sorted;
} floe_parquet_dictionary_page_header;

typedef struct floe_parquet_data_page_header_v2 {
    int32_t num_values;
    int32_t num_nulls;
    int32_t num_rows;
    floe_parquet_encoding encoding;
    int32_t definition_levels_byte_length;
    int32_t repetition_levels_byte_length;
    bool is_compressed; /* defaults to true when absent */
    floe_parquet_statistics *statistics;
} floe_parquet_data_page_header_v2;

/* A page header. Decoded page headers borrow statistics bytes from the input buffer unless
 * an arena is given (see floe_parquet__page_header_decode). */
typedef struct floe_parquet_page_header {
    floe_parquet_page_type type;
    int32_t uncompressed_page_size;
    int32_t compressed_page_size;
    bool has_crc;
    int32_t crc;
    bool has_data_page_header;
    floe_parquet_data_page_header data_page_header;
    bool has_dictionary_page_header;
    floe_parquet_dictionary_page_header dictionary_page_header;
    bool has_data_page_header_v2;
    floe_parquet_data_page_header_v2 data_page_header_v2;
    /* Storage for the statistics pointers above when decoding without an arena: then the
     * statistics pointer points into this struct, so do not copy a decoded header by value
     * and keep using its statistics. */
    floe_parquet_statistics stats_storage;
} floe_parquet_page_header;

typedef struct floe_parquet_page_location {
    int64_t offset;
    int32_t compressed_page_size;
    int64_t first_row_index;
} floe_parquet_page_location;

typedef struct floe_parquet_offset_index {
    floe_parquet_arena arena;
    uint32_t num_pages;
    floe_parquet_page_location *page_locations;
    uint32_t num_unencoded_byte_array_data_bytes;
    int64_t *unencoded_byte_array_data_bytes;
} floe_parquet_offset_index;

typedef struct floe_parquet_column_index {
    floe_parquet_arena arena;
    uint32_t num_pages;
    bool *null_pages;
    const uint8_t **min_values;
    size_t *min_lens;
    const uint8_t **max_values;
    size_t *max_lens;
    floe_parquet_boundary_order boundary_order;
    uint32_t num_null_counts; /* 0 when absent */
    int64_t *null_counts;
    uint32_t num_nan_counts; /* 0 when absent */
    int64_t *nan_counts;
} floe_parquet_column_index;

/* ---- functions -------------------------------------------------------------------------- */

/* Appends the compact encoding of `md` to `out`. */
int floe_parquet__file_metadata_encode(floe_buf *out, const floe_parquet_file_metadata *md);
/* Decodes a FileMetaData from `data[0..len)`; `base_offset` is the file offset of data[0]
 * (for error messages). On success *out is the caller's (free with
 * floe_parquet__file_metadata_free); strings are copied into its arena. The decoder checks
 * structure (required fields present, counts bounded, num_children consistent with the
 * schema list) but not cross-references to data pages. */
int floe_parquet__file_metadata_decode(floe_parquet_file_metadata **out, const void *data,
                                       size_t len, uint64_t base_offset);
void floe_parquet__file_metadata_free(floe_parquet_file_metadata *md);
/* An empty FileMetaData whose arena callers fill (writer side). */
int floe_parquet__file_metadata_new(floe_parquet_file_metadata **out);

/* Appends a PageHeader. */
int floe_parquet__page_header_encode(floe_buf *out, const floe_parquet_page_header *ph);
/* Decodes a PageHeader from the start of `data[0..len)`; *consumed is its length in bytes.
 * Statistics bytes point into `data` (transfer none) when `arena` is NULL, else are copied
 * there. */
int floe_parquet__page_header_decode(floe_parquet_page_header *out, size_t *consumed,
                                     const void *data, size_t len, uint64_t base_offset,
                                     floe_parquet_arena *arena);

int floe_parquet__statistics_encode(floe_buf *out, const floe_parquet_statistics *st);

int floe_parquet__offset_index_encode(floe_buf *out, const floe_parquet_offset_index *oi);
int floe_parquet__offset_index_decode(floe_parquet_offset_index **out, const void *data, size_t len,
                                      uint64_t base_offset);
void floe_parquet__offset_index_free(floe_parquet_offset_index *oi);
int floe_parquet__column_index_encode(floe_buf *out, const floe_parquet_column_index *ci);
int floe_parquet__column_index_decode(floe_parquet_column_index **out, const void *data, size_t len,
                                      uint64_t base_offset);
void floe_parquet__column_index_free(floe_parquet_column_index *ci);

/* Names for messages ("ZSTD", "RLE_DICTIONARY", "INT64"); never NULL. */
const char *floe_parquet__type_name(int type);
const char *floe_parquet__encoding_name(int encoding);
const char *floe_parquet__codec_name(int codec);

#endif
