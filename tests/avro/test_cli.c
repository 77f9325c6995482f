/* The `floe avro` command group: cat (plain and Avro JSON, --limit), schema, meta, help and
 * exit codes on missing or corrupt files. */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/avro.h>
#include <floe/error.h>

static const char *list_schema =
    "{\"type\":\"record\",\"name\":\"manifest_file\",\"fields\":["
    "{\"name\":\"manifest_path\",\"type\":\"string\",\"field-id\":500},"
    "{\"name\":\"manifest_length\",\"type\":\"long\",\"field-id\":501},"
    "{\"name\":\"added_snapshot_id\",\"type\":[\"null\",\"long\"],\"default\":null,"
    "\"field-id\":503},"
    "{\"name\":\"key_metadata\",\"type\":[\"null\",\"bytes\"],\"default\":null,"
    "\"field-id\":519}]}";

static char file[512];

static int setup(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("avro_cli");
    snprintf(file, sizeof file, "%s/snap-1.avro", dir);
    floe_avro_schema *s;
    assert_int_equal(floe_avro_schema_parse(&s, list_schema, strlen(list_schema)), 0);
    floe_avro_writer_options o = FLOE_AVRO_WRITER_OPTIONS_INIT;
    o.codec = FLOE_AVRO_CODEC_DEFLATE;
    floe_avro_writer *w;
    assert_int_equal(floe_avro_writer_new_memory(&w, s, &o), 0);
    assert_int_equal(floe_avro_writer_set_meta_string(w, "format-version", "2"), 0);
    assert_int_equal(floe_avro_writer_set_meta_string(w, "snapshot-id", "1"), 0);
    floe_avro_value *v, *x;
    assert_int_equal(floe_avro_value_new(&v, s), 0);
    for (int i = 0; i < 5; i++) {
        char p[64];
        snprintf(p, sizeof p, "m%d.avro", i);
        assert_int_equal(floe_avro_value_set_string(floe_avro_value_field(v, 0), p), 0);
        assert_int_equal(floe_avro_value_set_long(floe_avro_value_field(v, 1), 9007199254740993LL),
                         0);
        assert_int_equal(floe_avro_value_set_optional(&x, floe_avro_value_field(v, 2), i != 0), 0);
        if (i)
            assert_int_equal(floe_avro_value_set_long(x, -i), 0);
        assert_int_equal(floe_avro_value_set_optional(&x, floe_avro_value_field(v, 3), i == 1), 0);
        if (i == 1)
            assert_int_equal(floe_avro_value_set_bytes(x, "\xde\xad", 2), 0);
        assert_int_equal(floe_avro_writer_append(w, v), 0);
    }
    assert_int_equal(floe_avro_writer_finish(w, NULL), 0);
    size_t len;
    const uint8_t *b = floe_avro_writer_bytes(w, &len);
    assert_int_equal(floe_test_write_file(file, b, len), 0);
    floe_avro_value_free(v);
    floe_avro_writer_free(w);
    floe_avro_schema_free(s);
    return 0;
}

static int run(const char *args, char **out)
{
    const char *bin = floe_test_floe_bin();
    if (!bin)
        fail_msg("FLOE_BIN is not set: build floe_cli");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' avro %s", bin, args);
    int st = floe_test_run(cmd, 1, out);
    return st;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_cat_prints_json_lines_with_exact_longs(void **state)
{
    (void)state;
    char args[700], *out = NULL;
    snprintf(args, sizeof args, "cat '%s'", file);
    assert_int_equal(run(args, &out), 0);
    assert_int_equal(count_lines(out), 5);
    assert_non_null(strstr(out, "{\"manifest_path\":\"m0.avro\",\"manifest_length\":"
                                "9007199254740993,\"added_snapshot_id\":null,\"key_metadata\":"
                                "null}\n"));
    assert_non_null(strstr(out, "\"added_snapshot_id\":-1,\"key_metadata\":\"dead\"}"));
    free(out);
    snprintf(args, sizeof args, "cat '%s' --limit 2 --avro-json", file);
    assert_int_equal(run(args, &out), 0);
    assert_int_equal(count_lines(out), 2);
    assert_non_null(strstr(out, "\"added_snapshot_id\":{\"long\":-1}"));
    assert_non_null(strstr(out, "\"key_metadata\":{\"bytes\":\"\\u00de\\u00ad\"}"));
    free(out);
}

static void test_meta_and_schema(void **state)
{
    (void)state;
    char args[700], *out = NULL;
    snprintf(args, sizeof args, "meta '%s' --json", file);
    assert_int_equal(run(args, &out), 0);
    assert_non_null(strstr(out, "\"codec\": \"deflate\""));
    assert_non_null(strstr(out, "\"records\": 5"));
    assert_non_null(strstr(out, "\"blocks\": 1"));
    assert_non_null(strstr(out, "\"snapshot-id\": \"1\""));
    free(out);
    snprintf(args, sizeof args, "meta '%s'", file);
    assert_int_equal(run(args, &out), 0);
    assert_non_null(strstr(out, "records: 5"));
    assert_non_null(strstr(out, "format-version: \"2\""));
    free(out);
    snprintf(args, sizeof args, "schema '%s'", file);
    assert_int_equal(run(args, &out), 0);
    assert_non_null(strstr(out, "\"field-id\": 519"));
    free(out);
    snprintf(args, sizeof args, "schema '%s' --canonical", file);
    assert_int_equal(run(args, &out), 0);
    assert_non_null(strstr(out, "{\"name\":\"manifest_file\",\"type\":\"record\""));
    assert_non_null(strstr(out, "fingerprint (CRC-64-AVRO): "));
    free(out);
}

static void test_help_usage_and_error_exit_codes(void **state)
{
    (void)state;
    char args[700], *out = NULL;
    assert_int_equal(run("--help", &out), 0);
    assert_non_null(strstr(out, "cat FILE"));
    free(out);
    assert_int_equal(run("", &out), 2);
    free(out);
    snprintf(args, sizeof args, "cat '%s' --bogus", file);
    assert_int_equal(run(args, &out), 2);
    free(out);
    assert_int_equal(run("cat /nonexistent/x.avro", &out), 3);
    free(out);
    /* A file cut in the middle of its block: exit 5 with a byte offset. */
    size_t len = 0;
    char *data = floe_test_read_file(file, &len);
    assert_non_null(data);
    char cut[600];
    snprintf(cut, sizeof cut, "%s.cut", file);
    assert_int_equal(floe_test_write_file(cut, data, len - 20), 0);
    free(data);
    snprintf(args, sizeof args, "cat '%s'", cut);
    assert_int_equal(run(args, &out), 5);
    assert_non_null(strstr(out, "byte offset"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cat_prints_json_lines_with_exact_longs),
        cmocka_unit_test(test_meta_and_schema),
        cmocka_unit_test(test_help_usage_and_error_exit_codes),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
