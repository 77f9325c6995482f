/**
 * @file floe/plugins/telemetry.h
 * Telemetry backend plugins (jaeger, datadog, otlp collector): where traces, metrics and
 * logs go.
 */
#ifndef FLOE_PLUGINS_TELEMETRY_H
#define FLOE_PLUGINS_TELEMETRY_H

#include <jansson.h>

#include "../common.h"
#include "../plugin.h"

FLOE_BEGIN_DECLS

/** Version of floe_telemetry_plugin. */
#define FLOE_TELEMETRY_PLUGIN_VERSION 1

/** A telemetry backend instance. */
typedef struct floe_telemetry_plugin floe_telemetry_plugin;

/** Telemetry vtable (version 1). */
struct floe_telemetry_plugin {
    unsigned int version; /**< FLOE_TELEMETRY_PLUGIN_VERSION */
    /**
     * OTLP exporter settings: {"endpoint", "protocol" ("http/json", "grpc"), "headers",
     * "timeout_ms"}; header values that are credentials must come from the secrets plugin.
     */
    int (*get_exporter_config)(json_t **out, floe_telemetry_plugin *self);
    /** Deployment values for the backend's collector, if it runs one. */
    int (*get_deployment_values)(json_t **out, floe_telemetry_plugin *self);
    /** Checks that the backend accepts data. */
    int (*validate_connection)(floe_health_status *out, floe_telemetry_plugin *self);
    void *state; /**< implementation state */
    /** Frees the instance. Mandatory. */
    void (*free)(floe_telemetry_plugin *self);
};

FLOE_END_DECLS

#endif
