/**
 * @file floe/plugins/secrets.h
 * Secrets plugins (kubernetes secrets, vault, infisical, ...). Secret values travel in
 * caller buffers so that no plugin-allocated memory holding a secret reaches the host;
 * callers zero those buffers after use.
 */
#ifndef FLOE_PLUGINS_SECRETS_H
#define FLOE_PLUGINS_SECRETS_H

#include <stddef.h>

#include <jansson.h>

#include "../common.h"
#include "../plugin.h"

FLOE_BEGIN_DECLS

/** Version of floe_secrets_plugin. */
#define FLOE_SECRETS_PLUGIN_VERSION 1

/** A secrets instance. */
typedef struct floe_secrets_plugin floe_secrets_plugin;

/** Receives one key of a listing; return non-zero to stop. */
typedef int (*floe_secrets_key_cb)(const char *key, void *ctx);

/** Secrets vtable (version 1). */
struct floe_secrets_plugin {
    unsigned int version; /**< FLOE_SECRETS_PLUGIN_VERSION */
    /**
     * Reads a secret into `buf` (NUL-terminated). `*needed` receives the length without the
     * NUL; FLOE_ERANGE when `buflen` is too small. FLOE_ENOTFOUND.
     */
    int (*get_secret)(floe_secrets_plugin *self, const char *key, char *buf, size_t buflen,
                      size_t *needed);
    /** Creates or replaces a secret; `metadata` (labels, object or NULL). */
    int (*set_secret)(floe_secrets_plugin *self, const char *key, const char *value,
                      const json_t *metadata);
    /** Lists the keys starting with `prefix` (NULL: all). */
    int (*list_secrets)(floe_secrets_plugin *self, const char *prefix, floe_secrets_key_cb cb,
                        void *ctx);
    /** Deletes a secret; FLOE_ENOTFOUND. */
    int (*delete_secret)(floe_secrets_plugin *self, const char *key);
    void *state; /**< implementation state */
    /** Frees the instance. Mandatory. */
    void (*free)(floe_secrets_plugin *self);
};

FLOE_END_DECLS

#endif
