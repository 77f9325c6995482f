/* The "local" storage plugin: the POSIX FileIO (src/base/io_posix.c: streaming writes to a
 * temporary sibling, fsync, rename or hard link on commit, directory fsync) wrapped so that
 * every location is resolved and confined to the warehouse before the POSIX FileIO sees it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <floe/error.h>
#include <floe/log.h>
#include <floe/registry.h>
#include <floe/storage.h>
#include <floe/trace.h>

#include "base/alloc.h"
#include "base/buf.h"

/* Maximum health check time (seed 000 US6 caps timeouts at 10 s). */
#define LOCAL_HEALTH_MAX_MS 10000u

typedef struct local_io {
    floe_file_io *inner; /* the POSIX FileIO doing the work */
    char *root;          /* resolved warehouse path */
} local_io;

static int mkdirs(const char *path)
{
    char *p = floe_strdup(path);
    if (!p)
        return floe_error_set(FLOE_ENOMEM, "out of memory creating '%s'", path);
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                int e = errno;
                floe_free(p);
                return floe_error_set(e == EACCES ? FLOE_EPERM : FLOE_EIO,
                                      "cannot create directory '%s': %s", path, strerror(e));
            }
            *s = c;
            if (c == '\0')
                break;
        }
    }
    floe_free(p);
    return 0;
}

static int confine(char **out, local_io *s, const char *location)
{
    if (!location)
        return floe_error_set(FLOE_EINVALID, "NULL location");
    return floe_local_resolve(out, s->root, location);
}

static int lio_open(floe_input_file **out, floe_file_io *io, const char *location)
{
    local_io *s = io->state;
    char *path = NULL;
    int rc = confine(&path, s, location);
    if (rc == 0)
        rc = s->inner->open(out, s->inner, path);
    floe_free(path);
    return rc;
}

static int lio_create(floe_output_file **out, floe_file_io *io, const char *location,
                      floe_create_mode mode)
{
    local_io *s = io->state;
    char *path = NULL;
    int rc = confine(&path, s, location);
    if (rc == 0)
        rc = s->inner->create(out, s->inner, path, mode);
    floe_free(path);
    return rc;
}

static int lio_exists(int *out, floe_file_io *io, const char *location)
{
    local_io *s = io->state;
    char *path = NULL;
    int rc = confine(&path, s, location);
    if (rc == 0)
        rc = s->inner->exists(out, s->inner, path);
    floe_free(path);
    return rc;
}

static int lio_remove(floe_file_io *io, const char *location)
{
    local_io *s = io->state;
    char *path = NULL;
    int rc = confine(&path, s, location);
    if (rc == 0)
        rc = s->inner->remove(s->inner, path);
    floe_free(path);
    return rc;
}

static int lio_list(floe_file_io *io, const char *prefix, floe_file_list_cb cb, void *ctx)
{
    local_io *s = io->state;
    char *path = NULL;
    int rc = confine(&path, s, prefix);
    if (rc)
        return rc;
    /* Resolution drops a trailing slash; keep it so "dir/" lists only inside "dir". */
    size_t pn = strlen(prefix);
    if (pn > 0 && prefix[pn - 1] == '/' && strcmp(path, "/") != 0) {
        floe_buf b = FLOE_BUF_INIT;
        rc = floe_buf_printf(&b, "%s/", path);
        floe_free(path);
        path = rc ? NULL : floe_strndup((const char *)b.data, b.len);
        floe_buf_free(&b);
        if (rc)
            return rc;
        if (!path)
            return floe_error_set(FLOE_ENOMEM, "out of memory listing '%s'", prefix);
    }
    rc = s->inner->list(s->inner, path, cb, ctx);
    floe_free(path);
    return rc;
}

static void lio_free(floe_file_io *io)
{
    if (!io)
        return;
    local_io *s = io->state;
    if (s) {
        floe_file_io_free(s->inner);
        floe_free(s->root);
        floe_free(s);
    }
    floe_free(io);
}

int floe_local_file_io_new(floe_file_io **out, const char *root)
{
    if (!out || !root || !root[0])
        return floe_error_set(FLOE_EINVALID, "floe_local_file_io_new: a warehouse root is needed");
    *out = NULL;
    char *abs = NULL;
    int rc = floe_local_resolve(&abs, NULL, root);
    if (rc == 0)
        rc = mkdirs(abs);
    char *real = NULL;
    if (rc == 0)
        rc = floe_local_resolve(&real, NULL, abs);
    floe_free(abs);
    if (rc)
        return floe_error_wrap(rc, "local storage: cannot use warehouse '%s'", root);
    floe_file_io *io = floe_calloc(1, sizeof *io);
    local_io *s = floe_calloc(1, sizeof *s);
    if (!io || !s) {
        floe_free(io);
        floe_free(s);
        floe_free(real);
        return floe_error_set(FLOE_ENOMEM, "out of memory creating the local FileIO");
    }
    s->root = real;
    rc = floe_posix_file_io_new(&s->inner);
    if (rc) {
        floe_free(real);
        floe_free(s);
        floe_free(io);
        return rc;
    }
    io->version = FLOE_IO_VERSION;
    io->open = lio_open;
    io->create = lio_create;
    io->exists = lio_exists;
    io->remove = lio_remove;
    io->list = lio_list;
    io->free = lio_free;
    io->state = s;
    *out = io;
    return 0;
}

/* ---- the plugin ---- */

typedef struct local_plugin_state {
    char *root; /* as configured (resolved when a FileIO is made) */
} local_plugin_state;

static int lp_create_file_io(floe_file_io **out, floe_storage_plugin *self, const json_t *options)
{
    (void)options; /* local files need no credentials */
    local_plugin_state *s = self->state;
    return floe_local_file_io_new(out, s->root);
}

static const char *lp_location(floe_storage_plugin *self)
{
    return ((local_plugin_state *)self->state)->root;
}

static int64_t now_ms(int clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Writes, reads back and deletes a probe file under the warehouse. */
static int probe(char *msg, size_t msg_len, const char *root)
{
    floe_file_io *io = NULL;
    int rc = floe_local_file_io_new(&io, root);
    if (rc) {
        snprintf(msg, msg_len, "warehouse '%s' is not usable: %s", root, floe_error_last());
        return rc;
    }
    char name[64];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(name, sizeof name, "/.floe-health-%ld-%ld", (long)getpid(), (long)ts.tv_nsec);
    floe_buf loc = FLOE_BUF_INIT;
    rc = floe_buf_printf(&loc, "%s%s", ((local_io *)io->state)->root, name);
    const char *location = rc ? NULL : (const char *)loc.data;
    static const char payload[] = "floe health probe";
    if (rc == 0)
        rc = floe_file_io_write_all(io, location, FLOE_CREATE_EXCLUSIVE, payload, sizeof payload);
    if (rc) {
        snprintf(msg, msg_len, "warehouse '%s' is not writable: %s", root, floe_error_last());
    } else {
        uint8_t *data = NULL;
        size_t len = 0;
        rc = floe_file_io_read_all(&data, &len, io, location, 1024);
        if (rc == 0 && (len != sizeof payload || memcmp(data, payload, len) != 0))
            rc = floe_error_set(FLOE_ECORRUPT, "probe read back different bytes");
        if (rc)
            snprintf(msg, msg_len, "warehouse '%s' did not read back a probe file: %s", root,
                     floe_error_last());
        free(data);
        io->remove(io, location);
    }
    floe_buf_free(&loc);
    floe_file_io_free(io);
    return rc;
}

static int lp_health(floe_health_status *out, floe_storage_plugin *self, unsigned int timeout_ms)
{
    if (!out)
        return floe_error_set(FLOE_EINVALID, "local storage health_check: NULL status");
    if (timeout_ms == 0 || timeout_ms > LOCAL_HEALTH_MAX_MS)
        timeout_ms = LOCAL_HEALTH_MAX_MS;
    local_plugin_state *s = self->state;
    memset(out, 0, sizeof *out);
    floe_span *span = floe_span_start("storage.local.health_check", NULL);
    floe_span_set_attr_str(span, "storage.name", "local");
    int64_t start = now_ms(CLOCK_MONOTONIC);
    int rc = probe(out->message, sizeof out->message, s->root);
    out->response_time_ms = now_ms(CLOCK_MONOTONIC) - start;
    out->checked_at = now_ms(CLOCK_REALTIME);
    if (rc) {
        out->state = FLOE_HEALTH_UNHEALTHY;
    } else if (out->response_time_ms > (int64_t)timeout_ms) {
        out->state = FLOE_HEALTH_DEGRADED;
        snprintf(out->message, sizeof out->message,
                 "warehouse '%s' answered in %lld ms, over the %u ms limit", s->root,
                 (long long)out->response_time_ms, timeout_ms);
    } else {
        out->state = FLOE_HEALTH_HEALTHY;
        snprintf(out->message, sizeof out->message, "warehouse '%s' is readable and writable",
                 s->root);
    }
    floe_span_set_attr_int(span, "health.response_time_ms", out->response_time_ms);
    floe_span_set_attr_str(span, "health.state", floe_health_state_name(out->state));
    floe_span_set_status(span, rc ? FLOE_SPAN_STATUS_ERROR : FLOE_SPAN_STATUS_OK,
                         rc ? out->message : NULL);
    floe_span_end(span);
    floe_log(rc ? FLOE_LOG_WARN : FLOE_LOG_DEBUG, "storage health check", "storage", "local",
             "state", floe_health_state_name(out->state), NULL);
    return 0;
}

static void lp_free(floe_storage_plugin *self)
{
    if (!self)
        return;
    local_plugin_state *s = self->state;
    if (s)
        floe_free(s->root);
    floe_free(s);
    floe_free(self);
}

int floe_local_storage_new(floe_storage_plugin **out, const char *root)
{
    if (!out)
        return floe_error_set(FLOE_EINVALID, "floe_local_storage_new: NULL out");
    *out = NULL;
    if (!root || !root[0])
        root = "./warehouse";
    floe_storage_plugin *p = floe_calloc(1, sizeof *p);
    local_plugin_state *s = floe_calloc(1, sizeof *s);
    if (!p || !s || !(s->root = floe_strdup(root))) {
        floe_free(p);
        floe_free(s);
        return floe_error_set(FLOE_ENOMEM, "out of memory creating the local storage plugin");
    }
    p->version = FLOE_STORAGE_PLUGIN_VERSION;
    p->create_file_io = lp_create_file_io;
    p->warehouse_location = lp_location;
    p->health_check = lp_health;
    p->state = s;
    p->free = lp_free;
    *out = p;
    return 0;
}

static int lp_init(void **out, const floe_config *config, const floe_plugin_context *ctx)
{
    (void)ctx;
    floe_storage_plugin *p = NULL;
    int rc = floe_local_storage_new(&p, floe_config_get_string(config, "root"));
    if (rc == 0)
        *out = p;
    return rc;
}

static const floe_config_field local_fields[] = {
    {.name = "root",
     .type = FLOE_CONFIG_STRING,
     .description = "warehouse directory (path or file:// URI) that holds every table's files; "
                    "locations outside it are refused",
     .default_json = "\"./warehouse\"",
     .flags = FLOE_CONFIG_HAS_MIN,
     .minimum = 1},
    {0}};

static const floe_config_schema local_schema = {
    .version = FLOE_CONFIG_SCHEMA_VERSION,
    .fields = local_fields,
    .unknown = FLOE_CONFIG_UNKNOWN_REJECT,
    .description = "Local file system storage confined to a warehouse directory",
};

static const floe_plugin_dependency no_deps[] = {{0}};

FLOE_PLUGIN_DESCRIPTOR(local_descriptor, .type = FLOE_PLUGIN_STORAGE, .name = "local",
                       .version = FLOE_VERSION_STRING,
                       .description = "files under a warehouse directory on this machine "
                                      "(confined, atomic metadata writes)",
                       .dependencies = no_deps, .config_schema = &local_schema, .init = lp_init);

const floe_plugin_def *floe_storage_local_descriptor(void)
{
    return &local_descriptor;
}

int floe_storage_register_builtins(floe_registry *registry)
{
    return floe_registry_register(registry, &local_descriptor, NULL);
}
