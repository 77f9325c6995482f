/* floe_table_write(): append, overwrite and upsert through one configuration (seed 001 US5:
 * T056-T058, T061b/c join columns required for upsert and present in the table, T063 snapshot
 * properties), configuration errors caught before anything is written. */
#include "manager_test_util.h"
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/stream.h>
#include <floe/arrow/value.h>
#include <floe/error.h>
#include <floe/table.h>
#include <floe/table_write.h>

/* Rows (id, v) = (i, i * mult) for i in [start, start + n). */
static void rows(struct ArrowArrayStream *s, floe_table *t, int64_t start, int64_t n, int64_t mult)
{
    struct ArrowSchema schema;
    assert_int_equal(floe_table_arrow_schema(&schema, t), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
    for (int64_t i = start; i < start + n; i++) {
        assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), i), 0);
        assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 1), i * mult),
                         0);
    }
    struct ArrowArray a;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &a, NULL), 0);
    floe_arrow_builder_free(b);
    assert_int_equal(floe_arrow_stream_from_batches(s, &schema, &a, 1), 0);
}

/* Row count and sum of v over the main branch. */
static int64_t count_and_sum(floe_table *t, int64_t *vsum)
{
    struct ArrowArrayStream s;
    assert_int_equal(floe_table_scan(&s, t, NULL), 0);
    int64_t n = 0, sum = 0;
    for (;;) {
        struct ArrowArray b;
        assert_int_equal(floe_arrow_stream_get_next(&s, &b), 0);
        if (!b.release)
            break;
        for (int64_t i = 0; i < b.length; i++)
            sum += floe_arrow_get_int64(b.children[1], b.offset + i);
        n += b.length;
        b.release(&b);
    }
    s.release(&s);
    *vsum = sum;
    return n;
}

static void test_write_modes_and_config_errors(void **state)
{
    (void)state;
    floe_manager_options mo = FLOE_MANAGER_OPTIONS_INIT;
    mo.warehouse = floe_test_tmpdir("write_config");
    floe_manager *m = NULL;
    assert_int_equal(floe_manager_open(&m, &mo), 0);
    assert_int_equal(floe_manager_create_namespace(m, "db", NULL, 0), 0);
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id long not null, v long";
    floe_table *t = NULL;
    assert_int_equal(floe_manager_create_table(&t, m, "db.t", &co), 0);
    struct ArrowArrayStream s;
    floe_write_summary w;
    int64_t sum = 0;

    /* append (NULL config) with lineage properties through the config */
    rows(&s, t, 0, 10, 1); /* v = 0..9, sum 45 */
    const char *keys[] = {"lineage.job"}, *vals[] = {"nightly-42"};
    floe_write_config c = FLOE_WRITE_CONFIG_INIT;
    c.snapshot_property_keys = keys;
    c.snapshot_property_values = vals;
    c.snapshot_property_count = 1;
    assert_int_equal(floe_table_write(&w, t, &s, &c), 0);
    s.release(&s);
    assert_int_equal(w.added_records, 10);
    json_t *snaps = NULL;
    assert_int_equal(floe_table_snapshots(&snaps, t), 0);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_array_get(snaps, 0), "summary"), "lineage.job")),
                        "nightly-42");
    json_decref(snaps);
    rows(&s, t, 10, 5, 1); /* 10..14 */
    assert_int_equal(floe_table_write(&w, t, &s, NULL), 0);
    s.release(&s);
    assert_int_equal(count_and_sum(t, &sum), 15);
    assert_int_equal(sum, 105);

    /* overwrite by filter: ids 0..4 replaced by 100..101 */
    c = (floe_write_config)FLOE_WRITE_CONFIG_INIT;
    c.mode = FLOE_WRITE_OVERWRITE;
    c.overwrite_filter = "id < 5";
    rows(&s, t, 100, 2, 1);
    assert_int_equal(floe_table_write(&w, t, &s, &c), 0);
    s.release(&s);
    assert_int_equal(w.added_records, 2);
    assert_int_equal(count_and_sum(t, &sum), 12);
    assert_int_equal(sum, 105 - 10 + 201);

    /* upsert: 10..11 change (v doubled), 200 is new, 12 unchanged */
    c = (floe_write_config)FLOE_WRITE_CONFIG_INIT;
    c.mode = FLOE_WRITE_UPSERT;
    const char *on[] = {"id"};
    c.join_columns = on;
    c.join_column_count = 1;
    rows(&s, t, 10, 2, 2);
    assert_int_equal(floe_table_write(&w, t, &s, &c), 0);
    s.release(&s);
    assert_int_equal(w.upsert.updated_rows, 2);
    assert_int_equal(w.upsert.inserted_rows, 0);
    assert_int_equal(w.added_records, 2);
    assert_true(w.snapshot_id != 0);
    assert_int_equal(count_and_sum(t, &sum), 12);
    assert_int_equal(sum, 105 - 10 + 201 + 21);

    /* configuration errors: nothing read, nothing committed */
    int64_t before = floe_mtest_snapshot_count(t);
    rows(&s, t, 500, 1, 1);
    c.join_column_count = 0;
    assert_int_equal(floe_table_write(NULL, t, &s, &c), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "join_columns are required"));
    const char *missing[] = {"nope"};
    c.join_columns = missing;
    c.join_column_count = 1;
    assert_int_equal(floe_table_write(NULL, t, &s, &c), FLOE_ESCHEMA);
    assert_non_null(strstr(floe_error_last(), "'nope'"));
    const char *twice[] = {"id", "id"};
    c.join_columns = twice;
    c.join_column_count = 2;
    assert_int_equal(floe_table_write(NULL, t, &s, &c), FLOE_EINVALID);
    c = (floe_write_config)FLOE_WRITE_CONFIG_INIT;
    c.overwrite_filter = "id = 1"; /* with append */
    assert_int_equal(floe_table_write(NULL, t, &s, &c), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "overwrite_filter"));
    c = (floe_write_config)FLOE_WRITE_CONFIG_INIT;
    c.join_columns = on;
    c.join_column_count = 1; /* with append */
    assert_int_equal(floe_table_write(NULL, t, &s, &c), FLOE_EINVALID);
    c = (floe_write_config)FLOE_WRITE_CONFIG_INIT;
    c.delete_unmatched = 1;
    assert_int_equal(floe_table_write(NULL, t, &s, &c), FLOE_EINVALID);
    c = (floe_write_config)FLOE_WRITE_CONFIG_INIT;
    c.mode = (floe_write_mode)7;
    assert_int_equal(floe_table_write(NULL, t, &s, &c), FLOE_EINVALID);
    c = (floe_write_config)FLOE_WRITE_CONFIG_INIT;
    c.version = 9;
    assert_int_equal(floe_table_write(NULL, t, &s, &c), FLOE_EINVALID);
    c = (floe_write_config)FLOE_WRITE_CONFIG_INIT;
    c.branch = "nope";
    assert_int_equal(floe_table_write(NULL, t, &s, &c), FLOE_ENOTFOUND);
    assert_int_equal(floe_mtest_snapshot_count(t), before);
    /* the stream was not consumed: it still appends its row */
    assert_int_equal(floe_table_write(&w, t, &s, NULL), 0);
    s.release(&s);
    assert_int_equal(w.added_records, 1);
    floe_table_free(t);
    floe_manager_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_modes_and_config_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
