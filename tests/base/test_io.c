#include "test_support.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <floe/error.h>
#include <floe/io.h>

#include "base/alloc.h"

/* Every FileIO test runs against both implementations: the same contract holds. */
typedef struct fixture {
    floe_file_io *io;
    char root[512]; /* location prefix: a fresh directory, or mem://bucket/<n> */
} fixture;

static int setup_posix(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    const char *dir = floe_test_tmpdir("io_posix");
    if (!f || !dir || floe_posix_file_io_new(&f->io) != 0)
        return -1;
    snprintf(f->root, sizeof f->root, "%s", dir);
    *state = f;
    return 0;
}

static int setup_memory(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || floe_memory_file_io_new(&f->io) != 0)
        return -1;
    snprintf(f->root, sizeof f->root, "mem://bucket/t");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    floe_file_io_free(f->io);
    free(f);
    return 0;
}

static const char *loc(const fixture *f, const char *rel)
{
    static char buf[4][1024];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", f->root, rel);
    return buf[i];
}

static void put(fixture *f, const char *rel, const char *text)
{
    assert_int_equal(
        floe_file_io_write_all(f->io, loc(f, rel), FLOE_CREATE_OVERWRITE, text, strlen(text)), 0);
}

static char *get(fixture *f, const char *rel)
{
    uint8_t *data = NULL;
    size_t len = 0;
    int rc = floe_file_io_read_all(&data, &len, f->io, loc(f, rel), 1 << 20);
    if (rc)
        return NULL;
    assert_int_equal(strlen((char *)data), len);
    return (char *)data;
}

static void test_io_write_commit_read_back(void **state)
{
    fixture *f = *state;
    floe_output_file *out = NULL;
    assert_int_equal(f->io->create(&out, f->io, loc(f, "a/b/c.bin"), FLOE_CREATE_OVERWRITE), 0);
    assert_string_equal(out->location, loc(f, "a/b/c.bin"));
    assert_int_equal(floe_output_write(out, "hello ", 6), 0);
    assert_int_equal(floe_output_write(out, "", 0), 0);
    assert_int_equal(floe_output_write(out, "world", 5), 0);
    assert_int_equal(out->bytes_written, 11);
    /* not visible before commit */
    int exists = -1;
    assert_int_equal(f->io->exists(&exists, f->io, loc(f, "a/b/c.bin")), 0);
    assert_int_equal(exists, 0);
    assert_int_equal(floe_output_commit(out), 0);
    assert_int_equal(f->io->exists(&exists, f->io, loc(f, "a/b/c.bin")), 0);
    assert_int_equal(exists, 1);

    floe_input_file *in = NULL;
    assert_int_equal(f->io->open(&in, f->io, loc(f, "a/b/c.bin")), 0);
    uint64_t size = 0;
    assert_int_equal(floe_input_size(&size, in), 0);
    assert_int_equal(size, 11);
    char buf[16] = {0};
    assert_int_equal(floe_input_read_exact(in, 6, buf, 5), 0);
    assert_memory_equal(buf, "world", 5);
    size_t n = 99;
    assert_int_equal(in->read_at(&n, in, 8, buf, 10), 0);
    assert_int_equal(n, 3);
    assert_int_equal(in->read_at(&n, in, 11, buf, 10), 0);
    assert_int_equal(n, 0);
    assert_int_equal(in->read_at(&n, in, 1000, buf, 10), 0);
    assert_int_equal(n, 0);
    floe_input_close(in);
    floe_input_close(NULL);
}

static void test_io_read_exact_short_read_is_corrupt(void **state)
{
    fixture *f = *state;
    put(f, "short", "12345");
    floe_input_file *in = NULL;
    assert_int_equal(f->io->open(&in, f->io, loc(f, "short")), 0);
    char buf[16];
    assert_int_equal(floe_input_read_exact(in, 2, buf, 4), FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "offset 2"));
    assert_non_null(strstr(floe_error_last(), "short"));
    assert_int_equal(floe_input_read_exact(in, 1, buf, 4), 0);
    assert_memory_equal(buf, "2345", 4);
    assert_int_equal(floe_input_read_exact(in, 5, buf, 0), 0);
    floe_input_close(in);
}

static void test_io_overwrite_replaces_content(void **state)
{
    fixture *f = *state;
    put(f, "o.txt", "first version");
    put(f, "o.txt", "v2");
    char *s = get(f, "o.txt");
    assert_string_equal(s, "v2");
    free(s);
}

static int count_one(const floe_file_info *info, void *ctx)
{
    (void)info;
    (*(int *)ctx)++;
    return 0;
}

/* Number of objects under the root, hidden files included for the file system. */
static int count_everything(fixture *f)
{
    int n = 0;
    if (f->root[0] != '/') {
        assert_int_equal(f->io->list(f->io, f->root, count_one, &n), 0);
        return n;
    }
    DIR *d = opendir(f->root);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static void test_io_exclusive_create_is_atomic(void **state)
{
    fixture *f = *state;
    /* two writers race for the same name: both start before either commits */
    floe_output_file *a = NULL, *b = NULL;
    assert_int_equal(f->io->create(&a, f->io, loc(f, "v1.json"), FLOE_CREATE_EXCLUSIVE), 0);
    assert_int_equal(f->io->create(&b, f->io, loc(f, "v1.json"), FLOE_CREATE_EXCLUSIVE), 0);
    assert_int_equal(floe_output_write(a, "A", 1), 0);
    assert_int_equal(floe_output_write(b, "B", 1), 0);
    assert_int_equal(floe_output_commit(a), 0);
    assert_int_equal(floe_output_commit(b), FLOE_EEXISTS);
    assert_non_null(strstr(floe_error_last(), "v1.json"));
    char *s = get(f, "v1.json");
    assert_string_equal(s, "A");
    free(s);
    /* and a create after the commit fails at once */
    floe_output_file *c = NULL;
    assert_int_equal(f->io->create(&c, f->io, loc(f, "v1.json"), FLOE_CREATE_EXCLUSIVE),
                     FLOE_EEXISTS);
    assert_int_equal(
        floe_file_io_write_all(f->io, loc(f, "v1.json"), FLOE_CREATE_EXCLUSIVE, "C", 1),
        FLOE_EEXISTS);
    /* the loser left nothing behind, not even a temporary file */
    assert_int_equal(count_everything(f), 1);
}

typedef struct racer {
    fixture *f;
    const char *location;
    int rc;
    char tag;
} racer;

static void *race(void *arg)
{
    racer *r = arg;
    r->rc = floe_file_io_write_all(r->f->io, r->location, FLOE_CREATE_EXCLUSIVE, &r->tag, 1);
    return NULL;
}

static void test_io_exclusive_create_one_winner_among_threads(void **state)
{
    fixture *f = *state;
    racer r[8];
    pthread_t t[8];
    char where[1024];
    snprintf(where, sizeof where, "%s", loc(f, "race.json"));
    for (int i = 0; i < 8; i++) {
        r[i] = (racer){f, where, 1, (char)('a' + i)};
        assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
    }
    int winners = 0;
    char winner = 0;
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        if (r[i].rc == 0) {
            winners++;
            winner = r[i].tag;
        } else {
            assert_int_equal(r[i].rc, FLOE_EEXISTS);
        }
    }
    assert_int_equal(winners, 1);
    char *s = get(f, "race.json");
    assert_int_equal(s[0], winner);
    free(s);
}

typedef struct listing {
    char *names[64];
    uint64_t sizes[64];
    int n;
    int stop_after;
} listing;

static int collect(const floe_file_info *info, void *ctx)
{
    listing *l = ctx;
    assert_true(l->n < 64);
    l->names[l->n] = strdup(info->location);
    l->sizes[l->n] = info->size;
    l->n++;
    if (l->stop_after && l->n == l->stop_after)
        return 42;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void listing_free(listing *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->names[i]);
    memset(l, 0, sizeof *l);
}

/* Lists `prefix` (relative to the root) and checks the sorted relative names. */
static void expect_list(fixture *f, const char *prefix, const char *const *want, int nwant)
{
    listing l = {0};
    assert_int_equal(f->io->list(f->io, loc(f, prefix), collect, &l), 0);
    qsort(l.names, (size_t)l.n, sizeof l.names[0], by_name);
    size_t rootlen = strlen(f->root) + 1;
    for (int i = 0; i < l.n && i < nwant; i++) {
        if (strncmp(l.names[i], f->root, rootlen - 1) != 0 ||
            strcmp(l.names[i] + rootlen, want[i]) != 0)
            fail_msg("list '%s' entry %d: got '%s', want '%s/%s'", prefix, i, l.names[i], f->root,
                     want[i]);
    }
    if (l.n != nwant)
        fail_msg("list '%s': %d entries, want %d", prefix, l.n, nwant);
    listing_free(&l);
}

static void test_io_list_by_prefix_recursive(void **state)
{
    fixture *f = *state;
    put(f, "dir/one", "1");
    put(f, "dir/sub/deep/two", "22");
    put(f, "dir2/three", "333");
    put(f, "dirt.txt", "4444");
    put(f, "d/ir_trap", "5");
    put(f, "other/x", "6");

    static const char *const all_dir[] = {"dir/one", "dir/sub/deep/two", "dir2/three", "dirt.txt"};
    expect_list(f, "dir", all_dir, 4);
    static const char *const in_dir[] = {"dir/one", "dir/sub/deep/two"};
    expect_list(f, "dir/", in_dir, 2);
    static const char *const sub[] = {"dir/sub/deep/two"};
    expect_list(f, "dir/s", sub, 1);
    expect_list(f, "dir/sub/deep/two", sub, 1);
    expect_list(f, "nothing", NULL, 0);
    expect_list(f, "dir/one/", NULL, 0);

    listing l = {0};
    assert_int_equal(f->io->list(f->io, loc(f, "dir/sub"), collect, &l), 0);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.sizes[0], 2);
    listing_free(&l);

    /* a non-zero callback result stops the listing and is returned */
    l.stop_after = 2;
    assert_int_equal(f->io->list(f->io, loc(f, ""), collect, &l), 42);
    assert_int_equal(l.n, 2);
    listing_free(&l);
}

static void test_io_list_hides_uncommitted_files(void **state)
{
    fixture *f = *state;
    put(f, "data/done.parquet", "x");
    floe_output_file *w = NULL;
    assert_int_equal(
        f->io->create(&w, f->io, loc(f, "data/pending.parquet"), FLOE_CREATE_OVERWRITE), 0);
    assert_int_equal(floe_output_write(w, "partial", 7), 0);
    static const char *const done[] = {"data/done.parquet"};
    expect_list(f, "data/", done, 1);
    expect_list(f, "data", done, 1);
    floe_output_abort(w);
    floe_output_abort(NULL);
}

static void test_io_abort_leaves_nothing(void **state)
{
    fixture *f = *state;
    floe_output_file *w = NULL;
    assert_int_equal(f->io->create(&w, f->io, loc(f, "ab/never.bin"), FLOE_CREATE_EXCLUSIVE), 0);
    assert_int_equal(floe_output_write(w, "bytes", 5), 0);
    floe_output_abort(w);
    int exists = 1;
    assert_int_equal(f->io->exists(&exists, f->io, loc(f, "ab/never.bin")), 0);
    assert_int_equal(exists, 0);
    expect_list(f, "ab", NULL, 0);
    assert_int_equal(count_everything(f), f->root[0] == '/' ? 1 : 0); /* the directory "ab" */
    /* the name is still free for an exclusive create */
    assert_int_equal(
        floe_file_io_write_all(f->io, loc(f, "ab/never.bin"), FLOE_CREATE_EXCLUSIVE, "ok", 2), 0);
}

static void test_io_not_found_codes(void **state)
{
    fixture *f = *state;
    floe_input_file *in = NULL;
    assert_int_equal(f->io->open(&in, f->io, loc(f, "missing")), FLOE_ENOTFOUND);
    assert_non_null(strstr(floe_error_last(), "missing"));
    assert_null(in);
    assert_int_equal(f->io->remove(f->io, loc(f, "missing")), FLOE_ENOTFOUND);
    int exists = 1;
    assert_int_equal(f->io->exists(&exists, f->io, loc(f, "missing/deeper")), 0);
    assert_int_equal(exists, 0);
    uint8_t *data = NULL;
    size_t len = 0;
    assert_int_equal(floe_file_io_read_all(&data, &len, f->io, loc(f, "missing"), 10),
                     FLOE_ENOTFOUND);

    put(f, "gone", "x");
    assert_int_equal(f->io->remove(f->io, loc(f, "gone")), 0);
    assert_int_equal(f->io->open(&in, f->io, loc(f, "gone")), FLOE_ENOTFOUND);
    assert_int_equal(f->io->remove(f->io, loc(f, "gone")), FLOE_ENOTFOUND);
}

static void test_io_read_all_enforces_limit(void **state)
{
    fixture *f = *state;
    put(f, "big", "0123456789");
    uint8_t *data = NULL;
    size_t len = 0;
    assert_int_equal(floe_file_io_read_all(&data, &len, f->io, loc(f, "big"), 9), FLOE_ERANGE);
    assert_null(data);
    assert_int_equal(floe_file_io_read_all(&data, &len, f->io, loc(f, "big"), 10), 0);
    assert_int_equal(len, 10);
    assert_int_equal(data[10], '\0');
    free(data);
    put(f, "empty", "");
    assert_int_equal(floe_file_io_read_all(&data, &len, f->io, loc(f, "empty"), 10), 0);
    assert_int_equal(len, 0);
    free(data);
}

static void test_io_reader_survives_overwrite_and_remove(void **state)
{
    fixture *f = *state;
    put(f, "live", "old bytes");
    floe_input_file *in = NULL;
    assert_int_equal(f->io->open(&in, f->io, loc(f, "live")), 0);
    put(f, "live", "new");
    assert_int_equal(f->io->remove(f->io, loc(f, "live")), 0);
    char buf[9];
    assert_int_equal(floe_input_read_exact(in, 0, buf, 9), 0);
    assert_memory_equal(buf, "old bytes", 9);
    floe_input_close(in);
}

static void test_io_create_out_of_memory(void **state)
{
    fixture *f = *state;
    for (long n = 1; n < 20; n++) {
        floe_output_file *w = NULL;
        floe_alloc_fail_after(n);
        int rc = f->io->create(&w, f->io, loc(f, "oom/file"), FLOE_CREATE_OVERWRITE);
        if (rc == 0) {
            rc = floe_output_write(w, "abc", 3);
            if (rc == 0)
                rc = floe_output_commit(w);
            else
                floe_output_abort(w);
        }
        floe_alloc_fail_after(0);
        if (rc == 0)
            break;
        assert_int_equal(rc, FLOE_ENOMEM);
    }
    char *s = get(f, "oom/file");
    assert_string_equal(s, "abc");
    free(s);
}

/* ---- posix-only behaviour ---- */

static void test_posix_file_uri_and_directories(void **state)
{
    fixture *f = *state;
    char uri[1100];
    snprintf(uri, sizeof uri, "file://%s", loc(f, "u/file.txt"));
    assert_int_equal(floe_file_io_write_all(f->io, uri, FLOE_CREATE_OVERWRITE, "via uri", 7), 0);
    char *s = get(f, "u/file.txt");
    assert_string_equal(s, "via uri");
    free(s);
    listing l = {0};
    char prefix[1100];
    snprintf(prefix, sizeof prefix, "file://%s", loc(f, "u/"));
    assert_int_equal(f->io->list(f->io, prefix, collect, &l), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.names[0], uri);
    listing_free(&l);

    floe_input_file *in = NULL;
    assert_int_equal(f->io->open(&in, f->io, loc(f, "u")), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "directory"));
}

static void test_posix_permission_denied(void **state)
{
    fixture *f = *state;
    if (geteuid() == 0)
        skip(); /* root ignores file modes */
    put(f, "locked/x", "1");
    char dir[1100];
    snprintf(dir, sizeof dir, "%s", loc(f, "locked"));
    assert_int_equal(chmod(dir, 0500), 0);
    int rc = floe_file_io_write_all(f->io, loc(f, "locked/y"), FLOE_CREATE_OVERWRITE, "2", 1);
    chmod(dir, 0700);
    assert_int_equal(rc, FLOE_EPERM);
}

/* Writing "to" a device, FIFO or directory must not rename a file over it (a regular file once
 * replaced /dev/null this way). A FIFO stands in for a device: tests cannot mknod. */
static void test_posix_refuses_to_replace_special_files(void **state)
{
    fixture *f = *state;
    char fifo[1100];
    snprintf(fifo, sizeof fifo, "%s", loc(f, "pipe"));
    assert_int_equal(mkfifo(fifo, 0600), 0);
    int rc = floe_file_io_write_all(f->io, fifo, FLOE_CREATE_OVERWRITE, "x", 1);
    assert_int_equal(rc, FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "not a regular file"));
    struct stat st;
    assert_int_equal(stat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    put(f, "sub/file", "1");
    assert_int_equal(floe_file_io_write_all(f->io, loc(f, "sub"), FLOE_CREATE_OVERWRITE, "x", 1),
                     FLOE_EINVALID);
    assert_int_equal(stat(loc(f, "sub"), &st), 0);
    assert_true(S_ISDIR(st.st_mode));
}

/* ---- memory input file ---- */

static void test_input_file_from_memory(void **state)
{
    (void)state;
    static const char data[] = "0123456789";
    floe_input_file *in = NULL;
    assert_int_equal(floe_input_file_from_memory(&in, data, 10, "blob"), 0);
    assert_string_equal(in->location, "blob");
    uint64_t size;
    assert_int_equal(floe_input_size(&size, in), 0);
    assert_int_equal(size, 10);
    char buf[4];
    assert_int_equal(floe_input_read_exact(in, 6, buf, 4), 0);
    assert_memory_equal(buf, "6789", 4);
    assert_int_equal(floe_input_read_exact(in, 7, buf, 4), FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "blob"));
    floe_input_close(in);
    assert_int_equal(floe_input_file_from_memory(&in, data, 10, NULL), 0);
    assert_string_equal(in->location, "memory");
    floe_input_close(in);
}

#define BOTH(t)                                                                                    \
    cmocka_unit_test_setup_teardown(t, setup_posix, teardown),                                     \
        cmocka_unit_test_setup_teardown(t, setup_memory, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_io_write_commit_read_back),
        BOTH(test_io_read_exact_short_read_is_corrupt),
        BOTH(test_io_overwrite_replaces_content),
        BOTH(test_io_exclusive_create_is_atomic),
        BOTH(test_io_exclusive_create_one_winner_among_threads),
        BOTH(test_io_list_by_prefix_recursive),
        BOTH(test_io_list_hides_uncommitted_files),
        BOTH(test_io_abort_leaves_nothing),
        BOTH(test_io_not_found_codes),
        BOTH(test_io_read_all_enforces_limit),
        BOTH(test_io_reader_survives_overwrite_and_remove),
        BOTH(test_io_create_out_of_memory),
        cmocka_unit_test_setup_teardown(test_posix_file_uri_and_directories, setup_posix, teardown),
        cmocka_unit_test_setup_teardown(test_posix_permission_denied, setup_posix, teardown),
        cmocka_unit_test_setup_teardown(test_posix_refuses_to_replace_special_files, setup_posix,
                                        teardown),
        cmocka_unit_test(test_input_file_from_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
