/* The sql catalog beyond the contract: the JDBC schema as the sqlite3 CLI sees it, a database
 * created the PyIceberg way, metadata file naming and the previous pointer, concurrent commits
 * from two processes, a lost compare-and-swap, failed writes during a commit, purge,
 * registration through the registry with its storage dependency, and what the logs say. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <floe/catalog.h>
#include <floe/error.h>
#include <floe/iceberg/manifest.h>
#include <floe/iceberg/manifest_list.h>
#include <floe/iceberg/partition.h>
#include <floe/iceberg/schema.h>
#include <floe/log.h>
#include <floe/registry.h>
#include <floe/storage.h>

#include "base/alloc.h"
#include "catalog_contract.h"
#include "test_support.h"

typedef struct env {
    char db[1024];
    char wh[1024];
    char dir[512];
} env;

static void env_init(env *e, const char *label)
{
    const char *dir = floe_test_tmpdir(label);
    assert_non_null(dir);
    snprintf(e->dir, sizeof e->dir, "%s", dir);
    snprintf(e->db, sizeof e->db, "%s/catalog.db", dir);
    snprintf(e->wh, sizeof e->wh, "%s/warehouse", dir);
}

static floe_catalog_plugin *open_cat(const env *e, const char *name, floe_file_io *io)
{
    floe_sql_catalog_options o = FLOE_SQL_CATALOG_OPTIONS_INIT;
    o.path = e->db;
    o.warehouse = e->wh;
    o.catalog_name = name;
    o.file_io = io;
    floe_catalog_plugin *c = NULL;
    int rc = floe_sql_catalog_new(&c, &o);
    if (rc)
        fail_msg("opening the sql catalog: %s", floe_error_last());
    return c;
}

static json_t *create(floe_catalog_plugin *c, const char *ns, const char *name)
{
    json_t *req = json_object();
    json_object_set_new(req, "schema", json_loads(floe_catalog_contract_schema, 0, NULL));
    json_t *out = NULL;
    int rc = c->create_table(&out, c, ns, name, req);
    json_decref(req);
    if (rc)
        fail_msg("create_table: %s", floe_error_last());
    return out;
}

static int set_property(json_t **out, floe_catalog_plugin *c, const char *ns, const char *t,
                        const char *key, const char *value)
{
    json_t *req = json_pack("{s:[],s:[{s:s,s:{s:s}}]}", "requirements", "updates", "action",
                            "set-properties", "updates", key, value);
    int rc = c->commit_table(out, c, ns, t, req);
    json_decref(req);
    return rc;
}

static const char *mloc_of(const json_t *r)
{
    return json_string_value(json_object_get(r, "metadata-location"));
}

static char *run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *run(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    char *out = NULL;
    int status = floe_test_run(cmd, 1, &out);
    if (status != 0)
        fail_msg("command failed (%d): %s\n%s", status, cmd, out ? out : "");
    return out;
}

static int count_metadata_files(const char *dir)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "find '%s' -name '*.metadata.json' | wc -l", dir);
    char *out = NULL;
    assert_int_equal(floe_test_run(cmd, 0, &out), 0);
    int n = atoi(out);
    free(out);
    return n;
}

/* ---- schema and compatibility ---- */

static void test_jdbc_schema_readable_with_sqlite3_cli(void **state)
{
    (void)state;
    env e;
    env_init(&e, "sql_schema");
    floe_catalog_plugin *c = open_cat(&e, "prod", NULL);
    assert_int_equal(c->create_namespace(c, "sales.raw", NULL), 0);
    json_t *t = create(c, "sales.raw", "orders");
    c->free(c);

    char *schema = run("sqlite3 '%s' '.schema'", e.db);
    assert_non_null(strstr(schema, "CREATE TABLE iceberg_tables"));
    const char *tcols[] = {"catalog_name VARCHAR(255) NOT NULL",
                           "table_namespace VARCHAR(255) NOT NULL",
                           "table_name VARCHAR(255) NOT NULL",
                           "metadata_location VARCHAR(1000)",
                           "previous_metadata_location VARCHAR(1000)",
                           "iceberg_type VARCHAR(5)",
                           "PRIMARY KEY (catalog_name, table_namespace, table_name)",
                           "CREATE TABLE iceberg_namespace_properties",
                           "namespace VARCHAR(255) NOT NULL",
                           "property_key VARCHAR(255)",
                           "property_value VARCHAR(1000)",
                           "PRIMARY KEY (catalog_name, namespace, property_key)"};
    for (size_t i = 0; i < sizeof tcols / sizeof tcols[0]; i++)
        if (!strstr(schema, tcols[i]))
            fail_msg("schema lacks '%s':\n%s", tcols[i], schema);
    free(schema);

    char *rows = run("sqlite3 '%s' \"SELECT catalog_name, table_namespace, table_name, "
                     "metadata_location, iceberg_type FROM iceberg_tables\"",
                     e.db);
    char expect[2048];
    snprintf(expect, sizeof expect, "prod|sales.raw|orders|%s|TABLE", mloc_of(t));
    assert_non_null(strstr(rows, expect));
    free(rows);
    char *props = run("sqlite3 '%s' \"SELECT catalog_name, namespace, property_key, "
                      "property_value FROM iceberg_namespace_properties\"",
                      e.db);
    assert_non_null(strstr(props, "prod|sales.raw|exists|true"));
    free(props);
    char *mode = run("sqlite3 '%s' 'PRAGMA journal_mode'", e.db);
    assert_non_null(strstr(mode, "wal"));
    free(mode);
    json_decref(t);
}

static void test_locations_versions_and_previous_pointer(void **state)
{
    (void)state;
    env e;
    env_init(&e, "sql_versions");
    floe_catalog_plugin *c = open_cat(&e, NULL, NULL);
    assert_int_equal(c->create_namespace(c, "sales.raw", NULL), 0);
    json_t *t = create(c, "sales.raw", "orders");
    char loc[2048];
    snprintf(loc, sizeof loc, "%s/sales/raw/orders", e.wh);
    const char *md_loc =
        json_string_value(json_object_get(json_object_get(t, "metadata"), "location"));
    assert_non_null(strstr(md_loc, "/warehouse/sales/raw/orders"));
    assert_non_null(strstr(mloc_of(t), "/metadata/00001-"));
    json_t *r = NULL;
    assert_int_equal(set_property(&r, c, "sales.raw", "orders", "k", "v"), 0);
    assert_non_null(strstr(mloc_of(r), "/metadata/00002-"));
    char *prev = run("sqlite3 '%s' \"SELECT previous_metadata_location FROM iceberg_tables "
                     "WHERE table_name = 'orders'\"",
                     e.db);
    assert_non_null(strstr(prev, mloc_of(t)));
    free(prev);
    /* a commit that changes nothing writes no file */
    json_t *same = NULL;
    assert_int_equal(set_property(&same, c, "sales.raw", "orders", "k", "v"), 0);
    assert_string_equal(mloc_of(same), mloc_of(r));
    json_decref(same);
    json_decref(r);
    json_decref(t);
    c->free(c);
    (void)loc;
}

static void test_pyiceberg_style_database_opens_and_commits(void **state)
{
    (void)state;
    env e;
    env_init(&e, "sql_pyiceberg");
    /* a metadata file made elsewhere, then a database laid out as PyIceberg's SqlCatalog makes
     * it: no iceberg_type column, property_value NOT NULL */
    env src = e;
    snprintf(src.db, sizeof src.db, "%s/source.db", e.dir);
    floe_catalog_plugin *s = open_cat(&src, NULL, NULL);
    assert_int_equal(s->create_namespace(s, "legacy", NULL), 0);
    json_t *t = create(s, "legacy", "events");
    s->free(s);
    char sql[4096];
    snprintf(sql, sizeof sql,
             "CREATE TABLE iceberg_tables (catalog_name VARCHAR(255) NOT NULL, table_namespace "
             "VARCHAR(255) NOT NULL, table_name VARCHAR(255) NOT NULL, metadata_location "
             "VARCHAR(1000), previous_metadata_location VARCHAR(1000), PRIMARY KEY "
             "(catalog_name, table_namespace, table_name)); CREATE TABLE "
             "iceberg_namespace_properties (catalog_name VARCHAR(255) NOT NULL, namespace "
             "VARCHAR(255) NOT NULL, property_key VARCHAR(255) NOT NULL, property_value "
             "VARCHAR(1000) NOT NULL, PRIMARY KEY (catalog_name, namespace, property_key)); "
             "INSERT INTO iceberg_tables VALUES ('default', 'legacy', 'events', '%s', NULL);",
             mloc_of(t));
    free(run("sqlite3 '%s' \"%s\"", e.db, sql));
    floe_catalog_plugin *c = open_cat(&e, "default", NULL);
    int exists = 0;
    assert_int_equal(c->namespace_exists(&exists, c, "legacy"), 0);
    assert_int_equal(exists, 1);
    json_t *loaded = NULL;
    assert_int_equal(c->load_table(&loaded, c, "legacy", "events"), 0);
    json_decref(loaded);
    json_t *r = NULL;
    assert_int_equal(set_property(&r, c, "legacy", "events", "k", "v"), 0);
    json_decref(r);
    c->free(c);
    char *cols = run("sqlite3 '%s' 'PRAGMA table_info(iceberg_tables)'", e.db);
    assert_non_null(strstr(cols, "iceberg_type"));
    free(cols);
    json_decref(t);
}

/* ---- concurrency ---- */

static int child_commits(const env *e, int worker, int count)
{
    floe_sql_catalog_options o = FLOE_SQL_CATALOG_OPTIONS_INIT;
    o.path = e->db;
    o.warehouse = e->wh;
    floe_catalog_plugin *c = NULL;
    if (floe_sql_catalog_new(&c, &o) != 0)
        return 2;
    int failed = 0;
    for (int i = 0; i < count && !failed; i++) {
        char key[32];
        snprintf(key, sizeof key, "w%d-%d", worker, i);
        int rc;
        int attempts = 0;
        do {
            rc = set_property(NULL, c, "ns", "t", key, "v");
            attempts++;
        } while ((rc == FLOE_ECONFLICT || rc == FLOE_EUNAVAILABLE) && attempts < 1000);
        if (rc != 0) {
            fprintf(stderr, "worker %d commit %d: %s\n", worker, i, floe_error_last());
            failed = 1;
        }
    }
    c->free(c);
    return failed;
}

static void test_two_processes_commit_concurrently_without_loss(void **state)
{
    (void)state;
    env e;
    env_init(&e, "sql_two_procs");
    floe_catalog_plugin *c = open_cat(&e, NULL, NULL);
    assert_int_equal(c->create_namespace(c, "ns", NULL), 0);
    json_decref(create(c, "ns", "t"));
    c->free(c);
    enum { PER_WORKER = 20 };
    pid_t pids[2];
    for (int w = 0; w < 2; w++) {
        pids[w] = fork();
        assert_true(pids[w] >= 0);
        if (pids[w] == 0)
            _exit(child_commits(&e, w, PER_WORKER));
    }
    for (int w = 0; w < 2; w++) {
        int status = 0;
        assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    c = open_cat(&e, NULL, NULL);
    json_t *loaded = NULL;
    assert_int_equal(c->load_table(&loaded, c, "ns", "t"), 0);
    const json_t *props = json_object_get(json_object_get(loaded, "metadata"), "properties");
    for (int w = 0; w < 2; w++)
        for (int i = 0; i < PER_WORKER; i++) {
            char key[32];
            snprintf(key, sizeof key, "w%d-%d", w, i);
            if (!json_object_get(props, key))
                fail_msg("commit %s was lost", key);
        }
    assert_non_null(strstr(mloc_of(loaded), "/metadata/00041-"));
    json_decref(loaded);
    c->free(c);
    /* every losing attempt removed its file: 1 create + 40 commits */
    char mdir[2048];
    snprintf(mdir, sizeof mdir, "%s/ns/t/metadata", e.wh);
    assert_int_equal(count_metadata_files(mdir), 41);
}

/* ---- a FileIO with injected faults ---- */

typedef struct fault_io {
    floe_file_io *inner;
    int fail_write_at;  /* 1-based write call that fails; 0 never */
    int fail_commit_at; /* 1-based output commit that fails; 0 never */
    int writes, commits;
    void (*before_commit)(void *ctx); /* run once, before the first output commit */
    void *hook_ctx;
} fault_io;

typedef struct fault_out {
    fault_io *f;
    floe_output_file *inner;
} fault_out;

static int fo_write(floe_output_file *o, const void *data, size_t len)
{
    fault_out *s = o->state;
    if (++s->f->writes == s->f->fail_write_at)
        return floe_error_set(FLOE_EIO, "injected write failure");
    return s->inner->write(s->inner, data, len);
}

static int fo_commit(floe_output_file *o)
{
    fault_out *s = o->state;
    fault_io *f = s->f;
    floe_output_file *inner = s->inner;
    free(s);
    free(o);
    if (f->before_commit) {
        void (*hook)(void *) = f->before_commit;
        f->before_commit = NULL;
        hook(f->hook_ctx);
    }
    if (++f->commits == f->fail_commit_at) {
        inner->abort(inner);
        return floe_error_set(FLOE_EIO, "injected commit failure");
    }
    return inner->commit(inner);
}

static void fo_abort(floe_output_file *o)
{
    fault_out *s = o->state;
    s->inner->abort(s->inner);
    free(s);
    free(o);
}

static int fi_create(floe_output_file **out, floe_file_io *io, const char *location,
                     floe_create_mode mode)
{
    fault_io *f = io->state;
    floe_output_file *inner = NULL;
    int rc = f->inner->create(&inner, f->inner, location, mode);
    if (rc)
        return rc;
    floe_output_file *o = calloc(1, sizeof *o);
    fault_out *s = calloc(1, sizeof *s);
    s->f = f;
    s->inner = inner;
    o->version = FLOE_IO_VERSION;
    o->location = inner->location;
    o->write = fo_write;
    o->commit = fo_commit;
    o->abort = fo_abort;
    o->state = s;
    *out = o;
    return 0;
}

static int fi_open(floe_input_file **out, floe_file_io *io, const char *location)
{
    fault_io *f = io->state;
    return f->inner->open(out, f->inner, location);
}

static int fi_exists(int *out, floe_file_io *io, const char *location)
{
    fault_io *f = io->state;
    return f->inner->exists(out, f->inner, location);
}

static int fi_remove(floe_file_io *io, const char *location)
{
    fault_io *f = io->state;
    return f->inner->remove(f->inner, location);
}

static int fi_list(floe_file_io *io, const char *prefix, floe_file_list_cb cb, void *ctx)
{
    fault_io *f = io->state;
    return f->inner->list(f->inner, prefix, cb, ctx);
}

static void fi_free(floe_file_io *io)
{
    fault_io *f = io->state;
    floe_file_io_free(f->inner);
    free(f);
    free(io);
}

static floe_file_io *fault_io_new(const char *root, fault_io **handle)
{
    floe_file_io *io = calloc(1, sizeof *io);
    fault_io *f = calloc(1, sizeof *f);
    assert_int_equal(floe_local_file_io_new(&f->inner, root), 0);
    io->version = FLOE_IO_VERSION;
    io->open = fi_open;
    io->create = fi_create;
    io->exists = fi_exists;
    io->remove = fi_remove;
    io->list = fi_list;
    io->free = fi_free;
    io->state = f;
    *handle = f;
    return io;
}

static void test_failed_write_during_commit_keeps_previous_metadata(void **state)
{
    (void)state;
    env e;
    env_init(&e, "sql_faults");
    fault_io *f = NULL;
    floe_catalog_plugin *c = open_cat(&e, NULL, fault_io_new(e.wh, &f));
    assert_int_equal(c->create_namespace(c, "ns", NULL), 0);
    json_t *t = create(c, "ns", "t");
    char mdir[2048];
    snprintf(mdir, sizeof mdir, "%s/ns/t/metadata", e.wh);
    for (int mode = 0; mode < 2; mode++) {
        f->writes = f->commits = 0;
        f->fail_write_at = mode == 0 ? 1 : 0;
        f->fail_commit_at = mode == 1 ? 1 : 0;
        json_t *r = NULL;
        int rc = set_property(&r, c, "ns", "t", "k", "v");
        assert_int_equal(rc, FLOE_EIO);
        assert_null(r);
        f->fail_write_at = f->fail_commit_at = 0;
        json_t *loaded = NULL;
        assert_int_equal(c->load_table(&loaded, c, "ns", "t"), 0);
        assert_string_equal(mloc_of(loaded), mloc_of(t));
        assert_null(json_object_get(
            json_object_get(json_object_get(loaded, "metadata"), "properties"), "k"));
        json_decref(loaded);
        assert_int_equal(count_metadata_files(mdir), 1);
    }
    /* once the fault is gone the same commit goes through */
    json_t *r = NULL;
    assert_int_equal(set_property(&r, c, "ns", "t", "k", "v"), 0);
    json_decref(r);
    /* a failure while creating a table leaves no table */
    f->writes = 0;
    f->fail_write_at = 1;
    json_t *req = json_object();
    json_object_set_new(req, "schema", json_loads(floe_catalog_contract_schema, 0, NULL));
    json_t *out = NULL;
    assert_int_equal(c->create_table(&out, c, "ns", "u", req), FLOE_EIO);
    json_decref(req);
    int exists = 1;
    assert_int_equal(c->table_exists(&exists, c, "ns", "u"), 0);
    assert_int_equal(exists, 0);
    json_decref(t);
    c->free(c);
}

typedef struct race {
    const env *e;
    int rc;
} race;

static void rival_commit(void *ctx)
{
    race *r = ctx;
    floe_catalog_plugin *other = open_cat(r->e, NULL, NULL);
    r->rc = set_property(NULL, other, "ns", "t", "rival", "1");
    other->free(other);
}

static void test_lost_compare_and_swap_is_conflict_and_removes_its_file(void **state)
{
    (void)state;
    env e;
    env_init(&e, "sql_cas");
    fault_io *f = NULL;
    floe_catalog_plugin *c = open_cat(&e, NULL, fault_io_new(e.wh, &f));
    assert_int_equal(c->create_namespace(c, "ns", NULL), 0);
    json_decref(create(c, "ns", "t"));
    /* another writer commits between our metadata write and our swap */
    race r = {&e, -1};
    f->before_commit = rival_commit;
    f->hook_ctx = &r;
    json_t *out = NULL;
    assert_int_equal(set_property(&out, c, "ns", "t", "mine", "1"), FLOE_ECONFLICT);
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(floe_error_last(), "reload the table and retry"));
    assert_null(out);
    json_t *loaded = NULL;
    assert_int_equal(c->load_table(&loaded, c, "ns", "t"), 0);
    const json_t *props = json_object_get(json_object_get(loaded, "metadata"), "properties");
    assert_non_null(json_object_get(props, "rival"));
    assert_null(json_object_get(props, "mine"));
    json_decref(loaded);
    char mdir[2048];
    snprintf(mdir, sizeof mdir, "%s/ns/t/metadata", e.wh);
    assert_int_equal(count_metadata_files(mdir), 2);
    /* the retry on the new base succeeds */
    assert_int_equal(set_property(NULL, c, "ns", "t", "mine", "1"), 0);
    c->free(c);
}

/* ---- purge ---- */

static void test_purge_deletes_metadata_files_drop_keeps_them(void **state)
{
    (void)state;
    env e;
    env_init(&e, "sql_purge");
    floe_catalog_plugin *c = open_cat(&e, NULL, NULL);
    assert_int_equal(c->create_namespace(c, "ns", NULL), 0);
    json_decref(create(c, "ns", "kept"));
    json_decref(create(c, "ns", "purged"));
    for (int i = 0; i < 3; i++) {
        char v[8];
        snprintf(v, sizeof v, "%d", i);
        assert_int_equal(set_property(NULL, c, "ns", "kept", "k", v), 0);
        assert_int_equal(set_property(NULL, c, "ns", "purged", "k", v), 0);
    }
    char kept[2048], purged[2048];
    snprintf(kept, sizeof kept, "%s/ns/kept", e.wh);
    snprintf(purged, sizeof purged, "%s/ns/purged", e.wh);
    assert_int_equal(count_metadata_files(purged), 4);
    assert_int_equal(c->drop_table(c, "ns", "kept", 0), 0);
    assert_int_equal(c->drop_table(c, "ns", "purged", 1), 0);
    assert_int_equal(count_metadata_files(kept), 4);
    assert_int_equal(count_metadata_files(purged), 0);
    c->free(c);
}

/* Builds dir + rel into out; the test stops rather than working on a truncated path. */
static void table_path(char out[2048], const char *dir, const char *rel)
{
    int n = snprintf(out, 2048, "%s%s", dir, rel);
    assert_true(n > 0 && n < 2048);
}

/* Writes a data file, a manifest recording it and a manifest list, and commits the snapshot. */
static void append_snapshot(floe_catalog_plugin *c, floe_file_io *io, const char *table_dir,
                            char paths[3][2048])
{
    table_path(paths[0], table_dir, "/data/00000-0-a.parquet");
    table_path(paths[1], table_dir, "/metadata/m-1001.avro");
    table_path(paths[2], table_dir, "/metadata/snap-1001-1-a.avro");
    assert_int_equal(floe_file_io_write_all(io, paths[0], FLOE_CREATE_EXCLUSIVE, "PAR1", 4), 0);
    floe_schema *schema = NULL;
    floe_partition_spec *spec = NULL;
    assert_int_equal(floe_schema_from_json(&schema, floe_catalog_contract_schema,
                                           strlen(floe_catalog_contract_schema)),
                     0);
    assert_int_equal(floe_partition_spec_unpartitioned(&spec), 0);
    floe_output_file *out = NULL;
    assert_int_equal(io->create(&out, io, paths[1], FLOE_CREATE_EXCLUSIVE), 0);
    floe_manifest_writer_options o = FLOE_MANIFEST_WRITER_OPTIONS_INIT;
    o.snapshot_id = 1001;
    floe_manifest_writer *mw = NULL;
    assert_int_equal(floe_manifest_writer_new(&mw, out, schema, spec, &o), 0);
    floe_data_file *df = NULL;
    assert_int_equal(floe_data_file_new(&df, FLOE_CONTENT_DATA, paths[0], "parquet", 1, 4), 0);
    assert_int_equal(floe_manifest_writer_add(mw, df), 0);
    floe_manifest_file *mf = NULL;
    assert_int_equal(floe_manifest_writer_finish(&mf, mw), 0);
    floe_manifest_writer_free(mw);
    assert_int_equal(io->create(&out, io, paths[2], FLOE_CREATE_EXCLUSIVE), 0);
    floe_manifest_list_writer *lw = NULL;
    assert_int_equal(floe_manifest_list_writer_new(&lw, out, 1001, -1, 1, 0), 0);
    assert_int_equal(floe_manifest_list_writer_add(lw, mf), 0);
    assert_int_equal(floe_manifest_list_writer_finish(lw, NULL), 0);
    floe_manifest_list_writer_free(lw);
    floe_manifest_file_free(mf);
    floe_data_file_free(df);
    floe_partition_spec_free(spec);
    floe_schema_free(schema);
    char req[4096];
    snprintf(req, sizeof req,
             "{\"requirements\":[{\"type\":\"assert-ref-snapshot-id\",\"ref\":\"main\","
             "\"snapshot-id\":null}],\"updates\":[{\"action\":\"add-snapshot\",\"snapshot\":{"
             "\"snapshot-id\":1001,\"sequence-number\":1,\"timestamp-ms\":1700000000000,"
             "\"manifest-list\":\"%s\",\"summary\":{\"operation\":\"append\"},\"schema-id\":0}},"
             "{\"action\":\"set-snapshot-ref\",\"ref-name\":\"main\",\"type\":\"branch\","
             "\"snapshot-id\":1001}]}",
             paths[2]);
    json_t *r = json_loads(req, 0, NULL);
    assert_non_null(r);
    json_t *res = NULL;
    int rc = c->commit_table(&res, c, "ns", "snap", r);
    if (rc)
        fail_msg("add-snapshot commit: %s", floe_error_last());
    json_decref(r);
    json_decref(res);
}

static void test_purge_deletes_manifests_and_data_files(void **state)
{
    (void)state;
    env e;
    env_init(&e, "sql_purge_data");
    floe_catalog_plugin *c = open_cat(&e, NULL, NULL);
    assert_int_equal(c->create_namespace(c, "ns", NULL), 0);
    json_decref(create(c, "ns", "snap"));
    floe_file_io *io = NULL;
    assert_int_equal(floe_local_file_io_new(&io, e.wh), 0);
    char table_dir[2048];
    snprintf(table_dir, sizeof table_dir, "%s/ns/snap", e.wh);
    char paths[3][2048];
    append_snapshot(c, io, table_dir, paths);
    /* a file no metadata refers to is not the table's to delete */
    char orphan[2100];
    snprintf(orphan, sizeof orphan, "%s/data/orphan.parquet", table_dir);
    assert_int_equal(floe_file_io_write_all(io, orphan, FLOE_CREATE_EXCLUSIVE, "x", 1), 0);
    assert_int_equal(c->drop_table(c, "ns", "snap", 1), 0);
    for (int i = 0; i < 3; i++) {
        int exists = 1;
        assert_int_equal(io->exists(&exists, io, paths[i]), 0);
        if (exists)
            fail_msg("purge left %s", paths[i]);
    }
    assert_int_equal(count_metadata_files(table_dir), 0);
    int exists = 0;
    assert_int_equal(io->exists(&exists, io, orphan), 0);
    assert_int_equal(exists, 1);
    floe_file_io_free(io);
    c->free(c);
}

/* ---- allocation failures ---- */

static void test_allocation_failures_leave_the_table_loadable(void **state)
{
    (void)state;
    env e;
    env_init(&e, "sql_alloc");
    floe_catalog_plugin *c = open_cat(&e, NULL, NULL);
    assert_int_equal(c->create_namespace(c, "ns", NULL), 0);
    json_decref(create(c, "ns", "t"));
    int succeeded = 0, failures = 0;
    for (long n = 1; n < 400 && !succeeded; n++) {
        char key[32];
        snprintf(key, sizeof key, "k%ld", n);
        floe_alloc_fail_after(n);
        json_t *res = NULL;
        int rc = set_property(&res, c, "ns", "t", key, "v");
        floe_alloc_fail_after(0);
        json_decref(res);
        json_t *loaded = NULL;
        assert_int_equal(c->load_table(&loaded, c, "ns", "t"), 0);
        const json_t *props = json_object_get(json_object_get(loaded, "metadata"), "properties");
        if (rc == 0) {
            assert_non_null(json_object_get(props, key));
            succeeded = 1;
        } else {
            failures++;
            if (rc != FLOE_ECOMMITUNKNOWN)
                assert_null(json_object_get(props, key));
        }
        json_decref(loaded);
    }
    assert_true(succeeded);
    assert_true(failures > 10); /* the commit path allocates, and each failure was survived */
    c->free(c);
}

/* ---- registry ---- */

static void test_registered_with_local_storage_dependency(void **state)
{
    (void)state;
    env e;
    env_init(&e, "sql_registry");
    floe_registry *r = NULL;
    assert_int_equal(floe_registry_new(&r, NULL), 0);
    assert_int_equal(floe_catalog_register_builtins(r), 0);
    /* without its storage plugin the catalog cannot be created */
    void *inst = NULL;
    assert_int_not_equal(floe_registry_get(&inst, r, FLOE_PLUGIN_CATALOG, "sql"), 0);
    floe_registry_free(r);

    assert_int_equal(floe_registry_new(&r, NULL), 0);
    assert_int_equal(floe_storage_register_builtins(r), 0);
    assert_int_equal(floe_catalog_register_builtins(r), 0);
    json_t *scfg = json_pack("{s:s}", "root", e.wh);
    json_t *ccfg =
        json_pack("{s:s,s:s,s:i}", "uri", e.db, "catalog_name", "reg", "busy_timeout_ms", 2000);
    assert_int_equal(floe_registry_configure(r, FLOE_PLUGIN_STORAGE, "local", scfg, NULL), 0);
    assert_int_equal(floe_registry_configure(r, FLOE_PLUGIN_CATALOG, "sql", ccfg, NULL), 0);
    json_decref(scfg);
    json_decref(ccfg);
    json_t *bad = json_pack("{s:i}", "busy_timeout_ms", -5);
    floe_registry *r2 = NULL;
    assert_int_equal(floe_registry_new(&r2, NULL), 0);
    assert_int_equal(floe_catalog_register_builtins(r2), 0);
    assert_int_equal(floe_registry_configure(r2, FLOE_PLUGIN_CATALOG, "sql", bad, NULL),
                     FLOE_ECONFIG);
    floe_registry_free(r2);
    json_decref(bad);

    floe_catalog_plugin *c = NULL;
    assert_int_equal(floe_registry_get((void **)&c, r, FLOE_PLUGIN_CATALOG, "sql"), 0);
    assert_int_equal(c->create_namespace(c, "ns", NULL), 0);
    json_t *t = create(c, "ns", "t");
    assert_non_null(strstr(mloc_of(t), "/warehouse/ns/t/metadata/"));
    json_decref(t);
    floe_health_status st;
    assert_int_equal(floe_registry_health_check(&st, r, FLOE_PLUGIN_CATALOG, "sql"), 0);
    assert_int_equal(st.state, FLOE_HEALTH_HEALTHY);
    floe_registry_free(r);
    char *rows = run("sqlite3 '%s' 'SELECT catalog_name FROM iceberg_tables'", e.db);
    assert_non_null(strstr(rows, "reg"));
    free(rows);
}

/* ---- observability ---- */

typedef struct captured {
    char text[65536];
    size_t len;
} captured;

static void capture(floe_log_level level, const char *line, size_t len, void *ctx)
{
    (void)level;
    captured *c = ctx;
    if (c->len + len + 2 < sizeof c->text) {
        memcpy(c->text + c->len, line, len);
        c->len += len;
        c->text[c->len++] = '\n';
        c->text[c->len] = '\0';
    }
}

static void test_operations_logged_without_values(void **state)
{
    (void)state;
    env e;
    env_init(&e, "sql_logs");
    floe_catalog_plugin *c = open_cat(&e, "obs", NULL);
    static captured cap;
    cap.len = 0;
    cap.text[0] = '\0';
    floe_log_set_format(FLOE_LOG_FORMAT_JSON);
    floe_log_set_level(FLOE_LOG_DEBUG);
    floe_log_set_sink(capture, &cap);
    json_t *props = json_pack("{s:s}", "comment", "value-not-for-logs");
    assert_int_equal(c->create_namespace(c, "sales", props), 0);
    json_decref(props);
    json_decref(create(c, "sales", "orders"));
    assert_int_equal(set_property(NULL, c, "sales", "orders", "k", "table-value-not-for-logs"), 0);
    assert_int_equal(c->drop_table(c, "sales", "missing", 0), FLOE_ENOTFOUND);
    floe_log_set_sink(NULL, NULL);
    floe_log_set_level(FLOE_LOG_WARN);
    c->free(c);
    assert_non_null(strstr(cap.text, "\"operation\":\"create_namespace\""));
    assert_non_null(strstr(cap.text, "\"operation\":\"create_table\""));
    assert_non_null(strstr(cap.text, "\"operation\":\"commit_table\""));
    assert_non_null(strstr(cap.text, "\"catalog\":\"obs\""));
    assert_non_null(strstr(cap.text, "\"namespace\":\"sales\""));
    assert_non_null(strstr(cap.text, "\"table\":\"orders\""));
    assert_non_null(strstr(cap.text, "\"result\":\"FLOE_ENOTFOUND\""));
    assert_null(strstr(cap.text, "value-not-for-logs"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jdbc_schema_readable_with_sqlite3_cli),
        cmocka_unit_test(test_locations_versions_and_previous_pointer),
        cmocka_unit_test(test_pyiceberg_style_database_opens_and_commits),
        cmocka_unit_test(test_two_processes_commit_concurrently_without_loss),
        cmocka_unit_test(test_failed_write_during_commit_keeps_previous_metadata),
        cmocka_unit_test(test_lost_compare_and_swap_is_conflict_and_removes_its_file),
        cmocka_unit_test(test_purge_deletes_metadata_files_drop_keeps_them),
        cmocka_unit_test(test_purge_deletes_manifests_and_data_files),
        cmocka_unit_test(test_allocation_failures_leave_the_table_loadable),
        cmocka_unit_test(test_registered_with_local_storage_dependency),
        cmocka_unit_test(test_operations_logged_without_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
