/* Internal structures shared by the Avro codec's files: schema nodes, value storage, the binary
 * decoder cursor, block codecs and the resolution plan used by the reader. */
#ifndef FLOE_FORMATS_AVRO_INTERNAL_H
#define FLOE_FORMATS_AVRO_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <floe/avro.h>

#include "base/buf.h"

/* Deepest nesting of schemas/values accepted; bounds recursion on hostile input. */
#define FLOE_AVRO__MAX_DEPTH 96

typedef struct floe_avro__field {
    char *name;
    floe_avro_schema *type;
    int weak;         /* type is an enclosing record under definition: not referenced */
    json_t *dflt;     /* "default" or NULL */
    json_t *props;    /* every other attribute except name/type/default (object) */
    int64_t field_id; /* "field-id" or -1 */
    char **aliases;
    size_t naliases;
} floe_avro__field;

struct floe_avro_schema {
    atomic_int refcount;
    floe_avro_type type;
    char *fullname; /* named types */
    char *name;     /* simple name */
    char *ns;       /* namespace or NULL */
    char **aliases; /* full names */
    size_t naliases;
    json_t *props; /* extra attributes (object; logicalType, element-id, doc, ...) */
    char *logical; /* logicalType when valid for the type, else NULL */
    int precision, scale;
    floe_avro__field *fields;
    size_t nfields, capfields;
    char **symbols;
    size_t nsymbols;
    floe_avro_schema *child; /* array items / map values */
    int child_weak;
    floe_avro_schema **branches;
    unsigned char *branch_weak;
    size_t nbranches;
    long null_branch;
    size_t fixed_size;
    int defining; /* parse in progress (for recursion) */
    int min_size; /* minimum encoded size: 0 or 1 (-1 unknown) */
};

/* Values. Strings/bytes/fixed keep a NUL-terminated buffer that is reused. */
typedef struct floe_avro__bytes {
    uint8_t *data;
    size_t len, cap;
} floe_avro__bytes;

struct floe_avro_value {
    const floe_avro_schema *schema;
    union {
        int b;
        int32_t i;
        int64_t l;
        float f;
        double d;
        floe_avro__bytes bytes;
        struct {
            struct floe_avro_value *fields;
        } rec;
        struct {
            struct floe_avro_value *items;
            floe_avro__bytes *keys; /* maps only, parallel to items */
            size_t len, init, cap;  /* init: items initialised for reuse */
        } arr;
        struct {
            int branch;
            struct floe_avro_value **vals;
        } uni;
    } u;
};

/* Value storage in place (for record fields and array items). */
int floe_avro__value_init(floe_avro_value *v, const floe_avro_schema *s);
void floe_avro__value_fini(floe_avro_value *v);
/* Appends an array/map item without resetting it (the decoder overwrites it). */
int floe_avro__value_append_raw(floe_avro_value **out, floe_avro_value *v);
int floe_avro__bytes_set(floe_avro__bytes *b, const void *data, size_t len);
/* Sets a value from a JSON default (spec rules); path names the field for errors. */
int floe_avro__value_from_json(floe_avro_value *v, const json_t *j, const char *path);

/* Schemas */
int floe_avro__schema_alloc(floe_avro_schema **out, floe_avro_type type);
int floe_avro__schema_min_size(floe_avro_schema *s);
int floe_avro__set_names(floe_avro_schema *s, const char *name, const char *ns);
int floe_avro__valid_name(const char *s);
/* Sets s->logical/precision/scale from the logicalType attribute when valid for the type
 * (the spec says an invalid logical type is ignored, i.e. the underlying type is used). */
void floe_avro__validate_logical(floe_avro_schema *s);
/* Union rules: no nested unions, one branch per unnamed type and per name. */
int floe_avro__check_union(const floe_avro_schema *const *br, size_t n);
/* Structural equality (types, names, fields, sizes, symbols). */
int floe_avro__schema_equal(const floe_avro_schema *a, const floe_avro_schema *b);

/* Binary decoding cursor. `base` is added to offsets in error messages; `what` names the
 * region ("block 3 at file offset 812"). */
typedef struct floe_avro__dec {
    const uint8_t *start, *p, *end;
    uint64_t base;
    const char *what;
    int depth;
} floe_avro__dec;

int floe_avro__corrupt(const floe_avro__dec *d, const char *fmt, ...) FLOE_PRINTF(2, 3);
int floe_avro__read_long(floe_avro__dec *d, int64_t *out);
int floe_avro__read_int(floe_avro__dec *d, int32_t *out);
/* Reads a length prefix and checks it against the remaining bytes. */
int floe_avro__read_len(floe_avro__dec *d, size_t *out);
/* Reads a length-prefixed bytes or string datum into *out. */
int floe_avro__read_bytes(floe_avro__dec *d, floe_avro__bytes *out);
/* Enters one more level of nesting; FLOE_ECORRUPT beyond FLOE_AVRO__MAX_DEPTH. The caller
 * decrements d->depth when it leaves the level. */
int floe_avro__enter(floe_avro__dec *d);
/* Reads a union branch index and checks it against `nbranches`; on failure the cursor stays at
 * the index. */
int floe_avro__read_branch(floe_avro__dec *d, size_t nbranches, int64_t *out);
/* Reads an enum symbol index and checks it against `nsymbols`; on failure the cursor stays at
 * the index. */
int floe_avro__read_enum_index(floe_avro__dec *d, size_t nsymbols, int32_t *out);
/* Decodes the blocks of an array or map datum into v (items appended, map keys set), one
 * nesting level deeper; `item` decodes each item, given `ctx`. `costly` as for
 * floe_avro__read_block_count. */
int floe_avro__decode_items(floe_avro__dec *d, floe_avro_value *v, int is_map, int costly,
                            int (*item)(floe_avro__dec *d, const void *ctx, floe_avro_value *v),
                            const void *ctx);
/* Decodes a datum of value->schema into value. */
int floe_avro__decode(floe_avro__dec *d, floe_avro_value *v);
/* Skips a datum of schema s. */
int floe_avro__skip(floe_avro__dec *d, const floe_avro_schema *s);
/* Encodes value into b. */
int floe_avro__encode(floe_buf *b, const floe_avro_value *v);
/* Block item count for arrays/maps: handles negative counts (with byte size) and bounds the
 * count by the remaining bytes when each item costs at least one byte (`costly`: map entries
 * always do, for their key). */
int floe_avro__read_block_count(floe_avro__dec *d, int64_t *count, int64_t *bytes, int costly,
                                size_t total_so_far);

/* Codecs. Decompression output is bounded by `max_out`. */
int floe_avro__compress(floe_buf *out, floe_avro_codec codec, int level, const uint8_t *in,
                        size_t len);
int floe_avro__decompress(floe_buf *out, floe_avro_codec codec, const uint8_t *in, size_t len,
                          size_t max_out, uint64_t file_offset);

/* Resolution plan (reader schema vs writer schema). */
typedef struct floe_avro__plan floe_avro__plan;
typedef struct floe_avro__resolver floe_avro__resolver;
int floe_avro__resolver_new(floe_avro__resolver **out, const floe_avro_schema *writer,
                            const floe_avro_schema *reader, const floe_avro__plan **root);
void floe_avro__resolver_free(floe_avro__resolver *r);
int floe_avro__decode_plan(floe_avro__dec *d, const floe_avro__plan *p, floe_avro_value *v);

/* JSON text of a string with JSON escaping (invalid UTF-8 replaced by U+FFFD). */
int floe_avro__json_string(floe_buf *b, const char *s, size_t len);

#endif
