#include "test_support.h"

#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/expr.h>

#include "base/alloc.h"

static const char *schema_json =
    "{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
    "{\"id\":1,\"name\":\"id\",\"required\":false,\"type\":\"long\"},"
    "{\"id\":2,\"name\":\"ts\",\"required\":false,\"type\":\"timestamp\"},"
    "{\"id\":3,\"name\":\"d\",\"required\":false,\"type\":\"date\"},"
    "{\"id\":4,\"name\":\"s\",\"required\":false,\"type\":\"string\"},"
    "{\"id\":5,\"name\":\"dec\",\"required\":false,\"type\":\"decimal(9,2)\"}]}";

static floe_schema *schema(void)
{
    floe_schema *s = NULL;
    assert_int_equal(floe_schema_from_json(&s, schema_json, strlen(schema_json)), 0);
    return s;
}

static const char *source_name(int32_t id)
{
    static const char *names[] = {"", "id", "ts", "d", "s", "dec"};
    return names[id];
}

/* Projects `filter` through a one-field spec `p` = transform(source) and checks both forms. */
static void proj(const char *transform, int32_t source, const char *filter, const char *incl,
                 const char *strict)
{
    floe_schema *s = schema();
    floe_partition_spec *spec;
    assert_int_equal(floe_partition_spec_new(&spec, 1), 0);
    assert_int_equal(floe_partition_spec_add_field(spec, source, -1, "p", transform), 0);
    floe_expr *u, *b;
    assert_int_equal(floe_expr_parse(&u, filter), 0);
    if (floe_expr_bind(&b, u, s, true))
        fail_msg("bind %s: %s", filter, floe_error_last());
    const char *want[2] = {incl, strict};
    for (int k = 0; k < 2; k++) {
        floe_expr *pe = NULL;
        int rc = k ? floe_expr_project_strict(&pe, b, spec, s, true)
                   : floe_expr_project_inclusive(&pe, b, spec, s, true);
        if (rc)
            fail_msg("%s(%s) %s: %s", transform, source_name(source), filter, floe_error_last());
        char *text;
        assert_int_equal(floe_expr_to_string(&text, pe), 0);
        if (strcmp(text, want[k]) != 0)
            fail_msg("%s projection of '%s' through %s: got '%s', want '%s'",
                     k ? "strict" : "inclusive", filter, transform, text, want[k]);
        floe_iceberg_free_string(text);
        floe_expr_free(pe);
    }
    floe_expr_free(b);
    floe_expr_free(u);
    floe_partition_spec_free(spec);
    floe_schema_free(s);
}

static void test_identity_projection(void **state)
{
    (void)state;
    proj("identity", 1, "id < 5", "p < 5", "p < 5");
    proj("identity", 1, "id != 5", "p != 5", "p != 5");
    proj("identity", 1, "id not in (1, 2)", "p not in (1, 2)", "p not in (1, 2)");
    proj("identity", 1, "id is null", "p is null", "p is null");
    proj("identity", 4, "starts_with(s, 'ab')", "starts_with(p, 'ab')", "starts_with(p, 'ab')");
}

static void test_bucket_projection(void **state)
{
    (void)state;
    /* bucket[16](34) = 2017239379 % 16 = 3 */
    proj("bucket[16]", 1, "id = 34", "p = 3", "false");
    proj("bucket[16]", 1, "id != 34", "true", "p != 3");
    proj("bucket[16]", 1, "id in (34)", "p = 3", "false");
    proj("bucket[16]", 1, "id < 5", "true", "false");
    proj("bucket[16]", 1, "id >= 5", "true", "false");
    proj("bucket[16]", 1, "id is null", "p is null", "p is null");
    proj("bucket[16]", 1, "id is not null", "p is not null", "p is not null");
    proj("bucket[16]", 4, "s like 'ab%'", "true", "false");
}

static void test_truncate_number_projection(void **state)
{
    (void)state;
    proj("truncate[10]", 1, "id < 5", "p <= 0", "p < 0");
    proj("truncate[10]", 1, "id <= 5", "p <= 0", "p < 0");
    proj("truncate[10]", 1, "id <= 9", "p <= 0", "p < 10");
    proj("truncate[10]", 1, "id > 5", "p >= 0", "p > 0");
    proj("truncate[10]", 1, "id >= 5", "p >= 0", "p > 0");
    proj("truncate[10]", 1, "id >= 10", "p >= 10", "p > 0");
    proj("truncate[10]", 1, "id > -1", "p >= 0", "p > -10");
    proj("truncate[10]", 1, "id = 15", "p = 10", "false");
    proj("truncate[10]", 1, "id != 15", "true", "p != 10");
    proj("truncate[10]", 1, "id in (15, -3)", "p in (10, -10)", "false");
    proj("truncate[10]", 1, "id not in (15)", "true", "p != 10");
    proj("truncate[50]", 5, "dec < 10.65", "p <= 10.50", "p < 10.50");
    proj("truncate[50]", 5, "dec >= 10.65", "p >= 10.50", "p > 10.50");
}

static void test_truncate_string_projection(void **state)
{
    (void)state;
    proj("truncate[3]", 4, "s = 'abcdef'", "p = 'abc'", "false");
    proj("truncate[3]", 4, "s != 'abcdef'", "true", "p != 'abc'");
    proj("truncate[3]", 4, "s < 'abcd'", "p <= 'abc'", "p < 'abc'");
    proj("truncate[3]", 4, "s <= 'abcd'", "p <= 'abc'", "p < 'abc'");
    proj("truncate[3]", 4, "s > 'abcd'", "p >= 'abc'", "p > 'abc'");
    proj("truncate[3]", 4, "s like 'ab%'", "starts_with(p, 'ab')", "starts_with(p, 'ab')");
    proj("truncate[3]", 4, "s like 'abc%'", "starts_with(p, 'abc')", "starts_with(p, 'abc')");
    proj("truncate[3]", 4, "s like 'abcd%'", "p = 'abc'", "false");
    proj("truncate[3]", 4, "s not like 'ab%'", "not starts_with(p, 'ab')",
         "not starts_with(p, 'ab')");
    proj("truncate[3]", 4, "s not like 'abc%'", "p != 'abc'", "not starts_with(p, 'abc')");
    proj("truncate[3]", 4, "s not like 'abcd%'", "true", "not starts_with(p, 'abc')");
    /* code points, not bytes: 'üüüü' truncates to 'üüü' */
    proj("truncate[3]", 4, "s = '\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc'",
         "p = '\xc3\xbc\xc3\xbc\xc3\xbc'", "false");
}

static void test_temporal_projection(void **state)
{
    (void)state;
    proj("day", 2, "ts >= '2024-01-01T10:00:00'", "p >= '2024-01-01'", "p > '2024-01-01'");
    proj("day", 2, "ts < '2024-01-01T00:00:00'", "p <= '2023-12-31'", "p < '2024-01-01'");
    proj("day", 2, "ts <= '2024-01-01T00:00:00'", "p <= '2024-01-01'", "p < '2024-01-01'");
    proj("day", 2, "ts > '2024-01-01T23:59:59.999999'", "p >= '2024-01-02'", "p > '2024-01-01'");
    proj("day", 2, "ts = '2024-01-01T10:00:00'", "p = '2024-01-01'", "false");
    proj("day", 2, "ts != '2024-01-01T10:00:00'", "true", "p != '2024-01-01'");
    proj("hour", 2, "ts >= '2024-01-01T10:30:00'", "p >= 473362", "p > 473362");
    proj("month", 3, "d < '2024-02-01'", "p <= 648", "p < 649");
    proj("month", 3, "d >= '2024-02-01'", "p >= 649", "p > 648");
    proj("year", 2, "ts >= '2024-01-01'", "p >= 54", "p > 53");
    proj("year", 3, "d in ('2024-05-01', '2023-01-01')", "p in (54, 53)", "false");
}

static void test_temporal_projection_before_epoch(void **state)
{
    (void)state;
    /* the reference implementation widens projections of negative values by one */
    proj("day", 2, "ts = '1969-12-31T12:00:00'", "p in ('1969-12-31', '1970-01-01')", "false");
    proj("day", 2, "ts < '1969-12-31T00:00:00'", "p <= '1969-12-31'", "p < '1969-12-31'");
    proj("day", 2, "ts > '1969-12-30T12:00:00'", "p >= '1969-12-30'", "p > '1969-12-31'");
    proj("day", 2, "ts != '1969-12-31T12:00:00'", "true", "p not in ('1969-12-31', '1970-01-01')");
    proj("month", 3, "d = '1969-12-15'", "p in (-1, 0)", "false");
    proj("year", 2, "ts >= '1969-06-01'", "p >= -1", "p > 0");
    proj("year", 2, "ts in ('1969-06-01', '1971-01-01')", "p in (-1, 0, 1)", "false");
}

static void test_void_and_combinations(void **state)
{
    (void)state;
    proj("void", 1, "id = 1", "true", "false");
    proj("void", 1, "id is null", "true", "false");
    proj("bucket[16]", 1, "id = 34 and s = 'x'", "p = 3", "false");
    proj("bucket[16]", 1, "id = 34 or s = 'x'", "true", "false");
    proj("bucket[16]", 1, "not (id = 34)", "true", "p != 3");
    proj("identity", 1, "not (id > 3 or id is null)", "p <= 3 and p is not null",
         "p <= 3 and p is not null");
}

static void test_several_fields_on_one_source(void **state)
{
    (void)state;
    floe_schema *s = schema();
    floe_partition_spec *spec;
    floe_partition_spec_new(&spec, 1);
    floe_partition_spec_add_field(spec, 1, -1, "b", "bucket[16]");
    floe_partition_spec_add_field(spec, 1, -1, "t", "truncate[10]");
    floe_expr *u, *b, *p;
    assert_int_equal(floe_expr_parse(&u, "id = 34"), 0);
    assert_int_equal(floe_expr_bind(&b, u, s, true), 0);
    assert_int_equal(floe_expr_project_inclusive(&p, b, spec, s, true), 0);
    char *text;
    floe_expr_to_string(&text, p);
    assert_string_equal(text, "b = 3 and t = 30");
    floe_iceberg_free_string(text);
    floe_expr_free(p);
    floe_expr_free(b);
    floe_expr_free(u);
    assert_int_equal(floe_expr_parse(&u, "id != 34"), 0);
    assert_int_equal(floe_expr_bind(&b, u, s, true), 0);
    assert_int_equal(floe_expr_project_strict(&p, b, spec, s, true), 0);
    floe_expr_to_string(&text, p);
    assert_string_equal(text, "b != 3 or t != 30");
    assert_true(floe_expr_is_bound(floe_expr_child(p, 0)));
    assert_int_equal(floe_expr_field_id(floe_expr_child(p, 1)), 1001);
    floe_iceberg_free_string(text);
    floe_expr_free(p);
    floe_expr_free(b);
    floe_expr_free(u);
    floe_partition_spec_free(spec);
    floe_schema_free(s);
}

/* Projection and residuals under every allocation failure: FLOE_ENOMEM, nothing leaked. */
static void test_projection_survives_allocation_failures(void **state)
{
    (void)state;
    floe_schema *s = schema();
    floe_partition_spec *spec;
    floe_partition_spec_new(&spec, 1);
    floe_partition_spec_add_field(spec, 1, -1, "b", "bucket[16]");
    floe_partition_spec_add_field(spec, 2, -1, "d", "day");
    floe_partition_spec_add_field(spec, 4, -1, "t", "truncate[2]");
    floe_expr *u, *b;
    assert_int_equal(floe_expr_parse(&u, "not (id = 34 and ts < '1969-12-31T00:00:00') or s in "
                                         "('abc', 'abd') or starts_with(s, 'abcd') or id not in "
                                         "(1, 2) or ts in ('1969-12-31T01:00:00')"),
                     0);
    assert_int_equal(floe_expr_bind(&b, u, s, true), 0);
    floe_literal vals[3] = {floe_literal_int(3), floe_literal_date(-1),
                            floe_literal_string("ab", 2)};
    bool done = false;
    for (long n = 1; n < 20000 && !done; n++) {
        floe_expr *i = NULL, *st = NULL, *r = NULL;
        floe_alloc_fail_after(n);
        int rc = floe_expr_project_inclusive(&i, b, spec, s, true);
        if (!rc)
            rc = floe_expr_project_strict(&st, b, spec, s, true);
        if (!rc)
            rc = floe_expr_residual(&r, b, spec, s, vals);
        floe_alloc_fail_after(0);
        if (rc && rc != FLOE_ENOMEM)
            fail_msg("allocation failure %ld gave %d: %s", n, rc, floe_error_last());
        done = rc == 0;
        floe_expr_free(i);
        floe_expr_free(st);
        floe_expr_free(r);
    }
    assert_true(done);
    floe_expr_free(b);
    floe_expr_free(u);
    floe_partition_spec_free(spec);
    floe_schema_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identity_projection),
        cmocka_unit_test(test_bucket_projection),
        cmocka_unit_test(test_truncate_number_projection),
        cmocka_unit_test(test_truncate_string_projection),
        cmocka_unit_test(test_temporal_projection),
        cmocka_unit_test(test_temporal_projection_before_epoch),
        cmocka_unit_test(test_void_and_combinations),
        cmocka_unit_test(test_several_fields_on_one_source),
        cmocka_unit_test(test_projection_survives_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
