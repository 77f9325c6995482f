/* Table updates (REST TableUpdate): construction, validation, JSON. */
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "iceberg/metadata_json_util.h"
#include "iceberg/snapshot_internal.h"
#include "iceberg/update_internal.h"

#define WHAT "table update"

static const struct {
    floe_update_type type;
    const char *name;
} kinds[] = {
    {FLOE_UPD_ASSIGN_UUID, "assign-uuid"},
    {FLOE_UPD_UPGRADE_FORMAT_VERSION, "upgrade-format-version"},
    {FLOE_UPD_ADD_SCHEMA, "add-schema"},
    {FLOE_UPD_SET_CURRENT_SCHEMA, "set-current-schema"},
    {FLOE_UPD_ADD_SPEC, "add-spec"},
    {FLOE_UPD_SET_DEFAULT_SPEC, "set-default-spec"},
    {FLOE_UPD_ADD_SORT_ORDER, "add-sort-order"},
    {FLOE_UPD_SET_DEFAULT_SORT_ORDER, "set-default-sort-order"},
    {FLOE_UPD_ADD_SNAPSHOT, "add-snapshot"},
    {FLOE_UPD_SET_SNAPSHOT_REF, "set-snapshot-ref"},
    {FLOE_UPD_REMOVE_SNAPSHOTS, "remove-snapshots"},
    {FLOE_UPD_REMOVE_SNAPSHOT_REF, "remove-snapshot-ref"},
    {FLOE_UPD_SET_LOCATION, "set-location"},
    {FLOE_UPD_SET_PROPERTIES, "set-properties"},
    {FLOE_UPD_REMOVE_PROPERTIES, "remove-properties"},
    {FLOE_UPD_SET_STATISTICS, "set-statistics"},
    {FLOE_UPD_REMOVE_STATISTICS, "remove-statistics"},
    {FLOE_UPD_SET_PARTITION_STATISTICS, "set-partition-statistics"},
    {FLOE_UPD_REMOVE_PARTITION_STATISTICS, "remove-partition-statistics"},
    {FLOE_UPD_REMOVE_PARTITION_SPECS, "remove-partition-specs"},
    {FLOE_UPD_REMOVE_SCHEMAS, "remove-schemas"},
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

const char *floe_update_type_name(floe_update_type type)
{
    for (size_t i = 0; i < NKINDS; i++)
        if (kinds[i].type == type)
            return kinds[i].name;
    return "unknown";
}

/* Every element of member `key` must be of `type` (JSON_INTEGER or JSON_STRING). */
static int check_array(json_t *obj, const char *key, json_type type, const char *path)
{
    json_t *arr = NULL;
    int rc = floe_iceberg__jreq_typed(&arr, obj, key, JSON_ARRAY, WHAT, path);
    if (rc)
        return rc;
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (json_typeof(v) != type)
            return floe_error_set(FLOE_ECORRUPT, WHAT ": field '%s.%s[%zu]' must be %s", path, key,
                                  i, type == JSON_INTEGER ? "an integer" : "a string");
    }
    return 0;
}

static int check_fields(floe_update_type type, json_t *obj, const char *path)
{
    const char *s = NULL;
    int iv = 0;
    int64_t lv = 0;
    json_t *o = NULL;
    int rc = 0;
    char p[FLOE_JPATH_MAX];
    switch (type) {
    case FLOE_UPD_ASSIGN_UUID:
        return floe_iceberg__jreq_string(&s, obj, "uuid", WHAT, path);
    case FLOE_UPD_UPGRADE_FORMAT_VERSION:
        return floe_iceberg__jreq_int(&iv, obj, "format-version", WHAT, path);
    case FLOE_UPD_ADD_SCHEMA:
        rc = floe_iceberg__jreq_typed(&o, obj, "schema", JSON_OBJECT, WHAT, path);
        if (!rc)
            rc = floe_iceberg__jopt_int(&iv, NULL, obj, "last-column-id", WHAT, path);
        return rc;
    case FLOE_UPD_SET_CURRENT_SCHEMA:
        return floe_iceberg__jreq_int(&iv, obj, "schema-id", WHAT, path);
    case FLOE_UPD_ADD_SPEC:
        rc = floe_iceberg__jreq_typed(&o, obj, "spec", JSON_OBJECT, WHAT, path);
        floe_iceberg__jpath(p, path, "spec", 0);
        if (!rc)
            rc = floe_iceberg__jreq_typed(&o, o, "fields", JSON_ARRAY, WHAT, p);
        return rc;
    case FLOE_UPD_SET_DEFAULT_SPEC:
        return floe_iceberg__jreq_int(&iv, obj, "spec-id", WHAT, path);
    case FLOE_UPD_ADD_SORT_ORDER:
        rc = floe_iceberg__jreq_typed(&o, obj, "sort-order", JSON_OBJECT, WHAT, path);
        floe_iceberg__jpath(p, path, "sort-order", 0);
        if (!rc)
            rc = floe_iceberg__jreq_typed(&o, o, "fields", JSON_ARRAY, WHAT, p);
        return rc;
    case FLOE_UPD_SET_DEFAULT_SORT_ORDER:
        return floe_iceberg__jreq_int(&iv, obj, "sort-order-id", WHAT, path);
    case FLOE_UPD_ADD_SNAPSHOT: {
        rc = floe_iceberg__jreq_typed(&o, obj, "snapshot", JSON_OBJECT, WHAT, path);
        if (rc)
            return rc;
        floe_snapshot *snap = NULL;
        floe_iceberg__jpath(p, path, "snapshot", 0);
        rc = floe_iceberg__snapshot_from_object(&snap, json_incref(o), 1, WHAT, p);
        floe_snapshot_release(snap);
        return rc;
    }
    case FLOE_UPD_SET_SNAPSHOT_REF: {
        floe_snapshot_ref ref;
        rc = floe_iceberg__jreq_string(&s, obj, "ref-name", WHAT, path);
        if (!rc)
            rc = floe_iceberg__ref_from_object(&ref, obj, WHAT, path);
        if (!rc && floe_snapshot_ref_validate(&ref, s) != 0)
            rc = floe_error_wrap(FLOE_ECORRUPT, WHAT " '%s'", path);
        return rc;
    }
    case FLOE_UPD_REMOVE_SNAPSHOTS:
        return check_array(obj, "snapshot-ids", JSON_INTEGER, path);
    case FLOE_UPD_REMOVE_SNAPSHOT_REF:
        return floe_iceberg__jreq_string(&s, obj, "ref-name", WHAT, path);
    case FLOE_UPD_SET_LOCATION:
        return floe_iceberg__jreq_string(&s, obj, "location", WHAT, path);
    case FLOE_UPD_SET_PROPERTIES: {
        rc = floe_iceberg__jreq_typed(&o, obj, "updates", JSON_OBJECT, WHAT, path);
        const char *k;
        json_t *v;
        json_object_foreach(o, k, v)
        {
            if (!json_is_string(v))
                return floe_error_set(FLOE_ECORRUPT,
                                      WHAT ": field '%s.updates.%s' must be a string", path, k);
        }
        return rc;
    }
    case FLOE_UPD_REMOVE_PROPERTIES:
        return check_array(obj, "removals", JSON_STRING, path);
    case FLOE_UPD_SET_STATISTICS:
    case FLOE_UPD_SET_PARTITION_STATISTICS: {
        const char *key = type == FLOE_UPD_SET_STATISTICS ? "statistics" : "partition-statistics";
        rc = floe_iceberg__jreq_typed(&o, obj, key, JSON_OBJECT, WHAT, path);
        floe_iceberg__jpath(p, path, key, 0);
        if (!rc)
            rc = floe_iceberg__jreq_int64(&lv, o, "snapshot-id", WHAT, p);
        if (!rc)
            rc = floe_iceberg__jreq_string(&s, o, "statistics-path", WHAT, p);
        if (!rc)
            rc = floe_iceberg__jreq_int64(&lv, o, "file-size-in-bytes", WHAT, p);
        if (!rc && type == FLOE_UPD_SET_STATISTICS) {
            rc = floe_iceberg__jreq_int64(&lv, o, "file-footer-size-in-bytes", WHAT, p);
            if (!rc)
                rc = floe_iceberg__jreq_typed(&o, o, "blob-metadata", JSON_ARRAY, WHAT, p);
        }
        return rc;
    }
    case FLOE_UPD_REMOVE_STATISTICS:
    case FLOE_UPD_REMOVE_PARTITION_STATISTICS:
        return floe_iceberg__jreq_int64(&lv, obj, "snapshot-id", WHAT, path);
    case FLOE_UPD_REMOVE_PARTITION_SPECS:
        return check_array(obj, "spec-ids", JSON_INTEGER, path);
    case FLOE_UPD_REMOVE_SCHEMAS:
        return check_array(obj, "schema-ids", JSON_INTEGER, path);
    }
    return floe_error_set(FLOE_EUNSUPPORTED, WHAT ": unknown update type %d", (int)type);
}

int floe_iceberg__update_from_object(floe_table_update **out, json_t *obj, const char *path)
{
    *out = NULL;
    const char *action = NULL;
    int rc = 0;
    size_t k = 0;
    if (!json_is_object(obj))
        rc = floe_error_set(FLOE_ECORRUPT, WHAT ": '%s' must be an object", path);
    if (!rc)
        rc = floe_iceberg__jreq_string(&action, obj, "action", WHAT, path);
    if (!rc) {
        for (k = 0; k < NKINDS; k++)
            if (strcmp(kinds[k].name, action) == 0)
                break;
        if (k == NKINDS)
            rc = floe_error_set(FLOE_EUNSUPPORTED,
                                WHAT ": '%s.action' \"%s\" is not a supported table update", path,
                                action);
    }
    if (!rc)
        rc = check_fields(kinds[k].type, obj, path);
    floe_table_update *u = NULL;
    if (!rc) {
        u = floe_calloc(1, sizeof(*u));
        if (!u)
            rc = floe_error_set(FLOE_ENOMEM, "out of memory creating a table update");
    }
    if (rc) {
        json_decref(obj);
        return rc;
    }
    u->type = kinds[k].type;
    u->json = obj;
    *out = u;
    return 0;
}

static int make(floe_table_update **out, json_t *obj)
{
    *out = NULL;
    if (!obj)
        return floe_error_set(FLOE_ENOMEM, "out of memory creating a table update");
    return floe_iceberg__update_from_object(out, obj, "$");
}

/* Parses a caller's JSON argument for a constructor. */
static int arg_object(json_t **out, const char *json, const char *what)
{
    *out = NULL;
    if (!json)
        return floe_error_set(FLOE_EINVALID, "%s: JSON argument is NULL", what);
    int rc = floe_iceberg__jparse(out, json, strlen(json), what);
    if (rc)
        return rc == FLOE_ECORRUPT ? floe_error_wrap(FLOE_EINVALID, "%s", what) : rc;
    return 0;
}

static int need(const void *p, const char *what)
{
    return p ? 0 : floe_error_set(FLOE_EINVALID, "%s: a required argument is NULL", what);
}

int floe_update_assign_uuid(floe_table_update **out, const char *uuid)
{
    int rc = need(uuid, "assign-uuid");
    return rc ? rc : make(out, json_pack("{s:s, s:s}", "action", "assign-uuid", "uuid", uuid));
}

int floe_update_upgrade_format_version(floe_table_update **out, int format_version)
{
    return make(out, json_pack("{s:s, s:i}", "action", "upgrade-format-version", "format-version",
                               format_version));
}

int floe_update_add_schema(floe_table_update **out, const char *schema_json, int last_column_id)
{
    json_t *schema = NULL;
    *out = NULL;
    int rc = arg_object(&schema, schema_json, "add-schema");
    if (rc)
        return rc;
    json_t *o = json_pack("{s:s, s:o}", "action", "add-schema", "schema", schema);
    if (o && last_column_id >= 0 &&
        json_object_set_new(o, "last-column-id", json_integer(last_column_id)) != 0) {
        json_decref(o);
        o = NULL;
    }
    return make(out, o);
}

int floe_update_add_schema_object(floe_table_update **out, const floe_schema *schema,
                                  int last_column_id)
{
    char *text = NULL;
    *out = NULL;
    int rc = need(schema, "add-schema");
    if (!rc)
        rc = floe_schema_to_json(&text, schema, false);
    if (!rc)
        rc = floe_update_add_schema(out, text, last_column_id);
    floe_iceberg_free_string(text);
    return rc;
}

int floe_update_add_spec_object(floe_table_update **out, const floe_partition_spec *spec)
{
    char *text = NULL;
    *out = NULL;
    int rc = need(spec, "add-spec");
    if (!rc)
        rc = floe_partition_spec_to_json(&text, spec, false);
    if (!rc)
        rc = floe_update_add_spec(out, text);
    floe_iceberg_free_string(text);
    return rc;
}

int floe_update_add_sort_order_object(floe_table_update **out, const floe_sort_order *order)
{
    char *text = NULL;
    *out = NULL;
    int rc = need(order, "add-sort-order");
    if (!rc)
        rc = floe_sort_order_to_json(&text, order, false);
    if (!rc)
        rc = floe_update_add_sort_order(out, text);
    floe_iceberg_free_string(text);
    return rc;
}

int floe_update_set_current_schema(floe_table_update **out, int schema_id)
{
    return make(out,
                json_pack("{s:s, s:i}", "action", "set-current-schema", "schema-id", schema_id));
}

int floe_update_add_spec(floe_table_update **out, const char *spec_json)
{
    json_t *spec = NULL;
    *out = NULL;
    int rc = arg_object(&spec, spec_json, "add-spec");
    if (rc)
        return rc;
    return make(out, json_pack("{s:s, s:o}", "action", "add-spec", "spec", spec));
}

int floe_update_set_default_spec(floe_table_update **out, int spec_id)
{
    return make(out, json_pack("{s:s, s:i}", "action", "set-default-spec", "spec-id", spec_id));
}

int floe_update_add_sort_order(floe_table_update **out, const char *sort_order_json)
{
    json_t *order = NULL;
    *out = NULL;
    int rc = arg_object(&order, sort_order_json, "add-sort-order");
    if (rc)
        return rc;
    return make(out, json_pack("{s:s, s:o}", "action", "add-sort-order", "sort-order", order));
}

int floe_update_set_default_sort_order(floe_table_update **out, int order_id)
{
    return make(out, json_pack("{s:s, s:i}", "action", "set-default-sort-order", "sort-order-id",
                               order_id));
}

int floe_update_add_snapshot(floe_table_update **out, const floe_snapshot *snapshot)
{
    *out = NULL;
    int rc = need(snapshot, "add-snapshot");
    if (rc)
        return rc;
    return make(out, json_pack("{s:s, s:O}", "action", "add-snapshot", "snapshot",
                               floe_iceberg__snapshot_object(snapshot)));
}

int floe_update_set_snapshot_ref(floe_table_update **out, const char *ref_name,
                                 const floe_snapshot_ref *ref)
{
    *out = NULL;
    int rc = need(ref_name, "set-snapshot-ref");
    if (!rc)
        rc = need(ref, "set-snapshot-ref");
    if (!rc)
        rc = floe_snapshot_ref_validate(ref, ref_name);
    if (rc)
        return rc;
    json_t *o = json_pack("{s:s, s:s}", "action", "set-snapshot-ref", "ref-name", ref_name);
    json_t *r = floe_iceberg__ref_to_object(ref);
    if (o && r && json_object_update(o, r) != 0) {
        json_decref(o);
        o = NULL;
    }
    json_decref(r);
    if (!r) {
        json_decref(o);
        o = NULL;
    }
    return make(out, o);
}

int floe_update_remove_snapshots(floe_table_update **out, const int64_t *snapshot_ids, size_t count)
{
    *out = NULL;
    if (count && !snapshot_ids)
        return need(NULL, "remove-snapshots");
    json_t *ids = json_array();
    for (size_t i = 0; ids && i < count; i++)
        if (json_array_append_new(ids, json_integer(snapshot_ids[i])) != 0) {
            json_decref(ids);
            ids = NULL;
        }
    if (!ids)
        return make(out, NULL);
    return make(out, json_pack("{s:s, s:o}", "action", "remove-snapshots", "snapshot-ids", ids));
}

int floe_update_remove_snapshot_ref(floe_table_update **out, const char *ref_name)
{
    int rc = need(ref_name, "remove-snapshot-ref");
    if (rc) {
        *out = NULL;
        return rc;
    }
    return make(out,
                json_pack("{s:s, s:s}", "action", "remove-snapshot-ref", "ref-name", ref_name));
}

int floe_update_set_location(floe_table_update **out, const char *location)
{
    int rc = need(location, "set-location");
    if (rc) {
        *out = NULL;
        return rc;
    }
    return make(out, json_pack("{s:s, s:s}", "action", "set-location", "location", location));
}

int floe_update_set_properties(floe_table_update **out, const char *const *keys,
                               const char *const *values, size_t count)
{
    *out = NULL;
    if (count && (!keys || !values))
        return need(NULL, "set-properties");
    json_t *u = json_object();
    for (size_t i = 0; u && i < count; i++) {
        if (!keys[i] || !values[i]) {
            json_decref(u);
            return need(NULL, "set-properties");
        }
        if (json_object_set_new(u, keys[i], json_string(values[i])) != 0) {
            json_decref(u);
            u = NULL;
        }
    }
    if (!u)
        return make(out, NULL);
    return make(out, json_pack("{s:s, s:o}", "action", "set-properties", "updates", u));
}

int floe_update_remove_properties(floe_table_update **out, const char *const *keys, size_t count)
{
    *out = NULL;
    if (count && !keys)
        return need(NULL, "remove-properties");
    json_t *r = json_array();
    for (size_t i = 0; r && i < count; i++) {
        if (!keys[i]) {
            json_decref(r);
            return need(NULL, "remove-properties");
        }
        if (json_array_append_new(r, json_string(keys[i])) != 0) {
            json_decref(r);
            r = NULL;
        }
    }
    if (!r)
        return make(out, NULL);
    return make(out, json_pack("{s:s, s:o}", "action", "remove-properties", "removals", r));
}

int floe_update_set_statistics(floe_table_update **out, const char *statistics_json)
{
    json_t *st = NULL;
    *out = NULL;
    int rc = arg_object(&st, statistics_json, "set-statistics");
    if (rc)
        return rc;
    json_t *sid = json_object_get(st, "snapshot-id");
    json_t *o = json_pack("{s:s}", "action", "set-statistics");
    /* the deprecated top-level snapshot-id is still sent for older servers */
    if (o && json_is_integer(sid) && json_object_set(o, "snapshot-id", sid) != 0) {
        json_decref(o);
        o = NULL;
    }
    if (o && json_object_set(o, "statistics", st) != 0) {
        json_decref(o);
        o = NULL;
    }
    json_decref(st);
    return make(out, o);
}

int floe_update_remove_statistics(floe_table_update **out, int64_t snapshot_id)
{
    return make(out, json_pack("{s:s, s:I}", "action", "remove-statistics", "snapshot-id",
                               (json_int_t)snapshot_id));
}

int floe_update_set_partition_statistics(floe_table_update **out,
                                         const char *partition_statistics_json)
{
    json_t *st = NULL;
    *out = NULL;
    int rc = arg_object(&st, partition_statistics_json, "set-partition-statistics");
    if (rc)
        return rc;
    return make(out, json_pack("{s:s, s:o}", "action", "set-partition-statistics",
                               "partition-statistics", st));
}

int floe_update_remove_partition_statistics(floe_table_update **out, int64_t snapshot_id)
{
    return make(out, json_pack("{s:s, s:I}", "action", "remove-partition-statistics", "snapshot-id",
                               (json_int_t)snapshot_id));
}

static int int_list(floe_table_update **out, const char *action, const char *key, const int *ids,
                    size_t count)
{
    *out = NULL;
    if (count && !ids)
        return need(NULL, action);
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < count; i++)
        if (json_array_append_new(arr, json_integer(ids[i])) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    if (!arr)
        return make(out, NULL);
    return make(out, json_pack("{s:s, s:o}", "action", action, key, arr));
}

int floe_update_remove_partition_specs(floe_table_update **out, const int *spec_ids, size_t count)
{
    return int_list(out, "remove-partition-specs", "spec-ids", spec_ids, count);
}

int floe_update_remove_schemas(floe_table_update **out, const int *schema_ids, size_t count)
{
    return int_list(out, "remove-schemas", "schema-ids", schema_ids, count);
}

int floe_update_from_json(floe_table_update **out, const char *json, size_t len)
{
    json_t *obj = NULL;
    *out = NULL;
    int rc = floe_iceberg__jparse(&obj, json, len, WHAT);
    if (rc)
        return rc;
    return floe_iceberg__update_from_object(out, obj, "$");
}

int floe_update_to_json(char **out, const floe_table_update *upd)
{
    return floe_iceberg__jdump(out, upd->json, 0);
}

floe_update_type floe_update_get_type(const floe_table_update *upd)
{
    return upd->type;
}

void floe_update_free(floe_table_update *upd)
{
    if (!upd)
        return;
    json_decref(upd->json);
    floe_free(upd);
}
