/* Binding expressions to a schema: name resolution, type checks, literal conversion. */
#include <math.h>
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "iceberg/expr_internal.h"
#include "iceberg/type_internal.h"

/* True when the column can be null in some row: it, or a struct around it, is optional. */
static bool may_be_null(const floe_schema *s, const floe_field *f)
{
    if (!f->required)
        return true;
    for (int32_t p = floe_schema_parent_id(s, f->id); p >= 0; p = floe_schema_parent_id(s, p))
        if (!floe_field_required(floe_schema_find_field(s, p)))
            return true;
    return false;
}

static int check_not_repeated(const floe_schema *s, const floe_field *f, const char *name)
{
    for (int32_t p = floe_schema_parent_id(s, f->id); p >= 0; p = floe_schema_parent_id(s, p)) {
        floe_type_kind k = floe_type_get_kind(floe_field_type(floe_schema_find_field(s, p)));
        if (k == FLOE_TYPE_LIST || k == FLOE_TYPE_MAP)
            return floe_error_set(FLOE_EINVALID,
                                  "cannot filter on column '%s': it is inside a list or map", name);
    }
    return 0;
}

static bool is_nan_lit(const floe_literal *l)
{
    return (l->kind == FLOE_TYPE_FLOAT && isnan(l->v.f32)) ||
           (l->kind == FLOE_TYPE_DOUBLE && isnan(l->v.f64));
}

static int bind_predicate(floe_expr **out, const floe_expr *e, const floe_schema *s, bool cs)
{
    const floe_field *f = floe_schema_find_field_by_name(s, e->column, cs);
    if (!f)
        return floe_error_set(FLOE_EINVALID,
                              "cannot find column '%s' in the schema%s: check the name and "
                              "its case",
                              e->column, cs ? " (case-sensitive)" : "");
    int rc = check_not_repeated(s, f, e->column);
    if (rc)
        return rc;
    floe_type *t = f->type;
    const char *name = floe_schema_find_column_name(s, f->id);
    if (!floe_type_is_primitive(t))
        return floe_error_set(FLOE_EINVALID, "cannot filter on column '%s' of type %s", name,
                              t->str);
    switch (e->op) {
    case FLOE_EXPR_IS_NULL:
    case FLOE_EXPR_NOT_NULL:
        if (!may_be_null(s, f)) {
            *out = e->op == FLOE_EXPR_IS_NULL ? floe_expr_false() : floe_expr_true();
            return 0;
        }
        return floe_expr__bound_predicate(out, e->op, name, f->id, t, NULL, 0);
    case FLOE_EXPR_IS_NAN:
    case FLOE_EXPR_NOT_NAN:
        if (t->kind != FLOE_TYPE_FLOAT && t->kind != FLOE_TYPE_DOUBLE)
            return floe_error_set(FLOE_EINVALID,
                                  "'%s' needs a float or double column, but '%s' is %s",
                                  floe_expr__op_name(e->op), name, t->str);
        return floe_expr__bound_predicate(out, e->op, name, f->id, t, NULL, 0);
    case FLOE_EXPR_STARTS_WITH:
    case FLOE_EXPR_NOT_STARTS_WITH:
        if (t->kind != FLOE_TYPE_STRING)
            return floe_error_set(
                FLOE_EINVALID, "starts_with needs a string column, but '%s' is %s", name, t->str);
        if (e->lits[0].kind != FLOE_TYPE_STRING)
            return floe_error_set(FLOE_EINVALID,
                                  "starts_with on '%s' needs a string prefix, not %s", name,
                                  floe_type_kind_name(e->lits[0].kind));
        return floe_expr__bound_predicate(out, e->op, name, f->id, t, e->lits, 1);
    default:
        break;
    }
    bool set = e->op == FLOE_EXPR_IN || e->op == FLOE_EXPR_NOT_IN;
    floe_literal *conv = floe_calloc(e->nlits, sizeof *conv);
    if (!conv)
        return FLOE_ENOMEM;
    size_t n = 0;
    floe_expr *constant = NULL;
    rc = 0;
    for (size_t i = 0; i < e->nlits && !rc && !constant; i++) {
        if (is_nan_lit(&e->lits[i])) {
            if (e->op == FLOE_EXPR_EQ || e->op == FLOE_EXPR_NOT_EQ) {
                if (t->kind != FLOE_TYPE_FLOAT && t->kind != FLOE_TYPE_DOUBLE)
                    rc = floe_error_set(FLOE_EINVALID, "cannot compare %s column '%s' with NaN",
                                        t->str, name);
                else
                    rc = floe_expr__bound_predicate(
                        &constant, e->op == FLOE_EXPR_EQ ? FLOE_EXPR_IS_NAN : FLOE_EXPR_NOT_NAN,
                        name, f->id, t, NULL, 0);
                break;
            }
            rc = floe_error_set(FLOE_EINVALID,
                                "'%s' with NaN on column '%s' is not supported: use 'is nan'",
                                floe_expr__op_name(e->op), name);
            break;
        }
        floe_literal_conversion how;
        rc = floe_literal_convert(&conv[n], &how, &e->lits[i], t);
        if (rc) {
            rc = floe_error_wrap(rc, "binding '%s %s'", name, floe_expr__op_name(e->op));
            break;
        }
        if (how == FLOE_LITERAL_EXACT) {
            n++;
            continue;
        }
        if (set)
            continue; /* a value the column cannot hold never matches */
        floe_expr_op op = e->op;
        bool above = how == FLOE_LITERAL_ABOVE_MAX;
        if (how == FLOE_LITERAL_INEXACT) {
            if (op == FLOE_EXPR_EQ || op == FLOE_EXPR_NOT_EQ) {
                constant = op == FLOE_EXPR_EQ ? floe_expr_false() : floe_expr_true();
                break;
            }
            char *text = NULL;
            floe_literal_to_string(&text, &e->lits[i]);
            rc = floe_error_set(FLOE_EINVALID,
                                "value %s cannot be represented exactly in column '%s' of type "
                                "%s: write a value of that type",
                                text ? text : "?", name, t->str);
            floe_free(text);
            break;
        }
        bool is_true = op == FLOE_EXPR_NOT_EQ ||
                       (above && (op == FLOE_EXPR_LT || op == FLOE_EXPR_LT_EQ)) ||
                       (!above && (op == FLOE_EXPR_GT || op == FLOE_EXPR_GT_EQ));
        constant = is_true ? floe_expr_true() : floe_expr_false();
    }
    if (!rc && !constant) {
        if (set && n == 0)
            constant = e->op == FLOE_EXPR_IN ? floe_expr_false() : floe_expr_true();
        else if (set && n == 1)
            rc = floe_expr__bound_predicate(&constant,
                                            e->op == FLOE_EXPR_IN ? FLOE_EXPR_EQ : FLOE_EXPR_NOT_EQ,
                                            name, f->id, t, conv, 1);
        else
            rc = floe_expr__bound_predicate(&constant, e->op, name, f->id, t, conv, n);
    }
    for (size_t i = 0; i < e->nlits; i++)
        floe_literal_clear(&conv[i]);
    floe_free(conv);
    if (rc) {
        floe_expr_free(constant);
        return rc;
    }
    *out = constant;
    return 0;
}

int floe_expr_bind(floe_expr **out, const floe_expr *e, const floe_schema *s, bool cs)
{
    *out = NULL;
    switch (e->op) {
    case FLOE_EXPR_TRUE:
    case FLOE_EXPR_FALSE:
        *out = floe_expr_ref((floe_expr *)e);
        return 0;
    case FLOE_EXPR_NOT: {
        floe_expr *c;
        int rc = floe_expr_bind(&c, e->left, s, cs);
        return rc ? rc : floe_expr_not(out, c);
    }
    case FLOE_EXPR_AND:
    case FLOE_EXPR_OR: {
        floe_expr *l = NULL, *r = NULL;
        int rc = floe_expr_bind(&l, e->left, s, cs);
        if (!rc)
            rc = floe_expr_bind(&r, e->right, s, cs);
        if (rc) {
            floe_expr_free(l);
            return rc;
        }
        return e->op == FLOE_EXPR_AND ? floe_expr_and(out, l, r) : floe_expr_or(out, l, r);
    }
    default:
        if (floe_expr_is_bound(e))
            return floe_error_set(FLOE_EINVALID,
                                  "predicate on '%s' is already bound: bind the unbound "
                                  "expression",
                                  e->column);
        return bind_predicate(out, e, s, cs);
    }
}

int floe_expr_bind_struct(floe_expr **out, const floe_expr *e, const floe_type *struct_type,
                          bool cs)
{
    *out = NULL;
    floe_schema *tmp;
    int rc = floe_schema_new(&tmp, 0, (floe_type *)struct_type, NULL, 0);
    if (rc)
        return rc;
    rc = floe_expr_bind(out, e, tmp, cs);
    floe_schema_free(tmp);
    return rc;
}
