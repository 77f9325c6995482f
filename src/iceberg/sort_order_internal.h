/* Sort order JSON as jansson values, for table metadata. */
#ifndef FLOE_ICEBERG_SORT_ORDER_INTERNAL_H
#define FLOE_ICEBERG_SORT_ORDER_INTERNAL_H

#include <jansson.h>

#include <floe/iceberg/sort_order.h>

/* Parses a sort order object; `path` names it in errors ("$.sort-orders[1]"). (transfer full) */
int floe_sort_order__from_json(floe_sort_order **out, const json_t *json, const char *path);

/* {"order-id":..,"fields":[..]}; NULL on allocation failure. (transfer full) */
json_t *floe_sort_order__to_json(const floe_sort_order *order);

/* Appends a field with several source ids (v3 multi-argument transforms). */
int floe_sort_order__add(floe_sort_order *order, const int32_t *source_ids, size_t nsources,
                         const char *transform, floe_sort_direction direction,
                         floe_null_order null_order);

#endif
