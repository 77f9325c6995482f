/* libFuzzer target: table metadata files and REST commit requests are untrusted JSON (written
 * by other engines, sent by clients). The input is split at its first NUL byte: the left part
 * is parsed as (possibly gzip) table metadata, the right part as a CommitTableRequest; when
 * both parse, the request is checked and applied to the metadata through the builder, and the
 * result is serialized again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <floe/iceberg/builder.h>
#include <floe/iceberg/metadata.h>
#include <floe/iceberg/update.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t left = nul ? (size_t)(nul - data) : size;
    floe_table_metadata *md = NULL;
    if (floe_table_metadata_from_bytes(&md, data, left) == 0) {
        char *json = NULL;
        if (floe_table_metadata_to_json(&json, md, 0) == 0)
            free(json);
    }
    if (nul) {
        floe_commit_request *req = NULL;
        const char *right = (const char *)nul + 1;
        if (floe_commit_request_from_json(&req, right, size - left - 1) == 0 && md) {
            size_t nreq = 0, nupd = 0;
            floe_table_requirement *const *reqs = floe_commit_request_requirements(req, &nreq);
            floe_table_update *const *upds = floe_commit_request_updates(req, &nupd);
            floe_table_metadata *next = NULL;
            if (floe_table_metadata_commit(&next, md, "s3://b/t/metadata/00001-x.metadata.json",
                                           reqs, nreq, upds, nupd) == 0) {
                char *json = NULL;
                if (floe_table_metadata_to_json(&json, next, 0) == 0)
                    free(json);
                floe_table_metadata_release(next);
            }
        }
        floe_commit_request_free(req);
    }
    floe_table_metadata_release(md);
    return 0;
}
