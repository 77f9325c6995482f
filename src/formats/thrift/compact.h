/* Thrift compact protocol: a generic encoder and a bounds-checked decoder.
 *
 * The encoder appends to a floe_buf and remembers the last field id of every open struct,
 * since compact field headers are deltas. The decoder reads from a borrowed byte range and
 * treats every length and count as hostile: each is checked against the bytes that remain,
 * nesting is capped, and every error is FLOE_ECORRUPT naming the byte offset where it
 * happened (offset = base_offset + position in the range, so callers can report file
 * offsets). */
#ifndef FLOE_FORMATS_THRIFT_COMPACT_H
#define FLOE_FORMATS_THRIFT_COMPACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* Compact protocol type ids (as they appear on the wire in field and list headers). */
enum {
    FLOE_THRIFT_STOP = 0,
    FLOE_THRIFT_BOOL_TRUE = 1,
    FLOE_THRIFT_BOOL_FALSE = 2,
    FLOE_THRIFT_BYTE = 3,
    FLOE_THRIFT_I16 = 4,
    FLOE_THRIFT_I32 = 5,
    FLOE_THRIFT_I64 = 6,
    FLOE_THRIFT_DOUBLE = 7,
    FLOE_THRIFT_BINARY = 8,
    FLOE_THRIFT_LIST = 9,
    FLOE_THRIFT_SET = 10,
    FLOE_THRIFT_MAP = 11,
    FLOE_THRIFT_STRUCT = 12
};
/* In list headers a bool element type is written as 1 (each element then takes one byte). */
#define FLOE_THRIFT_BOOL FLOE_THRIFT_BOOL_TRUE

/* Deepest struct/list/map nesting accepted by the decoder (and the encoder). */
#define FLOE_THRIFT_MAX_DEPTH 64

/* ---- encoder ---------------------------------------------------------------------------- */

typedef struct floe_thrift_writer {
    floe_buf *out;
    int depth;
    int err; /* first error (sticky); later calls do nothing */
    int16_t last_fid[FLOE_THRIFT_MAX_DEPTH + 1];
} floe_thrift_writer;

/* Starts writing at the end of `out` (transfer none). The top level is a struct context. */
void floe_thrift__writer_init(floe_thrift_writer *w, floe_buf *out);
/* Returns the sticky error (0 when every write succeeded). */
int floe_thrift__writer_error(const floe_thrift_writer *w);

/* Field header for a non-bool field of wire type `type`. */
int floe_thrift__write_field_begin(floe_thrift_writer *w, int type, int16_t id);
/* Opens a nested struct value (after a STRUCT field header or as a list element). */
int floe_thrift__write_struct_begin(floe_thrift_writer *w);
/* Writes STOP and closes the innermost struct. */
int floe_thrift__write_struct_end(floe_thrift_writer *w);
/* Field header + struct_begin. */
int floe_thrift__write_field_struct_begin(floe_thrift_writer *w, int16_t id);

int floe_thrift__write_field_bool(floe_thrift_writer *w, int16_t id, bool v);
int floe_thrift__write_field_i8(floe_thrift_writer *w, int16_t id, int8_t v);
int floe_thrift__write_field_i16(floe_thrift_writer *w, int16_t id, int16_t v);
int floe_thrift__write_field_i32(floe_thrift_writer *w, int16_t id, int32_t v);
int floe_thrift__write_field_i64(floe_thrift_writer *w, int16_t id, int64_t v);
int floe_thrift__write_field_double(floe_thrift_writer *w, int16_t id, double v);
int floe_thrift__write_field_binary(floe_thrift_writer *w, int16_t id, const void *data,
                                    size_t len);
/* NUL-terminated string field. */
int floe_thrift__write_field_string(floe_thrift_writer *w, int16_t id, const char *s);
/* Field header + list header; then write `count` elements of `elem_type`. */
int floe_thrift__write_field_list_begin(floe_thrift_writer *w, int16_t id, int elem_type,
                                        uint32_t count);
/* Field header + map header; then write `count` key, value pairs. */
int floe_thrift__write_field_map_begin(floe_thrift_writer *w, int16_t id, int key_type,
                                       int value_type, uint32_t count);

/* Bare values (list/map elements). */
int floe_thrift__write_list_begin(floe_thrift_writer *w, int elem_type, uint32_t count);
int floe_thrift__write_map_begin(floe_thrift_writer *w, int key_type, int value_type,
                                 uint32_t count);
int floe_thrift__write_bool(floe_thrift_writer *w, bool v);
int floe_thrift__write_i8(floe_thrift_writer *w, int8_t v);
int floe_thrift__write_i16(floe_thrift_writer *w, int16_t v);
int floe_thrift__write_i32(floe_thrift_writer *w, int32_t v);
int floe_thrift__write_i64(floe_thrift_writer *w, int64_t v);
int floe_thrift__write_double(floe_thrift_writer *w, double v);
int floe_thrift__write_binary(floe_thrift_writer *w, const void *data, size_t len);

/* ---- decoder ---------------------------------------------------------------------------- */

typedef struct floe_thrift_reader {
    const uint8_t *data;
    size_t len;
    size_t pos;
    uint64_t base_offset; /* added to positions in error messages */
    const char *what;     /* what is being decoded, for messages ("parquet footer") */
    int depth;
    int max_depth;
    int pending_bool; /* value carried by the last BOOL field header: -1 none, 0, 1 */
    int16_t last_fid[FLOE_THRIFT_MAX_DEPTH + 1];
} floe_thrift_reader;

/* Reads from `data[0..len)` (transfer none; must outlive the reader and anything decoded
 * from it by pointer). `what` names the object in errors. */
void floe_thrift__reader_init(floe_thrift_reader *r, const void *data, size_t len,
                              uint64_t base_offset, const char *what);
/* Bytes not consumed yet. */
size_t floe_thrift__reader_remaining(const floe_thrift_reader *r);
/* Sets FLOE_ECORRUPT "<what>: <message> at byte offset N" and returns it. */
int floe_thrift__corrupt(const floe_thrift_reader *r, const char *fmt, ...) FLOE_PRINTF(2, 3);

/* Enters a struct value (checks the depth limit). */
int floe_thrift__read_struct_begin(floe_thrift_reader *r);
/* Leaves the innermost struct (after read_field_begin returned STOP). */
int floe_thrift__read_struct_end(floe_thrift_reader *r);
/* Reads a field header: *type is FLOE_THRIFT_STOP at the end of the struct. Bool fields are
 * reported as FLOE_THRIFT_BOOL_TRUE/FALSE; read their value with read_bool. */
int floe_thrift__read_field_begin(floe_thrift_reader *r, int *type, int16_t *id);
/* Reads a list (or set) header; `*count` is bounded by the bytes that remain. */
int floe_thrift__read_list_begin(floe_thrift_reader *r, int *elem_type, uint32_t *count);
/* Leaves a list entered with read_list_begin. */
void floe_thrift__read_list_end(floe_thrift_reader *r);
int floe_thrift__read_map_begin(floe_thrift_reader *r, int *key_type, int *value_type,
                                uint32_t *count);
void floe_thrift__read_map_end(floe_thrift_reader *r);

/* A bool: the value of the last BOOL field header if one is pending, else one byte (list
 * element: 1 true, 0 or 2 false). */
int floe_thrift__read_bool(floe_thrift_reader *r, bool *out);
int floe_thrift__read_i8(floe_thrift_reader *r, int8_t *out);
int floe_thrift__read_i16(floe_thrift_reader *r, int16_t *out);
int floe_thrift__read_i32(floe_thrift_reader *r, int32_t *out);
int floe_thrift__read_i64(floe_thrift_reader *r, int64_t *out);
int floe_thrift__read_double(floe_thrift_reader *r, double *out);
/* Binary/string: *data points into the reader's buffer (transfer none), *len is checked
 * against the remaining bytes. */
int floe_thrift__read_binary(floe_thrift_reader *r, const uint8_t **data, size_t *len);
/* Skips one value of wire type `type` (recursively, within the depth limit). */
int floe_thrift__skip(floe_thrift_reader *r, int type);
/* Reads an integer field whatever its integer wire type is (BYTE/I16/I32/I64 -> int64). */
int floe_thrift__read_int_as_i64(floe_thrift_reader *r, int type, int64_t *out);

#endif
