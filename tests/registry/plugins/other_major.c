/* Built for another major of the plugin API: must be refused. */
#include <stddef.h>

#include <floe/plugin.h>

static int never_init(void **out, const floe_config *config, const floe_plugin_context *ctx)
{
    (void)config;
    (void)ctx;
    *out = NULL;
    return -1;
}

FLOE_PLUGIN_LINKAGE FLOE_PLUGIN_EXPORT FLOE_PLUGIN_DESCRIPTOR_FOR_API(
    floe_plugin_descriptor, FLOE_PLUGIN_API_VERSION_MAJOR + 1, 0, .type = FLOE_PLUGIN_COMPUTE,
    .name = "other_major", .version = "2.0.0", .init = never_init);
