/**
 * @file floe/iceberg/types.h
 * Iceberg data types (spec "Schemas and Data Types") and struct fields.
 *
 * Types are immutable and reference counted: a nested type holds references to its children,
 * so a type can be shared by several schemas. Fields belong to the struct, list or map type
 * that contains them and are borrowed for that type's lifetime.
 */
#ifndef FLOE_ICEBERG_TYPES_H
#define FLOE_ICEBERG_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common.h"

FLOE_BEGIN_DECLS

/** Kind of an Iceberg type. */
typedef enum floe_type_kind {
    FLOE_TYPE_BOOLEAN = 1,    /**< boolean */
    FLOE_TYPE_INT,            /**< 32-bit signed integer */
    FLOE_TYPE_LONG,           /**< 64-bit signed integer */
    FLOE_TYPE_FLOAT,          /**< 32-bit IEEE 754 */
    FLOE_TYPE_DOUBLE,         /**< 64-bit IEEE 754 */
    FLOE_TYPE_DECIMAL,        /**< decimal(P,S), P <= 38 */
    FLOE_TYPE_DATE,           /**< days since 1970-01-01 */
    FLOE_TYPE_TIME,           /**< microseconds since midnight */
    FLOE_TYPE_TIMESTAMP,      /**< microseconds since epoch, no zone */
    FLOE_TYPE_TIMESTAMPTZ,    /**< microseconds since epoch, UTC */
    FLOE_TYPE_STRING,         /**< UTF-8 string */
    FLOE_TYPE_UUID,           /**< 16-byte UUID */
    FLOE_TYPE_FIXED,          /**< fixed[L] bytes */
    FLOE_TYPE_BINARY,         /**< variable-length bytes */
    FLOE_TYPE_TIMESTAMP_NS,   /**< v3: nanoseconds since epoch, no zone */
    FLOE_TYPE_TIMESTAMPTZ_NS, /**< v3: nanoseconds since epoch, UTC */
    FLOE_TYPE_UNKNOWN,        /**< v3: always null */
    FLOE_TYPE_VARIANT,        /**< v3: semi-structured */
    FLOE_TYPE_GEOMETRY,       /**< v3: geometry(C) */
    FLOE_TYPE_GEOGRAPHY,      /**< v3: geography(C, A) */
    FLOE_TYPE_STRUCT,         /**< struct of fields */
    FLOE_TYPE_LIST,           /**< list with one element field */
    FLOE_TYPE_MAP             /**< map with key and value fields */
} floe_type_kind;

/** An Iceberg type (opaque, immutable, reference counted). */
typedef struct floe_type floe_type;

/** A field of a struct, or the element of a list, or the key/value of a map (opaque). */
typedef struct floe_field floe_field;

/**
 * A type without parameters (boolean, int, ..., binary, timestamp_ns, unknown, variant).
 * @param out (transfer full) the type; free with floe_type_free().
 * @return 0, or FLOE_EINVALID for a parameterized or nested kind.
 */
FLOE_API int floe_type_new_primitive(floe_type **out, floe_type_kind kind);

/** decimal(precision, scale): 1 <= precision <= 38, 0 <= scale <= precision. (transfer full) */
FLOE_API int floe_type_new_decimal(floe_type **out, int precision, int scale);

/** fixed[length], length >= 1. (transfer full) */
FLOE_API int floe_type_new_fixed(floe_type **out, int64_t length);

/**
 * Parses a primitive type string as in Appendix C ("int", "decimal(9, 2)", "fixed[16]",
 * "geometry(srid:4326)", "geography(OGC:CRS84, spherical)"), accepting whitespace around
 * parameters. (transfer full)
 */
FLOE_API int floe_type_parse(floe_type **out, const char *text);

/**
 * A new field, to be given to floe_type_new_struct().
 * @param type (transfer none) the field's type; the field takes its own reference.
 * @param doc may be NULL.
 * @param out (transfer full) free with floe_field_free() unless handed to a struct.
 */
FLOE_API int floe_field_new(floe_field **out, int32_t id, const char *name, bool required,
                            floe_type *type, const char *doc);

/**
 * Sets the field's initial-default and write-default, each a JSON text in the Appendix D
 * JSON single-value form (e.g. "34", "\"2024-01-01\""), or NULL for none.
 * Only valid before the field is handed to a struct.
 */
FLOE_API int floe_field_set_defaults(floe_field *field, const char *initial_default_json,
                                     const char *write_default_json);

/** Frees a field not handed to a struct; accepts NULL. */
FLOE_API void floe_field_free(floe_field *field);

/**
 * A struct type.
 * @param fields (transfer full) the fields, also on failure; the array itself is not kept.
 * @return 0, or FLOE_EINVALID for duplicate field names.
 */
FLOE_API int floe_type_new_struct(floe_type **out, floe_field **fields, size_t count);

/** A list type with element field id, requiredness and type (transfer none: referenced). */
FLOE_API int floe_type_new_list(floe_type **out, int32_t element_id, bool element_required,
                                floe_type *element);

/** A map type; keys are always required. Types are referenced (transfer none). */
FLOE_API int floe_type_new_map(floe_type **out, int32_t key_id, floe_type *key, int32_t value_id,
                               bool value_required, floe_type *value);

/** Adds a reference and returns `type`. */
FLOE_API floe_type *floe_type_ref(floe_type *type);

/** Drops a reference; frees at zero. Accepts NULL. */
FLOE_API void floe_type_free(floe_type *type);

/** Kind of a type. */
FLOE_API floe_type_kind floe_type_get_kind(const floe_type *type);

/** True for struct, list and map. */
FLOE_API bool floe_type_is_nested(const floe_type *type);

/** True for every type that is not struct/list/map/variant. */
FLOE_API bool floe_type_is_primitive(const floe_type *type);

/**
 * Canonical type string ("decimal(9,2)", "fixed[16]", "struct", "list", "map").
 * @return (transfer none) valid for the type's lifetime.
 */
FLOE_API const char *floe_type_string(const floe_type *type);

/** Name of a kind ("timestamptz", "struct"); never NULL. */
FLOE_API const char *floe_type_kind_name(floe_type_kind kind);

/** Precision of a decimal type (0 for other types). */
FLOE_API int floe_type_decimal_precision(const floe_type *type);

/** Scale of a decimal type (0 for other types). */
FLOE_API int floe_type_decimal_scale(const floe_type *type);

/** Length of a fixed type (0 for other types). */
FLOE_API int64_t floe_type_fixed_length(const floe_type *type);

/** CRS of a geometry/geography type, NULL when it is the default. (transfer none) */
FLOE_API const char *floe_type_geo_crs(const floe_type *type);

/** Edge algorithm of a geography type, NULL when it is the default. (transfer none) */
FLOE_API const char *floe_type_geo_algorithm(const floe_type *type);

/**
 * Number of child fields: struct fields, 1 for a list (element), 2 for a map (key, value),
 * 0 for other types.
 */
FLOE_API size_t floe_type_field_count(const floe_type *type);

/** Child field `i` (see floe_type_field_count()). (transfer none) */
FLOE_API const floe_field *floe_type_field_at(const floe_type *type, size_t i);

/** Field of a struct by name (exact), or NULL. (transfer none) */
FLOE_API const floe_field *floe_type_field_by_name(const floe_type *type, const char *name);

/** Field of a struct/list/map with this id among the direct children, or NULL. */
FLOE_API const floe_field *floe_type_field_by_id(const floe_type *type, int32_t id);

/** Structural equality: kinds, parameters, and for nested types field ids, names,
 *  requiredness and types (docs and defaults are ignored). */
FLOE_API bool floe_type_equal(const floe_type *a, const floe_type *b);

/** Id of a field. */
FLOE_API int32_t floe_field_id(const floe_field *field);

/** Name of a field ("element", "key", "value" for list/map children). (transfer none) */
FLOE_API const char *floe_field_name(const floe_field *field);

/** True when the field is required. */
FLOE_API bool floe_field_required(const floe_field *field);

/** Type of a field. (transfer none) */
FLOE_API floe_type *floe_field_type(const floe_field *field);

/** Doc of a field, or NULL. (transfer none) */
FLOE_API const char *floe_field_doc(const floe_field *field);

/** initial-default as JSON text (Appendix D), or NULL. (transfer none) */
FLOE_API const char *floe_field_initial_default(const floe_field *field);

/** write-default as JSON text (Appendix D), or NULL. (transfer none) */
FLOE_API const char *floe_field_write_default(const floe_field *field);

FLOE_END_DECLS

#endif
