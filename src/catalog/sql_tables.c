/* Tables of the sql catalog: one row of iceberg_tables per table, pointing at its current
 * metadata file. Creation writes the first metadata file before inserting the row, so a row
 * never points at a missing file. */
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/builder.h>
#include <floe/iceberg/metadata.h>
#include <floe/log.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "catalog/sql_internal.h"

#define CAT(self) ((floe_sql_catalog *)(self)->state)

/* Rows written by PyIceberg have no iceberg_type; Java writes 'TABLE' or 'VIEW'. */
#define IS_TABLE "(iceberg_type = 'TABLE' OR iceberg_type IS NULL)"

int floe_catalog__sql_table_location(char **out, floe_sql_catalog *cat, const char *ns,
                                     const char *name)
{
    static const char sql[] = "SELECT metadata_location FROM iceberg_tables WHERE "
                              "catalog_name = ?1 AND table_namespace = ?2 AND table_name = ?3 "
                              "AND " IS_TABLE;
    sqlite3_stmt *st = NULL;
    int rc = floe_catalog__sql_prepare_args(&st, cat, sql, FLOE_SQL_ARGS(ns, name));
    if (rc)
        return rc;
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        const char *loc = (const char *)sqlite3_column_text(st, 0);
        if (!loc || !loc[0])
            rc = floe_error_set(FLOE_ECORRUPT, "table '%s.%s' has no metadata location", ns, name);
        else if (!(*out = floe_strdup(loc)))
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    } else if (src == SQLITE_DONE) {
        rc = floe_error_set(FLOE_ENOTFOUND, "table '%s.%s' does not exist in catalog '%s'", ns,
                            name, cat->catalog_name);
    } else {
        rc = floe_catalog__sql_error(cat->db, src, "looking up a table");
    }
    sqlite3_finalize(st);
    return rc;
}

/* 1 when any row (table or view) has that identifier. */
static int row_exists(int *out, floe_sql_catalog *cat, const char *ns, const char *name,
                      int tables_only)
{
    const char *sql = tables_only ? "SELECT 1 FROM iceberg_tables WHERE catalog_name = ?1 AND "
                                    "table_namespace = ?2 AND table_name = ?3 AND " IS_TABLE
                                  : "SELECT 1 FROM iceberg_tables WHERE catalog_name = ?1 AND "
                                    "table_namespace = ?2 AND table_name = ?3";
    return floe_catalog__sql_query_exists(out, cat, sql, FLOE_SQL_ARGS(ns, name),
                                          "looking up a table");
}

static int metadata_to_json(json_t **out, const floe_table_metadata *md)
{
    char *text = NULL;
    int rc = floe_table_metadata_to_json(&text, md, 0);
    if (rc)
        return rc;
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);
    free(text);
    if (!j)
        return floe_error_set(FLOE_ECORRUPT, "metadata JSON did not re-parse: %s", err.text);
    *out = j;
    return 0;
}

static int result_for(json_t **out, const char *location, const floe_table_metadata *md)
{
    json_t *mj = NULL;
    int rc = metadata_to_json(&mj, md);
    if (rc)
        return rc;
    json_t *res =
        json_pack("{s:s,s:o,s:{}}", "metadata-location", location, "metadata", mj, "config");
    if (!res)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    *out = res;
    return 0;
}

int floe_catalog__sql_load_result(json_t **out, floe_sql_catalog *cat, const char *location)
{
    floe_table_metadata *md = NULL;
    int rc = floe_table_metadata_read(&md, cat->io, location);
    if (rc)
        return floe_error_wrap(rc, "reading table metadata '%s'", location);
    rc = result_for(out, location, md);
    floe_table_metadata_release(md);
    return rc;
}

static int insert_row(floe_sql_catalog *cat, const char *ns, const char *name, const char *location)
{
    static const char sql[] =
        "INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, "
        "metadata_location, previous_metadata_location, iceberg_type) "
        "VALUES (?1, ?2, ?3, ?4, NULL, 'TABLE')";
    sqlite3_stmt *st = NULL;
    int rc = floe_catalog__sql_prepare_args(&st, cat, sql, FLOE_SQL_ARGS(ns, name, location));
    if (rc)
        return rc;
    int src = sqlite3_step(st);
    if ((src & 0xff) == SQLITE_CONSTRAINT)
        rc = floe_error_set(FLOE_EEXISTS, "table '%s.%s' already exists in catalog '%s'", ns, name,
                            cat->catalog_name);
    else if (src != SQLITE_DONE)
        rc = floe_catalog__sql_error(cat->db, src, "recording a table");
    sqlite3_finalize(st);
    return rc;
}

/* `<warehouse>/<level>/<level>/<name>`. */
static int default_location(char **out, floe_sql_catalog *cat, const char *ns, const char *name)
{
    floe_buf b = FLOE_BUF_INIT;
    int rc = floe_buf_printf(&b, "%s/", cat->warehouse);
    for (const char *p = ns; *p && rc == 0; p++)
        rc = floe_buf_printf(&b, "%c", *p == '.' ? '/' : *p);
    if (rc == 0)
        rc = floe_buf_printf(&b, "/%s", name);
    if (rc == 0 && !(*out = floe_strndup((const char *)b.data, b.len)))
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    floe_buf_free(&b);
    return rc;
}

/* Strips trailing slashes from a location the caller gave. */
static int clean_location(char **out, const char *loc)
{
    size_t n = strlen(loc);
    while (n > 1 && loc[n - 1] == '/')
        n--;
    if (!(*out = floe_strndup(loc, n)))
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    return 0;
}

/* Text of an optional member of the CreateTableRequest (compact JSON), or NULL. */
static int member_text(char **out, const json_t *request, const char *key, int required)
{
    *out = NULL;
    const json_t *v = json_object_get(request, key);
    if (!v || json_is_null(v)) {
        if (required)
            return floe_error_set(FLOE_EINVALID, "CreateTableRequest: field '%s' is required", key);
        return 0;
    }
    if (!json_is_object(v))
        return floe_error_set(FLOE_EINVALID, "CreateTableRequest: field '%s' must be an object",
                              key);
    *out = json_dumps(v, JSON_COMPACT);
    return *out ? 0 : floe_error_set(FLOE_ENOMEM, "out of memory");
}

typedef struct create_args {
    char *schema, *spec, *order, *location;
    const char **keys, **values;
    size_t nprops;
} create_args;

static void create_args_free(create_args *a)
{
    free(a->schema);
    free(a->spec);
    free(a->order);
    floe_free(a->location);
    floe_free(a->keys);
    floe_free(a->values);
}

static int parse_create(create_args *a, floe_sql_catalog *cat, const char *ns, const char *name,
                        const json_t *request)
{
    if (!json_is_object(request))
        return floe_error_set(FLOE_EINVALID, "create_table: the request must be a JSON object");
    int rc = member_text(&a->schema, request, "schema", 1);
    if (rc == 0)
        rc = member_text(&a->spec, request, "partition-spec", 0);
    if (rc == 0)
        rc = member_text(&a->order, request, "write-order", 0);
    const json_t *loc = json_object_get(request, "location");
    if (rc == 0 && loc && !json_is_null(loc)) {
        if (!json_is_string(loc) || !json_string_value(loc)[0])
            rc = floe_error_set(FLOE_EINVALID,
                                "CreateTableRequest: 'location' must be a non-empty string");
        else
            rc = clean_location(&a->location, json_string_value(loc));
    } else if (rc == 0) {
        rc = default_location(&a->location, cat, ns, name);
    }
    const json_t *props = json_object_get(request, "properties");
    if (rc == 0 && props && !json_is_null(props)) {
        if (!json_is_object(props))
            return floe_error_set(FLOE_EINVALID,
                                  "CreateTableRequest: 'properties' must be an object of strings");
        size_t n = json_object_size(props);
        a->keys = floe_calloc(n ? n : 1, sizeof *a->keys);
        a->values = floe_calloc(n ? n : 1, sizeof *a->values);
        if (!a->keys || !a->values)
            return floe_error_set(FLOE_ENOMEM, "out of memory");
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)props, k, v)
        {
            if (!json_is_string(v))
                return floe_error_set(FLOE_EINVALID,
                                      "CreateTableRequest: property '%s' must be a string", k);
            a->keys[a->nprops] = k;
            a->values[a->nprops++] = json_string_value(v);
        }
    }
    return rc;
}

int floe_catalog__sql_create_table(json_t **out, floe_catalog_plugin *self, const char *ns,
                                   const char *name, const json_t *request)
{
    floe_sql_op op;
    floe_catalog__sql_op_start(&op, CAT(self), "create_table", ns, name);
    floe_sql_catalog *cat = CAT(self);
    if (out)
        *out = NULL;
    create_args a = {0};
    floe_table_metadata *md = NULL;
    char *mloc = NULL;
    int exists = 0;
    int rc = floe_catalog__sql_check_ns(ns);
    if (rc == 0)
        rc = floe_catalog__sql_check_name(name);
    if (rc == 0)
        rc = floe_catalog__sql_require_ns(cat, ns);
    if (rc == 0)
        rc = row_exists(&exists, cat, ns, name, 0);
    if (rc == 0 && exists)
        rc = floe_error_set(FLOE_EEXISTS, "table '%s.%s' already exists in catalog '%s'", ns, name,
                            cat->catalog_name);
    if (rc == 0)
        rc = parse_create(&a, cat, ns, name, request);
    if (rc == 0) {
        floe_new_table_options o = FLOE_NEW_TABLE_OPTIONS_INIT;
        o.location = a.location;
        o.schema_json = a.schema;
        o.spec_json = a.spec;
        o.sort_order_json = a.order;
        o.property_keys = a.keys;
        o.property_values = a.values;
        o.property_count = a.nprops;
        o.format_version = 2;
        rc = floe_table_metadata_new_table(&md, &o);
        if (rc)
            rc = floe_error_wrap(rc, "creating table '%s.%s'", ns, name);
    }
    if (rc == 0)
        rc = floe_table_metadata_next_location(&mloc, a.location, NULL);
    if (rc == 0) {
        rc = floe_table_metadata_write(cat->io, mloc, md);
        if (rc)
            rc = floe_error_wrap(rc, "writing the first metadata file of '%s.%s'", ns, name);
    }
    if (rc == 0) {
        rc = insert_row(cat, ns, name, mloc);
        if (rc)
            cat->io->remove(cat->io, mloc); /* the row was never written: nothing points here */
    }
    if (rc == 0 && out)
        rc = result_for(out, mloc, md);
    free(mloc);
    floe_table_metadata_release(md);
    create_args_free(&a);
    return floe_catalog__sql_op_end(&op, rc);
}

int floe_catalog__sql_list_tables(floe_catalog_plugin *self, const char *ns,
                                  floe_catalog_name_cb cb, void *ctx)
{
    floe_sql_op op;
    floe_catalog__sql_op_start(&op, CAT(self), "list_tables", ns, NULL);
    floe_sql_catalog *cat = CAT(self);
    int rc = cb ? floe_catalog__sql_check_ns(ns)
                : floe_error_set(FLOE_EINVALID, "list_tables: NULL callback");
    if (rc == 0)
        rc = floe_catalog__sql_require_ns(cat, ns);
    json_t *names = rc == 0 ? json_array() : NULL;
    sqlite3_stmt *st = NULL;
    if (rc == 0 && !names)
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    if (rc == 0)
        rc = floe_catalog__sql_prepare_args(&st, cat,
                                            "SELECT table_name FROM iceberg_tables WHERE "
                                            "catalog_name = ?1 AND table_namespace = ?2 "
                                            "AND " IS_TABLE " ORDER BY table_name",
                                            FLOE_SQL_ARGS(ns));
    if (rc == 0) {
        int src;
        while ((src = sqlite3_step(st)) == SQLITE_ROW) {
            const char *t = (const char *)sqlite3_column_text(st, 0);
            if (json_array_append_new(names, json_string(t ? t : "")) != 0) {
                rc = floe_error_set(FLOE_ENOMEM, "out of memory");
                break;
            }
        }
        if (rc == 0 && src != SQLITE_DONE)
            rc = floe_catalog__sql_error(cat->db, src, "listing tables");
    }
    sqlite3_finalize(st);
    rc = floe_catalog__sql_op_end(&op, rc);
    size_t i;
    json_t *v;
    if (rc == 0) {
        json_array_foreach(names, i, v)
        {
            rc = cb(json_string_value(v), ctx);
            if (rc)
                break;
        }
    }
    json_decref(names);
    return rc;
}

int floe_catalog__sql_load_table(json_t **out, floe_catalog_plugin *self, const char *ns,
                                 const char *name)
{
    floe_sql_op op;
    floe_catalog__sql_op_start(&op, CAT(self), "load_table", ns, name);
    floe_sql_catalog *cat = CAT(self);
    char *loc = NULL;
    int rc = out ? floe_catalog__sql_check_ns(ns)
                 : floe_error_set(FLOE_EINVALID, "load_table: NULL out");
    if (rc == 0)
        rc = floe_catalog__sql_check_name(name);
    if (rc == 0)
        rc = floe_catalog__sql_table_location(&loc, cat, ns, name);
    if (rc == 0)
        rc = floe_catalog__sql_load_result(out, cat, loc);
    floe_free(loc);
    return floe_catalog__sql_op_end(&op, rc);
}

int floe_catalog__sql_table_exists(int *exists, floe_catalog_plugin *self, const char *ns,
                                   const char *name)
{
    floe_sql_op op;
    floe_catalog__sql_op_start(&op, CAT(self), "table_exists", ns, name);
    int rc = exists ? floe_catalog__sql_check_ns(ns)
                    : floe_error_set(FLOE_EINVALID, "table_exists: NULL out");
    if (rc == 0)
        rc = floe_catalog__sql_check_name(name);
    if (rc == 0)
        rc = row_exists(exists, CAT(self), ns, name, 1);
    return floe_catalog__sql_op_end(&op, rc);
}

int floe_catalog__sql_drop_table(floe_catalog_plugin *self, const char *ns, const char *name,
                                 int purge)
{
    floe_sql_op op;
    floe_catalog__sql_op_start(&op, CAT(self), "drop_table", ns, name);
    floe_span_set_attr_bool(op.span, "catalog.purge", purge);
    floe_sql_catalog *cat = CAT(self);
    char *loc = NULL;
    int rc = floe_catalog__sql_check_ns(ns);
    if (rc == 0)
        rc = floe_catalog__sql_check_name(name);
    if (rc == 0)
        rc = floe_catalog__sql_table_location(&loc, cat, ns, name);
    int changes = 0;
    if (rc == 0)
        rc = floe_catalog__sql_run(&changes, cat,
                                   "DELETE FROM iceberg_tables WHERE catalog_name = ?1 AND "
                                   "table_namespace = ?2 AND table_name = ?3 AND " IS_TABLE,
                                   FLOE_SQL_ARGS(ns, name), "dropping a table");
    if (rc == 0 && changes == 0)
        rc = floe_error_set(FLOE_ENOTFOUND, "table '%s.%s' does not exist in catalog '%s'", ns,
                            name, cat->catalog_name);
    /* The table is gone once its row is; files left behind by a failed purge are logged, as
     * they no longer belong to any table. */
    if (rc == 0 && purge && floe_catalog__sql_purge(cat, loc) != 0)
        floe_log(FLOE_LOG_WARN, "purge of a dropped table left files behind", "catalog",
                 cat->catalog_name, "namespace", ns, "table", name, "error", floe_error_last(),
                 NULL);
    floe_free(loc);
    return floe_catalog__sql_op_end(&op, rc);
}

int floe_catalog__sql_rename_table(floe_catalog_plugin *self, const char *from_ns,
                                   const char *from_name, const char *to_ns, const char *to_name)
{
    floe_sql_op op;
    floe_catalog__sql_op_start(&op, CAT(self), "rename_table", from_ns, from_name);
    floe_span_set_attr_str(op.span, "catalog.to_namespace", to_ns);
    floe_span_set_attr_str(op.span, "catalog.to_table", to_name);
    floe_sql_catalog *cat = CAT(self);
    int rc = floe_catalog__sql_check_ns(from_ns);
    if (rc == 0)
        rc = floe_catalog__sql_check_name(from_name);
    if (rc == 0)
        rc = floe_catalog__sql_check_ns(to_ns);
    if (rc == 0)
        rc = floe_catalog__sql_check_name(to_name);
    if (rc == 0)
        rc = floe_catalog__sql_begin(cat->db);
    if (rc)
        return floe_catalog__sql_op_end(&op, rc);
    int exists = 0;
    rc = row_exists(&exists, cat, from_ns, from_name, 1);
    if (rc == 0 && !exists)
        rc = floe_error_set(FLOE_ENOTFOUND, "table '%s.%s' does not exist in catalog '%s'", from_ns,
                            from_name, cat->catalog_name);
    if (rc == 0)
        rc = floe_catalog__sql_require_ns(cat, to_ns);
    if (rc == 0)
        rc = row_exists(&exists, cat, to_ns, to_name, 0);
    if (rc == 0 && exists)
        rc = floe_error_set(FLOE_EEXISTS,
                            "cannot rename '%s.%s' to '%s.%s': the target already exists", from_ns,
                            from_name, to_ns, to_name);
    if (rc == 0)
        rc = floe_catalog__sql_run(NULL, cat,
                                   "UPDATE iceberg_tables SET table_namespace = ?4, "
                                   "table_name = ?5 WHERE catalog_name = ?1 AND "
                                   "table_namespace = ?2 AND table_name = ?3",
                                   FLOE_SQL_ARGS(from_ns, from_name, to_ns, to_name),
                                   "renaming a table");
    rc = floe_catalog__sql_end(cat->db, rc);
    return floe_catalog__sql_op_end(&op, rc);
}

int floe_catalog__sql_register_table(json_t **out, floe_catalog_plugin *self, const char *ns,
                                     const char *name, const char *metadata_location)
{
    floe_sql_op op;
    floe_catalog__sql_op_start(&op, CAT(self), "register_table", ns, name);
    floe_sql_catalog *cat = CAT(self);
    if (out)
        *out = NULL;
    int rc = floe_catalog__sql_check_ns(ns);
    if (rc == 0)
        rc = floe_catalog__sql_check_name(name);
    if (rc == 0 && (!metadata_location || !metadata_location[0]))
        rc = floe_error_set(FLOE_EINVALID, "register_table: a metadata location is required");
    if (rc == 0)
        rc = floe_catalog__sql_require_ns(cat, ns);
    int exists = 0;
    if (rc == 0)
        rc = row_exists(&exists, cat, ns, name, 0);
    if (rc == 0 && exists)
        rc = floe_error_set(FLOE_EEXISTS, "table '%s.%s' already exists in catalog '%s'", ns, name,
                            cat->catalog_name);
    /* Reading the file first refuses to register something that is not table metadata. */
    json_t *res = NULL;
    if (rc == 0)
        rc = floe_catalog__sql_load_result(&res, cat, metadata_location);
    if (rc == 0)
        rc = insert_row(cat, ns, name, metadata_location);
    if (rc == 0 && out)
        *out = res;
    else
        json_decref(res);
    return floe_catalog__sql_op_end(&op, rc);
}
