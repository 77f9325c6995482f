/* The built-in "local" storage plugin: a FileIO over a warehouse directory on the local file
 * system. Registered through the same descriptor as a loadable plugin; its health is the
 * storage vtable's health_check, which the registry runs when a descriptor has no hook. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <floe/error.h>
#include <floe/io.h>
#include <floe/plugins/storage.h>

#include "base/alloc.h"
#include "registry/builtins.h"

struct local_state {
    char *root;
};

static int local_create_file_io(floe_file_io **out, floe_storage_plugin *self,
                                const json_t *options)
{
    (void)self;
    (void)options; /* local files need no credentials */
    return floe_posix_file_io_new(out);
}

static const char *local_location(floe_storage_plugin *self)
{
    return ((struct local_state *)self->state)->root;
}

static int local_health(floe_health_status *out, floe_storage_plugin *self, unsigned int timeout_ms)
{
    (void)timeout_ms; /* stat and access do not block on a local disk */
    const char *root = ((struct local_state *)self->state)->root;
    struct stat st;
    memset(out, 0, sizeof *out);
    if (stat(root, &st) != 0) {
        out->state = FLOE_HEALTH_UNHEALTHY;
        snprintf(out->message, sizeof out->message,
                 "warehouse directory '%s' is not accessible: %s; create it or set 'root'", root,
                 strerror(errno));
    } else if (!S_ISDIR(st.st_mode)) {
        out->state = FLOE_HEALTH_UNHEALTHY;
        snprintf(out->message, sizeof out->message, "warehouse '%s' is not a directory", root);
    } else if (access(root, W_OK | X_OK) != 0) {
        out->state = FLOE_HEALTH_UNHEALTHY;
        snprintf(out->message, sizeof out->message, "warehouse directory '%s' is not writable: %s",
                 root, strerror(errno));
    } else {
        out->state = FLOE_HEALTH_HEALTHY;
        snprintf(out->message, sizeof out->message, "warehouse directory '%s' is writable", root);
    }
    return 0;
}

static void local_free(floe_storage_plugin *self)
{
    if (!self)
        return;
    struct local_state *s = self->state;
    if (s)
        floe_free(s->root);
    floe_free(s);
    floe_free(self);
}

static int local_init(void **out, const floe_config *config, const floe_plugin_context *ctx)
{
    (void)ctx;
    const char *root = floe_config_get_string(config, "root");
    floe_storage_plugin *p = floe_calloc(1, sizeof *p);
    struct local_state *s = floe_calloc(1, sizeof *s);
    if (!p || !s || !(s->root = floe_strdup(root ? root : "./warehouse"))) {
        floe_free(p);
        floe_free(s);
        return floe_error_set(FLOE_ENOMEM, "out of memory creating the local storage plugin");
    }
    p->version = FLOE_STORAGE_PLUGIN_VERSION;
    p->create_file_io = local_create_file_io;
    p->warehouse_location = local_location;
    p->health_check = local_health;
    p->state = s;
    p->free = local_free;
    *out = p;
    return 0;
}

static const floe_config_field local_fields[] = {
    {.name = "root",
     .type = FLOE_CONFIG_STRING,
     .description = "warehouse directory that holds every table's files",
     .default_json = "\"./warehouse\"",
     .flags = FLOE_CONFIG_HAS_MIN,
     .minimum = 1},
    {0}};

static const floe_config_schema local_schema = {
    .version = FLOE_CONFIG_SCHEMA_VERSION,
    .fields = local_fields,
    .unknown = FLOE_CONFIG_UNKNOWN_REJECT,
    .description = "Local file system storage",
};

static const floe_plugin_dependency no_deps[] = {{0}};

FLOE_PLUGIN_DESCRIPTOR(floe_registry__builtin_local_storage, .type = FLOE_PLUGIN_STORAGE,
                       .name = "local", .version = FLOE_VERSION_STRING,
                       .description = "files under a warehouse directory on this machine",
                       .dependencies = no_deps, .config_schema = &local_schema, .init = local_init);
