/* Shared between the span recorder (trace.c) and the OTLP/HTTP JSON exporter (otlp.c). */
#ifndef FLOE_BASE_TRACE_INTERNAL_H
#define FLOE_BASE_TRACE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <floe/trace.h>

typedef enum {
    FLOE_TRACE__STR,
    FLOE_TRACE__INT,
    FLOE_TRACE__DOUBLE,
    FLOE_TRACE__BOOL
} floe_trace__type;

typedef struct floe_trace__attr {
    char *key;
    floe_trace__type type;
    union {
        char *s;
        int64_t i;
        double d;
        int b;
    } v;
} floe_trace__attr;

typedef struct floe_trace__event {
    char *name;
    int64_t time_ns;
} floe_trace__event;

struct floe_span {
    floe_span_context ctx;
    uint8_t parent_span_id[8];
    int has_parent;
    char *name;
    int64_t start_ns, end_ns;
    floe_trace__attr *attrs;
    size_t nattrs, cap_attrs;
    floe_trace__event *events;
    size_t nevents, cap_events;
    floe_span_status status;
    char *status_message;
    floe_span *prev_current; /* what was current on the starting thread before this span */
    floe_span *next;         /* export queue link */
};

/* Frees a span and everything it owns. */
void floe_trace__span_free(floe_span *s);

/* A string/string list (resource attributes, HTTP headers). */
typedef struct floe_trace__kv {
    char **keys;
    char **vals;
    size_t n;
} floe_trace__kv;

void floe_trace__kv_free(floe_trace__kv *kv);

/* Parses "k=v,k2=v2" with percent-encoded values (the OTEL_* list syntax). Malformed entries
 * are skipped and logged by key only (values may be credentials). 0 or FLOE_ENOMEM. */
int floe_trace__kv_parse(floe_trace__kv *out, const char *text, const char *what);

/* Encodes spans as one OTLP ExportTraceServiceRequest in the protobuf JSON mapping. */
int floe_otlp__encode(char **out_json, floe_span *const *spans, size_t n, const char *service_name,
                      const floe_trace__kv *resource);

typedef struct floe_otlp__exporter floe_otlp__exporter;

/* An HTTP client bound to one URL, reused for every batch (keeps the connection open). */
int floe_otlp__exporter_new(floe_otlp__exporter **out, const char *url,
                            const floe_trace__kv *headers, unsigned int timeout_ms);

/* POSTs a JSON body; 0 when the collector answered 2xx, else FLOE_EUNAVAILABLE (network
 * failure, HTTP 429/502/503/504: worth retrying) or FLOE_EIO (any other HTTP status), with
 * *http_status (may be NULL) set to the status or 0. */
int floe_otlp__export(floe_otlp__exporter *e, const char *json, size_t len, long *http_status);

void floe_otlp__exporter_free(floe_otlp__exporter *e);

#endif
