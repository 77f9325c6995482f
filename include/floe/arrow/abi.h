/**
 * @file floe/arrow/abi.h
 * The Arrow C Data Interface and C Stream Interface, declared as the Arrow specification
 * declares them (a published ABI). The include guards are the spec's, so this header coexists
 * with Arrow's own, nanoarrow's or DuckDB's declaration of the same structs.
 */
#ifndef FLOE_ARROW_ABI_H
#define FLOE_ARROW_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

/** ArrowSchema.flags: the dictionary indices are ordered. */
#define ARROW_FLAG_DICTIONARY_ORDERED 1
/** ArrowSchema.flags: the field may contain nulls. */
#define ARROW_FLAG_NULLABLE 2
/** ArrowSchema.flags: map keys are sorted. */
#define ARROW_FLAG_MAP_KEYS_SORTED 4

/** Type description of an array (Arrow C Data Interface). */
struct ArrowSchema {
    const char *format;
    const char *name;
    const char *metadata;
    int64_t flags;
    int64_t n_children;
    struct ArrowSchema **children;
    struct ArrowSchema *dictionary;
    void (*release)(struct ArrowSchema *);
    void *private_data;
};

/** Data of an array (Arrow C Data Interface). */
struct ArrowArray {
    int64_t length;
    int64_t null_count;
    int64_t offset;
    int64_t n_buffers;
    int64_t n_children;
    const void **buffers;
    struct ArrowArray **children;
    struct ArrowArray *dictionary;
    void (*release)(struct ArrowArray *);
    void *private_data;
};

#endif /* ARROW_C_DATA_INTERFACE */

#ifndef ARROW_C_STREAM_INTERFACE
#define ARROW_C_STREAM_INTERFACE

/** A stream of record batches (Arrow C Stream Interface). */
struct ArrowArrayStream {
    int (*get_schema)(struct ArrowArrayStream *, struct ArrowSchema *out);
    int (*get_next)(struct ArrowArrayStream *, struct ArrowArray *out);
    const char *(*get_last_error)(struct ArrowArrayStream *);
    void (*release)(struct ArrowArrayStream *);
    void *private_data;
};

#endif /* ARROW_C_STREAM_INTERFACE */

#ifdef __cplusplus
}
#endif

#endif
