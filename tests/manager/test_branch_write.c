/* Writing to a branch: appends, overwrites, deletes and upserts with a branch option commit on
 * the branch head (parent, assert-ref-snapshot-id, set-snapshot-ref of the branch) and leave
 * main alone; an unknown branch is FLOE_ENOTFOUND, a tag FLOE_EINVALID; the CLI's `--branch`
 * options and `scan --ref`. */
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
#include <floe/table_compact.h>
#include <floe/table_delete.h>
#include <floe/table_inspect.h>
#include <floe/table_upsert.h>

static void batch_of(struct ArrowArrayStream *s, floe_table *t, int64_t start, int64_t n)
{
    struct ArrowSchema schema;
    assert_int_equal(floe_table_arrow_schema(&schema, t), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
    for (int64_t i = start; i < start + n; i++)
        assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), i), 0);
    struct ArrowArray a;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &a, NULL), 0);
    floe_arrow_builder_free(b);
    assert_int_equal(floe_arrow_stream_from_batches(s, &schema, &a, 1), 0);
}

/* Rows and the sum of ids seen by a scan of `ref` (NULL = main). */
static int64_t scan_count(floe_table *t, const char *ref, int64_t *sum)
{
    floe_scan_options so = FLOE_SCAN_OPTIONS_INIT;
    so.ref = ref;
    struct ArrowArrayStream s;
    if (floe_table_scan(&s, t, &so))
        fail_msg("scan %s: %s", ref ? ref : "main", floe_error_last());
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
    *sum = total;
    return n;
}

static int64_t append(floe_table *t, const char *branch, int64_t start, int64_t n)
{
    struct ArrowArrayStream s;
    batch_of(&s, t, start, n);
    floe_write_options wo = FLOE_WRITE_OPTIONS_INIT;
    wo.branch = branch;
    floe_write_result r;
    int rc = floe_table_append(&r, t, &s, &wo);
    s.release(&s);
    if (rc)
        fail_msg("append to %s: %s", branch ? branch : "main", floe_error_last());
    assert_int_equal(r.added_records, n);
    return r.snapshot_id;
}

/* The parent of snapshot `id`, -1 when it has none. */
static int64_t parent_of(floe_table *t, int64_t id)
{
    json_t *snaps = NULL;
    assert_int_equal(floe_table_snapshots(&snaps, t), 0);
    int64_t parent = -2;
    size_t i;
    json_t *s;
    json_array_foreach(snaps, i, s)
    {
        if (json_integer_value(json_object_get(s, "snapshot-id")) != id)
            continue;
        json_t *p = json_object_get(s, "parent-snapshot-id");
        parent = json_is_integer(p) ? json_integer_value(p) : -1;
    }
    json_decref(snaps);
    if (parent == -2)
        fail_msg("snapshot %lld not listed", (long long)id);
    return parent;
}

static floe_manager *open_wh(const char *dir)
{
    floe_manager_options o = FLOE_MANAGER_OPTIONS_INIT;
    o.warehouse = dir;
    floe_manager *m = NULL;
    if (floe_manager_open(&m, &o))
        fail_msg("open: %s", floe_error_last());
    return m;
}

static void test_append_to_branch_leaves_main_alone(void **state)
{
    (void)state;
    floe_manager *m = open_wh(floe_test_tmpdir("branch_write_lib"));
    assert_int_equal(floe_manager_create_namespace(m, "db", NULL, 0), 0);
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id long not null";
    floe_table *t = NULL;
    assert_int_equal(floe_manager_create_table(&t, m, "db.t", &co), 0);

    int64_t base = append(t, NULL, 1, 10); /* ids 1..10, sum 55 */
    assert_int_equal(floe_table_manage_ref(t, FLOE_REF_CREATE, 0, "dev", -1), 0);

    int64_t b1 = append(t, "dev", 100, 5); /* 100..104, sum 510 */
    int64_t b2 = append(t, "dev", 200, 3); /* 200..202, sum 603 */
    assert_int_equal(parent_of(t, b1), base);
    assert_int_equal(parent_of(t, b2), b1);
    assert_int_equal(floe_table_current_snapshot_id(t), base);

    int64_t sum = 0;
    assert_int_equal(scan_count(t, NULL, &sum), 10);
    assert_int_equal(sum, 55);
    assert_int_equal(scan_count(t, "dev", &sum), 18);
    assert_int_equal(sum, 55 + 510 + 603);

    /* main moves on from its own head; the branch keeps its rows */
    int64_t m1 = append(t, NULL, 1000, 2); /* 1000, 1001 */
    assert_int_equal(parent_of(t, m1), base);
    assert_int_equal(floe_table_current_snapshot_id(t), m1);
    assert_int_equal(scan_count(t, NULL, &sum), 12);
    assert_int_equal(sum, 55 + 2001);
    assert_int_equal(scan_count(t, "dev", &sum), 18);
    assert_int_equal(sum, 55 + 510 + 603);

    /* a fresh load sees the same refs; "main" by name is main */
    floe_table *again = NULL;
    assert_int_equal(floe_manager_load_table(&again, m, "db.t"), 0);
    assert_int_equal(scan_count(again, "dev", &sum), 18);
    int64_t m2 = append(again, "main", 5000, 1);
    assert_int_equal(parent_of(again, m2), m1);
    int64_t b3 = append(again, "dev", 300, 1);
    assert_int_equal(parent_of(again, b3), b2);
    assert_int_equal(scan_count(again, NULL, &sum), 13);
    assert_int_equal(scan_count(again, "dev", &sum), 19);
    floe_table_free(again);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_stale_handle_retries_on_branch_head(void **state)
{
    (void)state;
    floe_manager *m = open_wh(floe_test_tmpdir("branch_write_retry"));
    assert_int_equal(floe_manager_create_namespace(m, "db", NULL, 0), 0);
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id long not null";
    floe_table *a = NULL, *b = NULL;
    assert_int_equal(floe_manager_create_table(&a, m, "db.t", &co), 0);
    append(a, NULL, 1, 1);
    assert_int_equal(floe_table_manage_ref(a, FLOE_REF_CREATE, 0, "dev", -1), 0);
    assert_int_equal(floe_manager_load_table(&b, m, "db.t"), 0);
    int64_t first = append(a, "dev", 10, 1);
    /* b still sees the old branch head: its commit conflicts, refreshes, re-reads the head */
    struct ArrowArrayStream s;
    batch_of(&s, b, 20, 1);
    floe_write_options wo = FLOE_WRITE_OPTIONS_INIT;
    wo.branch = "dev";
    floe_write_result r;
    assert_int_equal(floe_table_append(&r, b, &s, &wo), 0);
    s.release(&s);
    assert_true(r.attempts >= 2);
    assert_int_equal(parent_of(b, r.snapshot_id), first);
    int64_t sum = 0;
    assert_int_equal(scan_count(b, "dev", &sum), 3);
    assert_int_equal(sum, 31);
    assert_int_equal(scan_count(b, NULL, &sum), 1);
    floe_table_free(a);
    floe_table_free(b);
    floe_manager_free(m);
}

static void test_unknown_branch_is_not_found(void **state)
{
    (void)state;
    floe_manager *m = open_wh(floe_test_tmpdir("branch_write_missing"));
    assert_int_equal(floe_manager_create_namespace(m, "db", NULL, 0), 0);
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id long not null";
    floe_table *t = NULL;
    assert_int_equal(floe_manager_create_table(&t, m, "db.t", &co), 0);
    int64_t base = append(t, NULL, 1, 2);
    struct ArrowArrayStream s;
    batch_of(&s, t, 7, 1);
    floe_write_options wo = FLOE_WRITE_OPTIONS_INIT;
    wo.branch = "nope";
    assert_int_equal(floe_table_append(NULL, t, &s, &wo), FLOE_ENOTFOUND);
    s.release(&s);
    assert_non_null(strstr(floe_error_last(), "nope"));
    /* nothing committed, main unchanged */
    assert_int_equal(floe_table_refresh(t), 0);
    assert_int_equal(floe_table_current_snapshot_id(t), base);
    json_t *snaps = NULL;
    assert_int_equal(floe_table_snapshots(&snaps, t), 0);
    assert_int_equal(json_array_size(snaps), 1);
    json_decref(snaps);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_delete_and_upsert_on_branch_leave_main_alone(void **state)
{
    (void)state;
    floe_manager *m = open_wh(floe_test_tmpdir("branch_write_rowlevel"));
    assert_int_equal(floe_manager_create_namespace(m, "db", NULL, 0), 0);
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id long not null";
    floe_table *t = NULL;
    assert_int_equal(floe_manager_create_table(&t, m, "db.t", &co), 0);
    int64_t base = append(t, NULL, 1, 10); /* 1..10, sum 55 */
    assert_int_equal(floe_table_manage_ref(t, FLOE_REF_CREATE, 0, "dev", -1), 0);

    /* delete ids 1 and 2 on dev */
    floe_delete_options dopt = FLOE_DELETE_OPTIONS_INIT;
    dopt.branch = "dev";
    floe_write_result dr;
    if (floe_table_delete_rows(&dr, t, "id < 3", &dopt))
        fail_msg("delete on dev: %s", floe_error_last());
    assert_int_equal(dr.deleted_records, 2);
    assert_int_equal(parent_of(t, dr.snapshot_id), base);
    assert_int_equal(floe_table_current_snapshot_id(t), base);
    int64_t sum = 0;
    assert_int_equal(scan_count(t, "dev", &sum), 8);
    assert_int_equal(sum, 55 - 3);
    assert_int_equal(scan_count(t, NULL, &sum), 10);
    assert_int_equal(sum, 55);

    /* upsert ids 1..15 into dev: 1, 2 and 11..15 are new there, 3..10 unchanged */
    struct ArrowArrayStream s;
    batch_of(&s, t, 1, 15);
    floe_upsert_options uo = FLOE_UPSERT_OPTIONS_INIT;
    uo.branch = "dev";
    const char *on[] = {"id"};
    floe_upsert_result ur;
    if (floe_table_upsert(&ur, t, &s, on, 1, &uo))
        fail_msg("upsert on dev: %s", floe_error_last());
    s.release(&s);
    assert_int_equal(ur.inserted_rows, 7);
    assert_int_equal(ur.unchanged_rows, 8);
    assert_int_equal(parent_of(t, ur.snapshot_id), dr.snapshot_id);
    assert_int_equal(scan_count(t, "dev", &sum), 15);
    assert_int_equal(sum, 120);
    /* main still has its ten rows and its head */
    assert_int_equal(floe_table_current_snapshot_id(t), base);
    assert_int_equal(scan_count(t, NULL, &sum), 10);
    assert_int_equal(sum, 55);

    /* the same upsert on main matches main's rows, not dev's */
    batch_of(&s, t, 1, 15);
    assert_int_equal(floe_table_upsert(&ur, t, &s, on, 1, NULL), 0);
    s.release(&s);
    assert_int_equal(ur.inserted_rows, 5);
    assert_int_equal(ur.unchanged_rows, 10);
    assert_int_equal(parent_of(t, ur.snapshot_id), base);

    /* a tag or a missing branch is refused before anything is written */
    int64_t before = floe_mtest_snapshot_count(t);
    assert_int_equal(floe_table_manage_ref(t, FLOE_REF_CREATE, 1, "v1", base), 0);
    dopt.branch = "v1";
    assert_int_equal(floe_table_delete_rows(NULL, t, "id = 4", &dopt), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "tag"));
    dopt.branch = "nope";
    assert_int_equal(floe_table_delete_rows(NULL, t, "id = 4", &dopt), FLOE_ENOTFOUND);
    batch_of(&s, t, 1, 1);
    uo.branch = "v1";
    assert_int_equal(floe_table_upsert(NULL, t, &s, on, 1, &uo), FLOE_EINVALID);
    s.release(&s);
    assert_int_equal(floe_mtest_snapshot_count(t), before);

    /* version 1 option structs (no branch field) still work and mean main */
    floe_delete_options v1 = FLOE_DELETE_OPTIONS_INIT;
    v1.version = 1;
    assert_int_equal(floe_table_delete_rows(&dr, t, "id = 15", &v1), 0);
    assert_int_equal(dr.deleted_records, 1);
    assert_int_equal(floe_table_current_snapshot_id(t), dr.snapshot_id);
    v1.version = 99;
    assert_int_equal(floe_table_delete_rows(NULL, t, "id = 14", &v1), FLOE_EINVALID);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_cli_append_branch_then_scan_ref(void **state)
{
    (void)state;
    if (!floe_test_floe_bin())
        skip();
    const char *wh = floe_test_tmpdir("branch_write_cli");
    char csv[4096], pq[4096], args[8192];
    snprintf(csv, sizeof csv, "%s/a.csv", wh);
    snprintf(pq, sizeof pq, "%s/f.parquet", wh);
    const char *text = "id\n7\n8\n";
    assert_int_equal(floe_test_write_file(csv, text, strlen(text)), 0);
    char *out = NULL;
    assert_int_equal(floe_test_floe(&out, wh, "namespace create db"), 0);
    free(out);
    assert_int_equal(floe_test_floe(&out, wh, "table create db.t --schema 'id long'"), 0);
    free(out);
    snprintf(args, sizeof args, "table append db.t '%s'", csv);
    assert_int_equal(floe_test_floe(&out, wh, "%s", args), 0);
    free(out);
    /* a Parquet file of rows 7, 8 written by floe itself */
    snprintf(args, sizeof args, "table scan db.t --format parquet --output '%s'", pq);
    assert_int_equal(floe_test_floe(&out, wh, "%s", args), 0);
    free(out);
    assert_int_equal(floe_test_floe(&out, wh, "table branch db.t create b"), 0);
    free(out);
    snprintf(args, sizeof args, "table append db.t '%s' --branch b", pq);
    int rc = floe_test_floe(&out, wh, "%s", args);
    if (rc != 0)
        fail_msg("append --branch: exit %d: %s", rc, out ? out : "");
    free(out);

    assert_int_equal(floe_test_floe(&out, wh, "table scan db.t --ref b --format csv"), 0);
    int sevens = 0;
    for (const char *p = out; (p = strstr(p, "7\n")) != NULL; p++)
        sevens++;
    assert_int_equal(sevens, 2);
    free(out);
    assert_int_equal(floe_test_floe(&out, wh, "table scan db.t --format csv"), 0);
    sevens = 0;
    for (const char *p = out; (p = strstr(p, "7\n")) != NULL; p++)
        sevens++;
    assert_int_equal(sevens, 1);
    free(out);

    snprintf(args, sizeof args, "table append db.t '%s' --branch nope", pq);
    rc = floe_test_floe(&out, wh, "%s", args);
    assert_int_not_equal(rc, 0);
    assert_non_null(strstr(out, "nope"));
    free(out);
    /* overwrite on the branch: the branch becomes the file's rows (one 7), main is untouched */
    snprintf(args, sizeof args, "table overwrite db.t '%s' --branch b", pq);
    rc = floe_test_floe(&out, wh, "%s", args);
    if (rc != 0)
        fail_msg("overwrite --branch: exit %d: %s", rc, out ? out : "");
    free(out);
    assert_int_equal(floe_test_floe(&out, wh, "table scan db.t --ref b --format csv"), 0);
    sevens = 0;
    for (const char *p = out; (p = strstr(p, "7\n")) != NULL; p++)
        sevens++;
    assert_int_equal(sevens, 1);
    free(out);
    assert_int_equal(floe_test_floe(&out, wh, "table scan db.t --format csv"), 0);
    sevens = 0;
    for (const char *p = out; (p = strstr(p, "7\n")) != NULL; p++)
        sevens++;
    assert_int_equal(sevens, 1);
    free(out);
}

static size_t files_of(floe_table *t, const char *ref)
{
    floe_scan_options so = FLOE_SCAN_OPTIONS_INIT;
    so.ref = ref;
    floe_scan_plan *p = NULL;
    if (floe_table_plan(&p, t, &so))
        fail_msg("plan %s: %s", ref ? ref : "main", floe_error_last());
    size_t n = p->task_count;
    floe_scan_plan_free(p);
    return n;
}

static void test_compact_and_rewrite_manifests_on_a_branch(void **state)
{
    (void)state;
    floe_manager *m = open_wh(floe_test_tmpdir("branch_compact"));
    assert_int_equal(floe_manager_create_namespace(m, "db", NULL, 0), 0);
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id long not null";
    floe_table *t = NULL;
    assert_int_equal(floe_manager_create_table(&t, m, "db.t", &co), 0);
    for (int i = 0; i < 3; i++)
        append(t, NULL, i * 10, 10); /* main: 3 files */
    int64_t main_head = floe_table_current_snapshot_id(t);
    assert_int_equal(floe_table_manage_ref(t, FLOE_REF_CREATE, 0, "dev", -1), 0);
    for (int i = 0; i < 4; i++)
        append(t, "dev", 100 + i * 10, 10); /* dev: 7 files */
    assert_int_equal(files_of(t, "dev"), 7);

    floe_compact_options o = FLOE_COMPACT_OPTIONS_INIT;
    o.force = 1;
    o.branch = "dev";
    floe_compact_result *r = NULL;
    if (floe_table_compact(&r, t, &o))
        fail_msg("compact dev: %s", floe_error_last());
    assert_int_equal(floe_compact_result_rewritten_files(r), 7);
    int64_t compacted = floe_compact_result_snapshot_id(r);
    floe_compact_result_free(r);
    assert_int_equal(files_of(t, "dev"), 1);
    int64_t sum = 0;
    assert_int_equal(scan_count(t, "dev", &sum), 70);
    /* main is untouched; the replace snapshot's parent is dev's old head */
    assert_int_equal(floe_table_current_snapshot_id(t), main_head);
    assert_int_equal(files_of(t, NULL), 3);
    assert_int_equal(scan_count(t, NULL, &sum), 30);
    assert_int_equal(sum, 435);

    /* manifests of the branch: 5 appends left 5 manifests on dev before compaction */
    o.force = 0;
    assert_int_equal(floe_table_rewrite_manifests(&r, t, &o), 0);
    floe_compact_result_free(r);
    assert_int_equal(scan_count(t, "dev", &sum), 70);
    assert_int_equal(floe_table_current_snapshot_id(t), main_head);
    json_t *refs = NULL;
    assert_int_equal(floe_table_inspect(&refs, t, "refs"), 0);
    size_t i;
    json_t *ref;
    int64_t dev_head = 0;
    json_array_foreach(refs, i, ref)
    {
        if (strcmp(json_string_value(json_object_get(ref, "name")), "dev") == 0)
            dev_head = json_integer_value(json_object_get(ref, "snapshot_id"));
    }
    json_decref(refs);
    assert_true(dev_head != 0 && dev_head != compacted);
    assert_int_equal(parent_of(t, dev_head), compacted);

    /* a tag or an unknown branch is refused */
    assert_int_equal(floe_table_manage_ref(t, FLOE_REF_CREATE, 1, "v1", main_head), 0);
    o.branch = "v1";
    assert_int_equal(floe_table_compact(&r, t, &o), FLOE_EINVALID);
    o.branch = "nope";
    assert_int_equal(floe_table_compact(&r, t, &o), FLOE_ENOTFOUND);
    assert_int_equal(floe_table_rewrite_manifests(&r, t, &o), FLOE_ENOTFOUND);
    floe_table_free(t);
    floe_manager_free(m);
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; s && *s; s++)
        n += *s == '\n';
    return n;
}

static void test_cli_delete_and_upsert_csv_on_branch(void **state)
{
    (void)state;
    if (!floe_test_floe_bin())
        skip();
    const char *wh = floe_test_tmpdir("branch_write_cli_rowlevel");
    char a_csv[4096], u_csv[4096], args[8192];
    snprintf(a_csv, sizeof a_csv, "%s/a.csv", wh);
    snprintf(u_csv, sizeof u_csv, "%s/u.csv", wh);
    const char *rows = "id,name\n1,a\n2,b\n3,c\n";
    const char *ups = "name,id\nB,2\nc,3\nz,9\n"; /* columns in another order than the table */
    assert_int_equal(floe_test_write_file(a_csv, rows, strlen(rows)), 0);
    assert_int_equal(floe_test_write_file(u_csv, ups, strlen(ups)), 0);
    char *out = NULL;
    assert_int_equal(floe_test_floe(&out, wh, "namespace create db"), 0);
    free(out);
    assert_int_equal(
        floe_test_floe(&out, wh, "table create db.t --schema 'id long not null, name string'"), 0);
    free(out);
    snprintf(args, sizeof args, "table append db.t '%s'", a_csv);
    assert_int_equal(floe_test_floe(&out, wh, "%s", args), 0);
    free(out);
    assert_int_equal(floe_test_floe(&out, wh, "table branch db.t create dev"), 0);
    free(out);

    assert_int_equal(
        floe_test_floe(&out, wh, "table delete db.t --filter 'id = 1' --branch dev --json"), 0);
    json_t *j = json_loads(out, 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "deleted_records")), 1);
    assert_string_equal(json_string_value(json_object_get(j, "branch")), "dev");
    json_decref(j);
    free(out);

    /* a CSV upsert source: 2 changed, 3 unchanged, 9 new */
    snprintf(args, sizeof args, "table upsert db.t '%s' --on id --branch dev --json", u_csv);
    int rc = floe_test_floe(&out, wh, "%s", args);
    if (rc != 0)
        fail_msg("upsert --branch: exit %d: %s", rc, out ? out : "");
    j = json_loads(out, 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "inserted_rows")), 1);
    assert_int_equal(json_integer_value(json_object_get(j, "updated_rows")), 1);
    assert_int_equal(json_integer_value(json_object_get(j, "unchanged_rows")), 1);
    json_decref(j);
    free(out);

    assert_int_equal(
        floe_test_floe(&out, wh, "table scan db.t --ref dev --format csv --filter 'id >= 0'"), 0);
    assert_int_equal(count_lines(out), 1 + 3);
    assert_non_null(strstr(out, "2,B\n"));
    assert_non_null(strstr(out, "9,z\n"));
    assert_null(strstr(out, "1,a\n"));
    free(out);
    assert_int_equal(floe_test_floe(&out, wh, "table scan db.t --format csv"), 0);
    assert_int_equal(count_lines(out), 1 + 3);
    assert_non_null(strstr(out, "1,a\n"));
    assert_non_null(strstr(out, "2,b\n"));
    free(out);

    /* a tag is not a branch: exit 5, nothing changes */
    assert_int_equal(floe_test_floe(&out, wh, "table tag db.t create v1"), 0);
    free(out);
    assert_int_equal(floe_test_floe(&out, wh, "table delete db.t --filter 'id = 2' --branch v1"),
                     5);
    assert_non_null(strstr(out, "tag"));
    free(out);
    snprintf(args, sizeof args, "table upsert db.t '%s' --on id --branch nope", u_csv);
    assert_int_equal(floe_test_floe(&out, wh, "%s", args), 3);
    free(out);
    assert_int_equal(floe_test_floe(&out, wh, "table upsert --help"), 0);
    assert_non_null(strstr(out, "--branch"));
    assert_non_null(strstr(out, "CSV"));
    free(out);
    assert_int_equal(floe_test_floe(&out, wh, "table delete --help"), 0);
    assert_non_null(strstr(out, "--branch"));
    free(out);
    /* compaction of the branch: its 3 files become 1, main keeps its own */
    assert_int_equal(
        floe_test_floe(&out, wh, "table compact db.t --branch dev --min-input-files 2 --json"), 0);
    json_t *cj = json_loads(out, 0, NULL);
    assert_non_null(cj);
    free(out);
    json_decref(cj);
    assert_int_equal(floe_test_floe(&out, wh, "table files db.t --ref dev --json"), 0);
    json_t *files = json_loads(out, 0, NULL);
    assert_int_equal(json_array_size(files), 1);
    json_decref(files);
    free(out);
    assert_int_equal(floe_test_floe(&out, wh, "table compact db.t --branch v1"), 5);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_to_branch_leaves_main_alone),
        cmocka_unit_test(test_stale_handle_retries_on_branch_head),
        cmocka_unit_test(test_unknown_branch_is_not_found),
        cmocka_unit_test(test_cli_append_branch_then_scan_ref),
        cmocka_unit_test(test_delete_and_upsert_on_branch_leave_main_alone),
        cmocka_unit_test(test_cli_delete_and_upsert_csv_on_branch),
        cmocka_unit_test(test_compact_and_rewrite_manifests_on_a_branch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
