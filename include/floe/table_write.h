/**
 * @file floe/table_write.h
 * One entry point for the three write modes (seed 001 US5 `write_data(table, data, config)`):
 * append, overwrite (whole table or by filter) and upsert by join columns, configured by one
 * struct that is validated before anything is read or written.
 */
#ifndef FLOE_TABLE_WRITE_H
#define FLOE_TABLE_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "arrow/abi.h"
#include "common.h"
#include "table.h"
#include "table_upsert.h"

FLOE_BEGIN_DECLS

/** How floe_table_write() changes the table. */
typedef enum floe_write_mode {
    FLOE_WRITE_APPEND = 0,    /**< add the rows (small manifests merged per table properties) */
    FLOE_WRITE_OVERWRITE = 1, /**< replace the table, or the rows matching `overwrite_filter` */
    FLOE_WRITE_UPSERT = 2     /**< update changed rows matched by `join_columns`, insert others */
} floe_write_mode;

/** Version of floe_write_config. */
#define FLOE_WRITE_CONFIG_VERSION 1

/** Configuration of floe_table_write(). */
typedef struct floe_write_config {
    unsigned int version;            /**< FLOE_WRITE_CONFIG_VERSION */
    floe_write_mode mode;            /**< append (default), overwrite or upsert */
    const char *overwrite_filter;    /**< overwrite only: rows to replace (filter syntax); NULL =
                                          the whole table */
    const char *const *join_columns; /**< upsert only (required): the key columns */
    size_t join_column_count;        /**< entries of join_columns */
    int delete_unmatched; /**< upsert only: delete table rows whose key is not in the data */
    const char *branch;   /**< branch to write to; NULL = main */
    int union_by_name;    /**< evolve the schema to accept the data first (own commit) */
    const char *const *snapshot_property_keys;   /**< extra snapshot summary keys (lineage) */
    const char *const *snapshot_property_values; /**< their values */
    size_t snapshot_property_count;              /**< number of snapshot properties */
} floe_write_config;

/** Initializer for floe_write_config: an append to main. */
#define FLOE_WRITE_CONFIG_INIT                                                                     \
    {                                                                                              \
        FLOE_WRITE_CONFIG_VERSION, FLOE_WRITE_APPEND, NULL, NULL, 0, 0, NULL, 0, NULL, NULL, 0     \
    }

/** What floe_table_write() did. */
typedef struct floe_write_summary {
    int64_t snapshot_id;       /**< the committed snapshot; 0 when nothing was committed */
    int64_t added_records;     /**< rows written (append, overwrite; upsert: inserted+updated) */
    int64_t deleted_records;   /**< rows removed (overwrite; upsert: updated+deleted) */
    int64_t added_files;       /**< data files written */
    int64_t deleted_files;     /**< data files removed or rewritten */
    unsigned int attempts;     /**< commit attempts (conflicts are retried with backoff) */
    floe_upsert_result upsert; /**< the upsert's own counts (upsert mode only) */
} floe_write_summary;

/**
 * Writes `data` to `t` as `config` says: floe_table_append(), floe_table_overwrite() or
 * floe_table_upsert() with the matching options. The configuration is checked first:
 * join columns are required for (and only for) upsert and must name distinct columns of the
 * table; a filter only goes with overwrite; delete_unmatched only with upsert.
 * @param out (optional) what was written
 * @param data (transfer none) read to its end, not released
 * @param config NULL for a plain append
 * @return 0, FLOE_EINVALID (a configuration error, naming the field), FLOE_ESCHEMA (a join
 *         column not in the table, naming it; data the schema does not accept),
 *         FLOE_ENOTFOUND (no such branch), FLOE_ECONFLICT, FLOE_ECOMMITUNKNOWN, FLOE_EIO
 */
FLOE_API int floe_table_write(floe_write_summary *out, floe_table *t, struct ArrowArrayStream *data,
                              const floe_write_config *config);

FLOE_END_DECLS

#endif
