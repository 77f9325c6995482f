/* Layout of floe_expr and helpers shared by binding, evaluation, projection and parsing. */
#ifndef FLOE_ICEBERG_EXPR_INTERNAL_H
#define FLOE_ICEBERG_EXPR_INTERNAL_H

#include <floe/iceberg/expr.h>

#include "base/buf.h"

struct floe_expr {
    int refcount;
    bool is_static;
    floe_expr_op op;
    floe_expr *left, *right; /* and/or children; not uses left */
    char *column;            /* predicate column name */
    int32_t field_id;        /* bound field id, -1 when unbound */
    floe_type *type;         /* bound column type (referenced) */
    floe_literal *lits;      /* owned copies */
    size_t nlits;
};

/* True for the operations that are predicates on a column. */
bool floe_expr__is_predicate(floe_expr_op op);

/* The negated operation of a predicate or constant. */
floe_expr_op floe_expr__negate_op(floe_expr_op op);

/* A bound predicate on field `id` of type `type` (referenced); literals are copied. */
int floe_expr__bound_predicate(floe_expr **out, floe_expr_op op, const char *column, int32_t id,
                               floe_type *type, const floe_literal *lits, size_t n);

/* Keyword text of an operation ("<=", "in", "is null"). */
const char *floe_expr__op_name(floe_expr_op op);

/* Tri-state truth: 1 true, 0 false, -1 unknown (SQL null). */
int floe_expr__test_literal(const floe_expr *pred, const floe_literal *value, int *result);

#endif
