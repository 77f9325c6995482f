/* Iceberg types: construction, type strings, accessors, equality. */
#include "iceberg/type_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "base/buf.h"

static const char *const kind_names[] = {
    [FLOE_TYPE_BOOLEAN] = "boolean",
    [FLOE_TYPE_INT] = "int",
    [FLOE_TYPE_LONG] = "long",
    [FLOE_TYPE_FLOAT] = "float",
    [FLOE_TYPE_DOUBLE] = "double",
    [FLOE_TYPE_DECIMAL] = "decimal",
    [FLOE_TYPE_DATE] = "date",
    [FLOE_TYPE_TIME] = "time",
    [FLOE_TYPE_TIMESTAMP] = "timestamp",
    [FLOE_TYPE_TIMESTAMPTZ] = "timestamptz",
    [FLOE_TYPE_STRING] = "string",
    [FLOE_TYPE_UUID] = "uuid",
    [FLOE_TYPE_FIXED] = "fixed",
    [FLOE_TYPE_BINARY] = "binary",
    [FLOE_TYPE_TIMESTAMP_NS] = "timestamp_ns",
    [FLOE_TYPE_TIMESTAMPTZ_NS] = "timestamptz_ns",
    [FLOE_TYPE_UNKNOWN] = "unknown",
    [FLOE_TYPE_VARIANT] = "variant",
    [FLOE_TYPE_GEOMETRY] = "geometry",
    [FLOE_TYPE_GEOGRAPHY] = "geography",
    [FLOE_TYPE_STRUCT] = "struct",
    [FLOE_TYPE_LIST] = "list",
    [FLOE_TYPE_MAP] = "map",
};

const char *floe_type_kind_name(floe_type_kind kind)
{
    if (kind < FLOE_TYPE_BOOLEAN || kind > FLOE_TYPE_MAP)
        return "invalid";
    return kind_names[kind];
}

static bool kind_is_plain(floe_type_kind k)
{
    switch (k) {
    case FLOE_TYPE_BOOLEAN:
    case FLOE_TYPE_INT:
    case FLOE_TYPE_LONG:
    case FLOE_TYPE_FLOAT:
    case FLOE_TYPE_DOUBLE:
    case FLOE_TYPE_DATE:
    case FLOE_TYPE_TIME:
    case FLOE_TYPE_TIMESTAMP:
    case FLOE_TYPE_TIMESTAMPTZ:
    case FLOE_TYPE_STRING:
    case FLOE_TYPE_UUID:
    case FLOE_TYPE_BINARY:
    case FLOE_TYPE_TIMESTAMP_NS:
    case FLOE_TYPE_TIMESTAMPTZ_NS:
    case FLOE_TYPE_UNKNOWN:
    case FLOE_TYPE_VARIANT:
        return true;
    default:
        return false;
    }
}

/* Plain types are shared singletons: they carry no state, so they are never freed. They are
 * initialised statically so concurrent first use needs no synchronisation. */
#define PLAIN(k, name) [k] = {.kind = k, .is_static = true, .str = (char *)name}
static floe_type plain_types[FLOE_TYPE_MAP + 1] = {
    PLAIN(FLOE_TYPE_BOOLEAN, "boolean"),
    PLAIN(FLOE_TYPE_INT, "int"),
    PLAIN(FLOE_TYPE_LONG, "long"),
    PLAIN(FLOE_TYPE_FLOAT, "float"),
    PLAIN(FLOE_TYPE_DOUBLE, "double"),
    PLAIN(FLOE_TYPE_DATE, "date"),
    PLAIN(FLOE_TYPE_TIME, "time"),
    PLAIN(FLOE_TYPE_TIMESTAMP, "timestamp"),
    PLAIN(FLOE_TYPE_TIMESTAMPTZ, "timestamptz"),
    PLAIN(FLOE_TYPE_STRING, "string"),
    PLAIN(FLOE_TYPE_UUID, "uuid"),
    PLAIN(FLOE_TYPE_BINARY, "binary"),
    PLAIN(FLOE_TYPE_TIMESTAMP_NS, "timestamp_ns"),
    PLAIN(FLOE_TYPE_TIMESTAMPTZ_NS, "timestamptz_ns"),
    PLAIN(FLOE_TYPE_UNKNOWN, "unknown"),
    PLAIN(FLOE_TYPE_VARIANT, "variant"),
};

int floe_type_new_primitive(floe_type **out, floe_type_kind kind)
{
    *out = NULL;
    if (!kind_is_plain(kind))
        return floe_error_set(FLOE_EINVALID,
                              "type '%s' needs parameters or fields: use its own constructor",
                              floe_type_kind_name(kind));
    *out = &plain_types[kind];
    return 0;
}

static floe_type *type_alloc(floe_type_kind kind)
{
    floe_type *t = floe_calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->kind = kind;
    t->refcount = 1;
    return t;
}

int floe_type_new_decimal(floe_type **out, int precision, int scale)
{
    *out = NULL;
    if (precision < 1 || precision > 38 || scale < 0 || scale > precision)
        return floe_error_set(FLOE_EINVALID,
                              "invalid decimal(%d,%d): precision must be 1..38 and scale "
                              "0..precision",
                              precision, scale);
    floe_type *t = type_alloc(FLOE_TYPE_DECIMAL);
    if (!t)
        return FLOE_ENOMEM;
    t->precision = precision;
    t->scale = scale;
    floe_buf b = FLOE_BUF_INIT;
    if (floe_buf_printf(&b, "decimal(%d,%d)", precision, scale) != 0) {
        floe_free(t);
        return FLOE_ENOMEM;
    }
    t->str = (char *)floe_buf_detach(&b, NULL);
    *out = t;
    return 0;
}

int floe_type_new_fixed(floe_type **out, int64_t length)
{
    *out = NULL;
    if (length < 1 || length > INT32_MAX)
        return floe_error_set(FLOE_EINVALID, "invalid fixed[%lld]: length must be 1..%d",
                              (long long)length, INT32_MAX);
    floe_type *t = type_alloc(FLOE_TYPE_FIXED);
    if (!t)
        return FLOE_ENOMEM;
    t->length = length;
    floe_buf b = FLOE_BUF_INIT;
    if (floe_buf_printf(&b, "fixed[%lld]", (long long)length) != 0) {
        floe_free(t);
        return FLOE_ENOMEM;
    }
    t->str = (char *)floe_buf_detach(&b, NULL);
    *out = t;
    return 0;
}

static int new_geo(floe_type **out, floe_type_kind kind, const char *crs, size_t crs_len,
                   const char *algo, size_t algo_len)
{
    floe_type *t = type_alloc(kind);
    if (!t)
        return FLOE_ENOMEM;
    floe_buf b = FLOE_BUF_INIT;
    int rc = 0;
    if (crs) {
        t->crs = floe_strndup(crs, crs_len);
        if (!t->crs)
            rc = FLOE_ENOMEM;
    }
    if (algo && !rc) {
        t->algorithm = floe_strndup(algo, algo_len);
        if (!t->algorithm)
            rc = FLOE_ENOMEM;
    }
    if (!rc) {
        if (kind == FLOE_TYPE_GEOMETRY)
            rc = t->crs ? floe_buf_printf(&b, "geometry(%s)", t->crs)
                        : floe_buf_append_str(&b, "geometry");
        else if (t->algorithm)
            rc = floe_buf_printf(&b, "geography(%s, %s)", t->crs ? t->crs : "OGC:CRS84",
                                 t->algorithm);
        else
            rc = t->crs ? floe_buf_printf(&b, "geography(%s)", t->crs)
                        : floe_buf_append_str(&b, "geography");
    }
    if (!rc && !floe_buf_cstr(&b))
        rc = FLOE_ENOMEM;
    if (rc) {
        floe_buf_free(&b);
        floe_type_free(t);
        return FLOE_ENOMEM;
    }
    t->str = (char *)floe_buf_detach(&b, NULL);
    *out = t;
    return 0;
}

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

static int parse_int_param(const char **pp, long *v)
{
    const char *p = skip_ws(*pp);
    if (!isdigit((unsigned char)*p))
        return -1;
    errno = 0;
    char *end;
    long x = strtol(p, &end, 10);
    if (errno)
        return -1;
    *v = x;
    *pp = skip_ws(end);
    return 0;
}

int floe_type_parse(floe_type **out, const char *text)
{
    *out = NULL;
    const char *s = skip_ws(text);
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    for (int k = FLOE_TYPE_BOOLEAN; k <= FLOE_TYPE_VARIANT; k++) {
        if (kind_is_plain((floe_type_kind)k) && strlen(kind_names[k]) == n &&
            strncmp(kind_names[k], s, n) == 0)
            return floe_type_new_primitive(out, (floe_type_kind)k);
    }
    const char *p;
    if (n > 7 && strncmp(s, "decimal", 7) == 0) {
        p = skip_ws(s + 7);
        long prec, scale;
        if (*p++ != '(' || parse_int_param(&p, &prec) || *p++ != ',' ||
            parse_int_param(&p, &scale) || *p++ != ')' || (size_t)(p - s) != n)
            goto bad;
        return floe_type_new_decimal(out, (int)(prec > 1000 ? 1000 : prec),
                                     (int)(scale > 1000 ? 1000 : scale));
    }
    if (n > 5 && strncmp(s, "fixed", 5) == 0) {
        p = skip_ws(s + 5);
        long len;
        if (*p++ != '[' || parse_int_param(&p, &len) || *p++ != ']' || (size_t)(p - s) != n)
            goto bad;
        return floe_type_new_fixed(out, len);
    }
    if (strncmp(s, "geometry", 8) == 0 || strncmp(s, "geography", 9) == 0) {
        bool geog = s[3] == 'g';
        size_t kw = geog ? 9 : 8;
        if (n == kw)
            return new_geo(out, geog ? FLOE_TYPE_GEOGRAPHY : FLOE_TYPE_GEOMETRY, NULL, 0, NULL, 0);
        p = skip_ws(s + kw);
        if (*p != '(' || s[n - 1] != ')')
            goto bad;
        p = skip_ws(p + 1);
        const char *end = s + n - 1;
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *crs_end = comma ? comma : end;
        while (crs_end > p && (crs_end[-1] == ' ' || crs_end[-1] == '\t'))
            crs_end--;
        if (crs_end == p)
            goto bad;
        const char *algo = NULL, *algo_end = NULL;
        if (comma) {
            if (!geog)
                goto bad;
            algo = skip_ws(comma + 1);
            algo_end = end;
            while (algo_end > algo && (algo_end[-1] == ' ' || algo_end[-1] == '\t'))
                algo_end--;
            if (algo_end == algo)
                goto bad;
            static const char *const algos[] = {"spherical", "vincenty", "thomas", "andoyer",
                                                "karney"};
            bool ok = false;
            for (size_t i = 0; i < sizeof algos / sizeof algos[0]; i++)
                if (strlen(algos[i]) == (size_t)(algo_end - algo) &&
                    strncmp(algos[i], algo, (size_t)(algo_end - algo)) == 0)
                    ok = true;
            if (!ok)
                return floe_error_set(FLOE_EINVALID,
                                      "unknown geography edge algorithm in '%s': use spherical, "
                                      "vincenty, thomas, andoyer or karney",
                                      text);
        }
        return new_geo(out, geog ? FLOE_TYPE_GEOGRAPHY : FLOE_TYPE_GEOMETRY, p,
                       (size_t)(crs_end - p), algo, algo ? (size_t)(algo_end - algo) : 0);
    }
bad:
    return floe_error_set(FLOE_EINVALID,
                          "unknown type '%s': expected a primitive type such as int, long, "
                          "string, decimal(P,S) or fixed[L]",
                          text);
}

int floe_field_new(floe_field **out, int32_t id, const char *name, bool required, floe_type *type,
                   const char *doc)
{
    *out = NULL;
    if (!name || !type)
        return floe_error_set(FLOE_EINVALID, "field %d needs a name and a type", (int)id);
    floe_field *f = floe_calloc(1, sizeof *f);
    if (!f)
        return FLOE_ENOMEM;
    f->id = id;
    f->required = required;
    f->name = floe_strdup(name);
    if (doc)
        f->doc = floe_strdup(doc);
    if (!f->name || (doc && !f->doc)) {
        floe_free(f->name);
        floe_free(f->doc);
        floe_free(f);
        return FLOE_ENOMEM;
    }
    f->type = floe_type_ref(type);
    *out = f;
    return 0;
}

int floe_field_set_defaults(floe_field *f, const char *initial, const char *write)
{
    char *a = NULL, *b = NULL;
    if (initial && !(a = floe_strdup(initial)))
        return FLOE_ENOMEM;
    if (write && !(b = floe_strdup(write))) {
        floe_free(a);
        return FLOE_ENOMEM;
    }
    floe_free(f->initial_default);
    floe_free(f->write_default);
    f->initial_default = a;
    f->write_default = b;
    return 0;
}

void floe_type__field_clear(floe_field *f)
{
    floe_free(f->name);
    floe_free(f->doc);
    floe_free(f->initial_default);
    floe_free(f->write_default);
    floe_type_free(f->type);
    memset(f, 0, sizeof *f);
}

void floe_field_free(floe_field *f)
{
    if (!f)
        return;
    floe_type__field_clear(f);
    floe_free(f);
}

int floe_type_new_struct(floe_type **out, floe_field **fields, size_t count)
{
    *out = NULL;
    int rc = 0;
    for (size_t i = 0; i < count && !rc; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(fields[i]->name, fields[j]->name) == 0) {
                rc = floe_error_set(FLOE_EINVALID, "duplicate field name '%s' in struct",
                                    fields[i]->name);
                break;
            }
    floe_type *t = NULL;
    if (!rc) {
        t = type_alloc(FLOE_TYPE_STRUCT);
        if (!t || (count && !(t->fields = floe_calloc(count, sizeof(floe_field))))) {
            floe_free(t);
            t = NULL;
            rc = FLOE_ENOMEM;
        }
    }
    for (size_t i = 0; i < count; i++) {
        if (t)
            t->fields[i] = *fields[i];
        else
            floe_type__field_clear(fields[i]);
        floe_free(fields[i]);
        fields[i] = NULL;
    }
    if (rc)
        return rc;
    t->nfields = count;
    t->str = (char *)kind_names[FLOE_TYPE_STRUCT];
    *out = t;
    return 0;
}

static int set_child(floe_field *f, int32_t id, const char *name, bool required, floe_type *type)
{
    f->id = id;
    f->required = required;
    f->name = floe_strdup(name);
    if (!f->name)
        return FLOE_ENOMEM;
    f->type = floe_type_ref(type);
    return 0;
}

int floe_type_new_list(floe_type **out, int32_t element_id, bool element_required,
                       floe_type *element)
{
    *out = NULL;
    if (!element)
        return floe_error_set(FLOE_EINVALID, "list needs an element type");
    floe_type *t = type_alloc(FLOE_TYPE_LIST);
    if (!t || !(t->fields = floe_calloc(1, sizeof(floe_field)))) {
        floe_free(t);
        return FLOE_ENOMEM;
    }
    t->nfields = 1;
    t->str = (char *)kind_names[FLOE_TYPE_LIST];
    if (set_child(&t->fields[0], element_id, "element", element_required, element)) {
        floe_type_free(t);
        return FLOE_ENOMEM;
    }
    *out = t;
    return 0;
}

int floe_type_new_map(floe_type **out, int32_t key_id, floe_type *key, int32_t value_id,
                      bool value_required, floe_type *value)
{
    *out = NULL;
    if (!key || !value)
        return floe_error_set(FLOE_EINVALID, "map needs key and value types");
    floe_type *t = type_alloc(FLOE_TYPE_MAP);
    if (!t || !(t->fields = floe_calloc(2, sizeof(floe_field)))) {
        floe_free(t);
        return FLOE_ENOMEM;
    }
    t->nfields = 2;
    t->str = (char *)kind_names[FLOE_TYPE_MAP];
    if (set_child(&t->fields[0], key_id, "key", true, key) ||
        set_child(&t->fields[1], value_id, "value", value_required, value)) {
        floe_type_free(t);
        return FLOE_ENOMEM;
    }
    *out = t;
    return 0;
}

floe_type *floe_type_ref(floe_type *t)
{
    if (t && !t->is_static)
        __atomic_fetch_add(&t->refcount, 1, __ATOMIC_RELAXED);
    return t;
}

void floe_type_free(floe_type *t)
{
    if (!t || t->is_static)
        return;
    if (__atomic_sub_fetch(&t->refcount, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    for (size_t i = 0; i < t->nfields; i++)
        floe_type__field_clear(&t->fields[i]);
    floe_free(t->fields);
    if (t->kind == FLOE_TYPE_DECIMAL || t->kind == FLOE_TYPE_FIXED ||
        t->kind == FLOE_TYPE_GEOMETRY || t->kind == FLOE_TYPE_GEOGRAPHY)
        floe_free(t->str);
    floe_free(t->crs);
    floe_free(t->algorithm);
    floe_free(t);
}

floe_type_kind floe_type_get_kind(const floe_type *t)
{
    return t->kind;
}

bool floe_type_is_nested(const floe_type *t)
{
    return t->kind == FLOE_TYPE_STRUCT || t->kind == FLOE_TYPE_LIST || t->kind == FLOE_TYPE_MAP;
}

bool floe_type_is_primitive(const floe_type *t)
{
    return !floe_type_is_nested(t) && t->kind != FLOE_TYPE_VARIANT;
}

const char *floe_type_string(const floe_type *t)
{
    return t->str;
}

int floe_type_decimal_precision(const floe_type *t)
{
    return t->kind == FLOE_TYPE_DECIMAL ? t->precision : 0;
}

int floe_type_decimal_scale(const floe_type *t)
{
    return t->kind == FLOE_TYPE_DECIMAL ? t->scale : 0;
}

int64_t floe_type_fixed_length(const floe_type *t)
{
    return t->kind == FLOE_TYPE_FIXED ? t->length : 0;
}

const char *floe_type_geo_crs(const floe_type *t)
{
    return t->crs;
}

const char *floe_type_geo_algorithm(const floe_type *t)
{
    return t->algorithm;
}

size_t floe_type_field_count(const floe_type *t)
{
    return t->nfields;
}

const floe_field *floe_type_field_at(const floe_type *t, size_t i)
{
    return i < t->nfields ? &t->fields[i] : NULL;
}

const floe_field *floe_type_field_by_name(const floe_type *t, const char *name)
{
    for (size_t i = 0; i < t->nfields; i++)
        if (strcmp(t->fields[i].name, name) == 0)
            return &t->fields[i];
    return NULL;
}

const floe_field *floe_type_field_by_id(const floe_type *t, int32_t id)
{
    for (size_t i = 0; i < t->nfields; i++)
        if (t->fields[i].id == id)
            return &t->fields[i];
    return NULL;
}

static bool str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

bool floe_type_equal(const floe_type *a, const floe_type *b)
{
    if (a == b)
        return true;
    if (!a || !b || a->kind != b->kind)
        return false;
    switch (a->kind) {
    case FLOE_TYPE_DECIMAL:
        return a->precision == b->precision && a->scale == b->scale;
    case FLOE_TYPE_FIXED:
        return a->length == b->length;
    case FLOE_TYPE_GEOMETRY:
    case FLOE_TYPE_GEOGRAPHY:
        return str_eq(a->crs, b->crs) && str_eq(a->algorithm, b->algorithm);
    case FLOE_TYPE_STRUCT:
    case FLOE_TYPE_LIST:
    case FLOE_TYPE_MAP:
        if (a->nfields != b->nfields)
            return false;
        for (size_t i = 0; i < a->nfields; i++) {
            const floe_field *x = &a->fields[i], *y = &b->fields[i];
            if (x->id != y->id || x->required != y->required || strcmp(x->name, y->name) != 0 ||
                !floe_type_equal(x->type, y->type))
                return false;
        }
        return true;
    default:
        return true;
    }
}

int32_t floe_field_id(const floe_field *f)
{
    return f->id;
}

const char *floe_field_name(const floe_field *f)
{
    return f->name;
}

bool floe_field_required(const floe_field *f)
{
    return f->required;
}

floe_type *floe_field_type(const floe_field *f)
{
    return f->type;
}

const char *floe_field_doc(const floe_field *f)
{
    return f->doc;
}

const char *floe_field_initial_default(const floe_field *f)
{
    return f->initial_default;
}

const char *floe_field_write_default(const floe_field *f)
{
    return f->write_default;
}
