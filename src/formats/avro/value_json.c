/* Rendering values as JSON: plain (unions unwrapped, bytes as hex) or the Avro JSON encoding
 * (unions wrapped in {"type": value}, bytes as strings of code points 0-255). Longs are
 * written as exact integers and floats with the fewest digits that read back to the same
 * value. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "base/utf8.h"
#include "formats/avro/avro_internal.h"

int floe_avro__json_string(floe_buf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    int rc = floe_buf_append_byte(b, '"');
    for (size_t i = 0; i < len && !rc;) {
        unsigned char c = p[i];
        if (c == '"' || c == '\\') {
            rc = floe_buf_append_byte(b, '\\');
            rc = rc ? rc : floe_buf_append_byte(b, c);
            i++;
        } else if (c < 0x20) {
            static const char esc[] = "btn\0fr";
            if (c >= 8 && c <= 13 && c != 11)
                rc = floe_buf_printf(b, "\\%c", esc[c - 8]);
            else
                rc = floe_buf_printf(b, "\\u%04x", c);
            i++;
        } else {
            size_t n = floe_utf8_seq_len(p + i, len - i);
            if (n == 0) {
                rc = floe_buf_append_str(b, "\\ufffd");
                i++;
            } else {
                rc = floe_buf_append(b, p + i, n);
                i += n;
            }
        }
    }
    return rc ? rc : floe_buf_append_byte(b, '"');
}

static int put_double(floe_buf *b, double d, int is_float)
{
    if (isnan(d))
        return floe_buf_append_str(b, "\"NaN\"");
    if (isinf(d))
        return floe_buf_append_str(b, d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    char tmp[40];
    for (int prec = is_float ? 6 : 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, d);
        if (is_float ? strtof(tmp, NULL) == (float)d : strtod(tmp, NULL) == d)
            break;
    }
    /* Keep a float-looking token so readers do not take it for an integer. */
    int rc = floe_buf_append_str(b, tmp);
    if (rc == 0 && !strpbrk(tmp, ".eE"))
        rc = floe_buf_append_str(b, ".0");
    return rc;
}

static int put_hex(floe_buf *b, const uint8_t *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    int rc = floe_buf_reserve(b, n * 2 + 2);
    if (rc)
        return rc;
    b->data[b->len++] = '"';
    for (size_t i = 0; i < n; i++) {
        b->data[b->len++] = (uint8_t)hex[p[i] >> 4];
        b->data[b->len++] = (uint8_t)hex[p[i] & 15];
    }
    b->data[b->len++] = '"';
    return 0;
}

static int put_latin1(floe_buf *b, const uint8_t *p, size_t n)
{
    int rc = floe_buf_append_byte(b, '"');
    for (size_t i = 0; i < n && !rc; i++) {
        uint8_t c = p[i];
        if (c == '"' || c == '\\')
            rc = floe_buf_printf(b, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            rc = floe_buf_printf(b, "\\u%04x", c);
        else
            rc = floe_buf_append_byte(b, c);
    }
    return rc ? rc : floe_buf_append_byte(b, '"');
}

static int render(floe_buf *b, const floe_avro_value *v, unsigned flags, int depth)
{
    const floe_avro_schema *s = v->schema;
    int avro = (flags & FLOE_AVRO_JSON_AVRO) != 0;
    int rc = 0;
    if (depth > FLOE_AVRO__MAX_DEPTH)
        return floe_error_set(FLOE_ERANGE, "value nested too deeply to render");
    switch (s->type) {
    case FLOE_AVRO_NULL:
        return floe_buf_append_str(b, "null");
    case FLOE_AVRO_BOOLEAN:
        return floe_buf_append_str(b, v->u.b ? "true" : "false");
    case FLOE_AVRO_INT:
        return floe_buf_printf(b, "%d", (int)v->u.i);
    case FLOE_AVRO_LONG:
        return floe_buf_printf(b, "%lld", (long long)v->u.l);
    case FLOE_AVRO_FLOAT:
        return put_double(b, v->u.f, 1);
    case FLOE_AVRO_DOUBLE:
        return put_double(b, v->u.d, 0);
    case FLOE_AVRO_STRING:
        return floe_avro__json_string(b, (const char *)v->u.bytes.data, v->u.bytes.len);
    case FLOE_AVRO_BYTES:
    case FLOE_AVRO_FIXED:
        return avro ? put_latin1(b, v->u.bytes.data, v->u.bytes.len)
                    : put_hex(b, v->u.bytes.data, v->u.bytes.len);
    case FLOE_AVRO_ENUM: {
        const char *sym = floe_avro_value_get_enum_symbol(v);
        return floe_avro__json_string(b, sym ? sym : "", sym ? strlen(sym) : 0);
    }
    case FLOE_AVRO_RECORD:
        rc = floe_buf_append_byte(b, '{');
        for (size_t i = 0; i < s->nfields && !rc; i++) {
            if (i)
                rc = floe_buf_append_byte(b, ',');
            rc = rc ? rc : floe_avro__json_string(b, s->fields[i].name, strlen(s->fields[i].name));
            rc = rc ? rc : floe_buf_append_byte(b, ':');
            rc = rc ? rc : render(b, &v->u.rec.fields[i], flags, depth + 1);
        }
        return rc ? rc : floe_buf_append_byte(b, '}');
    case FLOE_AVRO_ARRAY:
        rc = floe_buf_append_byte(b, '[');
        for (size_t i = 0; i < v->u.arr.len && !rc; i++) {
            if (i)
                rc = floe_buf_append_byte(b, ',');
            rc = rc ? rc : render(b, &v->u.arr.items[i], flags, depth + 1);
        }
        return rc ? rc : floe_buf_append_byte(b, ']');
    case FLOE_AVRO_MAP:
        rc = floe_buf_append_byte(b, '{');
        for (size_t i = 0; i < v->u.arr.len && !rc; i++) {
            if (i)
                rc = floe_buf_append_byte(b, ',');
            rc = rc ? rc
                    : floe_avro__json_string(b, (const char *)v->u.arr.keys[i].data,
                                             v->u.arr.keys[i].len);
            rc = rc ? rc : floe_buf_append_byte(b, ':');
            rc = rc ? rc : render(b, &v->u.arr.items[i], flags, depth + 1);
        }
        return rc ? rc : floe_buf_append_byte(b, '}');
    case FLOE_AVRO_UNION: {
        const floe_avro_value *bv = floe_avro_value_union_value(v);
        if (!bv)
            return floe_error_set(FLOE_EINVALID, "empty union value");
        if (!avro || bv->schema->type == FLOE_AVRO_NULL)
            return render(b, bv, flags, depth + 1);
        const char *tn =
            bv->schema->fullname ? bv->schema->fullname : floe_avro_type_name(bv->schema->type);
        rc = floe_buf_append_byte(b, '{');
        rc = rc ? rc : floe_avro__json_string(b, tn, strlen(tn));
        rc = rc ? rc : floe_buf_append_byte(b, ':');
        rc = rc ? rc : render(b, bv, flags, depth + 1);
        return rc ? rc : floe_buf_append_byte(b, '}');
    }
    }
    return floe_error_set(FLOE_EINVALID, "unknown Avro type");
}

int floe_avro_value_to_json(char **out, const floe_avro_value *value, unsigned flags)
{
    floe_buf b = FLOE_BUF_INIT;
    int rc = render(&b, value, flags, 0);
    if (rc == 0 && !floe_buf_cstr(&b))
        rc = FLOE_ENOMEM;
    if (rc) {
        floe_buf_free(&b);
        return rc;
    }
    /* The caller frees with free(): floe_buf memory comes from floe_malloc, which is malloc. */
    *out = (char *)floe_buf_detach(&b, NULL);
    return 0;
}
