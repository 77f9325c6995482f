/**
 * @file floe/trace.h
 * Tracing: spans with attributes, status and events, W3C trace context (`traceparent`)
 * propagation, and an OTLP/HTTP JSON exporter.
 *
 * Tracing is on when `OTEL_EXPORTER_OTLP_ENDPOINT` (spans are POSTed to
 * `<endpoint>/v1/traces`) or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is) is set, or
 * when floe_trace_init() is given an endpoint. Also honoured: `OTEL_SERVICE_NAME` (default
 * "floe"), `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_EXPORTER_OTLP_HEADERS` (`k=v,k2=v2`,
 * percent-encoded values), `OTEL_EXPORTER_OTLP_TIMEOUT` (ms, default 10000),
 * `OTEL_BSP_MAX_QUEUE_SIZE` (2048), `OTEL_BSP_MAX_EXPORT_BATCH_SIZE` (512) and
 * `OTEL_BSP_SCHEDULE_DELAY` (ms, 5000).
 *
 * When tracing is off, floe_span_start() returns NULL after one atomic load and every span
 * function accepts NULL and does nothing. When it is on, ended spans go to a bounded queue
 * drained in batches by a background thread; a full queue drops the span and counts it. A
 * batch the collector cannot be reached for, or answers with HTTP 429/502/503/504, is tried
 * up to 3 times with backoff (not once shutdown has begun); other refusals drop it.
 * Nothing here blocks on the network or reports a failure to the caller.
 */
#ifndef FLOE_TRACE_H
#define FLOE_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

FLOE_BEGIN_DECLS

/** A span being recorded. */
typedef struct floe_span floe_span;

/** The identity of a span as carried between processes (W3C trace context). */
typedef struct floe_span_context {
    uint8_t trace_id[16]; /**< 16 random bytes, never all zero */
    uint8_t span_id[8];   /**< 8 random bytes, never all zero */
    uint8_t flags;        /**< W3C trace flags; bit 0 = sampled */
} floe_span_context;

/** Status of a span (OTLP codes). */
typedef enum floe_span_status {
    FLOE_SPAN_STATUS_UNSET = 0,
    FLOE_SPAN_STATUS_OK = 1,
    FLOE_SPAN_STATUS_ERROR = 2
} floe_span_status;

/** Exporter settings; fields left 0/NULL take the environment's value, then the default. */
typedef struct floe_trace_options {
    unsigned int version;           /**< FLOE_TRACE_OPTIONS_VERSION */
    const char *endpoint;           /**< base URL; spans go to `<endpoint>/v1/traces` */
    const char *traces_endpoint;    /**< full URL of the traces endpoint (wins over endpoint) */
    const char *service_name;       /**< resource `service.name` */
    const char *headers;            /**< extra HTTP headers, `k=v,k2=v2` (percent-encoded) */
    unsigned int max_queue;         /**< spans waiting for export before new ones are dropped */
    unsigned int max_batch;         /**< spans per POST */
    unsigned int flush_interval_ms; /**< longest time a span waits before being sent */
    unsigned int timeout_ms;        /**< HTTP timeout of one export */
} floe_trace_options;

/** Current version of floe_trace_options. */
#define FLOE_TRACE_OPTIONS_VERSION 1
/** Initialiser: every field from the environment or the default. */
#define FLOE_TRACE_OPTIONS_INIT                                                                    \
    {                                                                                              \
        FLOE_TRACE_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0, 0, 0, 0                             \
    }

/** Exporter counters since the last floe_trace_init(). */
typedef struct floe_trace_stats {
    unsigned int version; /**< FLOE_TRACE_OPTIONS_VERSION */
    uint64_t exported;    /**< spans accepted by the collector (HTTP 2xx) */
    uint64_t dropped;     /**< spans dropped because the queue was full */
    uint64_t failed;      /**< spans in batches the collector refused or could not be sent */
} floe_trace_stats;

/**
 * Starts (or restarts, after floe_trace_shutdown()) tracing. Without a call, the first
 * floe_span_start() initialises from the environment. With no endpoint configured tracing
 * is off (a no-op), and that is not an error.
 * @param opts (transfer none) NULL for environment settings only
 * @return 0, FLOE_EINVALID (bad options or headers) or FLOE_ENOMEM / FLOE_ERROR (the
 *         exporter thread could not start); tracing is off after a failure
 */
FLOE_API int floe_trace_init(const floe_trace_options *opts);

/** Non-zero when spans are being recorded and exported. */
FLOE_API int floe_trace_enabled(void);

/**
 * Sends every ended span still queued and waits for the export, at most `timeout_ms`.
 * @return 0, or FLOE_ETIMEOUT when the queue did not drain in time
 */
FLOE_API int floe_trace_flush(unsigned int timeout_ms);

/** Flushes, stops the exporter thread and turns tracing off. Safe to call at any time. */
FLOE_API void floe_trace_shutdown(void);

/** Copies the exporter counters into `out`. */
FLOE_API void floe_trace_get_stats(floe_trace_stats *out);

/**
 * Starts a span named `name` and makes it this thread's current span. Its parent is
 * `parent` when given, else this thread's current span, else none (a new trace).
 * @param parent (transfer none) may be NULL
 * @return (transfer full) the span, to be ended with floe_span_end() on the same thread;
 *         NULL when tracing is off or memory ran out
 */
FLOE_API floe_span *floe_span_start(const char *name, const floe_span *parent);

/**
 * Starts a span whose parent lives in another process (from a parsed `traceparent`), and
 * makes it this thread's current span.
 * @param remote_parent (transfer none) may be NULL (then as floe_span_start(name, NULL))
 * @return (transfer full) as floe_span_start()
 */
FLOE_API floe_span *floe_span_start_remote(const char *name,
                                           const floe_span_context *remote_parent);

/**
 * Ends the span: records the end time, queues it for export and frees it. If it is this
 * thread's current span, its parent (or what was current before it) becomes current again.
 * NULL is allowed.
 */
FLOE_API void floe_span_end(floe_span *span);

/** This thread's current span, or NULL. (transfer none) */
FLOE_API floe_span *floe_span_current(void);

/** Sets a string attribute (a copy is kept; a later value of the same key wins). */
FLOE_API void floe_span_set_attr_str(floe_span *span, const char *key, const char *value);
/** Sets a 64-bit integer attribute. */
FLOE_API void floe_span_set_attr_int(floe_span *span, const char *key, int64_t value);
/** Sets a double attribute. */
FLOE_API void floe_span_set_attr_double(floe_span *span, const char *key, double value);
/** Sets a boolean attribute. */
FLOE_API void floe_span_set_attr_bool(floe_span *span, const char *key, int value);

/**
 * Sets the status; `message` (may be NULL) is kept only for FLOE_SPAN_STATUS_ERROR. An OK
 * status is final: later calls do not change it.
 */
FLOE_API void floe_span_set_status(floe_span *span, floe_span_status status, const char *message);

/** Records a timestamped event named `name` on the span. */
FLOE_API void floe_span_add_event(floe_span *span, const char *name);

/**
 * The span's identity.
 * @return 0, or FLOE_EINVALID when `span` is NULL (tracing off)
 */
FLOE_API int floe_span_get_context(floe_span_context *out, const floe_span *span);

/** Size of a `traceparent` value for version 00, with its NUL. */
#define FLOE_TRACEPARENT_LEN 56

/**
 * Writes `00-<trace-id>-<span-id>-<flags>` in lower-case hex.
 * @return 0, or FLOE_EINVALID when `n` < FLOE_TRACEPARENT_LEN
 */
FLOE_API int floe_traceparent_format(char *buf, size_t n, const floe_span_context *ctx);

/**
 * Parses a `traceparent` header value (W3C Trace Context level 1). Rejects version ff,
 * all-zero ids, upper-case hex and a wrong length for version 00; accepts longer values of
 * later versions.
 * @return 0 or FLOE_EINVALID naming the position of the problem
 */
FLOE_API int floe_traceparent_parse(floe_span_context *out, const char *value);

FLOE_END_DECLS

#endif
