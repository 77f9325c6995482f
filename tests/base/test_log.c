/* posix_openpt and friends */
#define _XOPEN_SOURCE 700
#include "test_support.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include <floe/error.h>
#include <floe/log.h>

#include "base/alloc.h"

/* Collects sink output: lines joined by '\n'. */
typedef struct capture {
    char *text;
    size_t len;
    int lines;
    floe_log_level last_level;
} capture;

static void capture_sink(floe_log_level level, const char *line, size_t len, void *ctx)
{
    capture *c = ctx;
    assert_int_equal(strlen(line), len);
    char *t = realloc(c->text, c->len + len + 2);
    assert_non_null(t);
    memcpy(t + c->len, line, len);
    t[c->len + len] = '\n';
    t[c->len + len + 1] = '\0';
    c->text = t;
    c->len += len + 1;
    c->lines++;
    c->last_level = level;
}

static capture cap;

static int setup(void **state)
{
    (void)state;
    memset(&cap, 0, sizeof cap);
    floe_log_set_sink(capture_sink, &cap);
    floe_log_set_level(FLOE_LOG_TRACE);
    floe_log_set_format(FLOE_LOG_FORMAT_JSON);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    floe_log_set_sink(NULL, NULL);
    floe_log_unbind_all();
    free(cap.text);
    memset(&cap, 0, sizeof cap);
    return 0;
}

/* Parses the only captured line as a JSON object. */
static json_t *only_line(void)
{
    assert_int_equal(cap.lines, 1);
    json_error_t err;
    json_t *o = json_loads(cap.text, 0, &err);
    if (!o)
        fail_msg("line is not JSON (%s): %s", err.text, cap.text);
    assert_true(json_is_object(o));
    return o;
}

static void test_log_json_line_has_timestamp_level_message_fields(void **state)
{
    (void)state;
    floe_log(FLOE_LOG_WARN, "retrying request", "url", "http://x/y", "attempt", "2", NULL);
    json_t *o = only_line();
    const char *ts = json_string_value(json_object_get(o, "timestamp"));
    assert_non_null(ts);
    /* 2024-01-02T03:04:05.678Z */
    assert_int_equal(strlen(ts), 24);
    assert_int_equal(ts[4], '-');
    assert_int_equal(ts[10], 'T');
    assert_int_equal(ts[19], '.');
    assert_int_equal(ts[23], 'Z');
    assert_string_equal(json_string_value(json_object_get(o, "level")), "warn");
    assert_string_equal(json_string_value(json_object_get(o, "message")), "retrying request");
    assert_string_equal(json_string_value(json_object_get(o, "url")), "http://x/y");
    assert_string_equal(json_string_value(json_object_get(o, "attempt")), "2");
    assert_int_equal(json_object_size(o), 5);
    assert_int_equal(cap.last_level, FLOE_LOG_WARN);
    /* Field order is the call order, after the fixed keys. */
    assert_true(strstr(cap.text, "\"message\"") < strstr(cap.text, "\"url\""));
    assert_true(strstr(cap.text, "\"url\"") < strstr(cap.text, "\"attempt\""));
    json_decref(o);
}

static void test_log_escapes_json_specials_and_invalid_utf8(void **state)
{
    (void)state;
    floe_log(FLOE_LOG_ERROR, "quote \" backslash \\ newline \n tab \t bell \x07", "k\"ey",
             "caf\xc3\xa9 \xff\xfe end", "nul", NULL, NULL);
    assert_null(strchr(cap.text, '\t'));
    json_t *o = only_line();
    assert_string_equal(json_string_value(json_object_get(o, "message")),
                        "quote \" backslash \\ newline \n tab \t bell \x07");
    assert_string_equal(json_string_value(json_object_get(o, "k\"ey")),
                        "caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd end");
    assert_true(json_is_null(json_object_get(o, "nul")));
    json_decref(o);
}

static void test_log_level_filtering_and_enabled(void **state)
{
    (void)state;
    floe_log_set_level(FLOE_LOG_INFO);
    assert_false(floe_log_enabled(FLOE_LOG_DEBUG));
    assert_true(floe_log_enabled(FLOE_LOG_INFO));
    assert_true(floe_log_enabled(FLOE_LOG_ERROR));
    assert_false(floe_log_enabled(FLOE_LOG_OFF));
    floe_log(FLOE_LOG_DEBUG, "hidden", NULL);
    floe_log(FLOE_LOG_TRACE, "hidden", NULL);
    assert_int_equal(cap.lines, 0);
    floe_log(FLOE_LOG_INFO, "shown", NULL);
    assert_int_equal(cap.lines, 1);
    floe_log_set_level(FLOE_LOG_OFF);
    floe_log(FLOE_LOG_ERROR, "hidden", NULL);
    floe_log(FLOE_LOG_OFF, "hidden", NULL);
    assert_int_equal(cap.lines, 1);
    assert_null(strstr(cap.text, "hidden"));
}

static void test_log_level_from_env(void **state)
{
    (void)state;
    setenv("FLOE_LOG_LEVEL", "DEBUG", 1);
    floe_log_init_from_env();
    assert_int_equal(floe_log_get_level(), FLOE_LOG_DEBUG);
    setenv("FLOE_LOG_LEVEL", "error", 1);
    floe_log_init_from_env();
    assert_int_equal(floe_log_get_level(), FLOE_LOG_ERROR);
    unsetenv("FLOE_LOG_LEVEL");
    floe_log_init_from_env();
    assert_int_equal(floe_log_get_level(), FLOE_LOG_WARN);
    setenv("FLOE_LOG_LEVEL", "loud", 1);
    floe_log_init_from_env();
    assert_int_equal(floe_log_get_level(), FLOE_LOG_WARN);
    unsetenv("FLOE_LOG_LEVEL");

    floe_log_level l;
    assert_int_equal(floe_log_level_parse(&l, "Warning"), 0);
    assert_int_equal(l, FLOE_LOG_WARN);
    assert_int_equal(floe_log_level_parse(&l, "off"), 0);
    assert_int_equal(l, FLOE_LOG_OFF);
    assert_int_equal(floe_log_level_parse(&l, "verbose"), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "verbose"));
    assert_string_equal(floe_log_level_name(FLOE_LOG_TRACE), "trace");
    assert_string_equal(floe_log_level_name((floe_log_level)42), "unknown");
}

static void test_log_redacts_secret_looking_keys(void **state)
{
    (void)state;
    floe_log(FLOE_LOG_WARN, "connecting", "password", "hunter2", "API_KEY", "ak-123",
             "Authorization", "Bearer abc.def", "client_secret", "s3cr3t", "x-session-id", "sess-9",
             "db_token", "tok-1", "user", "alice", NULL);
    assert_null(strstr(cap.text, "hunter2"));
    assert_null(strstr(cap.text, "ak-123"));
    assert_null(strstr(cap.text, "abc.def"));
    assert_null(strstr(cap.text, "s3cr3t"));
    assert_null(strstr(cap.text, "sess-9"));
    assert_null(strstr(cap.text, "tok-1"));
    json_t *o = only_line();
    assert_string_equal(json_string_value(json_object_get(o, "password")), "***");
    assert_string_equal(json_string_value(json_object_get(o, "Authorization")), "***");
    assert_string_equal(json_string_value(json_object_get(o, "user")), "alice");
    json_decref(o);
    assert_true(floe_log_key_is_secret("AWS_SECRET_ACCESS_KEY"));
    assert_true(floe_log_key_is_secret("Credentials"));
    assert_false(floe_log_key_is_secret("table"));
    assert_false(floe_log_key_is_secret(NULL));
}

static void test_log_text_format(void **state)
{
    (void)state;
    floe_log_set_format(FLOE_LOG_FORMAT_TEXT);
    floe_log(FLOE_LOG_INFO, "table loaded", "table", "db.t1", "note", "two words", "token", "x",
             "empty", "", NULL);
    assert_int_equal(cap.lines, 1);
    /* 2024-01-02T03:04:05.678Z INFO  table loaded table=db.t1 ... */
    assert_int_equal(cap.text[23], 'Z');
    assert_non_null(strstr(cap.text, " INFO  table loaded table=db.t1 note=\"two words\" "
                                     "token=*** empty=\"\"\n"));
    floe_log_set_format(FLOE_LOG_FORMAT_JSON);
}

static void test_log_format_from_env(void **state)
{
    (void)state;
    setenv("FLOE_LOG_FORMAT", "text", 1);
    floe_log_init_from_env();
    floe_log_set_level(FLOE_LOG_TRACE);
    floe_log(FLOE_LOG_INFO, "m", NULL);
    assert_int_equal(cap.text[0], '2');
    setenv("FLOE_LOG_FORMAT", "json", 1);
    floe_log_init_from_env();
    floe_log_set_level(FLOE_LOG_TRACE);
    floe_log(FLOE_LOG_INFO, "m", NULL);
    assert_non_null(strstr(cap.text, "\n{\"timestamp\""));
    unsetenv("FLOE_LOG_FORMAT");
    floe_log_set_format(FLOE_LOG_FORMAT_JSON);
}

static void test_log_context_fields_and_override(void **state)
{
    (void)state;
    floe_log_context *ctx = NULL;
    assert_int_equal(floe_log_context_new(&ctx), 0);
    assert_int_equal(floe_log_context_bind(ctx, "catalog", "prod"), 0);
    assert_int_equal(floe_log_context_bind(ctx, "table", "a.b"), 0);
    assert_int_equal(floe_log_context_bind(ctx, "table", "a.c"), 0);
    assert_int_equal(floe_log_context_bind(ctx, NULL, "x"), FLOE_EINVALID);
    assert_int_equal(floe_log_bind("request_id", "r-1"), 0);
    floe_log_ctx(ctx, FLOE_LOG_INFO, "commit", "catalog", "dev", NULL);
    json_t *o = only_line();
    assert_string_equal(json_string_value(json_object_get(o, "request_id")), "r-1");
    assert_string_equal(json_string_value(json_object_get(o, "table")), "a.c");
    /* the call's own field wins over the bound one, and appears once */
    assert_string_equal(json_string_value(json_object_get(o, "catalog")), "dev");
    const char *first = strstr(cap.text, "\"catalog\"");
    assert_non_null(first);
    assert_null(strstr(first + 1, "\"catalog\""));
    json_decref(o);
    floe_log_context_free(ctx);
    floe_log_context_free(NULL);
    floe_log_ctx(NULL, FLOE_LOG_INFO, "no ctx", NULL);
    assert_int_equal(cap.lines, 2);
}

static void test_log_thread_binding_unbind(void **state)
{
    (void)state;
    assert_int_equal(floe_log_bind("a", "1"), 0);
    assert_int_equal(floe_log_bind("b", "2"), 0);
    assert_int_equal(floe_log_bind("a", "3"), 0);
    floe_log(FLOE_LOG_INFO, "one", NULL);
    assert_non_null(strstr(cap.text, "\"a\":\"3\",\"b\":\"2\"}"));
    floe_log_unbind("a");
    floe_log_unbind("missing");
    floe_log(FLOE_LOG_INFO, "two", NULL);
    assert_non_null(strstr(cap.text, "\"message\":\"two\",\"b\":\"2\"}"));
    floe_log_unbind_all();
    floe_log(FLOE_LOG_INFO, "three", NULL);
    assert_non_null(strstr(cap.text, "\"message\":\"three\"}"));
    assert_int_equal(floe_log_bind(NULL, "x"), FLOE_EINVALID);
}

static void *other_thread(void *arg)
{
    (void)arg;
    /* bindings of the main thread are not visible here */
    floe_log(FLOE_LOG_INFO, "from thread", NULL);
    return NULL;
}

static void test_log_binding_is_per_thread(void **state)
{
    (void)state;
    assert_int_equal(floe_log_bind("request_id", "main"), 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, other_thread, NULL), 0);
    pthread_join(t, NULL);
    assert_int_equal(cap.lines, 1);
    assert_null(strstr(cap.text, "request_id"));
}

static void test_log_keeps_callers_last_error(void **state)
{
    (void)state;
    floe_error_set(FLOE_ENOTFOUND, "table 'x' not found");
    floe_log(FLOE_LOG_WARN, "something", "k", "v", NULL);
    assert_int_equal(floe_error_last_code(), FLOE_ENOTFOUND);
    assert_string_equal(floe_error_last(), "table 'x' not found");
    floe_error_clear();
    floe_log(FLOE_LOG_WARN, "something", NULL);
    assert_int_equal(floe_error_last_code(), FLOE_OK);
}

static void test_log_many_fields_spill_to_heap(void **state)
{
    (void)state;
    floe_log_context *ctx = NULL;
    assert_int_equal(floe_log_context_new(&ctx), 0);
    char k[16], v[16];
    for (int i = 0; i < 40; i++) {
        snprintf(k, sizeof k, "k%d", i);
        snprintf(v, sizeof v, "v%d", i);
        assert_int_equal(floe_log_context_bind(ctx, k, v), 0);
    }
    floe_log_ctx(ctx, FLOE_LOG_INFO, "wide", "last", "yes", NULL);
    json_t *o = only_line();
    assert_int_equal(json_object_size(o), 3 + 40 + 1);
    assert_string_equal(json_string_value(json_object_get(o, "k39")), "v39");
    json_decref(o);
    floe_log_context_free(ctx);
}

#define THREADS          4
#define LINES_PER_THREAD 300

/* Every allocation in the logging path may fail: nothing crashes or leaks, bindings either
 * happen or report FLOE_ENOMEM, and a line is either whole or absent. */
static void test_log_survives_allocation_failures(void **state)
{
    (void)state;
    int complete = 0;
    for (long n = 1; n < 60 && !complete; n++) {
        cap.lines = 0;
        cap.len = 0;
        floe_alloc_fail_after(n);
        floe_log_context *ctx = NULL;
        int rc = floe_log_context_new(&ctx);
        if (rc == 0)
            rc = floe_log_context_bind(ctx, "table", "db.t");
        if (rc == 0)
            rc = floe_log_context_bind(ctx, "catalog", "prod");
        if (rc == 0)
            rc = floe_log_bind("request", "r-1");
        floe_log_ctx(ctx, FLOE_LOG_WARN, "m", "k", "v", NULL);
        floe_alloc_fail_after(0);
        if (rc)
            assert_int_equal(rc, FLOE_ENOMEM);
        if (cap.lines == 1) {
            cap.text[cap.len] = '\0';
            json_t *o = json_loads(cap.text, 0, NULL);
            assert_non_null(o);
            json_decref(o);
            complete = rc == 0 && strstr(cap.text, "\"request\":\"r-1\"") != NULL &&
                       strstr(cap.text, "\"catalog\":\"prod\"") != NULL;
        }
        floe_log_unbind_all();
        floe_log_context_free(ctx);
    }
    assert_true(complete);
}

/* With FLOE_LOG_FORMAT unset, a terminal on stderr gets the text format, a file JSON. */
static void test_log_auto_format_text_on_terminal_json_otherwise(void **state)
{
    (void)state;
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0)
        skip(); /* no pseudo-terminals in this sandbox */
    assert_int_equal(grantpt(master), 0);
    assert_int_equal(unlockpt(master), 0);
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    assert_true(slave >= 0);
    int saved = dup(STDERR_FILENO);
    assert_true(dup2(slave, STDERR_FILENO) >= 0);
    floe_log_set_sink(NULL, NULL);
    floe_log_set_format(FLOE_LOG_FORMAT_AUTO);
    floe_log(FLOE_LOG_WARN, "to the terminal", "k", "v", NULL);
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    close(slave);
    char buf[512];
    ssize_t n = read(master, buf, sizeof buf - 1);
    close(master);
    assert_true(n > 0);
    buf[n] = '\0';
    assert_non_null(strstr(buf, " WARN  to the terminal k=v"));
    assert_null(strchr(buf, '{'));

    /* not a terminal: JSON */
    const char *dir = floe_test_tmpdir("log_auto");
    char path[512];
    snprintf(path, sizeof path, "%s/err.txt", dir);
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    saved = dup(STDERR_FILENO);
    assert_true(dup2(fd, STDERR_FILENO) >= 0);
    close(fd);
    floe_log(FLOE_LOG_WARN, "to a file", NULL);
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    floe_log_set_sink(capture_sink, &cap);
    floe_log_set_format(FLOE_LOG_FORMAT_JSON);
    char *text = floe_test_read_file(path, NULL);
    assert_non_null(text);
    assert_true(strncmp(text, "{\"timestamp\":", 13) == 0);
    assert_non_null(strstr(text, "\"message\":\"to a file\"}\n"));
    free(text);
}

static void *spam(void *arg)
{
    char id[8];
    snprintf(id, sizeof id, "%d", (int)(intptr_t)arg);
    char payload[600];
    memset(payload, 'a' + (int)(intptr_t)arg, sizeof payload - 1);
    payload[sizeof payload - 1] = '\0';
    for (int i = 0; i < LINES_PER_THREAD; i++)
        floe_log(FLOE_LOG_WARN, "concurrent", "thread", id, "payload", payload, NULL);
    return NULL;
}

static void test_log_stderr_lines_never_interleave(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("log_stderr");
    char path[512];
    snprintf(path, sizeof path, "%s/stderr.txt", dir);
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    assert_true(fd >= 0);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fd, STDERR_FILENO) >= 0);
    close(fd);
    floe_log_set_sink(NULL, NULL);

    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, spam, (void *)(intptr_t)i), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);

    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    floe_log_set_sink(capture_sink, &cap);

    size_t len = 0;
    char *text = floe_test_read_file(path, &len);
    assert_non_null(text);
    int lines = 0;
    for (char *line = text, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
        *nl = '\0';
        json_error_t err;
        json_t *o = json_loads(line, 0, &err);
        if (!o)
            fail_msg("line %d is not JSON: %s", lines, err.text);
        const char *payload = json_string_value(json_object_get(o, "payload"));
        int tid = (int)strtol(json_string_value(json_object_get(o, "thread")), NULL, 10);
        assert_non_null(payload);
        for (size_t i = 0; payload[i]; i++)
            assert_int_equal(payload[i], 'a' + tid);
        json_decref(o);
        lines++;
    }
    assert_int_equal(lines, THREADS * LINES_PER_THREAD);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_log_json_line_has_timestamp_level_message_fields,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_escapes_json_specials_and_invalid_utf8, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_log_level_filtering_and_enabled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_level_from_env, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_redacts_secret_looking_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_text_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_format_from_env, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_context_fields_and_override, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_thread_binding_unbind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_binding_is_per_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_keeps_callers_last_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_many_fields_spill_to_heap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_stderr_lines_never_interleave, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_survives_allocation_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_auto_format_text_on_terminal_json_otherwise, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
