/* Single-predicate projection through one partition field, shared with the residual
 * evaluator. */
#ifndef FLOE_ICEBERG_PROJECTION_INTERNAL_H
#define FLOE_ICEBERG_PROJECTION_INTERNAL_H

#include <floe/iceberg/expr.h>

/* Projects bound predicate `pred` (on the field's source column of type `source`) to an
 * unbound predicate on the partition field's name; *out is NULL when the transform gives no
 * projection for this operation. */
int floe_projection__predicate(floe_expr **out, const floe_expr *pred,
                               const floe_partition_field *pf, const floe_type *source,
                               bool strict);

#endif
