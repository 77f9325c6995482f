/* Registration of the plugins compiled into floe, through the same descriptors as loadable
 * plugins. */
#include <floe/error.h>
#include <floe/registry.h>

#include "registry/builtins.h"

static const floe_plugin_def *const builtins[] = {
    &floe_registry__builtin_local_storage,
};

int floe_registry_register_builtins(floe_registry *registry)
{
    if (!registry)
        return floe_error_set(FLOE_EINVALID, "floe_registry_register_builtins: NULL registry");
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
        int rc = floe_registry_register(registry, builtins[i], NULL);
        if (rc)
            return rc;
    }
    return 0;
}
