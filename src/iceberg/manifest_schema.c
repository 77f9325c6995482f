/* Manifest and manifest list Avro schemas; partition values as Avro values (Appendix A). */
#include "iceberg/manifest_schema.h"

#include <math.h>
#include <string.h>

#include <jansson.h>

#include <floe/error.h>

#include "base/buf.h"

/* Bytes of the fixed holding a decimal of `precision` digits, as the reference sizes it. */
static int decimal_bytes(int precision)
{
    for (int n = 1; n <= 16; n++)
        if ((8.0 * n - 1.0) * log10(2.0) >= (double)precision)
            return n;
    return 16;
}

/* Avro JSON for a primitive Iceberg type; named types get a name unique to the field. */
static json_t *avro_type(const floe_type *t, int32_t field_id)
{
    char name[64];
    switch (floe_type_get_kind(t)) {
    case FLOE_TYPE_BOOLEAN:
        return json_string("boolean");
    case FLOE_TYPE_INT:
        return json_string("int");
    case FLOE_TYPE_LONG:
        return json_string("long");
    case FLOE_TYPE_FLOAT:
        return json_string("float");
    case FLOE_TYPE_DOUBLE:
        return json_string("double");
    case FLOE_TYPE_DATE:
        return json_pack("{s:s, s:s}", "type", "int", "logicalType", "date");
    case FLOE_TYPE_TIME:
        return json_pack("{s:s, s:s}", "type", "long", "logicalType", "time-micros");
    case FLOE_TYPE_TIMESTAMP:
    case FLOE_TYPE_TIMESTAMPTZ:
        return json_pack("{s:s, s:s, s:b}", "type", "long", "logicalType", "timestamp-micros",
                         "adjust-to-utc", floe_type_get_kind(t) == FLOE_TYPE_TIMESTAMPTZ);
    case FLOE_TYPE_TIMESTAMP_NS:
    case FLOE_TYPE_TIMESTAMPTZ_NS:
        return json_pack("{s:s, s:s, s:b}", "type", "long", "logicalType", "timestamp-nanos",
                         "adjust-to-utc", floe_type_get_kind(t) == FLOE_TYPE_TIMESTAMPTZ_NS);
    case FLOE_TYPE_STRING:
        return json_string("string");
    case FLOE_TYPE_BINARY:
        return json_string("bytes");
    case FLOE_TYPE_UUID:
        snprintf(name, sizeof(name), "uuid_fixed_%d", (int)field_id);
        return json_pack("{s:s, s:s, s:i, s:s}", "type", "fixed", "name", name, "size", 16,
                         "logicalType", "uuid");
    case FLOE_TYPE_FIXED:
        snprintf(name, sizeof(name), "fixed_%d", (int)field_id);
        return json_pack("{s:s, s:s, s:I}", "type", "fixed", "name", name, "size",
                         (json_int_t)floe_type_fixed_length(t));
    case FLOE_TYPE_DECIMAL: {
        int p = floe_type_decimal_precision(t), s = floe_type_decimal_scale(t);
        snprintf(name, sizeof(name), "decimal_%d_%d_%d", p, s, (int)field_id);
        return json_pack("{s:s, s:s, s:i, s:s, s:i, s:i}", "type", "fixed", "name", name, "size",
                         decimal_bytes(p), "logicalType", "decimal", "precision", p, "scale", s);
    }
    default:
        return NULL;
    }
}

static json_t *partition_record(const floe_type *ptype, int *rc)
{
    json_t *fields = json_array();
    *rc = 0;
    for (size_t i = 0; fields && i < floe_type_field_count(ptype); i++) {
        const floe_field *f = floe_type_field_at(ptype, i);
        json_t *at = avro_type(floe_field_type(f), floe_field_id(f));
        if (!at) {
            *rc = floe_error_set(FLOE_EUNSUPPORTED,
                                 "partition field '%s' has type %s, which manifests cannot store",
                                 floe_field_name(f), floe_type_string(floe_field_type(f)));
            json_decref(fields);
            return NULL;
        }
        json_t *fj = json_pack("{s:s, s:[s,o], s:n, s:i}", "name", floe_field_name(f), "type",
                               "null", at, "default", "field-id", (int)floe_field_id(f));
        if (!fj || json_array_append_new(fields, fj) != 0) {
            json_decref(fields);
            fields = NULL;
        }
    }
    if (!fields) {
        *rc = floe_error_set(FLOE_ENOMEM, "out of memory building the manifest schema");
        return NULL;
    }
    return json_pack("{s:s, s:s, s:o}", "type", "record", "name", "r102", "fields", fields);
}

/* A metrics map stored, as Avro requires for non-string keys, as an array of key/value
 * records with logicalType "map". */
#define KV_MAP(name, id, kid, vid, vtype)                                                          \
    "{\"name\":\"" name "\",\"type\":[\"null\",{\"type\":\"array\",\"items\":{"                    \
    "\"type\":\"record\",\"name\":\"k" #kid "_v" #vid "\",\"fields\":["                            \
    "{\"name\":\"key\",\"type\":\"int\",\"field-id\":" #kid "},"                                   \
    "{\"name\":\"value\",\"type\":\"" vtype "\",\"field-id\":" #vid "}]},"                         \
    "\"logicalType\":\"map\"}],\"default\":null,\"field-id\":" #id "}"

/* An optional field: ["null", type] with a null default. */
#define OPT(name, type, id)                                                                        \
    "{\"name\":\"" name "\",\"type\":[\"null\"," type "],\"default\":null,\"field-id\":" #id "}"

/* clang-format off */
static const char entry_head[] =
    "{\"type\":\"record\",\"name\":\"manifest_entry\",\"fields\":["
    "{\"name\":\"status\",\"type\":\"int\",\"field-id\":0},"
    OPT("snapshot_id", "\"long\"", 1) ","
    OPT("sequence_number", "\"long\"", 3) ","
    OPT("file_sequence_number", "\"long\"", 4) ","
    "{\"name\":\"data_file\",\"type\":{\"type\":\"record\",\"name\":\"r2\",\"fields\":["
    "{\"name\":\"content\",\"type\":\"int\",\"doc\":\"Contents of the file: 0=data, "
    "1=position deletes, 2=equality deletes\",\"field-id\":134},"
    "{\"name\":\"file_path\",\"type\":\"string\",\"doc\":\"Location URI with FS scheme\","
    "\"field-id\":100},"
    "{\"name\":\"file_format\",\"type\":\"string\",\"doc\":\"File format name: avro, orc, "
    "or parquet\",\"field-id\":101},"
    "{\"name\":\"partition\",\"type\":";

static const char entry_tail[] =
    ",\"doc\":\"Partition data tuple, schema based on the partition spec\",\"field-id\":102},"
    "{\"name\":\"record_count\",\"type\":\"long\",\"doc\":\"Number of records in the file\","
    "\"field-id\":103},"
    "{\"name\":\"file_size_in_bytes\",\"type\":\"long\",\"doc\":\"Total file size in bytes\","
    "\"field-id\":104},"
    KV_MAP("column_sizes", 108, 117, 118, "long") ","
    KV_MAP("value_counts", 109, 119, 120, "long") ","
    KV_MAP("null_value_counts", 110, 121, 122, "long") ","
    KV_MAP("nan_value_counts", 137, 138, 139, "long") ","
    KV_MAP("lower_bounds", 125, 126, 127, "bytes") ","
    KV_MAP("upper_bounds", 128, 129, 130, "bytes") ","
    OPT("key_metadata", "\"bytes\"", 131) ","
    OPT("split_offsets", "{\"type\":\"array\",\"items\":\"long\",\"element-id\":133}", 132) ","
    OPT("equality_ids", "{\"type\":\"array\",\"items\":\"int\",\"element-id\":136}", 135) ","
    OPT("sort_order_id", "\"int\"", 140) ","
    OPT("referenced_data_file", "\"string\"", 143)
    "]},\"field-id\":2}]}";
/* clang-format on */

int floe_iceberg__manifest_entry_schema(floe_avro_schema **out, const floe_type *partition_type)
{
    *out = NULL;
    int rc = 0;
    json_t *rec = partition_record(partition_type, &rc);
    if (!rec)
        return rc;
    char *rec_text = json_dumps(rec, JSON_COMPACT);
    json_decref(rec);
    if (!rec_text)
        return floe_error_set(FLOE_ENOMEM, "out of memory building the manifest schema");
    floe_buf b = FLOE_BUF_INIT;
    rc = floe_buf_append_str(&b, entry_head);
    if (!rc)
        rc = floe_buf_append_str(&b, rec_text);
    if (!rc)
        rc = floe_buf_append_str(&b, entry_tail);
    free(rec_text);
    if (!rc)
        rc = floe_avro_schema_parse(out, (const char *)b.data, b.len);
    floe_buf_free(&b);
    return rc;
}

static const char list_schema[] =
    "{\"type\":\"record\",\"name\":\"manifest_file\",\"fields\":["
    "{\"name\":\"manifest_path\",\"type\":\"string\",\"doc\":\"Location URI with FS scheme\","
    "\"field-id\":500},"
    "{\"name\":\"manifest_length\",\"type\":\"long\",\"doc\":\"Total file size in bytes\","
    "\"field-id\":501},"
    "{\"name\":\"partition_spec_id\",\"type\":\"int\",\"doc\":\"Spec ID used to write\","
    "\"field-id\":502},"
    "{\"name\":\"content\",\"type\":\"int\",\"doc\":\"Contents of the manifest: 0=data, "
    "1=deletes\",\"field-id\":517},"
    "{\"name\":\"sequence_number\",\"type\":\"long\",\"doc\":\"Sequence number when the manifest "
    "was added\",\"field-id\":515},"
    "{\"name\":\"min_sequence_number\",\"type\":\"long\",\"doc\":\"Lowest sequence number in the "
    "manifest\",\"field-id\":516},"
    "{\"name\":\"added_snapshot_id\",\"type\":\"long\",\"doc\":\"Snapshot ID that added the "
    "manifest\",\"field-id\":503},"
    "{\"name\":\"added_files_count\",\"type\":\"int\",\"doc\":\"Added entry count\","
    "\"field-id\":504},"
    "{\"name\":\"existing_files_count\",\"type\":\"int\",\"doc\":\"Existing entry count\","
    "\"field-id\":505},"
    "{\"name\":\"deleted_files_count\",\"type\":\"int\",\"doc\":\"Deleted entry count\","
    "\"field-id\":506},"
    "{\"name\":\"added_rows_count\",\"type\":\"long\",\"doc\":\"Added rows count\","
    "\"field-id\":512},"
    "{\"name\":\"existing_rows_count\",\"type\":\"long\",\"doc\":\"Existing rows count\","
    "\"field-id\":513},"
    "{\"name\":\"deleted_rows_count\",\"type\":\"long\",\"doc\":\"Deleted rows count\","
    "\"field-id\":514},"
    "{\"name\":\"partitions\",\"type\":[\"null\",{\"type\":\"array\",\"items\":{\"type\":"
    "\"record\",\"name\":\"r508\",\"fields\":["
    "{\"name\":\"contains_null\",\"type\":\"boolean\",\"doc\":\"True if any file has a null "
    "partition value\",\"field-id\":509},"
    "{\"name\":\"contains_nan\",\"type\":[\"null\",\"boolean\"],\"doc\":\"True if any file has a "
    "nan partition value\",\"default\":null,\"field-id\":518},"
    "{\"name\":\"lower_bound\",\"type\":[\"null\",\"bytes\"],\"doc\":\"Partition lower bound for "
    "all files\",\"default\":null,\"field-id\":510},"
    "{\"name\":\"upper_bound\",\"type\":[\"null\",\"bytes\"],\"doc\":\"Partition upper bound for "
    "all files\",\"default\":null,\"field-id\":511}]},\"element-id\":508}],"
    "\"doc\":\"Summary for each partition\",\"default\":null,\"field-id\":507},"
    "{\"name\":\"key_metadata\",\"type\":[\"null\",\"bytes\"],\"doc\":\"Encryption key "
    "metadata blob\",\"default\":null,\"field-id\":519}]}";

int floe_iceberg__manifest_list_schema(floe_avro_schema **out)
{
    return floe_avro_schema_parse(out, list_schema, sizeof(list_schema) - 1);
}

/* Big-endian two's complement of a 128-bit unscaled decimal, sign-extended to n bytes. */
static void decimal_to_fixed(uint8_t *buf, size_t n, int64_t hi, uint64_t lo)
{
    for (size_t i = 0; i < n; i++) {
        size_t shift = i; /* byte i from the right */
        uint8_t byte;
        if (shift < 8)
            byte = (uint8_t)(lo >> (8 * shift));
        else if (shift < 16)
            byte = (uint8_t)((uint64_t)hi >> (8 * (shift - 8)));
        else
            byte = hi < 0 ? 0xff : 0x00;
        buf[n - 1 - i] = byte;
    }
}

int floe_iceberg__literal_to_avro(floe_avro_value *optional, const floe_literal *lit,
                                  const floe_type *type)
{
    floe_avro_value *v = NULL;
    if (!lit || lit->is_null)
        return floe_avro_value_set_optional(NULL, optional, 0);
    int rc = floe_avro_value_set_optional(&v, optional, 1);
    if (rc)
        return rc;
    switch (floe_type_get_kind(type)) {
    case FLOE_TYPE_BOOLEAN:
        return floe_avro_value_set_boolean(v, lit->v.b);
    case FLOE_TYPE_INT:
    case FLOE_TYPE_DATE:
        return floe_avro_value_set_int(v, lit->v.i32);
    case FLOE_TYPE_LONG:
    case FLOE_TYPE_TIME:
    case FLOE_TYPE_TIMESTAMP:
    case FLOE_TYPE_TIMESTAMPTZ:
    case FLOE_TYPE_TIMESTAMP_NS:
    case FLOE_TYPE_TIMESTAMPTZ_NS:
        return floe_avro_value_set_long(v, lit->v.i64);
    case FLOE_TYPE_FLOAT:
        return floe_avro_value_set_float(v, lit->v.f32);
    case FLOE_TYPE_DOUBLE:
        return floe_avro_value_set_double(v, lit->v.f64);
    case FLOE_TYPE_STRING:
    case FLOE_TYPE_BINARY:
    case FLOE_TYPE_FIXED:
        return floe_avro_value_set_bytes(v, lit->v.bytes.data, lit->v.bytes.len);
    case FLOE_TYPE_UUID:
        return floe_avro_value_set_bytes(v, lit->v.uuid, 16);
    case FLOE_TYPE_DECIMAL: {
        uint8_t buf[32];
        size_t n = floe_avro_schema_fixed_size(floe_avro_value_schema(v));
        if (n == 0 || n > sizeof(buf))
            return floe_error_set(FLOE_EINVALID, "decimal partition value: bad fixed size %zu", n);
        decimal_to_fixed(buf, n, lit->v.dec.hi, lit->v.dec.lo);
        return floe_avro_value_set_bytes(v, buf, n);
    }
    default:
        return floe_error_set(FLOE_EUNSUPPORTED, "partition values of type %s are not supported",
                              floe_type_string(type));
    }
}

int floe_iceberg__literal_from_avro(floe_literal *out, const floe_avro_value *value,
                                    const floe_type *type)
{
    floe_type_kind kind = floe_type_get_kind(type);
    *out = floe_literal_null(kind);
    if (floe_avro_value_is_null(value))
        return 0;
    const floe_avro_value *v = floe_avro_value_resolve(value);
    size_t len = 0;
    const uint8_t *bytes = NULL;
    switch (kind) {
    case FLOE_TYPE_BOOLEAN:
        *out = floe_literal_bool(floe_avro_value_get_boolean(v) != 0);
        return 0;
    case FLOE_TYPE_INT:
        *out = floe_literal_int(floe_avro_value_get_int(v));
        return 0;
    case FLOE_TYPE_DATE:
        *out = floe_literal_date(floe_avro_value_get_int(v));
        return 0;
    case FLOE_TYPE_LONG:
        *out = floe_literal_long(floe_avro_value_get_long(v));
        return 0;
    case FLOE_TYPE_TIME:
        *out = floe_literal_time(floe_avro_value_get_long(v));
        return 0;
    case FLOE_TYPE_TIMESTAMP:
        *out = floe_literal_timestamp(floe_avro_value_get_long(v));
        return 0;
    case FLOE_TYPE_TIMESTAMPTZ:
        *out = floe_literal_timestamptz(floe_avro_value_get_long(v));
        return 0;
    case FLOE_TYPE_TIMESTAMP_NS:
        *out = floe_literal_timestamp_ns(floe_avro_value_get_long(v));
        return 0;
    case FLOE_TYPE_TIMESTAMPTZ_NS:
        *out = floe_literal_timestamptz_ns(floe_avro_value_get_long(v));
        return 0;
    case FLOE_TYPE_FLOAT:
        *out = floe_literal_float(floe_avro_value_get_float(v));
        return 0;
    case FLOE_TYPE_DOUBLE:
        *out = floe_literal_double(floe_avro_value_get_double(v));
        return 0;
    default:
        break;
    }
    bytes = floe_avro_value_get_bytes(v, &len);
    if (!bytes && len)
        return floe_error_set(FLOE_ECORRUPT, "partition value of type %s has no bytes",
                              floe_type_string(type));
    floe_literal tmp;
    switch (kind) {
    case FLOE_TYPE_STRING:
        tmp = floe_literal_string((const char *)bytes, len);
        break;
    case FLOE_TYPE_BINARY:
        tmp = floe_literal_binary(bytes, len);
        break;
    case FLOE_TYPE_FIXED:
        tmp = floe_literal_fixed(bytes, len);
        break;
    case FLOE_TYPE_UUID:
        if (len != 16)
            return floe_error_set(FLOE_ECORRUPT, "uuid partition value has %zu bytes, not 16", len);
        *out = floe_literal_uuid(bytes);
        return 0;
    case FLOE_TYPE_DECIMAL: {
        if (len == 0 || len > 16)
            return floe_error_set(FLOE_ECORRUPT, "decimal partition value has %zu bytes", len);
        uint64_t hi = (bytes[0] & 0x80) ? UINT64_MAX : 0, lo = hi;
        for (size_t i = 0; i < len; i++) {
            hi = (hi << 8) | (lo >> 56);
            lo = (lo << 8) | bytes[i];
        }
        *out = floe_literal_decimal128((int64_t)hi, lo, floe_type_decimal_scale(type));
        return 0;
    }
    default:
        return floe_error_set(FLOE_EUNSUPPORTED, "partition values of type %s are not supported",
                              floe_type_string(type));
    }
    return floe_literal_copy(out, &tmp);
}
