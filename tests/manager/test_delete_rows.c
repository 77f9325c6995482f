/* Row-level deletes by filter (copy-on-write): whole partitions dropped without rewriting,
 * partly matched files rewritten, no snapshot when nothing matches, dry runs change nothing,
 * time travel still sees deleted rows, DuckDB reads the live files as floe scans them, and the
 * `floe table delete` command. */
#include "test_support.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/stream.h>
#include <floe/arrow/value.h>
#include <floe/arrow/schema.h>
#include <floe/error.h>
#include <floe/iceberg/manifest.h>
#include <floe/parquet/writer.h>
#include <floe/table.h>
#include <floe/table_delete.h>
#include <floe/table_inspect.h>

#include "manager_test_util.h"
#include "manager/deletes.h"
#include "manager/manager_internal.h"
#include "manager/write_internal.h"

static floe_table *make_table(floe_manager **m, const char *wh, const char *partition_by)
{
    floe_manager_options o = FLOE_MANAGER_OPTIONS_INIT;
    o.warehouse = wh;
    assert_int_equal(floe_manager_open(m, &o), 0);
    assert_int_equal(floe_manager_create_namespace(*m, "db", NULL, 0), 0);
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id long not null, region string";
    co.partition_by = partition_by;
    floe_table *t = NULL;
    assert_int_equal(floe_manager_create_table(&t, *m, "db.t", &co), 0);
    return t;
}

/* appends ids [start, start+n), region "eu" for even ids and "us" for odd ones */
static void append(floe_table *t, int64_t start, int64_t n)
{
    struct ArrowSchema schema;
    assert_int_equal(floe_table_arrow_schema(&schema, t), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
    for (int64_t i = start; i < start + n; i++) {
        assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), i), 0);
        assert_int_equal(
            floe_arrow_builder_append_str(floe_arrow_builder_child(b, 1), i % 2 ? "us" : "eu"), 0);
    }
    struct ArrowArray a;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &a, NULL), 0);
    floe_arrow_builder_free(b);
    struct ArrowArrayStream s;
    assert_int_equal(floe_arrow_stream_from_batches(&s, &schema, &a, 1), 0);
    floe_write_result r;
    if (floe_table_append(&r, t, &s, NULL))
        fail_msg("append: %s", floe_error_last());
    s.release(&s);
}

/* rows (and the sum of their ids) a scan of `snapshot` (-1: current) returns */
static int64_t count(floe_table *t, const char *filter, int64_t snapshot, int64_t *sum)
{
    floe_scan_options o = FLOE_SCAN_OPTIONS_INIT;
    o.filter = filter;
    o.snapshot_id = snapshot;
    struct ArrowArrayStream s;
    assert_int_equal(floe_table_scan(&s, t, &o), 0);
    int64_t n = 0, total = 0;
    for (;;) {
        struct ArrowArray b;
        assert_int_equal(floe_arrow_stream_get_next(&s, &b), 0);
        if (!b.release)
            break;
        for (int64_t i = 0; i < b.length; i++)
            total += floe_arrow_get_int64(b.children[0], b.offset + i);
        n += b.length;
        b.release(&b);
    }
    s.release(&s);
    if (sum)
        *sum = total;
    return n;
}

static size_t snapshot_count(floe_table *t)
{
    json_t *snaps = NULL;
    assert_int_equal(floe_table_snapshots(&snaps, t), 0);
    size_t n = json_array_size(snaps);
    json_decref(snaps);
    return n;
}

/* summary value `key` (or operation when key is NULL) of the newest snapshot */
static const char *last(floe_table *t, const char *key)
{
    static char buf[64];
    json_t *snaps = NULL;
    assert_int_equal(floe_table_snapshots(&snaps, t), 0);
    json_t *s = json_array_get(snaps, json_array_size(snaps) - 1);
    const char *v = key ? json_string_value(json_object_get(json_object_get(s, "summary"), key))
                        : json_string_value(json_object_get(s, "operation"));
    snprintf(buf, sizeof buf, "%s", v ? v : "(none)");
    json_decref(snaps);
    return buf;
}

static size_t live_files(floe_table *t)
{
    floe_scan_plan *p = NULL;
    assert_int_equal(floe_table_plan(&p, t, NULL), 0);
    size_t n = p->task_count;
    floe_scan_plan_free(p);
    return n;
}

static int64_t sum_range(int64_t from, int64_t to, int64_t step)
{
    int64_t s = 0;
    for (int64_t i = from; i < to; i += step)
        s += i;
    return s;
}

static void test_delete_whole_partition_drops_files_without_rewrite(void **state)
{
    (void)state;
    floe_manager *m = NULL;
    floe_table *t = make_table(&m, floe_test_tmpdir("del_partition"), "region");
    append(t, 0, 100); /* region=eu and region=us files */
    int64_t before = floe_table_current_snapshot_id(t);
    floe_write_result r;
    if (floe_table_delete_rows(&r, t, "region = 'us'", NULL))
        fail_msg("delete: %s", floe_error_last());
    assert_true(r.snapshot_id > 0);
    assert_int_equal(r.snapshot_id, floe_table_current_snapshot_id(t));
    assert_int_equal(r.deleted_files, 1);
    assert_int_equal(r.deleted_records, 50);
    assert_int_equal(r.added_files, 0);
    assert_int_equal(r.added_records, 0);
    assert_string_equal(last(t, NULL), "delete");
    assert_string_equal(last(t, "deleted-data-files"), "1");
    assert_string_equal(last(t, "deleted-records"), "50");
    assert_string_equal(last(t, "total-records"), "50");
    assert_string_equal(last(t, "added-data-files"), "(none)");
    assert_int_equal(live_files(t), 1);
    int64_t sum = 0;
    assert_int_equal(count(t, NULL, -1, &sum), 50);
    assert_int_equal(sum, sum_range(0, 100, 2));
    /* time travel to before the delete sees the rows */
    assert_int_equal(count(t, "region = 'us'", before, &sum), 50);
    assert_int_equal(sum, sum_range(1, 100, 2));
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_delete_part_of_files_rewrites_them(void **state)
{
    (void)state;
    floe_manager *m = NULL;
    floe_table *t = make_table(&m, floe_test_tmpdir("del_partial"), "region");
    append(t, 0, 100);
    append(t, 100, 10); /* two more files, untouched by the delete */
    int64_t before = floe_table_current_snapshot_id(t);
    floe_write_result r;
    if (floe_table_delete_rows(&r, t, "id < 10", NULL))
        fail_msg("delete: %s", floe_error_last());
    assert_int_equal(r.deleted_records, 10);
    assert_int_equal(r.deleted_files, 2);
    assert_int_equal(r.added_files, 2);
    assert_int_equal(r.added_records, 90);
    assert_string_equal(last(t, NULL), "overwrite");
    assert_string_equal(last(t, "deleted-data-files"), "2");
    assert_string_equal(last(t, "deleted-records"), "100");
    assert_string_equal(last(t, "added-data-files"), "2");
    assert_string_equal(last(t, "added-records"), "90");
    assert_string_equal(last(t, "total-records"), "100");
    assert_int_equal(live_files(t), 4);
    int64_t sum = 0;
    assert_int_equal(count(t, NULL, -1, &sum), 100);
    assert_int_equal(sum, sum_range(10, 110, 1));
    assert_int_equal(count(t, "id < 10", -1, NULL), 0);
    assert_int_equal(count(t, "id < 10", before, NULL), 10);
    /* a second delete on the rewritten files: rows removed before are not counted again */
    if (floe_table_delete_rows(&r, t, "id < 20 and region = 'eu'", NULL))
        fail_msg("delete: %s", floe_error_last());
    assert_int_equal(r.deleted_records, 5);
    assert_int_equal(count(t, NULL, -1, &sum), 95);
    assert_int_equal(sum, sum_range(10, 110, 1) - (10 + 12 + 14 + 16 + 18));
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_delete_matching_nothing_commits_no_snapshot(void **state)
{
    (void)state;
    floe_manager *m = NULL;
    floe_table *t = make_table(&m, floe_test_tmpdir("del_nomatch"), NULL);
    append(t, 0, 20);
    int64_t cur = floe_table_current_snapshot_id(t);
    floe_write_result r;
    memset(&r, 0xff, sizeof r);
    /* pruned by metrics, and read but matching no row */
    assert_int_equal(floe_table_delete_rows(&r, t, "id > 1000", NULL), 0);
    assert_int_equal(r.snapshot_id, 0);
    assert_int_equal(r.deleted_records, 0);
    assert_int_equal(r.deleted_files, 0);
    assert_int_equal(floe_table_delete_rows(&r, t, "id = 7 and region = 'eu'", NULL), 0);
    assert_int_equal(r.snapshot_id, 0);
    assert_int_equal(r.deleted_records, 0);
    assert_int_equal(floe_table_current_snapshot_id(t), cur);
    assert_int_equal(snapshot_count(t), 1);
    assert_int_equal(count(t, NULL, -1, NULL), 20);
    /* a filter is required, and must parse */
    assert_int_equal(floe_table_delete_rows(&r, t, NULL, NULL), FLOE_EINVALID);
    assert_int_equal(floe_table_delete_rows(&r, t, "", NULL), FLOE_EINVALID);
    assert_true(floe_table_delete_rows(&r, t, "id <", NULL) < 0);
    assert_int_equal(snapshot_count(t), 1);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_delete_dry_run_changes_nothing(void **state)
{
    (void)state;
    floe_manager *m = NULL;
    floe_table *t = make_table(&m, floe_test_tmpdir("del_dry"), "region");
    append(t, 0, 100);
    int64_t cur = floe_table_current_snapshot_id(t);
    floe_delete_options o = FLOE_DELETE_OPTIONS_INIT;
    o.dry_run = 1;
    floe_write_result r;
    if (floe_table_delete_rows(&r, t, "region = 'us' or id < 10", &o))
        fail_msg("dry run: %s", floe_error_last());
    assert_int_equal(r.snapshot_id, 0);
    assert_int_equal(r.deleted_records, 55);
    assert_int_equal(r.deleted_files, 2);
    assert_int_equal(r.added_files, 0);
    assert_int_equal(floe_table_current_snapshot_id(t), cur);
    assert_int_equal(snapshot_count(t), 1);
    assert_int_equal(count(t, NULL, -1, NULL), 100);
    /* the same delete for real removes what the dry run counted, with extra properties */
    const char *keys[] = {"reason"};
    const char *values[] = {"gdpr"};
    o.dry_run = 0;
    o.snapshot_property_keys = keys;
    o.snapshot_property_values = values;
    o.snapshot_property_count = 1;
    if (floe_table_delete_rows(&r, t, "region = 'us' or id < 10", &o))
        fail_msg("delete: %s", floe_error_last());
    assert_int_equal(r.deleted_records, 55);
    assert_int_equal(count(t, NULL, -1, NULL), 45);
    assert_string_equal(last(t, "reason"), "gdpr");
    floe_table_free(t);
    floe_manager_free(m);
}

/* Commits a position delete file removing rows `pos` of data file `target` (a "delete"
 * snapshot written with floe's Parquet and manifest writers). */
static void commit_position_deletes(floe_table *t, const char *target, const int64_t *pos, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/data/pos-deletes.parquet", floe_table_location(t));
    int64_t size = floe_mtest_write_position_deletes(t, path, &target, 1, pos, n);
    floe_output_file *f = NULL;
    floe_data_file *df = NULL;
    assert_int_equal(floe_data_file_new(&df, FLOE_CONTENT_POSITION_DELETES, path, "PARQUET",
                                        (int64_t)n, (int64_t)size),
                     0);
    assert_int_equal(floe_data_file_set_referenced_data_file(df, target), 0);

    int64_t snap = 424242;
    char mpath[4096];
    snprintf(mpath, sizeof mpath, "%s/metadata/pos-deletes-m0.avro", floe_table_location(t));
    assert_int_equal(t->m->io->create(&f, t->m->io, mpath, FLOE_CREATE_EXCLUSIVE), 0);
    floe_manifest_writer_options mo = FLOE_MANIFEST_WRITER_OPTIONS_INIT;
    mo.content = FLOE_MANIFEST_DELETES;
    mo.snapshot_id = snap;
    floe_manifest_writer *mw = NULL;
    assert_int_equal(floe_manifest_writer_new(&mw, f, t->schema, t->spec, &mo), 0);
    assert_int_equal(floe_manifest_writer_add(mw, df), 0);
    floe_manifest_file *mf = NULL;
    assert_int_equal(floe_manifest_writer_finish(&mf, mw), 0);
    floe_manifest_writer_free(mw);
    struct floe_manager_commit c;
    memset(&c, 0, sizeof c);
    c.operation = "delete";
    c.snapshot_id = snap;
    const floe_manifest_file *ms[1] = {mf};
    c.manifests = ms;
    c.manifest_count = 1;
    floe_summary_delta d = FLOE_SUMMARY_DELTA_INIT;
    d.added_delete_files = 1;
    d.added_position_delete_files = 1;
    d.added_position_deletes = (int64_t)n;
    d.added_files_size = (int64_t)size;
    c.delta = d;
    int64_t sid = 0;
    unsigned int attempts = 0;
    if (floe_manager__commit_snapshot(&sid, &attempts, t, &c, "test-pos-deletes"))
        fail_msg("commit deletes: %s", floe_error_last());
    floe_manifest_file_free(mf);
    floe_data_file_free(df);
}

static void test_delete_honours_existing_delete_files(void **state)
{
    (void)state;
    floe_manager *m = NULL;
    floe_table *t = make_table(&m, floe_test_tmpdir("del_posdel"), NULL);
    append(t, 0, 20); /* one file, row position = id */
    floe_scan_plan *p = NULL;
    assert_int_equal(floe_table_plan(&p, t, NULL), 0);
    assert_int_equal(p->task_count, 1);
    char target[4096];
    snprintf(target, sizeof target, "%s", p->tasks[0].path);
    floe_scan_plan_free(p);
    const int64_t pos[] = {2, 3, 15};
    commit_position_deletes(t, target, pos, 3);
    assert_int_equal(count(t, NULL, -1, NULL), 17);
    /* the delete file shows in the metadata tables */
    json_t *rows = NULL;
    assert_int_equal(floe_table_inspect(&rows, t, "partitions"), 0);
    assert_int_equal(json_array_size(rows), 1);
    json_t *r0 = json_array_get(rows, 0);
    assert_int_equal(json_integer_value(json_object_get(r0, "position_delete_file_count")), 1);
    assert_int_equal(json_integer_value(json_object_get(r0, "position_delete_record_count")), 3);
    assert_int_equal(json_integer_value(json_object_get(r0, "record_count")), 20);
    json_decref(rows);
    assert_int_equal(floe_table_inspect(&rows, t, "files"), 0);
    assert_int_equal(json_array_size(rows), 2);
    json_decref(rows);

    /* a whole-file match counts only the live rows */
    floe_delete_options o = FLOE_DELETE_OPTIONS_INIT;
    o.dry_run = 1;
    floe_write_result r;
    assert_int_equal(floe_table_delete_rows(&r, t, "id >= 0", &o), 0);
    assert_int_equal(r.deleted_records, 17);
    assert_int_equal(r.deleted_files, 1);
    /* a partial match: ids 2 and 3 were deleted already, 0, 1 and 4 go now */
    assert_int_equal(floe_table_delete_rows(&r, t, "id < 5", &o), 0);
    assert_int_equal(r.deleted_records, 3);
    assert_int_equal(floe_table_delete_rows(&r, t, "id < 5", NULL), 0);
    assert_int_equal(r.deleted_records, 3);
    assert_int_equal(r.added_files, 1);
    assert_int_equal(r.added_records, 14);
    int64_t sum = 0;
    assert_int_equal(count(t, NULL, -1, &sum), 14);
    /* 5..19 without 15 */
    assert_int_equal(sum, sum_range(5, 20, 1) - 15);
    assert_int_equal(count(t, "id = 15", -1, NULL), 0);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_delete_retries_conflicts_only_when_still_valid(void **state)
{
    (void)state;
    floe_manager *m = NULL;
    floe_table *t = make_table(&m, floe_test_tmpdir("del_conflict"), NULL);
    floe_table *other = NULL;
    assert_int_equal(floe_manager_load_table(&other, m, "db.t"), 0);
    append(t, 0, 20);
    assert_int_equal(floe_table_refresh(other), 0);
    /* a concurrent append of rows that cannot match: the delete retries and commits */
    append(other, 1000, 10);
    floe_write_result r;
    if (floe_table_delete_rows(&r, t, "id < 5", NULL))
        fail_msg("delete: %s", floe_error_last());
    assert_int_equal(r.attempts, 2);
    assert_int_equal(r.deleted_records, 5);
    assert_int_equal(count(t, NULL, -1, NULL), 25);
    /* a concurrent append of rows that may match: retrying would keep them, so it fails */
    assert_int_equal(floe_table_refresh(other), 0);
    append(other, 2, 2);
    size_t snaps = snapshot_count(other);
    int rc = floe_table_delete_rows(&r, t, "id < 10", NULL);
    if (rc != FLOE_ECONFLICT)
        fail_msg("expected a conflict, got %d: %s", rc, floe_error_last());
    assert_int_equal(floe_table_refresh(t), 0);
    assert_int_equal(snapshot_count(t), snaps);
    assert_int_equal(count(t, "id < 10", -1, NULL), 5 + 2);
    /* run again on the refreshed table, it removes them all */
    assert_int_equal(floe_table_delete_rows(&r, t, "id < 10", NULL), 0);
    assert_int_equal(r.deleted_records, 7);
    assert_int_equal(count(t, NULL, -1, NULL), 20);
    floe_table_free(other);
    floe_table_free(t);
    floe_manager_free(m);
}

/* DuckDB read_parquet over the live data files: "rows sum" */
static char *duckdb_count_sum(floe_table *t)
{
    char arg[16384] = "";
    floe_scan_plan *p = NULL;
    assert_int_equal(floe_table_plan(&p, t, NULL), 0);
    for (size_t i = 0; i < p->task_count; i++) {
        size_t n = strlen(arg);
        snprintf(arg + n, sizeof arg - n, "%s%s", i ? "|" : "", p->tasks[i].path);
        assert_int_equal(p->tasks[i].delete_count, 0);
    }
    floe_scan_plan_free(p);
    const char *dir = getenv("FLOE_INTEROP_DIR");
    const char *node = getenv("NODE");
    char cmd[32768];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && '%s' --input-type=module -e '"
             "import { DuckDBInstance } from \"@duckdb/node-api\";"
             "const db = await DuckDBInstance.create(\":memory:\");"
             "const c = await db.connect();"
             "const q = String.fromCharCode(39);"
             "const files = process.argv[1].split(\"|\").map((f) => q + f + q).join(\",\");"
             "const r = await c.runAndReadAll(\"select count(*)::BIGINT, sum(id)::BIGINT, "
             "count(*) filter (where region = \" + q + \"us\" + q + \")::BIGINT from "
             "read_parquet([\" + files + \"])\");"
             "console.log(r.getRows()[0].map(String).join(\" \"));' '%s'",
             dir ? dir : ".", node ? node : "node", arg);
    char *out = NULL;
    if (floe_test_run(cmd, 1, &out))
        fail_msg("duckdb: %s", out ? out : "");
    return out;
}

static void test_delete_live_files_read_by_duckdb_match_scan(void **state)
{
    (void)state;
    FLOE_REQUIRE_INTEROP();
    floe_manager *m = NULL;
    floe_table *t = make_table(&m, floe_test_tmpdir("del_duckdb"), "region");
    append(t, 0, 60);
    append(t, 60, 40);
    floe_write_result r;
    assert_int_equal(floe_table_delete_rows(&r, t, "id >= 30 and id < 70", NULL), 0);
    assert_int_equal(r.deleted_records, 40);
    assert_int_equal(floe_table_delete_rows(&r, t, "region = 'us' and id > 90", NULL), 0);
    int64_t sum = 0;
    int64_t n = count(t, NULL, -1, &sum);
    int64_t us = count(t, "region = 'us'", -1, NULL);
    assert_int_equal(n, 100 - 40 - 5);
    char want[128];
    snprintf(want, sizeof want, "%" PRId64 " %" PRId64 " %" PRId64 "\n", n, sum, us);
    char *got = duckdb_count_sum(t);
    assert_string_equal(got, want);
    free(got);
    floe_table_free(t);
    floe_manager_free(m);
}

/* ---- floe table delete ---- */

static int cli(char **out, const char *wh, const char *args)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "FLOE_LOG_LEVEL=error '%s' table delete %s --warehouse '%s'",
             floe_test_floe_bin(), args, wh);
    return floe_test_run(cmd, 1, out);
}

static void test_cli_table_delete(void **state)
{
    (void)state;
    if (!floe_test_floe_bin())
        skip();
    const char *wh = floe_test_tmpdir("del_cli");
    floe_manager *m = NULL;
    floe_table *t = make_table(&m, wh, "region");
    append(t, 0, 100);
    char *out = NULL;
    assert_int_equal(cli(&out, wh, "--help"), 0);
    assert_non_null(strstr(out, "--filter EXPR"));
    free(out);
    assert_int_equal(cli(&out, wh, "db.t"), 2); /* no filter */
    free(out);
    assert_int_equal(cli(&out, wh, "db.t --filter 'id < 1' --bogus"), 2);
    free(out);
    assert_int_equal(cli(&out, wh, "db.nope --filter 'id < 1'"), 3);
    free(out);
    assert_int_equal(cli(&out, wh, "db.t --filter 'id <'"), 5);
    free(out);
    assert_int_equal(cli(&out, wh, "db.t --filter \"region = 'us'\" --dry-run --json"), 0);
    json_error_t err;
    json_t *j = json_loads(out, 0, &err);
    if (!j)
        fail_msg("not JSON: %s", out);
    free(out);
    assert_true(json_is_true(json_object_get(j, "dry_run")));
    assert_true(json_is_null(json_object_get(j, "snapshot_id")));
    assert_int_equal(json_integer_value(json_object_get(j, "deleted_records")), 50);
    json_decref(j);
    assert_int_equal(cli(&out, wh, "db.t --filter \"region = 'us' or id < 4\""), 0);
    assert_non_null(strstr(out, "deleted 52 rows of db.t"));
    free(out);
    assert_int_equal(cli(&out, wh, "db.t --filter 'id > 5000'"), 0);
    assert_non_null(strstr(out, "nothing changed"));
    free(out);
    assert_int_equal(floe_table_refresh(t), 0);
    assert_int_equal(count(t, NULL, -1, NULL), 48);
    assert_int_equal(snapshot_count(t), 2);
    floe_table_free(t);
    floe_manager_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delete_whole_partition_drops_files_without_rewrite),
        cmocka_unit_test(test_delete_part_of_files_rewrites_them),
        cmocka_unit_test(test_delete_matching_nothing_commits_no_snapshot),
        cmocka_unit_test(test_delete_dry_run_changes_nothing),
        cmocka_unit_test(test_delete_honours_existing_delete_files),
        cmocka_unit_test(test_delete_retries_conflicts_only_when_still_valid),
        cmocka_unit_test(test_delete_live_files_read_by_duckdb_match_scan),
        cmocka_unit_test(test_cli_table_delete),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
