/* The "local" storage plugin: confinement to the warehouse (`..` and symlink escapes refused
 * with FLOE_EPERM), file:// URIs, streaming writes visible only on commit, ranged reads,
 * atomic create-if-absent, listing, health, and registration through the registry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <floe/error.h>
#include <floe/registry.h>
#include <floe/storage.h>

#include "test_support.h"

static char *path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

static floe_file_io *io_at(const char *root)
{
    floe_file_io *io = NULL;
    assert_int_equal(floe_local_file_io_new(&io, root), 0);
    return io;
}

static void test_dotdot_escape_refused_with_eperm(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("local_dotdot");
    char *root = path_join(dir, "wh");
    floe_file_io *io = io_at(root);
    char *outside = path_join(root, "../outside.txt");
    floe_output_file *out = NULL;
    assert_int_equal(io->create(&out, io, outside, FLOE_CREATE_OVERWRITE), FLOE_EPERM);
    assert_non_null(strstr(floe_error_last(), "outside the warehouse"));
    char *deeper = path_join(root, "a/b/../../../x");
    floe_input_file *in = NULL;
    assert_int_equal(io->open(&in, io, deeper), FLOE_EPERM);
    int exists = 0;
    assert_int_equal(io->exists(&exists, io, "/etc/passwd"), FLOE_EPERM);
    assert_int_equal(io->remove(io, outside), FLOE_EPERM);
    /* `..` that stays inside is fine */
    char *inside = path_join(root, "a/../b.txt");
    assert_int_equal(floe_file_io_write_all(io, inside, FLOE_CREATE_OVERWRITE, "x", 1), 0);
    char *plain = path_join(root, "b.txt");
    assert_int_equal(io->exists(&exists, io, plain), 0);
    assert_int_equal(exists, 1);
    struct stat st;
    char *escaped = path_join(dir, "outside.txt");
    assert_int_not_equal(stat(escaped, &st), 0);
    free(root), free(outside), free(deeper), free(inside), free(plain), free(escaped);
    floe_file_io_free(io);
}

static void test_symlink_escape_refused_with_eperm(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("local_symlink");
    char *root = path_join(dir, "wh");
    char *elsewhere = path_join(dir, "elsewhere");
    assert_int_equal(mkdir(elsewhere, 0777), 0);
    floe_file_io *io = io_at(root);
    char *link = path_join(root, "link");
    assert_int_equal(symlink(elsewhere, link), 0);
    char *via_link = path_join(root, "link/data.parquet");
    floe_output_file *out = NULL;
    assert_int_equal(io->create(&out, io, via_link, FLOE_CREATE_OVERWRITE), FLOE_EPERM);
    char *via_link_new = path_join(root, "link/new/dir/f");
    assert_int_equal(io->create(&out, io, via_link_new, FLOE_CREATE_OVERWRITE), FLOE_EPERM);
    /* a symlink that stays inside the warehouse is followed */
    char *target = path_join(root, "real");
    assert_int_equal(mkdir(target, 0777), 0);
    char *inner_link = path_join(root, "alias");
    assert_int_equal(symlink(target, inner_link), 0);
    char *via_alias = path_join(root, "alias/f.txt");
    assert_int_equal(floe_file_io_write_all(io, via_alias, FLOE_CREATE_OVERWRITE, "ok", 2), 0);
    char *real_file = path_join(target, "f.txt");
    size_t len = 0;
    char *data = floe_test_read_file(real_file, &len);
    assert_non_null(data);
    assert_int_equal(len, 2);
    free(data);
    free(root), free(elsewhere), free(link), free(via_link), free(via_link_new), free(target);
    free(inner_link), free(via_alias), free(real_file);
    floe_file_io_free(io);
}

static void test_file_uri_and_relative_locations(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("local_uri");
    char *root = path_join(dir, "wh");
    floe_file_io *io = io_at(root);
    char uri[4096];
    snprintf(uri, sizeof uri, "file://%s/t/metadata/v1.json", root);
    assert_int_equal(floe_file_io_write_all(io, uri, FLOE_CREATE_EXCLUSIVE, "{}", 2), 0);
    char *plain = path_join(root, "t/metadata/v1.json");
    int exists = 0;
    assert_int_equal(io->exists(&exists, io, plain), 0);
    assert_int_equal(exists, 1);
    char other[4096];
    snprintf(other, sizeof other, "file://%s/../x", root);
    assert_int_equal(io->exists(&exists, io, other), FLOE_EPERM);
    assert_int_equal(io->exists(&exists, io, "s3://bucket/key"), FLOE_EINVALID);
    char *resolved = NULL;
    assert_int_equal(floe_local_resolve(&resolved, NULL, "file:///tmp/../tmp/./x"), 0);
    assert_non_null(strstr(resolved, "/x"));
    assert_null(strstr(resolved, ".."));
    free(resolved);
    free(root), free(plain);
    floe_file_io_free(io);
}

static void test_streaming_write_visible_on_commit_and_ranged_reads(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("local_stream");
    floe_file_io *io = io_at(dir);
    char *loc = path_join(dir, "data/part-0.bin");
    floe_output_file *out = NULL;
    assert_int_equal(io->create(&out, io, loc, FLOE_CREATE_OVERWRITE), 0);
    unsigned char chunk[256];
    for (int i = 0; i < 256; i++)
        chunk[i] = (unsigned char)i;
    for (int i = 0; i < 40; i++)
        assert_int_equal(floe_output_write(out, chunk, sizeof chunk), 0);
    int exists = 1;
    assert_int_equal(io->exists(&exists, io, loc), 0);
    assert_int_equal(exists, 0); /* nothing visible before commit */
    assert_int_equal(floe_output_commit(out), 0);
    floe_input_file *in = NULL;
    assert_int_equal(io->open(&in, io, loc), 0);
    uint64_t size = 0;
    assert_int_equal(floe_input_size(&size, in), 0);
    assert_int_equal(size, 40 * 256);
    unsigned char buf[16];
    assert_int_equal(floe_input_read_exact(in, 256 * 7 + 100, buf, sizeof buf), 0);
    for (int i = 0; i < 16; i++)
        assert_int_equal(buf[i], 100 + i);
    size_t nread = 99;
    assert_int_equal(in->read_at(&nread, in, size - 4, buf, sizeof buf), 0);
    assert_int_equal(nread, 4);
    floe_input_close(in);

    /* an aborted write leaves nothing */
    char *aborted = path_join(dir, "data/aborted.bin");
    assert_int_equal(io->create(&out, io, aborted, FLOE_CREATE_OVERWRITE), 0);
    assert_int_equal(floe_output_write(out, chunk, 10), 0);
    floe_output_abort(out);
    assert_int_equal(io->exists(&exists, io, aborted), 0);
    assert_int_equal(exists, 0);
    free(loc), free(aborted);
    floe_file_io_free(io);
}

static void test_exclusive_create_is_atomic_create_if_absent(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("local_excl");
    floe_file_io *io = io_at(dir);
    char *loc = path_join(dir, "t/metadata/00001-a.metadata.json");
    floe_output_file *a = NULL, *b = NULL;
    assert_int_equal(io->create(&a, io, loc, FLOE_CREATE_EXCLUSIVE), 0);
    assert_int_equal(io->create(&b, io, loc, FLOE_CREATE_EXCLUSIVE), 0);
    assert_int_equal(floe_output_write(a, "first", 5), 0);
    assert_int_equal(floe_output_write(b, "second", 6), 0);
    assert_int_equal(floe_output_commit(a), 0);
    assert_int_equal(floe_output_commit(b), FLOE_EEXISTS);
    uint8_t *data = NULL;
    size_t len = 0;
    assert_int_equal(floe_file_io_read_all(&data, &len, io, loc, 100), 0);
    assert_int_equal(len, 5);
    assert_memory_equal(data, "first", 5);
    free(data);
    free(loc);
    floe_file_io_free(io);
}

typedef struct seen {
    int n;
    int outside;
    const char *root;
} seen;

static int count_file(const floe_file_info *info, void *ctx)
{
    seen *s = ctx;
    s->n++;
    if (!strstr(info->location, s->root))
        s->outside++;
    return 0;
}

static void test_list_stays_inside_and_refuses_outside_prefix(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("local_list");
    char *root = path_join(dir, "wh");
    floe_file_io *io = io_at(root);
    char *f1 = path_join(root, "t/a.txt"), *f2 = path_join(root, "t/sub/b.txt");
    char *f3 = path_join(root, "u/c.txt");
    assert_int_equal(floe_file_io_write_all(io, f1, FLOE_CREATE_OVERWRITE, "1", 1), 0);
    assert_int_equal(floe_file_io_write_all(io, f2, FLOE_CREATE_OVERWRITE, "2", 1), 0);
    assert_int_equal(floe_file_io_write_all(io, f3, FLOE_CREATE_OVERWRITE, "3", 1), 0);
    char *prefix = path_join(root, "t/");
    seen s = {0, 0, "/wh/t/"};
    assert_int_equal(io->list(io, prefix, count_file, &s), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.outside, 0);
    char *up = path_join(root, "..");
    assert_int_equal(io->list(io, up, count_file, &s), FLOE_EPERM);
    free(root), free(f1), free(f2), free(f3), free(prefix), free(up);
    floe_file_io_free(io);
}

static void test_health_healthy_and_unhealthy_FR_028(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("local_health");
    floe_storage_plugin *sp = NULL;
    assert_int_equal(floe_local_storage_new(&sp, dir), 0);
    floe_health_status st;
    assert_int_equal(sp->health_check(&st, sp, 50000), 0);
    assert_int_equal(st.state, FLOE_HEALTH_HEALTHY);
    assert_true(st.response_time_ms >= 0 && st.response_time_ms <= 10000);
    assert_true(st.checked_at > 0);
    assert_non_null(strstr(st.message, dir));
    /* the probe file is gone */
    floe_file_io *io = NULL;
    assert_int_equal(sp->create_file_io(&io, sp, NULL), 0);
    seen s = {0, 0, dir};
    assert_int_equal(io->list(io, dir, count_file, &s), 0);
    assert_int_equal(s.n, 0);
    floe_file_io_free(io);
    sp->free(sp);

    /* a warehouse that is a regular file cannot work */
    char *file = path_join(dir, "not-a-dir");
    assert_int_equal(floe_test_write_file(file, "x", 1), 0);
    char *under = path_join(file, "wh");
    assert_int_equal(floe_local_storage_new(&sp, under), 0);
    assert_int_equal(sp->health_check(&st, sp, 1000), 0);
    assert_int_equal(st.state, FLOE_HEALTH_UNHEALTHY);
    assert_true(strlen(st.message) > 0);
    sp->free(sp);
    free(file), free(under);
}

static void test_registered_through_registry_with_root_config(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("local_registry");
    floe_registry *r = NULL;
    assert_int_equal(floe_registry_new(&r, NULL), 0);
    assert_int_equal(floe_storage_register_builtins(r), 0);
    assert_int_equal(floe_storage_register_builtins(r), FLOE_EEXISTS);
    json_t *cfg = json_pack("{s:s}", "root", dir);
    assert_int_equal(floe_registry_configure(r, FLOE_PLUGIN_STORAGE, "local", cfg, NULL), 0);
    json_decref(cfg);
    floe_storage_plugin *sp = NULL;
    assert_int_equal(floe_registry_get((void **)&sp, r, FLOE_PLUGIN_STORAGE, "local"), 0);
    assert_string_equal(sp->warehouse_location(sp), dir);
    floe_file_io *io = NULL;
    assert_int_equal(sp->create_file_io(&io, sp, NULL), 0);
    int exists = 0;
    assert_int_equal(io->exists(&exists, io, "/etc/passwd"), FLOE_EPERM);
    floe_file_io_free(io);
    floe_health_status st;
    assert_int_equal(floe_registry_health_check(&st, r, FLOE_PLUGIN_STORAGE, "local"), 0);
    assert_int_equal(st.state, FLOE_HEALTH_HEALTHY);
    floe_registry_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dotdot_escape_refused_with_eperm),
        cmocka_unit_test(test_symlink_escape_refused_with_eperm),
        cmocka_unit_test(test_file_uri_and_relative_locations),
        cmocka_unit_test(test_streaming_write_visible_on_commit_and_ranged_reads),
        cmocka_unit_test(test_exclusive_create_is_atomic_create_if_absent),
        cmocka_unit_test(test_list_stays_inside_and_refuses_outside_prefix),
        cmocka_unit_test(test_health_healthy_and_unhealthy_FR_028),
        cmocka_unit_test(test_registered_through_registry_with_root_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
