/* Registration of the plugins compiled into floe, through the same descriptors as loadable
 * plugins. */
#include <floe/error.h>
#include <floe/registry.h>

#include "registry/builtins.h"

int floe_registry_register_builtins(floe_registry *registry)
{
    if (!registry)
        return floe_error_set(FLOE_EINVALID, "floe_registry_register_builtins: NULL registry");
    if (!floe__builtin_plugins)
        return floe_registry_register(registry, &floe_registry__builtin_local_storage, NULL);
    {
        size_t n = 0;
        const floe_plugin_def *const *defs = floe__builtin_plugins(&n);
        for (size_t i = 0; i < n; i++) {
            int rc = floe_registry_register(registry, defs[i], NULL);
            if (rc)
                return rc;
        }
    }
    /* The minimal local storage stands in only where the full one is not linked. */
    floe_plugin_info info;
    int rc = floe_registry_lookup(&info, registry, FLOE_PLUGIN_STORAGE, "local");
    if (rc == FLOE_ENOTFOUND) {
        floe_error_clear();
        rc = floe_registry_register(registry, &floe_registry__builtin_local_storage, NULL);
    }
    return rc;
}
