/* US1 — plugin discovery (FR-001, FR-010, FR-011, SC-001, SC-005): shared objects found in
 * the argument directories, FLOE_PLUGIN_PATH and the install directory; broken libraries
 * refused with a logged reason naming the file, never loaded half-way; discovery goes on. */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#include <floe/error.h>
#include <floe/registry.h>

#include "registry_test_util.h"

static floe_registry *new_registry(void)
{
    floe_registry_options o = FLOE_REGISTRY_OPTIONS_INIT;
    o.ignore_env_path = 1;
    o.skip_install_dir = 1;
    floe_registry *r = NULL;
    assert_int_equal(floe_registry_new(&r, &o), 0);
    return r;
}

static const floe_discovery_result *find_result(floe_registry *r, const char *file,
                                                floe_discovery_result *out)
{
    size_t n = floe_registry_discovery_count(r);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(floe_registry_discovery_get(out, r, i), 0);
        const char *slash = strrchr(out->path, '/');
        if (slash && strcmp(slash + 1, file) == 0)
            return out;
    }
    return NULL;
}

static void test_discovers_plugin_in_argument_directory_FR_001_SC_001(void **state)
{
    (void)state;
    char dir[4096];
    floe_registry *r = new_registry();
    const char *dirs[] = {test_plugin_dir("good", dir, sizeof dir)};
    assert_int_equal(floe_registry_discover(r, dirs, 1), 0);
    floe_plugin_info info;
    assert_int_equal(floe_registry_lookup(&info, r, FLOE_PLUGIN_CATALOG, "good_catalog"), 0);
    assert_string_equal(info.def->version, "1.2.3");
    assert_non_null(strstr(info.origin, "/test-plugins/good/good_catalog.so"));
    assert_int_equal(info.loaded, 0); /* found, not yet created */
    floe_discovery_result d;
    assert_non_null(find_result(r, "good_catalog.so", &d));
    assert_int_equal(d.accepted, 1);
    assert_string_equal(d.plugin_name, "good_catalog");
    assert_int_equal(d.type, FLOE_PLUGIN_CATALOG);
    /* The loaded plugin works: its init reads its configuration through the host's API. */
    void *inst = NULL;
    assert_int_equal(floe_registry_get(&inst, r, FLOE_PLUGIN_CATALOG, "good_catalog"), 0);
    assert_non_null(inst);
    floe_registry_free(r);
}

static void test_broken_libraries_refused_and_discovery_goes_on_FR_010_SC_005(void **state)
{
    (void)state;
    char bad[4096], good[4096];
    floe_registry *r = new_registry();
    /* The bad directory first: the good plugin after it must still be found. */
    const char *dirs[] = {test_plugin_dir("bad", bad, sizeof bad),
                          test_plugin_dir("good", good, sizeof good)};
    capture_start();
    assert_int_equal(floe_registry_discover(r, dirs, 2), 0);
    capture_stop();
    floe_plugin_info info;
    assert_int_equal(floe_registry_lookup(&info, r, FLOE_PLUGIN_CATALOG, "good_catalog"), 0);

    floe_discovery_result d;
    assert_non_null(find_result(r, "no_descriptor.so", &d));
    assert_int_equal(d.accepted, 0);
    assert_int_equal(d.code, FLOE_EPLUGIN);
    assert_non_null(strstr(d.reason, "floe_plugin_descriptor"));

    assert_non_null(find_result(r, "corrupt_abi.so", &d));
    assert_int_equal(d.accepted, 0);
    assert_int_equal(d.code, FLOE_EPLUGIN);
    assert_non_null(strstr(d.reason, "'sizeof_long'")); /* names the field that differs */

    assert_non_null(find_result(r, "newer_minor.so", &d));
    assert_int_equal(d.accepted, 0);
    assert_int_equal(d.code, FLOE_EVERSION);
    assert_string_equal(d.plugin_name, "newer_minor");

    assert_non_null(find_result(r, "other_major.so", &d));
    assert_int_equal(d.code, FLOE_EVERSION);
    assert_non_null(strstr(d.reason, "2.0"));

    /* None of them got registered. */
    assert_int_equal(floe_registry_lookup(&info, r, FLOE_PLUGIN_COMPUTE, "newer_minor"),
                     FLOE_ENOTFOUND);
    assert_int_equal(floe_registry_lookup(&info, r, FLOE_PLUGIN_COMPUTE, "corrupt_abi"),
                     FLOE_ENOTFOUND);

    /* Each refusal was logged with the file it concerns. */
    assert_non_null(strstr(captured, "plugin refused"));
    assert_non_null(strstr(captured, "no_descriptor.so"));
    assert_non_null(strstr(captured, "corrupt_abi.so"));
    assert_non_null(strstr(captured, "newer_minor.so"));
    assert_non_null(strstr(captured, "other_major.so"));
    floe_registry_free(r);
}

static void test_abi_checked_before_any_plugin_code_runs_FR_010(void **state)
{
    (void)state;
    char bad[4096];
    unsetenv("FLOE_TEST_CORRUPT_ABI_RAN");
    unsetenv("FLOE_TEST_NO_DESCRIPTOR_RAN");
    floe_registry *r = new_registry();
    const char *dirs[] = {test_plugin_dir("bad", bad, sizeof bad)};
    floe_log_set_level(FLOE_LOG_OFF);
    assert_int_equal(floe_registry_discover(r, dirs, 1), 0);
    /* Their constructors would have set these: the libraries were never mapped. */
    assert_null(getenv("FLOE_TEST_CORRUPT_ABI_RAN"));
    assert_null(getenv("FLOE_TEST_NO_DESCRIPTOR_RAN"));
    floe_registry_free(r);
}

static void test_load_file_refusal_names_file_FR_010(void **state)
{
    (void)state;
    char bad[4096], path[4200];
    floe_registry *r = new_registry();
    snprintf(path, sizeof path, "%s/corrupt_abi.so", test_plugin_dir("bad", bad, sizeof bad));
    floe_log_set_level(FLOE_LOG_OFF);
    assert_int_equal(floe_registry_load_file(r, path), FLOE_EPLUGIN);
    assert_non_null(strstr(floe_error_last(), "sizeof_long"));
    /* A file that does not exist, or is not ELF at all, is refused too. */
    const char *tmp = floe_test_tmpdir("registry_notelf");
    snprintf(path, sizeof path, "%s/fake.so", tmp);
    assert_int_equal(floe_test_write_file(path, "not a library", 13), 0);
    assert_int_equal(floe_registry_load_file(r, path), FLOE_EPLUGIN);
    assert_int_equal(floe_registry_discovery_count(r), 2);
    floe_registry_free(r);
}

static void test_env_plugin_path_searched_after_arguments_FR_001(void **state)
{
    (void)state;
    char good[4096], lc[4096], env[9000];
    floe_registry_options o = FLOE_REGISTRY_OPTIONS_INIT;
    o.skip_install_dir = 1;
    floe_registry *r = NULL;
    assert_int_equal(floe_registry_new(&r, &o), 0);
    /* Empty segments and missing directories in the path are skipped. */
    snprintf(env, sizeof env, ":/nonexistent/floe-plugins:%s::%s",
             test_plugin_dir("lifecycle", lc, sizeof lc),
             test_plugin_dir("good", good, sizeof good));
    setenv("FLOE_PLUGIN_PATH", env, 1);
    /* The argument directory comes first: the good plugin is recorded from it, and the same
     * file reached again through the environment is not loaded twice. */
    const char *dirs[] = {good};
    assert_int_equal(floe_registry_discover(r, dirs, 1), 0);
    unsetenv("FLOE_PLUGIN_PATH");
    floe_discovery_result d;
    assert_int_equal(floe_registry_discovery_get(&d, r, 0), 0);
    assert_non_null(strstr(d.path, "good_catalog.so"));
    assert_int_equal(floe_registry_discovery_count(r), 4); /* good + 3 lifecycle plugins */
    floe_plugin_info info;
    assert_int_equal(floe_registry_lookup(&info, r, FLOE_PLUGIN_SEMANTIC, "slow_health"), 0);
    assert_int_equal(floe_registry_lookup(&info, r, FLOE_PLUGIN_LINEAGE, "init_fails"), 0);
    floe_registry_free(r);
}

static void test_init_failure_reported_not_fatal_FR_010(void **state)
{
    (void)state;
    char lc[4096];
    floe_registry *r = new_registry();
    const char *dirs[] = {test_plugin_dir("lifecycle", lc, sizeof lc)};
    assert_int_equal(floe_registry_discover(r, dirs, 1), 0);
    void *inst = NULL;
    capture_start();
    int rc = floe_registry_get(&inst, r, FLOE_PLUGIN_LINEAGE, "init_fails");
    capture_stop();
    assert_int_equal(rc, FLOE_EPLUGIN);
    /* Logged, naming the file. */
    assert_non_null(strstr(captured, "plugin init failed"));
    assert_non_null(strstr(captured, "init_fails.so"));
    assert_null(inst);
    assert_non_null(strstr(floe_error_last(), "init_fails.so"));
    assert_non_null(strstr(floe_error_last(), "backend unreachable on purpose"));
    floe_plugin_info info;
    assert_int_equal(floe_registry_lookup(&info, r, FLOE_PLUGIN_LINEAGE, "init_fails"), 0);
    assert_int_equal(info.failed, 1);
    /* Other plugins of the same discovery remain usable. */
    assert_int_equal(floe_registry_get(&inst, r, FLOE_PLUGIN_SEMANTIC, "slow_health"), 0);
    floe_registry_free(r);
}

static void *global_getter(void *arg)
{
    (void)arg;
    return floe_registry_global();
}

static void test_global_registry_is_one_instance_across_threads_FR_011(void **state)
{
    (void)state;
    char good[4096];
    setenv("FLOE_PLUGIN_PATH", test_plugin_dir("good", good, sizeof good), 1);
    floe_registry_reset_for_tests();
    pthread_t th[8];
    void *got[8];
    for (int i = 0; i < 8; i++)
        assert_int_equal(pthread_create(&th[i], NULL, global_getter, NULL), 0);
    for (int i = 0; i < 8; i++)
        assert_int_equal(pthread_join(th[i], &got[i]), 0);
    for (int i = 1; i < 8; i++)
        assert_ptr_equal(got[i], got[0]);
    /* The built-ins are there, and the plugins of FLOE_PLUGIN_PATH were discovered. */
    unsetenv("FLOE_PLUGIN_PATH");
    floe_plugin_info info;
    assert_int_equal(floe_registry_lookup(&info, got[0], FLOE_PLUGIN_STORAGE, "local"), 0);
    assert_string_equal(info.origin, FLOE_PLUGIN_ORIGIN_BUILTIN);
    assert_int_equal(floe_registry_lookup(&info, got[0], FLOE_PLUGIN_CATALOG, "good_catalog"), 0);
    floe_registry_reset_for_tests();
    /* A reset gives a fresh registry: what was registered is gone. */
    floe_registry *g = floe_registry_global();
    char dir[4096];
    const char *dirs[] = {test_plugin_dir("good", dir, sizeof dir)};
    assert_int_equal(floe_registry_discover(g, dirs, 1), 0);
    assert_int_equal(floe_registry_lookup(&info, g, FLOE_PLUGIN_CATALOG, "good_catalog"), 0);
    floe_registry_reset_for_tests();
    g = floe_registry_global();
    assert_non_null(g);
    assert_int_equal(floe_registry_lookup(&info, g, FLOE_PLUGIN_CATALOG, "good_catalog"),
                     FLOE_ENOTFOUND);
    floe_registry_reset_for_tests();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_discovers_plugin_in_argument_directory_FR_001_SC_001),
        cmocka_unit_test(test_broken_libraries_refused_and_discovery_goes_on_FR_010_SC_005),
        cmocka_unit_test(test_abi_checked_before_any_plugin_code_runs_FR_010),
        cmocka_unit_test(test_load_file_refusal_names_file_FR_010),
        cmocka_unit_test(test_env_plugin_path_searched_after_arguments_FR_001),
        cmocka_unit_test(test_init_failure_reported_not_fatal_FR_010),
        cmocka_unit_test(test_global_registry_is_one_instance_across_threads_FR_011),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
