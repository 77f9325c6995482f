/* Helpers shared by the iceberg files that work on literal values. */
#ifndef FLOE_ICEBERG_LITERAL_INTERNAL_H
#define FLOE_ICEBERG_LITERAL_INTERNAL_H

#include <floe/iceberg/literal.h>

#include "base/buf.h"

/* 128-bit integers for decimal unscaled values (GCC/Clang extension). */
__extension__ typedef __int128 floe_i128;
__extension__ typedef unsigned __int128 floe_u128;

/* Unscaled value of a decimal literal. */
floe_i128 floe_literal__dec(const floe_literal *l);

/* Decimal literal from an unscaled value. */
floe_literal floe_literal__from_i128(floe_i128 v, int32_t scale);

/* Minimal two's complement big-endian bytes of v; returns their count (1..16). */
size_t floe_literal__decimal_bytes(uint8_t out[16], floe_i128 v);

/* "[-]digits[.digits][E[+-]n]" -> unscaled value and scale >= 0. FLOE_EINVALID/FLOE_ERANGE. */
int floe_literal__parse_decimal(floe_i128 *out, int32_t *scale, const char *s, size_t len);

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" -> 16 bytes. */
int floe_literal__parse_uuid(uint8_t out[16], const char *s, size_t len);

/* True for kinds whose value lives in v.bytes. */
bool floe_literal__has_bytes(floe_type_kind k);

/* An owned copy of `len` bytes as a literal of kind k. */
int floe_literal__own_bytes(floe_literal *out, floe_type_kind k, const void *data, size_t len);

/* Appends the human text of a value (as floe_literal_to_string). */
int floe_literal__append_text(floe_buf *b, const floe_literal *l);

/* Byte length of the first n code points of UTF-8 s (all of s when shorter); *count receives
 * how many code points that is. */
size_t floe_literal__utf8_prefix(const uint8_t *s, size_t len, size_t n, size_t *count);

#endif
