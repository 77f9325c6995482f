/**
 * @file floe/catalog.h
 * The built-in "sql" catalog: Iceberg tables and namespaces recorded in a SQLite database
 * with the tables and columns of Iceberg's JDBC catalog (`iceberg_tables`,
 * `iceberg_namespace_properties`), so PyIceberg's SqlCatalog and Java's JdbcCatalog can open
 * the same file. Commits compare-and-swap `metadata_location`; several processes may share
 * one database (WAL journal, busy timeout).
 *
 * The instance is a floe_catalog_plugin (floe/plugins/catalog.h); its methods are
 * thread-safe.
 */
#ifndef FLOE_CATALOG_H
#define FLOE_CATALOG_H

#include "common.h"
#include "io.h"
#include "plugin.h"
#include "plugins/catalog.h"

FLOE_BEGIN_DECLS

/** Version of floe_sql_catalog_options. */
#define FLOE_SQL_CATALOG_OPTIONS_VERSION 1

/** Default SQLite file of the sql catalog. */
#define FLOE_SQL_CATALOG_DEFAULT_PATH "./warehouse/catalog.db"
/** Default warehouse of the sql catalog. */
#define FLOE_SQL_CATALOG_DEFAULT_WAREHOUSE "./warehouse"
/** Default catalog name (the `catalog_name` column). */
#define FLOE_SQL_CATALOG_DEFAULT_NAME "floe"
/** Default SQLite busy timeout (milliseconds). */
#define FLOE_SQL_CATALOG_DEFAULT_BUSY_TIMEOUT_MS 5000u

/** Options of floe_sql_catalog_new(). */
typedef struct floe_sql_catalog_options {
    unsigned int version; /**< FLOE_SQL_CATALOG_OPTIONS_VERSION */
    /** SQLite file: a path, `sqlite:///path` or `jdbc:sqlite:path`; NULL = the default. */
    const char *path;
    /** Root under which new tables are placed (`<warehouse>/<ns>/<ns>/<table>`); NULL = default. */
    const char *warehouse;
    /** Value of the `catalog_name` column; NULL = "floe". */
    const char *catalog_name;
    /** How long to wait for another process's lock; 0 = the default. */
    unsigned int busy_timeout_ms;
    /** FileIO used for metadata and data files (transfer full, consumed even on failure);
     *  NULL = a local FileIO confined to the warehouse. */
    floe_file_io *file_io;
} floe_sql_catalog_options;

/** Default options. */
#define FLOE_SQL_CATALOG_OPTIONS_INIT                                                              \
    {                                                                                              \
        FLOE_SQL_CATALOG_OPTIONS_VERSION, NULL, NULL, NULL, 0, NULL                                \
    }

/**
 * Opens (creating when missing) a sql catalog.
 * @param out (transfer full) free with its `free` member
 * @param options NULL for defaults
 * @return 0, FLOE_EINVALID (bad option), FLOE_EIO / FLOE_EUNAVAILABLE (the database cannot be
 *         opened or its schema created), FLOE_ENOMEM
 */
FLOE_API int floe_sql_catalog_new(floe_catalog_plugin **out,
                                  const floe_sql_catalog_options *options);

/**
 * The descriptor of the "sql" catalog plugin. It depends on the "local" storage plugin.
 * Config keys: `uri` / `path`, `warehouse`, `catalog_name`, `busy_timeout_ms`.
 * @return (transfer none) a static descriptor
 */
FLOE_API const floe_plugin_def *floe_catalog_sql_descriptor(void);

/**
 * Registers the catalog plugins of this module ("sql") in `registry`.
 * @return 0, or FLOE_EEXISTS when already registered
 */
FLOE_API int floe_catalog_register_builtins(floe_registry *registry);

FLOE_END_DECLS

#endif
