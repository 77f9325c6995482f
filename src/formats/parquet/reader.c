/* The Parquet reader's public face: opening a file (footer), schema, and the batch stream. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <floe/error.h>
#include <floe/parquet/reader.h>

#include "base/alloc.h"
#include "formats/parquet/reader_internal.h"

#define DEFAULT_BATCH ((int64_t)65536)
/* Footers beyond this are refused: real footers are kilobytes to a few megabytes. */
#define MAX_FOOTER ((uint64_t)256 << 20)

static int open_footer(floe_parquet_reader *r)
{
    uint64_t size = 0;
    int rc = floe_input_size(&size, r->file);
    if (rc)
        return rc;
    r->file_size = size;
    const char *loc = r->file->location ? r->file->location : "(input)";
    if (size < 12)
        return floe_error_set(FLOE_ECORRUPT,
                              "'%s' is not a Parquet file: %llu bytes is too small (byte offset "
                              "0)",
                              loc, (unsigned long long)size);
    uint8_t tail[8], head[4];
    if ((rc = floe_input_read_exact(r->file, size - 8, tail, 8)) != 0 ||
        (rc = floe_input_read_exact(r->file, 0, head, 4)) != 0)
        return rc;
    if (memcmp(tail + 4, "PARE", 4) == 0)
        return floe_error_set(FLOE_EUNSUPPORTED, "'%s' has an encrypted footer", loc);
    if (memcmp(tail + 4, "PAR1", 4) != 0)
        return floe_error_set(FLOE_ECORRUPT,
                              "'%s' is not a Parquet file: no PAR1 magic at byte offset %llu", loc,
                              (unsigned long long)(size - 4));
    if (memcmp(head, "PAR1", 4) != 0)
        return floe_error_set(FLOE_ECORRUPT,
                              "'%s' is not a Parquet file: no PAR1 magic at byte offset 0", loc);
    uint32_t flen = (uint32_t)tail[0] | ((uint32_t)tail[1] << 8) | ((uint32_t)tail[2] << 16) |
                    ((uint32_t)tail[3] << 24);
    if ((uint64_t)flen > size - 12 || flen > MAX_FOOTER)
        return floe_error_set(FLOE_ECORRUPT,
                              "'%s': footer length %u does not fit in the file (%llu bytes; "
                              "byte offset %llu)",
                              loc, flen, (unsigned long long)size, (unsigned long long)(size - 8));
    uint64_t at = size - 8 - flen;
    uint8_t *buf = floe_malloc(flen ? flen : 1);
    if (!buf)
        return floe_error_set(FLOE_ENOMEM, "out of memory reading a %u-byte footer", flen);
    rc = floe_input_read_exact(r->file, at, buf, flen);
    if (rc == 0)
        rc = floe_parquet__file_metadata_decode(&r->md, buf, flen, at);
    floe_free(buf);
    if (rc)
        return floe_error_wrap(rc, "reading the footer of '%s'", loc);
    if (r->md->is_encrypted)
        return floe_error_set(FLOE_EUNSUPPORTED, "'%s' is encrypted", loc);
    return 0;
}

int floe_parquet_reader_open(floe_parquet_reader **out, floe_input_file *file,
                             const floe_parquet_reader_options *options)
{
    *out = NULL;
    if (!file)
        return floe_error_set(FLOE_EINVALID, "floe_parquet_reader_open: file is NULL");
    if (options && options->version != FLOE_PARQUET_READER_OPTIONS_VERSION)
        return floe_error_set(FLOE_EVERSION, "floe_parquet_reader_options version %u is not %u",
                              options->version, FLOE_PARQUET_READER_OPTIONS_VERSION);
    floe_parquet_reader *r = floe_calloc(1, sizeof(*r));
    if (!r)
        return floe_error_set(FLOE_ENOMEM, "out of memory opening a Parquet file");
    r->file = file;
    r->batch_size = options && options->batch_size > 0 ? options->batch_size : DEFAULT_BATCH;
    r->predicate = options ? options->predicate : NULL;
    r->split_offset = options ? options->split_offset : 0;
    r->split_length = options ? options->split_length : 0;
    int rc = open_footer(r);
    if (rc == 0)
        rc = floe_parquet__schema_build(&r->schema, r->md);
    if (rc == 0)
        rc = floe_parquet__schema_project(&r->schema, options);
    for (uint32_t i = 0; rc == 0 && i < r->md->num_row_groups; i++) {
        const floe_parquet_row_group *rg = &r->md->row_groups[i];
        if (rg->num_columns != r->schema.num_leaves)
            rc = floe_error_set(FLOE_ECORRUPT, "row group %u has %u columns but the schema has %zu",
                                i, rg->num_columns, r->schema.num_leaves);
        else if (rg->num_rows < 0)
            rc = floe_error_set(FLOE_ECORRUPT, "row group %u has a negative row count", i);
    }
    if (rc) {
        floe_parquet_reader_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void floe_parquet_reader_free(floe_parquet_reader *r)
{
    if (!r)
        return;
    floe_parquet__schema_free(&r->schema);
    floe_parquet__file_metadata_free(r->md);
    floe_free(r);
}

int floe_parquet_reader_schema(struct ArrowSchema *out, floe_parquet_reader *r)
{
    return floe_parquet__schema_to_arrow(out, &r->schema);
}

int64_t floe_parquet_reader_num_rows(const floe_parquet_reader *r)
{
    return r->md->num_rows;
}

int floe_parquet_reader_num_row_groups(const floe_parquet_reader *r)
{
    return (int)r->md->num_row_groups;
}

int64_t floe_parquet_reader_row_group_offset(const floe_parquet_reader *r, int index)
{
    if (index < 0 || (uint32_t)index >= r->md->num_row_groups)
        return -1;
    const floe_parquet_row_group *rg = &r->md->row_groups[index];
    if (rg->num_columns == 0 || !rg->columns[0].meta_data)
        return rg->has_file_offset ? rg->file_offset : -1;
    const floe_parquet_column_metadata *m = rg->columns[0].meta_data;
    int64_t at = m->data_page_offset;
    if (m->has_dictionary_page_offset && m->dictionary_page_offset > 0 &&
        m->dictionary_page_offset < at)
        at = m->dictionary_page_offset;
    return at;
}

int floe_parquet_reader_row_group_may_match(int *out, floe_parquet_reader *r, int index,
                                            const floe_parquet_predicate *p)
{
    if (index < 0 || (uint32_t)index >= r->md->num_row_groups)
        return floe_error_set(FLOE_EINVALID, "row group %d does not exist (file has %u)", index,
                              r->md->num_row_groups);
    *out = p ? floe_parquet__predicate_may_match(p, &r->schema, &r->md->row_groups[index]) : 1;
    return 0;
}

size_t floe_parquet_reader_num_key_values(const floe_parquet_reader *r)
{
    return r->md->num_key_value;
}

int floe_parquet_reader_key_value_at(const char **key, const char **value, floe_parquet_reader *r,
                                     size_t i)
{
    if (i >= r->md->num_key_value)
        return floe_error_set(FLOE_EINVALID, "key-value entry %zu does not exist", i);
    *key = r->md->key_value[i].key;
    *value = r->md->key_value[i].value;
    return 0;
}

int floe_parquet_reader_key_value(const char **value, floe_parquet_reader *r, const char *key)
{
    *value = NULL;
    for (uint32_t i = 0; i < r->md->num_key_value; i++)
        if (r->md->key_value[i].key && strcmp(r->md->key_value[i].key, key) == 0) {
            *value = r->md->key_value[i].value;
            return 0;
        }
    return floe_error_set(FLOE_ENOTFOUND, "no key-value metadata entry '%s'", key);
}

/* ---- stream ----------------------------------------------------------------------------- */

typedef struct stream_state {
    floe_parquet_reader *r;
    uint32_t next_rg;
    int64_t rg_rows_left;
    int rg_open;
    floe_pq_column_reader **crs;
    floe_pq_batch_column *cols;
    int failed; /* errors are sticky: a stream never skips past a failure */
    char err[1024];
} stream_state;

static int to_errno(int code)
{
    switch (code) {
    case FLOE_ENOMEM:
        return ENOMEM;
    case FLOE_EIO:
        return EIO;
    case FLOE_EUNSUPPORTED:
        return ENOSYS;
    default:
        return EINVAL;
    }
}

static void free_readers(stream_state *st)
{
    for (size_t i = 0; i < st->r->schema.num_leaves; i++) {
        floe_parquet__column_reader_free(st->crs[i]);
        st->crs[i] = NULL;
    }
    st->rg_open = 0;
}

static int open_next_rg(stream_state *st)
{
    floe_parquet_reader *r = st->r;
    while (st->next_rg < r->md->num_row_groups) {
        uint32_t g = st->next_rg++;
        const floe_parquet_row_group *rg = &r->md->row_groups[g];
        if (rg->num_rows == 0)
            continue;
        if (r->split_length > 0) {
            int64_t at = floe_parquet_reader_row_group_offset(r, (int)g);
            if (at < 0 || (uint64_t)at < r->split_offset ||
                (uint64_t)at - r->split_offset >= r->split_length)
                continue;
        }
        if (r->predicate && !floe_parquet__predicate_may_match(r->predicate, &r->schema, rg))
            continue;
        for (size_t i = 0; i < r->schema.num_leaves; i++) {
            const floe_pq_node *leaf = r->schema.leaves[i];
            if (!leaf->selected)
                continue;
            int rc = floe_parquet__column_reader_new(&st->crs[i], r->file, r->file_size,
                                                     &rg->columns[i], leaf, rg->num_rows);
            if (rc)
                return floe_error_wrap(rc, "row group %u", g);
        }
        st->rg_rows_left = rg->num_rows;
        st->rg_open = 1;
        return 0;
    }
    return 1;
}

static int next_batch(stream_state *st, struct ArrowArray *out)
{
    floe_parquet_reader *r = st->r;
    memset(out, 0, sizeof(*out));
    if (!st->rg_open) {
        int rc = open_next_rg(st);
        if (rc == 1)
            return 0; /* end of stream: out->release stays NULL */
        if (rc)
            return rc;
    }
    int64_t rows = st->rg_rows_left < r->batch_size ? st->rg_rows_left : r->batch_size;
    for (size_t i = 0; i < r->schema.num_leaves; i++) {
        if (!st->crs[i])
            continue;
        int64_t got = 0;
        int rc = floe_parquet__column_reader_read(st->crs[i], &st->cols[i], rows, &got);
        if (rc)
            return rc;
        if (got != rows)
            return floe_error_set(FLOE_ECORRUPT,
                                  "column '%s' holds fewer rows than its row group claims "
                                  "(%lld rows)",
                                  r->schema.leaves[i]->name,
                                  (long long)r->md->row_groups[st->next_rg - 1].num_rows);
    }
    int rc = floe_parquet__assemble(out, &r->schema, st->cols, rows);
    if (rc)
        return rc;
    st->rg_rows_left -= rows;
    if (st->rg_rows_left == 0)
        st->rg_open = 0; /* the column readers are reused by the next row group */
    return 0;
}

static int stream_get_schema(struct ArrowArrayStream *s, struct ArrowSchema *out)
{
    stream_state *st = s->private_data;
    int rc = floe_parquet__schema_to_arrow(out, &st->r->schema);
    if (rc) {
        snprintf(st->err, sizeof(st->err), "%s", floe_error_last());
        return to_errno(rc);
    }
    return 0;
}

static int stream_get_next(struct ArrowArrayStream *s, struct ArrowArray *out)
{
    stream_state *st = s->private_data;
    if (st->failed) {
        memset(out, 0, sizeof(*out));
        return to_errno(st->failed);
    }
    int rc = next_batch(st, out);
    if (rc) {
        st->failed = rc;
        snprintf(st->err, sizeof(st->err), "%s", floe_error_last());
        return to_errno(rc);
    }
    return 0;
}

static const char *stream_last_error(struct ArrowArrayStream *s)
{
    stream_state *st = s->private_data;
    return st->err[0] ? st->err : NULL;
}

static void stream_release(struct ArrowArrayStream *s)
{
    if (!s || !s->release)
        return;
    stream_state *st = s->private_data;
    if (st) {
        free_readers(st);
        for (size_t i = 0; i < st->r->schema.num_leaves; i++)
            floe_parquet__batch_column_free(&st->cols[i]);
        st->r->stream_open = 0;
        floe_free(st->crs);
        floe_free(st->cols);
        floe_free(st);
    }
    s->release = NULL;
}

int floe_parquet_reader_stream(struct ArrowArrayStream *out, floe_parquet_reader *r)
{
    memset(out, 0, sizeof(*out));
    if (r->stream_open)
        return floe_error_set(FLOE_EINVALID, "a stream of this Parquet reader is still open");
    stream_state *st = floe_calloc(1, sizeof(*st));
    size_t n = r->schema.num_leaves ? r->schema.num_leaves : 1;
    if (st) {
        st->crs = floe_calloc(n, sizeof(*st->crs));
        st->cols = floe_calloc(n, sizeof(*st->cols));
    }
    if (!st || !st->crs || !st->cols) {
        if (st) {
            floe_free(st->crs);
            floe_free(st->cols);
        }
        floe_free(st);
        return floe_error_set(FLOE_ENOMEM, "out of memory starting a Parquet stream");
    }
    st->r = r;
    r->stream_open = 1;
    out->get_schema = stream_get_schema;
    out->get_next = stream_get_next;
    out->get_last_error = stream_last_error;
    out->release = stream_release;
    out->private_data = st;
    return 0;
}
