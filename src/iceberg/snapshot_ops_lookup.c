/* Snapshot lookups: by id, by ref, as of a time, and ancestry. */
#include <inttypes.h>

#include <floe/error.h>
#include <floe/iceberg/snapshot_ops.h>

#include "base/alloc.h"

int floe_snapshot_ops_find(const floe_snapshot **out, const floe_table_metadata *md,
                           int64_t snapshot_id)
{
    const floe_snapshot *s = floe_table_metadata_snapshot_by_id(md, snapshot_id);
    if (!s)
        return floe_error_set(FLOE_ENOTFOUND,
                              "snapshot %" PRId64 " does not exist in table '%s' (list the "
                              "table's snapshots for valid ids)",
                              snapshot_id, floe_table_metadata_location(md));
    *out = s;
    return 0;
}

int floe_snapshot_ops_for_ref(const floe_snapshot **out, const floe_table_metadata *md,
                              const char *ref_name)
{
    const floe_snapshot_ref *r = ref_name ? floe_table_metadata_ref(md, ref_name) : NULL;
    if (!r)
        return floe_error_set(FLOE_ENOTFOUND, "ref '%s' does not exist in table '%s'",
                              ref_name ? ref_name : "(null)", floe_table_metadata_location(md));
    int rc = floe_snapshot_ops_find(out, md, r->snapshot_id);
    if (rc)
        return floe_error_wrap(rc, "ref '%s'", ref_name);
    return 0;
}

/* The parent of `s` if it is still in the metadata, else NULL. */
static const floe_snapshot *parent_of(const floe_table_metadata *md, const floe_snapshot *s)
{
    int64_t pid = floe_snapshot_parent_id(s);
    if (pid == FLOE_SNAPSHOT_ID_NONE)
        return NULL;
    return floe_table_metadata_snapshot_by_id(md, pid);
}

int floe_snapshot_ops_ancestors(int64_t **ids, size_t *count, const floe_table_metadata *md,
                                int64_t snapshot_id)
{
    const floe_snapshot *s = NULL;
    int rc = floe_snapshot_ops_find(&s, md, snapshot_id);
    if (rc)
        return rc;
    /* a parent chain longer than the snapshot list would be a cycle in corrupt metadata */
    size_t max = floe_table_metadata_snapshot_count(md);
    size_t bytes;
    if (floe_mul_size(max ? max : 1, sizeof(int64_t), &bytes) != 0)
        return floe_error_set(FLOE_ENOMEM, "too many snapshots");
    int64_t *arr = floe_malloc(bytes);
    if (!arr)
        return floe_error_set(FLOE_ENOMEM, "out of memory listing ancestors");
    size_t n = 0;
    for (; s && n < max; s = parent_of(md, s))
        arr[n++] = floe_snapshot_id(s);
    *ids = arr;
    *count = n;
    return 0;
}

int floe_snapshot_ops_is_ancestor(const floe_table_metadata *md, int64_t ancestor_id,
                                  int64_t snapshot_id)
{
    const floe_snapshot *s = floe_table_metadata_snapshot_by_id(md, snapshot_id);
    size_t max = floe_table_metadata_snapshot_count(md);
    for (size_t n = 0; s && n < max; s = parent_of(md, s), n++)
        if (floe_snapshot_id(s) == ancestor_id)
            return 1;
    return 0;
}

int floe_snapshot_ops_as_of_time(const floe_snapshot **out, const floe_table_metadata *md,
                                 int64_t timestamp_ms)
{
    size_t n = floe_table_metadata_snapshot_log_count(md);
    const floe_snapshot *found = NULL;
    int64_t logged = FLOE_SNAPSHOT_ID_NONE;
    for (size_t i = 0; i < n; i++) {
        floe_snapshot_log_entry e = floe_table_metadata_snapshot_log_at(md, i);
        if (e.timestamp_ms <= timestamp_ms)
            logged = e.snapshot_id;
    }
    if (logged != FLOE_SNAPSHOT_ID_NONE) {
        found = floe_table_metadata_snapshot_by_id(md, logged);
        /* answering with an older snapshot would silently read the wrong data */
        if (!found)
            return floe_error_set(FLOE_ENOTFOUND,
                                  "snapshot %" PRId64 ", current at %" PRId64
                                  " ms in table '%s', has been expired",
                                  logged, timestamp_ms, floe_table_metadata_location(md));
    }
    if (!found && n == 0) {
        /* no history recorded: fall back to the ancestry of the current snapshot */
        const floe_snapshot *s = floe_table_metadata_current_snapshot(md);
        size_t max = floe_table_metadata_snapshot_count(md);
        for (size_t k = 0; s && k < max; s = parent_of(md, s), k++) {
            int64_t ts = floe_snapshot_timestamp_ms(s);
            if (ts <= timestamp_ms && (!found || ts > floe_snapshot_timestamp_ms(found)))
                found = s;
        }
    }
    if (!found)
        return floe_error_set(FLOE_ENOTFOUND,
                              "table '%s' has no snapshot as of %" PRId64
                              " ms: its history starts later",
                              floe_table_metadata_location(md), timestamp_ms);
    *out = found;
    return 0;
}
