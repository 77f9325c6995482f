/* Thrift compact protocol encoder and decoder (see compact.h). */
#include "formats/thrift/compact.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <floe/error.h>

/* ---- encoder ---------------------------------------------------------------------------- */

void floe_thrift__writer_init(floe_thrift_writer *w, floe_buf *out)
{
    memset(w, 0, sizeof *w);
    w->out = out;
}

int floe_thrift__writer_error(const floe_thrift_writer *w)
{
    return w->err;
}

static int put_byte(floe_thrift_writer *w, uint8_t b)
{
    if (w->err)
        return w->err;
    int rc = floe_buf_append_byte(w->out, b);
    if (rc)
        w->err = rc;
    return rc;
}

static int put_bytes(floe_thrift_writer *w, const void *p, size_t n)
{
    if (w->err)
        return w->err;
    int rc = floe_buf_append(w->out, p, n);
    if (rc)
        w->err = rc;
    return rc;
}

static int put_uvarint(floe_thrift_writer *w, uint64_t v)
{
    uint8_t tmp[10];
    size_t n = 0;
    while (v >= 0x80) {
        tmp[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    tmp[n++] = (uint8_t)v;
    return put_bytes(w, tmp, n);
}

static int put_zigzag(floe_thrift_writer *w, int64_t v)
{
    return put_uvarint(w, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static int writer_fail(floe_thrift_writer *w, const char *msg)
{
    if (!w->err)
        w->err = floe_error_set(FLOE_EINVALID, "thrift encoder: %s", msg);
    return w->err;
}

static int field_header(floe_thrift_writer *w, int type, int16_t id)
{
    if (w->err)
        return w->err;
    int16_t last = w->last_fid[w->depth];
    int delta = (int)id - (int)last;
    if (delta > 0 && delta <= 15) {
        put_byte(w, (uint8_t)((delta << 4) | type));
    } else {
        put_byte(w, (uint8_t)type);
        put_zigzag(w, id);
    }
    w->last_fid[w->depth] = id;
    return w->err;
}

int floe_thrift__write_field_begin(floe_thrift_writer *w, int type, int16_t id)
{
    if (type <= FLOE_THRIFT_BOOL_FALSE || type > FLOE_THRIFT_STRUCT)
        return writer_fail(w, "field type out of range (write bools with write_field_bool)");
    return field_header(w, type, id);
}

int floe_thrift__write_struct_begin(floe_thrift_writer *w)
{
    if (w->err)
        return w->err;
    if (w->depth >= FLOE_THRIFT_MAX_DEPTH)
        return writer_fail(w, "structs nested too deeply");
    w->depth++;
    w->last_fid[w->depth] = 0;
    return 0;
}

int floe_thrift__write_struct_end(floe_thrift_writer *w)
{
    if (w->err)
        return w->err;
    if (w->depth <= 0)
        return writer_fail(w, "struct_end without struct_begin");
    put_byte(w, FLOE_THRIFT_STOP);
    w->depth--;
    return w->err;
}

int floe_thrift__write_field_struct_begin(floe_thrift_writer *w, int16_t id)
{
    field_header(w, FLOE_THRIFT_STRUCT, id);
    return floe_thrift__write_struct_begin(w);
}

int floe_thrift__write_field_bool(floe_thrift_writer *w, int16_t id, bool v)
{
    return field_header(w, v ? FLOE_THRIFT_BOOL_TRUE : FLOE_THRIFT_BOOL_FALSE, id);
}

int floe_thrift__write_field_i8(floe_thrift_writer *w, int16_t id, int8_t v)
{
    field_header(w, FLOE_THRIFT_BYTE, id);
    return put_byte(w, (uint8_t)v);
}

int floe_thrift__write_field_i16(floe_thrift_writer *w, int16_t id, int16_t v)
{
    field_header(w, FLOE_THRIFT_I16, id);
    return put_zigzag(w, v);
}

int floe_thrift__write_field_i32(floe_thrift_writer *w, int16_t id, int32_t v)
{
    field_header(w, FLOE_THRIFT_I32, id);
    return put_zigzag(w, v);
}

int floe_thrift__write_field_i64(floe_thrift_writer *w, int16_t id, int64_t v)
{
    field_header(w, FLOE_THRIFT_I64, id);
    return put_zigzag(w, v);
}

int floe_thrift__write_field_double(floe_thrift_writer *w, int16_t id, double v)
{
    field_header(w, FLOE_THRIFT_DOUBLE, id);
    return floe_thrift__write_double(w, v);
}

int floe_thrift__write_field_binary(floe_thrift_writer *w, int16_t id, const void *data, size_t len)
{
    field_header(w, FLOE_THRIFT_BINARY, id);
    return floe_thrift__write_binary(w, data, len);
}

int floe_thrift__write_field_string(floe_thrift_writer *w, int16_t id, const char *s)
{
    return floe_thrift__write_field_binary(w, id, s, s ? strlen(s) : 0);
}

int floe_thrift__write_field_list_begin(floe_thrift_writer *w, int16_t id, int elem_type,
                                        uint32_t count)
{
    field_header(w, FLOE_THRIFT_LIST, id);
    return floe_thrift__write_list_begin(w, elem_type, count);
}

int floe_thrift__write_field_map_begin(floe_thrift_writer *w, int16_t id, int key_type,
                                       int value_type, uint32_t count)
{
    field_header(w, FLOE_THRIFT_MAP, id);
    return floe_thrift__write_map_begin(w, key_type, value_type, count);
}

int floe_thrift__write_list_begin(floe_thrift_writer *w, int elem_type, uint32_t count)
{
    if (elem_type < FLOE_THRIFT_BOOL_TRUE || elem_type > FLOE_THRIFT_STRUCT)
        return writer_fail(w, "list element type out of range");
    if (elem_type == FLOE_THRIFT_BOOL_FALSE)
        elem_type = FLOE_THRIFT_BOOL;
    if (count < 15)
        return put_byte(w, (uint8_t)((count << 4) | (uint32_t)elem_type));
    put_byte(w, (uint8_t)(0xF0 | elem_type));
    return put_uvarint(w, count);
}

int floe_thrift__write_map_begin(floe_thrift_writer *w, int key_type, int value_type,
                                 uint32_t count)
{
    put_uvarint(w, count);
    if (count == 0)
        return w->err;
    return put_byte(w, (uint8_t)((key_type << 4) | value_type));
}

int floe_thrift__write_bool(floe_thrift_writer *w, bool v)
{
    return put_byte(w, v ? 1 : 2);
}

int floe_thrift__write_i8(floe_thrift_writer *w, int8_t v)
{
    return put_byte(w, (uint8_t)v);
}

int floe_thrift__write_i16(floe_thrift_writer *w, int16_t v)
{
    return put_zigzag(w, v);
}

int floe_thrift__write_i32(floe_thrift_writer *w, int32_t v)
{
    return put_zigzag(w, v);
}

int floe_thrift__write_i64(floe_thrift_writer *w, int64_t v)
{
    return put_zigzag(w, v);
}

int floe_thrift__write_double(floe_thrift_writer *w, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, 8);
    uint8_t le[8];
    for (int i = 0; i < 8; i++)
        le[i] = (uint8_t)(bits >> (8 * i));
    return put_bytes(w, le, 8);
}

int floe_thrift__write_binary(floe_thrift_writer *w, const void *data, size_t len)
{
    if (len > INT32_MAX)
        return writer_fail(w, "binary longer than 2^31-1 bytes");
    put_uvarint(w, len);
    if (len == 0)
        return w->err;
    return put_bytes(w, data, len);
}

/* ---- decoder ---------------------------------------------------------------------------- */

void floe_thrift__reader_init(floe_thrift_reader *r, const void *data, size_t len,
                              uint64_t base_offset, const char *what)
{
    memset(r, 0, sizeof *r);
    r->data = data;
    r->len = data ? len : 0;
    r->base_offset = base_offset;
    r->what = what ? what : "thrift data";
    r->max_depth = FLOE_THRIFT_MAX_DEPTH;
    r->pending_bool = -1;
}

size_t floe_thrift__reader_remaining(const floe_thrift_reader *r)
{
    return r->len - r->pos;
}

int floe_thrift__corrupt(const floe_thrift_reader *r, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return floe_error_set(FLOE_ECORRUPT, "%s: %s at byte offset %llu (the file is corrupt)",
                          r->what, msg, (unsigned long long)(r->base_offset + r->pos));
}

static int get_byte(floe_thrift_reader *r, uint8_t *out)
{
    if (r->pos >= r->len) {
        /* Defined even on failure, so callers inlining this see every path set the byte. */
        *out = 0;
        return floe_thrift__corrupt(r, "unexpected end of data");
    }
    *out = r->data[r->pos++];
    return 0;
}

static int get_uvarint(floe_thrift_reader *r, uint64_t *out)
{
    uint64_t v = 0;
    size_t start = r->pos;
    for (int shift = 0; shift < 70; shift += 7) {
        if (r->pos >= r->len) {
            r->pos = start;
            return floe_thrift__corrupt(r, "truncated varint");
        }
        uint8_t b = r->data[r->pos++];
        if (shift == 63 && (b & 0x7E)) {
            r->pos = start;
            return floe_thrift__corrupt(r, "varint overflows 64 bits");
        }
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return 0;
        }
    }
    r->pos = start;
    return floe_thrift__corrupt(r, "varint longer than 10 bytes");
}

static int get_zigzag(floe_thrift_reader *r, int64_t *out)
{
    uint64_t u;
    int rc = get_uvarint(r, &u);
    if (rc)
        return rc;
    *out = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
    return 0;
}

/* Enters a struct, list or map: one more level of field ids. Too deep a nesting moves the
 * position back to `start`, the container's header, so the error points at it. */
static int enter_nested(floe_thrift_reader *r, size_t start)
{
    if (r->depth >= r->max_depth || r->depth >= FLOE_THRIFT_MAX_DEPTH) {
        r->pos = start;
        return floe_thrift__corrupt(r, "nesting deeper than %d levels", r->max_depth);
    }
    r->depth++;
    r->last_fid[r->depth] = 0;
    r->pending_bool = -1;
    return 0;
}

int floe_thrift__read_struct_begin(floe_thrift_reader *r)
{
    return enter_nested(r, r->pos);
}

int floe_thrift__read_struct_end(floe_thrift_reader *r)
{
    if (r->depth <= 0)
        return floe_thrift__corrupt(r, "struct end without a struct");
    r->depth--;
    r->pending_bool = -1;
    return 0;
}

int floe_thrift__read_field_begin(floe_thrift_reader *r, int *type, int16_t *id)
{
    uint8_t b;
    r->pending_bool = -1;
    int rc = get_byte(r, &b);
    if (rc)
        return rc;
    int t = b & 0x0F;
    if (t == FLOE_THRIFT_STOP) {
        if (b != 0) {
            r->pos--;
            return floe_thrift__corrupt(r, "malformed field header 0x%02x", b);
        }
        *type = FLOE_THRIFT_STOP;
        *id = 0;
        return 0;
    }
    if (t > FLOE_THRIFT_STRUCT) {
        r->pos--;
        return floe_thrift__corrupt(r, "unknown field type %d", t);
    }
    int delta = b >> 4;
    int16_t fid;
    if (delta) {
        int v = r->last_fid[r->depth] + delta;
        if (v > INT16_MAX) {
            r->pos--;
            return floe_thrift__corrupt(r, "field id overflows 16 bits");
        }
        fid = (int16_t)v;
    } else {
        int64_t v;
        rc = get_zigzag(r, &v);
        if (rc)
            return rc;
        if (v < INT16_MIN || v > INT16_MAX)
            return floe_thrift__corrupt(r, "field id %lld out of range", (long long)v);
        fid = (int16_t)v;
    }
    r->last_fid[r->depth] = fid;
    if (t == FLOE_THRIFT_BOOL_TRUE || t == FLOE_THRIFT_BOOL_FALSE)
        r->pending_bool = t == FLOE_THRIFT_BOOL_TRUE;
    *type = t;
    *id = fid;
    return 0;
}

int floe_thrift__read_list_begin(floe_thrift_reader *r, int *elem_type, uint32_t *count)
{
    uint8_t b;
    size_t start = r->pos;
    int rc = get_byte(r, &b);
    if (rc)
        return rc;
    int t = b & 0x0F;
    uint64_t n = b >> 4;
    if (n == 15) {
        rc = get_uvarint(r, &n);
        if (rc)
            return rc;
    }
    if (t < FLOE_THRIFT_BOOL_TRUE || t > FLOE_THRIFT_STRUCT) {
        r->pos = start;
        return floe_thrift__corrupt(r, "unknown list element type %d", t);
    }
    /* Every element takes at least one byte, so a count above the remaining bytes is a lie. */
    if (n > floe_thrift__reader_remaining(r) || n > INT32_MAX) {
        r->pos = start;
        return floe_thrift__corrupt(r, "list of %llu elements exceeds the %zu bytes left",
                                    (unsigned long long)n, floe_thrift__reader_remaining(r));
    }
    rc = enter_nested(r, start);
    if (rc)
        return rc;
    *elem_type = t;
    *count = (uint32_t)n;
    return 0;
}

void floe_thrift__read_list_end(floe_thrift_reader *r)
{
    if (r->depth > 0)
        r->depth--;
    r->pending_bool = -1;
}

int floe_thrift__read_map_begin(floe_thrift_reader *r, int *key_type, int *value_type,
                                uint32_t *count)
{
    uint64_t n;
    size_t start = r->pos;
    int rc = get_uvarint(r, &n);
    if (rc)
        return rc;
    int kt = 0, vt = 0;
    if (n > 0) {
        uint8_t b;
        rc = get_byte(r, &b);
        if (rc)
            return rc;
        kt = b >> 4;
        vt = b & 0x0F;
        if (kt < FLOE_THRIFT_BOOL_TRUE || kt > FLOE_THRIFT_STRUCT || vt < FLOE_THRIFT_BOOL_TRUE ||
            vt > FLOE_THRIFT_STRUCT) {
            r->pos = start;
            return floe_thrift__corrupt(r, "unknown map key/value types 0x%02x", b);
        }
    }
    /* Each pair takes at least two bytes. */
    if (n > floe_thrift__reader_remaining(r) / 2 || n > INT32_MAX) {
        r->pos = start;
        return floe_thrift__corrupt(r, "map of %llu entries exceeds the bytes left",
                                    (unsigned long long)n);
    }
    rc = enter_nested(r, start);
    if (rc)
        return rc;
    *key_type = kt;
    *value_type = vt;
    *count = (uint32_t)n;
    return 0;
}

void floe_thrift__read_map_end(floe_thrift_reader *r)
{
    floe_thrift__read_list_end(r);
}

int floe_thrift__read_bool(floe_thrift_reader *r, bool *out)
{
    if (r->pending_bool >= 0) {
        *out = r->pending_bool == 1;
        r->pending_bool = -1;
        return 0;
    }
    uint8_t b;
    int rc = get_byte(r, &b);
    if (rc)
        return rc;
    if (b > 2) {
        r->pos--;
        return floe_thrift__corrupt(r, "invalid bool byte 0x%02x", b);
    }
    *out = b == 1;
    return 0;
}

int floe_thrift__read_i8(floe_thrift_reader *r, int8_t *out)
{
    uint8_t b;
    int rc = get_byte(r, &b);
    if (rc)
        return rc;
    *out = (int8_t)b;
    return 0;
}

/* A zigzag varint that must lie in [lo, hi]; on failure the position is left unchanged. */
static int get_zigzag_in(floe_thrift_reader *r, int64_t lo, int64_t hi, const char *what,
                         int64_t *out)
{
    size_t start = r->pos;
    int rc = get_zigzag(r, out);
    if (rc)
        return rc;
    if (*out < lo || *out > hi) {
        r->pos = start;
        return floe_thrift__corrupt(r, "%s value %lld out of range", what, (long long)*out);
    }
    return 0;
}

int floe_thrift__read_i16(floe_thrift_reader *r, int16_t *out)
{
    int64_t v = 0;
    int rc = get_zigzag_in(r, INT16_MIN, INT16_MAX, "i16", &v);
    if (rc == 0)
        *out = (int16_t)v;
    return rc;
}

int floe_thrift__read_i32(floe_thrift_reader *r, int32_t *out)
{
    int64_t v = 0;
    int rc = get_zigzag_in(r, INT32_MIN, INT32_MAX, "i32", &v);
    if (rc == 0)
        *out = (int32_t)v;
    return rc;
}

int floe_thrift__read_i64(floe_thrift_reader *r, int64_t *out)
{
    return get_zigzag(r, out);
}

int floe_thrift__read_double(floe_thrift_reader *r, double *out)
{
    if (floe_thrift__reader_remaining(r) < 8)
        return floe_thrift__corrupt(r, "truncated double");
    uint64_t bits = 0;
    for (int i = 0; i < 8; i++)
        bits |= (uint64_t)r->data[r->pos + i] << (8 * i);
    r->pos += 8;
    memcpy(out, &bits, 8);
    return 0;
}

int floe_thrift__read_binary(floe_thrift_reader *r, const uint8_t **data, size_t *len)
{
    uint64_t n;
    size_t start = r->pos;
    int rc = get_uvarint(r, &n);
    if (rc)
        return rc;
    if (n > floe_thrift__reader_remaining(r)) {
        r->pos = start;
        return floe_thrift__corrupt(r, "binary of %llu bytes exceeds the %zu bytes left",
                                    (unsigned long long)n, floe_thrift__reader_remaining(r) - 0);
    }
    *data = r->data + r->pos;
    *len = (size_t)n;
    r->pos += (size_t)n;
    return 0;
}

int floe_thrift__read_int_as_i64(floe_thrift_reader *r, int type, int64_t *out)
{
    int rc;
    switch (type) {
    case FLOE_THRIFT_BYTE: {
        int8_t v;
        rc = floe_thrift__read_i8(r, &v);
        if (rc)
            return rc;
        *out = v;
        return 0;
    }
    case FLOE_THRIFT_I16:
    case FLOE_THRIFT_I32:
    case FLOE_THRIFT_I64:
        return get_zigzag(r, out);
    default:
        return floe_thrift__corrupt(r, "expected an integer, found wire type %d", type);
    }
}

int floe_thrift__skip(floe_thrift_reader *r, int type)
{
    int rc;
    switch (type) {
    case FLOE_THRIFT_BOOL_TRUE:
    case FLOE_THRIFT_BOOL_FALSE: {
        bool b;
        return floe_thrift__read_bool(r, &b);
    }
    case FLOE_THRIFT_BYTE: {
        uint8_t b;
        return get_byte(r, &b);
    }
    case FLOE_THRIFT_I16:
    case FLOE_THRIFT_I32:
    case FLOE_THRIFT_I64: {
        uint64_t v;
        return get_uvarint(r, &v);
    }
    case FLOE_THRIFT_DOUBLE: {
        double d;
        return floe_thrift__read_double(r, &d);
    }
    case FLOE_THRIFT_BINARY: {
        const uint8_t *p;
        size_t n;
        return floe_thrift__read_binary(r, &p, &n);
    }
    case FLOE_THRIFT_LIST:
    case FLOE_THRIFT_SET: {
        int et;
        uint32_t n;
        rc = floe_thrift__read_list_begin(r, &et, &n);
        if (rc)
            return rc;
        for (uint32_t i = 0; i < n; i++) {
            rc = floe_thrift__skip(r, et == FLOE_THRIFT_BOOL_FALSE ? FLOE_THRIFT_BOOL : et);
            if (rc)
                return rc;
        }
        floe_thrift__read_list_end(r);
        return 0;
    }
    case FLOE_THRIFT_MAP: {
        int kt, vt;
        uint32_t n;
        rc = floe_thrift__read_map_begin(r, &kt, &vt, &n);
        if (rc)
            return rc;
        for (uint32_t i = 0; i < n; i++) {
            rc = floe_thrift__skip(r, kt);
            if (!rc)
                rc = floe_thrift__skip(r, vt);
            if (rc)
                return rc;
        }
        floe_thrift__read_map_end(r);
        return 0;
    }
    case FLOE_THRIFT_STRUCT: {
        rc = floe_thrift__read_struct_begin(r);
        if (rc)
            return rc;
        for (;;) {
            int ft;
            int16_t fid;
            rc = floe_thrift__read_field_begin(r, &ft, &fid);
            if (rc)
                return rc;
            if (ft == FLOE_THRIFT_STOP)
                break;
            rc = floe_thrift__skip(r, ft);
            if (rc)
                return rc;
        }
        return floe_thrift__read_struct_end(r);
    }
    default:
        return floe_thrift__corrupt(r, "cannot skip unknown wire type %d", type);
    }
}
