/* Avro schemas: nodes, accessors, equality, and the builder API. Parsing and serialization live
 * in schema_parse.c and schema_json.c. */
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "formats/avro/avro_internal.h"

static const char *const type_names[] = {"null",   "boolean", "int",    "long",   "float",
                                         "double", "bytes",   "string", "record", "enum",
                                         "array",  "map",     "union",  "fixed"};

const char *floe_avro_type_name(floe_avro_type type)
{
    if ((unsigned)type < sizeof(type_names) / sizeof(type_names[0]))
        return type_names[type];
    return "unknown";
}

int floe_avro__schema_alloc(floe_avro_schema **out, floe_avro_type type)
{
    floe_avro_schema *s = floe_calloc(1, sizeof(*s));
    if (!s)
        return floe_error_set(FLOE_ENOMEM, "out of memory allocating an Avro schema");
    atomic_init(&s->refcount, 1);
    s->type = type;
    s->null_branch = -1;
    s->min_size = (type == FLOE_AVRO_NULL || type == FLOE_AVRO_RECORD) ? 0 : 1;
    s->props = json_object();
    if (!s->props) {
        floe_free(s);
        return floe_error_set(FLOE_ENOMEM, "out of memory allocating an Avro schema");
    }
    *out = s;
    return 0;
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        floe_free(v[i]);
    floe_free(v);
}

floe_avro_schema *floe_avro_schema_ref(const floe_avro_schema *schema)
{
    floe_avro_schema *s = (floe_avro_schema *)schema;
    if (s)
        atomic_fetch_add(&s->refcount, 1);
    return s;
}

void floe_avro_schema_free(floe_avro_schema *s)
{
    if (!s || atomic_fetch_sub(&s->refcount, 1) != 1)
        return;
    floe_free(s->fullname);
    floe_free(s->name);
    floe_free(s->ns);
    free_strv(s->aliases, s->naliases);
    json_decref(s->props);
    floe_free(s->logical);
    for (size_t i = 0; i < s->nfields; i++) {
        floe_avro__field *f = &s->fields[i];
        floe_free(f->name);
        if (!f->weak)
            floe_avro_schema_free(f->type);
        json_decref(f->dflt);
        json_decref(f->props);
        free_strv(f->aliases, f->naliases);
    }
    floe_free(s->fields);
    free_strv(s->symbols, s->nsymbols);
    if (!s->child_weak)
        floe_avro_schema_free(s->child);
    for (size_t i = 0; i < s->nbranches; i++)
        if (!s->branch_weak[i])
            floe_avro_schema_free(s->branches[i]);
    floe_free(s->branches);
    floe_free(s->branch_weak);
    floe_free(s);
}

int floe_avro__schema_min_size(floe_avro_schema *s)
{
    switch (s->type) {
    case FLOE_AVRO_NULL:
        return 0;
    case FLOE_AVRO_FIXED:
        return s->fixed_size > 0;
    case FLOE_AVRO_RECORD:
        for (size_t i = 0; i < s->nfields; i++)
            if (s->fields[i].weak || s->fields[i].type->min_size > 0)
                return 1;
        return 0;
    default:
        return 1;
    }
}

/* ----- accessors ----- */

floe_avro_type floe_avro_schema_type(const floe_avro_schema *s)
{
    return s->type;
}

const char *floe_avro_schema_name(const floe_avro_schema *s)
{
    return s->fullname;
}

const char *floe_avro_schema_logical_type(const floe_avro_schema *s)
{
    return s->logical;
}

void floe_avro_schema_decimal(const floe_avro_schema *s, int *precision, int *scale)
{
    int dec = s->logical && strcmp(s->logical, "decimal") == 0;
    if (precision)
        *precision = dec ? s->precision : 0;
    if (scale)
        *scale = dec ? s->scale : 0;
}

static int int_prop(int64_t *out, const json_t *props, const char *key, const char *where)
{
    const json_t *v = props ? json_object_get(props, key) : NULL;
    if (!v)
        return floe_error_set(FLOE_ENOTFOUND, "%s has no attribute '%s'", where, key);
    if (!json_is_integer(v))
        return floe_error_set(FLOE_EINVALID, "attribute '%s' of %s is not an integer", key, where);
    *out = json_integer_value(v);
    return 0;
}

static int prop_json(char **out, const json_t *props, const char *key, const char *where)
{
    const json_t *v = props ? json_object_get(props, key) : NULL;
    if (!v)
        return floe_error_set(FLOE_ENOTFOUND, "%s has no attribute '%s'", where, key);
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!s)
        return floe_error_set(FLOE_ENOMEM, "out of memory serializing attribute '%s'", key);
    *out = s;
    return 0;
}

int floe_avro_schema_int_prop(int64_t *out, const floe_avro_schema *s, const char *key)
{
    return int_prop(out, s->props, key, "the schema");
}

int floe_avro_schema_prop_json(char **out, const floe_avro_schema *s, const char *key)
{
    return prop_json(out, s->props, key, "the schema");
}

size_t floe_avro_schema_field_count(const floe_avro_schema *s)
{
    return s->type == FLOE_AVRO_RECORD ? s->nfields : 0;
}

const char *floe_avro_schema_field_name(const floe_avro_schema *s, size_t i)
{
    return i < floe_avro_schema_field_count(s) ? s->fields[i].name : NULL;
}

const floe_avro_schema *floe_avro_schema_field_type(const floe_avro_schema *s, size_t i)
{
    return i < floe_avro_schema_field_count(s) ? s->fields[i].type : NULL;
}

int64_t floe_avro_schema_field_id(const floe_avro_schema *s, size_t i)
{
    return i < floe_avro_schema_field_count(s) ? s->fields[i].field_id : -1;
}

int floe_avro_schema_field_int_prop(int64_t *out, const floe_avro_schema *s, size_t i,
                                    const char *key)
{
    if (i >= floe_avro_schema_field_count(s))
        return floe_error_set(FLOE_EINVALID, "field index %zu out of range", i);
    return int_prop(out, s->fields[i].props, key, "the field");
}

int floe_avro_schema_field_prop_json(char **out, const floe_avro_schema *s, size_t i,
                                     const char *key)
{
    if (i >= floe_avro_schema_field_count(s))
        return floe_error_set(FLOE_EINVALID, "field index %zu out of range", i);
    const floe_avro__field *f = &s->fields[i];
    if (strcmp(key, "default") == 0) {
        if (!f->dflt)
            return floe_error_set(FLOE_ENOTFOUND, "field '%s' has no default", f->name);
        char *j = json_dumps(f->dflt, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!j)
            return floe_error_set(FLOE_ENOMEM, "out of memory serializing a default");
        *out = j;
        return 0;
    }
    return prop_json(out, f->props, key, "the field");
}

long floe_avro_schema_field_index(const floe_avro_schema *s, const char *name)
{
    size_t n = floe_avro_schema_field_count(s);
    for (size_t i = 0; i < n; i++)
        if (strcmp(s->fields[i].name, name) == 0)
            return (long)i;
    return -1;
}

long floe_avro_schema_field_index_by_id(const floe_avro_schema *s, int64_t id)
{
    size_t n = floe_avro_schema_field_count(s);
    for (size_t i = 0; i < n; i++)
        if (s->fields[i].field_id >= 0 && s->fields[i].field_id == id)
            return (long)i;
    return -1;
}

const floe_avro_schema *floe_avro_schema_items(const floe_avro_schema *s)
{
    return (s->type == FLOE_AVRO_ARRAY || s->type == FLOE_AVRO_MAP) ? s->child : NULL;
}

size_t floe_avro_schema_branch_count(const floe_avro_schema *s)
{
    return s->type == FLOE_AVRO_UNION ? s->nbranches : 0;
}

const floe_avro_schema *floe_avro_schema_branch(const floe_avro_schema *s, size_t i)
{
    return i < floe_avro_schema_branch_count(s) ? s->branches[i] : NULL;
}

long floe_avro_schema_null_branch(const floe_avro_schema *s)
{
    return s->type == FLOE_AVRO_UNION ? s->null_branch : -1;
}

size_t floe_avro_schema_fixed_size(const floe_avro_schema *s)
{
    return s->type == FLOE_AVRO_FIXED ? s->fixed_size : 0;
}

size_t floe_avro_schema_symbol_count(const floe_avro_schema *s)
{
    return s->type == FLOE_AVRO_ENUM ? s->nsymbols : 0;
}

const char *floe_avro_schema_symbol(const floe_avro_schema *s, size_t i)
{
    return i < floe_avro_schema_symbol_count(s) ? s->symbols[i] : NULL;
}

/* ----- structural equality ----- */

typedef struct eq_pair {
    const floe_avro_schema *a, *b;
} eq_pair;

static int eq(const floe_avro_schema *a, const floe_avro_schema *b, eq_pair *stack, int depth)
{
    if (a == b)
        return 1;
    if (a->type != b->type || depth >= FLOE_AVRO__MAX_DEPTH)
        return 0;
    for (int i = 0; i < depth; i++)
        if (stack[i].a == a && stack[i].b == b)
            return 1;
    stack[depth].a = a;
    stack[depth].b = b;
    switch (a->type) {
    case FLOE_AVRO_RECORD:
        if (a->nfields != b->nfields)
            return 0;
        for (size_t i = 0; i < a->nfields; i++)
            if (!eq(a->fields[i].type, b->fields[i].type, stack, depth + 1))
                return 0;
        return 1;
    case FLOE_AVRO_ENUM:
        if (a->nsymbols != b->nsymbols)
            return 0;
        for (size_t i = 0; i < a->nsymbols; i++)
            if (strcmp(a->symbols[i], b->symbols[i]) != 0)
                return 0;
        return 1;
    case FLOE_AVRO_FIXED:
        return a->fixed_size == b->fixed_size;
    case FLOE_AVRO_ARRAY:
    case FLOE_AVRO_MAP:
        return eq(a->child, b->child, stack, depth + 1);
    case FLOE_AVRO_UNION:
        if (a->nbranches != b->nbranches)
            return 0;
        for (size_t i = 0; i < a->nbranches; i++)
            if (!eq(a->branches[i], b->branches[i], stack, depth + 1))
                return 0;
        return 1;
    default:
        return 1;
    }
}

int floe_avro__schema_equal(const floe_avro_schema *a, const floe_avro_schema *b)
{
    eq_pair stack[FLOE_AVRO__MAX_DEPTH];
    return eq(a, b, stack, 0);
}

/* ----- builder ----- */

static int valid_name(const char *s)
{
    if (!s || !*s)
        return 0;
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return 0;
    for (s++; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_' ||
              (*s >= '0' && *s <= '9')))
            return 0;
    return 1;
}

static int set_names(floe_avro_schema *s, const char *name, const char *ns)
{
    const char *dot = strrchr(name, '.');
    if (dot) {
        s->ns = floe_strndup(name, (size_t)(dot - name));
        s->name = floe_strdup(dot + 1);
    } else {
        s->ns = (ns && *ns) ? floe_strdup(ns) : NULL;
        s->name = floe_strdup(name);
    }
    if (!s->name || ((dot || (ns && *ns)) && !s->ns))
        return floe_error_set(FLOE_ENOMEM, "out of memory naming a schema");
    if (!valid_name(s->name))
        return floe_error_set(FLOE_EINVALID,
                              "invalid Avro name '%s': use letters, digits and '_', not starting "
                              "with a digit",
                              s->name);
    floe_buf b = FLOE_BUF_INIT;
    if (s->ns && floe_buf_printf(&b, "%s.", s->ns))
        return FLOE_ENOMEM;
    if (floe_buf_append_str(&b, s->name) || !floe_buf_cstr(&b)) {
        floe_buf_free(&b);
        return FLOE_ENOMEM;
    }
    s->fullname = (char *)floe_buf_detach(&b, NULL);
    return 0;
}

int floe_avro__set_names(floe_avro_schema *s, const char *name, const char *ns)
{
    return set_names(s, name, ns);
}

int floe_avro_schema_new_primitive(floe_avro_schema **out, floe_avro_type type)
{
    if (type > FLOE_AVRO_STRING)
        return floe_error_set(FLOE_EINVALID, "'%s' is not a primitive Avro type",
                              floe_avro_type_name(type));
    return floe_avro__schema_alloc(out, type);
}

static int new_named(floe_avro_schema **out, floe_avro_type type, const char *name, const char *ns)
{
    if (!name)
        return floe_error_set(FLOE_EINVALID, "a %s schema needs a name", floe_avro_type_name(type));
    floe_avro_schema *s;
    int rc = floe_avro__schema_alloc(&s, type);
    if (rc)
        return rc;
    rc = set_names(s, name, ns);
    if (rc) {
        floe_avro_schema_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

int floe_avro_schema_new_record(floe_avro_schema **out, const char *name, const char *ns)
{
    return new_named(out, FLOE_AVRO_RECORD, name, ns);
}

int floe_avro_schema_add_field(floe_avro_schema *rec, const char *name,
                               const floe_avro_schema *type, int64_t field_id,
                               const char *default_json)
{
    if (rec->type != FLOE_AVRO_RECORD || !type)
        return floe_error_set(FLOE_EINVALID, "add_field needs a record schema and a field type");
    if (!valid_name(name))
        return floe_error_set(FLOE_EINVALID, "invalid Avro field name '%s'", name ? name : "");
    if (floe_avro_schema_field_index(rec, name) >= 0)
        return floe_error_set(FLOE_EINVALID, "record '%s' already has a field '%s'", rec->fullname,
                              name);
    if (rec->nfields == rec->capfields) {
        size_t cap = rec->capfields ? rec->capfields * 2 : 8;
        floe_avro__field *nf = floe_realloc(rec->fields, cap * sizeof(*nf));
        if (!nf)
            return floe_error_set(FLOE_ENOMEM, "out of memory adding a field");
        rec->fields = nf;
        rec->capfields = cap;
    }
    floe_avro__field f = {0};
    f.field_id = -1;
    f.name = floe_strdup(name);
    f.props = json_object();
    if (!f.name || !f.props)
        goto nomem;
    if (default_json) {
        json_error_t err;
        f.dflt = json_loads(default_json, JSON_DECODE_ANY, &err);
        if (!f.dflt) {
            floe_free(f.name);
            json_decref(f.props);
            return floe_error_set(FLOE_EINVALID, "default of field '%s' is not JSON: %s", name,
                                  err.text);
        }
    }
    if (field_id >= 0) {
        f.field_id = field_id;
        if (json_object_set_new(f.props, "field-id", json_integer(field_id)))
            goto nomem;
    }
    f.type = floe_avro_schema_ref(type);
    rec->fields[rec->nfields++] = f;
    rec->min_size = floe_avro__schema_min_size(rec);
    return 0;
nomem:
    floe_free(f.name);
    json_decref(f.props);
    json_decref(f.dflt);
    return floe_error_set(FLOE_ENOMEM, "out of memory adding a field");
}

static int parse_prop(json_t **out, const char *key, const char *json)
{
    json_error_t err;
    json_t *v = json_loads(json, JSON_DECODE_ANY, &err);
    if (!v)
        return floe_error_set(FLOE_EINVALID, "attribute '%s' is not JSON: %s", key, err.text);
    *out = v;
    return 0;
}

int floe_avro_schema_set_field_prop(floe_avro_schema *rec, const char *key, const char *json)
{
    if (rec->type != FLOE_AVRO_RECORD || rec->nfields == 0)
        return floe_error_set(FLOE_EINVALID, "set_field_prop needs a record with a field");
    if (strcmp(key, "name") == 0 || strcmp(key, "type") == 0)
        return floe_error_set(FLOE_EINVALID, "'%s' cannot be set as a field attribute", key);
    floe_avro__field *f = &rec->fields[rec->nfields - 1];
    json_t *v;
    int rc = parse_prop(&v, key, json);
    if (rc)
        return rc;
    if (strcmp(key, "default") == 0) {
        json_decref(f->dflt);
        f->dflt = v;
        return 0;
    }
    if (strcmp(key, "field-id") == 0) {
        if (!json_is_integer(v)) {
            json_decref(v);
            return floe_error_set(FLOE_EINVALID, "field-id must be an integer");
        }
        f->field_id = json_integer_value(v);
    }
    if (strcmp(key, "aliases") == 0) {
        if (!json_is_array(v)) {
            json_decref(v);
            return floe_error_set(FLOE_EINVALID, "aliases must be an array of names");
        }
        char **al = floe_calloc(json_array_size(v) + 1, sizeof(char *));
        if (!al) {
            json_decref(v);
            return floe_error_set(FLOE_ENOMEM, "out of memory");
        }
        size_t n = 0;
        for (size_t i = 0; i < json_array_size(v); i++) {
            const char *a = json_string_value(json_array_get(v, i));
            if (a && !(al[n++] = floe_strdup(a))) {
                free_strv(al, n);
                json_decref(v);
                return floe_error_set(FLOE_ENOMEM, "out of memory");
            }
        }
        free_strv(f->aliases, f->naliases);
        f->aliases = al;
        f->naliases = n;
    }
    if (json_object_set_new(f->props, key, v))
        return floe_error_set(FLOE_ENOMEM, "out of memory setting attribute '%s'", key);
    return 0;
}

int floe_avro_schema_set_prop(floe_avro_schema *s, const char *key, const char *json)
{
    static const char *const reserved[] = {"type",   "name",    "namespace", "fields", "items",
                                           "values", "symbols", "size",      "aliases"};
    for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
        if (strcmp(key, reserved[i]) == 0)
            return floe_error_set(FLOE_EINVALID,
                                  "'%s' is structural: build the schema with it instead", key);
    json_t *v;
    int rc = parse_prop(&v, key, json);
    if (rc)
        return rc;
    if (json_object_set_new(s->props, key, v))
        return floe_error_set(FLOE_ENOMEM, "out of memory setting attribute '%s'", key);
    floe_avro__validate_logical(s);
    return 0;
}

int floe_avro_schema_new_array(floe_avro_schema **out, const floe_avro_schema *items)
{
    if (!items)
        return floe_error_set(FLOE_EINVALID, "an array schema needs an item schema");
    int rc = floe_avro__schema_alloc(out, FLOE_AVRO_ARRAY);
    if (rc == 0)
        (*out)->child = floe_avro_schema_ref(items);
    return rc;
}

int floe_avro_schema_new_map(floe_avro_schema **out, const floe_avro_schema *values)
{
    if (!values)
        return floe_error_set(FLOE_EINVALID, "a map schema needs a value schema");
    int rc = floe_avro__schema_alloc(out, FLOE_AVRO_MAP);
    if (rc == 0)
        (*out)->child = floe_avro_schema_ref(values);
    return rc;
}

/* Union rules of the spec: no directly nested unions, at most one branch per unnamed type and
 * per name. Returns 0 or FLOE_EINVALID naming the offending branch. */
int floe_avro__check_union(const floe_avro_schema *const *br, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (br[i]->type == FLOE_AVRO_UNION)
            return floe_error_set(FLOE_EINVALID, "union branch %zu is itself a union", i);
        for (size_t j = 0; j < i; j++) {
            if (br[i]->type != br[j]->type)
                continue;
            if (!br[i]->fullname || !br[j]->fullname)
                return floe_error_set(FLOE_EINVALID, "union has two branches of type '%s'",
                                      floe_avro_type_name(br[i]->type));
            if (strcmp(br[i]->fullname, br[j]->fullname) == 0)
                return floe_error_set(FLOE_EINVALID, "union has two branches named '%s'",
                                      br[i]->fullname);
        }
    }
    return 0;
}

int floe_avro_schema_new_union(floe_avro_schema **out, const floe_avro_schema *const *branches,
                               size_t n)
{
    int rc = floe_avro__check_union(branches, n);
    if (rc)
        return rc;
    floe_avro_schema *s;
    rc = floe_avro__schema_alloc(&s, FLOE_AVRO_UNION);
    if (rc)
        return rc;
    s->branches = floe_calloc(n ? n : 1, sizeof(*s->branches));
    s->branch_weak = floe_calloc(n ? n : 1, 1);
    if (!s->branches || !s->branch_weak) {
        floe_avro_schema_free(s);
        return floe_error_set(FLOE_ENOMEM, "out of memory building a union");
    }
    for (size_t i = 0; i < n; i++) {
        s->branches[i] = floe_avro_schema_ref(branches[i]);
        if (branches[i]->type == FLOE_AVRO_NULL && s->null_branch < 0)
            s->null_branch = (long)i;
    }
    s->nbranches = n;
    *out = s;
    return 0;
}

int floe_avro_schema_new_optional(floe_avro_schema **out, const floe_avro_schema *type)
{
    floe_avro_schema *null;
    int rc = floe_avro_schema_new_primitive(&null, FLOE_AVRO_NULL);
    if (rc)
        return rc;
    const floe_avro_schema *br[2] = {null, type};
    rc = floe_avro_schema_new_union(out, br, 2);
    floe_avro_schema_free(null);
    return rc;
}

int floe_avro_schema_new_fixed(floe_avro_schema **out, const char *name, const char *ns,
                               size_t size)
{
    int rc = new_named(out, FLOE_AVRO_FIXED, name, ns);
    if (rc == 0) {
        (*out)->fixed_size = size;
        (*out)->min_size = size > 0;
    }
    return rc;
}

int floe_avro_schema_new_enum(floe_avro_schema **out, const char *name, const char *ns,
                              const char *const *symbols, size_t n)
{
    floe_avro_schema *s = NULL;
    int rc = new_named(&s, FLOE_AVRO_ENUM, name, ns);
    if (rc)
        return rc;
    s->symbols = floe_calloc(n ? n : 1, sizeof(char *));
    if (!s->symbols) {
        floe_avro_schema_free(s);
        return floe_error_set(FLOE_ENOMEM, "out of memory building an enum");
    }
    for (size_t i = 0; i < n; i++) {
        if (!valid_name(symbols[i])) {
            floe_avro_schema_free(s);
            return floe_error_set(FLOE_EINVALID, "invalid enum symbol '%s'", symbols[i]);
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(symbols[i], symbols[j]) == 0) {
                floe_avro_schema_free(s);
                return floe_error_set(FLOE_EINVALID, "duplicate enum symbol '%s'", symbols[i]);
            }
        if (!(s->symbols[i] = floe_strdup(symbols[i]))) {
            floe_avro_schema_free(s);
            return floe_error_set(FLOE_ENOMEM, "out of memory building an enum");
        }
        s->nsymbols = i + 1;
    }
    *out = s;
    return 0;
}

int floe_avro__valid_name(const char *s)
{
    return valid_name(s);
}
