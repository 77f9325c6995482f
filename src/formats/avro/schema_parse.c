/* Parsing Avro schema JSON into schema nodes. Errors carry the JSON path of the offending
 * element ("$.fields[2].type") so a user can find it in a large schema. */
#include <stdio.h>
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "formats/avro/avro_internal.h"

typedef struct pctx {
    floe_avro_schema **named; /* not referenced: owned by the tree being built */
    size_t nnamed, capnamed;
    char path[1024];
    size_t pathlen;
} pctx;

static int perr(pctx *c, const char *fmt, ...) FLOE_PRINTF(2, 3);
static int perr(pctx *c, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return floe_error_set(FLOE_EINVALID, "Avro schema at %s: %s", c->path, msg);
}

static size_t path_push(pctx *c, const char *fmt, ...) FLOE_PRINTF(2, 3);
static size_t path_push(pctx *c, const char *fmt, ...)
{
    size_t old = c->pathlen;
    if (c->pathlen < sizeof c->path - 1) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(c->path + c->pathlen, sizeof c->path - c->pathlen, fmt, ap);
        va_end(ap);
        if (n > 0)
            c->pathlen += (size_t)n;
        if (c->pathlen > sizeof c->path - 1)
            c->pathlen = sizeof c->path - 1;
    }
    return old;
}

static void path_pop(pctx *c, size_t old)
{
    c->pathlen = old;
    c->path[old] = '\0';
}

static const char *const primitives[] = {"null",  "boolean", "int",   "long",
                                         "float", "double",  "bytes", "string"};

static int primitive_type(const char *name)
{
    for (int i = 0; i < 8; i++)
        if (strcmp(name, primitives[i]) == 0)
            return i;
    return -1;
}

static floe_avro_schema *lookup(pctx *c, const char *name, const char *ns)
{
    char full[1024];
    if (!strchr(name, '.') && ns && *ns) {
        snprintf(full, sizeof full, "%s.%s", ns, name);
        for (size_t i = 0; i < c->nnamed; i++)
            if (strcmp(c->named[i]->fullname, full) == 0)
                return c->named[i];
    }
    for (size_t i = 0; i < c->nnamed; i++)
        if (strcmp(c->named[i]->fullname, name) == 0)
            return c->named[i];
    return NULL;
}

static int register_named(pctx *c, floe_avro_schema *s)
{
    if (lookup(c, s->fullname, NULL))
        return perr(c, "the name '%s' is defined twice", s->fullname);
    if (c->nnamed == c->capnamed) {
        size_t cap = c->capnamed ? c->capnamed * 2 : 16;
        floe_avro_schema **n = floe_realloc(c->named, cap * sizeof(*n));
        if (!n)
            return floe_error_set(FLOE_ENOMEM, "out of memory parsing a schema");
        c->named = n;
        c->capnamed = cap;
    }
    c->named[c->nnamed++] = s;
    return 0;
}

static int parse_node(pctx *c, const json_t *j, const char *ns, floe_avro_schema **out, int *weak,
                      int depth);

/* Reference to a named type: shared (referenced), or weak when it is still being defined. */
static int reference(pctx *c, const char *name, const char *ns, floe_avro_schema **out, int *weak)
{
    floe_avro_schema *t = lookup(c, name, ns);
    if (!t)
        return perr(c,
                    "unknown type '%s': define a named type before using it, or use a "
                    "primitive type name",
                    name);
    if (t->defining) {
        *weak = 1;
        *out = t;
    } else {
        *weak = 0;
        *out = floe_avro_schema_ref(t);
    }
    return 0;
}

static int copy_props(pctx *c, floe_avro_schema *s, const json_t *j, const char *const *skip)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)j, key, v)
    {
        int skipped = 0;
        for (const char *const *k = skip; *k; k++)
            if (strcmp(*k, key) == 0)
                skipped = 1;
        if (!skipped && json_object_set(s->props, key, v))
            return floe_error_set(FLOE_ENOMEM, "out of memory parsing a schema");
    }
    return 0;
}

static int parse_aliases(pctx *c, const json_t *j, const char *ns, char ***out, size_t *n,
                         int qualify)
{
    const json_t *a = json_object_get(j, "aliases");
    if (!a)
        return 0;
    size_t old = path_push(c, ".aliases");
    if (!json_is_array(a)) {
        int rc = perr(c, "aliases must be an array of names");
        path_pop(c, old);
        return rc;
    }
    char **v = floe_calloc(json_array_size(a) + 1, sizeof(char *));
    if (!v)
        return floe_error_set(FLOE_ENOMEM, "out of memory parsing aliases");
    *out = v;
    for (size_t i = 0; i < json_array_size(a); i++) {
        const char *s = json_string_value(json_array_get(a, i));
        if (!s) {
            path_push(c, "[%zu]", i);
            int rc = perr(c, "an alias must be a string");
            path_pop(c, old);
            return rc;
        }
        char buf[1024];
        if (qualify && !strchr(s, '.') && ns && *ns)
            snprintf(buf, sizeof buf, "%s.%s", ns, s);
        else
            snprintf(buf, sizeof buf, "%s", s);
        if (!(v[i] = floe_strdup(buf)))
            return floe_error_set(FLOE_ENOMEM, "out of memory parsing aliases");
        *n = i + 1;
    }
    path_pop(c, old);
    return 0;
}

static int named_header(pctx *c, floe_avro_schema *s, const json_t *j, const char *ns)
{
    const json_t *name = json_object_get(j, "name");
    if (!json_is_string(name)) {
        size_t old = path_push(c, ".name");
        int rc = perr(c, "a %s needs a string \"name\"", floe_avro_type_name(s->type));
        path_pop(c, old);
        return rc;
    }
    const json_t *jns = json_object_get(j, "namespace");
    if (jns && !json_is_string(jns) && !json_is_null(jns)) {
        size_t old = path_push(c, ".namespace");
        int rc = perr(c, "namespace must be a string");
        path_pop(c, old);
        return rc;
    }
    const char *use_ns = jns ? json_string_value(jns) : ns;
    int rc = floe_avro__set_names(s, json_string_value(name), use_ns);
    if (rc == FLOE_ENOMEM)
        return rc;
    if (rc) {
        size_t old = path_push(c, ".name");
        rc = perr(c, "%s", floe_error_last());
        path_pop(c, old);
        return rc;
    }
    if (primitive_type(s->name) >= 0 && !s->ns)
        return perr(c, "a named type cannot be called '%s' (a primitive type name)", s->name);
    rc = parse_aliases(c, j, s->ns, &s->aliases, &s->naliases, 1);
    if (rc)
        return rc;
    return register_named(c, s);
}

static int parse_field(pctx *c, floe_avro_schema *rec, const json_t *jf, int depth)
{
    if (!json_is_object(jf))
        return perr(c, "a field must be an object with \"name\" and \"type\"");
    const json_t *name = json_object_get(jf, "name");
    if (!json_is_string(name) || !floe_avro__valid_name(json_string_value(name))) {
        size_t old = path_push(c, ".name");
        int rc = perr(c, "a field needs a valid \"name\" (letters, digits, '_')");
        path_pop(c, old);
        return rc;
    }
    const char *fname = json_string_value(name);
    for (size_t i = 0; i < rec->nfields; i++)
        if (strcmp(rec->fields[i].name, fname) == 0)
            return perr(c, "duplicate field name '%s'", fname);
    const json_t *type = json_object_get(jf, "type");
    if (!type)
        return perr(c, "field '%s' has no \"type\"", fname);
    floe_avro__field *f = &rec->fields[rec->nfields];
    memset(f, 0, sizeof(*f));
    f->field_id = -1;
    f->name = floe_strdup(fname);
    f->props = json_object();
    rec->nfields++; /* counted now so a failure below frees what was set */
    if (!f->name || !f->props)
        return floe_error_set(FLOE_ENOMEM, "out of memory parsing a field");
    size_t old = path_push(c, ".type");
    int rc = parse_node(c, type, rec->ns, &f->type, &f->weak, depth + 1);
    path_pop(c, old);
    if (rc)
        return rc;
    const json_t *d = json_object_get(jf, "default");
    if (d)
        f->dflt = json_incref((json_t *)d);
    const json_t *fid = json_object_get(jf, "field-id");
    if (fid) {
        if (!json_is_integer(fid)) {
            old = path_push(c, ".field-id");
            rc = perr(c, "field-id must be an integer");
            path_pop(c, old);
            return rc;
        }
        f->field_id = json_integer_value(fid);
    }
    const json_t *order = json_object_get(jf, "order");
    if (order && !(json_is_string(order) && (strcmp(json_string_value(order), "ascending") == 0 ||
                                             strcmp(json_string_value(order), "descending") == 0 ||
                                             strcmp(json_string_value(order), "ignore") == 0))) {
        old = path_push(c, ".order");
        rc = perr(c, "order must be \"ascending\", \"descending\" or \"ignore\"");
        path_pop(c, old);
        return rc;
    }
    rc = parse_aliases(c, jf, NULL, &f->aliases, &f->naliases, 0);
    if (rc)
        return rc;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)jf, key, v)
    {
        if (strcmp(key, "name") && strcmp(key, "type") && strcmp(key, "default") &&
            json_object_set(f->props, key, v))
            return floe_error_set(FLOE_ENOMEM, "out of memory parsing a field");
    }
    return 0;
}

static int parse_record(pctx *c, floe_avro_schema *s, const json_t *j, int depth)
{
    const json_t *fields = json_object_get(j, "fields");
    if (!json_is_array(fields)) {
        size_t old = path_push(c, ".fields");
        int rc = perr(c, "a record needs a \"fields\" array");
        path_pop(c, old);
        return rc;
    }
    size_t n = json_array_size(fields);
    s->fields = floe_calloc(n ? n : 1, sizeof(*s->fields));
    if (!s->fields)
        return floe_error_set(FLOE_ENOMEM, "out of memory parsing a record");
    s->capfields = n ? n : 1;
    s->defining = 1;
    for (size_t i = 0; i < n; i++) {
        size_t old = path_push(c, ".fields[%zu]", i);
        int rc = parse_field(c, s, json_array_get(fields, i), depth);
        path_pop(c, old);
        if (rc)
            return rc;
    }
    s->defining = 0;
    return 0;
}

static int parse_enum(pctx *c, floe_avro_schema *s, const json_t *j)
{
    const json_t *sym = json_object_get(j, "symbols");
    size_t old = path_push(c, ".symbols");
    int rc = 0;
    if (!json_is_array(sym)) {
        rc = perr(c, "an enum needs a \"symbols\" array");
        goto done;
    }
    size_t n = json_array_size(sym);
    s->symbols = floe_calloc(n ? n : 1, sizeof(char *));
    if (!s->symbols) {
        rc = floe_error_set(FLOE_ENOMEM, "out of memory parsing an enum");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const char *v = json_string_value(json_array_get(sym, i));
        if (!v || !floe_avro__valid_name(v)) {
            path_push(c, "[%zu]", i);
            rc = perr(c, "an enum symbol must be a valid name");
            goto done;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(s->symbols[k], v) == 0) {
                path_push(c, "[%zu]", i);
                rc = perr(c, "duplicate enum symbol '%s'", v);
                goto done;
            }
        if (!(s->symbols[i] = floe_strdup(v))) {
            rc = floe_error_set(FLOE_ENOMEM, "out of memory parsing an enum");
            goto done;
        }
        s->nsymbols = i + 1;
    }
    path_pop(c, old);
    const json_t *d = json_object_get(j, "default");
    if (d) {
        int found = 0;
        for (size_t i = 0; json_is_string(d) && i < s->nsymbols; i++)
            found |= strcmp(s->symbols[i], json_string_value(d)) == 0;
        if (!found) {
            old = path_push(c, ".default");
            rc = perr(c, "the enum default must be one of its symbols");
        }
    }
done:
    path_pop(c, old);
    return rc;
}

static int parse_union(pctx *c, const json_t *j, const char *ns, floe_avro_schema *s, int depth)
{
    size_t n = json_array_size(j);
    s->branches = floe_calloc(n ? n : 1, sizeof(*s->branches));
    s->branch_weak = floe_calloc(n ? n : 1, 1);
    if (!s->branches || !s->branch_weak)
        return floe_error_set(FLOE_ENOMEM, "out of memory parsing a union");
    for (size_t i = 0; i < n; i++) {
        size_t old = path_push(c, "[%zu]", i);
        int weak = 0;
        int rc = parse_node(c, json_array_get(j, i), ns, &s->branches[i], &weak, depth + 1);
        if (rc) {
            path_pop(c, old);
            return rc;
        }
        s->branch_weak[i] = (unsigned char)weak;
        s->nbranches = i + 1;
        rc = floe_avro__check_union((const floe_avro_schema *const *)s->branches, i + 1);
        if (rc) {
            rc = perr(c, "%s", floe_error_last());
            path_pop(c, old);
            return rc;
        }
        if (s->branches[i]->type == FLOE_AVRO_NULL && s->null_branch < 0)
            s->null_branch = (long)i;
        path_pop(c, old);
    }
    return 0;
}

static int parse_node(pctx *c, const json_t *j, const char *ns, floe_avro_schema **out, int *weak,
                      int depth)
{
    *weak = 0;
    *out = NULL;
    if (depth > FLOE_AVRO__MAX_DEPTH)
        return perr(c, "schema nested deeper than %d levels", FLOE_AVRO__MAX_DEPTH);
    int rc;
    floe_avro_schema *s = NULL;
    if (json_is_string(j)) {
        int p = primitive_type(json_string_value(j));
        if (p >= 0)
            return floe_avro__schema_alloc(out, (floe_avro_type)p);
        return reference(c, json_string_value(j), ns, out, weak);
    }
    if (json_is_array(j)) {
        rc = floe_avro__schema_alloc(&s, FLOE_AVRO_UNION);
        if (rc == 0)
            rc = parse_union(c, j, ns, s, depth);
        goto done;
    }
    if (!json_is_object(j))
        return perr(c, "a schema must be a type name, an object or an array (union)");
    const json_t *jt = json_object_get(j, "type");
    if (!json_is_string(jt)) {
        size_t old = path_push(c, ".type");
        rc = perr(c,
                  jt ? "\"type\" must be a string naming the type" : "the object has no \"type\"");
        path_pop(c, old);
        return rc;
    }
    const char *t = json_string_value(jt);
    int p = primitive_type(t);
    if (p >= 0) {
        static const char *const skip[] = {"type", NULL};
        rc = floe_avro__schema_alloc(&s, (floe_avro_type)p);
        if (rc == 0)
            rc = copy_props(c, s, j, skip);
        goto done;
    }
    static const char *const skip_named[] = {"type",    "name", "namespace", "fields",
                                             "symbols", "size", "aliases",   NULL};
    if (strcmp(t, "record") == 0 || strcmp(t, "error") == 0) {
        rc = floe_avro__schema_alloc(&s, FLOE_AVRO_RECORD);
        if (rc == 0)
            rc = named_header(c, s, j, ns);
        if (rc == 0)
            rc = parse_record(c, s, j, depth);
        if (rc == 0)
            rc = copy_props(c, s, j, skip_named);
    } else if (strcmp(t, "enum") == 0) {
        rc = floe_avro__schema_alloc(&s, FLOE_AVRO_ENUM);
        if (rc == 0)
            rc = named_header(c, s, j, ns);
        if (rc == 0)
            rc = parse_enum(c, s, j);
        if (rc == 0)
            rc = copy_props(c, s, j, skip_named);
    } else if (strcmp(t, "fixed") == 0) {
        rc = floe_avro__schema_alloc(&s, FLOE_AVRO_FIXED);
        if (rc == 0)
            rc = named_header(c, s, j, ns);
        const json_t *size = json_object_get(j, "size");
        if (rc == 0 && (!json_is_integer(size) || json_integer_value(size) < 0 ||
                        json_integer_value(size) > (1 << 30))) {
            size_t old = path_push(c, ".size");
            rc = perr(c, "a fixed needs a non-negative integer \"size\"");
            path_pop(c, old);
        }
        if (rc == 0) {
            s->fixed_size = (size_t)json_integer_value(size);
            rc = copy_props(c, s, j, skip_named);
        }
    } else if (strcmp(t, "array") == 0 || strcmp(t, "map") == 0) {
        int is_array = t[0] == 'a';
        const char *key = is_array ? "items" : "values";
        rc = floe_avro__schema_alloc(&s, is_array ? FLOE_AVRO_ARRAY : FLOE_AVRO_MAP);
        const json_t *child = json_object_get(j, key);
        size_t old = path_push(c, ".%s", key);
        if (rc == 0 && !child)
            rc = perr(c, "an %s needs \"%s\"", t, key);
        if (rc == 0)
            rc = parse_node(c, child, ns, &s->child, &s->child_weak, depth + 1);
        path_pop(c, old);
        static const char *const skip_c[] = {"type", "items", "values", NULL};
        if (rc == 0)
            rc = copy_props(c, s, j, skip_c);
    } else {
        /* {"type": "SomeNamedType"}: a reference written in object form. */
        return reference(c, t, ns, out, weak);
    }
done:
    if (rc) {
        if (s)
            s->defining = 0;
        floe_avro_schema_free(s);
        return rc;
    }
    floe_avro__validate_logical(s);
    s->min_size = floe_avro__schema_min_size(s);
    *out = s;
    return 0;
}

static int is_int_prop(const json_t *props, const char *key, int *out)
{
    const json_t *v = json_object_get(props, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1000000)
        return 0;
    *out = (int)json_integer_value(v);
    return 1;
}

void floe_avro__validate_logical(floe_avro_schema *s)
{
    floe_free(s->logical);
    s->logical = NULL;
    s->precision = s->scale = 0;
    const char *lt = json_string_value(json_object_get(s->props, "logicalType"));
    if (!lt)
        return;
    floe_avro_type t = s->type;
    int ok = 0;
    if (strcmp(lt, "decimal") == 0) {
        int prec = 0, scale = 0;
        ok = (t == FLOE_AVRO_BYTES || t == FLOE_AVRO_FIXED) &&
             is_int_prop(s->props, "precision", &prec) && prec > 0;
        if (ok && json_object_get(s->props, "scale"))
            ok = is_int_prop(s->props, "scale", &scale) && scale <= prec;
        if (ok && t == FLOE_AVRO_FIXED && s->fixed_size < 32) {
            /* Largest precision a fixed of n bytes holds: floor(log10(2^(8n-1) - 1)). */
            double max = 1;
            for (size_t i = 0; i + 1 < s->fixed_size * 8; i++)
                max *= 2;
            int digits = 0;
            for (double v = max - 1; v >= 10; v /= 10)
                digits++;
            ok = prec <= digits;
        }
        if (ok) {
            s->precision = prec;
            s->scale = scale;
        }
    } else if (strcmp(lt, "uuid") == 0) {
        ok = t == FLOE_AVRO_STRING || (t == FLOE_AVRO_FIXED && s->fixed_size == 16);
    } else if (strcmp(lt, "date") == 0 || strcmp(lt, "time-millis") == 0) {
        ok = t == FLOE_AVRO_INT;
    } else if (strcmp(lt, "time-micros") == 0 || strcmp(lt, "timestamp-millis") == 0 ||
               strcmp(lt, "timestamp-micros") == 0 || strcmp(lt, "timestamp-nanos") == 0 ||
               strcmp(lt, "local-timestamp-millis") == 0 ||
               strcmp(lt, "local-timestamp-micros") == 0 ||
               strcmp(lt, "local-timestamp-nanos") == 0) {
        ok = t == FLOE_AVRO_LONG;
    } else if (strcmp(lt, "duration") == 0) {
        ok = t == FLOE_AVRO_FIXED && s->fixed_size == 12;
    } else {
        /* Unknown logical types (Iceberg's "map" on arrays, ...) are kept as given. */
        ok = 1;
    }
    if (ok)
        s->logical = floe_strdup(lt);
}

int floe_avro_schema_parse(floe_avro_schema **out, const char *json, size_t len)
{
    json_error_t err;
    json_t *j = json_loadb(json, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &err);
    if (!j)
        return floe_error_set(FLOE_EINVALID,
                              "Avro schema is not valid JSON at line %d column %d: %s", err.line,
                              err.column, err.text);
    pctx c;
    memset(&c, 0, sizeof c);
    c.path[0] = '$';
    c.pathlen = 1;
    int weak = 0;
    floe_avro_schema *s = NULL;
    int rc = parse_node(&c, j, NULL, &s, &weak, 0);
    json_decref(j);
    floe_free(c.named);
    if (rc)
        return rc;
    *out = s;
    return 0;
}
