/* The plugin registry: registration, lookup, listing, configuration, lazy instantiation in
 * dependency order, the process-wide instance. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dlfcn.h>

#include <floe/error.h>
#include <floe/log.h>
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

#include "base/alloc.h"
#include "base/buf.h"
#include "registry/config_internal.h"
#include "registry/registry_internal.h"

int64_t floe_registry__now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int floe_registry__push(struct floe_registry_entry ***arr, size_t *n, size_t *cap,
                        struct floe_registry_entry *e)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8, bytes;
        if (floe_mul_size(ncap, sizeof **arr, &bytes) != 0)
            return FLOE_ENOMEM;
        struct floe_registry_entry **p = floe_realloc(*arr, bytes);
        if (!p)
            return FLOE_ENOMEM;
        *arr = p;
        *cap = ncap;
    }
    (*arr)[(*n)++] = e;
    return 0;
}

int floe_registry_new(floe_registry **out, const floe_registry_options *options)
{
    if (!out)
        return floe_error_set(FLOE_EINVALID, "floe_registry_new: NULL out");
    *out = NULL;
    if (options && options->version < 1)
        return floe_error_set(FLOE_EINVALID, "floe_registry_options version %u is not supported",
                              options->version);
    floe_registry *r = floe_calloc(1, sizeof *r);
    if (!r)
        return floe_error_set(FLOE_ENOMEM, "out of memory creating a plugin registry");
    floe_registry_options defaults = FLOE_REGISTRY_OPTIONS_INIT;
    r->opts = options ? *options : defaults;
    if (!r->opts.hook_timeout_ms)
        r->opts.hook_timeout_ms = FLOE_REGISTRY_HOOK_TIMEOUT_MS;
    if (!r->opts.health_timeout_ms)
        r->opts.health_timeout_ms = FLOE_REGISTRY_HEALTH_TIMEOUT_MS;
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    int prc = pthread_mutex_init(&r->mu, &attr);
    pthread_mutexattr_destroy(&attr);
    if (prc != 0) {
        floe_free(r);
        return floe_error_set(FLOE_ERROR, "cannot create the registry's lock");
    }
    *out = r;
    return 0;
}

static void instance_free(floe_plugin_type type, void *inst)
{
    if (!inst)
        return;
    switch (type) {
    case FLOE_PLUGIN_COMPUTE:
        ((floe_compute_plugin *)inst)->free(inst);
        break;
    case FLOE_PLUGIN_ORCHESTRATOR:
        ((floe_orchestrator_plugin *)inst)->free(inst);
        break;
    case FLOE_PLUGIN_CATALOG:
        ((floe_catalog_plugin *)inst)->free(inst);
        break;
    case FLOE_PLUGIN_STORAGE:
        ((floe_storage_plugin *)inst)->free(inst);
        break;
    case FLOE_PLUGIN_TELEMETRY:
        ((floe_telemetry_plugin *)inst)->free(inst);
        break;
    case FLOE_PLUGIN_LINEAGE:
        ((floe_lineage_plugin *)inst)->free(inst);
        break;
    case FLOE_PLUGIN_DBT:
        ((floe_dbt_plugin *)inst)->free(inst);
        break;
    case FLOE_PLUGIN_SEMANTIC:
        ((floe_semantic_plugin *)inst)->free(inst);
        break;
    case FLOE_PLUGIN_INGESTION:
        ((floe_ingestion_plugin *)inst)->free(inst);
        break;
    case FLOE_PLUGIN_SECRETS:
        ((floe_secrets_plugin *)inst)->free(inst);
        break;
    case FLOE_PLUGIN_IDENTITY:
        ((floe_identity_plugin *)inst)->free(inst);
        break;
    case FLOE_PLUGIN_TYPE_COUNT:
        break;
    }
}

/* The vtable's mandatory `free`, read at the right offset for the type. */
static int instance_has_free(floe_plugin_type type, void *inst)
{
    switch (type) {
    case FLOE_PLUGIN_COMPUTE:
        return ((floe_compute_plugin *)inst)->free != NULL;
    case FLOE_PLUGIN_ORCHESTRATOR:
        return ((floe_orchestrator_plugin *)inst)->free != NULL;
    case FLOE_PLUGIN_CATALOG:
        return ((floe_catalog_plugin *)inst)->free != NULL;
    case FLOE_PLUGIN_STORAGE:
        return ((floe_storage_plugin *)inst)->free != NULL;
    case FLOE_PLUGIN_TELEMETRY:
        return ((floe_telemetry_plugin *)inst)->free != NULL;
    case FLOE_PLUGIN_LINEAGE:
        return ((floe_lineage_plugin *)inst)->free != NULL;
    case FLOE_PLUGIN_DBT:
        return ((floe_dbt_plugin *)inst)->free != NULL;
    case FLOE_PLUGIN_SEMANTIC:
        return ((floe_semantic_plugin *)inst)->free != NULL;
    case FLOE_PLUGIN_INGESTION:
        return ((floe_ingestion_plugin *)inst)->free != NULL;
    case FLOE_PLUGIN_SECRETS:
        return ((floe_secrets_plugin *)inst)->free != NULL;
    case FLOE_PLUGIN_IDENTITY:
        return ((floe_identity_plugin *)inst)->free != NULL;
    case FLOE_PLUGIN_TYPE_COUNT:
        break;
    }
    return 0;
}

/* Instances of hung plugins outlive their registry (their thread may still use them); they
 * stay referenced here so leak checkers see them as deliberately kept. */
static pthread_mutex_t graveyard_mu = PTHREAD_MUTEX_INITIALIZER;
static void *graveyard[64];
static size_t graveyard_n;

static void keep_forever(void *instance)
{
    pthread_mutex_lock(&graveyard_mu);
    if (graveyard_n < sizeof graveyard / sizeof graveyard[0])
        graveyard[graveyard_n++] = instance;
    pthread_mutex_unlock(&graveyard_mu);
}

void floe_registry_free(floe_registry *r)
{
    if (!r)
        return;
    /* Dependents were created after their dependencies: free them first. */
    for (size_t i = r->ninited; i-- > 0;) {
        struct floe_registry_entry *e = r->inited[i];
        if (e->instance && !e->hung)
            instance_free(e->def->type, e->instance);
        else if (e->instance)
            keep_forever(e->instance);
        e->instance = NULL;
    }
    for (size_t i = 0; i < r->n; i++) {
        struct floe_registry_entry *e = r->entries[i];
        floe_config_free(e->config);
        /* A hung hook's thread may still run the library's code: keep it mapped. */
        if (e->dl && !e->hung)
            dlclose(e->dl);
        floe_free(e->origin);
        floe_free(e);
    }
    for (size_t i = 0; i < r->ndisc; i++) {
        floe_free(r->disc[i].path);
        floe_free(r->disc[i].reason);
        floe_free(r->disc[i].name);
    }
    floe_free(r->disc);
    floe_free(r->entries);
    floe_free(r->inited);
    floe_free(r->started);
    pthread_mutex_destroy(&r->mu);
    floe_free(r);
}

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t global_mu = PTHREAD_MUTEX_INITIALIZER;
static floe_registry *global_registry;

static floe_registry *global_create(void)
{
    floe_registry *r = NULL;
    if (floe_registry_new(&r, NULL) != 0)
        return NULL;
    /* Built-ins first, so a loadable plugin cannot take a built-in's name; then whatever
     * FLOE_PLUGIN_PATH and the install directory hold (refusals are recorded, not fatal). */
    if (floe_registry_register_builtins(r) != 0 || floe_registry_discover(r, NULL, 0) != 0) {
        floe_registry_free(r);
        return NULL;
    }
    return r;
}

static void global_init(void)
{
    pthread_mutex_lock(&global_mu);
    if (!global_registry)
        global_registry = global_create();
    pthread_mutex_unlock(&global_mu);
}

floe_registry *floe_registry_global(void)
{
    pthread_once(&global_once, global_init);
    pthread_mutex_lock(&global_mu);
    if (!global_registry) /* after floe_registry_reset_for_tests() */
        global_registry = global_create();
    floe_registry *r = global_registry;
    pthread_mutex_unlock(&global_mu);
    return r;
}

void floe_registry_reset_for_tests(void)
{
    pthread_mutex_lock(&global_mu);
    floe_registry *r = global_registry;
    global_registry = NULL;
    pthread_mutex_unlock(&global_mu);
    floe_registry_free(r);
}

struct floe_registry_entry *floe_registry__find(floe_registry *r, int type, const char *name)
{
    for (size_t i = 0; i < r->n; i++) {
        struct floe_registry_entry *e = r->entries[i];
        if ((type == FLOE_PLUGIN_ANY_TYPE || (int)e->def->type == type) &&
            strcmp(e->def->name, name) == 0)
            return e;
    }
    return NULL;
}

static int valid_name(const char *s)
{
    if (!s || !*s || strlen(s) > 128)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
              *s == '.'))
            return 0;
    return 1;
}

/* "a, b, c" naming the plugins of a type, for not-found messages. */
static void available_names(floe_buf *b, floe_registry *r, int type)
{
    int any = 0;
    for (size_t i = 0; i < r->n; i++)
        if ((int)r->entries[i]->def->type == type) {
            if (floe_buf_printf(b, "%s'%s'", any ? ", " : "", r->entries[i]->def->name) != 0)
                return;
            any = 1;
        }
    if (!any)
        floe_buf_append_str(b, "none");
}

static int not_found(floe_registry *r, int type, const char *name)
{
    floe_buf b = FLOE_BUF_INIT;
    available_names(&b, r, type);
    const char *list = floe_buf_cstr(&b);
    const char *tname = floe_plugin_type_name(type);
    int rc = floe_error_set(FLOE_ENOTFOUND,
                            "PluginNotFoundError: no %s plugin named '%s' is registered "
                            "(available %s plugins: %s); install it or check FLOE_PLUGIN_PATH",
                            tname ? tname : "?", name ? name : "(null)", tname ? tname : "?",
                            list ? list : "?");
    floe_buf_free(&b);
    return rc;
}

int floe_registry__register(floe_registry *r, const floe_plugin_def *def, const char *origin,
                            void *dl)
{
    if (!r || !def)
        return floe_error_set(FLOE_EINVALID, "floe_registry_register: NULL argument");
    int rc = floe_plugin_abi_check(&def->abi);
    if (rc)
        return rc;
    if ((unsigned)def->type >= (unsigned)FLOE_PLUGIN_TYPE_COUNT)
        return floe_error_set(FLOE_EPLUGIN, "plugin descriptor has unknown type %d",
                              (int)def->type);
    if (!valid_name(def->name))
        return floe_error_set(FLOE_EPLUGIN,
                              "plugin name '%s' is invalid: use 1-128 characters of [a-z0-9_.-]",
                              def->name ? def->name : "(null)");
    rc = floe_plugin_api_compatible(def->api_major, def->api_minor, def->name);
    if (rc)
        return rc;
    if (floe_semver_parse(NULL, def->version) != 0)
        return floe_error_wrap(FLOE_EPLUGIN, "plugin '%s' version", def->name);
    if (!def->init)
        return floe_error_set(FLOE_EPLUGIN, "plugin '%s' has no init function", def->name);
    for (const floe_plugin_dependency *d = def->dependencies; d && d->name; d++)
        if (d->type != FLOE_PLUGIN_ANY_TYPE && (d->type < 0 || d->type >= FLOE_PLUGIN_TYPE_COUNT))
            return floe_error_set(FLOE_EPLUGIN, "plugin '%s' depends on '%s' of unknown type %d",
                                  def->name, d->name, d->type);
    rc = floe_config__check_schema(def->config_schema, def->name);
    if (rc)
        return rc;

    struct floe_registry_entry *e = floe_calloc(1, sizeof *e);
    char *org = floe_strdup(origin ? origin : FLOE_PLUGIN_ORIGIN_BUILTIN);
    if (!e || !org) {
        floe_free(e);
        floe_free(org);
        return floe_error_set(FLOE_ENOMEM, "out of memory registering plugin '%s'", def->name);
    }
    e->def = def;
    e->origin = org;
    pthread_mutex_lock(&r->mu);
    struct floe_registry_entry *dup = floe_registry__find(r, def->type, def->name);
    if (dup) {
        rc = floe_error_set(FLOE_EEXISTS,
                            "DuplicatePluginError: a %s plugin named '%s' is already registered "
                            "(from %s); remove one of them or rename it",
                            floe_plugin_type_name(def->type), def->name, dup->origin);
    } else if (floe_registry__push(&r->entries, &r->n, &r->cap, e) != 0) {
        rc = floe_error_set(FLOE_ENOMEM, "out of memory registering plugin '%s'", def->name);
    } else {
        e->dl = dl;
    }
    pthread_mutex_unlock(&r->mu);
    if (rc) {
        floe_free(org);
        floe_free(e);
    }
    return rc;
}

int floe_registry_register(floe_registry *registry, const floe_plugin_def *def, const char *origin)
{
    return floe_registry__register(registry, def, origin, NULL);
}

static void fill_info(floe_plugin_info *out, const struct floe_registry_entry *e)
{
    out->def = e->def;
    out->origin = e->origin;
    out->configured = e->config != NULL;
    out->loaded = e->instance != NULL;
    out->active = e->active;
    out->failed = e->failed;
}

int floe_registry_lookup(floe_plugin_info *out, floe_registry *r, floe_plugin_type type,
                         const char *name)
{
    if (!out || !r || !name)
        return floe_error_set(FLOE_EINVALID, "floe_registry_lookup: NULL argument");
    pthread_mutex_lock(&r->mu);
    struct floe_registry_entry *e = floe_registry__find(r, type, name);
    int rc = 0;
    if (e)
        fill_info(out, e);
    else
        rc = not_found(r, type, name);
    pthread_mutex_unlock(&r->mu);
    return rc;
}

static int cmp_info(const void *a, const void *b)
{
    const floe_plugin_info *x = a, *y = b;
    if (x->def->type != y->def->type)
        return (int)x->def->type - (int)y->def->type;
    return strcmp(x->def->name, y->def->name);
}

static int list_filtered(floe_plugin_info **out, size_t *count, floe_registry *r, int type)
{
    if (!out || !count || !r)
        return floe_error_set(FLOE_EINVALID, "floe_registry_list: NULL argument");
    *out = NULL;
    *count = 0;
    pthread_mutex_lock(&r->mu);
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++)
        if (type == FLOE_PLUGIN_ANY_TYPE || (int)r->entries[i]->def->type == type)
            n++;
    floe_plugin_info *list = NULL;
    if (n) {
        list = floe_calloc(n, sizeof *list);
        if (!list) {
            pthread_mutex_unlock(&r->mu);
            return floe_error_set(FLOE_ENOMEM, "out of memory listing plugins");
        }
        size_t k = 0;
        for (size_t i = 0; i < r->n; i++)
            if (type == FLOE_PLUGIN_ANY_TYPE || (int)r->entries[i]->def->type == type)
                fill_info(&list[k++], r->entries[i]);
        qsort(list, n, sizeof *list, cmp_info);
    }
    pthread_mutex_unlock(&r->mu);
    *out = list;
    *count = n;
    return 0;
}

int floe_registry_list(floe_plugin_info **out, size_t *count, floe_registry *registry,
                       floe_plugin_type type)
{
    if ((unsigned)type >= (unsigned)FLOE_PLUGIN_TYPE_COUNT)
        return floe_error_set(FLOE_EINVALID, "unknown plugin type %d", (int)type);
    return list_filtered(out, count, registry, (int)type);
}

int floe_registry_list_all(floe_plugin_info **out, size_t *count, floe_registry *registry)
{
    return list_filtered(out, count, registry, FLOE_PLUGIN_ANY_TYPE);
}

void floe_plugin_info_free(floe_plugin_info *list)
{
    floe_free(list);
}

static const char *entry_label(char *buf, size_t len, const struct floe_registry_entry *e)
{
    snprintf(buf, len, "%s plugin '%s'", floe_plugin_type_name(e->def->type), e->def->name);
    return buf;
}

int floe_registry_configure(floe_registry *r, floe_plugin_type type, const char *name,
                            const json_t *config, floe_config_errors **errors)
{
    if (errors)
        *errors = NULL;
    if (!r || !name)
        return floe_error_set(FLOE_EINVALID, "floe_registry_configure: NULL argument");
    pthread_mutex_lock(&r->mu);
    int rc = 0;
    struct floe_registry_entry *e = floe_registry__find(r, type, name);
    if (!e) {
        rc = not_found(r, type, name);
    } else if (e->instance) {
        rc = floe_error_set(FLOE_EINVALID,
                            "%s plugin '%s' is already in use: configure it before its first "
                            "use",
                            floe_plugin_type_name(type), name);
    } else {
        char label[200];
        floe_config *cfg = NULL;
        rc = floe_config_validate(&cfg, errors, e->def->config_schema, config,
                                  entry_label(label, sizeof label, e));
        if (rc == 0) {
            floe_config_free(e->config);
            e->config = cfg;
        }
    }
    pthread_mutex_unlock(&r->mu);
    return rc;
}

int floe_registry_configure_all(floe_registry *r, const json_t *document)
{
    if (!r)
        return floe_error_set(FLOE_EINVALID, "floe_registry_configure_all: NULL registry");
    if (!document || json_is_null(document))
        return 0;
    if (!json_is_object(document))
        return floe_error_set(FLOE_ECONFIG, "a plugin configuration document must be an object of "
                                            "{\"<type>\": {\"<name>\": {...}}}");
    floe_buf msgs = FLOE_BUF_INIT;
    int first = 0;
    const char *tkey;
    json_t *byname;
    json_object_foreach((json_t *)document, tkey, byname)
    {
        floe_plugin_type type;
        int rc = floe_plugin_type_parse(&type, tkey);
        if (rc == 0 && !json_is_object(byname))
            rc = floe_error_set(FLOE_ECONFIG, "'%s' must map plugin names to configurations", tkey);
        if (rc == 0) {
            const char *name;
            json_t *cfg;
            json_object_foreach(byname, name, cfg)
            {
                int prc = floe_registry_configure(r, type, name, cfg, NULL);
                if (prc) {
                    if (!first)
                        first = prc;
                    floe_buf_printf(&msgs, "%s%s", msgs.len ? "; " : "", floe_error_last());
                }
            }
        } else {
            if (!first)
                first = rc == FLOE_EINVALID ? FLOE_ECONFIG : rc;
            floe_buf_printf(&msgs, "%s%s", msgs.len ? "; " : "", floe_error_last());
        }
    }
    if (first) {
        const char *m = floe_buf_cstr(&msgs);
        floe_error_set(first, "%s", m ? m : "plugin configuration failed");
    }
    floe_buf_free(&msgs);
    return first;
}

int floe_registry_get_config(const floe_config **out, floe_registry *r, floe_plugin_type type,
                             const char *name)
{
    if (!out || !r || !name)
        return floe_error_set(FLOE_EINVALID, "floe_registry_get_config: NULL argument");
    pthread_mutex_lock(&r->mu);
    int rc = 0;
    struct floe_registry_entry *e = floe_registry__find(r, type, name);
    if (!e)
        rc = not_found(r, type, name);
    else
        *out = e->config;
    pthread_mutex_unlock(&r->mu);
    return rc;
}

static struct floe_registry_entry *find_dep(floe_registry *r, const floe_plugin_dependency *d)
{
    if (d->type != FLOE_PLUGIN_ANY_TYPE)
        return floe_registry__find(r, d->type, d->name);
    /* Untyped: the first plugin of that name in type order. */
    for (int t = 0; t < FLOE_PLUGIN_TYPE_COUNT; t++) {
        struct floe_registry_entry *e = floe_registry__find(r, t, d->name);
        if (e)
            return e;
    }
    return NULL;
}

static int missing_dep(const struct floe_registry_entry *e, const floe_plugin_dependency *d)
{
    return floe_error_set(FLOE_EDEPENDENCY,
                          "%s plugin '%s' depends on %s%s'%s', which is not registered; install "
                          "it or remove the dependency",
                          floe_plugin_type_name(e->def->type), e->def->name,
                          d->type == FLOE_PLUGIN_ANY_TYPE ? "" : floe_plugin_type_name(d->type),
                          d->type == FLOE_PLUGIN_ANY_TYPE ? "plugin " : " plugin ", d->name);
}

static size_t index_of(floe_registry *r, const struct floe_registry_entry *e)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->entries[i] == e)
            return i;
    return (size_t)-1;
}

static int entry_less(const struct floe_registry_entry *a, const struct floe_registry_entry *b)
{
    if (a->def->type != b->def->type)
        return a->def->type < b->def->type;
    return strcmp(a->def->name, b->def->name) < 0;
}

/* Names the cycle among the nodes Kahn's algorithm could not place. */
static int report_cycle(floe_registry *r, const unsigned char *in_set, const size_t *indeg)
{
    size_t n = r->n;
    size_t *seen_at = floe_malloc(n * sizeof *seen_at + 1);
    size_t *path = floe_malloc(n * sizeof *path + 1);
    if (!seen_at || !path) {
        floe_free(seen_at);
        floe_free(path);
        return floe_error_set(FLOE_ECYCLE, "circular dependency between plugins");
    }
    for (size_t i = 0; i < n; i++)
        seen_at[i] = (size_t)-1;
    size_t cur = (size_t)-1;
    for (size_t i = 0; i < n; i++)
        if (in_set[i] && indeg[i] > 0) {
            cur = i;
            break;
        }
    size_t len = 0;
    /* Every unplaced node still has an unplaced dependency, so the walk must revisit one. */
    while (cur != (size_t)-1 && seen_at[cur] == (size_t)-1) {
        seen_at[cur] = len;
        path[len++] = cur;
        size_t next = (size_t)-1;
        for (const floe_plugin_dependency *d = r->entries[cur]->def->dependencies; d && d->name;
             d++) {
            size_t j = index_of(r, find_dep(r, d));
            if (j != (size_t)-1 && in_set[j] && indeg[j] > 0) {
                next = j;
                break;
            }
        }
        cur = next;
    }
    floe_buf b = FLOE_BUF_INIT;
    if (cur != (size_t)-1) {
        for (size_t k = seen_at[cur]; k < len; k++)
            floe_buf_printf(&b, "%s:%s -> ", floe_plugin_type_name(r->entries[path[k]]->def->type),
                            r->entries[path[k]]->def->name);
        floe_buf_printf(&b, "%s:%s", floe_plugin_type_name(r->entries[cur]->def->type),
                        r->entries[cur]->def->name);
    }
    const char *cyc = floe_buf_cstr(&b);
    int rc = floe_error_set(FLOE_ECYCLE,
                            "CircularDependencyError: circular dependency between plugins: %s; "
                            "break the cycle by removing one dependency",
                            cyc ? cyc : "(unknown)");
    floe_buf_free(&b);
    floe_free(seen_at);
    floe_free(path);
    return rc;
}

int floe_registry__order(struct floe_registry_entry ***out, size_t *count, floe_registry *r,
                         struct floe_registry_entry *root)
{
    *out = NULL;
    *count = 0;
    size_t n = r->n;
    if (n == 0)
        return 0;
    unsigned char *in_set = floe_calloc(n, 1);
    size_t *indeg = floe_calloc(n, sizeof *indeg);
    size_t *stack = floe_calloc(n, sizeof *stack);
    struct floe_registry_entry **order = floe_calloc(n, sizeof *order);
    int rc = 0;
    if (!in_set || !indeg || !stack || !order) {
        rc = floe_error_set(FLOE_ENOMEM, "out of memory resolving plugin dependencies");
        goto done;
    }
    /* The set: every plugin, or the transitive dependencies of `root`. */
    if (!root) {
        memset(in_set, 1, n);
    } else {
        size_t sp = 0, ri = index_of(r, root);
        in_set[ri] = 1;
        stack[sp++] = ri;
        while (sp) {
            struct floe_registry_entry *e = r->entries[stack[--sp]];
            for (const floe_plugin_dependency *d = e->def->dependencies; d && d->name; d++) {
                size_t j = index_of(r, find_dep(r, d));
                if (j != (size_t)-1 && !in_set[j]) {
                    in_set[j] = 1;
                    stack[sp++] = j;
                }
            }
        }
    }
    for (size_t i = 0; i < n && !rc; i++) {
        if (!in_set[i])
            continue;
        struct floe_registry_entry *e = r->entries[i];
        for (const floe_plugin_dependency *d = e->def->dependencies; d && d->name; d++) {
            if (!find_dep(r, d)) {
                rc = missing_dep(e, d);
                break;
            }
            indeg[i]++;
        }
    }
    if (rc)
        goto done;
    /* Kahn: repeatedly place the smallest plugin (type, then name) with no unplaced
     * dependency, so the order is deterministic. */
    size_t placed = 0;
    for (;;) {
        size_t best = (size_t)-1;
        for (size_t i = 0; i < n; i++)
            if (in_set[i] && indeg[i] == 0 &&
                (best == (size_t)-1 || entry_less(r->entries[i], r->entries[best])))
                best = i;
        if (best == (size_t)-1)
            break;
        order[placed++] = r->entries[best];
        indeg[best] = (size_t)-1; /* placed */
        for (size_t i = 0; i < n; i++) {
            if (!in_set[i] || indeg[i] == (size_t)-1)
                continue;
            for (const floe_plugin_dependency *d = r->entries[i]->def->dependencies; d && d->name;
                 d++)
                if (find_dep(r, d) == r->entries[best])
                    indeg[i]--;
        }
    }
    size_t want = 0;
    for (size_t i = 0; i < n; i++)
        want += in_set[i];
    if (placed < want) {
        for (size_t i = 0; i < n; i++)
            if (indeg[i] == (size_t)-1)
                indeg[i] = 0;
        rc = report_cycle(r, in_set, indeg);
        goto done;
    }
    *out = order;
    *count = placed;
    order = NULL;
done:
    floe_free(in_set);
    floe_free(indeg);
    floe_free(stack);
    floe_free(order);
    return rc;
}

int floe_registry_resolve_order(floe_plugin_ref **out, size_t *count, floe_registry *r)
{
    if (!out || !count || !r)
        return floe_error_set(FLOE_EINVALID, "floe_registry_resolve_order: NULL argument");
    *out = NULL;
    *count = 0;
    pthread_mutex_lock(&r->mu);
    struct floe_registry_entry **order = NULL;
    size_t n = 0;
    int rc = floe_registry__order(&order, &n, r, NULL);
    floe_plugin_ref *refs = NULL;
    if (rc == 0 && n) {
        refs = floe_calloc(n, sizeof *refs);
        if (!refs)
            rc = floe_error_set(FLOE_ENOMEM, "out of memory resolving plugin dependencies");
        for (size_t i = 0; refs && i < n; i++) {
            refs[i].type = order[i]->def->type;
            refs[i].name = order[i]->def->name;
        }
    }
    pthread_mutex_unlock(&r->mu);
    floe_free(order);
    if (rc == 0) {
        *out = refs;
        *count = n;
    }
    return rc;
}

void floe_plugin_refs_free(floe_plugin_ref *refs)
{
    floe_free(refs);
}

static int init_one(floe_registry *r, struct floe_registry_entry *e)
{
    char label[200];
    entry_label(label, sizeof label, e);
    if (e->failed)
        return floe_error_set(FLOE_EPLUGIN, "%s failed earlier and cannot be used", label);
    floe_config *defaults = NULL;
    const floe_config *cfg = e->config;
    if (!cfg) {
        /* Never configured: its schema's defaults, if they satisfy it. */
        int rc = floe_config_validate(&defaults, NULL, e->def->config_schema, NULL, label);
        if (rc)
            return floe_error_wrap(rc, "%s is not configured", label);
        e->config = defaults;
        cfg = defaults;
    }
    floe_plugin_context ctx = {FLOE_PLUGIN_CONTEXT_VERSION, r, e->origin};
    void *inst = NULL;
    floe_error_clear();
    int rc = e->def->init(&inst, cfg, &ctx);
    if (rc == FLOE_ENOMEM) /* transient: a later get may succeed */
        return floe_error_wrap(FLOE_ENOMEM, "initialising %s", label);
    if (rc) {
        e->failed = 1;
        if (!floe_error_last()[0])
            floe_error_set(rc, "init returned %s", floe_error_name(rc));
        rc = floe_error_wrap(FLOE_EPLUGIN, "initialising %s (from %s)", label, e->origin);
        floe_log(FLOE_LOG_WARN, "plugin init failed", "plugin", e->def->name, "type",
                 floe_plugin_type_name(e->def->type), "file", e->origin, "reason",
                 floe_error_last(), NULL);
        return rc;
    }
    if (!inst || *(const unsigned int *)inst < 1 || !instance_has_free(e->def->type, inst)) {
        e->failed = 1;
        if (inst && instance_has_free(e->def->type, inst))
            instance_free(e->def->type, inst);
        return floe_error_set(FLOE_EPLUGIN,
                              "initialising %s (from %s): init returned %s; it must return a "
                              "vtable with version >= 1 and a free function",
                              label, e->origin, inst ? "an invalid vtable" : "no instance");
    }
    if (floe_registry__push(&r->inited, &r->ninited, &r->capinited, e) != 0) {
        instance_free(e->def->type, inst);
        return floe_error_set(FLOE_ENOMEM, "out of memory initialising %s", label);
    }
    e->instance = inst;
    return 0;
}

int floe_registry__instantiate(floe_registry *r, struct floe_registry_entry *e)
{
    if (e->instance)
        return 0;
    struct floe_registry_entry **order = NULL;
    size_t n = 0;
    int rc = floe_registry__order(&order, &n, r, e);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (order[i]->instance)
            continue;
        rc = init_one(r, order[i]);
        if (rc && order[i] != e) {
            char label[200];
            rc = floe_error_wrap(FLOE_EDEPENDENCY, "dependency of %s",
                                 entry_label(label, sizeof label, e));
        }
    }
    floe_free(order);
    return rc;
}

int floe_registry_get(void **out, floe_registry *r, floe_plugin_type type, const char *name)
{
    if (!out || !r || !name)
        return floe_error_set(FLOE_EINVALID, "floe_registry_get: NULL argument");
    *out = NULL;
    pthread_mutex_lock(&r->mu);
    int rc;
    struct floe_registry_entry *e = floe_registry__find(r, type, name);
    if (!e) {
        rc = not_found(r, type, name);
    } else {
        rc = floe_registry__instantiate(r, e);
        if (rc == 0)
            *out = e->instance;
    }
    pthread_mutex_unlock(&r->mu);
    return rc;
}

int floe_registry_discovery_get(floe_discovery_result *out, floe_registry *r, size_t i)
{
    if (!out || !r)
        return floe_error_set(FLOE_EINVALID, "floe_registry_discovery_get: NULL argument");
    pthread_mutex_lock(&r->mu);
    int rc = 0;
    if (i >= r->ndisc) {
        rc = floe_error_set(FLOE_ERANGE, "discovery result %zu does not exist (%zu recorded)", i,
                            r->ndisc);
    } else {
        const struct floe_discovery_record *d = &r->disc[i];
        out->path = d->path;
        out->accepted = d->accepted;
        out->code = d->code;
        out->reason = d->reason ? d->reason : "";
        out->plugin_name = d->name;
        out->type = d->type;
    }
    pthread_mutex_unlock(&r->mu);
    return rc;
}

size_t floe_registry_discovery_count(floe_registry *r)
{
    if (!r)
        return 0;
    pthread_mutex_lock(&r->mu);
    size_t n = r->ndisc;
    pthread_mutex_unlock(&r->mu);
    return n;
}
