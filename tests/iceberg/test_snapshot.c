/* Snapshots and snapshot references: JSON per version, construction rules, ref validation. */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/snapshot.h>

static void test_v2_snapshot_round_trips_and_v1_fields_are_optional(void **state)
{
    (void)state;
    const char *v2 = "{\"snapshot-id\":5,\"parent-snapshot-id\":4,\"sequence-number\":3,"
                     "\"timestamp-ms\":1700000000000,\"manifest-list\":\"s3://b/snap-5.avro\","
                     "\"summary\":{\"operation\":\"overwrite\",\"added-records\":\"7\"},"
                     "\"schema-id\":2,\"first-row-id\":10,\"added-rows\":7}";
    floe_snapshot *s = NULL;
    assert_int_equal(floe_snapshot_from_json(&s, v2, 2), 0);
    assert_int_equal(floe_snapshot_id(s), 5);
    assert_int_equal(floe_snapshot_parent_id(s), 4);
    assert_int_equal(floe_snapshot_sequence_number(s), 3);
    assert_int_equal(floe_snapshot_timestamp_ms(s), 1700000000000LL);
    assert_string_equal(floe_snapshot_manifest_list(s), "s3://b/snap-5.avro");
    assert_string_equal(floe_snapshot_operation(s), "overwrite");
    assert_int_equal(floe_snapshot_summary_count(s), 2);
    const char *k = NULL, *v = NULL;
    floe_snapshot_summary_at(s, 1, &k, &v);
    assert_string_equal(k, "added-records");
    assert_string_equal(v, "7");
    assert_int_equal(floe_snapshot_schema_id(s), 2);
    char *out = NULL;
    assert_int_equal(floe_snapshot_to_json(&out, s), 0);
    assert_string_equal(out, v2); /* unknown (v3) members are kept */
    free(out);
    assert_ptr_equal(floe_snapshot_acquire(s), s);
    floe_snapshot_release(s);
    floe_snapshot_release(s);

    /* v2 requires sequence-number, manifest-list and summary; v1 does not */
    const char *v1 = "{\"snapshot-id\":5,\"timestamp-ms\":1,\"manifests\":[\"a.avro\"]}";
    assert_int_equal(floe_snapshot_from_json(&s, v1, 2), FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "'$.sequence-number'"));
    assert_int_equal(floe_snapshot_from_json(&s, v1, 1), 0);
    assert_int_equal(floe_snapshot_sequence_number(s), 0);
    assert_null(floe_snapshot_operation(s));
    assert_int_equal(floe_snapshot_manifest_count(s), 1);
    assert_string_equal(floe_snapshot_manifest(s, 0), "a.avro");
    assert_int_equal(floe_snapshot_schema_id(s), -1);
    floe_snapshot_release(s);
    const char *both = "{\"snapshot-id\":5,\"timestamp-ms\":1,\"manifest-list\":\"l\","
                       "\"manifests\":[\"a.avro\"]}";
    assert_int_equal(floe_snapshot_from_json(&s, both, 1), FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "'manifests' to be omitted"));
}

static void test_snapshot_new_validates(void **state)
{
    (void)state;
    floe_snapshot_info info = FLOE_SNAPSHOT_INFO_INIT;
    floe_snapshot *s = NULL;
    info.snapshot_id = 0;
    info.operation = "append";
    assert_int_equal(floe_snapshot_new(&s, &info), FLOE_EINVALID);
    info.snapshot_id = 1;
    info.operation = "merge";
    assert_int_equal(floe_snapshot_new(&s, &info), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "'merge'"));
    info.operation = "delete";
    info.manifest_list = "l";
    assert_int_equal(floe_snapshot_new(&s, &info), 0);
    char *out = NULL;
    assert_int_equal(floe_snapshot_to_json(&out, s), 0);
    /* no parent, no schema-id: omitted */
    assert_string_equal(out, "{\"snapshot-id\":1,\"sequence-number\":0,\"timestamp-ms\":0,"
                             "\"manifest-list\":\"l\",\"summary\":{\"operation\":\"delete\"}}");
    free(out);
    floe_snapshot_release(s);
}

static void test_ref_validation_follows_spec(void **state)
{
    (void)state;
    floe_snapshot_ref r = FLOE_SNAPSHOT_REF_INIT;
    r.snapshot_id = 1;
    assert_int_equal(floe_snapshot_ref_validate(&r, "main"), 0);
    r.type = FLOE_REF_TAG;
    assert_int_equal(floe_snapshot_ref_validate(&r, "main"), FLOE_EINVALID);
    assert_int_equal(floe_snapshot_ref_validate(&r, "t1"), 0);
    r.max_ref_age_ms = 100;
    assert_int_equal(floe_snapshot_ref_validate(&r, "t1"), 0);
    r.max_snapshot_age_ms = 100;
    assert_int_equal(floe_snapshot_ref_validate(&r, "t1"), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "max-snapshot-age-ms"));
    r.type = FLOE_REF_BRANCH;
    assert_int_equal(floe_snapshot_ref_validate(&r, "b1"), 0);
    r.min_snapshots_to_keep = 0;
    assert_int_equal(floe_snapshot_ref_validate(&r, "b1"), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "positive"));
}

static void test_generated_ids_are_positive_and_distinct(void **state)
{
    (void)state;
    int64_t ids[64];
    for (int i = 0; i < 64; i++) {
        assert_int_equal(floe_snapshot_generate_id(&ids[i]), 0);
        assert_true(ids[i] > 0);
        for (int j = 0; j < i; j++)
            assert_true(ids[i] != ids[j]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v2_snapshot_round_trips_and_v1_fields_are_optional),
        cmocka_unit_test(test_snapshot_new_validates),
        cmocka_unit_test(test_ref_validation_follows_spec),
        cmocka_unit_test(test_generated_ids_are_positive_and_distinct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
