/* Parquet value/level decoders: hand-encoded inputs from Encodings.md, plus hostile input. */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#include <floe/error.h>

#include "base/buf.h"
#include "formats/parquet/decode.h"

static void test_decode_rle_hybrid_mixed_runs(void **state)
{
    (void)state;
    /* bit width 3: RLE run of 5 x 4, then one bit-packed group of 0..7 (Encodings.md). */
    const uint8_t data[] = {0x0a, 0x04, 0x03, 0x88, 0xc6, 0xfa};
    floe_parquet_rle r;
    floe_parquet__rle_init(&r, data, sizeof(data), 3);
    uint32_t out[13];
    assert_int_equal(floe_parquet__rle_read(&r, out, 13), 0);
    const uint32_t want[13] = {4, 4, 4, 4, 4, 0, 1, 2, 3, 4, 5, 6, 7};
    assert_memory_equal(out, want, sizeof(want));
    /* The stream is exhausted: one more value is corruption, not garbage. */
    assert_int_equal(floe_parquet__rle_read(&r, out, 1), FLOE_ECORRUPT);
}

static void test_decode_rle_hybrid_widths_0_to_32(void **state)
{
    (void)state;
    for (int bw = 0; bw <= 32; bw++) {
        /* One bit-packed run of 2 groups (16 values), packed by hand LSB first. */
        uint8_t buf[1 + 2 * 32] = {0};
        buf[0] = (2 << 1) | 1;
        uint32_t want[16];
        uint64_t mask = bw == 32 ? 0xffffffffu : ((1ull << bw) - 1);
        for (int i = 0; i < 16; i++) {
            want[i] = (uint32_t)((0x9e3779b9u * (uint32_t)(i + 1)) & mask);
            for (int b = 0; b < bw; b++)
                if (want[i] >> b & 1) {
                    size_t bit = (size_t)i * bw + b;
                    buf[1 + bit / 8] |= (uint8_t)(1u << (bit % 8));
                }
        }
        floe_parquet_rle r;
        floe_parquet__rle_init(&r, buf, 1 + 2 * (size_t)bw, bw);
        uint32_t out[16];
        assert_int_equal(floe_parquet__rle_read(&r, out, 16), 0);
        assert_memory_equal(out, want, sizeof(want));
    }
}

static void test_decode_rle_rejects_hostile_streams(void **state)
{
    (void)state;
    uint32_t out[64];
    floe_parquet_rle r;
    /* Unterminated varint header. */
    const uint8_t a[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    floe_parquet__rle_init(&r, a, sizeof(a), 3);
    assert_int_equal(floe_parquet__rle_read(&r, out, 1), FLOE_ECORRUPT);
    /* RLE value wider than the bit width. */
    const uint8_t b[] = {0x02, 0x09};
    floe_parquet__rle_init(&r, b, sizeof(b), 3);
    assert_int_equal(floe_parquet__rle_read(&r, out, 1), FLOE_ECORRUPT);
    /* Many empty bit-packed runs must not recurse or spin. */
    uint8_t *c = malloc(1 << 20);
    memset(c, 0x01, 1 << 20);
    floe_parquet__rle_init(&r, c, 1 << 20, 5);
    assert_int_equal(floe_parquet__rle_read(&r, out, 1), FLOE_ECORRUPT);
    free(c);
    /* Dictionary index out of range. */
    const uint8_t d[] = {4, 0x02, 0x09};
    assert_int_equal(floe_parquet__decode_dict_indices(out, 1, d, sizeof(d), 9), FLOE_ECORRUPT);
    assert_int_equal(floe_parquet__decode_dict_indices(out, 1, d, sizeof(d), 10), 0);
    assert_int_equal(out[0], 9);
    const uint8_t e[] = {33, 0x02, 0x09};
    assert_int_equal(floe_parquet__decode_dict_indices(out, 1, e, sizeof(e), 10), FLOE_ECORRUPT);
}

static void test_decode_plain_types(void **state)
{
    (void)state;
    const uint8_t ints[] = {1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};
    int32_t i32[2];
    size_t used = 0;
    assert_int_equal(floe_parquet__decode_plain_fixed(i32, 2, 4, ints, 8, &used), 0);
    assert_int_equal(i32[0], 1);
    assert_int_equal(i32[1], -1);
    assert_int_equal(used, 8);
    assert_int_equal(floe_parquet__decode_plain_fixed(i32, 3, 4, ints, 8, &used), FLOE_ECORRUPT);

    const uint8_t bools[] = {0x0d, 0x01};
    uint8_t bo[9];
    assert_int_equal(floe_parquet__decode_plain_bool(bo, 9, bools, 2, &used), 0);
    const uint8_t wantb[9] = {1, 0, 1, 1, 0, 0, 0, 0, 1};
    assert_memory_equal(bo, wantb, 9);
    assert_int_equal(used, 2);
    assert_int_equal(floe_parquet__decode_plain_bool(bo, 17, bools, 2, &used), FLOE_ECORRUPT);

    const uint8_t ba[] = {3, 0, 0, 0, 'a', 'b', 'c', 0, 0, 0, 0, 2, 0, 0, 0, 'x'};
    floe_parquet_view v[3];
    assert_int_equal(floe_parquet__decode_plain_bytes(v, 2, ba, 11, &used), 0);
    assert_int_equal(v[0].len, 3);
    assert_memory_equal(v[0].ptr, "abc", 3);
    assert_int_equal(v[1].len, 0);
    assert_int_equal(used, 11);
    /* Third value claims 2 bytes with only 1 left. */
    assert_int_equal(floe_parquet__decode_plain_bytes(v, 3, ba, sizeof(ba), &used), FLOE_ECORRUPT);
    const uint8_t huge[] = {0xff, 0xff, 0xff, 0xff, 'a'};
    assert_int_equal(floe_parquet__decode_plain_bytes(v, 1, huge, sizeof(huge), &used),
                     FLOE_ECORRUPT);
}

static void test_decode_rle_booleans(void **state)
{
    (void)state;
    /* length 4; RLE run of 3 x true; bit-packed group 0b01010101. */
    const uint8_t d[] = {4, 0, 0, 0, 0x06, 0x01, 0x03, 0x55};
    uint8_t out[11];
    assert_int_equal(floe_parquet__decode_rle_bool(out, 11, d, sizeof(d)), 0);
    const uint8_t want[11] = {1, 1, 1, 1, 0, 1, 0, 1, 0, 1, 0};
    assert_memory_equal(out, want, 11);
    const uint8_t bad[] = {40, 0, 0, 0, 0x06, 0x01};
    assert_int_equal(floe_parquet__decode_rle_bool(out, 3, bad, sizeof(bad)), FLOE_ECORRUPT);
}

/* Encodes int64 values as DELTA_BINARY_PACKED with block 128 / 4 miniblocks, the way the spec
 * describes, so the decoder is checked against an independent encoder. */
static void delta_encode(floe_buf *b, const int64_t *v, size_t n)
{
    floe_buf_append_uvarint(b, 128);
    floe_buf_append_uvarint(b, 4);
    floe_buf_append_uvarint(b, n);
    floe_buf_append_zigzag(b, n ? v[0] : 0);
    for (size_t start = 1; start < n; start += 128) {
        size_t cnt = n - start < 128 ? n - start : 128;
        uint64_t deltas[128] = {0};
        int64_t min = INT64_MAX;
        for (size_t i = 0; i < cnt; i++) {
            deltas[i] = (uint64_t)v[start + i] - (uint64_t)v[start + i - 1];
            if ((int64_t)deltas[i] < min)
                min = (int64_t)deltas[i];
        }
        floe_buf_append_zigzag(b, min);
        uint8_t widths[4] = {0};
        for (size_t i = 0; i < cnt; i++) {
            uint64_t d = deltas[i] - (uint64_t)min;
            int w = 0;
            while (w < 64 && (d >> w))
                w++;
            if (w > widths[i / 32])
                widths[i / 32] = (uint8_t)w;
        }
        floe_buf_append(b, widths, 4);
        for (int m = 0; m < 4; m++) {
            if (m * 32 >= (int)cnt)
                break;
            uint8_t packed[32 * 8] = {0};
            for (size_t i = 0; i < 32; i++) {
                size_t idx = (size_t)m * 32 + i;
                uint64_t d = idx < cnt ? deltas[idx] - (uint64_t)min : 0;
                for (int bit = 0; bit < widths[m]; bit++)
                    if (d >> bit & 1) {
                        size_t pos = i * widths[m] + (size_t)bit;
                        packed[pos / 8] |= (uint8_t)(1u << (pos % 8));
                    }
            }
            floe_buf_append(b, packed, (size_t)widths[m] * 4);
        }
    }
}

static void test_decode_delta_binary_packed_int64_extremes(void **state)
{
    (void)state;
    int64_t v[300];
    for (int i = 0; i < 300; i++)
        v[i] = i % 3 == 0 ? INT64_MIN + i : (i % 3 == 1 ? INT64_MAX - i : (int64_t)i * 7 - 500);
    floe_buf b = FLOE_BUF_INIT;
    delta_encode(&b, v, 300);
    int64_t out[300];
    size_t used = 0;
    assert_int_equal(floe_parquet__decode_delta_binary(out, 1, 300, b.data, b.len, &used), 0);
    assert_memory_equal(out, v, sizeof(v));
    assert_int_equal(used, b.len);
    /* Truncating into real values is detected; cutting only the last miniblock's padding
     * (allowed by the spec) still yields the same values. */
    for (size_t cut = 0; cut < b.len; cut += 7) {
        memset(out, 0, sizeof(out));
        int rc = floe_parquet__decode_delta_binary(out, 1, 300, b.data, cut, NULL);
        if (cut < b.len - 200)
            assert_int_equal(rc, FLOE_ECORRUPT);
        else
            assert_true(rc == FLOE_ECORRUPT || memcmp(out, v, sizeof(v)) == 0);
    }
    floe_buf_free(&b);

    int64_t small[5] = {7, 5, 3, 1, 2};
    int32_t o32[5];
    delta_encode(&b, small, 5);
    assert_int_equal(floe_parquet__decode_delta_binary(o32, 0, 5, b.data, b.len, &used), 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(o32[i], small[i]);
    floe_buf_free(&b);
}

static void test_decode_delta_binary_rejects_bad_headers(void **state)
{
    (void)state;
    int64_t out[4];
    /* block size 100 is not a multiple of 128. */
    const uint8_t a[] = {100, 4, 1, 0};
    assert_int_equal(floe_parquet__decode_delta_binary(out, 1, 1, a, sizeof(a), NULL),
                     FLOE_ECORRUPT);
    /* Fewer values than asked for. */
    const uint8_t b[] = {0x80, 0x01, 4, 1, 2};
    assert_int_equal(floe_parquet__decode_delta_binary(out, 1, 2, b, sizeof(b), NULL),
                     FLOE_ECORRUPT);
    /* Bit width 65. */
    const uint8_t c[] = {0x80, 0x01, 4, 3, 0, 0, 65, 0, 0, 0, 0xff, 0xff};
    assert_int_equal(floe_parquet__decode_delta_binary(out, 1, 3, c, sizeof(c), NULL),
                     FLOE_ECORRUPT);
    /* A huge declared total with few bytes finishes quickly with what was asked for. */
    const uint8_t d[] = {0x80, 0x01, 4, 0xff, 0xff, 0xff, 0xff, 0x0f, 2, 0, 0, 0, 0, 0};
    assert_int_equal(floe_parquet__decode_delta_binary(out, 1, 1, d, sizeof(d), NULL),
                     FLOE_ECORRUPT);
}

static void test_decode_delta_length_and_delta_byte_array(void **state)
{
    (void)state;
    const char *words[] = {"axis", "axle", "", "babble", "babyhood"};
    floe_buf b = FLOE_BUF_INIT;
    int64_t lens[5];
    for (int i = 0; i < 5; i++)
        lens[i] = (int64_t)strlen(words[i]);
    delta_encode(&b, lens, 5);
    for (int i = 0; i < 5; i++)
        floe_buf_append_str(&b, words[i]);
    floe_parquet_view v[5];
    size_t used;
    assert_int_equal(floe_parquet__decode_delta_length(v, 5, b.data, b.len, &used), 0);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(v[i].len, strlen(words[i]));
        assert_memory_equal(v[i].ptr, words[i], v[i].len);
    }
    assert_int_equal(used, b.len);
    assert_int_equal(floe_parquet__decode_delta_length(v, 5, b.data, b.len - 1, &used),
                     FLOE_ECORRUPT);
    floe_buf_free(&b);

    /* DELTA_BYTE_ARRAY: prefix lengths, then suffixes as DELTA_LENGTH_BYTE_ARRAY. */
    int64_t prefix[5] = {0, 2, 0, 0, 3};
    const char *suffix[5] = {"axis", "le", "", "babble", "yhood"};
    delta_encode(&b, prefix, 5);
    int64_t slen[5];
    for (int i = 0; i < 5; i++)
        slen[i] = (int64_t)strlen(suffix[i]);
    delta_encode(&b, slen, 5);
    for (int i = 0; i < 5; i++)
        floe_buf_append_str(&b, suffix[i]);
    floe_buf scratch = FLOE_BUF_INIT;
    assert_int_equal(floe_parquet__decode_delta_bytes(v, 5, b.data, b.len, &scratch), 0);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(v[i].len, strlen(words[i]));
        assert_memory_equal(v[i].ptr, words[i], v[i].len);
    }
    floe_buf_free(&b);
    /* A prefix longer than the previous value is corruption. */
    int64_t badprefix[2] = {0, 9};
    delta_encode(&b, badprefix, 2);
    int64_t bl[2] = {1, 1};
    delta_encode(&b, bl, 2);
    floe_buf_append_str(&b, "ab");
    assert_int_equal(floe_parquet__decode_delta_bytes(v, 2, b.data, b.len, &scratch),
                     FLOE_ECORRUPT);
    floe_buf_free(&b);
    floe_buf_free(&scratch);
}

static void test_decode_byte_stream_split(void **state)
{
    (void)state;
    double in[3] = {1.5, -0.0, 1e300};
    uint8_t enc[24];
    const uint8_t *raw = (const uint8_t *)in;
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 8; k++)
            enc[k * 3 + i] = raw[i * 8 + k];
    double out[3];
    assert_int_equal(floe_parquet__decode_byte_stream_split(out, 3, 8, enc, 24), 0);
    assert_memory_equal(out, in, sizeof(in));
    assert_int_equal(floe_parquet__decode_byte_stream_split(out, 3, 8, enc, 23), FLOE_ECORRUPT);
    /* FLBA of width 3. */
    const uint8_t f[] = {1, 4, 2, 5, 3, 6};
    uint8_t fo[6];
    assert_int_equal(floe_parquet__decode_byte_stream_split(fo, 2, 3, f, 6), 0);
    const uint8_t fw[6] = {1, 2, 3, 4, 5, 6};
    assert_memory_equal(fo, fw, 6);
}

static void test_decode_utf8_validation(void **state)
{
    (void)state;
    const char *good[] = {"", "plain ascii text!", "ünïcödé ✓ 🧊", "\xf4\x8f\xbf\xbf"};
    for (int i = 0; i < 4; i++)
        assert_true(floe_parquet__utf8_valid((const uint8_t *)good[i], strlen(good[i])));
    const char *bad[] = {"\xc0\x80",     "\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                         "abcdefgh\xff", "\xe2\x82",     "\x80"};
    for (int i = 0; i < 7; i++)
        assert_false(floe_parquet__utf8_valid((const uint8_t *)bad[i], strlen(bad[i])));
    floe_parquet_view v[2] = {{(const uint8_t *)"ok", 2}, {(const uint8_t *)"\xff", 1}};
    size_t at = 99;
    assert_false(floe_parquet__views_utf8_valid(v, 2, &at));
    assert_int_equal(at, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_rle_hybrid_mixed_runs),
        cmocka_unit_test(test_decode_rle_hybrid_widths_0_to_32),
        cmocka_unit_test(test_decode_rle_rejects_hostile_streams),
        cmocka_unit_test(test_decode_plain_types),
        cmocka_unit_test(test_decode_rle_booleans),
        cmocka_unit_test(test_decode_delta_binary_packed_int64_extremes),
        cmocka_unit_test(test_decode_delta_binary_rejects_bad_headers),
        cmocka_unit_test(test_decode_delta_length_and_delta_byte_array),
        cmocka_unit_test(test_decode_byte_stream_split),
        cmocka_unit_test(test_decode_utf8_validation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
