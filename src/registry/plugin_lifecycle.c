/* Lifecycle hooks and health checks, each run in a worker thread with a time limit so that a
 * failing or hanging plugin is reported without stopping the others. A thread whose hook
 * never returns cannot be cancelled safely: it is detached, the plugin is marked failed and
 * hung, and its instance and library are never freed. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <floe/error.h>
#include <floe/log.h>
#include <floe/plugins/catalog.h>
#include <floe/plugins/storage.h>
#include <floe/registry.h>

#include "base/alloc.h"
#include "registry/registry_internal.h"

enum job_kind { JOB_HOOK, JOB_HEALTH, JOB_VTABLE_HEALTH };

struct hook_job {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done;
    int abandoned; /* the waiter gave up: the worker frees the job */
    enum job_kind kind;
    floe_plugin_hook_fn hook;
    floe_plugin_health_fn health;
    floe_plugin_type type;   /* JOB_VTABLE_HEALTH: which vtable */
    unsigned int timeout_ms; /* JOB_VTABLE_HEALTH: passed to the method */
    void *instance;
    int rc;
    char message[256];
    floe_health_status status;
};

static void job_free(struct hook_job *j)
{
    pthread_cond_destroy(&j->cv);
    pthread_mutex_destroy(&j->mu);
    floe_free(j);
}

static void *job_main(void *arg)
{
    struct hook_job *j = arg;
    int rc;
    floe_health_status st;
    memset(&st, 0, sizeof st);
    floe_error_clear();
    if (j->kind == JOB_HOOK)
        rc = j->hook(j->instance);
    else if (j->kind == JOB_HEALTH)
        rc = j->health(&st, j->instance);
    else if (j->type == FLOE_PLUGIN_CATALOG)
        rc = ((floe_catalog_plugin *)j->instance)
                 ->health_check(&st, (floe_catalog_plugin *)j->instance, j->timeout_ms);
    else
        rc = ((floe_storage_plugin *)j->instance)
                 ->health_check(&st, (floe_storage_plugin *)j->instance, j->timeout_ms);
    pthread_mutex_lock(&j->mu);
    j->rc = rc;
    if (rc)
        snprintf(j->message, sizeof j->message, "%s",
                 floe_error_last()[0] ? floe_error_last() : floe_strerror(rc));
    j->status = st;
    j->status.message[sizeof j->status.message - 1] = '\0';
    j->done = 1;
    int abandoned = j->abandoned;
    pthread_cond_signal(&j->cv);
    pthread_mutex_unlock(&j->mu);
    if (abandoned)
        job_free(j);
    return NULL;
}

/* Starts the job's thread. On failure the job is freed and *jp cleared. */
static int job_start(struct hook_job **jp)
{
    struct hook_job *j = *jp;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    int ok = pthread_mutex_init(&j->mu, NULL) == 0 && pthread_cond_init(&j->cv, &ca) == 0;
    pthread_condattr_destroy(&ca);
    if (!ok) {
        floe_free(j);
        *jp = NULL;
        return floe_error_set(FLOE_ERROR, "cannot create a synchronisation object for a hook");
    }
    pthread_t th;
    pthread_attr_t ta;
    pthread_attr_init(&ta);
    pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED);
    int prc = pthread_create(&th, &ta, job_main, j);
    pthread_attr_destroy(&ta);
    if (prc != 0) {
        job_free(j);
        *jp = NULL;
        return floe_error_set(FLOE_ERROR, "cannot start a thread for a hook: %s", strerror(prc));
    }
    return 0;
}

static struct timespec deadline_after(unsigned int timeout_ms)
{
    struct timespec d;
    clock_gettime(CLOCK_MONOTONIC, &d);
    d.tv_sec += timeout_ms / 1000;
    d.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (d.tv_nsec >= 1000000000L) {
        d.tv_sec++;
        d.tv_nsec -= 1000000000L;
    }
    return d;
}

/* Waits for a started job until `deadline`; 0 when it finished (its own rc is in the job), or
 * FLOE_ETIMEOUT, after which the job belongs to its worker and *jp is cleared. */
static int job_wait(struct hook_job **jp, const struct timespec *deadline)
{
    struct hook_job *j = *jp;
    pthread_mutex_lock(&j->mu);
    int wrc = 0;
    while (!j->done && wrc != ETIMEDOUT)
        wrc = pthread_cond_timedwait(&j->cv, &j->mu, deadline);
    if (!j->done) {
        j->abandoned = 1;
        pthread_mutex_unlock(&j->mu);
        *jp = NULL;
        return FLOE_ETIMEOUT;
    }
    pthread_mutex_unlock(&j->mu);
    return 0;
}

/* Runs the job with a limit (see job_wait). */
static int run_job(struct hook_job **jp, unsigned int timeout_ms)
{
    struct timespec deadline = deadline_after(timeout_ms);
    int rc = job_start(jp);
    return rc ? rc : job_wait(jp, &deadline);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs one hook on `e`'s instance; fills `res` and marks the entry on failure. Caller holds no
 * lock. */
static int run_hook(floe_registry *r, struct floe_registry_entry *e, floe_plugin_hook_fn hook,
                    const char *which, floe_hook_result *res)
{
    res->type = e->def->type;
    res->name = e->def->name;
    res->code = 0;
    res->message[0] = '\0';
    res->elapsed_ms = 0;
    if (!hook)
        return 0;
    struct hook_job *j = floe_calloc(1, sizeof *j);
    if (!j)
        return res->code = floe_error_set(FLOE_ENOMEM, "out of memory running a hook");
    j->kind = JOB_HOOK;
    j->hook = hook;
    j->instance = e->instance;
    int64_t t0 = mono_ms();
    int rc = run_job(&j, r->opts.hook_timeout_ms);
    res->elapsed_ms = mono_ms() - t0;
    if (rc == FLOE_ETIMEOUT) {
        snprintf(res->message, sizeof res->message,
                 "%s hook of %s plugin '%s' did not finish within %u ms; the plugin is marked "
                 "failed",
                 which, floe_plugin_type_name(e->def->type), e->def->name, r->opts.hook_timeout_ms);
        pthread_mutex_lock(&r->mu);
        e->failed = 1;
        e->hung = 1;
        pthread_mutex_unlock(&r->mu);
    } else if (rc == 0 && j->rc) {
        rc = j->rc;
        snprintf(res->message, sizeof res->message, "%s hook of %s plugin '%s' failed: %.150s",
                 which, floe_plugin_type_name(e->def->type), e->def->name, j->message);
        pthread_mutex_lock(&r->mu);
        e->failed = 1;
        pthread_mutex_unlock(&r->mu);
    } else if (rc) {
        snprintf(res->message, sizeof res->message, "%s", floe_error_last());
    }
    if (j)
        job_free(j);
    res->code = rc;
    if (rc)
        floe_log(FLOE_LOG_ERROR, "plugin hook failed", "plugin", e->def->name, "type",
                 floe_plugin_type_name(e->def->type), "hook", which, "reason", res->message, NULL);
    return rc;
}

struct results {
    floe_hook_result *items;
    size_t n, cap;
};

static floe_hook_result *results_add(struct results *rs)
{
    if (rs->n == rs->cap) {
        size_t ncap = rs->cap ? rs->cap * 2 : 8, bytes;
        floe_hook_result *p = NULL;
        if (floe_mul_size(ncap, sizeof *p, &bytes) == 0)
            p = floe_realloc(rs->items, bytes);
        if (!p)
            return NULL;
        rs->items = p;
        rs->cap = ncap;
    }
    floe_hook_result *x = &rs->items[rs->n++];
    memset(x, 0, sizeof *x);
    return x;
}

static int finish(floe_hook_result **out, size_t *count, struct results *rs, int first)
{
    if (out) {
        *out = rs->items;
        if (count)
            *count = rs->n;
    } else {
        floe_free(rs->items);
        if (count)
            *count = rs->n;
    }
    return first;
}

void floe_hook_results_free(floe_hook_result *results)
{
    floe_free(results);
}

/* Whether any dependency of `e` failed or is not active. Caller holds r->mu. */
static const char *failed_dependency(floe_registry *r, struct floe_registry_entry *e)
{
    for (const floe_plugin_dependency *d = e->def->dependencies; d && d->name; d++) {
        struct floe_registry_entry *x = NULL;
        if (d->type != FLOE_PLUGIN_ANY_TYPE)
            x = floe_registry__find(r, d->type, d->name);
        else
            for (int t = 0; t < FLOE_PLUGIN_TYPE_COUNT && !x; t++)
                x = floe_registry__find(r, t, d->name);
        if (!x || x->failed || !x->active)
            return d->name;
    }
    return NULL;
}

/* Activates the entries of `order` in turn. */
static int activate_list(struct results *rs, floe_registry *r, struct floe_registry_entry **order,
                         size_t n)
{
    int first = 0;
    for (size_t i = 0; i < n; i++) {
        struct floe_registry_entry *e = order[i];
        floe_hook_result *res = results_add(rs);
        if (!res)
            return floe_error_set(FLOE_ENOMEM, "out of memory activating plugins");
        res->type = e->def->type;
        res->name = e->def->name;
        pthread_mutex_lock(&r->mu);
        if (e->active || e->starting) {
            pthread_mutex_unlock(&r->mu);
            rs->n--; /* already done (or being done by another thread) */
            continue;
        }
        const char *bad = failed_dependency(r, e);
        int rc = 0;
        if (bad) {
            rc = FLOE_EDEPENDENCY;
            snprintf(res->message, sizeof res->message,
                     "%s plugin '%s' was not started: its dependency '%s' failed",
                     floe_plugin_type_name(e->def->type), e->def->name, bad);
        } else if (!e->instance) {
            rc = floe_registry__instantiate(r, e);
            if (rc)
                snprintf(res->message, sizeof res->message, "%s", floe_error_last());
        }
        if (rc) {
            if (rc != FLOE_ENOMEM)
                e->failed = 1;
            res->code = rc;
            pthread_mutex_unlock(&r->mu);
            floe_log(FLOE_LOG_ERROR, "plugin not activated", "plugin", e->def->name, "type",
                     floe_plugin_type_name(e->def->type), "reason", res->message, NULL);
            if (!first)
                first = rc;
            continue;
        }
        e->starting = 1;
        pthread_mutex_unlock(&r->mu);
        rc = run_hook(r, e, e->def->startup, "startup", res);
        pthread_mutex_lock(&r->mu);
        e->starting = 0;
        if (rc == 0) {
            e->active = 1;
            if (floe_registry__push(&r->started, &r->nstarted, &r->capstarted, e) != 0)
                rc = res->code = floe_error_set(FLOE_ENOMEM, "out of memory activating plugins");
        }
        pthread_mutex_unlock(&r->mu);
        if (rc && !first)
            first = rc;
    }
    return first;
}

int floe_registry_activate(floe_hook_result **results, size_t *count, floe_registry *r,
                           floe_plugin_type type, const char *name)
{
    if (results)
        *results = NULL;
    if (count)
        *count = 0;
    if (!r || !name)
        return floe_error_set(FLOE_EINVALID, "floe_registry_activate: NULL argument");
    pthread_mutex_lock(&r->mu);
    struct floe_registry_entry *e = floe_registry__find(r, type, name);
    struct floe_registry_entry **order = NULL;
    size_t n = 0;
    int rc;
    if (!e) {
        void *unused;
        pthread_mutex_unlock(&r->mu);
        return floe_registry_get(&unused, r, type, name); /* sets the not-found message */
    }
    rc = floe_registry__order(&order, &n, r, e);
    pthread_mutex_unlock(&r->mu);
    if (rc)
        return rc;
    struct results rs = {NULL, 0, 0};
    rc = activate_list(&rs, r, order, n);
    floe_free(order);
    if (rc && rs.n)
        floe_error_set(rc, "%s",
                       rs.items[rs.n - 1].message[0] ? rs.items[rs.n - 1].message
                                                     : floe_strerror(rc));
    return finish(results, count, &rs, rc);
}

int floe_registry_activate_all(floe_hook_result **results, size_t *count, floe_registry *r)
{
    if (results)
        *results = NULL;
    if (count)
        *count = 0;
    if (!r)
        return floe_error_set(FLOE_EINVALID, "floe_registry_activate_all: NULL registry");
    pthread_mutex_lock(&r->mu);
    struct floe_registry_entry **order = NULL;
    size_t n = 0;
    int rc = floe_registry__order(&order, &n, r, NULL);
    pthread_mutex_unlock(&r->mu);
    if (rc)
        return rc;
    struct results rs = {NULL, 0, 0};
    rc = activate_list(&rs, r, order, n);
    floe_free(order);
    for (size_t i = 0; rc && i < rs.n; i++)
        if (rs.items[i].code) {
            floe_error_set(rc, "%s", rs.items[i].message);
            break;
        }
    return finish(results, count, &rs, rc);
}

int floe_registry_shutdown_all(floe_hook_result **results, size_t *count, floe_registry *r)
{
    if (results)
        *results = NULL;
    if (count)
        *count = 0;
    if (!r)
        return floe_error_set(FLOE_EINVALID, "floe_registry_shutdown_all: NULL registry");
    struct results rs = {NULL, 0, 0};
    int first = 0;
    for (;;) {
        pthread_mutex_lock(&r->mu);
        struct floe_registry_entry *e = r->nstarted ? r->started[--r->nstarted] : NULL;
        if (e)
            e->active = 0;
        pthread_mutex_unlock(&r->mu);
        if (!e)
            break;
        floe_hook_result *res = results_add(&rs);
        if (!res) {
            first = floe_error_set(FLOE_ENOMEM, "out of memory shutting plugins down");
            break;
        }
        int rc = run_hook(r, e, e->def->shutdown, "shutdown", res);
        if (rc && !first)
            first = rc;
    }
    for (size_t i = 0; first && i < rs.n; i++)
        if (rs.items[i].code) {
            floe_error_set(first, "%s", rs.items[i].message);
            break;
        }
    return finish(results, count, &rs, first);
}

static void unhealthy(floe_health_status *st, const char *why)
{
    st->state = FLOE_HEALTH_UNHEALTHY;
    snprintf(st->message, sizeof st->message, "%s", why);
}

/* One health check in flight. */
struct pending_check {
    struct floe_registry_entry *e;
    floe_health_status *st;
    struct hook_job *job; /* NULL when the verdict is already in *st */
    struct timespec deadline;
    int64_t t0;
};

/* Whether the instance's vtable has its own health_check (catalog, storage). */
static int vtable_health(floe_plugin_type type, void *inst)
{
    if (type == FLOE_PLUGIN_CATALOG)
        return ((floe_catalog_plugin *)inst)->health_check != NULL;
    if (type == FLOE_PLUGIN_STORAGE)
        return ((floe_storage_plugin *)inst)->health_check != NULL;
    return 0;
}

/* Starts checking one entry: creates it if needed and starts its check in a worker thread,
 * or settles the verdict at once (no check, cannot be created). Caller holds no lock. */
static void check_start(struct pending_check *pc, floe_registry *r)
{
    struct floe_registry_entry *e = pc->e;
    floe_health_status *st = pc->st;
    memset(st, 0, sizeof *st);
    pc->job = NULL;
    pc->t0 = mono_ms();
    pthread_mutex_lock(&r->mu);
    int rc = e->hung ? FLOE_ETIMEOUT : floe_registry__instantiate(r, e);
    char why[256];
    if (rc == FLOE_ETIMEOUT)
        snprintf(why, sizeof why,
                 "an earlier hook or health check of this plugin has not returned");
    else if (rc)
        snprintf(why, sizeof why, "cannot be created: %s", floe_error_last());
    pthread_mutex_unlock(&r->mu);
    if (rc) {
        unhealthy(st, why);
        return;
    }
    int by_vtable = !e->def->health && vtable_health(e->def->type, e->instance);
    if (!e->def->health && !by_vtable) {
        st->state = FLOE_HEALTH_HEALTHY; /* nothing to check: the default verdict */
        return;
    }
    struct hook_job *j = floe_calloc(1, sizeof *j);
    if (!j) {
        unhealthy(st, "out of memory running the health check");
        return;
    }
    j->kind = by_vtable ? JOB_VTABLE_HEALTH : JOB_HEALTH;
    j->health = e->def->health;
    j->type = e->def->type;
    j->timeout_ms = r->opts.health_timeout_ms;
    j->instance = e->instance;
    pc->deadline = deadline_after(r->opts.health_timeout_ms);
    if (job_start(&j) != 0) {
        unhealthy(st, floe_error_last());
        return;
    }
    pc->job = j;
}

/* Waits for a started check and records its verdict, response time and time of check. */
static void check_finish(struct pending_check *pc, floe_registry *r)
{
    floe_health_status *st = pc->st;
    if (pc->job) {
        char why[256];
        if (job_wait(&pc->job, &pc->deadline) == FLOE_ETIMEOUT) {
            snprintf(why, sizeof why, "health check did not finish within %u ms",
                     r->opts.health_timeout_ms);
            unhealthy(st, why);
            /* Its thread still uses the instance: never free it. */
            pthread_mutex_lock(&r->mu);
            pc->e->hung = 1;
            pthread_mutex_unlock(&r->mu);
        } else if (pc->job->rc) {
            snprintf(why, sizeof why, "health check failed: %.200s", pc->job->message);
            unhealthy(st, why);
        } else {
            *st = pc->job->status;
            if ((unsigned)st->state > (unsigned)FLOE_HEALTH_UNHEALTHY)
                unhealthy(st, "health check returned an unknown state");
        }
        if (pc->job)
            job_free(pc->job);
        pc->job = NULL;
    }
    st->response_time_ms = mono_ms() - pc->t0;
    st->checked_at = floe_registry__now_ms();
}

int floe_registry_health_check(floe_health_status *out, floe_registry *r, floe_plugin_type type,
                               const char *name)
{
    if (!out || !r || !name)
        return floe_error_set(FLOE_EINVALID, "floe_registry_health_check: NULL argument");
    pthread_mutex_lock(&r->mu);
    struct floe_registry_entry *e = floe_registry__find(r, type, name);
    pthread_mutex_unlock(&r->mu);
    if (!e) {
        void *unused;
        return floe_registry_get(&unused, r, type, name); /* sets the not-found message */
    }
    struct pending_check pc = {e, out, NULL, {0, 0}, 0};
    check_start(&pc, r);
    check_finish(&pc, r);
    return 0;
}

int floe_registry_health_check_all(floe_plugin_health **out, size_t *count, floe_registry *r)
{
    if (!out || !count || !r)
        return floe_error_set(FLOE_EINVALID, "floe_registry_health_check_all: NULL argument");
    *out = NULL;
    *count = 0;
    floe_plugin_info *list = NULL;
    size_t n = 0;
    int rc = floe_registry_list_all(&list, &n, r);
    if (rc)
        return rc;
    floe_plugin_health *res = n ? floe_calloc(n, sizeof *res) : NULL;
    struct pending_check *pcs = n ? floe_calloc(n, sizeof *pcs) : NULL;
    if (n && (!res || !pcs)) {
        floe_free(res);
        floe_free(pcs);
        floe_plugin_info_free(list);
        return floe_error_set(FLOE_ENOMEM, "out of memory checking plugin health");
    }
    /* All checks run at once, so the whole takes about the slowest one, not the sum. */
    for (size_t i = 0; i < n; i++) {
        pthread_mutex_lock(&r->mu);
        pcs[i].e = floe_registry__find(r, list[i].def->type, list[i].def->name);
        pthread_mutex_unlock(&r->mu);
        res[i].type = list[i].def->type;
        res[i].name = list[i].def->name;
        pcs[i].st = &res[i].status;
        check_start(&pcs[i], r);
    }
    for (size_t i = 0; i < n; i++)
        check_finish(&pcs[i], r);
    floe_free(pcs);
    floe_plugin_info_free(list);
    *out = res;
    *count = n;
    return 0;
}

void floe_plugin_health_free(floe_plugin_health *list)
{
    floe_free(list);
}
