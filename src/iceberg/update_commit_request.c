/* CommitTableRequest (REST): identifier + requirements + updates, to and from JSON. */
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "iceberg/metadata_json_util.h"
#include "iceberg/update_internal.h"

#define WHAT "commit table request"

struct floe_commit_request {
    json_t *json;
    const char *name;
    const char **ns;
    size_t ns_count;
    floe_table_requirement **reqs;
    size_t req_count;
    floe_table_update **upds;
    size_t upd_count;
};

int floe_commit_request_to_json(char **out, const char *const *namespace_levels,
                                size_t namespace_count, const char *name,
                                floe_table_requirement *const *requirements,
                                size_t requirement_count, floe_table_update *const *updates,
                                size_t update_count)
{
    *out = NULL;
    json_t *o = json_object();
    json_t *reqs = json_array();
    json_t *upds = json_array();
    int ok = o && reqs && upds;
    if (ok && name) {
        json_t *ns = json_array();
        ok = ns != NULL;
        for (size_t i = 0; ok && i < namespace_count; i++)
            ok = json_array_append_new(ns, json_string(namespace_levels[i])) == 0;
        json_t *id = ok ? json_pack("{s:o, s:s}", "namespace", ns, "name", name) : NULL;
        if (!ok)
            json_decref(ns);
        ok = id && json_object_set_new(o, "identifier", id) == 0;
    }
    for (size_t i = 0; ok && i < requirement_count; i++)
        ok = json_array_append(reqs, requirements[i]->json) == 0;
    for (size_t i = 0; ok && i < update_count; i++)
        ok = json_array_append(upds, updates[i]->json) == 0;
    ok = ok && json_object_set(o, "requirements", reqs) == 0;
    ok = ok && json_object_set(o, "updates", upds) == 0;
    json_decref(reqs);
    json_decref(upds);
    int rc = ok ? floe_iceberg__jdump(out, o, 0)
                : floe_error_set(FLOE_ENOMEM, "out of memory building a commit request");
    json_decref(o);
    return rc;
}

void floe_commit_request_free(floe_commit_request *req)
{
    if (!req)
        return;
    for (size_t i = 0; i < req->req_count; i++)
        floe_requirement_free(req->reqs[i]);
    for (size_t i = 0; i < req->upd_count; i++)
        floe_update_free(req->upds[i]);
    floe_free(req->reqs);
    floe_free(req->upds);
    floe_free(req->ns);
    json_decref(req->json);
    floe_free(req);
}

int floe_commit_request_from_json(floe_commit_request **out, const char *json, size_t len)
{
    *out = NULL;
    json_t *o = NULL;
    int rc = floe_iceberg__jparse(&o, json, len, WHAT);
    if (rc)
        return rc;
    floe_commit_request *req = floe_calloc(1, sizeof(*req));
    if (!req) {
        json_decref(o);
        return floe_error_set(FLOE_ENOMEM, "out of memory reading a commit request");
    }
    req->json = o;
    json_t *reqs = NULL, *upds = NULL, *ident = NULL;
    if (!json_is_object(o))
        rc = floe_error_set(FLOE_ECORRUPT, WHAT ": the document must be an object");
    if (!rc)
        rc = floe_iceberg__jreq_typed(&reqs, o, "requirements", JSON_ARRAY, WHAT, "$");
    if (!rc)
        rc = floe_iceberg__jreq_typed(&upds, o, "updates", JSON_ARRAY, WHAT, "$");
    if (!rc)
        rc = floe_iceberg__jopt_typed(&ident, o, "identifier", JSON_OBJECT, WHAT, "$");
    if (!rc && ident) {
        json_t *ns = NULL;
        rc = floe_iceberg__jreq_string(&req->name, ident, "name", WHAT, "$.identifier");
        if (!rc)
            rc =
                floe_iceberg__jreq_typed(&ns, ident, "namespace", JSON_ARRAY, WHAT, "$.identifier");
        if (!rc) {
            req->ns = floe_calloc(json_array_size(ns) + 1, sizeof(char *));
            if (!req->ns)
                rc = floe_error_set(FLOE_ENOMEM, "out of memory reading a commit request");
        }
        for (size_t i = 0; !rc && i < json_array_size(ns); i++) {
            req->ns[i] = json_string_value(json_array_get(ns, i));
            if (!req->ns[i])
                rc = floe_error_set(FLOE_ECORRUPT,
                                    WHAT ": field '$.identifier.namespace[%zu]' must be a string",
                                    i);
            else
                req->ns_count++;
        }
    }
    if (!rc) {
        req->reqs = floe_calloc(json_array_size(reqs) + 1, sizeof(*req->reqs));
        req->upds = floe_calloc(json_array_size(upds) + 1, sizeof(*req->upds));
        if (!req->reqs || !req->upds)
            rc = floe_error_set(FLOE_ENOMEM, "out of memory reading a commit request");
    }
    for (size_t i = 0; !rc && i < json_array_size(reqs); i++) {
        char p[FLOE_JPATH_MAX];
        floe_iceberg__jpath(p, "$.requirements", NULL, i);
        rc = floe_iceberg__requirement_from_object(&req->reqs[i],
                                                   json_incref(json_array_get(reqs, i)), p);
        if (!rc)
            req->req_count++;
    }
    for (size_t i = 0; !rc && i < json_array_size(upds); i++) {
        char p[FLOE_JPATH_MAX];
        floe_iceberg__jpath(p, "$.updates", NULL, i);
        rc = floe_iceberg__update_from_object(&req->upds[i], json_incref(json_array_get(upds, i)),
                                              p);
        if (!rc)
            req->upd_count++;
    }
    if (rc) {
        floe_commit_request_free(req);
        return rc;
    }
    *out = req;
    return 0;
}

const char *floe_commit_request_name(const floe_commit_request *req)
{
    return req->name;
}

size_t floe_commit_request_namespace_count(const floe_commit_request *req)
{
    return req->ns_count;
}

const char *floe_commit_request_namespace_at(const floe_commit_request *req, size_t i)
{
    return i < req->ns_count ? req->ns[i] : NULL;
}

floe_table_requirement *const *floe_commit_request_requirements(const floe_commit_request *req,
                                                                size_t *count)
{
    *count = req->req_count;
    return req->reqs;
}

floe_table_update *const *floe_commit_request_updates(const floe_commit_request *req, size_t *count)
{
    *count = req->upd_count;
    return req->upds;
}
