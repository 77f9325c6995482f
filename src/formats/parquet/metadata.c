/* Parquet footer model: Thrift compact encoding and hostile-input-safe decoding. */
#include "formats/parquet/metadata.h"

#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "formats/thrift/compact.h"

#define TRY(expr)                                                                                  \
    do {                                                                                           \
        int rc_ = (expr);                                                                          \
        if (rc_)                                                                                   \
            return rc_;                                                                            \
    } while (0)

/* The code of a failed arena allocation: FLOE_ENOMEM, or FLOE_ECORRUPT over the limit. */
static int alloc_error(void)
{
    int rc = floe_error_last_code();
    return rc ? rc : FLOE_ENOMEM;
}

/* ---- arena ------------------------------------------------------------------------------ */

struct floe_parquet_arena_block {
    floe_parquet_arena_block *next;
    size_t used;
    size_t cap;
    _Alignas(16) unsigned char data[];
};

#define ARENA_BLOCK 16384

void *floe_parquet__arena_alloc(floe_parquet_arena *a, size_t n)
{
    size_t need = (n + 15) & ~(size_t)15;
    if (need < n) {
        floe_error_set(FLOE_ENOMEM, "parquet metadata: allocation of %zu bytes overflows", n);
        return NULL;
    }
    if (a->limit && (need > a->limit || a->total > a->limit - need)) {
        floe_error_set(FLOE_ECORRUPT,
                       "parquet metadata: decoding needs more than %zu bytes of memory, far more "
                       "than the encoded size justifies; the data is corrupt or hostile",
                       a->limit);
        return NULL;
    }
    floe_parquet_arena_block *b = a->head;
    if (!b || b->cap - b->used < need) {
        size_t cap = need > ARENA_BLOCK / 2 ? need : ARENA_BLOCK;
        if (cap > SIZE_MAX - sizeof *b) {
            floe_error_set(FLOE_ENOMEM, "parquet metadata: allocation of %zu bytes overflows", n);
            return NULL;
        }
        floe_parquet_arena_block *nb = floe_malloc(sizeof *nb + cap);
        if (!nb) {
            floe_error_set(FLOE_ENOMEM, "parquet metadata: out of memory allocating %zu bytes", n);
            return NULL;
        }
        nb->used = 0;
        nb->cap = cap;
        if (b && need > ARENA_BLOCK / 2) {
            /* A big allocation gets its own block behind the current one, which stays open. */
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += need;
    a->total += need;
    memset(p, 0, n);
    return p;
}

void *floe_parquet__arena_array(floe_parquet_arena *a, size_t count, size_t size)
{
    size_t n;
    if (floe_mul_size(count, size, &n)) {
        floe_error_set(FLOE_ENOMEM, "parquet metadata: array of %zu x %zu bytes overflows", count,
                       size);
        return NULL;
    }
    return floe_parquet__arena_alloc(a, n ? n : 1);
}

char *floe_parquet__arena_memdup(floe_parquet_arena *a, const void *p, size_t n)
{
    if (n == SIZE_MAX) {
        floe_error_set(FLOE_ENOMEM, "parquet metadata: string too long");
        return NULL;
    }
    char *d = floe_parquet__arena_alloc(a, n + 1);
    if (!d)
        return NULL;
    if (n)
        memcpy(d, p, n);
    d[n] = '\0';
    return d;
}

char *floe_parquet__arena_strdup(floe_parquet_arena *a, const char *s)
{
    return floe_parquet__arena_memdup(a, s, strlen(s));
}

void floe_parquet__arena_free(floe_parquet_arena *a)
{
    floe_parquet_arena_block *b = a->head;
    while (b) {
        floe_parquet_arena_block *n = b->next;
        floe_free(b);
        b = n;
    }
    a->head = NULL;
    a->total = 0;
}

/* ---- names ------------------------------------------------------------------------------ */

const char *floe_parquet__type_name(int type)
{
    static const char *const names[] = {"BOOLEAN", "INT32",  "INT64",      "INT96",
                                        "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
    return type >= 0 && type < 8 ? names[type] : "UNKNOWN_TYPE";
}

const char *floe_parquet__encoding_name(int e)
{
    switch (e) {
    case 0:
        return "PLAIN";
    case 2:
        return "PLAIN_DICTIONARY";
    case 3:
        return "RLE";
    case 4:
        return "BIT_PACKED";
    case 5:
        return "DELTA_BINARY_PACKED";
    case 6:
        return "DELTA_LENGTH_BYTE_ARRAY";
    case 7:
        return "DELTA_BYTE_ARRAY";
    case 8:
        return "RLE_DICTIONARY";
    case 9:
        return "BYTE_STREAM_SPLIT";
    default:
        return "UNKNOWN_ENCODING";
    }
}

const char *floe_parquet__codec_name(int c)
{
    static const char *const names[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
                                        "BROTLI",       "LZ4",    "ZSTD", "LZ4_RAW"};
    return c >= 0 && c < 8 ? names[c] : "UNKNOWN_CODEC";
}

/* ---- encoding --------------------------------------------------------------------------- */

typedef floe_thrift_writer W;

static void enc_binary_opt(W *w, int16_t id, bool has, const void *p, size_t n)
{
    if (has)
        floe_thrift__write_field_binary(w, id, p, n);
}

static void enc_statistics(W *w, const floe_parquet_statistics *st)
{
    enc_binary_opt(w, 1, st->has_max, st->max, st->max_len);
    enc_binary_opt(w, 2, st->has_min, st->min, st->min_len);
    if (st->has_null_count)
        floe_thrift__write_field_i64(w, 3, st->null_count);
    if (st->has_distinct_count)
        floe_thrift__write_field_i64(w, 4, st->distinct_count);
    enc_binary_opt(w, 5, st->has_max_value, st->max_value, st->max_value_len);
    enc_binary_opt(w, 6, st->has_min_value, st->min_value, st->min_value_len);
    if (st->has_is_max_value_exact)
        floe_thrift__write_field_bool(w, 7, st->is_max_value_exact);
    if (st->has_is_min_value_exact)
        floe_thrift__write_field_bool(w, 8, st->is_min_value_exact);
    if (st->has_nan_count)
        floe_thrift__write_field_i64(w, 9, st->nan_count);
}

static void enc_empty_struct_field(W *w, int16_t id)
{
    floe_thrift__write_field_struct_begin(w, id);
    floe_thrift__write_struct_end(w);
}

static void enc_logical_type(W *w, const floe_parquet_logical_type *lt)
{
    switch (lt->kind) {
    case FLOE_PARQUET_LT_DECIMAL:
        floe_thrift__write_field_struct_begin(w, 5);
        floe_thrift__write_field_i32(w, 1, lt->decimal_scale);
        floe_thrift__write_field_i32(w, 2, lt->decimal_precision);
        floe_thrift__write_struct_end(w);
        break;
    case FLOE_PARQUET_LT_TIME:
    case FLOE_PARQUET_LT_TIMESTAMP:
        floe_thrift__write_field_struct_begin(w, (int16_t)lt->kind);
        floe_thrift__write_field_bool(w, 1, lt->is_adjusted_to_utc);
        floe_thrift__write_field_struct_begin(w, 2);
        enc_empty_struct_field(w, (int16_t)lt->unit);
        floe_thrift__write_struct_end(w);
        floe_thrift__write_struct_end(w);
        break;
    case FLOE_PARQUET_LT_INTEGER:
        floe_thrift__write_field_struct_begin(w, 10);
        floe_thrift__write_field_i8(w, 1, lt->bit_width);
        floe_thrift__write_field_bool(w, 2, lt->is_signed);
        floe_thrift__write_struct_end(w);
        break;
    case FLOE_PARQUET_LT_NONE:
        break;
    case FLOE_PARQUET_LT_OTHER:
        enc_empty_struct_field(w, lt->unknown_id);
        break;
    default:
        enc_empty_struct_field(w, (int16_t)lt->kind);
        break;
    }
}

static void enc_schema_element(W *w, const floe_parquet_schema_element *se)
{
    floe_thrift__write_struct_begin(w);
    if (se->has_type)
        floe_thrift__write_field_i32(w, 1, se->type);
    if (se->has_type_length)
        floe_thrift__write_field_i32(w, 2, se->type_length);
    if (se->has_repetition)
        floe_thrift__write_field_i32(w, 3, se->repetition);
    floe_thrift__write_field_string(w, 4, se->name ? se->name : "");
    if (se->has_num_children)
        floe_thrift__write_field_i32(w, 5, se->num_children);
    if (se->has_converted_type)
        floe_thrift__write_field_i32(w, 6, se->converted_type);
    if (se->has_scale)
        floe_thrift__write_field_i32(w, 7, se->scale);
    if (se->has_precision)
        floe_thrift__write_field_i32(w, 8, se->precision);
    if (se->has_field_id)
        floe_thrift__write_field_i32(w, 9, se->field_id);
    if (se->has_logical_type && se->logical_type.kind != FLOE_PARQUET_LT_NONE) {
        floe_thrift__write_field_struct_begin(w, 10);
        enc_logical_type(w, &se->logical_type);
        floe_thrift__write_struct_end(w);
    }
    floe_thrift__write_struct_end(w);
}

static void enc_key_values(W *w, int16_t id, uint32_t n, const floe_parquet_key_value *kv)
{
    floe_thrift__write_field_list_begin(w, id, FLOE_THRIFT_STRUCT, n);
    for (uint32_t i = 0; i < n; i++) {
        floe_thrift__write_struct_begin(w);
        floe_thrift__write_field_string(w, 1, kv[i].key);
        if (kv[i].value)
            floe_thrift__write_field_binary(w, 2, kv[i].value, kv[i].value_len);
        floe_thrift__write_struct_end(w);
    }
}

static void enc_column_metadata(W *w, const floe_parquet_column_metadata *cm)
{
    floe_thrift__write_field_i32(w, 1, cm->type);
    floe_thrift__write_field_list_begin(w, 2, FLOE_THRIFT_I32, cm->num_encodings);
    for (uint32_t i = 0; i < cm->num_encodings; i++)
        floe_thrift__write_i32(w, cm->encodings[i]);
    floe_thrift__write_field_list_begin(w, 3, FLOE_THRIFT_BINARY, cm->path_len);
    for (uint32_t i = 0; i < cm->path_len; i++)
        floe_thrift__write_binary(w, cm->path_in_schema[i], strlen(cm->path_in_schema[i]));
    floe_thrift__write_field_i32(w, 4, cm->codec);
    floe_thrift__write_field_i64(w, 5, cm->num_values);
    floe_thrift__write_field_i64(w, 6, cm->total_uncompressed_size);
    floe_thrift__write_field_i64(w, 7, cm->total_compressed_size);
    if (cm->num_key_value)
        enc_key_values(w, 8, cm->num_key_value, cm->key_value);
    floe_thrift__write_field_i64(w, 9, cm->data_page_offset);
    if (cm->has_index_page_offset)
        floe_thrift__write_field_i64(w, 10, cm->index_page_offset);
    if (cm->has_dictionary_page_offset)
        floe_thrift__write_field_i64(w, 11, cm->dictionary_page_offset);
    if (cm->statistics) {
        floe_thrift__write_field_struct_begin(w, 12);
        enc_statistics(w, cm->statistics);
        floe_thrift__write_struct_end(w);
    }
    if (cm->num_encoding_stats) {
        floe_thrift__write_field_list_begin(w, 13, FLOE_THRIFT_STRUCT, cm->num_encoding_stats);
        for (uint32_t i = 0; i < cm->num_encoding_stats; i++) {
            floe_thrift__write_struct_begin(w);
            floe_thrift__write_field_i32(w, 1, cm->encoding_stats[i].page_type);
            floe_thrift__write_field_i32(w, 2, cm->encoding_stats[i].encoding);
            floe_thrift__write_field_i32(w, 3, cm->encoding_stats[i].count);
            floe_thrift__write_struct_end(w);
        }
    }
    if (cm->has_bloom_filter_offset)
        floe_thrift__write_field_i64(w, 14, cm->bloom_filter_offset);
    if (cm->has_bloom_filter_length)
        floe_thrift__write_field_i32(w, 15, cm->bloom_filter_length);
}

static void enc_column_chunk(W *w, const floe_parquet_column_chunk *cc)
{
    floe_thrift__write_struct_begin(w);
    if (cc->file_path)
        floe_thrift__write_field_string(w, 1, cc->file_path);
    floe_thrift__write_field_i64(w, 2, cc->file_offset);
    if (cc->meta_data) {
        floe_thrift__write_field_struct_begin(w, 3);
        enc_column_metadata(w, cc->meta_data);
        floe_thrift__write_struct_end(w);
    }
    if (cc->has_offset_index_offset)
        floe_thrift__write_field_i64(w, 4, cc->offset_index_offset);
    if (cc->has_offset_index_length)
        floe_thrift__write_field_i32(w, 5, cc->offset_index_length);
    if (cc->has_column_index_offset)
        floe_thrift__write_field_i64(w, 6, cc->column_index_offset);
    if (cc->has_column_index_length)
        floe_thrift__write_field_i32(w, 7, cc->column_index_length);
    floe_thrift__write_struct_end(w);
}

static void enc_row_group(W *w, const floe_parquet_row_group *rg)
{
    floe_thrift__write_struct_begin(w);
    floe_thrift__write_field_list_begin(w, 1, FLOE_THRIFT_STRUCT, rg->num_columns);
    for (uint32_t i = 0; i < rg->num_columns; i++)
        enc_column_chunk(w, &rg->columns[i]);
    floe_thrift__write_field_i64(w, 2, rg->total_byte_size);
    floe_thrift__write_field_i64(w, 3, rg->num_rows);
    if (rg->num_sorting_columns) {
        floe_thrift__write_field_list_begin(w, 4, FLOE_THRIFT_STRUCT, rg->num_sorting_columns);
        for (uint32_t i = 0; i < rg->num_sorting_columns; i++) {
            floe_thrift__write_struct_begin(w);
            floe_thrift__write_field_i32(w, 1, rg->sorting_columns[i].column_idx);
            floe_thrift__write_field_bool(w, 2, rg->sorting_columns[i].descending);
            floe_thrift__write_field_bool(w, 3, rg->sorting_columns[i].nulls_first);
            floe_thrift__write_struct_end(w);
        }
    }
    if (rg->has_file_offset)
        floe_thrift__write_field_i64(w, 5, rg->file_offset);
    if (rg->has_total_compressed_size)
        floe_thrift__write_field_i64(w, 6, rg->total_compressed_size);
    if (rg->has_ordinal)
        floe_thrift__write_field_i16(w, 7, rg->ordinal);
    floe_thrift__write_struct_end(w);
}

int floe_parquet__file_metadata_encode(floe_buf *out, const floe_parquet_file_metadata *md)
{
    W w;
    floe_thrift__writer_init(&w, out);
    floe_thrift__write_struct_begin(&w);
    floe_thrift__write_field_i32(&w, 1, md->version);
    floe_thrift__write_field_list_begin(&w, 2, FLOE_THRIFT_STRUCT, md->num_schema);
    for (uint32_t i = 0; i < md->num_schema; i++)
        enc_schema_element(&w, &md->schema[i]);
    floe_thrift__write_field_i64(&w, 3, md->num_rows);
    floe_thrift__write_field_list_begin(&w, 4, FLOE_THRIFT_STRUCT, md->num_row_groups);
    for (uint32_t i = 0; i < md->num_row_groups; i++)
        enc_row_group(&w, &md->row_groups[i]);
    if (md->num_key_value)
        enc_key_values(&w, 5, md->num_key_value, md->key_value);
    if (md->created_by)
        floe_thrift__write_field_string(&w, 6, md->created_by);
    if (md->column_orders) {
        floe_thrift__write_field_list_begin(&w, 7, FLOE_THRIFT_STRUCT, md->num_column_orders);
        for (uint32_t i = 0; i < md->num_column_orders; i++) {
            floe_thrift__write_struct_begin(&w);
            int id = md->column_orders[i];
            enc_empty_struct_field(&w, (int16_t)(id ? id : FLOE_PARQUET_ORDER_TYPE_DEFINED));
            floe_thrift__write_struct_end(&w);
        }
    }
    floe_thrift__write_struct_end(&w);
    return floe_thrift__writer_error(&w);
}

int floe_parquet__statistics_encode(floe_buf *out, const floe_parquet_statistics *st)
{
    W w;
    floe_thrift__writer_init(&w, out);
    floe_thrift__write_struct_begin(&w);
    enc_statistics(&w, st);
    floe_thrift__write_struct_end(&w);
    return floe_thrift__writer_error(&w);
}

int floe_parquet__page_header_encode(floe_buf *out, const floe_parquet_page_header *ph)
{
    W w;
    floe_thrift__writer_init(&w, out);
    floe_thrift__write_struct_begin(&w);
    floe_thrift__write_field_i32(&w, 1, ph->type);
    floe_thrift__write_field_i32(&w, 2, ph->uncompressed_page_size);
    floe_thrift__write_field_i32(&w, 3, ph->compressed_page_size);
    if (ph->has_crc)
        floe_thrift__write_field_i32(&w, 4, ph->crc);
    if (ph->has_data_page_header) {
        const floe_parquet_data_page_header *d = &ph->data_page_header;
        floe_thrift__write_field_struct_begin(&w, 5);
        floe_thrift__write_field_i32(&w, 1, d->num_values);
        floe_thrift__write_field_i32(&w, 2, d->encoding);
        floe_thrift__write_field_i32(&w, 3, d->definition_level_encoding);
        floe_thrift__write_field_i32(&w, 4, d->repetition_level_encoding);
        if (d->statistics) {
            floe_thrift__write_field_struct_begin(&w, 5);
            enc_statistics(&w, d->statistics);
            floe_thrift__write_struct_end(&w);
        }
        floe_thrift__write_struct_end(&w);
    }
    if (ph->has_dictionary_page_header) {
        const floe_parquet_dictionary_page_header *d = &ph->dictionary_page_header;
        floe_thrift__write_field_struct_begin(&w, 7);
        floe_thrift__write_field_i32(&w, 1, d->num_values);
        floe_thrift__write_field_i32(&w, 2, d->encoding);
        if (d->has_is_sorted)
            floe_thrift__write_field_bool(&w, 3, d->is_sorted);
        floe_thrift__write_struct_end(&w);
    }
    if (ph->has_data_page_header_v2) {
        const floe_parquet_data_page_header_v2 *d = &ph->data_page_header_v2;
        floe_thrift__write_field_struct_begin(&w, 8);
        floe_thrift__write_field_i32(&w, 1, d->num_values);
        floe_thrift__write_field_i32(&w, 2, d->num_nulls);
        floe_thrift__write_field_i32(&w, 3, d->num_rows);
        floe_thrift__write_field_i32(&w, 4, d->encoding);
        floe_thrift__write_field_i32(&w, 5, d->definition_levels_byte_length);
        floe_thrift__write_field_i32(&w, 6, d->repetition_levels_byte_length);
        if (!d->is_compressed)
            floe_thrift__write_field_bool(&w, 7, false);
        if (d->statistics) {
            floe_thrift__write_field_struct_begin(&w, 8);
            enc_statistics(&w, d->statistics);
            floe_thrift__write_struct_end(&w);
        }
        floe_thrift__write_struct_end(&w);
    }
    floe_thrift__write_struct_end(&w);
    return floe_thrift__writer_error(&w);
}

int floe_parquet__offset_index_encode(floe_buf *out, const floe_parquet_offset_index *oi)
{
    W w;
    floe_thrift__writer_init(&w, out);
    floe_thrift__write_struct_begin(&w);
    floe_thrift__write_field_list_begin(&w, 1, FLOE_THRIFT_STRUCT, oi->num_pages);
    for (uint32_t i = 0; i < oi->num_pages; i++) {
        floe_thrift__write_struct_begin(&w);
        floe_thrift__write_field_i64(&w, 1, oi->page_locations[i].offset);
        floe_thrift__write_field_i32(&w, 2, oi->page_locations[i].compressed_page_size);
        floe_thrift__write_field_i64(&w, 3, oi->page_locations[i].first_row_index);
        floe_thrift__write_struct_end(&w);
    }
    if (oi->num_unencoded_byte_array_data_bytes) {
        floe_thrift__write_field_list_begin(&w, 2, FLOE_THRIFT_I64,
                                            oi->num_unencoded_byte_array_data_bytes);
        for (uint32_t i = 0; i < oi->num_unencoded_byte_array_data_bytes; i++)
            floe_thrift__write_i64(&w, oi->unencoded_byte_array_data_bytes[i]);
    }
    floe_thrift__write_struct_end(&w);
    return floe_thrift__writer_error(&w);
}

int floe_parquet__column_index_encode(floe_buf *out, const floe_parquet_column_index *ci)
{
    W w;
    floe_thrift__writer_init(&w, out);
    floe_thrift__write_struct_begin(&w);
    floe_thrift__write_field_list_begin(&w, 1, FLOE_THRIFT_BOOL, ci->num_pages);
    for (uint32_t i = 0; i < ci->num_pages; i++)
        floe_thrift__write_bool(&w, ci->null_pages[i]);
    floe_thrift__write_field_list_begin(&w, 2, FLOE_THRIFT_BINARY, ci->num_pages);
    for (uint32_t i = 0; i < ci->num_pages; i++)
        floe_thrift__write_binary(&w, ci->min_values[i], ci->min_lens[i]);
    floe_thrift__write_field_list_begin(&w, 3, FLOE_THRIFT_BINARY, ci->num_pages);
    for (uint32_t i = 0; i < ci->num_pages; i++)
        floe_thrift__write_binary(&w, ci->max_values[i], ci->max_lens[i]);
    floe_thrift__write_field_i32(&w, 4, ci->boundary_order);
    if (ci->num_null_counts) {
        floe_thrift__write_field_list_begin(&w, 5, FLOE_THRIFT_I64, ci->num_null_counts);
        for (uint32_t i = 0; i < ci->num_null_counts; i++)
            floe_thrift__write_i64(&w, ci->null_counts[i]);
    }
    if (ci->num_nan_counts) {
        floe_thrift__write_field_list_begin(&w, 8, FLOE_THRIFT_I64, ci->num_nan_counts);
        for (uint32_t i = 0; i < ci->num_nan_counts; i++)
            floe_thrift__write_i64(&w, ci->nan_counts[i]);
    }
    floe_thrift__write_struct_end(&w);
    return floe_thrift__writer_error(&w);
}

/* ---- decoding --------------------------------------------------------------------------- */

/* Memory a decoded structure may use: legitimate footers decode to under 10x their encoded
 * size (the largest ratio is a column chunk's ~35 encoded bytes to ~300 decoded ones). */
static size_t decode_limit(size_t encoded_len)
{
    size_t lim = encoded_len;
    if (lim > (SIZE_MAX - ((size_t)1 << 20)) / 16)
        return SIZE_MAX;
    return lim * 16 + ((size_t)1 << 20);
}

typedef floe_thrift_reader R;
typedef floe_parquet_arena A;

/* Reads an integer field of any integer wire type into the range [lo, hi]. */
static int get_int(R *r, int t, int64_t lo, int64_t hi, const char *field, int64_t *out)
{
    size_t at = r->pos;
    TRY(floe_thrift__read_int_as_i64(r, t, out));
    if (*out < lo || *out > hi) {
        r->pos = at;
        return floe_thrift__corrupt(r, "%s = %lld is out of range", field, (long long)*out);
    }
    return 0;
}

static int get_i32(R *r, int t, const char *field, int32_t *out)
{
    int64_t v;
    TRY(get_int(r, t, INT32_MIN, INT32_MAX, field, &v));
    *out = (int32_t)v;
    return 0;
}

static int get_i64(R *r, int t, const char *field, int64_t *out)
{
    return get_int(r, t, INT64_MIN, INT64_MAX, field, out);
}

/* Binary value: copied into the arena when one is given, else borrowed from the input. */
static int get_bin(R *r, int t, A *a, const char *field, const uint8_t **p, size_t *n)
{
    if (t != FLOE_THRIFT_BINARY)
        return floe_thrift__corrupt(r, "%s has wire type %d, expected binary", field, t);
    const uint8_t *d;
    TRY(floe_thrift__read_binary(r, &d, n));
    if (a) {
        char *c = floe_parquet__arena_memdup(a, d, *n);
        if (!c)
            return alloc_error();
        *p = (const uint8_t *)c;
    } else {
        *p = d;
    }
    return 0;
}

static int get_str(R *r, int t, A *a, const char *field, const char **out)
{
    const uint8_t *p;
    size_t n;
    TRY(get_bin(r, t, a, field, &p, &n));
    *out = (const char *)p;
    return 0;
}

static int get_bool(R *r, int t, const char *field, bool *out)
{
    if (t != FLOE_THRIFT_BOOL_TRUE && t != FLOE_THRIFT_BOOL_FALSE)
        return floe_thrift__corrupt(r, "%s has wire type %d, expected bool", field, t);
    return floe_thrift__read_bool(r, out);
}

static int expect_struct(R *r, int t, const char *field)
{
    if (t != FLOE_THRIFT_STRUCT)
        return floe_thrift__corrupt(r, "%s has wire type %d, expected struct", field, t);
    return 0;
}

/* Opens a list field whose elements must have wire type `want` (bool lists accept both
 * bool codes). */
static int get_list(R *r, int t, int want, const char *field, uint32_t *count)
{
    if (t != FLOE_THRIFT_LIST && t != FLOE_THRIFT_SET)
        return floe_thrift__corrupt(r, "%s has wire type %d, expected list", field, t);
    size_t at = r->pos;
    int et;
    TRY(floe_thrift__read_list_begin(r, &et, count));
    bool ok =
        et == want || (want == FLOE_THRIFT_BOOL && et == FLOE_THRIFT_BOOL_FALSE) || (*count == 0);
    if (!ok) {
        r->pos = at;
        return floe_thrift__corrupt(r, "%s has list element type %d, expected %d", field, et, want);
    }
    return 0;
}

static int missing(R *r, const char *strct, const char *field)
{
    return floe_thrift__corrupt(r, "%s is missing required field '%s'", strct, field);
}

static int dec_statistics(R *r, A *a, floe_parquet_statistics *st)
{
    TRY(floe_thrift__read_struct_begin(r));
    for (;;) {
        int t;
        int16_t id;
        TRY(floe_thrift__read_field_begin(r, &t, &id));
        if (t == FLOE_THRIFT_STOP)
            break;
        switch (id) {
        case 1:
            TRY(get_bin(r, t, a, "Statistics.max", &st->max, &st->max_len));
            st->has_max = true;
            continue;
        case 2:
            TRY(get_bin(r, t, a, "Statistics.min", &st->min, &st->min_len));
            st->has_min = true;
            continue;
        case 3:
            TRY(get_i64(r, t, "Statistics.null_count", &st->null_count));
            st->has_null_count = true;
            continue;
        case 4:
            TRY(get_i64(r, t, "Statistics.distinct_count", &st->distinct_count));
            st->has_distinct_count = true;
            continue;
        case 5:
            TRY(get_bin(r, t, a, "Statistics.max_value", &st->max_value, &st->max_value_len));
            st->has_max_value = true;
            continue;
        case 6:
            TRY(get_bin(r, t, a, "Statistics.min_value", &st->min_value, &st->min_value_len));
            st->has_min_value = true;
            continue;
        case 7:
            TRY(get_bool(r, t, "Statistics.is_max_value_exact", &st->is_max_value_exact));
            st->has_is_max_value_exact = true;
            continue;
        case 8:
            TRY(get_bool(r, t, "Statistics.is_min_value_exact", &st->is_min_value_exact));
            st->has_is_min_value_exact = true;
            continue;
        case 9:
            TRY(get_i64(r, t, "Statistics.nan_count", &st->nan_count));
            st->has_nan_count = true;
            continue;
        default:
            break;
        }
        TRY(floe_thrift__skip(r, t));
    }
    return floe_thrift__read_struct_end(r);
}

static int dec_time_unit(R *r, floe_parquet_time_unit *unit)
{
    TRY(floe_thrift__read_struct_begin(r));
    int seen = 0;
    for (;;) {
        int t;
        int16_t id;
        TRY(floe_thrift__read_field_begin(r, &t, &id));
        if (t == FLOE_THRIFT_STOP)
            break;
        if (id >= 1 && id <= 3 && t == FLOE_THRIFT_STRUCT) {
            *unit = (floe_parquet_time_unit)id;
            seen++;
        }
        TRY(floe_thrift__skip(r, t));
    }
    if (seen != 1)
        return floe_thrift__corrupt(r, "TimeUnit union has %d known members, expected 1", seen);
    return floe_thrift__read_struct_end(r);
}

static int dec_logical_type(R *r, floe_parquet_logical_type *lt)
{
    TRY(floe_thrift__read_struct_begin(r));
    int members = 0;
    for (;;) {
        int t;
        int16_t id;
        TRY(floe_thrift__read_field_begin(r, &t, &id));
        if (t == FLOE_THRIFT_STOP)
            break;
        TRY(expect_struct(r, t, "LogicalType member"));
        members++;
        if (members > 1)
            return floe_thrift__corrupt(r, "LogicalType union has more than one member");
        bool known = (id >= 1 && id <= 8) || (id >= 10 && id <= 18);
        if (!known) {
            lt->kind = FLOE_PARQUET_LT_OTHER;
            lt->unknown_id = id;
            TRY(floe_thrift__skip(r, t));
            continue;
        }
        lt->kind = (floe_parquet_logical_kind)id;
        if (id != FLOE_PARQUET_LT_DECIMAL && id != FLOE_PARQUET_LT_TIME &&
            id != FLOE_PARQUET_LT_TIMESTAMP && id != FLOE_PARQUET_LT_INTEGER) {
            TRY(floe_thrift__skip(r, t));
            continue;
        }
        TRY(floe_thrift__read_struct_begin(r));
        unsigned seen = 0;
        for (;;) {
            int ft;
            int16_t fid;
            TRY(floe_thrift__read_field_begin(r, &ft, &fid));
            if (ft == FLOE_THRIFT_STOP)
                break;
            if (id == FLOE_PARQUET_LT_DECIMAL && (fid == 1 || fid == 2)) {
                TRY(get_i32(r, ft, "DecimalType field",
                            fid == 1 ? &lt->decimal_scale : &lt->decimal_precision));
                seen |= 1u << fid;
                continue;
            }
            if ((id == FLOE_PARQUET_LT_TIME || id == FLOE_PARQUET_LT_TIMESTAMP) && fid == 1) {
                TRY(get_bool(r, ft, "isAdjustedToUTC", &lt->is_adjusted_to_utc));
                seen |= 2;
                continue;
            }
            if ((id == FLOE_PARQUET_LT_TIME || id == FLOE_PARQUET_LT_TIMESTAMP) && fid == 2) {
                TRY(expect_struct(r, ft, "unit"));
                TRY(dec_time_unit(r, &lt->unit));
                seen |= 4;
                continue;
            }
            if (id == FLOE_PARQUET_LT_INTEGER && fid == 1) {
                int64_t v;
                TRY(get_int(r, ft, 0, 64, "IntType.bitWidth", &v));
                lt->bit_width = (int8_t)v;
                seen |= 2;
                continue;
            }
            if (id == FLOE_PARQUET_LT_INTEGER && fid == 2) {
                TRY(get_bool(r, ft, "IntType.isSigned", &lt->is_signed));
                seen |= 4;
                continue;
            }
            TRY(floe_thrift__skip(r, ft));
        }
        TRY(floe_thrift__read_struct_end(r));
        if (seen != 6)
            return floe_thrift__corrupt(r, "LogicalType %d is missing a required field", id);
    }
    return floe_thrift__read_struct_end(r);
}

static int dec_schema_element(R *r, A *a, floe_parquet_schema_element *se)
{
    TRY(floe_thrift__read_struct_begin(r));
    for (;;) {
        int t;
        int16_t id;
        TRY(floe_thrift__read_field_begin(r, &t, &id));
        if (t == FLOE_THRIFT_STOP)
            break;
        int64_t v;
        switch (id) {
        case 1:
            TRY(get_int(r, t, 0, 7, "SchemaElement.type", &v));
            se->type = (floe_parquet_type)v;
            se->has_type = true;
            continue;
        case 2:
            TRY(get_i32(r, t, "SchemaElement.type_length", &se->type_length));
            se->has_type_length = true;
            continue;
        case 3:
            TRY(get_int(r, t, 0, 2, "SchemaElement.repetition_type", &v));
            se->repetition = (floe_parquet_repetition)v;
            se->has_repetition = true;
            continue;
        case 4:
            TRY(get_str(r, t, a, "SchemaElement.name", &se->name));
            continue;
        case 5:
            TRY(get_int(r, t, 0, INT32_MAX, "SchemaElement.num_children", &v));
            se->num_children = (int32_t)v;
            se->has_num_children = true;
            continue;
        case 6:
            TRY(get_int(r, t, 0, INT32_MAX, "SchemaElement.converted_type", &v));
            se->converted_type = (floe_parquet_converted_type)v;
            se->has_converted_type = true;
            continue;
        case 7:
            TRY(get_i32(r, t, "SchemaElement.scale", &se->scale));
            se->has_scale = true;
            continue;
        case 8:
            TRY(get_i32(r, t, "SchemaElement.precision", &se->precision));
            se->has_precision = true;
            continue;
        case 9:
            TRY(get_i32(r, t, "SchemaElement.field_id", &se->field_id));
            se->has_field_id = true;
            continue;
        case 10:
            TRY(expect_struct(r, t, "SchemaElement.logicalType"));
            TRY(dec_logical_type(r, &se->logical_type));
            se->has_logical_type = true;
            continue;
        default:
            break;
        }
        TRY(floe_thrift__skip(r, t));
    }
    if (!se->name)
        return missing(r, "SchemaElement", "name");
    return floe_thrift__read_struct_end(r);
}

static int dec_key_values(R *r, A *a, int t, uint32_t *n, floe_parquet_key_value **out)
{
    TRY(get_list(r, t, FLOE_THRIFT_STRUCT, "key_value_metadata", n));
    floe_parquet_key_value *kv = floe_parquet__arena_array(a, *n, sizeof *kv);
    if (!kv)
        return alloc_error();
    for (uint32_t i = 0; i < *n; i++) {
        TRY(floe_thrift__read_struct_begin(r));
        for (;;) {
            int ft;
            int16_t id;
            TRY(floe_thrift__read_field_begin(r, &ft, &id));
            if (ft == FLOE_THRIFT_STOP)
                break;
            if (id == 1) {
                TRY(get_str(r, ft, a, "KeyValue.key", &kv[i].key));
            } else if (id == 2) {
                const uint8_t *p;
                TRY(get_bin(r, ft, a, "KeyValue.value", &p, &kv[i].value_len));
                kv[i].value = (const char *)p;
            } else {
                TRY(floe_thrift__skip(r, ft));
            }
        }
        if (!kv[i].key)
            return missing(r, "KeyValue", "key");
        TRY(floe_thrift__read_struct_end(r));
    }
    floe_thrift__read_list_end(r);
    *out = kv;
    return 0;
}

static int dec_column_metadata(R *r, A *a, floe_parquet_column_metadata *cm)
{
    TRY(floe_thrift__read_struct_begin(r));
    unsigned seen = 0;
    for (;;) {
        int t;
        int16_t id;
        TRY(floe_thrift__read_field_begin(r, &t, &id));
        if (t == FLOE_THRIFT_STOP)
            break;
        int64_t v;
        uint32_t n;
        if (id >= 1 && id <= 15)
            seen |= 1u << id;
        switch (id) {
        case 1:
            TRY(get_int(r, t, 0, 7, "ColumnMetaData.type", &v));
            cm->type = (floe_parquet_type)v;
            continue;
        case 2:
            TRY(get_list(r, t, FLOE_THRIFT_I32, "ColumnMetaData.encodings", &n));
            cm->encodings = floe_parquet__arena_array(a, n, sizeof *cm->encodings);
            if (!cm->encodings)
                return alloc_error();
            for (uint32_t i = 0; i < n; i++) {
                int32_t e;
                TRY(floe_thrift__read_i32(r, &e));
                cm->encodings[i] = (floe_parquet_encoding)e;
            }
            cm->num_encodings = n;
            floe_thrift__read_list_end(r);
            continue;
        case 3:
            TRY(get_list(r, t, FLOE_THRIFT_BINARY, "ColumnMetaData.path_in_schema", &n));
            cm->path_in_schema = floe_parquet__arena_array(a, n, sizeof *cm->path_in_schema);
            if (!cm->path_in_schema)
                return alloc_error();
            for (uint32_t i = 0; i < n; i++)
                TRY(get_str(r, FLOE_THRIFT_BINARY, a, "path_in_schema", &cm->path_in_schema[i]));
            cm->path_len = n;
            floe_thrift__read_list_end(r);
            continue;
        case 4:
            TRY(get_int(r, t, 0, INT32_MAX, "ColumnMetaData.codec", &v));
            cm->codec = (floe_parquet_codec)v;
            continue;
        case 5:
            TRY(get_int(r, t, 0, INT64_MAX, "ColumnMetaData.num_values", &cm->num_values));
            continue;
        case 6:
            TRY(get_int(r, t, 0, INT64_MAX, "ColumnMetaData.total_uncompressed_size",
                        &cm->total_uncompressed_size));
            continue;
        case 7:
            TRY(get_int(r, t, 0, INT64_MAX, "ColumnMetaData.total_compressed_size",
                        &cm->total_compressed_size));
            continue;
        case 8:
            TRY(dec_key_values(r, a, t, &cm->num_key_value, &cm->key_value));
            continue;
        case 9:
            TRY(get_int(r, t, 0, INT64_MAX, "ColumnMetaData.data_page_offset",
                        &cm->data_page_offset));
            continue;
        case 10:
            TRY(get_int(r, t, 0, INT64_MAX, "ColumnMetaData.index_page_offset",
                        &cm->index_page_offset));
            cm->has_index_page_offset = true;
            continue;
        case 11:
            TRY(get_int(r, t, 0, INT64_MAX, "ColumnMetaData.dictionary_page_offset",
                        &cm->dictionary_page_offset));
            cm->has_dictionary_page_offset = true;
            continue;
        case 12:
            TRY(expect_struct(r, t, "ColumnMetaData.statistics"));
            cm->statistics = floe_parquet__arena_alloc(a, sizeof *cm->statistics);
            if (!cm->statistics)
                return alloc_error();
            TRY(dec_statistics(r, a, cm->statistics));
            continue;
        case 13:
            TRY(get_list(r, t, FLOE_THRIFT_STRUCT, "ColumnMetaData.encoding_stats", &n));
            cm->encoding_stats = floe_parquet__arena_array(a, n, sizeof *cm->encoding_stats);
            if (!cm->encoding_stats)
                return alloc_error();
            for (uint32_t i = 0; i < n; i++) {
                floe_parquet_page_encoding_stats *es = &cm->encoding_stats[i];
                TRY(floe_thrift__read_struct_begin(r));
                for (;;) {
                    int ft;
                    int16_t fid;
                    int32_t x;
                    TRY(floe_thrift__read_field_begin(r, &ft, &fid));
                    if (ft == FLOE_THRIFT_STOP)
                        break;
                    if (fid >= 1 && fid <= 3) {
                        TRY(get_i32(r, ft, "PageEncodingStats field", &x));
                        if (fid == 1)
                            es->page_type = (floe_parquet_page_type)x;
                        else if (fid == 2)
                            es->encoding = (floe_parquet_encoding)x;
                        else
                            es->count = x;
                    } else {
                        TRY(floe_thrift__skip(r, ft));
                    }
                }
                TRY(floe_thrift__read_struct_end(r));
            }
            cm->num_encoding_stats = n;
            floe_thrift__read_list_end(r);
            continue;
        case 14:
            TRY(get_i64(r, t, "ColumnMetaData.bloom_filter_offset", &cm->bloom_filter_offset));
            cm->has_bloom_filter_offset = true;
            continue;
        case 15:
            TRY(get_i32(r, t, "ColumnMetaData.bloom_filter_length", &cm->bloom_filter_length));
            cm->has_bloom_filter_length = true;
            continue;
        default:
            break;
        }
        TRY(floe_thrift__skip(r, t));
    }
    static const struct {
        int id;
        const char *name;
    } req[] = {{1, "type"},
               {2, "encodings"},
               {3, "path_in_schema"},
               {4, "codec"},
               {5, "num_values"},
               {6, "total_uncompressed_size"},
               {7, "total_compressed_size"},
               {9, "data_page_offset"}};
    for (size_t i = 0; i < sizeof req / sizeof req[0]; i++)
        if (!(seen & (1u << req[i].id)))
            return missing(r, "ColumnMetaData", req[i].name);
    return floe_thrift__read_struct_end(r);
}

static int dec_column_chunk(R *r, A *a, floe_parquet_column_chunk *cc)
{
    TRY(floe_thrift__read_struct_begin(r));
    for (;;) {
        int t;
        int16_t id;
        TRY(floe_thrift__read_field_begin(r, &t, &id));
        if (t == FLOE_THRIFT_STOP)
            break;
        switch (id) {
        case 1:
            TRY(get_str(r, t, a, "ColumnChunk.file_path", &cc->file_path));
            continue;
        case 2:
            TRY(get_i64(r, t, "ColumnChunk.file_offset", &cc->file_offset));
            continue;
        case 3:
            TRY(expect_struct(r, t, "ColumnChunk.meta_data"));
            cc->meta_data = floe_parquet__arena_alloc(a, sizeof *cc->meta_data);
            if (!cc->meta_data)
                return alloc_error();
            TRY(dec_column_metadata(r, a, cc->meta_data));
            continue;
        case 4:
            TRY(get_int(r, t, 0, INT64_MAX, "ColumnChunk.offset_index_offset",
                        &cc->offset_index_offset));
            cc->has_offset_index_offset = true;
            continue;
        case 5:
            TRY(get_i32(r, t, "ColumnChunk.offset_index_length", &cc->offset_index_length));
            cc->has_offset_index_length = true;
            continue;
        case 6:
            TRY(get_int(r, t, 0, INT64_MAX, "ColumnChunk.column_index_offset",
                        &cc->column_index_offset));
            cc->has_column_index_offset = true;
            continue;
        case 7:
            TRY(get_i32(r, t, "ColumnChunk.column_index_length", &cc->column_index_length));
            cc->has_column_index_length = true;
            continue;
        case 8:
        case 9:
            cc->is_encrypted = true;
            break;
        default:
            break;
        }
        TRY(floe_thrift__skip(r, t));
    }
    return floe_thrift__read_struct_end(r);
}

static int dec_row_group(R *r, A *a, floe_parquet_row_group *rg)
{
    TRY(floe_thrift__read_struct_begin(r));
    unsigned seen = 0;
    for (;;) {
        int t;
        int16_t id;
        TRY(floe_thrift__read_field_begin(r, &t, &id));
        if (t == FLOE_THRIFT_STOP)
            break;
        uint32_t n;
        int64_t v;
        if (id >= 1 && id <= 7)
            seen |= 1u << id;
        switch (id) {
        case 1:
            TRY(get_list(r, t, FLOE_THRIFT_STRUCT, "RowGroup.columns", &n));
            rg->columns = floe_parquet__arena_array(a, n, sizeof *rg->columns);
            if (!rg->columns)
                return alloc_error();
            for (uint32_t i = 0; i < n; i++)
                TRY(dec_column_chunk(r, a, &rg->columns[i]));
            rg->num_columns = n;
            floe_thrift__read_list_end(r);
            continue;
        case 2:
            TRY(get_i64(r, t, "RowGroup.total_byte_size", &rg->total_byte_size));
            continue;
        case 3:
            TRY(get_int(r, t, 0, INT64_MAX, "RowGroup.num_rows", &rg->num_rows));
            continue;
        case 4:
            TRY(get_list(r, t, FLOE_THRIFT_STRUCT, "RowGroup.sorting_columns", &n));
            rg->sorting_columns = floe_parquet__arena_array(a, n, sizeof *rg->sorting_columns);
            if (!rg->sorting_columns)
                return alloc_error();
            for (uint32_t i = 0; i < n; i++) {
                floe_parquet_sorting_column *sc = &rg->sorting_columns[i];
                TRY(floe_thrift__read_struct_begin(r));
                for (;;) {
                    int ft;
                    int16_t fid;
                    TRY(floe_thrift__read_field_begin(r, &ft, &fid));
                    if (ft == FLOE_THRIFT_STOP)
                        break;
                    if (fid == 1)
                        TRY(get_i32(r, ft, "SortingColumn.column_idx", &sc->column_idx));
                    else if (fid == 2)
                        TRY(get_bool(r, ft, "SortingColumn.descending", &sc->descending));
                    else if (fid == 3)
                        TRY(get_bool(r, ft, "SortingColumn.nulls_first", &sc->nulls_first));
                    else
                        TRY(floe_thrift__skip(r, ft));
                }
                TRY(floe_thrift__read_struct_end(r));
            }
            rg->num_sorting_columns = n;
            floe_thrift__read_list_end(r);
            continue;
        case 5:
            TRY(get_i64(r, t, "RowGroup.file_offset", &rg->file_offset));
            rg->has_file_offset = true;
            continue;
        case 6:
            TRY(get_i64(r, t, "RowGroup.total_compressed_size", &rg->total_compressed_size));
            rg->has_total_compressed_size = true;
            continue;
        case 7:
            TRY(get_int(r, t, INT16_MIN, INT16_MAX, "RowGroup.ordinal", &v));
            rg->ordinal = (int16_t)v;
            rg->has_ordinal = true;
            continue;
        default:
            break;
        }
        TRY(floe_thrift__skip(r, t));
    }
    if (!(seen & 2))
        return missing(r, "RowGroup", "columns");
    if (!(seen & 4))
        return missing(r, "RowGroup", "total_byte_size");
    if (!(seen & 8))
        return missing(r, "RowGroup", "num_rows");
    return floe_thrift__read_struct_end(r);
}

static int dec_file_metadata(R *r, floe_parquet_file_metadata *md)
{
    A *a = &md->arena;
    TRY(floe_thrift__read_struct_begin(r));
    unsigned seen = 0;
    for (;;) {
        int t;
        int16_t id;
        TRY(floe_thrift__read_field_begin(r, &t, &id));
        if (t == FLOE_THRIFT_STOP)
            break;
        uint32_t n;
        if (id >= 1 && id <= 9)
            seen |= 1u << id;
        switch (id) {
        case 1:
            TRY(get_i32(r, t, "FileMetaData.version", &md->version));
            continue;
        case 2:
            TRY(get_list(r, t, FLOE_THRIFT_STRUCT, "FileMetaData.schema", &n));
            md->schema = floe_parquet__arena_array(a, n, sizeof *md->schema);
            if (!md->schema)
                return alloc_error();
            for (uint32_t i = 0; i < n; i++)
                TRY(dec_schema_element(r, a, &md->schema[i]));
            md->num_schema = n;
            floe_thrift__read_list_end(r);
            continue;
        case 3:
            TRY(get_int(r, t, 0, INT64_MAX, "FileMetaData.num_rows", &md->num_rows));
            continue;
        case 4:
            TRY(get_list(r, t, FLOE_THRIFT_STRUCT, "FileMetaData.row_groups", &n));
            md->row_groups = floe_parquet__arena_array(a, n, sizeof *md->row_groups);
            if (!md->row_groups)
                return alloc_error();
            for (uint32_t i = 0; i < n; i++)
                TRY(dec_row_group(r, a, &md->row_groups[i]));
            md->num_row_groups = n;
            floe_thrift__read_list_end(r);
            continue;
        case 5:
            TRY(dec_key_values(r, a, t, &md->num_key_value, &md->key_value));
            continue;
        case 6:
            TRY(get_str(r, t, a, "FileMetaData.created_by", &md->created_by));
            continue;
        case 7:
            TRY(get_list(r, t, FLOE_THRIFT_STRUCT, "FileMetaData.column_orders", &n));
            md->column_orders = floe_parquet__arena_array(a, n, sizeof *md->column_orders);
            if (!md->column_orders)
                return alloc_error();
            for (uint32_t i = 0; i < n; i++) {
                TRY(floe_thrift__read_struct_begin(r));
                for (;;) {
                    int ft;
                    int16_t fid;
                    TRY(floe_thrift__read_field_begin(r, &ft, &fid));
                    if (ft == FLOE_THRIFT_STOP)
                        break;
                    if (fid >= 1 && fid <= 3 && ft == FLOE_THRIFT_STRUCT)
                        md->column_orders[i] = (floe_parquet_column_order)fid;
                    TRY(floe_thrift__skip(r, ft));
                }
                TRY(floe_thrift__read_struct_end(r));
            }
            md->num_column_orders = n;
            floe_thrift__read_list_end(r);
            continue;
        case 8:
            md->is_encrypted = true;
            break;
        default:
            break;
        }
        TRY(floe_thrift__skip(r, t));
    }
    if (!(seen & 2))
        return missing(r, "FileMetaData", "version");
    if (!(seen & 4))
        return missing(r, "FileMetaData", "schema");
    if (!(seen & 8))
        return missing(r, "FileMetaData", "num_rows");
    if (!(seen & 16))
        return missing(r, "FileMetaData", "row_groups");
    TRY(floe_thrift__read_struct_end(r));

    /* The flattened schema must describe exactly one tree rooted at schema[0]. */
    if (md->num_schema == 0)
        return floe_thrift__corrupt(r, "FileMetaData.schema is empty");
    int64_t open = 1;
    for (uint32_t i = 0; i < md->num_schema; i++) {
        if (open == 0)
            return floe_thrift__corrupt(r,
                                        "schema element %u ('%s') lies outside the schema "
                                        "tree (num_children do not add up)",
                                        i, md->schema[i].name);
        open -= 1;
        if (md->schema[i].has_num_children)
            open += md->schema[i].num_children;
        if (open > (int64_t)md->num_schema)
            return floe_thrift__corrupt(r,
                                        "schema element %u ('%s') claims %d children, more "
                                        "than the schema has",
                                        i, md->schema[i].name, md->schema[i].num_children);
    }
    if (open != 0)
        return floe_thrift__corrupt(r,
                                    "schema tree is missing %lld elements (num_children do "
                                    "not add up)",
                                    (long long)open);
    return 0;
}

int floe_parquet__file_metadata_new(floe_parquet_file_metadata **out)
{
    *out = floe_calloc(1, sizeof **out);
    if (!*out)
        return floe_error_set(FLOE_ENOMEM, "parquet metadata: out of memory");
    return 0;
}

int floe_parquet__file_metadata_decode(floe_parquet_file_metadata **out, const void *data,
                                       size_t len, uint64_t base_offset)
{
    *out = NULL;
    floe_parquet_file_metadata *md;
    TRY(floe_parquet__file_metadata_new(&md));
    md->arena.limit = decode_limit(len);
    R r;
    floe_thrift__reader_init(&r, data, len, base_offset, "parquet footer");
    int rc = dec_file_metadata(&r, md);
    if (rc) {
        floe_parquet__file_metadata_free(md);
        return rc;
    }
    *out = md;
    return 0;
}

void floe_parquet__file_metadata_free(floe_parquet_file_metadata *md)
{
    if (!md)
        return;
    floe_parquet__arena_free(&md->arena);
    floe_free(md);
}

static int dec_page_header(R *r, A *a, floe_parquet_page_header *ph)
{
    TRY(floe_thrift__read_struct_begin(r));
    unsigned seen = 0;
    for (;;) {
        int t;
        int16_t id;
        TRY(floe_thrift__read_field_begin(r, &t, &id));
        if (t == FLOE_THRIFT_STOP)
            break;
        int64_t v;
        if (id >= 1 && id <= 8)
            seen |= 1u << id;
        switch (id) {
        case 1:
            TRY(get_int(r, t, 0, INT32_MAX, "PageHeader.type", &v));
            ph->type = (floe_parquet_page_type)v;
            continue;
        case 2:
            TRY(get_int(r, t, 0, INT32_MAX, "PageHeader.uncompressed_page_size", &v));
            ph->uncompressed_page_size = (int32_t)v;
            continue;
        case 3:
            TRY(get_int(r, t, 0, INT32_MAX, "PageHeader.compressed_page_size", &v));
            ph->compressed_page_size = (int32_t)v;
            continue;
        case 4:
            TRY(get_i32(r, t, "PageHeader.crc", &ph->crc));
            ph->has_crc = true;
            continue;
        case 5: {
            floe_parquet_data_page_header *d = &ph->data_page_header;
            unsigned dseen = 0;
            TRY(expect_struct(r, t, "PageHeader.data_page_header"));
            TRY(floe_thrift__read_struct_begin(r));
            for (;;) {
                int ft;
                int16_t fid;
                TRY(floe_thrift__read_field_begin(r, &ft, &fid));
                if (ft == FLOE_THRIFT_STOP)
                    break;
                int32_t x;
                if (fid >= 1 && fid <= 4) {
                    TRY(get_i32(r, ft, "DataPageHeader field", &x));
                    dseen |= 1u << fid;
                    if (fid == 1) {
                        if (x < 0)
                            return floe_thrift__corrupt(r, "DataPageHeader.num_values < 0");
                        d->num_values = x;
                    } else if (fid == 2) {
                        d->encoding = (floe_parquet_encoding)x;
                    } else if (fid == 3) {
                        d->definition_level_encoding = (floe_parquet_encoding)x;
                    } else {
                        d->repetition_level_encoding = (floe_parquet_encoding)x;
                    }
                } else if (fid == 5 && ft == FLOE_THRIFT_STRUCT) {
                    d->statistics = a ? floe_parquet__arena_alloc(a, sizeof *d->statistics)
                                      : &ph->stats_storage;
                    if (!d->statistics)
                        return alloc_error();
                    memset(d->statistics, 0, sizeof *d->statistics);
                    TRY(dec_statistics(r, a, d->statistics));
                } else {
                    TRY(floe_thrift__skip(r, ft));
                }
            }
            TRY(floe_thrift__read_struct_end(r));
            if (dseen != 0x1E)
                return missing(r, "DataPageHeader", "num_values/encoding/level encodings");
            ph->has_data_page_header = true;
            continue;
        }
        case 7: {
            floe_parquet_dictionary_page_header *d = &ph->dictionary_page_header;
            unsigned dseen = 0;
            TRY(expect_struct(r, t, "PageHeader.dictionary_page_header"));
            TRY(floe_thrift__read_struct_begin(r));
            for (;;) {
                int ft;
                int16_t fid;
                TRY(floe_thrift__read_field_begin(r, &ft, &fid));
                if (ft == FLOE_THRIFT_STOP)
                    break;
                int32_t x;
                if (fid == 1 || fid == 2) {
                    TRY(get_i32(r, ft, "DictionaryPageHeader field", &x));
                    dseen |= 1u << fid;
                    if (fid == 1) {
                        if (x < 0)
                            return floe_thrift__corrupt(r, "DictionaryPageHeader.num_values < 0");
                        d->num_values = x;
                    } else {
                        d->encoding = (floe_parquet_encoding)x;
                    }
                } else if (fid == 3) {
                    TRY(get_bool(r, ft, "DictionaryPageHeader.is_sorted", &d->is_sorted));
                    d->has_is_sorted = true;
                } else {
                    TRY(floe_thrift__skip(r, ft));
                }
            }
            TRY(floe_thrift__read_struct_end(r));
            if (dseen != 6)
                return missing(r, "DictionaryPageHeader", "num_values/encoding");
            ph->has_dictionary_page_header = true;
            continue;
        }
        case 8: {
            floe_parquet_data_page_header_v2 *d = &ph->data_page_header_v2;
            unsigned dseen = 0;
            d->is_compressed = true;
            TRY(expect_struct(r, t, "PageHeader.data_page_header_v2"));
            TRY(floe_thrift__read_struct_begin(r));
            for (;;) {
                int ft;
                int16_t fid;
                TRY(floe_thrift__read_field_begin(r, &ft, &fid));
                if (ft == FLOE_THRIFT_STOP)
                    break;
                int64_t x;
                if (fid >= 1 && fid <= 6) {
                    TRY(get_int(r, ft, fid == 4 ? INT32_MIN : 0, INT32_MAX,
                                "DataPageHeaderV2 field", &x));
                    dseen |= 1u << fid;
                    switch (fid) {
                    case 1:
                        d->num_values = (int32_t)x;
                        break;
                    case 2:
                        d->num_nulls = (int32_t)x;
                        break;
                    case 3:
                        d->num_rows = (int32_t)x;
                        break;
                    case 4:
                        d->encoding = (floe_parquet_encoding)x;
                        break;
                    case 5:
                        d->definition_levels_byte_length = (int32_t)x;
                        break;
                    default:
                        d->repetition_levels_byte_length = (int32_t)x;
                        break;
                    }
                } else if (fid == 7) {
                    TRY(get_bool(r, ft, "DataPageHeaderV2.is_compressed", &d->is_compressed));
                } else if (fid == 8 && ft == FLOE_THRIFT_STRUCT) {
                    d->statistics = a ? floe_parquet__arena_alloc(a, sizeof *d->statistics)
                                      : &ph->stats_storage;
                    if (!d->statistics)
                        return alloc_error();
                    memset(d->statistics, 0, sizeof *d->statistics);
                    TRY(dec_statistics(r, a, d->statistics));
                } else {
                    TRY(floe_thrift__skip(r, ft));
                }
            }
            TRY(floe_thrift__read_struct_end(r));
            if (dseen != 0x7E)
                return missing(r, "DataPageHeaderV2", "counts/encoding/level lengths");
            ph->has_data_page_header_v2 = true;
            continue;
        }
        default:
            break;
        }
        TRY(floe_thrift__skip(r, t));
    }
    if ((seen & 0xE) != 0xE)
        return missing(r, "PageHeader", "type/uncompressed_page_size/compressed_page_size");
    return floe_thrift__read_struct_end(r);
}

int floe_parquet__page_header_decode(floe_parquet_page_header *out, size_t *consumed,
                                     const void *data, size_t len, uint64_t base_offset,
                                     floe_parquet_arena *arena)
{
    memset(out, 0, sizeof *out);
    R r;
    floe_thrift__reader_init(&r, data, len, base_offset, "parquet page header");
    TRY(dec_page_header(&r, arena, out));
    *consumed = r.pos;
    return 0;
}

int floe_parquet__offset_index_decode(floe_parquet_offset_index **out, const void *data, size_t len,
                                      uint64_t base_offset)
{
    *out = NULL;
    floe_parquet_offset_index *oi = floe_calloc(1, sizeof *oi);
    if (!oi)
        return floe_error_set(FLOE_ENOMEM, "parquet offset index: out of memory");
    oi->arena.limit = decode_limit(len);
    R rr, *r = &rr;
    floe_thrift__reader_init(r, data, len, base_offset, "parquet offset index");
    int rc = floe_thrift__read_struct_begin(r);
    bool have_locations = false;
    while (!rc) {
        int t;
        int16_t id;
        uint32_t n;
        rc = floe_thrift__read_field_begin(r, &t, &id);
        if (rc || t == FLOE_THRIFT_STOP)
            break;
        if (id == 1) {
            rc = get_list(r, t, FLOE_THRIFT_STRUCT, "OffsetIndex.page_locations", &n);
            if (rc)
                break;
            oi->page_locations =
                floe_parquet__arena_array(&oi->arena, n, sizeof(*oi->page_locations));
            if (!oi->page_locations) {
                rc = alloc_error();
                break;
            }
            for (uint32_t i = 0; i < n && !rc; i++) {
                floe_parquet_page_location *pl = &oi->page_locations[i];
                unsigned s = 0;
                rc = floe_thrift__read_struct_begin(r);
                while (!rc) {
                    int ft;
                    int16_t fid;
                    rc = floe_thrift__read_field_begin(r, &ft, &fid);
                    if (rc || ft == FLOE_THRIFT_STOP)
                        break;
                    if (fid == 1)
                        rc = get_int(r, ft, 0, INT64_MAX, "PageLocation.offset", &pl->offset);
                    else if (fid == 2)
                        rc = get_i32(r, ft, "PageLocation.compressed_page_size",
                                     &pl->compressed_page_size);
                    else if (fid == 3)
                        rc = get_int(r, ft, 0, INT64_MAX, "PageLocation.first_row_index",
                                     &pl->first_row_index);
                    else
                        rc = floe_thrift__skip(r, ft);
                    if (fid >= 1 && fid <= 3)
                        s |= 1u << fid;
                }
                if (!rc && s != 0xE)
                    rc = missing(r, "PageLocation", "offset/compressed_page_size/first_row_index");
                if (!rc)
                    rc = floe_thrift__read_struct_end(r);
            }
            oi->num_pages = n;
            floe_thrift__read_list_end(r);
            have_locations = true;
        } else if (id == 2) {
            rc = get_list(r, t, FLOE_THRIFT_I64, "OffsetIndex.unencoded_byte_array_data_bytes", &n);
            if (rc)
                break;
            oi->unencoded_byte_array_data_bytes = floe_parquet__arena_array(&oi->arena, n, 8);
            if (!oi->unencoded_byte_array_data_bytes) {
                rc = alloc_error();
                break;
            }
            for (uint32_t i = 0; i < n && !rc; i++)
                rc = floe_thrift__read_i64(r, &oi->unencoded_byte_array_data_bytes[i]);
            oi->num_unencoded_byte_array_data_bytes = n;
            floe_thrift__read_list_end(r);
        } else {
            rc = floe_thrift__skip(r, t);
        }
    }
    if (!rc && !have_locations)
        rc = missing(r, "OffsetIndex", "page_locations");
    if (!rc)
        rc = floe_thrift__read_struct_end(r);
    if (rc) {
        floe_parquet__offset_index_free(oi);
        return rc;
    }
    *out = oi;
    return 0;
}

void floe_parquet__offset_index_free(floe_parquet_offset_index *oi)
{
    if (!oi)
        return;
    floe_parquet__arena_free(&oi->arena);
    floe_free(oi);
}

static int dec_i64_list(R *r, A *a, int t, const char *field, uint32_t *count, int64_t **out)
{
    uint32_t n;
    TRY(get_list(r, t, FLOE_THRIFT_I64, field, &n));
    *out = floe_parquet__arena_array(a, n, sizeof **out);
    if (!*out)
        return alloc_error();
    for (uint32_t i = 0; i < n; i++)
        TRY(floe_thrift__read_i64(r, &(*out)[i]));
    floe_thrift__read_list_end(r);
    *count = n;
    return 0;
}

static int dec_column_index(R *r, floe_parquet_column_index *ci)
{
    A *a = &ci->arena;
    TRY(floe_thrift__read_struct_begin(r));
    unsigned seen = 0;
    uint32_t counts[4] = {0, 0, 0, 0};
    for (;;) {
        int t;
        int16_t id;
        TRY(floe_thrift__read_field_begin(r, &t, &id));
        if (t == FLOE_THRIFT_STOP)
            break;
        uint32_t n;
        if (id >= 1 && id <= 8)
            seen |= 1u << id;
        switch (id) {
        case 1:
            TRY(get_list(r, t, FLOE_THRIFT_BOOL, "ColumnIndex.null_pages", &n));
            ci->null_pages = floe_parquet__arena_array(a, n, sizeof *ci->null_pages);
            if (!ci->null_pages)
                return alloc_error();
            for (uint32_t i = 0; i < n; i++)
                TRY(floe_thrift__read_bool(r, &ci->null_pages[i]));
            floe_thrift__read_list_end(r);
            counts[1] = n;
            continue;
        case 2:
        case 3: {
            TRY(get_list(r, t, FLOE_THRIFT_BINARY,
                         id == 2 ? "ColumnIndex.min_values" : "ColumnIndex.max_values", &n));
            const uint8_t **vals = floe_parquet__arena_array(a, n, sizeof *vals);
            size_t *lens = floe_parquet__arena_array(a, n, sizeof *lens);
            if (!vals || !lens)
                return alloc_error();
            for (uint32_t i = 0; i < n; i++)
                TRY(get_bin(r, FLOE_THRIFT_BINARY, a, "ColumnIndex value", &vals[i], &lens[i]));
            floe_thrift__read_list_end(r);
            if (id == 2) {
                ci->min_values = vals;
                ci->min_lens = lens;
            } else {
                ci->max_values = vals;
                ci->max_lens = lens;
            }
            counts[id] = n;
            continue;
        }
        case 4: {
            int64_t v;
            TRY(get_int(r, t, 0, 2, "ColumnIndex.boundary_order", &v));
            ci->boundary_order = (floe_parquet_boundary_order)v;
            continue;
        }
        case 5:
            TRY(dec_i64_list(r, a, t, "ColumnIndex.null_counts", &ci->num_null_counts,
                             &ci->null_counts));
            continue;
        case 8:
            TRY(dec_i64_list(r, a, t, "ColumnIndex.nan_counts", &ci->num_nan_counts,
                             &ci->nan_counts));
            continue;
        default:
            break;
        }
        TRY(floe_thrift__skip(r, t));
    }
    if ((seen & 0x1E) != 0x1E)
        return missing(r, "ColumnIndex", "null_pages/min_values/max_values/boundary_order");
    if (counts[1] != counts[2] || counts[1] != counts[3])
        return floe_thrift__corrupt(r, "ColumnIndex lists differ in length (%u, %u, %u)", counts[1],
                                    counts[2], counts[3]);
    if ((ci->num_null_counts && ci->num_null_counts != counts[1]) ||
        (ci->num_nan_counts && ci->num_nan_counts != counts[1]))
        return floe_thrift__corrupt(r, "ColumnIndex count lists differ from the page count %u",
                                    counts[1]);
    ci->num_pages = counts[1];
    return floe_thrift__read_struct_end(r);
}

int floe_parquet__column_index_decode(floe_parquet_column_index **out, const void *data, size_t len,
                                      uint64_t base_offset)
{
    *out = NULL;
    floe_parquet_column_index *ci = floe_calloc(1, sizeof *ci);
    if (!ci)
        return floe_error_set(FLOE_ENOMEM, "parquet column index: out of memory");
    ci->arena.limit = decode_limit(len);
    R r;
    floe_thrift__reader_init(&r, data, len, base_offset, "parquet column index");
    int rc = dec_column_index(&r, ci);
    if (rc) {
        floe_parquet__column_index_free(ci);
        return rc;
    }
    *out = ci;
    return 0;
}

void floe_parquet__column_index_free(floe_parquet_column_index *ci)
{
    if (!ci)
        return;
    floe_parquet__arena_free(&ci->arena);
    floe_free(ci);
}
