/* Snapshot references (spec §Snapshot References): JSON and validation. */
#include <inttypes.h>
#include <string.h>

#include <floe/error.h>

#include "iceberg/metadata_json_util.h"
#include "iceberg/snapshot_internal.h"

int floe_snapshot_ref_validate(const floe_snapshot_ref *ref, const char *name)
{
    const char *n = name ? name : "(unnamed)";
    if (ref->snapshot_id < 0)
        return floe_error_set(FLOE_EINVALID, "ref '%s': snapshot-id %" PRId64 " is invalid", n,
                              ref->snapshot_id);
    if (ref->type != FLOE_REF_BRANCH && ref->type != FLOE_REF_TAG)
        return floe_error_set(FLOE_EINVALID, "ref '%s': type must be branch or tag", n);
    if (ref->type == FLOE_REF_TAG && ref->min_snapshots_to_keep != -1)
        return floe_error_set(
            FLOE_EINVALID, "ref '%s': tags do not support min-snapshots-to-keep (branch only)", n);
    if (ref->type == FLOE_REF_TAG && ref->max_snapshot_age_ms != -1)
        return floe_error_set(FLOE_EINVALID,
                              "ref '%s': tags do not support max-snapshot-age-ms (branch only)", n);
    if (ref->min_snapshots_to_keep != -1 && ref->min_snapshots_to_keep <= 0)
        return floe_error_set(FLOE_EINVALID, "ref '%s': min-snapshots-to-keep must be positive", n);
    if (ref->max_snapshot_age_ms != -1 && ref->max_snapshot_age_ms <= 0)
        return floe_error_set(FLOE_EINVALID, "ref '%s': max-snapshot-age-ms must be positive", n);
    if (ref->max_ref_age_ms != -1 && ref->max_ref_age_ms <= 0)
        return floe_error_set(FLOE_EINVALID, "ref '%s': max-ref-age-ms must be positive", n);
    if (name && strcmp(name, FLOE_MAIN_BRANCH) == 0 && ref->type != FLOE_REF_BRANCH)
        return floe_error_set(FLOE_EINVALID, "ref 'main' must be a branch, not a tag");
    return 0;
}

int floe_iceberg__ref_from_object(floe_snapshot_ref *out, json_t *obj, const char *what,
                                  const char *path)
{
    floe_snapshot_ref r = FLOE_SNAPSHOT_REF_INIT;
    const char *type = NULL;
    if (!json_is_object(obj))
        return floe_error_set(FLOE_ECORRUPT, "%s: '%s' must be an object", what, path);
    int rc = floe_iceberg__jreq_int64(&r.snapshot_id, obj, "snapshot-id", what, path);
    if (!rc)
        rc = floe_iceberg__jreq_string(&type, obj, "type", what, path);
    if (!rc) {
        if (strcmp(type, "branch") == 0)
            r.type = FLOE_REF_BRANCH;
        else if (strcmp(type, "tag") == 0)
            r.type = FLOE_REF_TAG;
        else
            rc = floe_error_set(FLOE_ECORRUPT,
                                "%s: field '%s.type' must be \"branch\" or \"tag\", not \"%s\"",
                                what, path, type);
    }
    if (!rc)
        rc = floe_iceberg__jopt_int(&r.min_snapshots_to_keep, NULL, obj, "min-snapshots-to-keep",
                                    what, path);
    if (!rc)
        rc = floe_iceberg__jopt_int64(&r.max_snapshot_age_ms, NULL, obj, "max-snapshot-age-ms",
                                      what, path);
    if (!rc)
        rc = floe_iceberg__jopt_int64(&r.max_ref_age_ms, NULL, obj, "max-ref-age-ms", what, path);
    if (rc)
        return rc;
    *out = r;
    return 0;
}

json_t *floe_iceberg__ref_to_object(const floe_snapshot_ref *ref)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int ok = json_object_set_new(o, "snapshot-id", json_integer(ref->snapshot_id)) == 0;
    ok = ok && json_object_set_new(o, "type",
                                   json_string(ref->type == FLOE_REF_TAG ? "tag" : "branch")) == 0;
    if (ok && ref->min_snapshots_to_keep != -1)
        ok = json_object_set_new(o, "min-snapshots-to-keep",
                                 json_integer(ref->min_snapshots_to_keep)) == 0;
    if (ok && ref->max_snapshot_age_ms != -1)
        ok = json_object_set_new(o, "max-snapshot-age-ms",
                                 json_integer(ref->max_snapshot_age_ms)) == 0;
    if (ok && ref->max_ref_age_ms != -1)
        ok = json_object_set_new(o, "max-ref-age-ms", json_integer(ref->max_ref_age_ms)) == 0;
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}
