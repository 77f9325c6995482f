/* Snapshot summaries: Appendix F keys, totals carried from the parent, omissions. */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/snapshot.h>

static floe_snapshot *parent_with(const char *const *keys, const char *const *values, size_t n)
{
    floe_snapshot_info info = FLOE_SNAPSHOT_INFO_INIT;
    info.snapshot_id = 1;
    info.timestamp_ms = 1;
    info.manifest_list = "m";
    info.operation = "append";
    info.summary_keys = keys;
    info.summary_values = values;
    info.summary_count = n;
    floe_snapshot *s = NULL;
    assert_int_equal(floe_snapshot_new(&s, &info), 0);
    return s;
}

static void test_first_snapshot_totals_start_at_zero(void **state)
{
    (void)state;
    floe_summary_delta d = FLOE_SUMMARY_DELTA_INIT;
    d.added_data_files = 3;
    d.added_records = 300;
    d.added_files_size = 9000;
    d.changed_partition_count = 2;
    floe_snapshot_summary *s = NULL;
    assert_int_equal(floe_snapshot_summary_compute(&s, NULL, &d), 0);
    assert_string_equal(floe_snapshot_summary_lookup(s, "added-data-files"), "3");
    assert_string_equal(floe_snapshot_summary_lookup(s, "added-records"), "300");
    assert_string_equal(floe_snapshot_summary_lookup(s, "added-files-size"), "9000");
    assert_string_equal(floe_snapshot_summary_lookup(s, "changed-partition-count"), "2");
    assert_string_equal(floe_snapshot_summary_lookup(s, "total-records"), "300");
    assert_string_equal(floe_snapshot_summary_lookup(s, "total-data-files"), "3");
    assert_string_equal(floe_snapshot_summary_lookup(s, "total-delete-files"), "0");
    assert_string_equal(floe_snapshot_summary_lookup(s, "total-files-size"), "9000");
    assert_null(floe_snapshot_summary_lookup(s, "deleted-data-files")); /* zero: omitted */
    assert_string_equal(floe_snapshot_summary_keys(s)[0], "added-data-files");
    floe_snapshot_summary_free(s);
}

static void test_totals_carry_from_parent_and_overwrite_subtracts(void **state)
{
    (void)state;
    const char *k[] = {"total-records", "total-data-files", "total-files-size"};
    const char *v[] = {"1000", "10", "50000"};
    floe_snapshot *p = parent_with(k, v, 3);
    floe_summary_delta d = FLOE_SUMMARY_DELTA_INIT;
    d.added_data_files = 1;
    d.deleted_data_files = 4;
    d.added_records = 50;
    d.deleted_records = 400;
    d.added_files_size = 100;
    d.removed_files_size = 20000;
    floe_snapshot_summary *s = NULL;
    assert_int_equal(floe_snapshot_summary_compute(&s, p, &d), 0);
    assert_string_equal(floe_snapshot_summary_lookup(s, "total-records"), "650");
    assert_string_equal(floe_snapshot_summary_lookup(s, "total-data-files"), "7");
    assert_string_equal(floe_snapshot_summary_lookup(s, "total-files-size"), "30100");
    assert_string_equal(floe_snapshot_summary_lookup(s, "deleted-data-files"), "4");
    assert_string_equal(floe_snapshot_summary_lookup(s, "removed-files-size"), "20000");
    /* the parent lacks total-delete-files: unknown base, so omitted */
    assert_null(floe_snapshot_summary_lookup(s, "total-delete-files"));
    floe_snapshot_summary_free(s);
    d.deleted_records = 5000;
    assert_int_equal(floe_snapshot_summary_compute(&s, p, &d), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "total-records"));
    assert_null(s);
    floe_snapshot_release(p);
}

static void test_summary_feeds_a_snapshot(void **state)
{
    (void)state;
    floe_summary_delta d = FLOE_SUMMARY_DELTA_INIT;
    d.added_data_files = 1;
    d.added_records = 7;
    floe_snapshot_summary *s = NULL;
    assert_int_equal(floe_snapshot_summary_compute(&s, NULL, &d), 0);
    floe_snapshot_info info = FLOE_SNAPSHOT_INFO_INIT;
    info.snapshot_id = 9;
    info.timestamp_ms = 2;
    info.manifest_list = "m";
    info.operation = "append";
    info.summary_keys = floe_snapshot_summary_keys(s);
    info.summary_values = floe_snapshot_summary_values(s);
    info.summary_count = floe_snapshot_summary_size(s);
    floe_snapshot *snap = NULL;
    assert_int_equal(floe_snapshot_new(&snap, &info), 0);
    assert_string_equal(floe_snapshot_summary_get(snap, "total-records"), "7");
    assert_string_equal(floe_snapshot_operation(snap), "append");
    char *json = NULL;
    assert_int_equal(floe_snapshot_to_json(&json, snap), 0);
    assert_non_null(
        strstr(json, "\"summary\":{\"operation\":\"append\",\"added-data-files\":\"1\""));
    free(json);
    floe_snapshot_release(snap);
    floe_snapshot_summary_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_snapshot_totals_start_at_zero),
        cmocka_unit_test(test_totals_carry_from_parent_and_overwrite_subtracts),
        cmocka_unit_test(test_summary_feeds_a_snapshot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
