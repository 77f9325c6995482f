#include "test_support.h"

#include <math.h>
#include <string.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/schema.h>
#include <floe/error.h>
#include <floe/iceberg/expr.h>

#include "base/alloc.h"

static const char *schema_json =
    "{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
    "{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"int\"},"
    "{\"id\":2,\"name\":\"region\",\"required\":false,\"type\":\"string\"},"
    "{\"id\":3,\"name\":\"f\",\"required\":false,\"type\":\"double\"},"
    "{\"id\":4,\"name\":\"loc\",\"required\":false,\"type\":{\"type\":\"struct\",\"fields\":["
    "{\"id\":5,\"name\":\"lat\",\"required\":false,\"type\":\"double\"}]}},"
    "{\"id\":6,\"name\":\"ts\",\"required\":false,\"type\":\"timestamptz\"},"
    "{\"id\":7,\"name\":\"amount\",\"required\":false,\"type\":\"decimal(9,2)\"}]}";

static floe_schema *schema(void)
{
    floe_schema *s = NULL;
    assert_int_equal(floe_schema_from_json(&s, schema_json, strlen(schema_json)), 0);
    return s;
}

static floe_expr *bind(const floe_schema *s, const char *text)
{
    floe_expr *u = NULL, *b = NULL;
    if (floe_expr_parse(&u, text) || floe_expr_bind(&b, u, s, true))
        fail_msg("%s: %s", text, floe_error_last());
    floe_expr_free(u);
    return b;
}

/* rows:
 *  0: id 1, region 'eu',  f 1.5, loc {lat 10},  ts 2024-01-01, amount 1.00
 *  1: id 2, region null,  f NaN, loc null,      ts null,       amount null
 *  2: id 3, region 'us',  f null, loc {lat null}, ts 1969-12-31T23:59:59.999999, amount -2.50
 *  3: id 4, region 'euw', f -0.5, loc {lat -3}, ts 2024-06-01, amount 10.00 */
typedef struct batch {
    struct ArrowSchema schema;
    struct ArrowArray array;
} batch;

static void build(batch *out, const floe_schema *s)
{
    struct ArrowSchema as;
    assert_int_equal(floe_schema_to_arrow(&as, s), 0);
    floe_arrow_builder *b;
    assert_int_equal(floe_arrow_builder_new(&b, &as), 0);
    as.release(&as);
    floe_arrow_builder *id = floe_arrow_builder_child(b, 0),
                       *region = floe_arrow_builder_child(b, 1),
                       *f = floe_arrow_builder_child(b, 2), *loc = floe_arrow_builder_child(b, 3),
                       *ts = floe_arrow_builder_child(b, 4), *amt = floe_arrow_builder_child(b, 5);
    floe_arrow_builder *lat = floe_arrow_builder_child(loc, 0);
    const int64_t day = 86400000000LL;
    /* row 0 */
    assert_int_equal(floe_arrow_builder_append_int(id, 1), 0);
    assert_int_equal(floe_arrow_builder_append_str(region, "eu"), 0);
    assert_int_equal(floe_arrow_builder_append_double(f, 1.5), 0);
    assert_int_equal(floe_arrow_builder_append_double(lat, 10), 0);
    assert_int_equal(floe_arrow_builder_append_struct(loc), 0);
    assert_int_equal(floe_arrow_builder_append_int(ts, 19723 * day), 0);
    assert_int_equal(floe_arrow_builder_append_int(amt, 100), 0);
    /* row 1 */
    assert_int_equal(floe_arrow_builder_append_int(id, 2), 0);
    assert_int_equal(floe_arrow_builder_append_null(region), 0);
    assert_int_equal(floe_arrow_builder_append_double(f, NAN), 0);
    assert_int_equal(floe_arrow_builder_append_null(loc), 0);
    assert_int_equal(floe_arrow_builder_append_null(ts), 0);
    assert_int_equal(floe_arrow_builder_append_null(amt), 0);
    /* row 2 */
    assert_int_equal(floe_arrow_builder_append_int(id, 3), 0);
    assert_int_equal(floe_arrow_builder_append_str(region, "us"), 0);
    assert_int_equal(floe_arrow_builder_append_null(f), 0);
    assert_int_equal(floe_arrow_builder_append_null(lat), 0);
    assert_int_equal(floe_arrow_builder_append_struct(loc), 0);
    assert_int_equal(floe_arrow_builder_append_int(ts, -1), 0);
    assert_int_equal(floe_arrow_builder_append_int(amt, -250), 0);
    /* row 3 */
    assert_int_equal(floe_arrow_builder_append_int(id, 4), 0);
    assert_int_equal(floe_arrow_builder_append_str(region, "euw"), 0);
    assert_int_equal(floe_arrow_builder_append_double(f, -0.5), 0);
    assert_int_equal(floe_arrow_builder_append_double(lat, -3), 0);
    assert_int_equal(floe_arrow_builder_append_struct(loc), 0);
    assert_int_equal(floe_arrow_builder_append_int(ts, (19723 + 152) * day), 0);
    assert_int_equal(floe_arrow_builder_append_int(amt, 1000), 0);
    assert_int_equal(floe_arrow_builder_finish_batch(b, &out->array, &out->schema), 0);
    floe_arrow_builder_free(b);
}

static void expect_rows(const floe_schema *s, const batch *bt, const char *filter, const char *want)
{
    floe_expr *e = bind(s, filter);
    uint8_t sel[4];
    memset(sel, 9, sizeof sel);
    int rc = floe_expr_eval_arrow(sel, e, s, &bt->schema, &bt->array);
    if (rc)
        fail_msg("%s: %s", filter, floe_error_last());
    char got[5];
    for (int i = 0; i < 4; i++)
        got[i] = sel[i] ? '1' : '0';
    got[4] = 0;
    if (strcmp(got, want) != 0)
        fail_msg("filter %s selected %s, want %s", filter, got, want);
    floe_expr_free(e);
}

static void test_arrow_batch_selection_with_nulls(void **state)
{
    (void)state;
    floe_schema *s = schema();
    batch bt;
    build(&bt, s);
    expect_rows(s, &bt, "id = 3", "0010");
    expect_rows(s, &bt, "id != 3", "1101");
    expect_rows(s, &bt, "id in (1, 4, 9)", "1001");
    expect_rows(s, &bt, "id not in (1, 4)", "0110");
    expect_rows(s, &bt, "region = 'eu'", "1000");
    /* null region: neither = nor != selects it */
    expect_rows(s, &bt, "region != 'eu'", "0011");
    expect_rows(s, &bt, "not (region = 'eu')", "0011");
    expect_rows(s, &bt, "region is null", "0100");
    expect_rows(s, &bt, "region is not null", "1011");
    expect_rows(s, &bt, "region like 'eu%'", "1001");
    expect_rows(s, &bt, "region not like 'eu%'", "0010");
    expect_rows(s, &bt, "region not in ('us')", "1001");
    /* NaN: only is nan selects it; comparisons do not */
    expect_rows(s, &bt, "f is nan", "0100");
    expect_rows(s, &bt, "f is not nan", "1011");
    expect_rows(s, &bt, "f > 0", "1000");
    expect_rows(s, &bt, "f <= 0", "0001");
    /* nested: a null struct makes lat null */
    expect_rows(s, &bt, "loc.lat > 0", "1000");
    expect_rows(s, &bt, "loc.lat is null", "0110");
    expect_rows(s, &bt, "ts >= '2024-01-01'", "1001");
    expect_rows(s, &bt, "ts < '1970-01-01'", "0010");
    expect_rows(s, &bt, "amount < 0", "0010");
    expect_rows(s, &bt, "amount >= 1.00", "1001");
    /* three-valued or/and */
    expect_rows(s, &bt, "region = 'eu' or id = 2", "1100");
    expect_rows(s, &bt, "region != 'x' or id > 100", "1011");
    expect_rows(s, &bt, "not (region = 'x' and id = 2)", "1011");
    expect_rows(s, &bt, "true", "1111");
    expect_rows(s, &bt, "id > 3000000000", "0000");
    bt.array.release(&bt.array);
    bt.schema.release(&bt.schema);
    floe_schema_free(s);
}

static void test_arrow_batch_matches_columns_by_name_without_ids(void **state)
{
    (void)state;
    floe_schema *s = schema();
    batch bt;
    build(&bt, s);
    /* drop the field id of "region": name matching takes over */
    assert_int_equal(
        floe_arrow_schema_metadata_set(bt.schema.children[1], FLOE_ARROW_FIELD_ID_KEY, NULL), 0);
    expect_rows(s, &bt, "region = 'us'", "0010");
    /* a column missing from the batch is an error naming it */
    assert_int_equal(floe_arrow_schema_set_name(bt.schema.children[1], "other"), 0);
    floe_expr *e = bind(s, "region = 'us'");
    uint8_t sel[4];
    assert_int_equal(floe_expr_eval_arrow(sel, e, s, &bt.schema, &bt.array), FLOE_ENOTFOUND);
    assert_non_null(strstr(floe_error_last(), "'region'"));
    floe_expr_free(e);
    bt.array.release(&bt.array);
    bt.schema.release(&bt.schema);
    floe_schema_free(s);
}

/* ---- metrics ---- */

typedef struct bytes {
    uint8_t b[16];
    size_t n;
} bytes;

static bytes le32(int32_t v)
{
    bytes r = {{0}, 4};
    for (int i = 0; i < 4; i++)
        r.b[i] = (uint8_t)((uint32_t)v >> (8 * i));
    return r;
}

static bytes f64(double d)
{
    bytes r = {{0}, 8};
    uint64_t u;
    memcpy(&u, &d, 8);
    for (int i = 0; i < 8; i++)
        r.b[i] = (uint8_t)(u >> (8 * i));
    return r;
}

static bool might(const floe_schema *s, const char *filter, const floe_expr_column_metrics *m,
                  size_t n, int64_t rows)
{
    floe_expr *e = bind(s, filter);
    bool r = false;
    assert_int_equal(floe_expr_metrics_might_match(&r, e, s, rows, m, n), 0);
    floe_expr_free(e);
    return r;
}

static bool must(const floe_schema *s, const char *filter, const floe_expr_column_metrics *m,
                 size_t n, int64_t rows)
{
    floe_expr *e = bind(s, filter);
    bool r = true;
    assert_int_equal(floe_expr_metrics_must_match(&r, e, s, rows, m, n), 0);
    floe_expr_free(e);
    return r;
}

static void test_inclusive_metrics(void **state)
{
    (void)state;
    floe_schema *s = schema();
    bytes lo = le32(10), hi = le32(20);
    floe_expr_column_metrics m[4] = {
        {1, 100, 0, -1, lo.b, 4, hi.b, 4},
        /* region: truncated bounds "ab" .. "ad" with some nulls */
        {2, 100, 5, -1, (const uint8_t *)"ab", 2, (const uint8_t *)"ad", 2},
        /* f: NaNs only */
        {3, 100, 0, 100, NULL, 0, NULL, 0},
        /* loc.lat: nulls only */
        {5, 100, 100, 0, NULL, 0, NULL, 0},
    };
    assert_true(might(s, "id = 15", m, 4, 100));
    assert_false(might(s, "id = 21", m, 4, 100));
    assert_false(might(s, "id < 10", m, 4, 100));
    assert_true(might(s, "id <= 10", m, 4, 100));
    assert_false(might(s, "id > 20", m, 4, 100));
    assert_true(might(s, "id >= 20", m, 4, 100));
    assert_true(might(s, "id != 15", m, 4, 100));
    assert_false(might(s, "id in (1, 2, 30)", m, 4, 100));
    assert_true(might(s, "id in (1, 12)", m, 4, 100));
    assert_true(might(s, "id not in (10)", m, 4, 100));
    /* region: prefix matching on truncated bounds */
    assert_true(might(s, "region = 'abzzz'", m, 4, 100));
    assert_false(might(s, "region = 'ae'", m, 4, 100));
    assert_false(might(s, "region = 'aa'", m, 4, 100));
    assert_true(might(s, "region like 'ac%'", m, 4, 100));
    assert_false(might(s, "region like 'b%'", m, 4, 100));
    assert_false(might(s, "region like 'aa%'", m, 4, 100));
    assert_true(might(s, "region is null", m, 4, 100));
    /* every non-null value starts with 'a' (both bounds do) and nulls never match */
    assert_false(might(s, "region not like 'a%'", m, 4, 100));
    assert_true(might(s, "region not like 'ab%'", m, 4, 100));
    /* NaN-only column */
    assert_true(might(s, "f is nan", m, 4, 100));
    assert_false(might(s, "f is not nan", m, 4, 100));
    assert_false(might(s, "f > 0", m, 4, 100));
    /* null-only column */
    assert_true(might(s, "loc.lat is null", m, 4, 100));
    assert_false(might(s, "loc.lat is not null", m, 4, 100));
    assert_false(might(s, "loc.lat = 1", m, 4, 100));
    /* missing metrics: might match */
    assert_true(might(s, "amount = 1.00", m, 4, 100));
    assert_true(might(s, "ts is null", m, 4, 100));
    /* empty file */
    assert_false(might(s, "true", m, 4, 0));
    /* and/or/not */
    assert_false(might(s, "id = 15 and id = 30", m, 4, 100));
    assert_true(might(s, "id = 15 or id = 30", m, 4, 100));
    assert_false(might(s, "not (id >= 10)", m, 4, 100));
    floe_schema_free(s);
}

static void test_inclusive_metrics_null_counts(void **state)
{
    (void)state;
    floe_schema *s = schema();
    floe_expr_column_metrics none[1] = {
        {2, 50, 0, -1, (const uint8_t *)"a", 1, (const uint8_t *)"z", 1}};
    assert_false(might(s, "region is null", none, 1, 50));
    assert_true(might(s, "region is not null", none, 1, 50));
    floe_expr_column_metrics unknown[1] = {{2, -1, -1, -1, NULL, 0, NULL, 0}};
    assert_true(might(s, "region is null", unknown, 1, 50));
    assert_true(might(s, "region = 'x'", unknown, 1, 50));
    bytes nan = f64(NAN), one = f64(1.0);
    /* a NaN lower bound is ignored (it cannot order values) */
    floe_expr_column_metrics nanb[1] = {{3, 10, 0, 1, nan.b, 8, one.b, 8}};
    assert_true(might(s, "f < -5", nanb, 1, 10));
    assert_false(might(s, "f > 2", nanb, 1, 10));
    floe_schema_free(s);
}

static void test_strict_metrics(void **state)
{
    (void)state;
    floe_schema *s = schema();
    bytes lo = le32(10), hi = le32(20);
    floe_expr_column_metrics m[3] = {
        {1, 100, 0, -1, lo.b, 4, hi.b, 4},
        {2, 100, 0, -1, (const uint8_t *)"abc", 3, (const uint8_t *)"abd", 3},
        {5, 100, 100, 0, NULL, 0, NULL, 0},
    };
    assert_true(must(s, "id >= 10", m, 3, 100));
    assert_false(must(s, "id > 10", m, 3, 100));
    assert_true(must(s, "id < 21", m, 3, 100));
    assert_false(must(s, "id < 20", m, 3, 100));
    assert_true(must(s, "id <= 20", m, 3, 100));
    assert_true(must(s, "id != 5", m, 3, 100));
    assert_false(must(s, "id != 15", m, 3, 100));
    assert_true(must(s, "id not in (1, 21)", m, 3, 100));
    assert_false(must(s, "id not in (1, 15)", m, 3, 100));
    assert_false(must(s, "id = 10", m, 3, 100));
    assert_true(must(s, "region like 'ab%'", m, 3, 100));
    assert_false(must(s, "region like 'abc%'", m, 3, 100));
    assert_true(must(s, "region not like 'b%'", m, 3, 100));
    assert_true(must(s, "region is not null", m, 3, 100));
    assert_true(must(s, "loc.lat is null", m, 3, 100));
    assert_false(must(s, "loc.lat > 0", m, 3, 100));
    assert_true(must(s, "id >= 10 and region is not null", m, 3, 100));
    assert_true(must(s, "id > 100 or region is not null", m, 3, 100));
    /* missing column metrics: cannot prove */
    assert_false(must(s, "amount > 0", m, 3, 100));
    /* an empty file matches everything */
    assert_true(must(s, "id = 99", m, 3, 0));
    /* nulls break comparisons */
    floe_expr_column_metrics withnull[1] = {{1, 100, 1, -1, lo.b, 4, hi.b, 4}};
    assert_false(must(s, "id >= 10", withnull, 1, 100));
    floe_schema_free(s);
}

static void test_manifest_partition_summaries(void **state)
{
    (void)state;
    /* partition type: {1000: region_trunc string, 1001: id_bucket int, 1002: f double} */
    const char *pj = "{\"type\":\"struct\",\"fields\":["
                     "{\"id\":1000,\"name\":\"r\",\"required\":false,\"type\":\"string\"},"
                     "{\"id\":1001,\"name\":\"b\",\"required\":false,\"type\":\"int\"},"
                     "{\"id\":1002,\"name\":\"f\",\"required\":false,\"type\":\"double\"}]}";
    floe_type *pt;
    assert_int_equal(floe_type_from_json(&pt, pj, strlen(pj)), 0);
    bytes b3 = le32(3), b5 = le32(5), one = f64(1.0), two = f64(2.0);
    floe_partition_summary sums[3] = {
        {false, -1, (const uint8_t *)"eu", 2, (const uint8_t *)"us", 2},
        {true, -1, b3.b, 4, b5.b, 4},
        {false, 0, one.b, 8, two.b, 8},
    };
    const char *cases[][2] = {
        {"r = 'fr'", "1"},          {"r = 'zz'", "0"},     {"r is null", "0"},
        {"r is not null", "1"},     {"b = 4", "1"},        {"b = 6", "0"},
        {"b is null", "1"},         {"b in (1, 2)", "0"},  {"b in (1, 5)", "1"},
        {"f is nan", "0"},          {"f > 2", "0"},        {"f >= 2", "1"},
        {"r like 'e%'", "1"},       {"r like 'v%'", "0"},  {"b = 4 and f > 5", "0"},
        {"b = 9 or r = 'fr'", "1"}, {"not (b >= 3)", "0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        floe_expr *u, *e;
        assert_int_equal(floe_expr_parse(&u, cases[i][0]), 0);
        assert_int_equal(floe_expr_bind_struct(&e, u, pt, true), 0);
        bool r;
        assert_int_equal(floe_expr_manifest_might_match(&r, e, pt, sums, 3), 0);
        if (r != (cases[i][1][0] == '1'))
            fail_msg("manifest %s: got %d", cases[i][0], r);
        floe_expr_free(e);
        floe_expr_free(u);
    }
    /* all-null partition values: only is null can match */
    floe_partition_summary nulls[3] = {
        {true, -1, NULL, 0, NULL, 0}, {true, -1, NULL, 0, NULL, 0}, {true, 1, NULL, 0, NULL, 0}};
    const char *ncases[][2] = {{"r is null", "1"}, {"r is not null", "0"}, {"r = 'a'", "0"},
                               {"b != 1", "0"},    {"f is nan", "1"},      {"f is not nan", "1"}};
    for (size_t i = 0; i < sizeof ncases / sizeof ncases[0]; i++) {
        floe_expr *u, *e;
        assert_int_equal(floe_expr_parse(&u, ncases[i][0]), 0);
        assert_int_equal(floe_expr_bind_struct(&e, u, pt, true), 0);
        bool r;
        assert_int_equal(floe_expr_manifest_might_match(&r, e, pt, nulls, 3), 0);
        if (r != (ncases[i][1][0] == '1'))
            fail_msg("manifest (nulls) %s: got %d", ncases[i][0], r);
        floe_expr_free(e);
        floe_expr_free(u);
    }
    floe_type_free(pt);
}

static void test_eval_row_of_literals(void **state)
{
    (void)state;
    const char *pj = "{\"type\":\"struct\",\"fields\":["
                     "{\"id\":1000,\"name\":\"d\",\"required\":false,\"type\":\"date\"},"
                     "{\"id\":1001,\"name\":\"b\",\"required\":false,\"type\":\"int\"}]}";
    floe_type *pt;
    assert_int_equal(floe_type_from_json(&pt, pj, strlen(pj)), 0);
    floe_literal row[2] = {floe_literal_date(19723), floe_literal_null(FLOE_TYPE_INT)};
    const char *cases[][2] = {
        {"d = '2024-01-01'", "1"}, {"d > '2024-01-01'", "0"}, {"b = 1", "0"},
        {"b is null", "1"},        {"not (b = 1)", "0"},      {"b = 1 or d < '2025-01-01'", "1"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        floe_expr *u, *e;
        assert_int_equal(floe_expr_parse(&u, cases[i][0]), 0);
        assert_int_equal(floe_expr_bind_struct(&e, u, pt, true), 0);
        bool r;
        assert_int_equal(floe_expr_eval_row(&r, e, pt, row), 0);
        if (r != (cases[i][1][0] == '1'))
            fail_msg("row %s: got %d", cases[i][0], r);
        floe_expr_free(e);
        floe_expr_free(u);
    }
    /* unbound expressions are refused */
    floe_expr *u;
    assert_int_equal(floe_expr_parse(&u, "b = 1"), 0);
    bool r;
    assert_int_equal(floe_expr_eval_row(&r, u, pt, row), FLOE_EINVALID);
    floe_expr_free(u);
    floe_type_free(pt);
}

static void test_metrics_survive_allocation_failures(void **state)
{
    (void)state;
    floe_schema *s = schema();
    floe_expr *e = bind(s, "not (region like 'ab%' and id > 3) or region in ('x', 'y')");
    floe_expr_column_metrics m[1] = {
        {2, 100, 0, -1, (const uint8_t *)"ab", 2, (const uint8_t *)"ad", 2}};
    bool done = false;
    for (long n = 1; n < 1000 && !done; n++) {
        bool a = false, b = false;
        floe_alloc_fail_after(n);
        int rc = floe_expr_metrics_might_match(&a, e, s, 100, m, 1);
        if (!rc)
            rc = floe_expr_metrics_must_match(&b, e, s, 100, m, 1);
        floe_alloc_fail_after(0);
        if (rc && rc != FLOE_ENOMEM)
            fail_msg("allocation failure %ld gave %d: %s", n, rc, floe_error_last());
        if (!rc) {
            done = true;
            assert_true(a);
            assert_false(b);
        }
    }
    assert_true(done);
    floe_expr_free(e);
    floe_schema_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arrow_batch_selection_with_nulls),
        cmocka_unit_test(test_arrow_batch_matches_columns_by_name_without_ids),
        cmocka_unit_test(test_inclusive_metrics),
        cmocka_unit_test(test_inclusive_metrics_null_counts),
        cmocka_unit_test(test_strict_metrics),
        cmocka_unit_test(test_manifest_partition_summaries),
        cmocka_unit_test(test_eval_row_of_literals),
        cmocka_unit_test(test_metrics_survive_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
