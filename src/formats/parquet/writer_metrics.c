/* floe_parquet_file_metrics: value/null/NaN counts, sizes, typed bounds and split offsets of a
 * written file, keyed by leaf column (and field id). */
#include "formats/parquet/writer_metrics.h"

#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"

struct floe_parquet_file_metrics {
    int64_t rows;
    uint64_t size;
    size_t n_columns;
    floe_parquet_column_metrics *cols;
    uint8_t **owned; /* 2 per column: lower and upper bound bytes */
    char **paths;
    size_t n_rgs;
    int64_t *splits;
};

static int bound_bytes(floe_parquet_file_metrics *m, size_t slot, floe_parquet_value *v,
                       const uint8_t *p, size_t n)
{
    uint8_t *c = floe_malloc(n ? n : 1);
    if (!c)
        return floe_error_set(FLOE_ENOMEM, "parquet writer: out of memory building metrics");
    if (n)
        memcpy(c, p, n);
    m->owned[slot] = c;
    v->bytes = c;
    v->len = n;
    return 0;
}

static void put_be(uint8_t *dst, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        dst[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static int set_bounds(floe_parquet_file_metrics *m, size_t i, const pqw_column *col)
{
    floe_parquet_column_metrics *cm = &m->cols[i];
    const pqw_stats *s = &col->file_stats;
    const pqw_node *leaf = col->leaf;
    if (!s->has)
        return 0;
    floe_parquet_value *lo = &cm->lower, *hi = &cm->upper;
    lo->kind = hi->kind = leaf->bound_kind;
    switch (leaf->order) {
    case PQW_ORD_BOOL:
    case PQW_ORD_I32:
    case PQW_ORD_U32:
    case PQW_ORD_I64:
    case PQW_ORD_U64:
        if (leaf->bound_kind == FLOE_PARQUET_VALUE_DECIMAL) {
            uint8_t be[8];
            int w = leaf->width;
            put_be(be, (uint64_t)s->imin, w);
            if (bound_bytes(m, 2 * i, lo, be, (size_t)w))
                return FLOE_ENOMEM;
            put_be(be, (uint64_t)s->imax, w);
            return bound_bytes(m, 2 * i + 1, hi, be, (size_t)w);
        }
        lo->i = s->imin;
        hi->i = s->imax;
        return 0;
    case PQW_ORD_F32:
    case PQW_ORD_F64:
        lo->d = s->dmin == 0.0 ? -0.0 : s->dmin;
        hi->d = s->dmax == 0.0 ? 0.0 : s->dmax;
        return 0;
    case PQW_ORD_BYTES:
    case PQW_ORD_DEC_BE:
        if (bound_bytes(m, 2 * i, lo, s->bmin.data, s->bmin.len))
            return FLOE_ENOMEM;
        return bound_bytes(m, 2 * i + 1, hi, s->bmax.data, s->bmax.len);
    }
    return 0;
}

int floe_parquet__metrics_build(floe_parquet_file_metrics **out, int64_t rows, uint64_t size,
                                const pqw_column *cols, size_t n_cols,
                                const floe_parquet_row_group *rgs, size_t n_rgs)
{
    *out = NULL;
    floe_parquet_file_metrics *m = floe_calloc(1, sizeof *m);
    if (!m)
        return floe_error_set(FLOE_ENOMEM, "parquet writer: out of memory building metrics");
    m->rows = rows;
    m->size = size;
    m->n_columns = n_cols;
    m->n_rgs = n_rgs;
    m->cols = floe_calloc(n_cols ? n_cols : 1, sizeof *m->cols);
    m->owned = floe_calloc(n_cols ? 2 * n_cols : 1, sizeof *m->owned);
    m->paths = floe_calloc(n_cols ? n_cols : 1, sizeof *m->paths);
    m->splits = floe_calloc(n_rgs ? n_rgs : 1, sizeof *m->splits);
    int rc = (m->cols && m->owned && m->paths && m->splits)
                 ? 0
                 : floe_error_set(FLOE_ENOMEM, "parquet writer: out of memory building metrics");
    for (size_t i = 0; !rc && i < n_cols; i++) {
        const pqw_column *col = &cols[i];
        floe_parquet_column_metrics *cm = &m->cols[i];
        cm->field_id = col->leaf->has_field_id ? col->leaf->field_id : -1;
        m->paths[i] = floe_strdup(col->dotted);
        if (!m->paths[i]) {
            rc = floe_error_set(FLOE_ENOMEM, "parquet writer: out of memory building metrics");
            break;
        }
        cm->path = m->paths[i];
        cm->value_count = col->total_values;
        cm->null_count = col->total_nulls;
        cm->nan_count = col->leaf->is_float ? col->total_nans : -1;
        cm->column_size = col->total_size;
        rc = set_bounds(m, i, col);
    }
    for (size_t i = 0; !rc && i < n_rgs; i++)
        m->splits[i] = rgs[i].file_offset;
    if (rc) {
        floe_parquet_file_metrics_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

int64_t floe_parquet_file_metrics_row_count(const floe_parquet_file_metrics *m)
{
    return m ? m->rows : 0;
}

uint64_t floe_parquet_file_metrics_file_size(const floe_parquet_file_metrics *m)
{
    return m ? m->size : 0;
}

size_t floe_parquet_file_metrics_n_columns(const floe_parquet_file_metrics *m)
{
    return m ? m->n_columns : 0;
}

const floe_parquet_column_metrics *
floe_parquet_file_metrics_column(const floe_parquet_file_metrics *m, size_t i)
{
    return m && i < m->n_columns ? &m->cols[i] : NULL;
}

const floe_parquet_column_metrics *
floe_parquet_file_metrics_find(const floe_parquet_file_metrics *m, int32_t field_id)
{
    for (size_t i = 0; m && i < m->n_columns; i++)
        if (m->cols[i].field_id == field_id)
            return &m->cols[i];
    return NULL;
}

size_t floe_parquet_file_metrics_n_row_groups(const floe_parquet_file_metrics *m)
{
    return m ? m->n_rgs : 0;
}

int64_t floe_parquet_file_metrics_split_offset(const floe_parquet_file_metrics *m, size_t i)
{
    return m && i < m->n_rgs ? m->splits[i] : -1;
}

void floe_parquet_file_metrics_free(floe_parquet_file_metrics *m)
{
    if (!m)
        return;
    for (size_t i = 0; m->owned && i < 2 * m->n_columns; i++)
        floe_free(m->owned[i]);
    for (size_t i = 0; m->paths && i < m->n_columns; i++)
        floe_free(m->paths[i]);
    floe_free(m->owned);
    floe_free(m->paths);
    floe_free(m->cols);
    floe_free(m->splits);
    floe_free(m);
}
