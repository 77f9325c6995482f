/* Residual evaluation: what remains of a row filter for a file once its partition tuple is
 * known. Per predicate and partition field on its column: if the strict projection holds for
 * the tuple, every row matches (true); if the inclusive projection fails, none can (false);
 * otherwise the predicate stays. */
#include <floe/error.h>

#include "iceberg/expr_internal.h"
#include "iceberg/projection_internal.h"

typedef struct residual_ctx {
    const floe_partition_spec *spec;
    const floe_schema *schema;
    const floe_type *ptype;
    const floe_literal *values;
} residual_ctx;

/* 1 true, 0 false, -1 unknown (a null or NaN partition value), -2 no projection. */
static int test_projection(const residual_ctx *c, floe_expr *unbound, int *res)
{
    *res = -2;
    if (!unbound)
        return 0;
    floe_expr *b = NULL;
    int rc = floe_expr_bind_struct(&b, unbound, c->ptype, true);
    floe_expr_free(unbound);
    if (rc)
        return rc;
    if (b->op == FLOE_EXPR_TRUE || b->op == FLOE_EXPR_FALSE) {
        *res = b->op == FLOE_EXPR_TRUE;
    } else {
        bool t = false, f = false;
        floe_expr *neg = NULL;
        rc = floe_expr_eval_row(&t, b, c->ptype, c->values);
        /* unknown (a null partition value) is neither: test the negation as well */
        if (!rc && !t)
            rc = floe_expr_negate(&neg, b);
        if (!rc && neg)
            rc = floe_expr_eval_row(&f, neg, c->ptype, c->values);
        floe_expr_free(neg);
        *res = t ? 1 : f ? 0 : -1;
    }
    floe_expr_free(b);
    return rc;
}

static int residual(floe_expr **out, const floe_expr *e, const residual_ctx *c)
{
    *out = NULL;
    int rc;
    switch (e->op) {
    case FLOE_EXPR_TRUE:
    case FLOE_EXPR_FALSE:
        *out = floe_expr_ref((floe_expr *)e);
        return 0;
    case FLOE_EXPR_AND:
    case FLOE_EXPR_OR: {
        floe_expr *l = NULL, *r = NULL;
        rc = residual(&l, e->left, c);
        if (!rc)
            rc = residual(&r, e->right, c);
        if (rc) {
            floe_expr_free(l);
            return rc;
        }
        return e->op == FLOE_EXPR_AND ? floe_expr_and(out, l, r) : floe_expr_or(out, l, r);
    }
    case FLOE_EXPR_NOT:
        return floe_error_set(FLOE_EINVALID, "rewrite 'not' before computing residuals");
    default:
        break;
    }
    const floe_field *src = floe_schema_find_field(c->schema, e->field_id);
    for (size_t i = 0; src && i < floe_partition_spec_field_count(c->spec); i++) {
        const floe_partition_field *pf = floe_partition_spec_field_at(c->spec, i);
        if (floe_partition_field_source_id(pf) != e->field_id)
            continue;
        floe_expr *p = NULL;
        int res;
        rc = floe_projection__predicate(&p, e, pf, floe_field_type(src), true);
        if (!rc)
            rc = test_projection(c, p, &res);
        if (rc)
            return rc;
        if (res == 1) {
            *out = floe_expr_true();
            return 0;
        }
        rc = floe_projection__predicate(&p, e, pf, floe_field_type(src), false);
        if (!rc)
            rc = test_projection(c, p, &res);
        if (rc)
            return rc;
        /* Unknown means the partition value is null (or NaN), so is every source value in
         * the file: the comparison is unknown for every row and selects none of them. */
        if (res == 0 || res == -1) {
            *out = floe_expr_false();
            return 0;
        }
    }
    *out = floe_expr_ref((floe_expr *)e);
    return 0;
}

int floe_expr_residual(floe_expr **out, const floe_expr *bound, const floe_partition_spec *spec,
                       const floe_schema *schema, const floe_literal *partition)
{
    *out = NULL;
    floe_expr *rewritten = NULL;
    floe_type *ptype = NULL;
    int rc = floe_expr_rewrite_not(&rewritten, bound);
    if (!rc)
        rc = floe_partition_spec_partition_type(&ptype, spec, schema);
    if (!rc) {
        residual_ctx c = {spec, schema, ptype, partition};
        rc = residual(out, rewritten, &c);
    }
    floe_expr_free(rewritten);
    floe_type_free(ptype);
    return rc;
}
