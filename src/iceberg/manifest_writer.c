/* Manifest writer: v2 manifest_entry records streamed to an Avro container, header metadata
 * per spec, and the manifest list record (counts, partition field summaries) at finish. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <floe/avro.h>
#include <floe/error.h>
#include <floe/iceberg/manifest.h>

#include "base/alloc.h"
#include "iceberg/data_file_internal.h"
#include "iceberg/manifest_schema.h"

enum { E_STATUS, E_SNAPSHOT, E_SEQ, E_FILE_SEQ, E_DATA_FILE };
typedef struct field_summary {
    bool contains_null;
    bool contains_nan;
    floe_literal lower; /* owned; null while no value seen */
    floe_literal upper;
} field_summary;

struct floe_manifest_writer {
    floe_output_file *file;
    char *path;
    floe_avro_writer *aw;
    floe_avro_schema *schema;
    floe_avro_value *rec;
    floe_type *ptype;
    int32_t spec_id;
    floe_manifest_content content;
    int64_t snapshot_id;
    int32_t added_files, existing_files, deleted_files;
    int64_t added_rows, existing_rows, deleted_rows;
    int64_t min_seq;
    field_summary *summaries;
    size_t summary_count;
    int finished;
};

static int oom(void)
{
    return floe_error_set(FLOE_ENOMEM, "out of memory writing a manifest");
}

void floe_manifest_writer_free(floe_manifest_writer *w)
{
    if (!w)
        return;
    if (!w->finished)
        floe_output_abort(w->file);
    floe_avro_writer_free(w->aw);
    floe_avro_value_free(w->rec);
    floe_avro_schema_free(w->schema);
    floe_type_free(w->ptype);
    for (size_t i = 0; i < w->summary_count; i++) {
        floe_literal_clear(&w->summaries[i].lower);
        floe_literal_clear(&w->summaries[i].upper);
    }
    floe_free(w->summaries);
    floe_free(w->path);
    floe_free(w);
}

/* The partition-spec header value is the spec's fields array only (spec §Manifests). */
static int spec_fields_json(char **out, const floe_partition_spec *spec)
{
    char *full = NULL;
    int rc = floe_partition_spec_to_json(&full, spec, false);
    if (rc)
        return rc;
    json_error_t err;
    json_t *o = json_loads(full, 0, &err);
    floe_iceberg_free_string(full);
    json_t *fields = json_object_get(o, "fields");
    *out = fields ? json_dumps(fields, JSON_COMPACT) : NULL;
    json_decref(o);
    return *out ? 0 : oom();
}

static int set_header(floe_manifest_writer *w, const floe_schema *schema,
                      const floe_partition_spec *spec)
{
    char *schema_json = NULL, *spec_json = NULL, num[32];
    int rc = floe_schema_to_json(&schema_json, schema, false);
    if (!rc)
        rc = floe_avro_writer_set_meta_string(w->aw, "schema", schema_json);
    snprintf(num, sizeof(num), "%d", (int)floe_schema_id(schema));
    if (!rc)
        rc = floe_avro_writer_set_meta_string(w->aw, "schema-id", num);
    if (!rc)
        rc = spec_fields_json(&spec_json, spec);
    if (!rc)
        rc = floe_avro_writer_set_meta_string(w->aw, "partition-spec", spec_json);
    snprintf(num, sizeof(num), "%d", (int)floe_partition_spec_id(spec));
    if (!rc)
        rc = floe_avro_writer_set_meta_string(w->aw, "partition-spec-id", num);
    if (!rc)
        rc = floe_avro_writer_set_meta_string(w->aw, "format-version", "2");
    if (!rc)
        rc = floe_avro_writer_set_meta_string(
            w->aw, "content", w->content == FLOE_MANIFEST_DELETES ? "deletes" : "data");
    floe_iceberg_free_string(schema_json);
    free(spec_json);
    return rc;
}

int floe_manifest_writer_new(floe_manifest_writer **out, floe_output_file *file,
                             const floe_schema *schema, const floe_partition_spec *spec,
                             const floe_manifest_writer_options *options)
{
    *out = NULL;
    floe_manifest_writer_options defaults = FLOE_MANIFEST_WRITER_OPTIONS_INIT;
    const floe_manifest_writer_options *o = options ? options : &defaults;
    floe_manifest_writer *w = floe_calloc(1, sizeof(*w));
    if (!w) {
        floe_output_abort(file);
        return oom();
    }
    w->file = file;
    w->content = o->content;
    w->snapshot_id = o->snapshot_id;
    w->spec_id = floe_partition_spec_id(spec);
    w->min_seq = -1;
    w->path = floe_strdup(file->location ? file->location : "");
    int rc = w->path ? 0 : oom();
    if (!rc)
        rc = floe_partition_spec_partition_type(&w->ptype, spec, schema);
    if (!rc)
        rc = floe_iceberg__manifest_entry_schema(&w->schema, w->ptype);
    if (!rc)
        rc = floe_avro_value_new(&w->rec, w->schema);
    if (!rc) {
        floe_avro_writer_options ao = FLOE_AVRO_WRITER_OPTIONS_INIT;
        ao.codec = (floe_avro_codec)o->codec;
        rc = floe_avro_writer_new(&w->aw, file, w->schema, &ao);
    }
    if (!rc)
        rc = set_header(w, schema, spec);
    if (!rc) {
        w->summary_count = floe_type_field_count(w->ptype);
        w->summaries = floe_calloc(w->summary_count ? w->summary_count : 1, sizeof(field_summary));
        if (!w->summaries)
            rc = oom();
        for (size_t i = 0; !rc && i < w->summary_count; i++) {
            floe_type_kind k = floe_type_get_kind(floe_field_type(floe_type_field_at(w->ptype, i)));
            w->summaries[i].lower = floe_literal_null(k);
            w->summaries[i].upper = floe_literal_null(k);
        }
    }
    if (rc) {
        /* wrap first: freeing the writer aborts (and frees) the output file */
        rc = floe_error_wrap(rc, "starting manifest '%s'", file->location ? file->location : "");
        floe_manifest_writer_free(w);
        return rc;
    }
    *out = w;
    return 0;
}

static int set_opt_long(floe_avro_value *field, int64_t v)
{
    floe_avro_value *inner = NULL;
    if (v < 0)
        return floe_avro_value_set_optional(NULL, field, 0);
    int rc = floe_avro_value_set_optional(&inner, field, 1);
    return rc ? rc : floe_avro_value_set_long(inner, v);
}

/* One metrics map (array of key/value records); `which` selects the counter. */
/* An optional array field: null unless `present`, else the n longs (or, when longs is NULL,
 * the n ints). */
static int set_optional_array(floe_avro_value *field, int present, const int64_t *longs,
                              const int32_t *ints, size_t n)
{
    floe_avro_value *inner = NULL;
    int rc = floe_avro_value_set_optional(&inner, field, present);
    if (rc || !present)
        return rc;
    floe_avro_value_clear(inner);
    for (size_t i = 0; !rc && i < n; i++) {
        floe_avro_value *item = NULL;
        rc = floe_avro_value_append(&item, inner);
        if (!rc)
            rc = longs ? floe_avro_value_set_long(item, longs[i])
                       : floe_avro_value_set_int(item, ints[i]);
    }
    return rc;
}

/* Column sizes, value counts, null counts or NaN counts (which = 0..3); negative when unknown. */
static int64_t count_metric(const floe_column_metrics *m, int which)
{
    return which == 0   ? m->column_size
           : which == 1 ? m->value_count
           : which == 2 ? m->null_value_count
                        : m->nan_value_count;
}

static int fill_count_map(floe_avro_value *field, const floe_data_file *df, int which)
{
    size_t present = 0;
    for (size_t i = 0; i < df->metrics_count; i++)
        if (count_metric(&df->metrics[i], which) >= 0)
            present++;
    floe_avro_value *arr = NULL;
    int rc = floe_avro_value_set_optional(&arr, field, present > 0);
    if (rc || !present)
        return rc;
    floe_avro_value_clear(arr);
    for (size_t i = 0; !rc && i < df->metrics_count; i++) {
        const floe_column_metrics *m = &df->metrics[i];
        int64_t v = count_metric(m, which);
        if (v < 0)
            continue;
        floe_avro_value *kv = NULL;
        rc = floe_avro_value_append(&kv, arr);
        if (!rc)
            rc = floe_avro_value_set_int(floe_avro_value_field(kv, 0), m->field_id);
        if (!rc)
            rc = floe_avro_value_set_long(floe_avro_value_field(kv, 1), v);
    }
    return rc;
}

static int fill_bound_map(floe_avro_value *field, const floe_data_file *df, int upper)
{
    size_t present = 0;
    for (size_t i = 0; i < df->metrics_count; i++)
        if (upper ? df->metrics[i].upper_bound != NULL : df->metrics[i].lower_bound != NULL)
            present++;
    floe_avro_value *arr = NULL;
    int rc = floe_avro_value_set_optional(&arr, field, present > 0);
    if (rc || !present)
        return rc;
    floe_avro_value_clear(arr);
    for (size_t i = 0; !rc && i < df->metrics_count; i++) {
        const floe_column_metrics *m = &df->metrics[i];
        const uint8_t *b = upper ? m->upper_bound : m->lower_bound;
        size_t len = upper ? m->upper_bound_len : m->lower_bound_len;
        if (!b)
            continue;
        floe_avro_value *kv = NULL;
        rc = floe_avro_value_append(&kv, arr);
        if (!rc)
            rc = floe_avro_value_set_int(floe_avro_value_field(kv, 0), m->field_id);
        if (!rc)
            rc = floe_avro_value_set_bytes(floe_avro_value_field(kv, 1), b, len);
    }
    return rc;
}

static int update_summary(floe_manifest_writer *w, const floe_data_file *df)
{
    for (size_t i = 0; i < w->summary_count; i++) {
        field_summary *s = &w->summaries[i];
        const floe_literal *v = i < df->partition_count ? &df->partition[i] : NULL;
        if (!v || v->is_null) {
            s->contains_null = true;
            continue;
        }
        if ((v->kind == FLOE_TYPE_FLOAT && isnan(v->v.f32)) ||
            (v->kind == FLOE_TYPE_DOUBLE && isnan(v->v.f64))) {
            s->contains_nan = true;
            continue;
        }
        int cmp = 0;
        if (s->lower.is_null) {
            floe_literal_clear(&s->lower);
            int rc = floe_literal_copy(&s->lower, v);
            if (rc)
                return rc;
        } else if (floe_literal_compare(&cmp, v, &s->lower) == 0 && cmp < 0) {
            floe_literal_clear(&s->lower);
            int rc = floe_literal_copy(&s->lower, v);
            if (rc)
                return rc;
        }
        if (s->upper.is_null) {
            floe_literal_clear(&s->upper);
            int rc = floe_literal_copy(&s->upper, v);
            if (rc)
                return rc;
        } else if (floe_literal_compare(&cmp, v, &s->upper) == 0 && cmp > 0) {
            floe_literal_clear(&s->upper);
            int rc = floe_literal_copy(&s->upper, v);
            if (rc)
                return rc;
        }
    }
    return 0;
}

static int write_entry(floe_manifest_writer *w, floe_manifest_status status, int64_t snapshot_id,
                       int64_t seq, int64_t file_seq, const floe_data_file *df)
{
    if (w->finished)
        return floe_error_set(FLOE_EINVALID, "manifest '%s' is already finished", w->path);
    if (df->partition_count != w->summary_count)
        return floe_error_set(FLOE_EINVALID,
                              "data file '%s' has %zu partition values but the manifest's spec "
                              "%d has %zu fields",
                              df->path, df->partition_count, (int)w->spec_id, w->summary_count);
    for (size_t i = 0; i < df->partition_count; i++) {
        const floe_field *pf = floe_type_field_at(w->ptype, i);
        floe_type_kind want = floe_type_get_kind(floe_field_type(pf));
        if (!df->partition[i].is_null && df->partition[i].kind != want)
            return floe_error_set(FLOE_EINVALID,
                                  "data file '%s': partition value %zu ('%s') is a %s, but the "
                                  "partition field's type is %s",
                                  df->path, i, floe_field_name(pf),
                                  floe_type_kind_name(df->partition[i].kind),
                                  floe_type_string(floe_field_type(pf)));
        if (!df->partition[i].is_null && want == FLOE_TYPE_DECIMAL &&
            df->partition[i].scale != floe_type_decimal_scale(floe_field_type(pf)))
            return floe_error_set(FLOE_EINVALID,
                                  "data file '%s': partition value %zu ('%s') has scale %d, but "
                                  "the partition field is %s",
                                  df->path, i, floe_field_name(pf), (int)df->partition[i].scale,
                                  floe_type_string(floe_field_type(pf)));
    }
    if (df->content == FLOE_CONTENT_EQUALITY_DELETES && !df->has_equality_ids)
        return floe_error_set(FLOE_EINVALID,
                              "equality delete file '%s' has no equality_ids (the spec requires "
                              "them for content 2)",
                              df->path);
    if ((w->content == FLOE_MANIFEST_DATA) != (df->content == FLOE_CONTENT_DATA))
        return floe_error_set(
            FLOE_EINVALID, "data file '%s' (content %d) does not belong in a %s manifest", df->path,
            (int)df->content, w->content == FLOE_MANIFEST_DATA ? "data" : "deletes");
    floe_avro_value *r = w->rec;
    floe_avro_value *d = floe_avro_value_field(r, E_DATA_FILE);
    int rc = floe_avro_value_set_int(floe_avro_value_field(r, E_STATUS), (int32_t)status);
    if (!rc)
        rc = set_opt_long(floe_avro_value_field(r, E_SNAPSHOT), snapshot_id);
    if (!rc)
        rc = set_opt_long(floe_avro_value_field(r, E_SEQ), seq);
    if (!rc)
        rc = set_opt_long(floe_avro_value_field(r, E_FILE_SEQ), file_seq);
    if (!rc)
        rc = floe_avro_value_set_int(floe_avro_value_field(d, FLOE_DF_CONTENT),
                                     (int32_t)df->content);
    if (!rc)
        rc = floe_avro_value_set_string(floe_avro_value_field(d, FLOE_DF_PATH), df->path);
    if (!rc)
        rc = floe_avro_value_set_string(floe_avro_value_field(d, FLOE_DF_FORMAT), df->format);
    floe_avro_value *part = floe_avro_value_field(d, FLOE_DF_PARTITION);
    for (size_t i = 0; !rc && i < df->partition_count; i++)
        rc = floe_iceberg__literal_to_avro(floe_avro_value_field(part, i), &df->partition[i],
                                           floe_field_type(floe_type_field_at(w->ptype, i)));
    if (!rc)
        rc = floe_avro_value_set_long(floe_avro_value_field(d, FLOE_DF_RECORDS), df->record_count);
    if (!rc)
        rc = floe_avro_value_set_long(floe_avro_value_field(d, FLOE_DF_SIZE), df->file_size);
    for (int which = 0; !rc && which < 4; which++)
        rc = fill_count_map(floe_avro_value_field(d, FLOE_DF_COLUMN_SIZES + which), df, which);
    if (!rc)
        rc = fill_bound_map(floe_avro_value_field(d, FLOE_DF_LOWER), df, 0);
    if (!rc)
        rc = fill_bound_map(floe_avro_value_field(d, FLOE_DF_UPPER), df, 1);
    floe_avro_value *inner = NULL;
    if (!rc) {
        rc = floe_avro_value_set_optional(&inner, floe_avro_value_field(d, FLOE_DF_KEY_METADATA),
                                          df->key_metadata != NULL);
        if (!rc && df->key_metadata)
            rc = floe_avro_value_set_bytes(inner, df->key_metadata, df->key_metadata_len);
    }
    if (!rc)
        rc = set_optional_array(floe_avro_value_field(d, FLOE_DF_SPLITS), df->has_split_offsets,
                                df->split_offsets, NULL, df->split_count);
    if (!rc)
        rc = set_optional_array(floe_avro_value_field(d, FLOE_DF_EQUALITY), df->has_equality_ids,
                                NULL, df->equality_ids, df->equality_count);
    if (!rc) {
        rc = floe_avro_value_set_optional(&inner, floe_avro_value_field(d, FLOE_DF_SORT_ORDER),
                                          df->sort_order_id >= 0);
        if (!rc && df->sort_order_id >= 0)
            rc = floe_avro_value_set_int(inner, df->sort_order_id);
    }
    if (!rc) {
        rc = floe_avro_value_set_optional(&inner, floe_avro_value_field(d, FLOE_DF_REFERENCED),
                                          df->referenced_data_file != NULL);
        if (!rc && df->referenced_data_file)
            rc = floe_avro_value_set_string(inner, df->referenced_data_file);
    }
    if (!rc)
        rc = floe_avro_writer_append(w->aw, r);
    if (!rc)
        rc = update_summary(w, df);
    if (rc)
        return floe_error_wrap(rc, "writing '%s' to manifest '%s'", df->path, w->path);
    switch (status) {
    case FLOE_ENTRY_ADDED:
        w->added_files++;
        w->added_rows += df->record_count;
        break;
    case FLOE_ENTRY_EXISTING:
        w->existing_files++;
        w->existing_rows += df->record_count;
        break;
    case FLOE_ENTRY_DELETED:
        w->deleted_files++;
        w->deleted_rows += df->record_count;
        break;
    }
    if (status != FLOE_ENTRY_DELETED && seq >= 0 && (w->min_seq < 0 || seq < w->min_seq))
        w->min_seq = seq;
    return 0;
}

int floe_manifest_writer_add(floe_manifest_writer *w, const floe_data_file *df)
{
    return write_entry(w, FLOE_ENTRY_ADDED, w->snapshot_id, -1, -1, df);
}

int floe_manifest_writer_add_with_sequence(floe_manifest_writer *w, const floe_data_file *df,
                                           int64_t data_sequence_number)
{
    if (data_sequence_number < 0)
        return floe_error_set(FLOE_EINVALID, "explicit data sequence number must be >= 0");
    return write_entry(w, FLOE_ENTRY_ADDED, w->snapshot_id, data_sequence_number, -1, df);
}

int floe_manifest_writer_existing(floe_manifest_writer *w, const floe_data_file *df,
                                  int64_t snapshot_id, int64_t data_sequence_number,
                                  int64_t file_sequence_number)
{
    if (snapshot_id < 0 || data_sequence_number < 0 || file_sequence_number < 0)
        return floe_error_set(FLOE_EINVALID,
                              "EXISTING entry for '%s' needs its snapshot id and both sequence "
                              "numbers (spec: they are never inherited)",
                              df->path);
    return write_entry(w, FLOE_ENTRY_EXISTING, snapshot_id, data_sequence_number,
                       file_sequence_number, df);
}

int floe_manifest_writer_delete(floe_manifest_writer *w, const floe_data_file *df,
                                int64_t data_sequence_number, int64_t file_sequence_number)
{
    if (data_sequence_number < 0 || file_sequence_number < 0)
        return floe_error_set(FLOE_EINVALID,
                              "DELETED entry for '%s' needs both sequence numbers (spec: they "
                              "are never inherited)",
                              df->path);
    return write_entry(w, FLOE_ENTRY_DELETED, w->snapshot_id, data_sequence_number,
                       file_sequence_number, df);
}

static int literal_bytes(uint8_t **out, size_t *len, const floe_literal *lit)
{
    *out = NULL;
    *len = 0;
    if (lit->is_null)
        return 0;
    uint8_t *b = NULL;
    int rc = floe_literal_to_bytes(&b, len, lit);
    if (rc)
        return rc;
    *out = floe_malloc(*len ? *len : 1);
    if (*out && *len)
        memcpy(*out, b, *len);
    floe_iceberg_free_bytes(b);
    return *out ? 0 : oom();
}

int floe_manifest_writer_finish(floe_manifest_file **out, floe_manifest_writer *w)
{
    *out = NULL;
    if (w->finished)
        return floe_error_set(FLOE_EINVALID, "manifest '%s' is already finished", w->path);
    floe_manifest_file *mf = floe_calloc(1, sizeof(*mf));
    if (!mf)
        return oom();
    mf->version = FLOE_MANIFEST_FILE_VERSION;
    mf->path = floe_strdup(w->path);
    mf->partition_spec_id = w->spec_id;
    mf->content = w->content;
    mf->sequence_number = -1;
    mf->min_sequence_number = w->min_seq;
    mf->added_snapshot_id = w->snapshot_id;
    mf->added_files_count = w->added_files;
    mf->existing_files_count = w->existing_files;
    mf->deleted_files_count = w->deleted_files;
    mf->added_rows_count = w->added_rows;
    mf->existing_rows_count = w->existing_rows;
    mf->deleted_rows_count = w->deleted_rows;
    mf->partitions = floe_calloc(w->summary_count ? w->summary_count : 1, sizeof(*mf->partitions));
    int rc = (!mf->path || !mf->partitions) ? oom() : 0;
    for (size_t i = 0; !rc && i < w->summary_count; i++) {
        floe_partition_field_summary *s = &mf->partitions[i];
        s->contains_null = w->summaries[i].contains_null;
        s->contains_nan = w->summaries[i].contains_nan;
        mf->partition_count++;
        rc = literal_bytes(&s->lower_bound, &s->lower_bound_len, &w->summaries[i].lower);
        if (!rc)
            rc = literal_bytes(&s->upper_bound, &s->upper_bound_len, &w->summaries[i].upper);
    }
    uint64_t length = 0;
    if (!rc)
        rc = floe_avro_writer_finish(w->aw, &length);
    if (!rc) {
        w->finished = 1;
        rc = floe_output_commit(w->file);
        w->file = NULL;
    }
    if (rc) {
        floe_manifest_file_free(mf);
        return floe_error_wrap(rc, "finishing manifest '%s'", w->path);
    }
    mf->length = (int64_t)length;
    *out = mf;
    return 0;
}
