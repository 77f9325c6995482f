/* Object container file writer: header (magic, metadata map, sync marker), then blocks of
 * (record count, byte size, encoded records, sync marker). Records are encoded into a block
 * buffer that is compressed and written once it exceeds the configured block size, so memory
 * stays bounded by the block size whatever the number of records. */
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "base/random.h"
#include "formats/avro/avro_internal.h"

#define DEFAULT_BLOCK_SIZE (64 * 1024)

typedef struct meta_entry {
    char *key;
    uint8_t *val;
    size_t len;
} meta_entry;

struct floe_avro_writer {
    floe_output_file *file; /* NULL: writing to `mem` */
    floe_buf mem;
    floe_avro_schema *schema;
    const floe_avro_schema *checked; /* last value schema found equal to `schema` */
    floe_avro_writer_options opts;
    uint8_t sync[16];
    meta_entry *meta;
    size_t nmeta;
    int header_written, finished;
    floe_buf block, comp;
    uint64_t block_records, records, bytes;
};

static int out_write(floe_avro_writer *w, const void *data, size_t len)
{
    int rc = w->file ? floe_output_write(w->file, data, len) : floe_buf_append(&w->mem, data, len);
    if (rc == 0)
        w->bytes += len;
    return rc;
}

static int writer_new(floe_avro_writer **out, floe_output_file *file,
                      const floe_avro_schema *schema, const floe_avro_writer_options *opts)
{
    if (!schema)
        return floe_error_set(FLOE_EINVALID, "an Avro writer needs a schema");
    if (opts && opts->version != FLOE_AVRO_WRITER_OPTIONS_VERSION)
        return floe_error_set(FLOE_EVERSION, "floe_avro_writer_options version %u is not %u",
                              opts->version, FLOE_AVRO_WRITER_OPTIONS_VERSION);
    floe_avro_writer_options def = FLOE_AVRO_WRITER_OPTIONS_INIT;
    if (!opts)
        opts = &def;
    if ((unsigned)opts->codec > FLOE_AVRO_CODEC_ZSTD)
        return floe_error_set(FLOE_EUNSUPPORTED, "unknown Avro codec %d", (int)opts->codec);
    floe_avro_writer *w = floe_calloc(1, sizeof(*w));
    if (!w)
        return floe_error_set(FLOE_ENOMEM, "out of memory creating an Avro writer");
    w->file = file;
    w->opts = *opts;
    if (w->opts.block_size == 0)
        w->opts.block_size = DEFAULT_BLOCK_SIZE;
    if (opts->sync_marker) {
        memcpy(w->sync, opts->sync_marker, 16);
    } else {
        int rc = floe_random_bytes(w->sync, 16);
        if (rc) {
            floe_free(w);
            return rc;
        }
    }
    w->opts.sync_marker = NULL;
    w->schema = floe_avro_schema_ref(schema);
    *out = w;
    return 0;
}

int floe_avro_writer_new(floe_avro_writer **out, floe_output_file *file,
                         const floe_avro_schema *schema, const floe_avro_writer_options *opts)
{
    if (!file)
        return floe_error_set(FLOE_EINVALID, "an Avro writer needs an output file");
    return writer_new(out, file, schema, opts);
}

int floe_avro_writer_new_memory(floe_avro_writer **out, const floe_avro_schema *schema,
                                const floe_avro_writer_options *opts)
{
    return writer_new(out, NULL, schema, opts);
}

int floe_avro_writer_set_meta(floe_avro_writer *w, const char *key, const void *value, size_t len)
{
    if (w->header_written)
        return floe_error_set(FLOE_EINVALID,
                              "Avro metadata '%s' must be set before the first record", key);
    if (!key || !*key || strncmp(key, "avro.", 5) == 0)
        return floe_error_set(FLOE_EINVALID,
                              "Avro metadata key '%s' is reserved or empty: use another key",
                              key ? key : "");
    uint8_t *val = floe_malloc(len + 1);
    if (!val)
        return floe_error_set(FLOE_ENOMEM, "out of memory storing Avro metadata");
    if (len)
        memcpy(val, value, len);
    val[len] = '\0';
    for (size_t i = 0; i < w->nmeta; i++)
        if (strcmp(w->meta[i].key, key) == 0) {
            floe_free(w->meta[i].val);
            w->meta[i].val = val;
            w->meta[i].len = len;
            return 0;
        }
    meta_entry *m = floe_realloc(w->meta, (w->nmeta + 1) * sizeof(*m));
    char *k = floe_strdup(key);
    if (m)
        w->meta = m;
    if (!m || !k) {
        floe_free(val);
        floe_free(k);
        return floe_error_set(FLOE_ENOMEM, "out of memory storing Avro metadata");
    }
    w->meta[w->nmeta].key = k;
    w->meta[w->nmeta].val = val;
    w->meta[w->nmeta].len = len;
    w->nmeta++;
    return 0;
}

int floe_avro_writer_set_meta_string(floe_avro_writer *w, const char *key, const char *value)
{
    return floe_avro_writer_set_meta(w, key, value, strlen(value));
}

static int put_bytes(floe_buf *b, const void *data, size_t len)
{
    int rc = floe_buf_append_zigzag(b, (int64_t)len);
    return rc ? rc : floe_buf_append(b, data, len);
}

static int write_header(floe_avro_writer *w)
{
    char *schema_json = NULL;
    int rc = floe_avro_schema_to_json(&schema_json, w->schema);
    if (rc)
        return rc;
    floe_buf h = FLOE_BUF_INIT;
    const char *codec = floe_avro_codec_name(w->opts.codec);
    rc = floe_buf_append(&h, "Obj\x01", 4);
    rc = rc ? rc : floe_buf_append_zigzag(&h, (int64_t)(w->nmeta + 2));
    rc = rc ? rc : put_bytes(&h, "avro.schema", 11);
    rc = rc ? rc : put_bytes(&h, schema_json, strlen(schema_json));
    rc = rc ? rc : put_bytes(&h, "avro.codec", 10);
    rc = rc ? rc : put_bytes(&h, codec, strlen(codec));
    for (size_t i = 0; i < w->nmeta && !rc; i++) {
        rc = put_bytes(&h, w->meta[i].key, strlen(w->meta[i].key));
        rc = rc ? rc : put_bytes(&h, w->meta[i].val, w->meta[i].len);
    }
    rc = rc ? rc : floe_buf_append_byte(&h, 0);
    rc = rc ? rc : floe_buf_append(&h, w->sync, 16);
    free(schema_json);
    rc = rc ? rc : out_write(w, h.data, h.len);
    floe_buf_free(&h);
    if (rc == 0)
        w->header_written = 1;
    return rc;
}

int floe_avro_writer_flush(floe_avro_writer *w)
{
    int rc = 0;
    if (!w->header_written && (rc = write_header(w)))
        return rc;
    if (w->block_records == 0)
        return 0;
    w->comp.len = 0;
    uint8_t head[32];
    floe_buf hb = {head, 0, sizeof head};
    rc = floe_avro__compress(&w->comp, w->opts.codec, w->opts.compression_level, w->block.data,
                             w->block.len);
    /* Both varints (at most 20 bytes) fit the 32-byte stack buffer, so these appends never
     * reallocate it. */
    rc = rc ? rc : floe_buf_append_zigzag(&hb, (int64_t)w->block_records);
    rc = rc ? rc : floe_buf_append_zigzag(&hb, (int64_t)w->comp.len);
    rc = rc ? rc : out_write(w, head, hb.len);
    rc = rc ? rc : out_write(w, w->comp.data, w->comp.len);
    rc = rc ? rc : out_write(w, w->sync, 16);
    if (rc)
        return floe_error_wrap(rc, "writing an Avro block");
    w->block.len = 0;
    w->block_records = 0;
    return 0;
}

int floe_avro_writer_append(floe_avro_writer *w, const floe_avro_value *value)
{
    if (w->finished)
        return floe_error_set(FLOE_EINVALID, "the Avro writer is already finished");
    if (value->schema != w->schema && value->schema != w->checked) {
        if (!floe_avro__schema_equal(value->schema, w->schema))
            return floe_error_set(FLOE_ESCHEMA,
                                  "the value's schema differs from the writer's schema");
        w->checked = value->schema;
    }
    int rc = 0;
    if (!w->header_written && (rc = write_header(w)))
        return rc;
    size_t mark = w->block.len;
    rc = floe_avro__encode(&w->block, value);
    if (rc) {
        w->block.len = mark;
        return rc;
    }
    w->block_records++;
    w->records++;
    if (w->block.len >= w->opts.block_size)
        return floe_avro_writer_flush(w);
    return 0;
}

uint64_t floe_avro_writer_record_count(const floe_avro_writer *w)
{
    return w->records;
}

uint64_t floe_avro_writer_bytes_written(const floe_avro_writer *w)
{
    return w->bytes;
}

int floe_avro_writer_finish(floe_avro_writer *w, uint64_t *length)
{
    if (!w->finished) {
        int rc = floe_avro_writer_flush(w);
        if (rc)
            return rc;
        w->finished = 1;
    }
    if (length)
        *length = w->bytes;
    return 0;
}

const uint8_t *floe_avro_writer_bytes(const floe_avro_writer *w, size_t *len)
{
    if (len)
        *len = w->file ? 0 : w->mem.len;
    return w->file ? NULL : w->mem.data;
}

void floe_avro_writer_free(floe_avro_writer *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->nmeta; i++) {
        floe_free(w->meta[i].key);
        floe_free(w->meta[i].val);
    }
    floe_free(w->meta);
    floe_buf_free(&w->mem);
    floe_buf_free(&w->block);
    floe_buf_free(&w->comp);
    floe_avro_schema_free(w->schema);
    floe_free(w);
}
