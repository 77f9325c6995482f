/* Partition specs: fields, checks against a schema, partition tuples and paths, JSON. */
#include <floe/iceberg/partition.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "iceberg/metadata_json_util.h"
#include "base/buf.h"
#include "iceberg/partition_internal.h"
#include "iceberg/type_internal.h"

struct floe_partition_field {
    int32_t *source_ids;
    size_t nsources;
    int32_t field_id;
    char *name;
    char *transform_str;
    floe_transform transform;
};

struct floe_partition_spec {
    int refcount;
    int32_t spec_id;
    floe_partition_field *fields;
    size_t n, cap;
};

int floe_partition_spec_new(floe_partition_spec **out, int32_t spec_id)
{
    *out = floe_calloc(1, sizeof **out);
    if (!*out)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    (*out)->refcount = 1;
    (*out)->spec_id = spec_id;
    return 0;
}

int floe_partition_spec_unpartitioned(floe_partition_spec **out)
{
    return floe_partition_spec_new(out, 0);
}

int32_t floe_partition_spec_last_field_id(const floe_partition_spec *s)
{
    int32_t last = FLOE_PARTITION_FIRST_FIELD_ID - 1;
    for (size_t i = 0; i < s->n; i++)
        if (s->fields[i].field_id > last)
            last = s->fields[i].field_id;
    return last;
}

int floe_partition_spec__add(floe_partition_spec *s, const int32_t *source_ids, size_t nsources,
                             int32_t field_id, const char *name, const char *transform)
{
    if (!name || !*name)
        return floe_error_set(FLOE_EINVALID, "partition field needs a non-empty name");
    if (nsources == 0)
        return floe_error_set(FLOE_EINVALID, "partition field '%s' needs a source column", name);
    floe_transform t;
    int rc = floe_transform_parse(&t, transform);
    if (rc)
        return floe_error_wrap(rc, "partition field '%s'", name);
    if (field_id < 0)
        field_id = floe_partition_spec_last_field_id(s) + 1;
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->fields[i].name, name) == 0)
            return floe_error_set(FLOE_EINVALID, "partition field name '%s' is used twice", name);
        if (s->fields[i].field_id == field_id)
            return floe_error_set(FLOE_EINVALID, "partition field id %d is used by '%s' and '%s'",
                                  (int)field_id, s->fields[i].name, name);
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4;
        floe_partition_field *f = floe_realloc(s->fields, cap * sizeof *f);
        if (!f)
            return floe_error_set(FLOE_ENOMEM, "out of memory adding a partition field");
        s->fields = f;
        s->cap = cap;
    }
    floe_partition_field *f = &s->fields[s->n];
    memset(f, 0, sizeof *f);
    f->source_ids = floe_calloc(nsources, sizeof(int32_t));
    f->name = floe_strdup(name);
    f->transform_str = floe_strdup(transform);
    if (!f->source_ids || !f->name || !f->transform_str) {
        floe_free(f->source_ids);
        floe_free(f->name);
        floe_free(f->transform_str);
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    memcpy(f->source_ids, source_ids, nsources * sizeof(int32_t));
    f->nsources = nsources;
    f->field_id = field_id;
    f->transform = t;
    s->n++;
    return 0;
}

int floe_partition_spec_add_field(floe_partition_spec *s, int32_t source_id, int32_t field_id,
                                  const char *name, const char *transform)
{
    return floe_partition_spec__add(s, &source_id, 1, field_id, name, transform);
}

floe_partition_spec *floe_partition_spec_ref(floe_partition_spec *s)
{
    if (s)
        __atomic_fetch_add(&s->refcount, 1, __ATOMIC_RELAXED);
    return s;
}

void floe_partition_spec_free(floe_partition_spec *s)
{
    if (!s || __atomic_sub_fetch(&s->refcount, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    for (size_t i = 0; i < s->n; i++) {
        floe_free(s->fields[i].source_ids);
        floe_free(s->fields[i].name);
        floe_free(s->fields[i].transform_str);
    }
    floe_free(s->fields);
    floe_free(s);
}

int32_t floe_partition_spec_id(const floe_partition_spec *s)
{
    return s->spec_id;
}

int floe_partition_spec_with_id(floe_partition_spec **out, const floe_partition_spec *s,
                                int32_t spec_id)
{
    int rc = floe_partition_spec_new(out, spec_id);
    for (size_t i = 0; !rc && i < s->n; i++) {
        const floe_partition_field *f = &s->fields[i];
        rc = floe_partition_spec__add(*out, f->source_ids, f->nsources, f->field_id, f->name,
                                      f->transform_str);
    }
    if (rc) {
        floe_partition_spec_free(*out);
        *out = NULL;
    }
    return rc;
}

size_t floe_partition_spec_field_count(const floe_partition_spec *s)
{
    return s->n;
}

const floe_partition_field *floe_partition_spec_field_at(const floe_partition_spec *s, size_t i)
{
    return i < s->n ? &s->fields[i] : NULL;
}

bool floe_partition_spec_is_unpartitioned(const floe_partition_spec *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->fields[i].transform.kind != FLOE_TRANSFORM_VOID)
            return false;
    return true;
}

bool floe_partition_spec_same_fields(const floe_partition_spec *a, const floe_partition_spec *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++) {
        const floe_partition_field *x = &a->fields[i], *y = &b->fields[i];
        if (x->field_id != y->field_id || x->nsources != y->nsources ||
            memcmp(x->source_ids, y->source_ids, x->nsources * sizeof(int32_t)) != 0 ||
            strcmp(x->name, y->name) != 0 || strcmp(x->transform_str, y->transform_str) != 0)
            return false;
    }
    return true;
}

int32_t floe_partition_field_source_id(const floe_partition_field *f)
{
    return f->source_ids[0];
}

int32_t floe_partition_field_id(const floe_partition_field *f)
{
    return f->field_id;
}

const char *floe_partition_field_name(const floe_partition_field *f)
{
    return f->name;
}

floe_transform floe_partition_field_transform(const floe_partition_field *f)
{
    return f->transform;
}

const char *floe_partition_field_transform_string(const floe_partition_field *f)
{
    return f->transform_str;
}

static bool is_time(floe_transform_kind k)
{
    return k == FLOE_TRANSFORM_YEAR || k == FLOE_TRANSFORM_MONTH || k == FLOE_TRANSFORM_DAY ||
           k == FLOE_TRANSFORM_HOUR;
}

int floe_partition_spec_check(const floe_partition_spec *s, const floe_schema *schema)
{
    for (size_t i = 0; i < s->n; i++) {
        const floe_partition_field *f = &s->fields[i];
        if (f->field_id < FLOE_PARTITION_FIRST_FIELD_ID)
            return floe_error_set(FLOE_EINVALID,
                                  "partition field '%s' has field id %d: partition field ids "
                                  "start at %d",
                                  f->name, (int)f->field_id, FLOE_PARTITION_FIRST_FIELD_ID);
        if (f->transform.kind == FLOE_TRANSFORM_UNKNOWN)
            continue;
        const floe_field *src = floe_schema_find_field(schema, f->source_ids[0]);
        if (!src)
            return floe_error_set(FLOE_EINVALID,
                                  "partition field '%s' refers to source column id %d, which "
                                  "is not in schema %d",
                                  f->name, (int)f->source_ids[0], (int)floe_schema_id(schema));
        if (!floe_type_is_primitive(src->type))
            return floe_error_set(FLOE_EINVALID,
                                  "partition field '%s': source column '%s' is a %s, not a "
                                  "primitive type",
                                  f->name, floe_schema_find_column_name(schema, src->id),
                                  src->type->str);
        if (!floe_transform_can_apply(f->transform, src->type))
            return floe_error_set(FLOE_EINVALID,
                                  "partition field '%s': transform %s cannot be applied to "
                                  "column '%s' of type %s",
                                  f->name, f->transform_str,
                                  floe_schema_find_column_name(schema, src->id), src->type->str);
        for (size_t j = 0; j < i; j++) {
            const floe_partition_field *g = &s->fields[j];
            if (g->source_ids[0] != f->source_ids[0] || g->transform.kind == FLOE_TRANSFORM_VOID ||
                f->transform.kind == FLOE_TRANSFORM_VOID)
                continue;
            /* as the reference implementation: one field per transform and source, and only
             * one of year/month/day/hour per source */
            if (floe_transform_equal(g->transform, f->transform) ||
                (is_time(g->transform.kind) && is_time(f->transform.kind)))
                return floe_error_set(FLOE_EINVALID,
                                      "partition field '%s' (%s) is redundant with '%s' (%s) on "
                                      "the same column: keep one of them",
                                      f->name, f->transform_str, g->name, g->transform_str);
        }
        const floe_field *clash = floe_schema_find_field_by_name(schema, f->name, true);
        if (clash && !(f->transform.kind == FLOE_TRANSFORM_IDENTITY && clash->id == src->id) &&
            !(f->transform.kind == FLOE_TRANSFORM_VOID && clash->id == src->id))
            return floe_error_set(FLOE_EINVALID,
                                  "partition field name '%s' conflicts with a schema column: "
                                  "choose another name",
                                  f->name);
    }
    return 0;
}

int floe_partition_spec_partition_type(floe_type **out, const floe_partition_spec *s,
                                       const floe_schema *schema)
{
    *out = NULL;
    floe_field **fields = s->n ? floe_calloc(s->n, sizeof *fields) : NULL;
    if (s->n && !fields)
        return FLOE_ENOMEM;
    int rc = 0;
    for (size_t i = 0; i < s->n && !rc; i++) {
        const floe_partition_field *f = &s->fields[i];
        const floe_field *src = floe_schema_find_field(schema, f->source_ids[0]);
        floe_type *rt = NULL;
        if (!src)
            rc = floe_error_set(FLOE_EINVALID,
                                "partition field '%s' refers to missing source column id %d",
                                f->name, (int)f->source_ids[0]);
        else if (f->transform.kind == FLOE_TRANSFORM_UNKNOWN)
            /* Unknown transforms are read as strings of unknown meaning: keep the column. */
            rc = floe_type_new_primitive(&rt, FLOE_TYPE_UNKNOWN);
        else
            rc = floe_transform_result_type(&rt, f->transform, src->type);
        if (!rc)
            rc = floe_field_new(&fields[i], f->field_id, f->name, false, rt, NULL);
        floe_type_free(rt);
    }
    if (rc) {
        for (size_t i = 0; i < s->n; i++)
            floe_field_free(fields[i]);
        floe_free(fields);
        return rc;
    }
    rc = floe_type_new_struct(out, fields, s->n);
    floe_free(fields);
    return rc;
}

int floe_partition_spec_apply(floe_literal *out, const floe_partition_spec *s,
                              const floe_literal *source_values)
{
    for (size_t i = 0; i < s->n; i++)
        out[i] = floe_literal_null(FLOE_TYPE_UNKNOWN);
    for (size_t i = 0; i < s->n; i++) {
        int rc = floe_transform_apply(&out[i], s->fields[i].transform, &source_values[i]);
        if (rc) {
            for (size_t j = 0; j < i; j++)
                floe_literal_clear(&out[j]);
            return floe_error_wrap(rc, "partition field '%s'", s->fields[i].name);
        }
    }
    return 0;
}

/* As java.net.URLEncoder with UTF-8: letters, digits and ".-*_" kept, space as '+'. */
int floe_partition__url_encode(floe_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        int rc;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '.' || c == '-' || c == '*' || c == '_')
            rc = floe_buf_append_byte(b, c);
        else if (c == ' ')
            rc = floe_buf_append_byte(b, '+');
        else
            rc = floe_buf_printf(b, "%%%c%c", hex[c >> 4], hex[c & 15]);
        if (rc)
            return rc;
    }
    return 0;
}

int floe_partition_spec_path(char **out, const floe_partition_spec *s, const floe_literal *values)
{
    *out = NULL;
    floe_buf b = FLOE_BUF_INIT;
    int rc = 0;
    for (size_t i = 0; i < s->n && !rc; i++) {
        char *human = NULL;
        rc = floe_transform_to_human_string(&human, s->fields[i].transform, &values[i]);
        if (!rc && i > 0)
            rc = floe_buf_append_byte(&b, '/');
        if (!rc)
            rc = floe_partition__url_encode(&b, s->fields[i].name);
        if (!rc)
            rc = floe_buf_append_byte(&b, '=');
        if (!rc)
            rc = floe_partition__url_encode(&b, human);
        floe_free(human);
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

int floe_partition_spec_values_to_json(char **out, const floe_partition_spec *s,
                                       const floe_literal *values)
{
    *out = NULL;
    json_t *o = json_object();
    int rc = o ? 0 : FLOE_ENOMEM;
    for (size_t i = 0; i < s->n && !rc; i++) {
        char *text = NULL;
        rc = floe_literal_to_json(&text, &values[i]);
        if (rc)
            break;
        json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
        floe_free(text);
        if (!v || json_object_set_new(o, s->fields[i].name, v) != 0)
            rc = FLOE_ENOMEM;
    }
    char *text = rc ? NULL : json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!rc && !text)
        rc = FLOE_ENOMEM;
    if (!rc) {
        *out = floe_strdup(text);
        if (!*out)
            rc = FLOE_ENOMEM;
    }
    free(text);
    return rc;
}

/* ---- JSON ---- */

static int bad(const char *path, size_t i, const char *key, const char *what)
{
    return floe_error_set(FLOE_ECORRUPT, "invalid partition spec JSON at %s.fields[%zu].%s: %s",
                          path, i, key, what);
}

static int parse_fields(floe_partition_spec *s, const json_t *fields, const char *path,
                        bool list_form)
{
    size_t n = json_array_size(fields);
    for (size_t i = 0; i < n; i++) {
        const json_t *f = json_array_get(fields, i);
        if (!json_is_object(f))
            return floe_error_set(FLOE_ECORRUPT,
                                  "invalid partition spec JSON at %s%s[%zu]: expected an object",
                                  path, list_form ? "" : ".fields", i);
        int32_t src[64];
        size_t nsrc = 0;
        json_t *sid = json_object_get(f, "source-id");
        json_t *sids = json_object_get(f, "source-ids");
        if (json_is_integer(sid)) {
            src[0] = (int32_t)json_integer_value(sid);
            nsrc = 1;
        } else if (json_is_array(sids) && json_array_size(sids) > 0 &&
                   json_array_size(sids) <= 64) {
            for (size_t k = 0; k < json_array_size(sids); k++) {
                json_t *v = json_array_get(sids, k);
                if (!json_is_integer(v))
                    return bad(path, i, "source-ids", "expected a list of integers");
                src[nsrc++] = (int32_t)json_integer_value(v);
            }
        } else {
            return bad(path, i, "source-id", "missing or not an integer");
        }
        json_t *fid = json_object_get(f, "field-id");
        if (fid && !json_is_integer(fid))
            return bad(path, i, "field-id", "expected an integer");
        const char *name = json_string_value(json_object_get(f, "name"));
        if (!name)
            return bad(path, i, "name", "missing or not a string");
        const char *tr = json_string_value(json_object_get(f, "transform"));
        if (!tr)
            return bad(path, i, "transform", "missing or not a string");
        /* v1 specs may omit field ids: the reference implementation numbered them from 1000. */
        int32_t id = fid ? (int32_t)json_integer_value(fid)
                         : (int32_t)(FLOE_PARTITION_FIRST_FIELD_ID + (int32_t)i);
        int rc = floe_partition_spec__add(s, src, nsrc, id, name, tr);
        if (rc)
            return floe_error_wrap(rc == FLOE_ENOMEM ? rc : FLOE_ECORRUPT,
                                   "invalid partition spec JSON at %s.fields[%zu]", path, i);
    }
    return 0;
}

int floe_partition_spec__from_json(floe_partition_spec **out, const json_t *j, const char *path)
{
    *out = NULL;
    int32_t spec_id = 0;
    const json_t *fields;
    bool list_form = json_is_array(j);
    if (list_form) {
        fields = j;
    } else if (json_is_object(j)) {
        json_t *sid = json_object_get(j, "spec-id");
        if (!json_is_integer(sid))
            return floe_error_set(FLOE_ECORRUPT,
                                  "invalid partition spec JSON at %s.spec-id: missing or not an "
                                  "integer",
                                  path);
        spec_id = (int32_t)json_integer_value(sid);
        fields = json_object_get(j, "fields");
        if (!json_is_array(fields))
            return floe_error_set(FLOE_ECORRUPT,
                                  "invalid partition spec JSON at %s.fields: missing or not a "
                                  "list",
                                  path);
    } else {
        return floe_error_set(FLOE_ECORRUPT,
                              "invalid partition spec JSON at %s: expected an object", path);
    }
    floe_partition_spec *s;
    int rc = floe_partition_spec_new(&s, spec_id);
    if (!rc)
        rc = parse_fields(s, fields, path, list_form);
    if (rc) {
        floe_partition_spec_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

static int set_new(json_t *o, const char *k, json_t *v)
{
    return (!v || json_object_set_new(o, k, v) != 0) ? FLOE_ENOMEM : 0;
}

json_t *floe_partition_spec__fields_to_json(const floe_partition_spec *s)
{
    json_t *arr = json_array();
    int rc = arr ? 0 : FLOE_ENOMEM;
    for (size_t i = 0; i < s->n && !rc; i++) {
        const floe_partition_field *f = &s->fields[i];
        json_t *o = json_object();
        if (!o || json_array_append_new(arr, o) != 0) {
            rc = FLOE_ENOMEM;
            break;
        }
        if (f->nsources == 1) {
            rc = set_new(o, "source-id", json_integer(f->source_ids[0]));
        } else {
            json_t *ids = json_array();
            rc = set_new(o, "source-ids", ids);
            for (size_t k = 0; !rc && k < f->nsources; k++)
                if (json_array_append_new(ids, json_integer(f->source_ids[k])) != 0)
                    rc = FLOE_ENOMEM;
        }
        if (!rc)
            rc = set_new(o, "field-id", json_integer(f->field_id));
        if (!rc)
            rc = set_new(o, "name", json_string(f->name));
        if (!rc)
            rc = set_new(o, "transform", json_string(f->transform_str));
    }
    if (rc) {
        json_decref(arr);
        floe_error_set(FLOE_ENOMEM, "out of memory serializing a partition spec");
        return NULL;
    }
    return arr;
}

json_t *floe_partition_spec__to_json(const floe_partition_spec *s)
{
    json_t *o = json_object();
    if (!o || set_new(o, "spec-id", json_integer(s->spec_id)) ||
        set_new(o, "fields", floe_partition_spec__fields_to_json(s))) {
        json_decref(o);
        floe_error_set(FLOE_ENOMEM, "out of memory serializing a partition spec");
        return NULL;
    }
    return o;
}

int floe_partition_spec_from_json(floe_partition_spec **out, const char *text, size_t len)
{
    *out = NULL;
    json_t *j;
    int rc = floe_iceberg__jload(&j, text, len, 0);
    if (rc)
        return rc;
    rc = floe_partition_spec__from_json(out, j, "$");
    json_decref(j);
    return rc;
}

int floe_partition_spec_to_json(char **out, const floe_partition_spec *s, bool pretty)
{
    *out = NULL;
    json_t *j = floe_partition_spec__to_json(s);
    if (!j)
        return FLOE_ENOMEM;
    int rc = floe_iceberg__jdump_dup(out, j, pretty ? JSON_INDENT(2) : JSON_COMPACT);
    json_decref(j);
    return rc;
}
