/* Shared pieces of the manager's snapshot producers (append, overwrite). */
#ifndef FLOE_MANAGER_WRITE_INTERNAL_H
#define FLOE_MANAGER_WRITE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <floe/arrow/abi.h>
#include <floe/iceberg/manifest.h>
#include <floe/iceberg/manifest_list.h>
#include <floe/iceberg/snapshot.h>
#include <floe/table.h>

#include "base/uuid.h"

/* Data files written from a stream (owned). */
struct floe_manager_written {
    floe_data_file **files;
    size_t count;
    int64_t records;
    int64_t bytes;
};

/* A file removed by an overwrite, with the sequence numbers of its entry. */
struct floe_manager_deleted {
    const floe_data_file *file;
    int64_t data_sequence;
    int64_t file_sequence;
};

/* A snapshot to commit: new manifests, which of the parent's to keep, the summary delta. */
struct floe_manager_commit {
    const char *operation;
    int64_t snapshot_id;
    const floe_manifest_file *const *manifests;
    size_t manifest_count;
    /* returns 0 for a parent manifest the new snapshot must not carry (NULL: keep all) */
    int (*keep_manifest)(const floe_manifest_file *mf, void *ctx);
    /* after a conflict, checks the change is still valid on the refreshed table */
    int (*revalidate)(floe_table *t, void *ctx);
    void *keep_ctx;
    floe_summary_delta delta;
    const char *const *extra_keys;
    const char *const *extra_values;
    size_t extra_count;
    /* branch to commit to (must exist); NULL = main */
    const char *branch;
    /* non-zero: merge small data manifests as the table's commit.manifest-merge.* properties
     * say (appends) */
    int merge_manifests;
};

/* What a manifest copy does with one live entry (floe_manager__copy_manifests). */
typedef enum floe_manager_copy_action {
    FLOE_COPY_EXISTING = 0, /* EXISTING, with the snapshot id and sequence numbers it has */
    FLOE_COPY_DELETED = 1,  /* DELETED by the new snapshot, with its sequence numbers */
    FLOE_COPY_ADDED = 2     /* ADDED by the new snapshot (sequence numbers inherited) */
} floe_manager_copy_action;

/* Decides the fate of entry `e` of source manifest number `source`. */
typedef floe_manager_copy_action (*floe_manager_copy_fn)(const floe_manifest_entry *e,
                                                         size_t source, void *ctx);

/* Writes one manifest at `path` for snapshot `snapshot_id` (content and spec those of srcs[0])
 * holding the live entries of srcs[0..n) in order, each as `decide` says (NULL: all EXISTING);
 * entries deleted by earlier snapshots are dropped. *deleted (may be NULL) counts the DELETED
 * ones. With only_if_deleted, a copy that deletes nothing is discarded (*out NULL). On failure
 * nothing is left. (transfer full) */
int floe_manager__copy_manifests(floe_manifest_file **out, int64_t *deleted, floe_table *t,
                                 const char *path, int64_t snapshot_id,
                                 const floe_manifest_file *const *srcs, size_t n,
                                 floe_manager_copy_fn decide, void *ctx, int only_if_deleted);

/* Defaults of commit.manifest.min-count-to-merge and commit.manifest.target-size-bytes. */
#define FLOE_MANAGER_MERGE_MIN_COUNT_DEFAULT    100
#define FLOE_MANAGER_MERGE_TARGET_BYTES_DEFAULT (8 * 1024 * 1024)

/* The manifests a snapshot lists after merging (merge_append.c). */
struct floe_manager_merged {
    const floe_manifest_file **list; /* what the manifest list gets, in order (borrowed) */
    size_t count;
    floe_manifest_file **owned; /* the merged manifests written (owned) */
    size_t nowned;
    size_t merged_bins;
};

/* Merges runs of small data manifests among in[0..n) (in[0..nnew) are the new snapshot's own:
 * their entries stay ADDED) into manifests of `snapshot_id` named with `tag`, when a spec has
 * at least commit.manifest.min-count-to-merge of them and commit.manifest-merge.enabled is not
 * false. On failure nothing is left behind. */
int floe_manager__merge_manifests(struct floe_manager_merged *m, floe_table *t,
                                  const floe_manifest_file *const *in, size_t n, size_t nnew,
                                  int64_t snapshot_id, const char *tag);
/* Non-zero when `mf` is listed as it is (not merged away). */
int floe_manager__merged_keeps(const struct floe_manager_merged *m, const floe_manifest_file *mf);
/* Frees the result; with `remove_with` also deletes the merged manifests it wrote. */
void floe_manager__merged_free(struct floe_manager_merged *m, floe_file_io *remove_with);

/* floe_table_union_by_name() with the schema of each stream in turn (defined in alter.c). */
int floe_manager__union_streams(floe_table *t, struct ArrowArrayStream *const *streams, size_t n);

/* A new snapshot's id (positive, from a random UUID) and the write id naming its files (that
 * UUID's text). */
int floe_manager__new_ids(int64_t *snapshot_id, char write_id[FLOE_UUID_STR_LEN]);

/* Writes every batch of the stream to partitioned data files. On failure nothing is left. */
int floe_manager__write_stream(struct floe_manager_written *out, floe_table *t,
                               struct ArrowArrayStream *stream);
/* Writes several streams; on failure nothing is left. */
int floe_manager__write_streams(struct floe_manager_written *out, floe_table *t,
                                struct ArrowArrayStream *const *streams, size_t n);
/* Frees the list; with `remove_with` also deletes the files. */
void floe_manager__written_free(struct floe_manager_written *w, floe_file_io *remove_with);

/* Writes a manifest of added and deleted entries. (transfer full) */
int floe_manager__write_manifest(floe_manifest_file **out, floe_table *t, int64_t snapshot_id,
                                 const char *write_id, int index, floe_data_file *const *added,
                                 size_t nadded, const struct floe_manager_deleted *deleted,
                                 size_t ndeleted);

/* The manifest list of `snap` (NULL snapshot: *out NULL). */
int floe_manager__read_manifest_list(floe_manifest_list **out, floe_table *t,
                                     const floe_snapshot *snap);

/* 0 when `branch` names a branch of the table (not a tag) whose head exists; else
 * FLOE_ENOTFOUND / FLOE_EINVALID (a tag) / FLOE_ECORRUPT with a message saying what to do. */
int floe_manager__check_branch(const floe_table *t, const char *branch);

/* Commits a snapshot, retrying conflicts with backoff on the refreshed table. */
int floe_manager__commit_snapshot(int64_t *snapshot_id, unsigned int *attempts, floe_table *t,
                                  const struct floe_manager_commit *c, const char *write_id);

struct floe_manager_plan;
struct floe_manager_task;

/* Row removal shared by overwrite.c and delete_rows.c (defined in overwrite.c). */
/* Rewrites planned file `task` without its rows matching task->residual and without rows its
 * delete files remove; *removed receives the live rows dropped. */
int floe_manager__rewrite_file(struct floe_manager_written *out, int64_t *removed, floe_table *t,
                               struct floe_manager_plan *p, const struct floe_manager_task *task);
/* The live rows of planned file `task` (record count less the rows its delete files remove). */
int floe_manager__live_rows(int64_t *out, floe_table *t, struct floe_manager_plan *p,
                            const struct floe_manager_task *task);
/* The live rows of planned file `task` matching task->residual, without writing anything. */
int floe_manager__count_matching(int64_t *out, floe_table *t, struct floe_manager_plan *p,
                                 const struct floe_manager_task *task);
/* Rewrites manifest `mi` of plan `p`: files flagged in `del` (per task) DELETED, others
 * EXISTING. (transfer full) */
int floe_manager__rewrite_manifest(floe_manifest_file **out, floe_table *t,
                                   const struct floe_manager_plan *p, const uint8_t *del, size_t mi,
                                   int64_t snapshot_id, const char *write_id);

#endif
