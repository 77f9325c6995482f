#include "test_support.h"

#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/transform.h>

#include "base/timeconv.h"

static int32_t hash_of(floe_literal l)
{
    int32_t h = 0;
    assert_int_equal(floe_transform_hash(&h, &l), 0);
    return h;
}

static int64_t ts_us(const char *s)
{
    int64_t v;
    assert_int_equal(floe_parse_timestamp_us(&v, s, NULL), 0);
    return v;
}

static int64_t ts_ns(const char *s)
{
    int64_t v;
    assert_int_equal(floe_parse_timestamp_ns(&v, s, NULL), 0);
    return v;
}

/* Every test value of Appendix B. */
static void test_appendix_b_hash_vectors(void **state)
{
    (void)state;
    assert_int_equal(hash_of(floe_literal_int(34)), 2017239379);
    assert_int_equal(hash_of(floe_literal_long(34)), 2017239379);
    assert_int_equal(hash_of(floe_literal_decimal(1420, 2)), -500754589);
    int32_t days;
    assert_int_equal(floe_parse_date(&days, "2017-11-16"), 0);
    assert_int_equal(hash_of(floe_literal_date(days)), -653330422);
    int64_t t;
    assert_int_equal(floe_parse_time_us(&t, "22:31:08"), 0);
    assert_int_equal(hash_of(floe_literal_time(t)), -662762989);
    assert_int_equal(hash_of(floe_literal_timestamp(ts_us("2017-11-16T22:31:08"))), -2047944441);
    assert_int_equal(hash_of(floe_literal_timestamp(ts_us("2017-11-16T22:31:08.000001"))),
                     -1207196810);
    assert_int_equal(hash_of(floe_literal_timestamptz(ts_us("2017-11-16T14:31:08-08:00"))),
                     -2047944441);
    assert_int_equal(hash_of(floe_literal_timestamptz(ts_us("2017-11-16T14:31:08.000001-08:00"))),
                     -1207196810);
    assert_int_equal(hash_of(floe_literal_timestamp_ns(ts_ns("2017-11-16T22:31:08"))), -2047944441);
    assert_int_equal(hash_of(floe_literal_timestamp_ns(ts_ns("2017-11-16T22:31:08.000001001"))),
                     -1207196810);
    assert_int_equal(hash_of(floe_literal_timestamptz_ns(ts_ns("2017-11-16T14:31:08-08:00"))),
                     -2047944441);
    assert_int_equal(
        hash_of(floe_literal_timestamptz_ns(ts_ns("2017-11-16T14:31:08.000001001-08:00"))),
        -1207196810);
    assert_int_equal(hash_of(floe_literal_string("iceberg", 7)), 1210000089);
    const uint8_t u[16] = {0xF7, 0x9C, 0x3E, 0x09, 0x67, 0x7C, 0x4B, 0xBD,
                           0xA4, 0x79, 0x3F, 0x34, 0x9C, 0xB7, 0x85, 0xE7};
    assert_int_equal(hash_of(floe_literal_uuid(u)), 1488055340);
    const uint8_t b[4] = {0, 1, 2, 3};
    assert_int_equal(hash_of(floe_literal_fixed(b, 4)), -188683207);
    assert_int_equal(hash_of(floe_literal_binary(b, 4)), -188683207);
    /* the "not currently valid for bucketing" table */
    assert_int_equal(hash_of(floe_literal_bool(true)), 1392991556);
    assert_int_equal(hash_of(floe_literal_float(1.0f)), -142385009);
    assert_int_equal(hash_of(floe_literal_float(0.0f)), 1669671676);
    assert_int_equal(hash_of(floe_literal_float(-0.0f)), 1669671676);
    assert_int_equal(hash_of(floe_literal_double(1.0)), -142385009);
    assert_int_equal(hash_of(floe_literal_double(0.0)), 1669671676);
    assert_int_equal(hash_of(floe_literal_double(-0.0)), 1669671676);
}

static floe_literal apply(const char *tr, floe_literal in)
{
    floe_transform t;
    assert_int_equal(floe_transform_parse(&t, tr), 0);
    floe_literal out;
    int rc = floe_transform_apply(&out, t, &in);
    if (rc)
        fail_msg("%s: %s", tr, floe_error_last());
    return out;
}

static void test_bucket_values_are_positive_modulo(void **state)
{
    (void)state;
    /* hash(34) = 2017239379; 2017239379 % 100 = 79 */
    floe_literal r = apply("bucket[100]", floe_literal_int(34));
    assert_int_equal(r.kind, FLOE_TYPE_INT);
    assert_int_equal(r.v.i32, 79);
    /* -500754589 & INT_MAX = 1646729059; % 16 = 3 */
    r = apply("bucket[16]", floe_literal_decimal(1420, 2));
    assert_int_equal(r.v.i32, 1646729059 % 16);
    r = apply("bucket[16]", floe_literal_null(FLOE_TYPE_INT));
    assert_true(r.is_null);
    /* int and long land in the same bucket */
    floe_literal a = apply("bucket[7]", floe_literal_int(-12345));
    floe_literal b = apply("bucket[7]", floe_literal_long(-12345));
    assert_int_equal(a.v.i32, b.v.i32);
}

static void test_truncate_uses_floor_semantics(void **state)
{
    (void)state;
    assert_int_equal(apply("truncate[10]", floe_literal_int(1)).v.i32, 0);
    assert_int_equal(apply("truncate[10]", floe_literal_int(-1)).v.i32, -10);
    assert_int_equal(apply("truncate[10]", floe_literal_int(-10)).v.i32, -10);
    assert_int_equal(apply("truncate[10]", floe_literal_int(-11)).v.i32, -20);
    assert_int_equal(apply("truncate[10]", floe_literal_long(19)).v.i64, 10);
    assert_int_equal(apply("truncate[10]", floe_literal_long(-5)).v.i64, -10);
    /* decimal 10.65 truncate[50] -> 10.50 (on the unscaled value 1065) */
    floe_literal d = apply("truncate[50]", floe_literal_decimal(1065, 2));
    assert_int_equal(d.v.dec.lo, 1050);
    assert_int_equal(d.scale, 2);
    d = apply("truncate[50]", floe_literal_decimal(-1, 2));
    assert_int_equal((int64_t)d.v.dec.lo, -50);
    /* strings by code points: "iceberg" -> "ice"; "ü€𝄞x" -> "ü€" (2 code points, 5 bytes) */
    floe_literal s = apply("truncate[3]", floe_literal_string("iceberg", 7));
    assert_int_equal(s.v.bytes.len, 3);
    assert_memory_equal(s.v.bytes.data, "ice", 3);
    floe_literal_clear(&s);
    const char *u = "\xc3\xbc\xe2\x82\xac\xf0\x9d\x84\x9ex";
    s = apply("truncate[2]", floe_literal_string(u, strlen(u)));
    assert_int_equal(s.v.bytes.len, 5);
    floe_literal_clear(&s);
    s = apply("truncate[3]", floe_literal_string(u, strlen(u)));
    assert_int_equal(s.v.bytes.len, 9);
    floe_literal_clear(&s);
    const uint8_t bin[5] = {1, 2, 3, 4, 5};
    s = apply("truncate[3]", floe_literal_binary(bin, 5));
    assert_int_equal(s.v.bytes.len, 3);
    floe_literal_clear(&s);
    s = apply("truncate[10]", floe_literal_binary(bin, 5));
    assert_int_equal(s.v.bytes.len, 5);
    floe_literal_clear(&s);
}

static void test_temporal_transforms_floor_before_epoch(void **state)
{
    (void)state;
    int64_t v = ts_us("1969-12-31T23:59:59.999999");
    assert_int_equal(v, -1);
    assert_int_equal(apply("year", floe_literal_timestamp(v)).v.i32, -1);
    assert_int_equal(apply("month", floe_literal_timestamp(v)).v.i32, -1);
    floe_literal d = apply("day", floe_literal_timestamp(v));
    assert_int_equal(d.kind, FLOE_TYPE_DATE);
    assert_int_equal(d.v.i32, -1);
    assert_int_equal(apply("hour", floe_literal_timestamp(v)).v.i32, -1);
    assert_int_equal(apply("hour", floe_literal_timestamptz_ns(-1)).v.i32, -1);
    assert_int_equal(apply("day", floe_literal_timestamp_ns(-1)).v.i32, -1);
    assert_int_equal(apply("year", floe_literal_date(-1)).v.i32, -1);
    assert_int_equal(apply("month", floe_literal_date(-1)).v.i32, -1);
    assert_int_equal(apply("month", floe_literal_date(-31)).v.i32, -1);
    assert_int_equal(apply("month", floe_literal_date(-32)).v.i32, -2);
    int64_t t = ts_us("2017-11-16T22:31:08");
    assert_int_equal(apply("year", floe_literal_timestamptz(t)).v.i32, 47);
    assert_int_equal(apply("month", floe_literal_timestamptz(t)).v.i32, 47 * 12 + 10);
    assert_int_equal(apply("day", floe_literal_timestamptz(t)).v.i32, 17486);
    assert_int_equal(apply("hour", floe_literal_timestamptz(t)).v.i32, 17486 * 24 + 22);
    assert_int_equal(apply("day", floe_literal_date(17486)).v.i32, 17486);
    assert_true(apply("void", floe_literal_int(3)).is_null);
    assert_int_equal(apply("identity", floe_literal_int(3)).v.i32, 3);
}

static char *human(const char *tr, floe_literal v)
{
    floe_transform t;
    assert_int_equal(floe_transform_parse(&t, tr), 0);
    char *s = NULL;
    assert_int_equal(floe_transform_to_human_string(&s, t, &v), 0);
    return s;
}

static void check_human(const char *tr, floe_literal v, const char *want)
{
    char *s = human(tr, v);
    assert_string_equal(s, want);
    floe_iceberg_free_bytes(s);
}

static void test_human_strings_per_transform(void **state)
{
    (void)state;
    check_human("year", floe_literal_int(54), "2024");
    check_human("year", floe_literal_int(-1), "1969");
    check_human("month", floe_literal_int(648), "2024-01");
    check_human("month", floe_literal_int(-1), "1969-12");
    check_human("day", floe_literal_date(19723), "2024-01-01");
    check_human("day", floe_literal_date(-1), "1969-12-31");
    check_human("hour", floe_literal_int(19723 * 24 + 10), "2024-01-01-10");
    check_human("hour", floe_literal_int(-1), "1969-12-31-23");
    check_human("bucket[16]", floe_literal_int(3), "3");
    check_human("identity", floe_literal_string("a b", 3), "a b");
    check_human("identity", floe_literal_null(FLOE_TYPE_STRING), "null");
    check_human("truncate[4]", floe_literal_decimal(1050, 2), "10.50");
    const uint8_t b[3] = {0, 1, 2};
    check_human("identity", floe_literal_binary(b, 3), "AAEC");
    check_human("identity", floe_literal_bool(true), "true");
    check_human("identity", floe_literal_double(1.0), "1.0");
    /* times and timestamps as java.time prints them */
    const int64_t us = 1510871468000000LL; /* 2017-11-16T22:31:08 */
    check_human("identity", floe_literal_timestamp(us), "2017-11-16T22:31:08");
    check_human("identity", floe_literal_timestamp(us - 8000000), "2017-11-16T22:31");
    check_human("identity", floe_literal_timestamptz(us + 1), "2017-11-16T22:31:08.000001Z");
    check_human("identity", floe_literal_timestamptz(us + 120000), "2017-11-16T22:31:08.120Z");
    check_human("identity", floe_literal_timestamp_ns(us * 1000 + 1001),
                "2017-11-16T22:31:08.000001001");
    check_human("identity", floe_literal_timestamp(-1), "1969-12-31T23:59:59.999999");
    check_human("identity", floe_literal_time(81068000000LL), "22:31:08");
    check_human("identity", floe_literal_time(0), "00:00");
    check_human("identity", floe_literal_date(17486), "2017-11-16");
}

static void test_parse_and_format_transform_strings(void **state)
{
    (void)state;
    const char *good[] = {"identity", "bucket[16]", "truncate[4]", "year",
                          "month",    "day",        "hour",        "void"};
    char buf[FLOE_TRANSFORM_BUF];
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        floe_transform t;
        assert_int_equal(floe_transform_parse(&t, good[i]), 0);
        assert_int_not_equal(t.kind, FLOE_TRANSFORM_UNKNOWN);
        assert_string_equal(floe_transform_format(t, buf), good[i]);
    }
    floe_transform t;
    assert_int_equal(floe_transform_parse(&t, "bucket[16]"), 0);
    assert_int_equal(t.kind, FLOE_TRANSFORM_BUCKET);
    assert_int_equal(t.param, 16);
    assert_int_equal(floe_transform_parse(&t, "zorder"), 0);
    assert_int_equal(t.kind, FLOE_TRANSFORM_UNKNOWN);
    assert_int_equal(floe_transform_parse(&t, "bucket[0]"), FLOE_EINVALID);
    assert_int_equal(floe_transform_parse(&t, "bucket[x]"), FLOE_EINVALID);
    assert_int_equal(floe_transform_parse(&t, "truncate[4"), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "truncate[4"));
}

static void test_applicability_and_result_types(void **state)
{
    (void)state;
    floe_type *tint, *tstr, *tdate, *tts, *tbool, *tdbl, *tuuid, *tdec;
    floe_type_new_primitive(&tint, FLOE_TYPE_INT);
    floe_type_new_primitive(&tstr, FLOE_TYPE_STRING);
    floe_type_new_primitive(&tdate, FLOE_TYPE_DATE);
    floe_type_new_primitive(&tts, FLOE_TYPE_TIMESTAMPTZ);
    floe_type_new_primitive(&tbool, FLOE_TYPE_BOOLEAN);
    floe_type_new_primitive(&tdbl, FLOE_TYPE_DOUBLE);
    floe_type_new_primitive(&tuuid, FLOE_TYPE_UUID);
    floe_type_new_decimal(&tdec, 9, 2);
    floe_transform bucket = {FLOE_TRANSFORM_BUCKET, 4}, trunc = {FLOE_TRANSFORM_TRUNCATE, 4},
                   hour = {FLOE_TRANSFORM_HOUR, 0}, day = {FLOE_TRANSFORM_DAY, 0},
                   ident = {FLOE_TRANSFORM_IDENTITY, 0}, year = {FLOE_TRANSFORM_YEAR, 0};
    assert_true(floe_transform_can_apply(bucket, tuuid));
    assert_false(floe_transform_can_apply(bucket, tbool));
    assert_false(floe_transform_can_apply(bucket, tdbl));
    assert_true(floe_transform_can_apply(trunc, tdec));
    assert_false(floe_transform_can_apply(trunc, tdate));
    assert_false(floe_transform_can_apply(hour, tdate));
    assert_true(floe_transform_can_apply(day, tdate));
    assert_true(floe_transform_can_apply(ident, tdbl));
    floe_type *r;
    assert_int_equal(floe_transform_result_type(&r, day, tts), 0);
    assert_int_equal(floe_type_get_kind(r), FLOE_TYPE_DATE);
    assert_int_equal(floe_transform_result_type(&r, year, tts), 0);
    assert_int_equal(floe_type_get_kind(r), FLOE_TYPE_INT);
    assert_int_equal(floe_transform_result_type(&r, bucket, tstr), 0);
    assert_int_equal(floe_type_get_kind(r), FLOE_TYPE_INT);
    assert_int_equal(floe_transform_result_type(&r, trunc, tdec), 0);
    assert_string_equal(floe_type_string(r), "decimal(9,2)");
    floe_type_free(r);
    assert_int_equal(floe_transform_result_type(&r, hour, tdate), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "hour"));
    assert_non_null(strstr(floe_error_last(), "date"));
    floe_type_free(tdec);
}

static void test_order_facts(void **state)
{
    (void)state;
    floe_type *tstr, *tint;
    floe_type_new_primitive(&tstr, FLOE_TYPE_STRING);
    floe_type_new_primitive(&tint, FLOE_TYPE_INT);
    floe_transform ident = {FLOE_TRANSFORM_IDENTITY, 0}, hour = {FLOE_TRANSFORM_HOUR, 0},
                   day = {FLOE_TRANSFORM_DAY, 0}, year = {FLOE_TRANSFORM_YEAR, 0},
                   b = {FLOE_TRANSFORM_BUCKET, 4}, t4 = {FLOE_TRANSFORM_TRUNCATE, 4},
                   t2 = {FLOE_TRANSFORM_TRUNCATE, 2}, t8 = {FLOE_TRANSFORM_TRUNCATE, 8};
    assert_true(floe_transform_preserves_order(day));
    assert_false(floe_transform_preserves_order(b));
    assert_true(floe_transform_satisfies_order_of(ident, day, NULL));
    assert_false(floe_transform_satisfies_order_of(ident, b, NULL));
    assert_true(floe_transform_satisfies_order_of(hour, day, NULL));
    assert_true(floe_transform_satisfies_order_of(day, year, NULL));
    assert_false(floe_transform_satisfies_order_of(year, day, NULL));
    assert_true(floe_transform_satisfies_order_of(t4, t2, tstr));
    assert_false(floe_transform_satisfies_order_of(t2, t4, tstr));
    assert_true(floe_transform_satisfies_order_of(t4, t8, tint));
    assert_false(floe_transform_satisfies_order_of(t4, t2, tint));
    assert_true(floe_transform_satisfies_order_of(b, b, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_appendix_b_hash_vectors),
        cmocka_unit_test(test_bucket_values_are_positive_modulo),
        cmocka_unit_test(test_truncate_uses_floor_semantics),
        cmocka_unit_test(test_temporal_transforms_floor_before_epoch),
        cmocka_unit_test(test_human_strings_per_transform),
        cmocka_unit_test(test_parse_and_format_transform_strings),
        cmocka_unit_test(test_applicability_and_result_types),
        cmocka_unit_test(test_order_facts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
