/**
 * @file floe/iceberg/snapshot.h
 * Iceberg snapshots (spec §Snapshots), snapshot references (§Snapshot References) and
 * snapshot summaries (Appendix F, "Optional Snapshot Summary Fields").
 *
 * A snapshot is immutable and reference-counted: table metadata hands out borrowed pointers
 * to its snapshots; take a reference with floe_snapshot_acquire() to keep one longer.
 */
#ifndef FLOE_ICEBERG_SNAPSHOT_H
#define FLOE_ICEBERG_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "../common.h"

FLOE_BEGIN_DECLS

/** An immutable, reference-counted snapshot. */
typedef struct floe_snapshot floe_snapshot;

/** "No snapshot" / "no parent" marker used by the accessors below. */
#define FLOE_SNAPSHOT_ID_NONE (-1)

/** Fields for floe_snapshot_new(). */
typedef struct floe_snapshot_info {
    unsigned int version;              /**< FLOE_SNAPSHOT_INFO_VERSION */
    int64_t snapshot_id;               /**< unique positive id */
    int64_t parent_snapshot_id;        /**< FLOE_SNAPSHOT_ID_NONE when there is no parent */
    int64_t sequence_number;           /**< data sequence number (0 for v1 tables) */
    int64_t timestamp_ms;              /**< creation time, ms since the epoch */
    const char *manifest_list;         /**< location of the manifest list (required for v2) */
    const char *operation;             /**< "append", "replace", "overwrite" or "delete" */
    const char *const *summary_keys;   /**< other summary keys (may be NULL) */
    const char *const *summary_values; /**< values for summary_keys */
    size_t summary_count;              /**< number of summary pairs */
    int schema_id;                     /**< current schema id when created; -1 to omit */
} floe_snapshot_info;

/** Version of floe_snapshot_info. */
#define FLOE_SNAPSHOT_INFO_VERSION 1
/** Initializer for floe_snapshot_info. */
#define FLOE_SNAPSHOT_INFO_INIT                                                                    \
    {                                                                                              \
        FLOE_SNAPSHOT_INFO_VERSION, 0, FLOE_SNAPSHOT_ID_NONE, 0, 0, NULL, NULL, NULL, NULL, 0, -1  \
    }

/**
 * Creates a snapshot from its fields.
 * @param out (transfer full) release with floe_snapshot_release().
 * @return 0, FLOE_EINVALID (missing operation, non-positive id, key/value mismatch), FLOE_ENOMEM.
 */
FLOE_API int floe_snapshot_new(floe_snapshot **out, const floe_snapshot_info *info);

/**
 * A fresh snapshot id as the spec's Appendix F suggests: a random (version 4) UUID whose two
 * 64-bit halves are XORed, masked to a positive long (0 is never returned).
 * @return 0, or FLOE_EIO when no random source is available.
 */
FLOE_API int floe_snapshot_generate_id(int64_t *out);

/**
 * Parses one snapshot object of table metadata JSON (Appendix C).
 * @param format_version the table's format version (1 makes summary and sequence optional).
 * @param out (transfer full)
 * @return 0, FLOE_ECORRUPT naming the field path on malformed input.
 */
FLOE_API int floe_snapshot_from_json(floe_snapshot **out, const char *json, int format_version);

/**
 * Serializes a snapshot as the JSON object of Appendix C.
 * @param out (transfer full) free with free().
 */
FLOE_API int floe_snapshot_to_json(char **out, const floe_snapshot *s);

/** Adds a reference. @return s */
FLOE_API floe_snapshot *floe_snapshot_acquire(floe_snapshot *s);
/** Drops a reference (NULL is fine). */
FLOE_API void floe_snapshot_release(floe_snapshot *s);

/** Snapshot id. */
FLOE_API int64_t floe_snapshot_id(const floe_snapshot *s);
/** Parent snapshot id, or FLOE_SNAPSHOT_ID_NONE. */
FLOE_API int64_t floe_snapshot_parent_id(const floe_snapshot *s);
/** Sequence number (0 when absent, as v1 snapshots are read). */
FLOE_API int64_t floe_snapshot_sequence_number(const floe_snapshot *s);
/** Creation time in ms since the epoch. */
FLOE_API int64_t floe_snapshot_timestamp_ms(const floe_snapshot *s);
/** (transfer none) manifest list location, or NULL (v1 snapshots may list manifests instead). */
FLOE_API const char *floe_snapshot_manifest_list(const floe_snapshot *s);
/** Number of entries of the v1 `manifests` list (0 when absent). */
FLOE_API size_t floe_snapshot_manifest_count(const floe_snapshot *s);
/** (transfer none) the i-th entry of the v1 `manifests` list. */
FLOE_API const char *floe_snapshot_manifest(const floe_snapshot *s, size_t i);
/** (transfer none) summary `operation`, or NULL when the (v1) snapshot has no summary. */
FLOE_API const char *floe_snapshot_operation(const floe_snapshot *s);
/** (transfer none) value of a summary key, or NULL. */
FLOE_API const char *floe_snapshot_summary_get(const floe_snapshot *s, const char *key);
/** Number of summary entries (including `operation`). */
FLOE_API size_t floe_snapshot_summary_count(const floe_snapshot *s);
/** (transfer none) i-th summary key and value (in file order). */
FLOE_API void floe_snapshot_summary_at(const floe_snapshot *s, size_t i, const char **key,
                                       const char **value);
/** Schema id, or -1 when absent. */
FLOE_API int floe_snapshot_schema_id(const floe_snapshot *s);

/** Kind of a snapshot reference. */
typedef enum floe_ref_type {
    FLOE_REF_BRANCH = 0, /**< "branch": mutable, follows new snapshots */
    FLOE_REF_TAG = 1     /**< "tag": a label for one snapshot */
} floe_ref_type;

/** A snapshot reference (spec §Snapshot References). Retention fields are -1 when unset. */
typedef struct floe_snapshot_ref {
    unsigned int version;        /**< FLOE_SNAPSHOT_REF_VERSION */
    int64_t snapshot_id;         /**< referenced snapshot */
    floe_ref_type type;          /**< branch or tag */
    int min_snapshots_to_keep;   /**< branches only; -1 = table default */
    int64_t max_snapshot_age_ms; /**< branches only; -1 = table default */
    int64_t max_ref_age_ms;      /**< not for main; -1 = table default */
} floe_snapshot_ref;

/** Version of floe_snapshot_ref. */
#define FLOE_SNAPSHOT_REF_VERSION 1
/** Initializer for floe_snapshot_ref (a branch with no retention overrides). */
#define FLOE_SNAPSHOT_REF_INIT                                                                     \
    {                                                                                              \
        FLOE_SNAPSHOT_REF_VERSION, FLOE_SNAPSHOT_ID_NONE, FLOE_REF_BRANCH, -1, -1, -1              \
    }

/** Name of the main branch. */
#define FLOE_MAIN_BRANCH "main"

/**
 * Checks a reference against the spec: positive retention values, and no branch-only
 * retention on a tag. @return 0 or FLOE_EINVALID naming the field.
 */
FLOE_API int floe_snapshot_ref_validate(const floe_snapshot_ref *ref, const char *name);

/**
 * Computes a snapshot summary (Appendix F metrics) for one commit: the `added-*` / `deleted-*`
 * / `removed-*` counters given in `delta` plus `total-*` values carried from the previous
 * snapshot's summary. Counters are named exactly as in the spec.
 */
typedef struct floe_summary_delta {
    unsigned int version;                /**< FLOE_SUMMARY_DELTA_VERSION */
    int64_t added_data_files;            /**< data files added */
    int64_t deleted_data_files;          /**< data files removed */
    int64_t added_delete_files;          /**< delete files added (pos + eq + DV) */
    int64_t added_equality_delete_files; /**< equality delete files added */
    int64_t added_position_delete_files; /**< position delete files added */
    int64_t removed_delete_files;        /**< delete files removed */
    int64_t added_records;               /**< rows in added data files */
    int64_t deleted_records;             /**< rows in removed data files */
    int64_t added_files_size;            /**< bytes of added files */
    int64_t removed_files_size;          /**< bytes of removed files */
    int64_t added_position_deletes;      /**< position delete rows added */
    int64_t removed_position_deletes;    /**< position delete rows removed */
    int64_t added_equality_deletes;      /**< equality delete rows added */
    int64_t removed_equality_deletes;    /**< equality delete rows removed */
    int64_t changed_partition_count;     /**< partitions touched; -1 to omit */
} floe_summary_delta;

/** Version of floe_summary_delta. */
#define FLOE_SUMMARY_DELTA_VERSION 1
/** Initializer: all counters zero, changed partitions omitted. */
#define FLOE_SUMMARY_DELTA_INIT                                                                    \
    {                                                                                              \
        FLOE_SUMMARY_DELTA_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1                   \
    }

/** A computed summary: parallel key/value string arrays (keys in spec order). */
typedef struct floe_snapshot_summary floe_snapshot_summary;

/**
 * Builds the summary of a new snapshot.
 * @param previous (transfer none) the parent snapshot (its `total-*` keys are the base), or
 *        NULL for the first snapshot; totals are omitted, as the reference does, when the
 *        previous summary lacks them.
 * @param out (transfer full) free with floe_snapshot_summary_free().
 * @return 0, FLOE_EINVALID when a total would become negative, FLOE_ENOMEM.
 */
FLOE_API int floe_snapshot_summary_compute(floe_snapshot_summary **out,
                                           const floe_snapshot *previous,
                                           const floe_summary_delta *delta);
/** Number of keys. */
FLOE_API size_t floe_snapshot_summary_size(const floe_snapshot_summary *s);
/** (transfer none) keys array (size floe_snapshot_summary_size). */
FLOE_API const char *const *floe_snapshot_summary_keys(const floe_snapshot_summary *s);
/** (transfer none) values array. */
FLOE_API const char *const *floe_snapshot_summary_values(const floe_snapshot_summary *s);
/** (transfer none) value of `key`, or NULL. */
FLOE_API const char *floe_snapshot_summary_lookup(const floe_snapshot_summary *s, const char *key);
/** Frees a summary (NULL is fine). */
FLOE_API void floe_snapshot_summary_free(floe_snapshot_summary *s);

FLOE_END_DECLS

#endif
