/* The "sql" catalog plugin: construction, the vtable, health check, descriptor and
 * registration. The methods live in sql_namespaces.c, sql_tables.c and sql_commit.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <floe/catalog.h>
#include <floe/error.h>
#include <floe/log.h>
#include <floe/registry.h>
#include <floe/storage.h>
#include <floe/trace.h>

#include "base/alloc.h"
#include "catalog/sql_internal.h"

#define CAT(self) ((floe_sql_catalog *)(self)->state)
/* Seed 000 US6: a health check never waits longer than 10 s. */
#define SQL_HEALTH_MAX_MS 10000u

static int sql_connect(floe_catalog_plugin *self)
{
    floe_sql_op op;
    floe_catalog__sql_op_start(&op, CAT(self), "connect", NULL, NULL);
    int rc = floe_catalog__sql_exec(CAT(self)->db, "SELECT 1", "checking the catalog database");
    return floe_catalog__sql_op_end(&op, rc);
}

static int sql_vend_credentials(json_t **out, floe_catalog_plugin *self, const char *ns,
                                const char *name, const char *const *operations)
{
    (void)operations;
    floe_sql_op op;
    floe_catalog__sql_op_start(&op, CAT(self), "vend_credentials", ns, name);
    if (out)
        *out = NULL;
    int rc = floe_error_set(FLOE_EUNSUPPORTED,
                            "the sql catalog does not vend credentials: its tables live on local "
                            "storage, which needs none");
    return floe_catalog__sql_op_end(&op, rc);
}

static int64_t clock_ms(int clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct deadline {
    int64_t at;
} deadline;

static int past_deadline(void *p)
{
    return clock_ms(CLOCK_MONOTONIC) > ((deadline *)p)->at;
}

static int sql_health(floe_health_status *out, floe_catalog_plugin *self, unsigned int timeout_ms)
{
    if (!out)
        return floe_error_set(FLOE_EINVALID, "health_check: NULL status");
    if (timeout_ms == 0 || timeout_ms > SQL_HEALTH_MAX_MS)
        timeout_ms = SQL_HEALTH_MAX_MS;
    memset(out, 0, sizeof *out);
    floe_sql_catalog *cat = CAT(self);
    int64_t start = clock_ms(CLOCK_MONOTONIC);
    floe_sql_op op;
    floe_catalog__sql_op_start(&op, cat, "health_check", NULL, NULL);
    /* The probe is the lightweight listing query; a lock held by another process or a slow
     * disk is cut off at the deadline. */
    deadline d = {start + (int64_t)timeout_ms};
    sqlite3_busy_timeout(
        cat->db, (int)(timeout_ms < cat->busy_timeout_ms ? timeout_ms : cat->busy_timeout_ms));
    sqlite3_progress_handler(cat->db, 100, past_deadline, &d);
    int rc = floe_catalog__sql_exec(cat->db,
                                    "SELECT count(*) FROM (SELECT namespace FROM "
                                    "iceberg_namespace_properties UNION SELECT table_namespace "
                                    "FROM iceberg_tables)",
                                    "listing namespaces");
    sqlite3_progress_handler(cat->db, 0, NULL, NULL);
    sqlite3_busy_timeout(cat->db, (int)cat->busy_timeout_ms);
    out->response_time_ms = clock_ms(CLOCK_MONOTONIC) - start;
    out->checked_at = clock_ms(CLOCK_REALTIME);
    if (rc == 0 && out->response_time_ms > (int64_t)timeout_ms) {
        out->state = FLOE_HEALTH_DEGRADED;
        snprintf(out->message, sizeof out->message,
                 "catalog database answered in %lld ms, over the %u ms limit",
                 (long long)out->response_time_ms, timeout_ms);
    } else if (rc == 0) {
        out->state = FLOE_HEALTH_HEALTHY;
        snprintf(out->message, sizeof out->message, "catalog '%s' database is readable",
                 cat->catalog_name);
    } else {
        out->state = FLOE_HEALTH_UNHEALTHY;
        snprintf(out->message, sizeof out->message, "catalog database check failed: %s",
                 floe_error_last());
    }
    floe_span_set_attr_int(op.span, "health.response_time_ms", out->response_time_ms);
    floe_span_set_attr_str(op.span, "health.state", floe_health_state_name(out->state));
    floe_catalog__sql_op_end(&op, rc);
    return 0;
}

static void sql_free(floe_catalog_plugin *self)
{
    if (!self)
        return;
    floe_sql_catalog *cat = self->state;
    if (cat) {
        sqlite3_close(cat->db);
        floe_file_io_free(cat->io);
        pthread_mutex_destroy(&cat->mu);
        floe_free(cat->catalog_name);
        floe_free(cat->warehouse);
        floe_free(cat->db_path);
        floe_free(cat);
    }
    floe_free(self);
}

/* The file path of a `path`/`uri` value: plain, `sqlite:///rel`, `sqlite:////abs`,
 * `jdbc:sqlite:path`, `file:path`. */
static const char *db_file_of(const char *uri)
{
    if (strncmp(uri, "jdbc:sqlite:", 12) == 0)
        uri += 12;
    if (strncmp(uri, "sqlite:///", 10) == 0)
        return uri + 10;
    if (strncmp(uri, "file://", 7) == 0)
        return uri + 7;
    if (strncmp(uri, "file:", 5) == 0)
        return uri + 5;
    return uri;
}

int floe_sql_catalog_new(floe_catalog_plugin **out, const floe_sql_catalog_options *options)
{
    floe_sql_catalog_options defaults = FLOE_SQL_CATALOG_OPTIONS_INIT;
    const floe_sql_catalog_options *o = options ? options : &defaults;
    floe_file_io *io = o->file_io;
    if (!out) {
        floe_file_io_free(io);
        return floe_error_set(FLOE_EINVALID, "floe_sql_catalog_new: NULL out");
    }
    *out = NULL;
    if (o->version != FLOE_SQL_CATALOG_OPTIONS_VERSION) {
        floe_file_io_free(io);
        return floe_error_set(FLOE_EVERSION, "floe_sql_catalog_options version %u is not %d",
                              o->version, FLOE_SQL_CATALOG_OPTIONS_VERSION);
    }
    const char *path = db_file_of(o->path && o->path[0] ? o->path : FLOE_SQL_CATALOG_DEFAULT_PATH);
    const char *warehouse =
        o->warehouse && o->warehouse[0] ? o->warehouse : FLOE_SQL_CATALOG_DEFAULT_WAREHOUSE;
    const char *name =
        o->catalog_name && o->catalog_name[0] ? o->catalog_name : FLOE_SQL_CATALOG_DEFAULT_NAME;
    if (!path[0]) {
        floe_file_io_free(io);
        return floe_error_set(FLOE_EINVALID, "sql catalog: the database path is empty");
    }
    floe_catalog_plugin *p = floe_calloc(1, sizeof *p);
    floe_sql_catalog *cat = floe_calloc(1, sizeof *cat);
    if (!p || !cat || pthread_mutex_init(&cat->mu, NULL) != 0) {
        floe_free(p);
        floe_free(cat);
        floe_file_io_free(io);
        return floe_error_set(FLOE_ENOMEM, "out of memory creating the sql catalog");
    }
    p->state = cat;
    p->free = sql_free;
    cat->io = io;
    cat->busy_timeout_ms =
        o->busy_timeout_ms ? o->busy_timeout_ms : FLOE_SQL_CATALOG_DEFAULT_BUSY_TIMEOUT_MS;
    int rc = 0;
    if (!(cat->catalog_name = floe_strdup(name)) || !(cat->db_path = floe_strdup(path)))
        rc = floe_error_set(FLOE_ENOMEM, "out of memory creating the sql catalog");
    /* Table locations are recorded absolute so that other engines resolve them alike. */
    if (rc == 0)
        rc = floe_local_resolve(&cat->warehouse, NULL, warehouse);
    if (rc == 0 && !cat->io)
        rc = floe_local_file_io_new(&cat->io, cat->warehouse);
    if (rc == 0)
        rc = floe_catalog__sql_open(&cat->db, cat->db_path, cat->busy_timeout_ms);
    if (rc) {
        sql_free(p);
        return rc;
    }
    p->version = FLOE_CATALOG_PLUGIN_VERSION;
    p->connect = sql_connect;
    p->create_namespace = floe_catalog__sql_create_namespace;
    p->list_namespaces = floe_catalog__sql_list_namespaces;
    p->delete_namespace = floe_catalog__sql_delete_namespace;
    p->namespace_exists = floe_catalog__sql_namespace_exists;
    p->load_namespace_properties = floe_catalog__sql_load_namespace_properties;
    p->update_namespace_properties = floe_catalog__sql_update_namespace_properties;
    p->create_table = floe_catalog__sql_create_table;
    p->list_tables = floe_catalog__sql_list_tables;
    p->load_table = floe_catalog__sql_load_table;
    p->table_exists = floe_catalog__sql_table_exists;
    p->drop_table = floe_catalog__sql_drop_table;
    p->rename_table = floe_catalog__sql_rename_table;
    p->register_table = floe_catalog__sql_register_table;
    p->commit_table = floe_catalog__sql_commit_table;
    p->vend_credentials = sql_vend_credentials;
    p->health_check = sql_health;
    floe_log(FLOE_LOG_DEBUG, "sql catalog opened", "catalog", cat->catalog_name, "database",
             cat->db_path, "warehouse", cat->warehouse, NULL);
    *out = p;
    return 0;
}

/* ---- registry descriptor ---- */

static int sql_init(void **out, const floe_config *config, const floe_plugin_context *ctx)
{
    floe_storage_plugin *storage = NULL;
    int rc = floe_registry_get((void **)&storage, ctx->registry, FLOE_PLUGIN_STORAGE, "local");
    if (rc)
        return floe_error_wrap(rc, "sql catalog: its storage plugin 'local' is not available");
    floe_file_io *io = NULL;
    rc = storage->create_file_io(&io, storage, NULL);
    if (rc)
        return floe_error_wrap(rc, "sql catalog: cannot create a FileIO from storage 'local'");
    floe_sql_catalog_options o = FLOE_SQL_CATALOG_OPTIONS_INIT;
    o.path = floe_config_get_string(config, "uri");
    if (!o.path)
        o.path = floe_config_get_string(config, "path");
    o.warehouse = floe_config_get_string(config, "warehouse");
    if (!o.warehouse)
        o.warehouse = storage->warehouse_location(storage);
    o.catalog_name = floe_config_get_string(config, "catalog_name");
    int64_t busy = 0;
    if (floe_config_get_int(&busy, config, "busy_timeout_ms") == 0 && busy > 0)
        o.busy_timeout_ms = (unsigned int)busy;
    o.file_io = io;
    floe_catalog_plugin *p = NULL;
    rc = floe_sql_catalog_new(&p, &o);
    if (rc == 0)
        *out = p;
    return rc;
}

static const floe_config_field sql_fields[] = {
    {.name = "uri",
     .type = FLOE_CONFIG_STRING,
     .description = "SQLite database: a path, sqlite:///path or jdbc:sqlite:path (wins over "
                    "'path')",
     .flags = FLOE_CONFIG_HAS_MIN,
     .minimum = 1},
    {.name = "path",
     .type = FLOE_CONFIG_STRING,
     .description = "SQLite database file",
     .default_json = "\"" FLOE_SQL_CATALOG_DEFAULT_PATH "\"",
     .flags = FLOE_CONFIG_HAS_MIN,
     .minimum = 1},
    {.name = "warehouse",
     .type = FLOE_CONFIG_STRING,
     .description = "root of new tables' locations; default: the storage plugin's warehouse",
     .flags = FLOE_CONFIG_HAS_MIN,
     .minimum = 1},
    {.name = "catalog_name",
     .type = FLOE_CONFIG_STRING,
     .description = "value of the catalog_name column (as PyIceberg's and Java's catalog name)",
     .default_json = "\"" FLOE_SQL_CATALOG_DEFAULT_NAME "\"",
     .flags = FLOE_CONFIG_HAS_MIN | FLOE_CONFIG_HAS_MAX,
     .minimum = 1,
     .maximum = 255},
    {.name = "busy_timeout_ms",
     .type = FLOE_CONFIG_INT,
     .description = "how long to wait for another process's database lock (milliseconds)",
     .default_json = "5000",
     .flags = FLOE_CONFIG_HAS_MIN | FLOE_CONFIG_HAS_MAX,
     .minimum = 1,
     .maximum = 600000},
    {0}};

static const floe_config_schema sql_schema = {
    .version = FLOE_CONFIG_SCHEMA_VERSION,
    .fields = sql_fields,
    .unknown = FLOE_CONFIG_UNKNOWN_REJECT,
    .description = "Embedded Iceberg catalog in a SQLite file (JDBC catalog tables)",
};

static const floe_plugin_dependency sql_deps[] = {{"local", FLOE_PLUGIN_STORAGE}, {0}};

FLOE_PLUGIN_DESCRIPTOR(sql_descriptor, .type = FLOE_PLUGIN_CATALOG, .name = "sql",
                       .version = FLOE_VERSION_STRING,
                       .description = "embedded Iceberg catalog in SQLite (JDBC catalog schema)",
                       .dependencies = sql_deps, .config_schema = &sql_schema, .init = sql_init);

const floe_plugin_def *floe_catalog_sql_descriptor(void)
{
    return &sql_descriptor;
}

int floe_catalog_register_builtins(floe_registry *registry)
{
    return floe_registry_register(registry, &sql_descriptor, NULL);
}
