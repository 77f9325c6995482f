/* US2 — registration and lookup (FR-002, FR-009, FR-011, SC-002): register, get (lazily),
 * list by type, list all; duplicates refused; not-found names what is available; the
 * registry is safe to use from several threads. */
#include "test_support.h"

#include <pthread.h>
#include <string.h>

#include <floe/error.h>
#include <floe/registry.h>

#include "tiny_plugin.h"

TINY_PLUGIN(alpha, NULL);
TINY_PLUGIN(beta, NULL);
TINY_PLUGIN(gamma, NULL);

static floe_registry *new_registry(void)
{
    floe_registry *r = NULL;
    assert_int_equal(floe_registry_new(&r, NULL), 0);
    return r;
}

static void test_register_get_list_FR_002_SC_002(void **state)
{
    (void)state;
    tiny_reset();
    floe_registry *r = new_registry();
    assert_int_equal(floe_registry_register(r, &desc_beta, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_alpha, NULL), 0);
    assert_int_equal(floe_registry_register_builtins(r), 0);

    floe_plugin_info *list = NULL;
    size_t n = 0;
    assert_int_equal(floe_registry_list(&list, &n, r, FLOE_PLUGIN_COMPUTE), 0);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].def->name, "alpha"); /* sorted by name */
    assert_string_equal(list[1].def->name, "beta");
    assert_string_equal(list[0].origin, "built-in");
    floe_plugin_info_free(list);

    assert_int_equal(floe_registry_list(&list, &n, r, FLOE_PLUGIN_CATALOG), 0);
    assert_int_equal(n, 0);
    assert_null(list);

    assert_int_equal(floe_registry_list_all(&list, &n, r), 0);
    assert_int_equal(n, 3);
    assert_int_equal(list[0].def->type, FLOE_PLUGIN_COMPUTE); /* grouped by type */
    assert_int_equal(list[2].def->type, FLOE_PLUGIN_STORAGE);
    assert_string_equal(list[2].def->name, "local");
    floe_plugin_info_free(list);

    /* get creates the instance once, on first use. */
    assert_int_equal(tiny_inits, 0);
    void *a1 = NULL, *a2 = NULL;
    assert_int_equal(floe_registry_get(&a1, r, FLOE_PLUGIN_COMPUTE, "alpha"), 0);
    assert_int_equal(floe_registry_get(&a2, r, FLOE_PLUGIN_COMPUTE, "alpha"), 0);
    assert_ptr_equal(a1, a2);
    assert_int_equal(tiny_inits, 1);
    assert_string_equal(tiny_name(a1), "alpha");
    floe_plugin_info info;
    assert_int_equal(floe_registry_lookup(&info, r, FLOE_PLUGIN_COMPUTE, "alpha"), 0);
    assert_int_equal(info.loaded, 1);
    assert_int_equal(floe_registry_lookup(&info, r, FLOE_PLUGIN_COMPUTE, "beta"), 0);
    assert_int_equal(info.loaded, 0);

    /* Freeing the registry frees the instances it created. */
    floe_registry_free(r);
    assert_int_equal(tiny_frees, 1);
}

static void test_duplicate_registration_refused_FR_009(void **state)
{
    (void)state;
    floe_registry *r = new_registry();
    assert_int_equal(floe_registry_register(r, &desc_alpha, NULL), 0);
    int rc = floe_registry_register(r, &desc_alpha, "/somewhere/alpha.so");
    assert_int_equal(rc, FLOE_EEXISTS);
    assert_non_null(strstr(floe_error_last(), "DuplicatePluginError"));
    assert_non_null(strstr(floe_error_last(), "'alpha'"));
    assert_non_null(strstr(floe_error_last(), "built-in"));
    /* The same name under another type is a different plugin. */
    assert_int_equal(floe_registry_register_builtins(r), 0);
    assert_int_equal(floe_registry_register_builtins(r), FLOE_EEXISTS);
    floe_plugin_info *list = NULL;
    size_t n = 0;
    assert_int_equal(floe_registry_list_all(&list, &n, r), 0);
    assert_int_equal(n, 2);
    floe_plugin_info_free(list);
    floe_registry_free(r);
}

static void test_not_found_names_available_plugins_FR_002(void **state)
{
    (void)state;
    floe_registry *r = new_registry();
    assert_int_equal(floe_registry_register(r, &desc_alpha, NULL), 0);
    assert_int_equal(floe_registry_register(r, &desc_beta, NULL), 0);
    void *inst = (void *)1;
    assert_int_equal(floe_registry_get(&inst, r, FLOE_PLUGIN_COMPUTE, "delta"), FLOE_ENOTFOUND);
    assert_null(inst);
    const char *m = floe_error_last();
    assert_non_null(strstr(m, "'delta'"));
    assert_non_null(strstr(m, "'alpha', 'beta'"));
    assert_int_equal(floe_registry_get(&inst, r, FLOE_PLUGIN_CATALOG, "x"), FLOE_ENOTFOUND);
    assert_non_null(strstr(floe_error_last(), "available catalog plugins: none"));
    floe_registry_free(r);
}

static void test_invalid_descriptors_refused_FR_002(void **state)
{
    (void)state;
    floe_registry *r = new_registry();
    floe_plugin_def d = desc_alpha;
    d.name = "Bad Name";
    assert_int_equal(floe_registry_register(r, &d, NULL), FLOE_EPLUGIN);
    d = desc_alpha;
    d.version = "1.0";
    assert_int_equal(floe_registry_register(r, &d, NULL), FLOE_EPLUGIN);
    assert_non_null(strstr(floe_error_last(), "'1.0' is not a semantic version"));
    d = desc_alpha;
    d.init = NULL;
    assert_int_equal(floe_registry_register(r, &d, NULL), FLOE_EPLUGIN);
    d = desc_alpha;
    d.type = (floe_plugin_type)42;
    assert_int_equal(floe_registry_register(r, &d, NULL), FLOE_EPLUGIN);
    floe_plugin_info *list = NULL;
    size_t n = 9;
    assert_int_equal(floe_registry_list_all(&list, &n, r), 0);
    assert_int_equal(n, 0);
    floe_registry_free(r);
}

/* Many descriptors for the concurrency test: each thread registers its own and reads all. */
#define NTHREADS   6
#define PER_THREAD 20
static floe_plugin_def thread_defs[NTHREADS][PER_THREAD];
static char thread_names[NTHREADS][PER_THREAD][32];

struct thread_arg {
    floe_registry *r;
    int id;
    int failures;
};

static void *worker(void *p)
{
    struct thread_arg *a = p;
    for (int i = 0; i < PER_THREAD; i++) {
        if (floe_registry_register(a->r, &thread_defs[a->id][i], NULL) != 0)
            a->failures++;
        /* Everyone races on the shared plugins too. */
        void *inst = NULL;
        if (floe_registry_get(&inst, a->r, FLOE_PLUGIN_COMPUTE, "gamma") != 0 || !inst)
            a->failures++;
        if (floe_registry_get(&inst, a->r, FLOE_PLUGIN_COMPUTE, thread_names[a->id][i]) != 0)
            a->failures++;
        floe_plugin_info *list = NULL;
        size_t n = 0;
        if (floe_registry_list_all(&list, &n, a->r) != 0 || n < 2)
            a->failures++;
        floe_plugin_info_free(list);
    }
    return NULL;
}

static void test_concurrent_register_and_get_are_thread_safe_FR_011(void **state)
{
    (void)state;
    tiny_reset();
    floe_registry *r = new_registry();
    assert_int_equal(floe_registry_register(r, &desc_gamma, NULL), 0);
    for (int t = 0; t < NTHREADS; t++)
        for (int i = 0; i < PER_THREAD; i++) {
            snprintf(thread_names[t][i], sizeof thread_names[t][i], "t%d-p%d", t, i);
            thread_defs[t][i] = desc_alpha;
            thread_defs[t][i].name = thread_names[t][i];
        }
    pthread_t th[NTHREADS];
    struct thread_arg args[NTHREADS];
    for (int t = 0; t < NTHREADS; t++) {
        args[t] = (struct thread_arg){r, t, 0};
        assert_int_equal(pthread_create(&th[t], NULL, worker, &args[t]), 0);
    }
    for (int t = 0; t < NTHREADS; t++) {
        assert_int_equal(pthread_join(th[t], NULL), 0);
        assert_int_equal(args[t].failures, 0);
    }
    floe_plugin_info *list = NULL;
    size_t n = 0;
    assert_int_equal(floe_registry_list(&list, &n, r, FLOE_PLUGIN_COMPUTE), 0);
    assert_int_equal(n, 1 + NTHREADS * PER_THREAD);
    floe_plugin_info_free(list);
    /* "gamma" was created once, whatever the race; each thread's plugins once each. */
    assert_int_equal(tiny_inits, 1 + NTHREADS * PER_THREAD);
    floe_registry_free(r);
    assert_int_equal(tiny_frees, tiny_inits);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register_get_list_FR_002_SC_002),
        cmocka_unit_test(test_duplicate_registration_refused_FR_009),
        cmocka_unit_test(test_not_found_names_available_plugins_FR_002),
        cmocka_unit_test(test_invalid_descriptors_refused_FR_002),
        cmocka_unit_test(test_concurrent_register_and_get_are_thread_safe_FR_011),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
