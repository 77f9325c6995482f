/* A plugin whose startup hook does not return in any reasonable time. */
#include <stdlib.h>
#include <time.h>

#include <floe/plugin.h>
#include <floe/plugins/telemetry.h>

static void hang_free(floe_telemetry_plugin *self)
{
    free(self);
}

static int hang_init(void **out, const floe_config *config, const floe_plugin_context *ctx)
{
    (void)config;
    (void)ctx;
    floe_telemetry_plugin *p = calloc(1, sizeof *p);
    if (!p)
        return -2;
    p->version = FLOE_TELEMETRY_PLUGIN_VERSION;
    p->free = hang_free;
    *out = p;
    return 0;
}

static int hang_startup(void *instance)
{
    (void)instance;
    struct timespec ts = {60, 0};
    while (nanosleep(&ts, &ts) != 0)
        ;
    return 0;
}

static int hang_shutdown(void *instance)
{
    (void)instance;
    return 0;
}

FLOE_PLUGIN_DEFINE(.type = FLOE_PLUGIN_TELEMETRY, .name = "hang_startup", .version = "0.1.0",
                   .init = hang_init, .startup = hang_startup, .shutdown = hang_shutdown);
