/* Which delete files apply to a data file (spec, Scan Planning): position deletes to data
 * files of the same spec and partition with a data sequence number at most theirs (and the
 * referenced data file, and the file_path bounds, when known); equality deletes to data files
 * with a strictly lower data sequence number in the same partition, or anywhere when written
 * under an unpartitioned spec. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <floe/error.h>
#include <floe/iceberg/literal.h>
#include <floe/iceberg/metadata.h>
#include <floe/iceberg/partition.h>

#include "base/alloc.h"
#include "manager/deletes.h"
#include "manager/manager_internal.h"

static int spec_unpartitioned(bool *out, const floe_table *t, int32_t id)
{
    const char *j = floe_table_metadata_spec_json(t->md, id);
    if (!j)
        return floe_error_set(FLOE_ECORRUPT, "table '%s' has no partition spec %d", t->ident,
                              (int)id);
    floe_partition_spec *spec = NULL;
    int rc = floe_partition_spec_from_json(&spec, j, strlen(j));
    if (!rc)
        *out = floe_partition_spec_field_count(spec) == 0;
    floe_partition_spec_free(spec);
    return rc;
}

static int push(struct floe_manager_deletes *d, const struct floe_manager_delete *x)
{
    if (d->count == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        struct floe_manager_delete *v = floe_realloc(d->files, cap * sizeof *v);
        if (!v)
            return floe_error_set(FLOE_ENOMEM, "out of memory planning delete files");
        d->files = v;
        d->cap = cap;
    }
    d->files[d->count++] = *x;
    return 0;
}

int floe_manager__deletes_collect(struct floe_manager_deletes *d, floe_table *t,
                                  const floe_manifest_file *mf)
{
    bool unpartitioned = false;
    int rc = spec_unpartitioned(&unpartitioned, t, mf->partition_spec_id);
    floe_input_file *in = NULL;
    floe_manifest_reader *r = NULL;
    if (!rc)
        rc = t->m->io->open(&in, t->m->io, mf->path);
    if (!rc)
        rc = floe_manifest_reader_open(&r, in, mf);
    while (!rc) {
        int has = 0;
        floe_manifest_entry e;
        if ((rc = floe_manifest_reader_next(&has, &e, r)) || !has)
            break;
        floe_file_content c = floe_data_file_content(e.data_file);
        if (e.status == FLOE_ENTRY_DELETED || c == FLOE_CONTENT_DATA)
            continue;
        const char *path = floe_data_file_path(e.data_file);
        const char *fmt = floe_data_file_format(e.data_file);
        /* deletion vectors (Puffin) and Avro/ORC delete files would be silently ignored
         * otherwise, returning deleted rows */
        if (!fmt || strcasecmp(fmt, "parquet") != 0) {
            rc = floe_error_set(FLOE_EUNSUPPORTED,
                                "delete file '%s' of table '%s' is in format '%s'; floe applies "
                                "only Parquet delete files",
                                path, t->ident, fmt ? fmt : "(none)");
            break;
        }
        size_t nids = 0;
        if (c == FLOE_CONTENT_EQUALITY_DELETES &&
            (!floe_data_file_equality_ids(e.data_file, &nids) || nids == 0)) {
            rc = floe_error_set(FLOE_ECORRUPT,
                                "equality delete file '%s' of table '%s' has no equality_ids "
                                "(manifest '%s')",
                                path, t->ident, mf->path);
            break;
        }
        if (e.sequence_number < 0) {
            rc = floe_error_set(FLOE_ECORRUPT,
                                "delete file '%s' of table '%s' has no data sequence number "
                                "(manifest '%s')",
                                path, t->ident, mf->path);
            break;
        }
        struct floe_manager_delete x;
        memset(&x, 0, sizeof x);
        x.data_sequence = e.sequence_number;
        x.spec_id = mf->partition_spec_id;
        x.global = c == FLOE_CONTENT_EQUALITY_DELETES && unpartitioned;
        if ((rc = floe_data_file_copy(&x.df, e.data_file)))
            break;
        if ((rc = push(d, &x)))
            floe_data_file_free(x.df);
    }
    floe_manifest_reader_free(r);
    floe_input_close(in);
    if (rc)
        return floe_error_wrap(rc, "reading delete manifest '%s' of '%s'", mf->path, t->ident);
    return 0;
}

static int by_sequence(const void *a, const void *b)
{
    const struct floe_manager_delete *x = a, *y = b;
    if (x->data_sequence != y->data_sequence)
        return x->data_sequence < y->data_sequence ? -1 : 1;
    return strcmp(floe_data_file_path(x->df), floe_data_file_path(y->df));
}

void floe_manager__deletes_index(struct floe_manager_deletes *d)
{
    if (d->count > 1)
        qsort(d->files, d->count, sizeof *d->files, by_sequence);
}

static bool same_partition(const floe_data_file *a, const floe_data_file *b)
{
    size_t n = floe_data_file_partition_count(a);
    if (n != floe_data_file_partition_count(b))
        return false;
    for (size_t i = 0; i < n; i++) {
        const floe_literal *x = floe_data_file_partition(a, i);
        const floe_literal *y = floe_data_file_partition(b, i);
        if (x->is_null != y->is_null)
            return false;
        if (!x->is_null && (x->kind != y->kind || !floe_literal_equal(x, y)))
            return false;
    }
    return true;
}

static int bytes_cmp(const uint8_t *a, size_t alen, const char *s)
{
    size_t slen = strlen(s);
    int c = memcmp(a, s, alen < slen ? alen : slen);
    if (c)
        return c;
    return alen < slen ? -1 : alen > slen;
}

/* False when the file_path bounds of a position delete file exclude `path`. */
static bool path_in_bounds(const floe_data_file *del, const char *path)
{
    const floe_column_metrics *m = floe_data_file_metrics(del, FLOE_MANAGER_DELETE_FILE_PATH_ID);
    if (!m)
        return true;
    if (m->lower_bound && bytes_cmp(m->lower_bound, m->lower_bound_len, path) > 0)
        return false;
    if (m->upper_bound && bytes_cmp(m->upper_bound, m->upper_bound_len, path) < 0)
        return false;
    return true;
}

int floe_manager__deletes_for(size_t **out, size_t *n, const struct floe_manager_deletes *d,
                              const floe_data_file *df, int32_t spec_id, int64_t data_sequence)
{
    *out = NULL;
    *n = 0;
    /* files are sorted by sequence number: skip those older than the data file */
    size_t lo = 0, hi = d->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->files[mid].data_sequence < data_sequence)
            lo = mid + 1;
        else
            hi = mid;
    }
    const char *path = floe_data_file_path(df);
    size_t *v = NULL, cnt = 0;
    for (size_t i = lo; i < d->count; i++) {
        const struct floe_manager_delete *x = &d->files[i];
        bool applies;
        if (floe_data_file_content(x->df) == FLOE_CONTENT_POSITION_DELETES) {
            const char *ref = floe_data_file_referenced_data_file(x->df);
            applies = x->spec_id == spec_id && same_partition(x->df, df) &&
                      (!ref || strcmp(ref, path) == 0) && path_in_bounds(x->df, path);
        } else {
            applies = x->data_sequence > data_sequence &&
                      (x->global || (x->spec_id == spec_id && same_partition(x->df, df)));
        }
        if (!applies)
            continue;
        if (!v && !(v = floe_calloc(d->count - lo, sizeof *v)))
            return floe_error_set(FLOE_ENOMEM, "out of memory planning delete files");
        v[cnt++] = i;
    }
    *out = v;
    *n = cnt;
    return 0;
}

void floe_manager__deletes_free(struct floe_manager_deletes *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->count; i++) {
        floe_data_file_free(d->files[i].df);
        floe_manager__key_set_free(d->files[i].keys);
        floe_manager__pos_index_free(d->files[i].positions);
    }
    floe_free(d->files);
    memset(d, 0, sizeof *d);
}
