/* Snapshot management through the manager: rollback, set-current and branch/tag changes from
 * floe/iceberg/snapshot_ops.h, committed through the catalog with conflict retries. */
#include <inttypes.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <floe/error.h>
#include <floe/trace.h>
#include <floe/iceberg/snapshot_ops.h>
#include <floe/retry.h>

#include "base/alloc.h"
#include "manager/maintenance.h"
#include "manager/manager_internal.h"

static void backoff(unsigned int attempt, const floe_manager *m, uint64_t *rng)
{
    floe_retry_options ro = FLOE_RETRY_OPTIONS_INIT;
    ro.base_delay_ms = m->retry_base_ms;
    ro.max_delay_ms = m->retry_base_ms * 64;
    ro.jitter = FLOE_RETRY_JITTER_EQUAL;
    unsigned int ms = floe_retry_delay_ms(&ro, attempt, rng);
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int floe_manager__commit_change(floe_table *t, const char *operation, floe_manager_change_fn fn,
                                void *ctx)
{
    if (!t)
        return floe_error_set(FLOE_EINVALID, "%s: NULL table", operation);
    uint64_t rng = (uint64_t)(uintptr_t)t ^ (uint64_t)time(NULL);
    floe_span *span = floe_manager__span_start(t, operation);
    int rc = 0;
    unsigned int attempts = 0;
    for (unsigned int attempt = 1;; attempt++) {
        attempts = attempt;
        struct floe_manager_change c = {0};
        rc = fn(&c, t, ctx);
        if (!rc && c.nupd > 0)
            rc = floe_manager__commit(t, c.reqs, c.nreq, c.upds, c.nupd);
        if (c.free_owner)
            c.free_owner(c.owner);
        if (rc != FLOE_ECONFLICT || attempt > t->m->commit_retries)
            break;
        backoff(attempt, t->m, &rng);
        int rrc = floe_table_refresh(t);
        if (rrc) {
            rc = rrc;
            break;
        }
    }
    if (rc == FLOE_ECONFLICT)
        rc = floe_error_wrap(rc, "%s of '%s' still conflicted after %u retries", operation,
                             t->ident, t->m->commit_retries);
    floe_span_set_attr_int(span, "floe.commit_attempts", attempts);
    floe_manager__span_end(span, rc);
    return floe_manager__log_op(t, NULL, operation, NULL, -1, rc);
}

int floe_manager__check_gc_enabled(const floe_table *t, const char *operation)
{
    const char *gc = floe_table_metadata_property(t->md, "gc.enabled");
    if (gc && strcasecmp(gc, "false") == 0)
        return floe_error_set(FLOE_EINVALID,
                              "%s of '%s' refused: the table property gc.enabled is false (its "
                              "files may be shared with other tables); set it to true to allow "
                              "deleting files, or use a dry run to list them",
                              operation, t->ident);
    return 0;
}

int floe_manager__strings_push(char ***list, size_t *count, size_t *cap, const char *s)
{
    if (*count == *cap) {
        size_t n = *cap ? *cap * 2 : 16;
        size_t bytes = 0;
        char **grown = NULL;
        if (floe_mul_size(n, sizeof *grown, &bytes) == 0)
            grown = floe_realloc(*list, bytes);
        if (!grown)
            return floe_error_set(FLOE_ENOMEM, "out of memory");
        *list = grown;
        *cap = n;
    }
    char *copy = floe_strdup(s);
    if (!copy)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    (*list)[(*count)++] = copy;
    return 0;
}

/* ---- snapshot_ops changes ---- */

enum snap_op { OP_ROLLBACK, OP_ROLLBACK_TIME, OP_SET_CURRENT, OP_REF };

struct snap_ctx {
    enum snap_op op;
    int64_t value; /* snapshot id or timestamp */
    floe_ref_action action;
    int tag;
    const char *name;
};

static void free_change(void *owner)
{
    floe_snapshot_change_free(owner);
}

static int ref_change(floe_snapshot_change **out, const floe_table_metadata *md,
                      const struct snap_ctx *c)
{
    floe_ref_options ro = FLOE_REF_OPTIONS_INIT;
    if (c->value >= 0)
        ro.snapshot_id = c->value;
    switch (c->action) {
    case FLOE_REF_CREATE:
        return c->tag ? floe_snapshot_ops_create_tag(out, md, c->name, &ro)
                      : floe_snapshot_ops_create_branch(out, md, c->name, &ro);
    case FLOE_REF_REPLACE:
        return c->tag ? floe_snapshot_ops_replace_tag(out, md, c->name, &ro)
                      : floe_snapshot_ops_replace_branch(out, md, c->name, &ro);
    case FLOE_REF_DROP:
        return c->tag ? floe_snapshot_ops_remove_tag(out, md, c->name)
                      : floe_snapshot_ops_remove_branch(out, md, c->name);
    }
    return floe_error_set(FLOE_EINVALID, "unknown ref action %d", (int)c->action);
}

static int build_snap(struct floe_manager_change *out, floe_table *t, void *ctx)
{
    const struct snap_ctx *c = ctx;
    floe_snapshot_change *ch = NULL;
    int rc;
    switch (c->op) {
    case OP_ROLLBACK:
        rc = floe_snapshot_ops_rollback_to(&ch, t->md, NULL, c->value);
        break;
    case OP_ROLLBACK_TIME:
        rc = floe_snapshot_ops_rollback_to_time(&ch, t->md, NULL, c->value);
        break;
    case OP_SET_CURRENT:
        rc = floe_snapshot_ops_set_current(&ch, t->md, c->value);
        break;
    default:
        rc = ref_change(&ch, t->md, c);
        break;
    }
    if (rc)
        return floe_error_wrap(rc, "table '%s'", t->ident);
    out->reqs = floe_snapshot_change_requirements(ch, &out->nreq);
    out->upds = floe_snapshot_change_updates(ch, &out->nupd);
    out->owner = ch;
    out->free_owner = free_change;
    return 0;
}

int floe_table_rollback_to_snapshot(floe_table *t, int64_t snapshot_id)
{
    struct snap_ctx c = {OP_ROLLBACK, snapshot_id, FLOE_REF_CREATE, 0, NULL};
    return floe_manager__commit_change(t, "rollback", build_snap, &c);
}

int floe_table_rollback_to_time(floe_table *t, int64_t timestamp_ms)
{
    struct snap_ctx c = {OP_ROLLBACK_TIME, timestamp_ms, FLOE_REF_CREATE, 0, NULL};
    return floe_manager__commit_change(t, "rollback", build_snap, &c);
}

int floe_table_set_current_snapshot(floe_table *t, int64_t snapshot_id)
{
    struct snap_ctx c = {OP_SET_CURRENT, snapshot_id, FLOE_REF_CREATE, 0, NULL};
    return floe_manager__commit_change(t, "set-current-snapshot", build_snap, &c);
}

int floe_table_manage_ref(floe_table *t, floe_ref_action action, int tag, const char *name,
                          int64_t snapshot_id)
{
    if (!name || !*name)
        return floe_error_set(FLOE_EINVALID, "a %s needs a name", tag ? "tag" : "branch");
    struct snap_ctx c = {OP_REF, snapshot_id, action, tag, name};
    static const char *const ops[2][3] = {{"create-branch", "replace-branch", "drop-branch"},
                                          {"create-tag", "replace-tag", "drop-tag"}};
    const char *op = (unsigned)action <= FLOE_REF_DROP ? ops[tag ? 1 : 0][action] : "ref";
    return floe_manager__commit_change(t, op, build_snap, &c);
}
