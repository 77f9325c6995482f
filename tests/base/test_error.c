#include "test_support.h"

#include <string.h>

#include <floe/error.h>

static void test_error_set_and_last(void **state)
{
    (void)state;
    floe_error_clear();
    assert_string_equal(floe_error_last(), "");
    assert_int_equal(floe_error_last_code(), FLOE_OK);
    int rc = floe_error_set(FLOE_ENOTFOUND, "table '%s' not found", "a.b");
    assert_int_equal(rc, FLOE_ENOTFOUND);
    assert_string_equal(floe_error_last(), "table 'a.b' not found");
    assert_int_equal(floe_error_last_code(), FLOE_ENOTFOUND);
    rc = floe_error_wrap(FLOE_EIO, "loading %s", "x");
    assert_int_equal(rc, FLOE_EIO);
    assert_string_equal(floe_error_last(), "loading x: table 'a.b' not found");
}

static void test_strerror_names_every_code(void **state)
{
    (void)state;
    for (int c = 0; c >= FLOE_ERROR_CODE_MIN; c--) {
        assert_non_null(floe_strerror(c));
        assert_string_not_equal(floe_strerror(c), "unknown error code");
        assert_string_not_equal(floe_error_name(c), "FLOE_UNKNOWN");
    }
    assert_string_equal(floe_strerror(-9999), "unknown error code");
}

static void test_long_message_truncated_not_overflowing(void **state)
{
    (void)state;
    char big[5000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    floe_error_set(FLOE_EINVALID, "%s", big);
    assert_true(strlen(floe_error_last()) < sizeof big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_set_and_last),
        cmocka_unit_test(test_strerror_names_every_code),
        cmocka_unit_test(test_long_message_truncated_not_overflowing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
