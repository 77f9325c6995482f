/* A plugin whose health check takes longer than a short test timeout. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <floe/plugin.h>
#include <floe/plugins/semantic.h>

static void slow_free(floe_semantic_plugin *self)
{
    free(self);
}

static int slow_init(void **out, const floe_config *config, const floe_plugin_context *ctx)
{
    (void)config;
    (void)ctx;
    floe_semantic_plugin *p = calloc(1, sizeof *p);
    if (!p)
        return -2;
    p->version = FLOE_SEMANTIC_PLUGIN_VERSION;
    p->free = slow_free;
    *out = p;
    return 0;
}

static int slow_health(floe_health_status *out, void *instance)
{
    (void)instance;
    struct timespec ts = {1, 500000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
    out->state = FLOE_HEALTH_HEALTHY;
    strcpy(out->message, "finally");
    return 0;
}

FLOE_PLUGIN_DEFINE(.type = FLOE_PLUGIN_SEMANTIC, .name = "slow_health", .version = "0.1.0",
                   .init = slow_init, .health = slow_health);
