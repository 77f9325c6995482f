/* US5 — lifecycle hooks (FR-013, SC-006): startup hooks run in dependency order, shutdown in
 * reverse; each with a time limit; a failing or hanging hook is reported for its plugin and
 * does not stop the others. */
#include "test_support.h"

#include <string.h>
#include <time.h>

#include <floe/error.h>
#include <floe/registry.h>

#include "registry_test_util.h"
#include "tiny_plugin.h"

static const floe_plugin_dependency needs_db[] = {{"db", FLOE_PLUGIN_COMPUTE}, {NULL, 0}};
static const floe_plugin_dependency needs_cache[] = {{"cache", FLOE_PLUGIN_ANY_TYPE}, {NULL, 0}};
TINY_PLUGIN(db, NULL);
TINY_PLUGIN(cache, needs_db);
TINY_PLUGIN(web, needs_cache);
TINY_PLUGIN(lonely, NULL);

static int failing_startup(void *instance)
{
    (void)instance;
    return floe_error_set(FLOE_EUNAVAILABLE, "port 5432 refused the connection");
}

static int init_broken(void **out, const floe_config *config, const floe_plugin_context *ctx)
{
    (void)config;
    (void)ctx;
    return tiny_init_named(out, "broken");
}

static FLOE_PLUGIN_DESCRIPTOR(desc_broken, .type = FLOE_PLUGIN_COMPUTE, .name = "broken",
                              .version = "1.0.0", .init = init_broken, .startup = failing_startup,
                              .shutdown = tiny_shutdown);

static const floe_plugin_dependency needs_broken[] = {{"broken", FLOE_PLUGIN_COMPUTE}, {NULL, 0}};
TINY_PLUGIN(after_broken, needs_broken);

static floe_registry *new_registry(unsigned int hook_ms)
{
    floe_registry_options o = FLOE_REGISTRY_OPTIONS_INIT;
    o.hook_timeout_ms = hook_ms;
    o.ignore_env_path = 1;
    o.skip_install_dir = 1;
    floe_registry *r = NULL;
    assert_int_equal(floe_registry_new(&r, &o), 0);
    return r;
}

static void test_startup_in_dependency_order_shutdown_reverse_FR_013_SC_006(void **state)
{
    (void)state;
    tiny_reset();
    floe_registry *r = new_registry(2000);
    /* Registered in an order unrelated to the dependencies. */
    assert_int_equal(floe_registry_register(r, &desc_web, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_lonely, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_cache, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_db, NULL), 0);
    floe_hook_result *res = NULL;
    size_t n = 0;
    assert_int_equal(floe_registry_activate_all(&res, &n, r), 0);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(res[i].code, 0);
    floe_hook_results_free(res);
    assert_string_equal(tiny_events, "init:db start:db init:cache start:cache init:lonely "
                                     "start:lonely init:web start:web");
    /* Activating again does not run the hooks twice. */
    assert_int_equal(floe_registry_activate_all(&res, &n, r), 0);
    assert_int_equal(n, 0);
    floe_hook_results_free(res);

    tiny_reset();
    assert_int_equal(floe_registry_shutdown_all(&res, &n, r), 0);
    assert_int_equal(n, 4);
    assert_string_equal(res[0].name, "web");
    assert_string_equal(res[3].name, "db");
    floe_hook_results_free(res);
    assert_string_equal(tiny_events, "stop:web stop:lonely stop:cache stop:db");
    floe_registry_free(r);
    assert_int_equal(tiny_frees, 4);
}

static void test_activate_one_starts_its_dependencies_first_FR_013(void **state)
{
    (void)state;
    tiny_reset();
    floe_registry *r = new_registry(2000);
    assert_int_equal(floe_registry_register(r, &desc_web, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_cache, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_db, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_lonely, NULL), 0);
    floe_hook_result *res = NULL;
    size_t n = 0;
    assert_int_equal(floe_registry_activate(&res, &n, r, FLOE_PLUGIN_COMPUTE, "cache"), 0);
    assert_int_equal(n, 2);
    floe_hook_results_free(res);
    assert_string_equal(tiny_events, "init:db start:db init:cache start:cache");
    floe_plugin_info info;
    assert_int_equal(floe_registry_lookup(&info, r, FLOE_PLUGIN_COMPUTE, "cache"), 0);
    assert_int_equal(info.active, 1);
    assert_int_equal(floe_registry_lookup(&info, r, FLOE_PLUGIN_COMPUTE, "web"), 0);
    assert_int_equal(info.active, 0);
    assert_int_equal(floe_registry_activate(NULL, NULL, r, FLOE_PLUGIN_COMPUTE, "missing"),
                     FLOE_ENOTFOUND);
    floe_registry_free(r);
}

static void test_failing_startup_reported_others_continue_FR_013(void **state)
{
    (void)state;
    tiny_reset();
    floe_registry *r = new_registry(2000);
    assert_int_equal(floe_registry_register(r, &desc_broken, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_after_broken, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_lonely, NULL), 0);
    floe_hook_result *res = NULL;
    size_t n = 0;
    capture_start();
    int rc = floe_registry_activate_all(&res, &n, r);
    capture_stop();
    assert_int_equal(rc, FLOE_EUNAVAILABLE);
    assert_int_equal(n, 3);
    /* Order (Kahn, ties by name): broken, then after_broken and lonely. */
    assert_string_equal(res[0].name, "broken");
    assert_int_equal(res[0].code, FLOE_EUNAVAILABLE);
    assert_non_null(strstr(res[0].message, "port 5432 refused the connection"));
    assert_string_equal(res[1].name, "after_broken");
    assert_int_equal(res[1].code, FLOE_EDEPENDENCY);
    assert_non_null(strstr(res[1].message, "'broken' failed"));
    assert_string_equal(res[2].name, "lonely");
    assert_int_equal(res[2].code, 0);
    floe_hook_results_free(res);
    assert_non_null(strstr(captured, "plugin hook failed"));
    floe_plugin_info info;
    assert_int_equal(floe_registry_lookup(&info, r, FLOE_PLUGIN_COMPUTE, "broken"), 0);
    assert_int_equal(info.failed, 1);
    /* Only the plugin that started is shut down. */
    tiny_reset();
    assert_int_equal(floe_registry_shutdown_all(&res, &n, r), 0);
    assert_int_equal(n, 1);
    assert_string_equal(res[0].name, "lonely");
    floe_hook_results_free(res);
    floe_registry_free(r);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_hanging_startup_times_out_FR_013_SC_006(void **state)
{
    (void)state;
    char dir[4096];
    floe_registry *r = new_registry(200);
    const char *dirs[] = {test_plugin_dir("lifecycle", dir, sizeof dir)};
    floe_log_set_level(FLOE_LOG_OFF);
    assert_int_equal(floe_registry_discover(r, dirs, 1), 0);
    assert_int_equal(floe_registry_register(r, &desc_lonely, NULL), 0);
    floe_hook_result *res = NULL;
    size_t n = 0;
    int64_t t0 = now_ms();
    int rc = floe_registry_activate_all(&res, &n, r);
    int64_t took = now_ms() - t0;
    floe_log_set_level(FLOE_LOG_WARN);
    assert_int_not_equal(rc, 0);
    assert_true(took < 5000); /* the 60 s hook did not hold the host */
    int saw_hang = 0, saw_init = 0, saw_ok = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(res[i].name, "hang_startup") == 0) {
            saw_hang = 1;
            assert_int_equal(res[i].code, FLOE_ETIMEOUT);
            assert_non_null(strstr(res[i].message, "within 200 ms"));
            assert_true(res[i].elapsed_ms >= 190);
        } else if (strcmp(res[i].name, "init_fails") == 0) {
            saw_init = 1;
            assert_int_equal(res[i].code, FLOE_EPLUGIN);
        } else if (res[i].code == 0) {
            saw_ok++;
        }
    }
    assert_true(saw_hang && saw_init);
    assert_int_equal(saw_ok, 2); /* lonely and slow_health started */
    floe_hook_results_free(res);
    floe_plugin_info info;
    assert_int_equal(floe_registry_lookup(&info, r, FLOE_PLUGIN_TELEMETRY, "hang_startup"), 0);
    assert_int_equal(info.failed, 1);
    assert_int_equal(info.active, 0);
    /* The hung plugin is not shut down (it never started); the others are. */
    assert_int_equal(floe_registry_shutdown_all(&res, &n, r), 0);
    assert_int_equal(n, 2);
    floe_hook_results_free(res);
    floe_registry_free(r);
}

static int slow_shutdown(void *instance)
{
    (void)instance;
    struct timespec ts = {0, 600 * 1000000L};
    nanosleep(&ts, NULL);
    return 0;
}

static int init_slowstop(void **out, const floe_config *config, const floe_plugin_context *ctx)
{
    (void)config;
    (void)ctx;
    return tiny_init_named(out, "slowstop");
}

static FLOE_PLUGIN_DESCRIPTOR(desc_slowstop, .type = FLOE_PLUGIN_COMPUTE, .name = "slowstop",
                              .version = "1.0.0", .init = init_slowstop, .shutdown = slow_shutdown);

static void test_slow_shutdown_times_out_others_still_stop_FR_013(void **state)
{
    (void)state;
    tiny_reset();
    floe_registry *r = new_registry(150);
    assert_int_equal(floe_registry_register(r, &desc_slowstop, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_db, NULL), 0);
    assert_int_equal(floe_registry_activate_all(NULL, NULL, r), 0);
    floe_hook_result *res = NULL;
    size_t n = 0;
    floe_log_set_level(FLOE_LOG_OFF);
    assert_int_equal(floe_registry_shutdown_all(&res, &n, r), FLOE_ETIMEOUT);
    floe_log_set_level(FLOE_LOG_WARN);
    assert_int_equal(n, 2);
    assert_string_equal(res[0].name, "slowstop");
    assert_int_equal(res[0].code, FLOE_ETIMEOUT);
    assert_string_equal(res[1].name, "db");
    assert_int_equal(res[1].code, 0);
    floe_hook_results_free(res);
    floe_registry_free(r);
    /* Let the abandoned hook finish so the process ends cleanly. */
    struct timespec ts = {0, 700 * 1000000L};
    nanosleep(&ts, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_startup_in_dependency_order_shutdown_reverse_FR_013_SC_006),
        cmocka_unit_test(test_activate_one_starts_its_dependencies_first_FR_013),
        cmocka_unit_test(test_failing_startup_reported_others_continue_FR_013),
        cmocka_unit_test(test_hanging_startup_times_out_FR_013_SC_006),
        cmocka_unit_test(test_slow_shutdown_times_out_others_still_stop_FR_013),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
