/* Row-group skipping: the scan's bound Iceberg filter translated into the Parquet reader's
 * statistics predicate, and the file positions of the row groups a filtered stream reads (so
 * that position deletes keep counting rows of the whole file).
 *
 * The translation is inclusive: whatever cannot be expressed exactly, or only with a risk of
 * ruling out a matching row, becomes "may match" (a NULL predicate). Literals are converted to
 * the representation of the column as the file stores it (the reader's Arrow format tells the
 * units), never to the table's type. */
#include <limits.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <floe/arrow/schema.h>
#include <floe/error.h>
#include <floe/iceberg/expr.h>
#include <floe/parquet/reader.h>

#include "base/alloc.h"
#include "manager/scan_plan.h"

static _Atomic int64_t rowgroups_read, rowgroups_skipped;

void floe_manager__rowgroups_count(int64_t read, int64_t skipped)
{
    atomic_fetch_add(&rowgroups_read, read);
    atomic_fetch_add(&rowgroups_skipped, skipped);
}

void floe_manager__rowgroups_counters(int64_t *read, int64_t *skipped)
{
    if (read)
        *read = atomic_load(&rowgroups_read);
    if (skipped)
        *skipped = atomic_load(&rowgroups_skipped);
}

/* The file's Arrow field with field id `id`, looked up through structs; NULL when absent. */
static const struct ArrowSchema *field_by_id(const struct ArrowSchema *s, int32_t id)
{
    for (int64_t i = 0; i < s->n_children; i++) {
        const struct ArrowSchema *c = s->children[i];
        int32_t fid = -1;
        if (floe_arrow_schema_field_id(&fid, c) == 0 && fid == id)
            return c;
        if (strcmp(c->format, "+s") == 0) {
            const struct ArrowSchema *x = field_by_id(c, id);
            if (x)
                return x;
        }
    }
    return NULL;
}

/* Units per second of an Arrow time/timestamp unit letter; 0 when unknown. */
static int64_t per_second(char u)
{
    switch (u) {
    case 's':
        return 1;
    case 'm':
        return 1000;
    case 'u':
        return 1000000;
    case 'n':
        return 1000000000;
    default:
        return 0;
    }
}

/* How a comparison with one literal is stated to the reader. */
struct leaf {
    floe_parquet_op op;
    floe_parquet_literal lit;
};

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Rescales time value v (in `from` units per second) to the file's `to` units so that the
 * comparison `op` stays inclusive: an inexact strict bound widens to a non-strict one on the
 * enclosing file value. Returns 0 when it cannot (overflow, or an inexact equality that IN
 * lists would also have to drop). */
static int rescale(struct leaf *l, int64_t v, int64_t from, int64_t to, floe_expr_op op)
{
    if (to == from) {
        l->lit.i = v;
        return 1;
    }
    if (to > from) {
        /* rows compare as their file value floored to the literal's unit: x matches `<= v`
         * up to v * f + f - 1, and `= v` over a whole range the reader cannot state */
        int64_t f = to / from;
        if (v > INT64_MAX / f - 1 || v < INT64_MIN / f || op == FLOE_EXPR_EQ || op == FLOE_EXPR_IN)
            return 0;
        l->lit.i = v * f + (op == FLOE_EXPR_LT_EQ ? f - 1 : 0);
        return 1;
    }
    int64_t f = from / to;
    int64_t lo = floor_div(v, f);
    int exact = lo * f == v;
    if (exact) {
        l->lit.i = lo;
        return 1;
    }
    /* a file value x (x * f in literal units) matches `x*f < v` iff x <= lo, and `x*f > v`
     * iff x >= lo + 1 */
    switch (op) {
    case FLOE_EXPR_LT:
    case FLOE_EXPR_LT_EQ:
        l->op = FLOE_PARQUET_OP_LE;
        l->lit.i = lo;
        return 1;
    case FLOE_EXPR_GT:
    case FLOE_EXPR_GT_EQ:
        l->op = FLOE_PARQUET_OP_GE;
        l->lit.i = lo + 1;
        return 1;
    default:
        return 0;
    }
}

/* Converts literal `v` of a predicate `op` on a column the file stores as `f` (an Arrow
 * format). Returns 1 with l->lit set (and l->op possibly widened), 0 when not translatable.
 * l->lit.bytes borrows from v. */
static int convert(struct leaf *l, const floe_literal *v, const char *f, floe_expr_op op)
{
    memset(&l->lit, 0, sizeof l->lit);
    if (v->is_null)
        return 0;
    switch (v->kind) {
    case FLOE_TYPE_BOOLEAN:
        if (strcmp(f, "b") != 0)
            return 0;
        l->lit.kind = FLOE_PARQUET_LIT_BOOL;
        l->lit.i = v->v.b ? 1 : 0;
        return 1;
    case FLOE_TYPE_INT:
    case FLOE_TYPE_LONG:
        if (strcmp(f, "i") != 0 && strcmp(f, "l") != 0 && strcmp(f, "s") != 0 &&
            strcmp(f, "c") != 0)
            return 0;
        l->lit.kind = FLOE_PARQUET_LIT_INT;
        l->lit.i = v->kind == FLOE_TYPE_INT ? v->v.i32 : v->v.i64;
        return 1;
    case FLOE_TYPE_DATE:
        if (strcmp(f, "tdD") != 0)
            return 0;
        l->lit.kind = FLOE_PARQUET_LIT_INT;
        l->lit.i = v->v.i32;
        return 1;
    case FLOE_TYPE_TIME:
    case FLOE_TYPE_TIMESTAMP:
    case FLOE_TYPE_TIMESTAMPTZ:
    case FLOE_TYPE_TIMESTAMP_NS:
    case FLOE_TYPE_TIMESTAMPTZ_NS: {
        int is_time = v->kind == FLOE_TYPE_TIME;
        int64_t from = (v->kind == FLOE_TYPE_TIMESTAMP_NS || v->kind == FLOE_TYPE_TIMESTAMPTZ_NS)
                           ? 1000000000
                           : 1000000;
        if (strncmp(f, is_time ? "tt" : "ts", 2) != 0 || !f[2])
            return 0;
        /* a timestamp's timezone does not change the stored instant; time formats end at the
         * unit letter */
        if (!is_time && f[3] != ':')
            return 0;
        if (is_time && f[3])
            return 0;
        int64_t to = per_second(f[2]);
        if (!to)
            return 0;
        l->lit.kind = FLOE_PARQUET_LIT_INT;
        return rescale(l, v->v.i64, from, to, op);
    }
    case FLOE_TYPE_DECIMAL: {
        /* the reader compares integer-backed decimals as their unscaled values; the file must
         * have the literal's scale (Iceberg never changes a decimal's scale) */
        int p = 0, sc = -1;
        char tail = 0;
        if (sscanf(f, "d:%d,%d%c", &p, &sc, &tail) != 2 || sc != v->scale)
            return 0;
        int64_t lo = (int64_t)v->v.dec.lo;
        if (v->v.dec.hi != (lo < 0 ? -1 : 0))
            return 0; /* beyond 64 bits: no integer-backed column holds it anyway */
        l->lit.kind = FLOE_PARQUET_LIT_INT;
        l->lit.i = lo;
        return 1;
    }
    case FLOE_TYPE_FLOAT:
    case FLOE_TYPE_DOUBLE: {
        if (strcmp(f, "f") != 0 && strcmp(f, "g") != 0)
            return 0;
        double d = v->kind == FLOE_TYPE_FLOAT ? (double)v->v.f32 : v->v.f64;
        if (isnan(d))
            return 0;
        /* Iceberg orders -0.0 below 0.0 while statistics compare them equal (and writers may
         * store either zero as a bound): strict comparisons with a zero include the bound */
        if (d == 0.0) {
            if (l->op == FLOE_PARQUET_OP_LT)
                l->op = FLOE_PARQUET_OP_LE;
            else if (l->op == FLOE_PARQUET_OP_GT)
                l->op = FLOE_PARQUET_OP_GE;
        }
        l->lit.kind = FLOE_PARQUET_LIT_FLOAT;
        l->lit.d = d;
        return 1;
    }
    case FLOE_TYPE_STRING:
        if (strcmp(f, "u") != 0 && strcmp(f, "U") != 0 && strcmp(f, "vu") != 0)
            return 0;
        l->lit.kind = FLOE_PARQUET_LIT_BYTES;
        l->lit.bytes = v->v.bytes.data;
        l->lit.len = v->v.bytes.len;
        return 1;
    case FLOE_TYPE_BINARY:
        if (strcmp(f, "z") != 0 && strcmp(f, "Z") != 0 && strcmp(f, "vz") != 0)
            return 0;
        l->lit.kind = FLOE_PARQUET_LIT_BYTES;
        l->lit.bytes = v->v.bytes.data;
        l->lit.len = v->v.bytes.len;
        return 1;
    default:
        return 0;
    }
}

/* `starts_with p`: every such string s has p <= s < succ(p), where succ(p) is p with its last
 * byte below 0xff incremented and the rest dropped (none when p is all 0xff). */
static int starts_with(floe_parquet_predicate **out, int32_t id, const floe_literal *v,
                       const char *f)
{
    struct leaf l;
    l.op = FLOE_PARQUET_OP_GE;
    if (!convert(&l, v, f, FLOE_EXPR_GT_EQ) || l.lit.kind != FLOE_PARQUET_LIT_BYTES)
        return 0;
    floe_parquet_predicate *ge = NULL, *lt = NULL;
    int rc = floe_parquet_predicate_compare(&ge, id, FLOE_PARQUET_OP_GE, &l.lit);
    if (rc)
        return rc;
    size_t n = l.lit.len;
    const uint8_t *b = l.lit.bytes;
    while (n > 0 && b[n - 1] == 0xff)
        n--;
    if (n == 0) {
        *out = ge;
        return 0;
    }
    uint8_t *succ = floe_malloc(n);
    if (!succ) {
        floe_parquet_predicate_free(ge);
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    memcpy(succ, b, n);
    succ[n - 1]++;
    floe_parquet_literal s = l.lit;
    s.bytes = succ;
    s.len = n;
    rc = floe_parquet_predicate_compare(&lt, id, FLOE_PARQUET_OP_LT, &s);
    floe_free(succ);
    if (rc) {
        floe_parquet_predicate_free(ge);
        return rc;
    }
    return floe_parquet_predicate_and(out, ge, lt);
}

/* One predicate leaf of a NOT-free bound expression. */
static int translate_leaf(floe_parquet_predicate **out, const floe_expr *e,
                          const struct ArrowSchema *fs)
{
    int32_t id = floe_expr_field_id(e);
    if (id < 0)
        return 0;
    /* a column the file lacks reads as null or as its initial default: leave it to the rows */
    const struct ArrowSchema *col = field_by_id(fs, id);
    if (!col || !col->format)
        return 0;
    floe_expr_op op = floe_expr_get_op(e);
    struct leaf l;
    memset(&l, 0, sizeof l);
    switch (op) {
    case FLOE_EXPR_IS_NULL:
        return floe_parquet_predicate_compare(out, id, FLOE_PARQUET_OP_IS_NULL, NULL);
    case FLOE_EXPR_NOT_NULL:
        return floe_parquet_predicate_compare(out, id, FLOE_PARQUET_OP_NOT_NULL, NULL);
    case FLOE_EXPR_LT:
        l.op = FLOE_PARQUET_OP_LT;
        break;
    case FLOE_EXPR_LT_EQ:
        l.op = FLOE_PARQUET_OP_LE;
        break;
    case FLOE_EXPR_GT:
        l.op = FLOE_PARQUET_OP_GT;
        break;
    case FLOE_EXPR_GT_EQ:
        l.op = FLOE_PARQUET_OP_GE;
        break;
    case FLOE_EXPR_EQ:
        l.op = FLOE_PARQUET_OP_EQ;
        break;
    case FLOE_EXPR_STARTS_WITH:
        if (floe_expr_literal_count(e) != 1)
            return 0;
        return starts_with(out, id, floe_expr_literal_at(e, 0), col->format);
    case FLOE_EXPR_IN: {
        size_t n = floe_expr_literal_count(e);
        if (n == 0)
            return 0;
        floe_parquet_literal *lits = floe_calloc(n, sizeof *lits);
        if (!lits)
            return floe_error_set(FLOE_ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) {
            struct leaf x;
            x.op = FLOE_PARQUET_OP_EQ;
            if (!convert(&x, floe_expr_literal_at(e, i), col->format, FLOE_EXPR_EQ) ||
                x.op != FLOE_PARQUET_OP_EQ) {
                floe_free(lits);
                return 0;
            }
            lits[i] = x.lit;
        }
        int rc = floe_parquet_predicate_in(out, id, lits, n);
        floe_free(lits);
        return rc;
    }
    default:
        /* not-equal, not-in, not-starts-with and the NaN tests: statistics cannot rule a row
         * group out safely */
        return 0;
    }
    if (floe_expr_literal_count(e) != 1 ||
        !convert(&l, floe_expr_literal_at(e, 0), col->format, op))
        return 0;
    return floe_parquet_predicate_compare(out, id, l.op, &l.lit);
}

/* Translates a NOT-free bound expression; *out stays NULL for "may match". */
static int translate(floe_parquet_predicate **out, const floe_expr *e, const struct ArrowSchema *fs)
{
    *out = NULL;
    floe_expr_op op = floe_expr_get_op(e);
    if (op == FLOE_EXPR_AND || op == FLOE_EXPR_OR) {
        floe_parquet_predicate *a = NULL, *b = NULL;
        int rc = translate(&a, floe_expr_child(e, 0), fs);
        if (!rc)
            rc = translate(&b, floe_expr_child(e, 1), fs);
        if (rc) {
            floe_parquet_predicate_free(a);
            floe_parquet_predicate_free(b);
            return rc;
        }
        if (op == FLOE_EXPR_AND) {
            if (!a || !b) {
                *out = a ? a : b;
                return 0;
            }
            return floe_parquet_predicate_and(out, a, b);
        }
        if (!a || !b) {
            floe_parquet_predicate_free(a);
            floe_parquet_predicate_free(b);
            return 0;
        }
        return floe_parquet_predicate_or(out, a, b);
    }
    if (op == FLOE_EXPR_TRUE || op == FLOE_EXPR_FALSE || op == FLOE_EXPR_NOT)
        return 0; /* false tasks are never planned; NOT is rewritten away before */
    return translate_leaf(out, e, fs);
}

int floe_manager__rowgroup_predicate(floe_parquet_predicate **out, const floe_expr *bound,
                                     const struct ArrowSchema *fschema)
{
    *out = NULL;
    if (!bound || floe_manager__expr_is(bound, true))
        return 0;
    floe_expr *e = NULL;
    int rc = floe_expr_rewrite_not(&e, bound);
    if (rc)
        return floe_error_wrap(rc, "pushing NOT down for row-group skipping");
    rc = translate(out, e, fschema);
    floe_expr_free(e);
    return rc;
}

int floe_manager__rowgroup_layout(struct floe_manager_rowgroups *g, floe_parquet_reader *r,
                                  const floe_parquet_predicate *pred, bool positions)
{
    memset(g, 0, sizeof *g);
    int n = floe_parquet_reader_num_row_groups(r);
    if (n <= 0 || !pred) {
        g->total = n > 0 ? n : 0;
        return 0;
    }
    int *may = floe_calloc((size_t)n, sizeof *may);
    if (!may)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    int rc = 0;
    size_t keep = 0;
    for (int i = 0; !rc && i < n; i++) {
        rc = floe_parquet_reader_row_group_may_match(&may[i], r, i, pred);
        keep += !rc && may[i];
    }
    g->total = n;
    if (rc || keep == (size_t)n || !positions) {
        g->skipping = !rc && keep < (size_t)n;
        g->count = keep;
        floe_free(may);
        return rc;
    }
    /* the reader exposes per-row-group row counts only through its footer JSON */
    json_t *md = NULL;
    rc = floe_parquet_reader_metadata_json(&md, r);
    json_t *rgs = rc ? NULL : json_object_get(md, "row_groups");
    if (!rc && (!json_is_array(rgs) || json_array_size(rgs) != (size_t)n))
        rc = floe_error_set(FLOE_ECORRUPT, "footer lists no row counts for %d row groups", n);
    if (!rc && keep) {
        g->start = floe_calloc(keep, sizeof *g->start);
        g->rows = floe_calloc(keep, sizeof *g->rows);
        if (!g->start || !g->rows)
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    int64_t at = 0;
    for (int i = 0; !rc && i < n; i++) {
        json_t *nr = json_object_get(json_array_get(rgs, (size_t)i), "num_rows");
        int64_t rows = json_is_integer(nr) ? (int64_t)json_integer_value(nr) : -1;
        if (rows < 0 || rows > INT64_MAX - at) {
            rc = floe_error_set(FLOE_ECORRUPT, "row group %d has no valid row count", i);
            break;
        }
        if (may[i]) {
            g->start[g->count] = at;
            g->rows[g->count] = rows;
            g->count++;
        }
        at += rows;
    }
    json_decref(md);
    floe_free(may);
    if (rc) {
        floe_manager__rowgroups_free(g);
        return rc;
    }
    g->skipping = true;
    return 0;
}

void floe_manager__rowgroups_free(struct floe_manager_rowgroups *g)
{
    floe_free(g->start);
    floe_free(g->rows);
    memset(g, 0, sizeof *g);
}

int floe_manager__rowgroups_base(int64_t *base, struct floe_manager_rowgroups *g, int64_t n)
{
    while (g->next < g->count && g->used >= g->rows[g->next]) {
        g->next++;
        g->used = 0;
    }
    if (g->next >= g->count || n > g->rows[g->next] - g->used)
        return floe_error_set(FLOE_ECORRUPT,
                              "a batch of %lld rows does not fit the row groups the filter kept",
                              (long long)n);
    *base = g->start[g->next] + g->used;
    g->used += n;
    return 0;
}
