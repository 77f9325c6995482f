#include "test_support.h"

#include <string.h>

#include <floe/error.h>
#include <floe/log.h>
#include <floe/retry.h>

#include "base/timeconv.h"

typedef struct sleeps {
    unsigned int ms[64];
    int n;
} sleeps;

static void fake_sleep(unsigned int ms, void *ctx)
{
    sleeps *s = ctx;
    assert_true(s->n < 64);
    s->ms[s->n++] = ms;
}

typedef struct script {
    int codes[16]; /* result of attempt i+1; 0 = success */
    unsigned int calls;
    unsigned int last_attempt;
} script;

static int scripted(void *ctx, unsigned int attempt)
{
    script *s = ctx;
    s->calls++;
    s->last_attempt = attempt;
    int rc = s->codes[attempt - 1];
    if (rc)
        return floe_error_set(rc, "attempt %u failed", attempt);
    return 0;
}

static void test_retry_delay_grows_exponentially_and_caps(void **state)
{
    (void)state;
    floe_retry_options o = FLOE_RETRY_OPTIONS_INIT;
    o.jitter = FLOE_RETRY_JITTER_NONE;
    o.base_delay_ms = 100;
    o.multiplier = 2.0;
    o.max_delay_ms = 1000;
    uint64_t rng = 1;
    assert_int_equal(floe_retry_delay_ms(&o, 0, &rng), 0);
    assert_int_equal(floe_retry_delay_ms(&o, 1, &rng), 100);
    assert_int_equal(floe_retry_delay_ms(&o, 2, &rng), 200);
    assert_int_equal(floe_retry_delay_ms(&o, 3, &rng), 400);
    assert_int_equal(floe_retry_delay_ms(&o, 4, &rng), 800);
    assert_int_equal(floe_retry_delay_ms(&o, 5, &rng), 1000);
    assert_int_equal(floe_retry_delay_ms(&o, 200, &rng), 1000);
    assert_int_equal(floe_retry_delay_ms(&o, 4000000000u, &rng), 1000);
    o.multiplier = 1.5;
    assert_int_equal(floe_retry_delay_ms(&o, 3, &rng), 225);
    o.multiplier = 1.0;
    assert_int_equal(floe_retry_delay_ms(&o, 9, &rng), 100);
}

static void test_retry_jitter_bounds_and_spread(void **state)
{
    (void)state;
    floe_retry_options o = FLOE_RETRY_OPTIONS_INIT;
    o.base_delay_ms = 1000;
    o.max_delay_ms = 1000;
    uint64_t rng = 42;
    unsigned int lo = ~0u, hi = 0;
    for (int i = 0; i < 2000; i++) {
        unsigned int d = floe_retry_delay_ms(&o, 1, &rng);
        assert_true(d <= 1000);
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    /* full jitter covers (nearly) the whole range */
    assert_true(lo < 50 && hi > 950);
    o.jitter = FLOE_RETRY_JITTER_EQUAL;
    lo = ~0u;
    hi = 0;
    for (int i = 0; i < 2000; i++) {
        unsigned int d = floe_retry_delay_ms(&o, 1, &rng);
        assert_true(d >= 500 && d <= 1000);
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    assert_true(lo < 550 && hi > 950);
    /* the same seed gives the same delays: the function is pure in its state */
    uint64_t a = 7, b = 7;
    for (int i = 1; i < 10; i++)
        assert_int_equal(floe_retry_delay_ms(&o, (unsigned)i, &a),
                         floe_retry_delay_ms(&o, (unsigned)i, &b));
}

static void test_retry_until_success_sleeps_between_attempts(void **state)
{
    (void)state;
    sleeps sl = {0};
    script sc = {{FLOE_EUNAVAILABLE, FLOE_ETIMEOUT, 0}, 0, 0};
    floe_retry_options o = FLOE_RETRY_OPTIONS_INIT;
    o.jitter = FLOE_RETRY_JITTER_NONE;
    o.sleep = fake_sleep;
    o.sleep_ctx = &sl;
    assert_int_equal(floe_retry_run(&o, scripted, &sc), 0);
    assert_int_equal(sc.calls, 3);
    assert_int_equal(sc.last_attempt, 3);
    assert_int_equal(sl.n, 2);
    assert_int_equal(sl.ms[0], 100);
    assert_int_equal(sl.ms[1], 200);
}

static void test_retry_stops_on_non_retryable_error(void **state)
{
    (void)state;
    sleeps sl = {0};
    script sc = {{FLOE_EUNAVAILABLE, FLOE_ECONFLICT, 0}, 0, 0};
    floe_retry_options o = FLOE_RETRY_OPTIONS_INIT;
    o.sleep = fake_sleep;
    o.sleep_ctx = &sl;
    assert_int_equal(floe_retry_run(&o, scripted, &sc), FLOE_ECONFLICT);
    assert_int_equal(sc.calls, 2);
    assert_int_equal(sl.n, 1);
    assert_string_equal(floe_error_last(), "attempt 2 failed");

    script never = {{FLOE_ECOMMITUNKNOWN}, 0, 0};
    assert_int_equal(floe_retry_run(&o, scripted, &never), FLOE_ECOMMITUNKNOWN);
    assert_int_equal(never.calls, 1);
}

static void test_retry_gives_up_after_max_attempts(void **state)
{
    (void)state;
    sleeps sl = {0};
    script sc = {{FLOE_EUNAVAILABLE, FLOE_EUNAVAILABLE, FLOE_EUNAVAILABLE, FLOE_EUNAVAILABLE,
                  FLOE_EUNAVAILABLE, 0},
                 0,
                 0};
    floe_retry_options o = FLOE_RETRY_OPTIONS_INIT;
    o.max_attempts = 4;
    o.jitter = FLOE_RETRY_JITTER_EQUAL;
    o.base_delay_ms = 10;
    o.max_delay_ms = 25;
    o.sleep = fake_sleep;
    o.sleep_ctx = &sl;
    assert_int_equal(floe_retry_run(&o, scripted, &sc), FLOE_EUNAVAILABLE);
    assert_int_equal(sc.calls, 4);
    assert_int_equal(sl.n, 3);
    assert_true(sl.ms[0] >= 5 && sl.ms[0] <= 10);
    assert_true(sl.ms[1] >= 10 && sl.ms[1] <= 20);
    assert_true(sl.ms[2] >= 12 && sl.ms[2] <= 25);
    assert_string_equal(floe_error_last(), "gave up after 4 attempts: attempt 4 failed");
}

static int conflict_is_retryable(int code, void *ctx)
{
    int *seen = ctx;
    (*seen)++;
    return code == FLOE_ECONFLICT;
}

static void test_retry_custom_predicate(void **state)
{
    (void)state;
    sleeps sl = {0};
    int seen = 0;
    script sc = {{FLOE_ECONFLICT, FLOE_ECONFLICT, 0}, 0, 0};
    floe_retry_options o = FLOE_RETRY_OPTIONS_INIT;
    o.retryable = conflict_is_retryable;
    o.retryable_ctx = &seen;
    o.sleep = fake_sleep;
    o.sleep_ctx = &sl;
    assert_int_equal(floe_retry_run(&o, scripted, &sc), 0);
    assert_int_equal(sc.calls, 3);
    assert_int_equal(seen, 2);
    script un = {{FLOE_EUNAVAILABLE}, 0, 0};
    assert_int_equal(floe_retry_run(&o, scripted, &un), FLOE_EUNAVAILABLE);
    assert_int_equal(un.calls, 1);

    assert_true(floe_retry_default_retryable(FLOE_EUNAVAILABLE, NULL));
    assert_true(floe_retry_default_retryable(FLOE_ETIMEOUT, NULL));
    assert_false(floe_retry_default_retryable(FLOE_ECONFLICT, NULL));
    assert_false(floe_retry_default_retryable(FLOE_ENOTFOUND, NULL));
    assert_false(floe_retry_default_retryable(FLOE_EIO, NULL));
}

static void test_retry_rejects_bad_options(void **state)
{
    (void)state;
    script sc = {{0}, 0, 0};
    floe_retry_options o = FLOE_RETRY_OPTIONS_INIT;
    o.max_attempts = 0;
    assert_int_equal(floe_retry_run(&o, scripted, &sc), FLOE_EINVALID);
    o = (floe_retry_options)FLOE_RETRY_OPTIONS_INIT;
    o.multiplier = 0.5;
    assert_int_equal(floe_retry_run(&o, scripted, &sc), FLOE_EINVALID);
    o = (floe_retry_options)FLOE_RETRY_OPTIONS_INIT;
    o.version = 2;
    assert_int_equal(floe_retry_run(&o, scripted, &sc), FLOE_EVERSION);
    o = (floe_retry_options)FLOE_RETRY_OPTIONS_INIT;
    assert_int_equal(floe_retry_run(&o, NULL, &sc), FLOE_EINVALID);
    assert_int_equal(sc.calls, 0);
    /* NULL options: the defaults, first attempt succeeds without sleeping */
    assert_int_equal(floe_retry_run(NULL, scripted, &sc), 0);
    assert_int_equal(sc.calls, 1);
}

static void test_retry_really_sleeps_by_default(void **state)
{
    (void)state;
    script sc = {{FLOE_ETIMEOUT, 0}, 0, 0};
    floe_retry_options o = FLOE_RETRY_OPTIONS_INIT;
    o.jitter = FLOE_RETRY_JITTER_NONE;
    o.base_delay_ms = 30;
    int64_t t0 = floe_monotonic_ns();
    assert_int_equal(floe_retry_run(&o, scripted, &sc), 0);
    assert_true(floe_monotonic_ns() - t0 >= INT64_C(30000000));
}

int main(void)
{
    floe_log_set_level(FLOE_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retry_delay_grows_exponentially_and_caps),
        cmocka_unit_test(test_retry_jitter_bounds_and_spread),
        cmocka_unit_test(test_retry_until_success_sleeps_between_attempts),
        cmocka_unit_test(test_retry_stops_on_non_retryable_error),
        cmocka_unit_test(test_retry_gives_up_after_max_attempts),
        cmocka_unit_test(test_retry_custom_predicate),
        cmocka_unit_test(test_retry_rejects_bad_options),
        cmocka_unit_test(test_retry_really_sleeps_by_default),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
