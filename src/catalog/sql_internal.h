/* Shared state and helpers of the sql catalog (src/catalog/sql_*.c). Every helper expects the
 * catalog's mutex to be held by its caller. */
#ifndef FLOE_CATALOG_SQL_INTERNAL_H
#define FLOE_CATALOG_SQL_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>

#include <floe/io.h>
#include <floe/plugins/catalog.h>
#include <floe/trace.h>

typedef struct floe_sql_catalog {
    sqlite3 *db;
    pthread_mutex_t mu;
    char *catalog_name;
    char *warehouse; /* absolute, no trailing slash */
    char *db_path;
    floe_file_io *io;
    unsigned int busy_timeout_ms;
} floe_sql_catalog;

/* One traced, logged catalog operation. */
typedef struct floe_sql_op {
    floe_span *span;
    floe_sql_catalog *cat;
    const char *name;
    const char *ns;
    const char *table;
} floe_sql_op;

/* Starts an operation: takes the mutex, starts the span. */
void floe_catalog__sql_op_start(floe_sql_op *op, floe_sql_catalog *cat, const char *name,
                                const char *ns, const char *table);
/* Ends it: span status, one log line, releases the mutex. Returns rc. */
int floe_catalog__sql_op_end(floe_sql_op *op, int rc);

/* Opens the database file (creating its directory), sets WAL and the busy timeout, creates
 * or upgrades the JDBC schema. */
int floe_catalog__sql_open(sqlite3 **out, const char *path, unsigned int busy_timeout_ms);
/* Maps an SQLite result to a floe code with a message naming `what`. */
int floe_catalog__sql_error(sqlite3 *db, int src, const char *what);
/* Prepares a statement (FLOE_E* on failure). */
int floe_catalog__sql_prepare(sqlite3_stmt **st, sqlite3 *db, const char *sql);
/* Prepares `sql` with the catalog name bound to ?1 and args[i] to ?(i + 2), all as text the
 * caller keeps alive until the statement is finalized. */
int floe_catalog__sql_prepare_args(sqlite3_stmt **st, floe_sql_catalog *cat, const char *sql,
                                   const char *const *args, int nargs);
/* Runs a query bound as above; *found = 1 when it yields a row. `what` names the step in
 * error messages. */
int floe_catalog__sql_query_exists(int *found, floe_sql_catalog *cat, const char *sql,
                                   const char *const *args, int nargs, const char *what);
/* Runs a statement bound as above that returns no rows; *changes (may be NULL) is set to
 * the number of rows it changed. */
int floe_catalog__sql_run(int *changes, floe_sql_catalog *cat, const char *sql,
                          const char *const *args, int nargs, const char *what);
/* The `args, nargs` pair of the functions above from a list of strings. */
#define FLOE_SQL_ARGS(...)                                                                         \
    (const char *const[]){__VA_ARGS__},                                                            \
        (int)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))
/* Runs a statement without results. */
int floe_catalog__sql_exec(sqlite3 *db, const char *sql, const char *what);
/* BEGIN IMMEDIATE (waits for other writers up to the busy timeout). */
int floe_catalog__sql_begin(sqlite3 *db);
/* COMMIT, or ROLLBACK when rc != 0; returns rc or the COMMIT failure. */
int floe_catalog__sql_end(sqlite3 *db, int rc);

/* Checks a dotted namespace name (no empty levels). */
int floe_catalog__sql_check_ns(const char *ns);
/* Checks a table name (non-empty, no '/', not "." or ".."). */
int floe_catalog__sql_check_name(const char *name);
/* *exists = 1 when the namespace has properties, tables, or nested namespaces. */
int floe_catalog__sql_ns_exists(int *exists, floe_sql_catalog *cat, const char *ns);
/* FLOE_ENOTFOUND naming the namespace unless it exists. */
int floe_catalog__sql_require_ns(floe_sql_catalog *cat, const char *ns);

/* Namespace methods (sql_namespaces.c). */
int floe_catalog__sql_create_namespace(floe_catalog_plugin *self, const char *ns,
                                       const json_t *properties);
int floe_catalog__sql_list_namespaces(floe_catalog_plugin *self, const char *parent,
                                      floe_catalog_name_cb cb, void *ctx);
int floe_catalog__sql_delete_namespace(floe_catalog_plugin *self, const char *ns);
int floe_catalog__sql_namespace_exists(int *exists, floe_catalog_plugin *self, const char *ns);
int floe_catalog__sql_load_namespace_properties(json_t **out, floe_catalog_plugin *self,
                                                const char *ns);
int floe_catalog__sql_update_namespace_properties(json_t **out, floe_catalog_plugin *self,
                                                  const char *ns, const json_t *removals,
                                                  const json_t *updates);

/* Table methods (sql_tables.c, sql_commit.c). */
int floe_catalog__sql_create_table(json_t **out, floe_catalog_plugin *self, const char *ns,
                                   const char *name, const json_t *request);
int floe_catalog__sql_list_tables(floe_catalog_plugin *self, const char *ns,
                                  floe_catalog_name_cb cb, void *ctx);
int floe_catalog__sql_load_table(json_t **out, floe_catalog_plugin *self, const char *ns,
                                 const char *name);
int floe_catalog__sql_table_exists(int *exists, floe_catalog_plugin *self, const char *ns,
                                   const char *name);
int floe_catalog__sql_drop_table(floe_catalog_plugin *self, const char *ns, const char *name,
                                 int purge);
int floe_catalog__sql_rename_table(floe_catalog_plugin *self, const char *from_ns,
                                   const char *from_name, const char *to_ns, const char *to_name);
int floe_catalog__sql_register_table(json_t **out, floe_catalog_plugin *self, const char *ns,
                                     const char *name, const char *metadata_location);
int floe_catalog__sql_commit_table(json_t **out, floe_catalog_plugin *self, const char *ns,
                                   const char *name, const json_t *request);

/* Current metadata location of a table (transfer full, floe_free); FLOE_ENOTFOUND. */
int floe_catalog__sql_table_location(char **out, floe_sql_catalog *cat, const char *ns,
                                     const char *name);
/* LoadTableResult {metadata-location, metadata, config} for metadata read from `location`. */
int floe_catalog__sql_load_result(json_t **out, floe_sql_catalog *cat, const char *location);
/* Deletes the files reachable from the metadata at `location` (sql_purge.c). */
int floe_catalog__sql_purge(floe_sql_catalog *cat, const char *location);

#endif
