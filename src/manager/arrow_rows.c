/* Row-level helpers over Arrow batches: a value as an Iceberg literal (partition keys), and
 * copying selected rows into builders (splitting a batch by partition, filtering a scan). */
#include <string.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/decimal.h>
#include <floe/arrow/type.h>
#include <floe/arrow/value.h>
#include <floe/error.h>
#include <floe/iceberg/literal.h>
#include <floe/iceberg/types.h>

#include "base/alloc.h"
#include "manager/arrow_rows.h"

int floe_manager__arrow_literal(floe_literal *out, const floe_type *type,
                                const struct ArrowSchema *schema, const struct ArrowArray *a,
                                int64_t i)
{
    if (floe_arrow_is_null(a, i)) {
        *out = floe_literal_null(floe_type_get_kind(type));
        return 0;
    }
    floe_arrow_type at = FLOE_ARROW_TYPE_INIT;
    int rc = floe_arrow_type_from_schema(&at, schema);
    if (rc)
        return rc;
    return floe_manager__arrow_literal_typed(out, type, &at, a, i);
}

int floe_manager__arrow_literal_typed(floe_literal *out, const floe_type *type,
                                      const floe_arrow_type *t, const struct ArrowArray *a,
                                      int64_t i)
{
    floe_type_kind k = floe_type_get_kind(type);
    if (floe_arrow_is_null(a, i)) {
        *out = floe_literal_null(k);
        return 0;
    }
    floe_arrow_type at = *t;
    switch (k) {
    case FLOE_TYPE_BOOLEAN:
        *out = floe_literal_bool(floe_arrow_get_bool(a, i) != 0);
        return 0;
    case FLOE_TYPE_INT:
        *out = floe_literal_int((int32_t)floe_arrow_get_int_as_int64(a, at.id, i));
        return 0;
    case FLOE_TYPE_DATE:
        *out = floe_literal_date((int32_t)floe_arrow_get_int_as_int64(a, at.id, i));
        return 0;
    case FLOE_TYPE_LONG:
        *out = floe_literal_long(floe_arrow_get_int_as_int64(a, at.id, i));
        return 0;
    case FLOE_TYPE_TIME:
        *out = floe_literal_time(floe_arrow_get_int_as_int64(a, at.id, i));
        return 0;
    case FLOE_TYPE_TIMESTAMP:
        *out = floe_literal_timestamp(floe_arrow_get_int_as_int64(a, at.id, i));
        return 0;
    case FLOE_TYPE_TIMESTAMPTZ:
        *out = floe_literal_timestamptz(floe_arrow_get_int_as_int64(a, at.id, i));
        return 0;
    case FLOE_TYPE_TIMESTAMP_NS:
        *out = floe_literal_timestamp_ns(floe_arrow_get_int_as_int64(a, at.id, i));
        return 0;
    case FLOE_TYPE_TIMESTAMPTZ_NS:
        *out = floe_literal_timestamptz_ns(floe_arrow_get_int_as_int64(a, at.id, i));
        return 0;
    case FLOE_TYPE_FLOAT:
        *out = floe_literal_float(floe_arrow_get_float32(a, i));
        return 0;
    case FLOE_TYPE_DOUBLE:
        *out = floe_literal_double(floe_arrow_get_float64(a, i));
        return 0;
    case FLOE_TYPE_DECIMAL: {
        floe_decimal128 d = floe_arrow_get_decimal128(a, i);
        *out = floe_literal_decimal128((int64_t)d.hi, d.lo, floe_type_decimal_scale(type));
        return 0;
    }
    case FLOE_TYPE_STRING: {
        floe_arrow_bytes b = floe_arrow_get_var_bytes(a, at.id, i);
        *out = floe_literal_string((const char *)b.data, (size_t)b.len);
        return 0;
    }
    case FLOE_TYPE_BINARY: {
        floe_arrow_bytes b = floe_arrow_get_var_bytes(a, at.id, i);
        *out = floe_literal_binary(b.data, (size_t)b.len);
        return 0;
    }
    case FLOE_TYPE_FIXED: {
        floe_arrow_bytes b = floe_arrow_get_fixed_bytes(a, at.byte_width, i);
        *out = floe_literal_fixed(b.data, (size_t)b.len);
        return 0;
    }
    case FLOE_TYPE_UUID: {
        floe_arrow_bytes b = floe_arrow_get_fixed_bytes(a, 16, i);
        *out = floe_literal_uuid(b.data);
        return 0;
    }
    default:
        return floe_error_set(FLOE_EUNSUPPORTED, "type %s cannot be a partition source here",
                              floe_type_string(type));
    }
}

static int copy_value(floe_arrow_builder *b, const floe_arrow_type *t,
                      const struct ArrowSchema *schema, const struct ArrowArray *a, int64_t i)
{
    if (t->id == FLOE_ARROW_TYPE_NA || floe_arrow_is_null(a, i))
        return floe_arrow_builder_append_null(b);
    switch (t->id) {
    case FLOE_ARROW_TYPE_BOOL:
        return floe_arrow_builder_append_bool(b, floe_arrow_get_bool(a, i));
    case FLOE_ARROW_TYPE_INT8:
    case FLOE_ARROW_TYPE_INT16:
    case FLOE_ARROW_TYPE_INT32:
    case FLOE_ARROW_TYPE_INT64:
    case FLOE_ARROW_TYPE_DATE32:
    case FLOE_ARROW_TYPE_DATE64:
    case FLOE_ARROW_TYPE_TIME32:
    case FLOE_ARROW_TYPE_TIME64:
    case FLOE_ARROW_TYPE_TIMESTAMP:
    case FLOE_ARROW_TYPE_UINT8:
    case FLOE_ARROW_TYPE_UINT16:
    case FLOE_ARROW_TYPE_UINT32:
        return floe_arrow_builder_append_int(b, floe_arrow_get_int_as_int64(a, t->id, i));
    case FLOE_ARROW_TYPE_UINT64:
        return floe_arrow_builder_append_uint(b, floe_arrow_get_uint64(a, i));
    case FLOE_ARROW_TYPE_FLOAT32:
        return floe_arrow_builder_append_double(b, floe_arrow_get_float32(a, i));
    case FLOE_ARROW_TYPE_FLOAT64:
        return floe_arrow_builder_append_double(b, floe_arrow_get_float64(a, i));
    case FLOE_ARROW_TYPE_DECIMAL128:
        return floe_arrow_builder_append_decimal128(b, floe_arrow_get_decimal128(a, i));
    case FLOE_ARROW_TYPE_UTF8:
    case FLOE_ARROW_TYPE_BINARY:
    case FLOE_ARROW_TYPE_LARGE_UTF8:
    case FLOE_ARROW_TYPE_LARGE_BINARY: {
        floe_arrow_bytes v = floe_arrow_get_var_bytes(a, t->id, i);
        return floe_arrow_builder_append_bytes(b, v.data, (size_t)v.len);
    }
    case FLOE_ARROW_TYPE_FIXED_SIZE_BINARY: {
        floe_arrow_bytes v = floe_arrow_get_fixed_bytes(a, t->byte_width, i);
        return floe_arrow_builder_append_bytes(b, v.data, (size_t)v.len);
    }
    case FLOE_ARROW_TYPE_STRUCT: {
        for (int64_t c = 0; c < schema->n_children; c++) {
            floe_arrow_type ct = FLOE_ARROW_TYPE_INIT;
            int rc = floe_arrow_type_from_schema(&ct, schema->children[c]);
            if (rc || (rc = copy_value(floe_arrow_builder_child(b, c), &ct, schema->children[c],
                                       a->children[c], a->offset + i)))
                return rc;
        }
        return floe_arrow_builder_append_struct(b);
    }
    case FLOE_ARROW_TYPE_LIST:
    case FLOE_ARROW_TYPE_LARGE_LIST: {
        int64_t s = 0, e = 0;
        floe_arrow_get_list_range(a, t->id == FLOE_ARROW_TYPE_LARGE_LIST, i, &s, &e);
        floe_arrow_type ct = FLOE_ARROW_TYPE_INIT;
        int rc = floe_arrow_type_from_schema(&ct, schema->children[0]);
        for (int64_t k = s; !rc && k < e; k++)
            rc = copy_value(floe_arrow_builder_child(b, 0), &ct, schema->children[0],
                            a->children[0], k);
        return rc ? rc : floe_arrow_builder_append_list(b);
    }
    case FLOE_ARROW_TYPE_MAP: {
        int64_t s = 0, e = 0;
        floe_arrow_get_list_range(a, 0, i, &s, &e);
        const struct ArrowSchema *es = schema->children[0];
        const struct ArrowArray *ea = a->children[0];
        floe_arrow_type kt = FLOE_ARROW_TYPE_INIT, vt = FLOE_ARROW_TYPE_INIT;
        int rc = floe_arrow_type_from_schema(&kt, es->children[0]);
        if (!rc)
            rc = floe_arrow_type_from_schema(&vt, es->children[1]);
        for (int64_t k = s; !rc && k < e; k++) {
            rc = copy_value(floe_arrow_builder_map_keys(b), &kt, es->children[0], ea->children[0],
                            ea->offset + k);
            if (!rc)
                rc = copy_value(floe_arrow_builder_map_values(b), &vt, es->children[1],
                                ea->children[1], ea->offset + k);
        }
        return rc ? rc : floe_arrow_builder_append_list(b);
    }
    default:
        return floe_error_set(FLOE_EUNSUPPORTED, "cannot copy Arrow values of type %s",
                              floe_arrow_type_name(t->id));
    }
}

/* Bytes per value of a fixed-width type whose values can be gathered with memcpy into a
 * builder of the same type (0: not such a type). */
static int gather_width(const floe_arrow_type *t)
{
    if (t->is_dictionary)
        return 0;
    switch (t->id) {
    case FLOE_ARROW_TYPE_INT8:
    case FLOE_ARROW_TYPE_UINT8:
        return 1;
    case FLOE_ARROW_TYPE_INT16:
    case FLOE_ARROW_TYPE_UINT16:
        return 2;
    case FLOE_ARROW_TYPE_INT32:
    case FLOE_ARROW_TYPE_UINT32:
    case FLOE_ARROW_TYPE_FLOAT32:
    case FLOE_ARROW_TYPE_DATE32:
    case FLOE_ARROW_TYPE_TIME32:
        return 4;
    case FLOE_ARROW_TYPE_INT64:
    case FLOE_ARROW_TYPE_UINT64:
    case FLOE_ARROW_TYPE_FLOAT64:
    case FLOE_ARROW_TYPE_DATE64:
    case FLOE_ARROW_TYPE_TIME64:
    case FLOE_ARROW_TYPE_TIMESTAMP:
        return 8;
    case FLOE_ARROW_TYPE_DECIMAL128:
        return 16;
    case FLOE_ARROW_TYPE_FIXED_SIZE_BINARY:
        return t->byte_width > 0 ? t->byte_width : 0;
    default:
        return 0;
    }
}

/* The builder rejects decimals with more digits than its precision; the gathered values get
 * the same check, with a cheap test for the usual small values before counting digits. */
static int check_decimals(floe_arrow_builder *b, const floe_arrow_type *t, const uint8_t *vals,
                          const uint8_t *validity, int64_t n)
{
    int64_t bound = 0;
    if (t->precision > 0 && t->precision <= 18) {
        bound = 1;
        for (int32_t p = 0; p < t->precision; p++)
            bound *= 10;
    }
    for (int64_t i = 0; i < n; i++) {
        if (validity && !floe_arrow_bit_get(validity, i))
            continue;
        floe_decimal128 d = floe_decimal128_load(vals + (size_t)i * 16);
        int64_t lo = (int64_t)d.lo;
        if (bound && d.hi == (lo < 0 ? -1 : 0) && lo > -bound && lo < bound)
            continue;
        if (!floe_decimal128_fits_precision(d, t->precision))
            return floe_arrow_builder_append_decimal128(b, d); /* reports the error */
    }
    return 0;
}

/* Rows per gather chunk: bounds the scratch buffer whatever the group size. */
#define GATHER_ROWS 4096

/* Appends fixed-width values `base + rows[i]` of `col` in chunks: gathered with one memcpy per
 * value (one bit per value for BOOL), appended with one builder call per chunk. */
static int gather_fixed(floe_arrow_builder *b, const floe_arrow_type *t, int width,
                        const struct ArrowArray *col, int64_t base, const int64_t *rows, size_t n)
{
    /* wide fixed-size binary values: fewer rows per chunk, so the scratch stays ~64 KiB */
    size_t chunk = (size_t)width > 16 ? (size_t)(GATHER_ROWS * 16) / (size_t)width : GATHER_ROWS;
    if (chunk < 8)
        chunk = 8;
    uint8_t *vals = floe_malloc(chunk * (size_t)width);
    uint8_t *validity = NULL;
    const uint8_t *src_valid = (const uint8_t *)col->buffers[0];
    if (src_valid && col->null_count != 0)
        validity = floe_malloc((chunk + 7) / 8);
    if (!vals || (src_valid && col->null_count != 0 && !validity)) {
        floe_free(vals);
        floe_free(validity);
        return floe_error_set(FLOE_ENOMEM, "out of memory copying rows");
    }
    int rc = floe_arrow_builder_reserve(b, (int64_t)n);
    const uint8_t *src = (const uint8_t *)col->buffers[1];
    int64_t off = col->offset + base;
    for (size_t done = 0; !rc && done < n; done += chunk) {
        size_t m = n - done < chunk ? n - done : chunk;
        const int64_t *r = rows + done;
        if (t->id == FLOE_ARROW_TYPE_BOOL) {
            for (size_t i = 0; i < m; i++)
                vals[i] = (uint8_t)floe_arrow_bit_get(src, off + r[i]);
        } else if (width == 8) {
            for (size_t i = 0; i < m; i++)
                memcpy(vals + i * 8, src + (size_t)(off + r[i]) * 8, 8);
        } else if (width == 4) {
            for (size_t i = 0; i < m; i++)
                memcpy(vals + i * 4, src + (size_t)(off + r[i]) * 4, 4);
        } else {
            for (size_t i = 0; i < m; i++)
                memcpy(vals + i * (size_t)width, src + (size_t)(off + r[i]) * (size_t)width,
                       (size_t)width);
        }
        if (validity) {
            memset(validity, 0, (m + 7) / 8);
            for (size_t i = 0; i < m; i++)
                if (floe_arrow_bit_get(src_valid, off + r[i]))
                    validity[i >> 3] |= (uint8_t)(1u << (i & 7));
        }
        if (t->id == FLOE_ARROW_TYPE_DECIMAL128)
            rc = check_decimals(b, t, vals, validity, (int64_t)m);
        if (!rc)
            rc = floe_arrow_builder_append_values(b, vals, validity, (int64_t)m);
    }
    floe_free(vals);
    floe_free(validity);
    return rc;
}

/* Appends strings or binary values `base + rows[i]` of `col`. */
static int gather_var(floe_arrow_builder *b, const floe_arrow_type *t, const struct ArrowArray *col,
                      int64_t base, const int64_t *rows, size_t n)
{
    int rc = floe_arrow_builder_reserve(b, (int64_t)n);
    int nullable = col->buffers[0] != NULL && col->null_count != 0;
    for (size_t r = 0; !rc && r < n; r++) {
        int64_t i = base + rows[r];
        if (nullable && floe_arrow_is_null(col, i)) {
            rc = floe_arrow_builder_append_null(b);
        } else {
            floe_arrow_bytes v = floe_arrow_get_var_bytes(col, t->id, i);
            rc = floe_arrow_builder_append_bytes(b, v.data, (size_t)v.len);
        }
    }
    return rc;
}

int floe_manager__take_column(floe_arrow_builder *b, const struct ArrowSchema *schema,
                              const struct ArrowArray *col, int64_t base, const int64_t *rows,
                              size_t n)
{
    floe_arrow_type t = FLOE_ARROW_TYPE_INIT;
    int rc = floe_arrow_type_from_schema(&t, schema);
    if (rc)
        return rc;
    /* values are gathered raw only into a builder of the same storage (a scan may widen an
     * int column into a long builder: that goes value by value, converting) */
    const floe_arrow_type *bt = floe_arrow_builder_type(b);
    int same = bt->id == t.id && !bt->is_dictionary &&
               (t.id != FLOE_ARROW_TYPE_FIXED_SIZE_BINARY || bt->byte_width == t.byte_width);
    int width = same ? gather_width(&t) : 0;
    if (width || (same && t.id == FLOE_ARROW_TYPE_BOOL && !t.is_dictionary))
        return gather_fixed(b, bt, width ? width : 1, col, base, rows, n);
    if (floe_arrow_type_is_var_binary(t.id) && !t.is_dictionary)
        return gather_var(b, &t, col, base, rows, n);
    for (size_t r = 0; !rc && r < n; r++)
        rc = copy_value(b, &t, schema, col, base + rows[r]);
    return rc;
}

int floe_manager__take(floe_arrow_builder *b, const struct ArrowSchema *schema,
                       const struct ArrowArray *batch, const int64_t *rows, size_t n)
{
    for (int64_t c = 0; c < schema->n_children; c++) {
        int rc = floe_manager__take_column(floe_arrow_builder_child(b, c), schema->children[c],
                                           batch->children[c], batch->offset, rows, n);
        if (rc)
            return rc;
    }
    return 0;
}
