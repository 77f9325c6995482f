#include "test_support.h"

#include <string.h>

#include <jansson.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/schema.h>
#include <floe/error.h>
#include <floe/iceberg/partition.h>
#include <floe/iceberg/sort_order.h>

#include "base/alloc.h"

static const char *schema_json =
    "{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
    "{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"},"
    "{\"id\":2,\"name\":\"ts\",\"required\":false,\"type\":\"timestamptz\"},"
    "{\"id\":3,\"name\":\"region\",\"required\":false,\"type\":\"string\"},"
    "{\"id\":4,\"name\":\"d\",\"required\":false,\"type\":\"date\"},"
    "{\"id\":5,\"name\":\"tags\",\"required\":false,\"type\":{\"type\":\"list\","
    "\"element-id\":6,\"element\":\"string\",\"element-required\":true}}]}";

static floe_schema *schema(void)
{
    floe_schema *s = NULL;
    assert_int_equal(floe_schema_from_json(&s, schema_json, strlen(schema_json)), 0);
    return s;
}

static floe_partition_spec *spec(void)
{
    floe_partition_spec *p;
    assert_int_equal(floe_partition_spec_new(&p, 1), 0);
    assert_int_equal(floe_partition_spec_add_field(p, 2, -1, "ts_day", "day"), 0);
    assert_int_equal(floe_partition_spec_add_field(p, 1, -1, "id_bucket", "bucket[16]"), 0);
    assert_int_equal(floe_partition_spec_add_field(p, 3, -1, "region", "identity"), 0);
    return p;
}

static void test_spec_json_round_trip(void **state)
{
    (void)state;
    floe_partition_spec *p = spec();
    assert_int_equal(floe_partition_spec_last_field_id(p), 1002);
    char *text;
    assert_int_equal(floe_partition_spec_to_json(&text, p, false), 0);
    assert_string_equal(text, "{\"spec-id\":1,\"fields\":["
                              "{\"source-id\":2,\"field-id\":1000,\"name\":\"ts_day\","
                              "\"transform\":\"day\"},"
                              "{\"source-id\":1,\"field-id\":1001,\"name\":\"id_bucket\","
                              "\"transform\":\"bucket[16]\"},"
                              "{\"source-id\":3,\"field-id\":1002,\"name\":\"region\","
                              "\"transform\":\"identity\"}]}");
    floe_partition_spec *q;
    assert_int_equal(floe_partition_spec_from_json(&q, text, strlen(text)), 0);
    assert_true(floe_partition_spec_same_fields(p, q));
    assert_int_equal(floe_partition_spec_id(q), 1);
    const floe_partition_field *f = floe_partition_spec_field_at(q, 1);
    assert_int_equal(floe_partition_field_transform(f).kind, FLOE_TRANSFORM_BUCKET);
    assert_int_equal(floe_partition_field_transform(f).param, 16);
    floe_iceberg_free_string(text);
    floe_partition_spec_free(q);
    floe_partition_spec_free(p);
}

static void test_spec_json_v1_list_and_unknown_transform(void **state)
{
    (void)state;
    const char *v1 = "[{\"source-id\":1,\"name\":\"a\",\"transform\":\"identity\"},"
                     "{\"source-id\":2,\"name\":\"b\",\"transform\":\"zorder[3]\"}]";
    floe_partition_spec *p;
    assert_int_equal(floe_partition_spec_from_json(&p, v1, strlen(v1)), 0);
    assert_int_equal(floe_partition_spec_id(p), 0);
    assert_int_equal(floe_partition_field_id(floe_partition_spec_field_at(p, 0)), 1000);
    assert_int_equal(floe_partition_field_id(floe_partition_spec_field_at(p, 1)), 1001);
    assert_int_equal(floe_partition_field_transform(floe_partition_spec_field_at(p, 1)).kind,
                     FLOE_TRANSFORM_UNKNOWN);
    char *text;
    assert_int_equal(floe_partition_spec_to_json(&text, p, false), 0);
    assert_non_null(strstr(text, "\"zorder[3]\""));
    floe_iceberg_free_string(text);
    floe_partition_spec_free(p);

    const char *bad = "{\"spec-id\":0,\"fields\":[{\"source-id\":1,\"field-id\":1000,"
                      "\"name\":\"a\",\"transform\":\"identity\"},{\"field-id\":1001,"
                      "\"name\":\"b\",\"transform\":\"day\"}]}";
    assert_int_equal(floe_partition_spec_from_json(&p, bad, strlen(bad)), FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "$.fields[1].source-id"));
    const char *dup = "{\"spec-id\":0,\"fields\":[{\"source-id\":1,\"field-id\":1000,"
                      "\"name\":\"a\",\"transform\":\"identity\"},{\"source-id\":2,"
                      "\"field-id\":1001,\"name\":\"a\",\"transform\":\"day\"}]}";
    assert_int_equal(floe_partition_spec_from_json(&p, dup, strlen(dup)), FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "used twice"));
}

static void test_spec_check_against_schema(void **state)
{
    (void)state;
    floe_schema *s = schema();
    floe_partition_spec *p = spec();
    assert_int_equal(floe_partition_spec_check(p, s), 0);
    floe_partition_spec_free(p);

    floe_partition_spec_new(&p, 2);
    floe_partition_spec_add_field(p, 4, -1, "d_hour", "hour");
    assert_int_equal(floe_partition_spec_check(p, s), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "hour"));
    floe_partition_spec_free(p);

    floe_partition_spec_new(&p, 2);
    floe_partition_spec_add_field(p, 99, -1, "x", "identity");
    assert_int_equal(floe_partition_spec_check(p, s), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "99"));
    floe_partition_spec_free(p);

    floe_partition_spec_new(&p, 2);
    floe_partition_spec_add_field(p, 5, -1, "tags_x", "identity");
    assert_int_equal(floe_partition_spec_check(p, s), FLOE_EINVALID);
    floe_partition_spec_free(p);

    /* partition field ids start at 1000 */
    floe_partition_spec_new(&p, 2);
    floe_partition_spec_add_field(p, 1, 5, "low", "identity");
    assert_int_equal(floe_partition_spec_check(p, s), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "start at 1000"));
    floe_partition_spec_free(p);

    /* redundant fields on one column */
    floe_partition_spec_new(&p, 2);
    floe_partition_spec_add_field(p, 2, -1, "ts_day", "day");
    floe_partition_spec_add_field(p, 2, -1, "ts_hour", "hour");
    assert_int_equal(floe_partition_spec_check(p, s), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "redundant"));
    floe_partition_spec_free(p);
    floe_partition_spec_new(&p, 2);
    floe_partition_spec_add_field(p, 1, -1, "b1", "bucket[4]");
    floe_partition_spec_add_field(p, 1, -1, "b2", "bucket[4]");
    assert_int_equal(floe_partition_spec_check(p, s), FLOE_EINVALID);
    floe_partition_spec_free(p);
    floe_partition_spec_new(&p, 2);
    floe_partition_spec_add_field(p, 1, -1, "b1", "bucket[4]");
    floe_partition_spec_add_field(p, 1, -1, "b2", "bucket[8]");
    floe_partition_spec_add_field(p, 1, -1, "t", "truncate[8]");
    assert_int_equal(floe_partition_spec_check(p, s), 0);
    floe_partition_spec_free(p);

    /* a bucket field may not take another column's name */
    floe_partition_spec_new(&p, 2);
    floe_partition_spec_add_field(p, 1, -1, "region", "bucket[4]");
    assert_int_equal(floe_partition_spec_check(p, s), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "conflicts"));
    floe_partition_spec_free(p);
    floe_schema_free(s);
}

static void test_partition_type_and_path(void **state)
{
    (void)state;
    floe_schema *s = schema();
    floe_partition_spec *p = spec();
    floe_type *pt;
    assert_int_equal(floe_partition_spec_partition_type(&pt, p, s), 0);
    assert_int_equal(floe_type_field_count(pt), 3);
    const floe_field *f0 = floe_type_field_at(pt, 0);
    assert_int_equal(floe_field_id(f0), 1000);
    assert_string_equal(floe_field_name(f0), "ts_day");
    assert_int_equal(floe_type_get_kind(floe_field_type(f0)), FLOE_TYPE_DATE);
    assert_false(floe_field_required(f0));
    assert_int_equal(floe_type_get_kind(floe_field_type(floe_type_field_at(pt, 1))), FLOE_TYPE_INT);
    assert_int_equal(floe_type_get_kind(floe_field_type(floe_type_field_at(pt, 2))),
                     FLOE_TYPE_STRING);
    floe_type_free(pt);

    /* source values: ts = 2024-01-01T10:00:00Z, id = 34, region = "eu west/1" */
    floe_literal src[3] = {floe_literal_timestamptz(19723LL * 86400000000LL + 36000000000LL),
                           floe_literal_long(34), floe_literal_string("eu west/1", 9)};
    floe_literal vals[3];
    assert_int_equal(floe_partition_spec_apply(vals, p, src), 0);
    assert_int_equal(vals[0].v.i32, 19723);
    assert_int_equal(vals[1].v.i32, 2017239379 % 16);
    char *path;
    assert_int_equal(floe_partition_spec_path(&path, p, vals), 0);
    assert_string_equal(path, "ts_day=2024-01-01/id_bucket=3/region=eu+west%2F1");
    floe_iceberg_free_string(path);
    char *json;
    assert_int_equal(floe_partition_spec_values_to_json(&json, p, vals), 0);
    assert_string_equal(json,
                        "{\"ts_day\":\"2024-01-01\",\"id_bucket\":3,\"region\":\"eu west/1\"}");
    floe_iceberg_free_string(json);
    for (int i = 0; i < 3; i++)
        floe_literal_clear(&vals[i]);

    /* nulls */
    floe_literal nsrc[3] = {floe_literal_null(FLOE_TYPE_TIMESTAMPTZ),
                            floe_literal_null(FLOE_TYPE_LONG), floe_literal_null(FLOE_TYPE_STRING)};
    assert_int_equal(floe_partition_spec_apply(vals, p, nsrc), 0);
    assert_int_equal(floe_partition_spec_path(&path, p, vals), 0);
    assert_string_equal(path, "ts_day=null/id_bucket=null/region=null");
    floe_iceberg_free_string(path);
    floe_partition_spec_free(p);
    floe_schema_free(s);
}

static void test_temporal_paths_and_escaping(void **state)
{
    (void)state;
    floe_partition_spec *p;
    floe_partition_spec_new(&p, 3);
    floe_partition_spec_add_field(p, 2, -1, "ts_month", "month");
    floe_partition_spec_add_field(p, 2, -1, "ts_year", "year");
    floe_partition_spec_add_field(p, 2, -1, "ts_hour", "hour");
    floe_partition_spec_add_field(p, 3, -1, "r\xc3\xa9g/ion", "truncate[2]");
    int64_t ts = 19723LL * 86400000000LL + 36000000000LL;
    floe_literal src[4] = {floe_literal_timestamptz(ts), floe_literal_timestamptz(ts),
                           floe_literal_timestamptz(ts), floe_literal_string("a&b", 3)};
    floe_literal vals[4];
    assert_int_equal(floe_partition_spec_apply(vals, p, src), 0);
    char *path;
    assert_int_equal(floe_partition_spec_path(&path, p, vals), 0);
    assert_string_equal(path,
                        "ts_month=2024-01/ts_year=2024/ts_hour=2024-01-01-10/r%C3%A9g%2Fion=a%26");
    floe_iceberg_free_string(path);
    for (int i = 0; i < 4; i++)
        floe_literal_clear(&vals[i]);
    floe_partition_spec_free(p);
}

static void test_unpartitioned_and_ids(void **state)
{
    (void)state;
    floe_partition_spec *p;
    assert_int_equal(floe_partition_spec_unpartitioned(&p), 0);
    assert_true(floe_partition_spec_is_unpartitioned(p));
    assert_int_equal(floe_partition_spec_last_field_id(p), 999);
    char *text;
    assert_int_equal(floe_partition_spec_to_json(&text, p, false), 0);
    assert_string_equal(text, "{\"spec-id\":0,\"fields\":[]}");
    floe_iceberg_free_string(text);
    floe_partition_spec_free(p);

    floe_partition_spec_new(&p, 1);
    assert_int_equal(floe_partition_spec_add_field(p, 1, 1005, "a", "void"), 0);
    assert_true(floe_partition_spec_is_unpartitioned(p));
    assert_int_equal(floe_partition_spec_add_field(p, 2, -1, "b", "day"), 0);
    assert_int_equal(floe_partition_field_id(floe_partition_spec_field_at(p, 1)), 1006);
    assert_false(floe_partition_spec_is_unpartitioned(p));
    assert_int_equal(floe_partition_spec_add_field(p, 2, 1005, "c", "day"), FLOE_EINVALID);
    assert_int_equal(floe_partition_spec_add_field(p, 2, -1, "c", "bucket[-1]"), FLOE_EINVALID);
    floe_partition_spec *q;
    assert_int_equal(floe_partition_spec_with_id(&q, p, 7), 0);
    assert_int_equal(floe_partition_spec_id(q), 7);
    assert_true(floe_partition_spec_same_fields(p, q));
    floe_partition_spec *r = floe_partition_spec_ref(q);
    floe_partition_spec_free(q);
    assert_int_equal(floe_partition_spec_field_count(r), 2);
    floe_partition_spec_free(r);
    floe_partition_spec_free(p);
}

static void test_keyer_computes_tuples_from_arrow_rows(void **state)
{
    (void)state;
    floe_schema *s = schema();
    floe_partition_spec *p = spec();
    struct ArrowSchema as;
    assert_int_equal(floe_schema_to_arrow(&as, s), 0);
    floe_arrow_builder *b;
    assert_int_equal(floe_arrow_builder_new(&b, &as), 0);
    floe_arrow_builder *id = floe_arrow_builder_child(b, 0), *ts = floe_arrow_builder_child(b, 1),
                       *region = floe_arrow_builder_child(b, 2),
                       *d = floe_arrow_builder_child(b, 3), *tags = floe_arrow_builder_child(b, 4);
    const int64_t hour = 3600000000LL;
    /* row 0: 2024-01-01T10:00Z, id 34, 'eu'; row 1: all null; row 2: one micro before 1970 */
    assert_int_equal(floe_arrow_builder_append_int(id, 34), 0);
    assert_int_equal(floe_arrow_builder_append_int(ts, 19723LL * 24 * hour + 10 * hour), 0);
    assert_int_equal(floe_arrow_builder_append_str(region, "eu"), 0);
    assert_int_equal(floe_arrow_builder_append_int(id, 7), 0);
    assert_int_equal(floe_arrow_builder_append_null(ts), 0);
    assert_int_equal(floe_arrow_builder_append_null(region), 0);
    assert_int_equal(floe_arrow_builder_append_int(id, 34), 0);
    assert_int_equal(floe_arrow_builder_append_int(ts, -1), 0);
    assert_int_equal(floe_arrow_builder_append_str(region, "a/b"), 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(floe_arrow_builder_append_null(d), 0);
        assert_int_equal(floe_arrow_builder_append_null(tags), 0);
    }
    struct ArrowArray batch;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &batch, NULL), 0);
    floe_arrow_builder_free(b);
    floe_partition_keyer *k;
    assert_int_equal(floe_partition_keyer_new(&k, p, s, &as), 0);
    const char *want[3] = {"ts_day=2024-01-01/id_bucket=3/region=eu",
                           NULL, /* bucket of 7, computed below */
                           "ts_day=1969-12-31/id_bucket=3/region=a%2Fb"};
    floe_literal bucket7 = floe_literal_long(7), b7;
    floe_transform bt = {FLOE_TRANSFORM_BUCKET, 16};
    assert_int_equal(floe_transform_apply(&b7, bt, &bucket7), 0);
    char w1[64];
    snprintf(w1, sizeof w1, "ts_day=null/id_bucket=%d/region=null", (int)b7.v.i32);
    want[1] = w1;
    for (int64_t r = 0; r < 3; r++) {
        floe_literal vals[3];
        assert_int_equal(floe_partition_keyer_row(vals, k, &batch, r), 0);
        char *path;
        assert_int_equal(floe_partition_spec_path(&path, p, vals), 0);
        assert_string_equal(path, want[r]);
        floe_iceberg_free_string(path);
        for (int i = 0; i < 3; i++)
            floe_literal_clear(&vals[i]);
    }
    floe_literal vals[3];
    assert_int_equal(floe_partition_keyer_row(vals, k, &batch, 3), FLOE_ERANGE);
    floe_partition_keyer_free(k);

    /* a source column missing from the batch is named */
    floe_arrow_schema_set_name(as.children[2], "other");
    floe_arrow_schema_metadata_set(as.children[2], FLOE_ARROW_FIELD_ID_KEY, NULL);
    assert_int_equal(floe_partition_keyer_new(&k, p, s, &as), FLOE_ENOTFOUND);
    assert_non_null(strstr(floe_error_last(), "'region'"));
    batch.release(&batch);
    as.release(&as);
    floe_partition_spec_free(p);
    floe_schema_free(s);
}

static void test_spec_and_order_json_survive_allocation_failures(void **state)
{
    (void)state;
    const char *pj = "{\"spec-id\":1,\"fields\":[{\"source-id\":1,\"field-id\":1000,\"name\":"
                     "\"b\",\"transform\":\"bucket[16]\"},{\"source-ids\":[2,3],\"field-id\":"
                     "1001,\"name\":\"z\",\"transform\":\"zorder\"}]}";
    const char *oj = "{\"order-id\":1,\"fields\":[{\"transform\":\"day\",\"source-id\":2,"
                     "\"direction\":\"desc\",\"null-order\":\"nulls-last\"}]}";
    bool done = false;
    for (long n = 1; n < 5000 && !done; n++) {
        floe_partition_spec *p = NULL;
        floe_sort_order *o = NULL;
        char *a = NULL, *b = NULL;
        floe_alloc_fail_after(n);
        int rc = floe_partition_spec_from_json(&p, pj, strlen(pj));
        if (!rc)
            rc = floe_partition_spec_to_json(&a, p, false);
        if (!rc)
            rc = floe_sort_order_from_json(&o, oj, strlen(oj));
        if (!rc)
            rc = floe_sort_order_to_json(&b, o, true);
        floe_alloc_fail_after(0);
        if (rc && rc != FLOE_ENOMEM)
            fail_msg("allocation failure %ld gave %d: %s", n, rc, floe_error_last());
        if (!rc) {
            done = true;
            assert_non_null(strstr(a, "\"source-ids\":[2,3]"));
        }
        floe_iceberg_free_string(a);
        floe_iceberg_free_string(b);
        floe_partition_spec_free(p);
        floe_sort_order_free(o);
    }
    assert_true(done);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_json_round_trip),
        cmocka_unit_test(test_spec_json_v1_list_and_unknown_transform),
        cmocka_unit_test(test_spec_check_against_schema),
        cmocka_unit_test(test_partition_type_and_path),
        cmocka_unit_test(test_temporal_paths_and_escaping),
        cmocka_unit_test(test_unpartitioned_and_ids),
        cmocka_unit_test(test_keyer_computes_tuples_from_arrow_rows),
        cmocka_unit_test(test_spec_and_order_json_survive_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
