#include <floe/arrow/type.h>

#include <stdio.h>
#include <string.h>

#include <floe/error.h>

static const char *const type_names[FLOE_ARROW_TYPE_COUNT] = {
    [FLOE_ARROW_TYPE_NA] = "null",
    [FLOE_ARROW_TYPE_BOOL] = "bool",
    [FLOE_ARROW_TYPE_INT8] = "int8",
    [FLOE_ARROW_TYPE_INT16] = "int16",
    [FLOE_ARROW_TYPE_INT32] = "int32",
    [FLOE_ARROW_TYPE_INT64] = "int64",
    [FLOE_ARROW_TYPE_UINT8] = "uint8",
    [FLOE_ARROW_TYPE_UINT16] = "uint16",
    [FLOE_ARROW_TYPE_UINT32] = "uint32",
    [FLOE_ARROW_TYPE_UINT64] = "uint64",
    [FLOE_ARROW_TYPE_FLOAT32] = "float32",
    [FLOE_ARROW_TYPE_FLOAT64] = "float64",
    [FLOE_ARROW_TYPE_DECIMAL128] = "decimal128",
    [FLOE_ARROW_TYPE_DATE32] = "date32",
    [FLOE_ARROW_TYPE_DATE64] = "date64",
    [FLOE_ARROW_TYPE_TIME32] = "time32",
    [FLOE_ARROW_TYPE_TIME64] = "time64",
    [FLOE_ARROW_TYPE_TIMESTAMP] = "timestamp",
    [FLOE_ARROW_TYPE_UTF8] = "utf8",
    [FLOE_ARROW_TYPE_LARGE_UTF8] = "large_utf8",
    [FLOE_ARROW_TYPE_BINARY] = "binary",
    [FLOE_ARROW_TYPE_LARGE_BINARY] = "large_binary",
    [FLOE_ARROW_TYPE_FIXED_SIZE_BINARY] = "fixed_size_binary",
    [FLOE_ARROW_TYPE_STRUCT] = "struct",
    [FLOE_ARROW_TYPE_LIST] = "list",
    [FLOE_ARROW_TYPE_LARGE_LIST] = "large_list",
    [FLOE_ARROW_TYPE_MAP] = "map",
};

const char *floe_arrow_type_name(floe_arrow_type_id id)
{
    if ((int)id < 0 || id >= FLOE_ARROW_TYPE_COUNT)
        return "unknown";
    return type_names[id];
}

static void type_reset(floe_arrow_type *t, floe_arrow_type_id id)
{
    memset(t, 0, sizeof *t);
    t->id = id;
}

/* Reads a non-negative decimal number of at most 9 digits; returns the position after it or
 * NULL. Nine digits keep the value in int32 range without overflow checks. */
static const char *parse_small_uint(const char *p, int32_t *out)
{
    int32_t v = 0;
    int n = 0;
    while (*p >= '0' && *p <= '9') {
        if (++n > 9)
            return NULL;
        v = v * 10 + (*p - '0');
        p++;
    }
    if (n == 0)
        return NULL;
    *out = v;
    return p;
}

static int unit_from_char(char c, floe_arrow_time_unit *u)
{
    switch (c) {
    case 's':
        *u = FLOE_ARROW_TIME_UNIT_SECOND;
        return 0;
    case 'm':
        *u = FLOE_ARROW_TIME_UNIT_MILLI;
        return 0;
    case 'u':
        *u = FLOE_ARROW_TIME_UNIT_MICRO;
        return 0;
    case 'n':
        *u = FLOE_ARROW_TIME_UNIT_NANO;
        return 0;
    default:
        return -1;
    }
}

static int bad_format(const char *format, const char *why)
{
    return floe_error_set(FLOE_EINVALID, "invalid Arrow format string '%s': %s", format, why);
}

static int unsupported_format(const char *format, const char *what)
{
    return floe_error_set(FLOE_EUNSUPPORTED,
                          "Arrow format string '%s' (%s) is not supported by floe", format, what);
}

static int parse_decimal(floe_arrow_type *out, const char *format)
{
    int32_t precision, scale, bits = 128;
    const char *p = parse_small_uint(format + 2, &precision);
    if (!p || *p != ',')
        return bad_format(format, "expected 'd:precision,scale[,bitwidth]'");
    int negative = p[1] == '-';
    p = parse_small_uint(p + 1 + negative, &scale);
    if (!p)
        return bad_format(format, "expected 'd:precision,scale[,bitwidth]'");
    if (*p == ',') {
        p = parse_small_uint(p + 1, &bits);
        if (!p)
            return bad_format(format, "expected a bit width after the scale");
    }
    if (*p != '\0')
        return bad_format(format, "unexpected characters after the decimal parameters");
    if (bits != 128) {
        if (bits == 32 || bits == 64 || bits == 256)
            return unsupported_format(format, "decimal bit width other than 128");
        return bad_format(format, "decimal bit width must be 32, 64, 128 or 256");
    }
    if (negative)
        return unsupported_format(format, "negative decimal scale");
    if (precision < 1 || precision > FLOE_ARROW_DECIMAL128_MAX_PRECISION)
        return bad_format(format, "decimal128 precision must be between 1 and 38");
    if (scale > precision)
        return bad_format(format, "decimal scale must not exceed the precision");
    type_reset(out, FLOE_ARROW_TYPE_DECIMAL128);
    out->precision = precision;
    out->scale = scale;
    out->byte_width = 16;
    return 0;
}

static int parse_temporal(floe_arrow_type *out, const char *format)
{
    const char *f = format + 1;
    floe_arrow_time_unit unit;
    switch (f[0]) {
    case 'd':
        if (f[1] == 'D' && f[2] == '\0') {
            type_reset(out, FLOE_ARROW_TYPE_DATE32);
            return 0;
        }
        if (f[1] == 'm' && f[2] == '\0') {
            type_reset(out, FLOE_ARROW_TYPE_DATE64);
            out->unit = FLOE_ARROW_TIME_UNIT_MILLI;
            return 0;
        }
        return bad_format(format, "date formats are 'tdD' and 'tdm'");
    case 't':
        if (f[2] != '\0' || unit_from_char(f[1], &unit) != 0)
            return bad_format(format, "time formats are 'tts', 'ttm', 'ttu' and 'ttn'");
        type_reset(out, unit <= FLOE_ARROW_TIME_UNIT_MILLI ? FLOE_ARROW_TYPE_TIME32
                                                           : FLOE_ARROW_TYPE_TIME64);
        out->unit = unit;
        return 0;
    case 's':
        if (unit_from_char(f[1], &unit) != 0 || f[2] != ':')
            return bad_format(format, "timestamp formats are 'ts{s,m,u,n}:' plus an optional "
                                      "time zone");
        type_reset(out, FLOE_ARROW_TYPE_TIMESTAMP);
        out->unit = unit;
        if (f[3] != '\0') {
            out->timezone = f + 3;
            out->timezone_len = strlen(f + 3);
        }
        return 0;
    case 'D':
        return unsupported_format(format, "duration");
    case 'i':
        return unsupported_format(format, "interval");
    default:
        return bad_format(format, "unknown temporal format");
    }
}

int floe_arrow_type_parse(floe_arrow_type *out, const char *format)
{
    if (!format)
        return floe_error_set(FLOE_EINVALID, "Arrow format string is NULL");
    if (format[0] == '\0')
        return bad_format(format, "empty");
    static const struct {
        char c;
        floe_arrow_type_id id;
    } simple[] = {
        {'n', FLOE_ARROW_TYPE_NA},      {'b', FLOE_ARROW_TYPE_BOOL},
        {'c', FLOE_ARROW_TYPE_INT8},    {'s', FLOE_ARROW_TYPE_INT16},
        {'i', FLOE_ARROW_TYPE_INT32},   {'l', FLOE_ARROW_TYPE_INT64},
        {'C', FLOE_ARROW_TYPE_UINT8},   {'S', FLOE_ARROW_TYPE_UINT16},
        {'I', FLOE_ARROW_TYPE_UINT32},  {'L', FLOE_ARROW_TYPE_UINT64},
        {'f', FLOE_ARROW_TYPE_FLOAT32}, {'g', FLOE_ARROW_TYPE_FLOAT64},
        {'u', FLOE_ARROW_TYPE_UTF8},    {'U', FLOE_ARROW_TYPE_LARGE_UTF8},
        {'z', FLOE_ARROW_TYPE_BINARY},  {'Z', FLOE_ARROW_TYPE_LARGE_BINARY},
    };
    if (format[1] == '\0') {
        for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++) {
            if (simple[i].c == format[0]) {
                type_reset(out, simple[i].id);
                return 0;
            }
        }
        if (format[0] == 'e')
            return unsupported_format(format, "float16");
        return bad_format(format, "unknown type");
    }
    switch (format[0]) {
    case 'd':
        if (format[1] != ':')
            return bad_format(format, "expected 'd:precision,scale'");
        return parse_decimal(out, format);
    case 'w': {
        int32_t width;
        const char *p = format[1] == ':' ? parse_small_uint(format + 2, &width) : NULL;
        if (!p || *p != '\0' || width <= 0)
            return bad_format(format, "expected 'w:N' with a byte width N > 0");
        type_reset(out, FLOE_ARROW_TYPE_FIXED_SIZE_BINARY);
        out->byte_width = width;
        return 0;
    }
    case 't':
        return parse_temporal(out, format);
    case 'v':
        if ((format[1] == 'u' || format[1] == 'z') && format[2] == '\0')
            return unsupported_format(format, "string/binary view");
        return bad_format(format, "unknown type");
    case '+':
        if (format[2] == '\0') {
            switch (format[1]) {
            case 's':
                type_reset(out, FLOE_ARROW_TYPE_STRUCT);
                return 0;
            case 'l':
                type_reset(out, FLOE_ARROW_TYPE_LIST);
                return 0;
            case 'L':
                type_reset(out, FLOE_ARROW_TYPE_LARGE_LIST);
                return 0;
            case 'm':
                type_reset(out, FLOE_ARROW_TYPE_MAP);
                return 0;
            case 'r':
                return unsupported_format(format, "run-end encoded");
            default:
                break;
            }
        }
        if (format[1] == 'w' && format[2] == ':')
            return unsupported_format(format, "fixed-size list");
        if (format[1] == 'u')
            return unsupported_format(format, "union");
        if (format[1] == 'v')
            return unsupported_format(format, "list view");
        return bad_format(format, "unknown nested type");
    default:
        return bad_format(format, "unknown type");
    }
}

int floe_arrow_type_from_schema(floe_arrow_type *out, const struct ArrowSchema *schema)
{
    if (!schema || !schema->release)
        return floe_error_set(FLOE_EINVALID, "Arrow schema is NULL or released");
    if (!schema->dictionary)
        return floe_arrow_type_parse(out, schema->format);
    floe_arrow_type index;
    int rc = floe_arrow_type_parse(&index, schema->format);
    if (rc < 0)
        return rc;
    if (!floe_arrow_type_is_integer(index.id))
        return floe_error_set(FLOE_EINVALID, "dictionary index type '%s' is not an integer type",
                              schema->format);
    if (!schema->dictionary->release)
        return floe_error_set(FLOE_EINVALID, "dictionary schema is released");
    rc = floe_arrow_type_parse(out, schema->dictionary->format);
    if (rc < 0)
        return rc;
    out->is_dictionary = 1;
    out->index_id = index.id;
    return 0;
}

static char unit_char(floe_arrow_time_unit u)
{
    switch (u) {
    case FLOE_ARROW_TIME_UNIT_SECOND:
        return 's';
    case FLOE_ARROW_TIME_UNIT_MILLI:
        return 'm';
    case FLOE_ARROW_TIME_UNIT_MICRO:
        return 'u';
    case FLOE_ARROW_TIME_UNIT_NANO:
        return 'n';
    default:
        return 0;
    }
}

static int put(char *buf, size_t cap, int n)
{
    if (n < 0 || (size_t)n >= cap)
        return floe_error_set(FLOE_ERANGE,
                              "buffer of %zu bytes too small for an Arrow format "
                              "string",
                              cap);
    return 0;
}

int floe_arrow_type_format(char *buf, size_t cap, const floe_arrow_type *t)
{
    static const char simple[FLOE_ARROW_TYPE_COUNT] = {
        [FLOE_ARROW_TYPE_NA] = 'n',      [FLOE_ARROW_TYPE_BOOL] = 'b',
        [FLOE_ARROW_TYPE_INT8] = 'c',    [FLOE_ARROW_TYPE_INT16] = 's',
        [FLOE_ARROW_TYPE_INT32] = 'i',   [FLOE_ARROW_TYPE_INT64] = 'l',
        [FLOE_ARROW_TYPE_UINT8] = 'C',   [FLOE_ARROW_TYPE_UINT16] = 'S',
        [FLOE_ARROW_TYPE_UINT32] = 'I',  [FLOE_ARROW_TYPE_UINT64] = 'L',
        [FLOE_ARROW_TYPE_FLOAT32] = 'f', [FLOE_ARROW_TYPE_FLOAT64] = 'g',
        [FLOE_ARROW_TYPE_UTF8] = 'u',    [FLOE_ARROW_TYPE_LARGE_UTF8] = 'U',
        [FLOE_ARROW_TYPE_BINARY] = 'z',  [FLOE_ARROW_TYPE_LARGE_BINARY] = 'Z',
    };
    if ((int)t->id < 0 || t->id >= FLOE_ARROW_TYPE_COUNT)
        return floe_error_set(FLOE_EINVALID, "unknown Arrow type id %d", (int)t->id);
    if (simple[t->id])
        return put(buf, cap, snprintf(buf, cap, "%c", simple[t->id]));
    char u = unit_char(t->unit);
    switch (t->id) {
    case FLOE_ARROW_TYPE_DECIMAL128:
        if (t->precision < 1 || t->precision > FLOE_ARROW_DECIMAL128_MAX_PRECISION ||
            t->scale < 0 || t->scale > t->precision)
            return floe_error_set(FLOE_EINVALID, "decimal128(%d, %d) is out of range",
                                  (int)t->precision, (int)t->scale);
        return put(buf, cap, snprintf(buf, cap, "d:%d,%d", (int)t->precision, (int)t->scale));
    case FLOE_ARROW_TYPE_FIXED_SIZE_BINARY:
        if (t->byte_width <= 0)
            return floe_error_set(FLOE_EINVALID, "fixed_size_binary width %d must be > 0",
                                  (int)t->byte_width);
        return put(buf, cap, snprintf(buf, cap, "w:%d", (int)t->byte_width));
    case FLOE_ARROW_TYPE_DATE32:
        return put(buf, cap, snprintf(buf, cap, "tdD"));
    case FLOE_ARROW_TYPE_DATE64:
        return put(buf, cap, snprintf(buf, cap, "tdm"));
    case FLOE_ARROW_TYPE_TIME32:
        if (u != 's' && u != 'm')
            return floe_error_set(FLOE_EINVALID, "time32 needs unit second or milli");
        return put(buf, cap, snprintf(buf, cap, "tt%c", u));
    case FLOE_ARROW_TYPE_TIME64:
        if (u != 'u' && u != 'n')
            return floe_error_set(FLOE_EINVALID, "time64 needs unit micro or nano");
        return put(buf, cap, snprintf(buf, cap, "tt%c", u));
    case FLOE_ARROW_TYPE_TIMESTAMP:
        if (!u)
            return floe_error_set(FLOE_EINVALID, "timestamp needs a time unit");
        if (t->timezone_len > 0x7fffffff)
            return floe_error_set(FLOE_EINVALID, "timestamp time zone is too long");
        return put(buf, cap,
                   snprintf(buf, cap, "ts%c:%.*s", u, t->timezone ? (int)t->timezone_len : 0,
                            t->timezone ? t->timezone : ""));
    case FLOE_ARROW_TYPE_STRUCT:
        return put(buf, cap, snprintf(buf, cap, "+s"));
    case FLOE_ARROW_TYPE_LIST:
        return put(buf, cap, snprintf(buf, cap, "+l"));
    case FLOE_ARROW_TYPE_LARGE_LIST:
        return put(buf, cap, snprintf(buf, cap, "+L"));
    case FLOE_ARROW_TYPE_MAP:
        return put(buf, cap, snprintf(buf, cap, "+m"));
    default:
        return floe_error_set(FLOE_EINVALID, "unknown Arrow type id %d", (int)t->id);
    }
}

int floe_arrow_type_n_buffers(floe_arrow_type_id id)
{
    switch (id) {
    case FLOE_ARROW_TYPE_NA:
        return 0;
    case FLOE_ARROW_TYPE_STRUCT:
        return 1;
    case FLOE_ARROW_TYPE_UTF8:
    case FLOE_ARROW_TYPE_LARGE_UTF8:
    case FLOE_ARROW_TYPE_BINARY:
    case FLOE_ARROW_TYPE_LARGE_BINARY:
        return 3;
    default:
        return 2;
    }
}

int floe_arrow_type_bit_width(const floe_arrow_type *t)
{
    switch (t->id) {
    case FLOE_ARROW_TYPE_BOOL:
        return 1;
    case FLOE_ARROW_TYPE_INT8:
    case FLOE_ARROW_TYPE_UINT8:
        return 8;
    case FLOE_ARROW_TYPE_INT16:
    case FLOE_ARROW_TYPE_UINT16:
        return 16;
    case FLOE_ARROW_TYPE_INT32:
    case FLOE_ARROW_TYPE_UINT32:
    case FLOE_ARROW_TYPE_FLOAT32:
    case FLOE_ARROW_TYPE_DATE32:
    case FLOE_ARROW_TYPE_TIME32:
        return 32;
    case FLOE_ARROW_TYPE_INT64:
    case FLOE_ARROW_TYPE_UINT64:
    case FLOE_ARROW_TYPE_FLOAT64:
    case FLOE_ARROW_TYPE_DATE64:
    case FLOE_ARROW_TYPE_TIME64:
    case FLOE_ARROW_TYPE_TIMESTAMP:
        return 64;
    case FLOE_ARROW_TYPE_DECIMAL128:
        return 128;
    case FLOE_ARROW_TYPE_FIXED_SIZE_BINARY:
        return t->byte_width > 0 && t->byte_width <= 0x7fffffff / 8 ? t->byte_width * 8 : 0;
    default:
        return 0;
    }
}

int floe_arrow_type_is_integer(floe_arrow_type_id id)
{
    return id >= FLOE_ARROW_TYPE_INT8 && id <= FLOE_ARROW_TYPE_UINT64;
}

int floe_arrow_type_is_nested(floe_arrow_type_id id)
{
    return id == FLOE_ARROW_TYPE_STRUCT || id == FLOE_ARROW_TYPE_LIST ||
           id == FLOE_ARROW_TYPE_LARGE_LIST || id == FLOE_ARROW_TYPE_MAP;
}

int floe_arrow_type_is_var_binary(floe_arrow_type_id id)
{
    return id == FLOE_ARROW_TYPE_UTF8 || id == FLOE_ARROW_TYPE_LARGE_UTF8 ||
           id == FLOE_ARROW_TYPE_BINARY || id == FLOE_ARROW_TYPE_LARGE_BINARY;
}

int floe_arrow_type_equal(const floe_arrow_type *a, const floe_arrow_type *b)
{
    if (a->id != b->id || a->unit != b->unit || a->precision != b->precision ||
        a->scale != b->scale || a->byte_width != b->byte_width ||
        a->is_dictionary != b->is_dictionary || (a->is_dictionary && a->index_id != b->index_id))
        return 0;
    size_t la = a->timezone ? a->timezone_len : 0;
    size_t lb = b->timezone ? b->timezone_len : 0;
    return la == lb && (la == 0 || memcmp(a->timezone, b->timezone, la) == 0);
}
