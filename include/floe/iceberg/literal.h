/**
 * @file floe/iceberg/literal.h
 * Typed single values of Iceberg primitive types: comparison, conversion between types (for
 * binding filters), the spec's Appendix D binary and JSON single-value forms, and the bound
 * truncation helpers used for manifest metrics.
 *
 * `floe_literal` is a small value type passed by value on hot paths (row evaluation,
 * partition keys), so unlike floe's handles it is a transparent struct. String, binary and
 * fixed values point at bytes that are either borrowed (`owned` false: valid as long as the
 * caller keeps them) or owned (`owned` true: freed by floe_literal_clear()).
 */
#ifndef FLOE_ICEBERG_LITERAL_H
#define FLOE_ICEBERG_LITERAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common.h"
#include "types.h"

FLOE_BEGIN_DECLS

/** A typed value. Use the constructors below; read the union member matching `kind`. */
typedef struct floe_literal {
    floe_type_kind kind; /**< type of the value (never struct/list/map) */
    bool is_null;        /**< a typed null */
    bool owned;          /**< bytes.data is owned (floe_malloc) */
    int32_t scale;       /**< decimal scale */
    union {
        bool b;      /**< boolean */
        int32_t i32; /**< int, date (days) */
        int64_t i64; /**< long, time (us), timestamp(tz) (us), timestamp(tz)_ns (ns) */
        float f32;   /**< float */
        double f64;  /**< double */
        struct {
            int64_t hi;   /**< high 64 bits of the 128-bit two's complement unscaled value */
            uint64_t lo;  /**< low 64 bits */
        } dec;            /**< decimal unscaled value */
        uint8_t uuid[16]; /**< uuid, big-endian bytes */
        struct {
            const uint8_t *data; /**< bytes (UTF-8 for strings), not NUL-terminated */
            size_t len;          /**< byte length */
        } bytes;                 /**< string, binary, fixed */
    } v;                         /**< the value */
} floe_literal;

/** Outcome of converting a literal to a narrower or different type. */
typedef enum floe_literal_conversion {
    FLOE_LITERAL_EXACT = 0,     /**< converted exactly */
    FLOE_LITERAL_ABOVE_MAX = 1, /**< greater than every value of the target type */
    FLOE_LITERAL_BELOW_MIN = 2, /**< less than every value of the target type */
    FLOE_LITERAL_INEXACT = 3    /**< no exact equivalent (e.g. 1.5 to int, 1.234 to scale 2) */
} floe_literal_conversion;

/** A typed null of `kind`. */
FLOE_API floe_literal floe_literal_null(floe_type_kind kind);
/** boolean */
FLOE_API floe_literal floe_literal_bool(bool v);
/** int */
FLOE_API floe_literal floe_literal_int(int32_t v);
/** long */
FLOE_API floe_literal floe_literal_long(int64_t v);
/** float */
FLOE_API floe_literal floe_literal_float(float v);
/** double */
FLOE_API floe_literal floe_literal_double(double v);
/** decimal from a 64-bit unscaled value and a scale */
FLOE_API floe_literal floe_literal_decimal(int64_t unscaled, int32_t scale);
/** decimal from a 128-bit unscaled value (hi, lo two's complement halves) and a scale */
FLOE_API floe_literal floe_literal_decimal128(int64_t hi, uint64_t lo, int32_t scale);
/** date: days since 1970-01-01 */
FLOE_API floe_literal floe_literal_date(int32_t days);
/** time: microseconds since midnight */
FLOE_API floe_literal floe_literal_time(int64_t micros);
/** timestamp (without zone), microseconds since the epoch */
FLOE_API floe_literal floe_literal_timestamp(int64_t micros);
/** timestamptz, microseconds since the epoch (UTC) */
FLOE_API floe_literal floe_literal_timestamptz(int64_t micros);
/** timestamp_ns, nanoseconds since the epoch */
FLOE_API floe_literal floe_literal_timestamp_ns(int64_t nanos);
/** timestamptz_ns, nanoseconds since the epoch (UTC) */
FLOE_API floe_literal floe_literal_timestamptz_ns(int64_t nanos);
/** string of `len` UTF-8 bytes (borrowed) */
FLOE_API floe_literal floe_literal_string(const char *s, size_t len);
/** uuid from 16 big-endian bytes */
FLOE_API floe_literal floe_literal_uuid(const uint8_t bytes[16]);
/** fixed bytes (borrowed) */
FLOE_API floe_literal floe_literal_fixed(const uint8_t *data, size_t len);
/** binary bytes (borrowed) */
FLOE_API floe_literal floe_literal_binary(const uint8_t *data, size_t len);

/** Deep copy: bytes are copied and owned by `out`. */
FLOE_API int floe_literal_copy(floe_literal *out, const floe_literal *in);

/** Frees owned bytes and resets the literal to a null of its kind. */
FLOE_API void floe_literal_clear(floe_literal *lit);

/**
 * Compares two non-null literals of the same kind (decimals of equal scale) with the
 * ordering Iceberg uses: signed numbers; floats with -0.0 < 0.0 and NaN above everything;
 * strings and binary by unsigned bytes (UTF-8 byte order is code point order); uuids by
 * their unsigned big-endian bytes.
 * @param cmp receives <0, 0 or >0.
 * @return 0, or FLOE_EINVALID when the kinds differ or a value is null.
 */
FLOE_API int floe_literal_compare(int *cmp, const floe_literal *a, const floe_literal *b);

/** True when both are null of any kind, or compare equal. */
FLOE_API bool floe_literal_equal(const floe_literal *a, const floe_literal *b);

/**
 * Converts a literal to `target`, as binding a filter does: numbers widen and narrow with
 * range checks, decimals rescale when exact, strings parse to numbers, dates, times,
 * timestamps, uuids and decimals ("2024-01-01" to a date or timestamp), dates widen to
 * timestamps, timestamps with an offset are accepted for timestamptz only.
 * @param out (transfer full) owns its bytes; clear with floe_literal_clear().
 * @param conversion receives how exact the result is (may be NULL); for ABOVE_MAX and
 *        BELOW_MIN `out` is left a null of the target kind.
 * @return 0, or FLOE_EINVALID when the value cannot be represented in `target` at all
 *         (message names both types and the value).
 */
FLOE_API int floe_literal_convert(floe_literal *out, floe_literal_conversion *conversion,
                                  const floe_literal *in, const floe_type *target);

/**
 * Appendix D binary single-value serialization.
 * @param out (transfer full) the bytes, freed with floe_iceberg_free_bytes(); `*len` their count.
 */
FLOE_API int floe_literal_to_bytes(uint8_t **out, size_t *len, const floe_literal *lit);

/**
 * Parses Appendix D bytes of `type` into an owned literal (clear with floe_literal_clear()).
 * Accepts int bounds of 4 bytes for a long column (promoted columns) and float for double.
 */
FLOE_API int floe_literal_from_bytes(floe_literal *out, const floe_type *type, const uint8_t *data,
                                     size_t len);

/**
 * Appendix D JSON single-value text ("34", "\"2017-11-16\"", "\"14.20\"", "\"000102ff\"").
 * @param out (transfer full) free with floe_iceberg_free_bytes().
 */
FLOE_API int floe_literal_to_json(char **out, const floe_literal *lit);

/** Parses Appendix D JSON text of a primitive `type` into an owned literal. */
FLOE_API int floe_literal_from_json(floe_literal *out, const floe_type *type, const char *json);

/**
 * Human text of a value, as used in partition paths and printed expressions: numbers as is,
 * dates "2017-11-16", times "22:31:08.123456", timestamps "2017-11-16T22:31:08.123456"
 * ("+00:00" appended for tz), decimals "14.20", uuids lowercase, binary/fixed as hex, strings
 * unquoted, null as "null".
 * @param out (transfer full) free with floe_iceberg_free_bytes().
 */
FLOE_API int floe_literal_to_string(char **out, const floe_literal *lit);

/** Frees memory returned by the literal functions; accepts NULL. */
FLOE_API void floe_iceberg_free_bytes(void *p);

/**
 * Lower bound of a string truncated to at most `max_code_points` code points (a valid lower
 * bound for every string that starts with the original). For binary/fixed, `max` counts bytes.
 * @param out (transfer full) owned copy (or the full value when already short enough).
 */
FLOE_API int floe_literal_truncate_lower(floe_literal *out, const floe_literal *in, size_t max);

/**
 * Upper bound truncated to `max` code points (strings) or bytes (binary): the prefix with its
 * last code point (byte) incremented, carrying to earlier positions when it is the highest.
 * @param has_bound receives false when no truncated upper bound exists (every position is
 *        at its maximum); `out` is then a null literal.
 */
FLOE_API int floe_literal_truncate_upper(floe_literal *out, bool *has_bound, const floe_literal *in,
                                         size_t max);

FLOE_END_DECLS

#endif
