/* Hostile input: truncations at many offsets, flipped bytes, bad magic and huge lengths must
 * give clean errors (FLOE_ECORRUPT and friends, never a crash, hang or huge allocation).
 * Run under ASan/UBSan in CI. Seeds are small DuckDB files (v1 snappy, v2 zstd). */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/arrow/validate.h>
#include <floe/error.h>
#include <floe/io.h>
#include <floe/parquet/reader.h>

/* Opens and reads every batch; returns 0 or the first error. */
static int read_all(const uint8_t *data, size_t len, int64_t *rows)
{
    floe_input_file *in = NULL;
    int rc = floe_input_file_from_memory(&in, data, len, "mutant.parquet");
    assert_int_equal(rc, 0);
    floe_parquet_reader_options opt = FLOE_PARQUET_READER_OPTIONS_INIT;
    opt.batch_size = 16;
    floe_parquet_reader *r = NULL;
    *rows = 0;
    rc = floe_parquet_reader_open(&r, in, &opt);
    if (rc == 0) {
        json_t *md = NULL;
        rc = floe_parquet_reader_metadata_json(&md, r);
        json_decref(md);
    }
    if (rc == 0) {
        struct ArrowSchema s;
        rc = floe_parquet_reader_schema(&s, r);
        if (rc == 0)
            s.release(&s);
    }
    struct ArrowSchema full;
    memset(&full, 0, sizeof(full));
    if (rc == 0)
        rc = floe_parquet_reader_schema(&full, r);
    if (rc == 0) {
        struct ArrowArrayStream st;
        rc = floe_parquet_reader_stream(&st, r);
        while (rc == 0) {
            struct ArrowArray a;
            if (st.get_next(&st, &a) != 0) {
                rc = floe_error_last_code();
                assert_non_null(st.get_last_error(&st));
                if (rc == 0)
                    rc = FLOE_ERROR;
                break;
            }
            if (!a.release)
                break;
            *rows += a.length;
            /* Whatever the file says, every batch handed out is a well-formed Arrow array. */
            if (floe_arrow_validate(&full, &a, 0) != 0)
                fail_msg("invalid batch: %s", floe_error_last());
            a.release(&a);
        }
        if (st.release)
            st.release(&st);
    }
    if (full.release)
        full.release(&full);
    floe_parquet_reader_free(r);
    floe_input_close(in);
    return rc;
}

static void check_clean(int rc)
{
    if (rc == 0)
        return;
    assert_true(rc == FLOE_ECORRUPT || rc == FLOE_EUNSUPPORTED || rc == FLOE_EINVALID ||
                rc == FLOE_ENOMEM);
    assert_true(strlen(floe_error_last()) > 0);
}

static uint8_t *seed(const char *name, size_t *len)
{
    static char *list;
    static const char *dir;
    if (!dir) {
        dir = floe_test_tmpdir("parquet_hostile");
        char args[1024];
        snprintf(args, sizeof(args), "'%s' --small", dir);
        assert_int_equal(floe_test_node("parquet_gen_duckdb.mjs", args, &list), 0);
    }
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    uint8_t *d = (uint8_t *)floe_test_read_file(path, len);
    assert_non_null(d);
    return d;
}

static void test_hostile_seed_files_read_cleanly(void **state)
{
    (void)state;
    FLOE_REQUIRE_INTEROP();
    const char *names[] = {"small_v1.parquet", "small_v2.parquet"};
    for (int k = 0; k < 2; k++) {
        size_t len;
        uint8_t *d = seed(names[k], &len);
        int64_t rows;
        assert_int_equal(read_all(d, len, &rows), 0);
        assert_int_equal(rows, 40);
        free(d);
    }
}

static void test_hostile_truncations_fail_with_corrupt(void **state)
{
    (void)state;
    FLOE_REQUIRE_INTEROP();
    const char *names[] = {"small_v1.parquet", "small_v2.parquet"};
    for (int k = 0; k < 2; k++) {
        size_t len;
        uint8_t *d = seed(names[k], &len);
        for (size_t cut = 0; cut < len; cut += (cut + 64 > len ? 1 : 37)) {
            uint8_t *copy = malloc(cut ? cut : 1);
            memcpy(copy, d, cut);
            int64_t rows;
            int rc = read_all(copy, cut, &rows);
            /* A truncated file loses its trailing magic: always corrupt. */
            assert_int_equal(rc, FLOE_ECORRUPT);
            free(copy);
        }
        free(d);
    }
}

static void test_hostile_flipped_bytes_never_crash(void **state)
{
    (void)state;
    FLOE_REQUIRE_INTEROP();
    const char *names[] = {"small_v1.parquet", "small_v2.parquet"};
    uint32_t x = 2463534242u;
    for (int k = 0; k < 2; k++) {
        size_t len;
        uint8_t *d = seed(names[k], &len);
        int failures = 0;
        for (int m = 0; m < 1500; m++) {
            uint8_t *copy = malloc(len);
            memcpy(copy, d, len);
            /* 1-3 random byte changes; every 4th mutant targets the footer. */
            int changes = 1 + m % 3;
            for (int c = 0; c < changes; c++) {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                size_t at = m % 4 == 0 ? len - 8 - (x % (len / 8)) : x % len;
                copy[at] ^= (uint8_t)(1u + (x >> 24) % 255);
            }
            int64_t rows;
            int rc = read_all(copy, len, &rows);
            check_clean(rc);
            failures += rc != 0;
            free(copy);
        }
        /* Most mutants are detected (this also shows the loop exercised the reader). */
        assert_true(failures > 400);
        free(d);
    }
}

static void test_hostile_bad_magic_and_huge_lengths(void **state)
{
    (void)state;
    FLOE_REQUIRE_INTEROP();
    size_t len;
    uint8_t *d = seed("small_v1.parquet", &len);
    int64_t rows;
    uint8_t *copy = malloc(len);

    memcpy(copy, d, len);
    memcpy(copy, "PAR2", 4);
    assert_int_equal(read_all(copy, len, &rows), FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "offset 0"));

    memcpy(copy, d, len);
    memcpy(copy + len - 4, "PARX", 4);
    assert_int_equal(read_all(copy, len, &rows), FLOE_ECORRUPT);

    /* Footer length larger than the file. */
    memcpy(copy, d, len);
    copy[len - 8] = 0xff;
    copy[len - 7] = 0xff;
    copy[len - 6] = 0xff;
    copy[len - 5] = 0x7f;
    assert_int_equal(read_all(copy, len, &rows), FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "footer length"));

    /* Encrypted-footer magic. */
    memcpy(copy, d, len);
    memcpy(copy + len - 4, "PARE", 4);
    assert_int_equal(read_all(copy, len, &rows), FLOE_EUNSUPPORTED);

    /* Too small to be Parquet. */
    assert_int_equal(read_all((const uint8_t *)"PAR1PAR1", 8, &rows), FLOE_ECORRUPT);
    free(copy);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_seed_files_read_cleanly),
        cmocka_unit_test(test_hostile_truncations_fail_with_corrupt),
        cmocka_unit_test(test_hostile_flipped_bytes_never_crash),
        cmocka_unit_test(test_hostile_bad_magic_and_huge_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
