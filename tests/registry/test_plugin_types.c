/* Phase 10 — the eleven plugin types: each is a versioned vtable (version first, state and
 * a mandatory free last), registrable through the same descriptor and created and freed by
 * the registry; the type enumeration and names are stable. */
#include "test_support.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>
#include <floe/plugins/catalog.h>
#include <floe/plugins/compute.h>
#include <floe/plugins/dbt.h>
#include <floe/plugins/identity.h>
#include <floe/plugins/ingestion.h>
#include <floe/plugins/lineage.h>
#include <floe/plugins/orchestrator.h>
#include <floe/plugins/secrets.h>
#include <floe/plugins/semantic.h>
#include <floe/plugins/storage.h>
#include <floe/plugins/telemetry.h>
#include <floe/registry.h>

static int frees[FLOE_PLUGIN_TYPE_COUNT];

/* For each type: a free that counts, an init that builds the vtable, a descriptor. */
#define TYPE_PLUGIN(T, ENUM, VERSION)                                                              \
    static void free_##T(floe_##T##_plugin *self)                                                  \
    {                                                                                              \
        frees[ENUM]++;                                                                             \
        free(self);                                                                                \
    }                                                                                              \
    static int init_##T(void **out, const floe_config *c, const floe_plugin_context *ctx)          \
    {                                                                                              \
        (void)c;                                                                                   \
        (void)ctx;                                                                                 \
        floe_##T##_plugin *p = calloc(1, sizeof *p);                                               \
        if (!p)                                                                                    \
            return FLOE_ENOMEM;                                                                    \
        p->version = VERSION;                                                                      \
        p->free = free_##T;                                                                        \
        *out = p;                                                                                  \
        return 0;                                                                                  \
    }                                                                                              \
    static FLOE_PLUGIN_DESCRIPTOR(desc_##T, .type = ENUM, .name = "contract_" #T,                  \
                                  .version = "1.0.0", .init = init_##T);                           \
    _Static_assert(offsetof(floe_##T##_plugin, version) == 0, #T ": version first");               \
    _Static_assert(offsetof(floe_##T##_plugin, free) + sizeof(void (*)(void)) ==                   \
                       sizeof(floe_##T##_plugin),                                                  \
                   #T ": free last");                                                              \
    _Static_assert(offsetof(floe_##T##_plugin, state) + sizeof(void *) ==                          \
                       offsetof(floe_##T##_plugin, free),                                          \
                   #T ": state before free")

TYPE_PLUGIN(compute, FLOE_PLUGIN_COMPUTE, FLOE_COMPUTE_PLUGIN_VERSION);
TYPE_PLUGIN(orchestrator, FLOE_PLUGIN_ORCHESTRATOR, FLOE_ORCHESTRATOR_PLUGIN_VERSION);
TYPE_PLUGIN(catalog, FLOE_PLUGIN_CATALOG, FLOE_CATALOG_PLUGIN_VERSION);
TYPE_PLUGIN(storage, FLOE_PLUGIN_STORAGE, FLOE_STORAGE_PLUGIN_VERSION);
TYPE_PLUGIN(telemetry, FLOE_PLUGIN_TELEMETRY, FLOE_TELEMETRY_PLUGIN_VERSION);
TYPE_PLUGIN(lineage, FLOE_PLUGIN_LINEAGE, FLOE_LINEAGE_PLUGIN_VERSION);
TYPE_PLUGIN(dbt, FLOE_PLUGIN_DBT, FLOE_DBT_PLUGIN_VERSION);
TYPE_PLUGIN(semantic, FLOE_PLUGIN_SEMANTIC, FLOE_SEMANTIC_PLUGIN_VERSION);
TYPE_PLUGIN(ingestion, FLOE_PLUGIN_INGESTION, FLOE_INGESTION_PLUGIN_VERSION);
TYPE_PLUGIN(secrets, FLOE_PLUGIN_SECRETS, FLOE_SECRETS_PLUGIN_VERSION);
TYPE_PLUGIN(identity, FLOE_PLUGIN_IDENTITY, FLOE_IDENTITY_PLUGIN_VERSION);

static const floe_plugin_def *const all_defs[FLOE_PLUGIN_TYPE_COUNT] = {
    &desc_compute,   &desc_orchestrator, &desc_catalog, &desc_storage,
    &desc_telemetry, &desc_lineage,      &desc_dbt,     &desc_semantic,
    &desc_ingestion, &desc_secrets,      &desc_identity};

static void test_type_enum_and_names_are_stable(void **state)
{
    (void)state;
    static const char *const names[] = {"compute",   "orchestrator", "catalog", "storage",
                                        "telemetry", "lineage",      "dbt",     "semantic",
                                        "ingestion", "secrets",      "identity"};
    assert_int_equal(FLOE_PLUGIN_TYPE_COUNT, 11);
    for (int t = 0; t < FLOE_PLUGIN_TYPE_COUNT; t++) {
        assert_string_equal(floe_plugin_type_name(t), names[t]);
        floe_plugin_type back;
        assert_int_equal(floe_plugin_type_parse(&back, names[t]), 0);
        assert_int_equal(back, t);
    }
    assert_null(floe_plugin_type_name(FLOE_PLUGIN_TYPE_COUNT));
    assert_null(floe_plugin_type_name(-1));
    floe_plugin_type x;
    assert_int_equal(floe_plugin_type_parse(&x, "warehouse"), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "compute, orchestrator"));
    assert_string_equal(floe_health_state_name(FLOE_HEALTH_DEGRADED), "degraded");
}

static void test_every_type_registers_creates_and_frees_through_vtable(void **state)
{
    (void)state;
    memset(frees, 0, sizeof frees);
    floe_registry *r = NULL;
    assert_int_equal(floe_registry_new(&r, NULL), 0);
    for (int t = 0; t < FLOE_PLUGIN_TYPE_COUNT; t++)
        assert_int_equal(floe_registry_register(r, all_defs[t], NULL), 0);
    for (int t = 0; t < FLOE_PLUGIN_TYPE_COUNT; t++) {
        floe_plugin_info *list = NULL;
        size_t n = 0;
        assert_int_equal(floe_registry_list(&list, &n, r, (floe_plugin_type)t), 0);
        assert_int_equal(n, 1);
        assert_int_equal(list[0].def->type, t);
        floe_plugin_info_free(list);
        void *inst = NULL;
        assert_int_equal(floe_registry_get(&inst, r, (floe_plugin_type)t, all_defs[t]->name), 0);
        assert_int_equal(*(unsigned int *)inst, 1);
    }
    floe_registry_free(r);
    for (int t = 0; t < FLOE_PLUGIN_TYPE_COUNT; t++)
        assert_int_equal(frees[t], 1);
}

static int init_without_free(void **out, const floe_config *c, const floe_plugin_context *ctx)
{
    (void)c;
    (void)ctx;
    static floe_catalog_plugin leaky = {.version = 1};
    *out = &leaky;
    return 0;
}

static int init_version_zero(void **out, const floe_config *c, const floe_plugin_context *ctx)
{
    (void)c;
    (void)ctx;
    floe_catalog_plugin *p = calloc(1, sizeof *p);
    if (!p)
        return FLOE_ENOMEM;
    p->free = free_catalog;
    *out = p;
    return 0;
}

static void test_vtable_without_free_or_version_refused(void **state)
{
    (void)state;
    memset(frees, 0, sizeof frees);
    static FLOE_PLUGIN_DESCRIPTOR(nofree, .type = FLOE_PLUGIN_CATALOG, .name = "nofree",
                                  .version = "1.0.0", .init = init_without_free);
    static FLOE_PLUGIN_DESCRIPTOR(v0, .type = FLOE_PLUGIN_CATALOG, .name = "v0", .version = "1.0.0",
                                  .init = init_version_zero);
    floe_registry *r = NULL;
    assert_int_equal(floe_registry_new(&r, NULL), 0);
    assert_int_equal(floe_registry_register(r, &nofree, NULL), 0);
    assert_int_equal(floe_registry_register(r, &v0, NULL), 0);
    void *inst = NULL;
    assert_int_equal(floe_registry_get(&inst, r, FLOE_PLUGIN_CATALOG, "nofree"), FLOE_EPLUGIN);
    assert_non_null(strstr(floe_error_last(), "free function"));
    assert_int_equal(floe_registry_get(&inst, r, FLOE_PLUGIN_CATALOG, "v0"), FLOE_EPLUGIN);
    assert_int_equal(frees[FLOE_PLUGIN_CATALOG], 1); /* the refused instance was freed */
    floe_registry_free(r);
}

static void test_catalog_and_storage_offer_the_required_methods(void **state)
{
    (void)state;
    /* The catalog interface of seed 000 US1 plus the table operations of the commit path. */
    floe_catalog_plugin c;
    memset(&c, 0, sizeof c);
    void *methods[] = {(void *)&c.connect,
                       (void *)&c.create_namespace,
                       (void *)&c.list_namespaces,
                       (void *)&c.delete_namespace,
                       (void *)&c.namespace_exists,
                       (void *)&c.load_namespace_properties,
                       (void *)&c.update_namespace_properties,
                       (void *)&c.create_table,
                       (void *)&c.list_tables,
                       (void *)&c.load_table,
                       (void *)&c.table_exists,
                       (void *)&c.drop_table,
                       (void *)&c.rename_table,
                       (void *)&c.register_table,
                       (void *)&c.commit_table,
                       (void *)&c.vend_credentials,
                       (void *)&c.health_check};
    for (size_t i = 1; i < sizeof methods / sizeof methods[0]; i++)
        assert_true((char *)methods[i] > (char *)methods[i - 1]); /* appended in order */
    floe_storage_plugin s;
    memset(&s, 0, sizeof s);
    assert_true((char *)&s.create_file_io < (char *)&s.health_check);
    assert_int_equal(FLOE_CATALOG_PLUGIN_VERSION, 1);
    assert_int_equal(FLOE_STORAGE_PLUGIN_VERSION, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_enum_and_names_are_stable),
        cmocka_unit_test(test_every_type_registers_creates_and_frees_through_vtable),
        cmocka_unit_test(test_vtable_without_free_or_version_refused),
        cmocka_unit_test(test_catalog_and_storage_offer_the_required_methods),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
