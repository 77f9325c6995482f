/**
 * @file floe/plugins/compute.h
 * Compute plugins (duckdb, spark, snowflake, ...): the engine dbt runs SQL on.
 */
#ifndef FLOE_PLUGINS_COMPUTE_H
#define FLOE_PLUGINS_COMPUTE_H

#include <jansson.h>

#include "../common.h"
#include "../plugin.h"

FLOE_BEGIN_DECLS

/** Version of floe_compute_plugin. */
#define FLOE_COMPUTE_PLUGIN_VERSION 1

/** A compute instance. */
typedef struct floe_compute_plugin floe_compute_plugin;

/** Compute vtable (version 1). */
struct floe_compute_plugin {
    unsigned int version; /**< FLOE_COMPUTE_PLUGIN_VERSION */
    /** Whether the engine runs in-process or as a remote service (1 = remote). */
    int (*is_remote)(floe_compute_plugin *self);
    /** Generates the dbt profile output for `target` (profiles.yml entry as JSON). */
    int (*generate_dbt_profile)(json_t **out, floe_compute_plugin *self, const char *target);
    /** Lists the dbt adapter packages the profile needs (array of strings). */
    int (*get_required_dbt_packages)(json_t **out, floe_compute_plugin *self);
    /** Checks that the engine can be reached with the configured credentials. */
    int (*validate_connection)(floe_health_status *out, floe_compute_plugin *self);
    /**
     * Resource requirements (cpu, memory, ephemeral storage requests/limits) for a workload
     * size ("small", "medium", "large").
     */
    int (*get_resource_requirements)(json_t **out, floe_compute_plugin *self,
                                     const char *workload_size);
    /** Settings that attach the Iceberg catalog to the engine (e.g. DuckDB ATTACH). */
    int (*get_catalog_attachment)(json_t **out, floe_compute_plugin *self,
                                  const json_t *catalog_config);
    void *state; /**< implementation state */
    /** Frees the instance. Mandatory. */
    void (*free)(floe_compute_plugin *self);
};

FLOE_END_DECLS

#endif
