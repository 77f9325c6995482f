/* Crashes between writing files and committing: a child process runs a write (append,
 * overwrite, delete, upsert, compaction) through a FileIO that kills the process with SIGKILL
 * the moment its manifest list is durable, the last file written before the catalog commit.
 * Nothing is cleaned up. The parent then checks that the table is unchanged and readable, that
 * remove-orphans finds exactly the files the dead writer left and deletes them, and that the
 * same operation then succeeds. */
#include "manager_test_util.h"
#include "test_support.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/stream.h>
#include <floe/arrow/value.h>
#include <floe/error.h>
#include <floe/io.h>
#include <floe/table.h>
#include <floe/table_compact.h>
#include <floe/table_delete.h>
#include <floe/table_upsert.h>

/* ---- a FileIO whose manifest-list commit kills the process ---- */

typedef struct killer_out {
    floe_output_file f;
    floe_output_file *inner;
} killer_out;

static int ko_write(floe_output_file *f, const void *data, size_t len)
{
    killer_out *k = f->state;
    return k->inner->write(k->inner, data, len);
}

static int ko_commit(floe_output_file *f)
{
    killer_out *k = f->state;
    int rc = k->inner->commit(k->inner);
    if (rc == 0)
        raise(SIGKILL); /* the manifest list is on disk; the catalog never hears of it */
    free(k);
    return rc;
}

static void ko_abort(floe_output_file *f)
{
    killer_out *k = f->state;
    k->inner->abort(k->inner);
    free(k);
}

static int k_create(floe_output_file **out, floe_file_io *io, const char *location,
                    floe_create_mode mode)
{
    floe_mtest_io_wrap *k = io->state;
    int rc = k->inner->create(out, k->inner, location, mode);
    if (rc || !strstr(location, "/metadata/snap-"))
        return rc;
    killer_out *w = calloc(1, sizeof *w);
    if (!w) {
        (*out)->abort(*out);
        *out = NULL;
        return FLOE_ENOMEM;
    }
    w->inner = *out;
    w->f.version = FLOE_IO_VERSION;
    w->f.location = w->inner->location;
    w->f.write = ko_write;
    w->f.commit = ko_commit;
    w->f.abort = ko_abort;
    w->f.state = w;
    *out = &w->f;
    return 0;
}

/* ---- helpers ---- */

static floe_manager *open_at(const char *dir, floe_file_io *io)
{
    floe_manager_options o = FLOE_MANAGER_OPTIONS_INIT;
    o.warehouse = dir;
    o.file_io = io;
    floe_manager *m = NULL;
    if (floe_manager_open(&m, &o))
        fail_msg("open: %s", floe_error_last());
    return m;
}

static void rows(struct ArrowArrayStream *s, floe_table *t, int64_t start, int64_t n, int64_t v)
{
    struct ArrowSchema schema;
    assert_int_equal(floe_table_arrow_schema(&schema, t), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
    for (int64_t i = start; i < start + n; i++) {
        assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), i), 0);
        assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 1), v), 0);
        assert_int_equal(
            floe_arrow_builder_append_str(floe_arrow_builder_child(b, 2), i % 2 ? "b" : "a"), 0);
    }
    struct ArrowArray a;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &a, NULL), 0);
    floe_arrow_builder_free(b);
    assert_int_equal(floe_arrow_stream_from_batches(s, &schema, &a, 1), 0);
}

/* A digest of the table's rows: count, sum of ids, sum of v. */
typedef struct digest {
    int64_t n, ids, vs;
} digest;

static digest digest_of(floe_table *t)
{
    digest d = {0, 0, 0};
    struct ArrowArrayStream s;
    if (floe_table_scan(&s, t, NULL))
        fail_msg("scan: %s", floe_error_last());
    for (;;) {
        struct ArrowArray b;
        assert_int_equal(floe_arrow_stream_get_next(&s, &b), 0);
        if (!b.release)
            break;
        for (int64_t i = 0; i < b.length; i++) {
            d.ids += floe_arrow_get_int64(b.children[0], b.offset + i);
            d.vs += floe_arrow_get_int64(b.children[1], b.offset + i);
        }
        d.n += b.length;
        b.release(&b);
    }
    s.release(&s);
    return d;
}

typedef struct names {
    char **v;
    size_t n;
} names;

static void walk(names *out, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            walk(out, path);
            continue;
        }
        out->v = realloc(out->v, (out->n + 1) * sizeof *out->v);
        assert_non_null(out->v);
        out->v[out->n++] = strdup(path);
    }
    closedir(d);
}

static int has(const names *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return 1;
    return 0;
}

static void names_free(names *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

enum op { OP_APPEND, OP_OVERWRITE, OP_DELETE, OP_UPSERT, OP_COMPACT };
static const char *const op_names[] = {"append", "overwrite", "delete", "upsert", "compact"};

/* Runs `op` on table db.t of the manager; returns its result code. */
static int run_op(floe_manager *m, enum op op)
{
    floe_table *t = NULL;
    int rc = floe_manager_load_table(&t, m, "db.t");
    if (rc)
        return rc;
    struct ArrowArrayStream s;
    memset(&s, 0, sizeof s);
    switch (op) {
    case OP_APPEND:
        rows(&s, t, 1000, 50, 7);
        rc = floe_table_append(NULL, t, &s, NULL);
        break;
    case OP_OVERWRITE:
        rows(&s, t, 2000, 5, 9);
        rc = floe_table_overwrite(NULL, t, &s, "id < 20", NULL);
        break;
    case OP_DELETE:
        rc = floe_table_delete_rows(NULL, t, "id >= 30 and id < 35", NULL);
        break;
    case OP_UPSERT: {
        rows(&s, t, 40, 20, 3); /* 40..59 changed (v 3), 60..59+ new */
        const char *on[] = {"id"};
        rc = floe_table_upsert(NULL, t, &s, on, 1, NULL);
        break;
    }
    case OP_COMPACT: {
        floe_compact_options o = FLOE_COMPACT_OPTIONS_INIT;
        o.force = 1;
        floe_compact_result *r = NULL;
        rc = floe_table_compact(&r, t, &o);
        floe_compact_result_free(r);
        break;
    }
    }
    if (s.release)
        s.release(&s);
    floe_table_free(t);
    return rc;
}

static void crash_then_recover(enum op op)
{
    char name[64];
    snprintf(name, sizeof name, "crash_%s", op_names[op]);
    const char *dir = floe_test_tmpdir(name);
    floe_manager *m = open_at(dir, NULL);
    assert_int_equal(floe_manager_create_namespace(m, "db", NULL, 0), 0);
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id long not null, v long, part string";
    co.partition_by = "part";
    floe_table *t = NULL;
    assert_int_equal(floe_manager_create_table(&t, m, "db.t", &co), 0);
    for (int i = 0; i < 4; i++) {
        struct ArrowArrayStream s;
        rows(&s, t, i * 25, 25, 1); /* ids 0..99 in 4 appends x 2 partitions */
        assert_int_equal(floe_table_append(NULL, t, &s, NULL), 0);
        s.release(&s);
    }
    int64_t snap = floe_table_current_snapshot_id(t);
    digest before = digest_of(t);
    char loc[4096];
    snprintf(loc, sizeof loc, "%s", floe_table_location(t));
    names files_before = {NULL, 0};
    walk(&files_before, loc);
    floe_table_free(t);
    floe_manager_free(m);

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        floe_file_io *posix = NULL;
        if (floe_posix_file_io_new(&posix))
            _exit(3);
        floe_mtest_io_wrap k;
        floe_mtest_io_wrap_init(&k, posix);
        k.io.create = k_create;
        floe_manager *cm = open_at(dir, &k.io);
        int rc = run_op(cm, op);
        /* reaching here means the kill did not happen */
        fprintf(stderr, "%s finished without crashing: %d %s\n", op_names[op], rc,
                rc ? floe_error_last() : "");
        _exit(2);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
        fail_msg("%s: the writer was not killed (status %d)", op_names[op], status);

    /* the table is as it was, and readable */
    m = open_at(dir, NULL);
    assert_int_equal(floe_manager_load_table(&t, m, "db.t"), 0);
    assert_int_equal(floe_table_current_snapshot_id(t), snap);
    digest after = digest_of(t);
    assert_int_equal(after.n, before.n);
    assert_int_equal(after.ids, before.ids);
    assert_int_equal(after.vs, before.vs);

    /* the dead writer's files: new data files, manifests and its manifest list */
    names files_crash = {NULL, 0};
    walk(&files_crash, loc);
    size_t leftovers = 0, lists = 0;
    for (size_t i = 0; i < files_crash.n; i++)
        if (!has(&files_before, files_crash.v[i])) {
            leftovers++;
            lists += strstr(files_crash.v[i], "/metadata/snap-") != NULL;
        }
    assert_int_equal(lists, 1);
    assert_true(leftovers >= 2);

    /* remove-orphans (cutoff in the future: the crash was just now) finds exactly those */
    floe_remove_orphans_options oo = FLOE_REMOVE_ORPHANS_OPTIONS_INIT;
    oo.dry_run = 1;
    oo.older_than_ms = INT64_MAX / 2;
    floe_maintenance_result *r = NULL;
    assert_int_equal(floe_table_remove_orphan_files(&r, t, &oo), 0);
    assert_int_equal(r->file_count, leftovers);
    for (size_t i = 0; i < r->file_count; i++)
        assert_false(has(&files_before, r->files[i]));
    floe_maintenance_result_free(r);
    oo.dry_run = 0;
    assert_int_equal(floe_table_remove_orphan_files(&r, t, &oo), 0);
    assert_int_equal(r->file_count, leftovers);
    assert_int_equal(r->failed_count, 0);
    floe_maintenance_result_free(r);
    names files_clean = {NULL, 0};
    walk(&files_clean, loc);
    assert_int_equal(files_clean.n, files_before.n);
    for (size_t i = 0; i < files_clean.n; i++)
        assert_true(has(&files_before, files_clean.v[i]));
    after = digest_of(t);
    assert_int_equal(after.n, before.n);
    assert_int_equal(after.ids, before.ids);

    /* and the operation goes through now */
    if (run_op(m, op))
        fail_msg("%s after recovery: %s", op_names[op], floe_error_last());
    assert_int_equal(floe_table_refresh(t), 0);
    assert_true(floe_table_current_snapshot_id(t) != snap);
    after = digest_of(t);
    if (op == OP_COMPACT) {
        assert_int_equal(after.n, before.n);
        assert_int_equal(after.ids, before.ids);
    } else {
        assert_true(after.n != before.n || after.vs != before.vs);
    }
    names_free(&files_clean);
    names_free(&files_crash);
    names_free(&files_before);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_crash_during_append(void **state)
{
    (void)state;
    crash_then_recover(OP_APPEND);
}

static void test_crash_during_overwrite(void **state)
{
    (void)state;
    crash_then_recover(OP_OVERWRITE);
}

static void test_crash_during_delete(void **state)
{
    (void)state;
    crash_then_recover(OP_DELETE);
}

static void test_crash_during_upsert(void **state)
{
    (void)state;
    crash_then_recover(OP_UPSERT);
}

static void test_crash_during_compaction(void **state)
{
    (void)state;
    crash_then_recover(OP_COMPACT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crash_during_append),
        cmocka_unit_test(test_crash_during_overwrite),
        cmocka_unit_test(test_crash_during_delete),
        cmocka_unit_test(test_crash_during_upsert),
        cmocka_unit_test(test_crash_during_compaction),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
