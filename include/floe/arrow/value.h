/**
 * @file floe/arrow/value.h
 * Inline readers of single values of an ArrowArray. Index `i` is logical (0..length-1):
 * the array's own `offset` is applied here. These functions do no checking: run
 * floe_arrow_validate() on foreign arrays first, then read with these.
 */
#ifndef FLOE_ARROW_VALUE_H
#define FLOE_ARROW_VALUE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <floe/common.h>
#include <floe/arrow/abi.h>
#include <floe/arrow/decimal.h>
#include <floe/arrow/type.h>

FLOE_BEGIN_DECLS

/** A borrowed byte range (string, binary, fixed-size binary value). Not NUL-terminated. */
typedef struct floe_arrow_bytes {
    const uint8_t *data; /**< first byte (may be NULL when len == 0) */
    int64_t len;         /**< number of bytes */
} floe_arrow_bytes;

/** Bit `i` of an LSB-first bitmap (Arrow bit order). */
static inline int floe_arrow_bit_get(const uint8_t *bits, int64_t i)
{
    return (bits[i >> 3] >> (i & 7)) & 1;
}

/** Non-zero when slot `i` is valid (not null). An array without a validity buffer has none
 *  null. Not for the NA type (whose slots are all null) nor unions. */
static inline int floe_arrow_is_valid(const struct ArrowArray *a, int64_t i)
{
    const uint8_t *v = (const uint8_t *)a->buffers[0];
    return v == NULL || floe_arrow_bit_get(v, a->offset + i);
}

/** Non-zero when slot `i` is null. */
static inline int floe_arrow_is_null(const struct ArrowArray *a, int64_t i)
{
    return !floe_arrow_is_valid(a, i);
}

/** Pointer to the values buffer (buffer 1) of a fixed-width array, at logical slot 0. */
#define FLOE_ARROW_VALUES_(a, T) ((const T *)(a)->buffers[1] + (a)->offset)

/** BOOL value at `i`. */
static inline int floe_arrow_get_bool(const struct ArrowArray *a, int64_t i)
{
    return floe_arrow_bit_get((const uint8_t *)a->buffers[1], a->offset + i);
}

/** INT8 value at `i`. */
static inline int8_t floe_arrow_get_int8(const struct ArrowArray *a, int64_t i)
{
    return FLOE_ARROW_VALUES_(a, int8_t)[i];
}

/** INT16 value at `i`. */
static inline int16_t floe_arrow_get_int16(const struct ArrowArray *a, int64_t i)
{
    return FLOE_ARROW_VALUES_(a, int16_t)[i];
}

/** INT32 (also DATE32, TIME32, dictionary index) value at `i`. */
static inline int32_t floe_arrow_get_int32(const struct ArrowArray *a, int64_t i)
{
    return FLOE_ARROW_VALUES_(a, int32_t)[i];
}

/** INT64 (also TIME64, TIMESTAMP, DATE64) value at `i`. */
static inline int64_t floe_arrow_get_int64(const struct ArrowArray *a, int64_t i)
{
    return FLOE_ARROW_VALUES_(a, int64_t)[i];
}

/** UINT8 value at `i`. */
static inline uint8_t floe_arrow_get_uint8(const struct ArrowArray *a, int64_t i)
{
    return FLOE_ARROW_VALUES_(a, uint8_t)[i];
}

/** UINT16 value at `i`. */
static inline uint16_t floe_arrow_get_uint16(const struct ArrowArray *a, int64_t i)
{
    return FLOE_ARROW_VALUES_(a, uint16_t)[i];
}

/** UINT32 value at `i`. */
static inline uint32_t floe_arrow_get_uint32(const struct ArrowArray *a, int64_t i)
{
    return FLOE_ARROW_VALUES_(a, uint32_t)[i];
}

/** UINT64 value at `i`. */
static inline uint64_t floe_arrow_get_uint64(const struct ArrowArray *a, int64_t i)
{
    return FLOE_ARROW_VALUES_(a, uint64_t)[i];
}

/** FLOAT32 value at `i`. */
static inline float floe_arrow_get_float32(const struct ArrowArray *a, int64_t i)
{
    return FLOE_ARROW_VALUES_(a, float)[i];
}

/** FLOAT64 value at `i`. */
static inline double floe_arrow_get_float64(const struct ArrowArray *a, int64_t i)
{
    return FLOE_ARROW_VALUES_(a, double)[i];
}

/** DECIMAL128 unscaled value at `i`. */
static inline floe_decimal128 floe_arrow_get_decimal128(const struct ArrowArray *a, int64_t i)
{
    const uint8_t *p = (const uint8_t *)a->buffers[1] + (a->offset + i) * 16;
    floe_decimal128 d;
    memcpy(&d.lo, p, 8);
    memcpy(&d.hi, p + 8, 8);
    return d;
}

/**
 * Any signed or unsigned integer id or int-backed temporal (DATE32/64, TIME32/64, TIMESTAMP)
 * at `i`, widened to int64 (UINT64 values above INT64_MAX wrap; read those with
 * floe_arrow_get_uint64). Returns 0 for other ids.
 */
static inline int64_t floe_arrow_get_int_as_int64(const struct ArrowArray *a, floe_arrow_type_id id,
                                                  int64_t i)
{
    switch (id) {
    case FLOE_ARROW_TYPE_INT8:
        return floe_arrow_get_int8(a, i);
    case FLOE_ARROW_TYPE_INT16:
        return floe_arrow_get_int16(a, i);
    case FLOE_ARROW_TYPE_INT32:
    case FLOE_ARROW_TYPE_DATE32:
    case FLOE_ARROW_TYPE_TIME32:
        return floe_arrow_get_int32(a, i);
    case FLOE_ARROW_TYPE_INT64:
    case FLOE_ARROW_TYPE_DATE64:
    case FLOE_ARROW_TYPE_TIME64:
    case FLOE_ARROW_TYPE_TIMESTAMP:
        return floe_arrow_get_int64(a, i);
    case FLOE_ARROW_TYPE_UINT8:
        return floe_arrow_get_uint8(a, i);
    case FLOE_ARROW_TYPE_UINT16:
        return floe_arrow_get_uint16(a, i);
    case FLOE_ARROW_TYPE_UINT32:
        return floe_arrow_get_uint32(a, i);
    case FLOE_ARROW_TYPE_UINT64:
        return (int64_t)floe_arrow_get_uint64(a, i);
    default:
        return 0;
    }
}

/** UTF8 / BINARY (int32 offsets) value at `i`. */
static inline floe_arrow_bytes floe_arrow_get_bytes(const struct ArrowArray *a, int64_t i)
{
    const int32_t *off = (const int32_t *)a->buffers[1] + a->offset + i;
    floe_arrow_bytes b;
    b.len = (int64_t)off[1] - off[0];
    b.data = b.len ? (const uint8_t *)a->buffers[2] + off[0] : (const uint8_t *)a->buffers[2];
    return b;
}

/** LARGE_UTF8 / LARGE_BINARY (int64 offsets) value at `i`. */
static inline floe_arrow_bytes floe_arrow_get_large_bytes(const struct ArrowArray *a, int64_t i)
{
    const int64_t *off = (const int64_t *)a->buffers[1] + a->offset + i;
    floe_arrow_bytes b;
    b.len = off[1] - off[0];
    b.data = b.len ? (const uint8_t *)a->buffers[2] + off[0] : (const uint8_t *)a->buffers[2];
    return b;
}

/** FIXED_SIZE_BINARY value at `i`, `width` bytes each. */
static inline floe_arrow_bytes floe_arrow_get_fixed_bytes(const struct ArrowArray *a, int32_t width,
                                                          int64_t i)
{
    floe_arrow_bytes b;
    b.data = (const uint8_t *)a->buffers[1] + (a->offset + i) * (int64_t)width;
    b.len = width;
    return b;
}

/** Any of UTF8, BINARY, LARGE_UTF8, LARGE_BINARY (by id) value at `i`. */
static inline floe_arrow_bytes floe_arrow_get_var_bytes(const struct ArrowArray *a,
                                                        floe_arrow_type_id id, int64_t i)
{
    if (id == FLOE_ARROW_TYPE_LARGE_UTF8 || id == FLOE_ARROW_TYPE_LARGE_BINARY)
        return floe_arrow_get_large_bytes(a, i);
    return floe_arrow_get_bytes(a, i);
}

/**
 * Child range of list/map slot `i`: its elements are child slots [*start, *end) (child
 * logical indices). `large` selects int64 offsets (LARGE_LIST).
 */
static inline void floe_arrow_get_list_range(const struct ArrowArray *a, int large, int64_t i,
                                             int64_t *start, int64_t *end)
{
    if (large) {
        const int64_t *off = (const int64_t *)a->buffers[1] + a->offset + i;
        *start = off[0];
        *end = off[1];
    } else {
        const int32_t *off = (const int32_t *)a->buffers[1] + a->offset + i;
        *start = off[0];
        *end = off[1];
    }
}

/**
 * Null count of an array, counted from its validity bitmap when the producer left it
 * unknown (-1). Not for the NA type (all null) nor dictionary values.
 */
FLOE_API int64_t floe_arrow_array_null_count(const struct ArrowArray *a);

/** Number of set bits among bits [offset, offset + length) of an LSB-first bitmap. */
FLOE_API int64_t floe_arrow_bitmap_count_set(const uint8_t *bits, int64_t offset, int64_t length);

/** Moves an array: *dst takes src's content, src is marked released (release = NULL). */
FLOE_API void floe_arrow_array_move(struct ArrowArray *dst, struct ArrowArray *src);

/** Calls array->release when array is non-NULL and not yet released. */
FLOE_API void floe_arrow_array_release(struct ArrowArray *array);

FLOE_END_DECLS

#endif
