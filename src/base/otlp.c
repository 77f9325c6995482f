/* OTLP/HTTP exporter with the JSON encoding: ExportTraceServiceRequest as the protobuf JSON
 * mapping (resourceSpans -> scopeSpans -> spans; ids as lower-case hex; 64-bit integers as
 * strings; enums as numbers), POSTed to the collector's traces endpoint. */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include <floe/error.h>
#include <floe/log.h>

#include "base/alloc.h"
#include "base/hex.h"
#include "base/trace_internal.h"

#define SPAN_KIND_INTERNAL 1

void floe_trace__kv_free(floe_trace__kv *kv)
{
    for (size_t i = 0; i < kv->n; i++) {
        floe_free(kv->keys[i]);
        if (kv->vals[i])
            explicit_bzero(kv->vals[i], strlen(kv->vals[i]));
        floe_free(kv->vals[i]);
    }
    floe_free(kv->keys);
    floe_free(kv->vals);
    memset(kv, 0, sizeof *kv);
}

/* Copies [s, s+n) without surrounding blanks, decoding %XX when `decode`. NULL on a bad
 * escape or out of memory (*nomem tells which). */
static char *trimmed_copy(const char *s, size_t n, int decode, int *nomem)
{
    while (n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    char *d = floe_malloc(n + 1);
    if (!d) {
        *nomem = 1;
        return NULL;
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (decode && s[i] == '%') {
            int hi = i + 2 < n ? floe_hex_digit_value(s[i + 1]) : -1;
            int lo = i + 2 < n ? floe_hex_digit_value(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                floe_free(d);
                return NULL;
            }
            d[o++] = (char)(hi << 4 | lo);
            i += 2;
            continue;
        }
        d[o++] = s[i];
    }
    d[o] = '\0';
    return d;
}

int floe_trace__kv_parse(floe_trace__kv *out, const char *text, const char *what)
{
    memset(out, 0, sizeof *out);
    if (!text || !*text)
        return 0;
    size_t max = 1;
    for (const char *p = text; *p; p++)
        max += *p == ',';
    out->keys = floe_calloc(max, sizeof *out->keys);
    out->vals = floe_calloc(max, sizeof *out->vals);
    if (!out->keys || !out->vals) {
        floe_trace__kv_free(out);
        return floe_error_set(FLOE_ENOMEM, "out of memory parsing %s", what);
    }
    const char *p = text;
    size_t index = 0;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        int nomem = 0;
        char *k = NULL, *v = NULL;
        if (eq) {
            k = trimmed_copy(p, (size_t)(eq - p), 0, &nomem);
            if (k && *k)
                v = trimmed_copy(eq + 1, len - (size_t)(eq - p) - 1, 1, &nomem);
        }
        if (nomem) {
            floe_free(k);
            floe_free(v);
            floe_trace__kv_free(out);
            return floe_error_set(FLOE_ENOMEM, "out of memory parsing %s", what);
        }
        if (k && *k && v) {
            out->keys[out->n] = k;
            out->vals[out->n] = v;
            out->n++;
        } else if (len > 0) {
            char idx[24];
            snprintf(idx, sizeof idx, "%zu", index);
            /* Only the key is logged: values are often credentials. */
            floe_log(FLOE_LOG_WARN, "ignoring a malformed entry (use key=value)", "setting", what,
                     "entry", idx, "key", k && *k ? k : "", NULL);
            floe_free(k);
            floe_free(v);
        }
        index++;
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

/* ---- encoding ---- */

static void hex(char *out, const uint8_t *b, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

static json_t *nanos_string(int64_t ns)
{
    char b[24];
    snprintf(b, sizeof b, "%lld", (long long)(ns < 0 ? 0 : ns));
    return json_string(b);
}

/* json_object_set_new / json_array_append_new steal the reference even on failure, so a
 * failed build only needs its root released. */
static int put(json_t *obj, const char *key, json_t *value)
{
    return value && json_object_set_new(obj, key, value) == 0 ? 0 : -1;
}

static json_t *any_value(const floe_trace__attr *a)
{
    json_t *v = json_object();
    if (!v)
        return NULL;
    int rc = 0;
    switch (a->type) {
    case FLOE_TRACE__STR:
        rc = put(v, "stringValue", json_string(a->v.s));
        break;
    case FLOE_TRACE__INT: {
        char b[24];
        snprintf(b, sizeof b, "%lld", (long long)a->v.i);
        rc = put(v, "intValue", json_string(b));
        break;
    }
    case FLOE_TRACE__DOUBLE:
        /* JSON has no NaN or infinities: the protobuf mapping spells them as strings. */
        if (a->v.d != a->v.d)
            rc = put(v, "doubleValue", json_string("NaN"));
        else if (a->v.d > 1.7976931348623157e308)
            rc = put(v, "doubleValue", json_string("Infinity"));
        else if (a->v.d < -1.7976931348623157e308)
            rc = put(v, "doubleValue", json_string("-Infinity"));
        else
            rc = put(v, "doubleValue", json_real(a->v.d));
        break;
    case FLOE_TRACE__BOOL:
        rc = put(v, "boolValue", json_boolean(a->v.b));
        break;
    }
    if (rc) {
        json_decref(v);
        return NULL;
    }
    return v;
}

static json_t *key_value(const char *key, json_t *value)
{
    json_t *kv = json_object();
    if (!kv || put(kv, "key", json_string(key)) || put(kv, "value", value)) {
        json_decref(kv);
        return NULL;
    }
    return kv;
}

static json_t *string_kv(const char *key, const char *value)
{
    json_t *v = json_object();
    if (!v || put(v, "stringValue", json_string(value))) {
        json_decref(v);
        return NULL;
    }
    json_t *kv = key_value(key, v);
    return kv;
}

static int append(json_t *arr, json_t *item)
{
    return item && json_array_append_new(arr, item) == 0 ? 0 : -1;
}

static json_t *encode_span(const floe_span *s)
{
    char idbuf[33];
    json_t *o = json_object();
    if (!o)
        return NULL;
    int rc = 0;
    hex(idbuf, s->ctx.trace_id, 16);
    rc |= put(o, "traceId", json_string(idbuf));
    hex(idbuf, s->ctx.span_id, 8);
    rc |= put(o, "spanId", json_string(idbuf));
    if (s->has_parent) {
        hex(idbuf, s->parent_span_id, 8);
        rc |= put(o, "parentSpanId", json_string(idbuf));
    }
    rc |= put(o, "name", json_string(s->name));
    rc |= put(o, "kind", json_integer(SPAN_KIND_INTERNAL));
    rc |= put(o, "startTimeUnixNano", nanos_string(s->start_ns));
    rc |= put(o, "endTimeUnixNano", nanos_string(s->end_ns));
    json_t *attrs = json_array();
    rc |= put(o, "attributes", attrs);
    for (size_t i = 0; rc == 0 && i < s->nattrs; i++)
        rc |= append(attrs, key_value(s->attrs[i].key, any_value(&s->attrs[i])));
    if (s->nevents > 0) {
        json_t *events = json_array();
        rc |= put(o, "events", events);
        for (size_t i = 0; rc == 0 && i < s->nevents; i++) {
            json_t *ev = json_object();
            rc |= append(events, ev);
            if (rc == 0) {
                rc |= put(ev, "timeUnixNano", nanos_string(s->events[i].time_ns));
                rc |= put(ev, "name", json_string(s->events[i].name));
            }
        }
    }
    json_t *status = json_object();
    rc |= put(o, "status", status);
    if (rc == 0) {
        rc |= put(status, "code", json_integer(s->status));
        if (s->status_message)
            rc |= put(status, "message", json_string(s->status_message));
    }
    if (rc) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int floe_otlp__encode(char **out_json, floe_span *const *spans, size_t n, const char *service_name,
                      const floe_trace__kv *resource)
{
    json_t *root = json_object();
    json_t *rs_arr = json_array(), *rs = json_object(), *res = json_object();
    json_t *rattrs = json_array(), *ss_arr = json_array(), *ss = json_object();
    json_t *scope = json_object(), *spans_arr = json_array();
    int rc = 0;
    rc |= put(root, "resourceSpans", rs_arr);
    rc |= rs_arr ? append(rs_arr, rs) : -1;
    rc |= rs ? put(rs, "resource", res) : -1;
    rc |= res ? put(res, "attributes", rattrs) : -1;
    rc |= rs ? put(rs, "scopeSpans", ss_arr) : -1;
    rc |= ss_arr ? append(ss_arr, ss) : -1;
    rc |= ss ? put(ss, "scope", scope) : -1;
    rc |= ss ? put(ss, "spans", spans_arr) : -1;
    if (rc == 0) {
        rc |= append(rattrs, string_kv("service.name", service_name));
        for (size_t i = 0; rc == 0 && resource && i < resource->n; i++)
            if (strcmp(resource->keys[i], "service.name") != 0)
                rc |= append(rattrs, string_kv(resource->keys[i], resource->vals[i]));
        rc |= append(rattrs, string_kv("telemetry.sdk.name", "floe"));
        rc |= append(rattrs, string_kv("telemetry.sdk.version", FLOE_VERSION_STRING));
        rc |= put(scope, "name", json_string("floe"));
        rc |= put(scope, "version", json_string(FLOE_VERSION_STRING));
        for (size_t i = 0; rc == 0 && i < n; i++)
            rc |= append(spans_arr, encode_span(spans[i]));
    }
    char *text = rc == 0 ? json_dumps(root, JSON_COMPACT) : NULL;
    json_decref(root);
    if (!text)
        return floe_error_set(FLOE_ENOMEM, "out of memory encoding %zu spans as OTLP JSON", n);
    /* jansson allocates with malloc; hand the caller a floe_malloc'd copy. */
    *out_json = floe_strdup(text);
    free(text);
    if (!*out_json)
        return floe_error_set(FLOE_ENOMEM, "out of memory encoding %zu spans as OTLP JSON", n);
    return 0;
}

/* ---- HTTP ---- */

struct floe_otlp__exporter {
    CURL *curl;
    struct curl_slist *headers;
    char *url;
};

static size_t discard(char *ptr, size_t size, size_t nmemb, void *ud)
{
    (void)ptr;
    (void)ud;
    return size * nmemb;
}

/* Appends "name: value" (curl drops a header given as "name:"); 1 on success. */
static int add_header(struct curl_slist **list, const char *name, const char *value)
{
    size_t len = strlen(name) + strlen(value) + 3;
    char *line = floe_malloc(len);
    if (!line)
        return 0;
    if (*value)
        snprintf(line, len, "%s: %s", name, value);
    else
        snprintf(line, len, "%s:", name);
    struct curl_slist *nl = curl_slist_append(*list, line);
    /* header values may be credentials: leave no copy behind */
    explicit_bzero(line, len);
    floe_free(line);
    if (!nl)
        return 0;
    *list = nl;
    return 1;
}

int floe_otlp__exporter_new(floe_otlp__exporter **out, const char *url,
                            const floe_trace__kv *headers, unsigned int timeout_ms)
{
    floe_otlp__exporter *e = floe_calloc(1, sizeof *e);
    if (!e)
        return floe_error_set(FLOE_ENOMEM, "out of memory creating the OTLP exporter");
    e->url = floe_strdup(url);
    e->curl = curl_easy_init();
    if (!e->url || !e->curl) {
        floe_otlp__exporter_free(e);
        return floe_error_set(FLOE_ENOMEM, "out of memory creating the OTLP exporter");
    }
    /* No 100-continue round trip: collectors answer the POST directly. */
    int ok = add_header(&e->headers, "Content-Type", "application/json") &&
             add_header(&e->headers, "Expect", "");
    for (size_t i = 0; ok && headers && i < headers->n; i++)
        ok = add_header(&e->headers, headers->keys[i], headers->vals[i]);
    if (!ok) {
        floe_otlp__exporter_free(e);
        return floe_error_set(FLOE_ENOMEM, "out of memory creating the OTLP exporter");
    }
    curl_easy_setopt(e->curl, CURLOPT_URL, e->url);
    curl_easy_setopt(e->curl, CURLOPT_HTTPHEADER, e->headers);
    curl_easy_setopt(e->curl, CURLOPT_POST, 1L);
    curl_easy_setopt(e->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e->curl, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
    curl_easy_setopt(e->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
    curl_easy_setopt(e->curl, CURLOPT_WRITEFUNCTION, discard);
    *out = e;
    return 0;
}

int floe_otlp__export(floe_otlp__exporter *e, const char *json, size_t len, long *http_status)
{
    long code = 0;
    curl_easy_setopt(e->curl, CURLOPT_POSTFIELDS, json);
    curl_easy_setopt(e->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    CURLcode cc = curl_easy_perform(e->curl);
    if (cc == CURLE_OK)
        curl_easy_getinfo(e->curl, CURLINFO_RESPONSE_CODE, &code);
    if (http_status)
        *http_status = code;
    if (cc != CURLE_OK)
        return floe_error_set(FLOE_EUNAVAILABLE, "OTLP export to %s failed: %s", e->url,
                              curl_easy_strerror(cc));
    /* The statuses OTLP/HTTP names as retryable: throttling and an unavailable collector. */
    if (code == 429 || code == 502 || code == 503 || code == 504)
        return floe_error_set(FLOE_EUNAVAILABLE, "OTLP collector %s is unavailable (HTTP %ld)",
                              e->url, code);
    if (code < 200 || code > 299)
        return floe_error_set(FLOE_EIO, "OTLP collector %s refused the spans (HTTP %ld)", e->url,
                              code);
    return 0;
}

void floe_otlp__exporter_free(floe_otlp__exporter *e)
{
    if (!e)
        return;
    if (e->curl)
        curl_easy_cleanup(e->curl);
    curl_slist_free_all(e->headers);
    floe_free(e->url);
    floe_free(e);
}
