/**
 * @file floe/table.h
 * The table manager (DESIGN §1–§3): namespaces and Iceberg tables through a catalog plugin
 * and a storage plugin, appends from an ArrowArrayStream, scans to one, and snapshots.
 *
 * Tables are named "ns.table" (the last dot separates the table name from a possibly nested
 * namespace "a.b.table"). Every change to a table is a list of requirements and updates
 * committed through the catalog (DESIGN §2); a conflicting commit is retried on the refreshed
 * table, reusing the data files and manifest already written.
 */
#ifndef FLOE_TABLE_H
#define FLOE_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "arrow/abi.h"
#include "common.h"
#include "io.h"

FLOE_BEGIN_DECLS

/** A table manager: a catalog plus storage plus write options (opaque). */
typedef struct floe_manager floe_manager;
/** A loaded table: identifier plus the metadata it was loaded at (opaque). */
typedef struct floe_table floe_table;

/** Default target data file size (encoded bytes): 512 MiB. */
#define FLOE_MANAGER_TARGET_FILE_SIZE_DEFAULT ((int64_t)512 << 20)
/** Default Parquet row-group size (encoded bytes): 128 MiB. */
#define FLOE_MANAGER_ROW_GROUP_SIZE_DEFAULT ((int64_t)128 << 20)
/** Default number of commit retries after a conflict. */
#define FLOE_MANAGER_COMMIT_RETRIES_DEFAULT 4u

/** Version of floe_manager_options. */
#define FLOE_MANAGER_OPTIONS_VERSION 1

/**
 * Options of floe_manager_open(). Every NULL/0 member takes its value from the environment
 * (`FLOE_WAREHOUSE`, `FLOE_CATALOG_URI`), then from the YAML config file, then the default.
 */
typedef struct floe_manager_options {
    unsigned int version;  /**< FLOE_MANAGER_OPTIONS_VERSION */
    const char *warehouse; /**< warehouse directory; default "./warehouse" */
    /** Catalog URI (sql catalog: SQLite file); default "<warehouse>/catalog.db". */
    const char *catalog_uri;
    /** YAML config file; NULL reads "./floe.yaml" when it exists. Keys: `warehouse`,
     *  `catalog.uri`, `catalog.type`, `write.target-file-size-bytes`,
     *  `write.row-group-size-bytes`, `write.compression`, `commit.retries`. */
    const char *config_file;
    /** Catalog plugin name (a registered catalog plugin); default "sql". */
    const char *catalog;
    int64_t target_file_size;   /**< 0 = FLOE_MANAGER_TARGET_FILE_SIZE_DEFAULT */
    int64_t row_group_size;     /**< 0 = FLOE_MANAGER_ROW_GROUP_SIZE_DEFAULT */
    int compression;            /**< floe_parquet_compression; -1 = zstd */
    int commit_retries;         /**< -1 = FLOE_MANAGER_COMMIT_RETRIES_DEFAULT */
    unsigned int retry_base_ms; /**< first backoff delay; 0 = 50 ms */
    size_t max_open_writers;    /**< partition writers open at once; 0 = 64 */
    /** (transfer none) a FileIO to use instead of the storage plugin's (e.g. a wrapper that
     *  injects faults); must outlive the manager. */
    floe_file_io *file_io;
} floe_manager_options;

/** Initializer for floe_manager_options (all defaults). */
#define FLOE_MANAGER_OPTIONS_INIT                                                                  \
    {                                                                                              \
        FLOE_MANAGER_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0, 0, -1, -1, 0, 0, NULL             \
    }

/**
 * Opens a manager.
 * @param out (transfer full) free with floe_manager_free()
 * @param opts NULL for all defaults
 * @return 0, FLOE_ECONFIG (bad config file), FLOE_EIO (warehouse not creatable), FLOE_ENOMEM
 */
FLOE_API int floe_manager_open(floe_manager **out, const floe_manager_options *opts);
/** Frees a manager (NULL is fine). Tables loaded from it must be freed first. */
FLOE_API void floe_manager_free(floe_manager *m);
/** (transfer none) The resolved warehouse directory. */
FLOE_API const char *floe_manager_warehouse(const floe_manager *m);
/** (transfer none) Name of the catalog plugin in use ("sql", ...). */
FLOE_API const char *floe_manager_catalog_name(const floe_manager *m);

/* ---- namespaces ---- */

/**
 * Creates a namespace.
 * @param properties (transfer none) object of strings, or NULL
 * @param create_parents non-zero to create missing parents of "a.b.c" first
 * @return 0, FLOE_EEXISTS, FLOE_ENOTFOUND (missing parent without create_parents)
 */
FLOE_API int floe_manager_create_namespace(floe_manager *m, const char *ns,
                                           const json_t *properties, int create_parents);
/**
 * Lists namespaces directly under `parent` (NULL: top level), sorted.
 * @param out (transfer full) array of `*count` strings; free with floe_manager_strings_free()
 */
FLOE_API int floe_manager_list_namespaces(char ***out, size_t *count, floe_manager *m,
                                          const char *parent);
/** Loads a namespace's properties. @param out (transfer full) json_decref() */
FLOE_API int floe_manager_load_namespace(json_t **out, floe_manager *m, const char *ns);
/** Sets `updates` (object of strings, or NULL) and removes `removals` (array, or NULL). */
FLOE_API int floe_manager_update_namespace(floe_manager *m, const char *ns, const json_t *updates,
                                           const json_t *removals);
/** Drops an empty namespace; FLOE_ENOTEMPTY (with the catalog's message), FLOE_ENOTFOUND. */
FLOE_API int floe_manager_drop_namespace(floe_manager *m, const char *ns);
/** Frees an array of strings from this API (NULL is fine). */
FLOE_API void floe_manager_strings_free(char **list, size_t count);

/* ---- tables ---- */

/** Version of floe_table_create_options. */
#define FLOE_TABLE_CREATE_OPTIONS_VERSION 1

/** Options of floe_manager_create_table(). Give the schema as JSON or as text. */
typedef struct floe_table_create_options {
    unsigned int version; /**< FLOE_TABLE_CREATE_OPTIONS_VERSION */
    /** Iceberg schema JSON (Appendix C); ids are reassigned. */
    const char *schema_json;
    /** Schema text: "id long not null, ts timestamptz, amount decimal(10,2)". */
    const char *schema_text;
    /** Partition spec text: "day(ts), bucket(16, id), truncate(4, s), region"; NULL none. */
    const char *partition_by;
    /** Sort order text: "id, ts desc nulls last"; NULL unsorted. */
    const char *sort_by;
    const char *const *property_keys;   /**< table properties, or NULL */
    const char *const *property_values; /**< values for property_keys */
    size_t property_count;              /**< number of properties */
    const char *location;               /**< table location; NULL = <warehouse>/<ns>/<name> */
    int if_not_exists;                  /**< non-zero: an existing table is loaded instead */
} floe_table_create_options;

/** Initializer for floe_table_create_options. */
#define FLOE_TABLE_CREATE_OPTIONS_INIT                                                             \
    {                                                                                              \
        FLOE_TABLE_CREATE_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0          \
    }

/**
 * Creates a table.
 * @param out (transfer full, optional) the new table; free with floe_table_free()
 * @return 0, FLOE_EEXISTS, FLOE_ENOTFOUND (namespace), FLOE_EINVALID (schema/spec/sort text,
 *         naming the offending part)
 */
FLOE_API int floe_manager_create_table(floe_table **out, floe_manager *m, const char *ident,
                                       const floe_table_create_options *opts);
/** Loads a table. @param out (transfer full) @return 0, FLOE_ENOTFOUND */
FLOE_API int floe_manager_load_table(floe_table **out, floe_manager *m, const char *ident);
/** Sets *exists to 1 or 0. */
FLOE_API int floe_manager_table_exists(int *exists, floe_manager *m, const char *ident);
/** Lists the table names of a namespace, sorted. @param out (transfer full) */
FLOE_API int floe_manager_list_tables(char ***out, size_t *count, floe_manager *m, const char *ns);
/** Drops a table; `purge` also deletes its data and metadata files. */
FLOE_API int floe_manager_drop_table(floe_manager *m, const char *ident, int purge);
/** Renames (or moves) a table. */
FLOE_API int floe_manager_rename_table(floe_manager *m, const char *from, const char *to);
/** Registers an existing metadata file as a table. @param out (transfer full, optional) */
FLOE_API int floe_manager_register_table(floe_table **out, floe_manager *m, const char *ident,
                                         const char *metadata_location);

/**
 * Iceberg schema JSON (Appendix C) for the columns of an Arrow struct schema, e.g. the schema
 * of a Parquet file, for creating a table "like" it. Field ids are numbered from 1.
 * @param out (transfer full) free with free()
 * @return 0, FLOE_EUNSUPPORTED naming a column whose Arrow type has no Iceberg type
 */
FLOE_API int floe_table_schema_json_from_arrow(char **out, const struct ArrowSchema *schema);

/** Frees a table (NULL is fine). */
FLOE_API void floe_table_free(floe_table *t);
/** Reloads the table's current metadata from the catalog. */
FLOE_API int floe_table_refresh(floe_table *t);
/** (transfer none) "ns.name". */
FLOE_API const char *floe_table_identifier(const floe_table *t);
/** (transfer none) The metadata file the table was loaded from. */
FLOE_API const char *floe_table_metadata_file(const floe_table *t);
/** (transfer none) The table location. */
FLOE_API const char *floe_table_location(const floe_table *t);
/**
 * The table as JSON: identifier, location, metadata-location, format-version, schema, spec,
 * sort order, properties, current snapshot id. (transfer full) json_decref()
 */
FLOE_API int floe_table_describe(json_t **out, const floe_table *t);
/** The current schema as an Arrow struct schema with `PARQUET:field_id`. (transfer full) */
FLOE_API int floe_table_arrow_schema(struct ArrowSchema *out, const floe_table *t);

/* ---- writes ---- */

/** Version of floe_write_options (2 added `branch`, 3 `union_by_name`; older versions are
 *  still accepted). */
#define FLOE_WRITE_OPTIONS_VERSION 3

/** Options of floe_table_append() and floe_table_overwrite(). */
typedef struct floe_write_options {
    unsigned int version;                        /**< FLOE_WRITE_OPTIONS_VERSION */
    const char *const *snapshot_property_keys;   /**< extra snapshot summary keys, or NULL */
    const char *const *snapshot_property_values; /**< values for snapshot_property_keys */
    size_t snapshot_property_count;              /**< number of snapshot properties */
    /**
     * Branch to commit to, or NULL for main (version >= 2). The branch must exist
     * (floe_table_manage_ref()); its head is the parent and main is left untouched.
     * Honoured by floe_table_append*() and floe_table_overwrite*().
     */
    const char *branch;
    /**
     * Non-zero (version >= 3): before writing, evolve the table schema to accept the input
     * (floe_table_union_by_name()): columns the input has and the table lacks are added as
     * optional, narrower table types are promoted to the input's. The schema change is its
     * own commit; it stays when the write then fails.
     */
    int union_by_name;
} floe_write_options;

/** Initializer for floe_write_options. */
#define FLOE_WRITE_OPTIONS_INIT                                                                    \
    {                                                                                              \
        FLOE_WRITE_OPTIONS_VERSION, NULL, NULL, 0, NULL, 0                                         \
    }

/** What a write did. */
typedef struct floe_write_result {
    int64_t snapshot_id;     /**< the committed snapshot */
    int64_t added_records;   /**< rows written */
    int64_t added_files;     /**< data files written */
    int64_t deleted_records; /**< rows removed (overwrite) */
    int64_t deleted_files;   /**< data files removed (overwrite) */
    unsigned int attempts;   /**< commit attempts (1 = no conflict) */
} floe_write_result;

/**
 * Appends every batch of `stream` (transfer none: not released) as one snapshot. Columns
 * are matched to the table schema by name; partitioned tables get one file per partition.
 * @param result (optional) what was written
 * @return 0, FLOE_ESCHEMA (naming the column), FLOE_EINVALID (invalid batch),
 *         FLOE_ECONFLICT (retries exhausted), FLOE_ECOMMITUNKNOWN, FLOE_EIO
 */
FLOE_API int floe_table_append(floe_write_result *result, floe_table *t,
                               struct ArrowArrayStream *stream, const floe_write_options *opts);

/**
 * Appends the batches of several streams (e.g. one per input file) as one snapshot; each
 * stream has its own schema. Streams are read in order and not released.
 */
FLOE_API int floe_table_append_streams(floe_write_result *result, floe_table *t,
                                       struct ArrowArrayStream *const *streams, size_t count,
                                       const floe_write_options *opts);

/**
 * Overwrites the whole table (filter NULL) or the rows matching `filter` (expression text)
 * with the batches of `stream` (which may have no batches): files wholly matched are removed,
 * partly matched files are rewritten without the matching rows.
 */
FLOE_API int floe_table_overwrite(floe_write_result *result, floe_table *t,
                                  struct ArrowArrayStream *stream, const char *filter,
                                  const floe_write_options *opts);

/** floe_table_overwrite() with the rows of several streams, as one snapshot. */
FLOE_API int floe_table_overwrite_streams(floe_write_result *result, floe_table *t,
                                          struct ArrowArrayStream *const *streams, size_t count,
                                          const char *filter, const floe_write_options *opts);

/* ---- scans ---- */

/** Version of floe_scan_options. */
#define FLOE_SCAN_OPTIONS_VERSION 1

/** Options of floe_table_scan() and floe_table_plan(). */
typedef struct floe_scan_options {
    unsigned int version;       /**< FLOE_SCAN_OPTIONS_VERSION */
    const char *const *columns; /**< projection by name, or NULL for every column */
    size_t column_count;        /**< entries of columns */
    const char *filter;         /**< expression text ("region = 'eu' and amount > 10"), or NULL */
    int64_t snapshot_id;        /**< time travel by id; -1 = none */
    int64_t as_of_ms;           /**< time travel by time (ms since epoch); -1 = none */
    const char *ref;            /**< time travel by branch or tag; NULL = main */
    int64_t limit;              /**< stop after this many rows; -1 = all */
} floe_scan_options;

/** Initializer for floe_scan_options. */
#define FLOE_SCAN_OPTIONS_INIT                                                                     \
    {                                                                                              \
        FLOE_SCAN_OPTIONS_VERSION, NULL, 0, NULL, -1, -1, NULL, -1                                 \
    }

/**
 * Scans the table into an Arrow stream of record batches (struct arrays of the projected
 * schema). Files are pruned by partition and column metrics; remaining rows are filtered.
 * @param out (transfer full) release with out->release; the table must outlive it.
 */
FLOE_API int floe_table_scan(struct ArrowArrayStream *out, floe_table *t,
                             const floe_scan_options *opts);

/** One file of a scan plan. */
typedef struct floe_scan_task {
    char *path;           /**< data file location */
    int64_t record_count; /**< rows in the file */
    int64_t file_size;    /**< bytes */
    char *partition;      /**< partition path ("ts_day=2024-01-01"), "" when unpartitioned */
    char *residual;       /**< the filter left to apply to its rows ("true" when none) */
    /**
     * Locations of the position and equality delete files that apply to its rows (a reader
     * must drop the rows they delete), by data sequence number; NULL when none apply.
     * Owned by the plan (freed by floe_scan_plan_free()).
     */
    char **delete_files;
    size_t delete_count; /**< entries of delete_files */
} floe_scan_task;

/** A scan plan (the files a scan would read). */
typedef struct floe_scan_plan {
    floe_scan_task *tasks;   /**< planned files */
    size_t task_count;       /**< entries of tasks */
    int64_t snapshot_id;     /**< snapshot scanned, -1 for an empty table */
    size_t manifests_total;  /**< manifests of the snapshot */
    size_t manifests_pruned; /**< manifests skipped by partition summaries */
    size_t files_pruned;     /**< files skipped by partition values or metrics */
} floe_scan_plan;

/** Plans a scan without reading data. @param out (transfer full) floe_scan_plan_free() */
FLOE_API int floe_table_plan(floe_scan_plan **out, floe_table *t, const floe_scan_options *opts);
/** Frees a plan (NULL is fine). */
FLOE_API void floe_scan_plan_free(floe_scan_plan *plan);

/* ---- snapshots ---- */

/**
 * The table's snapshots, oldest first: an array of {snapshot-id, parent-snapshot-id,
 * timestamp-ms, operation, summary, current}. (transfer full) json_decref()
 */
FLOE_API int floe_table_snapshots(json_t **out, const floe_table *t);
/** Current snapshot id, or -1 when the table has none. */
FLOE_API int64_t floe_table_current_snapshot_id(const floe_table *t);
/**
 * Points a branch or tag at a snapshot (set-snapshot-ref), e.g. to tag a release for time
 * travel with floe_scan_options.ref.
 * @param tag non-zero for a tag, 0 for a branch
 * @return 0, FLOE_ENOTFOUND (no such snapshot), FLOE_ECONFLICT
 */
FLOE_API int floe_table_set_ref(floe_table *t, const char *name, int64_t snapshot_id, int tag);

/** The snapshot log: an array of {timestamp-ms, snapshot-id}. (transfer full) */
FLOE_API int floe_table_history(json_t **out, const floe_table *t);

/* ---- schema and partition evolution (docs/maintenance.md) ---- */

/** A pending schema update (floe/iceberg/schema_update.h). */
typedef struct floe_schema_update floe_schema_update;
/** A pending partition spec update (floe/iceberg/spec_update.h). */
typedef struct floe_spec_update floe_spec_update;

/**
 * Records schema changes on `update` (floe_schema_update_add_column(), ...). Called once per
 * commit attempt, each time on an update started from the freshly loaded metadata.
 * @return 0, or a FLOE_E* code that aborts the alter unchanged.
 */
typedef int (*floe_table_schema_fn)(floe_schema_update *update, void *ctx);
/** Records partition spec changes on `update`; called once per commit attempt. */
typedef int (*floe_table_spec_fn)(floe_spec_update *update, void *ctx);

/**
 * Evolves the table schema: starts a schema update on the current metadata, lets `fn` record
 * the changes, and commits the requirements and updates they produce through the catalog. On
 * a conflict the table is refreshed and `fn` re-applied to the new metadata, up to the
 * manager's commit retries. Existing data files are not rewritten: scans read old files with
 * the new schema (added columns read as null, promoted types are widened).
 * @param allow_incompatible non-zero to allow required columns without default and
 *        optional-to-required changes.
 * @return 0, FLOE_ESCHEMA (a change the evolution rules forbid, naming the column),
 *         FLOE_ENOTFOUND (missing column), FLOE_EINVALID, FLOE_ECONFLICT (retries exhausted)
 */
FLOE_API int floe_table_alter_schema(floe_table *t, floe_table_schema_fn fn, void *ctx,
                                     int allow_incompatible);

/**
 * Sets and removes table properties in one commit (set-properties, remove-properties),
 * retried on conflicts. Removing a property the table lacks is not an error.
 * @param keys,values (transfer none) `count` properties to set (added or replaced)
 * @param remove (transfer none) `nremove` keys to remove
 * @return 0, FLOE_EINVALID (empty key, a key both set and removed), FLOE_ECONFLICT
 */
FLOE_API int floe_table_set_properties(floe_table *t, const char *const *keys,
                                       const char *const *values, size_t count,
                                       const char *const *remove, size_t nremove);

/**
 * Evolves the table schema to accept rows of the Arrow struct schema `input` (union by name,
 * nested too): its columns the table lacks are added as optional, table types narrower than
 * the input's are promoted (int to long, float to double, decimal precision), required
 * columns the input has as nullable become optional. Columns the input lacks are kept.
 * Nothing is committed when the table already accepts `input`.
 * @param input (transfer none) e.g. the schema of an ArrowArrayStream
 * @param changed (optional) set to 1 when a new schema was committed, else 0
 * @return 0, FLOE_ESCHEMA (a column whose type can neither be kept nor promoted, naming it),
 *         FLOE_EINVALID, FLOE_ECONFLICT (retries exhausted)
 */
FLOE_API int floe_table_union_by_name(floe_table *t, const struct ArrowSchema *input, int *changed);

/**
 * Evolves the default partition spec as floe_table_alter_schema() does the schema. Data
 * written before keeps its spec; new data is partitioned by the new one.
 * @return 0, FLOE_ENOTFOUND (source column or partition field), FLOE_EINVALID, FLOE_ECONFLICT
 */
FLOE_API int floe_table_alter_partition(floe_table *t, floe_table_spec_fn fn, void *ctx);

/* ---- snapshot management ---- */

/**
 * Rolls the main branch back to `snapshot_id`, one of the current snapshot's ancestors.
 * @return 0, FLOE_ENOTFOUND, FLOE_EINVALID (not an ancestor), FLOE_ECONFLICT
 */
FLOE_API int floe_table_rollback_to_snapshot(floe_table *t, int64_t snapshot_id);
/**
 * Rolls the main branch back to its latest ancestor created at or before `timestamp_ms`.
 * @return 0, FLOE_ENOTFOUND (no ancestor that old), FLOE_ECONFLICT
 */
FLOE_API int floe_table_rollback_to_time(floe_table *t, int64_t timestamp_ms);
/**
 * Makes any snapshot of the table the current one (ancestor or not).
 * @return 0, FLOE_ENOTFOUND, FLOE_ECONFLICT
 */
FLOE_API int floe_table_set_current_snapshot(floe_table *t, int64_t snapshot_id);

/** What floe_table_manage_ref() does. */
typedef enum floe_ref_action {
    FLOE_REF_CREATE = 0,  /**< create a new branch or tag */
    FLOE_REF_REPLACE = 1, /**< point an existing one at another snapshot */
    FLOE_REF_DROP = 2     /**< remove it */
} floe_ref_action;

/**
 * Creates, replaces or drops a branch (`tag` 0) or tag (`tag` non-zero).
 * @param snapshot_id target of create/replace; -1 = the current snapshot
 * @return 0, FLOE_EEXISTS (create of an existing ref), FLOE_ENOTFOUND, FLOE_EINVALID (main,
 *         or a branch named as a tag or the reverse), FLOE_ECONFLICT
 */
FLOE_API int floe_table_manage_ref(floe_table *t, floe_ref_action action, int tag, const char *name,
                                   int64_t snapshot_id);

/* ---- expiration and orphan files ---- */

/** What a maintenance operation removed (or, in a dry run, would remove). */
typedef struct floe_maintenance_result {
    int dry_run;              /**< non-zero when nothing was changed or deleted */
    int64_t *snapshot_ids;    /**< expired snapshots (expire only) */
    size_t snapshot_count;    /**< entries of snapshot_ids */
    char **removed_refs;      /**< refs removed by age (expire only) */
    size_t removed_ref_count; /**< entries of removed_refs */
    char **files;             /**< files deleted (or to delete), sorted */
    size_t file_count;        /**< entries of files */
    size_t failed_count;      /**< files whose deletion failed (listed in files, logged) */
} floe_maintenance_result;

/** Frees a result (NULL is fine). */
FLOE_API void floe_maintenance_result_free(floe_maintenance_result *r);

/** Version of floe_expire_snapshots_options. */
#define FLOE_EXPIRE_SNAPSHOTS_OPTIONS_VERSION 1

/** Options of floe_table_expire_snapshots(). */
typedef struct floe_expire_snapshots_options {
    unsigned int version;  /**< FLOE_EXPIRE_SNAPSHOTS_OPTIONS_VERSION */
    int64_t older_than_ms; /**< expire snapshots older than this; -1 = now minus the table's
                                history.expire.max-snapshot-age-ms (default 5 days) */
    int retain_last;       /**< snapshots each branch keeps; -1 = the table's
                                history.expire.min-snapshots-to-keep (default 1) */
    int dry_run;           /**< non-zero: only compute the lists */
    int64_t now_ms;        /**< clock for ages; -1 = real time */
} floe_expire_snapshots_options;

/** Initializer for floe_expire_snapshots_options (table defaults). */
#define FLOE_EXPIRE_SNAPSHOTS_OPTIONS_INIT                                                         \
    {                                                                                              \
        FLOE_EXPIRE_SNAPSHOTS_OPTIONS_VERSION, -1, -1, 0, -1                                       \
    }

/**
 * Expires old snapshots (and refs past their max age) by a catalog commit, then deletes the
 * manifest lists, manifests, data and delete files no retained snapshot reaches. Nothing is
 * deleted when the commit fails or its outcome is unknown. Deletion failures are counted in
 * failed_count and logged, not fatal (the files are then orphans).
 * @param out (transfer full) floe_maintenance_result_free()
 * @return 0, FLOE_EINVALID (malformed retention property, or table property gc.enabled=false
 *         outside a dry run), FLOE_ECONFLICT, FLOE_ECOMMITUNKNOWN,
 *         FLOE_EIO (a manifest could not be read: nothing deleted)
 */
FLOE_API int floe_table_expire_snapshots(floe_maintenance_result **out, floe_table *t,
                                         const floe_expire_snapshots_options *opts);

/** Version of floe_remove_orphans_options. */
#define FLOE_REMOVE_ORPHANS_OPTIONS_VERSION 1
/** Default age below which unreferenced files are kept: 3 days (in-flight writes). */
#define FLOE_REMOVE_ORPHANS_MIN_AGE_MS_DEFAULT ((int64_t)3 * 24 * 60 * 60 * 1000)

/** Options of floe_table_remove_orphan_files(). */
typedef struct floe_remove_orphans_options {
    unsigned int version;  /**< FLOE_REMOVE_ORPHANS_OPTIONS_VERSION */
    int64_t older_than_ms; /**< only files modified before this time go; -1 = now minus
                                FLOE_REMOVE_ORPHANS_MIN_AGE_MS_DEFAULT */
    int dry_run;           /**< non-zero: only list them */
    int64_t now_ms;        /**< clock; -1 = real time */
} floe_remove_orphans_options;

/** Initializer for floe_remove_orphans_options. */
#define FLOE_REMOVE_ORPHANS_OPTIONS_INIT                                                           \
    {                                                                                              \
        FLOE_REMOVE_ORPHANS_OPTIONS_VERSION, -1, 0, -1                                             \
    }

/**
 * Deletes the files under the table location that the metadata does not reference: lists
 * the location through the FileIO and keeps every referenced file (metadata files of the log,
 * the current metadata file, version-hint.text, manifest lists, manifests, data, delete and
 * statistics files) and every file modified at or after the cutoff (or of unknown age).
 * Refused (FLOE_EINVALID) outside a dry run when the table property gc.enabled is false.
 * @param out (transfer full) floe_maintenance_result_free()
 * @return 0, FLOE_EINVALID, FLOE_EIO (listing or reading metadata failed: nothing deleted)
 */
FLOE_API int floe_table_remove_orphan_files(floe_maintenance_result **out, floe_table *t,
                                            const floe_remove_orphans_options *opts);

FLOE_END_DECLS

#endif
