/* The Parquet reader on hand-built files: legacy list layouts (LogicalTypes.md
 * backward-compatibility rules), legacy MAP_KEY_VALUE, INT96 timestamps, required/optional/
 * repeated levels, projection by field id and by name, and statistics-based row-group skipping.
 * Files are assembled here from the footer model (metadata.h) and hand-encoded pages. */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#include <floe/arrow/validate.h>
#include <floe/error.h>
#include <floe/io.h>
#include <floe/parquet/reader.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "formats/parquet/metadata.h"

/* One leaf column of one row group: levels (NULL when the max level is 0) and PLAIN values. */
typedef struct chunk_spec {
    size_t n;       /* level entries */
    const int *def; /* definition levels or NULL */
    const int *rep; /* repetition levels or NULL */
    int max_def, max_rep;
    const void *values; /* PLAIN-encoded values */
    size_t values_len;
    int type;
    int has_stats;
    int64_t min, max, nulls; /* INT32/INT64 statistics */
    const char *smin, *smax; /* BYTE_ARRAY statistics (with has_stats) */
} chunk_spec;

static int bw(int max)
{
    int w = 0;
    while (max >> w)
        w++;
    return w;
}

/* v1 levels: 4-byte length, then one bit-packed run. */
static void put_levels(floe_buf *b, const int *lv, size_t n, int max)
{
    int w = bw(max);
    size_t groups = (n + 7) / 8;
    floe_buf run = FLOE_BUF_INIT;
    floe_buf_append_uvarint(&run, (groups << 1) | 1);
    size_t bytes = groups * (size_t)w;
    size_t at = run.len;
    for (size_t i = 0; i < bytes; i++)
        floe_buf_append_byte(&run, 0);
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < w; k++)
            if ((lv[i] >> k) & 1) {
                size_t bit = i * (size_t)w + (size_t)k;
                run.data[at + bit / 8] |= (uint8_t)(1u << (bit % 8));
            }
    uint32_t len = (uint32_t)run.len;
    floe_buf_append(b, &len, 4);
    floe_buf_append(b, run.data, run.len);
    floe_buf_free(&run);
}

/* Builds a file: `schema` (depth-first), `nrg` row groups of `ncols` chunks each. */
static uint8_t *build_file(size_t *len, const floe_parquet_schema_element *schema, size_t nschema,
                           const chunk_spec *chunks, size_t ncols, size_t nrg, const int64_t *rows,
                           const char *const *const *paths, const size_t *path_lens)
{
    floe_buf f = FLOE_BUF_INIT;
    floe_buf_append(&f, "PAR1", 4);
    floe_parquet_file_metadata *md = NULL;
    assert_int_equal(floe_parquet__file_metadata_new(&md), 0);
    md->version = 1;
    md->num_schema = (uint32_t)nschema;
    md->schema = floe_parquet__arena_array(&md->arena, nschema, sizeof(*md->schema));
    memcpy(md->schema, schema, nschema * sizeof(*schema));
    md->num_row_groups = (uint32_t)nrg;
    md->row_groups = floe_parquet__arena_array(&md->arena, nrg, sizeof(*md->row_groups));
    md->created_by = "floe test_reader";
    for (size_t g = 0; g < nrg; g++) {
        floe_parquet_row_group *rg = &md->row_groups[g];
        rg->num_rows = rows[g];
        md->num_rows += rows[g];
        rg->num_columns = (uint32_t)ncols;
        rg->columns = floe_parquet__arena_array(&md->arena, ncols, sizeof(*rg->columns));
        for (size_t c = 0; c < ncols; c++) {
            const chunk_spec *cs = &chunks[g * ncols + c];
            floe_buf page = FLOE_BUF_INIT;
            if (cs->max_rep)
                put_levels(&page, cs->rep, cs->n, cs->max_rep);
            if (cs->max_def)
                put_levels(&page, cs->def, cs->n, cs->max_def);
            floe_buf_append(&page, cs->values, cs->values_len);
            floe_parquet_page_header ph;
            memset(&ph, 0, sizeof(ph));
            ph.type = FLOE_PARQUET_PAGE_DATA;
            ph.uncompressed_page_size = (int32_t)page.len;
            ph.compressed_page_size = (int32_t)page.len;
            ph.has_data_page_header = true;
            ph.data_page_header.num_values = (int32_t)cs->n;
            ph.data_page_header.encoding = FLOE_PARQUET_ENC_PLAIN;
            ph.data_page_header.definition_level_encoding = FLOE_PARQUET_ENC_RLE;
            ph.data_page_header.repetition_level_encoding = FLOE_PARQUET_ENC_RLE;
            size_t start = f.len;
            assert_int_equal(floe_parquet__page_header_encode(&f, &ph), 0);
            floe_buf_append(&f, page.data, page.len);
            floe_parquet_column_chunk *cc = &rg->columns[c];
            cc->file_offset = (int64_t)start;
            cc->meta_data = floe_parquet__arena_alloc(&md->arena, sizeof(*cc->meta_data));
            floe_parquet_column_metadata *m = cc->meta_data;
            m->type = (floe_parquet_type)cs->type;
            m->num_encodings = 2;
            m->encodings = floe_parquet__arena_array(&md->arena, 2, sizeof(*m->encodings));
            m->encodings[0] = FLOE_PARQUET_ENC_PLAIN;
            m->encodings[1] = FLOE_PARQUET_ENC_RLE;
            m->path_len = (uint32_t)path_lens[c];
            m->path_in_schema = (const char **)paths[c];
            m->codec = FLOE_PARQUET_CODEC_UNCOMPRESSED;
            m->num_values = (int64_t)cs->n;
            m->total_compressed_size = (int64_t)(f.len - start);
            m->total_uncompressed_size = m->total_compressed_size;
            m->data_page_offset = (int64_t)start;
            if (cs->has_stats) {
                floe_parquet_statistics *st = floe_parquet__arena_alloc(&md->arena, sizeof(*st));
                st->has_min_value = st->has_max_value = true;
                if (cs->smin) {
                    st->min_value = (const uint8_t *)cs->smin;
                    st->max_value = (const uint8_t *)cs->smax;
                    st->min_value_len = strlen(cs->smin);
                    st->max_value_len = strlen(cs->smax);
                } else {
                    size_t w = cs->type == FLOE_PARQUET_INT32 ? 4 : 8;
                    uint8_t *mn = floe_parquet__arena_alloc(&md->arena, 8);
                    uint8_t *mx = floe_parquet__arena_alloc(&md->arena, 8);
                    int32_t a32 = (int32_t)cs->min, b32 = (int32_t)cs->max;
                    memcpy(mn, w == 4 ? (void *)&a32 : (void *)&cs->min, w);
                    memcpy(mx, w == 4 ? (void *)&b32 : (void *)&cs->max, w);
                    st->min_value = mn;
                    st->max_value = mx;
                    st->min_value_len = st->max_value_len = w;
                }
                st->has_null_count = true;
                st->null_count = cs->nulls;
                m->statistics = st;
            }
            floe_buf_free(&page);
        }
    }
    size_t fstart = f.len;
    assert_int_equal(floe_parquet__file_metadata_encode(&f, md), 0);
    uint32_t flen = (uint32_t)(f.len - fstart);
    floe_buf_append(&f, &flen, 4);
    floe_buf_append(&f, "PAR1", 4);
    md->created_by = NULL;
    for (size_t g = 0; g < nrg; g++)
        for (size_t c = 0; c < ncols; c++)
            md->row_groups[g].columns[c].meta_data->path_in_schema = NULL;
    floe_parquet__file_metadata_free(md);
    return floe_buf_detach(&f, len);
}

static floe_parquet_schema_element group(const char *name, int rep, int children)
{
    floe_parquet_schema_element e;
    memset(&e, 0, sizeof(e));
    e.name = name;
    e.has_repetition = rep >= 0;
    e.repetition = (floe_parquet_repetition)(rep >= 0 ? rep : 0);
    e.has_num_children = true;
    e.num_children = children;
    return e;
}

static floe_parquet_schema_element leaf(const char *name, int rep, int type)
{
    floe_parquet_schema_element e;
    memset(&e, 0, sizeof(e));
    e.name = name;
    e.has_repetition = true;
    e.repetition = (floe_parquet_repetition)rep;
    e.has_type = true;
    e.type = (floe_parquet_type)type;
    return e;
}

typedef struct opened {
    uint8_t *data;
    floe_input_file *in;
    floe_parquet_reader *r;
    struct ArrowSchema schema;
    struct ArrowArray batch;
} opened;

static void open_and_read(opened *o, uint8_t *data, size_t len,
                          const floe_parquet_reader_options *opt)
{
    memset(o, 0, sizeof(*o));
    o->data = data;
    assert_int_equal(floe_input_file_from_memory(&o->in, data, len, "test.parquet"), 0);
    int rc = floe_parquet_reader_open(&o->r, o->in, opt);
    if (rc)
        fail_msg("open: %s", floe_error_last());
    assert_int_equal(floe_parquet_reader_schema(&o->schema, o->r), 0);
    struct ArrowArrayStream st;
    assert_int_equal(floe_parquet_reader_stream(&st, o->r), 0);
    if (st.get_next(&st, &o->batch) != 0)
        fail_msg("read: %s", st.get_last_error(&st));
    st.release(&st);
    if (floe_arrow_validate(&o->schema, &o->batch, FLOE_ARROW_VALIDATE_NULLABILITY) != 0)
        fail_msg("invalid batch: %s", floe_error_last());
}

static void close_read(opened *o)
{
    if (o->batch.release)
        o->batch.release(&o->batch);
    if (o->schema.release)
        o->schema.release(&o->schema);
    floe_parquet_reader_free(o->r);
    floe_input_close(o->in);
    free(o->data);
}

static int valid(const struct ArrowArray *a, int64_t i)
{
    const uint8_t *b = a->buffers[0];
    return !b || ((b[i >> 3] >> (i & 7)) & 1);
}

static const int32_t *offsets(const struct ArrowArray *a)
{
    return a->buffers[1];
}

static void test_reader_legacy_two_level_list_rule_1(void **state)
{
    (void)state;
    /* optional group my_list (LIST) { repeated int32 element; } -> list<int32 not null> */
    floe_parquet_schema_element s[3] = {group("schema", -1, 1),
                                        group("my_list", FLOE_PARQUET_OPTIONAL, 1),
                                        leaf("element", FLOE_PARQUET_REPEATED, FLOE_PARQUET_INT32)};
    s[1].has_converted_type = true;
    s[1].converted_type = FLOE_PARQUET_CT_LIST;
    /* rows: [1,2], null, [], [3] */
    const int def[] = {2, 2, 0, 1, 2}, rep[] = {0, 1, 0, 0, 0};
    const int32_t vals[] = {1, 2, 3};
    chunk_spec c = {5, def, rep, 2, 1,    vals, sizeof(vals), FLOE_PARQUET_INT32,
                    0, 0,   0,   0, NULL, NULL};
    const char *p0[] = {"my_list", "element"};
    const char *const *paths[] = {p0};
    size_t plens[] = {2}, len;
    int64_t rows[] = {4};
    uint8_t *f = build_file(&len, s, 3, &c, 1, 1, rows, paths, plens);
    opened o;
    open_and_read(&o, f, len, NULL);
    assert_string_equal(o.schema.children[0]->format, "+l");
    assert_string_equal(o.schema.children[0]->children[0]->format, "i");
    assert_false(o.schema.children[0]->children[0]->flags & ARROW_FLAG_NULLABLE);
    const struct ArrowArray *l = o.batch.children[0];
    assert_int_equal(l->length, 4);
    assert_true(valid(l, 0));
    assert_false(valid(l, 1));
    assert_true(valid(l, 2));
    const int32_t want_off[] = {0, 2, 2, 2, 3};
    assert_memory_equal(offsets(l), want_off, sizeof(want_off));
    const int32_t *v = l->children[0]->buffers[1];
    assert_int_equal(v[0], 1);
    assert_int_equal(v[1], 2);
    assert_int_equal(v[2], 3);
    close_read(&o);
}

static void test_reader_unannotated_repeated_field_is_list(void **state)
{
    (void)state;
    /* repeated int64 nums; -> non-null list<int64 not null> */
    floe_parquet_schema_element s[2] = {group("schema", -1, 1),
                                        leaf("nums", FLOE_PARQUET_REPEATED, FLOE_PARQUET_INT64)};
    s[1].has_field_id = true;
    s[1].field_id = 7;
    const int def[] = {1, 1, 0, 1}, rep[] = {0, 1, 0, 0};
    const int64_t vals[] = {5, 6, INT64_MIN};
    chunk_spec c = {4, def, rep, 1, 1,    vals, sizeof(vals), FLOE_PARQUET_INT64,
                    0, 0,   0,   0, NULL, NULL};
    const char *p0[] = {"nums"};
    const char *const *paths[] = {p0};
    size_t plens[] = {1}, len;
    int64_t rows[] = {3};
    uint8_t *f = build_file(&len, s, 2, &c, 1, 1, rows, paths, plens);
    opened o;
    open_and_read(&o, f, len, NULL);
    assert_string_equal(o.schema.children[0]->format, "+l");
    assert_false(o.schema.children[0]->flags & ARROW_FLAG_NULLABLE);
    assert_non_null(o.schema.children[0]->metadata);
    const struct ArrowArray *l = o.batch.children[0];
    const int32_t want_off[] = {0, 2, 2, 3};
    assert_memory_equal(offsets(l), want_off, sizeof(want_off));
    assert_int_equal(l->null_count, 0);
    const int64_t *v = l->children[0]->buffers[1];
    assert_int_equal(v[2], INT64_MIN);
    close_read(&o);
}

static void test_reader_list_rule_4_array_group_is_struct_element(void **state)
{
    (void)state;
    /* optional group my_list (LIST) { repeated group array { required int32 x; } }
     * -> list<struct<x>> (rule 4: a group named "array" is the element). */
    floe_parquet_schema_element s[4] = {group("schema", -1, 1),
                                        group("my_list", FLOE_PARQUET_OPTIONAL, 1),
                                        group("array", FLOE_PARQUET_REPEATED, 1),
                                        leaf("x", FLOE_PARQUET_REQUIRED, FLOE_PARQUET_INT32)};
    s[1].has_converted_type = true;
    s[1].converted_type = FLOE_PARQUET_CT_LIST;
    const int def[] = {2, 2, 1}, rep[] = {0, 1, 0};
    const int32_t vals[] = {10, 20};
    chunk_spec c = {3, def, rep, 2, 1,    vals, sizeof(vals), FLOE_PARQUET_INT32,
                    0, 0,   0,   0, NULL, NULL};
    const char *p0[] = {"my_list", "array", "x"};
    const char *const *paths[] = {p0};
    size_t plens[] = {3}, len;
    int64_t rows[] = {2};
    uint8_t *f = build_file(&len, s, 4, &c, 1, 1, rows, paths, plens);
    opened o;
    open_and_read(&o, f, len, NULL);
    const struct ArrowSchema *ls = o.schema.children[0];
    assert_string_equal(ls->format, "+l");
    assert_string_equal(ls->children[0]->format, "+s");
    assert_string_equal(ls->children[0]->children[0]->name, "x");
    const struct ArrowArray *l = o.batch.children[0];
    const int32_t want_off[] = {0, 2, 2};
    assert_memory_equal(offsets(l), want_off, sizeof(want_off));
    const int32_t *v = l->children[0]->children[0]->buffers[1];
    assert_int_equal(v[0], 10);
    assert_int_equal(v[1], 20);
    close_read(&o);
}

static void test_reader_legacy_map_key_value_and_int96(void **state)
{
    (void)state;
    /* optional group m (MAP_KEY_VALUE) { repeated group map { required int32 key;
     *   optional int32 value; } }  and  required int96 ts */
    floe_parquet_schema_element s[6] = {group("schema", -1, 2),
                                        group("m", FLOE_PARQUET_OPTIONAL, 1),
                                        group("map", FLOE_PARQUET_REPEATED, 2),
                                        leaf("key", FLOE_PARQUET_REQUIRED, FLOE_PARQUET_INT32),
                                        leaf("value", FLOE_PARQUET_OPTIONAL, FLOE_PARQUET_INT32),
                                        leaf("ts", FLOE_PARQUET_REQUIRED, FLOE_PARQUET_INT96)};
    s[1].has_converted_type = true;
    s[1].converted_type = FLOE_PARQUET_CT_MAP_KEY_VALUE;
    /* rows: {1: 100, 2: null}, null */
    const int kdef[] = {2, 2, 0}, krep[] = {0, 1, 0};
    const int32_t keys[] = {1, 2};
    const int vdef[] = {3, 2, 0}, vrep[] = {0, 1, 0};
    const int32_t vals[] = {100};
    /* INT96: nanos of day (8 bytes LE) then Julian day (4 bytes LE). */
    uint8_t ts[24] = {0};
    uint64_t nanos = 1000;
    uint32_t jd = 2440588 + 1;
    memcpy(ts, &nanos, 8);
    memcpy(ts + 8, &jd, 4);
    jd = 2440588 - 1;
    memcpy(ts + 20, &jd, 4);
    chunk_spec c[3] = {
        {3, kdef, krep, 2, 1, keys, sizeof(keys), FLOE_PARQUET_INT32, 0, 0, 0, 0, NULL, NULL},
        {3, vdef, vrep, 3, 1, vals, sizeof(vals), FLOE_PARQUET_INT32, 0, 0, 0, 0, NULL, NULL},
        {2, NULL, NULL, 0, 0, ts, sizeof(ts), FLOE_PARQUET_INT96, 0, 0, 0, 0, NULL, NULL}};
    const char *p0[] = {"m", "map", "key"}, *p1[] = {"m", "map", "value"}, *p2[] = {"ts"};
    const char *const *paths[] = {p0, p1, p2};
    size_t plens[] = {3, 3, 1}, len;
    int64_t rows[] = {2};
    uint8_t *f = build_file(&len, s, 6, c, 3, 1, rows, paths, plens);
    opened o;
    open_and_read(&o, f, len, NULL);
    assert_string_equal(o.schema.children[0]->format, "+m");
    assert_string_equal(o.schema.children[0]->children[0]->children[0]->name, "key");
    assert_string_equal(o.schema.children[0]->children[0]->children[1]->name, "value");
    assert_string_equal(o.schema.children[1]->format, "tsn:");
    const struct ArrowArray *m = o.batch.children[0];
    assert_true(valid(m, 0));
    assert_false(valid(m, 1));
    const int32_t want_off[] = {0, 2, 2};
    assert_memory_equal(offsets(m), want_off, sizeof(want_off));
    const struct ArrowArray *vv = m->children[0]->children[1];
    assert_true(valid(vv, 0));
    assert_false(valid(vv, 1));
    assert_int_equal(((const int32_t *)vv->buffers[1])[0], 100);
    const int64_t *t = o.batch.children[1]->buffers[1];
    assert_int_equal(t[0], INT64_C(86400000000000) + 1000);
    assert_int_equal(t[1], -INT64_C(86400000000000));
    close_read(&o);
}

/* Two row groups of "id" (field id 1, rows 0..2 and 10..12) and "v" (field id 2, optional). */
static uint8_t *two_groups(size_t *len)
{
    static floe_parquet_schema_element s[3];
    s[0] = group("schema", -1, 2);
    s[1] = leaf("id", FLOE_PARQUET_REQUIRED, FLOE_PARQUET_INT64);
    s[1].has_field_id = true;
    s[1].field_id = 1;
    s[2] = leaf("v", FLOE_PARQUET_OPTIONAL, FLOE_PARQUET_INT32);
    s[2].has_field_id = true;
    s[2].field_id = 2;
    static const int64_t a[] = {0, 1, 2}, b[] = {10, 11, 12};
    static const int vdef1[] = {1, 0, 1}, vdef2[] = {0, 0, 0};
    static const int32_t va[] = {7, 9};
    chunk_spec c[4] = {
        {3, NULL, NULL, 0, 0, a, sizeof(a), FLOE_PARQUET_INT64, 1, 0, 2, 0, NULL, NULL},
        {3, vdef1, NULL, 1, 0, va, sizeof(va), FLOE_PARQUET_INT32, 1, 7, 9, 1, NULL, NULL},
        {3, NULL, NULL, 0, 0, b, sizeof(b), FLOE_PARQUET_INT64, 1, 10, 12, 0, NULL, NULL},
        {3, vdef2, NULL, 1, 0, va, 0, FLOE_PARQUET_INT32, 1, 0, 0, 3, NULL, NULL},
    };
    const char *p0[] = {"id"}, *p1[] = {"v"};
    const char *const *paths[] = {p0, p1};
    size_t plens[] = {1, 1};
    int64_t rows[] = {3, 3};
    return build_file(len, s, 3, c, 2, 2, rows, paths, plens);
}

static int64_t count_rows(uint8_t *data, size_t len, const floe_parquet_reader_options *opt,
                          int64_t *first_id)
{
    floe_input_file *in;
    assert_int_equal(floe_input_file_from_memory(&in, data, len, "t"), 0);
    floe_parquet_reader *r;
    assert_int_equal(floe_parquet_reader_open(&r, in, opt), 0);
    struct ArrowArrayStream st;
    assert_int_equal(floe_parquet_reader_stream(&st, r), 0);
    int64_t n = 0;
    *first_id = -1;
    for (;;) {
        struct ArrowArray a;
        assert_int_equal(st.get_next(&st, &a), 0);
        if (!a.release)
            break;
        if (*first_id < 0 && a.n_children > 0 && a.length > 0)
            *first_id = ((const int64_t *)a.children[0]->buffers[1])[0];
        n += a.length;
        a.release(&a);
    }
    st.release(&st);
    floe_parquet_reader_free(r);
    floe_input_close(in);
    return n;
}

static void test_reader_predicate_skips_row_groups_by_statistics(void **state)
{
    (void)state;
    size_t len;
    uint8_t *f = two_groups(&len);
    floe_parquet_literal ten = {FLOE_PARQUET_LIT_INT, 10, 0, NULL, 0};
    floe_parquet_predicate *p = NULL, *q = NULL, *both = NULL;
    floe_parquet_reader_options opt = FLOE_PARQUET_READER_OPTIONS_INIT;
    int64_t first;

    assert_int_equal(floe_parquet_predicate_compare(&p, 1, FLOE_PARQUET_OP_GE, &ten), 0);
    opt.predicate = p;
    assert_int_equal(count_rows(f, len, &opt, &first), 3);
    assert_int_equal(first, 10);
    floe_parquet_predicate_free(p);

    assert_int_equal(floe_parquet_predicate_compare(&p, 1, FLOE_PARQUET_OP_LT, &ten), 0);
    opt.predicate = p;
    assert_int_equal(count_rows(f, len, &opt, &first), 3);
    assert_int_equal(first, 0);
    floe_parquet_predicate_free(p);

    /* v IS NOT NULL: the second group is all null. v = 8 OR id = 11 keeps both. */
    assert_int_equal(floe_parquet_predicate_compare(&p, 2, FLOE_PARQUET_OP_NOT_NULL, NULL), 0);
    opt.predicate = p;
    assert_int_equal(count_rows(f, len, &opt, &first), 3);
    floe_parquet_predicate_free(p);
    floe_parquet_literal eight = {FLOE_PARQUET_LIT_INT, 8, 0, NULL, 0};
    floe_parquet_literal eleven = {FLOE_PARQUET_LIT_INT, 11, 0, NULL, 0};
    assert_int_equal(floe_parquet_predicate_compare(&p, 2, FLOE_PARQUET_OP_EQ, &eight), 0);
    assert_int_equal(floe_parquet_predicate_compare(&q, 1, FLOE_PARQUET_OP_EQ, &eleven), 0);
    assert_int_equal(floe_parquet_predicate_or(&both, p, q), 0);
    opt.predicate = both;
    assert_int_equal(count_rows(f, len, &opt, &first), 6);
    floe_parquet_predicate_free(both);

    /* id IN (5, 6) AND v IS NULL: nothing can match (5 and 6 are in neither range). */
    floe_parquet_literal in[2] = {{FLOE_PARQUET_LIT_INT, 5, 0, NULL, 0},
                                  {FLOE_PARQUET_LIT_INT, 6, 0, NULL, 0}};
    assert_int_equal(floe_parquet_predicate_in(&p, 1, in, 2), 0);
    assert_int_equal(floe_parquet_predicate_compare(&q, 2, FLOE_PARQUET_OP_IS_NULL, NULL), 0);
    assert_int_equal(floe_parquet_predicate_and(&both, p, q), 0);
    opt.predicate = both;
    assert_int_equal(count_rows(f, len, &opt, &first), 0);
    floe_parquet_predicate_free(both);

    /* A column missing from the file reads as null: "= 1" matches nothing, IS NULL all. */
    floe_parquet_literal one = {FLOE_PARQUET_LIT_INT, 1, 0, NULL, 0};
    assert_int_equal(floe_parquet_predicate_compare(&p, 99, FLOE_PARQUET_OP_EQ, &one), 0);
    opt.predicate = p;
    assert_int_equal(count_rows(f, len, &opt, &first), 0);
    floe_parquet_predicate_free(p);
    assert_int_equal(floe_parquet_predicate_compare(&p, 99, FLOE_PARQUET_OP_IS_NULL, NULL), 0);
    opt.predicate = p;
    assert_int_equal(count_rows(f, len, &opt, &first), 6);
    floe_parquet_predicate_free(p);
    free(f);
}

static void test_reader_projection_by_field_id_and_name(void **state)
{
    (void)state;
    size_t len;
    uint8_t *f = two_groups(&len);
    floe_parquet_reader_options opt = FLOE_PARQUET_READER_OPTIONS_INIT;
    const int32_t ids[] = {2};
    opt.field_ids = ids;
    opt.num_field_ids = 1;
    opened o;
    uint8_t *copy = malloc(len);
    memcpy(copy, f, len);
    open_and_read(&o, copy, len, &opt);
    assert_int_equal(o.schema.n_children, 1);
    assert_string_equal(o.schema.children[0]->name, "v");
    assert_int_equal(o.batch.n_children, 1);
    const struct ArrowArray *v = o.batch.children[0];
    assert_int_equal(v->length, 3);
    assert_int_equal(v->null_count, 1);
    assert_int_equal(((const int32_t *)v->buffers[1])[2], 9);
    close_read(&o);

    /* Splits: each row group is read by exactly the split holding its first byte. */
    floe_input_file *in;
    floe_parquet_reader *r;
    assert_int_equal(floe_input_file_from_memory(&in, f, len, "t"), 0);
    assert_int_equal(floe_parquet_reader_open(&r, in, NULL), 0);
    int64_t rg1 = floe_parquet_reader_row_group_offset(r, 1);
    assert_int_equal(floe_parquet_reader_row_group_offset(r, 0), 4);
    assert_true(rg1 > 4);
    assert_int_equal(floe_parquet_reader_row_group_offset(r, 2), -1);
    floe_parquet_reader_free(r);
    floe_input_close(in);
    floe_parquet_reader_options split = FLOE_PARQUET_READER_OPTIONS_INIT;
    split.split_offset = 0;
    split.split_length = (uint64_t)rg1;
    int64_t first0;
    assert_int_equal(count_rows(f, len, &split, &first0), 3);
    assert_int_equal(first0, 0);
    split.split_offset = (uint64_t)rg1;
    split.split_length = len;
    assert_int_equal(count_rows(f, len, &split, &first0), 3);
    assert_int_equal(first0, 10);

    const char *names[] = {"id"};
    floe_parquet_reader_options byname = FLOE_PARQUET_READER_OPTIONS_INIT;
    byname.columns = names;
    byname.num_columns = 1;
    byname.batch_size = 2;
    int64_t first;
    assert_int_equal(count_rows(f, len, &byname, &first), 6);
    assert_int_equal(first, 0);
    free(f);
}

static void test_reader_metadata_json_and_key_values(void **state)
{
    (void)state;
    size_t len;
    uint8_t *f = two_groups(&len);
    floe_input_file *in;
    assert_int_equal(floe_input_file_from_memory(&in, f, len, "t"), 0);
    floe_parquet_reader *r;
    assert_int_equal(floe_parquet_reader_open(&r, in, NULL), 0);
    assert_int_equal(floe_parquet_reader_num_rows(r), 6);
    assert_int_equal(floe_parquet_reader_num_row_groups(r), 2);
    json_t *md;
    assert_int_equal(floe_parquet_reader_metadata_json(&md, r), 0);
    assert_string_equal(json_string_value(json_object_get(md, "created_by")), "floe test_reader");
    json_t *col = json_array_get(
        json_object_get(json_array_get(json_object_get(md, "row_groups"), 1), "columns"), 0);
    json_t *st = json_object_get(col, "statistics");
    assert_int_equal(json_integer_value(json_object_get(st, "min")), 10);
    assert_int_equal(json_integer_value(json_object_get(st, "max")), 12);
    assert_int_equal(json_integer_value(json_object_get(col, "field_id")), 1);
    json_decref(md);
    const char *v;
    assert_int_equal(floe_parquet_reader_key_value(&v, r, "nope"), FLOE_ENOTFOUND);
    assert_int_equal(floe_parquet_reader_num_key_values(r), 0);
    floe_parquet_reader_free(r);
    floe_input_close(in);
    free(f);
}

/* Every allocation failure on the read path gives FLOE_ENOMEM (or success) and no leak. */
static void test_reader_allocation_failures_are_clean(void **state)
{
    (void)state;
    size_t len;
    uint8_t *f = two_groups(&len);
    int successes = 0;
    for (long n = 1; n < 400; n++) {
        floe_input_file *in = NULL;
        floe_parquet_reader *r = NULL;
        assert_int_equal(floe_input_file_from_memory(&in, f, len, "t"), 0);
        floe_alloc_fail_after(n);
        int rc = floe_parquet_reader_open(&r, in, NULL);
        struct ArrowArrayStream st;
        memset(&st, 0, sizeof(st));
        if (rc == 0)
            rc = floe_parquet_reader_stream(&st, r);
        while (rc == 0) {
            struct ArrowArray a;
            if (st.get_next(&st, &a) != 0) {
                rc = floe_error_last_code();
                break;
            }
            if (!a.release)
                break;
            a.release(&a);
        }
        floe_alloc_fail_after(0);
        if (st.release)
            st.release(&st);
        floe_parquet_reader_free(r);
        floe_input_close(in);
        if (rc == 0)
            successes++;
        else
            assert_int_equal(rc, FLOE_ENOMEM);
    }
    /* Late failure points are past every allocation: those runs succeed. */
    assert_true(successes > 0);
    free(f);
}

static void test_reader_file_without_row_groups(void **state)
{
    (void)state;
    floe_parquet_schema_element s[2] = {group("schema", -1, 1),
                                        leaf("x", FLOE_PARQUET_OPTIONAL, FLOE_PARQUET_DOUBLE)};
    const char *p0[] = {"x"};
    const char *const *paths[] = {p0};
    size_t plens[] = {1}, len;
    uint8_t *f = build_file(&len, s, 2, NULL, 1, 0, NULL, paths, plens);
    int64_t first;
    assert_int_equal(count_rows(f, len, NULL, &first), 0);
    free(f);
}

static void test_reader_predicate_on_strings_uses_unsigned_byte_order(void **state)
{
    (void)state;
    floe_parquet_schema_element s[2] = {
        group("schema", -1, 1), leaf("name", FLOE_PARQUET_REQUIRED, FLOE_PARQUET_BYTE_ARRAY)};
    s[1].has_field_id = true;
    s[1].field_id = 3;
    s[1].has_converted_type = true;
    s[1].converted_type = FLOE_PARQUET_CT_UTF8;
    static const uint8_t v1[] = {5, 0, 0, 0, 'a', 'p', 'p', 'l', 'e'};
    static const uint8_t v2[] = {2, 0, 0, 0, 0xc3, 0xa9}; /* "é": above every ASCII byte */
    chunk_spec c[2] = {{1, NULL, NULL, 0, 0, v1, sizeof(v1), FLOE_PARQUET_BYTE_ARRAY, 1, 0, 0, 0,
                        "apple", "banana"},
                       {1, NULL, NULL, 0, 0, v2, sizeof(v2), FLOE_PARQUET_BYTE_ARRAY, 1, 0, 0, 0,
                        "cherry", "\xc3\xa9"}};
    const char *p0[] = {"name"};
    const char *const *paths[] = {p0};
    size_t plens[] = {1}, len;
    int64_t rows[] = {1, 1};
    uint8_t *f = build_file(&len, s, 2, c, 1, 2, rows, paths, plens);
    floe_input_file *in;
    assert_int_equal(floe_input_file_from_memory(&in, f, len, "t"), 0);
    floe_parquet_reader *r;
    assert_int_equal(floe_parquet_reader_open(&r, in, NULL), 0);
    struct {
        floe_parquet_op op;
        const char *lit;
        int rg0, rg1;
    } cases[] = {
        {FLOE_PARQUET_OP_EQ, "coconut", 0, 1}, {FLOE_PARQUET_OP_EQ, "apricot", 1, 0},
        {FLOE_PARQUET_OP_LT, "b", 1, 0},       {FLOE_PARQUET_OP_GT, "zebra", 0, 1},
        {FLOE_PARQUET_OP_LE, "apple", 1, 0},   {FLOE_PARQUET_OP_GE, "banana", 1, 1},
        {FLOE_PARQUET_OP_EQ, "", 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        floe_parquet_literal lit = {FLOE_PARQUET_LIT_BYTES, 0, 0, cases[i].lit,
                                    strlen(cases[i].lit)};
        floe_parquet_predicate *p;
        assert_int_equal(floe_parquet_predicate_compare(&p, 3, cases[i].op, &lit), 0);
        int m0, m1;
        assert_int_equal(floe_parquet_reader_row_group_may_match(&m0, r, 0, p), 0);
        assert_int_equal(floe_parquet_reader_row_group_may_match(&m1, r, 1, p), 0);
        if (m0 != cases[i].rg0 || m1 != cases[i].rg1)
            fail_msg("case %zu ('%s'): got %d %d", i, cases[i].lit, m0, m1);
        floe_parquet_predicate_free(p);
    }
    /* An integer literal against a string column cannot be judged: may match. */
    floe_parquet_literal one = {FLOE_PARQUET_LIT_INT, 1, 0, NULL, 0};
    floe_parquet_predicate *p;
    assert_int_equal(floe_parquet_predicate_compare(&p, 3, FLOE_PARQUET_OP_EQ, &one), 0);
    int m;
    assert_int_equal(floe_parquet_reader_row_group_may_match(&m, r, 0, p), 0);
    assert_int_equal(m, 1);
    assert_int_equal(floe_parquet_reader_row_group_may_match(&m, r, 2, p), FLOE_EINVALID);
    floe_parquet_predicate_free(p);
    floe_parquet_reader_free(r);
    floe_input_close(in);
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader_legacy_two_level_list_rule_1),
        cmocka_unit_test(test_reader_unannotated_repeated_field_is_list),
        cmocka_unit_test(test_reader_list_rule_4_array_group_is_struct_element),
        cmocka_unit_test(test_reader_legacy_map_key_value_and_int96),
        cmocka_unit_test(test_reader_predicate_skips_row_groups_by_statistics),
        cmocka_unit_test(test_reader_projection_by_field_id_and_name),
        cmocka_unit_test(test_reader_metadata_json_and_key_values),
        cmocka_unit_test(test_reader_allocation_failures_are_clean),
        cmocka_unit_test(test_reader_file_without_row_groups),
        cmocka_unit_test(test_reader_predicate_on_strings_uses_unsigned_byte_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
