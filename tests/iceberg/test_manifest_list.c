/* Manifest lists: every field written and read back, header metadata, assignment of
 * unassigned sequence numbers; and interop: avsc reads floe's manifests and manifest lists
 * with the spec's schemas (field ids), values and metadata keys. */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <floe/avro.h>
#include <floe/error.h>
#include <floe/iceberg/manifest_list.h>

#include "base/alloc.h"

static const char SCHEMA[] = "{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
                             "{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"},"
                             "{\"id\":2,\"name\":\"cat\",\"required\":false,\"type\":\"string\"}]}";
static const char SPEC[] = "{\"spec-id\":0,\"fields\":[{\"name\":\"cat\",\"transform\":"
                           "\"identity\",\"source-id\":2,\"field-id\":1000}]}";

/* Writes a manifest with two added files (cat = "a", "c") to `loc`. */
static floe_manifest_file *write_manifest(floe_file_io *io, const char *loc, int codec)
{
    floe_schema *schema = NULL;
    floe_partition_spec *spec = NULL;
    assert_int_equal(floe_schema_from_json(&schema, SCHEMA, strlen(SCHEMA)), 0);
    assert_int_equal(floe_partition_spec_from_json(&spec, SPEC, strlen(SPEC)), 0);
    floe_output_file *out = NULL;
    assert_int_equal(io->create(&out, io, loc, FLOE_CREATE_EXCLUSIVE), 0);
    floe_manifest_writer_options o = FLOE_MANIFEST_WRITER_OPTIONS_INIT;
    o.snapshot_id = 987654321;
    o.codec = codec;
    floe_manifest_writer *w = NULL;
    assert_int_equal(floe_manifest_writer_new(&w, out, schema, spec, &o), 0);
    const char *cats[2] = {"c", "a"};
    for (int i = 0; i < 2; i++) {
        char path[64];
        snprintf(path, sizeof(path), "/w/t/data/%d.parquet", i);
        floe_data_file *df = NULL;
        assert_int_equal(floe_data_file_new(&df, FLOE_CONTENT_DATA, path, "parquet", 10 + i, 500),
                         0);
        floe_literal p = floe_literal_string(cats[i], 1);
        assert_int_equal(floe_data_file_set_partition(df, &p, 1), 0);
        assert_int_equal(floe_data_file_set_column_metrics(df, 1, 40, 10 + i, 0, -1), 0);
        floe_literal lo = floe_literal_long(1), hi = floe_literal_long(1000);
        assert_int_equal(floe_data_file_set_bounds(df, 1, &lo, &hi, 16), 0);
        assert_int_equal(floe_manifest_writer_add(w, df), 0);
        floe_data_file_free(df);
    }
    floe_manifest_file *mf = NULL;
    assert_int_equal(floe_manifest_writer_finish(&mf, w), 0);
    floe_manifest_writer_free(w);
    floe_schema_free(schema);
    floe_partition_spec_free(spec);
    return mf;
}

static void write_list(floe_file_io *io, const char *loc, floe_manifest_file *m1,
                       floe_manifest_file *m2, int codec)
{
    floe_output_file *out = NULL;
    assert_int_equal(io->create(&out, io, loc, FLOE_CREATE_EXCLUSIVE), 0);
    floe_manifest_list_writer *w = NULL;
    assert_int_equal(floe_manifest_list_writer_new(&w, out, 987654321, 123, 12, codec), 0);
    assert_int_equal(floe_manifest_list_writer_add(w, m1), 0);
    assert_int_equal(floe_manifest_list_writer_add(w, m2), 0);
    uint64_t len = 0;
    assert_int_equal(floe_manifest_list_writer_finish(w, &len), 0);
    assert_true(len > 0);
    floe_manifest_list_writer_free(w);
}

static void test_manifest_list_round_trip_assigns_sequence_numbers(void **state)
{
    (void)state;
    floe_file_io *io = NULL;
    assert_int_equal(floe_memory_file_io_new(&io), 0);
    floe_manifest_file *m1 = write_manifest(io, "mem://m1.avro", FLOE_AVRO_CODEC_NULL);
    /* an older manifest carried into this snapshot keeps its numbers */
    floe_manifest_file *m2 = NULL;
    assert_int_equal(floe_manifest_file_copy(&m2, m1), 0);
    floe_free(m2->path);
    m2->path = floe_strdup("mem://old.avro");
    m2->sequence_number = 5;
    m2->min_sequence_number = 4;
    m2->added_snapshot_id = 111;
    m2->content = FLOE_MANIFEST_DELETES;
    static uint8_t key[2] = {0xab, 0xcd};
    m2->key_metadata = floe_malloc(2);
    memcpy(m2->key_metadata, key, 2);
    m2->key_metadata_len = 2;
    write_list(io, "mem://snap-1.avro", m1, m2, FLOE_AVRO_CODEC_NULL);

    floe_input_file *in = NULL;
    assert_int_equal(io->open(&in, io, "mem://snap-1.avro"), 0);
    floe_manifest_list *l = NULL;
    if (floe_manifest_list_read(&l, in))
        fail_msg("%s", floe_error_last());
    assert_string_equal(floe_manifest_list_meta(l, "snapshot-id"), "987654321");
    assert_string_equal(floe_manifest_list_meta(l, "parent-snapshot-id"), "123");
    assert_string_equal(floe_manifest_list_meta(l, "sequence-number"), "12");
    assert_string_equal(floe_manifest_list_meta(l, "format-version"), "2");
    assert_int_equal(floe_manifest_list_count(l), 2);
    const floe_manifest_file *a = floe_manifest_list_at(l, 0);
    assert_string_equal(a->path, "mem://m1.avro");
    assert_int_equal(a->length, m1->length);
    assert_int_equal(a->partition_spec_id, 0);
    assert_int_equal(a->content, FLOE_MANIFEST_DATA);
    assert_int_equal(a->sequence_number, 12);     /* filled from the snapshot */
    assert_int_equal(a->min_sequence_number, 12); /* every entry inherits */
    assert_int_equal(a->added_snapshot_id, 987654321);
    assert_int_equal(a->added_files_count, 2);
    assert_int_equal(a->existing_files_count, 0);
    assert_int_equal(a->deleted_files_count, 0);
    assert_int_equal(a->added_rows_count, 21);
    assert_int_equal(a->existing_rows_count, 0);
    assert_int_equal(a->deleted_rows_count, 0);
    assert_int_equal(a->partition_count, 1);
    assert_false(a->partitions[0].contains_null);
    assert_int_equal(a->partitions[0].contains_nan, 0);
    assert_memory_equal(a->partitions[0].lower_bound, "a", 1);
    assert_memory_equal(a->partitions[0].upper_bound, "c", 1);
    assert_null(a->key_metadata);
    const floe_manifest_file *b = floe_manifest_list_at(l, 1);
    assert_int_equal(b->sequence_number, 5);
    assert_int_equal(b->min_sequence_number, 4);
    assert_int_equal(b->added_snapshot_id, 111);
    assert_int_equal(b->content, FLOE_MANIFEST_DELETES);
    assert_int_equal(b->key_metadata_len, 2);
    assert_int_equal(b->key_metadata[1], 0xcd);
    floe_manifest_list_free(l);
    floe_input_close(in);

    /* v1-style records with unknown counts cannot go into a v2 list */
    floe_output_file *out = NULL;
    assert_int_equal(io->create(&out, io, "mem://snap-2.avro", FLOE_CREATE_EXCLUSIVE), 0);
    floe_manifest_list_writer *w = NULL;
    assert_int_equal(floe_manifest_list_writer_new(&w, out, 1, -1, 1, 0), 0);
    m2->added_files_count = -1;
    assert_int_equal(floe_manifest_list_writer_add(w, m2), FLOE_EINVALID);
    floe_manifest_list_writer_free(w);
    floe_manifest_file_free(m1);
    floe_manifest_file_free(m2);
    floe_file_io_free(io);
}

/* v1 manifest lists: no content or sequence numbers, counts optional (v1 field names). */
static const char V1_LIST[] =
    "{\"type\":\"record\",\"name\":\"manifest_file\",\"fields\":["
    "{\"name\":\"manifest_path\",\"type\":\"string\",\"field-id\":500},"
    "{\"name\":\"manifest_length\",\"type\":\"long\",\"field-id\":501},"
    "{\"name\":\"partition_spec_id\",\"type\":\"int\",\"field-id\":502},"
    "{\"name\":\"added_snapshot_id\",\"type\":[\"null\",\"long\"],\"default\":null,"
    "\"field-id\":503},"
    "{\"name\":\"added_data_files_count\",\"type\":[\"null\",\"int\"],\"default\":null,"
    "\"field-id\":504},"
    "{\"name\":\"existing_data_files_count\",\"type\":[\"null\",\"int\"],\"default\":null,"
    "\"field-id\":505}]}";

static void test_v1_manifest_list_read(void **state)
{
    (void)state;
    floe_avro_schema *s = NULL;
    assert_int_equal(floe_avro_schema_parse(&s, V1_LIST, strlen(V1_LIST)), 0);
    floe_avro_writer *w = NULL;
    assert_int_equal(floe_avro_writer_new_memory(&w, s, NULL), 0);
    floe_avro_value *v = NULL, *inner = NULL;
    assert_int_equal(floe_avro_value_new(&v, s), 0);
    assert_int_equal(floe_avro_value_set_string(floe_avro_value_field(v, 0), "/w/m0.avro"), 0);
    assert_int_equal(floe_avro_value_set_long(floe_avro_value_field(v, 1), 4321), 0);
    assert_int_equal(floe_avro_value_set_int(floe_avro_value_field(v, 2), 0), 0);
    assert_int_equal(floe_avro_value_set_optional(&inner, floe_avro_value_field(v, 3), 1), 0);
    assert_int_equal(floe_avro_value_set_long(inner, 99), 0);
    assert_int_equal(floe_avro_value_set_optional(&inner, floe_avro_value_field(v, 4), 1), 0);
    assert_int_equal(floe_avro_value_set_int(inner, 3), 0);
    assert_int_equal(floe_avro_value_set_optional(NULL, floe_avro_value_field(v, 5), 0), 0);
    assert_int_equal(floe_avro_writer_append(w, v), 0);
    assert_int_equal(floe_avro_writer_finish(w, NULL), 0);
    size_t len = 0;
    const uint8_t *bytes = floe_avro_writer_bytes(w, &len);
    floe_input_file *in = NULL;
    assert_int_equal(floe_input_file_from_memory(&in, bytes, len, "v1-list.avro"), 0);
    floe_manifest_list *l = NULL;
    if (floe_manifest_list_read(&l, in))
        fail_msg("%s", floe_error_last());
    assert_int_equal(floe_manifest_list_count(l), 1);
    const floe_manifest_file *m = floe_manifest_list_at(l, 0);
    assert_string_equal(m->path, "/w/m0.avro");
    assert_int_equal(m->length, 4321);
    assert_int_equal(m->content, FLOE_MANIFEST_DATA);
    assert_int_equal(m->sequence_number, 0);
    assert_int_equal(m->min_sequence_number, 0);
    assert_int_equal(m->added_snapshot_id, 99);
    assert_int_equal(m->added_files_count, 3);
    assert_int_equal(m->existing_files_count, -1); /* null: unknown */
    assert_int_equal(m->deleted_files_count, -1);  /* absent */
    assert_null(m->partitions);
    floe_manifest_list_free(l);
    floe_input_close(in);
    floe_avro_value_free(v);
    floe_avro_writer_free(w);
    floe_avro_schema_free(s);
}

static json_t *field_named(json_t *record_schema, const char *name)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(record_schema, "fields"), i, f)
    {
        if (strcmp(json_string_value(json_object_get(f, "name")), name) == 0)
            return f;
    }
    fail_msg("no field '%s'", name);
    return NULL;
}

static json_int_t field_id(json_t *record_schema, const char *name)
{
    return json_integer_value(json_object_get(field_named(record_schema, name), "field-id"));
}

static void test_avsc_reads_manifest_and_list_with_spec_schemas(void **state)
{
    (void)state;
    FLOE_REQUIRE_INTEROP();
    const char *dir = floe_test_tmpdir("iceberg_manifest_interop");
    char mpath[1024], lpath[1024];
    snprintf(mpath, sizeof(mpath), "%s/m1.avro", dir);
    snprintf(lpath, sizeof(lpath), "%s/snap-1.avro", dir);
    floe_file_io *io = NULL;
    assert_int_equal(floe_posix_file_io_new(&io), 0);
    /* deflate-compressed blocks, a codec avsc implements natively */
    floe_manifest_file *m1 = write_manifest(io, mpath, FLOE_AVRO_CODEC_DEFLATE);
    write_list(io, lpath, m1, m1, FLOE_AVRO_CODEC_DEFLATE);
    floe_manifest_file_free(m1);
    floe_file_io_free(io);

    char args[2100];
    snprintf(args, sizeof(args), "'%s' '%s'", mpath, lpath);
    char *out = NULL;
    int st = floe_test_node("iceberg_read_manifest.mjs", args, &out);
    if (st != 0)
        fail_msg("node failed (%d): %s", st, out ? out : "");
    json_error_t err;
    json_t *doc = json_loads(out, 0, &err);
    if (!doc)
        fail_msg("bad JSON from node: %s", out);
    json_t *man = json_array_get(json_object_get(doc, "files"), 0);
    assert_string_equal(json_string_value(json_object_get(man, "codec")), "deflate");
    json_t *meta = json_object_get(man, "meta");
    assert_string_equal(json_string_value(json_object_get(meta, "format-version")), "2");
    assert_string_equal(json_string_value(json_object_get(meta, "content")), "data");
    assert_string_equal(json_string_value(json_object_get(meta, "schema-id")), "0");
    assert_string_equal(json_string_value(json_object_get(meta, "partition-spec-id")), "0");
    json_t *pspec = json_loads(json_string_value(json_object_get(meta, "partition-spec")), 0, &err);
    assert_true(json_is_array(pspec));
    assert_int_equal(json_integer_value(json_object_get(json_array_get(pspec, 0), "field-id")),
                     1000);
    json_decref(pspec);
    json_t *tschema = json_loads(json_string_value(json_object_get(meta, "schema")), 0, &err);
    assert_int_equal(json_integer_value(json_object_get(tschema, "schema-id")), 0);
    json_decref(tschema);

    /* the manifest_entry schema carries the spec's field ids */
    json_t *es = json_object_get(man, "schema");
    assert_string_equal(json_string_value(json_object_get(es, "name")), "manifest_entry");
    assert_int_equal(field_id(es, "status"), 0);
    assert_int_equal(field_id(es, "snapshot_id"), 1);
    assert_int_equal(field_id(es, "sequence_number"), 3);
    assert_int_equal(field_id(es, "file_sequence_number"), 4);
    assert_int_equal(field_id(es, "data_file"), 2);
    json_t *dfs = json_object_get(field_named(es, "data_file"), "type");
    static const struct {
        const char *name;
        int id;
    } ids[] = {{"content", 134},          {"file_path", 100},           {"file_format", 101},
               {"partition", 102},        {"record_count", 103},        {"file_size_in_bytes", 104},
               {"column_sizes", 108},     {"value_counts", 109},        {"null_value_counts", 110},
               {"nan_value_counts", 137}, {"lower_bounds", 125},        {"upper_bounds", 128},
               {"key_metadata", 131},     {"split_offsets", 132},       {"equality_ids", 135},
               {"sort_order_id", 140},    {"referenced_data_file", 143}};
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
        assert_int_equal(field_id(dfs, ids[i].name), ids[i].id);
    json_t *part = json_object_get(field_named(dfs, "partition"), "type");
    assert_string_equal(json_string_value(json_object_get(part, "name")), "r102");
    assert_int_equal(field_id(part, "cat"), 1000);
    json_t *lb = json_array_get(json_object_get(field_named(dfs, "lower_bounds"), "type"), 1);
    assert_string_equal(json_string_value(json_object_get(lb, "logicalType")), "map");
    json_t *kv = json_object_get(lb, "items");
    assert_int_equal(field_id(kv, "key"), 126);
    assert_int_equal(field_id(kv, "value"), 127);
    json_t *so = json_array_get(json_object_get(field_named(dfs, "split_offsets"), "type"), 1);
    assert_int_equal(json_integer_value(json_object_get(so, "element-id")), 133);

    /* values as avsc decoded them */
    json_t *recs = json_object_get(man, "records");
    assert_int_equal(json_array_size(recs), 2);
    json_t *r0 = json_array_get(recs, 0);
    assert_int_equal(json_integer_value(json_object_get(r0, "status")), 1);
    assert_int_equal(json_integer_value(json_object_get(r0, "snapshot_id")), 987654321);
    assert_true(json_is_null(json_object_get(r0, "sequence_number")));
    json_t *d0 = json_object_get(r0, "data_file");
    assert_string_equal(json_string_value(json_object_get(d0, "file_path")), "/w/t/data/0.parquet");
    assert_string_equal(json_string_value(json_object_get(d0, "file_format")), "parquet");
    assert_int_equal(json_integer_value(json_object_get(d0, "record_count")), 10);
    assert_string_equal(json_string_value(json_object_get(json_object_get(d0, "partition"), "cat")),
                        "c");
    json_t *ub0 = json_array_get(json_object_get(d0, "upper_bounds"), 0);
    assert_int_equal(json_integer_value(json_object_get(ub0, "key")), 1);
    /* 1000 as an 8-byte little-endian long (Appendix D) */
    assert_string_equal(json_string_value(json_object_get(ub0, "value")), "e803000000000000");

    json_t *lst = json_array_get(json_object_get(doc, "files"), 1);
    json_t *lmeta = json_object_get(lst, "meta");
    assert_string_equal(json_string_value(json_object_get(lmeta, "snapshot-id")), "987654321");
    assert_string_equal(json_string_value(json_object_get(lmeta, "parent-snapshot-id")), "123");
    assert_string_equal(json_string_value(json_object_get(lmeta, "sequence-number")), "12");
    assert_string_equal(json_string_value(json_object_get(lmeta, "format-version")), "2");
    json_t *ls = json_object_get(lst, "schema");
    assert_string_equal(json_string_value(json_object_get(ls, "name")), "manifest_file");
    static const struct {
        const char *name;
        int id;
    } lids[] = {{"manifest_path", 500},        {"manifest_length", 501},
                {"partition_spec_id", 502},    {"content", 517},
                {"sequence_number", 515},      {"min_sequence_number", 516},
                {"added_snapshot_id", 503},    {"added_files_count", 504},
                {"existing_files_count", 505}, {"deleted_files_count", 506},
                {"added_rows_count", 512},     {"existing_rows_count", 513},
                {"deleted_rows_count", 514},   {"partitions", 507},
                {"key_metadata", 519}};
    for (size_t i = 0; i < sizeof(lids) / sizeof(lids[0]); i++)
        assert_int_equal(field_id(ls, lids[i].name), lids[i].id);
    json_t *parr = json_array_get(json_object_get(field_named(ls, "partitions"), "type"), 1);
    assert_int_equal(json_integer_value(json_object_get(parr, "element-id")), 508);
    json_t *r508 = json_object_get(parr, "items");
    assert_int_equal(field_id(r508, "contains_null"), 509);
    assert_int_equal(field_id(r508, "contains_nan"), 518);
    assert_int_equal(field_id(r508, "lower_bound"), 510);
    assert_int_equal(field_id(r508, "upper_bound"), 511);
    json_t *l0 = json_array_get(json_object_get(lst, "records"), 0);
    assert_string_equal(json_string_value(json_object_get(l0, "manifest_path")), mpath);
    assert_int_equal(json_integer_value(json_object_get(l0, "sequence_number")), 12);
    assert_int_equal(json_integer_value(json_object_get(l0, "added_files_count")), 2);
    assert_int_equal(json_integer_value(json_object_get(l0, "added_rows_count")), 21);
    json_t *s0 = json_array_get(json_object_get(l0, "partitions"), 0);
    assert_false(json_is_true(json_object_get(s0, "contains_null")));
    assert_string_equal(json_string_value(json_object_get(s0, "lower_bound")), "61");
    assert_string_equal(json_string_value(json_object_get(s0, "upper_bound")), "63");
    json_decref(doc);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_manifest_list_round_trip_assigns_sequence_numbers),
        cmocka_unit_test(test_v1_manifest_list_read),
        cmocka_unit_test(test_avsc_reads_manifest_and_list_with_spec_schemas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
