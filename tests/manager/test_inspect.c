/* Metadata tables through floe_table_inspect and `floe table inspect`, on a table partitioned
 * by region with three snapshots (append, append, delete of a whole partition file) and a tag. */
#include "test_support.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/stream.h>
#include <floe/error.h>
#include <floe/table.h>
#include <floe/table_delete.h>
#include <floe/table_inspect.h>

struct fixture {
    char wh[4096];
    floe_manager *m;
    floe_table *t;
    int64_t snap[3];
};

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

/* snapshots: append ids 0..9, append ids 10..19, delete the us file of the first append
 * (ids 1..9 odd, wholly matched); tag "v1" on the first snapshot */
static void build(struct fixture *f, const char *name)
{
    memset(f, 0, sizeof *f);
    snprintf(f->wh, sizeof f->wh, "%s", floe_test_tmpdir(name));
    floe_manager_options o = FLOE_MANAGER_OPTIONS_INIT;
    o.warehouse = f->wh;
    assert_int_equal(floe_manager_open(&f->m, &o), 0);
    assert_int_equal(floe_manager_create_namespace(f->m, "db", NULL, 0), 0);
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id long not null, region string";
    co.partition_by = "region";
    assert_int_equal(floe_manager_create_table(&f->t, f->m, "db.t", &co), 0);
    append(f->t, 0, 10);
    f->snap[0] = floe_table_current_snapshot_id(f->t);
    append(f->t, 10, 10);
    f->snap[1] = floe_table_current_snapshot_id(f->t);
    floe_write_result r;
    if (floe_table_delete_rows(&r, f->t, "region = 'us' and id < 10", NULL))
        fail_msg("delete: %s", floe_error_last());
    assert_int_equal(r.deleted_files, 1);
    assert_int_equal(r.added_files, 0);
    f->snap[2] = floe_table_current_snapshot_id(f->t);
    assert_int_equal(floe_table_set_ref(f->t, "v1", f->snap[0], 1), 0);
}

static void teardown(struct fixture *f)
{
    floe_table_free(f->t);
    floe_manager_free(f->m);
}

static json_t *inspect(floe_table *t, const char *kind)
{
    json_t *rows = NULL;
    if (floe_table_inspect(&rows, t, kind))
        fail_msg("inspect %s: %s", kind, floe_error_last());
    assert_true(json_is_array(rows));
    return rows;
}

static int64_t geti(const json_t *row, const char *key)
{
    const json_t *v = json_object_get(row, key);
    if (!json_is_integer(v))
        fail_msg("'%s' is not an integer", key);
    return json_integer_value(v);
}

static const char *gets(const json_t *row, const char *key)
{
    const char *s = json_string_value(json_object_get(row, key));
    if (!s)
        fail_msg("'%s' is not a string", key);
    return s;
}

static void test_inspect_snapshots_history_refs(void **state)
{
    (void)state;
    struct fixture f;
    build(&f, "inspect_snaps");
    json_t *rows = inspect(f.t, "snapshots");
    assert_int_equal(json_array_size(rows), 3);
    const char *ops[] = {"append", "append", "delete"};
    for (size_t i = 0; i < 3; i++) {
        json_t *r = json_array_get(rows, i);
        assert_int_equal(geti(r, "snapshot_id"), f.snap[i]);
        assert_string_equal(gets(r, "operation"), ops[i]);
        assert_true(geti(r, "committed_at") > 0);
        assert_true(geti(r, "sequence_number") == (int64_t)i + 1);
        assert_non_null(strstr(gets(r, "manifest_list"), "/metadata/"));
        if (i == 0)
            assert_true(json_is_null(json_object_get(r, "parent_id")));
        else
            assert_int_equal(geti(r, "parent_id"), f.snap[i - 1]);
        assert_true(json_is_boolean(json_object_get(r, "is_current")));
        assert_int_equal(json_is_true(json_object_get(r, "is_current")), i == 2);
    }
    json_t *sum = json_object_get(json_array_get(rows, 2), "summary");
    assert_string_equal(gets(sum, "deleted-data-files"), "1");
    assert_string_equal(gets(sum, "deleted-records"), "5");
    assert_string_equal(gets(sum, "total-records"), "15");
    json_decref(rows);

    rows = inspect(f.t, "history");
    assert_int_equal(json_array_size(rows), 3);
    for (size_t i = 0; i < 3; i++) {
        json_t *r = json_array_get(rows, i);
        assert_int_equal(geti(r, "snapshot_id"), f.snap[i]);
        assert_true(geti(r, "made_current_at") > 0);
        assert_true(json_is_true(json_object_get(r, "is_current_ancestor")));
    }
    json_decref(rows);
    /* after a rollback the abandoned snapshot is no longer an ancestor */
    assert_int_equal(floe_table_rollback_to_snapshot(f.t, f.snap[1]), 0);
    rows = inspect(f.t, "history");
    assert_int_equal(json_array_size(rows), 4);
    int ancestors = 0;
    for (size_t i = 0; i < 4; i++) {
        json_t *r = json_array_get(rows, i);
        int anc = json_is_true(json_object_get(r, "is_current_ancestor"));
        ancestors += anc;
        if (geti(r, "snapshot_id") == f.snap[2])
            assert_false(anc);
    }
    assert_int_equal(ancestors, 3);
    json_decref(rows);

    rows = inspect(f.t, "refs");
    assert_int_equal(json_array_size(rows), 2);
    int seen = 0;
    for (size_t i = 0; i < 2; i++) {
        json_t *r = json_array_get(rows, i);
        if (strcmp(gets(r, "name"), "main") == 0) {
            assert_string_equal(gets(r, "type"), "BRANCH");
            assert_int_equal(geti(r, "snapshot_id"), f.snap[1]);
            seen |= 1;
        } else {
            assert_string_equal(gets(r, "name"), "v1");
            assert_string_equal(gets(r, "type"), "TAG");
            assert_int_equal(geti(r, "snapshot_id"), f.snap[0]);
            seen |= 2;
        }
        assert_non_null(json_object_get(r, "max_reference_age_in_ms"));
    }
    assert_int_equal(seen, 3);
    json_decref(rows);
    teardown(&f);
}

static void test_inspect_manifests_files_entries(void **state)
{
    (void)state;
    struct fixture f;
    build(&f, "inspect_files");
    /* the delete rewrote the first append's manifest (eu existing, us deleted) */
    json_t *rows = inspect(f.t, "manifests");
    assert_int_equal(json_array_size(rows), 2);
    int64_t added = 0, existing = 0, deleted = 0;
    for (size_t i = 0; i < 2; i++) {
        json_t *r = json_array_get(rows, i);
        assert_int_equal(geti(r, "content"), 0);
        assert_int_equal(geti(r, "partition_spec_id"), 0);
        assert_true(geti(r, "length") > 0);
        added += geti(r, "added_data_files_count");
        existing += geti(r, "existing_data_files_count");
        deleted += geti(r, "deleted_data_files_count");
        assert_int_equal(geti(r, "added_delete_files_count"), 0);
        json_t *ps = json_object_get(r, "partition_summaries");
        assert_int_equal(json_array_size(ps), 1);
        assert_true(json_is_string(json_object_get(json_array_get(ps, 0), "lower_bound")));
        if (geti(r, "added_snapshot_id") == f.snap[1]) {
            assert_int_equal(geti(r, "added_data_files_count"), 2);
            assert_string_equal(gets(json_array_get(ps, 0), "lower_bound"), "eu");
            assert_string_equal(gets(json_array_get(ps, 0), "upper_bound"), "us");
        } else {
            assert_int_equal(geti(r, "added_snapshot_id"), f.snap[2]);
            assert_int_equal(geti(r, "deleted_data_files_count"), 1);
            assert_int_equal(geti(r, "deleted_rows_count"), 5);
        }
    }
    assert_int_equal(added + existing, 3);
    assert_int_equal(deleted, 1);
    json_decref(rows);

    rows = inspect(f.t, "files");
    assert_int_equal(json_array_size(rows), 3);
    int64_t records = 0;
    int first_eu = 0;
    for (size_t i = 0; i < 3; i++) {
        json_t *r = json_array_get(rows, i);
        assert_int_equal(geti(r, "content"), 0);
        assert_string_equal(gets(r, "file_format"), "parquet");
        assert_int_equal(geti(r, "record_count"), 5);
        records += geti(r, "record_count");
        assert_true(geti(r, "file_size_in_bytes") > 0);
        const char *region = gets(json_object_get(r, "partition"), "region");
        json_t *idm = json_object_get(json_object_get(r, "readable_metrics"), "id");
        assert_int_equal(geti(idm, "value_count"), 5);
        assert_int_equal(geti(idm, "null_value_count"), 0);
        assert_int_equal(geti(json_object_get(r, "value_counts"), "1"), 5);
        int64_t lo = geti(idm, "lower_bound"), hi = geti(idm, "upper_bound");
        assert_int_equal(geti(json_object_get(r, "lower_bounds"), "1"), lo);
        if (strcmp(region, "eu") == 0 && lo == 0) {
            assert_int_equal(hi, 8);
            first_eu = 1;
        } else if (strcmp(region, "us") == 0) {
            assert_int_equal(lo, 11);
            assert_int_equal(hi, 19);
        } else {
            assert_string_equal(region, "eu");
            assert_int_equal(lo, 10);
            assert_int_equal(hi, 18);
        }
        json_t *rm = json_object_get(json_object_get(r, "readable_metrics"), "region");
        assert_string_equal(gets(rm, "lower_bound"), region);
    }
    assert_true(first_eu);
    assert_int_equal(records, 15);
    json_decref(rows);

    rows = inspect(f.t, "entries");
    assert_int_equal(json_array_size(rows), 4);
    int status_count[3] = {0, 0, 0};
    for (size_t i = 0; i < 4; i++) {
        json_t *r = json_array_get(rows, i);
        int64_t st = geti(r, "status");
        assert_true(st >= 0 && st <= 2);
        status_count[st]++;
        json_t *df = json_object_get(r, "data_file");
        if (st == 2) {
            assert_string_equal(gets(json_object_get(df, "partition"), "region"), "us");
            assert_int_equal(geti(r, "snapshot_id"), f.snap[2]);
            assert_int_equal(geti(r, "sequence_number"), 1);
        }
        assert_non_null(strstr(gets(df, "file_path"), ".parquet"));
    }
    assert_int_equal(status_count[0], 1); /* the eu file carried into the rewritten manifest */
    assert_int_equal(status_count[1], 2);
    assert_int_equal(status_count[2], 1);
    json_decref(rows);
    teardown(&f);
}

static void test_inspect_partitions_and_errors(void **state)
{
    (void)state;
    struct fixture f;
    build(&f, "inspect_parts");
    json_t *rows = inspect(f.t, "partitions");
    assert_int_equal(json_array_size(rows), 2);
    for (size_t i = 0; i < 2; i++) {
        json_t *r = json_array_get(rows, i);
        const char *region = gets(json_object_get(r, "partition"), "region");
        assert_int_equal(geti(r, "spec_id"), 0);
        assert_int_equal(geti(r, "position_delete_file_count"), 0);
        assert_int_equal(geti(r, "equality_delete_record_count"), 0);
        assert_true(geti(r, "total_data_file_size_in_bytes") > 0);
        assert_true(geti(r, "last_updated_at") > 0);
        if (strcmp(region, "eu") == 0) {
            assert_int_equal(geti(r, "record_count"), 10);
            assert_int_equal(geti(r, "file_count"), 2);
        } else {
            assert_string_equal(region, "us");
            assert_int_equal(geti(r, "record_count"), 5);
            assert_int_equal(geti(r, "file_count"), 1);
        }
        assert_int_equal(geti(r, "last_updated_snapshot_id"), f.snap[1]);
    }
    json_decref(rows);
    json_t *none = NULL;
    assert_int_equal(floe_table_inspect(&none, f.t, "tables"), FLOE_EINVALID);
    assert_null(none);
    assert_non_null(strstr(floe_error_last(), "partitions"));
    assert_int_equal(floe_table_inspect(&none, f.t, NULL), FLOE_EINVALID);
    const char *const *kinds = floe_table_inspect_kinds();
    size_t n = 0;
    for (; kinds[n]; n++) {
        assert_int_equal(floe_table_inspect(&none, f.t, kinds[n]), 0);
        json_decref(none);
    }
    assert_int_equal(n, 7);
    /* a table without snapshots has no files */
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id long";
    floe_table *empty = NULL;
    assert_int_equal(floe_manager_create_table(&empty, f.m, "db.empty", &co), 0);
    for (size_t i = 0; kinds[i]; i++) {
        json_t *rows2 = inspect(empty, kinds[i]);
        if (strcmp(kinds[i], "refs") != 0)
            assert_int_equal(json_array_size(rows2), 0);
        json_decref(rows2);
    }
    floe_table_free(empty);
    teardown(&f);
}

/* ---- floe table inspect ---- */

static int cli(char **out, const char *wh, const char *args)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "FLOE_LOG_LEVEL=error '%s' table inspect %s --warehouse '%s'",
             floe_test_floe_bin(), args, wh);
    return floe_test_run(cmd, 1, out);
}

static void test_cli_table_inspect(void **state)
{
    (void)state;
    if (!floe_test_floe_bin())
        skip();
    struct fixture f;
    build(&f, "inspect_cli");
    char *out = NULL;
    assert_int_equal(cli(&out, f.wh, "--help"), 0);
    assert_non_null(strstr(out, "partitions"));
    free(out);
    assert_int_equal(cli(&out, f.wh, "db.t"), 2);
    free(out);
    assert_int_equal(cli(&out, f.wh, "db.t tables"), 2);
    free(out);
    assert_int_equal(cli(&out, f.wh, "db.t files --bogus"), 2);
    free(out);
    assert_int_equal(cli(&out, f.wh, "db.nope files"), 3);
    free(out);
    assert_int_equal(cli(&out, f.wh, "db.t files --json"), 0);
    json_error_t err;
    json_t *j = json_loads(out, 0, &err);
    if (!j)
        fail_msg("not JSON: %s", out);
    free(out);
    assert_int_equal(json_array_size(j), 3);
    assert_non_null(json_object_get(json_array_get(j, 0), "readable_metrics"));
    json_decref(j);
    assert_int_equal(cli(&out, f.wh, "db.t partitions"), 0);
    assert_non_null(strstr(out, "record_count"));
    assert_non_null(strstr(out, "{\"region\":\"eu\"}"));
    assert_non_null(strstr(out, "{\"region\":\"us\"}"));
    free(out);
    assert_int_equal(cli(&out, f.wh, "db.t snapshots"), 0);
    char id[32];
    snprintf(id, sizeof id, "%" PRId64, f.snap[2]);
    assert_non_null(strstr(out, id));
    assert_non_null(strstr(out, "delete"));
    free(out);
    teardown(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inspect_snapshots_history_refs),
        cmocka_unit_test(test_inspect_manifests_files_entries),
        cmocka_unit_test(test_inspect_partitions_and_errors),
        cmocka_unit_test(test_cli_table_inspect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
