/* Cross-file helpers of snapshot_ops.c and expire.c: building a floe_snapshot_change. */
#ifndef FLOE_ICEBERG_SNAPSHOT_OPS_INTERNAL_H
#define FLOE_ICEBERG_SNAPSHOT_OPS_INTERNAL_H

#include <floe/iceberg/snapshot_ops.h>

struct floe_snapshot_change {
    floe_table_requirement **reqs;
    size_t req_count;
    floe_table_update **upds;
    size_t upd_count;
};

/* An empty change. */
int floe_iceberg__change_new(floe_snapshot_change **out);
/* Appends a requirement, taking ownership of `req` even on failure. */
int floe_iceberg__change_take_requirement(floe_snapshot_change *c, floe_table_requirement *req);
/* Appends an update, taking ownership of `upd` even on failure. */
int floe_iceberg__change_take_update(floe_snapshot_change *c, floe_table_update *upd);
/* Appends assert-ref-snapshot-id for `ref` at its value in `md` (or absent). */
int floe_iceberg__change_assert_ref(floe_snapshot_change *c, const floe_table_metadata *md,
                                    const char *ref);

#endif
