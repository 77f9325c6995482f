/* Pruning evaluators on column statistics: data file metrics (inclusive "might match" and
 * strict "must match") and manifest-list partition field summaries (inclusive).
 *
 * They agree with the row evaluator's three-valued logic: a null or NaN never satisfies a
 * comparison, `is not nan` holds for nulls. String and binary bounds may be truncated: a
 * lower bound is a prefix of the true minimum and an upper bound is greater than or equal to
 * the true maximum, so every test below only relies on lower <= min and max <= upper. */
#include <math.h>
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "iceberg/expr_internal.h"
#include "iceberg/type_internal.h"

typedef struct stats {
    bool present;  /* any statistics for the column */
    bool all_null; /* every value is null */
    bool all_nan;  /* every value is NaN */
    bool no_null;  /* certainly no null */
    bool no_nan;   /* certainly no NaN */
    bool may_null; /* nulls possible */
    bool has_lower, has_upper;
    floe_literal lower, upper; /* owned */
} stats;

static void stats_clear(stats *s)
{
    floe_literal_clear(&s->lower);
    floe_literal_clear(&s->upper);
}

static bool is_nan_lit(const floe_literal *l)
{
    return (l->kind == FLOE_TYPE_FLOAT && isnan(l->v.f32)) ||
           (l->kind == FLOE_TYPE_DOUBLE && isnan(l->v.f64));
}

/* Decodes a bound into *has; an undecodable or NaN bound is treated as absent (no pruning on
 * it). Only running out of memory is an error. */
static int load_bound(bool *has, floe_literal *out, const floe_type *t, const uint8_t *b, size_t n)
{
    *has = false;
    if (!b)
        return 0;
    int rc = floe_literal_from_bytes(out, t, b, n);
    if (rc == FLOE_ENOMEM)
        return rc;
    if (rc) {
        floe_error_clear();
        return 0;
    }
    if (is_nan_lit(out)) {
        floe_literal_clear(out);
        return 0;
    }
    *has = true;
    return 0;
}

static int cmp(const floe_literal *a, const floe_literal *b)
{
    int c = 0;
    if (floe_literal_compare(&c, a, b) != 0) {
        floe_error_clear();
        return 0;
    }
    return c;
}

/* Compares the first len(prefix) bytes of a value with the prefix. */
static int cmp_prefix(const floe_literal *v, const floe_literal *prefix)
{
    size_t n = prefix->v.bytes.len;
    size_t m = v->v.bytes.len < n ? v->v.bytes.len : n;
    int c = m ? memcmp(v->v.bytes.data, prefix->v.bytes.data, m) : 0;
    if (c)
        return c < 0 ? -1 : 1;
    return m < n ? -1 : 0;
}

static bool is_float(const floe_type *t)
{
    return t->kind == FLOE_TYPE_FLOAT || t->kind == FLOE_TYPE_DOUBLE;
}

/* Might some row of a column with these stats satisfy `p`? */
static bool might(const floe_expr *p, const stats *s)
{
    if (!s->present)
        return true;
    const floe_literal *lit = p->nlits ? &p->lits[0] : NULL;
    switch (p->op) {
    case FLOE_EXPR_IS_NULL:
        return !s->no_null;
    case FLOE_EXPR_NOT_NULL:
        return !s->all_null;
    case FLOE_EXPR_IS_NAN:
        return !s->no_nan && !s->all_null;
    case FLOE_EXPR_NOT_NAN:
        return !s->all_nan;
    default:
        break;
    }
    if (s->all_null || s->all_nan)
        return false;
    switch (p->op) {
    case FLOE_EXPR_LT:
        return !(s->has_lower && cmp(&s->lower, lit) >= 0);
    case FLOE_EXPR_LT_EQ:
        return !(s->has_lower && cmp(&s->lower, lit) > 0);
    case FLOE_EXPR_GT:
        return !(s->has_upper && cmp(&s->upper, lit) <= 0);
    case FLOE_EXPR_GT_EQ:
        return !(s->has_upper && cmp(&s->upper, lit) < 0);
    case FLOE_EXPR_EQ:
        if (s->has_lower && cmp(&s->lower, lit) > 0)
            return false;
        return !(s->has_upper && cmp(&s->upper, lit) < 0);
    case FLOE_EXPR_IN:
        for (size_t i = 0; i < p->nlits; i++) {
            if (s->has_lower && cmp(&s->lower, &p->lits[i]) > 0)
                continue;
            if (s->has_upper && cmp(&s->upper, &p->lits[i]) < 0)
                continue;
            return true;
        }
        return false;
    case FLOE_EXPR_STARTS_WITH:
        if (s->has_lower && cmp_prefix(&s->lower, lit) > 0)
            return false;
        return !(s->has_upper && cmp_prefix(&s->upper, lit) < 0);
    case FLOE_EXPR_NOT_STARTS_WITH:
        /* when both bounds start with the prefix, so does every value between them */
        return !(s->has_lower && s->has_upper && cmp_prefix(&s->lower, lit) == 0 &&
                 cmp_prefix(&s->upper, lit) == 0);
    case FLOE_EXPR_NOT_EQ:
        return !(s->has_lower && s->has_upper && cmp(&s->lower, lit) == 0 &&
                 cmp(&s->upper, lit) == 0 && s->no_nan);
    default:
        return true;
    }
}

/* Does every row of a column with these stats satisfy `p`? */
static bool must(const floe_expr *p, const stats *s)
{
    if (!s->present)
        return false;
    const floe_literal *lit = p->nlits ? &p->lits[0] : NULL;
    switch (p->op) {
    case FLOE_EXPR_IS_NULL:
        return s->all_null;
    case FLOE_EXPR_NOT_NULL:
        return s->no_null;
    case FLOE_EXPR_IS_NAN:
        return s->all_nan;
    case FLOE_EXPR_NOT_NAN:
        return s->no_nan || s->all_null;
    default:
        break;
    }
    /* a null or NaN row would not satisfy a comparison */
    if (!s->no_null || !s->no_nan)
        return false;
    switch (p->op) {
    case FLOE_EXPR_LT:
        return s->has_upper && cmp(&s->upper, lit) < 0;
    case FLOE_EXPR_LT_EQ:
        return s->has_upper && cmp(&s->upper, lit) <= 0;
    case FLOE_EXPR_GT:
        return s->has_lower && cmp(&s->lower, lit) > 0;
    case FLOE_EXPR_GT_EQ:
        return s->has_lower && cmp(&s->lower, lit) >= 0;
    case FLOE_EXPR_EQ:
        return s->has_lower && s->has_upper && cmp(&s->lower, lit) == 0 && cmp(&s->upper, lit) == 0;
    case FLOE_EXPR_NOT_EQ:
        return (s->has_lower && cmp(&s->lower, lit) > 0) ||
               (s->has_upper && cmp(&s->upper, lit) < 0);
    case FLOE_EXPR_IN:
        if (!s->has_lower || !s->has_upper || cmp(&s->lower, &s->upper) != 0)
            return false;
        for (size_t i = 0; i < p->nlits; i++)
            if (cmp(&s->lower, &p->lits[i]) == 0)
                return true;
        return false;
    case FLOE_EXPR_NOT_IN:
        if (!s->has_lower || !s->has_upper)
            return false;
        for (size_t i = 0; i < p->nlits; i++)
            if (cmp(&s->lower, &p->lits[i]) <= 0 && cmp(&s->upper, &p->lits[i]) >= 0)
                return false;
        return true;
    case FLOE_EXPR_STARTS_WITH:
        return s->has_lower && s->has_upper && cmp_prefix(&s->lower, lit) == 0 &&
               cmp_prefix(&s->upper, lit) == 0;
    case FLOE_EXPR_NOT_STARTS_WITH:
        return (s->has_lower && cmp_prefix(&s->lower, lit) > 0) ||
               (s->has_upper && cmp_prefix(&s->upper, lit) < 0);
    default:
        return false;
    }
}

typedef int (*stats_fn)(void *ctx, const floe_expr *pred, stats *out);

/* Inclusive and strict visits over and/or; `not` was rewritten away before. */
static int visit(const floe_expr *e, bool strict, stats_fn get, void *ctx, bool *res)
{
    bool a, b;
    int rc;
    switch (e->op) {
    case FLOE_EXPR_TRUE:
        *res = true;
        return 0;
    case FLOE_EXPR_FALSE:
        *res = false;
        return 0;
    case FLOE_EXPR_AND:
    case FLOE_EXPR_OR:
        if ((rc = visit(e->left, strict, get, ctx, &a)))
            return rc;
        if ((e->op == FLOE_EXPR_AND && !a) || (e->op == FLOE_EXPR_OR && a)) {
            *res = a;
            return 0;
        }
        if ((rc = visit(e->right, strict, get, ctx, &b)))
            return rc;
        *res = b;
        return 0;
    case FLOE_EXPR_NOT:
        return floe_error_set(FLOE_EINVALID, "rewrite 'not' before evaluating metrics");
    default: {
        if (!floe_expr_is_bound(e))
            return floe_error_set(FLOE_EINVALID, "predicate on '%s' is not bound", e->column);
        stats s;
        memset(&s, 0, sizeof s);
        if ((rc = get(ctx, e, &s))) {
            stats_clear(&s);
            return rc;
        }
        *res = strict ? must(e, &s) : might(e, &s);
        stats_clear(&s);
        return 0;
    }
    }
}

static int run(bool *result, const floe_expr *bound, bool strict, stats_fn get, void *ctx)
{
    floe_expr *e;
    int rc = floe_expr_rewrite_not(&e, bound);
    if (rc)
        return rc;
    rc = visit(e, strict, get, ctx, result);
    floe_expr_free(e);
    return rc;
}

/* ---- data file metrics ---- */

typedef struct metrics_ctx {
    const floe_schema *schema;
    const floe_expr_column_metrics *cols;
    size_t n;
} metrics_ctx;

static int metrics_stats(void *vctx, const floe_expr *p, stats *s)
{
    metrics_ctx *m = vctx;
    const floe_expr_column_metrics *c = NULL;
    for (size_t i = 0; i < m->n; i++)
        if (m->cols[i].field_id == p->field_id)
            c = &m->cols[i];
    if (!c)
        return 0;
    s->present = true;
    s->all_null = c->value_count >= 0 && c->null_count >= 0 && c->null_count == c->value_count;
    s->no_null = c->null_count == 0;
    s->may_null = !s->no_null;
    if (is_float(p->type)) {
        s->all_nan = c->value_count >= 0 && c->nan_count >= 0 && c->value_count > 0 &&
                     c->nan_count == c->value_count;
        s->no_nan = c->nan_count == 0;
    } else {
        s->no_nan = true;
    }
    int rc = load_bound(&s->has_lower, &s->lower, p->type, c->lower, c->lower_len);
    return rc ? rc : load_bound(&s->has_upper, &s->upper, p->type, c->upper, c->upper_len);
}

int floe_expr_metrics_might_match(bool *result, const floe_expr *bound, const floe_schema *schema,
                                  int64_t record_count, const floe_expr_column_metrics *columns,
                                  size_t count)
{
    *result = true;
    if (record_count == 0) {
        *result = false;
        return 0;
    }
    metrics_ctx m = {schema, columns, count};
    return run(result, bound, false, metrics_stats, &m);
}

int floe_expr_metrics_must_match(bool *result, const floe_expr *bound, const floe_schema *schema,
                                 int64_t record_count, const floe_expr_column_metrics *columns,
                                 size_t count)
{
    *result = false;
    if (record_count == 0) {
        *result = true;
        return 0;
    }
    metrics_ctx m = {schema, columns, count};
    return run(result, bound, true, metrics_stats, &m);
}

/* ---- manifest-list partition summaries ---- */

typedef struct summary_ctx {
    const floe_type *ptype;
    const floe_partition_summary *sums;
    size_t n;
} summary_ctx;

static int summary_stats(void *vctx, const floe_expr *p, stats *s)
{
    summary_ctx *m = vctx;
    size_t idx = m->ptype->nfields;
    for (size_t i = 0; i < m->ptype->nfields; i++)
        if (m->ptype->fields[i].id == p->field_id)
            idx = i;
    if (idx >= m->ptype->nfields || idx >= m->n)
        return 0;
    const floe_partition_summary *sum = &m->sums[idx];
    s->present = true;
    int rc = load_bound(&s->has_lower, &s->lower, p->type, sum->lower, sum->lower_len);
    if (!rc)
        rc = load_bound(&s->has_upper, &s->upper, p->type, sum->upper, sum->upper_len);
    if (rc)
        return rc;
    /* Bounds exclude nulls and NaNs, so a summary without a lower bound has neither
     * comparable values: only nulls and/or NaNs. */
    bool no_values = sum->lower == NULL;
    s->no_null = !sum->contains_null;
    s->may_null = sum->contains_null;
    s->no_nan = sum->contains_nan == 0 || !is_float(p->type);
    s->all_null = sum->contains_null && no_values && s->no_nan;
    s->all_nan = sum->contains_nan == 1 && !sum->contains_null && no_values;
    return 0;
}

static bool comparison(floe_expr_op op)
{
    return op != FLOE_EXPR_IS_NULL && op != FLOE_EXPR_NOT_NULL && op != FLOE_EXPR_IS_NAN &&
           op != FLOE_EXPR_NOT_NAN;
}

typedef struct manifest_ctx {
    summary_ctx sc;
} manifest_ctx;

/* A summary without bounds holds no comparable value: comparisons cannot match. */
static int manifest_stats(void *vctx, const floe_expr *p, stats *s)
{
    manifest_ctx *m = vctx;
    int rc = summary_stats(&m->sc, p, s);
    if (rc || !s->present)
        return rc;
    size_t idx = 0;
    for (size_t i = 0; i < m->sc.ptype->nfields; i++)
        if (m->sc.ptype->fields[i].id == p->field_id)
            idx = i;
    if (comparison(p->op) && m->sc.sums[idx].lower == NULL && m->sc.sums[idx].upper == NULL)
        s->all_null = true;
    return 0;
}

int floe_expr_manifest_might_match(bool *result, const floe_expr *partition_filter,
                                   const floe_type *partition_type,
                                   const floe_partition_summary *summaries, size_t count)
{
    *result = true;
    manifest_ctx m = {{partition_type, summaries, count}};
    return run(result, partition_filter, false, manifest_stats, &m);
}
