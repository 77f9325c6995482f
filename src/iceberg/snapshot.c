/* Snapshots (spec §Snapshots): parsing, construction and accessors. */
#include "iceberg/snapshot_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "base/uuid.h"
#include "iceberg/metadata_json_util.h"

static void snapshot_free(floe_snapshot *s)
{
    if (!s)
        return;
    json_decref(s->json);
    floe_free(s->manifests);
    floe_free(s->summary_keys);
    floe_free(s->summary_values);
    floe_free(s);
}

int floe_iceberg__snapshot_from_object(floe_snapshot **out, json_t *obj, int format_version,
                                       const char *what, const char *path)
{
    *out = NULL;
    if (!json_is_object(obj)) {
        json_decref(obj);
        return floe_error_set(FLOE_ECORRUPT, "%s: '%s' must be an object", what, path);
    }
    floe_snapshot *s = floe_calloc(1, sizeof(*s));
    if (!s) {
        json_decref(obj);
        return floe_error_set(FLOE_ENOMEM, "out of memory reading snapshot");
    }
    atomic_init(&s->refs, 1);
    s->json = obj;
    s->parent_id = FLOE_SNAPSHOT_ID_NONE;
    s->schema_id = -1;
    int rc = floe_iceberg__jreq_int64(&s->id, obj, "snapshot-id", what, path);
    if (!rc)
        rc = floe_iceberg__jopt_int64(&s->parent_id, NULL, obj, "parent-snapshot-id", what, path);
    if (!rc) {
        if (format_version >= 2)
            rc = floe_iceberg__jreq_int64(&s->sequence_number, obj, "sequence-number", what, path);
        else
            rc = floe_iceberg__jopt_int64(&s->sequence_number, NULL, obj, "sequence-number", what,
                                          path);
    }
    if (!rc)
        rc = floe_iceberg__jreq_int64(&s->timestamp_ms, obj, "timestamp-ms", what, path);
    if (!rc) {
        if (format_version >= 2)
            rc = floe_iceberg__jreq_string(&s->manifest_list, obj, "manifest-list", what, path);
        else
            rc = floe_iceberg__jopt_string(&s->manifest_list, obj, "manifest-list", what, path);
    }
    if (!rc)
        rc = floe_iceberg__jopt_int(&s->schema_id, NULL, obj, "schema-id", what, path);
    json_t *manifests = NULL;
    if (!rc)
        rc = floe_iceberg__jopt_typed(&manifests, obj, "manifests", JSON_ARRAY, what, path);
    if (!rc && manifests) {
        if (s->manifest_list) {
            rc = floe_error_set(FLOE_ECORRUPT,
                                "%s: '%s' has both 'manifest-list' and 'manifests'; the spec "
                                "requires 'manifests' to be omitted",
                                what, path);
        } else {
            s->manifest_count = json_array_size(manifests);
            s->manifests = floe_calloc(s->manifest_count ? s->manifest_count : 1, sizeof(char *));
            if (!s->manifests)
                rc = floe_error_set(FLOE_ENOMEM, "out of memory reading snapshot");
            for (size_t i = 0; !rc && i < s->manifest_count; i++) {
                json_t *m = json_array_get(manifests, i);
                if (!json_is_string(m)) {
                    char p[FLOE_JPATH_MAX];
                    floe_iceberg__jpath(p, path, "manifests", 0);
                    rc = floe_error_set(FLOE_ECORRUPT, "%s: field '%s[%zu]' must be a string", what,
                                        p, i);
                } else {
                    s->manifests[i] = json_string_value(m);
                }
            }
        }
    }
    json_t *summary = NULL;
    if (!rc) {
        if (format_version >= 2)
            rc = floe_iceberg__jreq_typed(&summary, obj, "summary", JSON_OBJECT, what, path);
        else
            rc = floe_iceberg__jopt_typed(&summary, obj, "summary", JSON_OBJECT, what, path);
    }
    if (!rc && summary) {
        size_t n = json_object_size(summary);
        s->summary_keys = floe_calloc(n ? n : 1, sizeof(char *));
        s->summary_values = floe_calloc(n ? n : 1, sizeof(char *));
        if (!s->summary_keys || !s->summary_values)
            rc = floe_error_set(FLOE_ENOMEM, "out of memory reading snapshot summary");
        const char *key;
        json_t *v;
        json_object_foreach(summary, key, v)
        {
            if (rc)
                break;
            if (!json_is_string(v)) {
                char p[FLOE_JPATH_MAX];
                floe_iceberg__jpath(p, path, "summary", 0);
                rc = floe_error_set(FLOE_ECORRUPT, "%s: field '%s.%s' must be a string", what, p,
                                    key);
                break;
            }
            s->summary_keys[s->summary_count] = key;
            s->summary_values[s->summary_count] = json_string_value(v);
            s->summary_count++;
            if (strcmp(key, "operation") == 0)
                s->operation = json_string_value(v);
        }
        if (!rc && !s->operation) {
            char p[FLOE_JPATH_MAX];
            floe_iceberg__jpath(p, path, "summary", 0);
            rc = floe_error_set(FLOE_ECORRUPT, "%s: required field '%s.operation' is missing", what,
                                p);
        }
    }
    if (rc) {
        snapshot_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

int floe_snapshot_generate_id(int64_t *out)
{
    for (;;) {
        uint8_t u[16];
        int rc = floe_uuid_v4(u);
        if (rc)
            return rc;
        uint64_t hi = 0, lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | u[i];
            lo = (lo << 8) | u[8 + i];
        }
        int64_t id = (int64_t)((hi ^ lo) & (uint64_t)INT64_MAX);
        if (id != 0) {
            *out = id;
            return 0;
        }
    }
}

json_t *floe_iceberg__snapshot_object(const floe_snapshot *s)
{
    return s->json;
}

static int valid_operation(const char *op)
{
    return strcmp(op, "append") == 0 || strcmp(op, "replace") == 0 ||
           strcmp(op, "overwrite") == 0 || strcmp(op, "delete") == 0;
}

int floe_snapshot_new(floe_snapshot **out, const floe_snapshot_info *info)
{
    *out = NULL;
    if (!info || info->version < 1)
        return floe_error_set(FLOE_EINVALID, "snapshot info: missing or unversioned");
    if (info->snapshot_id <= 0)
        return floe_error_set(FLOE_EINVALID,
                              "snapshot id %" PRId64 " is invalid: ids must be positive",
                              info->snapshot_id);
    if (!info->operation || !valid_operation(info->operation))
        return floe_error_set(FLOE_EINVALID,
                              "snapshot %" PRId64 ": operation '%s' is not one of append, "
                              "replace, overwrite, delete",
                              info->snapshot_id, info->operation ? info->operation : "(null)");
    if (info->summary_count && (!info->summary_keys || !info->summary_values))
        return floe_error_set(FLOE_EINVALID, "snapshot %" PRId64 ": summary keys/values missing",
                              info->snapshot_id);
    json_t *o = json_object();
    json_t *sum = json_object();
    int ok = o && sum;
    ok = ok && json_object_set_new(o, "snapshot-id", json_integer(info->snapshot_id)) == 0;
    if (ok && info->parent_snapshot_id != FLOE_SNAPSHOT_ID_NONE)
        ok = json_object_set_new(o, "parent-snapshot-id", json_integer(info->parent_snapshot_id)) ==
             0;
    ok = ok && json_object_set_new(o, "sequence-number", json_integer(info->sequence_number)) == 0;
    ok = ok && json_object_set_new(o, "timestamp-ms", json_integer(info->timestamp_ms)) == 0;
    if (ok && info->manifest_list)
        ok = json_object_set_new(o, "manifest-list", json_string(info->manifest_list)) == 0;
    ok = ok && json_object_set_new(sum, "operation", json_string(info->operation)) == 0;
    for (size_t i = 0; ok && i < info->summary_count; i++) {
        if (!info->summary_keys[i] || !info->summary_values[i]) {
            json_decref(o);
            json_decref(sum);
            return floe_error_set(FLOE_EINVALID, "snapshot summary entry %zu is NULL", i);
        }
        if (strcmp(info->summary_keys[i], "operation") == 0)
            continue;
        ok = json_object_set_new(sum, info->summary_keys[i],
                                 json_string(info->summary_values[i])) == 0;
    }
    if (ok) {
        ok = json_object_set(o, "summary", sum) == 0;
    }
    json_decref(sum);
    if (ok && info->schema_id >= 0)
        ok = json_object_set_new(o, "schema-id", json_integer(info->schema_id)) == 0;
    if (!ok) {
        json_decref(o);
        return floe_error_set(FLOE_ENOMEM, "out of memory building snapshot");
    }
    return floe_iceberg__snapshot_from_object(out, o, 2, "snapshot", "$");
}

int floe_snapshot_from_json(floe_snapshot **out, const char *json, int format_version)
{
    json_t *o = NULL;
    *out = NULL;
    int rc = floe_iceberg__jparse(&o, json, strlen(json), "snapshot");
    if (rc)
        return rc;
    return floe_iceberg__snapshot_from_object(out, o, format_version, "snapshot", "$");
}

int floe_snapshot_to_json(char **out, const floe_snapshot *s)
{
    return floe_iceberg__jdump(out, s->json, 0);
}

floe_snapshot *floe_snapshot_acquire(floe_snapshot *s)
{
    if (s)
        atomic_fetch_add(&s->refs, 1);
    return s;
}

void floe_snapshot_release(floe_snapshot *s)
{
    if (s && atomic_fetch_sub(&s->refs, 1) == 1)
        snapshot_free(s);
}

int64_t floe_snapshot_id(const floe_snapshot *s)
{
    return s->id;
}

int64_t floe_snapshot_parent_id(const floe_snapshot *s)
{
    return s->parent_id;
}

int64_t floe_snapshot_sequence_number(const floe_snapshot *s)
{
    return s->sequence_number;
}

int64_t floe_snapshot_timestamp_ms(const floe_snapshot *s)
{
    return s->timestamp_ms;
}

const char *floe_snapshot_manifest_list(const floe_snapshot *s)
{
    return s->manifest_list;
}

size_t floe_snapshot_manifest_count(const floe_snapshot *s)
{
    return s->manifest_count;
}

const char *floe_snapshot_manifest(const floe_snapshot *s, size_t i)
{
    return i < s->manifest_count ? s->manifests[i] : NULL;
}

const char *floe_snapshot_operation(const floe_snapshot *s)
{
    return s->operation;
}

const char *floe_snapshot_summary_get(const floe_snapshot *s, const char *key)
{
    for (size_t i = 0; i < s->summary_count; i++)
        if (strcmp(s->summary_keys[i], key) == 0)
            return s->summary_values[i];
    return NULL;
}

size_t floe_snapshot_summary_count(const floe_snapshot *s)
{
    return s->summary_count;
}

void floe_snapshot_summary_at(const floe_snapshot *s, size_t i, const char **key,
                              const char **value)
{
    *key = i < s->summary_count ? s->summary_keys[i] : NULL;
    *value = i < s->summary_count ? s->summary_values[i] : NULL;
}

int floe_snapshot_schema_id(const floe_snapshot *s)
{
    return s->schema_id;
}
