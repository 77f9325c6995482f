/* Overwrites: the whole table, or the rows matching a filter. Files whose rows all match are
 * removed; files where only some rows match are rewritten without them; the new rows are
 * added. Manifests holding removed files are rewritten with EXISTING and DELETED entries. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/schema.h>
#include <floe/arrow/stream.h>
#include <floe/arrow/value.h>
#include <floe/error.h>
#include <floe/iceberg/manifest.h>
#include <floe/iceberg/metadata.h>
#include <floe/iceberg/snapshot.h>
#include <floe/parquet/reader.h>
#include <floe/trace.h>

#include "base/alloc.h"
#include "base/uuid.h"
#include "manager/arrow_rows.h"
#include "manager/manager_internal.h"
#include "manager/project.h"
#include "manager/scan_plan.h"
#include "manager/write_internal.h"

/* A stream of the live rows of one data file that do NOT match a filter. Rows removed by the
 * file's delete files are dropped too: the rewritten file gets a new path and sequence number,
 * so the old delete files would no longer reach them. */
struct keep_state {
    floe_input_file *in;
    floe_parquet_reader *reader;
    struct ArrowArrayStream fs;
    struct ArrowSchema schema;     /* the file's columns */
    struct ArrowSchema out_schema; /* the table's current columns: rows are written as these */
    const char *path;
    const floe_expr *filter; /* NULL: no row matches (only counting live rows) */
    const floe_schema *table_schema;
    int64_t *positions; /* deleted row positions of the file, sorted */
    size_t npositions;
    struct floe_manager_delete **eq; /* equality deletes (borrowed from the plan) */
    size_t neq;
    int64_t row_base; /* file position of the next batch's first row */
    int64_t removed;  /* live rows matching the filter */
    int64_t live;     /* rows not deleted by a delete file */
};

static int keep_next(void *state, struct ArrowArray *out)
{
    struct keep_state *k = state;
    memset(out, 0, sizeof *out);
    for (;;) {
        struct ArrowArray b;
        memset(&b, 0, sizeof b);
        int rc = floe_arrow_stream_get_next(&k->fs, &b);
        if (rc || !b.release)
            return rc;
        int64_t n = b.length;
        uint8_t *sel = floe_calloc((size_t)(n ? n : 1), 1);
        uint8_t *alive = floe_malloc((size_t)(n ? n : 1));
        int64_t *rows = floe_calloc((size_t)(n ? n : 1), sizeof *rows);
        size_t cnt = 0;
        if (!sel || !alive || !rows)
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
        if (!rc)
            memset(alive, 1, (size_t)(n ? n : 1));
        if (!rc && k->filter)
            rc = floe_manager__eval_batch(sel, k->filter, k->table_schema, &k->schema, &b);
        /* positions count every row of the file, deleted or not */
        if (!rc && (k->npositions || k->neq))
            rc = floe_manager__deletes_apply(alive, &k->schema, &b, k->row_base, k->positions,
                                             k->npositions, k->eq, k->neq);
        k->row_base += n;
        int64_t live = 0;
        for (int64_t r = 0; !rc && r < n; r++) {
            live += alive[r];
            if (alive[r] && !sel[r])
                rows[cnt++] = r;
        }
        k->live += rc ? 0 : live;
        k->removed += rc ? 0 : live - (int64_t)cnt;
        /* kept rows are written with the current schema, their columns found by field id */
        if (!rc && cnt)
            rc = floe_manager__project_batch(out, &k->out_schema, &k->schema, &b, rows, cnt,
                                             k->path);
        floe_free(sel);
        floe_free(alive);
        floe_free(rows);
        b.release(&b);
        if (rc || cnt)
            return rc;
    }
}

static void keep_free(void *state)
{
    struct keep_state *k = state;
    if (!k)
        return;
    floe_arrow_stream_release(&k->fs);
    floe_arrow_schema_release(&k->schema);
    floe_arrow_schema_release(&k->out_schema);
    floe_parquet_reader_free(k->reader);
    floe_input_close(k->in);
    floe_free(k->positions);
    floe_free(k->eq);
    floe_free(k);
}

/* Opens planned file `task` of plan `p` for reading its live rows that do not match `filter`. */
static int keep_open(struct keep_state **out, floe_table *t, struct floe_manager_plan *p,
                     const struct floe_manager_task *task, const floe_expr *filter)
{
    *out = NULL;
    struct keep_state *k = floe_calloc(1, sizeof *k);
    if (!k)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    k->filter = filter;
    k->table_schema = t->schema;
    const char *path = floe_data_file_path(task->df);
    k->path = path;
    int rc = floe_manager__arrow_schema(&k->out_schema, t->schema, NULL, 0);
    if (!rc)
        rc = t->m->io->open(&k->in, t->m->io, path);
    if (!rc)
        rc = floe_parquet_reader_open(&k->reader, k->in, NULL);
    if (!rc)
        rc = floe_parquet_reader_schema(&k->schema, k->reader);
    if (!rc)
        rc = floe_parquet_reader_stream(&k->fs, k->reader);
    if (!rc)
        rc = floe_manager__file_deletes_load(&k->positions, &k->npositions, &k->eq, &k->neq, t,
                                             &p->deletes, task->deletes, task->delete_count, path,
                                             p->schema);
    if (rc) {
        keep_free(k);
        return floe_error_wrap(rc, "reading data file '%s' of '%s'", path, t->ident);
    }
    *out = k;
    return 0;
}

/* Rewrites one file without its matching rows and without its deleted rows; *removed receives
 * the live rows dropped (those matching the filter). */
static int rewrite_file(struct floe_manager_written *out, int64_t *removed, floe_table *t,
                        struct floe_manager_plan *p, const struct floe_manager_task *task)
{
    *removed = 0;
    struct keep_state *k = NULL;
    struct ArrowArrayStream s;
    memset(&s, 0, sizeof s);
    struct ArrowSchema copy;
    memset(&copy, 0, sizeof copy);
    int rc = keep_open(&k, t, p, task, task->residual);
    if (!rc)
        rc = floe_arrow_schema_copy(&copy, &k->out_schema);
    if (!rc && (rc = floe_arrow_stream_from_callback(&s, &copy, keep_next, k, keep_free)))
        floe_arrow_schema_release(&copy);
    if (rc) {
        keep_free(k);
        return rc;
    }
    rc = floe_manager__write_stream(out, t, &s);
    *removed = k->removed;
    s.release(&s);
    return rc;
}

/* The live rows of a file removed whole: its record count, less the rows its delete files
 * remove (read only when delete files apply). */
static int live_rows(int64_t *out, floe_table *t, struct floe_manager_plan *p,
                     const struct floe_manager_task *task)
{
    *out = floe_data_file_record_count(task->df);
    if (!task->delete_count)
        return 0;
    struct keep_state *k = NULL;
    int rc = keep_open(&k, t, p, task, NULL);
    while (!rc) {
        struct ArrowArray b;
        memset(&b, 0, sizeof b);
        if ((rc = keep_next(k, &b)) || !b.release)
            break;
        b.release(&b);
    }
    if (!rc)
        *out = k->live;
    keep_free(k);
    return rc;
}

struct ow_ctx {
    char **drop_paths; /* manifests replaced by rewritten ones */
    size_t ndrop;
};

static int keep_manifest(const floe_manifest_file *mf, void *ctx)
{
    struct ow_ctx *c = ctx;
    for (size_t i = 0; i < c->ndrop; i++)
        if (strcmp(c->drop_paths[i], mf->path) == 0)
            return 0;
    return 1;
}

static int refuse_retry(floe_table *t, void *ctx)
{
    (void)ctx;
    return floe_error_set(FLOE_ECONFLICT,
                          "table '%s' changed while it was being overwritten; run the overwrite "
                          "again",
                          t->ident);
}

static int is_deleted(const struct floe_manager_plan *p, const uint8_t *del, const char *path)
{
    for (size_t i = 0; i < p->count; i++)
        if (del[i] && strcmp(floe_data_file_path(p->tasks[i].df), path) == 0)
            return 1;
    return 0;
}

struct removed_ctx {
    const struct floe_manager_plan *p;
    const uint8_t *del;
};

static floe_manager_copy_action removed_or_kept(const floe_manifest_entry *e, size_t source,
                                                void *vctx)
{
    (void)source;
    const struct removed_ctx *c = vctx;
    return is_deleted(c->p, c->del, floe_data_file_path(e->data_file)) ? FLOE_COPY_DELETED
                                                                       : FLOE_COPY_EXISTING;
}

/* Rewrites manifest `mi` of the plan: removed files DELETED, the others EXISTING. */
static int rewrite_manifest(floe_manifest_file **out, floe_table *t,
                            const struct floe_manager_plan *p, const uint8_t *del, size_t mi,
                            int64_t snapshot_id, const char *write_id)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/metadata/%" PRId64 "-r%zu-%s.avro",
                     floe_table_location(t), snapshot_id, mi, write_id);
    if (n < 0 || (size_t)n >= sizeof path)
        return floe_error_set(FLOE_EINVALID, "table location of '%s' is too long", t->ident);
    struct removed_ctx c = {p, del};
    const floe_manifest_file *src = p->manifests[mi];
    return floe_manager__copy_manifests(out, NULL, t, path, snapshot_id, &src, 1, removed_or_kept,
                                        &c, 0);
}

int floe_table_overwrite(floe_write_result *result, floe_table *t, struct ArrowArrayStream *stream,
                         const char *filter, const floe_write_options *opts)
{
    if (!stream)
        return floe_error_set(FLOE_EINVALID, "floe_table_overwrite: NULL stream");
    return floe_table_overwrite_streams(result, t, &stream, 1, filter, opts);
}

int floe_table_overwrite_streams(floe_write_result *result, floe_table *t,
                                 struct ArrowArrayStream *const *streams, size_t count,
                                 const char *filter, const floe_write_options *opts)
{
    if (!t || (!streams && count))
        return floe_error_set(FLOE_EINVALID, "floe_table_overwrite: NULL table or streams");
    if (result)
        memset(result, 0, sizeof *result);
    floe_span *span = floe_span_start("floe.table.overwrite", NULL);
    floe_span_set_attr_str(span, "floe.table", t->ident);
    struct floe_manager_plan p;
    struct floe_manager_written added, rewritten;
    memset(&added, 0, sizeof added);
    memset(&rewritten, 0, sizeof rewritten);
    floe_manifest_file **mfs = NULL;
    size_t nmf = 0;
    uint8_t *del = NULL, *affected = NULL;
    struct ow_ctx ctx = {NULL, 0};
    floe_scan_options so = FLOE_SCAN_OPTIONS_INIT;
    so.filter = filter;
    /* On a branch other than main, plan against the branch head and commit to the branch. */
    const char *branch =
        opts && opts->version >= 2 && opts->branch && strcmp(opts->branch, FLOE_MAIN_BRANCH) != 0
            ? opts->branch
            : NULL;
    so.ref = branch;
    int64_t deleted_records = 0, deleted_file_records = 0, deleted_files = 0, deleted_bytes = 0,
            snap_id = 0;
    unsigned int attempts = 0;
    char write_id[FLOE_UUID_STR_LEN];
    int rc = floe_manager__new_ids(&snap_id, write_id);
    memset(&p, 0, sizeof p);
    /* evolve first: the plan and the rewrites below then use the evolved schema */
    if (!rc && branch)
        rc = floe_manager__check_branch(t, branch);
    if (!rc && opts && opts->version >= 3 && opts->union_by_name)
        rc = floe_manager__union_streams(t, streams, count);
    if (!rc)
        rc = floe_manager__plan(&p, t, &so);
    if (!rc && !(del = floe_calloc(p.count + 1, 1)))
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    if (!rc && !(affected = floe_calloc(p.manifest_count + 1, 1)))
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < p.count; i++) {
        struct floe_manager_task *k = &p.tasks[i];
        int64_t removed = 0;
        if (k->all_match && (rc = live_rows(&removed, t, &p, k)))
            break;
        if (!k->all_match) {
            struct floe_manager_written one;
            memset(&one, 0, sizeof one);
            if ((rc = rewrite_file(&one, &removed, t, &p, k)))
                break;
            if (removed == 0) {
                /* no row of this file matched: it stays as it is */
                floe_manager__written_free(&one, t->m->io);
                continue;
            }
            size_t need = rewritten.count + one.count;
            floe_data_file **v = floe_realloc(rewritten.files, (need ? need : 1) * sizeof *v);
            if (!v) {
                floe_manager__written_free(&one, t->m->io);
                rc = floe_error_set(FLOE_ENOMEM, "out of memory");
                break;
            }
            rewritten.files = v;
            if (one.count)
                memcpy(v + rewritten.count, one.files, one.count * sizeof *v);
            rewritten.count = need;
            rewritten.records += one.records;
            rewritten.bytes += one.bytes;
            floe_free(one.files);
        }
        del[i] = 1;
        affected[k->manifest] = 1;
        deleted_records += removed;
        deleted_file_records += floe_data_file_record_count(k->df);
        deleted_files++;
        deleted_bytes += floe_data_file_size(k->df);
    }
    if (!rc)
        rc = floe_manager__write_streams(&added, t, streams, count);
    /* new manifest: written rows + rewritten remainders */
    size_t total_added = added.count + rewritten.count;
    floe_data_file **all = NULL;
    if (!rc && total_added) {
        all = floe_calloc(total_added, sizeof *all);
        if (!all)
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
        else {
            if (added.count)
                memcpy(all, added.files, added.count * sizeof *all);
            if (rewritten.count)
                memcpy(all + added.count, rewritten.files, rewritten.count * sizeof *all);
        }
    }
    if (!rc && !(mfs = floe_calloc(p.manifest_count + 1, sizeof *mfs)))
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    if (!rc && !(ctx.drop_paths = floe_calloc(p.manifest_count + 1, sizeof *ctx.drop_paths)))
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    if (!rc && total_added)
        rc = floe_manager__write_manifest(&mfs[nmf++], t, snap_id, write_id, 0, all, total_added,
                                          NULL, 0);
    for (size_t mi = 0; !rc && mi < p.manifest_count; mi++) {
        if (!affected[mi])
            continue;
        rc = rewrite_manifest(&mfs[nmf], t, &p, del, mi, snap_id, write_id);
        if (!rc) {
            nmf++;
            ctx.drop_paths[ctx.ndrop++] = p.manifests[mi]->path;
        }
    }
    if (!rc) {
        struct floe_manager_commit c;
        memset(&c, 0, sizeof c);
        c.operation = deleted_files ? "overwrite" : "append";
        c.snapshot_id = snap_id;
        c.manifests = (const floe_manifest_file *const *)mfs;
        c.manifest_count = nmf;
        c.keep_manifest = keep_manifest;
        c.revalidate = refuse_retry;
        c.keep_ctx = &ctx;
        c.branch = branch;
        floe_summary_delta d = FLOE_SUMMARY_DELTA_INIT;
        d.added_data_files = (int64_t)total_added;
        d.added_records = added.records + rewritten.records;
        d.added_files_size = added.bytes + rewritten.bytes;
        d.deleted_data_files = deleted_files;
        /* the summary counts the records of the removed data files, deleted rows included,
         * as total-records counts those of the live ones */
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
    if (!rc && result) {
        result->snapshot_id = snap_id;
        result->added_records = added.records;
        result->added_files = (int64_t)total_added;
        result->deleted_records = deleted_records;
        result->deleted_files = deleted_files;
        result->attempts = attempts;
    }
    int64_t records = added.records;
    floe_file_io *cleanup = rc && rc != FLOE_ECOMMITUNKNOWN ? t->m->io : NULL;
    floe_manager__written_free(&added, cleanup);
    floe_manager__written_free(&rewritten, cleanup);
    for (size_t i = 0; i < nmf; i++)
        floe_manifest_file_free(mfs[i]);
    floe_free(mfs);
    floe_free(all);
    floe_free(del);
    floe_free(affected);
    floe_free(ctx.drop_paths);
    floe_manager__plan_free(&p);
    floe_span_set_attr_int(span, "floe.records_added", rc ? 0 : records);
    if (rc)
        floe_span_set_status(span, FLOE_SPAN_STATUS_ERROR, floe_error_name(rc));
    floe_span_end(span);
    return floe_manager__log_op(t, NULL, "overwrite", filter ? "overwrite-filter" : "overwrite",
                                rc ? 0 : records, rc);
}

/* Entry points for the other producers that remove rows (delete_rows.c); same behaviour as the
 * static helpers above. */
int floe_manager__rewrite_file(struct floe_manager_written *out, int64_t *removed, floe_table *t,
                               struct floe_manager_plan *p, const struct floe_manager_task *task)
{
    return rewrite_file(out, removed, t, p, task);
}

int floe_manager__live_rows(int64_t *out, floe_table *t, struct floe_manager_plan *p,
                            const struct floe_manager_task *task)
{
    return live_rows(out, t, p, task);
}

int floe_manager__count_matching(int64_t *out, floe_table *t, struct floe_manager_plan *p,
                                 const struct floe_manager_task *task)
{
    *out = 0;
    struct keep_state *k = NULL;
    int rc = keep_open(&k, t, p, task, task->residual);
    while (!rc) {
        struct ArrowArray b;
        memset(&b, 0, sizeof b);
        if ((rc = keep_next(k, &b)) || !b.release)
            break;
        b.release(&b);
    }
    if (!rc)
        *out = k->removed;
    keep_free(k);
    return rc;
}

int floe_manager__rewrite_manifest(floe_manifest_file **out, floe_table *t,
                                   const struct floe_manager_plan *p, const uint8_t *del, size_t mi,
                                   int64_t snapshot_id, const char *write_id)
{
    return rewrite_manifest(out, t, p, del, mi, snapshot_id, write_id);
}
