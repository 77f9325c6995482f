/* Table maintenance benchmark (not a test): bench/maint_bench.sh runs it. There is no DuckDB
 * peer: DuckDB does not compact, expire or clean Iceberg tables, so these are floe's figures.
 *
 *   maint_bench build WH TABLE APPENDS ROWS
 *       creates bench.TABLE (id long not null, v string) and makes APPENDS appends of ROWS rows
 *       each: one tiny data file and one snapshot per append.
 *   maint_bench compact WH TABLE
 *       loads the table and times floe_table_compact (table defaults: every file smaller than
 *       75% of the target size is a candidate), commit included.
 *   maint_bench expire WH TABLE
 *       loads the table and times floe_table_expire_snapshots keeping only the current
 *       snapshot (every other one is made old enough by the clock passed in).
 *   maint_bench orphans WH TABLE ORPHANS
 *       writes ORPHANS unreferenced files under the table's data/ folder, then times
 *       floe_table_remove_orphan_files with a cutoff after their creation.
 *
 * Each run is its own process so that its peak RSS (getrusage) covers only that operation
 * and the table load. Each mode prints one JSON line. */
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
#include <floe/table_compact.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int64_t wall_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static int die(const char *what)
{
    fprintf(stderr, "maint_bench: %s: %s\n", what, floe_error_last());
    return 1;
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

static int load(floe_manager **m, floe_table **t, const char *wh, const char *name)
{
    char ident[256];
    snprintf(ident, sizeof ident, "bench.%s", name);
    if (open_manager(m, wh))
        return die("open warehouse");
    if (floe_manager_load_table(t, *m, ident))
        return die("load table");
    return 0;
}

/* One batch of rows [first, first + rows). */
static int one_batch(struct ArrowArrayStream *out, floe_table *t, int64_t first, int64_t rows)
{
    struct ArrowSchema s;
    int rc = floe_table_arrow_schema(&s, t);
    if (rc)
        return rc;
    floe_arrow_builder *b;
    if ((rc = floe_arrow_builder_new(&b, &s))) {
        s.release(&s);
        return rc;
    }
    floe_arrow_builder *id = floe_arrow_builder_child(b, 0), *v = floe_arrow_builder_child(b, 1);
    char text[32];
    for (int64_t i = first; !rc && i < first + rows; i++) {
        snprintf(text, sizeof text, "row-%" PRId64, i);
        if (!(rc = floe_arrow_builder_append_int(id, i)))
            rc = floe_arrow_builder_append_str(v, text);
    }
    struct ArrowArray batch;
    if (!rc)
        rc = floe_arrow_builder_finish_batch(b, &batch, NULL);
    floe_arrow_builder_free(b);
    if (!rc && (rc = floe_arrow_stream_from_batches(out, &s, &batch, 1)) && batch.release)
        batch.release(&batch);
    if (rc)
        s.release(&s);
    return rc;
}

static int bench_build(const char *wh, const char *name, int64_t appends, int64_t rows)
{
    floe_manager *m;
    floe_table *t;
    char ident[256];
    snprintf(ident, sizeof ident, "bench.%s", name);
    if (open_manager(&m, wh))
        return die("open warehouse");
    int exists = 0;
    if (floe_manager_table_exists(&exists, m, ident) ||
        (exists && floe_manager_drop_table(m, ident, 1)))
        return die("drop old table");
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id long not null, v string";
    if (floe_manager_create_table(&t, m, ident, &co))
        return die("create");
    double t0 = now();
    int64_t files = 0;
    for (int64_t k = 0; k < appends; k++) {
        struct ArrowArrayStream st;
        floe_write_result wr;
        if (one_batch(&st, t, k * rows, rows))
            return die("generate");
        if (floe_table_append(&wr, t, &st, NULL))
            return die("append");
        floe_arrow_stream_release(&st);
        files += wr.added_files;
    }
    printf("{\"mode\": \"build\", \"table\": \"%s\", \"appends\": %" PRId64
           ", \"rows_per_append\": "
           "%" PRId64 ", \"data_files\": %" PRId64 ", \"seconds\": %.3f, \"peak_rss_kb\": %ld}\n",
           ident, appends, rows, files, now() - t0, peak_rss_kb());
    floe_table_free(t);
    floe_manager_free(m);
    return 0;
}

static int bench_compact(const char *wh, const char *name)
{
    floe_manager *m;
    floe_table *t;
    if (load(&m, &t, wh, name))
        return 1;
    floe_compact_options o = FLOE_COMPACT_OPTIONS_INIT;
    floe_compact_result *r;
    double t0 = now();
    if (floe_table_compact(&r, t, &o))
        return die("compact");
    double secs = now() - t0;
    printf("{\"mode\": \"compact\", \"table\": \"bench.%s\", \"groups\": %zu, \"files_before\": "
           "%" PRId64 ", \"files_written\": %" PRId64 ", \"rows\": %" PRId64 ", \"seconds\": %.3f, "
           "\"peak_rss_kb\": %ld}\n",
           name, floe_compact_result_group_count(r), floe_compact_result_rewritten_files(r),
           floe_compact_result_added_files(r), floe_compact_result_added_records(r), secs,
           peak_rss_kb());
    floe_compact_result_free(r);
    floe_table_free(t);
    floe_manager_free(m);
    return 0;
}

static int bench_expire(const char *wh, const char *name)
{
    floe_manager *m;
    floe_table *t;
    if (load(&m, &t, wh, name))
        return 1;
    floe_expire_snapshots_options o = FLOE_EXPIRE_SNAPSHOTS_OPTIONS_INIT;
    /* a clock one day ahead makes every snapshot old; retain_last keeps the current one */
    o.now_ms = wall_ms() + (int64_t)86400 * 1000;
    o.older_than_ms = o.now_ms;
    o.retain_last = 1;
    floe_maintenance_result *r;
    double t0 = now();
    if (floe_table_expire_snapshots(&r, t, &o))
        return die("expire");
    double secs = now() - t0;
    printf("{\"mode\": \"expire\", \"table\": \"bench.%s\", \"snapshots_expired\": %zu, "
           "\"files_deleted\": %zu, \"delete_failures\": %zu, \"seconds\": %.3f, "
           "\"peak_rss_kb\": %ld}\n",
           name, r->snapshot_count, r->file_count, r->failed_count, secs, peak_rss_kb());
    floe_maintenance_result_free(r);
    floe_table_free(t);
    floe_manager_free(m);
    return 0;
}

/* The location as a local path ("file:" URIs and plain paths; other schemes are refused). */
static const char *local_path(const char *loc)
{
    if (strncmp(loc, "file://", 7) == 0)
        return loc + 7;
    if (strncmp(loc, "file:", 5) == 0)
        return loc + 5;
    return strstr(loc, "://") ? NULL : loc;
}

static int bench_orphans(const char *wh, const char *name, int64_t orphans)
{
    floe_manager *m;
    floe_table *t;
    if (load(&m, &t, wh, name))
        return 1;
    const char *dir = local_path(floe_table_location(t));
    if (!dir) {
        fprintf(stderr, "maint_bench: table location %s is not local\n", floe_table_location(t));
        return 1;
    }
    for (int64_t k = 0; k < orphans; k++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/data/orphan-%06" PRId64 ".parquet", dir, k);
        FILE *f = fopen(path, "wb");
        if (!f || fputs("not referenced by any snapshot\n", f) < 0 || fclose(f) != 0) {
            perror(path);
            return 1;
        }
    }
    floe_remove_orphans_options o = FLOE_REMOVE_ORPHANS_OPTIONS_INIT;
    /* the cutoff is a minute ahead so that files just written count as old enough */
    o.now_ms = wall_ms() + 60000;
    o.older_than_ms = o.now_ms;
    floe_maintenance_result *r;
    double t0 = now();
    if (floe_table_remove_orphan_files(&r, t, &o))
        return die("remove orphans");
    double secs = now() - t0;
    /* Besides the planted files, metadata files that fell out of the metadata log
     * (write.metadata.previous-versions-max) are unreferenced too; anything else is named so
     * that it can be checked. */
    size_t old_metadata = 0, other = 0;
    for (size_t i = 0; i < r->file_count; i++) {
        const char *f = r->files[i];
        size_t n = strlen(f);
        if (strstr(f, "/data/orphan-"))
            continue;
        if (n > 14 && strcmp(f + n - 14, ".metadata.json") == 0) {
            old_metadata++;
            continue;
        }
        other++;
        fprintf(stderr, "maint_bench: also deleted: %s\n", f);
    }
    printf("{\"mode\": \"orphans\", \"table\": \"bench.%s\", \"orphans_planted\": %" PRId64
           ", \"files_deleted\": %zu, \"old_metadata_files_deleted\": %zu, "
           "\"other_files_deleted\": %zu, \"delete_failures\": %zu, \"seconds\": %.3f, "
           "\"peak_rss_kb\": %ld}\n",
           name, orphans, r->file_count, old_metadata, other, r->failed_count, secs, peak_rss_kb());
    floe_maintenance_result_free(r);
    floe_table_free(t);
    floe_manager_free(m);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "build") == 0)
        return bench_build(argv[2], argv[3], strtoll(argv[4], NULL, 10),
                           strtoll(argv[5], NULL, 10));
    if (argc == 4 && strcmp(argv[1], "compact") == 0)
        return bench_compact(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "expire") == 0)
        return bench_expire(argv[2], argv[3]);
    if (argc == 5 && strcmp(argv[1], "orphans") == 0)
        return bench_orphans(argv[2], argv[3], strtoll(argv[4], NULL, 10));
    fprintf(stderr, "usage: maint_bench build WH TABLE APPENDS ROWS\n"
                    "       maint_bench compact|expire WH TABLE\n"
                    "       maint_bench orphans WH TABLE ORPHANS\n");
    return 2;
}
