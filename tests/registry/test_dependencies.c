/* US7 — dependency resolution (FR-015, FR-016, SC-008): plugins are ordered so each comes
 * after what it needs (Kahn's algorithm); a cycle names the plugins in it; a missing
 * dependency names who needs what; getting a plugin creates its dependencies first. */
#include "test_support.h"

#include <string.h>

#include <floe/error.h>
#include <floe/registry.h>

#include "tiny_plugin.h"

static const floe_plugin_dependency on_b[] = {{"b", FLOE_PLUGIN_COMPUTE}, {NULL, 0}};
static const floe_plugin_dependency on_c[] = {{"c", FLOE_PLUGIN_COMPUTE}, {NULL, 0}};
static const floe_plugin_dependency on_b_and_c[] = {
    {"b", FLOE_PLUGIN_COMPUTE}, {"c", FLOE_PLUGIN_ANY_TYPE}, {NULL, 0}};
static const floe_plugin_dependency on_x[] = {{"x", FLOE_PLUGIN_COMPUTE}, {NULL, 0}};
static const floe_plugin_dependency on_y[] = {{"y", FLOE_PLUGIN_COMPUTE}, {NULL, 0}};
static const floe_plugin_dependency on_z[] = {{"z", FLOE_PLUGIN_COMPUTE}, {NULL, 0}};
static const floe_plugin_dependency on_ghost[] = {{"ghost", FLOE_PLUGIN_STORAGE}, {NULL, 0}};

/* a -> b -> c, d -> {b, c} */
TINY_PLUGIN(a, on_b);
TINY_PLUGIN(b, on_c);
TINY_PLUGIN(c, NULL);
TINY_PLUGIN(d, on_b_and_c);
/* x -> y -> z -> x */
TINY_PLUGIN(x, on_y);
TINY_PLUGIN(y, on_z);
TINY_PLUGIN(z, on_x);
TINY_PLUGIN(needy, on_ghost);
TINY_PLUGIN(w, on_x); /* depends on the cycle */

static floe_registry *new_registry(void)
{
    floe_registry *r = NULL;
    assert_int_equal(floe_registry_new(&r, NULL), 0);
    return r;
}

static size_t pos(const floe_plugin_ref *refs, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(refs[i].name, name) == 0)
            return i;
    fail_msg("%s not in the order", name);
    return 0;
}

static void test_order_respects_dependencies_FR_015_SC_008(void **state)
{
    (void)state;
    floe_registry *r = new_registry();
    assert_int_equal(floe_registry_register(r, &desc_d, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_a, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_c, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_b, NULL), 0);
    assert_int_equal(floe_registry_register_builtins(r), 0);
    floe_plugin_ref *refs = NULL;
    size_t n = 0;
    assert_int_equal(floe_registry_resolve_order(&refs, &n, r), 0);
    assert_int_equal(n, 5);
    assert_true(pos(refs, n, "c") < pos(refs, n, "b"));
    assert_true(pos(refs, n, "b") < pos(refs, n, "a"));
    assert_true(pos(refs, n, "b") < pos(refs, n, "d"));
    /* Deterministic: ties broken by type then name. */
    assert_string_equal(refs[0].name, "c");
    assert_string_equal(refs[1].name, "b");
    assert_string_equal(refs[2].name, "a");
    assert_string_equal(refs[3].name, "d");
    assert_string_equal(refs[4].name, "local");
    floe_plugin_refs_free(refs);
    floe_registry_free(r);
}

static void test_get_creates_dependencies_first_FR_015(void **state)
{
    (void)state;
    tiny_reset();
    floe_registry *r = new_registry();
    assert_int_equal(floe_registry_register(r, &desc_a, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_b, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_c, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_d, NULL), 0);
    void *inst = NULL;
    assert_int_equal(floe_registry_get(&inst, r, FLOE_PLUGIN_COMPUTE, "a"), 0);
    assert_string_equal(tiny_events, "init:c init:b init:a");
    assert_int_equal(floe_registry_get(&inst, r, FLOE_PLUGIN_COMPUTE, "d"), 0);
    assert_string_equal(tiny_events, "init:c init:b init:a init:d");
    tiny_reset();
    floe_registry_free(r);
    /* Dependents are freed before what they depend on. */
    assert_string_equal(tiny_events, "free:d free:a free:b free:c");
}

static void test_cycle_detected_and_named_FR_016_SC_008(void **state)
{
    (void)state;
    tiny_reset();
    floe_registry *r = new_registry();
    assert_int_equal(floe_registry_register(r, &desc_c, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_w, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_x, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_y, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_z, NULL), 0);
    floe_plugin_ref *refs = NULL;
    size_t n = 0;
    assert_int_equal(floe_registry_resolve_order(&refs, &n, r), FLOE_ECYCLE);
    assert_null(refs);
    const char *m = floe_error_last();
    assert_non_null(strstr(m, "CircularDependencyError"));
    /* The cycle itself, not the plugin that merely depends on it. */
    assert_true(strstr(m, "compute:x -> compute:y -> compute:z -> compute:x") ||
                strstr(m, "compute:y -> compute:z -> compute:x -> compute:y") ||
                strstr(m, "compute:z -> compute:x -> compute:y -> compute:z"));
    assert_null(strstr(m, "compute:w"));
    void *inst = NULL;
    assert_int_equal(floe_registry_get(&inst, r, FLOE_PLUGIN_COMPUTE, "w"), FLOE_ECYCLE);
    assert_int_equal(tiny_inits, 0); /* nothing in the cycle was created */
    /* Plugins outside the cycle still work. */
    assert_int_equal(floe_registry_get(&inst, r, FLOE_PLUGIN_COMPUTE, "c"), 0);
    assert_int_equal(floe_registry_activate_all(NULL, NULL, r), FLOE_ECYCLE);
    floe_registry_free(r);
}

static void test_missing_dependency_names_who_needs_what_FR_016(void **state)
{
    (void)state;
    floe_registry *r = new_registry();
    assert_int_equal(floe_registry_register(r, &desc_needy, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_c, NULL), 0);
    floe_plugin_ref *refs = NULL;
    size_t n = 0;
    assert_int_equal(floe_registry_resolve_order(&refs, &n, r), FLOE_EDEPENDENCY);
    assert_non_null(
        strstr(floe_error_last(), "compute plugin 'needy' depends on storage plugin 'ghost'"));
    void *inst = NULL;
    assert_int_equal(floe_registry_get(&inst, r, FLOE_PLUGIN_COMPUTE, "needy"), FLOE_EDEPENDENCY);
    assert_non_null(strstr(floe_error_last(), "'ghost'"));
    floe_registry_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_respects_dependencies_FR_015_SC_008),
        cmocka_unit_test(test_get_creates_dependencies_first_FR_015),
        cmocka_unit_test(test_cycle_detected_and_named_FR_016_SC_008),
        cmocka_unit_test(test_missing_dependency_names_who_needs_what_FR_016),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
