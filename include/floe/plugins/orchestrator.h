/**
 * @file floe/plugins/orchestrator.h
 * Orchestrator plugins (dagster, airflow, ...): turn compiled transforms into runnable
 * definitions, schedules and lineage.
 */
#ifndef FLOE_PLUGINS_ORCHESTRATOR_H
#define FLOE_PLUGINS_ORCHESTRATOR_H

#include <jansson.h>

#include "../common.h"
#include "../plugin.h"

FLOE_BEGIN_DECLS

/** Version of floe_orchestrator_plugin. */
#define FLOE_ORCHESTRATOR_PLUGIN_VERSION 1

/** An orchestrator instance. */
typedef struct floe_orchestrator_plugin floe_orchestrator_plugin;

/** Orchestrator vtable (version 1). */
struct floe_orchestrator_plugin {
    unsigned int version; /**< FLOE_ORCHESTRATOR_PLUGIN_VERSION */
    /** Creates the orchestrator's definitions (jobs, assets, resources) from compiled artifacts. */
    int (*create_definitions)(json_t **out, floe_orchestrator_plugin *self,
                              const json_t *artifacts);
    /** Creates one asset per transform (dbt model) with its dependencies. */
    int (*create_assets_from_transforms)(json_t **out, floe_orchestrator_plugin *self,
                                         const json_t *transforms);
    /** Schedules `job` with a cron expression in an IANA time zone. */
    int (*schedule_job)(floe_orchestrator_plugin *self, const char *job, const char *cron,
                        const char *timezone);
    /**
     * Emits an OpenLineage run event ("START", "COMPLETE", "FAIL") for `job` with its input
     * and output datasets (arrays of {namespace, name}).
     */
    int (*emit_lineage_event)(floe_orchestrator_plugin *self, const char *event_type,
                              const char *job, const json_t *inputs, const json_t *outputs);
    /** Deployment values (e.g. Helm values) for the orchestrator's services. */
    int (*get_deployment_values)(json_t **out, floe_orchestrator_plugin *self);
    void *state; /**< implementation state */
    /** Frees the instance. Mandatory. */
    void (*free)(floe_orchestrator_plugin *self);
};

FLOE_END_DECLS

#endif
