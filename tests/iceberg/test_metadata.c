/* Table metadata: JSON read (v1, v2, v3), normalization, round-trip, errors with field paths,
 * gzip, file naming and FileIO writes. */
#include "test_support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <zlib.h>

#include <floe/error.h>
#include <floe/iceberg/metadata.h>

#include "base/alloc.h"

static char *fixture(const char *name, size_t *len)
{
    char path[1024];
    const char *src = getenv("FLOE_SOURCE_DIR");
    snprintf(path, sizeof(path), "%s/tests/data/iceberg/%s", src ? src : ".", name);
    char *text = floe_test_read_file(path, len);
    assert_non_null(text);
    return text;
}

static floe_table_metadata *load(const char *name)
{
    size_t len = 0;
    char *text = fixture(name, &len);
    floe_table_metadata *md = NULL;
    int rc = floe_table_metadata_from_json(&md, text, len);
    if (rc)
        fail_msg("%s: %s", name, floe_error_last());
    free(text);
    return md;
}

static void test_v2_every_field_read(void **state)
{
    (void)state;
    floe_table_metadata *md = load("metadata_v2_full.json");
    assert_int_equal(floe_table_metadata_format_version(md), 2);
    assert_string_equal(floe_table_metadata_uuid(md), "9c12d441-03fe-4693-9a96-a0705ddf69c1");
    assert_string_equal(floe_table_metadata_location(md), "s3://bucket/warehouse/db/events");
    assert_int_equal(floe_table_metadata_last_sequence_number(md), 34);
    assert_int_equal(floe_table_metadata_last_updated_ms(md), 1602638573590LL);
    assert_int_equal(floe_table_metadata_last_column_id(md), 3);
    assert_int_equal(floe_table_metadata_current_schema_id(md), 1);
    assert_int_equal(floe_table_metadata_schema_count(md), 2);
    assert_non_null(strstr(floe_table_metadata_schema_json(md, 1), "\"doc\":\"comment\""));
    assert_null(floe_table_metadata_schema_json(md, 7));
    assert_int_equal(floe_table_metadata_default_spec_id(md), 0);
    assert_int_equal(floe_table_metadata_last_partition_id(md), 1000);
    assert_int_equal(floe_table_metadata_default_sort_order_id(md), 3);
    assert_int_equal(floe_table_metadata_sort_order_count(md), 2);
    assert_non_null(strstr(floe_table_metadata_sort_order_json(md, 3), "bucket[4]"));
    assert_string_equal(floe_table_metadata_property(md, "owner"), "floe");
    assert_int_equal(floe_table_metadata_current_snapshot_id(md), 3055729675574597004LL);
    const floe_snapshot *cur = floe_table_metadata_current_snapshot(md);
    assert_non_null(cur);
    assert_int_equal(floe_snapshot_parent_id(cur), 3051729675574597004LL);
    assert_int_equal(floe_snapshot_sequence_number(cur), 1);
    assert_int_equal(floe_snapshot_timestamp_ms(cur), 1555100955770LL);
    assert_string_equal(floe_snapshot_manifest_list(cur), "s3://a/b/2.avro");
    assert_string_equal(floe_snapshot_operation(cur), "append");
    assert_string_equal(floe_snapshot_summary_get(cur, "added-data-files"), "4");
    assert_int_equal(floe_snapshot_schema_id(cur), 1);
    assert_int_equal(floe_snapshot_parent_id(floe_table_metadata_snapshot_at(md, 0)),
                     FLOE_SNAPSHOT_ID_NONE);
    const floe_snapshot_ref *audit = floe_table_metadata_ref(md, "audit");
    assert_non_null(audit);
    assert_int_equal(audit->type, FLOE_REF_BRANCH);
    assert_int_equal(audit->min_snapshots_to_keep, 2);
    assert_int_equal(audit->max_snapshot_age_ms, 86400000);
    assert_int_equal(audit->max_ref_age_ms, 604800000);
    const floe_snapshot_ref *tag = floe_table_metadata_ref(md, "v1.0");
    assert_int_equal(tag->type, FLOE_REF_TAG);
    assert_int_equal(tag->min_snapshots_to_keep, -1);
    assert_int_equal(floe_table_metadata_snapshot_log_count(md), 2);
    assert_int_equal(floe_table_metadata_snapshot_log_at(md, 1).snapshot_id, 3055729675574597004LL);
    assert_int_equal(floe_table_metadata_metadata_log_count(md), 1);
    assert_string_equal(floe_table_metadata_metadata_log_at(md, 0).metadata_file,
                        "s3://bucket/warehouse/db/events/metadata/00000-a.metadata.json");
    assert_int_equal(floe_table_metadata_statistics_count(md), 1);
    assert_non_null(strstr(floe_table_metadata_statistics_json(md, 0), "apache-datasketches"));
    assert_int_equal(floe_table_metadata_partition_statistics_count(md), 1);
    /* typed views from the schema, partition and sort order parsers */
    const floe_schema *schema = floe_table_metadata_current_schema(md);
    assert_non_null(schema);
    assert_int_equal(floe_schema_id(schema), 1);
    assert_int_equal(floe_schema_highest_field_id(schema), 3);
    assert_int_equal(floe_schema_id(floe_table_metadata_schema(md, 0)), 0);
    assert_null(floe_table_metadata_schema(md, 9));
    const floe_partition_spec *spec = floe_table_metadata_default_spec(md);
    assert_int_equal(floe_partition_spec_field_count(spec), 1);
    assert_int_equal(floe_partition_field_id(floe_partition_spec_field_at(spec, 0)), 1000);
    const floe_sort_order *order = floe_table_metadata_default_sort_order(md);
    assert_int_equal(floe_sort_order_id(order), 3);
    assert_int_equal(floe_sort_order_field_count(order), 2);
    assert_true(floe_sort_order_is_unsorted(floe_table_metadata_sort_order(md, 0)));
    floe_table_metadata_release(md);
}

static void test_v2_round_trip_is_stable_and_equal(void **state)
{
    (void)state;
    size_t len = 0;
    char *text = fixture("metadata_v2_full.json", &len);
    floe_table_metadata *md = load("metadata_v2_full.json");
    char *out = NULL;
    assert_int_equal(floe_table_metadata_to_json(&out, md, 1), 0);
    /* every field survives: the written document equals the fixture as JSON values */
    json_t *a = json_loadb(text, len, 0, NULL);
    json_t *b = json_loads(out, 0, NULL);
    assert_non_null(a);
    assert_non_null(b);
    assert_true(json_equal(a, b));
    /* and a second pass is byte-identical */
    floe_table_metadata *md2 = NULL;
    assert_int_equal(floe_table_metadata_from_json(&md2, out, strlen(out)), 0);
    char *out2 = NULL;
    assert_int_equal(floe_table_metadata_to_json(&out2, md2, 1), 0);
    assert_string_equal(out, out2);
    /* spec field order */
    assert_true(strstr(out, "\"format-version\"") < strstr(out, "\"table-uuid\""));
    assert_true(strstr(out, "\"last-column-id\"") < strstr(out, "\"current-schema-id\""));
    assert_true(strstr(out, "\"refs\"") < strstr(out, "\"snapshots\""));
    json_decref(a);
    json_decref(b);
    free(text);
    free(out);
    free(out2);
    floe_table_metadata_release(md);
    floe_table_metadata_release(md2);
}

static void test_v1_normalized_and_written_with_legacy_fields(void **state)
{
    (void)state;
    floe_table_metadata *md = load("metadata_v1.json");
    assert_int_equal(floe_table_metadata_format_version(md), 1);
    assert_int_equal(floe_table_metadata_schema_count(md), 1);
    assert_int_equal(floe_table_metadata_current_schema_id(md), 0);
    assert_int_equal(floe_table_metadata_spec_count(md), 1);
    assert_int_equal(floe_table_metadata_default_spec_id(md), 0);
    /* v1 partition fields without ids are numbered from 1000 */
    assert_non_null(strstr(floe_table_metadata_spec_json(md, 0), "\"field-id\":1000"));
    assert_int_equal(floe_table_metadata_last_partition_id(md), 1000);
    assert_int_equal(floe_table_metadata_sort_order_count(md), 1);
    assert_int_equal(floe_table_metadata_default_sort_order_id(md), 0);
    assert_int_equal(floe_table_metadata_last_sequence_number(md), 0);
    /* implicit main branch */
    const floe_snapshot_ref *main_ref = floe_table_metadata_ref(md, "main");
    assert_non_null(main_ref);
    assert_int_equal(main_ref->snapshot_id, 3055729675574597004LL);
    /* the v1 manifests list is kept */
    const floe_snapshot *cur = floe_table_metadata_current_snapshot(md);
    assert_null(floe_snapshot_manifest_list(cur));
    assert_int_equal(floe_snapshot_manifest_count(cur), 2);
    assert_string_equal(floe_snapshot_manifest(cur, 1), "/tmp/m2.avro");
    assert_null(floe_snapshot_operation(cur));
    assert_int_equal(floe_snapshot_sequence_number(cur), 0);
    char *out = NULL;
    assert_int_equal(floe_table_metadata_to_json(&out, md, 0), 0);
    json_t *doc = json_loads(out, 0, NULL);
    assert_true(json_is_object(json_object_get(doc, "schema")));
    assert_true(json_is_array(json_object_get(doc, "partition-spec")));
    assert_true(json_is_array(json_object_get(doc, "schemas")));
    assert_null(json_object_get(doc, "last-sequence-number"));
    assert_true(json_is_array(
        json_object_get(json_array_get(json_object_get(doc, "snapshots"), 1), "manifests")));
    json_decref(doc);
    free(out);
    floe_table_metadata_release(md);
}

static void expect_error(const char *json, int code, const char *needle)
{
    floe_table_metadata *md = NULL;
    int rc = floe_table_metadata_from_json(&md, json, strlen(json));
    if (rc != code)
        fail_msg("expected %d, got %d (%s)", code, rc, floe_error_last());
    assert_null(md);
    if (!strstr(floe_error_last(), needle))
        fail_msg("message '%s' lacks '%s'", floe_error_last(), needle);
}

#define V2_HEAD                                                                                    \
    "{\"format-version\":2,\"table-uuid\":\"9c12d441-03fe-4693-9a96-a0705ddf69c1\","               \
    "\"location\":\"/t\",\"last-sequence-number\":1,\"last-updated-ms\":1,\"last-column-id\":1,"   \
    "\"current-schema-id\":0,\"schemas\":[{\"type\":\"struct\",\"schema-id\":0,\"fields\":[{"      \
    "\"id\":1,\"name\":\"a\",\"required\":false,\"type\":\"int\"}]}],\"default-spec-id\":0,"       \
    "\"partition-specs\":[{\"spec-id\":0,\"fields\":[]}],\"last-partition-id\":999,"               \
    "\"default-sort-order-id\":0,\"sort-orders\":[{\"order-id\":0,\"fields\":[]}]"

static void test_errors_name_field_path_and_version(void **state)
{
    (void)state;
    expect_error("{\"format-version\":4,\"location\":\"/t\"}", FLOE_EVERSION,
                 "Cannot read unsupported version 4");
    expect_error("{\"format-version\":2}", FLOE_ECORRUPT, "'$.table-uuid'");
    expect_error(V2_HEAD ",\"snapshots\":[{\"snapshot-id\":1,\"timestamp-ms\":2,"
                         "\"sequence-number\":1,\"manifest-list\":\"x\",\"summary\":{}}]}",
                 FLOE_ECORRUPT, "'$.snapshots[0].summary.operation'");
    expect_error(V2_HEAD ",\"snapshots\":[{\"snapshot-id\":\"1\"}]}", FLOE_ECORRUPT,
                 "'$.snapshots[0].snapshot-id' must be an integer");
    expect_error(V2_HEAD ",\"current-snapshot-id\":5}", FLOE_ECORRUPT, "names no snapshot");
    expect_error(V2_HEAD ",\"properties\":{\"a\":1}}", FLOE_ECORRUPT, "'$.properties.a'");
    expect_error(V2_HEAD ",\"refs\":{\"b\":{\"snapshot-id\":1,\"type\":\"leaf\"}}}", FLOE_ECORRUPT,
                 "'$.refs.b.type'");
    expect_error("{\"format-version\":2,", FLOE_ECORRUPT, "line 1");
}

static void test_current_snapshot_minus_one_and_null_mean_none(void **state)
{
    (void)state;
    const char *docs[] = {V2_HEAD ",\"current-snapshot-id\":-1}",
                          V2_HEAD ",\"current-snapshot-id\":null}", V2_HEAD "}"};
    for (size_t i = 0; i < 3; i++) {
        floe_table_metadata *md = NULL;
        assert_int_equal(floe_table_metadata_from_json(&md, docs[i], strlen(docs[i])), 0);
        assert_int_equal(floe_table_metadata_current_snapshot_id(md), FLOE_SNAPSHOT_ID_NONE);
        assert_null(floe_table_metadata_current_snapshot(md));
        assert_int_equal(floe_table_metadata_ref_count(md), 0);
        char *out = NULL;
        assert_int_equal(floe_table_metadata_to_json(&out, md, 0), 0);
        assert_non_null(strstr(out, "\"current-snapshot-id\":-1"));
        free(out);
        floe_table_metadata_release(md);
    }
}

static void test_v3_next_row_id_kept(void **state)
{
    (void)state;
    char buf[4096];
    snprintf(buf, sizeof(buf), "%s,\"next-row-id\":1375,\"encryption-keys\":[{\"key-id\":\"k\"}]}",
             V2_HEAD);
    buf[18] = '3'; /* "format-version":3 */
    floe_table_metadata *md = NULL;
    assert_int_equal(floe_table_metadata_from_json(&md, buf, strlen(buf)), 0);
    assert_int_equal(floe_table_metadata_format_version(md), 3);
    assert_int_equal(floe_table_metadata_next_row_id(md), 1375);
    char *out = NULL;
    assert_int_equal(floe_table_metadata_to_json(&out, md, 0), 0);
    assert_non_null(strstr(out, "\"next-row-id\":1375"));
    assert_non_null(strstr(out, "\"encryption-keys\""));
    assert_non_null(strstr(out, "\"current-snapshot-id\":null"));
    free(out);
    floe_table_metadata_release(md);
}

static void test_gzip_read_by_magic_and_write_by_name(void **state)
{
    (void)state;
    size_t len = 0;
    char *text = fixture("metadata_v2_full.json", &len);
    uLong bound = compressBound(len) + 32;
    unsigned char *gz = malloc(bound);
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (Bytef *)text;
    zs.avail_in = (uInt)len;
    zs.next_out = gz;
    zs.avail_out = (uInt)bound;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t gzlen = zs.total_out;
    deflateEnd(&zs);
    floe_file_io *io = NULL;
    assert_int_equal(floe_memory_file_io_new(&io), 0);
    /* a gzip file under a plain name is still detected by its magic */
    assert_int_equal(floe_file_io_write_all(io, "mem://t/metadata/00001-x.metadata.json",
                                            FLOE_CREATE_EXCLUSIVE, gz, gzlen),
                     0);
    floe_table_metadata *md = NULL;
    assert_int_equal(floe_table_metadata_read(&md, io, "mem://t/metadata/00001-x.metadata.json"),
                     0);
    assert_int_equal(floe_table_metadata_last_sequence_number(md), 34);
    /* writing to a .gz.metadata.json name compresses; exclusive create refuses a second write */
    assert_int_equal(floe_table_metadata_write(io, "mem://t/metadata/00002-y.gz.metadata.json", md),
                     0);
    assert_int_equal(floe_table_metadata_write(io, "mem://t/metadata/00002-y.gz.metadata.json", md),
                     FLOE_EEXISTS);
    uint8_t *raw = NULL;
    size_t rawlen = 0;
    assert_int_equal(floe_file_io_read_all(&raw, &rawlen, io,
                                           "mem://t/metadata/00002-y.gz.metadata.json", 1 << 20),
                     0);
    assert_true(rawlen > 2 && raw[0] == 0x1f && raw[1] == 0x8b);
    free(raw);
    floe_table_metadata *md2 = NULL;
    assert_int_equal(
        floe_table_metadata_read(&md2, io, "mem://t/metadata/00002-y.gz.metadata.json"), 0);
    assert_string_equal(floe_table_metadata_uuid(md2), floe_table_metadata_uuid(md));
    /* truncated gzip is reported, not crashed on */
    floe_table_metadata *bad = NULL;
    assert_int_equal(floe_table_metadata_from_bytes(&bad, gz, gzlen / 2), FLOE_ECORRUPT);
    floe_table_metadata_release(md);
    floe_table_metadata_release(md2);
    floe_file_io_free(io);
    free(gz);
    free(text);
}

static void test_next_location_naming(void **state)
{
    (void)state;
    char *loc = NULL;
    assert_int_equal(floe_table_metadata_next_location(&loc, "s3://b/t/", NULL), 0);
    assert_int_equal(strncmp(loc, "s3://b/t/metadata/00001-", 24), 0);
    assert_int_equal(strlen(loc), strlen("s3://b/t/metadata/00001-") + 36 + 14);
    assert_non_null(strstr(loc, ".metadata.json"));
    free(loc);
    assert_int_equal(floe_table_metadata_next_location(
                         &loc, "/w/t", "/w/t/metadata/00041-0e0e0e0e.metadata.json"),
                     0);
    assert_int_equal(strncmp(loc, "/w/t/metadata/00042-", 20), 0);
    free(loc);
    assert_int_equal(floe_table_metadata_parse_version("/w/t/metadata/v7.metadata.json"), 7);
    assert_int_equal(floe_table_metadata_parse_version("/w/t/metadata/table.json"), -1);
    assert_int_equal(floe_table_metadata_next_location(&loc, "/w/t", "/w/t/metadata/x.json"),
                     FLOE_EINVALID);
    assert_null(loc);
}

/* Data-driven refusals: tests/data/iceberg/invalid/<case>.json with <case>.expect holding the
 * expected error code and a message fragment (usually the JSON path). */
static void test_invalid_documents_are_refused_with_their_path(void **state)
{
    (void)state;
    char dir[1024];
    const char *src = getenv("FLOE_SOURCE_DIR");
    snprintf(dir, sizeof(dir), "%s/tests/data/iceberg/invalid", src ? src : ".");
    DIR *d = opendir(dir);
    assert_non_null(d);
    int cases = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
            continue;
        char path[2048], expect_path[2048];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        snprintf(expect_path, sizeof(expect_path), "%s/%.*s.expect", dir, (int)(n - 5), e->d_name);
        size_t len = 0, elen = 0;
        char *text = floe_test_read_file(path, &len);
        char *expect = floe_test_read_file(expect_path, &elen);
        if (!text || !expect)
            fail_msg("case %s: missing .json or .expect", e->d_name);
        char *nl = strchr(expect, '\n');
        if (nl)
            *nl = '\0';
        char *space = strchr(expect, ' ');
        assert_non_null(space);
        *space = '\0';
        int code = (int)strtol(expect, NULL, 10);
        const char *needle = space + 1;
        floe_table_metadata *md = NULL;
        int rc = floe_table_metadata_from_bytes(&md, (const uint8_t *)text, len);
        if (rc != code || !strstr(floe_error_last(), needle))
            fail_msg("case %s: expected %d with '%s', got %d: %s", e->d_name, code, needle, rc,
                     floe_error_last());
        assert_null(md);
        free(text);
        free(expect);
        cases++;
    }
    closedir(d);
    assert_true(cases >= 10);
}

/* Every allocation failure while parsing and serializing is reported, never crashes or leaks
 * (run under ASan). */
static void test_allocation_failures_are_reported(void **state)
{
    (void)state;
    size_t len = 0;
    char *text = fixture("metadata_v2_full.json", &len);
    int succeeded = 0;
    for (long n = 1; n < 5000 && !succeeded; n++) {
        floe_alloc_fail_after(n);
        floe_table_metadata *md = NULL;
        int rc = floe_table_metadata_from_json(&md, text, len);
        char *out = NULL;
        if (rc == 0)
            rc = floe_table_metadata_to_json(&out, md, 0);
        floe_alloc_fail_after(0);
        if (rc == 0)
            succeeded = 1;
        else if (rc != FLOE_ENOMEM && !strstr(floe_error_last(), "out of memory"))
            /* the partition spec parser reports some allocation failures as corrupt JSON; the
             * message still says "out of memory" */
            fail_msg("allocation %ld: %d %s", n, rc, floe_error_last());
        free(out);
        floe_table_metadata_release(md);
    }
    assert_true(succeeded);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v2_every_field_read),
        cmocka_unit_test(test_v2_round_trip_is_stable_and_equal),
        cmocka_unit_test(test_v1_normalized_and_written_with_legacy_fields),
        cmocka_unit_test(test_errors_name_field_path_and_version),
        cmocka_unit_test(test_current_snapshot_minus_one_and_null_mean_none),
        cmocka_unit_test(test_v3_next_row_id_kept),
        cmocka_unit_test(test_gzip_read_by_magic_and_write_by_name),
        cmocka_unit_test(test_next_location_naming),
        cmocka_unit_test(test_invalid_documents_are_refused_with_their_path),
        cmocka_unit_test(test_allocation_failures_are_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
