/* Manifest reader: v1 and v2 manifests, fields located by field id (names as a fallback),
 * snapshot-id and sequence-number inheritance from the manifest list record. */
#include <stdlib.h>
#include <string.h>

#include <floe/avro.h>
#include <floe/error.h>
#include <floe/iceberg/manifest.h>

#include "base/alloc.h"
#include "iceberg/data_file_internal.h"
#include "iceberg/manifest_schema.h"

static const struct {
    int64_t id;
    const char *name;
} data_fields[FLOE_DF_COUNT] = {
    {134, "content"},
    {100, "file_path"},
    {101, "file_format"},
    {102, "partition"},
    {103, "record_count"},
    {104, "file_size_in_bytes"},
    {108, "column_sizes"},
    {109, "value_counts"},
    {110, "null_value_counts"},
    {137, "nan_value_counts"},
    {125, "lower_bounds"},
    {128, "upper_bounds"},
    {131, "key_metadata"},
    {132, "split_offsets"},
    {135, "equality_ids"},
    {140, "sort_order_id"},
    {143, "referenced_data_file"},
};

struct floe_manifest_reader {
    floe_avro_reader *ar;
    floe_avro_value *rec;
    floe_schema *schema;
    floe_partition_spec *spec;
    floe_type *ptype;
    int format_version;
    floe_manifest_content content;
    long e_status, e_snapshot, e_seq, e_file_seq, e_data_file;
    long d[FLOE_DF_COUNT];
    long *part_index; /* partition type field i -> Avro partition record field */
    floe_data_file *current;
    int has_manifest;
    int64_t inherit_snapshot_id;
    int64_t inherit_sequence;
    char *location;
};

static long field_index(const floe_avro_schema *rec, int64_t id, const char *name)
{
    long i = floe_avro_schema_field_index_by_id(rec, id);
    return i >= 0 ? i : floe_avro_schema_field_index(rec, name);
}

void floe_manifest_reader_free(floe_manifest_reader *r)
{
    if (!r)
        return;
    floe_avro_value_free(r->rec);
    floe_avro_reader_free(r->ar);
    floe_schema_free(r->schema);
    floe_partition_spec_free(r->spec);
    floe_type_free(r->ptype);
    floe_free(r->part_index);
    floe_data_file_free(r->current);
    floe_free(r->location);
    floe_free(r);
}

static int corrupt(floe_manifest_reader *r, const char *what)
{
    return floe_error_set(FLOE_ECORRUPT, "manifest '%s': %s", r->location, what);
}

static int read_header(floe_manifest_reader *r)
{
    const char *schema_json = floe_avro_reader_meta(r->ar, "schema");
    const char *spec_json = floe_avro_reader_meta(r->ar, "partition-spec");
    const char *spec_id = floe_avro_reader_meta(r->ar, "partition-spec-id");
    const char *fv = floe_avro_reader_meta(r->ar, "format-version");
    const char *content = floe_avro_reader_meta(r->ar, "content");
    if (!schema_json || !spec_json)
        return corrupt(r, "header lacks the required 'schema' or 'partition-spec' metadata");
    int rc = floe_schema_from_json(&r->schema, schema_json, strlen(schema_json));
    if (rc)
        return floe_error_wrap(rc == FLOE_ENOMEM ? rc : FLOE_ECORRUPT,
                               "manifest '%s': header 'schema'", r->location);
    floe_partition_spec *spec = NULL;
    rc = floe_partition_spec_from_json(&spec, spec_json, strlen(spec_json));
    if (rc)
        return floe_error_wrap(rc == FLOE_ENOMEM ? rc : FLOE_ECORRUPT,
                               "manifest '%s': header 'partition-spec'", r->location);
    if (spec_id) {
        char *end = NULL;
        long id = strtol(spec_id, &end, 10);
        if (end == spec_id || *end) {
            floe_partition_spec_free(spec);
            return corrupt(r, "header 'partition-spec-id' is not an integer");
        }
        rc = floe_partition_spec_with_id(&r->spec, spec, (int32_t)id);
        floe_partition_spec_free(spec);
        if (rc)
            return rc;
    } else {
        r->spec = spec;
    }
    r->format_version = 1;
    if (fv) {
        if (strcmp(fv, "1") == 0)
            r->format_version = 1;
        else if (strcmp(fv, "2") == 0)
            r->format_version = 2;
        else if (strcmp(fv, "3") == 0)
            r->format_version = 3;
        else
            return floe_error_set(FLOE_EVERSION, "manifest '%s': unsupported format-version '%s'",
                                  r->location, fv);
    }
    r->content =
        content && strcmp(content, "deletes") == 0 ? FLOE_MANIFEST_DELETES : FLOE_MANIFEST_DATA;
    rc = floe_partition_spec_partition_type(&r->ptype, r->spec, r->schema);
    if (rc)
        return floe_error_wrap(rc == FLOE_ENOMEM ? rc : FLOE_ECORRUPT,
                               "manifest '%s': partition spec does not bind to "
                               "the schema",
                               r->location);
    return 0;
}

static int locate_fields(floe_manifest_reader *r)
{
    const floe_avro_schema *entry = floe_avro_reader_schema(r->ar);
    if (floe_avro_schema_type(entry) != FLOE_AVRO_RECORD)
        return corrupt(r, "records are not manifest_entry records");
    r->e_status = field_index(entry, 0, "status");
    r->e_snapshot = field_index(entry, 1, "snapshot_id");
    r->e_seq = field_index(entry, 3, "sequence_number");
    r->e_file_seq = field_index(entry, 4, "file_sequence_number");
    r->e_data_file = field_index(entry, 2, "data_file");
    if (r->e_status < 0 || r->e_data_file < 0)
        return corrupt(r, "manifest_entry lacks status (0) or data_file (2)");
    const floe_avro_schema *df = floe_avro_schema_field_type(entry, (size_t)r->e_data_file);
    for (int i = 0; i < FLOE_DF_COUNT; i++)
        r->d[i] = field_index(df, data_fields[i].id, data_fields[i].name);
    if (r->d[FLOE_DF_PATH] < 0 || r->d[FLOE_DF_FORMAT] < 0 || r->d[FLOE_DF_RECORDS] < 0 ||
        r->d[FLOE_DF_SIZE] < 0)
        return corrupt(r, "data_file lacks file_path, file_format, record_count or "
                          "file_size_in_bytes");
    size_t n = floe_type_field_count(r->ptype);
    r->part_index = floe_calloc(n ? n : 1, sizeof(long));
    if (!r->part_index)
        return floe_error_set(FLOE_ENOMEM, "out of memory reading a manifest");
    const floe_avro_schema *part =
        r->d[FLOE_DF_PARTITION] >= 0
            ? floe_avro_schema_field_type(df, (size_t)r->d[FLOE_DF_PARTITION])
            : NULL;
    for (size_t i = 0; i < n; i++) {
        const floe_field *f = floe_type_field_at(r->ptype, i);
        r->part_index[i] = part ? field_index(part, floe_field_id(f), floe_field_name(f)) : -1;
        if (r->part_index[i] < 0)
            return floe_error_set(FLOE_ECORRUPT,
                                  "manifest '%s': partition struct lacks field '%s' (id %d)",
                                  r->location, floe_field_name(f), (int)floe_field_id(f));
    }
    return 0;
}

int floe_manifest_reader_open(floe_manifest_reader **out, floe_input_file *file,
                              const floe_manifest_file *manifest)
{
    *out = NULL;
    floe_manifest_reader *r = floe_calloc(1, sizeof(*r));
    if (!r)
        return floe_error_set(FLOE_ENOMEM, "out of memory reading a manifest");
    r->location = floe_strdup(file->location ? file->location : "(memory)");
    r->has_manifest = manifest != NULL;
    r->inherit_snapshot_id = manifest ? manifest->added_snapshot_id : -1;
    r->inherit_sequence = manifest ? manifest->sequence_number : -1;
    int rc = r->location ? 0 : floe_error_set(FLOE_ENOMEM, "out of memory reading a manifest");
    if (!rc)
        rc = floe_avro_reader_open(&r->ar, file, NULL);
    if (!rc)
        rc = read_header(r);
    if (!rc)
        rc = locate_fields(r);
    if (!rc)
        rc = floe_avro_value_new(&r->rec, floe_avro_reader_schema(r->ar));
    if (rc) {
        if (r->location)
            rc = floe_error_wrap(rc, "opening manifest '%s'", r->location);
        floe_manifest_reader_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

static int64_t opt_long(const floe_avro_value *rec, long idx, int *present)
{
    *present = 0;
    if (idx < 0)
        return -1;
    const floe_avro_value *v = floe_avro_value_field(rec, (size_t)idx);
    if (!v || floe_avro_value_is_null(v))
        return -1;
    *present = 1;
    return floe_avro_value_get_long(floe_avro_value_resolve(v));
}

/* An optional field's non-null value, or NULL. */
static const floe_avro_value *opt_value(const floe_avro_value *rec, long idx)
{
    if (idx < 0)
        return NULL;
    const floe_avro_value *v = floe_avro_value_field(rec, (size_t)idx);
    if (!v || floe_avro_value_is_null(v))
        return NULL;
    return floe_avro_value_resolve(v);
}

static int read_count_map(floe_data_file *df, const floe_avro_value *arr, int which)
{
    if (!arr)
        return 0;
    for (size_t i = 0; i < floe_avro_value_count(arr); i++) {
        const floe_avro_value *kv = floe_avro_value_resolve(floe_avro_value_item(arr, i));
        int32_t key = floe_avro_value_get_int(floe_avro_value_field(kv, 0));
        int64_t v = floe_avro_value_get_long(floe_avro_value_field(kv, 1));
        floe_column_metrics *m = floe_iceberg__data_file_metrics_slot(df, key);
        if (!m)
            return floe_error_set(FLOE_ENOMEM, "out of memory reading manifest metrics");
        if (which == 0)
            m->column_size = v;
        else if (which == 1)
            m->value_count = v;
        else if (which == 2)
            m->null_value_count = v;
        else
            m->nan_value_count = v;
    }
    return 0;
}

static int read_bound_map(floe_data_file *df, const floe_avro_value *arr, int upper)
{
    if (!arr)
        return 0;
    for (size_t i = 0; i < floe_avro_value_count(arr); i++) {
        const floe_avro_value *kv = floe_avro_value_resolve(floe_avro_value_item(arr, i));
        int32_t key = floe_avro_value_get_int(floe_avro_value_field(kv, 0));
        size_t len = 0;
        const uint8_t *b = floe_avro_value_get_bytes(floe_avro_value_field(kv, 1), &len);
        static const uint8_t empty[1] = {0};
        if (!b)
            b = empty;
        int rc = upper ? floe_data_file_set_bounds_bytes(df, key, NULL, 0, b, len)
                       : floe_data_file_set_bounds_bytes(df, key, b, len, NULL, 0);
        if (rc)
            return rc;
    }
    return 0;
}

static int build_data_file(floe_data_file **out, floe_manifest_reader *r, const floe_avro_value *d)
{
    int rc = 0;
    int32_t content =
        r->d[FLOE_DF_CONTENT] >= 0
            ? floe_avro_value_get_int(floe_avro_value_field(d, (size_t)r->d[FLOE_DF_CONTENT]))
            : 0;
    const char *path =
        floe_avro_value_get_string(floe_avro_value_field(d, (size_t)r->d[FLOE_DF_PATH]), NULL);
    const char *format =
        floe_avro_value_get_string(floe_avro_value_field(d, (size_t)r->d[FLOE_DF_FORMAT]), NULL);
    int64_t records =
        floe_avro_value_get_long(floe_avro_value_field(d, (size_t)r->d[FLOE_DF_RECORDS]));
    int64_t size = floe_avro_value_get_long(floe_avro_value_field(d, (size_t)r->d[FLOE_DF_SIZE]));
    rc = floe_data_file_new(out, (floe_file_content)content, path ? path : "", format ? format : "",
                            records, size);
    if (rc)
        return floe_error_wrap(rc == FLOE_ENOMEM ? rc : FLOE_ECORRUPT, "manifest '%s': entry %llu",
                               r->location,
                               (unsigned long long)floe_avro_reader_record_count(r->ar));
    floe_data_file *df = *out;
    size_t np = floe_type_field_count(r->ptype);
    floe_literal *part = floe_calloc(np ? np : 1, sizeof(*part));
    if (!part)
        return floe_error_set(FLOE_ENOMEM, "out of memory reading a manifest");
    const floe_avro_value *pv = floe_avro_value_field(d, (size_t)r->d[FLOE_DF_PARTITION]);
    for (size_t i = 0; !rc && i < np; i++) {
        const floe_field *f = floe_type_field_at(r->ptype, i);
        rc = floe_iceberg__literal_from_avro(
            &part[i], floe_avro_value_field(pv, (size_t)r->part_index[i]), floe_field_type(f));
    }
    floe_iceberg__data_file_take_partition(df, part, np);
    for (int which = 0; !rc && which < 4; which++)
        rc = read_count_map(df, opt_value(d, r->d[FLOE_DF_COLUMN_SIZES + which]), which);
    if (!rc)
        rc = read_bound_map(df, opt_value(d, r->d[FLOE_DF_LOWER]), 0);
    if (!rc)
        rc = read_bound_map(df, opt_value(d, r->d[FLOE_DF_UPPER]), 1);
    const floe_avro_value *v = NULL;
    if (!rc && (v = opt_value(d, r->d[FLOE_DF_KEY_METADATA]))) {
        size_t len = 0;
        const uint8_t *b = floe_avro_value_get_bytes(v, &len);
        static const uint8_t empty[1] = {0};
        rc = floe_data_file_set_key_metadata(df, b ? b : empty, len);
    }
    if (!rc && (v = opt_value(d, r->d[FLOE_DF_SPLITS]))) {
        size_t n = floe_avro_value_count(v);
        int64_t *offs = floe_calloc(n ? n : 1, sizeof(int64_t));
        if (!offs)
            return floe_error_set(FLOE_ENOMEM, "out of memory reading a manifest");
        for (size_t i = 0; i < n; i++)
            offs[i] = floe_avro_value_get_long(floe_avro_value_item(v, i));
        rc = floe_data_file_set_split_offsets(df, offs, n);
        floe_free(offs);
    }
    if (!rc && (v = opt_value(d, r->d[FLOE_DF_EQUALITY]))) {
        size_t n = floe_avro_value_count(v);
        int32_t *ids = floe_calloc(n ? n : 1, sizeof(int32_t));
        if (!ids)
            return floe_error_set(FLOE_ENOMEM, "out of memory reading a manifest");
        for (size_t i = 0; i < n; i++)
            ids[i] = floe_avro_value_get_int(floe_avro_value_item(v, i));
        rc = floe_data_file_set_equality_ids(df, ids, n);
        floe_free(ids);
    }
    if (!rc && (v = opt_value(d, r->d[FLOE_DF_SORT_ORDER])))
        df->sort_order_id = floe_avro_value_get_int(v);
    if (!rc && (v = opt_value(d, r->d[FLOE_DF_REFERENCED])))
        rc = floe_data_file_set_referenced_data_file(df, floe_avro_value_get_string(v, NULL));
    return rc;
}

int floe_manifest_reader_next(int *has_entry, floe_manifest_entry *entry, floe_manifest_reader *r)
{
    *has_entry = 0;
    int rc = floe_avro_reader_next(has_entry, r->ar, r->rec);
    if (rc || !*has_entry)
        return rc;
    floe_data_file_free(r->current);
    r->current = NULL;
    const floe_avro_value *rec = r->rec;
    int32_t status = floe_avro_value_get_int(floe_avro_value_field(rec, (size_t)r->e_status));
    if (status < 0 || status > 2) {
        *has_entry = 0;
        return floe_error_set(FLOE_ECORRUPT, "manifest '%s': entry %llu has status %d", r->location,
                              (unsigned long long)floe_avro_reader_record_count(r->ar), status);
    }
    rc = build_data_file(&r->current, r, floe_avro_value_field(rec, (size_t)r->e_data_file));
    if (rc) {
        *has_entry = 0;
        return rc;
    }
    int present = 0;
    entry->status = (floe_manifest_status)status;
    entry->snapshot_id = opt_long(rec, r->e_snapshot, &present);
    if (!present)
        entry->snapshot_id = r->inherit_snapshot_id;
    if (r->e_seq < 0) {
        /* v1 manifests have no sequence numbers: they read as 0 */
        entry->sequence_number = 0;
        entry->file_sequence_number = 0;
    } else {
        entry->sequence_number = opt_long(rec, r->e_seq, &present);
        if (!present && status == FLOE_ENTRY_ADDED)
            entry->sequence_number = r->inherit_sequence;
        entry->file_sequence_number = opt_long(rec, r->e_file_seq, &present);
        if (!present && status == FLOE_ENTRY_ADDED)
            entry->file_sequence_number = r->inherit_sequence;
    }
    entry->data_file = r->current;
    return 0;
}

int floe_manifest_reader_format_version(const floe_manifest_reader *r)
{
    return r->format_version;
}

floe_manifest_content floe_manifest_reader_content(const floe_manifest_reader *r)
{
    return r->content;
}

const floe_schema *floe_manifest_reader_schema(const floe_manifest_reader *r)
{
    return r->schema;
}

const floe_partition_spec *floe_manifest_reader_spec(const floe_manifest_reader *r)
{
    return r->spec;
}

const char *floe_manifest_reader_meta(const floe_manifest_reader *r, const char *key)
{
    return floe_avro_reader_meta(r->ar, key);
}
