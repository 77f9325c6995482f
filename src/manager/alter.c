/* Schema and partition evolution through the manager: a schema_update / spec_update started
 * on the current metadata, filled by the caller's function, committed with the requirements
 * it produces; on conflict the function is re-applied to the refreshed metadata. */
#include <string.h>

#include <floe/arrow/schema.h>
#include <floe/arrow/stream.h>
#include <floe/error.h>
#include <floe/iceberg/schema_update.h>
#include <floe/iceberg/spec_update.h>
#include <floe/iceberg/update.h>

#include "base/alloc.h"
#include "manager/maintenance.h"
#include "manager/manager_internal.h"
#include "manager/write_internal.h"

struct alter_ctx {
    floe_table_schema_fn schema_fn;
    floe_table_spec_fn spec_fn;
    void *ctx;
    int allow_incompatible;
};

static void free_changes(void *owner)
{
    floe_table_changes *c = owner;
    floe_table_changes_clear(c);
    floe_free(c);
}

static int take_changes(struct floe_manager_change *out, floe_table_changes *ch)
{
    out->reqs = ch->requirements;
    out->nreq = ch->requirement_count;
    out->upds = ch->updates;
    out->nupd = ch->update_count;
    out->owner = ch;
    out->free_owner = free_changes;
    return 0;
}

static int build_schema(struct floe_manager_change *out, floe_table *t, void *vctx)
{
    const struct alter_ctx *a = vctx;
    floe_schema_update_options so = FLOE_SCHEMA_UPDATE_OPTIONS_INIT;
    so.allow_incompatible_changes = a->allow_incompatible != 0;
    floe_schema_update *u = NULL;
    floe_table_changes *ch = floe_calloc(1, sizeof *ch);
    if (!ch)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    int rc = floe_schema_update_new(&u, t->md, &so);
    if (!rc)
        rc = a->schema_fn(u, a->ctx);
    if (!rc)
        rc = floe_schema_update_commit(ch, NULL, u);
    floe_schema_update_free(u);
    if (rc) {
        free_changes(ch);
        return floe_error_wrap(rc, "altering the schema of '%s'", t->ident);
    }
    return take_changes(out, ch);
}

static int build_spec(struct floe_manager_change *out, floe_table *t, void *vctx)
{
    const struct alter_ctx *a = vctx;
    floe_spec_update *u = NULL;
    floe_table_changes *ch = floe_calloc(1, sizeof *ch);
    if (!ch)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    int rc = floe_spec_update_new(&u, t->md, NULL);
    if (!rc)
        rc = a->spec_fn(u, a->ctx);
    if (!rc)
        rc = floe_spec_update_commit(ch, NULL, u);
    floe_spec_update_free(u);
    if (rc) {
        free_changes(ch);
        return floe_error_wrap(rc, "altering the partition spec of '%s'", t->ident);
    }
    return take_changes(out, ch);
}

int floe_table_alter_schema(floe_table *t, floe_table_schema_fn fn, void *ctx,
                            int allow_incompatible)
{
    if (!fn)
        return floe_error_set(FLOE_EINVALID, "floe_table_alter_schema: NULL change function");
    struct alter_ctx a = {fn, NULL, ctx, allow_incompatible};
    return floe_manager__commit_change(t, "alter-schema", build_schema, &a);
}

int floe_table_alter_partition(floe_table *t, floe_table_spec_fn fn, void *ctx)
{
    if (!fn)
        return floe_error_set(FLOE_EINVALID, "floe_table_alter_partition: NULL change function");
    struct alter_ctx a = {NULL, fn, ctx, 0};
    return floe_manager__commit_change(t, "alter-partition", build_spec, &a);
}

struct union_ctx {
    const struct ArrowSchema *input;
};

static int union_fn(floe_schema_update *u, void *vctx)
{
    const struct union_ctx *c = vctx;
    return floe_schema_update_union_by_name_arrow(u, c->input);
}

int floe_table_union_by_name(floe_table *t, const struct ArrowSchema *input, int *changed)
{
    if (changed)
        *changed = 0;
    if (!t || !input || !input->format)
        return floe_error_set(FLOE_EINVALID, "floe_table_union_by_name: NULL table or schema");
    if (strcmp(input->format, "+s") != 0)
        return floe_error_set(FLOE_EINVALID,
                              "floe_table_union_by_name: the input of '%s' is not a struct of "
                              "columns (Arrow format '%s')",
                              t->ident, input->format);
    int32_t before = floe_table_metadata_current_schema_id(t->md);
    struct union_ctx c = {input};
    struct alter_ctx a = {union_fn, NULL, &c, 0};
    int rc = floe_manager__commit_change(t, "union-by-name", build_schema, &a);
    if (!rc && changed)
        *changed = floe_table_metadata_current_schema_id(t->md) != before;
    return rc;
}

int floe_manager__union_streams(floe_table *t, struct ArrowArrayStream *const *streams, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct ArrowSchema s;
        memset(&s, 0, sizeof s);
        int rc = floe_arrow_stream_get_schema(streams[i], &s);
        if (!rc)
            rc = floe_table_union_by_name(t, &s, NULL);
        floe_arrow_schema_release(&s);
        if (rc)
            return floe_error_wrap(rc, "evolving the schema of '%s' to accept input %zu", t->ident,
                                   i + 1);
    }
    return 0;
}

struct props_ctx {
    const char *const *keys, *const *values;
    size_t count;
    const char *const *remove;
    size_t nremove;
};

static void free_updates(void *owner)
{
    floe_table_update **u = owner;
    floe_update_free(u[0]);
    floe_update_free(u[1]);
    floe_free(u);
}

static int build_props(struct floe_manager_change *out, floe_table *t, void *vctx)
{
    (void)t;
    const struct props_ctx *c = vctx;
    floe_table_update **u = floe_calloc(2, sizeof *u);
    if (!u)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    size_t n = 0;
    int rc = 0;
    if (c->count && !(rc = floe_update_set_properties(&u[n], c->keys, c->values, c->count)))
        n++;
    if (!rc && c->nremove && !(rc = floe_update_remove_properties(&u[n], c->remove, c->nremove)))
        n++;
    if (rc) {
        free_updates(u);
        return rc;
    }
    out->upds = u;
    out->nupd = n;
    out->owner = u;
    out->free_owner = free_updates;
    return 0;
}

int floe_table_set_properties(floe_table *t, const char *const *keys, const char *const *values,
                              size_t count, const char *const *remove, size_t nremove)
{
    if (!t || (count && (!keys || !values)) || (nremove && !remove))
        return floe_error_set(FLOE_EINVALID, "floe_table_set_properties: NULL argument");
    for (size_t i = 0; i < count; i++) {
        if (!keys[i] || !*keys[i] || !values[i])
            return floe_error_set(FLOE_EINVALID,
                                  "floe_table_set_properties: property %zu has "
                                  "an empty key or no value",
                                  i);
        for (size_t j = 0; j < nremove; j++)
            if (remove[j] && strcmp(remove[j], keys[i]) == 0)
                return floe_error_set(FLOE_EINVALID,
                                      "property '%s' of '%s' is both set and removed", keys[i],
                                      t->ident);
    }
    struct props_ctx c = {keys, values, count, remove, nremove};
    return floe_manager__commit_change(t, "set-properties", build_props, &c);
}
