#include "test_support.h"

#include <math.h>
#include <string.h>

#include <floe/error.h>

#include "base/buf.h"
#include "formats/thrift/compact.h"

/* Every compact type written as struct fields reads back equal, including delta and long
 * field ids, negative numbers, empty and long binaries, nested structs, lists and maps. */
static void test_roundtrip_every_type(void **state)
{
    (void)state;
    floe_buf b = FLOE_BUF_INIT;
    floe_thrift_writer w;
    floe_thrift__writer_init(&w, &b);
    floe_thrift__write_struct_begin(&w);
    floe_thrift__write_field_bool(&w, 1, true);
    floe_thrift__write_field_bool(&w, 2, false);
    floe_thrift__write_field_i8(&w, 3, -128);
    floe_thrift__write_field_i16(&w, 4, -32768);
    floe_thrift__write_field_i32(&w, 5, INT32_MIN);
    floe_thrift__write_field_i64(&w, 6, INT64_MIN);
    floe_thrift__write_field_double(&w, 7, -0.0);
    floe_thrift__write_field_binary(&w, 8, "", 0);
    char big[300];
    memset(big, 'z', sizeof big);
    floe_thrift__write_field_binary(&w, 200, big, sizeof big); /* long-form field id */
    floe_thrift__write_field_i64(&w, 30, INT64_MAX);           /* negative delta: long form */
    floe_thrift__write_field_list_begin(&w, 31, FLOE_THRIFT_I32, 20);
    for (int i = 0; i < 20; i++)
        floe_thrift__write_i32(&w, i * -1000);
    floe_thrift__write_field_list_begin(&w, 32, FLOE_THRIFT_BOOL, 3);
    floe_thrift__write_bool(&w, true);
    floe_thrift__write_bool(&w, false);
    floe_thrift__write_bool(&w, true);
    floe_thrift__write_field_struct_begin(&w, 33);
    floe_thrift__write_field_string(&w, 1, "inner");
    floe_thrift__write_struct_end(&w);
    floe_thrift__write_field_map_begin(&w, 34, FLOE_THRIFT_BINARY, FLOE_THRIFT_I64, 2);
    floe_thrift__write_binary(&w, "a", 1);
    floe_thrift__write_i64(&w, 1);
    floe_thrift__write_binary(&w, "b", 1);
    floe_thrift__write_i64(&w, -1);
    floe_thrift__write_field_double(&w, 35, INFINITY);
    floe_thrift__write_struct_end(&w);
    assert_int_equal(floe_thrift__writer_error(&w), 0);

    floe_thrift_reader r;
    floe_thrift__reader_init(&r, b.data, b.len, 0, "test");
    assert_int_equal(floe_thrift__read_struct_begin(&r), 0);
    int t;
    int16_t id;
    bool bv;
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    double d;
    const uint8_t *p;
    size_t n;
    uint32_t cnt;
    int et, kt, vt;
    assert_int_equal(floe_thrift__read_field_begin(&r, &t, &id), 0);
    assert_int_equal(id, 1);
    assert_int_equal(floe_thrift__read_bool(&r, &bv), 0);
    assert_true(bv);
    assert_int_equal(floe_thrift__read_field_begin(&r, &t, &id), 0);
    assert_int_equal(id, 2);
    assert_int_equal(floe_thrift__read_bool(&r, &bv), 0);
    assert_false(bv);
    assert_int_equal(floe_thrift__read_field_begin(&r, &t, &id), 0);
    assert_int_equal(t, FLOE_THRIFT_BYTE);
    assert_int_equal(floe_thrift__read_i8(&r, &i8), 0);
    assert_int_equal(i8, -128);
    assert_int_equal(floe_thrift__read_field_begin(&r, &t, &id), 0);
    assert_int_equal(floe_thrift__read_i16(&r, &i16), 0);
    assert_int_equal(i16, -32768);
    assert_int_equal(floe_thrift__read_field_begin(&r, &t, &id), 0);
    assert_int_equal(floe_thrift__read_i32(&r, &i32), 0);
    assert_int_equal(i32, INT32_MIN);
    assert_int_equal(floe_thrift__read_field_begin(&r, &t, &id), 0);
    assert_int_equal(floe_thrift__read_i64(&r, &i64), 0);
    assert_true(i64 == INT64_MIN);
    assert_int_equal(floe_thrift__read_field_begin(&r, &t, &id), 0);
    assert_int_equal(floe_thrift__read_double(&r, &d), 0);
    assert_true(d == 0.0 && signbit(d));
    assert_int_equal(floe_thrift__read_field_begin(&r, &t, &id), 0);
    assert_int_equal(floe_thrift__read_binary(&r, &p, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(floe_thrift__read_field_begin(&r, &t, &id), 0);
    assert_int_equal(id, 200);
    assert_int_equal(floe_thrift__read_binary(&r, &p, &n), 0);
    assert_int_equal(n, 300);
    assert_memory_equal(p, big, 300);
    assert_int_equal(floe_thrift__read_field_begin(&r, &t, &id), 0);
    assert_int_equal(id, 30);
    assert_int_equal(floe_thrift__read_i64(&r, &i64), 0);
    assert_true(i64 == INT64_MAX);
    assert_int_equal(floe_thrift__read_field_begin(&r, &t, &id), 0);
    assert_int_equal(id, 31);
    assert_int_equal(floe_thrift__read_list_begin(&r, &et, &cnt), 0);
    assert_int_equal(et, FLOE_THRIFT_I32);
    assert_int_equal(cnt, 20);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(floe_thrift__read_i32(&r, &i32), 0);
        assert_int_equal(i32, i * -1000);
    }
    floe_thrift__read_list_end(&r);
    assert_int_equal(floe_thrift__read_field_begin(&r, &t, &id), 0);
    assert_int_equal(floe_thrift__read_list_begin(&r, &et, &cnt), 0);
    assert_int_equal(cnt, 3);
    bool expect[3] = {true, false, true};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(floe_thrift__read_bool(&r, &bv), 0);
        assert_int_equal(bv, expect[i]);
    }
    floe_thrift__read_list_end(&r);
    assert_int_equal(floe_thrift__read_field_begin(&r, &t, &id), 0);
    assert_int_equal(t, FLOE_THRIFT_STRUCT);
    assert_int_equal(id, 33);
    assert_int_equal(floe_thrift__read_struct_begin(&r), 0);
    assert_int_equal(floe_thrift__read_field_begin(&r, &t, &id), 0);
    assert_int_equal(id, 1);
    assert_int_equal(floe_thrift__read_binary(&r, &p, &n), 0);
    assert_int_equal(n, 5);
    assert_memory_equal(p, "inner", 5);
    assert_int_equal(floe_thrift__read_field_begin(&r, &t, &id), 0);
    assert_int_equal(t, FLOE_THRIFT_STOP);
    assert_int_equal(floe_thrift__read_struct_end(&r), 0);
    assert_int_equal(floe_thrift__read_field_begin(&r, &t, &id), 0);
    assert_int_equal(id, 34); /* delta from 33 restored after the nested struct */
    assert_int_equal(floe_thrift__read_map_begin(&r, &kt, &vt, &cnt), 0);
    assert_int_equal(cnt, 2);
    assert_int_equal(kt, FLOE_THRIFT_BINARY);
    assert_int_equal(vt, FLOE_THRIFT_I64);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(floe_thrift__read_binary(&r, &p, &n), 0);
        assert_int_equal(floe_thrift__read_i64(&r, &i64), 0);
        assert_int_equal(i64, i == 0 ? 1 : -1);
    }
    floe_thrift__read_map_end(&r);
    assert_int_equal(floe_thrift__read_field_begin(&r, &t, &id), 0);
    assert_int_equal(floe_thrift__read_double(&r, &d), 0);
    assert_true(isinf(d) && d > 0);
    assert_int_equal(floe_thrift__read_field_begin(&r, &t, &id), 0);
    assert_int_equal(t, FLOE_THRIFT_STOP);
    assert_int_equal(floe_thrift__read_struct_end(&r), 0);
    assert_int_equal(floe_thrift__reader_remaining(&r), 0);

    /* The same bytes can be skipped as one struct. */
    floe_thrift__reader_init(&r, b.data, b.len, 0, "test");
    assert_int_equal(floe_thrift__skip(&r, FLOE_THRIFT_STRUCT), 0);
    assert_int_equal(floe_thrift__reader_remaining(&r), 0);
    floe_buf_free(&b);
}

static void test_varint_boundaries_roundtrip(void **state)
{
    (void)state;
    int64_t vals[] = {0,   1,     -1,    63,        -64,       64,        127,
                      128, 16383, 16384, INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN};
    floe_buf b = FLOE_BUF_INIT;
    floe_thrift_writer w;
    floe_thrift__writer_init(&w, &b);
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
        floe_thrift__write_i64(&w, vals[i]);
    assert_int_equal(floe_thrift__writer_error(&w), 0);
    floe_thrift_reader r;
    floe_thrift__reader_init(&r, b.data, b.len, 0, "test");
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        int64_t v;
        assert_int_equal(floe_thrift__read_i64(&r, &v), 0);
        assert_true(v == vals[i]);
    }
    assert_int_equal(floe_thrift__reader_remaining(&r), 0);
    floe_buf_free(&b);
}

static void assert_corrupt_at(int rc, const char *offset_text)
{
    assert_int_equal(rc, FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), offset_text));
}

static void test_truncated_input_reports_offset(void **state)
{
    (void)state;
    /* struct { 1: binary of length 10 } but only 3 bytes of it present */
    const uint8_t data[] = {0x18, 0x0A, 'a', 'b', 'c'};
    floe_thrift_reader r;
    floe_thrift__reader_init(&r, data, sizeof data, 1000, "footer");
    assert_corrupt_at(floe_thrift__skip(&r, FLOE_THRIFT_STRUCT), "byte offset 1001");
    assert_non_null(strstr(floe_error_last(), "footer"));

    /* truncated varint */
    const uint8_t v[] = {0x16, 0xFF, 0xFF};
    floe_thrift__reader_init(&r, v, sizeof v, 0, "footer");
    assert_corrupt_at(floe_thrift__skip(&r, FLOE_THRIFT_STRUCT), "byte offset 1");

    /* missing STOP */
    const uint8_t s[] = {0x15, 0x02};
    floe_thrift__reader_init(&r, s, sizeof s, 0, "footer");
    assert_corrupt_at(floe_thrift__skip(&r, FLOE_THRIFT_STRUCT), "byte offset 2");

    /* truncated double */
    const uint8_t d[] = {0x17, 1, 2, 3};
    floe_thrift__reader_init(&r, d, sizeof d, 0, "footer");
    assert_corrupt_at(floe_thrift__skip(&r, FLOE_THRIFT_STRUCT), "byte offset 1");
}

static void test_huge_lengths_and_counts_rejected(void **state)
{
    (void)state;
    /* list<i32> claiming 2^31 elements in a 10-byte buffer */
    const uint8_t l[] = {0x19, 0xF5, 0x80, 0x80, 0x80, 0x80, 0x08, 0, 0, 0};
    floe_thrift_reader r;
    floe_thrift__reader_init(&r, l, sizeof l, 0, "footer");
    assert_corrupt_at(floe_thrift__skip(&r, FLOE_THRIFT_STRUCT), "byte offset 1");
    assert_non_null(strstr(floe_error_last(), "exceeds"));

    /* binary claiming 2^63 bytes */
    const uint8_t bb[] = {0x18, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
    floe_thrift__reader_init(&r, bb, sizeof bb, 0, "footer");
    assert_int_equal(floe_thrift__skip(&r, FLOE_THRIFT_STRUCT), FLOE_ECORRUPT);

    /* varint of 11 bytes */
    const uint8_t v[] = {0x16, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
    floe_thrift__reader_init(&r, v, sizeof v, 0, "footer");
    assert_corrupt_at(floe_thrift__skip(&r, FLOE_THRIFT_STRUCT), "byte offset 1");

    /* map claiming many entries */
    const uint8_t m[] = {0x1B, 0xFF, 0xFF, 0x03, 0x55, 0};
    floe_thrift__reader_init(&r, m, sizeof m, 0, "footer");
    assert_int_equal(floe_thrift__skip(&r, FLOE_THRIFT_STRUCT), FLOE_ECORRUPT);

    /* unknown wire type 13 */
    const uint8_t u[] = {0x1D, 0};
    floe_thrift__reader_init(&r, u, sizeof u, 0, "footer");
    assert_corrupt_at(floe_thrift__skip(&r, FLOE_THRIFT_STRUCT), "byte offset 0");
}

static void test_deep_nesting_rejected(void **state)
{
    (void)state;
    /* 10000 nested struct fields: must fail at the depth limit, not blow the stack */
    size_t n = 10000;
    uint8_t *deep = test_malloc(n);
    memset(deep, 0x1C, n);
    floe_thrift_reader r;
    floe_thrift__reader_init(&r, deep, n, 0, "footer");
    int rc = floe_thrift__skip(&r, FLOE_THRIFT_STRUCT);
    assert_int_equal(rc, FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "nesting"));
    /* nested lists of lists too */
    memset(deep, 0x19, n);
    floe_thrift__reader_init(&r, deep, n, 0, "footer");
    assert_int_equal(floe_thrift__skip(&r, FLOE_THRIFT_LIST), FLOE_ECORRUPT);
    test_free(deep);
}

static void test_unknown_fields_skipped(void **state)
{
    (void)state;
    floe_buf b = FLOE_BUF_INIT;
    floe_thrift_writer w;
    floe_thrift__writer_init(&w, &b);
    floe_thrift__write_struct_begin(&w);
    floe_thrift__write_field_struct_begin(&w, 7);
    floe_thrift__write_field_list_begin(&w, 1, FLOE_THRIFT_STRUCT, 2);
    for (int i = 0; i < 2; i++) {
        floe_thrift__write_struct_begin(&w);
        floe_thrift__write_field_map_begin(&w, 3, FLOE_THRIFT_I32, FLOE_THRIFT_DOUBLE, 1);
        floe_thrift__write_i32(&w, 5);
        floe_thrift__write_double(&w, 1.5);
        floe_thrift__write_struct_end(&w);
    }
    floe_thrift__write_struct_end(&w);
    floe_thrift__write_field_i32(&w, 9, 42);
    floe_thrift__write_struct_end(&w);
    floe_thrift_reader r;
    floe_thrift__reader_init(&r, b.data, b.len, 0, "test");
    int t;
    int16_t id;
    assert_int_equal(floe_thrift__read_struct_begin(&r), 0);
    assert_int_equal(floe_thrift__read_field_begin(&r, &t, &id), 0);
    assert_int_equal(floe_thrift__skip(&r, t), 0);
    assert_int_equal(floe_thrift__read_field_begin(&r, &t, &id), 0);
    assert_int_equal(id, 9);
    int32_t v;
    assert_int_equal(floe_thrift__read_i32(&r, &v), 0);
    assert_int_equal(v, 42);
    floe_buf_free(&b);
}

/* Other writers encode false list elements as 0 and use SET headers: both decode. */
static void test_bool_zero_and_sets_decode(void **state)
{
    (void)state;
    /* struct { 1: list<bool> [true, false(0), false(2)], 2: set<i32> {7} } */
    const uint8_t d[] = {0x19, 0x31, 0x01, 0x00, 0x02, 0x1A, 0x15, 0x0E, 0x00};
    floe_thrift_reader r;
    floe_thrift__reader_init(&r, d, sizeof d, 0, "test");
    assert_int_equal(floe_thrift__read_struct_begin(&r), 0);
    int t, et;
    int16_t id;
    uint32_t n;
    bool b;
    assert_int_equal(floe_thrift__read_field_begin(&r, &t, &id), 0);
    assert_int_equal(floe_thrift__read_list_begin(&r, &et, &n), 0);
    assert_int_equal(n, 3);
    bool want[3] = {true, false, false};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(floe_thrift__read_bool(&r, &b), 0);
        assert_int_equal(b, want[i]);
    }
    floe_thrift__read_list_end(&r);
    assert_int_equal(floe_thrift__read_field_begin(&r, &t, &id), 0);
    assert_int_equal(t, FLOE_THRIFT_SET);
    assert_int_equal(floe_thrift__skip(&r, t), 0);
    assert_int_equal(floe_thrift__read_field_begin(&r, &t, &id), 0);
    assert_int_equal(t, FLOE_THRIFT_STOP);
    /* a bool byte other than 0, 1, 2 is corrupt */
    const uint8_t bad[] = {0x19, 0x11, 0x05, 0x00};
    floe_thrift__reader_init(&r, bad, sizeof bad, 0, "test");
    assert_int_equal(floe_thrift__skip(&r, FLOE_THRIFT_STRUCT), FLOE_ECORRUPT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_every_type),
        cmocka_unit_test(test_varint_boundaries_roundtrip),
        cmocka_unit_test(test_truncated_input_reports_offset),
        cmocka_unit_test(test_huge_lengths_and_counts_rejected),
        cmocka_unit_test(test_deep_nesting_rejected),
        cmocka_unit_test(test_unknown_fields_skipped),
        cmocka_unit_test(test_bool_zero_and_sets_decode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
