/**
 * @file floe/plugins/dbt.h
 * dbt plugins (dbt-core, dbt cloud, ...): how transforms are compiled, run and tested.
 */
#ifndef FLOE_PLUGINS_DBT_H
#define FLOE_PLUGINS_DBT_H

#include <jansson.h>

#include "../common.h"
#include "../plugin.h"

FLOE_BEGIN_DECLS

/** Version of floe_dbt_plugin. */
#define FLOE_DBT_PLUGIN_VERSION 1

/** A dbt instance. */
typedef struct floe_dbt_plugin floe_dbt_plugin;

/**
 * dbt vtable (version 1). Results are JSON objects {"success", "manifest_path",
 * "run_results_path", "elapsed_ms", "message"} (transfer full).
 */
struct floe_dbt_plugin {
    unsigned int version; /**< FLOE_DBT_PLUGIN_VERSION */
    /** Compiles a project (produces the manifest). */
    int (*compile)(json_t **out, floe_dbt_plugin *self, const char *project_dir,
                   const char *profiles_dir, const char *target);
    /** Runs the models matched by `select` (NULL: all). */
    int (*run)(json_t **out, floe_dbt_plugin *self, const char *project_dir,
               const char *profiles_dir, const char *target, const char *select);
    /** Runs the tests matched by `select` (NULL: all). */
    int (*test)(json_t **out, floe_dbt_plugin *self, const char *project_dir,
                const char *profiles_dir, const char *target, const char *select);
    /** Lints the project's SQL; `out` lists the violations. */
    int (*lint)(json_t **out, floe_dbt_plugin *self, const char *project_dir);
    /** Reads the compiled manifest of a project. */
    int (*get_manifest)(json_t **out, floe_dbt_plugin *self, const char *project_dir);
    void *state; /**< implementation state */
    /** Frees the instance. Mandatory. */
    void (*free)(floe_dbt_plugin *self);
};

FLOE_END_DECLS

#endif
