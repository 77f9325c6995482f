#include "test_support.h"

#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/sort_order.h>

static void test_sort_order_json_round_trip(void **state)
{
    (void)state;
    const char *json = "{\"order-id\":1,\"fields\":[{\"transform\":\"identity\",\"source-id\":2,"
                       "\"direction\":\"asc\",\"null-order\":\"nulls-first\"},{\"transform\":"
                       "\"bucket[4]\",\"source-id\":3,\"direction\":\"desc\",\"null-order\":"
                       "\"nulls-last\"}]}";
    floe_sort_order *o;
    assert_int_equal(floe_sort_order_from_json(&o, json, strlen(json)), 0);
    assert_int_equal(floe_sort_order_id(o), 1);
    assert_int_equal(floe_sort_order_field_count(o), 2);
    const floe_sort_field *f = floe_sort_order_field_at(o, 1);
    assert_int_equal(floe_sort_field_source_id(f), 3);
    assert_int_equal(floe_sort_field_direction(f), FLOE_SORT_DESC);
    assert_int_equal(floe_sort_field_null_order(f), FLOE_NULLS_LAST);
    assert_int_equal(floe_sort_field_transform(f).kind, FLOE_TRANSFORM_BUCKET);
    assert_string_equal(floe_sort_field_transform_string(f), "bucket[4]");
    char *out;
    assert_int_equal(floe_sort_order_to_json(&out, o, false), 0);
    assert_string_equal(out, json);
    floe_iceberg_free_string(out);
    floe_sort_order_free(o);
}

static void test_unsorted_order(void **state)
{
    (void)state;
    floe_sort_order *o;
    assert_int_equal(floe_sort_order_unsorted(&o), 0);
    assert_true(floe_sort_order_is_unsorted(o));
    char *out;
    assert_int_equal(floe_sort_order_to_json(&out, o, false), 0);
    assert_string_equal(out, "{\"order-id\":0,\"fields\":[]}");
    floe_iceberg_free_string(out);
    assert_int_equal(floe_sort_order_add_field(o, 1, "identity", FLOE_SORT_ASC, FLOE_NULLS_FIRST),
                     FLOE_EINVALID);
    floe_sort_order_free(o);
    const char *bad = "{\"order-id\":0,\"fields\":[{\"transform\":\"identity\",\"source-id\":2,"
                      "\"direction\":\"asc\",\"null-order\":\"nulls-first\"}]}";
    assert_int_equal(floe_sort_order_from_json(&o, bad, strlen(bad)), FLOE_ECORRUPT);
}

static void test_sort_order_json_errors_name_path(void **state)
{
    (void)state;
    floe_sort_order *o = NULL;
    const char *dir = "{\"order-id\":1,\"fields\":[{\"transform\":\"identity\",\"source-id\":2,"
                      "\"direction\":\"up\",\"null-order\":\"nulls-first\"}]}";
    assert_int_equal(floe_sort_order_from_json(&o, dir, strlen(dir)), FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "$.fields[0].direction"));
    const char *no = "{\"order-id\":1,\"fields\":[{\"transform\":\"identity\",\"source-id\":2,"
                     "\"direction\":\"asc\"}]}";
    assert_int_equal(floe_sort_order_from_json(&o, no, strlen(no)), FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "null-order"));
    const char *oid = "{\"fields\":[]}";
    assert_int_equal(floe_sort_order_from_json(&o, oid, strlen(oid)), FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "order-id"));
    assert_null(o);
}

static void test_sort_order_check_and_copies(void **state)
{
    (void)state;
    const char *sj = "{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
                     "{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"},"
                     "{\"id\":2,\"name\":\"d\",\"required\":false,\"type\":\"date\"}]}";
    floe_schema *s;
    assert_int_equal(floe_schema_from_json(&s, sj, strlen(sj)), 0);
    floe_sort_order *o;
    floe_sort_order_new(&o, 1);
    assert_int_equal(floe_sort_order_add_field(o, 2, "day", FLOE_SORT_DESC, FLOE_NULLS_LAST), 0);
    assert_int_equal(floe_sort_order_check(o, s), 0);
    floe_sort_order *c;
    assert_int_equal(floe_sort_order_with_id(&c, o, 5), 0);
    assert_true(floe_sort_order_same_fields(o, c));
    assert_int_equal(floe_sort_order_id(c), 5);
    floe_sort_order_free(c);
    assert_int_equal(floe_sort_order_add_field(o, 2, "hour", FLOE_SORT_ASC, FLOE_NULLS_FIRST), 0);
    assert_int_equal(floe_sort_order_check(o, s), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "hour"));
    floe_sort_order_free(o);
    floe_sort_order_new(&o, 1);
    floe_sort_order_add_field(o, 9, "identity", FLOE_SORT_ASC, FLOE_NULLS_FIRST);
    assert_int_equal(floe_sort_order_check(o, s), FLOE_EINVALID);
    floe_sort_order_free(o);
    floe_schema_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sort_order_json_round_trip),
        cmocka_unit_test(test_unsorted_order),
        cmocka_unit_test(test_sort_order_json_errors_name_path),
        cmocka_unit_test(test_sort_order_check_and_copies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
