/* A scan plan as the manager uses it internally (scans and overwrites). */
#ifndef FLOE_MANAGER_SCAN_PLAN_H
#define FLOE_MANAGER_SCAN_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <floe/iceberg/manifest.h>
#include <floe/iceberg/snapshot.h>
#include <floe/table.h>

#include "manager/deletes.h"
#include "manager/scan_internal.h"

/* A planned data file. */
struct floe_manager_task {
    floe_data_file *df; /* owned copy */
    size_t manifest;    /* index into the plan's manifests */
    int64_t data_sequence, file_sequence, snapshot_id;
    floe_expr *residual; /* NULL without a filter */
    char *partition;     /* partition path or NULL */
    bool all_match;      /* every row matches the filter */
    int32_t spec_id;     /* spec of the manifest listing the file */
    size_t *deletes;     /* indexes into the plan's delete files that apply to it (owned) */
    size_t delete_count;
};

struct floe_manager_plan {
    struct floe_manager_task *tasks;
    size_t count, cap;
    floe_manifest_file **manifests; /* the snapshot's manifests (owned copies) */
    size_t manifest_count;
    size_t manifests_pruned, files_pruned;
    int64_t snapshot_id;
    floe_expr *filter; /* bound, or NULL */
    floe_schema *schema;
    struct floe_manager_deletes deletes; /* live delete files of the snapshot */
};

int floe_manager__resolve_snapshot(const floe_snapshot **out, const floe_table *t,
                                   const floe_scan_options *o);
int floe_manager__plan(struct floe_manager_plan *p, floe_table *t, const floe_scan_options *o);
void floe_manager__plan_free(struct floe_manager_plan *p);

#endif
