/**
 * @file floe/iceberg/spec_update.h
 * Partition evolution (spec §Partition Evolution): an update of a table's default partition
 * spec that adds, removes and renames partition fields, and produces the new spec plus the
 * table requirements and updates (assert-default-spec-id, assert-last-assigned-partition-id,
 * add-spec, set-default-spec) that the metadata builder applies.
 *
 * Field ids: an added field reuses the id (and, without an explicit name, the name) of a field
 * with the same source column and transform in any of the table's specs (format version 2 and
 * later), else takes last-partition-id + 1. Removing a field drops it in v2; in v1 it is kept
 * with the void transform so that field ids stay positional, as the spec recommends.
 *
 * Default names match the reference implementation's evolution API: identity `<col>`,
 * bucket[N] `<col>_bucket_N`, truncate[W] `<col>_trunc_W`, `<col>_year`, `<col>_month`,
 * `<col>_day`, `<col>_hour`, void `<col>_null`.
 *
 * Errors: FLOE_ENOTFOUND for a missing source column or partition field; FLOE_EINVALID for a
 * duplicate or redundant field, a name in use, a transform that cannot apply to its source,
 * or conflicting operations (rename and remove the same field, remove a field added here).
 * A failed operation leaves the update unchanged.
 */
#ifndef FLOE_ICEBERG_SPEC_UPDATE_H
#define FLOE_ICEBERG_SPEC_UPDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "../common.h"
#include "metadata.h"
#include "partition.h"
#include "schema_update.h"

FLOE_BEGIN_DECLS

/** A pending partition spec update (opaque, single-threaded). */
typedef struct floe_spec_update floe_spec_update;

/** Options of a partition spec update. */
typedef struct floe_spec_update_options {
    unsigned int version; /**< FLOE_SPEC_UPDATE_OPTIONS_VERSION */
    bool case_sensitive;  /**< compare source column names exactly (default true) */
} floe_spec_update_options;

/** Version of floe_spec_update_options. */
#define FLOE_SPEC_UPDATE_OPTIONS_VERSION 1
/** Initializer for floe_spec_update_options. */
#define FLOE_SPEC_UPDATE_OPTIONS_INIT                                                              \
    {                                                                                              \
        FLOE_SPEC_UPDATE_OPTIONS_VERSION, true                                                     \
    }

/**
 * Starts an update of the table's default spec, against the table's current schema.
 * @param metadata (transfer none) referenced by the update.
 * @param options NULL for FLOE_SPEC_UPDATE_OPTIONS_INIT.
 * @param out (transfer full) free with floe_spec_update_free().
 */
FLOE_API int floe_spec_update_new(floe_spec_update **out, floe_table_metadata *metadata,
                                  const floe_spec_update_options *options);

/** Frees an update; accepts NULL. */
FLOE_API void floe_spec_update_free(floe_spec_update *update);

/**
 * Adds a partition field.
 * @param source_name dotted name of the source column in the current schema.
 * @param transform "identity", "bucket[16]", "truncate[4]", "year", "month", "day", "hour".
 * @param name the partition field name, or NULL for the default name (see above).
 * @return 0; FLOE_EINVALID when the same source and transform is already a field, when a
 *         time transform would be redundant with another one on the same column (day and
 *         hour), or when the name is taken.
 */
FLOE_API int floe_spec_update_add_field(floe_spec_update *update, const char *source_name,
                                        const char *transform, const char *name);

/** floe_spec_update_add_field() with the identity transform and the column's name. */
FLOE_API int floe_spec_update_add_identity(floe_spec_update *update, const char *source_name);

/** Removes the field named `name` from the spec. */
FLOE_API int floe_spec_update_remove_field(floe_spec_update *update, const char *name);

/** Removes the field with this source column and transform. */
FLOE_API int floe_spec_update_remove_field_by_source(floe_spec_update *update,
                                                     const char *source_name,
                                                     const char *transform);

/** Removes the identity field of a source column. */
FLOE_API int floe_spec_update_remove_identity(floe_spec_update *update, const char *source_name);

/** Renames the field named `name` (a field of the base spec) to `new_name`. */
FLOE_API int floe_spec_update_rename_field(floe_spec_update *update, const char *name,
                                           const char *new_name);

/**
 * The new spec, with the next free spec id of the table (or the id of an existing spec with
 * the same fields).
 * @param out (transfer full) free with floe_partition_spec_free().
 */
FLOE_API int floe_spec_update_apply(floe_partition_spec **out, const floe_spec_update *update);

/**
 * The commit: requirement assert-default-spec-id (plus assert-last-assigned-partition-id
 * when a spec is added); updates add-spec + set-default-spec -1, or set-default-spec to an
 * existing spec with the same fields, or none when the result is the default spec.
 * @param out (transfer full) clear with floe_table_changes_clear().
 * @param new_spec (transfer full) optional: receives the new spec (NULL to skip).
 */
FLOE_API int floe_spec_update_commit(floe_table_changes *out, floe_partition_spec **new_spec,
                                     const floe_spec_update *update);

FLOE_END_DECLS

#endif
