/* Partition spec JSON as jansson values (for table metadata) and shared helpers. */
#ifndef FLOE_ICEBERG_PARTITION_INTERNAL_H
#define FLOE_ICEBERG_PARTITION_INTERNAL_H

#include <jansson.h>

#include <floe/iceberg/partition.h>

#include "base/buf.h"

/* Parses a spec object, or a v1 bare field list (spec-id 0, field ids from 1000 when absent);
 * `path` names it in errors ("$.partition-specs[0]"). (transfer full) */
int floe_partition_spec__from_json(floe_partition_spec **out, const json_t *json, const char *path);

/* {"spec-id":..,"fields":[..]}; NULL on allocation failure. (transfer full) */
json_t *floe_partition_spec__to_json(const floe_partition_spec *spec);

/* The bare field list (v1 "partition-spec"). (transfer full) */
json_t *floe_partition_spec__fields_to_json(const floe_partition_spec *spec);

/* Appends a field with several source ids (v3 multi-argument transforms). */
int floe_partition_spec__add(floe_partition_spec *spec, const int32_t *source_ids, size_t nsources,
                             int32_t field_id, const char *name, const char *transform);

/* URL-encodes as java.net.URLEncoder (UTF-8) does. */
int floe_partition__url_encode(floe_buf *b, const char *s);

#endif
