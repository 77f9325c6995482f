/* Snapshot expiration through the manager: plan with floe/iceberg/expire.h, commit the
 * removal through the catalog, and only after that commit succeeded delete the files that
 * no retained snapshot reaches. A dry run applies the plan to a copy of the metadata to
 * compute the same lists without committing or deleting. */
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>
#include <floe/trace.h>
#include <floe/iceberg/builder.h>
#include <floe/iceberg/expire.h>
#include <floe/log.h>

#include "base/alloc.h"
#include "manager/maintenance.h"
#include "manager/manager_internal.h"

void floe_maintenance_result_free(floe_maintenance_result *r)
{
    if (!r)
        return;
    floe_free(r->snapshot_ids);
    floe_manager_strings_free(r->removed_refs, r->removed_ref_count);
    floe_manager_strings_free(r->files, r->file_count);
    floe_free(r);
}

struct expire_ctx {
    floe_expire_options opts;
    floe_expire_plan *plan;          /* of the last attempt */
    floe_table_metadata *planned_on; /* the metadata the plan was computed on */
};

static int build_expire(struct floe_manager_change *out, floe_table *t, void *vctx)
{
    struct expire_ctx *c = vctx;
    floe_expire_plan_free(c->plan);
    c->plan = NULL;
    floe_table_metadata_release(c->planned_on);
    c->planned_on = floe_table_metadata_acquire(t->md);
    int rc = floe_expire_plan_compute(&c->plan, t->md, &c->opts);
    if (rc)
        return floe_error_wrap(rc, "planning the expiration of '%s'", t->ident);
    const floe_snapshot_change *ch = floe_expire_plan_change(c->plan);
    out->reqs = floe_snapshot_change_requirements(ch, &out->nreq);
    out->upds = floe_snapshot_change_updates(ch, &out->nupd);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int fill_from_plan(floe_maintenance_result *r, const floe_expire_plan *plan)
{
    size_t n = 0;
    const int64_t *ids = floe_expire_plan_snapshot_ids(plan, &n);
    if (n) {
        r->snapshot_ids = floe_calloc(n, sizeof *r->snapshot_ids);
        if (!r->snapshot_ids)
            return floe_error_set(FLOE_ENOMEM, "out of memory");
        memcpy(r->snapshot_ids, ids, n * sizeof *ids);
        r->snapshot_count = n;
    }
    size_t cap = 0;
    for (size_t i = 0; i < floe_expire_plan_removed_ref_count(plan); i++) {
        int rc = floe_manager__strings_push(&r->removed_refs, &r->removed_ref_count, &cap,
                                            floe_expire_plan_removed_ref_at(plan, i));
        if (rc)
            return rc;
    }
    return 0;
}

static int fill_files(floe_maintenance_result *r, const floe_file_set *set)
{
    size_t cap = 0;
    for (size_t i = 0; i < floe_file_set_count(set); i++) {
        int rc = floe_manager__strings_push(&r->files, &r->file_count, &cap,
                                            floe_file_set_at(set, i, NULL));
        if (rc)
            return rc;
    }
    if (r->file_count > 1)
        qsort(r->files, r->file_count, sizeof *r->files, cmp_str);
    return 0;
}

static void delete_files(floe_maintenance_result *r, floe_table *t, const char *operation)
{
    for (size_t i = 0; i < r->file_count; i++) {
        int rc = t->m->io->remove(t->m->io, r->files[i]);
        if (rc && rc != FLOE_ENOTFOUND) {
            r->failed_count++;
            floe_log(FLOE_LOG_WARN, "could not delete file", "table", t->ident, "operation",
                     operation, "file", r->files[i], "error", floe_error_name(rc), NULL);
        }
    }
}

static int dry_run_expire(floe_maintenance_result *r, floe_table *t, struct expire_ctx *c)
{
    int rc = floe_expire_plan_compute(&c->plan, t->md, &c->opts);
    if (rc)
        return floe_error_wrap(rc, "planning the expiration of '%s'", t->ident);
    if ((rc = fill_from_plan(r, c->plan)))
        return rc;
    const floe_snapshot_change *ch = floe_expire_plan_change(c->plan);
    size_t nreq = 0, nupd = 0;
    floe_table_requirement *const *reqs = floe_snapshot_change_requirements(ch, &nreq);
    floe_table_update *const *upds = floe_snapshot_change_updates(ch, &nupd);
    if (nupd == 0)
        return 0;
    floe_table_metadata *after = NULL;
    rc = floe_table_metadata_commit(&after, t->md, t->metadata_location, reqs, nreq, upds, nupd);
    floe_file_set *set = NULL;
    if (!rc)
        rc = floe_expire_files_to_delete(&set, t->m->io, t->md, after);
    if (!rc)
        rc = fill_files(r, set);
    floe_file_set_free(set);
    floe_table_metadata_release(after);
    return rc;
}

static int expire_snapshots(floe_maintenance_result **out, floe_table *t,
                            const floe_expire_snapshots_options *opts)
{
    if (!out || !t)
        return floe_error_set(FLOE_EINVALID, "floe_table_expire_snapshots: NULL argument");
    *out = NULL;
    floe_expire_snapshots_options o = FLOE_EXPIRE_SNAPSHOTS_OPTIONS_INIT;
    if (opts)
        o = *opts;
    if (o.retain_last == 0 || o.retain_last < -1)
        return floe_error_set(FLOE_EINVALID,
                              "retain-last must be at least 1 (the current snapshot always stays)");
    if (!o.dry_run) {
        int grc = floe_manager__check_gc_enabled(t, "expiring snapshots");
        if (grc)
            return grc;
    }
    struct expire_ctx c = {FLOE_EXPIRE_OPTIONS_INIT, NULL, NULL};
    c.opts.now_ms = o.now_ms;
    c.opts.older_than_ms = o.older_than_ms;
    c.opts.retain_last = o.retain_last;
    floe_maintenance_result *r = floe_calloc(1, sizeof *r);
    if (!r)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    r->dry_run = o.dry_run != 0;
    int rc;
    if (o.dry_run) {
        rc = dry_run_expire(r, t, &c);
    } else {
        rc = floe_manager__commit_change(t, "expire-snapshots", build_expire, &c);
        /* Files are computed from the metadata the committed plan was made on and the
         * metadata the catalog returned; a failed or unknown commit deletes nothing. */
        if (!rc)
            rc = fill_from_plan(r, c.plan);
        if (!rc && r->snapshot_count > 0) {
            floe_file_set *set = NULL;
            rc = floe_expire_files_to_delete(&set, t->m->io, c.planned_on, t->md);
            if (!rc)
                rc = fill_files(r, set);
            floe_file_set_free(set);
            if (rc)
                rc = floe_error_wrap(rc,
                                     "snapshots of '%s' were expired but their files could not be "
                                     "listed; run remove-orphans to reclaim them",
                                     t->ident);
            else
                delete_files(r, t, "expire-snapshots");
        }
    }
    floe_expire_plan_free(c.plan);
    floe_table_metadata_release(c.planned_on);
    if (rc) {
        floe_maintenance_result_free(r);
        return rc;
    }
    *out = r;
    return 0;
}
int floe_table_expire_snapshots(floe_maintenance_result **out, floe_table *t,
                                const floe_expire_snapshots_options *opts)
{
    floe_span *span = floe_manager__span_start(t, "expire");
    int rc = expire_snapshots(out, t, opts);
    if (!rc && *out) {
        floe_span_set_attr_bool(span, "floe.dry_run", (*out)->dry_run);
        floe_span_set_attr_int(span, "floe.snapshots_expired", (int64_t)(*out)->snapshot_count);
        floe_span_set_attr_int(span, "floe.files", (int64_t)(*out)->file_count);
    }
    return floe_manager__span_end(span, rc);
}
