/**
 * @file table_inspect.h
 * Metadata tables: a table's snapshots, history, refs, manifests, files, partitions and
 * manifest entries as rows (JSON objects), like Iceberg's metadata tables.
 */
#ifndef FLOE_TABLE_INSPECT_H
#define FLOE_TABLE_INSPECT_H

#include <stddef.h>

#include <jansson.h>

#include "common.h"
#include "table.h"

FLOE_BEGIN_DECLS

/**
 * The rows of metadata table `kind` of `t`, as a JSON array of objects (one per row).
 * Kinds and their row keys (metrics and counters are JSON integers, ids JSON integers, absent
 * values null):
 * - "snapshots": committed_at (ms), snapshot_id, parent_id, sequence_number, operation,
 *   manifest_list, summary (object), is_current.
 * - "history": made_current_at (ms), snapshot_id, parent_id, is_current_ancestor.
 * - "refs": name, type ("BRANCH"/"TAG"), snapshot_id, max_reference_age_in_ms,
 *   min_snapshots_to_keep, max_snapshot_age_in_ms.
 * - "manifests" (current snapshot): content (0 data, 1 deletes), path, length,
 *   partition_spec_id, added_snapshot_id, sequence_number, min_sequence_number,
 *   added/existing/deleted_data_files_count, added/existing/deleted_delete_files_count,
 *   added/existing/deleted_rows_count, partition_summaries (array of contains_null,
 *   contains_nan, lower_bound, upper_bound).
 * - "files" (live data and delete files of the current snapshot): content (0 data,
 *   1 position deletes, 2 equality deletes), file_path, file_format, spec_id, partition
 *   (object by partition field name), record_count, file_size_in_bytes, column_sizes,
 *   value_counts, null_value_counts, nan_value_counts, lower_bounds, upper_bounds (objects
 *   keyed by field id; bounds as Iceberg JSON single values), readable_metrics (object keyed
 *   by column name), split_offsets, equality_ids, sort_order_id.
 * - "entries" (every entry of the current snapshot's manifests, DELETED ones included):
 *   status (0 existing, 1 added, 2 deleted), snapshot_id, sequence_number,
 *   file_sequence_number, data_file (an object like a "files" row).
 * - "partitions" (current snapshot, one row per spec and partition): partition, spec_id,
 *   record_count, file_count, total_data_file_size_in_bytes, position_delete_record_count,
 *   position_delete_file_count, equality_delete_record_count, equality_delete_file_count,
 *   last_updated_at (ms), last_updated_snapshot_id.
 * A table without a snapshot has no manifests, files, entries nor partitions (empty array).
 * @param out (transfer full) release with json_decref().
 * @return 0; FLOE_EINVALID for NULL arguments or an unknown kind; an I/O or corruption code
 * when a manifest cannot be read.
 */
FLOE_API int floe_table_inspect(json_t **out, floe_table *t, const char *kind);

/**
 * The metadata table kinds floe_table_inspect() accepts, NULL-terminated, in a stable order.
 * (transfer none: static storage)
 */
FLOE_API const char *const *floe_table_inspect_kinds(void);

FLOE_END_DECLS

#endif
