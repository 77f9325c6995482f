/* Table metadata JSON (spec Appendix C): normalization of v1/v2/v3 documents into one shape,
 * validation with field paths, and the typed views of floe_table_metadata. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/partition.h>
#include <floe/iceberg/schema.h>
#include <floe/iceberg/sort_order.h>

#include "base/alloc.h"
#include "iceberg/metadata_json_util.h"
#include "iceberg/snapshot_internal.h"
#include "iceberg/table_metadata_internal.h"

#define WHAT "table metadata"

typedef enum item_kind { ITEM_SCHEMA, ITEM_SPEC, ITEM_ORDER } item_kind;

static void items_free(floe_md_item *items, size_t n, item_kind kind)
{
    for (size_t i = 0; i < n; i++) {
        free(items[i].text);
        if (kind == ITEM_SCHEMA)
            floe_schema_free(items[i].parsed);
        else if (kind == ITEM_SPEC)
            floe_partition_spec_free(items[i].parsed);
        else
            floe_sort_order_free(items[i].parsed);
    }
    floe_free(items);
}

static void metadata_free(floe_table_metadata *md)
{
    if (!md)
        return;
    items_free(md->schemas, md->schema_count, ITEM_SCHEMA);
    items_free(md->specs, md->spec_count, ITEM_SPEC);
    items_free(md->orders, md->order_count, ITEM_ORDER);
    floe_free(md->prop_keys);
    floe_free(md->prop_values);
    for (size_t i = 0; i < md->snapshot_count; i++)
        floe_snapshot_release(md->snapshots[i]);
    floe_free(md->snapshots);
    floe_free(md->ref_names);
    floe_free(md->refs_v);
    floe_free(md->snapshot_log);
    floe_free(md->metadata_log);
    for (size_t i = 0; i < md->stats_count; i++)
        free(md->stats_text[i]);
    floe_free(md->stats_text);
    for (size_t i = 0; i < md->pstats_count; i++)
        free(md->pstats_text[i]);
    floe_free(md->pstats_text);
    json_decref(md->root);
    floe_free(md);
}

void floe_iceberg__metadata_destroy(floe_table_metadata *md)
{
    metadata_free(md);
}

json_t *floe_iceberg__metadata_root(const floe_table_metadata *md)
{
    return md->root;
}

static int oom(void)
{
    return floe_error_set(FLOE_ENOMEM, "out of memory reading table metadata");
}

/* Collects the id-keyed objects of a list ("schemas", "partition-specs", "sort-orders"). */
/* Parses one list item with the parser of its kind (schema.h, partition.h, sort_order.h). */
static int parse_item(floe_md_item *item, item_kind kind, const char *path)
{
    size_t len = strlen(item->text);
    int rc;
    if (kind == ITEM_SCHEMA)
        rc = floe_schema_from_json((floe_schema **)&item->parsed, item->text, len);
    else if (kind == ITEM_SPEC)
        rc = floe_partition_spec_from_json((floe_partition_spec **)&item->parsed, item->text, len);
    else
        rc = floe_sort_order_from_json((floe_sort_order **)&item->parsed, item->text, len);
    if (rc)
        return floe_error_wrap(rc == FLOE_ENOMEM ? rc : FLOE_ECORRUPT, WHAT ": '%s'", path);
    return 0;
}

static int read_items(floe_md_item **out, size_t *count, json_t *list, const char *list_key,
                      const char *id_key, item_kind kind)
{
    size_t n = json_array_size(list);
    floe_md_item *items = floe_calloc(n ? n : 1, sizeof(*items));
    if (!items)
        return oom();
    *out = items;
    *count = 0;
    for (size_t i = 0; i < n; i++) {
        char path[FLOE_JPATH_MAX];
        char base[FLOE_JPATH_MAX];
        snprintf(base, sizeof(base), "$.%s", list_key);
        floe_iceberg__jpath(path, base, NULL, i);
        json_t *o = json_array_get(list, i);
        if (!json_is_object(o))
            return floe_error_set(FLOE_ECORRUPT, WHAT ": '%s' must be an object", path);
        int id = 0;
        int rc = floe_iceberg__jreq_int(&id, o, id_key, WHAT, path);
        if (rc)
            return rc;
        for (size_t j = 0; j < *count; j++)
            if (items[j].id == id)
                return floe_error_set(FLOE_ECORRUPT, WHAT ": '%s' repeats %s %d", path, id_key, id);
        items[i].id = id;
        items[i].obj = o;
        items[i].text = json_dumps(o, JSON_COMPACT);
        if (!items[i].text)
            return oom();
        (*count)++;
        rc = parse_item(&items[i], kind, path);
        if (rc)
            return rc;
    }
    return 0;
}

static const floe_md_item *find_item(const floe_md_item *items, size_t n, int id)
{
    for (size_t i = 0; i < n; i++)
        if (items[i].id == id)
            return &items[i];
    return NULL;
}

/* Moves member `key` of `src` to the end of `dst` when present. */
static int move_member(json_t *dst, json_t *src, const char *key)
{
    json_t *v = json_object_get(src, key);
    if (!v)
        return 0;
    if (json_object_set(dst, key, v) != 0)
        return oom();
    return 0;
}

/* v1 partition fields may lack field-id: the reference numbers them from 1000. */
static int normalize_spec_fields(json_t *fields, const char *path, int *max_field_id)
{
    size_t i;
    json_t *f;
    json_array_foreach(fields, i, f)
    {
        char p[FLOE_JPATH_MAX];
        floe_iceberg__jpath(p, path, NULL, i);
        if (!json_is_object(f))
            return floe_error_set(FLOE_ECORRUPT, WHAT ": '%s' must be an object", p);
        int id = 0, present = 0;
        int rc = floe_iceberg__jopt_int(&id, &present, f, "field-id", WHAT, p);
        if (rc)
            return rc;
        if (!present) {
            id = 1000 + (int)i;
            if (json_object_set_new(f, "field-id", json_integer(id)) != 0)
                return oom();
        }
        if (id > *max_field_id)
            *max_field_id = id;
    }
    return 0;
}

/* Builds the normalized document from a parsed one (which it may modify). */
static int normalize(json_t **out, json_t *in, int fv)
{
    json_t *c = json_object();
    if (!c)
        return oom();
    int rc = 0;
#define SET(k, v)                                                                                  \
    do {                                                                                           \
        if (!rc)                                                                                   \
            rc = floe_iceberg__jset(c, k, v);                                                      \
    } while (0)
    const char *uuid = NULL, *location = NULL;
    int64_t last_seq = 0, last_updated = 0;
    int last_col = 0;
    SET("format-version", json_integer(fv));
    if (!rc)
        rc = fv >= 2 ? floe_iceberg__jreq_string(&uuid, in, "table-uuid", WHAT, "$")
                     : floe_iceberg__jopt_string(&uuid, in, "table-uuid", WHAT, "$");
    if (uuid)
        SET("table-uuid", json_string(uuid));
    if (!rc)
        rc = floe_iceberg__jreq_string(&location, in, "location", WHAT, "$");
    if (!rc)
        SET("location", json_string(location));
    if (!rc && fv >= 2) {
        rc = floe_iceberg__jreq_int64(&last_seq, in, "last-sequence-number", WHAT, "$");
        SET("last-sequence-number", json_integer(last_seq));
    }
    if (!rc)
        rc = floe_iceberg__jreq_int64(&last_updated, in, "last-updated-ms", WHAT, "$");
    SET("last-updated-ms", json_integer(last_updated));
    if (!rc)
        rc = floe_iceberg__jreq_int(&last_col, in, "last-column-id", WHAT, "$");
    SET("last-column-id", json_integer(last_col));
    if (!rc && fv >= 3) {
        int64_t next_row_id = 0;
        rc = floe_iceberg__jreq_int64(&next_row_id, in, "next-row-id", WHAT, "$");
        SET("next-row-id", json_integer(next_row_id));
    }

    /* schemas */
    json_t *schemas = NULL, *schema = NULL;
    int current_schema = 0, have_current_schema = 0;
    if (!rc)
        rc = fv >= 2 ? floe_iceberg__jreq_typed(&schemas, in, "schemas", JSON_ARRAY, WHAT, "$")
                     : floe_iceberg__jopt_typed(&schemas, in, "schemas", JSON_ARRAY, WHAT, "$");
    if (!rc)
        rc = floe_iceberg__jopt_typed(&schema, in, "schema", JSON_OBJECT, WHAT, "$");
    if (!rc)
        rc = floe_iceberg__jopt_int(&current_schema, &have_current_schema, in, "current-schema-id",
                                    WHAT, "$");
    if (!rc && fv >= 2 && !have_current_schema)
        rc = floe_iceberg__jreq_int(&current_schema, in, "current-schema-id", WHAT, "$");
    json_t *new_schemas = NULL;
    if (!rc && schemas) {
        new_schemas = json_incref(schemas);
    } else if (!rc) {
        if (!schema) {
            rc = floe_error_set(FLOE_ECORRUPT,
                                WHAT ": required field '$.schemas' (or v1 '$.schema') is missing");
        } else {
            json_t *s = json_deep_copy(schema);
            if (!s)
                rc = oom();
            if (!rc && !json_object_get(s, "schema-id"))
                rc = floe_iceberg__jset(s, "schema-id", json_integer(0));
            if (!rc) {
                json_t *sid = json_object_get(s, "schema-id");
                current_schema = json_is_integer(sid) ? (int)json_integer_value(sid) : 0;
                have_current_schema = 1;
                new_schemas = json_array();
                if (!new_schemas || json_array_append(new_schemas, s) != 0)
                    rc = oom();
            }
            json_decref(s);
        }
    }
    if (!rc && !have_current_schema) {
        /* v1 with a schemas list but no current-schema-id: the first schema is current */
        json_t *first = json_array_get(new_schemas, 0);
        json_t *sid = json_object_get(first, "schema-id");
        current_schema = json_is_integer(sid) ? (int)json_integer_value(sid) : 0;
    }
    if (!rc && fv == 1) {
        /* v1 writers must keep writing the current schema as `schema` */
        size_t i;
        json_t *s, *cur = NULL;
        json_array_foreach(new_schemas, i, s)
        {
            json_t *sid = json_object_get(s, "schema-id");
            if (json_is_integer(sid) && json_integer_value(sid) == current_schema)
                cur = s;
        }
        if (cur)
            SET("schema", json_deep_copy(cur));
    }
    SET("current-schema-id", json_integer(current_schema));
    if (!rc)
        rc = json_object_set(c, "schemas", new_schemas) == 0 ? 0 : oom();
    json_decref(new_schemas);

    /* partition specs */
    json_t *specs = NULL, *spec_v1 = NULL;
    int default_spec = 0, have_default_spec = 0, last_part = 0, have_last_part = 0,
        max_field_id = 999;
    if (!rc)
        rc = fv >= 2
                 ? floe_iceberg__jreq_typed(&specs, in, "partition-specs", JSON_ARRAY, WHAT, "$")
                 : floe_iceberg__jopt_typed(&specs, in, "partition-specs", JSON_ARRAY, WHAT, "$");
    if (!rc)
        rc = floe_iceberg__jopt_typed(&spec_v1, in, "partition-spec", JSON_ARRAY, WHAT, "$");
    if (!rc)
        rc = floe_iceberg__jopt_int(&default_spec, &have_default_spec, in, "default-spec-id", WHAT,
                                    "$");
    if (!rc && fv >= 2 && !have_default_spec)
        rc = floe_iceberg__jreq_int(&default_spec, in, "default-spec-id", WHAT, "$");
    if (!rc)
        rc =
            floe_iceberg__jopt_int(&last_part, &have_last_part, in, "last-partition-id", WHAT, "$");
    if (!rc && fv >= 2 && !have_last_part)
        rc = floe_iceberg__jreq_int(&last_part, in, "last-partition-id", WHAT, "$");
    json_t *new_specs = NULL;
    if (!rc && specs) {
        new_specs = json_deep_copy(specs);
        if (!new_specs)
            rc = oom();
        size_t i;
        json_t *sp;
        json_array_foreach(new_specs, i, sp)
        {
            char p[FLOE_JPATH_MAX];
            floe_iceberg__jpath(p, "$.partition-specs", NULL, i);
            json_t *fields = NULL;
            if (!rc && !json_is_object(sp))
                rc = floe_error_set(FLOE_ECORRUPT, WHAT ": '%s' must be an object", p);
            if (!rc)
                rc = floe_iceberg__jreq_typed(&fields, sp, "fields", JSON_ARRAY, WHAT, p);
            if (!rc) {
                char fp[FLOE_JPATH_MAX];
                floe_iceberg__jpath(fp, p, "fields", 0);
                rc = normalize_spec_fields(fields, fp, &max_field_id);
            }
        }
    } else if (!rc) {
        if (!spec_v1) {
            rc = floe_error_set(FLOE_ECORRUPT, WHAT ": required field '$.partition-specs' (or v1 "
                                                    "'$.partition-spec') is missing");
        } else {
            json_t *fields = json_deep_copy(spec_v1);
            json_t *sp = json_object();
            new_specs = json_array();
            if (!fields || !sp || !new_specs)
                rc = oom();
            if (!rc)
                rc = normalize_spec_fields(fields, "$.partition-spec", &max_field_id);
            if (!rc)
                rc = floe_iceberg__jset(sp, "spec-id", json_integer(0));
            if (!rc)
                rc = json_object_set(sp, "fields", fields) == 0 ? 0 : oom();
            if (!rc && json_array_append(new_specs, sp) != 0)
                rc = oom();
            default_spec = 0;
            have_default_spec = 1;
            json_decref(fields);
            json_decref(sp);
        }
    }
    if (!rc && !have_default_spec) {
        json_t *sid = json_object_get(json_array_get(new_specs, 0), "spec-id");
        default_spec = json_is_integer(sid) ? (int)json_integer_value(sid) : 0;
    }
    if (!rc && !have_last_part)
        last_part = max_field_id;
    if (!rc && fv == 1) {
        size_t i;
        json_t *sp, *cur = NULL;
        json_array_foreach(new_specs, i, sp)
        {
            json_t *sid = json_object_get(sp, "spec-id");
            if (json_is_integer(sid) && json_integer_value(sid) == default_spec)
                cur = sp;
        }
        if (cur)
            SET("partition-spec", json_deep_copy(json_object_get(cur, "fields")));
    }
    SET("default-spec-id", json_integer(default_spec));
    if (!rc)
        rc = json_object_set(c, "partition-specs", new_specs) == 0 ? 0 : oom();
    json_decref(new_specs);
    SET("last-partition-id", json_integer(last_part));

    /* sort orders */
    json_t *orders = NULL;
    int default_order = 0, have_default_order = 0;
    if (!rc)
        rc = fv >= 2 ? floe_iceberg__jreq_typed(&orders, in, "sort-orders", JSON_ARRAY, WHAT, "$")
                     : floe_iceberg__jopt_typed(&orders, in, "sort-orders", JSON_ARRAY, WHAT, "$");
    if (!rc)
        rc = floe_iceberg__jopt_int(&default_order, &have_default_order, in,
                                    "default-sort-order-id", WHAT, "$");
    if (!rc && fv >= 2 && !have_default_order)
        rc = floe_iceberg__jreq_int(&default_order, in, "default-sort-order-id", WHAT, "$");
    SET("default-sort-order-id", json_integer(default_order));
    if (!rc && orders) {
        rc = json_object_set(c, "sort-orders", orders) == 0 ? 0 : oom();
    } else if (!rc) {
        json_t *unsorted = json_pack("[{s:i, s:[]}]", "order-id", 0, "fields");
        if (!unsorted)
            rc = oom();
        SET("sort-orders", unsorted);
    }

    /* properties */
    json_t *props = NULL;
    if (!rc)
        rc = floe_iceberg__jopt_typed(&props, in, "properties", JSON_OBJECT, WHAT, "$");
    if (!rc) {
        const char *k;
        json_t *v;
        json_object_foreach(props, k, v)
        {
            if (!json_is_string(v)) {
                rc = floe_error_set(FLOE_ECORRUPT,
                                    WHAT ": field '$.properties.%s' must be a string", k);
                break;
            }
        }
    }
    if (!rc)
        SET("properties", props ? json_incref(props) : json_object());

    /* current snapshot and refs */
    int64_t current = FLOE_SNAPSHOT_ID_NONE;
    if (!rc)
        rc = floe_iceberg__jopt_int64(&current, NULL, in, "current-snapshot-id", WHAT, "$");
    if (current < 0)
        current = FLOE_SNAPSHOT_ID_NONE;
    json_t *refs = NULL;
    if (!rc)
        rc = floe_iceberg__jopt_typed(&refs, in, "refs", JSON_OBJECT, WHAT, "$");
    json_t *new_refs = NULL;
    if (!rc) {
        new_refs = refs ? json_deep_copy(refs) : json_object();
        if (!new_refs)
            rc = oom();
    }
    if (!rc && current != FLOE_SNAPSHOT_ID_NONE && !json_object_get(new_refs, FLOE_MAIN_BRANCH)) {
        json_t *main_ref =
            json_pack("{s:I, s:s}", "snapshot-id", (json_int_t)current, "type", "branch");
        if (!main_ref)
            rc = oom();
        else
            rc = floe_iceberg__jset(new_refs, FLOE_MAIN_BRANCH, main_ref);
    }
    if (!rc)
        SET("current-snapshot-id",
            current == FLOE_SNAPSHOT_ID_NONE && fv >= 3 ? json_null() : json_integer(current));
    if (!rc)
        SET("refs", json_incref(new_refs));
    json_decref(new_refs);

    static const char *const lists[] = {"snapshots", "statistics", "partition-statistics",
                                        "snapshot-log", "metadata-log"};
    for (size_t i = 0; !rc && i < sizeof(lists) / sizeof(lists[0]); i++) {
        json_t *l = NULL;
        rc = floe_iceberg__jopt_typed(&l, in, lists[i], JSON_ARRAY, WHAT, "$");
        if (!rc)
            SET(lists[i], l ? json_incref(l) : json_array());
    }

    /* keep every other member (encryption-keys, extensions) as given */
    if (!rc) {
        const char *k;
        json_t *v;
        json_object_foreach(in, k, v)
        {
            if (json_object_get(c, k) || strcmp(k, "schema") == 0 ||
                strcmp(k, "partition-spec") == 0)
                continue;
            rc = move_member(c, in, k);
            if (rc)
                break;
        }
    }
#undef SET
    if (rc) {
        json_decref(c);
        return rc;
    }
    *out = c;
    return 0;
}

static int build_views(floe_table_metadata *md)
{
    json_t *r = md->root;
    int rc = 0;
    md->format_version = (int)json_integer_value(json_object_get(r, "format-version"));
    md->uuid = json_string_value(json_object_get(r, "table-uuid"));
    md->location = json_string_value(json_object_get(r, "location"));
    md->last_sequence_number = json_integer_value(json_object_get(r, "last-sequence-number"));
    md->last_updated_ms = json_integer_value(json_object_get(r, "last-updated-ms"));
    md->last_column_id = (int)json_integer_value(json_object_get(r, "last-column-id"));
    md->current_schema_id = (int)json_integer_value(json_object_get(r, "current-schema-id"));
    md->default_spec_id = (int)json_integer_value(json_object_get(r, "default-spec-id"));
    md->last_partition_id = (int)json_integer_value(json_object_get(r, "last-partition-id"));
    md->default_sort_order_id =
        (int)json_integer_value(json_object_get(r, "default-sort-order-id"));
    json_t *cur = json_object_get(r, "current-snapshot-id");
    md->current_snapshot_id =
        json_is_integer(cur) ? json_integer_value(cur) : FLOE_SNAPSHOT_ID_NONE;
    json_t *nri = json_object_get(r, "next-row-id");
    md->next_row_id = json_is_integer(nri) ? json_integer_value(nri) : -1;

    rc = read_items(&md->schemas, &md->schema_count, json_object_get(r, "schemas"), "schemas",
                    "schema-id", ITEM_SCHEMA);
    if (!rc)
        rc = read_items(&md->specs, &md->spec_count, json_object_get(r, "partition-specs"),
                        "partition-specs", "spec-id", ITEM_SPEC);
    if (!rc)
        rc = read_items(&md->orders, &md->order_count, json_object_get(r, "sort-orders"),
                        "sort-orders", "order-id", ITEM_ORDER);
    if (rc)
        return rc;
    if (!find_item(md->schemas, md->schema_count, md->current_schema_id))
        return floe_error_set(FLOE_ECORRUPT,
                              WHAT ": '$.current-schema-id' %d names no schema in '$.schemas'",
                              md->current_schema_id);
    if (!find_item(md->specs, md->spec_count, md->default_spec_id))
        return floe_error_set(FLOE_ECORRUPT,
                              WHAT ": '$.default-spec-id' %d names no spec in '$.partition-specs'",
                              md->default_spec_id);
    if (!find_item(md->orders, md->order_count, md->default_sort_order_id))
        return floe_error_set(
            FLOE_ECORRUPT,
            WHAT ": '$.default-sort-order-id' %d names no sort order in '$.sort-orders'",
            md->default_sort_order_id);
    for (size_t i = 0; i < md->spec_count; i++) {
        json_t *fields = json_object_get(md->specs[i].obj, "fields");
        size_t j;
        json_t *f;
        json_array_foreach(fields, j, f)
        {
            json_t *fid = json_object_get(f, "field-id");
            if (json_is_integer(fid) && json_integer_value(fid) > md->last_partition_id)
                return floe_error_set(FLOE_ECORRUPT,
                                      WHAT ": partition field id %" JSON_INTEGER_FORMAT
                                           " in '$.partition-specs[%zu]' is above "
                                           "'$.last-partition-id' %d",
                                      json_integer_value(fid), i, md->last_partition_id);
        }
    }

    json_t *props = json_object_get(r, "properties");
    size_t np = json_object_size(props);
    md->prop_keys = floe_calloc(np ? np : 1, sizeof(char *));
    md->prop_values = floe_calloc(np ? np : 1, sizeof(char *));
    if (!md->prop_keys || !md->prop_values)
        return oom();
    const char *k;
    json_t *v;
    json_object_foreach(props, k, v)
    {
        md->prop_keys[md->prop_count] = k;
        md->prop_values[md->prop_count] = json_string_value(v);
        md->prop_count++;
    }

    json_t *snaps = json_object_get(r, "snapshots");
    size_t ns = json_array_size(snaps);
    md->snapshots = floe_calloc(ns ? ns : 1, sizeof(floe_snapshot *));
    if (!md->snapshots)
        return oom();
    for (size_t i = 0; i < ns; i++) {
        char p[FLOE_JPATH_MAX];
        floe_iceberg__jpath(p, "$.snapshots", NULL, i);
        rc = floe_iceberg__snapshot_from_object(
            &md->snapshots[i], json_incref(json_array_get(snaps, i)), md->format_version, WHAT, p);
        if (rc)
            return rc;
        md->snapshot_count++;
        for (size_t j = 0; j < i; j++)
            if (md->snapshots[j]->id == md->snapshots[i]->id)
                return floe_error_set(FLOE_ECORRUPT, WHAT ": '%s' repeats snapshot-id %" PRId64, p,
                                      md->snapshots[i]->id);
    }
    if (md->current_snapshot_id != FLOE_SNAPSHOT_ID_NONE &&
        !floe_table_metadata_snapshot_by_id(md, md->current_snapshot_id))
        return floe_error_set(FLOE_ECORRUPT,
                              WHAT ": '$.current-snapshot-id' %" PRId64
                                   " names no snapshot in '$.snapshots'",
                              md->current_snapshot_id);

    json_t *refs = json_object_get(r, "refs");
    size_t nr = json_object_size(refs);
    md->ref_names = floe_calloc(nr ? nr : 1, sizeof(char *));
    md->refs_v = floe_calloc(nr ? nr : 1, sizeof(floe_snapshot_ref));
    if (!md->ref_names || !md->refs_v)
        return oom();
    json_object_foreach(refs, k, v)
    {
        char p[FLOE_JPATH_MAX];
        floe_iceberg__jpath(p, "$.refs", k, 0);
        rc = floe_iceberg__ref_from_object(&md->refs_v[md->ref_count], v, WHAT, p);
        if (rc)
            return rc;
        if (floe_snapshot_ref_validate(&md->refs_v[md->ref_count], k) != 0)
            return floe_error_wrap(FLOE_ECORRUPT, WHAT ": '%s'", p);
        md->ref_names[md->ref_count] = k;
        if (!floe_table_metadata_snapshot_by_id(md, md->refs_v[md->ref_count].snapshot_id))
            return floe_error_set(FLOE_ECORRUPT,
                                  WHAT ": '%s.snapshot-id' %" PRId64
                                       " names no snapshot in '$.snapshots'",
                                  p, md->refs_v[md->ref_count].snapshot_id);
        if (strcmp(k, FLOE_MAIN_BRANCH) == 0 &&
            md->refs_v[md->ref_count].snapshot_id != md->current_snapshot_id)
            return floe_error_set(FLOE_ECORRUPT,
                                  WHAT ": '$.refs.main' points at snapshot %" PRId64
                                       " but '$.current-snapshot-id' is %" PRId64,
                                  md->refs_v[md->ref_count].snapshot_id, md->current_snapshot_id);
        md->ref_count++;
    }

    json_t *slog = json_object_get(r, "snapshot-log");
    size_t nsl = json_array_size(slog);
    md->snapshot_log = floe_calloc(nsl ? nsl : 1, sizeof(*md->snapshot_log));
    if (!md->snapshot_log)
        return oom();
    for (size_t i = 0; i < nsl; i++) {
        char p[FLOE_JPATH_MAX];
        floe_iceberg__jpath(p, "$.snapshot-log", NULL, i);
        json_t *e = json_array_get(slog, i);
        if (!json_is_object(e))
            return floe_error_set(FLOE_ECORRUPT, WHAT ": '%s' must be an object", p);
        rc =
            floe_iceberg__jreq_int64(&md->snapshot_log[i].timestamp_ms, e, "timestamp-ms", WHAT, p);
        if (!rc)
            rc = floe_iceberg__jreq_int64(&md->snapshot_log[i].snapshot_id, e, "snapshot-id", WHAT,
                                          p);
        if (rc)
            return rc;
        md->snapshot_log_count++;
    }
    json_t *mlog = json_object_get(r, "metadata-log");
    size_t nml = json_array_size(mlog);
    md->metadata_log = floe_calloc(nml ? nml : 1, sizeof(*md->metadata_log));
    if (!md->metadata_log)
        return oom();
    for (size_t i = 0; i < nml; i++) {
        char p[FLOE_JPATH_MAX];
        floe_iceberg__jpath(p, "$.metadata-log", NULL, i);
        json_t *e = json_array_get(mlog, i);
        if (!json_is_object(e))
            return floe_error_set(FLOE_ECORRUPT, WHAT ": '%s' must be an object", p);
        rc =
            floe_iceberg__jreq_int64(&md->metadata_log[i].timestamp_ms, e, "timestamp-ms", WHAT, p);
        if (!rc)
            rc = floe_iceberg__jreq_string(&md->metadata_log[i].metadata_file, e, "metadata-file",
                                           WHAT, p);
        if (rc)
            return rc;
        md->metadata_log_count++;
    }

    static const char *const stat_lists[] = {"statistics", "partition-statistics"};
    for (int s = 0; s < 2; s++) {
        json_t *l = json_object_get(r, stat_lists[s]);
        size_t n = json_array_size(l);
        char **texts = floe_calloc(n ? n : 1, sizeof(char *));
        if (!texts)
            return oom();
        if (s == 0)
            md->stats_text = texts;
        else
            md->pstats_text = texts;
        for (size_t i = 0; i < n; i++) {
            char p[FLOE_JPATH_MAX];
            char base[FLOE_JPATH_MAX];
            snprintf(base, sizeof(base), "$.%s", stat_lists[s]);
            floe_iceberg__jpath(p, base, NULL, i);
            json_t *e = json_array_get(l, i);
            int64_t sid = 0;
            const char *spath = NULL;
            if (!json_is_object(e))
                return floe_error_set(FLOE_ECORRUPT, WHAT ": '%s' must be an object", p);
            rc = floe_iceberg__jreq_int64(&sid, e, "snapshot-id", WHAT, p);
            if (!rc)
                rc = floe_iceberg__jreq_string(&spath, e, "statistics-path", WHAT, p);
            if (rc)
                return rc;
            texts[i] = json_dumps(e, JSON_COMPACT);
            if (!texts[i])
                return oom();
            if (s == 0)
                md->stats_count++;
            else
                md->pstats_count++;
        }
    }
    return 0;
}

int floe_iceberg__metadata_from_root(floe_table_metadata **out, json_t *root)
{
    *out = NULL;
    if (!json_is_object(root)) {
        json_decref(root);
        return floe_error_set(FLOE_ECORRUPT, WHAT ": the document must be a JSON object");
    }
    int fv = 0;
    int rc = floe_iceberg__jreq_int(&fv, root, "format-version", WHAT, "$");
    if (rc) {
        json_decref(root);
        return rc;
    }
    if (fv < 1 || fv > FLOE_METADATA_MAX_READ_VERSION) {
        json_decref(root);
        return floe_error_set(FLOE_EVERSION,
                              "Cannot read unsupported version %d (floe reads format versions 1 "
                              "to %d)",
                              fv, FLOE_METADATA_MAX_READ_VERSION);
    }
    json_t *norm = NULL;
    rc = normalize(&norm, root, fv);
    json_decref(root);
    if (rc)
        return rc;
    floe_table_metadata *md = floe_calloc(1, sizeof(*md));
    if (!md) {
        json_decref(norm);
        return oom();
    }
    atomic_init(&md->refs, 1);
    md->root = norm;
    rc = build_views(md);
    if (rc) {
        metadata_free(md);
        return rc;
    }
    *out = md;
    return 0;
}

int floe_table_metadata_from_json(floe_table_metadata **out, const char *json, size_t len)
{
    json_t *root = NULL;
    *out = NULL;
    int rc = floe_iceberg__jparse(&root, json, len, WHAT);
    if (rc)
        return rc;
    return floe_iceberg__metadata_from_root(out, root);
}

int floe_table_metadata_to_json(char **out, const floe_table_metadata *md, int pretty)
{
    return floe_iceberg__jdump(out, md->root, pretty);
}
