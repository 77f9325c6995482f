/* Iceberg schemas: id and name indexes, identifier fields, fresh id assignment. */
#include <floe/iceberg/schema.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "iceberg/type_internal.h"

#include <floe/iceberg/literal.h>

typedef struct id_entry {
    int32_t id;
    int32_t parent_id;
    const floe_field *field;
    char *name; /* full dotted name */
} id_entry;

typedef struct name_entry {
    char *name;
    const floe_field *field;
} name_entry;

struct floe_schema {
    int refcount;
    int32_t schema_id;
    floe_type *type;
    int32_t *identifier_ids;
    size_t identifier_count;
    id_entry *ids; /* sorted by id */
    size_t nids;
    name_entry *names; /* full and short names */
    size_t nnames, names_cap;
    int32_t highest_id;
};

static char *join_name(const char *prefix, const char *name)
{
    if (!prefix)
        return floe_strdup(name);
    floe_buf b = FLOE_BUF_INIT;
    if (floe_buf_printf(&b, "%s.%s", prefix, name) != 0)
        return NULL;
    return (char *)floe_buf_detach(&b, NULL);
}

static int add_name(floe_schema *s, const char *name, const floe_field *f)
{
    for (size_t i = 0; i < s->nnames; i++)
        if (strcmp(s->names[i].name, name) == 0)
            return 0;
    if (s->nnames == s->names_cap) {
        size_t cap = s->names_cap ? s->names_cap * 2 : 16;
        name_entry *n = floe_realloc(s->names, cap * sizeof *n);
        if (!n)
            return FLOE_ENOMEM;
        s->names = n;
        s->names_cap = cap;
    }
    char *copy = floe_strdup(name);
    if (!copy)
        return FLOE_ENOMEM;
    s->names[s->nnames].name = copy;
    s->names[s->nnames].field = f;
    s->nnames++;
    return 0;
}

static size_t count_fields(const floe_type *t)
{
    size_t n = 0;
    for (size_t i = 0; i < t->nfields; i++)
        n += 1 + count_fields(t->fields[i].type);
    return n;
}

/* `prefix` is the full name of the parent; `short_prefix` skips list "element" and map
 * "value" levels, as the reference implementation's short names do. */
static int index_type(floe_schema *s, const floe_type *t, const char *prefix,
                      const char *short_prefix, int32_t parent_id)
{
    for (size_t i = 0; i < t->nfields; i++) {
        const floe_field *f = &t->fields[i];
        char *full = join_name(prefix, f->name);
        if (!full)
            return FLOE_ENOMEM;
        char *shrt = NULL;
        bool skip = (t->kind == FLOE_TYPE_LIST) ||
                    (t->kind == FLOE_TYPE_MAP && strcmp(f->name, "value") == 0);
        if (skip)
            shrt = short_prefix ? floe_strdup(short_prefix) : NULL;
        else
            shrt = join_name(short_prefix, f->name);
        if ((skip && short_prefix && !shrt) || (!skip && !shrt)) {
            floe_free(full);
            return FLOE_ENOMEM;
        }
        id_entry *e = &s->ids[s->nids++];
        e->id = f->id;
        e->parent_id = parent_id;
        e->field = f;
        e->name = full;
        if (f->id > s->highest_id)
            s->highest_id = f->id;
        int rc = add_name(s, full, f);
        if (!rc && shrt && !skip && strcmp(shrt, full) != 0)
            rc = add_name(s, shrt, f);
        if (!rc)
            rc = index_type(s, f->type, full, shrt, f->id);
        floe_free(shrt);
        if (rc)
            return rc;
    }
    return 0;
}

static int cmp_id(const void *a, const void *b)
{
    const id_entry *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static void schema_destroy(floe_schema *s)
{
    for (size_t i = 0; i < s->nids; i++)
        floe_free(s->ids[i].name);
    for (size_t i = 0; i < s->nnames; i++)
        floe_free(s->names[i].name);
    floe_free(s->ids);
    floe_free(s->names);
    floe_free(s->identifier_ids);
    floe_type_free(s->type);
    floe_free(s);
}

static const id_entry *find_entry(const floe_schema *s, int32_t id)
{
    id_entry key = {.id = id};
    return bsearch(&key, s->ids, s->nids, sizeof key, cmp_id);
}

static int check_identifier(const floe_schema *s, int32_t id)
{
    const id_entry *e = find_entry(s, id);
    if (!e)
        return floe_error_set(FLOE_EINVALID, "identifier field id %d is not a field of the schema",
                              (int)id);
    const floe_field *f = e->field;
    if (!floe_type_is_primitive(f->type))
        return floe_error_set(FLOE_EINVALID,
                              "identifier field '%s' must be a primitive type, not %s", e->name,
                              f->type->str);
    if (!f->required)
        return floe_error_set(FLOE_EINVALID, "identifier field '%s' must be required", e->name);
    if (f->type->kind == FLOE_TYPE_FLOAT || f->type->kind == FLOE_TYPE_DOUBLE)
        return floe_error_set(FLOE_EINVALID,
                              "identifier field '%s' cannot be a float or double column", e->name);
    for (int32_t p = e->parent_id; p != -1;) {
        const id_entry *pe = find_entry(s, p);
        if (pe->field->type->kind != FLOE_TYPE_STRUCT)
            return floe_error_set(
                FLOE_EINVALID, "identifier field '%s' cannot be nested in a list or map", e->name);
        if (!pe->field->required)
            return floe_error_set(FLOE_EINVALID,
                                  "identifier field '%s' cannot be nested in optional struct "
                                  "'%s'",
                                  e->name, pe->name);
        p = pe->parent_id;
    }
    return 0;
}

int floe_schema_new(floe_schema **out, int32_t schema_id, floe_type *type,
                    const int32_t *identifier_ids, size_t identifier_count)
{
    *out = NULL;
    if (!type || type->kind != FLOE_TYPE_STRUCT)
        return floe_error_set(FLOE_EINVALID, "a schema must be a struct type");
    floe_schema *s = floe_calloc(1, sizeof *s);
    if (!s)
        return FLOE_ENOMEM;
    s->refcount = 1;
    s->schema_id = schema_id;
    s->type = floe_type_ref(type);
    int rc = 0;
    size_t n = count_fields(type);
    if (n && !(s->ids = floe_calloc(n, sizeof *s->ids)))
        rc = FLOE_ENOMEM;
    if (!rc)
        rc = index_type(s, type, NULL, NULL, -1);
    if (!rc) {
        if (s->nids > 1)
            qsort(s->ids, s->nids, sizeof *s->ids, cmp_id);
        for (size_t i = 1; i < s->nids; i++)
            if (s->ids[i].id == s->ids[i - 1].id) {
                rc = floe_error_set(FLOE_EINVALID,
                                    "field id %d is used twice in the schema ('%s' and '%s')",
                                    (int)s->ids[i].id, s->ids[i - 1].name, s->ids[i].name);
                break;
            }
    }
    if (!rc && identifier_count) {
        s->identifier_ids = floe_calloc(identifier_count, sizeof(int32_t));
        if (!s->identifier_ids)
            rc = FLOE_ENOMEM;
        for (size_t i = 0; !rc && i < identifier_count; i++) {
            rc = check_identifier(s, identifier_ids[i]);
            s->identifier_ids[i] = identifier_ids[i];
        }
        s->identifier_count = identifier_count;
    }
    if (rc) {
        schema_destroy(s);
        return rc;
    }
    *out = s;
    return 0;
}

floe_schema *floe_schema_ref(floe_schema *s)
{
    if (s)
        __atomic_fetch_add(&s->refcount, 1, __ATOMIC_RELAXED);
    return s;
}

void floe_schema_free(floe_schema *s)
{
    if (!s)
        return;
    if (__atomic_sub_fetch(&s->refcount, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    schema_destroy(s);
}

int32_t floe_schema_id(const floe_schema *s)
{
    return s->schema_id;
}

floe_type *floe_schema_struct(const floe_schema *s)
{
    return s->type;
}

size_t floe_schema_column_count(const floe_schema *s)
{
    return s->type->nfields;
}

const floe_field *floe_schema_column_at(const floe_schema *s, size_t i)
{
    return floe_type_field_at(s->type, i);
}

const int32_t *floe_schema_identifier_field_ids(const floe_schema *s, size_t *count)
{
    *count = s->identifier_count;
    return s->identifier_ids;
}

int32_t floe_schema_highest_field_id(const floe_schema *s)
{
    return s->highest_id;
}

const floe_field *floe_schema_find_field(const floe_schema *s, int32_t id)
{
    const id_entry *e = find_entry(s, id);
    return e ? e->field : NULL;
}

const char *floe_schema_find_column_name(const floe_schema *s, int32_t id)
{
    const id_entry *e = find_entry(s, id);
    return e ? e->name : NULL;
}

int32_t floe_schema_parent_id(const floe_schema *s, int32_t id)
{
    const id_entry *e = find_entry(s, id);
    return e ? e->parent_id : -1;
}

const floe_field *floe_schema_find_field_by_name(const floe_schema *s, const char *name,
                                                 bool case_sensitive)
{
    for (size_t i = 0; i < s->nnames; i++)
        if (strcmp(s->names[i].name, name) == 0)
            return s->names[i].field;
    if (case_sensitive)
        return NULL;
    const floe_field *found = NULL;
    for (size_t i = 0; i < s->nnames; i++)
        if (strcasecmp(s->names[i].name, name) == 0) {
            if (found && found != s->names[i].field)
                return NULL;
            found = s->names[i].field;
        }
    return found;
}

bool floe_schema_same_structure(const floe_schema *a, const floe_schema *b)
{
    if (a->identifier_count != b->identifier_count)
        return false;
    for (size_t i = 0; i < a->identifier_count; i++) {
        bool found = false;
        for (size_t j = 0; j < b->identifier_count; j++)
            if (a->identifier_ids[i] == b->identifier_ids[j])
                found = true;
        if (!found)
            return false;
    }
    return floe_type_equal(a->type, b->type);
}

static bool same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Docs and defaults of two types of the same structure are equal. */
static bool same_details(const floe_type *a, const floe_type *b)
{
    for (size_t i = 0; i < floe_type_field_count(a); i++) {
        const floe_field *x = floe_type_field_at(a, i), *y = floe_type_field_at(b, i);
        if (!same_text(floe_field_doc(x), floe_field_doc(y)) ||
            !same_text(floe_field_initial_default(x), floe_field_initial_default(y)) ||
            !same_text(floe_field_write_default(x), floe_field_write_default(y)) ||
            !same_details(floe_field_type(x), floe_field_type(y)))
            return false;
    }
    return true;
}

bool floe_schema_same(const floe_schema *a, const floe_schema *b)
{
    return a && b && floe_schema_same_structure(a, b) && same_details(a->type, b->type);
}

int floe_schema_with_id(floe_schema **out, const floe_schema *s, int32_t schema_id)
{
    return floe_schema_new(out, schema_id, s->type, s->identifier_ids, s->identifier_count);
}

typedef struct id_map {
    int32_t *from, *to;
    size_t n, cap;
} id_map;

static int id_map_add(id_map *m, int32_t from, int32_t to)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 32;
        int32_t *a = floe_realloc(m->from, cap * sizeof *a);
        if (!a)
            return FLOE_ENOMEM;
        m->from = a;
        int32_t *b = floe_realloc(m->to, cap * sizeof *b);
        if (!b)
            return FLOE_ENOMEM;
        m->to = b;
        m->cap = cap;
    }
    m->from[m->n] = from;
    m->to[m->n] = to;
    m->n++;
    return 0;
}

static int copy_field_meta(floe_field *dst, const floe_field *src)
{
    return floe_field_set_defaults(dst, src->initial_default, src->write_default);
}

/* The reference implementation numbers all fields of a struct before descending into any of
 * them; list element and map key/value ids likewise come before their types' ids. */
static int assign_fresh(floe_type **out, const floe_type *t, int32_t *next, id_map *m)
{
    *out = NULL;
    if (!floe_type_is_nested(t)) {
        *out = floe_type_ref((floe_type *)t);
        return 0;
    }
    int32_t ids[2];
    int32_t *fids = NULL;
    int rc = 0;
    if (t->kind == FLOE_TYPE_STRUCT) {
        if (t->nfields && !(fids = floe_calloc(t->nfields, sizeof *fids)))
            return FLOE_ENOMEM;
    } else {
        fids = ids;
    }
    for (size_t i = 0; i < t->nfields && !rc; i++) {
        fids[i] = ++*next;
        rc = id_map_add(m, t->fields[i].id, fids[i]);
    }
    floe_type *children[2] = {NULL, NULL};
    floe_field **fields = NULL;
    if (!rc && t->kind == FLOE_TYPE_STRUCT && t->nfields &&
        !(fields = floe_calloc(t->nfields, sizeof *fields)))
        rc = FLOE_ENOMEM;
    for (size_t i = 0; i < t->nfields && !rc; i++) {
        floe_type *ct = NULL;
        rc = assign_fresh(&ct, t->fields[i].type, next, m);
        if (rc)
            break;
        if (t->kind == FLOE_TYPE_STRUCT) {
            const floe_field *f = &t->fields[i];
            rc = floe_field_new(&fields[i], fids[i], f->name, f->required, ct, f->doc);
            if (!rc)
                rc = copy_field_meta(fields[i], f);
            floe_type_free(ct);
        } else {
            children[i] = ct;
        }
    }
    if (!rc) {
        if (t->kind == FLOE_TYPE_STRUCT) {
            rc = floe_type_new_struct(out, fields, t->nfields);
        } else if (t->kind == FLOE_TYPE_LIST) {
            rc = floe_type_new_list(out, ids[0], t->fields[0].required, children[0]);
        } else {
            rc = floe_type_new_map(out, ids[0], children[0], ids[1], t->fields[1].required,
                                   children[1]);
        }
    } else if (fields) {
        for (size_t i = 0; i < t->nfields; i++)
            floe_field_free(fields[i]);
    }
    floe_type_free(children[0]);
    floe_type_free(children[1]);
    floe_free(fields);
    if (fids != ids)
        floe_free(fids);
    return rc;
}

int floe_schema_assign_fresh_ids(floe_schema **out, const floe_schema *s, int32_t schema_id,
                                 int32_t *last_column_id)
{
    *out = NULL;
    id_map m = {0};
    int32_t next = *last_column_id;
    floe_type *t = NULL;
    int32_t *idents = NULL;
    int rc = assign_fresh(&t, s->type, &next, &m);
    if (!rc && s->identifier_count && !(idents = floe_calloc(s->identifier_count, sizeof *idents)))
        rc = FLOE_ENOMEM;
    for (size_t i = 0; !rc && i < s->identifier_count; i++)
        for (size_t j = 0; j < m.n; j++)
            if (m.from[j] == s->identifier_ids[i])
                idents[i] = m.to[j];
    if (!rc)
        rc = floe_schema_new(out, schema_id, t, idents, s->identifier_count);
    if (!rc)
        *last_column_id = next;
    floe_type_free(t);
    floe_free(idents);
    floe_free(m.from);
    floe_free(m.to);
    return rc;
}

static bool must_default_null(floe_type_kind k)
{
    return k == FLOE_TYPE_UNKNOWN || k == FLOE_TYPE_VARIANT || k == FLOE_TYPE_GEOMETRY ||
           k == FLOE_TYPE_GEOGRAPHY;
}

int floe_schema_check_writable(const floe_schema *s)
{
    for (size_t i = 0; i < s->nids; i++) {
        const floe_field *f = s->ids[i].field;
        floe_type_kind k = f->type->kind;
        if (must_default_null(k) &&
            ((f->initial_default && strcmp(f->initial_default, "null") != 0) ||
             (f->write_default && strcmp(f->write_default, "null") != 0)))
            return floe_error_set(FLOE_EINVALID,
                                  "column '%s' of type %s must default to null: remove its "
                                  "initial-default/write-default",
                                  s->ids[i].name, f->type->str);
        const char *defs[2] = {f->initial_default, f->write_default};
        for (int d = 0; d < 2 && floe_type_is_primitive(f->type) && !must_default_null(k); d++) {
            if (!defs[d])
                continue;
            floe_literal v;
            int rc = floe_literal_from_json(&v, f->type, defs[d]);
            floe_literal_clear(&v);
            if (rc == FLOE_ENOMEM)
                return rc;
            if (rc)
                return floe_error_set(FLOE_EINVALID,
                                      "column '%s': %s %s is not a valid %s value (Appendix D "
                                      "JSON form expected)",
                                      s->ids[i].name, d ? "write-default" : "initial-default",
                                      defs[d], f->type->str);
        }
        switch (k) {
        case FLOE_TYPE_TIMESTAMP_NS:
        case FLOE_TYPE_TIMESTAMPTZ_NS:
        case FLOE_TYPE_UNKNOWN:
        case FLOE_TYPE_VARIANT:
        case FLOE_TYPE_GEOMETRY:
        case FLOE_TYPE_GEOGRAPHY:
            return floe_error_set(FLOE_EUNSUPPORTED,
                                  "column '%s' has type %s (format v3), which floe can read in "
                                  "schemas but cannot write yet: use %s instead",
                                  s->ids[i].name, f->type->str,
                                  k == FLOE_TYPE_TIMESTAMP_NS     ? "timestamp"
                                  : k == FLOE_TYPE_TIMESTAMPTZ_NS ? "timestamptz"
                                  : k == FLOE_TYPE_VARIANT        ? "string (JSON text)"
                                  : k == FLOE_TYPE_UNKNOWN        ? "a concrete type"
                                                                  : "binary (WKB)");
        default:
            break;
        }
    }
    return 0;
}

void floe_iceberg_free_string(char *s)
{
    floe_free(s);
}
