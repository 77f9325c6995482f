/* Table requirements (REST TableRequirement): construction, validation, JSON. */
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "iceberg/metadata_json_util.h"
#include "iceberg/update_internal.h"

#define WHAT "table requirement"

static const struct {
    floe_requirement_type type;
    const char *name;
    const char *field; /* the member compared, NULL for assert-create */
} kinds[] = {
    {FLOE_REQ_ASSERT_CREATE, "assert-create", NULL},
    {FLOE_REQ_ASSERT_TABLE_UUID, "assert-table-uuid", "uuid"},
    {FLOE_REQ_ASSERT_REF_SNAPSHOT_ID, "assert-ref-snapshot-id", "snapshot-id"},
    {FLOE_REQ_ASSERT_LAST_ASSIGNED_FIELD_ID, "assert-last-assigned-field-id",
     "last-assigned-field-id"},
    {FLOE_REQ_ASSERT_CURRENT_SCHEMA_ID, "assert-current-schema-id", "current-schema-id"},
    {FLOE_REQ_ASSERT_LAST_ASSIGNED_PARTITION_ID, "assert-last-assigned-partition-id",
     "last-assigned-partition-id"},
    {FLOE_REQ_ASSERT_DEFAULT_SPEC_ID, "assert-default-spec-id", "default-spec-id"},
    {FLOE_REQ_ASSERT_DEFAULT_SORT_ORDER_ID, "assert-default-sort-order-id",
     "default-sort-order-id"},
};

const char *floe_requirement_type_name(floe_requirement_type type)
{
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (kinds[i].type == type)
            return kinds[i].name;
    return "unknown";
}

int floe_iceberg__requirement_from_object(floe_table_requirement **out, json_t *obj,
                                          const char *path)
{
    *out = NULL;
    const char *type = NULL;
    int rc = 0;
    if (!json_is_object(obj))
        rc = floe_error_set(FLOE_ECORRUPT, WHAT ": '%s' must be an object", path);
    if (!rc)
        rc = floe_iceberg__jreq_string(&type, obj, "type", WHAT, path);
    size_t k = 0;
    if (!rc) {
        for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
            if (strcmp(kinds[k].name, type) == 0)
                break;
        if (k == sizeof(kinds) / sizeof(kinds[0]))
            rc = floe_error_set(FLOE_EUNSUPPORTED,
                                WHAT ": '%s.type' \"%s\" is not a known "
                                     "requirement type",
                                path, type);
    }
    if (!rc) {
        const char *s = NULL;
        int iv = 0;
        int64_t lv = 0;
        switch (kinds[k].type) {
        case FLOE_REQ_ASSERT_CREATE:
            break;
        case FLOE_REQ_ASSERT_TABLE_UUID:
            rc = floe_iceberg__jreq_string(&s, obj, "uuid", WHAT, path);
            break;
        case FLOE_REQ_ASSERT_REF_SNAPSHOT_ID:
            rc = floe_iceberg__jreq_string(&s, obj, "ref", WHAT, path);
            if (!rc && !json_object_get(obj, "snapshot-id"))
                rc = floe_error_set(FLOE_ECORRUPT,
                                    WHAT ": required field '%s.snapshot-id' (an integer or null) "
                                         "is missing",
                                    path);
            if (!rc)
                rc = floe_iceberg__jopt_int64(&lv, NULL, obj, "snapshot-id", WHAT, path);
            break;
        default:
            rc = floe_iceberg__jreq_int(&iv, obj, kinds[k].field, WHAT, path);
            break;
        }
    }
    floe_table_requirement *r = NULL;
    if (!rc) {
        r = floe_calloc(1, sizeof(*r));
        if (!r)
            rc = floe_error_set(FLOE_ENOMEM, "out of memory creating a table requirement");
    }
    if (rc) {
        json_decref(obj);
        return rc;
    }
    r->type = kinds[k].type;
    r->json = obj;
    *out = r;
    return 0;
}

static int make(floe_table_requirement **out, json_t *obj)
{
    if (!obj) {
        *out = NULL;
        return floe_error_set(FLOE_ENOMEM, "out of memory creating a table requirement");
    }
    return floe_iceberg__requirement_from_object(out, obj, "$");
}

int floe_requirement_assert_create(floe_table_requirement **out)
{
    return make(out, json_pack("{s:s}", "type", "assert-create"));
}

int floe_requirement_assert_table_uuid(floe_table_requirement **out, const char *uuid)
{
    if (!uuid) {
        *out = NULL;
        return floe_error_set(FLOE_EINVALID, "assert-table-uuid needs a uuid");
    }
    return make(out, json_pack("{s:s, s:s}", "type", "assert-table-uuid", "uuid", uuid));
}

int floe_requirement_assert_ref_snapshot_id(floe_table_requirement **out, const char *ref,
                                            int64_t snapshot_id)
{
    if (!ref) {
        *out = NULL;
        return floe_error_set(FLOE_EINVALID, "assert-ref-snapshot-id needs a ref name");
    }
    json_t *id = snapshot_id < 0 ? json_null() : json_integer(snapshot_id);
    return make(out, json_pack("{s:s, s:s, s:o}", "type", "assert-ref-snapshot-id", "ref", ref,
                               "snapshot-id", id));
}

static int int_req(floe_table_requirement **out, const char *type, const char *field, int v)
{
    return make(out, json_pack("{s:s, s:i}", "type", type, field, v));
}

int floe_requirement_assert_last_assigned_field_id(floe_table_requirement **out, int v)
{
    return int_req(out, "assert-last-assigned-field-id", "last-assigned-field-id", v);
}

int floe_requirement_assert_current_schema_id(floe_table_requirement **out, int v)
{
    return int_req(out, "assert-current-schema-id", "current-schema-id", v);
}

int floe_requirement_assert_last_assigned_partition_id(floe_table_requirement **out, int v)
{
    return int_req(out, "assert-last-assigned-partition-id", "last-assigned-partition-id", v);
}

int floe_requirement_assert_default_spec_id(floe_table_requirement **out, int v)
{
    return int_req(out, "assert-default-spec-id", "default-spec-id", v);
}

int floe_requirement_assert_default_sort_order_id(floe_table_requirement **out, int v)
{
    return int_req(out, "assert-default-sort-order-id", "default-sort-order-id", v);
}

int floe_requirement_from_json(floe_table_requirement **out, const char *json, size_t len)
{
    json_t *obj = NULL;
    *out = NULL;
    int rc = floe_iceberg__jparse(&obj, json, len, WHAT);
    if (rc)
        return rc;
    return floe_iceberg__requirement_from_object(out, obj, "$");
}

int floe_requirement_to_json(char **out, const floe_table_requirement *req)
{
    return floe_iceberg__jdump(out, req->json, 0);
}

floe_requirement_type floe_requirement_get_type(const floe_table_requirement *req)
{
    return req->type;
}

void floe_requirement_free(floe_table_requirement *req)
{
    if (!req)
        return;
    json_decref(req->json);
    floe_free(req);
}
