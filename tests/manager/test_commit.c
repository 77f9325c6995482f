/* Commits: a stale writer retries on the refreshed table reusing its data files, two
 * processes appending 50 times each lose no commit, and a FileIO failing its Nth write leaves
 * the table at its previous snapshot and readable (seed 001 US5 commit retry, US7). */
#include "manager_test_util.h"
#include "test_support.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/stream.h>
#include <floe/arrow/value.h>
#include <floe/error.h>
#include <floe/io.h>
#include <floe/table.h>

static void one_batch(struct ArrowArrayStream *s, floe_table *t, int64_t start, int64_t n)
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
    assert_int_equal(floe_arrow_stream_from_batches(s, &schema, &a, 1), 0);
}

static int64_t count(floe_table *t, int64_t *sum)
{
    struct ArrowArrayStream s;
    assert_int_equal(floe_table_scan(&s, t, NULL), 0);
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

static floe_manager *open_at(const char *dir, floe_file_io *io, int retries)
{
    floe_manager_options o = FLOE_MANAGER_OPTIONS_INIT;
    o.warehouse = dir;
    o.file_io = io;
    o.commit_retries = retries;
    o.retry_base_ms = 2;
    floe_manager *m = NULL;
    if (floe_manager_open(&m, &o))
        fail_msg("open: %s", floe_error_last());
    return m;
}

static void create(const char *dir, const char *partition_by)
{
    floe_manager *m = open_at(dir, NULL, -1);
    assert_int_equal(floe_manager_create_namespace(m, "db", NULL, 0), 0);
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id long not null, part string";
    co.partition_by = partition_by;
    assert_int_equal(floe_manager_create_table(NULL, m, "db.t", &co), 0);
    floe_manager_free(m);
}

static void test_stale_writer_retries_on_refreshed_table_US5(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("commit_stale");
    create(dir, "part");
    floe_manager *m = open_at(dir, NULL, -1);
    floe_table *t1 = NULL, *t2 = NULL;
    assert_int_equal(floe_manager_load_table(&t1, m, "db.t"), 0);
    assert_int_equal(floe_manager_load_table(&t2, m, "db.t"), 0);
    struct ArrowArrayStream s;
    floe_write_result r1, r2;
    one_batch(&s, t1, 0, 10);
    assert_int_equal(floe_table_append(&r1, t1, &s, NULL), 0);
    s.release(&s);
    assert_int_equal(r1.attempts, 1);
    one_batch(&s, t2, 10, 10); /* t2 still sees the empty table */
    assert_int_equal(floe_table_append(&r2, t2, &s, NULL), 0);
    s.release(&s);
    assert_int_equal(r2.attempts, 2);
    int64_t sum = 0;
    assert_int_equal(count(t2, &sum), 20);
    assert_int_equal(sum, 190);
    json_t *snaps = NULL;
    assert_int_equal(floe_table_snapshots(&snaps, t2), 0);
    assert_int_equal(json_array_size(snaps), 2);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(snaps, 1), "parent-snapshot-id")),
        r1.snapshot_id);
    const char *total = json_string_value(
        json_object_get(json_object_get(json_array_get(snaps, 1), "summary"), "total-records"));
    assert_string_equal(total, "20");
    json_decref(snaps);

    /* with retries off, the stale writer gets the conflict */
    floe_manager *m0 = open_at(dir, NULL, 0);
    floe_table *a = NULL, *b = NULL;
    assert_int_equal(floe_manager_load_table(&a, m0, "db.t"), 0);
    assert_int_equal(floe_manager_load_table(&b, m0, "db.t"), 0);
    one_batch(&s, a, 100, 1);
    assert_int_equal(floe_table_append(NULL, a, &s, NULL), 0);
    s.release(&s);
    one_batch(&s, b, 200, 1);
    assert_int_equal(floe_table_append(NULL, b, &s, NULL), FLOE_ECONFLICT);
    s.release(&s);
    assert_int_equal(floe_table_refresh(b), 0);
    assert_int_equal(count(b, NULL), 21);
    floe_table_free(a);
    floe_table_free(b);
    floe_manager_free(m0);
    floe_table_free(t1);
    floe_table_free(t2);
    floe_manager_free(m);
}

static void test_two_processes_append_50_times_each_US5(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("commit_procs");
    create(dir, NULL);
    pid_t pids[2];
    for (int p = 0; p < 2; p++) {
        pids[p] = fork();
        assert_true(pids[p] >= 0);
        if (pids[p] == 0) {
            floe_manager *m = NULL;
            floe_manager_options o = FLOE_MANAGER_OPTIONS_INIT;
            o.warehouse = dir;
            o.commit_retries = 100;
            o.retry_base_ms = 1;
            floe_table *t = NULL;
            int ok = floe_manager_open(&m, &o) == 0 && floe_manager_load_table(&t, m, "db.t") == 0;
            for (int i = 0; ok && i < 50; i++) {
                struct ArrowArrayStream s;
                one_batch(&s, t, p * 1000 + i, 1);
                if (floe_table_append(NULL, t, &s, NULL)) {
                    fprintf(stderr, "child %d append %d: %s\n", p, i, floe_error_last());
                    ok = 0;
                }
                s.release(&s);
            }
            floe_table_free(t);
            floe_manager_free(m);
            _exit(ok ? 0 : 1);
        }
    }
    for (int p = 0; p < 2; p++) {
        int st = 0;
        assert_int_equal(waitpid(pids[p], &st, 0), pids[p]);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
    }
    floe_manager *m = open_at(dir, NULL, -1);
    floe_table *t = NULL;
    assert_int_equal(floe_manager_load_table(&t, m, "db.t"), 0);
    int64_t sum = 0;
    assert_int_equal(count(t, &sum), 100);
    assert_int_equal(sum, 49 * 50 / 2 + 1000 * 50 + 49 * 50 / 2);
    json_t *snaps = NULL;
    assert_int_equal(floe_table_snapshots(&snaps, t), 0);
    assert_int_equal(json_array_size(snaps), 100);
    json_decref(snaps);
    floe_table_free(t);
    floe_manager_free(m);
}

/* ---- a FileIO that fails its Nth write ---- */

typedef struct faulty {
    floe_mtest_io_wrap w; /* first: io.state points here */
    long countdown;       /* writes until the failure; <= 0: never */
} faulty;

typedef struct faulty_out {
    floe_output_file f;
    floe_output_file *inner;
    faulty *owner;
} faulty_out;

static int fo_write(floe_output_file *f, const void *data, size_t len)
{
    faulty_out *o = f->state;
    if (o->owner->countdown > 0 && --o->owner->countdown == 0)
        return floe_error_set(FLOE_EIO, "injected write failure on '%s'", f->location);
    return floe_output_write(o->inner, data, len);
}

static int fo_commit(floe_output_file *f)
{
    faulty_out *o = f->state;
    int rc = floe_output_commit(o->inner);
    free(o);
    return rc;
}

static void fo_abort(floe_output_file *f)
{
    faulty_out *o = f->state;
    floe_output_abort(o->inner);
    free(o);
}

static int fi_create(floe_output_file **out, floe_file_io *io, const char *location,
                     floe_create_mode mode)
{
    faulty *fi = io->state;
    floe_output_file *inner = NULL;
    int rc = fi->w.inner->create(&inner, fi->w.inner, location, mode);
    if (rc)
        return rc;
    faulty_out *o = calloc(1, sizeof *o);
    o->inner = inner;
    o->owner = fi;
    o->f.version = FLOE_IO_VERSION;
    o->f.location = inner->location;
    o->f.write = fo_write;
    o->f.commit = fo_commit;
    o->f.abort = fo_abort;
    o->f.state = o;
    *out = &o->f;
    return 0;
}

static void faulty_init(faulty *fi, floe_file_io *inner, long n)
{
    memset(fi, 0, sizeof *fi);
    floe_mtest_io_wrap_init(&fi->w, inner);
    fi->w.io.create = fi_create;
    fi->countdown = n;
}

static int count_files(const floe_file_info *info, void *ctx)
{
    (void)info;
    ++*(int *)ctx;
    return 0;
}

static void test_failed_write_leaves_previous_snapshot_US7(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("commit_faults");
    create(dir, "part");
    floe_manager *clean = open_at(dir, NULL, -1);
    floe_table *t = NULL;
    assert_int_equal(floe_manager_load_table(&t, clean, "db.t"), 0);
    struct ArrowArrayStream s;
    one_batch(&s, t, 0, 10);
    assert_int_equal(floe_table_append(NULL, t, &s, NULL), 0);
    s.release(&s);
    int64_t before = floe_table_current_snapshot_id(t);
    floe_file_io *posix = NULL;
    assert_int_equal(floe_posix_file_io_new(&posix), 0);
    char data_dir[4096];
    snprintf(data_dir, sizeof data_dir, "%s/data/", floe_table_location(t));
    int files_before = 0;
    assert_int_equal(posix->list(posix, data_dir, count_files, &files_before), 0);
    int failures = 0, succeeded = 0;
    for (long n = 1; n < 200 && !succeeded; n++) {
        faulty fi;
        faulty_init(&fi, posix, n);
        floe_manager *m = open_at(dir, &fi.w.io, -1);
        floe_table *ft = NULL;
        assert_int_equal(floe_manager_load_table(&ft, m, "db.t"), 0);
        one_batch(&s, ft, 100, 10);
        int rc = floe_table_append(NULL, ft, &s, NULL);
        s.release(&s);
        floe_table_free(ft);
        floe_manager_free(m);
        assert_int_equal(floe_table_refresh(t), 0);
        if (rc == 0) {
            succeeded = 1;
            break;
        }
        failures++;
        assert_int_equal(rc, FLOE_EIO);
        assert_int_equal(floe_table_current_snapshot_id(t), before);
        assert_int_equal(count(t, NULL), 10);
        int files_now = 0;
        assert_int_equal(posix->list(posix, data_dir, count_files, &files_now), 0);
        assert_int_equal(files_now, files_before); /* written data files were removed */
    }
    assert_true(succeeded);
    assert_true(failures >= 3); /* data file, manifest and manifest list writes all failed once */
    assert_int_equal(count(t, NULL), 20);
    floe_file_io_free(posix);
    floe_table_free(t);
    floe_manager_free(clean);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stale_writer_retries_on_refreshed_table_US5),
        cmocka_unit_test(test_two_processes_append_50_times_each_US5),
        cmocka_unit_test(test_failed_write_leaves_previous_snapshot_US7),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
