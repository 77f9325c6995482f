/* A valid plugin whose init fails: registered, but never usable. */
#include <floe/error.h>
#include <floe/plugin.h>

static int failing_init(void **out, const floe_config *config, const floe_plugin_context *ctx)
{
    (void)config;
    (void)ctx;
    *out = (void *)0;
    return floe_error_set(FLOE_EUNAVAILABLE, "init_fails: backend unreachable on purpose");
}

FLOE_PLUGIN_DEFINE(.type = FLOE_PLUGIN_LINEAGE, .name = "init_fails", .version = "0.1.0",
                   .init = failing_init);
