#include <floe/arrow/validate.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <floe/arrow/type.h>
#include <floe/arrow/value.h>
#include <floe/error.h>

#include "arrow/path.h"
#include "base/utf8.h"

typedef struct vctx {
    floe_arrow__path path;
    unsigned int flags;
} vctx;

static int fail(const vctx *c, int code, const char *fmt, ...) FLOE_PRINTF(3, 4);

static int fail(const vctx *c, int code, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (c->path.len)
        return floe_error_set(code, "column '%s': %s", c->path.buf, what);
    return floe_error_set(code, "record batch: %s", what);
}

static int expected_children(floe_arrow_type_id id)
{
    switch (id) {
    case FLOE_ARROW_TYPE_STRUCT:
        return -1;
    case FLOE_ARROW_TYPE_LIST:
    case FLOE_ARROW_TYPE_LARGE_LIST:
    case FLOE_ARROW_TYPE_MAP:
        return 1;
    default:
        return 0;
    }
}

static size_t push_child(vctx *c, floe_arrow_type_id parent, const struct ArrowSchema *child)
{
    if (parent == FLOE_ARROW_TYPE_LIST || parent == FLOE_ARROW_TYPE_LARGE_LIST)
        return floe_arrow__path_push_marker(&c->path, "[]");
    if (parent == FLOE_ARROW_TYPE_MAP)
        return floe_arrow__path_push_marker(&c->path, "{}");
    return floe_arrow__path_push_name(&c->path, child && child->name ? child->name : "?");
}

static int check_schema(const struct ArrowSchema *s, vctx *c, int depth);

static int check_children_schema(const struct ArrowSchema *s, floe_arrow_type_id id, vctx *c,
                                 int depth)
{
    for (int64_t i = 0; i < s->n_children; i++) {
        const struct ArrowSchema *child = s->children[i];
        size_t old = push_child(c, id, child);
        int rc = child ? check_schema(child, c, depth + 1)
                       : fail(c, FLOE_EINVALID, "schema child %lld is NULL", (long long)i);
        floe_arrow__path_pop(&c->path, old);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int check_schema(const struct ArrowSchema *s, vctx *c, int depth)
{
    if (depth > FLOE_ARROW_VALIDATE_MAX_DEPTH)
        return fail(c, FLOE_EINVALID, "nested deeper than %d levels",
                    FLOE_ARROW_VALIDATE_MAX_DEPTH);
    if (!s->release)
        return fail(c, FLOE_EINVALID, "schema is released");
    if (!s->format)
        return fail(c, FLOE_EINVALID, "schema format is NULL");
    floe_arrow_type t;
    int rc = floe_arrow_type_parse(&t, s->format);
    if (rc < 0)
        return fail(c, rc, "%s", floe_error_last());
    if (s->dictionary) {
        if (!floe_arrow_type_is_integer(t.id))
            return fail(c, FLOE_EINVALID, "dictionary index type '%s' is not an integer",
                        s->format);
        if (s->n_children != 0)
            return fail(c, FLOE_EINVALID, "dictionary-encoded field has %lld children",
                        (long long)s->n_children);
        return check_schema(s->dictionary, c, depth + 1);
    }
    if (s->n_children < 0)
        return fail(c, FLOE_EINVALID, "negative n_children %lld", (long long)s->n_children);
    int want = expected_children(t.id);
    if (want >= 0 && s->n_children != want)
        return fail(c, FLOE_EINVALID, "%s schema must have %d children, has %lld",
                    floe_arrow_type_name(t.id), want, (long long)s->n_children);
    if (s->n_children > 0 && !s->children)
        return fail(c, FLOE_EINVALID, "schema children array is NULL with n_children %lld",
                    (long long)s->n_children);
    if (t.id == FLOE_ARROW_TYPE_MAP) {
        const struct ArrowSchema *e = s->children[0];
        if (!e || !e->release || !e->format || strcmp(e->format, "+s") != 0 || e->n_children != 2 ||
            !e->children || !e->children[0] || !e->children[1])
            return fail(c, FLOE_EINVALID,
                        "map child must be a struct of exactly two fields (key, value)");
        if (e->children[0]->flags & ARROW_FLAG_NULLABLE) {
            size_t old = floe_arrow__path_push_marker(&c->path, "{}");
            floe_arrow__path_push_name(&c->path, e->children[0]->name);
            rc = fail(c, FLOE_EINVALID, "map keys must not be nullable");
            floe_arrow__path_pop(&c->path, old);
            return rc;
        }
    }
    return check_children_schema(s, t.id, c, depth);
}

static int64_t load_offset(const void *offsets, int large, int64_t i)
{
    if (large)
        return ((const int64_t *)offsets)[i];
    return ((const int32_t *)offsets)[i];
}

/* Checks offsets [offset, offset + length] and reports the first and last through *first and
 * *last. An empty array may have no offsets buffer. */
static int check_offsets(const struct ArrowArray *a, int large, vctx *c, int64_t *first,
                         int64_t *last)
{
    *first = *last = 0;
    const void *off = a->buffers[1];
    if (!off) {
        if (a->length == 0)
            return 0;
        return fail(c, FLOE_EINVALID, "offsets buffer is NULL with length %lld",
                    (long long)a->length);
    }
    int64_t prev = load_offset(off, large, a->offset);
    if (prev < 0)
        return fail(c, FLOE_EINVALID, "first offset %lld is negative", (long long)prev);
    *first = prev;
    /* one branch-free pass per offset width (it vectorizes: this runs over every string
     * column of every batch written); the failing index is looked for only when there is one */
    int decreasing = 0;
    if (large) {
        const int64_t *o = (const int64_t *)off + a->offset;
        for (int64_t i = 1; i <= a->length; i++)
            decreasing |= o[i] < o[i - 1];
    } else {
        const int32_t *o = (const int32_t *)off + a->offset;
        for (int64_t i = 1; i <= a->length; i++)
            decreasing |= o[i] < o[i - 1];
    }
    for (int64_t i = 1; decreasing && i <= a->length; i++) {
        int64_t cur = load_offset(off, large, a->offset + i);
        if (cur < prev)
            return fail(c, FLOE_EINVALID, "offsets decrease at index %lld (%lld after %lld)",
                        (long long)i, (long long)cur, (long long)prev);
        prev = cur;
    }
    prev = load_offset(off, large, a->offset + a->length);
    if ((uint64_t)prev > (uint64_t)PTRDIFF_MAX)
        return fail(c, FLOE_EINVALID,
                    "last offset %lld does not fit this platform's address "
                    "space",
                    (long long)prev);
    *last = prev;
    return 0;
}

static int check_array(const struct ArrowSchema *s, const struct ArrowArray *a, vctx *c, int depth);

static int check_dictionary_indices(const struct ArrowArray *a, floe_arrow_type_id index_id,
                                    int64_t dict_len, vctx *c)
{
    for (int64_t i = 0; i < a->length; i++) {
        if (!floe_arrow_is_valid(a, i))
            continue;
        int64_t v = floe_arrow_get_int_as_int64(a, index_id, i);
        if ((index_id == FLOE_ARROW_TYPE_UINT64 && floe_arrow_get_uint64(a, i) > INT64_MAX) ||
            v < 0 || v >= dict_len)
            return fail(c, FLOE_EINVALID,
                        "dictionary index %lld at index %lld is outside the dictionary of %lld "
                        "values",
                        (long long)v, (long long)i, (long long)dict_len);
    }
    return 0;
}

static int check_children_arrays(const struct ArrowSchema *s, const struct ArrowArray *a,
                                 floe_arrow_type_id id, vctx *c, int depth)
{
    for (int64_t i = 0; i < a->n_children; i++) {
        size_t old = push_child(c, id, s->children[i]);
        int rc = check_array(s->children[i], a->children[i], c, depth + 1);
        floe_arrow__path_pop(&c->path, old);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int check_array(const struct ArrowSchema *s, const struct ArrowArray *a, vctx *c, int depth)
{
    if (depth > FLOE_ARROW_VALIDATE_MAX_DEPTH)
        return fail(c, FLOE_EINVALID, "nested deeper than %d levels",
                    FLOE_ARROW_VALIDATE_MAX_DEPTH);
    if (!a)
        return fail(c, FLOE_EINVALID, "array is NULL");
    if (!a->release)
        return fail(c, FLOE_EINVALID, "array is released");
    floe_arrow_type t;
    int rc = floe_arrow_type_parse(&t, s->format);
    if (rc < 0)
        return fail(c, rc, "%s", floe_error_last());
    if (a->length < 0)
        return fail(c, FLOE_EINVALID, "negative length %lld", (long long)a->length);
    if (a->offset < 0)
        return fail(c, FLOE_EINVALID, "negative offset %lld", (long long)a->offset);
    if (a->offset > INT64_MAX - a->length)
        return fail(c, FLOE_EINVALID, "offset %lld + length %lld overflows", (long long)a->offset,
                    (long long)a->length);
    if (a->null_count < -1 || a->null_count > a->length)
        return fail(c, FLOE_EINVALID, "null_count %lld is outside -1..length (%lld)",
                    (long long)a->null_count, (long long)a->length);
    int want_buffers = floe_arrow_type_n_buffers(t.id);
    if (a->n_buffers != want_buffers)
        return fail(c, FLOE_EINVALID, "%s array must have %d buffers, has %lld",
                    floe_arrow_type_name(t.id), want_buffers, (long long)a->n_buffers);
    if (want_buffers > 0 && !a->buffers)
        return fail(c, FLOE_EINVALID, "buffers array is NULL");
    if (a->n_children != s->n_children)
        return fail(c, FLOE_EINVALID, "array has %lld children but its schema has %lld",
                    (long long)a->n_children, (long long)s->n_children);
    if (a->n_children > 0 && !a->children)
        return fail(c, FLOE_EINVALID, "children array is NULL with n_children %lld",
                    (long long)a->n_children);
    for (int64_t i = 0; i < a->n_children; i++) {
        if (!a->children[i])
            return fail(c, FLOE_EINVALID, "child %lld is NULL", (long long)i);
    }
    if (!s->dictionary != !a->dictionary)
        return fail(c, FLOE_EINVALID,
                    s->dictionary ? "schema is dictionary-encoded but the "
                                    "array has no dictionary"
                                  : "array has a dictionary but its schema "
                                    "is not dictionary-encoded");
    int64_t end = a->offset + a->length;
    if (want_buffers > 0) {
        const uint8_t *validity = a->buffers[0];
        if (!validity && a->null_count > 0)
            return fail(c, FLOE_EINVALID, "validity buffer is NULL but null_count is %lld",
                        (long long)a->null_count);
        if (validity && a->null_count >= 0) {
            int64_t nulls = a->length - floe_arrow_bitmap_count_set(validity, a->offset, a->length);
            if (nulls != a->null_count)
                return fail(c, FLOE_EINVALID,
                            "null_count is %lld but the validity bitmap has %lld nulls",
                            (long long)a->null_count, (long long)nulls);
        }
    }
    if ((c->flags & FLOE_ARROW_VALIDATE_NULLABILITY) && !(s->flags & ARROW_FLAG_NULLABLE)) {
        int64_t nulls = t.id == FLOE_ARROW_TYPE_NA ? a->length : floe_arrow_array_null_count(a);
        if (nulls > 0)
            return fail(c, FLOE_EINVALID, "field is not nullable but holds %lld nulls",
                        (long long)nulls);
    }
    int bits = floe_arrow_type_bit_width(&t);
    int64_t width = t.id == FLOE_ARROW_TYPE_FIXED_SIZE_BINARY ? t.byte_width : bits / 8;
    if (bits > 0 || width > 0) {
        if (width > 0 && end > INT64_MAX / width)
            return fail(c, FLOE_EINVALID, "offset + length overflows the values buffer size");
        if (!a->buffers[1] && a->length > 0)
            return fail(c, FLOE_EINVALID, "values buffer is NULL with length %lld",
                        (long long)a->length);
    }
    if (s->dictionary) {
        /* Dictionary values carry no nullability of their own: nulls live in the indices. */
        unsigned int flags = c->flags;
        c->flags &= ~FLOE_ARROW_VALIDATE_NULLABILITY;
        size_t old = floe_arrow__path_push_marker(&c->path, "<dictionary>");
        rc = check_array(s->dictionary, a->dictionary, c, depth + 1);
        floe_arrow__path_pop(&c->path, old);
        c->flags = flags;
        if (rc < 0)
            return rc;
        return check_dictionary_indices(a, t.id, a->dictionary->length, c);
    }
    int64_t first, last;
    switch (t.id) {
    case FLOE_ARROW_TYPE_UTF8:
    case FLOE_ARROW_TYPE_BINARY:
    case FLOE_ARROW_TYPE_LARGE_UTF8:
    case FLOE_ARROW_TYPE_LARGE_BINARY: {
        int large = t.id == FLOE_ARROW_TYPE_LARGE_UTF8 || t.id == FLOE_ARROW_TYPE_LARGE_BINARY;
        rc = check_offsets(a, large, c, &first, &last);
        if (rc < 0)
            return rc;
        if (!a->buffers[2] && last > first)
            return fail(c, FLOE_EINVALID, "data buffer is NULL but values hold %lld bytes",
                        (long long)(last - first));
        /* No object is larger than PTRDIFF_MAX bytes, so data + last offset must stay below
         * that address; anything beyond is a corrupt offset, whatever the buffer's real size. */
        if (a->buffers[2] &&
            (uint64_t)last > (uint64_t)PTRDIFF_MAX - (uint64_t)(uintptr_t)a->buffers[2])
            return fail(c, FLOE_EINVALID,
                        "last offset %lld does not fit this platform's address space",
                        (long long)last);
        if ((c->flags & FLOE_ARROW_VALIDATE_UTF8) &&
            (t.id == FLOE_ARROW_TYPE_UTF8 || t.id == FLOE_ARROW_TYPE_LARGE_UTF8)) {
            for (int64_t i = 0; i < a->length; i++) {
                if (!floe_arrow_is_valid(a, i))
                    continue;
                floe_arrow_bytes v = floe_arrow_get_var_bytes(a, t.id, i);
                if (v.len > 0 && !floe_utf8_valid(v.data, (size_t)v.len))
                    return fail(c, FLOE_EINVALID, "value at index %lld is not valid UTF-8",
                                (long long)i);
            }
        }
        return 0;
    }
    case FLOE_ARROW_TYPE_LIST:
    case FLOE_ARROW_TYPE_LARGE_LIST:
    case FLOE_ARROW_TYPE_MAP: {
        rc = check_offsets(a, t.id == FLOE_ARROW_TYPE_LARGE_LIST, c, &first, &last);
        if (rc < 0)
            return rc;
        const struct ArrowArray *child = a->children[0];
        if (child->release && last > child->length)
            return fail(c, FLOE_EINVALID, "last offset %lld is beyond the child's length %lld",
                        (long long)last, (long long)child->length);
        rc = check_children_arrays(s, a, t.id, c, depth);
        if (rc < 0 || t.id != FLOE_ARROW_TYPE_MAP)
            return rc;
        const struct ArrowArray *keys = child->children[0];
        if (floe_arrow_array_null_count(keys) > 0) {
            size_t old = floe_arrow__path_push_marker(&c->path, "{}");
            floe_arrow__path_push_name(&c->path, s->children[0]->children[0]->name);
            rc = fail(c, FLOE_EINVALID, "map keys contain nulls");
            floe_arrow__path_pop(&c->path, old);
        }
        return rc;
    }
    case FLOE_ARROW_TYPE_STRUCT:
        /* Only the rows the struct shows are reachable: each child is checked through a view
         * of rows [offset, offset + length) — a slice of a large batch costs its own size, not
         * the batch's (writers slice batches into many small pieces). */
        for (int64_t i = 0; i < a->n_children; i++) {
            const struct ArrowArray *child = a->children[i];
            size_t old = push_child(c, t.id, s->children[i]);
            /* a struct showing all of its child: the child is checked as it is */
            if (a->offset == 0 && a->length == child->length) {
                rc = check_array(s->children[i], child, c, depth + 1);
                floe_arrow__path_pop(&c->path, old);
                if (rc < 0)
                    return rc;
                continue;
            }
            if (child->length < 0 || child->offset < 0)
                rc = fail(c, FLOE_EINVALID, "negative %s %lld",
                          child->length < 0 ? "length" : "offset",
                          (long long)(child->length < 0 ? child->length : child->offset));
            else if (child->offset > INT64_MAX - child->length)
                rc = fail(c, FLOE_EINVALID, "offset %lld + length %lld overflows",
                          (long long)child->offset, (long long)child->length);
            else if (child->length < end)
                rc = fail(c, FLOE_EINVALID,
                          "child length %lld is shorter than its parent's offset + length %lld",
                          (long long)child->length, (long long)end);
            else if (child->null_count < -1 || child->null_count > child->length)
                rc = fail(c, FLOE_EINVALID, "null_count %lld is outside -1..length (%lld)",
                          (long long)child->null_count, (long long)child->length);
            if (rc < 0) {
                floe_arrow__path_pop(&c->path, old);
                return rc;
            }
            struct ArrowArray view = *child;
            view.offset = child->offset + a->offset;
            view.length = a->length;
            /* the child's null count is of all its rows; the window's is recounted */
            view.null_count = child->null_count == 0 ? 0 : -1;
            rc = check_array(s->children[i], &view, c, depth + 1);
            floe_arrow__path_pop(&c->path, old);
            if (rc < 0)
                return rc;
        }
        return 0;
    default:
        return 0;
    }
}

int floe_arrow_validate_schema(const struct ArrowSchema *schema)
{
    vctx c;
    floe_arrow__path_init(&c.path);
    c.flags = 0;
    if (!schema)
        return floe_error_set(FLOE_EINVALID, "Arrow schema is NULL");
    if (!schema->format || strcmp(schema->format, "+s") != 0)
        floe_arrow__path_push_name(&c.path,
                                   schema->name && *schema->name ? schema->name : "<root>");
    return check_schema(schema, &c, 0);
}

int floe_arrow_validate(const struct ArrowSchema *schema, const struct ArrowArray *array,
                        unsigned int flags)
{
    int rc = floe_arrow_validate_schema(schema);
    if (rc < 0)
        return rc;
    vctx c;
    floe_arrow__path_init(&c.path);
    c.flags = flags;
    if (strcmp(schema->format, "+s") != 0)
        floe_arrow__path_push_name(&c.path,
                                   schema->name && *schema->name ? schema->name : "<root>");
    return check_array(schema, array, &c, 0);
}
