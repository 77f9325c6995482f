/* `floe quickstart`: builds a demo warehouse and walks through floe's main job in-process,
 * through the public table API only: create a namespace and a day-partitioned table, append
 * generated rows, overwrite one slice, scan with a filter, list snapshots and time travel.
 * Every step is printed with its timing (or collected into one JSON document with --json).
 *
 * The generated rows are a pure function of their row number (splitmix64), so two runs with
 * the same --rows produce the same table contents and the same counts. */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/decimal.h>
#include <floe/arrow/stream.h>
#include <floe/error.h>
#include <floe/table.h>

#include "base/timeconv.h"
#include "cli/cli_util.h"
#include "cli/commands.h"

#define QS_TABLE     "demo.events"
#define QS_SCHEMA    "id long not null, ts timestamptz, region string, amount decimal(10,2), qty int"
#define QS_PARTITION "day(ts)"
#define QS_DAYS      30
/* 2026-10-01T00:00:00Z in microseconds: the first day of the generated month. */
#define QS_BASE_US    ((int64_t)1790812800 * 1000000)
#define QS_DAY_US     ((int64_t)86400 * 1000000)
#define QS_BATCH_ROWS 65536
#define QS_MAX_ROWS   1000000000LL

/* The slice replaced by the overwrite step: one region on one day. */
#define QS_SLICE_FILTER                                                                            \
    "region = 'eu' and ts >= '2026-10-05T00:00:00Z' and ts < '2026-10-06T00:00:00Z'"
/* The filtered scan: one region over the last ten days. */
#define QS_SCAN_FILTER "region = 'eu' and ts >= '2026-10-21T00:00:00Z'"

static const char *const qs_regions[] = {"eu", "us", "apac", "latam"};

static void usage(FILE *out)
{
    fputs("usage: floe quickstart [--warehouse DIR] [--rows N] [--json]\n"
          "\n"
          "Builds a demo warehouse (embedded sql catalog, local storage) and walks through\n"
          "floe's main job, timing each step:\n"
          "  1. create namespace 'demo' and table 'demo.events'\n"
          "     (" QS_SCHEMA ")\n"
          "     partitioned by " QS_PARTITION ";\n"
          "  2. append N generated rows (30 days of October 2026, regions eu/us/apac/latam);\n"
          "  3. overwrite one slice (eu rows of 2026-10-05) with a corrected feed;\n"
          "  4. scan with a filter (" QS_SCAN_FILTER "),\n"
          "     showing files planned vs total and a few rows;\n"
          "  5. list the snapshots and scan as of the first one (time travel);\n"
          "  6. print CLI commands to explore the table further.\n"
          "An existing demo.events is dropped (with its files) and recreated, so the command\n"
          "can be re-run on the same warehouse; other tables are left alone.\n"
          "\n"
          "options:\n"
          "  --warehouse DIR   warehouse directory (default ./floe-quickstart)\n"
          "  --rows N          rows to generate (default 1000000)\n"
          "  --json            print one JSON document with every step instead of text\n"
          "  -h, --help        show this help\n",
          out);
}

static double qs_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t qs_mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/* One generated row. `salt` separates the corrected feed from the original rows. */
typedef struct qs_row {
    int64_t id, ts, amount_cents;
    int32_t qty;
    const char *region;
} qs_row;

static void qs_make_row(qs_row *r, int64_t i, uint64_t salt)
{
    uint64_t h = qs_mix((uint64_t)i ^ salt);
    r->id = i;
    r->ts = QS_BASE_US + (int64_t)(h % (uint64_t)(QS_DAYS * QS_DAY_US));
    r->region = qs_regions[(h >> 52) % 4];
    r->amount_cents = 100 + (int64_t)((h >> 20) % 49900);
    r->qty = 1 + (int32_t)((h >> 8) % 10);
}

/* A stream of generated rows: rows [next, end) of the original data, or, for the corrected
 * feed, `end - next` rows of region 'eu' on 2026-10-05 with ids after the original ones. */
typedef struct qs_gen {
    floe_arrow_builder *b;
    int64_t next, end;
    int corrected;
} qs_gen;

static int qs_gen_next(void *state, struct ArrowArray *out)
{
    qs_gen *g = state;
    if (g->next >= g->end)
        return 0;
    int64_t stop = g->next + QS_BATCH_ROWS < g->end ? g->next + QS_BATCH_ROWS : g->end;
    floe_arrow_builder *c[5];
    for (int k = 0; k < 5; k++)
        c[k] = floe_arrow_builder_child(g->b, k);
    for (int64_t i = g->next; i < stop; i++) {
        qs_row r;
        qs_make_row(&r, i, g->corrected ? 0xC0FFEEu : 0);
        if (g->corrected) {
            r.region = "eu";
            r.ts = QS_BASE_US + 4 * QS_DAY_US + r.ts % QS_DAY_US;
        }
        int rc;
        if ((rc = floe_arrow_builder_append_int(c[0], r.id)) ||
            (rc = floe_arrow_builder_append_int(c[1], r.ts)) ||
            (rc = floe_arrow_builder_append_str(c[2], r.region)) ||
            (rc = floe_arrow_builder_append_int(c[3], r.amount_cents)) ||
            (rc = floe_arrow_builder_append_int(c[4], r.qty)))
            return floe_error_wrap(rc, "quickstart: generating row %" PRId64, i);
    }
    g->next = stop;
    return floe_arrow_builder_finish_batch(g->b, out, NULL);
}

static void qs_gen_free(void *state)
{
    qs_gen *g = state;
    floe_arrow_builder_free(g->b);
    free(g);
}

/* Makes a stream of generated rows in the table's Arrow schema. */
static int qs_gen_stream(struct ArrowArrayStream *out, floe_table *t, int64_t first, int64_t end,
                         int corrected)
{
    struct ArrowSchema s;
    int rc = floe_table_arrow_schema(&s, t);
    if (rc)
        return rc;
    qs_gen *g = calloc(1, sizeof *g);
    if (!g) {
        s.release(&s);
        return floe_error_set(FLOE_ENOMEM, "quickstart: out of memory");
    }
    g->next = first;
    g->end = end;
    g->corrected = corrected;
    if ((rc = floe_arrow_builder_new(&g->b, &s)) ||
        (rc = floe_arrow_stream_from_callback(out, &s, qs_gen_next, g, qs_gen_free))) {
        floe_arrow_builder_free(g->b);
        free(g);
        s.release(&s);
        return rc;
    }
    return 0;
}

/* Output: text lines, or JSON steps collected into `doc`. */
typedef struct qs_out {
    int json;
    json_t *doc, *steps;
} qs_out;

static json_t *qs_step(qs_out *o, const char *name, double seconds)
{
    json_t *s = json_object();
    if (!s)
        return NULL;
    json_object_set_new(s, "step", json_string(name));
    json_object_set_new(s, "seconds", json_real(seconds));
    json_array_append_new(o->steps, s);
    return s;
}

static void qs_print_ts(char *buf, size_t n, int64_t us)
{
    if (floe_format_timestamp(buf, n, us, 6, 1))
        snprintf(buf, n, "%" PRId64, us);
}

/* Prints (or adds to `rows`) the rows of a batch of the table's five columns. */
static void qs_emit_rows(qs_out *o, json_t *rows, const struct ArrowArray *a)
{
    const struct ArrowArray *const *c = (const struct ArrowArray *const *)a->children;
    for (int64_t r = 0; r < a->length; r++) {
        int64_t i = a->offset + r;
        int valid[5];
        for (int k = 0; k < 5; k++) {
            const uint8_t *v = c[k]->buffers[0];
            int64_t j = c[k]->offset + i;
            valid[k] = !v || (v[j / 8] >> (j % 8)) & 1;
        }
        int64_t id = ((const int64_t *)c[0]->buffers[1])[c[0]->offset + i];
        int64_t ts = ((const int64_t *)c[1]->buffers[1])[c[1]->offset + i];
        const int32_t *off = c[2]->buffers[1];
        const char *chars = c[2]->buffers[2];
        int64_t ri = c[2]->offset + i;
        int rlen = (int)(off[ri + 1] - off[ri]);
        floe_decimal128 d =
            floe_decimal128_load((const uint8_t *)c[3]->buffers[1] + 16 * (c[3]->offset + i));
        int32_t qty = ((const int32_t *)c[4]->buffers[1])[c[4]->offset + i];
        char tsbuf[48], amount[64], region[64], qtybuf[16];
        qs_print_ts(tsbuf, sizeof tsbuf, ts);
        if (floe_decimal128_format(amount, sizeof amount, d, 2))
            snprintf(amount, sizeof amount, "?");
        snprintf(region, sizeof region, "%.*s", rlen, chars + off[ri]);
        if (o->json) {
            json_t *row = json_object();
            json_object_set_new(row, "id", json_integer(id));
            json_object_set_new(row, "ts", valid[1] ? json_string(tsbuf) : json_null());
            json_object_set_new(row, "region", valid[2] ? json_string(region) : json_null());
            json_object_set_new(row, "amount", valid[3] ? json_string(amount) : json_null());
            json_object_set_new(row, "qty", valid[4] ? json_integer(qty) : json_null());
            json_array_append_new(rows, row);
        } else {
            snprintf(qtybuf, sizeof qtybuf, "%d", (int)qty);
            printf("    %-8" PRId64 " %-32s %-6s %10s %4s\n", id, valid[1] ? tsbuf : "null",
                   valid[2] ? region : "null", valid[3] ? amount : "null",
                   valid[4] ? qtybuf : "null");
        }
    }
}

/* Scans and counts rows; shows up to `show` of them (into `rows` in JSON mode). */
static int qs_count(int64_t *count, floe_table *t, const floe_scan_options *so, qs_out *o,
                    int64_t show, json_t *rows)
{
    struct ArrowArrayStream st;
    int rc = floe_table_scan(&st, t, so);
    if (rc)
        return rc;
    *count = 0;
    for (;;) {
        struct ArrowArray a;
        if ((rc = floe_arrow_stream_get_next(&st, &a)))
            break;
        if (!a.release)
            break;
        if (show > 0 && a.length > 0) {
            struct ArrowArray head = a;
            int64_t n = a.length < show ? a.length : show;
            head.length = n;
            qs_emit_rows(o, rows, &head);
            show -= n;
        }
        *count += a.length;
        a.release(&a);
    }
    floe_arrow_stream_release(&st);
    return rc;
}

/* Files a scan with `filter` reads, and the manifests it skips by partition summaries. */
static int qs_plan_counts(size_t *files, size_t *manifests_pruned, floe_table *t,
                          const char *filter)
{
    floe_scan_options so = FLOE_SCAN_OPTIONS_INIT;
    so.filter = filter;
    floe_scan_plan *p;
    int rc = floe_table_plan(&p, t, &so);
    if (rc)
        return rc;
    *files = p->task_count;
    if (manifests_pruned)
        *manifests_pruned = p->manifests_pruned;
    floe_scan_plan_free(p);
    return 0;
}

static int qs_parse_rows(int64_t *out, const char *s)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > QS_MAX_ROWS) {
        fprintf(stderr, "floe: --rows wants a whole number from 1 to %lld, not '%s'\n", QS_MAX_ROWS,
                s);
        return FLOE_EXIT_USAGE;
    }
    *out = v;
    return 0;
}

static int qs_parse_args(const char **warehouse, int64_t *rows, int *json, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (floe_cli__is_help(a)) {
            usage(stdout);
            return -1;
        } else if (!strcmp(a, "--json")) {
            *json = 1;
        } else if (!strcmp(a, "--warehouse") || !strcmp(a, "--rows")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "floe: %s needs a value (see 'floe quickstart --help')\n", a);
                return FLOE_EXIT_USAGE;
            }
            if (a[2] == 'w')
                *warehouse = argv[++i];
            else if (qs_parse_rows(rows, argv[++i]))
                return FLOE_EXIT_USAGE;
        } else if (!strncmp(a, "--warehouse=", 12)) {
            *warehouse = a + 12;
        } else if (!strncmp(a, "--rows=", 7)) {
            if (qs_parse_rows(rows, a + 7))
                return FLOE_EXIT_USAGE;
        } else {
            fprintf(stderr, "floe: unknown argument '%s' for 'quickstart' (see --help)\n", a);
            return FLOE_EXIT_USAGE;
        }
    }
    return 0;
}

/* Prints "  <label> ... <seconds>" in text mode. */
static void qs_say(const qs_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void qs_say(const qs_out *o, const char *fmt, ...)
{
    if (o->json)
        return;
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
}

/* Prints a step's title with its time, aligned, in text mode. */
static void qs_title(const qs_out *o, double seconds, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void qs_title(const qs_out *o, double seconds, const char *fmt, ...)
{
    if (o->json)
        return;
    char title[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(title, sizeof title, fmt, ap);
    va_end(ap);
    printf("%-66s %8.3f s\n", title, seconds);
    fflush(stdout);
}

/* Sets *found when namespace `ns` exists (listing, so that a missing one logs no failure). */
static int qs_namespace_exists(int *found, floe_manager *m, const char *ns)
{
    char **list = NULL;
    size_t n = 0;
    int rc = floe_manager_list_namespaces(&list, &n, m, NULL);
    if (rc)
        return rc;
    *found = 0;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i], ns))
            *found = 1;
    floe_manager_strings_free(list, n);
    return 0;
}

static int qs_run(qs_out *o, const char *warehouse, int64_t rows)
{
    floe_manager *m = NULL;
    floe_table *t = NULL;
    json_t *snaps = NULL;
    int rc;
    double t0, t1;
    json_t *s;

    /* 1. warehouse, namespace, table */
    t0 = qs_now();
    floe_manager_options mo = FLOE_MANAGER_OPTIONS_INIT;
    mo.warehouse = warehouse;
    if ((rc = floe_manager_open(&m, &mo)))
        goto out;
    const char *wh = floe_manager_warehouse(m);
    int ns_existed = 0;
    if ((rc = qs_namespace_exists(&ns_existed, m, "demo")) ||
        (!ns_existed && (rc = floe_manager_create_namespace(m, "demo", NULL, 0))))
        goto out;
    int exists = 0;
    if ((rc = floe_manager_table_exists(&exists, m, QS_TABLE)))
        goto out;
    if (exists && (rc = floe_manager_drop_table(m, QS_TABLE, 1)))
        goto out;
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = QS_SCHEMA;
    co.partition_by = QS_PARTITION;
    if ((rc = floe_manager_create_table(&t, m, QS_TABLE, &co)))
        goto out;
    t1 = qs_now();
    if (o->json) {
        json_object_set_new(o->doc, "warehouse", json_string(wh));
        json_object_set_new(o->doc, "catalog", json_string(floe_manager_catalog_name(m)));
        json_object_set_new(o->doc, "table", json_string(QS_TABLE));
        s = qs_step(o, "create", t1 - t0);
        json_object_set_new(s, "namespace_existed", json_boolean(ns_existed));
        json_object_set_new(s, "dropped_previous_table", json_boolean(exists));
        json_object_set_new(s, "location", json_string(floe_table_location(t)));
    }
    qs_say(o, "floe quickstart: warehouse %s (catalog '%s', local storage)\n\n", wh,
           floe_manager_catalog_name(m));
    qs_title(o, t1 - t0, "1. create table %s", QS_TABLE);
    qs_say(o, "   namespace 'demo' %s%s\n", ns_existed ? "already there" : "created",
           exists ? "; the previous demo.events was dropped with its files (fresh table)" : "");
    qs_say(o, "   schema: %s\n   partitioned by %s\n   location: %s\n\n", QS_SCHEMA, QS_PARTITION,
           floe_table_location(t));

    /* 2. append */
    struct ArrowArrayStream st;
    floe_write_result wr;
    t0 = qs_now();
    if ((rc = qs_gen_stream(&st, t, 0, rows, 0)))
        goto out;
    rc = floe_table_append(&wr, t, &st, NULL);
    floe_arrow_stream_release(&st);
    if (rc)
        goto out;
    t1 = qs_now();
    int64_t first_snapshot = wr.snapshot_id;
    if (o->json) {
        s = qs_step(o, "append", t1 - t0);
        json_object_set_new(s, "snapshot_id", json_integer(wr.snapshot_id));
        json_object_set_new(s, "added_records", json_integer(wr.added_records));
        json_object_set_new(s, "added_files", json_integer(wr.added_files));
    }
    qs_title(o, t1 - t0, "2. append %" PRId64 " generated rows (one commit)", rows);
    qs_say(o,
           "   %" PRId64 " rows in %" PRId64 " files (one per day), snapshot %" PRId64
           ", %.0f rows/s\n\n",
           wr.added_records, wr.added_files, wr.snapshot_id,
           (double)wr.added_records / (t1 - t0 > 0 ? t1 - t0 : 1e-9));

    /* 3. overwrite one slice with a corrected feed */
    floe_scan_options so = FLOE_SCAN_OPTIONS_INIT;
    so.filter = QS_SLICE_FILTER;
    int64_t slice_before = 0;
    if ((rc = qs_count(&slice_before, t, &so, o, 0, NULL)))
        goto out;
    int64_t fix_rows = slice_before / 2 + 1;
    t0 = qs_now();
    if ((rc = qs_gen_stream(&st, t, rows, rows + fix_rows, 1)))
        goto out;
    rc = floe_table_overwrite(&wr, t, &st, QS_SLICE_FILTER, NULL);
    floe_arrow_stream_release(&st);
    if (rc)
        goto out;
    t1 = qs_now();
    if (o->json) {
        s = qs_step(o, "overwrite", t1 - t0);
        json_object_set_new(s, "filter", json_string(QS_SLICE_FILTER));
        json_object_set_new(s, "snapshot_id", json_integer(wr.snapshot_id));
        json_object_set_new(s, "deleted_records", json_integer(wr.deleted_records));
        json_object_set_new(s, "added_records", json_integer(wr.added_records));
        json_object_set_new(s, "deleted_files", json_integer(wr.deleted_files));
        json_object_set_new(s, "added_files", json_integer(wr.added_files));
    }
    qs_title(o, t1 - t0, "3. overwrite the eu rows of 2026-10-05 with a corrected feed");
    qs_say(o, "   filter: %s\n", QS_SLICE_FILTER);
    qs_say(o,
           "   removed %" PRId64 " rows (%" PRId64 " file(s) replaced), added %" PRId64
           " rows (%" PRId64 " file(s) written), snapshot %" PRId64 "\n\n",
           wr.deleted_records, wr.deleted_files, wr.added_records, wr.added_files, wr.snapshot_id);

    /* 4. filtered scan */
    size_t total_files = 0, planned = 0, manifests_pruned = 0;
    if ((rc = qs_plan_counts(&total_files, NULL, t, NULL)) ||
        (rc = qs_plan_counts(&planned, &manifests_pruned, t, QS_SCAN_FILTER)))
        goto out;
    json_t *rows_json = o->json ? json_array() : NULL;
    qs_say(o, "4. scan with filter: %s\n   first rows:\n", QS_SCAN_FILTER);
    qs_say(o, "    %-8s %-32s %-6s %10s %4s\n", "id", "ts", "region", "amount", "qty");
    so.filter = QS_SCAN_FILTER;
    int64_t matched = 0;
    t0 = qs_now();
    rc = qs_count(&matched, t, &so, o, 5, rows_json);
    t1 = qs_now();
    if (rc) {
        json_decref(rows_json);
        goto out;
    }
    if (o->json) {
        s = qs_step(o, "scan", t1 - t0);
        json_object_set_new(s, "filter", json_string(QS_SCAN_FILTER));
        json_object_set_new(s, "rows", json_integer(matched));
        json_object_set_new(s, "files_planned", json_integer((json_int_t)planned));
        json_object_set_new(s, "files_total", json_integer((json_int_t)total_files));
        json_object_set_new(s, "files_pruned", json_integer((json_int_t)(total_files - planned)));
        json_object_set_new(s, "manifests_pruned", json_integer((json_int_t)manifests_pruned));
        json_object_set_new(s, "first_rows", rows_json);
    }
    qs_title(o, t1 - t0, "   %" PRId64 " rows match; read %zu of %zu files (%zu pruned)", matched,
             planned, total_files, total_files - planned);
    qs_say(o,
           "   (pruned by their day(ts) partition values; %zu manifest(s) skipped whole by\n"
           "   their partition summaries)\n\n",
           manifests_pruned);

    /* 5. snapshots and time travel */
    t0 = qs_now();
    if ((rc = floe_table_snapshots(&snaps, t)))
        goto out;
    t1 = qs_now();
    qs_title(o, t1 - t0, "5. snapshots");
    size_t si;
    json_t *snap;
    json_array_foreach(snaps, si, snap)
    {
        json_t *sum = json_object_get(snap, "summary");
        const char *added = json_string_value(json_object_get(sum, "added-data-files"));
        const char *deleted = json_string_value(json_object_get(sum, "deleted-data-files"));
        const char *total = json_string_value(json_object_get(sum, "total-records"));
        char when[48];
        qs_print_ts(when, sizeof when,
                    (int64_t)json_integer_value(json_object_get(snap, "timestamp-ms")) * 1000);
        qs_say(o, "   %-20" PRId64 " %-10s %s  files +%s -%s, %s rows%s\n",
               (int64_t)json_integer_value(json_object_get(snap, "snapshot-id")),
               json_string_value(json_object_get(snap, "operation")), when, added ? added : "0",
               deleted ? deleted : "0", total ? total : "?",
               json_is_true(json_object_get(snap, "current")) ? "  (current)" : "");
    }
    if (o->json) {
        s = qs_step(o, "snapshots", t1 - t0);
        json_object_set(s, "snapshots", snaps);
    }

    int64_t now_total = 0, then_total = 0, now_slice = 0, then_slice = 0;
    t0 = qs_now();
    floe_scan_options cur = FLOE_SCAN_OPTIONS_INIT, old = FLOE_SCAN_OPTIONS_INIT;
    old.snapshot_id = first_snapshot;
    if ((rc = qs_count(&now_total, t, &cur, o, 0, NULL)) ||
        (rc = qs_count(&then_total, t, &old, o, 0, NULL)))
        goto out;
    cur.filter = old.filter = QS_SLICE_FILTER;
    if ((rc = qs_count(&now_slice, t, &cur, o, 0, NULL)) ||
        (rc = qs_count(&then_slice, t, &old, o, 0, NULL)))
        goto out;
    t1 = qs_now();
    if (o->json) {
        s = qs_step(o, "time_travel", t1 - t0);
        json_object_set_new(s, "first_snapshot_id", json_integer(first_snapshot));
        json_object_set_new(s, "rows_now", json_integer(now_total));
        json_object_set_new(s, "rows_at_first_snapshot", json_integer(then_total));
        json_object_set_new(s, "slice_filter", json_string(QS_SLICE_FILTER));
        json_object_set_new(s, "slice_rows_now", json_integer(now_slice));
        json_object_set_new(s, "slice_rows_at_first_snapshot", json_integer(then_slice));
    }
    qs_say(o, "\n");
    qs_title(o, t1 - t0, "   time travel: scan as of the first snapshot %" PRId64, first_snapshot);
    qs_say(o, "   whole table:    %" PRId64 " rows then, %" PRId64 " rows now\n", then_total,
           now_total);
    qs_say(o, "   eu, 2026-10-05: %" PRId64 " rows then, %" PRId64 " rows now\n\n", then_slice,
           now_slice);

    /* 6. what next */
    if (o->json) {
        json_t *next = json_array();
        const char *cmds[] = {"describe", "snapshots", "files"};
        for (size_t k = 0; k < 3; k++) {
            char line[1024];
            snprintf(line, sizeof line, "floe table %s %s --warehouse %s", cmds[k], QS_TABLE, wh);
            json_array_append_new(next, json_string(line));
        }
        char line[1024];
        snprintf(line, sizeof line, "floe table scan %s --warehouse %s --filter \"%s\" --limit 5",
                 QS_TABLE, wh, QS_SCAN_FILTER);
        json_array_append_new(next, json_string(line));
        snprintf(line, sizeof line,
                 "floe table scan %s --warehouse %s --snapshot %" PRId64
                 " --filter \"%s\" --format json --limit 3",
                 QS_TABLE, wh, first_snapshot, QS_SLICE_FILTER);
        json_array_append_new(next, json_string(line));
        json_object_set_new(o->doc, "next", next);
    }
    qs_say(o, "6. next, try:\n");
    qs_say(o, "   floe table describe %s --warehouse %s\n", QS_TABLE, wh);
    qs_say(o, "   floe table snapshots %s --warehouse %s\n", QS_TABLE, wh);
    qs_say(o, "   floe table files %s --warehouse %s\n", QS_TABLE, wh);
    qs_say(o, "   floe table scan %s --warehouse %s --filter \"%s\" --limit 5\n", QS_TABLE, wh,
           QS_SCAN_FILTER);
    qs_say(o,
           "   floe table scan %s --warehouse %s --snapshot %" PRId64
           " --filter \"%s\" --format json --limit 3\n",
           QS_TABLE, wh, first_snapshot, QS_SLICE_FILTER);
    qs_say(o,
           "   floe table scan %s --warehouse %s --columns region,amount --format csv "
           "--output events.csv\n",
           QS_TABLE, wh);

out:
    json_decref(snaps);
    floe_table_free(t);
    floe_manager_free(m);
    return rc;
}

int floe_cli_quickstart(int argc, char **argv)
{
    const char *warehouse = "./floe-quickstart";
    int64_t rows = 1000000;
    int json = 0;
    int rc = qs_parse_args(&warehouse, &rows, &json, argc, argv);
    if (rc)
        return rc < 0 ? FLOE_EXIT_OK : rc;
    qs_out o = {json, NULL, NULL};
    if (json) {
        o.doc = json_object();
        o.steps = json_array();
        if (!o.doc || !o.steps || json_object_set(o.doc, "steps", o.steps)) {
            json_decref(o.doc);
            json_decref(o.steps);
            return floe_cli_fail(floe_error_set(FLOE_ENOMEM, "quickstart: out of memory"));
        }
        json_object_set_new(o.doc, "rows", json_integer(rows));
    }
    rc = qs_run(&o, warehouse, rows);
    if (!rc && json)
        rc = floe_cli__print_json(o.doc);
    json_decref(o.steps);
    json_decref(o.doc);
    return rc ? floe_cli_fail(rc) : FLOE_EXIT_OK;
}
