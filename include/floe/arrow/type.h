/**
 * @file floe/arrow/type.h
 * The Arrow data types floe reads and writes, and their C Data Interface format strings
 * ("i", "d:10,2", "tsu:UTC", "+s", ...). A parsed type is a small value struct; nested types
 * describe only their top level, children are described by the schema's children.
 */
#ifndef FLOE_ARROW_TYPE_H
#define FLOE_ARROW_TYPE_H

#include <stddef.h>
#include <stdint.h>

#include <floe/common.h>
#include <floe/arrow/abi.h>

FLOE_BEGIN_DECLS

/** Arrow type ids known to floe. */
typedef enum floe_arrow_type_id {
    FLOE_ARROW_TYPE_NA = 0,            /**< null type "n" (no buffers; every slot null) */
    FLOE_ARROW_TYPE_BOOL,              /**< "b": bit-packed booleans */
    FLOE_ARROW_TYPE_INT8,              /**< "c" */
    FLOE_ARROW_TYPE_INT16,             /**< "s" */
    FLOE_ARROW_TYPE_INT32,             /**< "i" */
    FLOE_ARROW_TYPE_INT64,             /**< "l" */
    FLOE_ARROW_TYPE_UINT8,             /**< "C" */
    FLOE_ARROW_TYPE_UINT16,            /**< "S" */
    FLOE_ARROW_TYPE_UINT32,            /**< "I" */
    FLOE_ARROW_TYPE_UINT64,            /**< "L" */
    FLOE_ARROW_TYPE_FLOAT32,           /**< "f" */
    FLOE_ARROW_TYPE_FLOAT64,           /**< "g" */
    FLOE_ARROW_TYPE_DECIMAL128,        /**< "d:P,S" (or "d:P,S,128"): 16-byte two's complement */
    FLOE_ARROW_TYPE_DATE32,            /**< "tdD": int32 days since 1970-01-01 */
    FLOE_ARROW_TYPE_DATE64,            /**< "tdm": int64 milliseconds since the epoch */
    FLOE_ARROW_TYPE_TIME32,            /**< "tts", "ttm": int32 seconds / milliseconds */
    FLOE_ARROW_TYPE_TIME64,            /**< "ttu", "ttn": int64 microseconds / nanoseconds */
    FLOE_ARROW_TYPE_TIMESTAMP,         /**< "ts{s,m,u,n}:TZ": int64 since the epoch */
    FLOE_ARROW_TYPE_UTF8,              /**< "u": int32 offsets + UTF-8 bytes */
    FLOE_ARROW_TYPE_LARGE_UTF8,        /**< "U": int64 offsets + UTF-8 bytes */
    FLOE_ARROW_TYPE_BINARY,            /**< "z": int32 offsets + bytes */
    FLOE_ARROW_TYPE_LARGE_BINARY,      /**< "Z": int64 offsets + bytes */
    FLOE_ARROW_TYPE_FIXED_SIZE_BINARY, /**< "w:N": N bytes per value */
    FLOE_ARROW_TYPE_STRUCT,            /**< "+s" */
    FLOE_ARROW_TYPE_LIST,              /**< "+l": int32 offsets, one child */
    FLOE_ARROW_TYPE_LARGE_LIST,        /**< "+L": int64 offsets, one child */
    FLOE_ARROW_TYPE_MAP                /**< "+m": int32 offsets, one struct child {key, value} */
} floe_arrow_type_id;

/** Number of values in floe_arrow_type_id (for tables indexed by id). */
#define FLOE_ARROW_TYPE_COUNT (FLOE_ARROW_TYPE_MAP + 1)

/** Time unit of time32/time64/timestamp/date64 types. */
typedef enum floe_arrow_time_unit {
    FLOE_ARROW_TIME_UNIT_NONE = 0, /**< not a temporal type with a unit */
    FLOE_ARROW_TIME_UNIT_SECOND,   /**< 's' */
    FLOE_ARROW_TIME_UNIT_MILLI,    /**< 'm' */
    FLOE_ARROW_TIME_UNIT_MICRO,    /**< 'u' */
    FLOE_ARROW_TIME_UNIT_NANO      /**< 'n' */
} floe_arrow_time_unit;

/**
 * A parsed Arrow data type (top level only). A value struct: copy it freely. `timezone`
 * points into the format string it was parsed from, so it lives as long as that string.
 */
typedef struct floe_arrow_type {
    floe_arrow_type_id id;     /**< the type */
    floe_arrow_time_unit unit; /**< TIME32/TIME64/TIMESTAMP/DATE64 unit, else NONE */
    int32_t precision;         /**< DECIMAL128: 1..38 */
    int32_t scale;             /**< DECIMAL128: 0..precision */
    int32_t byte_width;        /**< FIXED_SIZE_BINARY: N (> 0); DECIMAL128: 16 */
    /** TIMESTAMP: the time zone ("UTC", "+01:00"), or NULL for a timestamp without one
     *  ("tsu:"). (transfer none) — not NUL-terminated, see timezone_len. */
    const char *timezone;
    size_t timezone_len; /**< length of timezone in bytes (0 when NULL) */
    /** Set by floe_arrow_type_from_schema() when the field is dictionary-encoded: then
     *  `id`..`timezone` describe the dictionary's value type and index_id the index type. */
    int is_dictionary;
    floe_arrow_type_id index_id; /**< dictionary index type (an integer id) when is_dictionary */
} floe_arrow_type;

/** Zero-initialiser for floe_arrow_type. */
#define FLOE_ARROW_TYPE_INIT                                                                       \
    {                                                                                              \
        FLOE_ARROW_TYPE_NA, FLOE_ARROW_TIME_UNIT_NONE, 0, 0, 0, NULL, 0, 0, FLOE_ARROW_TYPE_NA     \
    }

/** Largest precision of a decimal128. */
#define FLOE_ARROW_DECIMAL128_MAX_PRECISION 38

/**
 * Parses a C Data Interface format string.
 * @param out the parsed type (timezone borrows from `format`)
 * @param format NUL-terminated format string
 * @return 0; FLOE_EINVALID when `format` is malformed ("d:x", "w:0", "tsu" without ':');
 *         FLOE_EUNSUPPORTED for a valid Arrow format floe does not handle ("e", "vu", "+ud:..",
 *         "d:40,2,256"). The message quotes the format.
 */
FLOE_API int floe_arrow_type_parse(floe_arrow_type *out, const char *format);

/**
 * Reads the type of a schema node, following a dictionary: a dictionary-encoded field (its
 * `dictionary` member set) yields the value type with is_dictionary = 1 and index_id = the
 * integer type of its own format. Errors as floe_arrow_type_parse(), and FLOE_EINVALID when a
 * dictionary's index type is not an integer.
 */
FLOE_API int floe_arrow_type_from_schema(floe_arrow_type *out, const struct ArrowSchema *schema);

/**
 * Formats a type as a C Data Interface format string (the inverse of floe_arrow_type_parse;
 * is_dictionary is ignored: the format of a dictionary field is its index type's).
 * @param buf output, NUL-terminated
 * @param cap size of buf; FLOE_ARROW_FORMAT_MAX suffices unless a timezone is long
 * @return 0; FLOE_ERANGE if buf is too small; FLOE_EINVALID if the type is inconsistent
 *         (decimal precision out of range, fixed width <= 0, missing unit).
 */
FLOE_API int floe_arrow_type_format(char *buf, size_t cap, const floe_arrow_type *type);

/** A buffer size for floe_arrow_type_format() enough for any type without a long timezone. */
#define FLOE_ARROW_FORMAT_MAX 64

/** Stable lower-case name of a type id ("int32", "large_utf8", "map") for messages. */
FLOE_API const char *floe_arrow_type_name(floe_arrow_type_id id);

/**
 * Number of buffers an ArrowArray of this type has (validity included): 0 for NA, 1 for
 * STRUCT, 3 for (large) utf8/binary, 2 for everything else.
 */
FLOE_API int floe_arrow_type_n_buffers(floe_arrow_type_id id);

/**
 * Width in bits of one value in the values buffer (buffer 1) of a fixed-width type:
 * 1 for BOOL, 8..64 for numbers/temporals, 128 for DECIMAL128, 8*N for FIXED_SIZE_BINARY;
 * 0 for variable-width and nested types.
 */
FLOE_API int floe_arrow_type_bit_width(const floe_arrow_type *type);

/** Non-zero for the signed and unsigned integer types (not temporals). */
FLOE_API int floe_arrow_type_is_integer(floe_arrow_type_id id);

/** Non-zero for STRUCT, LIST, LARGE_LIST and MAP. */
FLOE_API int floe_arrow_type_is_nested(floe_arrow_type_id id);

/** Non-zero for UTF8, LARGE_UTF8, BINARY and LARGE_BINARY (offsets + data buffers). */
FLOE_API int floe_arrow_type_is_var_binary(floe_arrow_type_id id);

/** Non-zero when two types are equal (id, unit, precision, scale, width, timezone text). */
FLOE_API int floe_arrow_type_equal(const floe_arrow_type *a, const floe_arrow_type *b);

FLOE_END_DECLS

#endif
