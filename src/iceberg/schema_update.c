/* Schema evolution: the schema is copied into a mutable tree of nodes, every operation is
 * checked and applied to the tree at once (so a failed call changes nothing), and the tree is
 * turned back into an immutable schema on apply. Deleted nodes stay in the tree, marked, so
 * later operations on them are reported as conflicts rather than as missing columns. */
#include <floe/error.h>
#include <floe/iceberg/partition.h>
#include <floe/iceberg/schema_update.h>
#include <floe/iceberg/sort_order.h>

#include <stdio.h>
#include <string.h>

#include "base/alloc.h"

typedef struct su_node su_node;
struct su_node {
    int32_t id;
    char *name;
    bool required;
    char *doc;
    char *initial_default;
    char *write_default;
    floe_type_kind kind;
    floe_type *prim; /* leaf types only */
    su_node **kids;
    size_t nkids;
    su_node *parent;
    bool deleted;
    bool added;
    bool changed; /* renamed, retyped, doc or requiredness changed */
};

struct floe_schema_update {
    floe_schema *base;
    floe_table_metadata *md;
    su_node *root;
    int32_t last_column_id;
    int32_t next_schema_id;
    bool allow_incompatible;
    bool case_sensitive;
    int format_version;
    int32_t *ident;
    size_t nident;
};

/* ---- nodes ---- */

static void node_free(su_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        node_free(n->kids[i]);
    floe_free(n->kids);
    floe_free(n->name);
    floe_free(n->doc);
    floe_free(n->initial_default);
    floe_free(n->write_default);
    floe_type_free(n->prim);
    floe_free(n);
}

static int dup_opt(char **dst, const char *src)
{
    *dst = NULL;
    if (!src)
        return 0;
    *dst = floe_strdup(src);
    return *dst ? 0 : FLOE_ENOMEM;
}

static int node_insert(su_node *parent, su_node *kid, size_t pos)
{
    su_node **k = floe_realloc(parent->kids, (parent->nkids + 1) * sizeof(*k));
    if (!k)
        return FLOE_ENOMEM;
    parent->kids = k;
    memmove(k + pos + 1, k + pos, (parent->nkids - pos) * sizeof(*k));
    k[pos] = kid;
    parent->nkids++;
    kid->parent = parent;
    return 0;
}

static int node_new_field(su_node **out, const floe_field *f, int32_t id)
{
    su_node *n = floe_calloc(1, sizeof(*n));
    if (!n)
        return FLOE_ENOMEM;
    n->id = id;
    n->required = floe_field_required(f);
    if (!(n->name = floe_strdup(floe_field_name(f))) || dup_opt(&n->doc, floe_field_doc(f)) ||
        dup_opt(&n->initial_default, floe_field_initial_default(f)) ||
        dup_opt(&n->write_default, floe_field_write_default(f))) {
        node_free(n);
        return FLOE_ENOMEM;
    }
    *out = n;
    return 0;
}

/* Fills `n` with the shape of `t`. With `fresh`, child ids are assigned from *fresh + 1 in the
 * reference order: all fields of a struct first, then the ids inside each of them. */
static int node_fill(su_node *n, const floe_type *t, int32_t *fresh)
{
    n->kind = floe_type_get_kind(t);
    if (!floe_type_is_nested(t)) {
        n->prim = floe_type_ref((floe_type *)t);
        return 0;
    }
    size_t count = floe_type_field_count(t);
    for (size_t i = 0; i < count; i++) {
        const floe_field *f = floe_type_field_at(t, i);
        su_node *k;
        int rc = node_new_field(&k, f, fresh ? ++*fresh : floe_field_id(f));
        if (rc == 0 && (rc = node_insert(n, k, n->nkids)) != 0)
            node_free(k);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < count; i++) {
        int rc = node_fill(n->kids[i], floe_field_type(floe_type_field_at(t, i)), fresh);
        if (rc)
            return rc;
    }
    return 0;
}

static su_node *node_by_id(su_node *n, int32_t id)
{
    for (size_t i = 0; i < n->nkids; i++) {
        if (n->kids[i]->id == id)
            return n->kids[i];
        su_node *r = node_by_id(n->kids[i], id);
        if (r)
            return r;
    }
    return NULL;
}

/* True when `a` equals the first `blen` bytes of `b` (ASCII case folded unless `cs`). */
static bool name_eqn(const char *a, const char *b, size_t blen, bool cs)
{
    if (strlen(a) != blen)
        return false;
    for (size_t i = 0; i < blen; i++) {
        char x = a[i], y = b[i];
        if (!cs) {
            x = x >= 'A' && x <= 'Z' ? (char)(x + 32) : x;
            y = y >= 'A' && y <= 'Z' ? (char)(y + 32) : y;
        }
        if (x != y)
            return false;
    }
    return true;
}

static su_node *live_kid(const su_node *s, const char *name, size_t len, bool cs)
{
    for (size_t i = 0; i < s->nkids; i++)
        if (!s->kids[i]->deleted && name_eqn(s->kids[i]->name, name, len, cs))
            return s->kids[i];
    return NULL;
}

static bool is_added(const su_node *n)
{
    for (; n; n = n->parent)
        if (n->added)
            return true;
    return false;
}

static bool is_deleted(const su_node *n)
{
    for (; n; n = n->parent)
        if (n->deleted)
            return true;
    return false;
}

static bool has_added_inside(const su_node *n)
{
    for (size_t i = 0; i < n->nkids; i++)
        if (n->kids[i]->added || has_added_inside(n->kids[i]))
            return true;
    return false;
}

/* Walks a dotted path by current names; lists and maps may be stepped through implicitly. */
static su_node *walk_path(su_node *n, const char *path, bool cs)
{
    while (*path) {
        const char *dot = strchr(path, '.');
        size_t len = dot ? (size_t)(dot - path) : strlen(path);
        su_node *next = NULL;
        for (int hops = 0; hops < 8 && !next; hops++) {
            if (n->kind == FLOE_TYPE_STRUCT) {
                next = live_kid(n, path, len, cs);
                break;
            } else if (n->kind == FLOE_TYPE_LIST) {
                if (len == 7 && strncmp(path, "element", 7) == 0)
                    next = n->kids[0];
                else
                    n = n->kids[0];
            } else if (n->kind == FLOE_TYPE_MAP) {
                if (len == 3 && strncmp(path, "key", 3) == 0)
                    next = n->kids[0];
                else if (len == 5 && strncmp(path, "value", 5) == 0)
                    next = n->kids[1];
                else
                    n = n->kids[1];
            } else {
                break;
            }
        }
        if (!next)
            return NULL;
        n = next;
        path += len + (dot ? 1 : 0);
    }
    return n;
}

static int find_node(su_node **out, const floe_schema_update *u, const char *name)
{
    if (!name || !*name)
        return floe_error_set(FLOE_EINVALID, "schema update: a column name is required");
    const floe_field *f = floe_schema_find_field_by_name(u->base, name, u->case_sensitive);
    su_node *n = f ? node_by_id(u->root, floe_field_id(f)) : NULL;
    if (!n) {
        n = walk_path(u->root, name, u->case_sensitive);
        if (n && !is_added(n))
            n = NULL;
    }
    if (!n)
        return floe_error_set(FLOE_ENOTFOUND,
                              "schema update: cannot find column '%s' in schema %d; names are "
                              "those of the schema before this update",
                              name, (int)floe_schema_id(u->base));
    *out = n;
    return 0;
}

static int find_live(su_node **out, const floe_schema_update *u, const char *name, const char *op)
{
    int rc = find_node(out, u, name);
    if (rc)
        return rc;
    if (is_deleted(*out))
        return floe_error_set(FLOE_EINVALID, "cannot %s column '%s': it is deleted by this update",
                              op, name);
    return 0;
}

static bool is_inner(const su_node *n)
{
    return n->parent && (n->parent->kind == FLOE_TYPE_LIST || n->parent->kind == FLOE_TYPE_MAP);
}

static bool is_map_key(const su_node *n)
{
    return n->parent && n->parent->kind == FLOE_TYPE_MAP && n->parent->kids[0] == n;
}

/* ---- type promotion ---- */

/* NULL when `from` may be promoted to `to` (equal types included), else the rule broken. */
static const char *promotion_rule(const floe_type *from, const floe_type *to, int format_version)
{
    if (floe_type_equal(from, to))
        return NULL;
    floe_type_kind fk = floe_type_get_kind(from), tk = floe_type_get_kind(to);
    if (fk == FLOE_TYPE_UNKNOWN)
        return format_version >= 3 ? NULL : "unknown can be promoted only in format version 3";
    if (floe_type_is_nested(to) || tk == FLOE_TYPE_VARIANT)
        return "only primitive types can be promoted";
    switch (fk) {
    case FLOE_TYPE_INT:
        return tk == FLOE_TYPE_LONG ? NULL : "int can only be promoted to long";
    case FLOE_TYPE_FLOAT:
        return tk == FLOE_TYPE_DOUBLE ? NULL : "float can only be promoted to double";
    case FLOE_TYPE_DECIMAL:
        if (tk != FLOE_TYPE_DECIMAL)
            return "decimal can only be promoted to a wider decimal with the same scale";
        if (floe_type_decimal_scale(from) != floe_type_decimal_scale(to))
            return "decimal scale cannot change";
        if (floe_type_decimal_precision(to) < floe_type_decimal_precision(from))
            return "decimal precision can only widen";
        return NULL;
    case FLOE_TYPE_DATE:
        if (tk != FLOE_TYPE_TIMESTAMP && tk != FLOE_TYPE_TIMESTAMP_NS)
            return "date can only be promoted to timestamp or timestamp_ns (format version 3)";
        return format_version >= 3 ? NULL
                                   : "date can be promoted to timestamp only in format version 3";
    case FLOE_TYPE_UNKNOWN:
        return format_version >= 3 ? NULL : "unknown can be promoted only in format version 3";
    default:
        return "allowed promotions are int to long, float to double and decimal(P,S) to "
               "decimal(P',S) with P' > P";
    }
}

/* A date that feeds a partition transform whose value would change with the type. */
static const char *partition_rule(const floe_schema_update *u, const su_node *n,
                                  const floe_type *to)
{
    if (!u->md || !n->prim || floe_type_get_kind(n->prim) != FLOE_TYPE_DATE ||
        floe_type_get_kind(to) == FLOE_TYPE_DATE)
        return NULL;
    size_t specs = floe_table_metadata_spec_count(u->md);
    for (size_t s = 0; s < specs; s++) {
        const floe_partition_spec *spec =
            floe_table_metadata_spec(u->md, floe_table_metadata_spec_id_at(u->md, s));
        for (size_t i = 0; spec && i < floe_partition_spec_field_count(spec); i++) {
            const floe_partition_field *pf = floe_partition_spec_field_at(spec, i);
            floe_transform_kind k = floe_partition_field_transform(pf).kind;
            if (floe_partition_field_source_id(pf) == n->id &&
                (k == FLOE_TRANSFORM_IDENTITY || k == FLOE_TRANSFORM_BUCKET ||
                 k == FLOE_TRANSFORM_TRUNCATE))
                return "it is the source of an identity, bucket or truncate partition field, "
                       "whose values would change";
        }
    }
    return NULL;
}

static const char *type_name_of(const su_node *n)
{
    return n->prim ? floe_type_string(n->prim) : floe_type_kind_name(n->kind);
}

static int retype(floe_schema_update *u, su_node *n, const char *name, floe_type *to)
{
    if (is_map_key(n))
        return floe_error_set(FLOE_ESCHEMA, "cannot change column '%s': map keys cannot change",
                              name);
    const char *rule = n->prim ? promotion_rule(n->prim, to, u->format_version)
                               : "only primitive types can be promoted";
    if (!rule)
        rule = partition_rule(u, n, to);
    if (rule)
        return floe_error_set(FLOE_ESCHEMA, "cannot change column '%s' from %s to %s: %s", name,
                              type_name_of(n), floe_type_string(to), rule);
    if (floe_type_equal(n->prim, to))
        return 0;
    if (floe_type_is_nested(to)) {
        /* v3 unknown to a nested type: the new nested fields get new ids. */
        su_node scratch = {0};
        int32_t last = u->last_column_id;
        int rc = node_fill(&scratch, to, &last);
        if (rc) {
            for (size_t i = 0; i < scratch.nkids; i++)
                node_free(scratch.kids[i]);
            floe_free(scratch.kids);
            return rc;
        }
        for (size_t i = 0; i < scratch.nkids; i++)
            scratch.kids[i]->parent = n;
        floe_type_free(n->prim);
        n->prim = NULL;
        n->kids = scratch.kids;
        n->nkids = scratch.nkids;
        n->kind = scratch.kind;
        u->last_column_id = last;
        n->changed = true;
        return 0;
    }
    floe_type_free(n->prim);
    n->prim = floe_type_ref(to);
    n->kind = floe_type_get_kind(to);
    n->changed = true;
    return 0;
}

/* ---- lifecycle ---- */

static int start(floe_schema_update **out, floe_schema *schema, floe_table_metadata *md,
                 int32_t last_column_id, int32_t next_schema_id,
                 const floe_schema_update_options *options)
{
    floe_schema_update_options defaults = FLOE_SCHEMA_UPDATE_OPTIONS_INIT;
    if (!options)
        options = &defaults;
    if (options->version != FLOE_SCHEMA_UPDATE_OPTIONS_VERSION)
        return floe_error_set(FLOE_EVERSION, "schema update: options version %u, expected %u",
                              options->version, FLOE_SCHEMA_UPDATE_OPTIONS_VERSION);
    floe_schema_update *u = floe_calloc(1, sizeof(*u));
    if (!u)
        return FLOE_ENOMEM;
    u->base = floe_schema_ref(schema);
    u->md = md ? floe_table_metadata_acquire(md) : NULL;
    u->allow_incompatible = options->allow_incompatible_changes;
    u->case_sensitive = options->case_sensitive;
    u->format_version = options->format_version ? options->format_version
                                                : (md ? floe_table_metadata_format_version(md) : 2);
    int32_t highest = floe_schema_highest_field_id(schema);
    u->last_column_id = last_column_id > highest ? last_column_id : highest;
    u->next_schema_id = next_schema_id;
    size_t nident;
    const int32_t *ident = floe_schema_identifier_field_ids(schema, &nident);
    int rc = 0;
    if (nident) {
        u->ident = floe_malloc(nident * sizeof(*u->ident));
        if (!u->ident)
            rc = FLOE_ENOMEM;
        else
            memcpy(u->ident, ident, nident * sizeof(*ident));
        u->nident = nident;
    }
    if (rc == 0 && !(u->root = floe_calloc(1, sizeof(*u->root))))
        rc = FLOE_ENOMEM;
    if (rc == 0) {
        u->root->id = -1;
        rc = node_fill(u->root, floe_schema_struct(schema), NULL);
    }
    if (rc) {
        floe_schema_update_free(u);
        return rc;
    }
    *out = u;
    return 0;
}

int floe_schema_update_new(floe_schema_update **out, floe_table_metadata *metadata,
                           const floe_schema_update_options *options)
{
    if (!out || !metadata)
        return floe_error_set(FLOE_EINVALID, "schema update: metadata is required");
    int32_t next = 0;
    for (size_t i = 0; i < floe_table_metadata_schema_count(metadata); i++) {
        int id = floe_table_metadata_schema_id_at(metadata, i);
        if (id + 1 > next)
            next = id + 1;
    }
    floe_schema *current = (floe_schema *)floe_table_metadata_current_schema(metadata);
    return start(out, current, metadata, floe_table_metadata_last_column_id(metadata), next,
                 options);
}

int floe_schema_update_new_for_schema(floe_schema_update **out, floe_schema *schema,
                                      int32_t last_column_id,
                                      const floe_schema_update_options *options)
{
    if (!out || !schema)
        return floe_error_set(FLOE_EINVALID, "schema update: schema is required");
    return start(out, schema, NULL, last_column_id, floe_schema_id(schema) + 1, options);
}

void floe_schema_update_free(floe_schema_update *u)
{
    if (!u)
        return;
    node_free(u->root);
    floe_schema_free(u->base);
    floe_table_metadata_release(u->md);
    floe_free(u->ident);
    floe_free(u);
}

int32_t floe_schema_update_last_column_id(const floe_schema_update *u)
{
    return u->last_column_id;
}

/* ---- operations ---- */

/* The struct a column is added to: the parent itself, or the struct element/value of a
 * list/map parent. */
static int add_target(su_node **out, floe_schema_update *u, const char *parent)
{
    if (!parent) {
        *out = u->root;
        return 0;
    }
    su_node *p;
    int rc = find_live(&p, u, parent, "add columns to");
    if (rc)
        return rc;
    if (p->kind == FLOE_TYPE_LIST)
        p = p->kids[0];
    else if (p->kind == FLOE_TYPE_MAP)
        p = p->kids[1];
    for (const su_node *a = p; a; a = a->parent)
        if (is_map_key(a))
            return floe_error_set(FLOE_EINVALID,
                                  "cannot add a column to '%s': map keys cannot change", parent);
    if (p->kind != FLOE_TYPE_STRUCT)
        return floe_error_set(FLOE_EINVALID,
                              "cannot add a column to '%s': it is a %s, not a struct (nor a "
                              "list or map of structs)",
                              parent, type_name_of(p));
    *out = p;
    return 0;
}

static int add_node(floe_schema_update *u, su_node *target, const char *display, const char *name,
                    floe_type *type, const char *doc, bool required, const char *initial_default,
                    const char *write_default)
{
    if (!name || !*name || !type)
        return floe_error_set(FLOE_EINVALID, "schema update: a new column needs a name and type");
    if (live_kid(target, name, strlen(name), u->case_sensitive))
        return floe_error_set(FLOE_EINVALID,
                              "cannot add column '%s': a column with that name already exists",
                              display);
    su_node *n = floe_calloc(1, sizeof(*n));
    if (!n)
        return FLOE_ENOMEM;
    int32_t last = u->last_column_id;
    n->id = ++last;
    n->required = required;
    n->added = true;
    int rc = 0;
    if (!(n->name = floe_strdup(name)) || dup_opt(&n->doc, doc) ||
        dup_opt(&n->initial_default, initial_default) || dup_opt(&n->write_default, write_default))
        rc = FLOE_ENOMEM;
    if (rc == 0)
        rc = node_fill(n, type, &last);
    if (rc == 0)
        rc = node_insert(target, n, target->nkids);
    if (rc) {
        node_free(n);
        return rc;
    }
    u->last_column_id = last;
    return 0;
}

static int add_checked(floe_schema_update *u, const char *parent, const char *name, floe_type *type,
                       const char *doc, bool required, const char *init, const char *wdef)
{
    if (!u)
        return floe_error_set(FLOE_EINVALID, "schema update: update is NULL");
    if (!parent && name && strchr(name, '.'))
        return floe_error_set(FLOE_EINVALID,
                              "cannot add column '%s': the name is ambiguous; pass the parent "
                              "struct as `parent` and a name without '.'",
                              name);
    char display[512];
    snprintf(display, sizeof(display), "%s%s%s", parent ? parent : "", parent ? "." : "",
             name ? name : "");
    if (required && !init && !u->allow_incompatible)
        return floe_error_set(FLOE_ESCHEMA,
                              "cannot add required column '%s': existing rows have no value for "
                              "it; give an initial default or set allow_incompatible_changes",
                              display);
    su_node *target = NULL;
    int rc = add_target(&target, u, parent);
    if (rc)
        return rc;
    return add_node(u, target, display, name, type, doc, required, init, wdef);
}

int floe_schema_update_add_column(floe_schema_update *u, const char *parent, const char *name,
                                  floe_type *type, const char *doc)
{
    return add_checked(u, parent, name, type, doc, false, NULL, NULL);
}

int floe_schema_update_add_required_column(floe_schema_update *u, const char *parent,
                                           const char *name, floe_type *type, const char *doc,
                                           const char *initial_default_json,
                                           const char *write_default_json)
{
    return add_checked(u, parent, name, type, doc, true, initial_default_json, write_default_json);
}

int floe_schema_update_rename_column(floe_schema_update *u, const char *name, const char *new_name)
{
    su_node *n;
    int rc = find_live(&n, u, name, "rename");
    if (rc)
        return rc;
    if (!new_name || !*new_name)
        return floe_error_set(FLOE_EINVALID, "cannot rename column '%s': the new name is empty",
                              name);
    if (is_inner(n))
        return floe_error_set(FLOE_EINVALID,
                              "cannot rename column '%s': list elements and map keys and values "
                              "have fixed names",
                              name);
    su_node *other = live_kid(n->parent, new_name, strlen(new_name), u->case_sensitive);
    if (other && other != n)
        return floe_error_set(FLOE_EINVALID,
                              "cannot rename column '%s' to '%s': a column with that name "
                              "already exists",
                              name, new_name);
    char *dup = floe_strdup(new_name);
    if (!dup)
        return FLOE_ENOMEM;
    floe_free(n->name);
    n->name = dup;
    n->changed = true;
    return 0;
}

int floe_schema_update_update_column_type(floe_schema_update *u, const char *name, floe_type *type)
{
    su_node *n;
    int rc = find_live(&n, u, name, "change the type of");
    if (rc)
        return rc;
    if (!type)
        return floe_error_set(FLOE_EINVALID, "cannot change column '%s': no type given", name);
    return retype(u, n, name, type);
}

int floe_schema_update_update_column_doc(floe_schema_update *u, const char *name, const char *doc)
{
    su_node *n;
    int rc = find_live(&n, u, name, "set the doc of");
    if (rc)
        return rc;
    char *dup = NULL;
    if (dup_opt(&dup, doc))
        return FLOE_ENOMEM;
    floe_free(n->doc);
    n->doc = dup;
    n->changed = true;
    return 0;
}

int floe_schema_update_make_column_optional(floe_schema_update *u, const char *name)
{
    su_node *n;
    int rc = find_live(&n, u, name, "make optional");
    if (rc)
        return rc;
    if (is_map_key(n))
        return floe_error_set(
            FLOE_ESCHEMA, "cannot make column '%s' optional: map keys are always required", name);
    if (n->required) {
        n->required = false;
        n->changed = true;
    }
    return 0;
}

int floe_schema_update_require_column(floe_schema_update *u, const char *name)
{
    su_node *n;
    int rc = find_live(&n, u, name, "require");
    if (rc)
        return rc;
    if (n->required)
        return 0;
    if (!u->allow_incompatible && !(n->added && n->initial_default))
        return floe_error_set(FLOE_ESCHEMA,
                              "cannot make column '%s' required: existing rows may hold nulls; "
                              "set allow_incompatible_changes to force it",
                              name);
    n->required = true;
    n->changed = true;
    return 0;
}

static bool subtree_has_id(const su_node *n, int32_t id)
{
    if (n->id == id)
        return true;
    for (size_t i = 0; i < n->nkids; i++)
        if (subtree_has_id(n->kids[i], id))
            return true;
    return false;
}

/* The builder refuses a current schema that lacks a source column of the default partition
 * spec or sort order, so say which one to change first. */
static int check_not_a_source(const floe_schema_update *u, const su_node *n, const char *name)
{
    if (!u->md)
        return 0;
    const floe_partition_spec *spec = floe_table_metadata_default_spec(u->md);
    for (size_t i = 0; i < floe_partition_spec_field_count(spec); i++) {
        const floe_partition_field *pf = floe_partition_spec_field_at(spec, i);
        if (floe_partition_field_transform(pf).kind != FLOE_TRANSFORM_VOID &&
            subtree_has_id(n, floe_partition_field_source_id(pf)))
            return floe_error_set(FLOE_ESCHEMA,
                                  "cannot delete column '%s': partition field '%s' of the default "
                                  "spec %d uses it; remove that partition field first",
                                  name, floe_partition_field_name(pf),
                                  (int)floe_partition_spec_id(spec));
    }
    const floe_sort_order *order = floe_table_metadata_default_sort_order(u->md);
    for (size_t i = 0; i < floe_sort_order_field_count(order); i++)
        if (subtree_has_id(n, floe_sort_field_source_id(floe_sort_order_field_at(order, i))))
            return floe_error_set(FLOE_ESCHEMA,
                                  "cannot delete column '%s': the default sort order %d uses it; "
                                  "change the sort order first",
                                  name, (int)floe_sort_order_id(order));
    return 0;
}

int floe_schema_update_delete_column(floe_schema_update *u, const char *name)
{
    su_node *n;
    int rc = find_node(&n, u, name);
    if (rc)
        return rc;
    if (is_deleted(n))
        return floe_error_set(FLOE_EINVALID, "cannot delete column '%s': it is already deleted",
                              name);
    if (is_inner(n))
        return floe_error_set(FLOE_EINVALID,
                              "cannot delete column '%s': list elements and map keys and values "
                              "can only go with their list or map",
                              name);
    if (is_added(n))
        return floe_error_set(FLOE_EINVALID,
                              "cannot delete column '%s': it is added by this update", name);
    if (has_added_inside(n))
        return floe_error_set(FLOE_EINVALID,
                              "cannot delete column '%s': columns are added to it by this update",
                              name);
    if (n->changed)
        return floe_error_set(FLOE_EINVALID,
                              "cannot delete column '%s': it is renamed, retyped or otherwise "
                              "changed by this update",
                              name);
    if ((rc = check_not_a_source(u, n, name)) != 0)
        return rc;
    n->deleted = true;
    return 0;
}

static int move(floe_schema_update *u, const char *name, const char *ref, int where)
{
    su_node *n, *r = NULL;
    int rc = find_live(&n, u, name, "move");
    if (rc)
        return rc;
    if (n->parent->kind != FLOE_TYPE_STRUCT)
        return floe_error_set(FLOE_EINVALID, "cannot move column '%s': it is not in a struct",
                              name);
    if (where != 0) {
        if ((rc = find_live(&r, u, ref, "move a column next to")) != 0)
            return rc;
        if (r == n)
            return floe_error_set(FLOE_EINVALID, "cannot move column '%s' relative to itself",
                                  name);
        if (r->parent != n->parent)
            return floe_error_set(FLOE_EINVALID,
                                  "cannot move column '%s' %s '%s': they are in different "
                                  "structs",
                                  name, where < 0 ? "before" : "after", ref);
    }
    su_node *p = n->parent;
    size_t from = 0;
    while (p->kids[from] != n)
        from++;
    memmove(p->kids + from, p->kids + from + 1, (p->nkids - from - 1) * sizeof(*p->kids));
    p->nkids--;
    size_t to = 0;
    if (r) {
        while (p->kids[to] != r)
            to++;
        if (where > 0)
            to++;
    }
    memmove(p->kids + to + 1, p->kids + to, (p->nkids - to) * sizeof(*p->kids));
    p->kids[to] = n;
    p->nkids++;
    return 0;
}

int floe_schema_update_move_first(floe_schema_update *u, const char *name)
{
    return move(u, name, NULL, 0);
}

int floe_schema_update_move_before(floe_schema_update *u, const char *name, const char *before_name)
{
    return move(u, name, before_name, -1);
}

int floe_schema_update_move_after(floe_schema_update *u, const char *name, const char *after_name)
{
    return move(u, name, after_name, 1);
}

int floe_schema_update_set_identifier_fields(floe_schema_update *u, const char *const *names,
                                             size_t count)
{
    int32_t *ids = NULL;
    if (count && !(ids = floe_calloc(count, sizeof(*ids))))
        return FLOE_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        su_node *f;
        int rc = find_live(&f, u, names[i], "use as identifier");
        if (rc) {
            floe_free(ids);
            return rc;
        }
        bool dup = false;
        for (size_t j = 0; j < n; j++)
            dup = dup || ids[j] == f->id;
        if (!dup)
            ids[n++] = f->id;
    }
    floe_free(u->ident);
    u->ident = ids;
    u->nident = n;
    return 0;
}

/* ---- union by name ---- */

static int path_of(char *buf, size_t cap, const su_node *n)
{
    if (!n->parent || n->parent->id == -1)
        return snprintf(buf, cap, "%s", n->name);
    int len = path_of(buf, cap, n->parent);
    if (len >= 0 && (size_t)len < cap)
        len += snprintf(buf + len, cap - (size_t)len, ".%s", n->name);
    return len;
}

static int union_struct(floe_schema_update *u, su_node *target, const floe_type *src);

static int union_field(floe_schema_update *u, su_node *n, const floe_field *f)
{
    floe_type *t = floe_field_type(f);
    char path[512];
    path_of(path, sizeof(path), n);
    int rc = 0;
    if (!floe_type_is_nested(t) && n->prim) {
        if (!floe_type_equal(n->prim, t)) {
            if (!promotion_rule(t, n->prim, u->format_version))
                rc = 0; /* the table's type is already wider */
            else
                rc = retype(u, n, path, t);
        }
    } else if (floe_type_get_kind(t) != n->kind) {
        rc = floe_error_set(FLOE_ESCHEMA, "cannot change column '%s' from %s to %s: %s", path,
                            type_name_of(n), floe_type_string(t),
                            "a column cannot change between primitive, struct, list and map");
    } else if (n->kind == FLOE_TYPE_STRUCT) {
        rc = union_struct(u, n, t);
    } else {
        for (size_t i = 0; rc == 0 && i < n->nkids; i++)
            rc = union_field(u, n->kids[i], floe_type_field_at(t, i));
    }
    if (rc)
        return rc;
    if (!floe_field_required(f) && n->required && !is_map_key(n)) {
        n->required = false;
        n->changed = true;
    }
    const char *doc = floe_field_doc(f);
    if (doc && (!n->doc || strcmp(doc, n->doc) != 0)) {
        char *dup = floe_strdup(doc);
        if (!dup)
            return FLOE_ENOMEM;
        floe_free(n->doc);
        n->doc = dup;
        n->changed = true;
    }
    return 0;
}

static int union_struct(floe_schema_update *u, su_node *target, const floe_type *src)
{
    for (size_t i = 0; i < floe_type_field_count(src); i++) {
        const floe_field *f = floe_type_field_at(src, i);
        const char *name = floe_field_name(f);
        su_node *n = live_kid(target, name, strlen(name), u->case_sensitive);
        int rc;
        if (n) {
            rc = union_field(u, n, f);
        } else {
            char display[512];
            int len = target->id == -1 ? 0 : path_of(display, sizeof(display), target);
            snprintf(display + len, sizeof(display) - (size_t)len, "%s%s", len ? "." : "", name);
            rc = add_node(u, target, display, name, floe_field_type(f), floe_field_doc(f), false,
                          NULL, NULL);
        }
        if (rc)
            return rc;
    }
    return 0;
}

/* Union works on a scratch copy of the tree so that a failure part-way leaves the update
 * unchanged. */
static int tree_copy(su_node **out, const su_node *n)
{
    su_node *c = floe_calloc(1, sizeof(*c));
    if (!c)
        return FLOE_ENOMEM;
    *c = *n;
    c->kids = NULL;
    c->nkids = 0;
    c->parent = NULL;
    c->name = c->doc = c->initial_default = c->write_default = NULL;
    c->prim = n->prim ? floe_type_ref(n->prim) : NULL;
    int rc = 0;
    if ((n->name && !(c->name = floe_strdup(n->name))) || dup_opt(&c->doc, n->doc) ||
        dup_opt(&c->initial_default, n->initial_default) ||
        dup_opt(&c->write_default, n->write_default))
        rc = FLOE_ENOMEM;
    for (size_t i = 0; rc == 0 && i < n->nkids; i++) {
        su_node *k;
        if ((rc = tree_copy(&k, n->kids[i])) == 0 && (rc = node_insert(c, k, c->nkids)) != 0)
            node_free(k);
    }
    if (rc) {
        node_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

int floe_schema_update_union_by_name(floe_schema_update *u, const floe_schema *schema)
{
    if (!u || !schema)
        return floe_error_set(FLOE_EINVALID, "schema update: union needs a schema");
    su_node *saved;
    int rc = tree_copy(&saved, u->root);
    if (rc)
        return rc;
    int32_t saved_last = u->last_column_id;
    rc = union_struct(u, u->root, floe_schema_struct(schema));
    if (rc) {
        node_free(u->root);
        u->root = saved;
        u->last_column_id = saved_last;
        return rc;
    }
    node_free(saved);
    return 0;
}

int floe_schema_update_union_by_name_arrow(floe_schema_update *u, const struct ArrowSchema *arrow)
{
    floe_schema *s;
    int rc = floe_schema_from_arrow(&s, arrow, 0);
    if (rc)
        return floe_error_wrap(rc, "schema update: union with an Arrow schema");
    rc = floe_schema_update_union_by_name(u, s);
    floe_schema_free(s);
    return rc;
}

/* ---- apply ---- */

static int build_type(floe_type **out, const su_node *n);

static int build_field(floe_field **out, const su_node *k)
{
    floe_type *t;
    int rc = build_type(&t, k);
    if (rc)
        return rc;
    rc = floe_field_new(out, k->id, k->name, k->required, t, k->doc);
    floe_type_free(t);
    if (rc == 0 && (k->initial_default || k->write_default) &&
        (rc = floe_field_set_defaults(*out, k->initial_default, k->write_default)) != 0) {
        floe_field_free(*out);
        *out = NULL;
    }
    return rc;
}

static int build_type(floe_type **out, const su_node *n)
{
    if (n->kind == FLOE_TYPE_LIST || n->kind == FLOE_TYPE_MAP) {
        floe_type *a = NULL, *b = NULL;
        int rc = build_type(&a, n->kids[0]);
        if (rc == 0 && n->kind == FLOE_TYPE_MAP)
            rc = build_type(&b, n->kids[1]);
        if (rc == 0)
            rc = n->kind == FLOE_TYPE_LIST
                     ? floe_type_new_list(out, n->kids[0]->id, n->kids[0]->required, a)
                     : floe_type_new_map(out, n->kids[0]->id, a, n->kids[1]->id,
                                         n->kids[1]->required, b);
        floe_type_free(a);
        floe_type_free(b);
        return rc;
    }
    if (n->kind != FLOE_TYPE_STRUCT) {
        *out = floe_type_ref(n->prim);
        return 0;
    }
    floe_field **fields = floe_calloc(n->nkids ? n->nkids : 1, sizeof(*fields));
    if (!fields)
        return FLOE_ENOMEM;
    size_t count = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n->nkids; i++)
        if (!n->kids[i]->deleted && (rc = build_field(&fields[count], n->kids[i])) == 0)
            count++;
    if (rc) {
        for (size_t i = 0; i < count; i++)
            floe_field_free(fields[i]);
    } else {
        rc = floe_type_new_struct(out, fields, count);
    }
    floe_free(fields);
    return rc;
}

static int check_identifier(const floe_schema_update *u, int32_t id)
{
    su_node *n = node_by_id(u->root, id);
    char path[512] = "";
    if (n)
        path_of(path, sizeof(path), n);
    if (!n || is_deleted(n))
        return floe_error_set(FLOE_ESCHEMA,
                              "cannot delete column '%s': it is an identifier field; remove it "
                              "from the identifier fields first",
                              n ? path : floe_schema_find_column_name(u->base, id));
    const char *rule = NULL;
    if (!n->required)
        rule = "it must be required";
    else if (!n->prim || n->kind == FLOE_TYPE_VARIANT)
        rule = "it must be a primitive type";
    else if (n->kind == FLOE_TYPE_FLOAT || n->kind == FLOE_TYPE_DOUBLE)
        rule = "it must not be float or double";
    for (const su_node *p = n->parent; !rule && p && p->id != -1; p = p->parent) {
        if (p->kind != FLOE_TYPE_STRUCT)
            rule = "it must not be nested in a list or map";
        else if (!p->required)
            rule = "it must not be nested in an optional struct";
    }
    if (rule)
        return floe_error_set(FLOE_ESCHEMA, "column '%s' cannot be an identifier field: %s", path,
                              rule);
    return 0;
}

static int apply_with_id(floe_schema **out, const floe_schema_update *u, int32_t schema_id)
{
    for (size_t i = 0; i < u->nident; i++) {
        int rc = check_identifier(u, u->ident[i]);
        if (rc)
            return rc;
    }
    floe_type *t;
    int rc = build_type(&t, u->root);
    if (rc)
        return floe_error_wrap(rc, "schema update: building the new schema");
    rc = floe_schema_new(out, schema_id, t, u->ident, u->nident);
    floe_type_free(t);
    return rc ? floe_error_wrap(rc, "schema update: building the new schema") : 0;
}

int floe_schema_update_apply(floe_schema **out, const floe_schema_update *u)
{
    if (!out || !u)
        return floe_error_set(FLOE_EINVALID, "schema update: NULL argument");
    return apply_with_id(out, u, u->next_schema_id);
}

void floe_table_changes_clear(floe_table_changes *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->requirement_count; i++)
        floe_requirement_free(c->requirements[i]);
    for (size_t i = 0; i < c->update_count; i++)
        floe_update_free(c->updates[i]);
    floe_free(c->requirements);
    floe_free(c->updates);
    memset(c, 0, sizeof(*c));
}

int floe_schema_update_commit(floe_table_changes *out, floe_schema **new_schema,
                              const floe_schema_update *u)
{
    if (!out || !u)
        return floe_error_set(FLOE_EINVALID, "schema update: NULL argument");
    memset(out, 0, sizeof(*out));
    floe_schema *s;
    int rc = apply_with_id(&s, u, u->next_schema_id);
    if (rc)
        return rc;
    int32_t current = floe_schema_id(u->base);
    int32_t reuse = -2;
    if (u->md) {
        for (size_t i = 0; reuse == -2 && i < floe_table_metadata_schema_count(u->md); i++) {
            int id = floe_table_metadata_schema_id_at(u->md, i);
            if (floe_schema_same(floe_table_metadata_schema(u->md, id), s))
                reuse = id;
        }
    } else if (floe_schema_same(u->base, s)) {
        reuse = current;
    }
    if (reuse >= 0 && reuse != floe_schema_id(s)) {
        floe_schema *again;
        if ((rc = floe_schema_with_id(&again, s, reuse)) != 0) {
            floe_schema_free(s);
            return rc;
        }
        floe_schema_free(s);
        s = again;
    }
    out->requirements = floe_calloc(2, sizeof(*out->requirements));
    out->updates = floe_calloc(2, sizeof(*out->updates));
    if (!out->requirements || !out->updates)
        rc = FLOE_ENOMEM;
    if (rc == 0 &&
        (rc = floe_requirement_assert_current_schema_id(&out->requirements[0], current)) == 0)
        out->requirement_count = 1;
    if (rc == 0 && reuse == -2) {
        int32_t last = u->md ? floe_table_metadata_last_column_id(u->md) : -1;
        if (last >= 0 &&
            (rc = floe_requirement_assert_last_assigned_field_id(&out->requirements[1], last)) == 0)
            out->requirement_count = 2;
        if (rc == 0 &&
            (rc = floe_update_add_schema_object(&out->updates[0], s, u->last_column_id)) == 0)
            out->update_count = 1;
        if (rc == 0 &&
            (rc = floe_update_set_current_schema(&out->updates[1], FLOE_LAST_ADDED)) == 0)
            out->update_count = 2;
    } else if (rc == 0 && reuse != current) {
        if ((rc = floe_update_set_current_schema(&out->updates[0], reuse)) == 0)
            out->update_count = 1;
    }
    if (rc) {
        floe_table_changes_clear(out);
        floe_schema_free(s);
        return rc;
    }
    if (new_schema)
        *new_schema = s;
    else
        floe_schema_free(s);
    return 0;
}
