/* Row-level deletes by filter, copy-on-write: the overwrite machinery (overwrite.c) without new
 * rows. Files whose rows all match go away whole; files where only some match are rewritten
 * without them. Nothing matching means no snapshot at all. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <floe/error.h>
#include <floe/table_delete.h>
#include <floe/trace.h>

#include "base/alloc.h"
#include "base/uuid.h"
#include "manager/manager_internal.h"
#include "manager/scan_plan.h"
#include "manager/write_internal.h"

struct del_ctx {
    const char **drop_manifests; /* parent manifests replaced by rewritten ones (borrowed) */
    size_t ndrop;
    const char **removed; /* data files this delete removes (borrowed) */
    size_t nremoved;
    const char **seen; /* every file the plan matched, removed or not (borrowed) */
    size_t nseen;
    const char *filter;
    const char *branch; /* NULL = main */
};

static int in_list(const char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return 1;
    return 0;
}

static int keep_manifest(const floe_manifest_file *mf, void *ctx)
{
    const struct del_ctx *c = ctx;
    return !in_list(c->drop_manifests, c->ndrop, mf->path);
}

/* After a conflict: the delete still holds when the refreshed table keeps every manifest it
 * rewrites and every file it removes, and no file it did not look at may hold matching rows
 * (a concurrent append of matching rows would otherwise survive the delete). */
static int revalidate(floe_table *t, void *ctx)
{
    const struct del_ctx *c = ctx;
    /* floe_manager__commit_snapshot calls this before it refreshes the table */
    int rc = floe_table_refresh(t);
    if (rc)
        return rc;
    floe_scan_options so = FLOE_SCAN_OPTIONS_INIT;
    so.filter = c->filter;
    so.ref = c->branch;
    struct floe_manager_plan p;
    memset(&p, 0, sizeof p);
    rc = floe_manager__plan(&p, t, &so);
    if (rc)
        return rc;
    size_t found = 0, mfound = 0;
    int stale = 0;
    for (size_t i = 0; i < p.count && !stale; i++) {
        const char *path = floe_data_file_path(p.tasks[i].df);
        if (in_list(c->removed, c->nremoved, path))
            found++;
        else if (!in_list(c->seen, c->nseen, path))
            stale = 1;
    }
    for (size_t i = 0; i < p.manifest_count; i++)
        mfound += (size_t)in_list(c->drop_manifests, c->ndrop, p.manifests[i]->path);
    floe_manager__plan_free(&p);
    if (stale || found != c->nremoved || mfound != c->ndrop)
        return floe_error_set(FLOE_ECONFLICT,
                              "table '%s' changed the rows matching '%s' while they were being "
                              "deleted; run the delete again",
                              t->ident, c->filter);
    return 0;
}

/* Appends the files of `one` to `all` (taking them over). */
static int take_written(struct floe_manager_written *all, struct floe_manager_written *one)
{
    size_t need = all->count + one->count;
    floe_data_file **v = floe_realloc(all->files, (need ? need : 1) * sizeof *v);
    if (!v)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    all->files = v;
    if (one->count)
        memcpy(v + all->count, one->files, one->count * sizeof *v);
    all->count = need;
    all->records += one->records;
    all->bytes += one->bytes;
    floe_free(one->files);
    memset(one, 0, sizeof *one);
    return 0;
}

int floe_table_delete_rows(floe_write_result *out, floe_table *t, const char *filter,
                           const floe_delete_options *opts)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (!t)
        return floe_error_set(FLOE_EINVALID, "floe_table_delete_rows: NULL table");
    if (!filter || !*filter)
        return floe_error_set(FLOE_EINVALID,
                              "floe_table_delete_rows: a filter is required (to empty '%s', "
                              "overwrite it instead)",
                              t->ident);
    if (opts && (opts->version < 1 || opts->version > FLOE_DELETE_OPTIONS_VERSION))
        return floe_error_set(FLOE_EINVALID, "floe_delete_options: unknown version %u",
                              opts->version);
    /* main by name takes the default path, which also serves a table without snapshots */
    const char *branch =
        opts && opts->version >= 2 && opts->branch && strcmp(opts->branch, FLOE_MAIN_BRANCH) != 0
            ? opts->branch
            : NULL;
    int dry_run = opts && opts->dry_run;
    floe_span *span = floe_span_start("floe.table.delete", NULL);
    floe_span_set_attr_str(span, "floe.table", t->ident);
    struct floe_manager_plan p;
    memset(&p, 0, sizeof p);
    struct floe_manager_written rewritten;
    memset(&rewritten, 0, sizeof rewritten);
    floe_manifest_file **mfs = NULL;
    size_t nmf = 0;
    uint8_t *del = NULL, *affected = NULL;
    struct del_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.filter = filter;
    ctx.branch = branch;
    int64_t deleted_records = 0, deleted_file_records = 0, deleted_files = 0, deleted_bytes = 0,
            snap_id = 0;
    unsigned int attempts = 0;
    char write_id[FLOE_UUID_STR_LEN];
    memset(write_id, 0, sizeof write_id);
    floe_scan_options so = FLOE_SCAN_OPTIONS_INIT;
    so.filter = filter;
    so.ref = branch;
    int rc = branch ? floe_manager__check_branch(t, branch) : 0;
    if (!rc)
        rc = floe_manager__new_ids(&snap_id, write_id);
    if (!rc)
        rc = floe_manager__plan(&p, t, &so);
    if (!rc && (!(del = floe_calloc(p.count + 1, 1)) ||
                !(affected = floe_calloc(p.manifest_count + 1, 1)) ||
                !(ctx.removed = floe_calloc(p.count + 1, sizeof *ctx.removed)) ||
                !(ctx.seen = floe_calloc(p.count + 1, sizeof *ctx.seen)) ||
                !(ctx.drop_manifests = floe_calloc(p.manifest_count + 1, sizeof(char *))) ||
                !(mfs = floe_calloc(p.manifest_count + 2, sizeof *mfs))))
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < p.count; i++) {
        struct floe_manager_task *k = &p.tasks[i];
        int64_t removed = 0;
        ctx.seen[ctx.nseen++] = floe_data_file_path(k->df);
        if (k->all_match)
            rc = floe_manager__live_rows(&removed, t, &p, k);
        else if (dry_run)
            rc = floe_manager__count_matching(&removed, t, &p, k);
        else {
            struct floe_manager_written one;
            memset(&one, 0, sizeof one);
            rc = floe_manager__rewrite_file(&one, &removed, t, &p, k);
            if (!rc && removed == 0) {
                /* no live row of this file matched: it stays as it is */
                floe_manager__written_free(&one, t->m->io);
                continue;
            }
            if (!rc)
                rc = take_written(&rewritten, &one);
            if (rc)
                floe_manager__written_free(&one, t->m->io);
        }
        if (rc || (!k->all_match && removed == 0))
            continue;
        del[i] = 1;
        affected[k->manifest] = 1;
        ctx.removed[ctx.nremoved++] = floe_data_file_path(k->df);
        deleted_records += removed;
        deleted_file_records += floe_data_file_record_count(k->df);
        deleted_files++;
        deleted_bytes += floe_data_file_size(k->df);
    }
    int commit = !rc && !dry_run && deleted_files > 0;
    if (commit && rewritten.count)
        rc = floe_manager__write_manifest(&mfs[nmf++], t, snap_id, write_id, 0, rewritten.files,
                                          rewritten.count, NULL, 0);
    for (size_t mi = 0; commit && !rc && mi < p.manifest_count; mi++) {
        if (!affected[mi])
            continue;
        rc = floe_manager__rewrite_manifest(&mfs[nmf], t, &p, del, mi, snap_id, write_id);
        if (!rc) {
            nmf++;
            ctx.drop_manifests[ctx.ndrop++] = p.manifests[mi]->path;
        }
    }
    if (commit && !rc) {
        struct floe_manager_commit c;
        memset(&c, 0, sizeof c);
        c.operation = rewritten.count ? "overwrite" : "delete";
        c.snapshot_id = snap_id;
        c.manifests = (const floe_manifest_file *const *)mfs;
        c.manifest_count = nmf;
        c.keep_manifest = keep_manifest;
        c.revalidate = revalidate;
        c.keep_ctx = &ctx;
        c.branch = branch;
        floe_summary_delta d = FLOE_SUMMARY_DELTA_INIT;
        d.added_data_files = (int64_t)rewritten.count;
        d.added_records = rewritten.records;
        d.added_files_size = rewritten.bytes;
        d.deleted_data_files = deleted_files;
        /* as for overwrites: the records of the removed files, as total-records counts them */
        d.deleted_records = deleted_file_records;
        d.removed_files_size = deleted_bytes;
        c.delta = d;
        if (opts) {
            c.extra_keys = opts->snapshot_property_keys;
            c.extra_values = opts->snapshot_property_values;
            c.extra_count = opts->snapshot_property_count;
        }
        rc = floe_manager__commit_snapshot(&snap_id, &attempts, t, &c, write_id);
    }
    if (rc && rc != FLOE_ECOMMITUNKNOWN)
        for (size_t i = 0; i < nmf; i++)
            t->m->io->remove(t->m->io, mfs[i]->path);
    if (!rc && out) {
        out->snapshot_id = commit ? snap_id : 0;
        out->added_records = rewritten.records;
        out->added_files = (int64_t)rewritten.count;
        out->deleted_records = deleted_records;
        out->deleted_files = deleted_files;
        out->attempts = attempts;
    }
    floe_manager__written_free(&rewritten, rc && rc != FLOE_ECOMMITUNKNOWN ? t->m->io : NULL);
    for (size_t i = 0; i < nmf; i++)
        floe_manifest_file_free(mfs[i]);
    floe_free(mfs);
    floe_free(del);
    floe_free(affected);
    floe_free(ctx.removed);
    floe_free(ctx.seen);
    floe_free(ctx.drop_manifests);
    floe_manager__plan_free(&p);
    floe_span_set_attr_int(span, "floe.records_deleted", rc ? 0 : deleted_records);
    if (rc)
        floe_span_set_status(span, FLOE_SPAN_STATUS_ERROR, floe_error_name(rc));
    floe_span_end(span);
    return floe_manager__log_op(t, NULL, "delete", dry_run ? "delete-dry-run" : "delete",
                                rc ? 0 : deleted_records, rc);
}
