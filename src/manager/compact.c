/* Compaction: the small data files of each partition (of any partition spec) are bin-packed
 * into groups of about the target size and each group is rewritten as new files holding the
 * live rows (delete files applied), read through the current schema and written in the default
 * spec, committed as a `replace` snapshot that removes the inputs. The commit retries on
 * its own loop rather than the shared one: the base it commits on must be the base it checked,
 * so after a conflict the table is refreshed, the inputs are checked against the new snapshot
 * and the rewritten manifests are rebuilt from it before the next attempt. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/schema.h>
#include <floe/arrow/stream.h>
#include <floe/arrow/value.h>
#include <floe/error.h>
#include <floe/iceberg/manifest.h>
#include <floe/iceberg/metadata.h>
#include <floe/log.h>
#include <floe/parquet/reader.h>
#include <floe/table_compact.h>
#include <floe/trace.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/uuid.h"
#include "manager/arrow_rows.h"
#include "manager/manager_internal.h"
#include "manager/project.h"
#include "manager/scan_plan.h"
#include "manager/write_internal.h"

/* ---- settings ---- */

struct settings {
    int64_t target, min_size;
    int min_files;
    int force;
    int to_current_spec;
    int32_t spec_id; /* the default spec: what every group is written in */
};

static int resolve_settings(struct settings *s, const floe_table *t, const floe_compact_options *o)
{
    int rc = floe_manager__int_property(&s->target, t, "write.target-file-size-bytes",
                                        t->m->target_file_size, 1);
    if (rc)
        return rc;
    if (o && o->target_file_size < 0)
        return floe_error_set(FLOE_EINVALID, "compaction target file size %" PRId64 " is negative",
                              o->target_file_size);
    if (o && o->target_file_size > 0)
        s->target = o->target_file_size;
    s->min_size = o && o->min_file_size > 0 ? o->min_file_size : s->target / 4 * 3;
    if (o && o->min_input_files < 0)
        return floe_error_set(FLOE_EINVALID, "compaction min input files %d is negative",
                              o->min_input_files);
    s->min_files =
        o && o->min_input_files > 0 ? o->min_input_files : FLOE_COMPACT_MIN_INPUT_FILES_DEFAULT;
    s->force = o ? o->force : 0;
    s->to_current_spec = o && o->version >= 2 ? o->to_current_spec != 0 : 0;
    s->spec_id = floe_partition_spec_id(t->spec);
    return 0;
}

/* ---- grouping ---- */

/* A planned group: indexes into the plan's tasks, all of one spec and partition. */
struct group {
    size_t *tasks;
    size_t n;
    int64_t bytes;
    int has_deletes;
};

/* A candidate file for sorting: its task and the task's index in the plan. */
struct candidate {
    const struct floe_manager_task *k;
    size_t index;
};

/* Same spec and partition. */
static int same_partition(const struct floe_manager_task *x, const struct floe_manager_task *y)
{
    return x->spec_id == y->spec_id &&
           strcmp(x->partition ? x->partition : "", y->partition ? y->partition : "") == 0;
}

/* By spec, partition, then largest first (first-fit decreasing), then path (stable order). */
static int by_partition_size(const void *a, const void *b)
{
    const struct floe_manager_task *x = ((const struct candidate *)a)->k;
    const struct floe_manager_task *y = ((const struct candidate *)b)->k;
    if (x->spec_id != y->spec_id)
        return x->spec_id < y->spec_id ? -1 : 1;
    int c = strcmp(x->partition ? x->partition : "", y->partition ? y->partition : "");
    if (c)
        return c;
    int64_t sx = floe_data_file_size(x->df), sy = floe_data_file_size(y->df);
    if (sx != sy)
        return sx > sy ? -1 : 1;
    return strcmp(floe_data_file_path(x->df), floe_data_file_path(y->df));
}

static void groups_free(struct group *g, size_t n)
{
    for (size_t i = 0; g && i < n; i++)
        floe_free(g[i].tasks);
    floe_free(g);
}

/* Bins the candidates c[0..n) of one spec and partition (largest first) first-fit into bins of
 * at most `target` bytes, appending the qualifying ones to *groups. With to_current_spec every
 * bin of an older spec qualifies, a single file too: moving it is the point. */
static int pack_partition(struct group **groups, size_t *ng, const struct floe_manager_plan *p,
                          const size_t *c, size_t n, const struct settings *s)
{
    struct group *bins = floe_calloc(n ? n : 1, sizeof *bins);
    size_t nb = 0;
    int rc = bins ? 0 : floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n; i++) {
        const struct floe_manager_task *k = &p->tasks[c[i]];
        int64_t size = floe_data_file_size(k->df);
        size_t b = 0;
        while (b < nb && bins[b].bytes + size > s->target)
            b++;
        if (b == nb && !(bins[nb++].tasks = floe_calloc(n, sizeof(size_t)))) {
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
            break;
        }
        bins[b].tasks[bins[b].n++] = c[i];
        bins[b].bytes += size;
        bins[b].has_deletes |= k->delete_count > 0;
    }
    int move = n && s->to_current_spec && p->tasks[c[0]].spec_id != s->spec_id;
    for (size_t b = 0; !rc && b < nb; b++) {
        int take = move || bins[b].has_deletes || (int)bins[b].n >= s->min_files ||
                   (s->force && bins[b].n >= 2);
        if (!take)
            continue;
        struct group *v = floe_realloc(*groups, (*ng + 1) * sizeof *v);
        if (!v) {
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
            break;
        }
        *groups = v;
        v[(*ng)++] = bins[b];
        memset(&bins[b], 0, sizeof bins[b]);
    }
    groups_free(bins, nb);
    return rc;
}

/* Groups the candidate files by spec and partition. Files of older specs are candidates as
 * those of the default one (small, or carrying deletes), or all of them with to_current_spec;
 * their groups are written in the default spec like any other. */
static int plan_groups(struct group **out, size_t *nout, const struct floe_manager_plan *p,
                       const struct settings *s)
{
    *out = NULL;
    *nout = 0;
    size_t *c = floe_calloc(p->count + 1, sizeof *c);
    struct candidate *cand = floe_calloc(p->count + 1, sizeof *cand);
    if (!c || !cand) {
        floe_free(c);
        floe_free(cand);
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    size_t n = 0;
    for (size_t i = 0; i < p->count; i++) {
        const struct floe_manager_task *k = &p->tasks[i];
        int older = k->spec_id != s->spec_id;
        if (floe_data_file_size(k->df) < s->min_size || k->delete_count ||
            (older && s->to_current_spec)) {
            cand[n].k = k;
            cand[n++].index = i;
        }
    }
    qsort(cand, n, sizeof *cand, by_partition_size);
    for (size_t i = 0; i < n; i++)
        c[i] = cand[i].index;
    floe_free(cand);
    int rc = 0;
    for (size_t i = 0; !rc && i < n;) {
        size_t j = i + 1;
        while (j < n && same_partition(&p->tasks[c[i]], &p->tasks[c[j]]))
            j++;
        rc = pack_partition(out, nout, p, c + i, j - i, s);
        i = j;
    }
    floe_free(c);
    if (rc) {
        groups_free(*out, *nout);
        *out = NULL;
        *nout = 0;
    }
    return rc;
}

/* ---- reading a group's live rows ---- */

/* A stream of the live rows of several data files, read through the table's current schema:
 * columns are matched by field id, so files written under older schema versions read with
 * added columns as nulls, renamed columns under their new names, promoted types widened and
 * dropped columns left out. Every batch has the current schema's columns. */
struct group_stream {
    floe_table *t;
    struct floe_manager_plan *p;
    const struct group *g;
    size_t next;
    struct ArrowSchema schema; /* the current schema's columns (with field ids) */
    /* the file being read */
    floe_input_file *in;
    floe_parquet_reader *reader;
    struct ArrowArrayStream fs;
    struct ArrowSchema fschema;
    const char *path;
    int64_t *map; /* per column of `schema`: the file's column of its field id, or -1 */
    int direct;   /* the file's columns are the current ones: batches pass as they are */
    int64_t *positions;
    size_t npositions;
    struct floe_manager_delete **eq;
    size_t neq;
    int64_t row_base;
};

static void gs_close(struct group_stream *s)
{
    floe_arrow_stream_release(&s->fs);
    floe_arrow_schema_release(&s->fschema);
    floe_parquet_reader_free(s->reader);
    s->reader = NULL;
    floe_input_close(s->in);
    s->in = NULL;
    floe_free(s->map);
    s->map = NULL;
    s->direct = 0;
    s->path = NULL;
    floe_free(s->positions);
    s->positions = NULL;
    s->npositions = 0;
    floe_free(s->eq);
    s->eq = NULL;
    s->neq = 0;
    s->row_base = 0;
}

static void gs_free(void *state)
{
    struct group_stream *s = state;
    if (!s)
        return;
    gs_close(s);
    floe_arrow_schema_release(&s->schema);
    floe_free(s);
}

/* Maps the current schema's columns to the open file's by field id. */
static int gs_map(struct group_stream *s)
{
    int64_t n = s->schema.n_children;
    s->map = floe_calloc((size_t)(n ? n : 1), sizeof *s->map);
    if (!s->map)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    int ids = 0;
    for (int64_t j = 0; j < s->fschema.n_children; j++)
        ids += floe_manager__field_id(s->fschema.children[j]) >= 0;
    if (s->fschema.n_children && !ids)
        return floe_error_set(FLOE_EUNSUPPORTED,
                              "data file '%s' has no Iceberg field ids on its columns; "
                              "compaction reads files by field id and cannot match its columns",
                              s->path);
    s->direct = s->fschema.n_children == n;
    for (int64_t c = 0; c < n; c++) {
        s->map[c] =
            floe_manager__child_by_id(&s->fschema, floe_manager__field_id(s->schema.children[c]));
        if (s->map[c] != c ||
            !floe_manager__same_shape(s->schema.children[c], s->fschema.children[c]))
            s->direct = 0;
    }
    return 0;
}

static int gs_open(struct group_stream *s, size_t gi)
{
    const struct floe_manager_task *k = &s->p->tasks[s->g->tasks[gi]];
    s->path = floe_data_file_path(k->df);
    const char *path = s->path;
    int rc = s->t->m->io->open(&s->in, s->t->m->io, path);
    if (!rc)
        rc = floe_parquet_reader_open(&s->reader, s->in, NULL);
    if (!rc)
        rc = floe_parquet_reader_schema(&s->fschema, s->reader);
    if (!rc)
        rc = gs_map(s);
    if (!rc)
        rc = floe_parquet_reader_stream(&s->fs, s->reader);
    if (!rc && k->delete_count)
        rc = floe_manager__file_deletes_load(&s->positions, &s->npositions, &s->eq, &s->neq, s->t,
                                             &s->p->deletes, k->deletes, k->delete_count, path,
                                             s->p->schema);
    if (rc) {
        gs_close(s);
        return floe_error_wrap(rc, "reading data file '%s' of '%s' for compaction", path,
                               s->t->ident);
    }
    return 0;
}

/* Rows rows[0..n) of file batch `b` as a batch of the current schema. */
static int gs_project(struct ArrowArray *out, struct group_stream *s, const struct ArrowArray *b,
                      const int64_t *rows, size_t n)
{
    floe_arrow_builder *bl = NULL;
    int rc = floe_arrow_builder_new(&bl, &s->schema);
    for (int64_t c = 0; !rc && c < s->schema.n_children; c++) {
        floe_arrow_builder *cb = floe_arrow_builder_child(bl, c);
        int64_t j = s->map[c];
        rc = j < 0 ? floe_arrow_builder_append_nulls(cb, (int64_t)n)
                   : floe_manager__project_column(cb, s->schema.children[c], s->fschema.children[j],
                                                  b->children[j], b->offset, rows, n, s->path);
    }
    if (!rc)
        rc = floe_arrow_builder_finish_batch(bl, out, NULL);
    floe_arrow_builder_free(bl);
    return rc;
}

static int gs_next(void *state, struct ArrowArray *out)
{
    struct group_stream *s = state;
    memset(out, 0, sizeof *out);
    for (;;) {
        if (!s->reader) {
            if (s->next >= s->g->n)
                return 0;
            int rc = gs_open(s, s->next++);
            if (rc)
                return rc;
        }
        struct ArrowArray b;
        memset(&b, 0, sizeof b);
        int rc = floe_arrow_stream_get_next(&s->fs, &b);
        if (rc)
            return rc;
        if (!b.release) {
            gs_close(s);
            continue;
        }
        int64_t n = b.length;
        if (n == 0) {
            floe_arrow_array_release(&b);
            continue;
        }
        if (s->direct && !s->npositions && !s->neq) {
            s->row_base += n;
            *out = b;
            return 0;
        }
        uint8_t *alive = floe_malloc((size_t)n);
        int64_t *rows = floe_calloc((size_t)n, sizeof *rows);
        size_t cnt = 0;
        if (!alive || !rows)
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
        if (!rc) {
            memset(alive, 1, (size_t)n);
            if (s->npositions || s->neq)
                rc = floe_manager__deletes_apply(alive, &s->fschema, &b, s->row_base, s->positions,
                                                 s->npositions, s->eq, s->neq);
        }
        s->row_base += n;
        for (int64_t r = 0; !rc && r < n; r++)
            if (alive[r])
                rows[cnt++] = r;
        if (!rc && cnt)
            rc = gs_project(out, s, &b, rows, cnt);
        floe_free(alive);
        floe_free(rows);
        floe_arrow_array_release(&b);
        if (rc || cnt)
            return rc;
    }
}

/* Writes the live rows of group g as files of about `target` bytes, with the current schema
 * and partitioned by the default spec (whatever spec the inputs were written under). The
 * writers size files by the manager's target, so it is set for the duration of the write. */
static int rewrite_group(struct floe_manager_written *out, floe_table *t,
                         struct floe_manager_plan *p, const struct group *g, int64_t target)
{
    memset(out, 0, sizeof *out);
    struct group_stream *s = floe_calloc(1, sizeof *s);
    if (!s)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    s->t = t;
    s->p = p;
    s->g = g;
    struct ArrowSchema copy;
    memset(&copy, 0, sizeof copy);
    struct ArrowArrayStream st;
    memset(&st, 0, sizeof st);
    int rc = floe_manager__arrow_schema(&s->schema, t->schema, NULL, 0);
    if (!rc)
        rc = floe_arrow_schema_copy(&copy, &s->schema);
    if (!rc && (rc = floe_arrow_stream_from_callback(&st, &copy, gs_next, s, gs_free)))
        floe_arrow_schema_release(&copy);
    if (rc) {
        gs_free(s);
        return rc;
    }
    int64_t saved = t->m->target_file_size;
    t->m->target_file_size = target;
    rc = floe_manager__write_stream(out, t, &st);
    t->m->target_file_size = saved;
    st.release(&st);
    return rc;
}

/* ---- commit ---- */

struct compact_ctx {
    floe_table *t;
    char **inputs; /* paths of the rewritten files, sorted */
    size_t ninputs;
    char **input_deletes; /* per input: its delete files' paths joined by '\n' (NULL: none) */
    floe_manifest_file **rewritten; /* this attempt's rewritten manifests */
    size_t nrewritten;
    char **drop; /* paths of the manifests they replace */
    size_t ndrop;
    int64_t snap_id;
    char write_id[FLOE_UUID_STR_LEN];
    unsigned int rebuild; /* attempt counter for the rewritten manifests' names */
    /* position delete files dropped (their row counts are left out of the summary: writers
     * of delete files do not all record total-position-deletes) */
    int64_t dropped_deletes;
    const char *branch; /* NULL = main */
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static ptrdiff_t input_index(const struct compact_ctx *c, const char *path)
{
    char *const *hit =
        c->ninputs ? bsearch(&path, c->inputs, c->ninputs, sizeof *c->inputs, cmp_str) : NULL;
    return hit ? hit - c->inputs : -1;
}

/* The delete files of task k, as one string (NULL when none). */
static int deletes_key(char **out, const struct floe_manager_plan *p,
                       const struct floe_manager_task *k)
{
    *out = NULL;
    if (!k->delete_count)
        return 0;
    floe_buf b = FLOE_BUF_INIT;
    int rc = 0;
    for (size_t i = 0; !rc && i < k->delete_count; i++)
        rc = floe_buf_printf(&b, "%s\n", floe_data_file_path(p->deletes.files[k->deletes[i]].df));
    if (rc) {
        floe_buf_free(&b);
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    size_t len;
    *out = (char *)floe_buf_detach(&b, &len);
    return *out ? 0 : floe_error_set(FLOE_ENOMEM, "out of memory");
}

static int keep_manifest(const floe_manifest_file *mf, void *ctx)
{
    const struct compact_ctx *c = ctx;
    for (size_t i = 0; i < c->ndrop; i++)
        if (strcmp(c->drop[i], mf->path) == 0)
            return 0;
    return 1;
}

/* Signals the shared commit loop to stop at the first conflict: this file retries itself. */
static int stop_on_conflict(floe_table *t, void *ctx)
{
    (void)t;
    (void)ctx;
    return FLOE_ECONFLICT;
}

static void drop_rewritten(struct compact_ctx *c, int remove)
{
    for (size_t i = 0; i < c->nrewritten; i++) {
        if (remove)
            c->t->m->io->remove(c->t->m->io, c->rewritten[i]->path);
        floe_manifest_file_free(c->rewritten[i]);
    }
    c->nrewritten = 0;
    for (size_t i = 0; i < c->ndrop; i++)
        floe_free(c->drop[i]);
    c->ndrop = 0;
}

/* Rewrites manifest `mf`: the inputs DELETED, every other live entry EXISTING. */
/* Whether entry `df` of a manifest of `content` leaves the table with the inputs: an input
 * itself, or a position delete file scoped to one input (it cannot match any other file). */
static int goes_with_inputs(const struct compact_ctx *c, floe_manifest_content content,
                            const floe_data_file *df)
{
    if (content == FLOE_MANIFEST_DATA)
        return input_index(c, floe_data_file_path(df)) >= 0;
    const char *ref = floe_data_file_referenced_data_file(df);
    return floe_data_file_content(df) == FLOE_CONTENT_POSITION_DELETES && ref &&
           input_index(c, ref) >= 0;
}

struct inputs_ctx {
    const struct compact_ctx *c;
    floe_manifest_content content;
};

static floe_manager_copy_action with_inputs(const floe_manifest_entry *e, size_t source, void *vctx)
{
    (void)source;
    const struct inputs_ctx *x = vctx;
    return goes_with_inputs(x->c, x->content, e->data_file) ? FLOE_COPY_DELETED
                                                            : FLOE_COPY_EXISTING;
}

/* Rewrites manifest `mf` with the entries going with the inputs DELETED and every other live
 * entry EXISTING. A delete manifest with no such entry is left as it is (*out NULL). */
static int rewrite_manifest(floe_manifest_file **out, struct compact_ctx *c,
                            const floe_manifest_file *mf, size_t index)
{
    *out = NULL;
    floe_table *t = c->t;
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/metadata/%" PRId64 "-c%u-%zu-%s.avro",
                     floe_table_location(t), c->snap_id, c->rebuild, index, c->write_id);
    if (n < 0 || (size_t)n >= sizeof path)
        return floe_error_set(FLOE_EINVALID, "table location of '%s' is too long", t->ident);
    struct inputs_ctx x = {c, mf->content};
    int64_t dropped = 0;
    int rc = floe_manager__copy_manifests(out, &dropped, t, path, c->snap_id, &mf, 1, with_inputs,
                                          &x, mf->content != FLOE_MANIFEST_DATA);
    if (!rc && mf->content != FLOE_MANIFEST_DATA)
        c->dropped_deletes += dropped;
    return rc;
}

/* Checks the inputs against plan `p` of the table's current snapshot and rewrites the
 * manifests listing them. FLOE_ECONFLICT when an input is gone or has new delete files. */
static int build_on(struct compact_ctx *c, const struct floe_manager_plan *p)
{
    drop_rewritten(c, 1);
    c->rebuild++;
    uint8_t *seen = floe_calloc(c->ninputs + 1, 1);
    uint8_t *affected = floe_calloc(p->manifest_count + 1, 1);
    int rc = seen && affected ? 0 : floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < p->count; i++) {
        const struct floe_manager_task *k = &p->tasks[i];
        ptrdiff_t at = input_index(c, floe_data_file_path(k->df));
        if (at < 0)
            continue;
        char *key = NULL;
        if ((rc = deletes_key(&key, p, k)))
            break;
        const char *was = c->input_deletes[at];
        if ((key == NULL) != (was == NULL) || (key && strcmp(key, was) != 0))
            rc = floe_error_set(FLOE_ECONFLICT,
                                "data file '%s' of '%s' got new delete files while it was being "
                                "compacted; run the compaction again",
                                floe_data_file_path(k->df), c->t->ident);
        floe_free(key);
        seen[at] = 1;
        affected[k->manifest] = 1;
    }
    for (size_t i = 0; !rc && i < c->ninputs; i++)
        if (!seen[i])
            rc = floe_error_set(FLOE_ECONFLICT,
                                "data file '%s' of '%s' was removed while it was being "
                                "compacted; run the compaction again",
                                c->inputs[i], c->t->ident);
    c->dropped_deletes = 0;
    for (size_t mi = 0; !rc && mi < p->manifest_count; mi++) {
        int deletes = p->manifests[mi]->content == FLOE_MANIFEST_DELETES;
        if (!affected[mi] && !deletes)
            continue;
        floe_manifest_file *mf = NULL;
        rc = rewrite_manifest(&mf, c, p->manifests[mi], mi);
        if (rc || !mf)
            continue;
        c->rewritten[c->nrewritten++] = mf;
        if (!(c->drop[c->ndrop] = floe_strdup(p->manifests[mi]->path)))
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
        else
            c->ndrop++;
    }
    floe_free(seen);
    floe_free(affected);
    return rc;
}

/* Plans the head of the compacted branch (no filter). */
static int plan_current(struct floe_manager_plan *p, floe_table *t, const char *branch)
{
    floe_scan_options so = FLOE_SCAN_OPTIONS_INIT;
    so.ref = branch;
    memset(p, 0, sizeof *p);
    return floe_manager__plan(p, t, &so);
}

/* The branch of the options (NULL for main, also for "main" by name). */
static const char *branch_of(const floe_compact_options *o)
{
    return o && o->version >= 3 && o->branch && strcmp(o->branch, FLOE_MAIN_BRANCH) != 0 ? o->branch
                                                                                         : NULL;
}

/* The head snapshot of the compacted branch. */
static const floe_snapshot *head_of(const floe_table *t, const char *branch)
{
    if (!branch)
        return floe_table_metadata_current_snapshot(t->md);
    const floe_snapshot_ref *r = floe_table_metadata_ref(t->md, branch);
    return r ? floe_table_metadata_snapshot_by_id(t->md, r->snapshot_id) : NULL;
}

static void backoff(unsigned int attempt, const floe_manager *m)
{
    unsigned int ms = m->retry_base_ms << (attempt < 6 ? attempt - 1 : 5);
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Commits `added` replacing the inputs; on a conflict refreshes, checks and rebuilds. */
static int commit_replace(int64_t *snap_out, unsigned int *attempts, struct compact_ctx *c,
                          struct floe_manager_plan *p, floe_manifest_file *added_mf,
                          const floe_summary_delta *delta, const floe_compact_options *o)
{
    floe_table *t = c->t;
    size_t cap = p->manifest_count + 2;
    int rc = 0;
    unsigned int attempt = 0;
    const floe_manifest_file **list = NULL;
    c->rewritten = floe_calloc(cap, sizeof *c->rewritten);
    c->drop = floe_calloc(cap, sizeof *c->drop);
    if (!c->rewritten || !c->drop)
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    if (!rc)
        rc = build_on(c, p);
    for (; !rc;) {
        attempt++;
        if (o && o->before_commit && (rc = o->before_commit(t, o->before_commit_ctx)))
            break;
        if (attempt > 1) {
            struct floe_manager_plan np;
            if ((rc = floe_table_refresh(t)) || (rc = plan_current(&np, t, c->branch)))
                break;
            size_t need = np.manifest_count + 2;
            if (need > cap) {
                floe_manifest_file **r = floe_realloc(c->rewritten, need * sizeof *r);
                char **d = r ? floe_realloc(c->drop, need * sizeof *d) : NULL;
                if (r)
                    c->rewritten = r;
                if (d) {
                    c->drop = d;
                    cap = need;
                }
                rc = r && d ? 0 : floe_error_set(FLOE_ENOMEM, "out of memory");
            }
            if (!rc)
                rc = build_on(c, &np);
            floe_manager__plan_free(&np);
            if (rc)
                break;
        }
        floe_free(list);
        list = floe_calloc(c->nrewritten + 2, sizeof *list);
        if (!list) {
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
            break;
        }
        size_t nl = 0;
        if (added_mf)
            list[nl++] = added_mf;
        for (size_t i = 0; i < c->nrewritten; i++)
            list[nl++] = c->rewritten[i];
        struct floe_manager_commit cm;
        memset(&cm, 0, sizeof cm);
        cm.operation = "replace";
        cm.snapshot_id = c->snap_id;
        cm.manifests = list;
        cm.manifest_count = nl;
        cm.keep_manifest = keep_manifest;
        cm.revalidate = stop_on_conflict;
        cm.keep_ctx = c;
        cm.delta = *delta;
        cm.delta.removed_delete_files = c->dropped_deletes;
        cm.branch = c->branch;
        int64_t id = 0;
        unsigned int one = 0;
        rc = floe_manager__commit_snapshot(&id, &one, t, &cm, c->write_id);
        if (!rc)
            *snap_out = id;
        if (rc != FLOE_ECONFLICT)
            break;
        if (attempt > t->m->commit_retries) {
            rc = floe_error_wrap(rc, "compaction of '%s' still conflicted after %u attempts",
                                 t->ident, attempt);
            break;
        }
        floe_log(FLOE_LOG_INFO, "compaction commit conflict, checking the refreshed table", "table",
                 t->ident, NULL);
        backoff(attempt, t->m);
        rc = 0;
    }
    floe_free(list);
    *attempts = attempt;
    return rc;
}

/* ---- result ---- */

struct floe_compact_result {
    int dry_run;
    int64_t snapshot_id;
    floe_compact_group *groups;
    size_t ngroups;
    int64_t rewritten_files, added_files, added_records, rewritten_records;
    unsigned int attempts;
};

void floe_compact_result_free(floe_compact_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->ngroups; i++) {
        floe_compact_group *g = &r->groups[i];
        floe_free(g->partition);
        for (size_t j = 0; j < g->input_count; j++)
            floe_free(g->input_files[j]);
        floe_free(g->input_files);
    }
    floe_free(r->groups);
    floe_free(r);
}

int64_t floe_compact_result_snapshot_id(const floe_compact_result *r)
{
    return r ? r->snapshot_id : -1;
}

size_t floe_compact_result_group_count(const floe_compact_result *r)
{
    return r ? r->ngroups : 0;
}

const floe_compact_group *floe_compact_result_group(const floe_compact_result *r, size_t i)
{
    return r && i < r->ngroups ? &r->groups[i] : NULL;
}

int64_t floe_compact_result_rewritten_files(const floe_compact_result *r)
{
    return r ? r->rewritten_files : 0;
}

int64_t floe_compact_result_added_files(const floe_compact_result *r)
{
    return r ? r->added_files : 0;
}

int64_t floe_compact_result_added_records(const floe_compact_result *r)
{
    return r ? r->added_records : 0;
}

int64_t floe_compact_result_rewritten_records(const floe_compact_result *r)
{
    return r ? r->rewritten_records : 0;
}

unsigned int floe_compact_result_attempts(const floe_compact_result *r)
{
    return r ? r->attempts : 0;
}

int floe_compact_result_dry_run(const floe_compact_result *r)
{
    return r ? r->dry_run : 0;
}

int floe_compact_result_json(json_t **out, const floe_compact_result *r)
{
    *out = NULL;
    if (!r)
        return floe_error_set(FLOE_EINVALID, "floe_compact_result_json: NULL result");
    json_t *o = json_object();
    json_t *groups = json_array();
    int bad = !o || !groups;
    for (size_t i = 0; !bad && i < r->ngroups; i++) {
        const floe_compact_group *g = &r->groups[i];
        json_t *files = json_array();
        json_t *jg = json_object();
        bad = !files || !jg;
        for (size_t j = 0; !bad && j < g->input_count; j++)
            bad = json_array_append_new(files, json_string(g->input_files[j])) != 0;
        if (!bad)
            bad =
                json_object_set_new(jg, "partition", json_string(g->partition)) ||
                json_object_set_new(jg, "spec-id", json_integer(g->spec_id)) ||
                json_object_set_new(jg, "output-spec-id", json_integer(g->output_spec_id)) ||
                json_object_set_new(jg, "input-bytes", json_integer(g->input_bytes)) ||
                json_object_set_new(jg, "input-records", json_integer(g->input_records)) ||
                json_object_set_new(jg, "delete-files",
                                    json_integer((json_int_t)g->delete_files)) ||
                json_object_set_new(jg, "expected-output-files", json_integer(g->expected_files)) ||
                json_object_set(jg, "input-files", files) ||
                (g->spec_id != g->output_spec_id &&
                 json_object_set_new(jg, "moved-to-spec", json_integer(g->output_spec_id))) ||
                json_array_append(groups, jg);
        json_decref(files);
        json_decref(jg);
    }
    if (!bad)
        bad =
            json_object_set_new(o, "dry-run", json_boolean(r->dry_run)) ||
            json_object_set_new(o, "snapshot-id",
                                r->snapshot_id >= 0 ? json_integer(r->snapshot_id) : json_null()) ||
            json_object_set_new(o, "rewritten-files", json_integer(r->rewritten_files)) ||
            json_object_set_new(o, "added-files", json_integer(r->added_files)) ||
            json_object_set_new(o, "rewritten-records", json_integer(r->rewritten_records)) ||
            json_object_set_new(o, "added-records", json_integer(r->added_records)) ||
            json_object_set_new(o, "attempts", json_integer(r->attempts)) ||
            json_object_set(o, "groups", groups);
    json_decref(groups);
    if (bad) {
        json_decref(o);
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    *out = o;
    return 0;
}

/* Describes group g of plan p in the result. */
static int describe_group(floe_compact_group *out, const struct floe_manager_plan *p,
                          const struct group *g, const struct settings *s)
{
    memset(out, 0, sizeof *out);
    int64_t target = s->target;
    const struct floe_manager_task *k0 = &p->tasks[g->tasks[0]];
    out->partition = floe_strdup(k0->partition ? k0->partition : "");
    out->spec_id = k0->spec_id;
    out->output_spec_id = s->spec_id;
    out->input_files = floe_calloc(g->n, sizeof *out->input_files);
    if (!out->partition || !out->input_files)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t i = 0; i < g->n; i++) {
        const struct floe_manager_task *k = &p->tasks[g->tasks[i]];
        if (!(out->input_files[i] = floe_strdup(floe_data_file_path(k->df))))
            return floe_error_set(FLOE_ENOMEM, "out of memory");
        out->input_count++;
        out->input_bytes += floe_data_file_size(k->df);
        out->input_records += floe_data_file_record_count(k->df);
        out->delete_files += k->delete_count;
    }
    out->expected_files = (out->input_bytes + target - 1) / target;
    if (out->expected_files < 1)
        out->expected_files = 1;
    return 0;
}

static void ctx_free(struct compact_ctx *c, int remove)
{
    drop_rewritten(c, remove);
    for (size_t i = 0; i < c->ninputs; i++) {
        floe_free(c->inputs[i]);
        floe_free(c->input_deletes[i]);
    }
    floe_free(c->inputs);
    floe_free(c->input_deletes);
    floe_free(c->rewritten);
    floe_free(c->drop);
}

/* Records the inputs (sorted) and their delete files for checking a refreshed table. */
static int ctx_inputs(struct compact_ctx *c, const struct floe_manager_plan *p,
                      const struct group *g, size_t ng)
{
    size_t n = 0;
    for (size_t i = 0; i < ng; i++)
        n += g[i].n;
    c->inputs = floe_calloc(n + 1, sizeof *c->inputs);
    c->input_deletes = floe_calloc(n + 1, sizeof *c->input_deletes);
    if (!c->inputs || !c->input_deletes)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t i = 0; i < ng; i++)
        for (size_t j = 0; j < g[i].n; j++) {
            const char *path = floe_data_file_path(p->tasks[g[i].tasks[j]].df);
            if (!(c->inputs[c->ninputs] = floe_strdup(path)))
                return floe_error_set(FLOE_ENOMEM, "out of memory");
            c->ninputs++;
        }
    qsort(c->inputs, c->ninputs, sizeof *c->inputs, cmp_str);
    for (size_t i = 0; i < p->count; i++) {
        ptrdiff_t at = input_index(c, floe_data_file_path(p->tasks[i].df));
        int rc;
        if (at >= 0 && (rc = deletes_key(&c->input_deletes[at], p, &p->tasks[i])))
            return rc;
    }
    return 0;
}

static int compact_run(floe_compact_result **out, floe_table *t, const floe_compact_options *opts)
{
    if (opts && (opts->version < 1 || opts->version > FLOE_COMPACT_OPTIONS_VERSION))
        return floe_error_set(FLOE_EVERSION, "floe_compact_options version %u is not 1 to %d",
                              opts->version, FLOE_COMPACT_OPTIONS_VERSION);
    struct settings s;
    memset(&s, 0, sizeof s);
    struct floe_manager_plan p;
    memset(&p, 0, sizeof p);
    struct group *groups = NULL;
    size_t ng = 0;
    struct floe_manager_written w;
    memset(&w, 0, sizeof w);
    struct compact_ctx c;
    memset(&c, 0, sizeof c);
    c.t = t;
    c.branch = branch_of(opts);
    floe_manifest_file *added_mf = NULL;
    floe_compact_result *r = floe_calloc(1, sizeof *r);
    int rc = r ? 0 : floe_error_set(FLOE_ENOMEM, "out of memory");
    if (!rc) {
        r->snapshot_id = -1;
        r->dry_run = opts ? opts->dry_run != 0 : 0;
        rc = resolve_settings(&s, t, opts);
    }
    if (!rc && c.branch)
        rc = floe_manager__check_branch(t, c.branch);
    if (!rc)
        rc = plan_current(&p, t, c.branch);
    if (!rc)
        rc = plan_groups(&groups, &ng, &p, &s);
    if (!rc && ng && !(r->groups = floe_calloc(ng, sizeof *r->groups)))
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < ng; i++) {
        rc = describe_group(&r->groups[i], &p, &groups[i], &s);
        r->ngroups++;
        r->rewritten_files += (int64_t)r->groups[i].input_count;
        r->rewritten_records += r->groups[i].input_records;
    }
    int64_t removed_bytes = 0;
    for (size_t i = 0; !rc && i < ng; i++)
        removed_bytes += r->groups[i].input_bytes;
    if (!rc && !r->dry_run && ng) {
        rc = floe_manager__new_ids(&c.snap_id, c.write_id);
        for (size_t i = 0; !rc && i < ng; i++) {
            struct floe_manager_written one;
            if ((rc = rewrite_group(&one, t, &p, &groups[i], s.target)))
                break;
            floe_data_file **v =
                one.count ? floe_realloc(w.files, (w.count + one.count) * sizeof *v) : w.files;
            if (one.count && !v) {
                floe_manager__written_free(&one, t->m->io);
                rc = floe_error_set(FLOE_ENOMEM, "out of memory");
                break;
            }
            w.files = v;
            if (one.count)
                memcpy(v + w.count, one.files, one.count * sizeof *v);
            w.count += one.count;
            w.records += one.records;
            w.bytes += one.bytes;
            floe_free(one.files);
        }
        if (!rc)
            rc = ctx_inputs(&c, &p, groups, ng);
        if (!rc && w.count)
            rc = floe_manager__write_manifest(&added_mf, t, c.snap_id, c.write_id, 0, w.files,
                                              w.count, NULL, 0);
        if (!rc) {
            floe_summary_delta d = FLOE_SUMMARY_DELTA_INIT;
            d.added_data_files = (int64_t)w.count;
            d.added_records = w.records;
            d.added_files_size = w.bytes;
            d.deleted_data_files = r->rewritten_files;
            d.deleted_records = r->rewritten_records;
            d.removed_files_size = removed_bytes;
            rc = commit_replace(&r->snapshot_id, &r->attempts, &c, &p, added_mf, &d, opts);
        }
        r->added_files = (int64_t)w.count;
        r->added_records = w.records;
    }
    /* an unknown outcome may have committed: its files must stay */
    int cleanup = rc && rc != FLOE_ECOMMITUNKNOWN;
    if (cleanup && added_mf)
        t->m->io->remove(t->m->io, added_mf->path);
    floe_manifest_file_free(added_mf);
    ctx_free(&c, cleanup);
    floe_manager__written_free(&w, cleanup ? t->m->io : NULL);
    groups_free(groups, ng);
    floe_manager__plan_free(&p);
    if (rc) {
        floe_compact_result_free(r);
        return floe_manager__log_op(t, NULL, "compact", "compact", 0, rc);
    }
    *out = r;
    return floe_manager__log_op(t, NULL, "compact", r->dry_run ? "dry-run" : "compact",
                                r->added_records, 0);
}

/* ---- manifest rewrite ---- */

/* Merges the data manifests of spec `spec_id` in list `ml` into one (*out NULL when fewer than
 * two), recording the merged paths in c->drop. */
static int merge_spec(floe_manifest_file **out, struct compact_ctx *c, const floe_manifest_list *ml,
                      int32_t spec_id, int64_t *merged)
{
    *out = NULL;
    floe_table *t = c->t;
    size_t total = floe_manifest_list_count(ml), n = 0;
    const floe_manifest_file **srcs = floe_calloc(total + 1, sizeof *srcs);
    if (!srcs)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t i = 0; i < total; i++) {
        const floe_manifest_file *mf = floe_manifest_list_at(ml, i);
        if (mf->content == FLOE_MANIFEST_DATA && mf->partition_spec_id == spec_id)
            srcs[n++] = mf;
    }
    int rc = 0;
    if (n >= 2) {
        char path[4096];
        int len = snprintf(path, sizeof path, "%s/metadata/%" PRId64 "-s%d-%s.avro",
                           floe_table_location(t), c->snap_id, (int)spec_id, c->write_id);
        rc = len < 0 || (size_t)len >= sizeof path
                 ? floe_error_set(FLOE_EINVALID, "table location of '%s' is too long", t->ident)
                 : floe_manager__copy_manifests(out, NULL, t, path, c->snap_id, srcs, n, NULL, NULL,
                                                0);
        for (size_t i = 0; !rc && i < n; i++) {
            if (!(c->drop[c->ndrop] = floe_strdup(srcs[i]->path)))
                rc = floe_error_set(FLOE_ENOMEM, "out of memory");
            else
                c->ndrop++;
        }
        if (!rc)
            *merged += (int64_t)n;
    }
    floe_free(srcs);
    return rc;
}

/* Every merged manifest must still be in the table's current manifest list. */
static int check_sources(struct compact_ctx *c)
{
    floe_table *t = c->t;
    floe_manifest_list *ml = NULL;
    int rc = floe_manager__read_manifest_list(&ml, t, head_of(t, c->branch));
    for (size_t d = 0; !rc && d < c->ndrop; d++) {
        int found = 0;
        for (size_t i = 0; ml && !found && i < floe_manifest_list_count(ml); i++)
            found = strcmp(floe_manifest_list_at(ml, i)->path, c->drop[d]) == 0;
        if (!found)
            rc = floe_error_set(FLOE_ECONFLICT,
                                "manifest '%s' of '%s' was replaced while manifests were being "
                                "rewritten; run the rewrite again",
                                c->drop[d], t->ident);
    }
    floe_manifest_list_free(ml);
    return rc;
}

static int rewrite_manifests_run(floe_compact_result **out, floe_table *t,
                                 const floe_compact_options *opts)
{
    if (opts && (opts->version < 1 || opts->version > FLOE_COMPACT_OPTIONS_VERSION))
        return floe_error_set(FLOE_EVERSION, "floe_compact_options version %u is not 1 to %d",
                              opts->version, FLOE_COMPACT_OPTIONS_VERSION);
    struct compact_ctx c;
    memset(&c, 0, sizeof c);
    c.t = t;
    c.branch = branch_of(opts);
    floe_manifest_list *ml = NULL;
    int32_t *specs = NULL;
    size_t nspecs = 0;
    floe_compact_result *r = floe_calloc(1, sizeof *r);
    int rc = r ? 0 : floe_error_set(FLOE_ENOMEM, "out of memory");
    if (!rc) {
        r->snapshot_id = -1;
        r->dry_run = opts ? opts->dry_run != 0 : 0;
        rc = c.branch ? floe_manager__check_branch(t, c.branch) : 0;
        if (!rc)
            rc = floe_manager__read_manifest_list(&ml, t, head_of(t, c.branch));
    }
    size_t total = ml ? floe_manifest_list_count(ml) : 0;
    if (!rc && !(specs = floe_calloc(total + 1, sizeof *specs)))
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < total; i++) {
        const floe_manifest_file *mf = floe_manifest_list_at(ml, i);
        if (mf->content != FLOE_MANIFEST_DATA)
            continue;
        size_t j = 0;
        while (j < nspecs && specs[j] != mf->partition_spec_id)
            j++;
        if (j == nspecs)
            specs[nspecs++] = mf->partition_spec_id;
    }
    if (!rc) {
        /* manifests to merge, and the merged ones they become (all a dry run reports) */
        for (size_t j = 0; j < nspecs; j++) {
            int64_t n = 0;
            for (size_t i = 0; i < total; i++) {
                const floe_manifest_file *mf = floe_manifest_list_at(ml, i);
                n += mf->content == FLOE_MANIFEST_DATA && mf->partition_spec_id == specs[j];
            }
            if (n >= 2) {
                r->rewritten_files += n;
                r->added_files++;
            }
        }
    }
    floe_manifest_file **merged = NULL;
    size_t nmerged = 0;
    if (!rc && !r->dry_run && r->added_files) {
        int64_t count = 0;
        rc = floe_manager__new_ids(&c.snap_id, c.write_id);
        if (!rc && (!(merged = floe_calloc(nspecs + 1, sizeof *merged)) ||
                    !(c.drop = floe_calloc(total + 1, sizeof *c.drop))))
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
        for (size_t j = 0; !rc && j < nspecs; j++) {
            rc = merge_spec(&merged[nmerged], &c, ml, specs[j], &count);
            if (!rc && merged[nmerged])
                nmerged++;
        }
        unsigned int attempt = 0;
        while (!rc) {
            attempt++;
            if (opts && opts->before_commit &&
                (rc = opts->before_commit(t, opts->before_commit_ctx)))
                break;
            if (attempt > 1 && !(rc = floe_table_refresh(t)))
                rc = check_sources(&c);
            if (rc)
                break;
            struct floe_manager_commit cm;
            memset(&cm, 0, sizeof cm);
            cm.operation = "replace";
            cm.snapshot_id = c.snap_id;
            cm.manifests = (const floe_manifest_file *const *)merged;
            cm.manifest_count = nmerged;
            cm.keep_manifest = keep_manifest;
            cm.revalidate = stop_on_conflict;
            cm.keep_ctx = &c;
            cm.branch = c.branch;
            floe_summary_delta d = FLOE_SUMMARY_DELTA_INIT;
            cm.delta = d;
            int64_t id = 0;
            unsigned int one = 0;
            rc = floe_manager__commit_snapshot(&id, &one, t, &cm, c.write_id);
            if (!rc)
                r->snapshot_id = id;
            if (rc != FLOE_ECONFLICT)
                break;
            if (attempt > t->m->commit_retries) {
                rc = floe_error_wrap(rc,
                                     "manifest rewrite of '%s' still conflicted after %u "
                                     "attempts",
                                     t->ident, attempt);
                break;
            }
            backoff(attempt, t->m);
            rc = 0;
        }
        r->attempts = attempt;
    }
    int cleanup = rc && rc != FLOE_ECOMMITUNKNOWN;
    for (size_t i = 0; i < nmerged; i++) {
        if (cleanup)
            t->m->io->remove(t->m->io, merged[i]->path);
        floe_manifest_file_free(merged[i]);
    }
    floe_free(merged);
    ctx_free(&c, 0);
    floe_free(specs);
    floe_manifest_list_free(ml);
    if (rc) {
        floe_compact_result_free(r);
        return floe_manager__log_op(t, NULL, "rewrite-manifests", NULL, 0, rc);
    }
    *out = r;
    return floe_manager__log_op(t, NULL, "rewrite-manifests", r->dry_run ? "dry-run" : NULL, 0, 0);
}

/* ---- entry points: a trace span around each run ---- */

/* Ends `span` with what result `r` (NULL on failure) did. */
static int span_result(floe_span *span, const floe_compact_result *r, int rc)
{
    if (r) {
        floe_span_set_attr_bool(span, "floe.dry_run", r->dry_run);
        floe_span_set_attr_int(span, "floe.groups", (int64_t)r->ngroups);
        floe_span_set_attr_int(span, "floe.files_rewritten", r->rewritten_files);
        floe_span_set_attr_int(span, "floe.files_added", r->added_files);
        floe_span_set_attr_int(span, "floe.records_added", r->added_records);
        floe_span_set_attr_int(span, "floe.commit_attempts", r->attempts);
    }
    return floe_manager__span_end(span, rc);
}

int floe_table_compact(floe_compact_result **out, floe_table *t, const floe_compact_options *opts)
{
    if (!out || !t)
        return floe_error_set(FLOE_EINVALID, "floe_table_compact: NULL argument");
    *out = NULL;
    floe_span *span = floe_manager__span_start(t, "compact");
    int rc = compact_run(out, t, opts);
    return span_result(span, *out, rc);
}

int floe_table_rewrite_manifests(floe_compact_result **out, floe_table *t,
                                 const floe_compact_options *opts)
{
    if (!out || !t)
        return floe_error_set(FLOE_EINVALID, "floe_table_rewrite_manifests: NULL argument");
    *out = NULL;
    floe_span *span = floe_manager__span_start(t, "rewrite-manifests");
    int rc = rewrite_manifests_run(out, t, opts);
    return span_result(span, *out, rc);
}
