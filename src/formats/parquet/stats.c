/* Column statistics in the type-defined sort order of each Parquet type: signed or unsigned
 * integers, floats with NaN never a bound, unsigned byte-wise for strings and binaries,
 * signed big-endian for FIXED_LEN_BYTE_ARRAY decimals. */
#include <math.h>
#include <string.h>

#include <floe/error.h>

#include "formats/parquet/writer_internal.h"

void floe_parquet__stats_reset(pqw_stats *s)
{
    s->has = false;
    s->bmin.len = 0;
    s->bmax.len = 0;
}

void floe_parquet__stats_free(pqw_stats *s)
{
    floe_buf_free(&s->bmin);
    floe_buf_free(&s->bmax);
    s->has = false;
}

static int set_buf(floe_buf *b, const uint8_t *p, size_t n)
{
    b->len = 0;
    return n ? floe_buf_append(b, p, n) : floe_buf_reserve(b, 1);
}

static int cmp_bytes(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    size_t n = an < bn ? an : bn;
    int c = n ? memcmp(a, b, n) : 0;
    if (c)
        return c;
    return an < bn ? -1 : an > bn;
}

/* Signed big-endian two's complement, equal lengths. */
static int cmp_dec_be(const uint8_t *a, const uint8_t *b, size_t n)
{
    if (n == 0)
        return 0;
    int sa = (int8_t)a[0], sb = (int8_t)b[0];
    if (sa != sb)
        return sa < sb ? -1 : 1;
    int c = n > 1 ? memcmp(a + 1, b + 1, n - 1) : 0;
    return c < 0 ? -1 : c > 0;
}

int floe_parquet__stats_update_fixed(pqw_stats *s, pqw_order ord, int width, const uint8_t *v,
                                     size_t n, int64_t *nans)
{
    size_t k = 0;
    switch (ord) {
    case PQW_ORD_I32:
    case PQW_ORD_U32:
    case PQW_ORD_I64:
    case PQW_ORD_U64: {
        if (n == 0)
            return 0;
        int64_t lo, hi;
        bool is_unsigned = ord == PQW_ORD_U32 || ord == PQW_ORD_U64;
        bool w4 = ord == PQW_ORD_I32 || ord == PQW_ORD_U32;
        const int32_t *x32 = (const int32_t *)(const void *)v;
        const int64_t *x64 = (const int64_t *)(const void *)v;
        /* 32-bit values widen to 64 bits with their order kept (zero-extended when unsigned). */
        if (is_unsigned) {
            uint64_t l = w4 ? (uint32_t)x32[0] : (uint64_t)x64[0], h = l;
            for (k = 1; k < n; k++) {
                uint64_t y = w4 ? (uint32_t)x32[k] : (uint64_t)x64[k];
                l = y < l ? y : l;
                h = y > h ? y : h;
            }
            lo = (int64_t)l;
            hi = (int64_t)h;
        } else {
            int64_t l = w4 ? x32[0] : x64[0], h = l;
            for (k = 1; k < n; k++) {
                int64_t y = w4 ? x32[k] : x64[k];
                l = y < l ? y : l;
                h = y > h ? y : h;
            }
            lo = l;
            hi = h;
        }
        if (!s->has) {
            s->imin = lo;
            s->imax = hi;
            s->has = true;
        } else if (is_unsigned) {
            if ((uint64_t)lo < (uint64_t)s->imin)
                s->imin = lo;
            if ((uint64_t)hi > (uint64_t)s->imax)
                s->imax = hi;
        } else {
            if (lo < s->imin)
                s->imin = lo;
            if (hi > s->imax)
                s->imax = hi;
        }
        return 0;
    }
    case PQW_ORD_F32:
    case PQW_ORD_F64: {
        int64_t nan = 0;
        double l = INFINITY, h = -INFINITY;
        bool any = false;
        const float *x32 = (const float *)(const void *)v;
        const double *x64 = (const double *)(const void *)v;
        for (k = 0; k < n; k++) {
            /* Widening a float to double keeps its order and its NaN-ness. */
            double y = ord == PQW_ORD_F32 ? (double)x32[k] : x64[k];
            if (y != y) {
                nan++;
                continue;
            }
            any = true;
            l = y < l ? y : l;
            h = y > h ? y : h;
        }
        if (nans)
            *nans += nan;
        if (any) {
            /* -0.0 and +0.0 compare equal: keep -0.0 as a minimum candidate and +0.0 as a
             * maximum one, so the written bounds follow the spec whatever came first. */
            if (l == 0.0)
                l = -0.0;
            if (h == 0.0)
                h = 0.0;
            if (!s->has) {
                s->dmin = l;
                s->dmax = h;
                s->has = true;
            } else {
                if (l < s->dmin)
                    s->dmin = l;
                if (h > s->dmax)
                    s->dmax = h;
            }
        }
        return 0;
    }
    case PQW_ORD_BYTES:
    case PQW_ORD_DEC_BE: {
        size_t w = (size_t)width;
        for (k = 0; k < n; k++) {
            const uint8_t *x = v + k * w;
            if (!s->has) {
                if (set_buf(&s->bmin, x, w) || set_buf(&s->bmax, x, w))
                    return FLOE_ENOMEM;
                s->has = true;
                continue;
            }
            int cl = ord == PQW_ORD_BYTES ? cmp_bytes(x, w, s->bmin.data, w)
                                          : cmp_dec_be(x, s->bmin.data, w);
            if (cl < 0) {
                if (set_buf(&s->bmin, x, w))
                    return FLOE_ENOMEM;
                continue;
            }
            int ch = ord == PQW_ORD_BYTES ? cmp_bytes(x, w, s->bmax.data, w)
                                          : cmp_dec_be(x, s->bmax.data, w);
            if (ch > 0 && set_buf(&s->bmax, x, w))
                return FLOE_ENOMEM;
        }
        return 0;
    }
    case PQW_ORD_BOOL:
        return floe_parquet__stats_update_bool(s, v, n);
    }
    return 0;
}

int floe_parquet__stats_update_bytes(pqw_stats *s, const pqw_view *v, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (!s->has) {
            if (set_buf(&s->bmin, v[k].p, v[k].len) || set_buf(&s->bmax, v[k].p, v[k].len))
                return FLOE_ENOMEM;
            s->has = true;
            continue;
        }
        if (cmp_bytes(v[k].p, v[k].len, s->bmin.data, s->bmin.len) < 0) {
            if (set_buf(&s->bmin, v[k].p, v[k].len))
                return FLOE_ENOMEM;
        } else if (cmp_bytes(v[k].p, v[k].len, s->bmax.data, s->bmax.len) > 0) {
            if (set_buf(&s->bmax, v[k].p, v[k].len))
                return FLOE_ENOMEM;
        }
    }
    return 0;
}

int floe_parquet__stats_update_bool(pqw_stats *s, const uint8_t *v01, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        int64_t b = v01[k] != 0;
        if (!s->has) {
            s->imin = s->imax = b;
            s->has = true;
        } else {
            if (b < s->imin)
                s->imin = b;
            if (b > s->imax)
                s->imax = b;
        }
    }
    return 0;
}

int floe_parquet__stats_merge(pqw_stats *a, const pqw_stats *b, pqw_order ord)
{
    if (!b->has)
        return 0;
    switch (ord) {
    case PQW_ORD_BOOL:
    case PQW_ORD_I32:
    case PQW_ORD_I64:
    case PQW_ORD_U32:
    case PQW_ORD_U64: {
        bool u = ord == PQW_ORD_U32 || ord == PQW_ORD_U64;
        if (!a->has) {
            a->imin = b->imin;
            a->imax = b->imax;
        } else {
            if (u ? (uint64_t)b->imin < (uint64_t)a->imin : b->imin < a->imin)
                a->imin = b->imin;
            if (u ? (uint64_t)b->imax > (uint64_t)a->imax : b->imax > a->imax)
                a->imax = b->imax;
        }
        break;
    }
    case PQW_ORD_F32:
    case PQW_ORD_F64:
        if (!a->has) {
            a->dmin = b->dmin;
            a->dmax = b->dmax;
        } else {
            /* Zeros are stored as -0.0 in minima and +0.0 in maxima, so < and > suffice. */
            if (b->dmin < a->dmin)
                a->dmin = b->dmin;
            if (b->dmax > a->dmax)
                a->dmax = b->dmax;
        }
        break;
    case PQW_ORD_BYTES:
    case PQW_ORD_DEC_BE: {
        bool dec = ord == PQW_ORD_DEC_BE;
        if (!a->has || (dec ? cmp_dec_be(b->bmin.data, a->bmin.data, b->bmin.len)
                            : cmp_bytes(b->bmin.data, b->bmin.len, a->bmin.data, a->bmin.len)) < 0)
            if (set_buf(&a->bmin, b->bmin.data, b->bmin.len))
                return FLOE_ENOMEM;
        if (!a->has || (dec ? cmp_dec_be(b->bmax.data, a->bmax.data, b->bmax.len)
                            : cmp_bytes(b->bmax.data, b->bmax.len, a->bmax.data, a->bmax.len)) > 0)
            if (set_buf(&a->bmax, b->bmax.data, b->bmax.len))
                return FLOE_ENOMEM;
        break;
    }
    }
    a->has = true;
    return 0;
}

static void put_le(uint8_t *dst, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        dst[i] = (uint8_t)(v >> (8 * i));
}

void floe_parquet__stats_bytes(const pqw_stats *s, pqw_order ord, int width, uint8_t scratch[32],
                               const uint8_t **min, size_t *min_len, const uint8_t **max,
                               size_t *max_len)
{
    (void)width;
    switch (ord) {
    case PQW_ORD_BOOL:
        scratch[0] = (uint8_t)s->imin;
        scratch[16] = (uint8_t)s->imax;
        *min_len = *max_len = 1;
        break;
    case PQW_ORD_I32:
    case PQW_ORD_U32:
        put_le(scratch, (uint64_t)s->imin, 4);
        put_le(scratch + 16, (uint64_t)s->imax, 4);
        *min_len = *max_len = 4;
        break;
    case PQW_ORD_I64:
    case PQW_ORD_U64:
        put_le(scratch, (uint64_t)s->imin, 8);
        put_le(scratch + 16, (uint64_t)s->imax, 8);
        *min_len = *max_len = 8;
        break;
    case PQW_ORD_F32: {
        float lo = (float)s->dmin, hi = (float)s->dmax;
        if (lo == 0.0f)
            lo = -0.0f;
        if (hi == 0.0f)
            hi = 0.0f;
        memcpy(scratch, &lo, 4);
        memcpy(scratch + 16, &hi, 4);
        *min_len = *max_len = 4;
        break;
    }
    case PQW_ORD_F64: {
        double lo = s->dmin, hi = s->dmax;
        if (lo == 0.0)
            lo = -0.0;
        if (hi == 0.0)
            hi = 0.0;
        memcpy(scratch, &lo, 8);
        memcpy(scratch + 16, &hi, 8);
        *min_len = *max_len = 8;
        break;
    }
    case PQW_ORD_BYTES:
    case PQW_ORD_DEC_BE:
        *min = s->bmin.data;
        *min_len = s->bmin.len;
        *max = s->bmax.data;
        *max_len = s->bmax.len;
        return;
    }
    *min = scratch;
    *max = scratch + 16;
}
