/* Row-level helpers over Arrow batches: a value as an Iceberg literal (partition keys), and
 * copying selected rows into builders (splitting a batch by partition, filtering a scan). */
#include <string.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/type.h>
#include <floe/arrow/value.h>
#include <floe/error.h>
#include <floe/iceberg/literal.h>
#include <floe/iceberg/types.h>

#include "manager/arrow_rows.h"

int floe_manager__arrow_literal(floe_literal *out, const floe_type *type,
                                const struct ArrowSchema *schema, const struct ArrowArray *a,
                                int64_t i)
{
    floe_type_kind k = floe_type_get_kind(type);
    if (floe_arrow_is_null(a, i)) {
        *out = floe_literal_null(k);
        return 0;
    }
    floe_arrow_type at = FLOE_ARROW_TYPE_INIT;
    int rc = floe_arrow_type_from_schema(&at, schema);
    if (rc)
        return rc;
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

int floe_manager__take_column(floe_arrow_builder *b, const struct ArrowSchema *schema,
                              const struct ArrowArray *col, int64_t base, const int64_t *rows,
                              size_t n)
{
    floe_arrow_type t = FLOE_ARROW_TYPE_INIT;
    int rc = floe_arrow_type_from_schema(&t, schema);
    for (size_t r = 0; !rc && r < n; r++)
        rc = copy_value(b, &t, schema, col, base + rows[r]);
    return rc;
}

int floe_manager__take(floe_arrow_builder *b, const struct ArrowSchema *schema,
                       const struct ArrowArray *batch, const int64_t *rows, size_t n)
{
    for (int64_t c = 0; c < schema->n_children; c++) {
        floe_arrow_type t = FLOE_ARROW_TYPE_INIT;
        int rc = floe_arrow_type_from_schema(&t, schema->children[c]);
        if (rc)
            return rc;
        floe_arrow_builder *cb = floe_arrow_builder_child(b, c);
        const struct ArrowArray *col = batch->children[c];
        for (size_t r = 0; r < n; r++)
            if ((rc = copy_value(cb, &t, schema->children[c], col, batch->offset + rows[r])))
                return rc;
    }
    return 0;
}
