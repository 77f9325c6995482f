/**
 * @file floe/plugins/ingestion.h
 * Ingestion plugins (dlt, airbyte, ...): load data from sources into Iceberg tables.
 */
#ifndef FLOE_PLUGINS_INGESTION_H
#define FLOE_PLUGINS_INGESTION_H

#include <jansson.h>

#include "../common.h"
#include "../plugin.h"

FLOE_BEGIN_DECLS

/** Version of floe_ingestion_plugin. */
#define FLOE_INGESTION_PLUGIN_VERSION 1

/** An ingestion instance. */
typedef struct floe_ingestion_plugin floe_ingestion_plugin;

/** Ingestion vtable (version 1). */
struct floe_ingestion_plugin {
    unsigned int version; /**< FLOE_INGESTION_PLUGIN_VERSION */
    /** Whether the tool runs outside the process (1 = external service). */
    int (*is_external)(floe_ingestion_plugin *self);
    /**
     * Creates a pipeline from {"source", "destination_table", "write_mode", ...};
     * `out` is the pipeline's description, including its "id".
     */
    int (*create_pipeline)(json_t **out, floe_ingestion_plugin *self, const json_t *config);
    /** Runs a pipeline; `out` is {"success", "rows_loaded", "bytes_written", "duration_ms"}. */
    int (*run)(json_t **out, floe_ingestion_plugin *self, const char *pipeline_id);
    /** Destination settings that make the tool write into the given catalog. */
    int (*get_destination_config)(json_t **out, floe_ingestion_plugin *self,
                                  const json_t *catalog_config);
    void *state; /**< implementation state */
    /** Frees the instance. Mandatory. */
    void (*free)(floe_ingestion_plugin *self);
};

FLOE_END_DECLS

#endif
