/* Data files: metrics modes from table properties, copies, bound encoding rules. */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/builder.h>
#include <floe/iceberg/manifest.h>

static void test_metrics_mode_parse(void **state)
{
    (void)state;
    floe_metrics_mode m;
    assert_int_equal(floe_metrics_mode_parse(&m, "none"), 0);
    assert_int_equal(m.kind, FLOE_METRICS_NONE);
    assert_int_equal(floe_metrics_mode_parse(&m, "Counts"), 0);
    assert_int_equal(m.kind, FLOE_METRICS_COUNTS);
    assert_int_equal(floe_metrics_mode_parse(&m, "full"), 0);
    assert_int_equal(m.kind, FLOE_METRICS_FULL);
    assert_int_equal(floe_metrics_mode_parse(&m, "truncate(8)"), 0);
    assert_int_equal(m.kind, FLOE_METRICS_TRUNCATE);
    assert_int_equal(m.truncate_length, 8);
    const char *bad[] = {"truncate(0)", "truncate(8", "truncate()", "truncate(-1)", "all", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(floe_metrics_mode_parse(&m, bad[i]), FLOE_EINVALID);
        assert_non_null(strstr(floe_error_last(), "metrics mode"));
    }
}

static void test_metrics_mode_from_table_properties(void **state)
{
    (void)state;
    floe_metrics_mode m;
    assert_int_equal(floe_metrics_mode_for_column(&m, NULL, "a"), 0);
    assert_int_equal(m.kind, FLOE_METRICS_TRUNCATE);
    assert_int_equal(m.truncate_length, FLOE_METRICS_DEFAULT_TRUNCATE);
    floe_new_table_options o = FLOE_NEW_TABLE_OPTIONS_INIT;
    o.location = "/w/t";
    o.schema_json = "{\"type\":\"struct\",\"schema-id\":0,\"fields\":[{\"id\":1,\"name\":\"a\","
                    "\"required\":false,\"type\":\"string\"}]}";
    const char *keys[] = {"write.metadata.metrics.default", "write.metadata.metrics.column.a"};
    const char *values[] = {"counts", "full"};
    o.property_keys = keys;
    o.property_values = values;
    o.property_count = 2;
    floe_table_metadata *md = NULL;
    assert_int_equal(floe_table_metadata_new_table(&md, &o), 0);
    assert_int_equal(floe_metrics_mode_for_column(&m, md, "a"), 0);
    assert_int_equal(m.kind, FLOE_METRICS_FULL);
    assert_int_equal(floe_metrics_mode_for_column(&m, md, "b"), 0);
    assert_int_equal(m.kind, FLOE_METRICS_COUNTS);
    floe_table_metadata_release(md);
    values[0] = "truncate(x)";
    assert_int_equal(floe_table_metadata_new_table(&md, &o), 0);
    assert_int_equal(floe_metrics_mode_for_column(&m, md, "b"), FLOE_EINVALID);
    assert_int_equal(m.kind, FLOE_METRICS_TRUNCATE); /* falls back to the default */
    floe_table_metadata_release(md);
}

static void test_copy_is_deep_and_bounds_use_appendix_d(void **state)
{
    (void)state;
    floe_data_file *df = NULL, *copy = NULL;
    assert_int_equal(floe_data_file_new(&df, FLOE_CONTENT_DATA, "a.parquet", "parquet", 3, 10), 0);
    floe_literal lo = floe_literal_int(-2), hi = floe_literal_double(2.5);
    assert_int_equal(floe_data_file_set_bounds(df, 1, &lo, NULL, 16), 0);
    assert_int_equal(floe_data_file_set_bounds(df, 2, NULL, &hi, 16), 0);
    floe_literal s =
        floe_literal_string("héllo wörld, long enough", strlen("héllo wörld, long enough"));
    assert_int_equal(floe_data_file_set_bounds(df, 3, &s, &s, 0), 0); /* 0: untruncated */
    assert_int_equal(floe_data_file_set_referenced_data_file(df, "x"), 0);
    assert_int_equal(floe_data_file_copy(&copy, df), 0);
    floe_data_file_free(df);
    const floe_column_metrics *m1 = floe_data_file_metrics(copy, 1);
    assert_int_equal(m1->lower_bound_len, 4); /* int: 4 bytes little-endian */
    assert_int_equal(m1->lower_bound[0], 0xfe);
    assert_int_equal(m1->lower_bound[3], 0xff);
    assert_null(m1->upper_bound);
    const floe_column_metrics *m2 = floe_data_file_metrics(copy, 2);
    assert_int_equal(m2->upper_bound_len, 8); /* double: 8 bytes */
    assert_int_equal(m2->upper_bound[7], 0x40);
    assert_int_equal(floe_data_file_metrics(copy, 3)->lower_bound_len,
                     strlen("héllo wörld, long enough"));
    assert_string_equal(floe_data_file_referenced_data_file(copy), "x");
    assert_int_equal(floe_data_file_metrics_count(copy), 3);
    assert_int_equal(floe_data_file_metrics_at(copy, 0)->field_id, 1);
    floe_data_file_free(copy);
    assert_int_equal(floe_data_file_new(&df, FLOE_CONTENT_DATA, "", "parquet", 1, 1),
                     FLOE_EINVALID);
    assert_int_equal(floe_data_file_new(&df, FLOE_CONTENT_DATA, "p", "parquet", -1, 1),
                     FLOE_EINVALID);
    assert_int_equal(floe_data_file_new(&df, FLOE_CONTENT_DATA, "p", "parquet", 1, 1), 0);
    const int64_t desc[2] = {10, 4};
    assert_int_equal(floe_data_file_set_split_offsets(df, desc, 2), FLOE_EINVALID);
    floe_data_file_free(df);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metrics_mode_parse),
        cmocka_unit_test(test_metrics_mode_from_table_properties),
        cmocka_unit_test(test_copy_is_deep_and_bounds_use_appendix_d),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
