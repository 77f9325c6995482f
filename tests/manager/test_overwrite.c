/* Overwrites through the API: whole table, by filter with whole-file removal and partial
 * rewrites, summaries with deleted-* fields, time travel to before the overwrite (seed 001 US5). */
#include "test_support.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/stream.h>
#include <floe/arrow/value.h>
#include <floe/error.h>
#include <floe/table.h>

static floe_table *make_table(floe_manager **m, const char *dir, const char *partition_by)
{
    floe_manager_options o = FLOE_MANAGER_OPTIONS_INIT;
    o.warehouse = floe_test_tmpdir(dir);
    assert_int_equal(floe_manager_open(m, &o), 0);
    assert_int_equal(floe_manager_create_namespace(*m, "db", NULL, 0), 0);
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id long not null, region string";
    co.partition_by = partition_by;
    floe_table *t = NULL;
    assert_int_equal(floe_manager_create_table(&t, *m, "db.t", &co), 0);
    return t;
}

/* ids [start, start+n), region = "eu" for even ids, "us" for odd ones */
static void rows(struct ArrowArrayStream *s, floe_table *t, int64_t start, int64_t n)
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
    assert_int_equal(floe_arrow_stream_from_batches(s, &schema, &a, 1), 0);
}

static void write(floe_table *t, int64_t start, int64_t n, const char *overwrite_filter,
                  int overwrite, floe_write_result *r)
{
    struct ArrowArrayStream s;
    rows(&s, t, start, n);
    int rc = overwrite ? floe_table_overwrite(r, t, &s, overwrite_filter, NULL)
                       : floe_table_append(r, t, &s, NULL);
    if (rc)
        fail_msg("write: %s", floe_error_last());
    s.release(&s);
}

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

static void test_overwrite_whole_table_US5(void **state)
{
    (void)state;
    floe_manager *m = NULL;
    floe_table *t = make_table(&m, "ow_whole", NULL);
    floe_write_result r1, r2, r3;
    write(t, 0, 100, NULL, 0, &r1);
    write(t, 100, 100, NULL, 0, &r2);
    write(t, 1000, 10, NULL, 1, &r3);
    assert_int_equal(r3.deleted_files, 2);
    assert_int_equal(r3.deleted_records, 200);
    int64_t sum = 0;
    assert_int_equal(count(t, NULL, -1, &sum), 10);
    assert_int_equal(sum, 10045);
    assert_string_equal(summary(t, "deleted-data-files"), "2");
    assert_string_equal(summary(t, "deleted-records"), "200");
    assert_string_equal(summary(t, "total-records"), "10");
    json_t *snaps = NULL;
    assert_int_equal(floe_table_snapshots(&snaps, t), 0);
    assert_string_equal(json_string_value(json_object_get(json_array_get(snaps, 2), "operation")),
                        "overwrite");
    json_decref(snaps);
    /* the data before the overwrite is still reachable by time travel */
    assert_int_equal(count(t, NULL, r2.snapshot_id, NULL), 200);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_overwrite_by_filter_drops_and_rewrites_US5(void **state)
{
    (void)state;
    floe_manager *m = NULL;
    floe_table *t = make_table(&m, "ow_filter", "region");
    floe_write_result r;
    write(t, 0, 100, NULL, 0, &r); /* two files: region=eu, region=us */
    assert_int_equal(r.added_files, 2);
    /* region = 'us' matches one file wholly; id < 10 matches part of the eu file */
    write(t, 500, 2, "region = 'us' or id < 10", 1, &r);
    assert_int_equal(r.deleted_records, 55);
    assert_int_equal(r.deleted_files, 2);
    int64_t sum = 0;
    assert_int_equal(count(t, NULL, -1, &sum), 45 + 2);
    int64_t want = 0;
    for (int64_t i = 10; i < 100; i += 2)
        want += i;
    assert_int_equal(sum, want + 500 + 501);
    assert_int_equal(count(t, "region = 'us'", -1, NULL), 1);
    /* a filter matching nothing removes nothing */
    write(t, 900, 1, "id = 123456", 1, &r);
    assert_int_equal(r.deleted_files, 0);
    assert_int_equal(count(t, NULL, -1, NULL), 48);
    floe_table_free(t);
    floe_manager_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overwrite_whole_table_US5),
        cmocka_unit_test(test_overwrite_by_filter_drops_and_rewrites_US5),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
