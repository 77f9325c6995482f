/* Snapshot summaries (spec Appendix F, "Metrics"): per-commit counters and running totals
 * carried from the parent snapshot's summary, keyed exactly as the spec names them. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/snapshot.h>

#include "base/alloc.h"

#define MAX_KEYS 32

struct floe_snapshot_summary {
    const char *keys[MAX_KEYS];
    char *values[MAX_KEYS];
    size_t count;
};

static int put(floe_snapshot_summary *s, const char *key, int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%" PRId64, v);
    char *copy = floe_strdup(buf);
    if (!copy)
        return floe_error_set(FLOE_ENOMEM, "out of memory building a snapshot summary");
    s->keys[s->count] = key;
    s->values[s->count] = copy;
    s->count++;
    return 0;
}

/* Counters the reference writes only when non-zero. */
static int put_nonzero(floe_snapshot_summary *s, const char *key, int64_t v)
{
    return v > 0 ? put(s, key, v) : 0;
}

/* Running total: previous total + added - removed. Omitted (as the reference does) when the
 * parent snapshot exists but its summary has no such total: the base is unknown. */
static int put_total(floe_snapshot_summary *s, const floe_snapshot *previous, const char *key,
                     int64_t added, int64_t removed)
{
    int64_t base = 0;
    if (previous) {
        const char *text = floe_snapshot_summary_get(previous, key);
        if (!text)
            return 0;
        char *end = NULL;
        errno = 0;
        long long v = strtoll(text, &end, 10);
        if (errno || end == text || *end)
            return 0;
        base = v;
    }
    int64_t total = base + added - removed;
    if (total < 0)
        return floe_error_set(FLOE_EINVALID,
                              "snapshot summary: %s would become negative (%" PRId64 " + %" PRId64
                              " - %" PRId64 "); the removed counts exceed the parent's total",
                              key, base, added, removed);
    return put(s, key, total);
}

int floe_snapshot_summary_compute(floe_snapshot_summary **out, const floe_snapshot *previous,
                                  const floe_summary_delta *d)
{
    *out = NULL;
    if (!d || d->version < 1)
        return floe_error_set(FLOE_EINVALID, "snapshot summary: missing or unversioned delta");
    floe_snapshot_summary *s = floe_calloc(1, sizeof(*s));
    if (!s)
        return floe_error_set(FLOE_ENOMEM, "out of memory building a snapshot summary");
    int rc = put_nonzero(s, "added-data-files", d->added_data_files);
    if (!rc)
        rc = put_nonzero(s, "deleted-data-files", d->deleted_data_files);
    if (!rc)
        rc = put_nonzero(s, "added-delete-files", d->added_delete_files);
    if (!rc)
        rc = put_nonzero(s, "added-equality-delete-files", d->added_equality_delete_files);
    if (!rc)
        rc = put_nonzero(s, "added-position-delete-files", d->added_position_delete_files);
    if (!rc)
        rc = put_nonzero(s, "removed-delete-files", d->removed_delete_files);
    if (!rc)
        rc = put_nonzero(s, "added-records", d->added_records);
    if (!rc)
        rc = put_nonzero(s, "deleted-records", d->deleted_records);
    if (!rc)
        rc = put_nonzero(s, "added-files-size", d->added_files_size);
    if (!rc)
        rc = put_nonzero(s, "removed-files-size", d->removed_files_size);
    if (!rc)
        rc = put_nonzero(s, "added-position-deletes", d->added_position_deletes);
    if (!rc)
        rc = put_nonzero(s, "removed-position-deletes", d->removed_position_deletes);
    if (!rc)
        rc = put_nonzero(s, "added-equality-deletes", d->added_equality_deletes);
    if (!rc)
        rc = put_nonzero(s, "removed-equality-deletes", d->removed_equality_deletes);
    if (!rc && d->changed_partition_count >= 0)
        rc = put(s, "changed-partition-count", d->changed_partition_count);
    if (!rc)
        rc = put_total(s, previous, "total-records", d->added_records, d->deleted_records);
    if (!rc)
        rc = put_total(s, previous, "total-files-size", d->added_files_size, d->removed_files_size);
    if (!rc)
        rc = put_total(s, previous, "total-data-files", d->added_data_files, d->deleted_data_files);
    if (!rc)
        rc = put_total(s, previous, "total-delete-files", d->added_delete_files,
                       d->removed_delete_files);
    if (!rc)
        rc = put_total(s, previous, "total-position-deletes", d->added_position_deletes,
                       d->removed_position_deletes);
    if (!rc)
        rc = put_total(s, previous, "total-equality-deletes", d->added_equality_deletes,
                       d->removed_equality_deletes);
    if (rc) {
        floe_snapshot_summary_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

size_t floe_snapshot_summary_size(const floe_snapshot_summary *s)
{
    return s->count;
}

const char *const *floe_snapshot_summary_keys(const floe_snapshot_summary *s)
{
    return s->keys;
}

const char *const *floe_snapshot_summary_values(const floe_snapshot_summary *s)
{
    return (const char *const *)s->values;
}

const char *floe_snapshot_summary_lookup(const floe_snapshot_summary *s, const char *key)
{
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->keys[i], key) == 0)
            return s->values[i];
    return NULL;
}

void floe_snapshot_summary_free(floe_snapshot_summary *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->count; i++)
        floe_free(s->values[i]);
    floe_free(s);
}
