/* Table maintenance through the manager API on a temporary warehouse: schema and partition
 * evolution (old files read with the new schema, pruning under each spec, conflict retries),
 * rollback / set-current / branches / tags, snapshot expiration deleting exactly the files no
 * retained snapshot reaches, and orphan file removal (planted orphans, a simulated crash). */
#include "manager_test_util.h"
#include "test_support.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <utime.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/schema.h>
#include <floe/arrow/stream.h>
#include <floe/arrow/value.h>
#include <floe/error.h>
#include <floe/iceberg/schema_update.h>
#include <floe/iceberg/spec_update.h>
#include <floe/iceberg/types.h>
#include <floe/table.h>

#define DAY_US INT64_C(86400000000)

static const char *const REGIONS[] = {"eu", "us", "apac"};

static floe_manager *open_retries(const char *dir, floe_file_io *io, int retries)
{
    floe_manager_options o = FLOE_MANAGER_OPTIONS_INIT;
    o.warehouse = dir;
    o.commit_retries = retries;
    o.retry_base_ms = 1;
    o.file_io = io;
    floe_manager *m = NULL;
    if (floe_manager_open(&m, &o))
        fail_msg("open: %s", floe_error_last());
    return m;
}

static floe_manager *open_with(const char *dir, floe_file_io *io)
{
    return open_retries(dir, io, -1);
}

static floe_table *create(floe_manager *m, const char *schema, const char *partition_by,
                          const char *prop_key, const char *prop_value)
{
    floe_manager_create_namespace(m, "db", NULL, 0);
    floe_table_create_options o = FLOE_TABLE_CREATE_OPTIONS_INIT;
    o.schema_text = schema;
    o.partition_by = partition_by;
    const char *keys[1] = {prop_key}, *vals[1] = {prop_value};
    if (prop_key) {
        o.property_keys = keys;
        o.property_values = vals;
        o.property_count = 1;
    }
    floe_table *t = NULL;
    if (floe_manager_create_table(&t, m, "db.t", &o))
        fail_msg("create: %s", floe_error_last());
    return t;
}

/* Appends rows id = start..start+rows-1 filling each column of the current schema by name and
 * type: id, ts = day (id % 3), strings REGIONS[id % 3], doubles id / 2. */
static int64_t append_rows(floe_table *t, int64_t start, int64_t rows)
{
    struct ArrowSchema schema;
    assert_int_equal(floe_table_arrow_schema(&schema, t), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
    for (int64_t i = start; i < start + rows; i++) {
        for (int64_t c = 0; c < schema.n_children; c++) {
            const char *fmt = schema.children[c]->format;
            const char *name = schema.children[c]->name;
            floe_arrow_builder *cb = floe_arrow_builder_child(b, c);
            int rc;
            if (strncmp(fmt, "ts", 2) == 0)
                rc = floe_arrow_builder_append_int(cb, (i % 3) * DAY_US);
            else if (strcmp(fmt, "u") == 0)
                rc = floe_arrow_builder_append_str(cb, REGIONS[i % 3]);
            else if (strcmp(fmt, "g") == 0)
                rc = floe_arrow_builder_append_double(cb, (double)i / 2);
            else if (strcmp(fmt, "i") == 0 || strcmp(fmt, "l") == 0)
                rc = floe_arrow_builder_append_int(cb, strcmp(name, "id") == 0 ? i : i * 10);
            else
                rc = floe_arrow_builder_append_null(cb);
            assert_int_equal(rc, 0);
        }
    }
    struct ArrowArray arr;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &arr, NULL), 0);
    floe_arrow_builder_free(b);
    struct ArrowArrayStream s;
    assert_int_equal(floe_arrow_stream_from_batches(&s, &schema, &arr, 1), 0);
    floe_write_result res;
    if (floe_table_append(&res, t, &s, NULL))
        fail_msg("append: %s", floe_error_last());
    s.release(&s);
    return res.snapshot_id;
}

/* Scan statistics: rows, sum of `id`, and nulls of column `col` (-1 when absent). */
typedef struct scan_stats {
    int64_t rows, id_sum, col_nulls;
    char names[256];
} scan_stats;

static scan_stats scan(floe_table *t, const char *filter, const char *ref, const char *col)
{
    floe_scan_options o = FLOE_SCAN_OPTIONS_INIT;
    o.filter = filter;
    o.ref = ref;
    struct ArrowArrayStream s;
    if (floe_table_scan(&s, t, &o))
        fail_msg("scan: %s", floe_error_last());
    struct ArrowSchema sc;
    assert_int_equal(s.get_schema(&s, &sc), 0);
    scan_stats st = {0, 0, -1, ""};
    int64_t id_col = -1, null_col = -1;
    for (int64_t c = 0; c < sc.n_children; c++) {
        size_t n = strlen(st.names);
        snprintf(st.names + n, sizeof st.names - n, "%s%s", c ? "," : "", sc.children[c]->name);
        if (strcmp(sc.children[c]->name, "id") == 0)
            id_col = c;
        if (col && strcmp(sc.children[c]->name, col) == 0)
            null_col = c;
    }
    if (null_col >= 0)
        st.col_nulls = 0;
    for (;;) {
        struct ArrowArray a;
        assert_int_equal(floe_arrow_stream_get_next(&s, &a), 0);
        if (!a.release)
            break;
        st.rows += a.length;
        for (int64_t i = 0; i < a.length; i++) {
            if (id_col >= 0)
                st.id_sum += strcmp(sc.children[id_col]->format, "i") == 0
                                 ? floe_arrow_get_int32(a.children[id_col], i)
                                 : floe_arrow_get_int64(a.children[id_col], i);
            if (null_col >= 0 && floe_arrow_is_null(a.children[null_col], i))
                st.col_nulls++;
        }
        a.release(&a);
    }
    sc.release(&sc);
    s.release(&s);
    return st;
}

/* ---- schema evolution ---- */

static int add_widen_rename(floe_schema_update *u, void *ctx)
{
    (void)ctx;
    floe_type *dbl = NULL, *lng = NULL;
    int rc = floe_type_parse(&dbl, "double");
    if (!rc)
        rc = floe_type_parse(&lng, "long");
    if (!rc)
        rc = floe_schema_update_add_column(u, NULL, "score", dbl, NULL);
    if (!rc)
        rc = floe_schema_update_move_after(u, "score", "id");
    if (!rc)
        rc = floe_schema_update_update_column_type(u, "id", lng);
    if (!rc)
        rc = floe_schema_update_rename_column(u, "region", "area");
    floe_type_free(dbl);
    floe_type_free(lng);
    return rc;
}

static int drop_score(floe_schema_update *u, void *ctx)
{
    (void)ctx;
    return floe_schema_update_delete_column(u, "score");
}

static int narrow_id(floe_schema_update *u, void *ctx)
{
    (void)ctx;
    floe_type *ty = NULL;
    int rc = floe_type_parse(&ty, "int");
    if (!rc)
        rc = floe_schema_update_update_column_type(u, "id", ty);
    floe_type_free(ty);
    return rc;
}

static void test_alter_schema_reads_old_and_new_files(void **state)
{
    (void)state;
    floe_manager *m = open_with(floe_test_tmpdir("maint_schema"), NULL);
    floe_table *t = create(m, "id int not null, region string", NULL, NULL, NULL);
    append_rows(t, 0, 3);

    assert_int_equal(floe_table_alter_schema(t, add_widen_rename, NULL, 0), 0);
    scan_stats st = scan(t, NULL, NULL, "score");
    assert_string_equal(st.names, "id,score,area");
    assert_int_equal(st.rows, 3);
    assert_int_equal(st.id_sum, 0 + 1 + 2);
    assert_int_equal(st.col_nulls, 3); /* old files have no score column */

    /* new files carry score and a long id beyond the int range */
    append_rows(t, INT64_C(5000000000), 2);
    st = scan(t, NULL, NULL, "score");
    assert_int_equal(st.rows, 5);
    assert_true(st.id_sum == 3 + INT64_C(5000000000) * 2 + 1);
    assert_int_equal(st.col_nulls, 3);
    st = scan(t, "area = 'us'", NULL, NULL);
    assert_int_equal(st.rows, 1); /* id 1 (old file, read through the renamed column) */

    /* a narrowing change is refused and leaves the table as it was */
    char *before = strdup(floe_table_metadata_file(t));
    assert_int_equal(floe_table_alter_schema(t, narrow_id, NULL, 0), FLOE_ESCHEMA);
    assert_string_equal(before, floe_table_metadata_file(t));
    free(before);

    assert_int_equal(floe_table_alter_schema(t, drop_score, NULL, 0), 0);
    st = scan(t, NULL, NULL, "score");
    assert_string_equal(st.names, "id,area");
    assert_int_equal(st.rows, 5);
    assert_int_equal(st.col_nulls, -1);
    floe_table_free(t);
    floe_manager_free(m);
}

static int add_note(floe_schema_update *u, void *ctx)
{
    floe_type *ty = NULL;
    int rc = floe_type_parse(&ty, "string");
    if (!rc)
        rc = floe_schema_update_add_column(u, NULL, (const char *)ctx, ty, NULL);
    floe_type_free(ty);
    return rc;
}

static void test_alter_schema_retries_on_conflict_by_reapplying(void **state)
{
    (void)state;
    floe_manager *m = open_with(floe_test_tmpdir("maint_conflict"), NULL);
    floe_table *t = create(m, "id long not null", NULL, NULL, NULL);
    floe_table *stale = NULL;
    assert_int_equal(floe_manager_load_table(&stale, m, "db.t"), 0);
    assert_int_equal(floe_table_alter_schema(t, add_note, "a", 0), 0);
    /* `stale` still has the old schema: its commit conflicts, is refreshed and re-applied */
    assert_int_equal(floe_table_alter_schema(stale, add_note, "b", 0), 0);
    assert_int_equal(floe_table_refresh(t), 0);
    scan_stats st = scan(t, NULL, NULL, NULL);
    assert_string_equal(st.names, "id,a,b");
    floe_table_free(stale);
    floe_table_free(t);
    floe_manager_free(m);
}

/* ---- partition evolution ---- */

static int day_instead_of_region(floe_spec_update *u, void *ctx)
{
    (void)ctx;
    int rc = floe_spec_update_add_field(u, "ts", "day", NULL);
    if (!rc)
        rc = floe_spec_update_remove_field(u, "region");
    return rc;
}

static int add_bucket_on(floe_spec_update *u, void *ctx)
{
    return floe_spec_update_add_field(u, (const char *)ctx, "bucket[4]", NULL);
}

static size_t plan_count(floe_table *t, const char *filter, const char *partition_prefix)
{
    floe_scan_options o = FLOE_SCAN_OPTIONS_INIT;
    o.filter = filter;
    floe_scan_plan *p = NULL;
    if (floe_table_plan(&p, t, &o))
        fail_msg("plan: %s", floe_error_last());
    size_t n = 0;
    for (size_t i = 0; i < p->task_count; i++)
        if (!partition_prefix ||
            strncmp(p->tasks[i].partition, partition_prefix, strlen(partition_prefix)) == 0)
            n++;
    floe_scan_plan_free(p);
    return n;
}

static void test_partition_evolution_prunes_under_each_spec(void **state)
{
    (void)state;
    floe_manager *m = open_with(floe_test_tmpdir("maint_spec"), NULL);
    floe_table *t =
        create(m, "id long not null, ts timestamptz, region string", "region", NULL, NULL);
    append_rows(t, 0, 6); /* 3 files: region=eu/us/apac */
    assert_int_equal(plan_count(t, NULL, "region="), 3);

    assert_int_equal(floe_table_alter_partition(t, day_instead_of_region, NULL), 0);
    append_rows(t, 100, 6); /* 3 files: ts_day=1970-01-01/02/03 */
    assert_int_equal(plan_count(t, NULL, "ts_day="), 3);
    assert_int_equal(plan_count(t, NULL, "region="), 3);
    assert_int_equal(plan_count(t, NULL, NULL), 6);

    /* region filter: old files pruned by their region partition; new files have no region
     * partition and are pruned by column metrics only (each holds one region) */
    assert_int_equal(plan_count(t, "region = 'eu'", "region="), 1);
    assert_int_equal(plan_count(t, "region = 'eu'", "ts_day="), 1);
    /* ts filter: new files pruned by day */
    assert_int_equal(plan_count(t, "ts < '1970-01-02T00:00:00+00:00'", "ts_day="), 1);

    scan_stats st = scan(t, NULL, NULL, NULL);
    assert_int_equal(st.rows, 12);
    st = scan(t, "region = 'eu'", NULL, NULL);
    assert_int_equal(st.rows, 4); /* ids 0, 3, 102, 105 */
    assert_int_equal(st.id_sum, 0 + 3 + 102 + 105);

    /* an unknown source column is refused and changes nothing */
    char *md = strdup(floe_table_metadata_file(t));
    assert_int_equal(floe_table_alter_partition(t, add_bucket_on, "nope"), FLOE_ENOTFOUND);
    assert_string_equal(md, floe_table_metadata_file(t));
    free(md);

    /* a stale handle's partition change conflicts, is re-applied on the refreshed spec */
    floe_table *stale = NULL;
    assert_int_equal(floe_manager_load_table(&stale, m, "db.t"), 0);
    assert_int_equal(floe_table_alter_partition(t, add_bucket_on, "id"), 0);
    assert_int_equal(floe_table_alter_partition(stale, add_bucket_on, "region"), 0);
    append_rows(stale, 200, 1);
    assert_int_equal(plan_count(stale, "id = 200", NULL), 1);
    floe_scan_plan *p = NULL;
    floe_scan_options so = FLOE_SCAN_OPTIONS_INIT;
    so.filter = "id = 200";
    assert_int_equal(floe_table_plan(&p, stale, &so), 0);
    assert_non_null(strstr(p->tasks[0].partition, "id_bucket_4="));
    assert_non_null(strstr(p->tasks[0].partition, "region_bucket_4="));
    floe_scan_plan_free(p);
    floe_table_free(stale);
    floe_table_free(t);
    floe_manager_free(m);
}

/* ---- rollback, set current, branches, tags ---- */

static int64_t snapshot_ts(floe_table *t, int64_t id)
{
    json_t *snaps = NULL;
    assert_int_equal(floe_table_snapshots(&snaps, t), 0);
    int64_t ts = -1;
    size_t i;
    json_t *s;
    json_array_foreach(snaps, i, s)
    {
        if ((int64_t)json_integer_value(json_object_get(s, "snapshot-id")) == id)
            ts = (int64_t)json_integer_value(json_object_get(s, "timestamp-ms"));
    }
    json_decref(snaps);
    return ts;
}

static void test_rollback_branches_and_tags(void **state)
{
    (void)state;
    floe_manager *m = open_with(floe_test_tmpdir("maint_refs"), NULL);
    floe_table *t = create(m, "id long not null", NULL, NULL, NULL);
    int64_t s1 = append_rows(t, 0, 1);
    struct timespec pause = {0, 5 * 1000 * 1000};
    nanosleep(&pause, NULL);
    int64_t s2 = append_rows(t, 1, 1);
    nanosleep(&pause, NULL);
    int64_t s3 = append_rows(t, 2, 1);

    assert_int_equal(floe_table_manage_ref(t, FLOE_REF_CREATE, 1, "v1", s1), 0);
    assert_int_equal(floe_table_manage_ref(t, FLOE_REF_CREATE, 0, "dev", -1), 0);
    assert_int_equal(floe_table_manage_ref(t, FLOE_REF_CREATE, 1, "v1", s2), FLOE_EEXISTS);
    assert_int_equal(floe_table_manage_ref(t, FLOE_REF_DROP, 0, "main", -1), FLOE_EINVALID);
    assert_int_equal(floe_table_manage_ref(t, FLOE_REF_DROP, 1, "dev", -1), FLOE_EINVALID);
    assert_int_equal(scan(t, NULL, "v1", NULL).rows, 1);
    assert_int_equal(scan(t, NULL, "dev", NULL).rows, 3);
    assert_int_equal(floe_table_manage_ref(t, FLOE_REF_REPLACE, 0, "dev", s2), 0);
    assert_int_equal(scan(t, NULL, "dev", NULL).rows, 2);
    assert_int_equal(floe_table_manage_ref(t, FLOE_REF_REPLACE, 1, "v1", s3), 0);
    assert_int_equal(scan(t, NULL, "v1", NULL).rows, 3);

    assert_int_equal(floe_table_rollback_to_snapshot(t, s1), 0);
    assert_true(floe_table_current_snapshot_id(t) == s1);
    assert_int_equal(scan(t, NULL, NULL, NULL).rows, 1);
    /* s3 is not an ancestor of s1: rollback refuses, set-current accepts */
    assert_int_equal(floe_table_rollback_to_snapshot(t, s3), FLOE_EINVALID);
    assert_int_equal(floe_table_rollback_to_snapshot(t, 42), FLOE_ENOTFOUND);
    assert_int_equal(floe_table_set_current_snapshot(t, s3), 0);
    assert_int_equal(scan(t, NULL, NULL, NULL).rows, 3);
    assert_int_equal(floe_table_rollback_to_time(t, snapshot_ts(t, s2)), 0);
    assert_true(floe_table_current_snapshot_id(t) == s2);
    assert_int_equal(floe_table_rollback_to_time(t, snapshot_ts(t, s1) - 1000), FLOE_ENOTFOUND);

    assert_int_equal(floe_table_manage_ref(t, FLOE_REF_DROP, 0, "dev", -1), 0);
    assert_int_equal(floe_table_manage_ref(t, FLOE_REF_DROP, 1, "v1", -1), 0);
    assert_int_equal(floe_table_manage_ref(t, FLOE_REF_DROP, 1, "v1", -1), FLOE_ENOTFOUND);
    floe_table_free(t);
    floe_manager_free(m);
}

/* ---- files on disk ---- */

typedef struct file_list {
    char **v;
    size_t n;
} file_list;

static int collect(const floe_file_info *info, void *ctx)
{
    file_list *l = ctx;
    l->v = realloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n++] = strdup(info->location);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static file_list list_files(floe_file_io *io, const char *dir)
{
    file_list l = {NULL, 0};
    char prefix[4096];
    snprintf(prefix, sizeof prefix, "%s/", dir);
    assert_int_equal(io->list(io, prefix, collect, &l), 0);
    if (l.n)
        qsort(l.v, l.n, sizeof *l.v, cmp_str);
    return l;
}

static int in_list(const file_list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return 1;
    return 0;
}

static void list_free(file_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void age_file(const char *path, int64_t seconds)
{
    struct utimbuf ut;
    ut.actime = ut.modtime = time(NULL) - (time_t)seconds;
    assert_int_equal(utime(path, &ut), 0);
}

/* DuckDB reads every data file of the current snapshot with read_parquet; returns the sum of
 * their row counts (or -1 when interop is unavailable). */
static int64_t duckdb_rows(floe_table *t)
{
    if (!floe_test_interop_available()) {
        if (floe_test_interop_required())
            fail_msg("FLOE_REQUIRE_INTEROP=1 but node or tests/interop/node_modules is missing");
        return -1;
    }
    char cmd[32768];
    const char *dir = getenv("FLOE_INTEROP_DIR");
    const char *node = getenv("NODE");
    /* the file list goes in as an argument, '|' separated, without shell quoting issues */
    char arg[16384] = "";
    floe_scan_plan *p2 = NULL;
    assert_int_equal(floe_table_plan(&p2, t, NULL), 0);
    for (size_t i = 0; i < p2->task_count; i++) {
        size_t n = strlen(arg);
        snprintf(arg + n, sizeof arg - n, "%s%s", i ? "|" : "", p2->tasks[i].path);
    }
    floe_scan_plan_free(p2);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && '%s' --input-type=module -e '"
             "import { DuckDBInstance } from \"@duckdb/node-api\";"
             "const db = await DuckDBInstance.create(\":memory:\");"
             "const c = await db.connect();"
             "const files = process.argv[1].split(\"|\").map((f) => String.fromCharCode(39) + f + "
             "String.fromCharCode(39)).join(\",\");"
             "const r = await c.runAndReadAll(\"select count(*)::INTEGER from read_parquet([\" + "
             "files + \"])\");"
             "console.log(r.getRows()[0][0]);' '%s'",
             dir, node ? node : "node", arg);
    char *out = NULL;
    int rc = floe_test_run(cmd, 1, &out);
    if (rc)
        fail_msg("duckdb: %s", out ? out : "");
    int64_t n = strtoll(out, NULL, 10);
    free(out);
    return n;
}

/* ---- expiration ---- */

static void test_expire_deletes_exactly_unreachable_files(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("maint_expire");
    floe_file_io *io = NULL;
    assert_int_equal(floe_posix_file_io_new(&io), 0);
    floe_manager *m = open_with(dir, NULL);
    floe_table *t = create(m, "id long not null, region string", "region", NULL, NULL);
    int64_t s1 = append_rows(t, 0, 3);
    int64_t s2 = append_rows(t, 3, 3);
    struct ArrowArrayStream empty;
    {
        /* overwrite region = 'eu': s1's and s2's eu files leave the current snapshot */
        struct ArrowSchema sc;
        assert_int_equal(floe_table_arrow_schema(&sc, t), 0);
        assert_int_equal(floe_arrow_stream_from_batches(&empty, &sc, NULL, 0), 0);
        assert_int_equal(floe_table_overwrite(NULL, t, &empty, "region = 'eu'", NULL), 0);
        empty.release(&empty);
    }
    int64_t s3 = floe_table_current_snapshot_id(t);
    assert_int_equal(scan(t, NULL, NULL, NULL).rows, 4);

    file_list before = list_files(io, floe_table_location(t));
    floe_expire_snapshots_options o = FLOE_EXPIRE_SNAPSHOTS_OPTIONS_INIT;
    o.older_than_ms = snapshot_ts(t, s3) + 1;
    o.retain_last = 1;
    o.dry_run = 1;
    floe_maintenance_result *dry = NULL;
    assert_int_equal(floe_table_expire_snapshots(&dry, t, &o), 0);
    assert_true(dry->dry_run);
    assert_int_equal(dry->snapshot_count, 2);
    assert_true((dry->snapshot_ids[0] == s1 && dry->snapshot_ids[1] == s2) ||
                (dry->snapshot_ids[0] == s2 && dry->snapshot_ids[1] == s1));
    /* 2 manifest lists, 2 manifests (s1's and s2's appends), 2 eu data files */
    size_t parquet = 0;
    for (size_t i = 0; i < dry->file_count; i++)
        parquet += strstr(dry->files[i], ".parquet") != NULL;
    assert_int_equal(parquet, 2);
    assert_int_equal(dry->file_count, 6);
    file_list still = list_files(io, floe_table_location(t));
    assert_int_equal(still.n, before.n); /* the dry run deleted nothing */
    list_free(&still);
    assert_true(floe_table_current_snapshot_id(t) == s3);

    o.dry_run = 0;
    floe_maintenance_result *r = NULL;
    assert_int_equal(floe_table_expire_snapshots(&r, t, &o), 0);
    assert_int_equal(r->snapshot_count, 2);
    assert_int_equal(r->file_count, dry->file_count);
    assert_int_equal(r->failed_count, 0);
    for (size_t i = 0; i < r->file_count; i++) {
        assert_string_equal(r->files[i], dry->files[i]);
        assert_false(file_exists(r->files[i]));
    }
    /* every other file is still there, and only one metadata file was added */
    file_list after = list_files(io, floe_table_location(t));
    for (size_t i = 0; i < before.n; i++) {
        int deleted = 0;
        for (size_t k = 0; k < r->file_count; k++)
            deleted |= strcmp(before.v[i], r->files[k]) == 0;
        assert_int_equal(in_list(&after, before.v[i]), !deleted);
    }
    assert_int_equal(after.n, before.n - r->file_count + 1);
    list_free(&after);
    list_free(&before);

    json_t *snaps = NULL;
    assert_int_equal(floe_table_snapshots(&snaps, t), 0);
    assert_int_equal(json_array_size(snaps), 1);
    json_decref(snaps);
    scan_stats st = scan(t, NULL, NULL, NULL);
    assert_int_equal(st.rows, 4);
    assert_int_equal(st.id_sum, 1 + 2 + 4 + 5);
    int64_t dn = duckdb_rows(t);
    if (dn >= 0)
        assert_int_equal(dn, 4);

    /* nothing left to expire: an empty result, no commit */
    floe_maintenance_result *again = NULL;
    char *md_before = strdup(floe_table_metadata_file(t));
    assert_int_equal(floe_table_expire_snapshots(&again, t, &o), 0);
    assert_int_equal(again->snapshot_count, 0);
    assert_int_equal(again->file_count, 0);
    assert_string_equal(md_before, floe_table_metadata_file(t));
    free(md_before);
    floe_maintenance_result_free(again);
    floe_maintenance_result_free(r);
    floe_maintenance_result_free(dry);
    floe_table_free(t);
    floe_manager_free(m);
    io->free(io);
}

static void test_expire_keeps_tagged_and_honours_table_properties(void **state)
{
    (void)state;
    floe_manager *m = open_with(floe_test_tmpdir("maint_expire_props"), NULL);
    floe_table *t =
        create(m, "id long not null", NULL, "history.expire.min-snapshots-to-keep", "2");
    int64_t s1 = append_rows(t, 0, 1);
    append_rows(t, 1, 1);
    append_rows(t, 2, 1);
    int64_t s4 = append_rows(t, 3, 1);
    assert_int_equal(floe_table_manage_ref(t, FLOE_REF_CREATE, 1, "first", s1), 0);
    floe_expire_snapshots_options o = FLOE_EXPIRE_SNAPSHOTS_OPTIONS_INIT;
    o.older_than_ms = snapshot_ts(t, s4) + 1;
    floe_maintenance_result *r = NULL;
    assert_int_equal(floe_table_expire_snapshots(&r, t, &o), 0);
    /* min-snapshots-to-keep 2 keeps s3, s4; the tag keeps s1; s2 goes */
    assert_int_equal(r->snapshot_count, 1);
    floe_maintenance_result_free(r);
    json_t *snaps = NULL;
    assert_int_equal(floe_table_snapshots(&snaps, t), 0);
    assert_int_equal(json_array_size(snaps), 3);
    json_decref(snaps);
    assert_int_equal(scan(t, NULL, "first", NULL).rows, 1);
    assert_int_equal(scan(t, NULL, NULL, NULL).rows, 4);
    /* defaults (5 days) expire nothing this young */
    assert_int_equal(floe_table_expire_snapshots(&r, t, NULL), 0);
    assert_int_equal(r->snapshot_count, 0);
    floe_maintenance_result_free(r);
    o.retain_last = 0;
    assert_int_equal(floe_table_expire_snapshots(&r, t, &o), FLOE_EINVALID);
    floe_table_free(t);
    floe_manager_free(m);
}

/* ---- a FileIO that fails chosen writes and, to simulate a crash, every delete ---- */

typedef struct crashy {
    floe_mtest_io_wrap w;    /* first: io.state points here */
    const char *fail_create; /* creating a location containing this fails (NULL: none) */
    int fail_removes;        /* remove fails (the process "died" before cleaning up) */
    int removes;             /* removes attempted */
} crashy;

static int cr_create(floe_output_file **out, floe_file_io *io, const char *location,
                     floe_create_mode mode)
{
    crashy *c = io->state;
    if (c->fail_create && strstr(location, c->fail_create))
        return floe_error_set(FLOE_EIO, "injected failure writing '%s'", location);
    return c->w.inner->create(out, c->w.inner, location, mode);
}

static int cr_remove(floe_file_io *io, const char *location)
{
    crashy *c = io->state;
    c->removes++;
    if (c->fail_removes)
        return floe_error_set(FLOE_EIO, "injected failure deleting '%s'", location);
    return c->w.inner->remove(c->w.inner, location);
}

static void crashy_init(crashy *c, floe_file_io *inner)
{
    memset(c, 0, sizeof *c);
    floe_mtest_io_wrap_init(&c->w, inner);
    c->w.io.create = cr_create;
    c->w.io.remove = cr_remove;
}

static void test_expire_failed_commit_deletes_nothing(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("maint_expire_fail");
    floe_file_io *posix = NULL;
    assert_int_equal(floe_posix_file_io_new(&posix), 0);
    crashy c;
    crashy_init(&c, posix);
    floe_manager *m = open_retries(dir, &c.w.io, 0);
    floe_table *t = create(m, "id long not null", NULL, NULL, NULL);
    append_rows(t, 0, 1);
    int64_t s2 = append_rows(t, 1, 1);
    floe_table *other = NULL;
    assert_int_equal(floe_manager_load_table(&other, m, "db.t"), 0);
    append_rows(other, 2, 1); /* moves main under `t`: t's expire commit conflicts */
    file_list before = list_files(posix, floe_table_location(t));
    floe_expire_snapshots_options o = FLOE_EXPIRE_SNAPSHOTS_OPTIONS_INIT;
    o.older_than_ms = snapshot_ts(t, s2) + 1;
    floe_maintenance_result *r = NULL;
    assert_int_equal(floe_table_expire_snapshots(&r, t, &o), FLOE_ECONFLICT);
    assert_null(r);
    assert_int_equal(c.removes, 0);
    file_list after = list_files(posix, floe_table_location(t));
    assert_int_equal(after.n, before.n);
    list_free(&after);
    list_free(&before);
    /* with the conflict resolved the same expiration goes through */
    assert_int_equal(floe_table_refresh(t), 0);
    assert_int_equal(floe_table_expire_snapshots(&r, t, &o), 0);
    assert_int_equal(r->snapshot_count, 2);
    assert_true(c.removes > 0);
    floe_maintenance_result_free(r);
    assert_int_equal(scan(t, NULL, NULL, NULL).rows, 3);
    floe_table_free(other);
    floe_table_free(t);
    floe_manager_free(m);
    posix->free(posix);
}

/* ---- orphan files ---- */

static void test_remove_orphans_keeps_referenced_and_fresh_files(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("maint_orphans");
    floe_file_io *io = NULL;
    assert_int_equal(floe_posix_file_io_new(&io), 0);
    floe_manager *m = open_with(dir, NULL);
    floe_table *t = create(m, "id long not null, region string", "region", NULL, NULL);
    append_rows(t, 0, 3);
    append_rows(t, 3, 3);
    file_list referenced = list_files(io, floe_table_location(t));
    /* age every real file so that only the reference check protects them */
    for (size_t i = 0; i < referenced.n; i++)
        age_file(referenced.v[i], 10 * 86400);

    char old_orphan[4096], fresh_orphan[4096], nested_orphan[4096], hint[4096];
    snprintf(old_orphan, sizeof old_orphan, "%s/data/old-orphan.parquet", floe_table_location(t));
    snprintf(fresh_orphan, sizeof fresh_orphan, "%s/data/fresh-orphan.parquet",
             floe_table_location(t));
    snprintf(nested_orphan, sizeof nested_orphan, "%s/data/region=eu/stray.parquet",
             floe_table_location(t));
    snprintf(hint, sizeof hint, "%s/metadata/version-hint.text", floe_table_location(t));
    assert_int_equal(floe_test_write_file(old_orphan, "x", 1), 0);
    assert_int_equal(floe_test_write_file(fresh_orphan, "y", 1), 0);
    assert_int_equal(floe_test_write_file(nested_orphan, "z", 1), 0);
    assert_int_equal(floe_test_write_file(hint, "2", 1), 0);
    age_file(old_orphan, 4 * 86400);
    age_file(nested_orphan, 4 * 86400);
    age_file(hint, 4 * 86400);

    floe_remove_orphans_options o = FLOE_REMOVE_ORPHANS_OPTIONS_INIT;
    o.dry_run = 1;
    floe_maintenance_result *r = NULL;
    assert_int_equal(floe_table_remove_orphan_files(&r, t, &o), 0);
    assert_int_equal(r->file_count, 2);
    assert_true(strcmp(r->files[0], old_orphan) == 0 || strcmp(r->files[1], old_orphan) == 0);
    assert_true(strcmp(r->files[0], nested_orphan) == 0 || strcmp(r->files[1], nested_orphan) == 0);
    assert_true(file_exists(old_orphan) && file_exists(nested_orphan));
    floe_maintenance_result_free(r);

    o.dry_run = 0;
    assert_int_equal(floe_table_remove_orphan_files(&r, t, &o), 0);
    assert_int_equal(r->file_count, 2);
    assert_int_equal(r->failed_count, 0);
    floe_maintenance_result_free(r);
    assert_false(file_exists(old_orphan));
    assert_false(file_exists(nested_orphan));
    assert_true(file_exists(fresh_orphan));
    assert_true(file_exists(hint));
    for (size_t i = 0; i < referenced.n; i++)
        assert_true(file_exists(referenced.v[i]));
    list_free(&referenced);
    assert_int_equal(scan(t, NULL, NULL, NULL).rows, 6);

    /* a cutoff in the future also takes the fresh orphan, never a referenced file */
    o.older_than_ms = (int64_t)time(NULL) * 1000 + 60000;
    assert_int_equal(floe_table_remove_orphan_files(&r, t, &o), 0);
    assert_int_equal(r->file_count, 1);
    assert_string_equal(r->files[0], fresh_orphan);
    floe_maintenance_result_free(r);
    assert_int_equal(scan(t, NULL, NULL, NULL).rows, 6);
    int64_t dn = duckdb_rows(t);
    if (dn >= 0)
        assert_int_equal(dn, 6);
    floe_table_free(t);
    floe_manager_free(m);
    io->free(io);
}

static void test_crashed_write_leaves_orphans_that_remove_orphans_finds(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("maint_crash");
    floe_file_io *posix = NULL;
    assert_int_equal(floe_posix_file_io_new(&posix), 0);
    crashy c;
    crashy_init(&c, posix);
    floe_manager *m = open_with(dir, &c.w.io);
    floe_table *t = create(m, "id long not null, region string", NULL, NULL, NULL);
    append_rows(t, 0, 3);
    file_list good = list_files(posix, floe_table_location(t));

    /* the manifest list write fails after the data files and the manifest were written, and
     * the cleanup never happens: what a crash before the commit leaves */
    c.fail_create = "snap-";
    c.fail_removes = 1;
    struct ArrowSchema sc;
    assert_int_equal(floe_table_arrow_schema(&sc, t), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &sc), 0);
    assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), 99), 0);
    assert_int_equal(floe_arrow_builder_append_str(floe_arrow_builder_child(b, 1), "eu"), 0);
    struct ArrowArray arr;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &arr, NULL), 0);
    floe_arrow_builder_free(b);
    struct ArrowArrayStream s;
    assert_int_equal(floe_arrow_stream_from_batches(&s, &sc, &arr, 1), 0);
    assert_int_not_equal(floe_table_append(NULL, t, &s, NULL), 0);
    s.release(&s);
    c.fail_create = NULL;
    c.fail_removes = 0;
    assert_int_equal(floe_table_refresh(t), 0);
    assert_int_equal(scan(t, NULL, NULL, NULL).rows, 3);

    file_list all = list_files(posix, floe_table_location(t));
    assert_true(all.n > good.n);
    size_t leftover_parquet = 0;
    for (size_t i = 0; i < all.n; i++)
        if (!in_list(&good, all.v[i]) && strstr(all.v[i], ".parquet"))
            leftover_parquet++;
    assert_true(leftover_parquet >= 1);

    /* just written: the default 3-day cutoff keeps them; a cutoff past now finds exactly them */
    floe_maintenance_result *r = NULL;
    assert_int_equal(floe_table_remove_orphan_files(&r, t, NULL), 0);
    assert_int_equal(r->file_count, 0);
    floe_maintenance_result_free(r);
    floe_remove_orphans_options o = FLOE_REMOVE_ORPHANS_OPTIONS_INIT;
    o.older_than_ms = (int64_t)time(NULL) * 1000 + 60000;
    assert_int_equal(floe_table_remove_orphan_files(&r, t, &o), 0);
    assert_int_equal(r->file_count, all.n - good.n);
    for (size_t i = 0; i < r->file_count; i++) {
        assert_false(in_list(&good, r->files[i]));
        assert_false(file_exists(r->files[i]));
    }
    floe_maintenance_result_free(r);
    file_list end = list_files(posix, floe_table_location(t));
    assert_int_equal(end.n, good.n);
    list_free(&end);
    list_free(&all);
    list_free(&good);
    assert_int_equal(scan(t, NULL, NULL, NULL).rows, 3);
    floe_table_free(t);
    floe_manager_free(m);
    posix->free(posix);
}

static void test_gc_disabled_table_refuses_deletes_but_dry_runs_list(void **state)
{
    (void)state;
    floe_manager *m = open_with(floe_test_tmpdir("maint_gc_off"), NULL);
    floe_table *t = create(m, "id long not null", NULL, "gc.enabled", "false");
    append_rows(t, 0, 1);
    int64_t s2 = append_rows(t, 1, 1);
    floe_expire_snapshots_options o = FLOE_EXPIRE_SNAPSHOTS_OPTIONS_INIT;
    o.older_than_ms = snapshot_ts(t, s2) + 1;
    floe_maintenance_result *r = NULL;
    assert_int_equal(floe_table_expire_snapshots(&r, t, &o), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "gc.enabled"));
    o.dry_run = 1;
    assert_int_equal(floe_table_expire_snapshots(&r, t, &o), 0);
    assert_int_equal(r->snapshot_count, 1);
    floe_maintenance_result_free(r);
    assert_int_equal(floe_table_remove_orphan_files(&r, t, NULL), FLOE_EINVALID);
    json_t *snaps = NULL;
    assert_int_equal(floe_table_snapshots(&snaps, t), 0);
    assert_int_equal(json_array_size(snaps), 2);
    json_decref(snaps);
    floe_table_free(t);
    floe_manager_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alter_schema_reads_old_and_new_files),
        cmocka_unit_test(test_alter_schema_retries_on_conflict_by_reapplying),
        cmocka_unit_test(test_partition_evolution_prunes_under_each_spec),
        cmocka_unit_test(test_rollback_branches_and_tags),
        cmocka_unit_test(test_expire_deletes_exactly_unreachable_files),
        cmocka_unit_test(test_expire_keeps_tagged_and_honours_table_properties),
        cmocka_unit_test(test_expire_failed_commit_deletes_nothing),
        cmocka_unit_test(test_remove_orphans_keeps_referenced_and_fresh_files),
        cmocka_unit_test(test_crashed_write_leaves_orphans_that_remove_orphans_finds),
        cmocka_unit_test(test_gc_disabled_table_refuses_deletes_but_dry_runs_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
