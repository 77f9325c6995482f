#include "test_support.h"

#include <string.h>

#include "base/murmur3.h"

/* Published MurmurHash3_x86_32 reference values (SMHasher). */
static void test_murmur3_reference_values(void **state)
{
    (void)state;
    assert_int_equal(floe_murmur3_x86_32("", 0, 0), 0u);
    assert_int_equal(floe_murmur3_x86_32("", 0, 1), 0x514E28B7u);
    assert_int_equal(floe_murmur3_x86_32("", 0, 0xffffffffu), 0x81F16F39u);
    assert_int_equal(floe_murmur3_x86_32("\0\0\0\0", 4, 0), 0x2362F9DEu);
    assert_int_equal(floe_murmur3_x86_32("aaaa", 4, 0x9747b28cu), 0x5A97808Au);
    assert_int_equal(floe_murmur3_x86_32("aaa", 3, 0x9747b28cu), 0x283E0130u);
    assert_int_equal(floe_murmur3_x86_32("aa", 2, 0x9747b28cu), 0x5D211726u);
    assert_int_equal(floe_murmur3_x86_32("a", 1, 0x9747b28cu), 0x7FA09EA6u);
    assert_int_equal(floe_murmur3_x86_32("Hello, world!", 13, 0x9747b28cu), 0x24884CBAu);
    assert_int_equal(
        floe_murmur3_x86_32("The quick brown fox jumps over the lazy dog", 43, 0x9747b28cu),
        0x2FA826CDu);
}

/* Appendix B: "iceberg" hashes to 1210000089; bytes 00 01 02 03 to -188683207. */
static void test_murmur3_iceberg_spec_values(void **state)
{
    (void)state;
    assert_int_equal((int32_t)floe_murmur3_x86_32("iceberg", 7, 0), 1210000089);
    const uint8_t b[4] = {0, 1, 2, 3};
    assert_int_equal((int32_t)floe_murmur3_x86_32(b, 4, 0), -188683207);
    /* 34 as an 8-byte little-endian long */
    const uint8_t l[8] = {34, 0, 0, 0, 0, 0, 0, 0};
    assert_int_equal((int32_t)floe_murmur3_x86_32(l, 8, 0), 2017239379);
}

static void test_murmur3_reads_unaligned_input(void **state)
{
    (void)state;
    char buf[32];
    memcpy(buf + 1, "iceberg", 7);
    assert_int_equal((int32_t)floe_murmur3_x86_32(buf + 1, 7, 0), 1210000089);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_murmur3_reference_values),
        cmocka_unit_test(test_murmur3_iceberg_spec_values),
        cmocka_unit_test(test_murmur3_reads_unaligned_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
