#include <floe/arrow/builder.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <floe/arrow/schema.h>
#include <floe/arrow/value.h>
#include <floe/error.h>

#include "arrow/path.h"
#include "base/alloc.h"

#define ALIGNMENT    64
#define MAX_DEPTH    64
#define MIN_CAPACITY 64

/* A growable buffer whose bytes start on a 64-byte boundary inside a larger allocation
 * (`raw`), so it can be handed to an ArrowArray without a copy. */
typedef struct abuf {
    uint8_t *raw;
    size_t off; /* data = raw + off */
    size_t len;
    size_t cap; /* usable bytes from data */
} abuf;

struct floe_arrow_builder {
    struct ArrowSchema owned; /* the root's copy of the schema; children borrow from it */
    const struct ArrowSchema *schema;
    floe_arrow_type type;
    int elem_bytes;  /* bytes per value of fixed-width types (0 for bool and the rest) */
    int offset_size; /* 4 or 8 for offsets-based types, else 0 */
    int64_t length;
    int64_t null_count;
    int has_validity;
    abuf validity;
    abuf values; /* values, bool bits, or offsets */
    abuf data;   /* bytes of var-binary types */
    int64_t n_children;
    floe_arrow_builder **children;
};

static inline uint8_t *abuf_data(const abuf *b)
{
    return b->raw ? b->raw + b->off : NULL;
}

static int oom(void)
{
    return floe_error_set(FLOE_ENOMEM, "out of memory building an Arrow array");
}

static int abuf_reserve(abuf *b, size_t extra)
{
    if (extra <= b->cap - b->len)
        return 0;
    if (extra > SIZE_MAX / 4 - b->len)
        return oom();
    size_t need = b->len + extra;
    size_t cap = b->cap ? b->cap : MIN_CAPACITY;
    while (cap < need)
        cap *= 2;
    uint8_t *raw = floe_realloc(b->raw, cap + ALIGNMENT);
    if (!raw)
        return oom();
    size_t off = (ALIGNMENT - ((uintptr_t)raw & (ALIGNMENT - 1))) & (ALIGNMENT - 1);
    /* realloc kept the bytes at the old offset from the new start; move them onto the new
     * boundary if that differs. */
    if (off != b->off && b->len)
        memmove(raw + off, raw + b->off, b->len);
    b->raw = raw;
    b->off = off;
    b->cap = cap;
    return 0;
}

static void abuf_free(abuf *b)
{
    floe_free(b->raw);
    memset(b, 0, sizeof *b);
}

/* Makes the bitmap hold `bits` bits, zero-filling new bytes. */
static int bitmap_ensure(abuf *b, int64_t bits)
{
    size_t need = (size_t)((bits + 7) / 8);
    if (need <= b->len)
        return 0;
    int rc = abuf_reserve(b, need - b->len);
    if (rc < 0)
        return rc;
    memset(abuf_data(b) + b->len, 0, need - b->len);
    b->len = need;
    return 0;
}

static inline void bit_set(uint8_t *bits, int64_t i, int v)
{
    if (v)
        bits[i >> 3] |= (uint8_t)(1u << (i & 7));
    else
        bits[i >> 3] &= (uint8_t) ~(1u << (i & 7));
}

static void builder_free(floe_arrow_builder *b)
{
    if (!b)
        return;
    for (int64_t i = 0; i < b->n_children; i++)
        builder_free(b->children[i]);
    floe_free(b->children);
    abuf_free(&b->validity);
    abuf_free(&b->values);
    abuf_free(&b->data);
    if (b->owned.release)
        b->owned.release(&b->owned);
    floe_free(b);
}

void floe_arrow_builder_free(floe_arrow_builder *b)
{
    builder_free(b);
}

static int offsets_ready(floe_arrow_builder *b)
{
    if (b->values.len)
        return 0;
    int rc = abuf_reserve(&b->values, (size_t)b->offset_size);
    if (rc < 0)
        return rc;
    memset(abuf_data(&b->values), 0, (size_t)b->offset_size);
    b->values.len = (size_t)b->offset_size;
    return 0;
}

static int64_t last_offset(const floe_arrow_builder *b)
{
    if (b->values.len == 0)
        return 0;
    const uint8_t *p = abuf_data(&b->values) + b->values.len - (size_t)b->offset_size;
    if (b->offset_size == 4) {
        int32_t v;
        memcpy(&v, p, 4);
        return v;
    }
    int64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* Appends an offset; room must have been reserved. */
static void push_offset(floe_arrow_builder *b, int64_t v)
{
    uint8_t *p = abuf_data(&b->values) + b->values.len;
    if (b->offset_size == 4) {
        int32_t w = (int32_t)v;
        memcpy(p, &w, 4);
    } else {
        memcpy(p, &v, 8);
    }
    b->values.len += (size_t)b->offset_size;
}

static int builder_make(floe_arrow_builder **out, const struct ArrowSchema *s,
                        floe_arrow__path *path, int depth);

static int bad_schema(const floe_arrow__path *path, const char *why)
{
    return floe_error_set(FLOE_EINVALID, "cannot build field '%s': %s",
                          path->len ? path->buf : "<root>", why);
}

static int builder_make(floe_arrow_builder **out, const struct ArrowSchema *s,
                        floe_arrow__path *path, int depth)
{
    *out = NULL;
    if (depth > MAX_DEPTH)
        return bad_schema(path, "nested too deeply");
    if (!s || !s->release)
        return bad_schema(path, "schema is NULL or released");
    if (s->dictionary)
        return floe_error_set(FLOE_EUNSUPPORTED,
                              "cannot build field '%s': dictionary-encoded arrays are read-only "
                              "in floe",
                              path->len ? path->buf : "<root>");
    floe_arrow_type t;
    int rc = floe_arrow_type_parse(&t, s->format);
    if (rc < 0)
        return floe_error_wrap(rc, "cannot build field '%s'", path->len ? path->buf : "<root>");
    int64_t want = -1;
    if (t.id == FLOE_ARROW_TYPE_LIST || t.id == FLOE_ARROW_TYPE_LARGE_LIST ||
        t.id == FLOE_ARROW_TYPE_MAP)
        want = 1;
    else if (t.id != FLOE_ARROW_TYPE_STRUCT)
        want = 0;
    if (s->n_children < 0 || (want >= 0 && s->n_children != want))
        return bad_schema(path, "wrong number of children for its type");
    if (s->n_children > 0 && !s->children)
        return bad_schema(path, "children array is NULL");
    if (t.id == FLOE_ARROW_TYPE_MAP) {
        const struct ArrowSchema *e = s->children[0];
        if (!e || !e->format || strcmp(e->format, "+s") != 0 || e->n_children != 2)
            return bad_schema(path, "a map's child must be a struct of key and value");
    }
    floe_arrow_builder *b = floe_calloc(1, sizeof *b);
    if (!b)
        return oom();
    b->schema = s;
    b->type = t;
    int bits = floe_arrow_type_bit_width(&t);
    b->elem_bytes = bits >= 8 ? bits / 8 : 0;
    if (t.id == FLOE_ARROW_TYPE_UTF8 || t.id == FLOE_ARROW_TYPE_BINARY ||
        t.id == FLOE_ARROW_TYPE_LIST || t.id == FLOE_ARROW_TYPE_MAP)
        b->offset_size = 4;
    else if (t.id == FLOE_ARROW_TYPE_LARGE_UTF8 || t.id == FLOE_ARROW_TYPE_LARGE_BINARY ||
             t.id == FLOE_ARROW_TYPE_LARGE_LIST)
        b->offset_size = 8;
    if (s->n_children > 0) {
        b->children = floe_calloc((size_t)s->n_children, sizeof *b->children);
        if (!b->children) {
            builder_free(b);
            return oom();
        }
        b->n_children = s->n_children;
        for (int64_t i = 0; i < s->n_children; i++) {
            size_t old;
            if (t.id == FLOE_ARROW_TYPE_STRUCT)
                old = floe_arrow__path_push_name(
                    path, s->children[i] && s->children[i]->name ? s->children[i]->name : "?");
            else
                old = floe_arrow__path_push_marker(path, t.id == FLOE_ARROW_TYPE_MAP ? "{}" : "[]");
            rc = builder_make(&b->children[i], s->children[i], path, depth + 1);
            floe_arrow__path_pop(path, old);
            if (rc < 0) {
                builder_free(b);
                return rc;
            }
        }
    }
    *out = b;
    return 0;
}

int floe_arrow_builder_new(floe_arrow_builder **out, const struct ArrowSchema *schema)
{
    *out = NULL;
    struct ArrowSchema copy;
    int rc = floe_arrow_schema_copy(&copy, schema);
    if (rc < 0)
        return rc;
    floe_arrow__path path;
    floe_arrow__path_init(&path);
    floe_arrow_builder *b;
    rc = builder_make(&b, &copy, &path, 0);
    if (rc < 0) {
        copy.release(&copy);
        return rc;
    }
    floe_arrow_schema_move(&b->owned, &copy);
    /* Only the root struct moved; its strings and the child nodes stay where they were, so
     * the children's schema pointers and the parsed timezone remain valid. */
    b->schema = &b->owned;
    *out = b;
    return 0;
}

const floe_arrow_type *floe_arrow_builder_type(const floe_arrow_builder *b)
{
    return &b->type;
}

const struct ArrowSchema *floe_arrow_builder_schema(const floe_arrow_builder *b)
{
    return b->schema;
}

int64_t floe_arrow_builder_length(const floe_arrow_builder *b)
{
    return b->length;
}

int64_t floe_arrow_builder_null_count(const floe_arrow_builder *b)
{
    return b->null_count;
}

int64_t floe_arrow_builder_n_children(const floe_arrow_builder *b)
{
    return b->n_children;
}

floe_arrow_builder *floe_arrow_builder_child(floe_arrow_builder *b, int64_t i)
{
    if (i < 0 || i >= b->n_children)
        return NULL;
    return b->children[i];
}

floe_arrow_builder *floe_arrow_builder_map_keys(floe_arrow_builder *b)
{
    if (b->type.id != FLOE_ARROW_TYPE_MAP)
        return NULL;
    return b->children[0]->children[0];
}

floe_arrow_builder *floe_arrow_builder_map_values(floe_arrow_builder *b)
{
    if (b->type.id != FLOE_ARROW_TYPE_MAP)
        return NULL;
    return b->children[0]->children[1];
}

static int wrong_type(const floe_arrow_builder *b, const char *what)
{
    return floe_error_set(FLOE_EINVALID, "cannot append %s to a %s builder (field '%s')", what,
                          floe_arrow_type_name(b->type.id), b->schema->name);
}

/* Reserves room for `n` more slots in the validity (when present) and values buffers. */
static int reserve_slots(floe_arrow_builder *b, int64_t n, int need_validity)
{
    int rc = 0;
    size_t bitmap_bytes = (size_t)((b->length + n + 7) / 8);
    if ((b->has_validity || need_validity) && bitmap_bytes > b->validity.len)
        rc = abuf_reserve(&b->validity, bitmap_bytes - b->validity.len);
    if (rc < 0)
        return rc;
    if (b->type.id == FLOE_ARROW_TYPE_BOOL)
        rc = abuf_reserve(&b->values, (size_t)((b->length + n + 7) / 8) + 1);
    else if (b->elem_bytes)
        rc = abuf_reserve(&b->values, (size_t)n * (size_t)b->elem_bytes);
    else if (b->offset_size)
        rc = abuf_reserve(&b->values, (size_t)(n + 1) * (size_t)b->offset_size);
    return rc;
}

/* Records slot `length` as valid or null and advances the length; room is reserved. */
static int commit_slot(floe_arrow_builder *b, int valid)
{
    if (!valid && !b->has_validity && b->type.id != FLOE_ARROW_TYPE_NA) {
        int rc = bitmap_ensure(&b->validity, b->length + 1);
        if (rc < 0)
            return rc;
        uint8_t *bits = abuf_data(&b->validity);
        memset(bits, 0xff, (size_t)(b->length / 8));
        for (int64_t i = b->length & ~(int64_t)7; i < b->length; i++)
            bit_set(bits, i, 1);
        b->has_validity = 1;
    }
    if (b->has_validity) {
        int rc = bitmap_ensure(&b->validity, b->length + 1);
        if (rc < 0)
            return rc;
        bit_set(abuf_data(&b->validity), b->length, valid);
    }
    if (!valid)
        b->null_count++;
    b->length++;
    return 0;
}

/* Prepares one slot: validity and values room. A failure changes nothing visible. */
static int prepare(floe_arrow_builder *b, int valid)
{
    if (b->offset_size) {
        int rc = offsets_ready(b);
        if (rc < 0)
            return rc;
    }
    int rc = reserve_slots(b, 1, !valid);
    if (rc < 0)
        return rc;
    if (b->has_validity || !valid)
        rc = bitmap_ensure(&b->validity, b->length + 1);
    return rc;
}

/* Marks slot `length` valid when that needs no allocation; returns 0 when the slow path
 * must do it. Only called once the values side is known to have room. */
static inline int mark_valid_fast(floe_arrow_builder *b)
{
    if (!b->has_validity)
        return 1;
    size_t byte = (size_t)(b->length >> 3);
    if (byte >= b->validity.cap)
        return 0;
    uint8_t *bits = abuf_data(&b->validity);
    if (byte >= b->validity.len) {
        bits[byte] = 0;
        b->validity.len = byte + 1;
    }
    bit_set(bits, b->length, 1);
    return 1;
}

static int put_fixed(floe_arrow_builder *b, const void *v, int valid)
{
    /* The common case (valid value, no bitmap yet, room left) touches only the values. */
    if (valid && b->values.cap - b->values.len >= (size_t)b->elem_bytes && mark_valid_fast(b)) {
        memcpy(abuf_data(&b->values) + b->values.len, v, (size_t)b->elem_bytes);
        b->values.len += (size_t)b->elem_bytes;
        b->length++;
        return 0;
    }
    int rc = prepare(b, valid);
    if (rc < 0)
        return rc;
    memcpy(abuf_data(&b->values) + b->values.len, v, (size_t)b->elem_bytes);
    b->values.len += (size_t)b->elem_bytes;
    return commit_slot(b, valid);
}

static int put_bool(floe_arrow_builder *b, int v, int valid)
{
    int rc = prepare(b, valid);
    if (rc == 0)
        rc = bitmap_ensure(&b->values, b->length + 1);
    if (rc < 0)
        return rc;
    bit_set(abuf_data(&b->values), b->length, v);
    return commit_slot(b, valid);
}

static int put_bytes(floe_arrow_builder *b, const void *p, size_t n, int valid)
{
    if (valid && b->values.len && b->values.cap - b->values.len >= (size_t)b->offset_size &&
        b->data.cap - b->data.len >= n && n <= INT32_MAX) {
        int64_t end = last_offset(b);
        if ((b->offset_size == 8 || end + (int64_t)n <= INT32_MAX) && mark_valid_fast(b)) {
            if (n)
                memcpy(abuf_data(&b->data) + b->data.len, p, n);
            b->data.len += n;
            push_offset(b, end + (int64_t)n);
            b->length++;
            return 0;
        }
    }
    int rc = prepare(b, valid);
    if (rc < 0)
        return rc;
    int64_t end = last_offset(b);
    if ((b->offset_size == 4 && n > (size_t)INT32_MAX - (size_t)end) ||
        n > (size_t)INT64_MAX - (size_t)end)
        return floe_error_set(FLOE_ERANGE, "field '%s': %s data would exceed 2 GiB; use large_%s",
                              b->schema->name, floe_arrow_type_name(b->type.id),
                              floe_arrow_type_name(b->type.id));
    if (n) {
        rc = abuf_reserve(&b->data, n);
        if (rc < 0)
            return rc;
        memcpy(abuf_data(&b->data) + b->data.len, p, n);
        b->data.len += n;
    }
    push_offset(b, end + (int64_t)n);
    return commit_slot(b, valid);
}

static int put_zero_fixed(floe_arrow_builder *b, int valid)
{
    static const uint8_t zeros[16];
    int rc = prepare(b, valid);
    if (rc < 0)
        return rc;
    uint8_t *dst = abuf_data(&b->values) + b->values.len;
    if ((size_t)b->elem_bytes <= sizeof zeros)
        memcpy(dst, zeros, (size_t)b->elem_bytes);
    else
        memset(dst, 0, (size_t)b->elem_bytes);
    b->values.len += (size_t)b->elem_bytes;
    return commit_slot(b, valid);
}

static int close_list(floe_arrow_builder *b, int valid);
static int close_struct(floe_arrow_builder *b, int valid);

/* Appends a slot with the type's empty value, valid or null. */
static int put_empty(floe_arrow_builder *b, int valid)
{
    switch (b->type.id) {
    case FLOE_ARROW_TYPE_NA:
        if (valid)
            return floe_error_set(FLOE_EINVALID, "field '%s': the null type has no valid value",
                                  b->schema->name);
        b->null_count++;
        b->length++;
        return 0;
    case FLOE_ARROW_TYPE_BOOL:
        return put_bool(b, 0, valid);
    case FLOE_ARROW_TYPE_STRUCT:
        for (int64_t i = 0; i < b->n_children; i++) {
            floe_arrow_builder *c = b->children[i];
            int rc = put_empty(c, c->type.id != FLOE_ARROW_TYPE_NA);
            if (rc < 0)
                return rc;
        }
        return close_struct(b, valid);
    case FLOE_ARROW_TYPE_LIST:
    case FLOE_ARROW_TYPE_LARGE_LIST:
    case FLOE_ARROW_TYPE_MAP:
        return close_list(b, valid);
    default:
        if (b->offset_size)
            return put_bytes(b, NULL, 0, valid);
        return put_zero_fixed(b, valid);
    }
}

int floe_arrow_builder_append_null(floe_arrow_builder *b)
{
    return put_empty(b, 0);
}

int floe_arrow_builder_append_nulls(floe_arrow_builder *b, int64_t n)
{
    if (n < 0)
        return floe_error_set(FLOE_EINVALID, "cannot append a negative number of nulls");
    int rc = reserve_slots(b, n, 1);
    for (int64_t i = 0; rc == 0 && i < n; i++)
        rc = put_empty(b, 0);
    return rc;
}

int floe_arrow_builder_append_empty(floe_arrow_builder *b)
{
    return put_empty(b, 1);
}

int floe_arrow_builder_reserve(floe_arrow_builder *b, int64_t n)
{
    if (n < 0)
        return floe_error_set(FLOE_EINVALID, "cannot reserve a negative number of slots");
    if (b->offset_size) {
        int rc = offsets_ready(b);
        if (rc < 0)
            return rc;
    }
    return reserve_slots(b, n, 0);
}

int floe_arrow_builder_append_bool(floe_arrow_builder *b, int v)
{
    if (b->type.id != FLOE_ARROW_TYPE_BOOL)
        return wrong_type(b, "a boolean");
    return put_bool(b, v != 0, 1);
}

static int out_of_range(const floe_arrow_builder *b, const char *text)
{
    return floe_error_set(FLOE_ERANGE, "value %s does not fit %s field '%s'", text,
                          floe_arrow_type_name(b->type.id), b->schema->name);
}

/* Stores an integer known to fit the builder's width. */
static int put_int_checked(floe_arrow_builder *b, int64_t v)
{
    union {
        int8_t i8;
        int16_t i16;
        int32_t i32;
        int64_t i64;
    } u;
    switch (b->elem_bytes) {
    case 1:
        u.i8 = (int8_t)v;
        break;
    case 2:
        u.i16 = (int16_t)v;
        break;
    case 4:
        u.i32 = (int32_t)v;
        break;
    default:
        u.i64 = v;
        break;
    }
    return put_fixed(b, &u, 1);
}

int floe_arrow_builder_append_int(floe_arrow_builder *b, int64_t v)
{
    int64_t lo, hi;
    switch (b->type.id) {
    case FLOE_ARROW_TYPE_INT8:
        lo = INT8_MIN, hi = INT8_MAX;
        break;
    case FLOE_ARROW_TYPE_INT16:
        lo = INT16_MIN, hi = INT16_MAX;
        break;
    case FLOE_ARROW_TYPE_INT32:
    case FLOE_ARROW_TYPE_DATE32:
    case FLOE_ARROW_TYPE_TIME32:
        lo = INT32_MIN, hi = INT32_MAX;
        break;
    case FLOE_ARROW_TYPE_INT64:
    case FLOE_ARROW_TYPE_DATE64:
    case FLOE_ARROW_TYPE_TIME64:
    case FLOE_ARROW_TYPE_TIMESTAMP:
        lo = INT64_MIN, hi = INT64_MAX;
        break;
    case FLOE_ARROW_TYPE_UINT8:
        lo = 0, hi = UINT8_MAX;
        break;
    case FLOE_ARROW_TYPE_UINT16:
        lo = 0, hi = UINT16_MAX;
        break;
    case FLOE_ARROW_TYPE_UINT32:
        lo = 0, hi = UINT32_MAX;
        break;
    case FLOE_ARROW_TYPE_UINT64:
        lo = 0, hi = INT64_MAX;
        break;
    case FLOE_ARROW_TYPE_DECIMAL128:
        return floe_arrow_builder_append_decimal128(b, floe_decimal128_from_int64(v));
    default:
        return wrong_type(b, "an integer");
    }
    if (v < lo || v > hi) {
        char text[32];
        snprintf(text, sizeof text, "%lld", (long long)v);
        return out_of_range(b, text);
    }
    return put_int_checked(b, v);
}

int floe_arrow_builder_append_uint(floe_arrow_builder *b, uint64_t v)
{
    if (b->type.id == FLOE_ARROW_TYPE_UINT64)
        return put_fixed(b, &v, 1);
    if (b->type.id == FLOE_ARROW_TYPE_DECIMAL128) {
        floe_decimal128 d = {v, 0};
        return floe_arrow_builder_append_decimal128(b, d);
    }
    if (v > (uint64_t)INT64_MAX) {
        if (!floe_arrow_type_is_integer(b->type.id))
            return wrong_type(b, "an unsigned integer");
        char text[32];
        snprintf(text, sizeof text, "%llu", (unsigned long long)v);
        return out_of_range(b, text);
    }
    return floe_arrow_builder_append_int(b, (int64_t)v);
}

int floe_arrow_builder_append_double(floe_arrow_builder *b, double v)
{
    if (b->type.id == FLOE_ARROW_TYPE_FLOAT64)
        return put_fixed(b, &v, 1);
    if (b->type.id == FLOE_ARROW_TYPE_FLOAT32) {
        float f = (float)v;
        return put_fixed(b, &f, 1);
    }
    return wrong_type(b, "a floating-point number");
}

int floe_arrow_builder_append_decimal128(floe_arrow_builder *b, floe_decimal128 v)
{
    if (b->type.id != FLOE_ARROW_TYPE_DECIMAL128)
        return wrong_type(b, "a decimal");
    if (!floe_decimal128_fits_precision(v, b->type.precision)) {
        char text[FLOE_DECIMAL128_STRLEN];
        floe_decimal128_format(text, sizeof text, v, b->type.scale);
        return out_of_range(b, text);
    }
    uint8_t raw[16];
    floe_decimal128_store(raw, v);
    return put_fixed(b, raw, 1);
}

int floe_arrow_builder_append_bytes(floe_arrow_builder *b, const void *data, size_t n)
{
    if (b->offset_size && floe_arrow_type_is_var_binary(b->type.id))
        return put_bytes(b, data, n, 1);
    if (b->type.id == FLOE_ARROW_TYPE_FIXED_SIZE_BINARY) {
        if (n != (size_t)b->type.byte_width)
            return floe_error_set(FLOE_EINVALID, "field '%s' holds %d-byte values; got %zu bytes",
                                  b->schema->name, (int)b->type.byte_width, n);
        return put_fixed(b, data, 1);
    }
    return wrong_type(b, "bytes");
}

int floe_arrow_builder_append_str(floe_arrow_builder *b, const char *s)
{
    return floe_arrow_builder_append_bytes(b, s, strlen(s));
}

int floe_arrow_builder_append_values(floe_arrow_builder *b, const void *values,
                                     const uint8_t *validity, int64_t n)
{
    if (n < 0)
        return floe_error_set(FLOE_EINVALID, "cannot append a negative number of values");
    if (!b->elem_bytes && b->type.id != FLOE_ARROW_TYPE_BOOL)
        return wrong_type(b, "packed fixed-width values");
    int64_t valid = validity ? floe_arrow_bitmap_count_set(validity, 0, n) : n;
    int rc = reserve_slots(b, n, valid < n);
    if (rc == 0 && (b->has_validity || valid < n))
        rc = bitmap_ensure(&b->validity, b->length + n);
    if (rc == 0 && b->type.id == FLOE_ARROW_TYPE_BOOL)
        rc = bitmap_ensure(&b->values, b->length + n);
    if (rc < 0)
        return rc;
    if (b->type.id == FLOE_ARROW_TYPE_BOOL) {
        const uint8_t *src = values;
        uint8_t *bits = abuf_data(&b->values);
        for (int64_t i = 0; i < n; i++)
            bit_set(bits, b->length + i, src[i] != 0);
    } else {
        size_t bytes = (size_t)n * (size_t)b->elem_bytes;
        if (bytes)
            memcpy(abuf_data(&b->values) + b->values.len, values, bytes);
        b->values.len += bytes;
    }
    if (valid < n) {
        for (int64_t i = 0; i < n; i++) {
            /* Cannot fail: the bitmap already has room for every slot. */
            commit_slot(b, floe_arrow_bit_get(validity, i));
        }
    } else if (b->has_validity) {
        uint8_t *bits = abuf_data(&b->validity);
        for (int64_t i = 0; i < n; i++)
            bit_set(bits, b->length + i, 1);
        b->length += n;
    } else {
        b->length += n;
    }
    return 0;
}

static int close_struct(floe_arrow_builder *b, int valid)
{
    for (int64_t i = 0; i < b->n_children; i++) {
        if (b->children[i]->length != b->length + 1)
            return floe_error_set(FLOE_EINVALID,
                                  "struct '%s': child '%s' has %lld values, expected %lld",
                                  b->schema->name, b->children[i]->schema->name,
                                  (long long)b->children[i]->length, (long long)b->length + 1);
    }
    int rc = prepare(b, valid);
    if (rc < 0)
        return rc;
    return commit_slot(b, valid);
}

int floe_arrow_builder_append_struct(floe_arrow_builder *b)
{
    if (b->type.id != FLOE_ARROW_TYPE_STRUCT)
        return wrong_type(b, "a struct entry");
    return close_struct(b, 1);
}

/* Brings a map's entries struct up to the number of key/value pairs appended. */
static int sync_map_entries(floe_arrow_builder *b)
{
    floe_arrow_builder *e = b->children[0];
    floe_arrow_builder *k = e->children[0], *v = e->children[1];
    if (k->length != v->length)
        return floe_error_set(FLOE_EINVALID, "map '%s': %lld keys but %lld values", b->schema->name,
                              (long long)k->length, (long long)v->length);
    if (k->length > e->length) {
        int rc = reserve_slots(e, k->length - e->length, 0);
        if (rc < 0)
            return rc;
        if (e->has_validity) {
            rc = bitmap_ensure(&e->validity, k->length);
            if (rc < 0)
                return rc;
            for (int64_t i = e->length; i < k->length; i++)
                bit_set(abuf_data(&e->validity), i, 1);
        }
        e->length = k->length;
    }
    return 0;
}

static int close_list(floe_arrow_builder *b, int valid)
{
    int rc = 0;
    if (b->type.id == FLOE_ARROW_TYPE_MAP)
        rc = sync_map_entries(b);
    if (rc == 0)
        rc = prepare(b, valid);
    if (rc < 0)
        return rc;
    int64_t end = b->children[0]->length;
    if (b->offset_size == 4 && end > INT32_MAX)
        return floe_error_set(FLOE_ERANGE,
                              "field '%s': more than 2^31-1 child values; use "
                              "large_list",
                              b->schema->name);
    push_offset(b, end);
    return commit_slot(b, valid);
}

int floe_arrow_builder_append_list(floe_arrow_builder *b)
{
    if (b->type.id != FLOE_ARROW_TYPE_LIST && b->type.id != FLOE_ARROW_TYPE_LARGE_LIST &&
        b->type.id != FLOE_ARROW_TYPE_MAP)
        return wrong_type(b, "a list entry");
    return close_list(b, 1);
}

/* Checks that a finished tree will be consistent, naming the first field that is not. */
static int check_tree(floe_arrow_builder *b, int64_t expect, floe_arrow__path *path)
{
    if (expect >= 0 && b->length != expect)
        return floe_error_set(FLOE_EINVALID, "field '%s' has %lld values but its parent needs %lld",
                              path->len ? path->buf : "<root>", (long long)b->length,
                              (long long)expect);
    int rc = 0;
    if (b->type.id == FLOE_ARROW_TYPE_MAP)
        rc = sync_map_entries(b);
    if (rc < 0)
        return rc;
    for (int64_t i = 0; i < b->n_children; i++) {
        int64_t child_expect;
        size_t old;
        if (b->type.id == FLOE_ARROW_TYPE_STRUCT) {
            child_expect = b->length;
            old = floe_arrow__path_push_name(path, b->children[i]->schema->name);
        } else {
            child_expect = last_offset(b);
            old =
                floe_arrow__path_push_marker(path, b->type.id == FLOE_ARROW_TYPE_MAP ? "{}" : "[]");
        }
        rc = check_tree(b->children[i], child_expect, path);
        floe_arrow__path_pop(path, old);
        if (rc < 0)
            return rc;
    }
    return 0;
}

typedef struct array_private {
    uint8_t *raw[3];
    const void *buffers[3];
} array_private;

static void array_release(struct ArrowArray *a)
{
    if (!a || !a->release)
        return;
    for (int64_t i = 0; i < a->n_children; i++) {
        struct ArrowArray *c = a->children ? a->children[i] : NULL;
        if (c && c->release)
            c->release(c);
        floe_free(c);
    }
    floe_free(a->children);
    if (a->dictionary) {
        if (a->dictionary->release)
            a->dictionary->release(a->dictionary);
        floe_free(a->dictionary);
    }
    array_private *p = a->private_data;
    if (p) {
        for (int i = 0; i < 3; i++)
            floe_free(p->raw[i]);
        floe_free(p);
    }
    memset(a, 0, sizeof *a);
}

/* Hands a buffer's allocation to the array (allocating an empty aligned one if needed so that
 * no mandatory buffer pointer is NULL) and resets the buffer. */
static int take_buffer(abuf *src, uint8_t **raw, const void **ptr)
{
    if (!src->raw) {
        int rc = abuf_reserve(src, 1);
        if (rc < 0)
            return rc;
    }
    *raw = src->raw;
    *ptr = abuf_data(src);
    memset(src, 0, sizeof *src);
    return 0;
}

static int finish_node(floe_arrow_builder *b, struct ArrowArray *out)
{
    memset(out, 0, sizeof *out);
    if (b->offset_size) {
        int rc = offsets_ready(b);
        if (rc < 0)
            return rc;
    }
    array_private *p = floe_calloc(1, sizeof *p);
    if (!p)
        return oom();
    out->private_data = p;
    out->release = array_release;
    out->buffers = p->buffers;
    out->n_buffers = floe_arrow_type_n_buffers(b->type.id);
    out->length = b->length;
    out->null_count = b->null_count;
    if (b->n_children) {
        out->children = floe_calloc((size_t)b->n_children, sizeof *out->children);
        if (!out->children)
            return oom();
        out->n_children = b->n_children;
        for (int64_t i = 0; i < b->n_children; i++) {
            out->children[i] = floe_calloc(1, sizeof **out->children);
            if (!out->children[i])
                return oom();
            int rc = finish_node(b->children[i], out->children[i]);
            if (rc < 0)
                return rc;
        }
    }
    int rc = 0;
    if (out->n_buffers >= 1) {
        if (b->has_validity && b->null_count > 0)
            rc = take_buffer(&b->validity, &p->raw[0], &p->buffers[0]);
        else
            abuf_free(&b->validity);
    }
    if (rc == 0 && out->n_buffers >= 2)
        rc = take_buffer(&b->values, &p->raw[1], &p->buffers[1]);
    if (rc == 0 && out->n_buffers >= 3)
        rc = take_buffer(&b->data, &p->raw[2], &p->buffers[2]);
    if (rc < 0)
        return rc;
    b->length = 0;
    b->null_count = 0;
    b->has_validity = 0;
    abuf_free(&b->validity);
    abuf_free(&b->values);
    abuf_free(&b->data);
    return 0;
}

/* After a failed finish some nodes may have been emptied; reset the whole tree so the builder
 * stays usable (and consistent) rather than half-finished. */
static void reset_tree(floe_arrow_builder *b)
{
    for (int64_t i = 0; i < b->n_children; i++)
        reset_tree(b->children[i]);
    b->length = 0;
    b->null_count = 0;
    b->has_validity = 0;
    abuf_free(&b->validity);
    abuf_free(&b->values);
    abuf_free(&b->data);
}

int floe_arrow_builder_finish(floe_arrow_builder *b, struct ArrowArray *out)
{
    memset(out, 0, sizeof *out);
    floe_arrow__path path;
    floe_arrow__path_init(&path);
    if (b->type.id != FLOE_ARROW_TYPE_STRUCT)
        floe_arrow__path_push_name(&path, b->schema->name);
    int rc = check_tree(b, -1, &path);
    if (rc < 0)
        return rc;
    rc = finish_node(b, out);
    if (rc < 0) {
        array_release(out);
        reset_tree(b);
    }
    return rc;
}

int floe_arrow_builder_finish_batch(floe_arrow_builder *b, struct ArrowArray *array_out,
                                    struct ArrowSchema *schema_out)
{
    memset(array_out, 0, sizeof *array_out);
    if (schema_out)
        memset(schema_out, 0, sizeof *schema_out);
    if (b->type.id != FLOE_ARROW_TYPE_STRUCT)
        return wrong_type(b, "a record batch finish");
    int64_t rows = b->n_children ? b->children[0]->length : b->length;
    for (int64_t i = 0; i < b->n_children; i++) {
        if (b->children[i]->length != rows)
            return floe_error_set(FLOE_EINVALID,
                                  "record batch: column '%s' has %lld rows but column '%s' "
                                  "has %lld",
                                  b->children[i]->schema->name, (long long)b->children[i]->length,
                                  b->children[0]->schema->name, (long long)rows);
    }
    if (b->length > rows)
        return floe_error_set(FLOE_EINVALID, "record batch: %lld rows closed but columns hold %lld",
                              (long long)b->length, (long long)rows);
    int rc = reserve_slots(b, rows - b->length, 0);
    if (rc == 0 && b->has_validity)
        rc = bitmap_ensure(&b->validity, rows);
    if (rc < 0)
        return rc;
    while (b->length < rows) {
        if (b->has_validity)
            bit_set(abuf_data(&b->validity), b->length, 1);
        b->length++;
    }
    if (schema_out) {
        rc = floe_arrow_schema_copy(schema_out, b->schema);
        if (rc < 0)
            return rc;
    }
    rc = floe_arrow_builder_finish(b, array_out);
    if (rc < 0 && schema_out)
        floe_arrow_schema_release(schema_out);
    return rc;
}
