/* Upsert by join columns: the source is held in memory with a hash index of its keys; target
 * files that may hold a source key (partition and column bounds of the key range) are read
 * with their delete files applied; files holding a changed or (with delete_unmatched) an
 * unmatched row are rewritten without those rows; new versions and new rows are appended. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/schema.h>
#include <floe/arrow/stream.h>
#include <floe/arrow/type.h>
#include <floe/arrow/value.h>
#include <floe/error.h>
#include <floe/trace.h>
#include <floe/iceberg/expr.h>
#include <floe/iceberg/manifest.h>
#include <floe/parquet/reader.h>
#include <floe/table_upsert.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/uuid.h"
#include "manager/arrow_rows.h"
#include "manager/manager_internal.h"
#include "manager/project.h"
#include "manager/scan_plan.h"
#include "manager/write_internal.h"

/* A table column as seen by the upsert: its Iceberg type, and where it is in the source. */
struct ucol {
    int32_t id;
    const char *name;
    const floe_type *type;
    int64_t src; /* child index in the source schema, -1 when absent (null) */
    floe_arrow_type src_at;
    bool key;
};

/* Hash index entry: a source row and its key bytes in the arena. */
struct slot {
    uint64_t hash;
    size_t off, len;
    size_t batch;
    int64_t row;
    bool used;
};

enum { ROW_UNMATCHED = 0, ROW_SAME = 1, ROW_CHANGED = 2 };

struct upsert {
    floe_table *t;
    const floe_upsert_options *o;
    struct ucol *cols;
    size_t ncols;
    size_t *keys; /* indexes into cols of the join columns, in join order */
    size_t nkeys;
    struct ArrowSchema sschema;
    struct ArrowArray *batches;
    size_t nbatches, capb;
    uint8_t **state; /* per batch, per row: ROW_* */
    floe_buf arena;
    struct slot *slots;
    size_t nslots, used;
    floe_literal *lo, *hi; /* key bounds per join column (borrowing source bytes) */
    bool any;
};

static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
}

/* Appends a literal's value to `b` so that equal values give equal bytes. */
static int lit_encode(floe_buf *b, const floe_literal *l)
{
    switch (l->kind) {
    case FLOE_TYPE_BOOLEAN: {
        uint8_t v = l->v.b ? 1 : 0;
        return floe_buf_append(b, &v, 1);
    }
    case FLOE_TYPE_INT:
    case FLOE_TYPE_DATE:
        return floe_buf_append(b, &l->v.i32, sizeof l->v.i32);
    case FLOE_TYPE_FLOAT:
        return floe_buf_append(b, &l->v.f32, sizeof l->v.f32);
    case FLOE_TYPE_DOUBLE:
        return floe_buf_append(b, &l->v.f64, sizeof l->v.f64);
    case FLOE_TYPE_DECIMAL:
        return floe_buf_append(b, &l->v.dec, sizeof l->v.dec);
    case FLOE_TYPE_UUID:
        return floe_buf_append(b, l->v.uuid, sizeof l->v.uuid);
    case FLOE_TYPE_STRING:
    case FLOE_TYPE_BINARY:
    case FLOE_TYPE_FIXED: {
        uint64_t n = l->v.bytes.len;
        int rc = floe_buf_append(b, &n, sizeof n);
        return rc ? rc : floe_buf_append(b, l->v.bytes.data, l->v.bytes.len);
    }
    default:
        return floe_buf_append(b, &l->v.i64, sizeof l->v.i64);
    }
}

static const uint8_t *arena_at(const struct upsert *u, size_t off)
{
    return (const uint8_t *)u->arena.data + off;
}

static struct slot *slot_find(struct upsert *u, uint64_t h, const uint8_t *k, size_t n)
{
    size_t mask = u->nslots - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        struct slot *s = &u->slots[i];
        if (!s->used)
            return s;
        if (s->hash == h && s->len == n && memcmp(arena_at(u, s->off), k, n) == 0)
            return s;
    }
}

static int slots_grow(struct upsert *u)
{
    size_t n = u->nslots ? u->nslots * 2 : 1024;
    struct slot *old = u->slots;
    size_t oldn = u->nslots;
    u->slots = floe_calloc(n, sizeof *u->slots);
    if (!u->slots) {
        u->slots = old;
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    u->nslots = n;
    for (size_t i = 0; i < oldn; i++)
        if (old[i].used)
            *slot_find(u, old[i].hash, arena_at(u, old[i].off), old[i].len) = old[i];
    floe_free(old);
    return 0;
}

/* Text of the key of source row `row` of batch `b` ("id=5, region=eu") for messages. */
static void key_text(char *out, size_t cap, const struct upsert *u, const struct ArrowArray *b,
                     int64_t row)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t k = 0; k < u->nkeys && used < cap; k++) {
        const struct ucol *c = &u->cols[u->keys[k]];
        floe_literal l;
        char *s = NULL;
        if (floe_manager__arrow_literal_typed(&l, c->type, &c->src_at, b->children[c->src],
                                              b->offset + row) == 0)
            floe_literal_to_string(&s, &l);
        int w = snprintf(out + used, cap - used, "%s%s=%s", k ? ", " : "", c->name, s ? s : "?");
        floe_iceberg_free_bytes(s);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/* Encodes the key of row `row` of a batch whose join column k is child keycol[k] of arrow
 * type at[k] into u->arena's tail (from `start`); *is_null when a key value is null. */
static int key_encode(struct upsert *u, bool *is_null, const struct ArrowArray *b,
                      const int64_t *keycol, const floe_arrow_type *at, int64_t row)
{
    *is_null = false;
    for (size_t k = 0; k < u->nkeys; k++) {
        if (keycol[k] < 0) {
            *is_null = true;
            return 0;
        }
        floe_literal l;
        int rc = floe_manager__arrow_literal_typed(&l, u->cols[u->keys[k]].type, &at[k],
                                                   b->children[keycol[k]], b->offset + row);
        if (rc)
            return rc;
        if (l.is_null) {
            *is_null = true;
            return 0;
        }
        if ((rc = lit_encode(&u->arena, &l)))
            return rc;
    }
    return 0;
}

static void bound_update(struct upsert *u, size_t k, const floe_literal *l)
{
    int c = 0;
    if (!u->any) {
        u->lo[k] = *l;
        u->hi[k] = *l;
        return;
    }
    if (floe_literal_compare(&c, l, &u->lo[k]) == 0 && c < 0)
        u->lo[k] = *l;
    if (floe_literal_compare(&c, l, &u->hi[k]) == 0 && c > 0)
        u->hi[k] = *l;
}

/* Indexes the rows of source batch `bi`. */
static int index_batch(struct upsert *u, size_t bi)
{
    const struct ArrowArray *b = &u->batches[bi];
    int64_t keycol[64];
    floe_arrow_type at[64];
    for (size_t k = 0; k < u->nkeys; k++) {
        keycol[k] = u->cols[u->keys[k]].src;
        at[k] = u->cols[u->keys[k]].src_at;
    }
    for (int64_t r = 0; r < b->length; r++) {
        size_t start = u->arena.len;
        bool is_null = false;
        int rc = key_encode(u, &is_null, b, keycol, at, r);
        if (rc)
            return rc;
        if (is_null) {
            char txt[512];
            key_text(txt, sizeof txt, u, b, r);
            return floe_error_set(FLOE_EINVALID,
                                  "upsert into '%s': a join column is null in source batch %zu "
                                  "row %" PRId64 " (%s); join keys must not be null",
                                  u->t->ident, bi, r, txt);
        }
        if ((u->used + 1) * 2 > u->nslots && (rc = slots_grow(u)))
            return rc;
        size_t n = u->arena.len - start;
        uint64_t h = hash_bytes(arena_at(u, start), n);
        struct slot *s = slot_find(u, h, arena_at(u, start), n);
        if (s->used) {
            char txt[512];
            key_text(txt, sizeof txt, u, b, r);
            return floe_error_set(FLOE_EINVALID,
                                  "upsert into '%s': duplicate key (%s) in the source (batch %zu "
                                  "row %" PRId64 " and batch %zu row %" PRId64
                                  "); source keys must be unique",
                                  u->t->ident, txt, s->batch, s->row, bi, r);
        }
        *s = (struct slot){h, start, n, bi, r, true};
        u->used++;
        for (size_t k = 0; k < u->nkeys; k++) {
            floe_literal l;
            if ((rc = floe_manager__arrow_literal_typed(&l, u->cols[u->keys[k]].type, &at[k],
                                                        b->children[keycol[k]], b->offset + r)))
                return rc;
            bound_update(u, k, &l);
        }
        u->any = true;
    }
    return 0;
}

/* Reads the source: resolves the columns, keeps every batch, indexes the keys. */
static int read_source(struct upsert *u, struct ArrowArrayStream *src, const char *const *join,
                       size_t njoin)
{
    floe_table *t = u->t;
    int rc = floe_arrow_stream_get_schema(src, &u->sschema);
    if (rc)
        return floe_error_wrap(rc, "upsert into '%s': reading the source schema", t->ident);
    u->ncols = floe_schema_column_count(t->schema);
    if (!(u->cols = floe_calloc(u->ncols ? u->ncols : 1, sizeof *u->cols)) ||
        !(u->keys = floe_calloc(njoin, sizeof *u->keys)) ||
        !(u->lo = floe_calloc(njoin, sizeof *u->lo)) ||
        !(u->hi = floe_calloc(njoin, sizeof *u->hi)))
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t i = 0; i < u->ncols; i++) {
        const floe_field *f = floe_schema_column_at(t->schema, i);
        struct ucol *c = &u->cols[i];
        c->id = floe_field_id(f);
        c->name = floe_field_name(f);
        c->type = floe_field_type(f);
        c->src = -1;
        for (int64_t j = 0; j < u->sschema.n_children; j++)
            if (u->sschema.children[j]->name &&
                strcmp(u->sschema.children[j]->name, c->name) == 0) {
                c->src = j;
                break;
            }
        if (c->src >= 0 && floe_type_is_primitive(c->type) &&
            (rc = floe_arrow_type_from_schema(&c->src_at, u->sschema.children[c->src])))
            return floe_error_wrap(rc, "upsert into '%s': source column '%s'", t->ident, c->name);
    }
    for (size_t k = 0; k < njoin; k++) {
        size_t i = 0;
        while (i < u->ncols && strcmp(u->cols[i].name, join[k]) != 0)
            i++;
        if (i == u->ncols)
            return floe_error_set(FLOE_ESCHEMA,
                                  "upsert into '%s': join column '%s' is not a column of the "
                                  "table; name top-level columns of both table and source",
                                  t->ident, join[k]);
        if (u->cols[i].src < 0)
            return floe_error_set(FLOE_ESCHEMA,
                                  "upsert into '%s': join column '%s' is missing from the source",
                                  t->ident, join[k]);
        if (!floe_type_is_primitive(u->cols[i].type))
            return floe_error_set(FLOE_EINVALID,
                                  "upsert into '%s': join column '%s' has nested type %s; join "
                                  "on primitive columns",
                                  t->ident, join[k], floe_type_string(u->cols[i].type));
        if (u->cols[i].key)
            return floe_error_set(FLOE_EINVALID, "upsert into '%s': join column '%s' given twice",
                                  t->ident, join[k]);
        u->cols[i].key = true;
        u->keys[u->nkeys++] = i;
    }
    for (;;) {
        if (u->nbatches == u->capb) {
            size_t n = u->capb ? u->capb * 2 : 16;
            struct ArrowArray *v = floe_realloc(u->batches, n * sizeof *v);
            uint8_t **st = floe_realloc(u->state, n * sizeof *st);
            if (v)
                u->batches = v;
            if (st)
                u->state = st;
            if (!v || !st)
                return floe_error_set(FLOE_ENOMEM, "out of memory");
            u->capb = n;
        }
        struct ArrowArray *b = &u->batches[u->nbatches];
        memset(b, 0, sizeof *b);
        if ((rc = floe_arrow_stream_get_next(src, b)))
            return floe_error_wrap(rc, "upsert into '%s': reading the source", t->ident);
        if (!b->release)
            break;
        u->state[u->nbatches] = floe_calloc((size_t)(b->length ? b->length : 1), 1);
        u->nbatches++;
        if (!u->state[u->nbatches - 1])
            return floe_error_set(FLOE_ENOMEM, "out of memory");
        if ((rc = index_batch(u, u->nbatches - 1)))
            return rc;
    }
    return 0;
}

static void upsert_free(struct upsert *u)
{
    for (size_t i = 0; i < u->nbatches; i++) {
        if (u->batches[i].release)
            u->batches[i].release(&u->batches[i]);
        floe_free(u->state[i]);
    }
    floe_free(u->batches);
    floe_free(u->state);
    floe_arrow_schema_release(&u->sschema);
    floe_buf_free(&u->arena);
    floe_free(u->slots);
    floe_free(u->cols);
    floe_free(u->keys);
    floe_free(u->lo);
    floe_free(u->hi);
}

/* Up to this many keys of a single join column are listed as `k in (...)`, which also prunes
 * partitions of transforms that do not keep order (bucket). */
#define IN_LIST_MAX 1000

/* `k in (every source key)` for a single join column with few keys, else NULL. */
static int in_list(floe_expr **out, const struct upsert *u)
{
    *out = NULL;
    if (u->nkeys != 1 || u->used > IN_LIST_MAX)
        return 0;
    const struct ucol *c = &u->cols[u->keys[0]];
    floe_literal *lits = floe_calloc(u->used ? u->used : 1, sizeof *lits);
    if (!lits)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    size_t n = 0;
    int rc = 0;
    for (size_t bi = 0; !rc && bi < u->nbatches; bi++) {
        const struct ArrowArray *b = &u->batches[bi];
        for (int64_t r = 0; !rc && r < b->length && n < u->used; r++)
            rc = floe_manager__arrow_literal_typed(&lits[n++], c->type, &c->src_at,
                                                   b->children[c->src], b->offset + r);
    }
    if (!rc)
        rc = floe_expr_predicate(out, FLOE_EXPR_IN, c->name, lits, n);
    floe_free(lits);
    return rc;
}

/* Filter text "k1 >= lo and k1 <= hi and ..." over the source key range (with a single join
 * column and few keys, "k in (...)"), or NULL (no source rows, or delete_unmatched: every
 * file is read). */
static int bounds_filter(char **out, const struct upsert *u)
{
    *out = NULL;
    if (!u->any || u->o->delete_unmatched)
        return 0;
    floe_expr *all = NULL;
    int irc = in_list(&all, u);
    if (irc)
        return irc;
    if (all) {
        irc = floe_expr_to_string(out, all);
        floe_expr_free(all);
        return irc;
    }
    all = floe_expr_true();
    int rc = all ? 0 : floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t k = 0; !rc && k < u->nkeys; k++) {
        const char *name = u->cols[u->keys[k]].name;
        floe_expr *ge = NULL, *le = NULL, *both = NULL;
        if (!(rc = floe_expr_predicate(&ge, FLOE_EXPR_GT_EQ, name, &u->lo[k], 1)) &&
            !(rc = floe_expr_predicate(&le, FLOE_EXPR_LT_EQ, name, &u->hi[k], 1)) &&
            !(rc = floe_expr_and(&both, ge, le))) {
            ge = le = NULL;
            floe_expr *next = NULL;
            rc = floe_expr_and(&next, all, both);
            all = rc ? all : next;
            both = NULL;
        }
        floe_expr_free(ge);
        floe_expr_free(le);
        floe_expr_free(both);
    }
    if (!rc)
        rc = floe_expr_to_string(out, all);
    floe_expr_free(all);
    return rc;
}

/* Null-aware equality of two values (NaN equals NaN; -0.0 differs from 0.0). */
static bool same_value(const floe_literal *a, const floe_literal *b)
{
    if (a->is_null || b->is_null)
        return a->is_null && b->is_null;
    int c = 1;
    return floe_literal_compare(&c, a, b) == 0 && c == 0;
}

/* Compares the non-key columns of target row `tr` (file batch `fb`, file columns fcol) with
 * source row `sr` of batch `sb`. Nested columns count as changed when present in the source. */
static int row_changed(bool *changed, const struct upsert *u, const struct ArrowArray *fb,
                       const int64_t *fcol, const floe_arrow_type *fat, int64_t tr,
                       const struct ArrowArray *sb, int64_t sr)
{
    *changed = false;
    for (size_t i = 0; i < u->ncols; i++) {
        const struct ucol *c = &u->cols[i];
        if (c->key)
            continue;
        if (!floe_type_is_primitive(c->type)) {
            if (c->src >= 0 || fcol[i] >= 0) {
                *changed = true;
                return 0;
            }
            continue;
        }
        floe_literal a = floe_literal_null(floe_type_get_kind(c->type));
        floe_literal b = floe_literal_null(floe_type_get_kind(c->type));
        int rc = 0;
        if (fcol[i] >= 0)
            rc = floe_manager__arrow_literal_typed(&a, c->type, &fat[i], fb->children[fcol[i]],
                                                   fb->offset + tr);
        if (!rc && c->src >= 0)
            rc = floe_manager__arrow_literal_typed(&b, c->type, &c->src_at, sb->children[c->src],
                                                   sb->offset + sr);
        if (rc)
            return rc;
        if (!same_value(&a, &b)) {
            *changed = true;
            return 0;
        }
    }
    return 0;
}

/* An open data file of the plan with its delete files loaded. */
struct tfile {
    floe_input_file *in;
    floe_parquet_reader *reader;
    struct ArrowArrayStream fs;
    struct ArrowSchema schema;
    int64_t *positions;
    size_t npositions;
    struct floe_manager_delete **eq;
    size_t neq;
    int64_t row_base;
};

static void tfile_close(struct tfile *f)
{
    floe_arrow_stream_release(&f->fs);
    floe_arrow_schema_release(&f->schema);
    floe_parquet_reader_free(f->reader);
    floe_input_close(f->in);
    floe_free(f->positions);
    floe_free(f->eq);
    memset(f, 0, sizeof *f);
}

static int tfile_open(struct tfile *f, floe_table *t, struct floe_manager_plan *p,
                      const struct floe_manager_task *task)
{
    memset(f, 0, sizeof *f);
    const char *path = floe_data_file_path(task->df);
    int rc = t->m->io->open(&f->in, t->m->io, path);
    if (!rc)
        rc = floe_parquet_reader_open(&f->reader, f->in, NULL);
    if (!rc)
        rc = floe_parquet_reader_schema(&f->schema, f->reader);
    if (!rc)
        rc = floe_parquet_reader_stream(&f->fs, f->reader);
    if (!rc)
        rc = floe_manager__file_deletes_load(&f->positions, &f->npositions, &f->eq, &f->neq, t,
                                             &p->deletes, task->deletes, task->delete_count, path,
                                             p->schema);
    if (rc) {
        tfile_close(f);
        return floe_error_wrap(rc, "reading data file '%s' of '%s'", path, t->ident);
    }
    return 0;
}

/* Next batch of the file with `alive` (n bytes, caller frees) flagging rows not deleted. */
static int tfile_next(struct tfile *f, struct ArrowArray *b, uint8_t **alive)
{
    *alive = NULL;
    memset(b, 0, sizeof *b);
    int rc = floe_arrow_stream_get_next(&f->fs, b);
    if (rc || !b->release)
        return rc;
    int64_t n = b->length;
    if (!(*alive = floe_malloc((size_t)(n ? n : 1))))
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    memset(*alive, 1, (size_t)(n ? n : 1));
    if (f->npositions || f->neq)
        rc = floe_manager__deletes_apply(*alive, &f->schema, b, f->row_base, f->positions,
                                         f->npositions, f->eq, f->neq);
    f->row_base += n;
    return rc;
}

/* Matches the live rows of one file against the source. *drop (transfer full, one byte per
 * file row) flags rows to remove; NULL when none. */
static int match_file(uint8_t **drop, int64_t *deleted, struct upsert *u,
                      struct floe_manager_plan *p, const struct floe_manager_task *task)
{
    *drop = NULL;
    *deleted = 0;
    struct tfile f;
    int rc = tfile_open(&f, u->t, p, task);
    if (rc)
        return rc;
    int64_t nrows = floe_data_file_record_count(task->df);
    int64_t *fcol = floe_calloc(u->ncols ? u->ncols : 1, sizeof *fcol);
    floe_arrow_type *fat = floe_calloc(u->ncols ? u->ncols : 1, sizeof *fat);
    int64_t keycol[64];
    floe_arrow_type kat[64];
    uint8_t *d = NULL;
    if (!fcol || !fat)
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < u->ncols; i++) {
        fcol[i] = -1;
        for (int64_t j = 0; j < f.schema.n_children; j++) {
            int32_t id = 0;
            if (floe_arrow_schema_field_id(&id, f.schema.children[j]) == 0 && id == u->cols[i].id) {
                fcol[i] = j;
                break;
            }
        }
        if (fcol[i] >= 0 && floe_type_is_primitive(u->cols[i].type))
            rc = floe_arrow_type_from_schema(&fat[i], f.schema.children[fcol[i]]);
    }
    for (size_t k = 0; !rc && k < u->nkeys; k++) {
        keycol[k] = fcol[u->keys[k]];
        kat[k] = fat[u->keys[k]];
    }
    while (!rc) {
        struct ArrowArray b;
        uint8_t *alive = NULL;
        int64_t base = f.row_base;
        rc = tfile_next(&f, &b, &alive);
        if (rc || !b.release) {
            floe_free(alive);
            if (b.release)
                b.release(&b);
            break;
        }
        for (int64_t r = 0; !rc && r < b.length; r++) {
            if (!alive[r])
                continue;
            size_t start = u->arena.len;
            bool is_null = false;
            bool remove = false;
            rc = key_encode(u, &is_null, &b, keycol, kat, r);
            if (rc)
                break;
            struct slot *s = NULL;
            if (!is_null && u->used) {
                size_t n = u->arena.len - start;
                s = slot_find(u, hash_bytes(arena_at(u, start), n), arena_at(u, start), n);
                if (!s->used)
                    s = NULL;
            }
            u->arena.len = start;
            if (s) {
                bool changed = false;
                rc = row_changed(&changed, u, &b, fcol, fat, r, &u->batches[s->batch], s->row);
                uint8_t *st = &u->state[s->batch][s->row];
                if (changed)
                    *st = ROW_CHANGED;
                else if (*st != ROW_CHANGED)
                    *st = ROW_SAME;
                remove = changed;
            } else if (u->o->delete_unmatched) {
                remove = true;
                (*deleted)++;
            }
            if (!rc && remove) {
                int64_t pos = base + r;
                if (!d && !(d = floe_calloc((size_t)(nrows > 0 ? nrows : 1), 1)))
                    rc = floe_error_set(FLOE_ENOMEM, "out of memory");
                else if (pos >= nrows)
                    rc = floe_error_set(
                        FLOE_ECORRUPT,
                        "data file '%s' has more rows than its record count %" PRId64,
                        floe_data_file_path(task->df), nrows);
                else
                    d[pos] = 1;
            }
        }
        floe_free(alive);
        b.release(&b);
    }
    tfile_close(&f);
    floe_free(fcol);
    floe_free(fat);
    if (rc) {
        floe_free(d);
        return rc;
    }
    *drop = d;
    return 0;
}

/* A stream of the live rows of a file not flagged in `drop`. */
struct keep {
    struct tfile f;
    const uint8_t *drop;
    struct ArrowSchema out_schema; /* the table's current columns: kept rows are written so */
    const char *path;
};

static int keep_next(void *state, struct ArrowArray *out)
{
    struct keep *k = state;
    memset(out, 0, sizeof *out);
    for (;;) {
        struct ArrowArray b;
        uint8_t *alive = NULL;
        int64_t base = k->f.row_base;
        int rc = k->f.reader ? tfile_next(&k->f, &b, &alive) : 0;
        if (!k->f.reader)
            memset(&b, 0, sizeof b);
        if (rc || !b.release) {
            floe_free(alive);
            if (b.release)
                b.release(&b);
            return rc;
        }
        int64_t *rows = floe_malloc((size_t)(b.length ? b.length : 1) * sizeof *rows);
        size_t cnt = 0;
        if (!rows)
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
        for (int64_t r = 0; !rc && r < b.length; r++)
            if (alive[r] && !k->drop[base + r])
                rows[cnt++] = r;
        /* columns found by field id: the file may predate renames, drops and additions */
        if (!rc && cnt)
            rc = floe_manager__project_batch(out, &k->out_schema, &k->f.schema, &b, rows, cnt,
                                             k->path);
        floe_free(rows);
        floe_free(alive);
        b.release(&b);
        if (rc || cnt)
            return rc;
    }
}

static void keep_free(void *state)
{
    struct keep *k = state;
    if (!k)
        return;
    tfile_close(&k->f);
    floe_arrow_schema_release(&k->out_schema);
    floe_free(k);
}

static int rewrite_without(struct floe_manager_written *out, struct upsert *u,
                           struct floe_manager_plan *p, const struct floe_manager_task *task,
                           const uint8_t *drop)
{
    struct keep *k = floe_calloc(1, sizeof *k);
    if (!k)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    k->drop = drop;
    struct ArrowSchema copy;
    memset(&copy, 0, sizeof copy);
    struct ArrowArrayStream s;
    memset(&s, 0, sizeof s);
    k->path = floe_data_file_path(task->df);
    int rc = floe_manager__arrow_schema(&k->out_schema, u->t->schema, NULL, 0);
    if (!rc)
        rc = tfile_open(&k->f, u->t, p, task);
    if (!rc)
        rc = floe_arrow_schema_copy(&copy, &k->out_schema);
    if (!rc && (rc = floe_arrow_stream_from_callback(&s, &copy, keep_next, k, keep_free)))
        floe_arrow_schema_release(&copy);
    if (rc) {
        keep_free(k);
        return rc;
    }
    rc = floe_manager__write_stream(out, u->t, &s);
    s.release(&s);
    return rc;
}

/* A stream of the source rows to write: unmatched ones and changed ones. */
struct news {
    struct upsert *u;
    size_t next;
};

static int news_next(void *state, struct ArrowArray *out)
{
    struct news *n = state;
    struct upsert *u = n->u;
    memset(out, 0, sizeof *out);
    while (n->next < u->nbatches) {
        size_t bi = n->next++;
        const struct ArrowArray *b = &u->batches[bi];
        int64_t *rows = floe_malloc((size_t)(b->length ? b->length : 1) * sizeof *rows);
        if (!rows)
            return floe_error_set(FLOE_ENOMEM, "out of memory");
        size_t cnt = 0;
        for (int64_t r = 0; r < b->length; r++)
            if (u->state[bi][r] != ROW_SAME)
                rows[cnt++] = r;
        int rc = 0;
        floe_arrow_builder *bl = NULL;
        if (cnt && !(rc = floe_arrow_builder_new(&bl, &u->sschema)) &&
            !(rc = floe_manager__take(bl, &u->sschema, b, rows, cnt)))
            rc = floe_arrow_builder_finish_batch(bl, out, NULL);
        floe_arrow_builder_free(bl);
        floe_free(rows);
        if (rc || cnt)
            return rc;
    }
    return 0;
}

static void news_free(void *state)
{
    floe_free(state);
}

static int write_news(struct floe_manager_written *out, struct upsert *u)
{
    struct news *n = floe_calloc(1, sizeof *n);
    if (!n)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    n->u = u;
    struct ArrowSchema copy;
    memset(&copy, 0, sizeof copy);
    struct ArrowArrayStream s;
    memset(&s, 0, sizeof s);
    int rc = floe_arrow_schema_copy(&copy, &u->sschema);
    if (!rc && (rc = floe_arrow_stream_from_callback(&s, &copy, news_next, n, news_free)))
        floe_arrow_schema_release(&copy);
    if (rc) {
        floe_free(n);
        return rc;
    }
    rc = floe_manager__write_stream(out, u->t, &s);
    s.release(&s);
    return rc;
}

struct keep_ctx {
    const char **drop_paths;
    size_t ndrop;
};

static int keep_manifest(const floe_manifest_file *mf, void *ctx)
{
    struct keep_ctx *c = ctx;
    for (size_t i = 0; i < c->ndrop; i++)
        if (strcmp(c->drop_paths[i], mf->path) == 0)
            return 0;
    return 1;
}

static int refuse_retry(floe_table *t, void *ctx)
{
    (void)ctx;
    return floe_error_set(FLOE_ECONFLICT,
                          "table '%s' changed while the upsert was running; run the upsert again",
                          t->ident);
}

static int append_written(struct floe_manager_written *all, struct floe_manager_written *one)
{
    size_t need = all->count + one->count;
    floe_data_file **v = floe_realloc(all->files, (need ? need : 1) * sizeof *v);
    if (!v)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    all->files = v;
    if (one->count)
        memcpy(v + all->count, one->files, one->count * sizeof *v);
    all->count = need;
    all->records += one->records;
    all->bytes += one->bytes;
    floe_free(one->files);
    memset(one, 0, sizeof *one);
    return 0;
}

static int upsert(floe_upsert_result *out, floe_table *t, struct ArrowArrayStream *source,
                  const char *const *join_cols, size_t njoin, const floe_upsert_options *opts)
{
    floe_upsert_options defaults = FLOE_UPSERT_OPTIONS_INIT;
    if (out)
        memset(out, 0, sizeof *out);
    if (!t || !source || !join_cols || njoin == 0)
        return floe_error_set(FLOE_EINVALID,
                              "floe_table_upsert: table, source and at least one join column "
                              "are required");
    if (njoin > 64)
        return floe_error_set(FLOE_EINVALID, "floe_table_upsert: at most 64 join columns");
    if (!opts)
        opts = &defaults;
    if (opts->version < 1 || opts->version > FLOE_UPSERT_OPTIONS_VERSION)
        return floe_error_set(FLOE_EINVALID, "floe_upsert_options: unknown version %u",
                              opts->version);
    /* main by name takes the default path, which also serves a table without snapshots */
    const char *branch =
        opts->version >= 2 && opts->branch && strcmp(opts->branch, FLOE_MAIN_BRANCH) != 0
            ? opts->branch
            : NULL;
    struct upsert u;
    memset(&u, 0, sizeof u);
    u.t = t;
    u.o = opts;
    struct floe_manager_plan p;
    memset(&p, 0, sizeof p);
    struct floe_manager_written added, rewritten;
    memset(&added, 0, sizeof added);
    memset(&rewritten, 0, sizeof rewritten);
    floe_upsert_result res;
    memset(&res, 0, sizeof res);
    char *filter = NULL;
    uint8_t *del = NULL, *affected = NULL;
    uint8_t **drops = NULL;
    floe_manifest_file **mfs = NULL;
    size_t nmf = 0;
    struct keep_ctx ctx = {NULL, 0};
    int64_t deleted_file_records = 0, deleted_bytes = 0, snap_id = 0;
    char write_id[FLOE_UUID_STR_LEN];
    int rc = branch ? floe_manager__check_branch(t, branch) : 0;
    if (!rc && opts->version >= 2 && opts->union_by_name)
        rc = floe_manager__union_streams(t, &source, 1);
    if (!rc)
        rc = floe_manager__new_ids(&snap_id, write_id);
    if (!rc)
        rc = read_source(&u, source, join_cols, njoin);
    if (!rc)
        rc = bounds_filter(&filter, &u);
    floe_scan_options so = FLOE_SCAN_OPTIONS_INIT;
    so.filter = filter;
    so.ref = branch;
    /* nothing to match against: no plan needed unless unmatched rows are deleted */
    if (!rc && (u.any || opts->delete_unmatched))
        rc = floe_manager__plan(&p, t, &so);
    if (!rc && (!(del = floe_calloc(p.count + 1, 1)) ||
                !(affected = floe_calloc(p.manifest_count + 1, 1)) ||
                !(drops = floe_calloc(p.count + 1, sizeof *drops))))
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    if (!rc) {
        res.files_scanned = (int64_t)p.count;
        res.files_pruned = (int64_t)p.files_pruned;
    }
    for (size_t i = 0; !rc && i < p.count; i++) {
        int64_t deleted = 0;
        if ((rc = match_file(&drops[i], &deleted, &u, &p, &p.tasks[i])))
            break;
        res.deleted_rows += deleted;
        if (drops[i]) {
            del[i] = 1;
            affected[p.tasks[i].manifest] = 1;
            res.files_rewritten++;
            deleted_file_records += floe_data_file_record_count(p.tasks[i].df);
            deleted_bytes += floe_data_file_size(p.tasks[i].df);
        }
    }
    for (size_t bi = 0; !rc && bi < u.nbatches; bi++)
        for (int64_t r = 0; r < u.batches[bi].length; r++) {
            uint8_t s = u.state[bi][r];
            res.inserted_rows += s == ROW_UNMATCHED;
            res.updated_rows += s == ROW_CHANGED;
            res.unchanged_rows += s == ROW_SAME;
        }
    bool commit =
        !rc && !opts->dry_run && (res.inserted_rows || res.updated_rows || res.files_rewritten);
    for (size_t i = 0; commit && !rc && i < p.count; i++) {
        if (!drops[i])
            continue;
        struct floe_manager_written one;
        memset(&one, 0, sizeof one);
        rc = rewrite_without(&one, &u, &p, &p.tasks[i], drops[i]);
        if (!rc)
            rc = append_written(&rewritten, &one);
        floe_manager__written_free(&one, t->m->io);
    }
    if (commit && !rc)
        rc = write_news(&added, &u);
    if (commit && !rc)
        rc = append_written(&added, &rewritten);
    if (commit && !rc &&
        (!(mfs = floe_calloc(p.manifest_count + 1, sizeof *mfs)) ||
         !(ctx.drop_paths = floe_calloc(p.manifest_count + 1, sizeof *ctx.drop_paths))))
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    if (commit && !rc && added.count)
        rc = floe_manager__write_manifest(&mfs[nmf++], t, snap_id, write_id, 0, added.files,
                                          added.count, NULL, 0);
    for (size_t mi = 0; commit && !rc && mi < p.manifest_count; mi++) {
        if (!affected[mi])
            continue;
        rc = floe_manager__rewrite_manifest(&mfs[nmf], t, &p, del, mi, snap_id, write_id);
        if (!rc) {
            nmf++;
            ctx.drop_paths[ctx.ndrop++] = p.manifests[mi]->path;
        }
    }
    /* summary properties: the counts, then the caller's */
    char v_ins[32], v_upd[32], v_del[32];
    const char *keys[64 + 3], *vals[64 + 3];
    size_t nprop = 0;
    if (commit && !rc) {
        snprintf(v_ins, sizeof v_ins, "%" PRId64, res.inserted_rows);
        snprintf(v_upd, sizeof v_upd, "%" PRId64, res.updated_rows);
        snprintf(v_del, sizeof v_del, "%" PRId64, res.deleted_rows);
        keys[0] = "upsert.inserted-rows";
        vals[0] = v_ins;
        keys[1] = "upsert.updated-rows";
        vals[1] = v_upd;
        keys[2] = "upsert.deleted-rows";
        vals[2] = v_del;
        nprop = 3;
        if (opts->snapshot_property_count > 64)
            rc = floe_error_set(FLOE_EINVALID, "floe_table_upsert: at most 64 snapshot properties");
        for (size_t i = 0; !rc && i < opts->snapshot_property_count; i++) {
            keys[nprop] = opts->snapshot_property_keys[i];
            vals[nprop++] = opts->snapshot_property_values[i];
        }
    }
    unsigned int attempts = 0;
    if (commit && !rc) {
        struct floe_manager_commit c;
        memset(&c, 0, sizeof c);
        c.operation = res.files_rewritten ? "overwrite" : "append";
        c.snapshot_id = snap_id;
        c.manifests = (const floe_manifest_file *const *)mfs;
        c.manifest_count = nmf;
        c.keep_manifest = keep_manifest;
        c.revalidate = refuse_retry;
        c.keep_ctx = &ctx;
        c.branch = branch;
        floe_summary_delta d = FLOE_SUMMARY_DELTA_INIT;
        d.added_data_files = (int64_t)added.count;
        d.added_records = added.records;
        d.added_files_size = added.bytes;
        d.deleted_data_files = res.files_rewritten;
        d.deleted_records = deleted_file_records;
        d.removed_files_size = deleted_bytes;
        c.delta = d;
        c.extra_keys = keys;
        c.extra_values = vals;
        c.extra_count = nprop;
        rc = floe_manager__commit_snapshot(&snap_id, &attempts, t, &c, write_id);
    }
    if (rc && rc != FLOE_ECOMMITUNKNOWN)
        for (size_t i = 0; i < nmf; i++)
            t->m->io->remove(t->m->io, mfs[i]->path);
    if (!rc && commit) {
        res.snapshot_id = snap_id;
        res.attempts = attempts;
        res.files_added = (int64_t)added.count;
    }
    if (!rc && out)
        *out = res;
    floe_file_io *cleanup = rc && rc != FLOE_ECOMMITUNKNOWN ? t->m->io : NULL;
    floe_manager__written_free(&added, cleanup);
    floe_manager__written_free(&rewritten, cleanup);
    for (size_t i = 0; i < nmf; i++)
        floe_manifest_file_free(mfs[i]);
    floe_free(mfs);
    floe_free(ctx.drop_paths);
    for (size_t i = 0; drops && i < p.count; i++)
        floe_free(drops[i]);
    floe_free(drops);
    floe_free(del);
    floe_free(affected);
    floe_iceberg_free_string(filter);
    floe_manager__plan_free(&p);
    upsert_free(&u);
    return floe_manager__log_op(t, NULL, "upsert",
                                opts->delete_unmatched ? "delete-unmatched" : "upsert",
                                rc ? 0 : res.inserted_rows + res.updated_rows, rc);
}

int floe_table_upsert(floe_upsert_result *out, floe_table *t, struct ArrowArrayStream *source,
                      const char *const *join_cols, size_t njoin, const floe_upsert_options *opts)
{
    floe_upsert_result r;
    floe_span *span = floe_manager__span_start(t, "upsert");
    int rc = upsert(&r, t, source, join_cols, njoin, opts);
    if (!rc) {
        floe_span_set_attr_int(span, "floe.rows_inserted", r.inserted_rows);
        floe_span_set_attr_int(span, "floe.rows_updated", r.updated_rows);
        floe_span_set_attr_int(span, "floe.rows_deleted", r.deleted_rows);
        floe_span_set_attr_int(span, "floe.files_rewritten", r.files_rewritten);
        floe_span_set_attr_int(span, "floe.files_pruned", r.files_pruned);
        floe_span_set_attr_int(span, "floe.commit_attempts", r.attempts);
    }
    if (out)
        *out = rc ? (floe_upsert_result){0} : r;
    return floe_manager__span_end(span, rc);
}
