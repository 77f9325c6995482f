/* Copying manifest entries into a new manifest, deciding the fate of each entry (see
 * write_internal.h): the one loop behind overwrite's and compaction's manifest rewrites and
 * behind manifest merging. */
#include <floe/error.h>
#include <floe/iceberg/manifest.h>

#include "manager/manager_internal.h"
#include "manager/write_internal.h"

int floe_manager__copy_manifests(floe_manifest_file **out, int64_t *deleted, floe_table *t,
                                 const char *path, int64_t snapshot_id,
                                 const floe_manifest_file *const *srcs, size_t n,
                                 floe_manager_copy_fn decide, void *ctx, int only_if_deleted)
{
    *out = NULL;
    int64_t ndeleted = 0;
    floe_output_file *f = NULL;
    floe_manifest_writer *w = NULL;
    int rc = n ? 0 : floe_error_set(FLOE_EINVALID, "no manifest to copy");
    for (size_t k = 0; !rc && k < n; k++) {
        const floe_manifest_file *mf = srcs[k];
        floe_input_file *in = NULL;
        floe_manifest_reader *r = NULL;
        rc = t->m->io->open(&in, t->m->io, mf->path);
        if (!rc)
            rc = floe_manifest_reader_open(&r, in, mf);
        if (!rc && !w && !(rc = t->m->io->create(&f, t->m->io, path, FLOE_CREATE_EXCLUSIVE))) {
            floe_manifest_writer_options o = FLOE_MANIFEST_WRITER_OPTIONS_INIT;
            o.snapshot_id = snapshot_id;
            o.content = srcs[0]->content;
            rc = floe_manifest_writer_new(&w, f, floe_manifest_reader_schema(r),
                                          floe_manifest_reader_spec(r), &o);
        }
        while (!rc) {
            int has = 0;
            floe_manifest_entry e;
            if ((rc = floe_manifest_reader_next(&has, &e, r)) || !has)
                break;
            if (e.status == FLOE_ENTRY_DELETED)
                continue; /* deleted by an earlier snapshot: not carried on */
            switch (decide ? decide(&e, k, ctx) : FLOE_COPY_EXISTING) {
            case FLOE_COPY_DELETED:
                ndeleted++;
                rc = floe_manifest_writer_delete(w, e.data_file, e.sequence_number,
                                                 e.file_sequence_number);
                break;
            case FLOE_COPY_ADDED:
                rc = floe_manifest_writer_add(w, e.data_file);
                break;
            default:
                rc = floe_manifest_writer_existing(w, e.data_file, e.snapshot_id, e.sequence_number,
                                                   e.file_sequence_number);
                break;
            }
        }
        floe_manifest_reader_free(r);
        floe_input_close(in);
    }
    /* a writer freed unfinished aborts its file: nothing is left */
    if (!rc && (!only_if_deleted || ndeleted))
        rc = floe_manifest_writer_finish(out, w);
    floe_manifest_writer_free(w);
    if (deleted)
        *deleted = rc ? 0 : ndeleted;
    return rc;
}
