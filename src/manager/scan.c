/* Scans: snapshot selection (id, time, ref), planning with partition and metrics pruning, and
 * reading the planned Parquet files into an Arrow stream with the residual filter applied. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/schema.h>
#include <floe/arrow/stream.h>
#include <floe/arrow/type.h>
#include <floe/arrow/value.h>
#include <floe/error.h>
#include <floe/iceberg/manifest.h>
#include <floe/iceberg/manifest_list.h>
#include <floe/iceberg/metadata.h>
#include <floe/iceberg/snapshot.h>
#include <floe/log.h>
#include <floe/parquet/reader.h>
#include <floe/trace.h>

#include "base/alloc.h"
#include "manager/arrow_rows.h"
#include "manager/manager_internal.h"
#include "manager/project.h"
#include "manager/scan_internal.h"
#include "manager/scan_plan.h"
#include "manager/write_internal.h"

int floe_manager__resolve_snapshot(const floe_snapshot **out, const floe_table *t,
                                   const floe_scan_options *o)
{
    const floe_table_metadata *md = t->md;
    *out = NULL;
    if (o && o->snapshot_id >= 0) {
        *out = floe_table_metadata_snapshot_by_id(md, o->snapshot_id);
        if (!*out)
            return floe_error_set(FLOE_ENOTFOUND, "table '%s' has no snapshot %" PRId64, t->ident,
                                  o->snapshot_id);
        return 0;
    }
    if (o && o->as_of_ms >= 0) {
        int64_t id = -1;
        for (size_t i = 0; i < floe_table_metadata_snapshot_log_count(md); i++) {
            floe_snapshot_log_entry e = floe_table_metadata_snapshot_log_at(md, i);
            if (e.timestamp_ms <= o->as_of_ms)
                id = e.snapshot_id;
        }
        if (id < 0 || !(*out = floe_table_metadata_snapshot_by_id(md, id)))
            return floe_error_set(FLOE_ENOTFOUND,
                                  "table '%s' had no snapshot at or before %" PRId64
                                  " ms since the epoch",
                                  t->ident, o->as_of_ms);
        return 0;
    }
    if (o && o->ref) {
        const floe_snapshot_ref *r = floe_table_metadata_ref(md, o->ref);
        if (!r || !(*out = floe_table_metadata_snapshot_by_id(md, r->snapshot_id)))
            return floe_error_set(FLOE_ENOTFOUND, "table '%s' has no branch or tag '%s'", t->ident,
                                  o->ref);
        return 0;
    }
    *out = floe_table_metadata_current_snapshot(md);
    return 0;
}

static int spec_by_id(floe_partition_spec **out, const floe_table *t, int32_t id)
{
    const char *j = floe_table_metadata_spec_json(t->md, id);
    if (!j)
        return floe_error_set(FLOE_ECORRUPT, "table '%s' has no partition spec %d", t->ident,
                              (int)id);
    return floe_partition_spec_from_json(out, j, strlen(j));
}

static void task_clear(struct floe_manager_task *k)
{
    floe_data_file_free(k->df);
    floe_manager__expr_free(k->residual);
    floe_iceberg_free_string(k->partition);
    floe_free(k->deletes);
}

void floe_manager__plan_free(struct floe_manager_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->count; i++)
        task_clear(&p->tasks[i]);
    floe_free(p->tasks);
    for (size_t i = 0; i < p->manifest_count; i++)
        floe_manifest_file_free(p->manifests[i]);
    floe_free(p->manifests);
    floe_manager__expr_free(p->filter);
    floe_schema_free(p->schema);
    floe_manager__deletes_free(&p->deletes);
    memset(p, 0, sizeof *p);
}

static int push_task(struct floe_manager_plan *p, struct floe_manager_task *k)
{
    if (p->count == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 32;
        struct floe_manager_task *v = floe_realloc(p->tasks, cap * sizeof *v);
        if (!v)
            return floe_error_set(FLOE_ENOMEM, "out of memory planning a scan");
        p->tasks = v;
        p->cap = cap;
    }
    p->tasks[p->count++] = *k;
    return 0;
}

static int metrics_of(struct floe_manager_metrics **out, size_t *n, const floe_data_file *df)
{
    size_t c = floe_data_file_metrics_count(df);
    struct floe_manager_metrics *m = floe_calloc(c ? c : 1, sizeof *m);
    if (!m)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t i = 0; i < c; i++) {
        const floe_column_metrics *x = floe_data_file_metrics_at(df, i);
        m[i].field_id = x->field_id;
        m[i].value_count = x->value_count;
        m[i].null_count = x->null_value_count;
        m[i].nan_count = x->nan_value_count;
        m[i].lower = x->lower_bound;
        m[i].lower_len = x->lower_bound_len;
        m[i].upper = x->upper_bound;
        m[i].upper_len = x->upper_bound_len;
    }
    *out = m;
    *n = c;
    return 0;
}

/* Plans one manifest: its live entries that may match go to the plan. */
static int plan_manifest(struct floe_manager_plan *p, const floe_table *t,
                         const floe_manifest_file *mf, size_t mindex)
{
    floe_partition_spec *spec = NULL;
    floe_type *ptype = NULL;
    floe_expr *pf = NULL;
    floe_input_file *in = NULL;
    floe_manifest_reader *r = NULL;
    int rc = spec_by_id(&spec, t, mf->partition_spec_id);
    if (!rc)
        rc = floe_partition_spec_partition_type(&ptype, spec, p->schema);
    /* an unpartitioned spec has nothing to prune by (and projecting onto its empty
     * partition struct trips an empty-schema path in the binder) */
    if (!rc && p->filter && floe_partition_spec_field_count(spec) > 0)
        rc = floe_manager__filter_project(&pf, p->filter, spec, p->schema);
    if (!rc && pf && mf->partitions) {
        struct floe_manager_summary *s =
            floe_calloc(mf->partition_count ? mf->partition_count : 1, sizeof *s);
        if (!s)
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
        for (size_t i = 0; !rc && i < mf->partition_count; i++) {
            s[i].contains_null = mf->partitions[i].contains_null;
            s[i].contains_nan = mf->partitions[i].contains_nan;
            s[i].lower = mf->partitions[i].lower_bound;
            s[i].lower_len = mf->partitions[i].lower_bound_len;
            s[i].upper = mf->partitions[i].upper_bound;
            s[i].upper_len = mf->partitions[i].upper_bound_len;
        }
        bool ok = true;
        if (!rc)
            rc = floe_manager__manifest_match(&ok, pf, ptype, s, mf->partition_count);
        floe_free(s);
        if (!rc && !ok) {
            p->manifests_pruned++;
            goto done;
        }
    }
    if (!rc)
        rc = t->m->io->open(&in, t->m->io, mf->path);
    if (!rc)
        rc = floe_manifest_reader_open(&r, in, mf);
    while (!rc) {
        int has = 0;
        floe_manifest_entry e;
        if ((rc = floe_manifest_reader_next(&has, &e, r)) || !has)
            break;
        if (e.status == FLOE_ENTRY_DELETED ||
            floe_data_file_content(e.data_file) != FLOE_CONTENT_DATA)
            continue;
        const floe_data_file *df = e.data_file;
        size_t np = floe_data_file_partition_count(df);
        const floe_literal *pv = np ? floe_data_file_partition(df, 0) : NULL;
        bool ok = true;
        if (pf && np && (rc = floe_manager__partition_match(&ok, pf, ptype, pv)))
            break;
        struct floe_manager_metrics *mm = NULL;
        size_t nm = 0;
        if (ok && p->filter) {
            if ((rc = metrics_of(&mm, &nm, df)))
                break;
            rc = floe_manager__metrics_match(&ok, false, p->filter, p->schema,
                                             floe_data_file_record_count(df), mm, nm);
        }
        if (rc || !ok) {
            floe_free(mm);
            if (!rc)
                p->files_pruned++;
            continue;
        }
        struct floe_manager_task k;
        memset(&k, 0, sizeof k);
        k.manifest = mindex;
        k.data_sequence = e.sequence_number;
        k.file_sequence = e.file_sequence_number;
        k.snapshot_id = e.snapshot_id;
        k.spec_id = mf->partition_spec_id;
        if (p->filter) {
            if (!(rc = floe_manager__residual(&k.residual, p->filter, spec, p->schema, pv))) {
                bool all = false;
                rc = floe_manager__metrics_match(&all, true, p->filter, p->schema,
                                                 floe_data_file_record_count(df), mm, nm);
                k.all_match = all || floe_manager__expr_is(k.residual, true);
            }
        } else {
            k.all_match = true;
        }
        floe_free(mm);
        if (!rc && np)
            rc = floe_partition_spec_path(&k.partition, spec, pv);
        if (!rc)
            rc = floe_data_file_copy(&k.df, df);
        if (!rc && k.residual && floe_manager__expr_is(k.residual, false)) {
            p->files_pruned++;
            task_clear(&k);
            continue;
        }
        if (!rc)
            rc = floe_manager__deletes_for(&k.deletes, &k.delete_count, &p->deletes, k.df,
                                           k.spec_id, k.data_sequence);
        if (rc || (rc = push_task(p, &k)))
            task_clear(&k);
    }
done:
    floe_manifest_reader_free(r);
    floe_input_close(in);
    floe_manager__expr_free(pf);
    floe_type_free(ptype);
    floe_partition_spec_free(spec);
    return rc;
}

int floe_manager__plan(struct floe_manager_plan *p, floe_table *t, const floe_scan_options *o)
{
    memset(p, 0, sizeof *p);
    p->snapshot_id = -1;
    const floe_snapshot *snap = NULL;
    int rc = floe_manager__resolve_snapshot(&snap, t, o);
    if (rc)
        return rc;
    p->schema = floe_schema_ref(t->schema);
    if (o && o->filter && *o->filter &&
        (rc = floe_manager__filter_bind(&p->filter, o->filter, p->schema)))
        return rc;
    if (!snap)
        return 0;
    p->snapshot_id = floe_snapshot_id(snap);
    floe_manifest_list *list = NULL;
    if ((rc = floe_manager__read_manifest_list(&list, t, snap)))
        return rc;
    size_t n = list ? floe_manifest_list_count(list) : 0;
    p->manifests = floe_calloc(n ? n : 1, sizeof *p->manifests);
    if (!p->manifests)
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n; i++) {
        if ((rc = floe_manifest_file_copy(&p->manifests[i], floe_manifest_list_at(list, i))))
            break;
        p->manifest_count++;
    }
    /* delete files first, so that each planned data file gets the ones that apply to it */
    for (size_t i = 0; !rc && i < p->manifest_count; i++)
        if (p->manifests[i]->content == FLOE_MANIFEST_DELETES)
            rc = floe_manager__deletes_collect(&p->deletes, t, p->manifests[i]);
    if (!rc)
        floe_manager__deletes_index(&p->deletes);
    for (size_t i = 0; !rc && i < p->manifest_count; i++)
        if (p->manifests[i]->content == FLOE_MANIFEST_DATA)
            rc = plan_manifest(p, t, p->manifests[i], i);
    floe_manifest_list_free(list);
    return rc;
}

int floe_table_plan(floe_scan_plan **out, floe_table *t, const floe_scan_options *opts)
{
    if (!out || !t)
        return floe_error_set(FLOE_EINVALID, "floe_table_plan: NULL argument");
    *out = NULL;
    struct floe_manager_plan p;
    int rc = floe_manager__plan(&p, t, opts);
    floe_scan_plan *sp = rc ? NULL : floe_calloc(1, sizeof *sp);
    if (!rc && !sp)
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    if (!rc && p.count && !(sp->tasks = floe_calloc(p.count, sizeof *sp->tasks)))
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < p.count; i++) {
        floe_scan_task *k = &sp->tasks[i];
        char *res = NULL;
        if (p.tasks[i].residual && (rc = floe_manager__expr_string(&res, p.tasks[i].residual)))
            break;
        k->path = floe_strdup(floe_data_file_path(p.tasks[i].df));
        k->partition = floe_strdup(p.tasks[i].partition ? p.tasks[i].partition : "");
        k->residual = floe_strdup(res ? res : "true");
        floe_iceberg_free_string(res);
        k->record_count = floe_data_file_record_count(p.tasks[i].df);
        k->file_size = floe_data_file_size(p.tasks[i].df);
        sp->task_count++;
        if (!k->path || !k->partition || !k->residual)
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
        size_t nd = p.tasks[i].delete_count;
        if (!rc && nd && !(k->delete_files = floe_calloc(nd, sizeof *k->delete_files)))
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
        for (size_t j = 0; !rc && j < nd; j++) {
            const floe_data_file *x = p.deletes.files[p.tasks[i].deletes[j]].df;
            if (!(k->delete_files[j] = floe_strdup(floe_data_file_path(x))))
                rc = floe_error_set(FLOE_ENOMEM, "out of memory");
            else
                k->delete_count++;
        }
    }
    if (!rc) {
        sp->snapshot_id = p.snapshot_id;
        sp->manifests_total = p.manifest_count;
        sp->manifests_pruned = p.manifests_pruned;
        sp->files_pruned = p.files_pruned;
        *out = sp;
    } else {
        floe_scan_plan_free(sp);
    }
    floe_manager__plan_free(&p);
    return rc;
}

void floe_scan_plan_free(floe_scan_plan *plan)
{
    if (!plan)
        return;
    for (size_t i = 0; i < plan->task_count; i++) {
        floe_free(plan->tasks[i].path);
        floe_free(plan->tasks[i].partition);
        floe_free(plan->tasks[i].residual);
        for (size_t j = 0; j < plan->tasks[i].delete_count; j++)
            floe_free(plan->tasks[i].delete_files[j]);
        floe_free(plan->tasks[i].delete_files);
    }
    floe_free(plan->tasks);
    floe_free(plan);
}

/* ---- reading ---- */

struct scan_state {
    floe_table *t;
    struct floe_manager_plan plan;
    struct ArrowSchema out_schema;
    int32_t *ids; /* output columns' field ids */
    size_t nids;
    size_t next_task;
    int64_t remaining; /* rows still allowed by the limit, -1 unlimited */
    /* the file being read */
    floe_input_file *in;
    floe_parquet_reader *reader;
    struct ArrowArrayStream fstream;
    struct ArrowSchema fschema;
    const floe_expr *residual;
    const char *reader_path; /* the data file being read (for messages) */
    /* deletes of the file being read */
    int64_t *positions; /* sorted deleted row positions */
    size_t npositions;
    struct floe_manager_delete **eq; /* equality deletes (borrowed from the plan) */
    size_t neq;
    int64_t row_base; /* file position of the next batch's first row */
    /* row-group skipping: the reader's predicate (outlives the reader) and what it reads */
    floe_parquet_predicate *pred;
    struct floe_manager_rowgroups groups;
};

static void close_file(struct scan_state *s)
{
    floe_arrow_stream_release(&s->fstream);
    floe_arrow_schema_release(&s->fschema);
    floe_parquet_reader_free(s->reader);
    s->reader = NULL;
    floe_parquet_predicate_free(s->pred);
    s->pred = NULL;
    floe_manager__rowgroups_free(&s->groups);
    floe_input_close(s->in);
    s->in = NULL;
    s->residual = NULL;
    floe_free(s->positions);
    s->positions = NULL;
    s->npositions = 0;
    floe_free(s->eq);
    s->eq = NULL;
    s->neq = 0;
    s->row_base = 0;
}

/* Loads the deletes of task k: its positions and the key sets of its equality deletes. */
static int load_deletes(struct scan_state *s, const struct floe_manager_task *k)
{
    if (!k->delete_count)
        return 0;
    return floe_manager__file_deletes_load(&s->positions, &s->npositions, &s->eq, &s->neq, s->t,
                                           &s->plan.deletes, k->deletes, k->delete_count,
                                           floe_data_file_path(k->df), s->plan.schema);
}

static void scan_free(void *state)
{
    struct scan_state *s = state;
    if (!s)
        return;
    close_file(s);
    floe_manager__plan_free(&s->plan);
    floe_arrow_schema_release(&s->out_schema);
    floe_free(s->ids);
    floe_free(s);
}

/* Row-group skipping for task k: the predicate needs the file's types (units, scales), so the
 * footer is read first; only when some row group is ruled out is the reader reopened with the
 * predicate, and the positions of the row groups it will read are kept for position deletes. */
static int open_rowgroups(struct scan_state *s, const struct floe_manager_task *k)
{
    int rc = 0;
    if (k->residual && !floe_manager__expr_is(k->residual, true))
        rc = floe_manager__rowgroup_predicate(&s->pred, k->residual, &s->fschema);
    if (!rc)
        rc = floe_manager__rowgroup_layout(&s->groups, s->reader, s->pred, s->npositions > 0);
    if (rc)
        return rc;
    if (!s->groups.skipping) {
        floe_manager__rowgroups_count(s->groups.total, 0);
        return 0;
    }
    floe_manager__rowgroups_count((int64_t)s->groups.count,
                                  (int64_t)s->groups.total - (int64_t)s->groups.count);
    floe_parquet_reader_free(s->reader);
    s->reader = NULL;
    floe_parquet_reader_options o = FLOE_PARQUET_READER_OPTIONS_INIT;
    o.predicate = s->pred;
    return floe_parquet_reader_open(&s->reader, s->in, &o);
}

static int open_next_file(struct scan_state *s)
{
    struct floe_manager_task *k = &s->plan.tasks[s->next_task++];
    const char *path = floe_data_file_path(k->df);
    int rc = s->t->m->io->open(&s->in, s->t->m->io, path);
    if (!rc) {
        floe_parquet_reader_options o = FLOE_PARQUET_READER_OPTIONS_INIT;
        rc = floe_parquet_reader_open(&s->reader, s->in, &o);
    }
    if (!rc)
        rc = floe_parquet_reader_schema(&s->fschema, s->reader);
    /* deletes first: whether the file has position deletes decides what skipping must track */
    if (!rc)
        rc = load_deletes(s, k);
    if (!rc)
        rc = open_rowgroups(s, k);
    if (!rc)
        rc = floe_parquet_reader_stream(&s->fstream, s->reader);
    if (rc) {
        close_file(s);
        return floe_error_wrap(rc, "reading data file '%s' of '%s'", path, s->t->ident);
    }
    s->residual = k->residual && !floe_manager__expr_is(k->residual, true) ? k->residual : NULL;
    s->reader_path = path;
    return 0;
}

/* Copies the selected rows of a file batch into an output batch of the projected schema. */
static int project_rows(struct ArrowArray *out, struct scan_state *s,
                        const struct ArrowArray *batch, const int64_t *rows, size_t n)
{
    floe_arrow_builder *b = NULL;
    int rc = floe_arrow_builder_new(&b, &s->out_schema);
    for (size_t c = 0; !rc && c < s->nids; c++) {
        int64_t src = -1;
        for (int64_t j = 0; j < s->fschema.n_children; j++) {
            int32_t id = -1;
            if (floe_arrow_schema_field_id(&id, s->fschema.children[j]) == 0 && id == s->ids[c])
                src = j;
        }
        floe_arrow_builder *cb = floe_arrow_builder_child(b, (int64_t)c);
        if (src < 0) {
            /* a column added after the file was written reads as nulls */
            rc = floe_arrow_builder_append_nulls(cb, (int64_t)n);
            continue;
        }
        /* nested fields by id too, promotions converted */
        rc = floe_manager__project_column(cb, s->out_schema.children[c], s->fschema.children[src],
                                          batch->children[src], batch->offset, rows, n,
                                          s->reader_path);
    }
    if (!rc)
        rc = floe_arrow_builder_finish_batch(b, out, NULL);
    floe_arrow_builder_free(b);
    return rc;
}

/* A batch whose rows all pass is handed out without copying: a new struct array owns the
 * file's batch and lists its columns in projection order. */
struct passthrough {
    struct ArrowArray batch;
    struct ArrowArray **kids;
};

static void passthrough_release(struct ArrowArray *a)
{
    struct passthrough *p = a->private_data;
    floe_arrow_array_release(&p->batch);
    floe_free(p->kids);
    floe_free(p);
    a->release = NULL;
}

/* Moves `batch` into `out` when every projected column is in the file; 0 when it did. */
static int try_passthrough(struct ArrowArray *out, struct scan_state *s, struct ArrowArray *batch)
{
    int64_t *map = floe_calloc(s->nids ? s->nids : 1, sizeof *map);
    if (!map)
        return 1;
    for (size_t c = 0; c < s->nids; c++) {
        map[c] = -1;
        for (int64_t j = 0; j < s->fschema.n_children; j++) {
            int32_t id = -1;
            if (floe_arrow_schema_field_id(&id, s->fschema.children[j]) == 0 && id == s->ids[c])
                map[c] = j;
        }
        /* the file's layout must be the table's (no promotion or nested change since) */
        if (map[c] < 0 ||
            !floe_manager__same_shape(s->out_schema.children[c], s->fschema.children[map[c]])) {
            floe_free(map);
            return 1;
        }
    }
    struct passthrough *p = floe_calloc(1, sizeof *p);
    if (p)
        p->kids = floe_calloc(s->nids ? s->nids : 1, sizeof *p->kids);
    if (!p || !p->kids) {
        floe_free(p);
        floe_free(map);
        return 1;
    }
    floe_arrow_array_move(&p->batch, batch);
    for (size_t c = 0; c < s->nids; c++)
        p->kids[c] = p->batch.children[map[c]];
    floe_free(map);
    static const void *no_validity[1] = {NULL};
    memset(out, 0, sizeof *out);
    out->length = p->batch.length;
    out->offset = p->batch.offset;
    out->n_buffers = 1;
    out->buffers = no_validity;
    out->n_children = (int64_t)s->nids;
    out->children = p->kids;
    out->private_data = p;
    out->release = passthrough_release;
    return 0;
}

static int scan_next(void *state, struct ArrowArray *out)
{
    struct scan_state *s = state;
    memset(out, 0, sizeof *out);
    for (;;) {
        if (s->remaining == 0)
            return 0;
        if (!s->reader) {
            if (s->next_task >= s->plan.count)
                return 0;
            int rc = open_next_file(s);
            if (rc)
                return rc;
        }
        struct ArrowArray batch;
        memset(&batch, 0, sizeof batch);
        int rc = floe_arrow_stream_get_next(&s->fstream, &batch);
        if (rc)
            return rc;
        if (!batch.release) {
            close_file(s);
            continue;
        }
        int64_t n = batch.length;
        uint8_t *sel = floe_calloc((size_t)(n ? n : 1), 1);
        int64_t *rows = floe_calloc((size_t)(n ? n : 1), sizeof *rows);
        size_t cnt = 0;
        if (!sel || !rows)
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
        if (!rc && s->residual)
            rc = floe_manager__eval_batch(sel, s->residual, s->plan.schema, &s->fschema, &batch);
        else if (!rc)
            memset(sel, 1, (size_t)n);
        /* positions count every row of the file, so the base moves before any filtering and
         * jumps over the row groups the reader skipped */
        if (!rc && s->groups.skipping && s->groups.start)
            rc = floe_manager__rowgroups_base(&s->row_base, &s->groups, n);
        if (!rc && (s->npositions || s->neq))
            rc = floe_manager__deletes_apply(sel, &s->fschema, &batch, s->row_base, s->positions,
                                             s->npositions, s->eq, s->neq);
        s->row_base += n;
        for (int64_t r = 0; !rc && r < n; r++)
            if (sel[r])
                rows[cnt++] = r;
        if (!rc && s->remaining >= 0 && (int64_t)cnt > s->remaining)
            cnt = (size_t)s->remaining;
        if (!rc && cnt && (cnt < (size_t)n || try_passthrough(out, s, &batch) != 0))
            rc = project_rows(out, s, &batch, rows, cnt);
        floe_free(sel);
        floe_free(rows);
        floe_arrow_array_release(&batch);
        if (rc)
            return rc;
        if (cnt) {
            if (s->remaining >= 0)
                s->remaining -= (int64_t)cnt;
            return 0;
        }
    }
}

int floe_table_scan(struct ArrowArrayStream *out, floe_table *t, const floe_scan_options *opts)
{
    if (!out || !t)
        return floe_error_set(FLOE_EINVALID, "floe_table_scan: NULL argument");
    memset(out, 0, sizeof *out);
    floe_span *span = floe_span_start("floe.table.scan", NULL);
    floe_span_set_attr_str(span, "floe.table", t->ident);
    struct scan_state *s = floe_calloc(1, sizeof *s);
    int rc = s ? 0 : floe_error_set(FLOE_ENOMEM, "out of memory");
    if (!rc) {
        s->t = t;
        s->remaining = opts && opts->limit >= 0 ? opts->limit : -1;
        rc = floe_manager__plan(&s->plan, t, opts);
    }
    size_t ncols = floe_schema_column_count(t->schema);
    if (!rc && !(s->ids = floe_calloc(ncols ? ncols : 1, sizeof *s->ids)))
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    if (!rc && opts && opts->columns) {
        for (size_t i = 0; !rc && i < opts->column_count; i++) {
            const floe_field *f = floe_schema_find_field_by_name(t->schema, opts->columns[i], true);
            if (!f || floe_schema_parent_id(t->schema, floe_field_id(f)) != -1)
                rc = floe_error_set(FLOE_ENOTFOUND, "table '%s' has no column '%s'", t->ident,
                                    opts->columns[i]);
            else if (s->nids < ncols)
                s->ids[s->nids++] = floe_field_id(f);
        }
    } else if (!rc) {
        for (size_t i = 0; i < ncols; i++)
            s->ids[s->nids++] = floe_field_id(floe_schema_column_at(t->schema, i));
    }
    if (!rc)
        rc = floe_manager__arrow_schema(&s->out_schema, t->schema, s->ids, s->nids);
    struct ArrowSchema copy;
    memset(&copy, 0, sizeof copy);
    if (!rc)
        rc = floe_arrow_schema_copy(&copy, &s->out_schema);
    if (!rc && (rc = floe_arrow_stream_from_callback(out, &copy, scan_next, s, scan_free)))
        floe_arrow_schema_release(&copy);
    if (!rc)
        floe_span_set_attr_int(span, "floe.files_planned", (int64_t)s->plan.count);
    if (rc) {
        scan_free(s);
        floe_span_set_status(span, FLOE_SPAN_STATUS_ERROR, floe_error_name(rc));
    }
    floe_span_end(span);
    return floe_manager__log_op(t, NULL, "scan", NULL, -1, rc);
}
