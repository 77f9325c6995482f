/* Text forms the CLI accepts (schema "id long not null, ...", partition "day(ts), bucket(16,
 * id)", sort "id desc") turned into Iceberg JSON, and the Iceberg <-> Arrow schema mapping. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <floe/arrow/schema.h>
#include <floe/arrow/type.h>
#include <floe/error.h>
#include <floe/iceberg/schema.h>
#include <floe/iceberg/types.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "manager/manager_internal.h"

#define MAX_ITEMS 4096

/* Splits `text` at top-level commas (not inside parentheses) into trimmed items. */
static int split_items(char ***out, size_t *count, const char *text, const char *what)
{
    size_t n = 0, cap = 0;
    char **items = NULL;
    const char *start = text;
    int depth = 0, rc = 0;
    for (const char *p = text;; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')')
            depth--;
        if (depth < 0) {
            rc = floe_error_set(FLOE_EINVALID, "%s: unbalanced ')' at character %zu", what,
                                (size_t)(p - text) + 1);
            break;
        }
        if (*p && !(*p == ',' && depth == 0))
            continue;
        const char *a = start, *b = p;
        while (a < b && isspace((unsigned char)*a))
            a++;
        while (b > a && isspace((unsigned char)b[-1]))
            b--;
        if (a == b) {
            rc = floe_error_set(FLOE_EINVALID, "%s: empty item at character %zu", what,
                                (size_t)(a - text) + 1);
            break;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            char **v = cap <= MAX_ITEMS ? floe_realloc(items, cap * sizeof *v) : NULL;
            if (!v) {
                rc = floe_error_set(FLOE_ENOMEM, "%s: too many items", what);
                break;
            }
            items = v;
        }
        if (!(items[n] = floe_strndup(a, (size_t)(b - a)))) {
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
            break;
        }
        n++;
        if (!*p)
            break;
        start = p + 1;
    }
    if (!rc && depth != 0)
        rc = floe_error_set(FLOE_EINVALID, "%s: unbalanced '('", what);
    if (rc) {
        floe_manager_strings_free(items, n);
        return rc;
    }
    *out = items;
    *count = n;
    return 0;
}

static const char *type_alias(const char *t)
{
    static const char *const aliases[][2] = {{"bigint", "long"},
                                             {"int64", "long"},
                                             {"integer", "int"},
                                             {"int32", "int"},
                                             {"bool", "boolean"},
                                             {"varchar", "string"},
                                             {"text", "string"},
                                             {"float32", "float"},
                                             {"float64", "double"},
                                             {"real", "float"},
                                             {"bytes", "binary"},
                                             {"blob", "binary"},
                                             {"timestamp_tz", "timestamptz"}};
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcasecmp(t, aliases[i][0]) == 0)
            return aliases[i][1];
    return t;
}

int floe_manager__schema_text_to_json(char **out, const char *text)
{
    char **items = NULL;
    size_t n = 0;
    if (!text)
        return floe_error_set(FLOE_EINVALID, "schema text is NULL");
    int rc = split_items(&items, &n, text, "schema");
    if (rc)
        return rc;
    json_t *fields = json_array();
    for (size_t i = 0; !rc && i < n; i++) {
        char *item = items[i];
        char *sp = item;
        while (*sp && !isspace((unsigned char)*sp))
            sp++;
        if (!*sp) {
            rc = floe_error_set(FLOE_EINVALID,
                                "schema column %zu '%s' has no type: write 'name type [not null]'",
                                i + 1, item);
            break;
        }
        *sp++ = '\0';
        while (isspace((unsigned char)*sp))
            sp++;
        int required = 0;
        size_t tl = strlen(sp);
        if (tl > 8 && strcasecmp(sp + tl - 8, "not null") == 0) {
            required = 1;
            sp[tl - 8] = '\0';
            while (tl > 8 && isspace((unsigned char)sp[strlen(sp) - 1]))
                sp[strlen(sp) - 1] = '\0';
        }
        floe_type *type = NULL;
        if ((rc = floe_type_parse(&type, type_alias(sp)))) {
            rc = floe_error_wrap(rc, "schema column '%s'", item);
            break;
        }
        json_t *f = json_pack("{s:I,s:s,s:b,s:s}", "id", (json_int_t)(i + 1), "name", item,
                              "required", required, "type", floe_type_string(type));
        floe_type_free(type);
        if (!f || json_array_append_new(fields, f))
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    floe_manager_strings_free(items, n);
    if (!rc) {
        json_t *schema =
            json_pack("{s:s,s:i,s:O}", "type", "struct", "schema-id", 0, "fields", fields);
        *out = schema ? json_dumps(schema, JSON_COMPACT) : NULL;
        json_decref(schema);
        if (!*out)
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    json_decref(fields);
    return rc;
}

static int column_id(int32_t *id, const floe_schema *schema, const char *name, const char *what)
{
    const floe_field *f = floe_schema_find_field_by_name(schema, name, true);
    if (!f)
        return floe_error_set(FLOE_EINVALID, "%s: no column named '%s' in the schema", what, name);
    *id = floe_field_id(f);
    return 0;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t l = strlen(s);
    while (l && isspace((unsigned char)s[l - 1]))
        s[--l] = '\0';
    return s;
}

int floe_manager__spec_text_to_json(char **out, const char *text, const floe_schema *schema)
{
    char **items = NULL;
    size_t n = 0;
    int rc = split_items(&items, &n, text, "partition spec");
    if (rc)
        return rc;
    json_t *fields = json_array();
    for (size_t i = 0; !rc && i < n; i++) {
        char *item = items[i];
        char *open = strchr(item, '(');
        char transform[64], name[512];
        const char *column;
        if (!open) {
            column = trim(item);
            snprintf(transform, sizeof transform, "identity");
            snprintf(name, sizeof name, "%s", column);
        } else {
            char *close = strrchr(item, ')');
            if (!close || close[1] != '\0') {
                rc = floe_error_set(FLOE_EINVALID, "partition field '%s': expected 'fn(column)'",
                                    item);
                break;
            }
            *open = '\0';
            *close = '\0';
            char *fn = trim(item), *args = open + 1;
            char *comma = strchr(args, ',');
            long param = -1;
            if (comma) {
                *comma = '\0';
                char *end = NULL;
                param = strtol(trim(args), &end, 10);
                if (!end || *end || param <= 0 || param > INT32_MAX) {
                    rc = floe_error_set(FLOE_EINVALID,
                                        "partition field '%s(...)': '%s' is not a positive width",
                                        fn, trim(args));
                    break;
                }
                args = comma + 1;
            }
            column = trim(args);
            const char *suffix = fn;
            if (strcasecmp(fn, "bucket") == 0 || strcasecmp(fn, "truncate") == 0) {
                if (param < 0) {
                    rc = floe_error_set(FLOE_EINVALID,
                                        "partition field '%s(%s)' needs a width: %s(N, column)", fn,
                                        column, fn);
                    break;
                }
                snprintf(transform, sizeof transform, "%s[%ld]",
                         strcasecmp(fn, "bucket") == 0 ? "bucket" : "truncate", param);
                suffix = strcasecmp(fn, "bucket") == 0 ? "bucket" : "trunc";
            } else {
                static const char *const plain[] = {"identity", "year", "month",
                                                    "day",      "hour", "void"};
                static const char *const alias[][2] = {
                    {"years", "year"}, {"months", "month"}, {"days", "day"}, {"hours", "hour"}};
                const char *t = NULL;
                for (size_t k = 0; k < sizeof plain / sizeof plain[0]; k++)
                    if (strcasecmp(fn, plain[k]) == 0)
                        t = plain[k];
                for (size_t k = 0; k < sizeof alias / sizeof alias[0]; k++)
                    if (strcasecmp(fn, alias[k][0]) == 0)
                        t = alias[k][1];
                if (!t) {
                    rc = floe_error_set(FLOE_EINVALID,
                                        "partition transform '%s' is unknown: use identity, "
                                        "bucket(N, c), truncate(W, c), year, month, day, hour, "
                                        "void",
                                        fn);
                    break;
                }
                snprintf(transform, sizeof transform, "%s", t);
                suffix = t;
            }
            if (strcmp(transform, "identity") == 0)
                snprintf(name, sizeof name, "%s", column);
            else
                snprintf(name, sizeof name, "%s_%s", column, suffix);
        }
        int32_t sid = 0;
        if ((rc = column_id(&sid, schema, column, "partition spec")))
            break;
        json_t *f = json_pack("{s:i,s:i,s:s,s:s}", "source-id", sid, "field-id", 1000 + (int)i,
                              "name", name, "transform", transform);
        if (!f || json_array_append_new(fields, f))
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    floe_manager_strings_free(items, n);
    if (!rc) {
        json_t *spec = json_pack("{s:i,s:O}", "spec-id", 0, "fields", fields);
        *out = spec ? json_dumps(spec, JSON_COMPACT) : NULL;
        json_decref(spec);
        if (!*out)
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    json_decref(fields);
    return rc;
}

int floe_manager__sort_text_to_json(char **out, const char *text, const floe_schema *schema)
{
    char **items = NULL;
    size_t n = 0;
    int rc = split_items(&items, &n, text, "sort order");
    if (rc)
        return rc;
    json_t *fields = json_array();
    for (size_t i = 0; !rc && i < n; i++) {
        char *words[5] = {0};
        size_t nw = 0;
        for (char *p = items[i]; *p && nw < 5;) {
            while (isspace((unsigned char)*p))
                p++;
            if (!*p)
                break;
            words[nw++] = p;
            while (*p && !isspace((unsigned char)*p))
                p++;
            if (*p)
                *p++ = '\0';
        }
        const char *dir = "asc", *nulls = NULL;
        size_t w = 1;
        if (w < nw && (strcasecmp(words[w], "asc") == 0 || strcasecmp(words[w], "desc") == 0))
            dir = strcasecmp(words[w++], "asc") == 0 ? "asc" : "desc";
        if (w + 1 < nw && strcasecmp(words[w], "nulls") == 0 &&
            (strcasecmp(words[w + 1], "first") == 0 || strcasecmp(words[w + 1], "last") == 0)) {
            nulls = strcasecmp(words[w + 1], "first") == 0 ? "nulls-first" : "nulls-last";
            w += 2;
        }
        if (nw == 0 || w != nw) {
            rc = floe_error_set(FLOE_EINVALID,
                                "sort field %zu: expected 'column [asc|desc] [nulls first|last]'",
                                i + 1);
            break;
        }
        if (!nulls)
            nulls = strcmp(dir, "asc") == 0 ? "nulls-first" : "nulls-last";
        int32_t sid = 0;
        if ((rc = column_id(&sid, schema, words[0], "sort order")))
            break;
        json_t *f = json_pack("{s:s,s:i,s:s,s:s}", "transform", "identity", "source-id", sid,
                              "direction", dir, "null-order", nulls);
        if (!f || json_array_append_new(fields, f))
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    floe_manager_strings_free(items, n);
    if (!rc) {
        json_t *o = json_pack("{s:i,s:O}", "order-id", 1, "fields", fields);
        *out = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        if (!*out)
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    json_decref(fields);
    return rc;
}

/* ---- Iceberg -> Arrow ---- */

static int arrow_field(struct ArrowSchema *out, const floe_field *f);

static int arrow_type(struct ArrowSchema *out, const floe_type *t, const char *name, int64_t flags)
{
    char fmt[64];
    const char *f = NULL;
    switch (floe_type_get_kind(t)) {
    case FLOE_TYPE_BOOLEAN:
        f = "b";
        break;
    case FLOE_TYPE_INT:
        f = "i";
        break;
    case FLOE_TYPE_LONG:
        f = "l";
        break;
    case FLOE_TYPE_FLOAT:
        f = "f";
        break;
    case FLOE_TYPE_DOUBLE:
        f = "g";
        break;
    case FLOE_TYPE_DECIMAL:
        snprintf(fmt, sizeof fmt, "d:%d,%d", floe_type_decimal_precision(t),
                 floe_type_decimal_scale(t));
        f = fmt;
        break;
    case FLOE_TYPE_DATE:
        f = "tdD";
        break;
    case FLOE_TYPE_TIME:
        f = "ttu";
        break;
    case FLOE_TYPE_TIMESTAMP:
        f = "tsu:";
        break;
    case FLOE_TYPE_TIMESTAMPTZ:
        f = "tsu:UTC";
        break;
    case FLOE_TYPE_TIMESTAMP_NS:
        f = "tsn:";
        break;
    case FLOE_TYPE_TIMESTAMPTZ_NS:
        f = "tsn:UTC";
        break;
    case FLOE_TYPE_STRING:
        f = "u";
        break;
    case FLOE_TYPE_UUID:
        f = "w:16";
        break;
    case FLOE_TYPE_FIXED:
        snprintf(fmt, sizeof fmt, "w:%" PRId64, floe_type_fixed_length(t));
        f = fmt;
        break;
    case FLOE_TYPE_BINARY:
        f = "z";
        break;
    case FLOE_TYPE_STRUCT:
        f = "+s";
        break;
    case FLOE_TYPE_LIST:
        f = "+l";
        break;
    case FLOE_TYPE_MAP:
        f = "+m";
        break;
    default:
        return floe_error_set(FLOE_EUNSUPPORTED, "column '%s': type %s has no Arrow mapping here",
                              name, floe_type_string(t));
    }
    int rc = floe_arrow_schema_init(out, f, name, flags);
    if (rc)
        return rc;
    floe_type_kind k = floe_type_get_kind(t);
    if (k == FLOE_TYPE_STRUCT || k == FLOE_TYPE_LIST) {
        size_t n = floe_type_field_count(t);
        if ((rc = floe_arrow_schema_alloc_children(out, (int64_t)n)))
            return rc;
        for (size_t i = 0; i < n; i++)
            if ((rc = arrow_field(out->children[i], floe_type_field_at(t, i))))
                return rc;
    } else if (k == FLOE_TYPE_MAP) {
        if ((rc = floe_arrow_schema_alloc_children(out, 1)) ||
            (rc = floe_arrow_schema_init(out->children[0], "+s", "entries", 0)) ||
            (rc = floe_arrow_schema_alloc_children(out->children[0], 2)))
            return rc;
        for (size_t i = 0; i < 2; i++)
            if ((rc = arrow_field(out->children[0]->children[i], floe_type_field_at(t, i))))
                return rc;
    }
    return 0;
}

static int arrow_field(struct ArrowSchema *out, const floe_field *f)
{
    int rc = arrow_type(out, floe_field_type(f), floe_field_name(f),
                        floe_field_required(f) ? 0 : ARROW_FLAG_NULLABLE);
    char id[16];
    snprintf(id, sizeof id, "%" PRId32, floe_field_id(f));
    if (!rc)
        rc = floe_arrow_schema_metadata_set(out, FLOE_ARROW_FIELD_ID_KEY, id);
    return rc;
}

int floe_manager__arrow_schema(struct ArrowSchema *out, const floe_schema *schema,
                               const int32_t *ids, size_t id_count)
{
    size_t n = floe_schema_column_count(schema), sel = 0;
    const floe_field **cols = floe_calloc(n ? n : 1, sizeof *cols);
    if (!cols)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    if (ids) {
        for (size_t k = 0; k < id_count; k++)
            for (size_t i = 0; i < n; i++)
                if (floe_field_id(floe_schema_column_at(schema, i)) == ids[k])
                    cols[sel++] = floe_schema_column_at(schema, i);
    } else {
        for (size_t i = 0; i < n; i++)
            cols[sel++] = floe_schema_column_at(schema, i);
    }
    int rc = floe_arrow_schema_init(out, "+s", "", 0);
    if (!rc)
        rc = floe_arrow_schema_alloc_children(out, (int64_t)sel);
    for (size_t i = 0; !rc && i < sel; i++)
        rc = arrow_field(out->children[i], cols[i]);
    floe_free(cols);
    if (rc && out->release)
        out->release(out);
    return rc;
}

/* ---- Arrow -> Iceberg (types of a Parquet file, for `table create --like`) ---- */

static json_t *iceberg_type_json(const struct ArrowSchema *s, int *next_id, const char *path);

static json_t *field_json(const struct ArrowSchema *s, int *next_id, const char *name)
{
    int id = (*next_id)++;
    json_t *type = iceberg_type_json(s, next_id, name);
    if (!type)
        return NULL;
    return json_pack("{s:i,s:s,s:b,s:o}", "id", id, "name", name, "required",
                     !(s->flags & ARROW_FLAG_NULLABLE), "type", type);
}

static json_t *iceberg_type_json(const struct ArrowSchema *s, int *next_id, const char *path)
{
    floe_arrow_type t = FLOE_ARROW_TYPE_INIT;
    if (floe_arrow_type_from_schema(&t, s))
        return NULL;
    char buf[64];
    switch (t.id) {
    case FLOE_ARROW_TYPE_BOOL:
        return json_string("boolean");
    case FLOE_ARROW_TYPE_INT8:
    case FLOE_ARROW_TYPE_INT16:
    case FLOE_ARROW_TYPE_INT32:
    case FLOE_ARROW_TYPE_UINT8:
    case FLOE_ARROW_TYPE_UINT16:
        return json_string("int");
    case FLOE_ARROW_TYPE_INT64:
    case FLOE_ARROW_TYPE_UINT32:
        return json_string("long");
    case FLOE_ARROW_TYPE_FLOAT32:
        return json_string("float");
    case FLOE_ARROW_TYPE_FLOAT64:
        return json_string("double");
    case FLOE_ARROW_TYPE_DECIMAL128:
        snprintf(buf, sizeof buf, "decimal(%d, %d)", (int)t.precision, (int)t.scale);
        return json_string(buf);
    case FLOE_ARROW_TYPE_DATE32:
        return json_string("date");
    case FLOE_ARROW_TYPE_TIME32:
    case FLOE_ARROW_TYPE_TIME64:
        return json_string("time");
    case FLOE_ARROW_TYPE_TIMESTAMP:
        if (t.unit == FLOE_ARROW_TIME_UNIT_NANO)
            return json_string(t.timezone_len ? "timestamptz_ns" : "timestamp_ns");
        return json_string(t.timezone_len ? "timestamptz" : "timestamp");
    case FLOE_ARROW_TYPE_UTF8:
    case FLOE_ARROW_TYPE_LARGE_UTF8:
        return json_string("string");
    case FLOE_ARROW_TYPE_BINARY:
    case FLOE_ARROW_TYPE_LARGE_BINARY:
        return json_string("binary");
    case FLOE_ARROW_TYPE_FIXED_SIZE_BINARY:
        snprintf(buf, sizeof buf, "fixed[%d]", (int)t.byte_width);
        return json_string(buf);
    case FLOE_ARROW_TYPE_STRUCT: {
        json_t *fields = json_array();
        for (int64_t i = 0; fields && i < s->n_children; i++) {
            json_t *f = field_json(s->children[i], next_id,
                                   s->children[i]->name ? s->children[i]->name : "");
            if (!f) {
                json_decref(fields);
                return NULL;
            }
            json_array_append_new(fields, f);
        }
        return json_pack("{s:s,s:o}", "type", "struct", "fields", fields);
    }
    case FLOE_ARROW_TYPE_LIST:
    case FLOE_ARROW_TYPE_LARGE_LIST: {
        if (s->n_children != 1)
            return NULL;
        int id = (*next_id)++;
        json_t *el = iceberg_type_json(s->children[0], next_id, path);
        return el ? json_pack("{s:s,s:i,s:b,s:o}", "type", "list", "element-id", id,
                              "element-required", !(s->children[0]->flags & ARROW_FLAG_NULLABLE),
                              "element", el)
                  : NULL;
    }
    case FLOE_ARROW_TYPE_MAP: {
        const struct ArrowSchema *e = s->n_children == 1 ? s->children[0] : NULL;
        if (!e || e->n_children != 2)
            return NULL;
        int kid = (*next_id)++, vid = (*next_id)++;
        json_t *k = iceberg_type_json(e->children[0], next_id, path);
        json_t *v = iceberg_type_json(e->children[1], next_id, path);
        if (!k || !v) {
            json_decref(k);
            json_decref(v);
            return NULL;
        }
        return json_pack("{s:s,s:i,s:o,s:i,s:b,s:o}", "type", "map", "key-id", kid, "key", k,
                         "value-id", vid, "value-required",
                         !(e->children[1]->flags & ARROW_FLAG_NULLABLE), "value", v);
    }
    default:
        return NULL;
    }
}

int floe_manager__schema_json_from_arrow(char **out, const struct ArrowSchema *schema)
{
    int next = 1;
    json_t *fields = json_array();
    for (int64_t i = 0; fields && i < schema->n_children; i++) {
        const struct ArrowSchema *c = schema->children[i];
        json_t *f = field_json(c, &next, c->name ? c->name : "");
        if (!f) {
            json_decref(fields);
            return floe_error_set(FLOE_EUNSUPPORTED,
                                  "column '%s' (Arrow format '%s') has no Iceberg type", c->name,
                                  c->format);
        }
        json_array_append_new(fields, f);
    }
    json_t *s = json_pack("{s:s,s:i,s:o}", "type", "struct", "schema-id", 0, "fields", fields);
    *out = s ? json_dumps(s, JSON_COMPACT) : NULL;
    json_decref(s);
    return *out ? 0 : floe_error_set(FLOE_ENOMEM, "out of memory");
}

int floe_table_schema_json_from_arrow(char **out, const struct ArrowSchema *schema)
{
    if (!out || !schema || !schema->format || strcmp(schema->format, "+s") != 0)
        return floe_error_set(FLOE_EINVALID,
                              "floe_table_schema_json_from_arrow: expected an Arrow struct schema");
    return floe_manager__schema_json_from_arrow(out, schema);
}
