/* Manager configuration (options, environment, floe.yaml), time travel by time and by tag,
 * and the structured log line of each operation (seed 001 US6, US7; seed 003 US6). */
#include "test_support.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/stream.h>
#include <floe/arrow/value.h>
#include <floe/error.h>
#include <floe/log.h>
#include <floe/table.h>

static void append_ids(floe_table *t, int64_t start, int64_t n, const char *secret_region)
{
    struct ArrowSchema schema;
    assert_int_equal(floe_table_arrow_schema(&schema, t), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
    for (int64_t i = start; i < start + n; i++) {
        assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), i), 0);
        assert_int_equal(
            floe_arrow_builder_append_str(floe_arrow_builder_child(b, 1), secret_region), 0);
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

static int64_t count(floe_table *t, const floe_scan_options *o)
{
    struct ArrowArrayStream s;
    if (floe_table_scan(&s, t, o))
        fail_msg("scan: %s", floe_error_last());
    int64_t n = 0;
    for (;;) {
        struct ArrowArray b;
        assert_int_equal(floe_arrow_stream_get_next(&s, &b), 0);
        if (!b.release)
            break;
        n += b.length;
        b.release(&b);
    }
    s.release(&s);
    return n;
}

static floe_table *table_in(floe_manager *m)
{
    assert_int_equal(floe_manager_create_namespace(m, "db", NULL, 0), 0);
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id long not null, region string";
    floe_table *t = NULL;
    assert_int_equal(floe_manager_create_table(&t, m, "db.t", &co), 0);
    return t;
}

static void test_environment_and_yaml_configure_the_manager(void **state)
{
    (void)state;
    const char *env_wh = floe_test_tmpdir("cfg_env");
    setenv("FLOE_WAREHOUSE", env_wh, 1);
    floe_manager *m = NULL;
    assert_int_equal(floe_manager_open(&m, NULL), 0);
    assert_string_equal(floe_manager_warehouse(m), env_wh);
    floe_manager_free(m);

    /* an explicit option wins over the environment */
    const char *opt_wh = floe_test_tmpdir("cfg_opt");
    floe_manager_options o = FLOE_MANAGER_OPTIONS_INIT;
    o.warehouse = opt_wh;
    assert_int_equal(floe_manager_open(&m, &o), 0);
    assert_string_equal(floe_manager_warehouse(m), opt_wh);
    floe_manager_free(m);
    unsetenv("FLOE_WAREHOUSE");

    /* floe.yaml: warehouse, small target files, snappy */
    const char *dir = floe_test_tmpdir("cfg_yaml");
    char yaml[8192], path[4200], wh[4200];
    snprintf(wh, sizeof wh, "%s/wh", dir);
    snprintf(yaml, sizeof yaml,
             "warehouse: %s\nwrite:\n  target-file-size-bytes: 2048\n"
             "  row-group-size-bytes: 1024\n  compression: snappy\ncommit:\n  retries: 2\n",
             wh);
    snprintf(path, sizeof path, "%s/floe.yaml", dir);
    assert_int_equal(floe_test_write_file(path, yaml, strlen(yaml)), 0);
    floe_manager_options y = FLOE_MANAGER_OPTIONS_INIT;
    y.config_file = path;
    assert_int_equal(floe_manager_open(&m, &y), 0);
    assert_string_equal(floe_manager_warehouse(m), wh);
    floe_table *t = table_in(m);
    append_ids(t, 0, 5000, "eu");
    floe_scan_plan *plan = NULL;
    assert_int_equal(floe_table_plan(&plan, t, NULL), 0);
    assert_true(plan->task_count > 1); /* rolled at the configured target size */
    floe_scan_plan_free(plan);
    assert_int_equal(count(t, NULL), 5000);
    floe_table_free(t);
    floe_manager_free(m);

    snprintf(yaml, sizeof yaml, "write:\n  compression: lzma\n");
    assert_int_equal(floe_test_write_file(path, yaml, strlen(yaml)), 0);
    assert_int_equal(floe_manager_open(&m, &y), FLOE_ECONFIG);
    assert_non_null(strstr(floe_error_last(), "lzma"));
}

static void test_time_travel_by_time_and_tag_US6(void **state)
{
    (void)state;
    floe_manager_options o = FLOE_MANAGER_OPTIONS_INIT;
    o.warehouse = floe_test_tmpdir("cfg_travel");
    floe_manager *m = NULL;
    assert_int_equal(floe_manager_open(&m, &o), 0);
    floe_table *t = table_in(m);
    append_ids(t, 0, 10, "eu");
    int64_t first = floe_table_current_snapshot_id(t);
    json_t *hist = NULL;
    assert_int_equal(floe_table_history(&hist, t), 0);
    int64_t first_ms = json_integer_value(json_object_get(json_array_get(hist, 0), "timestamp-ms"));
    json_decref(hist);
    usleep(20000);
    append_ids(t, 10, 5, "eu");
    assert_int_equal(floe_table_set_ref(t, "v1", first, 1), 0);
    assert_int_equal(floe_table_set_ref(t, "v1", 424242, 1), FLOE_ENOTFOUND);

    floe_scan_options so = FLOE_SCAN_OPTIONS_INIT;
    assert_int_equal(count(t, &so), 15);
    so.ref = "v1";
    assert_int_equal(count(t, &so), 10);
    so.ref = "main";
    assert_int_equal(count(t, &so), 15);
    so.ref = "nope";
    struct ArrowArrayStream s;
    assert_int_equal(floe_table_scan(&s, t, &so), FLOE_ENOTFOUND);
    so.ref = NULL;
    so.as_of_ms = first_ms + 5;
    assert_int_equal(count(t, &so), 10);
    so.as_of_ms = first_ms - 100000;
    assert_int_equal(floe_table_scan(&s, t, &so), FLOE_ENOTFOUND);
    floe_table_free(t);
    floe_manager_free(m);
}

struct captured {
    char lines[64][1024];
    int n;
};

static void sink(floe_log_level level, const char *line, size_t len, void *ctx)
{
    (void)level;
    struct captured *c = ctx;
    if (c->n < 64)
        snprintf(c->lines[c->n++], sizeof c->lines[0], "%.*s", (int)len, line);
}

static void test_each_operation_logs_without_data_values(void **state)
{
    (void)state;
    struct captured cap;
    memset(&cap, 0, sizeof cap);
    floe_log_set_level(FLOE_LOG_INFO);
    floe_log_set_format(FLOE_LOG_FORMAT_JSON);
    floe_log_set_sink(sink, &cap);
    floe_manager_options o = FLOE_MANAGER_OPTIONS_INIT;
    o.warehouse = floe_test_tmpdir("cfg_log");
    floe_manager *m = NULL;
    assert_int_equal(floe_manager_open(&m, &o), 0);
    floe_table *t = table_in(m);
    append_ids(t, 0, 7, "top-secret-region-value");
    floe_log_set_sink(NULL, NULL);
    floe_log_init_from_env();
    int found = 0;
    for (int i = 0; i < cap.n; i++) {
        assert_null(strstr(cap.lines[i], "top-secret-region-value"));
        if (strstr(cap.lines[i], "\"operation\":\"append\"")) {
            found = 1;
            assert_non_null(strstr(cap.lines[i], "\"table\":\"db.t\""));
            assert_non_null(strstr(cap.lines[i], "\"records_added\":\"7\""));
            assert_non_null(strstr(cap.lines[i], "\"write_mode\":\"append\""));
        }
    }
    assert_true(found);
    floe_table_free(t);
    floe_manager_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_environment_and_yaml_configure_the_manager),
        cmocka_unit_test(test_time_travel_by_time_and_tag_US6),
        cmocka_unit_test(test_each_operation_logs_without_data_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
