/**
 * @file floe/arrow/validate.h
 * Validating import of caller-supplied Arrow data: everything a reader relies on is checked
 * before anyone reads a value, so a malformed array is an error, never a crash.
 *
 * Checked: released structs, format strings, n_buffers/n_children per type, NULL children,
 * length/offset/null_count ranges and int64 overflow, NULL buffers (validity may be NULL only
 * with no nulls; other buffers only when their needed size is 0), null_count against the
 * bitmap, offsets (first >= 0, non-decreasing, last within the child length for lists; for
 * large offsets, within the address space), child lengths for struct (>= offset + length) and
 * lists, fixed widths, the map layout (one non-nullable struct child of exactly key and value,
 * keys non-nullable and without nulls), dictionary presence on both sides and index bounds,
 * and nesting depth. With FLOE_ARROW_VALIDATE_UTF8, string bytes are checked to be UTF-8.
 *
 * The C Data Interface carries no buffer sizes: a producer that lies about the size of a
 * data buffer (last offset beyond its real end) cannot be detected by any consumer.
 *
 * Messages name the field's path: top-level fields of a struct root as "column 'a'", nested
 * fields with dots, list elements with "[]", map entries as "{}" then ".key"/".value":
 * "column 'a.b[]': offsets decrease at index 7".
 */
#ifndef FLOE_ARROW_VALIDATE_H
#define FLOE_ARROW_VALIDATE_H

#include <floe/common.h>
#include <floe/arrow/abi.h>

FLOE_BEGIN_DECLS

/** Also check that UTF8 / LARGE_UTF8 values are valid UTF-8 (reads every byte). */
#define FLOE_ARROW_VALIDATE_UTF8 1u

/**
 * Also check that fields without ARROW_FLAG_NULLABLE hold no nulls (strict: a null is refused
 * even under a null parent slot, where Arrow itself would allow it).
 */
#define FLOE_ARROW_VALIDATE_NULLABILITY 2u

/** Deepest nesting accepted (struct/list/map levels, dictionaries included). */
#define FLOE_ARROW_VALIDATE_MAX_DEPTH 64

/**
 * Checks a schema tree on its own (formats, children, map layout, dictionaries, depth).
 * @return 0; FLOE_EINVALID (malformed, message names the path); FLOE_EUNSUPPORTED (a valid
 *         Arrow type floe does not handle)
 */
FLOE_API int floe_arrow_validate_schema(const struct ArrowSchema *schema);

/**
 * Checks an array against its schema (schema checks included). Reads offsets, validity
 * bitmaps and dictionary indices (O(length)), not fixed-width values.
 * @param flags FLOE_ARROW_VALIDATE_* bits, 0 for the default checks
 * @return 0; FLOE_EINVALID (malformed; the message names the path and what is wrong);
 *         FLOE_EUNSUPPORTED
 */
FLOE_API int floe_arrow_validate(const struct ArrowSchema *schema, const struct ArrowArray *array,
                                 unsigned int flags);

FLOE_END_DECLS

#endif
