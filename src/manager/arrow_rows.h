/* Row-level helpers over Arrow batches used by appends and scans. */
#ifndef FLOE_MANAGER_ARROW_ROWS_H
#define FLOE_MANAGER_ARROW_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include <floe/arrow/abi.h>
#include <floe/arrow/builder.h>
#include <floe/arrow/type.h>
#include <floe/iceberg/literal.h>
#include <floe/iceberg/types.h>

/* Value `i` of array `a` (slot index, the array's own offset applied) as a literal of
 * Iceberg `type`; strings and binary borrow the array's bytes. */
int floe_manager__arrow_literal(floe_literal *out, const floe_type *type,
                                const struct ArrowSchema *schema, const struct ArrowArray *a,
                                int64_t i);

/* As floe_manager__arrow_literal with the column's Arrow type already parsed (`t`), for
 * loops over many rows of one column. */
int floe_manager__arrow_literal_typed(floe_literal *out, const floe_type *type,
                                      const floe_arrow_type *t, const struct ArrowArray *a,
                                      int64_t i);

/* Appends rows `rows[0..n)` (logical rows of the struct batch) to the children of the struct
 * builder `b`, which has `schema`'s columns. */
int floe_manager__take(floe_arrow_builder *b, const struct ArrowSchema *schema,
                       const struct ArrowArray *batch, const int64_t *rows, size_t n);

/* Appends values `base + rows[i]` of one column array to builder `b`. */
int floe_manager__take_column(floe_arrow_builder *b, const struct ArrowSchema *schema,
                              const struct ArrowArray *col, int64_t base, const int64_t *rows,
                              size_t n);

#endif
