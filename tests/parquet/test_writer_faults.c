/* Parquet writer under faults: every allocation failure and every failing output write is
 * reported as an error (never a crash or a leak: run under ASan), and a failed file is never
 * committed. */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/schema.h>
#include <floe/error.h>
#include <floe/io.h>
#include <floe/parquet/writer.h>

#include "base/alloc.h"
#include "formats/parquet/metadata.h"

static void add_child(struct ArrowSchema *parent, int i, const char *format, const char *name,
                      int nullable)
{
    assert_int_equal(floe_arrow_schema_init(parent->children[i], format, name,
                                            nullable ? ARROW_FLAG_NULLABLE : 0),
                     0);
}

/* A small table with a flat, a string and a nested column. */
static void make_table(struct ArrowSchema *s, struct ArrowArray *a)
{
    assert_int_equal(floe_arrow_schema_init(s, "+s", "", 0), 0);
    assert_int_equal(floe_arrow_schema_alloc_children(s, 3), 0);
    add_child(s, 0, "l", "id", 0);
    add_child(s, 1, "u", "name", 1);
    add_child(s, 2, "+l", "xs", 1);
    assert_int_equal(floe_arrow_schema_alloc_children(s->children[2], 1), 0);
    add_child(s->children[2], 0, "d:20,2", "item", 1);
    floe_arrow_builder *b;
    assert_int_equal(floe_arrow_builder_new(&b, s), 0);
    for (int i = 0; i < 300; i++) {
        assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), i), 0);
        char t[16];
        snprintf(t, sizeof t, "n%d", i % 17);
        if (i % 5 == 0)
            assert_int_equal(floe_arrow_builder_append_null(floe_arrow_builder_child(b, 1)), 0);
        else
            assert_int_equal(floe_arrow_builder_append_str(floe_arrow_builder_child(b, 1), t), 0);
        floe_arrow_builder *xs = floe_arrow_builder_child(b, 2);
        for (int j = 0; j < i % 3; j++) {
            floe_decimal128 d = {(uint64_t)(i * 100 + j), 0};
            assert_int_equal(
                floe_arrow_builder_append_decimal128(floe_arrow_builder_child(xs, 0), d), 0);
        }
        assert_int_equal(floe_arrow_builder_append_list(xs), 0);
    }
    assert_int_equal(floe_arrow_builder_finish_batch(b, a, NULL), 0);
    floe_arrow_builder_free(b);
}

/* Opens, writes the batch twice and closes; returns the first error (0 on success). */
static int write_once(floe_output_file *of, const struct ArrowSchema *s, const struct ArrowArray *a,
                      floe_parquet_file_metrics **m)
{
    floe_parquet_writer_options o = FLOE_PARQUET_WRITER_OPTIONS_INIT;
    o.page_bytes = 512;
    o.row_group_bytes = 2048;
    floe_parquet_writer *w;
    int rc = floe_parquet_writer_open(&w, of, s, &o);
    if (rc)
        return rc;
    for (int k = 0; k < 2 && !rc; k++)
        rc = floe_parquet_writer_write(w, a);
    if (rc) {
        floe_parquet_writer_abort(w);
        return rc;
    }
    return floe_parquet_writer_close(w, m);
}

static void test_every_allocation_failure_is_an_error_not_a_crash(void **state)
{
    (void)state;
    struct ArrowSchema s;
    struct ArrowArray a;
    make_table(&s, &a);
    floe_file_io *io;
    assert_int_equal(floe_memory_file_io_new(&io), 0);
    int failures = 0;
    for (long n = 1;; n++) {
        floe_output_file *of;
        assert_int_equal(io->create(&of, io, "mem://f.parquet", FLOE_CREATE_OVERWRITE), 0);
        floe_parquet_file_metrics *m = NULL;
        floe_alloc_fail_after(n);
        int rc = write_once(of, &s, &a, &m);
        floe_alloc_fail_after(0);
        int exists = 0;
        assert_int_equal(io->exists(&exists, io, "mem://f.parquet"), 0);
        if (rc == 0) {
            assert_non_null(m);
            assert_int_equal(floe_parquet_file_metrics_row_count(m), 600);
            assert_int_equal(exists, 1);
            floe_parquet_file_metrics_free(m);
            break;
        }
        failures++;
        assert_null(m);
        assert_int_equal(exists, 0); /* a failed write leaves no file */
        assert_true(rc < 0);
        assert_true(strlen(floe_error_last()) > 0);
        assert_true(n < 100000);
    }
    assert_true(failures > 20);
    floe_file_io_free(io);
    a.release(&a);
    s.release(&s);
}

/* An output file whose Nth write fails. */
typedef struct failing_state {
    long writes_left;
    int committed, aborted;
    uint64_t bytes;
} failing_state;

static int failing_write(floe_output_file *f, const void *data, size_t len)
{
    (void)data;
    failing_state *st = f->state;
    if (st->writes_left-- <= 0)
        return floe_error_set(FLOE_EIO, "disk full (injected)");
    st->bytes += len;
    return 0;
}

static int failing_commit(floe_output_file *f)
{
    ((failing_state *)f->state)->committed = 1;
    free(f);
    return 0;
}

static void failing_abort(floe_output_file *f)
{
    ((failing_state *)f->state)->aborted = 1;
    free(f);
}

static void test_every_output_failure_aborts_the_file(void **state)
{
    (void)state;
    struct ArrowSchema s;
    struct ArrowArray a;
    make_table(&s, &a);
    for (long n = 0;; n++) {
        failing_state st = {n, 0, 0, 0};
        floe_output_file *of = calloc(1, sizeof *of);
        of->version = FLOE_IO_VERSION;
        of->location = "failing://x";
        of->write = failing_write;
        of->commit = failing_commit;
        of->abort = failing_abort;
        of->state = &st;
        floe_parquet_file_metrics *m = NULL;
        int rc = write_once(of, &s, &a, &m);
        if (rc == 0) {
            assert_int_equal(st.committed, 1);
            assert_int_equal(st.aborted, 0);
            assert_int_equal(floe_parquet_file_metrics_file_size(m), st.bytes);
            floe_parquet_file_metrics_free(m);
            assert_true(n > 5);
            break;
        }
        assert_int_equal(rc, FLOE_EIO);
        assert_non_null(strstr(floe_error_last(), "disk full"));
        assert_int_equal(st.committed, 0);
        assert_int_equal(st.aborted, 1);
        assert_true(n < 10000);
    }
    a.release(&a);
    s.release(&s);
}

static void test_metadata_decode_survives_allocation_failures(void **state)
{
    (void)state;
    struct ArrowSchema s;
    struct ArrowArray a;
    make_table(&s, &a);
    floe_file_io *io;
    assert_int_equal(floe_memory_file_io_new(&io), 0);
    floe_output_file *of;
    assert_int_equal(io->create(&of, io, "mem://g.parquet", FLOE_CREATE_OVERWRITE), 0);
    assert_int_equal(write_once(of, &s, &a, NULL), 0);
    uint8_t *data;
    size_t len;
    assert_int_equal(floe_file_io_read_all(&data, &len, io, "mem://g.parquet", 1 << 24), 0);
    uint32_t flen = (uint32_t)data[len - 8] | (uint32_t)data[len - 7] << 8 |
                    (uint32_t)data[len - 6] << 16 | (uint32_t)data[len - 5] << 24;
    const uint8_t *f = data + len - 8 - flen;
    for (long n = 1;; n++) {
        floe_parquet_file_metadata *md = NULL;
        floe_alloc_fail_after(n);
        int rc = floe_parquet__file_metadata_decode(&md, f, flen, 0);
        floe_alloc_fail_after(0);
        if (rc == 0) {
            assert_true(md->num_row_groups > 1);
            floe_parquet__file_metadata_free(md);
            break;
        }
        assert_int_equal(rc, FLOE_ENOMEM);
        assert_null(md);
        assert_true(n < 10000);
    }
    free(data);
    floe_file_io_free(io);
    a.release(&a);
    s.release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_allocation_failure_is_an_error_not_a_crash),
        cmocka_unit_test(test_every_output_failure_aborts_the_file),
        cmocka_unit_test(test_metadata_decode_survives_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
