/* Table manager benchmark (not a test): bench/table_bench.sh runs it and the DuckDB side.
 *
 *   table_bench append WH ROWS PARTITIONED INPUT
 *       creates bench.events (id long not null, ts timestamptz, region string,
 *       amount decimal(10,2), qty int), unpartitioned (PARTITIONED 0) or by day(ts) (1), and
 *       times one floe_table_append of ROWS rows, commit included. INPUT "prebuilt" makes every
 *       Arrow batch before the clock starts (the figure compared with DuckDB's COPY of a
 *       materialised table); "stream" generates batches while appending (for peak RSS: the
 *       input is then never all in memory).
 *   table_bench catalog WH N
 *       N creates, N loads and N lists of a namespace's tables; per-operation median and p99.
 *   table_bench scan WH ROWS FILES
 *       builds an unpartitioned table of ROWS rows in FILES appends (one data file each, ids
 *       ascending), then plans and runs a selective scan (one file's id range and one region).
 *
 * Each mode prints one JSON line. Rows are a pure function of the row number. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/stream.h>
#include <floe/error.h>
#include <floe/table.h>

#define SCHEMA "id long not null, ts timestamptz, region string, amount decimal(10,2), qty int"
#define BATCH  65536
/* 2026-10-01T00:00:00Z in microseconds; rows spread over 30 days from there. */
#define BASE_US ((int64_t)1790812800 * 1000000)
#define SPAN_US ((int64_t)30 * 86400 * 1000000)

static const char *const regions[] = {"eu", "us", "apac", "latam"};

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

static int die(const char *what)
{
    fprintf(stderr, "table_bench: %s: %s\n", what, floe_error_last());
    return 1;
}

/* Rows [next, end). `ordered_ts` spreads ts evenly in id order over `ts_rows` rows (so each
 * file of the scan table covers its own time range); otherwise ts is random in the month. */
typedef struct gen {
    floe_arrow_builder *b;
    int64_t next, end, ts_rows;
    int ordered_ts;
} gen;

static int gen_batch(gen *g, struct ArrowArray *out)
{
    int64_t stop = g->next + BATCH < g->end ? g->next + BATCH : g->end;
    floe_arrow_builder *c[5];
    for (int k = 0; k < 5; k++)
        c[k] = floe_arrow_builder_child(g->b, k);
    for (int64_t i = g->next; i < stop; i++) {
        uint64_t h = mix((uint64_t)i);
        int64_t ts = g->ordered_ts
                         ? BASE_US + (int64_t)((double)i / (double)g->ts_rows * (double)SPAN_US)
                         : BASE_US + (int64_t)(h % (uint64_t)SPAN_US);
        int rc;
        if ((rc = floe_arrow_builder_append_int(c[0], i)) ||
            (rc = floe_arrow_builder_append_int(c[1], ts)) ||
            (rc = floe_arrow_builder_append_str(c[2], regions[(h >> 52) % 4])) ||
            (rc = floe_arrow_builder_append_int(c[3], 100 + (int64_t)((h >> 20) % 49900))) ||
            (rc = floe_arrow_builder_append_int(c[4], 1 + (int64_t)((h >> 8) % 10))))
            return rc;
    }
    g->next = stop;
    return floe_arrow_builder_finish_batch(g->b, out, NULL);
}

static int gen_next(void *state, struct ArrowArray *out)
{
    gen *g = state;
    return g->next >= g->end ? 0 : gen_batch(g, out);
}

static void gen_free(void *state)
{
    gen *g = state;
    floe_arrow_builder_free(g->b);
    free(g);
}

/* A stream of rows [first, end): generated on demand, or all built now when `prebuilt`. */
static int make_stream(struct ArrowArrayStream *out, floe_table *t, int64_t first, int64_t end,
                       int64_t ts_rows, int ordered_ts, int prebuilt)
{
    struct ArrowSchema s;
    int rc = floe_table_arrow_schema(&s, t);
    if (rc)
        return rc;
    gen *g = calloc(1, sizeof *g);
    if (!g || (rc = floe_arrow_builder_new(&g->b, &s))) {
        free(g);
        s.release(&s);
        return rc ? rc : FLOE_ENOMEM;
    }
    g->next = first;
    g->end = end;
    g->ts_rows = ts_rows;
    g->ordered_ts = ordered_ts;
    if (!prebuilt) {
        if ((rc = floe_arrow_stream_from_callback(out, &s, gen_next, g, gen_free))) {
            gen_free(g);
            s.release(&s);
        }
        return rc;
    }
    size_t nb = (size_t)((end - first + BATCH - 1) / BATCH), k = 0;
    struct ArrowArray *batches = calloc(nb ? nb : 1, sizeof *batches);
    if (!batches)
        rc = FLOE_ENOMEM;
    for (; !rc && k < nb; k++)
        rc = gen_batch(g, &batches[k]);
    gen_free(g);
    if (!rc)
        rc = floe_arrow_stream_from_batches(out, &s, batches, nb);
    if (rc) {
        for (size_t i = 0; i < k; i++)
            if (batches[i].release)
                batches[i].release(&batches[i]);
        s.release(&s);
    }
    free(batches);
    return rc;
}

static int open_manager(floe_manager **m, const char *wh)
{
    floe_manager_options mo = FLOE_MANAGER_OPTIONS_INIT;
    mo.warehouse = wh;
    int rc = floe_manager_open(m, &mo);
    if (!rc) {
        rc = floe_manager_create_namespace(*m, "bench", NULL, 0);
        if (rc == FLOE_EEXISTS)
            rc = 0;
    }
    return rc;
}

static int create_table(floe_table **t, floe_manager *m, const char *ident, const char *part)
{
    int exists = 0;
    int rc = floe_manager_table_exists(&exists, m, ident);
    if (!rc && exists)
        rc = floe_manager_drop_table(m, ident, 1);
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = SCHEMA;
    co.partition_by = part;
    return rc ? rc : floe_manager_create_table(t, m, ident, &co);
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static int bench_append(const char *wh, int64_t rows, int partitioned, int prebuilt)
{
    floe_manager *m;
    floe_table *t;
    const char *ident = partitioned ? "bench.events_by_day" : "bench.events";
    if (open_manager(&m, wh) || create_table(&t, m, ident, partitioned ? "day(ts)" : NULL))
        return die("create");
    struct ArrowArrayStream st;
    double t0 = now();
    if (make_stream(&st, t, 0, rows, rows, 0, prebuilt))
        return die("generate");
    double t1 = now();
    floe_write_result wr;
    if (floe_table_append(&wr, t, &st, NULL))
        return die("append");
    double t2 = now();
    floe_arrow_stream_release(&st);
    /* with a generated stream the clock also covers generating the batches */
    printf("{\"mode\": \"append\", \"table\": \"%s\", \"rows\": %" PRId64
           ", \"input\": \"%s\", \"seconds\": %.4f, \"build_input_seconds\": %.4f, "
           "\"files\": %" PRId64 ", \"location\": \"%s\", \"peak_rss_kb\": %ld}\n",
           ident, wr.added_records, prebuilt ? "prebuilt" : "stream", t2 - t1, t1 - t0,
           wr.added_files, floe_table_location(t), peak_rss_kb());
    floe_table_free(t);
    floe_manager_free(m);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Sorts `ms` and prints "name": {median, p99, max} (nearest-rank percentiles). */
static void print_stats(const char *name, double *ms, size_t n, const char *sep)
{
    qsort(ms, n, sizeof *ms, cmp_double);
    size_t p99 = (size_t)((double)n * 0.99 + 0.999999);
    if (p99 < 1)
        p99 = 1;
    printf("\"%s\": {\"n\": %zu, \"median_ms\": %.3f, \"p99_ms\": %.3f, \"max_ms\": %.3f}%s", name,
           n, n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2, ms[p99 - 1], ms[n - 1], sep);
}

static int bench_catalog(const char *wh, size_t n)
{
    floe_manager *m;
    if (open_manager(&m, wh))
        return die("open");
    double *c = calloc(n, sizeof *c), *l = calloc(n, sizeof *l), *ls = calloc(n, sizeof *ls);
    if (!c || !l || !ls)
        return die("memory");
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = SCHEMA;
    co.partition_by = "day(ts)";
    char ident[64];
    for (size_t i = 0; i < n; i++) {
        snprintf(ident, sizeof ident, "bench.t%05zu", i);
        floe_table *t;
        double t0 = now();
        if (floe_manager_create_table(&t, m, ident, &co))
            return die("create");
        c[i] = (now() - t0) * 1e3;
        floe_table_free(t);
    }
    for (size_t i = 0; i < n; i++) {
        snprintf(ident, sizeof ident, "bench.t%05zu", (i * 7919) % n);
        floe_table *t;
        double t0 = now();
        if (floe_manager_load_table(&t, m, ident))
            return die("load");
        l[i] = (now() - t0) * 1e3;
        floe_table_free(t);
    }
    size_t listed = 0;
    for (size_t i = 0; i < n; i++) {
        char **names;
        double t0 = now();
        if (floe_manager_list_tables(&names, &listed, m, "bench"))
            return die("list");
        ls[i] = (now() - t0) * 1e3;
        floe_manager_strings_free(names, listed);
    }
    printf("{\"mode\": \"catalog\", \"catalog\": \"%s\", \"tables_listed\": %zu, ",
           floe_manager_catalog_name(m), listed);
    print_stats("create", c, n, ", ");
    print_stats("load", l, n, ", ");
    print_stats("list", ls, n, "}\n");
    free(c);
    free(l);
    free(ls);
    floe_manager_free(m);
    return 0;
}

static int bench_scan(const char *wh, int64_t rows, int64_t files)
{
    floe_manager *m;
    floe_table *t;
    if (open_manager(&m, wh) || create_table(&t, m, "bench.scan_events", NULL))
        return die("create");
    double t0 = now();
    int64_t per = rows / files;
    for (int64_t f = 0; f < files; f++) {
        struct ArrowArrayStream st;
        int64_t end = f == files - 1 ? rows : (f + 1) * per;
        if (make_stream(&st, t, f * per, end, rows, 1, 0))
            return die("generate");
        if (floe_table_append(NULL, t, &st, NULL))
            return die("append");
        floe_arrow_stream_release(&st);
    }
    double build = now() - t0;
    /* one file's worth of ids in the middle of the table, and one of the four regions */
    int64_t lo = (files / 2) * per + per / 4, hi = lo + per / 10;
    char filter[256];
    snprintf(filter, sizeof filter, "id >= %" PRId64 " and id < %" PRId64 " and region = 'eu'", lo,
             hi);
    floe_scan_options so = FLOE_SCAN_OPTIONS_INIT;
    so.filter = filter;
    double best_plan = 1e30, best_scan = 1e30;
    size_t planned = 0, pruned = 0, manifests = 0, mpruned = 0;
    int64_t matched = 0;
    for (int run = 0; run < 3; run++) {
        floe_scan_plan *p;
        double a = now();
        if (floe_table_plan(&p, t, &so))
            return die("plan");
        double b = now();
        planned = p->task_count;
        pruned = p->files_pruned;
        manifests = p->manifests_total;
        mpruned = p->manifests_pruned;
        floe_scan_plan_free(p);
        struct ArrowArrayStream st;
        if (floe_table_scan(&st, t, &so))
            return die("scan");
        matched = 0;
        for (;;) {
            struct ArrowArray arr;
            if (floe_arrow_stream_get_next(&st, &arr))
                return die("scan next");
            if (!arr.release)
                break;
            matched += arr.length;
            arr.release(&arr);
        }
        floe_arrow_stream_release(&st);
        double c = now();
        if (b - a < best_plan)
            best_plan = b - a;
        if (c - b < best_scan)
            best_scan = c - b;
    }
    printf("{\"mode\": \"scan\", \"rows\": %" PRId64 ", \"files\": %" PRId64
           ", \"build_seconds\": %.3f, \"filter\": \"%s\", \"matched\": %" PRId64
           ", \"files_planned\": %zu, \"files_pruned\": %zu, \"manifests\": %zu, "
           "\"manifests_pruned\": %zu, \"plan_ms\": %.3f, \"scan_ms\": %.3f, "
           "\"location\": \"%s\", \"lo\": %" PRId64 ", \"hi\": %" PRId64 "}\n",
           rows, files, build, filter, matched, planned, pruned, manifests, mpruned,
           best_plan * 1e3, best_scan * 1e3, floe_table_location(t), lo, hi);
    floe_table_free(t);
    floe_manager_free(m);
    return 0;
}

static int64_t num(const char *s)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end || v < 0) {
        fprintf(stderr, "table_bench: not a number: '%s'\n", s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    if (argc == 6 && !strcmp(argv[1], "append"))
        return bench_append(argv[2], num(argv[3]), (int)num(argv[4]), !strcmp(argv[5], "prebuilt"));
    if (argc == 4 && !strcmp(argv[1], "catalog"))
        return bench_catalog(argv[2], (size_t)num(argv[3]));
    if (argc == 5 && !strcmp(argv[1], "scan"))
        return bench_scan(argv[2], num(argv[3]), num(argv[4]));
    fprintf(stderr, "usage: table_bench append WH ROWS PARTITIONED(0|1) prebuilt|stream\n"
                    "       table_bench catalog WH N\n"
                    "       table_bench scan WH ROWS FILES\n");
    return 2;
}
