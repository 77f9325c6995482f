/* Interop with avsc (an independent Avro implementation, via node):
 * (1) files floe writes, with every type and every codec, are decoded by avsc with equal
 *     values, header metadata and schema attributes (field-id, element-id, ...);
 * (2) files avsc writes (codecs null, deflate, snappy) are decoded by floe with equal values.
 * Values are compared in node: floe's records in the Avro JSON encoding against avsc's. */
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/avro.h>
#include <floe/error.h>
#include <floe/io.h>

static const char *every_type =
    "{\"type\":\"record\",\"name\":\"manifest_entry\",\"namespace\":\"floe.t\",\"fields\":["
    "{\"name\":\"status\",\"type\":\"int\",\"field-id\":0},"
    "{\"name\":\"snapshot_id\",\"type\":[\"null\",\"long\"],\"default\":null,\"field-id\":1},"
    "{\"name\":\"flag\",\"type\":\"boolean\",\"field-id\":2},"
    "{\"name\":\"f\",\"type\":\"float\",\"field-id\":3},"
    "{\"name\":\"d\",\"type\":\"double\",\"field-id\":4},"
    "{\"name\":\"raw\",\"type\":\"bytes\",\"field-id\":5},"
    "{\"name\":\"path\",\"type\":\"string\",\"doc\":\"file location\",\"field-id\":6},"
    "{\"name\":\"kind\",\"type\":{\"type\":\"enum\",\"name\":\"Kind\",\"symbols\":[\"DATA\","
    "\"DELETES\"]},\"field-id\":7},"
    "{\"name\":\"id\",\"type\":{\"type\":\"fixed\",\"name\":\"Id16\",\"size\":16,"
    "\"logicalType\":\"uuid\"},\"field-id\":8},"
    "{\"name\":\"nums\",\"type\":{\"type\":\"array\",\"items\":\"long\",\"element-id\":10},"
    "\"field-id\":9},"
    "{\"name\":\"props\",\"type\":{\"type\":\"map\",\"values\":\"string\",\"key-id\":12,"
    "\"value-id\":13},\"field-id\":11},"
    "{\"name\":\"sizes\",\"type\":[\"null\",{\"type\":\"array\",\"logicalType\":\"map\","
    "\"items\":{\"type\":\"record\",\"name\":\"k117_v118\",\"fields\":[{\"name\":\"key\","
    "\"type\":\"int\",\"field-id\":117},{\"name\":\"value\",\"type\":\"long\",\"field-id\":118}"
    "]}}],\"default\":null,\"field-id\":108},"
    "{\"name\":\"choice\",\"type\":[\"null\",\"string\",\"double\",\"Kind\"],\"field-id\":14},"
    "{\"name\":\"dec\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":"
    "10,\"scale\":2},\"field-id\":15},"
    "{\"name\":\"ts\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"},"
    "\"field-id\":16},"
    "{\"name\":\"nothing\",\"type\":\"null\",\"field-id\":17}]}";

static void fill(floe_avro_value *v, int i)
{
    floe_avro_value *x;
    assert_int_equal(
        floe_avro_value_set_int(floe_avro_value_field(v, 0), i % 2 ? INT32_MIN + i : INT32_MAX - i),
        0);
    assert_int_equal(floe_avro_value_set_optional(&x, floe_avro_value_field(v, 1), i % 3 != 0), 0);
    if (i % 3 != 0)
        assert_int_equal(floe_avro_value_set_long(x, i % 2 ? INT64_MIN + i : INT64_MAX - i), 0);
    assert_int_equal(floe_avro_value_set_boolean(floe_avro_value_field(v, 2), i % 2), 0);
    assert_int_equal(
        floe_avro_value_set_float(floe_avro_value_field(v, 3), i == 7 ? NAN : (float)i * 0.1f), 0);
    assert_int_equal(floe_avro_value_set_double(floe_avro_value_field(v, 4), i == 8 ? INFINITY
                                                                             : i == 9
                                                                                 ? -INFINITY
                                                                                 : (double)i / 3.0),
                     0);
    uint8_t raw[256];
    for (int k = 0; k < 256; k++)
        raw[k] = (uint8_t)(k + i);
    assert_int_equal(floe_avro_value_set_bytes(floe_avro_value_field(v, 5), raw, (size_t)(i % 257)),
                     0);
    char path[128];
    snprintf(path, sizeof path, "s3://b/\xe2\x82\xac/%d/\"q\"\\\t.parquet", i);
    assert_int_equal(floe_avro_value_set_string(floe_avro_value_field(v, 6), path), 0);
    assert_int_equal(floe_avro_value_set_enum(floe_avro_value_field(v, 7), i % 2), 0);
    assert_int_equal(floe_avro_value_set_bytes(floe_avro_value_field(v, 8), raw + 100, 16), 0);
    floe_avro_value *arr = floe_avro_value_field(v, 9);
    floe_avro_value_clear(arr);
    for (int k = 0; k < i % 5; k++) {
        assert_int_equal(floe_avro_value_append(&x, arr), 0);
        assert_int_equal(floe_avro_value_set_long(x, ((int64_t)1 << 53) + 1 + k), 0);
    }
    floe_avro_value *map = floe_avro_value_field(v, 10);
    floe_avro_value_clear(map);
    for (int k = 0; k < i % 3; k++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", k);
        assert_int_equal(floe_avro_value_map_add(&x, map, key, strlen(key)), 0);
        assert_int_equal(floe_avro_value_set_string(x, "v\xc3\xa9"), 0);
    }
    floe_avro_value *sizes;
    assert_int_equal(floe_avro_value_set_optional(&sizes, floe_avro_value_field(v, 11), i % 4 != 0),
                     0);
    if (i % 4 != 0) {
        floe_avro_value_clear(sizes);
        for (int k = 0; k < 2; k++) {
            assert_int_equal(floe_avro_value_append(&x, sizes), 0);
            assert_int_equal(floe_avro_value_set_int(floe_avro_value_field(x, 0), 117 + k), 0);
            assert_int_equal(floe_avro_value_set_long(floe_avro_value_field(x, 1), -i * 1000LL), 0);
        }
    }
    floe_avro_value *choice = floe_avro_value_field(v, 12);
    assert_int_equal(floe_avro_value_union_select(&x, choice, i % 4), 0);
    if (i % 4 == 1)
        assert_int_equal(floe_avro_value_set_string(x, "choice"), 0);
    else if (i % 4 == 2)
        assert_int_equal(floe_avro_value_set_double(x, -1.25e-3 * i), 0);
    else if (i % 4 == 3)
        assert_int_equal(floe_avro_value_set_enum_symbol(x, "DELETES"), 0);
    assert_int_equal(floe_avro_value_set_bytes(floe_avro_value_field(v, 13), "\x00\x7f\x80", 3), 0);
    assert_int_equal(floe_avro_value_set_long(floe_avro_value_field(v, 14), 1700000000000000LL + i),
                     0);
}

/* Writes the reader's records as Avro JSON lines to `jsonl`; returns the record count. */
static int dump_jsonl(floe_avro_reader *r, const char *jsonl)
{
    FILE *f = fopen(jsonl, "w");
    assert_non_null(f);
    floe_avro_value *v;
    assert_int_equal(floe_avro_value_new(&v, floe_avro_reader_schema(r)), 0);
    int n = 0;
    for (;;) {
        int has = 0;
        if (floe_avro_reader_next(&has, r, v))
            fail_msg("floe read failed: %s", floe_error_last());
        if (!has)
            break;
        char *line;
        assert_int_equal(floe_avro_value_to_json(&line, v, FLOE_AVRO_JSON_AVRO), 0);
        fprintf(f, "%s\n", line);
        free(line);
        n++;
    }
    floe_avro_value_free(v);
    fclose(f);
    return n;
}

static void check_with_avsc(const char *avro, const char *jsonl, char **summary)
{
    char args[1200];
    snprintf(args, sizeof args, "'%s' '%s'", avro, jsonl);
    int st = floe_test_node("avro_check.mjs", args, summary);
    if (st != 0)
        fail_msg("avsc check of %s failed (%d): %s", avro, st, *summary ? *summary : "");
}

static void test_avsc_reads_floe_files_with_every_codec(void **state)
{
    (void)state;
    FLOE_REQUIRE_INTEROP();
    const char *dir = floe_test_tmpdir("avro_interop_w");
    floe_avro_schema *s;
    assert_int_equal(floe_avro_schema_parse(&s, every_type, strlen(every_type)), 0);
    floe_file_io *io;
    assert_int_equal(floe_posix_file_io_new(&io), 0);
    floe_avro_codec codecs[] = {FLOE_AVRO_CODEC_NULL, FLOE_AVRO_CODEC_DEFLATE,
                                FLOE_AVRO_CODEC_SNAPPY, FLOE_AVRO_CODEC_ZSTD};
    const int n = 300;
    for (size_t c = 0; c < 4; c++) {
        char path[512], jsonl[512];
        snprintf(path, sizeof path, "%s/floe_%s.avro", dir, floe_avro_codec_name(codecs[c]));
        snprintf(jsonl, sizeof jsonl, "%s/floe_%s.jsonl", dir, floe_avro_codec_name(codecs[c]));
        floe_output_file *out;
        assert_int_equal(io->create(&out, io, path, FLOE_CREATE_OVERWRITE), 0);
        floe_avro_writer_options o = FLOE_AVRO_WRITER_OPTIONS_INIT;
        o.codec = codecs[c];
        o.block_size = 4096;
        floe_avro_writer *w;
        assert_int_equal(floe_avro_writer_new(&w, out, s, &o), 0);
        assert_int_equal(floe_avro_writer_set_meta_string(w, "format-version", "2"), 0);
        assert_int_equal(floe_avro_writer_set_meta_string(w, "partition-spec-id", "0"), 0);
        assert_int_equal(floe_avro_writer_set_meta_string(w, "content", "data"), 0);
        floe_avro_value *v;
        assert_int_equal(floe_avro_value_new(&v, s), 0);
        for (int i = 0; i < n; i++) {
            fill(v, i);
            assert_int_equal(floe_avro_writer_append(w, v), 0);
        }
        assert_int_equal(floe_avro_writer_finish(w, NULL), 0);
        floe_avro_writer_free(w);
        floe_avro_value_free(v);
        assert_int_equal(floe_output_commit(out), 0);

        /* floe's own view of the file, as Avro JSON lines, for node to compare against. */
        floe_input_file *in;
        assert_int_equal(io->open(&in, io, path), 0);
        floe_avro_reader *r;
        assert_int_equal(floe_avro_reader_open(&r, in, NULL), 0);
        assert_int_equal(dump_jsonl(r, jsonl), n);
        floe_avro_reader_free(r);
        floe_input_close(in);

        char *summary = NULL;
        check_with_avsc(path, jsonl, &summary);
        char want[64];
        snprintf(want, sizeof want, "\"records\":%d", n);
        assert_non_null(strstr(summary, want));
        snprintf(want, sizeof want, "\"codec\":\"%s\"", floe_avro_codec_name(codecs[c]));
        assert_non_null(strstr(summary, want));
        assert_non_null(strstr(summary, "\"format-version\":\"2\""));
        assert_non_null(strstr(summary, "\"partition-spec-id\":\"0\""));
        assert_non_null(strstr(summary, "\"content\":\"data\""));
        assert_non_null(strstr(summary, "\"field-id\":118"));
        assert_non_null(strstr(summary, "\"element-id\":10"));
        assert_non_null(strstr(summary, "\"key-id\":12"));
        assert_non_null(strstr(summary, "\"logicalType\":\"map\""));
        free(summary);
    }
    floe_file_io_free(io);
    floe_avro_schema_free(s);
}

static void test_floe_reads_avsc_files(void **state)
{
    (void)state;
    FLOE_REQUIRE_INTEROP();
    const char *dir = floe_test_tmpdir("avro_interop_r");
    char args[600], *out = NULL;
    snprintf(args, sizeof args, "'%s' 400", dir);
    int st = floe_test_node("avro_write.mjs", args, &out);
    if (st != 0)
        fail_msg("avro_write.mjs failed: %s", out ? out : "");
    free(out);
    const char *codecs[] = {"null", "deflate", "snappy", "zstandard"};
    floe_file_io *io;
    assert_int_equal(floe_posix_file_io_new(&io), 0);
    for (size_t c = 0; c < sizeof codecs / sizeof codecs[0]; c++) {
        char path[512], jsonl[512];
        snprintf(path, sizeof path, "%s/avsc_%s.avro", dir, codecs[c]);
        snprintf(jsonl, sizeof jsonl, "%s/avsc_%s.jsonl", dir, codecs[c]);
        floe_input_file *in;
        assert_int_equal(io->open(&in, io, path), 0);
        floe_avro_reader *r;
        if (floe_avro_reader_open(&r, in, NULL))
            fail_msg("floe cannot open the avsc file: %s", floe_error_last());
        assert_string_equal(floe_avro_codec_name(floe_avro_reader_codec(r)), codecs[c]);
        assert_string_equal(floe_avro_reader_meta(r, "format-version"), "2");
        assert_string_equal(floe_avro_schema_name(floe_avro_reader_writer_schema(r)),
                            "floe.interop.manifest_entry");
        assert_int_equal(dump_jsonl(r, jsonl), 400);
        /* 400 records in 512-byte blocks: many blocks were read one at a time. */
        assert_true(floe_avro_reader_block_count(r) > 20);
        floe_avro_reader_free(r);
        floe_input_close(in);
        char *summary = NULL;
        check_with_avsc(path, jsonl, &summary);
        assert_non_null(strstr(summary, "\"records\":400"));
        free(summary);
    }
    floe_file_io_free(io);
}

static void test_floe_resolves_avsc_file_by_alias_with_promotions(void **state)
{
    (void)state;
    FLOE_REQUIRE_INTEROP();
    const char *dir = floe_test_tmpdir("avro_interop_res");
    char args[600], *out = NULL;
    snprintf(args, sizeof args, "'%s' 20", dir);
    assert_int_equal(floe_test_node("avro_write.mjs", args, &out), 0);
    free(out);
    /* avsc drops custom attributes such as field-id from the schema it writes, so this reader
     * schema renames through aliases; it also adds an optional field and drops most others. */
    const char *rs = "{\"type\":\"record\",\"name\":\"e\",\"fields\":["
                     "{\"name\":\"sizes_renamed\",\"aliases\":[\"sizes\"],\"type\":[\"null\","
                     "{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"kv\","
                     "\"fields\":[{\"name\":\"value\",\"type\":\"double\"},"
                     "{\"name\":\"key\",\"type\":\"long\"}]}}]},"
                     "{\"name\":\"snap\",\"aliases\":[\"snapshot_id\"],\"type\":[\"null\","
                     "\"long\"]},"
                     "{\"name\":\"state\",\"aliases\":[\"status\"],\"type\":\"long\"},"
                     "{\"name\":\"added\",\"type\":[\"null\",\"string\"]}]}";
    floe_avro_schema *s;
    assert_int_equal(floe_avro_schema_parse(&s, rs, strlen(rs)), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/avsc_deflate.avro", dir);
    size_t len = 0;
    char *data = floe_test_read_file(path, &len);
    assert_non_null(data);
    floe_avro_reader_options o = FLOE_AVRO_READER_OPTIONS_INIT;
    o.reader_schema = s;
    floe_avro_reader *r;
    if (floe_avro_reader_open_memory(&r, data, len, &o))
        fail_msg("open: %s", floe_error_last());
    floe_avro_value *v;
    assert_int_equal(floe_avro_value_new(&v, floe_avro_reader_schema(r)), 0);
    int has = 0;
    for (int i = 0; i < 3; i++)
        assert_int_equal(floe_avro_reader_next(&has, r, v), 0);
    char *json;
    assert_int_equal(floe_avro_value_to_json(&json, v, 0), 0);
    /* Record 2 of avro_write.mjs: status 1, no snapshot id, sizes {1: 200, 2: -1}. */
    assert_string_equal(json, "{\"sizes_renamed\":[{\"value\":200.0,\"key\":1},{\"value\":"
                              "-1.0,\"key\":2}],\"snap\":null,\"state\":1,\"added\":null}");
    free(json);
    floe_avro_value_free(v);
    floe_avro_reader_free(r);
    floe_avro_schema_free(s);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_avsc_reads_floe_files_with_every_codec),
        cmocka_unit_test(test_floe_reads_avsc_files),
        cmocka_unit_test(test_floe_resolves_avsc_file_by_alias_with_promotions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
