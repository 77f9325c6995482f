/* Table metadata objects: reference counting, accessors, reading (plain or gzip) and writing
 * through floe_file_io, and metadata file naming. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/uuid.h"
#include "iceberg/snapshot_internal.h"
#include "iceberg/table_metadata_internal.h"

floe_table_metadata *floe_table_metadata_acquire(floe_table_metadata *md)
{
    if (md)
        atomic_fetch_add(&md->refs, 1);
    return md;
}

void floe_table_metadata_release(floe_table_metadata *md)
{
    if (md && atomic_fetch_sub(&md->refs, 1) == 1)
        floe_iceberg__metadata_destroy(md);
}

static int gunzip(uint8_t **out, size_t *out_len, const uint8_t *data, size_t len)
{
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    /* 15 + 16: gzip wrapper only */
    if (inflateInit2(&zs, 15 + 16) != Z_OK)
        return floe_error_set(FLOE_ENOMEM, "cannot start gzip decompression");
    floe_buf b = FLOE_BUF_INIT;
    zs.next_in = (Bytef *)data;
    zs.avail_in = (uInt)len;
    int zrc = Z_OK;
    int rc = 0;
    while (zrc != Z_STREAM_END) {
        if (b.len >= FLOE_METADATA_MAX_BYTES) {
            rc = floe_error_set(FLOE_ECORRUPT,
                                "table metadata: decompressed size exceeds %zu bytes; refusing "
                                "to read it",
                                FLOE_METADATA_MAX_BYTES);
            break;
        }
        rc = floe_buf_reserve(&b, 64 * 1024);
        if (rc)
            break;
        zs.next_out = b.data + b.len;
        zs.avail_out = (uInt)(b.cap - b.len);
        zrc = inflate(&zs, Z_NO_FLUSH);
        b.len = b.cap - zs.avail_out;
        if (zrc == Z_BUF_ERROR && zs.avail_in == 0) {
            rc = floe_error_set(FLOE_ECORRUPT, "table metadata: gzip stream is truncated");
            break;
        }
        if (zrc != Z_OK && zrc != Z_STREAM_END && zrc != Z_BUF_ERROR) {
            rc = floe_error_set(FLOE_ECORRUPT,
                                "table metadata: gzip data is corrupt at input "
                                "byte %lu: %s",
                                zs.total_in, zs.msg ? zs.msg : "inflate failed");
            break;
        }
    }
    inflateEnd(&zs);
    if (rc) {
        floe_buf_free(&b);
        return rc;
    }
    *out = floe_buf_detach(&b, out_len);
    return 0;
}

int floe_table_metadata_from_bytes(floe_table_metadata **out, const uint8_t *data, size_t len)
{
    *out = NULL;
    if (len >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
        uint8_t *plain = NULL;
        size_t plain_len = 0;
        int rc = gunzip(&plain, &plain_len, data, len);
        if (rc)
            return rc;
        rc = floe_table_metadata_from_json(out, (const char *)plain, plain_len);
        floe_free(plain);
        return rc;
    }
    return floe_table_metadata_from_json(out, (const char *)data, len);
}

int floe_table_metadata_read(floe_table_metadata **out, floe_file_io *io, const char *location)
{
    uint8_t *data = NULL;
    size_t len = 0;
    *out = NULL;
    int rc = floe_file_io_read_all(&data, &len, io, location, FLOE_METADATA_MAX_BYTES);
    if (rc)
        return floe_error_wrap(rc, "reading table metadata '%s'", location);
    rc = floe_table_metadata_from_bytes(out, data, len);
    free(data);
    if (rc)
        return floe_error_wrap(rc, "%s", location);
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static int gzip(uint8_t **out, size_t *out_len, const char *data, size_t len)
{
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return floe_error_set(FLOE_ENOMEM, "cannot start gzip compression");
    uLong bound = deflateBound(&zs, (uLong)len);
    uint8_t *buf = floe_malloc(bound);
    if (!buf) {
        deflateEnd(&zs);
        return floe_error_set(FLOE_ENOMEM, "out of memory compressing table metadata");
    }
    zs.next_in = (Bytef *)data;
    zs.avail_in = (uInt)len;
    zs.next_out = buf;
    zs.avail_out = (uInt)bound;
    int zrc = deflate(&zs, Z_FINISH);
    *out_len = zs.total_out;
    deflateEnd(&zs);
    if (zrc != Z_STREAM_END) {
        floe_free(buf);
        return floe_error_set(FLOE_ERROR, "gzip compression of table metadata failed");
    }
    *out = buf;
    return 0;
}

int floe_table_metadata_write(floe_file_io *io, const char *location, const floe_table_metadata *md)
{
    char *json = NULL;
    int rc = floe_table_metadata_to_json(&json, md, 0);
    if (rc)
        return rc;
    if (ends_with(location, ".gz.metadata.json") || ends_with(location, ".metadata.json.gz")) {
        uint8_t *z = NULL;
        size_t zlen = 0;
        rc = gzip(&z, &zlen, json, strlen(json));
        free(json);
        if (rc)
            return rc;
        rc = floe_file_io_write_all(io, location, FLOE_CREATE_EXCLUSIVE, z, zlen);
        floe_free(z);
    } else {
        rc = floe_file_io_write_all(io, location, FLOE_CREATE_EXCLUSIVE, json, strlen(json));
        free(json);
    }
    if (rc)
        return floe_error_wrap(rc, "writing table metadata '%s'", location);
    return 0;
}

int64_t floe_table_metadata_parse_version(const char *location)
{
    if (!location)
        return -1;
    const char *name = strrchr(location, '/');
    name = name ? name + 1 : location;
    if (name[0] == 'v')
        name++;
    int64_t v = 0;
    size_t digits = 0;
    while (isdigit((unsigned char)name[digits])) {
        if (v > (INT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (name[digits] - '0');
        digits++;
    }
    if (digits == 0 || (name[digits] != '-' && name[digits] != '.'))
        return -1;
    return v;
}

int floe_table_metadata_next_location(char **out, const char *table_location,
                                      const char *current_location)
{
    *out = NULL;
    int64_t version = 0;
    if (current_location) {
        version = floe_table_metadata_parse_version(current_location);
        if (version < 0)
            return floe_error_set(FLOE_EINVALID,
                                  "cannot parse a metadata version from '%s': expected "
                                  "'<N>-<uuid>.metadata.json' or 'v<N>.metadata.json'",
                                  current_location);
    }
    uint8_t u[16];
    char ustr[FLOE_UUID_STR_LEN];
    int urc = floe_uuid_v4(u);
    if (urc)
        return urc;
    floe_uuid_format(ustr, u);
    size_t tl = strlen(table_location);
    while (tl > 0 && table_location[tl - 1] == '/')
        tl--;
    floe_buf b = FLOE_BUF_INIT;
    int rc = floe_buf_printf(&b, "%.*s/metadata/%05" PRId64 "-%s.metadata.json", (int)tl,
                             table_location, version + 1, ustr);
    if (rc) {
        floe_buf_free(&b);
        return rc;
    }
    size_t len = 0;
    *out = (char *)floe_buf_detach(&b, &len);
    return 0;
}

int floe_table_metadata_format_version(const floe_table_metadata *md)
{
    return md->format_version;
}

const char *floe_table_metadata_uuid(const floe_table_metadata *md)
{
    return md->uuid;
}

const char *floe_table_metadata_location(const floe_table_metadata *md)
{
    return md->location;
}

int64_t floe_table_metadata_last_sequence_number(const floe_table_metadata *md)
{
    return md->last_sequence_number;
}

int64_t floe_table_metadata_last_updated_ms(const floe_table_metadata *md)
{
    return md->last_updated_ms;
}

int floe_table_metadata_last_column_id(const floe_table_metadata *md)
{
    return md->last_column_id;
}

int floe_table_metadata_current_schema_id(const floe_table_metadata *md)
{
    return md->current_schema_id;
}

int floe_table_metadata_default_spec_id(const floe_table_metadata *md)
{
    return md->default_spec_id;
}

int floe_table_metadata_last_partition_id(const floe_table_metadata *md)
{
    return md->last_partition_id;
}

int floe_table_metadata_default_sort_order_id(const floe_table_metadata *md)
{
    return md->default_sort_order_id;
}

int64_t floe_table_metadata_next_row_id(const floe_table_metadata *md)
{
    return md->next_row_id;
}

static const char *item_text(const floe_md_item *items, size_t n, int id)
{
    for (size_t i = 0; i < n; i++)
        if (items[i].id == id)
            return items[i].text;
    return NULL;
}

static void *item_parsed(const floe_md_item *items, size_t n, int id)
{
    for (size_t i = 0; i < n; i++)
        if (items[i].id == id)
            return items[i].parsed;
    return NULL;
}

const floe_schema *floe_table_metadata_schema(const floe_table_metadata *md, int schema_id)
{
    return item_parsed(md->schemas, md->schema_count, schema_id);
}

const floe_schema *floe_table_metadata_current_schema(const floe_table_metadata *md)
{
    return floe_table_metadata_schema(md, md->current_schema_id);
}

const floe_partition_spec *floe_table_metadata_spec(const floe_table_metadata *md, int spec_id)
{
    return item_parsed(md->specs, md->spec_count, spec_id);
}

const floe_partition_spec *floe_table_metadata_default_spec(const floe_table_metadata *md)
{
    return floe_table_metadata_spec(md, md->default_spec_id);
}

const floe_sort_order *floe_table_metadata_sort_order(const floe_table_metadata *md, int order_id)
{
    return item_parsed(md->orders, md->order_count, order_id);
}

const floe_sort_order *floe_table_metadata_default_sort_order(const floe_table_metadata *md)
{
    return floe_table_metadata_sort_order(md, md->default_sort_order_id);
}

size_t floe_table_metadata_schema_count(const floe_table_metadata *md)
{
    return md->schema_count;
}

int floe_table_metadata_schema_id_at(const floe_table_metadata *md, size_t i)
{
    return i < md->schema_count ? md->schemas[i].id : -1;
}

const char *floe_table_metadata_schema_json(const floe_table_metadata *md, int schema_id)
{
    return item_text(md->schemas, md->schema_count, schema_id);
}

size_t floe_table_metadata_spec_count(const floe_table_metadata *md)
{
    return md->spec_count;
}

int floe_table_metadata_spec_id_at(const floe_table_metadata *md, size_t i)
{
    return i < md->spec_count ? md->specs[i].id : -1;
}

const char *floe_table_metadata_spec_json(const floe_table_metadata *md, int spec_id)
{
    return item_text(md->specs, md->spec_count, spec_id);
}

size_t floe_table_metadata_sort_order_count(const floe_table_metadata *md)
{
    return md->order_count;
}

int floe_table_metadata_sort_order_id_at(const floe_table_metadata *md, size_t i)
{
    return i < md->order_count ? md->orders[i].id : -1;
}

const char *floe_table_metadata_sort_order_json(const floe_table_metadata *md, int order_id)
{
    return item_text(md->orders, md->order_count, order_id);
}

size_t floe_table_metadata_property_count(const floe_table_metadata *md)
{
    return md->prop_count;
}

void floe_table_metadata_property_at(const floe_table_metadata *md, size_t i, const char **key,
                                     const char **value)
{
    *key = i < md->prop_count ? md->prop_keys[i] : NULL;
    *value = i < md->prop_count ? md->prop_values[i] : NULL;
}

const char *floe_table_metadata_property(const floe_table_metadata *md, const char *key)
{
    for (size_t i = 0; i < md->prop_count; i++)
        if (strcmp(md->prop_keys[i], key) == 0)
            return md->prop_values[i];
    return NULL;
}

int64_t floe_table_metadata_current_snapshot_id(const floe_table_metadata *md)
{
    return md->current_snapshot_id;
}

const floe_snapshot *floe_table_metadata_current_snapshot(const floe_table_metadata *md)
{
    if (md->current_snapshot_id == FLOE_SNAPSHOT_ID_NONE)
        return NULL;
    return floe_table_metadata_snapshot_by_id(md, md->current_snapshot_id);
}

size_t floe_table_metadata_snapshot_count(const floe_table_metadata *md)
{
    return md->snapshot_count;
}

const floe_snapshot *floe_table_metadata_snapshot_at(const floe_table_metadata *md, size_t i)
{
    return i < md->snapshot_count ? md->snapshots[i] : NULL;
}

const floe_snapshot *floe_table_metadata_snapshot_by_id(const floe_table_metadata *md,
                                                        int64_t snapshot_id)
{
    for (size_t i = 0; i < md->snapshot_count; i++)
        if (md->snapshots[i]->id == snapshot_id)
            return md->snapshots[i];
    return NULL;
}

size_t floe_table_metadata_ref_count(const floe_table_metadata *md)
{
    return md->ref_count;
}

void floe_table_metadata_ref_at(const floe_table_metadata *md, size_t i, const char **name,
                                const floe_snapshot_ref **ref)
{
    *name = i < md->ref_count ? md->ref_names[i] : NULL;
    *ref = i < md->ref_count ? &md->refs_v[i] : NULL;
}

const floe_snapshot_ref *floe_table_metadata_ref(const floe_table_metadata *md, const char *name)
{
    for (size_t i = 0; i < md->ref_count; i++)
        if (strcmp(md->ref_names[i], name) == 0)
            return &md->refs_v[i];
    return NULL;
}

size_t floe_table_metadata_snapshot_log_count(const floe_table_metadata *md)
{
    return md->snapshot_log_count;
}

floe_snapshot_log_entry floe_table_metadata_snapshot_log_at(const floe_table_metadata *md, size_t i)
{
    floe_snapshot_log_entry none = {0, FLOE_SNAPSHOT_ID_NONE};
    return i < md->snapshot_log_count ? md->snapshot_log[i] : none;
}

size_t floe_table_metadata_metadata_log_count(const floe_table_metadata *md)
{
    return md->metadata_log_count;
}

floe_metadata_log_entry floe_table_metadata_metadata_log_at(const floe_table_metadata *md, size_t i)
{
    floe_metadata_log_entry none = {0, NULL};
    return i < md->metadata_log_count ? md->metadata_log[i] : none;
}

size_t floe_table_metadata_statistics_count(const floe_table_metadata *md)
{
    return md->stats_count;
}

const char *floe_table_metadata_statistics_json(const floe_table_metadata *md, size_t i)
{
    return i < md->stats_count ? md->stats_text[i] : NULL;
}

size_t floe_table_metadata_partition_statistics_count(const floe_table_metadata *md)
{
    return md->pstats_count;
}

const char *floe_table_metadata_partition_statistics_json(const floe_table_metadata *md, size_t i)
{
    return i < md->pstats_count ? md->pstats_text[i] : NULL;
}
