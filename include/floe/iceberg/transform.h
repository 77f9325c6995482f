/**
 * @file floe/iceberg/transform.h
 * Partition transforms (spec "Partition Transforms", "Bucket Transform Details",
 * "Truncate Transform Details"): parsing and printing, applicability and result types,
 * application to literals, human strings for partition paths, and ordering facts used by
 * filter projection.
 *
 * A transform is a small value (kind and parameter), so it is a transparent struct.
 */
#ifndef FLOE_ICEBERG_TRANSFORM_H
#define FLOE_ICEBERG_TRANSFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common.h"
#include "literal.h"
#include "types.h"

FLOE_BEGIN_DECLS

/** Transform kinds. */
typedef enum floe_transform_kind {
    FLOE_TRANSFORM_IDENTITY = 1, /**< identity */
    FLOE_TRANSFORM_BUCKET,       /**< bucket[N] */
    FLOE_TRANSFORM_TRUNCATE,     /**< truncate[W] */
    FLOE_TRANSFORM_YEAR,         /**< years since 1970 */
    FLOE_TRANSFORM_MONTH,        /**< months since 1970-01 */
    FLOE_TRANSFORM_DAY,          /**< days since 1970-01-01 (a date) */
    FLOE_TRANSFORM_HOUR,         /**< hours since 1970-01-01T00 */
    FLOE_TRANSFORM_VOID,         /**< always null */
    FLOE_TRANSFORM_UNKNOWN       /**< a transform floe does not know (read, then ignored) */
} floe_transform_kind;

/** A transform. `param` is N for bucket, W for truncate, else 0. */
typedef struct floe_transform {
    floe_transform_kind kind; /**< which transform */
    int32_t param;            /**< bucket count or truncate width */
} floe_transform;

/** Buffer size that always holds floe_transform_format() output. */
#define FLOE_TRANSFORM_BUF 32

/**
 * Parses "identity", "bucket[16]", "truncate[4]", "year", "month", "day", "hour", "void".
 * Any other name gives kind FLOE_TRANSFORM_UNKNOWN and returns 0 (readers must tolerate
 * unknown transforms); malformed parameters return FLOE_EINVALID.
 */
FLOE_API int floe_transform_parse(floe_transform *out, const char *text);

/** Writes the transform's string ("bucket[16]"); "unknown" for unknown transforms. */
FLOE_API const char *floe_transform_format(floe_transform t, char buf[FLOE_TRANSFORM_BUF]);

/** True when the transform can be applied to a source column of `type`. */
FLOE_API bool floe_transform_can_apply(floe_transform t, const floe_type *type);

/**
 * Result type of applying `t` to `source`: source type for identity/truncate; int for
 * bucket, year, month, hour; date for day; the source type for void.
 * @param out (transfer full)
 * @return 0, or FLOE_EINVALID (message names transform and type) when it cannot apply.
 */
FLOE_API int floe_transform_result_type(floe_type **out, floe_transform t, const floe_type *source);

/**
 * Applies `t` to a value of the source type. Nulls map to nulls (void maps everything to null).
 * @param out (transfer full) owned result; clear with floe_literal_clear().
 */
FLOE_API int floe_transform_apply(floe_literal *out, floe_transform t, const floe_literal *in);

/** 32-bit Murmur3 hash of a value per Appendix B (ints hash as longs, nanos as micros). */
FLOE_API int floe_transform_hash(int32_t *out, const floe_literal *in);

/**
 * Human text of a transformed value, as used in partition paths: dates for day
 * ("2024-01-01"), "2024-01" for month, "2024" for year, "2024-01-01-10" for hour, the value
 * for identity/truncate/bucket, "null" for null. As in the reference implementation, times
 * and timestamps print like java.time ("22:31", "2017-11-16T22:31:08.000001Z") and binary
 * values as base64.
 * @param out (transfer full) free with floe_iceberg_free_bytes().
 */
FLOE_API int floe_transform_to_human_string(char **out, floe_transform t,
                                            const floe_literal *value);

/** True when the transform preserves order: a <= b implies t(a) <= t(b). */
FLOE_API bool floe_transform_preserves_order(floe_transform t);

/**
 * True when data ordered by `t` is also ordered by `other` (identity satisfies every
 * order-preserving transform; hour satisfies day/month/year, day satisfies month/year, month
 * satisfies year; string truncate[W] satisfies truncate[V] for W >= V, numeric truncate[W]
 * satisfies truncate[V] when V is a multiple of W). `source` is the source column's type; it
 * may be NULL, and then truncate transforms satisfy only themselves.
 */
FLOE_API bool floe_transform_satisfies_order_of(floe_transform t, floe_transform other,
                                                const floe_type *source);

/** True when both transforms are the same kind and parameter. */
FLOE_API bool floe_transform_equal(floe_transform a, floe_transform b);

FLOE_END_DECLS

#endif
