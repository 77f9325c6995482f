/* Parquet benchmark (not a test). Prints one JSON line with the figures.
 *
 * Write: builds N rows (id int64, amount double, name string with ~10k distinct values,
 * ts timestamp[us], qty int32) as Arrow batches, then times floe's writer (zstd) writing them
 * to a file.
 * usage: parquet_bench OUT.parquet [ROWS] [BATCH_ROWS] [REPEAT]
 * REPEAT writes the file that many times (for profiling); the best time is printed.
 *
 * Read: times floe's reader decoding a whole file into Arrow record batches, all of them kept
 * in memory until the file is done (a full materialisation, like DuckDB's CREATE TABLE AS
 * SELECT * in bench/duckdb_bench.mjs), then released.
 * usage: parquet_bench --read FILE [REPEAT] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/schema.h>
#include <floe/arrow/stream.h>
#include <floe/error.h>
#include <floe/io.h>
#include <floe/parquet/reader.h>
#include <floe/parquet/writer.h>

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
    fprintf(stderr, "parquet_bench: %s: %s\n", what, floe_error_last());
    return 1;
}

/* Reads `path` fully into Arrow batches `repeat` times; prints the best time. */
static int bench_read(const char *path, long repeat)
{
    floe_file_io *io;
    if (floe_posix_file_io_new(&io))
        return die("io");
    double best = 1e30;
    int64_t rows = 0, batches_kept = 0;
    uint64_t bytes = 0;
    for (long rep = 0; rep < repeat; rep++) {
        double t0 = now();
        floe_input_file *in;
        if (io->open(&in, io, path))
            return die("open input");
        floe_parquet_reader *r;
        if (floe_parquet_reader_open(&r, in, NULL))
            return die("reader open");
        struct ArrowArrayStream st;
        if (floe_parquet_reader_stream(&st, r))
            return die("reader stream");
        size_t cap = 64, n = 0;
        struct ArrowArray *kept = malloc(cap * sizeof *kept);
        if (!kept)
            return die("memory");
        rows = 0;
        for (;;) {
            if (n == cap) {
                struct ArrowArray *grown = realloc(kept, 2 * cap * sizeof *kept);
                if (!grown)
                    return die("memory");
                kept = grown;
                cap *= 2;
            }
            if (floe_arrow_stream_get_next(&st, &kept[n]))
                return die("read");
            if (!kept[n].release)
                break;
            rows += kept[n].length;
            n++;
        }
        double t1 = now();
        if (t1 - t0 < best)
            best = t1 - t0;
        batches_kept = (int64_t)n;
        for (size_t k = 0; k < n; k++)
            kept[k].release(&kept[k]);
        free(kept);
        floe_arrow_stream_release(&st);
        floe_parquet_reader_free(r);
        if (in->size(&bytes, in))
            bytes = 0;
        in->close(in);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("{\"mode\": \"read\", \"rows\": %lld, \"batches\": %lld, \"seconds\": %.4f, "
           "\"bytes\": %llu, \"peak_rss_kb\": %ld}\n",
           (long long)rows, (long long)batches_kept, best, (unsigned long long)bytes, ru.ru_maxrss);
    floe_file_io_free(io);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "--read"))
        return bench_read(argv[2], argc > 3 ? strtol(argv[3], NULL, 10) : 1);
    if (argc < 2) {
        fprintf(stderr, "usage: parquet_bench OUT.parquet [ROWS] [BATCH_ROWS] [REPEAT]\n"
                        "       parquet_bench --read FILE [REPEAT]\n");
        return 2;
    }
    long rows = argc > 2 ? strtol(argv[2], NULL, 10) : 1000000;
    long per = argc > 3 ? strtol(argv[3], NULL, 10) : 65536;
    long repeat = argc > 4 ? strtol(argv[4], NULL, 10) : 1;
    struct ArrowSchema s;
    if (floe_arrow_schema_init(&s, "+s", "", 0) || floe_arrow_schema_alloc_children(&s, 5))
        return die("schema");
    const char *fmt[5] = {"l", "g", "u", "tsu:", "i"};
    const char *names[5] = {"id", "amount", "name", "ts", "qty"};
    for (int i = 0; i < 5; i++) {
        char id[8];
        snprintf(id, sizeof id, "%d", i + 1);
        if (floe_arrow_schema_init(s.children[i], fmt[i], names[i], ARROW_FLAG_NULLABLE) ||
            floe_arrow_schema_metadata_set(s.children[i], FLOE_ARROW_FIELD_ID_KEY, id))
            return die("schema");
    }
    long nb = (rows + per - 1) / per;
    struct ArrowArray *batches = calloc((size_t)nb, sizeof *batches);
    floe_arrow_builder *b;
    if (floe_arrow_builder_new(&b, &s))
        return die("builder");
    long i = 0;
    for (long k = 0; k < nb; k++) {
        for (long r = 0; r < per && i < rows; r++, i++) {
            char name[32];
            snprintf(name, sizeof name, "customer-%u", (unsigned)(mix((uint64_t)i) % 10000));
            if (floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), i) ||
                floe_arrow_builder_append_double(floe_arrow_builder_child(b, 1),
                                                 (double)i * 0.25) ||
                floe_arrow_builder_append_str(floe_arrow_builder_child(b, 2), name) ||
                floe_arrow_builder_append_int(floe_arrow_builder_child(b, 3),
                                              1577836800000000LL + (long long)i * 1000) ||
                floe_arrow_builder_append_int(floe_arrow_builder_child(b, 4), i % 100000))
                return die("append");
        }
        if (floe_arrow_builder_finish_batch(b, &batches[k], NULL))
            return die("finish");
    }
    floe_arrow_builder_free(b);

    floe_file_io *io;
    if (floe_posix_file_io_new(&io))
        return die("io");
    double best = 1e30;
    uint64_t max_held = 0;
    floe_parquet_file_metrics *m = NULL;
    for (long rep = 0; rep < repeat; rep++) {
        floe_parquet_file_metrics_free(m);
        double t0 = now();
        floe_output_file *of;
        if (io->create(&of, io, argv[1], FLOE_CREATE_OVERWRITE))
            return die("create");
        floe_parquet_writer *w;
        floe_parquet_writer_options o = FLOE_PARQUET_WRITER_OPTIONS_INIT;
        if (floe_parquet_writer_open(&w, of, &s, &o))
            return die("open");
        for (long k = 0; k < nb; k++) {
            if (floe_parquet_writer_write(w, &batches[k]))
                return die("write");
            uint64_t held = floe_parquet_writer_buffered_bytes(w);
            if (held > max_held)
                max_held = held;
        }
        if (floe_parquet_writer_close(w, &m))
            return die("close");
        double t1 = now();
        if (t1 - t0 < best)
            best = t1 - t0;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("{\"rows\": %ld, \"seconds\": %.4f, \"bytes\": %llu, \"row_groups\": %zu, "
           "\"peak_rss_kb\": %ld, \"writer_buffered_max_bytes\": %llu}\n",
           rows, best, (unsigned long long)floe_parquet_file_metrics_file_size(m),
           floe_parquet_file_metrics_n_row_groups(m), ru.ru_maxrss, (unsigned long long)max_held);
    floe_parquet_file_metrics_free(m);
    for (long k = 0; k < nb; k++)
        batches[k].release(&batches[k]);
    free(batches);
    s.release(&s);
    floe_file_io_free(io);
    return 0;
}
