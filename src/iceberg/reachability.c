/* Reachability: files an expiration leaves unreferenced (the reference's ReachableFileCleanup)
 * and every file a table's metadata references (the keep set of orphan-file removal). */
#include <inttypes.h>
#include <string.h>

#include <jansson.h>

#include <floe/error.h>
#include <floe/iceberg/expire.h>
#include <floe/iceberg/manifest_list.h>

#include "base/alloc.h"
#include "iceberg/reachability_internal.h"

/* Manifests to read: their list records (NULL for a v1 snapshot's inline `manifests`). */
typedef struct manifest_vec {
    char **paths;
    floe_manifest_file **recs;
    size_t count;
    size_t cap;
} manifest_vec;

static int vec_push(manifest_vec *v, const char *path, const floe_manifest_file *rec)
{
    if (v->count == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16, bytes;
        if (floe_mul_size(cap, sizeof(void *), &bytes) != 0)
            return floe_error_set(FLOE_ENOMEM, "too many manifests");
        char **p = floe_realloc(v->paths, bytes);
        if (!p)
            return floe_error_set(FLOE_ENOMEM, "out of memory listing manifests");
        v->paths = p;
        floe_manifest_file **r = floe_realloc(v->recs, bytes);
        if (!r)
            return floe_error_set(FLOE_ENOMEM, "out of memory listing manifests");
        v->recs = r;
        v->cap = cap;
    }
    char *copy = floe_strdup(path);
    floe_manifest_file *rc_copy = NULL;
    if (!copy || (rec && floe_manifest_file_copy(&rc_copy, rec) != 0)) {
        floe_free(copy);
        return floe_error_set(FLOE_ENOMEM, "out of memory listing manifests");
    }
    v->paths[v->count] = copy;
    v->recs[v->count] = rc_copy;
    v->count++;
    return 0;
}

static void vec_free(manifest_vec *v)
{
    for (size_t i = 0; i < v->count; i++) {
        floe_free(v->paths[i]);
        floe_manifest_file_free(v->recs[i]);
    }
    floe_free(v->paths);
    floe_free(v->recs);
}

typedef int (*manifest_fn)(const char *path, const floe_manifest_file *rec, void *ctx);

/* Calls `fn` for each manifest of snapshot `s`. */
static int each_manifest(floe_file_io *io, const floe_snapshot *s, manifest_fn fn, void *ctx)
{
    const char *ml = floe_snapshot_manifest_list(s);
    if (!ml) {
        for (size_t i = 0; i < floe_snapshot_manifest_count(s); i++) {
            int rc = fn(floe_snapshot_manifest(s, i), NULL, ctx);
            if (rc)
                return rc;
        }
        return 0;
    }
    floe_input_file *in = NULL;
    int rc = io->open(&in, io, ml);
    if (rc)
        return floe_error_wrap(rc, "reading manifest list '%s' of snapshot %" PRId64, ml,
                               floe_snapshot_id(s));
    floe_manifest_list *list = NULL;
    rc = floe_manifest_list_read(&list, in);
    if (rc) {
        floe_input_close(in);
        return floe_error_wrap(rc, "reading manifest list '%s' of snapshot %" PRId64, ml,
                               floe_snapshot_id(s));
    }
    for (size_t i = 0; !rc && i < floe_manifest_list_count(list); i++) {
        const floe_manifest_file *mf = floe_manifest_list_at(list, i);
        rc = fn(mf->path, mf, ctx);
    }
    floe_manifest_list_free(list);
    floe_input_close(in);
    return rc;
}

typedef int (*entry_fn)(const floe_manifest_entry *e, void *ctx);

/* Streams the entries of one manifest through `fn`. */
static int each_entry(floe_file_io *io, const char *path, const floe_manifest_file *rec,
                      entry_fn fn, void *ctx)
{
    floe_input_file *in = NULL;
    int rc = io->open(&in, io, path);
    if (rc)
        return floe_error_wrap(rc, "reading manifest '%s'", path);
    floe_manifest_reader *r = NULL;
    rc = floe_manifest_reader_open(&r, in, rec);
    int has = 1;
    while (!rc) {
        floe_manifest_entry e;
        rc = floe_manifest_reader_next(&has, &e, r);
        if (rc || !has)
            break;
        rc = fn(&e, ctx);
    }
    floe_manifest_reader_free(r);
    floe_input_close(in);
    if (rc)
        return floe_error_wrap(rc, "reading manifest '%s'", path);
    return 0;
}

static floe_file_kind kind_of(const floe_data_file *df)
{
    switch (floe_data_file_content(df)) {
    case FLOE_CONTENT_POSITION_DELETES:
        return FLOE_FILE_POSITION_DELETES;
    case FLOE_CONTENT_EQUALITY_DELETES:
        return FLOE_FILE_EQUALITY_DELETES;
    default:
        return FLOE_FILE_DATA;
    }
}

/* Adds the statistics-path of every statistics and partition statistics entry of `md`. */
static int add_statistics(floe_file_set *set, const floe_table_metadata *md)
{
    size_t ns = floe_table_metadata_statistics_count(md);
    size_t np = floe_table_metadata_partition_statistics_count(md);
    for (size_t i = 0; i < ns + np; i++) {
        const char *text = i < ns ? floe_table_metadata_statistics_json(md, i)
                                  : floe_table_metadata_partition_statistics_json(md, i - ns);
        if (!text)
            continue;
        json_t *j = json_loads(text, 0, NULL);
        const char *path = json_string_value(json_object_get(j, "statistics-path"));
        /* skipping an unreadable entry could let orphan removal delete a live file */
        int rc = path ? floe_iceberg__file_set_add(set, path, FLOE_FILE_STATISTICS)
                      : floe_error_set(j ? FLOE_ECORRUPT : FLOE_ENOMEM,
                                       "statistics entry %zu of table '%s' has no "
                                       "statistics-path (or could not be parsed)",
                                       i, floe_table_metadata_location(md));
        json_decref(j);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- files to delete after an expiration ---- */

typedef struct collect_ctx {
    floe_file_set *seen; /* manifest paths already collected */
    manifest_vec *vec;   /* where new ones go */
    floe_file_set *skip; /* manifests not to collect (may be NULL) */
    floe_file_set *also; /* where new ones are recorded as FLOE_FILE_MANIFEST (may be NULL) */
} collect_ctx;

static int collect_manifest(const char *path, const floe_manifest_file *rec, void *ctx)
{
    collect_ctx *c = ctx;
    if ((c->skip && floe_file_set_contains(c->skip, path)) || floe_file_set_contains(c->seen, path))
        return 0;
    int rc = floe_iceberg__file_set_add(c->seen, path, FLOE_FILE_MANIFEST);
    if (!rc && c->also)
        rc = floe_iceberg__file_set_add(c->also, path, FLOE_FILE_MANIFEST);
    if (!rc)
        rc = vec_push(c->vec, path, rec);
    return rc;
}

static int add_live(const floe_manifest_entry *e, void *ctx)
{
    if (e->status == FLOE_ENTRY_DELETED)
        return 0;
    return floe_iceberg__file_set_add(ctx, floe_data_file_path(e->data_file),
                                      kind_of(e->data_file));
}

static int drop_live(const floe_manifest_entry *e, void *ctx)
{
    if (e->status != FLOE_ENTRY_DELETED)
        floe_iceberg__file_set_remove(ctx, floe_data_file_path(e->data_file));
    return 0;
}

static int files_to_delete(floe_file_set *del, floe_file_set *retained, floe_file_set *candidates,
                           floe_file_set *after_lists, manifest_vec *kept, manifest_vec *gone,
                           floe_file_io *io, const floe_table_metadata *before,
                           const floe_table_metadata *after)
{
    int rc = 0;
    collect_ctx keep_ctx = {retained, kept, NULL, NULL};
    for (size_t i = 0; !rc && i < floe_table_metadata_snapshot_count(after); i++) {
        const floe_snapshot *s = floe_table_metadata_snapshot_at(after, i);
        const char *ml = floe_snapshot_manifest_list(s);
        if (ml)
            rc = floe_iceberg__file_set_add(after_lists, ml, FLOE_FILE_MANIFEST_LIST);
        if (!rc)
            rc = each_manifest(io, s, collect_manifest, &keep_ctx);
    }
    floe_file_set *gone_seen = NULL;
    if (!rc)
        rc = floe_iceberg__file_set_new(&gone_seen);
    collect_ctx gone_ctx = {gone_seen, gone, retained, del};
    for (size_t i = 0; !rc && i < floe_table_metadata_snapshot_count(before); i++) {
        const floe_snapshot *s = floe_table_metadata_snapshot_at(before, i);
        if (floe_table_metadata_snapshot_by_id(after, floe_snapshot_id(s)))
            continue;
        const char *ml = floe_snapshot_manifest_list(s);
        if (ml && !floe_file_set_contains(after_lists, ml))
            rc = floe_iceberg__file_set_add(del, ml, FLOE_FILE_MANIFEST_LIST);
        if (!rc)
            rc = each_manifest(io, s, collect_manifest, &gone_ctx);
    }
    floe_file_set_free(gone_seen);
    for (size_t i = 0; !rc && i < gone->count; i++)
        rc = each_entry(io, gone->paths[i], gone->recs[i], add_live, candidates);
    /* a candidate still live in any retained manifest stays */
    for (size_t i = 0; !rc && i < kept->count && floe_file_set_count(candidates) > 0; i++)
        rc = each_entry(io, kept->paths[i], kept->recs[i], drop_live, candidates);
    floe_iceberg__file_set_compact(candidates);
    for (size_t i = 0; !rc && i < floe_file_set_count(candidates); i++) {
        floe_file_kind k;
        const char *p = floe_file_set_at(candidates, i, &k);
        rc = floe_iceberg__file_set_add(del, p, k);
    }
    if (rc)
        return rc;
    /* statistics files the new metadata no longer lists */
    floe_file_set *stats_before = NULL, *stats_after = NULL;
    rc = floe_iceberg__file_set_new(&stats_before);
    if (!rc)
        rc = floe_iceberg__file_set_new(&stats_after);
    if (!rc)
        rc = add_statistics(stats_before, before);
    if (!rc)
        rc = add_statistics(stats_after, after);
    for (size_t i = 0; !rc && i < floe_file_set_count(stats_before); i++) {
        const char *p = floe_file_set_at(stats_before, i, NULL);
        if (!floe_file_set_contains(stats_after, p))
            rc = floe_iceberg__file_set_add(del, p, FLOE_FILE_STATISTICS);
    }
    floe_file_set_free(stats_before);
    floe_file_set_free(stats_after);
    return rc;
}

int floe_expire_files_to_delete(floe_file_set **out, floe_file_io *io,
                                const floe_table_metadata *before, const floe_table_metadata *after)
{
    floe_file_set *del = NULL, *retained = NULL, *candidates = NULL, *after_lists = NULL;
    manifest_vec kept = {0}, gone = {0};
    int rc = floe_iceberg__file_set_new(&del);
    if (!rc)
        rc = floe_iceberg__file_set_new(&retained);
    if (!rc)
        rc = floe_iceberg__file_set_new(&candidates);
    if (!rc)
        rc = floe_iceberg__file_set_new(&after_lists);
    if (!rc)
        rc = files_to_delete(del, retained, candidates, after_lists, &kept, &gone, io, before,
                             after);
    floe_file_set_free(retained);
    floe_file_set_free(candidates);
    floe_file_set_free(after_lists);
    vec_free(&kept);
    vec_free(&gone);
    if (rc) {
        floe_file_set_free(del);
        return rc;
    }
    floe_iceberg__file_set_compact(del);
    *out = del;
    return 0;
}

/* ---- every referenced file ---- */

static int add_any(const floe_manifest_entry *e, void *ctx)
{
    return floe_iceberg__file_set_add(ctx, floe_data_file_path(e->data_file),
                                      kind_of(e->data_file));
}

static int referenced(floe_file_set *set, manifest_vec *manifests, floe_file_io *io,
                      const floe_table_metadata *md, const char *metadata_location)
{
    int rc = 0;
    if (metadata_location)
        rc = floe_iceberg__file_set_add(set, metadata_location, FLOE_FILE_METADATA);
    for (size_t i = 0; !rc && i < floe_table_metadata_metadata_log_count(md); i++) {
        floe_metadata_log_entry e = floe_table_metadata_metadata_log_at(md, i);
        if (e.metadata_file)
            rc = floe_iceberg__file_set_add(set, e.metadata_file, FLOE_FILE_METADATA);
    }
    floe_file_set *seen = NULL;
    if (!rc)
        rc = floe_iceberg__file_set_new(&seen);
    collect_ctx ctx = {seen, manifests, NULL, set};
    for (size_t i = 0; !rc && i < floe_table_metadata_snapshot_count(md); i++) {
        const floe_snapshot *s = floe_table_metadata_snapshot_at(md, i);
        const char *ml = floe_snapshot_manifest_list(s);
        if (ml)
            rc = floe_iceberg__file_set_add(set, ml, FLOE_FILE_MANIFEST_LIST);
        if (!rc)
            rc = each_manifest(io, s, collect_manifest, &ctx);
    }
    floe_file_set_free(seen);
    for (size_t i = 0; !rc && i < manifests->count; i++)
        rc = each_entry(io, manifests->paths[i], manifests->recs[i], add_any, set);
    if (!rc)
        rc = add_statistics(set, md);
    return rc;
}

int floe_table_referenced_files(floe_file_set **out, floe_file_io *io,
                                const floe_table_metadata *md, const char *metadata_location)
{
    floe_file_set *set = NULL;
    manifest_vec manifests = {0};
    int rc = floe_iceberg__file_set_new(&set);
    if (!rc)
        rc = referenced(set, &manifests, io, md, metadata_location);
    vec_free(&manifests);
    if (rc) {
        floe_file_set_free(set);
        return rc;
    }
    *out = set;
    return 0;
}
