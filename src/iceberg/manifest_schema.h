/* Avro schemas of manifests and manifest lists (spec §Manifests, §Manifest Lists, Appendix A
 * type mapping), and conversion of partition values between literals and Avro values. */
#ifndef FLOE_ICEBERG_MANIFEST_SCHEMA_H
#define FLOE_ICEBERG_MANIFEST_SCHEMA_H

#include <floe/avro.h>
#include <floe/iceberg/literal.h>
#include <floe/iceberg/types.h>

/* Positions of the data_file fields (r2) in the entry schema built by
 * floe_iceberg__manifest_entry_schema, in spec order; the reader looks the same fields up in
 * this order by field id. */
enum {
    FLOE_DF_CONTENT,
    FLOE_DF_PATH,
    FLOE_DF_FORMAT,
    FLOE_DF_PARTITION,
    FLOE_DF_RECORDS,
    FLOE_DF_SIZE,
    FLOE_DF_COLUMN_SIZES,
    FLOE_DF_VALUE_COUNTS,
    FLOE_DF_NULL_COUNTS,
    FLOE_DF_NAN_COUNTS,
    FLOE_DF_LOWER,
    FLOE_DF_UPPER,
    FLOE_DF_KEY_METADATA,
    FLOE_DF_SPLITS,
    FLOE_DF_EQUALITY,
    FLOE_DF_SORT_ORDER,
    FLOE_DF_REFERENCED,
    FLOE_DF_COUNT
};

/* The v2 manifest_entry schema with a partition record (r102) for `partition_type` (a struct
 * whose field ids are partition field ids). */
int floe_iceberg__manifest_entry_schema(floe_avro_schema **out, const floe_type *partition_type);

/* The v2 manifest_file schema of manifest lists. */
int floe_iceberg__manifest_list_schema(floe_avro_schema **out);

/* Sets an optional Avro value (["null", T]) from a literal of the partition field's type. */
int floe_iceberg__literal_to_avro(floe_avro_value *optional, const floe_literal *lit,
                                  const floe_type *type);

/* Reads an Avro value (optional or not) into an owned literal of `type`. */
int floe_iceberg__literal_from_avro(floe_literal *out, const floe_avro_value *value,
                                    const floe_type *type);

#endif
