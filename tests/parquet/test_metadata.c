#include "test_support.h"

#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "formats/parquet/metadata.h"
#include "formats/thrift/compact.h"

/* Builds a footer that sets every field the model knows, so a round trip checks them all. */
static floe_parquet_file_metadata *build_footer(void)
{
    floe_parquet_file_metadata *md;
    assert_int_equal(floe_parquet__file_metadata_new(&md), 0);
    floe_parquet_arena *a = &md->arena;
    md->version = 2;
    md->num_rows = 1234567890123LL;
    md->created_by = floe_parquet__arena_strdup(a, "floe version 0.1.0");
    md->num_schema = 4;
    md->schema = floe_parquet__arena_array(a, 4, sizeof *md->schema);
    floe_parquet_schema_element *s = md->schema;
    s[0].name = "schema";
    s[0].has_num_children = true;
    s[0].num_children = 3;
    s[1].name = "ts";
    s[1].has_type = true;
    s[1].type = FLOE_PARQUET_INT64;
    s[1].has_repetition = true;
    s[1].repetition = FLOE_PARQUET_OPTIONAL;
    s[1].has_field_id = true;
    s[1].field_id = 7;
    s[1].has_logical_type = true;
    s[1].logical_type.kind = FLOE_PARQUET_LT_TIMESTAMP;
    s[1].logical_type.is_adjusted_to_utc = true;
    s[1].logical_type.unit = FLOE_PARQUET_NANOS;
    s[2].name = "dec";
    s[2].has_type = true;
    s[2].type = FLOE_PARQUET_FIXED_LEN_BYTE_ARRAY;
    s[2].has_type_length = true;
    s[2].type_length = 16;
    s[2].has_repetition = true;
    s[2].repetition = FLOE_PARQUET_REQUIRED;
    s[2].has_converted_type = true;
    s[2].converted_type = FLOE_PARQUET_CT_DECIMAL;
    s[2].has_scale = true;
    s[2].scale = 4;
    s[2].has_precision = true;
    s[2].precision = 38;
    s[2].has_field_id = true;
    s[2].field_id = -5;
    s[2].has_logical_type = true;
    s[2].logical_type.kind = FLOE_PARQUET_LT_DECIMAL;
    s[2].logical_type.decimal_scale = 4;
    s[2].logical_type.decimal_precision = 38;
    s[3].name = "i8";
    s[3].has_type = true;
    s[3].type = FLOE_PARQUET_INT32;
    s[3].has_repetition = true;
    s[3].repetition = FLOE_PARQUET_REPEATED;
    s[3].has_logical_type = true;
    s[3].logical_type.kind = FLOE_PARQUET_LT_INTEGER;
    s[3].logical_type.bit_width = 8;
    s[3].logical_type.is_signed = true;

    md->num_key_value = 2;
    md->key_value = floe_parquet__arena_array(a, 2, sizeof *md->key_value);
    md->key_value[0].key = "iceberg.schema";
    md->key_value[0].value = "{\"type\":\"struct\"}";
    md->key_value[0].value_len = strlen(md->key_value[0].value);
    md->key_value[1].key = "novalue";
    md->num_column_orders = 3;
    md->column_orders = floe_parquet__arena_array(a, 3, sizeof *md->column_orders);
    for (int i = 0; i < 3; i++)
        md->column_orders[i] = FLOE_PARQUET_ORDER_TYPE_DEFINED;

    md->num_row_groups = 2;
    md->row_groups = floe_parquet__arena_array(a, 2, sizeof *md->row_groups);
    for (uint32_t g = 0; g < 2; g++) {
        floe_parquet_row_group *rg = &md->row_groups[g];
        rg->num_rows = 100 + g;
        rg->total_byte_size = 5000 + g;
        rg->has_file_offset = true;
        rg->file_offset = 4 + g * 1000;
        rg->has_total_compressed_size = true;
        rg->total_compressed_size = 900;
        rg->has_ordinal = true;
        rg->ordinal = (int16_t)g;
        rg->num_sorting_columns = 1;
        rg->sorting_columns = floe_parquet__arena_array(a, 1, sizeof *rg->sorting_columns);
        rg->sorting_columns[0].column_idx = 1;
        rg->sorting_columns[0].descending = true;
        rg->num_columns = 3;
        rg->columns = floe_parquet__arena_array(a, 3, sizeof *rg->columns);
        for (uint32_t c = 0; c < 3; c++) {
            floe_parquet_column_chunk *cc = &rg->columns[c];
            cc->file_offset = 4 + c * 300;
            cc->has_offset_index_offset = true;
            cc->offset_index_offset = 99999;
            cc->has_offset_index_length = true;
            cc->offset_index_length = 33;
            floe_parquet_column_metadata *cm = floe_parquet__arena_alloc(a, sizeof *cm);
            cc->meta_data = cm;
            cm->type = s[c + 1].type;
            cm->num_encodings = 3;
            cm->encodings = floe_parquet__arena_array(a, 3, sizeof *cm->encodings);
            cm->encodings[0] = FLOE_PARQUET_ENC_PLAIN;
            cm->encodings[1] = FLOE_PARQUET_ENC_RLE;
            cm->encodings[2] = FLOE_PARQUET_ENC_RLE_DICTIONARY;
            cm->path_len = 1;
            cm->path_in_schema = floe_parquet__arena_array(a, 1, sizeof(char *));
            cm->path_in_schema[0] = s[c + 1].name;
            cm->codec = FLOE_PARQUET_CODEC_ZSTD;
            cm->num_values = 1000;
            cm->total_uncompressed_size = 4000;
            cm->total_compressed_size = 300;
            cm->data_page_offset = 4 + c * 300 + 50;
            cm->has_dictionary_page_offset = true;
            cm->dictionary_page_offset = 4 + c * 300;
            cm->num_encoding_stats = 1;
            cm->encoding_stats = floe_parquet__arena_array(a, 1, sizeof *cm->encoding_stats);
            cm->encoding_stats[0].page_type = FLOE_PARQUET_PAGE_DICTIONARY;
            cm->encoding_stats[0].encoding = FLOE_PARQUET_ENC_PLAIN;
            cm->encoding_stats[0].count = 1;
            floe_parquet_statistics *st = floe_parquet__arena_alloc(a, sizeof *st);
            cm->statistics = st;
            st->has_min_value = st->has_max_value = true;
            st->min_value = (const uint8_t *)"\x00\x01";
            st->min_value_len = 2;
            st->max_value = (const uint8_t *)"";
            st->max_value_len = 0;
            st->has_null_count = true;
            st->null_count = 17;
            st->has_is_min_value_exact = st->has_is_max_value_exact = true;
            st->is_min_value_exact = true;
            st->is_max_value_exact = false;
            st->has_nan_count = true;
            st->nan_count = 3;
        }
    }
    return md;
}

static void test_footer_roundtrip_keeps_every_field(void **state)
{
    (void)state;
    floe_parquet_file_metadata *md = build_footer();
    floe_buf b = FLOE_BUF_INIT;
    assert_int_equal(floe_parquet__file_metadata_encode(&b, md), 0);
    floe_parquet_file_metadata *back;
    assert_int_equal(floe_parquet__file_metadata_decode(&back, b.data, b.len, 0), 0);

    assert_int_equal(back->version, 2);
    assert_true(back->num_rows == 1234567890123LL);
    assert_string_equal(back->created_by, "floe version 0.1.0");
    assert_int_equal(back->num_schema, 4);
    for (uint32_t i = 0; i < 4; i++) {
        const floe_parquet_schema_element *x = &md->schema[i], *y = &back->schema[i];
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->has_type, y->has_type);
        assert_int_equal(x->type, y->type);
        assert_int_equal(x->has_type_length, y->has_type_length);
        assert_int_equal(x->type_length, y->type_length);
        assert_int_equal(x->has_repetition, y->has_repetition);
        assert_int_equal(x->repetition, y->repetition);
        assert_int_equal(x->has_num_children, y->has_num_children);
        assert_int_equal(x->num_children, y->num_children);
        assert_int_equal(x->has_converted_type, y->has_converted_type);
        assert_int_equal(x->converted_type, y->converted_type);
        assert_int_equal(x->has_scale, y->has_scale);
        assert_int_equal(x->scale, y->scale);
        assert_int_equal(x->precision, y->precision);
        assert_int_equal(x->has_field_id, y->has_field_id);
        assert_int_equal(x->field_id, y->field_id);
        assert_int_equal(x->has_logical_type, y->has_logical_type);
        assert_memory_equal(&x->logical_type, &y->logical_type, sizeof x->logical_type);
    }
    assert_int_equal(back->num_key_value, 2);
    assert_string_equal(back->key_value[0].key, "iceberg.schema");
    assert_int_equal(back->key_value[0].value_len, strlen("{\"type\":\"struct\"}"));
    assert_memory_equal(back->key_value[0].value, "{\"type\":\"struct\"}",
                        back->key_value[0].value_len);
    assert_null(back->key_value[1].value);
    assert_int_equal(back->num_column_orders, 3);
    assert_int_equal(back->column_orders[2], FLOE_PARQUET_ORDER_TYPE_DEFINED);
    assert_int_equal(back->num_row_groups, 2);
    for (uint32_t g = 0; g < 2; g++) {
        const floe_parquet_row_group *x = &md->row_groups[g], *y = &back->row_groups[g];
        assert_int_equal(x->num_rows, y->num_rows);
        assert_int_equal(x->total_byte_size, y->total_byte_size);
        assert_int_equal(y->file_offset, x->file_offset);
        assert_true(y->has_total_compressed_size);
        assert_int_equal(y->ordinal, (int)g);
        assert_int_equal(y->num_sorting_columns, 1);
        assert_true(y->sorting_columns[0].descending);
        assert_false(y->sorting_columns[0].nulls_first);
        assert_int_equal(y->num_columns, 3);
        for (uint32_t c = 0; c < 3; c++) {
            const floe_parquet_column_chunk *cx = &x->columns[c], *cy = &y->columns[c];
            assert_int_equal(cx->file_offset, cy->file_offset);
            assert_int_equal(cy->offset_index_offset, 99999);
            assert_int_equal(cy->offset_index_length, 33);
            assert_false(cy->has_column_index_offset);
            const floe_parquet_column_metadata *mx = cx->meta_data, *my = cy->meta_data;
            assert_non_null(my);
            assert_int_equal(mx->type, my->type);
            assert_int_equal(my->num_encodings, 3);
            assert_int_equal(my->encodings[2], FLOE_PARQUET_ENC_RLE_DICTIONARY);
            assert_int_equal(my->path_len, 1);
            assert_string_equal(my->path_in_schema[0], mx->path_in_schema[0]);
            assert_int_equal(my->codec, FLOE_PARQUET_CODEC_ZSTD);
            assert_int_equal(my->num_values, 1000);
            assert_int_equal(my->total_uncompressed_size, 4000);
            assert_int_equal(my->total_compressed_size, 300);
            assert_int_equal(my->data_page_offset, mx->data_page_offset);
            assert_true(my->has_dictionary_page_offset);
            assert_int_equal(my->dictionary_page_offset, mx->dictionary_page_offset);
            assert_int_equal(my->num_encoding_stats, 1);
            assert_int_equal(my->encoding_stats[0].page_type, FLOE_PARQUET_PAGE_DICTIONARY);
            const floe_parquet_statistics *st = my->statistics;
            assert_non_null(st);
            assert_true(st->has_min_value && st->has_max_value);
            assert_int_equal(st->min_value_len, 2);
            assert_memory_equal(st->min_value, "\x00\x01", 2);
            assert_int_equal(st->max_value_len, 0);
            assert_false(st->has_min);
            assert_int_equal(st->null_count, 17);
            assert_true(st->is_min_value_exact);
            assert_true(st->has_is_max_value_exact);
            assert_false(st->is_max_value_exact);
            assert_int_equal(st->nan_count, 3);
        }
    }
    /* Encoding the decoded footer gives the same bytes. */
    floe_buf b2 = FLOE_BUF_INIT;
    assert_int_equal(floe_parquet__file_metadata_encode(&b2, back), 0);
    assert_int_equal(b.len, b2.len);
    assert_memory_equal(b.data, b2.data, b.len);
    floe_buf_free(&b2);
    floe_parquet__file_metadata_free(back);
    floe_parquet__file_metadata_free(md);
    floe_buf_free(&b);
}

static void test_footer_every_truncation_is_corrupt_not_crash(void **state)
{
    (void)state;
    floe_parquet_file_metadata *md = build_footer();
    floe_buf b = FLOE_BUF_INIT;
    assert_int_equal(floe_parquet__file_metadata_encode(&b, md), 0);
    for (size_t n = 0; n < b.len; n++) {
        floe_parquet_file_metadata *back = NULL;
        int rc = floe_parquet__file_metadata_decode(&back, b.data, n, 100);
        assert_int_equal(rc, FLOE_ECORRUPT);
        assert_null(back);
        assert_non_null(strstr(floe_error_last(), "byte offset"));
    }
    /* Flipping each byte must never crash (any result is fine, errors must be ECORRUPT). */
    for (size_t i = 0; i < b.len; i++) {
        uint8_t saved = b.data[i];
        for (int x = 1; x < 256; x <<= 1) {
            b.data[i] = (uint8_t)(saved ^ x);
            floe_parquet_file_metadata *back = NULL;
            int rc = floe_parquet__file_metadata_decode(&back, b.data, b.len, 0);
            assert_true(rc == 0 || rc == FLOE_ECORRUPT);
            floe_parquet__file_metadata_free(back);
        }
        b.data[i] = saved;
    }
    floe_parquet__file_metadata_free(md);
    floe_buf_free(&b);
}

static void test_schema_tree_inconsistent_rejected(void **state)
{
    (void)state;
    floe_parquet_file_metadata *md = build_footer();
    md->schema[0].num_children = 2; /* one element left outside the tree */
    floe_buf b = FLOE_BUF_INIT;
    assert_int_equal(floe_parquet__file_metadata_encode(&b, md), 0);
    floe_parquet_file_metadata *back;
    assert_int_equal(floe_parquet__file_metadata_decode(&back, b.data, b.len, 0), FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "schema"));
    md->schema[0].num_children = 9; /* more children than elements */
    b.len = 0;
    assert_int_equal(floe_parquet__file_metadata_encode(&b, md), 0);
    assert_int_equal(floe_parquet__file_metadata_decode(&back, b.data, b.len, 0), FLOE_ECORRUPT);
    floe_parquet__file_metadata_free(md);
    floe_buf_free(&b);
}

static void test_page_headers_roundtrip(void **state)
{
    (void)state;
    floe_parquet_statistics st = {0};
    st.has_null_count = true;
    st.null_count = 5;
    floe_parquet_page_header ph = {0};
    ph.type = FLOE_PARQUET_PAGE_DATA;
    ph.uncompressed_page_size = 1 << 20;
    ph.compressed_page_size = 12345;
    ph.has_crc = true;
    ph.crc = -42;
    ph.has_data_page_header = true;
    ph.data_page_header.num_values = 777;
    ph.data_page_header.encoding = FLOE_PARQUET_ENC_RLE_DICTIONARY;
    ph.data_page_header.definition_level_encoding = FLOE_PARQUET_ENC_RLE;
    ph.data_page_header.repetition_level_encoding = FLOE_PARQUET_ENC_RLE;
    ph.data_page_header.statistics = &st;
    floe_buf b = FLOE_BUF_INIT;
    assert_int_equal(floe_parquet__page_header_encode(&b, &ph), 0);
    size_t first = b.len;
    floe_parquet_page_header d = {0};
    d.type = FLOE_PARQUET_PAGE_DICTIONARY;
    d.uncompressed_page_size = 10;
    d.compressed_page_size = 10;
    d.has_dictionary_page_header = true;
    d.dictionary_page_header.num_values = 3;
    d.dictionary_page_header.encoding = FLOE_PARQUET_ENC_PLAIN;
    assert_int_equal(floe_parquet__page_header_encode(&b, &d), 0);
    floe_parquet_page_header v2 = {0};
    v2.type = FLOE_PARQUET_PAGE_DATA_V2;
    v2.uncompressed_page_size = 1;
    v2.compressed_page_size = 2;
    v2.has_data_page_header_v2 = true;
    v2.data_page_header_v2.num_values = 10;
    v2.data_page_header_v2.num_nulls = 2;
    v2.data_page_header_v2.num_rows = 4;
    v2.data_page_header_v2.encoding = FLOE_PARQUET_ENC_PLAIN;
    v2.data_page_header_v2.definition_levels_byte_length = 6;
    v2.data_page_header_v2.repetition_levels_byte_length = 7;
    v2.data_page_header_v2.is_compressed = false;
    assert_int_equal(floe_parquet__page_header_encode(&b, &v2), 0);

    floe_parquet_page_header out;
    size_t used;
    assert_int_equal(floe_parquet__page_header_decode(&out, &used, b.data, b.len, 0, NULL), 0);
    assert_int_equal(used, first);
    assert_int_equal(out.type, FLOE_PARQUET_PAGE_DATA);
    assert_int_equal(out.uncompressed_page_size, 1 << 20);
    assert_int_equal(out.compressed_page_size, 12345);
    assert_int_equal(out.crc, -42);
    assert_true(out.has_data_page_header);
    assert_int_equal(out.data_page_header.num_values, 777);
    assert_int_equal(out.data_page_header.encoding, FLOE_PARQUET_ENC_RLE_DICTIONARY);
    assert_non_null(out.data_page_header.statistics);
    assert_int_equal(out.data_page_header.statistics->null_count, 5);
    size_t off = used;
    assert_int_equal(
        floe_parquet__page_header_decode(&out, &used, b.data + off, b.len - off, off, NULL), 0);
    assert_true(out.has_dictionary_page_header);
    assert_int_equal(out.dictionary_page_header.num_values, 3);
    off += used;
    assert_int_equal(
        floe_parquet__page_header_decode(&out, &used, b.data + off, b.len - off, off, NULL), 0);
    assert_true(out.has_data_page_header_v2);
    assert_int_equal(out.data_page_header_v2.num_rows, 4);
    assert_int_equal(out.data_page_header_v2.definition_levels_byte_length, 6);
    assert_int_equal(out.data_page_header_v2.repetition_levels_byte_length, 7);
    assert_false(out.data_page_header_v2.is_compressed);
    assert_int_equal(off + used, b.len);
    /* Truncated header: error names the file offset. */
    assert_int_equal(floe_parquet__page_header_decode(&out, &used, b.data, 5, 4096, NULL),
                     FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "byte offset 4"));
    floe_buf_free(&b);
}

static void test_page_indexes_roundtrip(void **state)
{
    (void)state;
    floe_parquet_page_location locs[2] = {{4, 100, 0}, {104, 50, 1000}};
    floe_parquet_offset_index oi = {0};
    oi.num_pages = 2;
    oi.page_locations = locs;
    floe_buf b = FLOE_BUF_INIT;
    assert_int_equal(floe_parquet__offset_index_encode(&b, &oi), 0);
    floe_parquet_offset_index *oo;
    assert_int_equal(floe_parquet__offset_index_decode(&oo, b.data, b.len, 0), 0);
    assert_int_equal(oo->num_pages, 2);
    assert_int_equal(oo->page_locations[1].offset, 104);
    assert_int_equal(oo->page_locations[1].compressed_page_size, 50);
    assert_int_equal(oo->page_locations[1].first_row_index, 1000);
    floe_parquet__offset_index_free(oo);

    bool nulls[2] = {false, true};
    const uint8_t *mins[2] = {(const uint8_t *)"a", (const uint8_t *)""};
    size_t lens[2] = {1, 0};
    int64_t ncount[2] = {0, 9};
    floe_parquet_column_index ci = {0};
    ci.num_pages = 2;
    ci.null_pages = nulls;
    ci.min_values = mins;
    ci.min_lens = lens;
    ci.max_values = mins;
    ci.max_lens = lens;
    ci.boundary_order = FLOE_PARQUET_ASCENDING;
    ci.num_null_counts = 2;
    ci.null_counts = ncount;
    b.len = 0;
    assert_int_equal(floe_parquet__column_index_encode(&b, &ci), 0);
    floe_parquet_column_index *co;
    assert_int_equal(floe_parquet__column_index_decode(&co, b.data, b.len, 0), 0);
    assert_int_equal(co->num_pages, 2);
    assert_false(co->null_pages[0]);
    assert_true(co->null_pages[1]);
    assert_int_equal(co->min_lens[0], 1);
    assert_memory_equal(co->min_values[0], "a", 1);
    assert_int_equal(co->boundary_order, FLOE_PARQUET_ASCENDING);
    assert_int_equal(co->null_counts[1], 9);
    floe_parquet__column_index_free(co);
    for (size_t n = 0; n < b.len; n++) {
        assert_int_equal(floe_parquet__column_index_decode(&co, b.data, n, 0), FLOE_ECORRUPT);
        assert_null(co);
    }
    floe_buf_free(&b);
}

/* A small footer whose counts claim millions of (empty, individually valid) structs must not
 * make the decoder allocate gigabytes: it fails as corrupt within a bounded budget. */
static void test_hostile_counts_cannot_amplify_memory(void **state)
{
    (void)state;
    const uint32_t n = 2000000;
    floe_buf b = FLOE_BUF_INIT;
    floe_thrift_writer w;
    floe_thrift__writer_init(&w, &b);
    floe_thrift__write_struct_begin(&w);
    floe_thrift__write_field_i32(&w, 1, 1);
    floe_thrift__write_field_list_begin(&w, 2, FLOE_THRIFT_STRUCT, 1);
    floe_thrift__write_struct_begin(&w);
    floe_thrift__write_field_string(&w, 4, "schema");
    floe_thrift__write_struct_end(&w);
    floe_thrift__write_field_i64(&w, 3, 0);
    floe_thrift__write_field_list_begin(&w, 4, FLOE_THRIFT_STRUCT, 1);
    floe_thrift__write_struct_begin(&w);
    floe_thrift__write_field_list_begin(&w, 1, FLOE_THRIFT_STRUCT, n);
    for (uint32_t i = 0; i < n; i++) {
        floe_thrift__write_struct_begin(&w); /* an empty ColumnChunk */
        floe_thrift__write_struct_end(&w);
    }
    floe_thrift__write_field_i64(&w, 2, 0);
    floe_thrift__write_field_i64(&w, 3, 0);
    floe_thrift__write_struct_end(&w);
    floe_thrift__write_struct_end(&w);
    assert_int_equal(floe_thrift__writer_error(&w), 0);
    floe_parquet_file_metadata *md = NULL;
    int rc = floe_parquet__file_metadata_decode(&md, b.data, b.len, 0);
    assert_int_equal(rc, FLOE_ECORRUPT);
    assert_null(md);
    assert_non_null(strstr(floe_error_last(), "hostile"));
    floe_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_footer_roundtrip_keeps_every_field),
        cmocka_unit_test(test_footer_every_truncation_is_corrupt_not_crash),
        cmocka_unit_test(test_schema_tree_inconsistent_rejected),
        cmocka_unit_test(test_page_headers_roundtrip),
        cmocka_unit_test(test_page_indexes_roundtrip),
        cmocka_unit_test(test_hostile_counts_cannot_amplify_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
