/* What appends record for pruning: column bounds in the Appendix D encoding (strings
 * truncated to 16 characters, the upper bound incremented), value/null counts, and manifest
 * partition summaries that let a scan skip whole manifests (seed 001 US4, US6). */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/stream.h>
#include <floe/error.h>
#include <floe/iceberg/manifest.h>
#include <floe/iceberg/manifest_list.h>
#include <floe/io.h>
#include <floe/table.h>

#define DAY_US INT64_C(86400000000)

static void append_rows(floe_table *t, int64_t day, const char *prefix, int n)
{
    struct ArrowSchema schema;
    assert_int_equal(floe_table_arrow_schema(&schema, t), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
    for (int i = 0; i < n; i++) {
        char s[128];
        snprintf(s, sizeof s, "%s-%03d-and-a-long-tail", prefix, i);
        assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), i), 0);
        if (i % 4 == 0)
            assert_int_equal(floe_arrow_builder_append_null(floe_arrow_builder_child(b, 1)), 0);
        else
            assert_int_equal(floe_arrow_builder_append_str(floe_arrow_builder_child(b, 1), s), 0);
        assert_int_equal(
            floe_arrow_builder_append_int(floe_arrow_builder_child(b, 2), day * DAY_US + i), 0);
    }
    struct ArrowArray a;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &a, NULL), 0);
    floe_arrow_builder_free(b);
    struct ArrowArrayStream st;
    assert_int_equal(floe_arrow_stream_from_batches(&st, &schema, &a, 1), 0);
    if (floe_table_append(NULL, t, &st, NULL))
        fail_msg("append: %s", floe_error_last());
    st.release(&st);
}

static void test_bounds_counts_and_manifest_pruning_US4(void **state)
{
    (void)state;
    floe_manager_options o = FLOE_MANAGER_OPTIONS_INIT;
    o.warehouse = floe_test_tmpdir("metrics");
    floe_manager *m = NULL;
    assert_int_equal(floe_manager_open(&m, &o), 0);
    assert_int_equal(floe_manager_create_namespace(m, "db", NULL, 0), 0);
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id long not null, s string, ts timestamp";
    co.partition_by = "day(ts)";
    floe_table *t = NULL;
    assert_int_equal(floe_manager_create_table(&t, m, "db.m", &co), 0);
    append_rows(t, 10, "alpha", 40);
    append_rows(t, 20, "omega", 40);

    /* the second snapshot's list has two manifests; read the newest (listed first) */
    json_t *snaps = NULL;
    assert_int_equal(floe_table_snapshots(&snaps, t), 0);
    const char *ml = json_string_value(json_object_get(json_array_get(snaps, 1), "manifest-list"));
    floe_file_io *io = NULL;
    assert_int_equal(floe_posix_file_io_new(&io), 0);
    floe_input_file *in = NULL;
    assert_int_equal(io->open(&in, io, ml), 0);
    floe_manifest_list *list = NULL;
    assert_int_equal(floe_manifest_list_read(&list, in), 0);
    floe_input_close(in);
    json_decref(snaps);
    assert_int_equal(floe_manifest_list_count(list), 2);
    const floe_manifest_file *mf = floe_manifest_list_at(list, 0);
    assert_int_equal(mf->added_files_count, 1);
    assert_int_equal(mf->added_rows_count, 40);
    assert_int_equal(mf->partition_count, 1);
    assert_non_null(mf->partitions[0].lower_bound);
    assert_int_equal(mf->partitions[0].lower_bound_len, 4); /* a date: 4 bytes */

    assert_int_equal(io->open(&in, io, mf->path), 0);
    floe_manifest_reader *r = NULL;
    assert_int_equal(floe_manifest_reader_open(&r, in, mf), 0);
    int has = 0;
    floe_manifest_entry e;
    assert_int_equal(floe_manifest_reader_next(&has, &e, r), 0);
    assert_true(has);
    const floe_column_metrics *sm = floe_data_file_metrics(e.data_file, 2);
    assert_non_null(sm);
    assert_int_equal(sm->value_count, 40);
    assert_int_equal(sm->null_value_count, 10);
    assert_int_equal(sm->lower_bound_len, 16);
    assert_memory_equal(sm->lower_bound, "omega-001-and-a-", 16);
    assert_int_equal(sm->upper_bound_len, 16);
    assert_memory_equal(sm->upper_bound, "omega-039-and-a.", 16); /* '-' + 1 */
    const floe_column_metrics *im = floe_data_file_metrics(e.data_file, 1);
    assert_non_null(im);
    assert_int_equal(im->lower_bound_len, 8);
    assert_int_equal(im->null_value_count, 0);
    floe_manifest_reader_free(r);
    floe_input_close(in);
    floe_manifest_list_free(list);
    floe_file_io_free(io);

    /* a filter on the first day skips the second append's whole manifest */
    floe_scan_options so = FLOE_SCAN_OPTIONS_INIT;
    so.filter = "ts < '1970-01-12T00:00:00'";
    floe_scan_plan *plan = NULL;
    assert_int_equal(floe_table_plan(&plan, t, &so), 0);
    assert_int_equal(plan->manifests_total, 2);
    assert_int_equal(plan->manifests_pruned, 1);
    assert_int_equal(plan->task_count, 1);
    floe_scan_plan_free(plan);
    /* string metrics prune too: nothing sorts below "alpha" in the first file */
    so.filter = "s < 'aa'";
    assert_int_equal(floe_table_plan(&plan, t, &so), 0);
    assert_int_equal(plan->task_count, 0);
    floe_scan_plan_free(plan);
    floe_table_free(t);
    floe_manager_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bounds_counts_and_manifest_pruning_US4),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
