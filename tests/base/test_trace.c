#include "test_collector.h"
#include "test_support.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include <floe/error.h>
#include <floe/log.h>
#include <floe/trace.h>

#include "base/alloc.h"

/* the collector of tests/support/test_collector.h */
typedef floe_test_collector collector;
typedef floe_test_request request;
#define collector_start floe_test_collector_start
#define collector_stop  floe_test_collector_stop
#define collector_wait  floe_test_collector_wait

static void set_env_endpoint(const collector *c, const char *suffix)
{
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", c->port, suffix);
    setenv("OTEL_EXPORTER_OTLP_ENDPOINT", url, 1);
}

static int setup(void **state)
{
    (void)state;
    /* The collector is local: no proxy from the environment may sit in between. */
    setenv("no_proxy", "127.0.0.1", 1);
    setenv("NO_PROXY", "127.0.0.1", 1);
    unsetenv("OTEL_EXPORTER_OTLP_ENDPOINT");
    unsetenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    unsetenv("OTEL_EXPORTER_OTLP_HEADERS");
    unsetenv("OTEL_SERVICE_NAME");
    unsetenv("OTEL_RESOURCE_ATTRIBUTES");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    floe_trace_shutdown();
    assert_null(floe_span_current());
    return 0;
}

/* ---- JSON helpers ---- */

static json_t *attr_value(json_t *attrs, const char *key)
{
    size_t i;
    json_t *kv;
    json_array_foreach(attrs, i, kv)
    {
        if (strcmp(json_string_value(json_object_get(kv, "key")), key) == 0)
            return json_object_get(kv, "value");
    }
    return NULL;
}

static json_t *find_span(json_t *spans, const char *name)
{
    size_t i;
    json_t *s;
    json_array_foreach(spans, i, s)
    {
        if (strcmp(json_string_value(json_object_get(s, "name")), name) == 0)
            return s;
    }
    fail_msg("span '%s' not exported", name);
    return NULL;
}

/* Case-insensitive search for a header line (HTTP header names are case-insensitive). */
static int has_header(const char *head, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = head; *p; p++)
        if (strncasecmp(p, line, n) == 0)
            return 1;
    return 0;
}

static int is_lower_hex(const char *s, size_t len)
{
    if (!s || strlen(s) != len)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
            return 0;
    return 1;
}

static unsigned long long nanos(json_t *span, const char *field)
{
    const char *s = json_string_value(json_object_get(span, field));
    assert_non_null(s); /* 64-bit integers are JSON strings in OTLP */
    for (const char *p = s; *p; p++)
        assert_true(isdigit((unsigned char)*p));
    return strtoull(s, NULL, 10);
}

static json_t *spans_of(const char *body)
{
    json_error_t err;
    json_t *root = json_loads(body, 0, &err);
    if (!root)
        fail_msg("OTLP body is not JSON: %s", err.text);
    json_t *rs = json_array_get(json_object_get(root, "resourceSpans"), 0);
    json_t *ss = json_array_get(json_object_get(rs, "scopeSpans"), 0);
    json_t *spans = json_object_get(ss, "spans");
    assert_true(json_is_array(spans));
    json_incref(spans);
    json_decref(root);
    return spans;
}

/* ---- tests ---- */

static void test_trace_noop_when_endpoint_unset(void **state)
{
    (void)state;
    assert_int_equal(floe_trace_init(NULL), 0);
    assert_false(floe_trace_enabled());
    floe_span *s = floe_span_start("anything", NULL);
    assert_null(s);
    assert_null(floe_span_start_remote("anything", NULL));
    floe_span_set_attr_str(s, "k", "v");
    floe_span_set_attr_int(s, "k", 1);
    floe_span_set_attr_double(s, "k", 1.0);
    floe_span_set_attr_bool(s, "k", 1);
    floe_span_set_status(s, FLOE_SPAN_STATUS_ERROR, "x");
    floe_span_add_event(s, "e");
    floe_span_end(s);
    assert_null(floe_span_current());
    floe_span_context ctx;
    assert_int_equal(floe_span_get_context(&ctx, s), FLOE_EINVALID);
    assert_int_equal(floe_trace_flush(10), 0);
    floe_trace_stats st;
    floe_trace_get_stats(&st);
    assert_int_equal(st.exported + st.dropped + st.failed, 0);
}

static void keep_log(floe_log_level level, const char *line, size_t len, void *ctx)
{
    (void)level;
    char *buf = ctx;
    size_t have = strlen(buf);
    if (have + len + 2 < 2048) {
        memcpy(buf + have, line, len);
        buf[have + len] = '\n';
        buf[have + len + 1] = '\0';
    }
}

static void test_trace_exports_otlp_json_to_collector(void **state)
{
    (void)state;
    collector c;
    collector_start(&c);
    set_env_endpoint(&c, "/");
    setenv("OTEL_SERVICE_NAME", "floe-test", 1);
    setenv("OTEL_EXPORTER_OTLP_HEADERS",
           "x-tenant=acme, authorization=Bearer%20tok-1,=orphan-value,x-bad=%zz", 1);
    setenv("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=ci", 1);
    char logged[2048] = "";
    floe_log_set_sink(keep_log, logged);
    assert_int_equal(floe_trace_init(NULL), 0);
    floe_log_set_sink(NULL, NULL);
    /* malformed entries are reported by position and key, never by value */
    assert_non_null(strstr(logged, "OTEL_EXPORTER_OTLP_HEADERS"));
    assert_non_null(strstr(logged, "\"entry\":\"2\""));
    assert_non_null(strstr(logged, "\"key\":\"x-bad\""));
    assert_null(strstr(logged, "orphan-value"));
    assert_null(strstr(logged, "%zz"));
    assert_true(floe_trace_enabled());

    floe_span *parent = floe_span_start("load_table", NULL);
    assert_non_null(parent);
    assert_ptr_equal(floe_span_current(), parent);
    floe_span_set_attr_str(parent, "table", "db.t1");
    floe_span_set_attr_int(parent, "rows", INT64_C(9007199254740993));
    floe_span_set_attr_double(parent, "ratio", 1.5);
    floe_span_set_attr_bool(parent, "cached", 1);
    floe_span_set_attr_str(parent, "catalog.password", "hunter2");
    floe_span_set_attr_int(parent, "retries", 1);
    floe_span_set_attr_int(parent, "retries", 2);

    floe_span *child = floe_span_start("read_manifest", NULL);
    assert_ptr_equal(floe_span_current(), child);
    floe_span_add_event(child, "cache miss");
    floe_span_set_status(child, FLOE_SPAN_STATUS_ERROR, "boom");
    floe_span_end(child);
    assert_ptr_equal(floe_span_current(), parent);
    floe_span_set_status(parent, FLOE_SPAN_STATUS_OK, NULL);
    floe_span_set_status(parent, FLOE_SPAN_STATUS_ERROR, "ignored after OK");
    floe_span_end(parent);
    assert_null(floe_span_current());

    floe_trace_shutdown();
    assert_false(floe_trace_enabled());
    assert_int_equal(c.nreq, 1);
    request *r = &c.req[0];
    assert_string_equal(r->path, "/v1/traces");
    assert_true(strncmp(r->head, "POST ", 5) == 0);
    assert_true(has_header(r->head, "\r\nContent-Type: application/json\r\n"));
    assert_true(has_header(r->head, "\r\nx-tenant: acme\r\n"));
    assert_true(has_header(r->head, "\r\nauthorization: Bearer tok-1\r\n"));
    assert_false(has_header(r->head, "x-bad"));
    assert_null(strstr(r->body, "hunter2"));

    json_error_t err;
    json_t *root = json_loads(r->body, 0, &err);
    assert_non_null(root);
    json_t *rs = json_array_get(json_object_get(root, "resourceSpans"), 0);
    json_t *rattrs = json_object_get(json_object_get(rs, "resource"), "attributes");
    assert_string_equal(
        json_string_value(json_object_get(attr_value(rattrs, "service.name"), "stringValue")),
        "floe-test");
    assert_string_equal(json_string_value(json_object_get(
                            attr_value(rattrs, "deployment.environment"), "stringValue")),
                        "ci");
    json_t *ss = json_array_get(json_object_get(rs, "scopeSpans"), 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(ss, "scope"), "name")),
                        "floe");
    json_t *spans = json_object_get(ss, "spans");
    assert_int_equal(json_array_size(spans), 2);
    json_t *p = find_span(spans, "load_table");
    json_t *ch = find_span(spans, "read_manifest");

    const char *ptid = json_string_value(json_object_get(p, "traceId"));
    const char *psid = json_string_value(json_object_get(p, "spanId"));
    assert_true(is_lower_hex(ptid, 32));
    assert_true(is_lower_hex(psid, 16));
    assert_null(json_object_get(p, "parentSpanId"));
    assert_string_equal(json_string_value(json_object_get(ch, "traceId")), ptid);
    assert_string_equal(json_string_value(json_object_get(ch, "parentSpanId")), psid);
    assert_string_not_equal(json_string_value(json_object_get(ch, "spanId")), psid);
    assert_int_equal(json_integer_value(json_object_get(p, "kind")), 1);

    unsigned long long ps = nanos(p, "startTimeUnixNano"), pe = nanos(p, "endTimeUnixNano");
    unsigned long long cs = nanos(ch, "startTimeUnixNano"), ce = nanos(ch, "endTimeUnixNano");
    assert_true(ps > 1577836800000000000ULL);
    assert_true(ps <= cs && cs <= ce && ce <= pe);

    json_t *pa = json_object_get(p, "attributes");
    assert_string_equal(json_string_value(json_object_get(attr_value(pa, "table"), "stringValue")),
                        "db.t1");
    assert_string_equal(json_string_value(json_object_get(attr_value(pa, "rows"), "intValue")),
                        "9007199254740993");
    assert_true(json_real_value(json_object_get(attr_value(pa, "ratio"), "doubleValue")) == 1.5);
    assert_true(json_is_true(json_object_get(attr_value(pa, "cached"), "boolValue")));
    assert_string_equal(
        json_string_value(json_object_get(attr_value(pa, "catalog.password"), "stringValue")),
        "***");
    assert_string_equal(json_string_value(json_object_get(attr_value(pa, "retries"), "intValue")),
                        "2");
    assert_int_equal(json_array_size(pa), 6);

    json_t *pst = json_object_get(p, "status");
    assert_int_equal(json_integer_value(json_object_get(pst, "code")), 1);
    assert_null(json_object_get(pst, "message"));
    json_t *cst = json_object_get(ch, "status");
    assert_int_equal(json_integer_value(json_object_get(cst, "code")), 2);
    assert_string_equal(json_string_value(json_object_get(cst, "message")), "boom");
    json_t *ev = json_array_get(json_object_get(ch, "events"), 0);
    assert_string_equal(json_string_value(json_object_get(ev, "name")), "cache miss");
    unsigned long long et = nanos(ev, "timeUnixNano");
    assert_true(cs <= et && et <= ce);
    json_decref(root);

    floe_trace_stats st;
    floe_trace_get_stats(&st);
    assert_int_equal(st.exported, 2);
    collector_stop(&c);
}

static void test_trace_batches_by_size_and_flush(void **state)
{
    (void)state;
    collector c;
    collector_start(&c);
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/custom/traces", c.port);
    floe_trace_options o = FLOE_TRACE_OPTIONS_INIT;
    o.traces_endpoint = url;
    o.max_batch = 2;
    o.flush_interval_ms = 60000;
    assert_int_equal(floe_trace_init(&o), 0);
    for (int i = 0; i < 5; i++) {
        floe_span *s = floe_span_start("op", NULL);
        floe_span_set_attr_int(s, "i", i);
        floe_span_end(s);
    }
    assert_int_equal(floe_trace_flush(10000), 0);
    pthread_mutex_lock(&c.mu);
    int nreq = c.nreq;
    pthread_mutex_unlock(&c.mu);
    assert_true(nreq >= 3);
    size_t total = 0;
    for (int i = 0; i < nreq; i++) {
        assert_string_equal(c.req[i].path, "/custom/traces");
        json_t *spans = spans_of(c.req[i].body);
        assert_true(json_array_size(spans) >= 1 && json_array_size(spans) <= 2);
        total += json_array_size(spans);
        json_decref(spans);
    }
    assert_int_equal(total, 5);
    floe_trace_shutdown();
    collector_stop(&c);
}

static void test_trace_full_queue_drops_and_counts(void **state)
{
    (void)state;
    collector c;
    collector_start(&c);
    c.hold = 1;
    set_env_endpoint(&c, "");
    floe_trace_options o = FLOE_TRACE_OPTIONS_INIT;
    o.max_queue = 3;
    o.max_batch = 1;
    o.flush_interval_ms = 60000;
    assert_int_equal(floe_trace_init(&o), 0);
    floe_span_end(floe_span_start("first", NULL));
    /* the exporter is now stuck in the POST of "first": the queue fills up */
    collector_wait(&c, 1);
    for (int i = 0; i < 9; i++) {
        floe_span *s = floe_span_start("more", NULL);
        assert_non_null(s);
        floe_span_end(s);
    }
    floe_trace_stats st;
    floe_trace_get_stats(&st);
    assert_int_equal(st.dropped, 6);
    pthread_mutex_lock(&c.mu);
    c.hold = 0;
    pthread_cond_broadcast(&c.cv);
    pthread_mutex_unlock(&c.mu);
    assert_int_equal(floe_trace_flush(10000), 0);
    floe_trace_get_stats(&st);
    assert_int_equal(st.exported, 4);
    assert_int_equal(st.dropped, 6);
    assert_int_equal(c.nreq, 4);
    floe_trace_shutdown();
    collector_stop(&c);
}

static void test_trace_collector_errors_never_reach_caller(void **state)
{
    (void)state;
    collector c;
    collector_start(&c);
    c.status = 503;
    set_env_endpoint(&c, "");
    assert_int_equal(floe_trace_init(NULL), 0);
    floe_log_set_level(FLOE_LOG_OFF);
    floe_error_clear();
    floe_span *s = floe_span_start("op", NULL);
    floe_span_end(s);
    assert_int_equal(floe_error_last_code(), FLOE_OK);
    assert_int_equal(floe_trace_flush(10000), 0);
    floe_trace_stats st;
    floe_trace_get_stats(&st);
    assert_int_equal(st.failed, 1);
    assert_int_equal(st.exported, 0);
    /* 503 is retryable: the batch was offered three times */
    assert_int_equal(c.nreq, 3);
    floe_trace_shutdown();
    collector_stop(&c);

    /* nobody listening at all */
    int port = c.port;
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    floe_trace_options o = FLOE_TRACE_OPTIONS_INIT;
    o.endpoint = url;
    o.timeout_ms = 2000;
    assert_int_equal(floe_trace_init(&o), 0);
    floe_span_end(floe_span_start("op", NULL));
    assert_int_equal(floe_trace_flush(10000), 0);
    floe_trace_get_stats(&st);
    assert_int_equal(st.failed, 1);
    floe_trace_shutdown();
    floe_log_set_level(FLOE_LOG_WARN);
}

static void test_trace_retries_busy_collector_but_not_refusal(void **state)
{
    (void)state;
    collector c;
    collector_start(&c);
    c.statuses[0] = 429;
    c.statuses[1] = 502;
    set_env_endpoint(&c, "");
    assert_int_equal(floe_trace_init(NULL), 0);
    floe_log_set_level(FLOE_LOG_OFF);
    floe_span_end(floe_span_start("op", NULL));
    assert_int_equal(floe_trace_flush(10000), 0);
    floe_trace_stats st;
    floe_trace_get_stats(&st);
    assert_int_equal(st.exported, 1);
    assert_int_equal(c.nreq, 3);

    /* 400: the collector will never take this batch; no retry */
    pthread_mutex_lock(&c.mu);
    c.status = 400;
    pthread_mutex_unlock(&c.mu);
    floe_span_end(floe_span_start("op", NULL));
    assert_int_equal(floe_trace_flush(10000), 0);
    floe_trace_get_stats(&st);
    assert_int_equal(st.failed, 1);
    assert_int_equal(c.nreq, 4);
    floe_trace_shutdown();
    floe_log_set_level(FLOE_LOG_WARN);
    collector_stop(&c);
}

static void test_traceparent_format_and_parse(void **state)
{
    (void)state;
    floe_span_context c;
    const char *v = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    assert_int_equal(floe_traceparent_parse(&c, v), 0);
    assert_int_equal(c.trace_id[0], 0x4b);
    assert_int_equal(c.trace_id[15], 0x36);
    assert_int_equal(c.span_id[0], 0x00);
    assert_int_equal(c.span_id[7], 0xb7);
    assert_int_equal(c.flags, 1);
    char buf[FLOE_TRACEPARENT_LEN];
    assert_int_equal(floe_traceparent_format(buf, sizeof buf, &c), 0);
    assert_string_equal(buf, v);
    assert_int_equal(floe_traceparent_format(buf, sizeof buf - 1, &c), FLOE_EINVALID);

    /* a later version may carry more fields */
    assert_int_equal(
        floe_traceparent_parse(&c, "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-x"), 0);
    assert_int_equal(c.flags, 0);

    static const struct {
        const char *value;
        size_t pos;
    } bad[] = {
        {"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", 4},
        {"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", 0},
        {"00-00000000000000000000000000000000-00f067aa0ba902b7-01", 3},
        {"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", 36},
        {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x", 55},
        {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", 52},
        {"00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", 2},
        {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g", 54},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&c, 0x5a, sizeof c);
        assert_int_equal(floe_traceparent_parse(&c, bad[i].value), FLOE_EINVALID);
        char want[32];
        snprintf(want, sizeof want, "position %zu", bad[i].pos);
        if (!strstr(floe_error_last(), want))
            fail_msg("%s: %s", bad[i].value, floe_error_last());
        assert_int_equal(c.flags, 0x5a);
    }
    assert_int_equal(floe_traceparent_parse(&c, NULL), FLOE_EINVALID);
}

static void test_span_continues_remote_trace_and_explicit_parent(void **state)
{
    (void)state;
    collector c;
    collector_start(&c);
    set_env_endpoint(&c, "");
    assert_int_equal(floe_trace_init(NULL), 0);
    floe_span_context remote;
    assert_int_equal(
        floe_traceparent_parse(&remote, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        0);
    floe_span *server = floe_span_start_remote("handle_request", &remote);
    floe_span_context sc;
    assert_int_equal(floe_span_get_context(&sc, server), 0);
    assert_memory_equal(sc.trace_id, remote.trace_id, 16);
    assert_memory_not_equal(sc.span_id, remote.span_id, 8);
    char tp[FLOE_TRACEPARENT_LEN];
    assert_int_equal(floe_traceparent_format(tp, sizeof tp, &sc), 0);
    assert_true(strncmp(tp, "00-4bf92f3577b34da6a3ce929d0e0e4736-", 36) == 0);

    /* an explicit parent wins over the current span; ending out of order keeps the chain */
    floe_span *a = floe_span_start("a", NULL);
    floe_span *b = floe_span_start("b", server);
    assert_ptr_equal(floe_span_current(), b);
    floe_span_end(a);
    assert_ptr_equal(floe_span_current(), b);
    floe_span_end(b);
    assert_ptr_equal(floe_span_current(), server);
    floe_span_end(server);
    assert_null(floe_span_current());
    floe_trace_shutdown();

    json_t *spans = spans_of(c.req[0].body);
    json_t *js = find_span(spans, "handle_request");
    assert_string_equal(json_string_value(json_object_get(js, "parentSpanId")), "00f067aa0ba902b7");
    const char *server_id = json_string_value(json_object_get(js, "spanId"));
    assert_string_equal(json_string_value(json_object_get(find_span(spans, "b"), "parentSpanId")),
                        server_id);
    assert_string_equal(json_string_value(json_object_get(find_span(spans, "a"), "parentSpanId")),
                        server_id);
    json_decref(spans);
    collector_stop(&c);
}

/* Allocation failures while recording spans lose data at worst, never crash or leak. */
static void test_trace_survives_allocation_failures(void **state)
{
    (void)state;
    collector c;
    collector_start(&c);
    set_env_endpoint(&c, "");
    assert_int_equal(floe_trace_init(NULL), 0);
    floe_log_set_level(FLOE_LOG_OFF);
    int recorded = 0;
    for (long n = 1; n < 40; n++) {
        floe_alloc_fail_after(n);
        floe_span *p = floe_span_start("parent", NULL);
        floe_span_set_attr_str(p, "a", "x");
        floe_span_set_attr_int(p, "b", 1);
        floe_span *ch = floe_span_start("child", p);
        floe_span_add_event(ch, "e");
        floe_span_set_status(ch, FLOE_SPAN_STATUS_ERROR, "bad");
        floe_span_end(ch);
        floe_span_end(p);
        floe_alloc_fail_after(0);
        assert_null(floe_span_current());
        recorded += p != NULL;
    }
    assert_true(recorded > 0);
    assert_int_equal(floe_trace_flush(10000), 0);
    floe_log_set_level(FLOE_LOG_WARN);
    floe_trace_shutdown();
    collector_stop(&c);
}

static void test_trace_init_rejects_bad_options_version(void **state)
{
    (void)state;
    floe_trace_options o = FLOE_TRACE_OPTIONS_INIT;
    o.version = 99;
    assert_int_equal(floe_trace_init(&o), FLOE_EVERSION);
    assert_false(floe_trace_enabled());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_trace_noop_when_endpoint_unset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trace_exports_otlp_json_to_collector, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trace_batches_by_size_and_flush, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trace_full_queue_drops_and_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trace_collector_errors_never_reach_caller, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_trace_retries_busy_collector_but_not_refusal, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_traceparent_format_and_parse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_span_continues_remote_trace_and_explicit_parent, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_trace_survives_allocation_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trace_init_rejects_bad_options_version, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
