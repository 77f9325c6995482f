/**
 * @file floe/plugins/identity.h
 * Identity plugins (keycloak, okta, ...): authenticate users and services and validate
 * tokens.
 */
#ifndef FLOE_PLUGINS_IDENTITY_H
#define FLOE_PLUGINS_IDENTITY_H

#include <jansson.h>

#include "../common.h"
#include "../plugin.h"

FLOE_BEGIN_DECLS

/** Version of floe_identity_plugin. */
#define FLOE_IDENTITY_PLUGIN_VERSION 1

/** An identity instance. */
typedef struct floe_identity_plugin floe_identity_plugin;

/** Identity vtable (version 1). */
struct floe_identity_plugin {
    unsigned int version; /**< FLOE_IDENTITY_PLUGIN_VERSION */
    /**
     * Authenticates with credentials ({"client_id", "client_secret"} or
     * {"username", "password"}); `out` is {"access_token", "expires_in", "token_type"}.
     * FLOE_EAUTH.
     */
    int (*authenticate)(json_t **out, floe_identity_plugin *self, const json_t *credentials);
    /** The user behind a token: {"subject", "email", "groups", ...}. FLOE_EAUTH. */
    int (*get_user_info)(json_t **out, floe_identity_plugin *self, const char *token);
    /**
     * Validates a token: *valid is 1 or 0; `claims` (transfer full, optional) receives its
     * claims when valid.
     */
    int (*validate_token)(int *valid, json_t **claims, floe_identity_plugin *self,
                          const char *token);
    void *state; /**< implementation state */
    /** Frees the instance. Mandatory. */
    void (*free)(floe_identity_plugin *self);
};

FLOE_END_DECLS

#endif
