/* Applying delete files while a data file is scanned: the positions a data file loses
 * (position deletes, file-relative row numbers) and the keys of equality deletes (a set of
 * encoded rows of the equality columns, where null equals null). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <floe/arrow/schema.h>
#include <floe/arrow/stream.h>
#include <floe/arrow/value.h>
#include <floe/error.h>
#include <floe/iceberg/literal.h>
#include <floe/iceberg/types.h>
#include <floe/parquet/reader.h>

#include "base/alloc.h"
#include "manager/arrow_rows.h"
#include "manager/deletes.h"
#include "manager/manager_internal.h"

/* ---- reading a delete file ---- */

typedef int (*batch_fn)(void *ctx, struct ArrowSchema *const *cols, struct ArrowArray *const *arr,
                        const struct ArrowArray *batch);

/* Streams the columns `ids` of Parquet file `path` batch by batch; a column missing from the
 * file is an error. */
static int read_columns(floe_table *t, const char *path, const int32_t *ids, size_t nids,
                        batch_fn fn, void *ctx)
{
    floe_input_file *in = NULL;
    floe_parquet_reader *r = NULL;
    struct ArrowSchema fs;
    struct ArrowArrayStream st;
    memset(&fs, 0, sizeof fs);
    memset(&st, 0, sizeof st);
    struct ArrowSchema **cols = floe_calloc(nids, sizeof *cols);
    struct ArrowArray **arr = floe_calloc(nids, sizeof *arr);
    int64_t *map = floe_calloc(nids, sizeof *map);
    int rc = cols && arr && map ? 0 : floe_error_set(FLOE_ENOMEM, "out of memory");
    if (!rc)
        rc = t->m->io->open(&in, t->m->io, path);
    if (!rc) {
        floe_parquet_reader_options o = FLOE_PARQUET_READER_OPTIONS_INIT;
        o.field_ids = ids;
        o.num_field_ids = nids;
        rc = floe_parquet_reader_open(&r, in, &o);
    }
    if (!rc)
        rc = floe_parquet_reader_schema(&fs, r);
    for (size_t c = 0; !rc && c < nids; c++) {
        map[c] = -1;
        for (int64_t j = 0; j < fs.n_children; j++) {
            int32_t id = -1;
            if (floe_arrow_schema_field_id(&id, fs.children[j]) == 0 && id == ids[c])
                map[c] = j;
        }
        if (map[c] < 0)
            rc = floe_error_set(FLOE_ECORRUPT, "delete file has no column with field id %" PRId32,
                                ids[c]);
        else
            cols[c] = fs.children[map[c]];
    }
    if (!rc)
        rc = floe_parquet_reader_stream(&st, r);
    while (!rc) {
        struct ArrowArray b;
        memset(&b, 0, sizeof b);
        if ((rc = floe_arrow_stream_get_next(&st, &b)) || !b.release)
            break;
        for (size_t c = 0; c < nids; c++)
            arr[c] = b.children[map[c]];
        rc = fn(ctx, cols, arr, &b);
        floe_arrow_array_release(&b);
    }
    floe_arrow_stream_release(&st);
    floe_arrow_schema_release(&fs);
    floe_parquet_reader_free(r);
    floe_input_close(in);
    floe_free(cols);
    floe_free(arr);
    floe_free(map);
    if (rc)
        return floe_error_wrap(rc, "reading delete file '%s' of '%s'", path, t->ident);
    return 0;
}

/* ---- position deletes ---- */

/* The rows of one position delete file grouped by data file path, read once per scan: a
 * partition-wide delete file applies to every data file of its partition. */
struct pos_group {
    char *path;
    int64_t *pos; /* sorted, unique once loaded */
    size_t n, cap;
};

struct floe_manager_pos_index {
    struct pos_group *groups; /* sorted by path once loaded */
    size_t n, cap;
    size_t last; /* group of the previous row (files are usually sorted by path) */
    floe_type *string_type, *long_type;
};

void floe_manager__pos_index_free(struct floe_manager_pos_index *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->n; i++) {
        floe_free(x->groups[i].path);
        floe_free(x->groups[i].pos);
    }
    floe_free(x->groups);
    floe_type_free(x->string_type);
    floe_type_free(x->long_type);
    floe_free(x);
}

static int group_of(struct pos_group **out, struct floe_manager_pos_index *x, const uint8_t *path,
                    size_t len)
{
    for (size_t k = 0; k < x->n; k++) {
        size_t i = (x->last + x->n - k) % x->n; /* the previous group first, then backwards */
        struct pos_group *g = &x->groups[i];
        if (strlen(g->path) == len && memcmp(g->path, path, len) == 0) {
            x->last = i;
            *out = g;
            return 0;
        }
    }
    if (memchr(path, 0, len))
        return floe_error_set(FLOE_ECORRUPT, "a file_path contains a NUL byte");
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 8;
        struct pos_group *v = floe_realloc(x->groups, cap * sizeof *v);
        if (!v)
            return floe_error_set(FLOE_ENOMEM, "out of memory reading position deletes");
        x->groups = v;
        x->cap = cap;
    }
    struct pos_group *g = &x->groups[x->n];
    memset(g, 0, sizeof *g);
    if (!(g->path = floe_strndup((const char *)path, len)))
        return floe_error_set(FLOE_ENOMEM, "out of memory reading position deletes");
    x->last = x->n++;
    *out = g;
    return 0;
}

static int positions_batch(void *ctx, struct ArrowSchema *const *cols,
                           struct ArrowArray *const *arr, const struct ArrowArray *batch)
{
    struct floe_manager_pos_index *x = ctx;
    for (int64_t r = 0; r < batch->length; r++) {
        int64_t i = batch->offset + r;
        floe_literal fp, pos;
        int rc = floe_manager__arrow_literal(&fp, x->string_type, cols[0], arr[0], i);
        if (!rc)
            rc = floe_manager__arrow_literal(&pos, x->long_type, cols[1], arr[1], i);
        if (rc)
            return rc;
        if (fp.is_null || pos.is_null)
            return floe_error_set(FLOE_ECORRUPT, "row %" PRId64 " has a null file_path or pos", r);
        if (pos.v.i64 < 0)
            return floe_error_set(FLOE_ECORRUPT, "row %" PRId64 " has negative pos %" PRId64, r,
                                  pos.v.i64);
        struct pos_group *g = NULL;
        if ((rc = group_of(&g, x, fp.v.bytes.data, fp.v.bytes.len)))
            return rc;
        if (g->n == g->cap) {
            size_t cap = g->cap ? g->cap * 2 : 64;
            int64_t *v = floe_realloc(g->pos, cap * sizeof *v);
            if (!v)
                return floe_error_set(FLOE_ENOMEM, "out of memory reading position deletes");
            g->pos = v;
            g->cap = cap;
        }
        g->pos[g->n++] = pos.v.i64;
    }
    return 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_group(const void *a, const void *b)
{
    return strcmp(((const struct pos_group *)a)->path, ((const struct pos_group *)b)->path);
}

/* Sorts and deduplicates v[0..*n). */
static void sort_unique(int64_t *v, size_t *n)
{
    if (*n < 2)
        return;
    qsort(v, *n, sizeof *v, cmp_i64);
    size_t w = 1;
    for (size_t i = 1; i < *n; i++)
        if (v[i] != v[w - 1])
            v[w++] = v[i];
    *n = w;
}

static int pos_index_load(struct floe_manager_delete *del, floe_table *t)
{
    if (del->positions)
        return 0;
    static const int32_t ids[2] = {FLOE_MANAGER_DELETE_FILE_PATH_ID, FLOE_MANAGER_DELETE_POS_ID};
    struct floe_manager_pos_index *x = floe_calloc(1, sizeof *x);
    int rc = x ? 0 : floe_error_set(FLOE_ENOMEM, "out of memory");
    if (!rc)
        rc = floe_type_new_primitive(&x->string_type, FLOE_TYPE_STRING);
    if (!rc)
        rc = floe_type_new_primitive(&x->long_type, FLOE_TYPE_LONG);
    if (!rc)
        rc = read_columns(t, floe_data_file_path(del->df), ids, 2, positions_batch, x);
    if (rc) {
        floe_manager__pos_index_free(x);
        return rc;
    }
    for (size_t i = 0; i < x->n; i++)
        sort_unique(x->groups[i].pos, &x->groups[i].n);
    if (x->n > 1)
        qsort(x->groups, x->n, sizeof *x->groups, cmp_group);
    del->positions = x;
    return 0;
}

static const struct pos_group *group_find(const struct floe_manager_pos_index *x, const char *path)
{
    size_t lo = 0, hi = x->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(x->groups[mid].path, path);
        if (c == 0)
            return &x->groups[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int floe_manager__positions_load(int64_t **out, size_t *n, floe_table *t,
                                 struct floe_manager_deletes *d, const size_t *idx, size_t nidx,
                                 const char *path)
{
    *out = NULL;
    *n = 0;
    int64_t *v = NULL;
    size_t cnt = 0;
    for (size_t k = 0; k < nidx; k++) {
        struct floe_manager_delete *del = &d->files[idx[k]];
        if (floe_data_file_content(del->df) != FLOE_CONTENT_POSITION_DELETES)
            continue;
        int rc = pos_index_load(del, t);
        if (rc) {
            floe_free(v);
            return rc;
        }
        const struct pos_group *g = group_find(del->positions, path);
        if (!g || !g->n)
            continue;
        int64_t *nv = floe_realloc(v, (cnt + g->n) * sizeof *nv);
        if (!nv) {
            floe_free(v);
            return floe_error_set(FLOE_ENOMEM, "out of memory reading position deletes");
        }
        v = nv;
        memcpy(v + cnt, g->pos, g->n * sizeof *v);
        cnt += g->n;
    }
    sort_unique(v, &cnt);
    *out = v;
    *n = cnt;
    return 0;
}

/* ---- equality keys ---- */

/* Open-addressing set of byte strings kept in one arena. */
struct floe_manager_key_set {
    int32_t *ids;
    floe_type **types;
    size_t nids;
    uint8_t *arena;
    size_t used, acap;
    struct slot {
        uint64_t hash;
        size_t off, len;
        bool full;
    } * slots;
    size_t nslots, count;
};

void floe_manager__key_set_free(struct floe_manager_key_set *k)
{
    if (!k)
        return;
    for (size_t i = 0; i < k->nids; i++)
        floe_type_free(k->types[i]);
    floe_free(k->types);
    floe_free(k->ids);
    floe_free(k->arena);
    floe_free(k->slots);
    floe_free(k);
}

static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
}

/* A growable scratch buffer for one encoded key. */
struct key {
    uint8_t *p;
    size_t n, cap;
};

static int key_put(struct key *k, const void *data, size_t n)
{
    if (k->n + n > k->cap) {
        size_t cap = k->cap ? k->cap : 64;
        while (cap < k->n + n)
            cap *= 2;
        uint8_t *v = floe_realloc(k->p, cap);
        if (!v)
            return floe_error_set(FLOE_ENOMEM, "out of memory encoding an equality key");
        k->p = v;
        k->cap = cap;
    }
    memcpy(k->p + k->n, data, n);
    k->n += n;
    return 0;
}

/* Appends one value: a null marker, or a kind-specific encoding that is equal for equal
 * values of the column's Iceberg type (all sides converted to that type first). */
static int key_value(struct key *k, const floe_type *type, const struct ArrowSchema *schema,
                     const struct ArrowArray *a, int64_t i)
{
    static const uint8_t null_mark = 0, value_mark = 1;
    if (!a)
        return key_put(k, &null_mark, 1);
    floe_literal l;
    int rc;
    /* float promoted to double: files written before read as float32 */
    if (floe_type_get_kind(type) == FLOE_TYPE_DOUBLE && strcmp(schema->format, "f") == 0) {
        l = floe_arrow_is_null(a, i) ? floe_literal_null(FLOE_TYPE_DOUBLE)
                                     : floe_literal_double(floe_arrow_get_float32(a, i));
        rc = 0;
    } else {
        rc = floe_manager__arrow_literal(&l, type, schema, a, i);
    }
    if (rc)
        return rc;
    if (l.is_null)
        return key_put(k, &null_mark, 1);
    if ((rc = key_put(k, &value_mark, 1)))
        return rc;
    switch (l.kind) {
    case FLOE_TYPE_BOOLEAN: {
        uint8_t b = l.v.b ? 1 : 0;
        return key_put(k, &b, 1);
    }
    case FLOE_TYPE_INT:
    case FLOE_TYPE_DATE:
        return key_put(k, &l.v.i32, sizeof l.v.i32);
    case FLOE_TYPE_FLOAT:
        return key_put(k, &l.v.f32, sizeof l.v.f32);
    case FLOE_TYPE_DOUBLE:
        return key_put(k, &l.v.f64, sizeof l.v.f64);
    case FLOE_TYPE_DECIMAL:
        return key_put(k, &l.v.dec, sizeof l.v.dec);
    case FLOE_TYPE_UUID:
        return key_put(k, l.v.uuid, sizeof l.v.uuid);
    case FLOE_TYPE_STRING:
    case FLOE_TYPE_BINARY:
    case FLOE_TYPE_FIXED: {
        uint64_t len = l.v.bytes.len;
        if ((rc = key_put(k, &len, sizeof len)))
            return rc;
        return l.v.bytes.len ? key_put(k, l.v.bytes.data, l.v.bytes.len) : 0;
    }
    default:
        return key_put(k, &l.v.i64, sizeof l.v.i64);
    }
}

static bool set_find(const struct floe_manager_key_set *s, uint64_t h, const struct key *k,
                     size_t *slot)
{
    size_t mask = s->nslots - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        const struct slot *x = &s->slots[i];
        if (!x->full) {
            *slot = i;
            return false;
        }
        if (x->hash == h && x->len == k->n && memcmp(s->arena + x->off, k->p, k->n) == 0) {
            *slot = i;
            return true;
        }
    }
}

static int set_grow(struct floe_manager_key_set *s)
{
    size_t n = s->nslots ? s->nslots * 2 : 1024;
    struct slot *v = floe_calloc(n, sizeof *v);
    if (!v)
        return floe_error_set(FLOE_ENOMEM, "out of memory building an equality delete set");
    for (size_t i = 0; i < s->nslots; i++) {
        if (!s->slots[i].full)
            continue;
        size_t j = (size_t)s->slots[i].hash & (n - 1);
        while (v[j].full)
            j = (j + 1) & (n - 1);
        v[j] = s->slots[i];
    }
    floe_free(s->slots);
    s->slots = v;
    s->nslots = n;
    return 0;
}

static int set_add(struct floe_manager_key_set *s, const struct key *k)
{
    int rc;
    if ((s->count + 1) * 2 > s->nslots && (rc = set_grow(s)))
        return rc;
    uint64_t h = hash_bytes(k->p, k->n);
    size_t slot = 0;
    if (set_find(s, h, k, &slot))
        return 0;
    if (s->used + k->n > s->acap) {
        size_t cap = s->acap ? s->acap : 4096;
        while (cap < s->used + k->n)
            cap *= 2;
        uint8_t *v = floe_realloc(s->arena, cap);
        if (!v)
            return floe_error_set(FLOE_ENOMEM, "out of memory building an equality delete set");
        s->arena = v;
        s->acap = cap;
    }
    memcpy(s->arena + s->used, k->p, k->n);
    s->slots[slot] = (struct slot){h, s->used, k->n, true};
    s->used += k->n;
    s->count++;
    return 0;
}

struct keys_ctx {
    struct floe_manager_key_set *s;
    struct key k;
};

static int keys_batch(void *ctx, struct ArrowSchema *const *cols, struct ArrowArray *const *arr,
                      const struct ArrowArray *batch)
{
    struct keys_ctx *c = ctx;
    for (int64_t r = 0; r < batch->length; r++) {
        c->k.n = 0;
        int rc = 0;
        for (size_t j = 0; !rc && j < c->s->nids; j++)
            rc = key_value(&c->k, c->s->types[j], cols[j], arr[j], batch->offset + r);
        if (rc || (rc = set_add(c->s, &c->k)))
            return rc;
    }
    return 0;
}

int floe_manager__keys_load(struct floe_manager_delete *del, floe_table *t,
                            const floe_schema *schema)
{
    if (del->keys)
        return 0;
    size_t n = 0;
    const int32_t *ids = floe_data_file_equality_ids(del->df, &n);
    const char *path = floe_data_file_path(del->df);
    struct floe_manager_key_set *s = floe_calloc(1, sizeof *s);
    int rc = s ? 0 : floe_error_set(FLOE_ENOMEM, "out of memory");
    if (!rc && (!(s->ids = floe_calloc(n, sizeof *s->ids)) ||
                !(s->types = floe_calloc(n, sizeof *s->types))))
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t j = 0; !rc && j < n; j++) {
        const floe_field *f = floe_schema_find_field(schema, ids[j]);
        if (!f || floe_schema_parent_id(schema, ids[j]) != -1) {
            rc = floe_error_set(FLOE_EUNSUPPORTED,
                                "equality delete file '%s' of '%s' uses field id %" PRId32
                                ", which is not a top-level column of the table schema",
                                path, t->ident, ids[j]);
            break;
        }
        if (!floe_type_is_primitive(floe_field_type(f))) {
            rc = floe_error_set(FLOE_EUNSUPPORTED,
                                "equality delete file '%s' of '%s' uses field id %" PRId32
                                " of nested type %s; equality columns must be primitive",
                                path, t->ident, ids[j], floe_type_string(floe_field_type(f)));
            break;
        }
        s->ids[j] = ids[j];
        s->nids++;
        s->types[j] = floe_type_ref(floe_field_type(f));
    }
    struct keys_ctx c = {s, {NULL, 0, 0}};
    if (!rc)
        rc = set_grow(s);
    if (!rc)
        rc = read_columns(t, path, s->ids, s->nids, keys_batch, &c);
    floe_free(c.k.p);
    if (rc) {
        floe_manager__key_set_free(s);
        return rc;
    }
    del->keys = s;
    return 0;
}

/* ---- dropping rows ---- */

static int64_t column_of(const struct ArrowSchema *fs, int32_t id)
{
    for (int64_t j = 0; j < fs->n_children; j++) {
        int32_t fid = -1;
        if (floe_arrow_schema_field_id(&fid, fs->children[j]) == 0 && fid == id)
            return j;
    }
    return -1;
}

static int apply_keys(uint8_t *keep, const struct ArrowSchema *fs, const struct ArrowArray *batch,
                      const struct floe_manager_key_set *s)
{
    if (s->count == 0)
        return 0;
    const struct ArrowSchema **cols = floe_calloc(s->nids, sizeof *cols);
    const struct ArrowArray **arr = floe_calloc(s->nids, sizeof *arr);
    int rc = cols && arr ? 0 : floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t j = 0; !rc && j < s->nids; j++) {
        /* a column added after the data file was written reads as null */
        int64_t c = column_of(fs, s->ids[j]);
        cols[j] = c >= 0 ? fs->children[c] : NULL;
        arr[j] = c >= 0 ? batch->children[c] : NULL;
    }
    struct key k = {NULL, 0, 0};
    for (int64_t r = 0; !rc && r < batch->length; r++) {
        if (!keep[r])
            continue;
        k.n = 0;
        for (size_t j = 0; !rc && j < s->nids; j++)
            rc = key_value(&k, s->types[j], cols[j], arr[j], batch->offset + r);
        size_t slot;
        if (!rc && set_find(s, hash_bytes(k.p, k.n), &k, &slot))
            keep[r] = 0;
    }
    floe_free(k.p);
    floe_free(cols);
    floe_free(arr);
    return rc;
}

int floe_manager__deletes_apply(uint8_t *keep, const struct ArrowSchema *fschema,
                                const struct ArrowArray *batch, int64_t base, const int64_t *pos,
                                size_t npos, struct floe_manager_delete *const *eq, size_t neq)
{
    if (npos) {
        size_t lo = 0, hi = npos;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (pos[mid] < base)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t i = lo; i < npos && pos[i] < base + batch->length; i++)
            keep[pos[i] - base] = 0;
    }
    for (size_t i = 0; i < neq; i++) {
        int rc = apply_keys(keep, fschema, batch, eq[i]->keys);
        if (rc)
            return rc;
    }
    return 0;
}

int floe_manager__file_deletes_load(int64_t **pos, size_t *npos, struct floe_manager_delete ***eq,
                                    size_t *neq, floe_table *t, struct floe_manager_deletes *d,
                                    const size_t *idx, size_t nidx, const char *path,
                                    const floe_schema *schema)
{
    *pos = NULL;
    *npos = 0;
    *eq = NULL;
    *neq = 0;
    if (!nidx)
        return 0;
    int rc = floe_manager__positions_load(pos, npos, t, d, idx, nidx, path);
    if (!rc && !(*eq = floe_calloc(nidx, sizeof **eq)))
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < nidx; i++) {
        struct floe_manager_delete *x = &d->files[idx[i]];
        if (floe_data_file_content(x->df) != FLOE_CONTENT_EQUALITY_DELETES)
            continue;
        if (!(rc = floe_manager__keys_load(x, t, schema)))
            (*eq)[(*neq)++] = x;
    }
    if (rc) {
        floe_free(*pos);
        floe_free(*eq);
        *pos = NULL;
        *npos = 0;
        *eq = NULL;
        *neq = 0;
    }
    return rc;
}
