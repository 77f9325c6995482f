/* Built for a newer minor of the plugin API than the host provides: must be refused. */
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
    floe_plugin_descriptor, FLOE_PLUGIN_API_VERSION_MAJOR, FLOE_PLUGIN_API_VERSION_MINOR + 1,
    .type = FLOE_PLUGIN_COMPUTE, .name = "newer_minor", .version = "1.0.0", .init = never_init);
