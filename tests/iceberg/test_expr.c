#include "test_support.h"

#include <math.h>
#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/expr.h>

static const char *schema_json =
    "{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
    "{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"int\"},"
    "{\"id\":2,\"name\":\"ts\",\"required\":false,\"type\":\"timestamptz\"},"
    "{\"id\":3,\"name\":\"Region\",\"required\":false,\"type\":\"string\"},"
    "{\"id\":4,\"name\":\"amount\",\"required\":false,\"type\":\"decimal(9,2)\"},"
    "{\"id\":5,\"name\":\"f\",\"required\":false,\"type\":\"double\"},"
    "{\"id\":6,\"name\":\"loc\",\"required\":true,\"type\":{\"type\":\"struct\",\"fields\":["
    "{\"id\":7,\"name\":\"lat\",\"required\":true,\"type\":\"double\"}]}},"
    "{\"id\":8,\"name\":\"tags\",\"required\":false,\"type\":{\"type\":\"list\","
    "\"element-id\":9,\"element\":\"string\",\"element-required\":true}},"
    "{\"id\":10,\"name\":\"d\",\"required\":false,\"type\":\"date\"}]}";

static floe_schema *schema(void)
{
    floe_schema *s = NULL;
    assert_int_equal(floe_schema_from_json(&s, schema_json, strlen(schema_json)), 0);
    return s;
}

static floe_expr *bind_text(const floe_schema *s, const char *text, bool cs)
{
    floe_expr *u = NULL, *b = NULL;
    if (floe_expr_parse(&u, text) != 0)
        fail_msg("parse %s: %s", text, floe_error_last());
    int rc = floe_expr_bind(&b, u, s, cs);
    floe_expr_free(u);
    if (rc)
        fail_msg("bind %s: %s", text, floe_error_last());
    return b;
}

static void expect_bound(const floe_schema *s, const char *text, const char *printed)
{
    floe_expr *b = bind_text(s, text, false);
    char *out;
    assert_int_equal(floe_expr_to_string(&out, b), 0);
    if (strcmp(out, printed) != 0)
        fail_msg("bind(%s) printed %s, want %s", text, out, printed);
    floe_iceberg_free_string(out);
    floe_expr_free(b);
}

static void expect_bind_error(const floe_schema *s, const char *text, const char *want)
{
    floe_expr *u = NULL, *b = NULL;
    assert_int_equal(floe_expr_parse(&u, text), 0);
    assert_int_equal(floe_expr_bind(&b, u, s, true), FLOE_EINVALID);
    assert_null(b);
    if (!strstr(floe_error_last(), want))
        fail_msg("bind(%s) error '%s' lacks '%s'", text, floe_error_last(), want);
    floe_expr_free(u);
}

static void test_bind_converts_literals_to_column_types(void **state)
{
    (void)state;
    floe_schema *s = schema();
    floe_expr *b = bind_text(s, "ts >= '2024-01-01'", true);
    assert_true(floe_expr_is_bound(b));
    assert_int_equal(floe_expr_field_id(b), 2);
    const floe_literal *l = floe_expr_literal_at(b, 0);
    assert_int_equal(l->kind, FLOE_TYPE_TIMESTAMPTZ);
    assert_int_equal(l->v.i64, 19723LL * 86400000000LL);
    floe_expr_free(b);
    b = bind_text(s, "amount = 14.2", true);
    l = floe_expr_literal_at(b, 0);
    assert_int_equal(l->kind, FLOE_TYPE_DECIMAL);
    assert_int_equal(l->v.dec.lo, 1420);
    assert_int_equal(l->scale, 2);
    floe_expr_free(b);
    b = bind_text(s, "id = 3", true);
    assert_int_equal(floe_expr_literal_at(b, 0)->kind, FLOE_TYPE_INT);
    floe_expr_free(b);
    b = bind_text(s, "f < 1", true);
    assert_int_equal(floe_expr_literal_at(b, 0)->kind, FLOE_TYPE_DOUBLE);
    floe_expr_free(b);
    b = bind_text(s, "d = '2024-01-01'", true);
    assert_int_equal(floe_expr_literal_at(b, 0)->v.i32, 19723);
    floe_expr_free(b);
    floe_schema_free(s);
}

static void test_bind_resolves_names_and_case(void **state)
{
    (void)state;
    floe_schema *s = schema();
    floe_expr *b = bind_text(s, "region = 'eu'", false);
    assert_int_equal(floe_expr_field_id(b), 3);
    assert_string_equal(floe_expr_column(b), "Region");
    floe_expr_free(b);
    expect_bind_error(s, "region = 'eu'", "cannot find column 'region'");
    b = bind_text(s, "loc.lat > 1", true);
    assert_int_equal(floe_expr_field_id(b), 7);
    floe_expr_free(b);
    expect_bind_error(s, "tags.element = 'x'", "inside a list or map");
    expect_bind_error(s, "loc = 1", "cannot filter on column 'loc'");
    floe_schema_free(s);
}

static void test_bind_checks_types(void **state)
{
    (void)state;
    floe_schema *s = schema();
    expect_bind_error(s, "id = 'abc'", "cannot convert string value 'abc' to int");
    expect_bind_error(s, "id = 'abc'", "'id ='");
    expect_bind_error(s, "id is nan", "needs a float or double column, but 'id' is int");
    expect_bind_error(s, "starts_with(id, 'x')", "starts_with needs a string column");
    expect_bind_error(s, "ts > 'yesterday'", "to timestamptz");
    expect_bind_error(s, "amount < 1.234", "cannot be represented exactly");
    floe_schema_free(s);
}

static void test_bind_folds_constant_predicates(void **state)
{
    (void)state;
    floe_schema *s = schema();
    expect_bound(s, "id < 3000000000", "true");
    expect_bound(s, "id > 3000000000", "false");
    expect_bound(s, "id = 3000000000", "false");
    expect_bound(s, "id != 3000000000", "true");
    expect_bound(s, "id >= -3000000000", "true");
    expect_bound(s, "id is null", "false");
    expect_bound(s, "id is not null", "true");
    expect_bound(s, "loc.lat is null", "false");
    expect_bound(s, "Region is null", "Region is null");
    expect_bound(s, "id in (1, 3000000000)", "id = 1");
    expect_bound(s, "id in (3000000000)", "false");
    expect_bound(s, "id not in (3000000000)", "true");
    expect_bound(s, "amount = 1.234", "false");
    expect_bound(s, "id = 1 and id > 3000000000", "false");
    expect_bound(s, "id = 1 or id < 3000000000", "true");
    floe_schema_free(s);
}

static void test_rewrite_not_and_negate(void **state)
{
    (void)state;
    floe_expr *e, *r;
    assert_int_equal(floe_expr_parse(&e, "not (a < 1 and (b is null or not c in (1, 2)))"), 0);
    assert_int_equal(floe_expr_rewrite_not(&r, e), 0);
    char *out;
    assert_int_equal(floe_expr_to_string(&out, r), 0);
    assert_string_equal(out, "a >= 1 or b is not null and c in (1, 2)");
    floe_iceberg_free_string(out);
    floe_expr_free(r);
    floe_expr_free(e);
    const char *pairs[][2] = {{"a = 1", "a != 1"},
                              {"a <= 1", "a > 1"},
                              {"a > 1", "a <= 1"},
                              {"f is nan", "f is not nan"},
                              {"starts_with(s, 'x')", "not starts_with(s, 'x')"},
                              {"a not in (1)", "a in (1)"},
                              {"true", "false"}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        assert_int_equal(floe_expr_parse(&e, pairs[i][0]), 0);
        assert_int_equal(floe_expr_negate(&r, e), 0);
        assert_int_equal(floe_expr_to_string(&out, r), 0);
        assert_string_equal(out, pairs[i][1]);
        floe_iceberg_free_string(out);
        floe_expr_free(r);
        floe_expr_free(e);
    }
}

static void test_constructors_simplify_and_own_children(void **state)
{
    (void)state;
    floe_literal one = floe_literal_int(1);
    floe_expr *p, *e;
    assert_int_equal(floe_expr_predicate(&p, FLOE_EXPR_EQ, "a", &one, 1), 0);
    assert_int_equal(floe_expr_and(&e, floe_expr_ref(p), floe_expr_true()), 0);
    assert_ptr_equal(e, p);
    floe_expr_free(e);
    assert_int_equal(floe_expr_and(&e, floe_expr_ref(p), floe_expr_false()), 0);
    assert_int_equal(floe_expr_get_op(e), FLOE_EXPR_FALSE);
    assert_int_equal(floe_expr_or(&e, floe_expr_ref(p), floe_expr_true()), 0);
    assert_int_equal(floe_expr_get_op(e), FLOE_EXPR_TRUE);
    assert_int_equal(floe_expr_not(&e, floe_expr_false()), 0);
    assert_int_equal(floe_expr_get_op(e), FLOE_EXPR_TRUE);
    floe_expr *n;
    assert_int_equal(floe_expr_not(&n, floe_expr_ref(p)), 0);
    assert_int_equal(floe_expr_get_op(n), FLOE_EXPR_NOT);
    assert_int_equal(floe_expr_not(&e, n), 0);
    assert_ptr_equal(e, p);
    floe_expr_free(e);
    /* arity and null checks */
    assert_int_equal(floe_expr_predicate(&e, FLOE_EXPR_LT, "a", NULL, 0), FLOE_EINVALID);
    floe_literal nl = floe_literal_null(FLOE_TYPE_INT);
    assert_int_equal(floe_expr_predicate(&e, FLOE_EXPR_EQ, "a", &nl, 1), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "is null"));
    assert_int_equal(floe_expr_predicate(&e, FLOE_EXPR_IS_NULL, "a", &one, 1), FLOE_EINVALID);
    floe_expr_free(p);
}

static void test_nan_comparisons_rewrite_to_is_nan(void **state)
{
    (void)state;
    floe_schema *s = schema();
    floe_literal nan = floe_literal_double(NAN);
    floe_expr *u, *b;
    assert_int_equal(floe_expr_predicate(&u, FLOE_EXPR_EQ, "f", &nan, 1), 0);
    assert_int_equal(floe_expr_bind(&b, u, s, true), 0);
    assert_int_equal(floe_expr_get_op(b), FLOE_EXPR_IS_NAN);
    floe_expr_free(b);
    floe_expr_free(u);
    assert_int_equal(floe_expr_predicate(&u, FLOE_EXPR_LT, "f", &nan, 1), 0);
    assert_int_equal(floe_expr_bind(&b, u, s, true), FLOE_EINVALID);
    floe_expr_free(u);
    floe_schema_free(s);
}

static void test_field_ids_of_a_bound_filter(void **state)
{
    (void)state;
    floe_schema *s = schema();
    floe_expr *b =
        bind_text(s, "loc.lat > 1 and (id = 2 or not (loc.lat < 0)) or Region is null", true);
    int32_t *ids;
    size_t n;
    assert_int_equal(floe_expr_field_ids(&ids, &n, b), 0);
    assert_int_equal(n, 3);
    assert_int_equal(ids[0], 7);
    assert_int_equal(ids[1], 1);
    assert_int_equal(ids[2], 3);
    floe_iceberg_free_bytes(ids);
    floe_expr_free(b);
    floe_expr *u;
    assert_int_equal(floe_expr_parse(&u, "a = 1"), 0);
    assert_int_equal(floe_expr_field_ids(&ids, &n, u), FLOE_EINVALID);
    assert_null(ids);
    floe_expr_free(u);
    assert_int_equal(floe_expr_field_ids(&ids, &n, floe_expr_true()), 0);
    assert_int_equal(n, 0);
    floe_schema_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bind_converts_literals_to_column_types),
        cmocka_unit_test(test_bind_resolves_names_and_case),
        cmocka_unit_test(test_bind_checks_types),
        cmocka_unit_test(test_bind_folds_constant_predicates),
        cmocka_unit_test(test_rewrite_not_and_negate),
        cmocka_unit_test(test_constructors_simplify_and_own_children),
        cmocka_unit_test(test_nan_comparisons_rewrite_to_is_nan),
        cmocka_unit_test(test_field_ids_of_a_bound_filter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
