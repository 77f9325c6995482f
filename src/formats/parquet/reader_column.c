/* Reading one column chunk: pages (dictionary, data v1 and v2), decompression, levels and
 * values decoded into dense Arrow-width values, delivered in batches of whole rows. */
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "formats/parquet/codec.h"
#include "formats/parquet/reader_internal.h"

/* Level entries accepted in one page or one batch: bounds memory against pages whose levels
 * are RLE runs claiming billions of entries in a few bytes. */
#define MAX_PAGE_LEVELS  ((size_t)1 << 24)
#define MAX_BATCH_LEVELS ((size_t)1 << 26)

struct floe_pq_column_reader {
    const floe_pq_node *leaf;
    uint8_t *chunk;
    size_t chunk_len, chunk_cap;
    uint64_t chunk_off;
    size_t pos; /* next page header, relative to chunk */
    int codec;
    int64_t rows_left;
    int started;
    /* dictionary */
    int has_dict;
    uint32_t dict_count;
    uint8_t *dict_page;
    floe_buf dict_values;
    floe_parquet_view *dict_views;
    /* current data page */
    size_t page_levels, page_pos;
    uint16_t *def, *rep;
    size_t lvl_cap;
    size_t page_nvalues, page_vpos;
    int page_dense;           /* no nulls and no repetition in this page */
    const uint8_t *page_vptr; /* fixed-width values: page_values.data or the page itself */
    floe_buf page_values;
    floe_parquet_view *views;
    size_t views_cap;
    uint8_t *page_buf;
    size_t page_buf_cap;
    floe_buf scratch;
    floe_buf tmp;
    uint32_t *idx;
    size_t idx_cap;
};

static int corrupt_at(floe_pq_column_reader *cr, size_t rel, const char *what)
{
    return floe_error_set(FLOE_ECORRUPT, "column '%s': %s (page at byte offset %llu)",
                          cr->leaf->name, what, (unsigned long long)(cr->chunk_off + rel));
}

int floe_parquet__column_reader_new(floe_pq_column_reader **out, floe_input_file *file,
                                    uint64_t file_size, const floe_parquet_column_chunk *chunk,
                                    const floe_pq_node *leaf, int64_t num_rows)
{
    const floe_parquet_column_metadata *m = chunk->meta_data;
    if (!m)
        return floe_error_set(FLOE_EUNSUPPORTED,
                              "column '%s' has no metadata (encrypted or external column)",
                              leaf->name);
    if (chunk->file_path)
        return floe_error_set(FLOE_EUNSUPPORTED, "column '%s' lives in another file ('%s')",
                              leaf->name, chunk->file_path);
    if ((int)m->type != leaf->physical)
        return floe_error_set(FLOE_ECORRUPT, "column '%s' chunk has type %s but the schema says %s",
                              leaf->name, floe_parquet__type_name((int)m->type),
                              floe_parquet__type_name(leaf->physical));
    int64_t start = m->data_page_offset;
    if (m->has_dictionary_page_offset && m->dictionary_page_offset > 0 &&
        m->dictionary_page_offset < start)
        start = m->dictionary_page_offset;
    int64_t len = m->total_compressed_size;
    if (start < 4 || len < 0 || (uint64_t)start > file_size || (uint64_t)len > file_size - 4 ||
        (uint64_t)start + (uint64_t)len > file_size)
        return floe_error_set(FLOE_ECORRUPT,
                              "column '%s' chunk at offset %lld (%lld bytes) lies outside the "
                              "file (%llu bytes)",
                              leaf->name, (long long)start, (long long)len,
                              (unsigned long long)file_size);
    floe_pq_column_reader *cr = *out;
    if (!cr) {
        cr = floe_calloc(1, sizeof(*cr));
        if (!cr)
            return floe_error_set(FLOE_ENOMEM, "out of memory opening column '%s'", leaf->name);
        *out = cr;
    } else {
        /* Reuse the buffers of the previous row group's chunk: fewer page faults. */
        cr->pos = 0;
        cr->started = 0;
        cr->has_dict = 0;
        cr->dict_count = 0;
        floe_free(cr->dict_page);
        cr->dict_page = NULL;
        floe_free(cr->dict_views);
        cr->dict_views = NULL;
        cr->dict_values.len = 0;
        cr->page_levels = cr->page_pos = 0;
        cr->page_nvalues = cr->page_vpos = 0;
        cr->page_dense = 0;
        cr->page_vptr = NULL;
    }
    cr->leaf = leaf;
    cr->codec = (int)m->codec;
    cr->rows_left = num_rows;
    cr->chunk_off = (uint64_t)start;
    cr->chunk_len = 0;
    if ((size_t)len > cr->chunk_cap) {
        floe_free(cr->chunk);
        cr->chunk_cap = 0;
        cr->chunk = floe_malloc((size_t)len ? (size_t)len : 1);
        if (!cr->chunk)
            return floe_error_set(FLOE_ENOMEM, "out of memory reading column '%s' (%zu bytes)",
                                  leaf->name, (size_t)len);
        cr->chunk_cap = (size_t)len;
    }
    int rc = floe_input_read_exact(file, (uint64_t)start, cr->chunk, (size_t)len);
    if (rc)
        return rc;
    cr->chunk_len = (size_t)len;
    return 0;
}

void floe_parquet__column_reader_free(floe_pq_column_reader *cr)
{
    if (!cr)
        return;
    floe_free(cr->chunk);
    floe_free(cr->dict_page);
    floe_buf_free(&cr->dict_values);
    floe_free(cr->dict_views);
    floe_free(cr->def);
    floe_free(cr->rep);
    floe_buf_free(&cr->page_values);
    floe_free(cr->views);
    floe_free(cr->page_buf);
    floe_buf_free(&cr->scratch);
    floe_buf_free(&cr->tmp);
    floe_free(cr->idx);
    floe_free(cr);
}

void floe_parquet__batch_column_free(floe_pq_batch_column *bc)
{
    floe_free(bc->def);
    floe_free(bc->rep);
    floe_buf_free(&bc->values);
    floe_buf_free(&bc->lengths);
    memset(bc, 0, sizeof(*bc));
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 1024;
    while (n < need)
        n *= 2;
    size_t bytes;
    if (floe_mul_size(n, elem, &bytes))
        return floe_error_set(FLOE_ENOMEM, "allocation size overflow");
    void *q = floe_realloc(*p, bytes);
    if (!q)
        return floe_error_set(FLOE_ENOMEM, "out of memory (%zu bytes)", bytes);
    *p = q;
    *cap = n;
    return 0;
}

/* ---- physical -> Arrow conversion ------------------------------------------------------- */

static void store_dec(uint8_t *dst, int64_t v)
{
    uint64_t lo = (uint64_t)v, hi = v < 0 ? UINT64_MAX : 0;
    memcpy(dst, &lo, 8);
    memcpy(dst + 8, &hi, 8);
}

/* Big-endian two's complement of n bytes -> little-endian decimal128. */
static int be_to_dec(uint8_t *dst, const uint8_t *src, size_t n)
{
    uint8_t fill = n && (src[0] & 0x80) ? 0xff : 0;
    if (n > 16) {
        for (size_t i = 0; i < n - 16; i++)
            if (src[i] != fill)
                return -1;
        src += n - 16;
        n = 16;
    }
    memset(dst, fill, 16);
    for (size_t i = 0; i < n; i++)
        dst[i] = src[n - 1 - i];
    return 0;
}

/* Converts `count` dense physical values at src into Arrow-width values appended to dst. */
static int convert_fixed(floe_pq_column_reader *cr, floe_buf *dst, const uint8_t *src, size_t count)
{
    const floe_pq_node *L = cr->leaf;
    size_t bytes;
    if (floe_mul_size(count, L->out_width, &bytes))
        return floe_error_set(FLOE_ENOMEM, "allocation size overflow");
    int rc = floe_buf_reserve(dst, bytes);
    if (rc)
        return rc;
    uint8_t *o = dst->data + dst->len;
    switch (L->conv) {
    case PQ_CONV_COPY:
    case PQ_CONV_BOOL:
        memcpy(o, src, bytes);
        break;
    case PQ_CONV_I32_TO_I8:
        for (size_t i = 0; i < count; i++) {
            int32_t v;
            memcpy(&v, src + 4 * i, 4);
            o[i] = (uint8_t)v;
        }
        break;
    case PQ_CONV_I32_TO_I16:
        for (size_t i = 0; i < count; i++) {
            int32_t v;
            memcpy(&v, src + 4 * i, 4);
            uint16_t w = (uint16_t)v;
            memcpy(o + 2 * i, &w, 2);
        }
        break;
    case PQ_CONV_I32_TO_DEC:
        for (size_t i = 0; i < count; i++) {
            int32_t v;
            memcpy(&v, src + 4 * i, 4);
            store_dec(o + 16 * i, v);
        }
        break;
    case PQ_CONV_I64_TO_DEC:
        for (size_t i = 0; i < count; i++) {
            int64_t v;
            memcpy(&v, src + 8 * i, 8);
            store_dec(o + 16 * i, v);
        }
        break;
    case PQ_CONV_BYTES_TO_DEC: /* FLBA decimals */
        for (size_t i = 0; i < count; i++)
            if (be_to_dec(o + 16 * i, src + (size_t)L->type_length * i, (size_t)L->type_length))
                return floe_error_set(FLOE_ECORRUPT, "column '%s': decimal value out of range",
                                      L->name);
        break;
    case PQ_CONV_INT96_TO_NS:
        for (size_t i = 0; i < count; i++) {
            uint64_t nanos;
            uint32_t julian;
            memcpy(&nanos, src + 12 * i, 8);
            memcpy(&julian, src + 12 * i + 8, 4);
            /* Unsigned arithmetic: hostile values wrap instead of overflowing. */
            uint64_t v = ((uint64_t)julian - 2440588u) * UINT64_C(86400000000000) + nanos;
            memcpy(o + 8 * i, &v, 8);
        }
        break;
    case PQ_CONV_BYTES:
        return floe_error_set(FLOE_ERROR, "internal: fixed conversion of a binary column");
    }
    dst->len += bytes;
    return 0;
}

/* Physical width of a leaf's fixed-size values. */
static size_t phys_width(const floe_pq_node *L)
{
    switch (L->physical) {
    case FLOE_PARQUET_INT32:
    case FLOE_PARQUET_FLOAT:
        return 4;
    case FLOE_PARQUET_INT64:
    case FLOE_PARQUET_DOUBLE:
        return 8;
    case FLOE_PARQUET_INT96:
        return 12;
    case FLOE_PARQUET_FIXED_LEN_BYTE_ARRAY:
        return (size_t)L->type_length;
    default:
        return 0;
    }
}

/* Views (BYTE_ARRAY values) -> decimal128 appended to dst. */
static int views_to_dec(floe_pq_column_reader *cr, floe_buf *dst, const floe_parquet_view *v,
                        size_t count)
{
    int rc = floe_buf_reserve(dst, count * 16);
    if (rc)
        return rc;
    for (size_t i = 0; i < count; i++)
        if (be_to_dec(dst->data + dst->len + 16 * i, v[i].ptr, v[i].len))
            return floe_error_set(FLOE_ECORRUPT, "column '%s': decimal value out of range",
                                  cr->leaf->name);
    dst->len += count * 16;
    return 0;
}

/* Decodes `count` values of `encoding` from p[0..n) into either `fixed` (Arrow width) or
 * `views` (binary columns). Used for dictionary pages and data pages alike. */
static int decode_values(floe_pq_column_reader *cr, int encoding, const uint8_t *p, size_t n,
                         size_t count, floe_buf *fixed, floe_parquet_view **views,
                         size_t *views_cap)
{
    const floe_pq_node *L = cr->leaf;
    int rc;
    int binary = L->physical == FLOE_PARQUET_BYTE_ARRAY;
    fixed->len = 0;
    if (binary || (L->physical == FLOE_PARQUET_FIXED_LEN_BYTE_ARRAY &&
                   encoding == FLOE_PARQUET_ENC_DELTA_BYTE_ARRAY)) {
        if ((rc = grow((void **)views, views_cap, count ? count : 1, sizeof(floe_parquet_view))) !=
            0)
            return rc;
    }
    switch (encoding) {
    case FLOE_PARQUET_ENC_PLAIN:
        if (L->physical == FLOE_PARQUET_BOOLEAN) {
            if ((rc = floe_buf_reserve(fixed, count)) != 0)
                return rc;
            if ((rc = floe_parquet__decode_plain_bool(fixed->data, count, p, n, NULL)) != 0)
                return rc;
            fixed->len = count;
            return 0;
        }
        if (binary) {
            if ((rc = floe_parquet__decode_plain_bytes(*views, count, p, n, NULL)) != 0)
                return rc;
            return L->conv == PQ_CONV_BYTES_TO_DEC ? views_to_dec(cr, fixed, *views, count) : 0;
        }
        {
            size_t w = phys_width(L);
            if (w == 0 || count > n / w)
                return floe_error_set(FLOE_ECORRUPT,
                                      "column '%s': PLAIN page holds %zu bytes, too few for %zu "
                                      "values",
                                      L->name, n, count);
            return convert_fixed(cr, fixed, p, count);
        }
    case FLOE_PARQUET_ENC_RLE:
        if (L->physical != FLOE_PARQUET_BOOLEAN)
            break;
        if ((rc = floe_buf_reserve(fixed, count)) != 0)
            return rc;
        if ((rc = floe_parquet__decode_rle_bool(fixed->data, count, p, n)) != 0)
            return rc;
        fixed->len = count;
        return 0;
    case FLOE_PARQUET_ENC_DELTA_BINARY_PACKED:
        if (L->physical != FLOE_PARQUET_INT32 && L->physical != FLOE_PARQUET_INT64)
            break;
        {
            size_t w = phys_width(L);
            cr->tmp.len = 0;
            if ((rc = floe_buf_reserve(&cr->tmp, count * w)) != 0)
                return rc;
            if ((rc = floe_parquet__decode_delta_binary(cr->tmp.data, w == 8, count, p, n, NULL)) !=
                0)
                return rc;
            return convert_fixed(cr, fixed, cr->tmp.data, count);
        }
    case FLOE_PARQUET_ENC_DELTA_LENGTH_BYTE_ARRAY:
        if (!binary)
            break;
        if ((rc = floe_parquet__decode_delta_length(*views, count, p, n, NULL)) != 0)
            return rc;
        return L->conv == PQ_CONV_BYTES_TO_DEC ? views_to_dec(cr, fixed, *views, count) : 0;
    case FLOE_PARQUET_ENC_DELTA_BYTE_ARRAY:
        if (!binary && L->physical != FLOE_PARQUET_FIXED_LEN_BYTE_ARRAY)
            break;
        if ((rc = floe_parquet__decode_delta_bytes(*views, count, p, n, &cr->scratch)) != 0)
            return rc;
        if (!binary) {
            cr->tmp.len = 0;
            if ((rc = floe_buf_reserve(&cr->tmp, count * (size_t)L->type_length)) != 0)
                return rc;
            for (size_t i = 0; i < count; i++) {
                if ((*views)[i].len != (uint32_t)L->type_length)
                    return floe_error_set(FLOE_ECORRUPT,
                                          "column '%s': DELTA_BYTE_ARRAY value of %u bytes in a "
                                          "FIXED_LEN_BYTE_ARRAY(%d) column",
                                          L->name, (*views)[i].len, L->type_length);
                memcpy(cr->tmp.data + i * (size_t)L->type_length, (*views)[i].ptr,
                       (size_t)L->type_length);
            }
            return convert_fixed(cr, fixed, cr->tmp.data, count);
        }
        return L->conv == PQ_CONV_BYTES_TO_DEC ? views_to_dec(cr, fixed, *views, count) : 0;
    case FLOE_PARQUET_ENC_BYTE_STREAM_SPLIT: {
        size_t w = phys_width(L);
        if (w == 0 || L->physical == FLOE_PARQUET_INT96)
            break;
        if (count > n / w)
            return floe_error_set(FLOE_ECORRUPT,
                                  "column '%s': BYTE_STREAM_SPLIT page too small for %zu values",
                                  L->name, count);
        cr->tmp.len = 0;
        if ((rc = floe_buf_reserve(&cr->tmp, count * w)) != 0)
            return rc;
        /* The streams span the whole values section: each is n / w bytes long. */
        if (n != count * w)
            return floe_error_set(FLOE_ECORRUPT,
                                  "column '%s': BYTE_STREAM_SPLIT section is %zu bytes, not "
                                  "%zu x %zu",
                                  L->name, n, count, w);
        if ((rc = floe_parquet__decode_byte_stream_split(cr->tmp.data, count, w, p, n)) != 0)
            return rc;
        return convert_fixed(cr, fixed, cr->tmp.data, count);
    }
    default:
        break;
    }
    /* Every supported (encoding, type) pair returned above. */
    return floe_error_set(FLOE_EUNSUPPORTED, "column '%s': encoding %s is not supported for %s",
                          L->name, floe_parquet__encoding_name(encoding),
                          floe_parquet__type_name(L->physical));
}

/* ---- pages ------------------------------------------------------------------------------ */

/* 1 when a level stream starts with one RLE run of `value` covering `count` entries: the
 * common "no nulls" page, whose levels need not be materialized. */
static int single_run(const uint8_t *p, size_t n, size_t count, int max)
{
    uint64_t header = 0;
    size_t i = 0;
    for (int shift = 0; shift < 35; shift += 7) {
        if (i >= n)
            return 0;
        uint8_t b = p[i++];
        header |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            break;
        if (shift == 28)
            return 0;
    }
    if ((header & 1) || (header >> 1) < count)
        return 0;
    int nbytes = (floe_parquet__bit_width((uint32_t)max) + 7) / 8;
    if (n - i < (size_t)nbytes)
        return 0;
    uint32_t v = 0;
    for (int k = 0; k < nbytes; k++)
        v |= (uint32_t)p[i + (size_t)k] << (8 * k);
    return v == (uint32_t)max;
}

static int read_levels(floe_pq_column_reader *cr, uint16_t *out, size_t count, int max,
                       const uint8_t *p, size_t n)
{
    floe_parquet_rle r;
    floe_parquet__rle_init(&r, p, n, floe_parquet__bit_width((uint32_t)max));
    uint32_t tmp[512];
    for (size_t done = 0; done < count;) {
        size_t take = count - done < 512 ? count - done : 512;
        int rc = floe_parquet__rle_read_bounded(&r, tmp, take, (uint32_t)max + 1);
        if (rc)
            return floe_error_wrap(rc, "column '%s' levels", cr->leaf->name);
        for (size_t i = 0; i < take; i++)
            out[done + i] = (uint16_t)tmp[i];
        done += take;
    }
    return 0;
}

/* v1 levels: 4-byte little-endian length, then the hybrid stream. Advances p and n. */
static int read_levels_v1(floe_pq_column_reader *cr, uint16_t *out, size_t count, int max,
                          const uint8_t **p, size_t *n, int encoding, int *dense)
{
    if (encoding != FLOE_PARQUET_ENC_RLE)
        return floe_error_set(FLOE_EUNSUPPORTED,
                              "column '%s': level encoding %s is not supported (only RLE)",
                              cr->leaf->name, floe_parquet__encoding_name(encoding));
    if (*n < 4)
        return floe_error_set(FLOE_ECORRUPT, "column '%s': page ends inside its levels",
                              cr->leaf->name);
    uint32_t len = (uint32_t)(*p)[0] | ((uint32_t)(*p)[1] << 8) | ((uint32_t)(*p)[2] << 16) |
                   ((uint32_t)(*p)[3] << 24);
    if (len > *n - 4)
        return floe_error_set(FLOE_ECORRUPT,
                              "column '%s': levels claim %u bytes but the page has %zu",
                              cr->leaf->name, len, *n - 4);
    int rc = 0;
    if (dense && single_run(*p + 4, len, count, max))
        *dense = 1;
    else
        rc = read_levels(cr, out, count, max, *p + 4, len);
    *p += 4 + len;
    *n -= 4 + len;
    return rc;
}

static int ensure_page_buf(floe_pq_column_reader *cr, size_t n)
{
    return grow((void **)&cr->page_buf, &cr->page_buf_cap, n ? n : 1, 1);
}

static int load_dictionary(floe_pq_column_reader *cr, const floe_parquet_page_header *ph,
                           const uint8_t *data, size_t hdr_at)
{
    if (cr->has_dict)
        return corrupt_at(cr, hdr_at, "second dictionary page in one column chunk");
    if (!ph->has_dictionary_page_header)
        return corrupt_at(cr, hdr_at, "dictionary page without a dictionary header");
    const floe_parquet_dictionary_page_header *dh = &ph->dictionary_page_header;
    size_t usize = (size_t)ph->uncompressed_page_size;
    if (dh->num_values < 0 || (size_t)dh->num_values > usize * 8 + 8)
        return corrupt_at(cr, hdr_at, "dictionary page value count is implausible");
    if (dh->encoding != FLOE_PARQUET_ENC_PLAIN && dh->encoding != FLOE_PARQUET_ENC_PLAIN_DICTIONARY)
        return corrupt_at(cr, hdr_at, "dictionary page is not PLAIN encoded");
    floe_free(cr->dict_page);
    cr->dict_page = floe_malloc(usize ? usize : 1);
    if (!cr->dict_page)
        return floe_error_set(FLOE_ENOMEM, "out of memory reading a dictionary page");
    int rc = floe_parquet__decompress(cr->dict_page, usize, cr->codec, data,
                                      (size_t)ph->compressed_page_size);
    if (rc)
        return floe_error_wrap(rc, "column '%s' dictionary page at byte offset %llu",
                               cr->leaf->name, (unsigned long long)(cr->chunk_off + hdr_at));
    size_t cap = 0;
    rc = decode_values(cr, FLOE_PARQUET_ENC_PLAIN, cr->dict_page, usize, (size_t)dh->num_values,
                       &cr->dict_values, &cr->dict_views, &cap);
    if (rc)
        return rc;
    size_t bad;
    if (cr->leaf->format[0] == 'u' && cr->leaf->conv == PQ_CONV_BYTES &&
        !floe_parquet__views_utf8_valid(cr->dict_views, (size_t)dh->num_values, &bad))
        return floe_error_set(FLOE_ECORRUPT,
                              "column '%s': dictionary entry %zu is not valid UTF-8 (page at byte "
                              "offset %llu)",
                              cr->leaf->name, bad, (unsigned long long)(cr->chunk_off + hdr_at));
    cr->dict_count = (uint32_t)dh->num_values;
    cr->has_dict = 1;
    return 0;
}

static int load_data_page(floe_pq_column_reader *cr, const floe_parquet_page_header *ph,
                          const uint8_t *data, size_t hdr_at)
{
    const floe_pq_node *L = cr->leaf;
    int v2 = ph->type == FLOE_PARQUET_PAGE_DATA_V2;
    int32_t num_values;
    int encoding;
    if (v2) {
        if (!ph->has_data_page_header_v2)
            return corrupt_at(cr, hdr_at, "data page v2 without its header");
        num_values = ph->data_page_header_v2.num_values;
        encoding = ph->data_page_header_v2.encoding;
    } else {
        if (!ph->has_data_page_header)
            return corrupt_at(cr, hdr_at, "data page without its header");
        num_values = ph->data_page_header.num_values;
        encoding = ph->data_page_header.encoding;
    }
    if (num_values < 0 || (size_t)num_values > MAX_PAGE_LEVELS)
        return corrupt_at(cr, hdr_at, "data page value count is negative or over 2^24");
    size_t count = (size_t)num_values;
    size_t csize = (size_t)ph->compressed_page_size;
    size_t usize = (size_t)ph->uncompressed_page_size;
    int rc;
    if ((rc = grow((void **)&cr->def, &cr->lvl_cap, count ? count : 1, sizeof(uint16_t))) != 0)
        return rc;
    {
        uint16_t *r2 = floe_realloc(cr->rep, cr->lvl_cap * sizeof(uint16_t));
        if (!r2)
            return floe_error_set(FLOE_ENOMEM, "out of memory reading levels");
        cr->rep = r2;
    }
    const uint8_t *vals;
    size_t vlen;
    int all_defined = 0; /* def levels are one run of max_def: not materialized */
    if (v2) {
        const floe_parquet_data_page_header_v2 *h = &ph->data_page_header_v2;
        if (h->repetition_levels_byte_length < 0 || h->definition_levels_byte_length < 0 ||
            (size_t)h->repetition_levels_byte_length > csize ||
            (size_t)h->definition_levels_byte_length >
                csize - (size_t)h->repetition_levels_byte_length ||
            (size_t)h->repetition_levels_byte_length + (size_t)h->definition_levels_byte_length >
                usize)
            return corrupt_at(cr, hdr_at, "data page v2 level lengths exceed the page");
        size_t rl = (size_t)h->repetition_levels_byte_length;
        size_t dl = (size_t)h->definition_levels_byte_length;
        if (L->max_rep > 0 && (rc = read_levels(cr, cr->rep, count, L->max_rep, data, rl)) != 0)
            return rc;
        if (L->max_def > 0) {
            if (L->max_rep == 0 && single_run(data + rl, dl, count, L->max_def))
                all_defined = 1;
            else if ((rc = read_levels(cr, cr->def, count, L->max_def, data + rl, dl)) != 0)
                return rc;
        }
        size_t vc = csize - rl - dl, vu = usize - rl - dl;
        if (h->is_compressed && cr->codec != 0) {
            if ((rc = ensure_page_buf(cr, vu)) != 0)
                return rc;
            rc = floe_parquet__decompress(cr->page_buf, vu, cr->codec, data + rl + dl, vc);
            if (rc)
                return floe_error_wrap(rc, "column '%s' page at byte offset %llu", L->name,
                                       (unsigned long long)(cr->chunk_off + hdr_at));
            vals = cr->page_buf;
            vlen = vu;
        } else {
            vals = data + rl + dl;
            vlen = vc;
        }
    } else {
        if ((rc = ensure_page_buf(cr, usize)) != 0)
            return rc;
        rc = floe_parquet__decompress(cr->page_buf, usize, cr->codec, data, csize);
        if (rc)
            return floe_error_wrap(rc, "column '%s' page at byte offset %llu", L->name,
                                   (unsigned long long)(cr->chunk_off + hdr_at));
        vals = cr->page_buf;
        vlen = usize;
        if (L->max_rep > 0 &&
            (rc = read_levels_v1(cr, cr->rep, count, L->max_rep, &vals, &vlen,
                                 ph->data_page_header.repetition_level_encoding, NULL)) != 0)
            return rc;
        if (L->max_def > 0 && (rc = read_levels_v1(cr, cr->def, count, L->max_def, &vals, &vlen,
                                                   ph->data_page_header.definition_level_encoding,
                                                   L->max_rep == 0 ? &all_defined : NULL)) != 0)
            return rc;
    }
    if (L->max_rep > 0 && count > 0 && !cr->started && cr->rep[0] != 0)
        return corrupt_at(cr, hdr_at, "column chunk starts in the middle of a row");
    cr->started = 1;
    size_t nonnull = count;
    if (L->max_def > 0 && !all_defined) {
        nonnull = 0;
        uint16_t md = (uint16_t)L->max_def;
        for (size_t i = 0; i < count; i++)
            nonnull += cr->def[i] == md;
    }
    cr->page_vptr = NULL;
    cr->page_dense = L->max_rep == 0 && nonnull == count;
    if (encoding == FLOE_PARQUET_ENC_PLAIN_DICTIONARY ||
        encoding == FLOE_PARQUET_ENC_RLE_DICTIONARY) {
        if (!cr->has_dict)
            return corrupt_at(cr, hdr_at, "dictionary-encoded page without a dictionary page");
        if ((rc = grow((void **)&cr->idx, &cr->idx_cap, nonnull ? nonnull : 1, sizeof(uint32_t))) !=
            0)
            return rc;
        if ((rc = floe_parquet__decode_dict_indices(cr->idx, nonnull, vals, vlen,
                                                    cr->dict_count)) != 0)
            return floe_error_wrap(rc, "column '%s' page at byte offset %llu", L->name,
                                   (unsigned long long)(cr->chunk_off + hdr_at));
        if (L->conv == PQ_CONV_BYTES) {
            if ((rc = grow((void **)&cr->views, &cr->views_cap, nonnull ? nonnull : 1,
                           sizeof(floe_parquet_view))) != 0)
                return rc;
            const floe_parquet_view *dv = cr->dict_views;
            for (size_t i = 0; i < nonnull; i++)
                cr->views[i] = dv[cr->idx[i]];
        } else {
            size_t w = L->out_width;
            cr->page_values.len = 0;
            if ((rc = floe_buf_reserve(&cr->page_values, nonnull * w)) != 0)
                return rc;
            const uint8_t *dv = cr->dict_values.data;
            uint8_t *o = cr->page_values.data;
            if (w == 8) {
                for (size_t i = 0; i < nonnull; i++)
                    memcpy(o + 8 * i, dv + 8 * (size_t)cr->idx[i], 8);
            } else if (w == 4) {
                for (size_t i = 0; i < nonnull; i++)
                    memcpy(o + 4 * i, dv + 4 * (size_t)cr->idx[i], 4);
            } else {
                for (size_t i = 0; i < nonnull; i++)
                    memcpy(o + w * i, dv + w * (size_t)cr->idx[i], w);
            }
            cr->page_values.len = nonnull * w;
        }
    } else if (encoding == FLOE_PARQUET_ENC_PLAIN && L->conv == PQ_CONV_COPY &&
               L->physical != FLOE_PARQUET_BYTE_ARRAY) {
        /* Same layout in Parquet and Arrow: use the page bytes in place. */
        if (nonnull > vlen / L->out_width)
            return corrupt_at(cr, hdr_at, "PLAIN page is too small for its values");
        cr->page_vptr = vals;
    } else {
        rc = decode_values(cr, encoding, vals, vlen, nonnull, &cr->page_values, &cr->views,
                           &cr->views_cap);
        if (rc)
            return floe_error_wrap(rc, "page at byte offset %llu",
                                   (unsigned long long)(cr->chunk_off + hdr_at));
        size_t bad;
        if (L->format[0] == 'u' && L->conv == PQ_CONV_BYTES &&
            !floe_parquet__views_utf8_valid(cr->views, nonnull, &bad))
            return floe_error_set(FLOE_ECORRUPT,
                                  "column '%s': value %zu is not valid UTF-8 (page at byte offset "
                                  "%llu)",
                                  L->name, bad, (unsigned long long)(cr->chunk_off + hdr_at));
    }
    if (!cr->page_vptr)
        cr->page_vptr = cr->page_values.data;
    cr->page_levels = count;
    cr->page_pos = 0;
    cr->page_nvalues = nonnull;
    cr->page_vpos = 0;
    return 0;
}

/* Loads the next data page; returns 1 at the end of the chunk. */
static int next_page(floe_pq_column_reader *cr)
{
    for (;;) {
        if (cr->pos >= cr->chunk_len)
            return 1;
        floe_parquet_page_header ph;
        size_t hlen = 0;
        size_t at = cr->pos;
        int rc = floe_parquet__page_header_decode(&ph, &hlen, cr->chunk + at, cr->chunk_len - at,
                                                  cr->chunk_off + at, NULL);
        if (rc)
            return rc;
        if (ph.compressed_page_size < 0 || ph.uncompressed_page_size < 0 ||
            (size_t)ph.compressed_page_size > cr->chunk_len - at - hlen)
            return corrupt_at(cr, at, "page size is negative or runs past the column chunk");
        if ((size_t)ph.uncompressed_page_size > FLOE_PARQUET_MAX_PAGE_BYTES)
            return corrupt_at(cr, at, "page is larger than 1 GiB uncompressed");
        const uint8_t *data = cr->chunk + at + hlen;
        cr->pos = at + hlen + (size_t)ph.compressed_page_size;
        switch (ph.type) {
        case FLOE_PARQUET_PAGE_DICTIONARY:
            if ((rc = load_dictionary(cr, &ph, data, at)) != 0)
                return rc;
            continue;
        case FLOE_PARQUET_PAGE_DATA:
        case FLOE_PARQUET_PAGE_DATA_V2:
            if ((rc = load_data_page(cr, &ph, data, at)) != 0)
                return rc;
            if (cr->page_levels == 0)
                continue;
            return 0;
        default:
            continue; /* index pages and unknown page types carry no values */
        }
    }
}

static int append_values(floe_pq_column_reader *cr, floe_pq_batch_column *out, size_t nv)
{
    if (nv > cr->page_nvalues - cr->page_vpos)
        return floe_error_set(FLOE_ECORRUPT, "column '%s': page has fewer values than levels",
                              cr->leaf->name);
    int rc;
    if (cr->leaf->conv == PQ_CONV_BYTES) {
        const floe_parquet_view *v = cr->views + cr->page_vpos;
        size_t total = 0;
        for (size_t i = 0; i < nv; i++)
            total += v[i].len;
        /* Arrow offsets are int32; dictionaries can also amplify a small page into huge
         * output, so refuse a batch beyond 1 GiB of bytes. */
        if (total > ((size_t)1 << 30) - out->values.len)
            return floe_error_set(FLOE_EUNSUPPORTED,
                                  "column '%s': a batch holds over 1 GiB of binary data; read "
                                  "with a smaller batch size",
                                  cr->leaf->name);
        if ((rc = floe_buf_reserve(&out->values, total)) != 0 ||
            (rc = floe_buf_reserve(&out->lengths, nv * 4)) != 0)
            return rc;
        uint8_t *d = out->values.data + out->values.len;
        int32_t *lens = (int32_t *)(void *)(out->lengths.data + out->lengths.len);
        for (size_t i = 0; i < nv; i++) {
            memcpy(d, v[i].ptr, v[i].len);
            d += v[i].len;
            lens[i] = (int32_t)v[i].len;
        }
        out->values.len += total;
        out->lengths.len += nv * 4;
    } else {
        size_t w = cr->leaf->out_width;
        if ((rc = floe_buf_append(&out->values, cr->page_vptr + cr->page_vpos * w, nv * w)) != 0)
            return rc;
    }
    cr->page_vpos += nv;
    out->num_values += nv;
    return 0;
}

int floe_parquet__column_reader_read(floe_pq_column_reader *cr, floe_pq_batch_column *out,
                                     int64_t rows, int64_t *rows_read)
{
    const floe_pq_node *L = cr->leaf;
    out->num_levels = 0;
    out->dense = 1;
    out->num_values = 0;
    out->values.len = 0;
    out->lengths.len = 0;
    int64_t got = 0;
    int rc;
    for (;;) {
        if (cr->page_pos == cr->page_levels) {
            rc = next_page(cr);
            if (rc == 1)
                break;
            if (rc)
                return rc;
        }
        size_t start = cr->page_pos, end = start;
        if (L->max_rep == 0) {
            if (got >= rows)
                break;
            size_t left = cr->page_levels - start;
            size_t take = (uint64_t)(rows - got) < left ? (size_t)(rows - got) : left;
            end = start + take;
            got += (int64_t)take;
        } else {
            while (end < cr->page_levels) {
                if (cr->rep[end] == 0) {
                    if (got == rows)
                        break;
                    got++;
                }
                end++;
            }
        }
        size_t take = end - start;
        if (take == 0)
            break;
        if (out->num_levels + take > MAX_BATCH_LEVELS)
            return floe_error_set(
                FLOE_ECORRUPT, "column '%s': a batch needs more than 2^26 level entries", L->name);
        size_t need = out->num_levels + take;
        int leveled = L->max_def > 0 || L->max_rep > 0;
        if (leveled && !(cr->page_dense && out->dense)) {
            size_t cap = out->def_cap;
            if ((rc = grow((void **)&out->def, &cap, need, sizeof(uint16_t))) != 0)
                return rc;
            if (cap != out->def_cap || !out->rep) {
                uint16_t *r2 = floe_realloc(out->rep, cap * sizeof(uint16_t));
                if (!r2)
                    return floe_error_set(FLOE_ENOMEM, "out of memory reading levels");
                out->rep = r2;
                out->def_cap = cap;
            }
            if (out->dense) {
                /* Earlier entries of this batch were all present: write their levels now. */
                for (size_t i = 0; i < out->num_levels; i++) {
                    out->def[i] = (uint16_t)L->max_def;
                    out->rep[i] = 0;
                }
                out->dense = 0;
            }
            if (L->max_def > 0 && cr->page_dense) {
                /* The page's levels were one run of max_def and were not materialized. */
                for (size_t i = 0; i < take; i++)
                    out->def[out->num_levels + i] = (uint16_t)L->max_def;
            } else if (L->max_def > 0)
                memcpy(out->def + out->num_levels, cr->def + start, take * sizeof(uint16_t));
            else
                memset(out->def + out->num_levels, 0, take * sizeof(uint16_t));
            if (L->max_rep > 0)
                memcpy(out->rep + out->num_levels, cr->rep + start, take * sizeof(uint16_t));
            else
                memset(out->rep + out->num_levels, 0, take * sizeof(uint16_t));
        }
        size_t nv = take;
        if (L->max_def > 0 && !cr->page_dense) {
            nv = 0;
            uint16_t md = (uint16_t)L->max_def;
            for (size_t i = start; i < end; i++)
                nv += cr->def[i] == md;
        }
        if ((rc = append_values(cr, out, nv)) != 0)
            return rc;
        out->num_levels = need;
        cr->page_pos = end;
        if (L->max_rep > 0 && end < cr->page_levels)
            break; /* stopped at the start of row rows+1 */
    }
    *rows_read = got;
    return 0;
}
