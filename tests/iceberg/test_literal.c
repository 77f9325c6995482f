#include "test_support.h"

#include <math.h>
#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/literal.h>

static floe_type *prim(floe_type_kind k)
{
    floe_type *t = NULL;
    assert_int_equal(floe_type_new_primitive(&t, k), 0);
    return t;
}

static void check_bytes(floe_literal l, const uint8_t *want, size_t n)
{
    uint8_t *b = NULL;
    size_t len = 0;
    assert_int_equal(floe_literal_to_bytes(&b, &len, &l), 0);
    assert_int_equal(len, n);
    assert_memory_equal(b, want, n);
    floe_iceberg_free_bytes(b);
}

static void test_appendix_d_binary_forms(void **state)
{
    (void)state;
    check_bytes(floe_literal_bool(true), (const uint8_t *)"\x01", 1);
    check_bytes(floe_literal_bool(false), (const uint8_t *)"\x00", 1);
    check_bytes(floe_literal_int(34), (const uint8_t *)"\x22\0\0\0", 4);
    check_bytes(floe_literal_int(-2), (const uint8_t *)"\xfe\xff\xff\xff", 4);
    check_bytes(floe_literal_long(34), (const uint8_t *)"\x22\0\0\0\0\0\0\0", 8);
    check_bytes(floe_literal_float(1.0f), (const uint8_t *)"\x00\x00\x80\x3f", 4);
    check_bytes(floe_literal_double(1.0), (const uint8_t *)"\0\0\0\0\0\0\xf0\x3f", 8);
    check_bytes(floe_literal_date(17486), (const uint8_t *)"\x4e\x44\0\0", 4);
    check_bytes(floe_literal_string("iceberg", 7), (const uint8_t *)"iceberg", 7);
    /* decimals: minimal two's complement big-endian */
    check_bytes(floe_literal_decimal(1420, 2), (const uint8_t *)"\x05\x8c", 2);
    check_bytes(floe_literal_decimal(0, 2), (const uint8_t *)"\x00", 1);
    check_bytes(floe_literal_decimal(127, 0), (const uint8_t *)"\x7f", 1);
    check_bytes(floe_literal_decimal(128, 0), (const uint8_t *)"\x00\x80", 2);
    check_bytes(floe_literal_decimal(-1, 0), (const uint8_t *)"\xff", 1);
    check_bytes(floe_literal_decimal(-128, 0), (const uint8_t *)"\x80", 1);
    check_bytes(floe_literal_decimal(-129, 0), (const uint8_t *)"\xff\x7f", 2);
    /* 2^64 needs 9 bytes */
    check_bytes(floe_literal_decimal128(1, 0, 0), (const uint8_t *)"\x01\0\0\0\0\0\0\0\0", 9);
    const uint8_t u[16] = {0xF7, 0x9C, 0x3E, 0x09, 0x67, 0x7C, 0x4B, 0xBD,
                           0xA4, 0x79, 0x3F, 0x34, 0x9C, 0xB7, 0x85, 0xE7};
    check_bytes(floe_literal_uuid(u), u, 16);
    uint8_t *b;
    size_t n;
    floe_literal nl = floe_literal_null(FLOE_TYPE_INT);
    assert_int_equal(floe_literal_to_bytes(&b, &n, &nl), FLOE_EINVALID);
}

static void test_bytes_round_trip_and_promotion(void **state)
{
    (void)state;
    floe_type *dec;
    assert_int_equal(floe_type_new_decimal(&dec, 38, 2), 0);
    floe_literal l;
    assert_int_equal(floe_literal_from_bytes(&l, dec, (const uint8_t *)"\xff\x7f", 2), 0);
    assert_int_equal((int64_t)l.v.dec.lo, -129);
    assert_int_equal(l.v.dec.hi, -1);
    assert_int_equal(l.scale, 2);
    floe_type_free(dec);
    /* an int bound read for a long column (promoted) */
    assert_int_equal(
        floe_literal_from_bytes(&l, prim(FLOE_TYPE_LONG), (const uint8_t *)"\xfe\xff\xff\xff", 4),
        0);
    assert_int_equal(l.v.i64, -2);
    assert_int_equal(
        floe_literal_from_bytes(&l, prim(FLOE_TYPE_DOUBLE), (const uint8_t *)"\0\0\x80\x3f", 4), 0);
    assert_true(l.v.f64 == 1.0);
    assert_int_equal(floe_literal_from_bytes(&l, prim(FLOE_TYPE_INT), (const uint8_t *)"ab", 2),
                     FLOE_ECORRUPT);
    assert_int_equal(floe_literal_from_bytes(&l, prim(FLOE_TYPE_STRING), (const uint8_t *)"abc", 3),
                     0);
    assert_true(l.owned);
    assert_memory_equal(l.v.bytes.data, "abc", 3);
    floe_literal_clear(&l);
}

static void check_json(floe_literal l, const char *want)
{
    char *s = NULL;
    assert_int_equal(floe_literal_to_json(&s, &l), 0);
    assert_string_equal(s, want);
    floe_iceberg_free_bytes(s);
}

static void test_appendix_d_json_forms(void **state)
{
    (void)state;
    check_json(floe_literal_bool(true), "true");
    check_json(floe_literal_int(34), "34");
    check_json(floe_literal_long(-34), "-34");
    check_json(floe_literal_double(1.0), "1.0");
    check_json(floe_literal_decimal(1420, 2), "\"14.20\"");
    check_json(floe_literal_decimal(-5, 2), "\"-0.05\"");
    check_json(floe_literal_date(17486), "\"2017-11-16\"");
    check_json(floe_literal_time(81068123456LL), "\"22:31:08.123456\"");
    check_json(floe_literal_timestamp(1510871468123456LL), "\"2017-11-16T22:31:08.123456\"");
    check_json(floe_literal_timestamptz(1510871468123456LL),
               "\"2017-11-16T22:31:08.123456+00:00\"");
    check_json(floe_literal_timestamp_ns(1510871468123456789LL),
               "\"2017-11-16T22:31:08.123456789\"");
    check_json(floe_literal_string("iceberg", 7), "\"iceberg\"");
    const uint8_t u[16] = {0xF7, 0x9C, 0x3E, 0x09, 0x67, 0x7C, 0x4B, 0xBD,
                           0xA4, 0x79, 0x3F, 0x34, 0x9C, 0xB7, 0x85, 0xE7};
    check_json(floe_literal_uuid(u), "\"f79c3e09-677c-4bbd-a479-3f349cb785e7\"");
    check_json(floe_literal_binary((const uint8_t *)"\x00\x01\x02\xff", 4), "\"000102ff\"");
    check_json(floe_literal_null(FLOE_TYPE_INT), "null");

    floe_literal l;
    floe_type *dec;
    floe_type_new_decimal(&dec, 9, 2);
    assert_int_equal(floe_literal_from_json(&l, dec, "\"14.20\""), 0);
    assert_int_equal(l.v.dec.lo, 1420);
    assert_int_equal(floe_literal_from_json(&l, dec, "\"14.201\""), FLOE_ECORRUPT);
    floe_type_free(dec);
    assert_int_equal(floe_literal_from_json(&l, prim(FLOE_TYPE_UUID),
                                            "\"f79c3e09-677c-4bbd-a479-3f349cb785e7\""),
                     0);
    assert_memory_equal(l.v.uuid, u, 16);
    assert_int_equal(floe_literal_from_json(&l, prim(FLOE_TYPE_TIMESTAMPTZ),
                                            "\"2017-11-16T22:31:08.123456+00:00\""),
                     0);
    assert_int_equal(l.v.i64, 1510871468123456LL);
    assert_int_equal(floe_literal_from_json(&l, prim(FLOE_TYPE_BINARY), "\"000102ff\""), 0);
    assert_int_equal(l.v.bytes.len, 4);
    assert_int_equal(l.v.bytes.data[3], 0xff);
    floe_literal_clear(&l);
    assert_int_equal(floe_literal_from_json(&l, prim(FLOE_TYPE_INT), "\"x\""), FLOE_ECORRUPT);
    assert_int_equal(floe_literal_from_json(&l, prim(FLOE_TYPE_INT), "null"), 0);
    assert_true(l.is_null);
}

static int cmp(floe_literal a, floe_literal b)
{
    int c = 99;
    assert_int_equal(floe_literal_compare(&c, &a, &b), 0);
    return c;
}

static void test_compare_uses_iceberg_ordering(void **state)
{
    (void)state;
    assert_true(cmp(floe_literal_int(-1), floe_literal_int(1)) < 0);
    assert_true(cmp(floe_literal_double(-0.0), floe_literal_double(0.0)) < 0);
    assert_true(cmp(floe_literal_double(NAN), floe_literal_double(INFINITY)) > 0);
    assert_true(cmp(floe_literal_float(NAN), floe_literal_float(NAN)) == 0);
    assert_true(cmp(floe_literal_decimal(150, 2), floe_literal_decimal(15, 1)) == 0);
    assert_true(cmp(floe_literal_decimal(-1, 0), floe_literal_decimal(0, 0)) < 0);
    /* unsigned bytes: "\xc3\xbc" (ü) sorts after "z" */
    assert_true(cmp(floe_literal_string("\xc3\xbc", 2), floe_literal_string("z", 1)) > 0);
    assert_true(cmp(floe_literal_string("ab", 2), floe_literal_string("abc", 3)) < 0);
    int c;
    floe_literal a = floe_literal_int(1), b = floe_literal_long(1);
    assert_int_equal(floe_literal_compare(&c, &a, &b), FLOE_EINVALID);
}

static void test_convert_for_binding(void **state)
{
    (void)state;
    floe_literal out;
    floe_literal_conversion conv;
    floe_literal in = floe_literal_string("2024-01-01", 10);
    assert_int_equal(floe_literal_convert(&out, &conv, &in, prim(FLOE_TYPE_DATE)), 0);
    assert_int_equal(conv, FLOE_LITERAL_EXACT);
    assert_int_equal(out.v.i32, 19723);
    assert_int_equal(floe_literal_convert(&out, &conv, &in, prim(FLOE_TYPE_TIMESTAMP)), 0);
    assert_int_equal(out.v.i64, 19723LL * 86400000000LL);
    floe_literal tz = floe_literal_string("2024-01-01T00:00:00+01:00", 25);
    assert_int_equal(floe_literal_convert(&out, &conv, &tz, prim(FLOE_TYPE_TIMESTAMPTZ)), 0);
    assert_int_equal(out.v.i64, 19723LL * 86400000000LL - 3600000000LL);
    /* an offset is refused for a timestamp without zone */
    assert_int_equal(floe_literal_convert(&out, &conv, &tz, prim(FLOE_TYPE_TIMESTAMP)),
                     FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "timestamp"));
    /* long to int with range checks */
    in = floe_literal_long(3000000000LL);
    assert_int_equal(floe_literal_convert(&out, &conv, &in, prim(FLOE_TYPE_INT)), 0);
    assert_int_equal(conv, FLOE_LITERAL_ABOVE_MAX);
    assert_true(out.is_null);
    in = floe_literal_long(-3000000000LL);
    assert_int_equal(floe_literal_convert(&out, &conv, &in, prim(FLOE_TYPE_INT)), 0);
    assert_int_equal(conv, FLOE_LITERAL_BELOW_MIN);
    in = floe_literal_long(7);
    assert_int_equal(floe_literal_convert(&out, &conv, &in, prim(FLOE_TYPE_INT)), 0);
    assert_int_equal(conv, FLOE_LITERAL_EXACT);
    assert_int_equal(out.kind, FLOE_TYPE_INT);
    assert_int_equal(out.v.i32, 7);
    /* decimal rescale when exact */
    floe_type *d2;
    floe_type_new_decimal(&d2, 9, 2);
    in = floe_literal_decimal(15, 1);
    assert_int_equal(floe_literal_convert(&out, &conv, &in, d2), 0);
    assert_int_equal(out.v.dec.lo, 150);
    in = floe_literal_decimal(1234, 3);
    assert_int_equal(floe_literal_convert(&out, &conv, &in, d2), 0);
    assert_int_equal(conv, FLOE_LITERAL_INEXACT);
    in = floe_literal_string("14.2", 4);
    assert_int_equal(floe_literal_convert(&out, &conv, &in, d2), 0);
    assert_int_equal(out.v.dec.lo, 1420);
    in = floe_literal_int(3);
    assert_int_equal(floe_literal_convert(&out, &conv, &in, d2), 0);
    assert_int_equal(out.v.dec.lo, 300);
    floe_type_free(d2);
    in = floe_literal_string("f79c3e09-677c-4bbd-a479-3f349cb785e7", 36);
    assert_int_equal(floe_literal_convert(&out, &conv, &in, prim(FLOE_TYPE_UUID)), 0);
    assert_int_equal(out.v.uuid[0], 0xF7);
    in = floe_literal_string("abc", 3);
    assert_int_equal(floe_literal_convert(&out, &conv, &in, prim(FLOE_TYPE_INT)), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "'abc'"));
    in = floe_literal_double(2.5);
    assert_int_equal(floe_literal_convert(&out, &conv, &in, prim(FLOE_TYPE_LONG)), 0);
    assert_int_equal(conv, FLOE_LITERAL_INEXACT);
    in = floe_literal_int(5);
    assert_int_equal(floe_literal_convert(&out, &conv, &in, prim(FLOE_TYPE_DOUBLE)), 0);
    assert_true(out.v.f64 == 5.0);
    in = floe_literal_bool(true);
    assert_int_equal(floe_literal_convert(&out, &conv, &in, prim(FLOE_TYPE_INT)), FLOE_EINVALID);
}

static void test_bound_truncation(void **state)
{
    (void)state;
    floe_literal out;
    bool has;
    /* lower: code points, not bytes */
    const char *s = "\xc3\xbc\xc3\xbc\xc3\xbc"; /* üüü */
    floe_literal in = floe_literal_string(s, 6);
    assert_int_equal(floe_literal_truncate_lower(&out, &in, 2), 0);
    assert_int_equal(out.v.bytes.len, 4);
    floe_literal_clear(&out);
    /* upper: "abc" to 2 -> "ac" */
    in = floe_literal_string("abc", 3);
    assert_int_equal(floe_literal_truncate_upper(&out, &has, &in, 2), 0);
    assert_true(has);
    assert_int_equal(out.v.bytes.len, 2);
    assert_memory_equal(out.v.bytes.data, "ac", 2);
    floe_literal_clear(&out);
    /* short enough: unchanged */
    assert_int_equal(floe_literal_truncate_upper(&out, &has, &in, 5), 0);
    assert_int_equal(out.v.bytes.len, 3);
    floe_literal_clear(&out);
    /* carry over U+10FFFF: "a\U0010FFFFz" to 2 -> "b" */
    const char *m = "a\xf4\x8f\xbf\xbfz";
    in = floe_literal_string(m, strlen(m));
    assert_int_equal(floe_literal_truncate_upper(&out, &has, &in, 2), 0);
    assert_true(has);
    assert_int_equal(out.v.bytes.len, 1);
    assert_memory_equal(out.v.bytes.data, "b", 1);
    floe_literal_clear(&out);
    /* U+D7FF increments past the surrogates to U+E000 */
    const char *sur = "\xed\x9f\xbfz";
    in = floe_literal_string(sur, strlen(sur));
    assert_int_equal(floe_literal_truncate_upper(&out, &has, &in, 1), 0);
    assert_int_equal(out.v.bytes.len, 3);
    assert_memory_equal(out.v.bytes.data, "\xee\x80\x80", 3);
    floe_literal_clear(&out);
    /* impossible: all max code points */
    const char *mx = "\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbfx";
    in = floe_literal_string(mx, strlen(mx));
    assert_int_equal(floe_literal_truncate_upper(&out, &has, &in, 2), 0);
    assert_false(has);
    assert_true(out.is_null);
    /* binary by bytes with carry */
    const uint8_t b[4] = {1, 0xff, 0xff, 7};
    in = floe_literal_binary(b, 4);
    assert_int_equal(floe_literal_truncate_upper(&out, &has, &in, 3), 0);
    assert_true(has);
    assert_int_equal(out.v.bytes.len, 1);
    assert_int_equal(out.v.bytes.data[0], 2);
    floe_literal_clear(&out);
    const uint8_t ff[3] = {0xff, 0xff, 0};
    in = floe_literal_binary(ff, 3);
    assert_int_equal(floe_literal_truncate_upper(&out, &has, &in, 2), 0);
    assert_false(has);
    assert_int_equal(floe_literal_truncate_lower(&out, &in, 2), 0);
    assert_int_equal(out.v.bytes.len, 2);
    floe_literal_clear(&out);
}

static void test_human_text(void **state)
{
    (void)state;
    char *s;
    floe_literal l = floe_literal_timestamptz(-1);
    assert_int_equal(floe_literal_to_string(&s, &l), 0);
    assert_string_equal(s, "1969-12-31T23:59:59.999999+00:00");
    floe_iceberg_free_bytes(s);
    l = floe_literal_float(0.1f);
    assert_int_equal(floe_literal_to_string(&s, &l), 0);
    assert_string_equal(s, "0.1");
    floe_iceberg_free_bytes(s);
    floe_literal c;
    l = floe_literal_string("xy", 2);
    assert_int_equal(floe_literal_copy(&c, &l), 0);
    assert_true(c.owned);
    assert_ptr_not_equal(c.v.bytes.data, l.v.bytes.data);
    assert_true(floe_literal_equal(&c, &l));
    floe_literal_clear(&c);
    assert_true(c.is_null);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_appendix_d_binary_forms),
        cmocka_unit_test(test_bytes_round_trip_and_promotion),
        cmocka_unit_test(test_appendix_d_json_forms),
        cmocka_unit_test(test_compare_uses_iceberg_ordering),
        cmocka_unit_test(test_convert_for_binding),
        cmocka_unit_test(test_bound_truncation),
        cmocka_unit_test(test_human_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
