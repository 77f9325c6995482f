/* Data file internals shared by the manifest writer and reader. */
#ifndef FLOE_ICEBERG_DATA_FILE_INTERNAL_H
#define FLOE_ICEBERG_DATA_FILE_INTERNAL_H

#include <floe/iceberg/manifest.h>

struct floe_data_file {
    floe_file_content content;
    char *path;
    char *format;
    int64_t record_count;
    int64_t file_size;
    floe_literal *partition;
    size_t partition_count;
    floe_column_metrics *metrics; /* ascending field id; bounds owned (floe_malloc) */
    size_t metrics_count;
    uint8_t *key_metadata;
    size_t key_metadata_len;
    int64_t *split_offsets;
    size_t split_count;
    int has_split_offsets;
    int32_t *equality_ids;
    size_t equality_count;
    int has_equality_ids;
    int32_t sort_order_id;
    char *referenced_data_file;
};

/* The metrics slot for field_id, created (all -1) when absent; NULL on allocation failure. */
floe_column_metrics *floe_iceberg__data_file_metrics_slot(floe_data_file *df, int32_t field_id);

/* Takes ownership of `values` (count literals, each owned) as the partition tuple. */
void floe_iceberg__data_file_take_partition(floe_data_file *df, floe_literal *values, size_t count);

#endif
