#include "test_support.h"

#include <string.h>

#include <floe/error.h>

#include "base/timeconv.h"

static void test_days_from_civil_known_dates(void **state)
{
    (void)state;
    assert_int_equal(floe_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(floe_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(floe_days_from_civil(2024, 1, 1), 19723);
    assert_int_equal(floe_days_from_civil(2000, 2, 29), 11016);
    assert_int_equal(floe_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(floe_days_from_civil(1, 1, 1), -719162);
    assert_int_equal(floe_days_from_civil(9999, 12, 31), 2932896);
    /* year 0 (1 BC) is a leap year in the proleptic calendar */
    assert_int_equal(floe_days_from_civil(1, 1, 1) - floe_days_from_civil(0, 1, 1), 366);
}

/* Walks every day from 0001-01-01 to 9999-12-31 with a naive calendar and compares. */
static void test_civil_from_days_matches_naive_calendar_0001_to_9999(void **state)
{
    (void)state;
    int64_t y = 1;
    unsigned m = 1, d = 1;
    for (int64_t day = -719162; day <= 2932896; day++) {
        int64_t yy;
        unsigned mm, dd;
        floe_civil_from_days(day, &yy, &mm, &dd);
        if (yy != y || mm != m || dd != d)
            fail_msg("day %lld: got %lld-%u-%u, want %lld-%u-%u", (long long)day, (long long)yy, mm,
                     dd, (long long)y, m, d);
        if (floe_days_from_civil(y, m, d) != day)
            fail_msg("days_from_civil(%lld-%u-%u) != %lld", (long long)y, m, d, (long long)day);
        if (++d > floe_days_in_month(y, m)) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
    assert_int_equal(y, 10000);
}

static void test_leap_years(void **state)
{
    (void)state;
    assert_true(floe_is_leap_year(2000));
    assert_true(floe_is_leap_year(2024));
    assert_true(floe_is_leap_year(0));
    assert_true(floe_is_leap_year(-4));
    assert_false(floe_is_leap_year(1900));
    assert_false(floe_is_leap_year(2023));
    assert_false(floe_is_leap_year(-1));
    assert_int_equal(floe_days_in_month(2024, 2), 29);
    assert_int_equal(floe_days_in_month(2100, 2), 28);
    assert_int_equal(floe_days_in_month(2024, 13), 0);
    assert_int_equal(floe_floor_div(-1, 1000), -1);
    assert_int_equal(floe_floor_mod(-1, 1000), 999);
    assert_int_equal(floe_floor_div(-1000, 1000), -1);
    assert_int_equal(floe_floor_mod(-1000, 1000), 0);
}

static void test_format_date_including_boundaries(void **state)
{
    (void)state;
    char b[FLOE_DATE_BUF];
    assert_int_equal(floe_format_date(b, sizeof b, 0), 0);
    assert_string_equal(b, "1970-01-01");
    assert_int_equal(floe_format_date(b, sizeof b, -1), 0);
    assert_string_equal(b, "1969-12-31");
    assert_int_equal(floe_format_date(b, sizeof b, 19723), 0);
    assert_string_equal(b, "2024-01-01");
    assert_int_equal(floe_format_date(b, sizeof b, -719162), 0);
    assert_string_equal(b, "0001-01-01");
    assert_int_equal(floe_format_date(b, sizeof b, 2932896), 0);
    assert_string_equal(b, "9999-12-31");
    assert_int_equal(floe_format_date(b, sizeof b, 2932897), 0);
    assert_string_equal(b, "+10000-01-01");
    assert_int_equal(floe_format_date(b, sizeof b, -719163), 0);
    assert_string_equal(b, "0000-12-31");
    assert_int_equal(floe_format_date(b, sizeof b, -719529), 0);
    assert_string_equal(b, "-0001-12-31");
    assert_int_equal(floe_format_date(b, sizeof b, INT32_MAX), 0);
    assert_string_equal(b, "+5881580-07-11");
    assert_int_equal(floe_format_date(b, sizeof b, INT32_MIN), 0);
    assert_string_equal(b, "-5877641-06-23");
    assert_int_equal(floe_format_date(b, 10, 0), FLOE_ERANGE);
}

static void test_format_time_us(void **state)
{
    (void)state;
    char b[FLOE_TIME_BUF];
    assert_int_equal(floe_format_time_us(b, sizeof b, INT64_C(45296123456)), 0);
    assert_string_equal(b, "12:34:56.123456");
    assert_int_equal(floe_format_time_us(b, sizeof b, 0), 0);
    assert_string_equal(b, "00:00:00.000000");
    assert_int_equal(floe_format_time_us(b, sizeof b, FLOE_US_PER_DAY - 1), 0);
    assert_string_equal(b, "23:59:59.999999");
    assert_int_equal(floe_format_time_us(b, sizeof b, -1), FLOE_ERANGE);
    assert_int_equal(floe_format_time_us(b, sizeof b, FLOE_US_PER_DAY), FLOE_ERANGE);
    assert_int_equal(floe_format_time_us(b, 15, 0), FLOE_ERANGE);
}

static void test_format_timestamp_floor_semantics_and_units(void **state)
{
    (void)state;
    char b[FLOE_TIMESTAMP_BUF];
    assert_int_equal(floe_format_timestamp(b, sizeof b, -1, 6, 0), 0);
    assert_string_equal(b, "1969-12-31T23:59:59.999999");
    assert_int_equal(floe_format_timestamp(b, sizeof b, -1, 6, 1), 0);
    assert_string_equal(b, "1969-12-31T23:59:59.999999+00:00");
    assert_int_equal(floe_format_timestamp(b, sizeof b, INT64_C(1704112496123456), 6, 0), 0);
    assert_string_equal(b, "2024-01-01T12:34:56.123456");
    assert_int_equal(floe_format_timestamp(b, sizeof b, INT64_C(1704112496123), 3, 1), 0);
    assert_string_equal(b, "2024-01-01T12:34:56.123+00:00");
    assert_int_equal(floe_format_timestamp(b, sizeof b, -1000001, 6, 0), 0);
    assert_string_equal(b, "1969-12-31T23:59:58.999999");
    assert_int_equal(floe_format_timestamp(b, sizeof b, INT64_C(-62135596800000000), 6, 0), 0);
    assert_string_equal(b, "0001-01-01T00:00:00.000000");
    assert_int_equal(floe_format_timestamp(b, sizeof b, INT64_C(253402300799999999), 6, 0), 0);
    assert_string_equal(b, "9999-12-31T23:59:59.999999");
    assert_int_equal(floe_format_timestamp(b, sizeof b, INT64_MIN, 9, 0), 0);
    assert_string_equal(b, "1677-09-21T00:12:43.145224192");
    assert_int_equal(floe_format_timestamp(b, sizeof b, INT64_MAX, 9, 1), 0);
    assert_string_equal(b, "2262-04-11T23:47:16.854775807+00:00");
    assert_int_equal(floe_format_timestamp(b, sizeof b, INT64_MIN, 6, 0), 0);
    assert_string_equal(b, "-290308-12-21T19:59:05.224192");
    assert_int_equal(floe_format_timestamp(b, sizeof b, 0, 4, 0), FLOE_EINVALID);
    assert_int_equal(floe_format_timestamp(b, 20, 0, 6, 0), FLOE_ERANGE);
    assert_int_equal(floe_format_timestamp(b, 27, 0, 6, 1), FLOE_ERANGE);
    assert_int_equal(floe_format_timestamp(b, 27, 0, 6, 0), 0);
}

static void test_parse_date(void **state)
{
    (void)state;
    int32_t d = 7;
    assert_int_equal(floe_parse_date(&d, "2024-01-01"), 0);
    assert_int_equal(d, 19723);
    assert_int_equal(floe_parse_date(&d, "1969-12-31"), 0);
    assert_int_equal(d, -1);
    assert_int_equal(floe_parse_date(&d, "0001-01-01"), 0);
    assert_int_equal(d, -719162);
    assert_int_equal(floe_parse_date(&d, "+10000-01-01"), 0);
    assert_int_equal(d, 2932897);
    assert_int_equal(floe_parse_date(&d, "-0001-12-31"), 0);
    assert_int_equal(d, -719529);
    assert_int_equal(floe_parse_date(&d, "2024-02-29"), 0);

    assert_int_equal(floe_parse_date(&d, "2023-02-29"), FLOE_ERANGE);
    assert_non_null(strstr(floe_error_last(), "position 8"));
    assert_non_null(strstr(floe_error_last(), "day of month"));
    assert_int_equal(floe_parse_date(&d, "2024-13-01"), FLOE_ERANGE);
    assert_non_null(strstr(floe_error_last(), "position 5"));
    assert_int_equal(floe_parse_date(&d, "2024/01/01"), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "position 4"));
    assert_non_null(strstr(floe_error_last(), "'/'"));
    assert_int_equal(floe_parse_date(&d, "24-01-01"), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "position 2"));
    assert_int_equal(floe_parse_date(&d, "2024-01-01x"), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "position 10"));
    assert_int_equal(floe_parse_date(&d, ""), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "found end"));
    assert_int_equal(floe_parse_date(&d, "+99999999-01-01"), FLOE_ERANGE);
    assert_int_equal(floe_parse_date(&d, NULL), FLOE_EINVALID);
    assert_int_equal(d, 19782); /* unchanged by the failures: 2024-02-29 */
}

static void test_parse_time(void **state)
{
    (void)state;
    int64_t t;
    assert_int_equal(floe_parse_time_us(&t, "12:34:56.123456"), 0);
    assert_int_equal(t, INT64_C(45296123456));
    assert_int_equal(floe_parse_time_us(&t, "12:34"), 0);
    assert_int_equal(t, INT64_C(45240000000));
    assert_int_equal(floe_parse_time_us(&t, "23:59:59.999999999"), 0);
    assert_int_equal(t, FLOE_US_PER_DAY - 1);
    assert_int_equal(floe_parse_time_us(&t, "00:00:00.5"), 0);
    assert_int_equal(t, 500000);
    assert_int_equal(floe_parse_time_us(&t, "24:00:00"), FLOE_ERANGE);
    assert_int_equal(floe_parse_time_us(&t, "12:60:00"), FLOE_ERANGE);
    assert_non_null(strstr(floe_error_last(), "minute"));
    assert_int_equal(floe_parse_time_us(&t, "12:00:60"), FLOE_ERANGE);
    assert_int_equal(floe_parse_time_us(&t, "12:00:00."), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "position 9"));
    assert_int_equal(floe_parse_time_us(&t, "12:00:00.1234567890"), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "at most 9"));
    assert_int_equal(floe_parse_time_us(&t, "1:00"), FLOE_EINVALID);
}

static void test_parse_timestamp_forms_and_offsets(void **state)
{
    (void)state;
    int64_t v;
    int off = -1;
    assert_int_equal(floe_parse_timestamp_us(&v, "2024-01-01T12:34:56.123456", &off), 0);
    assert_int_equal(v, INT64_C(1704112496123456));
    assert_int_equal(off, 0);
    assert_int_equal(floe_parse_timestamp_us(&v, "2024-01-01 12:34:56.123456Z", &off), 0);
    assert_int_equal(v, INT64_C(1704112496123456));
    assert_int_equal(off, 1);
    assert_int_equal(floe_parse_timestamp_us(&v, "2024-01-01T14:34:56.123456+02:00", &off), 0);
    assert_int_equal(v, INT64_C(1704112496123456));
    assert_int_equal(floe_parse_timestamp_us(&v, "2024-01-01T07:04:56.123456-0530", NULL), 0);
    assert_int_equal(v, INT64_C(1704112496123456));
    assert_int_equal(floe_parse_timestamp_us(&v, "2024-01-01", &off), 0);
    assert_int_equal(v, INT64_C(1704067200000000));
    assert_int_equal(off, 0);
    assert_int_equal(floe_parse_timestamp_us(&v, "1969-12-31T23:59:59.999999", NULL), 0);
    assert_int_equal(v, -1);
    /* truncation of extra digits goes to the earlier instant, also before the epoch */
    assert_int_equal(floe_parse_timestamp_us(&v, "1969-12-31T23:59:59.9999999", NULL), 0);
    assert_int_equal(v, -1);
    assert_int_equal(floe_parse_timestamp(&v, "1969-12-31T23:59:59.9999", 3, NULL), 0);
    assert_int_equal(v, -1);
    assert_int_equal(floe_parse_timestamp_ns(&v, "1969-12-31T23:59:59.999999999Z", NULL), 0);
    assert_int_equal(v, -1);
    assert_int_equal(floe_parse_timestamp_ns(&v, "1677-09-21T00:12:43.145224192", NULL), 0);
    assert_int_equal(v, INT64_MIN);
    assert_int_equal(floe_parse_timestamp_ns(&v, "2262-04-11T23:47:16.854775807", NULL), 0);
    assert_int_equal(v, INT64_MAX);
    assert_int_equal(floe_parse_timestamp_ns(&v, "2262-04-11T23:47:16.854775808", NULL),
                     FLOE_ERANGE);
    assert_non_null(strstr(floe_error_last(), "1677..2262"));
    assert_int_equal(floe_parse_timestamp_ns(&v, "1677-09-21T00:12:43.145224191", NULL),
                     FLOE_ERANGE);
    assert_int_equal(floe_parse_timestamp_us(&v, "0001-01-01T00:00:00", NULL), 0);
    assert_int_equal(v, INT64_C(-62135596800000000));
    assert_int_equal(floe_parse_timestamp_us(&v, "9999-12-31t23:59:59.999999z", NULL), 0);
    assert_int_equal(v, INT64_C(253402300799999999));

    assert_int_equal(floe_parse_timestamp_us(&v, "2024-01-01T12:34:56+24:00", NULL), FLOE_ERANGE);
    assert_int_equal(floe_parse_timestamp_us(&v, "2024-01-01T12:34:56 +01:00", NULL),
                     FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "position 19"));
    assert_int_equal(floe_parse_timestamp_us(&v, "2024-01-01X12:34:56", NULL), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "position 10"));
    assert_int_equal(floe_parse_timestamp_us(&v, "2024-01-01T12:3", NULL), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "position 15"));
    assert_int_equal(floe_parse_timestamp(&v, "2024-01-01", 5, NULL), FLOE_EINVALID);
    assert_int_equal(floe_parse_timestamp(&v, NULL, 6, NULL), FLOE_EINVALID);
}

static void test_format_parse_round_trip(void **state)
{
    (void)state;
    static const int64_t values[] = {0,
                                     1,
                                     -1,
                                     INT64_C(86399999999),
                                     INT64_C(-86400000000),
                                     INT64_C(951782400000000) /* 2000-02-29 */,
                                     INT64_C(-62135596800000000),
                                     INT64_C(253402300799999999),
                                     INT64_C(-12219292800000001)};
    char b[FLOE_TIMESTAMP_BUF];
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        for (int z = 0; z < 2; z++) {
            int64_t back;
            assert_int_equal(floe_format_timestamp(b, sizeof b, values[i], 6, z), 0);
            assert_int_equal(floe_parse_timestamp_us(&back, b, NULL), 0);
            assert_int_equal(back, values[i]);
        }
    }
    for (int32_t d = -800000; d < 3000000; d += 997) {
        int32_t back;
        assert_int_equal(floe_format_date(b, sizeof b, d), 0);
        assert_int_equal(floe_parse_date(&back, b), 0);
        assert_int_equal(back, d);
    }
}

static void test_clocks_advance(void **state)
{
    (void)state;
    int64_t ms = floe_now_ms(), us = floe_now_us();
    /* after 2020-01-01 and consistent with each other */
    assert_true(ms > INT64_C(1577836800000));
    assert_true(us / 1000 - ms >= 0 && us / 1000 - ms < 1000);
    int64_t a = floe_monotonic_ns();
    int64_t b = floe_monotonic_ns();
    assert_true(b >= a);
    assert_true(floe_now_ns() / 1000 >= us);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_from_civil_known_dates),
        cmocka_unit_test(test_civil_from_days_matches_naive_calendar_0001_to_9999),
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_format_date_including_boundaries),
        cmocka_unit_test(test_format_time_us),
        cmocka_unit_test(test_format_timestamp_floor_semantics_and_units),
        cmocka_unit_test(test_parse_date),
        cmocka_unit_test(test_parse_time),
        cmocka_unit_test(test_parse_timestamp_forms_and_offsets),
        cmocka_unit_test(test_format_parse_round_trip),
        cmocka_unit_test(test_clocks_advance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
