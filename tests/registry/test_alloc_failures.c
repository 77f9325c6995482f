/* Allocation-failure loops (CONVENTIONS §18): every allocation of configuration validation,
 * YAML loading and the registry's main paths is made to fail in turn; each run must fail
 * cleanly with FLOE_ENOMEM (or succeed), never crash or leak (ASan/LSan builds check). */
#include "test_support.h"

#include <string.h>

#include <floe/config.h>
#include <floe/error.h>
#include <floe/log.h>
#include <floe/registry.h>

#include "base/alloc.h"
#include "tiny_plugin.h"

static const floe_config_field inner[] = {
    {.name = "id", .type = FLOE_CONFIG_STRING, .flags = FLOE_CONFIG_REQUIRED},
    {.name = "secret", .type = FLOE_CONFIG_STRING, .flags = FLOE_CONFIG_SECRET},
    {.name = "scope", .type = FLOE_CONFIG_STRING, .default_json = "\"all\""},
    {0}};
static const floe_config_field item = {.name = "i", .type = FLOE_CONFIG_INT};
static const floe_config_field fields[] = {
    {.name = "auth", .type = FLOE_CONFIG_OBJECT, .fields = inner},
    {.name = "n", .type = FLOE_CONFIG_INT, .default_json = "3"},
    {.name = "list", .type = FLOE_CONFIG_ARRAY, .items = &item},
    {0}};
static const floe_config_schema schema = {FLOE_CONFIG_SCHEMA_VERSION, fields,
                                          FLOE_CONFIG_UNKNOWN_REJECT, NULL};

/* Runs `op` with the Nth allocation failing, for every N until a run needs fewer. */
#define ALLOC_LOOP(ok_code, op)                                                                    \
    do {                                                                                           \
        for (long n = 1; n < 100000; n++) {                                                        \
            floe_alloc_fail_after(n);                                                              \
            int rc_ = (op);                                                                        \
            long used_ = floe_alloc_count();                                                       \
            floe_alloc_fail_after(0);                                                              \
            if (used_ < n) {                                                                       \
                assert_int_equal(rc_, (ok_code));                                                  \
                break;                                                                             \
            }                                                                                      \
            if (rc_ != (ok_code) && rc_ != FLOE_ENOMEM)                                            \
                fail_msg("allocation %ld failing gave %s: %s", n, floe_error_name(rc_),            \
                         floe_error_last());                                                       \
        }                                                                                          \
    } while (0)

static int validate_once(const json_t *in)
{
    floe_config *cfg = NULL;
    floe_config_errors *errs = NULL;
    int rc = floe_config_validate(&cfg, &errs, &schema, in, "alloc");
    floe_config_free(cfg);
    floe_config_errors_free(errs);
    return rc;
}

static void test_config_validation_survives_allocation_failures(void **state)
{
    (void)state;
    json_t *good =
        json_loads("{\"auth\": {\"id\": \"a\", \"secret\": \"s\"}, \"list\": [1, 2]}", 0, NULL);
    json_t *bad =
        json_loads("{\"auth\": {\"secret\": 1}, \"list\": [1, \"x\"], \"zz\": 0}", 0, NULL);
    ALLOC_LOOP(0, validate_once(good));
    ALLOC_LOOP(FLOE_ECONFIG, validate_once(bad));
    json_decref(good);
    json_decref(bad);
}

static int yaml_once(void)
{
    const char *y = "a:\n  b: [1, 2, {c: d}]\n  e: f\n";
    json_t *j = NULL;
    int rc = floe_config_parse_yaml(&j, y, strlen(y), "alloc.yaml");
    json_decref(j);
    return rc;
}

static void test_yaml_loading_survives_allocation_failures(void **state)
{
    (void)state;
    ALLOC_LOOP(0, yaml_once());
}

static const floe_plugin_dependency on_base[] = {{"base", FLOE_PLUGIN_COMPUTE}, {NULL, 0}};
TINY_PLUGIN(base, NULL);
TINY_PLUGIN(top, on_base);

static int registry_once(void)
{
    floe_registry *r = NULL;
    int rc = floe_registry_new(&r, NULL);
    if (rc)
        return rc;
    if (!rc)
        rc = floe_registry_register(r, &desc_top, NULL);
    if (!rc)
        rc = floe_registry_register(r, &desc_base, NULL);
    if (!rc)
        rc = floe_registry_register_builtins(r);
    floe_plugin_info *list = NULL;
    size_t n = 0;
    if (!rc)
        rc = floe_registry_list_all(&list, &n, r);
    floe_plugin_info_free(list);
    floe_plugin_ref *refs = NULL;
    if (!rc)
        rc = floe_registry_resolve_order(&refs, &n, r);
    floe_plugin_refs_free(refs);
    floe_hook_result *res = NULL;
    if (!rc)
        rc = floe_registry_activate_all(&res, &n, r);
    floe_hook_results_free(res);
    res = NULL;
    floe_plugin_health *h = NULL;
    if (!rc)
        rc = floe_registry_health_check_all(&h, &n, r);
    floe_plugin_health_free(h);
    int src = floe_registry_shutdown_all(&res, &n, r);
    floe_hook_results_free(res);
    floe_registry_free(r);
    return rc ? rc : src;
}

static void test_registry_paths_survive_allocation_failures(void **state)
{
    (void)state;
    floe_log_set_level(FLOE_LOG_OFF);
    ALLOC_LOOP(0, registry_once());
    floe_log_set_level(FLOE_LOG_WARN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_validation_survives_allocation_failures),
        cmocka_unit_test(test_yaml_loading_survives_allocation_failures),
        cmocka_unit_test(test_registry_paths_survive_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
