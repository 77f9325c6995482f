#include "formats/parquet/codec.h"

#include <limits.h>
#include <string.h>
#include <strings.h>

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <lz4.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <floe/error.h>

/* parquet.thrift CompressionCodec ids (kept local so this file does not depend on the footer
 * model). */
enum {
    CODEC_UNCOMPRESSED = 0,
    CODEC_SNAPPY = 1,
    CODEC_GZIP = 2,
    CODEC_LZO = 3,
    CODEC_BROTLI = 4,
    CODEC_LZ4 = 5,
    CODEC_ZSTD = 6,
    CODEC_LZ4_RAW = 7
};

static const char *codec_label(int codec)
{
    switch (codec) {
    case CODEC_UNCOMPRESSED:
        return "UNCOMPRESSED";
    case CODEC_SNAPPY:
        return "SNAPPY";
    case CODEC_GZIP:
        return "GZIP";
    case CODEC_LZO:
        return "LZO";
    case CODEC_BROTLI:
        return "BROTLI";
    case CODEC_LZ4:
        return "LZ4";
    case CODEC_ZSTD:
        return "ZSTD";
    case CODEC_LZ4_RAW:
        return "LZ4_RAW";
    default:
        return "UNKNOWN";
    }
}

int floe_parquet__codec_from_name(const char *name)
{
    static const struct {
        const char *name;
        int codec;
    } names[] = {{"none", CODEC_UNCOMPRESSED}, {"uncompressed", CODEC_UNCOMPRESSED},
                 {"snappy", CODEC_SNAPPY},     {"gzip", CODEC_GZIP},
                 {"brotli", CODEC_BROTLI},     {"lz4", CODEC_LZ4_RAW},
                 {"lz4_raw", CODEC_LZ4_RAW},   {"zstd", CODEC_ZSTD}};
    if (!name)
        return -1;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcasecmp(name, names[i].name) == 0)
            return names[i].codec;
    return -1;
}

int floe_parquet__codec_can_write(int codec)
{
    switch (codec) {
    case CODEC_UNCOMPRESSED:
    case CODEC_SNAPPY:
    case CODEC_GZIP:
    case CODEC_BROTLI:
    case CODEC_ZSTD:
    case CODEC_LZ4_RAW:
        return 1;
    default:
        return 0;
    }
}

static int compress_gzip(floe_buf *out, int level, const uint8_t *in, size_t n)
{
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    if (level <= 0 || level > 9)
        level = Z_DEFAULT_COMPRESSION;
    /* windowBits 15 + 16 asks zlib for the gzip wrapper Parquet's GZIP codec requires. */
    if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return floe_error_set(FLOE_ENOMEM, "gzip: cannot initialise the compressor");
    int rc = 0;
    size_t consumed = 0;
    int flush = Z_NO_FLUSH;
    for (;;) {
        if (zs.avail_in == 0 && consumed < n) {
            size_t chunk = n - consumed > UINT_MAX ? UINT_MAX : n - consumed;
            zs.next_in = (Bytef *)(uintptr_t)(in + consumed);
            zs.avail_in = (uInt)chunk;
            consumed += chunk;
        }
        flush = consumed == n ? Z_FINISH : Z_NO_FLUSH;
        size_t room = deflateBound(&zs, zs.avail_in) + 64;
        if (room > UINT_MAX)
            room = UINT_MAX;
        if ((rc = floe_buf_reserve(out, room)) != 0)
            break;
        zs.next_out = out->data + out->len;
        zs.avail_out = (uInt)room;
        int zr = deflate(&zs, flush);
        out->len += room - zs.avail_out;
        if (zr == Z_STREAM_END)
            break;
        if (zr != Z_OK && zr != Z_BUF_ERROR) {
            rc = floe_error_set(FLOE_ERROR, "gzip: compression failed (%d)", zr);
            break;
        }
    }
    deflateEnd(&zs);
    return rc;
}

int floe_parquet__compress(floe_buf *out, int codec, int level, const void *in_, size_t n)
{
    const uint8_t *in = in_;
    int rc;
    switch (codec) {
    case CODEC_UNCOMPRESSED:
        return floe_buf_append(out, in, n);
    case CODEC_SNAPPY: {
        size_t bound = snappy_max_compressed_length(n);
        if ((rc = floe_buf_reserve(out, bound)) != 0)
            return rc;
        size_t clen = bound;
        if (snappy_compress((const char *)in, n, (char *)out->data + out->len, &clen) != SNAPPY_OK)
            return floe_error_set(FLOE_ERROR, "snappy: compression of %zu bytes failed", n);
        out->len += clen;
        return 0;
    }
    case CODEC_GZIP:
        return compress_gzip(out, level, in, n);
    case CODEC_ZSTD: {
        size_t bound = ZSTD_compressBound(n);
        if ((rc = floe_buf_reserve(out, bound)) != 0)
            return rc;
        if (level == 0)
            level = ZSTD_CLEVEL_DEFAULT;
        if (level > ZSTD_maxCLevel())
            level = ZSTD_maxCLevel();
        size_t r = ZSTD_compress(out->data + out->len, bound, in, n, level);
        if (ZSTD_isError(r))
            return floe_error_set(FLOE_ERROR, "zstd: compression failed: %s", ZSTD_getErrorName(r));
        out->len += r;
        return 0;
    }
    case CODEC_LZ4_RAW: {
        if (n > (size_t)LZ4_MAX_INPUT_SIZE)
            return floe_error_set(FLOE_EINVALID, "lz4: page of %zu bytes is too large", n);
        int bound = LZ4_compressBound((int)n);
        if ((rc = floe_buf_reserve(out, (size_t)bound)) != 0)
            return rc;
        int r = LZ4_compress_default((const char *)in, (char *)out->data + out->len, (int)n, bound);
        if (r <= 0 && n > 0)
            return floe_error_set(FLOE_ERROR, "lz4: compression of %zu bytes failed", n);
        out->len += (size_t)r;
        return 0;
    }
    case CODEC_BROTLI: {
        size_t bound = BrotliEncoderMaxCompressedSize(n);
        if (bound == 0)
            bound = n + 1024;
        if ((rc = floe_buf_reserve(out, bound)) != 0)
            return rc;
        if (level <= 0 || level > BROTLI_MAX_QUALITY)
            level = 5;
        size_t clen = bound;
        if (!BrotliEncoderCompress(level, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, n, in, &clen,
                                   out->data + out->len))
            return floe_error_set(FLOE_ERROR, "brotli: compression of %zu bytes failed", n);
        out->len += clen;
        return 0;
    }
    default:
        return floe_error_set(FLOE_EUNSUPPORTED,
                              "compression codec %s (%d) is not supported for writing; use "
                              "zstd, snappy, gzip, brotli, lz4 or none",
                              codec_label(codec), codec);
    }
}

static int size_mismatch(int codec, size_t got, size_t want)
{
    return floe_error_set(FLOE_ECORRUPT,
                          "%s page decompressed to %zu bytes but its header says %zu",
                          codec_label(codec), got, want);
}

static int decompress_gzip(uint8_t *out, size_t out_len, const uint8_t *in, size_t n)
{
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    /* 15 + 32: accept both gzip and zlib headers (some writers emit zlib streams). */
    if (inflateInit2(&zs, 15 + 32) != Z_OK)
        return floe_error_set(FLOE_ENOMEM, "gzip: cannot initialise the decompressor");
    if (n > UINT_MAX || out_len > UINT_MAX) {
        inflateEnd(&zs);
        return floe_error_set(FLOE_ECORRUPT, "gzip page is too large");
    }
    zs.next_in = (Bytef *)(uintptr_t)in;
    zs.avail_in = (uInt)n;
    zs.next_out = out;
    zs.avail_out = (uInt)out_len;
    int rc = 0;
    for (;;) {
        int zr = inflate(&zs, Z_FINISH);
        if (zr == Z_STREAM_END) {
            /* Concatenated gzip members are valid gzip: continue with the next one. */
            if (zs.avail_in > 0 && zs.avail_out > 0) {
                if (inflateReset(&zs) != Z_OK) {
                    rc = floe_error_set(FLOE_ECORRUPT, "gzip: cannot reset the decompressor");
                    break;
                }
                continue;
            }
            break;
        }
        if (zr == Z_BUF_ERROR && zs.avail_out == 0) {
            rc = floe_error_set(FLOE_ECORRUPT,
                                "GZIP page decompresses to more than its header's %zu bytes",
                                out_len);
            break;
        }
        rc = floe_error_set(FLOE_ECORRUPT, "GZIP page is corrupt: %s",
                            zs.msg ? zs.msg : "truncated stream");
        break;
    }
    size_t got = out_len - zs.avail_out;
    inflateEnd(&zs);
    if (rc == 0 && got != out_len)
        rc = size_mismatch(CODEC_GZIP, got, out_len);
    return rc;
}

static uint32_t load_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Hadoop's LZ4 framing: blocks of [u32 BE uncompressed size][u32 BE compressed size][raw
 * LZ4]. Returns 0 when the whole input parses as such frames filling exactly out_len. */
static int decompress_lz4_hadoop(uint8_t *out, size_t out_len, const uint8_t *in, size_t n)
{
    size_t ip = 0, op = 0;
    while (ip < n) {
        if (n - ip < 8)
            return -1;
        uint32_t usize = load_be32(in + ip);
        uint32_t csize = load_be32(in + ip + 4);
        ip += 8;
        if (csize > n - ip || usize > out_len - op || csize > INT_MAX || usize > INT_MAX)
            return -1;
        int r =
            LZ4_decompress_safe((const char *)in + ip, (char *)out + op, (int)csize, (int)usize);
        if (r < 0 || (uint32_t)r != usize)
            return -1;
        ip += csize;
        op += usize;
    }
    return op == out_len ? 0 : -1;
}

int floe_parquet__decompress(void *out_, size_t out_len, int codec, const void *in_, size_t n)
{
    uint8_t *out = out_;
    const uint8_t *in = in_;
    if (out_len > FLOE_PARQUET_MAX_PAGE_BYTES)
        return floe_error_set(FLOE_EINVALID,
                              "page claims %zu uncompressed bytes, over floe's limit of %zu",
                              out_len, FLOE_PARQUET_MAX_PAGE_BYTES);
    switch (codec) {
    case CODEC_UNCOMPRESSED:
        if (n != out_len)
            return size_mismatch(codec, n, out_len);
        if (n)
            memcpy(out, in, n);
        return 0;
    case CODEC_SNAPPY: {
        size_t ulen = 0;
        if (snappy_uncompressed_length((const char *)in, n, &ulen) != SNAPPY_OK)
            return floe_error_set(FLOE_ECORRUPT, "SNAPPY page has a corrupt length header");
        if (ulen != out_len)
            return size_mismatch(codec, ulen, out_len);
        size_t got = out_len;
        if (snappy_uncompress((const char *)in, n, (char *)out, &got) != SNAPPY_OK)
            return floe_error_set(FLOE_ECORRUPT, "SNAPPY page is corrupt");
        if (got != out_len)
            return size_mismatch(codec, got, out_len);
        return 0;
    }
    case CODEC_GZIP:
        return decompress_gzip(out, out_len, in, n);
    case CODEC_ZSTD: {
        size_t r = ZSTD_decompress(out, out_len, in, n);
        if (ZSTD_isError(r))
            return floe_error_set(FLOE_ECORRUPT, "ZSTD page is corrupt: %s", ZSTD_getErrorName(r));
        if (r != out_len)
            return size_mismatch(codec, r, out_len);
        return 0;
    }
    case CODEC_LZ4:
        if (decompress_lz4_hadoop(out, out_len, in, n) == 0)
            return 0;
        /* Some writers labelled raw LZ4 blocks with the old codec id: try that too. */
        /* fall through */
    case CODEC_LZ4_RAW: {
        if (n > INT_MAX || out_len > INT_MAX)
            return floe_error_set(FLOE_ECORRUPT, "LZ4 page is too large");
        int r = LZ4_decompress_safe((const char *)in, (char *)out, (int)n, (int)out_len);
        if (r < 0)
            return floe_error_set(FLOE_ECORRUPT, "%s page is corrupt", codec_label(codec));
        if ((size_t)r != out_len)
            return size_mismatch(codec, (size_t)r, out_len);
        return 0;
    }
    case CODEC_BROTLI: {
        size_t got = out_len;
        BrotliDecoderResult r = BrotliDecoderDecompress(n, in, &got, out);
        if (r != BROTLI_DECODER_RESULT_SUCCESS)
            return floe_error_set(FLOE_ECORRUPT, "BROTLI page is corrupt or larger than %zu bytes",
                                  out_len);
        if (got != out_len)
            return size_mismatch(codec, got, out_len);
        return 0;
    }
    default:
        return floe_error_set(FLOE_EUNSUPPORTED,
                              "compression codec %s (%d) is not supported; rewrite the file "
                              "with zstd, snappy, gzip, brotli or lz4",
                              codec_label(codec), codec);
    }
}
