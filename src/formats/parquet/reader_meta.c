/* The footer as JSON, for inspection (floe parquet meta / schema). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/arrow/decimal.h>
#include <floe/error.h>
#include <floe/parquet/reader.h>

#include "base/alloc.h"
#include "base/timeconv.h"
#include "formats/parquet/reader_internal.h"

static json_t *hex(const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char *s = floe_malloc(n * 2 + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = digits[p[i] >> 4];
        s[2 * i + 1] = digits[p[i] & 15];
    }
    s[2 * n] = 0;
    json_t *j = json_string(s);
    floe_free(s);
    return j;
}

/* File text as a JSON string; bytes that are not UTF-8 come out as hex. */
static json_t *text(const char *s)
{
    json_t *j = json_string(s ? s : "");
    return j ? j : hex((const uint8_t *)s, strlen(s));
}

static json_t *real_or_text(double d)
{
    if (d != d)
        return json_string("NaN");
    if (d > 1.7976931348623157e308)
        return json_string("Infinity");
    if (d < -1.7976931348623157e308)
        return json_string("-Infinity");
    return json_real(d);
}

/* Statistics of annotated columns in the same text form as `floe parquet cat`: decimals,
 * dates, timestamps and UUIDs; NULL when the value is not one of those. */
static json_t *logical_value(const floe_pq_node *leaf, const uint8_t *p, size_t n)
{
    const char *f = leaf->format;
    char buf[FLOE_TIMESTAMP_BUF + FLOE_DECIMAL128_STRLEN];
    if (f[0] == 'd' && f[1] == ':') {
        const char *comma = strchr(f, ',');
        int scale = comma ? (int)strtol(comma + 1, NULL, 10) : 0;
        floe_decimal128 d;
        if (leaf->physical == FLOE_PARQUET_INT32 && n == 4) {
            int32_t v;
            memcpy(&v, p, 4);
            d = floe_decimal128_from_int64(v);
        } else if (leaf->physical == FLOE_PARQUET_INT64 && n == 8) {
            int64_t v;
            memcpy(&v, p, 8);
            d = floe_decimal128_from_int64(v);
        } else if ((leaf->physical == FLOE_PARQUET_BYTE_ARRAY ||
                    leaf->physical == FLOE_PARQUET_FIXED_LEN_BYTE_ARRAY) &&
                   n >= 1 && n <= 16) {
            /* big-endian two's complement, sign-extended */
            uint8_t le[16];
            memset(le, (p[0] & 0x80) ? 0xff : 0, 16);
            for (size_t i = 0; i < n; i++)
                le[i] = p[n - 1 - i];
            d = floe_decimal128_load(le);
        } else
            return NULL;
        return floe_decimal128_format(buf, sizeof(buf), d, scale) == 0 ? json_string(buf) : NULL;
    }
    if (strcmp(f, "tdD") == 0 && n == 4) {
        int32_t v;
        memcpy(&v, p, 4);
        return floe_format_date(buf, sizeof(buf), v) == 0 ? json_string(buf) : NULL;
    }
    if (f[0] == 't' && f[1] == 's' && f[3] == ':' && n == 8 &&
        leaf->physical == FLOE_PARQUET_INT64) {
        int64_t v;
        memcpy(&v, p, 8);
        int digits = f[2] == 'm' ? 3 : f[2] == 'u' ? 6 : 9;
        return floe_format_timestamp(buf, sizeof(buf), v, digits, f[4] != 0) == 0 ? json_string(buf)
                                                                                  : NULL;
    }
    if (strcmp(f, "w:16") == 0 && n == 16 && leaf->elem && leaf->elem->has_logical_type &&
        leaf->elem->logical_type.kind == FLOE_PARQUET_LT_UUID) {
        static const char digits[] = "0123456789abcdef";
        size_t o = 0;
        for (size_t i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10)
                buf[o++] = '-';
            buf[o++] = digits[p[i] >> 4];
            buf[o++] = digits[p[i] & 15];
        }
        buf[o] = 0;
        return json_string(buf);
    }
    return NULL;
}

/* A statistics value decoded to a JSON value by the column's type. */
static json_t *stat_value(const floe_pq_node *leaf, const uint8_t *p, size_t n)
{
    json_t *lv = leaf ? logical_value(leaf, p, n) : NULL;
    if (lv)
        return lv;
    switch (leaf ? leaf->physical : -1) {
    case FLOE_PARQUET_BOOLEAN:
        if (n == 1)
            return json_boolean(p[0]);
        break;
    case FLOE_PARQUET_INT32:
        if (n == 4) {
            int32_t v;
            memcpy(&v, p, 4);
            if (leaf->format[0] == 'I')
                return json_integer((json_int_t)(uint32_t)v);
            return json_integer(v);
        }
        break;
    case FLOE_PARQUET_INT64:
        if (n == 8) {
            int64_t v;
            memcpy(&v, p, 8);
            if (leaf->format[0] == 'L' && v < 0) {
                char buf[32];
                snprintf(buf, sizeof(buf), "%llu", (unsigned long long)(uint64_t)v);
                return json_string(buf);
            }
            return json_integer((json_int_t)v);
        }
        break;
    case FLOE_PARQUET_FLOAT:
        if (n == 4) {
            float v;
            memcpy(&v, p, 4);
            return real_or_text(v);
        }
        break;
    case FLOE_PARQUET_DOUBLE:
        if (n == 8) {
            double v;
            memcpy(&v, p, 8);
            return real_or_text(v);
        }
        break;
    case FLOE_PARQUET_BYTE_ARRAY:
        if (leaf->format[0] == 'u') {
            json_t *s = json_stringn((const char *)p, n);
            if (s)
                return s; /* else not UTF-8 (e.g. a truncated bound): hex below */
        }
        break;
    default:
        break;
    }
    return hex(p, n);
}

static int set(json_t *o, const char *k, json_t *v)
{
    if (!v)
        return floe_error_set(FLOE_ENOMEM, "out of memory building metadata JSON");
    if (json_object_set_new(o, k, v))
        return floe_error_set(FLOE_ENOMEM, "out of memory building metadata JSON");
    return 0;
}

static int stats_json(json_t *col, const floe_pq_node *leaf, const floe_parquet_statistics *st)
{
    json_t *s = json_object();
    int rc = set(col, "statistics", s);
    if (rc)
        return rc;
    if (st->has_null_count && (rc = set(s, "null_count", json_integer(st->null_count))))
        return rc;
    if (st->has_distinct_count && (rc = set(s, "distinct_count", json_integer(st->distinct_count))))
        return rc;
    if (st->has_nan_count && (rc = set(s, "nan_count", json_integer(st->nan_count))))
        return rc;
    if (st->has_min_value) {
        if ((rc = set(s, "min", stat_value(leaf, st->min_value, st->min_value_len))))
            return rc;
    } else if (st->has_min &&
               (rc = set(s, "min_deprecated", stat_value(leaf, st->min, st->min_len))))
        return rc;
    if (st->has_max_value) {
        if ((rc = set(s, "max", stat_value(leaf, st->max_value, st->max_value_len))))
            return rc;
    } else if (st->has_max &&
               (rc = set(s, "max_deprecated", stat_value(leaf, st->max, st->max_len))))
        return rc;
    if (st->has_is_min_value_exact &&
        (rc = set(s, "is_min_value_exact", json_boolean(st->is_min_value_exact))))
        return rc;
    if (st->has_is_max_value_exact &&
        (rc = set(s, "is_max_value_exact", json_boolean(st->is_max_value_exact))))
        return rc;
    return 0;
}

static const char *repetition_name(int r)
{
    return r == FLOE_PARQUET_REQUIRED   ? "REQUIRED"
           : r == FLOE_PARQUET_OPTIONAL ? "OPTIONAL"
                                        : "REPEATED";
}

static const char *converted_name(int c)
{
    static const char *names[] = {"UTF8",
                                  "MAP",
                                  "MAP_KEY_VALUE",
                                  "LIST",
                                  "ENUM",
                                  "DECIMAL",
                                  "DATE",
                                  "TIME_MILLIS",
                                  "TIME_MICROS",
                                  "TIMESTAMP_MILLIS",
                                  "TIMESTAMP_MICROS",
                                  "UINT_8",
                                  "UINT_16",
                                  "UINT_32",
                                  "UINT_64",
                                  "INT_8",
                                  "INT_16",
                                  "INT_32",
                                  "INT_64",
                                  "JSON",
                                  "BSON",
                                  "INTERVAL"};
    return c >= 0 && c < (int)(sizeof(names) / sizeof(names[0])) ? names[c] : "UNKNOWN";
}

static const char *unit_name(int u)
{
    return u == FLOE_PARQUET_MILLIS ? "MILLIS" : u == FLOE_PARQUET_NANOS ? "NANOS" : "MICROS";
}

/* "TIMESTAMP(MICROS,true)", "DECIMAL(10,2)", "INTEGER(8,false)", "STRING", ... */
static void logical_text(char *buf, size_t n, const floe_parquet_logical_type *lt)
{
    switch (lt->kind) {
    case FLOE_PARQUET_LT_STRING:
        snprintf(buf, n, "STRING");
        break;
    case FLOE_PARQUET_LT_MAP:
        snprintf(buf, n, "MAP");
        break;
    case FLOE_PARQUET_LT_LIST:
        snprintf(buf, n, "LIST");
        break;
    case FLOE_PARQUET_LT_ENUM:
        snprintf(buf, n, "ENUM");
        break;
    case FLOE_PARQUET_LT_DECIMAL:
        snprintf(buf, n, "DECIMAL(%d,%d)", lt->decimal_precision, lt->decimal_scale);
        break;
    case FLOE_PARQUET_LT_DATE:
        snprintf(buf, n, "DATE");
        break;
    case FLOE_PARQUET_LT_TIME:
        snprintf(buf, n, "TIME(%s,%s)", unit_name(lt->unit),
                 lt->is_adjusted_to_utc ? "true" : "false");
        break;
    case FLOE_PARQUET_LT_TIMESTAMP:
        snprintf(buf, n, "TIMESTAMP(%s,%s)", unit_name(lt->unit),
                 lt->is_adjusted_to_utc ? "true" : "false");
        break;
    case FLOE_PARQUET_LT_INTEGER:
        snprintf(buf, n, "INTEGER(%d,%s)", lt->bit_width, lt->is_signed ? "true" : "false");
        break;
    case FLOE_PARQUET_LT_UNKNOWN:
        snprintf(buf, n, "UNKNOWN");
        break;
    case FLOE_PARQUET_LT_JSON:
        snprintf(buf, n, "JSON");
        break;
    case FLOE_PARQUET_LT_BSON:
        snprintf(buf, n, "BSON");
        break;
    case FLOE_PARQUET_LT_UUID:
        snprintf(buf, n, "UUID");
        break;
    case FLOE_PARQUET_LT_FLOAT16:
        snprintf(buf, n, "FLOAT16");
        break;
    case FLOE_PARQUET_LT_VARIANT:
        snprintf(buf, n, "VARIANT");
        break;
    case FLOE_PARQUET_LT_GEOMETRY:
        snprintf(buf, n, "GEOMETRY");
        break;
    case FLOE_PARQUET_LT_GEOGRAPHY:
        snprintf(buf, n, "GEOGRAPHY");
        break;
    default:
        snprintf(buf, n, "OTHER(%d)", lt->unknown_id);
        break;
    }
}

static int schema_json(json_t *root, const floe_parquet_file_metadata *md)
{
    json_t *arr = json_array();
    int rc = set(root, "schema", arr);
    for (uint32_t i = 0; rc == 0 && i < md->num_schema; i++) {
        const floe_parquet_schema_element *e = &md->schema[i];
        json_t *o = json_object();
        if (!o || json_array_append_new(arr, o))
            return floe_error_set(FLOE_ENOMEM, "out of memory building metadata JSON");
        rc = set(o, "name", text(e->name));
        if (rc == 0 && e->has_type)
            rc = set(o, "type", json_string(floe_parquet__type_name(e->type)));
        if (rc == 0 && e->has_type_length)
            rc = set(o, "type_length", json_integer(e->type_length));
        if (rc == 0 && e->has_repetition)
            rc = set(o, "repetition", json_string(repetition_name(e->repetition)));
        if (rc == 0 && e->has_num_children)
            rc = set(o, "num_children", json_integer(e->num_children));
        if (rc == 0 && e->has_converted_type)
            rc = set(o, "converted_type", json_string(converted_name(e->converted_type)));
        if (rc == 0 && e->has_logical_type) {
            char buf[64];
            logical_text(buf, sizeof(buf), &e->logical_type);
            rc = set(o, "logical_type", json_string(buf));
        }
        if (rc == 0 && e->has_precision)
            rc = set(o, "precision", json_integer(e->precision));
        if (rc == 0 && e->has_scale)
            rc = set(o, "scale", json_integer(e->scale));
        if (rc == 0 && e->has_field_id)
            rc = set(o, "field_id", json_integer(e->field_id));
    }
    return rc;
}

static int column_json(json_t *cols, const floe_pq_node *leaf, const floe_parquet_column_chunk *cc)
{
    json_t *o = json_object();
    if (!o || json_array_append_new(cols, o))
        return floe_error_set(FLOE_ENOMEM, "out of memory building metadata JSON");
    const floe_parquet_column_metadata *m = cc->meta_data;
    int rc = 0;
    if (cc->file_path)
        rc = set(o, "file_path", text(cc->file_path));
    if (rc == 0 && !m)
        return set(o, "encrypted", json_true());
    json_t *path = rc == 0 ? json_array() : NULL;
    if (rc == 0)
        rc = set(o, "path", path);
    for (uint32_t k = 0; rc == 0 && k < m->path_len; k++)
        if (json_array_append_new(path,
                                  json_string(m->path_in_schema[k] ? m->path_in_schema[k] : "")))
            rc = floe_error_set(FLOE_ENOMEM, "out of memory building metadata JSON");
    if (rc == 0 && leaf && leaf->has_field_id)
        rc = set(o, "field_id", json_integer(leaf->field_id));
    if (rc == 0)
        rc = set(o, "type", json_string(floe_parquet__type_name(m->type)));
    if (rc == 0)
        rc = set(o, "codec", json_string(floe_parquet__codec_name(m->codec)));
    json_t *encs = rc == 0 ? json_array() : NULL;
    if (rc == 0)
        rc = set(o, "encodings", encs);
    for (uint32_t k = 0; rc == 0 && k < m->num_encodings; k++)
        if (json_array_append_new(encs, json_string(floe_parquet__encoding_name(m->encodings[k]))))
            rc = floe_error_set(FLOE_ENOMEM, "out of memory building metadata JSON");
    if (rc == 0)
        rc = set(o, "num_values", json_integer(m->num_values));
    if (rc == 0)
        rc = set(o, "total_compressed_size", json_integer(m->total_compressed_size));
    if (rc == 0)
        rc = set(o, "total_uncompressed_size", json_integer(m->total_uncompressed_size));
    if (rc == 0)
        rc = set(o, "data_page_offset", json_integer(m->data_page_offset));
    if (rc == 0 && m->has_dictionary_page_offset)
        rc = set(o, "dictionary_page_offset", json_integer(m->dictionary_page_offset));
    if (rc == 0 && m->statistics)
        rc = stats_json(o, leaf, m->statistics);
    return rc;
}

int floe_parquet_reader_metadata_json(json_t **out, floe_parquet_reader *r)
{
    *out = NULL;
    const floe_parquet_file_metadata *md = r->md;
    json_t *root = json_object();
    if (!root)
        return floe_error_set(FLOE_ENOMEM, "out of memory building metadata JSON");
    int rc = set(root, "version", json_integer(md->version));
    if (rc == 0)
        rc = set(root, "num_rows", json_integer(md->num_rows));
    if (rc == 0)
        rc = set(root, "created_by", md->created_by ? text(md->created_by) : json_null());
    json_t *kv = rc == 0 ? json_object() : NULL;
    if (rc == 0)
        rc = set(root, "key_value_metadata", kv);
    for (uint32_t i = 0; rc == 0 && i < md->num_key_value; i++) {
        const floe_parquet_key_value *e = &md->key_value[i];
        json_t *v = e->value ? json_stringn(e->value, e->value_len) : json_null();
        if (!v && e->value)
            v = hex((const uint8_t *)e->value, e->value_len);
        json_t *key = text(e->key);
        const char *ks = json_string_value(key);
        rc = ks ? set(kv, ks, v) : set(kv, "", v);
        json_decref(key);
    }
    if (rc == 0)
        rc = schema_json(root, md);
    json_t *rgs = rc == 0 ? json_array() : NULL;
    if (rc == 0)
        rc = set(root, "row_groups", rgs);
    for (uint32_t g = 0; rc == 0 && g < md->num_row_groups; g++) {
        const floe_parquet_row_group *rg = &md->row_groups[g];
        json_t *o = json_object();
        if (!o || json_array_append_new(rgs, o)) {
            rc = floe_error_set(FLOE_ENOMEM, "out of memory building metadata JSON");
            break;
        }
        rc = set(o, "num_rows", json_integer(rg->num_rows));
        if (rc == 0)
            rc = set(o, "total_byte_size", json_integer(rg->total_byte_size));
        if (rc == 0 && rg->has_total_compressed_size)
            rc = set(o, "total_compressed_size", json_integer(rg->total_compressed_size));
        json_t *cols = rc == 0 ? json_array() : NULL;
        if (rc == 0)
            rc = set(o, "columns", cols);
        for (uint32_t c = 0; rc == 0 && c < rg->num_columns; c++)
            rc = column_json(cols, c < r->schema.num_leaves ? r->schema.leaves[c] : NULL,
                             &rg->columns[c]);
    }
    if (rc) {
        json_decref(root);
        return rc;
    }
    *out = root;
    return 0;
}
