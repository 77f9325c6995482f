/* Turning a batch of leaf levels and dense values into Arrow arrays: validity from definition
 * levels, list offsets from repetition levels, values scattered around nulls. */
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "formats/parquet/reader_internal.h"

typedef struct arr_priv {
    void *bufs[3];
} arr_priv;

static void release_array(struct ArrowArray *a)
{
    if (!a || !a->release)
        return;
    arr_priv *p = a->private_data;
    if (p) {
        for (int i = 0; i < 3; i++)
            floe_free(p->bufs[i]);
        floe_free(p);
    }
    for (int64_t i = 0; i < a->n_children; i++) {
        if (a->children[i]) {
            if (a->children[i]->release)
                a->children[i]->release(a->children[i]);
            floe_free(a->children[i]);
        }
    }
    floe_free(a->children);
    a->release = NULL;
}

static int init_array(struct ArrowArray *a, int n_buffers, size_t n_children)
{
    memset(a, 0, sizeof(*a));
    arr_priv *p = floe_calloc(1, sizeof(*p));
    if (!p)
        return floe_error_set(FLOE_ENOMEM, "out of memory building an Arrow array");
    a->private_data = p;
    a->release = release_array;
    a->n_buffers = n_buffers;
    a->buffers = (const void **)p->bufs;
    if (n_children) {
        a->children = floe_calloc(n_children, sizeof(*a->children));
        if (!a->children)
            return floe_error_set(FLOE_ENOMEM, "out of memory building an Arrow array");
        for (size_t i = 0; i < n_children; i++) {
            a->children[i] = floe_calloc(1, sizeof(struct ArrowArray));
            if (!a->children[i])
                return floe_error_set(FLOE_ENOMEM, "out of memory building an Arrow array");
            a->n_children++;
        }
    }
    return 0;
}

static void *alloc_buf(size_t n)
{
    void *p = floe_malloc(n ? n : 1);
    if (!p)
        floe_error_set(FLOE_ENOMEM, "out of memory allocating an Arrow buffer of %zu bytes", n);
    return p;
}

/* Level view of the batch column that gives a node its structure. */
typedef struct lv {
    size_t n;
    const uint16_t *def, *rep; /* NULL for flat required leaves */
} lv;

static lv levels_of(const floe_pq_batch_column *bc)
{
    lv l = {bc->num_levels, bc->dense ? NULL : bc->def, bc->dense ? NULL : bc->rep};
    return l;
}

#define IS_SLOT(N, l, i)                                                                           \
    ((l).def == NULL || ((l).rep[i] <= (N)->enc_rep && (l).def[i] >= (N)->enc_def))

/* Validity bitmap for the slots of N; *nulls counts them. NULL bitmap when there are none. */
static int validity(uint8_t **out, int64_t *nulls, const floe_pq_node *N, lv l, size_t length)
{
    *out = NULL;
    *nulls = 0;
    if (!l.def || !N->nullable)
        return 0;
    size_t nb = (length + 7) / 8;
    uint8_t *bits = alloc_buf(nb);
    if (!bits)
        return FLOE_ENOMEM;
    memset(bits, 0, nb);
    size_t s = 0;
    int64_t nn = 0;
    uint16_t dp = (uint16_t)N->def_present;
    for (size_t i = 0; i < l.n; i++) {
        if (!IS_SLOT(N, l, i))
            continue;
        if (l.def[i] >= dp)
            bits[s >> 3] |= (uint8_t)(1u << (s & 7));
        else
            nn++;
        s++;
    }
    if (nn == 0) {
        floe_free(bits);
        return 0;
    }
    *out = bits;
    *nulls = nn;
    return 0;
}

static size_t count_slots(const floe_pq_node *N, lv l)
{
    if (!l.def)
        return l.n;
    size_t s = 0;
    for (size_t i = 0; i < l.n; i++)
        s += IS_SLOT(N, l, i);
    return s;
}

static int build(struct ArrowArray *a, const floe_pq_node *N, floe_pq_batch_column *cols);

static int build_leaf(struct ArrowArray *a, const floe_pq_node *N, floe_pq_batch_column *bc)
{
    lv l = levels_of(bc);
    if (N->max_def == 0 && N->max_rep == 0)
        l.def = NULL;
    size_t length = count_slots(N, l);
    int is_bytes = N->conv == PQ_CONV_BYTES;
    int rc = init_array(a, is_bytes ? 3 : 2, 0);
    if (rc)
        return rc;
    arr_priv *p = a->private_data;
    uint8_t *bits;
    int64_t nulls;
    if ((rc = validity(&bits, &nulls, N, l, length)) != 0)
        return rc;
    p->bufs[0] = bits;
    a->length = (int64_t)length;
    a->null_count = nulls;
    if ((size_t)nulls > length || length - (size_t)nulls != bc->num_values)
        return floe_error_set(FLOE_ECORRUPT, "column '%s': %zu values for %zu non-null slots",
                              N->name, bc->num_values, length - (size_t)nulls);
    const uint16_t md = (uint16_t)N->max_def;
    if (is_bytes) {
        if (bc->values.len > INT32_MAX)
            return floe_error_set(FLOE_EUNSUPPORTED,
                                  "column '%s': a batch holds over 2 GiB of strings; use a "
                                  "smaller batch size",
                                  N->name);
        int32_t *off = alloc_buf((length + 1) * sizeof(int32_t));
        if (!off)
            return FLOE_ENOMEM;
        p->bufs[1] = off;
        const int32_t *lens = (const int32_t *)(const void *)bc->lengths.data;
        int32_t pos = 0;
        off[0] = 0;
        if (!bits) {
            for (size_t i = 0; i < length; i++) {
                pos += lens[i];
                off[i + 1] = pos;
            }
        } else {
            size_t s = 0, v = 0;
            for (size_t i = 0; i < l.n; i++) {
                if (!IS_SLOT(N, l, i))
                    continue;
                if (l.def[i] == md)
                    pos += lens[v++];
                off[++s] = pos;
            }
        }
        size_t dlen = 0;
        p->bufs[2] = floe_buf_detach(&bc->values, &dlen);
        if (!p->bufs[2]) {
            p->bufs[2] = alloc_buf(1);
            if (!p->bufs[2])
                return FLOE_ENOMEM;
        }
        return 0;
    }
    size_t w = N->out_width;
    if (N->conv == PQ_CONV_BOOL) {
        size_t nb = (length + 7) / 8;
        uint8_t *vb = alloc_buf(nb);
        if (!vb)
            return FLOE_ENOMEM;
        memset(vb, 0, nb);
        const uint8_t *src = bc->values.data;
        size_t s = 0, v = 0;
        for (size_t i = 0; i < (l.def ? l.n : length); i++) {
            if (l.def && !IS_SLOT(N, l, i))
                continue;
            if (!l.def || l.def[i] == md) {
                if (src[v++])
                    vb[s >> 3] |= (uint8_t)(1u << (s & 7));
            }
            s++;
        }
        p->bufs[1] = vb;
        return 0;
    }
    if (!bits) {
        /* No nulls: the dense values are the Arrow buffer. */
        size_t dlen = 0;
        p->bufs[1] = floe_buf_detach(&bc->values, &dlen);
        if (!p->bufs[1]) {
            p->bufs[1] = alloc_buf(1);
            if (!p->bufs[1])
                return FLOE_ENOMEM;
        }
        return 0;
    }
    uint8_t *vals = alloc_buf(length * w);
    if (!vals)
        return FLOE_ENOMEM;
    memset(vals, 0, length * w);
    p->bufs[1] = vals;
    const uint8_t *src = bc->values.data;
    size_t s = 0;
    for (size_t i = 0; i < l.n; i++) {
        if (!IS_SLOT(N, l, i))
            continue;
        if (l.def[i] == md) {
            memcpy(vals + s * w, src, w);
            src += w;
        }
        s++;
    }
    return 0;
}

static size_t selected_children(const floe_pq_node *N)
{
    size_t c = 0;
    for (size_t i = 0; i < N->num_children; i++)
        c += N->children[i]->selected;
    return c;
}

static int build(struct ArrowArray *a, const floe_pq_node *N, floe_pq_batch_column *cols)
{
    if (N->kind == PQ_LEAF)
        return build_leaf(a, N, &cols[N->leaf]);
    if (N->first_leaf < 0)
        return floe_error_set(FLOE_EINVALID, "field '%s' has no selected columns", N->name);
    lv l = levels_of(&cols[N->first_leaf]);
    size_t length = count_slots(N, l);
    size_t nch = N->kind == PQ_STRUCT ? selected_children(N) : 1;
    int rc = init_array(a, N->kind == PQ_STRUCT ? 1 : 2, nch);
    if (rc)
        return rc;
    arr_priv *p = a->private_data;
    uint8_t *bits;
    int64_t nulls;
    if ((rc = validity(&bits, &nulls, N, l, length)) != 0)
        return rc;
    p->bufs[0] = bits;
    a->length = (int64_t)length;
    a->null_count = nulls;
    if (N->kind == PQ_STRUCT) {
        size_t k = 0;
        for (size_t i = 0; i < N->num_children; i++) {
            if (!N->children[i]->selected)
                continue;
            if ((rc = build(a->children[k], N->children[i], cols)) != 0)
                return rc;
            if ((size_t)a->children[k]->length != length)
                return floe_error_set(FLOE_ECORRUPT,
                                      "columns of struct '%s' disagree on its length (%zu vs "
                                      "%lld)",
                                      N->name, length, (long long)a->children[k]->length);
            k++;
        }
        return 0;
    }
    /* LIST / MAP */
    int32_t *off = alloc_buf((length + 1) * sizeof(int32_t));
    if (!off)
        return FLOE_ENOMEM;
    p->bufs[1] = off;
    size_t s = 0;
    int64_t count = 0;
    off[0] = 0;
    uint16_t rl = (uint16_t)N->rep_list, de = (uint16_t)N->def_elem;
    for (size_t i = 0; i < l.n; i++) {
        if (IS_SLOT(N, l, i)) {
            if (s > 0)
                off[s] = (int32_t)count;
            s++;
        }
        if (l.rep[i] <= rl && l.def[i] >= de) {
            if (s == 0)
                return floe_error_set(FLOE_ECORRUPT, "list '%s' has an element before its row",
                                      N->name);
            count++;
            if (count > INT32_MAX)
                return floe_error_set(FLOE_EUNSUPPORTED, "list '%s' is too long", N->name);
        }
    }
    off[length] = (int32_t)count;
    const floe_pq_node *child = N->children[0];
    if ((rc = build(a->children[0], child, cols)) != 0)
        return rc;
    if (a->children[0]->length != count)
        return floe_error_set(FLOE_ECORRUPT, "list '%s' has %lld elements but its values hold %lld",
                              N->name, (long long)count, (long long)a->children[0]->length);
    return 0;
}

int floe_parquet__assemble(struct ArrowArray *out, const floe_pq_schema *s,
                           floe_pq_batch_column *cols, int64_t rows)
{
    size_t n = 0;
    for (size_t i = 0; i < s->num_fields; i++)
        n += s->fields[i]->selected;
    int rc = init_array(out, 1, n);
    if (rc) {
        release_array(out);
        return rc;
    }
    out->length = rows;
    size_t k = 0;
    for (size_t i = 0; i < s->num_fields && rc == 0; i++) {
        if (!s->fields[i]->selected)
            continue;
        rc = build(out->children[k], s->fields[i], cols);
        if (rc == 0 && out->children[k]->length != rows)
            rc = floe_error_set(FLOE_ECORRUPT, "column '%s' has %lld rows in a batch of %lld",
                                s->fields[i]->name, (long long)out->children[k]->length,
                                (long long)rows);
        k++;
    }
    if (rc)
        release_array(out);
    return rc;
}
