/* Manifest lists: writing v2 manifest_file records, reading v1 and v2 ones. */
#include <floe/iceberg/manifest_list.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <floe/avro.h>
#include <floe/error.h>

#include "base/alloc.h"
#include "iceberg/manifest_schema.h"

enum {
    L_PATH,
    L_LENGTH,
    L_SPEC_ID,
    L_CONTENT,
    L_SEQ,
    L_MIN_SEQ,
    L_SNAPSHOT,
    L_ADDED_FILES,
    L_EXISTING_FILES,
    L_DELETED_FILES,
    L_ADDED_ROWS,
    L_EXISTING_ROWS,
    L_DELETED_ROWS,
    L_PARTITIONS,
    L_KEY_METADATA,
    L_COUNT
};

static const struct {
    int64_t id;
    const char *name;
} list_fields[L_COUNT] = {
    {500, "manifest_path"},        {501, "manifest_length"},
    {502, "partition_spec_id"},    {517, "content"},
    {515, "sequence_number"},      {516, "min_sequence_number"},
    {503, "added_snapshot_id"},    {504, "added_files_count"},
    {505, "existing_files_count"}, {506, "deleted_files_count"},
    {512, "added_rows_count"},     {513, "existing_rows_count"},
    {514, "deleted_rows_count"},   {507, "partitions"},
    {519, "key_metadata"},
};

struct floe_manifest_list_writer {
    floe_output_file *file;
    floe_avro_writer *aw;
    floe_avro_schema *schema;
    floe_avro_value *rec;
    int64_t snapshot_id;
    int64_t sequence_number;
    int finished;
};

void floe_manifest_list_writer_free(floe_manifest_list_writer *w)
{
    if (!w)
        return;
    if (!w->finished)
        floe_output_abort(w->file);
    floe_avro_writer_free(w->aw);
    floe_avro_value_free(w->rec);
    floe_avro_schema_free(w->schema);
    floe_free(w);
}

int floe_manifest_list_writer_new(floe_manifest_list_writer **out, floe_output_file *file,
                                  int64_t snapshot_id, int64_t parent_snapshot_id,
                                  int64_t sequence_number, int codec)
{
    *out = NULL;
    floe_manifest_list_writer *w = floe_calloc(1, sizeof(*w));
    if (!w) {
        floe_output_abort(file);
        return floe_error_set(FLOE_ENOMEM, "out of memory writing a manifest list");
    }
    w->file = file;
    w->snapshot_id = snapshot_id;
    w->sequence_number = sequence_number;
    int rc = floe_iceberg__manifest_list_schema(&w->schema);
    if (!rc)
        rc = floe_avro_value_new(&w->rec, w->schema);
    if (!rc) {
        floe_avro_writer_options ao = FLOE_AVRO_WRITER_OPTIONS_INIT;
        ao.codec = (floe_avro_codec)codec;
        rc = floe_avro_writer_new(&w->aw, file, w->schema, &ao);
    }
    char num[32];
    snprintf(num, sizeof(num), "%" PRId64, snapshot_id);
    if (!rc)
        rc = floe_avro_writer_set_meta_string(w->aw, "snapshot-id", num);
    if (parent_snapshot_id >= 0)
        snprintf(num, sizeof(num), "%" PRId64, parent_snapshot_id);
    else
        snprintf(num, sizeof(num), "null");
    if (!rc)
        rc = floe_avro_writer_set_meta_string(w->aw, "parent-snapshot-id", num);
    snprintf(num, sizeof(num), "%" PRId64, sequence_number);
    if (!rc)
        rc = floe_avro_writer_set_meta_string(w->aw, "sequence-number", num);
    if (!rc)
        rc = floe_avro_writer_set_meta_string(w->aw, "format-version", "2");
    if (rc) {
        /* wrap first: freeing the writer aborts (and frees) the output file */
        rc = floe_error_wrap(rc, "starting manifest list '%s'",
                             file->location ? file->location : "");
        floe_manifest_list_writer_free(w);
        return rc;
    }
    *out = w;
    return 0;
}

static int set_opt_bytes(floe_avro_value *field, const uint8_t *b, size_t len)
{
    floe_avro_value *inner = NULL;
    int rc = floe_avro_value_set_optional(&inner, field, b != NULL);
    if (!rc && b)
        rc = floe_avro_value_set_bytes(inner, b, len);
    return rc;
}

int floe_manifest_list_writer_add(floe_manifest_list_writer *w, const floe_manifest_file *m)
{
    if (w->finished)
        return floe_error_set(FLOE_EINVALID, "manifest list is already finished");
    if (!m->path || m->length < 0 || m->added_files_count < 0 || m->existing_files_count < 0 ||
        m->deleted_files_count < 0 || m->added_rows_count < 0 || m->existing_rows_count < 0 ||
        m->deleted_rows_count < 0)
        return floe_error_set(FLOE_EINVALID,
                              "manifest '%s': v2 manifest lists need the path, length and every "
                              "file and row count",
                              m->path ? m->path : "(null)");
    /* the (optimistic) sequence number of the snapshot goes to every new manifest */
    int64_t seq = m->sequence_number >= 0 ? m->sequence_number : w->sequence_number;
    int64_t min_seq = m->min_sequence_number >= 0 ? m->min_sequence_number : seq;
    int64_t added_by = m->added_snapshot_id >= 0 ? m->added_snapshot_id : w->snapshot_id;
    floe_avro_value *r = w->rec;
    int rc = floe_avro_value_set_string(floe_avro_value_field(r, L_PATH), m->path);
    if (!rc)
        rc = floe_avro_value_set_long(floe_avro_value_field(r, L_LENGTH), m->length);
    if (!rc)
        rc = floe_avro_value_set_int(floe_avro_value_field(r, L_SPEC_ID), m->partition_spec_id);
    if (!rc)
        rc = floe_avro_value_set_int(floe_avro_value_field(r, L_CONTENT), (int32_t)m->content);
    if (!rc)
        rc = floe_avro_value_set_long(floe_avro_value_field(r, L_SEQ), seq);
    if (!rc)
        rc = floe_avro_value_set_long(floe_avro_value_field(r, L_MIN_SEQ), min_seq);
    if (!rc)
        rc = floe_avro_value_set_long(floe_avro_value_field(r, L_SNAPSHOT), added_by);
    if (!rc)
        rc = floe_avro_value_set_int(floe_avro_value_field(r, L_ADDED_FILES), m->added_files_count);
    if (!rc)
        rc = floe_avro_value_set_int(floe_avro_value_field(r, L_EXISTING_FILES),
                                     m->existing_files_count);
    if (!rc)
        rc = floe_avro_value_set_int(floe_avro_value_field(r, L_DELETED_FILES),
                                     m->deleted_files_count);
    if (!rc)
        rc = floe_avro_value_set_long(floe_avro_value_field(r, L_ADDED_ROWS), m->added_rows_count);
    if (!rc)
        rc = floe_avro_value_set_long(floe_avro_value_field(r, L_EXISTING_ROWS),
                                      m->existing_rows_count);
    if (!rc)
        rc = floe_avro_value_set_long(floe_avro_value_field(r, L_DELETED_ROWS),
                                      m->deleted_rows_count);
    floe_avro_value *parts = NULL;
    if (!rc)
        rc = floe_avro_value_set_optional(&parts, floe_avro_value_field(r, L_PARTITIONS),
                                          m->partitions != NULL);
    if (!rc && m->partitions) {
        floe_avro_value_clear(parts);
        for (size_t i = 0; !rc && i < m->partition_count; i++) {
            const floe_partition_field_summary *s = &m->partitions[i];
            floe_avro_value *item = NULL, *nan = NULL;
            rc = floe_avro_value_append(&item, parts);
            if (!rc)
                rc = floe_avro_value_set_boolean(floe_avro_value_field(item, 0), s->contains_null);
            if (!rc)
                rc = floe_avro_value_set_optional(&nan, floe_avro_value_field(item, 1),
                                                  s->contains_nan >= 0);
            if (!rc && s->contains_nan >= 0)
                rc = floe_avro_value_set_boolean(nan, s->contains_nan);
            if (!rc)
                rc = set_opt_bytes(floe_avro_value_field(item, 2), s->lower_bound,
                                   s->lower_bound_len);
            if (!rc)
                rc = set_opt_bytes(floe_avro_value_field(item, 3), s->upper_bound,
                                   s->upper_bound_len);
        }
    }
    if (!rc)
        rc = set_opt_bytes(floe_avro_value_field(r, L_KEY_METADATA), m->key_metadata,
                           m->key_metadata_len);
    if (!rc)
        rc = floe_avro_writer_append(w->aw, r);
    if (rc)
        return floe_error_wrap(rc, "adding manifest '%s' to a manifest list", m->path);
    return 0;
}

int floe_manifest_list_writer_finish(floe_manifest_list_writer *w, uint64_t *length)
{
    if (w->finished)
        return floe_error_set(FLOE_EINVALID, "manifest list is already finished");
    uint64_t len = 0;
    int rc = floe_avro_writer_finish(w->aw, &len);
    if (rc)
        return rc;
    w->finished = 1;
    rc = floe_output_commit(w->file);
    w->file = NULL;
    if (rc)
        return rc;
    if (length)
        *length = len;
    return 0;
}

struct floe_manifest_list {
    floe_manifest_file **items;
    size_t count;
    char **meta_keys;
    char **meta_values;
    size_t meta_count;
};

void floe_manifest_list_free(floe_manifest_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->count; i++)
        floe_manifest_file_free(l->items[i]);
    floe_free(l->items);
    for (size_t i = 0; i < l->meta_count; i++) {
        floe_free(l->meta_keys[i]);
        floe_free(l->meta_values[i]);
    }
    floe_free(l->meta_keys);
    floe_free(l->meta_values);
    floe_free(l);
}

static const floe_avro_value *opt(const floe_avro_value *rec, long idx)
{
    if (idx < 0)
        return NULL;
    const floe_avro_value *v = floe_avro_value_field(rec, (size_t)idx);
    if (!v || floe_avro_value_is_null(v))
        return NULL;
    return floe_avro_value_resolve(v);
}

static uint8_t *copy_bytes(const floe_avro_value *v, size_t *len, int *fail)
{
    *len = 0;
    if (!v)
        return NULL;
    const uint8_t *b = floe_avro_value_get_bytes(v, len);
    uint8_t *d = floe_malloc(*len ? *len : 1);
    if (!d) {
        *fail = 1;
        return NULL;
    }
    if (*len)
        memcpy(d, b, *len);
    return d;
}

static int read_record(floe_manifest_file **out, const floe_avro_value *r, const long *idx)
{
    floe_manifest_file *m = floe_calloc(1, sizeof(*m));
    if (!m)
        return floe_error_set(FLOE_ENOMEM, "out of memory reading a manifest list");
    const floe_avro_value *v;
    m->version = FLOE_MANIFEST_FILE_VERSION;
    m->path = floe_strdup(floe_avro_value_get_string(opt(r, idx[L_PATH]), NULL));
    m->length = (v = opt(r, idx[L_LENGTH])) ? floe_avro_value_get_long(v) : -1;
    m->partition_spec_id = (v = opt(r, idx[L_SPEC_ID])) ? floe_avro_value_get_int(v) : 0;
    m->content = (v = opt(r, idx[L_CONTENT])) ? (floe_manifest_content)floe_avro_value_get_int(v)
                                              : FLOE_MANIFEST_DATA;
    /* v1 lists have no sequence numbers: read them as 0 */
    m->sequence_number = (v = opt(r, idx[L_SEQ])) ? floe_avro_value_get_long(v) : 0;
    m->min_sequence_number = (v = opt(r, idx[L_MIN_SEQ])) ? floe_avro_value_get_long(v) : 0;
    m->added_snapshot_id = (v = opt(r, idx[L_SNAPSHOT])) ? floe_avro_value_get_long(v) : -1;
    m->added_files_count = (v = opt(r, idx[L_ADDED_FILES])) ? floe_avro_value_get_int(v) : -1;
    m->existing_files_count = (v = opt(r, idx[L_EXISTING_FILES])) ? floe_avro_value_get_int(v) : -1;
    m->deleted_files_count = (v = opt(r, idx[L_DELETED_FILES])) ? floe_avro_value_get_int(v) : -1;
    m->added_rows_count = (v = opt(r, idx[L_ADDED_ROWS])) ? floe_avro_value_get_long(v) : -1;
    m->existing_rows_count = (v = opt(r, idx[L_EXISTING_ROWS])) ? floe_avro_value_get_long(v) : -1;
    m->deleted_rows_count = (v = opt(r, idx[L_DELETED_ROWS])) ? floe_avro_value_get_long(v) : -1;
    int fail = !m->path;
    const floe_avro_value *parts = opt(r, idx[L_PARTITIONS]);
    if (!fail && parts) {
        size_t n = floe_avro_value_count(parts);
        m->partitions = floe_calloc(n ? n : 1, sizeof(*m->partitions));
        fail = !m->partitions;
        for (size_t i = 0; !fail && i < n; i++) {
            const floe_avro_value *item = floe_avro_value_resolve(floe_avro_value_item(parts, i));
            floe_partition_field_summary *s = &m->partitions[i];
            s->contains_null = floe_avro_value_get_boolean(floe_avro_value_field(item, 0)) != 0;
            const floe_avro_value *nan = opt(item, 1);
            s->contains_nan = nan ? floe_avro_value_get_boolean(nan) != 0 : -1;
            s->lower_bound = copy_bytes(opt(item, 2), &s->lower_bound_len, &fail);
            s->upper_bound = copy_bytes(opt(item, 3), &s->upper_bound_len, &fail);
            m->partition_count++;
        }
    }
    if (!fail)
        m->key_metadata = copy_bytes(opt(r, idx[L_KEY_METADATA]), &m->key_metadata_len, &fail);
    if (fail) {
        floe_manifest_file_free(m);
        return floe_error_set(FLOE_ENOMEM, "out of memory reading a manifest list");
    }
    *out = m;
    return 0;
}

int floe_manifest_list_read(floe_manifest_list **out, floe_input_file *file)
{
    *out = NULL;
    const char *loc = file->location ? file->location : "(memory)";
    floe_avro_reader *ar = NULL;
    floe_avro_value *rec = NULL;
    floe_manifest_list *l = floe_calloc(1, sizeof(*l));
    if (!l)
        return floe_error_set(FLOE_ENOMEM, "out of memory reading a manifest list");
    int rc = floe_avro_reader_open(&ar, file, NULL);
    const floe_avro_schema *s = rc ? NULL : floe_avro_reader_schema(ar);
    long idx[L_COUNT];
    if (!rc && floe_avro_schema_type(s) != FLOE_AVRO_RECORD)
        rc =
            floe_error_set(FLOE_ECORRUPT, "manifest list '%s': records are not manifest_file", loc);
    for (int i = 0; !rc && i < L_COUNT; i++) {
        idx[i] = floe_avro_schema_field_index_by_id(s, list_fields[i].id);
        if (idx[i] < 0)
            idx[i] = floe_avro_schema_field_index(s, list_fields[i].name);
    }
    if (!rc && (idx[L_PATH] < 0 || idx[L_LENGTH] < 0))
        rc = floe_error_set(FLOE_ECORRUPT,
                            "manifest list '%s': records lack manifest_path or manifest_length",
                            loc);
    if (!rc) {
        size_t n = floe_avro_reader_meta_count(ar);
        l->meta_keys = floe_calloc(n ? n : 1, sizeof(char *));
        l->meta_values = floe_calloc(n ? n : 1, sizeof(char *));
        if (!l->meta_keys || !l->meta_values)
            rc = floe_error_set(FLOE_ENOMEM, "out of memory reading a manifest list");
        for (size_t i = 0; !rc && i < n; i++) {
            size_t len = 0;
            const uint8_t *val = floe_avro_reader_meta_value(ar, i, &len);
            l->meta_keys[i] = floe_strdup(floe_avro_reader_meta_key(ar, i));
            l->meta_values[i] = floe_strndup((const char *)val, len);
            l->meta_count++;
            if (!l->meta_keys[i] || !l->meta_values[i])
                rc = floe_error_set(FLOE_ENOMEM, "out of memory reading a manifest list");
        }
    }
    if (!rc)
        rc = floe_avro_value_new(&rec, s);
    while (!rc) {
        int has = 0;
        rc = floe_avro_reader_next(&has, ar, rec);
        if (rc || !has)
            break;
        floe_manifest_file **grown = floe_realloc(l->items, (l->count + 1) * sizeof(*grown));
        if (!grown) {
            rc = floe_error_set(FLOE_ENOMEM, "out of memory reading a manifest list");
            break;
        }
        l->items = grown;
        rc = read_record(&l->items[l->count], rec, idx);
        if (!rc)
            l->count++;
    }
    floe_avro_value_free(rec);
    floe_avro_reader_free(ar);
    if (rc) {
        floe_manifest_list_free(l);
        return floe_error_wrap(rc, "reading manifest list '%s'", loc);
    }
    *out = l;
    return 0;
}

size_t floe_manifest_list_count(const floe_manifest_list *l)
{
    return l->count;
}

const floe_manifest_file *floe_manifest_list_at(const floe_manifest_list *l, size_t i)
{
    return i < l->count ? l->items[i] : NULL;
}

const char *floe_manifest_list_meta(const floe_manifest_list *l, const char *key)
{
    for (size_t i = 0; i < l->meta_count; i++)
        if (strcmp(l->meta_keys[i], key) == 0)
            return l->meta_values[i];
    return NULL;
}
