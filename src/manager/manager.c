/* The table manager: configuration, catalog and storage set-up, namespaces and tables. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <floe/catalog.h>
#include <floe/config.h>
#include <floe/error.h>
#include <floe/iceberg/metadata.h>
#include <floe/iceberg/schema.h>
#include <floe/iceberg/snapshot.h>
#include <floe/log.h>
#include <floe/parquet/writer.h>
#include <floe/plugins/storage.h>
#include <floe/trace.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "manager/manager_internal.h"

#define DEFAULT_CONFIG_FILE "floe.yaml"

static const char *first(const char *a, const char *b, const char *c)
{
    return a && *a ? a : b && *b ? b : c;
}

static int mkdirs(const char *path)
{
    char *p = floe_strdup(path);
    if (!p)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            int e = errno;
            floe_free(p);
            return floe_error_set(FLOE_EIO, "cannot create directory '%s': %s", path, strerror(e));
        }
        *s = '/';
    }
    int rc = 0;
    if (mkdir(p, 0777) != 0 && errno != EEXIST)
        rc = floe_error_set(FLOE_EIO, "cannot create warehouse directory '%s': %s", path,
                            strerror(errno));
    floe_free(p);
    return rc;
}

/* An absolute form of a local path, so every location the manager writes is absolute. */
static char *absolute(const char *path)
{
    if (strncmp(path, "file://", 7) == 0)
        path += 7;
    if (path[0] == '/')
        return floe_strdup(path);
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd))
        return NULL;
    floe_buf b = FLOE_BUF_INIT;
    while (strncmp(path, "./", 2) == 0)
        path += 2;
    if (floe_buf_printf(&b, "%s/%s", cwd, path)) {
        floe_buf_free(&b);
        return NULL;
    }
    size_t len;
    char *s = (char *)floe_buf_detach(&b, &len);
    while (len > 1 && s[len - 1] == '/')
        s[--len] = '\0';
    return s;
}

static int64_t json_int_or(const json_t *j, int64_t dflt)
{
    if (json_is_integer(j))
        return json_integer_value(j);
    if (json_is_string(j)) {
        char *end = NULL;
        errno = 0;
        long long v = strtoll(json_string_value(j), &end, 10);
        if (!errno && end && *end == '\0')
            return v;
    }
    return dflt;
}

static int parse_compression(int *out, const char *name)
{
    static const struct {
        const char *name;
        int codec;
    } codecs[] = {{"zstd", FLOE_PARQUET_COMPRESSION_ZSTD},
                  {"snappy", FLOE_PARQUET_COMPRESSION_SNAPPY},
                  {"gzip", FLOE_PARQUET_COMPRESSION_GZIP},
                  {"brotli", FLOE_PARQUET_COMPRESSION_BROTLI},
                  {"lz4", FLOE_PARQUET_COMPRESSION_LZ4_RAW},
                  {"uncompressed", FLOE_PARQUET_COMPRESSION_UNCOMPRESSED},
                  {"none", FLOE_PARQUET_COMPRESSION_UNCOMPRESSED}};
    for (size_t i = 0; i < sizeof codecs / sizeof codecs[0]; i++)
        if (strcmp(codecs[i].name, name) == 0) {
            *out = codecs[i].codec;
            return 0;
        }
    return floe_error_set(FLOE_ECONFIG,
                          "write.compression '%s' is unknown: use zstd, snappy, gzip, brotli, "
                          "lz4 or uncompressed",
                          name);
}

static int open_catalog(floe_manager *m, const char *wanted)
{
    floe_plugin_info info;
    const char *name = wanted ? wanted : "sql";
    int rc = floe_registry_lookup(&info, m->registry, FLOE_PLUGIN_CATALOG, name);
    if (rc == FLOE_ENOTFOUND && strcmp(name, "sql") == 0) {
        /* the sql catalog is compiled in but registered on request */
        floe_error_clear();
        if ((rc = floe_catalog_register_builtins(m->registry)) == 0)
            rc = floe_registry_lookup(&info, m->registry, FLOE_PLUGIN_CATALOG, name);
    }
    if (rc == 0) {
        json_t *cfg = json_pack("{s:s,s:s}", "uri", m->catalog_uri, "warehouse", m->warehouse);
        void *inst = NULL;
        if (!cfg)
            return floe_error_set(FLOE_ENOMEM, "out of memory");
        rc = floe_registry_configure(m->registry, FLOE_PLUGIN_CATALOG, name, cfg, NULL);
        json_decref(cfg);
        if (rc)
            return floe_error_wrap(rc, "cannot configure the '%s' catalog", name);
        rc = floe_registry_get(&inst, m->registry, FLOE_PLUGIN_CATALOG, name);
        if (rc)
            return floe_error_wrap(rc, "cannot open the '%s' catalog", name);
        m->catalog = inst;
        return (m->catalog_name = floe_strdup(name)) ? 0
                                                     : floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    return floe_error_wrap(rc, "no catalog named '%s'", name);
}

int floe_manager_open(floe_manager **out, const floe_manager_options *opts)
{
    floe_manager_options dflt = FLOE_MANAGER_OPTIONS_INIT;
    if (!out)
        return floe_error_set(FLOE_EINVALID, "floe_manager_open: NULL out");
    *out = NULL;
    if (!opts)
        opts = &dflt;
    json_t *cfg = NULL;
    int rc = 0;
    const char *cfg_file = opts->config_file;
    if (!cfg_file && access(DEFAULT_CONFIG_FILE, R_OK) == 0)
        cfg_file = DEFAULT_CONFIG_FILE;
    if (cfg_file && (rc = floe_config_load_file(&cfg, cfg_file)))
        return floe_error_wrap(rc, "cannot load config file '%s'", cfg_file);
    floe_manager *m = floe_calloc(1, sizeof *m);
    if (!m) {
        json_decref(cfg);
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    const json_t *cat = json_object_get(cfg, "catalog");
    const json_t *write = json_object_get(cfg, "write");
    const char *wh =
        first(opts->warehouse, getenv("FLOE_WAREHOUSE"),
              first(json_string_value(json_object_get(cfg, "warehouse")), NULL, "./warehouse"));
    if (!(m->warehouse = absolute(wh))) {
        rc = floe_error_set(FLOE_ENOMEM, "cannot resolve warehouse '%s'", wh);
        goto fail;
    }
    const char *uri = first(opts->catalog_uri, getenv("FLOE_CATALOG_URI"),
                            json_string_value(json_object_get(cat, "uri")));
    floe_buf b = FLOE_BUF_INIT;
    if (uri) {
        if (floe_buf_append_str(&b, uri))
            rc = FLOE_ENOMEM;
    } else if (floe_buf_printf(&b, "%s/catalog.db", m->warehouse)) {
        rc = FLOE_ENOMEM;
    }
    size_t len;
    m->catalog_uri = rc ? NULL : (char *)floe_buf_detach(&b, &len);
    floe_buf_free(&b);
    if (!m->catalog_uri) {
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
        goto fail;
    }
    m->target_file_size = opts->target_file_size > 0
                              ? opts->target_file_size
                              : json_int_or(json_object_get(write, "target-file-size-bytes"),
                                            FLOE_MANAGER_TARGET_FILE_SIZE_DEFAULT);
    m->row_group_size = opts->row_group_size > 0
                            ? opts->row_group_size
                            : json_int_or(json_object_get(write, "row-group-size-bytes"),
                                          FLOE_MANAGER_ROW_GROUP_SIZE_DEFAULT);
    m->compression = FLOE_PARQUET_COMPRESSION_ZSTD;
    if (opts->compression >= 0)
        m->compression = opts->compression;
    else if (json_is_string(json_object_get(write, "compression")) &&
             (rc = parse_compression(&m->compression,
                                     json_string_value(json_object_get(write, "compression")))))
        goto fail;
    int64_t retries = opts->commit_retries >= 0
                          ? opts->commit_retries
                          : json_int_or(json_object_get(json_object_get(cfg, "commit"), "retries"),
                                        FLOE_MANAGER_COMMIT_RETRIES_DEFAULT);
    if (m->target_file_size <= 0 || m->row_group_size <= 0 || retries < 0 || retries > 100) {
        rc = floe_error_set(FLOE_ECONFIG, "write sizes must be positive and commit.retries "
                                          "between 0 and 100");
        goto fail;
    }
    m->commit_retries = (unsigned int)retries;
    m->retry_base_ms = opts->retry_base_ms ? opts->retry_base_ms : 50;
    m->max_open_writers = opts->max_open_writers ? opts->max_open_writers : 64;

    if ((rc = mkdirs(m->warehouse)))
        goto fail;
    floe_registry_options ro = FLOE_REGISTRY_OPTIONS_INIT;
    if ((rc = floe_registry_new(&m->registry, &ro)) ||
        (rc = floe_registry_register_builtins(m->registry)))
        goto fail;
    /* the storage plugin is configured even when the caller brings a FileIO: the catalog
     * plugin depends on it */
    json_t *scfg = json_pack("{s:s}", "root", m->warehouse);
    if (!scfg) {
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
        goto fail;
    }
    rc = floe_registry_configure(m->registry, FLOE_PLUGIN_STORAGE, "local", scfg, NULL);
    json_decref(scfg);
    if (rc)
        goto fail;
    if (opts->file_io) {
        m->io = opts->file_io;
    } else {
        void *inst = NULL;
        if ((rc = floe_registry_get(&inst, m->registry, FLOE_PLUGIN_STORAGE, "local")))
            goto fail;
        floe_storage_plugin *sp = inst;
        if ((rc = sp->create_file_io(&m->own_io, sp, NULL)))
            goto fail;
        m->io = m->own_io;
    }
    const char *catalog_name =
        first(opts->catalog, json_string_value(json_object_get(cat, "type")), NULL);
    if ((rc = open_catalog(m, catalog_name)))
        goto fail;
    if (m->catalog->connect && (rc = m->catalog->connect(m->catalog)))
        goto fail;
    json_decref(cfg);
    *out = m;
    return 0;
fail:
    json_decref(cfg);
    floe_manager_free(m);
    return rc;
}

void floe_manager_free(floe_manager *m)
{
    if (!m)
        return;
    if (m->own_io)
        floe_file_io_free(m->own_io);
    floe_registry_free(m->registry);
    floe_free(m->warehouse);
    floe_free(m->catalog_uri);
    floe_free(m->catalog_name);
    floe_free(m);
}

const char *floe_manager_warehouse(const floe_manager *m)
{
    return m ? m->warehouse : NULL;
}

const char *floe_manager_catalog_name(const floe_manager *m)
{
    return m ? m->catalog_name : NULL;
}

/* ---- namespaces ---- */

int floe_manager_create_namespace(floe_manager *m, const char *ns, const json_t *properties,
                                  int create_parents)
{
    if (!m || !ns)
        return floe_error_set(FLOE_EINVALID, "floe_manager_create_namespace: NULL argument");
    floe_span *span = floe_span_start("floe.namespace.create", NULL);
    int rc = 0;
    {
        for (const char *d = strchr(ns, '.'); d && !rc; d = strchr(d + 1, '.')) {
            char *parent = floe_strndup(ns, (size_t)(d - ns));
            int exists = 0;
            if (!parent)
                rc = floe_error_set(FLOE_ENOMEM, "out of memory");
            else if (!(rc = m->catalog->namespace_exists(&exists, m->catalog, parent)) && !exists)
                rc = create_parents
                         ? m->catalog->create_namespace(m->catalog, parent, NULL)
                         : floe_error_set(FLOE_ENOTFOUND,
                                          "cannot create namespace '%s': parent '%s' does not "
                                          "exist; create it first (or pass --parents)",
                                          ns, parent);
            floe_free(parent);
        }
    }
    if (!rc)
        rc = m->catalog->create_namespace(m->catalog, ns, properties);
    floe_span_set_attr_str(span, "floe.namespace", ns);
    if (rc)
        floe_span_set_status(span, FLOE_SPAN_STATUS_ERROR, floe_error_name(rc));
    floe_span_end(span);
    return floe_manager__log_op(NULL, ns, "create-namespace", NULL, -1, rc);
}

struct names {
    char **v;
    size_t n, cap;
};

static int names_cb(const char *name, void *ctx)
{
    struct names *c = ctx;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        char **v = floe_realloc(c->v, cap * sizeof *v);
        if (!v)
            return floe_error_set(FLOE_ENOMEM, "out of memory");
        c->v = v;
        c->cap = cap;
    }
    if (!(c->v[c->n] = floe_strdup(name)))
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    c->n++;
    return 0;
}

void floe_manager_strings_free(char **list, size_t count)
{
    if (!list)
        return;
    for (size_t i = 0; i < count; i++)
        floe_free(list[i]);
    floe_free(list);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int finish_names(char ***out, size_t *count, struct names *c, int rc)
{
    if (rc) {
        floe_manager_strings_free(c->v, c->n);
        return rc;
    }
    if (c->n)
        qsort(c->v, c->n, sizeof *c->v, cmp_str);
    *out = c->v;
    *count = c->n;
    return 0;
}

int floe_manager_list_namespaces(char ***out, size_t *count, floe_manager *m, const char *parent)
{
    if (!out || !count || !m)
        return floe_error_set(FLOE_EINVALID, "floe_manager_list_namespaces: NULL argument");
    struct names c = {0};
    int rc =
        m->catalog->list_namespaces(m->catalog, parent && *parent ? parent : NULL, names_cb, &c);
    return finish_names(out, count, &c, rc);
}

int floe_manager_load_namespace(json_t **out, floe_manager *m, const char *ns)
{
    if (!out || !m || !ns)
        return floe_error_set(FLOE_EINVALID, "floe_manager_load_namespace: NULL argument");
    return m->catalog->load_namespace_properties(out, m->catalog, ns);
}

int floe_manager_update_namespace(floe_manager *m, const char *ns, const json_t *updates,
                                  const json_t *removals)
{
    if (!m || !ns)
        return floe_error_set(FLOE_EINVALID, "floe_manager_update_namespace: NULL argument");
    json_t *res = NULL;
    int rc = m->catalog->update_namespace_properties(&res, m->catalog, ns, removals, updates);
    json_decref(res);
    return floe_manager__log_op(NULL, ns, "update-namespace", NULL, -1, rc);
}

int floe_manager_drop_namespace(floe_manager *m, const char *ns)
{
    if (!m || !ns)
        return floe_error_set(FLOE_EINVALID, "floe_manager_drop_namespace: NULL argument");
    int rc = m->catalog->delete_namespace(m->catalog, ns);
    return floe_manager__log_op(NULL, ns, "drop-namespace", NULL, -1, rc);
}

/* ---- tables ---- */

int floe_manager__split_ident(char **ns, char **name, const char *ident)
{
    const char *dot = ident ? strrchr(ident, '.') : NULL;
    if (!dot || dot == ident || !dot[1])
        return floe_error_set(FLOE_EINVALID,
                              "table identifier '%s' must be 'namespace.table' (e.g. sales.orders)",
                              ident ? ident : "(null)");
    *ns = floe_strndup(ident, (size_t)(dot - ident));
    *name = floe_strdup(dot + 1);
    if (!*ns || !*name) {
        floe_free(*ns);
        floe_free(*name);
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    return 0;
}

int floe_manager__table_set_result(floe_table *t, const json_t *result)
{
    const char *loc = json_string_value(json_object_get(result, "metadata-location"));
    char *text = json_dumps(json_object_get(result, "metadata"), JSON_COMPACT);
    floe_table_metadata *md = NULL;
    floe_schema *schema = NULL;
    floe_partition_spec *spec = NULL;
    char *loc_copy = loc ? floe_strdup(loc) : NULL;
    int rc = 0;
    if (!text || !loc_copy) {
        rc = floe_error_set(FLOE_ECORRUPT, "catalog response for '%s' lacks metadata", t->ident);
        goto done;
    }
    if ((rc = floe_table_metadata_from_json(&md, text, strlen(text))))
        goto done;
    const char *sj = floe_table_metadata_schema_json(md, floe_table_metadata_current_schema_id(md));
    const char *pj = floe_table_metadata_spec_json(md, floe_table_metadata_default_spec_id(md));
    if (!sj || !pj) {
        rc = floe_error_set(FLOE_ECORRUPT, "metadata of '%s' lacks its current schema or spec",
                            t->ident);
        goto done;
    }
    if ((rc = floe_schema_from_json(&schema, sj, strlen(sj))) ||
        (rc = floe_partition_spec_from_json(&spec, pj, strlen(pj))))
        goto done;
    floe_table_metadata_release(t->md);
    floe_schema_free(t->schema);
    floe_partition_spec_free(t->spec);
    floe_free(t->metadata_location);
    t->md = md;
    t->schema = schema;
    t->spec = spec;
    t->metadata_location = loc_copy;
    md = NULL;
    schema = NULL;
    spec = NULL;
    loc_copy = NULL;
done:
    free(text);
    floe_free(loc_copy);
    floe_table_metadata_release(md);
    floe_schema_free(schema);
    floe_partition_spec_free(spec);
    return rc;
}

static int table_new(floe_table **out, floe_manager *m, const char *ident)
{
    floe_table *t = floe_calloc(1, sizeof *t);
    if (!t || !(t->ident = floe_strdup(ident))) {
        floe_free(t);
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    t->m = m;
    int rc = floe_manager__split_ident(&t->ns, &t->name, ident);
    if (rc) {
        floe_table_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

static int table_from_result(floe_table **out, floe_manager *m, const char *ident,
                             const json_t *result)
{
    floe_table *t = NULL;
    int rc = table_new(&t, m, ident);
    if (!rc && (rc = floe_manager__table_set_result(t, result))) {
        floe_table_free(t);
        t = NULL;
    }
    *out = t;
    return rc;
}

void floe_table_free(floe_table *t)
{
    if (!t)
        return;
    floe_table_metadata_release(t->md);
    floe_schema_free(t->schema);
    floe_partition_spec_free(t->spec);
    floe_free(t->ident);
    floe_free(t->ns);
    floe_free(t->name);
    floe_free(t->metadata_location);
    floe_free(t);
}

int floe_table_refresh(floe_table *t)
{
    if (!t)
        return floe_error_set(FLOE_EINVALID, "floe_table_refresh: NULL table");
    json_t *res = NULL;
    int rc = t->m->catalog->load_table(&res, t->m->catalog, t->ns, t->name);
    if (!rc)
        rc = floe_manager__table_set_result(t, res);
    json_decref(res);
    return rc;
}

static int props_object(json_t **out, const floe_table_create_options *o)
{
    json_t *p = json_object();
    if (!p)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t i = 0; i < o->property_count; i++) {
        if (!o->property_keys[i] || !o->property_values[i]) {
            json_decref(p);
            return floe_error_set(FLOE_EINVALID, "table property %zu has no key or value", i);
        }
        json_object_set_new(p, o->property_keys[i], json_string(o->property_values[i]));
    }
    *out = p;
    return 0;
}

int floe_manager_create_table(floe_table **out, floe_manager *m, const char *ident,
                              const floe_table_create_options *opts)
{
    if (out)
        *out = NULL;
    if (!m || !ident || !opts || (!opts->schema_json && !opts->schema_text))
        return floe_error_set(FLOE_EINVALID,
                              "floe_manager_create_table: a table needs an identifier and a "
                              "schema");
    floe_span *span = floe_span_start("floe.table.create", NULL);
    floe_span_set_attr_str(span, "floe.table", ident);
    char *ns = NULL, *name = NULL, *schema_json = NULL, *spec_json = NULL, *sort_json = NULL;
    floe_schema *schema = NULL;
    json_t *req = NULL, *res = NULL, *props = NULL;
    int rc = floe_manager__split_ident(&ns, &name, ident);
    if (rc)
        goto done;
    if (opts->if_not_exists) {
        int exists = 0;
        if ((rc = m->catalog->table_exists(&exists, m->catalog, ns, name)))
            goto done;
        if (exists) {
            if (out)
                rc = floe_manager_load_table(out, m, ident);
            goto done;
        }
    }
    if (opts->schema_json) {
        if (!(schema_json = floe_strdup(opts->schema_json))) {
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
            goto done;
        }
    } else if ((rc = floe_manager__schema_text_to_json(&schema_json, opts->schema_text))) {
        goto done;
    }
    if ((rc = floe_schema_from_json(&schema, schema_json, strlen(schema_json))))
        goto done;
    if (opts->partition_by && *opts->partition_by &&
        (rc = floe_manager__spec_text_to_json(&spec_json, opts->partition_by, schema)))
        goto done;
    if (opts->sort_by && *opts->sort_by &&
        (rc = floe_manager__sort_text_to_json(&sort_json, opts->sort_by, schema)))
        goto done;
    if ((rc = props_object(&props, opts)))
        goto done;
    json_error_t err;
    req = json_pack("{s:s,s:o,s:o}", "name", name, "schema", json_loads(schema_json, 0, &err),
                    "properties", props);
    props = NULL;
    if (!req) {
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
        goto done;
    }
    if (spec_json)
        json_object_set_new(req, "partition-spec", json_loads(spec_json, 0, &err));
    if (sort_json)
        json_object_set_new(req, "write-order", json_loads(sort_json, 0, &err));
    if (opts->location)
        json_object_set_new(req, "location", json_string(opts->location));
    if ((rc = m->catalog->create_table(&res, m->catalog, ns, name, req)))
        goto done;
    if (out)
        rc = table_from_result(out, m, ident, res);
done:
    if (rc)
        floe_span_set_status(span, FLOE_SPAN_STATUS_ERROR, floe_error_name(rc));
    floe_span_end(span);
    json_decref(req);
    json_decref(res);
    json_decref(props);
    floe_schema_free(schema);
    free(schema_json);
    free(spec_json);
    free(sort_json);
    floe_free(ns);
    floe_free(name);
    return floe_manager__log_op(NULL, ident, "create-table", NULL, -1, rc);
}

int floe_manager_load_table(floe_table **out, floe_manager *m, const char *ident)
{
    if (!out || !m || !ident)
        return floe_error_set(FLOE_EINVALID, "floe_manager_load_table: NULL argument");
    *out = NULL;
    floe_table *t = NULL;
    int rc = table_new(&t, m, ident);
    if (rc)
        return rc;
    if ((rc = floe_table_refresh(t))) {
        floe_table_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

int floe_manager_table_exists(int *exists, floe_manager *m, const char *ident)
{
    char *ns = NULL, *name = NULL;
    if (!exists || !m)
        return floe_error_set(FLOE_EINVALID, "floe_manager_table_exists: NULL argument");
    int rc = floe_manager__split_ident(&ns, &name, ident);
    if (!rc)
        rc = m->catalog->table_exists(exists, m->catalog, ns, name);
    floe_free(ns);
    floe_free(name);
    return rc;
}

int floe_manager_list_tables(char ***out, size_t *count, floe_manager *m, const char *ns)
{
    if (!out || !count || !m || !ns)
        return floe_error_set(FLOE_EINVALID, "floe_manager_list_tables: NULL argument");
    struct names c = {0};
    int rc = m->catalog->list_tables(m->catalog, ns, names_cb, &c);
    return finish_names(out, count, &c, rc);
}

int floe_manager_drop_table(floe_manager *m, const char *ident, int purge)
{
    char *ns = NULL, *name = NULL;
    if (!m)
        return floe_error_set(FLOE_EINVALID, "floe_manager_drop_table: NULL manager");
    int rc = floe_manager__split_ident(&ns, &name, ident);
    if (!rc)
        rc = m->catalog->drop_table(m->catalog, ns, name, purge);
    floe_free(ns);
    floe_free(name);
    return floe_manager__log_op(NULL, ident, purge ? "drop-table-purge" : "drop-table", NULL, -1,
                                rc);
}

int floe_manager_rename_table(floe_manager *m, const char *from, const char *to)
{
    char *fns = NULL, *fname = NULL, *tns = NULL, *tname = NULL;
    if (!m)
        return floe_error_set(FLOE_EINVALID, "floe_manager_rename_table: NULL manager");
    int rc = floe_manager__split_ident(&fns, &fname, from);
    if (!rc && !(rc = floe_manager__split_ident(&tns, &tname, to)))
        rc = m->catalog->rename_table(m->catalog, fns, fname, tns, tname);
    floe_free(fns);
    floe_free(fname);
    floe_free(tns);
    floe_free(tname);
    return floe_manager__log_op(NULL, from, "rename-table", NULL, -1, rc);
}

int floe_manager_register_table(floe_table **out, floe_manager *m, const char *ident,
                                const char *metadata_location)
{
    char *ns = NULL, *name = NULL;
    json_t *res = NULL;
    if (out)
        *out = NULL;
    if (!m || !metadata_location)
        return floe_error_set(FLOE_EINVALID, "floe_manager_register_table: NULL argument");
    int rc = floe_manager__split_ident(&ns, &name, ident);
    if (!rc)
        rc = m->catalog->register_table(&res, m->catalog, ns, name, metadata_location);
    if (!rc && out)
        rc = table_from_result(out, m, ident, res);
    json_decref(res);
    floe_free(ns);
    floe_free(name);
    return floe_manager__log_op(NULL, ident, "register-table", NULL, -1, rc);
}

const char *floe_table_identifier(const floe_table *t)
{
    return t ? t->ident : NULL;
}

const char *floe_table_metadata_file(const floe_table *t)
{
    return t ? t->metadata_location : NULL;
}

const char *floe_table_location(const floe_table *t)
{
    return t ? floe_table_metadata_location(t->md) : NULL;
}

int64_t floe_table_current_snapshot_id(const floe_table *t)
{
    if (!t)
        return -1;
    int64_t id = floe_table_metadata_current_snapshot_id(t->md);
    return id == FLOE_SNAPSHOT_ID_NONE ? -1 : id;
}

static json_t *parse_or_null(const char *text)
{
    json_error_t err;
    return text ? json_loads(text, 0, &err) : json_null();
}

int floe_table_describe(json_t **out, const floe_table *t)
{
    if (!out || !t)
        return floe_error_set(FLOE_EINVALID, "floe_table_describe: NULL argument");
    const floe_table_metadata *md = t->md;
    json_t *props = json_object();
    for (size_t i = 0; props && i < floe_table_metadata_property_count(md); i++) {
        const char *k, *v;
        floe_table_metadata_property_at(md, i, &k, &v);
        json_object_set_new(props, k, json_string(v));
    }
    int64_t cur = floe_table_current_snapshot_id(t);
    *out = json_pack(
        "{s:s,s:s,s:s,s:i,s:s?,s:o,s:o,s:o,s:o,s:o}", "identifier", t->ident, "location",
        floe_table_metadata_location(md), "metadata-location", t->metadata_location,
        "format-version", floe_table_metadata_format_version(md), "table-uuid",
        floe_table_metadata_uuid(md), "schema",
        parse_or_null(
            floe_table_metadata_schema_json(md, floe_table_metadata_current_schema_id(md))),
        "partition-spec",
        parse_or_null(floe_table_metadata_spec_json(md, floe_table_metadata_default_spec_id(md))),
        "sort-order",
        parse_or_null(
            floe_table_metadata_sort_order_json(md, floe_table_metadata_default_sort_order_id(md))),
        "properties", props ? props : json_object(), "current-snapshot-id",
        cur < 0 ? json_null() : json_integer(cur));
    return *out ? 0 : floe_error_set(FLOE_ENOMEM, "out of memory describing '%s'", t->ident);
}

int floe_table_arrow_schema(struct ArrowSchema *out, const floe_table *t)
{
    if (!out || !t)
        return floe_error_set(FLOE_EINVALID, "floe_table_arrow_schema: NULL argument");
    return floe_manager__arrow_schema(out, t->schema, NULL, 0);
}

static json_t *snapshot_json(const floe_snapshot *s, int64_t current)
{
    json_t *summary = json_object();
    for (size_t i = 0; summary && i < floe_snapshot_summary_count(s); i++) {
        const char *k, *v;
        floe_snapshot_summary_at(s, i, &k, &v);
        json_object_set_new(summary, k, json_string(v));
    }
    int64_t parent = floe_snapshot_parent_id(s);
    const char *op = floe_snapshot_operation(s);
    return json_pack("{s:I,s:o,s:I,s:I,s:s,s:o,s:s?,s:b}", "snapshot-id",
                     (json_int_t)floe_snapshot_id(s), "parent-snapshot-id",
                     parent == FLOE_SNAPSHOT_ID_NONE ? json_null() : json_integer(parent),
                     "sequence-number", (json_int_t)floe_snapshot_sequence_number(s),
                     "timestamp-ms", (json_int_t)floe_snapshot_timestamp_ms(s), "operation",
                     op ? op : "", "summary", summary ? summary : json_object(), "manifest-list",
                     floe_snapshot_manifest_list(s), "current", floe_snapshot_id(s) == current);
}

int floe_table_snapshots(json_t **out, const floe_table *t)
{
    if (!out || !t)
        return floe_error_set(FLOE_EINVALID, "floe_table_snapshots: NULL argument");
    json_t *arr = json_array();
    int64_t cur = floe_table_current_snapshot_id(t);
    for (size_t i = 0; arr && i < floe_table_metadata_snapshot_count(t->md); i++) {
        json_t *s = snapshot_json(floe_table_metadata_snapshot_at(t->md, i), cur);
        if (!s || json_array_append_new(arr, s)) {
            json_decref(arr);
            arr = NULL;
        }
    }
    if (!arr)
        return floe_error_set(FLOE_ENOMEM, "out of memory listing snapshots");
    *out = arr;
    return 0;
}

int floe_table_history(json_t **out, const floe_table *t)
{
    if (!out || !t)
        return floe_error_set(FLOE_EINVALID, "floe_table_history: NULL argument");
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < floe_table_metadata_snapshot_log_count(t->md); i++) {
        floe_snapshot_log_entry e = floe_table_metadata_snapshot_log_at(t->md, i);
        json_array_append_new(arr,
                              json_pack("{s:I,s:I}", "timestamp-ms", (json_int_t)e.timestamp_ms,
                                        "snapshot-id", (json_int_t)e.snapshot_id));
    }
    if (!arr)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    *out = arr;
    return 0;
}

int floe_table_set_ref(floe_table *t, const char *name, int64_t snapshot_id, int tag)
{
    if (!t || !name || !*name)
        return floe_error_set(FLOE_EINVALID, "floe_table_set_ref: NULL table or empty name");
    if (!floe_table_metadata_snapshot_by_id(t->md, snapshot_id))
        return floe_error_set(FLOE_ENOTFOUND, "table '%s' has no snapshot %" PRId64, t->ident,
                              snapshot_id);
    floe_snapshot_ref ref = FLOE_SNAPSHOT_REF_INIT;
    ref.snapshot_id = snapshot_id;
    ref.type = tag ? FLOE_REF_TAG : FLOE_REF_BRANCH;
    floe_table_update *upd = NULL;
    floe_span *span = floe_manager__span_start(t, tag ? "set-tag" : "set-branch");
    floe_span_set_attr_str(span, "floe.ref", name);
    int rc = floe_update_set_snapshot_ref(&upd, name, &ref);
    if (!rc)
        rc = floe_manager__commit(t, NULL, 0, &upd, 1);
    floe_update_free(upd);
    floe_manager__span_end(span, rc);
    return floe_manager__log_op(t, NULL, tag ? "set-tag" : "set-branch", NULL, -1, rc);
}

int floe_manager__commit(floe_table *t, floe_table_requirement *const *reqs, size_t nreq,
                         floe_table_update *const *upds, size_t nupd)
{
    char *text = NULL;
    int rc = floe_commit_request_to_json(&text, NULL, 0, NULL, reqs, nreq, upds, nupd);
    if (rc)
        return rc;
    json_error_t err;
    json_t *req = json_loads(text, 0, &err);
    free(text);
    if (!req)
        return floe_error_set(FLOE_ENOMEM, "commit request of '%s' did not serialize", t->ident);
    json_t *res = NULL;
    rc = t->m->catalog->commit_table(&res, t->m->catalog, t->ns, t->name, req);
    json_decref(req);
    if (!rc)
        rc = floe_manager__table_set_result(t, res);
    json_decref(res);
    return rc;
}

int floe_manager__int_property(int64_t *out, const floe_table *t, const char *key, int64_t dflt,
                               int64_t min)
{
    *out = dflt;
    const char *v = floe_table_metadata_property(t->md, key);
    if (!v)
        return 0;
    char *end = NULL;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || !end || *end || end == v || x < min)
        return floe_error_set(FLOE_EINVALID,
                              "table '%s' property %s='%s' is not %s integer; fix the property",
                              t->ident, key, v, min > 0 ? "a positive" : "a non-negative");
    *out = (int64_t)x;
    return 0;
}

floe_span *floe_manager__span_start(const floe_table *t, const char *operation)
{
    char name[96];
    snprintf(name, sizeof name, "floe.table.%s", operation);
    floe_span *s = floe_span_start(name, NULL);
    if (t)
        floe_span_set_attr_str(s, "floe.table", t->ident);
    return s;
}

int floe_manager__span_end(floe_span *span, int rc)
{
    if (rc)
        floe_span_set_status(span, FLOE_SPAN_STATUS_ERROR, floe_error_name(rc));
    floe_span_end(span);
    return rc;
}

int floe_manager__log_op(const floe_table *t, const char *ident, const char *operation,
                         const char *mode, int64_t records, int rc)
{
    char recs[32] = "";
    if (records >= 0)
        snprintf(recs, sizeof recs, "%" PRId64, records);
    const char *id = t ? t->ident : ident;
    if (rc)
        floe_log(FLOE_LOG_WARN, "table operation failed", "table", id ? id : "", "operation",
                 operation, "error", floe_error_name(rc), NULL);
    else
        floe_log(FLOE_LOG_INFO, "table operation", "table", id ? id : "", "operation", operation,
                 "write_mode", mode ? mode : "", "records_added", recs, NULL);
    return rc;
}
