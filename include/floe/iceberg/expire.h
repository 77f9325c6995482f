/**
 * @file floe/iceberg/expire.h
 * Snapshot expiration (spec §Snapshot Retention Policy) and the reachability computations
 * table maintenance needs: which files an expiration leaves unreferenced, and every file a
 * table's metadata references (the "keep" set of orphan-file removal).
 *
 * Expiration is planned as a commit: floe_expire_plan_compute() decides which snapshots and
 * refs go and produces the requirements and updates (`remove-snapshot-ref`,
 * `remove-snapshots`) for the metadata builder. Files are deleted only after that commit
 * succeeded, using floe_expire_files_to_delete() on the metadata before and after it.
 */
#ifndef FLOE_ICEBERG_EXPIRE_H
#define FLOE_ICEBERG_EXPIRE_H

#include <stddef.h>
#include <stdint.h>

#include "../common.h"
#include "../io.h"
#include "metadata.h"
#include "snapshot_ops.h"

FLOE_BEGIN_DECLS

/** Table property: default age (ms) beyond which snapshots of a branch expire. */
#define FLOE_PROP_EXPIRE_MAX_SNAPSHOT_AGE_MS "history.expire.max-snapshot-age-ms"
/** Default of FLOE_PROP_EXPIRE_MAX_SNAPSHOT_AGE_MS: 5 days. */
#define FLOE_EXPIRE_MAX_SNAPSHOT_AGE_MS_DEFAULT ((int64_t)5 * 24 * 60 * 60 * 1000)
/** Table property: default number of snapshots each branch keeps, whatever their age. */
#define FLOE_PROP_EXPIRE_MIN_SNAPSHOTS_TO_KEEP "history.expire.min-snapshots-to-keep"
/** Default of FLOE_PROP_EXPIRE_MIN_SNAPSHOTS_TO_KEEP. */
#define FLOE_EXPIRE_MIN_SNAPSHOTS_TO_KEEP_DEFAULT 1
/** Table property: default age (ms) beyond which refs other than main are removed (unset:
 *  refs never expire). */
#define FLOE_PROP_EXPIRE_MAX_REF_AGE_MS "history.expire.max-ref-age-ms"

/** Options of floe_expire_plan_compute(). */
typedef struct floe_expire_options {
    unsigned int version;        /**< FLOE_EXPIRE_OPTIONS_VERSION */
    int64_t now_ms;              /**< the time ages are measured from; -1 = the real clock */
    int64_t older_than_ms;       /**< expire snapshots created before this time; -1 = now
                                      minus history.expire.max-snapshot-age-ms. A branch's own
                                      max-snapshot-age-ms takes precedence. */
    int retain_last;             /**< snapshots each branch keeps; -1 =
                                      history.expire.min-snapshots-to-keep. A branch's own
                                      min-snapshots-to-keep takes precedence. */
    const int64_t *snapshot_ids; /**< snapshots to expire explicitly, whatever their age */
    size_t snapshot_id_count;    /**< number of snapshot_ids */
} floe_expire_options;

/** Version of floe_expire_options. */
#define FLOE_EXPIRE_OPTIONS_VERSION 1
/** Initializer: table defaults, real clock, no explicit ids. */
#define FLOE_EXPIRE_OPTIONS_INIT                                                                   \
    {                                                                                              \
        FLOE_EXPIRE_OPTIONS_VERSION, -1, -1, -1, NULL, 0                                           \
    }

/** The outcome of planning an expiration (opaque, immutable). */
typedef struct floe_expire_plan floe_expire_plan;

/**
 * Plans an expiration as the Iceberg reference does:
 * - refs other than main whose snapshot is older than their max-ref-age-ms (else
 *   history.expire.max-ref-age-ms) are removed;
 * - each kept branch keeps its head and the ancestors that are either among its
 *   min-snapshots-to-keep newest or created at or after its expiry time; each kept tag keeps its
 *   snapshot; snapshots no ref reaches are kept when created at or after `older_than_ms`;
 * - every other snapshot expires, and so do the explicit `snapshot_ids`.
 * The current snapshot is never expired.
 * @param options may be NULL (all defaults).
 * @param out (transfer full) free with floe_expire_plan_free().
 * @return 0; FLOE_ENOTFOUND for an explicit id the table does not have; FLOE_EINVALID when an
 *         explicit id is still referenced by a kept ref (naming the refs) or a retention
 *         property is malformed (naming it).
 */
FLOE_API int floe_expire_plan_compute(floe_expire_plan **out, const floe_table_metadata *md,
                                      const floe_expire_options *options);

/** (transfer none) ids of the snapshots to expire (metadata order); `*count` their number. */
FLOE_API const int64_t *floe_expire_plan_snapshot_ids(const floe_expire_plan *p, size_t *count);
/** Number of refs the plan removes. */
FLOE_API size_t floe_expire_plan_removed_ref_count(const floe_expire_plan *p);
/** (transfer none) name of the i-th removed ref. */
FLOE_API const char *floe_expire_plan_removed_ref_at(const floe_expire_plan *p, size_t i);
/**
 * (transfer none) the commit: assert-table-uuid (when the table has one), assert-ref-snapshot-id
 * for every ref, then remove-snapshot-ref per removed ref and one remove-snapshots (no updates
 * when nothing expires).
 */
FLOE_API const floe_snapshot_change *floe_expire_plan_change(const floe_expire_plan *p);
/** Frees a plan (NULL is fine). */
FLOE_API void floe_expire_plan_free(floe_expire_plan *p);

/** What a file is to the table. */
typedef enum floe_file_kind {
    FLOE_FILE_METADATA = 0,         /**< a table metadata JSON file */
    FLOE_FILE_MANIFEST_LIST = 1,    /**< a snapshot's manifest list */
    FLOE_FILE_MANIFEST = 2,         /**< a manifest */
    FLOE_FILE_DATA = 3,             /**< a data file */
    FLOE_FILE_POSITION_DELETES = 4, /**< a position delete file (or deletion vector) */
    FLOE_FILE_EQUALITY_DELETES = 5, /**< an equality delete file */
    FLOE_FILE_STATISTICS = 6        /**< a statistics or partition statistics file */
} floe_file_kind;

/** A set of file locations with their kinds (opaque, immutable once returned). */
typedef struct floe_file_set floe_file_set;

/** Number of files. */
FLOE_API size_t floe_file_set_count(const floe_file_set *s);
/**
 * (transfer none) the i-th location (first-seen order); `kind` may be NULL.
 */
FLOE_API const char *floe_file_set_at(const floe_file_set *s, size_t i, floe_file_kind *kind);
/** 1 when `location` is in the set, else 0. */
FLOE_API int floe_file_set_contains(const floe_file_set *s, const char *location);
/** Number of files of one kind. */
FLOE_API size_t floe_file_set_count_kind(const floe_file_set *s, floe_file_kind kind);
/** Frees a set (NULL is fine). */
FLOE_API void floe_file_set_free(floe_file_set *s);

/**
 * The files an expiration made unreachable, given the metadata before and after the commit:
 * manifest lists of expired snapshots, manifests no retained snapshot lists, data and delete
 * files live (ADDED or EXISTING) in those manifests and live in no retained manifest, and
 * statistics files `after` no longer lists. Manifest lists and manifests are read through `io`;
 * entries are streamed, only candidate paths are held in memory.
 * @param out (transfer full) free with floe_file_set_free().
 * @return 0, or the I/O or FLOE_ECORRUPT error naming the file that could not be read.
 */
FLOE_API int floe_expire_files_to_delete(floe_file_set **out, floe_file_io *io,
                                         const floe_table_metadata *before,
                                         const floe_table_metadata *after);

/**
 * Every file the table's metadata references: `metadata_location` (may be NULL) and the
 * metadata-log files, manifest lists of all snapshots, their manifests, the data and delete
 * files of every entry (DELETED entries too, so that nothing a manifest names is ever called
 * an orphan), and statistics and partition statistics files.
 * @param out (transfer full) free with floe_file_set_free().
 */
FLOE_API int floe_table_referenced_files(floe_file_set **out, floe_file_io *io,
                                         const floe_table_metadata *md,
                                         const char *metadata_location);

FLOE_END_DECLS

#endif
