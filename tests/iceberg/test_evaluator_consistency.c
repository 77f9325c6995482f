/* Property tests tying the evaluators together on generated data and filters:
 *  - a file (group of rows) with a selected row is never pruned by the inclusive metrics
 *    evaluator, and the strict one only claims files whose rows are all selected;
 *  - a selected row's partition tuple satisfies the inclusive projection, and a row whose
 *    tuple satisfies the strict projection is selected;
 *  - the residual for a partition selects exactly the rows the full filter selects. */
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <floe/arrow/builder.h>
#include <floe/error.h>
#include <floe/iceberg/expr.h>

static const char *schema_json =
    "{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
    "{\"id\":1,\"name\":\"id\",\"required\":false,\"type\":\"long\"},"
    "{\"id\":2,\"name\":\"s\",\"required\":false,\"type\":\"string\"},"
    "{\"id\":3,\"name\":\"ts\",\"required\":false,\"type\":\"timestamp\"},"
    "{\"id\":4,\"name\":\"f\",\"required\":false,\"type\":\"double\"}]}";

static uint32_t rnd(uint32_t *seed, uint32_t n)
{
    *seed = *seed * 1103515245u + 12345u;
    return (*seed >> 16) % n;
}

static const char *const strs[] = {"", "a", "ab", "abc", "abd", "b", "ba", "\xc3\xbcx"};
#define NSTRS 8
static const double dbls[] = {-1.5, 0.0, 2.5, 7.0};
#define HOUR 3600000000LL

#define NROWS 12

static void gen_row(floe_literal *row, uint32_t *seed)
{
    row[0] = rnd(seed, 8) ? floe_literal_long((int64_t)rnd(seed, 61) - 30)
                          : floe_literal_null(FLOE_TYPE_LONG);
    if (rnd(seed, 8)) {
        const char *s = strs[rnd(seed, NSTRS)];
        row[1] = floe_literal_string(s, strlen(s));
    } else {
        row[1] = floe_literal_null(FLOE_TYPE_STRING);
    }
    row[2] = rnd(seed, 8) ? floe_literal_timestamp(((int64_t)rnd(seed, 145) - 72) * HOUR +
                                                   (int64_t)rnd(seed, 3) - 1)
                          : floe_literal_null(FLOE_TYPE_TIMESTAMP);
    uint32_t k = rnd(seed, 10);
    row[3] = k < 4   ? floe_literal_double(dbls[k])
             : k < 6 ? floe_literal_double(NAN)
             : k < 7 ? floe_literal_null(FLOE_TYPE_DOUBLE)
                     : floe_literal_double(dbls[rnd(seed, 4)]);
}

static void gen_pred(char *buf, size_t cap, uint32_t *seed)
{
    static const char *const ops[] = {"=", "!=", "<", "<=", ">", ">="};
    const char *op = ops[rnd(seed, 6)];
    char lit[64];
    switch (rnd(seed, 4)) {
    case 0:
        switch (rnd(seed, 4)) {
        case 0:
            snprintf(buf, cap, "id %s %d", op, (int)rnd(seed, 61) - 30);
            break;
        case 1:
            snprintf(buf, cap, "id %sin (%d, %d)", rnd(seed, 2) ? "not " : "",
                     (int)rnd(seed, 61) - 30, (int)rnd(seed, 61) - 30);
            break;
        default:
            snprintf(buf, cap, "id is %snull", rnd(seed, 2) ? "not " : "");
        }
        break;
    case 1:
        snprintf(lit, sizeof lit, "%s", strs[rnd(seed, NSTRS)]);
        switch (rnd(seed, 4)) {
        case 0:
            snprintf(buf, cap, "s %s '%s'", op, lit);
            break;
        case 1:
            snprintf(buf, cap, "s %slike '%s%%'", rnd(seed, 2) ? "not " : "", lit);
            break;
        case 2:
            snprintf(buf, cap, "s %sin ('%s', '%s')", rnd(seed, 2) ? "not " : "", lit,
                     strs[rnd(seed, NSTRS)]);
            break;
        default:
            snprintf(buf, cap, "s is %snull", rnd(seed, 2) ? "not " : "");
        }
        break;
    case 2: {
        int h = (int)rnd(seed, 145) - 72;
        int64_t t = (int64_t)h * HOUR + (int64_t)rnd(seed, 3) - 1;
        int64_t days = t >= 0 ? t / (24 * HOUR) : -((-t + 24 * HOUR - 1) / (24 * HOUR));
        int64_t rem = t - days * 24 * HOUR;
        /* dates around the epoch: 1969-12-29 .. 1970-01-04 */
        int day = (int)days + 1; /* days from 1969-12-31 */
        const char *dates[] = {"1969-12-28", "1969-12-29", "1969-12-30", "1969-12-31",
                               "1970-01-01", "1970-01-02", "1970-01-03", "1970-01-04"};
        int idx = day + 3;
        if (idx < 0)
            idx = 0;
        if (idx > 7)
            idx = 7;
        snprintf(buf, cap, "ts %s '%sT%02d:%02d:%02d.%06d'", op, dates[idx], (int)(rem / HOUR),
                 (int)(rem % HOUR / 60000000), (int)(rem % 60000000 / 1000000),
                 (int)(rem % 1000000));
        break;
    }
    default:
        switch (rnd(seed, 3)) {
        case 0:
            snprintf(buf, cap, "f %s %.1f", op, dbls[rnd(seed, 4)] - 0.5 * rnd(seed, 2));
            break;
        default:
            snprintf(buf, cap, "f is %snan", rnd(seed, 2) ? "not " : "");
        }
    }
}

static void gen_filter(char *buf, size_t cap, uint32_t *seed, int depth)
{
    char a[512], b[512];
    uint32_t k = depth >= 2 ? 0 : rnd(seed, 5);
    if (k <= 1) {
        gen_pred(buf, cap, seed);
    } else if (k == 2) {
        gen_filter(a, sizeof a, seed, depth + 1);
        snprintf(buf, cap, "not (%s)", a);
    } else {
        gen_filter(a, sizeof a, seed, depth + 1);
        gen_filter(b, sizeof b, seed, depth + 1);
        snprintf(buf, cap, "(%s) %s (%s)", a, k == 3 ? "and" : "or", b);
    }
}

static floe_schema *schema(void)
{
    floe_schema *s = NULL;
    assert_int_equal(floe_schema_from_json(&s, schema_json, strlen(schema_json)), 0);
    return s;
}

static bool row_selected(const floe_expr *e, const floe_schema *s, const floe_literal *row)
{
    bool r = false;
    assert_int_equal(floe_expr_eval_row(&r, e, floe_schema_struct(s), row), 0);
    return r;
}

/* Column metrics of rows[0..n) for column c, as a writer would record them; string bounds
 * are truncated to one code point when `truncate` is set. Bound bytes go to `store`. */
static void metrics_of(floe_expr_column_metrics *m, floe_literal (*rows)[4], int n, int c,
                       bool truncate, uint8_t **store)
{
    memset(m, 0, sizeof *m);
    m->field_id = c + 1;
    m->value_count = n;
    m->nan_count = c == 3 ? 0 : -1;
    const floe_literal *lo = NULL, *hi = NULL;
    for (int i = 0; i < n; i++) {
        const floe_literal *v = &rows[i][c];
        if (v->is_null) {
            m->null_count++;
            continue;
        }
        if (v->kind == FLOE_TYPE_DOUBLE && isnan(v->v.f64)) {
            m->nan_count++;
            continue;
        }
        int cmp;
        if (!lo || (floe_literal_compare(&cmp, v, lo) == 0 && cmp < 0))
            lo = v;
        if (!hi || (floe_literal_compare(&cmp, v, hi) == 0 && cmp > 0))
            hi = v;
    }
    if (!lo)
        return;
    floe_literal l, u;
    bool has_upper = true;
    if (truncate && c == 1) {
        assert_int_equal(floe_literal_truncate_lower(&l, lo, 1), 0);
        assert_int_equal(floe_literal_truncate_upper(&u, &has_upper, hi, 1), 0);
    } else {
        assert_int_equal(floe_literal_copy(&l, lo), 0);
        assert_int_equal(floe_literal_copy(&u, hi), 0);
    }
    assert_int_equal(floe_literal_to_bytes(&store[0], &m->lower_len, &l), 0);
    m->lower = store[0];
    if (has_upper) {
        assert_int_equal(floe_literal_to_bytes(&store[1], &m->upper_len, &u), 0);
        m->upper = store[1];
    }
    floe_literal_clear(&l);
    floe_literal_clear(&u);
}

static void test_metrics_never_prune_selected_rows(void **state)
{
    (void)state;
    floe_schema *s = schema();
    uint32_t seed = 777;
    int pruned = 0, proven = 0;
    for (int iter = 0; iter < 1500; iter++) {
        floe_literal rows[NROWS][4];
        int n = 1 + (int)rnd(&seed, NROWS);
        for (int i = 0; i < n; i++)
            gen_row(rows[i], &seed);
        char text[2048];
        gen_filter(text, sizeof text, &seed, 0);
        floe_expr *u, *e;
        if (floe_expr_parse(&u, text) || floe_expr_bind(&e, u, s, true))
            fail_msg("%s: %s", text, floe_error_last());
        int selected = 0;
        for (int i = 0; i < n; i++)
            selected += row_selected(e, s, rows[i]);
        bool truncate = rnd(&seed, 2);
        floe_expr_column_metrics m[4];
        uint8_t *store[4][2] = {{NULL}};
        for (int c = 0; c < 4; c++)
            metrics_of(&m[c], rows, n, c, truncate, store[c]);
        bool might = true, must = false;
        assert_int_equal(floe_expr_metrics_might_match(&might, e, s, n, m, 4), 0);
        assert_int_equal(floe_expr_metrics_must_match(&must, e, s, n, m, 4), 0);
        if (selected && !might)
            fail_msg("inclusive metrics pruned a file with %d selected rows: %s", selected, text);
        if (must && selected != n)
            fail_msg("strict metrics claimed all rows match, %d of %d do: %s", selected, n, text);
        pruned += !might;
        proven += must;
        for (int c = 0; c < 4; c++) {
            floe_iceberg_free_bytes(store[c][0]);
            floe_iceberg_free_bytes(store[c][1]);
        }
        floe_expr_free(e);
        floe_expr_free(u);
    }
    /* the evaluators are not trivially permissive */
    assert_true(pruned > 50);
    assert_true(proven > 50);
    floe_schema_free(s);
}

static void test_projections_and_residuals_agree_with_rows(void **state)
{
    (void)state;
    floe_schema *s = schema();
    const char *specs[][2] = {{"1", "bucket[4]"},   {"1", "truncate[10]"}, {"1", "identity"},
                              {"2", "truncate[1]"}, {"2", "identity"},     {"3", "day"},
                              {"3", "hour"},        {"3", "month"},        {"3", "year"},
                              {"4", "identity"}};
    uint32_t seed = 4242;
    int inc_pruned = 0, strict_hits = 0, residual_folded = 0;
    for (int iter = 0; iter < 1500; iter++) {
        /* a spec of one or two fields */
        floe_partition_spec *spec;
        floe_partition_spec_new(&spec, 1);
        int nf = 1 + (int)rnd(&seed, 2);
        int src[2];
        for (int k = 0; k < nf; k++) {
            int which = (int)rnd(&seed, 10);
            char name[16];
            snprintf(name, sizeof name, "p%d", k);
            src[k] = specs[which][0][0] - '1';
            assert_int_equal(
                floe_partition_spec_add_field(spec, src[k] + 1, -1, name, specs[which][1]), 0);
        }
        char text[2048];
        gen_filter(text, sizeof text, &seed, 0);
        floe_expr *u, *e, *inc, *strict;
        if (floe_expr_parse(&u, text) || floe_expr_bind(&e, u, s, true))
            fail_msg("%s: %s", text, floe_error_last());
        assert_int_equal(floe_expr_project_inclusive(&inc, e, spec, s, true), 0);
        assert_int_equal(floe_expr_project_strict(&strict, e, spec, s, true), 0);
        floe_type *pt;
        assert_int_equal(floe_partition_spec_partition_type(&pt, spec, s), 0);
        for (int r = 0; r < 6; r++) {
            floe_literal row[4], srcv[2], part[2];
            gen_row(row, &seed);
            for (int k = 0; k < nf; k++)
                srcv[k] = row[src[k]];
            assert_int_equal(floe_partition_spec_apply(part, spec, srcv), 0);
            bool sel = row_selected(e, s, row), pin = false, pst = false;
            assert_int_equal(floe_expr_eval_row(&pin, inc, pt, part), 0);
            assert_int_equal(floe_expr_eval_row(&pst, strict, pt, part), 0);
            char *ptxt = NULL, *stxt = NULL;
            floe_expr_to_string(&ptxt, inc);
            floe_expr_to_string(&stxt, strict);
            if (sel && !pin)
                fail_msg("inclusive projection '%s' of '%s' rejects a selected row", ptxt, text);
            if (pst && !sel)
                fail_msg("strict projection '%s' of '%s' accepts a row the filter rejects", stxt,
                         text);
            floe_iceberg_free_string(ptxt);
            floe_iceberg_free_string(stxt);
            inc_pruned += !pin;
            strict_hits += pst;
            /* the residual for this row's partition selects the row exactly when the filter
             * does */
            floe_expr *res;
            assert_int_equal(floe_expr_residual(&res, e, spec, s, part), 0);
            bool rsel = row_selected(res, s, row);
            if (rsel != sel) {
                char *rt = NULL;
                floe_expr_to_string(&rt, res);
                fail_msg("residual '%s' of '%s' selects %d, the filter %d", rt, text, rsel, sel);
            }
            residual_folded +=
                floe_expr_get_op(res) == FLOE_EXPR_TRUE || floe_expr_get_op(res) == FLOE_EXPR_FALSE;
            floe_expr_free(res);
            for (int k = 0; k < nf; k++)
                floe_literal_clear(&part[k]);
        }
        floe_type_free(pt);
        floe_expr_free(inc);
        floe_expr_free(strict);
        floe_expr_free(e);
        floe_expr_free(u);
        floe_partition_spec_free(spec);
    }
    assert_true(inc_pruned > 100);
    assert_true(strict_hits > 100);
    assert_true(residual_folded > 100);
    floe_schema_free(s);
}

/* The Arrow batch evaluator agrees with the row evaluator, also on a sliced batch (offset). */
static void test_arrow_evaluation_matches_rows(void **state)
{
    (void)state;
    floe_schema *s = schema();
    struct ArrowSchema as;
    assert_int_equal(floe_schema_to_arrow(&as, s), 0);
    uint32_t seed = 99;
    for (int iter = 0; iter < 200; iter++) {
        enum { N = 16 };
        floe_literal rows[N][4];
        floe_arrow_builder *b;
        assert_int_equal(floe_arrow_builder_new(&b, &as), 0);
        for (int i = 0; i < N; i++) {
            gen_row(rows[i], &seed);
            for (int c = 0; c < 4; c++) {
                floe_arrow_builder *cb = floe_arrow_builder_child(b, c);
                const floe_literal *v = &rows[i][c];
                if (v->is_null)
                    assert_int_equal(floe_arrow_builder_append_null(cb), 0);
                else if (c == 1)
                    assert_int_equal(
                        floe_arrow_builder_append_bytes(cb, v->v.bytes.data, v->v.bytes.len), 0);
                else if (c == 3)
                    assert_int_equal(floe_arrow_builder_append_double(cb, v->v.f64), 0);
                else
                    assert_int_equal(floe_arrow_builder_append_int(cb, v->v.i64), 0);
            }
        }
        struct ArrowArray batch;
        assert_int_equal(floe_arrow_builder_finish_batch(b, &batch, NULL), 0);
        floe_arrow_builder_free(b);
        char text[2048];
        gen_filter(text, sizeof text, &seed, 0);
        floe_expr *u, *e;
        if (floe_expr_parse(&u, text) || floe_expr_bind(&e, u, s, true))
            fail_msg("%s: %s", text, floe_error_last());
        uint8_t sel[N];
        assert_int_equal(floe_expr_eval_arrow(sel, e, s, &as, &batch), 0);
        for (int i = 0; i < N; i++)
            if (sel[i] != row_selected(e, s, rows[i]))
                fail_msg("row %d: Arrow says %d for %s", i, sel[i], text);
        /* the same batch sliced by 3 rows */
        batch.offset += 3;
        batch.length -= 3;
        assert_int_equal(floe_expr_eval_arrow(sel, e, s, &as, &batch), 0);
        for (int i = 0; i < N - 3; i++)
            if (sel[i] != row_selected(e, s, rows[i + 3]))
                fail_msg("sliced row %d: Arrow says %d for %s", i, sel[i], text);
        batch.offset -= 3;
        batch.length += 3;
        batch.release(&batch);
        floe_expr_free(e);
        floe_expr_free(u);
    }
    as.release(&as);
    floe_schema_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metrics_never_prune_selected_rows),
        cmocka_unit_test(test_projections_and_residuals_agree_with_rows),
        cmocka_unit_test(test_arrow_evaluation_matches_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
