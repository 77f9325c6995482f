/* Scan planning pieces. The expression evaluators live in their own file (scan_expr.c)
 * because <floe/iceberg/expr.h> and <floe/iceberg/manifest.h> both declare a type named
 * floe_column_metrics and cannot be included together. */
#ifndef FLOE_MANAGER_SCAN_INTERNAL_H
#define FLOE_MANAGER_SCAN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <floe/arrow/abi.h>
#include <floe/iceberg/literal.h>
#include <floe/iceberg/partition.h>
#include <floe/iceberg/schema.h>
#include <floe/iceberg/types.h>

typedef struct floe_expr floe_expr;

/* Metrics of one column, copied out of a data file. */
struct floe_manager_metrics {
    int32_t field_id;
    int64_t value_count, null_count, nan_count;
    const uint8_t *lower, *upper;
    size_t lower_len, upper_len;
};

/* One partition field summary of a manifest. */
struct floe_manager_summary {
    bool contains_null;
    int contains_nan;
    const uint8_t *lower, *upper;
    size_t lower_len, upper_len;
};

/* Parses and binds filter text to the schema. */
int floe_manager__filter_bind(floe_expr **out, const char *text, const floe_schema *schema);
/* Inclusive projection to the spec's partition type. */
int floe_manager__filter_project(floe_expr **out, const floe_expr *bound,
                                 const floe_partition_spec *spec, const floe_schema *schema);
/* Strict projection (every row of a selected partition matches). */
int floe_manager__filter_project_strict(floe_expr **out, const floe_expr *bound,
                                        const floe_partition_spec *spec, const floe_schema *schema);
int floe_manager__manifest_match(bool *out, const floe_expr *pf, const floe_type *ptype,
                                 const struct floe_manager_summary *s, size_t n);
int floe_manager__partition_match(bool *out, const floe_expr *pf, const floe_type *ptype,
                                  const floe_literal *values);
int floe_manager__metrics_match(bool *out, bool strict, const floe_expr *bound,
                                const floe_schema *schema, int64_t records,
                                const struct floe_manager_metrics *m, size_t n);
int floe_manager__residual(floe_expr **out, const floe_expr *bound, const floe_partition_spec *spec,
                           const floe_schema *schema, const floe_literal *partition);
/* 1 when the expression is the constant true / false. */
int floe_manager__expr_is(const floe_expr *e, bool value);
int floe_manager__expr_string(char **out, const floe_expr *e);
int floe_manager__eval_batch(uint8_t *sel, const floe_expr *bound, const floe_schema *schema,
                             const struct ArrowSchema *as, const struct ArrowArray *batch);
void floe_manager__expr_free(floe_expr *e);
floe_expr *floe_manager__expr_ref(floe_expr *e);

#endif
