/* Avro binary encoding: zigzag varints, length-prefixed bytes, blocked arrays and maps, union
 * branch indexes. Every length read from input is checked against the bytes that remain, and
 * errors name the byte offset where decoding failed. */
#include <stdio.h>
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "formats/avro/avro_internal.h"

/* Items of a zero-size type (null, empty record) cost no input bytes; cap them so a hostile
 * count cannot make the decoder spin or allocate without bound. */
#define MAX_ZERO_SIZE_ITEMS (1u << 24)

int floe_avro__corrupt(const floe_avro__dec *d, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return floe_error_set(FLOE_ECORRUPT, "corrupt Avro data at byte offset %llu%s%s: %s",
                          (unsigned long long)(d->base + (uint64_t)(d->p - d->start)),
                          d->what ? " of " : "", d->what ? d->what : "", msg);
}

int floe_avro__read_long(floe_avro__dec *d, int64_t *out)
{
    uint64_t v = 0;
    unsigned shift = 0;
    const uint8_t *p = d->p;
    for (;;) {
        if (p >= d->end)
            return floe_avro__corrupt(d, "truncated varint");
        uint8_t b = *p++;
        if (shift == 63 && (b & 0x7e))
            return floe_avro__corrupt(d, "varint longer than 64 bits");
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            break;
        shift += 7;
        if (shift > 63)
            return floe_avro__corrupt(d, "varint longer than 10 bytes");
    }
    d->p = p;
    *out = (int64_t)((v >> 1) ^ (0 - (v & 1)));
    return 0;
}

int floe_avro__read_int(floe_avro__dec *d, int32_t *out)
{
    int64_t v;
    const uint8_t *at = d->p;
    int rc = floe_avro__read_long(d, &v);
    if (rc)
        return rc;
    if (v < INT32_MIN || v > INT32_MAX) {
        d->p = at;
        return floe_avro__corrupt(d, "int value %lld is out of the 32-bit range", (long long)v);
    }
    *out = (int32_t)v;
    return 0;
}

int floe_avro__read_len(floe_avro__dec *d, size_t *out)
{
    int64_t v;
    const uint8_t *at = d->p;
    int rc = floe_avro__read_long(d, &v);
    if (rc)
        return rc;
    if (v < 0 || (uint64_t)v > (uint64_t)(d->end - d->p)) {
        d->p = at;
        return floe_avro__corrupt(d, "length %lld exceeds the %zu bytes that remain", (long long)v,
                                  (size_t)(d->end - d->p));
    }
    *out = (size_t)v;
    return 0;
}

int floe_avro__read_block_count(floe_avro__dec *d, int64_t *count, int64_t *bytes, int costly,
                                size_t total_so_far)
{
    const uint8_t *at = d->p;
    int64_t n;
    int rc = floe_avro__read_long(d, &n);
    if (rc)
        return rc;
    *bytes = -1;
    if (n < 0) {
        if (n == INT64_MIN) {
            d->p = at;
            return floe_avro__corrupt(d, "invalid block count");
        }
        n = -n;
        int64_t sz;
        const uint8_t *szat = d->p;
        rc = floe_avro__read_long(d, &sz);
        if (rc)
            return rc;
        if (sz < 0 || (uint64_t)sz > (uint64_t)(d->end - d->p)) {
            d->p = szat;
            return floe_avro__corrupt(d, "block size %lld exceeds the %zu bytes that remain",
                                      (long long)sz, (size_t)(d->end - d->p));
        }
        *bytes = sz;
    }
    if (costly && (uint64_t)n > (uint64_t)(d->end - d->p)) {
        d->p = at;
        return floe_avro__corrupt(d, "block of %lld items exceeds the %zu bytes that remain",
                                  (long long)n, (size_t)(d->end - d->p));
    }
    if (!costly && (uint64_t)n + total_so_far > MAX_ZERO_SIZE_ITEMS) {
        d->p = at;
        return floe_avro__corrupt(d, "more than %u items of a zero-size type", MAX_ZERO_SIZE_ITEMS);
    }
    *count = n;
    return 0;
}

int floe_avro__read_bytes(floe_avro__dec *d, floe_avro__bytes *out)
{
    size_t n = 0;
    int rc = floe_avro__read_len(d, &n);
    if (rc)
        return rc;
    rc = floe_avro__bytes_set(out, d->p, n);
    d->p += n;
    return rc;
}

int floe_avro__enter(floe_avro__dec *d)
{
    if (++d->depth > FLOE_AVRO__MAX_DEPTH)
        return floe_avro__corrupt(d, "values nested deeper than %d levels", FLOE_AVRO__MAX_DEPTH);
    return 0;
}

/* An index read from `at` must be below `count`; otherwise the cursor goes back to it. */
static int check_index(floe_avro__dec *d, const uint8_t *at, int64_t i, size_t count,
                       const char *what, const char *items)
{
    if (i >= 0 && (uint64_t)i < count)
        return 0;
    d->p = at;
    return floe_avro__corrupt(d, "%s %lld out of range (%zu %s)", what, (long long)i, count, items);
}

int floe_avro__read_branch(floe_avro__dec *d, size_t nbranches, int64_t *out)
{
    const uint8_t *at = d->p;
    int rc = floe_avro__read_long(d, out);
    return rc ? rc : check_index(d, at, *out, nbranches, "union branch", "branches");
}

int floe_avro__read_enum_index(floe_avro__dec *d, size_t nsymbols, int32_t *out)
{
    const uint8_t *at = d->p;
    int rc = floe_avro__read_int(d, out);
    return rc ? rc : check_index(d, at, *out, nsymbols, "enum index", "symbols");
}

int floe_avro__decode_items(floe_avro__dec *d, floe_avro_value *v, int is_map, int costly,
                            int (*item)(floe_avro__dec *d, const void *ctx, floe_avro_value *v),
                            const void *ctx)
{
    int rc = floe_avro__enter(d);
    if (rc)
        return rc;
    v->u.arr.len = 0;
    for (;;) {
        int64_t n, bytes;
        if ((rc = floe_avro__read_block_count(d, &n, &bytes, costly, v->u.arr.len)))
            return rc;
        if (n == 0)
            break;
        for (int64_t k = 0; k < n; k++) {
            floe_avro_value *iv;
            size_t klen = 0;
            const uint8_t *key = NULL;
            if (is_map) {
                if ((rc = floe_avro__read_len(d, &klen)))
                    return rc;
                key = d->p;
                d->p += klen;
            }
            if ((rc = floe_avro__value_append_raw(&iv, v)))
                return rc;
            if (is_map && (rc = floe_avro__bytes_set(&v->u.arr.keys[v->u.arr.len - 1], key, klen)))
                return rc;
            if ((rc = item(d, ctx, iv)))
                return rc;
        }
    }
    d->depth--;
    return 0;
}

static int decode_item(floe_avro__dec *d, const void *ctx, floe_avro_value *v)
{
    (void)ctx;
    return floe_avro__decode(d, v);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int need(floe_avro__dec *d, size_t n, const char *what)
{
    if ((size_t)(d->end - d->p) < n)
        return floe_avro__corrupt(d, "truncated %s: %zu bytes needed, %zu remain", what, n,
                                  (size_t)(d->end - d->p));
    return 0;
}

int floe_avro__decode(floe_avro__dec *d, floe_avro_value *v)
{
    const floe_avro_schema *s = v->schema;
    int rc = 0;
    switch (s->type) {
    case FLOE_AVRO_NULL:
        return 0;
    case FLOE_AVRO_BOOLEAN:
        if ((rc = need(d, 1, "boolean")))
            return rc;
        if (*d->p > 1)
            return floe_avro__corrupt(d, "boolean byte is %u, not 0 or 1", *d->p);
        v->u.b = *d->p++;
        return 0;
    case FLOE_AVRO_INT:
        return floe_avro__read_int(d, &v->u.i);
    case FLOE_AVRO_LONG:
        return floe_avro__read_long(d, &v->u.l);
    case FLOE_AVRO_FLOAT: {
        if ((rc = need(d, 4, "float")))
            return rc;
        uint32_t u = le32(d->p);
        memcpy(&v->u.f, &u, 4);
        d->p += 4;
        return 0;
    }
    case FLOE_AVRO_DOUBLE: {
        if ((rc = need(d, 8, "double")))
            return rc;
        uint64_t u = (uint64_t)le32(d->p) | (uint64_t)le32(d->p + 4) << 32;
        memcpy(&v->u.d, &u, 8);
        d->p += 8;
        return 0;
    }
    case FLOE_AVRO_BYTES:
    case FLOE_AVRO_STRING:
        return floe_avro__read_bytes(d, &v->u.bytes);
    case FLOE_AVRO_FIXED:
        if ((rc = need(d, s->fixed_size, "fixed")))
            return rc;
        rc = floe_avro__bytes_set(&v->u.bytes, d->p, s->fixed_size);
        d->p += s->fixed_size;
        return rc;
    case FLOE_AVRO_ENUM: {
        int32_t i = 0;
        if ((rc = floe_avro__read_enum_index(d, s->nsymbols, &i)))
            return rc;
        v->u.i = i;
        return 0;
    }
    case FLOE_AVRO_RECORD:
        if ((rc = floe_avro__enter(d)))
            return rc;
        for (size_t i = 0; i < s->nfields && !rc; i++)
            rc = floe_avro__decode(d, &v->u.rec.fields[i]);
        d->depth--;
        return rc;
    case FLOE_AVRO_ARRAY:
    case FLOE_AVRO_MAP: {
        int is_map = s->type == FLOE_AVRO_MAP;
        return floe_avro__decode_items(d, v, is_map, is_map || s->child->min_size > 0, decode_item,
                                       NULL);
    }
    case FLOE_AVRO_UNION: {
        int64_t b = 0;
        if ((rc = floe_avro__read_branch(d, s->nbranches, &b)))
            return rc;
        floe_avro_value *bv;
        if ((rc = floe_avro_value_union_select(&bv, v, (int)b)))
            return rc;
        if ((rc = floe_avro__enter(d)))
            return rc;
        rc = floe_avro__decode(d, bv);
        d->depth--;
        return rc;
    }
    }
    return floe_avro__corrupt(d, "unknown schema type");
}

int floe_avro__skip(floe_avro__dec *d, const floe_avro_schema *s)
{
    int rc = 0;
    int64_t tmp;
    size_t n;
    switch (s->type) {
    case FLOE_AVRO_NULL:
        return 0;
    case FLOE_AVRO_BOOLEAN:
        if ((rc = need(d, 1, "boolean")))
            return rc;
        d->p++;
        return 0;
    case FLOE_AVRO_INT:
    case FLOE_AVRO_LONG:
    case FLOE_AVRO_ENUM:
        return floe_avro__read_long(d, &tmp);
    case FLOE_AVRO_FLOAT:
    case FLOE_AVRO_DOUBLE:
    case FLOE_AVRO_FIXED:
        n = s->type == FLOE_AVRO_FLOAT ? 4 : s->type == FLOE_AVRO_DOUBLE ? 8 : s->fixed_size;
        if ((rc = need(d, n, floe_avro_type_name(s->type))))
            return rc;
        d->p += n;
        return 0;
    case FLOE_AVRO_BYTES:
    case FLOE_AVRO_STRING:
        if ((rc = floe_avro__read_len(d, &n)))
            return rc;
        d->p += n;
        return 0;
    case FLOE_AVRO_RECORD:
        if ((rc = floe_avro__enter(d)))
            return rc;
        for (size_t i = 0; i < s->nfields && !rc; i++)
            rc = floe_avro__skip(d, s->fields[i].type);
        d->depth--;
        return rc;
    case FLOE_AVRO_ARRAY:
    case FLOE_AVRO_MAP: {
        if ((rc = floe_avro__enter(d)))
            return rc;
        int is_map = s->type == FLOE_AVRO_MAP;
        size_t total = 0;
        for (;;) {
            int64_t cnt, bytes;
            if ((rc = floe_avro__read_block_count(d, &cnt, &bytes, is_map || s->child->min_size > 0,
                                                  total)))
                return rc;
            if (cnt == 0)
                break;
            total += (size_t)cnt;
            if (bytes >= 0) {
                d->p += bytes;
                continue;
            }
            for (int64_t k = 0; k < cnt; k++) {
                if (is_map) {
                    if ((rc = floe_avro__read_len(d, &n)))
                        return rc;
                    d->p += n;
                }
                if ((rc = floe_avro__skip(d, s->child)))
                    return rc;
            }
        }
        d->depth--;
        return 0;
    }
    case FLOE_AVRO_UNION: {
        if ((rc = floe_avro__read_branch(d, s->nbranches, &tmp)))
            return rc;
        if ((rc = floe_avro__enter(d)))
            return rc;
        rc = floe_avro__skip(d, s->branches[tmp]);
        d->depth--;
        return rc;
    }
    }
    return floe_avro__corrupt(d, "unknown schema type");
}

static int put_le(floe_buf *b, uint64_t u, int n)
{
    uint8_t tmp[8];
    for (int i = 0; i < n; i++)
        tmp[i] = (uint8_t)(u >> (8 * i));
    return floe_buf_append(b, tmp, (size_t)n);
}

static int encode(floe_buf *b, const floe_avro_value *v, int depth)
{
    const floe_avro_schema *s = v->schema;
    int rc = 0;
    if (depth > FLOE_AVRO__MAX_DEPTH)
        return floe_error_set(FLOE_ERANGE, "Avro value nested deeper than %d levels",
                              FLOE_AVRO__MAX_DEPTH);
    switch (s->type) {
    case FLOE_AVRO_NULL:
        return 0;
    case FLOE_AVRO_BOOLEAN:
        return floe_buf_append_byte(b, v->u.b ? 1 : 0);
    case FLOE_AVRO_INT:
    case FLOE_AVRO_ENUM:
        return floe_buf_append_zigzag(b, v->u.i);
    case FLOE_AVRO_LONG:
        return floe_buf_append_zigzag(b, v->u.l);
    case FLOE_AVRO_FLOAT: {
        uint32_t u;
        memcpy(&u, &v->u.f, 4);
        return put_le(b, u, 4);
    }
    case FLOE_AVRO_DOUBLE: {
        uint64_t u;
        memcpy(&u, &v->u.d, 8);
        return put_le(b, u, 8);
    }
    case FLOE_AVRO_BYTES:
    case FLOE_AVRO_STRING:
        rc = floe_buf_append_zigzag(b, (int64_t)v->u.bytes.len);
        return rc ? rc : floe_buf_append(b, v->u.bytes.data, v->u.bytes.len);
    case FLOE_AVRO_FIXED:
        return floe_buf_append(b, v->u.bytes.data, s->fixed_size);
    case FLOE_AVRO_RECORD:
        for (size_t i = 0; i < s->nfields && !rc; i++)
            rc = encode(b, &v->u.rec.fields[i], depth + 1);
        return rc;
    case FLOE_AVRO_ARRAY:
    case FLOE_AVRO_MAP:
        if (v->u.arr.len) {
            rc = floe_buf_append_zigzag(b, (int64_t)v->u.arr.len);
            for (size_t i = 0; i < v->u.arr.len && !rc; i++) {
                if (s->type == FLOE_AVRO_MAP) {
                    rc = floe_buf_append_zigzag(b, (int64_t)v->u.arr.keys[i].len);
                    if (rc == 0)
                        rc = floe_buf_append(b, v->u.arr.keys[i].data, v->u.arr.keys[i].len);
                }
                if (rc == 0)
                    rc = encode(b, &v->u.arr.items[i], depth + 1);
            }
        }
        return rc ? rc : floe_buf_append_byte(b, 0);
    case FLOE_AVRO_UNION: {
        if (s->nbranches == 0)
            return floe_error_set(FLOE_EINVALID, "cannot encode a value of an empty union");
        const floe_avro_value *bv = floe_avro_value_union_value(v);
        if (!bv)
            return FLOE_ENOMEM;
        rc = floe_buf_append_zigzag(b, v->u.uni.branch);
        return rc ? rc : encode(b, bv, depth + 1);
    }
    }
    return floe_error_set(FLOE_EINVALID, "unknown Avro schema type");
}

int floe_avro__encode(floe_buf *b, const floe_avro_value *v)
{
    return encode(b, v, 0);
}
