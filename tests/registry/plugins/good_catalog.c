/* A well-formed loadable catalog plugin: config schema, hooks and health, and an init that
 * reads its validated configuration through the host's API. */
#include <stdlib.h>
#include <string.h>

#include <floe/config.h>
#include <floe/error.h>
#include <floe/plugin.h>
#include <floe/plugins/catalog.h>

struct state {
    int connected;
};

static int good_connect(floe_catalog_plugin *self)
{
    ((struct state *)self->state)->connected = 1;
    return 0;
}

static void good_free(floe_catalog_plugin *self)
{
    free(self->state);
    free(self);
}

static int good_init(void **out, const floe_config *config, const floe_plugin_context *ctx)
{
    (void)ctx;
    /* The host's validated configuration: "uri" has a default, so it is always there. */
    if (!floe_config_get_string(config, "uri"))
        return floe_error_set(FLOE_ECONFIG, "good_catalog: no uri");
    floe_catalog_plugin *p = calloc(1, sizeof *p);
    struct state *s = calloc(1, sizeof *s);
    if (!p || !s) {
        free(p);
        free(s);
        return FLOE_ENOMEM;
    }
    p->version = FLOE_CATALOG_PLUGIN_VERSION;
    p->connect = good_connect;
    p->state = s;
    p->free = good_free;
    *out = p;
    return 0;
}

static int good_startup(void *instance)
{
    return ((floe_catalog_plugin *)instance)->connect(instance);
}

static int good_health(floe_health_status *out, void *instance)
{
    struct state *s = ((floe_catalog_plugin *)instance)->state;
    out->state = s->connected ? FLOE_HEALTH_HEALTHY : FLOE_HEALTH_DEGRADED;
    strcpy(out->message, s->connected ? "connected" : "not connected yet");
    return 0;
}

static const floe_config_field fields[] = {{.name = "uri",
                                            .type = FLOE_CONFIG_STRING,
                                            .default_json = "\"http://localhost:8181\"",
                                            .pattern = "^https?://",
                                            .description = "catalog endpoint"},
                                           {.name = "token",
                                            .type = FLOE_CONFIG_STRING,
                                            .flags = FLOE_CONFIG_SECRET,
                                            .description = "bearer token"},
                                           {0}};

static const floe_config_schema schema = {FLOE_CONFIG_SCHEMA_VERSION, fields,
                                          FLOE_CONFIG_UNKNOWN_REJECT, "test catalog"};

FLOE_PLUGIN_DEFINE(.type = FLOE_PLUGIN_CATALOG, .name = "good_catalog", .version = "1.2.3",
                   .description = "a well-formed test catalog", .config_schema = &schema,
                   .init = good_init, .startup = good_startup, .health = good_health);
