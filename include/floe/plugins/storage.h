/**
 * @file floe/plugins/storage.h
 * Storage plugins (local, s3): factories of floe_file_io (floe/io.h), which offers ranged
 * reads, streaming writes, atomic create-if-absent, exists, delete and prefix listing.
 */
#ifndef FLOE_PLUGINS_STORAGE_H
#define FLOE_PLUGINS_STORAGE_H

#include <jansson.h>

#include "../common.h"
#include "../io.h"
#include "../plugin.h"

FLOE_BEGIN_DECLS

/** Version of floe_storage_plugin. */
#define FLOE_STORAGE_PLUGIN_VERSION 1

/** A storage instance. */
typedef struct floe_storage_plugin floe_storage_plugin;

/** Storage vtable (version 1). */
struct floe_storage_plugin {
    unsigned int version; /**< FLOE_STORAGE_PLUGIN_VERSION */
    /**
     * Creates a FileIO.
     * @param out (transfer full) free with floe_file_io_free()
     * @param options (transfer none) per-FileIO properties such as vended credentials
     *        ("s3.access-key-id", ...), or NULL
     */
    int (*create_file_io)(floe_file_io **out, floe_storage_plugin *self, const json_t *options);
    /** The warehouse root this storage writes under (URI or path; transfer none). */
    const char *(*warehouse_location)(floe_storage_plugin *self);
    /** Checks that the storage is reachable and writable within `timeout_ms`. */
    int (*health_check)(floe_health_status *out, floe_storage_plugin *self,
                        unsigned int timeout_ms);
    void *state; /**< implementation state */
    /** Frees the instance. Mandatory. */
    void (*free)(floe_storage_plugin *self);
};

FLOE_END_DECLS

#endif
