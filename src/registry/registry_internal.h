/* The registry's shared state, for the files of src/registry that implement it. */
#ifndef FLOE_REGISTRY_REGISTRY_INTERNAL_H
#define FLOE_REGISTRY_REGISTRY_INTERNAL_H

#include <pthread.h>

#include <floe/registry.h>

struct floe_registry_entry {
    const floe_plugin_def *def;
    char *origin;
    void *dl;            /* dlopen handle when loaded from a file */
    floe_config *config; /* stored by floe_registry_configure() */
    void *instance;
    int active;   /* startup hook succeeded */
    int starting; /* a startup hook is being run */
    int failed;   /* init or a hook failed */
    int hung;     /* a hook timed out: its thread may still use the instance */
};

struct floe_discovery_record {
    char *path;
    char *reason;
    char *name;
    int accepted;
    int code;
    int type;
};

struct floe_registry {
    pthread_mutex_t mu; /* recursive: plugin init may call floe_registry_get */
    floe_registry_options opts;
    struct floe_registry_entry **entries;
    size_t n, cap;
    struct floe_discovery_record *disc;
    size_t ndisc, capdisc;
    struct floe_registry_entry **inited; /* in creation order: freed in reverse */
    size_t ninited, capinited;
    struct floe_registry_entry **started; /* in activation order: shut down in reverse */
    size_t nstarted, capstarted;
};

/* Registers `def`; `dl` (may be NULL) becomes the entry's to close. Caller holds no lock. */
int floe_registry__register(floe_registry *r, const floe_plugin_def *def, const char *origin,
                            void *dl);

/* Finds an entry; NULL when absent. Caller holds r->mu. */
struct floe_registry_entry *floe_registry__find(floe_registry *r, int type, const char *name);

/* Creates the instance of `e` and, first, of its dependencies. Caller holds r->mu. */
int floe_registry__instantiate(floe_registry *r, struct floe_registry_entry *e);

/* Entries `e` depends on, transitively, then `e`, in dependency order (or every entry when
 * `e` is NULL). `out` is floe_malloc'd. Caller holds r->mu. */
int floe_registry__order(struct floe_registry_entry ***out, size_t *count, floe_registry *r,
                         struct floe_registry_entry *e);

/* Appends to a pointer array. */
int floe_registry__push(struct floe_registry_entry ***arr, size_t *n, size_t *cap,
                        struct floe_registry_entry *e);

/* Milliseconds since the Unix epoch. */
int64_t floe_registry__now_ms(void);

#endif
