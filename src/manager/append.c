/* Appends and overwrites: Arrow batches -> partitioned Parquet data files -> a manifest -> a
 * manifest list carrying the parent's manifests -> a snapshot committed through the catalog,
 * retried on conflict with the data files and manifest reused. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/schema.h>
#include <floe/arrow/stream.h>
#include <floe/arrow/type.h>
#include <floe/arrow/validate.h>
#include <floe/arrow/value.h>
#include <floe/log.h>
#include <floe/error.h>
#include <floe/iceberg/manifest.h>
#include <floe/iceberg/manifest_list.h>
#include <floe/iceberg/metadata.h>
#include <floe/iceberg/partition.h>
#include <floe/iceberg/transform.h>
#include <floe/iceberg/snapshot.h>
#include <floe/iceberg/update.h>
#include <floe/parquet/writer.h>
#include <floe/retry.h>
#include <floe/trace.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/random.h"
#include "base/timeconv.h"
#include "base/uuid.h"
#include "manager/arrow_rows.h"
#include "manager/manager_internal.h"
#include "manager/write_internal.h"

#define MAX_LIST_MANIFESTS (1u << 20)

struct pwriter {
    floe_literal *key; /* owned partition tuple */
    floe_parquet_writer *w;
    char *path;
    uint64_t last_use;
};

struct files {
    floe_data_file **v;
    size_t n, cap;
};

struct writer_set {
    floe_table *t;
    struct ArrowSchema schema; /* the table's Arrow schema (field ids) */
    size_t nkeys;              /* partition fields */
    struct pwriter *open;
    size_t nopen;
    struct files out;
    char write_id[FLOE_UUID_STR_LEN];
    size_t file_seq;
    uint64_t clock;
    int64_t records;
    int64_t bytes;
    const floe_literal *pending_key; /* key of the rows being written (NULL: unpartitioned) */
};

static int files_push(struct files *f, floe_data_file *df)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        floe_data_file **v = floe_realloc(f->v, cap * sizeof *v);
        if (!v)
            return floe_error_set(FLOE_ENOMEM, "out of memory");
        f->v = v;
        f->cap = cap;
    }
    f->v[f->n++] = df;
    return 0;
}

static void files_free(struct files *f, floe_file_io *io_to_remove)
{
    for (size_t i = 0; i < f->n; i++) {
        if (io_to_remove)
            io_to_remove->remove(io_to_remove, floe_data_file_path(f->v[i]));
        floe_data_file_free(f->v[i]);
    }
    floe_free(f->v);
    memset(f, 0, sizeof *f);
}

static void key_free(floe_literal *key, size_t n)
{
    if (!key)
        return;
    for (size_t i = 0; i < n; i++)
        floe_literal_clear(&key[i]);
    floe_free(key);
}

/* A bound value of the Parquet writer as an Iceberg literal of `type`. */
static int bound_literal(floe_literal *out, const floe_type *type, const floe_parquet_value *v)
{
    floe_type_kind k = floe_type_get_kind(type);
    switch (v->kind) {
    case FLOE_PARQUET_VALUE_BOOL:
        *out = floe_literal_bool(v->i != 0);
        return k == FLOE_TYPE_BOOLEAN;
    case FLOE_PARQUET_VALUE_INT:
        switch (k) {
        case FLOE_TYPE_INT:
            *out = floe_literal_int((int32_t)v->i);
            return 1;
        case FLOE_TYPE_DATE:
            *out = floe_literal_date((int32_t)v->i);
            return 1;
        case FLOE_TYPE_LONG:
            *out = floe_literal_long(v->i);
            return 1;
        case FLOE_TYPE_TIME:
            *out = floe_literal_time(v->i);
            return 1;
        case FLOE_TYPE_TIMESTAMP:
            *out = floe_literal_timestamp(v->i);
            return 1;
        case FLOE_TYPE_TIMESTAMPTZ:
            *out = floe_literal_timestamptz(v->i);
            return 1;
        case FLOE_TYPE_TIMESTAMP_NS:
            *out = floe_literal_timestamp_ns(v->i);
            return 1;
        case FLOE_TYPE_TIMESTAMPTZ_NS:
            *out = floe_literal_timestamptz_ns(v->i);
            return 1;
        case FLOE_TYPE_DECIMAL:
            *out = floe_literal_decimal(v->i, floe_type_decimal_scale(type));
            return 1;
        default:
            return 0;
        }
    case FLOE_PARQUET_VALUE_FLOAT:
        *out = floe_literal_float((float)v->d);
        return k == FLOE_TYPE_FLOAT;
    case FLOE_PARQUET_VALUE_DOUBLE:
        *out = floe_literal_double(v->d);
        return k == FLOE_TYPE_DOUBLE;
    case FLOE_PARQUET_VALUE_BYTES:
        if (k == FLOE_TYPE_STRING)
            *out = floe_literal_string((const char *)v->bytes, v->len);
        else if (k == FLOE_TYPE_BINARY)
            *out = floe_literal_binary(v->bytes, v->len);
        else if (k == FLOE_TYPE_FIXED)
            *out = floe_literal_fixed(v->bytes, v->len);
        else if (k == FLOE_TYPE_UUID && v->len == 16)
            *out = floe_literal_uuid(v->bytes);
        else
            return 0;
        return 1;
    case FLOE_PARQUET_VALUE_DECIMAL: {
        if (k != FLOE_TYPE_DECIMAL || v->len == 0 || v->len > 16)
            return 0;
        /* big-endian two's complement, sign-extended to 128 bits */
        uint8_t full[16];
        memset(full, (v->bytes[0] & 0x80) ? 0xff : 0, sizeof full);
        memcpy(full + 16 - v->len, v->bytes, v->len);
        uint64_t hi = 0, lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | full[i];
            lo = (lo << 8) | full[8 + i];
        }
        *out = floe_literal_decimal128((int64_t)hi, lo, floe_type_decimal_scale(type));
        return 1;
    }
    default:
        return 0;
    }
}

static int data_file_from_metrics(floe_data_file **out, const floe_schema *schema, const char *path,
                                  const floe_literal *key, size_t nkeys,
                                  floe_parquet_file_metrics *pm)
{
    floe_data_file *df = NULL;
    int rc = floe_data_file_new(&df, FLOE_CONTENT_DATA, path, "parquet",
                                floe_parquet_file_metrics_row_count(pm),
                                (int64_t)floe_parquet_file_metrics_file_size(pm));
    if (rc)
        return rc;
    if (nkeys && (rc = floe_data_file_set_partition(df, key, nkeys)))
        goto fail;
    for (size_t i = 0; i < floe_parquet_file_metrics_n_columns(pm); i++) {
        const floe_parquet_column_metrics *c = floe_parquet_file_metrics_column(pm, i);
        if (c->field_id < 0)
            continue;
        if ((rc = floe_data_file_set_column_metrics(df, c->field_id, c->column_size, c->value_count,
                                                    c->null_count, c->nan_count)))
            goto fail;
        const floe_field *f = floe_schema_find_field(schema, c->field_id);
        /* bounds only for primitive columns outside lists and maps, as the spec allows */
        if (!f || !floe_type_is_primitive(floe_field_type(f)) ||
            floe_schema_parent_id(schema, c->field_id) != -1)
            continue;
        floe_literal lo, hi;
        if (bound_literal(&lo, floe_field_type(f), &c->lower) &&
            bound_literal(&hi, floe_field_type(f), &c->upper) &&
            (rc = floe_data_file_set_bounds(df, c->field_id, &lo, &hi,
                                            FLOE_METRICS_DEFAULT_TRUNCATE)))
            goto fail;
    }
    size_t ng = floe_parquet_file_metrics_n_row_groups(pm);
    if (ng) {
        int64_t *offs = floe_calloc(ng, sizeof *offs);
        if (!offs) {
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
            goto fail;
        }
        for (size_t i = 0; i < ng; i++)
            offs[i] = floe_parquet_file_metrics_split_offset(pm, i);
        rc = floe_data_file_set_split_offsets(df, offs, ng);
        floe_free(offs);
        if (rc)
            goto fail;
    }
    *out = df;
    return 0;
fail:
    floe_data_file_free(df);
    return rc;
}

static int close_writer(struct writer_set *ws, size_t idx)
{
    struct pwriter *p = &ws->open[idx];
    floe_parquet_file_metrics *pm = NULL;
    int rc = floe_parquet_writer_close(p->w, &pm);
    p->w = NULL;
    floe_data_file *df = NULL;
    if (!rc)
        rc = data_file_from_metrics(&df, ws->t->schema, p->path, p->key, ws->nkeys, pm);
    if (!rc && (rc = files_push(&ws->out, df)))
        floe_data_file_free(df);
    if (!rc) {
        ws->records += floe_parquet_file_metrics_row_count(pm);
        ws->bytes += (int64_t)floe_parquet_file_metrics_file_size(pm);
    } else {
        ws->t->m->io->remove(ws->t->m->io, p->path);
    }
    floe_parquet_file_metrics_free(pm);
    key_free(p->key, ws->nkeys);
    floe_free(p->path);
    ws->open[idx] = ws->open[--ws->nopen];
    return rc;
}

static int open_writer(struct writer_set *ws, const floe_literal *key, size_t *idx)
{
    floe_manager *m = ws->t->m;
    if (ws->nopen >= m->max_open_writers) {
        size_t lru = 0;
        for (size_t i = 1; i < ws->nopen; i++)
            if (ws->open[i].last_use < ws->open[lru].last_use)
                lru = i;
        int rc = close_writer(ws, lru);
        if (rc)
            return rc;
    }
    if (!ws->open) {
        ws->open = floe_calloc(m->max_open_writers, sizeof *ws->open);
        if (!ws->open)
            return floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    struct pwriter *p = &ws->open[ws->nopen];
    memset(p, 0, sizeof *p);
    char *ppath = NULL;
    int rc = 0;
    if (ws->nkeys) {
        if (!(p->key = floe_calloc(ws->nkeys, sizeof *p->key)))
            return floe_error_set(FLOE_ENOMEM, "out of memory");
        for (size_t i = 0; !rc && i < ws->nkeys; i++)
            rc = floe_literal_copy(&p->key[i], &key[i]);
        if (!rc)
            rc = floe_partition_spec_path(&ppath, ws->t->spec, key);
    }
    floe_buf b = FLOE_BUF_INIT;
    if (!rc && floe_buf_printf(&b, "%s/data/%s%s%s-%05zu.parquet", floe_table_location(ws->t),
                               ppath ? ppath : "", ppath ? "/" : "", ws->write_id, ws->file_seq++))
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    floe_iceberg_free_string(ppath);
    size_t len;
    if (!rc)
        p->path = (char *)floe_buf_detach(&b, &len);
    floe_buf_free(&b);
    floe_output_file *f = NULL;
    if (!rc)
        rc = m->io->create(&f, m->io, p->path, FLOE_CREATE_EXCLUSIVE);
    if (!rc) {
        floe_parquet_writer_options o = FLOE_PARQUET_WRITER_OPTIONS_INIT;
        o.row_group_bytes = m->row_group_size;
        o.compression = m->compression;
        rc = floe_parquet_writer_open(&p->w, f, &ws->schema, &o);
    }
    if (rc) {
        key_free(p->key, ws->nkeys);
        floe_free(p->path);
        return rc;
    }
    p->last_use = ++ws->clock;
    *idx = ws->nopen++;
    return 0;
}

static int find_writer(struct writer_set *ws, const floe_literal *key, size_t *idx)
{
    for (size_t i = 0; i < ws->nopen; i++) {
        size_t k = 0;
        while (k < ws->nkeys && floe_literal_equal(&ws->open[i].key[k], &key[k]))
            k++;
        if (k == ws->nkeys) {
            *idx = i;
            return 0;
        }
    }
    return open_writer(ws, key, idx);
}

/* Rows written per call, so that a large batch still rolls files near the target size. */
#define WRITE_SLICE_ROWS 1024

static int write_rows(struct writer_set *ws, size_t idx, const struct ArrowArray *batch)
{
    int rc = 0;
    for (int64_t done = 0; !rc && done < batch->length; done += WRITE_SLICE_ROWS) {
        struct ArrowArray slice = *batch;
        slice.offset = batch->offset + done;
        slice.length =
            batch->length - done < WRITE_SLICE_ROWS ? batch->length - done : WRITE_SLICE_ROWS;
        slice.null_count = batch->null_count == 0 ? 0 : -1;
        if (idx == (size_t)-1 && (rc = find_writer(ws, ws->pending_key, &idx)))
            break;
        struct pwriter *p = &ws->open[idx];
        p->last_use = ++ws->clock;
        if ((rc = floe_parquet_writer_write(p->w, &slice)))
            break;
        if ((int64_t)floe_parquet_writer_bytes_estimate(p->w) >= ws->t->m->target_file_size) {
            rc = close_writer(ws, idx);
            idx = (size_t)-1; /* the next slice opens a new file for the same key */
        }
    }
    return rc;
}

/* Mapping of an input stream's columns onto the table's columns. */
struct column_map {
    size_t ncols;
    int64_t *src;                   /* input child per table column, -1 when absent */
    struct ArrowArray *nulls;       /* arrays made here: nulls for absent optional columns,
                                       converted values for cast columns */
    int *cast;                      /* 1 when the input column is converted */
    const struct ArrowSchema *in;   /* the input schema */
    const struct ArrowArray **kids; /* children of the view batch */
};

static void release_noop(struct ArrowArray *a)
{
    a->release = NULL;
}

static int in_set(const char *f, const char *const *set)
{
    for (; *set; set++)
        if (strcmp(f, *set) == 0)
            return 1;
    return 0;
}

/* Time unit factor of a temporal format relative to microseconds or nanoseconds. */
static int64_t ts_scale(char unit, char target)
{
    static const char units[] = "smun";
    const char *a = strchr(units, unit), *b = strchr(units, target);
    if (!a || !b || !unit || !target || a > b)
        return 0;
    int64_t f = 1;
    for (const char *p = a; p < b; p++)
        f *= 1000;
    return f;
}

/* 1 when `got` is `want`, 2 when values convert exactly (widening integers, float to double,
 * coarser time units, large strings), 0 otherwise. */
static int formats_compatible(const char *want, const char *got)
{
    static const char *const ints32[] = {"c", "s", "i", "C", "S", "I", NULL};
    static const char *const ints16[] = {"c", "s", "C", "S", NULL};
    if (strcmp(want, got) == 0)
        return 1;
    /* any time zone is an instant (timestamptz); Arrow offsets "+00:00" and "UTC" both occur */
    if (strncmp(want, "ts", 2) == 0 && strncmp(got, "ts", 2) == 0 && want[2] && got[2] &&
        want[3] == ':' && got[3] == ':' && !want[4] == !got[4])
        return want[2] == got[2] ? 1 : ts_scale(got[2], want[2]) ? 2 : 0;
    if (strcmp(want, "l") == 0 && in_set(got, ints32))
        return 2;
    if (strcmp(want, "i") == 0 && in_set(got, ints16))
        return 2;
    if (strcmp(want, "g") == 0 && (strcmp(got, "f") == 0 || in_set(got, ints32)))
        return 2;
    if ((strcmp(want, "u") == 0 && strcmp(got, "U") == 0) ||
        (strcmp(want, "z") == 0 && strcmp(got, "Z") == 0))
        return 2;
    if (strcmp(want, "ttu") == 0 && (strcmp(got, "tts") == 0 || strcmp(got, "ttm") == 0))
        return 2;
    if (strcmp(want, "tdD") == 0 && strcmp(got, "tdm") == 0)
        return 2;
    return 0;
}

/* Converts slots [0, n) of `a` (format of `from`) to the type of `to` (see
 * formats_compatible). */
static int cast_array(struct ArrowArray *out, const struct ArrowSchema *to,
                      const struct ArrowSchema *from, const struct ArrowArray *a, int64_t n)
{
    floe_arrow_type ft = FLOE_ARROW_TYPE_INIT;
    int rc = floe_arrow_type_from_schema(&ft, from);
    if (rc)
        return rc;
    int64_t factor = 1;
    if (strncmp(to->format, "ts", 2) == 0)
        factor = ts_scale(from->format[2], to->format[2]);
    else if (strcmp(to->format, "ttu") == 0)
        factor = ts_scale(from->format[2], 'u');
    floe_arrow_builder *b = NULL;
    if ((rc = floe_arrow_builder_new(&b, to)))
        return rc;
    for (int64_t i = 0; !rc && i < n; i++) {
        if (floe_arrow_is_null(a, i)) {
            rc = floe_arrow_builder_append_null(b);
        } else if (ft.id == FLOE_ARROW_TYPE_FLOAT32) {
            rc = floe_arrow_builder_append_double(b, floe_arrow_get_float32(a, i));
        } else if (floe_arrow_type_is_var_binary(ft.id)) {
            floe_arrow_bytes v = floe_arrow_get_var_bytes(a, ft.id, i);
            rc = floe_arrow_builder_append_bytes(b, v.data, (size_t)v.len);
        } else if (ft.id == FLOE_ARROW_TYPE_DATE64) {
            int64_t ms = floe_arrow_get_int64(a, i);
            int64_t days = ms / 86400000 - (ms % 86400000 < 0);
            rc = floe_arrow_builder_append_int(b, days);
        } else if (strcmp(to->format, "g") == 0) {
            rc = floe_arrow_builder_append_double(b,
                                                  (double)floe_arrow_get_int_as_int64(a, ft.id, i));
        } else {
            int64_t v = floe_arrow_get_int_as_int64(a, ft.id, i);
            if (factor > 1 && (v > INT64_MAX / factor || v < INT64_MIN / factor))
                rc = floe_error_set(FLOE_ERANGE,
                                    "column '%s': value %" PRId64 " overflows when converted "
                                    "to '%s'",
                                    to->name, v, to->format);
            else
                rc = floe_arrow_builder_append_int(b, v * factor);
        }
    }
    if (!rc)
        rc = floe_arrow_builder_finish(b, out);
    floe_arrow_builder_free(b);
    return rc;
}

static int build_map(struct column_map *cm, const struct ArrowSchema *table,
                     const struct ArrowSchema *input, const char *ident)
{
    cm->ncols = (size_t)table->n_children;
    cm->src = floe_calloc(cm->ncols ? cm->ncols : 1, sizeof *cm->src);
    cm->nulls = floe_calloc(cm->ncols ? cm->ncols : 1, sizeof *cm->nulls);
    cm->kids = floe_calloc(cm->ncols ? cm->ncols : 1, sizeof *cm->kids);
    cm->cast = floe_calloc(cm->ncols ? cm->ncols : 1, sizeof *cm->cast);
    cm->in = input;
    if (!cm->src || !cm->nulls || !cm->kids || !cm->cast)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    if (strcmp(input->format, "+s") != 0)
        return floe_error_set(FLOE_ESCHEMA, "input to '%s' is not a struct of columns (format %s)",
                              ident, input->format);
    for (int64_t j = 0; j < input->n_children; j++) {
        const char *name = input->children[j]->name ? input->children[j]->name : "";
        int64_t found = -1;
        for (int64_t i = 0; i < table->n_children; i++)
            if (strcmp(table->children[i]->name, name) == 0)
                found = i;
        if (found < 0)
            return floe_error_set(
                FLOE_ESCHEMA,
                "input column '%s' is not in the schema of table '%s' (add it first, or write "
                "with union by name: --union-by-name, floe_write_options.union_by_name)",
                name, ident);
        int compat = formats_compatible(table->children[found]->format, input->children[j]->format);
        cm->cast[found] = compat == 2;
        if (!compat)
            return floe_error_set(FLOE_ESCHEMA,
                                  "input column '%s' has Arrow type '%s' but table '%s' expects "
                                  "'%s' (a wider input type can be taken with union by name: "
                                  "--union-by-name, floe_write_options.union_by_name)",
                                  name, input->children[j]->format, ident,
                                  table->children[found]->format);
    }
    for (size_t i = 0; i < cm->ncols; i++) {
        cm->src[i] = -1;
        for (int64_t j = 0; j < input->n_children; j++)
            if (input->children[j]->name &&
                strcmp(input->children[j]->name, table->children[i]->name) == 0)
                cm->src[i] = j;
        if (cm->src[i] < 0 && !(table->children[i]->flags & ARROW_FLAG_NULLABLE))
            return floe_error_set(FLOE_ESCHEMA,
                                  "required column '%s' of table '%s' is missing from the input",
                                  table->children[i]->name, ident);
    }
    return 0;
}

static void map_release_nulls(struct column_map *cm)
{
    for (size_t i = 0; cm->nulls && i < cm->ncols; i++)
        floe_arrow_array_release(&cm->nulls[i]);
}

static void map_free(struct column_map *cm)
{
    map_release_nulls(cm);
    floe_free(cm->src);
    floe_free(cm->nulls);
    floe_free(cm->kids);
    floe_free(cm->cast);
}

/* A view of `in` with the table's columns in table order (no copies). */
static int make_view(struct ArrowArray *view, struct column_map *cm,
                     const struct ArrowSchema *table, const struct ArrowArray *in)
{
    map_release_nulls(cm);
    for (size_t i = 0; i < cm->ncols; i++) {
        if (cm->src[i] >= 0 && !cm->cast[i]) {
            cm->kids[i] = in->children[cm->src[i]];
            continue;
        }
        if (cm->src[i] >= 0) {
            int rc = cast_array(&cm->nulls[i], table->children[i], cm->in->children[cm->src[i]],
                                in->children[cm->src[i]], in->offset + in->length);
            if (rc)
                return rc;
            cm->kids[i] = &cm->nulls[i];
            continue;
        }
        floe_arrow_builder *b = NULL;
        int rc = floe_arrow_builder_new(&b, table->children[i]);
        if (!rc)
            rc = floe_arrow_builder_append_nulls(b, in->offset + in->length);
        if (!rc)
            rc = floe_arrow_builder_finish(b, &cm->nulls[i]);
        floe_arrow_builder_free(b);
        if (rc)
            return rc;
        cm->kids[i] = &cm->nulls[i];
    }
    memset(view, 0, sizeof *view);
    view->length = in->length;
    view->offset = in->offset;
    view->n_buffers = 1;
    static const void *no_validity[1] = {NULL};
    view->buffers = no_validity;
    view->n_children = (int64_t)cm->ncols;
    view->children = (struct ArrowArray **)cm->kids;
    view->release = release_noop;
    return 0;
}

/* Distinct transformed values of one partition field that are not integers (strings,
 * binary, decimals, floats...), numbered in first-seen order, with a hash index. */
struct value_dict {
    floe_literal *v; /* owned copies */
    size_t n, cap;
    uint32_t *slots; /* index + 1, 0 empty; size mask + 1 (a power of two) */
    size_t mask;
};

static uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    return h;
}

static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * UINT64_C(0x100000001b3);
    return mix64(h ^ n);
}

/* Equal literals (floe_literal_equal) hash alike: floats hash 0.0 and -0.0, and every NaN, the
 * same. */
static uint64_t literal_hash(const floe_literal *l)
{
    switch (l->kind) {
    case FLOE_TYPE_STRING:
    case FLOE_TYPE_BINARY:
    case FLOE_TYPE_FIXED:
        return hash_bytes(l->v.bytes.data, l->v.bytes.len);
    case FLOE_TYPE_UUID:
        return hash_bytes(l->v.uuid, sizeof l->v.uuid);
    case FLOE_TYPE_DECIMAL:
        return mix64((uint64_t)l->v.dec.hi * 31u ^ mix64(l->v.dec.lo));
    case FLOE_TYPE_FLOAT:
    case FLOE_TYPE_DOUBLE: {
        double d = l->kind == FLOE_TYPE_FLOAT ? (double)l->v.f32 : l->v.f64;
        if (d != d)
            return 1;
        if (d == 0)
            return 0;
        uint64_t bits;
        memcpy(&bits, &d, sizeof bits);
        return mix64(bits);
    }
    case FLOE_TYPE_BOOLEAN:
        return l->v.b;
    case FLOE_TYPE_INT:
    case FLOE_TYPE_DATE:
        return mix64((uint64_t)(int64_t)l->v.i32);
    default:
        return mix64((uint64_t)l->v.i64);
    }
}

static void dict_free(struct value_dict *d)
{
    for (size_t i = 0; i < d->n; i++)
        floe_literal_clear(&d->v[i]);
    floe_free(d->v);
    floe_free(d->slots);
    memset(d, 0, sizeof *d);
}

/* The number of `l` in the dictionary, added (copied) when new. */
static int dict_intern(struct value_dict *d, const floe_literal *l, int64_t *out)
{
    if ((d->n + 1) * 2 > d->mask + 1) {
        size_t size = d->mask ? (d->mask + 1) * 2 : 64;
        uint32_t *slots = floe_calloc(size, sizeof *slots);
        floe_literal *v = floe_realloc(d->v, size / 2 * sizeof *v);
        if (!slots || !v) {
            floe_free(slots);
            if (v)
                d->v = v;
            return floe_error_set(FLOE_ENOMEM, "out of memory grouping partition values");
        }
        d->v = v;
        d->cap = size / 2;
        d->mask = size - 1;
        floe_free(d->slots);
        d->slots = slots;
        for (size_t i = 0; i < d->n; i++) {
            size_t s = (size_t)literal_hash(&d->v[i]) & d->mask;
            while (d->slots[s])
                s = (s + 1) & d->mask;
            d->slots[s] = (uint32_t)i + 1;
        }
    }
    size_t s = (size_t)literal_hash(l) & d->mask;
    for (; d->slots[s]; s = (s + 1) & d->mask) {
        if (floe_literal_equal(&d->v[d->slots[s] - 1], l)) {
            *out = (int64_t)d->slots[s] - 1;
            return 0;
        }
    }
    int rc = floe_literal_copy(&d->v[d->n], l);
    if (rc)
        return rc;
    d->slots[s] = (uint32_t)d->n + 1;
    *out = (int64_t)d->n++;
    return 0;
}

/* Partition field `k` of every row of the batch as codes, in one pass over its source column:
 * code[r] is the transformed value itself when it is an integer (int, date, long, time,
 * timestamps, boolean), else its number in `dict`; nul[r] is 1 for a null partition value.
 * Two rows have the same partition value exactly when their (nul, code) are equal. */
/* Identity, day and hour of integer and temporal columns straight from the Arrow values, as
 * floe_transform_apply computes them (day and hour: floored, then narrowed to 32 bits).
 * Returns 0 when the column or transform needs the general path. */
static int fast_codes(int64_t *code, uint8_t *nul, floe_transform tr, floe_type_kind k,
                      const floe_arrow_type *at, const struct ArrowArray *col, int64_t base,
                      int64_t n)
{
    int ns = k == FLOE_TYPE_TIMESTAMP_NS || k == FLOE_TYPE_TIMESTAMPTZ_NS;
    int ts = ns || k == FLOE_TYPE_TIMESTAMP || k == FLOE_TYPE_TIMESTAMPTZ;
    int narrow = k == FLOE_TYPE_INT || k == FLOE_TYPE_DATE;
    int int_storage = floe_arrow_type_is_integer(at->id) || at->id == FLOE_ARROW_TYPE_DATE32 ||
                      at->id == FLOE_ARROW_TYPE_TIMESTAMP;
    if (at->is_dictionary || !int_storage)
        return 0;
    int64_t unit = 0; /* microseconds per day or hour; 0 for identity */
    if (tr.kind == FLOE_TRANSFORM_IDENTITY) {
        if (!ts && !narrow && k != FLOE_TYPE_LONG)
            return 0;
    } else if (tr.kind == FLOE_TRANSFORM_DAY && ts) {
        unit = INT64_C(86400000000);
    } else if (tr.kind == FLOE_TRANSFORM_HOUR && ts) {
        unit = INT64_C(3600000000);
    } else if (tr.kind == FLOE_TRANSFORM_DAY && k == FLOE_TYPE_DATE) {
        narrow = 1; /* day of a date is the date */
    } else {
        return 0;
    }
    int nullable = col->buffers[0] != NULL && col->null_count != 0;
    for (int64_t r = 0; r < n; r++) {
        nul[r] = nullable && floe_arrow_is_null(col, base + r);
        int64_t v = nul[r] ? 0 : floe_arrow_get_int_as_int64(col, at->id, base + r);
        if (unit)
            v = (int32_t)floe_floor_div(ns ? floe_floor_div(v, 1000) : v, unit);
        else if (narrow)
            v = (int32_t)v;
        code[r] = v;
    }
    return 1;
}

static int field_codes(int64_t *code, uint8_t *nul, struct value_dict *dict,
                       const floe_partition_field *pf, const floe_type *type,
                       const struct ArrowSchema *as, const struct ArrowArray *col, int64_t base,
                       int64_t n)
{
    floe_arrow_type at = FLOE_ARROW_TYPE_INIT;
    int rc = floe_arrow_type_from_schema(&at, as);
    floe_transform tr = floe_partition_field_transform(pf);
    if (!rc && fast_codes(code, nul, tr, floe_type_get_kind(type), &at, col, base, n))
        return 0;
    for (int64_t r = 0; !rc && r < n; r++) {
        floe_literal src, v;
        memset(&src, 0, sizeof src);
        memset(&v, 0, sizeof v);
        if ((rc = floe_manager__arrow_literal_typed(&src, type, &at, col, base + r)))
            break;
        if ((rc = floe_transform_apply(&v, tr, &src))) {
            rc = floe_error_wrap(rc, "partition field '%s'", floe_partition_field_name(pf));
            break;
        }
        nul[r] = v.is_null;
        code[r] = 0;
        if (!v.is_null) {
            switch (v.kind) {
            case FLOE_TYPE_BOOLEAN:
                code[r] = v.v.b;
                break;
            case FLOE_TYPE_INT:
            case FLOE_TYPE_DATE:
                code[r] = v.v.i32;
                break;
            case FLOE_TYPE_LONG:
            case FLOE_TYPE_TIME:
            case FLOE_TYPE_TIMESTAMP:
            case FLOE_TYPE_TIMESTAMPTZ:
            case FLOE_TYPE_TIMESTAMP_NS:
            case FLOE_TYPE_TIMESTAMPTZ_NS:
                code[r] = v.v.i64;
                break;
            default:
                rc = dict_intern(dict, &v, &code[r]);
                break;
            }
        }
        floe_literal_clear(&v);
    }
    return rc;
}

/* Rows of a batch grouped by partition: groups numbered in order of first row. */
struct row_groups {
    uint32_t *gid;   /* group of each row */
    int64_t *first;  /* first row of each group */
    size_t n, cap;   /* groups */
    uint32_t *slots; /* hash index: group + 1, 0 empty */
    size_t mask;
    int64_t *start; /* n + 1 offsets into rows */
    int64_t *rows;  /* row numbers, by group, ascending within a group */
};

static void groups_free(struct row_groups *g)
{
    floe_free(g->gid);
    floe_free(g->first);
    floe_free(g->slots);
    floe_free(g->start);
    floe_free(g->rows);
    memset(g, 0, sizeof *g);
}

static uint64_t row_hash(const int64_t *code, const uint8_t *nul, size_t nk, int64_t n, int64_t r)
{
    uint64_t h = UINT64_C(0x9e3779b97f4a7c15);
    for (size_t k = 0; k < nk; k++) {
        size_t at = k * (size_t)n + (size_t)r;
        h = mix64(h ^ (nul[at] ? UINT64_C(0x5bd1e995) : (uint64_t)code[at])) + k;
    }
    return h;
}

static int same_key(const int64_t *code, const uint8_t *nul, size_t nk, int64_t n, int64_t a,
                    int64_t b)
{
    for (size_t k = 0; k < nk; k++) {
        size_t x = k * (size_t)n + (size_t)a, y = k * (size_t)n + (size_t)b;
        if (nul[x] != nul[y] || (!nul[x] && code[x] != code[y]))
            return 0;
    }
    return 1;
}

static int groups_grow(struct row_groups *g, const int64_t *code, const uint8_t *nul, size_t nk,
                       int64_t n)
{
    size_t size = g->mask ? (g->mask + 1) * 2 : 64;
    uint32_t *slots = floe_calloc(size, sizeof *slots);
    int64_t *first = floe_realloc(g->first, size / 2 * sizeof *first);
    if (first)
        g->first = first;
    if (!slots || !first) {
        floe_free(slots);
        return floe_error_set(FLOE_ENOMEM, "out of memory grouping rows by partition");
    }
    g->cap = size / 2;
    g->mask = size - 1;
    floe_free(g->slots);
    g->slots = slots;
    for (size_t i = 0; i < g->n; i++) {
        size_t s = (size_t)row_hash(code, nul, nk, n, g->first[i]) & g->mask;
        while (g->slots[s])
            s = (s + 1) & g->mask;
        g->slots[s] = (uint32_t)i + 1;
    }
    return 0;
}

/* Groups the rows by their codes with a hash index, then lists each group's rows. */
static int group_rows(struct row_groups *g, const int64_t *code, const uint8_t *nul, size_t nk,
                      int64_t n)
{
    memset(g, 0, sizeof *g);
    g->gid = floe_malloc((size_t)n * sizeof *g->gid);
    if (!g->gid)
        return floe_error_set(FLOE_ENOMEM, "out of memory grouping rows by partition");
    int rc = 0;
    for (int64_t r = 0; !rc && r < n; r++) {
        if ((g->n + 1) * 2 > g->mask + 1 && (rc = groups_grow(g, code, nul, nk, n)))
            break;
        size_t s = (size_t)row_hash(code, nul, nk, n, r) & g->mask;
        while (g->slots[s] && !same_key(code, nul, nk, n, g->first[g->slots[s] - 1], r))
            s = (s + 1) & g->mask;
        if (!g->slots[s]) {
            g->first[g->n] = r;
            g->slots[s] = (uint32_t)++g->n;
        }
        g->gid[r] = g->slots[s] - 1;
    }
    if (rc)
        return rc;
    g->start = floe_calloc(g->n + 1, sizeof *g->start);
    g->rows = floe_malloc((size_t)n * sizeof *g->rows);
    if (!g->start || !g->rows)
        return floe_error_set(FLOE_ENOMEM, "out of memory grouping rows by partition");
    for (int64_t r = 0; r < n; r++)
        g->start[g->gid[r] + 1]++;
    for (size_t i = 0; i < g->n; i++)
        g->start[i + 1] += g->start[i];
    /* fill with a moving cursor per group: reuse gid as nothing else needs it afterwards */
    int64_t *cursor = floe_malloc((g->n ? g->n : 1) * sizeof *cursor);
    if (!cursor)
        return floe_error_set(FLOE_ENOMEM, "out of memory grouping rows by partition");
    memcpy(cursor, g->start, g->n * sizeof *cursor);
    for (int64_t r = 0; r < n; r++)
        g->rows[cursor[g->gid[r]]++] = r;
    floe_free(cursor);
    return 0;
}

/* The partition tuple of row `r` (owned literals in `key`, nk of them). */
static int row_key(floe_literal *key, struct writer_set *ws, const size_t *col,
                   const struct ArrowArray *view, int64_t r)
{
    const floe_schema *schema = ws->t->schema;
    size_t nk = ws->nkeys;
    floe_literal src[8];
    floe_literal *s = nk <= 8 ? src : floe_calloc(nk, sizeof *s);
    if (!s)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    int rc = 0;
    for (size_t k = 0; !rc && k < nk; k++)
        rc = floe_manager__arrow_literal(
            &s[k], floe_field_type(floe_schema_column_at(schema, col[k])),
            ws->schema.children[col[k]], view->children[col[k]], view->offset + r);
    if (!rc)
        rc = floe_partition_spec_apply(key, ws->t->spec, s);
    if (s != src)
        floe_free(s);
    return rc;
}

static int write_batch(struct writer_set *ws, const struct ArrowArray *view)
{
    size_t idx = 0;
    int rc;
    if (ws->nkeys == 0) {
        ws->pending_key = NULL;
        if (ws->nopen == 0 && (rc = open_writer(ws, NULL, &idx)))
            return rc;
        return write_rows(ws, 0, view);
    }
    const floe_partition_spec *spec = ws->t->spec;
    const floe_schema *schema = ws->t->schema;
    size_t nk = ws->nkeys;
    int64_t n = view->length;
    size_t cells = nk * (size_t)n;
    int64_t *code = floe_malloc(cells * sizeof *code);
    uint8_t *nul = floe_malloc(cells);
    struct value_dict *dicts = floe_calloc(nk, sizeof *dicts);
    floe_literal *key = floe_calloc(nk, sizeof *key);
    size_t *col = floe_calloc(nk, sizeof *col);
    struct row_groups g;
    memset(&g, 0, sizeof g);
    if (!code || !nul || !dicts || !key || !col) {
        rc = floe_error_set(FLOE_ENOMEM, "out of memory partitioning a batch of %" PRId64 " rows",
                            n);
        goto out;
    }
    rc = 0;
    for (size_t k = 0; !rc && k < nk; k++) {
        int32_t sid = floe_partition_field_source_id(floe_partition_spec_field_at(spec, k));
        col[k] = (size_t)-1;
        for (size_t c = 0; c < floe_schema_column_count(schema); c++)
            if (floe_field_id(floe_schema_column_at(schema, c)) == sid)
                col[k] = c;
        if (col[k] == (size_t)-1)
            rc = floe_error_set(FLOE_EUNSUPPORTED,
                                "partition source field %d of '%s' is not a top-level column",
                                (int)sid, ws->t->ident);
    }
    for (size_t k = 0; !rc && k < nk; k++)
        rc = field_codes(code + k * (size_t)n, nul + k * (size_t)n, &dicts[k],
                         floe_partition_spec_field_at(spec, k),
                         floe_field_type(floe_schema_column_at(schema, col[k])),
                         ws->schema.children[col[k]], view->children[col[k]], view->offset, n);
    /* the codes are enough to group; only the literal key of each group's first row is built */
    if (!rc)
        rc = group_rows(&g, code, nul, nk, n);
    floe_free(code);
    code = NULL;
    floe_free(nul);
    nul = NULL;
    for (size_t i = 0; !rc && i < g.n; i++) {
        const int64_t *rows = g.rows + g.start[i];
        size_t cnt = (size_t)(g.start[i + 1] - g.start[i]);
        if ((rc = row_key(key, ws, col, view, rows[0])))
            break;
        if (!(rc = find_writer(ws, key, &idx))) {
            ws->pending_key = key;
            if (cnt == (size_t)n) {
                rc = write_rows(ws, idx, view);
            } else {
                floe_arrow_builder *b = NULL;
                struct ArrowArray part;
                memset(&part, 0, sizeof part);
                if (!(rc = floe_arrow_builder_new(&b, &ws->schema)) &&
                    !(rc = floe_manager__take(b, &ws->schema, view, rows, cnt)) &&
                    !(rc = floe_arrow_builder_finish_batch(b, &part, NULL)))
                    rc = write_rows(ws, idx, &part);
                floe_arrow_array_release(&part);
                floe_arrow_builder_free(b);
            }
            ws->pending_key = NULL;
        }
        for (size_t k = 0; k < nk; k++)
            floe_literal_clear(&key[k]);
    }
out:
    groups_free(&g);
    for (size_t k = 0; dicts && k < nk; k++)
        dict_free(&dicts[k]);
    floe_free(dicts);
    floe_free(code);
    floe_free(nul);
    floe_free(key);
    floe_free(col);
    return rc;
}

static void writer_set_abort(struct writer_set *ws)
{
    for (size_t i = 0; i < ws->nopen; i++) {
        floe_parquet_writer_abort(ws->open[i].w);
        key_free(ws->open[i].key, ws->nkeys);
        floe_free(ws->open[i].path);
    }
    ws->nopen = 0;
}

static void writer_set_free(struct writer_set *ws, int remove_files)
{
    writer_set_abort(ws);
    floe_free(ws->open);
    files_free(&ws->out, remove_files ? ws->t->m->io : NULL);
    floe_arrow_schema_release(&ws->schema);
}

static int writer_set_init(struct writer_set *ws, floe_table *t)
{
    memset(ws, 0, sizeof *ws);
    ws->t = t;
    ws->nkeys = floe_partition_spec_is_unpartitioned(t->spec)
                    ? 0
                    : floe_partition_spec_field_count(t->spec);
    uint8_t u[16];
    int rc = floe_uuid_v4(u);
    if (rc)
        return rc;
    floe_uuid_format(ws->write_id, u);
    return floe_manager__arrow_schema(&ws->schema, t->schema, NULL, 0);
}

int floe_manager__write_stream(struct floe_manager_written *out, floe_table *t,
                               struct ArrowArrayStream *stream)
{
    struct writer_set ws;
    memset(out, 0, sizeof *out);
    int rc = writer_set_init(&ws, t);
    struct ArrowSchema in_schema;
    memset(&in_schema, 0, sizeof in_schema);
    struct column_map cm;
    memset(&cm, 0, sizeof cm);
    if (!rc)
        rc = floe_arrow_stream_get_schema(stream, &in_schema);
    if (!rc && (rc = floe_arrow_validate_schema(&in_schema)) == 0)
        rc = build_map(&cm, &ws.schema, &in_schema, t->ident);
    int64_t batch_no = 0;
    while (!rc) {
        struct ArrowArray batch;
        memset(&batch, 0, sizeof batch);
        if ((rc = floe_arrow_stream_get_next(stream, &batch)))
            break;
        if (!batch.release)
            break;
        batch_no++;
        struct ArrowArray view;
        if ((rc = floe_arrow_validate(&in_schema, &batch, FLOE_ARROW_VALIDATE_UTF8)))
            rc = floe_error_wrap(rc, "batch %" PRId64 " appended to '%s' is invalid", batch_no,
                                 t->ident);
        else if (!(rc = make_view(&view, &cm, &ws.schema, &batch)) && batch.length > 0)
            rc = write_batch(&ws, &view);
        floe_arrow_array_release(&batch);
    }
    while (!rc && ws.nopen)
        rc = close_writer(&ws, ws.nopen - 1);
    map_free(&cm);
    floe_arrow_schema_release(&in_schema);
    if (rc) {
        writer_set_free(&ws, 1);
        return rc;
    }
    out->files = ws.out.v;
    out->count = ws.out.n;
    out->records = ws.records;
    out->bytes = ws.bytes;
    ws.out.v = NULL;
    ws.out.n = 0;
    writer_set_free(&ws, 0);
    return 0;
}

void floe_manager__written_free(struct floe_manager_written *w, floe_file_io *remove_with)
{
    struct files f = {w->files, w->count, w->count};
    files_free(&f, remove_with);
    memset(w, 0, sizeof *w);
}

int floe_manager__write_streams(struct floe_manager_written *out, floe_table *t,
                                struct ArrowArrayStream *const *streams, size_t n)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        struct floe_manager_written one;
        int rc = floe_manager__write_stream(&one, t, streams[i]);
        if (!rc && one.count) {
            floe_data_file **v =
                floe_realloc(out->files, (out->count + one.count) * sizeof *out->files);
            if (!v) {
                rc = floe_error_set(FLOE_ENOMEM, "out of memory");
            } else {
                memcpy(v + out->count, one.files, one.count * sizeof *v);
                out->files = v;
                out->count += one.count;
                out->records += one.records;
                out->bytes += one.bytes;
                floe_free(one.files);
                memset(&one, 0, sizeof one);
            }
        }
        if (rc) {
            floe_manager__written_free(&one, t->m->io);
            floe_manager__written_free(out, t->m->io);
            return n > 1 ? floe_error_wrap(rc, "input %zu of %zu", i + 1, n) : rc;
        }
        floe_manager__written_free(&one, NULL);
    }
    return 0;
}

/* ---- commit ---- */

/* <table>/metadata/<prefix><a>-<kind><b>-<id>.avro */
static char *metadata_path(const floe_table *t, const char *prefix, int64_t a, const char *kind,
                           int64_t b, const char *id)
{
    floe_buf buf = FLOE_BUF_INIT;
    if (floe_buf_printf(&buf, "%s/metadata/%s%" PRId64 "-%s%" PRId64 "-%s.avro",
                        floe_table_location(t), prefix, a, kind, b, id)) {
        floe_buf_free(&buf);
        return NULL;
    }
    size_t len;
    return (char *)floe_buf_detach(&buf, &len);
}

int floe_manager__new_ids(int64_t *snapshot_id, char write_id[FLOE_UUID_STR_LEN])
{
    uint8_t u[16];
    int rc = floe_uuid_v4(u);
    if (rc)
        return rc;
    floe_uuid_format(write_id, u);
    uint64_t bits = 0;
    for (int i = 0; i < 8; i++)
        bits = (bits << 8) | u[i];
    *snapshot_id = (int64_t)(bits & (uint64_t)INT64_MAX);
    if (!*snapshot_id)
        *snapshot_id = 1;
    return 0;
}

int floe_manager__write_manifest(floe_manifest_file **out, floe_table *t, int64_t snapshot_id,
                                 const char *write_id, int index, floe_data_file *const *added,
                                 size_t nadded, const struct floe_manager_deleted *deleted,
                                 size_t ndeleted)
{
    char *path = metadata_path(t, "", snapshot_id, "m", index, write_id);
    if (!path)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    floe_output_file *f = NULL;
    floe_manifest_writer *w = NULL;
    int rc = t->m->io->create(&f, t->m->io, path, FLOE_CREATE_EXCLUSIVE);
    if (!rc) {
        floe_manifest_writer_options o = FLOE_MANIFEST_WRITER_OPTIONS_INIT;
        o.snapshot_id = snapshot_id;
        rc = floe_manifest_writer_new(&w, f, t->schema, t->spec, &o);
    }
    for (size_t i = 0; !rc && i < nadded; i++)
        rc = floe_manifest_writer_add(w, added[i]);
    for (size_t i = 0; !rc && i < ndeleted; i++)
        rc = floe_manifest_writer_delete(w, deleted[i].file, deleted[i].data_sequence,
                                         deleted[i].file_sequence);
    if (!rc)
        rc = floe_manifest_writer_finish(out, w);
    floe_manifest_writer_free(w);
    floe_free(path);
    return rc;
}

int floe_manager__read_manifest_list(floe_manifest_list **out, floe_table *t,
                                     const floe_snapshot *snap)
{
    *out = NULL;
    if (!snap || !floe_snapshot_manifest_list(snap))
        return 0;
    floe_input_file *in = NULL;
    int rc = t->m->io->open(&in, t->m->io, floe_snapshot_manifest_list(snap));
    if (!rc)
        rc = floe_manifest_list_read(out, in);
    floe_input_close(in);
    return rc;
}

static int sleep_for(unsigned int attempt, const floe_manager *m, uint64_t *rng)
{
    floe_retry_options ro = FLOE_RETRY_OPTIONS_INIT;
    ro.base_delay_ms = m->retry_base_ms;
    ro.max_delay_ms = m->retry_base_ms * 64;
    ro.jitter = FLOE_RETRY_JITTER_EQUAL;
    unsigned int ms = floe_retry_delay_ms(&ro, attempt, rng);
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    return 0;
}

int floe_manager__check_branch(const floe_table *t, const char *branch)
{
    const floe_snapshot_ref *head = floe_table_metadata_ref(t->md, branch);
    if (head && head->type != FLOE_REF_BRANCH)
        return floe_error_set(FLOE_EINVALID,
                              "'%s' of table '%s' is a tag, which cannot be written to; write to "
                              "a branch (`floe table branch %s create NAME --snapshot ID`)",
                              branch, t->ident, t->ident);
    if (!head)
        return floe_error_set(FLOE_ENOTFOUND,
                              "table '%s' has no branch '%s'; create it with "
                              "`floe table branch %s create %s`",
                              t->ident, branch, t->ident, branch);
    if (!floe_table_metadata_snapshot_by_id(t->md, head->snapshot_id))
        return floe_error_set(FLOE_ECORRUPT, "branch '%s' of '%s' points at missing snapshot %lld",
                              branch, t->ident, (long long)head->snapshot_id);
    return 0;
}

/* Writes a manifest list + snapshot for one attempt and commits it. */
static int commit_once(floe_table *t, const struct floe_manager_commit *c, int64_t snapshot_id,
                       unsigned int attempt, const char *write_id)
{
    const char *branch = c->branch ? c->branch : FLOE_MAIN_BRANCH;
    const floe_snapshot *parent = NULL;
    if (c->branch) {
        /* re-read on every attempt: a retry runs on the refreshed metadata */
        int brc = floe_manager__check_branch(t, c->branch);
        if (brc)
            return brc;
        parent = floe_table_metadata_snapshot_by_id(
            t->md, floe_table_metadata_ref(t->md, c->branch)->snapshot_id);
    } else {
        parent = floe_table_metadata_current_snapshot(t->md);
    }
    int64_t parent_id = parent ? floe_snapshot_id(parent) : FLOE_SNAPSHOT_ID_NONE;
    int64_t seq = floe_table_metadata_last_sequence_number(t->md) + 1;
    floe_manifest_list *plist = NULL;
    floe_manifest_list_writer *lw = NULL;
    floe_snapshot_summary *summary = NULL;
    floe_snapshot *snap = NULL;
    floe_table_requirement *req = NULL;
    floe_table_update *upd[2] = {NULL, NULL};
    const char **keys = NULL, **vals = NULL;
    char *list_path = metadata_path(t, "snap-", snapshot_id, "", (int64_t)attempt, write_id);
    int rc = list_path ? 0 : floe_error_set(FLOE_ENOMEM, "out of memory");
    int list_written = 0;
    if (!rc)
        rc = floe_manager__read_manifest_list(&plist, t, parent);
    /* the manifests the snapshot lists: the new ones first, then the parent's it keeps */
    size_t nparent = plist ? floe_manifest_list_count(plist) : 0, nall = 0;
    const floe_manifest_file **all =
        rc ? NULL : floe_calloc(c->manifest_count + nparent + 1, sizeof *all);
    if (!rc && !all)
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < c->manifest_count; i++)
        all[nall++] = c->manifests[i];
    for (size_t i = 0; !rc && i < nparent; i++) {
        const floe_manifest_file *mf = floe_manifest_list_at(plist, i);
        if (!c->keep_manifest || c->keep_manifest(mf, c->keep_ctx))
            all[nall++] = mf;
    }
    struct floe_manager_merged merged;
    memset(&merged, 0, sizeof merged);
    if (!rc && c->merge_manifests) {
        char tag[FLOE_UUID_STR_LEN + 24];
        snprintf(tag, sizeof tag, "%u-%s", attempt, write_id);
        rc = floe_manager__merge_manifests(&merged, t, all, nall, c->manifest_count, snapshot_id,
                                           tag);
    } else if (!rc) {
        merged.list = all;
        merged.count = nall;
    }
    floe_output_file *f = NULL;
    if (!rc)
        rc = t->m->io->create(&f, t->m->io, list_path, FLOE_CREATE_EXCLUSIVE);
    if (!rc)
        rc = floe_manifest_list_writer_new(&lw, f, snapshot_id, parent_id, seq, 0);
    for (size_t i = 0; !rc && i < merged.count; i++)
        rc = floe_manifest_list_writer_add(lw, merged.list[i]);
    if (!rc && !(rc = floe_manifest_list_writer_finish(lw, NULL)))
        list_written = 1;
    if (!rc)
        rc = floe_snapshot_summary_compute(&summary, parent, &c->delta);
    if (!rc) {
        size_t n = floe_snapshot_summary_size(summary) + c->extra_count;
        keys = floe_calloc(n + 1, sizeof *keys);
        vals = floe_calloc(n + 1, sizeof *vals);
        if (!keys || !vals)
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
        size_t k = 0;
        for (size_t i = 0; !rc && i < floe_snapshot_summary_size(summary); i++) {
            const char *key = floe_snapshot_summary_keys(summary)[i];
            if (strcmp(key, "operation") == 0)
                continue;
            keys[k] = key;
            vals[k++] = floe_snapshot_summary_values(summary)[i];
        }
        for (size_t i = 0; !rc && i < c->extra_count; i++) {
            keys[k] = c->extra_keys[i];
            vals[k++] = c->extra_values[i];
        }
        floe_snapshot_info si = FLOE_SNAPSHOT_INFO_INIT;
        si.snapshot_id = snapshot_id;
        si.parent_snapshot_id = parent_id;
        si.sequence_number = seq;
        si.timestamp_ms = floe_now_ms();
        si.manifest_list = list_path;
        si.operation = c->operation;
        si.summary_keys = keys;
        si.summary_values = vals;
        si.summary_count = k;
        si.schema_id = floe_table_metadata_current_schema_id(t->md);
        if (!rc)
            rc = floe_snapshot_new(&snap, &si);
    }
    floe_snapshot_ref ref = FLOE_SNAPSHOT_REF_INIT;
    ref.snapshot_id = snapshot_id;
    if (!rc && !(rc = floe_requirement_assert_ref_snapshot_id(&req, branch, parent_id)) &&
        !(rc = floe_update_add_snapshot(&upd[0], snap)) &&
        !(rc = floe_update_set_snapshot_ref(&upd[1], branch, &ref)))
        rc = floe_manager__commit(t, &req, 1, upd, 2);
    if (rc && rc != FLOE_ECOMMITUNKNOWN && list_written)
        t->m->io->remove(t->m->io, list_path);
    /* committed: new manifests merged into others are referenced by nothing */
    for (size_t i = 0; !rc && c->merge_manifests && i < c->manifest_count; i++)
        if (!floe_manager__merged_keeps(&merged, c->manifests[i]))
            t->m->io->remove(t->m->io, c->manifests[i]->path);
    if (c->merge_manifests)
        floe_manager__merged_free(&merged, rc && rc != FLOE_ECOMMITUNKNOWN ? t->m->io : NULL);
    floe_free(all);
    floe_manifest_list_writer_free(lw);
    floe_manifest_list_free(plist);
    floe_snapshot_summary_free(summary);
    floe_snapshot_release(snap);
    floe_requirement_free(req);
    floe_update_free(upd[0]);
    floe_update_free(upd[1]);
    floe_free(keys);
    floe_free(vals);
    floe_free(list_path);
    return rc;
}

int floe_manager__commit_snapshot(int64_t *snapshot_id, unsigned int *attempts, floe_table *t,
                                  const struct floe_manager_commit *c, const char *write_id)
{
    uint64_t rng = (uint64_t)floe_now_ns() ^ (uint64_t)(uintptr_t)t;
    int64_t id = c->snapshot_id;
    char unused[FLOE_UUID_STR_LEN];
    int rc = id ? 0 : floe_manager__new_ids(&id, unused);
    unsigned int attempt = 0;
    for (;;) {
        attempt++;
        rc = commit_once(t, c, id, attempt, write_id);
        if (rc != FLOE_ECONFLICT || attempt > t->m->commit_retries)
            break;
        floe_log(FLOE_LOG_INFO, "commit conflict, retrying on the refreshed table", "table",
                 t->ident, NULL);
        sleep_for(attempt, t->m, &rng);
        if ((rc = floe_table_refresh(t)))
            break;
        /* the check runs on the refreshed table, as write_internal.h promises */
        if (c->revalidate && (rc = c->revalidate(t, c->keep_ctx)))
            break;
    }
    if (rc == FLOE_ECONFLICT)
        rc = floe_error_wrap(rc, "commit to '%s' still conflicted after %u attempts", t->ident,
                             attempt);
    *snapshot_id = id;
    *attempts = attempt;
    return rc;
}

int floe_table_append(floe_write_result *result, floe_table *t, struct ArrowArrayStream *stream,
                      const floe_write_options *opts)
{
    if (!stream)
        return floe_error_set(FLOE_EINVALID, "floe_table_append: NULL stream");
    return floe_table_append_streams(result, t, &stream, 1, opts);
}

int floe_table_append_streams(floe_write_result *result, floe_table *t,
                              struct ArrowArrayStream *const *streams, size_t count,
                              const floe_write_options *opts)
{
    if (!t || (!streams && count))
        return floe_error_set(FLOE_EINVALID, "floe_table_append: NULL table or streams");
    for (size_t i = 0; i < count; i++)
        if (!streams[i])
            return floe_error_set(FLOE_EINVALID, "floe_table_append: stream %zu is NULL", i);
    if (result)
        memset(result, 0, sizeof *result);
    floe_span *span = floe_span_start("floe.table.append", NULL);
    floe_span_set_attr_str(span, "floe.table", t->ident);
    struct floe_manager_written w;
    floe_manifest_file *mf = NULL;
    int64_t snap_id = 0;
    unsigned int attempts = 0;
    char write_id[FLOE_UUID_STR_LEN];
    int rc = floe_manager__new_ids(&snap_id, write_id);
    if (!rc && opts && opts->version >= 2 && opts->branch &&
        strcmp(opts->branch, FLOE_MAIN_BRANCH) != 0)
        rc = floe_manager__check_branch(t, opts->branch);
    if (!rc && opts && opts->version >= 3 && opts->union_by_name)
        rc = floe_manager__union_streams(t, streams, count);
    if (!rc) {
        rc = floe_manager__write_streams(&w, t, streams, count);
    } else {
        memset(&w, 0, sizeof w);
    }
    if (!rc && w.count)
        rc = floe_manager__write_manifest(&mf, t, snap_id, write_id, 0, w.files, w.count, NULL, 0);
    if (!rc) {
        struct floe_manager_commit c;
        memset(&c, 0, sizeof c);
        c.operation = "append";
        c.snapshot_id = snap_id;
        c.manifests = (const floe_manifest_file *const *)&mf;
        c.manifest_count = mf ? 1 : 0;
        c.merge_manifests = 1;
        floe_summary_delta d = FLOE_SUMMARY_DELTA_INIT;
        d.added_data_files = (int64_t)w.count;
        d.added_records = w.records;
        d.added_files_size = w.bytes;
        c.delta = d;
        if (opts) {
            c.extra_keys = opts->snapshot_property_keys;
            c.extra_values = opts->snapshot_property_values;
            c.extra_count = opts->snapshot_property_count;
            /* main by name is the default path, which also serves a table without snapshots */
            if (opts->version >= 2 && opts->branch && strcmp(opts->branch, FLOE_MAIN_BRANCH) != 0)
                c.branch = opts->branch;
        }
        rc = floe_manager__commit_snapshot(&snap_id, &attempts, t, &c, write_id);
        if (rc && rc != FLOE_ECOMMITUNKNOWN && mf)
            t->m->io->remove(t->m->io, mf->path);
    }
    if (!rc && result) {
        result->snapshot_id = snap_id;
        result->added_records = w.records;
        result->added_files = (int64_t)w.count;
        result->attempts = attempts;
    }
    floe_span_set_attr_int(span, "floe.records_added", rc ? 0 : w.records);
    floe_span_set_attr_int(span, "floe.commit_attempts", attempts);
    if (rc)
        floe_span_set_status(span, FLOE_SPAN_STATUS_ERROR, floe_error_name(rc));
    floe_span_end(span);
    int64_t records = w.records;
    floe_manager__written_free(&w, rc && rc != FLOE_ECOMMITUNKNOWN ? t->m->io : NULL);
    floe_manifest_file_free(mf);
    return floe_manager__log_op(t, NULL, "append", "append", rc ? 0 : records, rc);
}
