/* Object container file reader. The header is read in growing chunks (bounded by
 * max_header_bytes); blocks are then read one at a time with ranged reads, checked against the
 * sync marker, decompressed (bounded by max_block_bytes) and decoded record by record, so
 * memory is bounded by one block whatever the file size. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "formats/avro/avro_internal.h"

#define DEFAULT_MAX_BLOCK  (64u * 1024 * 1024)
#define DEFAULT_MAX_HEADER (16u * 1024 * 1024)
#define FIRST_HEADER_READ  (64u * 1024)
/* Records of a zero-size schema cost no bytes; bound their count per block. */
#define MAX_ZERO_SIZE_RECORDS (1u << 24)

typedef struct meta_entry {
    char *key;
    uint8_t *val;
    size_t len;
} meta_entry;

struct floe_avro_reader {
    floe_input_file *file;
    floe_input_file *owned; /* memory input created by open_memory */
    uint64_t size, pos;
    floe_avro_schema *wschema, *rschema;
    const floe_avro_schema *checked;
    floe_avro__resolver *resolver;
    const floe_avro__plan *plan;
    floe_avro_codec codec;
    meta_entry *meta;
    size_t nmeta;
    uint8_t sync[16];
    floe_buf raw, data;
    floe_avro__dec dec;
    int64_t remaining;
    uint64_t blocks, records;
    size_t max_block, max_header;
    char what[96];
    int eof;
};

static void free_meta(floe_avro_reader *r)
{
    for (size_t i = 0; i < r->nmeta; i++) {
        floe_free(r->meta[i].key);
        floe_free(r->meta[i].val);
    }
    floe_free(r->meta);
    r->meta = NULL;
    r->nmeta = 0;
}

static int add_meta(floe_avro_reader *r, const uint8_t *k, size_t klen, const uint8_t *v,
                    size_t vlen)
{
    meta_entry *m = floe_realloc(r->meta, (r->nmeta + 1) * sizeof(*m));
    if (!m)
        return floe_error_set(FLOE_ENOMEM, "out of memory reading Avro metadata");
    r->meta = m;
    char *key = floe_strndup((const char *)k, klen);
    uint8_t *val = floe_malloc(vlen + 1);
    if (!key || !val) {
        floe_free(key);
        floe_free(val);
        return floe_error_set(FLOE_ENOMEM, "out of memory reading Avro metadata");
    }
    memcpy(val, v, vlen);
    val[vlen] = '\0';
    m[r->nmeta].key = key;
    m[r->nmeta].val = val;
    m[r->nmeta].len = vlen;
    r->nmeta++;
    return 0;
}

/* Parses the header from r->raw; FLOE_ECORRUPT when malformed or truncated. */
static int parse_header(floe_avro_reader *r)
{
    floe_avro__dec d = {r->raw.data, r->raw.data, r->raw.data + r->raw.len, 0, "the header", 0};
    int rc;
    free_meta(r);
    if (r->raw.len < 4 || memcmp(r->raw.data, "Obj\x01", 4) != 0)
        return floe_error_set(FLOE_ECORRUPT,
                              "%s is not an Avro object container file: bad magic at byte "
                              "offset 0 (expected 'Obj' 0x01)",
                              r->file->location ? r->file->location : "input");
    d.p += 4;
    size_t total = 0;
    for (;;) {
        int64_t n, bytes;
        if ((rc = floe_avro__read_block_count(&d, &n, &bytes, 1, total)))
            return rc;
        if (n == 0)
            break;
        total += (size_t)n;
        for (int64_t i = 0; i < n; i++) {
            size_t klen, vlen;
            if ((rc = floe_avro__read_len(&d, &klen)))
                return rc;
            const uint8_t *k = d.p;
            d.p += klen;
            if ((rc = floe_avro__read_len(&d, &vlen)))
                return rc;
            const uint8_t *v = d.p;
            d.p += vlen;
            if (memchr(k, 0, klen))
                return floe_avro__corrupt(&d, "metadata key contains a NUL byte");
            if ((rc = add_meta(r, k, klen, v, vlen)))
                return rc;
        }
    }
    if ((size_t)(d.end - d.p) < 16)
        return floe_avro__corrupt(&d, "truncated header: the sync marker is missing");
    memcpy(r->sync, d.p, 16);
    d.p += 16;
    r->pos = (uint64_t)(d.p - d.start);
    return 0;
}

static int read_header(floe_avro_reader *r)
{
    size_t want = FIRST_HEADER_READ;
    for (;;) {
        if (want > r->size)
            want = (size_t)r->size;
        if (want > r->max_header)
            want = r->max_header;
        r->raw.len = 0;
        int rc = floe_buf_reserve(&r->raw, want);
        if (rc)
            return rc;
        if ((rc = floe_input_read_exact(r->file, 0, r->raw.data, want)))
            return rc;
        r->raw.len = want;
        rc = parse_header(r);
        if (rc != FLOE_ECORRUPT || want >= r->size)
            return rc;
        if (want >= r->max_header)
            return floe_error_set(
                FLOE_ECORRUPT, "Avro header of %s is larger than %zu bytes or corrupt (%s)",
                r->file->location ? r->file->location : "input", r->max_header, floe_error_last());
        want = want > SIZE_MAX / 4 ? SIZE_MAX : want * 4;
    }
}

static int setup(floe_avro_reader *r, const floe_avro_reader_options *opts)
{
    int rc = floe_input_size(&r->size, r->file);
    if (rc)
        return rc;
    if ((rc = read_header(r)))
        return rc;
    const char *schema = floe_avro_reader_meta(r, "avro.schema");
    if (!schema)
        return floe_error_set(FLOE_ECORRUPT, "Avro header has no avro.schema entry");
    size_t slen = 0;
    for (size_t i = 0; i < r->nmeta; i++)
        if (strcmp(r->meta[i].key, "avro.schema") == 0)
            slen = r->meta[i].len;
    if ((rc = floe_avro_schema_parse(&r->wschema, schema, slen)))
        return rc == FLOE_ENOMEM
                   ? rc
                   : floe_error_wrap(FLOE_ECORRUPT, "the file's avro.schema is invalid");
    const char *codec = floe_avro_reader_meta(r, "avro.codec");
    if (codec && *codec && (rc = floe_avro_codec_from_name(&r->codec, codec)))
        return rc;
    if (opts && opts->reader_schema && opts->reader_schema != r->wschema) {
        r->rschema = floe_avro_schema_ref(opts->reader_schema);
        if ((rc = floe_avro__resolver_new(&r->resolver, r->wschema, r->rschema, &r->plan)))
            return rc;
    } else {
        r->rschema = floe_avro_schema_ref(r->wschema);
    }
    r->raw.len = 0;
    return 0;
}

static int open_common(floe_avro_reader **out, floe_input_file *file, floe_input_file *owned,
                       const floe_avro_reader_options *opts)
{
    if (opts && opts->version != FLOE_AVRO_READER_OPTIONS_VERSION) {
        floe_input_close(owned);
        return floe_error_set(FLOE_EVERSION, "floe_avro_reader_options version %u is not %u",
                              opts->version, FLOE_AVRO_READER_OPTIONS_VERSION);
    }
    floe_avro_reader *r = floe_calloc(1, sizeof(*r));
    if (!r) {
        floe_input_close(owned);
        return floe_error_set(FLOE_ENOMEM, "out of memory opening an Avro file");
    }
    r->file = file;
    r->owned = owned;
    r->max_block = opts && opts->max_block_bytes ? opts->max_block_bytes : DEFAULT_MAX_BLOCK;
    r->max_header = opts && opts->max_header_bytes ? opts->max_header_bytes : DEFAULT_MAX_HEADER;
    int rc = setup(r, opts);
    if (rc) {
        floe_avro_reader_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

int floe_avro_reader_open(floe_avro_reader **out, floe_input_file *file,
                          const floe_avro_reader_options *opts)
{
    if (!file)
        return floe_error_set(FLOE_EINVALID, "an Avro reader needs an input file");
    return open_common(out, file, NULL, opts);
}

int floe_avro_reader_open_memory(floe_avro_reader **out, const void *data, size_t len,
                                 const floe_avro_reader_options *opts)
{
    floe_input_file *f;
    int rc = floe_input_file_from_memory(&f, data, len, "memory");
    if (rc)
        return rc;
    return open_common(out, f, f, opts);
}

const floe_avro_schema *floe_avro_reader_writer_schema(const floe_avro_reader *r)
{
    return r->wschema;
}

const floe_avro_schema *floe_avro_reader_schema(const floe_avro_reader *r)
{
    return r->rschema;
}

floe_avro_codec floe_avro_reader_codec(const floe_avro_reader *r)
{
    return r->codec;
}

size_t floe_avro_reader_meta_count(const floe_avro_reader *r)
{
    return r->nmeta;
}

const char *floe_avro_reader_meta_key(const floe_avro_reader *r, size_t i)
{
    return i < r->nmeta ? r->meta[i].key : NULL;
}

const uint8_t *floe_avro_reader_meta_value(const floe_avro_reader *r, size_t i, size_t *len)
{
    if (i >= r->nmeta)
        return NULL;
    if (len)
        *len = r->meta[i].len;
    return r->meta[i].val;
}

const char *floe_avro_reader_meta(const floe_avro_reader *r, const char *key)
{
    for (size_t i = 0; i < r->nmeta; i++)
        if (strcmp(r->meta[i].key, key) == 0)
            return (const char *)r->meta[i].val;
    return NULL;
}

static int block_corrupt(floe_avro_reader *r, uint64_t off, const char *fmt, ...) FLOE_PRINTF(3, 4);
static int block_corrupt(floe_avro_reader *r, uint64_t off, const char *fmt, ...)
{
    char text[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return floe_error_set(FLOE_ECORRUPT, "corrupt Avro block %llu at byte offset %llu of %s: %s",
                          (unsigned long long)r->blocks, (unsigned long long)off,
                          r->file->location ? r->file->location : "input", text);
}

static int read_block(floe_avro_reader *r)
{
    uint64_t start = r->pos;
    if (start >= r->size) {
        r->eof = 1;
        return 0;
    }
    uint8_t head[20];
    size_t hn = r->size - start < sizeof head ? (size_t)(r->size - start) : sizeof head;
    int rc = floe_input_read_exact(r->file, start, head, hn);
    if (rc)
        return rc;
    floe_avro__dec d = {head, head, head + hn, start, r->what, 0};
    snprintf(r->what, sizeof r->what, "the header of block %llu", (unsigned long long)r->blocks);
    int64_t count, size;
    if ((rc = floe_avro__read_long(&d, &count)) || (rc = floe_avro__read_long(&d, &size)))
        return rc;
    uint64_t data_off = start + (uint64_t)(d.p - d.start);
    if (count < 0)
        return block_corrupt(r, start, "negative record count %lld", (long long)count);
    if (size < 0 || (uint64_t)size > r->max_block)
        return block_corrupt(r, start, "block size %lld is negative or over the limit %zu",
                             (long long)size, r->max_block);
    if ((uint64_t)size + 16 > r->size - data_off)
        return block_corrupt(r, start,
                             "truncated: %lld bytes of data and sync marker needed, %lld remain",
                             (long long)size + 16, (long long)(r->size - data_off));
    r->raw.len = 0;
    if ((rc = floe_buf_reserve(&r->raw, (size_t)size + 16)))
        return rc;
    if ((rc = floe_input_read_exact(r->file, data_off, r->raw.data, (size_t)size + 16)))
        return rc;
    r->raw.len = (size_t)size;
    if (memcmp(r->raw.data + size, r->sync, 16) != 0)
        return block_corrupt(r, data_off + (uint64_t)size,
                             "sync marker does not match the header's");
    const uint8_t *bytes = r->raw.data;
    size_t nbytes = (size_t)size;
    if (r->codec != FLOE_AVRO_CODEC_NULL) {
        if ((rc = floe_avro__decompress(&r->data, r->codec, r->raw.data, (size_t)size, r->max_block,
                                        data_off)))
            return rc;
        bytes = r->data.data;
        nbytes = r->data.len;
    }
    if (r->wschema->min_size > 0 ? (uint64_t)count > nbytes
                                 : (uint64_t)count > MAX_ZERO_SIZE_RECORDS)
        return block_corrupt(r, start, "record count %lld cannot fit in %zu bytes",
                             (long long)count, nbytes);
    snprintf(r->what, sizeof r->what, "block %llu (data at file offset %llu%s)",
             (unsigned long long)r->blocks, (unsigned long long)data_off,
             r->codec != FLOE_AVRO_CODEC_NULL ? ", offset in the decompressed data" : "");
    r->dec.start = r->dec.p = bytes;
    r->dec.end = bytes + nbytes;
    r->dec.base = r->codec == FLOE_AVRO_CODEC_NULL ? data_off : 0;
    r->dec.what = r->what;
    r->dec.depth = 0;
    r->remaining = count;
    r->pos = data_off + (uint64_t)size + 16;
    r->blocks++;
    if (count == 0 && nbytes != 0)
        return floe_avro__corrupt(&r->dec, "an empty block has %zu bytes of data", nbytes);
    return 0;
}

int floe_avro_reader_next(int *has_record, floe_avro_reader *r, floe_avro_value *value)
{
    *has_record = 0;
    if (value->schema != r->rschema && value->schema != r->checked) {
        if (!floe_avro__schema_equal(value->schema, r->rschema))
            return floe_error_set(FLOE_EINVALID,
                                  "the value was not made for the reader's schema: use "
                                  "floe_avro_value_new(floe_avro_reader_schema(reader))");
        r->checked = value->schema;
    }
    while (r->remaining == 0) {
        if (r->eof)
            return 0;
        int rc = read_block(r);
        if (rc)
            return rc;
    }
    r->dec.depth = 0;
    int rc = r->plan ? floe_avro__decode_plan(&r->dec, r->plan, value)
                     : floe_avro__decode(&r->dec, value);
    if (rc)
        return rc;
    r->remaining--;
    r->records++;
    if (r->remaining == 0 && r->dec.p != r->dec.end)
        return floe_avro__corrupt(&r->dec, "%zu bytes left over after the block's last record",
                                  (size_t)(r->dec.end - r->dec.p));
    *has_record = 1;
    return 0;
}

uint64_t floe_avro_reader_block_count(const floe_avro_reader *r)
{
    return r->blocks;
}

uint64_t floe_avro_reader_record_count(const floe_avro_reader *r)
{
    return r->records;
}

void floe_avro_reader_free(floe_avro_reader *r)
{
    if (!r)
        return;
    free_meta(r);
    floe_avro__resolver_free(r->resolver);
    floe_avro_schema_free(r->wschema);
    floe_avro_schema_free(r->rschema);
    floe_buf_free(&r->raw);
    floe_buf_free(&r->data);
    floe_input_close(r->owned);
    floe_free(r);
}
