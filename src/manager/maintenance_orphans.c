/* Orphan file removal: every file under the table location that the metadata does not
 * reference and that is older than a cutoff (so that files of in-flight writes survive). */
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>
#include <floe/trace.h>
#include <floe/iceberg/expire.h>

#include "base/alloc.h"
#include "base/timeconv.h"
#include "manager/maintenance.h"
#include "manager/manager_internal.h"

struct orphan_scan {
    const floe_file_set *keep;
    int64_t cutoff_ms;
    char **files;
    size_t count, cap;
    int rc;
};

static int is_version_hint(const char *location)
{
    const char *slash = strrchr(location, '/');
    const char *name = slash ? slash + 1 : location;
    return strcmp(name, "version-hint.text") == 0;
}

static const char *strip_file_scheme(const char *location)
{
    if (strncmp(location, "file://", 7) == 0)
        return location + 7;
    if (strncmp(location, "file:", 5) == 0)
        return location + 5;
    return location;
}

/* Referenced locations may carry a "file://" or "file:" scheme that the listing does not (or
 * the reverse): try each spelling of a local path. */
static int referenced(const floe_file_set *keep, const char *location)
{
    if (floe_file_set_contains(keep, location))
        return 1;
    const char *path = strip_file_scheme(location);
    if (path != location && floe_file_set_contains(keep, path))
        return 1;
    if (path[0] != '/')
        return 0;
    char buf[4096];
    static const char *const schemes[] = {"file://", "file:"};
    for (size_t i = 0; i < 2; i++) {
        int n = snprintf(buf, sizeof buf, "%s%s", schemes[i], path);
        if (n > 0 && (size_t)n < sizeof buf && floe_file_set_contains(keep, buf))
            return 1;
    }
    /* too long to respell: treat as referenced rather than risk deleting a live file */
    return strlen(path) + 8 >= sizeof buf;
}

static int on_file(const floe_file_info *info, void *vctx)
{
    struct orphan_scan *s = vctx;
    if (is_version_hint(info->location))
        return 0;
    if (info->modified_ms < 0 || info->modified_ms >= s->cutoff_ms)
        return 0;
    if (referenced(s->keep, info->location))
        return 0;
    int rc = floe_manager__strings_push(&s->files, &s->count, &s->cap, info->location);
    if (rc) {
        s->rc = rc;
        return 1;
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int remove_orphans(floe_maintenance_result **out, floe_table *t,
                          const floe_remove_orphans_options *opts)
{
    if (!out || !t)
        return floe_error_set(FLOE_EINVALID, "floe_table_remove_orphan_files: NULL argument");
    *out = NULL;
    floe_remove_orphans_options o = FLOE_REMOVE_ORPHANS_OPTIONS_INIT;
    if (opts)
        o = *opts;
    int64_t now = o.now_ms >= 0 ? o.now_ms : floe_now_ms();
    /* Work on the newest metadata so that files of a commit made since loading are kept. */
    int rc = floe_table_refresh(t);
    if (rc)
        return rc;
    if (!o.dry_run && (rc = floe_manager__check_gc_enabled(t, "removing orphan files")))
        return rc;
    const char *loc = floe_table_location(t);
    if (!loc || !*loc)
        return floe_error_set(FLOE_ECORRUPT, "table '%s' has no location", t->ident);
    size_t n = strlen(loc);
    char *prefix = floe_malloc(n + 2);
    if (!prefix)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    memcpy(prefix, loc, n);
    if (n > 0 && loc[n - 1] == '/')
        prefix[n] = '\0';
    else {
        prefix[n] = '/';
        prefix[n + 1] = '\0';
    }
    floe_file_set *keep = NULL;
    rc = floe_table_referenced_files(&keep, t->m->io, t->md, t->metadata_location);
    if (rc) {
        floe_free(prefix);
        return floe_error_wrap(rc, "listing the files referenced by '%s' (nothing deleted)",
                               t->ident);
    }
    struct orphan_scan s = {
        keep, o.older_than_ms >= 0 ? o.older_than_ms : now - FLOE_REMOVE_ORPHANS_MIN_AGE_MS_DEFAULT,
        NULL, 0,
        0,    0};
    rc = t->m->io->list(t->m->io, prefix, on_file, &s);
    if (s.rc)
        rc = s.rc;
    floe_file_set_free(keep);
    if (rc) {
        floe_manager_strings_free(s.files, s.count);
        rc = floe_error_wrap(rc, "listing '%s' (nothing deleted)", prefix);
        floe_free(prefix);
        return rc;
    }
    floe_free(prefix);
    floe_maintenance_result *r = floe_calloc(1, sizeof *r);
    if (!r) {
        floe_manager_strings_free(s.files, s.count);
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    if (s.count > 1)
        qsort(s.files, s.count, sizeof *s.files, cmp_str);
    r->dry_run = o.dry_run != 0;
    r->files = s.files;
    r->file_count = s.count;
    for (size_t i = 0; !r->dry_run && i < r->file_count; i++) {
        int drc = t->m->io->remove(t->m->io, r->files[i]);
        if (drc && drc != FLOE_ENOTFOUND)
            r->failed_count++;
    }
    *out = r;
    return floe_manager__log_op(t, NULL, r->dry_run ? "remove-orphans-dry-run" : "remove-orphans",
                                NULL, -1, 0);
}
int floe_table_remove_orphan_files(floe_maintenance_result **out, floe_table *t,
                                   const floe_remove_orphans_options *opts)
{
    floe_span *span = floe_manager__span_start(t, "remove-orphans");
    int rc = remove_orphans(out, t, opts);
    if (!rc && *out) {
        floe_span_set_attr_bool(span, "floe.dry_run", (*out)->dry_run);
        floe_span_set_attr_int(span, "floe.files", (int64_t)(*out)->file_count);
        floe_span_set_attr_int(span, "floe.files_failed", (int64_t)(*out)->failed_count);
    }
    return floe_manager__span_end(span, rc);
}
