/* Internal pieces shared by the manager's maintenance files (alter, refs, expire, orphans). */
#ifndef FLOE_MANAGER_MAINTENANCE_H
#define FLOE_MANAGER_MAINTENANCE_H

#include <stddef.h>

#include <floe/iceberg/update.h>
#include <floe/table.h>

/* Requirements and updates built for one commit attempt (borrowed or owned by `owner`). */
struct floe_manager_change {
    floe_table_requirement *const *reqs;
    size_t nreq;
    floe_table_update *const *upds;
    size_t nupd;
    void *owner; /* freed with free_owner after the attempt */
    void (*free_owner)(void *owner);
};

/* Builds the change from t's current metadata. Leaving nupd 0 commits nothing. */
typedef int (*floe_manager_change_fn)(struct floe_manager_change *out, floe_table *t, void *ctx);

/* Builds and commits a change; on FLOE_ECONFLICT refreshes t, backs off and rebuilds it, up to
 * the manager's commit retries. Logs the operation. */
int floe_manager__commit_change(floe_table *t, const char *operation, floe_manager_change_fn fn,
                                void *ctx);

/* FLOE_EINVALID when the table property gc.enabled is "false": its files may be shared with
 * other tables, so maintenance must not delete any. */
int floe_manager__check_gc_enabled(const floe_table *t, const char *operation);

/* Appends a copy of `s` to a growable string array. */
int floe_manager__strings_push(char ***list, size_t *count, size_t *cap, const char *s);

#endif
