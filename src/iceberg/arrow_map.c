/* Iceberg <-> Arrow schema mapping (spec Appendix A, through the Arrow C data interface). */
#include <stdio.h>
#include <string.h>

#include <floe/arrow/schema.h>
#include <floe/arrow/type.h>
#include <floe/error.h>
#include <floe/iceberg/schema.h>

#include "base/alloc.h"
#include "iceberg/type_internal.h"

/* ---- Iceberg -> Arrow ---- */

static int node(struct ArrowSchema *out, const char *format, const char *name, bool nullable,
                int32_t id)
{
    int rc = floe_arrow_schema_init(out, format, name, nullable ? ARROW_FLAG_NULLABLE : 0);
    if (rc)
        return rc;
    if (id >= 0) {
        char buf[16];
        snprintf(buf, sizeof buf, "%d", (int)id);
        rc = floe_arrow_schema_metadata_set(out, FLOE_ARROW_FIELD_ID_KEY, buf);
    }
    return rc;
}

static int field_to_arrow(struct ArrowSchema *out, const floe_type *t, const char *name,
                          bool nullable, int32_t id, const char *path)
{
    char fmt[48];
    int rc;
    switch (t->kind) {
    case FLOE_TYPE_BOOLEAN:
        return node(out, "b", name, nullable, id);
    case FLOE_TYPE_INT:
        return node(out, "i", name, nullable, id);
    case FLOE_TYPE_LONG:
        return node(out, "l", name, nullable, id);
    case FLOE_TYPE_FLOAT:
        return node(out, "f", name, nullable, id);
    case FLOE_TYPE_DOUBLE:
        return node(out, "g", name, nullable, id);
    case FLOE_TYPE_DECIMAL:
        snprintf(fmt, sizeof fmt, "d:%d,%d", t->precision, t->scale);
        return node(out, fmt, name, nullable, id);
    case FLOE_TYPE_DATE:
        return node(out, "tdD", name, nullable, id);
    case FLOE_TYPE_TIME:
        return node(out, "ttu", name, nullable, id);
    case FLOE_TYPE_TIMESTAMP:
        return node(out, "tsu:", name, nullable, id);
    case FLOE_TYPE_TIMESTAMPTZ:
        return node(out, "tsu:UTC", name, nullable, id);
    case FLOE_TYPE_TIMESTAMP_NS:
        return node(out, "tsn:", name, nullable, id);
    case FLOE_TYPE_TIMESTAMPTZ_NS:
        return node(out, "tsn:UTC", name, nullable, id);
    case FLOE_TYPE_STRING:
        return node(out, "u", name, nullable, id);
    case FLOE_TYPE_UUID:
        return node(out, "w:16", name, nullable, id);
    case FLOE_TYPE_FIXED:
        snprintf(fmt, sizeof fmt, "w:%lld", (long long)t->length);
        return node(out, fmt, name, nullable, id);
    case FLOE_TYPE_BINARY:
        return node(out, "z", name, nullable, id);
    case FLOE_TYPE_STRUCT:
        rc = node(out, "+s", name, nullable, id);
        if (!rc && t->nfields)
            rc = floe_arrow_schema_alloc_children(out, (int64_t)t->nfields);
        for (size_t i = 0; !rc && i < t->nfields; i++) {
            const floe_field *f = &t->fields[i];
            rc = field_to_arrow(out->children[i], f->type, f->name, !f->required, f->id, f->name);
        }
        return rc;
    case FLOE_TYPE_LIST:
        rc = node(out, "+l", name, nullable, id);
        if (!rc)
            rc = floe_arrow_schema_alloc_children(out, 1);
        if (!rc)
            rc = field_to_arrow(out->children[0], t->fields[0].type, "element",
                                !t->fields[0].required, t->fields[0].id, path);
        return rc;
    case FLOE_TYPE_MAP:
        rc = node(out, "+m", name, nullable, id);
        if (!rc)
            rc = floe_arrow_schema_alloc_children(out, 1);
        if (!rc)
            rc = node(out->children[0], "+s", "entries", false, -1);
        if (!rc)
            rc = floe_arrow_schema_alloc_children(out->children[0], 2);
        if (!rc)
            rc = field_to_arrow(out->children[0]->children[0], t->fields[0].type, "key", false,
                                t->fields[0].id, path);
        if (!rc)
            rc = field_to_arrow(out->children[0]->children[1], t->fields[1].type, "value",
                                !t->fields[1].required, t->fields[1].id, path);
        return rc;
    default:
        /* Give the node a valid state so the caller's release frees what was built. */
        rc = node(out, "n", name, true, -1);
        if (rc)
            return rc;
        return floe_error_set(FLOE_EUNSUPPORTED,
                              "column '%s' has type %s, which has no Arrow mapping in floe yet",
                              path, t->str);
    }
}

/* Children allocated but never initialised (an error stopped the walk) have release NULL;
 * give them a minimal state so releasing the tree frees everything. */
static void fill_unset(struct ArrowSchema *s)
{
    for (int64_t i = 0; i < s->n_children; i++) {
        if (!s->children[i]->release)
            floe_arrow_schema_init(s->children[i], "n", "", 0);
        else
            fill_unset(s->children[i]);
    }
}

int floe_schema_to_arrow(struct ArrowSchema *out, const floe_schema *schema)
{
    memset(out, 0, sizeof *out);
    const floe_type *t = floe_schema_struct(schema);
    int rc = node(out, "+s", "", false, -1);
    if (rc)
        return rc;
    if (t->nfields)
        rc = floe_arrow_schema_alloc_children(out, (int64_t)t->nfields);
    for (size_t i = 0; !rc && i < t->nfields; i++) {
        const floe_field *f = &t->fields[i];
        rc = field_to_arrow(out->children[i], f->type, f->name, !f->required, f->id, f->name);
    }
    if (rc) {
        fill_unset(out);
        floe_arrow_schema_release(out);
        memset(out, 0, sizeof *out);
    }
    return rc;
}

/* ---- Arrow -> Iceberg ---- */

static bool all_have_ids(const struct ArrowSchema *s, bool skip_self)
{
    int32_t id;
    if (!skip_self && floe_arrow_schema_field_id(&id, s) != 0) {
        floe_error_clear();
        return false;
    }
    const struct ArrowSchema *c = s;
    if (s->format && strcmp(s->format, "+m") == 0 && s->n_children == 1)
        c = s->children[0]; /* the entries struct carries no id */
    for (int64_t i = 0; i < c->n_children; i++)
        if (!all_have_ids(c->children[i], false))
            return false;
    return true;
}

typedef struct conv_ctx {
    bool use_ids;
    int32_t next; /* temporary ids when the file has none */
} conv_ctx;

static int field_id(conv_ctx *c, const struct ArrowSchema *s, int32_t *out)
{
    if (!c->use_ids) {
        *out = ++c->next;
        return 0;
    }
    return floe_arrow_schema_field_id(out, s);
}

static int unsupported(const struct ArrowSchema *s, const char *why)
{
    return floe_error_set(FLOE_EUNSUPPORTED,
                          "Arrow field '%s' (format '%s') has no Iceberg type: %s",
                          s->name ? s->name : "", s->format ? s->format : "", why);
}

static bool has_uuid_extension(const struct ArrowSchema *s)
{
    const char *v;
    int32_t n;
    if (floe_arrow_metadata_get(&v, &n, s->metadata, "ARROW:extension:name") != 0) {
        floe_error_clear();
        return false;
    }
    return n == 10 && strncmp(v, "arrow.uuid", 10) == 0;
}

static int type_from_arrow(floe_type **out, const struct ArrowSchema *s, conv_ctx *c);

static int child_field(floe_field **out, const struct ArrowSchema *s, conv_ctx *c, int32_t id)
{
    floe_type *t = NULL;
    int rc = type_from_arrow(&t, s, c);
    if (!rc)
        rc = floe_field_new(out, id, s->name ? s->name : "", !(s->flags & ARROW_FLAG_NULLABLE), t,
                            NULL);
    floe_type_free(t);
    return rc;
}

static int struct_from_arrow(floe_type **out, const struct ArrowSchema *s, conv_ctx *c)
{
    size_t n = (size_t)s->n_children;
    floe_field **fs = n ? floe_calloc(n, sizeof *fs) : NULL;
    if (n && !fs)
        return FLOE_ENOMEM;
    int32_t *ids = n ? floe_calloc(n, sizeof *ids) : NULL;
    int rc = (n && !ids) ? FLOE_ENOMEM : 0;
    /* ids of a struct's fields first, then nested ones, as the reference assigns them */
    for (size_t i = 0; !rc && i < n; i++)
        rc = field_id(c, s->children[i], &ids[i]);
    for (size_t i = 0; !rc && i < n; i++)
        rc = child_field(&fs[i], s->children[i], c, ids[i]);
    if (rc) {
        for (size_t i = 0; i < n; i++)
            floe_field_free(fs[i]);
    } else {
        rc = floe_type_new_struct(out, fs, n);
    }
    floe_free(fs);
    floe_free(ids);
    return rc;
}

static int type_from_arrow(floe_type **out, const struct ArrowSchema *s, conv_ctx *c)
{
    *out = NULL;
    floe_arrow_type at;
    int rc = floe_arrow_type_from_schema(&at, s);
    if (rc)
        return floe_error_set(
            FLOE_EUNSUPPORTED, "Arrow field '%s' (format '%s') has no Iceberg type: %s",
            s->name ? s->name : "", s->format ? s->format : "", floe_error_last());
    switch (at.id) {
    case FLOE_ARROW_TYPE_BOOL:
        return floe_type_new_primitive(out, FLOE_TYPE_BOOLEAN);
    case FLOE_ARROW_TYPE_INT8:
    case FLOE_ARROW_TYPE_INT16:
    case FLOE_ARROW_TYPE_INT32:
    case FLOE_ARROW_TYPE_UINT8:
    case FLOE_ARROW_TYPE_UINT16:
        return floe_type_new_primitive(out, FLOE_TYPE_INT);
    case FLOE_ARROW_TYPE_INT64:
    case FLOE_ARROW_TYPE_UINT32:
        return floe_type_new_primitive(out, FLOE_TYPE_LONG);
    case FLOE_ARROW_TYPE_UINT64:
        return unsupported(s, "uint64 does not fit long: cast it to int64 or decimal(20,0)");
    case FLOE_ARROW_TYPE_FLOAT32:
        return floe_type_new_primitive(out, FLOE_TYPE_FLOAT);
    case FLOE_ARROW_TYPE_FLOAT64:
        return floe_type_new_primitive(out, FLOE_TYPE_DOUBLE);
    case FLOE_ARROW_TYPE_DECIMAL128:
        return floe_type_new_decimal(out, at.precision, at.scale);
    case FLOE_ARROW_TYPE_DATE32:
    case FLOE_ARROW_TYPE_DATE64:
        return floe_type_new_primitive(out, FLOE_TYPE_DATE);
    case FLOE_ARROW_TYPE_TIME32:
    case FLOE_ARROW_TYPE_TIME64:
        return floe_type_new_primitive(out, FLOE_TYPE_TIME);
    case FLOE_ARROW_TYPE_TIMESTAMP: {
        bool tz = at.timezone && at.timezone_len > 0;
        bool ns = at.unit == FLOE_ARROW_TIME_UNIT_NANO;
        return floe_type_new_primitive(out,
                                       ns ? (tz ? FLOE_TYPE_TIMESTAMPTZ_NS : FLOE_TYPE_TIMESTAMP_NS)
                                          : (tz ? FLOE_TYPE_TIMESTAMPTZ : FLOE_TYPE_TIMESTAMP));
    }
    case FLOE_ARROW_TYPE_UTF8:
    case FLOE_ARROW_TYPE_LARGE_UTF8:
        return floe_type_new_primitive(out, FLOE_TYPE_STRING);
    case FLOE_ARROW_TYPE_BINARY:
    case FLOE_ARROW_TYPE_LARGE_BINARY:
        return floe_type_new_primitive(out, FLOE_TYPE_BINARY);
    case FLOE_ARROW_TYPE_FIXED_SIZE_BINARY:
        if (at.byte_width == 16 && has_uuid_extension(s))
            return floe_type_new_primitive(out, FLOE_TYPE_UUID);
        return floe_type_new_fixed(out, at.byte_width);
    case FLOE_ARROW_TYPE_STRUCT:
        return struct_from_arrow(out, s, c);
    case FLOE_ARROW_TYPE_LIST:
    case FLOE_ARROW_TYPE_LARGE_LIST: {
        if (s->n_children != 1)
            return unsupported(s, "a list needs exactly one child");
        const struct ArrowSchema *e = s->children[0];
        int32_t eid;
        floe_type *et = NULL;
        rc = field_id(c, e, &eid);
        if (!rc)
            rc = type_from_arrow(&et, e, c);
        if (!rc)
            rc = floe_type_new_list(out, eid, !(e->flags & ARROW_FLAG_NULLABLE), et);
        floe_type_free(et);
        return rc;
    }
    case FLOE_ARROW_TYPE_MAP: {
        if (s->n_children != 1 || s->children[0]->n_children != 2)
            return unsupported(s, "a map needs one entries struct with key and value");
        const struct ArrowSchema *k = s->children[0]->children[0];
        const struct ArrowSchema *v = s->children[0]->children[1];
        int32_t kid, vid;
        floe_type *kt = NULL, *vt = NULL;
        rc = field_id(c, k, &kid);
        if (!rc)
            rc = field_id(c, v, &vid);
        if (!rc)
            rc = type_from_arrow(&kt, k, c);
        if (!rc)
            rc = type_from_arrow(&vt, v, c);
        if (!rc)
            rc = floe_type_new_map(out, kid, kt, vid, !(v->flags & ARROW_FLAG_NULLABLE), vt);
        floe_type_free(kt);
        floe_type_free(vt);
        return rc;
    }
    case FLOE_ARROW_TYPE_NA:
        return unsupported(s, "a column of the null type has no values to type it by");
    default:
        return unsupported(s, "no Iceberg equivalent");
    }
}

int floe_schema_from_arrow(floe_schema **out, const struct ArrowSchema *arrow, int32_t schema_id)
{
    *out = NULL;
    if (!arrow->format || strcmp(arrow->format, "+s") != 0)
        return floe_error_set(FLOE_EINVALID,
                              "an Arrow schema for a table must be a struct (+s), not '%s'",
                              arrow->format ? arrow->format : "(null)");
    conv_ctx c = {all_have_ids(arrow, true), 0};
    floe_type *t = NULL;
    int rc = struct_from_arrow(&t, arrow, &c);
    floe_schema *tmp = NULL;
    if (!rc)
        rc = floe_schema_new(&tmp, schema_id, t, NULL, 0);
    floe_type_free(t);
    if (rc)
        return rc;
    if (c.use_ids) {
        *out = tmp;
        return 0;
    }
    int32_t last = 0;
    rc = floe_schema_assign_fresh_ids(out, tmp, schema_id, &last);
    floe_schema_free(tmp);
    return rc;
}
