#include "test_support.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "base/buf.h"

static void test_buf_append_grows_and_keeps_bytes(void **state)
{
    (void)state;
    floe_buf b = FLOE_BUF_INIT;
    for (int i = 0; i < 10000; i++)
        assert_int_equal(floe_buf_append_byte(&b, (uint8_t)(i & 0xff)), 0);
    assert_int_equal(b.len, 10000);
    assert_true(b.cap > b.len);
    for (int i = 0; i < 10000; i++)
        assert_int_equal(b.data[i], i & 0xff);
    assert_int_equal(floe_buf_append(&b, NULL, 0), 0);
    assert_int_equal(b.len, 10000);
    floe_buf_clear(&b);
    assert_int_equal(b.len, 0);
    assert_int_equal(floe_buf_append_str(&b, "abc"), 0);
    assert_string_equal(floe_buf_cstr(&b), "abc");
    assert_int_equal(b.len, 3);
    floe_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.cap, 0);
    floe_buf_free(&b);
}

static void test_buf_printf_appends_formatted_text(void **state)
{
    (void)state;
    floe_buf b = FLOE_BUF_INIT;
    assert_int_equal(floe_buf_printf(&b, "%s=%d", "x", 42), 0);
    assert_int_equal(floe_buf_printf(&b, ";%05.1f", 3.14159), 0);
    assert_string_equal(floe_buf_cstr(&b), "x=42;003.1");
    char big[3000];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(floe_buf_printf(&b, "[%s]", big), 0);
    assert_int_equal(b.len, 10 + 2 + 2999);
    assert_int_equal(b.data[b.len - 1], ']');
    floe_buf_free(&b);
}

static void test_buf_cstr_on_empty_and_detach(void **state)
{
    (void)state;
    floe_buf b = FLOE_BUF_INIT;
    assert_string_equal(floe_buf_cstr(&b), "");
    assert_int_equal(b.len, 0);
    assert_int_equal(floe_buf_append(&b, "hello", 5), 0);
    size_t len = 0;
    uint8_t *d = floe_buf_detach(&b, &len);
    assert_int_equal(len, 5);
    assert_memory_equal(d, "hello", 5);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    floe_free(d);
}

static void expect_uvarint(uint64_t v, const uint8_t *want, size_t n)
{
    floe_buf b = FLOE_BUF_INIT;
    assert_int_equal(floe_buf_append_uvarint(&b, v), 0);
    assert_int_equal(b.len, n);
    assert_memory_equal(b.data, want, n);
    floe_buf_free(&b);
}

static void expect_zigzag(int64_t v, uint64_t zz)
{
    floe_buf a = FLOE_BUF_INIT, b = FLOE_BUF_INIT;
    assert_int_equal(floe_buf_append_zigzag(&a, v), 0);
    assert_int_equal(floe_buf_append_uvarint(&b, zz), 0);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    floe_buf_free(&a);
    floe_buf_free(&b);
}

static void test_buf_varints_match_leb128_and_zigzag(void **state)
{
    (void)state;
    expect_uvarint(0, (const uint8_t[]){0x00}, 1);
    expect_uvarint(1, (const uint8_t[]){0x01}, 1);
    expect_uvarint(127, (const uint8_t[]){0x7f}, 1);
    expect_uvarint(128, (const uint8_t[]){0x80, 0x01}, 2);
    expect_uvarint(300, (const uint8_t[]){0xac, 0x02}, 2);
    expect_uvarint(16384, (const uint8_t[]){0x80, 0x80, 0x01}, 3);
    expect_uvarint(UINT64_MAX,
                   (const uint8_t[]){0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
                   10);
    expect_zigzag(0, 0);
    expect_zigzag(-1, 1);
    expect_zigzag(1, 2);
    expect_zigzag(-2, 3);
    expect_zigzag(2147483647, 4294967294u);
    expect_zigzag(-2147483648LL, 4294967295u);
    expect_zigzag(INT64_MAX, UINT64_MAX - 1);
    expect_zigzag(INT64_MIN, UINT64_MAX);
}

static void test_buf_allocation_failure_keeps_contents(void **state)
{
    (void)state;
    floe_buf b = FLOE_BUF_INIT;
    assert_int_equal(floe_buf_append_str(&b, "keep"), 0);
    size_t cap = b.cap;
    char more[256];
    memset(more, 'm', sizeof more);
    floe_alloc_fail_after(1);
    assert_int_equal(floe_buf_append(&b, more, sizeof more), FLOE_ENOMEM);
    floe_alloc_fail_after(0);
    assert_int_equal(b.len, 4);
    assert_int_equal(b.cap, cap);
    assert_memory_equal(b.data, "keep", 4);
    assert_int_equal(floe_buf_reserve(&b, SIZE_MAX - 2), FLOE_ENOMEM);
    assert_non_null(strstr(floe_error_last(), "overflow"));
    floe_buf_free(&b);
}

static void test_alloc_helpers(void **state)
{
    (void)state;
    size_t out = 0;
    assert_int_equal(floe_mul_size(3, 5, &out), 0);
    assert_int_equal(out, 15);
    assert_int_equal(floe_mul_size(SIZE_MAX / 2 + 1, 2, &out), -1);
    assert_int_equal(floe_mul_size(0, SIZE_MAX, &out), 0);
    assert_int_equal(out, 0);
    char *s = floe_strndup("abcdef", 3);
    assert_string_equal(s, "abc");
    floe_free(s);
    assert_null(floe_strdup(NULL));
    floe_alloc_fail_after(2);
    void *p1 = floe_malloc(8);
    void *p2 = floe_malloc(8);
    void *p3 = floe_malloc(8);
    assert_non_null(p1);
    assert_null(p2);
    assert_non_null(p3);
    assert_int_equal(floe_alloc_count(), 3);
    floe_alloc_fail_after(0);
    floe_free(p1);
    floe_free(p3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_append_grows_and_keeps_bytes),
        cmocka_unit_test(test_buf_printf_appends_formatted_text),
        cmocka_unit_test(test_buf_cstr_on_empty_and_detach),
        cmocka_unit_test(test_buf_varints_match_leb128_and_zigzag),
        cmocka_unit_test(test_buf_allocation_failure_keeps_contents),
        cmocka_unit_test(test_alloc_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
