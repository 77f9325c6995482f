/* `floe quickstart` end to end through the CLI ($FLOE_BIN): the command builds the demo
 * warehouse, and what it reports (rows appended, slice overwritten, filtered scan, snapshots,
 * time travel) is checked against the table as `floe table snapshots` and
 * `floe table scan --format json` see it afterwards. */
#include "test_support.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define SLICE "region = 'eu' and ts >= '2026-10-05T00:00:00Z' and ts < '2026-10-06T00:00:00Z'"
#define SCAN  "region = 'eu' and ts >= '2026-10-21T00:00:00Z'"

static char wh[4096];

/* Runs `$FLOE_BIN <args>`; stderr is merged into *out only when `merge`. */
static int floe(char **out, int merge, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int floe(char **out, int merge, const char *fmt, ...)
{
    char args[8192], cmd[16384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "FLOE_LOG_LEVEL=error '%s' %s", floe_test_floe_bin(), args);
    return floe_test_run(cmd, merge, out);
}

static void fresh(const char *name)
{
    if (!floe_test_floe_bin())
        skip();
    const char *d = floe_test_tmpdir(name);
    assert_non_null(d);
    /* a warehouse that does not exist yet: quickstart creates it */
    snprintf(wh, sizeof wh, "%s/wh", d);
}

static json_t *run_json(const char *args)
{
    char *out = NULL;
    int rc = floe(&out, 0, "%s", args);
    if (rc != 0)
        fail_msg("floe %s: exit %d: %s", args, rc, out ? out : "");
    json_error_t err;
    json_t *j = json_loads(out, 0, &err);
    if (!j)
        fail_msg("floe %s: not JSON (%s): %s", args, err.text, out);
    free(out);
    return j;
}

/* Rows of `floe table scan demo.events --filter F --format json` (one JSON object a line),
 * optionally as of a snapshot (-1: current); checks every row has the filter's region. */
static int64_t cli_scan_count(const char *filter, int64_t snapshot)
{
    char snap[64] = "";
    if (snapshot >= 0)
        snprintf(snap, sizeof snap, "--snapshot %" PRId64, snapshot);
    char *out = NULL;
    int rc =
        floe(&out, 0, "table scan demo.events --warehouse '%s' %s --filter \"%s\" --format json",
             wh, snap, filter ? filter : "true");
    if (rc != 0)
        fail_msg("scan %s: exit %d: %s", filter ? filter : "", rc, out ? out : "");
    int64_t n = 0;
    for (char *line = out, *nl; *line; line = nl ? nl + 1 : line + strlen(line)) {
        nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (!*line)
            continue;
        json_error_t err;
        json_t *row = json_loads(line, 0, &err);
        if (!row)
            fail_msg("scan output line is not JSON (%s): %s", err.text, line);
        assert_true(json_is_integer(json_object_get(row, "id")));
        if (filter)
            assert_string_equal(json_string_value(json_object_get(row, "region")), "eu");
        json_decref(row);
        n++;
    }
    free(out);
    return n;
}

static int64_t step_int(json_t *doc, const char *step, const char *key)
{
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(doc, "steps"), i, s)
    {
        if (!strcmp(json_string_value(json_object_get(s, "step")), step)) {
            json_t *v = json_object_get(s, key);
            if (!json_is_integer(v))
                fail_msg("step %s has no integer %s", step, key);
            return (int64_t)json_integer_value(v);
        }
    }
    fail_msg("no step %s in the quickstart JSON", step);
    return -1;
}

/* Text mode: each step is printed, and the printed figures match what the CLI reads back. */
static void test_quickstart_text_matches_cli_view(void **state)
{
    (void)state;
    fresh("qs_text");
    char *out = NULL;
    int rc = floe(&out, 1, "quickstart --rows 20000 --warehouse '%s'", wh);
    if (rc != 0)
        fail_msg("quickstart: exit %d: %s", rc, out ? out : "");
    const char *steps[] = {"1. create table demo.events",
                           "2. append 20000 generated rows",
                           "3. overwrite the eu rows of 2026-10-05",
                           "4. scan with filter: " SCAN,
                           "5. snapshots",
                           "time travel",
                           "6. next, try:",
                           "20000 rows in 30 files",
                           "partitioned by day(ts)"};
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
        if (!strstr(out, steps[i]))
            fail_msg("quickstart output lacks '%s':\n%s", steps[i], out);
    char next[8192];
    snprintf(next, sizeof next, "floe table scan demo.events --warehouse %s", wh);
    assert_non_null(strstr(out, next));

    /* the filtered scan's count and file figures */
    long long matched = -1;
    unsigned planned = 0, total = 0, pruned = 0;
    const char *p = strstr(out, " rows match; read ");
    assert_non_null(p);
    while (p > out && p[-1] != '\n')
        p--;
    assert_int_equal(sscanf(p, " %lld rows match; read %u of %u files (%u pruned)", &matched,
                            &planned, &total, &pruned),
                     4);
    assert_true(matched > 0);
    assert_int_equal(cli_scan_count(SCAN, -1), matched);
    /* 30 days + the corrected feed's file; the filter keeps ten days */
    assert_true(planned > 0 && planned <= 11);
    assert_true(planned < total);
    assert_int_equal(planned + pruned, total);

    /* time travel: the slice's counts then and now */
    long long then_total, now_total, then_slice, now_slice;
    p = strstr(out, "whole table:");
    assert_non_null(p);
    assert_int_equal(
        sscanf(p, "whole table: %lld rows then, %lld rows now", &then_total, &now_total), 2);
    p = strstr(out, "eu, 2026-10-05:");
    assert_non_null(p);
    assert_int_equal(
        sscanf(p, "eu, 2026-10-05: %lld rows then, %lld rows now", &then_slice, &now_slice), 2);
    assert_int_equal(then_total, 20000);
    assert_true(then_slice > 0);
    assert_true(now_slice != then_slice);
    assert_int_equal(now_total, 20000 - then_slice + now_slice);
    assert_int_equal(cli_scan_count(SLICE, -1), now_slice);
    assert_int_equal(cli_scan_count(NULL, -1), now_total);
    free(out);

    /* the CLI's snapshots: an append of 20000 rows, then the overwrite (current) */
    char args[8192];
    snprintf(args, sizeof args, "table snapshots demo.events --warehouse '%s' --json", wh);
    json_t *snaps = run_json(args);
    assert_int_equal(json_array_size(snaps), 2);
    json_t *s0 = json_array_get(snaps, 0), *s1 = json_array_get(snaps, 1);
    assert_string_equal(json_string_value(json_object_get(s0, "operation")), "append");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(s0, "summary"), "added-records")),
        "20000");
    assert_string_equal(json_string_value(json_object_get(s1, "operation")), "overwrite");
    assert_true(json_is_true(json_object_get(s1, "current")));
    assert_int_equal(json_integer_value(json_object_get(s1, "parent-snapshot-id")),
                     json_integer_value(json_object_get(s0, "snapshot-id")));
    int64_t first = (int64_t)json_integer_value(json_object_get(s0, "snapshot-id"));
    json_decref(snaps);
    assert_int_equal(cli_scan_count(SLICE, first), then_slice);
    assert_int_equal(cli_scan_count(NULL, first), 20000);
}

/* Re-running on the same warehouse replaces demo.events with a fresh table (no snapshots
 * carried over) and leaves other tables alone; --json reports the same figures. */
static void test_quickstart_rerun_replaces_demo_table_json(void **state)
{
    (void)state;
    fresh("qs_rerun");
    char *out = NULL;
    int rc = floe(&out, 1, "quickstart --rows 3000 --warehouse '%s'", wh);
    if (rc != 0)
        fail_msg("quickstart: exit %d: %s", rc, out ? out : "");
    free(out);
    out = NULL;
    rc = floe(&out, 1, "table create demo.keep --schema 'id long' --warehouse '%s'", wh);
    if (rc != 0)
        fail_msg("table create: exit %d: %s", rc, out ? out : "");
    free(out);

    char args[8192];
    snprintf(args, sizeof args, "quickstart --rows 3000 --warehouse '%s' --json", wh);
    json_t *doc = run_json(args);
    assert_int_equal(json_integer_value(json_object_get(doc, "rows")), 3000);
    assert_string_equal(json_string_value(json_object_get(doc, "table")), "demo.events");
    json_t *create = json_array_get(json_object_get(doc, "steps"), 0);
    assert_true(json_is_true(json_object_get(create, "dropped_previous_table")));
    assert_true(json_is_true(json_object_get(create, "namespace_existed")));
    assert_int_equal(step_int(doc, "append", "added_records"), 3000);
    int64_t then_slice = step_int(doc, "time_travel", "slice_rows_at_first_snapshot");
    int64_t now_slice = step_int(doc, "time_travel", "slice_rows_now");
    assert_int_equal(step_int(doc, "overwrite", "deleted_records"), then_slice);
    assert_int_equal(step_int(doc, "overwrite", "added_records"), now_slice);
    assert_int_equal(step_int(doc, "time_travel", "rows_now"), 3000 - then_slice + now_slice);
    int64_t matched = step_int(doc, "scan", "rows");
    json_t *scan = json_array_get(json_object_get(doc, "steps"), 3);
    size_t shown = json_array_size(json_object_get(scan, "first_rows"));
    assert_true(shown == 5 || (int64_t)shown == matched);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(scan, "first_rows"), 0), "region")),
                        "eu");
    json_decref(doc);
    assert_int_equal(cli_scan_count(SCAN, -1), matched);

    snprintf(args, sizeof args, "table snapshots demo.events --warehouse '%s' --json", wh);
    json_t *snaps = run_json(args);
    assert_int_equal(json_array_size(snaps), 2);
    json_decref(snaps);
    snprintf(args, sizeof args, "table list demo --warehouse '%s' --json", wh);
    json_t *tables = run_json(args);
    char *text = json_dumps(tables, 0);
    assert_non_null(strstr(text, "keep"));
    assert_non_null(strstr(text, "events"));
    free(text);
    json_decref(tables);
}

static void test_quickstart_help_and_usage_errors(void **state)
{
    (void)state;
    fresh("qs_usage");
    char *out = NULL;
    assert_int_equal(floe(&out, 0, "quickstart --help"), 0);
    assert_non_null(strstr(out, "--rows N"));
    assert_non_null(strstr(out, "--warehouse DIR"));
    free(out);
    const char *bad[] = {"--rows 0", "--rows 12x", "--rows", "--bogus", "--rows -5"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        out = NULL;
        assert_int_equal(floe(&out, 1, "quickstart %s --warehouse '%s'", bad[i], wh), 2);
        assert_non_null(strstr(out, "floe:"));
        free(out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quickstart_text_matches_cli_view),
        cmocka_unit_test(test_quickstart_rerun_replaces_demo_table_json),
        cmocka_unit_test(test_quickstart_help_and_usage_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
