/* Object container files: every codec in memory and through FileIO, header metadata, block
 * sizing, bounded streaming reads, and hostile files (truncation at every offset, bad magic,
 * bad sync marker, corrupt snappy CRC, oversized blocks). */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/avro.h>
#include <floe/error.h>
#include <floe/io.h>

#include "base/alloc.h"

static const char *entry_schema =
    "{\"type\":\"record\",\"name\":\"manifest_file\",\"fields\":["
    "{\"name\":\"manifest_path\",\"type\":\"string\",\"field-id\":500},"
    "{\"name\":\"manifest_length\",\"type\":\"long\",\"field-id\":501},"
    "{\"name\":\"added_snapshot_id\",\"type\":[\"null\",\"long\"],\"default\":null,"
    "\"field-id\":503},"
    "{\"name\":\"key_metadata\",\"type\":[\"null\",\"bytes\"],\"default\":null,"
    "\"field-id\":519},"
    "{\"name\":\"bounds\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":"
    "\"k1_v2\",\"fields\":[{\"name\":\"key\",\"type\":\"int\",\"field-id\":1},{\"name\":"
    "\"value\",\"type\":\"bytes\",\"field-id\":2}]},\"logicalType\":\"map\"}}]}";

static floe_avro_schema *parse(const char *json)
{
    floe_avro_schema *s = NULL;
    if (floe_avro_schema_parse(&s, json, strlen(json)))
        fail_msg("parse failed: %s", floe_error_last());
    return s;
}

static void fill(floe_avro_value *v, int i)
{
    char path[64];
    snprintf(path, sizeof path, "s3://bucket/metadata/m-%06d.avro", i);
    floe_avro_value *x;
    assert_int_equal(floe_avro_value_set_string(floe_avro_value_field(v, 0), path), 0);
    assert_int_equal(floe_avro_value_set_long(floe_avro_value_field(v, 1), 4096LL * i + 7), 0);
    assert_int_equal(floe_avro_value_set_optional(&x, floe_avro_value_field(v, 2), i % 3 != 0), 0);
    if (i % 3 != 0)
        assert_int_equal(floe_avro_value_set_long(x, 1000000000000LL + i), 0);
    assert_int_equal(floe_avro_value_set_optional(&x, floe_avro_value_field(v, 3), i % 2), 0);
    if (i % 2)
        assert_int_equal(floe_avro_value_set_bytes(x, "\x01\x02", 2), 0);
    floe_avro_value *arr = floe_avro_value_field(v, 4);
    floe_avro_value_clear(arr);
    for (int k = 0; k < i % 4; k++) {
        floe_avro_value *kv;
        assert_int_equal(floe_avro_value_append(&kv, arr), 0);
        assert_int_equal(floe_avro_value_set_int(floe_avro_value_field(kv, 0), k), 0);
        assert_int_equal(floe_avro_value_set_bytes(floe_avro_value_field(kv, 1), "abcd", (size_t)k),
                         0);
    }
}

/* Writes n records to memory; returns the bytes (free with free()). */
static uint8_t *write_mem(const floe_avro_schema *s, floe_avro_codec codec, int n,
                          size_t block_size, size_t *len)
{
    floe_avro_writer_options o = FLOE_AVRO_WRITER_OPTIONS_INIT;
    o.codec = codec;
    o.block_size = block_size;
    floe_avro_writer *w;
    assert_int_equal(floe_avro_writer_new_memory(&w, s, &o), 0);
    assert_int_equal(floe_avro_writer_set_meta_string(w, "format-version", "2"), 0);
    assert_int_equal(floe_avro_writer_set_meta_string(w, "content", "data"), 0);
    assert_int_equal(floe_avro_writer_set_meta_string(w, "avro.codec", "x"), FLOE_EINVALID);
    floe_avro_value *v;
    assert_int_equal(floe_avro_value_new(&v, s), 0);
    for (int i = 0; i < n; i++) {
        fill(v, i);
        assert_int_equal(floe_avro_writer_append(w, v), 0);
    }
    if (n > 0)
        assert_int_equal(floe_avro_writer_set_meta_string(w, "late", "x"), FLOE_EINVALID);
    uint64_t total = 0;
    assert_int_equal(floe_avro_writer_finish(w, &total), 0);
    assert_int_equal(floe_avro_writer_record_count(w), n);
    const uint8_t *bytes = floe_avro_writer_bytes(w, len);
    assert_int_equal(*len, total);
    uint8_t *copy = malloc(*len);
    memcpy(copy, bytes, *len);
    floe_avro_value_free(v);
    floe_avro_writer_free(w);
    return copy;
}

/* Reads every record and checks it against fill(); returns the record count or a negative
 * error code. */
static long read_check(const uint8_t *data, size_t len, const floe_avro_schema *expect)
{
    floe_avro_reader *r;
    int rc = floe_avro_reader_open_memory(&r, data, len, NULL);
    if (rc)
        return rc;
    floe_avro_value *v, *want;
    assert_int_equal(floe_avro_value_new(&v, floe_avro_reader_schema(r)), 0);
    assert_int_equal(floe_avro_value_new(&want, expect), 0);
    long n = 0;
    for (;;) {
        int has = 0;
        rc = floe_avro_reader_next(&has, r, v);
        if (rc || !has)
            break;
        fill(want, (int)n);
        if (!floe_avro_value_equal(v, want))
            fail_msg("record %ld differs", n);
        n++;
    }
    floe_avro_value_free(v);
    floe_avro_value_free(want);
    floe_avro_reader_free(r);
    return rc ? rc : n;
}

static void test_every_codec_round_trips_in_memory(void **state)
{
    (void)state;
    floe_avro_schema *s = parse(entry_schema);
    floe_avro_codec codecs[] = {FLOE_AVRO_CODEC_NULL, FLOE_AVRO_CODEC_DEFLATE,
                                FLOE_AVRO_CODEC_SNAPPY, FLOE_AVRO_CODEC_ZSTD};
    for (size_t c = 0; c < 4; c++) {
        size_t len;
        uint8_t *data = write_mem(s, codecs[c], 500, 2000, &len);
        assert_memory_equal(data, "Obj\x01", 4);
        assert_int_equal(read_check(data, len, s), 500);
        floe_avro_reader *r;
        assert_int_equal(floe_avro_reader_open_memory(&r, data, len, NULL), 0);
        assert_int_equal(floe_avro_reader_codec(r), codecs[c]);
        assert_string_equal(floe_avro_reader_meta(r, "avro.codec"),
                            floe_avro_codec_name(codecs[c]));
        assert_string_equal(floe_avro_reader_meta(r, "format-version"), "2");
        assert_string_equal(floe_avro_reader_meta(r, "content"), "data");
        assert_int_equal(floe_avro_reader_meta_count(r), 4);
        /* The writer's schema keeps the field ids. */
        const floe_avro_schema *ws = floe_avro_reader_writer_schema(r);
        assert_int_equal(floe_avro_schema_field_id(ws, 3), 519);
        floe_avro_value *v;
        assert_int_equal(floe_avro_value_new(&v, floe_avro_reader_schema(r)), 0);
        for (int has = 1; has;)
            assert_int_equal(floe_avro_reader_next(&has, r, v), 0);
        /* 500 records of ~50 bytes in 2000-byte blocks: several blocks. */
        assert_true(floe_avro_reader_block_count(r) > 5);
        floe_avro_value_free(v);
        floe_avro_reader_free(r);
        free(data);
    }
    floe_avro_schema_free(s);
}

static void test_empty_file_has_header_only(void **state)
{
    (void)state;
    floe_avro_schema *s = parse(entry_schema);
    size_t len;
    uint8_t *data = write_mem(s, FLOE_AVRO_CODEC_SNAPPY, 0, 0, &len);
    assert_int_equal(read_check(data, len, s), 0);
    free(data);
    floe_avro_schema_free(s);
}

/* An input file wrapper that records the largest single read. */
typedef struct counting {
    floe_input_file base;
    floe_input_file *inner;
    size_t max_read;
} counting;

static int counting_read(size_t *nread, floe_input_file *f, uint64_t off, void *buf, size_t len)
{
    counting *c = (counting *)f;
    if (len > c->max_read)
        c->max_read = len;
    return c->inner->read_at(nread, c->inner, off, buf, len);
}

static int counting_size(uint64_t *out, floe_input_file *f)
{
    return floe_input_size(out, ((counting *)f)->inner);
}

static void counting_close(floe_input_file *f)
{
    (void)f;
}

static void test_streaming_through_file_io_reads_block_by_block(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("avro_stream");
    char path[512];
    snprintf(path, sizeof path, "%s/big.avro", dir);
    floe_file_io *io;
    assert_int_equal(floe_posix_file_io_new(&io), 0);
    floe_output_file *out;
    assert_int_equal(io->create(&out, io, path, FLOE_CREATE_OVERWRITE), 0);
    floe_avro_schema *s = parse(entry_schema);
    floe_avro_writer_options o = FLOE_AVRO_WRITER_OPTIONS_INIT;
    o.block_size = 8192;
    floe_avro_writer *w;
    assert_int_equal(floe_avro_writer_new(&w, out, s, &o), 0);
    floe_avro_value *v;
    assert_int_equal(floe_avro_value_new(&v, s), 0);
    const int n = 20000;
    for (int i = 0; i < n; i++) {
        fill(v, i);
        assert_int_equal(floe_avro_writer_append(w, v), 0);
    }
    uint64_t length = 0;
    assert_int_equal(floe_avro_writer_finish(w, &length), 0);
    assert_true(length == out->bytes_written);
    floe_avro_writer_free(w);
    assert_int_equal(floe_output_commit(out), 0);

    floe_input_file *in;
    assert_int_equal(io->open(&in, io, path), 0);
    uint64_t size = 0;
    assert_int_equal(floe_input_size(&size, in), 0);
    assert_true(size == length);
    counting c = {
        {FLOE_IO_VERSION, path, counting_read, counting_size, counting_close, NULL}, in, 0};
    floe_avro_reader *r;
    assert_int_equal(floe_avro_reader_open(&r, &c.base, NULL), 0);
    floe_avro_value *got, *want;
    assert_int_equal(floe_avro_value_new(&got, floe_avro_reader_schema(r)), 0);
    assert_int_equal(floe_avro_value_new(&want, s), 0);
    int count = 0;
    for (;;) {
        int has = 0;
        assert_int_equal(floe_avro_reader_next(&has, r, got), 0);
        if (!has)
            break;
        fill(want, count++);
        assert_true(floe_avro_value_equal(got, want));
    }
    assert_int_equal(count, n);
    /* Bounded memory: no read larger than the header chunk (64 KiB), far below the file. */
    assert_true(size > 200000);
    assert_true(c.max_read <= 65536);
    floe_avro_reader_free(r);
    floe_input_close(in);
    floe_avro_value_free(v);
    floe_avro_value_free(got);
    floe_avro_value_free(want);
    floe_avro_schema_free(s);
    floe_file_io_free(io);
}

/* Writes 4 records, one block each, recording the offsets where blocks end. */
static uint8_t *write_small(floe_avro_codec codec, size_t *len, size_t *bounds, size_t *nbounds)
{
    floe_avro_schema *s = parse(entry_schema);
    floe_avro_writer_options o = FLOE_AVRO_WRITER_OPTIONS_INIT;
    o.codec = codec;
    floe_avro_writer *w;
    assert_int_equal(floe_avro_writer_new_memory(&w, s, &o), 0);
    floe_avro_value *v;
    assert_int_equal(floe_avro_value_new(&v, s), 0);
    *nbounds = 0;
    /* Flushing with no records writes just the header: a file with zero blocks. */
    assert_int_equal(floe_avro_writer_flush(w), 0);
    bounds[(*nbounds)++] = floe_avro_writer_bytes_written(w);
    for (int i = 0; i < 4; i++) {
        fill(v, i);
        assert_int_equal(floe_avro_writer_append(w, v), 0);
        assert_int_equal(floe_avro_writer_flush(w), 0);
        bounds[(*nbounds)++] = floe_avro_writer_bytes_written(w);
    }
    assert_int_equal(floe_avro_writer_finish(w, NULL), 0);
    const uint8_t *b = floe_avro_writer_bytes(w, len);
    uint8_t *copy = malloc(*len);
    memcpy(copy, b, *len);
    floe_avro_value_free(v);
    floe_avro_writer_free(w);
    floe_avro_schema_free(s);
    return copy;
}

static void test_truncation_at_every_offset_is_clean(void **state)
{
    (void)state;
    floe_avro_schema *s = parse(entry_schema);
    floe_avro_codec codecs[] = {FLOE_AVRO_CODEC_NULL, FLOE_AVRO_CODEC_SNAPPY,
                                FLOE_AVRO_CODEC_DEFLATE, FLOE_AVRO_CODEC_ZSTD};
    for (size_t c = 0; c < 4; c++) {
        size_t len, bounds[8], nb;
        uint8_t *data = write_small(codecs[c], &len, bounds, &nb);
        for (size_t cut = 0; cut < len; cut++) {
            uint8_t *t = malloc(cut ? cut : 1);
            memcpy(t, data, cut);
            long rc = read_check(t, cut, s);
            free(t);
            int at_boundary = 0;
            for (size_t k = 0; k < nb; k++)
                if (bounds[k] == cut)
                    at_boundary = 1;
            if (rc >= 0) {
                /* Cutting between blocks leaves a valid, shorter file. */
                if (!at_boundary)
                    fail_msg("codec %s: truncation at %zu of %zu was accepted",
                             floe_avro_codec_name(codecs[c]), cut, len);
                assert_true(rc < 4);
            } else {
                assert_int_equal(rc, FLOE_ECORRUPT);
                assert_non_null(strstr(floe_error_last(), "offset"));
            }
        }
        assert_int_equal(read_check(data, len, s), 4);
        free(data);
    }
    floe_avro_schema_free(s);
}

static void corrupt_expect(const uint8_t *data, size_t len, const char *fragment)
{
    floe_avro_reader *r = NULL;
    int rc = floe_avro_reader_open_memory(&r, data, len, NULL);
    if (rc == 0) {
        floe_avro_value *v;
        assert_int_equal(floe_avro_value_new(&v, floe_avro_reader_schema(r)), 0);
        for (int has = 1; rc == 0 && has;)
            rc = floe_avro_reader_next(&has, r, v);
        floe_avro_value_free(v);
        floe_avro_reader_free(r);
    }
    assert_int_equal(rc, FLOE_ECORRUPT);
    if (!strstr(floe_error_last(), fragment))
        fail_msg("error '%s' lacks '%s'", floe_error_last(), fragment);
}

static void test_bad_magic_sync_and_crc_are_corrupt_with_offsets(void **state)
{
    (void)state;
    size_t len, bounds[8], nb;
    uint8_t *data = write_small(FLOE_AVRO_CODEC_SNAPPY, &len, bounds, &nb);
    uint8_t *t = malloc(len);

    memcpy(t, data, len);
    t[3] = 2;
    corrupt_expect(t, len, "bad magic at byte offset 0");

    /* The sync marker after the second block. */
    memcpy(t, data, len);
    t[bounds[2] - 1] ^= 0xff;
    char frag[64];
    snprintf(frag, sizeof frag, "byte offset %zu", bounds[2] - 16);
    corrupt_expect(t, len, "sync marker does not match");
    corrupt_expect(t, len, frag);

    /* Flip the last CRC byte of the first block (just before its sync marker). */
    memcpy(t, data, len);
    t[bounds[1] - 17] ^= 0x01;
    corrupt_expect(t, len, "CRC32");

    /* Garbage instead of the snappy payload of block 3. */
    memcpy(t, data, len);
    for (size_t i = bounds[2] + 2; i < bounds[3] - 20; i++)
        t[i] = 0xff;
    corrupt_expect(t, len, "offset");

    /* A block claiming 2^40 bytes. */
    free(data);
    data = write_small(FLOE_AVRO_CODEC_NULL, &len, bounds, &nb);
    const uint8_t huge[] = {0x02, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40};
    uint8_t *h = malloc(bounds[0] + sizeof huge + 20);
    memcpy(h, data, bounds[0]);
    memcpy(h + bounds[0], huge, sizeof huge);
    memset(h + bounds[0] + sizeof huge, 0, 20);
    corrupt_expect(h, bounds[0] + sizeof huge + 20, "over the limit");
    /* A block claiming more records than bytes. */
    const uint8_t many[] = {0xfe, 0x0f, 0x02, 0x00};
    memcpy(h + bounds[0], many, sizeof many);
    memcpy(h + bounds[0] + sizeof many, data + bounds[0] - 16, 16);
    corrupt_expect(h, bounds[0] + sizeof many + 16, "cannot fit");
    free(h);
    free(t);
    free(data);
}

static void test_header_limits_and_metadata_counts_are_checked(void **state)
{
    (void)state;
    /* Metadata map claiming 2^40 entries. */
    const uint8_t bad[] = {'O', 'b', 'j', 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 0x00};
    corrupt_expect(bad, sizeof bad, "exceeds");
    /* A header without avro.schema. */
    uint8_t noschema[4 + 1 + 16];
    memcpy(noschema, "Obj\x01", 4);
    noschema[4] = 0;
    memset(noschema + 5, 7, 16);
    corrupt_expect(noschema, sizeof noschema, "avro.schema");
    /* An unknown codec is unsupported, not corrupt. */
    {
        const char *schema = "\"int\"";
        uint8_t h[64];
        size_t n = 0;
        memcpy(h, "Obj\x01", 4);
        n = 4;
        h[n++] = 4; /* 2 entries */
        h[n++] = 22;
        memcpy(h + n, "avro.schema", 11);
        n += 11;
        h[n++] = (uint8_t)(2 * strlen(schema));
        memcpy(h + n, schema, strlen(schema));
        n += strlen(schema);
        h[n++] = 20;
        memcpy(h + n, "avro.codec", 10);
        n += 10;
        h[n++] = 6;
        memcpy(h + n, "lz4", 3);
        n += 3;
        h[n++] = 0;
        memset(h + n, 1, 16);
        n += 16;
        floe_avro_reader *r = NULL;
        assert_int_equal(floe_avro_reader_open_memory(&r, h, n, NULL), FLOE_EUNSUPPORTED);
        assert_non_null(strstr(floe_error_last(), "lz4"));
    }
    /* A header larger than max_header_bytes. */
    floe_avro_schema *s = parse(entry_schema);
    floe_avro_writer *w;
    assert_int_equal(floe_avro_writer_new_memory(&w, s, NULL), 0);
    char *big = malloc(200000);
    memset(big, 'x', 199999);
    big[199999] = 0;
    assert_int_equal(floe_avro_writer_set_meta_string(w, "big", big), 0);
    assert_int_equal(floe_avro_writer_finish(w, NULL), 0);
    size_t len;
    const uint8_t *data = floe_avro_writer_bytes(w, &len);
    floe_avro_reader_options ro = FLOE_AVRO_READER_OPTIONS_INIT;
    ro.max_header_bytes = 100000;
    floe_avro_reader *r = NULL;
    assert_int_equal(floe_avro_reader_open_memory(&r, data, len, &ro), FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "larger than 100000"));
    /* With the default limit the large header reads (in growing chunks). */
    assert_int_equal(floe_avro_reader_open_memory(&r, data, len, NULL), 0);
    assert_int_equal(strlen(floe_avro_reader_meta(r, "big")), 199999);
    floe_avro_reader_free(r);
    free(big);
    floe_avro_writer_free(w);
    floe_avro_schema_free(s);
}

static void test_writer_rejects_values_of_another_schema(void **state)
{
    (void)state;
    floe_avro_schema *s = parse(entry_schema);
    floe_avro_schema *other = parse("\"long\"");
    floe_avro_writer *w;
    assert_int_equal(floe_avro_writer_new_memory(&w, s, NULL), 0);
    floe_avro_value *v;
    assert_int_equal(floe_avro_value_new(&v, other), 0);
    assert_int_equal(floe_avro_writer_append(w, v), FLOE_ESCHEMA);
    floe_avro_value_free(v);
    /* A structurally equal schema parsed separately is accepted. */
    floe_avro_schema *same = parse(entry_schema);
    assert_int_equal(floe_avro_value_new(&v, same), 0);
    fill(v, 1);
    assert_int_equal(floe_avro_writer_append(w, v), 0);
    assert_int_equal(floe_avro_writer_finish(w, NULL), 0);
    floe_avro_value_free(v);
    floe_avro_writer_free(w);
    floe_avro_schema_free(same);
    floe_avro_schema_free(other);
    floe_avro_schema_free(s);
}

static void test_deterministic_with_fixed_sync_marker(void **state)
{
    (void)state;
    floe_avro_schema *s = parse("\"string\"");
    const uint8_t sync[16] = "0123456789abcdef";
    floe_avro_writer_options o = FLOE_AVRO_WRITER_OPTIONS_INIT;
    o.sync_marker = sync;
    floe_avro_writer *w;
    assert_int_equal(floe_avro_writer_new_memory(&w, s, &o), 0);
    floe_avro_value *v;
    assert_int_equal(floe_avro_value_new(&v, s), 0);
    assert_int_equal(floe_avro_value_set_string(v, "hi"), 0);
    assert_int_equal(floe_avro_writer_append(w, v), 0);
    assert_int_equal(floe_avro_writer_finish(w, NULL), 0);
    size_t len;
    const uint8_t *b = floe_avro_writer_bytes(w, &len);
    const uint8_t expect[] = "Obj\x01\x04\x16"
                             "avro.schema\x10\"string\"\x14"
                             "avro.codec\x08null\x00"
                             "0123456789abcdef\x02\x06\x04hi0123456789abcdef";
    assert_int_equal(len, sizeof expect - 1);
    assert_memory_equal(b, expect, len);
    floe_avro_value_free(v);
    floe_avro_writer_free(w);
    floe_avro_schema_free(s);
}

/* One write and read of a small file with every allocation checked; returns the first error. */
static int write_read_once(const floe_avro_schema *s, floe_avro_codec codec)
{
    floe_avro_writer_options o = FLOE_AVRO_WRITER_OPTIONS_INIT;
    o.codec = codec;
    o.block_size = 200;
    floe_avro_writer *w = NULL;
    floe_avro_value *v = NULL, *rv = NULL;
    floe_avro_reader *r = NULL;
    floe_avro_schema *rs = NULL;
    int rc = floe_avro_writer_new_memory(&w, s, &o);
    if (rc == 0)
        rc = floe_avro_writer_set_meta_string(w, "k", "v");
    if (rc == 0)
        rc = floe_avro_value_new(&v, s);
    for (int i = 0; rc == 0 && i < 6; i++) {
        floe_avro_value *x;
        rc = floe_avro_value_set_string(floe_avro_value_field(v, 0), "path");
        if (rc == 0)
            rc = floe_avro_value_set_optional(&x, floe_avro_value_field(v, 3), 1);
        if (rc == 0)
            rc = floe_avro_value_set_bytes(x, "abc", 3);
        if (rc == 0)
            rc = floe_avro_value_append(&x, floe_avro_value_field(v, 4));
        if (rc == 0)
            rc = floe_avro_writer_append(w, v);
    }
    if (rc == 0)
        rc = floe_avro_writer_finish(w, NULL);
    size_t len = 0;
    const uint8_t *data = rc == 0 ? floe_avro_writer_bytes(w, &len) : NULL;
    const char *rjson = "{\"type\":\"record\",\"name\":\"x\",\"fields\":["
                        "{\"name\":\"p\",\"type\":\"bytes\",\"field-id\":500},"
                        "{\"name\":\"n\",\"type\":[\"null\",\"int\"],\"field-id\":7}]}";
    if (rc == 0)
        rc = floe_avro_schema_parse(&rs, rjson, strlen(rjson));
    floe_avro_reader_options ro = FLOE_AVRO_READER_OPTIONS_INIT;
    ro.reader_schema = rs;
    if (rc == 0)
        rc = floe_avro_reader_open_memory(&r, data, len, &ro);
    if (rc == 0)
        rc = floe_avro_value_new(&rv, floe_avro_reader_schema(r));
    for (int has = 1; rc == 0 && has;)
        rc = floe_avro_reader_next(&has, r, rv);
    floe_avro_reader_free(r);
    floe_avro_value_free(rv);
    floe_avro_schema_free(rs);
    floe_avro_value_free(v);
    floe_avro_writer_free(w);
    return rc;
}

static void test_write_and_read_survive_allocation_failures(void **state)
{
    (void)state;
    floe_avro_schema *s = parse(entry_schema);
    floe_avro_codec codecs[] = {FLOE_AVRO_CODEC_NULL, FLOE_AVRO_CODEC_SNAPPY};
    for (size_t c = 0; c < 2; c++) {
        assert_int_equal(write_read_once(s, codecs[c]), 0);
        long n;
        for (n = 1; n < 100000; n++) {
            floe_alloc_fail_after(n);
            int rc = write_read_once(s, codecs[c]);
            floe_alloc_fail_after(0);
            if (rc == 0)
                break;
            if (rc != FLOE_ENOMEM)
                fail_msg("allocation %ld failed with %s: %s", n, floe_error_name(rc),
                         floe_error_last());
        }
        assert_true(n > 20);
    }
    floe_avro_schema_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_codec_round_trips_in_memory),
        cmocka_unit_test(test_empty_file_has_header_only),
        cmocka_unit_test(test_streaming_through_file_io_reads_block_by_block),
        cmocka_unit_test(test_truncation_at_every_offset_is_clean),
        cmocka_unit_test(test_bad_magic_sync_and_crc_are_corrupt_with_offsets),
        cmocka_unit_test(test_header_limits_and_metadata_counts_are_checked),
        cmocka_unit_test(test_writer_rejects_values_of_another_schema),
        cmocka_unit_test(test_deterministic_with_fixed_sync_marker),
        cmocka_unit_test(test_write_and_read_survive_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
