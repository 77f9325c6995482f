/* US6 — health checks (FR-014, SC-007): a plugin without a check is healthy; custom checks
 * report their state; a check that fails, times out, or a plugin that cannot be created, is
 * UNHEALTHY with the reason; every result carries response time and time of check. */
#include "test_support.h"

#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <floe/error.h>
#include <floe/plugins/catalog.h>
#include <floe/plugins/storage.h>
#include <floe/registry.h>

#include "registry_test_util.h"
#include "tiny_plugin.h"

TINY_PLUGIN(plain, NULL);

static int degraded_health(floe_health_status *out, void *instance)
{
    (void)instance;
    out->state = FLOE_HEALTH_DEGRADED;
    snprintf(out->message, sizeof out->message, "replica lag 12 s");
    return 0;
}

static int failing_health(floe_health_status *out, void *instance)
{
    (void)out;
    (void)instance;
    return floe_error_set(FLOE_EUNAVAILABLE, "ping to 10.0.0.7 failed");
}

static int init_degraded(void **out, const floe_config *c, const floe_plugin_context *ctx)
{
    (void)c;
    (void)ctx;
    return tiny_init_named(out, "degraded");
}

static int init_failing(void **out, const floe_config *c, const floe_plugin_context *ctx)
{
    (void)c;
    (void)ctx;
    return tiny_init_named(out, "failing");
}

static FLOE_PLUGIN_DESCRIPTOR(desc_degraded, .type = FLOE_PLUGIN_COMPUTE, .name = "degraded",
                              .version = "1.0.0", .init = init_degraded, .health = degraded_health);
static FLOE_PLUGIN_DESCRIPTOR(desc_failing, .type = FLOE_PLUGIN_COMPUTE, .name = "failing",
                              .version = "1.0.0", .init = init_failing, .health = failing_health);

static floe_registry *new_registry(unsigned int health_ms)
{
    floe_registry_options o = FLOE_REGISTRY_OPTIONS_INIT;
    o.health_timeout_ms = health_ms;
    o.ignore_env_path = 1;
    o.skip_install_dir = 1;
    floe_registry *r = NULL;
    assert_int_equal(floe_registry_new(&r, &o), 0);
    return r;
}

static const floe_plugin_health *find(const floe_plugin_health *h, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(h[i].name, name) == 0)
            return &h[i];
    fail_msg("no health result for %s", name);
    return NULL;
}

static void test_default_custom_and_failing_checks_FR_014_SC_007(void **state)
{
    (void)state;
    floe_registry *r = new_registry(1000);
    assert_int_equal(floe_registry_register(r, &desc_plain, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_degraded, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_failing, NULL), 0);
    int64_t before = floe_registry_health_check(NULL, r, FLOE_PLUGIN_COMPUTE, "plain");
    assert_int_equal(before, FLOE_EINVALID);
    floe_plugin_health *h = NULL;
    size_t n = 0;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t start_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    assert_int_equal(floe_registry_health_check_all(&h, &n, r), 0);
    assert_int_equal(n, 3);
    const floe_plugin_health *p = find(h, n, "plain");
    assert_int_equal(p->status.state, FLOE_HEALTH_HEALTHY);
    assert_true(p->status.checked_at >= start_ms);
    assert_true(p->status.response_time_ms >= 0);
    p = find(h, n, "degraded");
    assert_int_equal(p->status.state, FLOE_HEALTH_DEGRADED);
    assert_string_equal(p->status.message, "replica lag 12 s");
    p = find(h, n, "failing");
    assert_int_equal(p->status.state, FLOE_HEALTH_UNHEALTHY);
    assert_non_null(strstr(p->status.message, "ping to 10.0.0.7 failed"));
    floe_plugin_health_free(h);
    floe_registry_free(r);
}

static void test_slow_check_times_out_as_unhealthy_FR_014_SC_007(void **state)
{
    (void)state;
    char dir[4096];
    floe_registry *r = new_registry(200);
    const char *dirs[] = {test_plugin_dir("lifecycle", dir, sizeof dir)};
    floe_log_set_level(FLOE_LOG_OFF);
    assert_int_equal(floe_registry_discover(r, dirs, 1), 0);
    floe_health_status st;
    assert_int_equal(floe_registry_health_check(&st, r, FLOE_PLUGIN_SEMANTIC, "slow_health"), 0);
    assert_int_equal(st.state, FLOE_HEALTH_UNHEALTHY);
    assert_non_null(strstr(st.message, "did not finish within 200 ms"));
    assert_true(st.response_time_ms >= 190 && st.response_time_ms < 1400);
    /* A plugin that cannot be created is unhealthy, with the reason. */
    assert_int_equal(floe_registry_health_check(&st, r, FLOE_PLUGIN_LINEAGE, "init_fails"), 0);
    assert_int_equal(st.state, FLOE_HEALTH_UNHEALTHY);
    assert_non_null(strstr(st.message, "backend unreachable on purpose"));
    assert_int_equal(floe_registry_health_check(&st, r, FLOE_PLUGIN_LINEAGE, "absent"),
                     FLOE_ENOTFOUND);
    floe_log_set_level(FLOE_LOG_WARN);
    floe_registry_free(r);
    /* Let the abandoned check finish before the process ends. */
    struct timespec ts = {1, 500 * 1000000L};
    nanosleep(&ts, NULL);
}

static void test_local_storage_health_checks_root_FR_014(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("registry_local_health");
    floe_registry *r = new_registry(0);
    assert_int_equal(floe_registry_register_builtins(r), 0);
    char cfgjson[4400];
    snprintf(cfgjson, sizeof cfgjson, "{\"root\": \"%s\"}", dir);
    json_t *cfg = json_loads(cfgjson, 0, NULL);
    assert_int_equal(floe_registry_configure(r, FLOE_PLUGIN_STORAGE, "local", cfg, NULL), 0);
    json_decref(cfg);
    floe_health_status st;
    assert_int_equal(floe_registry_health_check(&st, r, FLOE_PLUGIN_STORAGE, "local"), 0);
    assert_int_equal(st.state, FLOE_HEALTH_HEALTHY);
    /* The storage plugin is a FileIO factory writing under its root. */
    void *inst = NULL;
    assert_int_equal(floe_registry_get(&inst, r, FLOE_PLUGIN_STORAGE, "local"), 0);
    floe_storage_plugin *sp = inst;
    assert_string_equal(sp->warehouse_location(sp), dir);
    floe_file_io *io = NULL;
    assert_int_equal(sp->create_file_io(&io, sp, NULL), 0);
    char path[4400];
    snprintf(path, sizeof path, "%s/hello.txt", dir);
    assert_int_equal(floe_file_io_write_all(io, path, FLOE_CREATE_EXCLUSIVE, "hi", 2), 0);
    int exists = 0;
    assert_int_equal(io->exists(&exists, io, path), 0);
    assert_int_equal(exists, 1);
    floe_file_io_free(io);
    floe_registry_free(r);

    /* A root that does not exist is unhealthy, and says so. */
    r = new_registry(0);
    assert_int_equal(floe_registry_register_builtins(r), 0);
    cfg = json_pack("{s:s}", "root", "/nonexistent/floe-warehouse");
    assert_int_equal(floe_registry_configure(r, FLOE_PLUGIN_STORAGE, "local", cfg, NULL), 0);
    json_decref(cfg);
    assert_int_equal(floe_registry_health_check(&st, r, FLOE_PLUGIN_STORAGE, "local"), 0);
    assert_int_equal(st.state, FLOE_HEALTH_UNHEALTHY);
    assert_non_null(strstr(st.message, "/nonexistent/floe-warehouse"));
    floe_registry_free(r);
}

static unsigned int seen_timeout;

/* Each check waits until the other has started too: run one after the other, the first
 * would wait in vain and fail, so two healthy verdicts prove they ran at the same time. */
static pthread_mutex_t meet_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t meet_cv = PTHREAD_COND_INITIALIZER;
static int meet_arrived;

static int sleepy_health(floe_health_status *out, void *instance)
{
    (void)instance;
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 3;
    pthread_mutex_lock(&meet_mu);
    meet_arrived++;
    pthread_cond_broadcast(&meet_cv);
    int rc = 0;
    while (meet_arrived < 2 && rc == 0)
        rc = pthread_cond_timedwait(&meet_cv, &meet_mu, &deadline);
    int met = meet_arrived >= 2;
    pthread_mutex_unlock(&meet_mu);
    if (!met)
        return floe_error_set(FLOE_ETIMEOUT, "the other check never started");
    out->state = FLOE_HEALTH_HEALTHY;
    return 0;
}

static int init_sleepy1(void **out, const floe_config *c, const floe_plugin_context *ctx)
{
    (void)c;
    (void)ctx;
    return tiny_init_named(out, "sleepy1");
}

static int init_sleepy2(void **out, const floe_config *c, const floe_plugin_context *ctx)
{
    (void)c;
    (void)ctx;
    return tiny_init_named(out, "sleepy2");
}

static FLOE_PLUGIN_DESCRIPTOR(desc_sleepy1, .type = FLOE_PLUGIN_COMPUTE, .name = "sleepy1",
                              .version = "1.0.0", .init = init_sleepy1, .health = sleepy_health);
static FLOE_PLUGIN_DESCRIPTOR(desc_sleepy2, .type = FLOE_PLUGIN_COMPUTE, .name = "sleepy2",
                              .version = "1.0.0", .init = init_sleepy2, .health = sleepy_health);

static int cat_health(floe_health_status *out, floe_catalog_plugin *self, unsigned int timeout_ms)
{
    (void)self;
    seen_timeout = timeout_ms;
    out->state = FLOE_HEALTH_DEGRADED;
    snprintf(out->message, sizeof out->message, "listed namespaces slowly");
    return 0;
}

static void cat_free(floe_catalog_plugin *self)
{
    free(self);
}

static int init_cat(void **out, const floe_config *c, const floe_plugin_context *ctx)
{
    (void)c;
    (void)ctx;
    floe_catalog_plugin *p = calloc(1, sizeof *p);
    if (!p)
        return FLOE_ENOMEM;
    p->version = FLOE_CATALOG_PLUGIN_VERSION;
    p->health_check = cat_health;
    p->free = cat_free;
    *out = p;
    return 0;
}

static FLOE_PLUGIN_DESCRIPTOR(desc_cat, .type = FLOE_PLUGIN_CATALOG, .name = "cat",
                              .version = "1.0.0", .init = init_cat);

static void test_checks_run_concurrently_and_vtable_check_used_FR_014(void **state)
{
    (void)state;
    floe_registry *r = new_registry(5000);
    assert_int_equal(floe_registry_register(r, &desc_sleepy1, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_sleepy2, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_cat, NULL), 0);
    floe_plugin_health *h = NULL;
    size_t n = 0;
    meet_arrived = 0;
    assert_int_equal(floe_registry_health_check_all(&h, &n, r), 0);
    assert_int_equal(n, 3);
    assert_int_equal(find(h, n, "sleepy1")->status.state, FLOE_HEALTH_HEALTHY);
    assert_int_equal(find(h, n, "sleepy2")->status.state, FLOE_HEALTH_HEALTHY);
    /* No descriptor hook: the catalog vtable's own check runs, with the registry's limit. */
    const floe_plugin_health *c = find(h, n, "cat");
    assert_int_equal(c->status.state, FLOE_HEALTH_DEGRADED);
    assert_string_equal(c->status.message, "listed namespaces slowly");
    assert_int_equal(seen_timeout, 5000);
    floe_plugin_health_free(h);
    floe_registry_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_custom_and_failing_checks_FR_014_SC_007),
        cmocka_unit_test(test_slow_check_times_out_as_unhealthy_FR_014_SC_007),
        cmocka_unit_test(test_local_storage_health_checks_root_FR_014),
        cmocka_unit_test(test_checks_run_concurrently_and_vtable_check_used_FR_014),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
