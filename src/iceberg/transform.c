/* Partition transforms: identity, bucket, truncate, year/month/day/hour, void. */
#include <floe/iceberg/transform.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/murmur3.h"
#include "base/timeconv.h"
#include "iceberg/literal_internal.h"
#include "iceberg/type_internal.h"

#define US_PER_HOUR INT64_C(3600000000)

static const char *simple_names[] = {
    [FLOE_TRANSFORM_IDENTITY] = "identity", [FLOE_TRANSFORM_YEAR] = "year",
    [FLOE_TRANSFORM_MONTH] = "month",       [FLOE_TRANSFORM_DAY] = "day",
    [FLOE_TRANSFORM_HOUR] = "hour",         [FLOE_TRANSFORM_VOID] = "void",
};

static int parse_param(const char *text, const char *p, int32_t *out)
{
    if (*p < '0' || *p > '9')
        goto bad;
    errno = 0;
    char *end;
    long v = strtol(p, &end, 10);
    if (errno || v < 1 || v > INT32_MAX || strcmp(end, "]") != 0)
        goto bad;
    *out = (int32_t)v;
    return 0;
bad:
    return floe_error_set(FLOE_EINVALID,
                          "invalid transform '%s': the parameter must be a positive integer in "
                          "brackets, e.g. bucket[16] or truncate[4]",
                          text);
}

int floe_transform_parse(floe_transform *out, const char *text)
{
    out->kind = FLOE_TRANSFORM_UNKNOWN;
    out->param = 0;
    for (int k = FLOE_TRANSFORM_IDENTITY; k <= FLOE_TRANSFORM_VOID; k++) {
        if (simple_names[k] && strcmp(text, simple_names[k]) == 0) {
            out->kind = (floe_transform_kind)k;
            return 0;
        }
    }
    if (strncmp(text, "bucket[", 7) == 0) {
        out->kind = FLOE_TRANSFORM_BUCKET;
        return parse_param(text, text + 7, &out->param);
    }
    if (strncmp(text, "truncate[", 9) == 0) {
        out->kind = FLOE_TRANSFORM_TRUNCATE;
        return parse_param(text, text + 9, &out->param);
    }
    return 0;
}

const char *floe_transform_format(floe_transform t, char buf[FLOE_TRANSFORM_BUF])
{
    switch (t.kind) {
    case FLOE_TRANSFORM_BUCKET:
        snprintf(buf, FLOE_TRANSFORM_BUF, "bucket[%d]", (int)t.param);
        break;
    case FLOE_TRANSFORM_TRUNCATE:
        snprintf(buf, FLOE_TRANSFORM_BUF, "truncate[%d]", (int)t.param);
        break;
    case FLOE_TRANSFORM_IDENTITY:
    case FLOE_TRANSFORM_YEAR:
    case FLOE_TRANSFORM_MONTH:
    case FLOE_TRANSFORM_DAY:
    case FLOE_TRANSFORM_HOUR:
    case FLOE_TRANSFORM_VOID:
        snprintf(buf, FLOE_TRANSFORM_BUF, "%s", simple_names[t.kind]);
        break;
    default:
        snprintf(buf, FLOE_TRANSFORM_BUF, "unknown");
        break;
    }
    return buf;
}

static bool is_timestamp(floe_type_kind k)
{
    return k == FLOE_TYPE_TIMESTAMP || k == FLOE_TYPE_TIMESTAMPTZ || k == FLOE_TYPE_TIMESTAMP_NS ||
           k == FLOE_TYPE_TIMESTAMPTZ_NS;
}

bool floe_transform_can_apply(floe_transform t, const floe_type *type)
{
    floe_type_kind k = type->kind;
    switch (t.kind) {
    case FLOE_TRANSFORM_IDENTITY:
        return floe_type_is_primitive(type) && k != FLOE_TYPE_GEOMETRY && k != FLOE_TYPE_GEOGRAPHY;
    case FLOE_TRANSFORM_BUCKET:
        return k == FLOE_TYPE_INT || k == FLOE_TYPE_LONG || k == FLOE_TYPE_DECIMAL ||
               k == FLOE_TYPE_DATE || k == FLOE_TYPE_TIME || is_timestamp(k) ||
               k == FLOE_TYPE_STRING || k == FLOE_TYPE_UUID || k == FLOE_TYPE_FIXED ||
               k == FLOE_TYPE_BINARY;
    case FLOE_TRANSFORM_TRUNCATE:
        return k == FLOE_TYPE_INT || k == FLOE_TYPE_LONG || k == FLOE_TYPE_DECIMAL ||
               k == FLOE_TYPE_STRING || k == FLOE_TYPE_BINARY;
    case FLOE_TRANSFORM_YEAR:
    case FLOE_TRANSFORM_MONTH:
    case FLOE_TRANSFORM_DAY:
        return k == FLOE_TYPE_DATE || is_timestamp(k);
    case FLOE_TRANSFORM_HOUR:
        return is_timestamp(k);
    case FLOE_TRANSFORM_VOID:
        return true;
    default:
        return false;
    }
}

int floe_transform_result_type(floe_type **out, floe_transform t, const floe_type *source)
{
    *out = NULL;
    if (!floe_transform_can_apply(t, source)) {
        char buf[FLOE_TRANSFORM_BUF];
        return floe_error_set(FLOE_EINVALID, "transform %s cannot be applied to type %s",
                              floe_transform_format(t, buf), source->str);
    }
    switch (t.kind) {
    case FLOE_TRANSFORM_BUCKET:
    case FLOE_TRANSFORM_YEAR:
    case FLOE_TRANSFORM_MONTH:
    case FLOE_TRANSFORM_HOUR:
        return floe_type_new_primitive(out, FLOE_TYPE_INT);
    case FLOE_TRANSFORM_DAY:
        return floe_type_new_primitive(out, FLOE_TYPE_DATE);
    default:
        *out = floe_type_ref((floe_type *)source);
        return 0;
    }
}

static uint32_t hash_long(int64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)((uint64_t)v >> (8 * i));
    return floe_murmur3_x86_32(b, 8, 0);
}

int floe_transform_hash(int32_t *out, const floe_literal *in)
{
    *out = 0;
    if (in->is_null)
        return floe_error_set(FLOE_EINVALID, "a null value has no hash");
    uint32_t h;
    switch (in->kind) {
    case FLOE_TYPE_BOOLEAN:
        h = hash_long(in->v.b ? 1 : 0);
        break;
    case FLOE_TYPE_INT:
    case FLOE_TYPE_DATE:
        h = hash_long(in->v.i32);
        break;
    case FLOE_TYPE_LONG:
    case FLOE_TYPE_TIME:
    case FLOE_TYPE_TIMESTAMP:
    case FLOE_TYPE_TIMESTAMPTZ:
        h = hash_long(in->v.i64);
        break;
    case FLOE_TYPE_TIMESTAMP_NS:
    case FLOE_TYPE_TIMESTAMPTZ_NS:
        h = hash_long(floe_floor_div(in->v.i64, 1000));
        break;
    case FLOE_TYPE_FLOAT:
    case FLOE_TYPE_DOUBLE: {
        double d = in->kind == FLOE_TYPE_FLOAT ? (double)in->v.f32 : in->v.f64;
        uint64_t bits;
        if (d != d)
            bits = UINT64_C(0x7ff8000000000000);
        else if (d == 0.0)
            bits = 0;
        else
            memcpy(&bits, &d, 8);
        h = hash_long((int64_t)bits);
        break;
    }
    case FLOE_TYPE_DECIMAL: {
        uint8_t b[16];
        size_t n = floe_literal__decimal_bytes(b, floe_literal__dec(in));
        h = floe_murmur3_x86_32(b, n, 0);
        break;
    }
    case FLOE_TYPE_UUID:
        h = floe_murmur3_x86_32(in->v.uuid, 16, 0);
        break;
    case FLOE_TYPE_STRING:
    case FLOE_TYPE_BINARY:
    case FLOE_TYPE_FIXED:
        h = floe_murmur3_x86_32(in->v.bytes.data, in->v.bytes.len, 0);
        break;
    default:
        return floe_error_set(FLOE_EUNSUPPORTED, "no 32-bit hash is defined for %s values",
                              floe_type_kind_name(in->kind));
    }
    *out = (int32_t)h;
    return 0;
}

/* Microseconds since the epoch of a date or timestamp literal (nanos floor to micros). */
static int64_t to_micros(const floe_literal *in)
{
    switch (in->kind) {
    case FLOE_TYPE_DATE:
        return (int64_t)in->v.i32 * FLOE_US_PER_DAY;
    case FLOE_TYPE_TIMESTAMP_NS:
    case FLOE_TYPE_TIMESTAMPTZ_NS:
        return floe_floor_div(in->v.i64, 1000);
    default:
        return in->v.i64;
    }
}

static int64_t to_days(const floe_literal *in)
{
    if (in->kind == FLOE_TYPE_DATE)
        return in->v.i32;
    return floe_floor_div(to_micros(in), FLOE_US_PER_DAY);
}

int floe_transform_apply(floe_literal *out, floe_transform t, const floe_literal *in)
{
    floe_type_kind rk;
    switch (t.kind) {
    case FLOE_TRANSFORM_BUCKET:
    case FLOE_TRANSFORM_YEAR:
    case FLOE_TRANSFORM_MONTH:
    case FLOE_TRANSFORM_HOUR:
        rk = FLOE_TYPE_INT;
        break;
    case FLOE_TRANSFORM_DAY:
        rk = FLOE_TYPE_DATE;
        break;
    default:
        rk = in->kind;
        break;
    }
    *out = floe_literal_null(rk);
    if (t.kind == FLOE_TRANSFORM_UNKNOWN) {
        return floe_error_set(FLOE_EUNSUPPORTED, "cannot apply an unknown transform");
    }
    if (in->is_null || t.kind == FLOE_TRANSFORM_VOID)
        return 0;
    bool temporal = in->kind == FLOE_TYPE_DATE || is_timestamp(in->kind);
    char buf[FLOE_TRANSFORM_BUF];
    switch (t.kind) {
    case FLOE_TRANSFORM_IDENTITY:
        return floe_literal_copy(out, in);
    case FLOE_TRANSFORM_BUCKET: {
        int32_t h;
        int rc = floe_transform_hash(&h, in);
        if (rc)
            return rc;
        *out = floe_literal_int((int32_t)(((uint32_t)h & 0x7fffffffu) % (uint32_t)t.param));
        return 0;
    }
    case FLOE_TRANSFORM_TRUNCATE:
        switch (in->kind) {
        case FLOE_TYPE_INT:
            *out = floe_literal_int((int32_t)(in->v.i32 - floe_floor_mod(in->v.i32, t.param)));
            return 0;
        case FLOE_TYPE_LONG:
            *out = floe_literal_long(in->v.i64 - floe_floor_mod(in->v.i64, t.param));
            return 0;
        case FLOE_TYPE_DECIMAL: {
            floe_i128 v = floe_literal__dec(in);
            floe_i128 m = v % t.param;
            if (m < 0)
                m += t.param;
            *out = floe_literal__from_i128(v - m, in->scale);
            return 0;
        }
        case FLOE_TYPE_STRING: {
            size_t n =
                floe_literal__utf8_prefix(in->v.bytes.data, in->v.bytes.len, (size_t)t.param, NULL);
            return floe_literal__own_bytes(out, in->kind, in->v.bytes.data, n);
        }
        case FLOE_TYPE_BINARY: {
            size_t n = in->v.bytes.len < (size_t)t.param ? in->v.bytes.len : (size_t)t.param;
            return floe_literal__own_bytes(out, in->kind, in->v.bytes.data, n);
        }
        default:
            break;
        }
        break;
    case FLOE_TRANSFORM_YEAR:
    case FLOE_TRANSFORM_MONTH:
    case FLOE_TRANSFORM_DAY:
        if (!temporal)
            break;
        {
            int64_t days = to_days(in);
            if (t.kind == FLOE_TRANSFORM_DAY) {
                *out = floe_literal_date((int32_t)days);
                return 0;
            }
            int64_t y;
            unsigned m, d;
            floe_civil_from_days(days, &y, &m, &d);
            *out = floe_literal_int(t.kind == FLOE_TRANSFORM_YEAR
                                        ? (int32_t)(y - 1970)
                                        : (int32_t)((y - 1970) * 12 + (int64_t)m - 1));
            return 0;
        }
    case FLOE_TRANSFORM_HOUR:
        if (!is_timestamp(in->kind))
            break;
        *out = floe_literal_int((int32_t)floe_floor_div(to_micros(in), US_PER_HOUR));
        return 0;
    default:
        break;
    }
    return floe_error_set(FLOE_EINVALID, "transform %s cannot be applied to a %s value",
                          floe_transform_format(t, buf), floe_type_kind_name(in->kind));
}

static int append_base64(floe_buf *b, const uint8_t *p, size_t n)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        char q[4] = {tbl[(v >> 18) & 63], tbl[(v >> 12) & 63], i + 1 < n ? tbl[(v >> 6) & 63] : '=',
                     i + 2 < n ? tbl[v & 63] : '='};
        if (floe_buf_append(b, q, 4))
            return FLOE_ENOMEM;
    }
    return 0;
}

/* Time of day as java.time.LocalTime prints it: HH:mm, then :ss when seconds or a fraction
 * are non-zero, then a fraction of 3, 6 or 9 digits, whichever is exact. */
static int append_time_of_day(floe_buf *b, int64_t nanos)
{
    int64_t secs = nanos / 1000000000, frac = nanos % 1000000000;
    int rc = floe_buf_printf(b, "%02d:%02d", (int)(secs / 3600), (int)(secs / 60 % 60));
    if (!rc && (secs % 60 || frac))
        rc = floe_buf_printf(b, ":%02d", (int)(secs % 60));
    if (!rc && frac) {
        if (frac % 1000000 == 0)
            rc = floe_buf_printf(b, ".%03d", (int)(frac / 1000000));
        else if (frac % 1000 == 0)
            rc = floe_buf_printf(b, ".%06d", (int)(frac / 1000));
        else
            rc = floe_buf_printf(b, ".%09d", (int)frac);
    }
    return rc;
}

/* Times and timestamps in partition paths as the reference implementation writes them
 * (java.time's toString: "2017-11-16T22:31", "2017-11-16T22:31:08.000001Z"). */
static int append_java_time(floe_buf *b, const floe_literal *v)
{
    if (v->kind == FLOE_TYPE_TIME)
        return append_time_of_day(b, v->v.i64 * 1000);
    bool ns = v->kind == FLOE_TYPE_TIMESTAMP_NS || v->kind == FLOE_TYPE_TIMESTAMPTZ_NS;
    bool tz = v->kind == FLOE_TYPE_TIMESTAMPTZ || v->kind == FLOE_TYPE_TIMESTAMPTZ_NS;
    int64_t per_day = ns ? FLOE_US_PER_DAY * 1000 : FLOE_US_PER_DAY;
    int64_t days = floe_floor_div(v->v.i64, per_day);
    int64_t in_day = floe_floor_mod(v->v.i64, per_day);
    char date[FLOE_DATE_BUF];
    int rc = floe_format_date(date, sizeof date, (int32_t)days);
    if (!rc)
        rc = floe_buf_printf(b, "%sT", date);
    if (!rc)
        rc = append_time_of_day(b, ns ? in_day : in_day * 1000);
    if (!rc && tz)
        rc = floe_buf_append_byte(b, 'Z');
    return rc;
}

int floe_transform_to_human_string(char **out, floe_transform t, const floe_literal *v)
{
    *out = NULL;
    floe_buf b = FLOE_BUF_INIT;
    int rc = 0;
    if (v->is_null) {
        rc = floe_buf_append_str(&b, "null");
    } else if ((t.kind == FLOE_TRANSFORM_YEAR || t.kind == FLOE_TRANSFORM_MONTH ||
                t.kind == FLOE_TRANSFORM_HOUR) &&
               v->kind == FLOE_TYPE_INT) {
        if (t.kind == FLOE_TRANSFORM_YEAR) {
            rc = floe_buf_printf(&b, "%04lld", (long long)(1970 + (int64_t)v->v.i32));
        } else if (t.kind == FLOE_TRANSFORM_MONTH) {
            int64_t y = 1970 + floe_floor_div(v->v.i32, 12);
            rc = floe_buf_printf(&b, "%04lld-%02d", (long long)y,
                                 (int)floe_floor_mod(v->v.i32, 12) + 1);
        } else {
            int64_t days = floe_floor_div(v->v.i32, 24);
            char date[FLOE_DATE_BUF];
            rc = floe_format_date(date, sizeof date, (int32_t)days);
            if (!rc)
                rc = floe_buf_printf(&b, "%s-%02d", date, (int)floe_floor_mod(v->v.i32, 24));
        }
    } else if (v->kind == FLOE_TYPE_BINARY || v->kind == FLOE_TYPE_FIXED) {
        /* The reference implementation writes binary partition values as base64. */
        rc = append_base64(&b, v->v.bytes.data, v->v.bytes.len);
    } else if (v->kind == FLOE_TYPE_TIME || v->kind == FLOE_TYPE_TIMESTAMP ||
               v->kind == FLOE_TYPE_TIMESTAMPTZ || v->kind == FLOE_TYPE_TIMESTAMP_NS ||
               v->kind == FLOE_TYPE_TIMESTAMPTZ_NS) {
        rc = append_java_time(&b, v);
    } else {
        rc = floe_literal__append_text(&b, v);
    }
    if (!rc && !floe_buf_cstr(&b))
        rc = FLOE_ENOMEM;
    if (rc) {
        floe_buf_free(&b);
        return rc;
    }
    *out = (char *)floe_buf_detach(&b, NULL);
    return 0;
}

bool floe_transform_preserves_order(floe_transform t)
{
    switch (t.kind) {
    case FLOE_TRANSFORM_IDENTITY:
    case FLOE_TRANSFORM_TRUNCATE:
    case FLOE_TRANSFORM_YEAR:
    case FLOE_TRANSFORM_MONTH:
    case FLOE_TRANSFORM_DAY:
    case FLOE_TRANSFORM_HOUR:
        return true;
    default:
        return false;
    }
}

static int temporal_rank(floe_transform_kind k)
{
    switch (k) {
    case FLOE_TRANSFORM_HOUR:
        return 1;
    case FLOE_TRANSFORM_DAY:
        return 2;
    case FLOE_TRANSFORM_MONTH:
        return 3;
    case FLOE_TRANSFORM_YEAR:
        return 4;
    default:
        return 0;
    }
}

bool floe_transform_equal(floe_transform a, floe_transform b)
{
    return a.kind == b.kind && a.param == b.param;
}

bool floe_transform_satisfies_order_of(floe_transform t, floe_transform other,
                                       const floe_type *source)
{
    if (floe_transform_equal(t, other))
        return t.kind != FLOE_TRANSFORM_UNKNOWN;
    if (t.kind == FLOE_TRANSFORM_IDENTITY)
        return floe_transform_preserves_order(other);
    int a = temporal_rank(t.kind), b = temporal_rank(other.kind);
    if (a && b)
        return a <= b;
    if (t.kind == FLOE_TRANSFORM_TRUNCATE && other.kind == FLOE_TRANSFORM_TRUNCATE && source) {
        /* A longer prefix orders its shorter prefixes; a finer numeric width orders every
         * width it divides. */
        if (source->kind == FLOE_TYPE_STRING || source->kind == FLOE_TYPE_BINARY)
            return t.param >= other.param;
        return other.param % t.param == 0;
    }
    return false;
}
