/**
 * @file floe/retry.h
 * Retry policy: a bounded number of attempts with exponential backoff, a delay cap, jitter
 * and a predicate deciding which errors are worth another attempt.
 *
 * The delay before attempt n+1 (n >= 1 failed attempts so far) is
 * `min(max_delay_ms, base_delay_ms * multiplier^(n-1))`, then jittered: FULL draws uniformly
 * from [0, d], EQUAL from [d/2, d], NONE keeps d.
 */
#ifndef FLOE_RETRY_H
#define FLOE_RETRY_H

#include <stdint.h>

#include "common.h"

FLOE_BEGIN_DECLS

/** How the computed delay is randomised (spreads out clients that failed together). */
typedef enum floe_retry_jitter {
    FLOE_RETRY_JITTER_FULL = 0,  /**< uniform in [0, d] */
    FLOE_RETRY_JITTER_EQUAL = 1, /**< uniform in [d/2, d] */
    FLOE_RETRY_JITTER_NONE = 2   /**< exactly d */
} floe_retry_jitter;

/** Decides whether error `code` (a negative FLOE_E*) may succeed on another attempt. */
typedef int (*floe_retry_predicate_fn)(int code, void *ctx);

/** Waits `ms` milliseconds; replaceable so tests run without sleeping. */
typedef void (*floe_retry_sleep_fn)(unsigned int ms, void *ctx);

/**
 * One attempt of the operation.
 * @param ctx the pointer given to floe_retry_run()
 * @param attempt 1 for the first attempt, 2 for the first retry, ...
 * @return 0 on success or a negative FLOE_E* code (with the last error set)
 */
typedef int (*floe_retry_fn)(void *ctx, unsigned int attempt);

/** Retry settings. */
typedef struct floe_retry_options {
    unsigned int version;       /**< FLOE_RETRY_OPTIONS_VERSION */
    unsigned int max_attempts;  /**< attempts in total, first included (>= 1) */
    unsigned int base_delay_ms; /**< delay after the first failure, before jitter */
    unsigned int max_delay_ms;  /**< cap on any one delay, before jitter */
    double multiplier;          /**< growth of the delay per failure (>= 1.0) */
    floe_retry_jitter jitter;   /**< randomisation of each delay */
    /** Which errors to retry; NULL for floe_retry_default_retryable(). */
    floe_retry_predicate_fn retryable;
    void *retryable_ctx;       /**< passed to `retryable` */
    floe_retry_sleep_fn sleep; /**< NULL to really sleep */
    void *sleep_ctx;           /**< passed to `sleep` */
} floe_retry_options;

/** Current version of floe_retry_options. */
#define FLOE_RETRY_OPTIONS_VERSION 1
/** Defaults: 5 attempts, 100 ms doubling up to 10 s, full jitter, default predicate. */
#define FLOE_RETRY_OPTIONS_INIT                                                                    \
    {                                                                                              \
        FLOE_RETRY_OPTIONS_VERSION, 5, 100, 10000, 2.0, FLOE_RETRY_JITTER_FULL, NULL, NULL, NULL,  \
            NULL                                                                                   \
    }

/**
 * The default predicate: retries FLOE_EUNAVAILABLE (service unreachable, HTTP 502/503/504,
 * 429) and FLOE_ETIMEOUT. Not retried: FLOE_ECONFLICT (a commit must reload its base and
 * re-apply its changes, which the commit loop does, not a blind retry),
 * FLOE_ECOMMITUNKNOWN (the first attempt may have succeeded), FLOE_EIO (often permanent:
 * disk full, permissions) and every validation or not-found error.
 */
FLOE_API int floe_retry_default_retryable(int code, void *ctx);

/**
 * The delay in milliseconds to wait after `attempt` failed attempts (attempt >= 1; 0 gives
 * 0). Pure apart from advancing `*rng_state`, a caller-owned random state (any seed).
 */
FLOE_API unsigned int floe_retry_delay_ms(const floe_retry_options *opts, unsigned int attempt,
                                          uint64_t *rng_state);

/**
 * Runs `fn` until it succeeds, fails with an error the predicate rejects, or
 * `max_attempts` attempts have failed, sleeping floe_retry_delay_ms() between attempts.
 * Each retry is logged at info level.
 * @param opts (transfer none) NULL for FLOE_RETRY_OPTIONS_INIT
 * @return 0, or the last attempt's error code (its message prefixed with the number of
 *         attempts when they ran out); FLOE_EINVALID / FLOE_EVERSION for bad options
 */
FLOE_API int floe_retry_run(const floe_retry_options *opts, floe_retry_fn fn, void *ctx);

FLOE_END_DECLS

#endif
