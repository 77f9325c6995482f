/* RLE / bit-packed hybrid encoder (Encodings.md, "Run Length Encoding / Bit-Packing Hybrid"). */
#include "formats/parquet/encode.h"

#include <string.h>

#include <floe/error.h>

int floe_parquet__enc_bit_width(uint32_t max_value)
{
    int w = 0;
    while (max_value) {
        w++;
        max_value >>= 1;
    }
    return w;
}

/* Bit-packs `groups` groups of 8 values (LSB first); values past `n` are zero padding. */
#define DEFINE_PACK(NAME, T)                                                                       \
    static int NAME(floe_buf *out, const T *v, size_t n, size_t groups, int bw)                    \
    {                                                                                              \
        if (floe_buf_append_uvarint(out, ((uint64_t)groups << 1) | 1))                             \
            return FLOE_ENOMEM;                                                                    \
        size_t nbytes = groups * (size_t)bw;                                                       \
        if (floe_buf_reserve(out, nbytes + 8))                                                     \
            return FLOE_ENOMEM;                                                                    \
        uint8_t *dst = out->data + out->len;                                                       \
        uint64_t acc = 0;                                                                          \
        int bits = 0;                                                                              \
        size_t total = groups * 8;                                                                 \
        for (size_t i = 0; i < total; i++) {                                                       \
            uint64_t x = i < n ? (uint64_t)v[i] : 0;                                               \
            acc |= x << bits;                                                                      \
            bits += bw;                                                                            \
            while (bits >= 8) {                                                                    \
                *dst++ = (uint8_t)acc;                                                             \
                acc >>= 8;                                                                         \
                bits -= 8;                                                                         \
            }                                                                                      \
        }                                                                                          \
        out->len += nbytes;                                                                        \
        return 0;                                                                                  \
    }

#define DEFINE_RLE(NAME, PACK, T)                                                                  \
    int NAME(floe_buf *out, const T *vals, size_t n, int bw)                                       \
    {                                                                                              \
        if (bw < 0 || bw > 32)                                                                     \
            return floe_error_set(FLOE_EINVALID, "parquet RLE encoder: bit width %d", bw);         \
        size_t vbytes = ((size_t)bw + 7) / 8;                                                      \
        size_t lit = 0; /* start of pending literal values */                                      \
        size_t i = 0;                                                                              \
        while (i < n) {                                                                            \
            T x = vals[i];                                                                         \
            size_t j = i + 1;                                                                      \
            while (j < n && vals[j] == x)                                                          \
                j++;                                                                               \
            size_t run = j - i;                                                                    \
            if (run >= 8) {                                                                        \
                /* Literals must come in groups of 8: lend them the run's first values. */         \
                size_t pending = i - lit;                                                          \
                size_t lend = (8 - pending % 8) % 8;                                               \
                if (run - lend >= 8) {                                                             \
                    if (pending + lend) {                                                          \
                        if (PACK(out, vals + lit, pending + lend, (pending + lend) / 8, bw))       \
                            return FLOE_ENOMEM;                                                    \
                    }                                                                              \
                    run -= lend;                                                                   \
                    if (floe_buf_append_uvarint(out, (uint64_t)run << 1))                          \
                        return FLOE_ENOMEM;                                                        \
                    uint8_t le[4] = {(uint8_t)x, (uint8_t)((uint32_t)x >> 8),                      \
                                     (uint8_t)((uint32_t)x >> 16), (uint8_t)((uint32_t)x >> 24)};  \
                    if (floe_buf_append(out, le, vbytes))                                          \
                        return FLOE_ENOMEM;                                                        \
                    lit = j;                                                                       \
                }                                                                                  \
            }                                                                                      \
            i = j;                                                                                 \
        }                                                                                          \
        if (lit < n) {                                                                             \
            size_t pending = n - lit;                                                              \
            if (PACK(out, vals + lit, pending, (pending + 7) / 8, bw))                             \
                return FLOE_ENOMEM;                                                                \
        }                                                                                          \
        return 0;                                                                                  \
    }

DEFINE_PACK(pack_u32, uint32_t)
DEFINE_PACK(pack_u8, uint8_t)
DEFINE_RLE(floe_parquet__rle_encode_u32, pack_u32, uint32_t)
DEFINE_RLE(floe_parquet__rle_encode_u8, pack_u8, uint8_t)

int floe_parquet__encode_levels_v1(floe_buf *out, const uint8_t *levels, size_t n, int max_level)
{
    size_t at = out->len;
    uint8_t zero[4] = {0, 0, 0, 0};
    if (floe_buf_append(out, zero, 4))
        return FLOE_ENOMEM;
    int rc = floe_parquet__rle_encode_u8(out, levels, n,
                                         floe_parquet__enc_bit_width((uint32_t)max_level));
    if (rc)
        return rc;
    size_t len = out->len - at - 4;
    if (len > INT32_MAX)
        return floe_error_set(FLOE_ERANGE, "parquet writer: level data of %zu bytes", len);
    out->data[at] = (uint8_t)len;
    out->data[at + 1] = (uint8_t)(len >> 8);
    out->data[at + 2] = (uint8_t)(len >> 16);
    out->data[at + 3] = (uint8_t)(len >> 24);
    return 0;
}
