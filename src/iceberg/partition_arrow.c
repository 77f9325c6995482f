/* Partition tuples of Arrow rows: the writer's partition key. */
#include <floe/error.h>
#include <floe/iceberg/partition.h>

#include "base/alloc.h"
#include "iceberg/evaluator_internal.h"

struct floe_partition_keyer {
    floe_partition_spec *spec;
    floe_schema *schema;
    size_t n;
    floe_arrow_column *cols; /* one per partition field */
};

void floe_partition_keyer_free(floe_partition_keyer *k)
{
    if (!k)
        return;
    floe_partition_spec_free(k->spec);
    floe_schema_free(k->schema);
    floe_free(k->cols);
    floe_free(k);
}

int floe_partition_keyer_new(floe_partition_keyer **out, const floe_partition_spec *spec,
                             const floe_schema *schema, const struct ArrowSchema *as)
{
    *out = NULL;
    floe_partition_keyer *k = floe_calloc(1, sizeof *k);
    if (!k)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    k->spec = floe_partition_spec_ref((floe_partition_spec *)spec);
    k->schema = floe_schema_ref((floe_schema *)schema);
    k->n = floe_partition_spec_field_count(spec);
    int rc = 0;
    if (k->n && !(k->cols = floe_calloc(k->n, sizeof *k->cols)))
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < k->n; i++) {
        const floe_partition_field *pf = floe_partition_spec_field_at(spec, i);
        floe_transform t = floe_partition_field_transform(pf);
        const floe_field *src = floe_schema_find_field(schema, floe_partition_field_source_id(pf));
        if (t.kind == FLOE_TRANSFORM_UNKNOWN)
            rc = floe_error_set(FLOE_EINVALID,
                                "partition field '%s' uses transform '%s', which floe cannot "
                                "compute: write with another spec",
                                floe_partition_field_name(pf),
                                floe_partition_field_transform_string(pf));
        else if (!src)
            rc = floe_error_set(
                FLOE_EINVALID, "partition field '%s' refers to missing source column id %d",
                floe_partition_field_name(pf), (int)floe_partition_field_source_id(pf));
        else if (!floe_transform_can_apply(t, floe_field_type(src)))
            rc = floe_error_set(
                FLOE_EINVALID, "partition field '%s': transform %s cannot be applied to type %s",
                floe_partition_field_name(pf), floe_partition_field_transform_string(pf),
                floe_type_string(floe_field_type(src)));
        else
            rc = floe_evaluator__locate(&k->cols[i], schema, as, floe_field_id(src));
    }
    if (rc) {
        floe_partition_keyer_free(k);
        return rc;
    }
    *out = k;
    return 0;
}

int floe_partition_keyer_row(floe_literal *out, const floe_partition_keyer *k,
                             const struct ArrowArray *batch, int64_t row)
{
    if (row < 0 || row >= batch->length)
        return floe_error_set(FLOE_ERANGE, "row %lld is outside the batch of %lld rows",
                              (long long)row, (long long)batch->length);
    for (size_t i = 0; i < k->n; i++)
        out[i] = floe_literal_null(FLOE_TYPE_UNKNOWN);
    for (size_t i = 0; i < k->n; i++) {
        floe_literal v;
        int rc = floe_evaluator__value(&v, &k->cols[i], batch, row);
        if (!rc)
            rc = floe_transform_apply(
                &out[i], floe_partition_field_transform(floe_partition_spec_field_at(k->spec, i)),
                &v);
        if (rc) {
            for (size_t j = 0; j < i; j++)
                floe_literal_clear(&out[j]);
            return rc;
        }
    }
    return 0;
}
