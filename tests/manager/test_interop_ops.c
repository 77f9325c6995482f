/* Interop after every operation: a table's whole lifecycle driven through the CLI ($FLOE_BIN)
 * and, after each step, an independent reader (tests/interop/table_read.mjs: metadata JSON
 * parsed in JS, manifest list and manifests read with avsc, data files with DuckDB by field id,
 * deletes applied by the spec's scan planning rules) must agree with floe's scan (Parquet and
 * CSV output), with `floe table files --json` on the live files and the delete files applied
 * to each, with each file's partition tuple, column metrics and record count, with the
 * manifest list's counts, sequence numbers and partition summaries, with the snapshot summary
 * totals, and with the rows the operation should have produced (the previous snapshot, minus
 * what was deleted, plus what was written). */
#include "test_support.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <utime.h>

#include <jansson.h>

#include <floe/iceberg/manifest.h>
#include <floe/table.h>

#include "manager/manager_internal.h"
#include "manager/write_internal.h"

static char wh[2048];

/* Fails the test with a message, freeing `owned` (which the message may use) first. */
static void fail_free(char *owned, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail_free(char *owned, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    free(owned);
    fail();
}

static void fail_json(json_t *j, const char *what)
{
    char *text = json_dumps(j, JSON_INDENT(1));
    json_decref(j);
    fail_free(text, "%s: %s", what, text ? text : "");
}

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
        fail_free(out, "floe %s: exit %d: %s", args, rc, out ? out : "");
    return out;
}

static json_t *ok_json(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static json_t *ok_json(const char *fmt, ...)
{
    char args[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    char *out = ok("%s", args);
    json_error_t err;
    json_t *j = json_loads(out, JSON_DECODE_ANY, &err);
    if (!j)
        fail_free(out, "floe %s: not JSON (%s): %s", args, err.text, out);
    free(out);
    return j;
}

/* Runs table_read.mjs; its JSON result (the script prints one document even on errors). */
static json_t *reader(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static json_t *reader(const char *fmt, ...)
{
    char args[16384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    char *out = NULL;
    int rc = floe_test_node("table_read.mjs", args, &out);
    json_error_t err;
    json_t *j = out ? json_loads(out, 0, &err) : NULL;
    if (!j || rc != 0) {
        json_decref(j);
        fail_free(out, "table_read.mjs %s: exit %d: %s", args, rc, out ? out : "(no output)");
    }
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

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The table's current metadata file, into buf. */
static const char *metadata(char *buf, size_t size)
{
    json_t *d = ok_json("table describe db.t --json");
    const char *m = json_string_value(json_object_get(d, "metadata-location"));
    assert_non_null(m);
    snprintf(buf, size, "%s", m);
    json_decref(d);
    return buf;
}

static long long current_id(void)
{
    json_t *d = ok_json("table describe db.t --json");
    json_t *id = json_object_get(d, "current-snapshot-id");
    long long v = json_is_integer(id) ? (long long)json_integer_value(id) : -1;
    json_decref(d);
    return v;
}

static long long ref_id(const char *name)
{
    json_t *refs = ok_json("table inspect db.t refs --json");
    long long v = -1;
    size_t i;
    json_t *r;
    json_array_foreach(refs, i, r)
    {
        if (strcmp(json_string_value(json_object_get(r, "name")), name) == 0)
            v = (long long)json_integer_value(json_object_get(r, "snapshot_id"));
    }
    json_decref(refs);
    assert_true(v != -1);
    return v;
}

/* The input file of rows [from, to) (columns and v offset as table_read.mjs gen names them):
 * a name made of the arguments, so pregen() can write a test's inputs in one node run. */
static const char *gen_path(char *buf, size_t size, long from, long to, const char *cols,
                            int v_offset)
{
    unsigned long h = 5381;
    for (const char *p = cols; *p; p++)
        h = h * 33 + (unsigned char)*p;
    snprintf(buf, size, "%s/in-%ld-%ld-%d-%lx.parquet", wh, from, to, v_offset, h);
    return buf;
}

/* Writes rows [from, to) with DuckDB unless pregen() did; the path. */
static const char *gen(char *buf, size_t size, long from, long to, const char *cols, int v_offset)
{
    gen_path(buf, size, from, to, cols, v_offset);
    if (!exists(buf)) {
        json_t *r = reader("gen '%s' %ld %ld '%s' %d", buf, from, to, cols, v_offset);
        assert_int_equal(json_integer_value(json_object_get(r, "written")), to - from);
        json_decref(r);
    }
    return buf;
}

struct input {
    long from, to;
    const char *cols;
    int v_offset;
};

/* Writes a test's input files in one node run (starting node and DuckDB dominates the time). */
static void pregen(const struct input *in, size_t n)
{
    char args[32768] = "", path[4096];
    size_t len = 0;
    long rows = 0;
    for (size_t i = 0; i < n; i++) {
        gen_path(path, sizeof path, in[i].from, in[i].to, in[i].cols, in[i].v_offset);
        int k = snprintf(args + len, sizeof args - len, " '%s' %ld %ld '%s' %d", path, in[i].from,
                         in[i].to, in[i].cols, in[i].v_offset);
        assert_true(k > 0 && (size_t)k < sizeof args - len);
        len += (size_t)k;
        rows += in[i].to - in[i].from;
    }
    json_t *r = reader("gen%s", args);
    assert_int_equal(json_integer_value(json_object_get(r, "written")), rows);
    json_decref(r);
}

/* The check after an operation: floe's scan of `sel` (empty: main; "--ref X", "--snapshot N")
 * written as `format` (parquet or csv) against the independent read of the same snapshot, the
 * live files and the delete files applied to each against `floe table files --json`, plus
 * `expect` (table_read.mjs options saying what the snapshot should hold, e.g.
 * "--prev ID --minus 'v < 10'"). Returns the reader's JSON (json_decref). */
static json_t *agree_as(const char *format, const char *label, const char *sel, const char *expect)
{
    char meta[4096], scan[4096], files[4096];
    snprintf(scan, sizeof scan, "%s/scan.%s", wh, format);
    snprintf(files, sizeof files, "%s/files.json", wh);
    metadata(meta, sizeof meta);
    free(ok("table scan db.t --format %s --output '%s' %s", format, scan, sel));
    char files_opt[4200] = "";
    if (!strstr(sel, "--as-of")) { /* files has --snapshot and --ref, not --as-of */
        char *out = ok("table files db.t --json %s", sel);
        assert_int_equal(floe_test_write_file(files, out, strlen(out)), 0);
        free(out);
        snprintf(files_opt, sizeof files_opt, "--files '%s'", files);
    }
    json_t *r = reader("compare '%s' '%s' %s %s --cache '%s/verified.json' %s", meta, scan, sel,
                       files_opt, wh, expect);
    if (!json_is_true(json_object_get(r, "ok"))) {
        char *text = json_dumps(r, JSON_INDENT(1));
        json_decref(r);
        fail_free(text, "after %s (%s): the check failed: %s", label, *sel ? sel : "main", text);
    }
    fprintf(stderr, "ok %-34s %-28s rows %4lld files %3lld manifests %2lld\n", label,
            *sel ? sel : "main", (long long)json_integer_value(json_object_get(r, "count")),
            (long long)json_integer_value(json_object_get(r, "files")),
            (long long)json_integer_value(json_object_get(r, "manifests")));
    return r;
}

static json_t *agree(const char *label, const char *sel, const char *expect)
{
    return agree_as("parquet", label, sel, expect);
}

static void agree_drop(const char *label, const char *sel, const char *expect)
{
    json_decref(agree(label, sel, expect));
}

static long long count_of(json_t *r)
{
    return (long long)json_integer_value(json_object_get(r, "count"));
}

static const char *ALL0 = "id,v,name,amount,d,ts";
static const char *ALL1 = "id,v=BIGINT,label,amount,d,ts,score";

/* ids [from, to) as CSV: v = i % 100, name empty (null) when i % 9 == 0, ISO 8601 times. */
static const char *write_csv(char *buf, size_t size, long from, long to)
{
    snprintf(buf, size, "%s/in%ld.csv", wh, from);
    FILE *f = fopen(buf, "w");
    assert_non_null(f);
    fprintf(f, "id,v,name,amount,d,ts\n");
    for (long i = from; i < to; i++) {
        char name[16] = "";
        if (i % 9)
            snprintf(name, sizeof name, "c%ld", i % 5);
        fprintf(f, "%ld,%ld,%s,%ld.%02ld,2024-02-%02ld,2024-03-01T%02ld:%02ld:%02ld.%03ld+00:00\n",
                i, i % 100, name, i / 2, (i % 2) * 50, 1 + i % 28, (i / 3600) % 24, (i / 60) % 60,
                i % 60, i % 1000);
    }
    assert_int_equal(fclose(f), 0);
    return buf;
}

static void test_lifecycle_agrees_after_every_operation(void **state)
{
    (void)state;
    FLOE_REQUIRE_INTEROP();
    fresh("interop_ops");
    char f1[4096], f2[4096], x[16384];
    time_t t0 = time(NULL);
    const struct input inputs[] = {
        {0, 2000, ALL0, 0},
        {2200, 2500, "id,v,name,amount,d,ts,score", 0},
        {6000, 6100, "id,v,label,amount,d,ts,score", 0},
        {2450, 2550, ALL1, 1000},
        {1000, 1050, ALL1, 2000},
        {3000, 3300, ALL1, 0},
        {3300, 3600, ALL1, 0},
        {4000, 4100, ALL1, 0},
        {4000, 4040, ALL1, 500},
        {4030, 4060, ALL1, 700},
        {5000, 5100, ALL1, 0},
        {0, 10, ALL1, 0},
        {7000, 7050, ALL1, 0},
    };
    pregen(inputs, sizeof inputs / sizeof inputs[0]);

    json_t *r = reader("selftest");
    assert_true(json_is_true(json_object_get(r, "ok"))); /* the spec's bucket hash examples */
    json_decref(r);

    free(ok("table create db.t --schema 'id long not null, v int, name string, "
            "amount decimal(10,2), d date, ts timestamptz' --partition-by 'bucket(4, id)'"));
    agree_drop("create", "", "--prev empty --expect-count 0");

    /* appends: Parquet written by DuckDB, then CSV */
    gen(f1, sizeof f1, 0, 2000, ALL0, 0);
    free(ok("table append db.t '%s'", f1));
    long long s_first = current_id();
    snprintf(x, sizeof x, "--prev empty --plus '%s' --expect-count 2000", f1);
    agree_drop("append parquet", "", x);

    write_csv(f1, sizeof f1, 2000, 2200);
    long long prev = current_id();
    free(ok("table append db.t '%s'", f1));
    snprintf(x, sizeof x, "--prev %lld --plus '%s' --expect-count 2200", prev, f1);
    agree_drop("append csv", "", x);

    /* schema evolution: old files read the new column as null */
    prev = current_id();
    free(ok("table alter db.t --add-column 'score double'"));
    assert_int_equal(current_id(), prev);
    snprintf(x, sizeof x, "--prev %lld --expect-count 2200", prev);
    agree_drop("alter --add-column", "", x);

    gen(f1, sizeof f1, 2200, 2500, "id,v,name,amount,d,ts,score", 0);
    free(ok("table append db.t '%s'", f1));
    snprintf(x, sizeof x, "--prev %lld --plus '%s' --expect-count 2500", prev, f1);
    agree_drop("append with the new column", "", x);
    json_decref(agree_as("csv", "append with new column (csv)", "", x));

    /* rename, then write with the new name; later rewrites carry the column by id */
    prev = current_id();
    free(ok("table alter db.t --rename-column name:label"));
    snprintf(x, sizeof x, "--prev %lld --expect-count 2500", prev);
    agree_drop("alter --rename-column", "", x);
    gen(f1, sizeof f1, 6000, 6100, "id,v,label,amount,d,ts,score", 0);
    free(ok("table append db.t '%s'", f1));
    snprintf(x, sizeof x, "--prev %lld --plus '%s' --expect-count 2600", prev, f1);
    agree_drop("append after rename", "", x);

    prev = current_id();
    free(ok("table alter db.t --widen 'v long'"));
    snprintf(x, sizeof x, "--prev %lld --expect-count 2600", prev);
    agree_drop("alter --widen int->long", "", x);

    /* copy-on-write row changes */
    free(ok("table delete db.t --filter 'v < 10'"));
    assert_true(current_id() != prev);
    snprintf(x, sizeof x, "--prev %lld --minus 'v < 10'", prev);
    r = agree("delete --filter", "", x);
    assert_int_equal(count_of(r), 2600 - 260);
    json_decref(r);

    prev = current_id();
    gen(f1, sizeof f1, 2450, 2550, ALL1, 1000); /* 50 updates (v 50..99), 50 inserts */
    free(ok("table upsert db.t '%s' --on id", f1));
    snprintf(x, sizeof x, "--prev %lld --minus-keys '%s' --on id --plus '%s'", prev, f1, f1);
    r = agree("upsert --on id", "", x);
    assert_int_equal(count_of(r), 2600 - 260 + 50);
    json_decref(r);
    long long s_upsert = current_id();

    prev = current_id();
    gen(f1, sizeof f1, 1000, 1050, ALL1, 2000);
    free(ok("table overwrite db.t '%s' --filter 'id >= 1000 and id < 1100'", f1));
    snprintf(x, sizeof x, "--prev %lld --minus 'id >= 1000 and id < 1100' --plus '%s'", prev, f1);
    agree_drop("overwrite --filter", "", x);

    /* partition evolution: new files also by month(d) */
    prev = current_id();
    free(ok("table alter db.t --add-partition 'month(d)'"));
    snprintf(x, sizeof x, "--prev %lld", prev);
    agree_drop("alter --add-partition", "", x);
    gen(f1, sizeof f1, 3000, 3300, ALL1, 0);
    free(ok("table append db.t '%s'", f1));
    gen(f2, sizeof f2, 3300, 3600, ALL1, 0);
    free(ok("table append db.t '%s'", f2));
    snprintf(x, sizeof x, "--prev %lld --plus '%s' --plus '%s'", prev, f1, f2);
    r = agree("append (new spec) x2", "", x);
    long long rows_main = count_of(r);
    json_decref(r);
    long long s_main = current_id();

    /* a branch written by append and overwrite; main stays */
    free(ok("table branch db.t create dev"));
    snprintf(x, sizeof x, "--prev %lld", s_main);
    agree_drop("branch create", "--ref dev", x);
    gen(f1, sizeof f1, 4000, 4100, ALL1, 0);
    free(ok("table append db.t '%s' --branch dev", f1));
    snprintf(x, sizeof x, "--prev %lld --plus '%s'", s_main, f1);
    agree_drop("append --branch", "--ref dev", x);
    assert_int_equal(current_id(), s_main);
    long long dev_before = ref_id("dev");
    gen(f1, sizeof f1, 4000, 4040, ALL1, 500);
    free(ok("table overwrite db.t '%s' --filter 'id >= 4000' --branch dev", f1));
    assert_true(ref_id("dev") != dev_before);
    snprintf(x, sizeof x, "--prev %lld --minus 'id >= 4000' --plus '%s'", dev_before, f1);
    agree_drop("overwrite --branch", "--ref dev", x);
    assert_int_equal(current_id(), s_main);
    dev_before = ref_id("dev");
    free(ok("table delete db.t --filter 'v >= 90' --branch dev"));
    snprintf(x, sizeof x, "--prev %lld --minus 'v >= 90'", dev_before);
    agree_drop("delete --branch", "--ref dev", x);
    dev_before = ref_id("dev");
    gen(f1, sizeof f1, 4030, 4060, ALL1, 700);
    free(ok("table upsert db.t '%s' --on id --branch dev", f1));
    snprintf(x, sizeof x, "--prev %lld --minus-keys '%s' --on id --plus '%s'", dev_before, f1, f1);
    agree_drop("upsert --branch", "--ref dev", x);
    assert_int_equal(current_id(), s_main);
    snprintf(x, sizeof x, "--prev %lld --expect-count %lld", s_main, rows_main);
    agree_drop("main after the branch writes", "", x);

    /* a tag, then rollback of main past a later append */
    free(ok("table tag db.t create v1"));
    assert_int_equal(ref_id("v1"), s_main);
    snprintf(x, sizeof x, "--prev %lld", s_main);
    agree_drop("tag create", "--ref v1", x);
    gen(f1, sizeof f1, 5000, 5100, ALL1, 0);
    free(ok("table append db.t '%s'", f1));
    snprintf(x, sizeof x, "--prev %lld --plus '%s'", s_main, f1);
    agree_drop("append before rollback", "", x);
    free(ok("table rollback db.t --snapshot %lld", s_main));
    assert_int_equal(current_id(), s_main);
    snprintf(x, sizeof x, "--prev %lld --expect-count %lld", s_main, rows_main);
    agree_drop("rollback --snapshot", "", x);

    /* compaction: the two appends of the new spec leave 2 small files per partition */
    r = ok_json("table compact db.t --target-file-size 1048576 --min-input-files 2 --json");
    assert_true(json_integer_value(json_object_get(r, "rewritten-files")) > 0);
    json_decref(r);
    assert_true(current_id() != s_main);
    snprintf(x, sizeof x, "--prev %lld --expect-count %lld", s_main, rows_main);
    agree_drop("compact (data files)", "", x);
    prev = current_id();
    free(ok("table compact db.t --rewrite-manifests"));
    snprintf(x, sizeof x, "--prev %lld --expect-count %lld", prev, rows_main);
    r = agree("compact --rewrite-manifests", "", x);
    assert_int_equal(json_integer_value(json_object_get(r, "manifests")), 2); /* one per spec */
    json_decref(r);

    /* time travel: earlier snapshots read by both */
    snprintf(x, sizeof x, "--snapshot %lld", s_first);
    agree_drop("time travel", x, "--expect-count 2000");
    snprintf(x, sizeof x, "--snapshot %lld", s_upsert);
    agree_drop("time travel", x, "");
    json_t *snaps = ok_json("table snapshots db.t --json");
    size_t i;
    json_t *sn;
    long long ts_upsert = -1;
    json_array_foreach(snaps, i, sn)
    {
        if ((long long)json_integer_value(json_object_get(sn, "snapshot-id")) == s_upsert)
            ts_upsert = (long long)json_integer_value(json_object_get(sn, "timestamp-ms"));
    }
    json_decref(snaps);
    assert_true(ts_upsert > 0);
    snprintf(x, sizeof x, "--as-of %lld", ts_upsert);
    agree_drop("time travel", x, "");

    /* expiry: files only expired snapshots reached go, everything reachable stays */
    char meta[4096], reach[4096];
    snprintf(reach, sizeof reach, "%s/reachable.json", wh);
    r = reader("reachable '%s'", metadata(meta, sizeof meta));
    char *text = json_dumps(r, 0);
    assert_int_equal(floe_test_write_file(reach, text, strlen(text)), 0);
    free(text);
    json_decref(r);
    long long now_ms = (long long)time(NULL) * 1000 + 5000;
    r = ok_json("table expire db.t --older-than %lld --retain-last 1 --json", now_ms);
    assert_true(json_array_size(json_object_get(r, "expired-snapshot-ids")) > 0);
    json_decref(r);
    r = reader("expired '%s' '%s'", reach, metadata(meta, sizeof meta));
    if (!json_is_true(json_object_get(r, "ok")))
        fail_json(r, "expire");
    json_decref(r);
    snprintf(x, sizeof x, "--expect-count %lld", rows_main);
    agree_drop("expire --retain-last 1", "", x);
    agree_drop("expire --retain-last 1", "--ref v1", "");
    agree_drop("expire --retain-last 1", "--ref dev", "");

    /* an orphan planted in the data directory goes; the table still reads */
    char orphan[4096];
    snprintf(orphan, sizeof orphan, "%s/db/t/data/orphan-00000.parquet", wh);
    gen(f1, sizeof f1, 0, 10, ALL1, 0);
    char *bytes = NULL;
    size_t len = 0;
    assert_non_null(bytes = floe_test_read_file(f1, &len));
    assert_int_equal(floe_test_write_file(orphan, bytes, len), 0);
    free(bytes);
    struct utimbuf ut;
    ut.actime = ut.modtime = time(NULL) - 3600;
    assert_int_equal(utime(orphan, &ut), 0);
    free(ok("table remove-orphans db.t --older-than 0s"));
    assert_false(exists(orphan));
    r = reader("reachable '%s'", metadata(meta, sizeof meta));
    text = json_dumps(r, 0);
    assert_int_equal(floe_test_write_file(reach, text, strlen(text)), 0);
    free(text);
    json_decref(r);
    r = reader("expired '%s' '%s'", reach, meta); /* every reachable file still exists */
    if (!json_is_true(json_object_get(r, "ok")))
        fail_json(r, "remove-orphans");
    json_decref(r);
    json_decref(agree_as("csv", "remove-orphans (scan as csv)", "", x));

    /* the branch replaced whole, then both refs dropped: expiry frees what only they reached */
    gen(f1, sizeof f1, 7000, 7050, ALL1, 0);
    free(ok("table overwrite db.t '%s' --branch dev", f1));
    snprintf(x, sizeof x, "--prev empty --plus '%s' --expect-count 50", f1);
    agree_drop("overwrite --branch (whole)", "--ref dev", x);
    free(ok("table branch db.t drop dev"));
    free(ok("table tag db.t drop v1"));
    r = reader("reachable '%s'", metadata(meta, sizeof meta));
    text = json_dumps(r, 0);
    assert_int_equal(floe_test_write_file(reach, text, strlen(text)), 0);
    free(text);
    json_decref(r);
    now_ms = (long long)time(NULL) * 1000 + 5000;
    r = ok_json("table expire db.t --older-than %lld --retain-last 1 --json", now_ms);
    assert_true(json_array_size(json_object_get(r, "expired-snapshot-ids")) > 0);
    json_decref(r);
    r = reader("expired '%s' '%s'", reach, metadata(meta, sizeof meta));
    if (!json_is_true(json_object_get(r, "ok")))
        fail_json(r, "expire after dropping the refs");
    json_decref(r);
    snprintf(x, sizeof x, "--expect-count %lld", rows_main);
    agree_drop("expire after dropping refs", "", x);
    fprintf(stderr, "lifecycle: %lld s\n", (long long)(time(NULL) - t0));
}

/* Copy-on-write rewrites (delete, upsert, overwrite --filter) and compaction of files written
 * before a rename must carry each column by field id: the renamed column keeps its values. */
static void test_rewrites_after_schema_changes_keep_columns_by_id(void **state)
{
    (void)state;
    FLOE_REQUIRE_INTEROP();
    fresh("interop_rewrites");
    char f1[4096], x[16384];
    const char *before = "id,v,name,amount", *after = "id,v,label,amount";
    const struct input inputs[] = {
        {0, 100, before, 0},     {100, 200, before, 0},
        {200, 300, before, 0},   {300, 400, before, 0},
        {400, 500, before, 0},   {500, 600, before, 0},
        {50, 60, after, 1000},   {200, 210, after, 2000},
        {150, 250, after, 3000}, {900, 950, "id,v=BIGINT,label,amount,score", 0},
    };
    pregen(inputs, sizeof inputs / sizeof inputs[0]);
    free(ok("table create db.t --schema 'id long not null, v int, name string, amount "
            "decimal(10,2)' --partition-by 'bucket(2, id)'"));
    for (long i = 0; i < 6; i++) {
        gen(f1, sizeof f1, i * 100, i * 100 + 100, before, 0);
        free(ok("table append db.t '%s'", f1));
    }
    long long prev = current_id();
    free(ok("table alter db.t --rename-column name:label"));
    snprintf(x, sizeof x, "--prev %lld --expect-count 600", prev);
    agree_drop("alter --rename-column", "", x);

    free(ok("table delete db.t --filter 'v < 10'"));
    snprintf(x, sizeof x, "--prev %lld --minus 'v < 10'", prev);
    agree_drop("delete after rename", "", x);

    prev = current_id();
    gen(f1, sizeof f1, 50, 60, after, 1000);
    free(ok("table upsert db.t '%s' --on id", f1));
    snprintf(x, sizeof x, "--prev %lld --minus-keys '%s' --on id --plus '%s'", prev, f1, f1);
    agree_drop("upsert after rename", "", x);

    prev = current_id();
    gen(f1, sizeof f1, 200, 210, after, 2000);
    free(ok("table overwrite db.t '%s' --filter 'id >= 200 and id < 300'", f1));
    snprintf(x, sizeof x, "--prev %lld --minus 'id >= 200 and id < 300' --plus '%s'", prev, f1);
    agree_drop("overwrite --filter after rename", "", x);

    prev = current_id();
    free(ok("table compact db.t --target-file-size 1048576 --min-input-files 2"));
    assert_true(current_id() != prev);
    snprintf(x, sizeof x, "--prev %lld", prev);
    agree_drop("compact after rename", "", x);

    prev = current_id();
    gen(f1, sizeof f1, 150, 250, after, 3000);
    free(ok("table upsert db.t '%s' --on id --delete-unmatched", f1));
    snprintf(x, sizeof x, "--prev empty --plus '%s' --expect-count 100", f1);
    agree_drop("upsert --delete-unmatched", "", x);

    /* a file with a new column and a wider type evolves the schema first */
    prev = current_id();
    gen(f1, sizeof f1, 900, 950, "id,v=BIGINT,label,amount,score", 0);
    free(ok("table append db.t '%s' --union-by-name", f1));
    snprintf(x, sizeof x, "--prev %lld --plus '%s' --expect-count 150", prev, f1);
    json_t *r = agree("append --union-by-name", "", x);
    json_t *cols = json_object_get(r, "columns");
    assert_int_equal(json_array_size(cols), 5);
    assert_string_equal(json_string_value(json_array_get(cols, 4)), "score");
    json_decref(r);
}

/* The same for a column dropped and added again under its old name: the new column (a new
 * field id) is null in old files, and a rewrite must not bring the dropped values back. */
static void test_rewrites_after_drop_and_re_add_keep_the_new_column_null(void **state)
{
    (void)state;
    FLOE_REQUIRE_INTEROP();
    fresh("interop_readd");
    char f1[4096], x[16384];
    free(ok("table create db.t --schema 'id long not null, v int, name string, amount "
            "decimal(10,2)'"));
    gen(f1, sizeof f1, 0, 100, "id,v,name,amount", 0);
    free(ok("table append db.t '%s'", f1));
    long long prev = current_id();
    free(ok("table alter db.t --drop-column amount"));
    free(ok("table alter db.t --add-column 'amount decimal(10,2)'"));
    snprintf(x, sizeof x, "--prev %lld", prev);
    agree_drop("drop and re-add a column", "", x);
    free(ok("table delete db.t --filter 'v < 20'"));
    snprintf(x, sizeof x, "--prev %lld --minus 'v < 20'", prev);
    agree_drop("delete after drop and re-add", "", x);
}

/* Writes a delete file with DuckDB (table_read.mjs write) under the table's data directory;
 * its path into buf, its row count and size. */
static const char *write_delete_file(char *buf, size_t size, int64_t *rows, int64_t *bytes,
                                     const char *name, const char *sql, const char *field_ids)
{
    snprintf(buf, size, "%s/db/t/data/%s", wh, name);
    json_t *r = reader("write '%s' \"%s\" '%s'", buf, sql, field_ids);
    *rows = (int64_t)json_integer_value(json_object_get(r, "written"));
    *bytes = (int64_t)json_integer_value(json_object_get(r, "size"));
    json_decref(r);
    return buf;
}

/* Commits delete files as one "delete" snapshot of main: the CLI cannot write row-level
 * deletes (its row changes are copy-on-write), so this goes through the manager's commit path
 * the way another engine's delete commit would land in the table. */
static long long commit_delete_files(floe_data_file **dfs, size_t n)
{
    static int64_t next_id = 7700000000000000000LL;
    int64_t id = ++next_id;
    floe_manager_options mo = FLOE_MANAGER_OPTIONS_INIT;
    mo.warehouse = wh;
    floe_manager *m = NULL;
    assert_int_equal(floe_manager_open(&m, &mo), 0);
    floe_table *t = NULL;
    assert_int_equal(floe_manager_load_table(&t, m, "db.t"), 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/metadata/interop-deletes-%" PRId64 ".avro",
             floe_table_location(t), id);
    floe_output_file *f = NULL;
    assert_int_equal(t->m->io->create(&f, t->m->io, path, FLOE_CREATE_EXCLUSIVE), 0);
    floe_manifest_writer_options o = FLOE_MANIFEST_WRITER_OPTIONS_INIT;
    o.content = FLOE_MANIFEST_DELETES;
    o.snapshot_id = id;
    floe_manifest_writer *w = NULL;
    assert_int_equal(floe_manifest_writer_new(&w, f, t->schema, t->spec, &o), 0);
    floe_summary_delta delta = FLOE_SUMMARY_DELTA_INIT;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(floe_manifest_writer_add(w, dfs[i]), 0);
        delta.added_delete_files++;
        if (floe_data_file_content(dfs[i]) == FLOE_CONTENT_EQUALITY_DELETES)
            delta.added_equality_delete_files++;
        else
            delta.added_position_delete_files++;
        delta.added_files_size += floe_data_file_size(dfs[i]);
        floe_data_file_free(dfs[i]);
    }
    floe_manifest_file *mf = NULL;
    assert_int_equal(floe_manifest_writer_finish(&mf, w), 0);
    floe_manifest_writer_free(w);
    struct floe_manager_commit c;
    memset(&c, 0, sizeof c);
    c.operation = "delete";
    c.snapshot_id = id;
    const floe_manifest_file *ms[1] = {mf};
    c.manifests = ms;
    c.manifest_count = 1;
    c.delta = delta;
    int64_t sid = 0;
    unsigned int attempts = 0;
    int rc = floe_manager__commit_snapshot(&sid, &attempts, t, &c, "interop");
    floe_manifest_file_free(mf);
    floe_table_free(t);
    floe_manager_free(m);
    assert_int_equal(rc, 0);
    assert_int_equal(sid, id);
    return (long long)id;
}

/* The one live data file (of `floe table files --json`) that is not `known` (transfer full). */
static char *only_new_file(const char *known)
{
    json_t *files = ok_json("table files db.t --json");
    char *found = NULL;
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f)
    {
        const char *p = json_string_value(json_object_get(f, "path"));
        if (!known || strcmp(p, known) != 0) {
            assert_null(found); /* exactly one new file */
            found = strdup(p);
        }
    }
    json_decref(files);
    assert_non_null(found);
    return found;
}

/* Row-level deletes written the way other engines write them (DuckDB files with the spec's
 * field ids): position deletes (data seq <= delete seq, by file and row position) and equality
 * deletes on one and two columns (data seq < delete seq, NULL equals NULL), then an append the
 * equality deletes must not touch, compaction applying them, and expiry. */
static void test_row_level_deletes_agree(void **state)
{
    (void)state;
    FLOE_REQUIRE_INTEROP();
    fresh("interop_deletes");
    char f1[4096], x[16384];
    const struct input inputs[] = {
        {0, 300, "id,v,name", 0}, {300, 600, "id,v,name", 0}, {600, 900, "id,v,name", 0}};
    pregen(inputs, sizeof inputs / sizeof inputs[0]);
    free(ok("table create db.t --schema 'id long not null, v int, name string'"));
    gen(f1, sizeof f1, 0, 300, "id,v,name", 0);
    free(ok("table append db.t '%s'", f1));
    char *a = only_new_file(NULL);
    gen(f1, sizeof f1, 300, 600, "id,v,name", 0);
    free(ok("table append db.t '%s'", f1));
    char *b = only_new_file(a);
    long long prev = current_id();

    char pos_path[4096], eq1_path[4096], eq2_path[4096], sql[8192];
    int64_t rows, bytes;
    snprintf(sql, sizeof sql,
             "SELECT * FROM (SELECT '%s' AS file_path, (i * 5)::BIGINT AS pos FROM range(60) t(i) "
             "UNION ALL SELECT '%s', 7::BIGINT) ORDER BY file_path, pos",
             a, b);
    write_delete_file(pos_path, sizeof pos_path, &rows, &bytes, "pos-deletes.parquet", sql,
                      "{file_path: 2147483546, pos: 2147483545}");
    floe_data_file *dfs[3];
    assert_int_equal(floe_data_file_new(&dfs[0], FLOE_CONTENT_POSITION_DELETES, pos_path, "PARQUET",
                                        rows, bytes),
                     0);
    write_delete_file(eq1_path, sizeof eq1_path, &rows, &bytes, "eq-name.parquet",
                      "SELECT 'n3'::VARCHAR AS name UNION ALL SELECT NULL::VARCHAR", "{name: 3}");
    assert_int_equal(floe_data_file_new(&dfs[1], FLOE_CONTENT_EQUALITY_DELETES, eq1_path, "PARQUET",
                                        rows, bytes),
                     0);
    const int32_t name_id[] = {3};
    assert_int_equal(floe_data_file_set_equality_ids(dfs[1], name_id, 1), 0);
    write_delete_file(eq2_path, sizeof eq2_path, &rows, &bytes, "eq-v-name.parquet",
                      "SELECT 1 AS v, 'n1'::VARCHAR AS name UNION ALL SELECT 2, 'n2'",
                      "{v: 2, name: 3}");
    assert_int_equal(floe_data_file_new(&dfs[2], FLOE_CONTENT_EQUALITY_DELETES, eq2_path, "PARQUET",
                                        rows, bytes),
                     0);
    const int32_t v_name_ids[] = {2, 3};
    assert_int_equal(floe_data_file_set_equality_ids(dfs[2], v_name_ids, 2), 0);
    long long s_del = commit_delete_files(dfs, 3);

    /* floe appends an unpartitioned file's rows in input order, so position p of a is id p */
    snprintf(x, sizeof x,
             "--prev %lld --minus \"(id < 300 and id %% 5 = 0) or id = 307 or name = 'n3' or "
             "name is null or (v = 1 and name = 'n1') or (v = 2 and name = 'n2')\"",
             prev);
    json_t *r = agree("position + equality deletes", "", x);
    assert_int_equal(json_integer_value(json_object_get(r, "delete_files")), 3);
    json_decref(r);

    gen(f1, sizeof f1, 600, 900, "id,v,name", 0);
    free(ok("table append db.t '%s'", f1));
    snprintf(x, sizeof x, "--prev %lld --plus '%s'", s_del, f1);
    agree_drop("append after deletes (not deleted)", "", x);
    long long s_app = current_id();

    free(ok("table compact db.t --target-file-size 1048576 --min-input-files 2"));
    assert_true(current_id() != s_app);
    snprintf(x, sizeof x, "--prev %lld", s_app);
    agree_drop("compact applying deletes", "", x);
    snprintf(x, sizeof x, "--snapshot %lld", s_del);
    agree_drop("time travel to the delete", x, "");

    char meta[4096], reach[4096];
    snprintf(reach, sizeof reach, "%s/reachable.json", wh);
    r = reader("reachable '%s'", metadata(meta, sizeof meta));
    char *text = json_dumps(r, 0);
    assert_int_equal(floe_test_write_file(reach, text, strlen(text)), 0);
    free(text);
    json_decref(r);
    long long now_ms = (long long)time(NULL) * 1000 + 5000;
    free(ok("table expire db.t --older-than %lld --retain-last 1", now_ms));
    r = reader("expired '%s' '%s'", reach, metadata(meta, sizeof meta));
    if (!json_is_true(json_object_get(r, "ok")))
        fail_json(r, "expire");
    json_decref(r);
    agree_drop("expire after deletes", "", "--expect-count 725");
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lifecycle_agrees_after_every_operation),
        cmocka_unit_test(test_row_level_deletes_agree),
        cmocka_unit_test(test_rewrites_after_schema_changes_keep_columns_by_id),
        cmocka_unit_test(test_rewrites_after_drop_and_re_add_keep_the_new_column_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
