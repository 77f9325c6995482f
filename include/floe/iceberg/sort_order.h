/**
 * @file floe/iceberg/sort_order.h
 * Sort orders (spec "Sorting", Appendix C): fields with a transform, source id, direction and
 * null order; order 0 is the unsorted order.
 *
 * Built with floe_sort_order_new() + floe_sort_order_add_field(), or parsed; then immutable
 * and shared by reference counting.
 */
#ifndef FLOE_ICEBERG_SORT_ORDER_H
#define FLOE_ICEBERG_SORT_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common.h"
#include "schema.h"
#include "transform.h"

FLOE_BEGIN_DECLS

/** A sort order (opaque, reference counted). */
typedef struct floe_sort_order floe_sort_order;

/** A field of a sort order (borrowed from the order). */
typedef struct floe_sort_field floe_sort_field;

/** Sort direction. */
typedef enum floe_sort_direction {
    FLOE_SORT_ASC = 0, /**< "asc" */
    FLOE_SORT_DESC = 1 /**< "desc" */
} floe_sort_direction;

/** Null placement. */
typedef enum floe_null_order {
    FLOE_NULLS_FIRST = 0, /**< "nulls-first" */
    FLOE_NULLS_LAST = 1   /**< "nulls-last" */
} floe_null_order;

/** An empty order with this id (order 0 must stay empty: it is the unsorted order). */
FLOE_API int floe_sort_order_new(floe_sort_order **out, int32_t order_id);

/** The unsorted order (id 0, no fields). (transfer full) */
FLOE_API int floe_sort_order_unsorted(floe_sort_order **out);

/**
 * Appends a field; only before sharing the order.
 * @return FLOE_EINVALID for a malformed transform or when adding to order 0.
 */
FLOE_API int floe_sort_order_add_field(floe_sort_order *order, int32_t source_id,
                                       const char *transform, floe_sort_direction direction,
                                       floe_null_order null_order);

/** Adds a reference and returns `order`. */
FLOE_API floe_sort_order *floe_sort_order_ref(floe_sort_order *order);

/** Drops a reference; frees at zero. Accepts NULL. */
FLOE_API void floe_sort_order_free(floe_sort_order *order);

/** order-id. */
FLOE_API int32_t floe_sort_order_id(const floe_sort_order *order);

/** A copy with another order-id. (transfer full) */
FLOE_API int floe_sort_order_with_id(floe_sort_order **out, const floe_sort_order *order,
                                     int32_t order_id);

/** True for an order without fields. */
FLOE_API bool floe_sort_order_is_unsorted(const floe_sort_order *order);

/** Same fields in the same order (order ids ignored). */
FLOE_API bool floe_sort_order_same_fields(const floe_sort_order *a, const floe_sort_order *b);

/** Number of fields. */
FLOE_API size_t floe_sort_order_field_count(const floe_sort_order *order);

/** Field `i`. (transfer none) */
FLOE_API const floe_sort_field *floe_sort_order_field_at(const floe_sort_order *order, size_t i);

/** Source column id. */
FLOE_API int32_t floe_sort_field_source_id(const floe_sort_field *field);

/** Transform. */
FLOE_API floe_transform floe_sort_field_transform(const floe_sort_field *field);

/** Transform string as given or read. (transfer none) */
FLOE_API const char *floe_sort_field_transform_string(const floe_sort_field *field);

/** Direction. */
FLOE_API floe_sort_direction floe_sort_field_direction(const floe_sort_field *field);

/** Null order. */
FLOE_API floe_null_order floe_sort_field_null_order(const floe_sort_field *field);

/** Checks that every source column exists, is primitive, and accepts its transform. */
FLOE_API int floe_sort_order_check(const floe_sort_order *order, const floe_schema *schema);

/** Parses a sort order object (Appendix C). Errors name the JSON path. (transfer full) */
FLOE_API int floe_sort_order_from_json(floe_sort_order **out, const char *json, size_t len);

/** Serializes a sort order object. (transfer full; floe_iceberg_free_string()) */
FLOE_API int floe_sort_order_to_json(char **out, const floe_sort_order *order, bool pretty);

FLOE_END_DECLS

#endif
