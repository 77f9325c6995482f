/**
 * @file floe/iceberg/partition.h
 * Partition specs (spec "Partitioning", Appendix C): fields with source ids, field ids from
 * 1000, names and transforms; binding to a schema; the partition struct type; partition
 * values, paths ("ts_day=2024-01-01/id_bucket=3") and their JSON form.
 *
 * A spec is built with floe_partition_spec_new() + floe_partition_spec_add_field(), or parsed;
 * after that it is immutable and shared by reference counting.
 */
#ifndef FLOE_ICEBERG_PARTITION_H
#define FLOE_ICEBERG_PARTITION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../arrow/abi.h"
#include "../common.h"
#include "literal.h"
#include "schema.h"
#include "transform.h"
#include "types.h"

FLOE_BEGIN_DECLS

/** A partition spec (opaque, reference counted). */
typedef struct floe_partition_spec floe_partition_spec;

/** A field of a partition spec (borrowed from the spec). */
typedef struct floe_partition_field floe_partition_field;

/** First partition field id (the reference implementation's convention). */
#define FLOE_PARTITION_FIRST_FIELD_ID 1000

/** An empty spec with this id. (transfer full) */
FLOE_API int floe_partition_spec_new(floe_partition_spec **out, int32_t spec_id);

/** The unpartitioned spec (id 0, no fields). (transfer full) */
FLOE_API int floe_partition_spec_unpartitioned(floe_partition_spec **out);

/**
 * Appends a field. Only call before sharing the spec.
 * @param field_id the partition field id, or -1 for the next id (last + 1, from 1000).
 * @param transform a transform string ("day", "bucket[16]"; unknown names are kept).
 * @return 0, FLOE_EINVALID for a duplicate name or field id or a malformed transform.
 */
FLOE_API int floe_partition_spec_add_field(floe_partition_spec *spec, int32_t source_id,
                                           int32_t field_id, const char *name,
                                           const char *transform);

/** Adds a reference and returns `spec`. */
FLOE_API floe_partition_spec *floe_partition_spec_ref(floe_partition_spec *spec);

/** Drops a reference; frees at zero. Accepts NULL. */
FLOE_API void floe_partition_spec_free(floe_partition_spec *spec);

/** spec-id. */
FLOE_API int32_t floe_partition_spec_id(const floe_partition_spec *spec);

/** A copy with another spec-id. (transfer full) */
FLOE_API int floe_partition_spec_with_id(floe_partition_spec **out, const floe_partition_spec *spec,
                                         int32_t spec_id);

/** Number of fields. */
FLOE_API size_t floe_partition_spec_field_count(const floe_partition_spec *spec);

/** Field `i`. (transfer none) */
FLOE_API const floe_partition_field *floe_partition_spec_field_at(const floe_partition_spec *spec,
                                                                  size_t i);

/** Highest partition field id, or 999 when the spec has no fields. */
FLOE_API int32_t floe_partition_spec_last_field_id(const floe_partition_spec *spec);

/** True when the spec has no fields or only void transforms. */
FLOE_API bool floe_partition_spec_is_unpartitioned(const floe_partition_spec *spec);

/** Same fields (source id, field id, name, transform) in the same order; ids of specs ignored. */
FLOE_API bool floe_partition_spec_same_fields(const floe_partition_spec *a,
                                              const floe_partition_spec *b);

/** Source column id of a field. */
FLOE_API int32_t floe_partition_field_source_id(const floe_partition_field *field);

/** Partition field id. */
FLOE_API int32_t floe_partition_field_id(const floe_partition_field *field);

/** Partition field name. (transfer none) */
FLOE_API const char *floe_partition_field_name(const floe_partition_field *field);

/** Transform of a field. */
FLOE_API floe_transform floe_partition_field_transform(const floe_partition_field *field);

/** Transform string as read or given ("bucket[16]", or an unknown transform's name). */
FLOE_API const char *floe_partition_field_transform_string(const floe_partition_field *field);

/**
 * Checks the spec against a schema: partition field ids are >= 1000, every source column
 * exists and is primitive, each
 * transform applies to its source type, names are unique and do not shadow another schema
 * column (an identity field may use its source column's name), and no field is redundant
 * (the same transform twice on a column, or two of year/month/day/hour on one column).
 * Fields with unknown transforms are accepted (they are ignored when writing).
 */
FLOE_API int floe_partition_spec_check(const floe_partition_spec *spec, const floe_schema *schema);

/**
 * The partition tuple type: a struct with one optional field per partition field (id =
 * partition field id, type = the transform's result type). (transfer full)
 */
FLOE_API int floe_partition_spec_partition_type(floe_type **out, const floe_partition_spec *spec,
                                                const floe_schema *schema);

/**
 * Computes a partition tuple: `out[i]` = transform of field i applied to `source_values[i]`
 * (the value of field i's source column). `out` has floe_partition_spec_field_count()
 * entries, each owned (clear with floe_literal_clear()).
 */
FLOE_API int floe_partition_spec_apply(floe_literal *out, const floe_partition_spec *spec,
                                       const floe_literal *source_values);

/**
 * Partition path of a tuple ("ts_day=2024-01-01/id_bucket=3"): human values per transform,
 * names and values URL-encoded as Java's URLEncoder does (space as '+').
 * @param out (transfer full) free with floe_iceberg_free_string().
 */
FLOE_API int floe_partition_spec_path(char **out, const floe_partition_spec *spec,
                                      const floe_literal *values);

/**
 * JSON object of a tuple by field name with Appendix D JSON values
 * ({"ts_day":"2024-01-01","id_bucket":3}). (transfer full; floe_iceberg_free_string())
 */
FLOE_API int floe_partition_spec_values_to_json(char **out, const floe_partition_spec *spec,
                                                const floe_literal *values);

/**
 * Computes partition tuples from the rows of Arrow struct batches (for writers): the source
 * columns are located once, by `PARQUET:field_id` metadata or else by name.
 */
typedef struct floe_partition_keyer floe_partition_keyer;

/**
 * @param out (transfer full) free with floe_partition_keyer_free().
 * @param spec, schema (transfer none) referenced by the keyer.
 * @param arrow_schema (transfer none) the batches' "+s" schema; only read during this call.
 * @return 0; FLOE_ENOTFOUND naming a source column missing from the batch; FLOE_EINVALID for a
 *         transform that cannot apply to its source, or an unknown transform.
 */
FLOE_API int floe_partition_keyer_new(floe_partition_keyer **out, const floe_partition_spec *spec,
                                      const floe_schema *schema,
                                      const struct ArrowSchema *arrow_schema);

/**
 * The partition tuple of row `row` of `batch`: `out` has floe_partition_spec_field_count()
 * entries, each owned (clear with floe_literal_clear()).
 */
FLOE_API int floe_partition_keyer_row(floe_literal *out, const floe_partition_keyer *keyer,
                                      const struct ArrowArray *batch, int64_t row);

/** Frees a keyer; accepts NULL. */
FLOE_API void floe_partition_keyer_free(floe_partition_keyer *keyer);

/**
 * Parses a spec object ({"spec-id":..,"fields":[..]}) or, for the v1 "partition-spec" form,
 * a bare field list (spec-id 0; missing field-ids are assigned from 1000). (transfer full)
 */
FLOE_API int floe_partition_spec_from_json(floe_partition_spec **out, const char *json, size_t len);

/** Serializes a spec object (Appendix C). (transfer full; floe_iceberg_free_string()) */
FLOE_API int floe_partition_spec_to_json(char **out, const floe_partition_spec *spec, bool pretty);

FLOE_END_DECLS

#endif
