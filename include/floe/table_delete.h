/**
 * @file table_delete.h
 * Row-level deletes by filter (copy-on-write): data files whose rows all match the filter are
 * dropped, files where only some rows match are rewritten without them, and the change is
 * committed as one snapshot ("delete" when only whole files were dropped, else "overwrite").
 */
#ifndef FLOE_TABLE_DELETE_H
#define FLOE_TABLE_DELETE_H

#include <stddef.h>

#include "common.h"
#include "table.h"

FLOE_BEGIN_DECLS

/** Version of floe_delete_options (2 added `branch`; version 1 structs are still accepted). */
#define FLOE_DELETE_OPTIONS_VERSION 2

/** Options of floe_table_delete_rows(). */
typedef struct floe_delete_options {
    unsigned int version;                        /**< FLOE_DELETE_OPTIONS_VERSION */
    int dry_run;                                 /**< nonzero: count only, write nothing */
    const char *const *snapshot_property_keys;   /**< extra snapshot summary keys, or NULL */
    const char *const *snapshot_property_values; /**< values for snapshot_property_keys */
    size_t snapshot_property_count;              /**< number of snapshot properties */
    /** Branch to delete from, or NULL for main (version >= 2): the rows of the branch head are
     *  deleted and the snapshot is committed to the branch; main is left untouched. */
    const char *branch;
} floe_delete_options;

/** Initializer for floe_delete_options (a real delete, no extra properties). */
#define FLOE_DELETE_OPTIONS_INIT                                                                   \
    {                                                                                              \
        FLOE_DELETE_OPTIONS_VERSION, 0, NULL, NULL, 0, NULL                                        \
    }

/**
 * Deletes the live rows of table `t` matching `filter` (same syntax as scan filters).
 * `out` (may be NULL) receives: deleted_records (live rows removed), deleted_files (data files
 * removed, whole or replaced), added_files/added_records (rewritten remainders), snapshot_id
 * (0 when nothing matched or on a dry run: no snapshot is committed then) and attempts.
 * Commit conflicts are retried on the refreshed table while the files it removes are still
 * live and no new file may hold matching rows; otherwise FLOE_ECONFLICT. `opts` may be NULL.
 * Returns 0 or a negative FLOE_E* code (FLOE_EINVALID for a NULL/empty or bad filter).
 */
FLOE_API int floe_table_delete_rows(floe_write_result *out, floe_table *t, const char *filter,
                                    const floe_delete_options *opts);

FLOE_END_DECLS

#endif
