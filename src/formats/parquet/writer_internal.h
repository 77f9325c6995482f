/* Internals shared by the Parquet writer's files: the column tree mapped from Arrow, per-leaf
 * column state (page being built, dictionary, chunk buffers, statistics). */
#ifndef FLOE_PARQUET_WRITER_INTERNAL_H
#define FLOE_PARQUET_WRITER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <floe/arrow/abi.h>
#include <floe/arrow/type.h>
#include <floe/parquet/writer.h>

#include "base/buf.h"
#include "formats/parquet/metadata.h"

/* ---- Arrow -> Parquet column tree ---------------------------------------------------------- */

typedef enum pqw_kind { PQW_LEAF, PQW_STRUCT, PQW_LIST, PQW_MAP } pqw_kind;

/* How a leaf's Arrow values become Parquet physical values. */
typedef enum pqw_conv {
    PQW_CONV_BOOL,
    PQW_CONV_I8,        /* int8 -> INT32 */
    PQW_CONV_U8,        /* uint8 -> INT32 */
    PQW_CONV_I16,       /* int16 -> INT32 */
    PQW_CONV_U16,       /* uint16 -> INT32 */
    PQW_CONV_COPY4,     /* 4-byte values copied as they are (int32, uint32, date32, float) */
    PQW_CONV_COPY8,     /* 8-byte values copied (int64, uint64, time64, timestamps, double) */
    PQW_CONV_I32_X1000, /* time32[s] -> TIME(MILLIS) */
    PQW_CONV_I64_X1000, /* timestamp[s] -> TIMESTAMP(MILLIS) */
    PQW_CONV_DATE64,    /* date64 (ms) -> DATE (days) */
    PQW_CONV_DEC_I32,   /* decimal128 -> INT32 */
    PQW_CONV_DEC_I64,   /* decimal128 -> INT64 */
    PQW_CONV_DEC_FLBA,  /* decimal128 -> FLBA big-endian, type_length bytes */
    PQW_CONV_FLBA,      /* fixed_size_binary copied */
    PQW_CONV_BA32,      /* utf8 / binary (int32 offsets) */
    PQW_CONV_BA64       /* large_utf8 / large_binary (int64 offsets) */
} pqw_conv;

/* Sort order of a column's statistics (ColumnOrder TypeDefinedOrder per type). */
typedef enum pqw_order {
    PQW_ORD_BOOL,
    PQW_ORD_I32,
    PQW_ORD_U32,
    PQW_ORD_I64,
    PQW_ORD_U64,
    PQW_ORD_F32,
    PQW_ORD_F64,
    PQW_ORD_BYTES, /* unsigned byte-wise, shorter prefix first */
    PQW_ORD_DEC_BE /* signed big-endian two's complement of equal length */
} pqw_order;

typedef struct pqw_node {
    pqw_kind kind;
    floe_arrow_type atype;
    bool nullable;
    bool has_field_id;
    int32_t field_id;
    const char *name; /* Parquet name (borrowed from the writer's schema copy or literal) */
    int def;          /* definition level when this node is present */
    int rep;          /* LIST/MAP: repetition level of its repeated group, else parent's */
    int n_children;   /* STRUCT: fields; LIST: 1; MAP: 2 (key, value) */
    struct pqw_node *children;
    /* leaf only */
    int ptype;           /* floe_parquet_type */
    int32_t type_length; /* FLBA */
    pqw_conv conv;
    pqw_order order;
    int width;     /* bytes per physical value (0 for BYTE_ARRAY, 1 bit for BOOLEAN) */
    bool is_float; /* FLOAT/DOUBLE: count NaNs */
    floe_parquet_value_kind bound_kind;
    int leaf_index;
} pqw_node;

/* ---- dictionary ------------------------------------------------------------------------- */

typedef struct pqw_view {
    const uint8_t *p;
    uint32_t len;
} pqw_view;

typedef struct pqw_dict {
    int width;       /* > 0: fixed-width values; 0: byte arrays */
    floe_buf values; /* PLAIN encoding of the entries, in index order */
    uint32_t count;
    uint32_t *slots;   /* open addressing: entry index + 1, 0 = empty */
    size_t cap;        /* power of two */
    uint64_t *hashes;  /* per entry (byte arrays) */
    uint32_t *offsets; /* per entry: offset of its 4-byte length in values (byte arrays) */
    size_t entries_cap;
} pqw_dict;

void floe_parquet__dict_init(pqw_dict *d, int width);
void floe_parquet__dict_clear(pqw_dict *d);
void floe_parquet__dict_free(pqw_dict *d);
/* Maps n fixed-width values (width bytes each) to indices, adding new ones. */
int floe_parquet__dict_insert_fixed(pqw_dict *d, const uint8_t *vals, size_t n, uint32_t *idx);
/* Maps n byte-array values to indices. */
int floe_parquet__dict_insert_bytes(pqw_dict *d, const pqw_view *vals, size_t n, uint32_t *idx);
/* Entry i of a byte-array dictionary. */
pqw_view floe_parquet__dict_bytes_at(const pqw_dict *d, uint32_t i);
/* Bytes held by the dictionary (for the memory statistic). */
size_t floe_parquet__dict_memory(const pqw_dict *d);

/* ---- statistics ------------------------------------------------------------------------- */

typedef struct pqw_stats {
    bool has;            /* a non-null, non-NaN value was seen */
    int64_t imin, imax;  /* BOOL, I32, I64 (signed) and U32, U64 (as uint64 bits) */
    double dmin, dmax;   /* F32, F64 */
    floe_buf bmin, bmax; /* BYTES, DEC_BE */
} pqw_stats;

void floe_parquet__stats_reset(pqw_stats *s);
void floe_parquet__stats_free(pqw_stats *s);
/* Folds n fixed-width physical values (width bytes each: little-endian numbers or FLBA
 * bytes) into s; returns the number of NaNs seen. */
int floe_parquet__stats_update_fixed(pqw_stats *s, pqw_order ord, int width, const uint8_t *v,
                                     size_t n, int64_t *nans);
int floe_parquet__stats_update_bytes(pqw_stats *s, const pqw_view *v, size_t n);
int floe_parquet__stats_update_bool(pqw_stats *s, const uint8_t *v01, size_t n);
/* Folds stats b into a. */
int floe_parquet__stats_merge(pqw_stats *a, const pqw_stats *b, pqw_order ord);
/* Encodes the min and max as Parquet statistics bytes (PLAIN without length prefix; the
 * -0.0/+0.0 rule applied to floats). The min and max point into `scratch` (two 16-byte slots) or
 * into s's buffers. */
void floe_parquet__stats_bytes(const pqw_stats *s, pqw_order ord, int width, uint8_t scratch[32],
                               const uint8_t **min, size_t *min_len, const uint8_t **max,
                               size_t *max_len);

/* ---- per-leaf column state -------------------------------------------------------------- */

typedef struct pqw_column {
    pqw_node *leaf;
    pqw_node **path;         /* top-level node .. leaf */
    int depth;               /* entries in path */
    int top_index;           /* index of path[0] among the batch's columns */
    const char **path_names; /* Parquet path (in the footer arena) */
    int path_len;
    char *dotted; /* "a.list.element" */
    int max_def, max_rep;
    /* page being built */
    floe_buf def, rep;  /* one byte per level */
    floe_buf values;    /* PLAIN bytes, or uint32 dictionary indices */
    uint64_t bool_bits; /* BOOLEAN: bits used in values */
    int64_t page_levels, page_nonnull;
    bool page_dict;
    /* dictionary for the current chunk */
    bool dict_on;             /* new values go through the dictionary */
    bool dict_used;           /* a page of this chunk used it */
    int64_t dict_seen;        /* values that went through the dictionary in this chunk */
    int64_t dict_plain_bytes; /* their PLAIN size, to judge whether the dictionary pays */
    pqw_dict dict;
    /* chunk being built (current row group) */
    floe_buf chunk;
    int64_t chunk_values, chunk_nulls, chunk_nans;
    int64_t chunk_uncompressed, chunk_compressed;
    int32_t pages_dict, pages_plain;
    double ratio; /* compressed / uncompressed seen so far (1 before the first page) */
    int64_t cum_uncompressed, cum_compressed;
    pqw_stats chunk_stats, file_stats;
    /* file totals */
    int64_t total_values, total_nulls, total_nans, total_size;
} pqw_column;

/* ---- the schema mapping ----------------------------------------------------------------- */

typedef struct pqw_schema {
    pqw_node root;    /* STRUCT of the top-level columns */
    size_t n_columns; /* leaves */
    pqw_column *columns;
} pqw_schema;

/* Builds the tree, the leaf columns and the Parquet schema elements (in md's arena). */
int floe_parquet__writer_schema_build(pqw_schema *out, const struct ArrowSchema *schema,
                                      const floe_parquet_writer_options *opts,
                                      floe_parquet_file_metadata *md);
void floe_parquet__writer_schema_free(pqw_schema *s);

/* Shreds rows [r0, r1) of the batch's column into levels (appended to col->def/rep) and the
 * physical indices of its non-null leaf values (into *idx, grown as needed). Sets *leaf to
 * the leaf array; *contiguous = 1 when the values are leaf indices start..start+n (idx then
 * unused). */
int floe_parquet__shred(pqw_column *col, const struct ArrowArray *top, int64_t r0, int64_t r1,
                        int64_t **idx, size_t *idx_cap, size_t *n_values, int64_t *start,
                        int *contiguous, const struct ArrowArray **leaf, int64_t *levels);

#endif
