/* Manifests: every field written and read back, header metadata, inheritance of snapshot ids
 * and sequence numbers, bound truncation, partition summaries, v1 manifests. */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/avro.h>
#include <floe/error.h>
#include <floe/iceberg/manifest.h>

#include "base/alloc.h"

static const char SCHEMA[] =
    "{\"type\":\"struct\",\"schema-id\":3,\"fields\":["
    "{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"},"
    "{\"id\":2,\"name\":\"ts\",\"required\":false,\"type\":\"timestamptz\"},"
    "{\"id\":3,\"name\":\"cat\",\"required\":false,\"type\":\"string\"},"
    "{\"id\":4,\"name\":\"price\",\"required\":false,\"type\":\"decimal(9,2)\"}]}";

static const char SPEC[] =
    "{\"spec-id\":2,\"fields\":["
    "{\"name\":\"id_bucket\",\"transform\":\"bucket[4]\",\"source-id\":1,\"field-id\":1000},"
    "{\"name\":\"ts_day\",\"transform\":\"day\",\"source-id\":2,\"field-id\":1001},"
    "{\"name\":\"cat\",\"transform\":\"identity\",\"source-id\":3,\"field-id\":1002},"
    "{\"name\":\"price\",\"transform\":\"identity\",\"source-id\":4,\"field-id\":1003}]}";

typedef struct fixture {
    floe_file_io *io;
    floe_schema *schema;
    floe_partition_spec *spec;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    assert_int_equal(floe_memory_file_io_new(&f->io), 0);
    assert_int_equal(floe_schema_from_json(&f->schema, SCHEMA, strlen(SCHEMA)), 0);
    assert_int_equal(floe_partition_spec_from_json(&f->spec, SPEC, strlen(SPEC)), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    floe_file_io_free(f->io);
    floe_schema_free(f->schema);
    floe_partition_spec_free(f->spec);
    free(f);
    return 0;
}

static floe_data_file *full_file(const char *path, int32_t bucket, const char *cat)
{
    floe_data_file *df = NULL;
    assert_int_equal(floe_data_file_new(&df, FLOE_CONTENT_DATA, path, "parquet", 100, 4096), 0);
    floe_literal part[4] = {floe_literal_int(bucket), floe_literal_date(19000),
                            cat ? floe_literal_string(cat, strlen(cat))
                                : floe_literal_null(FLOE_TYPE_STRING),
                            floe_literal_decimal(-1234, 2)};
    assert_int_equal(floe_data_file_set_partition(df, part, 4), 0);
    assert_int_equal(floe_data_file_set_column_metrics(df, 1, 800, 100, 0, -1), 0);
    assert_int_equal(floe_data_file_set_column_metrics(df, 3, 300, 100, 7, -1), 0);
    assert_int_equal(floe_data_file_set_column_metrics(df, 5, -1, -1, -1, 2), 0);
    floe_literal lo = floe_literal_long(-5), hi = floe_literal_long(99);
    assert_int_equal(floe_data_file_set_bounds(df, 1, &lo, &hi, 16), 0);
    const char *s1 = "abcdefghijklmnopqrstuvwxyz";
    floe_literal slo = floe_literal_string(s1, strlen(s1));
    floe_literal shi = floe_literal_string(s1, strlen(s1));
    assert_int_equal(floe_data_file_set_bounds(df, 3, &slo, &shi, 16), 0);
    const uint8_t key[3] = {1, 2, 3};
    assert_int_equal(floe_data_file_set_key_metadata(df, key, 3), 0);
    const int64_t splits[2] = {4, 2048};
    assert_int_equal(floe_data_file_set_split_offsets(df, splits, 2), 0);
    floe_data_file_set_sort_order_id(df, 1);
    return df;
}

static floe_manifest_file *write_manifest(fixture *f, const char *loc)
{
    floe_output_file *out = NULL;
    assert_int_equal(f->io->create(&out, f->io, loc, FLOE_CREATE_EXCLUSIVE), 0);
    floe_manifest_writer_options o = FLOE_MANIFEST_WRITER_OPTIONS_INIT;
    o.snapshot_id = 555;
    floe_manifest_writer *w = NULL;
    if (floe_manifest_writer_new(&w, out, f->schema, f->spec, &o))
        fail_msg("%s", floe_error_last());
    floe_data_file *a = full_file("s3://b/t/data/a.parquet", 3, "books");
    floe_data_file *b = full_file("s3://b/t/data/b.parquet", 1, NULL);
    floe_data_file *c = full_file("s3://b/t/data/c.parquet", 2, "art");
    assert_int_equal(floe_manifest_writer_add(w, a), 0);
    assert_int_equal(floe_manifest_writer_existing(w, b, 111, 4, 5), 0);
    assert_int_equal(floe_manifest_writer_delete(w, c, 2, 3), 0);
    assert_int_equal(floe_manifest_writer_existing(w, c, 111, -1, 5), FLOE_EINVALID);
    floe_manifest_file *mf = NULL;
    if (floe_manifest_writer_finish(&mf, w))
        fail_msg("%s", floe_error_last());
    floe_manifest_writer_free(w);
    floe_data_file_free(a);
    floe_data_file_free(b);
    floe_data_file_free(c);
    return mf;
}

static void test_manifest_every_field_round_trips(void **state)
{
    fixture *f = *state;
    floe_manifest_file *mf = write_manifest(f, "mem://t/metadata/m1.avro");
    assert_string_equal(mf->path, "mem://t/metadata/m1.avro");
    assert_true(mf->length > 0);
    assert_int_equal(mf->partition_spec_id, 2);
    assert_int_equal(mf->added_files_count, 1);
    assert_int_equal(mf->existing_files_count, 1);
    assert_int_equal(mf->deleted_files_count, 1);
    assert_int_equal(mf->added_rows_count, 100);
    assert_int_equal(mf->existing_rows_count, 100);
    assert_int_equal(mf->deleted_rows_count, 100);
    assert_int_equal(mf->added_snapshot_id, 555);
    assert_int_equal(mf->sequence_number, -1); /* assigned by the manifest list writer */
    assert_int_equal(mf->min_sequence_number, 4);
    /* partition summaries: bucket 1..3 (deleted files count too), cat has a null */
    assert_int_equal(mf->partition_count, 4);
    assert_false(mf->partitions[0].contains_null);
    assert_int_equal(mf->partitions[0].lower_bound_len, 4);
    assert_int_equal(mf->partitions[0].lower_bound[0], 1);
    assert_int_equal(mf->partitions[0].upper_bound[0], 3);
    assert_true(mf->partitions[2].contains_null);
    assert_memory_equal(mf->partitions[2].lower_bound, "art", 3);
    assert_memory_equal(mf->partitions[2].upper_bound, "books", 5);

    floe_input_file *in = NULL;
    assert_int_equal(f->io->open(&in, f->io, "mem://t/metadata/m1.avro"), 0);
    mf->sequence_number = 9;
    floe_manifest_reader *r = NULL;
    if (floe_manifest_reader_open(&r, in, mf))
        fail_msg("%s", floe_error_last());
    assert_int_equal(floe_manifest_reader_format_version(r), 2);
    assert_int_equal(floe_manifest_reader_content(r), FLOE_MANIFEST_DATA);
    assert_string_equal(floe_manifest_reader_meta(r, "schema-id"), "3");
    assert_string_equal(floe_manifest_reader_meta(r, "partition-spec-id"), "2");
    assert_string_equal(floe_manifest_reader_meta(r, "format-version"), "2");
    assert_string_equal(floe_manifest_reader_meta(r, "content"), "data");
    assert_non_null(strstr(floe_manifest_reader_meta(r, "partition-spec"), "\"bucket[4]\""));
    assert_int_equal(floe_manifest_reader_meta(r, "partition-spec")[0], '[');
    assert_non_null(strstr(floe_manifest_reader_meta(r, "schema"), "\"schema-id\":3"));
    assert_non_null(strstr(floe_manifest_reader_meta(r, "schema"), "decimal(9"));
    assert_int_equal(floe_partition_spec_id(floe_manifest_reader_spec(r)), 2);

    floe_manifest_entry e;
    int has = 0;
    assert_int_equal(floe_manifest_reader_next(&has, &e, r), 0);
    assert_true(has);
    assert_int_equal(e.status, FLOE_ENTRY_ADDED);
    assert_int_equal(e.snapshot_id, 555);
    assert_int_equal(e.sequence_number, 9); /* inherited */
    assert_int_equal(e.file_sequence_number, 9);
    const floe_data_file *df = e.data_file;
    assert_string_equal(floe_data_file_path(df), "s3://b/t/data/a.parquet");
    assert_string_equal(floe_data_file_format(df), "parquet");
    assert_int_equal(floe_data_file_content(df), FLOE_CONTENT_DATA);
    assert_int_equal(floe_data_file_record_count(df), 100);
    assert_int_equal(floe_data_file_size(df), 4096);
    assert_int_equal(floe_data_file_partition_count(df), 4);
    assert_int_equal(floe_data_file_partition(df, 0)->v.i32, 3);
    assert_int_equal(floe_data_file_partition(df, 1)->kind, FLOE_TYPE_DATE);
    assert_int_equal(floe_data_file_partition(df, 1)->v.i32, 19000);
    assert_int_equal(floe_data_file_partition(df, 2)->v.bytes.len, 5);
    assert_memory_equal(floe_data_file_partition(df, 2)->v.bytes.data, "books", 5);
    floe_literal dec = floe_literal_decimal(-1234, 2);
    assert_true(floe_literal_equal(floe_data_file_partition(df, 3), &dec));
    assert_int_equal(floe_data_file_metrics_count(df), 3);
    const floe_column_metrics *m1 = floe_data_file_metrics(df, 1);
    assert_int_equal(m1->column_size, 800);
    assert_int_equal(m1->value_count, 100);
    assert_int_equal(m1->null_value_count, 0);
    assert_int_equal(m1->nan_value_count, -1);
    assert_int_equal(m1->lower_bound_len, 8);
    assert_int_equal((int8_t)m1->lower_bound[0], -5);
    assert_int_equal(m1->upper_bound[0], 99);
    const floe_column_metrics *m3 = floe_data_file_metrics(df, 3);
    assert_int_equal(m3->null_value_count, 7);
    assert_int_equal(m3->lower_bound_len, 16);
    assert_memory_equal(m3->lower_bound, "abcdefghijklmnop", 16);
    assert_int_equal(m3->upper_bound_len, 16);
    assert_memory_equal(m3->upper_bound, "abcdefghijklmnoq", 16); /* incremented */
    assert_int_equal(floe_data_file_metrics(df, 5)->nan_value_count, 2);
    size_t n = 0;
    const uint8_t *key = floe_data_file_key_metadata(df, &n);
    assert_int_equal(n, 3);
    assert_int_equal(key[2], 3);
    const int64_t *splits = floe_data_file_split_offsets(df, &n);
    assert_int_equal(n, 2);
    assert_int_equal(splits[1], 2048);
    assert_null(floe_data_file_equality_ids(df, &n));
    assert_int_equal(floe_data_file_sort_order_id(df), 1);

    assert_int_equal(floe_manifest_reader_next(&has, &e, r), 0);
    assert_true(has);
    assert_int_equal(e.status, FLOE_ENTRY_EXISTING);
    assert_int_equal(e.snapshot_id, 111);
    assert_int_equal(e.sequence_number, 4);
    assert_int_equal(e.file_sequence_number, 5);
    assert_true(floe_data_file_partition(e.data_file, 2)->is_null);

    assert_int_equal(floe_manifest_reader_next(&has, &e, r), 0);
    assert_true(has);
    assert_int_equal(e.status, FLOE_ENTRY_DELETED);
    assert_int_equal(e.snapshot_id, 555);
    assert_int_equal(e.sequence_number, 2);
    assert_int_equal(floe_manifest_reader_next(&has, &e, r), 0);
    assert_false(has);
    floe_manifest_reader_free(r);
    floe_input_close(in);

    /* without a manifest list record nothing is inherited */
    assert_int_equal(f->io->open(&in, f->io, "mem://t/metadata/m1.avro"), 0);
    assert_int_equal(floe_manifest_reader_open(&r, in, NULL), 0);
    assert_int_equal(floe_manifest_reader_next(&has, &e, r), 0);
    assert_int_equal(e.sequence_number, -1);
    assert_int_equal(e.snapshot_id, 555);
    floe_manifest_reader_free(r);
    floe_input_close(in);
    floe_manifest_file_free(mf);
}

static void test_snapshot_id_inherited_when_null(void **state)
{
    fixture *f = *state;
    floe_output_file *out = NULL;
    assert_int_equal(f->io->create(&out, f->io, "mem://t/m2.avro", FLOE_CREATE_EXCLUSIVE), 0);
    floe_manifest_writer *w = NULL;
    /* a manifest written before its snapshot id is known: snapshot_id null in entries */
    assert_int_equal(floe_manifest_writer_new(&w, out, f->schema, f->spec, NULL), 0);
    floe_data_file *a = full_file("s3://b/t/data/a.parquet", 0, "x");
    assert_int_equal(floe_manifest_writer_add_with_sequence(w, a, 3), 0);
    floe_manifest_file *mf = NULL;
    assert_int_equal(floe_manifest_writer_finish(&mf, w), 0);
    floe_manifest_writer_free(w);
    floe_data_file_free(a);
    assert_int_equal(mf->min_sequence_number, 3);
    mf->added_snapshot_id = 4242;
    mf->sequence_number = 8;
    floe_input_file *in = NULL;
    assert_int_equal(f->io->open(&in, f->io, "mem://t/m2.avro"), 0);
    floe_manifest_reader *r = NULL;
    assert_int_equal(floe_manifest_reader_open(&r, in, mf), 0);
    floe_manifest_entry e;
    int has = 0;
    assert_int_equal(floe_manifest_reader_next(&has, &e, r), 0);
    assert_int_equal(e.snapshot_id, 4242);
    assert_int_equal(e.sequence_number, 3);      /* explicit wins */
    assert_int_equal(e.file_sequence_number, 8); /* inherited */
    floe_manifest_reader_free(r);
    floe_input_close(in);
    floe_manifest_file_free(mf);
}

static void test_writer_refuses_wrong_partition_arity_and_content(void **state)
{
    fixture *f = *state;
    floe_output_file *out = NULL;
    assert_int_equal(f->io->create(&out, f->io, "mem://t/m3.avro", FLOE_CREATE_EXCLUSIVE), 0);
    floe_manifest_writer *w = NULL;
    assert_int_equal(floe_manifest_writer_new(&w, out, f->schema, f->spec, NULL), 0);
    floe_data_file *df = NULL;
    assert_int_equal(floe_data_file_new(&df, FLOE_CONTENT_DATA, "x.parquet", "parquet", 1, 1), 0);
    assert_int_equal(floe_manifest_writer_add(w, df), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "0 partition values"));
    floe_data_file_free(df);
    df = full_file("d.parquet", 1, "a");
    floe_data_file *del = NULL;
    assert_int_equal(
        floe_data_file_new(&del, FLOE_CONTENT_POSITION_DELETES, "p.parquet", "parquet", 1, 1), 0);
    floe_literal nulls[4] = {floe_literal_null(FLOE_TYPE_INT), floe_literal_null(FLOE_TYPE_DATE),
                             floe_literal_null(FLOE_TYPE_STRING),
                             floe_literal_null(FLOE_TYPE_DECIMAL)};
    assert_int_equal(floe_data_file_set_partition(del, nulls, 4), 0);
    assert_int_equal(floe_manifest_writer_add(w, del), FLOE_EINVALID);
    floe_data_file_free(del);
    floe_data_file_free(df);
    /* a partition value of the wrong type (a string for the int bucket field) is refused */
    assert_int_equal(floe_data_file_new(&df, FLOE_CONTENT_DATA, "w.parquet", "parquet", 1, 1), 0);
    floe_literal wrong[4] = {floe_literal_string("3", 1), floe_literal_date(1),
                             floe_literal_null(FLOE_TYPE_STRING), floe_literal_decimal(1, 2)};
    assert_int_equal(floe_data_file_set_partition(df, wrong, 4), 0);
    assert_int_equal(floe_manifest_writer_add(w, df), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "'id_bucket'"));
    floe_data_file_free(df);
    floe_manifest_writer_free(w); /* aborts: nothing visible */
    int exists = 1;
    assert_int_equal(f->io->exists(&exists, f->io, "mem://t/m3.avro"), 0);
    assert_false(exists);
    floe_literal nan = floe_literal_double(0.0 / 0.0);
    assert_int_equal(floe_data_file_new(&df, FLOE_CONTENT_DATA, "y", "parquet", 1, 1), 0);
    assert_int_equal(floe_data_file_set_bounds(df, 9, &nan, NULL, 16), FLOE_EINVALID);
    /* an upper bound that cannot be incremented within the limit is left out */
    const char max4[] = "\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf";
    floe_literal top = floe_literal_string(max4, 12);
    assert_int_equal(floe_data_file_set_bounds(df, 9, &top, &top, 2), 0);
    const floe_column_metrics *m = floe_data_file_metrics(df, 9);
    assert_non_null(m->lower_bound);
    assert_null(m->upper_bound);
    floe_data_file_free(df);
}

static void test_delete_manifest_keeps_delete_fields(void **state)
{
    fixture *f = *state;
    floe_output_file *out = NULL;
    assert_int_equal(f->io->create(&out, f->io, "mem://t/del.avro", FLOE_CREATE_EXCLUSIVE), 0);
    floe_manifest_writer_options o = FLOE_MANIFEST_WRITER_OPTIONS_INIT;
    o.content = FLOE_MANIFEST_DELETES;
    o.snapshot_id = 9;
    floe_manifest_writer *w = NULL;
    assert_int_equal(floe_manifest_writer_new(&w, out, f->schema, f->spec, &o), 0);
    floe_literal part[4] = {floe_literal_int(1), floe_literal_date(2), floe_literal_string("x", 1),
                            floe_literal_decimal(5, 2)};
    floe_data_file *pos = NULL, *eq = NULL;
    assert_int_equal(
        floe_data_file_new(&pos, FLOE_CONTENT_POSITION_DELETES, "pos.parquet", "parquet", 3, 99),
        0);
    assert_int_equal(floe_data_file_set_partition(pos, part, 4), 0);
    assert_int_equal(floe_data_file_set_referenced_data_file(pos, "s3://b/t/data/a.parquet"), 0);
    assert_int_equal(
        floe_data_file_new(&eq, FLOE_CONTENT_EQUALITY_DELETES, "eq.parquet", "parquet", 2, 50), 0);
    assert_int_equal(floe_data_file_set_partition(eq, part, 4), 0);
    assert_int_equal(floe_manifest_writer_add(w, eq), FLOE_EINVALID); /* no equality_ids */
    const int32_t ids[2] = {1, 3};
    assert_int_equal(floe_data_file_set_equality_ids(eq, ids, 2), 0);
    assert_int_equal(floe_manifest_writer_add(w, pos), 0);
    assert_int_equal(floe_manifest_writer_add(w, eq), 0);
    floe_manifest_file *mf = NULL;
    assert_int_equal(floe_manifest_writer_finish(&mf, w), 0);
    floe_manifest_writer_free(w);
    assert_int_equal(mf->content, FLOE_MANIFEST_DELETES);
    floe_input_file *in = NULL;
    assert_int_equal(f->io->open(&in, f->io, "mem://t/del.avro"), 0);
    floe_manifest_reader *r = NULL;
    assert_int_equal(floe_manifest_reader_open(&r, in, mf), 0);
    assert_int_equal(floe_manifest_reader_content(r), FLOE_MANIFEST_DELETES);
    assert_string_equal(floe_manifest_reader_meta(r, "content"), "deletes");
    floe_manifest_entry e;
    int has = 0;
    assert_int_equal(floe_manifest_reader_next(&has, &e, r), 0);
    assert_int_equal(floe_data_file_content(e.data_file), FLOE_CONTENT_POSITION_DELETES);
    assert_string_equal(floe_data_file_referenced_data_file(e.data_file),
                        "s3://b/t/data/a.parquet");
    assert_int_equal(floe_manifest_reader_next(&has, &e, r), 0);
    assert_int_equal(floe_data_file_content(e.data_file), FLOE_CONTENT_EQUALITY_DELETES);
    size_t n = 0;
    const int32_t *got = floe_data_file_equality_ids(e.data_file, &n);
    assert_int_equal(n, 2);
    assert_int_equal(got[1], 3);
    assert_null(floe_data_file_referenced_data_file(e.data_file));
    floe_manifest_reader_free(r);
    floe_input_close(in);
    floe_manifest_file_free(mf);
    floe_data_file_free(pos);
    floe_data_file_free(eq);
}

/* A v1 manifest, written with the v1 manifest_entry schema through the Avro API. */
static const char V1_SCHEMA[] =
    "{\"type\":\"record\",\"name\":\"manifest_entry\",\"fields\":["
    "{\"name\":\"status\",\"type\":\"int\",\"field-id\":0},"
    "{\"name\":\"snapshot_id\",\"type\":\"long\",\"field-id\":1},"
    "{\"name\":\"data_file\",\"type\":{\"type\":\"record\",\"name\":\"r2\",\"fields\":["
    "{\"name\":\"file_path\",\"type\":\"string\",\"field-id\":100},"
    "{\"name\":\"file_format\",\"type\":\"string\",\"field-id\":101},"
    "{\"name\":\"partition\",\"type\":{\"type\":\"record\",\"name\":\"r102\",\"fields\":["
    "{\"name\":\"cat\",\"type\":[\"null\",\"string\"],\"default\":null,\"field-id\":1000}]},"
    "\"field-id\":102},"
    "{\"name\":\"record_count\",\"type\":\"long\",\"field-id\":103},"
    "{\"name\":\"file_size_in_bytes\",\"type\":\"long\",\"field-id\":104},"
    "{\"name\":\"block_size_in_bytes\",\"type\":\"long\",\"field-id\":105},"
    "{\"name\":\"value_counts\",\"type\":[\"null\",{\"type\":\"array\",\"items\":{\"type\":"
    "\"record\",\"name\":\"k119_v120\",\"fields\":[{\"name\":\"key\",\"type\":\"int\","
    "\"field-id\":119},{\"name\":\"value\",\"type\":\"long\",\"field-id\":120}]},"
    "\"logicalType\":\"map\"}],\"default\":null,\"field-id\":109}"
    "]},\"field-id\":2}]}";

static void test_v1_manifest_read(void **state)
{
    (void)state;
    floe_avro_schema *s = NULL;
    if (floe_avro_schema_parse(&s, V1_SCHEMA, strlen(V1_SCHEMA)))
        fail_msg("%s", floe_error_last());
    floe_avro_writer *w = NULL;
    assert_int_equal(floe_avro_writer_new_memory(&w, s, NULL), 0);
    assert_int_equal(floe_avro_writer_set_meta_string(w, "schema", SCHEMA), 0);
    assert_int_equal(
        floe_avro_writer_set_meta_string(
            w, "partition-spec", "[{\"name\":\"cat\",\"transform\":\"identity\",\"source-id\":3}]"),
        0);
    floe_avro_value *v = NULL;
    assert_int_equal(floe_avro_value_new(&v, s), 0);
    assert_int_equal(floe_avro_value_set_int(floe_avro_value_field(v, 0), 1), 0);
    assert_int_equal(floe_avro_value_set_long(floe_avro_value_field(v, 1), 77), 0);
    floe_avro_value *d = floe_avro_value_field(v, 2);
    assert_int_equal(floe_avro_value_set_string(floe_avro_value_field(d, 0), "/w/a.parquet"), 0);
    assert_int_equal(floe_avro_value_set_string(floe_avro_value_field(d, 1), "parquet"), 0);
    floe_avro_value *pv = NULL;
    assert_int_equal(
        floe_avro_value_set_optional(&pv, floe_avro_value_field(floe_avro_value_field(d, 2), 0), 1),
        0);
    assert_int_equal(floe_avro_value_set_string(pv, "toys"), 0);
    assert_int_equal(floe_avro_value_set_long(floe_avro_value_field(d, 3), 12), 0);
    assert_int_equal(floe_avro_value_set_long(floe_avro_value_field(d, 4), 345), 0);
    assert_int_equal(floe_avro_value_set_long(floe_avro_value_field(d, 5), 67108864), 0);
    floe_avro_value *arr = NULL, *kv = NULL;
    assert_int_equal(floe_avro_value_set_optional(&arr, floe_avro_value_field(d, 6), 1), 0);
    assert_int_equal(floe_avro_value_append(&kv, arr), 0);
    assert_int_equal(floe_avro_value_set_int(floe_avro_value_field(kv, 0), 3), 0);
    assert_int_equal(floe_avro_value_set_long(floe_avro_value_field(kv, 1), 12), 0);
    assert_int_equal(floe_avro_writer_append(w, v), 0);
    assert_int_equal(floe_avro_writer_finish(w, NULL), 0);
    size_t len = 0;
    const uint8_t *bytes = floe_avro_writer_bytes(w, &len);
    floe_input_file *in = NULL;
    assert_int_equal(floe_input_file_from_memory(&in, bytes, len, "v1.avro"), 0);
    floe_manifest_reader *r = NULL;
    if (floe_manifest_reader_open(&r, in, NULL))
        fail_msg("%s", floe_error_last());
    assert_int_equal(floe_manifest_reader_format_version(r), 1);
    floe_manifest_entry e;
    int has = 0;
    assert_int_equal(floe_manifest_reader_next(&has, &e, r), 0);
    assert_true(has);
    assert_int_equal(e.status, FLOE_ENTRY_ADDED);
    assert_int_equal(e.snapshot_id, 77);
    assert_int_equal(e.sequence_number, 0); /* v1: 0 */
    assert_int_equal(e.file_sequence_number, 0);
    assert_int_equal(floe_data_file_content(e.data_file), FLOE_CONTENT_DATA);
    assert_string_equal(floe_data_file_path(e.data_file), "/w/a.parquet");
    assert_int_equal(floe_data_file_record_count(e.data_file), 12);
    assert_int_equal(floe_data_file_size(e.data_file), 345);
    assert_memory_equal(floe_data_file_partition(e.data_file, 0)->v.bytes.data, "toys", 4);
    assert_int_equal(floe_data_file_metrics(e.data_file, 3)->value_count, 12);
    assert_int_equal(floe_manifest_reader_next(&has, &e, r), 0);
    assert_false(has);
    floe_manifest_reader_free(r);
    floe_input_close(in);
    floe_avro_value_free(v);
    floe_avro_writer_free(w);
    floe_avro_schema_free(s);
}

static void test_manifest_without_header_is_refused(void **state)
{
    (void)state;
    floe_avro_schema *s = NULL;
    assert_int_equal(floe_avro_schema_parse(&s, V1_SCHEMA, strlen(V1_SCHEMA)), 0);
    floe_avro_writer *w = NULL;
    assert_int_equal(floe_avro_writer_new_memory(&w, s, NULL), 0);
    assert_int_equal(floe_avro_writer_finish(w, NULL), 0);
    size_t len = 0;
    const uint8_t *bytes = floe_avro_writer_bytes(w, &len);
    floe_input_file *in = NULL;
    assert_int_equal(floe_input_file_from_memory(&in, bytes, len, "bad.avro"), 0);
    floe_manifest_reader *r = NULL;
    assert_int_equal(floe_manifest_reader_open(&r, in, NULL), FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "'schema'"));
    floe_input_close(in);
    floe_avro_writer_free(w);
    floe_avro_schema_free(s);
}

/* Writing and reading a manifest under allocation failure reports FLOE_ENOMEM, never
 * crashes or leaks (run under ASan), and a failed write leaves no file behind. */
static void test_allocation_failures_are_reported(void **state)
{
    fixture *f = *state;
    floe_data_file *df = full_file("s3://b/t/data/a.parquet", 3, "books");
    int succeeded = 0;
    for (long n = 1; n < 20000 && !succeeded; n++) {
        char loc[64];
        snprintf(loc, sizeof(loc), "mem://alloc/%ld.avro", n);
        floe_output_file *out = NULL;
        assert_int_equal(f->io->create(&out, f->io, loc, FLOE_CREATE_EXCLUSIVE), 0);
        floe_alloc_fail_after(n);
        floe_manifest_writer *w = NULL;
        floe_manifest_file *mf = NULL;
        int rc = floe_manifest_writer_new(&w, out, f->schema, f->spec, NULL);
        if (!rc)
            rc = floe_manifest_writer_add(w, df);
        if (!rc)
            rc = floe_manifest_writer_finish(&mf, w);
        floe_manifest_writer_free(w);
        int read_rc = -1, has = 0;
        if (!rc) {
            floe_input_file *in = NULL;
            floe_manifest_reader *r = NULL;
            floe_manifest_entry e;
            read_rc = f->io->open(&in, f->io, loc);
            if (!read_rc)
                read_rc = floe_manifest_reader_open(&r, in, mf);
            if (!read_rc)
                read_rc = floe_manifest_reader_next(&has, &e, r);
            floe_manifest_reader_free(r);
            floe_input_close(in);
        }
        floe_alloc_fail_after(0);
        if (rc) {
            if (rc != FLOE_ENOMEM)
                fail_msg("write: %d %s", rc, floe_error_last());
            int exists = 1;
            assert_int_equal(f->io->exists(&exists, f->io, loc), 0);
            assert_false(exists);
        } else if (read_rc) {
            if (read_rc != FLOE_ENOMEM)
                fail_msg("read: %d %s", read_rc, floe_error_last());
        } else {
            assert_true(has);
            succeeded = 1;
        }
        floe_manifest_file_free(mf);
    }
    assert_true(succeeded);
    floe_data_file_free(df);
}

/* An output file whose writes fail after `budget` calls, recording commit/abort (I/O fault
 * injection, CONVENTIONS §18). */
typedef struct failing_out {
    int budget;
    int committed;
    int aborted;
} failing_out;

static int fo_write(floe_output_file *f, const void *data, size_t len)
{
    (void)data;
    (void)len;
    failing_out *st = f->state;
    if (st->budget-- <= 0)
        return floe_error_set(FLOE_EIO, "injected write failure");
    return 0;
}

static int fo_commit(floe_output_file *f)
{
    ((failing_out *)f->state)->committed = 1;
    free(f);
    return 0;
}

static void fo_abort(floe_output_file *f)
{
    ((failing_out *)f->state)->aborted = 1;
    free(f);
}

static void test_write_failures_abort_the_file(void **state)
{
    fixture *f = *state;
    floe_data_file *df = full_file("s3://b/t/data/a.parquet", 3, "books");
    int finished = 0;
    for (int budget = 0; budget < 50 && !finished; budget++) {
        failing_out st = {budget, 0, 0};
        floe_output_file *out = calloc(1, sizeof(*out));
        out->version = FLOE_IO_VERSION;
        out->location = "fault://m.avro";
        out->write = fo_write;
        out->commit = fo_commit;
        out->abort = fo_abort;
        out->state = &st;
        floe_manifest_writer *w = NULL;
        floe_manifest_file *mf = NULL;
        int rc = floe_manifest_writer_new(&w, out, f->schema, f->spec, NULL);
        if (!rc)
            rc = floe_manifest_writer_add(w, df);
        if (!rc)
            rc = floe_manifest_writer_finish(&mf, w);
        floe_manifest_writer_free(w);
        if (rc) {
            assert_int_equal(rc, FLOE_EIO);
            assert_non_null(strstr(floe_error_last(), "injected write failure"));
            assert_true(st.aborted);
            assert_false(st.committed);
        } else {
            assert_true(st.committed);
            assert_false(st.aborted);
            finished = 1;
        }
        floe_manifest_file_free(mf);
    }
    assert_true(finished);
    floe_data_file_free(df);
}

/* Truncated or corrupted manifests are reported as errors, never crash (run under ASan). */
static void test_damaged_manifest_is_reported(void **state)
{
    fixture *f = *state;
    floe_manifest_file *mf = write_manifest(f, "mem://t/damaged.avro");
    uint8_t *bytes = NULL;
    size_t len = 0;
    assert_int_equal(floe_file_io_read_all(&bytes, &len, f->io, "mem://t/damaged.avro", 1 << 20),
                     0);
    uint8_t *copy = malloc(len);
    int errors = 0;
    for (size_t cut = 0; cut < len; cut += 7) {
        for (int flip = 0; flip < 2; flip++) {
            memcpy(copy, bytes, len);
            size_t n = flip ? len : cut;
            if (flip)
                copy[cut] ^= 0x5a;
            floe_input_file *in = NULL;
            assert_int_equal(floe_input_file_from_memory(&in, copy, n, "damaged.avro"), 0);
            floe_manifest_reader *r = NULL;
            int rc = floe_manifest_reader_open(&r, in, mf);
            int has = 1;
            while (!rc && has) {
                floe_manifest_entry e;
                rc = floe_manifest_reader_next(&has, &e, r);
            }
            if (rc) {
                errors++;
                assert_true(rc < 0);
                assert_true(floe_error_last()[0] != '\0');
            }
            floe_manifest_reader_free(r);
            floe_input_close(in);
        }
    }
    assert_true(errors > 0);
    free(copy);
    free(bytes);
    floe_manifest_file_free(mf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_manifest_every_field_round_trips, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_id_inherited_when_null, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writer_refuses_wrong_partition_arity_and_content,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_manifest_keeps_delete_fields, setup, teardown),
        cmocka_unit_test(test_v1_manifest_read),
        cmocka_unit_test(test_manifest_without_header_is_refused),
        cmocka_unit_test_setup_teardown(test_allocation_failures_are_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_manifest_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_failures_abort_the_file, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
