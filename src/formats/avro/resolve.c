/* Schema resolution (spec §"Schema Resolution"): a plan computed once per file that says, for
 * every writer field, which reader field it fills (or that it is skipped), which reader fields
 * take defaults, which promotions apply and how union branches map. Record fields are matched
 * by field-id when both records carry ids (Iceberg), else by name and then reader aliases.
 * Decoding then follows the plan with no name lookups. */
#include <stdio.h>
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "formats/avro/avro_internal.h"

typedef enum pkind {
    PK_DIRECT,  /* same shape: decode straight into the reader value */
    PK_PROMOTE, /* int->long/float/double, long->float/double, float->double, string<->bytes */
    PK_RECORD,
    PK_ARRAY,
    PK_MAP,
    PK_WUNION, /* writer union: plan per writer branch */
    PK_RUNION, /* writer non-union read into a reader union branch */
    PK_ENUM,
    PK_ERROR /* unresolvable writer union branch: an error only if the data selects it */
} pkind;

typedef struct wfield {
    long target; /* reader field index or -1 to skip */
    const floe_avro__plan *plan;
    const floe_avro_schema *wtype;
} wfield;

typedef struct dfield {
    size_t target;
    floe_avro_value *dflt;
} dfield;

struct floe_avro__plan {
    pkind kind;
    const floe_avro_schema *w, *r;
    wfield *wf;
    size_t nwf;
    dfield *df;
    size_t ndf;
    const floe_avro__plan *child;
    const floe_avro__plan **branches;
    int rbranch;
    int *enum_map;
    char *msg;
};

struct floe_avro__resolver {
    floe_avro__plan **plans;
    size_t nplans, cap;
};

static void plan_free(floe_avro__plan *p)
{
    floe_free(p->wf);
    for (size_t i = 0; i < p->ndf; i++)
        floe_avro_value_free(p->df[i].dflt);
    floe_free(p->df);
    floe_free(p->branches);
    floe_free(p->enum_map);
    floe_free(p->msg);
    floe_free(p);
}

void floe_avro__resolver_free(floe_avro__resolver *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nplans; i++)
        plan_free(r->plans[i]);
    floe_free(r->plans);
    floe_free(r);
}

static floe_avro__plan *memo(floe_avro__resolver *res, const floe_avro_schema *w,
                             const floe_avro_schema *r)
{
    for (size_t i = 0; i < res->nplans; i++)
        if (res->plans[i]->w == w && res->plans[i]->r == r && res->plans[i]->kind != PK_ERROR)
            return res->plans[i];
    return NULL;
}

static int new_plan(floe_avro__resolver *res, floe_avro__plan **out, pkind kind,
                    const floe_avro_schema *w, const floe_avro_schema *r)
{
    if (res->nplans == res->cap) {
        size_t cap = res->cap ? res->cap * 2 : 16;
        floe_avro__plan **v = floe_realloc(res->plans, cap * sizeof(*v));
        if (!v)
            return floe_error_set(FLOE_ENOMEM, "out of memory resolving schemas");
        res->plans = v;
        res->cap = cap;
    }
    floe_avro__plan *p = floe_calloc(1, sizeof(*p));
    if (!p)
        return floe_error_set(FLOE_ENOMEM, "out of memory resolving schemas");
    p->kind = kind;
    p->w = w;
    p->r = r;
    res->plans[res->nplans++] = p;
    *out = p;
    return 0;
}

static int promotable(floe_avro_type w, floe_avro_type r)
{
    switch (w) {
    case FLOE_AVRO_INT:
        return r == FLOE_AVRO_LONG || r == FLOE_AVRO_FLOAT || r == FLOE_AVRO_DOUBLE;
    case FLOE_AVRO_LONG:
        return r == FLOE_AVRO_FLOAT || r == FLOE_AVRO_DOUBLE;
    case FLOE_AVRO_FLOAT:
        return r == FLOE_AVRO_DOUBLE;
    case FLOE_AVRO_STRING:
        return r == FLOE_AVRO_BYTES;
    case FLOE_AVRO_BYTES:
        return r == FLOE_AVRO_STRING;
    default:
        return 0;
    }
}

static int build(floe_avro__resolver *res, const floe_avro__plan **out, const floe_avro_schema *w,
                 const floe_avro_schema *r, char *path, size_t plen, int depth);

static int mismatch(const floe_avro_schema *w, const floe_avro_schema *r, const char *path)
{
    return floe_error_set(
        FLOE_ESCHEMA, "cannot read %s: the file has type %s%s%s, the reader expects %s%s%s", path,
        floe_avro_type_name(w->type), w->fullname ? " " : "", w->fullname ? w->fullname : "",
        floe_avro_type_name(r->type), r->fullname ? " " : "", r->fullname ? r->fullname : "");
}

/* Appends `prefix` and `arg` to the path (capacity 1024) and returns the new length. */
static size_t push(char *path, size_t plen, const char *prefix, const char *arg)
{
    size_t cap = 1024;
    if (plen < cap - 1) {
        int n = snprintf(path + plen, cap - plen, "%s%s", prefix, arg);
        if (n > 0)
            plen = plen + (size_t)n < cap - 1 ? plen + (size_t)n : cap - 1;
    }
    return plen;
}

static long find_writer_field(const floe_avro_schema *w, const floe_avro_schema *r, size_t j,
                              int use_ids)
{
    const floe_avro__field *rf = &r->fields[j];
    if (use_ids && rf->field_id >= 0)
        return floe_avro_schema_field_index_by_id(w, rf->field_id);
    long i = floe_avro_schema_field_index(w, rf->name);
    for (size_t a = 0; i < 0 && a < rf->naliases; a++)
        i = floe_avro_schema_field_index(w, rf->aliases[a]);
    return i;
}

static int any_ids(const floe_avro_schema *s)
{
    for (size_t i = 0; i < s->nfields; i++)
        if (s->fields[i].field_id >= 0)
            return 1;
    return 0;
}

static int build_record(floe_avro__resolver *res, floe_avro__plan *p, char *path, size_t plen,
                        int depth)
{
    const floe_avro_schema *w = p->w, *r = p->r;
    int use_ids = any_ids(w) && any_ids(r);
    p->wf = floe_calloc(w->nfields ? w->nfields : 1, sizeof(wfield));
    p->df = floe_calloc(r->nfields ? r->nfields : 1, sizeof(dfield));
    if (!p->wf || !p->df)
        return floe_error_set(FLOE_ENOMEM, "out of memory resolving schemas");
    p->nwf = w->nfields;
    for (size_t i = 0; i < w->nfields; i++) {
        p->wf[i].target = -1;
        p->wf[i].wtype = w->fields[i].type;
    }
    for (size_t j = 0; j < r->nfields; j++) {
        const floe_avro__field *rf = &r->fields[j];
        size_t fl = push(path, plen, ".", rf->name);
        long i = find_writer_field(w, r, j, use_ids);
        if (i >= 0 && p->wf[i].target < 0) {
            p->wf[i].target = (long)j;
            int rc = build(res, &p->wf[i].plan, w->fields[i].type, rf->type, path, fl, depth + 1);
            path[plen] = '\0';
            if (rc)
                return rc;
            continue;
        }
        /* Missing from the writer: the reader's default, or null for an optional field. */
        dfield *d = &p->df[p->ndf];
        int rc = floe_avro_value_new(&d->dflt, rf->type);
        if (rc)
            return rc;
        d->target = j;
        p->ndf++;
        if (rf->dflt) {
            rc = floe_avro__value_from_json(d->dflt, rf->dflt, path);
        } else if (rf->type->type == FLOE_AVRO_UNION && rf->type->null_branch >= 0) {
            rc = floe_avro_value_union_select(NULL, d->dflt, (int)rf->type->null_branch);
        } else {
            rc = floe_error_set(FLOE_ESCHEMA,
                                "cannot read %s: the file has no such field%s and the reader's "
                                "field has no default and is not optional",
                                path, use_ids && rf->field_id >= 0 ? " id" : "");
        }
        path[plen] = '\0';
        if (rc)
            return rc;
    }
    return 0;
}

/* Chooses the reader union branch for a non-union writer type: same type (and name, for named
 * types) first, then same type, then a promotion. */
static long pick_branch(const floe_avro_schema *w, const floe_avro_schema *r)
{
    for (size_t i = 0; i < r->nbranches; i++) {
        const floe_avro_schema *b = r->branches[i];
        if (b->type == w->type && (!w->fullname || strcmp(w->fullname, b->fullname) == 0))
            return (long)i;
    }
    for (size_t i = 0; i < r->nbranches; i++)
        if (r->branches[i]->type == w->type)
            return (long)i;
    for (size_t i = 0; i < r->nbranches; i++)
        if (promotable(w->type, r->branches[i]->type))
            return (long)i;
    return -1;
}

static int build(floe_avro__resolver *res, const floe_avro__plan **out, const floe_avro_schema *w,
                 const floe_avro_schema *r, char *path, size_t plen, int depth)
{
    if (depth > FLOE_AVRO__MAX_DEPTH)
        return floe_error_set(FLOE_ESCHEMA, "schemas nested deeper than %d levels at %s",
                              FLOE_AVRO__MAX_DEPTH, path);
    floe_avro__plan *p = memo(res, w, r);
    if (p) {
        *out = p;
        return 0;
    }
    int rc;
    if (w->type == FLOE_AVRO_UNION) {
        if ((rc = new_plan(res, &p, PK_WUNION, w, r)))
            return rc;
        p->branches = floe_calloc(w->nbranches ? w->nbranches : 1, sizeof(*p->branches));
        if (!p->branches)
            return floe_error_set(FLOE_ENOMEM, "out of memory resolving schemas");
        for (size_t i = 0; i < w->nbranches; i++) {
            size_t before = res->nplans;
            rc = build(res, &p->branches[i], w->branches[i], r, path, plen, depth + 1);
            if (rc == FLOE_ESCHEMA) {
                /* Plans left half-built by the failure must never be found again. */
                for (size_t k = before; k < res->nplans; k++)
                    res->plans[k]->kind = PK_ERROR;
                /* Spec: an unresolvable writer branch is an error only when data uses it. */
                floe_avro__plan *e;
                if ((rc = new_plan(res, &e, PK_ERROR, w->branches[i], r)))
                    return rc;
                e->msg = floe_strdup(floe_error_last());
                if (!e->msg)
                    return floe_error_set(FLOE_ENOMEM, "out of memory resolving schemas");
                p->branches[i] = e;
                floe_error_clear();
            } else if (rc) {
                return rc;
            }
        }
        *out = p;
        return 0;
    }
    if (r->type == FLOE_AVRO_UNION) {
        long b = pick_branch(w, r);
        if (b < 0)
            return floe_error_set(FLOE_ESCHEMA,
                                  "cannot read %s: the file has type %s, which is none of the "
                                  "reader union's branches",
                                  path, floe_avro_type_name(w->type));
        if ((rc = new_plan(res, &p, PK_RUNION, w, r)))
            return rc;
        p->rbranch = (int)b;
        rc = build(res, &p->child, w, r->branches[b], path, plen, depth + 1);
        *out = p;
        return rc;
    }
    if (w->type != r->type) {
        if (!promotable(w->type, r->type))
            return mismatch(w, r, path);
        rc = new_plan(res, &p, PK_PROMOTE, w, r);
        *out = p;
        return rc;
    }
    if (floe_avro__schema_equal(w, r)) {
        rc = new_plan(res, &p, PK_DIRECT, w, r);
        *out = p;
        return rc;
    }
    switch (w->type) {
    case FLOE_AVRO_FIXED:
        return floe_error_set(FLOE_ESCHEMA,
                              "cannot read %s: the file has fixed(%zu), the reader expects "
                              "fixed(%zu)",
                              path, w->fixed_size, r->fixed_size);
    case FLOE_AVRO_ENUM:
        if ((rc = new_plan(res, &p, PK_ENUM, w, r)))
            return rc;
        p->enum_map = floe_calloc(w->nsymbols ? w->nsymbols : 1, sizeof(int));
        if (!p->enum_map)
            return floe_error_set(FLOE_ENOMEM, "out of memory resolving schemas");
        {
            const char *dflt = json_string_value(json_object_get(r->props, "default"));
            for (size_t i = 0; i < w->nsymbols; i++) {
                p->enum_map[i] = -1;
                for (size_t k = 0; k < r->nsymbols; k++)
                    if (strcmp(w->symbols[i], r->symbols[k]) == 0 ||
                        (p->enum_map[i] < 0 && dflt && strcmp(dflt, r->symbols[k]) == 0))
                        p->enum_map[i] = (int)k;
            }
        }
        *out = p;
        return 0;
    case FLOE_AVRO_ARRAY:
    case FLOE_AVRO_MAP:
        if ((rc = new_plan(res, &p, w->type == FLOE_AVRO_ARRAY ? PK_ARRAY : PK_MAP, w, r)))
            return rc;
        *out = p;
        return build(res, &p->child, w->child, r->child, path,
                     push(path, plen, "", w->type == FLOE_AVRO_ARRAY ? "[]" : "{}"), depth + 1);
    case FLOE_AVRO_RECORD:
        if ((rc = new_plan(res, &p, PK_RECORD, w, r)))
            return rc;
        *out = p;
        return build_record(res, p, path, plen, depth);
    default:
        rc = new_plan(res, &p, PK_DIRECT, w, r);
        *out = p;
        return rc;
    }
}

int floe_avro__resolver_new(floe_avro__resolver **out, const floe_avro_schema *writer,
                            const floe_avro_schema *reader, const floe_avro__plan **root)
{
    floe_avro__resolver *res = floe_calloc(1, sizeof(*res));
    if (!res)
        return floe_error_set(FLOE_ENOMEM, "out of memory resolving schemas");
    char path[1024] = "$";
    int rc = build(res, root, writer, reader, path, 1, 0);
    if (rc) {
        floe_avro__resolver_free(res);
        return rc;
    }
    *out = res;
    return 0;
}

static int promote(floe_avro__dec *d, const floe_avro__plan *p, floe_avro_value *v)
{
    int rc;
    floe_avro_type rt = p->r->type;
    double x;
    switch (p->w->type) {
    case FLOE_AVRO_INT:
    case FLOE_AVRO_LONG: {
        int64_t l;
        if (p->w->type == FLOE_AVRO_INT) {
            int32_t i;
            rc = floe_avro__read_int(d, &i);
            l = i;
        } else {
            rc = floe_avro__read_long(d, &l);
        }
        if (rc)
            return rc;
        if (rt == FLOE_AVRO_LONG)
            v->u.l = l;
        else if (rt == FLOE_AVRO_FLOAT)
            v->u.f = (float)l;
        else
            v->u.d = (double)l;
        return 0;
    }
    case FLOE_AVRO_FLOAT: {
        if ((size_t)(d->end - d->p) < 4)
            return floe_avro__corrupt(d, "truncated float");
        uint32_t u = (uint32_t)d->p[0] | (uint32_t)d->p[1] << 8 | (uint32_t)d->p[2] << 16 |
                     (uint32_t)d->p[3] << 24;
        float f;
        memcpy(&f, &u, 4);
        d->p += 4;
        x = f;
        v->u.d = x;
        return 0;
    }
    case FLOE_AVRO_STRING:
    case FLOE_AVRO_BYTES:
        return floe_avro__read_bytes(d, &v->u.bytes);
    default:
        return floe_avro__corrupt(d, "internal error: bad promotion");
    }
}

static int decode_plan_item(floe_avro__dec *d, const void *ctx, floe_avro_value *v)
{
    return floe_avro__decode_plan(d, ctx, v);
}

int floe_avro__decode_plan(floe_avro__dec *d, const floe_avro__plan *p, floe_avro_value *v)
{
    int rc = 0;
    switch (p->kind) {
    case PK_DIRECT:
        return floe_avro__decode(d, v);
    case PK_PROMOTE:
        return promote(d, p, v);
    case PK_RECORD:
        if ((rc = floe_avro__enter(d)))
            return rc;
        for (size_t i = 0; i < p->nwf && !rc; i++) {
            const wfield *f = &p->wf[i];
            if (f->target >= 0)
                rc = floe_avro__decode_plan(d, f->plan, &v->u.rec.fields[f->target]);
            else
                rc = floe_avro__skip(d, f->wtype);
        }
        for (size_t i = 0; i < p->ndf && !rc; i++)
            rc = floe_avro_value_copy(&v->u.rec.fields[p->df[i].target], p->df[i].dflt);
        d->depth--;
        return rc;
    case PK_ARRAY:
    case PK_MAP: {
        int is_map = p->kind == PK_MAP;
        return floe_avro__decode_items(d, v, is_map, is_map || p->w->child->min_size > 0,
                                       decode_plan_item, p->child);
    }
    case PK_WUNION: {
        int64_t b = 0;
        if ((rc = floe_avro__read_branch(d, p->w->nbranches, &b)))
            return rc;
        if ((rc = floe_avro__enter(d)))
            return rc;
        rc = floe_avro__decode_plan(d, p->branches[b], v);
        d->depth--;
        return rc;
    }
    case PK_RUNION: {
        floe_avro_value *bv;
        if ((rc = floe_avro_value_union_select(&bv, v, p->rbranch)))
            return rc;
        return floe_avro__decode_plan(d, p->child, bv);
    }
    case PK_ENUM: {
        int32_t i = 0;
        if ((rc = floe_avro__read_enum_index(d, p->w->nsymbols, &i)))
            return rc;
        if (p->enum_map[i] < 0)
            return floe_error_set(FLOE_ESCHEMA,
                                  "enum symbol '%s' of the file is unknown to the reader's enum "
                                  "'%s', which has no default",
                                  p->w->symbols[i], p->r->fullname);
        v->u.i = p->enum_map[i];
        return 0;
    }
    case PK_ERROR:
        return floe_error_set(FLOE_ESCHEMA, "%s", p->msg ? p->msg : "unresolvable union branch");
    }
    return floe_avro__corrupt(d, "internal error: bad plan");
}
