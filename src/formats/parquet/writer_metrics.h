/* Per-file metrics the writer hands to its caller (Iceberg manifest metrics). */
#ifndef FLOE_PARQUET_WRITER_METRICS_H
#define FLOE_PARQUET_WRITER_METRICS_H

#include "formats/parquet/writer_internal.h"

/* Builds metrics from the writer's file-level column totals and row groups. */
int floe_parquet__metrics_build(floe_parquet_file_metrics **out, int64_t rows, uint64_t size,
                                const pqw_column *cols, size_t n_cols,
                                const floe_parquet_row_group *rgs, size_t n_rgs);

#endif
