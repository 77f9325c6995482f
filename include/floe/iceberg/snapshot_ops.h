/**
 * @file floe/iceberg/snapshot_ops.h
 * Snapshot and ref management (spec §Snapshots, §Snapshot References) as commits: each
 * operation checks its preconditions against a table's metadata and produces the REST
 * requirements and updates (floe/iceberg/update.h) that the metadata builder applies. Every
 * change asserts the snapshot id of each ref it reads or writes (`assert-ref-snapshot-id`),
 * so a concurrent change to those refs makes the commit fail with FLOE_ECONFLICT.
 *
 * The functions are pure: no I/O, no clock.
 */
#ifndef FLOE_ICEBERG_SNAPSHOT_OPS_H
#define FLOE_ICEBERG_SNAPSHOT_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "../common.h"
#include "metadata.h"
#include "snapshot.h"
#include "update.h"

FLOE_BEGIN_DECLS

/** A change to commit: requirements and updates (opaque, immutable once made). */
typedef struct floe_snapshot_change floe_snapshot_change;

/**
 * (transfer none) the requirements; `*count` receives their number. Valid for the change's
 * lifetime.
 */
FLOE_API floe_table_requirement *const *
floe_snapshot_change_requirements(const floe_snapshot_change *c, size_t *count);
/** (transfer none) the updates; `*count` receives their number. */
FLOE_API floe_table_update *const *floe_snapshot_change_updates(const floe_snapshot_change *c,
                                                                size_t *count);
/** Frees a change (NULL is fine). */
FLOE_API void floe_snapshot_change_free(floe_snapshot_change *c);

/* ---- lookups ---- */

/**
 * The snapshot with `snapshot_id`.
 * @param out (transfer none) borrowed from `md`.
 * @return 0, FLOE_ENOTFOUND naming the id.
 */
FLOE_API int floe_snapshot_ops_find(const floe_snapshot **out, const floe_table_metadata *md,
                                    int64_t snapshot_id);

/**
 * The snapshot a ref points at.
 * @param out (transfer none)
 * @return 0, FLOE_ENOTFOUND when the ref (or its snapshot) does not exist.
 */
FLOE_API int floe_snapshot_ops_for_ref(const floe_snapshot **out, const floe_table_metadata *md,
                                       const char *ref_name);

/**
 * The snapshot that was current at `timestamp_ms` (time travel "as of"): the last snapshot-log
 * entry at or before that time whose snapshot still exists; when the table has no
 * snapshot-log, the latest ancestor of the current snapshot created at or before that time.
 * @param out (transfer none)
 * @return 0, FLOE_ENOTFOUND when no snapshot is that old.
 */
FLOE_API int floe_snapshot_ops_as_of_time(const floe_snapshot **out, const floe_table_metadata *md,
                                          int64_t timestamp_ms);

/**
 * The ancestry of a snapshot: its id first, then its parent's, and so on, stopping at a
 * snapshot without parent or whose parent is no longer in the metadata (expired).
 * @param ids (transfer full) free with free(); holds at least `snapshot_id` on success.
 * @return 0, FLOE_ENOTFOUND when `snapshot_id` is unknown, FLOE_ENOMEM.
 */
FLOE_API int floe_snapshot_ops_ancestors(int64_t **ids, size_t *count,
                                         const floe_table_metadata *md, int64_t snapshot_id);

/**
 * Whether `ancestor_id` is `snapshot_id` or one of its ancestors (as floe_snapshot_ops_ancestors
 * walks them). @return 1 or 0 (0 also for unknown ids).
 */
FLOE_API int floe_snapshot_ops_is_ancestor(const floe_table_metadata *md, int64_t ancestor_id,
                                           int64_t snapshot_id);

/* ---- current snapshot ---- */

/**
 * Rolls `branch` (NULL = main) back to `snapshot_id`, which must be the branch head or one of
 * its ancestors. Retention settings of the branch are kept.
 * @param out (transfer full) free with floe_snapshot_change_free().
 * @return 0; FLOE_ENOTFOUND (unknown snapshot or branch); FLOE_EINVALID naming both ids when the
 *         snapshot is not an ancestor of the branch head.
 */
FLOE_API int floe_snapshot_ops_rollback_to(floe_snapshot_change **out,
                                           const floe_table_metadata *md, const char *branch,
                                           int64_t snapshot_id);

/**
 * Rolls `branch` (NULL = main) back to its latest ancestor created at or before
 * `timestamp_ms`.
 * @param out (transfer full)
 * @return 0; FLOE_ENOTFOUND when the branch does not exist or no ancestor is that old.
 */
FLOE_API int floe_snapshot_ops_rollback_to_time(floe_snapshot_change **out,
                                                const floe_table_metadata *md, const char *branch,
                                                int64_t timestamp_ms);

/**
 * Makes any existing snapshot the current one (main points at it), ancestor or not.
 * @param out (transfer full)
 * @return 0; FLOE_ENOTFOUND for an unknown snapshot.
 */
FLOE_API int floe_snapshot_ops_set_current(floe_snapshot_change **out,
                                           const floe_table_metadata *md, int64_t snapshot_id);

/* ---- branches and tags ---- */

/** Options of the branch and tag operations. */
typedef struct floe_ref_options {
    unsigned int version;        /**< FLOE_REF_OPTIONS_VERSION */
    int64_t snapshot_id;         /**< target snapshot; FLOE_SNAPSHOT_ID_NONE = the current one */
    int min_snapshots_to_keep;   /**< branches only; -1 = unset (replace: keep the ref's) */
    int64_t max_snapshot_age_ms; /**< branches only; -1 = unset (replace: keep the ref's) */
    int64_t max_ref_age_ms;      /**< -1 = unset (replace: keep the ref's) */
} floe_ref_options;

/** Version of floe_ref_options. */
#define FLOE_REF_OPTIONS_VERSION 1
/** Initializer: the current snapshot, no retention overrides. */
#define FLOE_REF_OPTIONS_INIT                                                                      \
    {                                                                                              \
        FLOE_REF_OPTIONS_VERSION, FLOE_SNAPSHOT_ID_NONE, -1, -1, -1                                \
    }

/**
 * Creates branch `name` at a snapshot with optional retention settings.
 * @param options may be NULL (the current snapshot, no overrides).
 * @param out (transfer full)
 * @return 0; FLOE_EEXISTS when a ref of that name exists; FLOE_ENOTFOUND for an unknown
 *         snapshot (or no current snapshot); FLOE_EINVALID for bad names or retention values.
 */
FLOE_API int floe_snapshot_ops_create_branch(floe_snapshot_change **out,
                                             const floe_table_metadata *md, const char *name,
                                             const floe_ref_options *options);

/**
 * Points existing branch `name` at another snapshot; retention fields left at -1 keep the
 * branch's values.
 * @return 0; FLOE_ENOTFOUND when the branch does not exist; FLOE_EINVALID when `name` is a
 *         tag.
 */
FLOE_API int floe_snapshot_ops_replace_branch(floe_snapshot_change **out,
                                              const floe_table_metadata *md, const char *name,
                                              const floe_ref_options *options);

/**
 * Removes branch `name`.
 * @return 0; FLOE_EINVALID for `main` or a tag; FLOE_ENOTFOUND when it does not exist.
 */
FLOE_API int floe_snapshot_ops_remove_branch(floe_snapshot_change **out,
                                             const floe_table_metadata *md, const char *name);

/**
 * Creates tag `name`. Only `snapshot_id` and `max_ref_age_ms` of the options apply; the
 * branch-only fields must be -1.
 * @return 0; FLOE_EEXISTS when a ref of that name exists; FLOE_EINVALID for `main`.
 */
FLOE_API int floe_snapshot_ops_create_tag(floe_snapshot_change **out, const floe_table_metadata *md,
                                          const char *name, const floe_ref_options *options);

/**
 * Points existing tag `name` at another snapshot (max_ref_age_ms -1 keeps the tag's).
 * @return 0; FLOE_ENOTFOUND when the tag does not exist; FLOE_EINVALID when it is a branch.
 */
FLOE_API int floe_snapshot_ops_replace_tag(floe_snapshot_change **out,
                                           const floe_table_metadata *md, const char *name,
                                           const floe_ref_options *options);

/**
 * Removes tag `name`.
 * @return 0; FLOE_ENOTFOUND; FLOE_EINVALID when it is a branch.
 */
FLOE_API int floe_snapshot_ops_remove_tag(floe_snapshot_change **out, const floe_table_metadata *md,
                                          const char *name);

/**
 * Fast-forwards branch `branch` to the snapshot of ref `to`: allowed when the branch head is
 * an ancestor of (or equal to) that snapshot. Asserts both refs.
 * @return 0; FLOE_ENOTFOUND for a missing ref; FLOE_EINVALID when `branch` is a tag or its
 *         head is not an ancestor of `to`'s snapshot (naming both ids).
 */
FLOE_API int floe_snapshot_ops_fast_forward(floe_snapshot_change **out,
                                            const floe_table_metadata *md, const char *branch,
                                            const char *to);

FLOE_END_DECLS

#endif
