/* The metadata builder (DESIGN §2): requirements checked against a base, updates applied to
 * a deep copy of the base's normalized JSON document, then re-validated into new metadata. */
#include <floe/iceberg/builder.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/partition.h>
#include <floe/iceberg/schema.h>
#include <floe/iceberg/sort_order.h>

#include "base/alloc.h"
#include "base/timeconv.h"
#include "base/uuid.h"
#include "iceberg/metadata_json_util.h"
#include "iceberg/snapshot_internal.h"
#include "iceberg/table_metadata_internal.h"
#include "iceberg/update_internal.h"

struct floe_metadata_builder {
    floe_table_metadata *base;
    char *base_location;
    json_t *root;
    int changes;
    int64_t now_ms;          /* -1: read the clock */
    int64_t last_updated_ms; /* -1: not set by an update */
    int last_added_schema;
    int last_added_spec;
    int last_added_order;
    int failed;
};

static int oom(void)
{
    return floe_error_set(FLOE_ENOMEM, "out of memory building table metadata");
}

static int64_t now_of(floe_metadata_builder *b)
{
    return b->now_ms >= 0 ? b->now_ms : floe_now_ms();
}

static json_t *member(floe_metadata_builder *b, const char *key)
{
    return json_object_get(b->root, key);
}

static int64_t int_member(floe_metadata_builder *b, const char *key, int64_t dflt)
{
    json_t *v = member(b, key);
    return json_is_integer(v) ? json_integer_value(v) : dflt;
}

static int set_int(floe_metadata_builder *b, const char *key, int64_t v)
{
    return floe_iceberg__jset(b->root, key, json_integer(v));
}

/* Position of the object whose `id_key` is `id` in array `arr`, or -1. */
static long find_by_id(json_t *arr, const char *id_key, int64_t id)
{
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        json_t *v = json_object_get(o, id_key);
        if (json_is_integer(v) && json_integer_value(v) == id)
            return (long)i;
    }
    return -1;
}

static int64_t max_id(json_t *arr, const char *id_key, int64_t dflt)
{
    int64_t m = dflt;
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        json_t *v = json_object_get(o, id_key);
        if (json_is_integer(v) && json_integer_value(v) > m)
            m = json_integer_value(v);
    }
    return m;
}

/* An empty document for a table being created; build() fills what updates did not. */
static json_t *empty_root(void)
{
    return json_pack("{s:i, s:s, s:I, s:I, s:i, s:i, s:[], s:i, s:[], s:i, s:i, s:[], s:{}, "
                     "s:I, s:{}, s:[], s:[], s:[], s:[], s:[]}",
                     "format-version", FLOE_METADATA_WRITE_VERSION, "location", "",
                     "last-sequence-number", (json_int_t)0, "last-updated-ms", (json_int_t)0,
                     "last-column-id", 0, "current-schema-id", -1, "schemas", "default-spec-id", -1,
                     "partition-specs", "last-partition-id", 999, "default-sort-order-id", -1,
                     "sort-orders", "properties", "current-snapshot-id", (json_int_t)-1, "refs",
                     "snapshots", "statistics", "partition-statistics", "snapshot-log",
                     "metadata-log");
}

int floe_metadata_builder_new(floe_metadata_builder **out, const floe_table_metadata *base,
                              const char *base_location)
{
    *out = NULL;
    floe_metadata_builder *b = floe_calloc(1, sizeof(*b));
    if (!b)
        return oom();
    b->now_ms = -1;
    b->last_updated_ms = -1;
    b->last_added_schema = b->last_added_spec = b->last_added_order = -1;
    if (base) {
        b->base = floe_table_metadata_acquire((floe_table_metadata *)base);
        b->root = json_deep_copy(floe_iceberg__metadata_root(base));
    } else {
        b->root = empty_root();
    }
    if (base_location)
        b->base_location = floe_strdup(base_location);
    if (!b->root || (base_location && !b->base_location)) {
        floe_metadata_builder_free(b);
        return oom();
    }
    *out = b;
    return 0;
}

void floe_metadata_builder_set_now(floe_metadata_builder *b, int64_t now_ms)
{
    b->now_ms = now_ms;
}

void floe_metadata_builder_free(floe_metadata_builder *b)
{
    if (!b)
        return;
    floe_table_metadata_release(b->base);
    floe_free(b->base_location);
    json_decref(b->root);
    floe_free(b);
}

/* ---- requirements ---- */

static int req_failed(const char *fmt, ...) FLOE_PRINTF(1, 2);
static int req_failed(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return floe_error_set(FLOE_ECONFLICT, "Requirement failed: %s; refresh the table and retry",
                          msg);
}

static int check_one(const floe_table_metadata *base, const floe_table_requirement *r)
{
    json_t *j = r->json;
    const char *name = floe_requirement_type_name(r->type);
    if (r->type == FLOE_REQ_ASSERT_CREATE) {
        if (base)
            return req_failed("assert-create: table already exists");
        return 0;
    }
    if (r->type == FLOE_REQ_ASSERT_REF_SNAPSHOT_ID) {
        const char *ref = json_string_value(json_object_get(j, "ref"));
        json_t *want = json_object_get(j, "snapshot-id");
        const floe_snapshot_ref *have = base ? floe_table_metadata_ref(base, ref) : NULL;
        if (json_is_null(want)) {
            if (have)
                return req_failed("assert-ref-snapshot-id: %s '%s' was created concurrently "
                                  "(expected no ref, found snapshot-id %" PRId64 ")",
                                  have->type == FLOE_REF_TAG ? "tag" : "branch", ref,
                                  have->snapshot_id);
            return 0;
        }
        int64_t want_id = json_integer_value(want);
        if (!have)
            return req_failed("assert-ref-snapshot-id: branch or tag '%s' is missing, expected "
                              "snapshot-id %" PRId64,
                              ref, want_id);
        if (have->snapshot_id != want_id)
            return req_failed("assert-ref-snapshot-id: %s '%s' has changed: expected "
                              "snapshot-id %" PRId64 ", found %" PRId64,
                              have->type == FLOE_REF_TAG ? "tag" : "branch", ref, want_id,
                              have->snapshot_id);
        return 0;
    }
    if (!base)
        return req_failed("%s: the table does not exist", name);
    if (r->type == FLOE_REQ_ASSERT_TABLE_UUID) {
        const char *want = json_string_value(json_object_get(j, "uuid"));
        const char *have = floe_table_metadata_uuid(base);
        if (!have || strcasecmp(want, have) != 0)
            return req_failed("assert-table-uuid: UUID does not match: expected %s, found %s", want,
                              have ? have : "(none)");
        return 0;
    }
    const char *field = NULL;
    int have = 0;
    switch (r->type) {
    case FLOE_REQ_ASSERT_LAST_ASSIGNED_FIELD_ID:
        field = "last-assigned-field-id";
        have = floe_table_metadata_last_column_id(base);
        break;
    case FLOE_REQ_ASSERT_CURRENT_SCHEMA_ID:
        field = "current-schema-id";
        have = floe_table_metadata_current_schema_id(base);
        break;
    case FLOE_REQ_ASSERT_LAST_ASSIGNED_PARTITION_ID:
        field = "last-assigned-partition-id";
        have = floe_table_metadata_last_partition_id(base);
        break;
    case FLOE_REQ_ASSERT_DEFAULT_SPEC_ID:
        field = "default-spec-id";
        have = floe_table_metadata_default_spec_id(base);
        break;
    case FLOE_REQ_ASSERT_DEFAULT_SORT_ORDER_ID:
        field = "default-sort-order-id";
        have = floe_table_metadata_default_sort_order_id(base);
        break;
    default:
        return floe_error_set(FLOE_EUNSUPPORTED, "unknown requirement type %d", (int)r->type);
    }
    int want = (int)json_integer_value(json_object_get(j, field));
    if (want != have)
        return req_failed("%s: %s has changed: expected %d, found %d", name, field, want, have);
    return 0;
}

int floe_metadata_builder_check(floe_metadata_builder *b,
                                floe_table_requirement *const *requirements, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        int rc = check_one(b->base, requirements[i]);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- updates ---- */

static int invalid(const char *fmt, ...) FLOE_PRINTF(1, 2);
static int invalid(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = floe_error_setv(FLOE_EINVALID, fmt, ap);
    va_end(ap);
    return rc;
}

static int parse_schema(floe_schema **out, json_t *obj)
{
    char *text = json_dumps(obj, JSON_COMPACT);
    if (!text)
        return oom();
    int rc = floe_schema_from_json(out, text, strlen(text));
    free(text);
    return rc;
}

static int current_schema(floe_schema **out, floe_metadata_builder *b)
{
    *out = NULL;
    long pos =
        find_by_id(member(b, "schemas"), "schema-id", int_member(b, "current-schema-id", -1));
    if (pos < 0)
        return invalid("the table has no current schema: add one first");
    return parse_schema(out, json_array_get(member(b, "schemas"), (size_t)pos));
}

static int apply_add_schema(floe_metadata_builder *b, json_t *u)
{
    json_t *sj = json_object_get(u, "schema");
    floe_schema *schema = NULL;
    int rc = parse_schema(&schema, sj);
    if (rc)
        return floe_error_wrap(rc == FLOE_ENOMEM ? rc : FLOE_EINVALID, "add-schema");
    int64_t last_col = int_member(b, "last-column-id", 0);
    int64_t new_last = floe_schema_highest_field_id(schema);
    json_t *given = json_object_get(u, "last-column-id");
    if (json_is_integer(given)) {
        if (json_integer_value(given) < last_col) {
            floe_schema_free(schema);
            return invalid("add-schema: Invalid last column ID: %" JSON_INTEGER_FORMAT " < %" PRId64
                           " (previous last column ID)",
                           json_integer_value(given), last_col);
        }
        if (json_integer_value(given) > new_last)
            new_last = json_integer_value(given);
    }
    if (new_last < last_col)
        new_last = last_col;
    json_t *schemas = member(b, "schemas");
    int reuse = -1;
    size_t i;
    json_t *o;
    json_array_foreach(schemas, i, o)
    {
        floe_schema *existing = NULL;
        rc = parse_schema(&existing, o);
        if (rc) {
            floe_schema_free(schema);
            return rc;
        }
        if (floe_schema_same(existing, schema))
            reuse = floe_schema_id(existing);
        floe_schema_free(existing);
        if (reuse >= 0)
            break;
    }
    floe_schema_free(schema);
    rc = set_int(b, "last-column-id", new_last);
    if (rc)
        return rc;
    if (reuse >= 0) {
        b->last_added_schema = reuse;
        return 0;
    }
    int new_id = (int)max_id(schemas, "schema-id", -1) + 1;
    json_t *copy = json_deep_copy(sj);
    if (!copy || floe_iceberg__jset(copy, "schema-id", json_integer(new_id)) != 0 ||
        json_array_append_new(schemas, copy) != 0)
        return oom();
    b->last_added_schema = new_id;
    b->changes++;
    return 0;
}

/* Resolves -1 ("last added") and checks the id exists in `list`. */
static int resolve_id(int *id, floe_metadata_builder *b, json_t *u, const char *key, int last,
                      const char *list, const char *id_key, const char *what)
{
    *id = (int)json_integer_value(json_object_get(u, key));
    if (*id == FLOE_LAST_ADDED) {
        if (last < 0)
            return invalid("Cannot set last added %s: no %s has been added", what, what);
        *id = last;
    }
    if (find_by_id(member(b, list), id_key, *id) < 0)
        return invalid("Cannot set current %s to unknown %s: %d", what, what, *id);
    return 0;
}

static int apply_set_current(floe_metadata_builder *b, json_t *u, const char *key, int last,
                             const char *list, const char *id_key, const char *what,
                             const char *target)
{
    int id = 0;
    int rc = resolve_id(&id, b, u, key, last, list, id_key, what);
    if (rc)
        return rc;
    if (int_member(b, target, -2) == id)
        return 0;
    b->changes++;
    return set_int(b, target, id);
}

/* Does `source_id` name a field of the current schema? */
static int check_source(floe_metadata_builder *b, json_t *fields, const char *what)
{
    floe_schema *schema = NULL;
    int rc = current_schema(&schema, b);
    if (rc)
        return rc;
    size_t i;
    json_t *f;
    json_array_foreach(fields, i, f)
    {
        json_t *sid = json_object_get(f, "source-id");
        if (!json_is_integer(sid)) {
            rc = invalid("%s: field %zu has no integer source-id", what, i);
            break;
        }
        if (!floe_schema_find_field(schema, (int32_t)json_integer_value(sid))) {
            rc = invalid("%s: field %zu has source-id %" JSON_INTEGER_FORMAT
                         " which is not in the current schema %d",
                         what, i, json_integer_value(sid), floe_schema_id(schema));
            break;
        }
    }
    floe_schema_free(schema);
    return rc;
}

/* Parses a spec or sort order JSON object with the parsers of partition.h / sort_order.h. */
static int parse_spec(floe_partition_spec **out, json_t *obj)
{
    char *text = json_dumps(obj, JSON_COMPACT);
    if (!text)
        return oom();
    int rc = floe_partition_spec_from_json(out, text, strlen(text));
    free(text);
    return rc;
}

static int parse_order(floe_sort_order **out, json_t *obj)
{
    char *text = json_dumps(obj, JSON_COMPACT);
    if (!text)
        return oom();
    int rc = floe_sort_order_from_json(out, text, strlen(text));
    free(text);
    return rc;
}

/* Index of an existing spec (or order) with the same fields as `candidate`, -1 when none. */
static int find_same_spec(long *pos, json_t *specs, const floe_partition_spec *candidate)
{
    size_t i;
    json_t *sp;
    *pos = -1;
    json_array_foreach(specs, i, sp)
    {
        floe_partition_spec *existing = NULL;
        int rc = parse_spec(&existing, sp);
        if (rc)
            return rc;
        int same = floe_partition_spec_same_fields(existing, candidate);
        floe_partition_spec_free(existing);
        if (same) {
            *pos = (long)i;
            break;
        }
    }
    return 0;
}

static int find_same_order(long *pos, json_t *orders, const floe_sort_order *candidate)
{
    size_t i;
    json_t *o;
    *pos = -1;
    json_array_foreach(orders, i, o)
    {
        floe_sort_order *existing = NULL;
        int rc = parse_order(&existing, o);
        if (rc)
            return rc;
        int same = floe_sort_order_same_fields(existing, candidate);
        floe_sort_order_free(existing);
        if (same) {
            *pos = (long)i;
            break;
        }
    }
    return 0;
}

static int apply_add_spec(floe_metadata_builder *b, json_t *u)
{
    json_t *spec = json_deep_copy(json_object_get(u, "spec"));
    if (!spec)
        return oom();
    json_t *fields = json_object_get(spec, "fields");
    int rc = check_source(b, fields, "add-spec");
    int64_t last_part = int_member(b, "last-partition-id", 999);
    json_t *specs = member(b, "partition-specs");
    size_t i;
    json_t *f;
    json_array_foreach(fields, i, f)
    {
        if (rc)
            break;
        if (!json_is_string(json_object_get(f, "transform")) ||
            !json_is_string(json_object_get(f, "name"))) {
            rc = invalid("add-spec: field %zu needs a string transform and name", i);
            break;
        }
        json_t *fid = json_object_get(f, "field-id");
        if (json_is_integer(fid)) {
            if (json_integer_value(fid) > last_part)
                last_part = json_integer_value(fid);
            continue;
        }
        /* reuse the id of an identical field of an earlier spec, as the reference does */
        int64_t reuse = -1;
        size_t si;
        json_t *sp;
        json_array_foreach(specs, si, sp)
        {
            size_t fi;
            json_t *of;
            json_array_foreach(json_object_get(sp, "fields"), fi, of)
            {
                if (json_equal(json_object_get(of, "source-id"), json_object_get(f, "source-id")) &&
                    json_equal(json_object_get(of, "transform"), json_object_get(f, "transform")))
                    reuse = json_integer_value(json_object_get(of, "field-id"));
            }
        }
        int64_t id = reuse >= 0 ? reuse : ++last_part;
        if (json_object_set_new(f, "field-id", json_integer(id)) != 0)
            rc = oom();
    }
    if (rc) {
        json_decref(spec);
        return rc;
    }
    /* bind the spec to the current schema: transforms must apply to their source types */
    floe_partition_spec *parsed = NULL;
    floe_schema *schema = NULL;
    if (!json_object_get(spec, "spec-id") &&
        floe_iceberg__jset(spec, "spec-id", json_integer(0)) != 0)
        rc = oom();
    if (!rc)
        rc = parse_spec(&parsed, spec);
    if (!rc)
        rc = current_schema(&schema, b);
    if (!rc && floe_partition_spec_check(parsed, schema) != 0)
        rc = floe_error_wrap(FLOE_EINVALID, "add-spec");
    long same = -1;
    if (!rc)
        rc = find_same_spec(&same, specs, parsed);
    floe_partition_spec_free(parsed);
    floe_schema_free(schema);
    if (!rc)
        rc = set_int(b, "last-partition-id", last_part);
    if (rc) {
        json_decref(spec);
        return rc == FLOE_ECORRUPT ? floe_error_wrap(FLOE_EINVALID, "add-spec") : rc;
    }
    if (same >= 0) {
        b->last_added_spec = (int)json_integer_value(
            json_object_get(json_array_get(specs, (size_t)same), "spec-id"));
        json_decref(spec);
        return 0;
    }
    int new_id = (int)max_id(specs, "spec-id", -1) + 1;
    if (!rc)
        rc = floe_iceberg__jset(spec, "spec-id", json_integer(new_id));
    if (!rc && json_array_append(specs, spec) != 0)
        rc = oom();
    json_decref(spec);
    if (rc)
        return rc;
    b->last_added_spec = new_id;
    b->changes++;
    return 0;
}

static int apply_add_sort_order(floe_metadata_builder *b, json_t *u)
{
    json_t *order = json_deep_copy(json_object_get(u, "sort-order"));
    if (!order)
        return oom();
    json_t *fields = json_object_get(order, "fields");
    int rc = json_array_size(fields) ? check_source(b, fields, "add-sort-order") : 0;
    size_t i;
    json_t *f;
    json_array_foreach(fields, i, f)
    {
        if (rc)
            break;
        const char *dir = json_string_value(json_object_get(f, "direction"));
        const char *nulls = json_string_value(json_object_get(f, "null-order"));
        if (!json_is_string(json_object_get(f, "transform")) || !dir || !nulls ||
            (strcmp(dir, "asc") != 0 && strcmp(dir, "desc") != 0) ||
            (strcmp(nulls, "nulls-first") != 0 && strcmp(nulls, "nulls-last") != 0))
            rc = invalid("add-sort-order: field %zu needs transform, direction (asc/desc) and "
                         "null-order (nulls-first/nulls-last)",
                         i);
    }
    if (rc) {
        json_decref(order);
        return rc;
    }
    json_t *orders = member(b, "sort-orders");
    floe_sort_order *parsed = NULL;
    floe_schema *schema = NULL;
    if (!json_object_get(order, "order-id") &&
        floe_iceberg__jset(order, "order-id", json_integer(json_array_size(fields) ? 1 : 0)) != 0)
        rc = oom();
    if (!rc)
        rc = parse_order(&parsed, order);
    if (!rc && json_array_size(fields)) {
        rc = current_schema(&schema, b);
        if (!rc && floe_sort_order_check(parsed, schema) != 0)
            rc = floe_error_wrap(FLOE_EINVALID, "add-sort-order");
    }
    long same = -1;
    if (!rc)
        rc = find_same_order(&same, orders, parsed);
    floe_sort_order_free(parsed);
    floe_schema_free(schema);
    if (rc) {
        json_decref(order);
        return rc == FLOE_ECORRUPT ? floe_error_wrap(FLOE_EINVALID, "add-sort-order") : rc;
    }
    if (same >= 0) {
        b->last_added_order = (int)json_integer_value(
            json_object_get(json_array_get(orders, (size_t)same), "order-id"));
        json_decref(order);
        return 0;
    }
    /* the unsorted order is always id 0; sorted orders start at 1 */
    int new_id = json_array_size(fields) == 0 ? 0 : (int)max_id(orders, "order-id", 0) + 1;
    rc = floe_iceberg__jset(order, "order-id", json_integer(new_id));
    if (!rc && json_array_append(orders, order) != 0)
        rc = oom();
    json_decref(order);
    if (rc)
        return rc;
    b->last_added_order = new_id;
    b->changes++;
    return 0;
}

static int apply_add_snapshot(floe_metadata_builder *b, json_t *u)
{
    json_t *sj = json_object_get(u, "snapshot");
    int fv = (int)int_member(b, "format-version", 2);
    floe_snapshot *s = NULL;
    int rc =
        floe_iceberg__snapshot_from_object(&s, json_incref(sj), fv, "add-snapshot", "$.snapshot");
    if (rc)
        return floe_error_wrap(rc == FLOE_ENOMEM ? rc : FLOE_EINVALID, "add-snapshot");
    json_t *snaps = member(b, "snapshots");
    int64_t last_seq = int_member(b, "last-sequence-number", 0);
    if (find_by_id(snaps, "snapshot-id", s->id) >= 0)
        rc = invalid("add-snapshot: Snapshot already exists for id: %" PRId64, s->id);
    else if (fv >= 2 && s->parent_id != FLOE_SNAPSHOT_ID_NONE && s->sequence_number <= last_seq)
        rc = invalid("add-snapshot: Cannot add snapshot with sequence number %" PRId64
                     " older than last sequence number %" PRId64,
                     s->sequence_number, last_seq);
    else if (s->schema_id >= 0 && find_by_id(member(b, "schemas"), "schema-id", s->schema_id) < 0)
        rc = invalid("add-snapshot: snapshot %" PRId64 " names schema-id %d, which the table "
                     "does not have",
                     s->id, s->schema_id);
    if (!rc && fv >= 3) {
        int64_t next_row_id = int_member(b, "next-row-id", 0);
        json_t *first = json_object_get(sj, "first-row-id");
        json_t *added = json_object_get(sj, "added-rows");
        if (!json_is_integer(first) || !json_is_integer(added))
            rc = invalid("add-snapshot: v3 snapshots need first-row-id and added-rows");
        else if (json_integer_value(first) < next_row_id)
            rc = invalid(
                "add-snapshot: Cannot add a snapshot whose first-row-id (%" JSON_INTEGER_FORMAT
                ") is behind the table next-row-id (%" PRId64 ")",
                json_integer_value(first), next_row_id);
        else
            rc = set_int(b, "next-row-id", next_row_id + json_integer_value(added));
    }
    if (!rc && json_array_append(snaps, sj) != 0)
        rc = oom();
    if (!rc && s->sequence_number > last_seq)
        rc = set_int(b, "last-sequence-number", s->sequence_number);
    if (!rc) {
        b->last_updated_ms = s->timestamp_ms;
        b->changes++;
    }
    floe_snapshot_release(s);
    return rc;
}

static int append_snapshot_log(floe_metadata_builder *b, int64_t snapshot_id)
{
    if (b->last_updated_ms < 0)
        b->last_updated_ms = now_of(b);
    json_t *e = json_pack("{s:I, s:I}", "timestamp-ms", (json_int_t)b->last_updated_ms,
                          "snapshot-id", (json_int_t)snapshot_id);
    if (!e || json_array_append_new(member(b, "snapshot-log"), e) != 0)
        return oom();
    return 0;
}

static int apply_set_ref(floe_metadata_builder *b, json_t *u)
{
    const char *name = json_string_value(json_object_get(u, "ref-name"));
    floe_snapshot_ref ref;
    int rc = floe_iceberg__ref_from_object(&ref, u, "set-snapshot-ref", "$");
    if (rc)
        return floe_error_wrap(rc == FLOE_ENOMEM ? rc : FLOE_EINVALID, "set-snapshot-ref");
    if (find_by_id(member(b, "snapshots"), "snapshot-id", ref.snapshot_id) < 0)
        return invalid("set-snapshot-ref: Cannot set %s to unknown snapshot: %" PRId64, name,
                       ref.snapshot_id);
    json_t *obj = floe_iceberg__ref_to_object(&ref);
    if (!obj)
        return oom();
    json_t *refs = member(b, "refs");
    if (json_equal(json_object_get(refs, name), obj)) {
        json_decref(obj);
        return 0;
    }
    rc = floe_iceberg__jset(refs, name, obj);
    if (rc)
        return rc;
    b->changes++;
    if (strcmp(name, FLOE_MAIN_BRANCH) == 0) {
        rc = set_int(b, "current-snapshot-id", ref.snapshot_id);
        if (!rc)
            rc = append_snapshot_log(b, ref.snapshot_id);
    }
    return rc;
}

static int remove_ref(floe_metadata_builder *b, const char *name)
{
    json_t *refs = member(b, "refs");
    if (strcmp(name, FLOE_MAIN_BRANCH) == 0 &&
        int_member(b, "current-snapshot-id", -1) != FLOE_SNAPSHOT_ID_NONE) {
        int rc = set_int(b, "current-snapshot-id", FLOE_SNAPSHOT_ID_NONE);
        if (rc)
            return rc;
        b->changes++;
    }
    if (json_object_get(refs, name)) {
        json_object_del(refs, name);
        b->changes++;
    }
    return 0;
}

/* Removes every element of `arr` whose `key` equals `id`; returns how many were removed. */
static size_t remove_where(json_t *arr, const char *key, int64_t id)
{
    size_t removed = 0;
    for (size_t i = json_array_size(arr); i-- > 0;) {
        json_t *v = json_object_get(json_array_get(arr, i), key);
        if (json_is_integer(v) && json_integer_value(v) == id) {
            json_array_remove(arr, i);
            removed++;
        }
    }
    return removed;
}

static int apply_remove_snapshots(floe_metadata_builder *b, json_t *u)
{
    json_t *ids = json_object_get(u, "snapshot-ids");
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v)
    {
        int64_t id = json_integer_value(v);
        if (remove_where(member(b, "snapshots"), "snapshot-id", id) == 0)
            continue;
        b->changes++;
        /* refs to a removed snapshot go too (main also clears current-snapshot-id) */
        json_t *refs = member(b, "refs");
        const char *name;
        json_t *r;
        void *tmp;
        json_object_foreach_safe(refs, tmp, name, r)
        {
            json_t *sid = json_object_get(r, "snapshot-id");
            if (json_is_integer(sid) && json_integer_value(sid) == id) {
                int rc = remove_ref(b, name);
                if (rc)
                    return rc;
            }
        }
        remove_where(member(b, "statistics"), "snapshot-id", id);
        remove_where(member(b, "partition-statistics"), "snapshot-id", id);
    }
    return 0;
}

static int apply_set_properties(floe_metadata_builder *b, json_t *u)
{
    json_t *props = member(b, "properties");
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(u, "updates"), k, v)
    {
        if (json_equal(json_object_get(props, k), v))
            continue;
        if (json_object_set(props, k, v) != 0)
            return oom();
        b->changes++;
    }
    return 0;
}

static int apply_remove_properties(floe_metadata_builder *b, json_t *u)
{
    json_t *props = member(b, "properties");
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(u, "removals"), i, v)
    {
        if (json_object_del(props, json_string_value(v)) == 0)
            b->changes++;
    }
    return 0;
}

static int apply_set_stats(floe_metadata_builder *b, json_t *u, const char *ukey, const char *list)
{
    json_t *st = json_object_get(u, ukey);
    int64_t sid = json_integer_value(json_object_get(st, "snapshot-id"));
    json_t *arr = member(b, list);
    long pos = find_by_id(arr, "snapshot-id", sid);
    if (pos >= 0 && json_equal(json_array_get(arr, (size_t)pos), st))
        return 0;
    int rc = pos >= 0 ? json_array_set(arr, (size_t)pos, st) : json_array_append(arr, st);
    if (rc != 0)
        return oom();
    b->changes++;
    return 0;
}

static int apply_remove_ids(floe_metadata_builder *b, json_t *u, const char *ukey, const char *list,
                            const char *id_key, const char *current_key, const char *what)
{
    int64_t current = int_member(b, current_key, -1);
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(u, ukey), i, v)
    {
        if (json_integer_value(v) == current)
            return invalid("Cannot remove %s %" PRId64 ": it is the table's %s", what, current,
                           current_key);
    }
    json_array_foreach(json_object_get(u, ukey), i, v)
    {
        if (remove_where(member(b, list), id_key, json_integer_value(v)))
            b->changes++;
    }
    return 0;
}

static int apply_upgrade(floe_metadata_builder *b, json_t *u)
{
    int want = (int)json_integer_value(json_object_get(u, "format-version"));
    int have = (int)int_member(b, "format-version", 2);
    if (want < have)
        return invalid("Cannot downgrade v%d table to v%d", have, want);
    if (want > FLOE_METADATA_WRITE_VERSION)
        return floe_error_set(FLOE_EUNSUPPORTED,
                              "Cannot upgrade table to unsupported format version: v%d "
                              "(floe writes up to v%d)",
                              want, FLOE_METADATA_WRITE_VERSION);
    if (want == have)
        return 0;
    /* v1 snapshots have no sequence number: they are read as 0 and must be written so */
    size_t i;
    json_t *s;
    json_array_foreach(member(b, "snapshots"), i, s)
    {
        if (!json_object_get(s, "sequence-number") &&
            json_object_set_new(s, "sequence-number", json_integer(0)) != 0)
            return oom();
    }
    if (!member(b, "last-sequence-number") && set_int(b, "last-sequence-number", 0) != 0)
        return oom();
    json_object_del(b->root, "schema");
    json_object_del(b->root, "partition-spec");
    b->changes++;
    return set_int(b, "format-version", want);
}

int floe_metadata_builder_apply(floe_metadata_builder *b, const floe_table_update *update)
{
    if (b->failed)
        return floe_error_set(FLOE_EINVALID, "metadata builder: an earlier update failed");
    json_t *u = update->json;
    int rc = 0;
    switch (update->type) {
    case FLOE_UPD_ASSIGN_UUID: {
        const char *want = json_string_value(json_object_get(u, "uuid"));
        const char *have = json_string_value(member(b, "table-uuid"));
        if (have && strcasecmp(have, want) == 0)
            break;
        if (have) {
            rc = invalid("Cannot reassign uuid: the table has %s, the update sets %s", have, want);
            break;
        }
        rc = floe_iceberg__jset(b->root, "table-uuid", json_string(want));
        b->changes++;
        break;
    }
    case FLOE_UPD_UPGRADE_FORMAT_VERSION:
        rc = apply_upgrade(b, u);
        break;
    case FLOE_UPD_ADD_SCHEMA:
        rc = apply_add_schema(b, u);
        break;
    case FLOE_UPD_SET_CURRENT_SCHEMA:
        rc = apply_set_current(b, u, "schema-id", b->last_added_schema, "schemas", "schema-id",
                               "schema", "current-schema-id");
        break;
    case FLOE_UPD_ADD_SPEC:
        rc = apply_add_spec(b, u);
        break;
    case FLOE_UPD_SET_DEFAULT_SPEC:
        rc = apply_set_current(b, u, "spec-id", b->last_added_spec, "partition-specs", "spec-id",
                               "partition spec", "default-spec-id");
        break;
    case FLOE_UPD_ADD_SORT_ORDER:
        rc = apply_add_sort_order(b, u);
        break;
    case FLOE_UPD_SET_DEFAULT_SORT_ORDER:
        rc = apply_set_current(b, u, "sort-order-id", b->last_added_order, "sort-orders",
                               "order-id", "sort order", "default-sort-order-id");
        break;
    case FLOE_UPD_ADD_SNAPSHOT:
        rc = apply_add_snapshot(b, u);
        break;
    case FLOE_UPD_SET_SNAPSHOT_REF:
        rc = apply_set_ref(b, u);
        break;
    case FLOE_UPD_REMOVE_SNAPSHOTS:
        rc = apply_remove_snapshots(b, u);
        break;
    case FLOE_UPD_REMOVE_SNAPSHOT_REF:
        rc = remove_ref(b, json_string_value(json_object_get(u, "ref-name")));
        break;
    case FLOE_UPD_SET_LOCATION: {
        json_t *loc = json_object_get(u, "location");
        if (json_equal(member(b, "location"), loc))
            break;
        rc = json_object_set(b->root, "location", loc) == 0 ? 0 : oom();
        b->changes++;
        break;
    }
    case FLOE_UPD_SET_PROPERTIES:
        rc = apply_set_properties(b, u);
        break;
    case FLOE_UPD_REMOVE_PROPERTIES:
        rc = apply_remove_properties(b, u);
        break;
    case FLOE_UPD_SET_STATISTICS:
        rc = apply_set_stats(b, u, "statistics", "statistics");
        break;
    case FLOE_UPD_REMOVE_STATISTICS:
        if (remove_where(member(b, "statistics"), "snapshot-id",
                         json_integer_value(json_object_get(u, "snapshot-id"))))
            b->changes++;
        break;
    case FLOE_UPD_SET_PARTITION_STATISTICS:
        rc = apply_set_stats(b, u, "partition-statistics", "partition-statistics");
        break;
    case FLOE_UPD_REMOVE_PARTITION_STATISTICS:
        if (remove_where(member(b, "partition-statistics"), "snapshot-id",
                         json_integer_value(json_object_get(u, "snapshot-id"))))
            b->changes++;
        break;
    case FLOE_UPD_REMOVE_PARTITION_SPECS:
        rc = apply_remove_ids(b, u, "spec-ids", "partition-specs", "spec-id", "default-spec-id",
                              "partition spec");
        break;
    case FLOE_UPD_REMOVE_SCHEMAS:
        rc = apply_remove_ids(b, u, "schema-ids", "schemas", "schema-id", "current-schema-id",
                              "schema");
        break;
    default:
        rc = floe_error_set(FLOE_EUNSUPPORTED, "unknown table update type %d", (int)update->type);
    }
    if (rc)
        b->failed = 1;
    return rc;
}

/* ---- build ---- */

/* Spec: "When snapshots are expired ..., all entries before a snapshot that has expired
 * should be removed." */
static void clean_snapshot_log(floe_metadata_builder *b)
{
    json_t *log = member(b, "snapshot-log");
    json_t *snaps = member(b, "snapshots");
    size_t keep_from = 0;
    for (size_t i = 0; i < json_array_size(log); i++) {
        json_t *sid = json_object_get(json_array_get(log, i), "snapshot-id");
        if (!json_is_integer(sid) || find_by_id(snaps, "snapshot-id", json_integer_value(sid)) < 0)
            keep_from = i + 1;
    }
    for (size_t i = 0; i < keep_from; i++)
        json_array_remove(log, 0);
}

static int previous_versions_max(floe_metadata_builder *b)
{
    const char *v = json_string_value(
        json_object_get(member(b, "properties"), FLOE_PROP_METADATA_PREVIOUS_VERSIONS_MAX));
    if (!v)
        return FLOE_METADATA_PREVIOUS_VERSIONS_MAX_DEFAULT;
    char *end = NULL;
    long n = strtol(v, &end, 10);
    if (end == v || *end != '\0' || n > 1000000)
        return FLOE_METADATA_PREVIOUS_VERSIONS_MAX_DEFAULT;
    return n < 1 ? 1 : (int)n;
}

int floe_metadata_builder_build(floe_table_metadata **out, floe_metadata_builder *b)
{
    *out = NULL;
    if (b->failed)
        return floe_error_set(FLOE_EINVALID, "metadata builder: an earlier update failed");
    if (b->base && b->changes == 0) {
        *out = floe_table_metadata_acquire(b->base);
        return 0;
    }
    if (!b->base) {
        if (!json_string_length(member(b, "location")))
            return invalid("cannot create table metadata: no location (use set-location)");
        if (int_member(b, "current-schema-id", -1) < 0)
            return invalid("cannot create table metadata: no current schema (use add-schema "
                           "and set-current-schema)");
        if (int_member(b, "default-spec-id", -1) < 0) {
            floe_table_update *u = NULL;
            int rc = floe_update_add_spec(&u, "{\"spec-id\":0,\"fields\":[]}");
            if (!rc)
                rc = apply_add_spec(b, u->json);
            floe_update_free(u);
            if (!rc)
                rc = set_int(b, "default-spec-id", b->last_added_spec);
            if (rc)
                return rc;
        }
        if (int_member(b, "default-sort-order-id", -1) < 0) {
            json_t *unsorted = json_pack("{s:i, s:[]}", "order-id", 0, "fields");
            if (!unsorted || json_array_append_new(member(b, "sort-orders"), unsorted) != 0)
                return oom();
            if (set_int(b, "default-sort-order-id", 0) != 0)
                return oom();
        }
    }
    if (!json_is_string(member(b, "table-uuid")) && int_member(b, "format-version", 2) >= 2) {
        uint8_t raw[16];
        char text[FLOE_UUID_STR_LEN];
        int rc = floe_uuid_v4(raw);
        if (rc)
            return rc;
        floe_uuid_format(text, raw);
        if (floe_iceberg__jset(b->root, "table-uuid", json_string(text)) != 0)
            return oom();
    }
    clean_snapshot_log(b);
    int64_t updated = b->last_updated_ms >= 0 ? b->last_updated_ms : now_of(b);
    if (set_int(b, "last-updated-ms", updated) != 0)
        return oom();
    if (b->base && b->base_location) {
        json_t *log = member(b, "metadata-log");
        json_t *e = json_pack("{s:I, s:s}", "timestamp-ms",
                              (json_int_t)floe_table_metadata_last_updated_ms(b->base),
                              "metadata-file", b->base_location);
        if (!e || json_array_append_new(log, e) != 0)
            return oom();
        size_t max = (size_t)previous_versions_max(b);
        while (json_array_size(log) > max)
            json_array_remove(log, 0);
    }
    json_t *copy = json_deep_copy(b->root);
    if (!copy)
        return oom();
    int rc = floe_iceberg__metadata_from_root(out, copy);
    if (rc)
        return floe_error_wrap(rc, "building table metadata");
    return 0;
}

int floe_table_metadata_commit(floe_table_metadata **out, const floe_table_metadata *base,
                               const char *base_location,
                               floe_table_requirement *const *requirements,
                               size_t requirement_count, floe_table_update *const *updates,
                               size_t update_count)
{
    floe_metadata_builder *b = NULL;
    *out = NULL;
    int rc = floe_metadata_builder_new(&b, base, base_location);
    if (!rc)
        rc = floe_metadata_builder_check(b, requirements, requirement_count);
    for (size_t i = 0; !rc && i < update_count; i++) {
        rc = floe_metadata_builder_apply(b, updates[i]);
        if (rc)
            rc = floe_error_wrap(rc, "update %zu (%s)", i,
                                 floe_update_type_name(floe_update_get_type(updates[i])));
    }
    if (!rc)
        rc = floe_metadata_builder_build(out, b);
    floe_metadata_builder_free(b);
    return rc;
}
