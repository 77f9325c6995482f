/* Dictionary builder for RLE_DICTIONARY: an open-addressing hash table over the dictionary's
 * PLAIN-encoded entries, so inserting a value allocates nothing except when tables grow. */
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "formats/parquet/writer_internal.h"

static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static inline uint64_t load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* A fast non-cryptographic hash over bytes: 8-byte words folded with multiply-mix. */
static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * 0x100000001b3ULL);
    while (n >= 8) {
        h = (h ^ load64(p)) * 0x9fb21c651e98df25ULL;
        h ^= h >> 29;
        p += 8;
        n -= 8;
    }
    if (n) {
        uint64_t t = 0;
        memcpy(&t, p, n);
        h = (h ^ t) * 0x9fb21c651e98df25ULL;
    }
    return mix64(h);
}

static inline uint64_t hash_fixed(const uint8_t *p, int width)
{
    if (width == 8)
        return mix64(load64(p));
    if (width == 4) {
        uint32_t v;
        memcpy(&v, p, 4);
        return mix64(v);
    }
    return hash_bytes(p, (size_t)width);
}

void floe_parquet__dict_init(pqw_dict *d, int width)
{
    memset(d, 0, sizeof *d);
    d->width = width;
}

void floe_parquet__dict_clear(pqw_dict *d)
{
    d->values.len = 0;
    d->count = 0;
    if (d->slots)
        memset(d->slots, 0, d->cap * sizeof *d->slots);
}

void floe_parquet__dict_free(pqw_dict *d)
{
    floe_buf_free(&d->values);
    floe_free(d->slots);
    floe_free(d->hashes);
    floe_free(d->offsets);
    int w = d->width;
    memset(d, 0, sizeof *d);
    d->width = w;
}

size_t floe_parquet__dict_memory(const pqw_dict *d)
{
    return d->values.cap + d->cap * sizeof(uint32_t) +
           d->entries_cap * (sizeof(uint64_t) + sizeof(uint32_t));
}

static uint64_t entry_hash(const pqw_dict *d, uint32_t i)
{
    if (d->width > 0)
        return hash_fixed(d->values.data + (size_t)i * (size_t)d->width, d->width);
    return d->hashes[i];
}

/* Keeps the load factor at most 1/2. */
static int grow_table(pqw_dict *d)
{
    if ((size_t)(d->count + 1) * 2 <= d->cap)
        return 0;
    size_t cap = d->cap ? d->cap * 2 : 1024;
    uint32_t *slots = floe_calloc(cap, sizeof *slots);
    if (!slots)
        return floe_error_set(FLOE_ENOMEM, "parquet writer: out of memory growing a dictionary");
    for (uint32_t i = 0; i < d->count; i++) {
        size_t s = (size_t)entry_hash(d, i) & (cap - 1);
        while (slots[s])
            s = (s + 1) & (cap - 1);
        slots[s] = i + 1;
    }
    floe_free(d->slots);
    d->slots = slots;
    d->cap = cap;
    return 0;
}

static int grow_entries(pqw_dict *d)
{
    if (d->count < d->entries_cap)
        return 0;
    size_t cap = d->entries_cap ? d->entries_cap * 2 : 1024;
    uint64_t *h = floe_realloc(d->hashes, cap * sizeof *h);
    if (!h)
        return floe_error_set(FLOE_ENOMEM, "parquet writer: out of memory growing a dictionary");
    d->hashes = h;
    uint32_t *o = floe_realloc(d->offsets, cap * sizeof *o);
    if (!o)
        return floe_error_set(FLOE_ENOMEM, "parquet writer: out of memory growing a dictionary");
    d->offsets = o;
    d->entries_cap = cap;
    return 0;
}

int floe_parquet__dict_insert_fixed(pqw_dict *d, const uint8_t *vals, size_t n, uint32_t *idx)
{
    const size_t w = (size_t)d->width;
    for (size_t k = 0; k < n; k++) {
        const uint8_t *v = vals + k * w;
        if ((size_t)(d->count + 1) * 2 > d->cap && grow_table(d))
            return FLOE_ENOMEM;
        size_t mask = d->cap - 1;
        size_t s = (size_t)hash_fixed(v, d->width) & mask;
        for (;;) {
            uint32_t e = d->slots[s];
            if (!e) {
                if (floe_buf_append(&d->values, v, w))
                    return FLOE_ENOMEM;
                d->slots[s] = ++d->count;
                idx[k] = d->count - 1;
                break;
            }
            const uint8_t *ev = d->values.data + (size_t)(e - 1) * w;
            if (w == 8 ? load64(ev) == load64(v) : memcmp(ev, v, w) == 0) {
                idx[k] = e - 1;
                break;
            }
            s = (s + 1) & mask;
        }
    }
    return 0;
}

pqw_view floe_parquet__dict_bytes_at(const pqw_dict *d, uint32_t i)
{
    const uint8_t *p = d->values.data + d->offsets[i];
    uint32_t len =
        (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    pqw_view v = {p + 4, len};
    return v;
}

int floe_parquet__dict_insert_bytes(pqw_dict *d, const pqw_view *vals, size_t n, uint32_t *idx)
{
    for (size_t k = 0; k < n; k++) {
        const pqw_view *v = &vals[k];
        if ((size_t)(d->count + 1) * 2 > d->cap && grow_table(d))
            return FLOE_ENOMEM;
        uint64_t h = hash_bytes(v->p, v->len);
        size_t mask = d->cap - 1;
        size_t s = (size_t)h & mask;
        for (;;) {
            uint32_t e = d->slots[s];
            if (!e) {
                if (grow_entries(d))
                    return FLOE_ENOMEM;
                if (d->values.len > UINT32_MAX - 4 - (size_t)v->len)
                    return floe_error_set(FLOE_ERANGE, "parquet writer: dictionary too large");
                uint32_t off = (uint32_t)d->values.len;
                uint8_t le[4] = {(uint8_t)v->len, (uint8_t)(v->len >> 8), (uint8_t)(v->len >> 16),
                                 (uint8_t)(v->len >> 24)};
                if (floe_buf_append(&d->values, le, 4) ||
                    (v->len && floe_buf_append(&d->values, v->p, v->len)))
                    return FLOE_ENOMEM;
                d->hashes[d->count] = h;
                d->offsets[d->count] = off;
                d->slots[s] = ++d->count;
                idx[k] = d->count - 1;
                break;
            }
            if (d->hashes[e - 1] == h) {
                pqw_view ev = floe_parquet__dict_bytes_at(d, e - 1);
                if (ev.len == v->len && (v->len == 0 || memcmp(ev.p, v->p, v->len) == 0)) {
                    idx[k] = e - 1;
                    break;
                }
            }
            s = (s + 1) & mask;
        }
    }
    return 0;
}
