/* Exporting a plugin's configuration schema as JSON Schema (draft 2020-12). */
#include <string.h>

#include <floe/config.h>
#include <floe/error.h>

#include "registry/config_internal.h"

static json_t *field_schema(const floe_config_field *f, floe_config_unknown unknown);

static int set(json_t *obj, const char *key, json_t *v)
{
    return v ? json_object_set_new(obj, key, v) : -1;
}

static json_t *object_schema(const floe_config_field *fields, floe_config_unknown unknown)
{
    json_t *o = json_object();
    json_t *props = json_object();
    json_t *req = json_array();
    int bad = !o || !props || !req;
    for (const floe_config_field *f = fields; !bad && f && f->name; f++) {
        json_t *fs = field_schema(f, unknown);
        if (!fs || json_object_set_new(props, f->name, fs) != 0)
            bad = 1;
        /* A field with a default may be omitted, so it is not "required" to the outside. */
        else if ((f->flags & FLOE_CONFIG_REQUIRED) && !f->default_json &&
                 json_array_append_new(req, json_string(f->name)) != 0)
            bad = 1;
    }
    if (!bad)
        bad = set(o, "type", json_string("object")) != 0 ||
              json_object_set_new(o, "properties", props) != 0;
    else
        json_decref(props);
    props = NULL;
    if (!bad && json_array_size(req) > 0) {
        bad = json_object_set_new(o, "required", req) != 0;
        req = NULL;
    }
    json_decref(req);
    if (!bad && unknown != FLOE_CONFIG_UNKNOWN_KEEP)
        bad = set(o, "additionalProperties", json_false()) != 0;
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *field_schema(const floe_config_field *f, floe_config_unknown unknown)
{
    json_t *o = NULL;
    int bad = 0;
    const char *lo = "minimum", *hi = "maximum";
    switch (f->type) {
    case FLOE_CONFIG_STRING:
        o = json_object();
        bad = !o || set(o, "type", json_string("string"));
        lo = "minLength";
        hi = "maxLength";
        if (!bad && f->pattern)
            bad = set(o, "pattern", json_string(f->pattern));
        break;
    case FLOE_CONFIG_INT:
        o = json_object();
        bad = !o || set(o, "type", json_string("integer"));
        break;
    case FLOE_CONFIG_NUMBER:
        o = json_object();
        bad = !o || set(o, "type", json_string("number"));
        break;
    case FLOE_CONFIG_BOOL:
        o = json_object();
        bad = !o || set(o, "type", json_string("boolean"));
        break;
    case FLOE_CONFIG_ENUM: {
        o = json_object();
        json_t *vals = json_array();
        bad = !o || !vals || set(o, "type", json_string("string"));
        for (const char *const *e = f->enum_values; !bad && e && *e; e++)
            bad = json_array_append_new(vals, json_string(*e)) != 0;
        if (!bad)
            bad = json_object_set_new(o, "enum", vals) != 0;
        else
            json_decref(vals);
        break;
    }
    case FLOE_CONFIG_OBJECT:
        o = object_schema(f->fields, unknown);
        bad = !o;
        break;
    case FLOE_CONFIG_ARRAY:
        o = json_object();
        bad = !o || set(o, "type", json_string("array"));
        lo = "minItems";
        hi = "maxItems";
        if (!bad && f->items)
            bad = set(o, "items", field_schema(f->items, unknown));
        break;
    }
    if (!o)
        return NULL;
    if (!bad && (f->flags & FLOE_CONFIG_HAS_MIN))
        bad = f->type == FLOE_CONFIG_NUMBER ? set(o, lo, json_real(f->minimum))
                                            : set(o, lo, json_integer((json_int_t)f->minimum));
    if (!bad && (f->flags & FLOE_CONFIG_HAS_MAX))
        bad = f->type == FLOE_CONFIG_NUMBER ? set(o, hi, json_real(f->maximum))
                                            : set(o, hi, json_integer((json_int_t)f->maximum));
    if (!bad && f->description)
        bad = set(o, "description", json_string(f->description));
    if (!bad && f->default_json) {
        json_error_t err;
        json_t *d = json_loads(f->default_json, JSON_DECODE_ANY, &err);
        /* A secret's default is not published either. */
        if (d && (f->flags & FLOE_CONFIG_SECRET)) {
            json_decref(d);
            d = NULL;
        } else {
            bad = !d || json_object_set_new(o, "default", d) != 0;
        }
    }
    if (!bad && (f->flags & FLOE_CONFIG_SECRET))
        bad = set(o, "writeOnly", json_true()) || set(o, "format", json_string("password"));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int floe_config_schema_to_json_schema(json_t **out, const floe_config_schema *schema,
                                      const char *title)
{
    if (!out)
        return floe_error_set(FLOE_EINVALID, "floe_config_schema_to_json_schema: NULL out");
    *out = NULL;
    int rc = floe_config__check_schema(schema, title ? title : "schema");
    if (rc)
        return rc;
    json_t *body = object_schema(schema ? schema->fields : NULL,
                                 schema ? schema->unknown : FLOE_CONFIG_UNKNOWN_REJECT);
    json_t *o = json_object();
    /* "$schema", title and description first, for readers. */
    int bad = !body || !o;
    if (!bad)
        bad = set(o, "$schema", json_string("https://json-schema.org/draft/2020-12/schema"));
    if (!bad && title)
        bad = set(o, "title", json_string(title));
    if (!bad && schema && schema->description)
        bad = set(o, "description", json_string(schema->description));
    if (!bad)
        bad = json_object_update(o, body) != 0;
    json_decref(body);
    if (bad) {
        json_decref(o);
        return floe_error_set(FLOE_ENOMEM, "out of memory exporting a JSON Schema");
    }
    *out = o;
    return 0;
}
