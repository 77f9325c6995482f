/* Maps an Arrow schema to the Parquet schema the writer produces: three-level LIST and MAP
 * layouts, logical and converted types, field ids, definition/repetition levels. */
#include <stdio.h>
#include <string.h>

#include <floe/arrow/schema.h>
#include <floe/error.h>

#include "base/alloc.h"
#include "formats/parquet/writer_internal.h"

#define TRY(expr)                                                                                  \
    do {                                                                                           \
        int rc_ = (expr);                                                                          \
        if (rc_)                                                                                   \
            return rc_;                                                                            \
    } while (0)

/* Deepest nesting accepted; levels are stored in one byte each. */
#define MAX_LEVEL 250

/* Bytes needed for a two's-complement unscaled decimal of `precision` digits. */
static int32_t decimal_flba_len(int32_t precision)
{
    /* largest p such that 10^p - 1 fits in n bytes, for n = 1..16 */
    static const int max_digits[17] = {0,  2,  4,  6,  9,  11, 14, 16, 18,
                                       21, 23, 26, 28, 31, 33, 35, 38};
    for (int n = 1; n <= 16; n++)
        if (precision <= max_digits[n])
            return n;
    return 16;
}

static bool is_uuid_extension(const struct ArrowSchema *s)
{
    const char *v;
    int32_t n;
    if (!s->metadata || floe_arrow_metadata_get(&v, &n, s->metadata, "ARROW:extension:name"))
        return false;
    return (n == 10 && memcmp(v, "arrow.uuid", 10) == 0) || (n == 4 && memcmp(v, "uuid", 4) == 0);
}

typedef struct build_ctx {
    const floe_parquet_writer_options *opts;
    floe_parquet_file_metadata *md;
    floe_buf path; /* dotted Arrow path of the node being built */
    size_t n_leaves;
} build_ctx;

static int field_id_for(build_ctx *c, const struct ArrowSchema *s, pqw_node *n)
{
    const char *p = floe_buf_cstr(&c->path);
    for (size_t i = 0; c->opts && i < c->opts->n_field_ids; i++) {
        if (c->opts->field_ids[i].path && p && strcmp(c->opts->field_ids[i].path, p) == 0) {
            n->has_field_id = true;
            n->field_id = c->opts->field_ids[i].field_id;
            return 0;
        }
    }
    int32_t id;
    int rc = floe_arrow_schema_field_id(&id, s);
    if (rc == 0) {
        n->has_field_id = true;
        n->field_id = id;
        return 0;
    }
    if (rc == FLOE_ENOTFOUND) {
        floe_error_clear();
        return 0;
    }
    return floe_error_wrap(rc, "parquet writer: field '%s'", p ? p : "");
}

static int leaf_setup(pqw_node *n, const struct ArrowSchema *s, const char *path)
{
    const floe_arrow_type *t = &n->atype;
    n->kind = PQW_LEAF;
    n->width = 0;
    n->bound_kind = FLOE_PARQUET_VALUE_INT;
    switch (t->id) {
    case FLOE_ARROW_TYPE_BOOL:
        n->ptype = FLOE_PARQUET_BOOLEAN;
        n->conv = PQW_CONV_BOOL;
        n->order = PQW_ORD_BOOL;
        n->bound_kind = FLOE_PARQUET_VALUE_BOOL;
        break;
    case FLOE_ARROW_TYPE_INT8:
    case FLOE_ARROW_TYPE_INT16:
    case FLOE_ARROW_TYPE_INT32:
    case FLOE_ARROW_TYPE_DATE32:
    case FLOE_ARROW_TYPE_DATE64:
    case FLOE_ARROW_TYPE_TIME32:
        n->ptype = FLOE_PARQUET_INT32;
        n->width = 4;
        n->order = PQW_ORD_I32;
        n->conv = t->id == FLOE_ARROW_TYPE_INT8     ? PQW_CONV_I8
                  : t->id == FLOE_ARROW_TYPE_INT16  ? PQW_CONV_I16
                  : t->id == FLOE_ARROW_TYPE_DATE64 ? PQW_CONV_DATE64
                  : (t->id == FLOE_ARROW_TYPE_TIME32 && t->unit == FLOE_ARROW_TIME_UNIT_SECOND)
                      ? PQW_CONV_I32_X1000
                      : PQW_CONV_COPY4;
        break;
    case FLOE_ARROW_TYPE_UINT8:
    case FLOE_ARROW_TYPE_UINT16:
    case FLOE_ARROW_TYPE_UINT32:
        n->ptype = FLOE_PARQUET_INT32;
        n->width = 4;
        n->order = PQW_ORD_U32;
        n->conv = t->id == FLOE_ARROW_TYPE_UINT8    ? PQW_CONV_U8
                  : t->id == FLOE_ARROW_TYPE_UINT16 ? PQW_CONV_U16
                                                    : PQW_CONV_COPY4;
        break;
    case FLOE_ARROW_TYPE_INT64:
    case FLOE_ARROW_TYPE_TIME64:
    case FLOE_ARROW_TYPE_TIMESTAMP:
        n->ptype = FLOE_PARQUET_INT64;
        n->width = 8;
        n->order = PQW_ORD_I64;
        n->conv = (t->id == FLOE_ARROW_TYPE_TIMESTAMP && t->unit == FLOE_ARROW_TIME_UNIT_SECOND)
                      ? PQW_CONV_I64_X1000
                      : PQW_CONV_COPY8;
        break;
    case FLOE_ARROW_TYPE_UINT64:
        n->ptype = FLOE_PARQUET_INT64;
        n->width = 8;
        n->order = PQW_ORD_U64;
        n->conv = PQW_CONV_COPY8;
        n->bound_kind = FLOE_PARQUET_VALUE_UINT64;
        break;
    case FLOE_ARROW_TYPE_FLOAT32:
        n->ptype = FLOE_PARQUET_FLOAT;
        n->width = 4;
        n->order = PQW_ORD_F32;
        n->conv = PQW_CONV_COPY4;
        n->is_float = true;
        n->bound_kind = FLOE_PARQUET_VALUE_FLOAT;
        break;
    case FLOE_ARROW_TYPE_FLOAT64:
        n->ptype = FLOE_PARQUET_DOUBLE;
        n->width = 8;
        n->order = PQW_ORD_F64;
        n->conv = PQW_CONV_COPY8;
        n->is_float = true;
        n->bound_kind = FLOE_PARQUET_VALUE_DOUBLE;
        break;
    case FLOE_ARROW_TYPE_DECIMAL128:
        n->bound_kind = FLOE_PARQUET_VALUE_DECIMAL;
        if (t->precision <= 9) {
            n->ptype = FLOE_PARQUET_INT32;
            n->width = 4;
            n->order = PQW_ORD_I32;
            n->conv = PQW_CONV_DEC_I32;
        } else if (t->precision <= 18) {
            n->ptype = FLOE_PARQUET_INT64;
            n->width = 8;
            n->order = PQW_ORD_I64;
            n->conv = PQW_CONV_DEC_I64;
        } else {
            n->ptype = FLOE_PARQUET_FIXED_LEN_BYTE_ARRAY;
            n->type_length = decimal_flba_len(t->precision);
            n->width = n->type_length;
            n->order = PQW_ORD_DEC_BE;
            n->conv = PQW_CONV_DEC_FLBA;
        }
        break;
    case FLOE_ARROW_TYPE_FIXED_SIZE_BINARY:
        n->ptype = FLOE_PARQUET_FIXED_LEN_BYTE_ARRAY;
        n->type_length = t->byte_width;
        n->width = t->byte_width;
        n->order = PQW_ORD_BYTES;
        n->conv = PQW_CONV_FLBA;
        n->bound_kind = FLOE_PARQUET_VALUE_BYTES;
        break;
    case FLOE_ARROW_TYPE_UTF8:
    case FLOE_ARROW_TYPE_BINARY:
    case FLOE_ARROW_TYPE_LARGE_UTF8:
    case FLOE_ARROW_TYPE_LARGE_BINARY:
        n->ptype = FLOE_PARQUET_BYTE_ARRAY;
        n->order = PQW_ORD_BYTES;
        n->conv = (t->id == FLOE_ARROW_TYPE_UTF8 || t->id == FLOE_ARROW_TYPE_BINARY)
                      ? PQW_CONV_BA32
                      : PQW_CONV_BA64;
        n->bound_kind = FLOE_PARQUET_VALUE_BYTES;
        break;
    default:
        return floe_error_set(FLOE_EUNSUPPORTED,
                              "parquet writer: column '%s' has Arrow type %s, which cannot be "
                              "written to Parquet; cast it first",
                              path, floe_arrow_type_name(t->id));
    }
    (void)s;
    return 0;
}

/* Fills the Parquet schema element of a leaf. */
static void leaf_element(const pqw_node *n, const struct ArrowSchema *s,
                         floe_parquet_schema_element *e)
{
    const floe_arrow_type *t = &n->atype;
    floe_parquet_logical_type *lt = &e->logical_type;
    e->has_type = true;
    e->type = (floe_parquet_type)n->ptype;
    if (n->ptype == FLOE_PARQUET_FIXED_LEN_BYTE_ARRAY) {
        e->has_type_length = true;
        e->type_length = n->type_length;
    }
    switch (t->id) {
    case FLOE_ARROW_TYPE_INT8:
    case FLOE_ARROW_TYPE_INT16:
    case FLOE_ARROW_TYPE_UINT8:
    case FLOE_ARROW_TYPE_UINT16:
    case FLOE_ARROW_TYPE_UINT32:
    case FLOE_ARROW_TYPE_UINT64: {
        static const struct {
            int id, bits, sign, ct;
        } m[] = {{FLOE_ARROW_TYPE_INT8, 8, 1, FLOE_PARQUET_CT_INT_8},
                 {FLOE_ARROW_TYPE_INT16, 16, 1, FLOE_PARQUET_CT_INT_16},
                 {FLOE_ARROW_TYPE_UINT8, 8, 0, FLOE_PARQUET_CT_UINT_8},
                 {FLOE_ARROW_TYPE_UINT16, 16, 0, FLOE_PARQUET_CT_UINT_16},
                 {FLOE_ARROW_TYPE_UINT32, 32, 0, FLOE_PARQUET_CT_UINT_32},
                 {FLOE_ARROW_TYPE_UINT64, 64, 0, FLOE_PARQUET_CT_UINT_64}};
        for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
            if (m[i].id == (int)t->id) {
                e->has_logical_type = true;
                lt->kind = FLOE_PARQUET_LT_INTEGER;
                lt->bit_width = (int8_t)m[i].bits;
                lt->is_signed = m[i].sign;
                e->has_converted_type = true;
                e->converted_type = (floe_parquet_converted_type)m[i].ct;
            }
        }
        break;
    }
    case FLOE_ARROW_TYPE_DECIMAL128:
        e->has_logical_type = true;
        lt->kind = FLOE_PARQUET_LT_DECIMAL;
        lt->decimal_precision = t->precision;
        lt->decimal_scale = t->scale;
        e->has_converted_type = true;
        e->converted_type = FLOE_PARQUET_CT_DECIMAL;
        e->has_scale = e->has_precision = true;
        e->scale = t->scale;
        e->precision = t->precision;
        break;
    case FLOE_ARROW_TYPE_DATE32:
    case FLOE_ARROW_TYPE_DATE64:
        e->has_logical_type = true;
        lt->kind = FLOE_PARQUET_LT_DATE;
        e->has_converted_type = true;
        e->converted_type = FLOE_PARQUET_CT_DATE;
        break;
    case FLOE_ARROW_TYPE_TIME32:
    case FLOE_ARROW_TYPE_TIME64:
        e->has_logical_type = true;
        lt->kind = FLOE_PARQUET_LT_TIME;
        lt->is_adjusted_to_utc = false;
        lt->unit = t->unit == FLOE_ARROW_TIME_UNIT_NANO    ? FLOE_PARQUET_NANOS
                   : t->unit == FLOE_ARROW_TIME_UNIT_MICRO ? FLOE_PARQUET_MICROS
                                                           : FLOE_PARQUET_MILLIS;
        break;
    case FLOE_ARROW_TYPE_TIMESTAMP:
        e->has_logical_type = true;
        lt->kind = FLOE_PARQUET_LT_TIMESTAMP;
        lt->is_adjusted_to_utc = t->timezone && t->timezone_len > 0;
        lt->unit = t->unit == FLOE_ARROW_TIME_UNIT_NANO    ? FLOE_PARQUET_NANOS
                   : t->unit == FLOE_ARROW_TIME_UNIT_MICRO ? FLOE_PARQUET_MICROS
                                                           : FLOE_PARQUET_MILLIS;
        if (lt->is_adjusted_to_utc && lt->unit != FLOE_PARQUET_NANOS) {
            e->has_converted_type = true;
            e->converted_type = lt->unit == FLOE_PARQUET_MICROS ? FLOE_PARQUET_CT_TIMESTAMP_MICROS
                                                                : FLOE_PARQUET_CT_TIMESTAMP_MILLIS;
        }
        break;
    case FLOE_ARROW_TYPE_UTF8:
    case FLOE_ARROW_TYPE_LARGE_UTF8:
        e->has_logical_type = true;
        lt->kind = FLOE_PARQUET_LT_STRING;
        e->has_converted_type = true;
        e->converted_type = FLOE_PARQUET_CT_UTF8;
        break;
    case FLOE_ARROW_TYPE_FIXED_SIZE_BINARY:
        if (t->byte_width == 16 && is_uuid_extension(s)) {
            e->has_logical_type = true;
            lt->kind = FLOE_PARQUET_LT_UUID;
        }
        break;
    default:
        break;
    }
}

typedef struct elem_list {
    floe_parquet_schema_element *v;
    size_t n, cap;
} elem_list;

static floe_parquet_schema_element *elem_push(elem_list *l)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        floe_parquet_schema_element *nv = floe_realloc(l->v, cap * sizeof *nv);
        if (!nv) {
            floe_error_set(FLOE_ENOMEM, "parquet writer: out of memory building the schema");
            return NULL;
        }
        l->v = nv;
        l->cap = cap;
    }
    memset(&l->v[l->n], 0, sizeof l->v[0]);
    return &l->v[l->n++];
}

/* Builds node `n` from Arrow field `s`; `def`/`rep` are the levels of its parent context;
 * `force_required` for map keys. Appends its Parquet elements to `el`. */
static int build_node(build_ctx *c, elem_list *el, pqw_node *n, const struct ArrowSchema *s,
                      const char *pq_name, int def, int rep, bool force_required, int depth)
{
    size_t path_mark = c->path.len;
    if (c->path.len)
        TRY(floe_buf_append_byte(&c->path, '.'));
    TRY(floe_buf_append_str(&c->path, s->name ? s->name : ""));
    const char *path = floe_buf_cstr(&c->path);
    if (depth > 64)
        return floe_error_set(FLOE_EUNSUPPORTED,
                              "parquet writer: column '%s' nests deeper "
                              "than 64 levels",
                              path);
    if (s->dictionary)
        return floe_error_set(FLOE_EUNSUPPORTED,
                              "parquet writer: column '%s' is dictionary-encoded; decode it "
                              "before writing",
                              path);
    TRY(floe_arrow_type_parse(&n->atype, s->format));
    n->nullable = !force_required && (s->flags & ARROW_FLAG_NULLABLE);
    n->name = pq_name ? pq_name : (s->name ? s->name : "");
    n->def = def + (n->nullable ? 1 : 0);
    n->rep = rep;
    if (n->def > MAX_LEVEL || rep > MAX_LEVEL)
        return floe_error_set(FLOE_EUNSUPPORTED, "parquet writer: column '%s' nests too deeply",
                              path);
    TRY(field_id_for(c, s, n));

    floe_parquet_schema_element *e = elem_push(el);
    if (!e)
        return FLOE_ENOMEM;
    size_t ei = el->n - 1;
    e->name = n->name;
    e->has_repetition = true;
    e->repetition = n->nullable ? FLOE_PARQUET_OPTIONAL : FLOE_PARQUET_REQUIRED;
    e->has_field_id = n->has_field_id;
    e->field_id = n->field_id;

    switch (n->atype.id) {
    case FLOE_ARROW_TYPE_STRUCT: {
        n->kind = PQW_STRUCT;
        if (s->n_children <= 0)
            return floe_error_set(FLOE_EUNSUPPORTED,
                                  "parquet writer: struct column '%s' has no fields; Parquet "
                                  "groups need at least one",
                                  path);
        n->n_children = (int)s->n_children;
        n->children = floe_calloc((size_t)n->n_children, sizeof *n->children);
        if (!n->children)
            return floe_error_set(FLOE_ENOMEM, "parquet writer: out of memory");
        el->v[ei].has_num_children = true;
        el->v[ei].num_children = n->n_children;
        for (int i = 0; i < n->n_children; i++)
            TRY(build_node(c, el, &n->children[i], s->children[i], NULL, n->def, rep, false,
                           depth + 1));
        break;
    }
    case FLOE_ARROW_TYPE_LIST:
    case FLOE_ARROW_TYPE_LARGE_LIST:
    case FLOE_ARROW_TYPE_MAP: {
        bool is_map = n->atype.id == FLOE_ARROW_TYPE_MAP;
        n->kind = is_map ? PQW_MAP : PQW_LIST;
        n->rep = rep + 1;
        el->v[ei].has_num_children = true;
        el->v[ei].num_children = 1;
        el->v[ei].has_converted_type = true;
        el->v[ei].converted_type = is_map ? FLOE_PARQUET_CT_MAP : FLOE_PARQUET_CT_LIST;
        el->v[ei].has_logical_type = true;
        el->v[ei].logical_type.kind = is_map ? FLOE_PARQUET_LT_MAP : FLOE_PARQUET_LT_LIST;
        floe_parquet_schema_element *g = elem_push(el);
        if (!g)
            return FLOE_ENOMEM;
        g->name = is_map ? "key_value" : "list";
        g->has_repetition = true;
        g->repetition = FLOE_PARQUET_REPEATED;
        g->has_num_children = true;
        g->num_children = is_map ? 2 : 1;
        if (s->n_children != 1)
            return floe_error_set(FLOE_EINVALID, "parquet writer: column '%s' needs one child",
                                  path);
        if (!is_map) {
            n->n_children = 1;
            n->children = floe_calloc(1, sizeof *n->children);
            if (!n->children)
                return floe_error_set(FLOE_ENOMEM, "parquet writer: out of memory");
            TRY(build_node(c, el, &n->children[0], s->children[0], "element", n->def + 1, n->rep,
                           false, depth + 1));
        } else {
            const struct ArrowSchema *entries = s->children[0];
            if (entries->n_children != 2)
                return floe_error_set(
                    FLOE_EINVALID, "parquet writer: map column '%s' entries need 2 fields", path);
            n->n_children = 2;
            n->children = floe_calloc(2, sizeof *n->children);
            if (!n->children)
                return floe_error_set(FLOE_ENOMEM, "parquet writer: out of memory");
            size_t mark2 = c->path.len;
            TRY(floe_buf_append_byte(&c->path, '.'));
            TRY(floe_buf_append_str(&c->path, entries->name ? entries->name : "entries"));
            TRY(build_node(c, el, &n->children[0], entries->children[0], "key", n->def + 1, n->rep,
                           true, depth + 1));
            TRY(build_node(c, el, &n->children[1], entries->children[1], "value", n->def + 1,
                           n->rep, false, depth + 1));
            c->path.len = mark2;
        }
        break;
    }
    default:
        TRY(leaf_setup(n, s, path));
        leaf_element(n, s, &el->v[ei]);
        n->leaf_index = (int)c->n_leaves++;
        break;
    }
    c->path.len = path_mark;
    if (c->path.data)
        c->path.data[c->path.len] = '\0';
    return 0;
}

static void free_node(pqw_node *n)
{
    for (int i = 0; n->children && i < n->n_children; i++)
        free_node(&n->children[i]);
    floe_free(n->children);
    n->children = NULL;
    n->n_children = 0;
}

/* Collects the leaves in order with their paths. */
static int collect(pqw_schema *out, floe_parquet_file_metadata *md, pqw_node *n, pqw_node **stack,
                   int depth)
{
    stack[depth] = n;
    if (n->kind != PQW_LEAF) {
        for (int i = 0; i < n->n_children; i++)
            TRY(collect(out, md, &n->children[i], stack, depth + 1));
        return 0;
    }
    pqw_column *col = &out->columns[n->leaf_index];
    col->leaf = n;
    col->depth = depth; /* stack[1..depth] (stack[0] is the root) */
    col->top_index = (int)(stack[1] - out->root.children);
    col->path = floe_calloc((size_t)depth, sizeof *col->path);
    if (!col->path)
        return floe_error_set(FLOE_ENOMEM, "parquet writer: out of memory");
    int names = 0;
    for (int i = 1; i <= depth; i++) {
        col->path[i - 1] = stack[i];
        names += (stack[i]->kind == PQW_LIST || stack[i]->kind == PQW_MAP) ? 2 : 1;
    }
    col->path_names = floe_parquet__arena_array(&md->arena, (size_t)names, sizeof(char *));
    if (!col->path_names)
        return FLOE_ENOMEM;
    floe_buf dotted = FLOE_BUF_INIT;
    int k = 0;
    for (int i = 1; i <= depth; i++) {
        col->path_names[k++] = stack[i]->name;
        if (stack[i]->kind == PQW_LIST)
            col->path_names[k++] = "list";
        else if (stack[i]->kind == PQW_MAP)
            col->path_names[k++] = "key_value";
    }
    col->path_len = names;
    for (int i = 0; i < names; i++) {
        if ((i && floe_buf_append_byte(&dotted, '.')) ||
            floe_buf_append_str(&dotted, col->path_names[i])) {
            floe_buf_free(&dotted);
            return FLOE_ENOMEM;
        }
    }
    if (!floe_buf_cstr(&dotted)) {
        floe_buf_free(&dotted);
        return floe_error_set(FLOE_ENOMEM, "parquet writer: out of memory");
    }
    col->dotted = (char *)floe_buf_detach(&dotted, NULL);
    col->max_def = n->def;
    col->max_rep = n->rep;
    return 0;
}

int floe_parquet__writer_schema_build(pqw_schema *out, const struct ArrowSchema *schema,
                                      const floe_parquet_writer_options *opts,
                                      floe_parquet_file_metadata *md)
{
    memset(out, 0, sizeof *out);
    floe_arrow_type rt;
    TRY(floe_arrow_type_parse(&rt, schema->format));
    if (rt.id != FLOE_ARROW_TYPE_STRUCT || schema->n_children <= 0)
        return floe_error_set(FLOE_EINVALID,
                              "parquet writer: the schema must be a struct with at least one "
                              "column (format '+s'), got '%s'",
                              schema->format);
    build_ctx c = {opts, md, FLOE_BUF_INIT, 0};
    elem_list el = {NULL, 0, 0};
    floe_parquet_schema_element *root = elem_push(&el);
    int rc = root ? 0 : FLOE_ENOMEM;
    out->root.kind = PQW_STRUCT;
    out->root.atype = rt;
    out->root.name = "schema";
    if (!rc) {
        root->name = "schema";
        root->has_num_children = true;
        root->num_children = (int32_t)schema->n_children;
        out->root.n_children = (int)schema->n_children;
        out->root.children = floe_calloc((size_t)schema->n_children, sizeof(pqw_node));
        if (!out->root.children)
            rc = floe_error_set(FLOE_ENOMEM, "parquet writer: out of memory");
    }
    for (int64_t i = 0; !rc && i < schema->n_children; i++)
        rc = build_node(&c, &el, &out->root.children[i], schema->children[i], NULL, 0, 0, false, 1);
    floe_buf_free(&c.path);
    if (!rc) {
        /* Copy elements and their names into the footer arena. */
        md->schema = floe_parquet__arena_array(&md->arena, el.n, sizeof *md->schema);
        if (!md->schema)
            rc = FLOE_ENOMEM;
        for (size_t i = 0; !rc && i < el.n; i++) {
            md->schema[i] = el.v[i];
            md->schema[i].name = floe_parquet__arena_strdup(&md->arena, el.v[i].name);
            if (!md->schema[i].name)
                rc = FLOE_ENOMEM;
        }
        md->num_schema = (uint32_t)el.n;
    }
    floe_free(el.v);
    if (!rc) {
        out->n_columns = c.n_leaves;
        out->columns = floe_calloc(c.n_leaves, sizeof *out->columns);
        pqw_node *stack[80];
        if (!out->columns)
            rc = floe_error_set(FLOE_ENOMEM, "parquet writer: out of memory");
        for (int i = 0; !rc && i < out->root.n_children; i++)
            rc = collect(out, md, &out->root.children[i], stack, 1);
    }
    if (rc)
        floe_parquet__writer_schema_free(out);
    return rc;
}

void floe_parquet__writer_schema_free(pqw_schema *s)
{
    for (size_t i = 0; s->columns && i < s->n_columns; i++) {
        floe_free(s->columns[i].path);
        floe_free(s->columns[i].dotted);
    }
    floe_free(s->columns);
    free_node(&s->root);
    memset(s, 0, sizeof *s);
}
