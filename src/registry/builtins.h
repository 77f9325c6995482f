/* Descriptors of the plugins compiled into floe, registered by
 * floe_registry_register_builtins(). */
#ifndef FLOE_REGISTRY_BUILTINS_H
#define FLOE_REGISTRY_BUILTINS_H

#include <floe/plugin.h>

/* The "local" storage plugin: files under a warehouse directory. */
extern const floe_plugin_def floe_registry__builtin_local_storage;

#endif
