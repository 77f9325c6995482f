/* PLAIN encoding (Encodings.md "Plain"). */
#include <string.h>

#include <floe/error.h>

#include "formats/parquet/decode.h"

int floe_parquet__decode_plain_fixed(void *out, size_t count, size_t width, const uint8_t *p,
                                     size_t n, size_t *consumed)
{
    if (width == 0 || count > n / width)
        return floe_error_set(FLOE_ECORRUPT,
                              "PLAIN page holds %zu bytes, too few for %zu values of %zu bytes", n,
                              count, width);
    size_t bytes = count * width;
    if (bytes)
        memcpy(out, p, bytes);
    if (consumed)
        *consumed = bytes;
    return 0;
}

int floe_parquet__decode_plain_bool(uint8_t *out, size_t count, const uint8_t *p, size_t n,
                                    size_t *consumed)
{
    size_t bytes = count / 8 + (count % 8 != 0);
    if (bytes > n)
        return floe_error_set(
            FLOE_ECORRUPT, "PLAIN boolean page holds %zu bytes, too few for %zu values", n, count);
    for (size_t i = 0; i < count; i++)
        out[i] = (p[i >> 3] >> (i & 7)) & 1;
    if (consumed)
        *consumed = bytes;
    return 0;
}

int floe_parquet__decode_plain_bytes(floe_parquet_view *out, size_t count, const uint8_t *p,
                                     size_t n, size_t *consumed)
{
    size_t pos = 0;
    for (size_t i = 0; i < count; i++) {
        if (n - pos < 4)
            return floe_error_set(FLOE_ECORRUPT,
                                  "PLAIN BYTE_ARRAY value %zu of %zu: length prefix past the end "
                                  "of the page (offset %zu)",
                                  i, count, pos);
        uint32_t len;
        len = (uint32_t)p[pos] | ((uint32_t)p[pos + 1] << 8) | ((uint32_t)p[pos + 2] << 16) |
              ((uint32_t)p[pos + 3] << 24);
        pos += 4;
        if (len > n - pos)
            return floe_error_set(FLOE_ECORRUPT,
                                  "PLAIN BYTE_ARRAY value %zu: length %u runs past the end of "
                                  "the page (offset %zu)",
                                  i, len, pos - 4);
        out[i].ptr = p + pos;
        out[i].len = len;
        pos += len;
    }
    if (consumed)
        *consumed = pos;
    return 0;
}

int floe_parquet__decode_byte_stream_split(void *out_, size_t count, size_t width, const uint8_t *p,
                                           size_t n)
{
    uint8_t *out = out_;
    if (width == 0 || count > n / width)
        return floe_error_set(FLOE_ECORRUPT,
                              "BYTE_STREAM_SPLIT page holds %zu bytes, too few for %zu values "
                              "of %zu bytes",
                              n, count, width);
    /* Stream k holds byte k of every value; streams are `count` bytes long. */
    for (size_t k = 0; k < width; k++) {
        const uint8_t *s = p + k * count;
        for (size_t i = 0; i < count; i++)
            out[i * width + k] = s[i];
    }
    return 0;
}
