/* Thin wrappers over the expression evaluators for scan planning (see scan_internal.h). */
#include <stdlib.h>

#include <floe/error.h>
#include <floe/iceberg/expr.h>

#include "base/alloc.h"
#include "manager/scan_internal.h"

int floe_manager__filter_bind(floe_expr **out, const char *text, const floe_schema *schema)
{
    floe_expr *e = NULL;
    int rc = floe_expr_parse(&e, text);
    if (rc)
        return floe_error_wrap(rc, "filter '%s'", text);
    rc = floe_expr_bind(out, e, schema, true);
    floe_expr_free(e);
    return rc ? floe_error_wrap(rc, "filter '%s'", text) : 0;
}

int floe_manager__filter_project(floe_expr **out, const floe_expr *bound,
                                 const floe_partition_spec *spec, const floe_schema *schema)
{
    return floe_expr_project_inclusive(out, bound, spec, schema, true);
}

int floe_manager__filter_project_strict(floe_expr **out, const floe_expr *bound,
                                        const floe_partition_spec *spec, const floe_schema *schema)
{
    return floe_expr_project_strict(out, bound, spec, schema, true);
}

int floe_manager__manifest_match(bool *out, const floe_expr *pf, const floe_type *ptype,
                                 const struct floe_manager_summary *s, size_t n)
{
    floe_partition_summary *ps = floe_calloc(n ? n : 1, sizeof *ps);
    if (!ps)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        ps[i].contains_null = s[i].contains_null;
        ps[i].contains_nan = s[i].contains_nan;
        ps[i].lower = s[i].lower;
        ps[i].lower_len = s[i].lower_len;
        ps[i].upper = s[i].upper;
        ps[i].upper_len = s[i].upper_len;
    }
    int rc = floe_expr_manifest_might_match(out, pf, ptype, ps, n);
    floe_free(ps);
    return rc;
}

int floe_manager__partition_match(bool *out, const floe_expr *pf, const floe_type *ptype,
                                  const floe_literal *values)
{
    return floe_expr_eval_row(out, pf, ptype, values);
}

int floe_manager__metrics_match(bool *out, bool strict, const floe_expr *bound,
                                const floe_schema *schema, int64_t records,
                                const struct floe_manager_metrics *m, size_t n)
{
    floe_expr_column_metrics *cm = floe_calloc(n ? n : 1, sizeof *cm);
    if (!cm)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        cm[i].field_id = m[i].field_id;
        cm[i].value_count = m[i].value_count;
        cm[i].null_count = m[i].null_count;
        cm[i].nan_count = m[i].nan_count;
        cm[i].lower = m[i].lower;
        cm[i].lower_len = m[i].lower_len;
        cm[i].upper = m[i].upper;
        cm[i].upper_len = m[i].upper_len;
    }
    int rc = strict ? floe_expr_metrics_must_match(out, bound, schema, records, cm, n)
                    : floe_expr_metrics_might_match(out, bound, schema, records, cm, n);
    floe_free(cm);
    return rc;
}

int floe_manager__residual(floe_expr **out, const floe_expr *bound, const floe_partition_spec *spec,
                           const floe_schema *schema, const floe_literal *partition)
{
    return floe_expr_residual(out, bound, spec, schema, partition);
}

int floe_manager__expr_is(const floe_expr *e, bool value)
{
    return floe_expr_get_op(e) == (value ? FLOE_EXPR_TRUE : FLOE_EXPR_FALSE);
}

int floe_manager__expr_string(char **out, const floe_expr *e)
{
    return floe_expr_to_string(out, e);
}

int floe_manager__eval_batch(uint8_t *sel, const floe_expr *bound, const floe_schema *schema,
                             const struct ArrowSchema *as, const struct ArrowArray *batch)
{
    return floe_expr_eval_arrow(sel, bound, schema, as, batch);
}

void floe_manager__expr_free(floe_expr *e)
{
    floe_expr_free(e);
}

floe_expr *floe_manager__expr_ref(floe_expr *e)
{
    return floe_expr_ref(e);
}
