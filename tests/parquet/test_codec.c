/* Parquet page codecs: round trips for every writable codec, exact-size checks, hostile input. */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "formats/parquet/codec.h"

/* parquet.thrift CompressionCodec ids. */
enum {
    FLOE_PARQUET_CODEC_UNCOMPRESSED = 0,
    FLOE_PARQUET_CODEC_SNAPPY = 1,
    FLOE_PARQUET_CODEC_GZIP = 2,
    FLOE_PARQUET_CODEC_LZO = 3,
    FLOE_PARQUET_CODEC_BROTLI = 4,
    FLOE_PARQUET_CODEC_LZ4 = 5,
    FLOE_PARQUET_CODEC_ZSTD = 6,
    FLOE_PARQUET_CODEC_LZ4_RAW = 7
};

static const int writable[] = {FLOE_PARQUET_CODEC_UNCOMPRESSED, FLOE_PARQUET_CODEC_SNAPPY,
                               FLOE_PARQUET_CODEC_GZIP,         FLOE_PARQUET_CODEC_BROTLI,
                               FLOE_PARQUET_CODEC_ZSTD,         FLOE_PARQUET_CODEC_LZ4_RAW};

static uint8_t *sample(size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    uint32_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        /* Half repetitive, half noisy, so every codec has something to do. */
        p[i] = (i / 64) % 2 ? (uint8_t)(x >> 24) : (uint8_t)(i % 7);
    }
    return p;
}

static void test_codec_round_trips_every_writable_codec(void **state)
{
    (void)state;
    const size_t sizes[] = {0, 1, 100, 70000};
    for (size_t c = 0; c < sizeof(writable) / sizeof(writable[0]); c++) {
        for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
            size_t n = sizes[s];
            uint8_t *in = sample(n);
            floe_buf z = FLOE_BUF_INIT;
            assert_int_equal(floe_parquet__compress(&z, writable[c], 0, in, n), 0);
            uint8_t *back = malloc(n + 1);
            assert_int_equal(floe_parquet__decompress(back, n, writable[c], z.data, z.len), 0);
            assert_memory_equal(back, in, n);
            if (n > 1000 && writable[c] != FLOE_PARQUET_CODEC_UNCOMPRESSED)
                assert_true(z.len < n);
            free(back);
            free(in);
            floe_buf_free(&z);
        }
    }
}

static void test_codec_gzip_output_has_gzip_magic(void **state)
{
    (void)state;
    floe_buf z = FLOE_BUF_INIT;
    assert_int_equal(floe_parquet__compress(&z, FLOE_PARQUET_CODEC_GZIP, 6, "hello", 5), 0);
    assert_true(z.len > 10);
    assert_int_equal(z.data[0], 0x1f);
    assert_int_equal(z.data[1], 0x8b);
    floe_buf_free(&z);
}

static void test_codec_rejects_wrong_uncompressed_size(void **state)
{
    (void)state;
    uint8_t *in = sample(5000);
    for (size_t c = 0; c < sizeof(writable) / sizeof(writable[0]); c++) {
        floe_buf z = FLOE_BUF_INIT;
        assert_int_equal(floe_parquet__compress(&z, writable[c], 0, in, 5000), 0);
        uint8_t *out = malloc(6000);
        assert_int_equal(floe_parquet__decompress(out, 4999, writable[c], z.data, z.len),
                         FLOE_ECORRUPT);
        assert_int_equal(floe_parquet__decompress(out, 5001, writable[c], z.data, z.len),
                         FLOE_ECORRUPT);
        free(out);
        floe_buf_free(&z);
    }
    free(in);
}

static void test_codec_rejects_truncated_and_flipped_input(void **state)
{
    (void)state;
    uint8_t *in = sample(3000);
    uint8_t *out = malloc(3000);
    for (size_t c = 1; c < sizeof(writable) / sizeof(writable[0]); c++) {
        floe_buf z = FLOE_BUF_INIT;
        assert_int_equal(floe_parquet__compress(&z, writable[c], 0, in, 3000), 0);
        for (size_t cut = 0; cut < z.len; cut += 1 + z.len / 40) {
            int rc = floe_parquet__decompress(out, 3000, writable[c], z.data, cut);
            assert_int_equal(rc, FLOE_ECORRUPT);
        }
        /* A flipped byte must either be detected or decode to exactly 3000 bytes. */
        for (size_t i = 0; i < z.len; i += 1 + z.len / 50) {
            z.data[i] ^= 0x5a;
            int rc = floe_parquet__decompress(out, 3000, writable[c], z.data, z.len);
            assert_true(rc == 0 || rc == FLOE_ECORRUPT);
            z.data[i] ^= 0x5a;
        }
        floe_buf_free(&z);
    }
    free(out);
    free(in);
}

static void test_codec_refuses_pages_over_one_gib(void **state)
{
    (void)state;
    uint8_t b = 0;
    assert_int_equal(
        floe_parquet__decompress(&b, ((size_t)1 << 30) + 1, FLOE_PARQUET_CODEC_ZSTD, &b, 1),
        FLOE_EINVALID);
}

static void test_codec_reads_hadoop_framed_lz4(void **state)
{
    (void)state;
    uint8_t *in = sample(10000);
    /* Two Hadoop frames: [BE usize][BE csize][raw block], as the old LZ4 codec wrote. */
    floe_buf framed = FLOE_BUF_INIT;
    for (int part = 0; part < 2; part++) {
        floe_buf raw = FLOE_BUF_INIT;
        assert_int_equal(
            floe_parquet__compress(&raw, FLOE_PARQUET_CODEC_LZ4_RAW, 0, in + part * 5000, 5000), 0);
        uint8_t hdr[8] = {0,
                          0,
                          5000 >> 8,
                          5000 & 0xff,
                          (uint8_t)(raw.len >> 24),
                          (uint8_t)(raw.len >> 16),
                          (uint8_t)(raw.len >> 8),
                          (uint8_t)raw.len};
        assert_int_equal(floe_buf_append(&framed, hdr, 8), 0);
        assert_int_equal(floe_buf_append(&framed, raw.data, raw.len), 0);
        floe_buf_free(&raw);
    }
    uint8_t *out = malloc(10000);
    assert_int_equal(
        floe_parquet__decompress(out, 10000, FLOE_PARQUET_CODEC_LZ4, framed.data, framed.len), 0);
    assert_memory_equal(out, in, 10000);
    /* The old id with a raw block (as some writers produced) is still readable. */
    floe_buf raw = FLOE_BUF_INIT;
    assert_int_equal(floe_parquet__compress(&raw, FLOE_PARQUET_CODEC_LZ4_RAW, 0, in, 10000), 0);
    assert_int_equal(
        floe_parquet__decompress(out, 10000, FLOE_PARQUET_CODEC_LZ4, raw.data, raw.len), 0);
    assert_memory_equal(out, in, 10000);
    floe_buf_free(&raw);
    floe_buf_free(&framed);
    free(out);
    free(in);
}

static void test_codec_lzo_and_unknown_are_unsupported(void **state)
{
    (void)state;
    uint8_t b[4] = {0};
    floe_buf z = FLOE_BUF_INIT;
    assert_int_equal(floe_parquet__decompress(b, 4, FLOE_PARQUET_CODEC_LZO, b, 4),
                     FLOE_EUNSUPPORTED);
    assert_int_equal(floe_parquet__decompress(b, 4, 99, b, 4), FLOE_EUNSUPPORTED);
    assert_int_equal(floe_parquet__compress(&z, FLOE_PARQUET_CODEC_LZO, 0, b, 4),
                     FLOE_EUNSUPPORTED);
    assert_int_equal(floe_parquet__codec_from_name("ZSTD"), FLOE_PARQUET_CODEC_ZSTD);
    assert_int_equal(floe_parquet__codec_from_name("lz4"), FLOE_PARQUET_CODEC_LZ4_RAW);
    assert_int_equal(floe_parquet__codec_from_name("lzo"), -1);
    floe_buf_free(&z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codec_round_trips_every_writable_codec),
        cmocka_unit_test(test_codec_gzip_output_has_gzip_magic),
        cmocka_unit_test(test_codec_rejects_wrong_uncompressed_size),
        cmocka_unit_test(test_codec_rejects_truncated_and_flipped_input),
        cmocka_unit_test(test_codec_refuses_pages_over_one_gib),
        cmocka_unit_test(test_codec_reads_hadoop_framed_lz4),
        cmocka_unit_test(test_codec_lzo_and_unknown_are_unsupported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
