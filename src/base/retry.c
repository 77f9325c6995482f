#include <floe/retry.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <time.h>

#include <floe/error.h>
#include <floe/log.h>

#include "base/random.h"

int floe_retry_default_retryable(int code, void *ctx)
{
    (void)ctx;
    return code == FLOE_EUNAVAILABLE || code == FLOE_ETIMEOUT;
}

/* splitmix64: small, fast, and good enough to spread retry delays. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Uniform in [0, n]. */
static unsigned int uniform_upto(uint64_t *state, unsigned int n)
{
    return (unsigned int)(next_random(state) % ((uint64_t)n + 1));
}

unsigned int floe_retry_delay_ms(const floe_retry_options *opts, unsigned int attempt,
                                 uint64_t *rng_state)
{
    if (attempt == 0 || !opts)
        return 0;
    double mult = opts->multiplier >= 1.0 ? opts->multiplier : 1.0;
    /* computed in double so large attempt counts saturate at the cap instead of wrapping */
    double d = (double)opts->base_delay_ms * pow(mult, (double)(attempt - 1));
    unsigned int delay = d >= (double)opts->max_delay_ms ? opts->max_delay_ms : (unsigned int)d;
    uint64_t fallback = 0;
    if (!rng_state)
        rng_state = &fallback;
    switch (opts->jitter) {
    case FLOE_RETRY_JITTER_FULL:
        return uniform_upto(rng_state, delay);
    case FLOE_RETRY_JITTER_EQUAL:
        return delay - delay / 2 + uniform_upto(rng_state, delay / 2);
    case FLOE_RETRY_JITTER_NONE:
    default:
        return delay;
    }
}

static void real_sleep(unsigned int ms, void *ctx)
{
    (void)ctx;
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

int floe_retry_run(const floe_retry_options *opts, floe_retry_fn fn, void *ctx)
{
    static const floe_retry_options defaults = FLOE_RETRY_OPTIONS_INIT;
    if (!opts)
        opts = &defaults;
    if (opts->version < 1 || opts->version > FLOE_RETRY_OPTIONS_VERSION)
        return floe_error_set(FLOE_EVERSION,
                              "floe_retry_options version %u is not supported (1..%d)",
                              opts->version, FLOE_RETRY_OPTIONS_VERSION);
    if (!fn)
        return floe_error_set(FLOE_EINVALID, "floe_retry_run: no function to run");
    if (opts->max_attempts < 1)
        return floe_error_set(FLOE_EINVALID, "retry max_attempts must be at least 1");
    if (!(opts->multiplier >= 1.0) || isinf(opts->multiplier))
        return floe_error_set(FLOE_EINVALID, "retry multiplier must be a finite number >= 1.0");
    if (opts->jitter != FLOE_RETRY_JITTER_FULL && opts->jitter != FLOE_RETRY_JITTER_EQUAL &&
        opts->jitter != FLOE_RETRY_JITTER_NONE)
        return floe_error_set(FLOE_EINVALID, "unknown retry jitter mode %d", (int)opts->jitter);
    floe_retry_predicate_fn retryable =
        opts->retryable ? opts->retryable : floe_retry_default_retryable;
    floe_retry_sleep_fn sleeper = opts->sleep ? opts->sleep : real_sleep;
    uint64_t rng = floe_random_u64();

    for (unsigned int attempt = 1;; attempt++) {
        floe_error_clear();
        int rc = fn(ctx, attempt);
        if (rc == 0)
            return 0;
        if (!retryable(rc, opts->retryable_ctx))
            return rc;
        if (attempt >= opts->max_attempts) {
            if (opts->max_attempts > 1)
                return floe_error_wrap(rc, "gave up after %u attempts", attempt);
            return rc;
        }
        unsigned int delay = floe_retry_delay_ms(opts, attempt, &rng);
        if (floe_log_enabled(FLOE_LOG_INFO)) {
            char a[16], d[16];
            snprintf(a, sizeof a, "%u", attempt);
            snprintf(d, sizeof d, "%u", delay);
            floe_log(FLOE_LOG_INFO, "retrying after a transient error", "attempt", a, "delay_ms", d,
                     "code", floe_error_name(rc), "error", floe_error_last(), NULL);
        }
        sleeper(delay, opts->sleep_ctx);
    }
}
