/* The reader's view of a Parquet schema: the flattened SchemaElement list turned into a tree
 * of Arrow nodes with their definition/repetition thresholds (LogicalTypes.md, including the
 * backward-compatibility rules for LIST and MAP), projection, and the Arrow schema. */
#include <stdio.h>
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "formats/parquet/reader_internal.h"

typedef struct build_ctx {
    const floe_parquet_file_metadata *md;
    uint32_t *next_sibling; /* index after the subtree of element i */
    floe_pq_schema *s;
    size_t max_nodes;
    size_t num_leaves;
} build_ctx;

/* Fills next_sibling by walking the depth-first list; returns the index after `i`'s subtree
 * or -1 with an error. */
static long walk(build_ctx *c, uint32_t i, int depth)
{
    const floe_parquet_file_metadata *md = c->md;
    if (depth > FLOE_PQ_MAX_DEPTH)
        return floe_error_set(FLOE_ECORRUPT, "Parquet schema nests deeper than %d levels",
                              FLOE_PQ_MAX_DEPTH),
               -1;
    const floe_parquet_schema_element *e = &md->schema[i];
    uint32_t next = i + 1;
    int32_t n = e->has_num_children ? e->num_children : 0;
    if (n < 0 || (uint32_t)n > md->num_schema - next)
        return floe_error_set(FLOE_ECORRUPT,
                              "Parquet schema element '%s' claims %d children, more than the "
                              "schema holds",
                              e->name ? e->name : "?", n),
               -1;
    for (int32_t k = 0; k < n; k++) {
        if (next >= md->num_schema)
            return floe_error_set(FLOE_ECORRUPT, "Parquet schema ends inside element '%s'",
                                  e->name ? e->name : "?"),
                   -1;
        long after = walk(c, next, depth + 1);
        if (after < 0)
            return -1;
        next = (uint32_t)after;
    }
    c->next_sibling[i] = next;
    return next;
}

static int is_group(const floe_parquet_schema_element *e)
{
    return (e->has_num_children && e->num_children > 0) || !e->has_type;
}

static int nchildren(const floe_parquet_schema_element *e)
{
    return e->has_num_children ? e->num_children : 0;
}

static floe_pq_node *new_node(build_ctx *c, floe_pq_kind kind, const char *name)
{
    if (c->s->num_nodes >= c->max_nodes) {
        floe_error_set(FLOE_ECORRUPT, "Parquet schema has too many nodes");
        return NULL;
    }
    floe_pq_node *n = &c->s->nodes[c->s->num_nodes++];
    memset(n, 0, sizeof(*n));
    n->kind = kind;
    n->name = name ? name : "";
    n->leaf = -1;
    n->first_leaf = -1;
    return n;
}

static int alloc_children(floe_pq_node *n, size_t count)
{
    n->children = floe_calloc(count ? count : 1, sizeof(*n->children));
    if (!n->children)
        return floe_error_set(FLOE_ENOMEM, "out of memory building the Parquet schema");
    n->num_children = count;
    return 0;
}

static int annotated(const floe_parquet_schema_element *e, floe_parquet_logical_kind lk,
                     floe_parquet_converted_type ct)
{
    if (e->has_logical_type && e->logical_type.kind == lk)
        return 1;
    return e->has_converted_type && e->converted_type == ct;
}

static void fmt(floe_pq_node *n, const char *f)
{
    snprintf(n->format, sizeof(n->format), "%s", f);
}

/* Chooses the Arrow type of a leaf from its physical type and annotations. */
static int leaf_type(floe_pq_node *n)
{
    const floe_parquet_schema_element *e = n->elem;
    const floe_parquet_logical_type *lt = e->has_logical_type ? &e->logical_type : NULL;
    int ct = e->has_converted_type ? (int)e->converted_type : -1;
    int lk = lt ? (int)lt->kind : FLOE_PARQUET_LT_NONE;
    n->conv = PQ_CONV_COPY;
    int is_decimal = lk == FLOE_PARQUET_LT_DECIMAL ||
                     (lk == FLOE_PARQUET_LT_NONE && ct == FLOE_PARQUET_CT_DECIMAL);
    int precision = lk == FLOE_PARQUET_LT_DECIMAL ? lt->decimal_precision : e->precision;
    int scale = lk == FLOE_PARQUET_LT_DECIMAL ? lt->decimal_scale : e->scale;
    if (is_decimal && (precision < 1 || precision > 38 || scale < 0 || scale > precision))
        is_decimal = 0; /* out of decimal128's range: read the raw physical values */
    if (is_decimal)
        snprintf(n->format, sizeof(n->format), "d:%d,%d", precision, scale);
    switch (n->physical) {
    case FLOE_PARQUET_BOOLEAN:
        fmt(n, "b");
        n->conv = PQ_CONV_BOOL;
        n->out_width = 1;
        return 0;
    case FLOE_PARQUET_INT32: {
        n->out_width = 4;
        if (is_decimal) {
            n->conv = PQ_CONV_I32_TO_DEC;
            n->out_width = 16;
            return 0;
        }
        int bits = 32, sign = 1;
        if (lk == FLOE_PARQUET_LT_INTEGER) {
            bits = lt->bit_width;
            sign = lt->is_signed;
        } else if (lk == FLOE_PARQUET_LT_NONE && ct >= FLOE_PARQUET_CT_UINT_8 &&
                   ct <= FLOE_PARQUET_CT_INT_64) {
            static const int b[] = {8, 16, 32, 64, 8, 16, 32, 64};
            bits = b[ct - FLOE_PARQUET_CT_UINT_8];
            sign = ct >= FLOE_PARQUET_CT_INT_8;
        }
        if (lk == FLOE_PARQUET_LT_DATE ||
            (lk == FLOE_PARQUET_LT_NONE && ct == FLOE_PARQUET_CT_DATE))
            fmt(n, "tdD");
        else if ((lk == FLOE_PARQUET_LT_TIME && lt->unit == FLOE_PARQUET_MILLIS) ||
                 (lk == FLOE_PARQUET_LT_NONE && ct == FLOE_PARQUET_CT_TIME_MILLIS))
            fmt(n, "ttm");
        else if (bits == 8) {
            fmt(n, sign ? "c" : "C");
            n->conv = PQ_CONV_I32_TO_I8;
            n->out_width = 1;
        } else if (bits == 16) {
            fmt(n, sign ? "s" : "S");
            n->conv = PQ_CONV_I32_TO_I16;
            n->out_width = 2;
        } else
            fmt(n, sign ? "i" : "I");
        return 0;
    }
    case FLOE_PARQUET_INT64: {
        n->out_width = 8;
        if (is_decimal) {
            n->conv = PQ_CONV_I64_TO_DEC;
            n->out_width = 16;
            return 0;
        }
        int unsig = (lk == FLOE_PARQUET_LT_INTEGER && !lt->is_signed) ||
                    (lk == FLOE_PARQUET_LT_NONE && ct == FLOE_PARQUET_CT_UINT_64);
        if (lk == FLOE_PARQUET_LT_TIMESTAMP) {
            const char *u = lt->unit == FLOE_PARQUET_MILLIS  ? "m"
                            : lt->unit == FLOE_PARQUET_NANOS ? "n"
                                                             : "u";
            snprintf(n->format, sizeof(n->format), "ts%s:%s", u,
                     lt->is_adjusted_to_utc ? "UTC" : "");
        } else if (lk == FLOE_PARQUET_LT_NONE && ct == FLOE_PARQUET_CT_TIMESTAMP_MILLIS)
            fmt(n, "tsm:UTC");
        else if (lk == FLOE_PARQUET_LT_NONE && ct == FLOE_PARQUET_CT_TIMESTAMP_MICROS)
            fmt(n, "tsu:UTC");
        else if (lk == FLOE_PARQUET_LT_TIME)
            fmt(n, lt->unit == FLOE_PARQUET_NANOS ? "ttn" : "ttu");
        else if (lk == FLOE_PARQUET_LT_NONE && ct == FLOE_PARQUET_CT_TIME_MICROS)
            fmt(n, "ttu");
        else
            fmt(n, unsig ? "L" : "l");
        return 0;
    }
    case FLOE_PARQUET_INT96:
        fmt(n, "tsn:");
        n->conv = PQ_CONV_INT96_TO_NS;
        n->out_width = 8;
        return 0;
    case FLOE_PARQUET_FLOAT:
        fmt(n, "f");
        n->out_width = 4;
        return 0;
    case FLOE_PARQUET_DOUBLE:
        fmt(n, "g");
        n->out_width = 8;
        return 0;
    case FLOE_PARQUET_BYTE_ARRAY:
        if (is_decimal) {
            n->conv = PQ_CONV_BYTES_TO_DEC;
            n->out_width = 16;
            return 0;
        }
        n->conv = PQ_CONV_BYTES;
        n->out_width = 0;
        if (lk == FLOE_PARQUET_LT_STRING || lk == FLOE_PARQUET_LT_ENUM ||
            lk == FLOE_PARQUET_LT_JSON ||
            (lk == FLOE_PARQUET_LT_NONE &&
             (ct == FLOE_PARQUET_CT_UTF8 || ct == FLOE_PARQUET_CT_ENUM ||
              ct == FLOE_PARQUET_CT_JSON)))
            fmt(n, "u");
        else
            fmt(n, "z");
        return 0;
    case FLOE_PARQUET_FIXED_LEN_BYTE_ARRAY:
        if (!e->has_type_length || e->type_length < 1 || e->type_length > (1 << 24))
            return floe_error_set(FLOE_ECORRUPT,
                                  "FIXED_LEN_BYTE_ARRAY column '%s' has invalid length %d", n->name,
                                  e->has_type_length ? e->type_length : -1);
        n->type_length = e->type_length;
        if (is_decimal && n->type_length <= 16) {
            n->conv = PQ_CONV_BYTES_TO_DEC;
            n->out_width = 16;
            return 0;
        }
        n->out_width = (size_t)n->type_length;
        if (lk == FLOE_PARQUET_LT_FLOAT16 && n->type_length == 2)
            fmt(n, "e");
        else
            snprintf(n->format, sizeof(n->format), "w:%d", n->type_length);
        return 0;
    default:
        return floe_error_set(FLOE_ECORRUPT, "column '%s' has unknown physical type %d", n->name,
                              n->physical);
    }
}

static int build(build_ctx *c, uint32_t idx, int def_in, int rep_in, int as_required, int enc_rep,
                 int enc_def, int depth, floe_pq_node **out);

static int build_children(build_ctx *c, floe_pq_node *n, uint32_t idx, int def, int rep,
                          int enc_rep, int enc_def, int depth)
{
    const floe_parquet_schema_element *e = &c->md->schema[idx];
    int rc = alloc_children(n, (size_t)nchildren(e));
    if (rc)
        return rc;
    uint32_t ch = idx + 1;
    for (size_t k = 0; k < n->num_children; k++) {
        if ((rc = build(c, ch, def, rep, 0, enc_rep, enc_def, depth + 1, &n->children[k])) != 0)
            return rc;
        ch = c->next_sibling[ch];
    }
    return 0;
}

static int build(build_ctx *c, uint32_t idx, int def_in, int rep_in, int as_required, int enc_rep,
                 int enc_def, int depth, floe_pq_node **out)
{
    const floe_parquet_schema_element *e = &c->md->schema[idx];
    if (depth > FLOE_PQ_MAX_DEPTH || def_in > 60000 || rep_in > 60000)
        return floe_error_set(FLOE_ECORRUPT, "Parquet schema nests too deeply");
    int rep = as_required || !e->has_repetition ? FLOE_PARQUET_REQUIRED : (int)e->repetition;
    int rc;
    if (rep == FLOE_PARQUET_REPEATED) {
        /* An unannotated repeated field is a non-null list of required elements. */
        floe_pq_node *l = new_node(c, PQ_LIST, e->name);
        if (!l)
            return FLOE_ECORRUPT;
        l->def_present = def_in;
        l->def_elem = def_in + 1;
        l->rep_list = rep_in + 1;
        l->enc_rep = enc_rep;
        l->enc_def = enc_def;
        fmt(l, "+l");
        if ((rc = alloc_children(l, 1)) != 0)
            return rc;
        if ((rc = build(c, idx, def_in + 1, rep_in + 1, 1, rep_in + 1, def_in + 1, depth + 1,
                        &l->children[0])) != 0)
            return rc;
        l->children[0]->name = "element";
        /* The field id names the repeated field, i.e. the list, not its elements. */
        l->has_field_id = e->has_field_id;
        l->field_id = e->field_id;
        l->children[0]->has_field_id = 0;
        *out = l;
        return 0;
    }
    int d = def_in + (rep == FLOE_PARQUET_OPTIONAL);
    if (!is_group(e)) {
        floe_pq_node *n = new_node(c, PQ_LEAF, e->name);
        if (!n)
            return FLOE_ECORRUPT;
        n->elem = e;
        n->nullable = rep == FLOE_PARQUET_OPTIONAL;
        n->def_present = d;
        n->max_def = d;
        n->max_rep = rep_in;
        n->enc_rep = enc_rep;
        n->enc_def = enc_def;
        n->physical = e->type;
        n->has_field_id = e->has_field_id;
        n->field_id = e->field_id;
        n->leaf = (int)c->num_leaves++;
        n->first_leaf = n->leaf;
        if ((rc = leaf_type(n)) != 0)
            return rc;
        *out = n;
        return 0;
    }
    if (nchildren(e) == 0)
        return floe_error_set(FLOE_EUNSUPPORTED, "Parquet group '%s' has no fields", e->name);
    uint32_t first = idx + 1;
    const floe_parquet_schema_element *r = &c->md->schema[first];
    int one_repeated_child =
        nchildren(e) == 1 && r->has_repetition && r->repetition == FLOE_PARQUET_REPEATED;
    floe_pq_node *n;
    if (annotated(e, FLOE_PARQUET_LT_LIST, FLOE_PARQUET_CT_LIST) && one_repeated_child) {
        n = new_node(c, PQ_LIST, e->name);
        if (!n)
            return FLOE_ECORRUPT;
        fmt(n, "+l");
        n->def_elem = d + 1;
        n->rep_list = rep_in + 1;
        if ((rc = alloc_children(n, 1)) != 0)
            return rc;
        int rn = nchildren(r);
        char tuple[512];
        snprintf(tuple, sizeof(tuple), "%s_tuple", e->name);
        int elem_is_repeated = !is_group(r) || rn > 1 ||
                               (rn == 1 && c->md->schema[first + 1].has_repetition &&
                                c->md->schema[first + 1].repetition == FLOE_PARQUET_REPEATED) ||
                               strcmp(r->name, "array") == 0 || strcmp(r->name, tuple) == 0;
        if (elem_is_repeated)
            rc = build(c, first, d + 1, rep_in + 1, 1, rep_in + 1, d + 1, depth + 1,
                       &n->children[0]);
        else
            rc = build(c, first + 1, d + 1, rep_in + 1, 0, rep_in + 1, d + 1, depth + 1,
                       &n->children[0]);
        if (rc)
            return rc;
    } else if ((annotated(e, FLOE_PARQUET_LT_MAP, FLOE_PARQUET_CT_MAP) ||
                (e->has_converted_type && e->converted_type == FLOE_PARQUET_CT_MAP_KEY_VALUE)) &&
               one_repeated_child && nchildren(r) == 2) {
        n = new_node(c, PQ_MAP, e->name);
        if (!n)
            return FLOE_ECORRUPT;
        fmt(n, "+m");
        n->def_elem = d + 1;
        n->rep_list = rep_in + 1;
        if ((rc = alloc_children(n, 1)) != 0)
            return rc;
        floe_pq_node *entries = new_node(c, PQ_STRUCT, "entries");
        if (!entries)
            return FLOE_ECORRUPT;
        fmt(entries, "+s");
        entries->def_present = d + 1;
        entries->enc_rep = rep_in + 1;
        entries->enc_def = d + 1;
        n->children[0] = entries;
        if ((rc = build_children(c, entries, first, d + 1, rep_in + 1, rep_in + 1, d + 1,
                                 depth + 1)) != 0)
            return rc;
        entries->first_leaf = entries->children[0]->first_leaf;
        /* Arrow map keys are never null. */
        entries->children[0]->nullable = 0;
    } else {
        n = new_node(c, PQ_STRUCT, e->name);
        if (!n)
            return FLOE_ECORRUPT;
        fmt(n, "+s");
        if ((rc = build_children(c, n, idx, d, rep_in, enc_rep, enc_def, depth)) != 0)
            return rc;
    }
    n->nullable = rep == FLOE_PARQUET_OPTIONAL;
    n->def_present = d;
    n->enc_rep = enc_rep;
    n->enc_def = enc_def;
    n->has_field_id = e->has_field_id;
    n->field_id = e->field_id;
    n->first_leaf = n->children[0]->first_leaf;
    *out = n;
    return 0;
}

static void collect_leaves(floe_pq_schema *s, floe_pq_node *n)
{
    if (n->kind == PQ_LEAF) {
        s->leaves[n->leaf] = n;
        return;
    }
    for (size_t i = 0; i < n->num_children; i++)
        collect_leaves(s, n->children[i]);
}

int floe_parquet__schema_build(floe_pq_schema *s, const floe_parquet_file_metadata *md)
{
    memset(s, 0, sizeof(*s));
    if (md->num_schema < 1 || !md->schema)
        return floe_error_set(FLOE_ECORRUPT, "Parquet footer has an empty schema");
    build_ctx c = {0};
    c.md = md;
    c.s = s;
    c.next_sibling = floe_calloc(md->num_schema, sizeof(uint32_t));
    c.max_nodes = (size_t)md->num_schema * 2 + 2;
    s->nodes = floe_calloc(c.max_nodes, sizeof(floe_pq_node));
    int rc = 0;
    if (!c.next_sibling || !s->nodes) {
        rc = floe_error_set(FLOE_ENOMEM, "out of memory reading the Parquet schema");
        goto done;
    }
    if (walk(&c, 0, 0) < 0) {
        rc = FLOE_ECORRUPT;
        goto done;
    }
    if (c.next_sibling[0] != md->num_schema) {
        rc =
            floe_error_set(FLOE_ECORRUPT, "Parquet schema lists %u elements but its root covers %u",
                           md->num_schema, c.next_sibling[0]);
        goto done;
    }
    const floe_parquet_schema_element *root = &md->schema[0];
    s->num_fields = (size_t)nchildren(root);
    s->fields = floe_calloc(s->num_fields ? s->num_fields : 1, sizeof(*s->fields));
    if (!s->fields) {
        rc = floe_error_set(FLOE_ENOMEM, "out of memory reading the Parquet schema");
        goto done;
    }
    uint32_t ch = 1;
    for (size_t k = 0; k < s->num_fields; k++) {
        if ((rc = build(&c, ch, 0, 0, 0, 0, 0, 1, &s->fields[k])) != 0)
            goto done;
        ch = c.next_sibling[ch];
    }
    s->num_leaves = c.num_leaves;
    s->leaves = floe_calloc(s->num_leaves ? s->num_leaves : 1, sizeof(*s->leaves));
    if (!s->leaves) {
        rc = floe_error_set(FLOE_ENOMEM, "out of memory reading the Parquet schema");
        goto done;
    }
    for (size_t k = 0; k < s->num_fields; k++)
        collect_leaves(s, s->fields[k]);
done:
    floe_free(c.next_sibling);
    if (rc)
        floe_parquet__schema_free(s);
    return rc;
}

void floe_parquet__schema_free(floe_pq_schema *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->num_nodes; i++)
        floe_free(s->nodes[i].children);
    floe_free(s->nodes);
    floe_free(s->fields);
    floe_free(s->leaves);
    memset(s, 0, sizeof(*s));
}

/* ---- projection ------------------------------------------------------------------------- */

static void select_all(floe_pq_node *n)
{
    n->selected = 1;
    for (size_t i = 0; i < n->num_children; i++)
        select_all(n->children[i]);
}

static int matches(const floe_pq_node *n, const char *path, const floe_parquet_reader_options *o)
{
    if (n->has_field_id)
        for (size_t i = 0; i < o->num_field_ids; i++)
            if (o->field_ids[i] == n->field_id)
                return 1;
    for (size_t i = 0; i < o->num_columns; i++)
        if (o->columns[i] && strcmp(o->columns[i], path) == 0)
            return 1;
    return 0;
}

static int mark(floe_pq_node *n, const char *parent_path, const floe_parquet_reader_options *o)
{
    char path[1024];
    if (parent_path[0])
        snprintf(path, sizeof(path), "%s.%s", parent_path, n->name);
    else
        snprintf(path, sizeof(path), "%s", n->name);
    if (matches(n, path, o)) {
        select_all(n);
        return 1;
    }
    int any = 0;
    for (size_t i = 0; i < n->num_children; i++)
        any |= mark(n->children[i], n->kind == PQ_STRUCT ? path : "", o);
    if (any) {
        if (n->kind == PQ_STRUCT)
            n->selected = 1;
        else
            select_all(n);
    }
    return any;
}

static int fix_first_leaf(floe_pq_node *n)
{
    if (n->kind == PQ_LEAF)
        return n->leaf;
    n->first_leaf = -1;
    for (size_t i = 0; i < n->num_children; i++)
        if (n->children[i]->selected) {
            int f = fix_first_leaf(n->children[i]);
            if (n->first_leaf < 0)
                n->first_leaf = f;
        }
    return n->first_leaf;
}

int floe_parquet__schema_project(floe_pq_schema *s, const floe_parquet_reader_options *o)
{
    int all = !o || (o->num_field_ids == 0 && o->num_columns == 0);
    for (size_t i = 0; i < s->num_nodes; i++)
        s->nodes[i].selected = 0;
    for (size_t k = 0; k < s->num_fields; k++) {
        if (all)
            select_all(s->fields[k]);
        else
            mark(s->fields[k], "", o);
        if (s->fields[k]->selected)
            fix_first_leaf(s->fields[k]);
    }
    return 0;
}

const floe_pq_node *floe_parquet__schema_leaf_by_id(const floe_pq_schema *s, int32_t id)
{
    for (size_t i = 0; i < s->num_leaves; i++)
        if (s->leaves[i]->has_field_id && s->leaves[i]->field_id == id)
            return s->leaves[i];
    return NULL;
}

/* ---- Arrow schema ----------------------------------------------------------------------- */

static void release_schema(struct ArrowSchema *sc)
{
    if (!sc || !sc->release)
        return;
    for (int64_t i = 0; i < sc->n_children; i++) {
        if (sc->children[i]->release)
            sc->children[i]->release(sc->children[i]);
        floe_free(sc->children[i]);
    }
    floe_free(sc->children);
    floe_free((void *)sc->format);
    floe_free((void *)sc->name);
    floe_free((void *)sc->metadata);
    sc->release = NULL;
}

/* Arrow field metadata: PARQUET:field_id, and the arrow.uuid extension for UUID columns (so a
 * writer fed this schema writes the UUID logical type back). */
static int field_metadata(char **out, const floe_pq_node *n)
{
    const char *keys[2], *vals[2];
    char idtext[16];
    int count = 0;
    *out = NULL;
    if (n->has_field_id) {
        snprintf(idtext, sizeof(idtext), "%d", n->field_id);
        keys[count] = "PARQUET:field_id";
        vals[count++] = idtext;
    }
    if (n->kind == PQ_LEAF && n->elem && n->elem->has_logical_type &&
        n->elem->logical_type.kind == FLOE_PARQUET_LT_UUID && n->out_width == 16) {
        keys[count] = "ARROW:extension:name";
        vals[count++] = "arrow.uuid";
    }
    if (count == 0)
        return 0;
    size_t total = 4;
    for (int i = 0; i < count; i++)
        total += 8 + strlen(keys[i]) + strlen(vals[i]);
    char *m = floe_malloc(total);
    if (!m)
        return floe_error_set(FLOE_ENOMEM, "out of memory building field metadata");
    int32_t n32 = count;
    memcpy(m, &n32, 4);
    size_t pos = 4;
    for (int i = 0; i < count; i++) {
        int32_t kl = (int32_t)strlen(keys[i]), vl = (int32_t)strlen(vals[i]);
        memcpy(m + pos, &kl, 4);
        memcpy(m + pos + 4, keys[i], (size_t)kl);
        pos += 4 + (size_t)kl;
        memcpy(m + pos, &vl, 4);
        memcpy(m + pos + 4, vals[i], (size_t)vl);
        pos += 4 + (size_t)vl;
    }
    *out = m;
    return 0;
}

static int to_arrow(struct ArrowSchema *out, const floe_pq_node *n, const char *name, int nullable)
{
    memset(out, 0, sizeof(*out));
    out->release = release_schema;
    out->format = floe_strdup(n ? n->format : "+s");
    out->name = floe_strdup(name);
    if (!out->format || !out->name)
        return floe_error_set(FLOE_ENOMEM, "out of memory building an Arrow schema");
    out->flags = nullable ? ARROW_FLAG_NULLABLE : 0;
    if (n) {
        char *m = NULL;
        int rc = field_metadata(&m, n);
        if (rc)
            return rc;
        out->metadata = m;
    }
    if (n && n->kind == PQ_LEAF)
        return 0;
    size_t count = 0;
    size_t total = n ? n->num_children : 0;
    floe_pq_node *const *kids = n ? n->children : NULL;
    for (size_t i = 0; i < total; i++)
        count += kids[i]->selected;
    out->children = floe_calloc(count ? count : 1, sizeof(*out->children));
    if (!out->children)
        return floe_error_set(FLOE_ENOMEM, "out of memory building an Arrow schema");
    for (size_t i = 0; i < total; i++) {
        if (!kids[i]->selected)
            continue;
        struct ArrowSchema *ch = floe_calloc(1, sizeof(*ch));
        if (!ch)
            return floe_error_set(FLOE_ENOMEM, "out of memory building an Arrow schema");
        out->children[out->n_children++] = ch;
        const char *cname = n->kind == PQ_MAP ? "entries" : kids[i]->name;
        int rc = to_arrow(ch, kids[i], cname, kids[i]->nullable);
        if (rc)
            return rc;
    }
    return 0;
}

/* Arrow field names for map entries must be key/value by position. */
static void rename_map_children(struct ArrowSchema *sc)
{
    if (strcmp(sc->format, "+m") == 0 && sc->n_children == 1 && sc->children[0]->n_children == 2) {
        char *k = floe_strdup("key"), *v = floe_strdup("value");
        if (k && v) {
            floe_free((void *)sc->children[0]->children[0]->name);
            floe_free((void *)sc->children[0]->children[1]->name);
            sc->children[0]->children[0]->name = k;
            sc->children[0]->children[1]->name = v;
        } else {
            floe_free(k);
            floe_free(v);
        }
    }
    for (int64_t i = 0; i < sc->n_children; i++)
        rename_map_children(sc->children[i]);
}

int floe_parquet__schema_to_arrow(struct ArrowSchema *out, const floe_pq_schema *s)
{
    memset(out, 0, sizeof(*out));
    out->release = release_schema;
    out->format = floe_strdup("+s");
    out->name = floe_strdup("");
    size_t count = 0;
    for (size_t i = 0; i < s->num_fields; i++)
        count += s->fields[i]->selected;
    out->children = floe_calloc(count ? count : 1, sizeof(*out->children));
    int rc = 0;
    if (!out->format || !out->name || !out->children) {
        rc = floe_error_set(FLOE_ENOMEM, "out of memory building an Arrow schema");
        goto fail;
    }
    for (size_t i = 0; i < s->num_fields; i++) {
        if (!s->fields[i]->selected)
            continue;
        struct ArrowSchema *ch = floe_calloc(1, sizeof(*ch));
        if (!ch) {
            rc = floe_error_set(FLOE_ENOMEM, "out of memory building an Arrow schema");
            goto fail;
        }
        out->children[out->n_children++] = ch;
        if ((rc = to_arrow(ch, s->fields[i], s->fields[i]->name, s->fields[i]->nullable)) != 0)
            goto fail;
    }
    rename_map_children(out);
    return 0;
fail:
    release_schema(out);
    return rc;
}
