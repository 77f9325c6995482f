/* Schema resolution when reading a container file with an expected (reader) schema: field-id
 * matching (Iceberg), names and aliases, added/removed fields, promotions, unions, enums. */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#include <floe/avro.h>
#include <floe/error.h>

static floe_avro_schema *parse(const char *json)
{
    floe_avro_schema *s = NULL;
    if (floe_avro_schema_parse(&s, json, strlen(json)))
        fail_msg("parse failed: %s", floe_error_last());
    return s;
}

/* Writes one record given as default-style JSON with the writer schema; returns the file. */
static uint8_t *write_one(const char *wschema, const char *record_json, size_t *len)
{
    floe_avro_schema *s = parse(wschema);
    floe_avro_writer *w;
    assert_int_equal(floe_avro_writer_new_memory(&w, s, NULL), 0);
    floe_avro_value *v;
    assert_int_equal(floe_avro_value_new(&v, s), 0);
    if (floe_avro_value_from_default_json(v, record_json))
        fail_msg("bad record json: %s", floe_error_last());
    assert_int_equal(floe_avro_writer_append(w, v), 0);
    assert_int_equal(floe_avro_writer_append(w, v), 0);
    assert_int_equal(floe_avro_writer_finish(w, NULL), 0);
    const uint8_t *b = floe_avro_writer_bytes(w, len);
    uint8_t *copy = malloc(*len);
    memcpy(copy, b, *len);
    floe_avro_value_free(v);
    floe_avro_writer_free(w);
    floe_avro_schema_free(s);
    return copy;
}

/* Reads the file with the reader schema; returns the first record as plain JSON or NULL with
 * *rc set. */
static char *read_as(const uint8_t *data, size_t len, const char *rschema, int *rc)
{
    floe_avro_schema *rs = parse(rschema);
    floe_avro_reader_options o = FLOE_AVRO_READER_OPTIONS_INIT;
    o.reader_schema = rs;
    floe_avro_reader *r = NULL;
    char *json = NULL;
    *rc = floe_avro_reader_open_memory(&r, data, len, &o);
    floe_avro_schema_free(rs);
    if (*rc)
        return NULL;
    floe_avro_value *v;
    assert_int_equal(floe_avro_value_new(&v, floe_avro_reader_schema(r)), 0);
    int has = 0;
    for (int i = 0; i < 2 && *rc == 0; i++) {
        *rc = floe_avro_reader_next(&has, r, v);
        if (*rc == 0) {
            assert_true(has);
            free(json);
            json = NULL;
            assert_int_equal(floe_avro_value_to_json(&json, v, 0), 0);
        }
    }
    if (*rc == 0) {
        *rc = floe_avro_reader_next(&has, r, v);
        assert_false(has);
    }
    floe_avro_value_free(v);
    floe_avro_reader_free(r);
    if (*rc) {
        free(json);
        return NULL;
    }
    return json;
}

static void expect_read(const char *wschema, const char *record, const char *rschema,
                        const char *expect)
{
    size_t len;
    uint8_t *data = write_one(wschema, record, &len);
    int rc = 0;
    char *got = read_as(data, len, rschema, &rc);
    if (rc)
        fail_msg("read failed: %s", floe_error_last());
    assert_string_equal(got, expect);
    free(got);
    free(data);
}

static void expect_error(const char *wschema, const char *record, const char *rschema, int code,
                         const char *fragment)
{
    size_t len;
    uint8_t *data = write_one(wschema, record, &len);
    int rc = 0;
    char *got = read_as(data, len, rschema, &rc);
    assert_null(got);
    assert_int_equal(rc, code);
    if (!strstr(floe_error_last(), fragment))
        fail_msg("error '%s' lacks '%s'", floe_error_last(), fragment);
    free(data);
}

static const char *w_ids = "{\"type\":\"record\",\"name\":\"manifest_file\",\"fields\":["
                           "{\"name\":\"path\",\"type\":\"string\",\"field-id\":500},"
                           "{\"name\":\"len\",\"type\":\"long\",\"field-id\":501},"
                           "{\"name\":\"extra\",\"type\":{\"type\":\"map\",\"values\":\"int\"},"
                           "\"field-id\":900},"
                           "{\"name\":\"spec\",\"type\":\"int\",\"field-id\":502}]}";
static const char *w_rec = "{\"path\":\"a.avro\",\"len\":42,\"extra\":{\"x\":1},\"spec\":3}";

static void test_renamed_and_reordered_fields_match_by_field_id(void **state)
{
    (void)state;
    /* Java writes "manifest_path"; PyIceberg/others may name it differently: ids decide. */
    expect_read(w_ids, w_rec,
                "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
                "{\"name\":\"partition_spec_id\",\"type\":\"int\",\"field-id\":502},"
                "{\"name\":\"manifest_path\",\"type\":\"string\",\"field-id\":500},"
                "{\"name\":\"manifest_length\",\"type\":\"long\",\"field-id\":501}]}",
                "{\"partition_spec_id\":3,\"manifest_path\":\"a.avro\",\"manifest_length\":42}");
}

static void test_ids_win_over_names(void **state)
{
    (void)state;
    /* The reader field named "len" has the id of "spec": it must get spec's value. */
    expect_read(w_ids, w_rec,
                "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
                "{\"name\":\"len\",\"type\":\"long\",\"field-id\":502}]}",
                "{\"len\":3}");
}

static void test_added_optional_and_defaulted_fields(void **state)
{
    (void)state;
    expect_read(w_ids, w_rec,
                "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
                "{\"name\":\"path\",\"type\":\"string\",\"field-id\":500},"
                "{\"name\":\"added_rows\",\"type\":[\"null\",\"long\"],\"field-id\":512},"
                "{\"name\":\"content\",\"type\":\"int\",\"default\":0,\"field-id\":517},"
                "{\"name\":\"seq\",\"type\":[\"long\",\"null\"],\"default\":7,\"field-id\":515}]}",
                "{\"path\":\"a.avro\",\"added_rows\":null,\"content\":0,\"seq\":7}");
}

static void test_missing_required_field_names_the_path(void **state)
{
    (void)state;
    expect_error(w_ids, w_rec,
                 "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
                 "{\"name\":\"path\",\"type\":\"string\",\"field-id\":500},"
                 "{\"name\":\"sub\",\"type\":{\"type\":\"record\",\"name\":\"s\",\"fields\":[]},"
                 "\"field-id\":600}]}",
                 FLOE_ESCHEMA, "$.sub");
    expect_error(w_ids, w_rec,
                 "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
                 "{\"name\":\"path\",\"type\":\"int\",\"field-id\":500}]}",
                 FLOE_ESCHEMA, "$.path");
}

static void test_names_and_aliases_without_ids(void **state)
{
    (void)state;
    const char *w = "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
                    "{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"old_b\",\"type\":\"string\"},"
                    "{\"name\":\"c\",\"type\":\"double\"}]}";
    expect_read(w, "{\"a\":1,\"old_b\":\"x\",\"c\":2.5}",
                "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
                "{\"name\":\"c\",\"type\":\"double\"},"
                "{\"name\":\"b\",\"type\":\"string\",\"aliases\":[\"old_b\"]}]}",
                "{\"c\":2.5,\"b\":\"x\"}");
}

static void test_promotions(void **state)
{
    (void)state;
    const char *w = "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
                    "{\"name\":\"i\",\"type\":\"int\"},{\"name\":\"i2\",\"type\":\"int\"},"
                    "{\"name\":\"l\",\"type\":\"long\"},{\"name\":\"f\",\"type\":\"float\"},"
                    "{\"name\":\"s\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"bytes\"},"
                    "{\"name\":\"arr\",\"type\":{\"type\":\"array\",\"items\":\"int\"}}]}";
    expect_read(
        w,
        "{\"i\":-5,\"i2\":7,\"l\":9007199254740993,\"f\":0.5,\"s\":\"hi\",\"b\":\"\\u0001\","
        "\"arr\":[1,2]}",
        "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
        "{\"name\":\"i\",\"type\":\"long\"},{\"name\":\"i2\",\"type\":\"double\"},"
        "{\"name\":\"l\",\"type\":\"double\"},{\"name\":\"f\",\"type\":\"double\"},"
        "{\"name\":\"s\",\"type\":\"bytes\"},{\"name\":\"b\",\"type\":\"string\"},"
        "{\"name\":\"arr\",\"type\":{\"type\":\"array\",\"items\":\"long\"}}]}",
        "{\"i\":-5,\"i2\":7.0,\"l\":9007199254740992.0,\"f\":0.5,\"s\":\"6869\","
        "\"b\":\"\\u0001\",\"arr\":[1,2]}");
    expect_error(w, "{\"i\":1,\"i2\":1,\"l\":1,\"f\":1,\"s\":\"\",\"b\":\"\",\"arr\":[]}",
                 "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
                 "{\"name\":\"l\",\"type\":\"int\"}]}",
                 FLOE_ESCHEMA, "$.l");
}

static void test_unions_on_either_side(void **state)
{
    (void)state;
    const char *w = "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
                    "{\"name\":\"a\",\"type\":\"int\"},"
                    "{\"name\":\"b\",\"type\":[\"null\",\"string\"]},"
                    "{\"name\":\"c\",\"type\":[\"null\",\"int\"]}]}";
    /* Writer plain -> reader optional; writer optional -> reader plain (value present);
     * writer [null,int] -> reader [null,long]. */
    expect_read(w, "{\"a\":3,\"b\":\"x\",\"c\":4}",
                "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
                "{\"name\":\"a\",\"type\":[\"null\",\"long\"]},"
                "{\"name\":\"b\",\"type\":\"string\"},"
                "{\"name\":\"c\",\"type\":[\"null\",\"long\"]}]}",
                "{\"a\":3,\"b\":\"x\",\"c\":4}");
    /* Writer selected null but the reader has no null: an error when that datum is read. */
    expect_error(w, "{\"a\":3,\"b\":null,\"c\":4}",
                 "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
                 "{\"name\":\"b\",\"type\":\"string\"}]}",
                 FLOE_ESCHEMA, "$.b");
}

static void test_removed_fields_are_skipped_including_nested(void **state)
{
    (void)state;
    const char *w = "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
                    "{\"name\":\"skip1\",\"type\":{\"type\":\"array\",\"items\":{\"type\":"
                    "\"map\",\"values\":[\"null\",\"bytes\"]}}},"
                    "{\"name\":\"keep\",\"type\":\"long\"},"
                    "{\"name\":\"skip2\",\"type\":{\"type\":\"fixed\",\"name\":\"f\",\"size\":3}},"
                    "{\"name\":\"skip3\",\"type\":{\"type\":\"enum\",\"name\":\"e\","
                    "\"symbols\":[\"A\",\"B\"]}},"
                    "{\"name\":\"last\",\"type\":\"string\"}]}";
    expect_read(w,
                "{\"skip1\":[{\"k\":\"ab\",\"n\":null},{}],\"keep\":-1,\"skip2\":\"xyz\","
                "\"skip3\":\"B\",\"last\":\"end\"}",
                "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
                "{\"name\":\"last\",\"type\":\"string\"},{\"name\":\"keep\",\"type\":\"long\"}]}",
                "{\"last\":\"end\",\"keep\":-1}");
}

static void test_enum_resolution_uses_reader_default(void **state)
{
    (void)state;
    const char *w = "{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"A\",\"B\",\"C\"]}";
    expect_read(w, "\"C\"", "{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"C\",\"X\",\"A\"]}",
                "\"C\"");
    expect_read(w, "\"B\"",
                "{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"A\",\"U\"],\"default\":\"U\"}",
                "\"U\"");
    expect_error(w, "\"B\"", "{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"A\"]}", FLOE_ESCHEMA,
                 "'B'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_renamed_and_reordered_fields_match_by_field_id),
        cmocka_unit_test(test_ids_win_over_names),
        cmocka_unit_test(test_added_optional_and_defaulted_fields),
        cmocka_unit_test(test_missing_required_field_names_the_path),
        cmocka_unit_test(test_names_and_aliases_without_ids),
        cmocka_unit_test(test_promotions),
        cmocka_unit_test(test_unions_on_either_side),
        cmocka_unit_test(test_removed_fields_are_skipped_including_nested),
        cmocka_unit_test(test_enum_resolution_uses_reader_default),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
