/* Upserts by join columns (seed 001 T061a-c): inserts, updates only of changed rows, deletes
 * of unmatched rows, composite keys, key validation, pruning of target files by the source key
 * bounds, tables with position deletes, dry runs. */
#include "test_support.h"

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
#include <floe/parquet/writer.h>
#include <floe/table.h>
#include <floe/table_upsert.h>

#include "manager_test_util.h"
#include "manager/deletes.h"
#include "manager/manager_internal.h"
#include "manager/scan_plan.h"
#include "manager/write_internal.h"

/* A row of the test tables: id long not null, region string, v long. */
struct row {
    int64_t id;
    const char *region; /* NULL: null */
    int64_t v;
    bool v_null;
};

static floe_table *make_table(floe_manager **m, const char *dir, const char *partition_by)
{
    floe_manager_options o = FLOE_MANAGER_OPTIONS_INIT;
    o.warehouse = floe_test_tmpdir(dir);
    assert_int_equal(floe_manager_open(m, &o), 0);
    assert_int_equal(floe_manager_create_namespace(*m, "db", NULL, 0), 0);
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id long not null, region string, v long";
    co.partition_by = partition_by;
    floe_table *t = NULL;
    assert_int_equal(floe_manager_create_table(&t, *m, "db.t", &co), 0);
    return t;
}

static void stream_of(struct ArrowArrayStream *s, floe_table *t, const struct row *rows, size_t n)
{
    struct ArrowSchema schema;
    assert_int_equal(floe_table_arrow_schema(&schema, t), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), rows[i].id),
                         0);
        floe_arrow_builder *rb = floe_arrow_builder_child(b, 1);
        assert_int_equal(rows[i].region ? floe_arrow_builder_append_str(rb, rows[i].region)
                                        : floe_arrow_builder_append_null(rb),
                         0);
        floe_arrow_builder *vb = floe_arrow_builder_child(b, 2);
        assert_int_equal(rows[i].v_null ? floe_arrow_builder_append_null(vb)
                                        : floe_arrow_builder_append_int(vb, rows[i].v),
                         0);
    }
    struct ArrowArray a;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &a, NULL), 0);
    floe_arrow_builder_free(b);
    assert_int_equal(floe_arrow_stream_from_batches(s, &schema, &a, 1), 0);
}

/* Rows id in [start, start+n): region "eu" for even ids, "us" for odd, v = id * 10. */
static struct row *range_rows(int64_t start, size_t n)
{
    struct row *r = calloc(n ? n : 1, sizeof *r);
    assert_non_null(r);
    for (size_t i = 0; i < n; i++) {
        int64_t id = start + (int64_t)i;
        r[i] = (struct row){id, id % 2 ? "us" : "eu", id * 10, false};
    }
    return r;
}

static void append_rows(floe_table *t, const struct row *rows, size_t n)
{
    struct ArrowArrayStream s;
    stream_of(&s, t, rows, n);
    if (floe_table_append(NULL, t, &s, NULL))
        fail_msg("append: %s", floe_error_last());
    s.release(&s);
}

static int upsert(floe_upsert_result *r, floe_table *t, const struct row *rows, size_t n,
                  const char *const *on, size_t non, int delete_unmatched, int dry_run)
{
    struct ArrowArrayStream s;
    stream_of(&s, t, rows, n);
    floe_upsert_options o = FLOE_UPSERT_OPTIONS_INIT;
    o.delete_unmatched = delete_unmatched;
    o.dry_run = dry_run;
    int rc = floe_table_upsert(r, t, &s, on, non, &o);
    s.release(&s);
    return rc;
}

static const char *const ON_ID[] = {"id"};

/* The table's rows sorted by id as text "id:region:v;" (nulls as "-"). */
static char *scan_text(floe_table *t)
{
    struct ArrowArrayStream s;
    assert_int_equal(floe_table_scan(&s, t, NULL), 0);
    size_t cap = 1024, n = 0;
    struct {
        int64_t id;
        char txt[64];
    } *v = malloc(cap * sizeof *v);
    assert_non_null(v);
    for (;;) {
        struct ArrowArray b;
        assert_int_equal(floe_arrow_stream_get_next(&s, &b), 0);
        if (!b.release)
            break;
        for (int64_t i = 0; i < b.length; i++) {
            if (n == cap) {
                cap *= 2;
                v = realloc(v, cap * sizeof *v);
                assert_non_null(v);
            }
            int64_t k = b.offset + i;
            v[n].id = floe_arrow_get_int64(b.children[0], k);
            char reg[16] = "-", val[24] = "-";
            if (!floe_arrow_is_null(b.children[1], k)) {
                floe_arrow_bytes by = floe_arrow_get_bytes(b.children[1], k);
                snprintf(reg, sizeof reg, "%.*s", (int)by.len, (const char *)by.data);
            }
            if (!floe_arrow_is_null(b.children[2], k))
                snprintf(val, sizeof val, "%" PRId64, floe_arrow_get_int64(b.children[2], k));
            snprintf(v[n].txt, sizeof v[n].txt, "%" PRId64 ":%s:%s;", v[n].id, reg, val);
            n++;
        }
        b.release(&b);
    }
    s.release(&s);
    /* insertion sort is enough for the small tables here; ids are unique per test */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && v[j - 1].id > v[j].id; j--) {
            char tmp[sizeof v[0]];
            memcpy(tmp, &v[j], sizeof tmp);
            memcpy(&v[j], &v[j - 1], sizeof tmp);
            memcpy(&v[j - 1], tmp, sizeof tmp);
        }
    char *out = calloc(n * 64 + 1, 1);
    assert_non_null(out);
    for (size_t i = 0; i < n; i++)
        strcat(out, v[i].txt);
    free(v);
    return out;
}

static char *rows_text(const struct row *rows, size_t n)
{
    char *out = calloc(n * 64 + 1, 1);
    assert_non_null(out);
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        char val[24] = "-";
        if (!rows[i].v_null)
            snprintf(val, sizeof val, "%" PRId64, rows[i].v);
        used += (size_t)snprintf(out + used, 64, "%" PRId64 ":%s:%s;", rows[i].id,
                                 rows[i].region ? rows[i].region : "-", val);
    }
    return out;
}

static void assert_rows(floe_table *t, const struct row *want, size_t n)
{
    char *got = scan_text(t), *exp = rows_text(want, n);
    assert_string_equal(got, exp);
    free(got);
    free(exp);
}

static const char *summary(floe_table *t, const char *key)
{
    static char buf[64];
    json_t *snaps = NULL;
    assert_int_equal(floe_table_snapshots(&snaps, t), 0);
    json_t *last = json_array_get(snaps, json_array_size(snaps) - 1);
    const char *v = json_string_value(json_object_get(json_object_get(last, "summary"), key));
    snprintf(buf, sizeof buf, "%s", v ? v : "(none)");
    json_decref(snaps);
    return buf;
}

static size_t snapshot_count(floe_table *t)
{
    json_t *snaps = NULL;
    assert_int_equal(floe_table_snapshots(&snaps, t), 0);
    size_t n = json_array_size(snaps);
    json_decref(snaps);
    return n;
}

static void test_upsert_inserts_new_keys_T061a(void **state)
{
    (void)state;
    floe_manager *m = NULL;
    floe_table *t = make_table(&m, "ups_insert", NULL);
    struct row *base = range_rows(0, 10);
    append_rows(t, base, 10);
    struct row *src = range_rows(10, 5);
    floe_upsert_result r;
    assert_int_equal(upsert(&r, t, src, 5, ON_ID, 1, 0, 0), 0);
    assert_int_equal(r.inserted_rows, 5);
    assert_int_equal(r.updated_rows, 0);
    assert_int_equal(r.files_rewritten, 0);
    assert_true(r.snapshot_id != 0);
    struct row *all = range_rows(0, 15);
    assert_rows(t, all, 15);
    assert_string_equal(summary(t, "upsert.inserted-rows"), "5");
    assert_string_equal(summary(t, "upsert.updated-rows"), "0");
    free(base);
    free(src);
    free(all);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_upsert_updates_only_changed_rows_T061a(void **state)
{
    (void)state;
    floe_manager *m = NULL;
    floe_table *t = make_table(&m, "ups_update", NULL);
    struct row *a = range_rows(0, 10), *b = range_rows(100, 10);
    append_rows(t, a, 10); /* file A: ids 0..9 */
    append_rows(t, b, 10); /* file B: ids 100..109 */
    size_t snaps = snapshot_count(t);
    /* unchanged matched rows only: nothing is written, no snapshot */
    floe_upsert_result r;
    assert_int_equal(upsert(&r, t, a + 2, 3, ON_ID, 1, 0, 0), 0);
    assert_int_equal(r.unchanged_rows, 3);
    assert_int_equal(r.updated_rows, 0);
    assert_int_equal(r.files_rewritten, 0);
    assert_int_equal(r.snapshot_id, 0);
    assert_int_equal(snapshot_count(t), snaps);
    /* one changed row in file B (v), one unchanged in A, one changed to null region in B */
    struct row src[3] = {a[4], b[1], b[2]};
    src[1].v = -1;
    src[2].region = NULL;
    assert_int_equal(upsert(&r, t, src, 3, ON_ID, 1, 0, 0), 0);
    assert_int_equal(r.updated_rows, 2);
    assert_int_equal(r.unchanged_rows, 1);
    assert_int_equal(r.inserted_rows, 0);
    assert_int_equal(r.files_rewritten, 1); /* only B */
    assert_string_equal(summary(t, "upsert.updated-rows"), "2");
    assert_string_equal(summary(t, "deleted-data-files"), "1");
    struct row want[20];
    memcpy(want, a, 10 * sizeof *want);
    memcpy(want + 10, b, 10 * sizeof *want);
    want[11].v = -1;
    want[12].region = NULL;
    assert_rows(t, want, 20);
    free(a);
    free(b);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_upsert_mixed_and_dry_run_T061a(void **state)
{
    (void)state;
    floe_manager *m = NULL;
    floe_table *t = make_table(&m, "ups_mixed", "region");
    struct row *base = range_rows(0, 20);
    append_rows(t, base, 20);
    struct row src[4] = {base[3], base[4], {50, "eu", 7, false}, {51, "apac", 0, true}};
    src[0].v = 999;
    size_t snaps = snapshot_count(t);
    floe_upsert_result r;
    assert_int_equal(upsert(&r, t, src, 4, ON_ID, 1, 0, 1), 0);
    assert_int_equal(r.inserted_rows, 2);
    assert_int_equal(r.updated_rows, 1);
    assert_int_equal(r.unchanged_rows, 1);
    assert_int_equal(r.files_rewritten, 1);
    assert_int_equal(r.snapshot_id, 0);
    assert_int_equal(snapshot_count(t), snaps);
    assert_rows(t, base, 20);
    assert_int_equal(upsert(&r, t, src, 4, ON_ID, 1, 0, 0), 0);
    assert_int_equal(r.inserted_rows, 2);
    assert_int_equal(r.updated_rows, 1);
    assert_int_equal(r.files_rewritten, 1); /* region=us holds id 3 */
    struct row want[22];
    memcpy(want, base, 20 * sizeof *want);
    want[3].v = 999;
    want[20] = src[2];
    want[21] = src[3];
    assert_rows(t, want, 22);
    free(base);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_upsert_delete_unmatched_T061b(void **state)
{
    (void)state;
    floe_manager *m = NULL;
    floe_table *t = make_table(&m, "ups_delunm", NULL);
    struct row *a = range_rows(0, 10), *b = range_rows(100, 10);
    append_rows(t, a, 10);
    append_rows(t, b, 10);
    /* the source holds ids 0..9 (one changed) and 200: every row of file B goes */
    struct row src[11];
    memcpy(src, a, 10 * sizeof *src);
    src[5].v = 1;
    src[10] = (struct row){200, "eu", 2000, false};
    floe_upsert_result r;
    assert_int_equal(upsert(&r, t, src, 11, ON_ID, 1, 1, 0), 0);
    assert_int_equal(r.deleted_rows, 10);
    assert_int_equal(r.updated_rows, 1);
    assert_int_equal(r.inserted_rows, 1);
    assert_int_equal(r.files_rewritten, 2);
    assert_int_equal(r.files_scanned, 2);
    assert_string_equal(summary(t, "upsert.deleted-rows"), "10");
    assert_rows(t, src, 11);
    free(a);
    free(b);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_upsert_empty_source_deletes_everything_unmatched_T061b(void **state)
{
    (void)state;
    floe_manager *m = NULL;
    floe_table *t = make_table(&m, "ups_empty", "region");
    struct row *base = range_rows(0, 10);
    append_rows(t, base, 10);
    floe_upsert_result r;
    /* without delete_unmatched an empty source changes nothing */
    assert_int_equal(upsert(&r, t, base, 0, ON_ID, 1, 0, 0), 0);
    assert_int_equal(r.snapshot_id, 0);
    assert_int_equal(r.files_scanned, 0);
    assert_int_equal(upsert(&r, t, base, 0, ON_ID, 1, 1, 1), 0);
    assert_int_equal(r.deleted_rows, 10);
    assert_int_equal(r.snapshot_id, 0);
    assert_rows(t, base, 10);
    assert_int_equal(upsert(&r, t, base, 0, ON_ID, 1, 1, 0), 0);
    assert_int_equal(r.deleted_rows, 10);
    assert_int_equal(r.files_rewritten, 2);
    assert_int_equal(r.files_added, 0);
    assert_rows(t, NULL, 0);
    assert_string_equal(summary(t, "total-records"), "0");
    free(base);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_upsert_composite_keys_T061a(void **state)
{
    (void)state;
    floe_manager *m = NULL;
    floe_table *t = make_table(&m, "ups_composite", NULL);
    struct row base[3] = {{1, "eu", 10, false}, {1, "us", 20, false}, {2, "eu", 30, false}};
    append_rows(t, base, 3);
    struct row src[2] = {{1, "us", 21, false}, {2, "us", 40, false}};
    static const char *const on[] = {"id", "region"};
    floe_upsert_result r;
    assert_int_equal(upsert(&r, t, src, 2, on, 2, 0, 0), 0);
    assert_int_equal(r.updated_rows, 1);
    assert_int_equal(r.inserted_rows, 1);
    char *got = scan_text(t);
    /* two rows share id 1 and 2: compare as a set of texts */
    assert_non_null(strstr(got, "1:eu:10;"));
    assert_non_null(strstr(got, "1:us:21;"));
    assert_non_null(strstr(got, "2:eu:30;"));
    assert_non_null(strstr(got, "2:us:40;"));
    assert_null(strstr(got, "1:us:20;"));
    free(got);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_upsert_rejects_bad_keys_T061c(void **state)
{
    (void)state;
    floe_manager *m = NULL;
    floe_table *t = make_table(&m, "ups_reject", NULL);
    struct row *base = range_rows(0, 5);
    append_rows(t, base, 5);
    size_t snaps = snapshot_count(t);
    floe_upsert_result r;
    /* duplicate source key, named in the message */
    struct row dup[3] = {{7, "eu", 1, false}, {8, "eu", 1, false}, {7, "us", 2, false}};
    assert_int_equal(upsert(&r, t, dup, 3, ON_ID, 1, 0, 0), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "duplicate key (id=7)"));
    /* null key: region is nullable */
    static const char *const on_region[] = {"region"};
    struct row nul[2] = {{9, "eu", 1, false}, {10, NULL, 1, false}};
    assert_int_equal(upsert(&r, t, nul, 2, on_region, 1, 0, 0), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "null"));
    /* missing join column */
    static const char *const on_missing[] = {"nope"};
    assert_int_equal(upsert(&r, t, base, 1, on_missing, 1, 0, 0), FLOE_ESCHEMA);
    assert_non_null(strstr(floe_error_last(), "'nope'"));
    assert_int_equal(snapshot_count(t), snaps);
    assert_rows(t, base, 5);
    free(base);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_upsert_prunes_files_by_key_bounds_T061b(void **state)
{
    (void)state;
    floe_manager *m = NULL;
    floe_table *t = make_table(&m, "ups_prune", NULL);
    for (int64_t f = 0; f < 5; f++) {
        struct row *rs = range_rows(f * 100, 100);
        append_rows(t, rs, 100);
        free(rs);
    }
    /* keys 210..215 (one changed) and 250: only the file of ids 200..299 can hold them */
    struct row *src = range_rows(210, 6);
    src[2].v = 5;
    struct row extra = {250, "eu", 1, false};
    struct row s7[7];
    memcpy(s7, src, 6 * sizeof *s7);
    s7[6] = extra;
    floe_upsert_result r;
    assert_int_equal(upsert(&r, t, s7, 7, ON_ID, 1, 0, 0), 0);
    assert_int_equal(r.files_scanned, 1);
    assert_int_equal(r.files_pruned, 4);
    assert_int_equal(r.updated_rows, 2); /* 212 and 250 (v differs) */
    assert_int_equal(r.unchanged_rows, 5);
    assert_int_equal(r.files_rewritten, 1);
    struct row *all = range_rows(0, 500);
    all[212].v = 5;
    all[250] = extra;
    assert_rows(t, all, 500);
    free(all);
    free(src);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_upsert_prunes_bucket_partitions_by_key_list_T061b(void **state)
{
    (void)state;
    floe_manager *m = NULL;
    floe_table *t = make_table(&m, "ups_bucket", "bucket(8, id)");
    struct row *base = range_rows(0, 200);
    append_rows(t, base, 200);
    struct row src[1] = {base[77]};
    src[0].v = 1;
    floe_upsert_result r;
    assert_int_equal(upsert(&r, t, src, 1, ON_ID, 1, 0, 0), 0);
    assert_int_equal(r.files_scanned, 1); /* only the bucket of id 77 */
    assert_true(r.files_pruned >= 1);
    assert_int_equal(r.updated_rows, 1);
    base[77].v = 1;
    assert_rows(t, base, 200);
    free(base);
    floe_table_free(t);
    floe_manager_free(m);
}

/* Commits a position delete file removing rows `pos` of data file `path`. */
static void delete_positions(floe_table *t, const char *path, const int64_t *pos, size_t n)
{
    char dpath[4096];
    snprintf(dpath, sizeof dpath, "%s/data/upsert-posdel.parquet", floe_table_location(t));
    int64_t size = floe_mtest_write_position_deletes(t, dpath, &path, 1, pos, n);
    floe_output_file *f = NULL;
    floe_data_file *df = NULL;
    assert_int_equal(floe_data_file_new(&df, FLOE_CONTENT_POSITION_DELETES, dpath, "PARQUET",
                                        (int64_t)n, (int64_t)size),
                     0);
    assert_int_equal(floe_data_file_set_referenced_data_file(df, path), 0);
    char mpath[4096];
    snprintf(mpath, sizeof mpath, "%s/metadata/upsert-del.avro", floe_table_location(t));
    assert_int_equal(t->m->io->create(&f, t->m->io, mpath, FLOE_CREATE_EXCLUSIVE), 0);
    floe_manifest_writer_options mo = FLOE_MANIFEST_WRITER_OPTIONS_INIT;
    mo.content = FLOE_MANIFEST_DELETES;
    mo.snapshot_id = 4242;
    floe_manifest_writer *mw = NULL;
    assert_int_equal(floe_manifest_writer_new(&mw, f, t->schema, t->spec, &mo), 0);
    assert_int_equal(floe_manifest_writer_add(mw, df), 0);
    floe_manifest_file *mf = NULL;
    assert_int_equal(floe_manifest_writer_finish(&mf, mw), 0);
    floe_manifest_writer_free(mw);
    floe_summary_delta d = FLOE_SUMMARY_DELTA_INIT;
    d.added_delete_files = 1;
    d.added_position_delete_files = 1;
    d.added_files_size = (int64_t)size;
    struct floe_manager_commit c;
    memset(&c, 0, sizeof c);
    c.operation = "delete";
    c.snapshot_id = 4242;
    const floe_manifest_file *ms[1] = {mf};
    c.manifests = ms;
    c.manifest_count = 1;
    c.delta = d;
    int64_t sid = 0;
    unsigned int attempts = 0;
    if (floe_manager__commit_snapshot(&sid, &attempts, t, &c, "test"))
        fail_msg("commit deletes: %s", floe_error_last());
    floe_manifest_file_free(mf);
    floe_data_file_free(df);
}

static void test_upsert_honours_position_deletes_T061b(void **state)
{
    (void)state;
    floe_manager *m = NULL;
    floe_table *t = make_table(&m, "ups_posdel", NULL);
    struct row *base = range_rows(0, 10);
    append_rows(t, base, 10);
    struct floe_manager_plan p;
    memset(&p, 0, sizeof p);
    assert_int_equal(floe_manager__plan(&p, t, NULL), 0);
    assert_int_equal(p.count, 1);
    char path[4096];
    snprintf(path, sizeof path, "%s", floe_data_file_path(p.tasks[0].df));
    floe_manager__plan_free(&p);
    static const int64_t gone[2] = {2, 7}; /* ids 2 and 7 */
    delete_positions(t, path, gone, 2);
    /* id 2 is deleted: upserting it inserts it again; id 3 changes; id 7 stays deleted */
    struct row src[2] = {base[2], base[3]};
    src[1].v = 33;
    floe_upsert_result r;
    assert_int_equal(upsert(&r, t, src, 2, ON_ID, 1, 0, 0), 0);
    assert_int_equal(r.inserted_rows, 1);
    assert_int_equal(r.updated_rows, 1);
    assert_int_equal(r.files_rewritten, 1);
    struct row want[9];
    size_t n = 0;
    for (size_t i = 0; i < 10; i++)
        if (i != 7)
            want[n++] = base[i];
    want[3].v = 33;
    assert_rows(t, want, n);
    free(base);
    floe_table_free(t);
    floe_manager_free(m);
}

/* The live data files read by DuckDB hold the rows floe's scan returns, after an upsert made
 * through the CLI from a Parquet file floe wrote. */
static void test_upsert_cli_result_read_by_duckdb_T061a(void **state)
{
    (void)state;
    FLOE_REQUIRE_INTEROP();
    const char *bin = floe_test_floe_bin();
    if (!bin)
        skip();
    floe_manager *m = NULL;
    floe_table *t = make_table(&m, "ups_duckdb", "region");
    struct row *base = range_rows(0, 50);
    append_rows(t, base, 50);
    /* the source: ids 40..59 with v changed for even ids, written by floe as Parquet */
    floe_manager *m2 = NULL;
    floe_table *src_t = make_table(&m2, "ups_duckdb_src", NULL);
    struct row *src = range_rows(40, 20);
    for (size_t i = 0; i < 20; i += 2)
        src[i].v += 1;
    append_rows(src_t, src, 20);
    char cmd[8192], file[4096];
    snprintf(file, sizeof file, "%s/src.parquet", floe_manager_warehouse(m2));
    snprintf(cmd, sizeof cmd,
             "'%s' table scan db.t --format parquet --output '%s' --warehouse '%s'", bin, file,
             floe_manager_warehouse(m2));
    char *out = NULL;
    assert_int_equal(floe_test_run(cmd, 1, &out), 0);
    free(out);
    snprintf(cmd, sizeof cmd, "'%s' table upsert db.t '%s' --on id --json --warehouse '%s'", bin,
             file, floe_manager_warehouse(m));
    assert_int_equal(floe_test_run(cmd, 0, &out), 0);
    json_error_t err;
    json_t *j = json_loads(out, 0, &err);
    if (!j)
        fail_msg("upsert output: %s", out);
    free(out);
    assert_int_equal(json_integer_value(json_object_get(j, "inserted_rows")), 10);
    assert_int_equal(json_integer_value(json_object_get(j, "updated_rows")), 5);
    assert_int_equal(json_integer_value(json_object_get(j, "unchanged_rows")), 5);
    json_decref(j);
    assert_int_equal(floe_table_refresh(t), 0);
    struct row *want = range_rows(0, 60);
    for (size_t i = 40; i < 60; i += 2)
        want[i].v += 1;
    assert_rows(t, want, 60);
    /* DuckDB over the live files (no delete files here) */
    struct floe_manager_plan p;
    memset(&p, 0, sizeof p);
    assert_int_equal(floe_manager__plan(&p, t, NULL), 0);
    size_t cap = 64, used = 0;
    char *args = calloc(cap, 1);
    assert_non_null(args);
    for (size_t i = 0; i < p.count; i++) {
        const char *path = floe_data_file_path(p.tasks[i].df);
        size_t need = used + strlen(path) + 4;
        if (need >= cap) {
            cap = need * 2;
            args = realloc(args, cap);
            assert_non_null(args);
        }
        used += (size_t)snprintf(args + used, cap - used, "'%s' ", path);
    }
    floe_manager__plan_free(&p);
    assert_int_equal(floe_test_node("manager_upsert.mjs", args, &out), 0);
    free(args);
    char *exp = rows_text(want, 60);
    assert_string_equal(out, exp);
    free(exp);
    free(out);
    free(want);
    free(src);
    free(base);
    floe_table_free(src_t);
    floe_manager_free(m2);
    floe_table_free(t);
    floe_manager_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upsert_inserts_new_keys_T061a),
        cmocka_unit_test(test_upsert_updates_only_changed_rows_T061a),
        cmocka_unit_test(test_upsert_mixed_and_dry_run_T061a),
        cmocka_unit_test(test_upsert_delete_unmatched_T061b),
        cmocka_unit_test(test_upsert_empty_source_deletes_everything_unmatched_T061b),
        cmocka_unit_test(test_upsert_composite_keys_T061a),
        cmocka_unit_test(test_upsert_rejects_bad_keys_T061c),
        cmocka_unit_test(test_upsert_prunes_files_by_key_bounds_T061b),
        cmocka_unit_test(test_upsert_prunes_bucket_partitions_by_key_list_T061b),
        cmocka_unit_test(test_upsert_honours_position_deletes_T061b),
        cmocka_unit_test(test_upsert_cli_result_read_by_duckdb_T061a),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
