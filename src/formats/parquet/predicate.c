/* Row-group skipping: a small predicate tree (comparisons, null tests, IN; AND / OR) judged
 * against column chunk statistics. Judgement is conservative: anything the statistics cannot
 * prove (missing, unsigned or NaN bounds, truncated byte arrays compared the wrong way)
 * answers "may match". */
#include <math.h>
#include <string.h>

#include <floe/error.h>
#include <floe/parquet/reader.h>

#include "base/alloc.h"
#include "formats/parquet/reader_internal.h"

enum { P_LEAF, P_AND, P_OR };

struct floe_parquet_predicate {
    int kind;
    floe_parquet_op op;
    int32_t field_id;
    size_t nlits;
    floe_parquet_literal *lits;
    struct floe_parquet_predicate *a, *b;
};

void floe_parquet_predicate_free(floe_parquet_predicate *p)
{
    if (!p)
        return;
    floe_parquet_predicate_free(p->a);
    floe_parquet_predicate_free(p->b);
    for (size_t i = 0; i < p->nlits; i++)
        floe_free((void *)p->lits[i].bytes);
    floe_free(p->lits);
    floe_free(p);
}

static int make_leaf(floe_parquet_predicate **out, int32_t field_id, floe_parquet_op op,
                     const floe_parquet_literal *lits, size_t n)
{
    *out = NULL;
    if ((int)op < FLOE_PARQUET_OP_EQ || op > FLOE_PARQUET_OP_IN)
        return floe_error_set(FLOE_EINVALID, "unknown predicate operator %d", (int)op);
    if (n && !lits)
        return floe_error_set(FLOE_EINVALID, "predicate on field %d has no literal", field_id);
    floe_parquet_predicate *p = floe_calloc(1, sizeof(*p));
    if (!p)
        return floe_error_set(FLOE_ENOMEM, "out of memory building a predicate");
    p->kind = P_LEAF;
    p->op = op;
    p->field_id = field_id;
    if (n) {
        p->lits = floe_calloc(n, sizeof(*p->lits));
        if (!p->lits) {
            floe_free(p);
            return floe_error_set(FLOE_ENOMEM, "out of memory building a predicate");
        }
        for (size_t i = 0; i < n; i++) {
            p->lits[i] = lits[i];
            p->lits[i].bytes = NULL;
            p->nlits = i + 1;
            if (lits[i].kind == FLOE_PARQUET_LIT_BYTES) {
                void *c = floe_malloc(lits[i].len ? lits[i].len : 1);
                if (!c) {
                    floe_parquet_predicate_free(p);
                    return floe_error_set(FLOE_ENOMEM, "out of memory building a predicate");
                }
                if (lits[i].len)
                    memcpy(c, lits[i].bytes, lits[i].len);
                p->lits[i].bytes = c;
            }
        }
    }
    *out = p;
    return 0;
}

int floe_parquet_predicate_compare(floe_parquet_predicate **out, int32_t field_id,
                                   floe_parquet_op op, const floe_parquet_literal *literal)
{
    if (op == FLOE_PARQUET_OP_IS_NULL || op == FLOE_PARQUET_OP_NOT_NULL)
        return make_leaf(out, field_id, op, NULL, 0);
    if (op == FLOE_PARQUET_OP_IN)
        return make_leaf(out, field_id, op, literal, literal ? 1 : 0);
    if (!literal)
        return floe_error_set(FLOE_EINVALID, "comparison on field %d needs a literal", field_id);
    return make_leaf(out, field_id, op, literal, 1);
}

int floe_parquet_predicate_in(floe_parquet_predicate **out, int32_t field_id,
                              const floe_parquet_literal *values, size_t count)
{
    return make_leaf(out, field_id, FLOE_PARQUET_OP_IN, values, count);
}

static int combine(floe_parquet_predicate **out, int kind, floe_parquet_predicate *a,
                   floe_parquet_predicate *b)
{
    *out = NULL;
    if (!a || !b) {
        floe_parquet_predicate_free(a);
        floe_parquet_predicate_free(b);
        return floe_error_set(FLOE_EINVALID, "AND/OR needs two predicates");
    }
    floe_parquet_predicate *p = floe_calloc(1, sizeof(*p));
    if (!p) {
        floe_parquet_predicate_free(a);
        floe_parquet_predicate_free(b);
        return floe_error_set(FLOE_ENOMEM, "out of memory building a predicate");
    }
    p->kind = kind;
    p->a = a;
    p->b = b;
    *out = p;
    return 0;
}

int floe_parquet_predicate_and(floe_parquet_predicate **out, floe_parquet_predicate *a,
                               floe_parquet_predicate *b)
{
    return combine(out, P_AND, a, b);
}

int floe_parquet_predicate_or(floe_parquet_predicate **out, floe_parquet_predicate *a,
                              floe_parquet_predicate *b)
{
    return combine(out, P_OR, a, b);
}

/* A statistics bound decoded for comparison. */
typedef struct bound {
    int kind; /* FLOE_PARQUET_LIT_* or -1 when unusable */
    int64_t i;
    double d;
    const uint8_t *b;
    size_t len;
} bound;

static bound decode_bound(const floe_pq_node *leaf, const uint8_t *p, size_t n, int new_field)
{
    bound v = {-1, 0, 0, NULL, 0};
    const char *f = leaf->format;
    /* Unsigned integers are ordered unsigned; floe compares signed, so they are not used. */
    int unsigned_int = (f[0] == 'C' || f[0] == 'S' || f[0] == 'I' || f[0] == 'L') && f[1] == 0;
    switch (leaf->physical) {
    case FLOE_PARQUET_BOOLEAN:
        if (n == 1) {
            v.kind = FLOE_PARQUET_LIT_BOOL;
            v.i = p[0] != 0;
        }
        break;
    case FLOE_PARQUET_INT32:
        if (n == 4 && !unsigned_int) {
            int32_t x;
            memcpy(&x, p, 4);
            v.kind = FLOE_PARQUET_LIT_INT;
            v.i = x;
        }
        break;
    case FLOE_PARQUET_INT64:
        if (n == 8 && !unsigned_int) {
            memcpy(&v.i, p, 8);
            v.kind = FLOE_PARQUET_LIT_INT;
        }
        break;
    case FLOE_PARQUET_FLOAT:
        if (n == 4) {
            float x;
            memcpy(&x, p, 4);
            v.d = x;
            v.kind = isnan(v.d) ? -1 : FLOE_PARQUET_LIT_FLOAT;
        }
        break;
    case FLOE_PARQUET_DOUBLE:
        if (n == 8) {
            memcpy(&v.d, p, 8);
            v.kind = isnan(v.d) ? -1 : FLOE_PARQUET_LIT_FLOAT;
        }
        break;
    case FLOE_PARQUET_BYTE_ARRAY:
        /* Only min_value/max_value are defined with unsigned byte order; decimals stored as
         * bytes are ordered as signed numbers and are not compared here. */
        if (new_field && leaf->conv == PQ_CONV_BYTES) {
            v.kind = FLOE_PARQUET_LIT_BYTES;
            v.b = p;
            v.len = n;
        }
        break;
    default:
        break;
    }
    return v;
}

/* -1, 0, 1 for a < b, or 2 when they cannot be compared. */
static int cmp(const bound *a, const floe_parquet_literal *l)
{
    if (a->kind < 0)
        return 2;
    if (a->kind == FLOE_PARQUET_LIT_BYTES || l->kind == FLOE_PARQUET_LIT_BYTES) {
        if (a->kind != (int)l->kind)
            return 2;
        size_t m = a->len < l->len ? a->len : l->len;
        int c = m ? memcmp(a->b, l->bytes, m) : 0;
        if (c)
            return c < 0 ? -1 : 1;
        return a->len < l->len ? -1 : (a->len > l->len ? 1 : 0);
    }
    if (a->kind == FLOE_PARQUET_LIT_FLOAT || l->kind == FLOE_PARQUET_LIT_FLOAT) {
        double x = a->kind == FLOE_PARQUET_LIT_FLOAT ? a->d : (double)a->i;
        double y = l->kind == FLOE_PARQUET_LIT_FLOAT ? l->d : (double)l->i;
        if (isnan(y))
            return 2;
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    return a->i < l->i ? -1 : (a->i > l->i ? 1 : 0);
}

static int leaf_may_match(const floe_parquet_predicate *p, const floe_pq_schema *s,
                          const floe_parquet_row_group *rg)
{
    const floe_pq_node *leaf = floe_parquet__schema_leaf_by_id(s, p->field_id);
    if (!leaf)
        /* The column is not in the file: every value reads as null. */
        return p->op == FLOE_PARQUET_OP_IS_NULL;
    if (leaf->max_rep > 0)
        return 1; /* statistics of repeated columns describe elements, not rows */
    const floe_parquet_column_chunk *cc = &rg->columns[leaf->leaf];
    const floe_parquet_column_metadata *m = cc->meta_data;
    if (!m || !m->statistics)
        return 1;
    const floe_parquet_statistics *st = m->statistics;
    int all_null = st->has_null_count && st->null_count >= rg->num_rows && rg->num_rows > 0;
    switch (p->op) {
    case FLOE_PARQUET_OP_IS_NULL:
        return !(st->has_null_count && st->null_count == 0);
    case FLOE_PARQUET_OP_NOT_NULL:
        return !all_null;
    default:
        break;
    }
    if (all_null)
        return 0;
    bound lo = {-1, 0, 0, NULL, 0}, hi = {-1, 0, 0, NULL, 0};
    if (st->has_min_value)
        lo = decode_bound(leaf, st->min_value, st->min_value_len, 1);
    else if (st->has_min)
        lo = decode_bound(leaf, st->min, st->min_len, 0);
    if (st->has_max_value)
        hi = decode_bound(leaf, st->max_value, st->max_value_len, 1);
    else if (st->has_max)
        hi = decode_bound(leaf, st->max, st->max_len, 0);
    switch (p->op) {
    case FLOE_PARQUET_OP_LT: /* some value < v  <=>  min < v */
        return cmp(&lo, &p->lits[0]) != 1 && cmp(&lo, &p->lits[0]) != 0;
    case FLOE_PARQUET_OP_LE:
        return cmp(&lo, &p->lits[0]) != 1;
    case FLOE_PARQUET_OP_GT:
        return cmp(&hi, &p->lits[0]) != -1 && cmp(&hi, &p->lits[0]) != 0;
    case FLOE_PARQUET_OP_GE:
        return cmp(&hi, &p->lits[0]) != -1;
    case FLOE_PARQUET_OP_EQ:
    case FLOE_PARQUET_OP_IN:
        for (size_t i = 0; i < p->nlits; i++) {
            int c1 = cmp(&lo, &p->lits[i]), c2 = cmp(&hi, &p->lits[i]);
            if (c1 != 1 && c2 != -1)
                return 1; /* min <= v <= max, or unknown */
        }
        return 0;
    default:
        return 1;
    }
}

int floe_parquet__predicate_may_match(const floe_parquet_predicate *p, const floe_pq_schema *s,
                                      const floe_parquet_row_group *rg)
{
    switch (p->kind) {
    case P_AND:
        return floe_parquet__predicate_may_match(p->a, s, rg) &&
               floe_parquet__predicate_may_match(p->b, s, rg);
    case P_OR:
        return floe_parquet__predicate_may_match(p->a, s, rg) ||
               floe_parquet__predicate_may_match(p->b, s, rg);
    default:
        return leaf_may_match(p, s, rg);
    }
}
