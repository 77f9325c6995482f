/* Data files as tracked by manifests: construction, metrics, bounds in Appendix D form. */
#include "iceberg/data_file_internal.h"

#include <math.h>
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"

static int oom(void)
{
    return floe_error_set(FLOE_ENOMEM, "out of memory building a data file");
}

int floe_data_file_new(floe_data_file **out, floe_file_content content, const char *path,
                       const char *format, int64_t record_count, int64_t file_size)
{
    *out = NULL;
    if (!path || !*path || !format)
        return floe_error_set(FLOE_EINVALID, "data file: a path and a format are required");
    if (content < FLOE_CONTENT_DATA || content > FLOE_CONTENT_EQUALITY_DELETES)
        return floe_error_set(FLOE_EINVALID, "data file '%s': content %d is not 0, 1 or 2", path,
                              (int)content);
    if (record_count < 0 || file_size < 0)
        return floe_error_set(FLOE_EINVALID,
                              "data file '%s': record count and size must not be negative", path);
    floe_data_file *df = floe_calloc(1, sizeof(*df));
    if (!df)
        return oom();
    df->content = content;
    df->path = floe_strdup(path);
    df->format = floe_strdup(format);
    df->record_count = record_count;
    df->file_size = file_size;
    df->sort_order_id = -1;
    if (!df->path || !df->format) {
        floe_data_file_free(df);
        return oom();
    }
    *out = df;
    return 0;
}

void floe_data_file_free(floe_data_file *df)
{
    if (!df)
        return;
    floe_free(df->path);
    floe_free(df->format);
    for (size_t i = 0; i < df->partition_count; i++)
        floe_literal_clear(&df->partition[i]);
    floe_free(df->partition);
    for (size_t i = 0; i < df->metrics_count; i++) {
        floe_free((void *)df->metrics[i].lower_bound);
        floe_free((void *)df->metrics[i].upper_bound);
    }
    floe_free(df->metrics);
    floe_free(df->key_metadata);
    floe_free(df->split_offsets);
    floe_free(df->equality_ids);
    floe_free(df->referenced_data_file);
    floe_free(df);
}

static void *dup_bytes(const void *p, size_t n)
{
    void *d = floe_malloc(n ? n : 1);
    if (d && n)
        memcpy(d, p, n);
    return d;
}

int floe_data_file_copy(floe_data_file **out, const floe_data_file *src)
{
    floe_data_file *df = NULL;
    int rc = floe_data_file_new(&df, src->content, src->path, src->format, src->record_count,
                                src->file_size);
    if (rc)
        return rc;
    rc = floe_data_file_set_partition(df, src->partition, src->partition_count);
    for (size_t i = 0; !rc && i < src->metrics_count; i++) {
        const floe_column_metrics *m = &src->metrics[i];
        rc = floe_data_file_set_column_metrics(df, m->field_id, m->column_size, m->value_count,
                                               m->null_value_count, m->nan_value_count);
        if (!rc)
            rc =
                floe_data_file_set_bounds_bytes(df, m->field_id, m->lower_bound, m->lower_bound_len,
                                                m->upper_bound, m->upper_bound_len);
    }
    if (!rc && src->key_metadata)
        rc = floe_data_file_set_key_metadata(df, src->key_metadata, src->key_metadata_len);
    if (!rc && src->has_split_offsets)
        rc = floe_data_file_set_split_offsets(df, src->split_offsets, src->split_count);
    if (!rc && src->has_equality_ids)
        rc = floe_data_file_set_equality_ids(df, src->equality_ids, src->equality_count);
    df->sort_order_id = src->sort_order_id;
    if (!rc && src->referenced_data_file)
        rc = floe_data_file_set_referenced_data_file(df, src->referenced_data_file);
    if (rc) {
        floe_data_file_free(df);
        return rc;
    }
    *out = df;
    return 0;
}

void floe_iceberg__data_file_take_partition(floe_data_file *df, floe_literal *values, size_t count)
{
    for (size_t i = 0; i < df->partition_count; i++)
        floe_literal_clear(&df->partition[i]);
    floe_free(df->partition);
    df->partition = values;
    df->partition_count = count;
}

int floe_data_file_set_partition(floe_data_file *df, const floe_literal *values, size_t count)
{
    floe_literal *copy = floe_calloc(count ? count : 1, sizeof(*copy));
    if (!copy)
        return oom();
    for (size_t i = 0; i < count; i++) {
        int rc = floe_literal_copy(&copy[i], &values[i]);
        if (rc) {
            for (size_t j = 0; j < i; j++)
                floe_literal_clear(&copy[j]);
            floe_free(copy);
            return rc;
        }
    }
    floe_iceberg__data_file_take_partition(df, copy, count);
    return 0;
}

floe_column_metrics *floe_iceberg__data_file_metrics_slot(floe_data_file *df, int32_t field_id)
{
    size_t pos = 0;
    while (pos < df->metrics_count && df->metrics[pos].field_id < field_id)
        pos++;
    if (pos < df->metrics_count && df->metrics[pos].field_id == field_id)
        return &df->metrics[pos];
    floe_column_metrics *grown =
        floe_realloc(df->metrics, (df->metrics_count + 1) * sizeof(*grown));
    if (!grown)
        return NULL;
    df->metrics = grown;
    memmove(&grown[pos + 1], &grown[pos], (df->metrics_count - pos) * sizeof(*grown));
    df->metrics_count++;
    floe_column_metrics empty = {field_id, -1, -1, -1, -1, NULL, 0, NULL, 0};
    grown[pos] = empty;
    return &grown[pos];
}

int floe_data_file_set_column_metrics(floe_data_file *df, int32_t field_id, int64_t column_size,
                                      int64_t value_count, int64_t null_value_count,
                                      int64_t nan_value_count)
{
    floe_column_metrics *m = floe_iceberg__data_file_metrics_slot(df, field_id);
    if (!m)
        return oom();
    m->column_size = column_size;
    m->value_count = value_count;
    m->null_value_count = null_value_count;
    m->nan_value_count = nan_value_count;
    return 0;
}

static int set_side(const uint8_t **slot, size_t *slot_len, const uint8_t *data, size_t len)
{
    uint8_t *copy = dup_bytes(data, len);
    if (!copy)
        return oom();
    floe_free((void *)*slot);
    *slot = copy;
    *slot_len = len;
    return 0;
}

int floe_data_file_set_bounds_bytes(floe_data_file *df, int32_t field_id, const uint8_t *lower,
                                    size_t lower_len, const uint8_t *upper, size_t upper_len)
{
    floe_column_metrics *m = floe_iceberg__data_file_metrics_slot(df, field_id);
    if (!m)
        return oom();
    int rc = 0;
    if (lower)
        rc = set_side(&m->lower_bound, &m->lower_bound_len, lower, lower_len);
    if (!rc && upper)
        rc = set_side(&m->upper_bound, &m->upper_bound_len, upper, upper_len);
    return rc;
}

static int is_nan(const floe_literal *l)
{
    return (l->kind == FLOE_TYPE_FLOAT && isnan(l->v.f32)) ||
           (l->kind == FLOE_TYPE_DOUBLE && isnan(l->v.f64));
}

static int truncatable(const floe_literal *l)
{
    return l->kind == FLOE_TYPE_STRING || l->kind == FLOE_TYPE_BINARY;
}

/* Encodes one bound (after truncation) and stores it; *dropped set when no bound exists. */
static int set_bound(floe_data_file *df, int32_t field_id, const floe_literal *v, size_t trunc,
                     int upper)
{
    if (v->is_null)
        return floe_error_set(FLOE_EINVALID, "data file '%s': a null bound for field %d", df->path,
                              (int)field_id);
    if (is_nan(v))
        return floe_error_set(FLOE_EINVALID,
                              "data file '%s': NaN is not allowed as a bound (field %d)", df->path,
                              (int)field_id);
    floe_literal t = floe_literal_null(v->kind);
    const floe_literal *use = v;
    int rc = 0;
    if (trunc > 0 && truncatable(v)) {
        if (upper) {
            bool has = false;
            rc = floe_literal_truncate_upper(&t, &has, v, trunc);
            if (!rc && !has) {
                floe_literal_clear(&t);
                return 0; /* no upper bound of that length: leave it out, as the spec allows */
            }
        } else {
            rc = floe_literal_truncate_lower(&t, v, trunc);
        }
        if (rc)
            return rc;
        use = &t;
    }
    uint8_t *bytes = NULL;
    size_t len = 0;
    rc = floe_literal_to_bytes(&bytes, &len, use);
    floe_literal_clear(&t);
    if (rc)
        return rc;
    rc = upper ? floe_data_file_set_bounds_bytes(df, field_id, NULL, 0, bytes, len)
               : floe_data_file_set_bounds_bytes(df, field_id, bytes, len, NULL, 0);
    floe_iceberg_free_bytes(bytes);
    return rc;
}

int floe_data_file_set_bounds(floe_data_file *df, int32_t field_id, const floe_literal *lower,
                              const floe_literal *upper, size_t truncate_length)
{
    int rc = 0;
    if (lower)
        rc = set_bound(df, field_id, lower, truncate_length, 0);
    if (!rc && upper)
        rc = set_bound(df, field_id, upper, truncate_length, 1);
    return rc;
}

int floe_data_file_set_key_metadata(floe_data_file *df, const uint8_t *data, size_t len)
{
    uint8_t *copy = dup_bytes(data, len);
    if (!copy)
        return oom();
    floe_free(df->key_metadata);
    df->key_metadata = copy;
    df->key_metadata_len = len;
    return 0;
}

int floe_data_file_set_split_offsets(floe_data_file *df, const int64_t *offsets, size_t count)
{
    for (size_t i = 1; i < count; i++)
        if (offsets[i] < offsets[i - 1])
            return floe_error_set(FLOE_EINVALID,
                                  "data file '%s': split offsets must be ascending (offset %zu)",
                                  df->path, i);
    size_t bytes = 0;
    if (floe_mul_size(count, sizeof(int64_t), &bytes) != 0)
        return oom();
    int64_t *copy = dup_bytes(offsets, bytes);
    if (!copy)
        return oom();
    floe_free(df->split_offsets);
    df->split_offsets = copy;
    df->split_count = count;
    df->has_split_offsets = 1;
    return 0;
}

int floe_data_file_set_equality_ids(floe_data_file *df, const int32_t *ids, size_t count)
{
    size_t bytes = 0;
    if (floe_mul_size(count, sizeof(int32_t), &bytes) != 0)
        return oom();
    int32_t *copy = dup_bytes(ids, bytes);
    if (!copy)
        return oom();
    floe_free(df->equality_ids);
    df->equality_ids = copy;
    df->equality_count = count;
    df->has_equality_ids = 1;
    return 0;
}

int floe_data_file_set_referenced_data_file(floe_data_file *df, const char *location)
{
    char *copy = NULL;
    if (location && !(copy = floe_strdup(location)))
        return oom();
    floe_free(df->referenced_data_file);
    df->referenced_data_file = copy;
    return 0;
}

const char *floe_data_file_referenced_data_file(const floe_data_file *df)
{
    return df->referenced_data_file;
}

void floe_data_file_set_sort_order_id(floe_data_file *df, int32_t sort_order_id)
{
    df->sort_order_id = sort_order_id;
}

floe_file_content floe_data_file_content(const floe_data_file *df)
{
    return df->content;
}

const char *floe_data_file_path(const floe_data_file *df)
{
    return df->path;
}

const char *floe_data_file_format(const floe_data_file *df)
{
    return df->format;
}

int64_t floe_data_file_record_count(const floe_data_file *df)
{
    return df->record_count;
}

int64_t floe_data_file_size(const floe_data_file *df)
{
    return df->file_size;
}

size_t floe_data_file_partition_count(const floe_data_file *df)
{
    return df->partition_count;
}

const floe_literal *floe_data_file_partition(const floe_data_file *df, size_t i)
{
    return i < df->partition_count ? &df->partition[i] : NULL;
}

size_t floe_data_file_metrics_count(const floe_data_file *df)
{
    return df->metrics_count;
}

const floe_column_metrics *floe_data_file_metrics_at(const floe_data_file *df, size_t i)
{
    return i < df->metrics_count ? &df->metrics[i] : NULL;
}

const floe_column_metrics *floe_data_file_metrics(const floe_data_file *df, int32_t field_id)
{
    for (size_t i = 0; i < df->metrics_count; i++)
        if (df->metrics[i].field_id == field_id)
            return &df->metrics[i];
    return NULL;
}

const uint8_t *floe_data_file_key_metadata(const floe_data_file *df, size_t *len)
{
    *len = df->key_metadata_len;
    return df->key_metadata;
}

const int64_t *floe_data_file_split_offsets(const floe_data_file *df, size_t *count)
{
    *count = df->split_count;
    return df->has_split_offsets ? df->split_offsets : NULL;
}

const int32_t *floe_data_file_equality_ids(const floe_data_file *df, size_t *count)
{
    *count = df->equality_count;
    return df->has_equality_ids ? df->equality_ids : NULL;
}

int32_t floe_data_file_sort_order_id(const floe_data_file *df)
{
    return df->sort_order_id;
}
