/**
 * @file floe/table_compact.h
 * Table compaction (docs/maintenance.md): bin-packs the small data files of each partition
 * into files of a target size, dropping the rows their delete files remove, and merges small
 * manifests. Both commit a `replace` snapshot: the table's rows do not change.
 */
#ifndef FLOE_TABLE_COMPACT_H
#define FLOE_TABLE_COMPACT_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "table.h"

FLOE_BEGIN_DECLS

/** Default minimum number of files a group needs to be rewritten. */
#define FLOE_COMPACT_MIN_INPUT_FILES_DEFAULT 5

/** Version of floe_compact_options (2 added to_current_spec, 3 branch; older versions are
 *  still accepted). */
#define FLOE_COMPACT_OPTIONS_VERSION 3

/** Options of floe_table_compact() and floe_table_rewrite_manifests(). */
typedef struct floe_compact_options {
    unsigned int version; /**< FLOE_COMPACT_OPTIONS_VERSION */
    /** Size of the files written (bytes); 0 = the table property
     *  write.target-file-size-bytes, else the manager's (default 512 MiB). */
    int64_t target_file_size;
    /** Files smaller than this are candidates; 0 = 75% of the target size. */
    int64_t min_file_size;
    /** A group of fewer candidate files is left alone unless its files carry delete files;
     *  0 = FLOE_COMPACT_MIN_INPUT_FILES_DEFAULT. */
    int min_input_files;
    /** Non-zero: rewrite every group of two or more files, and every file with deletes. */
    int force;
    /** Non-zero: only plan (the result lists the groups); nothing is written. */
    int dry_run;
    /** Called once the new files are written, before each commit attempt's base is checked
     *  (coordination and tests); a non-zero return aborts the compaction with that code. */
    int (*before_commit)(floe_table *t, void *ctx);
    void *before_commit_ctx; /**< passed to before_commit */
    /** Non-zero (version >= 2): every data file written under an older partition spec is a
     *  candidate whatever its size, and every group of them is rewritten, even a single file,
     *  so that the table's live data ends up in the default spec. */
    int to_current_spec;
    /** Branch to compact, or NULL for main (version >= 3): the branch head is planned and the
     *  replace snapshot is committed to the branch; main is left untouched. */
    const char *branch;
} floe_compact_options;

/** Initializer for floe_compact_options (table defaults). */
#define FLOE_COMPACT_OPTIONS_INIT                                                                  \
    {                                                                                              \
        FLOE_COMPACT_OPTIONS_VERSION, 0, 0, 0, 0, 0, NULL, NULL, 0, NULL                           \
    }

/** One group of files rewritten together (or, in a dry run, that would be). */
typedef struct floe_compact_group {
    char *partition;        /**< partition path (under spec_id), "" when unpartitioned */
    int32_t spec_id;        /**< partition spec of the input files */
    char **input_files;     /**< data files rewritten */
    size_t input_count;     /**< entries of input_files */
    int64_t input_bytes;    /**< their total size */
    int64_t input_records;  /**< their record count (deleted rows included) */
    size_t delete_files;    /**< delete files applying to them */
    int64_t expected_files; /**< output files expected from the target size */
    /** Spec the rows are written in: the table's default spec. When it differs from spec_id
     *  the group's rows are partitioned anew and may land in several partitions. */
    int32_t output_spec_id;
} floe_compact_group;

/** What a compaction (or manifest rewrite) did. */
typedef struct floe_compact_result floe_compact_result;

/**
 * Compacts the table's current snapshot: groups the candidate data files by partition spec and
 * partition, bin-packs them to the target size and rewrites each qualifying group as new files,
 * applying delete files, in one `replace` snapshot. Rows are read through the current schema
 * by field id (files of older schema versions included) and written with the current schema
 * and the default partition spec, so files of older specs move to the default one. On a commit
 * conflict the table is refreshed: when a file being rewritten was removed or got new delete
 * files the compaction fails with FLOE_ECONFLICT, deletes the files it wrote and leaves the
 * table as it is; otherwise the commit is rebuilt on the new snapshot and retried.
 * @param out (transfer full) floe_compact_result_free()
 * @param opts NULL for defaults
 * @return 0 (also when nothing qualified: no snapshot), FLOE_EINVALID, FLOE_EVERSION,
 *         FLOE_ECONFLICT, FLOE_EUNSUPPORTED (a file without field ids, or a column whose type
 *         changed in a way the Iceberg spec does not allow), FLOE_EIO
 */
FLOE_API int floe_table_compact(floe_compact_result **out, floe_table *t,
                                const floe_compact_options *opts);

/**
 * Merges the data manifests of the current snapshot into one per partition spec, in a
 * `replace` snapshot (no data change). Nothing is committed when no spec has two or more.
 * Only dry_run and before_commit of `opts` are used.
 * @param out (transfer full) floe_compact_result_free()
 * @return 0, FLOE_ECONFLICT (a merged manifest was removed concurrently), FLOE_EIO
 */
FLOE_API int floe_table_rewrite_manifests(floe_compact_result **out, floe_table *t,
                                          const floe_compact_options *opts);

/** Frees a result (NULL is fine). */
FLOE_API void floe_compact_result_free(floe_compact_result *r);
/** The committed snapshot, or -1 (dry run, nothing to do). */
FLOE_API int64_t floe_compact_result_snapshot_id(const floe_compact_result *r);
/** Number of groups planned (compaction) - 0 for a manifest rewrite. */
FLOE_API size_t floe_compact_result_group_count(const floe_compact_result *r);
/** (transfer none) group i, or NULL when out of range. */
FLOE_API const floe_compact_group *floe_compact_result_group(const floe_compact_result *r,
                                                             size_t i);
/** Data files (compaction) or manifests (manifest rewrite) removed. */
FLOE_API int64_t floe_compact_result_rewritten_files(const floe_compact_result *r);
/** Data files (compaction) or manifests (manifest rewrite) added. */
FLOE_API int64_t floe_compact_result_added_files(const floe_compact_result *r);
/** Rows written by a compaction. */
FLOE_API int64_t floe_compact_result_added_records(const floe_compact_result *r);
/** Rows of the rewritten files (deleted rows included). */
FLOE_API int64_t floe_compact_result_rewritten_records(const floe_compact_result *r);
/** Commit attempts (1 = no conflict; 0 when nothing was committed). */
FLOE_API unsigned int floe_compact_result_attempts(const floe_compact_result *r);
/** Non-zero when the result is a dry run's plan. */
FLOE_API int floe_compact_result_dry_run(const floe_compact_result *r);
/** The result as JSON (groups, counts, snapshot id). (transfer full) json_decref() */
FLOE_API int floe_compact_result_json(json_t **out, const floe_compact_result *r);

FLOE_END_DECLS

#endif
