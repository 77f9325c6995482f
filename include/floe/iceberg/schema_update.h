/**
 * @file floe/iceberg/schema_update.h
 * Schema evolution (spec §Schema Evolution): an update that starts from a table's current
 * schema, collects column changes (add, rename, promote, make optional/required, delete,
 * reorder, doc, identifier fields, union by name), checks them against the evolution rules,
 * and produces the new schema plus the table requirements and updates (assert-current-schema-id,
 * add-schema, set-current-schema) that the metadata builder (floe/iceberg/builder.h) applies.
 *
 * Column names are dotted paths ("location.lat"); list elements and map values are reached
 * as in floe_schema_find_field_by_name(). Names are resolved against the schema the update
 * started from (so a column renamed in this update keeps its old name for later operations);
 * columns added by this update are found by their new path.
 *
 * Error codes: FLOE_ESCHEMA for a change the rules forbid (narrowing, a type change outside
 * promotion, required without default, ...), the message naming the column and the rule;
 * FLOE_ENOTFOUND for a missing column; FLOE_EINVALID for conflicting operations in one update
 * (rename then delete, adding a name that exists) and misuse. A failed operation leaves the
 * update as it was before the call.
 */
#ifndef FLOE_ICEBERG_SCHEMA_UPDATE_H
#define FLOE_ICEBERG_SCHEMA_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../arrow/abi.h"
#include "../common.h"
#include "metadata.h"
#include "schema.h"
#include "types.h"
#include "update.h"

FLOE_BEGIN_DECLS

/** Requirements and updates of one table change, ready for the metadata builder. */
typedef struct floe_table_changes {
    floe_table_requirement **requirements; /**< (owned) checked against the base metadata */
    size_t requirement_count;              /**< number of requirements */
    floe_table_update **updates;           /**< (owned) applied in order */
    size_t update_count;                   /**< number of updates (0: nothing changes) */
} floe_table_changes;

/** Frees the requirements and updates of `changes` and zeroes it; accepts NULL. */
FLOE_API void floe_table_changes_clear(floe_table_changes *changes);

/** A pending schema update (opaque, single-threaded). */
typedef struct floe_schema_update floe_schema_update;

/** Options of a schema update. */
typedef struct floe_schema_update_options {
    unsigned int version;            /**< FLOE_SCHEMA_UPDATE_OPTIONS_VERSION */
    bool allow_incompatible_changes; /**< allow required columns without default, optional
                                          to required */
    bool case_sensitive;             /**< compare column names exactly (default true) */
    int format_version;              /**< 0 = the table's (or 2 without a table); 3 enables
                                          the v3 promotions (unknown to any, date to timestamp) */
} floe_schema_update_options;

/** Version of floe_schema_update_options. */
#define FLOE_SCHEMA_UPDATE_OPTIONS_VERSION 1
/** Initializer for floe_schema_update_options: compatible changes only, case sensitive. */
#define FLOE_SCHEMA_UPDATE_OPTIONS_INIT                                                            \
    {                                                                                              \
        FLOE_SCHEMA_UPDATE_OPTIONS_VERSION, false, true, 0                                         \
    }

/**
 * Starts an update of a table's current schema.
 * @param out (transfer full) free with floe_schema_update_free().
 * @param metadata (transfer none) the table's metadata; the update keeps a reference.
 * @param options NULL for FLOE_SCHEMA_UPDATE_OPTIONS_INIT.
 */
FLOE_API int floe_schema_update_new(floe_schema_update **out, floe_table_metadata *metadata,
                                    const floe_schema_update_options *options);

/**
 * Starts an update of a schema without a table.
 * @param schema (transfer none) referenced by the update.
 * @param last_column_id highest column id ever assigned (new ids start after it); values
 *        below the schema's highest id are raised to it.
 */
FLOE_API int floe_schema_update_new_for_schema(floe_schema_update **out, floe_schema *schema,
                                               int32_t last_column_id,
                                               const floe_schema_update_options *options);

/** Frees an update; accepts NULL. */
FLOE_API void floe_schema_update_free(floe_schema_update *update);

/**
 * Adds an optional column.
 * @param parent dotted path of a struct (or of a list/map whose element/value is a struct),
 *        or NULL for a top-level column.
 * @param name the new column's name (no '.' at top level: use `parent`).
 * @param type (transfer none) its type; nested field ids are replaced by fresh ids.
 * @param doc may be NULL.
 */
FLOE_API int floe_schema_update_add_column(floe_schema_update *update, const char *parent,
                                           const char *name, floe_type *type, const char *doc);

/**
 * Adds a required column. Needs `initial_default_json` (the value existing rows read, an
 * Appendix D JSON value) unless allow_incompatible_changes.
 * @param write_default_json value writers use when the column is omitted, or NULL.
 */
FLOE_API int floe_schema_update_add_required_column(floe_schema_update *update, const char *parent,
                                                    const char *name, floe_type *type,
                                                    const char *doc,
                                                    const char *initial_default_json,
                                                    const char *write_default_json);

/** Renames a column (nested too); the id stays. Not for list elements or map keys/values. */
FLOE_API int floe_schema_update_rename_column(floe_schema_update *update, const char *name,
                                              const char *new_name);

/**
 * Changes a primitive column's type by promotion: int to long, float to double,
 * decimal(P,S) to decimal(P',S) with P' > P; in format version 3 also unknown to any type and
 * date to timestamp/timestamp_ns (not for a date that is the source of an identity, bucket
 * or truncate partition field). Other type changes are refused even with
 * allow_incompatible_changes, because existing data files could no longer be read.
 * @param type (transfer none) the new type.
 */
FLOE_API int floe_schema_update_update_column_type(floe_schema_update *update, const char *name,
                                                   floe_type *type);

/** Sets (or with NULL removes) a column's doc. */
FLOE_API int floe_schema_update_update_column_doc(floe_schema_update *update, const char *name,
                                                  const char *doc);

/** Makes a column optional (always compatible; not for map keys). */
FLOE_API int floe_schema_update_make_column_optional(floe_schema_update *update, const char *name);

/** Makes a column required: FLOE_ESCHEMA unless allow_incompatible_changes. */
FLOE_API int floe_schema_update_require_column(floe_schema_update *update, const char *name);

/**
 * Deletes a column (with its nested fields). Refused for list elements and map keys/values,
 * for columns added or otherwise changed in this update, and (FLOE_ESCHEMA) for a source
 * column of the table's default partition spec or sort order. Deleting an identifier field fails
 * when the update is applied unless the field is also removed from the identifier fields.
 */
FLOE_API int floe_schema_update_delete_column(floe_schema_update *update, const char *name);

/** Moves a column to the first position of its struct. */
FLOE_API int floe_schema_update_move_first(floe_schema_update *update, const char *name);

/** Moves a column just before `before_name`, which must be in the same struct. */
FLOE_API int floe_schema_update_move_before(floe_schema_update *update, const char *name,
                                            const char *before_name);

/** Moves a column just after `after_name`, which must be in the same struct. */
FLOE_API int floe_schema_update_move_after(floe_schema_update *update, const char *name,
                                           const char *after_name);

/**
 * Replaces the identifier fields (row identity for equality deletes). Checked on apply: each
 * must be a required primitive, not float/double, and not inside a list, a map or an optional
 * struct. `count` 0 removes them all.
 */
FLOE_API int floe_schema_update_set_identifier_fields(floe_schema_update *update,
                                                      const char *const *names, size_t count);

/**
 * Evolves the schema to accept `schema` (matched by name, nested too): missing columns are
 * added as optional, primitive types are promoted where `schema` is wider (narrower types
 * are kept), required columns that `schema` has optional become optional, docs are taken
 * from `schema`. Columns missing from `schema` are kept. A type that can neither be kept nor
 * promoted gives FLOE_ESCHEMA naming the column.
 * @param schema (transfer none) ids are ignored.
 */
FLOE_API int floe_schema_update_union_by_name(floe_schema_update *update,
                                              const floe_schema *schema);

/** floe_schema_update_union_by_name() with an Arrow "+s" schema (floe_schema_from_arrow()). */
FLOE_API int floe_schema_update_union_by_name_arrow(floe_schema_update *update,
                                                    const struct ArrowSchema *arrow);

/** Highest column id after the changes so far. */
FLOE_API int32_t floe_schema_update_last_column_id(const floe_schema_update *update);

/**
 * The new schema. Its id is one above the highest schema id of the table (or of the base
 * schema without a table).
 * @param out (transfer full) free with floe_schema_free().
 * @return 0; FLOE_ESCHEMA for an invalid identifier field (naming it and the rule).
 */
FLOE_API int floe_schema_update_apply(floe_schema **out, const floe_schema_update *update);

/**
 * The commit: requirements assert-current-schema-id (and assert-last-assigned-field-id when a
 * schema is added), updates add-schema (with last-column-id) + set-current-schema -1, or only
 * set-current-schema to an existing schema of the table with the same structure, or no
 * update at all when the result is the current schema.
 * @param out (transfer full) clear with floe_table_changes_clear().
 * @param new_schema (transfer full) optional: receives the new schema (NULL to skip).
 */
FLOE_API int floe_schema_update_commit(floe_table_changes *out, floe_schema **new_schema,
                                       const floe_schema_update *update);

FLOE_END_DECLS

#endif
