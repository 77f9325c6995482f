/* Upsert benchmark (not a test): bench/upsert_bench.sh runs it.
 *
 *   upsert_bench build WH ROWS FILES
 *       creates bench.kv (id long not null, v long, s string) with ROWS rows in FILES appends
 *       (one data file each, ids ascending: id = row number, v = id, s = "s<id % 1000>").
 *   upsert_bench upsert WH ROWS SOURCE_ROWS UPDATE_PCT
 *       upserts SOURCE_ROWS rows on id into that table: UPDATE_PCT percent of them are existing
 *       ids spread evenly over the table with v changed, the rest new ids (ROWS and up). The
 *       source is built in memory before the clock starts; the time covers reading it, the
 *       join, the rewrites, the new files and the commit.
 *
 * Each mode prints one JSON line (upsert: seconds, the counts, peak RSS of the process). */
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
#include <floe/table_upsert.h>

#define BATCH 65536

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int die(const char *what)
{
    fprintf(stderr, "upsert_bench: %s: %s\n", what, floe_error_last());
    return 1;
}

/* One batch of rows with ids from `id_of(i)` for i in [from, to), v = id + dv. */
static int make_batch(struct ArrowArray *out, const struct ArrowSchema *schema, int64_t from,
                      int64_t to, int64_t (*id_of)(int64_t, const int64_t *), const int64_t *p,
                      int64_t dv)
{
    floe_arrow_builder *b = NULL;
    int rc = floe_arrow_builder_new(&b, schema);
    char s[32];
    for (int64_t i = from; !rc && i < to; i++) {
        int64_t id = id_of(i, p);
        snprintf(s, sizeof s, "s%" PRId64, id % 1000);
        if (!(rc = floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), id)) &&
            !(rc = floe_arrow_builder_append_int(floe_arrow_builder_child(b, 1), id + dv)))
            rc = floe_arrow_builder_append_str(floe_arrow_builder_child(b, 2), s);
    }
    if (!rc)
        rc = floe_arrow_builder_finish_batch(b, out, NULL);
    floe_arrow_builder_free(b);
    return rc;
}

static int64_t id_plain(int64_t i, const int64_t *p)
{
    return p[0] + i;
}

/* p = {rows, updates, stride}: the first `updates` rows hit existing ids every `stride`. */
static int64_t id_source(int64_t i, const int64_t *p)
{
    return i < p[1] ? i * p[2] : p[0] + (i - p[1]);
}

static int open_table(floe_manager **m, floe_table **t, const char *wh, int create)
{
    floe_manager_options o = FLOE_MANAGER_OPTIONS_INIT;
    o.warehouse = wh;
    if (floe_manager_open(m, &o))
        return die("open manager");
    if (create) {
        if (floe_manager_create_namespace(*m, "bench", NULL, 0))
            return die("create namespace");
        floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
        co.schema_text = "id long not null, v long, s string";
        if (floe_manager_create_table(t, *m, "bench.kv", &co))
            return die("create table");
        return 0;
    }
    return floe_manager_load_table(t, *m, "bench.kv") ? die("load table") : 0;
}

static int build(const char *wh, int64_t rows, int64_t files)
{
    floe_manager *m = NULL;
    floe_table *t = NULL;
    if (open_table(&m, &t, wh, 1))
        return 1;
    struct ArrowSchema schema;
    if (floe_table_arrow_schema(&schema, t))
        return die("schema");
    double t0 = now();
    int64_t per = (rows + files - 1) / files;
    for (int64_t f = 0; f < files; f++) {
        int64_t lo = f * per, hi = lo + per < rows ? lo + per : rows;
        size_t nb = (size_t)((hi - lo + BATCH - 1) / BATCH);
        struct ArrowArray *bs = calloc(nb ? nb : 1, sizeof *bs);
        int64_t p[1] = {lo};
        for (size_t i = 0; i < nb; i++) {
            int64_t a = (int64_t)i * BATCH, z = a + BATCH < hi - lo ? a + BATCH : hi - lo;
            if (make_batch(&bs[i], &schema, a, z, id_plain, p, 0))
                return die("batch");
        }
        struct ArrowSchema sc;
        struct ArrowArrayStream s;
        if (floe_table_arrow_schema(&sc, t) || floe_arrow_stream_from_batches(&s, &sc, bs, nb))
            return die("stream");
        if (floe_table_append(NULL, t, &s, NULL))
            return die("append");
        s.release(&s);
        free(bs);
    }
    printf("{\"mode\": \"build\", \"rows\": %" PRId64 ", \"files\": %" PRId64
           ", \"seconds\": %.3f}\n",
           rows, files, now() - t0);
    schema.release(&schema);
    floe_table_free(t);
    floe_manager_free(m);
    return 0;
}

static int upsert(const char *wh, int64_t rows, int64_t src_rows, int64_t pct)
{
    floe_manager *m = NULL;
    floe_table *t = NULL;
    if (open_table(&m, &t, wh, 0))
        return 1;
    int64_t updates = src_rows * pct / 100;
    int64_t stride = updates ? rows / updates : 1;
    int64_t p[3] = {rows, updates, stride ? stride : 1};
    struct ArrowSchema schema;
    if (floe_table_arrow_schema(&schema, t))
        return die("schema");
    size_t nb = (size_t)((src_rows + BATCH - 1) / BATCH);
    struct ArrowArray *bs = calloc(nb ? nb : 1, sizeof *bs);
    for (size_t i = 0; i < nb; i++) {
        int64_t a = (int64_t)i * BATCH, z = a + BATCH < src_rows ? a + BATCH : src_rows;
        if (make_batch(&bs[i], &schema, a, z, id_source, p, 1))
            return die("batch");
    }
    struct ArrowArrayStream s;
    if (floe_arrow_stream_from_batches(&s, &schema, bs, nb))
        return die("stream");
    static const char *const on[] = {"id"};
    floe_upsert_result r;
    double t0 = now();
    if (floe_table_upsert(&r, t, &s, on, 1, NULL))
        return die("upsert");
    double secs = now() - t0;
    s.release(&s);
    free(bs);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("{\"mode\": \"upsert\", \"table_rows\": %" PRId64 ", \"source_rows\": %" PRId64
           ", \"seconds\": %.3f, \"inserted\": %" PRId64 ", \"updated\": %" PRId64
           ", \"unchanged\": %" PRId64 ", \"files_scanned\": %" PRId64
           ", \"files_rewritten\": %" PRId64 ", \"files_added\": %" PRId64
           ", \"peak_rss_kib\": %ld}\n",
           rows, src_rows, secs, r.inserted_rows, r.updated_rows, r.unchanged_rows, r.files_scanned,
           r.files_rewritten, r.files_added, ru.ru_maxrss);
    floe_table_free(t);
    floe_manager_free(m);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "build") == 0)
        return build(argv[2], strtoll(argv[3], NULL, 10), strtoll(argv[4], NULL, 10));
    if (argc == 6 && strcmp(argv[1], "upsert") == 0)
        return upsert(argv[2], strtoll(argv[3], NULL, 10), strtoll(argv[4], NULL, 10),
                      strtoll(argv[5], NULL, 10));
    fprintf(stderr, "usage: upsert_bench build WH ROWS FILES\n"
                    "       upsert_bench upsert WH ROWS SOURCE_ROWS UPDATE_PCT\n");
    return 2;
}
