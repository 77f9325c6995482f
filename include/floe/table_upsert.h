/**
 * @file floe/table_upsert.h
 * Upserts into a table by join columns: source rows whose key is not in the table are
 * inserted, matched rows are replaced only when a non-key value changed, and optionally
 * table rows whose key is not in the source are deleted. One overwrite snapshot is committed.
 */
#ifndef FLOE_TABLE_UPSERT_H
#define FLOE_TABLE_UPSERT_H

#include <stddef.h>
#include <stdint.h>

#include "arrow/abi.h"
#include "common.h"
#include "table.h"

FLOE_BEGIN_DECLS

/** Version of floe_upsert_options (2 added `branch` and `union_by_name`; version 1 structs
 *  are still accepted). */
#define FLOE_UPSERT_OPTIONS_VERSION 2

/** Options of floe_table_upsert(). */
typedef struct floe_upsert_options {
    unsigned int version; /**< FLOE_UPSERT_OPTIONS_VERSION */
    /** Non-zero: table rows whose key is not in the source are deleted (every file is read). */
    int delete_unmatched;
    /** Non-zero: compute the counts but write and commit nothing. */
    int dry_run;
    const char *const *snapshot_property_keys;   /**< extra snapshot summary keys, or NULL */
    const char *const *snapshot_property_values; /**< values for snapshot_property_keys */
    size_t snapshot_property_count;              /**< number of snapshot properties */
    /** Branch to upsert into, or NULL for main (version >= 2): rows are matched against the
     *  branch head and the snapshot is committed to the branch; main is left untouched. */
    const char *branch;
    /** Non-zero (version >= 2): first evolve the table schema to accept the source
     *  (floe_table_union_by_name(); a commit of its own, kept if the upsert then fails). */
    int union_by_name;
} floe_upsert_options;

/** Initializer for floe_upsert_options. */
#define FLOE_UPSERT_OPTIONS_INIT                                                                   \
    {                                                                                              \
        FLOE_UPSERT_OPTIONS_VERSION, 0, 0, NULL, NULL, 0, NULL, 0                                  \
    }

/** What an upsert did (or, with dry_run, would do). */
typedef struct floe_upsert_result {
    int64_t snapshot_id;     /**< the committed snapshot; 0 when nothing was committed */
    int64_t inserted_rows;   /**< source rows whose key was not in the table */
    int64_t updated_rows;    /**< source rows that replaced a changed table row */
    int64_t unchanged_rows;  /**< source rows equal to their table row (nothing written) */
    int64_t deleted_rows;    /**< table rows removed because their key is not in the source */
    int64_t files_rewritten; /**< data files removed and rewritten without replaced rows */
    int64_t files_added;     /**< data files written (inserts, updates and rewrites) */
    int64_t files_scanned;   /**< data files read to find matches (after pruning) */
    int64_t files_pruned;    /**< data files skipped by partition and key bounds */
    unsigned int attempts;   /**< commit attempts (0 when nothing was committed) */
} floe_upsert_result;

/**
 * Upserts the rows of `source` into `t`, matching rows by the join columns (which must exist
 * in both the table and the source, be primitive, and be non-null in the source; source keys
 * must be unique). Only data files whose partition and column bounds may hold a source key are
 * read (every file with delete_unmatched). A file holding a replaced or deleted row is
 * rewritten without it (its delete files applied); the new versions and inserted rows are
 * written to new files. Nothing is committed when nothing changes.
 * Snapshot summary properties: `upsert.inserted-rows`, `upsert.updated-rows`,
 * `upsert.deleted-rows`.
 * @param out (optional) the counts
 * @param source (transfer none) read to its end, not released
 * @param join_cols (transfer none) `njoin` column names
 * @param opts NULL for the defaults
 * @return 0, FLOE_EINVALID (null or duplicate source key, naming it; bad arguments),
 *         FLOE_ESCHEMA (a join column missing, naming it), FLOE_ECONFLICT (the table changed
 *         meanwhile), FLOE_ECOMMITUNKNOWN, FLOE_EIO
 */
FLOE_API int floe_table_upsert(floe_upsert_result *out, floe_table *t,
                               struct ArrowArrayStream *source, const char *const *join_cols,
                               size_t njoin, const floe_upsert_options *opts);

FLOE_END_DECLS

#endif
