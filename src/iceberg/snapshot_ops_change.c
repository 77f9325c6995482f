/* floe_snapshot_change: the requirements and updates a snapshot or ref operation produces. */
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "iceberg/snapshot_ops_internal.h"

int floe_iceberg__change_new(floe_snapshot_change **out)
{
    floe_snapshot_change *c = floe_calloc(1, sizeof(*c));
    if (!c)
        return floe_error_set(FLOE_ENOMEM, "out of memory creating a snapshot change");
    *out = c;
    return 0;
}

/* Grows `*arr` (of pointers) by one slot. */
static int grow(void ***arr, size_t count)
{
    size_t bytes;
    if (floe_mul_size(count + 1, sizeof(void *), &bytes) != 0)
        return floe_error_set(FLOE_ENOMEM, "snapshot change too large");
    void **n = floe_realloc(*arr, bytes);
    if (!n)
        return floe_error_set(FLOE_ENOMEM, "out of memory growing a snapshot change");
    *arr = n;
    return 0;
}

int floe_iceberg__change_take_requirement(floe_snapshot_change *c, floe_table_requirement *req)
{
    void **arr = (void **)c->reqs;
    int rc = grow(&arr, c->req_count);
    if (rc) {
        floe_requirement_free(req);
        return rc;
    }
    c->reqs = (floe_table_requirement **)arr;
    c->reqs[c->req_count++] = req;
    return 0;
}

int floe_iceberg__change_take_update(floe_snapshot_change *c, floe_table_update *upd)
{
    void **arr = (void **)c->upds;
    int rc = grow(&arr, c->upd_count);
    if (rc) {
        floe_update_free(upd);
        return rc;
    }
    c->upds = (floe_table_update **)arr;
    c->upds[c->upd_count++] = upd;
    return 0;
}

int floe_iceberg__change_assert_ref(floe_snapshot_change *c, const floe_table_metadata *md,
                                    const char *ref)
{
    const floe_snapshot_ref *r = floe_table_metadata_ref(md, ref);
    floe_table_requirement *req = NULL;
    int rc = floe_requirement_assert_ref_snapshot_id(&req, ref,
                                                     r ? r->snapshot_id : FLOE_SNAPSHOT_ID_NONE);
    if (rc)
        return rc;
    return floe_iceberg__change_take_requirement(c, req);
}

floe_table_requirement *const *floe_snapshot_change_requirements(const floe_snapshot_change *c,
                                                                 size_t *count)
{
    *count = c->req_count;
    return c->reqs;
}

floe_table_update *const *floe_snapshot_change_updates(const floe_snapshot_change *c, size_t *count)
{
    *count = c->upd_count;
    return c->upds;
}

void floe_snapshot_change_free(floe_snapshot_change *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->req_count; i++)
        floe_requirement_free(c->reqs[i]);
    for (size_t i = 0; i < c->upd_count; i++)
        floe_update_free(c->upds[i]);
    floe_free(c->reqs);
    floe_free(c->upds);
    floe_free(c);
}
