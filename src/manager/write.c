/* floe_table_write(): the one configurable write entry (append, overwrite, upsert), validated
 * before any byte is read, then handed to the mode's own implementation. */
#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/schema.h>
#include <floe/table_write.h>

#include "manager/manager_internal.h"

static int check_config(const floe_table *t, const floe_write_config *c)
{
    if (c->version != FLOE_WRITE_CONFIG_VERSION)
        return floe_error_set(FLOE_EINVALID, "floe_write_config: unknown version %u", c->version);
    if (c->mode != FLOE_WRITE_APPEND && c->mode != FLOE_WRITE_OVERWRITE &&
        c->mode != FLOE_WRITE_UPSERT)
        return floe_error_set(FLOE_EINVALID, "floe_write_config.mode: unknown mode %d",
                              (int)c->mode);
    if (c->overwrite_filter && c->mode != FLOE_WRITE_OVERWRITE)
        return floe_error_set(FLOE_EINVALID,
                              "floe_write_config.overwrite_filter is only for mode overwrite");
    if (c->delete_unmatched && c->mode != FLOE_WRITE_UPSERT)
        return floe_error_set(FLOE_EINVALID,
                              "floe_write_config.delete_unmatched is only for mode upsert");
    if (c->mode != FLOE_WRITE_UPSERT) {
        if (c->join_column_count)
            return floe_error_set(FLOE_EINVALID,
                                  "floe_write_config.join_columns are only for mode upsert");
        return 0;
    }
    if (!c->join_columns || c->join_column_count == 0)
        return floe_error_set(FLOE_EINVALID,
                              "floe_write_config.join_columns are required when mode is upsert "
                              "(the columns that identify a row, e.g. \"id\")");
    for (size_t i = 0; i < c->join_column_count; i++) {
        const char *name = c->join_columns[i];
        if (!name || !*name)
            return floe_error_set(FLOE_EINVALID, "floe_write_config.join_columns[%zu] is empty", i);
        for (size_t j = 0; j < i; j++)
            if (strcmp(c->join_columns[j], name) == 0)
                return floe_error_set(FLOE_EINVALID,
                                      "floe_write_config.join_columns names '%s' twice", name);
        if (!floe_schema_find_field_by_name(t->schema, name, true))
            return floe_error_set(FLOE_ESCHEMA,
                                  "join column '%s' is not a column of table '%s' (schema %d)",
                                  name, t->ident, floe_schema_id(t->schema));
    }
    return 0;
}

int floe_table_write(floe_write_summary *out, floe_table *t, struct ArrowArrayStream *data,
                     const floe_write_config *config)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (!t || !data)
        return floe_error_set(FLOE_EINVALID, "floe_table_write: NULL table or data");
    floe_write_config defaults = FLOE_WRITE_CONFIG_INIT;
    const floe_write_config *c = config ? config : &defaults;
    int rc = check_config(t, c);
    if (rc)
        return rc;
    floe_write_summary s;
    memset(&s, 0, sizeof s);
    if (c->mode == FLOE_WRITE_UPSERT) {
        floe_upsert_options o = FLOE_UPSERT_OPTIONS_INIT;
        o.delete_unmatched = c->delete_unmatched;
        o.branch = c->branch;
        o.union_by_name = c->union_by_name;
        o.snapshot_property_keys = c->snapshot_property_keys;
        o.snapshot_property_values = c->snapshot_property_values;
        o.snapshot_property_count = c->snapshot_property_count;
        rc = floe_table_upsert(&s.upsert, t, data, c->join_columns, c->join_column_count, &o);
        s.snapshot_id = s.upsert.snapshot_id;
        s.added_records = s.upsert.inserted_rows + s.upsert.updated_rows;
        s.deleted_records = s.upsert.updated_rows + s.upsert.deleted_rows;
        s.added_files = s.upsert.files_added;
        s.deleted_files = s.upsert.files_rewritten;
        s.attempts = s.upsert.attempts;
    } else {
        floe_write_options o = FLOE_WRITE_OPTIONS_INIT;
        o.branch = c->branch;
        o.union_by_name = c->union_by_name;
        o.snapshot_property_keys = c->snapshot_property_keys;
        o.snapshot_property_values = c->snapshot_property_values;
        o.snapshot_property_count = c->snapshot_property_count;
        floe_write_result r;
        memset(&r, 0, sizeof r);
        rc = c->mode == FLOE_WRITE_APPEND
                 ? floe_table_append(&r, t, data, &o)
                 : floe_table_overwrite(&r, t, data, c->overwrite_filter, &o);
        s.snapshot_id = r.snapshot_id;
        s.added_records = r.added_records;
        s.deleted_records = r.deleted_records;
        s.added_files = r.added_files;
        s.deleted_files = r.deleted_files;
        s.attempts = r.attempts;
    }
    if (!rc && out)
        *out = s;
    return rc;
}
