/* Partition evolution: the default spec's fields are copied into a list that the operations
 * edit (marking removals rather than dropping them, so that conflicts can be reported), and
 * the list becomes a new spec on apply. */
#include <floe/error.h>
#include <floe/iceberg/spec_update.h>

#include <stdio.h>
#include <string.h>

#include "base/alloc.h"

typedef struct sp_field {
    int32_t source_id;
    int32_t field_id;
    char *name;      /* current name */
    char *orig_name; /* name in the base spec (NULL for added fields) */
    char *transform; /* transform string */
    floe_transform t;
    bool removed;
    bool added;
    bool renamed;
} sp_field;

struct floe_spec_update {
    floe_table_metadata *md;
    const floe_schema *schema;
    sp_field *f;
    size_t n;
    int32_t last_partition_id;
    int32_t next_spec_id;
    int format_version;
    bool case_sensitive;
};

void floe_spec_update_free(floe_spec_update *u)
{
    if (!u)
        return;
    for (size_t i = 0; i < u->n; i++) {
        floe_free(u->f[i].name);
        floe_free(u->f[i].orig_name);
        floe_free(u->f[i].transform);
    }
    floe_free(u->f);
    floe_table_metadata_release(u->md);
    floe_free(u);
}

static int push(floe_spec_update *u, int32_t source_id, int32_t field_id, const char *name,
                const char *transform, bool added)
{
    sp_field *f = floe_realloc(u->f, (u->n + 1) * sizeof(*f));
    if (!f)
        return FLOE_ENOMEM;
    u->f = f;
    sp_field *x = &f[u->n];
    memset(x, 0, sizeof(*x));
    x->source_id = source_id;
    x->field_id = field_id;
    x->added = added;
    x->name = floe_strdup(name);
    x->transform = floe_strdup(transform);
    x->orig_name = added ? NULL : floe_strdup(name);
    if (!x->name || !x->transform || (!added && !x->orig_name)) {
        floe_free(x->name);
        floe_free(x->transform);
        floe_free(x->orig_name);
        return FLOE_ENOMEM;
    }
    if (floe_transform_parse(&x->t, transform) != 0)
        x->t.kind = FLOE_TRANSFORM_UNKNOWN;
    u->n++;
    return 0;
}

int floe_spec_update_new(floe_spec_update **out, floe_table_metadata *md,
                         const floe_spec_update_options *options)
{
    floe_spec_update_options defaults = FLOE_SPEC_UPDATE_OPTIONS_INIT;
    if (!options)
        options = &defaults;
    if (!out || !md)
        return floe_error_set(FLOE_EINVALID, "partition spec update: metadata is required");
    if (options->version != FLOE_SPEC_UPDATE_OPTIONS_VERSION)
        return floe_error_set(FLOE_EVERSION,
                              "partition spec update: options version %u, expected %u",
                              options->version, FLOE_SPEC_UPDATE_OPTIONS_VERSION);
    floe_spec_update *u = floe_calloc(1, sizeof(*u));
    if (!u)
        return FLOE_ENOMEM;
    u->md = floe_table_metadata_acquire(md);
    u->schema = floe_table_metadata_current_schema(md);
    u->format_version = floe_table_metadata_format_version(md);
    u->case_sensitive = options->case_sensitive;
    u->last_partition_id = floe_table_metadata_last_partition_id(md);
    for (size_t i = 0; i < floe_table_metadata_spec_count(md); i++) {
        int id = floe_table_metadata_spec_id_at(md, i);
        if (id + 1 > u->next_spec_id)
            u->next_spec_id = id + 1;
    }
    const floe_partition_spec *base = floe_table_metadata_default_spec(md);
    for (size_t i = 0; i < floe_partition_spec_field_count(base); i++) {
        const floe_partition_field *pf = floe_partition_spec_field_at(base, i);
        int32_t fid = floe_partition_field_id(pf);
        if (fid > u->last_partition_id)
            u->last_partition_id = fid;
        int rc = push(u, floe_partition_field_source_id(pf), fid, floe_partition_field_name(pf),
                      floe_partition_field_transform_string(pf), false);
        if (rc) {
            floe_spec_update_free(u);
            return rc;
        }
    }
    if (u->last_partition_id < FLOE_PARTITION_FIRST_FIELD_ID - 1)
        u->last_partition_id = FLOE_PARTITION_FIRST_FIELD_ID - 1;
    *out = u;
    return 0;
}

/* A removed field still holds its name in v1, where it stays in the spec as void. */
static bool holds_name(const floe_spec_update *u, const sp_field *f)
{
    return !f->removed || u->format_version < 2;
}

static sp_field *field_named(floe_spec_update *u, const char *name)
{
    for (size_t i = 0; i < u->n; i++)
        if (holds_name(u, &u->f[i]) && strcmp(u->f[i].name, name) == 0)
            return &u->f[i];
    return NULL;
}

/* Fields are addressed by their base-spec names; fields added here by their new names. */
static int field_by_base_name(sp_field **out, floe_spec_update *u, const char *name)
{
    for (size_t i = 0; name && i < u->n; i++) {
        sp_field *f = &u->f[i];
        if (f->added ? strcmp(f->name, name) == 0 : strcmp(f->orig_name, name) == 0) {
            *out = f;
            return 0;
        }
    }
    return floe_error_set(FLOE_ENOTFOUND,
                          "partition spec update: no partition field named '%s' in spec %d",
                          name ? name : "(null)", floe_table_metadata_default_spec_id(u->md));
}

static int resolve(const floe_field **col, floe_transform *t, floe_spec_update *u,
                   const char *source_name, const char *transform)
{
    if (!source_name || !transform)
        return floe_error_set(FLOE_EINVALID,
                              "partition spec update: a source column and transform are needed");
    *col = floe_schema_find_field_by_name(u->schema, source_name, u->case_sensitive);
    if (!*col)
        return floe_error_set(FLOE_ENOTFOUND,
                              "partition spec update: cannot find source column '%s' in the "
                              "current schema",
                              source_name);
    int rc = floe_transform_parse(t, transform);
    if (rc)
        return rc;
    if (t->kind == FLOE_TRANSFORM_UNKNOWN || t->kind == FLOE_TRANSFORM_VOID)
        return floe_error_set(FLOE_EINVALID,
                              "partition spec update: cannot partition by '%s'; use identity, "
                              "bucket[N], truncate[W], year, month, day or hour",
                              transform);
    return 0;
}

static bool is_time(floe_transform t)
{
    return t.kind == FLOE_TRANSFORM_YEAR || t.kind == FLOE_TRANSFORM_MONTH ||
           t.kind == FLOE_TRANSFORM_DAY || t.kind == FLOE_TRANSFORM_HOUR;
}

static int default_name(char *buf, size_t cap, const char *col, floe_transform t)
{
    switch (t.kind) {
    case FLOE_TRANSFORM_IDENTITY:
        return snprintf(buf, cap, "%s", col);
    case FLOE_TRANSFORM_BUCKET:
        return snprintf(buf, cap, "%s_bucket_%d", col, (int)t.param);
    case FLOE_TRANSFORM_TRUNCATE:
        return snprintf(buf, cap, "%s_trunc_%d", col, (int)t.param);
    case FLOE_TRANSFORM_YEAR:
        return snprintf(buf, cap, "%s_year", col);
    case FLOE_TRANSFORM_MONTH:
        return snprintf(buf, cap, "%s_month", col);
    case FLOE_TRANSFORM_DAY:
        return snprintf(buf, cap, "%s_day", col);
    case FLOE_TRANSFORM_HOUR:
        return snprintf(buf, cap, "%s_hour", col);
    default:
        return snprintf(buf, cap, "%s_null", col);
    }
}

static int check_name_free(floe_spec_update *u, const char *name, int32_t source_id,
                           floe_transform t, const sp_field *self)
{
    sp_field *other = field_named(u, name);
    if (other && other != self)
        return floe_error_set(FLOE_EINVALID,
                              "partition spec update: the name '%s' is already used by partition "
                              "field %d",
                              name, (int)other->field_id);
    const floe_field *col = floe_schema_find_field_by_name(u->schema, name, true);
    if (col && !(t.kind == FLOE_TRANSFORM_IDENTITY && floe_field_id(col) == source_id))
        return floe_error_set(FLOE_EINVALID,
                              "partition spec update: the name '%s' is a schema column; only an "
                              "identity field of that column may use it",
                              name);
    return 0;
}

int floe_spec_update_add_field(floe_spec_update *u, const char *source_name, const char *transform,
                               const char *name)
{
    const floe_field *col;
    floe_transform t;
    int rc = resolve(&col, &t, u, source_name, transform);
    if (rc)
        return rc;
    int32_t sid = floe_field_id(col);
    char tbuf[FLOE_TRANSFORM_BUF];
    floe_transform_format(t, tbuf);
    if (!floe_transform_can_apply(t, floe_field_type(col)))
        return floe_error_set(FLOE_EINVALID,
                              "partition spec update: cannot partition by %s(%s): the transform "
                              "does not apply to %s",
                              tbuf, source_name, floe_type_string(floe_field_type(col)));
    for (size_t i = 0; i < u->n; i++) {
        sp_field *f = &u->f[i];
        if (f->source_id != sid || f->t.kind == FLOE_TRANSFORM_VOID)
            continue;
        if (floe_transform_equal(f->t, t)) {
            if (!f->removed)
                return floe_error_set(FLOE_EINVALID,
                                      "partition spec update: cannot add %s(%s): partition field "
                                      "'%s' already partitions by it",
                                      tbuf, source_name, f->name);
            /* Adding back a field removed in this update keeps it, under the new name. */
            const char *keep = name ? name : f->orig_name;
            f->removed = false;
            if ((rc = check_name_free(u, keep, sid, t, f)) != 0) {
                f->removed = true;
                return rc;
            }
            char *dup = floe_strdup(keep);
            if (!dup) {
                f->removed = true;
                return FLOE_ENOMEM;
            }
            floe_free(f->name);
            f->name = dup;
            f->renamed = strcmp(dup, f->orig_name) != 0;
            return 0;
        }
        if (!f->removed && is_time(t) && is_time(f->t)) {
            char fbuf[FLOE_TRANSFORM_BUF];
            return floe_error_set(FLOE_EINVALID,
                                  "partition spec update: cannot add %s(%s): redundant with "
                                  "partition field '%s' (%s of the same column); remove it first",
                                  tbuf, source_name, f->name, floe_transform_format(f->t, fbuf));
        }
    }
    /* Reuse the id of the same partition in any earlier spec so that manifests agree. */
    int32_t fid = -1;
    char recycled[512] = "";
    for (size_t s = 0;
         u->format_version >= 2 && fid < 0 && s < floe_table_metadata_spec_count(u->md); s++) {
        const floe_partition_spec *spec =
            floe_table_metadata_spec(u->md, floe_table_metadata_spec_id_at(u->md, s));
        for (size_t i = 0; spec && fid < 0 && i < floe_partition_spec_field_count(spec); i++) {
            const floe_partition_field *pf = floe_partition_spec_field_at(spec, i);
            if (floe_partition_field_source_id(pf) == sid &&
                floe_transform_equal(floe_partition_field_transform(pf), t) &&
                (!name || strcmp(name, floe_partition_field_name(pf)) == 0)) {
                fid = floe_partition_field_id(pf);
                snprintf(recycled, sizeof(recycled), "%s", floe_partition_field_name(pf));
            }
        }
    }
    char gen[512];
    if (!name) {
        if (recycled[0])
            name = recycled;
        else {
            const char *colname = floe_schema_find_column_name(u->schema, sid);
            default_name(gen, sizeof(gen), colname ? colname : source_name, t);
            name = gen;
        }
    }
    if ((rc = check_name_free(u, name, sid, t, NULL)) != 0)
        return rc;
    bool fresh = fid < 0;
    if (fresh)
        fid = u->last_partition_id + 1;
    if ((rc = push(u, sid, fid, name, tbuf, true)) != 0)
        return rc;
    if (fresh)
        u->last_partition_id = fid;
    return 0;
}

int floe_spec_update_add_identity(floe_spec_update *u, const char *source_name)
{
    return floe_spec_update_add_field(u, source_name, "identity", NULL);
}

static int remove_field(floe_spec_update *u, sp_field *f, const char *what)
{
    if (f->added)
        return floe_error_set(FLOE_EINVALID,
                              "partition spec update: cannot remove %s: it is added by this "
                              "update",
                              what);
    if (f->removed)
        return floe_error_set(
            FLOE_EINVALID, "partition spec update: cannot remove %s: it is already removed", what);
    if (f->renamed)
        return floe_error_set(FLOE_EINVALID,
                              "partition spec update: cannot remove %s: it is renamed by this "
                              "update",
                              what);
    f->removed = true;
    return 0;
}

int floe_spec_update_remove_field(floe_spec_update *u, const char *name)
{
    sp_field *f;
    int rc = field_by_base_name(&f, u, name);
    if (rc)
        return rc;
    char what[600];
    snprintf(what, sizeof(what), "partition field '%s'", name);
    return remove_field(u, f, what);
}

int floe_spec_update_remove_field_by_source(floe_spec_update *u, const char *source_name,
                                            const char *transform)
{
    const floe_field *col;
    floe_transform t;
    int rc = resolve(&col, &t, u, source_name, transform);
    if (rc)
        return rc;
    char tbuf[FLOE_TRANSFORM_BUF], what[600];
    snprintf(what, sizeof(what), "%s(%s)", floe_transform_format(t, tbuf), source_name);
    for (size_t i = 0; i < u->n; i++)
        if (u->f[i].source_id == floe_field_id(col) && floe_transform_equal(u->f[i].t, t))
            return remove_field(u, &u->f[i], what);
    return floe_error_set(FLOE_ENOTFOUND, "partition spec update: no partition field %s in spec %d",
                          what, floe_table_metadata_default_spec_id(u->md));
}

int floe_spec_update_remove_identity(floe_spec_update *u, const char *source_name)
{
    return floe_spec_update_remove_field_by_source(u, source_name, "identity");
}

int floe_spec_update_rename_field(floe_spec_update *u, const char *name, const char *new_name)
{
    sp_field *f;
    int rc = field_by_base_name(&f, u, name);
    if (rc)
        return rc;
    if (!new_name || !*new_name)
        return floe_error_set(FLOE_EINVALID,
                              "partition spec update: cannot rename '%s': the new name is empty",
                              name);
    if (f->removed)
        return floe_error_set(FLOE_EINVALID,
                              "partition spec update: cannot rename partition field '%s': it is "
                              "removed by this update",
                              name);
    if (f->added)
        return floe_error_set(FLOE_EINVALID,
                              "partition spec update: cannot rename partition field '%s': it is "
                              "added by this update; add it with the name you want",
                              name);
    if ((rc = check_name_free(u, new_name, f->source_id, f->t, f)) != 0)
        return rc;
    char *dup = floe_strdup(new_name);
    if (!dup)
        return FLOE_ENOMEM;
    floe_free(f->name);
    f->name = dup;
    f->renamed = true;
    return 0;
}

static int build(floe_partition_spec **out, const floe_spec_update *u, int32_t spec_id)
{
    floe_partition_spec *s;
    int rc = floe_partition_spec_new(&s, spec_id);
    if (rc)
        return rc;
    for (size_t i = 0; rc == 0 && i < u->n; i++) {
        const sp_field *f = &u->f[i];
        if (f->removed && u->format_version >= 2)
            continue;
        rc = floe_partition_spec_add_field(s, f->source_id, f->field_id, f->name,
                                           f->removed ? "void" : f->transform);
    }
    if (rc == 0)
        rc = floe_partition_spec_check(s, u->schema);
    if (rc) {
        floe_partition_spec_free(s);
        return floe_error_wrap(rc, "partition spec update: building the new spec");
    }
    *out = s;
    return 0;
}

/* The id of a table spec with the same fields, or -1. */
static int existing_spec(const floe_spec_update *u, const floe_partition_spec *s)
{
    for (size_t i = 0; i < floe_table_metadata_spec_count(u->md); i++) {
        int id = floe_table_metadata_spec_id_at(u->md, i);
        if (floe_partition_spec_same_fields(floe_table_metadata_spec(u->md, id), s))
            return id;
    }
    return -1;
}

int floe_spec_update_apply(floe_partition_spec **out, const floe_spec_update *u)
{
    if (!out || !u)
        return floe_error_set(FLOE_EINVALID, "partition spec update: NULL argument");
    floe_partition_spec *s = NULL;
    int rc = build(&s, u, u->next_spec_id);
    if (rc)
        return rc;
    int id = existing_spec(u, s);
    if (id >= 0) {
        floe_partition_spec *again;
        rc = floe_partition_spec_with_id(&again, s, id);
        floe_partition_spec_free(s);
        if (rc)
            return rc;
        s = again;
    }
    *out = s;
    return 0;
}

int floe_spec_update_commit(floe_table_changes *out, floe_partition_spec **new_spec,
                            const floe_spec_update *u)
{
    if (!out || !u)
        return floe_error_set(FLOE_EINVALID, "partition spec update: NULL argument");
    memset(out, 0, sizeof(*out));
    floe_partition_spec *s;
    int rc = floe_spec_update_apply(&s, u);
    if (rc)
        return rc;
    int current = floe_table_metadata_default_spec_id(u->md);
    int existing = existing_spec(u, s);
    out->requirements = floe_calloc(2, sizeof(*out->requirements));
    out->updates = floe_calloc(2, sizeof(*out->updates));
    if (!out->requirements || !out->updates)
        rc = FLOE_ENOMEM;
    if (rc == 0 &&
        (rc = floe_requirement_assert_default_spec_id(&out->requirements[0], current)) == 0)
        out->requirement_count = 1;
    if (rc == 0 && existing < 0) {
        if ((rc = floe_requirement_assert_last_assigned_partition_id(
                 &out->requirements[1], floe_table_metadata_last_partition_id(u->md))) == 0)
            out->requirement_count = 2;
        if (rc == 0 && (rc = floe_update_add_spec_object(&out->updates[0], s)) == 0)
            out->update_count = 1;
        if (rc == 0 && (rc = floe_update_set_default_spec(&out->updates[1], FLOE_LAST_ADDED)) == 0)
            out->update_count = 2;
    } else if (rc == 0 && existing != current) {
        if ((rc = floe_update_set_default_spec(&out->updates[0], existing)) == 0)
            out->update_count = 1;
    }
    if (rc) {
        floe_table_changes_clear(out);
        floe_partition_spec_free(s);
        return rc;
    }
    if (new_spec)
        *new_spec = s;
    else
        floe_partition_spec_free(s);
    return 0;
}
