/* Snapshot expiration planning (spec §Snapshot Retention Policy), following the reference's
 * RemoveSnapshots: retained refs, per-branch retention, unreferenced young snapshots, explicit
 * ids. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <floe/error.h>
#include <floe/iceberg/expire.h>

#include "base/alloc.h"
#include "iceberg/snapshot_ops_internal.h"

struct floe_expire_plan {
    int64_t *ids;
    size_t id_count;
    char **removed_refs;
    size_t removed_ref_count;
    floe_snapshot_change *change;
};

/* A set of snapshot ids: open addressing, capacity a power of two. */
typedef struct id_set {
    int64_t *slots; /* FLOE_SNAPSHOT_ID_NONE = empty (snapshot ids are positive) */
    size_t cap;
    size_t count;
} id_set;

static int id_set_init(id_set *s, size_t expected)
{
    size_t cap = 16;
    while (cap < expected * 2 + 1)
        cap *= 2;
    size_t bytes;
    if (floe_mul_size(cap, sizeof(int64_t), &bytes) != 0)
        return floe_error_set(FLOE_ENOMEM, "too many snapshots");
    s->slots = floe_malloc(bytes);
    if (!s->slots)
        return floe_error_set(FLOE_ENOMEM, "out of memory planning an expiration");
    for (size_t i = 0; i < cap; i++)
        s->slots[i] = FLOE_SNAPSHOT_ID_NONE;
    s->cap = cap;
    s->count = 0;
    return 0;
}

static size_t id_slot(const id_set *s, int64_t id)
{
    uint64_t h = (uint64_t)id * UINT64_C(0x9E3779B97F4A7C15);
    size_t i = (size_t)(h >> 17) & (s->cap - 1);
    while (s->slots[i] != FLOE_SNAPSHOT_ID_NONE && s->slots[i] != id)
        i = (i + 1) & (s->cap - 1);
    return i;
}

static int id_set_has(const id_set *s, int64_t id)
{
    return s->slots[id_slot(s, id)] == id;
}

/* The set is sized for all snapshots of the table up front, so it never needs to grow. */
static void id_set_add(id_set *s, int64_t id)
{
    size_t i = id_slot(s, id);
    if (s->slots[i] != id) {
        s->slots[i] = id;
        s->count++;
    }
}

static int64_t clock_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A non-negative integer table property, `*out` untouched when unset. */
static int int_property(int64_t *out, const floe_table_metadata *md, const char *key, int64_t min)
{
    const char *v = floe_table_metadata_property(md, key);
    if (!v)
        return 0;
    char *end = NULL;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || end == v || *end || n < min)
        return floe_error_set(FLOE_EINVALID,
                              "table property '%s' is \"%s\": expected an integer >= %" PRId64
                              " (fix it with set-properties)",
                              key, v, min);
    *out = (int64_t)n;
    return 0;
}

/* Adds `branch_head` and its ancestors within retention to `keep`. */
static void keep_branch(id_set *keep, const floe_table_metadata *md, int64_t branch_head,
                        int64_t expire_before, int64_t min_keep)
{
    const floe_snapshot *s = floe_table_metadata_snapshot_by_id(md, branch_head);
    int64_t kept = 0;
    size_t max = floe_table_metadata_snapshot_count(md);
    for (size_t n = 0; s && n < max; n++) {
        if (kept < min_keep || floe_snapshot_timestamp_ms(s) >= expire_before) {
            id_set_add(keep, floe_snapshot_id(s));
            kept++;
        } else {
            break;
        }
        int64_t pid = floe_snapshot_parent_id(s);
        s = pid == FLOE_SNAPSHOT_ID_NONE ? NULL : floe_table_metadata_snapshot_by_id(md, pid);
    }
}

/* Adds every ancestor of `head` to `reached`. */
static void reach_all(id_set *reached, const floe_table_metadata *md, int64_t head)
{
    const floe_snapshot *s = floe_table_metadata_snapshot_by_id(md, head);
    size_t max = floe_table_metadata_snapshot_count(md);
    for (size_t n = 0; s && n < max; n++) {
        id_set_add(reached, floe_snapshot_id(s));
        int64_t pid = floe_snapshot_parent_id(s);
        s = pid == FLOE_SNAPSHOT_ID_NONE ? NULL : floe_table_metadata_snapshot_by_id(md, pid);
    }
}

/* Refs holding `id` among the kept ones, comma-separated, into buf. */
static void refs_naming(char *buf, size_t cap, const floe_table_metadata *md,
                        const unsigned char *ref_kept, int64_t id)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < floe_table_metadata_ref_count(md); i++) {
        const char *name;
        const floe_snapshot_ref *r;
        floe_table_metadata_ref_at(md, i, &name, &r);
        if (!ref_kept[i] || r->snapshot_id != id)
            continue;
        int w = snprintf(buf + used, cap - used, "%s'%s'", used ? ", " : "", name);
        if (w < 0 || (size_t)w >= cap - used)
            break;
        used += (size_t)w;
    }
}

static int build_change(floe_expire_plan *p, const floe_table_metadata *md)
{
    int rc = floe_iceberg__change_new(&p->change);
    const char *uuid = floe_table_metadata_uuid(md);
    if (!rc && uuid) {
        floe_table_requirement *req = NULL;
        rc = floe_requirement_assert_table_uuid(&req, uuid);
        if (!rc)
            rc = floe_iceberg__change_take_requirement(p->change, req);
    }
    /* any ref moving concurrently changes what must be retained */
    for (size_t i = 0; !rc && i < floe_table_metadata_ref_count(md); i++) {
        const char *name;
        const floe_snapshot_ref *r;
        floe_table_metadata_ref_at(md, i, &name, &r);
        rc = floe_iceberg__change_assert_ref(p->change, md, name);
    }
    for (size_t i = 0; !rc && i < p->removed_ref_count; i++) {
        floe_table_update *u = NULL;
        rc = floe_update_remove_snapshot_ref(&u, p->removed_refs[i]);
        if (!rc)
            rc = floe_iceberg__change_take_update(p->change, u);
    }
    if (!rc && p->id_count) {
        floe_table_update *u = NULL;
        rc = floe_update_remove_snapshots(&u, p->ids, p->id_count);
        if (!rc)
            rc = floe_iceberg__change_take_update(p->change, u);
    }
    return rc;
}

static int plan(floe_expire_plan *p, const floe_table_metadata *md, const floe_expire_options *o,
                id_set *keep, id_set *reached, id_set *explicit_ids, unsigned char *ref_kept)
{
    int64_t now = o->now_ms >= 0 ? o->now_ms : clock_ms();
    int64_t max_snapshot_age = FLOE_EXPIRE_MAX_SNAPSHOT_AGE_MS_DEFAULT;
    int64_t min_keep = FLOE_EXPIRE_MIN_SNAPSHOTS_TO_KEEP_DEFAULT;
    int64_t max_ref_age = INT64_MAX;
    int rc = int_property(&max_snapshot_age, md, FLOE_PROP_EXPIRE_MAX_SNAPSHOT_AGE_MS, 0);
    if (!rc)
        rc = int_property(&min_keep, md, FLOE_PROP_EXPIRE_MIN_SNAPSHOTS_TO_KEEP, 1);
    if (!rc)
        rc = int_property(&max_ref_age, md, FLOE_PROP_EXPIRE_MAX_REF_AGE_MS, 0);
    if (rc)
        return rc;
    int64_t older_than = o->older_than_ms >= 0 ? o->older_than_ms : now - max_snapshot_age;
    if (o->retain_last >= 0) {
        if (o->retain_last < 1)
            return floe_error_set(FLOE_EINVALID,
                                  "retain-last must be at least 1: a branch always keeps its "
                                  "head snapshot");
        min_keep = o->retain_last;
    }

    size_t nrefs = floe_table_metadata_ref_count(md);
    size_t nremoved = 0;
    for (size_t i = 0; i < nrefs; i++) {
        const char *name;
        const floe_snapshot_ref *r;
        floe_table_metadata_ref_at(md, i, &name, &r);
        const floe_snapshot *s = floe_table_metadata_snapshot_by_id(md, r->snapshot_id);
        if (strcmp(name, FLOE_MAIN_BRANCH) == 0) {
            ref_kept[i] = 1;
        } else if (s) {
            int64_t limit = r->max_ref_age_ms != -1 ? r->max_ref_age_ms : max_ref_age;
            ref_kept[i] = now - floe_snapshot_timestamp_ms(s) <= limit;
        }
        if (!ref_kept[i]) {
            p->removed_refs[nremoved] = floe_strdup(name);
            if (!p->removed_refs[nremoved])
                return floe_error_set(FLOE_ENOMEM, "out of memory planning an expiration");
            p->removed_ref_count = ++nremoved;
        }
    }

    for (size_t i = 0; i < o->snapshot_id_count; i++) {
        int64_t id = o->snapshot_ids[i];
        if (!floe_table_metadata_snapshot_by_id(md, id))
            return floe_error_set(FLOE_ENOTFOUND,
                                  "cannot expire snapshot %" PRId64 ": table '%s' has no such "
                                  "snapshot",
                                  id, floe_table_metadata_location(md));
        char names[512];
        refs_naming(names, sizeof(names), md, ref_kept, id);
        if (names[0])
            return floe_error_set(FLOE_EINVALID,
                                  "cannot expire snapshot %" PRId64
                                  ": it is still referenced by %s (remove or move those refs "
                                  "first)",
                                  id, names);
        id_set_add(explicit_ids, id);
    }

    for (size_t i = 0; i < nrefs; i++) {
        const char *name;
        const floe_snapshot_ref *r;
        floe_table_metadata_ref_at(md, i, &name, &r);
        if (!ref_kept[i])
            continue;
        id_set_add(keep, r->snapshot_id);
        if (r->type != FLOE_REF_BRANCH)
            continue;
        int64_t before = r->max_snapshot_age_ms != -1 ? now - r->max_snapshot_age_ms : older_than;
        int64_t keep_n = r->min_snapshots_to_keep != -1 ? r->min_snapshots_to_keep : min_keep;
        keep_branch(keep, md, r->snapshot_id, before, keep_n);
        reach_all(reached, md, r->snapshot_id);
    }
    /* tags reach only their own snapshot, as in the reference */
    for (size_t i = 0; i < nrefs; i++) {
        const char *name;
        const floe_snapshot_ref *r;
        floe_table_metadata_ref_at(md, i, &name, &r);
        if (ref_kept[i] && r->type == FLOE_REF_TAG)
            id_set_add(reached, r->snapshot_id);
    }

    size_t n = floe_table_metadata_snapshot_count(md);
    for (size_t i = 0; i < n; i++) {
        const floe_snapshot *s = floe_table_metadata_snapshot_at(md, i);
        int64_t id = floe_snapshot_id(s);
        int kept = id_set_has(keep, id) ||
                   (!id_set_has(reached, id) && floe_snapshot_timestamp_ms(s) >= older_than);
        if (!kept || id_set_has(explicit_ids, id))
            p->ids[p->id_count++] = id;
    }
    return build_change(p, md);
}

int floe_expire_plan_compute(floe_expire_plan **out, const floe_table_metadata *md,
                             const floe_expire_options *options)
{
    floe_expire_options defaults = FLOE_EXPIRE_OPTIONS_INIT;
    const floe_expire_options *o = options ? options : &defaults;
    if (o->version != FLOE_EXPIRE_OPTIONS_VERSION)
        return floe_error_set(FLOE_EINVALID, "floe_expire_options version %u is not %u", o->version,
                              (unsigned)FLOE_EXPIRE_OPTIONS_VERSION);
    if (o->snapshot_id_count && !o->snapshot_ids)
        return floe_error_set(FLOE_EINVALID, "expire: snapshot_ids is NULL but its count is %zu",
                              o->snapshot_id_count);
    size_t n = floe_table_metadata_snapshot_count(md);
    size_t nrefs = floe_table_metadata_ref_count(md);
    id_set keep = {0}, reached = {0}, explicit_ids = {0};
    unsigned char *ref_kept = floe_calloc(nrefs ? nrefs : 1, 1);
    floe_expire_plan *p = floe_calloc(1, sizeof(*p));
    int rc = (!ref_kept || !p) ? floe_error_set(FLOE_ENOMEM, "out of memory planning an "
                                                             "expiration")
                               : 0;
    if (!rc) {
        p->ids = floe_calloc(n ? n : 1, sizeof(int64_t));
        p->removed_refs = floe_calloc(nrefs ? nrefs : 1, sizeof(char *));
        if (!p->ids || !p->removed_refs)
            rc = floe_error_set(FLOE_ENOMEM, "out of memory planning an expiration");
    }
    if (!rc)
        rc = id_set_init(&keep, n);
    if (!rc)
        rc = id_set_init(&reached, n);
    if (!rc)
        rc = id_set_init(&explicit_ids, n + o->snapshot_id_count);
    if (!rc)
        rc = plan(p, md, o, &keep, &reached, &explicit_ids, ref_kept);
    floe_free(keep.slots);
    floe_free(reached.slots);
    floe_free(explicit_ids.slots);
    floe_free(ref_kept);
    if (rc) {
        floe_expire_plan_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

const int64_t *floe_expire_plan_snapshot_ids(const floe_expire_plan *p, size_t *count)
{
    *count = p->id_count;
    return p->ids;
}

size_t floe_expire_plan_removed_ref_count(const floe_expire_plan *p)
{
    return p->removed_ref_count;
}

const char *floe_expire_plan_removed_ref_at(const floe_expire_plan *p, size_t i)
{
    return i < p->removed_ref_count ? p->removed_refs[i] : NULL;
}

const floe_snapshot_change *floe_expire_plan_change(const floe_expire_plan *p)
{
    return p->change;
}

void floe_expire_plan_free(floe_expire_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->removed_ref_count; i++)
        floe_free(p->removed_refs[i]);
    floe_free(p->removed_refs);
    floe_free(p->ids);
    floe_snapshot_change_free(p->change);
    floe_free(p);
}
