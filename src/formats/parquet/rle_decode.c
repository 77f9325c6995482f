/* The RLE / bit-packed hybrid encoding (Encodings.md "Run Length Encoding / Bit-Packing
 * Hybrid"), used for levels, dictionary indices and RLE booleans. */
#include <string.h>

#include <floe/error.h>

#include "formats/parquet/decode.h"

int floe_parquet__bit_width(uint32_t max_value)
{
    int w = 0;
    while (max_value) {
        w++;
        max_value >>= 1;
    }
    return w;
}

void floe_parquet__rle_init(floe_parquet_rle *r, const uint8_t *p, size_t n, int bit_width)
{
    memset(r, 0, sizeof(*r));
    r->p = p;
    r->end = p + n;
    r->bit_width = bit_width;
}

static int read_uleb32(const uint8_t **pp, const uint8_t *end, uint32_t *out)
{
    uint64_t v = 0;
    const uint8_t *p = *pp;
    for (int shift = 0; shift < 35; shift += 7) {
        if (p >= end)
            return -1;
        uint8_t b = *p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            if (v > UINT32_MAX)
                return -1;
            *pp = p;
            *out = (uint32_t)v;
            return 0;
        }
    }
    return -1;
}

/* Starts the next run; 0 on success, -1 when the stream is exhausted or malformed. */
static int next_run(floe_parquet_rle *r)
{
    uint32_t header;
    /* Empty bit-packed runs carry no values: skip them (iteratively, input is hostile). */
    do {
        if (read_uleb32(&r->p, r->end, &header))
            return -1;
    } while (header == 1);
    int bw = r->bit_width;
    if (header & 1) {
        uint32_t groups = header >> 1;
        uint64_t bytes = (uint64_t)groups * (uint64_t)bw;
        size_t avail = (size_t)(r->end - r->p);
        /* Writers may truncate the final packed run to the bytes its real values need. */
        size_t have = bytes < avail ? (size_t)bytes : avail;
        uint64_t values = (uint64_t)groups * 8;
        if (bw > 0) {
            uint64_t fit = ((uint64_t)have * 8) / (uint64_t)bw;
            if (fit < values)
                values = fit;
        }
        if (values == 0)
            return -1;
        r->pack_base = r->p;
        r->pack_end = r->p + have;
        r->pack_bit = 0;
        r->pack_left = (uint32_t)values;
        r->p += have;
    } else {
        uint32_t len = header >> 1;
        if (len == 0)
            return -1;
        int nbytes = (bw + 7) / 8;
        if (r->end - r->p < nbytes)
            return -1;
        uint32_t v = 0;
        for (int i = 0; i < nbytes; i++)
            v |= (uint32_t)r->p[i] << (8 * i);
        r->p += nbytes;
        if (bw < 32 && (v >> bw) != 0)
            return -1;
        r->rle_value = v;
        r->rle_left = len;
    }
    return 0;
}

static void unpack(floe_parquet_rle *r, uint32_t *out, size_t n)
{
    int bw = r->bit_width;
    if (bw == 0) {
        memset(out, 0, n * sizeof(*out));
        r->pack_left -= (uint32_t)n;
        return;
    }
    uint64_t mask = (bw == 32) ? 0xffffffffu : ((1u << bw) - 1);
    uint64_t bit = r->pack_bit;
    const uint8_t *base = r->pack_base;
    size_t avail = (size_t)(r->pack_end - base);
    for (size_t i = 0; i < n; i++, bit += (uint64_t)bw) {
        size_t byte = (size_t)(bit >> 3);
        uint64_t word;
        if (byte + 8 <= avail) {
            memcpy(&word, base + byte, 8);
        } else {
            word = 0;
            for (size_t k = 0; byte + k < avail && k < 8; k++)
                word |= (uint64_t)base[byte + k] << (8 * k);
        }
        out[i] = (uint32_t)((word >> (bit & 7)) & mask);
    }
    r->pack_bit = bit;
    r->pack_left -= (uint32_t)n;
}

int floe_parquet__rle_read(floe_parquet_rle *r, uint32_t *out, size_t count)
{
    size_t done = 0;
    while (done < count) {
        if (r->rle_left == 0 && r->pack_left == 0 && next_run(r))
            return floe_error_set(FLOE_ECORRUPT,
                                  "RLE/bit-packed data ends after %zu of %zu values (bit width %d)",
                                  done, count, r->bit_width);
        size_t want = count - done;
        if (r->rle_left) {
            size_t take = want < r->rle_left ? want : r->rle_left;
            uint32_t v = r->rle_value;
            for (size_t i = 0; i < take; i++)
                out[done + i] = v;
            r->rle_left -= (uint32_t)take;
            done += take;
        } else {
            size_t take = want < r->pack_left ? want : r->pack_left;
            unpack(r, out + done, take);
            done += take;
        }
    }
    return 0;
}

int floe_parquet__rle_read_bounded(floe_parquet_rle *r, uint32_t *out, size_t count, uint32_t limit)
{
    int rc = floe_parquet__rle_read(r, out, count);
    if (rc)
        return rc;
    uint32_t bad = 0;
    for (size_t i = 0; i < count; i++)
        bad |= out[i] >= limit;
    if (bad) {
        for (size_t i = 0; i < count; i++)
            if (out[i] >= limit)
                return floe_error_set(FLOE_ECORRUPT,
                                      "dictionary index %u is out of range (dictionary has %u "
                                      "entries)",
                                      out[i], limit);
    }
    return 0;
}

int floe_parquet__decode_rle_bool(uint8_t *out, size_t count, const uint8_t *p, size_t n)
{
    if (n < 4)
        return floe_error_set(FLOE_ECORRUPT, "RLE boolean data is shorter than its length prefix");
    uint32_t len =
        (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
    if (len > n - 4)
        return floe_error_set(FLOE_ECORRUPT, "RLE boolean length %u exceeds the page (%zu bytes)",
                              len, n - 4);
    floe_parquet_rle r;
    floe_parquet__rle_init(&r, p + 4, len, 1);
    uint32_t tmp[256];
    for (size_t done = 0; done < count;) {
        size_t take = count - done < 256 ? count - done : 256;
        int rc = floe_parquet__rle_read(&r, tmp, take);
        if (rc)
            return rc;
        for (size_t i = 0; i < take; i++)
            out[done + i] = (uint8_t)tmp[i];
        done += take;
    }
    return 0;
}

int floe_parquet__decode_dict_indices(uint32_t *out, size_t count, const uint8_t *p, size_t n,
                                      uint32_t dict_size)
{
    if (count == 0)
        return 0;
    if (n < 1)
        return floe_error_set(FLOE_ECORRUPT, "dictionary-encoded page has no bit width byte");
    int bw = p[0];
    if (bw > 32)
        return floe_error_set(FLOE_ECORRUPT, "dictionary index bit width %d is over 32", bw);
    floe_parquet_rle r;
    floe_parquet__rle_init(&r, p + 1, n - 1, bw);
    return floe_parquet__rle_read_bounded(&r, out, count, dict_size);
}
