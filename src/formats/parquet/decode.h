/* Parquet value and level decoders (Encodings.md). Every decoder reads only inside the buffer
 * it is given and returns FLOE_ECORRUPT (with a message naming the encoding) on bad input.
 * Decoders write `count` dense values: nulls are placed later by the reader from levels. */
#ifndef FLOE_PARQUET_DECODE_H
#define FLOE_PARQUET_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* A byte-array value: `len` bytes at `ptr` (borrowed from a page or scratch buffer). */
typedef struct floe_parquet_view {
    const uint8_t *ptr;
    uint32_t len;
} floe_parquet_view;

/* RLE / bit-packed hybrid stream (levels, dictionary indices, booleans); bit width 0..32. */
typedef struct floe_parquet_rle {
    const uint8_t *p, *end;
    int bit_width;
    uint32_t rle_left;  /* values left in the current RLE run */
    uint32_t rle_value; /* its value */
    uint32_t pack_left; /* values left in the current bit-packed run */
    uint64_t pack_bit;  /* bit position of the next packed value, from pack_base */
    const uint8_t *pack_base;
    const uint8_t *pack_end; /* bytes of the packed run present in the buffer */
} floe_parquet_rle;

void floe_parquet__rle_init(floe_parquet_rle *r, const uint8_t *p, size_t n, int bit_width);
/* Reads exactly `count` values; FLOE_ECORRUPT if the stream ends first. */
int floe_parquet__rle_read(floe_parquet_rle *r, uint32_t *out, size_t count);
/* As rle_read, but every value must be < limit (dictionary indices). */
int floe_parquet__rle_read_bounded(floe_parquet_rle *r, uint32_t *out, size_t count,
                                   uint32_t limit);

/* Bits needed for values 0..max_value. */
int floe_parquet__bit_width(uint32_t max_value);

/* Fixed-width PLAIN values (INT32 4, INT64 8, INT96 12, FLOAT 4, DOUBLE 8, FLBA len). */
int floe_parquet__decode_plain_fixed(void *out, size_t count, size_t width, const uint8_t *p,
                                     size_t n, size_t *consumed);
/* PLAIN BOOLEAN (bit-packed, LSB first) into one byte (0/1) per value. */
int floe_parquet__decode_plain_bool(uint8_t *out, size_t count, const uint8_t *p, size_t n,
                                    size_t *consumed);
/* PLAIN BYTE_ARRAY (4-byte little-endian length + bytes). Views point into p. */
int floe_parquet__decode_plain_bytes(floe_parquet_view *out, size_t count, const uint8_t *p,
                                     size_t n, size_t *consumed);
/* RLE-encoded BOOLEAN values: 4-byte length prefix, then a hybrid stream of width 1. */
int floe_parquet__decode_rle_bool(uint8_t *out, size_t count, const uint8_t *p, size_t n);
/* Dictionary indices of a data page (one bit-width byte, then the hybrid stream); every
 * index is checked against dict_size. */
int floe_parquet__decode_dict_indices(uint32_t *out, size_t count, const uint8_t *p, size_t n,
                                      uint32_t dict_size);
/* DELTA_BINARY_PACKED into int32 (is64 = 0) or int64 values; wraps like the spec's
 * two's-complement arithmetic. */
int floe_parquet__decode_delta_binary(void *out, int is64, size_t count, const uint8_t *p, size_t n,
                                      size_t *consumed);
/* DELTA_LENGTH_BYTE_ARRAY. Views point into p. */
int floe_parquet__decode_delta_length(floe_parquet_view *out, size_t count, const uint8_t *p,
                                      size_t n, size_t *consumed);
/* DELTA_BYTE_ARRAY (incremental). Values are rebuilt into `scratch` (cleared first), which
 * the views point into; keep it alive while they are used. */
int floe_parquet__decode_delta_bytes(floe_parquet_view *out, size_t count, const uint8_t *p,
                                     size_t n, floe_buf *scratch);
/* BYTE_STREAM_SPLIT for any fixed width (FLOAT, DOUBLE, INT32, INT64, FLBA). */
int floe_parquet__decode_byte_stream_split(void *out, size_t count, size_t width, const uint8_t *p,
                                           size_t n);

/* 1 when p[0..n) is valid UTF-8 (no overlongs, surrogates or code points over U+10FFFF). */
int floe_parquet__utf8_valid(const uint8_t *p, size_t n);
/* 1 when every view is valid UTF-8; else 0 with *bad the first invalid index. */
int floe_parquet__views_utf8_valid(const floe_parquet_view *v, size_t count, size_t *bad);

#endif
