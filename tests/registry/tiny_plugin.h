/* In-process test plugins: a compute vtable whose init, hooks and free record what happened,
 * so tests can check order and counts. Include once per test file. */
#ifndef FLOE_TEST_TINY_PLUGIN_H
#define FLOE_TEST_TINY_PLUGIN_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>
#include <floe/plugin.h>
#include <floe/plugins/compute.h>
#include <floe/registry.h>

static pthread_mutex_t tiny_mu = PTHREAD_MUTEX_INITIALIZER;
static char tiny_events[4096];
static int tiny_inits, tiny_frees;

static inline void tiny_reset(void)
{
    pthread_mutex_lock(&tiny_mu);
    tiny_events[0] = '\0';
    tiny_inits = tiny_frees = 0;
    pthread_mutex_unlock(&tiny_mu);
}

static inline void tiny_event(const char *what, const char *name)
{
    pthread_mutex_lock(&tiny_mu);
    size_t n = strlen(tiny_events);
    snprintf(tiny_events + n, sizeof tiny_events - n, "%s%s:%s", n ? " " : "", what, name);
    pthread_mutex_unlock(&tiny_mu);
}

struct tiny_state {
    char name[64];
};

static inline void tiny_free(floe_compute_plugin *self)
{
    struct tiny_state *s = self->state;
    tiny_event("free", s->name);
    pthread_mutex_lock(&tiny_mu);
    tiny_frees++;
    pthread_mutex_unlock(&tiny_mu);
    free(s);
    free(self);
}

/* The plugin's name comes from the context's origin-independent descriptor: tests pass it
 * through the configuration key "name" when they need it, else "tiny". */
static inline int tiny_init_named(void **out, const char *name)
{
    floe_compute_plugin *p = calloc(1, sizeof *p);
    struct tiny_state *s = calloc(1, sizeof *s);
    if (!p || !s) {
        free(p);
        free(s);
        return FLOE_ENOMEM;
    }
    snprintf(s->name, sizeof s->name, "%s", name);
    p->version = FLOE_COMPUTE_PLUGIN_VERSION;
    p->state = s;
    p->free = tiny_free;
    pthread_mutex_lock(&tiny_mu);
    tiny_inits++;
    pthread_mutex_unlock(&tiny_mu);
    tiny_event("init", name);
    *out = p;
    return 0;
}

static inline const char *tiny_name(void *instance)
{
    return ((struct tiny_state *)((floe_compute_plugin *)instance)->state)->name;
}

static inline int tiny_startup(void *instance)
{
    tiny_event("start", tiny_name(instance));
    return 0;
}

static inline int tiny_shutdown(void *instance)
{
    tiny_event("stop", tiny_name(instance));
    return 0;
}

/* Defines init_<id> and a descriptor desc_<id> for a compute plugin named #id with the given
 * dependency list (a floe_plugin_dependency array, or NULL). */
#define TINY_PLUGIN(id, deps)                                                                      \
    static int init_##id(void **out, const floe_config *config, const floe_plugin_context *ctx)    \
    {                                                                                              \
        (void)config;                                                                              \
        (void)ctx;                                                                                 \
        return tiny_init_named(out, #id);                                                          \
    }                                                                                              \
    static FLOE_PLUGIN_DESCRIPTOR(desc_##id, .type = FLOE_PLUGIN_COMPUTE, .name = #id,             \
                                  .version = "1.0.0", .dependencies = deps, .init = init_##id,     \
                                  .startup = tiny_startup, .shutdown = tiny_shutdown)

#endif
