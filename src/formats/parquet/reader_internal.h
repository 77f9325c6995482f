/* Shared internals of the Parquet reader: the schema tree mapped to Arrow, column chunk
 * readers and batch assembly. */
#ifndef FLOE_PARQUET_READER_INTERNAL_H
#define FLOE_PARQUET_READER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <floe/arrow/abi.h>
#include <floe/io.h>
#include <floe/parquet/reader.h>

#include "base/buf.h"
#include "formats/parquet/decode.h"
#include "formats/parquet/metadata.h"

/* Deepest nesting of the schema floe accepts (levels are stored as uint16). */
#define FLOE_PQ_MAX_DEPTH 64

/* How a leaf's physical values become Arrow values. */
typedef enum floe_pq_conv {
    PQ_CONV_COPY = 0,     /* same width as the physical type */
    PQ_CONV_BOOL,         /* one byte per value -> bitmap */
    PQ_CONV_I32_TO_I8,    /* INT32 narrowed to 1 byte */
    PQ_CONV_I32_TO_I16,   /* INT32 narrowed to 2 bytes */
    PQ_CONV_I32_TO_DEC,   /* INT32 decimal -> decimal128 */
    PQ_CONV_I64_TO_DEC,   /* INT64 decimal -> decimal128 */
    PQ_CONV_BYTES_TO_DEC, /* big-endian two's complement (BYTE_ARRAY/FLBA) -> decimal128 */
    PQ_CONV_INT96_TO_NS,  /* INT96 (nanos of day, Julian day) -> int64 ns */
    PQ_CONV_BYTES         /* variable-length binary/string */
} floe_pq_conv;

typedef enum floe_pq_kind { PQ_LEAF, PQ_STRUCT, PQ_LIST, PQ_MAP } floe_pq_kind;

/* A node of the Arrow view of the schema. */
typedef struct floe_pq_node {
    floe_pq_kind kind;
    const char *name; /* borrowed from the footer */
    int nullable;
    int has_field_id;
    int32_t field_id;
    int def_present; /* def level at which this node is non-null */
    int def_elem;    /* LIST/MAP: def level at which the list has an element */
    int rep_list;    /* LIST/MAP: rep level of its repeated field */
    int enc_rep;     /* rep threshold of the enclosing list (0 at top level) */
    int enc_def;     /* def_elem of the enclosing list (0 at top level) */
    char format[48]; /* Arrow format string */
    size_t num_children;
    struct floe_pq_node **children;
    int first_leaf; /* leaf column index whose levels give this node's structure */
    /* leaves */
    int leaf; /* leaf column index */
    const floe_parquet_schema_element *elem;
    int physical;
    int type_length;
    int max_def, max_rep;
    floe_pq_conv conv;
    size_t out_width; /* bytes per dense value (0 for PQ_CONV_BYTES) */
    int selected;     /* projection */
} floe_pq_node;

typedef struct floe_pq_schema {
    size_t num_fields;
    floe_pq_node **fields; /* top-level fields */
    size_t num_leaves;
    floe_pq_node **leaves; /* in column order */
    size_t num_nodes;
    floe_pq_node *nodes; /* storage */
} floe_pq_schema;

int floe_parquet__schema_build(floe_pq_schema *out, const floe_parquet_file_metadata *md);
void floe_parquet__schema_free(floe_pq_schema *s);
/* Marks selected nodes from the options (all when no projection is given). */
int floe_parquet__schema_project(floe_pq_schema *s, const floe_parquet_reader_options *opt);
/* Arrow schema of the selected fields. */
int floe_parquet__schema_to_arrow(struct ArrowSchema *out, const floe_pq_schema *s);
/* The leaf whose field id is `id` (NULL when none). */
const floe_pq_node *floe_parquet__schema_leaf_by_id(const floe_pq_schema *s, int32_t id);

/* Levels and dense values of one leaf for one batch. */
typedef struct floe_pq_batch_column {
    size_t num_levels;   /* level entries in the batch */
    int dense;           /* every entry is a present, unrepeated value: def/rep are not stored */
    uint16_t *def, *rep; /* NULL when max_def / max_rep is 0 */
    size_t def_cap;
    size_t num_values; /* dense non-null values */
    floe_buf values;   /* dense fixed-width values, or concatenated bytes */
    floe_buf lengths;  /* PQ_CONV_BYTES: int32 length per dense value */
} floe_pq_batch_column;

/* Reads one column chunk page by page. */
typedef struct floe_pq_column_reader floe_pq_column_reader;

/* Opens a column chunk. A reader left in *out by the previous row group is reused (its
 * buffers are kept); on failure *out stays valid for floe_parquet__column_reader_free. */
int floe_parquet__column_reader_new(floe_pq_column_reader **out, floe_input_file *file,
                                    uint64_t file_size, const floe_parquet_column_chunk *chunk,
                                    const floe_pq_node *leaf, int64_t num_rows);
void floe_parquet__column_reader_free(floe_pq_column_reader *cr);
/* Appends the next `rows` rows (fewer at the end of the chunk) to `out` (cleared first).
 * *rows_read says how many rows were delivered. */
int floe_parquet__column_reader_read(floe_pq_column_reader *cr, floe_pq_batch_column *out,
                                     int64_t rows, int64_t *rows_read);
void floe_parquet__batch_column_free(floe_pq_batch_column *bc);

/* Builds the Arrow struct array of one batch from the leaves' columns (indexed by leaf). */
int floe_parquet__assemble(struct ArrowArray *out, const floe_pq_schema *s,
                           floe_pq_batch_column *cols, int64_t rows);

/* Predicate evaluation on a row group's statistics. */
int floe_parquet__predicate_may_match(const floe_parquet_predicate *p, const floe_pq_schema *s,
                                      const floe_parquet_row_group *rg);

struct floe_parquet_reader {
    floe_input_file *file;
    uint64_t file_size;
    floe_parquet_file_metadata *md;
    floe_pq_schema schema;
    int64_t batch_size;
    const floe_parquet_predicate *predicate;
    uint64_t split_offset, split_length;
    int stream_open;
};

#endif
