/* End to end: a table created by the metadata builder evolves its schema and partition spec
 * through the updates that floe_schema_update and floe_spec_update produce. */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#include <floe/error.h>
#include "base/alloc.h"
#include <floe/iceberg/builder.h>
#include <floe/iceberg/schema_update.h>
#include <floe/iceberg/spec_update.h>

static floe_table_metadata *create(void)
{
    floe_new_table_options o = FLOE_NEW_TABLE_OPTIONS_INIT;
    o.location = "/w/db/orders";
    o.schema_json = "{\"type\":\"struct\",\"schema-id\":0,\"identifier-field-ids\":[1],\"fields\":["
                    "{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"},"
                    "{\"id\":2,\"name\":\"amount\",\"required\":false,\"type\":\"decimal(10,2)\"},"
                    "{\"id\":3,\"name\":\"qty\",\"required\":false,\"type\":\"int\"},"
                    "{\"id\":4,\"name\":\"ts\",\"required\":false,\"type\":\"timestamptz\"}]}";
    o.spec_json = "{\"spec-id\":0,\"fields\":[{\"name\":\"ts_day\",\"transform\":\"day\","
                  "\"source-id\":4,\"field-id\":1000}]}";
    floe_table_metadata *md = NULL;
    if (floe_table_metadata_new_table(&md, &o))
        fail_msg("%s", floe_error_last());
    return md;
}

static floe_table_metadata *commit(floe_table_metadata *md, floe_table_changes *c)
{
    floe_table_metadata *next = NULL;
    if (floe_table_metadata_commit(&next, md, NULL, c->requirements, c->requirement_count,
                                   c->updates, c->update_count))
        fail_msg("%s", floe_error_last());
    floe_table_changes_clear(c);
    return next;
}

static char JSON[65536];

static const char *metadata_json(const floe_table_metadata *md)
{
    char *j = NULL;
    assert_int_equal(floe_table_metadata_to_json(&j, md, 0), 0);
    assert_true(strlen(j) < sizeof(JSON));
    memcpy(JSON, j, strlen(j) + 1);
    free(j);
    return JSON;
}

static void has(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle))
        fail_msg("'%s' not in %s", needle, haystack);
}

static size_t occurrences(const char *haystack, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(haystack, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void test_evolve_schema_and_spec_through_the_builder_US3(void **state)
{
    (void)state;
    floe_table_metadata *md0 = create();

    /* Schema: add a column, rename one, widen two. */
    floe_schema_update *su = NULL;
    assert_int_equal(floe_schema_update_new(&su, md0, NULL), 0);
    floe_type *str = NULL, *l = NULL, *dec = NULL;
    assert_int_equal(floe_type_parse(&str, "string"), 0);
    assert_int_equal(floe_type_parse(&l, "long"), 0);
    assert_int_equal(floe_type_parse(&dec, "decimal(18,2)"), 0);
    assert_int_equal(floe_schema_update_add_column(su, NULL, "region", str, "sales region"), 0);
    assert_int_equal(floe_schema_update_rename_column(su, "qty", "quantity"), 0);
    assert_int_equal(floe_schema_update_update_column_type(su, "qty", l), 0);
    assert_int_equal(floe_schema_update_update_column_type(su, "amount", dec), 0);
    floe_table_changes c;
    assert_int_equal(floe_schema_update_commit(&c, NULL, su), 0);
    floe_schema_update_free(su);
    assert_int_equal(c.update_count, 2);
    floe_table_metadata *md1 = commit(md0, &c);

    const char *j = metadata_json(md1);
    has(j, "\"current-schema-id\":1");
    has(j, "\"last-column-id\":5");
    assert_int_equal(floe_table_metadata_schema_count(md1), 2);
    has(j, "{\"id\":3,\"name\":\"quantity\",\"required\":false,\"type\":\"long\"}");
    has(j, "{\"id\":2,\"name\":\"amount\",\"required\":false,\"type\":\"decimal(18,2)\"}");
    has(j, "{\"id\":5,\"name\":\"region\",\"required\":false,\"type\":\"string\",\"doc\":\"sales "
           "region\"}");
    has(j, "\"identifier-field-ids\":[1]");

    /* A narrowing change is refused with the rule and changes nothing. */
    assert_int_equal(floe_schema_update_new(&su, md1, NULL), 0);
    floe_type *narrow = NULL;
    assert_int_equal(floe_type_parse(&narrow, "decimal(8,2)"), 0);
    assert_int_equal(floe_schema_update_update_column_type(su, "amount", narrow), FLOE_ESCHEMA);
    assert_string_equal(floe_error_last(), "cannot change column 'amount' from decimal(18,2) to "
                                           "decimal(8,2): decimal precision can only widen");
    floe_type_free(narrow);
    floe_schema_update_free(su);

    /* Spec: partition by the new column too, by hour instead of day. */
    floe_spec_update *pu = NULL;
    assert_int_equal(floe_spec_update_new(&pu, md1, NULL), 0);
    assert_int_equal(floe_spec_update_add_identity(pu, "region"), 0);
    assert_int_equal(floe_spec_update_remove_field(pu, "ts_day"), 0);
    assert_int_equal(floe_spec_update_add_field(pu, "ts", "hour", NULL), 0);
    assert_int_equal(floe_spec_update_commit(&c, NULL, pu), 0);
    floe_spec_update_free(pu);
    floe_table_metadata *md2 = commit(md1, &c);
    j = metadata_json(md2);
    has(j, "\"default-spec-id\":1");
    has(j, "\"last-partition-id\":1002");
    const floe_partition_spec *spec1 = floe_table_metadata_spec(md2, 1);
    assert_non_null(spec1);
    assert_int_equal(floe_partition_spec_field_count(spec1), 2);
    const floe_partition_field *pf = floe_partition_spec_field_at(spec1, 0);
    assert_string_equal(floe_partition_field_name(pf), "region");
    assert_int_equal(floe_partition_field_id(pf), 1001);
    assert_int_equal(floe_partition_field_source_id(pf), 5);
    assert_string_equal(floe_partition_field_transform_string(pf), "identity");
    pf = floe_partition_spec_field_at(spec1, 1);
    assert_string_equal(floe_partition_field_name(pf), "ts_hour");
    assert_int_equal(floe_partition_field_id(pf), 1002);
    assert_int_equal(floe_partition_field_source_id(pf), 4);
    assert_string_equal(floe_partition_field_transform_string(pf), "hour");
    has(j, "{\"spec-id\":0,\"fields\":[{\"name\":\"ts_day\",\"transform\":\"day\","
           "\"source-id\":4,\"field-id\":1000}]}");

    /* Dropping the added column again: the region partition must go first. */
    assert_int_equal(floe_spec_update_new(&pu, md2, NULL), 0);
    assert_int_equal(floe_spec_update_remove_identity(pu, "region"), 0);
    assert_int_equal(floe_spec_update_remove_field(pu, "ts_hour"), 0);
    assert_int_equal(floe_spec_update_add_field(pu, "ts", "day", NULL), 0);
    assert_int_equal(floe_spec_update_commit(&c, NULL, pu), 0);
    floe_spec_update_free(pu);
    assert_int_equal(c.update_count, 1); /* spec 0 again */
    floe_table_metadata *md3 = commit(md2, &c);
    assert_int_equal(floe_table_metadata_default_spec_id(md3), 0);
    assert_int_equal(floe_table_metadata_spec_count(md3), 2);

    /* Renaming and deleting a column in one update is refused; deleting it alone gives a new
     * schema 2 (no earlier schema has this shape). */
    assert_int_equal(floe_schema_update_new(&su, md3, NULL), 0);
    assert_int_equal(floe_schema_update_rename_column(su, "region", "area"), 0);
    assert_int_equal(floe_schema_update_delete_column(su, "region"), FLOE_EINVALID);
    floe_schema_update_free(su);
    assert_int_equal(floe_schema_update_new(&su, md3, NULL), 0);
    assert_int_equal(floe_schema_update_delete_column(su, "region"), 0);
    assert_int_equal(floe_schema_update_commit(&c, NULL, su), 0);
    floe_schema_update_free(su);
    floe_table_metadata *md4 = commit(md3, &c);
    j = metadata_json(md4);
    has(j, "\"current-schema-id\":2");
    has(j, "\"last-column-id\":5");
    assert_int_equal(occurrences(j, "\"schema-id\":"), 3);

    /* An update that changes nothing yields no updates at all. */
    assert_int_equal(floe_schema_update_new(&su, md4, NULL), 0);
    assert_int_equal(floe_schema_update_commit(&c, NULL, su), 0);
    assert_int_equal(c.update_count, 0);
    assert_int_equal(c.requirement_count, 1);
    floe_table_changes_clear(&c);
    floe_schema_update_free(su);

    floe_type_free(str);
    floe_type_free(l);
    floe_type_free(dec);
    floe_table_metadata_release(md4);
    floe_table_metadata_release(md3);
    floe_table_metadata_release(md2);
    floe_table_metadata_release(md1);
    floe_table_metadata_release(md0);
}

static void test_existing_schema_is_reused_not_duplicated(void **state)
{
    (void)state;
    floe_table_metadata *md0 = create();
    floe_schema_update *su = NULL;
    floe_type *str = NULL;
    assert_int_equal(floe_type_parse(&str, "string"), 0);
    assert_int_equal(floe_schema_update_new(&su, md0, NULL), 0);
    assert_int_equal(floe_schema_update_add_column(su, NULL, "note", str, NULL), 0);
    floe_table_changes c;
    assert_int_equal(floe_schema_update_commit(&c, NULL, su), 0);
    floe_schema_update_free(su);
    floe_table_metadata *md1 = commit(md0, &c);
    assert_int_equal(floe_table_metadata_current_schema_id(md1), 1);

    /* Deleting the column again gives schema 0's structure: switch back to it. */
    assert_int_equal(floe_schema_update_new(&su, md1, NULL), 0);
    assert_int_equal(floe_schema_update_delete_column(su, "note"), 0);
    floe_schema *s = NULL;
    assert_int_equal(floe_schema_update_commit(&c, &s, su), 0);
    floe_schema_update_free(su);
    assert_int_equal(floe_schema_id(s), 0);
    floe_schema_free(s);
    assert_int_equal(c.update_count, 1);
    assert_int_equal(c.requirement_count, 1);
    char *j = NULL;
    assert_int_equal(floe_update_to_json(&j, c.updates[0]), 0);
    assert_string_equal(j, "{\"action\":\"set-current-schema\",\"schema-id\":0}");
    free(j);
    assert_int_equal(floe_requirement_to_json(&j, c.requirements[0]), 0);
    assert_string_equal(j, "{\"type\":\"assert-current-schema-id\",\"current-schema-id\":1}");
    free(j);
    floe_table_metadata *md2 = commit(md1, &c);
    assert_int_equal(floe_table_metadata_current_schema_id(md2), 0);
    assert_int_equal(floe_table_metadata_schema_count(md2), 2);
    assert_int_equal(floe_table_metadata_last_column_id(md2), 5);

    /* A doc is part of the schema (as in the reference's sameSchema): a doc-only change is
     * committed as a new schema, not as a switch back to schema 0. */
    assert_int_equal(floe_schema_update_new(&su, md2, NULL), 0);
    assert_int_equal(floe_schema_update_update_column_doc(su, "ts", "event time"), 0);
    assert_int_equal(floe_schema_update_commit(&c, NULL, su), 0);
    floe_schema_update_free(su);
    assert_int_equal(c.update_count, 2);
    assert_int_equal(floe_update_get_type(c.updates[0]), FLOE_UPD_ADD_SCHEMA);
    assert_int_equal(floe_update_to_json(&j, c.updates[0]), 0);
    has(j, "\"doc\":\"event time\"");
    free(j);
    floe_table_changes_clear(&c);

    /* A stale update (made against md1, whose current schema was 1) fails the builder's
     * requirement check on md2. */
    assert_int_equal(floe_schema_update_new(&su, md1, NULL), 0);
    assert_int_equal(floe_schema_update_add_column(su, NULL, "late", str, NULL), 0);
    assert_int_equal(floe_schema_update_commit(&c, NULL, su), 0);
    floe_schema_update_free(su);
    floe_table_metadata *bad = NULL;
    assert_int_equal(floe_table_metadata_commit(&bad, md2, NULL, c.requirements,
                                                c.requirement_count, c.updates, c.update_count),
                     FLOE_ECONFLICT);
    floe_table_changes_clear(&c);

    floe_type_free(str);
    floe_table_metadata_release(md2);
    floe_table_metadata_release(md1);
    floe_table_metadata_release(md0);
}

static void test_partition_and_sort_sources_cannot_be_deleted(void **state)
{
    (void)state;
    floe_table_metadata *md0 = create();
    floe_schema_update *su = NULL;
    assert_int_equal(floe_schema_update_new(&su, md0, NULL), 0);
    assert_int_equal(floe_schema_update_delete_column(su, "ts"), FLOE_ESCHEMA);
    assert_string_equal(floe_error_last(), "cannot delete column 'ts': partition field 'ts_day' "
                                           "of the default spec 0 uses it; remove that partition "
                                           "field first");
    floe_schema_update_free(su);

    floe_spec_update *pu = NULL;
    floe_table_changes c;
    assert_int_equal(floe_spec_update_new(&pu, md0, NULL), 0);
    assert_int_equal(floe_spec_update_remove_field(pu, "ts_day"), 0);
    assert_int_equal(floe_spec_update_commit(&c, NULL, pu), 0);
    floe_spec_update_free(pu);
    floe_table_metadata *md1 = commit(md0, &c);
    assert_true(floe_partition_spec_is_unpartitioned(floe_table_metadata_default_spec(md1)));

    assert_int_equal(floe_schema_update_new(&su, md1, NULL), 0);
    assert_int_equal(floe_schema_update_delete_column(su, "ts"), 0);
    assert_int_equal(floe_schema_update_commit(&c, NULL, su), 0);
    floe_schema_update_free(su);
    floe_table_metadata *md2 = commit(md1, &c);
    assert_null(floe_schema_find_field(floe_table_metadata_current_schema(md2), 4));
    assert_int_equal(floe_table_metadata_last_column_id(md2), 4);
    floe_table_metadata_release(md2);
    floe_table_metadata_release(md1);
    floe_table_metadata_release(md0);
}

static void test_v3_date_promotion_refused_for_identity_partition_source(void **state)
{
    (void)state;
    const char *json =
        "{\"format-version\":3,\"table-uuid\":\"9c12d441-03fe-4693-9a96-a0705ddf69c1\","
        "\"location\":\"/w/t\",\"last-sequence-number\":0,\"last-updated-ms\":1,"
        "\"last-column-id\":2,\"current-schema-id\":0,\"schemas\":[{\"type\":\"struct\","
        "\"schema-id\":0,\"fields\":[{\"id\":1,\"name\":\"d\",\"required\":false,"
        "\"type\":\"date\"},{\"id\":2,\"name\":\"e\",\"required\":false,\"type\":"
        "\"date\"}]}],\"default-spec-id\":1,\"partition-specs\":[{\"spec-id\":0,\"fields\":[{"
        "\"name\":\"d\",\"transform\":\"identity\",\"source-id\":1,\"field-id\":1000}]},{"
        "\"spec-id\":1,\"fields\":[{\"name\":\"e_month\",\"transform\":\"month\","
        "\"source-id\":2,\"field-id\":1001}]}],\"last-partition-id\":1001,"
        "\"default-sort-order-id\":0,\"sort-orders\":[{\"order-id\":0,\"fields\":[]}],"
        "\"properties\":{},\"current-snapshot-id\":-1,\"refs\":{},\"snapshots\":[],"
        "\"next-row-id\":0}";
    floe_table_metadata *md = NULL;
    if (floe_table_metadata_from_json(&md, json, strlen(json)))
        fail_msg("%s", floe_error_last());
    floe_schema_update *su = NULL;
    assert_int_equal(floe_schema_update_new(&su, md, NULL), 0);
    floe_type *ts = NULL;
    assert_int_equal(floe_type_parse(&ts, "timestamp"), 0);
    /* d fed an identity partition in an older spec: its partition values would change. */
    assert_int_equal(floe_schema_update_update_column_type(su, "d", ts), FLOE_ESCHEMA);
    if (!strstr(floe_error_last(), "cannot change column 'd' from date to timestamp: it is the "
                                   "source of an identity, bucket or truncate partition field"))
        fail_msg("%s", floe_error_last());
    /* month(e) gives the same value for a date and the timestamp at its midnight. */
    assert_int_equal(floe_schema_update_update_column_type(su, "e", ts), 0);
    floe_schema *s = NULL;
    assert_int_equal(floe_schema_update_apply(&s, su), 0);
    assert_int_equal(floe_type_get_kind(floe_field_type(floe_schema_find_field(s, 2))),
                     FLOE_TYPE_TIMESTAMP);
    floe_schema_free(s);
    floe_type_free(ts);
    floe_schema_update_free(su);
    floe_table_metadata_release(md);
}

static void test_allocation_failures_are_reported(void **state)
{
    (void)state;
    floe_table_metadata *md = create();
    floe_type *str = NULL, *l = NULL;
    assert_int_equal(floe_type_parse(&str, "string"), 0);
    assert_int_equal(floe_type_parse(&l, "long"), 0);
    bool done = false;
    for (long n = 1; n < 5000 && !done; n++) {
        floe_alloc_fail_after(n);
        floe_schema_update *su = NULL;
        floe_spec_update *pu = NULL;
        floe_table_changes c = {0}, d = {0};
        int rc = floe_schema_update_new(&su, md, NULL);
        if (rc == 0)
            rc = floe_schema_update_add_column(su, NULL, "region", str, "doc");
        if (rc == 0)
            rc = floe_schema_update_rename_column(su, "qty", "quantity");
        if (rc == 0)
            rc = floe_schema_update_update_column_type(su, "qty", l);
        if (rc == 0)
            rc = floe_schema_update_union_by_name(su, floe_table_metadata_current_schema(md));
        if (rc == 0)
            rc = floe_schema_update_commit(&c, NULL, su);
        if (rc == 0)
            rc = floe_spec_update_new(&pu, md, NULL);
        if (rc == 0)
            rc = floe_spec_update_add_field(pu, "id", "bucket[8]", NULL);
        if (rc == 0)
            rc = floe_spec_update_rename_field(pu, "ts_day", "day");
        if (rc == 0)
            rc = floe_spec_update_commit(&d, NULL, pu);
        floe_alloc_fail_after(0);
        if (rc == 0) {
            done = true;
            assert_int_equal(c.update_count, 2);
            assert_int_equal(d.update_count, 2);
        } else if (rc != FLOE_ENOMEM && !strstr(floe_error_last(), "out of memory")) {
            fail_msg("allocation %ld: %d %s", n, rc, floe_error_last());
        }
        floe_table_changes_clear(&c);
        floe_table_changes_clear(&d);
        floe_schema_update_free(su);
        floe_spec_update_free(pu);
    }
    assert_true(done);
    floe_type_free(str);
    floe_type_free(l);
    floe_table_metadata_release(md);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_evolve_schema_and_spec_through_the_builder_US3),
        cmocka_unit_test(test_existing_schema_is_reused_not_duplicated),
        cmocka_unit_test(test_partition_and_sort_sources_cannot_be_deleted),
        cmocka_unit_test(test_v3_date_promotion_refused_for_identity_partition_source),
        cmocka_unit_test(test_allocation_failures_are_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
