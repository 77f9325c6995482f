/* Descriptors of the plugins compiled into floe, registered by
 * floe_registry_register_builtins(). */
#ifndef FLOE_REGISTRY_BUILTINS_H
#define FLOE_REGISTRY_BUILTINS_H

#include <stddef.h>

#include <floe/plugin.h>

/* A minimal "local" storage plugin (files under a root directory, no path confinement), used
 * only when no layer above the registry provides one. */
extern const floe_plugin_def floe_registry__builtin_local_storage;

/* The built-in plugins of the layers above the registry (storage, catalog), defined in
 * src/manager/builtins.c. The registry must not depend on those layers, so the reference is
 * weak: a program that links the registry alone (its unit tests) sees a NULL function. */
const floe_plugin_def *const *floe__builtin_plugins(size_t *count) __attribute__((weak));

#endif
