/* The `floe plugins` command (US1 FR-001/SC-001 and US6 FR-014 from the command line): list
 * shows all eleven types, built-ins and a plugin dropped into a FLOE_PLUGIN_PATH directory,
 * and refused files; info shows the config JSON Schema and never a secret; health exits 6
 * when a plugin is unhealthy. */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "registry_test_util.h"

static const char *bin(void)
{
    const char *b = floe_test_floe_bin();
    if (!b)
        fail_msg("FLOE_BIN is not set: run through ctest after building floe_cli");
    return b;
}

/* A plugin directory holding copies of a good and a corrupt plugin. */
static const char *drop_dir(void)
{
    static char dir[4096];
    if (dir[0])
        return dir;
    char good[4096], bad[4096], cmd[13000];
    const char *d = floe_test_tmpdir("registry_cli_plugins");
    assert_non_null(d);
    snprintf(dir, sizeof dir, "%s", d);
    snprintf(cmd, sizeof cmd, "cp '%s/good_catalog.so' '%s/corrupt_abi.so' '%s/'",
             test_plugin_dir("good", good, sizeof good), test_plugin_dir("bad", bad, sizeof bad),
             dir);
    assert_int_equal(floe_test_run(cmd, 1, NULL), 0);
    return dir;
}

static int run(const char *args, char **out)
{
    char cmd[16384];
    snprintf(cmd, sizeof cmd, "FLOE_LOG_LEVEL=off FLOE_PLUGIN_PATH='%s' '%s' plugins %s",
             drop_dir(), bin(), args);
    return floe_test_run(cmd, 0, out);
}

static void test_list_json_shows_all_types_and_dropped_plugin_FR_001_SC_001(void **state)
{
    (void)state;
    char *out = NULL;
    assert_int_equal(run("list --json", &out), 0);
    json_error_t err;
    json_t *j = json_loads(out, 0, &err);
    if (!j)
        fail_msg("not JSON (%s): %s", err.text, out);
    free(out);
    const json_t *types = json_object_get(j, "types");
    assert_int_equal(json_object_size(types), 11);
    static const char *const names[] = {"compute",   "orchestrator", "catalog", "storage",
                                        "telemetry", "lineage",      "dbt",     "semantic",
                                        "ingestion", "secrets",      "identity"};
    for (size_t i = 0; i < 11; i++)
        assert_true(json_is_array(json_object_get(types, names[i])));
    const json_t *storage = json_array_get(json_object_get(types, "storage"), 0);
    assert_string_equal(json_string_value(json_object_get(storage, "name")), "local");
    assert_string_equal(json_string_value(json_object_get(storage, "origin")), "built-in");
    const json_t *cat = json_array_get(json_object_get(types, "catalog"), 0);
    assert_non_null(cat);
    assert_string_equal(json_string_value(json_object_get(cat, "name")), "good_catalog");
    assert_string_equal(json_string_value(json_object_get(cat, "version")), "1.2.3");
    assert_string_equal(json_string_value(json_object_get(cat, "api_version")), "1.0");
    char expect[4200];
    snprintf(expect, sizeof expect, "%s/good_catalog.so", drop_dir());
    assert_string_equal(json_string_value(json_object_get(cat, "origin")), expect);
    const json_t *refused = json_object_get(j, "refused");
    assert_int_equal(json_array_size(refused), 1);
    const json_t *r0 = json_array_get(refused, 0);
    assert_non_null(strstr(json_string_value(json_object_get(r0, "path")), "corrupt_abi.so"));
    assert_non_null(strstr(json_string_value(json_object_get(r0, "reason")), "sizeof_long"));
    assert_string_equal(json_string_value(json_object_get(r0, "code")), "FLOE_EPLUGIN");
    json_decref(j);

    /* The text form shows the same, and --plugin-path works without the environment. */
    char cmd[16384];
    snprintf(cmd, sizeof cmd,
             "FLOE_LOG_LEVEL=off FLOE_PLUGIN_PATH= '%s' plugins list "
             "--plugin-path '%s'",
             bin(), drop_dir());
    assert_int_equal(floe_test_run(cmd, 0, &out), 0);
    assert_non_null(strstr(out, "identity:"));
    assert_non_null(strstr(out, "good_catalog"));
    assert_non_null(strstr(out, "refused:"));
    assert_non_null(strstr(out, "corrupt_abi.so"));
    free(out);
}

static void test_info_shows_schema_and_never_secrets_FR_008(void **state)
{
    (void)state;
    char cfg[4200], args[9000];
    snprintf(cfg, sizeof cfg, "%s/plugins.yaml", drop_dir());
    const char *yaml = "catalog:\n  good_catalog:\n    token: tok-5ecret-9876\n";
    assert_int_equal(floe_test_write_file(cfg, yaml, strlen(yaml)), 0);
    char *out = NULL;
    snprintf(args, sizeof args, "info good_catalog --json --config '%s'", cfg);
    assert_int_equal(run(args, &out), 0);
    assert_null(strstr(out, "tok-5ecret-9876"));
    json_t *j = json_loads(out, 0, NULL);
    assert_non_null(j);
    free(out);
    const json_t *schema = json_object_get(j, "config_schema");
    assert_string_equal(json_string_value(json_object_get(schema, "$schema")),
                        "https://json-schema.org/draft/2020-12/schema");
    const json_t *token = json_object_get(json_object_get(schema, "properties"), "token");
    assert_true(json_is_true(json_object_get(token, "writeOnly")));
    const json_t *config = json_object_get(j, "config");
    assert_string_equal(json_string_value(json_object_get(config, "token")), "**********");
    assert_string_equal(json_string_value(json_object_get(config, "uri")), "http://localhost:8181");
    json_decref(j);
    snprintf(args, sizeof args, "info good_catalog --type catalog --config '%s'", cfg);
    assert_int_equal(run(args, &out), 0);
    assert_null(strstr(out, "tok-5ecret-9876"));
    assert_non_null(strstr(out, "version:      1.2.3"));
    assert_non_null(strstr(out, "\"writeOnly\": true"));
    free(out);
    /* Invalid configuration: exit 5 and the failing path, not the value. */
    const char *bad =
        "catalog:\n  good_catalog:\n    uri: ftp://nope\n    token: tok-5ecret-9876\n";
    assert_int_equal(floe_test_write_file(cfg, bad, strlen(bad)), 0);
    char cmd[16384];
    snprintf(cmd, sizeof cmd, "FLOE_PLUGIN_PATH='%s' '%s' plugins info good_catalog --config '%s'",
             drop_dir(), bin(), cfg);
    assert_int_equal(floe_test_run(cmd, 1, &out), 5);
    assert_non_null(strstr(out, "uri: does not match the pattern"));
    assert_null(strstr(out, "tok-5ecret-9876"));
    free(out);
    assert_int_equal(run("info no_such_plugin", NULL), 3);
}

static void test_health_exit_code_FR_014_SC_007(void **state)
{
    (void)state;
    char cfg[4200], args[9000], yaml[4400];
    const char *wh = floe_test_tmpdir("registry_cli_wh");
    snprintf(cfg, sizeof cfg, "%s/health.json", drop_dir());
    snprintf(yaml, sizeof yaml,
             "{\"storage\": {\"local\": {\"root\": \"%s\"}},"
             " \"catalog\": {\"sql\": {\"path\": \"%s/catalog.db\"}}}",
             wh, wh);
    assert_int_equal(floe_test_write_file(cfg, yaml, strlen(yaml)), 0);
    char *out = NULL;
    snprintf(args, sizeof args, "health --json --config '%s'", cfg);
    assert_int_equal(run(args, &out), 0);
    json_t *j = json_loads(out, 0, NULL);
    assert_non_null(j);
    free(out);
    assert_true(json_is_true(json_object_get(j, "healthy")));
    const json_t *plugins = json_object_get(j, "plugins");
    /* the built-in local storage and sql catalog, and the dropped good_catalog */
    assert_int_equal(json_array_size(plugins), 3);
    size_t i;
    const json_t *p;
    json_array_foreach(plugins, i, p)
    {
        const char *name = json_string_value(json_object_get(p, "name"));
        const char *st = json_string_value(json_object_get(p, "state"));
        if (strcmp(name, "local") == 0 || strcmp(name, "sql") == 0)
            assert_string_equal(st, "healthy");
        else
            assert_string_equal(st, "degraded"); /* good_catalog: created, not started */
        assert_true(json_integer_value(json_object_get(p, "checked_at")) > 0);
    }
    json_decref(j);
    /* A root below a regular file can be neither found nor created (even by root). */
    char blocker[4200];
    snprintf(blocker, sizeof blocker, "%s/blocker", wh);
    assert_int_equal(floe_test_write_file(blocker, "x", 1), 0);
    snprintf(yaml, sizeof yaml,
             "{\"storage\": {\"local\": {\"root\": \"%s/wh\"}},"
             " \"catalog\": {\"sql\": {\"path\": \"%s/catalog.db\"}}}",
             blocker, wh);
    assert_int_equal(floe_test_write_file(cfg, yaml, strlen(yaml)), 0);
    snprintf(args, sizeof args, "health --config '%s'", cfg);
    assert_int_equal(run(args, &out), 6);
    assert_non_null(strstr(out, "unhealthy"));
    assert_non_null(strstr(out, "blocker/wh"));
    free(out);
}

static void test_help_and_usage_errors(void **state)
{
    (void)state;
    char *out = NULL;
    assert_int_equal(run("--help", &out), 0);
    assert_non_null(strstr(out, "usage: floe plugins"));
    free(out);
    const char *cmds[] = {"list --help", "info --help", "health --help"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(run(cmds[i], &out), 0);
        assert_non_null(strstr(out, "usage: floe plugins"));
        free(out);
    }
    assert_int_equal(run("list --bogus", NULL), 2);
    assert_int_equal(run("frobnicate", NULL), 2);
    assert_int_equal(run("info", NULL), 2);
    assert_int_equal(run("list --plugin-path", NULL), 2);
    assert_int_equal(run("info local --type nosuchtype", NULL), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_json_shows_all_types_and_dropped_plugin_FR_001_SC_001),
        cmocka_unit_test(test_info_shows_schema_and_never_secrets_FR_008),
        cmocka_unit_test(test_health_exit_code_FR_014_SC_007),
        cmocka_unit_test(test_help_and_usage_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
