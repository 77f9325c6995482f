/* floe namespace / floe table through the CLI ($FLOE_BIN) in a temporary warehouse, and the
 * interop check of what it wrote: DuckDB reads every data file with the source's values and
 * avsc reads the manifests (seed 001 US1, US2, US4, US6; seed 003 US2, US3, US6). */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

static char wh[4096];

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
    return floe_test_run(cmd, 1, out);
}

static void fresh(const char *name)
{
    if (!floe_test_floe_bin())
        skip();
    snprintf(wh, sizeof wh, "%s", floe_test_tmpdir(name));
}

static json_t *floe_json(const char *fmt_args)
{
    char *out = NULL;
    int rc = floe(&out, "%s", fmt_args);
    if (rc != 0)
        fail_msg("floe %s: exit %d: %s", fmt_args, rc, out ? out : "");
    json_error_t err;
    json_t *j = json_loads(out, 0, &err);
    if (!j)
        fail_msg("floe %s: not JSON: %s", fmt_args, out);
    free(out);
    return j;
}

static void write_text(const char *path, const char *text)
{
    assert_int_equal(floe_test_write_file(path, text, strlen(text)), 0);
}

static void test_help_and_exit_codes(void **state)
{
    (void)state;
    fresh("cli_help");
    char *out = NULL;
    assert_int_equal(floe(&out, "table --help"), 0);
    assert_non_null(strstr(out, "scan TABLE"));
    free(out);
    assert_int_equal(floe(&out, "namespace --help"), 0);
    assert_non_null(strstr(out, "create NS"));
    free(out);
    assert_int_equal(floe(&out, "table frobnicate"), 2);
    free(out);
    assert_int_equal(floe(&out, "table scan"), 2);
    free(out);
    assert_int_equal(floe(&out, "table describe nope.nothing"), 3);
    assert_non_null(strstr(out, "nope"));
    free(out);
    assert_int_equal(floe(&out, "namespace create a"), 0);
    free(out);
    assert_int_equal(floe(&out, "namespace create a"), 4);
    free(out);
    assert_int_equal(floe(&out, "namespace create a --if-not-exists"), 0);
    free(out);
    /* every subcommand has its own usage */
    const char *subs[] = {"create",         "list",   "describe",  "drop",        "rename",
                          "register",       "append", "overwrite", "scan",        "snapshots",
                          "files",          "alter",  "rollback",  "set-current", "expire",
                          "remove-orphans", "delete", "upsert",    "compact",     "inspect"};
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        assert_int_equal(floe(&out, "table %s --help", subs[i]), 0);
        char want[64];
        snprintf(want, sizeof want, "usage: floe table %s", subs[i]);
        if (!strstr(out, want))
            fail_msg("table %s --help: %s", subs[i], out);
        free(out);
    }
}

/* files --as-of / --snapshot pick the snapshot as scan does; append --property lands in the
 * snapshot summary */
static void test_files_time_travel_and_snapshot_properties(void **state)
{
    (void)state;
    fresh("cli_files_as_of");
    char path[4200];
    snprintf(path, sizeof path, "%s/a.csv", wh);
    write_text(path, "id\n1\n");
    assert_int_equal(floe(NULL, "namespace create db"), 0);
    assert_int_equal(floe(NULL, "table create db.t --schema 'id long'"), 0);
    assert_int_equal(floe(NULL, "table append db.t '%s' --property lineage.job=nightly", path), 0);
    json_t *snaps = floe_json("table snapshots db.t --json");
    json_t *first = json_array_get(snaps, 0);
    long long id1 = (long long)json_integer_value(json_object_get(first, "snapshot-id"));
    long long ts1 = (long long)json_integer_value(json_object_get(first, "timestamp-ms"));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(first, "summary"), "lineage.job")),
        "nightly");
    json_decref(snaps);
    /* a second append at a later millisecond */
    struct timespec pause = {0, 5 * 1000000L};
    nanosleep(&pause, NULL);
    assert_int_equal(floe(NULL, "table append db.t '%s'", path), 0);
    json_t *now = floe_json("table files db.t --json");
    assert_int_equal(json_array_size(now), 2);
    json_decref(now);
    char args[256];
    snprintf(args, sizeof args, "table files db.t --json --as-of %lld", ts1);
    json_t *then = floe_json(args);
    assert_int_equal(json_array_size(then), 1);
    json_decref(then);
    snprintf(args, sizeof args, "table files db.t --json --snapshot %lld", id1);
    then = floe_json(args);
    assert_int_equal(json_array_size(then), 1);
    json_decref(then);
    assert_int_equal(floe(NULL, "table files db.t --as-of yesterday-ish"), 2);
}

static void test_namespace_commands_US1(void **state)
{
    (void)state;
    fresh("cli_ns");
    char *out = NULL;
    assert_int_equal(floe(&out, "namespace create sales --property owner=ops"), 0);
    free(out);
    assert_int_equal(floe(&out, "namespace create sales.eu.raw --parents"), 0);
    free(out);
    json_t *j = floe_json("namespace list --json");
    assert_int_equal(json_array_size(j), 1);
    assert_string_equal(json_string_value(json_array_get(j, 0)), "sales");
    json_decref(j);
    j = floe_json("namespace list sales --json");
    assert_string_equal(json_string_value(json_array_get(j, 0)), "sales.eu");
    json_decref(j);
    j = floe_json("namespace describe sales --json");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(j, "properties"), "owner")), "ops");
    json_decref(j);
    assert_int_equal(floe(&out, "namespace drop sales"), 4); /* FLOE_EXIT_CONFLICT: not empty */
    assert_non_null(strstr(out, "not empty"));
    free(out);
    assert_int_equal(floe(&out, "namespace drop sales.eu.raw"), 0);
    free(out);
}

static void test_table_csv_append_scan_snapshots_US2_US4(void **state)
{
    (void)state;
    fresh("cli_csv");
    char *out = NULL;
    assert_int_equal(floe(&out, "namespace create db"), 0);
    free(out);
    assert_int_equal(floe(&out, "table create db.orders --schema 'id long not null, ts "
                                "timestamptz, region string, amount decimal(10,2)' "
                                "--partition-by 'day(ts), bucket(16, id)' --sort-by id "
                                "--property team=core"),
                     0);
    free(out);
    json_t *d = floe_json("table describe db.orders --json");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(d, "properties"), "team")), "core");
    assert_int_equal(
        json_array_size(json_object_get(json_object_get(d, "partition-spec"), "fields")), 2);
    assert_non_null(json_string_value(json_object_get(d, "metadata-location")));
    json_decref(d);

    char csv[4200];
    snprintf(csv, sizeof csv, "%s/a.csv", wh);
    write_text(csv, "region,id,ts,amount\n"
                    "eu,1,2024-01-01T10:00:00Z,10.50\n"
                    "us,2,2024-01-02T11:00:00+00:00,3\n"
                    "\"a,b\",3,2024-01-02T12:00:00Z,-1.25\n"
                    ",4,,\n");
    assert_int_equal(floe(&out, "table append db.orders '%s'", csv), 0);
    assert_non_null(strstr(out, "4 rows"));
    free(out);
    assert_int_equal(floe(&out, "table scan db.orders --format csv --filter \"region = 'us'\""), 0);
    assert_string_equal(out, "id,ts,region,amount\n2,2024-01-02T11:00:00.000000+00:00,us,3.00\n");
    free(out);
    assert_int_equal(floe(&out, "table scan db.orders --format json --columns amount,id "
                                "--filter 'id = 3'"),
                     0);
    assert_string_equal(out, "{\"amount\":\"-1.25\",\"id\":3}\n");
    free(out);
    assert_int_equal(floe(&out, "table scan db.orders --format csv --limit 2"), 0);
    int lines = 0;
    for (char *p = out; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 3);
    free(out);

    /* a bad row is named by its line, and nothing is committed */
    char bad[4200];
    snprintf(bad, sizeof bad, "%s/bad.csv", wh);
    write_text(bad, "id,amount\n5,1.00\n6,abc\n");
    assert_int_equal(floe(&out, "table append db.orders '%s'", bad), 5);
    assert_non_null(strstr(out, "line 3"));
    assert_non_null(strstr(out, "amount"));
    free(out);
    write_text(bad, "id,color\n5,red\n");
    assert_int_equal(floe(&out, "table append db.orders '%s'", bad), 5);
    assert_non_null(strstr(out, "color"));
    free(out);

    json_t *snaps = floe_json("table snapshots db.orders --json");
    assert_int_equal(json_array_size(snaps), 1);
    json_t *s0 = json_array_get(snaps, 0);
    assert_string_equal(json_string_value(json_object_get(s0, "operation")), "append");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(s0, "summary"), "added-records")), "4");
    json_int_t first = json_integer_value(json_object_get(s0, "snapshot-id"));
    json_decref(snaps);

    /* overwrite rows matching a filter, then time travel to before it */
    snprintf(csv, sizeof csv, "%s/b.csv", wh);
    write_text(csv, "id,region\n20,eu\n");
    assert_int_equal(floe(&out, "table overwrite db.orders '%s' --filter 'id <= 2'", csv), 0);
    free(out);
    assert_int_equal(floe(&out, "table scan db.orders --format csv --columns id"), 0);
    assert_null(strstr(out, "\n1\n"));
    assert_non_null(strstr(out, "20"));
    free(out);
    assert_int_equal(floe(&out, "table scan db.orders --format csv --columns id --snapshot %lld",
                          (long long)first),
                     0);
    assert_non_null(strstr(out, "\n1\n"));
    free(out);
    json_t *files = floe_json("table files db.orders --json");
    assert_true(json_array_size(files) >= 3);
    assert_non_null(strstr(
        json_string_value(json_object_get(json_array_get(files, 0), "partition")), "ts_day="));
    json_decref(files);

    /* several files in one append are one snapshot */
    char c1[4200], c2[4200];
    snprintf(c1, sizeof c1, "%s/c1.csv", wh);
    snprintf(c2, sizeof c2, "%s/c2.csv", wh);
    write_text(c1, "id\n30\n31\n");
    write_text(c2, "amount,id\n1.5,32\n");
    assert_int_equal(floe(&out, "table append db.orders '%s' '%s'", c1, c2), 0);
    assert_non_null(strstr(out, "3 rows"));
    free(out);
    snaps = floe_json("table snapshots db.orders --json");
    assert_int_equal(json_array_size(snaps), 3);
    json_decref(snaps);

    /* parquet output reads back as a table of its own */
    char pq[4200];
    snprintf(pq, sizeof pq, "%s/out.parquet", wh);
    assert_int_equal(floe(&out, "table scan db.orders --format parquet --output '%s'", pq), 0);
    free(out);
    assert_int_equal(floe(&out, "table create db.copy --like '%s'", pq), 0);
    free(out);
    assert_int_equal(floe(&out, "table append db.copy '%s'", pq), 0);
    free(out);
    char *a1 = NULL, *a2 = NULL;
    assert_int_equal(floe(&a1, "table scan db.orders --format csv --filter 'id > 0'"), 0);
    assert_int_equal(floe(&a2, "table scan db.copy --format csv --filter 'id > 0'"), 0);
    assert_int_equal(strlen(a1), strlen(a2));
    free(a1);
    free(a2);

    /* register the current metadata file under a second name; --as-of a time before the
     * first commit finds nothing */
    d = floe_json("table describe db.orders --json");
    char mdfile[4200];
    snprintf(mdfile, sizeof mdfile, "%s",
             json_string_value(json_object_get(d, "metadata-location")));
    json_decref(d);
    assert_int_equal(floe(&out, "table register db.again '%s'", mdfile), 0);
    free(out);
    assert_int_equal(floe(&a1, "table scan db.again --format csv"), 0);
    assert_int_equal(floe(&a2, "table scan db.orders --format csv"), 0);
    assert_string_equal(a1, a2);
    free(a1);
    free(a2);
    assert_int_equal(floe(&out, "table drop db.again"), 0);
    free(out);
    assert_int_equal(floe(&out, "table scan db.orders --as-of 2000-01-01T00:00:00Z"), 3);
    free(out);
    assert_int_equal(floe(&out, "table scan db.orders --as-of 2999-01-01T00:00:00Z --format csv"),
                     0);
    assert_non_null(strstr(out, "\n31,"));
    free(out);

    assert_int_equal(floe(&out, "table rename db.orders db.orders2"), 0);
    free(out);
    json_t *list = floe_json("table list db --json");
    assert_int_equal(json_array_size(list), 2);
    assert_string_equal(json_string_value(json_array_get(list, 1)), "db.orders2");
    json_decref(list);
    assert_int_equal(floe(&out, "table drop db.orders2 --purge"), 0);
    free(out);
    assert_int_equal(floe(&out, "table scan db.orders2"), 3);
    free(out);
}

static void test_parquet_append_read_by_duckdb_and_avsc_US4(void **state)
{
    (void)state;
    FLOE_REQUIRE_INTEROP();
    fresh("cli_interop");
    char src[4200], scan[4200], args[9000];
    snprintf(src, sizeof src, "%s/src.parquet", wh);
    snprintf(scan, sizeof scan, "%s/scan.csv", wh);
    char *out = NULL;
    snprintf(args, sizeof args, "gen '%s' 3000", src);
    assert_int_equal(floe_test_node("manager_duckdb.mjs", args, &out), 0);
    free(out);
    assert_int_equal(floe(&out, "namespace create db"), 0);
    free(out);
    assert_int_equal(floe(&out,
                          "table create db.t --like '%s' --partition-by 'day(ts), "
                          "bucket(4, id)'",
                          src),
                     0);
    free(out);
    assert_int_equal(floe(&out, "table append db.t '%s'", src), 0);
    free(out);
    assert_int_equal(floe(&out, "table scan db.t --format csv --output '%s'", scan), 0);
    free(out);
    json_t *snaps = floe_json("table snapshots db.t --json");
    const char *ml = json_string_value(json_object_get(json_array_get(snaps, 0), "manifest-list"));
    assert_non_null(ml);
    snprintf(args, sizeof args, "check '%s' '%s' '%s'", src, ml, scan);
    json_decref(snaps);
    assert_int_equal(floe_test_node("manager_duckdb.mjs", args, &out), 0);
    json_error_t err;
    json_t *r = json_loads(out, 0, &err);
    if (!r)
        fail_msg("interop output: %s", out);
    free(out);
    assert_int_equal(json_integer_value(json_object_get(r, "files")), 20); /* 5 days x 4 buckets */
    assert_int_equal(json_integer_value(json_object_get(r, "manifest_records")), 3000);
    assert_int_equal(json_integer_value(json_object_get(r, "data_rows")), 3000);
    assert_int_equal(json_integer_value(json_object_get(r, "missing")), 0);
    assert_int_equal(json_integer_value(json_object_get(r, "extra")), 0);
    assert_int_equal(json_integer_value(json_object_get(r, "scan_rows")), 3000);
    assert_int_equal(json_integer_value(json_object_get(r, "scan_not_in_data")), 0);
    assert_true(json_is_true(json_object_get(r, "field_ids")));
    json_decref(r);

    /* partition pruning: one day of five */
    json_t *files = floe_json("table files db.t --json --filter \"ts >= '2024-01-03T00:00:00Z' and "
                              "ts < '2024-01-04T00:00:00Z'\"");
    assert_int_equal(json_array_size(files), 4);
    json_decref(files);

    /* a Parquet file whose columns do not fit the table is refused naming the column */
    assert_int_equal(floe(&out, "table create db.narrow --schema 'id int not null'"), 0);
    free(out);
    assert_int_equal(floe(&out, "table append db.narrow '%s'", src), 5);
    assert_non_null(strstr(out, "'id'") ? strstr(out, "'id'") : strstr(out, "'ts'"));
    free(out);
}

/* Input files that cannot be used: a missing file, bytes that are not Parquet, upsert
 * files of different columns; each exits non-zero naming the file and commits nothing. */
static void test_bad_input_files_name_the_file(void **state)
{
    (void)state;
    fresh("cli_bad_inputs");
    char a[4200], b[4200], junk[4200], pq1[4200], pq2[4200];
    snprintf(a, sizeof a, "%s/a.csv", wh);
    snprintf(b, sizeof b, "%s/b.csv", wh);
    snprintf(junk, sizeof junk, "%s/junk.parquet", wh);
    snprintf(pq1, sizeof pq1, "%s/one.parquet", wh);
    snprintf(pq2, sizeof pq2, "%s/two.parquet", wh);
    write_text(a, "id,name\n1,x\n");
    write_text(b, "id\n2\n");
    write_text(junk, "this is not parquet at all, just text long enough to have a footer");
    assert_int_equal(floe(NULL, "namespace create db"), 0);
    assert_int_equal(floe(NULL, "table create db.t --schema 'id long not null, name string'"), 0);
    assert_int_equal(floe(NULL, "table append db.t '%s'", a), 0);
    char *out = NULL;
    assert_int_not_equal(floe(&out, "table append db.t '%s/missing.parquet'", wh), 0);
    assert_non_null(strstr(out, "missing.parquet"));
    free(out);
    assert_int_not_equal(floe(&out, "table append db.t '%s'", junk), 0);
    assert_non_null(strstr(out, "junk.parquet"));
    free(out);
    assert_int_not_equal(floe(&out, "table upsert db.t '%s' --on id", junk), 0);
    assert_non_null(strstr(out, "junk.parquet"));
    free(out);
    /* two Parquet files of different columns (written by floe from two scans) */
    assert_int_equal(floe(NULL, "table scan db.t --format parquet --output '%s'", pq1), 0);
    assert_int_equal(floe(NULL, "table scan db.t --columns id --format parquet --output '%s'", pq2),
                     0);
    assert_int_not_equal(floe(&out, "table upsert db.t '%s' '%s' --on id", pq1, pq2), 0);
    assert_non_null(strstr(out, "other columns"));
    free(out);
    /* CSV files have the table's columns, whatever their headers: they upsert together */
    assert_int_equal(floe(&out, "table upsert db.t '%s' '%s' --on id --json", a, b), 0);
    json_t *j = json_loads(out, 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "inserted_rows")), 1);
    assert_int_equal(json_integer_value(json_object_get(j, "unchanged_rows")), 1);
    json_decref(j);
    free(out);
    json_t *snaps = floe_json("table snapshots db.t --json");
    assert_int_equal(json_array_size(snaps), 2);
    json_decref(snaps);
}

/* Every destructive command has --dry-run: overwrite and drop (also append, to check its
 * inputs) report what they would do and change nothing. */
static void test_write_and_drop_dry_runs(void **state)
{
    (void)state;
    fresh("cli_dry_runs");
    char a[4200], b[4200], bad[4200];
    snprintf(a, sizeof a, "%s/a.csv", wh);
    snprintf(b, sizeof b, "%s/b.csv", wh);
    snprintf(bad, sizeof bad, "%s/bad.csv", wh);
    write_text(a, "id,name\n1,x\n2,y\n3,z\n");
    write_text(b, "id,name\n2,Y\n");
    write_text(bad, "id,name\nnot-a-number,q\n");
    assert_int_equal(floe(NULL, "namespace create db"), 0);
    assert_int_equal(floe(NULL, "table create db.t --schema 'id long not null, name string'"), 0);
    assert_int_equal(floe(NULL, "table append db.t '%s'", a), 0);
    json_t *before = floe_json("table describe db.t --json");

    char *out = NULL;
    assert_int_equal(floe(&out, "table overwrite db.t '%s' --filter 'id = 2' --dry-run", b), 0);
    assert_non_null(strstr(out, "would remove 1 rows"));
    assert_non_null(strstr(out, "add 1 rows"));
    free(out);
    char args[4400];
    snprintf(args, sizeof args, "table overwrite db.t '%s' --dry-run --json", b);
    json_t *j = floe_json(args);
    assert_int_equal(json_integer_value(json_object_get(j, "removed_records")), 3);
    assert_int_equal(json_integer_value(json_object_get(j, "input_records")), 1);
    json_decref(j);
    assert_int_equal(floe(&out, "table append db.t '%s' --dry-run", a), 0);
    assert_non_null(strstr(out, "would append 3 rows"));
    free(out);
    /* a bad input fails the dry run as it would fail the write */
    assert_int_equal(floe(&out, "table append db.t '%s' --dry-run", bad), 5);
    assert_non_null(strstr(out, "bad.csv line 2"));
    free(out);
    assert_int_equal(floe(&out, "table drop db.t --purge --dry-run"), 0);
    assert_non_null(strstr(out, "would drop table db.t"));
    assert_non_null(strstr(out, "files"));
    free(out);
    /* nothing changed: same metadata file, table still there */
    json_t *after = floe_json("table describe db.t --json");
    assert_string_equal(json_string_value(json_object_get(before, "metadata-location")),
                        json_string_value(json_object_get(after, "metadata-location")));
    json_decref(after);
    json_decref(before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_and_exit_codes),
        cmocka_unit_test(test_namespace_commands_US1),
        cmocka_unit_test(test_files_time_travel_and_snapshot_properties),
        cmocka_unit_test(test_bad_input_files_name_the_file),
        cmocka_unit_test(test_write_and_drop_dry_runs),
        cmocka_unit_test(test_table_csv_append_scan_snapshots_US2_US4),
        cmocka_unit_test(test_parquet_append_read_by_duckdb_and_avsc_US4),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
