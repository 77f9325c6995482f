/**
 * @file floe/iceberg/schema.h
 * Iceberg schemas: a struct type with a schema-id and identifier-field-ids, indexed by field
 * id and by dotted name; JSON as in the spec's Appendix C; fresh id assignment.
 *
 * Schemas are immutable and reference counted (floe_schema_ref() / floe_schema_free()).
 */
#ifndef FLOE_ICEBERG_SCHEMA_H
#define FLOE_ICEBERG_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../arrow/abi.h"
#include "../common.h"
#include "types.h"

FLOE_BEGIN_DECLS

/** An Iceberg schema (opaque, immutable, reference counted). */
typedef struct floe_schema floe_schema;

/**
 * Creates a schema.
 * @param out (transfer full) free with floe_schema_free().
 * @param struct_type (transfer none) a struct type; the schema takes a reference.
 * @param identifier_field_ids may be NULL when `identifier_count` is 0.
 * @return 0; FLOE_EINVALID for a non-struct type, duplicate field ids, or an identifier
 *         field that is missing, optional, not primitive, float/double, or nested in a list,
 *         map or optional struct.
 */
FLOE_API int floe_schema_new(floe_schema **out, int32_t schema_id, floe_type *struct_type,
                             const int32_t *identifier_field_ids, size_t identifier_count);

/** Adds a reference and returns `schema`. */
FLOE_API floe_schema *floe_schema_ref(floe_schema *schema);

/** Drops a reference; frees at zero. Accepts NULL. */
FLOE_API void floe_schema_free(floe_schema *schema);

/** schema-id. */
FLOE_API int32_t floe_schema_id(const floe_schema *schema);

/** The schema's struct type. (transfer none) */
FLOE_API floe_type *floe_schema_struct(const floe_schema *schema);

/** Number of top-level columns. */
FLOE_API size_t floe_schema_column_count(const floe_schema *schema);

/** Top-level column `i`. (transfer none) */
FLOE_API const floe_field *floe_schema_column_at(const floe_schema *schema, size_t i);

/** identifier-field-ids; `*count` receives their number. (transfer none) */
FLOE_API const int32_t *floe_schema_identifier_field_ids(const floe_schema *schema, size_t *count);

/** Highest field id used anywhere in the schema (0 when empty). */
FLOE_API int32_t floe_schema_highest_field_id(const floe_schema *schema);

/** Field with this id at any depth, or NULL. (transfer none) */
FLOE_API const floe_field *floe_schema_find_field(const floe_schema *schema, int32_t id);

/**
 * Field by dotted name ("location.lat", "tags.element", "props.key", "props.value").
 * Elements of lists and values of maps may also be reached without "element"/"value"
 * ("points.x" for a list of structs), as in the reference implementation.
 * @param case_sensitive false compares names ignoring ASCII case.
 * @return (transfer none) the field, or NULL (also when a case-insensitive name is ambiguous).
 */
FLOE_API const floe_field *floe_schema_find_field_by_name(const floe_schema *schema,
                                                          const char *name, bool case_sensitive);

/** Full dotted name of the field with this id, or NULL. (transfer none) */
FLOE_API const char *floe_schema_find_column_name(const floe_schema *schema, int32_t id);

/** Id of the struct/list/map field containing field `id`, or -1 for a top-level field. */
FLOE_API int32_t floe_schema_parent_id(const floe_schema *schema, int32_t id);

/**
 * True when the schemas have the same columns and identifier-field-ids (the schema-id is
 * ignored); docs and defaults are not compared (see floe_schema_same()).
 */
FLOE_API bool floe_schema_same_structure(const floe_schema *a, const floe_schema *b);

/**
 * The same schema apart from its id: floe_schema_same_structure() and equal field docs and
 * initial/write defaults (how the metadata builder decides whether add-schema reuses an
 * existing schema).
 */
FLOE_API bool floe_schema_same(const floe_schema *a, const floe_schema *b);

/** A copy of `schema` with another schema-id. (transfer full) */
FLOE_API int floe_schema_with_id(floe_schema **out, const floe_schema *schema, int32_t schema_id);

/**
 * Copies `schema` with fresh field ids in the reference implementation's order
 * (TypeUtil.assignFreshIds): each struct's fields are numbered first, then the ids inside
 * them, depth-first; a list's element id and a map's key and value ids are numbered before
 * their types. Identifier-field-ids are remapped.
 * @param last_column_id in: highest id already used (0 for a new table); out: highest id
 *        assigned.
 */
FLOE_API int floe_schema_assign_fresh_ids(floe_schema **out, const floe_schema *schema,
                                          int32_t schema_id, int32_t *last_column_id);

/**
 * Checks that floe can write data with this schema: FLOE_EUNSUPPORTED naming the column for
 * timestamp_ns, timestamptz_ns, variant, unknown, geometry and geography (parsed, but not yet
 * writable); FLOE_EINVALID for non-null defaults on types that must default to null, and for
 * primitive defaults that are not valid Appendix D JSON values of the column's type.
 */
FLOE_API int floe_schema_check_writable(const floe_schema *schema);

/**
 * Parses schema JSON (Appendix C). Errors name the JSON path of the offending field
 * ("$.fields[2].type.element-id").
 * @param out (transfer full)
 */
FLOE_API int floe_schema_from_json(floe_schema **out, const char *json, size_t len);

/**
 * Serializes a schema to JSON (Appendix C), fields in schema order.
 * @param out (transfer full) NUL-terminated; free with floe_iceberg_free_string().
 * @param pretty indent with two spaces.
 */
FLOE_API int floe_schema_to_json(char **out, const floe_schema *schema, bool pretty);

/** Parses a type's JSON (a string such as "int", or a struct/list/map object). (transfer full) */
FLOE_API int floe_type_from_json(floe_type **out, const char *json, size_t len);

/**
 * Arrow schema of an Iceberg schema (spec Appendix A types through Arrow): a "+s" root with
 * one child per column; every field (list elements and map keys/values included) carries its
 * id as `PARQUET:field_id` metadata; optional fields are nullable. Types: boolean b, int i,
 * long l, float f, double g, decimal(P,S) d:P,S, date tdD, time ttu, timestamp tsu:,
 * timestamptz tsu:UTC, timestamp_ns tsn:, timestamptz_ns tsn:UTC, string u, uuid w:16,
 * fixed[L] w:L, binary z, struct +s, list +l (child "element"), map +m (child "entries" with
 * "key" and "value").
 * @param out (transfer full) call out->release when done.
 * @return 0; FLOE_EUNSUPPORTED (naming the column) for variant, unknown, geometry, geography.
 */
FLOE_API int floe_schema_to_arrow(struct ArrowSchema *out, const floe_schema *schema);

/**
 * Iceberg schema of an Arrow "+s" schema (e.g. from `--like FILE.parquet`). Field ids come
 * from `PARQUET:field_id` metadata when every field has one; otherwise fresh ids are assigned
 * in the reference order (see floe_schema_assign_fresh_ids()). Non-nullable fields are
 * required. Integers up to 32 bits map to int, int64 and uint32 to long, half/float to float,
 * timestamps with a zone to timestamptz (nanosecond units to the _ns types), utf8 to string,
 * binary to binary, fixed-size binary to fixed (uuid with the arrow.uuid extension),
 * dictionary-encoded columns to their value type.
 * @return 0; FLOE_EUNSUPPORTED naming the field and the Arrow format for unmappable types
 *         (uint64, decimal256, unions, views, intervals, null).
 */
FLOE_API int floe_schema_from_arrow(floe_schema **out, const struct ArrowSchema *arrow,
                                    int32_t schema_id);

/** Frees a string returned by the iceberg JSON and printing functions; accepts NULL. */
FLOE_API void floe_iceberg_free_string(char *s);

FLOE_END_DECLS

#endif
