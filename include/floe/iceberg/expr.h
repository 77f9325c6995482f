/**
 * @file floe/iceberg/expr.h
 * Iceberg filter expressions: construction, binding to a schema, NOT push-down, a textual
 * filter syntax (see docs/expressions.md), and the evaluators: rows of an Arrow batch,
 * inclusive/strict projection to partition filters, residuals, manifest-list partition
 * summaries, and data file metrics.
 *
 * Expressions are immutable and reference counted. Constructors take ownership of the child
 * expressions they are given (transfer full, also when they fail) and simplify constant
 * children (`x and false` is `false`, `not true` is `false`).
 */
#ifndef FLOE_ICEBERG_EXPR_H
#define FLOE_ICEBERG_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../arrow/abi.h"
#include "../common.h"
#include "literal.h"
#include "partition.h"
#include "schema.h"
#include "types.h"

FLOE_BEGIN_DECLS

/** Expression operations. */
typedef enum floe_expr_op {
    FLOE_EXPR_TRUE = 1,        /**< always true */
    FLOE_EXPR_FALSE,           /**< always false */
    FLOE_EXPR_AND,             /**< left and right */
    FLOE_EXPR_OR,              /**< left or right */
    FLOE_EXPR_NOT,             /**< not child */
    FLOE_EXPR_IS_NULL,         /**< column is null */
    FLOE_EXPR_NOT_NULL,        /**< column is not null */
    FLOE_EXPR_IS_NAN,          /**< column is NaN (float/double) */
    FLOE_EXPR_NOT_NAN,         /**< column is not NaN */
    FLOE_EXPR_LT,              /**< column < value */
    FLOE_EXPR_LT_EQ,           /**< column <= value */
    FLOE_EXPR_GT,              /**< column > value */
    FLOE_EXPR_GT_EQ,           /**< column >= value */
    FLOE_EXPR_EQ,              /**< column = value */
    FLOE_EXPR_NOT_EQ,          /**< column != value */
    FLOE_EXPR_STARTS_WITH,     /**< string column starts with value */
    FLOE_EXPR_NOT_STARTS_WITH, /**< string column does not start with value */
    FLOE_EXPR_IN,              /**< column in (values) */
    FLOE_EXPR_NOT_IN           /**< column not in (values) */
} floe_expr_op;

/** An expression (opaque, immutable, reference counted). */
typedef struct floe_expr floe_expr;

/** The constant true expression. (transfer full) */
FLOE_API floe_expr *floe_expr_true(void);

/** The constant false expression. (transfer full) */
FLOE_API floe_expr *floe_expr_false(void);

/** `left and right`, simplified. Children: (transfer full). */
FLOE_API int floe_expr_and(floe_expr **out, floe_expr *left, floe_expr *right);

/** `left or right`, simplified. Children: (transfer full). */
FLOE_API int floe_expr_or(floe_expr **out, floe_expr *left, floe_expr *right);

/** `not child`, simplified (`not not x` is x). Child: (transfer full). */
FLOE_API int floe_expr_not(floe_expr **out, floe_expr *child);

/**
 * An unbound predicate on a column by (dotted) name.
 * @param values literals copied into the predicate: none for is/not null/nan, one for
 *        comparisons and starts_with, one or more for in/not in.
 */
FLOE_API int floe_expr_predicate(floe_expr **out, floe_expr_op op, const char *column,
                                 const floe_literal *values, size_t count);

/** Adds a reference and returns `e`. */
FLOE_API floe_expr *floe_expr_ref(floe_expr *e);

/** Drops a reference; frees at zero. Accepts NULL. */
FLOE_API void floe_expr_free(floe_expr *e);

/** Operation of an expression. */
FLOE_API floe_expr_op floe_expr_get_op(const floe_expr *e);

/** Child of and/or (0 = left, 1 = right) or not (0); NULL otherwise. (transfer none) */
FLOE_API const floe_expr *floe_expr_child(const floe_expr *e, size_t i);

/** True for predicates bound to a field id. */
FLOE_API bool floe_expr_is_bound(const floe_expr *e);

/** Column name of a predicate (as written, or the full name once bound). (transfer none) */
FLOE_API const char *floe_expr_column(const floe_expr *e);

/** Field id of a bound predicate (-1 when unbound). */
FLOE_API int32_t floe_expr_field_id(const floe_expr *e);

/** Number of literals of a predicate. */
FLOE_API size_t floe_expr_literal_count(const floe_expr *e);

/** Literal `i` of a predicate (of the column's type once bound). (transfer none) */
FLOE_API const floe_literal *floe_expr_literal_at(const floe_expr *e, size_t i);

/**
 * Binds an expression to a schema: resolves columns by name (case-sensitive or not), checks
 * the operation against the column type, converts literals to the column type. Comparisons
 * that can never or always hold fold to false/true (e.g. `int_col < 3000000000`,
 * `required_col is null`).
 * @return 0; FLOE_EINVALID with a message naming the column and the types.
 */
FLOE_API int floe_expr_bind(floe_expr **out, const floe_expr *e, const floe_schema *schema,
                            bool case_sensitive);

/** Binds to the fields of a struct type (e.g. a partition type). */
FLOE_API int floe_expr_bind_struct(floe_expr **out, const floe_expr *e,
                                   const floe_type *struct_type, bool case_sensitive);

/** Rewrites `not` away by negating predicates (De Morgan). Works bound or unbound. */
FLOE_API int floe_expr_rewrite_not(floe_expr **out, const floe_expr *e);

/** The negation of an expression without a `not` node. */
FLOE_API int floe_expr_negate(floe_expr **out, const floe_expr *e);

/**
 * Prints an expression in the filter syntax (parseable by floe_expr_parse()).
 * @param out (transfer full) free with floe_iceberg_free_string().
 */
FLOE_API int floe_expr_to_string(char **out, const floe_expr *e);

/**
 * Parses the textual filter syntax (docs/expressions.md) into an unbound expression.
 * On a syntax error returns FLOE_EINVALID with a message naming the column (1-based) and
 * showing the input with a caret under the problem.
 */
FLOE_API int floe_expr_parse(floe_expr **out, const char *text);

/**
 * Field ids referenced by a bound expression's predicates, each once, in first-use order
 * (e.g. the columns a scan must read to apply a row filter).
 * @param out (transfer full) free with floe_iceberg_free_bytes(); NULL when `*count` is 0.
 */
FLOE_API int floe_expr_field_ids(int32_t **out, size_t *count, const floe_expr *bound);

/** True when both expressions have the same structure, columns/ids and literals. */
FLOE_API bool floe_expr_equal(const floe_expr *a, const floe_expr *b);

/* ---------------------------------------------------------------- evaluators */

/**
 * Evaluates a bound expression on each row of an Arrow struct batch whose fields carry the
 * schema's columns (matched by `PARQUET:field_id` metadata when present, else by name).
 * @param selection receives one byte per row: 1 when the row matches (null comparisons do
 *        not match; `not` of an unknown is unknown, so it does not match either).
 */
FLOE_API int floe_expr_eval_arrow(uint8_t *selection, const floe_expr *bound,
                                  const floe_schema *schema, const struct ArrowSchema *arrow_schema,
                                  const struct ArrowArray *batch);

/**
 * Evaluates a bound expression on one struct row given as literals: `values[i]` is the value
 * of the i-th field of `struct_type`, which the expression was bound to.
 */
FLOE_API int floe_expr_eval_row(bool *result, const floe_expr *bound, const floe_type *struct_type,
                                const floe_literal *values);

/**
 * Inclusive projection of a bound row filter to a partition filter: every file whose
 * partition may contain a matching row is selected by the result. The result is bound to
 * the spec's partition type.
 */
FLOE_API int floe_expr_project_inclusive(floe_expr **out, const floe_expr *bound,
                                         const floe_partition_spec *spec, const floe_schema *schema,
                                         bool case_sensitive);

/**
 * Strict projection: the result selects only partitions in which every row matches.
 * The result is bound to the spec's partition type.
 */
FLOE_API int floe_expr_project_strict(floe_expr **out, const floe_expr *bound,
                                      const floe_partition_spec *spec, const floe_schema *schema,
                                      bool case_sensitive);

/**
 * Residual of a bound row filter for a file with partition tuple `partition` (values in the
 * spec's field order): the part of the filter still to be applied to the file's rows
 * (true when the partition alone proves every row matches, false when none can).
 */
FLOE_API int floe_expr_residual(floe_expr **out, const floe_expr *bound,
                                const floe_partition_spec *spec, const floe_schema *schema,
                                const floe_literal *partition);

/**
 * A manifest-list partition field summary (manifest_file.partitions[i]). Bounds are
 * Appendix D bytes of the partition field's type; NULL when absent.
 */
typedef struct floe_partition_summary {
    bool contains_null;   /**< some partition value is null */
    int contains_nan;     /**< 1 yes, 0 no, -1 unknown (field absent) */
    const uint8_t *lower; /**< lower bound bytes or NULL */
    size_t lower_len;     /**< length of lower */
    const uint8_t *upper; /**< upper bound bytes or NULL */
    size_t upper_len;     /**< length of upper */
} floe_partition_summary;

/**
 * Manifest-list evaluator: may a manifest with these partition summaries (one per
 * partition field, in spec order) contain rows matching `partition_filter` (bound to the
 * partition type, e.g. the output of floe_expr_project_inclusive())?
 */
FLOE_API int floe_expr_manifest_might_match(bool *result, const floe_expr *partition_filter,
                                            const floe_type *partition_type,
                                            const floe_partition_summary *summaries, size_t count);

/** Metrics of one column of a data file (from the manifest entry's maps). */
typedef struct floe_expr_column_metrics {
    int32_t field_id;     /**< column id */
    int64_t value_count;  /**< values including nulls, or -1 when unknown */
    int64_t null_count;   /**< nulls, or -1 when unknown */
    int64_t nan_count;    /**< NaNs, or -1 when unknown */
    const uint8_t *lower; /**< lower bound (Appendix D bytes) or NULL */
    size_t lower_len;     /**< length of lower */
    const uint8_t *upper; /**< upper bound or NULL */
    size_t upper_len;     /**< length of upper */
} floe_expr_column_metrics;

/**
 * Inclusive metrics evaluator: might the file contain a row matching the bound row filter?
 * Columns without metrics are assumed to possibly match. String/binary bounds may be
 * truncated (a lower bound is a prefix; an upper bound was incremented).
 */
FLOE_API int floe_expr_metrics_might_match(bool *result, const floe_expr *bound,
                                           const floe_schema *schema, int64_t record_count,
                                           const floe_expr_column_metrics *columns, size_t count);

/** Strict metrics evaluator: do all rows of the file certainly match? */
FLOE_API int floe_expr_metrics_must_match(bool *result, const floe_expr *bound,
                                          const floe_schema *schema, int64_t record_count,
                                          const floe_expr_column_metrics *columns, size_t count);

FLOE_END_DECLS

#endif
