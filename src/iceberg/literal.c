/* Typed literals: construction, ordering, conversion, Appendix D forms, bound truncation. */
#include <floe/iceberg/literal.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/timeconv.h"
#include "iceberg/literal_internal.h"
#include "iceberg/type_internal.h"

static floe_literal make(floe_type_kind k)
{
    floe_literal l;
    memset(&l, 0, sizeof l);
    l.kind = k;
    return l;
}

floe_literal floe_literal_null(floe_type_kind kind)
{
    floe_literal l = make(kind);
    l.is_null = true;
    return l;
}

floe_literal floe_literal_bool(bool v)
{
    floe_literal l = make(FLOE_TYPE_BOOLEAN);
    l.v.b = v;
    return l;
}

static floe_literal make_i32(floe_type_kind k, int32_t v)
{
    floe_literal l = make(k);
    l.v.i32 = v;
    return l;
}

floe_literal floe_literal_int(int32_t v)
{
    return make_i32(FLOE_TYPE_INT, v);
}

static floe_literal make_i64(floe_type_kind k, int64_t v)
{
    floe_literal l = make(k);
    l.v.i64 = v;
    return l;
}

floe_literal floe_literal_long(int64_t v)
{
    return make_i64(FLOE_TYPE_LONG, v);
}

floe_literal floe_literal_float(float v)
{
    floe_literal l = make(FLOE_TYPE_FLOAT);
    l.v.f32 = v;
    return l;
}

floe_literal floe_literal_double(double v)
{
    floe_literal l = make(FLOE_TYPE_DOUBLE);
    l.v.f64 = v;
    return l;
}

floe_literal floe_literal_decimal128(int64_t hi, uint64_t lo, int32_t scale)
{
    floe_literal l = make(FLOE_TYPE_DECIMAL);
    l.v.dec.hi = hi;
    l.v.dec.lo = lo;
    l.scale = scale;
    return l;
}

floe_literal floe_literal_decimal(int64_t unscaled, int32_t scale)
{
    return floe_literal_decimal128(unscaled < 0 ? -1 : 0, (uint64_t)unscaled, scale);
}

floe_literal floe_literal_date(int32_t days)
{
    return make_i32(FLOE_TYPE_DATE, days);
}

floe_literal floe_literal_time(int64_t micros)
{
    return make_i64(FLOE_TYPE_TIME, micros);
}

floe_literal floe_literal_timestamp(int64_t micros)
{
    return make_i64(FLOE_TYPE_TIMESTAMP, micros);
}

floe_literal floe_literal_timestamptz(int64_t micros)
{
    return make_i64(FLOE_TYPE_TIMESTAMPTZ, micros);
}

floe_literal floe_literal_timestamp_ns(int64_t nanos)
{
    return make_i64(FLOE_TYPE_TIMESTAMP_NS, nanos);
}

floe_literal floe_literal_timestamptz_ns(int64_t nanos)
{
    return make_i64(FLOE_TYPE_TIMESTAMPTZ_NS, nanos);
}

static floe_literal make_bytes(floe_type_kind k, const void *data, size_t len)
{
    floe_literal l = make(k);
    l.v.bytes.data = data;
    l.v.bytes.len = len;
    return l;
}

floe_literal floe_literal_string(const char *s, size_t len)
{
    return make_bytes(FLOE_TYPE_STRING, s, len);
}

floe_literal floe_literal_uuid(const uint8_t bytes[16])
{
    floe_literal l = make(FLOE_TYPE_UUID);
    memcpy(l.v.uuid, bytes, 16);
    return l;
}

floe_literal floe_literal_fixed(const uint8_t *data, size_t len)
{
    return make_bytes(FLOE_TYPE_FIXED, data, len);
}

floe_literal floe_literal_binary(const uint8_t *data, size_t len)
{
    return make_bytes(FLOE_TYPE_BINARY, data, len);
}

bool floe_literal__has_bytes(floe_type_kind k)
{
    return k == FLOE_TYPE_STRING || k == FLOE_TYPE_BINARY || k == FLOE_TYPE_FIXED ||
           k == FLOE_TYPE_GEOMETRY || k == FLOE_TYPE_GEOGRAPHY;
}

int floe_literal__own_bytes(floe_literal *out, floe_type_kind k, const void *data, size_t len)
{
    *out = make(k);
    uint8_t *copy = floe_malloc(len ? len : 1);
    if (!copy)
        return floe_error_set(FLOE_ENOMEM, "out of memory copying a %zu-byte value", len);
    if (len)
        memcpy(copy, data, len);
    out->v.bytes.data = copy;
    out->v.bytes.len = len;
    out->owned = true;
    return 0;
}

int floe_literal_copy(floe_literal *out, const floe_literal *in)
{
    if (!in->is_null && floe_literal__has_bytes(in->kind))
        return floe_literal__own_bytes(out, in->kind, in->v.bytes.data, in->v.bytes.len);
    *out = *in;
    out->owned = false;
    return 0;
}

void floe_literal_clear(floe_literal *l)
{
    if (!l)
        return;
    if (l->owned)
        floe_free((void *)l->v.bytes.data);
    *l = floe_literal_null(l->kind);
}

void floe_iceberg_free_bytes(void *p)
{
    floe_free(p);
}

/* ---- decimal arithmetic on 128-bit values ---- */

floe_i128 floe_literal__dec(const floe_literal *l)
{
    return (floe_i128)(((floe_u128)(uint64_t)l->v.dec.hi << 64) | l->v.dec.lo);
}

floe_literal floe_literal__from_i128(floe_i128 v, int32_t scale)
{
    return floe_literal_decimal128((int64_t)(v >> 64), (uint64_t)v, scale);
}

static const floe_i128 I128_MAX = (floe_i128)(((floe_u128)1 << 127) - 1);

static floe_i128 pow10_i128(int n)
{
    floe_i128 p = 1;
    for (int i = 0; i < n; i++)
        p *= 10;
    return p;
}

/* Number of decimal digits of |v|. */
static int digits_i128(floe_i128 v)
{
    floe_u128 u = v < 0 ? (floe_u128)(-(v + 1)) + 1 : (floe_u128)v;
    int d = 1;
    while (u >= 10) {
        u /= 10;
        d++;
    }
    return d;
}

/* Rescales exactly; returns false when digits would be lost or the value overflows. */
static bool rescale(floe_i128 *v, int from, int to)
{
    if (to == from)
        return true;
    if (to > from) {
        int n = to - from;
        if (n > 38)
            return false;
        floe_i128 p = pow10_i128(n);
        floe_i128 lim = I128_MAX / p;
        if (*v > lim || *v < -lim)
            return false;
        *v *= p;
        return true;
    }
    floe_i128 p = pow10_i128(from - to > 38 ? 38 : from - to);
    if (*v % p != 0)
        return false;
    *v /= p;
    return true;
}

static int u128_to_str(floe_buf *b, floe_i128 v, int scale)
{
    char tmp[64];
    int n = 0;
    bool neg = v < 0;
    floe_u128 u = neg ? (floe_u128)(-(v + 1)) + 1 : (floe_u128)v;
    do {
        tmp[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    while (n <= scale)
        tmp[n++] = '0';
    if (neg && floe_buf_append_byte(b, '-'))
        return FLOE_ENOMEM;
    for (int i = n - 1; i >= 0; i--) {
        if (floe_buf_append_byte(b, (uint8_t)tmp[i]))
            return FLOE_ENOMEM;
        if (i == scale && scale > 0 && floe_buf_append_byte(b, '.'))
            return FLOE_ENOMEM;
    }
    return 0;
}

/* Parses "[-+]digits[.digits][E[+-]n]" into an unscaled value and scale. */
int floe_literal__parse_decimal(floe_i128 *out, int32_t *scale, const char *s, size_t len)
{
    size_t i = 0;
    bool neg = false, any = false;
    floe_i128 v = 0;
    int sc = 0;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    bool frac = false;
    for (; i < len; i++) {
        char c = s[i];
        if (c == '.' && !frac) {
            frac = true;
            continue;
        }
        if (c < '0' || c > '9')
            break;
        if (v > (I128_MAX - 9) / 10)
            return FLOE_ERANGE;
        v = v * 10 + (c - '0');
        any = true;
        if (frac)
            sc++;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < len && (s[i] == '-' || s[i] == '+'))
            eneg = s[i++] == '-';
        int e = 0;
        bool edig = false;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
            if (e < 1000)
                e = e * 10 + (s[i] - '0');
            edig = true;
        }
        if (!edig)
            return FLOE_EINVALID;
        sc -= eneg ? -e : e;
    }
    if (!any || i != len)
        return FLOE_EINVALID;
    if (sc < 0) {
        /* Iceberg decimals have non-negative scales: bring the exponent into the value. */
        if (!rescale(&v, sc, 0))
            return FLOE_ERANGE;
        sc = 0;
    }
    *out = neg ? -v : v;
    *scale = sc;
    return 0;
}

/* ---- comparison ---- */

static int cmp_i64(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

static int cmp_double(double a, double b)
{
    bool na = isnan(a), nb = isnan(b);
    if (na || nb)
        return na - nb;
    if (a < b)
        return -1;
    if (a > b)
        return 1;
    return (signbit(b) != 0) - (signbit(a) != 0);
}

static int cmp_bytes(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    size_t n = al < bl ? al : bl;
    int c = n ? memcmp(a, b, n) : 0;
    if (c)
        return c < 0 ? -1 : 1;
    return (al > bl) - (al < bl);
}

int floe_literal_compare(int *cmp, const floe_literal *a, const floe_literal *b)
{
    *cmp = 0;
    if (a->kind != b->kind || a->is_null || b->is_null)
        return floe_error_set(FLOE_EINVALID, "cannot compare %s%s with %s%s",
                              a->is_null ? "null " : "", floe_type_kind_name(a->kind),
                              b->is_null ? "null " : "", floe_type_kind_name(b->kind));
    switch (a->kind) {
    case FLOE_TYPE_BOOLEAN:
        *cmp = (a->v.b > b->v.b) - (a->v.b < b->v.b);
        return 0;
    case FLOE_TYPE_INT:
    case FLOE_TYPE_DATE:
        *cmp = cmp_i64(a->v.i32, b->v.i32);
        return 0;
    case FLOE_TYPE_FLOAT:
        *cmp = cmp_double(a->v.f32, b->v.f32);
        return 0;
    case FLOE_TYPE_DOUBLE:
        *cmp = cmp_double(a->v.f64, b->v.f64);
        return 0;
    case FLOE_TYPE_DECIMAL: {
        floe_i128 x = floe_literal__dec(a), y = floe_literal__dec(b);
        if (a->scale != b->scale) {
            int s = a->scale > b->scale ? a->scale : b->scale;
            if (!rescale(&x, a->scale, s) || !rescale(&y, b->scale, s))
                return floe_error_set(FLOE_ERANGE, "decimals too large to compare");
        }
        *cmp = (x > y) - (x < y);
        return 0;
    }
    case FLOE_TYPE_UUID:
        *cmp = cmp_bytes(a->v.uuid, 16, b->v.uuid, 16);
        return 0;
    default:
        if (floe_literal__has_bytes(a->kind)) {
            *cmp = cmp_bytes(a->v.bytes.data, a->v.bytes.len, b->v.bytes.data, b->v.bytes.len);
            return 0;
        }
        *cmp = cmp_i64(a->v.i64, b->v.i64);
        return 0;
    }
}

bool floe_literal_equal(const floe_literal *a, const floe_literal *b)
{
    if (a->is_null || b->is_null)
        return a->is_null && b->is_null;
    int c;
    return floe_literal_compare(&c, a, b) == 0 && c == 0;
}

/* ---- text forms ---- */

static int hex_append(floe_buf *b, const uint8_t *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        if (floe_buf_append_byte(b, (uint8_t)hex[p[i] >> 4]) ||
            floe_buf_append_byte(b, (uint8_t)hex[p[i] & 15]))
            return FLOE_ENOMEM;
    }
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int floe_literal__parse_uuid(uint8_t out[16], const char *s, size_t len)
{
    if (len != 36)
        return FLOE_EINVALID;
    int j = 0;
    for (size_t i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return FLOE_EINVALID;
            continue;
        }
        int h = hexval(s[i]), l = hexval(s[i + 1]);
        if (h < 0 || l < 0)
            return FLOE_EINVALID;
        out[j++] = (uint8_t)(h << 4 | l);
        i++;
    }
    return 0;
}

static int append_uuid(floe_buf *b, const uint8_t u[16])
{
    for (int i = 0; i < 16; i++) {
        if ((i == 4 || i == 6 || i == 8 || i == 10) && floe_buf_append_byte(b, '-'))
            return FLOE_ENOMEM;
        if (hex_append(b, &u[i], 1))
            return FLOE_ENOMEM;
    }
    return 0;
}

/* Shortest text that reads back as the same double, with ".0" for integral values as Java's
 * Double.toString prints them. */
static int append_double(floe_buf *b, double d, bool is_float)
{
    if (isnan(d))
        return floe_buf_append_str(b, "NaN");
    if (isinf(d))
        return floe_buf_append_str(b, d > 0 ? "Infinity" : "-Infinity");
    char tmp[64];
    for (int prec = is_float ? 6 : 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, d);
        if (is_float ? (float)strtod(tmp, NULL) == (float)d : strtod(tmp, NULL) == d)
            break;
    }
    if (!strpbrk(tmp, ".eEn"))
        return floe_buf_printf(b, "%s.0", tmp);
    return floe_buf_append_str(b, tmp);
}

/* Appends the value's text; `json` quotes and escapes strings as JSON. */
static int append_text(floe_buf *b, const floe_literal *l)
{
    char tmp[FLOE_TIMESTAMP_BUF];
    int rc;
    if (l->is_null)
        return floe_buf_append_str(b, "null");
    switch (l->kind) {
    case FLOE_TYPE_BOOLEAN:
        return floe_buf_append_str(b, l->v.b ? "true" : "false");
    case FLOE_TYPE_INT:
        return floe_buf_printf(b, "%d", (int)l->v.i32);
    case FLOE_TYPE_LONG:
        return floe_buf_printf(b, "%lld", (long long)l->v.i64);
    case FLOE_TYPE_FLOAT:
        return append_double(b, l->v.f32, true);
    case FLOE_TYPE_DOUBLE:
        return append_double(b, l->v.f64, false);
    case FLOE_TYPE_DECIMAL:
        return u128_to_str(b, floe_literal__dec(l), l->scale);
    case FLOE_TYPE_DATE:
        rc = floe_format_date(tmp, sizeof tmp, l->v.i32);
        return rc ? rc : floe_buf_append_str(b, tmp);
    case FLOE_TYPE_TIME:
        rc = floe_format_time_us(tmp, sizeof tmp, l->v.i64);
        return rc ? rc : floe_buf_append_str(b, tmp);
    case FLOE_TYPE_TIMESTAMP:
    case FLOE_TYPE_TIMESTAMPTZ:
    case FLOE_TYPE_TIMESTAMP_NS:
    case FLOE_TYPE_TIMESTAMPTZ_NS: {
        bool ns = l->kind == FLOE_TYPE_TIMESTAMP_NS || l->kind == FLOE_TYPE_TIMESTAMPTZ_NS;
        bool tz = l->kind == FLOE_TYPE_TIMESTAMPTZ || l->kind == FLOE_TYPE_TIMESTAMPTZ_NS;
        rc = floe_format_timestamp(tmp, sizeof tmp, l->v.i64, ns ? 9 : 6, tz);
        return rc ? rc : floe_buf_append_str(b, tmp);
    }
    case FLOE_TYPE_UUID:
        return append_uuid(b, l->v.uuid);
    case FLOE_TYPE_STRING:
        return floe_buf_append(b, l->v.bytes.data, l->v.bytes.len);
    case FLOE_TYPE_BINARY:
    case FLOE_TYPE_FIXED:
        return hex_append(b, l->v.bytes.data, l->v.bytes.len);
    default:
        return floe_error_set(FLOE_EUNSUPPORTED, "no text form for %s values",
                              floe_type_kind_name(l->kind));
    }
}

int floe_literal_to_string(char **out, const floe_literal *l)
{
    *out = NULL;
    floe_buf b = FLOE_BUF_INIT;
    int rc = append_text(&b, l);
    if (!rc && !floe_buf_cstr(&b))
        rc = FLOE_ENOMEM;
    if (rc) {
        floe_buf_free(&b);
        return rc;
    }
    *out = (char *)floe_buf_detach(&b, NULL);
    return 0;
}

int floe_literal__append_text(floe_buf *b, const floe_literal *l)
{
    return append_text(b, l);
}

int floe_literal_to_json(char **out, const floe_literal *l)
{
    *out = NULL;
    json_t *j = NULL;
    if (l->is_null) {
        j = json_null();
    } else {
        switch (l->kind) {
        case FLOE_TYPE_BOOLEAN:
            j = json_boolean(l->v.b);
            break;
        case FLOE_TYPE_INT:
        case FLOE_TYPE_LONG: {
            floe_buf b = FLOE_BUF_INIT;
            int rc = append_text(&b, l);
            if (rc || !floe_buf_cstr(&b)) {
                floe_buf_free(&b);
                return rc ? rc : FLOE_ENOMEM;
            }
            *out = (char *)floe_buf_detach(&b, NULL);
            return 0;
        }
        case FLOE_TYPE_FLOAT:
        case FLOE_TYPE_DOUBLE: {
            double d = l->kind == FLOE_TYPE_FLOAT ? l->v.f32 : l->v.f64;
            if (!isfinite(d))
                return floe_error_set(FLOE_EINVALID, "NaN and infinite values have no JSON form");
            floe_buf b = FLOE_BUF_INIT;
            int rc = append_double(&b, d, l->kind == FLOE_TYPE_FLOAT);
            if (rc || !floe_buf_cstr(&b)) {
                floe_buf_free(&b);
                return rc ? rc : FLOE_ENOMEM;
            }
            *out = (char *)floe_buf_detach(&b, NULL);
            return 0;
        }
        default: {
            floe_buf b = FLOE_BUF_INIT;
            int rc = append_text(&b, l);
            if (rc) {
                floe_buf_free(&b);
                return rc;
            }
            j = json_stringn(b.len ? (const char *)b.data : "", b.len);
            floe_buf_free(&b);
            if (!j)
                return floe_error_set(FLOE_EINVALID, "value is not valid UTF-8");
        }
        }
    }
    if (!j)
        return FLOE_ENOMEM;
    char *text = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
    json_decref(j);
    if (!text)
        return FLOE_ENOMEM;
    *out = floe_strdup(text);
    free(text);
    return *out ? 0 : FLOE_ENOMEM;
}

int floe_literal_from_json(floe_literal *out, const floe_type *type, const char *json)
{
    *out = floe_literal_null(type->kind);
    json_error_t err;
    json_t *j = json_loads(json, JSON_DECODE_ANY, &err);
    if (!j)
        return floe_error_set(FLOE_ECORRUPT, "invalid JSON value '%s': %s", json, err.text);
    int rc = 0;
    floe_literal in;
    if (json_is_null(j)) {
        json_decref(j);
        return 0;
    }
    switch (type->kind) {
    case FLOE_TYPE_BOOLEAN:
        if (!json_is_boolean(j))
            rc = FLOE_EINVALID;
        else
            *out = floe_literal_bool(json_is_true(j));
        break;
    case FLOE_TYPE_INT:
    case FLOE_TYPE_LONG:
        if (!json_is_integer(j)) {
            rc = FLOE_EINVALID;
            break;
        }
        in = floe_literal_long(json_integer_value(j));
        rc = floe_literal_convert(out, NULL, &in, type);
        break;
    case FLOE_TYPE_FLOAT:
    case FLOE_TYPE_DOUBLE:
        if (!json_is_number(j)) {
            rc = FLOE_EINVALID;
            break;
        }
        if (type->kind == FLOE_TYPE_FLOAT)
            *out = floe_literal_float((float)json_number_value(j));
        else
            *out = floe_literal_double(json_number_value(j));
        break;
    default:
        if (!json_is_string(j)) {
            rc = FLOE_EINVALID;
            break;
        }
        const char *s = json_string_value(j);
        size_t n = json_string_length(j);
        if (type->kind == FLOE_TYPE_BINARY || type->kind == FLOE_TYPE_FIXED) {
            if (n % 2) {
                rc = FLOE_EINVALID;
                break;
            }
            uint8_t *bytes = floe_malloc(n / 2 + 1);
            if (!bytes) {
                rc = FLOE_ENOMEM;
                break;
            }
            for (size_t i = 0; i < n / 2 && !rc; i++) {
                int h = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
                if (h < 0 || lo < 0)
                    rc = FLOE_EINVALID;
                bytes[i] = (uint8_t)(h << 4 | (lo & 15));
            }
            if (!rc && type->kind == FLOE_TYPE_FIXED && (int64_t)(n / 2) != type->length)
                rc = FLOE_EINVALID;
            if (rc) {
                floe_free(bytes);
                break;
            }
            *out = make_bytes(type->kind, bytes, n / 2);
            out->owned = true;
            break;
        }
        in = floe_literal_string(s, n);
        floe_literal_conversion conv;
        rc = floe_literal_convert(out, &conv, &in, type);
        if (!rc && conv != FLOE_LITERAL_EXACT) {
            floe_literal_clear(out);
            rc = FLOE_EINVALID;
        }
        break;
    }
    json_decref(j);
    if (rc == FLOE_EINVALID || rc == FLOE_ERANGE)
        return floe_error_set(FLOE_ECORRUPT, "JSON value %s is not a valid %s single value", json,
                              type->str);
    return rc;
}

/* ---- Appendix D bytes ---- */

static void put_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

size_t floe_literal__decimal_bytes(uint8_t out[16], floe_i128 v)
{
    uint8_t full[16];
    floe_u128 u = (floe_u128)v;
    for (int i = 15; i >= 0; i--) {
        full[i] = (uint8_t)u;
        u >>= 8;
    }
    /* Drop leading bytes that only repeat the sign of the next byte. */
    int start = 0;
    while (start < 15 && ((full[start] == 0x00 && !(full[start + 1] & 0x80)) ||
                          (full[start] == 0xff && (full[start + 1] & 0x80))))
        start++;
    size_t n = (size_t)(16 - start);
    memcpy(out, full + start, n);
    return n;
}

int floe_literal_to_bytes(uint8_t **out, size_t *len, const floe_literal *l)
{
    *out = NULL;
    *len = 0;
    if (l->is_null)
        return floe_error_set(FLOE_EINVALID, "a null %s has no single-value bytes",
                              floe_type_kind_name(l->kind));
    uint8_t tmp[16];
    const uint8_t *src = tmp;
    size_t n;
    switch (l->kind) {
    case FLOE_TYPE_BOOLEAN:
        tmp[0] = l->v.b ? 1 : 0;
        n = 1;
        break;
    case FLOE_TYPE_INT:
    case FLOE_TYPE_DATE:
        put_le(tmp, (uint32_t)l->v.i32, 4);
        n = 4;
        break;
    case FLOE_TYPE_FLOAT: {
        uint32_t bits;
        memcpy(&bits, &l->v.f32, 4);
        put_le(tmp, bits, 4);
        n = 4;
        break;
    }
    case FLOE_TYPE_DOUBLE: {
        uint64_t bits;
        memcpy(&bits, &l->v.f64, 8);
        put_le(tmp, bits, 8);
        n = 8;
        break;
    }
    case FLOE_TYPE_LONG:
    case FLOE_TYPE_TIME:
    case FLOE_TYPE_TIMESTAMP:
    case FLOE_TYPE_TIMESTAMPTZ:
    case FLOE_TYPE_TIMESTAMP_NS:
    case FLOE_TYPE_TIMESTAMPTZ_NS:
        put_le(tmp, (uint64_t)l->v.i64, 8);
        n = 8;
        break;
    case FLOE_TYPE_DECIMAL:
        n = floe_literal__decimal_bytes(tmp, floe_literal__dec(l));
        break;
    case FLOE_TYPE_UUID:
        src = l->v.uuid;
        n = 16;
        break;
    case FLOE_TYPE_STRING:
    case FLOE_TYPE_BINARY:
    case FLOE_TYPE_FIXED:
    case FLOE_TYPE_GEOMETRY:
    case FLOE_TYPE_GEOGRAPHY:
        src = l->v.bytes.data;
        n = l->v.bytes.len;
        break;
    default:
        return floe_error_set(FLOE_EUNSUPPORTED, "%s values have no single-value bytes",
                              floe_type_kind_name(l->kind));
    }
    uint8_t *p = floe_malloc(n ? n : 1);
    if (!p)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    if (n)
        memcpy(p, src, n);
    *out = p;
    *len = n;
    return 0;
}

int floe_literal_from_bytes(floe_literal *out, const floe_type *type, const uint8_t *d, size_t len)
{
    *out = floe_literal_null(type->kind);
    bool ok = true;
    switch (type->kind) {
    case FLOE_TYPE_BOOLEAN:
        ok = len == 1;
        if (ok)
            *out = floe_literal_bool(d[0] != 0);
        break;
    case FLOE_TYPE_INT:
    case FLOE_TYPE_DATE:
        ok = len == 4;
        if (ok) {
            *out = make(type->kind);
            out->v.i32 = (int32_t)(uint32_t)get_le(d, 4);
        }
        break;
    case FLOE_TYPE_LONG:
    case FLOE_TYPE_TIME:
    case FLOE_TYPE_TIMESTAMP:
    case FLOE_TYPE_TIMESTAMPTZ:
    case FLOE_TYPE_TIMESTAMP_NS:
    case FLOE_TYPE_TIMESTAMPTZ_NS:
        /* A long column promoted from int may still carry 4-byte bounds. */
        ok = len == 8 || (len == 4 && type->kind == FLOE_TYPE_LONG);
        if (ok)
            *out = make_i64(type->kind, len == 8 ? (int64_t)get_le(d, 8)
                                                 : (int64_t)(int32_t)(uint32_t)get_le(d, 4));
        break;
    case FLOE_TYPE_FLOAT:
        ok = len == 4;
        if (ok) {
            uint32_t bits = (uint32_t)get_le(d, 4);
            float f;
            memcpy(&f, &bits, 4);
            *out = floe_literal_float(f);
        }
        break;
    case FLOE_TYPE_DOUBLE:
        ok = len == 8 || len == 4;
        if (ok && len == 8) {
            uint64_t bits = get_le(d, 8);
            double x;
            memcpy(&x, &bits, 8);
            *out = floe_literal_double(x);
        } else if (ok) {
            uint32_t bits = (uint32_t)get_le(d, 4);
            float f;
            memcpy(&f, &bits, 4);
            *out = floe_literal_double(f);
        }
        break;
    case FLOE_TYPE_DECIMAL: {
        ok = len >= 1 && len <= 16;
        if (ok) {
            floe_u128 u = (d[0] & 0x80) ? ~(floe_u128)0 : 0;
            for (size_t i = 0; i < len; i++)
                u = (u << 8) | d[i];
            *out = floe_literal__from_i128((floe_i128)u, type->scale);
        }
        break;
    }
    case FLOE_TYPE_UUID:
        ok = len == 16;
        if (ok)
            *out = floe_literal_uuid(d);
        break;
    case FLOE_TYPE_FIXED:
        ok = (int64_t)len == type->length;
        if (ok)
            return floe_literal__own_bytes(out, type->kind, d, len);
        break;
    case FLOE_TYPE_STRING:
    case FLOE_TYPE_BINARY:
    case FLOE_TYPE_GEOMETRY:
    case FLOE_TYPE_GEOGRAPHY:
        return floe_literal__own_bytes(out, type->kind, d, len);
    default:
        return floe_error_set(FLOE_EUNSUPPORTED, "%s values have no single-value bytes", type->str);
    }
    if (!ok)
        return floe_error_set(FLOE_ECORRUPT, "%zu bytes are not a valid %s single value", len,
                              type->str);
    return 0;
}

/* ---- conversion ---- */

static int conv_fail(const floe_literal *in, const floe_type *target)
{
    char *text = NULL;
    floe_literal_to_string(&text, in);
    int rc = floe_error_set(FLOE_EINVALID, "cannot convert %s value '%s' to %s",
                            floe_type_kind_name(in->kind), text ? text : "?", target->str);
    floe_free(text);
    return rc;
}

static int from_i128(floe_literal *out, floe_literal_conversion *conv, floe_i128 v,
                     const floe_type *t)
{
    switch (t->kind) {
    case FLOE_TYPE_INT:
    case FLOE_TYPE_DATE:
        if (v > INT32_MAX)
            *conv = FLOE_LITERAL_ABOVE_MAX;
        else if (v < INT32_MIN)
            *conv = FLOE_LITERAL_BELOW_MIN;
        else {
            *out = make(t->kind);
            out->v.i32 = (int32_t)v;
        }
        return 0;
    case FLOE_TYPE_LONG:
    case FLOE_TYPE_TIME:
    case FLOE_TYPE_TIMESTAMP:
    case FLOE_TYPE_TIMESTAMPTZ:
    case FLOE_TYPE_TIMESTAMP_NS:
    case FLOE_TYPE_TIMESTAMPTZ_NS:
        if (v > INT64_MAX)
            *conv = FLOE_LITERAL_ABOVE_MAX;
        else if (v < INT64_MIN)
            *conv = FLOE_LITERAL_BELOW_MIN;
        else
            *out = make_i64(t->kind, (int64_t)v);
        return 0;
    default:
        return -1;
    }
}

static int to_decimal(floe_literal *out, floe_literal_conversion *conv, floe_i128 v, int scale,
                      const floe_type *t)
{
    if (!rescale(&v, scale, t->scale)) {
        *conv = FLOE_LITERAL_INEXACT;
        return 0;
    }
    if (digits_i128(v) > t->precision) {
        floe_i128 zero = 0;
        *conv = v > zero ? FLOE_LITERAL_ABOVE_MAX : FLOE_LITERAL_BELOW_MIN;
        return 0;
    }
    *out = floe_literal__from_i128(v, t->scale);
    return 0;
}

static int double_to_decimal(floe_literal *out, floe_literal_conversion *conv, double d,
                             bool is_float, const floe_type *t)
{
    if (!isfinite(d))
        return -1;
    floe_buf b = FLOE_BUF_INIT;
    if (append_double(&b, d, is_float) || !floe_buf_cstr(&b)) {
        floe_buf_free(&b);
        return FLOE_ENOMEM;
    }
    floe_i128 v;
    int32_t sc;
    int rc = floe_literal__parse_decimal(&v, &sc, (const char *)b.data, b.len);
    floe_buf_free(&b);
    if (rc)
        return -1;
    return to_decimal(out, conv, v, sc, t);
}

static int from_double(floe_literal *out, floe_literal_conversion *conv, double d, bool is_float,
                       const floe_type *t)
{
    switch (t->kind) {
    case FLOE_TYPE_FLOAT:
        if (isfinite(d) && d > 3.4028234663852886e38)
            *conv = FLOE_LITERAL_ABOVE_MAX;
        else if (isfinite(d) && d < -3.4028234663852886e38)
            *conv = FLOE_LITERAL_BELOW_MIN;
        else
            *out = floe_literal_float((float)d);
        return 0;
    case FLOE_TYPE_DOUBLE:
        *out = floe_literal_double(d);
        return 0;
    case FLOE_TYPE_DECIMAL:
        return double_to_decimal(out, conv, d, is_float, t);
    case FLOE_TYPE_INT:
    case FLOE_TYPE_LONG:
        if (isnan(d))
            return -1;
        if (d != floor(d)) {
            *conv = FLOE_LITERAL_INEXACT;
            return 0;
        }
        if (d >= 9.3e18 || d <= -9.3e18) {
            *conv = d > 0 ? FLOE_LITERAL_ABOVE_MAX : FLOE_LITERAL_BELOW_MIN;
            return 0;
        }
        return from_i128(out, conv, (floe_i128)(int64_t)d, t);
    default:
        return -1;
    }
}

static int from_string(floe_literal *out, floe_literal_conversion *conv, const floe_literal *in,
                       const floe_type *t)
{
    char *s = floe_strndup((const char *)in->v.bytes.data, in->v.bytes.len);
    if (!s)
        return FLOE_ENOMEM;
    int rc = 0;
    switch (t->kind) {
    case FLOE_TYPE_STRING:
        rc = floe_literal__own_bytes(out, FLOE_TYPE_STRING, in->v.bytes.data, in->v.bytes.len);
        break;
    case FLOE_TYPE_BOOLEAN:
        if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)
            *out = floe_literal_bool(s[0] == 't');
        else
            rc = -1;
        break;
    case FLOE_TYPE_DATE: {
        int32_t days;
        if (floe_parse_date(&days, s) == 0) {
            *out = floe_literal_date(days);
        } else {
            /* A timestamp string for a date column is accepted only when it is midnight. */
            int64_t us;
            int off = 0;
            if (floe_parse_timestamp_us(&us, s, &off) == 0 && !off &&
                floe_floor_mod(us, FLOE_US_PER_DAY) == 0)
                *out = floe_literal_date((int32_t)floe_floor_div(us, FLOE_US_PER_DAY));
            else
                rc = -1;
        }
        break;
    }
    case FLOE_TYPE_TIME: {
        int64_t us;
        if (floe_parse_time_us(&us, s) == 0)
            *out = floe_literal_time(us);
        else
            rc = -1;
        break;
    }
    case FLOE_TYPE_TIMESTAMP:
    case FLOE_TYPE_TIMESTAMPTZ:
    case FLOE_TYPE_TIMESTAMP_NS:
    case FLOE_TYPE_TIMESTAMPTZ_NS: {
        bool ns = t->kind == FLOE_TYPE_TIMESTAMP_NS || t->kind == FLOE_TYPE_TIMESTAMPTZ_NS;
        bool tz = t->kind == FLOE_TYPE_TIMESTAMPTZ || t->kind == FLOE_TYPE_TIMESTAMPTZ_NS;
        int64_t v;
        int off = 0;
        if (floe_parse_timestamp(&v, s, ns ? 9 : 6, &off) == 0 && (tz || !off))
            *out = make_i64(t->kind, v);
        else
            rc = -1;
        break;
    }
    case FLOE_TYPE_UUID: {
        uint8_t u[16];
        if (floe_literal__parse_uuid(u, s, strlen(s)) == 0)
            *out = floe_literal_uuid(u);
        else
            rc = -1;
        break;
    }
    case FLOE_TYPE_DECIMAL:
    case FLOE_TYPE_INT:
    case FLOE_TYPE_LONG: {
        floe_i128 v;
        int32_t sc;
        int prc = floe_literal__parse_decimal(&v, &sc, s, strlen(s));
        if (prc == FLOE_ERANGE)
            *conv = s[0] == '-' ? FLOE_LITERAL_BELOW_MIN : FLOE_LITERAL_ABOVE_MAX;
        else if (prc)
            rc = -1;
        else if (t->kind == FLOE_TYPE_DECIMAL)
            rc = to_decimal(out, conv, v, sc, t);
        else if (!rescale(&v, sc, 0))
            *conv = FLOE_LITERAL_INEXACT;
        else
            rc = from_i128(out, conv, v, t);
        break;
    }
    case FLOE_TYPE_FLOAT:
    case FLOE_TYPE_DOUBLE: {
        char *end;
        errno = 0;
        double d = strtod(s, &end);
        if (*s && !*end)
            rc = from_double(out, conv, d, false, t);
        else
            rc = -1;
        break;
    }
    default:
        rc = -1;
    }
    floe_free(s);
    return rc;
}

int floe_literal_convert(floe_literal *out, floe_literal_conversion *conversion,
                         const floe_literal *in, const floe_type *t)
{
    floe_literal_conversion dummy;
    floe_literal_conversion *conv = conversion ? conversion : &dummy;
    *conv = FLOE_LITERAL_EXACT;
    *out = floe_literal_null(t->kind);
    if (in->is_null)
        return 0;
    if (in->kind == t->kind && t->kind != FLOE_TYPE_DECIMAL && t->kind != FLOE_TYPE_FIXED)
        return floe_literal_copy(out, in);
    int rc = -1;
    switch (in->kind) {
    case FLOE_TYPE_INT:
    case FLOE_TYPE_LONG: {
        floe_i128 v = in->kind == FLOE_TYPE_INT ? in->v.i32 : in->v.i64;
        if (t->kind == FLOE_TYPE_FLOAT || t->kind == FLOE_TYPE_DOUBLE)
            rc = from_double(out, conv, (double)v, false, t);
        else if (t->kind == FLOE_TYPE_DECIMAL)
            rc = to_decimal(out, conv, v, 0, t);
        else if (t->kind == FLOE_TYPE_INT || t->kind == FLOE_TYPE_LONG ||
                 (in->kind == FLOE_TYPE_INT && t->kind == FLOE_TYPE_DATE) ||
                 (in->kind == FLOE_TYPE_LONG &&
                  (t->kind == FLOE_TYPE_TIME || t->kind == FLOE_TYPE_TIMESTAMP ||
                   t->kind == FLOE_TYPE_TIMESTAMPTZ || t->kind == FLOE_TYPE_TIMESTAMP_NS ||
                   t->kind == FLOE_TYPE_TIMESTAMPTZ_NS)))
            rc = from_i128(out, conv, v, t);
        break;
    }
    case FLOE_TYPE_FLOAT:
        rc = from_double(out, conv, in->v.f32, true, t);
        break;
    case FLOE_TYPE_DOUBLE:
        rc = from_double(out, conv, in->v.f64, false, t);
        break;
    case FLOE_TYPE_DECIMAL:
        if (t->kind == FLOE_TYPE_DECIMAL) {
            rc = to_decimal(out, conv, floe_literal__dec(in), in->scale, t);
        } else if (t->kind == FLOE_TYPE_INT || t->kind == FLOE_TYPE_LONG) {
            floe_i128 v = floe_literal__dec(in);
            if (!rescale(&v, in->scale, 0))
                *conv = FLOE_LITERAL_INEXACT;
            else
                rc = from_i128(out, conv, v, t);
        } else if (t->kind == FLOE_TYPE_FLOAT || t->kind == FLOE_TYPE_DOUBLE) {
            floe_buf b = FLOE_BUF_INIT;
            if (u128_to_str(&b, floe_literal__dec(in), in->scale) || !floe_buf_cstr(&b)) {
                floe_buf_free(&b);
                return FLOE_ENOMEM;
            }
            rc = from_double(out, conv, strtod((const char *)b.data, NULL), false, t);
            floe_buf_free(&b);
        }
        break;
    case FLOE_TYPE_DATE:
        if (t->kind == FLOE_TYPE_TIMESTAMP || t->kind == FLOE_TYPE_TIMESTAMPTZ)
            rc = from_i128(out, conv, (floe_i128)in->v.i32 * FLOE_US_PER_DAY, t);
        else if (t->kind == FLOE_TYPE_TIMESTAMP_NS || t->kind == FLOE_TYPE_TIMESTAMPTZ_NS)
            rc = from_i128(out, conv, (floe_i128)in->v.i32 * FLOE_US_PER_DAY * 1000, t);
        break;
    case FLOE_TYPE_TIMESTAMP:
    case FLOE_TYPE_TIMESTAMPTZ:
        if (t->kind == FLOE_TYPE_TIMESTAMP || t->kind == FLOE_TYPE_TIMESTAMPTZ)
            rc = from_i128(out, conv, in->v.i64, t);
        else if (t->kind == FLOE_TYPE_TIMESTAMP_NS || t->kind == FLOE_TYPE_TIMESTAMPTZ_NS)
            rc = from_i128(out, conv, (floe_i128)in->v.i64 * 1000, t);
        break;
    case FLOE_TYPE_TIMESTAMP_NS:
    case FLOE_TYPE_TIMESTAMPTZ_NS:
        if (t->kind == FLOE_TYPE_TIMESTAMP_NS || t->kind == FLOE_TYPE_TIMESTAMPTZ_NS)
            rc = from_i128(out, conv, in->v.i64, t);
        break;
    case FLOE_TYPE_STRING:
        rc = from_string(out, conv, in, t);
        break;
    case FLOE_TYPE_FIXED:
    case FLOE_TYPE_BINARY:
        if ((t->kind == FLOE_TYPE_BINARY) ||
            (t->kind == FLOE_TYPE_FIXED && (int64_t)in->v.bytes.len == t->length))
            rc = floe_literal__own_bytes(out, t->kind, in->v.bytes.data, in->v.bytes.len);
        break;
    default:
        break;
    }
    if (rc == FLOE_ENOMEM)
        return rc;
    if (rc)
        return conv_fail(in, t);
    if (*conv != FLOE_LITERAL_EXACT && !out->is_null)
        floe_literal_clear(out);
    return 0;
}

/* ---- truncation for bounds ---- */

/* Byte length of the first `n` code points of UTF-8 `s`, or `len` when shorter. */
size_t floe_literal__utf8_prefix(const uint8_t *s, size_t len, size_t n, size_t *count)
{
    size_t i = 0, cps = 0;
    while (i < len && cps < n) {
        uint8_t c = s[i];
        size_t w = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        i += w;
        cps++;
    }
    if (i > len)
        i = len;
    if (count)
        *count = cps;
    return i;
}

int floe_literal_truncate_lower(floe_literal *out, const floe_literal *in, size_t max)
{
    if (in->is_null || !floe_literal__has_bytes(in->kind))
        return floe_literal_copy(out, in);
    size_t n = in->kind == FLOE_TYPE_STRING
                   ? floe_literal__utf8_prefix(in->v.bytes.data, in->v.bytes.len, max, NULL)
                   : (in->v.bytes.len < max ? in->v.bytes.len : max);
    int rc = floe_literal__own_bytes(out, in->kind == FLOE_TYPE_FIXED ? FLOE_TYPE_BINARY : in->kind,
                                     in->v.bytes.data, n);
    return rc;
}

static size_t utf8_encode(uint8_t *p, uint32_t cp)
{
    if (cp < 0x80) {
        p[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        p[0] = (uint8_t)(0xC0 | (cp >> 6));
        p[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        p[0] = (uint8_t)(0xE0 | (cp >> 12));
        p[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        p[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    p[0] = (uint8_t)(0xF0 | (cp >> 18));
    p[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
    p[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    p[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

static size_t utf8_decode(const uint8_t *p, size_t len, uint32_t *cp)
{
    uint8_t c = p[0];
    if (c < 0x80 || len < 2) {
        *cp = c;
        return 1;
    }
    if ((c >> 5) == 6) {
        *cp = (uint32_t)(c & 0x1F) << 6 | (p[1] & 0x3F);
        return 2;
    }
    if ((c >> 4) == 14 && len >= 3) {
        *cp = (uint32_t)(c & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
        return 3;
    }
    if (len >= 4) {
        *cp = (uint32_t)(c & 0x07) << 18 | (uint32_t)(p[1] & 0x3F) << 12 |
              (uint32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
        return 4;
    }
    *cp = c;
    return 1;
}

int floe_literal_truncate_upper(floe_literal *out, bool *has_bound, const floe_literal *in,
                                size_t max)
{
    *has_bound = true;
    if (in->is_null || !floe_literal__has_bytes(in->kind))
        return floe_literal_copy(out, in);
    const uint8_t *d = in->v.bytes.data;
    size_t len = in->v.bytes.len;
    floe_type_kind k = in->kind == FLOE_TYPE_FIXED ? FLOE_TYPE_BINARY : in->kind;
    if (k != FLOE_TYPE_STRING) {
        if (len <= max)
            return floe_literal__own_bytes(out, k, d, len);
        for (size_t n = max; n > 0; n--) {
            if (d[n - 1] != 0xFF) {
                int rc = floe_literal__own_bytes(out, k, d, n);
                if (rc)
                    return rc;
                ((uint8_t *)out->v.bytes.data)[n - 1]++;
                return 0;
            }
        }
        *has_bound = false;
        *out = floe_literal_null(k);
        return 0;
    }
    size_t count;
    size_t cut = floe_literal__utf8_prefix(d, len, max, &count);
    if (cut >= len)
        return floe_literal__own_bytes(out, k, d, len);
    /* Decode the prefix's code points, then bump the last one that can be incremented. */
    uint32_t *cps = floe_calloc(count ? count : 1, sizeof *cps);
    if (!cps)
        return FLOE_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < cut && n < count;)
        i += utf8_decode(d + i, cut - i, &cps[n++]);
    while (n > 0) {
        uint32_t c = cps[n - 1] + 1;
        if (c == 0xD800)
            c = 0xE000;
        if (c <= 0x10FFFF) {
            cps[n - 1] = c;
            break;
        }
        n--;
    }
    if (n == 0) {
        floe_free(cps);
        *has_bound = false;
        *out = floe_literal_null(k);
        return 0;
    }
    uint8_t *buf = floe_malloc(n * 4);
    if (!buf) {
        floe_free(cps);
        return FLOE_ENOMEM;
    }
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        w += utf8_encode(buf + w, cps[i]);
    floe_free(cps);
    *out = make_bytes(k, buf, w);
    out->owned = true;
    return 0;
}
