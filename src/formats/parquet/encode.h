/* Parquet value and level encoders used by the writer (Encodings.md). */
#ifndef FLOE_PARQUET_ENCODE_H
#define FLOE_PARQUET_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* Bits needed to store values 0..max_value (0 for 0). */
int floe_parquet__enc_bit_width(uint32_t max_value);

/* Appends the RLE / bit-packed hybrid encoding of `n` values of `bit_width` bits (no length
 * prefix). Runs of 8 or more equal values become RLE runs, the rest bit-packed groups of 8
 * (the last group padded with zeros). */
int floe_parquet__rle_encode_u32(floe_buf *out, const uint32_t *vals, size_t n, int bit_width);
/* Same for byte-sized values (repetition and definition levels). */
int floe_parquet__rle_encode_u8(floe_buf *out, const uint8_t *vals, size_t n, int bit_width);
/* Levels as data page v1 stores them: 4-byte little-endian length, then the hybrid stream. */
int floe_parquet__encode_levels_v1(floe_buf *out, const uint8_t *levels, size_t n, int max_level);

#endif
