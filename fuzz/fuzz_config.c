/* libFuzzer target: configuration files are untrusted text (floe.yaml, plugin configs).
 * Parses the bytes as YAML and as JSON, then validates whatever parsed against a schema that
 * exercises every field type, bound, pattern, enum, nesting and secret handling. */
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <floe/config.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const modes[] = {"fast", "safe", NULL};

static const floe_config_field item_fields[] = {
    {.name = "key", .type = FLOE_CONFIG_STRING, .flags = FLOE_CONFIG_REQUIRED},
    {.name = "weight", .type = FLOE_CONFIG_NUMBER, .flags = FLOE_CONFIG_HAS_MIN, .minimum = 0},
    {.name = NULL},
};
static const floe_config_field item = {.type = FLOE_CONFIG_OBJECT, .fields = item_fields};

static const floe_config_field oauth_fields[] = {
    {.name = "client_id", .type = FLOE_CONFIG_STRING, .flags = FLOE_CONFIG_REQUIRED},
    {.name = "client_secret", .type = FLOE_CONFIG_STRING, .flags = FLOE_CONFIG_SECRET},
    {.name = NULL},
};

static const floe_config_field fields[] = {
    {.name = "uri", .type = FLOE_CONFIG_STRING, .pattern = "^[a-z]+://.*$"},
    {.name = "timeout",
     .type = FLOE_CONFIG_INT,
     .flags = FLOE_CONFIG_HAS_MIN | FLOE_CONFIG_HAS_MAX,
     .minimum = 1,
     .maximum = 10000,
     .default_json = "5000"},
    {.name = "enabled", .type = FLOE_CONFIG_BOOL, .default_json = "true"},
    {.name = "mode", .type = FLOE_CONFIG_ENUM, .enum_values = modes},
    {.name = "oauth", .type = FLOE_CONFIG_OBJECT, .fields = oauth_fields},
    {.name = "items", .type = FLOE_CONFIG_ARRAY, .items = &item},
    {.name = NULL},
};

static const floe_config_schema schema = {
    .version = FLOE_CONFIG_SCHEMA_VERSION,
    .fields = fields,
};

static void validate(const json_t *doc)
{
    floe_config *cfg = NULL;
    floe_config_errors *errs = NULL;
    if (floe_config_validate(&cfg, &errs, &schema, doc, "fuzz") == 0) {
        (void)floe_config_get_string(cfg, "uri");
        (void)floe_config_get_secret(cfg, "oauth.client_secret");
    }
    floe_config_free(cfg);
    floe_config_errors_free(errs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *doc = NULL;
    if (floe_config_parse_yaml(&doc, (const char *)data, size, "fuzz.yaml") == 0) {
        validate(doc);
        json_decref(doc);
    }
    doc = NULL;
    if (floe_config_parse_json(&doc, (const char *)data, size, "fuzz.json") == 0) {
        validate(doc);
        json_decref(doc);
    }
    return 0;
}
