#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/builder.h>
#include <floe/iceberg/spec_update.h>

static const char *SCHEMA =
    "{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
    "{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"},"
    "{\"id\":2,\"name\":\"ts\",\"required\":false,\"type\":\"timestamptz\"},"
    "{\"id\":3,\"name\":\"category\",\"required\":false,\"type\":\"string\"},"
    "{\"id\":4,\"name\":\"name\",\"required\":false,\"type\":\"string\"},"
    "{\"id\":5,\"name\":\"loc\",\"required\":false,\"type\":{\"type\":\"struct\",\"fields\":["
    "{\"id\":6,\"name\":\"zip\",\"required\":false,\"type\":\"int\"}]}}]}";

static const char *SPEC = "{\"spec-id\":0,\"fields\":["
                          "{\"name\":\"ts_day\",\"transform\":\"day\",\"source-id\":2,"
                          "\"field-id\":1000},"
                          "{\"name\":\"category\",\"transform\":\"identity\",\"source-id\":3,"
                          "\"field-id\":1001}]}";

static floe_table_metadata *table_v1(void)
{
    char json[4096];
    snprintf(json, sizeof(json),
             "{\"format-version\":1,\"table-uuid\":\"9c12d441-03fe-4693-9a96-a0705ddf69c1\","
             "\"location\":\"/w/db/t\",\"last-updated-ms\":1,\"last-column-id\":6,"
             "\"schema\":%s,\"partition-spec\":%s,\"last-partition-id\":1001,"
             "\"properties\":{},\"current-snapshot-id\":-1,\"snapshots\":[]}",
             SCHEMA, strchr(SPEC, '['));
    floe_table_metadata *md = NULL;
    /* SPEC ends with "]}": drop the object's closing brace from the embedded list. */
    char *end = strstr(json, "]},\"last-partition-id");
    memmove(end + 1, end + 2, strlen(end + 2) + 1);
    if (floe_table_metadata_from_json(&md, json, strlen(json)))
        fail_msg("%s: %s", floe_error_last(), json);
    return md;
}

static floe_table_metadata *table(int format_version)
{
    if (format_version == 1)
        return table_v1();
    floe_new_table_options o = FLOE_NEW_TABLE_OPTIONS_INIT;
    o.location = "/w/db/t";
    o.schema_json = SCHEMA;
    o.spec_json = SPEC;
    o.format_version = format_version;
    floe_table_metadata *md = NULL;
    if (floe_table_metadata_new_table(&md, &o))
        fail_msg("%s", floe_error_last());
    return md;
}

static floe_spec_update *start(floe_table_metadata *md)
{
    floe_spec_update *u = NULL;
    if (floe_spec_update_new(&u, md, NULL))
        fail_msg("%s", floe_error_last());
    return u;
}

static char DESC[2048];

/* "1000 ts_day day(2), ..." */
static const char *describe(const floe_partition_spec *s)
{
    DESC[0] = '\0';
    for (size_t i = 0; i < floe_partition_spec_field_count(s); i++) {
        const floe_partition_field *f = floe_partition_spec_field_at(s, i);
        snprintf(DESC + strlen(DESC), sizeof(DESC) - strlen(DESC), "%s%d %s %s(%d)", i ? ", " : "",
                 (int)floe_partition_field_id(f), floe_partition_field_name(f),
                 floe_partition_field_transform_string(f), (int)floe_partition_field_source_id(f));
    }
    return DESC;
}

static const char *applied(floe_spec_update *u, int expect_id)
{
    floe_partition_spec *s = NULL;
    if (floe_spec_update_apply(&s, u))
        fail_msg("%s", floe_error_last());
    assert_int_equal(floe_partition_spec_id(s), expect_id);
    describe(s);
    floe_partition_spec_free(s);
    return DESC;
}

static void expect_error(int rc, int code, const char *fragment)
{
    assert_int_equal(rc, code);
    if (!strstr(floe_error_last(), fragment))
        fail_msg("message '%s' lacks '%s'", floe_error_last(), fragment);
}

/* Commits the changes through the metadata builder. */
static floe_table_metadata *commit(floe_table_metadata *md, floe_table_changes *c)
{
    floe_table_metadata *next = NULL;
    if (floe_table_metadata_commit(&next, md, NULL, c->requirements, c->requirement_count,
                                   c->updates, c->update_count))
        fail_msg("%s", floe_error_last());
    return next;
}

static void test_add_fields_with_reference_default_names(void **state)
{
    (void)state;
    floe_table_metadata *md = table(2);
    floe_spec_update *u = start(md);
    assert_int_equal(floe_spec_update_add_field(u, "id", "bucket[16]", NULL), 0);
    assert_int_equal(floe_spec_update_add_field(u, "name", "truncate[4]", NULL), 0);
    assert_int_equal(floe_spec_update_add_field(u, "loc.zip", "identity", NULL), 0);
    assert_int_equal(floe_spec_update_add_field(u, "id", "truncate[10]", "id_tens"), 0);
    assert_string_equal(applied(u, 1), "1000 ts_day day(2), 1001 category identity(3), 1002 "
                                       "id_bucket_16 bucket[16](1), 1003 name_trunc_4 "
                                       "truncate[4](4), 1004 loc.zip identity(6), 1005 id_tens "
                                       "truncate[10](1)");
    floe_spec_update_free(u);

    u = start(md);
    assert_int_equal(floe_spec_update_remove_field(u, "ts_day"), 0);
    assert_int_equal(floe_spec_update_add_field(u, "ts", "hour", NULL), 0);
    assert_string_equal(applied(u, 1), "1001 category identity(3), 1002 ts_hour hour(2)");
    floe_spec_update_free(u);
    const char *names[][2] = {{"year", "ts_year"}, {"month", "ts_month"}};
    for (size_t i = 0; i < 2; i++) {
        u = start(md);
        assert_int_equal(floe_spec_update_remove_field(u, "ts_day"), 0);
        assert_int_equal(floe_spec_update_add_field(u, "ts", names[i][0], NULL), 0);
        assert_non_null(strstr(applied(u, 1), names[i][1]));
        floe_spec_update_free(u);
    }
    floe_table_metadata_release(md);
}

static void test_add_rejections(void **state)
{
    (void)state;
    floe_table_metadata *md = table(2);
    floe_spec_update *u = start(md);
    expect_error(floe_spec_update_add_field(u, "ts", "day", NULL), FLOE_EINVALID,
                 "cannot add day(ts): partition field 'ts_day' already partitions by it");
    expect_error(floe_spec_update_add_identity(u, "category"), FLOE_EINVALID, "already");
    expect_error(floe_spec_update_add_field(u, "ts", "hour", NULL), FLOE_EINVALID,
                 "cannot add hour(ts): redundant with partition field 'ts_day' (day of the same "
                 "column)");
    expect_error(floe_spec_update_add_field(u, "ts", "year", NULL), FLOE_EINVALID, "redundant");
    expect_error(floe_spec_update_add_field(u, "id", "bucket[4]", "category"), FLOE_EINVALID,
                 "the name 'category' is already used by partition field 1001");
    expect_error(floe_spec_update_add_field(u, "id", "bucket[4]", "name"), FLOE_EINVALID,
                 "the name 'name' is a schema column");
    expect_error(floe_spec_update_add_field(u, "category", "day", NULL), FLOE_EINVALID,
                 "cannot partition by day(category): the transform does not apply to string");
    expect_error(floe_spec_update_add_field(u, "nope", "identity", NULL), FLOE_ENOTFOUND, "'nope'");
    expect_error(floe_spec_update_add_field(u, "id", "zorder", NULL), FLOE_EINVALID, "'zorder'");
    expect_error(floe_spec_update_add_field(u, "id", "void", NULL), FLOE_EINVALID, "'void'");
    expect_error(floe_spec_update_add_field(u, "id", "bucket[x]", NULL), FLOE_EINVALID, "");
    assert_int_equal(floe_spec_update_add_field(u, "id", "bucket[8]", NULL), 0);
    expect_error(floe_spec_update_add_field(u, "id", "bucket[8]", "other"), FLOE_EINVALID,
                 "already partitions by it");
    expect_error(floe_spec_update_add_field(u, "name", "identity", "id_bucket_8"), FLOE_EINVALID,
                 "already used");
    assert_string_equal(applied(u, 1), "1000 ts_day day(2), 1001 category identity(3), 1002 "
                                       "id_bucket_8 bucket[8](1)");
    floe_spec_update_free(u);
    floe_table_metadata_release(md);
}

static void test_remove_and_rename(void **state)
{
    (void)state;
    floe_table_metadata *md = table(2);
    floe_spec_update *u = start(md);
    assert_int_equal(floe_spec_update_rename_field(u, "ts_day", "day"), 0);
    assert_int_equal(floe_spec_update_remove_identity(u, "category"), 0);
    assert_string_equal(applied(u, 1), "1000 day day(2)");
    expect_error(floe_spec_update_remove_field(u, "ts_day"), FLOE_EINVALID,
                 "cannot remove partition field 'ts_day': it is renamed by this update");
    expect_error(floe_spec_update_rename_field(u, "category", "c"), FLOE_EINVALID,
                 "cannot rename partition field 'category': it is removed by this update");
    expect_error(floe_spec_update_remove_field_by_source(u, "category", "identity"), FLOE_EINVALID,
                 "cannot remove identity(category): it is already removed");
    expect_error(floe_spec_update_remove_field(u, "nope"), FLOE_ENOTFOUND,
                 "no partition field named 'nope' in spec 0");
    expect_error(floe_spec_update_remove_field_by_source(u, "id", "bucket[2]"), FLOE_ENOTFOUND,
                 "no partition field bucket[2](id)");
    expect_error(floe_spec_update_rename_field(u, "ts_day", "category"), FLOE_EINVALID,
                 "is a schema column");
    expect_error(floe_spec_update_rename_field(u, "ts_day", ""), FLOE_EINVALID, "empty");
    assert_int_equal(floe_spec_update_add_field(u, "id", "bucket[2]", NULL), 0);
    expect_error(floe_spec_update_remove_field(u, "id_bucket_2"), FLOE_EINVALID,
                 "it is added by this update");
    expect_error(floe_spec_update_rename_field(u, "id_bucket_2", "b"), FLOE_EINVALID,
                 "added by this update");
    floe_spec_update_free(u);

    u = start(md);
    assert_int_equal(floe_spec_update_remove_field_by_source(u, "ts", "day"), 0);
    /* Adding the removed partition back in the same update keeps its field id. */
    assert_int_equal(floe_spec_update_add_field(u, "ts", "day", "d"), 0);
    assert_string_equal(applied(u, 1), "1000 d day(2), 1001 category identity(3)");
    floe_spec_update_free(u);
    floe_table_metadata_release(md);
}

static void test_v1_removal_keeps_a_void_field(void **state)
{
    (void)state;
    floe_table_metadata *md = table(1);
    floe_spec_update *u = start(md);
    assert_int_equal(floe_spec_update_remove_field(u, "ts_day"), 0);
    assert_int_equal(floe_spec_update_add_field(u, "id", "bucket[4]", NULL), 0);
    expect_error(floe_spec_update_add_field(u, "name", "identity", "ts_day"), FLOE_EINVALID,
                 "already used");
    assert_string_equal(applied(u, 1), "1000 ts_day void(2), 1001 category identity(3), 1002 "
                                       "id_bucket_4 bucket[4](1)");
    floe_spec_update_free(u);
    floe_table_metadata_release(md);
}

static char *req_json(const floe_table_requirement *r)
{
    char *j = NULL;
    assert_int_equal(floe_requirement_to_json(&j, r), 0);
    return j;
}

static char *upd_json(const floe_table_update *x)
{
    char *j = NULL;
    assert_int_equal(floe_update_to_json(&j, x), 0);
    return j;
}

static void test_commit_adds_spec_and_reuses_ids_and_specs(void **state)
{
    (void)state;
    floe_table_metadata *md = table(2);
    floe_spec_update *u = start(md);
    floe_table_changes c;
    assert_int_equal(floe_spec_update_commit(&c, NULL, u), 0);
    assert_int_equal(c.update_count, 0);
    floe_table_changes_clear(&c);
    assert_int_equal(floe_spec_update_remove_field(u, "ts_day"), 0);
    assert_int_equal(floe_spec_update_add_field(u, "id", "bucket[16]", NULL), 0);
    floe_partition_spec *spec = NULL;
    assert_int_equal(floe_spec_update_commit(&c, &spec, u), 0);
    assert_int_equal(floe_partition_spec_id(spec), 1);
    floe_partition_spec_free(spec);
    floe_spec_update_free(u);
    assert_int_equal(c.requirement_count, 2);
    char *j = req_json(c.requirements[0]);
    assert_string_equal(j, "{\"type\":\"assert-default-spec-id\",\"default-spec-id\":0}");
    free(j);
    j = req_json(c.requirements[1]);
    assert_string_equal(
        j, "{\"type\":\"assert-last-assigned-partition-id\",\"last-assigned-partition-id\":1001}");
    free(j);
    assert_int_equal(c.update_count, 2);
    j = upd_json(c.updates[0]);
    assert_non_null(strstr(j, "\"action\":\"add-spec\""));
    assert_non_null(strstr(j, "\"name\":\"id_bucket_16\""));
    assert_non_null(strstr(j, "\"field-id\":1002"));
    free(j);
    j = upd_json(c.updates[1]);
    assert_string_equal(j, "{\"action\":\"set-default-spec\",\"spec-id\":-1}");
    free(j);
    floe_table_metadata *md1 = commit(md, &c);
    floe_table_changes_clear(&c);
    assert_int_equal(floe_table_metadata_default_spec_id(md1), 1);
    assert_int_equal(floe_table_metadata_last_partition_id(md1), 1002);

    /* day(ts) comes back with its old id and name; dropping the bucket again gives spec 0. */
    u = start(md1);
    assert_int_equal(floe_spec_update_remove_field(u, "id_bucket_16"), 0);
    assert_int_equal(floe_spec_update_add_field(u, "ts", "day", NULL), 0);
    assert_string_equal(applied(u, 2), "1001 category identity(3), 1000 ts_day day(2)");
    assert_int_equal(floe_spec_update_commit(&c, NULL, u), 0);
    floe_spec_update_free(u);
    /* Field order differs from spec 0, so this is a new spec 2 that recycles id 1000. */
    assert_int_equal(c.update_count, 2);
    floe_table_metadata *md2 = commit(md1, &c);
    floe_table_changes_clear(&c);
    assert_int_equal(floe_table_metadata_default_spec_id(md2), 2);
    assert_int_equal(floe_table_metadata_last_partition_id(md2), 1002);
    assert_string_equal(describe(floe_table_metadata_default_spec(md2)),
                        "1001 category identity(3), 1000 ts_day day(2)");

    /* Re-creating spec 1 exactly only switches the default spec back to it. */
    u = start(md2);
    assert_int_equal(floe_spec_update_remove_field(u, "ts_day"), 0);
    assert_int_equal(floe_spec_update_add_field(u, "id", "bucket[16]", NULL), 0);
    assert_int_equal(floe_spec_update_commit(&c, NULL, u), 0);
    floe_spec_update_free(u);
    assert_int_equal(c.update_count, 1);
    j = upd_json(c.updates[0]);
    assert_string_equal(j, "{\"action\":\"set-default-spec\",\"spec-id\":1}");
    free(j);
    floe_table_metadata *md3 = commit(md2, &c);
    floe_table_changes_clear(&c);
    assert_int_equal(floe_table_metadata_default_spec_id(md3), 1);
    assert_int_equal(floe_table_metadata_spec_count(md3), 3);
    floe_table_metadata_release(md3);
    floe_table_metadata_release(md2);
    floe_table_metadata_release(md1);
    floe_table_metadata_release(md);
}

static void test_case_insensitive_source_names(void **state)
{
    (void)state;
    floe_table_metadata *md = table(2);
    floe_spec_update_options o = FLOE_SPEC_UPDATE_OPTIONS_INIT;
    o.case_sensitive = false;
    floe_spec_update *u = NULL;
    assert_int_equal(floe_spec_update_new(&u, md, &o), 0);
    assert_int_equal(floe_spec_update_add_field(u, "NAME", "identity", NULL), 0);
    assert_non_null(strstr(applied(u, 1), "1002 name identity(4)"));
    floe_spec_update_free(u);
    u = start(md);
    expect_error(floe_spec_update_add_field(u, "NAME", "identity", NULL), FLOE_ENOTFOUND, "NAME");
    floe_spec_update_free(u);
    o.version = 7;
    assert_int_equal(floe_spec_update_new(&u, md, &o), FLOE_EVERSION);
    floe_spec_update_free(NULL);
    floe_table_metadata_release(md);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_fields_with_reference_default_names),
        cmocka_unit_test(test_add_rejections),
        cmocka_unit_test(test_remove_and_rename),
        cmocka_unit_test(test_v1_removal_keeps_a_void_field),
        cmocka_unit_test(test_commit_adds_spec_and_reuses_ids_and_specs),
        cmocka_unit_test(test_case_insensitive_source_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
