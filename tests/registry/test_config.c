/* US4 — configuration validation (FR-006, FR-007, FR-008, SC-003): JSON and YAML loading,
 * validation reporting every failing field with its path, defaults, unknown fields, secrets
 * kept out of every dump, JSON Schema export, registry configure/get_config. */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#include <floe/config.h>
#include <floe/error.h>
#include <floe/registry.h>

#include "tiny_plugin.h"

static const char *const modes[] = {"append", "overwrite", "upsert", NULL};

static const floe_config_field oauth_fields[] = {
    {.name = "client_id",
     .type = FLOE_CONFIG_STRING,
     .flags = FLOE_CONFIG_REQUIRED,
     .description = "OAuth2 client id"},
    {.name = "client_secret",
     .type = FLOE_CONFIG_STRING,
     .flags = FLOE_CONFIG_REQUIRED | FLOE_CONFIG_SECRET,
     .description = "OAuth2 client secret"},
    {.name = "scope", .type = FLOE_CONFIG_STRING, .default_json = "\"PRINCIPAL_ROLE:ALL\""},
    {0}};

static const floe_config_field catalog_fields[] = {{.name = "uri",
                                                    .type = FLOE_CONFIG_STRING,
                                                    .flags = FLOE_CONFIG_REQUIRED,
                                                    .pattern = "^https?://[^ ]+$",
                                                    .description = "catalog endpoint"},
                                                   {.name = "oauth",
                                                    .type = FLOE_CONFIG_OBJECT,
                                                    .flags = FLOE_CONFIG_REQUIRED,
                                                    .fields = oauth_fields},
                                                   {0}};

static const floe_config_field host_item = {
    .name = "host", .type = FLOE_CONFIG_STRING, .flags = FLOE_CONFIG_HAS_MIN, .minimum = 1};

static const floe_config_field fields[] = {
    {.name = "catalog",
     .type = FLOE_CONFIG_OBJECT,
     .flags = FLOE_CONFIG_REQUIRED,
     .fields = catalog_fields,
     .description = "where tables are registered"},
    {.name = "timeout_s",
     .type = FLOE_CONFIG_INT,
     .flags = FLOE_CONFIG_HAS_MIN | FLOE_CONFIG_HAS_MAX,
     .minimum = 1,
     .maximum = 10,
     .default_json = "5",
     .description = "request timeout"},
    {.name = "ratio",
     .type = FLOE_CONFIG_NUMBER,
     .flags = FLOE_CONFIG_HAS_MAX,
     .maximum = 1.0,
     .default_json = "0.5"},
    {.name = "verbose", .type = FLOE_CONFIG_BOOL, .default_json = "false"},
    {.name = "mode", .type = FLOE_CONFIG_ENUM, .enum_values = modes, .default_json = "\"append\""},
    {.name = "hosts",
     .type = FLOE_CONFIG_ARRAY,
     .items = &host_item,
     .flags = FLOE_CONFIG_HAS_MAX,
     .maximum = 3},
    {0}};

static const floe_config_schema schema = {FLOE_CONFIG_SCHEMA_VERSION, fields,
                                          FLOE_CONFIG_UNKNOWN_REJECT, "test plugin settings"};

static json_t *parse(const char *json)
{
    json_t *j = NULL;
    assert_int_equal(floe_config_parse_json(&j, json, strlen(json), "test.json"), 0);
    return j;
}

static int has_error(const floe_config_errors *e, const char *path, const char *reason_part)
{
    for (size_t i = 0; i < floe_config_errors_count(e); i++)
        if (strcmp(floe_config_errors_path(e, i), path) == 0 &&
            strstr(floe_config_errors_reason(e, i), reason_part))
            return 1;
    return 0;
}

static void test_valid_config_gets_defaults_FR_006(void **state)
{
    (void)state;
    json_t *in = parse("{\"catalog\": {\"uri\": \"https://polaris:8181\", \"oauth\": "
                       "{\"client_id\": \"me\", \"client_secret\": \"s3cr3t-value\"}},"
                       " \"hosts\": [\"a\", \"b\"]}");
    floe_config *cfg = NULL;
    assert_int_equal(floe_config_validate(&cfg, NULL, &schema, in, "demo"), 0);
    json_decref(in);
    int64_t t = 0;
    assert_int_equal(floe_config_get_int(&t, cfg, "timeout_s"), 0);
    assert_int_equal(t, 5);
    double ratio = 0;
    assert_int_equal(floe_config_get_number(&ratio, cfg, "ratio"), 0);
    assert_true(ratio == 0.5);
    int verbose = 1;
    assert_int_equal(floe_config_get_bool(&verbose, cfg, "verbose"), 0);
    assert_int_equal(verbose, 0);
    assert_string_equal(floe_config_get_string(cfg, "mode"), "append");
    assert_string_equal(floe_config_get_string(cfg, "catalog.oauth.scope"), "PRINCIPAL_ROLE:ALL");
    assert_string_equal(floe_config_get_string(cfg, "hosts[1]"), "b");
    assert_string_equal(floe_config_get_string(cfg, "hosts.0"), "a");
    assert_int_equal(floe_config_get_int(&t, cfg, "nope"), FLOE_ENOTFOUND);
    assert_int_equal(floe_config_get_int(&t, cfg, "mode"), FLOE_EINVALID);
    floe_config_free(cfg);
}

static void test_every_failing_field_reported_with_path_FR_007_SC_003(void **state)
{
    (void)state;
    json_t *in = parse("{\"catalog\": {\"uri\": \"ftp://x\", \"oauth\": {\"client_secret\": 7}},"
                       " \"timeout_s\": 99, \"ratio\": \"high\", \"verbose\": \"yes\","
                       " \"mode\": \"merge\", \"hosts\": [\"ok\", \"\", 3, \"d\"],"
                       " \"colour\": \"blue\"}");
    floe_config *cfg = (floe_config *)1;
    floe_config_errors *errs = NULL;
    assert_int_equal(floe_config_validate(&cfg, &errs, &schema, in, "demo"), FLOE_ECONFIG);
    json_decref(in);
    assert_null(cfg);
    assert_non_null(errs);
    assert_true(has_error(errs, "catalog.uri", "pattern"));
    assert_true(has_error(errs, "catalog.oauth.client_id", "required field is missing"));
    assert_true(has_error(errs, "catalog.oauth.client_secret", "must be a string"));
    assert_true(has_error(errs, "timeout_s", "at most 10"));
    assert_true(has_error(errs, "ratio", "must be a number"));
    assert_true(has_error(errs, "verbose", "boolean"));
    assert_true(has_error(errs, "mode", "one of 'append', 'overwrite', 'upsert'"));
    assert_true(has_error(errs, "hosts", "number of items must be at most 3"));
    assert_true(has_error(errs, "colour", "unknown field"));
    assert_int_equal(floe_config_errors_count(errs), 9);
    /* The message names the configuration and every problem. */
    const char *m = floe_error_last();
    assert_non_null(strstr(m, "invalid configuration for demo: 9 problems"));
    assert_non_null(strstr(m, "catalog.oauth.client_id: required field is missing"));
    assert_non_null(strstr(m, "colour: unknown field (expected one of: catalog, timeout_s"));
    floe_config_errors_free(errs);

    /* Array items are checked one by one when the array itself is acceptable. */
    in = parse("{\"catalog\": {\"uri\": \"http://x\", \"oauth\": {\"client_id\": \"a\","
               " \"client_secret\": \"b\"}}, \"hosts\": [\"ok\", \"\", 3]}");
    assert_int_equal(floe_config_validate(NULL, &errs, &schema, in, "demo"), FLOE_ECONFIG);
    json_decref(in);
    assert_true(has_error(errs, "hosts[1]", "length must be at least 1"));
    assert_true(has_error(errs, "hosts[2]", "must be a string, got an integer"));
    assert_int_equal(floe_config_errors_count(errs), 2);
    floe_config_errors_free(errs);

    /* A missing required object is one problem, named by its own path. */
    assert_int_equal(floe_config_validate(NULL, &errs, &schema, NULL, "demo"), FLOE_ECONFIG);
    assert_true(has_error(errs, "catalog", "required field is missing"));
    assert_int_equal(floe_config_errors_count(errs), 1);
    floe_config_errors_free(errs);
}

static void test_unknown_field_policies_FR_007(void **state)
{
    (void)state;
    static const floe_config_field f[] = {{.name = "a", .type = FLOE_CONFIG_INT}, {0}};
    floe_config_schema s = {FLOE_CONFIG_SCHEMA_VERSION, f, FLOE_CONFIG_UNKNOWN_IGNORE, NULL};
    json_t *in = parse("{\"a\": 1, \"b\": 2}");
    floe_config *cfg = NULL;
    assert_int_equal(floe_config_validate(&cfg, NULL, &s, in, "x"), 0);
    assert_null(floe_config_get(cfg, "b"));
    floe_config_free(cfg);
    s.unknown = FLOE_CONFIG_UNKNOWN_KEEP;
    assert_int_equal(floe_config_validate(&cfg, NULL, &s, in, "x"), 0);
    assert_non_null(floe_config_get(cfg, "b"));
    floe_config_free(cfg);
    s.unknown = FLOE_CONFIG_UNKNOWN_REJECT;
    assert_int_equal(floe_config_validate(&cfg, NULL, &s, in, "x"), FLOE_ECONFIG);
    json_decref(in);
    /* No schema: only an empty configuration is acceptable. */
    in = parse("{}");
    assert_int_equal(floe_config_validate(NULL, NULL, NULL, in, "x"), 0);
    json_decref(in);
    in = parse("[1]");
    assert_int_equal(floe_config_validate(NULL, NULL, &s, in, "x"), FLOE_ECONFIG);
    assert_non_null(strstr(floe_error_last(), "must be an object"));
    json_decref(in);
}

static void test_secrets_never_in_dumps_or_messages_FR_008(void **state)
{
    (void)state;
    json_t *in = parse("{\"catalog\": {\"uri\": \"https://p\", \"oauth\": "
                       "{\"client_id\": \"me\", \"client_secret\": \"hunter2-top\"}}}");
    floe_config *cfg = NULL;
    assert_int_equal(floe_config_validate(&cfg, NULL, &schema, in, "demo"), 0);
    char *dump = json_dumps(floe_config_json(cfg), JSON_COMPACT);
    assert_non_null(dump);
    assert_null(strstr(dump, "hunter2-top"));
    assert_non_null(strstr(dump, "\"client_secret\":\"" FLOE_CONFIG_REDACTED "\""));
    free(dump);
    assert_string_equal(floe_config_get_string(cfg, "catalog.oauth.client_secret"),
                        FLOE_CONFIG_REDACTED);
    assert_string_equal(floe_config_get_secret(cfg, "catalog.oauth.client_secret"), "hunter2-top");
    assert_null(floe_config_get_secret(cfg, "catalog.oauth.client_id"));
    /* Held as a floe_secret: its own locked memory, scrubbed from logs, zeroed on free. */
    const floe_secret *sec = floe_config_secret(cfg, "catalog.oauth.client_secret");
    assert_non_null(sec);
    assert_int_equal(floe_secret_len(sec), strlen("hunter2-top"));
    assert_true(floe_secret_equals(sec, "hunter2-top", 11));
    assert_int_equal(floe_config_secret_count(cfg), 1);
    floe_config_free(cfg);
    json_decref(in);
    /* A secret that fails validation is not echoed in the errors. */
    static const floe_config_field f[] = {{.name = "key",
                                           .type = FLOE_CONFIG_STRING,
                                           .flags = FLOE_CONFIG_SECRET,
                                           .pattern = "^AKIA"},
                                          {0}};
    floe_config_schema s = {FLOE_CONFIG_SCHEMA_VERSION, f, FLOE_CONFIG_UNKNOWN_REJECT, NULL};
    in = parse("{\"key\": \"wrong-secret-value\"}");
    assert_int_equal(floe_config_validate(NULL, NULL, &s, in, "x"), FLOE_ECONFIG);
    assert_null(strstr(floe_error_last(), "wrong-secret-value"));
    json_decref(in);
}

static const json_t *prop(const json_t *schema_json, const char *name)
{
    return json_object_get(json_object_get(schema_json, "properties"), name);
}

static void test_json_schema_export_field_by_field_FR_006(void **state)
{
    (void)state;
    json_t *js = NULL;
    assert_int_equal(floe_config_schema_to_json_schema(&js, &schema, "demo"), 0);
    assert_string_equal(json_string_value(json_object_get(js, "$schema")),
                        "https://json-schema.org/draft/2020-12/schema");
    assert_string_equal(json_string_value(json_object_get(js, "title")), "demo");
    assert_string_equal(json_string_value(json_object_get(js, "description")),
                        "test plugin settings");
    assert_string_equal(json_string_value(json_object_get(js, "type")), "object");
    assert_true(json_is_false(json_object_get(js, "additionalProperties")));
    const json_t *req = json_object_get(js, "required");
    assert_int_equal(json_array_size(req), 1);
    assert_string_equal(json_string_value(json_array_get(req, 0)), "catalog");

    const json_t *t = prop(js, "timeout_s");
    assert_string_equal(json_string_value(json_object_get(t, "type")), "integer");
    assert_int_equal(json_integer_value(json_object_get(t, "minimum")), 1);
    assert_int_equal(json_integer_value(json_object_get(t, "maximum")), 10);
    assert_int_equal(json_integer_value(json_object_get(t, "default")), 5);
    assert_string_equal(json_string_value(json_object_get(t, "description")), "request timeout");

    const json_t *ratio = prop(js, "ratio");
    assert_string_equal(json_string_value(json_object_get(ratio, "type")), "number");
    assert_true(json_real_value(json_object_get(ratio, "maximum")) == 1.0);
    assert_null(json_object_get(ratio, "minimum"));

    assert_string_equal(json_string_value(json_object_get(prop(js, "verbose"), "type")), "boolean");
    const json_t *mode = prop(js, "mode");
    assert_int_equal(json_array_size(json_object_get(mode, "enum")), 3);
    assert_string_equal(json_string_value(json_array_get(json_object_get(mode, "enum"), 2)),
                        "upsert");
    assert_string_equal(json_string_value(json_object_get(mode, "default")), "append");

    const json_t *hosts = prop(js, "hosts");
    assert_string_equal(json_string_value(json_object_get(hosts, "type")), "array");
    assert_int_equal(json_integer_value(json_object_get(hosts, "maxItems")), 3);
    const json_t *items = json_object_get(hosts, "items");
    assert_string_equal(json_string_value(json_object_get(items, "type")), "string");
    assert_int_equal(json_integer_value(json_object_get(items, "minLength")), 1);

    const json_t *cat = prop(js, "catalog");
    assert_string_equal(json_string_value(json_object_get(cat, "type")), "object");
    assert_string_equal(json_string_value(json_object_get(prop(cat, "uri"), "pattern")),
                        "^https?://[^ ]+$");
    const json_t *oauth = prop(cat, "oauth");
    const json_t *oreq = json_object_get(oauth, "required");
    assert_int_equal(json_array_size(oreq), 2);
    const json_t *secret = prop(oauth, "client_secret");
    assert_true(json_is_true(json_object_get(secret, "writeOnly")));
    assert_null(json_object_get(prop(oauth, "client_id"), "writeOnly"));
    assert_string_equal(json_string_value(json_object_get(prop(oauth, "scope"), "default")),
                        "PRINCIPAL_ROLE:ALL");
    json_decref(js);

    /* A malformed schema is refused, not exported. */
    static const floe_config_field badf[] = {
        {.name = "x", .type = FLOE_CONFIG_STRING, .pattern = "(unclosed"}, {0}};
    floe_config_schema bad = {FLOE_CONFIG_SCHEMA_VERSION, badf, FLOE_CONFIG_UNKNOWN_REJECT, NULL};
    assert_int_equal(floe_config_schema_to_json_schema(&js, &bad, "bad"), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "invalid pattern"));
}

static void test_yaml_and_json_loading_FR_006(void **state)
{
    (void)state;
    const char *yaml = "# a comment\n"
                       "catalog:\n"
                       "  uri: \"https://polaris\"\n"
                       "  oauth: {client_id: me, client_secret: 'x'}\n"
                       "timeout_s: 7\n"
                       "ratio: 2.5e-1\n"
                       "verbose: true\n"
                       "mode: upsert\n"
                       "hosts:\n"
                       "  - a\n"
                       "  - '42'\n"
                       "nothing: ~\n"
                       "empty:\n"
                       "quoted_int: \"12\"\n"
                       "negative: -3\n";
    json_t *j = NULL;
    assert_int_equal(floe_config_parse_yaml(&j, yaml, strlen(yaml), "c.yaml"), 0);
    assert_true(json_is_integer(json_object_get(j, "timeout_s")));
    assert_int_equal(json_integer_value(json_object_get(j, "timeout_s")), 7);
    assert_true(json_is_real(json_object_get(j, "ratio")));
    assert_true(json_real_value(json_object_get(j, "ratio")) == 0.25);
    assert_true(json_is_true(json_object_get(j, "verbose")));
    assert_true(json_is_null(json_object_get(j, "nothing")));
    assert_true(json_is_null(json_object_get(j, "empty")));
    assert_true(json_is_string(json_object_get(j, "quoted_int")));
    assert_int_equal(json_integer_value(json_object_get(j, "negative")), -3);
    const json_t *hosts = json_object_get(j, "hosts");
    assert_true(json_is_string(json_array_get(hosts, 1))); /* quoted: stays a string */
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_object_get(j, "catalog"), "oauth"), "client_id")),
                        "me");
    json_decref(j);

    /* The same configuration from a YAML file and a JSON file validates the same way. */
    const char *dir = floe_test_tmpdir("registry_config_files");
    char ypath[4200], jpath[4200];
    snprintf(ypath, sizeof ypath, "%s/plugin.yml", dir);
    snprintf(jpath, sizeof jpath, "%s/plugin.conf", dir);
    const char *y = "catalog:\n  uri: http://h\n  oauth:\n    client_id: a\n    client_secret: b\n";
    const char *js = "  {\"catalog\": {\"uri\": \"http://h\", \"oauth\": {\"client_id\": \"a\","
                     " \"client_secret\": \"b\"}}}";
    assert_int_equal(floe_test_write_file(ypath, y, strlen(y)), 0);
    assert_int_equal(floe_test_write_file(jpath, js, strlen(js)), 0);
    json_t *a = NULL, *b = NULL;
    assert_int_equal(floe_config_load_file(&a, ypath), 0);
    assert_int_equal(floe_config_load_file(&b, jpath), 0);
    assert_true(json_equal(a, b));
    floe_config *cfg = NULL;
    assert_int_equal(floe_config_validate(&cfg, NULL, &schema, a, ypath), 0);
    floe_config_free(cfg);
    json_decref(a);
    json_decref(b);
    assert_int_equal(floe_config_load_file(&a, "/nonexistent/floe.yaml"), FLOE_ENOTFOUND);
}

static void test_yaml_and_json_errors_give_position_FR_007(void **state)
{
    (void)state;
    json_t *j = NULL;
    const char *bad = "a: 1\nb:\n  - x\n  y: 2\n";
    assert_int_equal(floe_config_parse_yaml(&j, bad, strlen(bad), "bad.yaml"), FLOE_ECONFIG);
    assert_null(j);
    assert_non_null(strstr(floe_error_last(), "bad.yaml: invalid YAML at line 4, column 3"));

    const char *dup = "a: 1\nb: 2\na: 3\n";
    assert_int_equal(floe_config_parse_yaml(&j, dup, strlen(dup), "dup.yaml"), FLOE_ECONFIG);
    assert_non_null(strstr(floe_error_last(), "line 3, column 1: duplicate key 'a'"));

    const char *alias = "a: &x 1\nb: *x\n";
    assert_int_equal(floe_config_parse_yaml(&j, alias, strlen(alias), "al.yaml"), FLOE_ECONFIG);
    assert_non_null(strstr(floe_error_last(), "line 1"));

    const char *two = "a: 1\n---\nb: 2\n";
    assert_int_equal(floe_config_parse_yaml(&j, two, strlen(two), "two.yaml"), FLOE_ECONFIG);
    assert_non_null(strstr(floe_error_last(), "only one document"));

    const char *big = "n: 99999999999999999999999\n";
    assert_int_equal(floe_config_parse_yaml(&j, big, strlen(big), "big.yaml"), FLOE_ECONFIG);
    assert_non_null(strstr(floe_error_last(), "out of range"));

    const char *badjson = "{\n  \"a\": 1,\n  \"b\": }\n";
    assert_int_equal(floe_config_parse_json(&j, badjson, strlen(badjson), "bad.json"),
                     FLOE_ECONFIG);
    assert_non_null(strstr(floe_error_last(), "bad.json: invalid JSON at line 3"));

    /* Deep nesting is bounded. */
    char deep[400];
    size_t k = 0;
    for (int i = 0; i < 100; i++)
        deep[k++] = '[';
    for (int i = 0; i < 100; i++)
        deep[k++] = ']';
    assert_int_equal(floe_config_parse_yaml(&j, deep, k, "deep.yaml"), FLOE_ECONFIG);
    assert_non_null(strstr(floe_error_last(), "nesting"));
}

static const floe_config_field plugin_fields[] = {
    {.name = "endpoint", .type = FLOE_CONFIG_STRING, .flags = FLOE_CONFIG_REQUIRED},
    {.name = "password", .type = FLOE_CONFIG_STRING, .flags = FLOE_CONFIG_SECRET},
    {.name = "retries", .type = FLOE_CONFIG_INT, .default_json = "3"},
    {0}};
static const floe_config_schema plugin_schema = {FLOE_CONFIG_SCHEMA_VERSION, plugin_fields,
                                                 FLOE_CONFIG_UNKNOWN_REJECT, NULL};
static int seen_retries = -1;
static char seen_password[64];

static int configured_init(void **out, const floe_config *config, const floe_plugin_context *ctx)
{
    (void)ctx;
    int64_t r = 0;
    if (floe_config_get_int(&r, config, "retries") != 0)
        return FLOE_ECONFIG;
    seen_retries = (int)r;
    const char *pw = floe_config_get_secret(config, "password");
    snprintf(seen_password, sizeof seen_password, "%s", pw ? pw : "");
    return tiny_init_named(out, "configured");
}

static FLOE_PLUGIN_DESCRIPTOR(configured, .type = FLOE_PLUGIN_COMPUTE, .name = "configured",
                              .version = "1.0.0", .config_schema = &plugin_schema,
                              .init = configured_init);

static void test_registry_configure_and_get_config_FR_006_FR_008(void **state)
{
    (void)state;
    floe_registry *r = NULL;
    assert_int_equal(floe_registry_new(&r, NULL), 0);
    assert_int_equal(floe_registry_register(r, &configured, NULL), 0);
    /* Unconfigured, with a required field and no default: cannot be created. */
    void *inst = NULL;
    assert_int_equal(floe_registry_get(&inst, r, FLOE_PLUGIN_COMPUTE, "configured"), FLOE_ECONFIG);
    assert_non_null(strstr(floe_error_last(), "endpoint: required field is missing"));

    json_t *bad = parse("{\"retries\": \"many\", \"extra\": 1}");
    floe_config_errors *errs = NULL;
    assert_int_equal(floe_registry_configure(r, FLOE_PLUGIN_COMPUTE, "configured", bad, &errs),
                     FLOE_ECONFIG);
    assert_int_equal(floe_config_errors_count(errs), 3);
    assert_non_null(strstr(floe_error_last(), "compute plugin 'configured'"));
    floe_config_errors_free(errs);
    json_decref(bad);
    const floe_config *stored = (const floe_config *)1;
    assert_int_equal(floe_registry_get_config(&stored, r, FLOE_PLUGIN_COMPUTE, "configured"), 0);
    assert_null(stored); /* a failed configure stores nothing */

    json_t *good = parse("{\"endpoint\": \"e\", \"password\": \"pa55word-xyz\"}");
    assert_int_equal(floe_registry_configure(r, FLOE_PLUGIN_COMPUTE, "configured", good, NULL), 0);
    json_decref(good);
    assert_int_equal(floe_registry_get_config(&stored, r, FLOE_PLUGIN_COMPUTE, "configured"), 0);
    assert_non_null(stored);
    char *dump = json_dumps(floe_config_json(stored), JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(dump, "{\"endpoint\":\"e\",\"password\":\"" FLOE_CONFIG_REDACTED
                              "\",\"retries\":3}");
    free(dump);
    /* The plugin itself receives the validated values, defaults and the secret's plaintext. */
    assert_int_equal(floe_registry_get(&inst, r, FLOE_PLUGIN_COMPUTE, "configured"), 0);
    assert_int_equal(seen_retries, 3);
    assert_string_equal(seen_password, "pa55word-xyz");
    /* Once in use, the configuration cannot change under it. */
    json_t *again = parse("{\"endpoint\": \"f\"}");
    assert_int_equal(floe_registry_configure(r, FLOE_PLUGIN_COMPUTE, "configured", again, NULL),
                     FLOE_EINVALID);
    json_decref(again);
    assert_int_equal(floe_registry_configure(r, FLOE_PLUGIN_COMPUTE, "nope", NULL, NULL),
                     FLOE_ENOTFOUND);
    floe_registry_free(r);
}

static void test_configure_all_from_document_FR_006(void **state)
{
    (void)state;
    floe_registry *r = NULL;
    assert_int_equal(floe_registry_new(&r, NULL), 0);
    assert_int_equal(floe_registry_register(r, &configured, NULL), 0);
    assert_int_equal(floe_registry_register_builtins(r), 0);
    const char *yaml = "compute:\n  configured:\n    endpoint: x\n"
                       "storage:\n  local:\n    root: /tmp/wh\n";
    json_t *doc = NULL;
    assert_int_equal(floe_config_parse_yaml(&doc, yaml, strlen(yaml), "all.yaml"), 0);
    assert_int_equal(floe_registry_configure_all(r, doc), 0);
    json_decref(doc);
    const floe_config *c = NULL;
    assert_int_equal(floe_registry_get_config(&c, r, FLOE_PLUGIN_STORAGE, "local"), 0);
    assert_string_equal(floe_config_get_string(c, "root"), "/tmp/wh");
    const char *bad = "storage:\n  local:\n    rot: /tmp\nwidgets: {}\n";
    assert_int_equal(floe_config_parse_yaml(&doc, bad, strlen(bad), "bad.yaml"), 0);
    assert_int_equal(floe_registry_configure_all(r, doc), FLOE_ECONFIG);
    assert_non_null(strstr(floe_error_last(), "rot: unknown field"));
    assert_non_null(strstr(floe_error_last(), "unknown plugin type 'widgets'"));
    json_decref(doc);
    floe_registry_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_config_gets_defaults_FR_006),
        cmocka_unit_test(test_every_failing_field_reported_with_path_FR_007_SC_003),
        cmocka_unit_test(test_unknown_field_policies_FR_007),
        cmocka_unit_test(test_secrets_never_in_dumps_or_messages_FR_008),
        cmocka_unit_test(test_json_schema_export_field_by_field_FR_006),
        cmocka_unit_test(test_yaml_and_json_loading_FR_006),
        cmocka_unit_test(test_yaml_and_json_errors_give_position_FR_007),
        cmocka_unit_test(test_registry_configure_and_get_config_FR_006_FR_008),
        cmocka_unit_test(test_configure_all_from_document_FR_006),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
