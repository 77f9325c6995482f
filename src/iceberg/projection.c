/* Projection of row filters through partition transforms (spec "Scan Planning"), following
 * the reference implementation's rules per transform, including its adjustment of temporal
 * projections for values before 1970 (older writers truncated those toward zero). */
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "iceberg/expr_internal.h"
#include "iceberg/literal_internal.h"
#include "iceberg/projection_internal.h"
#include "iceberg/type_internal.h"

/* v + delta in the value's own unit (1, one day, one micro/nano, one unscaled step); false
 * on overflow. */
static bool step(floe_literal *out, const floe_literal *in, int delta)
{
    *out = *in;
    out->owned = false;
    switch (in->kind) {
    case FLOE_TYPE_INT:
    case FLOE_TYPE_DATE:
        if ((delta > 0 && in->v.i32 == INT32_MAX) || (delta < 0 && in->v.i32 == INT32_MIN))
            return false;
        out->v.i32 += delta;
        return true;
    case FLOE_TYPE_LONG:
    case FLOE_TYPE_TIME:
    case FLOE_TYPE_TIMESTAMP:
    case FLOE_TYPE_TIMESTAMPTZ:
    case FLOE_TYPE_TIMESTAMP_NS:
    case FLOE_TYPE_TIMESTAMPTZ_NS:
        if ((delta > 0 && in->v.i64 == INT64_MAX) || (delta < 0 && in->v.i64 == INT64_MIN))
            return false;
        out->v.i64 += delta;
        return true;
    case FLOE_TYPE_DECIMAL:
        *out = floe_literal__from_i128(floe_literal__dec(in) + delta, in->scale);
        return true;
    default:
        return false;
    }
}

static size_t value_length(const floe_literal *l)
{
    if (l->kind == FLOE_TYPE_STRING) {
        size_t count;
        floe_literal__utf8_prefix(l->v.bytes.data, l->v.bytes.len, (size_t)-1, &count);
        return count;
    }
    return l->v.bytes.len;
}

/* Builds `name op t(values[i] + delta)` (delta applied before the transform). */
static int transformed(floe_expr **out, floe_expr_op op, const char *name, floe_transform t,
                       const floe_literal *vals, size_t n, int delta)
{
    *out = NULL;
    floe_literal *res = floe_calloc(n, sizeof *res);
    if (!res)
        return FLOE_ENOMEM;
    int rc = 0;
    size_t k = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        floe_literal v;
        if (delta) {
            if (!step(&v, &vals[i], delta))
                break; /* at the type's limit: no projection */
        } else {
            v = vals[i];
        }
        rc = floe_transform_apply(&res[k], t, &v);
        if (!rc)
            k++;
    }
    if (!rc && k == n)
        rc = floe_expr_predicate(out, op, name, res, n);
    for (size_t i = 0; i < k; i++)
        floe_literal_clear(&res[i]);
    floe_free(res);
    return rc;
}

static bool is_temporal(floe_transform_kind k)
{
    return k == FLOE_TRANSFORM_YEAR || k == FLOE_TRANSFORM_MONTH || k == FLOE_TRANSFORM_DAY ||
           k == FLOE_TRANSFORM_HOUR;
}

static int32_t ival(const floe_literal *l)
{
    return l->v.i32;
}

static floe_literal same_kind(const floe_literal *like, int32_t v)
{
    floe_literal l = *like;
    l.v.i32 = v;
    return l;
}

/* `op v` becomes `op v+1` when v < limit: the value may stand for a truncated pre-1970 one. */
static int fix_time_bound(floe_expr **fixed, const floe_expr *e, const floe_literal *l,
                          int32_t limit)
{
    if (ival(l) >= limit)
        return 0;
    floe_literal v = same_kind(l, ival(l) + 1);
    return floe_expr_predicate(fixed, e->op, e->column, &v, 1);
}

/* `= v` / `!= v` with v negative becomes `set_op (v, v+1)`. */
static int fix_time_pair(floe_expr **fixed, const floe_expr *e, const floe_literal *l,
                         floe_expr_op set_op)
{
    if (ival(l) >= 0)
        return 0;
    floe_literal v[2] = {*l, same_kind(l, ival(l) + 1)};
    return floe_expr_predicate(fixed, set_op, e->column, v, 2);
}

/* A set predicate gains v+1 beside every negative v it holds. */
static int fix_time_set(floe_expr **fixed, const floe_expr *e)
{
    bool neg = false;
    for (size_t i = 0; i < e->nlits; i++)
        neg |= ival(&e->lits[i]) < 0;
    if (!neg)
        return 0;
    floe_literal *v = floe_calloc(e->nlits * 2, sizeof *v);
    if (!v)
        return FLOE_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < e->nlits; i++) {
        v[n++] = e->lits[i];
        if (ival(&e->lits[i]) < 0)
            v[n++] = same_kind(&e->lits[i], ival(&e->lits[i]) + 1);
    }
    int rc = floe_expr_predicate(fixed, e->op, e->column, v, n);
    floe_free(v);
    return rc;
}

/* The reference implementation's fixInclusiveTimeProjection / fixStrictTimeProjection. */
static int fix_time(floe_expr **p, bool strict)
{
    floe_expr *e = *p;
    if (!e)
        return 0;
    const floe_literal *l = e->nlits ? &e->lits[0] : NULL;
    floe_expr *fixed = NULL;
    int rc = 0;
    if (!strict) {
        switch (e->op) {
        case FLOE_EXPR_LT:
        case FLOE_EXPR_LT_EQ:
            rc = fix_time_bound(&fixed, e, l, 0);
            break;
        case FLOE_EXPR_EQ:
            rc = fix_time_pair(&fixed, e, l, FLOE_EXPR_IN);
            break;
        case FLOE_EXPR_IN:
            rc = fix_time_set(&fixed, e);
            break;
        default:
            break;
        }
    } else {
        switch (e->op) {
        case FLOE_EXPR_GT:
        case FLOE_EXPR_GT_EQ:
            rc = fix_time_bound(&fixed, e, l, 1);
            break;
        case FLOE_EXPR_NOT_EQ:
            rc = fix_time_pair(&fixed, e, l, FLOE_EXPR_NOT_IN);
            break;
        case FLOE_EXPR_NOT_IN:
            rc = fix_time_set(&fixed, e);
            break;
        default:
            break;
        }
    }
    if (rc) {
        floe_expr_free(e);
        *p = NULL;
        return rc;
    }
    if (fixed) {
        floe_expr_free(e);
        *p = fixed;
    }
    return 0;
}

static int project_inclusive(floe_expr **out, const floe_expr *p, const char *name,
                             floe_transform t, const floe_type *src)
{
    *out = NULL;
    floe_expr_op op = p->op;
    if (t.kind == FLOE_TRANSFORM_VOID || t.kind == FLOE_TRANSFORM_UNKNOWN)
        return 0;
    if (op == FLOE_EXPR_IS_NULL || op == FLOE_EXPR_NOT_NULL)
        return floe_expr_predicate(out, op, name, NULL, 0);
    if (t.kind == FLOE_TRANSFORM_IDENTITY)
        return floe_expr_predicate(out, op, name, p->lits, p->nlits);
    if (t.kind == FLOE_TRANSFORM_BUCKET) {
        if (op == FLOE_EXPR_EQ || op == FLOE_EXPR_IN)
            return transformed(out, op, name, t, p->lits, p->nlits, 0);
        return 0;
    }
    bool text = src->kind == FLOE_TYPE_STRING || src->kind == FLOE_TYPE_BINARY;
    int rc = 0;
    if (t.kind == FLOE_TRANSFORM_TRUNCATE && text) {
        switch (op) {
        case FLOE_EXPR_LT:
        case FLOE_EXPR_LT_EQ:
            return transformed(out, FLOE_EXPR_LT_EQ, name, t, p->lits, 1, 0);
        case FLOE_EXPR_GT:
        case FLOE_EXPR_GT_EQ:
            return transformed(out, FLOE_EXPR_GT_EQ, name, t, p->lits, 1, 0);
        case FLOE_EXPR_EQ:
        case FLOE_EXPR_IN:
            return transformed(out, op, name, t, p->lits, p->nlits, 0);
        case FLOE_EXPR_STARTS_WITH:
            /* values starting with a prefix longer than W all truncate to its first W */
            if (value_length(&p->lits[0]) <= (size_t)t.param)
                return floe_expr_predicate(out, op, name, p->lits, 1);
            return transformed(out, FLOE_EXPR_EQ, name, t, p->lits, 1, 0);
        case FLOE_EXPR_NOT_STARTS_WITH: {
            size_t len = value_length(&p->lits[0]);
            if (len < (size_t)t.param)
                return floe_expr_predicate(out, op, name, p->lits, 1);
            if (len == (size_t)t.param)
                return floe_expr_predicate(out, FLOE_EXPR_NOT_EQ, name, p->lits, 1);
            return 0;
        }
        default:
            return 0;
        }
    }
    if (t.kind == FLOE_TRANSFORM_TRUNCATE || is_temporal(t.kind)) {
        switch (op) {
        case FLOE_EXPR_LT:
            rc = transformed(out, FLOE_EXPR_LT_EQ, name, t, p->lits, 1, -1);
            break;
        case FLOE_EXPR_LT_EQ:
            rc = transformed(out, FLOE_EXPR_LT_EQ, name, t, p->lits, 1, 0);
            break;
        case FLOE_EXPR_GT:
            rc = transformed(out, FLOE_EXPR_GT_EQ, name, t, p->lits, 1, 1);
            break;
        case FLOE_EXPR_GT_EQ:
            rc = transformed(out, FLOE_EXPR_GT_EQ, name, t, p->lits, 1, 0);
            break;
        case FLOE_EXPR_EQ:
        case FLOE_EXPR_IN:
            rc = transformed(out, op, name, t, p->lits, p->nlits, 0);
            break;
        default:
            return 0;
        }
        if (!rc && is_temporal(t.kind))
            rc = fix_time(out, false);
        return rc;
    }
    return 0;
}

static int project_strict(floe_expr **out, const floe_expr *p, const char *name, floe_transform t,
                          const floe_type *src)
{
    *out = NULL;
    floe_expr_op op = p->op;
    if (t.kind == FLOE_TRANSFORM_VOID || t.kind == FLOE_TRANSFORM_UNKNOWN)
        return 0;
    if (op == FLOE_EXPR_IS_NULL || op == FLOE_EXPR_NOT_NULL)
        return floe_expr_predicate(out, op, name, NULL, 0);
    if (t.kind == FLOE_TRANSFORM_IDENTITY)
        return floe_expr_predicate(out, op, name, p->lits, p->nlits);
    if (t.kind == FLOE_TRANSFORM_BUCKET) {
        if (op == FLOE_EXPR_NOT_EQ || op == FLOE_EXPR_NOT_IN)
            return transformed(out, op, name, t, p->lits, p->nlits, 0);
        return 0;
    }
    bool text = src->kind == FLOE_TYPE_STRING || src->kind == FLOE_TYPE_BINARY;
    if (t.kind == FLOE_TRANSFORM_TRUNCATE && text) {
        switch (op) {
        case FLOE_EXPR_LT:
        case FLOE_EXPR_LT_EQ:
            return transformed(out, FLOE_EXPR_LT, name, t, p->lits, 1, 0);
        case FLOE_EXPR_GT:
        case FLOE_EXPR_GT_EQ:
            return transformed(out, FLOE_EXPR_GT, name, t, p->lits, 1, 0);
        case FLOE_EXPR_NOT_EQ:
        case FLOE_EXPR_NOT_IN:
            return transformed(out, op, name, t, p->lits, p->nlits, 0);
        case FLOE_EXPR_STARTS_WITH:
            if (value_length(&p->lits[0]) <= (size_t)t.param)
                return floe_expr_predicate(out, op, name, p->lits, 1);
            return 0;
        case FLOE_EXPR_NOT_STARTS_WITH:
            if (value_length(&p->lits[0]) <= (size_t)t.param)
                return floe_expr_predicate(out, op, name, p->lits, 1);
            return transformed(out, op, name, t, p->lits, 1, 0);
        default:
            return 0;
        }
    }
    if (t.kind == FLOE_TRANSFORM_TRUNCATE || is_temporal(t.kind)) {
        int rc;
        switch (op) {
        case FLOE_EXPR_LT:
            rc = transformed(out, FLOE_EXPR_LT, name, t, p->lits, 1, 0);
            break;
        case FLOE_EXPR_LT_EQ:
            rc = transformed(out, FLOE_EXPR_LT, name, t, p->lits, 1, 1);
            break;
        case FLOE_EXPR_GT:
            rc = transformed(out, FLOE_EXPR_GT, name, t, p->lits, 1, 0);
            break;
        case FLOE_EXPR_GT_EQ:
            rc = transformed(out, FLOE_EXPR_GT, name, t, p->lits, 1, -1);
            break;
        case FLOE_EXPR_NOT_EQ:
        case FLOE_EXPR_NOT_IN:
            rc = transformed(out, op, name, t, p->lits, p->nlits, 0);
            break;
        default:
            return 0;
        }
        if (!rc && is_temporal(t.kind))
            rc = fix_time(out, true);
        return rc;
    }
    return 0;
}

int floe_projection__predicate(floe_expr **out, const floe_expr *pred,
                               const floe_partition_field *pf, const floe_type *source, bool strict)
{
    const char *name = floe_partition_field_name(pf);
    floe_transform t = floe_partition_field_transform(pf);
    return strict ? project_strict(out, pred, name, t, source)
                  : project_inclusive(out, pred, name, t, source);
}

static int project(floe_expr **out, const floe_expr *e, const floe_partition_spec *spec,
                   const floe_schema *schema, bool strict)
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
        rc = project(&l, e->left, spec, schema, strict);
        if (!rc)
            rc = project(&r, e->right, spec, schema, strict);
        if (rc) {
            floe_expr_free(l);
            return rc;
        }
        return e->op == FLOE_EXPR_AND ? floe_expr_and(out, l, r) : floe_expr_or(out, l, r);
    }
    case FLOE_EXPR_NOT:
        return floe_error_set(FLOE_EINVALID, "rewrite 'not' before projecting");
    default:
        break;
    }
    /* Inclusive: every partition field's projection must hold (and); none means true.
     * Strict: any one proving the predicate is enough (or); none means false. */
    floe_expr *acc = strict ? floe_expr_false() : floe_expr_true();
    const floe_field *src = floe_schema_find_field(schema, e->field_id);
    for (size_t i = 0; src && i < floe_partition_spec_field_count(spec); i++) {
        const floe_partition_field *pf = floe_partition_spec_field_at(spec, i);
        if (floe_partition_field_source_id(pf) != e->field_id)
            continue;
        floe_expr *p = NULL;
        rc = floe_projection__predicate(&p, e, pf, src->type, strict);
        if (rc) {
            floe_expr_free(p);
            floe_expr_free(acc);
            return rc;
        }
        if (!p)
            continue;
        floe_expr *prev = acc;
        rc = strict ? floe_expr_or(&acc, prev, p) : floe_expr_and(&acc, prev, p);
        if (rc)
            return rc;
    }
    *out = acc;
    return 0;
}

static int project_top(floe_expr **out, const floe_expr *bound, const floe_partition_spec *spec,
                       const floe_schema *schema, bool case_sensitive, bool strict)
{
    *out = NULL;
    floe_expr *rewritten = NULL, *unbound = NULL;
    floe_type *ptype = NULL;
    int rc = floe_expr_rewrite_not(&rewritten, bound);
    if (!rc)
        rc = project(&unbound, rewritten, spec, schema, strict);
    if (!rc)
        rc = floe_partition_spec_partition_type(&ptype, spec, schema);
    if (!rc)
        rc = floe_expr_bind_struct(out, unbound, ptype, case_sensitive);
    floe_expr_free(rewritten);
    floe_expr_free(unbound);
    floe_type_free(ptype);
    return rc;
}

int floe_expr_project_inclusive(floe_expr **out, const floe_expr *bound,
                                const floe_partition_spec *spec, const floe_schema *schema,
                                bool case_sensitive)
{
    return project_top(out, bound, spec, schema, case_sensitive, false);
}

int floe_expr_project_strict(floe_expr **out, const floe_expr *bound,
                             const floe_partition_spec *spec, const floe_schema *schema,
                             bool case_sensitive)
{
    return project_top(out, bound, spec, schema, case_sensitive, true);
}
