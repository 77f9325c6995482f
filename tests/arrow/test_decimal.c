#include "test_support.h"

#include <stdio.h>
#include <string.h>

#include <floe/arrow/decimal.h>
#include <floe/error.h>

static void check_format(floe_decimal128 v, int32_t scale, const char *want)
{
    char buf[FLOE_DECIMAL128_STRLEN];
    assert_int_equal(floe_decimal128_format(buf, sizeof buf, v, scale), 0);
    assert_string_equal(buf, want);
}

static void test_decimal_format_with_scale(void **state)
{
    (void)state;
    check_format(floe_decimal128_from_int64(1234), 2, "12.34");
    check_format(floe_decimal128_from_int64(-1234), 2, "-12.34");
    check_format(floe_decimal128_from_int64(-5), 3, "-0.005");
    check_format(floe_decimal128_from_int64(7), 0, "7");
    check_format(floe_decimal128_from_int64(0), 0, "0");
    check_format(floe_decimal128_from_int64(0), 2, "0.00");
    check_format(floe_decimal128_from_int64(100), 2, "1.00");
    check_format(floe_decimal128_from_int64(INT64_MIN), 0, "-9223372036854775808");
    check_format(floe_decimal128_from_int64(1), 38, "0.00000000000000000000000000000000000001");
    /* 2^64 = 18446744073709551616 needs the high word. */
    floe_decimal128 two64 = {0, 1};
    check_format(two64, 4, "1844674407370955.1616");
    floe_decimal128 neg_two64 = {0, -1};
    check_format(neg_two64, 0, "-18446744073709551616");
}

static void test_decimal_format_buffer_too_small(void **state)
{
    (void)state;
    char buf[4];
    assert_int_equal(floe_decimal128_format(buf, sizeof buf, floe_decimal128_from_int64(-1234), 2),
                     FLOE_ERANGE);
    assert_int_equal(floe_decimal128_format(buf, sizeof buf, floe_decimal128_from_int64(1), 39),
                     FLOE_EINVALID);
}

static void round_trip(const char *text, int32_t precision, int32_t scale)
{
    floe_decimal128 v;
    if (floe_decimal128_parse(&v, text, strlen(text), precision, scale) != 0)
        fail_msg("parse '%s': %s", text, floe_error_last());
    char buf[FLOE_DECIMAL128_STRLEN];
    assert_int_equal(floe_decimal128_format(buf, sizeof buf, v, scale), 0);
    assert_string_equal(buf, text);
}

static void test_decimal_parse_format_round_trip(void **state)
{
    (void)state;
    round_trip("-12.34", 10, 2);
    round_trip("12.34", 4, 2);
    round_trip("0.00", 4, 2);
    round_trip("-0.01", 4, 2);
    round_trip("0", 1, 0);
    round_trip("-7", 1, 0);
    round_trip("99999999999999999999999999999999999999", 38, 0);
    round_trip("-99999999999999999999999999999999999999", 38, 0);
    round_trip("0.99999999999999999999999999999999999999", 38, 38);
    round_trip("-0.12345678901234567890123456789012345678", 38, 38);
    round_trip("12345678901234567890.123456789012345678", 38, 18);
}

static void test_decimal_parse_pads_and_normalises(void **state)
{
    (void)state;
    floe_decimal128 v;
    assert_int_equal(floe_decimal128_parse(&v, "1.5", 3, 10, 3), 0);
    assert_true(floe_decimal128_equal(v, floe_decimal128_from_int64(1500)));
    assert_int_equal(floe_decimal128_parse(&v, "+.5", 3, 10, 2), 0);
    assert_true(floe_decimal128_equal(v, floe_decimal128_from_int64(50)));
    assert_int_equal(floe_decimal128_parse(&v, "7.", 2, 3, 0), 0);
    assert_true(floe_decimal128_equal(v, floe_decimal128_from_int64(7)));
    assert_int_equal(floe_decimal128_parse(&v, "-000123.4500", 12, 5, 2), 0);
    assert_true(floe_decimal128_equal(v, floe_decimal128_from_int64(-12345)));
    /* Not NUL-terminated: only len characters are read. */
    assert_int_equal(floe_decimal128_parse(&v, "42xyz", 2, 5, 0), 0);
    assert_true(floe_decimal128_equal(v, floe_decimal128_from_int64(42)));
}

static void test_decimal_parse_rejects(void **state)
{
    (void)state;
    floe_decimal128 v;
    static const char *const malformed[] = {"", "-", ".", "1.2.3", "1e5", " 1", "1 ", "abc", "--1"};
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        int rc = floe_decimal128_parse(&v, malformed[i], strlen(malformed[i]), 10, 2);
        if (rc != FLOE_EINVALID)
            fail_msg("'%s' gave %d, expected FLOE_EINVALID", malformed[i], rc);
    }
    /* Too many integer digits for precision - scale, or a non-zero digit past the scale. */
    assert_int_equal(floe_decimal128_parse(&v, "123.4", 5, 4, 2), FLOE_ERANGE);
    assert_int_equal(floe_decimal128_parse(&v, "1.234", 5, 10, 2), FLOE_ERANGE);
    assert_non_null(strstr(floe_error_last(), "fractional"));
    assert_int_equal(floe_decimal128_parse(&v, "1.230", 5, 10, 2), 0);
    assert_int_equal(floe_decimal128_parse(&v, "1", 1, 39, 0), FLOE_EINVALID);
    assert_int_equal(floe_decimal128_parse(&v, "1", 1, 5, 6), FLOE_EINVALID);
}

static void test_decimal_digits_and_compare(void **state)
{
    (void)state;
    assert_int_equal(floe_decimal128_digits(floe_decimal128_from_int64(0)), 1);
    assert_int_equal(floe_decimal128_digits(floe_decimal128_from_int64(-999)), 3);
    assert_true(floe_decimal128_fits_precision(floe_decimal128_from_int64(99), 2));
    assert_false(floe_decimal128_fits_precision(floe_decimal128_from_int64(100), 2));
    /* every precision at its boundary, both signs: 10^p - 1 fits p digits, 10^p does not
     * (checked against the digit count) */
    char nines[40], ten_p[41];
    for (int p = 1; p <= 38; p++) {
        memset(nines, '9', (size_t)p);
        nines[p] = '\0';
        snprintf(ten_p, sizeof ten_p, "1%0*d", p, 0);
        floe_decimal128 a, b, na, nb;
        assert_int_equal(floe_decimal128_parse(&a, nines, strlen(nines), 38, 0), 0);
        assert_int_equal(floe_decimal128_digits(a), p);
        assert_true(floe_decimal128_fits_precision(a, p));
        assert_false(floe_decimal128_fits_precision(a, p - 1));
        char neg[42];
        snprintf(neg, sizeof neg, "-%s", nines);
        assert_int_equal(floe_decimal128_parse(&na, neg, strlen(neg), 38, 0), 0);
        assert_true(floe_decimal128_fits_precision(na, p));
        assert_false(floe_decimal128_fits_precision(na, p - 1));
        if (p < 38) {
            assert_int_equal(floe_decimal128_parse(&b, ten_p, strlen(ten_p), 38, 0), 0);
            assert_false(floe_decimal128_fits_precision(b, p));
            assert_true(floe_decimal128_fits_precision(b, p + 1));
            snprintf(neg, sizeof neg, "-%s", ten_p);
            assert_int_equal(floe_decimal128_parse(&nb, neg, strlen(neg), 38, 0), 0);
            assert_false(floe_decimal128_fits_precision(nb, p));
        }
    }
    floe_decimal128 most_negative = {0, INT64_MIN};
    assert_false(floe_decimal128_fits_precision(most_negative, 38));
    assert_false(floe_decimal128_fits_precision(floe_decimal128_from_int64(1), 0));
    assert_int_equal(
        floe_decimal128_compare(floe_decimal128_from_int64(-1), floe_decimal128_from_int64(1)), -1);
    floe_decimal128 big = {0, 1};
    assert_int_equal(floe_decimal128_compare(big, floe_decimal128_from_int64(INT64_MAX)), 1);
    uint8_t raw[16];
    floe_decimal128_store(raw, floe_decimal128_from_int64(-2));
    assert_int_equal(raw[0], 0xfe);
    assert_int_equal(raw[15], 0xff);
    assert_true(floe_decimal128_equal(floe_decimal128_load(raw), floe_decimal128_from_int64(-2)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decimal_format_with_scale),
        cmocka_unit_test(test_decimal_format_buffer_too_small),
        cmocka_unit_test(test_decimal_parse_format_round_trip),
        cmocka_unit_test(test_decimal_parse_pads_and_normalises),
        cmocka_unit_test(test_decimal_parse_rejects),
        cmocka_unit_test(test_decimal_digits_and_compare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
