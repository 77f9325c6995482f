/* Generic Avro values. A value's storage follows its schema and is reused: clearing an array
 * keeps its initialised items, union branches keep their values, byte buffers keep capacity.
 * Union branches and array/map items are created lazily, which also makes recursive schemas
 * finite. */
#include <math.h>
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "formats/avro/avro_internal.h"

int floe_avro__bytes_set(floe_avro__bytes *b, const void *data, size_t len)
{
    if (len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 16;
        while (cap < len + 1) {
            if (cap > SIZE_MAX / 2)
                return floe_error_set(FLOE_ENOMEM, "byte string of %zu bytes is too large", len);
            cap *= 2;
        }
        uint8_t *d = floe_realloc(b->data, cap);
        if (!d)
            return floe_error_set(FLOE_ENOMEM, "out of memory storing %zu bytes", len);
        b->data = d;
        b->cap = cap;
    }
    if (len)
        memcpy(b->data, data, len);
    b->data[len] = '\0';
    b->len = len;
    return 0;
}

int floe_avro__value_init(floe_avro_value *v, const floe_avro_schema *s)
{
    memset(v, 0, sizeof(*v));
    v->schema = s;
    if (s->type == FLOE_AVRO_RECORD && s->nfields) {
        v->u.rec.fields = floe_calloc(s->nfields, sizeof(floe_avro_value));
        if (!v->u.rec.fields)
            return floe_error_set(FLOE_ENOMEM, "out of memory creating a record value");
        for (size_t i = 0; i < s->nfields; i++) {
            int rc = floe_avro__value_init(&v->u.rec.fields[i], s->fields[i].type);
            if (rc) {
                for (size_t k = 0; k < i; k++)
                    floe_avro__value_fini(&v->u.rec.fields[k]);
                floe_free(v->u.rec.fields);
                v->u.rec.fields = NULL;
                return rc;
            }
        }
    } else if (s->type == FLOE_AVRO_UNION && s->nbranches) {
        v->u.uni.vals = floe_calloc(s->nbranches, sizeof(floe_avro_value *));
        if (!v->u.uni.vals)
            return floe_error_set(FLOE_ENOMEM, "out of memory creating a union value");
    } else if (s->type == FLOE_AVRO_FIXED) {
        uint8_t *zero = floe_calloc(1, s->fixed_size + 1);
        if (!zero)
            return floe_error_set(FLOE_ENOMEM, "out of memory creating a fixed value");
        v->u.bytes.data = zero;
        v->u.bytes.len = s->fixed_size;
        v->u.bytes.cap = s->fixed_size + 1;
    }
    return 0;
}

void floe_avro__value_fini(floe_avro_value *v)
{
    const floe_avro_schema *s = v->schema;
    if (!s)
        return;
    switch (s->type) {
    case FLOE_AVRO_BYTES:
    case FLOE_AVRO_STRING:
    case FLOE_AVRO_FIXED:
        floe_free(v->u.bytes.data);
        break;
    case FLOE_AVRO_RECORD:
        for (size_t i = 0; v->u.rec.fields && i < s->nfields; i++)
            floe_avro__value_fini(&v->u.rec.fields[i]);
        floe_free(v->u.rec.fields);
        break;
    case FLOE_AVRO_ARRAY:
    case FLOE_AVRO_MAP:
        for (size_t i = 0; i < v->u.arr.init; i++) {
            floe_avro__value_fini(&v->u.arr.items[i]);
            if (v->u.arr.keys)
                floe_free(v->u.arr.keys[i].data);
        }
        floe_free(v->u.arr.items);
        floe_free(v->u.arr.keys);
        break;
    case FLOE_AVRO_UNION:
        for (size_t i = 0; v->u.uni.vals && i < s->nbranches; i++)
            floe_avro_value_free(v->u.uni.vals[i]);
        floe_free(v->u.uni.vals);
        break;
    default:
        break;
    }
    v->schema = NULL;
}

int floe_avro_value_new(floe_avro_value **out, const floe_avro_schema *schema)
{
    floe_avro_value *v = floe_malloc(sizeof(*v));
    if (!v)
        return floe_error_set(FLOE_ENOMEM, "out of memory creating an Avro value");
    int rc = floe_avro__value_init(v, schema);
    if (rc) {
        floe_free(v);
        return rc;
    }
    /* The value keeps its schema alive, so it may outlive the reader that provided it. */
    floe_avro_schema_ref(schema);
    *out = v;
    return 0;
}

void floe_avro_value_free(floe_avro_value *v)
{
    if (!v)
        return;
    floe_avro_schema *s = (floe_avro_schema *)v->schema;
    floe_avro__value_fini(v);
    floe_avro_schema_free(s);
    floe_free(v);
}

const floe_avro_schema *floe_avro_value_schema(const floe_avro_value *v)
{
    return v->schema;
}

floe_avro_type floe_avro_value_type(const floe_avro_value *v)
{
    return v->schema->type;
}

void floe_avro_value_reset(floe_avro_value *v)
{
    switch (v->schema->type) {
    case FLOE_AVRO_BOOLEAN:
    case FLOE_AVRO_INT:
    case FLOE_AVRO_LONG:
    case FLOE_AVRO_FLOAT:
    case FLOE_AVRO_DOUBLE:
    case FLOE_AVRO_ENUM:
        v->u.l = 0;
        break;
    case FLOE_AVRO_BYTES:
    case FLOE_AVRO_STRING:
        v->u.bytes.len = 0;
        if (v->u.bytes.data)
            v->u.bytes.data[0] = '\0';
        break;
    case FLOE_AVRO_FIXED:
        memset(v->u.bytes.data, 0, v->u.bytes.len);
        break;
    case FLOE_AVRO_RECORD:
        for (size_t i = 0; i < v->schema->nfields; i++)
            floe_avro_value_reset(&v->u.rec.fields[i]);
        break;
    case FLOE_AVRO_ARRAY:
    case FLOE_AVRO_MAP:
        v->u.arr.len = 0;
        break;
    case FLOE_AVRO_UNION:
        v->u.uni.branch = 0;
        if (v->u.uni.vals && v->u.uni.vals[0])
            floe_avro_value_reset(v->u.uni.vals[0]);
        break;
    default:
        break;
    }
}

/* ----- scalars ----- */

int floe_avro_value_get_boolean(const floe_avro_value *v)
{
    return v->schema->type == FLOE_AVRO_BOOLEAN ? v->u.b : 0;
}

int32_t floe_avro_value_get_int(const floe_avro_value *v)
{
    return (v->schema->type == FLOE_AVRO_INT || v->schema->type == FLOE_AVRO_ENUM) ? v->u.i : 0;
}

int64_t floe_avro_value_get_long(const floe_avro_value *v)
{
    if (v->schema->type == FLOE_AVRO_LONG)
        return v->u.l;
    if (v->schema->type == FLOE_AVRO_INT)
        return v->u.i;
    return 0;
}

float floe_avro_value_get_float(const floe_avro_value *v)
{
    return v->schema->type == FLOE_AVRO_FLOAT ? v->u.f : 0.0f;
}

double floe_avro_value_get_double(const floe_avro_value *v)
{
    if (v->schema->type == FLOE_AVRO_DOUBLE)
        return v->u.d;
    if (v->schema->type == FLOE_AVRO_FLOAT)
        return v->u.f;
    return 0.0;
}

const uint8_t *floe_avro_value_get_bytes(const floe_avro_value *v, size_t *len)
{
    floe_avro_type t = v->schema->type;
    if (t != FLOE_AVRO_BYTES && t != FLOE_AVRO_STRING && t != FLOE_AVRO_FIXED) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = v->u.bytes.len;
    return v->u.bytes.data ? v->u.bytes.data : (const uint8_t *)"";
}

const char *floe_avro_value_get_string(const floe_avro_value *v, size_t *len)
{
    if (v->schema->type != FLOE_AVRO_STRING) {
        if (len)
            *len = 0;
        return NULL;
    }
    return (const char *)floe_avro_value_get_bytes(v, len);
}

int floe_avro_value_get_enum(const floe_avro_value *v)
{
    return v->schema->type == FLOE_AVRO_ENUM ? v->u.i : -1;
}

const char *floe_avro_value_get_enum_symbol(const floe_avro_value *v)
{
    if (v->schema->type != FLOE_AVRO_ENUM || v->u.i < 0 || (size_t)v->u.i >= v->schema->nsymbols)
        return NULL;
    return v->schema->symbols[v->u.i];
}

static int wrong_type(const floe_avro_value *v, const char *what)
{
    return floe_error_set(FLOE_EINVALID, "cannot set a %s on an Avro value of type %s", what,
                          floe_avro_type_name(v->schema->type));
}

int floe_avro_value_set_boolean(floe_avro_value *v, int b)
{
    if (v->schema->type != FLOE_AVRO_BOOLEAN)
        return wrong_type(v, "boolean");
    v->u.b = b ? 1 : 0;
    return 0;
}

int floe_avro_value_set_int(floe_avro_value *v, int32_t x)
{
    if (v->schema->type == FLOE_AVRO_LONG)
        v->u.l = x;
    else if (v->schema->type == FLOE_AVRO_INT)
        v->u.i = x;
    else
        return wrong_type(v, "int");
    return 0;
}

int floe_avro_value_set_long(floe_avro_value *v, int64_t x)
{
    if (v->schema->type == FLOE_AVRO_LONG) {
        v->u.l = x;
        return 0;
    }
    if (v->schema->type == FLOE_AVRO_INT) {
        if (x < INT32_MIN || x > INT32_MAX)
            return floe_error_set(FLOE_ERANGE, "%lld does not fit an Avro int", (long long)x);
        v->u.i = (int32_t)x;
        return 0;
    }
    return wrong_type(v, "long");
}

int floe_avro_value_set_float(floe_avro_value *v, float x)
{
    if (v->schema->type == FLOE_AVRO_FLOAT)
        v->u.f = x;
    else if (v->schema->type == FLOE_AVRO_DOUBLE)
        v->u.d = x;
    else
        return wrong_type(v, "float");
    return 0;
}

int floe_avro_value_set_double(floe_avro_value *v, double x)
{
    if (v->schema->type == FLOE_AVRO_DOUBLE)
        v->u.d = x;
    else if (v->schema->type == FLOE_AVRO_FLOAT)
        v->u.f = (float)x;
    else
        return wrong_type(v, "double");
    return 0;
}

int floe_avro_value_set_bytes(floe_avro_value *v, const void *data, size_t len)
{
    floe_avro_type t = v->schema->type;
    if (t == FLOE_AVRO_FIXED && len != v->schema->fixed_size)
        return floe_error_set(FLOE_EINVALID, "fixed '%s' holds %zu bytes, not %zu",
                              v->schema->fullname, v->schema->fixed_size, len);
    if (t != FLOE_AVRO_BYTES && t != FLOE_AVRO_STRING && t != FLOE_AVRO_FIXED)
        return wrong_type(v, "byte string");
    return floe_avro__bytes_set(&v->u.bytes, data, len);
}

int floe_avro_value_set_string(floe_avro_value *v, const char *s)
{
    return floe_avro_value_set_bytes(v, s, strlen(s));
}

int floe_avro_value_set_enum(floe_avro_value *v, int index)
{
    if (v->schema->type != FLOE_AVRO_ENUM)
        return wrong_type(v, "enum");
    if (index < 0 || (size_t)index >= v->schema->nsymbols)
        return floe_error_set(FLOE_ERANGE, "enum '%s' has no symbol %d", v->schema->fullname,
                              index);
    v->u.i = index;
    return 0;
}

int floe_avro_value_set_enum_symbol(floe_avro_value *v, const char *symbol)
{
    if (v->schema->type != FLOE_AVRO_ENUM)
        return wrong_type(v, "enum");
    for (size_t i = 0; i < v->schema->nsymbols; i++)
        if (strcmp(v->schema->symbols[i], symbol) == 0) {
            v->u.i = (int32_t)i;
            return 0;
        }
    return floe_error_set(FLOE_EINVALID, "enum '%s' has no symbol '%s'", v->schema->fullname,
                          symbol);
}

/* ----- records ----- */

size_t floe_avro_value_field_count(const floe_avro_value *v)
{
    return v->schema->type == FLOE_AVRO_RECORD ? v->schema->nfields : 0;
}

floe_avro_value *floe_avro_value_field(const floe_avro_value *v, size_t i)
{
    if (v->schema->type != FLOE_AVRO_RECORD || i >= v->schema->nfields)
        return NULL;
    return &v->u.rec.fields[i];
}

floe_avro_value *floe_avro_value_field_by_name(const floe_avro_value *v, const char *name)
{
    long i = floe_avro_schema_field_index(v->schema, name);
    return i < 0 ? NULL : &v->u.rec.fields[i];
}

/* ----- unions ----- */

int floe_avro_value_union_branch(const floe_avro_value *v)
{
    return v->schema->type == FLOE_AVRO_UNION ? v->u.uni.branch : -1;
}

int floe_avro_value_union_select(floe_avro_value **out, floe_avro_value *v, int index)
{
    const floe_avro_schema *s = v->schema;
    if (s->type != FLOE_AVRO_UNION)
        return wrong_type(v, "union branch");
    if (index < 0 || (size_t)index >= s->nbranches)
        return floe_error_set(FLOE_ERANGE, "union has %zu branches, not branch %d", s->nbranches,
                              index);
    if (!v->u.uni.vals[index]) {
        int rc = floe_avro_value_new(&v->u.uni.vals[index], s->branches[index]);
        if (rc)
            return rc;
    }
    v->u.uni.branch = index;
    if (out)
        *out = v->u.uni.vals[index];
    return 0;
}

floe_avro_value *floe_avro_value_union_value(const floe_avro_value *v)
{
    if (v->schema->type != FLOE_AVRO_UNION || v->schema->nbranches == 0)
        return NULL;
    floe_avro_value *b = v->u.uni.vals[v->u.uni.branch];
    if (!b && floe_avro_value_union_select(&b, (floe_avro_value *)v, v->u.uni.branch))
        return NULL;
    return b;
}

int floe_avro_value_set_optional(floe_avro_value **out, floe_avro_value *v, int present)
{
    const floe_avro_schema *s = v->schema;
    if (s->type != FLOE_AVRO_UNION || s->null_branch < 0 || s->nbranches != 2)
        return floe_error_set(FLOE_EINVALID,
                              "set_optional needs a union of null and one other type");
    int idx = present ? (int)(1 - s->null_branch) : (int)s->null_branch;
    return floe_avro_value_union_select(out, v, idx);
}

int floe_avro_value_is_null(const floe_avro_value *v)
{
    if (v->schema->type == FLOE_AVRO_NULL)
        return 1;
    if (v->schema->type == FLOE_AVRO_UNION)
        return v->schema->nbranches > 0 &&
               v->schema->branches[v->u.uni.branch]->type == FLOE_AVRO_NULL;
    return 0;
}

floe_avro_value *floe_avro_value_resolve(const floe_avro_value *v)
{
    while (v && v->schema->type == FLOE_AVRO_UNION)
        v = floe_avro_value_union_value(v);
    return (floe_avro_value *)v;
}

/* ----- arrays and maps ----- */

size_t floe_avro_value_count(const floe_avro_value *v)
{
    floe_avro_type t = v->schema->type;
    return (t == FLOE_AVRO_ARRAY || t == FLOE_AVRO_MAP) ? v->u.arr.len : 0;
}

floe_avro_value *floe_avro_value_item(const floe_avro_value *v, size_t i)
{
    if (i >= floe_avro_value_count(v))
        return NULL;
    return &v->u.arr.items[i];
}

const char *floe_avro_value_map_key(const floe_avro_value *v, size_t i, size_t *len)
{
    if (v->schema->type != FLOE_AVRO_MAP || i >= v->u.arr.len)
        return NULL;
    if (len)
        *len = v->u.arr.keys[i].len;
    return (const char *)v->u.arr.keys[i].data;
}

void floe_avro_value_clear(floe_avro_value *v)
{
    floe_avro_type t = v->schema->type;
    if (t == FLOE_AVRO_ARRAY || t == FLOE_AVRO_MAP)
        v->u.arr.len = 0;
}

/* Makes room for one more item and returns it (initialised, reused when possible). */
static int grow_one(floe_avro_value **out, floe_avro_value *v)
{
    int is_map = v->schema->type == FLOE_AVRO_MAP;
    if (v->u.arr.len == v->u.arr.cap) {
        size_t cap = v->u.arr.cap ? v->u.arr.cap * 2 : 4;
        size_t bytes;
        if (floe_mul_size(cap, sizeof(floe_avro_value), &bytes))
            return floe_error_set(FLOE_ENOMEM, "array of %zu items is too large", cap);
        floe_avro_value *items = floe_realloc(v->u.arr.items, bytes);
        if (!items)
            return floe_error_set(FLOE_ENOMEM, "out of memory growing an Avro array");
        v->u.arr.items = items;
        if (is_map) {
            floe_avro__bytes *keys = floe_realloc(v->u.arr.keys, cap * sizeof(*keys));
            if (!keys)
                return floe_error_set(FLOE_ENOMEM, "out of memory growing an Avro map");
            v->u.arr.keys = keys;
        }
        v->u.arr.cap = cap;
    }
    floe_avro_value *item = &v->u.arr.items[v->u.arr.len];
    if (v->u.arr.len == v->u.arr.init) {
        int rc = floe_avro__value_init(item, v->schema->child);
        if (rc)
            return rc;
        if (is_map)
            memset(&v->u.arr.keys[v->u.arr.len], 0, sizeof(floe_avro__bytes));
        v->u.arr.init++;
    }
    v->u.arr.len++;
    *out = item;
    return 0;
}

int floe_avro__value_append_raw(floe_avro_value **out, floe_avro_value *v)
{
    return grow_one(out, v);
}

int floe_avro_value_append(floe_avro_value **out, floe_avro_value *v)
{
    if (v->schema->type != FLOE_AVRO_ARRAY)
        return wrong_type(v, "array item");
    floe_avro_value *item;
    int rc = grow_one(&item, v);
    if (rc)
        return rc;
    floe_avro_value_reset(item);
    if (out)
        *out = item;
    return 0;
}

int floe_avro_value_map_add(floe_avro_value **out, floe_avro_value *v, const char *key,
                            size_t key_len)
{
    if (v->schema->type != FLOE_AVRO_MAP)
        return wrong_type(v, "map entry");
    floe_avro_value *item;
    int rc = grow_one(&item, v);
    if (rc)
        return rc;
    rc = floe_avro__bytes_set(&v->u.arr.keys[v->u.arr.len - 1], key, key_len);
    if (rc) {
        v->u.arr.len--;
        return rc;
    }
    floe_avro_value_reset(item);
    if (out)
        *out = item;
    return 0;
}

floe_avro_value *floe_avro_value_map_get(const floe_avro_value *v, const char *key)
{
    if (v->schema->type != FLOE_AVRO_MAP)
        return NULL;
    size_t klen = strlen(key);
    for (size_t i = 0; i < v->u.arr.len; i++)
        if (v->u.arr.keys[i].len == klen && memcmp(v->u.arr.keys[i].data, key, klen) == 0)
            return &v->u.arr.items[i];
    return NULL;
}

/* ----- copy and equality ----- */

int floe_avro_value_copy(floe_avro_value *dst, const floe_avro_value *src)
{
    const floe_avro_schema *s = src->schema;
    if (dst == src)
        return 0;
    if (dst->schema->type != s->type)
        return floe_error_set(FLOE_EINVALID, "cannot copy a %s value into a %s value",
                              floe_avro_type_name(s->type), floe_avro_type_name(dst->schema->type));
    int rc = 0;
    switch (s->type) {
    case FLOE_AVRO_NULL:
        return 0;
    case FLOE_AVRO_BYTES:
    case FLOE_AVRO_STRING:
    case FLOE_AVRO_FIXED:
        if (s->type == FLOE_AVRO_FIXED && dst->schema->fixed_size != s->fixed_size)
            return floe_error_set(FLOE_EINVALID, "cannot copy between fixed of different sizes");
        return floe_avro__bytes_set(&dst->u.bytes, src->u.bytes.data, src->u.bytes.len);
    case FLOE_AVRO_RECORD:
        if (dst->schema->nfields != s->nfields)
            return floe_error_set(FLOE_EINVALID, "cannot copy between records of different "
                                                 "shapes");
        for (size_t i = 0; i < s->nfields && !rc; i++)
            rc = floe_avro_value_copy(&dst->u.rec.fields[i], &src->u.rec.fields[i]);
        return rc;
    case FLOE_AVRO_ARRAY:
    case FLOE_AVRO_MAP:
        dst->u.arr.len = 0;
        for (size_t i = 0; i < src->u.arr.len && !rc; i++) {
            floe_avro_value *item;
            rc = grow_one(&item, dst);
            if (rc == 0 && s->type == FLOE_AVRO_MAP)
                rc = floe_avro__bytes_set(&dst->u.arr.keys[i], src->u.arr.keys[i].data,
                                          src->u.arr.keys[i].len);
            if (rc == 0)
                rc = floe_avro_value_copy(item, &src->u.arr.items[i]);
        }
        return rc;
    case FLOE_AVRO_UNION: {
        floe_avro_value *b;
        if (dst->schema->nbranches != s->nbranches)
            return floe_error_set(FLOE_EINVALID, "cannot copy between different unions");
        rc = floe_avro_value_union_select(&b, dst, src->u.uni.branch);
        if (rc == 0 && src->u.uni.vals[src->u.uni.branch])
            rc = floe_avro_value_copy(b, src->u.uni.vals[src->u.uni.branch]);
        return rc;
    }
    default:
        dst->u = src->u;
        return 0;
    }
}

int floe_avro_value_equal(const floe_avro_value *a, const floe_avro_value *b)
{
    const floe_avro_schema *s = a->schema;
    if (s->type != b->schema->type)
        return 0;
    switch (s->type) {
    case FLOE_AVRO_NULL:
        return 1;
    case FLOE_AVRO_BOOLEAN:
        return a->u.b == b->u.b;
    case FLOE_AVRO_INT:
    case FLOE_AVRO_ENUM:
        return a->u.i == b->u.i;
    case FLOE_AVRO_LONG:
        return a->u.l == b->u.l;
    case FLOE_AVRO_FLOAT:
        return memcmp(&a->u.f, &b->u.f, sizeof(float)) == 0 || a->u.f == b->u.f;
    case FLOE_AVRO_DOUBLE:
        return memcmp(&a->u.d, &b->u.d, sizeof(double)) == 0 || a->u.d == b->u.d;
    case FLOE_AVRO_BYTES:
    case FLOE_AVRO_STRING:
    case FLOE_AVRO_FIXED:
        return a->u.bytes.len == b->u.bytes.len &&
               (a->u.bytes.len == 0 ||
                memcmp(a->u.bytes.data, b->u.bytes.data, a->u.bytes.len) == 0);
    case FLOE_AVRO_RECORD:
        if (s->nfields != b->schema->nfields)
            return 0;
        for (size_t i = 0; i < s->nfields; i++)
            if (!floe_avro_value_equal(&a->u.rec.fields[i], &b->u.rec.fields[i]))
                return 0;
        return 1;
    case FLOE_AVRO_ARRAY:
    case FLOE_AVRO_MAP:
        if (a->u.arr.len != b->u.arr.len)
            return 0;
        for (size_t i = 0; i < a->u.arr.len; i++) {
            if (s->type == FLOE_AVRO_MAP &&
                (a->u.arr.keys[i].len != b->u.arr.keys[i].len ||
                 memcmp(a->u.arr.keys[i].data, b->u.arr.keys[i].data, a->u.arr.keys[i].len)))
                return 0;
            if (!floe_avro_value_equal(&a->u.arr.items[i], &b->u.arr.items[i]))
                return 0;
        }
        return 1;
    case FLOE_AVRO_UNION: {
        if (a->u.uni.branch != b->u.uni.branch)
            return 0;
        const floe_avro_value *x = floe_avro_value_union_value(a);
        const floe_avro_value *y = floe_avro_value_union_value(b);
        return x && y && floe_avro_value_equal(x, y);
    }
    }
    return 0;
}

/* ----- defaults ----- */

static int bad_default(const char *path, const floe_avro_schema *s)
{
    return floe_error_set(FLOE_ESCHEMA, "default of %s does not match its type %s", path,
                          floe_avro_type_name(s->type));
}

/* Bytes and fixed defaults are strings of code points 0-255, one byte each. */
static int latin1_to_bytes(floe_avro__bytes *b, const char *s, size_t len, const char *path)
{
    uint8_t *tmp = floe_malloc(len + 1);
    if (!tmp)
        return floe_error_set(FLOE_ENOMEM, "out of memory reading a default");
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            tmp[n++] = c;
        } else if ((c == 0xc2 || c == 0xc3) && i + 1 < len) {
            tmp[n++] = (uint8_t)(((c & 0x03) << 6) | ((unsigned char)s[++i] & 0x3f));
        } else {
            floe_free(tmp);
            return floe_error_set(
                FLOE_ESCHEMA, "default of %s has a character above U+00FF in a bytes value", path);
        }
    }
    int rc = floe_avro__bytes_set(b, tmp, n);
    floe_free(tmp);
    return rc;
}

int floe_avro__value_from_json(floe_avro_value *v, const json_t *j, const char *path)
{
    const floe_avro_schema *s = v->schema;
    int rc = 0;
    switch (s->type) {
    case FLOE_AVRO_NULL:
        return json_is_null(j) ? 0 : bad_default(path, s);
    case FLOE_AVRO_BOOLEAN:
        if (!json_is_boolean(j))
            return bad_default(path, s);
        v->u.b = json_is_true(j);
        return 0;
    case FLOE_AVRO_INT:
        if (!json_is_integer(j) || json_integer_value(j) < INT32_MIN ||
            json_integer_value(j) > INT32_MAX)
            return bad_default(path, s);
        v->u.i = (int32_t)json_integer_value(j);
        return 0;
    case FLOE_AVRO_LONG:
        if (!json_is_integer(j))
            return bad_default(path, s);
        v->u.l = json_integer_value(j);
        return 0;
    case FLOE_AVRO_FLOAT:
    case FLOE_AVRO_DOUBLE: {
        double d;
        if (json_is_number(j))
            d = json_number_value(j);
        else if (json_is_string(j) && strcmp(json_string_value(j), "NaN") == 0)
            d = NAN;
        else if (json_is_string(j) && strcmp(json_string_value(j), "Infinity") == 0)
            d = INFINITY;
        else if (json_is_string(j) && strcmp(json_string_value(j), "-Infinity") == 0)
            d = -INFINITY;
        else
            return bad_default(path, s);
        if (s->type == FLOE_AVRO_FLOAT)
            v->u.f = (float)d;
        else
            v->u.d = d;
        return 0;
    }
    case FLOE_AVRO_STRING:
        if (!json_is_string(j))
            return bad_default(path, s);
        return floe_avro__bytes_set(&v->u.bytes, json_string_value(j), json_string_length(j));
    case FLOE_AVRO_BYTES:
    case FLOE_AVRO_FIXED:
        if (!json_is_string(j))
            return bad_default(path, s);
        rc = latin1_to_bytes(&v->u.bytes, json_string_value(j), json_string_length(j), path);
        if (rc == 0 && s->type == FLOE_AVRO_FIXED && v->u.bytes.len != s->fixed_size)
            return bad_default(path, s);
        return rc;
    case FLOE_AVRO_ENUM:
        if (!json_is_string(j))
            return bad_default(path, s);
        for (size_t i = 0; i < s->nsymbols; i++)
            if (strcmp(s->symbols[i], json_string_value(j)) == 0) {
                v->u.i = (int32_t)i;
                return 0;
            }
        return bad_default(path, s);
    case FLOE_AVRO_ARRAY:
        if (!json_is_array(j))
            return bad_default(path, s);
        v->u.arr.len = 0;
        for (size_t i = 0; i < json_array_size(j) && !rc; i++) {
            floe_avro_value *item;
            rc = floe_avro_value_append(&item, v);
            if (rc == 0)
                rc = floe_avro__value_from_json(item, json_array_get(j, i), path);
        }
        return rc;
    case FLOE_AVRO_MAP: {
        if (!json_is_object(j))
            return bad_default(path, s);
        v->u.arr.len = 0;
        const char *key;
        json_t *val;
        json_object_foreach((json_t *)j, key, val)
        {
            floe_avro_value *item;
            rc = floe_avro_value_map_add(&item, v, key, strlen(key));
            if (rc == 0)
                rc = floe_avro__value_from_json(item, val, path);
            if (rc)
                return rc;
        }
        return 0;
    }
    case FLOE_AVRO_RECORD:
        if (!json_is_object(j))
            return bad_default(path, s);
        for (size_t i = 0; i < s->nfields && !rc; i++) {
            const json_t *fj = json_object_get(j, s->fields[i].name);
            if (!fj)
                fj = s->fields[i].dflt;
            if (!fj)
                return floe_error_set(FLOE_ESCHEMA, "default of %s has no value for field '%s'",
                                      path, s->fields[i].name);
            rc = floe_avro__value_from_json(&v->u.rec.fields[i], fj, path);
        }
        return rc;
    case FLOE_AVRO_UNION: {
        /* The spec says a union default belongs to the first branch; readers in the wild also
         * accept null for a union with a null branch, and floe takes the first branch that
         * accepts the value. */
        floe_avro_value *b;
        if (s->nbranches == 0)
            return bad_default(path, s);
        if (json_is_null(j) && s->null_branch >= 0)
            return floe_avro_value_union_select(NULL, v, (int)s->null_branch);
        for (size_t i = 0; i < s->nbranches; i++) {
            rc = floe_avro_value_union_select(&b, v, (int)i);
            if (rc == 0)
                rc = floe_avro__value_from_json(b, j, path);
            if (rc != FLOE_ESCHEMA)
                return rc;
        }
        return bad_default(path, s);
    }
    }
    return bad_default(path, s);
}

int floe_avro_value_from_default_json(floe_avro_value *v, const char *json)
{
    json_error_t err;
    json_t *j = json_loads(json, JSON_DECODE_ANY, &err);
    if (!j)
        return floe_error_set(FLOE_EINVALID, "not JSON at column %d: %s", err.column, err.text);
    int rc = floe_avro__value_from_json(v, j, "the value");
    json_decref(j);
    return rc;
}
