/* New-table metadata: the create updates (fresh column and partition field ids, as the
 * reference assigns them) applied by the builder to an empty table. */
#include <floe/iceberg/builder.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <floe/error.h>
#include <floe/iceberg/schema.h>

#include "base/alloc.h"
#include "base/uuid.h"

typedef struct update_list {
    floe_table_update **items;
    size_t count;
} update_list;

/* Appends the update just made by a constructor (rc is the constructor's result). */
static int push(update_list *l, int rc, floe_table_update **slot)
{
    floe_table_update *u = *slot;
    *slot = NULL;
    if (rc)
        return rc;
    floe_table_update **grown = floe_realloc(l->items, (l->count + 1) * sizeof(*grown));
    if (!grown) {
        floe_update_free(u);
        return floe_error_set(FLOE_ENOMEM, "out of memory building create updates");
    }
    l->items = grown;
    l->items[l->count++] = u;
    return 0;
}

/* Rewrites source-id of each field of `fields` from the caller's schema to the fresh one, by
 * column name (ids in the caller's objects refer to the caller's schema). */
static int remap_sources(json_t *fields, const floe_schema *orig, const floe_schema *fresh,
                         const char *what)
{
    size_t i;
    json_t *f;
    json_array_foreach(fields, i, f)
    {
        json_t *sid = json_object_get(f, "source-id");
        if (!json_is_integer(sid))
            return floe_error_set(FLOE_EINVALID, "%s: field %zu has no integer source-id", what, i);
        const char *name = floe_schema_find_column_name(orig, (int32_t)json_integer_value(sid));
        const floe_field *nf = name ? floe_schema_find_field_by_name(fresh, name, true) : NULL;
        if (!nf)
            return floe_error_set(FLOE_EINVALID,
                                  "%s: field %zu has source-id %" JSON_INTEGER_FORMAT
                                  " which is not a column of the schema",
                                  what, i, json_integer_value(sid));
        if (json_object_set_new(f, "source-id", json_integer(floe_field_id(nf))) != 0)
            return floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    return 0;
}

static int fresh_object(char **out, const char *json, const char *what, const floe_schema *orig,
                        const floe_schema *fresh, int is_spec)
{
    json_error_t err;
    *out = NULL;
    json_t *o = json_loads(json, JSON_REJECT_DUPLICATES, &err);
    if (!json_is_object(o)) {
        json_decref(o);
        return floe_error_set(FLOE_EINVALID, "%s: invalid JSON at line %d: %s", what, err.line,
                              err.text);
    }
    json_t *fields = json_object_get(o, "fields");
    int rc = json_is_array(fields)
                 ? remap_sources(fields, orig, fresh, what)
                 : floe_error_set(FLOE_EINVALID, "%s: 'fields' must be an array", what);
    if (!rc && is_spec) {
        /* fresh partition field ids, from 1000 */
        size_t i;
        json_t *f;
        json_array_foreach(fields, i, f)
        {
            if (json_object_set_new(f, "field-id", json_integer(1000 + (json_int_t)i)) != 0)
                rc = floe_error_set(FLOE_ENOMEM, "out of memory");
        }
        json_object_set_new(o, "spec-id", json_integer(0));
    }
    if (!rc) {
        *out = json_dumps(o, JSON_COMPACT);
        if (!*out)
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    json_decref(o);
    return rc;
}

int floe_table_create_updates(floe_table_update ***updates, size_t *count,
                              const floe_new_table_options *opt)
{
    *updates = NULL;
    *count = 0;
    if (!opt || opt->version < 1 || !opt->location || !opt->schema_json)
        return floe_error_set(FLOE_EINVALID,
                              "new table: options with a location and a schema are required");
    floe_schema *orig = NULL, *fresh = NULL;
    char *schema_text = NULL, *spec_text = NULL, *order_text = NULL;
    update_list l = {NULL, 0};
    int32_t last_col = 0;
    int rc = floe_schema_from_json(&orig, opt->schema_json, strlen(opt->schema_json));
    if (!rc)
        rc = floe_schema_assign_fresh_ids(&fresh, orig, 0, &last_col);
    if (!rc)
        rc = floe_schema_to_json(&schema_text, fresh, false);
    if (!rc && opt->spec_json)
        rc = fresh_object(&spec_text, opt->spec_json, "new table partition spec", orig, fresh, 1);
    if (!rc && opt->sort_order_json)
        rc =
            fresh_object(&order_text, opt->sort_order_json, "new table sort order", orig, fresh, 0);
    char uuid[FLOE_UUID_STR_LEN];
    if (!rc && !opt->uuid) {
        uint8_t raw[16];
        rc = floe_uuid_v4(raw);
        if (!rc)
            floe_uuid_format(uuid, raw);
    }
    floe_table_update *u = NULL;
    if (!rc)
        rc = push(&l, floe_update_assign_uuid(&u, opt->uuid ? opt->uuid : uuid), &u);
    if (!rc)
        rc = push(&l,
                  floe_update_upgrade_format_version(
                      &u, opt->format_version ? opt->format_version : FLOE_METADATA_WRITE_VERSION),
                  &u);
    if (!rc)
        rc = push(&l, floe_update_add_schema(&u, schema_text, last_col), &u);
    if (!rc)
        rc = push(&l, floe_update_set_current_schema(&u, FLOE_LAST_ADDED), &u);
    if (!rc)
        rc = push(&l,
                  floe_update_add_spec(&u, spec_text ? spec_text : "{\"spec-id\":0,\"fields\":[]}"),
                  &u);
    if (!rc)
        rc = push(&l, floe_update_set_default_spec(&u, FLOE_LAST_ADDED), &u);
    if (!rc)
        rc = push(&l,
                  floe_update_add_sort_order(&u, order_text ? order_text
                                                            : "{\"order-id\":0,\"fields\":[]}"),
                  &u);
    if (!rc)
        rc = push(&l, floe_update_set_default_sort_order(&u, FLOE_LAST_ADDED), &u);
    if (!rc)
        rc = push(&l, floe_update_set_location(&u, opt->location), &u);
    if (!rc && opt->property_count)
        rc = push(&l,
                  floe_update_set_properties(&u, opt->property_keys, opt->property_values,
                                             opt->property_count),
                  &u);
    floe_schema_free(orig);
    floe_schema_free(fresh);
    floe_iceberg_free_string(schema_text);
    free(spec_text);
    free(order_text);
    if (rc) {
        for (size_t i = 0; i < l.count; i++)
            floe_update_free(l.items[i]);
        floe_free(l.items);
        return rc;
    }
    *updates = l.items;
    *count = l.count;
    return 0;
}

int floe_table_metadata_new_table(floe_table_metadata **out, const floe_new_table_options *opt)
{
    floe_table_update **updates = NULL;
    size_t n = 0;
    *out = NULL;
    int rc = floe_table_create_updates(&updates, &n, opt);
    if (rc)
        return rc;
    if (opt->format_version == 1) {
        /* the builder starts at v2: an explicit v1 table is created as v1 from the start */
        rc = floe_error_set(FLOE_EUNSUPPORTED, "new table: floe creates format version 2 tables");
    }
    if (!rc)
        rc = floe_table_metadata_commit(out, NULL, NULL, NULL, 0, updates, n);
    for (size_t i = 0; i < n; i++)
        floe_update_free(updates[i]);
    floe_free(updates);
    return rc;
}
