/* The commit path of the sql catalog (DESIGN §2): read the base metadata, check the
 * requirements and apply the updates with the metadata builder, write the next metadata file
 * with create-if-absent, then compare-and-swap the row's metadata_location from the base to
 * the new file. Zero rows swapped means another writer committed first: FLOE_ECONFLICT, and
 * the file written for the lost attempt is deleted (no row points at it). */
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/builder.h>
#include <floe/iceberg/metadata.h>
#include <floe/iceberg/update.h>

#include "base/alloc.h"
#include "catalog/sql_internal.h"

#define CAT(self) ((floe_sql_catalog *)(self)->state)

/* Swaps metadata_location from `base` to `next`. *swapped is 0 when the row moved on. */
static int compare_and_swap(int *swapped, floe_sql_catalog *cat, const char *ns, const char *name,
                            const char *base, const char *next)
{
    static const char sql[] =
        "UPDATE iceberg_tables SET metadata_location = ?5, previous_metadata_location = ?4 "
        "WHERE catalog_name = ?1 AND table_namespace = ?2 AND table_name = ?3 AND "
        "metadata_location = ?4";
    int changes = 0;
    int rc = floe_catalog__sql_run(&changes, cat, sql, FLOE_SQL_ARGS(ns, name, base, next),
                                   "swapping the metadata location");
    if (rc == 0)
        *swapped = changes > 0;
    return rc;
}

static int parse_request(floe_commit_request **out, const json_t *request)
{
    if (!json_is_object(request))
        return floe_error_set(FLOE_EINVALID, "commit_table: the request must be a JSON object");
    char *text = json_dumps(request, JSON_COMPACT);
    if (!text)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    int rc = floe_commit_request_from_json(out, text, strlen(text));
    free(text);
    return rc;
}

/* Name of the next metadata file; a base whose name carries no version (a registered
 * `metadata.json`) restarts the numbering, the UUID keeping names unique. */
static int next_location(char **out, const floe_table_metadata *md, const char *base)
{
    const char *table_location = floe_table_metadata_location(md);
    int rc = floe_table_metadata_next_location(out, table_location, base);
    if (rc == FLOE_EINVALID)
        rc = floe_table_metadata_next_location(out, table_location, NULL);
    return rc;
}

static int commit_once(json_t **out, floe_sql_catalog *cat, const char *ns, const char *name,
                       const floe_commit_request *req)
{
    char *base_loc = NULL;
    floe_table_metadata *base = NULL, *next = NULL;
    char *next_loc = NULL;
    int rc = floe_catalog__sql_table_location(&base_loc, cat, ns, name);
    if (rc == 0) {
        rc = floe_table_metadata_read(&base, cat->io, base_loc);
        if (rc)
            rc = floe_error_wrap(rc, "reading the current metadata '%s' of '%s.%s'", base_loc, ns,
                                 name);
    }
    if (rc == 0) {
        size_t nreq = 0, nupd = 0;
        floe_table_requirement *const *reqs = floe_commit_request_requirements(req, &nreq);
        floe_table_update *const *upds = floe_commit_request_updates(req, &nupd);
        rc = floe_table_metadata_commit(&next, base, base_loc, reqs, nreq, upds, nupd);
        if (rc == FLOE_ECONFLICT)
            rc = floe_error_wrap(rc, "commit to '%s.%s' refused (reload the table and retry)", ns,
                                 name);
        else if (rc)
            rc = floe_error_wrap(rc, "commit to '%s.%s'", ns, name);
    }
    if (rc == 0 && next == base) {
        /* nothing changed: the current metadata is the answer */
        if (out)
            rc = floe_catalog__sql_load_result(out, cat, base_loc);
        goto done;
    }
    if (rc == 0)
        rc = next_location(&next_loc, next, base_loc);
    if (rc == 0) {
        rc = floe_table_metadata_write(cat->io, next_loc, next);
        if (rc == FLOE_EEXISTS)
            rc = floe_error_set(FLOE_ECONFLICT,
                                "commit to '%s.%s': metadata file '%s' was written by another "
                                "writer; reload the table and retry",
                                ns, name, next_loc);
        else if (rc)
            rc = floe_error_wrap(rc, "commit to '%s.%s': writing '%s'", ns, name, next_loc);
    }
    if (rc == 0) {
        int swapped = 0;
        rc = compare_and_swap(&swapped, cat, ns, name, base_loc, next_loc);
        if (rc == FLOE_EUNAVAILABLE || (rc == 0 && !swapped)) {
            /* the row was not changed, so nothing refers to the new file */
            cat->io->remove(cat->io, next_loc);
        } else if (rc) {
            rc = floe_error_wrap(FLOE_ECOMMITUNKNOWN,
                                 "commit to '%s.%s': the outcome of the swap to '%s' is unknown; "
                                 "reload the table before retrying, and keep that file",
                                 ns, name, next_loc);
        }
        if (rc == 0 && !swapped)
            rc = floe_error_set(FLOE_ECONFLICT,
                                "commit to '%s.%s' lost a race: the table moved on from '%s' "
                                "while this commit was prepared; reload the table and retry",
                                ns, name, base_loc);
    }
    if (rc == 0 && out) {
        json_t *res = NULL;
        rc = floe_catalog__sql_load_result(&res, cat, next_loc);
        if (rc == 0) {
            json_object_del(res, "config");
            *out = res;
        }
    }
done:
    free(next_loc);
    floe_table_metadata_release(next);
    floe_table_metadata_release(base);
    floe_free(base_loc);
    return rc;
}

int floe_catalog__sql_commit_table(json_t **out, floe_catalog_plugin *self, const char *ns,
                                   const char *name, const json_t *request)
{
    floe_sql_op op;
    floe_catalog__sql_op_start(&op, CAT(self), "commit_table", ns, name);
    if (out)
        *out = NULL;
    floe_commit_request *req = NULL;
    int rc = floe_catalog__sql_check_ns(ns);
    if (rc == 0)
        rc = floe_catalog__sql_check_name(name);
    if (rc == 0)
        rc = parse_request(&req, request);
    if (rc == 0) {
        size_t nreq = 0, nupd = 0;
        floe_commit_request_requirements(req, &nreq);
        floe_commit_request_updates(req, &nupd);
        floe_span_set_attr_int(op.span, "catalog.requirements", (int64_t)nreq);
        floe_span_set_attr_int(op.span, "catalog.updates", (int64_t)nupd);
        rc = commit_once(out, CAT(self), ns, name, req);
    }
    floe_commit_request_free(req);
    return floe_catalog__sql_op_end(&op, rc);
}
