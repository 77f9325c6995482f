/**
 * @file floe/storage.h
 * The built-in "local" storage plugin: a FileIO confined to a warehouse directory on this
 * machine. Every location (path or `file://` URI) is resolved, `..` and symlinks included,
 * before it is used; one that lands outside the warehouse is refused with FLOE_EPERM.
 * Writes stream to a temporary sibling that is fsynced and renamed (or hard-linked, for
 * FLOE_CREATE_EXCLUSIVE) into place on commit, then the directory is fsynced.
 */
#ifndef FLOE_STORAGE_H
#define FLOE_STORAGE_H

#include "common.h"
#include "io.h"
#include "plugin.h"
#include "plugins/storage.h"

FLOE_BEGIN_DECLS

/**
 * A FileIO confined to `root` (created with its parents when missing).
 * @param out (transfer full) free with floe_file_io_free()
 * @param root warehouse directory: a path or a `file://` URI
 * @return 0, FLOE_EIO when the root cannot be created or resolved, FLOE_ENOMEM
 */
FLOE_API int floe_local_file_io_new(floe_file_io **out, const char *root);

/**
 * A "local" storage plugin instance over `root`, without a registry.
 * @param out (transfer full) free with its `free` member
 */
FLOE_API int floe_local_storage_new(floe_storage_plugin **out, const char *root);

/**
 * Resolves `location` as the local storage does: strips `file://`, makes it absolute,
 * resolves `.`, `..` and symlinks of the existing part.
 * @param out (transfer full) the resolved absolute path; free with free()
 * @param root the warehouse; NULL skips the confinement check
 * @return 0, FLOE_EPERM when the result is outside `root`, FLOE_EINVALID for a non-local URI
 */
FLOE_API int floe_local_resolve(char **out, const char *root, const char *location);

/**
 * The descriptor of the "local" storage plugin (config: `root`, default "./warehouse").
 * @return (transfer none) a static descriptor
 */
FLOE_API const floe_plugin_def *floe_storage_local_descriptor(void);

/**
 * Registers the storage plugins of this module ("local") in `registry`.
 * @return 0, or FLOE_EEXISTS when a storage plugin of that name is already registered
 */
FLOE_API int floe_storage_register_builtins(floe_registry *registry);

FLOE_END_DECLS

#endif
