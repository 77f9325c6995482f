/* The metadata builder: every requirement (pass and fail), every update (effect and failure),
 * snapshot-log and metadata-log maintenance, new-table creation. */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/builder.h>
#include <floe/iceberg/manifest_list.h>

#include "base/alloc.h"

#define SNAP_A 3051729675574597004LL
#define SNAP_B 3055729675574597004LL

static floe_table_metadata *base_md(void)
{
    char path[1024];
    const char *src = getenv("FLOE_SOURCE_DIR");
    snprintf(path, sizeof(path), "%s/tests/data/iceberg/metadata_v2_full.json", src ? src : ".");
    size_t len = 0;
    char *text = floe_test_read_file(path, &len);
    assert_non_null(text);
    floe_table_metadata *md = NULL;
    assert_int_equal(floe_table_metadata_from_json(&md, text, len), 0);
    free(text);
    return md;
}

/* Applies one update to the fixture; returns the rc and the result in *out (or NULL). */
static int apply1(floe_table_metadata **out, floe_table_update *u)
{
    floe_table_metadata *base = base_md();
    *out = NULL;
    int rc = floe_table_metadata_commit(out, base,
                                        "s3://bucket/warehouse/db/events/metadata/"
                                        "00001-b.metadata.json",
                                        NULL, 0, &u, 1);
    floe_update_free(u);
    floe_table_metadata_release(base);
    return rc;
}

static void check_req(floe_table_requirement *r, int expect, const char *needle)
{
    floe_table_metadata *base = base_md();
    floe_metadata_builder *b = NULL;
    assert_int_equal(floe_metadata_builder_new(&b, base, NULL), 0);
    int rc = floe_metadata_builder_check(b, &r, 1);
    if (rc != expect)
        fail_msg("requirement: expected %d, got %d (%s)", expect, rc, floe_error_last());
    if (needle && !strstr(floe_error_last(), needle))
        fail_msg("message '%s' lacks '%s'", floe_error_last(), needle);
    floe_metadata_builder_free(b);
    floe_requirement_free(r);
    floe_table_metadata_release(base);
}

static void test_every_requirement_passes_and_fails_with_values(void **state)
{
    (void)state;
    floe_table_requirement *r = NULL;
    assert_int_equal(floe_requirement_assert_create(&r), 0);
    check_req(r, FLOE_ECONFLICT, "assert-create: table already exists");
    assert_int_equal(floe_requirement_assert_table_uuid(&r, "9c12d441-03fe-4693-9a96-a0705ddf69c1"),
                     0);
    check_req(r, 0, NULL);
    assert_int_equal(floe_requirement_assert_table_uuid(&r, "00000000-0000-0000-0000-000000000000"),
                     0);
    check_req(r, FLOE_ECONFLICT, "expected 00000000-0000-0000-0000-000000000000, found 9c12d441");
    assert_int_equal(floe_requirement_assert_ref_snapshot_id(&r, "main", SNAP_B), 0);
    check_req(r, 0, NULL);
    assert_int_equal(floe_requirement_assert_ref_snapshot_id(&r, "main", SNAP_A), 0);
    check_req(r, FLOE_ECONFLICT,
              "branch 'main' has changed: expected snapshot-id 3051729675574597004, found "
              "3055729675574597004");
    assert_int_equal(floe_requirement_assert_ref_snapshot_id(&r, "dev", FLOE_SNAPSHOT_ID_NONE), 0);
    check_req(r, 0, NULL);
    assert_int_equal(floe_requirement_assert_ref_snapshot_id(&r, "v1.0", FLOE_SNAPSHOT_ID_NONE), 0);
    check_req(r, FLOE_ECONFLICT, "tag 'v1.0' was created concurrently");
    assert_int_equal(floe_requirement_assert_ref_snapshot_id(&r, "dev", 5), 0);
    check_req(r, FLOE_ECONFLICT, "'dev' is missing");
    assert_int_equal(floe_requirement_assert_last_assigned_field_id(&r, 3), 0);
    check_req(r, 0, NULL);
    assert_int_equal(floe_requirement_assert_last_assigned_field_id(&r, 2), 0);
    check_req(r, FLOE_ECONFLICT, "last-assigned-field-id has changed: expected 2, found 3");
    assert_int_equal(floe_requirement_assert_current_schema_id(&r, 1), 0);
    check_req(r, 0, NULL);
    assert_int_equal(floe_requirement_assert_current_schema_id(&r, 0), 0);
    check_req(r, FLOE_ECONFLICT, "current-schema-id has changed: expected 0, found 1");
    assert_int_equal(floe_requirement_assert_last_assigned_partition_id(&r, 1000), 0);
    check_req(r, 0, NULL);
    assert_int_equal(floe_requirement_assert_last_assigned_partition_id(&r, 1001), 0);
    check_req(r, FLOE_ECONFLICT, "expected 1001, found 1000");
    assert_int_equal(floe_requirement_assert_default_spec_id(&r, 0), 0);
    check_req(r, 0, NULL);
    assert_int_equal(floe_requirement_assert_default_spec_id(&r, 1), 0);
    check_req(r, FLOE_ECONFLICT, "default-spec-id has changed: expected 1, found 0");
    assert_int_equal(floe_requirement_assert_default_sort_order_id(&r, 3), 0);
    check_req(r, 0, NULL);
    assert_int_equal(floe_requirement_assert_default_sort_order_id(&r, 0), 0);
    check_req(r, FLOE_ECONFLICT, "default-sort-order-id has changed: expected 0, found 3");
}

static void test_assert_create_passes_without_base_and_others_fail(void **state)
{
    (void)state;
    floe_metadata_builder *b = NULL;
    assert_int_equal(floe_metadata_builder_new(&b, NULL, NULL), 0);
    floe_table_requirement *r = NULL;
    assert_int_equal(floe_requirement_assert_create(&r), 0);
    assert_int_equal(floe_metadata_builder_check(b, &r, 1), 0);
    floe_requirement_free(r);
    assert_int_equal(floe_requirement_assert_current_schema_id(&r, 0), 0);
    assert_int_equal(floe_metadata_builder_check(b, &r, 1), FLOE_ECONFLICT);
    assert_non_null(strstr(floe_error_last(), "does not exist"));
    floe_requirement_free(r);
    floe_metadata_builder_free(b);
}

static void test_requirement_and_update_json_round_trip_exactly(void **state)
{
    (void)state;
    const char *reqs[] = {
        "{\"type\":\"assert-create\"}",
        "{\"type\":\"assert-table-uuid\",\"uuid\":\"9c12d441-03fe-4693-9a96-a0705ddf69c1\"}",
        "{\"type\":\"assert-ref-snapshot-id\",\"ref\":\"main\",\"snapshot-id\":1}",
        "{\"type\":\"assert-ref-snapshot-id\",\"ref\":\"main\",\"snapshot-id\":null}",
        "{\"type\":\"assert-last-assigned-field-id\",\"last-assigned-field-id\":3}",
        "{\"type\":\"assert-current-schema-id\",\"current-schema-id\":1}",
        "{\"type\":\"assert-last-assigned-partition-id\",\"last-assigned-partition-id\":1000}",
        "{\"type\":\"assert-default-spec-id\",\"default-spec-id\":0}",
        "{\"type\":\"assert-default-sort-order-id\",\"default-sort-order-id\":3}",
    };
    for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
        floe_table_requirement *r = NULL;
        if (floe_requirement_from_json(&r, reqs[i], strlen(reqs[i])))
            fail_msg("%s: %s", reqs[i], floe_error_last());
        char *out = NULL;
        assert_int_equal(floe_requirement_to_json(&out, r), 0);
        assert_string_equal(out, reqs[i]);
        free(out);
        floe_requirement_free(r);
    }
    const char *upds[] = {
        "{\"action\":\"assign-uuid\",\"uuid\":\"u\"}",
        "{\"action\":\"upgrade-format-version\",\"format-version\":2}",
        "{\"action\":\"add-schema\",\"schema\":{\"type\":\"struct\",\"schema-id\":4,\"fields\":[]},"
        "\"last-column-id\":3}",
        "{\"action\":\"set-current-schema\",\"schema-id\":-1}",
        "{\"action\":\"add-spec\",\"spec\":{\"spec-id\":1,\"fields\":[]}}",
        "{\"action\":\"set-default-spec\",\"spec-id\":-1}",
        "{\"action\":\"add-sort-order\",\"sort-order\":{\"order-id\":1,\"fields\":[]}}",
        "{\"action\":\"set-default-sort-order\",\"sort-order-id\":-1}",
        "{\"action\":\"add-snapshot\",\"snapshot\":{\"snapshot-id\":7,\"sequence-number\":35,"
        "\"timestamp-ms\":9,\"manifest-list\":\"m\",\"summary\":{\"operation\":\"append\"}}}",
        "{\"action\":\"set-snapshot-ref\",\"ref-name\":\"b\",\"snapshot-id\":7,\"type\":\"branch\","
        "\"max-ref-age-ms\":5}",
        "{\"action\":\"remove-snapshots\",\"snapshot-ids\":[1,2]}",
        "{\"action\":\"remove-snapshot-ref\",\"ref-name\":\"b\"}",
        "{\"action\":\"set-location\",\"location\":\"s3://x\"}",
        "{\"action\":\"set-properties\",\"updates\":{\"a\":\"1\"}}",
        "{\"action\":\"remove-properties\",\"removals\":[\"a\"]}",
        "{\"action\":\"set-statistics\",\"snapshot-id\":1,\"statistics\":{\"snapshot-id\":1,"
        "\"statistics-path\":\"p\",\"file-size-in-bytes\":1,\"file-footer-size-in-bytes\":1,"
        "\"blob-metadata\":[]}}",
        "{\"action\":\"remove-statistics\",\"snapshot-id\":1}",
        "{\"action\":\"set-partition-statistics\",\"partition-statistics\":{\"snapshot-id\":1,"
        "\"statistics-path\":\"p\",\"file-size-in-bytes\":1}}",
        "{\"action\":\"remove-partition-statistics\",\"snapshot-id\":1}",
        "{\"action\":\"remove-partition-specs\",\"spec-ids\":[1]}",
        "{\"action\":\"remove-schemas\",\"schema-ids\":[0]}",
    };
    for (size_t i = 0; i < sizeof(upds) / sizeof(upds[0]); i++) {
        floe_table_update *u = NULL;
        if (floe_update_from_json(&u, upds[i], strlen(upds[i])))
            fail_msg("%s: %s", upds[i], floe_error_last());
        char *out = NULL;
        assert_int_equal(floe_update_to_json(&out, u), 0);
        assert_string_equal(out, upds[i]);
        free(out);
        floe_update_free(u);
    }
    floe_table_update *u = NULL;
    const char *bad = "{\"action\":\"set-snapshot-ref\",\"ref-name\":\"b\",\"type\":\"branch\"}";
    assert_int_equal(floe_update_from_json(&u, bad, strlen(bad)), FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "'$.snapshot-id'"));
    bad = "{\"action\":\"fly\"}";
    assert_int_equal(floe_update_from_json(&u, bad, strlen(bad)), FLOE_EUNSUPPORTED);
    bad = "{\"type\":\"assert-ref-snapshot-id\",\"ref\":\"main\"}";
    floe_table_requirement *r = NULL;
    assert_int_equal(floe_requirement_from_json(&r, bad, strlen(bad)), FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "snapshot-id"));
}

static void test_assign_uuid_and_upgrade_format_version(void **state)
{
    (void)state;
    floe_table_metadata *md = NULL;
    floe_table_update *u = NULL;
    assert_int_equal(floe_update_assign_uuid(&u, "9c12d441-03fe-4693-9a96-a0705ddf69c1"), 0);
    assert_int_equal(apply1(&md, u), 0);
    assert_int_equal(floe_table_metadata_metadata_log_count(md), 1); /* no change: base returned */
    floe_table_metadata_release(md);
    assert_int_equal(floe_update_assign_uuid(&u, "11111111-03fe-4693-9a96-a0705ddf69c1"), 0);
    assert_int_equal(apply1(&md, u), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "Cannot reassign uuid"));
    assert_int_equal(floe_update_upgrade_format_version(&u, 1), 0);
    assert_int_equal(apply1(&md, u), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "Cannot downgrade v2 table to v1"));
    assert_int_equal(floe_update_upgrade_format_version(&u, 9), 0);
    assert_int_equal(apply1(&md, u), FLOE_EUNSUPPORTED);

    const char *v1 =
        "{\"format-version\":1,\"location\":\"/w/t\",\"last-updated-ms\":5,\"last-column-id\":1,"
        "\"schema\":{\"type\":\"struct\",\"fields\":[{\"id\":1,\"name\":\"a\",\"required\":true,"
        "\"type\":\"int\"}]},\"partition-spec\":[],\"current-snapshot-id\":4,\"snapshots\":[{"
        "\"snapshot-id\":4,\"timestamp-ms\":5,\"manifest-list\":\"/w/t/m.avro\",\"summary\":{"
        "\"operation\":\"append\"}}]}";
    floe_table_metadata *base = NULL;
    assert_int_equal(floe_table_metadata_from_json(&base, v1, strlen(v1)), 0);
    assert_null(floe_table_metadata_uuid(base));
    assert_int_equal(floe_update_upgrade_format_version(&u, 2), 0);
    assert_int_equal(floe_table_metadata_commit(&md, base, NULL, NULL, 0, &u, 1), 0);
    floe_update_free(u);
    assert_int_equal(floe_table_metadata_format_version(md), 2);
    assert_non_null(floe_table_metadata_uuid(md)); /* v2 requires one: assigned */
    assert_int_equal(floe_snapshot_sequence_number(floe_table_metadata_current_snapshot(md)), 0);
    char *out = NULL;
    assert_int_equal(floe_table_metadata_to_json(&out, md, 0), 0);
    assert_null(strstr(out, "\"schema\":"));
    assert_null(strstr(out, "\"partition-spec\":"));
    assert_non_null(strstr(out, "\"last-sequence-number\":0"));
    free(out);
    floe_table_metadata_release(md);
    floe_table_metadata_release(base);
}

static void test_add_schema_set_current_and_remove_schemas(void **state)
{
    (void)state;
    floe_table_metadata *base = base_md();
    floe_table_update *u[3] = {NULL, NULL, NULL};
    assert_int_equal(
        floe_update_add_schema(&u[0],
                               "{\"type\":\"struct\",\"schema-id\":0,\"fields\":[{\"id\":1,"
                               "\"name\":\"x\",\"required\":true,\"type\":\"long\"},{\"id\":4,"
                               "\"name\":\"w\",\"required\":false,\"type\":\"string\"}]}",
                               -1),
        0);
    assert_int_equal(floe_update_set_current_schema(&u[1], FLOE_LAST_ADDED), 0);
    assert_int_equal(floe_update_remove_schemas(&u[2], (const int[]){0}, 1), 0);
    floe_table_metadata *md = NULL;
    assert_int_equal(floe_table_metadata_commit(&md, base, NULL, NULL, 0, u, 3), 0);
    assert_int_equal(floe_table_metadata_current_schema_id(md), 2); /* highest + 1 */
    assert_int_equal(floe_table_metadata_last_column_id(md), 4);
    assert_int_equal(floe_table_metadata_schema_count(md), 2);
    assert_null(floe_table_metadata_schema_json(md, 0));
    for (int i = 0; i < 3; i++)
        floe_update_free(u[i]);
    floe_table_metadata_release(md);

    /* an identical schema is reused, not added */
    assert_int_equal(floe_update_add_schema(&u[0],
                                            "{\"type\":\"struct\",\"schema-id\":9,\"fields\":[{"
                                            "\"id\":1,\"name\":\"x\",\"required\":true,\"type\":"
                                            "\"long\"}]}",
                                            -1),
                     0);
    assert_int_equal(floe_update_set_current_schema(&u[1], FLOE_LAST_ADDED), 0);
    assert_int_equal(floe_table_metadata_commit(&md, base, NULL, NULL, 0, u, 2), 0);
    assert_int_equal(floe_table_metadata_schema_count(md), 2);
    assert_int_equal(floe_table_metadata_current_schema_id(md), 0);
    floe_update_free(u[0]);
    floe_update_free(u[1]);
    floe_table_metadata_release(md);

    /* the same columns with a new doc are a new schema (a doc-only change is kept) */
    assert_int_equal(floe_update_add_schema(&u[0],
                                            "{\"type\":\"struct\",\"schema-id\":9,\"fields\":[{"
                                            "\"id\":1,\"name\":\"x\",\"required\":true,\"type\":"
                                            "\"long\",\"doc\":\"row key\"}]}",
                                            -1),
                     0);
    assert_int_equal(floe_update_set_current_schema(&u[1], FLOE_LAST_ADDED), 0);
    assert_int_equal(floe_table_metadata_commit(&md, base, NULL, NULL, 0, u, 2), 0);
    assert_int_equal(floe_table_metadata_schema_count(md), 3);
    assert_int_equal(floe_table_metadata_current_schema_id(md), 2);
    assert_non_null(strstr(floe_table_metadata_schema_json(md, 2), "row key"));
    floe_update_free(u[0]);
    floe_update_free(u[1]);
    floe_table_metadata_release(md);

    /* failures */
    assert_int_equal(floe_update_set_current_schema(&u[0], FLOE_LAST_ADDED), 0);
    assert_int_equal(apply1(&md, u[0]), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "no schema has been added"));
    assert_int_equal(floe_update_set_current_schema(&u[0], 42), 0);
    assert_int_equal(apply1(&md, u[0]), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "unknown schema: 42"));
    assert_int_equal(floe_update_remove_schemas(&u[0], (const int[]){1}, 1), 0);
    assert_int_equal(apply1(&md, u[0]), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "Cannot remove schema 1"));
    assert_int_equal(floe_update_add_schema(&u[0],
                                            "{\"type\":\"struct\",\"fields\":[{\"id\":1,"
                                            "\"name\":\"x\",\"required\":true,\"type\":\"long\"}]}",
                                            1),
                     0);
    assert_int_equal(apply1(&md, u[0]), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "Invalid last column ID: 1 < 3"));
    assert_int_equal(
        floe_update_add_schema(&u[0], "{\"type\":\"struct\",\"fields\":[{\"id\":1}]}", -1), 0);
    assert_int_equal(apply1(&md, u[0]), FLOE_EINVALID);
    floe_table_metadata_release(base);
}

static void test_add_spec_set_default_and_remove_specs(void **state)
{
    (void)state;
    floe_table_metadata *base = base_md();
    floe_table_update *u[3] = {NULL, NULL, NULL};
    assert_int_equal(floe_update_add_spec(&u[0], "{\"spec-id\":-1,\"fields\":[{\"name\":\"x\","
                                                 "\"transform\":\"identity\",\"source-id\":1},{"
                                                 "\"name\":\"yb\",\"transform\":\"bucket[8]\","
                                                 "\"source-id\":2}]}"),
                     0);
    assert_int_equal(floe_update_set_default_spec(&u[1], FLOE_LAST_ADDED), 0);
    assert_int_equal(floe_update_remove_partition_specs(&u[2], (const int[]){0}, 1), 0);
    floe_table_metadata *md = NULL;
    assert_int_equal(floe_table_metadata_commit(&md, base, NULL, NULL, 0, u, 3), 0);
    assert_int_equal(floe_table_metadata_default_spec_id(md), 1);
    assert_int_equal(floe_table_metadata_last_partition_id(md), 1001);
    const char *spec = floe_table_metadata_spec_json(md, 1);
    /* x reuses field id 1000 of spec 0; the bucket field gets a fresh 1001 */
    assert_non_null(strstr(spec, "\"source-id\":1,\"field-id\":1000"));
    assert_non_null(strstr(spec, "\"source-id\":2,\"field-id\":1001"));
    assert_int_equal(floe_table_metadata_spec_count(md), 1);
    for (int i = 0; i < 3; i++)
        floe_update_free(u[i]);
    floe_table_metadata_release(md);

    assert_int_equal(floe_update_set_default_spec(&u[0], FLOE_LAST_ADDED), 0);
    assert_int_equal(apply1(&md, u[0]), FLOE_EINVALID);
    assert_int_equal(floe_update_set_default_spec(&u[0], 5), 0);
    assert_int_equal(apply1(&md, u[0]), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "unknown partition spec: 5"));
    assert_int_equal(floe_update_remove_partition_specs(&u[0], (const int[]){0}, 1), 0);
    assert_int_equal(apply1(&md, u[0]), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "default-spec-id"));
    assert_int_equal(floe_update_add_spec(&u[0], "{\"fields\":[{\"name\":\"q\",\"transform\":"
                                                 "\"identity\",\"source-id\":77}]}"),
                     0);
    assert_int_equal(apply1(&md, u[0]), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "source-id 77"));
    /* a transform that does not apply to its source type is refused (year of a long) */
    assert_int_equal(floe_update_add_spec(&u[0], "{\"fields\":[{\"name\":\"x_year\",\"transform\":"
                                                 "\"year\",\"source-id\":1}]}"),
                     0);
    assert_int_equal(apply1(&md, u[0]), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "add-spec"));
    floe_table_metadata_release(base);
}

static void test_add_sort_order_and_set_default(void **state)
{
    (void)state;
    floe_table_metadata *base = base_md();
    floe_table_update *u[2] = {NULL, NULL};
    assert_int_equal(floe_update_add_sort_order(&u[0], "{\"order-id\":1,\"fields\":[{\"transform\":"
                                                       "\"identity\",\"source-id\":1,\"direction\":"
                                                       "\"desc\",\"null-order\":\"nulls-last\"}]}"),
                     0);
    assert_int_equal(floe_update_set_default_sort_order(&u[1], FLOE_LAST_ADDED), 0);
    floe_table_metadata *md = NULL;
    assert_int_equal(floe_table_metadata_commit(&md, base, NULL, NULL, 0, u, 2), 0);
    assert_int_equal(floe_table_metadata_default_sort_order_id(md), 4);
    assert_int_equal(floe_table_metadata_sort_order_count(md), 3);
    floe_update_free(u[0]);
    floe_update_free(u[1]);
    floe_table_metadata_release(md);
    assert_int_equal(floe_update_set_default_sort_order(&u[0], 0), 0);
    assert_int_equal(apply1(&md, u[0]), 0);
    assert_int_equal(floe_table_metadata_default_sort_order_id(md), 0);
    floe_table_metadata_release(md);
    assert_int_equal(floe_update_set_default_sort_order(&u[0], 9), 0);
    assert_int_equal(apply1(&md, u[0]), FLOE_EINVALID);
    assert_int_equal(floe_update_add_sort_order(&u[0], "{\"fields\":[{\"transform\":\"identity\","
                                                       "\"source-id\":1,\"direction\":\"up\","
                                                       "\"null-order\":\"nulls-last\"}]}"),
                     0);
    assert_int_equal(apply1(&md, u[0]), FLOE_EINVALID);
    floe_table_metadata_release(base);
}

static floe_snapshot *snap(int64_t id, int64_t parent, int64_t seq, int64_t ts, int schema)
{
    floe_snapshot_info info = FLOE_SNAPSHOT_INFO_INIT;
    info.snapshot_id = id;
    info.parent_snapshot_id = parent;
    info.sequence_number = seq;
    info.timestamp_ms = ts;
    info.manifest_list = "s3://a/b/new.avro";
    info.operation = "append";
    info.schema_id = schema;
    floe_snapshot *s = NULL;
    assert_int_equal(floe_snapshot_new(&s, &info), 0);
    return s;
}

static void test_add_snapshot_and_main_ref_update_log_and_sequence(void **state)
{
    (void)state;
    floe_table_metadata *base = base_md();
    floe_snapshot *s = snap(77, SNAP_B, 35, 1700000000000LL, 1);
    floe_table_update *u[2] = {NULL, NULL};
    assert_int_equal(floe_update_add_snapshot(&u[0], s), 0);
    floe_snapshot_ref ref = FLOE_SNAPSHOT_REF_INIT;
    ref.snapshot_id = 77;
    assert_int_equal(floe_update_set_snapshot_ref(&u[1], "main", &ref), 0);
    floe_table_requirement *r = NULL;
    assert_int_equal(floe_requirement_assert_ref_snapshot_id(&r, "main", SNAP_B), 0);
    floe_table_metadata *md = NULL;
    assert_int_equal(
        floe_table_metadata_commit(&md, base, "s3://m/00001-b.metadata.json", &r, 1, u, 2), 0);
    assert_int_equal(floe_table_metadata_current_snapshot_id(md), 77);
    assert_int_equal(floe_table_metadata_last_sequence_number(md), 35);
    assert_int_equal(floe_table_metadata_last_updated_ms(md), 1700000000000LL);
    assert_int_equal(floe_table_metadata_snapshot_log_count(md), 3);
    floe_snapshot_log_entry e = floe_table_metadata_snapshot_log_at(md, 2);
    assert_int_equal(e.snapshot_id, 77);
    assert_int_equal(e.timestamp_ms, 1700000000000LL);
    assert_int_equal(floe_table_metadata_ref(md, "main")->snapshot_id, 77);
    /* metadata-log gains the base file with the base's last-updated-ms */
    assert_int_equal(floe_table_metadata_metadata_log_count(md), 2);
    floe_metadata_log_entry m = floe_table_metadata_metadata_log_at(md, 1);
    assert_string_equal(m.metadata_file, "s3://m/00001-b.metadata.json");
    assert_int_equal(m.timestamp_ms, 1602638573590LL);
    floe_requirement_free(r);
    floe_update_free(u[0]);
    floe_update_free(u[1]);
    floe_snapshot_release(s);

    /* a second commit against the old base fails its requirement */
    assert_int_equal(floe_requirement_assert_ref_snapshot_id(&r, "main", SNAP_B), 0);
    floe_table_metadata *md2 = NULL;
    assert_int_equal(floe_table_metadata_commit(&md2, md, NULL, &r, 1, NULL, 0), FLOE_ECONFLICT);
    floe_requirement_free(r);
    floe_table_metadata_release(md);

    /* failures: stale sequence number, duplicate id, unknown schema */
    s = snap(78, SNAP_B, 34, 1, -1);
    assert_int_equal(floe_update_add_snapshot(&u[0], s), 0);
    assert_int_equal(apply1(&md, u[0]), FLOE_EINVALID);
    assert_non_null(
        strstr(floe_error_last(), "sequence number 34 older than last sequence number 34"));
    floe_snapshot_release(s);
    s = snap(SNAP_A, SNAP_B, 40, 1, -1);
    assert_int_equal(floe_update_add_snapshot(&u[0], s), 0);
    assert_int_equal(apply1(&md, u[0]), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "Snapshot already exists"));
    floe_snapshot_release(s);
    s = snap(79, SNAP_B, 40, 1, 9);
    assert_int_equal(floe_update_add_snapshot(&u[0], s), 0);
    assert_int_equal(apply1(&md, u[0]), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "schema-id 9"));
    floe_snapshot_release(s);
    floe_table_metadata_release(base);
}

static void test_set_and_remove_refs(void **state)
{
    (void)state;
    floe_table_metadata *md = NULL;
    floe_table_update *u = NULL;
    floe_snapshot_ref ref = FLOE_SNAPSHOT_REF_INIT;
    ref.snapshot_id = SNAP_A;
    ref.type = FLOE_REF_TAG;
    ref.max_ref_age_ms = 1000;
    assert_int_equal(floe_update_set_snapshot_ref(&u, "release", &ref), 0);
    assert_int_equal(apply1(&md, u), 0);
    const floe_snapshot_ref *got = floe_table_metadata_ref(md, "release");
    assert_non_null(got);
    assert_int_equal(got->type, FLOE_REF_TAG);
    assert_int_equal(got->max_ref_age_ms, 1000);
    assert_int_equal(floe_table_metadata_snapshot_log_count(md), 2); /* not main: no log */
    floe_table_metadata_release(md);

    ref.snapshot_id = 12345;
    ref.type = FLOE_REF_BRANCH;
    assert_int_equal(floe_update_set_snapshot_ref(&u, "dev", &ref), 0);
    assert_int_equal(apply1(&md, u), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "Cannot set dev to unknown snapshot: 12345"));

    ref.snapshot_id = SNAP_A;
    ref.type = FLOE_REF_TAG;
    ref.min_snapshots_to_keep = 3;
    assert_int_equal(floe_update_set_snapshot_ref(&u, "t", &ref), FLOE_EINVALID);
    assert_null(u);

    assert_int_equal(floe_update_remove_snapshot_ref(&u, "audit"), 0);
    assert_int_equal(apply1(&md, u), 0);
    assert_null(floe_table_metadata_ref(md, "audit"));
    assert_int_equal(floe_table_metadata_current_snapshot_id(md), SNAP_B);
    floe_table_metadata_release(md);

    assert_int_equal(floe_update_remove_snapshot_ref(&u, "main"), 0);
    assert_int_equal(apply1(&md, u), 0);
    assert_null(floe_table_metadata_ref(md, "main"));
    assert_int_equal(floe_table_metadata_current_snapshot_id(md), FLOE_SNAPSHOT_ID_NONE);
    floe_table_metadata_release(md);
}

static void test_remove_snapshots_drops_refs_stats_and_older_log(void **state)
{
    (void)state;
    floe_table_metadata *md = NULL;
    floe_table_update *u = NULL;
    assert_int_equal(floe_update_remove_snapshots(&u, (const int64_t[]){SNAP_A, 999}, 2), 0);
    assert_int_equal(apply1(&md, u), 0);
    assert_int_equal(floe_table_metadata_snapshot_count(md), 1);
    /* refs to the removed snapshot (audit branch, v1.0 tag) are gone; main stays */
    assert_null(floe_table_metadata_ref(md, "audit"));
    assert_null(floe_table_metadata_ref(md, "v1.0"));
    assert_non_null(floe_table_metadata_ref(md, "main"));
    /* the log entry for the expired snapshot and everything before it is removed */
    assert_int_equal(floe_table_metadata_snapshot_log_count(md), 1);
    assert_int_equal(floe_table_metadata_snapshot_log_at(md, 0).snapshot_id, SNAP_B);
    floe_table_metadata_release(md);

    assert_int_equal(floe_update_remove_snapshots(&u, (const int64_t[]){SNAP_B}, 1), 0);
    assert_int_equal(apply1(&md, u), 0);
    assert_int_equal(floe_table_metadata_current_snapshot_id(md), FLOE_SNAPSHOT_ID_NONE);
    assert_int_equal(floe_table_metadata_snapshot_log_count(md), 0);
    assert_int_equal(floe_table_metadata_statistics_count(md), 0);
    assert_int_equal(floe_table_metadata_partition_statistics_count(md), 0);
    floe_table_metadata_release(md);
}

static void test_properties_location_and_statistics(void **state)
{
    (void)state;
    floe_table_metadata *md = NULL;
    floe_table_update *u = NULL;
    assert_int_equal(floe_update_set_properties(&u, (const char *const[]){"a", "owner"},
                                                (const char *const[]){"1", "me"}, 2),
                     0);
    assert_int_equal(apply1(&md, u), 0);
    assert_string_equal(floe_table_metadata_property(md, "a"), "1");
    assert_string_equal(floe_table_metadata_property(md, "owner"), "me");
    floe_table_metadata_release(md);
    assert_int_equal(floe_update_remove_properties(&u, (const char *const[]){"owner", "nope"}, 2),
                     0);
    assert_int_equal(apply1(&md, u), 0);
    assert_null(floe_table_metadata_property(md, "owner"));
    floe_table_metadata_release(md);
    assert_int_equal(floe_update_set_location(&u, "s3://elsewhere/t"), 0);
    assert_int_equal(apply1(&md, u), 0);
    assert_string_equal(floe_table_metadata_location(md), "s3://elsewhere/t");
    floe_table_metadata_release(md);

    assert_int_equal(floe_update_set_statistics(
                         &u, "{\"snapshot-id\":3051729675574597004,\"statistics-path\":\"s3://s\","
                             "\"file-size-in-bytes\":1,\"file-footer-size-in-bytes\":1,"
                             "\"blob-metadata\":[]}"),
                     0);
    assert_int_equal(apply1(&md, u), 0);
    assert_int_equal(floe_table_metadata_statistics_count(md), 2);
    floe_table_metadata_release(md);
    assert_int_equal(floe_update_remove_statistics(&u, SNAP_B), 0);
    assert_int_equal(apply1(&md, u), 0);
    assert_int_equal(floe_table_metadata_statistics_count(md), 0);
    floe_table_metadata_release(md);
    assert_int_equal(floe_update_set_partition_statistics(
                         &u, "{\"snapshot-id\":3055729675574597004,\"statistics-path\":\"s3://p2\","
                             "\"file-size-in-bytes\":7}"),
                     0);
    assert_int_equal(apply1(&md, u), 0);
    assert_int_equal(floe_table_metadata_partition_statistics_count(md), 1); /* replaced */
    assert_non_null(strstr(floe_table_metadata_partition_statistics_json(md, 0), "s3://p2"));
    floe_table_metadata_release(md);
    assert_int_equal(floe_update_remove_partition_statistics(&u, SNAP_B), 0);
    assert_int_equal(apply1(&md, u), 0);
    assert_int_equal(floe_table_metadata_partition_statistics_count(md), 0);
    floe_table_metadata_release(md);
    assert_int_equal(floe_update_set_statistics(&u, "{\"snapshot-id\":1}"), FLOE_ECORRUPT);
}

static void test_metadata_log_trimmed_to_previous_versions_max(void **state)
{
    (void)state;
    /* the fixture sets write.metadata.previous-versions-max = 3 */
    floe_table_metadata *md = base_md();
    for (int i = 0; i < 5; i++) {
        char loc[64], val[16];
        snprintf(loc, sizeof(loc), "s3://m/%05d-x.metadata.json", i + 1);
        snprintf(val, sizeof(val), "%d", i);
        floe_table_update *u = NULL;
        assert_int_equal(floe_update_set_properties(&u, (const char *const[]){"n"},
                                                    (const char *const[]){val}, 1),
                         0);
        floe_table_metadata *next = NULL;
        assert_int_equal(floe_table_metadata_commit(&next, md, loc, NULL, 0, &u, 1), 0);
        floe_update_free(u);
        floe_table_metadata_release(md);
        md = next;
    }
    assert_int_equal(floe_table_metadata_metadata_log_count(md), 3);
    assert_string_equal(floe_table_metadata_metadata_log_at(md, 0).metadata_file,
                        "s3://m/00003-x.metadata.json");
    assert_string_equal(floe_table_metadata_metadata_log_at(md, 2).metadata_file,
                        "s3://m/00005-x.metadata.json");
    floe_table_metadata_release(md);
}

static void test_new_table_has_fresh_ids(void **state)
{
    (void)state;
    floe_new_table_options o = FLOE_NEW_TABLE_OPTIONS_INIT;
    o.location = "/w/db/t";
    o.schema_json = "{\"type\":\"struct\",\"schema-id\":5,\"fields\":[{\"id\":10,\"name\":\"id\","
                    "\"required\":true,\"type\":\"long\"},{\"id\":20,\"name\":\"ts\",\"required\":"
                    "false,\"type\":\"timestamptz\"}]}";
    o.spec_json = "{\"spec-id\":3,\"fields\":[{\"name\":\"ts_day\",\"transform\":\"day\","
                  "\"source-id\":20,\"field-id\":5000}]}";
    o.sort_order_json = "{\"order-id\":2,\"fields\":[{\"transform\":\"identity\",\"source-id\":10,"
                        "\"direction\":\"asc\",\"null-order\":\"nulls-first\"}]}";
    o.property_keys = (const char *const[]){"owner"};
    o.property_values = (const char *const[]){"floe"};
    o.property_count = 1;
    floe_table_metadata *md = NULL;
    if (floe_table_metadata_new_table(&md, &o))
        fail_msg("%s", floe_error_last());
    assert_int_equal(floe_table_metadata_format_version(md), 2);
    assert_non_null(floe_table_metadata_uuid(md));
    assert_int_equal(strlen(floe_table_metadata_uuid(md)), 36);
    assert_int_equal(floe_table_metadata_current_schema_id(md), 0);
    assert_int_equal(floe_table_metadata_last_column_id(md), 2);
    assert_non_null(strstr(floe_table_metadata_schema_json(md, 0), "\"id\":2"));
    assert_int_equal(floe_table_metadata_default_spec_id(md), 0);
    assert_int_equal(floe_table_metadata_last_partition_id(md), 1000);
    assert_non_null(strstr(floe_table_metadata_spec_json(md, 0), "\"source-id\":2"));
    assert_non_null(strstr(floe_table_metadata_spec_json(md, 0), "\"field-id\":1000"));
    assert_int_equal(floe_table_metadata_default_sort_order_id(md), 1);
    assert_non_null(strstr(floe_table_metadata_sort_order_json(md, 1), "\"source-id\":1"));
    assert_string_equal(floe_table_metadata_property(md, "owner"), "floe");
    assert_int_equal(floe_table_metadata_current_snapshot_id(md), FLOE_SNAPSHOT_ID_NONE);
    assert_int_equal(floe_table_metadata_last_sequence_number(md), 0);
    assert_int_equal(floe_table_metadata_metadata_log_count(md), 0);
    floe_table_metadata_release(md);

    o.spec_json = "{\"fields\":[{\"name\":\"x\",\"transform\":\"identity\",\"source-id\":99}]}";
    assert_int_equal(floe_table_metadata_new_table(&md, &o), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "source-id 99"));
}

static void test_object_constructors_match_json_ones(void **state)
{
    (void)state;
    floe_table_metadata *base = base_md();
    floe_table_update *u[3] = {NULL, NULL, NULL};
    assert_int_equal(floe_update_add_schema_object(&u[0], floe_table_metadata_schema(base, 0), -1),
                     0);
    assert_int_equal(floe_update_add_spec_object(&u[1], floe_table_metadata_default_spec(base)), 0);
    assert_int_equal(
        floe_update_add_sort_order_object(&u[2], floe_table_metadata_default_sort_order(base)), 0);
    char *json = NULL;
    assert_int_equal(floe_update_to_json(&json, u[1]), 0);
    assert_non_null(strstr(json, "\"action\":\"add-spec\""));
    assert_non_null(strstr(json, "\"transform\":\"identity\""));
    free(json);
    /* re-adding what the table already has changes nothing: the base comes back */
    floe_table_metadata *md = NULL;
    assert_int_equal(floe_table_metadata_commit(&md, base, "s3://m/1.json", NULL, 0, u, 3), 0);
    assert_ptr_equal(md, base);
    floe_table_metadata_release(md);
    for (int i = 0; i < 3; i++)
        floe_update_free(u[i]);
    floe_table_metadata_release(base);
}

/* The whole commit path over a FileIO: create, write a manifest and a manifest list, commit
 * the snapshot with a requirement, write the next metadata file, read it back. */
static void test_commit_path_end_to_end(void **state)
{
    (void)state;
    floe_file_io *io = NULL;
    assert_int_equal(floe_memory_file_io_new(&io), 0);
    floe_new_table_options o = FLOE_NEW_TABLE_OPTIONS_INIT;
    o.location = "mem://wh/db/t";
    o.schema_json = "{\"type\":\"struct\",\"schema-id\":0,\"fields\":[{\"id\":1,\"name\":\"id\","
                    "\"required\":true,\"type\":\"long\"},{\"id\":2,\"name\":\"cat\","
                    "\"required\":false,\"type\":\"string\"}]}";
    o.spec_json = "{\"spec-id\":0,\"fields\":[{\"name\":\"cat\",\"transform\":\"identity\","
                  "\"source-id\":2}]}";
    floe_table_metadata *v1 = NULL;
    assert_int_equal(floe_table_metadata_new_table(&v1, &o), 0);
    char *loc1 = NULL;
    assert_int_equal(floe_table_metadata_next_location(&loc1, o.location, NULL), 0);
    assert_int_equal(floe_table_metadata_write(io, loc1, v1), 0);

    /* a snapshot: one data file in one manifest in one manifest list */
    int64_t snap_id = 0;
    assert_int_equal(floe_snapshot_generate_id(&snap_id), 0);
    floe_output_file *out = NULL;
    assert_int_equal(io->create(&out, io, "mem://wh/db/t/metadata/m0.avro", FLOE_CREATE_EXCLUSIVE),
                     0);
    floe_manifest_writer_options mo = FLOE_MANIFEST_WRITER_OPTIONS_INIT;
    mo.snapshot_id = snap_id;
    floe_manifest_writer *mw = NULL;
    assert_int_equal(floe_manifest_writer_new(&mw, out, floe_table_metadata_current_schema(v1),
                                              floe_table_metadata_default_spec(v1), &mo),
                     0);
    floe_data_file *df = NULL;
    assert_int_equal(floe_data_file_new(&df, FLOE_CONTENT_DATA, "mem://wh/db/t/data/a.parquet",
                                        "parquet", 42, 1000),
                     0);
    floe_literal cat = floe_literal_string("toys", 4);
    assert_int_equal(floe_data_file_set_partition(df, &cat, 1), 0);
    assert_int_equal(floe_manifest_writer_add(mw, df), 0);
    floe_manifest_file *mf = NULL;
    assert_int_equal(floe_manifest_writer_finish(&mf, mw), 0);
    floe_manifest_writer_free(mw);
    int64_t seq = floe_table_metadata_last_sequence_number(v1) + 1;
    assert_int_equal(
        io->create(&out, io, "mem://wh/db/t/metadata/snap.avro", FLOE_CREATE_EXCLUSIVE), 0);
    floe_manifest_list_writer *lw = NULL;
    assert_int_equal(floe_manifest_list_writer_new(&lw, out, snap_id, -1, seq, 0), 0);
    assert_int_equal(floe_manifest_list_writer_add(lw, mf), 0);
    assert_int_equal(floe_manifest_list_writer_finish(lw, NULL), 0);
    floe_manifest_list_writer_free(lw);

    floe_summary_delta d = FLOE_SUMMARY_DELTA_INIT;
    d.added_data_files = 1;
    d.added_records = 42;
    d.added_files_size = 1000;
    d.changed_partition_count = 1;
    floe_snapshot_summary *sum = NULL;
    assert_int_equal(floe_snapshot_summary_compute(&sum, NULL, &d), 0);
    floe_snapshot_info si = FLOE_SNAPSHOT_INFO_INIT;
    si.snapshot_id = snap_id;
    si.sequence_number = seq;
    si.timestamp_ms = 1700000000000LL;
    si.manifest_list = "mem://wh/db/t/metadata/snap.avro";
    si.operation = "append";
    si.summary_keys = floe_snapshot_summary_keys(sum);
    si.summary_values = floe_snapshot_summary_values(sum);
    si.summary_count = floe_snapshot_summary_size(sum);
    si.schema_id = floe_table_metadata_current_schema_id(v1);
    floe_snapshot *snap = NULL;
    assert_int_equal(floe_snapshot_new(&snap, &si), 0);

    floe_table_requirement *reqs[2] = {NULL, NULL};
    floe_table_update *upds[2] = {NULL, NULL};
    assert_int_equal(floe_requirement_assert_table_uuid(&reqs[0], floe_table_metadata_uuid(v1)), 0);
    assert_int_equal(
        floe_requirement_assert_ref_snapshot_id(&reqs[1], "main", FLOE_SNAPSHOT_ID_NONE), 0);
    assert_int_equal(floe_update_add_snapshot(&upds[0], snap), 0);
    floe_snapshot_ref ref = FLOE_SNAPSHOT_REF_INIT;
    ref.snapshot_id = snap_id;
    assert_int_equal(floe_update_set_snapshot_ref(&upds[1], "main", &ref), 0);
    /* the same commit as the REST body it would be sent as */
    char *body = NULL;
    assert_int_equal(
        floe_commit_request_to_json(&body, (const char *const[]){"db"}, 1, "t", reqs, 2, upds, 2),
        0);
    floe_commit_request *parsed = NULL;
    assert_int_equal(floe_commit_request_from_json(&parsed, body, strlen(body)), 0);
    size_t nr = 0, nu = 0;
    floe_table_requirement *const *pr = floe_commit_request_requirements(parsed, &nr);
    floe_table_update *const *pu = floe_commit_request_updates(parsed, &nu);
    floe_table_metadata *v2 = NULL;
    assert_int_equal(floe_table_metadata_commit(&v2, v1, loc1, pr, nr, pu, nu), 0);
    char *loc2 = NULL;
    assert_int_equal(floe_table_metadata_next_location(&loc2, o.location, loc1), 0);
    assert_non_null(strstr(loc2, "/metadata/00002-"));
    assert_int_equal(floe_table_metadata_write(io, loc2, v2), 0);

    floe_table_metadata *back = NULL;
    assert_int_equal(floe_table_metadata_read(&back, io, loc2), 0);
    assert_int_equal(floe_table_metadata_current_snapshot_id(back), snap_id);
    assert_int_equal(floe_table_metadata_last_sequence_number(back), seq);
    assert_string_equal(floe_table_metadata_metadata_log_at(back, 0).metadata_file, loc1);
    const floe_snapshot *cur = floe_table_metadata_current_snapshot(back);
    assert_string_equal(floe_snapshot_summary_get(cur, "total-records"), "42");
    /* follow the snapshot down to the data file */
    floe_input_file *in = NULL;
    assert_int_equal(io->open(&in, io, floe_snapshot_manifest_list(cur)), 0);
    floe_manifest_list *list = NULL;
    assert_int_equal(floe_manifest_list_read(&list, in), 0);
    floe_input_close(in);
    const floe_manifest_file *lm = floe_manifest_list_at(list, 0);
    assert_int_equal(lm->sequence_number, seq);
    assert_int_equal(io->open(&in, io, lm->path), 0);
    floe_manifest_reader *r = NULL;
    assert_int_equal(floe_manifest_reader_open(&r, in, lm), 0);
    floe_manifest_entry e;
    int has = 0;
    assert_int_equal(floe_manifest_reader_next(&has, &e, r), 0);
    assert_true(has);
    assert_int_equal(e.sequence_number, seq);
    assert_int_equal(e.snapshot_id, snap_id);
    assert_string_equal(floe_data_file_path(e.data_file), "mem://wh/db/t/data/a.parquet");
    floe_manifest_reader_free(r);
    floe_input_close(in);

    /* a concurrent writer that also saw v1 now conflicts */
    floe_table_metadata *lost = NULL;
    assert_int_equal(floe_table_metadata_commit(&lost, back, loc2, pr, nr, pu, nu), FLOE_ECONFLICT);

    floe_manifest_list_free(list);
    floe_table_metadata_release(back);
    floe_table_metadata_release(v2);
    floe_table_metadata_release(v1);
    floe_commit_request_free(parsed);
    free(body);
    for (int i = 0; i < 2; i++) {
        floe_requirement_free(reqs[i]);
        floe_update_free(upds[i]);
    }
    floe_snapshot_release(snap);
    floe_snapshot_summary_free(sum);
    floe_manifest_file_free(mf);
    floe_data_file_free(df);
    free(loc1);
    free(loc2);
    floe_file_io_free(io);
}

static void test_commit_request_json(void **state)
{
    (void)state;
    floe_table_requirement *r = NULL;
    floe_table_update *u = NULL;
    assert_int_equal(floe_requirement_assert_table_uuid(&r, "u-1"), 0);
    assert_int_equal(floe_update_remove_snapshot_ref(&u, "dev"), 0);
    char *text = NULL;
    assert_int_equal(
        floe_commit_request_to_json(&text, (const char *const[]){"a", "b"}, 2, "t", &r, 1, &u, 1),
        0);
    assert_string_equal(text,
                        "{\"identifier\":{\"namespace\":[\"a\",\"b\"],\"name\":\"t\"},"
                        "\"requirements\":[{\"type\":\"assert-table-uuid\",\"uuid\":\"u-1\"}],"
                        "\"updates\":[{\"action\":\"remove-snapshot-ref\",\"ref-name\":"
                        "\"dev\"}]}");
    floe_commit_request *req = NULL;
    assert_int_equal(floe_commit_request_from_json(&req, text, strlen(text)), 0);
    assert_string_equal(floe_commit_request_name(req), "t");
    assert_int_equal(floe_commit_request_namespace_count(req), 2);
    assert_string_equal(floe_commit_request_namespace_at(req, 1), "b");
    size_t nr = 0, nu = 0;
    floe_table_requirement *const *rs = floe_commit_request_requirements(req, &nr);
    floe_table_update *const *us = floe_commit_request_updates(req, &nu);
    assert_int_equal(nr, 1);
    assert_int_equal(nu, 1);
    assert_int_equal(floe_requirement_get_type(rs[0]), FLOE_REQ_ASSERT_TABLE_UUID);
    assert_int_equal(floe_update_get_type(us[0]), FLOE_UPD_REMOVE_SNAPSHOT_REF);
    floe_commit_request_free(req);
    const char *bad = "{\"requirements\":[],\"updates\":[{\"action\":\"set-location\"}]}";
    assert_int_equal(floe_commit_request_from_json(&req, bad, strlen(bad)), FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "'$.updates[0].location'"));
    free(text);
    floe_requirement_free(r);
    floe_update_free(u);
}

/* A commit under allocation failure either succeeds or reports FLOE_ENOMEM, without leaks. */
static void test_allocation_failures_are_reported(void **state)
{
    (void)state;
    floe_table_metadata *base = base_md();
    floe_snapshot *s = snap(77, SNAP_B, 35, 1700000000000LL, 1);
    floe_table_update *u[3] = {NULL, NULL, NULL};
    assert_int_equal(floe_update_add_snapshot(&u[0], s), 0);
    floe_snapshot_ref ref = FLOE_SNAPSHOT_REF_INIT;
    ref.snapshot_id = 77;
    assert_int_equal(floe_update_set_snapshot_ref(&u[1], "main", &ref), 0);
    assert_int_equal(floe_update_remove_snapshots(&u[2], (const int64_t[]){SNAP_A}, 1), 0);
    floe_table_requirement *r = NULL;
    assert_int_equal(floe_requirement_assert_ref_snapshot_id(&r, "main", SNAP_B), 0);
    int succeeded = 0;
    for (long n = 1; n < 5000 && !succeeded; n++) {
        floe_alloc_fail_after(n);
        floe_table_metadata *md = NULL;
        int rc = floe_table_metadata_commit(&md, base, "s3://m/1.metadata.json", &r, 1, u, 3);
        floe_alloc_fail_after(0);
        if (rc == 0) {
            succeeded = 1;
            assert_int_equal(floe_table_metadata_current_snapshot_id(md), 77);
        } else if (rc != FLOE_ENOMEM && !strstr(floe_error_last(), "out of memory")) {
            /* the partition spec parser reports some allocation failures as corrupt JSON; the
             * message still says "out of memory" */
            fail_msg("allocation %ld: %d %s", n, rc, floe_error_last());
        }
        floe_table_metadata_release(md);
    }
    assert_true(succeeded);
    for (int i = 0; i < 3; i++)
        floe_update_free(u[i]);
    floe_requirement_free(r);
    floe_snapshot_release(s);
    floe_table_metadata_release(base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_requirement_passes_and_fails_with_values),
        cmocka_unit_test(test_assert_create_passes_without_base_and_others_fail),
        cmocka_unit_test(test_requirement_and_update_json_round_trip_exactly),
        cmocka_unit_test(test_assign_uuid_and_upgrade_format_version),
        cmocka_unit_test(test_add_schema_set_current_and_remove_schemas),
        cmocka_unit_test(test_add_spec_set_default_and_remove_specs),
        cmocka_unit_test(test_add_sort_order_and_set_default),
        cmocka_unit_test(test_add_snapshot_and_main_ref_update_log_and_sequence),
        cmocka_unit_test(test_set_and_remove_refs),
        cmocka_unit_test(test_remove_snapshots_drops_refs_stats_and_older_log),
        cmocka_unit_test(test_properties_location_and_statistics),
        cmocka_unit_test(test_metadata_log_trimmed_to_previous_versions_max),
        cmocka_unit_test(test_new_table_has_fresh_ids),
        cmocka_unit_test(test_object_constructors_match_json_ones),
        cmocka_unit_test(test_commit_request_json),
        cmocka_unit_test(test_commit_path_end_to_end),
        cmocka_unit_test(test_allocation_failures_are_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
