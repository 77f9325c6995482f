/* Writing schemas back to JSON: the full form (every attribute, for the file header) and the
 * Parsing Canonical Form with its CRC-64-AVRO fingerprint. */
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "formats/avro/avro_internal.h"

typedef struct seen {
    const floe_avro_schema **v;
    size_t n, cap;
} seen;

static int seen_has(const seen *s, const floe_avro_schema *x)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == x || strcmp(s->v[i]->fullname, x->fullname) == 0)
            return 1;
    return 0;
}

static int seen_add(seen *s, const floe_avro_schema *x)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        const floe_avro_schema **v = floe_realloc(s->v, cap * sizeof(*v));
        if (!v)
            return -1;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = x;
    return 0;
}

static int same_ns(const char *a, const char *b)
{
    if (!a || !*a)
        return !b || !*b;
    return b && strcmp(a, b) == 0;
}

/* Builds the full JSON form; returns NULL when out of memory. */
static json_t *to_json(const floe_avro_schema *s, const char *ns, seen *sn, int depth)
{
    if (depth > FLOE_AVRO__MAX_DEPTH)
        return NULL;
    const char *tn = floe_avro_type_name(s->type);
    json_t *o = NULL;
    const char *key;
    json_t *v;
    if (s->fullname) {
        if (seen_has(sn, s))
            return json_string(same_ns(s->ns, ns) ? s->name : s->fullname);
        if (seen_add(sn, s))
            return NULL;
    }
    switch (s->type) {
    case FLOE_AVRO_UNION: {
        json_t *a = json_array();
        for (size_t i = 0; a && i < s->nbranches; i++)
            if (json_array_append_new(a, to_json(s->branches[i], ns, sn, depth + 1))) {
                json_decref(a);
                return NULL;
            }
        return a;
    }
    case FLOE_AVRO_RECORD:
    case FLOE_AVRO_ENUM:
    case FLOE_AVRO_FIXED:
        o = json_pack("{ssss}", "type", tn, "name", s->name);
        if (o && !same_ns(s->ns, ns) &&
            json_object_set_new(o, "namespace", json_string(s->ns ? s->ns : "")))
            goto fail;
        break;
    case FLOE_AVRO_ARRAY:
    case FLOE_AVRO_MAP:
        o = json_pack("{ss}", "type", tn);
        if (o && json_object_set_new(o, s->type == FLOE_AVRO_ARRAY ? "items" : "values",
                                     to_json(s->child, ns, sn, depth + 1)))
            goto fail;
        break;
    default:
        if (json_object_size(s->props) == 0)
            return json_string(tn);
        o = json_pack("{ss}", "type", tn);
        break;
    }
    if (!o)
        return NULL;
    const char *inner_ns = s->fullname ? s->ns : ns;
    if (s->type == FLOE_AVRO_RECORD) {
        json_t *fields = json_array();
        if (json_object_set_new(o, "fields", fields))
            goto fail;
        for (size_t i = 0; i < s->nfields; i++) {
            const floe_avro__field *f = &s->fields[i];
            json_t *jf = json_pack("{ss}", "name", f->name);
            if (!jf || json_array_append_new(fields, jf) ||
                json_object_set_new(jf, "type", to_json(f->type, inner_ns, sn, depth + 1)))
                goto fail;
            json_object_foreach(f->props, key, v)
            {
                if (json_object_set(jf, key, v))
                    goto fail;
            }
            if (f->dflt && json_object_set(jf, "default", f->dflt))
                goto fail;
        }
    } else if (s->type == FLOE_AVRO_ENUM) {
        json_t *sym = json_array();
        if (json_object_set_new(o, "symbols", sym))
            goto fail;
        for (size_t i = 0; i < s->nsymbols; i++)
            if (json_array_append_new(sym, json_string(s->symbols[i])))
                goto fail;
    } else if (s->type == FLOE_AVRO_FIXED) {
        if (json_object_set_new(o, "size", json_integer((json_int_t)s->fixed_size)))
            goto fail;
    }
    if (s->naliases && !json_object_get(s->props, "aliases")) {
        json_t *al = json_array();
        if (json_object_set_new(o, "aliases", al))
            goto fail;
        for (size_t i = 0; i < s->naliases; i++)
            if (json_array_append_new(al, json_string(s->aliases[i])))
                goto fail;
    }
    json_object_foreach(s->props, key, v)
    {
        if (json_object_set(o, key, v))
            goto fail;
    }
    return o;
fail:
    json_decref(o);
    return NULL;
}

int floe_avro_schema_to_json(char **out, const floe_avro_schema *schema)
{
    seen sn = {0};
    json_t *j = to_json(schema, NULL, &sn, 0);
    floe_free(sn.v);
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    if (!s)
        return floe_error_set(FLOE_ENOMEM, "out of memory serializing an Avro schema");
    *out = s;
    return 0;
}

/* ----- Parsing Canonical Form ----- */

static int pcf(floe_buf *b, const floe_avro_schema *s, seen *sn, int depth)
{
    if (depth > FLOE_AVRO__MAX_DEPTH)
        return FLOE_ERANGE;
    int rc = 0;
    const char *tn = floe_avro_type_name(s->type);
    if (s->fullname) {
        if (seen_has(sn, s)) {
            rc |= floe_buf_append_byte(b, '"');
            rc |= floe_buf_append_str(b, s->fullname);
            return rc | floe_buf_append_byte(b, '"');
        }
        if (seen_add(sn, s))
            return FLOE_ENOMEM;
        rc |= floe_buf_printf(b, "{\"name\":\"%s\",\"type\":\"%s\"", s->fullname, tn);
    }
    switch (s->type) {
    case FLOE_AVRO_RECORD:
        rc |= floe_buf_append_str(b, ",\"fields\":[");
        for (size_t i = 0; i < s->nfields && !rc; i++) {
            rc |= floe_buf_printf(b, "%s{\"name\":", i ? "," : "");
            rc |= floe_avro__json_string(b, s->fields[i].name, strlen(s->fields[i].name));
            rc |= floe_buf_append_str(b, ",\"type\":");
            rc |= pcf(b, s->fields[i].type, sn, depth + 1);
            rc |= floe_buf_append_byte(b, '}');
        }
        rc |= floe_buf_append_str(b, "]}");
        break;
    case FLOE_AVRO_ENUM:
        rc |= floe_buf_append_str(b, ",\"symbols\":[");
        for (size_t i = 0; i < s->nsymbols; i++)
            rc |= floe_buf_printf(b, "%s\"%s\"", i ? "," : "", s->symbols[i]);
        rc |= floe_buf_append_str(b, "]}");
        break;
    case FLOE_AVRO_FIXED:
        rc |= floe_buf_printf(b, ",\"size\":%zu}", s->fixed_size);
        break;
    case FLOE_AVRO_ARRAY:
    case FLOE_AVRO_MAP:
        rc |= floe_buf_printf(b, "{\"type\":\"%s\",\"%s\":", tn,
                              s->type == FLOE_AVRO_ARRAY ? "items" : "values");
        rc |= pcf(b, s->child, sn, depth + 1);
        rc |= floe_buf_append_byte(b, '}');
        break;
    case FLOE_AVRO_UNION:
        rc |= floe_buf_append_byte(b, '[');
        for (size_t i = 0; i < s->nbranches && !rc; i++) {
            if (i)
                rc |= floe_buf_append_byte(b, ',');
            rc |= pcf(b, s->branches[i], sn, depth + 1);
        }
        rc |= floe_buf_append_byte(b, ']');
        break;
    default:
        rc |= floe_buf_printf(b, "\"%s\"", tn);
        break;
    }
    return rc ? FLOE_ENOMEM : 0;
}

int floe_avro_schema_canonical(char **out, const floe_avro_schema *schema)
{
    floe_buf b = FLOE_BUF_INIT;
    seen sn = {0};
    int rc = pcf(&b, schema, &sn, 0);
    floe_free(sn.v);
    if (rc || !floe_buf_cstr(&b)) {
        floe_buf_free(&b);
        return floe_error_set(FLOE_ENOMEM, "out of memory building a canonical schema");
    }
    /* Hand out memory that the caller frees with free(). */
    char *s = strdup((const char *)b.data);
    floe_buf_free(&b);
    if (!s)
        return floe_error_set(FLOE_ENOMEM, "out of memory building a canonical schema");
    *out = s;
    return 0;
}

int floe_avro_schema_fingerprint(uint64_t *out, const floe_avro_schema *schema)
{
    static const uint64_t empty = 0xc15d213aa4d7a795ULL;
    uint64_t table[256];
    for (int i = 0; i < 256; i++) {
        uint64_t fp = (uint64_t)i;
        for (int j = 0; j < 8; j++)
            fp = (fp >> 1) ^ (empty & (0 - (fp & 1)));
        table[i] = fp;
    }
    char *pcf_text;
    int rc = floe_avro_schema_canonical(&pcf_text, schema);
    if (rc)
        return rc;
    uint64_t fp = empty;
    for (const unsigned char *p = (const unsigned char *)pcf_text; *p; p++)
        fp = (fp >> 8) ^ table[(fp ^ *p) & 0xff];
    free(pcf_text);
    *out = fp;
    return 0;
}
