/**
 * @file floe/arrow/decimal.h
 * 128-bit decimals as Arrow stores them (16 bytes, two's complement, native little-endian
 * layout: low 64 bits first), held in a portable struct, with exact text conversion.
 */
#ifndef FLOE_ARROW_DECIMAL_H
#define FLOE_ARROW_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

#include <floe/common.h>

FLOE_BEGIN_DECLS

/** A 128-bit two's complement integer: value = hi * 2^64 + lo (the unscaled decimal). */
typedef struct floe_decimal128 {
    uint64_t lo; /**< low 64 bits */
    int64_t hi;  /**< high 64 bits, carrying the sign */
} floe_decimal128;

/** Buffer size that holds any formatted decimal128 with its NUL ("-0.<38 digits>"). */
#define FLOE_DECIMAL128_STRLEN 48

/** The decimal128 of an int64 (sign-extended). */
static inline floe_decimal128 floe_decimal128_from_int64(int64_t v)
{
    floe_decimal128 d;
    d.lo = (uint64_t)v;
    d.hi = v < 0 ? -1 : 0;
    return d;
}

/** Non-zero when d is negative. */
static inline int floe_decimal128_is_negative(floe_decimal128 d)
{
    return d.hi < 0;
}

/** Non-zero when a == b. */
static inline int floe_decimal128_equal(floe_decimal128 a, floe_decimal128 b)
{
    return a.lo == b.lo && a.hi == b.hi;
}

/** -1, 0 or 1 as a <, ==, > b (signed comparison of the unscaled values). */
static inline int floe_decimal128_compare(floe_decimal128 a, floe_decimal128 b)
{
    if (a.hi != b.hi)
        return a.hi < b.hi ? -1 : 1;
    if (a.lo != b.lo)
        return a.lo < b.lo ? -1 : 1;
    return 0;
}

/** Loads a decimal128 from 16 bytes in Arrow's layout (unaligned access is fine). */
FLOE_API floe_decimal128 floe_decimal128_load(const void *src);

/** Stores a decimal128 as 16 bytes in Arrow's layout. */
FLOE_API void floe_decimal128_store(void *dst, floe_decimal128 v);

/**
 * Number of decimal digits of |v| (1 for zero); 39 at most.
 */
FLOE_API int floe_decimal128_digits(floe_decimal128 v);

/**
 * Formats the unscaled value v with `scale` digits after the point: (1234, 2) -> "12.34",
 * (-5, 3) -> "-0.005", (7, 0) -> "7". No exponent, no trailing-zero trimming.
 * @param buf output, NUL-terminated; FLOE_DECIMAL128_STRLEN bytes always suffice
 * @param cap size of buf
 * @param scale 0..38
 * @return 0; FLOE_ERANGE when buf is too small; FLOE_EINVALID for a scale out of range
 */
FLOE_API int floe_decimal128_format(char *buf, size_t cap, floe_decimal128 v, int32_t scale);

/**
 * Parses decimal text ("-12.34", "+5", ".5", "7.") into the unscaled value at `scale`:
 * fewer fractional digits are padded with zeros; more are an error (no rounding), unless the
 * extra digits are zeros. Surrounding whitespace and exponents are not accepted.
 * @param out the unscaled value
 * @param text the characters (need not be NUL-terminated)
 * @param len their number
 * @param precision 1..38: the maximum total number of digits at `scale`
 * @param scale 0..precision
 * @return 0; FLOE_EINVALID for malformed text, naming it; FLOE_ERANGE when the value needs
 *         more than `precision` digits or more than `scale` fractional digits
 */
FLOE_API int floe_decimal128_parse(floe_decimal128 *out, const char *text, size_t len,
                                   int32_t precision, int32_t scale);

/**
 * Non-zero when |v| fits in `precision` decimal digits (precision 1..38).
 */
FLOE_API int floe_decimal128_fits_precision(floe_decimal128 v, int32_t precision);

FLOE_END_DECLS

#endif
