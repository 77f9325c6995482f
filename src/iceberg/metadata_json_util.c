/* Path-naming JSON field readers for the metadata parsers (see metadata_json_util.h). */
#include "iceberg/metadata_json_util.h"

#include <stdio.h>
#include <stdlib.h>

#include <floe/error.h>

#include "base/alloc.h"

void floe_iceberg__jpath(char *out, const char *parent, const char *key, size_t index)
{
    if (key)
        snprintf(out, FLOE_JPATH_MAX, "%s.%s", parent, key);
    else
        snprintf(out, FLOE_JPATH_MAX, "%s[%zu]", parent, index);
}

static int missing(const char *what, const char *path, const char *key, const char *expected)
{
    return floe_error_set(FLOE_ECORRUPT, "%s: required field '%s.%s' (%s) is missing", what, path,
                          key, expected);
}

static int wrong(const char *what, const char *path, const char *key, const char *expected)
{
    return floe_error_set(FLOE_ECORRUPT, "%s: field '%s.%s' must be %s", what, path, key, expected);
}

int floe_iceberg__jopt_int64(int64_t *out, int *present, json_t *obj, const char *key,
                             const char *what, const char *path)
{
    json_t *v = json_object_get(obj, key);
    if (present)
        *present = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v))
        return wrong(what, path, key, "an integer");
    *out = (int64_t)json_integer_value(v);
    if (present)
        *present = 1;
    return 0;
}

int floe_iceberg__jreq_int64(int64_t *out, json_t *obj, const char *key, const char *what,
                             const char *path)
{
    int present = 0;
    int rc = floe_iceberg__jopt_int64(out, &present, obj, key, what, path);
    if (rc)
        return rc;
    return present ? 0 : missing(what, path, key, "an integer");
}

int floe_iceberg__jopt_int(int *out, int *present, json_t *obj, const char *key, const char *what,
                           const char *path)
{
    int64_t v = 0;
    int have = 0;
    int rc = floe_iceberg__jopt_int64(&v, &have, obj, key, what, path);
    if (rc)
        return rc;
    if (present)
        *present = have;
    if (!have)
        return 0;
    if (v < INT32_MIN || v > INT32_MAX)
        return wrong(what, path, key, "a 32-bit integer");
    *out = (int)v;
    return 0;
}

int floe_iceberg__jreq_int(int *out, json_t *obj, const char *key, const char *what,
                           const char *path)
{
    int present = 0;
    int rc = floe_iceberg__jopt_int(out, &present, obj, key, what, path);
    if (rc)
        return rc;
    return present ? 0 : missing(what, path, key, "an integer");
}

int floe_iceberg__jopt_string(const char **out, json_t *obj, const char *key, const char *what,
                              const char *path)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return wrong(what, path, key, "a string");
    *out = json_string_value(v);
    return 0;
}

int floe_iceberg__jreq_string(const char **out, json_t *obj, const char *key, const char *what,
                              const char *path)
{
    int rc = floe_iceberg__jopt_string(out, obj, key, what, path);
    if (rc)
        return rc;
    return *out ? 0 : missing(what, path, key, "a string");
}

static const char *type_name(json_type type)
{
    return type == JSON_OBJECT ? "an object" : type == JSON_ARRAY ? "an array" : "a value";
}

int floe_iceberg__jopt_typed(json_t **out, json_t *obj, const char *key, json_type type,
                             const char *what, const char *path)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (json_typeof(v) != type)
        return wrong(what, path, key, type_name(type));
    *out = v;
    return 0;
}

int floe_iceberg__jreq_typed(json_t **out, json_t *obj, const char *key, json_type type,
                             const char *what, const char *path)
{
    int rc = floe_iceberg__jopt_typed(out, obj, key, type, what, path);
    if (rc)
        return rc;
    return *out ? 0 : missing(what, path, key, type_name(type));
}

int floe_iceberg__jparse(json_t **out, const char *text, size_t len, const char *what)
{
    json_error_t err;
    *out = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    if (!*out)
        return floe_error_set(FLOE_ECORRUPT, "%s: invalid JSON at line %d, column %d (byte %d): %s",
                              what, err.line, err.column, err.position, err.text);
    return 0;
}

int floe_iceberg__jdump(char **out, const json_t *value, int pretty)
{
    *out = json_dumps(value, (pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_PRESERVE_ORDER);
    if (!*out)
        return floe_error_set(FLOE_ENOMEM, "out of memory serializing JSON");
    return 0;
}

int floe_iceberg__jload(json_t **out, const char *text, size_t len, size_t flags)
{
    json_error_t err;
    *out = json_loadb(text, len, flags, &err);
    if (!*out)
        return floe_error_set(FLOE_ECORRUPT, "invalid JSON at line %d column %d: %s", err.line,
                              err.column, err.text);
    return 0;
}

int floe_iceberg__jdump_dup(char **out, const json_t *value, size_t flags)
{
    *out = NULL;
    char *text = json_dumps(value, flags);
    if (!text)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    *out = floe_strdup(text);
    free(text);
    return *out ? 0 : FLOE_ENOMEM;
}

int floe_iceberg__jset(json_t *obj, const char *key, json_t *value)
{
    if (!value || json_object_set_new(obj, key, value) != 0)
        return floe_error_set(FLOE_ENOMEM, "out of memory building JSON field '%s'", key);
    return 0;
}
