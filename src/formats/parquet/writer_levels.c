/* Record shredding: turns rows of (possibly nested) Arrow arrays into Parquet repetition and
 * definition levels plus the positions of the non-null leaf values (Dremel striping). */
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "formats/parquet/writer_internal.h"

typedef struct shred_ctx {
    pqw_column *col;
    floe_buf *def, *rep;
    int64_t **idx;
    size_t *idx_cap;
    size_t n_values;
    int64_t levels;
    const struct ArrowArray *leaf;
    int err;
} shred_ctx;

static inline bool slot_null(const struct ArrowArray *a, int64_t p)
{
    const uint8_t *v = a->n_buffers > 0 ? (const uint8_t *)a->buffers[0] : NULL;
    if (!v || a->null_count == 0)
        return false;
    return !((v[p >> 3] >> (p & 7)) & 1);
}

static int push_level(shred_ctx *c, int def, int rep)
{
    if (c->col->max_def > 0 && floe_buf_append_byte(c->def, (uint8_t)def))
        return FLOE_ENOMEM;
    if (c->col->max_rep > 0 && floe_buf_append_byte(c->rep, (uint8_t)rep))
        return FLOE_ENOMEM;
    c->levels++;
    return 0;
}

static int push_value(shred_ctx *c, int64_t p)
{
    if (c->n_values == *c->idx_cap) {
        size_t cap = *c->idx_cap ? *c->idx_cap * 2 : 4096;
        int64_t *n = floe_realloc(*c->idx, cap * sizeof *n);
        if (!n)
            return floe_error_set(FLOE_ENOMEM, "parquet writer: out of memory shredding");
        *c->idx = n;
        *c->idx_cap = cap;
    }
    (*c->idx)[c->n_values++] = p;
    return 0;
}

static int null_error(shred_ctx *c, const pqw_node *n)
{
    return floe_error_set(FLOE_EINVALID,
                          "parquet writer: column '%s': field '%s' is not nullable but the "
                          "batch has a null in it; mark the field nullable or fill the value",
                          c->col->dotted, n->name);
}

/* Shreds slot i (logical index in `a`) of path node k. */
static int shred(shred_ctx *c, int k, const struct ArrowArray *a, int64_t i, int def, int rep)
{
    const pqw_node *n = c->col->path[k];
    int64_t p = a->offset + i;
    if (slot_null(a, p)) {
        if (!n->nullable)
            return null_error(c, n);
        return push_level(c, def, rep);
    }
    if (n->nullable)
        def++;
    switch (n->kind) {
    case PQW_LEAF:
        c->leaf = a;
        if (push_level(c, def, rep))
            return FLOE_ENOMEM;
        return push_value(c, p);
    case PQW_STRUCT: {
        const pqw_node *next = c->col->path[k + 1];
        int ci = (int)(next - n->children);
        return shred(c, k + 1, a->children[ci], p, def, rep);
    }
    case PQW_LIST:
    case PQW_MAP: {
        int64_t s, e;
        if (n->atype.id == FLOE_ARROW_TYPE_LARGE_LIST) {
            const int64_t *off = a->buffers[1];
            s = off[p];
            e = off[p + 1];
        } else {
            const int32_t *off = a->buffers[1];
            s = off[p];
            e = off[p + 1];
        }
        if (e < s)
            return floe_error_set(FLOE_EINVALID,
                                  "parquet writer: column '%s': list offsets "
                                  "decrease at slot %lld",
                                  c->col->dotted, (long long)p);
        if (s == e)
            return push_level(c, def, rep);
        const struct ArrowArray *child = a->children[0];
        int64_t shift = 0;
        if (n->kind == PQW_MAP) {
            /* Keys and values sit under the entries struct (never null, not a level). */
            const pqw_node *next = c->col->path[k + 1];
            int ci = (int)(next - n->children);
            shift = child->offset;
            child = child->children[ci];
        }
        for (int64_t j = s; j < e; j++) {
            int rc = shred(c, k + 1, child, j + shift, def + 1, j == s ? rep : n->rep);
            if (rc)
                return rc;
        }
        return 0;
    }
    }
    return 0;
}

int floe_parquet__shred(pqw_column *col, const struct ArrowArray *top, int64_t r0, int64_t r1,
                        int64_t **idx, size_t *idx_cap, size_t *n_values, int64_t *start,
                        int *contiguous, const struct ArrowArray **leaf, int64_t *levels)
{
    const struct ArrowArray *a = top->children[col->top_index];
    const pqw_node *n0 = col->path[0];
    *n_values = 0;
    *contiguous = 0;
    *leaf = a;
    if (col->depth == 1) {
        /* Flat column: levels straight from the validity bitmap. */
        int64_t n = r1 - r0;
        *levels = n;
        int64_t p0 = a->offset + r0;
        const uint8_t *v = a->n_buffers > 0 ? (const uint8_t *)a->buffers[0] : NULL;
        bool has_nulls = v && a->null_count != 0;
        if (!has_nulls) {
            if (n0->nullable) {
                if (floe_buf_reserve(&col->def, (size_t)n))
                    return FLOE_ENOMEM;
                memset(col->def.data + col->def.len, 1, (size_t)n);
                col->def.len += (size_t)n;
            }
            *contiguous = 1;
            *start = p0;
            *n_values = (size_t)n;
            return 0;
        }
        if (!n0->nullable) {
            shred_ctx c = {.col = col};
            return null_error(&c, n0);
        }
        if (floe_buf_reserve(&col->def, (size_t)n))
            return FLOE_ENOMEM;
        if (*idx_cap < (size_t)n) {
            int64_t *ni = floe_realloc(*idx, (size_t)n * sizeof *ni);
            if (!ni)
                return floe_error_set(FLOE_ENOMEM, "parquet writer: out of memory shredding");
            *idx = ni;
            *idx_cap = (size_t)n;
        }
        uint8_t *d = col->def.data + col->def.len;
        int64_t *ix = *idx;
        size_t k = 0;
        for (int64_t i = 0; i < n; i++) {
            int64_t p = p0 + i;
            uint8_t bit = (v[p >> 3] >> (p & 7)) & 1;
            d[i] = bit;
            ix[k] = p;
            k += bit;
        }
        col->def.len += (size_t)n;
        *n_values = k;
        return 0;
    }
    shred_ctx c = {col, &col->def, &col->rep, idx, idx_cap, 0, 0, NULL, 0};
    for (int64_t r = r0; r < r1; r++) {
        int rc = shred(&c, 0, a, r, 0, 0);
        if (rc)
            return rc;
    }
    *n_values = c.n_values;
    *levels = c.levels;
    if (c.leaf)
        *leaf = c.leaf;
    else
        *leaf = NULL;
    return 0;
}
