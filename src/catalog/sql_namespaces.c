/* Namespaces of the sql catalog. As in the JDBC catalog, a namespace is the dot-joined string
 * of its levels; it exists when it has a row in iceberg_namespace_properties (created with
 * `exists=true` when no property is given), a table, or a nested namespace. */
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "catalog/sql_internal.h"

#define CAT(self) ((floe_sql_catalog *)(self)->state)

static int check_string_object(const json_t *o, const char *what)
{
    if (!o)
        return 0;
    if (!json_is_object(o))
        return floe_error_set(FLOE_EINVALID, "%s must be a JSON object of strings", what);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)o, k, v)
    {
        if (!json_is_string(v))
            return floe_error_set(FLOE_EINVALID, "%s: value of '%s' must be a string", what, k);
        if (strlen(k) > 255)
            return floe_error_set(FLOE_EINVALID, "%s: key '%.40s...' is longer than 255 bytes",
                                  what, k);
    }
    return 0;
}

/* 1 when the namespace has property rows or tables of its own (not only nested ones). */
static int ns_explicit(int *out, floe_sql_catalog *cat, const char *ns)
{
    static const char sql[] =
        "SELECT 1 FROM iceberg_namespace_properties WHERE catalog_name = ?1 AND namespace = ?2 "
        "UNION ALL SELECT 1 FROM iceberg_tables WHERE catalog_name = ?1 AND table_namespace = ?2 "
        "LIMIT 1";
    return floe_catalog__sql_query_exists(out, cat, sql, FLOE_SQL_ARGS(ns), "checking a namespace");
}

static int insert_property(floe_sql_catalog *cat, const char *ns, const char *key,
                           const char *value)
{
    static const char sql[] =
        "INSERT INTO iceberg_namespace_properties (catalog_name, namespace, property_key, "
        "property_value) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (catalog_name, namespace, "
        "property_key) DO UPDATE SET property_value = excluded.property_value";
    return floe_catalog__sql_run(NULL, cat, sql, FLOE_SQL_ARGS(ns, key, value),
                                 "writing a namespace property");
}

int floe_catalog__sql_create_namespace(floe_catalog_plugin *self, const char *ns,
                                       const json_t *properties)
{
    floe_sql_op op;
    floe_catalog__sql_op_start(&op, CAT(self), "create_namespace", ns, NULL);
    floe_sql_catalog *cat = CAT(self);
    int rc = floe_catalog__sql_check_ns(ns);
    if (rc == 0)
        rc = check_string_object(properties, "namespace properties");
    if (rc == 0)
        rc = floe_catalog__sql_begin(cat->db);
    if (rc)
        return floe_catalog__sql_op_end(&op, rc);
    int exists = 0;
    rc = ns_explicit(&exists, cat, ns);
    if (rc == 0 && exists)
        rc = floe_error_set(FLOE_EEXISTS, "namespace '%s' already exists in catalog '%s'", ns,
                            cat->catalog_name);
    if (rc == 0 && (!properties || json_object_size(properties) == 0)) {
        rc = insert_property(cat, ns, "exists", "true");
    } else if (rc == 0) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)properties, k, v)
        {
            rc = insert_property(cat, ns, k, json_string_value(v));
            if (rc)
                break;
        }
    }
    rc = floe_catalog__sql_end(cat->db, rc);
    return floe_catalog__sql_op_end(&op, rc);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every distinct namespace string of the catalog, from both tables, in `set` (an object used
 * as a set). */
static int all_namespaces(json_t *set, floe_sql_catalog *cat)
{
    static const char sql[] =
        "SELECT namespace FROM iceberg_namespace_properties WHERE catalog_name = ?1 "
        "UNION SELECT table_namespace FROM iceberg_tables WHERE catalog_name = ?1";
    sqlite3_stmt *st = NULL;
    int rc = floe_catalog__sql_prepare_args(&st, cat, sql, NULL, 0);
    if (rc)
        return rc;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *ns = (const char *)sqlite3_column_text(st, 0);
        if (ns && ns[0] && json_object_set_new(set, ns, json_true()) != 0) {
            rc = floe_error_set(FLOE_ENOMEM, "out of memory listing namespaces");
            break;
        }
    }
    if (rc == 0 && src != SQLITE_DONE)
        rc = floe_catalog__sql_error(cat->db, src, "listing namespaces");
    sqlite3_finalize(st);
    return rc;
}

/* The direct children of `parent` (NULL: top level) among the catalog's namespaces, sorted. */
static int child_namespaces(json_t **out, floe_sql_catalog *cat, const char *parent)
{
    json_t *all = json_object();
    json_t *children = json_object();
    int rc = all && children ? 0 : floe_error_set(FLOE_ENOMEM, "out of memory");
    if (rc == 0)
        rc = all_namespaces(all, cat);
    size_t plen = parent ? strlen(parent) : 0;
    const char *ns;
    json_t *v;
    if (rc == 0) {
        json_object_foreach(all, ns, v)
        {
            const char *rest = ns;
            if (parent) {
                if (strncmp(ns, parent, plen) != 0 || ns[plen] != '.')
                    continue;
                rest = ns + plen + 1;
            }
            const char *dot = strchr(rest, '.');
            size_t child_len = (size_t)((dot ? dot : rest + strlen(rest)) - ns);
            char *child = floe_strndup(ns, child_len);
            if (!child || json_object_set_new(children, child, json_true()) != 0) {
                floe_free(child);
                rc = floe_error_set(FLOE_ENOMEM, "out of memory listing namespaces");
                break;
            }
            floe_free(child);
        }
    }
    json_decref(all);
    size_t n = rc == 0 ? json_object_size(children) : 0;
    const char **names = n ? floe_calloc(n, sizeof *names) : NULL;
    if (n && !names)
        rc = floe_error_set(FLOE_ENOMEM, "out of memory listing namespaces");
    json_t *list = rc == 0 ? json_array() : NULL;
    if (rc == 0 && !list)
        rc = floe_error_set(FLOE_ENOMEM, "out of memory listing namespaces");
    if (rc == 0) {
        size_t i = 0;
        json_object_foreach(children, ns, v) names[i++] = ns;
        if (n > 1)
            qsort(names, n, sizeof *names, cmp_str);
        for (i = 0; i < n && rc == 0; i++)
            if (json_array_append_new(list, json_string(names[i])) != 0)
                rc = floe_error_set(FLOE_ENOMEM, "out of memory listing namespaces");
    }
    floe_free(names);
    json_decref(children);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return 0;
}

int floe_catalog__sql_list_namespaces(floe_catalog_plugin *self, const char *parent,
                                      floe_catalog_name_cb cb, void *ctx)
{
    floe_sql_op op;
    floe_catalog__sql_op_start(&op, CAT(self), "list_namespaces", parent, NULL);
    floe_sql_catalog *cat = CAT(self);
    int rc = cb ? 0 : floe_error_set(FLOE_EINVALID, "list_namespaces: NULL callback");
    if (rc == 0 && parent) {
        rc = floe_catalog__sql_check_ns(parent);
        if (rc == 0)
            rc = floe_catalog__sql_require_ns(cat, parent);
    }
    json_t *list = NULL;
    if (rc == 0)
        rc = child_namespaces(&list, cat, parent);
    rc = floe_catalog__sql_op_end(&op, rc);
    /* Callbacks run without the lock so that they may call the catalog. */
    size_t i;
    json_t *v;
    if (rc == 0) {
        json_array_foreach(list, i, v)
        {
            rc = cb(json_string_value(v), ctx);
            if (rc)
                break;
        }
    }
    json_decref(list);
    return rc;
}

/* Names of the tables directly in `ns`, sorted (array of strings). */
static int tables_in(json_t **out, floe_sql_catalog *cat, const char *ns)
{
    static const char sql[] = "SELECT table_name FROM iceberg_tables WHERE catalog_name = ?1 AND "
                              "table_namespace = ?2 ORDER BY table_name";
    sqlite3_stmt *st = NULL;
    int rc = floe_catalog__sql_prepare_args(&st, cat, sql, FLOE_SQL_ARGS(ns));
    if (rc)
        return rc;
    json_t *list = json_array();
    if (!list) {
        sqlite3_finalize(st);
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        if (json_array_append_new(list, json_string(t ? t : "")) != 0) {
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
            break;
        }
    }
    if (rc == 0 && src != SQLITE_DONE)
        rc = floe_catalog__sql_error(cat->db, src, "listing tables");
    sqlite3_finalize(st);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return 0;
}

/* Appends "N <what>s (a, b, c)" naming at most 10 items. */
static int describe(floe_buf *b, const json_t *items, const char *what)
{
    size_t n = json_array_size(items);
    int rc = floe_buf_printf(b, "%zu %s%s (", n, what, n == 1 ? "" : "s");
    for (size_t i = 0; i < n && i < 10 && rc == 0; i++)
        rc = floe_buf_printf(b, "%s%s", i ? ", " : "", json_string_value(json_array_get(items, i)));
    if (rc == 0 && n > 10)
        rc = floe_buf_printf(b, ", and %zu more", n - 10);
    if (rc == 0)
        rc = floe_buf_printf(b, ")");
    return rc;
}

int floe_catalog__sql_delete_namespace(floe_catalog_plugin *self, const char *ns)
{
    floe_sql_op op;
    floe_catalog__sql_op_start(&op, CAT(self), "delete_namespace", ns, NULL);
    floe_sql_catalog *cat = CAT(self);
    int rc = floe_catalog__sql_check_ns(ns);
    if (rc == 0)
        rc = floe_catalog__sql_begin(cat->db);
    if (rc)
        return floe_catalog__sql_op_end(&op, rc);
    rc = floe_catalog__sql_require_ns(cat, ns);
    json_t *tables = NULL, *children = NULL;
    if (rc == 0)
        rc = tables_in(&tables, cat, ns);
    if (rc == 0)
        rc = child_namespaces(&children, cat, ns);
    if (rc == 0 && (json_array_size(tables) || json_array_size(children))) {
        floe_buf b = FLOE_BUF_INIT;
        int brc = 0;
        if (json_array_size(tables))
            brc = describe(&b, tables, "table");
        if (brc == 0 && json_array_size(tables) && json_array_size(children))
            brc = floe_buf_printf(&b, " and ");
        if (brc == 0 && json_array_size(children))
            brc = describe(&b, children, "namespace");
        if (brc)
            rc = brc;
        else
            rc = floe_error_set(FLOE_ENOTEMPTY,
                                "namespace '%s' is not empty: it has %.*s; drop or move them first",
                                ns, (int)b.len, (const char *)b.data);
        floe_buf_free(&b);
    }
    json_decref(tables);
    json_decref(children);
    if (rc == 0)
        rc = floe_catalog__sql_run(NULL, cat,
                                   "DELETE FROM iceberg_namespace_properties WHERE "
                                   "catalog_name = ?1 AND namespace = ?2",
                                   FLOE_SQL_ARGS(ns), "deleting a namespace");
    rc = floe_catalog__sql_end(cat->db, rc);
    return floe_catalog__sql_op_end(&op, rc);
}

int floe_catalog__sql_namespace_exists(int *exists, floe_catalog_plugin *self, const char *ns)
{
    floe_sql_op op;
    floe_catalog__sql_op_start(&op, CAT(self), "namespace_exists", ns, NULL);
    int rc = exists ? floe_catalog__sql_check_ns(ns)
                    : floe_error_set(FLOE_EINVALID, "namespace_exists: NULL out");
    if (rc == 0)
        rc = floe_catalog__sql_ns_exists(exists, CAT(self), ns);
    return floe_catalog__sql_op_end(&op, rc);
}

static int read_properties(json_t **out, floe_sql_catalog *cat, const char *ns)
{
    static const char sql[] = "SELECT property_key, property_value FROM "
                              "iceberg_namespace_properties WHERE catalog_name = ?1 AND "
                              "namespace = ?2 AND property_key IS NOT NULL";
    sqlite3_stmt *st = NULL;
    int rc = floe_catalog__sql_prepare_args(&st, cat, sql, FLOE_SQL_ARGS(ns));
    if (rc)
        return rc;
    json_t *props = json_object();
    if (!props) {
        sqlite3_finalize(st);
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(st, 0);
        const char *v = (const char *)sqlite3_column_text(st, 1);
        if (json_object_set_new(props, k, json_string(v ? v : "")) != 0) {
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
            break;
        }
    }
    if (rc == 0 && src != SQLITE_DONE)
        rc = floe_catalog__sql_error(cat->db, src, "reading namespace properties");
    sqlite3_finalize(st);
    if (rc) {
        json_decref(props);
        return rc;
    }
    *out = props;
    return 0;
}

int floe_catalog__sql_load_namespace_properties(json_t **out, floe_catalog_plugin *self,
                                                const char *ns)
{
    floe_sql_op op;
    floe_catalog__sql_op_start(&op, CAT(self), "load_namespace_properties", ns, NULL);
    int rc = out ? floe_catalog__sql_check_ns(ns)
                 : floe_error_set(FLOE_EINVALID, "load_namespace_properties: NULL out");
    if (rc == 0)
        rc = floe_catalog__sql_require_ns(CAT(self), ns);
    if (rc == 0)
        rc = read_properties(out, CAT(self), ns);
    return floe_catalog__sql_op_end(&op, rc);
}

static int delete_property(int *deleted, floe_sql_catalog *cat, const char *ns, const char *key)
{
    int changes = 0;
    int rc = floe_catalog__sql_run(&changes, cat,
                                   "DELETE FROM iceberg_namespace_properties WHERE "
                                   "catalog_name = ?1 AND namespace = ?2 AND property_key = ?3",
                                   FLOE_SQL_ARGS(ns, key), "removing a namespace property");
    if (rc == 0)
        *deleted = changes > 0;
    return rc;
}

static int check_update_args(const json_t *removals, const json_t *updates)
{
    int rc = check_string_object(updates, "namespace property updates");
    if (rc || !removals)
        return rc;
    if (!json_is_array(removals))
        return floe_error_set(FLOE_EINVALID, "namespace property removals must be an array");
    size_t i;
    json_t *v;
    json_array_foreach((json_t *)removals, i, v)
    {
        if (!json_is_string(v))
            return floe_error_set(FLOE_EINVALID,
                                  "namespace property removals[%zu] must be a string", i);
        if (updates && json_object_get(updates, json_string_value(v)))
            return floe_error_set(FLOE_EINVALID,
                                  "property '%s' is both removed and updated; choose one",
                                  json_string_value(v));
    }
    return 0;
}

int floe_catalog__sql_update_namespace_properties(json_t **out, floe_catalog_plugin *self,
                                                  const char *ns, const json_t *removals,
                                                  const json_t *updates)
{
    floe_sql_op op;
    floe_catalog__sql_op_start(&op, CAT(self), "update_namespace_properties", ns, NULL);
    floe_sql_catalog *cat = CAT(self);
    if (out)
        *out = NULL;
    int rc = floe_catalog__sql_check_ns(ns);
    if (rc == 0)
        rc = check_update_args(removals, updates);
    if (rc == 0)
        rc = floe_catalog__sql_begin(cat->db);
    if (rc)
        return floe_catalog__sql_op_end(&op, rc);
    json_t *res = json_pack("{s:[],s:[],s:[]}", "updated", "removed", "missing");
    rc = res ? floe_catalog__sql_require_ns(cat, ns) : floe_error_set(FLOE_ENOMEM, "out of memory");
    size_t i;
    json_t *v;
    if (rc == 0 && removals) {
        json_array_foreach((json_t *)removals, i, v)
        {
            int deleted = 0;
            rc = delete_property(&deleted, cat, ns, json_string_value(v));
            if (rc)
                break;
            json_array_append(json_object_get(res, deleted ? "removed" : "missing"), v);
        }
    }
    if (rc == 0 && updates) {
        const char *k;
        json_object_foreach((json_t *)updates, k, v)
        {
            rc = insert_property(cat, ns, k, json_string_value(v));
            if (rc)
                break;
            json_array_append_new(json_object_get(res, "updated"), json_string(k));
        }
    }
    /* A namespace whose last property was removed would vanish: keep its marker row. */
    int still = 0;
    if (rc == 0)
        rc = ns_explicit(&still, cat, ns);
    if (rc == 0 && !still)
        rc = insert_property(cat, ns, "exists", "true");
    rc = floe_catalog__sql_end(cat->db, rc);
    if (rc == 0 && out)
        *out = res;
    else
        json_decref(res);
    return floe_catalog__sql_op_end(&op, rc);
}
