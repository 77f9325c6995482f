/**
 * @file floe/plugins/catalog.h
 * Catalog plugins (sql, rest, polaris): namespaces, tables and commits, expressed with the
 * Iceberg REST catalog's JSON shapes so that this interface needs no iceberg/ types.
 *
 * Namespaces are dotted names ("sales.raw"); a table is a namespace plus a name.
 * JSON results are jansson trees the caller releases with json_decref().
 */
#ifndef FLOE_PLUGINS_CATALOG_H
#define FLOE_PLUGINS_CATALOG_H

#include <jansson.h>

#include "../common.h"
#include "../plugin.h"

FLOE_BEGIN_DECLS

/** Version of floe_catalog_plugin; callers check it before calling methods added later. */
#define FLOE_CATALOG_PLUGIN_VERSION 1

/** A catalog instance. */
typedef struct floe_catalog_plugin floe_catalog_plugin;

/** Receives one name of a listing; return non-zero to stop (that value is returned). */
typedef int (*floe_catalog_name_cb)(const char *name, void *ctx);

/** Catalog vtable (version 1). Every method returns 0 or a FLOE_E* code. */
struct floe_catalog_plugin {
    unsigned int version; /**< FLOE_CATALOG_PLUGIN_VERSION */
    /** Connects (authenticates, fetches the catalog's config); idempotent. */
    int (*connect)(floe_catalog_plugin *self);
    /** Creates a namespace with properties (object of strings, or NULL); FLOE_EEXISTS. */
    int (*create_namespace)(floe_catalog_plugin *self, const char *ns, const json_t *properties);
    /** Lists namespaces directly under `parent` (NULL: top level) as dotted names. */
    int (*list_namespaces)(floe_catalog_plugin *self, const char *parent, floe_catalog_name_cb cb,
                           void *ctx);
    /** Deletes an empty namespace; FLOE_ENOTFOUND, FLOE_ENOTEMPTY. */
    int (*delete_namespace)(floe_catalog_plugin *self, const char *ns);
    /** Sets *exists to 1 or 0. */
    int (*namespace_exists)(int *exists, floe_catalog_plugin *self, const char *ns);
    /** Loads a namespace's properties (object of strings, transfer full). */
    int (*load_namespace_properties)(json_t **out, floe_catalog_plugin *self, const char *ns);
    /**
     * Removes keys (`removals`: array of strings, or NULL) and sets `updates` (object of
     * strings, or NULL); `out` (transfer full, optional) receives the REST
     * UpdateNamespacePropertiesResponse {updated, removed, missing}.
     */
    int (*update_namespace_properties)(json_t **out, floe_catalog_plugin *self, const char *ns,
                                       const json_t *removals, const json_t *updates);
    /**
     * Creates a table from a REST CreateTableRequest (name is taken from `name`; schema,
     * partition-spec, write-order, location, properties from `request`); `out` receives the
     * LoadTableResult {metadata-location, metadata, config}. FLOE_EEXISTS.
     */
    int (*create_table)(json_t **out, floe_catalog_plugin *self, const char *ns, const char *name,
                        const json_t *request);
    /** Lists the tables of a namespace by name. */
    int (*list_tables)(floe_catalog_plugin *self, const char *ns, floe_catalog_name_cb cb,
                       void *ctx);
    /** Loads a table: LoadTableResult (transfer full); FLOE_ENOTFOUND. */
    int (*load_table)(json_t **out, floe_catalog_plugin *self, const char *ns, const char *name);
    /** Sets *exists to 1 or 0. */
    int (*table_exists)(int *exists, floe_catalog_plugin *self, const char *ns, const char *name);
    /** Drops a table; with `purge` its data and metadata files are deleted too. */
    int (*drop_table)(floe_catalog_plugin *self, const char *ns, const char *name, int purge);
    /** Renames (or moves) a table; FLOE_ENOTFOUND, FLOE_EEXISTS. */
    int (*rename_table)(floe_catalog_plugin *self, const char *from_ns, const char *from_name,
                        const char *to_ns, const char *to_name);
    /** Registers an existing metadata file as a table; `out` is its LoadTableResult. */
    int (*register_table)(json_t **out, floe_catalog_plugin *self, const char *ns, const char *name,
                          const char *metadata_location);
    /**
     * Commits a REST CommitTableRequest {requirements: [...], updates: [...]}; `out`
     * receives the CommitTableResponse {metadata-location, metadata}. FLOE_ECONFLICT when a
     * requirement fails, FLOE_ECOMMITUNKNOWN when the outcome cannot be known.
     */
    int (*commit_table)(json_t **out, floe_catalog_plugin *self, const char *ns, const char *name,
                        const json_t *request);
    /**
     * Vends short-lived storage credentials for a table: an object of FileIO properties
     * (e.g. "s3.access-key-id", "expiration-time"); FLOE_EUNSUPPORTED when the catalog
     * cannot. `operations` lists "READ"/"WRITE" (NULL-ended), or NULL for both.
     */
    int (*vend_credentials)(json_t **out, floe_catalog_plugin *self, const char *ns,
                            const char *name, const char *const *operations);
    /** Checks the catalog within `timeout_ms` (at most 10000), e.g. by listing namespaces. */
    int (*health_check)(floe_health_status *out, floe_catalog_plugin *self,
                        unsigned int timeout_ms);
    void *state; /**< implementation state */
    /** Frees the instance. Mandatory. */
    void (*free)(floe_catalog_plugin *self);
};

FLOE_END_DECLS

#endif
