/**
 * @file floe/avro.h
 * Avro schemas, generic values and object container files (Avro specification 1.12).
 *
 * - Schemas (floe_avro_schema) are parsed from JSON or built with the builder functions; every
 *   extra attribute (`field-id`, `element-id`, `key-id`, `value-id`, `logicalType`, ...) is kept
 *   and written back. Schemas are reference counted and immutable once handed to a value,
 *   writer or reader.
 * - Values (floe_avro_value) are a tree shaped by one schema; storage (strings, array items,
 *   union branches) is kept across records so a reader or writer loop does not allocate once it
 *   has warmed up. Record fields are addressed by index; look the index up once with
 *   floe_avro_schema_field_index().
 * - Files: floe_avro_writer writes an object container file (codecs null, deflate, snappy,
 *   zstandard) to a floe_output_file or to memory; floe_avro_reader reads one block at a time
 *   from a floe_input_file or from memory, optionally resolving the writer's schema against a
 *   reader schema (fields matched by `field-id` when both sides have ids, else by name/aliases).
 *
 * Errors: functions return 0 or a negative FLOE_E* code with floe_error_last() set. Corrupt input
 * gives FLOE_ECORRUPT with the byte offset in the message; bad schema JSON gives FLOE_EINVALID
 * with the JSON path; unresolvable schemas give FLOE_ESCHEMA with the field path.
 */
#ifndef FLOE_AVRO_H
#define FLOE_AVRO_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "io.h"

FLOE_BEGIN_DECLS

/* ------------------------------------------------------------------------------------------ */
/* Schemas                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/** Avro schema types. */
typedef enum floe_avro_type {
    FLOE_AVRO_NULL = 0, /**< null */
    FLOE_AVRO_BOOLEAN,  /**< boolean */
    FLOE_AVRO_INT,      /**< 32-bit signed int */
    FLOE_AVRO_LONG,     /**< 64-bit signed int */
    FLOE_AVRO_FLOAT,    /**< IEEE 754 single */
    FLOE_AVRO_DOUBLE,   /**< IEEE 754 double */
    FLOE_AVRO_BYTES,    /**< byte sequence */
    FLOE_AVRO_STRING,   /**< UTF-8 string */
    FLOE_AVRO_RECORD,   /**< named record */
    FLOE_AVRO_ENUM,     /**< named enum */
    FLOE_AVRO_ARRAY,    /**< array */
    FLOE_AVRO_MAP,      /**< map with string keys */
    FLOE_AVRO_UNION,    /**< union */
    FLOE_AVRO_FIXED     /**< named fixed-size bytes */
} floe_avro_type;

/** An Avro schema (opaque, reference counted). */
typedef struct floe_avro_schema floe_avro_schema;

/** Name of a type ("record", "long", ...); never NULL. */
FLOE_API const char *floe_avro_type_name(floe_avro_type type);

/**
 * Parses a schema from JSON text (a JSON string naming a primitive, an object or an array for
 * a union). Named types may be referenced after their definition; namespaces follow the spec.
 * @param out (transfer full) free with floe_avro_schema_free().
 * @return FLOE_EINVALID with the JSON path of the offending element ("$.fields[2].type").
 */
FLOE_API int floe_avro_schema_parse(floe_avro_schema **out, const char *json, size_t len);

/**
 * Serializes a schema to JSON with every attribute kept (names in full, named types defined
 * once and referenced by full name afterwards). This is the form written as `avro.schema`.
 * @param out (transfer full) NUL-terminated; free with free().
 */
FLOE_API int floe_avro_schema_to_json(char **out, const floe_avro_schema *schema);

/**
 * The Parsing Canonical Form of the schema (spec §"Parsing Canonical Form for Schemas").
 * @param out (transfer full) NUL-terminated; free with free().
 */
FLOE_API int floe_avro_schema_canonical(char **out, const floe_avro_schema *schema);

/** CRC-64-AVRO (Rabin) fingerprint of the Parsing Canonical Form. */
FLOE_API int floe_avro_schema_fingerprint(uint64_t *out, const floe_avro_schema *schema);

/** Adds a reference; returns `schema`. */
FLOE_API floe_avro_schema *floe_avro_schema_ref(const floe_avro_schema *schema);

/** Drops a reference (NULL is fine). */
FLOE_API void floe_avro_schema_free(floe_avro_schema *schema);

/** Type of a schema. */
FLOE_API floe_avro_type floe_avro_schema_type(const floe_avro_schema *schema);

/** Full name of a record, enum or fixed ("ns.name"); NULL for other types. (transfer none) */
FLOE_API const char *floe_avro_schema_name(const floe_avro_schema *schema);

/** `logicalType` attribute, or NULL. (transfer none) */
FLOE_API const char *floe_avro_schema_logical_type(const floe_avro_schema *schema);

/** `precision` and `scale` of a decimal logical type (0 when absent). */
FLOE_API void floe_avro_schema_decimal(const floe_avro_schema *schema, int *precision, int *scale);

/**
 * An integer attribute of a schema (e.g. "element-id", "key-id", "value-id" on arrays/maps).
 * @return 0, FLOE_ENOTFOUND when absent, FLOE_EINVALID when not an integer.
 */
FLOE_API int floe_avro_schema_int_prop(int64_t *out, const floe_avro_schema *schema,
                                       const char *key);

/**
 * Any extra attribute of a schema as JSON text ("\"decimal\"", "{...}").
 * @param out (transfer full) free with free(); FLOE_ENOTFOUND when absent.
 */
FLOE_API int floe_avro_schema_prop_json(char **out, const floe_avro_schema *schema,
                                        const char *key);

/** Number of fields of a record (0 for other types). */
FLOE_API size_t floe_avro_schema_field_count(const floe_avro_schema *schema);

/** Name of field `i` of a record. (transfer none) */
FLOE_API const char *floe_avro_schema_field_name(const floe_avro_schema *schema, size_t i);

/** Type of field `i` of a record. (transfer none) */
FLOE_API const floe_avro_schema *floe_avro_schema_field_type(const floe_avro_schema *schema,
                                                             size_t i);

/** `field-id` of field `i`, or -1 when it has none. */
FLOE_API int64_t floe_avro_schema_field_id(const floe_avro_schema *schema, size_t i);

/**
 * An integer attribute of field `i` (like floe_avro_schema_int_prop()).
 * @return 0, FLOE_ENOTFOUND when absent, FLOE_EINVALID when not an integer.
 */
FLOE_API int floe_avro_schema_field_int_prop(int64_t *out, const floe_avro_schema *schema, size_t i,
                                             const char *key);

/**
 * Any attribute of field `i` other than name/type ("doc", "default", "aliases", custom) as JSON.
 * @param out (transfer full) free with free(); FLOE_ENOTFOUND when absent.
 */
FLOE_API int floe_avro_schema_field_prop_json(char **out, const floe_avro_schema *schema, size_t i,
                                              const char *key);

/** Index of the field named `name` (not aliases), or -1. */
FLOE_API long floe_avro_schema_field_index(const floe_avro_schema *schema, const char *name);

/** Index of the field whose `field-id` is `id`, or -1. */
FLOE_API long floe_avro_schema_field_index_by_id(const floe_avro_schema *schema, int64_t id);

/** Item schema of an array, value schema of a map; NULL otherwise. (transfer none) */
FLOE_API const floe_avro_schema *floe_avro_schema_items(const floe_avro_schema *schema);

/** Number of branches of a union (0 otherwise). */
FLOE_API size_t floe_avro_schema_branch_count(const floe_avro_schema *schema);

/** Branch `i` of a union. (transfer none) */
FLOE_API const floe_avro_schema *floe_avro_schema_branch(const floe_avro_schema *schema, size_t i);

/** Index of the null branch of a union, or -1. */
FLOE_API long floe_avro_schema_null_branch(const floe_avro_schema *schema);

/** Size in bytes of a fixed. */
FLOE_API size_t floe_avro_schema_fixed_size(const floe_avro_schema *schema);

/** Number of symbols of an enum. */
FLOE_API size_t floe_avro_schema_symbol_count(const floe_avro_schema *schema);

/** Symbol `i` of an enum. (transfer none) */
FLOE_API const char *floe_avro_schema_symbol(const floe_avro_schema *schema, size_t i);

/* ----- Builder ----- */
/*
 * Builder functions create new schemas; children passed in are referenced (the caller keeps
 * and must still free its own reference). A schema may be changed only until it is used by a
 * value, writer, reader or as a child of another schema.
 */

/** A primitive schema (null ... string). @param out (transfer full) */
FLOE_API int floe_avro_schema_new_primitive(floe_avro_schema **out, floe_avro_type type);

/**
 * An empty record; add fields with floe_avro_schema_add_field().
 * @param name simple or full name ("r102" or "org.x.r102"); namespace may be NULL.
 */
FLOE_API int floe_avro_schema_new_record(floe_avro_schema **out, const char *name,
                                         const char *namespace_);

/**
 * Appends a field to a record.
 * @param type (transfer none) referenced by the record.
 * @param field_id written as `"field-id"` when >= 0.
 * @param default_json the field's `default` as JSON text ("null", "0"), or NULL for none.
 */
FLOE_API int floe_avro_schema_add_field(floe_avro_schema *record, const char *name,
                                        const floe_avro_schema *type, int64_t field_id,
                                        const char *default_json);

/** Sets an attribute of the last added field (e.g. "doc", "aliases"), from JSON text. */
FLOE_API int floe_avro_schema_set_field_prop(floe_avro_schema *record, const char *key,
                                             const char *json);

/** An array of `items`. @param items (transfer none) referenced. */
FLOE_API int floe_avro_schema_new_array(floe_avro_schema **out, const floe_avro_schema *items);

/** A map with string keys and `values`. @param values (transfer none) referenced. */
FLOE_API int floe_avro_schema_new_map(floe_avro_schema **out, const floe_avro_schema *values);

/**
 * A union of `n` branches (no nested unions, no duplicate unnamed types).
 * @param branches (transfer none) each referenced.
 */
FLOE_API int floe_avro_schema_new_union(floe_avro_schema **out,
                                        const floe_avro_schema *const *branches, size_t n);

/** `["null", type]`: the usual optional type. @param type (transfer none) referenced. */
FLOE_API int floe_avro_schema_new_optional(floe_avro_schema **out, const floe_avro_schema *type);

/** A fixed of `size` bytes. */
FLOE_API int floe_avro_schema_new_fixed(floe_avro_schema **out, const char *name,
                                        const char *namespace_, size_t size);

/** An enum with `n` symbols. */
FLOE_API int floe_avro_schema_new_enum(floe_avro_schema **out, const char *name,
                                       const char *namespace_, const char *const *symbols,
                                       size_t n);

/**
 * Sets an attribute of a schema from JSON text, e.g. ("logicalType", "\"date\""),
 * ("element-id", "12"), ("precision", "9"). Primitive schemas with attributes are written in
 * object form (`{"type":"int","logicalType":"date"}`).
 */
FLOE_API int floe_avro_schema_set_prop(floe_avro_schema *schema, const char *key, const char *json);

/* ------------------------------------------------------------------------------------------ */
/* Values                                                                                      */
/* ------------------------------------------------------------------------------------------ */

/**
 * A value shaped by a schema (opaque). Created for a schema with floe_avro_value_new(); child
 * values returned by accessors are borrowed (transfer none) and live until the parent is
 * freed; array/map items stay valid until the container is cleared, appended to or decoded
 * into again (appending may move the items).
 */
typedef struct floe_avro_value floe_avro_value;

/**
 * A new value for `schema` (records get their fields, initially null/zero). The value holds a
 * reference to the schema. (transfer full)
 */
FLOE_API int floe_avro_value_new(floe_avro_value **out, const floe_avro_schema *schema);

/** Frees a value (NULL is fine). */
FLOE_API void floe_avro_value_free(floe_avro_value *value);

/** The schema of the value. (transfer none) */
FLOE_API const floe_avro_schema *floe_avro_value_schema(const floe_avro_value *value);

/** The type of the value's schema. */
FLOE_API floe_avro_type floe_avro_value_type(const floe_avro_value *value);

/** Resets the value to its empty state (arrays/maps emptied, storage kept). */
FLOE_API void floe_avro_value_reset(floe_avro_value *value);

/** Deep copy of `src` into `dst`; both must have structurally equal schemas. */
FLOE_API int floe_avro_value_copy(floe_avro_value *dst, const floe_avro_value *src);

/** 1 if the two values are equal (same shape and contents), else 0. */
FLOE_API int floe_avro_value_equal(const floe_avro_value *a, const floe_avro_value *b);

/* Scalars. Getters on a value of another type return 0/NULL; setters return FLOE_EINVALID. */

/** Boolean content. */
FLOE_API int floe_avro_value_get_boolean(const floe_avro_value *value);
/** int content (also enum index). */
FLOE_API int32_t floe_avro_value_get_int(const floe_avro_value *value);
/** long content (int values are widened). */
FLOE_API int64_t floe_avro_value_get_long(const floe_avro_value *value);
/** float content. */
FLOE_API float floe_avro_value_get_float(const floe_avro_value *value);
/** double content (float values are widened). */
FLOE_API double floe_avro_value_get_double(const floe_avro_value *value);
/**
 * bytes, string or fixed content. Strings are NUL-terminated (the NUL is not counted).
 * @return (transfer none) valid until the value changes.
 */
FLOE_API const uint8_t *floe_avro_value_get_bytes(const floe_avro_value *value, size_t *len);
/** string content as a NUL-terminated string (NULL if not a string). (transfer none) */
FLOE_API const char *floe_avro_value_get_string(const floe_avro_value *value, size_t *len);
/** Enum symbol index. */
FLOE_API int floe_avro_value_get_enum(const floe_avro_value *value);
/** Enum symbol name. (transfer none) */
FLOE_API const char *floe_avro_value_get_enum_symbol(const floe_avro_value *value);

/** Sets a boolean. */
FLOE_API int floe_avro_value_set_boolean(floe_avro_value *value, int b);
/** Sets an int. */
FLOE_API int floe_avro_value_set_int(floe_avro_value *value, int32_t v);
/** Sets a long (or an int when the value fits; FLOE_ERANGE otherwise). */
FLOE_API int floe_avro_value_set_long(floe_avro_value *value, int64_t v);
/** Sets a float. */
FLOE_API int floe_avro_value_set_float(floe_avro_value *value, float v);
/** Sets a double (or float). */
FLOE_API int floe_avro_value_set_double(floe_avro_value *value, double v);
/** Sets bytes, string or fixed (fixed: len must equal the size). The data is copied. */
FLOE_API int floe_avro_value_set_bytes(floe_avro_value *value, const void *data, size_t len);
/** Sets a string (or bytes) from a NUL-terminated string. */
FLOE_API int floe_avro_value_set_string(floe_avro_value *value, const char *s);
/** Sets an enum by index. */
FLOE_API int floe_avro_value_set_enum(floe_avro_value *value, int index);
/** Sets an enum by symbol; FLOE_EINVALID when unknown. */
FLOE_API int floe_avro_value_set_enum_symbol(floe_avro_value *value, const char *symbol);

/* Records. */

/** Number of fields of a record value. */
FLOE_API size_t floe_avro_value_field_count(const floe_avro_value *value);
/** Field `i` of a record value, NULL when out of range. (transfer none) */
FLOE_API floe_avro_value *floe_avro_value_field(const floe_avro_value *value, size_t i);
/** Field named `name` (slower: a lookup). NULL when absent. (transfer none) */
FLOE_API floe_avro_value *floe_avro_value_field_by_name(const floe_avro_value *value,
                                                        const char *name);

/* Unions. */

/** Selected branch of a union value (0 initially). */
FLOE_API int floe_avro_value_union_branch(const floe_avro_value *value);
/** Value of the selected branch. (transfer none) */
FLOE_API floe_avro_value *floe_avro_value_union_value(const floe_avro_value *value);
/**
 * Selects branch `index` and returns its value (storage for each branch is kept).
 * @param out (transfer none) may be NULL.
 */
FLOE_API int floe_avro_value_union_select(floe_avro_value **out, floe_avro_value *value, int index);
/**
 * For a union with a null branch and one other: selects null (present = 0) or the other
 * branch (present = 1) and returns that branch's value in *out (may be NULL).
 */
FLOE_API int floe_avro_value_set_optional(floe_avro_value **out, floe_avro_value *value,
                                          int present);
/** For any value: 1 when it is null or a union with its null branch selected. */
FLOE_API int floe_avro_value_is_null(const floe_avro_value *value);
/** Follows unions down to the selected non-union value. (transfer none) */
FLOE_API floe_avro_value *floe_avro_value_resolve(const floe_avro_value *value);

/* Arrays and maps. */

/** Number of items of an array or entries of a map. */
FLOE_API size_t floe_avro_value_count(const floe_avro_value *value);
/** Item `i` of an array, or value of entry `i` of a map. (transfer none) */
FLOE_API floe_avro_value *floe_avro_value_item(const floe_avro_value *value, size_t i);
/** Key of map entry `i` (NUL-terminated). (transfer none) */
FLOE_API const char *floe_avro_value_map_key(const floe_avro_value *value, size_t i, size_t *len);
/** Empties an array or map (item storage is kept for reuse). */
FLOE_API void floe_avro_value_clear(floe_avro_value *value);
/** Appends an item to an array and returns it, reset to empty. @param out (transfer none) */
FLOE_API int floe_avro_value_append(floe_avro_value **out, floe_avro_value *array);
/**
 * Adds an entry to a map and returns its value, reset to empty. Keys are not deduplicated
 * (Avro maps written by floe keep insertion order). @param out (transfer none)
 */
FLOE_API int floe_avro_value_map_add(floe_avro_value **out, floe_avro_value *map, const char *key,
                                     size_t key_len);
/** Value of the first entry with `key`, or NULL. (transfer none) */
FLOE_API floe_avro_value *floe_avro_value_map_get(const floe_avro_value *map, const char *key);

/* JSON rendering. */

/** Flags for floe_avro_value_to_json(). */
typedef enum floe_avro_json_flags {
    /**
     * Plain JSON: unions as their branch value, bytes/fixed as lowercase hex strings, longs as
     * exact integers. (0)
     */
    FLOE_AVRO_JSON_PLAIN = 0,
    /**
     * The Avro JSON encoding (spec §"JSON Encoding"): non-null union values wrapped as
     * {"type": value}, bytes/fixed as strings of code points 0-255.
     */
    FLOE_AVRO_JSON_AVRO = 1
} floe_avro_json_flags;

/**
 * Renders a value as one line of JSON. Non-finite floats become "NaN", "Infinity", "-Infinity".
 * @param out (transfer full) NUL-terminated; free with free().
 */
FLOE_API int floe_avro_value_to_json(char **out, const floe_avro_value *value, unsigned flags);

/**
 * Sets a value from JSON text in the form used by schema defaults (spec §"Complex Types":
 * record as object, union as the value of its first branch that accepts it (null selects the
 * null branch), bytes as a string of code points 0-255).
 */
FLOE_API int floe_avro_value_from_default_json(floe_avro_value *value, const char *json);

/* ------------------------------------------------------------------------------------------ */
/* Object container files                                                                      */
/* ------------------------------------------------------------------------------------------ */

/** Block compression codecs. */
typedef enum floe_avro_codec {
    FLOE_AVRO_CODEC_NULL = 0,    /**< "null" */
    FLOE_AVRO_CODEC_DEFLATE = 1, /**< "deflate" (raw RFC 1951) */
    FLOE_AVRO_CODEC_SNAPPY = 2,  /**< "snappy" (+ CRC32 of the uncompressed block) */
    FLOE_AVRO_CODEC_ZSTD = 3     /**< "zstandard" */
} floe_avro_codec;

/** Name used in `avro.codec` ("null", "deflate", "snappy", "zstandard"). */
FLOE_API const char *floe_avro_codec_name(floe_avro_codec codec);

/** Parses a codec name; FLOE_EUNSUPPORTED for others. */
FLOE_API int floe_avro_codec_from_name(floe_avro_codec *out, const char *name);

/** A writer of one object container file (opaque). */
typedef struct floe_avro_writer floe_avro_writer;

/** Version of floe_avro_writer_options. */
#define FLOE_AVRO_WRITER_OPTIONS_VERSION 1

/** Writer options. */
typedef struct floe_avro_writer_options {
    unsigned int version;  /**< FLOE_AVRO_WRITER_OPTIONS_VERSION */
    floe_avro_codec codec; /**< block codec (default null) */
    /** Codec level: deflate 1-9, zstd 1-22; 0 = the codec's default. */
    int compression_level;
    /** A block is flushed once its encoded records exceed this many bytes (0 = 64 KiB). */
    size_t block_size;
    /** 16-byte sync marker to use, or NULL for a random one (set it for reproducible files). */
    const uint8_t *sync_marker;
} floe_avro_writer_options;

/** Default writer options. */
#define FLOE_AVRO_WRITER_OPTIONS_INIT                                                              \
    {                                                                                              \
        FLOE_AVRO_WRITER_OPTIONS_VERSION, FLOE_AVRO_CODEC_NULL, 0, 0, NULL                         \
    }

/**
 * Starts writing a container file to `file`. The header is written with the first record or at
 * finish, so metadata may be added until then.
 * @param file (transfer none) the caller commits or aborts it after floe_avro_writer_finish().
 * @param schema (transfer none) referenced by the writer.
 * @param options NULL for defaults.
 */
FLOE_API int floe_avro_writer_new(floe_avro_writer **out, floe_output_file *file,
                                  const floe_avro_schema *schema,
                                  const floe_avro_writer_options *options);

/** As floe_avro_writer_new() writing to memory; take the bytes with floe_avro_writer_bytes(). */
FLOE_API int floe_avro_writer_new_memory(floe_avro_writer **out, const floe_avro_schema *schema,
                                         const floe_avro_writer_options *options);

/**
 * Adds a header metadata entry (any key not starting with "avro."; e.g. "schema",
 * "partition-spec", "format-version"). Only before the first record. Replaces an equal key.
 */
FLOE_API int floe_avro_writer_set_meta(floe_avro_writer *w, const char *key, const void *value,
                                       size_t len);

/** As floe_avro_writer_set_meta() with a NUL-terminated string. */
FLOE_API int floe_avro_writer_set_meta_string(floe_avro_writer *w, const char *key,
                                              const char *value);

/** Appends one record; `value` must have the writer's schema (or a structurally equal one). */
FLOE_API int floe_avro_writer_append(floe_avro_writer *w, const floe_avro_value *value);

/** Ends the current block now (if it has records). */
FLOE_API int floe_avro_writer_flush(floe_avro_writer *w);

/** Records appended so far. */
FLOE_API uint64_t floe_avro_writer_record_count(const floe_avro_writer *w);

/** Bytes written to the output so far (the file length after finish). */
FLOE_API uint64_t floe_avro_writer_bytes_written(const floe_avro_writer *w);

/**
 * Writes the header if not yet written and the last block. The output file is not committed.
 * @param length optional: total file length in bytes.
 */
FLOE_API int floe_avro_writer_finish(floe_avro_writer *w, uint64_t *length);

/**
 * The file bytes of a memory writer after finish.
 * @return (transfer none) valid until the writer is freed.
 */
FLOE_API const uint8_t *floe_avro_writer_bytes(const floe_avro_writer *w, size_t *len);

/** Frees a writer (NULL is fine); does not commit or abort its output file. */
FLOE_API void floe_avro_writer_free(floe_avro_writer *w);

/** A reader of one object container file (opaque). */
typedef struct floe_avro_reader floe_avro_reader;

/** Version of floe_avro_reader_options. */
#define FLOE_AVRO_READER_OPTIONS_VERSION 1

/** Reader options. */
typedef struct floe_avro_reader_options {
    unsigned int version; /**< FLOE_AVRO_READER_OPTIONS_VERSION */
    /**
     * Expected schema, or NULL to read with the writer's schema. Values are then shaped by
     * this schema: fields matched by field-id (when both have ids) or name/aliases, missing
     * fields set to their default (or null), promotions applied. (transfer none; referenced)
     */
    const floe_avro_schema *reader_schema;
    /** Largest block (compressed or not) accepted, in bytes (0 = 64 MiB). */
    size_t max_block_bytes;
    /** Largest header (metadata) accepted, in bytes (0 = 16 MiB). */
    size_t max_header_bytes;
} floe_avro_reader_options;

/** Default reader options. */
#define FLOE_AVRO_READER_OPTIONS_INIT                                                              \
    {                                                                                              \
        FLOE_AVRO_READER_OPTIONS_VERSION, NULL, 0, 0                                               \
    }

/**
 * Opens a container file and reads its header. Blocks are read one at a time as records are
 * requested.
 * @param file (transfer none) must outlive the reader.
 * @return FLOE_ECORRUPT (bad magic, header), FLOE_EUNSUPPORTED (codec), FLOE_ESCHEMA (reader
 *         schema cannot read the writer's schema; the message names the field path).
 */
FLOE_API int floe_avro_reader_open(floe_avro_reader **out, floe_input_file *file,
                                   const floe_avro_reader_options *options);

/** As floe_avro_reader_open() over memory. @param data (transfer none) must outlive the reader. */
FLOE_API int floe_avro_reader_open_memory(floe_avro_reader **out, const void *data, size_t len,
                                          const floe_avro_reader_options *options);

/** Writer's schema from the header. (transfer none) */
FLOE_API const floe_avro_schema *floe_avro_reader_writer_schema(const floe_avro_reader *r);

/** Schema of the values produced (reader schema, or writer's). (transfer none) */
FLOE_API const floe_avro_schema *floe_avro_reader_schema(const floe_avro_reader *r);

/** Codec of the file. */
FLOE_API floe_avro_codec floe_avro_reader_codec(const floe_avro_reader *r);

/** Number of header metadata entries (including avro.*). */
FLOE_API size_t floe_avro_reader_meta_count(const floe_avro_reader *r);

/** Key of metadata entry `i`. (transfer none) */
FLOE_API const char *floe_avro_reader_meta_key(const floe_avro_reader *r, size_t i);

/** Value of metadata entry `i` (NUL-terminated, NUL not counted). (transfer none) */
FLOE_API const uint8_t *floe_avro_reader_meta_value(const floe_avro_reader *r, size_t i,
                                                    size_t *len);

/** Value of metadata `key` as a NUL-terminated string, or NULL. (transfer none) */
FLOE_API const char *floe_avro_reader_meta(const floe_avro_reader *r, const char *key);

/**
 * Reads the next record into `value` (made with floe_avro_value_new() for
 * floe_avro_reader_schema(); reuse it across calls).
 * @param has_record set to 1 when a record was read, 0 at the end of the file.
 */
FLOE_API int floe_avro_reader_next(int *has_record, floe_avro_reader *r, floe_avro_value *value);

/** Blocks read so far. */
FLOE_API uint64_t floe_avro_reader_block_count(const floe_avro_reader *r);

/** Records read so far. */
FLOE_API uint64_t floe_avro_reader_record_count(const floe_avro_reader *r);

/** Frees a reader (NULL is fine). */
FLOE_API void floe_avro_reader_free(floe_avro_reader *r);

FLOE_END_DECLS

#endif
