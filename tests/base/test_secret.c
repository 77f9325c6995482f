#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>
#include <floe/log.h>
#include <floe/secret.h>

#include "base/alloc.h"
#include "base/secret_hook.h"

#define VALUE "pg-Pa55word!xyz"

/* ASan and TSan replace mlock with a no-op that reports success. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

typedef struct capture {
    char text[16384];
    size_t len;
    int lines;
} capture;

static capture cap;

static void capture_sink(floe_log_level level, const char *line, size_t len, void *ctx)
{
    (void)level;
    capture *c = ctx;
    assert_true(c->len + len + 2 < sizeof c->text);
    memcpy(c->text + c->len, line, len);
    c->len += len;
    c->text[c->len++] = '\n';
    c->text[c->len] = '\0';
    c->lines++;
}

static int setup(void **state)
{
    (void)state;
    memset(&cap, 0, sizeof cap);
    floe_log_set_sink(capture_sink, &cap);
    floe_log_set_level(FLOE_LOG_TRACE);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    floe_log_set_sink(NULL, NULL);
    floe_log_set_format(FLOE_LOG_FORMAT_AUTO);
    assert_int_equal(floe_secret__live_count(), 0);
    return 0;
}

static void test_secret_holds_and_compares_value(void **state)
{
    (void)state;
    floe_secret *s = NULL, *d = NULL;
    assert_int_equal(floe_secret_new(&s, VALUE), 0);
    assert_string_equal(floe_secret_reveal(s), VALUE);
    assert_int_equal(floe_secret_len(s), strlen(VALUE));
    assert_true(floe_secret_equals(s, VALUE, strlen(VALUE)));
    assert_false(floe_secret_equals(s, VALUE, strlen(VALUE) - 1));
    assert_false(floe_secret_equals(s, "pg-Pa55word!xyZ", strlen(VALUE)));
    assert_false(floe_secret_equals(s, VALUE "!", strlen(VALUE) + 1));
    assert_int_equal(floe_secret_dup(&d, s), 0);
    assert_ptr_not_equal(floe_secret_reveal(d), floe_secret_reveal(s));
    assert_string_equal(floe_secret_reveal(d), VALUE);
    assert_int_equal(floe_secret__live_count(), 2);
    floe_secret_free(s);
    assert_string_equal(floe_secret_reveal(d), VALUE);
    floe_secret_free(d);
    floe_secret_free(NULL);
    assert_string_equal(floe_secret_reveal(NULL), "");
    assert_int_equal(floe_secret_len(NULL), 0);
    assert_string_equal(floe_secret_redacted(), "**********");

    const char bin[] = {'a', '\0', 'b'};
    assert_int_equal(floe_secret_new_len(&s, bin, sizeof bin), 0);
    assert_int_equal(floe_secret_len(s), 3);
    assert_true(floe_secret_equals(s, bin, sizeof bin));
    floe_secret_free(s);
    assert_int_equal(floe_secret_new(&s, NULL), FLOE_EINVALID);
    assert_int_equal(floe_secret_dup(&s, NULL), FLOE_EINVALID);
}

static void test_secret_never_reaches_log_output(void **state)
{
    (void)state;
    floe_secret *s = NULL;
    assert_int_equal(floe_secret_new(&s, VALUE), 0);
    for (int fmt = FLOE_LOG_FORMAT_JSON; fmt <= FLOE_LOG_FORMAT_TEXT; fmt++) {
        floe_log_set_format((floe_log_format)fmt);
        /* secret-looking key */
        floe_log(FLOE_LOG_INFO, "configured", "password", floe_secret_reveal(s), NULL);
        /* innocent key with the helper meant for secrets */
        floe_log(FLOE_LOG_INFO, "configured", "dsn", floe_secret_for_log(s), NULL);
        /* innocent key with the revealed value passed by mistake */
        floe_log(FLOE_LOG_INFO, "configured", "dsn", floe_secret_reveal(s), NULL);
        /* a copy of the value embedded in a longer string, and in the message itself */
        char url[128];
        snprintf(url, sizeof url, "postgres://app:%s@db:5432/x", floe_secret_reveal(s));
        floe_log(FLOE_LOG_WARN, url, "url", url, NULL);
        /* bound through a context and a thread binding */
        floe_log_context *ctx = NULL;
        assert_int_equal(floe_log_context_new(&ctx), 0);
        assert_int_equal(floe_log_context_bind(ctx, "conn", url), 0);
        assert_int_equal(floe_log_bind("conn2", url), 0);
        floe_log_ctx(ctx, FLOE_LOG_ERROR, "failed", NULL);
        floe_log_unbind_all();
        floe_log_context_free(ctx);
    }
    assert_int_equal(cap.lines, 10);
    assert_null(strstr(cap.text, VALUE));
    assert_null(strstr(cap.text, "Pa55"));
    assert_non_null(strstr(cap.text, "postgres://app:**********@db:5432/x"));
    assert_non_null(strstr(cap.text, "\"dsn\":\"**********\""));
    assert_non_null(strstr(cap.text, "\"password\":\"***\""));
    floe_secret_free(s);

    /* Once freed, the value is no longer known to the logger: the scrubbing really comes
     * from the live secret, not from the text. */
    cap.len = 0;
    cap.text[0] = '\0';
    floe_log(FLOE_LOG_INFO, "after free", "dsn", VALUE, NULL);
    assert_non_null(strstr(cap.text, VALUE));
}

static void test_short_secret_redacted_by_pointer_only(void **state)
{
    (void)state;
    floe_secret *s = NULL;
    assert_int_equal(floe_secret_new(&s, "ab"), 0);
    floe_log_set_format(FLOE_LOG_FORMAT_JSON);
    floe_log(FLOE_LOG_INFO, "m", "k", floe_secret_reveal(s), "table", "tab", NULL);
    assert_non_null(strstr(cap.text, "\"k\":\"**********\""));
    assert_non_null(strstr(cap.text, "\"table\":\"tab\""));
    floe_secret_free(s);
}

typedef struct wipe_seen {
    int before_has_value;
    int after_all_zero;
    int calls;
    size_t len;
} wipe_seen;

static void wipe_hook(int phase, const unsigned char *mem, size_t len, void *ctx)
{
    wipe_seen *w = ctx;
    w->calls++;
    w->len = len;
    if (phase == 0) {
        w->before_has_value = memcmp(mem, VALUE, sizeof VALUE) == 0;
    } else {
        int zero = 1;
        for (size_t i = 0; i < len; i++)
            zero &= mem[i] == 0;
        w->after_all_zero = zero;
    }
}

static void test_secret_memory_zeroed_on_free(void **state)
{
    (void)state;
    wipe_seen w = {0};
    floe_secret__set_wipe_hook(wipe_hook, &w);
    floe_secret *s = NULL;
    assert_int_equal(floe_secret_new(&s, VALUE), 0);
    floe_secret_free(s);
    floe_secret__set_wipe_hook(NULL, NULL);
    assert_int_equal(w.calls, 2);
    assert_true(w.before_has_value);
    assert_true(w.after_all_zero);
    assert_true(w.len >= 4096 && w.len % 4096 == 0);
}

/* The kernel reports a mapping's flags in /proc/self/smaps: "dd" = excluded from core
 * dumps, "lo" = locked. */
static void test_secret_memory_excluded_from_core_dumps(void **state)
{
    (void)state;
    floe_secret *s = NULL;
    assert_int_equal(floe_secret_new(&s, VALUE), 0);
    unsigned long addr = (unsigned long)(uintptr_t)floe_secret_reveal(s);
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f) {
        floe_secret_free(s);
        skip();
    }
    char line[512];
    int in_region = 0, checked = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
            in_region = addr >= lo && addr < hi;
            continue;
        }
        if (in_region && strncmp(line, "VmFlags:", 8) == 0) {
            assert_non_null(strstr(line, " dd"));
            if (floe_secret_is_locked(s) && !SANITIZED)
                assert_non_null(strstr(line, " lo"));
            checked = 1;
        }
    }
    fclose(f);
    floe_secret_free(s);
    assert_true(checked);
}

static void test_secret_new_out_of_memory(void **state)
{
    (void)state;
    floe_secret *s = NULL;
    floe_alloc_fail_after(1);
    assert_int_equal(floe_secret_new(&s, VALUE), FLOE_ENOMEM);
    floe_alloc_fail_after(0);
    assert_null(s);
    assert_null(strstr(floe_error_last(), VALUE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_secret_holds_and_compares_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secret_never_reaches_log_output, setup, teardown),
        cmocka_unit_test_setup_teardown(test_short_secret_redacted_by_pointer_only, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_secret_memory_zeroed_on_free, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secret_memory_excluded_from_core_dumps, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_secret_new_out_of_memory, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
