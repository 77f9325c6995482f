/* Row-level deletes in scans (Iceberg spec, Row-level Deletes and Scan Planning): position
 * delete files drop file-relative rows across row groups, scoped by partition, referenced
 * data file and sequence number (data seq <= delete seq); equality delete files drop rows whose
 * key matches (null equals null), scoped by partition unless written unpartitioned, and only
 * for data with a strictly lower sequence number. Tables are written by the manager's append;
 * delete files, delete manifests and the "delete" snapshots are written here with floe's
 * Parquet and manifest writers. DuckDB recomputes one result independently. */
#include "test_support.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/schema.h>
#include <floe/arrow/stream.h>
#include <floe/arrow/value.h>
#include <floe/error.h>
#include <floe/iceberg/manifest.h>
#include <floe/iceberg/metadata.h>
#include <floe/iceberg/partition.h>
#include <floe/iceberg/spec_update.h>
#include <floe/parquet/reader.h>
#include <floe/parquet/writer.h>
#include <floe/table.h>

#include "manager_test_util.h"
#include "manager/deletes.h"
#include "manager/manager_internal.h"
#include "manager/scan_plan.h"
#include "manager/write_internal.h"

#define ROWS 1000

/* A formatted string (free()). */
static char *fmt(const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(NULL, 0, f, ap);
    va_end(ap);
    assert_true(n >= 0);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    va_start(ap, f);
    vsnprintf(s, (size_t)n + 1, f, ap);
    va_end(ap);
    return s;
}

static floe_manager *open_mgr(const char *dir)
{
    floe_manager_options o = FLOE_MANAGER_OPTIONS_INIT;
    o.warehouse = dir;
    o.row_group_size = 1024; /* several row groups per file: positions cross them */
    floe_manager *m = NULL;
    if (floe_manager_open(&m, &o))
        fail_msg("open: %s", floe_error_last());
    return m;
}

static floe_table *create(floe_manager *m, const char *ident, const char *partition_by)
{
    int rc = floe_manager_create_namespace(m, "db", NULL, 0);
    assert_true(rc == 0 || rc == FLOE_EEXISTS);
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id long not null, name string, part string";
    co.partition_by = partition_by;
    floe_table *t = NULL;
    if (floe_manager_create_table(&t, m, ident, &co))
        fail_msg("create: %s", floe_error_last());
    return t;
}

/* Row i: id = i, name = "n<i%5>" or null when i % 7 == 0, part = "a" for even i, "b" odd. */
static const char *name_of(int64_t i)
{
    static const char *names[5] = {"n0", "n1", "n2", "n3", "n4"};
    return i % 7 == 0 ? NULL : names[i % 5];
}

static const char *part_of(int64_t i)
{
    return i % 2 ? "b" : "a";
}

/* A stream of ids [start, start + n) in four batches. */
static void rows_stream(struct ArrowArrayStream *s, floe_table *t, int64_t start, int64_t n)
{
    struct ArrowSchema schema;
    assert_int_equal(floe_table_arrow_schema(&schema, t), 0);
    struct ArrowArray batches[4];
    for (int k = 0; k < 4; k++) {
        floe_arrow_builder *b = NULL;
        assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
        for (int64_t i = start + k * n / 4; i < start + (k + 1) * n / 4; i++) {
            assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), i), 0);
            const char *nm = name_of(i);
            floe_arrow_builder *nb = floe_arrow_builder_child(b, 1);
            assert_int_equal(
                nm ? floe_arrow_builder_append_str(nb, nm) : floe_arrow_builder_append_null(nb), 0);
            assert_int_equal(
                floe_arrow_builder_append_str(floe_arrow_builder_child(b, 2), part_of(i)), 0);
        }
        assert_int_equal(floe_arrow_builder_finish_batch(b, &batches[k], NULL), 0);
        floe_arrow_builder_free(b);
    }
    assert_int_equal(floe_arrow_stream_from_batches(s, &schema, batches, 4), 0);
}

/* Appends ids [start, start + n) as four batches. */
static void append(floe_table *t, int64_t start, int64_t n)
{
    struct ArrowArrayStream s;
    rows_stream(&s, t, start, n);
    floe_write_result r;
    if (floe_table_append(&r, t, &s, NULL))
        fail_msg("append: %s", floe_error_last());
    if (s.release)
        s.release(&s);
}

/* Scans and returns the sorted ids (column "id" must be projected) or just counts rows. */
static size_t scan(int64_t *ids, floe_table *t, const char *filter, const char *const *cols,
                   size_t ncols)
{
    floe_scan_options so = FLOE_SCAN_OPTIONS_INIT;
    so.filter = filter;
    so.columns = cols;
    so.column_count = ncols;
    struct ArrowArrayStream s;
    if (floe_table_scan(&s, t, &so))
        fail_msg("scan: %s", floe_error_last());
    size_t n = 0;
    for (;;) {
        struct ArrowArray b;
        if (floe_arrow_stream_get_next(&s, &b))
            fail_msg("scan next: %s", floe_error_last());
        if (!b.release)
            break;
        if (cols)
            assert_int_equal(b.n_children, (int64_t)ncols);
        for (int64_t i = 0; i < b.length; i++) {
            assert_true(n < 4 * ROWS);
            if (ids)
                ids[n] = floe_arrow_get_int64(b.children[0], b.offset + i);
            n++;
        }
        b.release(&b);
    }
    s.release(&s);
    for (size_t i = 1; ids && i < n; i++)
        for (size_t j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
            int64_t x = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = x;
        }
    return n;
}

/* ids of a file in row order (position p holds out[p]). */
static size_t file_ids(int64_t *out, floe_table *t, const char *path, int *row_groups)
{
    floe_input_file *in = NULL;
    floe_parquet_reader *r = NULL;
    assert_int_equal(t->m->io->open(&in, t->m->io, path), 0);
    assert_int_equal(floe_parquet_reader_open(&r, in, NULL), 0);
    *row_groups = floe_parquet_reader_num_row_groups(r);
    struct ArrowArrayStream st;
    assert_int_equal(floe_parquet_reader_stream(&st, r), 0);
    size_t n = 0;
    for (;;) {
        struct ArrowArray b;
        assert_int_equal(floe_arrow_stream_get_next(&st, &b), 0);
        if (!b.release)
            break;
        for (int64_t i = 0; i < b.length; i++)
            out[n++] = floe_arrow_get_int64(b.children[0], b.offset + i);
        b.release(&b);
    }
    st.release(&st);
    floe_parquet_reader_free(r);
    floe_input_close(in);
    return n;
}

/* The planned tasks (internal plan), for data file paths, partitions and sequence numbers. */
static void plan(struct floe_manager_plan *p, floe_table *t, const char *filter)
{
    floe_scan_options so = FLOE_SCAN_OPTIONS_INIT;
    so.filter = filter;
    if (floe_manager__plan(p, t, &so))
        fail_msg("plan: %s", floe_error_last());
}

static const struct floe_manager_task *task_in(const struct floe_manager_plan *p, const char *part,
                                               int64_t seq)
{
    for (size_t i = 0; i < p->count; i++) {
        const char *tp = p->tasks[i].partition ? p->tasks[i].partition : "";
        if (strstr(tp, part) && (seq < 0 || p->tasks[i].data_sequence == seq))
            return &p->tasks[i];
    }
    fail_msg("no task in partition '%s' with sequence %" PRId64, part, seq);
    return NULL;
}

static char *file_at(floe_table *t, const char *name)
{
    return fmt("%s/data/%s", floe_table_location(t), name);
}

/* Writes a Parquet file, returning its size. */
static int64_t write_parquet(floe_table *t, const char *path, struct ArrowSchema *schema,
                             struct ArrowArray *batch, const floe_parquet_field_id *ids,
                             size_t nids)
{
    floe_output_file *f = NULL;
    assert_int_equal(t->m->io->create(&f, t->m->io, path, FLOE_CREATE_EXCLUSIVE), 0);
    floe_parquet_writer_options o = FLOE_PARQUET_WRITER_OPTIONS_INIT;
    o.field_ids = ids;
    o.n_field_ids = nids;
    floe_parquet_writer *w = NULL;
    assert_int_equal(floe_parquet_writer_open(&w, f, schema, &o), 0);
    assert_int_equal(floe_parquet_writer_write(w, batch), 0);
    assert_int_equal(floe_parquet_writer_close(w, NULL), 0);
    batch->release(batch);
    schema->release(schema);
    floe_input_file *in = NULL;
    assert_int_equal(t->m->io->open(&in, t->m->io, path), 0);
    uint64_t size = 0;
    assert_int_equal(in->size(&size, in), 0);
    floe_input_close(in);
    return (int64_t)size;
}

/* A position delete file with rows (paths[i], pos[i]), in the partition of `like` (NULL:
 * unpartitioned), with file_path bounds. (transfer full) */
static floe_data_file *pos_file(floe_table *t, const char *name, const char *const *paths,
                                const int64_t *pos, size_t n, const floe_data_file *like,
                                const char *referenced)
{
    const char *lo = paths[0], *hi = paths[0];
    for (size_t i = 0; i < n; i++) {
        if (strcmp(paths[i], lo) < 0)
            lo = paths[i];
        if (strcmp(paths[i], hi) > 0)
            hi = paths[i];
    }
    char *path = file_at(t, name);
    int64_t size = floe_mtest_write_position_deletes(t, path, paths, n, pos, n);
    floe_data_file *df = NULL;
    assert_int_equal(
        floe_data_file_new(&df, FLOE_CONTENT_POSITION_DELETES, path, "PARQUET", (int64_t)n, size),
        0);
    free(path);
    if (like && floe_data_file_partition_count(like))
        assert_int_equal(floe_data_file_set_partition(df, floe_data_file_partition(like, 0),
                                                      floe_data_file_partition_count(like)),
                         0);
    assert_int_equal(floe_data_file_set_bounds_bytes(df, FLOE_MANAGER_DELETE_FILE_PATH_ID,
                                                     (const uint8_t *)lo, strlen(lo),
                                                     (const uint8_t *)hi, strlen(hi)),
                     0);
    if (referenced)
        assert_int_equal(floe_data_file_set_referenced_data_file(df, referenced), 0);
    return df;
}

/* An equality delete file on columns `ids` of the table (values: names/longs per row, NULL
 * for a null), in the partition of `like` (NULL: unpartitioned). (transfer full) */
struct eq_row {
    int64_t id; /* -1: null */
    const char *name;
    const char *part;
};

static floe_data_file *eq_file(floe_table *t, const char *name, const int32_t *ids, size_t nids,
                               const struct eq_row *rows, size_t n, const floe_data_file *like)
{
    struct ArrowSchema schema;
    assert_int_equal(floe_manager__arrow_schema(&schema, t->schema, ids, nids), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
    for (size_t i = 0; i < n; i++) {
        for (size_t c = 0; c < nids; c++) {
            floe_arrow_builder *cb = floe_arrow_builder_child(b, (int64_t)c);
            const char *s = ids[c] == 2 ? rows[i].name : rows[i].part;
            if (ids[c] == 1)
                assert_int_equal(rows[i].id < 0 ? floe_arrow_builder_append_null(cb)
                                                : floe_arrow_builder_append_int(cb, rows[i].id),
                                 0);
            else
                assert_int_equal(s ? floe_arrow_builder_append_str(cb, s)
                                   : floe_arrow_builder_append_null(cb),
                                 0);
        }
    }
    struct ArrowArray a;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &a, NULL), 0);
    floe_arrow_builder_free(b);
    char *path = file_at(t, name);
    int64_t size = write_parquet(t, path, &schema, &a, NULL, 0);
    floe_data_file *df = NULL;
    assert_int_equal(
        floe_data_file_new(&df, FLOE_CONTENT_EQUALITY_DELETES, path, "PARQUET", (int64_t)n, size),
        0);
    free(path);
    assert_int_equal(floe_data_file_set_equality_ids(df, ids, nids), 0);
    if (like && floe_data_file_partition_count(like))
        assert_int_equal(floe_data_file_set_partition(df, floe_data_file_partition(like, 0),
                                                      floe_data_file_partition_count(like)),
                         0);
    return df;
}

/* Commits a "delete" snapshot adding the delete files in one delete manifest. seqs[i] >= 0
 * gives an explicit data sequence number, -1 inherits the new snapshot's. Frees dfs. */
static void commit_deletes_in(floe_table *t, const floe_partition_spec *spec, floe_data_file **dfs,
                              const int64_t *seqs, size_t n)
{
    static int64_t next_id = 7000;
    int64_t id = ++next_id;
    char *path = fmt("%s/metadata/del-%" PRId64 ".avro", floe_table_location(t), id);
    floe_output_file *f = NULL;
    assert_int_equal(t->m->io->create(&f, t->m->io, path, FLOE_CREATE_EXCLUSIVE), 0);
    free(path);
    floe_manifest_writer_options o = FLOE_MANIFEST_WRITER_OPTIONS_INIT;
    o.content = FLOE_MANIFEST_DELETES;
    o.snapshot_id = id;
    floe_manifest_writer *w = NULL;
    assert_int_equal(floe_manifest_writer_new(&w, f, t->schema, spec ? spec : t->spec, &o), 0);
    floe_summary_delta delta = FLOE_SUMMARY_DELTA_INIT;
    for (size_t i = 0; i < n; i++) {
        if (seqs && seqs[i] >= 0)
            assert_int_equal(floe_manifest_writer_add_with_sequence(w, dfs[i], seqs[i]), 0);
        else
            assert_int_equal(floe_manifest_writer_add(w, dfs[i]), 0);
        delta.added_delete_files++;
        if (floe_data_file_content(dfs[i]) == FLOE_CONTENT_EQUALITY_DELETES)
            delta.added_equality_delete_files++;
        else
            delta.added_position_delete_files++;
        delta.added_files_size += floe_data_file_size(dfs[i]);
        floe_data_file_free(dfs[i]);
    }
    floe_manifest_file *mf = NULL;
    assert_int_equal(floe_manifest_writer_finish(&mf, w), 0);
    floe_manifest_writer_free(w);
    struct floe_manager_commit c;
    memset(&c, 0, sizeof c);
    c.operation = "delete";
    c.snapshot_id = id;
    const floe_manifest_file *ms[1] = {mf};
    c.manifests = ms;
    c.manifest_count = 1;
    c.delta = delta;
    int64_t sid = 0;
    unsigned int attempts = 0;
    if (floe_manager__commit_snapshot(&sid, &attempts, t, &c, "test"))
        fail_msg("commit deletes: %s", floe_error_last());
    assert_int_equal(sid, id);
    floe_manifest_file_free(mf);
}

static void commit_deletes(floe_table *t, floe_data_file **dfs, const int64_t *seqs, size_t n)
{
    commit_deletes_in(t, NULL, dfs, seqs, n);
}

static bool has(const int64_t *ids, size_t n, int64_t x)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == x)
            return true;
    return false;
}

static void test_position_deletes_one_file_across_row_groups(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("deletes_pos_one");
    floe_manager *m = open_mgr(dir);
    floe_table *t = create(m, "db.t", NULL);
    append(t, 0, ROWS);
    struct floe_manager_plan p;
    plan(&p, t, NULL);
    assert_int_equal(p.count, 1);
    char *data = strdup(floe_data_file_path(p.tasks[0].df));
    floe_manager__plan_free(&p);
    static int64_t order[ROWS];
    int groups = 0;
    assert_int_equal(file_ids(order, t, data, &groups), ROWS);
    assert_true(groups > 1);
    /* duplicates, both ends, row group edges and a row of another (missing) file */
    const int64_t pos[] = {999, 0, 5, 5, 499, 500, 250, 3};
    const char *paths[] = {data, data, data, data, data, data, data, "s3://elsewhere/x.parquet"};
    floe_data_file *df = pos_file(t, "pd1.parquet", paths, pos, 8, NULL, NULL);
    commit_deletes(t, &df, NULL, 1);

    plan(&p, t, NULL);
    assert_int_equal(p.count, 1);
    assert_int_equal(p.tasks[0].delete_count, 1);
    assert_int_equal(p.deletes.count, 1);
    floe_manager__plan_free(&p);
    static int64_t ids[ROWS];
    const char *cols[] = {"id"};
    size_t n = scan(ids, t, NULL, cols, 1);
    assert_int_equal(n, ROWS - 6);
    for (int i = 0; i < 7; i++)
        assert_false(has(ids, n, order[pos[i]]));
    assert_true(has(ids, n, order[3]));
    assert_true(has(ids, n, order[1]));
    /* deletes are applied before the limit counts rows */
    floe_scan_options so = FLOE_SCAN_OPTIONS_INIT;
    so.limit = ROWS - 6;
    struct ArrowArrayStream s;
    assert_int_equal(floe_table_scan(&s, t, &so), 0);
    int64_t got = 0;
    for (;;) {
        struct ArrowArray b;
        assert_int_equal(floe_arrow_stream_get_next(&s, &b), 0);
        if (!b.release)
            break;
        got += b.length;
        b.release(&b);
    }
    s.release(&s);
    assert_int_equal(got, ROWS - 6);
    free(data);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_position_deletes_scoped_by_partition_and_referenced_file(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("deletes_pos_part");
    floe_manager *m = open_mgr(dir);
    floe_table *t = create(m, "db.t", "part");
    append(t, 0, ROWS);
    struct floe_manager_plan p;
    plan(&p, t, NULL);
    assert_int_equal(p.count, 2);
    const struct floe_manager_task *ta = task_in(&p, "part=a", -1);
    const struct floe_manager_task *tb = task_in(&p, "part=b", -1);
    char *fa = strdup(floe_data_file_path(ta->df));
    char *fb = strdup(floe_data_file_path(tb->df));
    static int64_t oa[ROWS], ob[ROWS];
    int groups = 0;
    assert_int_equal(file_ids(oa, t, fa, &groups), ROWS / 2);
    assert_int_equal(file_ids(ob, t, fb, &groups), ROWS / 2);
    floe_data_file *dfs[3];
    /* in b, naming b's file: applies */
    const char *pb[] = {fb, fb};
    const int64_t posb[] = {0, 1};
    dfs[0] = pos_file(t, "pd_b.parquet", pb, posb, 2, tb->df, NULL);
    /* in a's partition but naming b's file: a position delete applies only within its
     * partition, so b keeps row 2 (and a's file is outside the file_path bounds) */
    const char *pa[] = {fb};
    const int64_t posa[] = {2};
    dfs[1] = pos_file(t, "pd_a.parquet", pa, posa, 1, ta->df, NULL);
    /* in a, referencing b's file while listing a's row 3: referenced_data_file scopes it to b,
     * where it names no row of b */
    const char *pr[] = {fa};
    const int64_t posr[] = {3};
    dfs[2] = pos_file(t, "pd_r.parquet", pr, posr, 1, ta->df, fb);
    floe_manager__plan_free(&p);
    commit_deletes(t, dfs, NULL, 3);

    plan(&p, t, NULL);
    ta = task_in(&p, "part=a", -1);
    tb = task_in(&p, "part=b", -1);
    assert_int_equal(ta->delete_count, 0);
    assert_int_equal(tb->delete_count, 1);
    floe_manager__plan_free(&p);
    static int64_t ids[ROWS];
    const char *cols[] = {"id", "part"};
    size_t n = scan(ids, t, NULL, cols, 2);
    assert_int_equal(n, ROWS - 2);
    assert_false(has(ids, n, ob[0]));
    assert_false(has(ids, n, ob[1]));
    assert_true(has(ids, n, ob[2]));
    assert_true(has(ids, n, oa[3]));
    free(fa);
    free(fb);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_position_deletes_follow_sequence_numbers(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("deletes_pos_seq");
    floe_manager *m = open_mgr(dir);
    floe_table *t = create(m, "db.t", NULL);
    append(t, 0, 100);   /* seq 1 */
    append(t, 100, 100); /* seq 2 */
    struct floe_manager_plan p;
    plan(&p, t, NULL);
    assert_int_equal(p.count, 2);
    const struct floe_manager_task *t1 = task_in(&p, "", 1);
    const struct floe_manager_task *t2 = task_in(&p, "", 2);
    char *f1 = strdup(floe_data_file_path(t1->df));
    char *f2 = strdup(floe_data_file_path(t2->df));
    floe_manager__plan_free(&p);
    static int64_t o1[ROWS], o2[ROWS];
    int groups = 0;
    assert_int_equal(file_ids(o1, t, f1, &groups), 100);
    assert_int_equal(file_ids(o2, t, f2, &groups), 100);
    /* sequence 1 deletes rows of file 1 (equal sequence: applies) and of file 2 (older than
     * file 2: must not apply); sequence 2 deletes a row of file 2 (equal: applies) */
    const char *pa[] = {f1, f2};
    const int64_t posa[] = {10, 10};
    const char *pb[] = {f2};
    const int64_t posb[] = {20};
    floe_data_file *dfs[2] = {pos_file(t, "old.parquet", pa, posa, 2, NULL, NULL),
                              pos_file(t, "same.parquet", pb, posb, 1, NULL, NULL)};
    const int64_t seqs[2] = {1, 2};
    commit_deletes(t, dfs, seqs, 2);
    static int64_t ids[ROWS];
    const char *cols[] = {"id"};
    size_t n = scan(ids, t, NULL, cols, 1);
    assert_int_equal(n, 198);
    assert_false(has(ids, n, o1[10]));
    assert_true(has(ids, n, o2[10]));
    assert_false(has(ids, n, o2[20]));
    free(f1);
    free(f2);
    floe_table_free(t);
    floe_manager_free(m);
}

/* Expected survivors of eq deletes on id in {3, 4} and (name, part) in {(null, a), (n1, b)}. */
static bool eq_deleted(int64_t i)
{
    if (i == 3 || i == 4)
        return true;
    if (!name_of(i) && strcmp(part_of(i), "a") == 0)
        return true;
    return name_of(i) && strcmp(name_of(i), "n1") == 0 && strcmp(part_of(i), "b") == 0;
}

static void test_equality_deletes_one_and_two_columns_with_null_keys(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("deletes_eq");
    floe_manager *m = open_mgr(dir);
    floe_table *t = create(m, "db.t", NULL);
    append(t, 0, ROWS);
    const int32_t by_id[] = {1};
    const struct eq_row r1[] = {{3, NULL, NULL}, {4, NULL, NULL}, {3, NULL, NULL}};
    const int32_t by_name_part[] = {2, 3};
    const struct eq_row r2[] = {{0, NULL, "a"}, {0, "n1", "b"}, {0, "zz", "a"}};
    floe_data_file *dfs[2] = {eq_file(t, "eq_id.parquet", by_id, 1, r1, 3, NULL),
                              eq_file(t, "eq_np.parquet", by_name_part, 2, r2, 3, NULL)};
    commit_deletes(t, dfs, NULL, 2);
    static int64_t ids[ROWS];
    const char *cols[] = {"id", "name"};
    size_t n = scan(ids, t, NULL, cols, 2);
    size_t want = 0;
    for (int64_t i = 0; i < ROWS; i++)
        if (!eq_deleted(i)) {
            assert_true(has(ids, n, i));
            want++;
        }
    assert_int_equal(n, want);
    assert_true(want < ROWS - 100);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_equality_deletes_only_older_data_and_own_partition(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("deletes_eq_seq");
    floe_manager *m = open_mgr(dir);
    floe_table *t = create(m, "db.t", "part");
    append(t, 0, 100); /* seq 1 */
    struct floe_manager_plan p;
    plan(&p, t, NULL);
    const struct floe_manager_task *ta = task_in(&p, "part=a", -1);
    floe_data_file *like_a = NULL;
    assert_int_equal(floe_data_file_copy(&like_a, ta->df), 0);
    floe_manager__plan_free(&p);
    /* seq 2 (inherited), partition a: ids 10, 11 (11 is in b: out of scope) */
    const int32_t by_id[] = {1};
    const struct eq_row r[] = {{10, NULL, NULL}, {11, NULL, NULL}};
    floe_data_file *d1 = eq_file(t, "eq1.parquet", by_id, 1, r, 2, like_a);
    commit_deletes(t, &d1, NULL, 1);
    append(t, 0, 100); /* seq 3: ids 0..99 again */
    /* explicit seq 3 equals the new data's: only the seq-1 data loses id 20 */
    const struct eq_row r3[] = {{20, NULL, NULL}};
    floe_data_file *d3 = eq_file(t, "eq3.parquet", by_id, 1, r3, 1, like_a);
    const int64_t seq3[] = {3};
    commit_deletes(t, &d3, seq3, 1);
    floe_data_file_free(like_a);

    static int64_t ids[ROWS];
    const char *cols[] = {"id"};
    size_t n = scan(ids, t, NULL, cols, 1);
    assert_int_equal(n, 200 - 2);
    size_t c10 = 0, c11 = 0, c20 = 0;
    for (size_t i = 0; i < n; i++) {
        c10 += ids[i] == 10;
        c11 += ids[i] == 11;
        c20 += ids[i] == 20;
    }
    assert_int_equal(c10, 1);
    assert_int_equal(c11, 2);
    assert_int_equal(c20, 1);
    plan(&p, t, NULL);
    assert_int_equal(task_in(&p, "part=a", 1)->delete_count, 2);
    assert_int_equal(task_in(&p, "part=a", 3)->delete_count, 0);
    assert_int_equal(task_in(&p, "part=b", 1)->delete_count, 0);
    floe_manager__plan_free(&p);
    floe_table_free(t);
    floe_manager_free(m);
}

static int partition_by_part(floe_spec_update *u, void *ctx)
{
    (void)ctx;
    return floe_spec_update_add_identity(u, "part");
}

static void test_equality_deletes_of_unpartitioned_spec_are_global(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("deletes_eq_global");
    floe_manager *m = open_mgr(dir);
    floe_table *t = create(m, "db.t", NULL);
    append(t, 0, 100); /* spec 0 (unpartitioned), seq 1 */
    assert_int_equal(floe_table_alter_partition(t, partition_by_part, NULL), 0);
    append(t, 100, 100); /* spec 1 (part), seq 2 */
    const char *j = floe_table_metadata_spec_json(t->md, 0);
    assert_non_null(j);
    floe_partition_spec *spec0 = NULL;
    assert_int_equal(floe_partition_spec_from_json(&spec0, j, strlen(j)), 0);
    assert_int_equal(floe_partition_spec_field_count(spec0), 0);
    struct floe_manager_plan p;
    plan(&p, t, NULL);
    assert_int_equal(p.count, 3);
    floe_data_file *like_a = NULL;
    assert_int_equal(floe_data_file_copy(&like_a, task_in(&p, "part=a", 2)->df), 0);
    floe_manager__plan_free(&p);
    const int32_t by_id[] = {1};
    /* written under spec 0: reaches every partition of every spec */
    const struct eq_row rg[] = {
        {2, NULL, NULL}, {3, NULL, NULL}, {102, NULL, NULL}, {103, NULL, NULL}};
    floe_data_file *g = eq_file(t, "eq_global.parquet", by_id, 1, rg, 4, NULL);
    commit_deletes_in(t, spec0, &g, NULL, 1);
    /* written under spec 1 in part=a: not the spec-0 file (4), not part=b (105) */
    const struct eq_row ra[] = {{4, NULL, NULL}, {104, NULL, NULL}, {105, NULL, NULL}};
    floe_data_file *a = eq_file(t, "eq_a.parquet", by_id, 1, ra, 3, like_a);
    commit_deletes(t, &a, NULL, 1);
    floe_data_file_free(like_a);
    floe_partition_spec_free(spec0);
    static int64_t ids[ROWS];
    const char *cols[] = {"id"};
    size_t n = scan(ids, t, NULL, cols, 1);
    assert_int_equal(n, 200 - 5);
    for (int64_t x = 2; x <= 4; x++) {
        assert_false(has(ids, n, 100 + x));
        assert_int_equal(has(ids, n, x), x == 4);
    }
    assert_true(has(ids, n, 105));
    plan(&p, t, NULL);
    assert_int_equal(task_in(&p, "", 1)->delete_count, 1);
    assert_int_equal(task_in(&p, "part=a", 2)->delete_count, 2);
    assert_int_equal(task_in(&p, "part=b", 2)->delete_count, 1);
    floe_manager__plan_free(&p);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_deletes_with_filter_and_projection(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("deletes_filter");
    floe_manager *m = open_mgr(dir);
    floe_table *t = create(m, "db.t", NULL);
    append(t, 0, ROWS);
    struct floe_manager_plan p;
    plan(&p, t, NULL);
    char *data = strdup(floe_data_file_path(p.tasks[0].df));
    floe_manager__plan_free(&p);
    static int64_t order[ROWS];
    int groups = 0;
    assert_int_equal(file_ids(order, t, data, &groups), ROWS);
    const char *paths[] = {data, data};
    const int64_t pos[] = {1, 600};
    /* the equality column "name" is projected away by the scan below */
    const int32_t by_name[] = {2};
    const struct eq_row r[] = {{0, "n2", NULL}};
    floe_data_file *dfs[2] = {pos_file(t, "pf.parquet", paths, pos, 2, NULL, NULL),
                              eq_file(t, "ef.parquet", by_name, 1, r, 1, NULL)};
    commit_deletes(t, dfs, NULL, 2);
    static int64_t ids[ROWS];
    const char *cols[] = {"id"};
    size_t n = scan(ids, t, "id < 500 and part = 'b'", cols, 1);
    size_t want = 0;
    for (int64_t i = 0; i < 500; i++) {
        bool keep = strcmp(part_of(i), "b") == 0 && !(name_of(i) && !strcmp(name_of(i), "n2")) &&
                    i != order[1] && i != order[600];
        assert_int_equal(has(ids, n, i), keep);
        want += keep;
    }
    assert_int_equal(n, want);
    free(data);
    floe_table_free(t);
    floe_manager_free(m);
}

/* A delete file floe cannot apply must fail the scan, never return the rows it deletes. */
static void test_unapplicable_delete_files_fail_the_scan(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("deletes_unsupported");
    floe_manager *m = open_mgr(dir);
    floe_table *t = create(m, "db.t", NULL);
    append(t, 0, 10);
    floe_data_file *avro = NULL;
    char *path = file_at(t, "pd.avro");
    assert_int_equal(floe_data_file_new(&avro, FLOE_CONTENT_POSITION_DELETES, path, "AVRO", 1, 100),
                     0);
    free(path);
    commit_deletes(t, &avro, NULL, 1);
    floe_scan_options so = FLOE_SCAN_OPTIONS_INIT;
    struct ArrowArrayStream s;
    assert_int_equal(floe_table_scan(&s, t, &so), FLOE_EUNSUPPORTED);
    assert_non_null(strstr(floe_error_last(), "pd.avro"));
    floe_scan_plan *sp = NULL;
    assert_int_equal(floe_table_plan(&sp, t, &so), FLOE_EUNSUPPORTED);
    assert_null(sp);
    floe_table_free(t);
    floe_manager_free(m);

    dir = floe_test_tmpdir("deletes_unknown_column");
    m = open_mgr(dir);
    t = create(m, "db.t", NULL);
    append(t, 0, 10);
    const int32_t by_id[] = {1};
    const struct eq_row r[] = {{1, NULL, NULL}};
    floe_data_file *eq = eq_file(t, "eq.parquet", by_id, 1, r, 1, NULL);
    const int32_t unknown[] = {99};
    assert_int_equal(floe_data_file_set_equality_ids(eq, unknown, 1), 0);
    commit_deletes(t, &eq, NULL, 1);
    assert_int_equal(floe_table_scan(&s, t, &so), 0);
    struct ArrowArray b;
    assert_int_equal(floe_arrow_stream_get_next(&s, &b), FLOE_EUNSUPPORTED);
    assert_non_null(strstr(floe_error_last(), "field id 99"));
    s.release(&s);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_deletes_match_duckdb(void **state)
{
    (void)state;
    FLOE_REQUIRE_INTEROP();
    const char *dir = floe_test_tmpdir("deletes_duckdb");
    floe_manager *m = open_mgr(dir);
    floe_table *t = create(m, "db.t", NULL);
    append(t, 0, 500);   /* seq 1 */
    append(t, 500, 500); /* seq 2 */
    struct floe_manager_plan p;
    plan(&p, t, NULL);
    char *f1 = strdup(floe_data_file_path(task_in(&p, "", 1)->df));
    char *f2 = strdup(floe_data_file_path(task_in(&p, "", 2)->df));
    floe_manager__plan_free(&p);
    const char *pp[] = {f1, f1, f2, f2};
    const int64_t pos[] = {0, 77, 3, 499};
    const int32_t by_np[] = {2, 3};
    const struct eq_row r[] = {{0, NULL, "b"}, {0, "n3", "a"}};
    floe_data_file *dfs[2] = {pos_file(t, "dpos.parquet", pp, pos, 4, NULL, NULL),
                              eq_file(t, "deq.parquet", by_np, 2, r, 2, NULL)};
    const int64_t seqs[2] = {2, 2}; /* the equality delete reaches file 1 only */
    commit_deletes(t, dfs, seqs, 2);

    char *spec = fmt("{\"data\":[{\"path\":\"%s\",\"seq\":1},{\"path\":\"%s\",\"seq\":2}],"
                     "\"deletes\":[{\"path\":\"%s/data/dpos.parquet\",\"kind\":\"pos\",\"seq\":2},"
                     "{\"path\":\"%s/data/deq.parquet\",\"kind\":\"eq\",\"seq\":2,"
                     "\"columns\":[\"name\",\"part\"]}]}",
                     f1, f2, floe_table_location(t), floe_table_location(t));
    char *spec_path = fmt("%s/spec.json", dir);
    assert_int_equal(floe_test_write_file(spec_path, spec, strlen(spec)), 0);
    char *out = NULL;
    assert_int_equal(floe_test_node("manager_deletes.mjs", spec_path, &out), 0);
    static int64_t ids[ROWS];
    const char *cols[] = {"id"};
    size_t n = scan(ids, t, NULL, cols, 1);
    /* the script prints the surviving ids, sorted, comma separated */
    char *mine = NULL;
    size_t cap = n * 12 + 2, len = 0;
    mine = malloc(cap);
    assert_non_null(mine);
    mine[0] = '\0';
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(mine + len, cap - len, "%s%" PRId64, i ? "," : "", ids[i]);
    char *nl = strchr(out, '\n');
    if (nl)
        *nl = '\0';
    assert_string_equal(out, mine);
    assert_true(n > 0 && n < ROWS - 4);
    free(mine);
    free(out);
    free(spec);
    free(spec_path);
    free(f1);
    free(f2);
    floe_table_free(t);
    floe_manager_free(m);
}

/* ids deleted in test_overwrite_keeps_deleted_rows_deleted: by name "n2" (equality) or by
 * position (pos_ids, the ids at the deleted positions). */
static bool ow_deleted(int64_t i, const int64_t *pos_ids, size_t npos)
{
    return (name_of(i) && strcmp(name_of(i), "n2") == 0) || has(pos_ids, npos, i);
}

static bool lists(const floe_scan_task *k, const char *suffix)
{
    for (size_t j = 0; j < k->delete_count; j++) {
        size_t a = strlen(k->delete_files[j]), b = strlen(suffix);
        if (a >= b && strcmp(k->delete_files[j] + a - b, suffix) == 0)
            return true;
    }
    return false;
}

/* Overwriting by filter rewrites partly matched files and drops wholly matched ones: rows that
 * delete files had removed must stay removed (the rewritten file has a new path and sequence
 * number, out of the old deletes' reach), and the plan lists each file's delete files. */
static void test_overwrite_keeps_deleted_rows_deleted(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("deletes_overwrite");
    floe_manager *m = open_mgr(dir);
    floe_table *t = create(m, "db.t", NULL);
    append(t, 0, ROWS);   /* seq 1: partly matched by the filter below */
    append(t, 3000, 100); /* seq 2: wholly matched */
    append(t, 5000, 100); /* seq 3: not matched, keeps its deletes */
    struct floe_manager_plan p;
    plan(&p, t, NULL);
    char *f1 = strdup(floe_data_file_path(task_in(&p, "", 1)->df));
    char *f2 = strdup(floe_data_file_path(task_in(&p, "", 2)->df));
    char *f3 = strdup(floe_data_file_path(task_in(&p, "", 3)->df));
    floe_manager__plan_free(&p);
    static int64_t o1[ROWS], o2[ROWS], o3[ROWS];
    int groups = 0;
    assert_int_equal(file_ids(o1, t, f1, &groups), ROWS);
    assert_int_equal(file_ids(o2, t, f2, &groups), 100);
    assert_int_equal(file_ids(o3, t, f3, &groups), 100);
    const char *p1[] = {f1, f1, f1, f1};
    const int64_t pos1[] = {1, 2, 600, 999};
    const char *p2[] = {f2, f2};
    const int64_t pos2[] = {0, 5};
    const char *p3[] = {f3};
    const int64_t pos3[] = {7};
    const int32_t by_name[] = {2};
    const struct eq_row r[] = {{0, "n2", NULL}};
    floe_data_file *dfs[4] = {pos_file(t, "ow_p1.parquet", p1, pos1, 4, NULL, f1),
                              pos_file(t, "ow_p2.parquet", p2, pos2, 2, NULL, f2),
                              pos_file(t, "ow_p3.parquet", p3, pos3, 1, NULL, f3),
                              eq_file(t, "ow_eq.parquet", by_name, 1, r, 1, NULL)};
    commit_deletes(t, dfs, NULL, 4); /* seq 4 */
    const int64_t pos_ids[] = {o1[1], o1[2], o1[600], o1[999], o2[0], o2[5], o3[7]};
    const size_t npos = 7;
    /* a row at a deleted position below 300: the rewrite must not bring it back */
    assert_true(o1[1] < 300 || o1[2] < 300);

    /* the public plan lists each file's delete files: its own position file and the
     * equality file */
    floe_scan_plan *sp = NULL;
    floe_scan_options so = FLOE_SCAN_OPTIONS_INIT;
    assert_int_equal(floe_table_plan(&sp, t, &so), 0);
    assert_int_equal(sp->task_count, 3);
    for (size_t i = 0; i < sp->task_count; i++) {
        const floe_scan_task *k = &sp->tasks[i];
        const char *own = strcmp(k->path, f1) == 0   ? "/ow_p1.parquet"
                          : strcmp(k->path, f2) == 0 ? "/ow_p2.parquet"
                                                     : "/ow_p3.parquet";
        assert_int_equal(k->delete_count, 2);
        assert_true(lists(k, own));
        assert_true(lists(k, "/ow_eq.parquet"));
    }
    floe_scan_plan_free(sp);
    if (floe_test_floe_bin()) {
        char *cmd = fmt("FLOE_LOG_LEVEL=error '%s' table files db.t --json --warehouse '%s'",
                        floe_test_floe_bin(), dir);
        char *out = NULL;
        assert_int_equal(floe_test_run(cmd, 0, &out), 0);
        json_error_t je;
        json_t *arr = json_loads(out, 0, &je);
        assert_non_null(arr);
        assert_int_equal(json_array_size(arr), 3);
        for (size_t i = 0; i < 3; i++) {
            json_t *d = json_object_get(json_array_get(arr, i), "delete-files");
            assert_int_equal(json_array_size(d), 2);
        }
        json_decref(arr);
        free(out);
        free(cmd);
        /* the text form keeps one line per data file, its delete files last */
        cmd = fmt("FLOE_LOG_LEVEL=error '%s' table files db.t --warehouse '%s'",
                  floe_test_floe_bin(), dir);
        assert_int_equal(floe_test_run(cmd, 0, &out), 0);
        size_t lines = 0;
        for (char *line = out; line && *line;
             line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
            lines++;
            char *d = strstr(line, "\tdeletes=");
            char *end = strchr(line, '\n');
            assert_non_null(d);
            assert_true(!end || d < end);
        }
        assert_int_equal(lines, 3);
        assert_non_null(strstr(out, "/ow_eq.parquet"));
        assert_non_null(strstr(out, "/ow_p1.parquet"));
        free(out);
        free(cmd);
    }

    /* the filter matches file 2 whole (its rows are counted, not rewritten) and file 1 in
     * part */
    plan(&p, t, "id < 300 or (id >= 3000 and id < 4000)");
    assert_int_equal(p.count, 2);
    assert_true(task_in(&p, "", 2)->all_match);
    assert_false(task_in(&p, "", 1)->all_match);
    floe_manager__plan_free(&p);

    /* new rows include "n2" names: the older equality delete must not reach them */
    struct ArrowArrayStream s;
    rows_stream(&s, t, 9000, 20);
    floe_write_result wr;
    if (floe_table_overwrite(&wr, t, &s, "id < 300 or (id >= 3000 and id < 4000)", NULL))
        fail_msg("overwrite: %s", floe_error_last());
    if (s.release)
        s.release(&s);
    int64_t want_removed = 0;
    for (int64_t i = 0; i < 300; i++)
        want_removed += !ow_deleted(i, pos_ids, npos);
    for (int64_t i = 3000; i < 3100; i++)
        want_removed += !ow_deleted(i, pos_ids, npos);
    assert_int_equal(wr.deleted_records, want_removed);
    assert_int_equal(wr.deleted_files, 2);
    assert_int_equal(wr.added_records, 20);
    /* the summary counts data file records (deleted rows included): total-records is the sum
     * of the live files' record counts */
    json_t *snaps = NULL;
    assert_int_equal(floe_table_snapshots(&snaps, t), 0);
    json_t *sum = json_object_get(json_array_get(snaps, json_array_size(snaps) - 1), "summary");
    const char *total = json_string_value(json_object_get(sum, "total-records"));
    assert_non_null(total);
    int64_t files_total = 0;
    assert_int_equal(floe_table_plan(&sp, t, &so), 0);
    for (size_t i = 0; i < sp->task_count; i++)
        files_total += sp->tasks[i].record_count;
    floe_scan_plan_free(sp);
    assert_int_equal(strtoll(total, NULL, 10), files_total);
    assert_string_equal(json_string_value(json_object_get(sum, "deleted-records")), "1100");
    json_decref(snaps);

    /* row by row: the rows of the three inputs minus deleted and overwritten ones, plus the
     * new rows */
    static int64_t ids[4 * ROWS], want[4 * ROWS];
    size_t nw = 0;
    for (int64_t i = 300; i < ROWS; i++)
        if (!ow_deleted(i, pos_ids, npos))
            want[nw++] = i;
    for (int64_t i = 5000; i < 5100; i++)
        if (!ow_deleted(i, pos_ids, npos))
            want[nw++] = i;
    for (int64_t i = 9000; i < 9020; i++)
        want[nw++] = i;
    const char *cols[] = {"id"};
    size_t n = scan(ids, t, NULL, cols, 1);
    assert_int_equal(n, nw);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ids[i], want[i]);

    /* the rewritten and new files are out of reach of every old delete file; the untouched
     * file keeps its own */
    plan(&p, t, NULL);
    assert_int_equal(p.count, 3);
    char *live[3] = {NULL, NULL, NULL};
    for (size_t i = 0; i < p.count; i++) {
        const char *path = floe_data_file_path(p.tasks[i].df);
        assert_true(strcmp(path, f1) != 0 && strcmp(path, f2) != 0);
        assert_int_equal(p.tasks[i].delete_count, strcmp(path, f3) == 0 ? 2 : 0);
        live[i] = strdup(path);
    }
    floe_manager__plan_free(&p);

    if (floe_test_interop_available()) {
        /* DuckDB reads the live files, applying the untouched file's deletes itself */
        char *spec = fmt("{\"data\":[{\"path\":\"%s\",\"seq\":3},{\"path\":\"%s\",\"seq\":5},"
                         "{\"path\":\"%s\",\"seq\":5}],"
                         "\"deletes\":[{\"path\":\"%s/data/ow_p3.parquet\",\"kind\":\"pos\","
                         "\"seq\":4},{\"path\":\"%s/data/ow_eq.parquet\",\"kind\":\"eq\","
                         "\"seq\":4,\"columns\":[\"name\"]}]}",
                         f3, strcmp(live[0], f3) ? live[0] : live[2],
                         strcmp(live[1], f3) ? live[1] : live[2], floe_table_location(t),
                         floe_table_location(t));
        char *spec_path = fmt("%s/ow_spec.json", dir);
        assert_int_equal(floe_test_write_file(spec_path, spec, strlen(spec)), 0);
        char *out = NULL;
        assert_int_equal(floe_test_node("manager_deletes.mjs", spec_path, &out), 0);
        char *mine = malloc(nw * 12 + 2);
        assert_non_null(mine);
        size_t len = 0;
        mine[0] = '\0';
        for (size_t i = 0; i < nw; i++)
            len += (size_t)snprintf(mine + len, nw * 12 + 2 - len, "%s%" PRId64, i ? "," : "",
                                    want[i]);
        char *nl = strchr(out, '\n');
        if (nl)
            *nl = '\0';
        assert_string_equal(out, mine);
        free(mine);
        free(out);
        free(spec_path);
        free(spec);
    }
    for (size_t i = 0; i < 3; i++)
        free(live[i]);
    free(f1);
    free(f2);
    free(f3);
    floe_table_free(t);
    floe_manager_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_position_deletes_one_file_across_row_groups),
        cmocka_unit_test(test_position_deletes_scoped_by_partition_and_referenced_file),
        cmocka_unit_test(test_position_deletes_follow_sequence_numbers),
        cmocka_unit_test(test_equality_deletes_one_and_two_columns_with_null_keys),
        cmocka_unit_test(test_equality_deletes_only_older_data_and_own_partition),
        cmocka_unit_test(test_equality_deletes_of_unpartitioned_spec_are_global),
        cmocka_unit_test(test_deletes_with_filter_and_projection),
        cmocka_unit_test(test_unapplicable_delete_files_fail_the_scan),
        cmocka_unit_test(test_deletes_match_duckdb),
        cmocka_unit_test(test_overwrite_keeps_deleted_rows_deleted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
