/* Delta encodings (Encodings.md): DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY and
 * DELTA_BYTE_ARRAY. */
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "formats/parquet/decode.h"

/* Limits on header fields, so hostile headers cannot drive huge loops or allocations. */
#define MAX_BLOCK_SIZE (1u << 20)
#define MAX_MINIBLOCKS (1u << 10)

static int uleb(const uint8_t *p, size_t n, size_t *pos, uint64_t *out)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (*pos >= n)
            return -1;
        uint8_t b = p[(*pos)++];
        if (shift == 63 && (b & 0x7e))
            return -1;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return -1;
}

static int zigzag(const uint8_t *p, size_t n, size_t *pos, int64_t *out)
{
    uint64_t u;
    if (uleb(p, n, pos, &u))
        return -1;
    *out = (int64_t)((u >> 1) ^ (~(u & 1) + 1));
    return 0;
}

/* Value `i` of width `bw` (0..64) from a packed little-endian bit stream of `avail` bytes;
 * bytes past the end read as zero (writers may truncate the last miniblock). */
static uint64_t get_bits(const uint8_t *base, size_t avail, uint64_t i, int bw)
{
    if (bw == 0)
        return 0;
    uint64_t bit = i * (uint64_t)bw;
    size_t byte = (size_t)(bit >> 3);
    unsigned shift = (unsigned)(bit & 7);
    uint64_t lo = 0;
    uint8_t extra = 0;
    if (byte + 9 <= avail) {
        memcpy(&lo, base + byte, 8);
        extra = base[byte + 8];
    } else {
        for (size_t k = 0; k < 8 && byte + k < avail; k++)
            lo |= (uint64_t)base[byte + k] << (8 * k);
        if (byte + 8 < avail)
            extra = base[byte + 8];
    }
    uint64_t v = lo >> shift;
    if (shift && bw + (int)shift > 64)
        v |= (uint64_t)extra << (64 - shift);
    if (bw < 64)
        v &= ((uint64_t)1 << bw) - 1;
    return v;
}

int floe_parquet__decode_delta_binary(void *out, int is64, size_t count, const uint8_t *p, size_t n,
                                      size_t *consumed)
{
    size_t pos = 0;
    uint64_t block_size, miniblocks, total;
    int64_t first;
    if (uleb(p, n, &pos, &block_size) || uleb(p, n, &pos, &miniblocks) ||
        uleb(p, n, &pos, &total) || zigzag(p, n, &pos, &first))
        return floe_error_set(FLOE_ECORRUPT, "DELTA_BINARY_PACKED header is truncated");
    if (block_size == 0 || block_size % 128 || block_size > MAX_BLOCK_SIZE || miniblocks == 0 ||
        miniblocks > MAX_MINIBLOCKS || block_size % miniblocks || (block_size / miniblocks) % 32)
        return floe_error_set(FLOE_ECORRUPT,
                              "DELTA_BINARY_PACKED header is invalid (block size %llu, %llu "
                              "miniblocks)",
                              (unsigned long long)block_size, (unsigned long long)miniblocks);
    if (total < count)
        return floe_error_set(FLOE_ECORRUPT,
                              "DELTA_BINARY_PACKED holds %llu values but %zu are needed",
                              (unsigned long long)total, count);
    uint64_t per_mini = block_size / miniblocks;
    int32_t *o32 = out;
    int64_t *o64 = out;
    uint64_t value = (uint64_t)first;
    size_t done = 0;
    if (count > 0) {
        if (is64)
            o64[0] = (int64_t)value;
        else
            o32[0] = (int32_t)(uint32_t)value;
        done = 1;
    }
    /* All `total` values are consumed so `consumed` is right even when count < total. */
    uint64_t remaining = total > 0 ? total - 1 : 0;
    while (remaining > 0) {
        int64_t min_delta;
        if (zigzag(p, n, &pos, &min_delta))
            return floe_error_set(FLOE_ECORRUPT,
                                  "DELTA_BINARY_PACKED block header is truncated "
                                  "(offset %zu)",
                                  pos);
        if (n - pos < miniblocks)
            return floe_error_set(FLOE_ECORRUPT,
                                  "DELTA_BINARY_PACKED bit widths are truncated (offset %zu)", pos);
        const uint8_t *widths = p + pos;
        pos += (size_t)miniblocks;
        for (uint64_t m = 0; m < miniblocks && remaining > 0; m++) {
            int bw = widths[m];
            if (bw > 64)
                return floe_error_set(FLOE_ECORRUPT,
                                      "DELTA_BINARY_PACKED miniblock bit width %d is over 64 "
                                      "(offset %zu)",
                                      bw, pos);
            uint64_t bytes = per_mini * (uint64_t)bw / 8;
            size_t avail = n - pos;
            uint64_t take = remaining < per_mini ? remaining : per_mini;
            /* The values actually used must be present; only padding may be missing. */
            uint64_t need = (take * (uint64_t)bw + 7) / 8;
            if (need > avail)
                return floe_error_set(
                    FLOE_ECORRUPT, "DELTA_BINARY_PACKED miniblock is truncated (offset %zu)", pos);
            size_t have = bytes < avail ? (size_t)bytes : avail;
            const uint8_t *base = p + pos;
            /* Values past `count` are skipped without decoding, so a hostile total costs
             * nothing beyond walking the bytes. */
            uint64_t use = count - done < take ? count - done : take;
            if (is64) {
                for (uint64_t i = 0; i < use; i++) {
                    value += (uint64_t)min_delta + get_bits(base, have, i, bw);
                    o64[done++] = (int64_t)value;
                }
            } else {
                for (uint64_t i = 0; i < use; i++) {
                    value += (uint64_t)min_delta + get_bits(base, have, i, bw);
                    o32[done++] = (int32_t)(uint32_t)value;
                }
            }
            remaining -= take;
            pos += have;
        }
    }
    if (consumed)
        *consumed = pos;
    return 0;
}

/* Reads `count` int32 lengths with DELTA_BINARY_PACKED, refusing negative ones. */
static int read_lengths(int32_t **lens, size_t count, const uint8_t *p, size_t n, size_t *used)
{
    size_t bytes;
    if (floe_mul_size(count ? count : 1, sizeof(int32_t), &bytes))
        return floe_error_set(FLOE_ECORRUPT, "delta length count %zu is implausible", count);
    *lens = floe_malloc(bytes);
    if (!*lens)
        return floe_error_set(FLOE_ENOMEM, "out of memory decoding %zu lengths", count);
    int rc = floe_parquet__decode_delta_binary(*lens, 0, count, p, n, used);
    if (rc)
        return rc;
    for (size_t i = 0; i < count; i++)
        if ((*lens)[i] < 0)
            return floe_error_set(FLOE_ECORRUPT, "negative byte array length %d", (*lens)[i]);
    return 0;
}

int floe_parquet__decode_delta_length(floe_parquet_view *out, size_t count, const uint8_t *p,
                                      size_t n, size_t *consumed)
{
    int32_t *lens = NULL;
    size_t pos = 0;
    int rc = read_lengths(&lens, count, p, n, &pos);
    if (rc == 0) {
        for (size_t i = 0; i < count; i++) {
            size_t len = (size_t)lens[i];
            if (len > n - pos) {
                rc = floe_error_set(FLOE_ECORRUPT,
                                    "DELTA_LENGTH_BYTE_ARRAY value %zu (length %zu) runs past "
                                    "the page (offset %zu)",
                                    i, len, pos);
                break;
            }
            out[i].ptr = p + pos;
            out[i].len = (uint32_t)len;
            pos += len;
        }
    }
    floe_free(lens);
    if (rc == 0 && consumed)
        *consumed = pos;
    return rc;
}

int floe_parquet__decode_delta_bytes(floe_parquet_view *out, size_t count, const uint8_t *p,
                                     size_t n, floe_buf *scratch)
{
    int32_t *prefix = NULL;
    floe_parquet_view *suffix = NULL;
    size_t pos = 0, used = 0;
    scratch->len = 0;
    int rc = read_lengths(&prefix, count, p, n, &used);
    if (rc)
        goto done;
    pos = used;
    suffix = floe_malloc((count ? count : 1) * sizeof(*suffix));
    if (!suffix) {
        rc = floe_error_set(FLOE_ENOMEM, "out of memory decoding %zu values", count);
        goto done;
    }
    if ((rc = floe_parquet__decode_delta_length(suffix, count, p + pos, n - pos, NULL)) != 0)
        goto done;
    /* Size the output once, so the views can point into it; prefixes repeat earlier bytes,
     * so the total is bounded by a sane limit rather than by the page size. */
    uint64_t total = 0, prev = 0;
    for (size_t i = 0; i < count; i++) {
        if ((uint64_t)prefix[i] > prev) {
            rc = floe_error_set(FLOE_ECORRUPT,
                                "DELTA_BYTE_ARRAY value %zu has prefix %d longer than the "
                                "previous value (%llu bytes)",
                                i, prefix[i], (unsigned long long)prev);
            goto done;
        }
        prev = (uint64_t)prefix[i] + suffix[i].len;
        total += prev;
        if (total > ((uint64_t)1 << 30)) {
            rc = floe_error_set(FLOE_ECORRUPT, "DELTA_BYTE_ARRAY page expands to more than 1 GiB");
            goto done;
        }
    }
    if ((rc = floe_buf_reserve(scratch, (size_t)total)) != 0)
        goto done;
    const uint8_t *last = NULL;
    for (size_t i = 0; i < count; i++) {
        uint8_t *dst = scratch->data + scratch->len;
        size_t pl = (size_t)prefix[i];
        if (pl)
            memcpy(dst, last, pl);
        if (suffix[i].len)
            memcpy(dst + pl, suffix[i].ptr, suffix[i].len);
        out[i].ptr = dst;
        out[i].len = (uint32_t)(pl + suffix[i].len);
        scratch->len += out[i].len;
        last = dst;
    }
done:
    floe_free(prefix);
    floe_free(suffix);
    return rc;
}
