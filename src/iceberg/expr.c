/* Expressions: construction with simplification, negation, printing, equality, and the
 * three-valued test of one predicate against one value. */
#include "iceberg/expr_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "iceberg/literal_internal.h"

static floe_expr const_true = {
    .refcount = 1, .is_static = true, .op = FLOE_EXPR_TRUE, .field_id = -1};
static floe_expr const_false = {
    .refcount = 1, .is_static = true, .op = FLOE_EXPR_FALSE, .field_id = -1};

floe_expr *floe_expr_true(void)
{
    return &const_true;
}

floe_expr *floe_expr_false(void)
{
    return &const_false;
}

floe_expr *floe_expr_ref(floe_expr *e)
{
    if (e && !e->is_static)
        __atomic_fetch_add(&e->refcount, 1, __ATOMIC_RELAXED);
    return e;
}

void floe_expr_free(floe_expr *e)
{
    if (!e || e->is_static)
        return;
    if (__atomic_sub_fetch(&e->refcount, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    floe_expr_free(e->left);
    floe_expr_free(e->right);
    floe_free(e->column);
    floe_type_free(e->type);
    for (size_t i = 0; i < e->nlits; i++)
        floe_literal_clear(&e->lits[i]);
    floe_free(e->lits);
    floe_free(e);
}

static floe_expr *node(floe_expr_op op)
{
    floe_expr *e = floe_calloc(1, sizeof *e);
    if (!e) {
        floe_error_set(FLOE_ENOMEM, "out of memory building an expression");
        return NULL;
    }
    e->refcount = 1;
    e->op = op;
    e->field_id = -1;
    return e;
}

/* and/or with constant folding: `absorbing` (false for and, true for or) wins over the other
 * side, `identity` (true for and, false for or) yields to it. Takes both operands (transfer
 * full) in every outcome. */
static int combine(floe_expr **out, floe_expr_op op, floe_expr_op absorbing, floe_expr_op identity,
                   floe_expr *l, floe_expr *r, const char *name)
{
    *out = NULL;
    if (!l || !r) {
        floe_expr_free(l);
        floe_expr_free(r);
        return floe_error_set(FLOE_EINVALID, "%s needs two expressions", name);
    }
    if (l->op == absorbing || r->op == identity) {
        floe_expr_free(r);
        *out = l;
        return 0;
    }
    if (r->op == absorbing || l->op == identity) {
        floe_expr_free(l);
        *out = r;
        return 0;
    }
    floe_expr *e = node(op);
    if (!e) {
        floe_expr_free(l);
        floe_expr_free(r);
        return FLOE_ENOMEM;
    }
    e->left = l;
    e->right = r;
    *out = e;
    return 0;
}

int floe_expr_and(floe_expr **out, floe_expr *l, floe_expr *r)
{
    return combine(out, FLOE_EXPR_AND, FLOE_EXPR_FALSE, FLOE_EXPR_TRUE, l, r, "and");
}

int floe_expr_or(floe_expr **out, floe_expr *l, floe_expr *r)
{
    return combine(out, FLOE_EXPR_OR, FLOE_EXPR_TRUE, FLOE_EXPR_FALSE, l, r, "or");
}

int floe_expr_not(floe_expr **out, floe_expr *c)
{
    *out = NULL;
    if (!c)
        return floe_error_set(FLOE_EINVALID, "not needs an expression");
    if (c->op == FLOE_EXPR_TRUE || c->op == FLOE_EXPR_FALSE) {
        *out = c->op == FLOE_EXPR_TRUE ? floe_expr_false() : floe_expr_true();
        return 0;
    }
    if (c->op == FLOE_EXPR_NOT) {
        *out = floe_expr_ref(c->left);
        floe_expr_free(c);
        return 0;
    }
    floe_expr *e = node(FLOE_EXPR_NOT);
    if (!e) {
        floe_expr_free(c);
        return FLOE_ENOMEM;
    }
    e->left = c;
    *out = e;
    return 0;
}

bool floe_expr__is_predicate(floe_expr_op op)
{
    return op >= FLOE_EXPR_IS_NULL && op <= FLOE_EXPR_NOT_IN;
}

static int check_arity(floe_expr_op op, size_t n)
{
    switch (op) {
    case FLOE_EXPR_IS_NULL:
    case FLOE_EXPR_NOT_NULL:
    case FLOE_EXPR_IS_NAN:
    case FLOE_EXPR_NOT_NAN:
        return n == 0 ? 0 : -1;
    case FLOE_EXPR_IN:
    case FLOE_EXPR_NOT_IN:
        return n >= 1 ? 0 : -1;
    default:
        return n == 1 ? 0 : -1;
    }
}

static int make_predicate(floe_expr **out, floe_expr_op op, const char *column, int32_t id,
                          floe_type *type, const floe_literal *lits, size_t n)
{
    *out = NULL;
    if (!floe_expr__is_predicate(op))
        return floe_error_set(FLOE_EINVALID, "operation %d is not a predicate", (int)op);
    if (!column || !*column)
        return floe_error_set(FLOE_EINVALID, "a predicate needs a column name");
    if (check_arity(op, n))
        return floe_error_set(FLOE_EINVALID, "'%s' on column '%s' cannot take %zu value(s)",
                              floe_expr__op_name(op), column, n);
    for (size_t i = 0; i < n; i++)
        if (lits[i].is_null)
            return floe_error_set(FLOE_EINVALID,
                                  "'%s' on column '%s' cannot compare with null: use 'is null'",
                                  floe_expr__op_name(op), column);
    floe_expr *e = node(op);
    if (!e)
        return FLOE_ENOMEM;
    e->column = floe_strdup(column);
    if (n)
        e->lits = floe_calloc(n, sizeof *e->lits);
    int rc = (!e->column || (n && !e->lits)) ? FLOE_ENOMEM : 0;
    for (size_t i = 0; i < n && !rc; i++) {
        rc = floe_literal_copy(&e->lits[i], &lits[i]);
        if (!rc)
            e->nlits++;
    }
    if (rc) {
        floe_expr_free(e);
        return floe_error_set(FLOE_ENOMEM, "out of memory building a predicate");
    }
    e->field_id = id;
    e->type = type ? floe_type_ref(type) : NULL;
    *out = e;
    return 0;
}

int floe_expr_predicate(floe_expr **out, floe_expr_op op, const char *column,
                        const floe_literal *values, size_t count)
{
    return make_predicate(out, op, column, -1, NULL, values, count);
}

int floe_expr__bound_predicate(floe_expr **out, floe_expr_op op, const char *column, int32_t id,
                               floe_type *type, const floe_literal *lits, size_t n)
{
    return make_predicate(out, op, column, id, type, lits, n);
}

floe_expr_op floe_expr_get_op(const floe_expr *e)
{
    return e->op;
}

const floe_expr *floe_expr_child(const floe_expr *e, size_t i)
{
    if (i == 0)
        return e->left;
    if (i == 1)
        return e->right;
    return NULL;
}

bool floe_expr_is_bound(const floe_expr *e)
{
    return e->field_id >= 0 && e->type != NULL;
}

const char *floe_expr_column(const floe_expr *e)
{
    return e->column;
}

int32_t floe_expr_field_id(const floe_expr *e)
{
    return e->field_id;
}

size_t floe_expr_literal_count(const floe_expr *e)
{
    return e->nlits;
}

const floe_literal *floe_expr_literal_at(const floe_expr *e, size_t i)
{
    return i < e->nlits ? &e->lits[i] : NULL;
}

floe_expr_op floe_expr__negate_op(floe_expr_op op)
{
    switch (op) {
    case FLOE_EXPR_TRUE:
        return FLOE_EXPR_FALSE;
    case FLOE_EXPR_FALSE:
        return FLOE_EXPR_TRUE;
    case FLOE_EXPR_AND:
        return FLOE_EXPR_OR;
    case FLOE_EXPR_OR:
        return FLOE_EXPR_AND;
    case FLOE_EXPR_IS_NULL:
        return FLOE_EXPR_NOT_NULL;
    case FLOE_EXPR_NOT_NULL:
        return FLOE_EXPR_IS_NULL;
    case FLOE_EXPR_IS_NAN:
        return FLOE_EXPR_NOT_NAN;
    case FLOE_EXPR_NOT_NAN:
        return FLOE_EXPR_IS_NAN;
    case FLOE_EXPR_LT:
        return FLOE_EXPR_GT_EQ;
    case FLOE_EXPR_LT_EQ:
        return FLOE_EXPR_GT;
    case FLOE_EXPR_GT:
        return FLOE_EXPR_LT_EQ;
    case FLOE_EXPR_GT_EQ:
        return FLOE_EXPR_LT;
    case FLOE_EXPR_EQ:
        return FLOE_EXPR_NOT_EQ;
    case FLOE_EXPR_NOT_EQ:
        return FLOE_EXPR_EQ;
    case FLOE_EXPR_STARTS_WITH:
        return FLOE_EXPR_NOT_STARTS_WITH;
    case FLOE_EXPR_NOT_STARTS_WITH:
        return FLOE_EXPR_STARTS_WITH;
    case FLOE_EXPR_IN:
        return FLOE_EXPR_NOT_IN;
    case FLOE_EXPR_NOT_IN:
        return FLOE_EXPR_IN;
    default:
        return FLOE_EXPR_NOT;
    }
}

int floe_expr_negate(floe_expr **out, const floe_expr *e)
{
    *out = NULL;
    switch (e->op) {
    case FLOE_EXPR_TRUE:
        *out = floe_expr_false();
        return 0;
    case FLOE_EXPR_FALSE:
        *out = floe_expr_true();
        return 0;
    case FLOE_EXPR_NOT:
        return floe_expr_rewrite_not(out, e->left);
    case FLOE_EXPR_AND:
    case FLOE_EXPR_OR: {
        floe_expr *l = NULL, *r = NULL;
        int rc = floe_expr_negate(&l, e->left);
        if (!rc)
            rc = floe_expr_negate(&r, e->right);
        if (rc) {
            floe_expr_free(l);
            return rc;
        }
        return e->op == FLOE_EXPR_AND ? floe_expr_or(out, l, r) : floe_expr_and(out, l, r);
    }
    default:
        return make_predicate(out, floe_expr__negate_op(e->op), e->column, e->field_id, e->type,
                              e->lits, e->nlits);
    }
}

int floe_expr_rewrite_not(floe_expr **out, const floe_expr *e)
{
    *out = NULL;
    switch (e->op) {
    case FLOE_EXPR_NOT:
        return floe_expr_negate(out, e->left);
    case FLOE_EXPR_AND:
    case FLOE_EXPR_OR: {
        floe_expr *l = NULL, *r = NULL;
        int rc = floe_expr_rewrite_not(&l, e->left);
        if (!rc)
            rc = floe_expr_rewrite_not(&r, e->right);
        if (rc) {
            floe_expr_free(l);
            return rc;
        }
        return e->op == FLOE_EXPR_AND ? floe_expr_and(out, l, r) : floe_expr_or(out, l, r);
    }
    default:
        *out = floe_expr_ref((floe_expr *)e);
        return 0;
    }
}

const char *floe_expr__op_name(floe_expr_op op)
{
    switch (op) {
    case FLOE_EXPR_TRUE:
        return "true";
    case FLOE_EXPR_FALSE:
        return "false";
    case FLOE_EXPR_AND:
        return "and";
    case FLOE_EXPR_OR:
        return "or";
    case FLOE_EXPR_NOT:
        return "not";
    case FLOE_EXPR_IS_NULL:
        return "is null";
    case FLOE_EXPR_NOT_NULL:
        return "is not null";
    case FLOE_EXPR_IS_NAN:
        return "is nan";
    case FLOE_EXPR_NOT_NAN:
        return "is not nan";
    case FLOE_EXPR_LT:
        return "<";
    case FLOE_EXPR_LT_EQ:
        return "<=";
    case FLOE_EXPR_GT:
        return ">";
    case FLOE_EXPR_GT_EQ:
        return ">=";
    case FLOE_EXPR_EQ:
        return "=";
    case FLOE_EXPR_NOT_EQ:
        return "!=";
    case FLOE_EXPR_STARTS_WITH:
        return "starts_with";
    case FLOE_EXPR_NOT_STARTS_WITH:
        return "not starts_with";
    case FLOE_EXPR_IN:
        return "in";
    case FLOE_EXPR_NOT_IN:
        return "not in";
    }
    return "?";
}

/* ---- printing ---- */

static bool plain_identifier(const char *s)
{
    static const char *const keywords[] = {"and", "or",   "not",   "in",   "is",         "null",
                                           "nan", "true", "false", "like", "starts_with"};
    size_t seg = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '.') {
            if (seg == 0)
                return false;
            seg = 0;
            continue;
        }
        if (!(isalnum((unsigned char)*p) || *p == '_') || (seg == 0 && isdigit((unsigned char)*p)))
            return false;
        seg++;
    }
    if (seg == 0)
        return false;
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (strcasecmp(s, keywords[i]) == 0)
            return false;
    return true;
}

static int print_column(floe_buf *b, const char *name)
{
    if (plain_identifier(name))
        return floe_buf_append_str(b, name);
    /* Backticks quote the whole dotted name; a backtick inside is doubled. */
    int rc = floe_buf_append_byte(b, '`');
    for (const char *p = name; !rc && *p; p++)
        rc = *p == '`' ? floe_buf_append_str(b, "``") : floe_buf_append_byte(b, (uint8_t)*p);
    return rc ? rc : floe_buf_append_byte(b, '`');
}

static int print_literal(floe_buf *b, const floe_literal *l)
{
    switch (l->kind) {
    case FLOE_TYPE_BOOLEAN:
    case FLOE_TYPE_INT:
    case FLOE_TYPE_LONG:
    case FLOE_TYPE_DECIMAL:
        return floe_literal__append_text(b, l);
    case FLOE_TYPE_FLOAT:
    case FLOE_TYPE_DOUBLE: {
        /* Exponent notation so the text parses back as a double, not a decimal. */
        double d = l->kind == FLOE_TYPE_FLOAT ? l->v.f32 : l->v.f64;
        if (!isfinite(d))
            break;
        char tmp[64];
        for (int prec = 0; prec <= 17; prec++) {
            snprintf(tmp, sizeof tmp, "%.*e", prec, d);
            double back = strtod(tmp, NULL);
            if (l->kind == FLOE_TYPE_FLOAT ? (float)back == l->v.f32 : back == d)
                break;
        }
        return floe_buf_append_str(b, tmp);
    }
    default:
        break;
    }
    floe_buf tmp = FLOE_BUF_INIT;
    int rc = floe_literal__append_text(&tmp, l);
    if (!rc)
        rc = floe_buf_append_byte(b, '\'');
    for (size_t i = 0; !rc && i < tmp.len; i++)
        rc = tmp.data[i] == '\'' ? floe_buf_append_str(b, "''")
                                 : floe_buf_append_byte(b, tmp.data[i]);
    if (!rc)
        rc = floe_buf_append_byte(b, '\'');
    floe_buf_free(&tmp);
    return rc;
}

static int print_expr(floe_buf *b, const floe_expr *e, floe_expr_op parent, bool right)
{
    int rc = 0;
    switch (e->op) {
    case FLOE_EXPR_TRUE:
    case FLOE_EXPR_FALSE:
        return floe_buf_append_str(b, floe_expr__op_name(e->op));
    case FLOE_EXPR_AND:
    case FLOE_EXPR_OR: {
        /* and binds tighter than or: an or inside an and (or a not) needs parentheses, and so
         * does a right operand of the same operation, as the parser groups from the left */
        bool paren = (e->op == FLOE_EXPR_OR && parent == FLOE_EXPR_AND) ||
                     parent == FLOE_EXPR_NOT || (right && parent == e->op);
        if (paren)
            rc = floe_buf_append_byte(b, '(');
        if (!rc)
            rc = print_expr(b, e->left, e->op, false);
        if (!rc)
            rc = floe_buf_printf(b, " %s ", floe_expr__op_name(e->op));
        if (!rc)
            rc = print_expr(b, e->right, e->op, true);
        if (!rc && paren)
            rc = floe_buf_append_byte(b, ')');
        return rc;
    }
    case FLOE_EXPR_NOT:
        rc = floe_buf_append_str(b, "not ");
        if (!rc && (e->left->op == FLOE_EXPR_AND || e->left->op == FLOE_EXPR_OR))
            return print_expr(b, e->left, FLOE_EXPR_NOT, false);
        if (!rc)
            rc = floe_buf_append_byte(b, '(');
        if (!rc)
            rc = print_expr(b, e->left, FLOE_EXPR_NOT, false);
        return rc ? rc : floe_buf_append_byte(b, ')');
    case FLOE_EXPR_STARTS_WITH:
    case FLOE_EXPR_NOT_STARTS_WITH:
        rc = floe_buf_append_str(b, e->op == FLOE_EXPR_STARTS_WITH ? "starts_with("
                                                                   : "not starts_with(");
        if (!rc)
            rc = print_column(b, e->column);
        if (!rc)
            rc = floe_buf_append_str(b, ", ");
        if (!rc)
            rc = print_literal(b, &e->lits[0]);
        return rc ? rc : floe_buf_append_byte(b, ')');
    case FLOE_EXPR_IS_NULL:
    case FLOE_EXPR_NOT_NULL:
    case FLOE_EXPR_IS_NAN:
    case FLOE_EXPR_NOT_NAN:
        rc = print_column(b, e->column);
        return rc ? rc : floe_buf_printf(b, " %s", floe_expr__op_name(e->op));
    case FLOE_EXPR_IN:
    case FLOE_EXPR_NOT_IN:
        rc = print_column(b, e->column);
        if (!rc)
            rc = floe_buf_printf(b, " %s (", floe_expr__op_name(e->op));
        for (size_t i = 0; !rc && i < e->nlits; i++) {
            if (i)
                rc = floe_buf_append_str(b, ", ");
            if (!rc)
                rc = print_literal(b, &e->lits[i]);
        }
        return rc ? rc : floe_buf_append_byte(b, ')');
    default:
        rc = print_column(b, e->column);
        if (!rc)
            rc = floe_buf_printf(b, " %s ", floe_expr__op_name(e->op));
        return rc ? rc : print_literal(b, &e->lits[0]);
    }
}

int floe_expr_to_string(char **out, const floe_expr *e)
{
    *out = NULL;
    floe_buf b = FLOE_BUF_INIT;
    int rc = print_expr(&b, e, FLOE_EXPR_TRUE, false);
    if (!rc && !floe_buf_cstr(&b))
        rc = FLOE_ENOMEM;
    if (rc) {
        floe_buf_free(&b);
        return rc;
    }
    *out = (char *)floe_buf_detach(&b, NULL);
    return 0;
}

bool floe_expr_equal(const floe_expr *a, const floe_expr *b)
{
    if (a == b)
        return true;
    if (!a || !b || a->op != b->op)
        return false;
    if (a->op == FLOE_EXPR_AND || a->op == FLOE_EXPR_OR || a->op == FLOE_EXPR_NOT)
        return floe_expr_equal(a->left, b->left) && floe_expr_equal(a->right, b->right);
    if (!floe_expr__is_predicate(a->op))
        return true;
    if (a->field_id != b->field_id || a->nlits != b->nlits)
        return false;
    if (a->field_id < 0 && strcmp(a->column, b->column) != 0)
        return false;
    for (size_t i = 0; i < a->nlits; i++)
        if (a->lits[i].kind != b->lits[i].kind || !floe_literal_equal(&a->lits[i], &b->lits[i]))
            return false;
    return true;
}

/* ---- one predicate against one value ---- */

static bool is_nan_value(const floe_literal *v)
{
    return (v->kind == FLOE_TYPE_FLOAT && isnan(v->v.f32)) ||
           (v->kind == FLOE_TYPE_DOUBLE && isnan(v->v.f64));
}

int floe_expr__test_literal(const floe_expr *p, const floe_literal *v, int *result)
{
    *result = -1;
    switch (p->op) {
    case FLOE_EXPR_IS_NULL:
        *result = v->is_null;
        return 0;
    case FLOE_EXPR_NOT_NULL:
        *result = !v->is_null;
        return 0;
    case FLOE_EXPR_IS_NAN:
        *result = !v->is_null && is_nan_value(v);
        return 0;
    case FLOE_EXPR_NOT_NAN:
        *result = v->is_null || !is_nan_value(v);
        return 0;
    default:
        break;
    }
    /* Comparisons with null or NaN are unknown, as in SQL; the metrics evaluators agree. */
    if (v->is_null || is_nan_value(v))
        return 0;
    int c = 0;
    int rc;
    switch (p->op) {
    case FLOE_EXPR_STARTS_WITH:
    case FLOE_EXPR_NOT_STARTS_WITH: {
        const floe_literal *pre = &p->lits[0];
        bool sw = v->v.bytes.len >= pre->v.bytes.len &&
                  (pre->v.bytes.len == 0 ||
                   memcmp(v->v.bytes.data, pre->v.bytes.data, pre->v.bytes.len) == 0);
        *result = p->op == FLOE_EXPR_STARTS_WITH ? sw : !sw;
        return 0;
    }
    case FLOE_EXPR_IN:
    case FLOE_EXPR_NOT_IN: {
        bool found = false;
        for (size_t i = 0; i < p->nlits && !found; i++) {
            rc = floe_literal_compare(&c, v, &p->lits[i]);
            if (rc)
                return rc;
            found = c == 0;
        }
        *result = p->op == FLOE_EXPR_IN ? found : !found;
        return 0;
    }
    default:
        break;
    }
    rc = floe_literal_compare(&c, v, &p->lits[0]);
    if (rc)
        return rc;
    switch (p->op) {
    case FLOE_EXPR_LT:
        *result = c < 0;
        break;
    case FLOE_EXPR_LT_EQ:
        *result = c <= 0;
        break;
    case FLOE_EXPR_GT:
        *result = c > 0;
        break;
    case FLOE_EXPR_GT_EQ:
        *result = c >= 0;
        break;
    case FLOE_EXPR_EQ:
        *result = c == 0;
        break;
    case FLOE_EXPR_NOT_EQ:
        *result = c != 0;
        break;
    default:
        return floe_error_set(FLOE_EINVALID, "cannot test '%s' on a value",
                              floe_expr__op_name(p->op));
    }
    return 0;
}

static int collect_ids(const floe_expr *e, int32_t **ids, size_t *n, size_t *cap)
{
    if (e->op == FLOE_EXPR_AND || e->op == FLOE_EXPR_OR || e->op == FLOE_EXPR_NOT) {
        int rc = collect_ids(e->left, ids, n, cap);
        return (rc || !e->right) ? rc : collect_ids(e->right, ids, n, cap);
    }
    if (!floe_expr__is_predicate(e->op))
        return 0;
    if (e->field_id < 0)
        return floe_error_set(FLOE_EINVALID, "predicate on '%s' is not bound", e->column);
    for (size_t i = 0; i < *n; i++)
        if ((*ids)[i] == e->field_id)
            return 0;
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 8;
        int32_t *p = floe_realloc(*ids, c * sizeof *p);
        if (!p)
            return floe_error_set(FLOE_ENOMEM, "out of memory");
        *ids = p;
        *cap = c;
    }
    (*ids)[(*n)++] = e->field_id;
    return 0;
}

int floe_expr_field_ids(int32_t **out, size_t *count, const floe_expr *bound)
{
    *out = NULL;
    *count = 0;
    size_t cap = 0;
    int rc = collect_ids(bound, out, count, &cap);
    if (rc) {
        floe_free(*out);
        *out = NULL;
        *count = 0;
    }
    return rc;
}
