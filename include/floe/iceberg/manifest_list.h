/**
 * @file floe/iceberg/manifest_list.h
 * Manifest lists (spec §Manifest Lists): the Avro file a snapshot's `manifest-list` names,
 * one manifest_file record per manifest. floe writes v2 lists and reads v1 and v2.
 */
#ifndef FLOE_ICEBERG_MANIFEST_LIST_H
#define FLOE_ICEBERG_MANIFEST_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "../common.h"
#include "../io.h"
#include "manifest.h"

FLOE_BEGIN_DECLS

/** A manifest list being written (opaque). */
typedef struct floe_manifest_list_writer floe_manifest_list_writer;

/**
 * Starts a v2 manifest list with header metadata `snapshot-id`, `parent-snapshot-id`
 * ("null" when none), `sequence-number` and `format-version`.
 * @param file (transfer full) committed by finish, aborted by free without finish.
 * @param parent_snapshot_id -1 when the snapshot has no parent.
 * @param codec a floe_avro_codec value (0 = null).
 */
FLOE_API int floe_manifest_list_writer_new(floe_manifest_list_writer **out, floe_output_file *file,
                                           int64_t snapshot_id, int64_t parent_snapshot_id,
                                           int64_t sequence_number, int codec);
/**
 * Appends a manifest. Unassigned values (-1) are filled as the spec requires: the snapshot's
 * sequence number for sequence_number and min_sequence_number, its id for added_snapshot_id.
 * A v1 record with unknown counts (-1) is refused (v2 requires them).
 */
FLOE_API int floe_manifest_list_writer_add(floe_manifest_list_writer *w,
                                           const floe_manifest_file *manifest);
/** Finishes and commits the file. @param length optional: file length in bytes. */
FLOE_API int floe_manifest_list_writer_finish(floe_manifest_list_writer *w, uint64_t *length);
/** Frees a writer; aborts the file if not finished (NULL is fine). */
FLOE_API void floe_manifest_list_writer_free(floe_manifest_list_writer *w);

/** The manifests of a manifest list (opaque). */
typedef struct floe_manifest_list floe_manifest_list;

/**
 * Reads a whole manifest list (v1 or v2; v1 records get content data, sequence numbers 0).
 * @param file (transfer none)
 * @param out (transfer full) free with floe_manifest_list_free().
 */
FLOE_API int floe_manifest_list_read(floe_manifest_list **out, floe_input_file *file);
/** Number of manifests. */
FLOE_API size_t floe_manifest_list_count(const floe_manifest_list *list);
/** (transfer none) manifest i. */
FLOE_API const floe_manifest_file *floe_manifest_list_at(const floe_manifest_list *list, size_t i);
/** (transfer none) a header metadata value ("snapshot-id", ...), or NULL. */
FLOE_API const char *floe_manifest_list_meta(const floe_manifest_list *list, const char *key);
/** Frees a list (NULL is fine). */
FLOE_API void floe_manifest_list_free(floe_manifest_list *list);

FLOE_END_DECLS

#endif
