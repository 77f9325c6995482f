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

/* Row groups a filtered Parquet stream reads: their first file row positions and row counts,
 * in file order (only when asked for: NULL otherwise), and how far the scan has consumed them.
 * `skipping` is false when the stream reads every row group (positions then count up). */
struct floe_manager_rowgroups {
    bool skipping;
    int64_t *start, *rows;
    size_t count;
    size_t next;  /* row group the next batch comes from */
    int64_t used; /* rows of row group `next` already handed out */
    int total;    /* row groups in the file */
};

struct floe_parquet_predicate;
struct floe_parquet_reader;

/* The reader predicate for the bound filter `bound` of a file whose Arrow schema is `fschema`
 * (the reader's, with field ids): inclusive, *out NULL when nothing can be ruled out.
 * (transfer full, floe_parquet_predicate_free) */
int floe_manager__rowgroup_predicate(struct floe_parquet_predicate **out, const floe_expr *bound,
                                     const struct ArrowSchema *fschema);
/* Fills g with the row groups of `r` that `pred` does not rule out (g->skipping false when none
 * is ruled out or pred is NULL); their positions only when `positions` (the file has position
 * deletes: reading them costs a walk over the footer). Free with floe_manager__rowgroups_free. */
int floe_manager__rowgroup_layout(struct floe_manager_rowgroups *g, struct floe_parquet_reader *r,
                                  const struct floe_parquet_predicate *pred, bool positions);
void floe_manager__rowgroups_free(struct floe_manager_rowgroups *g);
/* File position of the first row of the next batch (n rows) of a skipping stream. */
int floe_manager__rowgroups_base(int64_t *base, struct floe_manager_rowgroups *g, int64_t n);
/* Process-wide counters of row groups scans read and skipped (test hook, never reset). */
void floe_manager__rowgroups_count(int64_t read, int64_t skipped);
void floe_manager__rowgroups_counters(int64_t *read, int64_t *skipped);

int floe_manager__resolve_snapshot(const floe_snapshot **out, const floe_table *t,
                                   const floe_scan_options *o);
int floe_manager__plan(struct floe_manager_plan *p, floe_table *t, const floe_scan_options *o);
void floe_manager__plan_free(struct floe_manager_plan *p);

#endif
