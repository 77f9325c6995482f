/* Purge of a dropped table: every file reachable from its metadata is deleted — the current
 * and earlier metadata files (metadata-log), each snapshot's manifest list, the manifests it
 * lists, and the data and delete files those manifests record (whatever their entry status),
 * plus statistics files. Files not reachable from metadata (orphans of failed writes) stay. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/manifest.h>
#include <floe/iceberg/manifest_list.h>
#include <floe/iceberg/metadata.h>
#include <floe/iceberg/snapshot.h>
#include <floe/log.h>

#include "catalog/sql_internal.h"

static int add(json_t *set, const char *location)
{
    if (!location || !location[0])
        return 0;
    if (json_object_set_new(set, location, json_true()) != 0)
        return floe_error_set(FLOE_ENOMEM, "out of memory collecting files to purge");
    return 0;
}

static int collect_manifest(json_t *set, floe_file_io *io, const floe_manifest_file *mf)
{
    floe_input_file *in = NULL;
    int rc = io->open(&in, io, mf->path);
    if (rc)
        return rc;
    floe_manifest_reader *r = NULL;
    rc = floe_manifest_reader_open(&r, in, mf);
    while (rc == 0) {
        int has = 0;
        floe_manifest_entry e;
        rc = floe_manifest_reader_next(&has, &e, r);
        if (rc || !has)
            break;
        rc = add(set, floe_data_file_path(e.data_file));
    }
    floe_manifest_reader_free(r);
    floe_input_close(in);
    return rc;
}

static int collect_snapshot(json_t *set, floe_file_io *io, const floe_snapshot *s)
{
    const char *list_loc = floe_snapshot_manifest_list(s);
    int rc = 0;
    if (!list_loc) {
        /* v1 snapshots may embed their manifests instead of a list */
        for (size_t i = 0; i < floe_snapshot_manifest_count(s) && rc == 0; i++) {
            floe_manifest_file mf = {.version = FLOE_MANIFEST_FILE_VERSION};
            mf.path = (char *)floe_snapshot_manifest(s, i);
            rc = add(set, mf.path);
            if (rc == 0)
                rc = collect_manifest(set, io, &mf);
        }
        return rc;
    }
    rc = add(set, list_loc);
    floe_input_file *in = NULL;
    if (rc == 0)
        rc = io->open(&in, io, list_loc);
    floe_manifest_list *list = NULL;
    if (rc == 0)
        rc = floe_manifest_list_read(&list, in);
    for (size_t i = 0; rc == 0 && i < floe_manifest_list_count(list); i++) {
        const floe_manifest_file *mf = floe_manifest_list_at(list, i);
        rc = add(set, mf->path);
        if (rc == 0)
            rc = collect_manifest(set, io, mf);
    }
    floe_manifest_list_free(list);
    floe_input_close(in);
    return rc;
}

static int collect_statistics(json_t *set, const floe_table_metadata *md)
{
    int rc = 0;
    for (size_t i = 0; i < floe_table_metadata_statistics_count(md) && rc == 0; i++) {
        json_t *j = json_loads(floe_table_metadata_statistics_json(md, i), 0, NULL);
        rc = add(set, json_string_value(json_object_get(j, "statistics-path")));
        json_decref(j);
    }
    for (size_t i = 0; i < floe_table_metadata_partition_statistics_count(md) && rc == 0; i++) {
        json_t *j = json_loads(floe_table_metadata_partition_statistics_json(md, i), 0, NULL);
        rc = add(set, json_string_value(json_object_get(j, "statistics-path")));
        json_decref(j);
    }
    return rc;
}

int floe_catalog__sql_purge(floe_sql_catalog *cat, const char *location)
{
    json_t *set = json_object();
    if (!set)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    floe_table_metadata *md = NULL;
    int rc = add(set, location);
    int first = 0;
    if (rc == 0)
        rc = floe_table_metadata_read(&md, cat->io, location);
    for (size_t i = 0; rc == 0 && i < floe_table_metadata_metadata_log_count(md); i++)
        rc = add(set, floe_table_metadata_metadata_log_at(md, i).metadata_file);
    for (size_t i = 0; rc == 0 && i < floe_table_metadata_snapshot_count(md); i++)
        rc = collect_snapshot(set, cat->io, floe_table_metadata_snapshot_at(md, i));
    if (rc == 0)
        rc = collect_statistics(set, md);
    if (rc)
        first = rc;
    /* Whatever was collected is deleted even when collecting stopped early. */
    const char *loc;
    json_t *v;
    size_t deleted = 0, failed = 0;
    json_object_foreach(set, loc, v)
    {
        int drc = cat->io->remove(cat->io, loc);
        if (drc == 0)
            deleted++;
        else if (drc != FLOE_ENOTFOUND) {
            failed++;
            if (!first)
                first = drc;
        }
    }
    char dn[32], fn[32];
    snprintf(dn, sizeof dn, "%zu", deleted);
    snprintf(fn, sizeof fn, "%zu", failed);
    floe_log(FLOE_LOG_INFO, "purged table files", "catalog", cat->catalog_name, "deleted", dn,
             "failed", fn, NULL);
    floe_table_metadata_release(md);
    json_decref(set);
    return first;
}
