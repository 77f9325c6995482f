/* Every sql catalog operation runs under the catalog's mutex inside one span and ends with one
 * log line naming the catalog, operation, namespace and table (never a property value,
 * location content or credential). Also the name checks shared by the operations. */
#include <stdio.h>
#include <string.h>

#include <floe/error.h>
#include <floe/log.h>

#include "catalog/sql_internal.h"

void floe_catalog__sql_op_start(floe_sql_op *op, floe_sql_catalog *cat, const char *name,
                                const char *ns, const char *table)
{
    char span_name[64];
    snprintf(span_name, sizeof span_name, "catalog.sql.%s", name);
    op->cat = cat;
    op->name = name;
    op->ns = ns;
    op->table = table;
    pthread_mutex_lock(&cat->mu);
    op->span = floe_span_start(span_name, NULL);
    floe_span_set_attr_str(op->span, "catalog.name", cat->catalog_name);
    floe_span_set_attr_str(op->span, "catalog.type", "sql");
    floe_span_set_attr_str(op->span, "catalog.operation", name);
    if (ns)
        floe_span_set_attr_str(op->span, "catalog.namespace", ns);
    if (table)
        floe_span_set_attr_str(op->span, "catalog.table", table);
}

int floe_catalog__sql_op_end(floe_sql_op *op, int rc)
{
    if (rc) {
        floe_span_set_attr_str(op->span, "error.type", floe_error_name(rc));
        floe_span_set_status(op->span, FLOE_SPAN_STATUS_ERROR, floe_error_last());
    } else {
        floe_span_set_status(op->span, FLOE_SPAN_STATUS_OK, NULL);
    }
    floe_span_end(op->span);
    op->span = NULL;
    /* Answers about the caller's request (a missing table, a lost race, a bad name) are not
     * warnings: callers handle them. Failures of the catalog itself are. */
    floe_log_level level = FLOE_LOG_DEBUG;
    switch (rc) {
    case 0:
        break;
    case FLOE_ENOTFOUND:
    case FLOE_EEXISTS:
    case FLOE_ECONFLICT:
    case FLOE_EINVALID:
    case FLOE_ENOTEMPTY:
    case FLOE_EUNSUPPORTED:
        level = FLOE_LOG_INFO;
        break;
    default:
        level = FLOE_LOG_WARN;
    }
    floe_log(level, "catalog operation", "catalog", op->cat->catalog_name, "catalog_type", "sql",
             "operation", op->name, "namespace", op->ns ? op->ns : "", "table",
             op->table ? op->table : "", "result", rc ? floe_error_name(rc) : "ok", NULL);
    pthread_mutex_unlock(&op->cat->mu);
    return rc;
}

int floe_catalog__sql_check_ns(const char *ns)
{
    if (!ns || !ns[0])
        return floe_error_set(FLOE_EINVALID, "namespace name is empty");
    size_t n = strlen(ns);
    if (n > 255)
        return floe_error_set(FLOE_EINVALID,
                              "namespace '%.40s...' is %zu bytes long; the catalog stores at most "
                              "255",
                              ns, n);
    if (ns[0] == '.' || ns[n - 1] == '.' || strstr(ns, ".."))
        return floe_error_set(FLOE_EINVALID,
                              "namespace '%s' has an empty level; levels are separated by single "
                              "dots ('sales.raw')",
                              ns);
    if (strchr(ns, '/'))
        return floe_error_set(FLOE_EINVALID, "namespace '%s' contains '/', which is not allowed",
                              ns);
    return 0;
}

int floe_catalog__sql_check_name(const char *name)
{
    if (!name || !name[0])
        return floe_error_set(FLOE_EINVALID, "table name is empty");
    if (strlen(name) > 255)
        return floe_error_set(FLOE_EINVALID, "table name '%.40s...' is longer than 255 bytes",
                              name);
    if (strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return floe_error_set(FLOE_EINVALID,
                              "table name '%s' is not allowed: it must not contain '/' or be "
                              "'.' or '..'",
                              name);
    return 0;
}

int floe_catalog__sql_ns_exists(int *exists, floe_sql_catalog *cat, const char *ns)
{
    static const char sql[] =
        "SELECT 1 FROM iceberg_namespace_properties WHERE catalog_name = ?1 AND "
        "(namespace = ?2 OR substr(namespace, 1, length(?2) + 1) = ?2 || '.') "
        "UNION ALL SELECT 1 FROM iceberg_tables WHERE catalog_name = ?1 AND "
        "(table_namespace = ?2 OR substr(table_namespace, 1, length(?2) + 1) = ?2 || '.') "
        "LIMIT 1";
    return floe_catalog__sql_query_exists(exists, cat, sql, FLOE_SQL_ARGS(ns),
                                          "checking whether a namespace exists");
}

int floe_catalog__sql_require_ns(floe_sql_catalog *cat, const char *ns)
{
    int exists = 0;
    int rc = floe_catalog__sql_ns_exists(&exists, cat, ns);
    if (rc == 0 && !exists)
        rc = floe_error_set(FLOE_ENOTFOUND,
                            "namespace '%s' does not exist in catalog '%s'; create it first", ns,
                            cat->catalog_name);
    return rc;
}
