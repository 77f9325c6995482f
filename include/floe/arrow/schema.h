/**
 * @file floe/arrow/schema.h
 * Owned `struct ArrowSchema` trees: build them node by node (format, name, flags, metadata,
 * children, dictionary), deep-copy and compare them, and read the spec's binary metadata
 * (int32 count, then for each pair int32 key length + key bytes, int32 value length + value
 * bytes; native endianness).
 *
 * A node initialised here owns its strings, children and dictionary; its release callback
 * releases every child and the dictionary whose release is still set (a consumer may have
 * moved a child out), frees the node's allocations and sets release to NULL. Only call
 * release on the root; children are released by it.
 *
 * Typical use:
 * @code
 *   struct ArrowSchema s;
 *   floe_arrow_schema_init(&s, "+s", "", 0);
 *   floe_arrow_schema_alloc_children(&s, 2);
 *   floe_arrow_schema_init(s.children[0], "l", "id", 0);
 *   floe_arrow_schema_metadata_set(s.children[0], FLOE_ARROW_FIELD_ID_KEY, "1");
 *   floe_arrow_schema_init(s.children[1], "u", "name", ARROW_FLAG_NULLABLE);
 *   ...
 *   s.release(&s);
 * @endcode
 */
#ifndef FLOE_ARROW_SCHEMA_H
#define FLOE_ARROW_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include <floe/common.h>
#include <floe/arrow/abi.h>
#include <floe/arrow/type.h>

FLOE_BEGIN_DECLS

/** Metadata key under which Parquet/Iceberg field ids travel on Arrow fields. */
#define FLOE_ARROW_FIELD_ID_KEY "PARQUET:field_id"

/**
 * Initialises `out` as an owned schema node with no children, no dictionary, no metadata.
 * On failure `out->release` is NULL and nothing is allocated.
 * @param out node to fill (its previous content is overwritten, not released)
 * @param format format string, copied (not checked here; see floe_arrow_type_parse)
 * @param name field name, copied; NULL is stored as ""
 * @param flags ARROW_FLAG_* bits
 * @return 0 or FLOE_ENOMEM
 */
FLOE_API int floe_arrow_schema_init(struct ArrowSchema *out, const char *format, const char *name,
                                    int64_t flags);

/**
 * As floe_arrow_schema_init() with the format made from `type` (floe_arrow_type_format).
 * @return 0, FLOE_ENOMEM, or FLOE_EINVALID for an inconsistent type
 */
FLOE_API int floe_arrow_schema_init_type(struct ArrowSchema *out, const floe_arrow_type *type,
                                         const char *name, int64_t flags);

/**
 * Gives an owned node `n` children. Each child is allocated, zeroed and released-state
 * (release == NULL): initialise each with floe_arrow_schema_init() before handing the tree
 * out. Fails with FLOE_EINVALID if the node already has children or was not made here.
 * @return 0, FLOE_ENOMEM, FLOE_EINVALID
 */
FLOE_API int floe_arrow_schema_alloc_children(struct ArrowSchema *schema, int64_t n);

/**
 * Gives an owned node a dictionary node (zeroed, release == NULL: initialise it). Its own
 * format must then be the integer index type.
 * @return 0, FLOE_ENOMEM, FLOE_EINVALID (already has one / not made here)
 */
FLOE_API int floe_arrow_schema_alloc_dictionary(struct ArrowSchema *schema);

/** Replaces the name of an owned node (copied; NULL stores ""). @return 0 or FLOE_ENOMEM */
FLOE_API int floe_arrow_schema_set_name(struct ArrowSchema *schema, const char *name);

/** Replaces the format of an owned node (copied). @return 0 or FLOE_ENOMEM */
FLOE_API int floe_arrow_schema_set_format(struct ArrowSchema *schema, const char *format);

/**
 * Replaces the whole metadata of an owned node with a copy of an encoded blob (NULL clears).
 * @return 0, FLOE_ENOMEM, FLOE_EINVALID when the blob is malformed (negative count/length)
 */
FLOE_API int floe_arrow_schema_set_metadata(struct ArrowSchema *schema, const char *metadata);

/**
 * Sets one metadata key on an owned node: replaces the value of an existing `key`, else
 * appends the pair (order of insertion is kept). `value` NULL removes the key.
 * @return 0, FLOE_ENOMEM, FLOE_EINVALID (existing metadata malformed, or over INT32_MAX)
 */
FLOE_API int floe_arrow_schema_metadata_set(struct ArrowSchema *schema, const char *key,
                                            const char *value);

/**
 * Deep-copies any schema (owned here or by a foreign producer) into an owned tree.
 * @param out the copy (transfer full: call out->release)
 * @param src a schema that has not been released
 * @return 0, FLOE_ENOMEM, FLOE_EINVALID (src released, a NULL child, malformed metadata)
 */
FLOE_API int floe_arrow_schema_copy(struct ArrowSchema *out, const struct ArrowSchema *src);

/**
 * Moves a schema: *dst takes src's content and src is marked released (release = NULL).
 * Works for any producer's schema (the spec allows moving the struct).
 */
FLOE_API void floe_arrow_schema_move(struct ArrowSchema *dst, struct ArrowSchema *src);

/** Calls schema->release when schema is non-NULL and not yet released. */
FLOE_API void floe_arrow_schema_release(struct ArrowSchema *schema);

/** floe_arrow_schema_compare(): do not compare field names. */
#define FLOE_ARROW_COMPARE_IGNORE_NAMES 1u
/** floe_arrow_schema_compare(): do not compare metadata. */
#define FLOE_ARROW_COMPARE_IGNORE_METADATA 2u
/** floe_arrow_schema_compare(): do not compare flags (nullability, sortedness). */
#define FLOE_ARROW_COMPARE_IGNORE_FLAGS 4u

/**
 * Compares two schema trees: format text, name, flags, metadata (as decoded pairs, in order),
 * children and dictionary, recursively, except what `ignore` (FLOE_ARROW_COMPARE_* bits) masks.
 * @return 0 when equal; FLOE_ESCHEMA when they differ, with a message naming the first
 *         difference and its path ("field 'a.b': format 'i' != 'l'"); FLOE_EINVALID when either
 *         is released or malformed.
 */
FLOE_API int floe_arrow_schema_compare(const struct ArrowSchema *a, const struct ArrowSchema *b,
                                       unsigned int ignore);

/** Non-zero when floe_arrow_schema_compare(a, b, 0) reports them equal. */
FLOE_API int floe_arrow_schema_equal(const struct ArrowSchema *a, const struct ArrowSchema *b);

/** Cursor over an encoded metadata blob; see floe_arrow_metadata_next(). */
typedef struct floe_arrow_metadata_iter {
    const char *pos;   /**< next pair */
    int32_t remaining; /**< pairs left */
} floe_arrow_metadata_iter;

/**
 * Starts iterating over an encoded metadata blob (NULL means no pairs).
 * @return 0, or FLOE_EINVALID when the count is negative
 */
FLOE_API int floe_arrow_metadata_iter_init(floe_arrow_metadata_iter *it, const char *metadata);

/**
 * Reads the next pair. Key and value are (transfer none) views into the blob, not
 * NUL-terminated.
 * @return 1 when a pair was read, 0 at the end, FLOE_EINVALID on a negative length
 */
FLOE_API int floe_arrow_metadata_next(floe_arrow_metadata_iter *it, const char **key,
                                      int32_t *key_len, const char **value, int32_t *value_len);

/**
 * Finds a key in an encoded metadata blob.
 * @param value (transfer none) view of the value, not NUL-terminated
 * @param value_len its length
 * @return 0 when found; FLOE_ENOTFOUND when absent; FLOE_EINVALID when malformed
 */
FLOE_API int floe_arrow_metadata_get(const char **value, int32_t *value_len, const char *metadata,
                                     const char *key);

/**
 * Reads the field id of a field (metadata key FLOE_ARROW_FIELD_ID_KEY, a decimal int32).
 * @return 0; FLOE_ENOTFOUND when the field has none; FLOE_EINVALID when the value is not a
 *         decimal integer in int32 range (message names the field and the value)
 */
FLOE_API int floe_arrow_schema_field_id(int32_t *out, const struct ArrowSchema *schema);

/**
 * Encodes key/value pairs into a newly allocated metadata blob (n_pairs == 0 gives NULL).
 * @param out (transfer full) blob, free with floe_arrow_metadata_free()
 * @param keys n_pairs NUL-terminated keys
 * @param values n_pairs NUL-terminated values
 * @return 0, FLOE_ENOMEM, FLOE_EINVALID (too large for int32 lengths)
 */
FLOE_API int floe_arrow_metadata_encode(char **out, const char *const *keys,
                                        const char *const *values, size_t n_pairs);

/** Byte size of an encoded metadata blob (0 for NULL); -1 when it is malformed. */
FLOE_API int64_t floe_arrow_metadata_size(const char *metadata);

/** Frees a blob from floe_arrow_metadata_encode(); accepts NULL. */
FLOE_API void floe_arrow_metadata_free(char *metadata);

FLOE_END_DECLS

#endif
