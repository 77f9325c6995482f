/* Ref operations (rollback, set current, branches, tags, fast-forward) as REST requirements
 * and updates for the metadata builder. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>

#include "iceberg/snapshot_ops_internal.h"

static const char *branch_or_main(const char *branch)
{
    return branch ? branch : FLOE_MAIN_BRANCH;
}

/* A change asserting `ref` as `md` has it and setting it to `value`. */
static int set_ref_change(floe_snapshot_change **out, const floe_table_metadata *md,
                          const char *ref, const floe_snapshot_ref *value)
{
    floe_snapshot_change *c = NULL;
    floe_table_update *u = NULL;
    int rc = floe_iceberg__change_new(&c);
    if (!rc)
        rc = floe_iceberg__change_assert_ref(c, md, ref);
    if (!rc)
        rc = floe_update_set_snapshot_ref(&u, ref, value);
    if (!rc)
        rc = floe_iceberg__change_take_update(c, u);
    if (rc) {
        floe_snapshot_change_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

/* An existing branch `name` (FLOE_ENOTFOUND / FLOE_EINVALID otherwise). */
static int existing_branch(const floe_snapshot_ref **out, const floe_table_metadata *md,
                           const char *name)
{
    const floe_snapshot_ref *r = floe_table_metadata_ref(md, name);
    if (!r) {
        if (strcmp(name, FLOE_MAIN_BRANCH) == 0)
            return floe_error_set(FLOE_ENOTFOUND,
                                  "table '%s' has no current snapshot (branch 'main' does not "
                                  "exist yet)",
                                  floe_table_metadata_location(md));
        return floe_error_set(FLOE_ENOTFOUND, "branch '%s' does not exist in table '%s'", name,
                              floe_table_metadata_location(md));
    }
    if (r->type != FLOE_REF_BRANCH)
        return floe_error_set(FLOE_EINVALID, "'%s' is a tag, not a branch", name);
    *out = r;
    return 0;
}

int floe_snapshot_ops_rollback_to(floe_snapshot_change **out, const floe_table_metadata *md,
                                  const char *branch, int64_t snapshot_id)
{
    const char *name = branch_or_main(branch);
    const floe_snapshot_ref *r = NULL;
    const floe_snapshot *s = NULL;
    int rc = existing_branch(&r, md, name);
    if (!rc)
        rc = floe_snapshot_ops_find(&s, md, snapshot_id);
    if (rc)
        return floe_error_wrap(rc, "cannot roll back branch '%s' to snapshot %" PRId64, name,
                               snapshot_id);
    if (!floe_snapshot_ops_is_ancestor(md, snapshot_id, r->snapshot_id))
        return floe_error_set(FLOE_EINVALID,
                              "cannot roll back branch '%s' to snapshot %" PRId64
                              ": it is not an ancestor of the branch head %" PRId64
                              " (use set-current to move to any snapshot)",
                              name, snapshot_id, r->snapshot_id);
    floe_snapshot_ref v = *r;
    v.snapshot_id = snapshot_id;
    return set_ref_change(out, md, name, &v);
}

int floe_snapshot_ops_rollback_to_time(floe_snapshot_change **out, const floe_table_metadata *md,
                                       const char *branch, int64_t timestamp_ms)
{
    const char *name = branch_or_main(branch);
    const floe_snapshot_ref *r = NULL;
    int rc = existing_branch(&r, md, name);
    if (rc)
        return floe_error_wrap(rc, "cannot roll back branch '%s' to time %" PRId64, name,
                               timestamp_ms);
    int64_t *ids = NULL;
    size_t n = 0;
    rc = floe_snapshot_ops_ancestors(&ids, &n, md, r->snapshot_id);
    if (rc)
        return floe_error_wrap(rc, "branch '%s'", name);
    const floe_snapshot *best = NULL;
    for (size_t i = 0; i < n; i++) {
        const floe_snapshot *s = floe_table_metadata_snapshot_by_id(md, ids[i]);
        int64_t ts = floe_snapshot_timestamp_ms(s);
        if (ts <= timestamp_ms && (!best || ts > floe_snapshot_timestamp_ms(best)))
            best = s;
    }
    free(ids);
    if (!best)
        return floe_error_set(FLOE_ENOTFOUND,
                              "cannot roll back branch '%s' to time %" PRId64
                              ": no ancestor of snapshot %" PRId64
                              " was created at or before that time",
                              name, timestamp_ms, r->snapshot_id);
    floe_snapshot_ref v = *r;
    v.snapshot_id = floe_snapshot_id(best);
    return set_ref_change(out, md, name, &v);
}

int floe_snapshot_ops_set_current(floe_snapshot_change **out, const floe_table_metadata *md,
                                  int64_t snapshot_id)
{
    const floe_snapshot *s = NULL;
    int rc = floe_snapshot_ops_find(&s, md, snapshot_id);
    if (rc)
        return floe_error_wrap(rc, "cannot set the current snapshot");
    const floe_snapshot_ref *main_ref = floe_table_metadata_ref(md, FLOE_MAIN_BRANCH);
    floe_snapshot_ref v = FLOE_SNAPSHOT_REF_INIT;
    if (main_ref)
        v = *main_ref;
    v.type = FLOE_REF_BRANCH;
    v.snapshot_id = snapshot_id;
    return set_ref_change(out, md, FLOE_MAIN_BRANCH, &v);
}

static int check_name(const char *name, const char *what)
{
    if (!name || !*name)
        return floe_error_set(FLOE_EINVALID, "a %s needs a non-empty name", what);
    return 0;
}

/* The snapshot a new or replaced ref points at: the option's, else the current one. */
static int target_snapshot(int64_t *out, const floe_table_metadata *md, const floe_ref_options *o)
{
    int64_t id = o ? o->snapshot_id : FLOE_SNAPSHOT_ID_NONE;
    if (id == FLOE_SNAPSHOT_ID_NONE) {
        id = floe_table_metadata_current_snapshot_id(md);
        if (id == FLOE_SNAPSHOT_ID_NONE)
            return floe_error_set(FLOE_ENOTFOUND,
                                  "table '%s' has no current snapshot: name a snapshot id",
                                  floe_table_metadata_location(md));
    }
    const floe_snapshot *s = NULL;
    int rc = floe_snapshot_ops_find(&s, md, id);
    if (rc)
        return rc;
    *out = id;
    return 0;
}

static int check_options(const floe_ref_options *o)
{
    if (o && o->version != FLOE_REF_OPTIONS_VERSION)
        return floe_error_set(FLOE_EINVALID, "floe_ref_options version %u is not %u", o->version,
                              (unsigned)FLOE_REF_OPTIONS_VERSION);
    return 0;
}

/* Creates (replace 0) or replaces (replace 1) a ref of kind `type`. */
static int put_ref(floe_snapshot_change **out, const floe_table_metadata *md, const char *name,
                   const floe_ref_options *o, floe_ref_type type, int replace)
{
    const char *what = type == FLOE_REF_TAG ? "tag" : "branch";
    int rc = check_name(name, what);
    if (!rc)
        rc = check_options(o);
    if (rc)
        return rc;
    if (type == FLOE_REF_TAG && strcmp(name, FLOE_MAIN_BRANCH) == 0)
        return floe_error_set(FLOE_EINVALID, "'main' is reserved for the main branch; pick "
                                             "another tag name");
    const floe_snapshot_ref *existing = floe_table_metadata_ref(md, name);
    if (!replace && existing)
        return floe_error_set(FLOE_EEXISTS,
                              "cannot create %s '%s': a %s of that name already exists (replace "
                              "it instead)",
                              what, name, existing->type == FLOE_REF_TAG ? "tag" : "branch");
    if (replace && !existing)
        return floe_error_set(FLOE_ENOTFOUND, "cannot replace %s '%s': it does not exist", what,
                              name);
    if (replace && existing->type != type)
        return floe_error_set(FLOE_EINVALID, "cannot replace %s '%s': it is a %s", what, name,
                              existing->type == FLOE_REF_TAG ? "tag" : "branch");
    floe_snapshot_ref v = FLOE_SNAPSHOT_REF_INIT;
    if (replace)
        v = *existing;
    v.type = type;
    rc = target_snapshot(&v.snapshot_id, md, o);
    if (rc)
        return floe_error_wrap(rc, "%s '%s'", what, name);
    if (o && o->min_snapshots_to_keep != -1)
        v.min_snapshots_to_keep = o->min_snapshots_to_keep;
    if (o && o->max_snapshot_age_ms != -1)
        v.max_snapshot_age_ms = o->max_snapshot_age_ms;
    if (o && o->max_ref_age_ms != -1)
        v.max_ref_age_ms = o->max_ref_age_ms;
    rc = floe_snapshot_ref_validate(&v, name);
    if (rc)
        return rc;
    return set_ref_change(out, md, name, &v);
}

static int drop_ref(floe_snapshot_change **out, const floe_table_metadata *md, const char *name,
                    floe_ref_type type)
{
    const char *what = type == FLOE_REF_TAG ? "tag" : "branch";
    int rc = check_name(name, what);
    if (rc)
        return rc;
    if (type == FLOE_REF_BRANCH && strcmp(name, FLOE_MAIN_BRANCH) == 0)
        return floe_error_set(FLOE_EINVALID, "cannot remove branch 'main': it holds the table's "
                                             "current snapshot");
    const floe_snapshot_ref *r = floe_table_metadata_ref(md, name);
    if (!r)
        return floe_error_set(FLOE_ENOTFOUND, "cannot remove %s '%s': it does not exist", what,
                              name);
    if (r->type != type)
        return floe_error_set(FLOE_EINVALID, "cannot remove %s '%s': it is a %s", what, name,
                              r->type == FLOE_REF_TAG ? "tag" : "branch");
    floe_snapshot_change *c = NULL;
    floe_table_update *u = NULL;
    rc = floe_iceberg__change_new(&c);
    if (!rc)
        rc = floe_iceberg__change_assert_ref(c, md, name);
    if (!rc)
        rc = floe_update_remove_snapshot_ref(&u, name);
    if (!rc)
        rc = floe_iceberg__change_take_update(c, u);
    if (rc) {
        floe_snapshot_change_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

int floe_snapshot_ops_create_branch(floe_snapshot_change **out, const floe_table_metadata *md,
                                    const char *name, const floe_ref_options *options)
{
    return put_ref(out, md, name, options, FLOE_REF_BRANCH, 0);
}

int floe_snapshot_ops_replace_branch(floe_snapshot_change **out, const floe_table_metadata *md,
                                     const char *name, const floe_ref_options *options)
{
    return put_ref(out, md, name, options, FLOE_REF_BRANCH, 1);
}

int floe_snapshot_ops_remove_branch(floe_snapshot_change **out, const floe_table_metadata *md,
                                    const char *name)
{
    return drop_ref(out, md, name, FLOE_REF_BRANCH);
}

int floe_snapshot_ops_create_tag(floe_snapshot_change **out, const floe_table_metadata *md,
                                 const char *name, const floe_ref_options *options)
{
    return put_ref(out, md, name, options, FLOE_REF_TAG, 0);
}

int floe_snapshot_ops_replace_tag(floe_snapshot_change **out, const floe_table_metadata *md,
                                  const char *name, const floe_ref_options *options)
{
    return put_ref(out, md, name, options, FLOE_REF_TAG, 1);
}

int floe_snapshot_ops_remove_tag(floe_snapshot_change **out, const floe_table_metadata *md,
                                 const char *name)
{
    return drop_ref(out, md, name, FLOE_REF_TAG);
}

int floe_snapshot_ops_fast_forward(floe_snapshot_change **out, const floe_table_metadata *md,
                                   const char *branch, const char *to)
{
    int rc = check_name(branch, "branch");
    if (!rc)
        rc = check_name(to, "ref");
    if (rc)
        return rc;
    const floe_snapshot_ref *from = NULL;
    rc = existing_branch(&from, md, branch);
    if (rc)
        return floe_error_wrap(rc, "cannot fast-forward '%s' to '%s'", branch, to);
    const floe_snapshot_ref *target = floe_table_metadata_ref(md, to);
    if (!target)
        return floe_error_set(FLOE_ENOTFOUND,
                              "cannot fast-forward '%s' to '%s': ref '%s' does not exist", branch,
                              to, to);
    if (!floe_snapshot_ops_is_ancestor(md, from->snapshot_id, target->snapshot_id))
        return floe_error_set(FLOE_EINVALID,
                              "cannot fast-forward '%s' to '%s': the head of '%s' (snapshot "
                              "%" PRId64 ") is not an ancestor of snapshot %" PRId64,
                              branch, to, branch, from->snapshot_id, target->snapshot_id);
    floe_snapshot_ref v = *from;
    v.snapshot_id = target->snapshot_id;
    floe_snapshot_change *c = NULL;
    rc = set_ref_change(&c, md, branch, &v);
    /* the target must not move under us either */
    if (!rc)
        rc = floe_iceberg__change_assert_ref(c, md, to);
    if (rc) {
        floe_snapshot_change_free(c);
        return rc;
    }
    *out = c;
    return 0;
}
