/* The SQLite side of the sql catalog: opening the file in WAL mode with a busy timeout so
 * several processes can share it, the JDBC catalog schema, statements and transactions. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "catalog/sql_internal.h"

/* The tables of Iceberg's JDBC catalog (schema version V1, which adds iceberg_type) with the
 * same names, columns, sizes and primary keys; PyIceberg's SqlCatalog uses the same tables
 * without iceberg_type. */
static const char create_tables_sql[] = "CREATE TABLE IF NOT EXISTS iceberg_tables ("
                                        "catalog_name VARCHAR(255) NOT NULL, "
                                        "table_namespace VARCHAR(255) NOT NULL, "
                                        "table_name VARCHAR(255) NOT NULL, "
                                        "metadata_location VARCHAR(1000), "
                                        "previous_metadata_location VARCHAR(1000), "
                                        "iceberg_type VARCHAR(5), "
                                        "PRIMARY KEY (catalog_name, table_namespace, table_name))";

static const char create_ns_sql[] = "CREATE TABLE IF NOT EXISTS iceberg_namespace_properties ("
                                    "catalog_name VARCHAR(255) NOT NULL, "
                                    "namespace VARCHAR(255) NOT NULL, "
                                    "property_key VARCHAR(255), "
                                    "property_value VARCHAR(1000), "
                                    "PRIMARY KEY (catalog_name, namespace, property_key))";

int floe_catalog__sql_error(sqlite3 *db, int src, const char *what)
{
    int primary = src & 0xff;
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(src);
    switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return floe_error_set(FLOE_EUNAVAILABLE,
                              "%s: the catalog database is locked by another connection (%s); "
                              "retry, or raise busy_timeout_ms",
                              what, msg);
    case SQLITE_NOMEM:
        return floe_error_set(FLOE_ENOMEM, "%s: SQLite ran out of memory", what);
    case SQLITE_CONSTRAINT:
        return floe_error_set(FLOE_EEXISTS, "%s: %s", what, msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return floe_error_set(FLOE_ECORRUPT,
                              "%s: the catalog database is damaged or not SQLite (%s)", what, msg);
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
        return floe_error_set(FLOE_EPERM, "%s: %s", what, msg);
    case SQLITE_CANTOPEN:
        return floe_error_set(FLOE_EUNAVAILABLE, "%s: cannot open the catalog database (%s)", what,
                              msg);
    default:
        return floe_error_set(FLOE_EIO, "%s: %s", what, msg);
    }
}

int floe_catalog__sql_prepare(sqlite3_stmt **st, sqlite3 *db, const char *sql)
{
    int src = sqlite3_prepare_v2(db, sql, -1, st, NULL);
    if (src != SQLITE_OK) {
        *st = NULL;
        return floe_catalog__sql_error(db, src, "preparing a catalog query");
    }
    return 0;
}

int floe_catalog__sql_prepare_args(sqlite3_stmt **st, floe_sql_catalog *cat, const char *sql,
                                   const char *const *args, int nargs)
{
    int rc = floe_catalog__sql_prepare(st, cat->db, sql);
    if (rc)
        return rc;
    sqlite3_bind_text(*st, 1, cat->catalog_name, -1, SQLITE_STATIC);
    for (int i = 0; i < nargs; i++)
        sqlite3_bind_text(*st, i + 2, args[i], -1, SQLITE_STATIC);
    return 0;
}

int floe_catalog__sql_query_exists(int *found, floe_sql_catalog *cat, const char *sql,
                                   const char *const *args, int nargs, const char *what)
{
    sqlite3_stmt *st = NULL;
    int rc = floe_catalog__sql_prepare_args(&st, cat, sql, args, nargs);
    if (rc)
        return rc;
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW || src == SQLITE_DONE)
        *found = src == SQLITE_ROW;
    else
        rc = floe_catalog__sql_error(cat->db, src, what);
    sqlite3_finalize(st);
    return rc;
}

int floe_catalog__sql_run(int *changes, floe_sql_catalog *cat, const char *sql,
                          const char *const *args, int nargs, const char *what)
{
    sqlite3_stmt *st = NULL;
    int rc = floe_catalog__sql_prepare_args(&st, cat, sql, args, nargs);
    if (rc)
        return rc;
    int src = sqlite3_step(st);
    if (src != SQLITE_DONE)
        rc = floe_catalog__sql_error(cat->db, src, what);
    else if (changes)
        *changes = sqlite3_changes(cat->db);
    sqlite3_finalize(st);
    return rc;
}

int floe_catalog__sql_exec(sqlite3 *db, const char *sql, const char *what)
{
    int src = sqlite3_exec(db, sql, NULL, NULL, NULL);
    return src == SQLITE_OK ? 0 : floe_catalog__sql_error(db, src, what);
}

int floe_catalog__sql_begin(sqlite3 *db)
{
    return floe_catalog__sql_exec(db, "BEGIN IMMEDIATE", "starting a catalog transaction");
}

int floe_catalog__sql_end(sqlite3 *db, int rc)
{
    if (rc) {
        /* the failure being reported matters more than one of the rollback */
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    rc = floe_catalog__sql_exec(db, "COMMIT", "committing a catalog transaction");
    if (rc)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

static int mkdir_parents(const char *path)
{
    char *p = floe_strdup(path);
    if (!p)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    char *slash = strrchr(p, '/');
    int rc = 0;
    if (slash && slash != p) {
        *slash = '\0';
        for (char *s = p + 1; rc == 0; s++) {
            if (*s != '/' && *s != '\0')
                continue;
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST)
                rc = floe_error_set(FLOE_EIO, "cannot create directory '%s' for the catalog: %s", p,
                                    strerror(errno));
            *s = c;
            if (c == '\0')
                break;
        }
    }
    floe_free(p);
    return rc;
}

/* Adds iceberg_type to a table created without it (by PyIceberg or a JDBC V0 catalog), as the
 * JDBC catalog's own migration does; rows without a type are tables. */
static int upgrade_schema(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int rc = floe_catalog__sql_prepare(&st, db, "PRAGMA table_info(iceberg_tables)");
    if (rc)
        return rc;
    int has_type = 0;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *col = sqlite3_column_text(st, 1);
        if (col && strcmp((const char *)col, "iceberg_type") == 0)
            has_type = 1;
    }
    sqlite3_finalize(st);
    if (src != SQLITE_DONE)
        return floe_catalog__sql_error(db, src, "reading the iceberg_tables columns");
    if (has_type)
        return 0;
    return floe_catalog__sql_exec(db,
                                  "ALTER TABLE iceberg_tables ADD COLUMN iceberg_type VARCHAR(5)",
                                  "adding iceberg_type to iceberg_tables");
}

int floe_catalog__sql_open(sqlite3 **out, const char *path, unsigned int busy_timeout_ms)
{
    *out = NULL;
    int rc = mkdir_parents(path);
    if (rc)
        return rc;
    sqlite3 *db = NULL;
    int src = sqlite3_open_v2(
        path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
    if (src != SQLITE_OK) {
        rc = floe_catalog__sql_error(db, src, "opening the catalog database");
        sqlite3_close(db);
        return floe_error_wrap(rc, "sql catalog '%s'", path);
    }
    sqlite3_busy_timeout(db, (int)busy_timeout_ms);
    sqlite3_extended_result_codes(db, 1);
    rc = floe_catalog__sql_exec(db, "PRAGMA journal_mode=WAL", "switching to WAL journal mode");
    if (rc == 0)
        rc = floe_catalog__sql_exec(db, "PRAGMA synchronous=FULL", "setting synchronous=FULL");
    if (rc == 0)
        rc = floe_catalog__sql_begin(db);
    if (rc == 0) {
        rc = floe_catalog__sql_exec(db, create_tables_sql, "creating iceberg_tables");
        if (rc == 0)
            rc = floe_catalog__sql_exec(db, create_ns_sql, "creating iceberg_namespace_properties");
        if (rc == 0)
            rc = upgrade_schema(db);
        rc = floe_catalog__sql_end(db, rc);
    }
    if (rc) {
        sqlite3_close(db);
        return floe_error_wrap(rc, "sql catalog '%s'", path);
    }
    *out = db;
    return 0;
}
