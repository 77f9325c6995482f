/* Row evaluators: a bound expression against one struct row of literals, and against every
 * row of an Arrow struct batch. Three-valued logic: comparisons with null (or NaN) are
 * unknown; and/or/not follow Kleene's rules; only true selects a row. */
#include <string.h>

#include <floe/arrow/schema.h>
#include <floe/arrow/type.h>
#include <floe/arrow/value.h>
#include <floe/error.h>

#include "base/alloc.h"
#include "base/timeconv.h"
#include "iceberg/evaluator_internal.h"
#include "iceberg/expr_internal.h"
#include "iceberg/literal_internal.h"
#include "iceberg/type_internal.h"

static int kleene_and(int a, int b)
{
    if (a == 0 || b == 0)
        return 0;
    return (a == 1 && b == 1) ? 1 : -1;
}

static int kleene_or(int a, int b)
{
    if (a == 1 || b == 1)
        return 1;
    return (a == 0 && b == 0) ? 0 : -1;
}

typedef int (*value_fn)(void *ctx, int32_t field_id, floe_literal *out);

static int eval(const floe_expr *e, value_fn get, void *ctx, int *res)
{
    int a, b, rc;
    switch (e->op) {
    case FLOE_EXPR_TRUE:
        *res = 1;
        return 0;
    case FLOE_EXPR_FALSE:
        *res = 0;
        return 0;
    case FLOE_EXPR_NOT:
        rc = eval(e->left, get, ctx, &a);
        *res = a == -1 ? -1 : !a;
        return rc;
    case FLOE_EXPR_AND:
    case FLOE_EXPR_OR:
        if ((rc = eval(e->left, get, ctx, &a)))
            return rc;
        /* short-circuit on a decisive left side */
        if ((e->op == FLOE_EXPR_AND && a == 0) || (e->op == FLOE_EXPR_OR && a == 1)) {
            *res = a;
            return 0;
        }
        if ((rc = eval(e->right, get, ctx, &b)))
            return rc;
        *res = e->op == FLOE_EXPR_AND ? kleene_and(a, b) : kleene_or(a, b);
        return 0;
    default: {
        if (!floe_expr_is_bound(e))
            return floe_error_set(FLOE_EINVALID,
                                  "predicate on '%s' is not bound: bind the expression first",
                                  e->column);
        floe_literal v;
        if ((rc = get(ctx, e->field_id, &v)))
            return rc;
        rc = floe_expr__test_literal(e, &v, res);
        floe_literal_clear(&v);
        return rc;
    }
    }
}

typedef struct row_ctx {
    const floe_type *type;
    const floe_literal *values;
} row_ctx;

static int row_value(void *ctx, int32_t id, floe_literal *out)
{
    row_ctx *r = ctx;
    for (size_t i = 0; i < r->type->nfields; i++)
        if (r->type->fields[i].id == id) {
            *out = r->values[i];
            out->owned = false;
            return 0;
        }
    return floe_error_set(FLOE_EINVALID, "field id %d is not a field of the row", (int)id);
}

int floe_expr_eval_row(bool *result, const floe_expr *bound, const floe_type *struct_type,
                       const floe_literal *values)
{
    row_ctx r = {struct_type, values};
    int res = 0;
    int rc = eval(bound, row_value, &r, &res);
    *result = res == 1;
    return rc;
}

/* ---- Arrow batches ---- */

typedef floe_arrow_column column;

typedef struct batch_ctx {
    column *cols;
    size_t ncols;
    const struct ArrowArray *batch;
    int64_t row;
} batch_ctx;

static int find_child(int64_t *out, const struct ArrowSchema *s, const floe_field *f)
{
    for (int64_t i = 0; i < s->n_children; i++) {
        int32_t id;
        if (floe_arrow_schema_field_id(&id, s->children[i]) == 0 && id == f->id) {
            *out = i;
            return 0;
        }
        floe_error_clear();
    }
    for (int64_t i = 0; i < s->n_children; i++) {
        if (s->children[i]->name && strcmp(s->children[i]->name, f->name) == 0) {
            *out = i;
            return 0;
        }
    }
    return floe_error_set(FLOE_ENOTFOUND,
                          "the Arrow batch has no field for column '%s' (id %d): add it or "
                          "filter on another column",
                          f->name, (int)f->id);
}

int floe_evaluator__locate(floe_arrow_column *c, const floe_schema *schema,
                           const struct ArrowSchema *as, int32_t id)
{
    int32_t chain[FLOE_ARROW_COLUMN_MAX_DEPTH];
    size_t n = 0;
    for (int32_t p = id; p >= 0; p = floe_schema_parent_id(schema, p)) {
        if (n == FLOE_ARROW_COLUMN_MAX_DEPTH)
            return floe_error_set(FLOE_EUNSUPPORTED, "column id %d is nested too deeply", (int)id);
        chain[n++] = p;
    }
    c->field_id = id;
    c->depth = n;
    const struct ArrowSchema *s = as;
    for (size_t k = 0; k < n; k++) {
        const floe_field *f = floe_schema_find_field(schema, chain[n - 1 - k]);
        if (k > 0 && floe_type_get_kind(c->type) != FLOE_TYPE_STRUCT)
            return floe_error_set(FLOE_EINVALID,
                                  "column '%s' is inside a list or map: it cannot be read per row",
                                  f->name);
        int64_t idx = 0;
        int rc = find_child(&idx, s, f);
        if (rc)
            return rc;
        s = s->children[idx];
        c->path[k] = idx;
        c->type = f->type;
    }
    return floe_arrow_type_from_schema(&c->at, s);
}

static int64_t scale_time(int64_t v, floe_arrow_time_unit from, bool to_nanos)
{
    int64_t us;
    switch (from) {
    case FLOE_ARROW_TIME_UNIT_SECOND:
        us = v * 1000000;
        break;
    case FLOE_ARROW_TIME_UNIT_MILLI:
        us = v * 1000;
        break;
    case FLOE_ARROW_TIME_UNIT_NANO:
        return to_nanos ? v : floe_floor_div(v, 1000);
    default:
        us = v;
        break;
    }
    return to_nanos ? us * 1000 : us;
}

/* Reads value `i` of `a` (an Arrow array of type `at`) as a literal of the Iceberg type. */
static int read_value(floe_literal *out, const floe_type *t, const floe_arrow_type *at,
                      const struct ArrowArray *a, int64_t i)
{
    floe_arrow_type_id id = at->id;
    if (at->is_dictionary) {
        int64_t k = floe_arrow_get_int_as_int64(a, at->index_id, i);
        a = a->dictionary;
        i = k;
    }
    if (!floe_arrow_is_valid(a, i)) {
        *out = floe_literal_null(t->kind);
        return 0;
    }
    switch (t->kind) {
    case FLOE_TYPE_BOOLEAN:
        if (id != FLOE_ARROW_TYPE_BOOL)
            break;
        *out = floe_literal_bool(floe_arrow_get_bool(a, i));
        return 0;
    case FLOE_TYPE_INT:
    case FLOE_TYPE_LONG:
        if (!floe_arrow_type_is_integer(id))
            break;
        {
            int64_t v = floe_arrow_get_int_as_int64(a, id, i);
            *out = t->kind == FLOE_TYPE_INT ? floe_literal_int((int32_t)v) : floe_literal_long(v);
        }
        return 0;
    case FLOE_TYPE_FLOAT:
    case FLOE_TYPE_DOUBLE: {
        double d;
        if (id == FLOE_ARROW_TYPE_FLOAT32)
            d = floe_arrow_get_float32(a, i);
        else if (id == FLOE_ARROW_TYPE_FLOAT64)
            d = floe_arrow_get_float64(a, i);
        else
            break;
        *out = t->kind == FLOE_TYPE_FLOAT ? floe_literal_float((float)d) : floe_literal_double(d);
        return 0;
    }
    case FLOE_TYPE_DECIMAL: {
        if (id != FLOE_ARROW_TYPE_DECIMAL128)
            break;
        floe_decimal128 d = floe_arrow_get_decimal128(a, i);
        floe_literal raw = floe_literal_decimal128(d.hi, d.lo, at->scale);
        if (at->scale == t->scale) {
            *out = raw;
            return 0;
        }
        floe_literal_conversion how;
        int rc = floe_literal_convert(out, &how, &raw, t);
        if (!rc && how != FLOE_LITERAL_EXACT)
            rc = floe_error_set(FLOE_EINVALID, "decimal value does not fit %s", t->str);
        return rc;
    }
    case FLOE_TYPE_DATE:
        if (id == FLOE_ARROW_TYPE_DATE32) {
            *out = floe_literal_date(floe_arrow_get_int32(a, i));
            return 0;
        }
        if (id == FLOE_ARROW_TYPE_DATE64) {
            *out = floe_literal_date(
                (int32_t)floe_floor_div(floe_arrow_get_int64(a, i), INT64_C(86400000)));
            return 0;
        }
        break;
    case FLOE_TYPE_TIME:
        if (id != FLOE_ARROW_TYPE_TIME32 && id != FLOE_ARROW_TYPE_TIME64)
            break;
        *out =
            floe_literal_time(scale_time(floe_arrow_get_int_as_int64(a, id, i), at->unit, false));
        return 0;
    case FLOE_TYPE_TIMESTAMP:
    case FLOE_TYPE_TIMESTAMPTZ:
    case FLOE_TYPE_TIMESTAMP_NS:
    case FLOE_TYPE_TIMESTAMPTZ_NS: {
        if (id != FLOE_ARROW_TYPE_TIMESTAMP)
            break;
        bool ns = t->kind == FLOE_TYPE_TIMESTAMP_NS || t->kind == FLOE_TYPE_TIMESTAMPTZ_NS;
        *out = floe_literal_null(t->kind);
        out->is_null = false;
        out->v.i64 = scale_time(floe_arrow_get_int64(a, i), at->unit, ns);
        return 0;
    }
    case FLOE_TYPE_STRING:
    case FLOE_TYPE_BINARY:
        if (floe_arrow_type_is_var_binary(id)) {
            floe_arrow_bytes b = floe_arrow_get_var_bytes(a, id, i);
            *out = t->kind == FLOE_TYPE_STRING
                       ? floe_literal_string((const char *)b.data, (size_t)b.len)
                       : floe_literal_binary(b.data, (size_t)b.len);
            return 0;
        }
        if (id == FLOE_ARROW_TYPE_FIXED_SIZE_BINARY && t->kind == FLOE_TYPE_BINARY) {
            floe_arrow_bytes b = floe_arrow_get_fixed_bytes(a, at->byte_width, i);
            *out = floe_literal_binary(b.data, (size_t)b.len);
            return 0;
        }
        break;
    case FLOE_TYPE_UUID:
    case FLOE_TYPE_FIXED:
        if (id != FLOE_ARROW_TYPE_FIXED_SIZE_BINARY)
            break;
        {
            floe_arrow_bytes b = floe_arrow_get_fixed_bytes(a, at->byte_width, i);
            if (t->kind == FLOE_TYPE_UUID) {
                if (b.len != 16)
                    break;
                *out = floe_literal_uuid(b.data);
            } else {
                *out = floe_literal_fixed(b.data, (size_t)b.len);
            }
        }
        return 0;
    default:
        break;
    }
    return floe_error_set(FLOE_EINVALID, "an Arrow %s column cannot hold Iceberg type %s",
                          floe_arrow_type_name(id), t->str);
}

int floe_evaluator__value(floe_literal *out, const floe_arrow_column *c,
                          const struct ArrowArray *batch, int64_t row)
{
    /* Walk down the structs: a null struct makes its children null; a struct's offset
     * applies to its children's indexes. */
    const struct ArrowArray *a = batch;
    int64_t idx = row;
    for (size_t d = 0; d < c->depth; d++) {
        if (!floe_arrow_is_valid(a, idx)) {
            *out = floe_literal_null(c->type->kind);
            return 0;
        }
        if (c->path[d] >= a->n_children)
            return floe_error_set(FLOE_EINVALID, "Arrow array has fewer children than its schema");
        idx += a->offset;
        a = a->children[c->path[d]];
    }
    if (c->at.is_dictionary && !a->dictionary)
        return floe_error_set(FLOE_EINVALID, "dictionary-encoded Arrow column has no dictionary");
    return read_value(out, c->type, &c->at, a, idx);
}

static int batch_value(void *ctx, int32_t id, floe_literal *out)
{
    batch_ctx *b = ctx;
    for (size_t k = 0; k < b->ncols; k++)
        if (b->cols[k].field_id == id)
            return floe_evaluator__value(out, &b->cols[k], b->batch, b->row);
    return floe_error_set(FLOE_EINVALID, "field id %d was not located in the batch", (int)id);
}

int floe_expr_eval_arrow(uint8_t *selection, const floe_expr *bound, const floe_schema *schema,
                         const struct ArrowSchema *as, const struct ArrowArray *batch)
{
    if (!as->format || strcmp(as->format, "+s") != 0)
        return floe_error_set(FLOE_EINVALID,
                              "row filters evaluate struct batches (format +s), not '%s'",
                              as->format ? as->format : "(null)");
    int32_t *ids = NULL;
    size_t n = 0;
    int rc = floe_expr_field_ids(&ids, &n, bound);
    column *cols = n ? floe_calloc(n, sizeof *cols) : NULL;
    if (!rc && n && !cols)
        rc = FLOE_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        if (!floe_schema_find_field(schema, ids[i]))
            rc = floe_error_set(FLOE_EINVALID, "field id %d is not in the schema", (int)ids[i]);
        else
            rc = floe_evaluator__locate(&cols[i], schema, as, ids[i]);
    }
    if (!rc && batch->n_children != as->n_children)
        rc = floe_error_set(FLOE_EINVALID, "the Arrow batch and its schema differ in columns");
    batch_ctx ctx = {cols, n, batch, 0};
    for (int64_t r = 0; !rc && r < batch->length; r++) {
        ctx.row = r;
        int res = 0;
        rc = eval(bound, batch_value, &ctx, &res);
        selection[r] = res == 1;
    }
    floe_free(ids);
    floe_free(cols);
    return rc;
}
