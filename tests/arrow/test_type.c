#include "test_support.h"

#include <string.h>

#include <floe/arrow/schema.h>
#include <floe/arrow/type.h>
#include <floe/error.h>

/* Every format floe handles parses and formats back to the same text. */
static void test_type_formats_round_trip(void **state)
{
    (void)state;
    static const char *const formats[] = {
        "n",
        "b",
        "c",
        "s",
        "i",
        "l",
        "C",
        "S",
        "I",
        "L",
        "f",
        "g",
        "u",
        "U",
        "z",
        "Z",
        "d:10,2",
        "d:38,38",
        "d:1,0",
        "w:16",
        "tdD",
        "tdm",
        "tts",
        "ttm",
        "ttu",
        "ttn",
        "tsu:UTC",
        "tsu:",
        "tsn:",
        "tss:+01:00",
        "tsm:Europe/Paris",
        "+s",
        "+l",
        "+L",
        "+m",
    };
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        floe_arrow_type t;
        assert_int_equal(floe_arrow_type_parse(&t, formats[i]), 0);
        char buf[FLOE_ARROW_FORMAT_MAX];
        assert_int_equal(floe_arrow_type_format(buf, sizeof buf, &t), 0);
        assert_string_equal(buf, formats[i]);
    }
}

static void test_type_parse_fields(void **state)
{
    (void)state;
    floe_arrow_type t;
    assert_int_equal(floe_arrow_type_parse(&t, "d:10,2"), 0);
    assert_int_equal(t.id, FLOE_ARROW_TYPE_DECIMAL128);
    assert_int_equal(t.precision, 10);
    assert_int_equal(t.scale, 2);
    assert_int_equal(t.byte_width, 16);
    assert_int_equal(floe_arrow_type_bit_width(&t), 128);

    assert_int_equal(floe_arrow_type_parse(&t, "d:5,1,128"), 0);
    assert_int_equal(t.precision, 5);

    assert_int_equal(floe_arrow_type_parse(&t, "tsu:UTC"), 0);
    assert_int_equal(t.id, FLOE_ARROW_TYPE_TIMESTAMP);
    assert_int_equal(t.unit, FLOE_ARROW_TIME_UNIT_MICRO);
    assert_int_equal(t.timezone_len, 3);
    assert_memory_equal(t.timezone, "UTC", 3);

    assert_int_equal(floe_arrow_type_parse(&t, "tsn:"), 0);
    assert_int_equal(t.unit, FLOE_ARROW_TIME_UNIT_NANO);
    assert_null(t.timezone);

    assert_int_equal(floe_arrow_type_parse(&t, "ttu"), 0);
    assert_int_equal(t.id, FLOE_ARROW_TYPE_TIME64);
    assert_int_equal(floe_arrow_type_parse(&t, "ttm"), 0);
    assert_int_equal(t.id, FLOE_ARROW_TYPE_TIME32);

    assert_int_equal(floe_arrow_type_parse(&t, "w:16"), 0);
    assert_int_equal(t.id, FLOE_ARROW_TYPE_FIXED_SIZE_BINARY);
    assert_int_equal(t.byte_width, 16);
    assert_int_equal(floe_arrow_type_bit_width(&t), 128);

    assert_int_equal(floe_arrow_type_parse(&t, "+m"), 0);
    assert_int_equal(t.id, FLOE_ARROW_TYPE_MAP);
    assert_true(floe_arrow_type_is_nested(t.id));
    assert_int_equal(floe_arrow_type_n_buffers(t.id), 2);
    assert_int_equal(floe_arrow_type_n_buffers(FLOE_ARROW_TYPE_UTF8), 3);
    assert_int_equal(floe_arrow_type_n_buffers(FLOE_ARROW_TYPE_STRUCT), 1);
    assert_int_equal(floe_arrow_type_n_buffers(FLOE_ARROW_TYPE_NA), 0);
    assert_string_equal(floe_arrow_type_name(FLOE_ARROW_TYPE_LARGE_UTF8), "large_utf8");
}

static void test_type_rejects_malformed_formats(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",     "x",   "d:",   "d:10", "d:0,0", "d:39,2", "d:4,5", "d:10,2x", "w:",        "w:0",
        "w:-1", "tsu", "tsx:", "tdX",  "ttx",   "+x",     "+sx",   "ii",      "d:10,2,100"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        floe_arrow_type t;
        int rc = floe_arrow_type_parse(&t, bad[i]);
        if (rc != FLOE_EINVALID)
            fail_msg("format '%s' gave %d, expected FLOE_EINVALID", bad[i], rc);
        assert_non_null(strstr(floe_error_last(), "Arrow format string"));
    }
}

static void test_type_valid_but_unsupported_formats(void **state)
{
    (void)state;
    static const char *const unsupported[] = {"e",  "vu",  "vz",  "d:40,2,256", "+w:4", "+us:1,2",
                                              "+r", "tDs", "tiM", "d:10,-2",    "+vl"};
    for (size_t i = 0; i < sizeof unsupported / sizeof unsupported[0]; i++) {
        floe_arrow_type t;
        int rc = floe_arrow_type_parse(&t, unsupported[i]);
        if (rc != FLOE_EUNSUPPORTED)
            fail_msg("format '%s' gave %d, expected FLOE_EUNSUPPORTED", unsupported[i], rc);
    }
}

static void test_type_from_schema_flags_dictionary(void **state)
{
    (void)state;
    struct ArrowSchema s;
    assert_int_equal(floe_arrow_schema_init(&s, "i", "city", ARROW_FLAG_NULLABLE), 0);
    assert_int_equal(floe_arrow_schema_alloc_dictionary(&s), 0);
    assert_int_equal(floe_arrow_schema_init(s.dictionary, "u", "", 0), 0);
    floe_arrow_type t;
    assert_int_equal(floe_arrow_type_from_schema(&t, &s), 0);
    assert_true(t.is_dictionary);
    assert_int_equal(t.id, FLOE_ARROW_TYPE_UTF8);
    assert_int_equal(t.index_id, FLOE_ARROW_TYPE_INT32);

    /* A dictionary whose index type is not an integer is malformed. */
    assert_int_equal(floe_arrow_schema_set_format(&s, "g"), 0);
    assert_int_equal(floe_arrow_type_from_schema(&t, &s), FLOE_EINVALID);
    s.release(&s);

    assert_int_equal(floe_arrow_schema_init(&s, "l", "id", 0), 0);
    assert_int_equal(floe_arrow_type_from_schema(&t, &s), 0);
    assert_false(t.is_dictionary);
    assert_int_equal(t.id, FLOE_ARROW_TYPE_INT64);
    s.release(&s);
}

static void test_type_format_errors(void **state)
{
    (void)state;
    floe_arrow_type t = FLOE_ARROW_TYPE_INIT;
    char buf[FLOE_ARROW_FORMAT_MAX];
    t.id = FLOE_ARROW_TYPE_DECIMAL128;
    t.precision = 39;
    assert_int_equal(floe_arrow_type_format(buf, sizeof buf, &t), FLOE_EINVALID);
    t.precision = 10;
    t.scale = 11;
    assert_int_equal(floe_arrow_type_format(buf, sizeof buf, &t), FLOE_EINVALID);
    t.scale = 2;
    assert_int_equal(floe_arrow_type_format(buf, 4, &t), FLOE_ERANGE);
    assert_int_equal(floe_arrow_type_format(buf, sizeof buf, &t), 0);
    assert_string_equal(buf, "d:10,2");
    t.id = FLOE_ARROW_TYPE_TIME64;
    t.unit = FLOE_ARROW_TIME_UNIT_MILLI;
    assert_int_equal(floe_arrow_type_format(buf, sizeof buf, &t), FLOE_EINVALID);
    t.id = FLOE_ARROW_TYPE_FIXED_SIZE_BINARY;
    t.byte_width = 0;
    assert_int_equal(floe_arrow_type_format(buf, sizeof buf, &t), FLOE_EINVALID);

    floe_arrow_type a, b;
    assert_int_equal(floe_arrow_type_parse(&a, "tsu:UTC"), 0);
    assert_int_equal(floe_arrow_type_parse(&b, "tsu:"), 0);
    assert_false(floe_arrow_type_equal(&a, &b));
    assert_int_equal(floe_arrow_type_parse(&b, "tsu:UTC"), 0);
    assert_true(floe_arrow_type_equal(&a, &b));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_formats_round_trip),
        cmocka_unit_test(test_type_parse_fields),
        cmocka_unit_test(test_type_rejects_malformed_formats),
        cmocka_unit_test(test_type_valid_but_unsupported_formats),
        cmocka_unit_test(test_type_from_schema_flags_dictionary),
        cmocka_unit_test(test_type_format_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
