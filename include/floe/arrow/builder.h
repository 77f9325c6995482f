/**
 * @file floe/arrow/builder.h
 * Array builders: append values and nulls, then finish into an owned `struct ArrowArray`
 * whose buffers are 64-byte aligned and whose release callback frees everything.
 *
 * A builder is made from a schema (copied), so nested types come with their child builders:
 * a STRUCT builder has one child builder per field, a LIST/LARGE_LIST one (the elements), a
 * MAP one (the entries struct, whose children are key and value).
 *
 * - struct: append to every child, then floe_arrow_builder_append_struct(); a null struct
 *   slot (append_null) appends an empty value (zero, "", empty list) to every child.
 * - list: append the elements to the child, then floe_arrow_builder_append_list() closes the
 *   entry with every child value appended since the previous entry.
 * - map: append keys to floe_arrow_builder_map_keys() and values to
 *   floe_arrow_builder_map_values() in pairs, then floe_arrow_builder_append_list(); the
 *   entries struct follows by itself.
 *
 * Builders grow their buffers geometrically; appends do no per-value allocation. The
 * validity bitmap is allocated at the first null only; null_count is always exact.
 * A failed append to a leaf (non-nested) builder leaves it as it was before the call; after a
 * failed nested append (out of memory), discard the builder.
 */
#ifndef FLOE_ARROW_BUILDER_H
#define FLOE_ARROW_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include <floe/common.h>
#include <floe/arrow/abi.h>
#include <floe/arrow/decimal.h>
#include <floe/arrow/type.h>

FLOE_BEGIN_DECLS

/** An array builder (opaque). */
typedef struct floe_arrow_builder floe_arrow_builder;

/**
 * Makes a builder for arrays of `schema`'s type, with child builders for nested types.
 * @param out (transfer full) free with floe_arrow_builder_free()
 * @param schema (transfer none) copied; dictionary-encoded fields are FLOE_EUNSUPPORTED
 * @return 0, FLOE_ENOMEM, FLOE_EINVALID (malformed schema, wrong child count, map layout),
 *         FLOE_EUNSUPPORTED
 */
FLOE_API int floe_arrow_builder_new(floe_arrow_builder **out, const struct ArrowSchema *schema);

/** Frees a builder and its children and any unfinished data; accepts NULL. */
FLOE_API void floe_arrow_builder_free(floe_arrow_builder *b);

/** The type of the builder's values. (transfer none) */
FLOE_API const floe_arrow_type *floe_arrow_builder_type(const floe_arrow_builder *b);

/** The builder's schema (its copy). (transfer none), lives as long as the builder. */
FLOE_API const struct ArrowSchema *floe_arrow_builder_schema(const floe_arrow_builder *b);

/** Number of slots appended since creation or the last finish. */
FLOE_API int64_t floe_arrow_builder_length(const floe_arrow_builder *b);

/** Number of null slots appended since creation or the last finish. */
FLOE_API int64_t floe_arrow_builder_null_count(const floe_arrow_builder *b);

/** Number of child builders (struct fields; 1 for list and map; 0 otherwise). */
FLOE_API int64_t floe_arrow_builder_n_children(const floe_arrow_builder *b);

/** Child builder `i` (transfer none), or NULL when out of range. */
FLOE_API floe_arrow_builder *floe_arrow_builder_child(floe_arrow_builder *b, int64_t i);

/** MAP builder's key builder (transfer none), or NULL when b is not a map. */
FLOE_API floe_arrow_builder *floe_arrow_builder_map_keys(floe_arrow_builder *b);

/** MAP builder's value builder (transfer none), or NULL when b is not a map. */
FLOE_API floe_arrow_builder *floe_arrow_builder_map_values(floe_arrow_builder *b);

/**
 * Reserves room for `n` more slots (and, for variable-width types, nothing for bytes) so the
 * next n appends do not reallocate the offsets/values buffers. @return 0 or FLOE_ENOMEM
 */
FLOE_API int floe_arrow_builder_reserve(floe_arrow_builder *b, int64_t n);

/**
 * Appends a null slot. Struct: also appends an empty value to every child. List/map: an
 * entry holding any child values appended since the last entry. NA type: fine, too.
 * @return 0, FLOE_ENOMEM
 */
FLOE_API int floe_arrow_builder_append_null(floe_arrow_builder *b);

/** Appends `n` null slots. @return 0, FLOE_ENOMEM, FLOE_EINVALID (n < 0) */
FLOE_API int floe_arrow_builder_append_nulls(floe_arrow_builder *b, int64_t n);

/**
 * Appends a valid "empty" value: 0 / false / zero bytes for fixed width, "" for strings, an
 * empty list or map, a struct of empty children. Useful for non-nullable filler.
 * @return 0, FLOE_ENOMEM, FLOE_EINVALID (NA type has no valid value)
 */
FLOE_API int floe_arrow_builder_append_empty(floe_arrow_builder *b);

/** Appends to a BOOL builder (v != 0 is true). @return 0, FLOE_ENOMEM, FLOE_EINVALID */
FLOE_API int floe_arrow_builder_append_bool(floe_arrow_builder *b, int v);

/**
 * Appends a signed integer to any integer builder (range-checked for narrower and unsigned
 * types) or an int-backed temporal: DATE32 (days), DATE64 (ms), TIME32/TIME64/TIMESTAMP in
 * the type's unit. A DECIMAL128 builder takes it as the unscaled value.
 * @return 0, FLOE_ENOMEM, FLOE_ERANGE (does not fit), FLOE_EINVALID (wrong builder type)
 */
FLOE_API int floe_arrow_builder_append_int(floe_arrow_builder *b, int64_t v);

/** Appends an unsigned integer to any integer builder (range-checked). As append_int. */
FLOE_API int floe_arrow_builder_append_uint(floe_arrow_builder *b, uint64_t v);

/** Appends to a FLOAT32 (rounded) or FLOAT64 builder. @return 0, FLOE_ENOMEM, FLOE_EINVALID */
FLOE_API int floe_arrow_builder_append_double(floe_arrow_builder *b, double v);

/**
 * Appends an unscaled decimal to a DECIMAL128 builder.
 * @return 0, FLOE_ENOMEM, FLOE_ERANGE (more digits than the precision), FLOE_EINVALID
 */
FLOE_API int floe_arrow_builder_append_decimal128(floe_arrow_builder *b, floe_decimal128 v);

/**
 * Appends bytes to a UTF8/LARGE_UTF8/BINARY/LARGE_BINARY builder, or a FIXED_SIZE_BINARY one
 * (then n must equal the width). UTF-8 is not checked here.
 * @return 0, FLOE_ENOMEM, FLOE_ERANGE (int32 offsets would overflow), FLOE_EINVALID
 */
FLOE_API int floe_arrow_builder_append_bytes(floe_arrow_builder *b, const void *data, size_t n);

/** floe_arrow_builder_append_bytes() of a NUL-terminated string. */
FLOE_API int floe_arrow_builder_append_str(floe_arrow_builder *b, const char *s);

/**
 * Appends `n` fixed-width values from a packed native array in one copy: int8..uint64,
 * float32/64, temporals (their storage width), decimal128 (16 bytes each), fixed-size binary
 * (width bytes each); for BOOL `values` is n bytes of 0/1. No range checks.
 * @param validity optional LSB-first bitmap of n bits (bit i clear = slot i null), or NULL
 * @return 0, FLOE_ENOMEM, FLOE_EINVALID (not a fixed-width builder, n < 0)
 */
FLOE_API int floe_arrow_builder_append_values(floe_arrow_builder *b, const void *values,
                                              const uint8_t *validity, int64_t n);

/**
 * Closes a valid STRUCT slot: every child must have exactly length+1 values.
 * @return 0, FLOE_ENOMEM, FLOE_EINVALID (children out of step — the message names the child)
 */
FLOE_API int floe_arrow_builder_append_struct(floe_arrow_builder *b);

/**
 * Closes a valid LIST/LARGE_LIST/MAP entry holding the child values appended since the
 * previous entry. For a map, key and value counts must match.
 * @return 0, FLOE_ENOMEM, FLOE_ERANGE (int32 offsets overflow), FLOE_EINVALID
 */
FLOE_API int floe_arrow_builder_append_list(floe_arrow_builder *b);

/**
 * Moves the appended data into an owned array (buffers 64-byte aligned; release frees all)
 * and resets the builder, children included, to length 0 for the next batch.
 * Fails with FLOE_EINVALID when a struct's children or a list's pending child values are out
 * of step (the message names the field).
 * @param out (transfer full) call out->release when done
 * @return 0, FLOE_ENOMEM, FLOE_EINVALID
 */
FLOE_API int floe_arrow_builder_finish(floe_arrow_builder *b, struct ArrowArray *out);

/**
 * Record-batch finish for a STRUCT builder used as a table: every column (child) must have
 * the same length N; slots not closed with append_struct are closed as valid, so the batch
 * has N rows and no nulls at the top. Then as floe_arrow_builder_finish().
 * @param array_out (transfer full) the struct array
 * @param schema_out (transfer full) optional (NULL to skip): a copy of the schema
 * @return 0, FLOE_ENOMEM, FLOE_EINVALID (not a struct, columns of different lengths)
 */
FLOE_API int floe_arrow_builder_finish_batch(floe_arrow_builder *b, struct ArrowArray *array_out,
                                             struct ArrowSchema *schema_out);

FLOE_END_DECLS

#endif
