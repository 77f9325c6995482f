/* Helpers shared by the registry tests: where the test plugins were built, a log capture,
 * and a tiny in-process plugin of any type. */
#ifndef FLOE_TEST_REGISTRY_UTIL_H
#define FLOE_TEST_REGISTRY_UTIL_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/log.h>
#include <floe/plugin.h>

/* ${FLOE_BUILD_DIR}/test-plugins/<set>, in a static buffer per call site's copy. */
static inline const char *test_plugin_dir(const char *set, char *buf, size_t len)
{
    const char *b = getenv("FLOE_BUILD_DIR");
    if (!b || !*b)
        fail_msg("FLOE_BUILD_DIR is not set: run the registry tests through ctest");
    snprintf(buf, len, "%s/test-plugins/%s", b, set);
    return buf;
}

/* Log lines captured while a test runs. */
static pthread_mutex_t captured_mu = PTHREAD_MUTEX_INITIALIZER;
static char captured[65536];
static size_t captured_len;

static inline void capture_sink(floe_log_level level, const char *line, size_t len, void *ctx)
{
    (void)level;
    (void)ctx;
    pthread_mutex_lock(&captured_mu);
    if (captured_len + len + 2 < sizeof captured) {
        memcpy(captured + captured_len, line, len);
        captured_len += len;
        captured[captured_len++] = '\n';
        captured[captured_len] = '\0';
    }
    pthread_mutex_unlock(&captured_mu);
}

static inline void capture_start(void)
{
    captured_len = 0;
    captured[0] = '\0';
    floe_log_set_level(FLOE_LOG_WARN);
    floe_log_set_format(FLOE_LOG_FORMAT_JSON);
    floe_log_set_sink(capture_sink, NULL);
}

static inline void capture_stop(void)
{
    floe_log_set_sink(NULL, NULL);
}

#endif
