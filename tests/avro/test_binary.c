/* Avro binary encoding of every type: exact bytes from the spec, round trips through the value
 * API, skipping, and hostile lengths and counts. */
#include "test_support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <floe/avro.h>
#include <floe/error.h>

#include "formats/avro/avro_internal.h"

static floe_avro_schema *parse(const char *json)
{
    floe_avro_schema *s = NULL;
    if (floe_avro_schema_parse(&s, json, strlen(json)))
        fail_msg("parse failed: %s", floe_error_last());
    return s;
}

static void encode(floe_buf *b, const floe_avro_value *v)
{
    b->len = 0;
    if (floe_avro__encode(b, v))
        fail_msg("encode failed: %s", floe_error_last());
}

static int decode(floe_avro_value *v, const uint8_t *p, size_t n)
{
    floe_avro__dec d = {p, p, p + n, 0, "test", 0};
    int rc = floe_avro__decode(&d, v);
    if (rc == 0 && d.p != d.end)
        fail_msg("decode left %zu bytes", (size_t)(d.end - d.p));
    return rc;
}

static void test_zigzag_longs_match_spec_examples(void **state)
{
    (void)state;
    floe_avro_schema *s = parse("\"long\"");
    floe_avro_value *v;
    assert_int_equal(floe_avro_value_new(&v, s), 0);
    struct {
        int64_t val;
        const char *bytes;
        size_t n;
    } cases[] = {{0, "\x00", 1},
                 {-1, "\x01", 1},
                 {1, "\x02", 1},
                 {-2, "\x03", 1},
                 {2, "\x04", 1},
                 {-64, "\x7f", 1},
                 {64, "\x80\x01", 2},
                 {INT64_MAX, "\xfe\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10},
                 {INT64_MIN, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10}};
    floe_buf b = FLOE_BUF_INIT;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(floe_avro_value_set_long(v, cases[i].val), 0);
        encode(&b, v);
        assert_int_equal(b.len, cases[i].n);
        assert_memory_equal(b.data, cases[i].bytes, cases[i].n);
        assert_int_equal(floe_avro_value_set_long(v, 12345), 0);
        assert_int_equal(decode(v, (const uint8_t *)cases[i].bytes, cases[i].n), 0);
        assert_true(floe_avro_value_get_long(v) == cases[i].val);
    }
    /* An 11-byte varint and a 10th byte with high bits are corrupt. */
    assert_int_equal(decode(v, (const uint8_t *)"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11),
                     FLOE_ECORRUPT);
    assert_int_equal(decode(v, (const uint8_t *)"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 10),
                     FLOE_ECORRUPT);
    assert_int_equal(decode(v, (const uint8_t *)"\x80", 1), FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "byte offset 0 of test: truncated varint"));
    floe_buf_free(&b);
    floe_avro_value_free(v);
    floe_avro_schema_free(s);
}

static void test_int_out_of_range_is_corrupt(void **state)
{
    (void)state;
    floe_avro_schema *s = parse("\"int\"");
    floe_avro_value *v;
    assert_int_equal(floe_avro_value_new(&v, s), 0);
    /* zigzag(2^31) = 2^32 */
    assert_int_equal(decode(v, (const uint8_t *)"\x80\x80\x80\x80\x10", 5), FLOE_ECORRUPT);
    assert_int_equal(floe_avro_value_set_long(v, (int64_t)1 << 40), FLOE_ERANGE);
    floe_avro_value_free(v);
    floe_avro_schema_free(s);
}

static const char *all_types =
    "{\"type\":\"record\",\"name\":\"All\",\"fields\":["
    "{\"name\":\"n\",\"type\":\"null\"},{\"name\":\"b\",\"type\":\"boolean\"},"
    "{\"name\":\"i\",\"type\":\"int\"},{\"name\":\"l\",\"type\":\"long\"},"
    "{\"name\":\"f\",\"type\":\"float\"},{\"name\":\"d\",\"type\":\"double\"},"
    "{\"name\":\"by\",\"type\":\"bytes\"},{\"name\":\"s\",\"type\":\"string\"},"
    "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"Color\",\"symbols\":[\"RED\","
    "\"GREEN\",\"BLUE\"]}},"
    "{\"name\":\"fx\",\"type\":{\"type\":\"fixed\",\"name\":\"F3\",\"size\":3}},"
    "{\"name\":\"a\",\"type\":{\"type\":\"array\",\"items\":\"long\"}},"
    "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":\"string\"}},"
    "{\"name\":\"u\",\"type\":[\"null\",\"string\",\"long\"]},"
    "{\"name\":\"sub\",\"type\":{\"type\":\"record\",\"name\":\"Sub\",\"fields\":["
    "{\"name\":\"x\",\"type\":\"int\"}]}}]}";

static void fill_all(floe_avro_value *v)
{
    floe_avro_value *f, *item;
    assert_int_equal(floe_avro_value_set_boolean(floe_avro_value_field(v, 1), 1), 0);
    assert_int_equal(floe_avro_value_set_int(floe_avro_value_field(v, 2), -123456), 0);
    assert_int_equal(floe_avro_value_set_long(floe_avro_value_field(v, 3), 9007199254740993LL), 0);
    assert_int_equal(floe_avro_value_set_float(floe_avro_value_field(v, 4), 1.5f), 0);
    assert_int_equal(floe_avro_value_set_double(floe_avro_value_field(v, 5), -0.1), 0);
    assert_int_equal(floe_avro_value_set_bytes(floe_avro_value_field(v, 6), "\x00\xff", 2), 0);
    assert_int_equal(floe_avro_value_set_string(floe_avro_value_field(v, 7), "h\xc3\xa9"), 0);
    assert_int_equal(floe_avro_value_set_enum_symbol(floe_avro_value_field(v, 8), "BLUE"), 0);
    assert_int_equal(floe_avro_value_set_bytes(floe_avro_value_field(v, 9), "abc", 3), 0);
    f = floe_avro_value_field(v, 10);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(floe_avro_value_append(&item, f), 0);
        assert_int_equal(floe_avro_value_set_long(item, i * 1000), 0);
    }
    f = floe_avro_value_field(v, 11);
    assert_int_equal(floe_avro_value_map_add(&item, f, "k1", 2), 0);
    assert_int_equal(floe_avro_value_set_string(item, "v1"), 0);
    assert_int_equal(floe_avro_value_map_add(&item, f, "k2", 2), 0);
    assert_int_equal(floe_avro_value_set_string(item, ""), 0);
    assert_int_equal(floe_avro_value_union_select(&item, floe_avro_value_field(v, 12), 2), 0);
    assert_int_equal(floe_avro_value_set_long(item, -7), 0);
    assert_int_equal(
        floe_avro_value_set_int(floe_avro_value_field(floe_avro_value_field(v, 13), 0), 42), 0);
}

static void test_every_type_round_trips(void **state)
{
    (void)state;
    floe_avro_schema *s = parse(all_types);
    floe_avro_value *v, *w;
    assert_int_equal(floe_avro_value_new(&v, s), 0);
    assert_int_equal(floe_avro_value_new(&w, s), 0);
    fill_all(v);
    floe_buf b = FLOE_BUF_INIT;
    encode(&b, v);
    /* null(0) true(1) int(3) long(8) float(4) double(8) bytes(3) string(4) enum(1) fixed(3)
     * array(1+1+2+2+1) map(1+3+3+3+1+1) union(1+1) record(1) */
    assert_int_equal(b.len, 0 + 1 + 3 + 8 + 4 + 8 + 3 + 4 + 1 + 3 + 7 + 12 + 2 + 1);
    assert_int_equal(decode(w, b.data, b.len), 0);
    assert_true(floe_avro_value_equal(v, w));
    assert_int_equal(floe_avro_value_get_int(floe_avro_value_field(w, 2)), -123456);
    assert_true(floe_avro_value_get_long(floe_avro_value_field(w, 3)) == 9007199254740993LL);
    assert_true(floe_avro_value_get_double(floe_avro_value_field(w, 5)) == -0.1);
    size_t n = 0;
    const uint8_t *by = floe_avro_value_get_bytes(floe_avro_value_field(w, 6), &n);
    assert_int_equal(n, 2);
    assert_memory_equal(by, "\x00\xff", 2);
    assert_string_equal(floe_avro_value_get_enum_symbol(floe_avro_value_field(w, 8)), "BLUE");
    const floe_avro_value *m = floe_avro_value_field(w, 11);
    assert_int_equal(floe_avro_value_count(m), 2);
    assert_string_equal(floe_avro_value_map_key(m, 1, NULL), "k2");
    assert_string_equal(floe_avro_value_get_string(floe_avro_value_map_get(m, "k1"), NULL), "v1");
    const floe_avro_value *u = floe_avro_value_field(w, 12);
    assert_int_equal(floe_avro_value_union_branch(u), 2);
    assert_int_equal(floe_avro_value_get_long(floe_avro_value_resolve(u)), -7);
    char *json = NULL;
    assert_int_equal(floe_avro_value_to_json(&json, w, FLOE_AVRO_JSON_PLAIN), 0);
    assert_string_equal(json, "{\"n\":null,\"b\":true,\"i\":-123456,\"l\":9007199254740993,"
                              "\"f\":1.5,\"d\":-0.1,\"by\":\"00ff\",\"s\":\"h\xc3\xa9\","
                              "\"e\":\"BLUE\",\"fx\":\"616263\",\"a\":[0,1000,2000],"
                              "\"m\":{\"k1\":\"v1\",\"k2\":\"\"},\"u\":-7,\"sub\":{\"x\":42}}");
    free(json);
    assert_int_equal(floe_avro_value_to_json(&json, w, FLOE_AVRO_JSON_AVRO), 0);
    assert_non_null(strstr(json, "\"by\":\"\\u0000\\u00ff\""));
    assert_non_null(strstr(json, "\"u\":{\"long\":-7}"));
    free(json);

    /* Skipping consumes exactly the encoded bytes. */
    floe_avro__dec d = {b.data, b.data, b.data + b.len, 0, "test", 0};
    assert_int_equal(floe_avro__skip(&d, s), 0);
    assert_ptr_equal(d.p, d.end);

    /* Reuse: a second decode into the same value replaces contents (arrays shrink). */
    floe_avro_value_clear(floe_avro_value_field(v, 10));
    encode(&b, v);
    assert_int_equal(decode(w, b.data, b.len), 0);
    assert_int_equal(floe_avro_value_count(floe_avro_value_field(w, 10)), 0);
    assert_true(floe_avro_value_equal(v, w));

    floe_buf_free(&b);
    floe_avro_value_free(v);
    floe_avro_value_free(w);
    floe_avro_schema_free(s);
}

static void test_negative_block_counts_with_sizes_decode_and_skip(void **state)
{
    (void)state;
    floe_avro_schema *s = parse("{\"type\":\"array\",\"items\":\"int\"}");
    floe_avro_value *v;
    assert_int_equal(floe_avro_value_new(&v, s), 0);
    /* block of -2 items (zigzag 0x03) of 2 bytes (0x04): 1, 2; then block of 1 item: 3; end */
    const uint8_t data[] = {0x03, 0x04, 0x02, 0x04, 0x02, 0x06, 0x00};
    assert_int_equal(decode(v, data, sizeof data), 0);
    assert_int_equal(floe_avro_value_count(v), 3);
    assert_int_equal(floe_avro_value_get_int(floe_avro_value_item(v, 2)), 3);
    floe_avro__dec d = {data, data, data + sizeof data, 0, "test", 0};
    assert_int_equal(floe_avro__skip(&d, s), 0);
    assert_ptr_equal(d.p, d.end);
    /* Byte size beyond the input. */
    const uint8_t bad[] = {0x03, 0x40, 0x02, 0x04, 0x00};
    assert_int_equal(decode(v, bad, sizeof bad), FLOE_ECORRUPT);
    floe_avro_value_free(v);
    floe_avro_schema_free(s);
}

static void test_hostile_lengths_and_counts_are_corrupt(void **state)
{
    (void)state;
    floe_avro_schema *s = parse("{\"type\":\"record\",\"name\":\"r\",\"fields\":["
                                "{\"name\":\"s\",\"type\":\"string\"},"
                                "{\"name\":\"a\",\"type\":{\"type\":\"array\",\"items\":"
                                "\"null\"}}]}");
    floe_avro_value *v;
    assert_int_equal(floe_avro_value_new(&v, s), 0);
    /* String of length 2^62. */
    const uint8_t huge[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
    assert_int_equal(decode(v, huge, sizeof huge), FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "exceeds"));
    /* Negative string length. */
    assert_int_equal(decode(v, (const uint8_t *)"\x01", 1), FLOE_ECORRUPT);
    /* An array of 2^40 nulls: bounded even though nulls take no bytes. */
    const uint8_t many[] = {0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 0x00};
    assert_int_equal(decode(v, many, sizeof many), FLOE_ECORRUPT);
    floe_avro_value_free(v);
    floe_avro_schema_free(s);

    s = parse("[\"null\",\"int\"]");
    assert_int_equal(floe_avro_value_new(&v, s), 0);
    assert_int_equal(decode(v, (const uint8_t *)"\x04", 1), FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "union branch 2"));
    assert_int_equal(decode(v, (const uint8_t *)"\x01", 1), FLOE_ECORRUPT);
    floe_avro_value_free(v);
    floe_avro_schema_free(s);

    s = parse("{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"A\"]}");
    assert_int_equal(floe_avro_value_new(&v, s), 0);
    assert_int_equal(decode(v, (const uint8_t *)"\x02", 1), FLOE_ECORRUPT);
    floe_avro_value_free(v);
    floe_avro_schema_free(s);

    s = parse("\"boolean\"");
    assert_int_equal(floe_avro_value_new(&v, s), 0);
    assert_int_equal(decode(v, (const uint8_t *)"\x02", 1), FLOE_ECORRUPT);
    floe_avro_value_free(v);
    floe_avro_schema_free(s);
}

static void test_recursive_schema_values_nest_and_are_bounded(void **state)
{
    (void)state;
    floe_avro_schema *s = parse("{\"type\":\"record\",\"name\":\"Node\",\"fields\":["
                                "{\"name\":\"v\",\"type\":\"int\"},"
                                "{\"name\":\"next\",\"type\":[\"null\",\"Node\"]}]}");
    floe_avro_value *v;
    assert_int_equal(floe_avro_value_new(&v, s), 0);
    floe_avro_value *cur = v, *next;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(floe_avro_value_set_int(floe_avro_value_field(cur, 0), i), 0);
        assert_int_equal(floe_avro_value_set_optional(&next, floe_avro_value_field(cur, 1), i < 2),
                         0);
        cur = next;
    }
    floe_buf b = FLOE_BUF_INIT;
    encode(&b, v);
    floe_avro_value *w;
    assert_int_equal(floe_avro_value_new(&w, s), 0);
    assert_int_equal(decode(w, b.data, b.len), 0);
    assert_true(floe_avro_value_equal(v, w));
    /* A chain deeper than the limit is refused, not a stack overflow. */
    uint8_t deep[2000];
    for (size_t i = 0; i + 1 < sizeof deep; i += 2) {
        deep[i] = 0x00;     /* v = 0 */
        deep[i + 1] = 0x02; /* next: branch 1 */
    }
    assert_int_equal(decode(w, deep, sizeof deep), FLOE_ECORRUPT);
    floe_buf_free(&b);
    floe_avro_value_free(v);
    floe_avro_value_free(w);
    floe_avro_schema_free(s);
}

static void test_defaults_and_json_rendering(void **state)
{
    (void)state;
    floe_avro_schema *s = parse(all_types);
    floe_avro_value *v;
    assert_int_equal(floe_avro_value_new(&v, s), 0);
    assert_int_equal(
        floe_avro_value_from_default_json(
            v, "{\"n\":null,\"b\":false,\"i\":1,\"l\":-9223372036854775808,\"f\":\"NaN\","
               "\"d\":\"-Infinity\",\"by\":\"\\u00ff\",\"s\":\"x\\\"y\",\"e\":\"RED\","
               "\"fx\":\"abc\",\"a\":[1],\"m\":{\"q\":\"\\n\"},\"u\":null,\"sub\":{\"x\":1}}"),
        0);
    char *json = NULL;
    assert_int_equal(floe_avro_value_to_json(&json, v, 0), 0);
    assert_string_equal(json, "{\"n\":null,\"b\":false,\"i\":1,\"l\":-9223372036854775808,"
                              "\"f\":\"NaN\",\"d\":\"-Infinity\",\"by\":\"ff\",\"s\":\"x\\\"y\","
                              "\"e\":\"RED\",\"fx\":\"616263\",\"a\":[1],\"m\":{\"q\":\"\\n\"},"
                              "\"u\":null,\"sub\":{\"x\":1}}");
    free(json);
    assert_int_equal(floe_avro_value_from_default_json(v, "{\"i\":\"x\"}"), FLOE_ESCHEMA);
    floe_avro_value_free(v);
    floe_avro_schema_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zigzag_longs_match_spec_examples),
        cmocka_unit_test(test_int_out_of_range_is_corrupt),
        cmocka_unit_test(test_every_type_round_trips),
        cmocka_unit_test(test_negative_block_counts_with_sizes_decode_and_skip),
        cmocka_unit_test(test_hostile_lengths_and_counts_are_corrupt),
        cmocka_unit_test(test_recursive_schema_values_nest_and_are_bounded),
        cmocka_unit_test(test_defaults_and_json_rendering),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
