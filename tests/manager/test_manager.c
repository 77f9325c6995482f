/* The table manager end to end through the API: namespaces, tables, appends (unpartitioned
 * and partitioned by every transform), scans with projection, filters and pruning, time
 * travel, snapshots, commit conflicts and fault injection (seed 001 US1, US2, US4-US7). */
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
#include <floe/table.h>

#define SCHEMA_TEXT "id long not null, ts timestamptz, region string, amount decimal(10,2)"
#define DAY_US      INT64_C(86400000000)

static floe_manager *open_manager(const char *name)
{
    const char *dir = floe_test_tmpdir(name);
    floe_manager_options o = FLOE_MANAGER_OPTIONS_INIT;
    o.warehouse = dir;
    o.retry_base_ms = 1;
    floe_manager *m = NULL;
    int rc = floe_manager_open(&m, &o);
    if (rc)
        fail_msg("open: %s", floe_error_last());
    return m;
}

static const char *const REGIONS[] = {"eu", "us", "apac"};

/* A stream of `batches` batches of `rows` rows: id = start + i, ts = day (i % 3),
 * region = REGIONS[i % 3], amount = i * 1.25 (as decimal 125 * i / 100). */
static void make_stream(struct ArrowArrayStream *out, floe_table *t, int64_t start, int64_t rows,
                        int batches)
{
    struct ArrowSchema schema;
    assert_int_equal(floe_table_arrow_schema(&schema, t), 0);
    struct ArrowArray *arr = calloc((size_t)batches, sizeof *arr);
    for (int b = 0; b < batches; b++) {
        floe_arrow_builder *bl = NULL;
        assert_int_equal(floe_arrow_builder_new(&bl, &schema), 0);
        for (int64_t i = 0; i < rows; i++) {
            int64_t id = start + b * rows + i;
            assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(bl, 0), id), 0);
            assert_int_equal(
                floe_arrow_builder_append_int(floe_arrow_builder_child(bl, 1), (id % 3) * DAY_US),
                0);
            assert_int_equal(
                floe_arrow_builder_append_str(floe_arrow_builder_child(bl, 2), REGIONS[id % 3]), 0);
            floe_decimal128 d = {(uint64_t)(id * 125), 0};
            assert_int_equal(
                floe_arrow_builder_append_decimal128(floe_arrow_builder_child(bl, 3), d), 0);
        }
        assert_int_equal(floe_arrow_builder_finish_batch(bl, &arr[b], NULL), 0);
        floe_arrow_builder_free(bl);
    }
    assert_int_equal(floe_arrow_stream_from_batches(out, &schema, arr, (size_t)batches), 0);
    free(arr);
}

static void append(floe_table *t, int64_t start, int64_t rows, int batches, floe_write_result *res)
{
    struct ArrowArrayStream s;
    make_stream(&s, t, start, rows, batches);
    int rc = floe_table_append(res, t, &s, NULL);
    if (rc)
        fail_msg("append: %s", floe_error_last());
    s.release(&s);
}

/* Scans and returns the row count; sums ids into *id_sum. */
static int64_t scan_count(floe_table *t, const floe_scan_options *o, int64_t *id_sum)
{
    struct ArrowArrayStream s;
    int rc = floe_table_scan(&s, t, o);
    if (rc)
        fail_msg("scan: %s", floe_error_last());
    int64_t n = 0, sum = 0;
    for (;;) {
        struct ArrowArray b;
        rc = floe_arrow_stream_get_next(&s, &b);
        if (rc)
            fail_msg("scan next: %s", floe_error_last());
        if (!b.release)
            break;
        n += b.length;
        if (b.n_children > 0 && (!o || !o->columns)) {
            for (int64_t i = 0; i < b.length; i++)
                sum += floe_arrow_get_int64(b.children[0], b.offset + i);
        }
        b.release(&b);
    }
    s.release(&s);
    if (id_sum)
        *id_sum = sum;
    return n;
}

static void test_namespaces_US1(void **state)
{
    (void)state;
    floe_manager *m = open_manager("mgr_ns");
    json_t *props = json_pack("{s:s}", "owner", "data-eng");
    assert_int_equal(floe_manager_create_namespace(m, "sales", props, 0), 0);
    json_decref(props);
    assert_int_equal(floe_manager_create_namespace(m, "sales", NULL, 0), FLOE_EEXISTS);
    assert_int_equal(floe_manager_create_namespace(m, "a.b.c", NULL, 0), FLOE_ENOTFOUND);
    assert_int_equal(floe_manager_create_namespace(m, "a.b.c", NULL, 1), 0);
    char **names = NULL;
    size_t n = 0;
    assert_int_equal(floe_manager_list_namespaces(&names, &n, m, NULL), 0);
    assert_int_equal(n, 2);
    assert_string_equal(names[0], "a");
    assert_string_equal(names[1], "sales");
    floe_manager_strings_free(names, n);
    assert_int_equal(floe_manager_list_namespaces(&names, &n, m, "a"), 0);
    assert_int_equal(n, 1);
    assert_string_equal(names[0], "a.b");
    floe_manager_strings_free(names, n);

    json_t *got = NULL;
    assert_int_equal(floe_manager_load_namespace(&got, m, "sales"), 0);
    assert_string_equal(json_string_value(json_object_get(got, "owner")), "data-eng");
    json_decref(got);
    json_t *upd = json_pack("{s:s}", "tier", "gold");
    json_t *rem = json_pack("[s]", "owner");
    assert_int_equal(floe_manager_update_namespace(m, "sales", upd, rem), 0);
    json_decref(upd);
    json_decref(rem);
    assert_int_equal(floe_manager_load_namespace(&got, m, "sales"), 0);
    assert_null(json_object_get(got, "owner"));
    assert_string_equal(json_string_value(json_object_get(got, "tier")), "gold");
    json_decref(got);

    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = SCHEMA_TEXT;
    assert_int_equal(floe_manager_create_table(NULL, m, "sales.orders", &co), 0);
    assert_int_equal(floe_manager_drop_namespace(m, "sales"), FLOE_ENOTEMPTY);
    assert_non_null(strstr(floe_error_last(), "not empty"));
    assert_int_equal(floe_manager_drop_table(m, "sales.orders", 1), 0);
    assert_int_equal(floe_manager_drop_namespace(m, "sales"), 0);
    assert_int_equal(floe_manager_drop_namespace(m, "sales"), FLOE_ENOTFOUND);
    floe_manager_free(m);
}

static void test_tables_create_load_rename_drop_US2(void **state)
{
    (void)state;
    floe_manager *m = open_manager("mgr_tables");
    assert_int_equal(floe_manager_create_namespace(m, "db", NULL, 0), 0);
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = SCHEMA_TEXT;
    co.partition_by = "day(ts), bucket(16, id), truncate(2, region)";
    co.sort_by = "id desc";
    const char *keys[] = {"owner"}, *vals[] = {"me"};
    co.property_keys = keys;
    co.property_values = vals;
    co.property_count = 1;
    floe_table *t = NULL;
    assert_int_equal(floe_manager_create_table(&t, m, "db.t1", &co), 0);
    assert_int_equal(floe_manager_create_table(NULL, m, "db.t1", &co), FLOE_EEXISTS);
    co.if_not_exists = 1;
    floe_table *t2 = NULL;
    assert_int_equal(floe_manager_create_table(&t2, m, "db.t1", &co), 0);
    assert_string_equal(floe_table_metadata_file(t2), floe_table_metadata_file(t));
    floe_table_free(t2);

    json_t *d = NULL;
    assert_int_equal(floe_table_describe(&d, t), 0);
    json_t *fields = json_object_get(json_object_get(d, "partition-spec"), "fields");
    assert_int_equal(json_array_size(fields), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(fields, 0), "transform")),
                        "day");
    assert_string_equal(json_string_value(json_object_get(json_array_get(fields, 1), "transform")),
                        "bucket[16]");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(d, "properties"), "owner")), "me");
    json_t *sf = json_object_get(json_object_get(d, "sort-order"), "fields");
    assert_string_equal(json_string_value(json_object_get(json_array_get(sf, 0), "direction")),
                        "desc");
    json_decref(d);

    co.if_not_exists = 0;
    co.partition_by = "hour(nope)";
    assert_int_equal(floe_manager_create_table(NULL, m, "db.bad", &co), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "nope"));
    co.partition_by = "bucket(id)";
    assert_int_equal(floe_manager_create_table(NULL, m, "db.bad", &co), FLOE_EINVALID);
    co.partition_by = NULL;
    co.schema_text = "id lng";
    assert_int_equal(floe_manager_create_table(NULL, m, "db.bad", &co), FLOE_EINVALID);

    int exists = 0;
    assert_int_equal(floe_manager_table_exists(&exists, m, "db.t1"), 0);
    assert_int_equal(exists, 1);
    assert_int_equal(floe_manager_rename_table(m, "db.t1", "db.t2"), 0);
    assert_int_equal(floe_manager_table_exists(&exists, m, "db.t1"), 0);
    assert_int_equal(exists, 0);
    char **names = NULL;
    size_t n = 0;
    assert_int_equal(floe_manager_list_tables(&names, &n, m, "db"), 0);
    assert_int_equal(n, 1);
    assert_string_equal(names[0], "t2");
    floe_manager_strings_free(names, n);

    /* register the metadata file under another name */
    assert_int_equal(floe_manager_register_table(NULL, m, "db.t3", floe_table_metadata_file(t)), 0);
    floe_table *t3 = NULL;
    assert_int_equal(floe_manager_load_table(&t3, m, "db.t3"), 0);
    assert_string_equal(floe_table_location(t3), floe_table_location(t));
    floe_table_free(t3);
    assert_int_equal(floe_manager_drop_table(m, "db.t3", 0), 0);
    assert_int_equal(floe_manager_load_table(&t3, m, "db.t3"), FLOE_ENOTFOUND);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_append_scan_snapshots_US4_US6(void **state)
{
    (void)state;
    floe_manager *m = open_manager("mgr_append");
    assert_int_equal(floe_manager_create_namespace(m, "db", NULL, 0), 0);
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = SCHEMA_TEXT;
    floe_table *t = NULL;
    assert_int_equal(floe_manager_create_table(&t, m, "db.plain", &co), 0);
    assert_int_equal(floe_table_current_snapshot_id(t), -1);
    assert_int_equal(scan_count(t, NULL, NULL), 0);

    floe_write_result r1, r2;
    append(t, 0, 100, 3, &r1);
    assert_int_equal(r1.added_records, 300);
    assert_int_equal(r1.added_files, 1);
    assert_int_equal(r1.attempts, 1);
    append(t, 300, 50, 1, &r2);
    assert_int_equal(floe_table_current_snapshot_id(t), r2.snapshot_id);

    int64_t sum = 0;
    assert_int_equal(scan_count(t, NULL, &sum), 350);
    assert_int_equal(sum, 349 * 350 / 2);

    /* time travel to the first snapshot */
    floe_scan_options so = FLOE_SCAN_OPTIONS_INIT;
    so.snapshot_id = r1.snapshot_id;
    assert_int_equal(scan_count(t, &so, &sum), 300);
    so.snapshot_id = 12345;
    struct ArrowArrayStream s;
    assert_int_equal(floe_table_scan(&s, t, &so), FLOE_ENOTFOUND);

    /* filter + projection + limit */
    floe_scan_options fo = FLOE_SCAN_OPTIONS_INIT;
    fo.filter = "id >= 340";
    assert_int_equal(scan_count(t, &fo, &sum), 10);
    assert_int_equal(sum, (340 + 349) * 10 / 2);
    floe_scan_plan *plan = NULL;
    assert_int_equal(floe_table_plan(&plan, t, &fo), 0);
    assert_int_equal(plan->task_count, 1); /* the first file's max id 299 prunes it */
    assert_int_equal(plan->files_pruned, 1);
    floe_scan_plan_free(plan);
    const char *cols[] = {"region"};
    fo.columns = cols;
    fo.column_count = 1;
    fo.filter = "region = 'eu'";
    fo.limit = 7;
    assert_int_equal(scan_count(t, &fo, NULL), 7);
    fo.limit = -1;
    assert_int_equal(scan_count(t, &fo, NULL), 117);

    json_t *snaps = NULL;
    assert_int_equal(floe_table_snapshots(&snaps, t), 0);
    assert_int_equal(json_array_size(snaps), 2);
    json_t *s2 = json_array_get(snaps, 1);
    assert_string_equal(json_string_value(json_object_get(s2, "operation")), "append");
    json_t *sum2 = json_object_get(s2, "summary");
    assert_string_equal(json_string_value(json_object_get(sum2, "added-records")), "50");
    assert_string_equal(json_string_value(json_object_get(sum2, "total-records")), "350");
    assert_string_equal(json_string_value(json_object_get(sum2, "added-data-files")), "1");
    assert_int_equal(json_integer_value(json_object_get(s2, "parent-snapshot-id")), r1.snapshot_id);
    json_decref(snaps);
    json_t *hist = NULL;
    assert_int_equal(floe_table_history(&hist, t), 0);
    assert_int_equal(json_array_size(hist), 2);
    json_decref(hist);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_partitioned_append_prunes_US4(void **state)
{
    (void)state;
    floe_manager *m = open_manager("mgr_part");
    assert_int_equal(floe_manager_create_namespace(m, "db", NULL, 0), 0);
    const char *specs[] = {"day(ts)",
                           "region",
                           "bucket(4, id)",
                           "truncate(1, region)",
                           "month(ts)",
                           "hour(ts), bucket(16, id), truncate(3, region)",
                           "year(ts), identity(id)"};
    const size_t want_files[] = {3, 3, 4, 3, 1, 0, 120};
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "db.p%zu", i);
        floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
        co.schema_text = SCHEMA_TEXT;
        co.partition_by = specs[i];
        floe_table *t = NULL;
        assert_int_equal(floe_manager_create_table(&t, m, name, &co), 0);
        floe_write_result r;
        append(t, 0, 60, 2, &r);
        assert_int_equal(r.added_records, 120);
        if (want_files[i])
            assert_int_equal(r.added_files, want_files[i]);
        int64_t sum = 0;
        assert_int_equal(scan_count(t, NULL, &sum), 120);
        assert_int_equal(sum, 119 * 120 / 2);
        floe_scan_options fo = FLOE_SCAN_OPTIONS_INIT;
        fo.filter = "region = 'us'";
        assert_int_equal(scan_count(t, &fo, NULL), 40);
        floe_table_free(t);
    }
    /* partition pruning: a day filter plans only that day's file */
    floe_table *t = NULL;
    assert_int_equal(floe_manager_load_table(&t, m, "db.p0"), 0);
    floe_scan_options fo = FLOE_SCAN_OPTIONS_INIT;
    fo.filter = "ts >= '1970-01-02T00:00:00+00:00' and ts < '1970-01-03T00:00:00+00:00'";
    floe_scan_plan *plan = NULL;
    assert_int_equal(floe_table_plan(&plan, t, &fo), 0);
    assert_int_equal(plan->task_count, 1);
    assert_int_equal(plan->files_pruned, 2);
    assert_non_null(strstr(plan->tasks[0].partition, "ts_day=1970-01-02"));
    floe_scan_plan_free(plan);
    assert_int_equal(scan_count(t, &fo, NULL), 40);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_file_rolling_at_target_size(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("mgr_roll");
    floe_manager_options o = FLOE_MANAGER_OPTIONS_INIT;
    o.warehouse = dir;
    o.target_file_size = 4096;
    o.row_group_size = 2048;
    floe_manager *m = NULL;
    assert_int_equal(floe_manager_open(&m, &o), 0);
    assert_int_equal(floe_manager_create_namespace(m, "db", NULL, 0), 0);
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = SCHEMA_TEXT;
    floe_table *t = NULL;
    assert_int_equal(floe_manager_create_table(&t, m, "db.roll", &co), 0);
    floe_write_result r;
    append(t, 0, 2000, 10, &r);
    assert_true(r.added_files > 1);
    int64_t sum = 0;
    assert_int_equal(scan_count(t, NULL, &sum), 20000);
    assert_int_equal(sum, (int64_t)19999 * 20000 / 2);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_schema_mismatch_names_column(void **state)
{
    (void)state;
    floe_manager *m = open_manager("mgr_mismatch");
    assert_int_equal(floe_manager_create_namespace(m, "db", NULL, 0), 0);
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id long not null, name string";
    floe_table *t = NULL;
    assert_int_equal(floe_manager_create_table(&t, m, "db.t", &co), 0);
    struct ArrowSchema sch;
    assert_int_equal(floe_arrow_schema_init(&sch, "+s", "", 0), 0);
    assert_int_equal(floe_arrow_schema_alloc_children(&sch, 1), 0);
    assert_int_equal(floe_arrow_schema_init(sch.children[0], "u", "id", 0), 0);
    struct ArrowArrayStream s;
    assert_int_equal(floe_arrow_stream_from_batches(&s, &sch, NULL, 0), 0);
    assert_int_equal(floe_table_append(NULL, t, &s, NULL), FLOE_ESCHEMA);
    assert_non_null(strstr(floe_error_last(), "'id'"));
    s.release(&s);
    assert_int_equal(floe_arrow_schema_init(&sch, "+s", "", 0), 0);
    assert_int_equal(floe_arrow_schema_alloc_children(&sch, 1), 0);
    assert_int_equal(floe_arrow_schema_init(sch.children[0], "l", "color", 0), 0);
    assert_int_equal(floe_arrow_stream_from_batches(&s, &sch, NULL, 0), 0);
    assert_int_equal(floe_table_append(NULL, t, &s, NULL), FLOE_ESCHEMA);
    assert_non_null(strstr(floe_error_last(), "'color'"));
    s.release(&s);
    assert_int_equal(floe_table_current_snapshot_id(t), -1);

    /* widening conversions: int32 ids and millisecond timestamps are accepted exactly */
    floe_table_free(t);
    co.schema_text = "id long not null, ts timestamptz, x double";
    assert_int_equal(floe_manager_create_table(&t, m, "db.w", &co), 0);
    assert_int_equal(floe_arrow_schema_init(&sch, "+s", "", 0), 0);
    assert_int_equal(floe_arrow_schema_alloc_children(&sch, 3), 0);
    assert_int_equal(floe_arrow_schema_init(sch.children[0], "i", "id", 0), 0);
    assert_int_equal(floe_arrow_schema_init(sch.children[1], "tsm:UTC", "ts", ARROW_FLAG_NULLABLE),
                     0);
    assert_int_equal(floe_arrow_schema_init(sch.children[2], "f", "x", ARROW_FLAG_NULLABLE), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &sch), 0);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), i), 0);
        if (i == 3)
            assert_int_equal(floe_arrow_builder_append_null(floe_arrow_builder_child(b, 1)), 0);
        else
            assert_int_equal(
                floe_arrow_builder_append_int(floe_arrow_builder_child(b, 1), i * 1000), 0);
        assert_int_equal(floe_arrow_builder_append_double(floe_arrow_builder_child(b, 2), i + 0.5),
                         0);
    }
    struct ArrowArray arr;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &arr, NULL), 0);
    floe_arrow_builder_free(b);
    assert_int_equal(floe_arrow_stream_from_batches(&s, &sch, &arr, 1), 0);
    if (floe_table_append(NULL, t, &s, NULL))
        fail_msg("widening append: %s", floe_error_last());
    s.release(&s);
    floe_scan_options fo = FLOE_SCAN_OPTIONS_INIT;
    fo.filter = "ts = '1970-01-01T00:00:02+00:00'";
    struct ArrowArrayStream out;
    assert_int_equal(floe_table_scan(&out, t, &fo), 0);
    struct ArrowArray got;
    assert_int_equal(floe_arrow_stream_get_next(&out, &got), 0);
    assert_non_null(got.release);
    assert_int_equal(got.length, 1);
    assert_int_equal(floe_arrow_get_int64(got.children[0], got.offset), 2);
    assert_int_equal(floe_arrow_get_int64(got.children[1], got.offset), INT64_C(2000000));
    assert_true(floe_arrow_get_float64(got.children[2], got.offset) == 2.5);
    got.release(&got);
    out.release(&out);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_nested_columns_round_trip(void **state)
{
    (void)state;
    floe_manager *m = open_manager("mgr_nested");
    assert_int_equal(floe_manager_create_namespace(m, "db", NULL, 0), 0);
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_json =
        "{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
        "{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"},"
        "{\"id\":2,\"name\":\"tags\",\"required\":false,\"type\":{\"type\":\"list\","
        "\"element-id\":3,\"element-required\":false,\"element\":\"string\"}},"
        "{\"id\":4,\"name\":\"pt\",\"required\":false,\"type\":{\"type\":\"struct\","
        "\"fields\":[{\"id\":5,\"name\":\"x\",\"required\":false,\"type\":\"double\"}]}}]}";
    co.partition_by = "bucket(2, id)"; /* rows are split by partition: nested values are copied */
    floe_table *t = NULL;
    assert_int_equal(floe_manager_create_table(&t, m, "db.n", &co), 0);
    struct ArrowSchema schema;
    assert_int_equal(floe_table_arrow_schema(&schema, t), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), i), 0);
        floe_arrow_builder *tags = floe_arrow_builder_child(b, 1);
        for (int k = 0; k < i % 3; k++)
            assert_int_equal(floe_arrow_builder_append_str(floe_arrow_builder_child(tags, 0), "t"),
                             0);
        assert_int_equal(floe_arrow_builder_append_list(tags), 0);
        floe_arrow_builder *pt = floe_arrow_builder_child(b, 2);
        assert_int_equal(floe_arrow_builder_append_double(floe_arrow_builder_child(pt, 0), i * 2.0),
                         0);
        assert_int_equal(floe_arrow_builder_append_struct(pt), 0);
    }
    struct ArrowArray arr;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &arr, NULL), 0);
    floe_arrow_builder_free(b);
    struct ArrowArrayStream s;
    assert_int_equal(floe_arrow_stream_from_batches(&s, &schema, &arr, 1), 0);
    floe_write_result r;
    if (floe_table_append(&r, t, &s, NULL))
        fail_msg("nested append: %s", floe_error_last());
    s.release(&s);
    assert_int_equal(r.added_files, 2);
    struct ArrowArrayStream out;
    assert_int_equal(floe_table_scan(&out, t, NULL), 0);
    int64_t rows = 0, tags = 0;
    double xs = 0;
    for (;;) {
        struct ArrowArray got;
        assert_int_equal(floe_arrow_stream_get_next(&out, &got), 0);
        if (!got.release)
            break;
        for (int64_t i = 0; i < got.length; i++) {
            int64_t st = 0, en = 0;
            floe_arrow_get_list_range(got.children[1], 0, got.offset + i, &st, &en);
            tags += en - st;
            const struct ArrowArray *pt = got.children[2];
            xs += floe_arrow_get_float64(pt->children[0], pt->offset + got.offset + i);
        }
        rows += got.length;
        got.release(&got);
    }
    out.release(&out);
    assert_int_equal(rows, 20);
    assert_int_equal(tags, 19); /* sum of i % 3 over 0..19 */
    assert_true(xs == 380.0);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_default_catalog_is_sql_under_warehouse(void **state)
{
    (void)state;
    floe_manager *m = open_manager("mgr_default");
    assert_string_equal(floe_manager_catalog_name(m), "sql");
    char path[4096];
    snprintf(path, sizeof path, "%s/catalog.db", floe_manager_warehouse(m));
    assert_int_equal(floe_manager_create_namespace(m, "x", NULL, 0), 0);
    size_t len = 0;
    char *db = floe_test_read_file(path, &len);
    assert_non_null(db);
    free(db);
    floe_manager_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_namespaces_US1),
        cmocka_unit_test(test_tables_create_load_rename_drop_US2),
        cmocka_unit_test(test_append_scan_snapshots_US4_US6),
        cmocka_unit_test(test_partitioned_append_prunes_US4),
        cmocka_unit_test(test_file_rolling_at_target_size),
        cmocka_unit_test(test_schema_mismatch_names_column),
        cmocka_unit_test(test_nested_columns_round_trip),
        cmocka_unit_test(test_default_catalog_is_sql_under_warehouse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
