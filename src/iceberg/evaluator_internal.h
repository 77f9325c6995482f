/* Reading Iceberg-typed values from Arrow struct batches, shared by the row evaluator and the
 * partition keyer. */
#ifndef FLOE_ICEBERG_EVALUATOR_INTERNAL_H
#define FLOE_ICEBERG_EVALUATOR_INTERNAL_H

#include <floe/arrow/abi.h>
#include <floe/arrow/type.h>
#include <floe/iceberg/literal.h>
#include <floe/iceberg/schema.h>

#define FLOE_ARROW_COLUMN_MAX_DEPTH 32

/* Where a column lives in a batch: child indexes from the top struct down to it. */
typedef struct floe_arrow_column {
    int32_t field_id;
    const floe_type *type; /* borrowed from the schema */
    size_t depth;
    int64_t path[FLOE_ARROW_COLUMN_MAX_DEPTH];
    floe_arrow_type at; /* Arrow type of the leaf */
} floe_arrow_column;

/* Finds column `id` of `schema` in a "+s" Arrow schema (by PARQUET:field_id, else by name).
 * Only struct nesting is followed. */
int floe_evaluator__locate(floe_arrow_column *c, const floe_schema *schema,
                           const struct ArrowSchema *arrow_schema, int32_t id);

/* Value of the column at `row` of `batch` as a literal of the column's Iceberg type; string
 * and binary literals borrow the batch's buffers. */
int floe_evaluator__value(floe_literal *out, const floe_arrow_column *c,
                          const struct ArrowArray *batch, int64_t row);

#endif
