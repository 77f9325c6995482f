/* floe's directory catalog: the catalog the manager uses when no "sql" catalog plugin is
 * registered. Namespaces are JSON files of properties under <root>/_catalog/namespaces/, and
 * each table has a log of pointer files <root>/_catalog/tables/<ns>/<name>/<N>.json naming its
 * metadata file. A commit creates pointer N+1 with FLOE_CREATE_EXCLUSIVE: the storage's atomic
 * create-if-absent is the compare-and-swap, so two writers racing on N+1 see one FLOE_EEXISTS,
 * reported as FLOE_ECONFLICT. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/builder.h>
#include <floe/iceberg/metadata.h>
#include <floe/iceberg/update.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "manager/manager_internal.h"

#define POINTER_MAX_BYTES 65536
#define NS_MAX_BYTES      (1u << 20)

struct dir_state {
    floe_file_io *io;
    char *root;
};

static struct dir_state *st(floe_catalog_plugin *self)
{
    return self->state;
}

static int valid_name(const char *what, const char *s)
{
    if (!s || !*s || strchr(s, '/') || strchr(s, '\\') || strcmp(s, ".") == 0 ||
        strcmp(s, "..") == 0 || s[0] == '.' || s[strlen(s) - 1] == '.' || strstr(s, ".."))
        return floe_error_set(FLOE_EINVALID,
                              "invalid %s name '%s': use non-empty dotted names without '/'", what,
                              s ? s : "(null)");
    return 0;
}

static char *path_printf(const char *fmt, ...) FLOE_PRINTF(1, 2);
static char *path_printf(const char *fmt, ...)
{
    floe_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    int rc = floe_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (rc) {
        floe_buf_free(&b);
        return NULL;
    }
    size_t len;
    return (char *)floe_buf_detach(&b, &len);
}

static char *ns_path(struct dir_state *s, const char *ns)
{
    return path_printf("%s/_catalog/namespaces/%s.json", s->root, ns);
}

static int ns_exists(int *exists, floe_catalog_plugin *self, const char *ns)
{
    int rc = valid_name("namespace", ns);
    if (rc)
        return rc;
    char *p = ns_path(st(self), ns);
    if (!p)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    rc = st(self)->io->exists(exists, st(self)->io, p);
    floe_free(p);
    return rc;
}

static int write_json(floe_file_io *io, const char *path, const json_t *j, floe_create_mode mode)
{
    char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    if (!text)
        return floe_error_set(FLOE_ENOMEM, "out of memory serializing '%s'", path);
    int rc = floe_file_io_write_all(io, path, mode, text, strlen(text));
    free(text);
    return rc;
}

static int read_json(json_t **out, floe_file_io *io, const char *path, size_t max)
{
    uint8_t *data = NULL;
    size_t len = 0;
    int rc = floe_file_io_read_all(&data, &len, io, path, max);
    if (rc)
        return rc;
    json_error_t err;
    *out = json_loadb((const char *)data, len, 0, &err);
    free(data);
    if (!*out)
        return floe_error_set(FLOE_ECORRUPT, "catalog file '%s' is not JSON: %s (line %d)", path,
                              err.text, err.line);
    return 0;
}

static int dir_connect(floe_catalog_plugin *self)
{
    (void)self;
    return 0;
}

static int dir_create_namespace(floe_catalog_plugin *self, const char *ns, const json_t *properties)
{
    int rc = valid_name("namespace", ns);
    if (rc)
        return rc;
    const char *dot = strrchr(ns, '.');
    if (dot) {
        char *parent = floe_strndup(ns, (size_t)(dot - ns));
        int exists = 0;
        if (!parent)
            return floe_error_set(FLOE_ENOMEM, "out of memory");
        rc = ns_exists(&exists, self, parent);
        if (!rc && !exists)
            rc = floe_error_set(FLOE_ENOTFOUND,
                                "cannot create namespace '%s': parent namespace '%s' does not "
                                "exist; create it first",
                                ns, parent);
        floe_free(parent);
        if (rc)
            return rc;
    }
    json_t *props = properties ? json_deep_copy(properties) : json_object();
    char *p = ns_path(st(self), ns);
    if (!props || !p) {
        json_decref(props);
        floe_free(p);
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    rc = write_json(st(self)->io, p, props, FLOE_CREATE_EXCLUSIVE);
    if (rc == FLOE_EEXISTS)
        rc = floe_error_set(FLOE_EEXISTS, "namespace '%s' already exists", ns);
    json_decref(props);
    floe_free(p);
    return rc;
}

struct list_ctx {
    const char *prefix; /* directory prefix of the listing, ending in '/' */
    const char *suffix; /* file suffix to strip, or NULL to take the next path component */
    const char *parent; /* namespace filter, or NULL */
    char **names;
    size_t count, cap;
};

static int add_name(struct list_ctx *c, const char *name, size_t len)
{
    for (size_t i = 0; i < c->count; i++)
        if (strlen(c->names[i]) == len && memcmp(c->names[i], name, len) == 0)
            return 0;
    if (c->count == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        char **n = floe_realloc(c->names, cap * sizeof *n);
        if (!n)
            return FLOE_ENOMEM;
        c->names = n;
        c->cap = cap;
    }
    if (!(c->names[c->count] = floe_strndup(name, len)))
        return FLOE_ENOMEM;
    c->count++;
    return 0;
}

static int list_cb(const floe_file_info *info, void *ctx)
{
    struct list_ctx *c = ctx;
    size_t plen = strlen(c->prefix);
    if (strncmp(info->location, c->prefix, plen) != 0)
        return 0;
    const char *rest = info->location + plen;
    if (c->suffix) {
        size_t rl = strlen(rest), sl = strlen(c->suffix);
        if (rl <= sl || strcmp(rest + rl - sl, c->suffix) != 0 || strchr(rest, '/'))
            return 0;
        size_t nl = rl - sl;
        if (c->parent) {
            size_t pl = strlen(c->parent);
            if (nl <= pl + 1 || strncmp(rest, c->parent, pl) != 0 || rest[pl] != '.' ||
                memchr(rest + pl + 1, '.', nl - pl - 1))
                return 0;
        } else if (memchr(rest, '.', nl)) {
            return 0;
        }
        return add_name(c, rest, nl);
    }
    const char *slash = strchr(rest, '/');
    if (!slash || slash == rest || rest[0] == '.')
        return 0;
    return add_name(c, rest, (size_t)(slash - rest));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_free(struct list_ctx *c)
{
    for (size_t i = 0; i < c->count; i++)
        floe_free(c->names[i]);
    floe_free(c->names);
}

static int run_list(struct list_ctx *c, floe_file_io *io)
{
    int rc = io->list(io, c->prefix, list_cb, c);
    if (rc == FLOE_ENOTFOUND)
        rc = 0;
    if (rc == FLOE_ENOMEM)
        return floe_error_set(FLOE_ENOMEM, "out of memory listing '%s'", c->prefix);
    if (!rc && c->count)
        qsort(c->names, c->count, sizeof *c->names, cmp_str);
    return rc;
}

static int dir_list_namespaces(floe_catalog_plugin *self, const char *parent,
                               floe_catalog_name_cb cb, void *ctx)
{
    struct dir_state *s = st(self);
    if (parent && *parent) {
        int exists = 0, rc = ns_exists(&exists, self, parent);
        if (rc)
            return rc;
        if (!exists)
            return floe_error_set(FLOE_ENOTFOUND, "namespace '%s' does not exist", parent);
    }
    char *prefix = path_printf("%s/_catalog/namespaces/", s->root);
    if (!prefix)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    struct list_ctx c = {prefix, ".json", parent && *parent ? parent : NULL, NULL, 0, 0};
    int rc = run_list(&c, s->io);
    for (size_t i = 0; !rc && i < c.count; i++)
        rc = cb(c.names[i], ctx);
    list_free(&c);
    floe_free(prefix);
    return rc;
}

static int count_cb(const char *name, void *ctx)
{
    (void)name;
    ++*(size_t *)ctx;
    return 0;
}

static int dir_list_tables(floe_catalog_plugin *self, const char *ns, floe_catalog_name_cb cb,
                           void *ctx);

static int dir_delete_namespace(floe_catalog_plugin *self, const char *ns)
{
    int exists = 0, rc = ns_exists(&exists, self, ns);
    if (rc)
        return rc;
    if (!exists)
        return floe_error_set(FLOE_ENOTFOUND, "namespace '%s' does not exist", ns);
    size_t tables = 0, children = 0;
    if ((rc = dir_list_tables(self, ns, count_cb, &tables)) ||
        (rc = dir_list_namespaces(self, ns, count_cb, &children)))
        return rc;
    if (tables || children)
        return floe_error_set(FLOE_ENOTEMPTY,
                              "namespace '%s' is not empty: it holds %zu table(s) and %zu "
                              "namespace(s); drop them first",
                              ns, tables, children);
    char *p = ns_path(st(self), ns);
    if (!p)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    rc = st(self)->io->remove(st(self)->io, p);
    floe_free(p);
    return rc;
}

static int dir_load_ns_props(json_t **out, floe_catalog_plugin *self, const char *ns)
{
    int exists = 0, rc = ns_exists(&exists, self, ns);
    if (rc)
        return rc;
    if (!exists)
        return floe_error_set(FLOE_ENOTFOUND, "namespace '%s' does not exist", ns);
    char *p = ns_path(st(self), ns);
    if (!p)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    rc = read_json(out, st(self)->io, p, NS_MAX_BYTES);
    floe_free(p);
    return rc;
}

static int dir_update_ns_props(json_t **out, floe_catalog_plugin *self, const char *ns,
                               const json_t *removals, const json_t *updates)
{
    json_t *props = NULL;
    int rc = dir_load_ns_props(&props, self, ns);
    if (rc)
        return rc;
    json_t *updated = json_array(), *removed = json_array(), *missing = json_array();
    size_t i;
    json_t *v;
    const char *k;
    json_array_foreach(removals, i, v)
    {
        const char *key = json_string_value(v);
        if (!key)
            continue;
        if (json_object_get(props, key)) {
            json_object_del(props, key);
            json_array_append_new(removed, json_string(key));
        } else {
            json_array_append_new(missing, json_string(key));
        }
    }
    json_object_foreach((json_t *)updates, k, v)
    {
        json_object_set(props, k, v);
        json_array_append_new(updated, json_string(k));
    }
    char *p = ns_path(st(self), ns);
    rc = p ? write_json(st(self)->io, p, props, FLOE_CREATE_OVERWRITE)
           : floe_error_set(FLOE_ENOMEM, "out of memory");
    floe_free(p);
    json_decref(props);
    if (!rc && out)
        *out =
            json_pack("{s:o,s:o,s:o}", "updated", updated, "removed", removed, "missing", missing);
    else {
        json_decref(updated);
        json_decref(removed);
        json_decref(missing);
    }
    return rc;
}

static char *table_dir(struct dir_state *s, const char *ns, const char *name)
{
    return path_printf("%s/_catalog/tables/%s/%s/", s->root, ns, name);
}

struct ptr_ctx {
    int64_t max;
    size_t prefix_len;
};

static int ptr_cb(const floe_file_info *info, void *ctx)
{
    struct ptr_ctx *c = ctx;
    const char *rest = info->location + c->prefix_len;
    char *end = NULL;
    long long n = strtoll(rest, &end, 10);
    if (end != rest && strcmp(end, ".json") == 0 && n > c->max)
        c->max = n;
    return 0;
}

/* Highest pointer number of a table (0 when the table does not exist). */
static int current_pointer(int64_t *out, struct dir_state *s, const char *dir)
{
    struct ptr_ctx c = {0, strlen(dir)};
    int rc = s->io->list(s->io, dir, ptr_cb, &c);
    if (rc == FLOE_ENOTFOUND)
        rc = 0;
    *out = c.max;
    return rc;
}

static char *pointer_path(const char *dir, int64_t n)
{
    return path_printf("%s%010" PRId64 ".json", dir, n);
}

/* Loads the metadata location a table points at (FLOE_ENOTFOUND when absent). */
static int load_pointer(char **location, int64_t *version, floe_catalog_plugin *self,
                        const char *ns, const char *name)
{
    struct dir_state *s = st(self);
    int rc;
    if ((rc = valid_name("namespace", ns)) || (rc = valid_name("table", name)))
        return rc;
    char *dir = table_dir(s, ns, name);
    if (!dir)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    int64_t n = 0;
    rc = current_pointer(&n, s, dir);
    if (!rc && n == 0)
        rc = floe_error_set(FLOE_ENOTFOUND, "table '%s.%s' does not exist", ns, name);
    char *p = rc ? NULL : pointer_path(dir, n);
    json_t *j = NULL;
    if (!rc && !p)
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    if (!rc)
        rc = read_json(&j, s->io, p, POINTER_MAX_BYTES);
    if (!rc) {
        const char *loc = json_string_value(json_object_get(j, "metadata-location"));
        if (!loc)
            rc = floe_error_set(FLOE_ECORRUPT, "catalog pointer '%s' lacks metadata-location", p);
        else if (!(*location = floe_strdup(loc)))
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
        *version = n;
    }
    json_decref(j);
    floe_free(p);
    floe_free(dir);
    return rc;
}

/* Creates pointer `n` of a table; FLOE_EEXISTS when someone else created it first. */
static int write_pointer(struct dir_state *s, const char *ns, const char *name, int64_t n,
                         const char *location)
{
    char *dir = table_dir(s, ns, name);
    char *p = dir ? pointer_path(dir, n) : NULL;
    json_t *j = json_pack("{s:s}", "metadata-location", location);
    int rc = (p && j) ? write_json(s->io, p, j, FLOE_CREATE_EXCLUSIVE)
                      : floe_error_set(FLOE_ENOMEM, "out of memory");
    json_decref(j);
    floe_free(p);
    floe_free(dir);
    return rc;
}

static int load_result(json_t **out, floe_file_io *io, const char *location,
                       const floe_table_metadata *given)
{
    floe_table_metadata *md = NULL;
    int rc = 0;
    if (!given && (rc = floe_table_metadata_read(&md, io, location)))
        return rc;
    char *text = NULL;
    rc = floe_table_metadata_to_json(&text, given ? given : md, 0);
    floe_table_metadata_release(md);
    if (rc)
        return rc;
    json_error_t err;
    json_t *mdj = json_loads(text, 0, &err);
    free(text);
    if (!mdj)
        return floe_error_set(FLOE_ECORRUPT, "metadata '%s' did not serialize to JSON", location);
    *out = json_pack("{s:s,s:o,s:{}}", "metadata-location", location, "metadata", mdj, "config");
    return *out ? 0 : floe_error_set(FLOE_ENOMEM, "out of memory");
}

static int dir_table_exists(int *exists, floe_catalog_plugin *self, const char *ns,
                            const char *name)
{
    char *loc = NULL;
    int64_t v = 0;
    int rc = load_pointer(&loc, &v, self, ns, name);
    floe_free(loc);
    if (rc == FLOE_ENOTFOUND) {
        floe_error_clear();
        *exists = 0;
        return 0;
    }
    *exists = rc == 0;
    return rc;
}

static int dir_load_table(json_t **out, floe_catalog_plugin *self, const char *ns, const char *name)
{
    char *loc = NULL;
    int64_t v = 0;
    int rc = load_pointer(&loc, &v, self, ns, name);
    if (!rc)
        rc = load_result(out, st(self)->io, loc, NULL);
    floe_free(loc);
    return rc;
}

static const char *const *dup_props(const json_t *props, size_t *count, const char ***values)
{
    size_t n = json_object_size(props);
    const char **keys = floe_calloc(n ? n : 1, sizeof *keys);
    const char **vals = floe_calloc(n ? n : 1, sizeof *vals);
    if (!keys || !vals) {
        floe_free(keys);
        floe_free(vals);
        return NULL;
    }
    size_t i = 0;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)props, k, v)
    {
        if (!json_is_string(v))
            continue;
        keys[i] = k;
        vals[i++] = json_string_value(v);
    }
    *count = i;
    *values = vals;
    return keys;
}

static int dir_create_table(json_t **out, floe_catalog_plugin *self, const char *ns,
                            const char *name, const json_t *request)
{
    struct dir_state *s = st(self);
    int exists = 0, rc;
    if ((rc = valid_name("table", name)) || (rc = ns_exists(&exists, self, ns)))
        return rc;
    if (!exists)
        return floe_error_set(FLOE_ENOTFOUND,
                              "cannot create table '%s.%s': namespace '%s' does not exist", ns,
                              name, ns);
    if ((rc = dir_table_exists(&exists, self, ns, name)))
        return rc;
    if (exists)
        return floe_error_set(FLOE_EEXISTS, "table '%s.%s' already exists", ns, name);
    char *schema = json_dumps(json_object_get(request, "schema"), JSON_COMPACT);
    const json_t *spec_j = json_object_get(request, "partition-spec");
    const json_t *order_j = json_object_get(request, "write-order");
    char *spec = spec_j ? json_dumps(spec_j, JSON_COMPACT) : NULL;
    char *order = order_j ? json_dumps(order_j, JSON_COMPACT) : NULL;
    const char *location = json_string_value(json_object_get(request, "location"));
    char *own_location = NULL;
    if (!location) {
        char *nsdir = floe_strdup(ns);
        for (char *p = nsdir; p && *p; p++)
            if (*p == '.')
                *p = '/';
        own_location = nsdir ? path_printf("%s/%s/%s", s->root, nsdir, name) : NULL;
        floe_free(nsdir);
        location = own_location;
    }
    size_t nprops = 0;
    const char **vals = NULL;
    const char *const *keys = dup_props(json_object_get(request, "properties"), &nprops, &vals);
    floe_table_metadata *md = NULL;
    char *mdloc = NULL;
    if (!schema || !location || !keys) {
        rc = floe_error_set(FLOE_ENOMEM, "out of memory creating table '%s.%s'", ns, name);
        goto done;
    }
    floe_new_table_options o = FLOE_NEW_TABLE_OPTIONS_INIT;
    o.location = location;
    o.schema_json = schema;
    o.spec_json = spec;
    o.sort_order_json = order;
    o.property_keys = keys;
    o.property_values = vals;
    o.property_count = nprops;
    if ((rc = floe_table_metadata_new_table(&md, &o)) ||
        (rc = floe_table_metadata_next_location(&mdloc, location, NULL)) ||
        (rc = floe_table_metadata_write(s->io, mdloc, md)))
        goto done;
    rc = write_pointer(s, ns, name, 1, mdloc);
    if (rc == FLOE_EEXISTS)
        rc = floe_error_set(FLOE_EEXISTS, "table '%s.%s' already exists", ns, name);
    if (!rc && out)
        rc = load_result(out, s->io, mdloc, md);
done:
    free(schema);
    free(spec);
    free(order);
    floe_free(own_location);
    floe_free((void *)keys);
    floe_free(vals);
    free(mdloc);
    floe_table_metadata_release(md);
    return rc;
}

static int dir_list_tables(floe_catalog_plugin *self, const char *ns, floe_catalog_name_cb cb,
                           void *ctx)
{
    struct dir_state *s = st(self);
    int exists = 0, rc = ns_exists(&exists, self, ns);
    if (rc)
        return rc;
    if (!exists)
        return floe_error_set(FLOE_ENOTFOUND, "namespace '%s' does not exist", ns);
    char *prefix = path_printf("%s/_catalog/tables/%s/", s->root, ns);
    if (!prefix)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    struct list_ctx c = {prefix, NULL, NULL, NULL, 0, 0};
    rc = run_list(&c, s->io);
    for (size_t i = 0; !rc && i < c.count; i++) {
        int ex = 0;
        /* a dropped table leaves no pointer files; skip names without one */
        if ((rc = dir_table_exists(&ex, self, ns, c.names[i])) == 0 && ex)
            rc = cb(c.names[i], ctx);
    }
    list_free(&c);
    floe_free(prefix);
    return rc;
}

struct rm_ctx {
    floe_file_io *io;
    char **paths;
    size_t count, cap;
};

static int collect_cb(const floe_file_info *info, void *ctx)
{
    struct rm_ctx *c = ctx;
    if (c->count == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        char **n = floe_realloc(c->paths, cap * sizeof *n);
        if (!n)
            return FLOE_ENOMEM;
        c->paths = n;
        c->cap = cap;
    }
    if (!(c->paths[c->count] = floe_strdup(info->location)))
        return FLOE_ENOMEM;
    c->count++;
    return 0;
}

/* Deletes every file under `prefix`. */
static int remove_prefix(floe_file_io *io, const char *prefix)
{
    struct rm_ctx c = {io, NULL, 0, 0};
    int rc = io->list(io, prefix, collect_cb, &c);
    if (rc == FLOE_ENOTFOUND)
        rc = 0;
    for (size_t i = 0; i < c.count; i++) {
        if (!rc) {
            int r = io->remove(io, c.paths[i]);
            if (r && r != FLOE_ENOTFOUND)
                rc = r;
        }
        floe_free(c.paths[i]);
    }
    floe_free(c.paths);
    return rc;
}

static int dir_drop_table(floe_catalog_plugin *self, const char *ns, const char *name, int purge)
{
    struct dir_state *s = st(self);
    char *loc = NULL;
    int64_t v = 0;
    int rc = load_pointer(&loc, &v, self, ns, name);
    if (rc)
        return rc;
    char *table_location = NULL;
    if (purge) {
        floe_table_metadata *md = NULL;
        if (floe_table_metadata_read(&md, s->io, loc) == 0) {
            table_location = path_printf("%s/", floe_table_metadata_location(md));
            floe_table_metadata_release(md);
        }
    }
    char *dir = table_dir(s, ns, name);
    rc = dir ? remove_prefix(s->io, dir) : floe_error_set(FLOE_ENOMEM, "out of memory");
    if (!rc && table_location)
        rc = remove_prefix(s->io, table_location);
    floe_free(dir);
    floe_free(table_location);
    floe_free(loc);
    return rc;
}

static int dir_rename_table(floe_catalog_plugin *self, const char *from_ns, const char *from_name,
                            const char *to_ns, const char *to_name)
{
    struct dir_state *s = st(self);
    char *loc = NULL;
    int64_t v = 0;
    int exists = 0;
    int rc = load_pointer(&loc, &v, self, from_ns, from_name);
    if (rc)
        return rc;
    if ((rc = ns_exists(&exists, self, to_ns)) == 0 && !exists)
        rc = floe_error_set(FLOE_ENOTFOUND,
                            "cannot rename to '%s.%s': namespace '%s' does not "
                            "exist",
                            to_ns, to_name, to_ns);
    if (!rc && (rc = dir_table_exists(&exists, self, to_ns, to_name)) == 0 && exists)
        rc = floe_error_set(FLOE_EEXISTS, "cannot rename to '%s.%s': table already exists", to_ns,
                            to_name);
    if (!rc)
        rc = write_pointer(s, to_ns, to_name, 1, loc);
    if (!rc) {
        char *dir = table_dir(s, from_ns, from_name);
        rc = dir ? remove_prefix(s->io, dir) : floe_error_set(FLOE_ENOMEM, "out of memory");
        floe_free(dir);
    }
    floe_free(loc);
    return rc;
}

static int dir_register_table(json_t **out, floe_catalog_plugin *self, const char *ns,
                              const char *name, const char *metadata_location)
{
    struct dir_state *s = st(self);
    int exists = 0, rc;
    if ((rc = valid_name("table", name)) || (rc = ns_exists(&exists, self, ns)))
        return rc;
    if (!exists)
        return floe_error_set(FLOE_ENOTFOUND, "namespace '%s' does not exist", ns);
    if ((rc = dir_table_exists(&exists, self, ns, name)))
        return rc;
    if (exists)
        return floe_error_set(FLOE_EEXISTS, "table '%s.%s' already exists", ns, name);
    floe_table_metadata *md = NULL;
    if ((rc = floe_table_metadata_read(&md, s->io, metadata_location)))
        return floe_error_wrap(rc, "cannot register '%s.%s'", ns, name);
    rc = write_pointer(s, ns, name, 1, metadata_location);
    if (!rc && out)
        rc = load_result(out, s->io, metadata_location, md);
    floe_table_metadata_release(md);
    return rc;
}

static int dir_commit_table(json_t **out, floe_catalog_plugin *self, const char *ns,
                            const char *name, const json_t *request)
{
    struct dir_state *s = st(self);
    char *base_loc = NULL, *text = NULL, *new_loc = NULL;
    int64_t v = 0;
    floe_table_metadata *base = NULL, *next = NULL;
    floe_commit_request *req = NULL;
    int rc = load_pointer(&base_loc, &v, self, ns, name);
    if (rc)
        return rc;
    if ((rc = floe_table_metadata_read(&base, s->io, base_loc)))
        goto done;
    if (!(text = json_dumps(request, JSON_COMPACT))) {
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = floe_commit_request_from_json(&req, text, strlen(text))))
        goto done;
    size_t nreq = 0, nupd = 0;
    floe_table_requirement *const *reqs = floe_commit_request_requirements(req, &nreq);
    floe_table_update *const *upds = floe_commit_request_updates(req, &nupd);
    if ((rc = floe_table_metadata_commit(&next, base, base_loc, reqs, nreq, upds, nupd)) ||
        (rc = floe_table_metadata_next_location(&new_loc, floe_table_metadata_location(next),
                                                base_loc)) ||
        (rc = floe_table_metadata_write(s->io, new_loc, next)))
        goto done;
    rc = write_pointer(s, ns, name, v + 1, new_loc);
    if (rc == FLOE_EEXISTS) {
        /* the metadata file is ours alone: remove it so the loser leaves nothing behind */
        s->io->remove(s->io, new_loc);
        rc =
            floe_error_set(FLOE_ECONFLICT,
                           "commit to '%s.%s' conflicted: another writer committed version %" PRId64
                           " first; refresh and retry",
                           ns, name, v + 1);
    }
    if (!rc && out)
        rc = load_result(out, s->io, new_loc, next);
done:
    free(text);
    free(new_loc);
    floe_free(base_loc);
    floe_commit_request_free(req);
    floe_table_metadata_release(base);
    floe_table_metadata_release(next);
    return rc;
}

static int dir_vend(json_t **out, floe_catalog_plugin *self, const char *ns, const char *name,
                    const char *const *ops)
{
    (void)out;
    (void)self;
    (void)ops;
    return floe_error_set(FLOE_EUNSUPPORTED,
                          "the directory catalog does not vend credentials (table '%s.%s')", ns,
                          name);
}

static int dir_health(floe_health_status *out, floe_catalog_plugin *self, unsigned int timeout_ms)
{
    (void)timeout_ms;
    size_t n = 0;
    int rc = dir_list_namespaces(self, NULL, count_cb, &n);
    memset(out, 0, sizeof *out);
    out->state = rc ? FLOE_HEALTH_UNHEALTHY : FLOE_HEALTH_HEALTHY;
    snprintf(out->message, sizeof out->message, "%s",
             rc ? floe_error_last() : "directory catalog readable");
    return 0;
}

static void dir_free(floe_catalog_plugin *self)
{
    if (!self)
        return;
    if (self->state)
        floe_free(st(self)->root);
    floe_free(self->state);
    floe_free(self);
}

int floe_manager__dir_catalog_new(floe_catalog_plugin **out, floe_file_io *io, const char *root)
{
    floe_catalog_plugin *p = floe_calloc(1, sizeof *p);
    struct dir_state *s = floe_calloc(1, sizeof *s);
    if (!p || !s || !(s->root = floe_strdup(root))) {
        floe_free(p);
        floe_free(s);
        return floe_error_set(FLOE_ENOMEM, "out of memory creating the directory catalog");
    }
    s->io = io;
    p->version = FLOE_CATALOG_PLUGIN_VERSION;
    p->connect = dir_connect;
    p->create_namespace = dir_create_namespace;
    p->list_namespaces = dir_list_namespaces;
    p->delete_namespace = dir_delete_namespace;
    p->namespace_exists = ns_exists;
    p->load_namespace_properties = dir_load_ns_props;
    p->update_namespace_properties = dir_update_ns_props;
    p->create_table = dir_create_table;
    p->list_tables = dir_list_tables;
    p->load_table = dir_load_table;
    p->table_exists = dir_table_exists;
    p->drop_table = dir_drop_table;
    p->rename_table = dir_rename_table;
    p->register_table = dir_register_table;
    p->commit_table = dir_commit_table;
    p->vend_credentials = dir_vend;
    p->health_check = dir_health;
    p->state = s;
    p->free = dir_free;
    *out = p;
    return 0;
}
