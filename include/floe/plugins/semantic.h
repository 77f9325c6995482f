/**
 * @file floe/plugins/semantic.h
 * Semantic layer plugins (cube, dbt semantic layer, ...): metrics and models on top of the
 * tables.
 */
#ifndef FLOE_PLUGINS_SEMANTIC_H
#define FLOE_PLUGINS_SEMANTIC_H

#include <jansson.h>

#include "../common.h"
#include "../plugin.h"

FLOE_BEGIN_DECLS

/** Version of floe_semantic_plugin. */
#define FLOE_SEMANTIC_PLUGIN_VERSION 1

/** A semantic layer instance. */
typedef struct floe_semantic_plugin floe_semantic_plugin;

/** Semantic layer vtable (version 1). */
struct floe_semantic_plugin {
    unsigned int version; /**< FLOE_SEMANTIC_PLUGIN_VERSION */
    /**
     * Generates the semantic layer's model files from a dbt manifest into `output_dir`;
     * `out` lists the files written.
     */
    int (*sync_from_dbt_manifest)(json_t **out, floe_semantic_plugin *self,
                                  const char *manifest_path, const char *output_dir);
    /** Data source settings that point the semantic layer at a compute engine. */
    int (*get_datasource_config)(json_t **out, floe_semantic_plugin *self,
                                 const char *compute_plugin);
    /** The API endpoints the layer serves (REST, GraphQL, SQL). */
    int (*get_api_endpoints)(json_t **out, floe_semantic_plugin *self);
    void *state; /**< implementation state */
    /** Frees the instance. Mandatory. */
    void (*free)(floe_semantic_plugin *self);
};

FLOE_END_DECLS

#endif
