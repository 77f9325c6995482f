/* Parquet writer options and edge cases: every codec, dictionary fallback, statistics order
 * per type (checked in the footer floe wrote), the memory bound with many rows, row-group
 * sizing by encoded bytes, and rejected input. */
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/schema.h>
#include <floe/arrow/stream.h>
#include <floe/error.h>
#include <floe/io.h>
#include <floe/parquet/writer.h>

#include "formats/parquet/metadata.h"

static void add_child(struct ArrowSchema *parent, int i, const char *format, const char *name,
                      int nullable, int field_id)
{
    struct ArrowSchema *c = parent->children[i];
    assert_int_equal(floe_arrow_schema_init(c, format, name, nullable ? ARROW_FLAG_NULLABLE : 0),
                     0);
    if (field_id > 0) {
        char b[16];
        snprintf(b, sizeof b, "%d", field_id);
        assert_int_equal(floe_arrow_schema_metadata_set(c, FLOE_ARROW_FIELD_ID_KEY, b), 0);
    }
}

/* Writes to an in-memory FileIO and returns the file's bytes (caller frees). */
static uint8_t *write_mem(size_t *len, const struct ArrowSchema *schema, struct ArrowArray *batches,
                          int n, const floe_parquet_writer_options *o,
                          floe_parquet_file_metrics **metrics)
{
    floe_file_io *io;
    assert_int_equal(floe_memory_file_io_new(&io), 0);
    floe_output_file *of;
    assert_int_equal(io->create(&of, io, "mem://t.parquet", FLOE_CREATE_OVERWRITE), 0);
    floe_parquet_writer *w;
    if (floe_parquet_writer_open(&w, of, schema, o))
        fail_msg("open: %s", floe_error_last());
    for (int i = 0; i < n; i++)
        if (floe_parquet_writer_write(w, &batches[i]))
            fail_msg("write: %s", floe_error_last());
    if (floe_parquet_writer_close(w, metrics))
        fail_msg("close: %s", floe_error_last());
    uint8_t *data;
    assert_int_equal(floe_file_io_read_all(&data, len, io, "mem://t.parquet", (size_t)1 << 30), 0);
    floe_file_io_free(io);
    return data;
}

static floe_parquet_file_metadata *footer(const uint8_t *data, size_t len)
{
    assert_true(len >= 12);
    assert_memory_equal(data, "PAR1", 4);
    assert_memory_equal(data + len - 4, "PAR1", 4);
    uint32_t flen = (uint32_t)data[len - 8] | (uint32_t)data[len - 7] << 8 |
                    (uint32_t)data[len - 6] << 16 | (uint32_t)data[len - 5] << 24;
    assert_true(flen + 12 <= len);
    floe_parquet_file_metadata *md;
    if (floe_parquet__file_metadata_decode(&md, data + len - 8 - flen, flen, len - 8 - flen))
        fail_msg("footer: %s", floe_error_last());
    /* Real footers decode to well under the decoder's hostile-input budget (16x + 1 MiB). */
    if (md->arena.total > 10 * (size_t)flen + (64u << 10))
        fail_msg("footer of %u bytes decoded to %zu bytes", flen, md->arena.total);
    return md;
}

static const floe_parquet_statistics *col_stats(const floe_parquet_file_metadata *md, int rg,
                                                int col)
{
    const floe_parquet_column_metadata *cm = md->row_groups[rg].columns[col].meta_data;
    assert_non_null(cm);
    assert_non_null(cm->statistics);
    return cm->statistics;
}

static int64_t le_int(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    if (n < 8 && (v >> (8 * n - 1)) & 1)
        v |= ~(uint64_t)0 << (8 * n);
    return (int64_t)v;
}

/* ---- statistics ------------------------------------------------------------------------- */

static void test_statistics_follow_type_defined_order(void **state)
{
    (void)state;
    struct ArrowSchema s;
    assert_int_equal(floe_arrow_schema_init(&s, "+s", "", 0), 0);
    assert_int_equal(floe_arrow_schema_alloc_children(&s, 8), 0);
    add_child(&s, 0, "I", "u32", 1, 1);
    add_child(&s, 1, "i", "i32", 1, 2);
    add_child(&s, 2, "d:38,0", "dec", 1, 3);
    add_child(&s, 3, "g", "zeros", 1, 4);
    add_child(&s, 4, "f", "all_nan", 1, 5);
    add_child(&s, 5, "z", "bin", 1, 6);
    add_child(&s, 6, "u", "str", 1, 7);
    add_child(&s, 7, "b", "flag", 1, 8);
    floe_arrow_builder *b;
    assert_int_equal(floe_arrow_builder_new(&b, &s), 0);
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < 4; i++) {
            floe_arrow_builder *c;
            static const uint32_t u[] = {1, 0xFFFFFFFFu, 7, 0x80000000u};
            assert_int_equal(floe_arrow_builder_append_uint(floe_arrow_builder_child(b, 0), u[i]),
                             0);
            static const int32_t si[] = {3, -5, 0, 2};
            assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 1), si[i]),
                             0);
            static const int64_t dv[] = {-2, 300, -70000, 1};
            floe_decimal128 d = {(uint64_t)dv[i], dv[i] < 0 ? -1 : 0};
            assert_int_equal(
                floe_arrow_builder_append_decimal128(floe_arrow_builder_child(b, 2), d), 0);
            static const double z[] = {0.0, -0.0, NAN, 0.0};
            assert_int_equal(floe_arrow_builder_append_double(floe_arrow_builder_child(b, 3), z[i]),
                             0);
            c = floe_arrow_builder_child(b, 4);
            if (i == 2)
                assert_int_equal(floe_arrow_builder_append_null(c), 0);
            else
                assert_int_equal(floe_arrow_builder_append_double(c, NAN), 0);
            static const uint8_t bins[4][2] = {{0x80, 0}, {0x7f, 0xff}, {0xff, 0}, {0x80, 1}};
            assert_int_equal(
                floe_arrow_builder_append_bytes(floe_arrow_builder_child(b, 5), bins[i], 2), 0);
            static const char *strs[] = {"ab", "b", "a", "\xc3\xa9"};
            assert_int_equal(floe_arrow_builder_append_str(floe_arrow_builder_child(b, 6), strs[i]),
                             0);
            assert_int_equal(floe_arrow_builder_append_bool(floe_arrow_builder_child(b, 7), 1), 0);
        }
    }
    struct ArrowArray a;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &a, NULL), 0);
    floe_arrow_builder_free(b);

    for (int dict = 0; dict < 2; dict++) {
        floe_parquet_writer_options o = FLOE_PARQUET_WRITER_OPTIONS_INIT;
        o.enable_dictionary = dict;
        size_t len;
        floe_parquet_file_metrics *m;
        uint8_t *data = write_mem(&len, &s, &a, 1, &o, &m);
        floe_parquet_file_metadata *md = footer(data, len);
        assert_int_equal(md->num_column_orders, 8);
        for (int k = 0; k < 8; k++)
            assert_int_equal(md->column_orders[k], FLOE_PARQUET_ORDER_TYPE_DEFINED);
        assert_string_equal(md->created_by, "floe version 0.1.0");
        const floe_parquet_statistics *st = col_stats(md, 0, 0);
        assert_true(st->is_min_value_exact && st->is_max_value_exact);
        assert_int_equal(st->null_count, 0);
        assert_int_equal((uint32_t)le_int(st->min_value, 4), 1u);
        assert_int_equal((uint32_t)le_int(st->max_value, 4), 0xFFFFFFFFu); /* unsigned order */
        st = col_stats(md, 0, 1);
        assert_int_equal(le_int(st->min_value, 4), -5);
        assert_int_equal(le_int(st->max_value, 4), 3);
        st = col_stats(md, 0, 2); /* FLBA decimal: signed big-endian */
        assert_int_equal(st->min_value_len, 16);
        assert_int_equal(st->min_value[0], 0xff);
        assert_int_equal(st->min_value[13] << 16 | st->min_value[14] << 8 | st->min_value[15],
                         (-70000) & 0xffffff);
        assert_int_equal(st->max_value[0], 0x00);
        assert_int_equal(st->max_value[14] << 8 | st->max_value[15], 300);
        st = col_stats(md, 0, 3); /* -0.0 min, +0.0 max, NaN never a bound */
        double dmin, dmax;
        memcpy(&dmin, st->min_value, 8);
        memcpy(&dmax, st->max_value, 8);
        assert_true(dmin == 0.0 && signbit(dmin));
        assert_true(dmax == 0.0 && !signbit(dmax));
        assert_true(st->has_nan_count);
        assert_int_equal(st->nan_count, 2);
        st = col_stats(md, 0, 4); /* only NaN and null: no bounds */
        assert_false(st->has_min_value);
        assert_false(st->has_max_value);
        assert_int_equal(st->null_count, 2);
        assert_int_equal(st->nan_count, 6);
        st = col_stats(md, 0, 5); /* unsigned byte-wise */
        assert_int_equal(st->min_value[0], 0x7f);
        assert_int_equal(st->max_value[0], 0xff);
        st = col_stats(md, 0, 6);
        assert_int_equal(st->min_value_len, 1);
        assert_int_equal(st->min_value[0], 'a');
        assert_int_equal(st->max_value[0], 0xc3);
        st = col_stats(md, 0, 7);
        assert_int_equal(st->min_value[0], 1);
        assert_int_equal(st->max_value[0], 1);
        const floe_parquet_column_metadata *cm = md->row_groups[0].columns[6].meta_data;
        assert_int_equal(cm->num_values, 8);
        bool has_dict_enc = false;
        for (uint32_t k = 0; k < cm->num_encodings; k++)
            has_dict_enc |= cm->encodings[k] == FLOE_PARQUET_ENC_RLE_DICTIONARY;
        assert_int_equal(has_dict_enc, dict);
        assert_int_equal(cm->has_dictionary_page_offset, dict);

        /* the metrics carry the same bounds as typed values */
        const floe_parquet_column_metrics *c0 = floe_parquet_file_metrics_find(m, 1);
        assert_int_equal(c0->lower.i, 1);
        assert_int_equal(c0->upper.i, 0xFFFFFFFFLL);
        const floe_parquet_column_metrics *c4 = floe_parquet_file_metrics_find(m, 5);
        assert_int_equal(c4->lower.kind, FLOE_PARQUET_VALUE_NONE);
        assert_int_equal(c4->nan_count, 6);
        assert_int_equal(c4->null_count, 2);
        const floe_parquet_column_metrics *c3 = floe_parquet_file_metrics_find(m, 4);
        assert_true(c3->lower.d == 0.0 && signbit(c3->lower.d));
        assert_true(c3->upper.d == 0.0 && !signbit(c3->upper.d));
        floe_parquet_file_metrics_free(m);
        floe_parquet__file_metadata_free(md);
        free(data);
    }
    /* write_statistics = 0: no Statistics in the footer, metrics still have bounds */
    floe_parquet_writer_options o = FLOE_PARQUET_WRITER_OPTIONS_INIT;
    o.write_statistics = 0;
    size_t len;
    floe_parquet_file_metrics *m;
    uint8_t *data = write_mem(&len, &s, &a, 1, &o, &m);
    floe_parquet_file_metadata *md = footer(data, len);
    for (int k = 0; k < 8; k++)
        assert_null(md->row_groups[0].columns[k].meta_data->statistics);
    assert_int_equal(floe_parquet_file_metrics_find(m, 2)->lower.i, -5);
    floe_parquet_file_metrics_free(m);
    floe_parquet__file_metadata_free(md);
    free(data);
    a.release(&a);
    s.release(&s);
}

/* ---- dictionary fallback ------------------------------------------------------------------ */

/* id BIGINT, s VARCHAR: s is NULL when id % 13 == 0, else 'value-<k>-<id % 3>' with
 * k = id % 50 for the first `low` rows and (id * 7919) % distinct after them (the same
 * formula parquet_write_strings.mjs checks). */
static void build_strings(struct ArrowSchema *s, struct ArrowArray *a, long n, long distinct,
                          long low)
{
    assert_int_equal(floe_arrow_schema_init(s, "+s", "", 0), 0);
    assert_int_equal(floe_arrow_schema_alloc_children(s, 2), 0);
    add_child(s, 0, "l", "id", 0, 1);
    add_child(s, 1, "u", "s", 1, 2);
    floe_arrow_builder *b;
    assert_int_equal(floe_arrow_builder_new(&b, s), 0);
    for (long i = 0; i < n; i++) {
        assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), i), 0);
        char t[48];
        snprintf(t, sizeof t, "value-%ld-%ld", i < low ? i % 50 : (i * 7919) % distinct, i % 3);
        if (i % 13 == 0)
            assert_int_equal(floe_arrow_builder_append_null(floe_arrow_builder_child(b, 1)), 0);
        else
            assert_int_equal(floe_arrow_builder_append_str(floe_arrow_builder_child(b, 1), t), 0);
    }
    assert_int_equal(floe_arrow_builder_finish_batch(b, a, NULL), 0);
    floe_arrow_builder_free(b);
}

static void count_pages(const floe_parquet_column_metadata *cm, int *dict, int *plain)
{
    *dict = *plain = 0;
    for (uint32_t k = 0; k < cm->num_encoding_stats; k++) {
        if (cm->encoding_stats[k].page_type != FLOE_PARQUET_PAGE_DATA)
            continue;
        if (cm->encoding_stats[k].encoding == FLOE_PARQUET_ENC_RLE_DICTIONARY)
            *dict += cm->encoding_stats[k].count;
        else if (cm->encoding_stats[k].encoding == FLOE_PARQUET_ENC_PLAIN)
            *plain += cm->encoding_stats[k].count;
    }
}

static void test_dictionary_falls_back_to_plain_and_reads_back(void **state)
{
    (void)state;
    FLOE_REQUIRE_INTEROP();
    struct ArrowSchema s;
    struct ArrowArray a;
    build_strings(&s, &a, 30000, 30000, 10000);
    floe_parquet_writer_options o = FLOE_PARQUET_WRITER_OPTIONS_INIT;
    o.dictionary_page_bytes = 16384;
    o.page_bytes = 1024;
    size_t len;
    uint8_t *data = write_mem(&len, &s, &a, 1, &o, NULL);
    floe_parquet_file_metadata *md = footer(data, len);
    assert_int_equal(md->num_row_groups, 1);
    const floe_parquet_column_metadata *cm = md->row_groups[0].columns[1].meta_data;
    int nd, np;
    count_pages(cm, &nd, &np);
    assert_true(nd >= 1);
    assert_true(np >= 1);
    assert_true(cm->has_dictionary_page_offset);
    assert_true(cm->dictionary_page_offset < cm->data_page_offset);
    int plain = 0, dict = 0, rle = 0;
    for (uint32_t k = 0; k < cm->num_encodings; k++) {
        plain |= cm->encodings[k] == FLOE_PARQUET_ENC_PLAIN;
        dict |= cm->encodings[k] == FLOE_PARQUET_ENC_RLE_DICTIONARY;
        rle |= cm->encodings[k] == FLOE_PARQUET_ENC_RLE;
    }
    assert_true(plain && dict && rle);

    /* DuckDB reads every value of the mixed chunk. */
    const char *dir = floe_test_tmpdir("pqw_dict");
    char path[512];
    snprintf(path, sizeof path, "%s/dict.parquet", dir);
    assert_int_equal(floe_test_write_file(path, data, len), 0);
    char args[1024];
    snprintf(args, sizeof args, "'%s::30000::10000'", path);
    char *out = NULL;
    assert_int_equal(floe_test_node("parquet_write_strings.mjs", args, &out), 0);
    json_t *rep = json_loads(out, 0, NULL);
    assert_non_null(rep);
    assert_int_equal(json_integer_value(json_object_get(rep, "rows")), 30000);
    assert_int_equal(json_integer_value(json_object_get(rep, "bad")), 0);
    assert_int_equal(json_integer_value(json_object_get(rep, "nulls")), (30000 + 12) / 13);
    json_decref(rep);
    free(out);
    floe_parquet__file_metadata_free(md);
    free(data);
    a.release(&a);
    s.release(&s);
}

/* ---- codecs ----------------------------------------------------------------------------- */

static void test_every_codec_is_read_by_duckdb_and_hyparquet(void **state)
{
    (void)state;
    FLOE_REQUIRE_INTEROP();
    static const struct {
        int codec;
        const char *name;
    } codecs[] = {{FLOE_PARQUET_COMPRESSION_UNCOMPRESSED, "UNCOMPRESSED"},
                  {FLOE_PARQUET_COMPRESSION_SNAPPY, "SNAPPY"},
                  {FLOE_PARQUET_COMPRESSION_GZIP, "GZIP"},
                  {FLOE_PARQUET_COMPRESSION_BROTLI, "BROTLI"},
                  {FLOE_PARQUET_COMPRESSION_ZSTD, "ZSTD"},
                  {FLOE_PARQUET_COMPRESSION_LZ4_RAW, "LZ4_RAW"}};
    struct ArrowSchema s;
    struct ArrowArray a;
    build_strings(&s, &a, 5000, 300, 0);
    const char *dir = floe_test_tmpdir("pqw_codecs");
    char args[4096] = "";
    size_t used = 0;
    for (size_t k = 0; k < sizeof codecs / sizeof codecs[0]; k++) {
        floe_parquet_writer_options o = FLOE_PARQUET_WRITER_OPTIONS_INIT;
        o.compression = codecs[k].codec;
        o.page_bytes = 4096;
        size_t len;
        uint8_t *data = write_mem(&len, &s, &a, 1, &o, NULL);
        char path[512];
        snprintf(path, sizeof path, "%s/%s.parquet", dir, codecs[k].name);
        assert_int_equal(floe_test_write_file(path, data, len), 0);
        free(data);
        used += (size_t)snprintf(args + used, sizeof args - used, "'%s::300::0' ", path);
    }
    char *out = NULL;
    assert_int_equal(floe_test_node("parquet_write_strings.mjs", args, &out), 0);
    json_t *all = json_loads(out, 0, NULL);
    assert_non_null(all);
    json_t *files = json_object_get(all, "files");
    assert_int_equal(json_array_size(files), sizeof codecs / sizeof codecs[0]);
    for (size_t k = 0; k < json_array_size(files); k++) {
        json_t *f = json_array_get(files, k);
        assert_int_equal(json_integer_value(json_object_get(f, "rows")), 5000);
        assert_int_equal(json_integer_value(json_object_get(f, "bad")), 0);
        assert_int_equal(json_integer_value(json_object_get(f, "hyparquet_bad")), 0);
        assert_string_equal(json_string_value(json_object_get(f, "compression")), codecs[k].name);
    }
    json_decref(all);
    free(out);
    a.release(&a);
    s.release(&s);
}

/* ---- memory bound and row-group sizing ---------------------------------------------------- */

static void test_two_million_rows_keep_memory_bounded_and_row_groups_near_target(void **state)
{
    (void)state;
    struct ArrowSchema s;
    assert_int_equal(floe_arrow_schema_init(&s, "+s", "", 0), 0);
    assert_int_equal(floe_arrow_schema_alloc_children(&s, 3), 0);
    add_child(&s, 0, "l", "id", 0, 1);
    add_child(&s, 1, "g", "v", 1, 2);
    add_child(&s, 2, "u", "s", 1, 3);
    floe_file_io *io;
    assert_int_equal(floe_memory_file_io_new(&io), 0);
    floe_output_file *of;
    assert_int_equal(io->create(&of, io, "mem://big.parquet", FLOE_CREATE_OVERWRITE), 0);
    floe_parquet_writer_options o = FLOE_PARQUET_WRITER_OPTIONS_INIT;
    o.row_group_bytes = 1 << 20;
    o.page_bytes = 128 << 10;
    floe_parquet_writer *w;
    assert_int_equal(floe_parquet_writer_open(&w, of, &s, &o), 0);
    floe_arrow_builder *b;
    assert_int_equal(floe_arrow_builder_new(&b, &s), 0);
    const long total = 2000000, per = 65536;
    uint64_t max_buffered = 0, max_first_half = 0, last_est = 0;
    uint64_t state_rng = 12345;
    for (long i = 0; i < total;) {
        long n = total - i < per ? total - i : per;
        for (long k = 0; k < n; k++, i++) {
            state_rng = state_rng * 6364136223846793005ULL + 1442695040888963407ULL;
            assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), i), 0);
            assert_int_equal(floe_arrow_builder_append_double(floe_arrow_builder_child(b, 1),
                                                              (double)(state_rng >> 40) / 7.0),
                             0);
            char t[32];
            snprintf(t, sizeof t, "name-%u", (unsigned)((state_rng >> 20) % 5000));
            assert_int_equal(floe_arrow_builder_append_str(floe_arrow_builder_child(b, 2), t), 0);
        }
        struct ArrowArray a;
        assert_int_equal(floe_arrow_builder_finish_batch(b, &a, NULL), 0);
        assert_int_equal(floe_parquet_writer_write(w, &a), 0);
        a.release(&a);
        uint64_t buf = floe_parquet_writer_buffered_bytes(w);
        if (buf > max_buffered)
            max_buffered = buf;
        if (i <= total / 2)
            max_first_half = max_buffered;
        uint64_t est = floe_parquet_writer_bytes_estimate(w);
        assert_true(est >= last_est);
        last_est = est;
    }
    floe_arrow_builder_free(b);
    assert_int_equal(floe_parquet_writer_row_count(w), total);
    uint64_t est = floe_parquet_writer_bytes_estimate(w);
    floe_parquet_file_metrics *m;
    assert_int_equal(floe_parquet_writer_close(w, &m), 0);
    uint64_t size = floe_parquet_file_metrics_file_size(m);
    /* The input is ~40 MiB in memory; the writer holds a bounded amount set by the row-group
     * and page targets (chunk buffers, one page per column, dictionaries, scratch), and it
     * does not grow with the rows written. */
    if (max_buffered > 6u << 20)
        fail_msg("writer buffered %llu bytes for a 1 MiB row-group target",
                 (unsigned long long)max_buffered);
    assert_true(max_buffered <= max_first_half + (256u << 10));
    /* The estimate before close is close to the real size (the footer is the difference). */
    assert_true((double)est > 0.9 * (double)size && (double)est <= (double)size * 1.05);

    uint8_t *data;
    size_t len;
    assert_int_equal(floe_file_io_read_all(&data, &len, io, "mem://big.parquet", (size_t)1 << 30),
                     0);
    assert_int_equal(len, size);
    floe_parquet_file_metadata *md = footer(data, len);
    assert_int_equal(md->num_rows, total);
    assert_true(md->num_row_groups >= 4);
    assert_int_equal(floe_parquet_file_metrics_n_row_groups(m), md->num_row_groups);
    for (uint32_t g = 0; g + 1 < md->num_row_groups; g++) {
        int64_t c = md->row_groups[g].total_compressed_size;
        /* sized by encoded bytes: near the target, not many times smaller or larger */
        if (c < (1 << 20) * 8 / 10 || c > (1 << 20) * 13 / 10)
            fail_msg("row group %u has %lld compressed bytes for a 1 MiB target", g, (long long)c);
        assert_int_equal(floe_parquet_file_metrics_split_offset(m, g),
                         md->row_groups[g].file_offset);
    }
    floe_parquet__file_metadata_free(md);
    floe_parquet_file_metrics_free(m);
    free(data);
    floe_file_io_free(io);
    s.release(&s);
}

/* ---- errors ----------------------------------------------------------------------------- */

static void test_rejects_nulls_in_required_fields_and_mismatched_batches(void **state)
{
    (void)state;
    struct ArrowSchema s;
    assert_int_equal(floe_arrow_schema_init(&s, "+s", "", 0), 0);
    assert_int_equal(floe_arrow_schema_alloc_children(&s, 1), 0);
    add_child(&s, 0, "l", "id", 0, 1);
    /* a nullable twin schema, to build a batch with a null */
    struct ArrowSchema sn;
    assert_int_equal(floe_arrow_schema_init(&sn, "+s", "", 0), 0);
    assert_int_equal(floe_arrow_schema_alloc_children(&sn, 1), 0);
    add_child(&sn, 0, "l", "id", 1, 1);
    floe_arrow_builder *b;
    assert_int_equal(floe_arrow_builder_new(&b, &sn), 0);
    assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), 1), 0);
    assert_int_equal(floe_arrow_builder_append_null(floe_arrow_builder_child(b, 0)), 0);
    struct ArrowArray a;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &a, NULL), 0);
    floe_arrow_builder_free(b);

    floe_file_io *io;
    assert_int_equal(floe_memory_file_io_new(&io), 0);
    floe_output_file *of;
    assert_int_equal(io->create(&of, io, "mem://bad.parquet", FLOE_CREATE_OVERWRITE), 0);
    floe_parquet_writer *w;
    assert_int_equal(floe_parquet_writer_open(&w, of, &s, NULL), 0);
    assert_int_equal(floe_parquet_writer_write(w, &a), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "id"));
    assert_non_null(strstr(floe_error_last(), "nullable"));
    assert_true(floe_parquet_writer_close(w, NULL) != 0);
    int exists = 1;
    assert_int_equal(io->exists(&exists, io, "mem://bad.parquet"), 0);
    assert_int_equal(exists, 0); /* a failed file never becomes visible */

    /* wrong shape: the batch has two columns */
    struct ArrowSchema s2;
    assert_int_equal(floe_arrow_schema_init(&s2, "+s", "", 0), 0);
    assert_int_equal(floe_arrow_schema_alloc_children(&s2, 2), 0);
    add_child(&s2, 0, "l", "id", 0, 1);
    add_child(&s2, 1, "l", "x", 0, 2);
    assert_int_equal(floe_arrow_builder_new(&b, &s2), 0);
    assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), 1), 0);
    assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 1), 1), 0);
    struct ArrowArray a2;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &a2, NULL), 0);
    floe_arrow_builder_free(b);
    assert_int_equal(io->create(&of, io, "mem://bad2.parquet", FLOE_CREATE_OVERWRITE), 0);
    assert_int_equal(floe_parquet_writer_open(&w, of, &s, NULL), 0);
    assert_int_equal(floe_parquet_writer_write(w, &a2), FLOE_EINVALID);
    floe_parquet_writer_abort(w);

    /* options: version 0, unsupported codec, non-struct schema */
    floe_parquet_writer_options o = FLOE_PARQUET_WRITER_OPTIONS_INIT;
    o.version = 0;
    assert_int_equal(io->create(&of, io, "mem://bad3.parquet", FLOE_CREATE_OVERWRITE), 0);
    assert_int_equal(floe_parquet_writer_open(&w, of, &s, &o), FLOE_EINVALID);
    assert_null(w);
    o.version = FLOE_PARQUET_WRITER_OPTIONS_VERSION;
    o.compression = 3; /* LZO */
    assert_int_equal(io->create(&of, io, "mem://bad3.parquet", FLOE_CREATE_OVERWRITE), 0);
    assert_int_equal(floe_parquet_writer_open(&w, of, &s, &o), FLOE_EINVALID);
    assert_int_equal(io->create(&of, io, "mem://bad3.parquet", FLOE_CREATE_OVERWRITE), 0);
    assert_int_equal(floe_parquet_writer_open(&w, of, s.children[0], NULL), FLOE_EINVALID);
    assert_int_equal(io->exists(&exists, io, "mem://bad3.parquet"), 0);
    assert_int_equal(exists, 0);

    /* an empty file (no rows) is still a valid Parquet file */
    assert_int_equal(io->create(&of, io, "mem://empty.parquet", FLOE_CREATE_OVERWRITE), 0);
    assert_int_equal(floe_parquet_writer_open(&w, of, &s, NULL), 0);
    floe_parquet_file_metrics *m;
    assert_int_equal(floe_parquet_writer_close(w, &m), 0);
    assert_int_equal(floe_parquet_file_metrics_row_count(m), 0);
    assert_int_equal(floe_parquet_file_metrics_n_row_groups(m), 0);
    uint8_t *data;
    size_t len;
    assert_int_equal(floe_file_io_read_all(&data, &len, io, "mem://empty.parquet", 1 << 20), 0);
    floe_parquet_file_metadata *md = footer(data, len);
    assert_int_equal(md->num_rows, 0);
    floe_parquet__file_metadata_free(md);
    free(data);
    floe_parquet_file_metrics_free(m);

    a.release(&a);
    a2.release(&a2);
    s.release(&s);
    s2.release(&s2);
    sn.release(&sn);
    floe_file_io_free(io);
}

/* ---- streams and sliced batches ----------------------------------------------------------- */

static void test_stream_input_and_sliced_batches(void **state)
{
    (void)state;
    struct ArrowSchema s;
    assert_int_equal(floe_arrow_schema_init(&s, "+s", "", 0), 0);
    assert_int_equal(floe_arrow_schema_alloc_children(&s, 2), 0);
    add_child(&s, 0, "l", "id", 0, 1);
    add_child(&s, 1, "+l", "xs", 1, 2);
    assert_int_equal(floe_arrow_schema_alloc_children(s.children[1], 1), 0);
    add_child(s.children[1], 0, "i", "item", 0, 3);
    floe_arrow_builder *b;
    assert_int_equal(floe_arrow_builder_new(&b, &s), 0);
    struct ArrowArray batches[3];
    long id = 0;
    for (int k = 0; k < 3; k++) {
        for (int r = 0; r < 1000; r++, id++) {
            assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), id), 0);
            floe_arrow_builder *xs = floe_arrow_builder_child(b, 1);
            for (int j = 0; j < (int)(id % 3); j++)
                assert_int_equal(
                    floe_arrow_builder_append_int(floe_arrow_builder_child(xs, 0), id * 10 + j), 0);
            assert_int_equal(floe_arrow_builder_append_list(xs), 0);
        }
        assert_int_equal(floe_arrow_builder_finish_batch(b, &batches[k], NULL), 0);
    }
    floe_arrow_builder_free(b);

    /* a slice of the first batch: rows 100..199 (the struct's offset applies to children) */
    struct ArrowArray slice = batches[0];
    slice.offset = 100;
    slice.length = 100;
    slice.release = batches[0].release;
    floe_file_io *io;
    assert_int_equal(floe_memory_file_io_new(&io), 0);
    floe_output_file *of;
    assert_int_equal(io->create(&of, io, "mem://slice.parquet", FLOE_CREATE_OVERWRITE), 0);
    floe_parquet_writer *w;
    assert_int_equal(floe_parquet_writer_open(&w, of, &s, NULL), 0);
    assert_int_equal(floe_parquet_writer_write(w, &slice), 0);
    floe_parquet_file_metrics *m;
    assert_int_equal(floe_parquet_writer_close(w, &m), 0);
    const floe_parquet_column_metrics *c = floe_parquet_file_metrics_find(m, 1);
    assert_int_equal(c->value_count, 100);
    assert_int_equal(c->lower.i, 100);
    assert_int_equal(c->upper.i, 199);
    c = floe_parquet_file_metrics_find(m, 3);
    assert_int_equal(c->lower.i, 1000);
    assert_int_equal(c->upper.i, 1990); /* id 199 has one element */
    long levels = 0, empty = 0;
    for (long i = 100; i < 200; i++) {
        levels += i % 3 ? i % 3 : 1;
        empty += i % 3 == 0;
    }
    assert_int_equal(c->value_count, levels);
    assert_int_equal(c->null_count, empty); /* an empty list is one level without a value */
    floe_parquet_file_metrics_free(m);

    /* the whole stream */
    struct ArrowSchema copy;
    assert_int_equal(floe_arrow_schema_copy(&copy, &s), 0);
    struct ArrowArrayStream st;
    assert_int_equal(floe_arrow_stream_from_batches(&st, &copy, batches, 3), 0);
    assert_int_equal(io->create(&of, io, "mem://stream.parquet", FLOE_CREATE_OVERWRITE), 0);
    floe_parquet_writer_options o = FLOE_PARQUET_WRITER_OPTIONS_INIT;
    o.compression = FLOE_PARQUET_COMPRESSION_GZIP;
    assert_int_equal(floe_parquet_writer_open(&w, of, &s, &o), 0);
    assert_int_equal(floe_parquet_writer_write_stream(w, &st), 0);
    assert_int_equal(floe_parquet_writer_row_count(w), 3000);
    assert_int_equal(floe_parquet_writer_close(w, &m), 0);
    assert_int_equal(floe_parquet_file_metrics_row_count(m), 3000);
    assert_int_equal(floe_parquet_file_metrics_find(m, 1)->upper.i, 2999);
    floe_parquet_file_metrics_free(m);
    st.release(&st);
    s.release(&s);
    floe_file_io_free(io);
}

/* ---- chunk layout ------------------------------------------------------------------------- */

/* Walks every column chunk page by page from its start: offsets, sizes and value counts in
 * the footer must describe exactly the pages in the file. */
static void check_chunk_layout(const uint8_t *data, size_t len,
                               const floe_parquet_file_metadata *md)
{
    for (uint32_t g = 0; g < md->num_row_groups; g++) {
        const floe_parquet_row_group *rg = &md->row_groups[g];
        int64_t rg_comp = 0;
        for (uint32_t c = 0; c < rg->num_columns; c++) {
            const floe_parquet_column_metadata *cm = rg->columns[c].meta_data;
            int64_t start =
                cm->has_dictionary_page_offset ? cm->dictionary_page_offset : cm->data_page_offset;
            if (c == 0)
                assert_int_equal(start, rg->file_offset);
            int64_t pos = start, values = 0, unc = 0;
            int pages = 0;
            while (pos < start + cm->total_compressed_size) {
                floe_parquet_page_header ph;
                size_t hl;
                assert_true((size_t)pos < len);
                if (floe_parquet__page_header_decode(&ph, &hl, data + pos, len - (size_t)pos,
                                                     (uint64_t)pos, NULL))
                    fail_msg("page header: %s", floe_error_last());
                if (pages == 0 && cm->has_dictionary_page_offset) {
                    assert_int_equal(ph.type, FLOE_PARQUET_PAGE_DICTIONARY);
                    assert_int_equal(pos + (int64_t)hl + ph.compressed_page_size,
                                     cm->data_page_offset);
                } else {
                    assert_int_equal(ph.type, FLOE_PARQUET_PAGE_DATA);
                    if (pages == 0)
                        assert_int_equal(pos, cm->data_page_offset);
                    values += ph.data_page_header.num_values;
                }
                unc += (int64_t)hl + ph.uncompressed_page_size;
                pos += (int64_t)hl + ph.compressed_page_size;
                pages++;
            }
            assert_int_equal(pos, start + cm->total_compressed_size);
            assert_int_equal(unc, cm->total_uncompressed_size);
            assert_int_equal(values, cm->num_values);
            rg_comp += cm->total_compressed_size;
        }
        assert_int_equal(rg_comp, rg->total_compressed_size);
    }
}

static void test_footer_offsets_and_sizes_match_the_pages(void **state)
{
    (void)state;
    struct ArrowSchema s;
    struct ArrowArray a;
    build_strings(&s, &a, 30000, 30000, 10000);
    static const int codecs[] = {FLOE_PARQUET_COMPRESSION_ZSTD,
                                 FLOE_PARQUET_COMPRESSION_UNCOMPRESSED};
    for (int k = 0; k < 2; k++) {
        floe_parquet_writer_options o = FLOE_PARQUET_WRITER_OPTIONS_INIT;
        o.dictionary_page_bytes = 16384;
        o.page_bytes = 2048;
        o.row_group_bytes = 20000;
        o.compression = codecs[k];
        size_t len;
        floe_parquet_file_metrics *m;
        uint8_t *data = write_mem(&len, &s, &a, 1, &o, &m);
        floe_parquet_file_metadata *md = footer(data, len);
        assert_true(md->num_row_groups > 2);
        check_chunk_layout(data, len, md);
        int64_t sizes = 0;
        for (uint32_t g = 0; g < md->num_row_groups; g++)
            sizes += md->row_groups[g].columns[1].meta_data->total_compressed_size;
        assert_int_equal(floe_parquet_file_metrics_find(m, 2)->column_size, sizes);
        floe_parquet_file_metrics_free(m);
        floe_parquet__file_metadata_free(md);
        free(data);
    }
    a.release(&a);
    s.release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statistics_follow_type_defined_order),
        cmocka_unit_test(test_dictionary_falls_back_to_plain_and_reads_back),
        cmocka_unit_test(test_every_codec_is_read_by_duckdb_and_hyparquet),
        cmocka_unit_test(test_two_million_rows_keep_memory_bounded_and_row_groups_near_target),
        cmocka_unit_test(test_rejects_nulls_in_required_fields_and_mismatched_batches),
        cmocka_unit_test(test_stream_input_and_sliced_batches),
        cmocka_unit_test(test_footer_offsets_and_sizes_match_the_pages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
