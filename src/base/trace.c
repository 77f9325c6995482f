/* Span recording, W3C trace context, and the batching queue in front of the OTLP exporter. */
#include <floe/trace.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include <floe/error.h>
#include <floe/log.h>
#include <floe/retry.h>

#include "base/alloc.h"
#include "base/log_scrub.h"
#include "base/random.h"
#include "base/timeconv.h"
#include "base/trace_internal.h"

#define DEFAULT_MAX_QUEUE  2048
#define DEFAULT_MAX_BATCH  512
#define DEFAULT_FLUSH_MS   5000
#define DEFAULT_TIMEOUT_MS 10000
#define REDACTED_ATTRIBUTE "***"
#define TRACES_PATH        "/v1/traces"
/* Retries of one batch when the collector is unreachable or busy (HTTP 429/502/503/504). */
#define EXPORT_ATTEMPTS      3
#define EXPORT_BASE_DELAY_MS 250
#define EXPORT_MAX_DELAY_MS  2000

enum { STATE_UNINIT = 0, STATE_OFF = 1, STATE_ON = 2 };

/* Fast path: one atomic load decides whether a span is recorded. */
static atomic_int state = STATE_UNINIT;
/* Serialises init and shutdown. */
static pthread_mutex_t lifecycle = PTHREAD_MUTEX_INITIALIZER;

static struct {
    pthread_mutex_t mu;
    pthread_cond_t wake; /* exporter: work to do */
    pthread_cond_t done; /* flushers: a flush generation completed */
    floe_span *head, *tail;
    size_t qlen;
    size_t max_queue, max_batch;
    unsigned int flush_ms;
    int stop;
    uint64_t flush_req, flush_done;
    uint64_t exported, dropped, failed;
    pthread_t thread;
    int thread_started;
    floe_span **batch; /* max_batch slots, used by the exporter thread only */
    floe_otlp__exporter *exporter;
    char *service_name;
    floe_trace__kv resource;
} Q = {.mu = PTHREAD_MUTEX_INITIALIZER};

static _Thread_local floe_span *current;

/* ---- spans ---- */

void floe_trace__span_free(floe_span *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nattrs; i++) {
        floe_free(s->attrs[i].key);
        if (s->attrs[i].type == FLOE_TRACE__STR)
            floe_free(s->attrs[i].v.s);
    }
    for (size_t i = 0; i < s->nevents; i++)
        floe_free(s->events[i].name);
    floe_free(s->attrs);
    floe_free(s->events);
    floe_free(s->name);
    floe_free(s->status_message);
    floe_free(s);
}

/* Copy of `text` with live secrets scrubbed; NULL on out of memory. */
static char *safe_copy(const char *text)
{
    char *scrubbed = NULL;
    int rc = floe_log__scrub(&scrubbed, text ? text : "");
    if (rc == 1)
        return scrubbed;
    if (rc < 0)
        return floe_strdup(REDACTED_ATTRIBUTE);
    return floe_strdup(text ? text : "");
}

static void random_id(uint8_t *id, size_t n)
{
    do {
        if (floe_random_bytes(id, n) != 0) {
            for (size_t i = 0; i < n; i += 8) {
                uint64_t r = floe_random_u64();
                memcpy(id + i, &r, n - i < 8 ? n - i : 8);
            }
        }
        for (size_t i = 0; i < n; i++)
            if (id[i])
                return;
    } while (1);
}

static int do_init(const floe_trace_options *opts, int lazy);

static void ensure_init(void)
{
    if (atomic_load_explicit(&state, memory_order_acquire) != STATE_UNINIT)
        return;
    if (do_init(NULL, 1) != 0)
        floe_log(FLOE_LOG_WARN, "tracing disabled: the exporter could not start", "error",
                 floe_error_last(), NULL);
}

static floe_span *span_new(const char *name, const floe_span_context *parent_ctx)
{
    floe_span *s = floe_calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->name = safe_copy(name);
    if (!s->name) {
        floe_free(s);
        return NULL;
    }
    if (parent_ctx) {
        memcpy(s->ctx.trace_id, parent_ctx->trace_id, 16);
        memcpy(s->parent_span_id, parent_ctx->span_id, 8);
        s->has_parent = 1;
    } else {
        random_id(s->ctx.trace_id, 16);
    }
    random_id(s->ctx.span_id, 8);
    s->ctx.flags = 1; /* sampled: every recorded span is exported */
    s->prev_current = current;
    current = s;
    s->start_ns = floe_now_ns();
    return s;
}

floe_span *floe_span_start(const char *name, const floe_span *parent)
{
    ensure_init();
    if (atomic_load_explicit(&state, memory_order_acquire) != STATE_ON)
        return NULL;
    if (!parent)
        parent = current;
    return span_new(name, parent ? &parent->ctx : NULL);
}

floe_span *floe_span_start_remote(const char *name, const floe_span_context *remote_parent)
{
    ensure_init();
    if (atomic_load_explicit(&state, memory_order_acquire) != STATE_ON)
        return NULL;
    if (!remote_parent)
        return floe_span_start(name, NULL);
    return span_new(name, remote_parent);
}

floe_span *floe_span_current(void)
{
    return current;
}

static floe_trace__attr *attr_slot(floe_span *s, const char *key)
{
    for (size_t i = 0; i < s->nattrs; i++) {
        if (strcmp(s->attrs[i].key, key) == 0) {
            if (s->attrs[i].type == FLOE_TRACE__STR)
                floe_free(s->attrs[i].v.s);
            s->attrs[i].type = FLOE_TRACE__INT;
            return &s->attrs[i];
        }
    }
    if (s->nattrs == s->cap_attrs) {
        size_t cap = s->cap_attrs ? s->cap_attrs * 2 : 8;
        floe_trace__attr *a = floe_realloc(s->attrs, cap * sizeof *a);
        if (!a)
            return NULL;
        s->attrs = a;
        s->cap_attrs = cap;
    }
    char *k = floe_strdup(key);
    if (!k)
        return NULL;
    floe_trace__attr *a = &s->attrs[s->nattrs++];
    memset(a, 0, sizeof *a);
    a->key = k;
    a->type = FLOE_TRACE__INT;
    return a;
}

void floe_span_set_attr_str(floe_span *span, const char *key, const char *value)
{
    if (!span || !key)
        return;
    char *v = floe_log_key_is_secret(key) ? floe_strdup(REDACTED_ATTRIBUTE) : safe_copy(value);
    if (!v)
        return;
    floe_trace__attr *a = attr_slot(span, key);
    if (!a) {
        floe_free(v);
        return;
    }
    a->type = FLOE_TRACE__STR;
    a->v.s = v;
}

void floe_span_set_attr_int(floe_span *span, const char *key, int64_t value)
{
    floe_trace__attr *a = span && key ? attr_slot(span, key) : NULL;
    if (a) {
        a->type = FLOE_TRACE__INT;
        a->v.i = value;
    }
}

void floe_span_set_attr_double(floe_span *span, const char *key, double value)
{
    floe_trace__attr *a = span && key ? attr_slot(span, key) : NULL;
    if (a) {
        a->type = FLOE_TRACE__DOUBLE;
        a->v.d = value;
    }
}

void floe_span_set_attr_bool(floe_span *span, const char *key, int value)
{
    floe_trace__attr *a = span && key ? attr_slot(span, key) : NULL;
    if (a) {
        a->type = FLOE_TRACE__BOOL;
        a->v.b = value != 0;
    }
}

void floe_span_set_status(floe_span *span, floe_span_status status, const char *message)
{
    if (!span || span->status == FLOE_SPAN_STATUS_OK)
        return;
    if (status != FLOE_SPAN_STATUS_UNSET && status != FLOE_SPAN_STATUS_OK &&
        status != FLOE_SPAN_STATUS_ERROR)
        return;
    floe_free(span->status_message);
    span->status_message = NULL;
    span->status = status;
    if (status == FLOE_SPAN_STATUS_ERROR && message)
        span->status_message = safe_copy(message);
}

void floe_span_add_event(floe_span *span, const char *name)
{
    if (!span || !name)
        return;
    if (span->nevents == span->cap_events) {
        size_t cap = span->cap_events ? span->cap_events * 2 : 4;
        floe_trace__event *e = floe_realloc(span->events, cap * sizeof *e);
        if (!e)
            return;
        span->events = e;
        span->cap_events = cap;
    }
    char *n = safe_copy(name);
    if (!n)
        return;
    span->events[span->nevents].name = n;
    span->events[span->nevents].time_ns = floe_now_ns();
    span->nevents++;
}

int floe_span_get_context(floe_span_context *out, const floe_span *span)
{
    if (!span)
        return floe_error_set(FLOE_EINVALID, "no span (tracing is off)");
    *out = span->ctx;
    return 0;
}

static void enqueue(floe_span *s)
{
    pthread_mutex_lock(&Q.mu);
    if (!Q.thread_started || Q.stop || Q.qlen >= Q.max_queue) {
        Q.dropped++;
        pthread_mutex_unlock(&Q.mu);
        floe_trace__span_free(s);
        return;
    }
    s->next = NULL;
    if (Q.tail)
        Q.tail->next = s;
    else
        Q.head = s;
    Q.tail = s;
    Q.qlen++;
    if (Q.qlen >= Q.max_batch)
        pthread_cond_signal(&Q.wake);
    pthread_mutex_unlock(&Q.mu);
}

void floe_span_end(floe_span *span)
{
    if (!span)
        return;
    span->end_ns = floe_now_ns();
    if (span->end_ns < span->start_ns)
        span->end_ns = span->start_ns;
    /* Unlink from this thread's chain of current spans, wherever it is in it. */
    if (current == span) {
        current = span->prev_current;
    } else {
        for (floe_span *c = current; c; c = c->prev_current) {
            if (c->prev_current == span) {
                c->prev_current = span->prev_current;
                break;
            }
        }
    }
    span->prev_current = NULL;
    enqueue(span);
}

/* ---- traceparent ---- */

static void put_hex(char *out, const uint8_t *b, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
}

int floe_traceparent_format(char *buf, size_t n, const floe_span_context *ctx)
{
    if (!buf || !ctx || n < FLOE_TRACEPARENT_LEN)
        return floe_error_set(FLOE_EINVALID, "traceparent buffer must hold %d bytes",
                              FLOE_TRACEPARENT_LEN);
    memcpy(buf, "00-", 3);
    put_hex(buf + 3, ctx->trace_id, 16);
    buf[35] = '-';
    put_hex(buf + 36, ctx->span_id, 8);
    buf[52] = '-';
    put_hex(buf + 53, &ctx->flags, 1);
    buf[55] = '\0';
    return 0;
}

static int lower_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static int tp_error(const char *value, size_t pos, const char *expected)
{
    return floe_error_set(FLOE_EINVALID,
                          "invalid traceparent '%.80s' at position %zu: expected %s (form "
                          "00-<32 hex>-<16 hex>-<2 hex>, lower case)",
                          value, pos, expected);
}

static int parse_hex(uint8_t *out, const char *s, size_t nbytes, const char *value, size_t at)
{
    for (size_t i = 0; i < nbytes; i++) {
        int hi = lower_hex(s[2 * i]);
        if (hi < 0)
            return tp_error(value, at + 2 * i, "a lower-case hex digit");
        int lo = lower_hex(s[2 * i + 1]);
        if (lo < 0)
            return tp_error(value, at + 2 * i + 1, "a lower-case hex digit");
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

static int all_zero(const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return 0;
    return 1;
}

int floe_traceparent_parse(floe_span_context *out, const char *value)
{
    if (!value)
        return floe_error_set(FLOE_EINVALID, "traceparent is NULL");
    size_t len = strnlen(value, 512);
    if (len < 55)
        return tp_error(value, len, "55 characters");
    uint8_t version;
    floe_span_context c;
    int rc = parse_hex(&version, value, 1, value, 0);
    if (rc)
        return rc;
    if (version == 0xff)
        return tp_error(value, 0, "a version other than ff");
    static const size_t dashes[] = {2, 35, 52};
    for (size_t i = 0; i < 3; i++)
        if (value[dashes[i]] != '-')
            return tp_error(value, dashes[i], "'-'");
    if ((rc = parse_hex(c.trace_id, value + 3, 16, value, 3)) != 0 ||
        (rc = parse_hex(c.span_id, value + 36, 8, value, 36)) != 0 ||
        (rc = parse_hex(&c.flags, value + 53, 1, value, 53)) != 0)
        return rc;
    /* Version 00 has exactly this length; later versions may append "-<more>". */
    if (len > 55 && (version == 0 || value[55] != '-'))
        return tp_error(value, 55, "the end of the value");
    if (all_zero(c.trace_id, 16))
        return tp_error(value, 3, "a trace-id that is not all zeros");
    if (all_zero(c.span_id, 8))
        return tp_error(value, 36, "a parent-id that is not all zeros");
    *out = c;
    return 0;
}

/* ---- exporter thread ---- */

typedef struct export_job {
    const char *json;
    size_t len;
} export_job;

static int export_attempt(void *ctx, unsigned int attempt)
{
    (void)attempt;
    export_job *j = ctx;
    return floe_otlp__export(Q.exporter, j->json, j->len, NULL);
}

static int stopping(void)
{
    pthread_mutex_lock(&Q.mu);
    int stop = Q.stop;
    pthread_mutex_unlock(&Q.mu);
    return stop;
}

/* Once shutdown has begun, a failed batch is not retried: shutdown must not wait out a
 * backoff schedule. */
static int retry_unless_stopping(int code, void *ctx)
{
    (void)ctx;
    return !stopping() && floe_retry_default_retryable(code, NULL);
}

static void deadline_in(struct timespec *ts, unsigned int ms);

/* Backoff that shutdown interrupts. */
static void backoff_sleep(unsigned int ms, void *ctx)
{
    (void)ctx;
    struct timespec until;
    deadline_in(&until, ms);
    pthread_mutex_lock(&Q.mu);
    int rc = 0;
    while (!Q.stop && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&Q.wake, &Q.mu, &until);
    pthread_mutex_unlock(&Q.mu);
}

static void export_batch(floe_span **batch, size_t n)
{
    char *json = NULL;
    int rc = floe_otlp__encode(&json, batch, n, Q.service_name, &Q.resource);
    if (rc == 0) {
        export_job job = {json, strlen(json)};
        floe_retry_options ro = FLOE_RETRY_OPTIONS_INIT;
        ro.max_attempts = EXPORT_ATTEMPTS;
        ro.base_delay_ms = EXPORT_BASE_DELAY_MS;
        ro.max_delay_ms = EXPORT_MAX_DELAY_MS;
        ro.retryable = retry_unless_stopping;
        ro.sleep = backoff_sleep;
        rc = floe_retry_run(&ro, export_attempt, &job);
    }
    floe_free(json);
    pthread_mutex_lock(&Q.mu);
    if (rc == 0)
        Q.exported += n;
    else
        Q.failed += n;
    pthread_mutex_unlock(&Q.mu);
    if (rc != 0) {
        char count[24];
        snprintf(count, sizeof count, "%zu", n);
        floe_log(FLOE_LOG_WARN, "dropping spans the OTLP collector did not accept", "spans", count,
                 "error", floe_error_last(), NULL);
    }
    for (size_t i = 0; i < n; i++)
        floe_trace__span_free(batch[i]);
}

static void deadline_in(struct timespec *ts, unsigned int ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static void *exporter_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&Q.mu);
    for (;;) {
        struct timespec until;
        deadline_in(&until, Q.flush_ms);
        int timed_out = 0;
        while (!Q.stop && !timed_out && Q.qlen < Q.max_batch && Q.flush_req == Q.flush_done)
            timed_out = pthread_cond_timedwait(&Q.wake, &Q.mu, &until) == ETIMEDOUT;
        while (Q.qlen > 0) {
            size_t n = 0;
            while (Q.head && n < Q.max_batch) {
                Q.batch[n++] = Q.head;
                Q.head = Q.head->next;
            }
            if (!Q.head)
                Q.tail = NULL;
            Q.qlen -= n;
            pthread_mutex_unlock(&Q.mu);
            export_batch(Q.batch, n);
            pthread_mutex_lock(&Q.mu);
        }
        Q.flush_done = Q.flush_req;
        pthread_cond_broadcast(&Q.done);
        if (Q.stop)
            break;
    }
    pthread_mutex_unlock(&Q.mu);
    return NULL;
}

/* ---- lifecycle ---- */

static unsigned int env_uint(const char *name, unsigned int dflt)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return dflt;
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (errno || *end || n == 0 || n > 0x7fffffffUL) {
        floe_log(FLOE_LOG_WARN, "ignoring an invalid setting (expected a positive integer)",
                 "variable", name, "value", v, NULL);
        return dflt;
    }
    return (unsigned int)n;
}

static const char *pick(const char *opt, const char *env)
{
    if (opt && *opt)
        return opt;
    const char *v = getenv(env);
    return v && *v ? v : NULL;
}

static void queue_reset_locked(void)
{
    floe_otlp__exporter_free(Q.exporter);
    Q.exporter = NULL;
    floe_free(Q.service_name);
    Q.service_name = NULL;
    floe_trace__kv_free(&Q.resource);
    floe_free(Q.batch);
    Q.batch = NULL;
}

static void stop_locked(void)
{
    pthread_mutex_lock(&Q.mu);
    int started = Q.thread_started;
    Q.stop = 1;
    pthread_cond_broadcast(&Q.wake);
    pthread_mutex_unlock(&Q.mu);
    if (started)
        pthread_join(Q.thread, NULL);
    pthread_mutex_lock(&Q.mu);
    Q.thread_started = 0;
    while (Q.head) {
        floe_span *s = Q.head;
        Q.head = s->next;
        floe_trace__span_free(s);
    }
    Q.tail = NULL;
    Q.qlen = 0;
    pthread_mutex_unlock(&Q.mu);
    queue_reset_locked();
}

static int init_cond(pthread_cond_t *c)
{
    pthread_condattr_t attr;
    if (pthread_condattr_init(&attr) != 0)
        return -1;
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(c, &attr);
    pthread_condattr_destroy(&attr);
    return rc;
}

int floe_trace_init(const floe_trace_options *opts)
{
    return do_init(opts, 0);
}

static int do_init(const floe_trace_options *opts, int lazy)
{
    floe_trace_options o = FLOE_TRACE_OPTIONS_INIT;
    if (opts) {
        if (opts->version < 1 || opts->version > FLOE_TRACE_OPTIONS_VERSION)
            return floe_error_set(FLOE_EVERSION,
                                  "floe_trace_options version %u is not supported (1..%d)",
                                  opts->version, FLOE_TRACE_OPTIONS_VERSION);
        o = *opts;
    }
    pthread_mutex_lock(&lifecycle);
    if (lazy && atomic_load(&state) != STATE_UNINIT) {
        pthread_mutex_unlock(&lifecycle);
        return 0;
    }
    if (atomic_load(&state) == STATE_ON) {
        atomic_store(&state, STATE_OFF);
        stop_locked();
    }
    static int conds_ready;
    if (!conds_ready) {
        if (init_cond(&Q.wake) != 0 || init_cond(&Q.done) != 0) {
            atomic_store(&state, STATE_OFF);
            pthread_mutex_unlock(&lifecycle);
            return floe_error_set(FLOE_ERROR, "cannot create the tracing condition variables");
        }
        conds_ready = 1;
    }

    const char *traces_url = pick(o.traces_endpoint, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    const char *base_url = pick(o.endpoint, "OTEL_EXPORTER_OTLP_ENDPOINT");
    if (!traces_url && !base_url) {
        atomic_store(&state, STATE_OFF);
        pthread_mutex_unlock(&lifecycle);
        return 0;
    }
    char *url = NULL;
    if (traces_url) {
        url = floe_strdup(traces_url);
    } else {
        size_t bl = strlen(base_url);
        while (bl > 0 && base_url[bl - 1] == '/')
            bl--;
        url = floe_malloc(bl + sizeof TRACES_PATH);
        if (url) {
            memcpy(url, base_url, bl);
            memcpy(url + bl, TRACES_PATH, sizeof TRACES_PATH);
        }
    }
    floe_trace__kv headers = {0};
    int rc = url ? 0 : floe_error_set(FLOE_ENOMEM, "out of memory configuring tracing");
    if (!rc)
        rc = floe_trace__kv_parse(&headers, pick(o.headers, "OTEL_EXPORTER_OTLP_HEADERS"),
                                  "OTEL_EXPORTER_OTLP_HEADERS");
    if (!rc)
        rc = floe_trace__kv_parse(&Q.resource, getenv("OTEL_RESOURCE_ATTRIBUTES"),
                                  "OTEL_RESOURCE_ATTRIBUTES");
    if (!rc) {
        const char *svc = pick(o.service_name, "OTEL_SERVICE_NAME");
        Q.service_name = floe_strdup(svc ? svc : "floe");
        if (!Q.service_name)
            rc = floe_error_set(FLOE_ENOMEM, "out of memory configuring tracing");
    }
    unsigned int timeout =
        o.timeout_ms ? o.timeout_ms : env_uint("OTEL_EXPORTER_OTLP_TIMEOUT", DEFAULT_TIMEOUT_MS);
    if (!rc) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        rc = floe_otlp__exporter_new(&Q.exporter, url, &headers, timeout);
    }
    floe_trace__kv_free(&headers);
    if (!rc) {
        pthread_mutex_lock(&Q.mu);
        Q.max_queue =
            o.max_queue ? o.max_queue : env_uint("OTEL_BSP_MAX_QUEUE_SIZE", DEFAULT_MAX_QUEUE);
        Q.max_batch = o.max_batch ? o.max_batch
                                  : env_uint("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", DEFAULT_MAX_BATCH);
        if (Q.max_batch > Q.max_queue)
            Q.max_batch = Q.max_queue;
        Q.flush_ms = o.flush_interval_ms ? o.flush_interval_ms
                                         : env_uint("OTEL_BSP_SCHEDULE_DELAY", DEFAULT_FLUSH_MS);
        Q.stop = 0;
        Q.exported = Q.dropped = Q.failed = 0;
        Q.flush_req = Q.flush_done = 0;
        Q.batch = floe_calloc(Q.max_batch, sizeof *Q.batch);
        if (!Q.batch)
            rc = floe_error_set(FLOE_ENOMEM, "out of memory configuring tracing");
        else if (pthread_create(&Q.thread, NULL, exporter_main, NULL) != 0)
            rc = floe_error_set(FLOE_ERROR, "cannot start the tracing exporter thread");
        else
            Q.thread_started = 1;
        pthread_mutex_unlock(&Q.mu);
    }
    if (rc) {
        queue_reset_locked();
        atomic_store(&state, STATE_OFF);
    } else {
        atomic_store_explicit(&state, STATE_ON, memory_order_release);
        floe_log(FLOE_LOG_DEBUG, "tracing enabled", "endpoint", url, "service", Q.service_name,
                 NULL);
    }
    floe_free(url);
    pthread_mutex_unlock(&lifecycle);
    return rc;
}

int floe_trace_enabled(void)
{
    ensure_init();
    return atomic_load(&state) == STATE_ON;
}

int floe_trace_flush(unsigned int timeout_ms)
{
    pthread_mutex_lock(&Q.mu);
    if (!Q.thread_started) {
        pthread_mutex_unlock(&Q.mu);
        return 0;
    }
    uint64_t target = ++Q.flush_req;
    pthread_cond_signal(&Q.wake);
    struct timespec until;
    deadline_in(&until, timeout_ms);
    int rc = 0;
    while (Q.flush_done < target && rc == 0)
        rc = pthread_cond_timedwait(&Q.done, &Q.mu, &until);
    int ok = Q.flush_done >= target;
    pthread_mutex_unlock(&Q.mu);
    if (!ok)
        return floe_error_set(FLOE_ETIMEOUT,
                              "spans were not exported within %u ms: the collector is slow or "
                              "unreachable",
                              timeout_ms);
    return 0;
}

void floe_trace_shutdown(void)
{
    pthread_mutex_lock(&lifecycle);
    if (atomic_load(&state) == STATE_ON)
        stop_locked();
    atomic_store(&state, STATE_OFF);
    pthread_mutex_unlock(&lifecycle);
}

void floe_trace_get_stats(floe_trace_stats *out)
{
    pthread_mutex_lock(&Q.mu);
    out->version = FLOE_TRACE_OPTIONS_VERSION;
    out->exported = Q.exported;
    out->dropped = Q.dropped;
    out->failed = Q.failed;
    pthread_mutex_unlock(&Q.mu);
}
