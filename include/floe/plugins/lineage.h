/**
 * @file floe/plugins/lineage.h
 * Lineage backend plugins (marquez, atlan, ...): receive OpenLineage events.
 */
#ifndef FLOE_PLUGINS_LINEAGE_H
#define FLOE_PLUGINS_LINEAGE_H

#include <jansson.h>

#include "../common.h"
#include "../plugin.h"

FLOE_BEGIN_DECLS

/** Version of floe_lineage_plugin. */
#define FLOE_LINEAGE_PLUGIN_VERSION 1

/** A lineage backend instance. */
typedef struct floe_lineage_plugin floe_lineage_plugin;

/** Lineage vtable (version 1). */
struct floe_lineage_plugin {
    unsigned int version; /**< FLOE_LINEAGE_PLUGIN_VERSION */
    /** Sends one OpenLineage RunEvent (JSON object). */
    int (*emit_event)(floe_lineage_plugin *self, const json_t *event);
    /** OpenLineage transport settings ({"type": "http", "url", "endpoint", ...}). */
    int (*get_transport_config)(json_t **out, floe_lineage_plugin *self);
    /** The OpenLineage namespace events are emitted under (transfer none). */
    const char *(*get_namespace)(floe_lineage_plugin *self);
    /** Checks that the backend accepts events. */
    int (*validate_connection)(floe_health_status *out, floe_lineage_plugin *self);
    void *state; /**< implementation state */
    /** Frees the instance. Mandatory. */
    void (*free)(floe_lineage_plugin *self);
};

FLOE_END_DECLS

#endif
