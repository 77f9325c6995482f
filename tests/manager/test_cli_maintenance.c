/* floe table alter / rollback / set-current / branch / tag / expire / remove-orphans through
 * the CLI ($FLOE_BIN) on a temporary warehouse: each change end to end, dry runs that change
 * nothing, JSON listings checked against the filesystem, help and exit codes. */
#include "test_support.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <utime.h>

#include <jansson.h>

#include <floe/table.h>

static char wh[2048];

static int floe(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int floe(char **out, const char *fmt, ...)
{
    char args[8192], cmd[16384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "FLOE_LOG_LEVEL=error '%s' %s --warehouse '%s'", floe_test_floe_bin(),
             args, wh);
    char *o = NULL;
    int rc = floe_test_run(cmd, 1, &o);
    if (out)
        *out = o;
    else
        free(o);
    return rc;
}

/* Runs a command that must succeed and returns its output (free()). */
static char *ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *ok(const char *fmt, ...)
{
    char args[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    char *out = NULL;
    int rc = floe(&out, "%s", args);
    if (rc != 0)
        fail_msg("floe %s: exit %d: %s", args, rc, out ? out : "");
    return out;
}

static json_t *ok_json(const char *args)
{
    char *out = ok("%s", args);
    json_error_t err;
    json_t *j = json_loads(out, 0, &err);
    if (!j)
        fail_msg("floe %s: not JSON: %s", args, out);
    free(out);
    return j;
}

static void fresh(const char *name)
{
    if (!floe_test_floe_bin())
        skip();
    snprintf(wh, sizeof wh, "%s", floe_test_tmpdir(name));
    free(ok("namespace create db"));
}

static void write_text(const char *path, const char *text)
{
    assert_int_equal(floe_test_write_file(path, text, strlen(text)), 0);
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Appends CSV text; returns the new snapshot id (from `snapshots --json`). */
static long long append_csv(const char *table, const char *csv)
{
    char path[4096];
    static int n;
    snprintf(path, sizeof path, "%s/in%d.csv", wh, n++);
    write_text(path, csv);
    free(ok("table append %s '%s'", table, path));
    json_t *s = ok_json("table snapshots db.t --json");
    long long id = (long long)json_integer_value(
        json_object_get(json_array_get(s, json_array_size(s) - 1), "snapshot-id"));
    json_decref(s);
    return id;
}

static long long scan_rows(const char *extra)
{
    char *out = ok("table scan db.t --format json %s", extra);
    json_error_t err;
    json_t *j = json_loads(out, JSON_DECODE_ANY, &err);
    long long n = -1;
    if (j && json_is_array(j))
        n = (long long)json_array_size(j);
    else {
        /* one JSON object per line */
        n = 0;
        for (const char *p = out; (p = strchr(p, '{')) != NULL; p++)
            n++;
    }
    json_decref(j);
    free(out);
    return n;
}

static void test_help_and_usage_errors(void **state)
{
    (void)state;
    fresh("climaint_help");
    char *out = ok("table --help");
    assert_non_null(strstr(out, "alter TABLE"));
    assert_non_null(strstr(out, "remove-orphans TABLE"));
    assert_non_null(strstr(out, "scan TABLE")); /* existing subcommands still listed */
    free(out);
    const char *subs[] = {"alter",  "rollback",       "branch",     "tag",
                          "expire", "remove-orphans", "set-current"};
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        out = ok("table %s --help", subs[i]);
        char want[64];
        snprintf(want, sizeof want, "usage: floe table %s", subs[i]);
        assert_non_null(strstr(out, want));
        free(out);
    }
    free(ok("table create db.t --schema 'id int not null'"));
    assert_int_equal(floe(NULL, "table alter db.t"), 2);
    assert_int_equal(floe(NULL, "table alter db.t --first"), 2);
    assert_int_equal(floe(NULL, "table rollback db.t"), 2);
    assert_int_equal(floe(NULL, "table rollback db.t --snapshot 1 --as-of 5"), 2);
    assert_int_equal(floe(NULL, "table branch db.t make x"), 2);
    assert_int_equal(floe(NULL, "table expire db.t --retain-last 0"), 2);
    assert_int_equal(floe(NULL, "table remove-orphans db.t --older-than soon"), 2);
    assert_int_equal(floe(NULL, "table expire db.nope"), 3);
    assert_int_equal(floe(NULL, "table alter db.t --drop-column nope"), 3);
    assert_int_equal(floe(NULL, "table alter db.t --widen 'id string'"), 5);
    assert_int_equal(floe(NULL, "table alter db.t --add-column 'x'"), 5);
}

static void test_alter_end_to_end(void **state)
{
    (void)state;
    fresh("climaint_alter");
    free(ok("table create db.t --schema 'id int not null, ts timestamptz, name string'"));
    append_csv("db.t",
               "id,ts,name\n1,2024-01-01T10:00:00+00:00,a\n2,2024-01-02T10:00:00+00:00,b\n");

    /* dry run prints the new schema and commits nothing */
    json_t *d0 = ok_json("table describe db.t --json");
    char *out = ok("table alter db.t --add-column 'score double' --after id --dry-run");
    assert_non_null(strstr(out, "\"score\""));
    free(out);
    json_t *d1 = ok_json("table describe db.t --json");
    assert_string_equal(json_string_value(json_object_get(d0, "metadata-location")),
                        json_string_value(json_object_get(d1, "metadata-location")));
    json_decref(d0);
    json_decref(d1);

    free(ok("table alter db.t --add-column 'score double' --after id --widen 'id long' "
            "--rename-column name:label --add-partition 'day(ts)'"));
    out = ok("table describe db.t");
    assert_non_null(strstr(out, "score"));
    assert_non_null(strstr(out, "label"));
    assert_non_null(strstr(out, "long"));
    assert_non_null(strstr(out, "day("));
    free(out);
    append_csv("db.t", "id,score,ts,label\n5000000000,1.5,2024-01-03T10:00:00+00:00,c\n");
    out = ok("table scan db.t --format csv");
    assert_non_null(strstr(out, "id,score,ts,label"));
    assert_non_null(strstr(out, "5000000000,1.5,"));
    assert_non_null(strstr(out, "1,,2024-01-01")); /* old file: score is null */
    free(out);
    /* the new file is partitioned by day, the old ones are not */
    out = ok("table files db.t");
    assert_non_null(strstr(out, "ts_day=2024-01-03"));
    free(out);
    assert_int_equal(scan_rows("--filter \"ts >= '2024-01-03T00:00:00+00:00'\""), 1);
    assert_int_equal(scan_rows("--filter \"label = 'a'\""), 1);

    free(ok("table alter db.t --drop-partition ts_day --drop-column score --make-optional id "
            "--add-column 'note string' --first"));
    out = ok("table scan db.t --format csv");
    assert_non_null(strstr(out, "note,id,ts,label"));
    free(out);
    assert_int_equal(scan_rows(""), 3);
}

/* Reordering, docs, identifier fields and required columns from the CLI; incompatible changes
 * exit 5 with a hint and commit nothing unless --allow-incompatible. */
static void test_alter_reorder_doc_identifier_required(void **state)
{
    (void)state;
    fresh("climaint_alter_more");
    free(ok("table create db.t --schema 'id int not null, name string, ts timestamp'"));
    append_csv("db.t", "id,name\n1,a\n2,b\n");
    json_t *before = ok_json("table describe db.t --json");
    char *out = NULL;
    assert_int_equal(floe(&out, "table alter db.t --add-column 'code int not null'"), 5);
    assert_non_null(strstr(out, "code"));
    assert_non_null(strstr(out, "--allow-incompatible"));
    free(out);
    assert_int_equal(floe(&out, "table alter db.t --make-required name"), 5);
    assert_non_null(strstr(out, "--allow-incompatible"));
    free(out);
    assert_int_equal(floe(&out, "table alter db.t --identifier-fields name"), 5);
    assert_non_null(strstr(out, "required"));
    free(out);
    assert_int_equal(floe(NULL, "table alter db.t --move-before code:nope"), 3);
    assert_int_equal(floe(NULL, "table alter db.t --move-after id"), 5);
    json_t *after = ok_json("table describe db.t --json");
    assert_string_equal(json_string_value(json_object_get(before, "metadata-location")),
                        json_string_value(json_object_get(after, "metadata-location")));
    json_decref(after);
    json_decref(before);

    free(ok("table alter db.t --move-first name --move-after ts:id --set-doc 'id:the row key' "
            "--identifier-fields id"));
    json_t *d = ok_json("table describe db.t --json");
    json_t *schema = json_object_get(d, "schema");
    json_t *fields = json_object_get(schema, "fields");
    const char *order[] = {"name", "id", "ts"};
    assert_int_equal(json_array_size(fields), 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(json_string_value(json_object_get(json_array_get(fields, i), "name")),
                            order[i]);
    assert_string_equal(json_string_value(json_object_get(json_array_get(fields, 1), "doc")),
                        "the row key");
    json_t *ids = json_object_get(schema, "identifier-field-ids");
    assert_int_equal(json_array_size(ids), 1);
    assert_int_equal(json_integer_value(json_array_get(ids, 0)), 1);
    json_decref(d);
    out = ok("table scan db.t --format csv");
    assert_non_null(strstr(out, "name,id,ts\n"));
    assert_non_null(strstr(out, "a,1,\n"));
    free(out);

    /* a doc-only change is a new schema too; an empty doc removes it */
    free(ok("table alter db.t --set-doc 'id:'"));
    d = ok_json("table describe db.t --json");
    assert_null(json_object_get(
        json_array_get(json_object_get(json_object_get(d, "schema"), "fields"), 1), "doc"));
    json_decref(d);

    /* forced: a required column old rows lack; identifier fields removed with '' */
    free(ok("table alter db.t --add-column 'code int not null' --allow-incompatible "
            "--identifier-fields ''"));
    d = ok_json("table describe db.t --json");
    schema = json_object_get(d, "schema");
    json_t *code = json_array_get(json_object_get(schema, "fields"), 3);
    assert_string_equal(json_string_value(json_object_get(code, "name")), "code");
    assert_true(json_is_true(json_object_get(code, "required")));
    ids = json_object_get(schema, "identifier-field-ids");
    assert_true(!ids || json_array_size(ids) == 0);
    json_decref(d);
    /* table properties: set, replace, remove, dry run; a malformed one is a usage error */
    out = ok("table alter db.t --set-property gc.enabled=false --set-property x.y=1 --dry-run");
    assert_non_null(strstr(out, "would set property gc.enabled=false"));
    free(out);
    free(ok("table alter db.t --set-property gc.enabled=false --set-property x.y=1"));
    d = ok_json("table describe db.t --json");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(d, "properties"), "gc.enabled")),
        "false");
    json_decref(d);
    /* gc.enabled=false protects files: remove-orphans refuses to delete */
    assert_int_equal(floe(NULL, "table remove-orphans db.t --older-than 0s"), 5);
    free(ok("table alter db.t --remove-property x.y --set-property gc.enabled=true"));
    d = ok_json("table describe db.t --json");
    assert_null(json_object_get(json_object_get(d, "properties"), "x.y"));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(d, "properties"), "gc.enabled")), "true");
    json_decref(d);
    assert_int_equal(floe(NULL, "table alter db.t --set-property novalue"), 2);
    out = ok("table alter --help");
    assert_non_null(strstr(out, "--set-property"));
    free(out);
    out = ok("table alter --help");
    assert_non_null(strstr(out, "--move-before"));
    assert_non_null(strstr(out, "--identifier-fields"));
    free(out);
}

static void test_rollback_branch_tag(void **state)
{
    (void)state;
    fresh("climaint_refs");
    free(ok("table create db.t --schema 'id long not null'"));
    long long s1 = append_csv("db.t", "id\n1\n");
    long long s2 = append_csv("db.t", "id\n2\n");
    long long s3 = append_csv("db.t", "id\n3\n");

    free(ok("table tag db.t create v1 --snapshot %lld", s1));
    free(ok("table branch db.t create dev"));
    assert_int_equal(floe(NULL, "table tag db.t create v1"), 4);
    assert_int_equal(floe(NULL, "table branch db.t drop main"), 5);
    assert_int_equal(floe(NULL, "table tag db.t drop nope"), 3);
    assert_int_equal(scan_rows("--ref v1"), 1);
    assert_int_equal(scan_rows("--ref dev"), 3);
    char *out = ok("table branch db.t replace dev --snapshot %lld --dry-run", s2);
    assert_non_null(strstr(out, "dry run"));
    free(out);
    assert_int_equal(scan_rows("--ref dev"), 3);
    free(ok("table branch db.t replace dev --snapshot %lld", s2));
    assert_int_equal(scan_rows("--ref dev"), 2);

    out = ok("table rollback db.t --snapshot %lld --dry-run", s1);
    assert_non_null(strstr(out, "would roll"));
    free(out);
    assert_int_equal(scan_rows(""), 3);
    free(ok("table rollback db.t --snapshot %lld", s1));
    assert_int_equal(scan_rows(""), 1);
    /* s2 is no longer an ancestor of main: rollback refuses, set-current moves main there */
    assert_int_equal(floe(NULL, "table rollback db.t --snapshot %lld", s2), 5);
    out = ok("table set-current db.t --snapshot %lld --dry-run", s3);
    assert_non_null(strstr(out, "dry run"));
    free(out);
    assert_int_equal(scan_rows(""), 1);
    free(ok("table set-current db.t --snapshot %lld", s3));
    assert_int_equal(scan_rows(""), 3);
    assert_int_equal(floe(NULL, "table set-current db.t --snapshot 12345"), 3);
    assert_int_equal(floe(NULL, "table set-current db.t --snapshot 12345 --dry-run"), 3);
    assert_int_equal(floe(NULL, "table set-current db.t"), 2);
    free(ok("table rollback db.t --snapshot %lld", s1));
    free(ok("table branch db.t drop dev"));
    free(ok("table tag db.t drop v1"));
    assert_int_equal(floe(NULL, "table scan db.t --ref v1"), 3);
}

static void test_expire_and_remove_orphans(void **state)
{
    (void)state;
    fresh("climaint_expire");
    free(ok("table create db.t --schema 'id long not null, region string' --partition-by region"));
    append_csv("db.t", "id,region\n1,eu\n2,us\n");
    append_csv("db.t", "id,region\n3,eu\n");
    char path[4096];
    snprintf(path, sizeof path, "%s/empty.csv", wh);
    write_text(path, "id,region\n");
    free(ok("table overwrite db.t '%s' --filter \"region = 'eu'\"", path));
    assert_int_equal(scan_rows(""), 1);

    json_t *dry = ok_json("table expire db.t --older-than 7d --dry-run --json");
    assert_int_equal(json_array_size(json_object_get(dry, "expired-snapshot-ids")), 0);
    json_decref(dry);
    long long now_ms = (long long)time(NULL) * 1000 + 5000;
    char q[128];
    snprintf(q, sizeof q, "table expire db.t --older-than %lld --dry-run --json", now_ms);
    dry = ok_json(q);
    assert_true(json_is_true(json_object_get(dry, "dry-run")));
    assert_int_equal(json_array_size(json_object_get(dry, "expired-snapshot-ids")), 2);
    json_t *files = json_object_get(dry, "files-to-delete");
    assert_true(json_array_size(files) >= 4);
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f) assert_true(exists(json_string_value(f)));

    snprintf(q, sizeof q, "table expire db.t --older-than %lld --retain-last 1 --json", now_ms);
    json_t *done = ok_json(q);
    assert_false(json_is_true(json_object_get(done, "dry-run")));
    assert_true(json_equal(json_object_get(done, "deleted-files"), files));
    json_array_foreach(files, i, f) assert_false(exists(json_string_value(f)));
    assert_int_equal(json_integer_value(json_object_get(done, "failed-deletes")), 0);
    json_decref(done);
    json_decref(dry);
    assert_int_equal(scan_rows(""), 1);
    json_t *snaps = ok_json("table snapshots db.t --json");
    assert_int_equal(json_array_size(snaps), 1);
    json_decref(snaps);

    /* orphans: one planted 5 days ago goes, a fresh one stays */
    char old_o[4096], fresh_o[4096];
    snprintf(old_o, sizeof old_o, "%s/db/t/data/old.parquet", wh);
    snprintf(fresh_o, sizeof fresh_o, "%s/db/t/data/fresh.parquet", wh);
    write_text(old_o, "x");
    write_text(fresh_o, "y");
    struct utimbuf ut;
    ut.actime = ut.modtime = time(NULL) - 5 * 86400;
    assert_int_equal(utime(old_o, &ut), 0);
    json_t *o = ok_json("table remove-orphans db.t --dry-run --json");
    assert_int_equal(json_array_size(json_object_get(o, "files-to-delete")), 1);
    assert_string_equal(json_string_value(json_array_get(json_object_get(o, "files-to-delete"), 0)),
                        old_o);
    json_decref(o);
    assert_true(exists(old_o));
    char *out = ok("table remove-orphans db.t --older-than 4d");
    assert_non_null(strstr(out, "deleted 1 file"));
    free(out);
    assert_false(exists(old_o));
    assert_true(exists(fresh_o));
    out = ok("table remove-orphans db.t --older-than 1d");
    assert_non_null(strstr(out, "deleted 0 files"));
    free(out);
    assert_int_equal(scan_rows(""), 1);
}

static void test_alter_adds_into_a_struct(void **state)
{
    (void)state;
    fresh("climaint_struct");
    /* schema text has no structs: create through the API with Iceberg schema JSON */
    floe_manager_options mo = FLOE_MANAGER_OPTIONS_INIT;
    mo.warehouse = wh;
    floe_manager *m = NULL;
    assert_int_equal(floe_manager_open(&m, &mo), 0);
    floe_table_create_options o = FLOE_TABLE_CREATE_OPTIONS_INIT;
    o.schema_json = "{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
                    "{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"},"
                    "{\"id\":2,\"name\":\"loc\",\"required\":false,\"type\":{\"type\":"
                    "\"struct\",\"fields\":[{\"id\":3,\"name\":\"lat\",\"required\":false,"
                    "\"type\":\"double\"}]}}]}";
    assert_int_equal(floe_manager_create_table(NULL, m, "db.t", &o), 0);
    floe_manager_free(m);
    free(ok("table alter db.t --add-column 'loc.lon double'"));
    json_t *d = ok_json("table describe db.t --json");
    char *text = json_dumps(d, JSON_COMPACT);
    assert_non_null(strstr(text, "\"lon\""));
    free(text);
    json_decref(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_and_usage_errors),
        cmocka_unit_test(test_alter_end_to_end),
        cmocka_unit_test(test_alter_reorder_doc_identifier_required),
        cmocka_unit_test(test_rollback_branch_tag),
        cmocka_unit_test(test_expire_and_remove_orphans),
        cmocka_unit_test(test_alter_adds_into_a_struct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
