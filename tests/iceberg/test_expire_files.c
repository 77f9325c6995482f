/* Reachability after expiration, on a five-snapshot table written with floe's manifest and
 * manifest-list writers into a memory FileIO: which manifest lists, manifests, data, delete
 * and statistics files become deletable, and every file the metadata references (the keep
 * set of orphan removal). */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/builder.h>
#include <floe/iceberg/expire.h>
#include <floe/iceberg/manifest_list.h>

#include "base/alloc.h"

static const char SCHEMA[] = "{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
                             "{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"}]}";

#define DAY ((int64_t)24 * 3600 * 1000)
#define NOW ((int64_t)1700000000000)

typedef struct fixture {
    floe_file_io *io;
    floe_table_metadata *md;
    /* manifests written so far, indexed by number (1..5) */
    floe_manifest_file *m[6];
} fixture;

static floe_data_file *file(const char *name, floe_file_content content)
{
    floe_data_file *df = NULL;
    assert_int_equal(floe_data_file_new(&df, content, name, "parquet", 10, 100), 0);
    return df;
}

typedef struct op {
    char kind; /* 'a' added, 'e' existing (snapshot 1, seq 1), 'd' deleted (seq 1) */
    const char *path;
    floe_file_content content;
} op;

/* Writes manifest number `n` for snapshot `sid` (sequence `seq`). */
static void write_manifest(fixture *f, int n, int64_t sid, int64_t seq, floe_manifest_content mc,
                           const op *ops, size_t nops)
{
    char loc[64];
    snprintf(loc, sizeof(loc), "mem://t/metadata/m%d.avro", n);
    floe_output_file *out = NULL;
    assert_int_equal(f->io->create(&out, f->io, loc, FLOE_CREATE_EXCLUSIVE), 0);
    floe_manifest_writer_options o = FLOE_MANIFEST_WRITER_OPTIONS_INIT;
    o.snapshot_id = sid;
    o.content = mc;
    floe_manifest_writer *w = NULL;
    assert_int_equal(floe_manifest_writer_new(&w, out, floe_table_metadata_current_schema(f->md),
                                              floe_table_metadata_default_spec(f->md), &o),
                     0);
    for (size_t i = 0; i < nops; i++) {
        floe_data_file *df = file(ops[i].path, ops[i].content);
        if (ops[i].kind == 'a')
            assert_int_equal(floe_manifest_writer_add(w, df), 0);
        else if (ops[i].kind == 'e')
            assert_int_equal(floe_manifest_writer_existing(w, df, 1, 1, 1), 0);
        else
            assert_int_equal(floe_manifest_writer_delete(w, df, 1, 1), 0);
        floe_data_file_free(df);
    }
    assert_int_equal(floe_manifest_writer_finish(&f->m[n], w), 0);
    floe_manifest_writer_free(w);
    f->m[n]->sequence_number = seq;
    f->m[n]->min_sequence_number = seq;
    f->m[n]->added_snapshot_id = sid;
}

/* Commits snapshot `sid` (child of sid-1) whose manifest list holds manifests `ms`. */
static void snapshot(fixture *f, int64_t sid, const char *operation, const int *ms, size_t nms)
{
    char loc[64];
    snprintf(loc, sizeof(loc), "mem://t/metadata/snap-%lld.avro", (long long)sid);
    floe_output_file *out = NULL;
    assert_int_equal(f->io->create(&out, f->io, loc, FLOE_CREATE_EXCLUSIVE), 0);
    floe_manifest_list_writer *w = NULL;
    assert_int_equal(floe_manifest_list_writer_new(&w, out, sid, sid > 1 ? sid - 1 : -1, sid, 0),
                     0);
    for (size_t i = 0; i < nms; i++)
        assert_int_equal(floe_manifest_list_writer_add(w, f->m[ms[i]]), 0);
    assert_int_equal(floe_manifest_list_writer_finish(w, NULL), 0);
    floe_manifest_list_writer_free(w);

    floe_snapshot_info info = FLOE_SNAPSHOT_INFO_INIT;
    info.snapshot_id = sid;
    info.parent_snapshot_id = sid > 1 ? sid - 1 : FLOE_SNAPSHOT_ID_NONE;
    info.sequence_number = sid;
    info.timestamp_ms = NOW - (10 - sid) * DAY;
    info.manifest_list = loc;
    info.operation = operation;
    info.schema_id = 0;
    floe_snapshot *s = NULL;
    assert_int_equal(floe_snapshot_new(&s, &info), 0);
    floe_table_update *u[2] = {NULL, NULL};
    assert_int_equal(floe_update_add_snapshot(&u[0], s), 0);
    floe_snapshot_release(s);
    floe_snapshot_ref r = FLOE_SNAPSHOT_REF_INIT;
    r.snapshot_id = sid;
    assert_int_equal(floe_update_set_snapshot_ref(&u[1], "main", &r), 0);
    char prev[64];
    snprintf(prev, sizeof(prev), "mem://t/metadata/%05lld.metadata.json", (long long)sid - 1);
    floe_table_metadata *next = NULL;
    assert_int_equal(floe_table_metadata_commit(&next, f->md, prev, NULL, 0, u, 2), 0);
    floe_update_free(u[0]);
    floe_update_free(u[1]);
    floe_table_metadata_release(f->md);
    f->md = next;
}

/*
 * 1 append:    m1 = +a +b                      list [m1]
 * 2 append:    m2 = +c                         list [m1 m2]
 * 3 overwrite: m3 = -a =b (rewrites m1)        list [m3 m2]
 * 4 delete:    m4 = +pos.parquet (deletes)     list [m3 m2 m4]
 * 5 append:    m5 = +e                         list [m3 m2 m4 m5]
 * plus a statistics file for snapshot 1.
 */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    assert_int_equal(floe_memory_file_io_new(&f->io), 0);
    floe_new_table_options o = FLOE_NEW_TABLE_OPTIONS_INIT;
    o.location = "mem://t";
    o.schema_json = SCHEMA;
    assert_int_equal(floe_table_metadata_new_table(&f->md, &o), 0);

    op m1[] = {{'a', "mem://t/data/a.parquet", FLOE_CONTENT_DATA},
               {'a', "mem://t/data/b.parquet", FLOE_CONTENT_DATA}};
    write_manifest(f, 1, 1, 1, FLOE_MANIFEST_DATA, m1, 2);
    snapshot(f, 1, "append", (int[]){1}, 1);
    op m2[] = {{'a', "mem://t/data/c.parquet", FLOE_CONTENT_DATA}};
    write_manifest(f, 2, 2, 2, FLOE_MANIFEST_DATA, m2, 1);
    snapshot(f, 2, "append", (int[]){1, 2}, 2);
    op m3[] = {{'d', "mem://t/data/a.parquet", FLOE_CONTENT_DATA},
               {'e', "mem://t/data/b.parquet", FLOE_CONTENT_DATA}};
    write_manifest(f, 3, 3, 3, FLOE_MANIFEST_DATA, m3, 2);
    snapshot(f, 3, "overwrite", (int[]){3, 2}, 2);
    op m4[] = {{'a', "mem://t/data/pos.parquet", FLOE_CONTENT_POSITION_DELETES}};
    write_manifest(f, 4, 4, 4, FLOE_MANIFEST_DELETES, m4, 1);
    snapshot(f, 4, "delete", (int[]){3, 2, 4}, 3);
    op m5[] = {{'a', "mem://t/data/e.parquet", FLOE_CONTENT_DATA}};
    write_manifest(f, 5, 5, 5, FLOE_MANIFEST_DATA, m5, 1);
    snapshot(f, 5, "append", (int[]){3, 2, 4, 5}, 4);

    floe_table_update *u = NULL;
    assert_int_equal(
        floe_update_set_statistics(&u, "{\"snapshot-id\":1,\"statistics-path\":\"mem://t/metadata/"
                                       "stats-1.puffin\",\"file-size-in-bytes\":10,"
                                       "\"file-footer-size-in-bytes\":5,\"blob-metadata\":[]}"),
        0);
    floe_table_metadata *next = NULL;
    assert_int_equal(floe_table_metadata_commit(&next, f->md, NULL, NULL, 0, &u, 1), 0);
    floe_update_free(u);
    floe_table_metadata_release(f->md);
    f->md = next;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < 6; i++)
        floe_manifest_file_free(f->m[i]);
    floe_table_metadata_release(f->md);
    floe_file_io_free(f->io);
    free(f);
    return 0;
}

/* Expires `ids` from f->md and returns the metadata after. */
static floe_table_metadata *expire(const floe_table_metadata *md, const int64_t *ids, size_t n)
{
    floe_expire_options o = FLOE_EXPIRE_OPTIONS_INIT;
    o.now_ms = NOW;
    o.older_than_ms = 0;
    o.snapshot_ids = ids;
    o.snapshot_id_count = n;
    floe_expire_plan *p = NULL;
    assert_int_equal(floe_expire_plan_compute(&p, md, &o), 0);
    const floe_snapshot_change *c = floe_expire_plan_change(p);
    size_t nr, nu;
    floe_table_requirement *const *r = floe_snapshot_change_requirements(c, &nr);
    floe_table_update *const *u = floe_snapshot_change_updates(c, &nu);
    floe_table_metadata *next = NULL;
    assert_int_equal(floe_table_metadata_commit(&next, md, NULL, r, nr, u, nu), 0);
    floe_expire_plan_free(p);
    return next;
}

/* The set as sorted "kind:path" lines joined by spaces (paths without the mem://t/ prefix). */
static char *describe(const floe_file_set *s)
{
    static const char *names[] = {"meta", "list", "manifest", "data", "pos", "eq", "stats"};
    size_t n = floe_file_set_count(s);
    char **lines = calloc(n ? n : 1, sizeof(char *));
    assert_non_null(lines);
    size_t total = 1;
    for (size_t i = 0; i < n; i++) {
        floe_file_kind k;
        const char *p = floe_file_set_at(s, i, &k);
        assert_non_null(p);
        assert_true(floe_file_set_contains(s, p));
        if (strncmp(p, "mem://t/", 8) == 0)
            p += 8;
        size_t len = strlen(names[k]) + strlen(p) + 2;
        lines[i] = malloc(len);
        assert_non_null(lines[i]);
        snprintf(lines[i], len, "%s:%s", names[k], p);
        total += len;
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(lines[j - 1], lines[j]) > 0; j--) {
            char *t = lines[j];
            lines[j] = lines[j - 1];
            lines[j - 1] = t;
        }
    char *out = malloc(total);
    assert_non_null(out);
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        if (i)
            out[used++] = ' ';
        size_t len = strlen(lines[i]);
        memcpy(out + used, lines[i], len);
        used += len;
        free(lines[i]);
    }
    out[used] = '\0';
    free(lines);
    return out;
}

static void assert_deletable(const floe_table_metadata *before, const floe_table_metadata *after,
                             floe_file_io *io, const char *expected)
{
    floe_file_set *s = NULL;
    int rc = floe_expire_files_to_delete(&s, io, before, after);
    if (rc)
        fprintf(stderr, "files to delete: %s\n", floe_error_last());
    assert_int_equal(rc, 0);
    char *got = describe(s);
    assert_string_equal(got, expected);
    free(got);
    floe_file_set_free(s);
}

static void test_expiring_first_two_frees_overwritten_file_US7(void **state)
{
    fixture *f = *state;
    int64_t ids[] = {1, 2};
    floe_table_metadata *after = expire(f->md, ids, 2);
    /* a is deleted by 3 (DELETED in m3), so only m1 kept it alive; b lives on in m3 */
    assert_deletable(f->md, after, f->io,
                     "data:data/a.parquet list:metadata/snap-1.avro list:metadata/snap-2.avro "
                     "manifest:metadata/m1.avro stats:metadata/stats-1.puffin");

    /* expiring 3 and 4 next frees only their manifest lists: their manifests are shared */
    int64_t more[] = {3, 4};
    floe_table_metadata *after2 = expire(after, more, 2);
    assert_deletable(after, after2, f->io, "list:metadata/snap-3.avro list:metadata/snap-4.avro");
    floe_table_metadata_release(after2);
    floe_table_metadata_release(after);
}

static void test_expiring_only_first_keeps_shared_manifest(void **state)
{
    fixture *f = *state;
    int64_t ids[] = {1};
    floe_table_metadata *after = expire(f->md, ids, 1);
    /* m1 is still listed by snapshot 2, so a and b stay */
    assert_deletable(f->md, after, f->io,
                     "list:metadata/snap-1.avro stats:metadata/stats-1.puffin");
    floe_table_metadata_release(after);
}

static void test_expiring_after_rollback_frees_newer_files(void **state)
{
    fixture *f = *state;
    /* roll main back to 2, then expire 3, 4 and 5: m3, m4, m5 and their files go; m1 (with a)
     * and m2 are live again */
    floe_snapshot_ref r = *floe_table_metadata_ref(f->md, "main");
    r.snapshot_id = 2;
    floe_table_update *u = NULL;
    assert_int_equal(floe_update_set_snapshot_ref(&u, "main", &r), 0);
    floe_table_metadata *rolled = NULL;
    assert_int_equal(floe_table_metadata_commit(&rolled, f->md, NULL, NULL, 0, &u, 1), 0);
    floe_update_free(u);
    int64_t ids[] = {3, 4, 5};
    floe_table_metadata *after = expire(rolled, ids, 3);
    assert_deletable(rolled, after, f->io,
                     "data:data/e.parquet list:metadata/snap-3.avro list:metadata/snap-4.avro "
                     "list:metadata/snap-5.avro manifest:metadata/m3.avro "
                     "manifest:metadata/m4.avro manifest:metadata/m5.avro "
                     "pos:data/pos.parquet");
    floe_table_metadata_release(after);
    floe_table_metadata_release(rolled);
}

static void test_nothing_expired_nothing_deletable(void **state)
{
    fixture *f = *state;
    assert_deletable(f->md, f->md, f->io, "");
}

static void test_referenced_files_cover_every_level(void **state)
{
    fixture *f = *state;
    floe_file_set *s = NULL;
    assert_int_equal(
        floe_table_referenced_files(&s, f->io, f->md, "mem://t/metadata/00006.metadata.json"), 0);
    char *got = describe(s);
    assert_string_equal(
        got, "data:data/a.parquet data:data/b.parquet data:data/c.parquet data:data/e.parquet "
             "list:metadata/snap-1.avro list:metadata/snap-2.avro list:metadata/snap-3.avro "
             "list:metadata/snap-4.avro list:metadata/snap-5.avro manifest:metadata/m1.avro "
             "manifest:metadata/m2.avro manifest:metadata/m3.avro manifest:metadata/m4.avro "
             "manifest:metadata/m5.avro meta:metadata/00000.metadata.json "
             "meta:metadata/00001.metadata.json meta:metadata/00002.metadata.json "
             "meta:metadata/00003.metadata.json meta:metadata/00004.metadata.json "
             "meta:metadata/00006.metadata.json pos:data/pos.parquet "
             "stats:metadata/stats-1.puffin");
    free(got);
    assert_int_equal(floe_file_set_count_kind(s, FLOE_FILE_MANIFEST), 5);
    assert_false(floe_file_set_contains(s, "mem://t/data/zzz.parquet"));
    floe_file_set_free(s);
}

static void test_unreadable_manifest_list_is_reported(void **state)
{
    fixture *f = *state;
    int64_t ids[] = {1};
    floe_table_metadata *after = expire(f->md, ids, 1);
    assert_int_equal(f->io->remove(f->io, "mem://t/metadata/snap-1.avro"), 0);
    floe_file_set *s = NULL;
    int rc = floe_expire_files_to_delete(&s, f->io, f->md, after);
    assert_true(rc < 0);
    assert_null(s);
    assert_non_null(strstr(floe_error_last(), "snap-1.avro"));
    floe_table_metadata_release(after);
}

/* A v1 table whose snapshots list their manifests inline (no manifest list). */
static void test_v1_inline_manifests(void **state)
{
    fixture *f = *state;
    static const char V1[] =
        "{\"format-version\":1,\"table-uuid\":\"9c12d441-03fe-4693-9a96-a0705ddf69c1\","
        "\"location\":\"mem://t\",\"last-updated-ms\":2000,\"last-column-id\":1,"
        "\"schema\":{\"type\":\"struct\",\"fields\":[{\"id\":1,\"name\":\"id\","
        "\"required\":true,\"type\":\"long\"}]},\"partition-spec\":[],\"properties\":{},"
        "\"current-snapshot-id\":2,\"snapshots\":["
        "{\"snapshot-id\":1,\"timestamp-ms\":1000,\"manifests\":[\"mem://t/metadata/m1.avro\"]},"
        "{\"snapshot-id\":2,\"parent-snapshot-id\":1,\"timestamp-ms\":2000,"
        "\"manifests\":[\"mem://t/metadata/m3.avro\",\"mem://t/metadata/m2.avro\"]}]}";
    floe_table_metadata *v1 = NULL;
    int rc = floe_table_metadata_from_json(&v1, V1, strlen(V1));
    if (rc)
        fprintf(stderr, "v1: %s\n", floe_error_last());
    assert_int_equal(rc, 0);
    floe_file_set *s = NULL;
    assert_int_equal(floe_table_referenced_files(&s, f->io, v1, NULL), 0);
    char *got = describe(s);
    assert_string_equal(got, "data:data/a.parquet data:data/b.parquet data:data/c.parquet "
                             "manifest:metadata/m1.avro manifest:metadata/m2.avro "
                             "manifest:metadata/m3.avro");
    free(got);
    floe_file_set_free(s);

    int64_t ids[] = {1};
    floe_table_metadata *after = expire(v1, ids, 1);
    assert_null(floe_table_metadata_snapshot_by_id(after, 1));
    assert_deletable(v1, after, f->io, "data:data/a.parquet manifest:metadata/m1.avro");
    floe_table_metadata_release(after);
    floe_table_metadata_release(v1);
}

static void test_allocation_failures_report_enomem(void **state)
{
    fixture *f = *state;
    int64_t ids[] = {1, 2};
    floe_table_metadata *after = expire(f->md, ids, 2);
    int succeeded = 0;
    for (long n = 1; n < 20000 && !succeeded; n++) {
        floe_file_set *del = NULL, *all = NULL;
        floe_alloc_fail_after(n);
        int rc = floe_expire_files_to_delete(&del, f->io, f->md, after);
        if (!rc)
            rc = floe_table_referenced_files(&all, f->io, f->md, NULL);
        floe_alloc_fail_after(0);
        if (rc == 0) {
            succeeded = 1;
            assert_int_equal(floe_file_set_count(del), 5);
            assert_int_equal(floe_file_set_count(all), 21);
        } else if (rc != FLOE_ENOMEM && !strstr(floe_error_last(), "out of memory")) {
            fail_msg("allocation %ld: %d %s", n, rc, floe_error_last());
        }
        floe_file_set_free(del);
        floe_file_set_free(all);
    }
    assert_true(succeeded);
    floe_table_metadata_release(after);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_expiring_first_two_frees_overwritten_file_US7, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_expiring_only_first_keeps_shared_manifest, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_expiring_after_rollback_frees_newer_files, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_nothing_expired_nothing_deletable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_referenced_files_cover_every_level, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreadable_manifest_list_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_v1_inline_manifests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allocation_failures_report_enomem, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
