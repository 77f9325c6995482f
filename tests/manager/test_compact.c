/* Compaction and manifest rewrites (seed 001 Phase 11, "Change and maintain tables"): small
 * files bin-packed per partition into a `replace` snapshot with the same rows, delete files
 * applied while rewriting, concurrent appends rebased, concurrent removals refused with the
 * written files cleaned up, dry runs, and merged manifests. DuckDB reads the live files. */
/* nftw */
#define _XOPEN_SOURCE 700

#include "test_support.h"

#include <ftw.h>
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
#include <floe/iceberg/schema.h>
#include <floe/iceberg/schema_update.h>
#include <floe/iceberg/spec_update.h>
#include <floe/parquet/reader.h>
#include <floe/parquet/writer.h>
#include <floe/table.h>
#include <floe/table_compact.h>
#include <floe/table_delete.h>

#include "manager_test_util.h"
#include "manager/deletes.h"
#include "manager/manager_internal.h"
#include "manager/write_internal.h"

#define MAX_IDS 4096

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

static floe_manager *open_mgr(const char *name)
{
    floe_manager_options o = FLOE_MANAGER_OPTIONS_INIT;
    o.warehouse = floe_test_tmpdir(name);
    o.retry_base_ms = 1;
    floe_manager *m = NULL;
    if (floe_manager_open(&m, &o))
        fail_msg("open: %s", floe_error_last());
    int rc = floe_manager_create_namespace(m, "db", NULL, 0);
    assert_true(rc == 0 || rc == FLOE_EEXISTS);
    return m;
}

static floe_table *create(floe_manager *m, const char *partition_by)
{
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id long not null, region string";
    co.partition_by = partition_by;
    floe_table *t = NULL;
    if (floe_manager_create_table(&t, m, "db.t", &co))
        fail_msg("create: %s", floe_error_last());
    return t;
}

/* Appends n ids start, start + step, ...: region "eu" for even ids, "us" for odd. */
static void append_step(floe_table *t, int64_t start, int64_t n, int64_t step)
{
    struct ArrowSchema schema;
    assert_int_equal(floe_table_arrow_schema(&schema, t), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
    for (int64_t i = start; i < start + n * step; i += step) {
        assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), i), 0);
        assert_int_equal(
            floe_arrow_builder_append_str(floe_arrow_builder_child(b, 1), i % 2 ? "us" : "eu"), 0);
    }
    struct ArrowArray a;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &a, NULL), 0);
    floe_arrow_builder_free(b);
    struct ArrowArrayStream s;
    assert_int_equal(floe_arrow_stream_from_batches(&s, &schema, &a, 1), 0);
    if (floe_table_append(NULL, t, &s, NULL))
        fail_msg("append: %s", floe_error_last());
    s.release(&s);
}

/* Appends ids [start, start + n): region "eu" for even ids, "us" for odd. */
static void append(floe_table *t, int64_t start, int64_t n)
{
    append_step(t, start, n, 1);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* The sorted ids of a scan (snapshot -1: current). */
static size_t scan_ids(int64_t *ids, floe_table *t, int64_t snapshot)
{
    floe_scan_options o = FLOE_SCAN_OPTIONS_INIT;
    o.snapshot_id = snapshot;
    struct ArrowArrayStream s;
    if (floe_table_scan(&s, t, &o))
        fail_msg("scan: %s", floe_error_last());
    size_t n = 0;
    for (;;) {
        struct ArrowArray b;
        assert_int_equal(floe_arrow_stream_get_next(&s, &b), 0);
        if (!b.release)
            break;
        for (int64_t i = 0; i < b.length; i++) {
            assert_true(n < MAX_IDS);
            ids[n++] = floe_arrow_get_int64(b.children[0], b.offset + i);
        }
        b.release(&b);
    }
    s.release(&s);
    qsort(ids, n, sizeof *ids, cmp_i64);
    return n;
}

static floe_scan_plan *plan_of(floe_table *t, int64_t snapshot)
{
    floe_scan_options o = FLOE_SCAN_OPTIONS_INIT;
    o.snapshot_id = snapshot;
    floe_scan_plan *p = NULL;
    if (floe_table_plan(&p, t, &o))
        fail_msg("plan: %s", floe_error_last());
    return p;
}

static size_t files_in(floe_table *t, const char *partition)
{
    floe_scan_plan *p = plan_of(t, -1);
    size_t n = 0;
    for (size_t i = 0; i < p->task_count; i++)
        n += !partition || strcmp(p->tasks[i].partition, partition) == 0;
    floe_scan_plan_free(p);
    return n;
}

static json_t *last_snapshot(floe_table *t)
{
    json_t *snaps = NULL;
    assert_int_equal(floe_table_snapshots(&snaps, t), 0);
    json_t *last = json_incref(json_array_get(snaps, json_array_size(snaps) - 1));
    json_decref(snaps);
    return last;
}

static const char *summary_of(json_t *snap, const char *key)
{
    const char *v = json_string_value(json_object_get(json_object_get(snap, "summary"), key));
    return v ? v : "(none)";
}

/* The ids DuckDB reads from the table's live data files (no delete files may apply). */
static char *duckdb_ids(floe_table *t, const char *dir)
{
    floe_scan_plan *p = plan_of(t, -1);
    size_t cap = 64 + p->task_count * 4200, len = 0;
    char *spec = malloc(cap);
    assert_non_null(spec);
    len += (size_t)snprintf(spec + len, cap - len, "{\"data\":[");
    for (size_t i = 0; i < p->task_count; i++) {
        assert_int_equal(p->tasks[i].delete_count, 0);
        len += (size_t)snprintf(spec + len, cap - len, "%s{\"path\":\"%s\",\"seq\":1}",
                                i ? "," : "", p->tasks[i].path);
    }
    snprintf(spec + len, cap - len, "],\"deletes\":[]}");
    floe_scan_plan_free(p);
    char *path = fmt("%s/duck.json", dir);
    assert_int_equal(floe_test_write_file(path, spec, strlen(spec)), 0);
    char *out = NULL;
    assert_int_equal(floe_test_node("manager_deletes.mjs", path, &out), 0);
    char *nl = strchr(out, '\n');
    if (nl)
        *nl = '\0';
    free(path);
    free(spec);
    return out;
}

static char *ids_text(const int64_t *ids, size_t n)
{
    size_t cap = n * 21 + 2, len = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    s[0] = '\0';
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(s + len, cap - len, "%s%" PRId64, i ? "," : "", ids[i]);
    return s;
}

static void test_compact_fifty_appends_per_partition(void **state)
{
    (void)state;
    floe_manager *m = open_mgr("compact_fifty");
    floe_table *t = create(m, "region");
    for (int i = 0; i < 50; i++)
        append(t, i * 20, 20);
    assert_int_equal(files_in(t, "region=eu"), 50);
    assert_int_equal(files_in(t, "region=us"), 50);
    int64_t before_snap = floe_table_current_snapshot_id(t);
    static int64_t before[MAX_IDS], after[MAX_IDS];
    size_t nb = scan_ids(before, t, -1);
    assert_int_equal(nb, 1000);

    floe_compact_result *r = NULL;
    if (floe_table_compact(&r, t, NULL))
        fail_msg("compact: %s", floe_error_last());
    assert_int_equal(floe_compact_result_group_count(r), 2);
    assert_int_equal(floe_compact_result_rewritten_files(r), 100);
    assert_int_equal(floe_compact_result_added_files(r), 2);
    assert_int_equal(floe_compact_result_added_records(r), 1000);
    assert_int_equal(floe_compact_result_attempts(r), 1);
    assert_true(floe_compact_result_snapshot_id(r) > 0);
    assert_int_equal(floe_compact_result_snapshot_id(r), floe_table_current_snapshot_id(t));
    const floe_compact_group *g = floe_compact_result_group(r, 0);
    assert_non_null(g);
    assert_string_equal(g->partition, "region=eu");
    assert_int_equal(g->input_count, 50);
    assert_int_equal(g->expected_files, 1);
    floe_compact_result_free(r);

    assert_int_equal(files_in(t, "region=eu"), 1);
    assert_int_equal(files_in(t, "region=us"), 1);
    size_t na = scan_ids(after, t, -1);
    assert_int_equal(na, nb);
    assert_memory_equal(before, after, nb * sizeof *before);

    json_t *snap = last_snapshot(t);
    assert_string_equal(json_string_value(json_object_get(snap, "operation")), "replace");
    assert_string_equal(summary_of(snap, "added-data-files"), "2");
    assert_string_equal(summary_of(snap, "deleted-data-files"), "100");
    assert_string_equal(summary_of(snap, "added-records"), "1000");
    assert_string_equal(summary_of(snap, "deleted-records"), "1000");
    assert_string_equal(summary_of(snap, "total-records"), "1000");
    assert_string_equal(summary_of(snap, "total-data-files"), "2");
    json_decref(snap);

    /* time travel to before the compaction reads the 100 small files */
    floe_scan_plan *old = plan_of(t, before_snap);
    assert_int_equal(old->task_count, 100);
    floe_scan_plan_free(old);
    assert_int_equal(scan_ids(after, t, before_snap), 1000);
    assert_memory_equal(before, after, nb * sizeof *before);

    /* nothing left to compact: no new snapshot */
    int64_t cur = floe_table_current_snapshot_id(t);
    assert_int_equal(floe_table_compact(&r, t, NULL), 0);
    assert_int_equal(floe_compact_result_group_count(r), 0);
    assert_int_equal(floe_compact_result_snapshot_id(r), -1);
    floe_compact_result_free(r);
    assert_int_equal(floe_table_current_snapshot_id(t), cur);

    if (floe_test_interop_available()) {
        char *duck = duckdb_ids(t, floe_manager_warehouse(m));
        char *mine = ids_text(before, nb);
        assert_string_equal(duck, mine);
        free(duck);
        free(mine);
    }
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_compact_min_input_files_and_target(void **state)
{
    (void)state;
    floe_manager *m = open_mgr("compact_options");
    floe_table *t = create(m, NULL);
    for (int i = 0; i < 4; i++)
        append(t, i * 10, 10);
    floe_compact_result *r = NULL;
    /* four files: below the default minimum of five */
    assert_int_equal(floe_table_compact(&r, t, NULL), 0);
    assert_int_equal(floe_compact_result_group_count(r), 0);
    floe_compact_result_free(r);
    assert_int_equal(files_in(t, NULL), 4);
    floe_compact_options o = FLOE_COMPACT_OPTIONS_INIT;
    o.min_input_files = 2;
    assert_int_equal(floe_table_compact(&r, t, &o), 0);
    assert_int_equal(floe_compact_result_group_count(r), 1);
    floe_compact_result_free(r);
    assert_int_equal(files_in(t, NULL), 1);
    /* a negative target is refused */
    o.target_file_size = -1;
    assert_int_equal(floe_table_compact(&r, t, &o), FLOE_EINVALID);
    assert_null(r);
    floe_table_free(t);
    floe_manager_free(m);
}

/* ---- deletes ---- */

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

/* A position delete file deleting positions pos[0..n) of data file `target`. */
static floe_data_file *pos_delete(floe_table *t, const char *target, const int64_t *pos, size_t n)
{
    char *path = fmt("%s/data/pos-del.parquet", floe_table_location(t));
    int64_t size = floe_mtest_write_position_deletes(t, path, &target, 1, pos, n);
    floe_data_file *df = NULL;
    assert_int_equal(
        floe_data_file_new(&df, FLOE_CONTENT_POSITION_DELETES, path, "PARQUET", (int64_t)n, size),
        0);
    assert_int_equal(floe_data_file_set_referenced_data_file(df, target), 0);
    free(path);
    return df;
}

/* An equality delete file on column id deleting ids[0..n). */
static floe_data_file *eq_delete(floe_table *t, const int64_t *idv, size_t n)
{
    const int32_t ids[1] = {1};
    struct ArrowSchema schema;
    assert_int_equal(floe_manager__arrow_schema(&schema, t->schema, ids, 1), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), idv[i]), 0);
    struct ArrowArray a;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &a, NULL), 0);
    floe_arrow_builder_free(b);
    char *path = fmt("%s/data/eq-del.parquet", floe_table_location(t));
    int64_t size = write_parquet(t, path, &schema, &a, NULL, 0);
    floe_data_file *df = NULL;
    assert_int_equal(
        floe_data_file_new(&df, FLOE_CONTENT_EQUALITY_DELETES, path, "PARQUET", (int64_t)n, size),
        0);
    assert_int_equal(floe_data_file_set_equality_ids(df, ids, 1), 0);
    free(path);
    return df;
}

/* Commits a "delete" snapshot with the delete files (freed). */
static void commit_deletes(floe_table *t, floe_data_file **dfs, size_t n)
{
    char *path = fmt("%s/metadata/del-manifest.avro", floe_table_location(t));
    floe_output_file *f = NULL;
    assert_int_equal(t->m->io->create(&f, t->m->io, path, FLOE_CREATE_EXCLUSIVE), 0);
    free(path);
    floe_manifest_writer_options o = FLOE_MANIFEST_WRITER_OPTIONS_INIT;
    o.content = FLOE_MANIFEST_DELETES;
    o.snapshot_id = 4242;
    floe_manifest_writer *w = NULL;
    assert_int_equal(floe_manifest_writer_new(&w, f, t->schema, t->spec, &o), 0);
    floe_summary_delta delta = FLOE_SUMMARY_DELTA_INIT;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(floe_manifest_writer_add(w, dfs[i]), 0);
        delta.added_delete_files++;
        floe_data_file_free(dfs[i]);
    }
    floe_manifest_file *mf = NULL;
    assert_int_equal(floe_manifest_writer_finish(&mf, w), 0);
    floe_manifest_writer_free(w);
    struct floe_manager_commit c;
    memset(&c, 0, sizeof c);
    c.operation = "delete";
    c.snapshot_id = 4242;
    const floe_manifest_file *ms[1] = {mf};
    c.manifests = ms;
    c.manifest_count = 1;
    c.delta = delta;
    int64_t sid = 0;
    unsigned int attempts = 0;
    if (floe_manager__commit_snapshot(&sid, &attempts, t, &c, "test"))
        fail_msg("commit deletes: %s", floe_error_last());
    floe_manifest_file_free(mf);
}

static void test_compact_applies_position_and_equality_deletes(void **state)
{
    (void)state;
    floe_manager *m = open_mgr("compact_deletes");
    floe_table *t = create(m, NULL);
    for (int i = 0; i < 3; i++)
        append(t, i * 100, 100);
    floe_scan_plan *p = plan_of(t, -1);
    assert_int_equal(p->task_count, 3);
    floe_scan_plan_free(p);
    /* the position delete targets the file of the first append: the oldest snapshot's file */
    json_t *snaps = NULL;
    assert_int_equal(floe_table_snapshots(&snaps, t), 0);
    int64_t s1 = json_integer_value(json_object_get(json_array_get(snaps, 0), "snapshot-id"));
    json_decref(snaps);
    p = plan_of(t, s1);
    assert_int_equal(p->task_count, 1);
    char *first = strdup(p->tasks[0].path);
    floe_scan_plan_free(p);
    const int64_t pos[3] = {0, 5, 99}; /* ids 0, 5, 99 */
    const int64_t eq[2] = {150, 250};
    floe_data_file *dfs[2] = {pos_delete(t, first, pos, 3), eq_delete(t, eq, 2)};
    commit_deletes(t, dfs, 2);
    static int64_t want[MAX_IDS], got[MAX_IDS];
    size_t nw = scan_ids(want, t, -1);
    assert_int_equal(nw, 295);

    /* three files (below the minimum of five) qualify because delete files apply to them */
    floe_compact_result *r = NULL;
    if (floe_table_compact(&r, t, NULL))
        fail_msg("compact: %s", floe_error_last());
    assert_int_equal(floe_compact_result_rewritten_files(r), 3);
    assert_int_equal(floe_compact_result_rewritten_records(r), 300);
    assert_int_equal(floe_compact_result_added_records(r), 295);
    assert_true(floe_compact_result_group(r, 0)->delete_files >= 2);
    floe_compact_result_free(r);

    p = plan_of(t, -1);
    assert_int_equal(p->task_count, 1);
    assert_int_equal(p->tasks[0].record_count, 295);
    /* the new file holds only live rows: no delete file applies to it */
    assert_int_equal(p->tasks[0].delete_count, 0);
    floe_scan_plan_free(p);
    size_t ng = scan_ids(got, t, -1);
    assert_int_equal(ng, nw);
    assert_memory_equal(want, got, nw * sizeof *want);
    json_t *snap = last_snapshot(t);
    assert_string_equal(json_string_value(json_object_get(snap, "operation")), "replace");
    assert_string_equal(summary_of(snap, "added-records"), "295");
    assert_string_equal(summary_of(snap, "deleted-records"), "300");
    /* the position delete file was scoped to a rewritten file: it goes; the equality one stays */
    assert_string_equal(summary_of(snap, "removed-delete-files"), "1");
    assert_string_equal(summary_of(snap, "total-delete-files"), "1");
    json_decref(snap);
    if (floe_test_interop_available()) {
        char *duck = duckdb_ids(t, floe_manager_warehouse(m));
        char *mine = ids_text(want, nw);
        assert_string_equal(duck, mine);
        free(duck);
        free(mine);
    }
    free(first);
    floe_table_free(t);
    floe_manager_free(m);
}

/* ---- concurrency ---- */

struct race {
    floe_manager *m;
    int overwrite; /* 0: append, 1: overwrite removing region us */
    int calls;
};

/* Runs once, between the compaction's plan and its first commit, through another handle. */
static int race_hook(floe_table *t, void *ctx)
{
    (void)t;
    struct race *rc = ctx;
    if (rc->calls++)
        return 0;
    floe_table *other = NULL;
    assert_int_equal(floe_manager_load_table(&other, rc->m, "db.t"), 0);
    if (!rc->overwrite) {
        append(other, 5000, 10);
    } else {
        struct ArrowSchema schema;
        assert_int_equal(floe_table_arrow_schema(&schema, other), 0);
        struct ArrowArrayStream s;
        assert_int_equal(floe_arrow_stream_from_batches(&s, &schema, NULL, 0), 0);
        if (floe_table_overwrite(NULL, other, &s, "region = 'us'", NULL))
            fail_msg("overwrite: %s", floe_error_last());
        s.release(&s);
    }
    floe_table_free(other);
    return 0;
}

static void test_compact_racing_append_keeps_both(void **state)
{
    (void)state;
    floe_manager *m = open_mgr("compact_race_append");
    floe_table *t = create(m, "region");
    for (int i = 0; i < 6; i++)
        append(t, i * 10, 10);
    struct race race = {m, 0, 0};
    floe_compact_options o = FLOE_COMPACT_OPTIONS_INIT;
    o.before_commit = race_hook;
    o.before_commit_ctx = &race;
    floe_compact_result *r = NULL;
    if (floe_table_compact(&r, t, &o))
        fail_msg("compact: %s", floe_error_last());
    assert_int_equal(floe_compact_result_attempts(r), 2);
    assert_int_equal(floe_compact_result_rewritten_files(r), 12);
    floe_compact_result_free(r);
    static int64_t ids[MAX_IDS];
    assert_int_equal(scan_ids(ids, t, -1), 70);
    assert_int_equal(ids[0], 0);
    assert_int_equal(ids[69], 5009);
    /* one compacted file per partition plus the racing append's two */
    assert_int_equal(files_in(t, "region=eu"), 2);
    assert_int_equal(files_in(t, "region=us"), 2);
    json_t *snap = last_snapshot(t);
    assert_string_equal(json_string_value(json_object_get(snap, "operation")), "replace");
    assert_string_equal(summary_of(snap, "total-records"), "70");
    json_decref(snap);
    floe_table_free(t);
    floe_manager_free(m);
}

static const char *const *nftw_known;
static size_t nftw_nknown, nftw_unknown;

static int count_unknown(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    if (flag != FTW_F || !strstr(path, ".parquet"))
        return 0;
    for (size_t i = 0; i < nftw_nknown; i++)
        if (strstr(nftw_known[i], path) || strstr(path, nftw_known[i]))
            return 0;
    nftw_unknown++;
    return 0;
}

static void test_compact_racing_overwrite_conflicts_and_cleans_up(void **state)
{
    (void)state;
    floe_manager *m = open_mgr("compact_race_overwrite");
    floe_table *t = create(m, "region");
    for (int i = 0; i < 6; i++)
        append(t, i * 10, 10);
    /* every Parquet file that exists before the compaction */
    floe_scan_plan *p = plan_of(t, -1);
    const char **known = calloc(p->task_count, sizeof *known);
    assert_non_null(known);
    for (size_t i = 0; i < p->task_count; i++)
        known[i] = p->tasks[i].path;
    struct race race = {m, 1, 0};
    floe_compact_options o = FLOE_COMPACT_OPTIONS_INIT;
    o.before_commit = race_hook;
    o.before_commit_ctx = &race;
    floe_compact_result *r = NULL;
    assert_int_equal(floe_table_compact(&r, t, &o), FLOE_ECONFLICT);
    assert_null(r);
    assert_non_null(strstr(floe_error_last(), "was removed while it was being compacted"));
    /* the table is as the overwrite left it */
    assert_int_equal(floe_table_refresh(t), 0);
    json_t *snap = last_snapshot(t);
    assert_string_equal(json_string_value(json_object_get(snap, "operation")), "overwrite");
    json_decref(snap);
    static int64_t ids[MAX_IDS];
    assert_int_equal(scan_ids(ids, t, -1), 30);
    assert_int_equal(files_in(t, "region=eu"), 6);
    /* the files the compaction wrote are gone */
    nftw_known = known;
    nftw_nknown = p->task_count;
    nftw_unknown = 0;
    char *data = fmt("%s/data", floe_table_location(t));
    assert_int_equal(nftw(data, count_unknown, 8, FTW_PHYS), 0);
    assert_int_equal(nftw_unknown, 0);
    free(data);
    free(known);
    floe_scan_plan_free(p);
    floe_table_free(t);
    floe_manager_free(m);
}

/* Commits a position delete of row 0 of the first file of the plan, through another handle. */
static int delete_hook(floe_table *t, void *ctx)
{
    (void)t;
    struct race *rc = ctx;
    if (rc->calls++)
        return 0;
    floe_table *other = NULL;
    assert_int_equal(floe_manager_load_table(&other, rc->m, "db.t"), 0);
    floe_scan_plan *p = plan_of(other, -1);
    const int64_t pos[1] = {0};
    floe_data_file *df = pos_delete(other, p->tasks[0].path, pos, 1);
    floe_scan_plan_free(p);
    commit_deletes(other, &df, 1);
    floe_table_free(other);
    return 0;
}

static void test_compact_racing_new_delete_files_conflicts(void **state)
{
    (void)state;
    floe_manager *m = open_mgr("compact_race_deletes");
    floe_table *t = create(m, NULL);
    for (int i = 0; i < 5; i++)
        append(t, i * 10, 10);
    struct race race = {m, 0, 0};
    floe_compact_options o = FLOE_COMPACT_OPTIONS_INIT;
    o.before_commit = delete_hook;
    o.before_commit_ctx = &race;
    floe_compact_result *r = NULL;
    assert_int_equal(floe_table_compact(&r, t, &o), FLOE_ECONFLICT);
    assert_non_null(strstr(floe_error_last(), "got new delete files"));
    assert_int_equal(floe_table_refresh(t), 0);
    json_t *snap = last_snapshot(t);
    assert_string_equal(json_string_value(json_object_get(snap, "operation")), "delete");
    json_decref(snap);
    assert_int_equal(files_in(t, NULL), 5);
    static int64_t ids[MAX_IDS];
    assert_int_equal(scan_ids(ids, t, -1), 49);
    /* run again: the file with the new delete is compacted with it applied */
    if (floe_table_compact(&r, t, NULL))
        fail_msg("compact: %s", floe_error_last());
    floe_compact_result_free(r);
    assert_int_equal(files_in(t, NULL), 1);
    assert_int_equal(scan_ids(ids, t, -1), 49);
    snap = last_snapshot(t);
    assert_string_equal(summary_of(snap, "removed-delete-files"), "1");
    assert_string_equal(summary_of(snap, "total-delete-files"), "0");
    json_decref(snap);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_cli_compact_dry_run_json_and_rewrite(void **state)
{
    (void)state;
    const char *bin = floe_test_floe_bin();
    if (!bin)
        skip();
    floe_manager *m = open_mgr("compact_cli");
    floe_table *t = create(m, "region");
    for (int i = 0; i < 5; i++)
        append(t, i * 10, 10);
    int64_t cur = floe_table_current_snapshot_id(t);
    const char *wh = floe_manager_warehouse(m);
    char *cmd = fmt("'%s' table compact db.t --dry-run --json --warehouse '%s'", bin, wh);
    char *out = NULL;
    assert_int_equal(floe_test_run(cmd, 0, &out), 0);
    json_error_t err;
    json_t *j = json_loads(out, 0, &err);
    if (!j)
        fail_msg("not JSON: %s", out);
    assert_true(json_is_true(json_object_get(j, "dry-run")));
    assert_int_equal(json_array_size(json_object_get(j, "groups")), 2);
    assert_int_equal(json_integer_value(json_object_get(j, "rewritten-files")), 10);
    json_decref(j);
    free(out);
    free(cmd);
    assert_int_equal(floe_table_refresh(t), 0);
    assert_int_equal(floe_table_current_snapshot_id(t), cur);
    cmd = fmt("'%s' table compact db.t --min-input-files 6 --warehouse '%s'", bin, wh);
    assert_int_equal(floe_test_run(cmd, 0, &out), 0);
    assert_non_null(strstr(out, "nothing to compact"));
    free(out);
    free(cmd);
    cmd = fmt("'%s' table compact db.t --warehouse '%s'", bin, wh);
    assert_int_equal(floe_test_run(cmd, 0, &out), 0);
    assert_non_null(strstr(out, "rewrote 10 data files of db.t into 2"));
    free(out);
    free(cmd);
    cmd = fmt("'%s' table compact db.t --rewrite-manifests --warehouse '%s'", bin, wh);
    assert_int_equal(floe_test_run(cmd, 0, &out), 0);
    free(out);
    free(cmd);
    assert_int_equal(floe_table_refresh(t), 0);
    floe_scan_plan *p = plan_of(t, -1);
    assert_int_equal(p->manifests_total, 1);
    assert_int_equal(p->task_count, 2);
    floe_scan_plan_free(p);
    cmd = fmt("'%s' table compact db.t --target-file-size zero --warehouse '%s'", bin, wh);
    assert_int_equal(floe_test_run(cmd, 1, &out), 2);
    free(out);
    free(cmd);
    cmd = fmt("'%s' table compact db.missing --warehouse '%s'", bin, wh);
    assert_int_equal(floe_test_run(cmd, 1, &out), 3);
    free(out);
    free(cmd);
    floe_table_free(t);
    floe_manager_free(m);
}

/* ---- dry run, manifests ---- */

static void test_compact_dry_run_changes_nothing(void **state)
{
    (void)state;
    floe_manager *m = open_mgr("compact_dry");
    floe_table *t = create(m, "region");
    for (int i = 0; i < 5; i++)
        append(t, i * 10, 10);
    int64_t cur = floe_table_current_snapshot_id(t);
    floe_compact_options o = FLOE_COMPACT_OPTIONS_INIT;
    o.dry_run = 1;
    floe_compact_result *r = NULL;
    assert_int_equal(floe_table_compact(&r, t, &o), 0);
    assert_true(floe_compact_result_dry_run(r));
    assert_int_equal(floe_compact_result_group_count(r), 2);
    assert_int_equal(floe_compact_result_snapshot_id(r), -1);
    assert_int_equal(floe_compact_result_added_files(r), 0);
    const floe_compact_group *g = floe_compact_result_group(r, 1);
    assert_string_equal(g->partition, "region=us");
    assert_int_equal(g->input_count, 5);
    assert_true(g->input_bytes > 0);
    assert_int_equal(g->expected_files, 1);
    json_t *j = NULL;
    assert_int_equal(floe_compact_result_json(&j, r), 0);
    assert_int_equal(json_array_size(json_object_get(j, "groups")), 2);
    assert_true(json_is_true(json_object_get(j, "dry-run")));
    json_decref(j);
    floe_compact_result_free(r);
    assert_int_equal(floe_table_refresh(t), 0);
    assert_int_equal(floe_table_current_snapshot_id(t), cur);
    assert_int_equal(files_in(t, NULL), 10);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_rewrite_manifests_merges_with_same_rows(void **state)
{
    (void)state;
    floe_manager *m = open_mgr("compact_manifests");
    floe_table *t = create(m, "region");
    for (int i = 0; i < 8; i++)
        append(t, i * 10, 10);
    floe_scan_plan *p = plan_of(t, -1);
    assert_int_equal(p->manifests_total, 8);
    floe_scan_plan_free(p);
    static int64_t before[MAX_IDS], after[MAX_IDS];
    size_t nb = scan_ids(before, t, -1);
    floe_compact_result *r = NULL;
    floe_compact_options o = FLOE_COMPACT_OPTIONS_INIT;
    o.dry_run = 1;
    assert_int_equal(floe_table_rewrite_manifests(&r, t, &o), 0);
    assert_int_equal(floe_compact_result_rewritten_files(r), 8);
    assert_int_equal(floe_compact_result_snapshot_id(r), -1);
    floe_compact_result_free(r);
    if (floe_table_rewrite_manifests(&r, t, NULL))
        fail_msg("rewrite manifests: %s", floe_error_last());
    assert_int_equal(floe_compact_result_rewritten_files(r), 8);
    assert_int_equal(floe_compact_result_added_files(r), 1);
    floe_compact_result_free(r);
    p = plan_of(t, -1);
    assert_int_equal(p->manifests_total, 1);
    assert_int_equal(p->task_count, 16);
    floe_scan_plan_free(p);
    size_t na = scan_ids(after, t, -1);
    assert_int_equal(na, nb);
    assert_memory_equal(before, after, nb * sizeof *before);
    json_t *snap = last_snapshot(t);
    assert_string_equal(json_string_value(json_object_get(snap, "operation")), "replace");
    assert_string_equal(summary_of(snap, "total-records"), "80");
    assert_string_equal(summary_of(snap, "total-data-files"), "16");
    json_decref(snap);
    /* one manifest left: nothing to merge */
    assert_int_equal(floe_table_rewrite_manifests(&r, t, NULL), 0);
    assert_int_equal(floe_compact_result_snapshot_id(r), -1);
    floe_compact_result_free(r);
    floe_table_free(t);
    floe_manager_free(m);
}

/* ---- partition evolution ---- */

/* Replaces the identity partition on region by bucket[4](id). */
static int bucket_instead_of_region(floe_spec_update *u, void *ctx)
{
    (void)ctx;
    int rc = floe_spec_update_add_field(u, "id", "bucket[4]", NULL);
    if (!rc)
        rc = floe_spec_update_remove_field(u, "region");
    return rc;
}

/* Files of the plan whose partition path starts with `prefix`. */
static size_t files_prefixed(floe_table *t, const char *prefix)
{
    floe_scan_plan *p = plan_of(t, -1);
    size_t n = 0;
    for (size_t i = 0; i < p->task_count; i++)
        n += strncmp(p->tasks[i].partition, prefix, strlen(prefix)) == 0;
    floe_scan_plan_free(p);
    return n;
}

static void test_compact_moves_older_spec_groups_to_the_current_spec(void **state)
{
    (void)state;
    floe_manager *m = open_mgr("compact_older_spec");
    floe_table *t = create(m, "region");
    for (int i = 0; i < 3; i++)
        append(t, i * 10, 10); /* spec 0: 3 files in region=eu, 3 in region=us */
    assert_int_equal(floe_table_alter_partition(t, bucket_instead_of_region, NULL), 0);
    append(t, 100, 4); /* spec 1: small files in id buckets */
    size_t spec1_before = files_prefixed(t, "id_bucket_4=");
    assert_true(spec1_before >= 2);
    static int64_t before[MAX_IDS], after[MAX_IDS];
    size_t nb = scan_ids(before, t, -1);
    assert_int_equal(nb, 34);

    floe_compact_options o = FLOE_COMPACT_OPTIONS_INIT;
    o.min_input_files = 3;
    o.dry_run = 1;
    floe_compact_result *r = NULL;
    if (floe_table_compact(&r, t, &o))
        fail_msg("compact: %s", floe_error_last());
    /* the spec-1 buckets hold one file each: only the two spec-0 partitions qualify */
    assert_int_equal(floe_compact_result_group_count(r), 2);
    for (size_t i = 0; i < 2; i++) {
        const floe_compact_group *g = floe_compact_result_group(r, i);
        assert_int_equal(g->spec_id, 0);
        assert_int_equal(g->output_spec_id, 1);
        assert_int_equal(g->input_count, 3);
        assert_string_equal(g->partition, i ? "region=us" : "region=eu");
    }
    json_t *j = NULL;
    assert_int_equal(floe_compact_result_json(&j, r), 0);
    json_t *g0 = json_array_get(json_object_get(j, "groups"), 0);
    assert_int_equal(json_integer_value(json_object_get(g0, "spec-id")), 0);
    assert_int_equal(json_integer_value(json_object_get(g0, "output-spec-id")), 1);
    assert_int_equal(json_integer_value(json_object_get(g0, "moved-to-spec")), 1);
    json_decref(j);
    floe_compact_result_free(r);

    o.dry_run = 0;
    if (floe_table_compact(&r, t, &o))
        fail_msg("compact: %s", floe_error_last());
    assert_int_equal(floe_compact_result_rewritten_files(r), 6);
    assert_int_equal(floe_compact_result_added_records(r), 30);
    /* each group's rows are partitioned anew: one group lands in several buckets */
    int64_t added = floe_compact_result_added_files(r);
    assert_true(added > 2);
    floe_compact_result_free(r);
    assert_int_equal(files_prefixed(t, "region="), 0);
    floe_scan_plan *p = plan_of(t, -1);
    assert_int_equal(p->task_count, spec1_before + (size_t)added);
    for (size_t i = 0; i < p->task_count; i++)
        assert_non_null(strstr(p->tasks[i].partition, "id_bucket_4="));
    floe_scan_plan_free(p);
    size_t na = scan_ids(after, t, -1);
    assert_int_equal(na, nb);
    assert_memory_equal(before, after, nb * sizeof *before);
    json_t *snap = last_snapshot(t);
    assert_string_equal(json_string_value(json_object_get(snap, "operation")), "replace");
    assert_string_equal(summary_of(snap, "deleted-data-files"), "6");
    assert_string_equal(summary_of(snap, "total-records"), "34");
    json_decref(snap);
    if (floe_test_interop_available()) {
        char *duck = duckdb_ids(t, floe_manager_warehouse(m));
        char *mine = ids_text(before, nb);
        assert_string_equal(duck, mine);
        free(duck);
        free(mine);
    }
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_compact_to_current_spec_moves_every_older_file(void **state)
{
    (void)state;
    floe_manager *m = open_mgr("compact_to_current");
    floe_table *t = create(m, "region");
    append(t, 0, 20); /* spec 0: one file per region */
    assert_int_equal(floe_table_alter_partition(t, bucket_instead_of_region, NULL), 0);
    append(t, 100, 20);
    static int64_t before[MAX_IDS], after[MAX_IDS];
    size_t nb = scan_ids(before, t, -1);
    /* no file counts as small and no group has enough files: nothing to do by default */
    floe_compact_options o = FLOE_COMPACT_OPTIONS_INIT;
    o.min_file_size = 1;
    floe_compact_result *r = NULL;
    assert_int_equal(floe_table_compact(&r, t, &o), 0);
    assert_int_equal(floe_compact_result_group_count(r), 0);
    floe_compact_result_free(r);
    /* a version-1 options struct is still accepted (and knows no to_current_spec) */
    o.version = 1;
    assert_int_equal(floe_table_compact(&r, t, &o), 0);
    assert_int_equal(floe_compact_result_group_count(r), 0);
    floe_compact_result_free(r);
    o.version = FLOE_COMPACT_OPTIONS_VERSION + 1;
    assert_int_equal(floe_table_compact(&r, t, &o), FLOE_EVERSION);
    o.version = FLOE_COMPACT_OPTIONS_VERSION;

    const char *bin = floe_test_floe_bin();
    const char *wh = floe_manager_warehouse(m);
    if (bin) {
        char *cmd = fmt("'%s' table compact --help", bin);
        char *out = NULL;
        assert_int_equal(floe_test_run(cmd, 0, &out), 0);
        assert_non_null(strstr(out, "--to-current-spec"));
        free(out);
        free(cmd);
        cmd = fmt("'%s' table compact db.t --to-current-spec --dry-run --warehouse '%s'", bin, wh);
        assert_int_equal(floe_test_run(cmd, 0, &out), 0);
        assert_non_null(strstr(out, "spec 0 partition 'region=eu' (older spec, moved to spec 1)"));
        assert_non_null(strstr(out, "spec 0 partition 'region=us' (older spec, moved to spec 1)"));
        assert_non_null(strstr(out, "dry run: would rewrite 2 data files"));
        free(out);
        free(cmd);
        cmd = fmt("'%s' table compact db.t --to-current-spec --dry-run --json --warehouse '%s'",
                  bin, wh);
        assert_int_equal(floe_test_run(cmd, 0, &out), 0);
        json_error_t err;
        json_t *j = json_loads(out, 0, &err);
        if (!j)
            fail_msg("not JSON: %s", out);
        json_t *groups = json_object_get(j, "groups");
        assert_int_equal(json_array_size(groups), 2);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(groups, 1), "spec-id")),
                         0);
        assert_int_equal(
            json_integer_value(json_object_get(json_array_get(groups, 1), "moved-to-spec")), 1);
        json_decref(j);
        free(out);
        free(cmd);
        cmd = fmt("'%s' table compact db.t --to-current-spec --warehouse '%s'", bin, wh);
        assert_int_equal(floe_test_run(cmd, 0, &out), 0);
        assert_non_null(strstr(out, "rewrote 2 data files of db.t"));
        free(out);
        free(cmd);
        assert_int_equal(floe_table_refresh(t), 0);
    } else {
        o.to_current_spec = 1;
        if (floe_table_compact(&r, t, &o))
            fail_msg("compact: %s", floe_error_last());
        /* one group per old partition, each a single (not small) file */
        assert_int_equal(floe_compact_result_group_count(r), 2);
        assert_int_equal(floe_compact_result_rewritten_files(r), 2);
        floe_compact_result_free(r);
    }
    assert_int_equal(files_prefixed(t, "region="), 0);
    size_t na = scan_ids(after, t, -1);
    assert_int_equal(na, nb);
    assert_memory_equal(before, after, nb * sizeof *before);
    /* everything is in the default spec now: nothing more to move */
    o.to_current_spec = 1;
    int64_t cur = floe_table_current_snapshot_id(t);
    assert_int_equal(floe_table_compact(&r, t, &o), 0);
    assert_int_equal(floe_compact_result_group_count(r), 0);
    floe_compact_result_free(r);
    assert_int_equal(floe_table_current_snapshot_id(t), cur);
    floe_table_free(t);
    floe_manager_free(m);
}

/* ---- schema evolution ---- */

/* Appends ids [start, start + n) filling the columns the table has now, by name: id, region or
 * area ("eu" even, "us" odd), score (id / 2), note ("n<id>"). */
static void append_named(floe_table *t, int64_t start, int64_t n)
{
    struct ArrowSchema schema;
    assert_int_equal(floe_table_arrow_schema(&schema, t), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
    for (int64_t i = start; i < start + n; i++)
        for (int64_t c = 0; c < schema.n_children; c++) {
            floe_arrow_builder *cb = floe_arrow_builder_child(b, c);
            const char *name = schema.children[c]->name;
            char note[32];
            snprintf(note, sizeof note, "n%" PRId64, i);
            if (strcmp(name, "id") == 0)
                assert_int_equal(floe_arrow_builder_append_int(cb, i), 0);
            else if (strcmp(name, "score") == 0)
                assert_int_equal(floe_arrow_builder_append_double(cb, (double)i / 2), 0);
            else if (strcmp(name, "note") == 0)
                assert_int_equal(floe_arrow_builder_append_str(cb, note), 0);
            else
                assert_int_equal(floe_arrow_builder_append_str(cb, i % 2 ? "us" : "eu"), 0);
        }
    struct ArrowArray a;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &a, NULL), 0);
    floe_arrow_builder_free(b);
    struct ArrowArrayStream s;
    assert_int_equal(floe_arrow_stream_from_batches(&s, &schema, &a, 1), 0);
    if (floe_table_append(NULL, t, &s, NULL))
        fail_msg("append: %s", floe_error_last());
    s.release(&s);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every row of the current snapshot as "name=value|..." (null for nulls), sorted, joined by
 * newlines; the column formats as "name:format,..." in *formats. */
static char *rows_text(floe_table *t, char **formats)
{
    struct ArrowArrayStream s;
    if (floe_table_scan(&s, t, NULL))
        fail_msg("scan: %s", floe_error_last());
    struct ArrowSchema schema;
    assert_int_equal(s.get_schema(&s, &schema), 0);
    char **rows = calloc(MAX_IDS, sizeof *rows);
    assert_non_null(rows);
    size_t n = 0, total = 0;
    for (;;) {
        struct ArrowArray b;
        assert_int_equal(floe_arrow_stream_get_next(&s, &b), 0);
        if (!b.release)
            break;
        for (int64_t i = 0; i < b.length; i++) {
            char row[512];
            size_t len = 0;
            for (int64_t c = 0; c < schema.n_children; c++) {
                const struct ArrowArray *a = b.children[c];
                const char *f = schema.children[c]->format;
                int64_t at = b.offset + i;
                len += (size_t)snprintf(row + len, sizeof row - len, "%s%s=", c ? "|" : "",
                                        schema.children[c]->name);
                if (floe_arrow_is_null(a, at))
                    len += (size_t)snprintf(row + len, sizeof row - len, "null");
                else if (strcmp(f, "l") == 0)
                    len += (size_t)snprintf(row + len, sizeof row - len, "%" PRId64,
                                            floe_arrow_get_int64(a, at));
                else if (strcmp(f, "i") == 0)
                    len += (size_t)snprintf(row + len, sizeof row - len, "%" PRId32,
                                            floe_arrow_get_int32(a, at));
                else if (strcmp(f, "g") == 0)
                    len += (size_t)snprintf(row + len, sizeof row - len, "%.3f",
                                            floe_arrow_get_float64(a, at));
                else {
                    floe_arrow_bytes v = floe_arrow_get_var_bytes(a, FLOE_ARROW_TYPE_UTF8, at);
                    len += (size_t)snprintf(row + len, sizeof row - len, "%.*s", (int)v.len,
                                            (const char *)v.data);
                }
            }
            assert_true(n < MAX_IDS && len < sizeof row);
            rows[n++] = strdup(row);
            total += len + 1;
        }
        b.release(&b);
    }
    *formats = calloc(1, 256);
    assert_non_null(*formats);
    for (int64_t c = 0; c < schema.n_children; c++) {
        size_t l = strlen(*formats);
        snprintf(*formats + l, 256 - l, "%s%s:%s", c ? "," : "", schema.children[c]->name,
                 schema.children[c]->format);
    }
    schema.release(&schema);
    s.release(&s);
    qsort(rows, n, sizeof *rows, cmp_str);
    char *text = calloc(1, total + 1);
    assert_non_null(text);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(rows[i]);
        memcpy(text + at, rows[i], l);
        text[at + l] = '\n';
        at += l + 1;
        free(rows[i]);
    }
    free(rows);
    return text;
}

/* Widens id to long, adds score (double) after it, renames region to area, drops note. */
static int evolve_schema(floe_schema_update *u, void *ctx)
{
    (void)ctx;
    floe_type *dbl = NULL, *lng = NULL;
    int rc = floe_type_parse(&dbl, "double");
    if (!rc)
        rc = floe_type_parse(&lng, "long");
    if (!rc)
        rc = floe_schema_update_add_column(u, NULL, "score", dbl, NULL);
    if (!rc)
        rc = floe_schema_update_move_after(u, "score", "id");
    if (!rc)
        rc = floe_schema_update_update_column_type(u, "id", lng);
    if (!rc)
        rc = floe_schema_update_rename_column(u, "region", "area");
    if (!rc)
        rc = floe_schema_update_delete_column(u, "note");
    floe_type_free(dbl);
    floe_type_free(lng);
    return rc;
}

/* "name:format,..." of the columns of data file `path` as written. */
static char *file_columns(floe_table *t, const char *path)
{
    floe_input_file *in = NULL;
    assert_int_equal(t->m->io->open(&in, t->m->io, path), 0);
    floe_parquet_reader *r = NULL;
    assert_int_equal(floe_parquet_reader_open(&r, in, NULL), 0);
    struct ArrowSchema fs;
    assert_int_equal(floe_parquet_reader_schema(&fs, r), 0);
    char *out = calloc(1, 256);
    assert_non_null(out);
    for (int64_t c = 0; c < fs.n_children; c++) {
        size_t l = strlen(out);
        snprintf(out + l, 256 - l, "%s%s:%s", c ? "," : "", fs.children[c]->name,
                 fs.children[c]->format);
    }
    fs.release(&fs);
    floe_parquet_reader_free(r);
    floe_input_close(in);
    return out;
}

static void test_compact_reads_every_schema_version_by_field_id(void **state)
{
    (void)state;
    floe_manager *m = open_mgr("compact_schema");
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id int not null, region string, note string";
    floe_table *t = NULL;
    if (floe_manager_create_table(&t, m, "db.t", &co))
        fail_msg("create: %s", floe_error_last());
    for (int i = 0; i < 3; i++)
        append_named(t, i * 10, 10); /* int ids, region, note */
    assert_int_equal(floe_table_alter_schema(t, evolve_schema, NULL, 0), 0);
    /* long ids beyond the int range, with a score */
    append_named(t, INT64_C(5000000000), 10);
    append_named(t, INT64_C(6000000000), 10);
    /* an equality delete (long ids) over an old int file and a new one */
    const int64_t gone[2] = {4, INT64_C(6000000003)};
    floe_data_file *eq = eq_delete(t, gone, 2);
    commit_deletes(t, &eq, 1);
    char *formats = NULL;
    char *want = rows_text(t, &formats);
    assert_string_equal(formats, "id:l,score:g,area:u");
    free(formats);
    /* old rows: no score; renamed column keeps its values; new rows keep theirs */
    assert_non_null(strstr(want, "id=1|score=null|area=us\n"));
    assert_non_null(strstr(want, "id=5000000001|score=2500000000.500|area=us\n"));
    assert_null(strstr(want, "id=4|"));
    assert_null(strstr(want, "id=6000000003|"));
    assert_int_equal(files_in(t, NULL), 5);

    floe_compact_result *r = NULL;
    if (floe_table_compact(&r, t, NULL))
        fail_msg("compact: %s", floe_error_last());
    assert_int_equal(floe_compact_result_group_count(r), 1);
    assert_int_equal(floe_compact_result_rewritten_files(r), 5);
    assert_int_equal(floe_compact_result_added_records(r), 48);
    floe_compact_result_free(r);
    assert_int_equal(files_in(t, NULL), 1);
    char *got = rows_text(t, &formats);
    free(formats);
    assert_string_equal(got, want);
    /* the new files are written with the current schema: long ids, score, area, no note */
    floe_scan_plan *p = plan_of(t, -1);
    for (size_t i = 0; i < p->task_count; i++) {
        assert_int_equal(p->tasks[i].delete_count, 0);
        char *cols = file_columns(t, p->tasks[i].path);
        assert_string_equal(cols, "id:l,score:g,area:u");
        free(cols);
    }
    floe_scan_plan_free(p);
    if (floe_test_interop_available()) {
        /* DuckDB reads the long ids (int range and beyond) from the rewritten file */
        static int64_t ids[MAX_IDS];
        size_t n = scan_ids(ids, t, -1);
        assert_int_equal(n, 48);
        char *duck = duckdb_ids(t, floe_manager_warehouse(m));
        char *mine = ids_text(ids, n);
        assert_string_equal(duck, mine);
        free(duck);
        free(mine);
    }
    free(got);
    free(want);
    floe_table_free(t);
    floe_manager_free(m);
}

/* ---- nested schema evolution ---- */

/* Appends ids [start, start + n) to the nested table: info is null for ids divisible by 7,
 * else {a: id, b/bee: "b<id>", c: "c<id>" when the struct has c}. */
static void append_nested(floe_table *t, int64_t start, int64_t n)
{
    struct ArrowSchema schema;
    assert_int_equal(floe_table_arrow_schema(&schema, t), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
    floe_arrow_builder *info = floe_arrow_builder_child(b, 1);
    const struct ArrowSchema *is = schema.children[1];
    for (int64_t i = start; i < start + n; i++) {
        assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), i), 0);
        if (i % 7 == 0) {
            assert_int_equal(floe_arrow_builder_append_null(info), 0);
            continue;
        }
        for (int64_t c = 0; c < is->n_children; c++) {
            floe_arrow_builder *cb = floe_arrow_builder_child(info, c);
            char v[32];
            snprintf(v, sizeof v, "%c%" PRId64, is->children[c]->name[0], i);
            if (c == 0)
                assert_int_equal(floe_arrow_builder_append_int(cb, i), 0);
            else
                assert_int_equal(floe_arrow_builder_append_str(cb, v), 0);
        }
        assert_int_equal(floe_arrow_builder_append_struct(info), 0);
    }
    struct ArrowArray a;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &a, NULL), 0);
    floe_arrow_builder_free(b);
    struct ArrowArrayStream s;
    assert_int_equal(floe_arrow_stream_from_batches(&s, &schema, &a, 1), 0);
    if (floe_table_append(NULL, t, &s, NULL))
        fail_msg("append: %s", floe_error_last());
    s.release(&s);
}

/* Widens info.a to long, renames info.b to bee, adds info.c (string). */
static int evolve_nested(floe_schema_update *u, void *ctx)
{
    (void)ctx;
    floe_type *str = NULL, *lng = NULL;
    int rc = floe_type_parse(&str, "string");
    if (!rc)
        rc = floe_type_parse(&lng, "long");
    if (!rc)
        rc = floe_schema_update_add_column(u, "info", "c", str, NULL);
    if (!rc)
        rc = floe_schema_update_update_column_type(u, "info.a", lng);
    if (!rc)
        rc = floe_schema_update_rename_column(u, "info.b", "bee");
    floe_type_free(str);
    floe_type_free(lng);
    return rc;
}

/* The rows of the nested table as "id:{a,bee,c}" lines sorted by id (rows come from the
 * compacted file in id order within each input). */
static char *nested_text(floe_table *t)
{
    struct ArrowArrayStream s;
    if (floe_table_scan(&s, t, NULL))
        fail_msg("scan: %s", floe_error_last());
    struct ArrowSchema schema;
    assert_int_equal(s.get_schema(&s, &schema), 0);
    assert_string_equal(schema.children[1]->children[0]->format, "l");
    assert_string_equal(schema.children[1]->children[1]->name, "bee");
    char **rows = calloc(MAX_IDS, sizeof *rows);
    assert_non_null(rows);
    size_t n = 0;
    for (;;) {
        struct ArrowArray b;
        assert_int_equal(floe_arrow_stream_get_next(&s, &b), 0);
        if (!b.release)
            break;
        const struct ArrowArray *info = b.children[1];
        for (int64_t i = 0; i < b.length; i++) {
            int64_t at = b.offset + i;
            int64_t id = floe_arrow_get_int64(b.children[0], at);
            char row[128];
            if (floe_arrow_is_null(info, at)) {
                snprintf(row, sizeof row, "%012" PRId64 ":null", id);
            } else {
                int64_t k = info->offset + at;
                char part[2][32];
                for (int c = 0; c < 2; c++) {
                    const struct ArrowArray *x = info->children[c + 1];
                    if (floe_arrow_is_null(x, k)) {
                        snprintf(part[c], sizeof part[c], "null");
                    } else {
                        floe_arrow_bytes v = floe_arrow_get_var_bytes(x, FLOE_ARROW_TYPE_UTF8, k);
                        snprintf(part[c], sizeof part[c], "%.*s", (int)v.len, (const char *)v.data);
                    }
                }
                snprintf(row, sizeof row, "%012" PRId64 ":{%" PRId64 ",%s,%s}", id,
                         floe_arrow_get_int64(info->children[0], k), part[0], part[1]);
            }
            assert_true(n < MAX_IDS);
            rows[n++] = strdup(row);
        }
        b.release(&b);
    }
    schema.release(&schema);
    s.release(&s);
    qsort(rows, n, sizeof *rows, cmp_str);
    char *text = calloc(n + 1, 128);
    assert_non_null(text);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(rows[i]);
        memcpy(text + at, rows[i], l);
        text[at + l] = '\n';
        at += l + 1;
        free(rows[i]);
    }
    free(rows);
    return text;
}

static void test_compact_matches_nested_struct_fields_by_id(void **state)
{
    (void)state;
    floe_manager *m = open_mgr("compact_nested");
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_json = "{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
                     "{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"},"
                     "{\"id\":2,\"name\":\"info\",\"required\":false,\"type\":{\"type\":\"struct\","
                     "\"fields\":[{\"id\":3,\"name\":\"a\",\"required\":false,\"type\":\"int\"},"
                     "{\"id\":4,\"name\":\"b\",\"required\":false,\"type\":\"string\"}]}}]}";
    floe_table *t = NULL;
    if (floe_manager_create_table(&t, m, "db.t", &co))
        fail_msg("create: %s", floe_error_last());
    append_nested(t, 0, 15);
    append_nested(t, 100, 15);
    assert_int_equal(floe_table_alter_schema(t, evolve_nested, NULL, 0), 0);
    append_nested(t, INT64_C(5000000000), 15);
    floe_compact_options o = FLOE_COMPACT_OPTIONS_INIT;
    o.min_input_files = 3;
    floe_compact_result *r = NULL;
    if (floe_table_compact(&r, t, &o))
        fail_msg("compact: %s", floe_error_last());
    assert_int_equal(floe_compact_result_rewritten_files(r), 3);
    assert_int_equal(floe_compact_result_added_records(r), 45);
    floe_compact_result_free(r);
    assert_int_equal(files_in(t, NULL), 1);
    char *got = nested_text(t);
    /* old rows: a widened, b read as bee, c null; a null struct stays null */
    assert_non_null(strstr(got, "000000000000:null\n"));
    assert_non_null(strstr(got, "000000000001:{1,b1,null}\n"));
    assert_non_null(strstr(got, "000000000114:{114,b114,null}\n"));
    assert_non_null(strstr(got, "000000000105:null\n"));
    assert_non_null(strstr(got, "005000000001:{5000000001,b5000000001,c5000000001}\n"));
    size_t lines = 0;
    for (const char *c = got; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 45);
    free(got);
    floe_table_free(t);
    floe_manager_free(m);
}

/* ---- lists and maps ---- */

/* Adds an optional string column "note". */
static int add_note(floe_schema_update *u, void *ctx)
{
    (void)ctx;
    floe_type *str = NULL;
    int rc = floe_type_parse(&str, "string");
    if (!rc)
        rc = floe_schema_update_add_column(u, NULL, "note", str, NULL);
    floe_type_free(str);
    return rc;
}

/* Appends ids [start, start + n) with tags ["t<id>", "x"] (null for ids divisible by 5) and
 * attrs {"k": id}. */
static void append_lists(floe_table *t, int64_t start, int64_t n)
{
    struct ArrowSchema schema;
    assert_int_equal(floe_table_arrow_schema(&schema, t), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
    floe_arrow_builder *tags = floe_arrow_builder_child(b, 1);
    floe_arrow_builder *attrs = floe_arrow_builder_child(b, 2);
    for (int64_t i = start; i < start + n; i++) {
        assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), i), 0);
        if (i % 5 == 0) {
            assert_int_equal(floe_arrow_builder_append_null(tags), 0);
        } else {
            char v[32];
            snprintf(v, sizeof v, "t%" PRId64, i);
            assert_int_equal(floe_arrow_builder_append_str(floe_arrow_builder_child(tags, 0), v),
                             0);
            assert_int_equal(floe_arrow_builder_append_str(floe_arrow_builder_child(tags, 0), "x"),
                             0);
            assert_int_equal(floe_arrow_builder_append_list(tags), 0);
        }
        assert_int_equal(floe_arrow_builder_append_str(floe_arrow_builder_map_keys(attrs), "k"), 0);
        assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_map_values(attrs), i), 0);
        assert_int_equal(floe_arrow_builder_append_list(attrs), 0);
    }
    struct ArrowArray a;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &a, NULL), 0);
    floe_arrow_builder_free(b);
    struct ArrowArrayStream s;
    assert_int_equal(floe_arrow_stream_from_batches(&s, &schema, &a, 1), 0);
    if (floe_table_append(NULL, t, &s, NULL))
        fail_msg("append: %s", floe_error_last());
    s.release(&s);
}

/* "id:[tags]:{k=v}" per row, sorted. */
static char *lists_text(floe_table *t)
{
    struct ArrowArrayStream s;
    if (floe_table_scan(&s, t, NULL))
        fail_msg("scan: %s", floe_error_last());
    char **rows = calloc(MAX_IDS, sizeof *rows);
    assert_non_null(rows);
    size_t n = 0;
    for (;;) {
        struct ArrowArray b;
        assert_int_equal(floe_arrow_stream_get_next(&s, &b), 0);
        if (!b.release)
            break;
        const struct ArrowArray *tags = b.children[1], *attrs = b.children[2];
        for (int64_t i = 0; i < b.length; i++) {
            int64_t at = b.offset + i;
            char row[256];
            size_t len = (size_t)snprintf(row, sizeof row, "%06" PRId64 ":",
                                          floe_arrow_get_int64(b.children[0], at));
            if (floe_arrow_is_null(tags, at)) {
                len += (size_t)snprintf(row + len, sizeof row - len, "null");
            } else {
                const int32_t *off = (const int32_t *)tags->buffers[1] + tags->offset;
                for (int32_t k = off[i]; k < off[i + 1]; k++) {
                    floe_arrow_bytes v =
                        floe_arrow_get_var_bytes(tags->children[0], FLOE_ARROW_TYPE_UTF8, k);
                    len += (size_t)snprintf(row + len, sizeof row - len, "%.*s;", (int)v.len,
                                            (const char *)v.data);
                }
            }
            const int32_t *mo = (const int32_t *)attrs->buffers[1] + attrs->offset;
            const struct ArrowArray *entries = attrs->children[0];
            for (int32_t k = mo[i]; k < mo[i + 1]; k++) {
                floe_arrow_bytes key =
                    floe_arrow_get_var_bytes(entries->children[0], FLOE_ARROW_TYPE_UTF8, k);
                len += (size_t)snprintf(row + len, sizeof row - len, ":%.*s=%" PRId64, (int)key.len,
                                        (const char *)key.data,
                                        floe_arrow_get_int64(entries->children[1], k));
            }
            assert_true(n < MAX_IDS && len < sizeof row);
            rows[n++] = strdup(row);
        }
        b.release(&b);
    }
    s.release(&s);
    qsort(rows, n, sizeof *rows, cmp_str);
    char *text = calloc(n + 1, 256);
    assert_non_null(text);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(rows[i]);
        memcpy(text + at, rows[i], l);
        text[at + l] = '\n';
        at += l + 1;
        free(rows[i]);
    }
    free(rows);
    return text;
}

static void test_compact_keeps_lists_and_maps(void **state)
{
    (void)state;
    floe_manager *m = open_mgr("compact_lists");
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_json = "{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
                     "{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"},"
                     "{\"id\":2,\"name\":\"tags\",\"required\":false,\"type\":{\"type\":\"list\","
                     "\"element-id\":4,\"element\":\"string\",\"element-required\":false}},"
                     "{\"id\":3,\"name\":\"attrs\",\"required\":false,\"type\":{\"type\":\"map\","
                     "\"key-id\":5,\"key\":\"string\",\"value-id\":6,\"value\":\"long\","
                     "\"value-required\":false}}]}";
    floe_table *t = NULL;
    if (floe_manager_create_table(&t, m, "db.t", &co))
        fail_msg("create: %s", floe_error_last());
    for (int i = 0; i < 3; i++)
        append_lists(t, i * 10, 10);
    /* a column added later: the old files' rows are copied column by column, lists too */
    assert_int_equal(floe_table_alter_schema(t, add_note, NULL, 0), 0);
    char *want = lists_text(t);
    assert_non_null(strstr(want, "000011:t11;x;:k=11\n"));
    assert_non_null(strstr(want, "000010:null:k=10\n"));
    floe_compact_options o = FLOE_COMPACT_OPTIONS_INIT;
    o.min_input_files = 3;
    floe_compact_result *r = NULL;
    if (floe_table_compact(&r, t, &o))
        fail_msg("compact: %s", floe_error_last());
    assert_int_equal(floe_compact_result_rewritten_files(r), 3);
    floe_compact_result_free(r);
    assert_int_equal(files_in(t, NULL), 1);
    char *got = lists_text(t);
    assert_string_equal(got, want);
    free(got);
    free(want);
    floe_table_free(t);
    floe_manager_free(m);
}

/* Appends ids [start, start + n): nums [id, id + 1], pts [{x: id, y: "y<id>" once the element
 * has y}], attrs {"k": id}; nums and pts are null for ids divisible by 4. */
static void append_evolving_lists(floe_table *t, int64_t start, int64_t n)
{
    struct ArrowSchema schema;
    assert_int_equal(floe_table_arrow_schema(&schema, t), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
    floe_arrow_builder *nums = floe_arrow_builder_child(b, 1);
    floe_arrow_builder *pts = floe_arrow_builder_child(b, 2);
    floe_arrow_builder *attrs = floe_arrow_builder_child(b, 3);
    floe_arrow_builder *pt = floe_arrow_builder_child(pts, 0);
    int64_t pt_fields = schema.children[2]->children[0]->n_children;
    for (int64_t i = start; i < start + n; i++) {
        assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), i), 0);
        if (i % 4 == 0) {
            assert_int_equal(floe_arrow_builder_append_null(nums), 0);
            assert_int_equal(floe_arrow_builder_append_null(pts), 0);
        } else {
            floe_arrow_builder *e = floe_arrow_builder_child(nums, 0);
            assert_int_equal(floe_arrow_builder_append_int(e, i % 1000), 0);
            assert_int_equal(floe_arrow_builder_append_int(e, i % 1000 + 1), 0);
            assert_int_equal(floe_arrow_builder_append_list(nums), 0);
            assert_int_equal(
                floe_arrow_builder_append_int(floe_arrow_builder_child(pt, 0), i % 1000), 0);
            if (pt_fields > 1) {
                char v[32];
                snprintf(v, sizeof v, "y%" PRId64, i);
                assert_int_equal(floe_arrow_builder_append_str(floe_arrow_builder_child(pt, 1), v),
                                 0);
            }
            assert_int_equal(floe_arrow_builder_append_struct(pt), 0);
            assert_int_equal(floe_arrow_builder_append_list(pts), 0);
        }
        assert_int_equal(floe_arrow_builder_append_str(floe_arrow_builder_map_keys(attrs), "k"), 0);
        assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_map_values(attrs), i), 0);
        assert_int_equal(floe_arrow_builder_append_list(attrs), 0);
    }
    struct ArrowArray a;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &a, NULL), 0);
    floe_arrow_builder_free(b);
    struct ArrowArrayStream s;
    assert_int_equal(floe_arrow_stream_from_batches(&s, &schema, &a, 1), 0);
    if (floe_table_append(NULL, t, &s, NULL))
        fail_msg("append: %s", floe_error_last());
    s.release(&s);
}

/* Widens the list element nums to long, the map value attrs to long and pts.x to long, and
 * adds y (string) to the struct element of pts. */
static int evolve_lists(floe_schema_update *u, void *ctx)
{
    (void)ctx;
    floe_type *str = NULL, *lng = NULL;
    int rc = floe_type_parse(&str, "string");
    if (!rc)
        rc = floe_type_parse(&lng, "long");
    if (!rc)
        rc = floe_schema_update_update_column_type(u, "nums.element", lng);
    if (!rc)
        rc = floe_schema_update_update_column_type(u, "attrs.value", lng);
    if (!rc)
        rc = floe_schema_update_update_column_type(u, "pts.x", lng);
    if (!rc)
        rc = floe_schema_update_add_column(u, "pts", "y", str, NULL);
    floe_type_free(str);
    floe_type_free(lng);
    return rc;
}

/* "id:nums:pts:attrs" per row of the evolved table, sorted. */
static char *evolved_lists_text(floe_table *t)
{
    struct ArrowArrayStream s;
    if (floe_table_scan(&s, t, NULL))
        fail_msg("scan: %s", floe_error_last());
    struct ArrowSchema schema;
    assert_int_equal(s.get_schema(&s, &schema), 0);
    assert_string_equal(schema.children[1]->children[0]->format, "l");
    assert_string_equal(schema.children[2]->children[0]->children[0]->format, "l");
    assert_int_equal(schema.children[2]->children[0]->n_children, 2);
    schema.release(&schema);
    char **rows = calloc(MAX_IDS, sizeof *rows);
    assert_non_null(rows);
    size_t n = 0;
    for (;;) {
        struct ArrowArray b;
        assert_int_equal(floe_arrow_stream_get_next(&s, &b), 0);
        if (!b.release)
            break;
        const struct ArrowArray *nums = b.children[1], *pts = b.children[2], *attrs = b.children[3];
        for (int64_t i = 0; i < b.length; i++) {
            int64_t at = b.offset + i;
            char row[256];
            size_t len = (size_t)snprintf(row, sizeof row, "%012" PRId64 ":",
                                          floe_arrow_get_int64(b.children[0], at));
            if (floe_arrow_is_null(nums, at)) {
                len += (size_t)snprintf(row + len, sizeof row - len, "null:null");
            } else {
                const int32_t *off = (const int32_t *)nums->buffers[1] + nums->offset;
                for (int32_t k = off[i]; k < off[i + 1]; k++)
                    len += (size_t)snprintf(row + len, sizeof row - len, "%" PRId64 ";",
                                            floe_arrow_get_int64(nums->children[0], k));
                const int32_t *po = (const int32_t *)pts->buffers[1] + pts->offset;
                const struct ArrowArray *pt = pts->children[0];
                for (int32_t k = po[i]; k < po[i + 1]; k++) {
                    int64_t pk = pt->offset + k;
                    len += (size_t)snprintf(row + len, sizeof row - len, ":{%" PRId64 ",",
                                            floe_arrow_get_int64(pt->children[0], pk));
                    if (floe_arrow_is_null(pt->children[1], pk)) {
                        len += (size_t)snprintf(row + len, sizeof row - len, "null}");
                    } else {
                        floe_arrow_bytes v =
                            floe_arrow_get_var_bytes(pt->children[1], FLOE_ARROW_TYPE_UTF8, pk);
                        len += (size_t)snprintf(row + len, sizeof row - len, "%.*s}", (int)v.len,
                                                (const char *)v.data);
                    }
                }
            }
            const int32_t *mo = (const int32_t *)attrs->buffers[1] + attrs->offset;
            const struct ArrowArray *entries = attrs->children[0];
            for (int32_t k = mo[i]; k < mo[i + 1]; k++)
                len += (size_t)snprintf(
                    row + len, sizeof row - len, ":k=%" PRId64,
                    floe_arrow_get_int64(entries->children[1], entries->offset + k));
            assert_true(n < MAX_IDS && len < sizeof row);
            rows[n++] = strdup(row);
        }
        b.release(&b);
    }
    s.release(&s);
    qsort(rows, n, sizeof *rows, cmp_str);
    char *text = calloc(n + 1, 256);
    assert_non_null(text);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(rows[i]);
        memcpy(text + at, rows[i], l);
        text[at + l] = '\n';
        at += l + 1;
        free(rows[i]);
    }
    free(rows);
    return text;
}

static void test_compact_converts_evolved_list_and_map_entries(void **state)
{
    (void)state;
    floe_manager *m = open_mgr("compact_lists_evolved");
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_json =
        "{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
        "{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"},"
        "{\"id\":2,\"name\":\"nums\",\"required\":false,\"type\":{\"type\":\"list\","
        "\"element-id\":5,\"element\":\"int\",\"element-required\":false}},"
        "{\"id\":3,\"name\":\"pts\",\"required\":false,\"type\":{\"type\":\"list\","
        "\"element-id\":6,\"element-required\":false,\"element\":{\"type\":\"struct\","
        "\"fields\":[{\"id\":7,\"name\":\"x\",\"required\":false,\"type\":\"int\"}]}}},"
        "{\"id\":4,\"name\":\"attrs\",\"required\":false,\"type\":{\"type\":\"map\","
        "\"key-id\":8,\"key\":\"string\",\"value-id\":9,\"value\":\"int\","
        "\"value-required\":false}}]}";
    floe_table *t = NULL;
    if (floe_manager_create_table(&t, m, "db.t", &co))
        fail_msg("create: %s", floe_error_last());
    append_evolving_lists(t, 0, 10);
    append_evolving_lists(t, 100, 10);
    if (floe_table_alter_schema(t, evolve_lists, NULL, 0))
        fail_msg("alter: %s", floe_error_last());
    append_evolving_lists(t, INT64_C(5000000000), 10);
    floe_compact_options o = FLOE_COMPACT_OPTIONS_INIT;
    o.min_input_files = 3;
    floe_compact_result *r = NULL;
    if (floe_table_compact(&r, t, &o))
        fail_msg("compact: %s", floe_error_last());
    assert_int_equal(floe_compact_result_rewritten_files(r), 3);
    floe_compact_result_free(r);
    assert_int_equal(files_in(t, NULL), 1);
    char *got = evolved_lists_text(t);
    /* old rows: widened elements and values, y null; nulls stay null; new rows as written */
    assert_non_null(strstr(got, "000000000001:1;2;:{1,null}:k=1\n"));
    assert_non_null(strstr(got, "000000000104:null:null:k=104\n"));
    assert_non_null(strstr(got, "000000000109:109;110;:{109,null}:k=109\n"));
    assert_non_null(strstr(got, "005000000001:1;2;:{1,y5000000001}:k=5000000001\n"));
    size_t lines = 0;
    for (const char *c = got; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 30);
    free(got);
    floe_table_free(t);
    floe_manager_free(m);
}

/* ---- date promoted to timestamp (format version 3) ---- */

/* Adds data file `name` whose column 2 holds dates (days 0..n-1, null for 3) to a table whose
 * column 2 is now a timestamp: what a format-version 3 table has after promoting a date
 * column. With `strip_ids` its columns carry no Iceberg field ids; with `as_text` column 2
 * holds strings instead (a type no promotion leads to). */
static void add_date_file(floe_table *t, int64_t n, const char *name, int strip_ids, int as_text)
{
    char *json = NULL;
    const char *text = as_text ? "id long not null, ts string" : "id long not null, ts date";
    assert_int_equal(floe_manager__schema_text_to_json(&json, text), 0);
    floe_schema *old = NULL;
    assert_int_equal(floe_schema_from_json(&old, json, strlen(json)), 0);
    free(json);
    struct ArrowSchema schema;
    assert_int_equal(floe_manager__arrow_schema(&schema, old, NULL, 0), 0);
    floe_schema_free(old);
    assert_string_equal(schema.children[1]->format, as_text ? "u" : "tdD");
    for (int64_t c = 0; strip_ids && c < schema.n_children; c++)
        assert_int_equal(floe_arrow_schema_set_metadata(schema.children[c], NULL), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
    for (int64_t i = 0; i < n; i++) {
        assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), i), 0);
        floe_arrow_builder *d = floe_arrow_builder_child(b, 1);
        if (i == 3)
            assert_int_equal(floe_arrow_builder_append_null(d), 0);
        else if (as_text)
            assert_int_equal(floe_arrow_builder_append_str(d, "1970-01-02"), 0);
        else
            assert_int_equal(floe_arrow_builder_append_int(d, i), 0);
    }
    struct ArrowArray a;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &a, NULL), 0);
    floe_arrow_builder_free(b);
    char *path = fmt("%s/data/%s", floe_table_location(t), name);
    int64_t size = write_parquet(t, path, &schema, &a, NULL, 0);
    floe_data_file *df = NULL;
    assert_int_equal(floe_data_file_new(&df, FLOE_CONTENT_DATA, path, "PARQUET", n, size), 0);
    free(path);
    static int64_t snap_id = 777;
    snap_id++;
    floe_manifest_file *mf = NULL;
    assert_int_equal(floe_manager__write_manifest(&mf, t, snap_id, name, 0, &df, 1, NULL, 0), 0);
    struct floe_manager_commit c;
    memset(&c, 0, sizeof c);
    c.operation = "append";
    c.snapshot_id = snap_id;
    const floe_manifest_file *ms[1] = {mf};
    c.manifests = ms;
    c.manifest_count = 1;
    floe_summary_delta delta = FLOE_SUMMARY_DELTA_INIT;
    delta.added_data_files = 1;
    delta.added_records = n;
    delta.added_files_size = size;
    c.delta = delta;
    int64_t sid = 0;
    unsigned int attempts = 0;
    if (floe_manager__commit_snapshot(&sid, &attempts, t, &c, "dates"))
        fail_msg("commit: %s", floe_error_last());
    floe_manifest_file_free(mf);
    floe_data_file_free(df);
}

static void test_compact_turns_promoted_dates_into_midnight_timestamps(void **state)
{
    (void)state;
    floe_manager *m = open_mgr("compact_dates");
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id long not null, ts timestamp";
    floe_table *t = NULL;
    if (floe_manager_create_table(&t, m, "db.t", &co))
        fail_msg("create: %s", floe_error_last());
    add_date_file(t, 5, "dates.parquet", 0, 0);
    floe_compact_options o = FLOE_COMPACT_OPTIONS_INIT;
    o.min_input_files = 2;
    floe_compact_result *r = NULL;
    /* a second file written with the timestamp type: the group mixes both */
    struct ArrowSchema schema;
    assert_int_equal(floe_table_arrow_schema(&schema, t), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
    assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), 100), 0);
    assert_int_equal(
        floe_arrow_builder_append_int(floe_arrow_builder_child(b, 1), INT64_C(1700000000000000)),
        0);
    struct ArrowArray a;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &a, NULL), 0);
    floe_arrow_builder_free(b);
    struct ArrowArrayStream s;
    assert_int_equal(floe_arrow_stream_from_batches(&s, &schema, &a, 1), 0);
    assert_int_equal(floe_table_append(NULL, t, &s, NULL), 0);
    s.release(&s);
    if (floe_table_compact(&r, t, &o))
        fail_msg("compact: %s", floe_error_last());
    assert_int_equal(floe_compact_result_rewritten_files(r), 2);
    floe_compact_result_free(r);
    assert_int_equal(files_in(t, NULL), 1);
    int64_t ts[6];
    int nulls = 0;
    struct ArrowArrayStream st;
    assert_int_equal(floe_table_scan(&st, t, NULL), 0);
    for (;;) {
        struct ArrowArray batch;
        assert_int_equal(floe_arrow_stream_get_next(&st, &batch), 0);
        if (!batch.release)
            break;
        for (int64_t i = 0; i < batch.length; i++) {
            int64_t id = floe_arrow_get_int64(batch.children[0], batch.offset + i);
            assert_true(id == 100 || (id >= 0 && id < 5));
            if (floe_arrow_is_null(batch.children[1], batch.offset + i))
                nulls++;
            else
                ts[id == 100 ? 5 : id] = floe_arrow_get_int64(batch.children[1], batch.offset + i);
        }
        batch.release(&batch);
    }
    st.release(&st);
    assert_int_equal(nulls, 1);
    /* day d is d * 86400 s after the epoch, in microseconds */
    assert_true(ts[0] == 0);
    assert_true(ts[2] == INT64_C(2) * 86400 * 1000000);
    assert_true(ts[4] == INT64_C(4) * 86400 * 1000000);
    assert_true(ts[5] == INT64_C(1700000000000000));
    floe_table_free(t);
    floe_manager_free(m);
}

/* ---- racing a row-level delete ---- */

/* Paths nftw collects for list_files. */
static char **walk_paths;
static size_t walk_n, walk_cap;

static int walk_add(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    if (flag != FTW_F)
        return 0;
    if (walk_n == walk_cap) {
        walk_cap = walk_cap ? walk_cap * 2 : 64;
        walk_paths = realloc(walk_paths, walk_cap * sizeof *walk_paths);
        assert_non_null(walk_paths);
    }
    walk_paths[walk_n++] = strdup(path);
    return 0;
}

/* Every file under `dir`, sorted, one per line. */
static char *list_files(const char *dir)
{
    walk_paths = NULL;
    walk_n = walk_cap = 0;
    assert_int_equal(nftw(dir, walk_add, 8, FTW_PHYS), 0);
    qsort(walk_paths, walk_n, sizeof *walk_paths, cmp_str);
    size_t total = 1;
    for (size_t i = 0; i < walk_n; i++)
        total += strlen(walk_paths[i]) + 1;
    char *s = calloc(1, total);
    assert_non_null(s);
    size_t at = 0;
    for (size_t i = 0; i < walk_n; i++) {
        size_t l = strlen(walk_paths[i]);
        memcpy(s + at, walk_paths[i], l);
        s[at + l] = '\n';
        at += l + 1;
        free(walk_paths[i]);
    }
    free(walk_paths);
    walk_paths = NULL;
    return s;
}

/* The lines of `b` that are not in `a` (both sorted lists of list_files). */
static char *lines_added(const char *a, const char *b)
{
    char *out = calloc(1, strlen(b) + 1);
    assert_non_null(out);
    size_t at = 0;
    for (const char *l = b; *l;) {
        const char *e = strchr(l, '\n');
        size_t len = (size_t)(e - l) + 1;
        int found = 0;
        for (const char *k = a; *k && !found;) {
            const char *ke = strchr(k, '\n');
            found = (size_t)(ke - k) + 1 == len && memcmp(k, l, len) == 0;
            k = ke + 1;
        }
        if (!found) {
            memcpy(out + at, l, len);
            at += len;
        }
        l = e + 1;
    }
    return out;
}

struct delete_race {
    floe_manager *m;
    const char *filter;
    const char *dir; /* the table's directory */
    int calls;
    int64_t deleted;  /* rows the delete must remove */
    int64_t snapshot; /* the delete's snapshot */
    char *added;      /* files the delete wrote */
};

/* Runs once, between the compaction's plan and its first commit: a row-level delete through
 * another handle, recording the files it adds to the table directory. */
static int row_delete_hook(floe_table *t, void *ctx)
{
    (void)t;
    struct delete_race *d = ctx;
    if (d->calls++)
        return 0;
    floe_table *other = NULL;
    assert_int_equal(floe_manager_load_table(&other, d->m, "db.t"), 0);
    char *before = list_files(d->dir);
    floe_write_result wr;
    if (floe_table_delete_rows(&wr, other, d->filter, NULL))
        fail_msg("delete: %s", floe_error_last());
    assert_int_equal(wr.deleted_records, d->deleted);
    d->snapshot = wr.snapshot_id;
    char *after = list_files(d->dir);
    d->added = lines_added(before, after);
    free(before);
    free(after);
    floe_table_free(other);
    return 0;
}

/* region=eu: five small files {0,2,4}, {100,102,104}, ...; region=us: one file 1, 3, ..., 19.
 * Only the eu files form a group. */
static floe_table *delete_race_table(floe_manager *m)
{
    floe_table *t = create(m, "region");
    for (int i = 0; i < 5; i++)
        append_step(t, i * 100, 3, 2);
    append_step(t, 1, 10, 2);
    assert_int_equal(files_in(t, "region=eu"), 5);
    assert_int_equal(files_in(t, "region=us"), 1);
    return t;
}

/* The ids of the table outside [lo, hi], sorted. */
static size_t ids_without(int64_t *out, const int64_t *ids, size_t n, int64_t lo, int64_t hi)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (ids[i] < lo || ids[i] > hi)
            out[k++] = ids[i];
    return k;
}

/* A delete of ids [lo, hi] (`filter`) lands while the eu files are being compacted. */
static void race_delete_of_input(const char *name, const char *filter, int64_t lo, int64_t hi,
                                 size_t eu_files)
{
    floe_manager *m = open_mgr(name);
    floe_table *t = delete_race_table(m);
    static int64_t all[MAX_IDS], want[MAX_IDS], got[MAX_IDS];
    size_t n = scan_ids(all, t, -1);
    size_t nw = ids_without(want, all, n, lo, hi);
    char *dir = strdup(floe_table_location(t));
    char *start = list_files(dir);
    struct delete_race d = {m, filter, dir, 0, (int64_t)(n - nw), 0, NULL};
    floe_compact_options o = FLOE_COMPACT_OPTIONS_INIT;
    o.before_commit = row_delete_hook;
    o.before_commit_ctx = &d;
    floe_compact_result *r = NULL;
    assert_int_equal(floe_table_compact(&r, t, &o), FLOE_ECONFLICT);
    assert_null(r);
    assert_non_null(strstr(floe_error_last(), "was removed while it was being compacted"));
    assert_int_equal(d.calls, 2);
    /* a rewrite leaves as many eu files and writes a data file; a dropped file writes none */
    if (eu_files == 5)
        assert_non_null(strstr(d.added, ".parquet"));
    else
        assert_null(strstr(d.added, ".parquet"));
    /* the table is exactly the delete's result */
    assert_int_equal(floe_table_refresh(t), 0);
    assert_int_equal(floe_table_current_snapshot_id(t), d.snapshot);
    assert_int_equal(scan_ids(got, t, -1), nw);
    assert_memory_equal(got, want, nw * sizeof *want);
    assert_int_equal(files_in(t, "region=eu"), eu_files);
    /* nothing the compaction wrote is left: the directory holds what was there before plus
     * what the delete wrote */
    char *end = list_files(dir);
    char *extra = lines_added(start, end);
    assert_string_equal(extra, d.added);
    free(extra);
    free(end);
    free(start);
    free(d.added);
    free(dir);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_compact_racing_row_delete_of_an_input_conflicts_and_cleans_up(void **state)
{
    (void)state;
    /* the delete rewrites the eu file {100, 102, 104} without 102 */
    race_delete_of_input("compact_race_rowdel", "id = 102", 102, 102, 5);
    /* the delete drops the whole eu file {200, 202, 204} */
    race_delete_of_input("compact_race_rowdel_file", "id >= 200 and id <= 204", 200, 204, 4);
}

static void test_compact_racing_row_delete_elsewhere_retries_and_keeps_both(void **state)
{
    (void)state;
    floe_manager *m = open_mgr("compact_race_rowdel_other");
    floe_table *t = delete_race_table(m);
    static int64_t all[MAX_IDS], want[MAX_IDS], got[MAX_IDS];
    size_t n = scan_ids(all, t, -1);
    size_t nw = ids_without(want, all, n, 3, 3);
    /* the delete rewrites the us file: not in any group */
    struct delete_race d = {m, "id = 3", floe_table_location(t), 0, 1, 0, NULL};
    floe_compact_options o = FLOE_COMPACT_OPTIONS_INIT;
    o.before_commit = row_delete_hook;
    o.before_commit_ctx = &d;
    floe_compact_result *r = NULL;
    if (floe_table_compact(&r, t, &o))
        fail_msg("compact: %s", floe_error_last());
    assert_int_equal(floe_compact_result_attempts(r), 2);
    assert_int_equal(floe_compact_result_rewritten_files(r), 5);
    floe_compact_result_free(r);
    free(d.added);
    assert_int_equal(scan_ids(got, t, -1), nw);
    assert_memory_equal(got, want, nw * sizeof *want);
    assert_int_equal(files_in(t, "region=eu"), 1);
    assert_int_equal(files_in(t, "region=us"), 1);
    /* the compaction committed on top of the delete */
    json_t *snaps = NULL;
    assert_int_equal(floe_table_snapshots(&snaps, t), 0);
    size_t ns = json_array_size(snaps);
    json_t *last = json_array_get(snaps, ns - 1);
    assert_string_equal(json_string_value(json_object_get(last, "operation")), "replace");
    assert_int_equal(json_integer_value(json_object_get(last, "parent-snapshot-id")), d.snapshot);
    json_decref(snaps);
    floe_table_free(t);
    floe_manager_free(m);
}

/* ---- files compaction cannot read ---- */

static void test_compact_refuses_unreadable_files_and_cleans_up(void **state)
{
    (void)state;
    floe_manager *m = open_mgr("compact_no_ids");
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id long not null, ts timestamp";
    floe_table *t = NULL;
    if (floe_manager_create_table(&t, m, "db.t", &co))
        fail_msg("create: %s", floe_error_last());
    /* the readable file sorts first (larger): it is rewritten before the other fails */
    add_date_file(t, 50, "with-ids.parquet", 0, 0);
    add_date_file(t, 5, "no-ids.parquet", 1, 0);
    int64_t cur = floe_table_current_snapshot_id(t);
    char *dir = strdup(floe_table_location(t));
    char *start = list_files(dir);
    floe_compact_options o = FLOE_COMPACT_OPTIONS_INIT;
    o.min_input_files = 2;
    floe_compact_result *r = NULL;
    assert_int_equal(floe_table_compact(&r, t, &o), FLOE_EUNSUPPORTED);
    assert_null(r);
    assert_non_null(strstr(floe_error_last(), "no-ids.parquet"));
    assert_non_null(strstr(floe_error_last(), "field ids"));
    assert_int_equal(floe_table_refresh(t), 0);
    assert_int_equal(floe_table_current_snapshot_id(t), cur);
    char *end = list_files(dir);
    assert_string_equal(start, end);
    free(end);
    free(start);
    free(dir);
    floe_table_free(t);
    floe_manager_free(m);

    /* a column of a type no promotion leads to (string where the table has a timestamp) */
    m = open_mgr("compact_bad_type");
    if (floe_manager_create_table(&t, m, "db.t", &co))
        fail_msg("create: %s", floe_error_last());
    add_date_file(t, 50, "dates.parquet", 0, 0);
    add_date_file(t, 5, "text.parquet", 0, 1);
    cur = floe_table_current_snapshot_id(t);
    dir = strdup(floe_table_location(t));
    start = list_files(dir);
    assert_int_equal(floe_table_compact(&r, t, &o), FLOE_EUNSUPPORTED);
    assert_non_null(strstr(floe_error_last(), "text.parquet"));
    assert_non_null(strstr(floe_error_last(), "column 'ts'"));
    assert_int_equal(floe_table_refresh(t), 0);
    assert_int_equal(floe_table_current_snapshot_id(t), cur);
    end = list_files(dir);
    assert_string_equal(start, end);
    free(end);
    free(start);
    free(dir);
    floe_table_free(t);
    floe_manager_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compact_fifty_appends_per_partition),
        cmocka_unit_test(test_compact_min_input_files_and_target),
        cmocka_unit_test(test_compact_applies_position_and_equality_deletes),
        cmocka_unit_test(test_compact_racing_append_keeps_both),
        cmocka_unit_test(test_compact_racing_overwrite_conflicts_and_cleans_up),
        cmocka_unit_test(test_compact_racing_new_delete_files_conflicts),
        cmocka_unit_test(test_cli_compact_dry_run_json_and_rewrite),
        cmocka_unit_test(test_compact_dry_run_changes_nothing),
        cmocka_unit_test(test_rewrite_manifests_merges_with_same_rows),
        cmocka_unit_test(test_compact_moves_older_spec_groups_to_the_current_spec),
        cmocka_unit_test(test_compact_to_current_spec_moves_every_older_file),
        cmocka_unit_test(test_compact_reads_every_schema_version_by_field_id),
        cmocka_unit_test(test_compact_matches_nested_struct_fields_by_id),
        cmocka_unit_test(test_compact_keeps_lists_and_maps),
        cmocka_unit_test(test_compact_converts_evolved_list_and_map_entries),
        cmocka_unit_test(test_compact_turns_promoted_dates_into_midnight_timestamps),
        cmocka_unit_test(test_compact_racing_row_delete_of_an_input_conflicts_and_cleans_up),
        cmocka_unit_test(test_compact_racing_row_delete_elsewhere_retries_and_keeps_both),
        cmocka_unit_test(test_compact_refuses_unreadable_files_and_cleans_up),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
