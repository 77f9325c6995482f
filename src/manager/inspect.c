/* Metadata tables (snapshots, history, refs, manifests, files, entries, partitions): the
 * table's metadata and the current snapshot's manifests turned into rows of JSON objects. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/literal.h>
#include <floe/iceberg/manifest.h>
#include <floe/iceberg/manifest_list.h>
#include <floe/iceberg/metadata.h>
#include <floe/iceberg/partition.h>
#include <floe/iceberg/schema.h>
#include <floe/iceberg/snapshot.h>
#include <floe/iceberg/transform.h>
#include <floe/iceberg/types.h>
#include <floe/table_inspect.h>

#include "base/alloc.h"
#include "manager/manager_internal.h"
#include "manager/write_internal.h"

static int nomem(void)
{
    return floe_error_set(FLOE_ENOMEM, "out of memory building a metadata table");
}

/* json integer, or null for the "unknown" sentinel */
static json_t *int_or_null(int64_t v, int64_t none)
{
    return v == none ? json_null() : json_integer((json_int_t)v);
}

/* Appends `row` (stolen) to `arr`. */
static int add_row(json_t *arr, json_t *row)
{
    if (!row || json_array_append_new(arr, row))
        return nomem();
    return 0;
}

/* A literal as its Iceberg JSON single value (strings, numbers), null when NULL or unknown. */
static json_t *literal_json(const floe_literal *lit)
{
    if (!lit || lit->is_null)
        return json_null();
    char *text = NULL;
    if (floe_literal_to_json(&text, lit))
        return json_null();
    json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
    floe_iceberg_free_bytes(text);
    return v ? v : json_null();
}

/* Appendix D bound bytes of `type` as JSON; hex text when they cannot be decoded. */
static json_t *bound_json(const floe_type *type, const uint8_t *data, size_t len)
{
    if (!data)
        return json_null();
    floe_literal lit;
    memset(&lit, 0, sizeof lit);
    if (type && floe_literal_from_bytes(&lit, type, data, len) == 0) {
        json_t *v = literal_json(&lit);
        floe_literal_clear(&lit);
        return v;
    }
    char *hex = floe_malloc(len * 2 + 1);
    if (!hex)
        return NULL;
    for (size_t i = 0; i < len; i++)
        snprintf(hex + 2 * i, 3, "%02x", data[i]);
    hex[len * 2] = '\0';
    json_t *v = json_string(hex);
    floe_free(hex);
    return v;
}

static const floe_type *field_type(const floe_schema *schema, int32_t id)
{
    const floe_field *f = schema ? floe_schema_find_field(schema, id) : NULL;
    return f ? floe_field_type(f) : NULL;
}

static json_t *partition_json(const floe_data_file *df, const floe_partition_spec *spec)
{
    json_t *o = json_object();
    size_t n = floe_data_file_partition_count(df);
    for (size_t i = 0; o && i < n; i++) {
        const floe_partition_field *pf = spec && i < floe_partition_spec_field_count(spec)
                                             ? floe_partition_spec_field_at(spec, i)
                                             : NULL;
        char name[32];
        snprintf(name, sizeof name, "%zu", i);
        if (json_object_set_new(o, pf ? floe_partition_field_name(pf) : name,
                                literal_json(floe_data_file_partition(df, i)))) {
            json_decref(o);
            o = NULL;
        }
    }
    return o;
}

/* Metrics of one data file: the by-id maps and readable_metrics by column name. */
static int metrics_json(json_t *row, const floe_data_file *df, const floe_schema *schema)
{
    json_t *sizes = json_object(), *values = json_object(), *nulls = json_object(),
           *nans = json_object(), *lower = json_object(), *upper = json_object(),
           *readable = json_object();
    int rc = 0;
    if (!sizes || !values || !nulls || !nans || !lower || !upper || !readable)
        rc = nomem();
    size_t n = floe_data_file_metrics_count(df);
    for (size_t i = 0; !rc && i < n; i++) {
        const floe_column_metrics *cm = floe_data_file_metrics_at(df, i);
        char id[16];
        snprintf(id, sizeof id, "%" PRId32, cm->field_id);
        const floe_type *type = field_type(schema, cm->field_id);
        json_t *lo = bound_json(type, cm->lower_bound, cm->lower_bound_len);
        json_t *hi = bound_json(type, cm->upper_bound, cm->upper_bound_len);
        if (!lo || !hi) {
            json_decref(lo);
            json_decref(hi);
            rc = nomem();
            break;
        }
        if (cm->column_size >= 0)
            json_object_set_new(sizes, id, json_integer(cm->column_size));
        if (cm->value_count >= 0)
            json_object_set_new(values, id, json_integer(cm->value_count));
        if (cm->null_value_count >= 0)
            json_object_set_new(nulls, id, json_integer(cm->null_value_count));
        if (cm->nan_value_count >= 0)
            json_object_set_new(nans, id, json_integer(cm->nan_value_count));
        if (cm->lower_bound)
            json_object_set(lower, id, lo);
        if (cm->upper_bound)
            json_object_set(upper, id, hi);
        const char *col = schema ? floe_schema_find_column_name(schema, cm->field_id) : NULL;
        json_t *rm =
            json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "column_size", int_or_null(cm->column_size, -1),
                      "value_count", int_or_null(cm->value_count, -1), "null_value_count",
                      int_or_null(cm->null_value_count, -1), "nan_value_count",
                      int_or_null(cm->nan_value_count, -1), "lower_bound", lo, "upper_bound", hi);
        if (!rm || json_object_set_new(readable, col ? col : id, rm))
            rc = nomem();
    }
    if (rc) {
        json_decref(sizes);
        json_decref(values);
        json_decref(nulls);
        json_decref(nans);
        json_decref(lower);
        json_decref(upper);
        json_decref(readable);
        return rc;
    }
    /* json_object_set_new takes each reference, also when it fails */
    int bad = json_object_set_new(row, "column_sizes", sizes);
    bad |= json_object_set_new(row, "value_counts", values);
    bad |= json_object_set_new(row, "null_value_counts", nulls);
    bad |= json_object_set_new(row, "nan_value_counts", nans);
    bad |= json_object_set_new(row, "lower_bounds", lower);
    bad |= json_object_set_new(row, "upper_bounds", upper);
    bad |= json_object_set_new(row, "readable_metrics", readable);
    return bad ? nomem() : 0;
}

/* A "files" row of data file `df` listed under `spec` with `schema`. (transfer full) */
static json_t *file_json(const floe_data_file *df, int32_t spec_id, const floe_partition_spec *spec,
                         const floe_schema *schema)
{
    size_t nsplit = 0, neq = 0;
    const int64_t *split = floe_data_file_split_offsets(df, &nsplit);
    const int32_t *eq = floe_data_file_equality_ids(df, &neq);
    json_t *splits = split ? json_array() : json_null();
    json_t *eqs = eq ? json_array() : json_null();
    for (size_t i = 0; split && splits && i < nsplit; i++)
        json_array_append_new(splits, json_integer(split[i]));
    for (size_t i = 0; eq && eqs && i < neq; i++)
        json_array_append_new(eqs, json_integer(eq[i]));
    const char *ref = floe_data_file_referenced_data_file(df);
    json_t *row =
        json_pack("{s:i,s:s,s:s,s:i,s:o,s:I,s:I}", "content", (int)floe_data_file_content(df),
                  "file_path", floe_data_file_path(df), "file_format", floe_data_file_format(df),
                  "spec_id", (int)spec_id, "partition", partition_json(df, spec), "record_count",
                  (json_int_t)floe_data_file_record_count(df), "file_size_in_bytes",
                  (json_int_t)floe_data_file_size(df));
    if (row && metrics_json(row, df, schema)) {
        json_decref(row);
        row = NULL;
    }
    if (!row) {
        json_decref(splits);
        json_decref(eqs);
        return NULL;
    }
    int bad = json_object_set_new(row, "split_offsets", splits ? splits : json_null());
    bad |= json_object_set_new(row, "equality_ids", eqs ? eqs : json_null());
    bad |= json_object_set_new(row, "sort_order_id",
                               int_or_null(floe_data_file_sort_order_id(df), -1));
    bad |= json_object_set_new(row, "referenced_data_file", ref ? json_string(ref) : json_null());
    if (bad) {
        json_decref(row);
        return NULL;
    }
    return row;
}

/* ---- snapshots, history, refs: from the table metadata ---- */

static int snapshots_rows(json_t *arr, const floe_table *t)
{
    int64_t cur = floe_table_metadata_current_snapshot_id(t->md);
    for (size_t i = 0; i < floe_table_metadata_snapshot_count(t->md); i++) {
        const floe_snapshot *s = floe_table_metadata_snapshot_at(t->md, i);
        json_t *summary = json_object();
        for (size_t k = 0; summary && k < floe_snapshot_summary_count(s); k++) {
            const char *key = NULL, *value = NULL;
            floe_snapshot_summary_at(s, k, &key, &value);
            if (key && value && strcmp(key, "operation") != 0)
                json_object_set_new(summary, key, json_string(value));
        }
        const char *op = floe_snapshot_operation(s);
        const char *ml = floe_snapshot_manifest_list(s);
        int rc = add_row(
            arr, summary
                     ? json_pack("{s:I,s:I,s:o,s:I,s:o,s:o,s:o,s:b}", "committed_at",
                                 (json_int_t)floe_snapshot_timestamp_ms(s), "snapshot_id",
                                 (json_int_t)floe_snapshot_id(s), "parent_id",
                                 int_or_null(floe_snapshot_parent_id(s), FLOE_SNAPSHOT_ID_NONE),
                                 "sequence_number", (json_int_t)floe_snapshot_sequence_number(s),
                                 "operation", op ? json_string(op) : json_null(), "manifest_list",
                                 ml ? json_string(ml) : json_null(), "summary", summary,
                                 "is_current", floe_snapshot_id(s) == cur)
                     : NULL);
        if (rc)
            return rc;
    }
    return 0;
}

/* 1 when `id` is the current snapshot or one of its ancestors */
static int is_current_ancestor(const floe_table *t, int64_t id)
{
    const floe_snapshot *s = floe_table_metadata_current_snapshot(t->md);
    for (size_t steps = 0; s && steps <= floe_table_metadata_snapshot_count(t->md); steps++) {
        if (floe_snapshot_id(s) == id)
            return 1;
        int64_t parent = floe_snapshot_parent_id(s);
        s = parent == FLOE_SNAPSHOT_ID_NONE ? NULL
                                            : floe_table_metadata_snapshot_by_id(t->md, parent);
    }
    return 0;
}

static int history_rows(json_t *arr, const floe_table *t)
{
    for (size_t i = 0; i < floe_table_metadata_snapshot_log_count(t->md); i++) {
        floe_snapshot_log_entry e = floe_table_metadata_snapshot_log_at(t->md, i);
        const floe_snapshot *s = floe_table_metadata_snapshot_by_id(t->md, e.snapshot_id);
        int64_t parent = s ? floe_snapshot_parent_id(s) : FLOE_SNAPSHOT_ID_NONE;
        int rc = add_row(
            arr, json_pack("{s:I,s:I,s:o,s:b}", "made_current_at", (json_int_t)e.timestamp_ms,
                           "snapshot_id", (json_int_t)e.snapshot_id, "parent_id",
                           int_or_null(parent, FLOE_SNAPSHOT_ID_NONE), "is_current_ancestor",
                           is_current_ancestor(t, e.snapshot_id)));
        if (rc)
            return rc;
    }
    return 0;
}

static int refs_rows(json_t *arr, const floe_table *t)
{
    for (size_t i = 0; i < floe_table_metadata_ref_count(t->md); i++) {
        const char *name = NULL;
        const floe_snapshot_ref *ref = NULL;
        floe_table_metadata_ref_at(t->md, i, &name, &ref);
        if (!name || !ref)
            continue;
        int rc = add_row(
            arr, json_pack("{s:s,s:s,s:I,s:o,s:o,s:o}", "name", name, "type",
                           ref->type == FLOE_REF_TAG ? "TAG" : "BRANCH", "snapshot_id",
                           (json_int_t)ref->snapshot_id, "max_reference_age_in_ms",
                           int_or_null(ref->max_ref_age_ms, -1), "min_snapshots_to_keep",
                           int_or_null(ref->min_snapshots_to_keep, -1), "max_snapshot_age_in_ms",
                           int_or_null(ref->max_snapshot_age_ms, -1)));
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- manifests ---- */

/* The partition field summaries of a manifest, bounds decoded with the spec's result types. */
static json_t *summaries_json(const floe_manifest_file *mf, const floe_table *t)
{
    json_t *arr = json_array();
    const floe_partition_spec *spec = floe_table_metadata_spec(t->md, mf->partition_spec_id);
    const floe_schema *schema = floe_table_metadata_current_schema(t->md);
    for (size_t i = 0; arr && i < mf->partition_count; i++) {
        const floe_partition_field_summary *ps = &mf->partitions[i];
        floe_type *rt = NULL;
        if (spec && i < floe_partition_spec_field_count(spec)) {
            const floe_partition_field *pf = floe_partition_spec_field_at(spec, i);
            const floe_type *src = field_type(schema, floe_partition_field_source_id(pf));
            if (src && floe_transform_result_type(&rt, floe_partition_field_transform(pf), src))
                rt = NULL;
        }
        json_t *lo = bound_json(rt, ps->lower_bound, ps->lower_bound_len);
        json_t *hi = bound_json(rt, ps->upper_bound, ps->upper_bound_len);
        floe_type_free(rt);
        json_t *row =
            lo && hi
                ? json_pack("{s:b,s:o,s:o,s:o}", "contains_null", ps->contains_null, "contains_nan",
                            ps->contains_nan < 0 ? json_null() : json_boolean(ps->contains_nan),
                            "lower_bound", lo, "upper_bound", hi)
                : NULL;
        if (!row) {
            if (!lo || !hi) {
                json_decref(lo);
                json_decref(hi);
            }
            json_decref(arr);
            return NULL;
        }
        json_array_append_new(arr, row);
    }
    return arr;
}

static int manifests_rows(json_t *arr, floe_table *t)
{
    floe_manifest_list *ml = NULL;
    int rc = floe_manager__read_manifest_list(&ml, t, floe_table_metadata_current_snapshot(t->md));
    for (size_t i = 0; !rc && ml && i < floe_manifest_list_count(ml); i++) {
        const floe_manifest_file *mf = floe_manifest_list_at(ml, i);
        int del = mf->content != FLOE_MANIFEST_DATA;
        json_t *sums = summaries_json(mf, t);
        json_t *row =
            sums ? json_pack("{s:i,s:s,s:I,s:i,s:o,s:o,s:o}", "content", (int)mf->content, "path",
                             mf->path, "length", (json_int_t)mf->length, "partition_spec_id",
                             (int)mf->partition_spec_id, "added_snapshot_id",
                             int_or_null(mf->added_snapshot_id, -1), "sequence_number",
                             int_or_null(mf->sequence_number, -1), "min_sequence_number",
                             int_or_null(mf->min_sequence_number, -1))
                 : NULL;
        if (row) {
            json_object_set_new(row, "added_data_files_count",
                                del ? json_integer(0) : int_or_null(mf->added_files_count, -1));
            json_object_set_new(row, "existing_data_files_count",
                                del ? json_integer(0) : int_or_null(mf->existing_files_count, -1));
            json_object_set_new(row, "deleted_data_files_count",
                                del ? json_integer(0) : int_or_null(mf->deleted_files_count, -1));
            json_object_set_new(row, "added_delete_files_count",
                                del ? int_or_null(mf->added_files_count, -1) : json_integer(0));
            json_object_set_new(row, "existing_delete_files_count",
                                del ? int_or_null(mf->existing_files_count, -1) : json_integer(0));
            json_object_set_new(row, "deleted_delete_files_count",
                                del ? int_or_null(mf->deleted_files_count, -1) : json_integer(0));
            json_object_set_new(row, "added_rows_count", int_or_null(mf->added_rows_count, -1));
            json_object_set_new(row, "existing_rows_count",
                                int_or_null(mf->existing_rows_count, -1));
            json_object_set_new(row, "deleted_rows_count", int_or_null(mf->deleted_rows_count, -1));
            if (json_object_set_new(row, "partition_summaries", sums)) {
                json_decref(row);
                row = NULL;
            }
        } else {
            json_decref(sums);
        }
        rc = add_row(arr, row);
    }
    floe_manifest_list_free(ml);
    return rc;
}

/* ---- files, entries, partitions: walking the current snapshot's manifest entries ---- */

typedef int (*entry_fn)(void *ctx, const floe_manifest_file *mf, const floe_manifest_reader *r,
                        const floe_manifest_entry *e);

static int walk_entries(floe_table *t, entry_fn fn, void *ctx)
{
    floe_manifest_list *ml = NULL;
    int rc = floe_manager__read_manifest_list(&ml, t, floe_table_metadata_current_snapshot(t->md));
    for (size_t i = 0; !rc && ml && i < floe_manifest_list_count(ml); i++) {
        const floe_manifest_file *mf = floe_manifest_list_at(ml, i);
        floe_input_file *in = NULL;
        floe_manifest_reader *r = NULL;
        rc = t->m->io->open(&in, t->m->io, mf->path);
        if (!rc)
            rc = floe_manifest_reader_open(&r, in, mf);
        while (!rc) {
            int has = 0;
            floe_manifest_entry e;
            memset(&e, 0, sizeof e);
            if ((rc = floe_manifest_reader_next(&has, &e, r)) || !has)
                break;
            rc = fn(ctx, mf, r, &e);
        }
        floe_manifest_reader_free(r);
        floe_input_close(in);
        if (rc)
            rc = floe_error_wrap(rc, "reading manifest '%s' of '%s'", mf->path, t->ident);
    }
    floe_manifest_list_free(ml);
    return rc;
}

static int file_row(void *ctx, const floe_manifest_file *mf, const floe_manifest_reader *r,
                    const floe_manifest_entry *e)
{
    if (e->status == FLOE_ENTRY_DELETED)
        return 0;
    return add_row(ctx, file_json(e->data_file, mf->partition_spec_id, floe_manifest_reader_spec(r),
                                  floe_manifest_reader_schema(r)));
}

static int entry_row(void *ctx, const floe_manifest_file *mf, const floe_manifest_reader *r,
                     const floe_manifest_entry *e)
{
    json_t *df = file_json(e->data_file, mf->partition_spec_id, floe_manifest_reader_spec(r),
                           floe_manifest_reader_schema(r));
    return add_row(ctx, df ? json_pack("{s:i,s:I,s:o,s:o,s:o}", "status", (int)e->status,
                                       "snapshot_id", (json_int_t)e->snapshot_id, "sequence_number",
                                       int_or_null(e->sequence_number, -1), "file_sequence_number",
                                       int_or_null(e->file_sequence_number, -1), "data_file", df)
                           : NULL);
}

struct part_ctx {
    const floe_table *t;
    json_t *rows;  /* array of partition rows */
    json_t *index; /* "<spec>/<partition json>" -> row index */
};

static void bump(json_t *row, const char *key, int64_t by)
{
    json_object_set_new(row, key, json_integer(json_integer_value(json_object_get(row, key)) + by));
}

static int partition_row(void *ctx, const floe_manifest_file *mf, const floe_manifest_reader *r,
                         const floe_manifest_entry *e)
{
    struct part_ctx *c = ctx;
    if (e->status == FLOE_ENTRY_DELETED)
        return 0;
    json_t *part = partition_json(e->data_file, floe_manifest_reader_spec(r));
    char *ptext = part ? json_dumps(part, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (!ptext) {
        json_decref(part);
        return nomem();
    }
    char *key = floe_malloc(strlen(ptext) + 16);
    if (!key) {
        free(ptext);
        json_decref(part);
        return nomem();
    }
    snprintf(key, strlen(ptext) + 16, "%" PRId32 "/%s", mf->partition_spec_id, ptext);
    free(ptext);
    json_t *at = json_object_get(c->index, key);
    json_t *row = NULL;
    int rc = 0;
    if (at) {
        row = json_array_get(c->rows, (size_t)json_integer_value(at));
        json_decref(part);
    } else {
        row = json_pack("{s:o,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:n,s:n}", "partition", part,
                        "spec_id", (int)mf->partition_spec_id, "record_count", 0, "file_count", 0,
                        "total_data_file_size_in_bytes", 0, "position_delete_record_count", 0,
                        "position_delete_file_count", 0, "equality_delete_record_count", 0,
                        "equality_delete_file_count", 0, "last_updated_at",
                        "last_updated_snapshot_id");
        if (!row ||
            json_object_set_new(c->index, key,
                                json_integer((json_int_t)json_array_size(c->rows))) ||
            json_array_append_new(c->rows, row))
            rc = nomem();
    }
    floe_free(key);
    if (rc)
        return rc;
    const floe_data_file *df = e->data_file;
    int64_t records = floe_data_file_record_count(df);
    switch (floe_data_file_content(df)) {
    case FLOE_CONTENT_DATA:
        bump(row, "record_count", records);
        bump(row, "file_count", 1);
        bump(row, "total_data_file_size_in_bytes", floe_data_file_size(df));
        break;
    case FLOE_CONTENT_POSITION_DELETES:
        bump(row, "position_delete_record_count", records);
        bump(row, "position_delete_file_count", 1);
        break;
    default:
        bump(row, "equality_delete_record_count", records);
        bump(row, "equality_delete_file_count", 1);
        break;
    }
    const floe_snapshot *s = floe_table_metadata_snapshot_by_id(c->t->md, e->snapshot_id);
    json_t *prev = json_object_get(row, "last_updated_at");
    if (s && (json_is_null(prev) || json_integer_value(prev) < floe_snapshot_timestamp_ms(s))) {
        json_object_set_new(row, "last_updated_at", json_integer(floe_snapshot_timestamp_ms(s)));
        json_object_set_new(row, "last_updated_snapshot_id", json_integer(e->snapshot_id));
    }
    return 0;
}

static const char *const kinds[] = {"snapshots", "history", "refs",       "manifests",
                                    "files",     "entries", "partitions", NULL};

const char *const *floe_table_inspect_kinds(void)
{
    return kinds;
}

int floe_table_inspect(json_t **out, floe_table *t, const char *kind)
{
    if (out)
        *out = NULL;
    if (!out || !t || !kind)
        return floe_error_set(FLOE_EINVALID, "floe_table_inspect: NULL argument");
    json_t *arr = json_array();
    if (!arr)
        return nomem();
    int rc = 0;
    if (strcmp(kind, "snapshots") == 0)
        rc = snapshots_rows(arr, t);
    else if (strcmp(kind, "history") == 0)
        rc = history_rows(arr, t);
    else if (strcmp(kind, "refs") == 0)
        rc = refs_rows(arr, t);
    else if (strcmp(kind, "manifests") == 0)
        rc = manifests_rows(arr, t);
    else if (strcmp(kind, "files") == 0)
        rc = walk_entries(t, file_row, arr);
    else if (strcmp(kind, "entries") == 0)
        rc = walk_entries(t, entry_row, arr);
    else if (strcmp(kind, "partitions") == 0) {
        struct part_ctx c = {t, arr, json_object()};
        rc = c.index ? walk_entries(t, partition_row, &c) : nomem();
        json_decref(c.index);
    } else
        rc = floe_error_set(FLOE_EINVALID,
                            "unknown metadata table '%s' of '%s'; use one of snapshots, history, "
                            "refs, manifests, files, entries, partitions",
                            kind, t->ident);
    if (rc) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return 0;
}
