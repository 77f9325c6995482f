/* The plugins compiled into libfloe above the registry: the registry lists them through
 * floe__builtin_plugins() (see src/registry/builtins.h), so every registry made by
 * floe_registry_register_builtins() — the global one, the CLI's, the manager's — has them. */
#include <pthread.h>

#include <floe/catalog.h>
#include <floe/storage.h>

#include "registry/builtins.h"

static const floe_plugin_def *defs[2];
static pthread_once_t defs_once = PTHREAD_ONCE_INIT;

static void defs_init(void)
{
    defs[0] = floe_storage_local_descriptor();
    defs[1] = floe_catalog_sql_descriptor();
}

const floe_plugin_def *const *floe__builtin_plugins(size_t *count)
{
    pthread_once(&defs_once, defs_init);
    *count = sizeof defs / sizeof defs[0];
    return defs;
}
