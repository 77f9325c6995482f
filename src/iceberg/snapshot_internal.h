/* Snapshot internals shared by the metadata parser and the metadata builder. */
#ifndef FLOE_ICEBERG_SNAPSHOT_INTERNAL_H
#define FLOE_ICEBERG_SNAPSHOT_INTERNAL_H

#include <stdatomic.h>

#include <jansson.h>

#include <floe/iceberg/snapshot.h>

struct floe_snapshot {
    atomic_int refs;
    json_t *json; /* the snapshot object as read or built; typed fields below point into it */
    int64_t id;
    int64_t parent_id;
    int64_t sequence_number;
    int64_t timestamp_ms;
    const char *manifest_list;
    const char **manifests;
    size_t manifest_count;
    const char **summary_keys;
    const char **summary_values;
    size_t summary_count;
    const char *operation;
    int schema_id;
};

/* Builds a snapshot from a JSON object (transfer full: the snapshot owns `obj` on success and
 * on failure). `path` names the object in messages ("$.snapshots[3]"). */
int floe_iceberg__snapshot_from_object(floe_snapshot **out, json_t *obj, int format_version,
                                       const char *what, const char *path);

/* The snapshot's JSON object (transfer none). */
json_t *floe_iceberg__snapshot_object(const floe_snapshot *s);

/* Parses a reference object; *out is filled on success. */
int floe_iceberg__ref_from_object(floe_snapshot_ref *out, json_t *obj, const char *what,
                                  const char *path);
/* A new JSON object for a reference (NULL on allocation failure). */
json_t *floe_iceberg__ref_to_object(const floe_snapshot_ref *ref);

#endif
