/* Streaming Parquet writer: Arrow record batches are shredded into levels, encoded
 * (dictionary or PLAIN) into data pages v1, compressed, buffered per column chunk, and written
 * one row group at a time; the footer is written on close. */
#include <floe/parquet/writer.h>

#include <math.h>
#include <string.h>

#include <floe/arrow/schema.h>
#include <floe/arrow/stream.h>
#include <floe/arrow/validate.h>
#include <floe/error.h>

#include "base/alloc.h"
#include "formats/parquet/codec.h"
#include "formats/parquet/encode.h"
#include "formats/parquet/writer_internal.h"
#include "formats/parquet/writer_metrics.h"

#define TRY(expr)                                                                                  \
    do {                                                                                           \
        int rc_ = (expr);                                                                          \
        if (rc_)                                                                                   \
            return rc_;                                                                            \
    } while (0)

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the Parquet writer copies Arrow buffers as PLAIN values: little-endian hosts only"
#endif

/* Rows shredded per step: pages and row groups are checked for fullness between steps, so
 * they end on row boundaries and overshoot by at most one step. Small page targets get
 * smaller steps (page_bytes / 16 rows, at least 16). */
#define SLICE_ROWS 4096

static const char CREATED_BY[] = "floe version " FLOE_VERSION_STRING;

struct floe_parquet_writer {
    floe_output_file *file;
    struct ArrowSchema schema; /* our copy: the column tree borrows names and formats */
    floe_parquet_writer_options opts;
    floe_parquet_file_metadata *md;
    pqw_schema s;
    uint64_t offset;
    int64_t rows, rg_rows;
    floe_parquet_row_group *rgs;
    size_t n_rgs, cap_rgs;
    int failed;
    /* scratch, reused across slices */
    int64_t *idx;
    size_t idx_cap;
    floe_buf conv;
    pqw_view *views;
    size_t views_cap;
    uint32_t *didx;
    size_t didx_cap;
    floe_buf raw, comp, hdr;
};

/* ---- output ----------------------------------------------------------------------------- */

static int out_write(floe_parquet_writer *w, const void *p, size_t n)
{
    if (n == 0)
        return 0;
    int rc = floe_output_write(w->file, p, n);
    if (rc)
        return floe_error_wrap(rc, "parquet writer: writing '%s'",
                               w->file->location ? w->file->location : "");
    w->offset += n;
    return 0;
}

/* ---- value conversion --------------------------------------------------------------------- */

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (*cap >= need)
        return 0;
    size_t c = *cap ? *cap : 1024;
    while (c < need)
        c *= 2;
    void *n = floe_realloc(*p, c * elem);
    if (!n)
        return floe_error_set(FLOE_ENOMEM, "parquet writer: out of memory");
    *p = n;
    *cap = c;
    return 0;
}

#define SRC_INDEX(k) (idx ? idx[k] : start + (int64_t)(k))

static int range_error(const pqw_column *col, const char *what)
{
    return floe_error_set(FLOE_ERANGE,
                          "parquet writer: column '%s': %s does not fit the Parquet "
                          "type",
                          col->dotted, what);
}

/* Produces n fixed-width physical values: a pointer straight into the Arrow buffer when no
 * conversion is needed, else converted into w->conv. */
static int fixed_values(floe_parquet_writer *w, pqw_column *col, const struct ArrowArray *a,
                        const int64_t *idx, int64_t start, size_t n, const uint8_t **out)
{
    const pqw_node *leaf = col->leaf;
    const size_t ow = (size_t)leaf->width;
    const uint8_t *src = a->buffers[1];
    pqw_conv cv = leaf->conv;
    if (!idx && (cv == PQW_CONV_COPY4 || cv == PQW_CONV_COPY8 || cv == PQW_CONV_FLBA)) {
        *out = src + (size_t)start * ow;
        return 0;
    }
    w->conv.len = 0;
    TRY(floe_buf_reserve(&w->conv, n * ow + 16));
    uint8_t *dst = w->conv.data;
    switch (cv) {
    case PQW_CONV_COPY4:
        for (size_t k = 0; k < n; k++)
            memcpy(dst + k * 4, src + (size_t)SRC_INDEX(k) * 4, 4);
        break;
    case PQW_CONV_COPY8:
        for (size_t k = 0; k < n; k++)
            memcpy(dst + k * 8, src + (size_t)SRC_INDEX(k) * 8, 8);
        break;
    case PQW_CONV_FLBA:
        for (size_t k = 0; k < n; k++)
            memcpy(dst + k * ow, src + (size_t)SRC_INDEX(k) * ow, ow);
        break;
    case PQW_CONV_I8:
    case PQW_CONV_U8:
    case PQW_CONV_I16:
    case PQW_CONV_U16: {
        int32_t *d = (int32_t *)(void *)dst;
        for (size_t k = 0; k < n; k++) {
            int64_t p = SRC_INDEX(k);
            d[k] = cv == PQW_CONV_I8    ? ((const int8_t *)src)[p]
                   : cv == PQW_CONV_U8  ? ((const uint8_t *)src)[p]
                   : cv == PQW_CONV_I16 ? ((const int16_t *)(const void *)src)[p]
                                        : ((const uint16_t *)(const void *)src)[p];
        }
        break;
    }
    case PQW_CONV_I32_X1000: {
        int32_t *d = (int32_t *)(void *)dst;
        const int32_t *s = (const int32_t *)(const void *)src;
        for (size_t k = 0; k < n; k++) {
            int64_t v = (int64_t)s[SRC_INDEX(k)] * 1000;
            if (v < INT32_MIN || v > INT32_MAX)
                return range_error(col, "a time in seconds");
            d[k] = (int32_t)v;
        }
        break;
    }
    case PQW_CONV_I64_X1000: {
        int64_t *d = (int64_t *)(void *)dst;
        const int64_t *s = (const int64_t *)(const void *)src;
        for (size_t k = 0; k < n; k++)
            if (__builtin_mul_overflow(s[SRC_INDEX(k)], (int64_t)1000, &d[k]))
                return range_error(col, "a timestamp in seconds");
        break;
    }
    case PQW_CONV_DATE64: {
        int32_t *d = (int32_t *)(void *)dst;
        const int64_t *s = (const int64_t *)(const void *)src;
        for (size_t k = 0; k < n; k++) {
            int64_t ms = s[SRC_INDEX(k)];
            int64_t days = ms / 86400000;
            if (ms % 86400000 < 0)
                days--;
            if (days < INT32_MIN || days > INT32_MAX)
                return range_error(col, "a date64");
            d[k] = (int32_t)days;
        }
        break;
    }
    case PQW_CONV_DEC_I32:
        for (size_t k = 0; k < n; k++)
            memcpy(dst + k * 4, src + (size_t)SRC_INDEX(k) * 16, 4);
        break;
    case PQW_CONV_DEC_I64:
        for (size_t k = 0; k < n; k++)
            memcpy(dst + k * 8, src + (size_t)SRC_INDEX(k) * 16, 8);
        break;
    case PQW_CONV_DEC_FLBA:
        for (size_t k = 0; k < n; k++) {
            const uint8_t *le = src + (size_t)SRC_INDEX(k) * 16;
            uint8_t *be = dst + k * ow;
            for (size_t j = 0; j < ow; j++)
                be[j] = le[ow - 1 - j];
        }
        break;
    default:
        return floe_error_set(FLOE_EINVALID, "parquet writer: internal conversion error");
    }
    *out = dst;
    return 0;
}

static int byte_values(floe_parquet_writer *w, pqw_column *col, const struct ArrowArray *a,
                       const int64_t *idx, int64_t start, size_t n)
{
    TRY(grow((void **)&w->views, &w->views_cap, n, sizeof *w->views));
    const uint8_t *data = a->buffers[2];
    if (col->leaf->conv == PQW_CONV_BA32) {
        const int32_t *off = a->buffers[1];
        for (size_t k = 0; k < n; k++) {
            int64_t p = SRC_INDEX(k);
            int64_t len = (int64_t)off[p + 1] - off[p];
            w->views[k].p = data + off[p];
            w->views[k].len = (uint32_t)len;
        }
    } else {
        const int64_t *off = a->buffers[1];
        for (size_t k = 0; k < n; k++) {
            int64_t p = SRC_INDEX(k);
            int64_t len = off[p + 1] - off[p];
            if (len < 0 || len > INT32_MAX)
                return range_error(col, "a value longer than 2 GiB");
            w->views[k].p = data + off[p];
            w->views[k].len = (uint32_t)len;
        }
    }
    return 0;
}

static int64_t count_nans(const pqw_node *leaf, const uint8_t *v, size_t n)
{
    int64_t c = 0;
    if (leaf->ptype == FLOE_PARQUET_FLOAT) {
        const float *f = (const float *)(const void *)v;
        for (size_t k = 0; k < n; k++)
            c += f[k] != f[k];
    } else {
        const double *d = (const double *)(const void *)v;
        for (size_t k = 0; k < n; k++)
            c += d[k] != d[k];
    }
    return c;
}

static int append_indices(floe_parquet_writer *w, pqw_column *col, size_t n)
{
    return floe_buf_append(&col->values, w->didx, n * sizeof(uint32_t));
}

static int encode_values(floe_parquet_writer *w, pqw_column *col, const struct ArrowArray *a,
                         const int64_t *idx, int64_t start, size_t n)
{
    const pqw_node *leaf = col->leaf;
    if (leaf->conv == PQW_CONV_BOOL) {
        const uint8_t *bits = a->buffers[1];
        TRY(floe_buf_reserve(&col->values,
                             (size_t)((col->bool_bits + n + 7) / 8) - col->values.len + 8));
        uint8_t seen[2] = {0, 0};
        for (size_t k = 0; k < n; k++) {
            int64_t p = SRC_INDEX(k);
            uint8_t b = (bits[p >> 3] >> (p & 7)) & 1;
            uint64_t at = col->bool_bits++;
            if ((at & 7) == 0)
                col->values.data[at >> 3] = 0;
            col->values.data[at >> 3] |= (uint8_t)(b << (at & 7));
            seen[b] = 1;
        }
        col->values.len = (size_t)((col->bool_bits + 7) / 8);
        if (seen[0])
            TRY(floe_parquet__stats_update_bool(&col->chunk_stats, (const uint8_t[]){0}, 1));
        if (seen[1])
            TRY(floe_parquet__stats_update_bool(&col->chunk_stats, (const uint8_t[]){1}, 1));
        return 0;
    }
    if (col->dict_on)
        TRY(grow((void **)&w->didx, &w->didx_cap, n, sizeof *w->didx));
    if (leaf->ptype == FLOE_PARQUET_BYTE_ARRAY) {
        TRY(byte_values(w, col, a, idx, start, n));
        if (col->dict_on) {
            TRY(floe_parquet__dict_insert_bytes(&col->dict, w->views, n, w->didx));
            col->dict_seen += (int64_t)n;
            for (size_t k = 0; k < n; k++)
                col->dict_plain_bytes += 4 + (int64_t)w->views[k].len;
            return append_indices(w, col, n);
        }
        TRY(floe_parquet__stats_update_bytes(&col->chunk_stats, w->views, n));
        size_t total = 0;
        for (size_t k = 0; k < n; k++)
            total += 4 + (size_t)w->views[k].len;
        TRY(floe_buf_reserve(&col->values, total));
        uint8_t *d = col->values.data + col->values.len;
        for (size_t k = 0; k < n; k++) {
            uint32_t len = w->views[k].len;
            memcpy(d, &len, 4);
            if (len)
                memcpy(d + 4, w->views[k].p, len);
            d += 4 + len;
        }
        col->values.len += total;
        return 0;
    }
    const uint8_t *v = NULL;
    TRY(fixed_values(w, col, a, idx, start, n, &v));
    if (col->dict_on) {
        if (leaf->is_float)
            col->chunk_nans += count_nans(leaf, v, n);
        TRY(floe_parquet__dict_insert_fixed(&col->dict, v, n, w->didx));
        col->dict_seen += (int64_t)n;
        col->dict_plain_bytes += (int64_t)n * leaf->width;
        return append_indices(w, col, n);
    }
    TRY(floe_parquet__stats_update_fixed(&col->chunk_stats, leaf->order, leaf->width, v, n,
                                         &col->chunk_nans));
    return floe_buf_append(&col->values, v, n * (size_t)leaf->width);
}

/* ---- pages ------------------------------------------------------------------------------ */

static size_t page_estimate(const pqw_column *col)
{
    size_t est = 0;
    if (col->max_def)
        est += (size_t)col->page_levels *
               (size_t)floe_parquet__enc_bit_width((uint32_t)col->max_def) / 8;
    if (col->max_rep)
        est += (size_t)col->page_levels *
               (size_t)floe_parquet__enc_bit_width((uint32_t)col->max_rep) / 8;
    if (col->page_dict) {
        int bw = floe_parquet__enc_bit_width(col->dict.count ? col->dict.count - 1 : 0);
        est += (size_t)col->page_nonnull * (size_t)(bw ? bw : 1) / 8 + 1;
    } else {
        est += col->values.len;
    }
    return est;
}

static int compress_payload(floe_parquet_writer *w, const uint8_t *raw, size_t n,
                            const uint8_t **out, size_t *out_len)
{
    if (w->opts.compression == FLOE_PARQUET_COMPRESSION_UNCOMPRESSED) {
        *out = raw;
        *out_len = n;
        return 0;
    }
    w->comp.len = 0;
    int rc =
        floe_parquet__compress(&w->comp, w->opts.compression, w->opts.compression_level, raw, n);
    if (rc)
        return floe_error_wrap(rc, "parquet writer: compressing a page");
    *out = w->comp.data;
    *out_len = w->comp.len;
    return 0;
}

static int check_page_size(const pqw_column *col, size_t n)
{
    if (n > INT32_MAX)
        return floe_error_set(FLOE_ERANGE,
                              "parquet writer: column '%s': a page of %zu bytes exceeds 2 GiB; "
                              "lower page_bytes",
                              col->dotted, n);
    return 0;
}

static int flush_page(floe_parquet_writer *w, pqw_column *col)
{
    if (col->page_levels == 0)
        return 0;
    if (col->page_levels > INT32_MAX)
        return floe_error_set(FLOE_ERANGE,
                              "parquet writer: column '%s': too many values in a "
                              "page",
                              col->dotted);
    floe_buf *raw = &w->raw;
    raw->len = 0;
    if (col->max_rep)
        TRY(floe_parquet__encode_levels_v1(raw, col->rep.data, (size_t)col->page_levels,
                                           col->max_rep));
    if (col->max_def)
        TRY(floe_parquet__encode_levels_v1(raw, col->def.data, (size_t)col->page_levels,
                                           col->max_def));
    bool dict = col->page_dict && col->page_nonnull > 0;
    if (dict) {
        int bw = floe_parquet__enc_bit_width(col->dict.count - 1);
        if (bw == 0)
            bw = 1;
        TRY(floe_buf_append_byte(raw, (uint8_t)bw));
        TRY(floe_parquet__rle_encode_u32(raw, (const uint32_t *)(const void *)col->values.data,
                                         (size_t)col->page_nonnull, bw));
        col->dict_used = true;
    } else if (!col->page_dict) {
        TRY(floe_buf_append(raw, col->values.data, col->values.len));
    }
    TRY(check_page_size(col, raw->len));
    const uint8_t *payload = NULL;
    size_t plen = 0;
    TRY(compress_payload(w, raw->data, raw->len, &payload, &plen));
    TRY(check_page_size(col, plen));

    floe_parquet_page_header ph;
    memset(&ph, 0, sizeof ph);
    ph.type = FLOE_PARQUET_PAGE_DATA;
    ph.uncompressed_page_size = (int32_t)raw->len;
    ph.compressed_page_size = (int32_t)plen;
    ph.has_data_page_header = true;
    ph.data_page_header.num_values = (int32_t)col->page_levels;
    ph.data_page_header.encoding = dict ? FLOE_PARQUET_ENC_RLE_DICTIONARY : FLOE_PARQUET_ENC_PLAIN;
    ph.data_page_header.definition_level_encoding = FLOE_PARQUET_ENC_RLE;
    ph.data_page_header.repetition_level_encoding = FLOE_PARQUET_ENC_RLE;
    w->hdr.len = 0;
    TRY(floe_parquet__page_header_encode(&w->hdr, &ph));
    TRY(floe_buf_append(&col->chunk, w->hdr.data, w->hdr.len));
    TRY(floe_buf_append(&col->chunk, payload, plen));

    col->chunk_uncompressed += (int64_t)(w->hdr.len + raw->len);
    col->chunk_compressed += (int64_t)(w->hdr.len + plen);
    col->chunk_values += col->page_levels;
    if (dict)
        col->pages_dict++;
    else
        col->pages_plain++;
    col->cum_uncompressed += (int64_t)raw->len;
    col->cum_compressed += (int64_t)plen;
    col->ratio =
        col->cum_uncompressed ? (double)col->cum_compressed / (double)col->cum_uncompressed : 1.0;
    col->def.len = 0;
    col->rep.len = 0;
    col->values.len = 0;
    col->bool_bits = 0;
    col->page_levels = 0;
    col->page_nonnull = 0;
    col->page_dict = col->dict_on;
    return 0;
}

/* ---- row groups ------------------------------------------------------------------------- */

static void column_reset_chunk(floe_parquet_writer *w, pqw_column *col)
{
    col->chunk.len = 0;
    col->chunk_values = col->chunk_nulls = col->chunk_nans = 0;
    col->chunk_uncompressed = col->chunk_compressed = 0;
    col->pages_dict = col->pages_plain = 0;
    floe_parquet__stats_reset(&col->chunk_stats);
    floe_parquet__dict_clear(&col->dict);
    col->dict_on = w->opts.enable_dictionary && col->leaf->ptype != FLOE_PARQUET_BOOLEAN;
    col->dict_used = false;
    col->dict_seen = col->dict_plain_bytes = 0;
    col->page_dict = col->dict_on;
}

static int fold_dict_stats(floe_parquet_writer *w, pqw_column *col)
{
    const pqw_node *leaf = col->leaf;
    pqw_dict *d = &col->dict;
    if (leaf->ptype != FLOE_PARQUET_BYTE_ARRAY)
        return floe_parquet__stats_update_fixed(&col->chunk_stats, leaf->order, leaf->width,
                                                d->values.data, d->count, NULL);
    TRY(grow((void **)&w->views, &w->views_cap, d->count, sizeof *w->views));
    for (uint32_t i = 0; i < d->count; i++)
        w->views[i] = floe_parquet__dict_bytes_at(d, i);
    return floe_parquet__stats_update_bytes(&col->chunk_stats, w->views, d->count);
}

static int chunk_metadata(floe_parquet_writer *w, pqw_column *col, floe_parquet_column_chunk *cc,
                          int64_t chunk_start, int64_t data_start, int64_t dict_size_unc,
                          int64_t dict_size_comp)
{
    floe_parquet_arena *a = &w->md->arena;
    floe_parquet_column_metadata *cm = floe_parquet__arena_alloc(a, sizeof *cm);
    if (!cm)
        return FLOE_ENOMEM;
    cc->file_offset = chunk_start;
    cc->meta_data = cm;
    cm->type = (floe_parquet_type)col->leaf->ptype;
    cm->encodings = floe_parquet__arena_array(a, 3, sizeof *cm->encodings);
    cm->encoding_stats = floe_parquet__arena_array(a, 3, sizeof *cm->encoding_stats);
    if (!cm->encodings || !cm->encoding_stats)
        return FLOE_ENOMEM;
    if (col->dict_used || col->pages_plain)
        cm->encodings[cm->num_encodings++] = FLOE_PARQUET_ENC_PLAIN;
    if (col->max_def || col->max_rep)
        cm->encodings[cm->num_encodings++] = FLOE_PARQUET_ENC_RLE;
    if (col->pages_dict)
        cm->encodings[cm->num_encodings++] = FLOE_PARQUET_ENC_RLE_DICTIONARY;
    if (col->dict_used)
        cm->encoding_stats[cm->num_encoding_stats++] = (floe_parquet_page_encoding_stats){
            FLOE_PARQUET_PAGE_DICTIONARY, FLOE_PARQUET_ENC_PLAIN, 1};
    if (col->pages_dict)
        cm->encoding_stats[cm->num_encoding_stats++] = (floe_parquet_page_encoding_stats){
            FLOE_PARQUET_PAGE_DATA, FLOE_PARQUET_ENC_RLE_DICTIONARY, col->pages_dict};
    if (col->pages_plain)
        cm->encoding_stats[cm->num_encoding_stats++] = (floe_parquet_page_encoding_stats){
            FLOE_PARQUET_PAGE_DATA, FLOE_PARQUET_ENC_PLAIN, col->pages_plain};
    cm->path_len = (uint32_t)col->path_len;
    cm->path_in_schema = col->path_names;
    cm->codec = (floe_parquet_codec)w->opts.compression;
    cm->num_values = col->chunk_values;
    cm->total_uncompressed_size = col->chunk_uncompressed + dict_size_unc;
    cm->total_compressed_size = col->chunk_compressed + dict_size_comp;
    cm->data_page_offset = data_start;
    if (col->dict_used) {
        cm->has_dictionary_page_offset = true;
        cm->dictionary_page_offset = chunk_start;
    }
    if (w->opts.write_statistics) {
        floe_parquet_statistics *st = floe_parquet__arena_alloc(a, sizeof *st);
        if (!st)
            return FLOE_ENOMEM;
        cm->statistics = st;
        st->has_null_count = true;
        st->null_count = col->chunk_nulls;
        if (col->chunk_stats.has) {
            uint8_t scratch[32];
            const uint8_t *mn, *mx;
            size_t mnl, mxl;
            floe_parquet__stats_bytes(&col->chunk_stats, col->leaf->order, col->leaf->width,
                                      scratch, &mn, &mnl, &mx, &mxl);
            st->min_value = (const uint8_t *)floe_parquet__arena_memdup(a, mn, mnl);
            st->max_value = (const uint8_t *)floe_parquet__arena_memdup(a, mx, mxl);
            if (!st->min_value || !st->max_value)
                return FLOE_ENOMEM;
            st->has_min_value = st->has_max_value = true;
            st->min_value_len = mnl;
            st->max_value_len = mxl;
            st->has_is_min_value_exact = st->has_is_max_value_exact = true;
            st->is_min_value_exact = st->is_max_value_exact = true;
        }
        if (col->leaf->is_float) {
            st->has_nan_count = true;
            st->nan_count = col->chunk_nans;
        }
    }
    return 0;
}

static int flush_row_group(floe_parquet_writer *w)
{
    if (w->rg_rows == 0)
        return 0;
    if (w->n_rgs == w->cap_rgs) {
        size_t cap = w->cap_rgs ? w->cap_rgs * 2 : 8;
        floe_parquet_row_group *n = floe_realloc(w->rgs, cap * sizeof *n);
        if (!n)
            return floe_error_set(FLOE_ENOMEM, "parquet writer: out of memory");
        w->rgs = n;
        w->cap_rgs = cap;
    }
    floe_parquet_row_group *rg = &w->rgs[w->n_rgs];
    memset(rg, 0, sizeof *rg);
    rg->columns = floe_parquet__arena_array(&w->md->arena, w->s.n_columns, sizeof *rg->columns);
    if (!rg->columns)
        return FLOE_ENOMEM;
    rg->num_columns = (uint32_t)w->s.n_columns;
    int64_t rg_start = (int64_t)w->offset;
    int64_t unc = 0, comp = 0;
    for (size_t i = 0; i < w->s.n_columns; i++) {
        pqw_column *col = &w->s.columns[i];
        TRY(flush_page(w, col));
        int64_t chunk_start = (int64_t)w->offset;
        int64_t dict_unc = 0, dict_comp = 0;
        if (col->dict_used) {
            const uint8_t *payload = NULL;
            size_t plen = 0;
            TRY(check_page_size(col, col->dict.values.len));
            TRY(compress_payload(w, col->dict.values.data, col->dict.values.len, &payload, &plen));
            floe_parquet_page_header ph;
            memset(&ph, 0, sizeof ph);
            ph.type = FLOE_PARQUET_PAGE_DICTIONARY;
            ph.uncompressed_page_size = (int32_t)col->dict.values.len;
            ph.compressed_page_size = (int32_t)plen;
            ph.has_dictionary_page_header = true;
            ph.dictionary_page_header.num_values = (int32_t)col->dict.count;
            ph.dictionary_page_header.encoding = FLOE_PARQUET_ENC_PLAIN;
            w->hdr.len = 0;
            TRY(floe_parquet__page_header_encode(&w->hdr, &ph));
            TRY(out_write(w, w->hdr.data, w->hdr.len));
            TRY(out_write(w, payload, plen));
            dict_unc = (int64_t)(w->hdr.len + col->dict.values.len);
            dict_comp = (int64_t)(w->hdr.len + plen);
            TRY(fold_dict_stats(w, col));
        }
        int64_t data_start = (int64_t)w->offset;
        TRY(out_write(w, col->chunk.data, col->chunk.len));
        TRY(chunk_metadata(w, col, &rg->columns[i], chunk_start, data_start, dict_unc, dict_comp));
        unc += col->chunk_uncompressed + dict_unc;
        comp += col->chunk_compressed + dict_comp;
        TRY(floe_parquet__stats_merge(&col->file_stats, &col->chunk_stats, col->leaf->order));
        col->total_values += col->chunk_values;
        col->total_nulls += col->chunk_nulls;
        col->total_nans += col->chunk_nans;
        col->total_size += col->chunk_compressed + dict_comp;
        column_reset_chunk(w, col);
    }
    rg->num_rows = w->rg_rows;
    rg->total_byte_size = unc;
    rg->has_file_offset = true;
    rg->file_offset = rg_start;
    rg->has_total_compressed_size = true;
    rg->total_compressed_size = comp;
    rg->has_ordinal = w->n_rgs <= INT16_MAX;
    rg->ordinal = (int16_t)(w->n_rgs <= INT16_MAX ? w->n_rgs : 0);
    w->n_rgs++;
    w->rg_rows = 0;
    return 0;
}

static uint64_t row_group_estimate(const floe_parquet_writer *w)
{
    double est = 0;
    for (size_t i = 0; i < w->s.n_columns; i++) {
        const pqw_column *col = &w->s.columns[i];
        est += (double)col->chunk.len;
        if (col->dict_on || col->dict_used)
            est += (double)col->dict.values.len * (col->ratio > 0 ? col->ratio : 1.0);
        est += (double)page_estimate(col) * (col->ratio > 0 ? col->ratio : 1.0);
    }
    return (uint64_t)est;
}

/* ---- public API ------------------------------------------------------------------------- */

static int check_options(const floe_parquet_writer_options *o)
{
    if (o->version < 1)
        return floe_error_set(FLOE_EINVALID,
                              "parquet writer: options.version is %u; initialise "
                              "the options with FLOE_PARQUET_WRITER_OPTIONS_INIT",
                              o->version);
    if (o->version > FLOE_PARQUET_WRITER_OPTIONS_VERSION)
        return floe_error_set(FLOE_EVERSION,
                              "parquet writer: options version %u is newer than "
                              "this library's %u",
                              o->version, FLOE_PARQUET_WRITER_OPTIONS_VERSION);
    if (o->row_group_bytes <= 0 || o->page_bytes <= 0 || o->dictionary_page_bytes < 0)
        return floe_error_set(FLOE_EINVALID, "parquet writer: row_group_bytes and page_bytes must "
                                             "be positive and dictionary_page_bytes >= 0");
    if (!floe_parquet__codec_can_write(o->compression))
        return floe_error_set(FLOE_EINVALID,
                              "parquet writer: compression %d is not supported for "
                              "writing (use zstd, snappy, gzip, brotli, lz4_raw or "
                              "uncompressed)",
                              o->compression);
    for (size_t i = 0; i < o->n_key_value_metadata; i++)
        if (!o->key_value_metadata[i].key)
            return floe_error_set(FLOE_EINVALID,
                                  "parquet writer: key_value_metadata[%zu] has no "
                                  "key",
                                  i);
    return 0;
}

static void writer_free(floe_parquet_writer *w)
{
    for (size_t i = 0; w->s.columns && i < w->s.n_columns; i++) {
        pqw_column *col = &w->s.columns[i];
        floe_buf_free(&col->def);
        floe_buf_free(&col->rep);
        floe_buf_free(&col->values);
        floe_buf_free(&col->chunk);
        floe_parquet__dict_free(&col->dict);
        floe_parquet__stats_free(&col->chunk_stats);
        floe_parquet__stats_free(&col->file_stats);
    }
    floe_parquet__writer_schema_free(&w->s);
    floe_parquet__file_metadata_free(w->md);
    if (w->schema.release)
        w->schema.release(&w->schema);
    floe_free(w->rgs);
    floe_free(w->idx);
    floe_free(w->views);
    floe_free(w->didx);
    floe_buf_free(&w->conv);
    floe_buf_free(&w->raw);
    floe_buf_free(&w->comp);
    floe_buf_free(&w->hdr);
    floe_free(w);
}

int floe_parquet_writer_open(floe_parquet_writer **out, floe_output_file *file,
                             const struct ArrowSchema *schema,
                             const floe_parquet_writer_options *opts)
{
    *out = NULL;
    floe_parquet_writer_options defaults = FLOE_PARQUET_WRITER_OPTIONS_INIT;
    if (!opts)
        opts = &defaults;
    int rc;
    if (!file) {
        return floe_error_set(FLOE_EINVALID, "parquet writer: no output file");
    }
    if (!schema || !schema->format) {
        floe_output_abort(file);
        return floe_error_set(FLOE_EINVALID, "parquet writer: no schema");
    }
    if ((rc = check_options(opts)) != 0 || (rc = floe_arrow_validate_schema(schema)) != 0) {
        floe_output_abort(file);
        return rc;
    }
    floe_parquet_writer *w = floe_calloc(1, sizeof *w);
    if (!w) {
        floe_output_abort(file);
        return floe_error_set(FLOE_ENOMEM, "parquet writer: out of memory");
    }
    w->file = file;
    w->opts = *opts;
    w->opts.key_value_metadata = NULL;
    w->opts.field_ids = NULL;
    rc = floe_arrow_schema_copy(&w->schema, schema);
    if (!rc)
        rc = floe_parquet__file_metadata_new(&w->md);
    if (!rc)
        rc = floe_parquet__writer_schema_build(&w->s, &w->schema, opts, w->md);
    if (!rc && opts->n_key_value_metadata) {
        floe_parquet_arena *a = &w->md->arena;
        w->md->key_value =
            floe_parquet__arena_array(a, opts->n_key_value_metadata, sizeof *w->md->key_value);
        if (!w->md->key_value)
            rc = FLOE_ENOMEM;
        for (size_t i = 0; !rc && i < opts->n_key_value_metadata; i++) {
            const floe_parquet_key_value_pair *kv = &opts->key_value_metadata[i];
            floe_parquet_key_value *d = &w->md->key_value[i];
            d->key = floe_parquet__arena_strdup(a, kv->key);
            if (!d->key)
                rc = FLOE_ENOMEM;
            if (!rc && kv->value) {
                d->value = floe_parquet__arena_strdup(a, kv->value);
                d->value_len = strlen(kv->value);
                if (!d->value)
                    rc = FLOE_ENOMEM;
            }
        }
        w->md->num_key_value = (uint32_t)opts->n_key_value_metadata;
    }
    for (size_t i = 0; !rc && i < w->s.n_columns; i++) {
        pqw_column *col = &w->s.columns[i];
        floe_parquet__dict_init(&col->dict,
                                col->leaf->ptype == FLOE_PARQUET_BYTE_ARRAY ? 0 : col->leaf->width);
        col->ratio = 1.0;
        column_reset_chunk(w, col);
    }
    if (!rc)
        rc = out_write(w, "PAR1", 4);
    if (rc) {
        floe_output_abort(w->file);
        writer_free(w);
        return rc;
    }
    *out = w;
    return 0;
}

/* Stops dictionary encoding for the rest of the column chunk. When no dictionary-encoded
 * page was written yet, the page being built is turned back into PLAIN values and the
 * chunk gets no dictionary at all; else that page is closed and later pages are PLAIN. */
static int dict_fallback(floe_parquet_writer *w, pqw_column *col)
{
    if (col->dict_used) {
        TRY(flush_page(w, col));
    } else {
        const pqw_node *leaf = col->leaf;
        pqw_dict *d = &col->dict;
        TRY(fold_dict_stats(w, col));
        size_t n = (size_t)col->page_nonnull;
        w->conv.len = 0;
        TRY(floe_buf_append(&w->conv, col->values.data, n * sizeof(uint32_t)));
        const uint32_t *ix = (const uint32_t *)(const void *)w->conv.data;
        col->values.len = 0;
        if (leaf->ptype == FLOE_PARQUET_BYTE_ARRAY) {
            for (size_t k = 0; k < n; k++) {
                pqw_view v = floe_parquet__dict_bytes_at(d, ix[k]);
                TRY(floe_buf_append(&col->values, v.p - 4, 4 + (size_t)v.len));
            }
        } else {
            size_t wd = (size_t)leaf->width;
            TRY(floe_buf_reserve(&col->values, n * wd));
            for (size_t k = 0; k < n; k++)
                memcpy(col->values.data + k * wd, d->values.data + (size_t)ix[k] * wd, wd);
            col->values.len = n * wd;
        }
        floe_parquet__dict_clear(d);
    }
    col->dict_on = false;
    col->page_dict = false;
    return 0;
}

/* The dictionary is worth keeping while dictionary + indices stay well below PLAIN. */
static bool dict_pays(const pqw_column *col)
{
    if (col->dict_seen < 2048)
        return true;
    int bw = floe_parquet__enc_bit_width(col->dict.count ? col->dict.count - 1 : 0);
    double encoded = (double)col->dict.values.len + (double)col->dict_seen * (bw ? bw : 1) / 8.0;
    return encoded < 0.8 * (double)col->dict_plain_bytes;
}

static int write_rows(floe_parquet_writer *w, const struct ArrowArray *batch)
{
    int64_t len = batch->length;
    int64_t step = w->opts.page_bytes / 16;
    step = step < 16 ? 16 : step > SLICE_ROWS ? SLICE_ROWS : step;
    for (int64_t r0 = 0; r0 < len; r0 += step) {
        int64_t r1 = r0 + step < len ? r0 + step : len;
        for (size_t i = 0; i < w->s.n_columns; i++) {
            pqw_column *col = &w->s.columns[i];
            size_t nv;
            int64_t start = 0, levels = 0;
            int contiguous;
            const struct ArrowArray *leaf;
            TRY(floe_parquet__shred(col, batch, batch->offset + r0, batch->offset + r1, &w->idx,
                                    &w->idx_cap, &nv, &start, &contiguous, &leaf, &levels));
            col->page_levels += levels;
            col->page_nonnull += (int64_t)nv;
            col->chunk_nulls += levels - (int64_t)nv;
            if (nv)
                TRY(encode_values(w, col, leaf, contiguous ? NULL : w->idx, start, nv));
            if (col->dict_on && ((int64_t)col->dict.values.len > w->opts.dictionary_page_bytes ||
                                 !dict_pays(col))) {
                TRY(dict_fallback(w, col));
            }
            if ((int64_t)page_estimate(col) >= w->opts.page_bytes) {
                TRY(flush_page(w, col));
            }
        }
        w->rg_rows += r1 - r0;
        w->rows += r1 - r0;
        if ((int64_t)row_group_estimate(w) >= w->opts.row_group_bytes)
            TRY(flush_row_group(w));
    }
    return 0;
}

int floe_parquet_writer_write(floe_parquet_writer *w, const struct ArrowArray *batch)
{
    if (!w)
        return floe_error_set(FLOE_EINVALID, "parquet writer: NULL writer");
    if (w->failed)
        return floe_error_set(w->failed, "parquet writer: an earlier write failed; abort the "
                                         "writer");
    if (!batch || !batch->release)
        return floe_error_set(FLOE_EINVALID, "parquet writer: batch is NULL or released");
    int rc = floe_arrow_validate(&w->schema, batch, 0);
    if (rc)
        return floe_error_wrap(rc, "parquet writer: batch does not match the schema");
    if (batch->null_count != 0 && batch->n_buffers > 0 && batch->buffers[0])
        return floe_error_set(FLOE_EINVALID, "parquet writer: a record batch cannot have null "
                                             "rows at the top level");
    rc = write_rows(w, batch);
    if (rc)
        w->failed = rc;
    return rc;
}

int floe_parquet_writer_write_stream(floe_parquet_writer *w, struct ArrowArrayStream *stream)
{
    if (!stream || !stream->get_next)
        return floe_error_set(FLOE_EINVALID, "parquet writer: stream is NULL or released");
    for (;;) {
        struct ArrowArray batch;
        memset(&batch, 0, sizeof batch);
        int rc = stream->get_next(stream, &batch);
        if (rc) {
            const char *msg = stream->get_last_error ? stream->get_last_error(stream) : NULL;
            int code = floe_arrow_floe_from_errno(rc);
            return floe_error_set(code ? code : FLOE_EIO,
                                  "parquet writer: the input stream failed: %s",
                                  msg ? msg : "(no message)");
        }
        if (!batch.release)
            return 0;
        rc = floe_parquet_writer_write(w, &batch);
        batch.release(&batch);
        if (rc)
            return rc;
    }
}

uint64_t floe_parquet_writer_bytes_estimate(const floe_parquet_writer *w)
{
    return w ? w->offset + row_group_estimate(w) : 0;
}

uint64_t floe_parquet_writer_buffered_bytes(const floe_parquet_writer *w)
{
    if (!w)
        return 0;
    uint64_t n = w->conv.cap + w->raw.cap + w->comp.cap + w->hdr.cap +
                 w->idx_cap * sizeof(int64_t) + w->views_cap * sizeof(pqw_view) +
                 w->didx_cap * sizeof(uint32_t) + w->md->arena.total +
                 w->cap_rgs * sizeof(floe_parquet_row_group);
    for (size_t i = 0; i < w->s.n_columns; i++) {
        const pqw_column *col = &w->s.columns[i];
        n += col->def.cap + col->rep.cap + col->values.cap + col->chunk.cap +
             floe_parquet__dict_memory(&col->dict) + col->chunk_stats.bmin.cap +
             col->chunk_stats.bmax.cap + col->file_stats.bmin.cap + col->file_stats.bmax.cap;
    }
    return n;
}

int64_t floe_parquet_writer_row_count(const floe_parquet_writer *w)
{
    return w ? w->rows : 0;
}

void floe_parquet_writer_abort(floe_parquet_writer *w)
{
    if (!w)
        return;
    floe_output_abort(w->file);
    writer_free(w);
}

static int write_footer(floe_parquet_writer *w)
{
    TRY(flush_row_group(w));
    floe_parquet_file_metadata *md = w->md;
    md->version = 2;
    md->num_rows = w->rows;
    md->row_groups = w->rgs;
    md->num_row_groups = (uint32_t)w->n_rgs;
    md->created_by = CREATED_BY;
    md->num_column_orders = (uint32_t)w->s.n_columns;
    md->column_orders =
        floe_parquet__arena_array(&md->arena, w->s.n_columns, sizeof *md->column_orders);
    if (!md->column_orders)
        return FLOE_ENOMEM;
    for (size_t i = 0; i < w->s.n_columns; i++)
        md->column_orders[i] = FLOE_PARQUET_ORDER_TYPE_DEFINED;
    floe_buf *b = &w->raw;
    b->len = 0;
    int rc = floe_parquet__file_metadata_encode(b, md);
    md->row_groups = NULL; /* owned by w->rgs */
    md->num_row_groups = 0;
    if (rc)
        return rc;
    if (b->len > UINT32_MAX)
        return floe_error_set(FLOE_ERANGE, "parquet writer: footer larger than 4 GiB");
    uint32_t n = (uint32_t)b->len;
    uint8_t tail[8] = {
        (uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), (uint8_t)(n >> 24), 'P', 'A', 'R', '1'};
    TRY(out_write(w, b->data, b->len));
    return out_write(w, tail, 8);
}

int floe_parquet_writer_close(floe_parquet_writer *w, floe_parquet_file_metrics **metrics)
{
    if (metrics)
        *metrics = NULL;
    if (!w)
        return floe_error_set(FLOE_EINVALID, "parquet writer: NULL writer");
    int rc = w->failed;
    if (rc) {
        floe_parquet_writer_abort(w);
        return floe_error_set(rc, "parquet writer: an earlier write failed; the file was "
                                  "discarded");
    }
    rc = write_footer(w);
    floe_parquet_file_metrics *m = NULL;
    if (!rc && metrics)
        rc = floe_parquet__metrics_build(&m, w->rows, w->offset, w->s.columns, w->s.n_columns,
                                         w->rgs, w->n_rgs);
    if (rc) {
        floe_parquet_writer_abort(w);
        return rc;
    }
    floe_output_file *f = w->file;
    w->file = NULL;
    writer_free(w);
    rc = floe_output_commit(f);
    if (rc) {
        floe_parquet_file_metrics_free(m);
        return rc;
    }
    if (metrics)
        *metrics = m;
    return 0;
}
