/* Manifest merging on append (the table properties commit.manifest-merge.enabled,
 * commit.manifest.min-count-to-merge and commit.manifest.target-size-bytes, as in the Iceberg
 * reference implementation): when a commit would leave a partition spec with many data
 * manifests, consecutive small ones are rewritten as one, so that scan planning reads a few
 * manifests instead of one per commit. Entries of the new snapshot stay ADDED; the others
 * become EXISTING with their snapshot ids and sequence numbers; entries deleted by earlier
 * snapshots are dropped. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <floe/error.h>
#include <floe/iceberg/manifest.h>

#include "base/alloc.h"
#include "manager/manager_internal.h"
#include "manager/write_internal.h"

struct merge_settings {
    int enabled;
    int64_t min_count;
    int64_t target;
};

static int read_settings(struct merge_settings *s, const floe_table *t)
{
    const char *en = floe_table_metadata_property(t->md, "commit.manifest-merge.enabled");
    s->enabled = !en || strcasecmp(en, "false") != 0;
    int rc = floe_manager__int_property(&s->min_count, t, "commit.manifest.min-count-to-merge",
                                        FLOE_MANAGER_MERGE_MIN_COUNT_DEFAULT, 0);
    if (!rc)
        rc = floe_manager__int_property(&s->target, t, "commit.manifest.target-size-bytes",
                                        FLOE_MANAGER_MERGE_TARGET_BYTES_DEFAULT, 0);
    return rc;
}

/* Entries of the new snapshot's own manifests stay ADDED; the others become EXISTING. */
static floe_manager_copy_action own_added(const floe_manifest_entry *e, size_t source, void *ctx)
{
    const uint8_t *own = ctx;
    return own[source] && e->status == FLOE_ENTRY_ADDED ? FLOE_COPY_ADDED : FLOE_COPY_EXISTING;
}

/* Writes manifests in[idx[0..n)] as one manifest of snapshot `snapshot_id`. */
static int merge_bin(floe_manifest_file **out, floe_table *t, const floe_manifest_file *const *in,
                     const size_t *idx, size_t n, size_t nnew, int64_t snapshot_id, const char *tag,
                     size_t bin)
{
    char path[4096];
    int len = snprintf(path, sizeof path, "%s/metadata/%" PRId64 "-m%zu-%s.avro",
                       floe_table_location(t), snapshot_id, bin, tag);
    if (len < 0 || (size_t)len >= sizeof path)
        return floe_error_set(FLOE_EINVALID, "table location of '%s' is too long", t->ident);
    const floe_manifest_file **srcs = floe_calloc(n + 1, sizeof *srcs);
    uint8_t *own = floe_calloc(n + 1, 1);
    int rc = srcs && own ? 0 : floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t k = 0; !rc && k < n; k++) {
        srcs[k] = in[idx[k]];
        own[k] = idx[k] < nnew; /* written by this snapshot: its entries are ADDED here */
    }
    if (!rc)
        rc = floe_manager__copy_manifests(out, NULL, t, path, snapshot_id, srcs, n, own_added, own,
                                          0);
    floe_free(srcs);
    floe_free(own);
    if (rc)
        rc = floe_error_wrap(rc, "merging manifests of '%s'", t->ident);
    return rc;
}

int floe_manager__merge_manifests(struct floe_manager_merged *m, floe_table *t,
                                  const floe_manifest_file *const *in, size_t n, size_t nnew,
                                  int64_t snapshot_id, const char *tag)
{
    memset(m, 0, sizeof *m);
    struct merge_settings s;
    int rc = read_settings(&s, t);
    if (rc)
        return rc;
    m->list = floe_calloc(n + 1, sizeof *m->list);
    m->owned = floe_calloc(n + 1, sizeof *m->owned);
    size_t *idx = floe_calloc(n + 1, sizeof *idx);
    uint8_t *done = floe_calloc(n + 1, 1);
    if (!m->list || !m->owned || !idx || !done)
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    /* merged[i] replaces the first manifest of its bin; the others of the bin are skipped */
    floe_manifest_file **merged = rc ? NULL : floe_calloc(n + 1, sizeof *merged);
    if (!rc && !merged)
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    uint8_t *skip = rc ? NULL : floe_calloc(n + 1, 1);
    if (!rc && !skip)
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    size_t bins = 0;
    for (size_t i = 0; !rc && s.enabled && s.min_count > 0 && i < n; i++) {
        if (done[i] || in[i]->content != FLOE_MANIFEST_DATA)
            continue;
        /* the data manifests of this spec, in list order */
        size_t ng = 0;
        for (size_t j = i; j < n; j++)
            if (!done[j] && in[j]->content == FLOE_MANIFEST_DATA &&
                in[j]->partition_spec_id == in[i]->partition_spec_id) {
                idx[ng++] = j;
                done[j] = 1;
            }
        if ((int64_t)ng < s.min_count)
            continue;
        /* consecutive runs of small manifests up to the target size become one */
        for (size_t a = 0; !rc && a < ng;) {
            size_t b = a;
            int64_t size = 0;
            while (b < ng && in[idx[b]]->length < s.target &&
                   (b == a || size + in[idx[b]]->length <= s.target))
                size += in[idx[b++]]->length;
            if (b - a >= 2) {
                rc = merge_bin(&merged[idx[a]], t, in, idx + a, b - a, nnew, snapshot_id, tag,
                               bins++);
                if (!rc) {
                    m->owned[m->nowned++] = merged[idx[a]];
                    for (size_t k = a + 1; k < b; k++)
                        skip[idx[k]] = 1;
                }
            }
            a = b > a ? b : a + 1;
        }
    }
    for (size_t i = 0; !rc && i < n; i++)
        if (!skip[i])
            m->list[m->count++] = merged[i] ? merged[i] : in[i];
    m->merged_bins = bins;
    floe_free(idx);
    floe_free(done);
    floe_free(merged);
    floe_free(skip);
    if (rc)
        floe_manager__merged_free(m, t->m->io);
    return rc;
}

int floe_manager__merged_keeps(const struct floe_manager_merged *m, const floe_manifest_file *mf)
{
    for (size_t i = 0; i < m->count; i++)
        if (m->list[i] == mf)
            return 1;
    return 0;
}

void floe_manager__merged_free(struct floe_manager_merged *m, floe_file_io *remove_with)
{
    for (size_t i = 0; i < m->nowned; i++) {
        if (remove_with)
            remove_with->remove(remove_with, m->owned[i]->path);
        floe_manifest_file_free(m->owned[i]);
    }
    floe_free(m->owned);
    floe_free(m->list);
    memset(m, 0, sizeof *m);
}
