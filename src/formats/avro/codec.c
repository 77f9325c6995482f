/* Block codecs of Avro object container files: null, deflate (raw RFC 1951), snappy (raw
 * snappy followed by the big-endian CRC32 of the uncompressed data) and zstandard.
 * Decompression is bounded so a small hostile block cannot expand without limit. */
#include <string.h>

#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "formats/avro/avro_internal.h"

const char *floe_avro_codec_name(floe_avro_codec codec)
{
    switch (codec) {
    case FLOE_AVRO_CODEC_NULL:
        return "null";
    case FLOE_AVRO_CODEC_DEFLATE:
        return "deflate";
    case FLOE_AVRO_CODEC_SNAPPY:
        return "snappy";
    case FLOE_AVRO_CODEC_ZSTD:
        return "zstandard";
    }
    return "unknown";
}

int floe_avro_codec_from_name(floe_avro_codec *out, const char *name)
{
    static const floe_avro_codec all[] = {FLOE_AVRO_CODEC_NULL, FLOE_AVRO_CODEC_DEFLATE,
                                          FLOE_AVRO_CODEC_SNAPPY, FLOE_AVRO_CODEC_ZSTD};
    for (size_t i = 0; i < 4; i++)
        if (strcmp(name, floe_avro_codec_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    return floe_error_set(FLOE_EUNSUPPORTED,
                          "Avro codec '%s' is not supported (null, deflate, snappy, zstandard)",
                          name);
}

static int deflate_block(floe_buf *out, int level, const uint8_t *in, size_t len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, level > 0 ? level : Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        return floe_error_set(FLOE_ENOMEM, "cannot start deflate");
    uLong bound = deflateBound(&z, (uLong)len);
    int rc = floe_buf_reserve(out, bound);
    if (rc) {
        deflateEnd(&z);
        return rc;
    }
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)len;
    z.next_out = out->data + out->len;
    z.avail_out = (uInt)bound;
    int zr = deflate(&z, Z_FINISH);
    size_t produced = bound - z.avail_out;
    deflateEnd(&z);
    if (zr != Z_STREAM_END)
        return floe_error_set(FLOE_ERROR, "deflate failed (%d)", zr);
    out->len += produced;
    return 0;
}

static int inflate_block(floe_buf *out, const uint8_t *in, size_t len, size_t max_out, uint64_t off)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, -15) != Z_OK)
        return floe_error_set(FLOE_ENOMEM, "cannot start inflate");
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)len;
    int rc = 0;
    for (;;) {
        size_t want = len * 4 + 1024;
        if (want > max_out - out->len + 1)
            want = max_out - out->len + 1;
        if ((rc = floe_buf_reserve(out, want)))
            break;
        z.next_out = out->data + out->len;
        z.avail_out = (uInt)(out->cap - out->len - 1);
        size_t before = z.avail_out;
        int zr = inflate(&z, Z_NO_FLUSH);
        out->len += before - z.avail_out;
        if (zr == Z_STREAM_END)
            break;
        if (out->len > max_out) {
            rc = floe_error_set(FLOE_ECORRUPT,
                                "deflate block at file offset %llu expands beyond %zu bytes",
                                (unsigned long long)off, max_out);
            break;
        }
        if (zr != Z_OK || (z.avail_in == 0 && before == z.avail_out)) {
            rc = floe_error_set(FLOE_ECORRUPT, "corrupt deflate block at file offset %llu: %s",
                                (unsigned long long)off, z.msg ? z.msg : "truncated stream");
            break;
        }
    }
    inflateEnd(&z);
    if (rc == 0 && out->len > max_out)
        rc = floe_error_set(FLOE_ECORRUPT,
                            "deflate block at file offset %llu expands beyond %zu bytes",
                            (unsigned long long)off, max_out);
    return rc;
}

int floe_avro__compress(floe_buf *out, floe_avro_codec codec, int level, const uint8_t *in,
                        size_t len)
{
    int rc;
    switch (codec) {
    case FLOE_AVRO_CODEC_NULL:
        return floe_buf_append(out, in, len);
    case FLOE_AVRO_CODEC_DEFLATE:
        return deflate_block(out, level, in, len);
    case FLOE_AVRO_CODEC_SNAPPY: {
        size_t clen = snappy_max_compressed_length(len);
        if ((rc = floe_buf_reserve(out, clen + 4)))
            return rc;
        if (snappy_compress((const char *)in, len, (char *)out->data + out->len, &clen) !=
            SNAPPY_OK)
            return floe_error_set(FLOE_ERROR, "snappy compression failed");
        out->len += clen;
        uint32_t crc = (uint32_t)crc32(0L, in, (uInt)len);
        uint8_t be[4] = {(uint8_t)(crc >> 24), (uint8_t)(crc >> 16), (uint8_t)(crc >> 8),
                         (uint8_t)crc};
        return floe_buf_append(out, be, 4);
    }
    case FLOE_AVRO_CODEC_ZSTD: {
        size_t bound = ZSTD_compressBound(len);
        if ((rc = floe_buf_reserve(out, bound)))
            return rc;
        size_t n = ZSTD_compress(out->data + out->len, bound, in, len, level > 0 ? level : 3);
        if (ZSTD_isError(n))
            return floe_error_set(FLOE_ERROR, "zstd compression failed: %s", ZSTD_getErrorName(n));
        out->len += n;
        return 0;
    }
    }
    return floe_error_set(FLOE_EUNSUPPORTED, "unknown Avro codec %d", (int)codec);
}

static int unsnappy(floe_buf *out, const uint8_t *in, size_t len, size_t max_out, uint64_t off)
{
    if (len < 4)
        return floe_error_set(FLOE_ECORRUPT,
                              "snappy block at file offset %llu is shorter than its CRC",
                              (unsigned long long)off);
    size_t body = len - 4, n;
    if (snappy_uncompressed_length((const char *)in, body, &n) != SNAPPY_OK)
        return floe_error_set(FLOE_ECORRUPT, "corrupt snappy block at file offset %llu",
                              (unsigned long long)off);
    if (n > max_out)
        return floe_error_set(FLOE_ECORRUPT,
                              "snappy block at file offset %llu expands to %zu bytes (limit %zu)",
                              (unsigned long long)off, n, max_out);
    int rc = floe_buf_reserve(out, n);
    if (rc)
        return rc;
    size_t got = n;
    if (snappy_uncompress((const char *)in, body, (char *)out->data + out->len, &got) !=
            SNAPPY_OK ||
        got != n)
        return floe_error_set(FLOE_ECORRUPT, "corrupt snappy block at file offset %llu",
                              (unsigned long long)off);
    uint32_t want = (uint32_t)in[body] << 24 | (uint32_t)in[body + 1] << 16 |
                    (uint32_t)in[body + 2] << 8 | in[body + 3];
    uint32_t crc = (uint32_t)crc32(0L, out->data + out->len, (uInt)n);
    if (crc != want)
        return floe_error_set(FLOE_ECORRUPT,
                              "snappy block at file offset %llu fails its CRC32 check "
                              "(stored %08x, computed %08x)",
                              (unsigned long long)off, want, crc);
    out->len += n;
    return 0;
}

static int unzstd(floe_buf *out, const uint8_t *in, size_t len, size_t max_out, uint64_t off)
{
    ZSTD_DCtx *dc = ZSTD_createDCtx();
    if (!dc)
        return floe_error_set(FLOE_ENOMEM, "cannot start zstd");
    ZSTD_inBuffer ib = {in, len, 0};
    int rc = 0;
    size_t zr = 1;
    while (ib.pos < ib.size || zr != 0) {
        size_t want = len * 4 + 1024;
        if (want > max_out - out->len + 1)
            want = max_out - out->len + 1;
        if ((rc = floe_buf_reserve(out, want)))
            break;
        ZSTD_outBuffer ob = {out->data + out->len, out->cap - out->len - 1, 0};
        size_t in_before = ib.pos;
        zr = ZSTD_decompressStream(dc, &ob, &ib);
        if (ZSTD_isError(zr)) {
            rc = floe_error_set(FLOE_ECORRUPT, "corrupt zstd block at file offset %llu: %s",
                                (unsigned long long)off, ZSTD_getErrorName(zr));
            break;
        }
        out->len += ob.pos;
        if (out->len > max_out) {
            rc = floe_error_set(FLOE_ECORRUPT,
                                "zstd block at file offset %llu expands beyond %zu bytes",
                                (unsigned long long)off, max_out);
            break;
        }
        if (zr != 0 && ib.pos == ib.size && ob.pos == 0 && in_before == ib.pos) {
            rc = floe_error_set(FLOE_ECORRUPT, "truncated zstd block at file offset %llu",
                                (unsigned long long)off);
            break;
        }
        if (zr == 0 && ib.pos == ib.size)
            break;
    }
    ZSTD_freeDCtx(dc);
    return rc;
}

int floe_avro__decompress(floe_buf *out, floe_avro_codec codec, const uint8_t *in, size_t len,
                          size_t max_out, uint64_t off)
{
    out->len = 0;
    switch (codec) {
    case FLOE_AVRO_CODEC_NULL:
        return floe_buf_append(out, in, len);
    case FLOE_AVRO_CODEC_DEFLATE:
        return inflate_block(out, in, len, max_out, off);
    case FLOE_AVRO_CODEC_SNAPPY:
        return unsnappy(out, in, len, max_out, off);
    case FLOE_AVRO_CODEC_ZSTD:
        return unzstd(out, in, len, max_out, off);
    }
    return floe_error_set(FLOE_EUNSUPPORTED, "unknown Avro codec %d", (int)codec);
}
