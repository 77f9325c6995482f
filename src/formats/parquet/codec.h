/* Parquet page compression codecs. Codec ids are parquet.thrift CompressionCodec values
 * (floe_parquet_codec in metadata.h: 0 none, 1 snappy, 2 gzip, 3 lzo, 4 brotli, 5 lz4 (Hadoop
 * framed, read only), 6 zstd, 7 lz4_raw). */
#ifndef FLOE_PARQUET_CODEC_H
#define FLOE_PARQUET_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* Largest uncompressed page floe accepts from a file (1 GiB): bounds allocations sized by
 * page headers, which are untrusted. */
#define FLOE_PARQUET_MAX_PAGE_BYTES ((size_t)1 << 30)

/* Parses a codec name (case-insensitive; "none"/"uncompressed", "snappy", "gzip", "brotli",
 * "lz4" (= LZ4_RAW), "lz4_raw", "zstd"). Returns the id or -1. */
int floe_parquet__codec_from_name(const char *name);

/* 1 when floe can write pages with this codec. */
int floe_parquet__codec_can_write(int codec);

/* Appends the compressed form of in[0..n) to `out`. `level` is codec specific (ZSTD 1..22,
 * GZIP 1..9, BROTLI 0..11); 0 picks the codec's default. LZ4 here means LZ4_RAW only. */
int floe_parquet__compress(floe_buf *out, int codec, int level, const void *in, size_t n);

/* Decompresses in[0..n) into exactly out_len bytes at `out` (the page header's
 * uncompressed size). FLOE_ECORRUPT when the data is invalid or decodes to another size;
 * FLOE_EUNSUPPORTED for LZO or an unknown codec; FLOE_EINVALID when out_len exceeds
 * FLOE_PARQUET_MAX_PAGE_BYTES. */
int floe_parquet__decompress(void *out, size_t out_len, int codec, const void *in, size_t n);

#endif
