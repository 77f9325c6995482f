/* Sort orders: fields, checks against a schema, JSON (Appendix C). */
#include <floe/iceberg/sort_order.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "iceberg/metadata_json_util.h"
#include "iceberg/sort_order_internal.h"
#include "iceberg/type_internal.h"

struct floe_sort_field {
    int32_t *source_ids;
    size_t nsources;
    char *transform_str;
    floe_transform transform;
    floe_sort_direction direction;
    floe_null_order null_order;
};

struct floe_sort_order {
    int refcount;
    int32_t order_id;
    floe_sort_field *fields;
    size_t n, cap;
};

int floe_sort_order_new(floe_sort_order **out, int32_t order_id)
{
    *out = floe_calloc(1, sizeof **out);
    if (!*out)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    (*out)->refcount = 1;
    (*out)->order_id = order_id;
    return 0;
}

int floe_sort_order_unsorted(floe_sort_order **out)
{
    return floe_sort_order_new(out, 0);
}

int floe_sort_order__add(floe_sort_order *o, const int32_t *source_ids, size_t nsources,
                         const char *transform, floe_sort_direction dir, floe_null_order nulls)
{
    if (o->order_id == 0)
        return floe_error_set(FLOE_EINVALID,
                              "sort order 0 is reserved for the unsorted order: use an id >= 1");
    floe_transform t;
    int rc = floe_transform_parse(&t, transform);
    if (rc)
        return rc;
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 4;
        floe_sort_field *f = floe_realloc(o->fields, cap * sizeof *f);
        if (!f)
            return FLOE_ENOMEM;
        o->fields = f;
        o->cap = cap;
    }
    floe_sort_field *f = &o->fields[o->n];
    memset(f, 0, sizeof *f);
    f->source_ids = floe_calloc(nsources ? nsources : 1, sizeof(int32_t));
    f->transform_str = floe_strdup(transform);
    if (!f->source_ids || !f->transform_str) {
        floe_free(f->source_ids);
        floe_free(f->transform_str);
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    memcpy(f->source_ids, source_ids, nsources * sizeof(int32_t));
    f->nsources = nsources;
    f->transform = t;
    f->direction = dir;
    f->null_order = nulls;
    o->n++;
    return 0;
}

int floe_sort_order_add_field(floe_sort_order *o, int32_t source_id, const char *transform,
                              floe_sort_direction dir, floe_null_order nulls)
{
    return floe_sort_order__add(o, &source_id, 1, transform, dir, nulls);
}

floe_sort_order *floe_sort_order_ref(floe_sort_order *o)
{
    if (o)
        __atomic_fetch_add(&o->refcount, 1, __ATOMIC_RELAXED);
    return o;
}

void floe_sort_order_free(floe_sort_order *o)
{
    if (!o || __atomic_sub_fetch(&o->refcount, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    for (size_t i = 0; i < o->n; i++) {
        floe_free(o->fields[i].source_ids);
        floe_free(o->fields[i].transform_str);
    }
    floe_free(o->fields);
    floe_free(o);
}

int32_t floe_sort_order_id(const floe_sort_order *o)
{
    return o->order_id;
}

int floe_sort_order_with_id(floe_sort_order **out, const floe_sort_order *o, int32_t order_id)
{
    int rc = floe_sort_order_new(out, order_id);
    for (size_t i = 0; !rc && i < o->n; i++) {
        const floe_sort_field *f = &o->fields[i];
        rc = floe_sort_order__add(*out, f->source_ids, f->nsources, f->transform_str, f->direction,
                                  f->null_order);
    }
    if (rc) {
        floe_sort_order_free(*out);
        *out = NULL;
    }
    return rc;
}

bool floe_sort_order_is_unsorted(const floe_sort_order *o)
{
    return o->n == 0;
}

bool floe_sort_order_same_fields(const floe_sort_order *a, const floe_sort_order *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++) {
        const floe_sort_field *x = &a->fields[i], *y = &b->fields[i];
        if (x->nsources != y->nsources ||
            memcmp(x->source_ids, y->source_ids, x->nsources * sizeof(int32_t)) != 0 ||
            strcmp(x->transform_str, y->transform_str) != 0 || x->direction != y->direction ||
            x->null_order != y->null_order)
            return false;
    }
    return true;
}

size_t floe_sort_order_field_count(const floe_sort_order *o)
{
    return o->n;
}

const floe_sort_field *floe_sort_order_field_at(const floe_sort_order *o, size_t i)
{
    return i < o->n ? &o->fields[i] : NULL;
}

int32_t floe_sort_field_source_id(const floe_sort_field *f)
{
    return f->source_ids[0];
}

floe_transform floe_sort_field_transform(const floe_sort_field *f)
{
    return f->transform;
}

const char *floe_sort_field_transform_string(const floe_sort_field *f)
{
    return f->transform_str;
}

floe_sort_direction floe_sort_field_direction(const floe_sort_field *f)
{
    return f->direction;
}

floe_null_order floe_sort_field_null_order(const floe_sort_field *f)
{
    return f->null_order;
}

int floe_sort_order_check(const floe_sort_order *o, const floe_schema *schema)
{
    for (size_t i = 0; i < o->n; i++) {
        const floe_sort_field *f = &o->fields[i];
        if (f->transform.kind == FLOE_TRANSFORM_UNKNOWN)
            continue;
        const floe_field *src = floe_schema_find_field(schema, f->source_ids[0]);
        if (!src)
            return floe_error_set(FLOE_EINVALID,
                                  "sort field %zu refers to source column id %d, which is not "
                                  "in schema %d",
                                  i, (int)f->source_ids[0], (int)floe_schema_id(schema));
        if (!floe_type_is_primitive(src->type) ||
            !floe_transform_can_apply(f->transform, src->type))
            return floe_error_set(FLOE_EINVALID,
                                  "sort field %zu: transform %s cannot be applied to column "
                                  "'%s' of type %s",
                                  i, f->transform_str,
                                  floe_schema_find_column_name(schema, src->id), src->type->str);
    }
    return 0;
}

/* ---- JSON ---- */

static int bad(const char *path, size_t i, const char *key, const char *what)
{
    return floe_error_set(FLOE_ECORRUPT, "invalid sort order JSON at %s.fields[%zu].%s: %s", path,
                          i, key, what);
}

int floe_sort_order__from_json(floe_sort_order **out, const json_t *j, const char *path)
{
    *out = NULL;
    if (!json_is_object(j))
        return floe_error_set(FLOE_ECORRUPT, "invalid sort order JSON at %s: expected an object",
                              path);
    json_t *oid = json_object_get(j, "order-id");
    if (!json_is_integer(oid))
        return floe_error_set(FLOE_ECORRUPT,
                              "invalid sort order JSON at %s.order-id: missing or not an integer",
                              path);
    json_t *fields = json_object_get(j, "fields");
    if (!json_is_array(fields))
        return floe_error_set(FLOE_ECORRUPT,
                              "invalid sort order JSON at %s.fields: missing or not a list", path);
    floe_sort_order *o;
    int rc = floe_sort_order_new(&o, (int32_t)json_integer_value(oid));
    if (rc)
        return rc;
    size_t n = json_array_size(fields);
    if (o->order_id == 0 && n > 0)
        rc = floe_error_set(FLOE_ECORRUPT,
                            "invalid sort order JSON at %s: order 0 (unsorted) cannot have "
                            "fields",
                            path);
    for (size_t i = 0; i < n && !rc; i++) {
        json_t *f = json_array_get(fields, i);
        if (!json_is_object(f)) {
            rc = floe_error_set(FLOE_ECORRUPT,
                                "invalid sort order JSON at %s.fields[%zu]: expected an object",
                                path, i);
            break;
        }
        int32_t src[64];
        size_t nsrc = 0;
        json_t *sid = json_object_get(f, "source-id");
        json_t *sids = json_object_get(f, "source-ids");
        if (json_is_integer(sid)) {
            src[nsrc++] = (int32_t)json_integer_value(sid);
        } else if (json_is_array(sids) && json_array_size(sids) > 0 &&
                   json_array_size(sids) <= 64) {
            for (size_t k = 0; k < json_array_size(sids) && !rc; k++) {
                json_t *v = json_array_get(sids, k);
                if (!json_is_integer(v))
                    rc = bad(path, i, "source-ids", "expected a list of integers");
                src[nsrc++] = (int32_t)json_integer_value(v);
            }
        } else {
            rc = bad(path, i, "source-id", "missing or not an integer");
        }
        if (rc)
            break;
        const char *tr = json_string_value(json_object_get(f, "transform"));
        const char *dir = json_string_value(json_object_get(f, "direction"));
        const char *no = json_string_value(json_object_get(f, "null-order"));
        if (!tr) {
            rc = bad(path, i, "transform", "missing or not a string");
            break;
        }
        if (!dir || (strcmp(dir, "asc") != 0 && strcmp(dir, "desc") != 0)) {
            rc = bad(path, i, "direction", "expected \"asc\" or \"desc\"");
            break;
        }
        if (!no || (strcmp(no, "nulls-first") != 0 && strcmp(no, "nulls-last") != 0)) {
            rc = bad(path, i, "null-order", "expected \"nulls-first\" or \"nulls-last\"");
            break;
        }
        rc = floe_sort_order__add(o, src, nsrc, tr, dir[0] == 'd' ? FLOE_SORT_DESC : FLOE_SORT_ASC,
                                  strcmp(no, "nulls-last") == 0 ? FLOE_NULLS_LAST
                                                                : FLOE_NULLS_FIRST);
        if (rc)
            rc = floe_error_wrap(rc == FLOE_ENOMEM ? rc : FLOE_ECORRUPT,
                                 "invalid sort order JSON at %s.fields[%zu]", path, i);
    }
    if (rc) {
        floe_sort_order_free(o);
        return rc;
    }
    *out = o;
    return 0;
}

static int set_new(json_t *o, const char *k, json_t *v)
{
    return (!v || json_object_set_new(o, k, v) != 0) ? FLOE_ENOMEM : 0;
}

json_t *floe_sort_order__to_json(const floe_sort_order *o)
{
    json_t *j = json_object();
    json_t *arr = json_array();
    int rc = (!j || !arr) ? FLOE_ENOMEM : 0;
    if (!rc)
        rc = set_new(j, "order-id", json_integer(o->order_id));
    if (!rc) {
        rc = set_new(j, "fields", arr);
        arr = rc ? arr : NULL;
    }
    json_t *fa = json_object_get(j, "fields");
    for (size_t i = 0; i < o->n && !rc; i++) {
        const floe_sort_field *f = &o->fields[i];
        json_t *fj = json_object();
        if (!fj || json_array_append_new(fa, fj) != 0) {
            rc = FLOE_ENOMEM;
            break;
        }
        rc = set_new(fj, "transform", json_string(f->transform_str));
        if (!rc && f->nsources == 1) {
            rc = set_new(fj, "source-id", json_integer(f->source_ids[0]));
        } else if (!rc) {
            json_t *ids = json_array();
            rc = set_new(fj, "source-ids", ids);
            for (size_t k = 0; !rc && k < f->nsources; k++)
                if (json_array_append_new(ids, json_integer(f->source_ids[k])) != 0)
                    rc = FLOE_ENOMEM;
        }
        if (!rc)
            rc = set_new(fj, "direction",
                         json_string(f->direction == FLOE_SORT_DESC ? "desc" : "asc"));
        if (!rc)
            rc = set_new(
                fj, "null-order",
                json_string(f->null_order == FLOE_NULLS_LAST ? "nulls-last" : "nulls-first"));
    }
    json_decref(arr);
    if (rc) {
        json_decref(j);
        floe_error_set(FLOE_ENOMEM, "out of memory serializing a sort order");
        return NULL;
    }
    return j;
}

int floe_sort_order_from_json(floe_sort_order **out, const char *text, size_t len)
{
    *out = NULL;
    json_t *j;
    int rc = floe_iceberg__jload(&j, text, len, 0);
    if (rc)
        return rc;
    rc = floe_sort_order__from_json(out, j, "$");
    json_decref(j);
    return rc;
}

int floe_sort_order_to_json(char **out, const floe_sort_order *o, bool pretty)
{
    *out = NULL;
    json_t *j = floe_sort_order__to_json(o);
    if (!j)
        return FLOE_ENOMEM;
    int rc = floe_iceberg__jdump_dup(out, j, pretty ? JSON_INDENT(2) : JSON_COMPACT);
    json_decref(j);
    return rc;
}
