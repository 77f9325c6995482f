/* Manifest merging on append (commit.manifest-merge.enabled, commit.manifest.min-count-to-merge,
 * commit.manifest.target-size-bytes): once a spec has enough data manifests, an append merges
 * the small ones into one manifest where its own file stays ADDED and the others are EXISTING
 * with their snapshot ids and sequence numbers; nothing is left unreferenced; the independent
 * reader (avsc + DuckDB) agrees; merging can be turned off; a bad property fails cleanly. */
#include "manager_test_util.h"
#include "test_support.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/stream.h>
#include <floe/arrow/value.h>
#include <floe/error.h>
#include <floe/table.h>
#include <floe/table_inspect.h>

static floe_manager *open_wh(const char *name)
{
    floe_manager_options o = FLOE_MANAGER_OPTIONS_INIT;
    o.warehouse = floe_test_tmpdir(name);
    floe_manager *m = NULL;
    if (floe_manager_open(&m, &o))
        fail_msg("open: %s", floe_error_last());
    assert_int_equal(floe_manager_create_namespace(m, "db", NULL, 0), 0);
    return m;
}

static floe_table *create(floe_manager *m, const char *key, const char *value)
{
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id long not null, part string";
    co.partition_by = "part";
    const char *keys[] = {key}, *vals[] = {value};
    co.property_keys = key ? keys : NULL;
    co.property_values = key ? vals : NULL;
    co.property_count = key ? 1 : 0;
    floe_table *t = NULL;
    if (floe_manager_create_table(&t, m, "db.t", &co))
        fail_msg("create: %s", floe_error_last());
    return t;
}

/* Appends ids [start, start + n) in partitions "a" and "b"; returns the snapshot or a code. */
static int append(int64_t *snap, floe_table *t, int64_t start, int64_t n)
{
    struct ArrowSchema schema;
    assert_int_equal(floe_table_arrow_schema(&schema, t), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
    for (int64_t i = start; i < start + n; i++) {
        assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), i), 0);
        assert_int_equal(
            floe_arrow_builder_append_str(floe_arrow_builder_child(b, 1), i % 2 ? "b" : "a"), 0);
    }
    struct ArrowArray a;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &a, NULL), 0);
    floe_arrow_builder_free(b);
    struct ArrowArrayStream s;
    assert_int_equal(floe_arrow_stream_from_batches(&s, &schema, &a, 1), 0);
    floe_write_result r;
    int rc = floe_table_append(&r, t, &s, NULL);
    s.release(&s);
    if (snap)
        *snap = rc ? 0 : r.snapshot_id;
    return rc;
}

static json_t *inspect(floe_table *t, const char *kind)
{
    json_t *j = NULL;
    if (floe_table_inspect(&j, t, kind))
        fail_msg("inspect %s: %s", kind, floe_error_last());
    return j;
}

static int64_t iv(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("no integer '%s'", key);
    return json_integer_value(v);
}

static int64_t count_rows(floe_table *t, int64_t snapshot)
{
    floe_scan_options so = FLOE_SCAN_OPTIONS_INIT;
    so.snapshot_id = snapshot;
    struct ArrowArrayStream s;
    assert_int_equal(floe_table_scan(&s, t, &so), 0);
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

static void test_append_merges_small_manifests(void **state)
{
    (void)state;
    floe_manager *m = open_wh("merge_append");
    floe_table *t = create(m, "commit.manifest.min-count-to-merge", "4");
    int64_t snaps[6];
    for (int i = 0; i < 3; i++)
        assert_int_equal(append(&snaps[i], t, i * 10, 10), 0);
    json_t *mans = inspect(t, "manifests");
    assert_int_equal(json_array_size(mans), 3); /* below the threshold: one per append */
    json_decref(mans);

    /* the 4th append reaches 4 manifests: they become one */
    assert_int_equal(append(&snaps[3], t, 30, 10), 0);
    mans = inspect(t, "manifests");
    assert_int_equal(json_array_size(mans), 1);
    json_t *mf = json_array_get(mans, 0);
    assert_int_equal(iv(mf, "added_snapshot_id"), snaps[3]);
    assert_int_equal(iv(mf, "added_data_files_count"), 2); /* this append: partitions a, b */
    assert_int_equal(iv(mf, "existing_data_files_count"), 6);
    assert_int_equal(iv(mf, "sequence_number"), 4);
    assert_int_equal(iv(mf, "min_sequence_number"), 1);
    json_decref(mans);
    /* entries keep the snapshot and sequence number that added them */
    json_t *entries = inspect(t, "entries");
    assert_int_equal(json_array_size(entries), 8);
    size_t i;
    json_t *e;
    json_array_foreach(entries, i, e)
    {
        int64_t sid = iv(e, "snapshot_id"), seq = iv(e, "sequence_number");
        int found = 0;
        for (int k = 0; k < 4; k++)
            if (sid == snaps[k]) {
                found = 1;
                assert_int_equal(seq, k + 1);
                assert_int_equal(iv(e, "status"), k == 3 ? 1 : 0);
            }
        assert_true(found);
    }
    json_decref(entries);
    /* the summary still says what this append added */
    json_t *snapshots = NULL;
    assert_int_equal(floe_table_snapshots(&snapshots, t), 0);
    json_t *last = json_array_get(snapshots, 3);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(last, "summary"), "added-data-files")),
        "2");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(last, "summary"), "total-records")),
        "40");
    json_decref(snapshots);
    assert_int_equal(count_rows(t, -1), 40);
    assert_int_equal(count_rows(t, snaps[1]), 20); /* time travel reads the old lists */

    /* no file is left unreferenced: the append's own manifest went with the merge */
    floe_remove_orphans_options oo = FLOE_REMOVE_ORPHANS_OPTIONS_INIT;
    oo.dry_run = 1;
    oo.older_than_ms = INT64_MAX / 2;
    floe_maintenance_result *r = NULL;
    assert_int_equal(floe_table_remove_orphan_files(&r, t, &oo), 0);
    if (r->file_count)
        fail_msg("unreferenced after merging: %s", r->files[0]);
    floe_maintenance_result_free(r);

    /* two more appends: 3 manifests, below the threshold again */
    assert_int_equal(append(&snaps[4], t, 40, 10), 0);
    assert_int_equal(append(&snaps[5], t, 50, 10), 0);
    mans = inspect(t, "manifests");
    assert_int_equal(json_array_size(mans), 3);
    json_decref(mans);

    /* expiring the snapshots before the merge deletes the manifests only they listed; the
     * merged manifest keeps every file */
    floe_expire_snapshots_options eo = FLOE_EXPIRE_SNAPSHOTS_OPTIONS_INIT;
    eo.older_than_ms = INT64_MAX / 2;
    eo.retain_last = 1;
    assert_int_equal(floe_table_expire_snapshots(&r, t, &eo), 0);
    assert_int_equal(r->snapshot_count, 5);
    floe_maintenance_result_free(r);
    assert_int_equal(count_rows(t, -1), 60);
    assert_int_equal(floe_table_remove_orphan_files(&r, t, &oo), 0);
    assert_int_equal(r->file_count, 0);
    floe_maintenance_result_free(r);

    /* an independent reader (avsc manifests, DuckDB data) sees the same table */
    if (floe_test_interop_available()) {
        char args[4200];
        snprintf(args, sizeof args, "read '%s'", floe_table_metadata_file(t));
        char *out = NULL;
        assert_int_equal(floe_test_node("table_read.mjs", args, &out), 0);
        json_t *j = json_loads(out, 0, NULL);
        if (!j)
            fail_msg("table_read.mjs: %s", out);
        assert_int_equal(iv(j, "count"), 60);
        assert_int_equal(json_array_size(json_object_get(j, "problems")), 0);
        assert_int_equal(json_array_size(json_object_get(j, "files")), 12);
        json_decref(j);
        free(out);
    } else if (floe_test_interop_required()) {
        fail_msg("interop tools missing: run scripts/setup.sh");
    }
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_merge_settings(void **state)
{
    (void)state;
    /* turned off: one manifest per append however many */
    floe_manager *m = open_wh("merge_off");
    floe_table *t = create(m, "commit.manifest-merge.enabled", "false");
    assert_int_equal(
        floe_table_set_properties(t, (const char *[]){"commit.manifest.min-count-to-merge"},
                                  (const char *[]){"2"}, 1, NULL, 0),
        0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(append(NULL, t, i, 1), 0);
    json_t *mans = inspect(t, "manifests");
    assert_int_equal(json_array_size(mans), 4);
    json_decref(mans);
    floe_table_free(t);
    floe_manager_free(m);

    /* every manifest above the target size: nothing to merge */
    m = open_wh("merge_target");
    t = create(m, "commit.manifest.target-size-bytes", "100");
    assert_int_equal(
        floe_table_set_properties(t, (const char *[]){"commit.manifest.min-count-to-merge"},
                                  (const char *[]){"2"}, 1, NULL, 0),
        0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(append(NULL, t, i, 1), 0);
    mans = inspect(t, "manifests");
    assert_int_equal(json_array_size(mans), 3);
    json_decref(mans);
    floe_table_free(t);
    floe_manager_free(m);

    /* a bad value: the append fails naming the property, and nothing is committed */
    m = open_wh("merge_bad");
    t = create(m, "commit.manifest.min-count-to-merge", "many");
    assert_int_equal(append(NULL, t, 0, 1), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "commit.manifest.min-count-to-merge"));
    assert_int_equal(floe_mtest_snapshot_count(t), 0);
    floe_table_free(t);
    floe_manager_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_merges_small_manifests),
        cmocka_unit_test(test_merge_settings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
