/* Semi-private helpers of the registry's configuration code. */
#ifndef FLOE_REGISTRY_CONFIG_INTERNAL_H
#define FLOE_REGISTRY_CONFIG_INTERNAL_H

#include <floe/config.h>

/* As floe_config_validate(), reporting paths under `prefix` ("" or NULL for none). */
int floe_config__validate_at(floe_config **out, floe_config_errors **errors,
                             const floe_config_schema *schema, const json_t *input,
                             const char *label, const char *prefix);

/* Checks a schema's own consistency (types, defaults, patterns, enums); FLOE_EINVALID. */
int floe_config__check_schema(const floe_config_schema *schema, const char *label);

#endif
