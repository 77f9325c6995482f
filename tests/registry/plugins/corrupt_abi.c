/* A descriptor whose ABI block claims a different sizeof(long): must be refused before any
 * of its code runs, which its constructor would reveal. */
#include <stdlib.h>

#include <floe/plugin.h>

__attribute__((constructor)) static void corrupt_abi_loaded(void)
{
    setenv("FLOE_TEST_CORRUPT_ABI_RAN", "1", 1);
}

static int never_init(void **out, const floe_config *config, const floe_plugin_context *ctx)
{
    (void)config;
    (void)ctx;
    *out = NULL;
    abort();
}

FLOE_PLUGIN_EXPORT const floe_plugin_def floe_plugin_descriptor = {
    .abi = {FLOE_PLUGIN_MAGIC, FLOE_PLUGIN_ABI_VERSION, (uint32_t)sizeof(floe_plugin_def),
            FLOE_PLUGIN_BYTE_ORDER_MARK, (uint16_t)sizeof(void *), (uint16_t)(sizeof(long) + 1),
            (uint16_t)sizeof(size_t), (uint16_t)sizeof(int), (uint16_t)sizeof(double), 0},
    .api_major = FLOE_PLUGIN_API_VERSION_MAJOR,
    .api_minor = FLOE_PLUGIN_API_VERSION_MINOR,
    .type = FLOE_PLUGIN_COMPUTE,
    .name = "corrupt_abi",
    .version = "1.0.0",
    .init = never_init};
