/* Schema and type JSON serialization (spec Appendix C). */
#include "iceberg/schema_json.h"

#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "iceberg/metadata_json_util.h"
#include "iceberg/type_internal.h"

static char *path_key(const char *path, const char *key)
{
    floe_buf b = FLOE_BUF_INIT;
    if (floe_buf_printf(&b, "%s.%s", path, key) != 0)
        return NULL;
    return (char *)floe_buf_detach(&b, NULL);
}

static char *path_index(const char *path, size_t i)
{
    floe_buf b = FLOE_BUF_INIT;
    if (floe_buf_printf(&b, "%s[%zu]", path, i) != 0)
        return NULL;
    return (char *)floe_buf_detach(&b, NULL);
}

static int bad(const char *path, const char *key, const char *what)
{
    return floe_error_set(FLOE_ECORRUPT, "invalid schema JSON at %s%s%s: %s", path, key ? "." : "",
                          key ? key : "", what);
}

static int get_int(const json_t *obj, const char *path, const char *key, int32_t *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return bad(path, key, "missing required integer");
    if (!json_is_integer(v) || json_integer_value(v) < INT32_MIN ||
        json_integer_value(v) > INT32_MAX)
        return bad(path, key, "expected a 32-bit integer");
    *out = (int32_t)json_integer_value(v);
    return 0;
}

static int get_bool(const json_t *obj, const char *path, const char *key, bool *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return bad(path, key, "missing required boolean");
    if (!json_is_boolean(v))
        return bad(path, key, "expected true or false");
    *out = json_is_true(v);
    return 0;
}

static char *dump_value(const json_t *v)
{
    return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
}

static int parse_field(floe_field **out, const json_t *fj, const char *path)
{
    *out = NULL;
    if (!json_is_object(fj))
        return bad(path, NULL, "expected a field object");
    int32_t id;
    bool required;
    int rc = get_int(fj, path, "id", &id);
    if (!rc)
        rc = get_bool(fj, path, "required", &required);
    if (rc)
        return rc;
    json_t *name = json_object_get(fj, "name");
    if (!json_is_string(name))
        return bad(path, "name", "missing or not a string");
    json_t *doc = json_object_get(fj, "doc");
    if (doc && !json_is_string(doc) && !json_is_null(doc))
        return bad(path, "doc", "expected a string");
    json_t *tj = json_object_get(fj, "type");
    if (!tj)
        return bad(path, "type", "missing");
    char *tpath = path_key(path, "type");
    if (!tpath)
        return FLOE_ENOMEM;
    floe_type *t = NULL;
    rc = floe_type__from_json(&t, tj, tpath);
    floe_free(tpath);
    if (rc)
        return rc;
    rc = floe_field_new(out, id, json_string_value(name), required, t,
                        json_is_string(doc) ? json_string_value(doc) : NULL);
    floe_type_free(t);
    if (rc)
        return rc;
    json_t *idef = json_object_get(fj, "initial-default");
    json_t *wdef = json_object_get(fj, "write-default");
    if (idef || wdef) {
        char *a = idef ? dump_value(idef) : NULL;
        char *b = wdef ? dump_value(wdef) : NULL;
        if ((idef && !a) || (wdef && !b))
            rc = FLOE_ENOMEM;
        else
            rc = floe_field_set_defaults(*out, a, b);
        free(a);
        free(b);
        if (rc) {
            floe_field_free(*out);
            *out = NULL;
        }
    }
    return rc;
}

static int parse_struct(floe_type **out, const json_t *obj, const char *path)
{
    json_t *fields = json_object_get(obj, "fields");
    if (!json_is_array(fields))
        return bad(path, "fields", "missing or not a list");
    size_t n = json_array_size(fields);
    floe_field **fs = n ? floe_calloc(n, sizeof *fs) : NULL;
    if (n && !fs)
        return FLOE_ENOMEM;
    char *fpath = path_key(path, "fields");
    int rc = fpath ? 0 : FLOE_ENOMEM;
    for (size_t i = 0; i < n && !rc; i++) {
        char *p = path_index(fpath, i);
        if (!p) {
            rc = FLOE_ENOMEM;
            break;
        }
        rc = parse_field(&fs[i], json_array_get(fields, i), p);
        floe_free(p);
    }
    floe_free(fpath);
    if (rc) {
        for (size_t i = 0; i < n; i++)
            floe_field_free(fs[i]);
        floe_free(fs);
        return rc;
    }
    rc = floe_type_new_struct(out, fs, n);
    floe_free(fs);
    if (rc)
        return floe_error_wrap(rc, "invalid schema JSON at %s", path);
    return 0;
}

static int parse_child(floe_type **out, const json_t *obj, const char *path, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return bad(path, key, "missing");
    char *p = path_key(path, key);
    if (!p)
        return FLOE_ENOMEM;
    int rc = floe_type__from_json(out, v, p);
    floe_free(p);
    return rc;
}

int floe_type__from_json(floe_type **out, const json_t *json, const char *path)
{
    *out = NULL;
    if (json_is_string(json)) {
        int rc = floe_type_parse(out, json_string_value(json));
        if (rc)
            return floe_error_wrap(rc == FLOE_ENOMEM ? rc : FLOE_ECORRUPT,
                                   "invalid schema JSON at %s", path);
        return 0;
    }
    if (!json_is_object(json))
        return bad(path, NULL, "a type must be a string or an object");
    const char *kind = json_string_value(json_object_get(json, "type"));
    if (!kind)
        return bad(path, "type", "missing or not a string");
    if (strcmp(kind, "struct") == 0)
        return parse_struct(out, json, path);
    if (strcmp(kind, "list") == 0) {
        int32_t eid;
        bool ereq;
        int rc = get_int(json, path, "element-id", &eid);
        if (!rc)
            rc = get_bool(json, path, "element-required", &ereq);
        floe_type *e = NULL;
        if (!rc)
            rc = parse_child(&e, json, path, "element");
        if (!rc)
            rc = floe_type_new_list(out, eid, ereq, e);
        floe_type_free(e);
        return rc;
    }
    if (strcmp(kind, "map") == 0) {
        int32_t kid, vid;
        bool vreq;
        int rc = get_int(json, path, "key-id", &kid);
        if (!rc)
            rc = get_int(json, path, "value-id", &vid);
        if (!rc)
            rc = get_bool(json, path, "value-required", &vreq);
        floe_type *k = NULL, *v = NULL;
        if (!rc)
            rc = parse_child(&k, json, path, "key");
        if (!rc)
            rc = parse_child(&v, json, path, "value");
        if (!rc)
            rc = floe_type_new_map(out, kid, k, vid, vreq, v);
        floe_type_free(k);
        floe_type_free(v);
        return rc;
    }
    return bad(path, "type", "expected \"struct\", \"list\" or \"map\"");
}

static int set_new(json_t *obj, const char *key, json_t *v)
{
    if (!v || json_object_set_new(obj, key, v) != 0)
        return FLOE_ENOMEM;
    return 0;
}

static int set_default(json_t *obj, const char *key, const char *text)
{
    if (!text)
        return 0;
    json_error_t err;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &err);
    if (!v)
        return floe_error_set(FLOE_EINVALID, "%s '%s' is not valid JSON", key, text);
    return set_new(obj, key, v);
}

json_t *floe_type__to_json(const floe_type *t)
{
    if (!floe_type_is_nested(t)) {
        json_t *s = json_string(t->str);
        if (!s)
            floe_error_set(FLOE_ENOMEM, "out of memory");
        return s;
    }
    json_t *o = json_object();
    int rc = o ? 0 : FLOE_ENOMEM;
    if (!rc)
        rc = set_new(o, "type", json_string(t->str));
    if (!rc && t->kind == FLOE_TYPE_STRUCT) {
        json_t *arr = json_array();
        rc = set_new(o, "fields", arr);
        for (size_t i = 0; !rc && i < t->nfields; i++) {
            const floe_field *f = &t->fields[i];
            json_t *fj = json_object();
            if (!fj || json_array_append_new(arr, fj) != 0) {
                rc = FLOE_ENOMEM;
                break;
            }
            rc = set_new(fj, "id", json_integer(f->id));
            if (!rc)
                rc = set_new(fj, "name", json_string(f->name));
            if (!rc)
                rc = set_new(fj, "required", json_boolean(f->required));
            if (!rc)
                rc = set_new(fj, "type", floe_type__to_json(f->type));
            if (!rc && f->doc)
                rc = set_new(fj, "doc", json_string(f->doc));
            if (!rc)
                rc = set_default(fj, "initial-default", f->initial_default);
            if (!rc)
                rc = set_default(fj, "write-default", f->write_default);
        }
    } else if (!rc && t->kind == FLOE_TYPE_LIST) {
        rc = set_new(o, "element-id", json_integer(t->fields[0].id));
        if (!rc)
            rc = set_new(o, "element", floe_type__to_json(t->fields[0].type));
        if (!rc)
            rc = set_new(o, "element-required", json_boolean(t->fields[0].required));
    } else if (!rc) {
        rc = set_new(o, "key-id", json_integer(t->fields[0].id));
        if (!rc)
            rc = set_new(o, "key", floe_type__to_json(t->fields[0].type));
        if (!rc)
            rc = set_new(o, "value-id", json_integer(t->fields[1].id));
        if (!rc)
            rc = set_new(o, "value", floe_type__to_json(t->fields[1].type));
        if (!rc)
            rc = set_new(o, "value-required", json_boolean(t->fields[1].required));
    }
    if (rc) {
        json_decref(o);
        if (rc == FLOE_ENOMEM)
            floe_error_set(FLOE_ENOMEM, "out of memory serializing a type");
        return NULL;
    }
    return o;
}

int floe_schema__from_json(floe_schema **out, const json_t *json, const char *path)
{
    *out = NULL;
    if (!json_is_object(json))
        return bad(path, NULL, "a schema must be an object");
    json_t *tj = json_object_get(json, "type");
    if (tj && (!json_is_string(tj) || strcmp(json_string_value(tj), "struct") != 0))
        return bad(path, "type", "a schema's type must be \"struct\"");
    int32_t schema_id = 0;
    if (json_object_get(json, "schema-id")) {
        int rc = get_int(json, path, "schema-id", &schema_id);
        if (rc)
            return rc;
    }
    json_t *ids = json_object_get(json, "identifier-field-ids");
    size_t nids = 0;
    int32_t *idv = NULL;
    if (ids && !json_is_null(ids)) {
        if (!json_is_array(ids))
            return bad(path, "identifier-field-ids", "expected a list of integers");
        nids = json_array_size(ids);
        if (nids && !(idv = floe_calloc(nids, sizeof *idv)))
            return FLOE_ENOMEM;
        for (size_t i = 0; i < nids; i++) {
            json_t *v = json_array_get(ids, i);
            if (!json_is_integer(v)) {
                floe_free(idv);
                return floe_error_set(FLOE_ECORRUPT,
                                      "invalid schema JSON at %s.identifier-field-ids[%zu]: "
                                      "expected an integer",
                                      path, i);
            }
            idv[i] = (int32_t)json_integer_value(v);
        }
    }
    floe_type *t = NULL;
    int rc = parse_struct(&t, json, path);
    if (!rc) {
        rc = floe_schema_new(out, schema_id, t, idv, nids);
        if (rc)
            rc = floe_error_wrap(rc, "invalid schema at %s", path);
    }
    floe_type_free(t);
    floe_free(idv);
    return rc;
}

json_t *floe_schema__to_json(const floe_schema *s)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    const floe_type *t = floe_schema_struct(s);
    int rc = set_new(o, "type", json_string("struct"));
    if (!rc)
        rc = set_new(o, "schema-id", json_integer(floe_schema_id(s)));
    size_t n;
    const int32_t *ids = floe_schema_identifier_field_ids(s, &n);
    if (!rc && n) {
        json_t *arr = json_array();
        rc = set_new(o, "identifier-field-ids", arr);
        for (size_t i = 0; !rc && i < n; i++)
            if (json_array_append_new(arr, json_integer(ids[i])) != 0)
                rc = FLOE_ENOMEM;
    }
    json_t *tj = NULL;
    if (!rc) {
        tj = floe_type__to_json(t);
        if (!tj)
            rc = FLOE_ENOMEM;
    }
    if (!rc)
        rc = set_new(o, "fields", json_incref(json_object_get(tj, "fields")));
    json_decref(tj);
    if (rc) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int floe_schema_from_json(floe_schema **out, const char *text, size_t len)
{
    *out = NULL;
    json_t *j;
    int rc = floe_iceberg__jload(&j, text, len, JSON_DECODE_ANY);
    if (rc)
        return rc;
    rc = floe_schema__from_json(out, j, "$");
    json_decref(j);
    return rc;
}

int floe_type_from_json(floe_type **out, const char *text, size_t len)
{
    *out = NULL;
    json_t *j;
    int rc = floe_iceberg__jload(&j, text, len, JSON_DECODE_ANY);
    if (rc)
        return rc;
    rc = floe_type__from_json(out, j, "$");
    json_decref(j);
    return rc;
}

int floe_schema_to_json(char **out, const floe_schema *s, bool pretty)
{
    *out = NULL;
    json_t *j = floe_schema__to_json(s);
    if (!j)
        return floe_error_set(FLOE_ENOMEM, "out of memory serializing schema");
    char *text = json_dumps(j, JSON_PRESERVE_ORDER | (pretty ? JSON_INDENT(2) : JSON_COMPACT) |
                                   JSON_REAL_PRECISION(17));
    json_decref(j);
    if (!text)
        return floe_error_set(FLOE_ENOMEM, "out of memory serializing schema");
    *out = floe_strdup(text);
    free(text);
    return *out ? 0 : FLOE_ENOMEM;
}
