/* Row-group skipping in scans: the scan's filter is translated into a Parquet statistics
 * predicate, so a selective filter on sorted data reads fewer row groups, while the rows
 * returned stay exactly those the filter selects (checked against a brute-force evaluation of
 * every row) on every primitive type, for filters that cannot be translated, and with position
 * deletes on rows that follow skipped row groups. Tables are written by the manager's append
 * with a tiny row-group size; the position delete file is written with floe's writers. */
#include "test_support.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/decimal.h>
#include <floe/arrow/schema.h>
#include <floe/arrow/stream.h>
#include <floe/arrow/value.h>
#include <floe/error.h>
#include <floe/iceberg/manifest.h>
#include <floe/iceberg/snapshot.h>
#include <floe/parquet/reader.h>
#include <floe/parquet/writer.h>
#include <floe/table.h>

#include "manager_test_util.h"
#include "manager/deletes.h"
#include "manager/manager_internal.h"
#include "manager/scan_plan.h"
#include "manager/write_internal.h"

#define ROWS 3000

/* Row r: id = r, i = r - 1000, d = day r, ts = r seconds after the epoch, dec = r / 100
 * (unscaled r at scale 2), s = "k<r, 5 digits>", b = r >= ROWS / 2, x = r - 0.5 or NaN when
 * r % 17 == 16; every column but id is null when r % 101 == 7. */
static int is_null_row(int64_t r)
{
    return r % 101 == 7;
}

static int is_nan_row(int64_t r)
{
    return r % 17 == 16;
}

struct fixture {
    floe_manager *m;
    floe_table *t;
    int groups; /* row groups of the data file */
    char *data; /* its path */
};

static floe_manager *open_mgr(const char *dir)
{
    floe_manager_options o = FLOE_MANAGER_OPTIONS_INIT;
    o.warehouse = dir;
    o.row_group_size = 256; /* many row groups in one file */
    floe_manager *m = NULL;
    if (floe_manager_open(&m, &o))
        fail_msg("open: %s", floe_error_last());
    return m;
}

/* Appends row `r` to the batch builder b. */
static void build_row(floe_arrow_builder *b, int64_t r)
{
    assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), r), 0);
    for (int c = 1; c < 8; c++) {
        floe_arrow_builder *cb = floe_arrow_builder_child(b, c);
        if (is_null_row(r)) {
            assert_int_equal(floe_arrow_builder_append_null(cb), 0);
            continue;
        }
        char s[16];
        int rc = 0;
        switch (c) {
        case 1:
            rc = floe_arrow_builder_append_int(cb, r - 1000);
            break;
        case 2:
            rc = floe_arrow_builder_append_int(cb, r);
            break;
        case 3:
            rc = floe_arrow_builder_append_int(cb, r * 1000000);
            break;
        case 4:
            rc = floe_arrow_builder_append_decimal128(cb, floe_decimal128_from_int64(r));
            break;
        case 5:
            snprintf(s, sizeof s, "k%05d", (int)r);
            rc = floe_arrow_builder_append_str(cb, s);
            break;
        case 6:
            rc = floe_arrow_builder_append_bool(cb, r >= ROWS / 2);
            break;
        default:
            rc = floe_arrow_builder_append_double(cb, is_nan_row(r) ? NAN : (double)r - 0.5);
            break;
        }
        assert_int_equal(rc, 0);
    }
}

/* Appends all rows in one file, as batches of BATCH rows (the writer closes a row group once
 * it reaches the manager's tiny row-group size, checked between batches). */
#define BATCH 100
static void append_rows(floe_table *t)
{
    struct ArrowSchema schema;
    assert_int_equal(floe_table_arrow_schema(&schema, t), 0);
    static struct ArrowArray batches[ROWS / BATCH];
    for (int k = 0; k < ROWS / BATCH; k++) {
        floe_arrow_builder *b = NULL;
        assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
        for (int64_t r = (int64_t)k * BATCH; r < (int64_t)(k + 1) * BATCH; r++)
            build_row(b, r);
        assert_int_equal(floe_arrow_builder_finish_batch(b, &batches[k], NULL), 0);
        floe_arrow_builder_free(b);
    }
    struct ArrowArrayStream s;
    assert_int_equal(floe_arrow_stream_from_batches(&s, &schema, batches, ROWS / BATCH), 0);
    floe_write_result wr;
    if (floe_table_append(&wr, t, &s, NULL))
        fail_msg("append: %s", floe_error_last());
    if (s.release)
        s.release(&s);
}

static void setup(struct fixture *f, const char *name)
{
    f->m = open_mgr(floe_test_tmpdir(name));
    int rc = floe_manager_create_namespace(f->m, "db", NULL, 0);
    assert_true(rc == 0 || rc == FLOE_EEXISTS);
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id long not null, i int, d date, ts timestamptz, dec decimal(10,2), "
                     "s string, b boolean, x double";
    if (floe_manager_create_table(&f->t, f->m, "db.t", &co))
        fail_msg("create: %s", floe_error_last());
    append_rows(f->t);
    struct floe_manager_plan p;
    floe_scan_options so = FLOE_SCAN_OPTIONS_INIT;
    assert_int_equal(floe_manager__plan(&p, f->t, &so), 0);
    assert_int_equal(p.count, 1);
    f->data = strdup(floe_data_file_path(p.tasks[0].df));
    floe_manager__plan_free(&p);
    /* the file holds the rows in order: position r is id r */
    floe_input_file *in = NULL;
    floe_parquet_reader *r = NULL;
    assert_int_equal(f->t->m->io->open(&in, f->t->m->io, f->data), 0);
    assert_int_equal(floe_parquet_reader_open(&r, in, NULL), 0);
    f->groups = floe_parquet_reader_num_row_groups(r);
    struct ArrowArrayStream st;
    assert_int_equal(floe_parquet_reader_stream(&st, r), 0);
    int64_t pos = 0;
    for (;;) {
        struct ArrowArray b;
        assert_int_equal(floe_arrow_stream_get_next(&st, &b), 0);
        if (!b.release)
            break;
        for (int64_t i = 0; i < b.length; i++, pos++)
            assert_int_equal(floe_arrow_get_int64(b.children[0], b.offset + i), pos);
        b.release(&b);
    }
    assert_int_equal(pos, ROWS);
    st.release(&st);
    floe_parquet_reader_free(r);
    floe_input_close(in);
    assert_true(f->groups >= 10);
}

static void teardown(struct fixture *f)
{
    free(f->data);
    floe_table_free(f->t);
    floe_manager_free(f->m);
}

/* Scans with `filter`; returns the count of rows, marks seen[id], and reports the row groups
 * read and skipped by this scan. */
static size_t scan(uint8_t *seen, floe_table *t, const char *filter, int64_t *read,
                   int64_t *skipped)
{
    int64_t r0 = 0, s0 = 0, r1 = 0, s1 = 0;
    floe_manager__rowgroups_counters(&r0, &s0);
    floe_scan_options so = FLOE_SCAN_OPTIONS_INIT;
    so.filter = filter;
    struct ArrowArrayStream s;
    if (floe_table_scan(&s, t, &so))
        fail_msg("scan '%s': %s", filter ? filter : "", floe_error_last());
    memset(seen, 0, ROWS);
    size_t n = 0;
    for (;;) {
        struct ArrowArray b;
        if (floe_arrow_stream_get_next(&s, &b))
            fail_msg("scan next '%s': %s", filter ? filter : "", floe_error_last());
        if (!b.release)
            break;
        for (int64_t i = 0; i < b.length; i++) {
            int64_t id = floe_arrow_get_int64(b.children[0], b.offset + i);
            assert_true(id >= 0 && id < ROWS);
            assert_int_equal(seen[id], 0);
            seen[id] = 1;
            n++;
        }
        b.release(&b);
    }
    s.release(&s);
    floe_manager__rowgroups_counters(&r1, &s1);
    *read = r1 - r0;
    *skipped = s1 - s0;
    return n;
}

typedef int (*row_pred)(int64_t r);

/* Scans with `filter` and checks the rows against `want`; returns the row groups skipped. */
static int64_t check(const struct fixture *f, const char *filter, row_pred want)
{
    static uint8_t seen[ROWS];
    int64_t read = 0, skipped = 0;
    size_t n = scan(seen, f->t, filter, &read, &skipped);
    size_t expect = 0;
    for (int64_t r = 0; r < ROWS; r++) {
        int w = want(r);
        expect += w != 0;
        if (w != seen[r])
            fail_msg("filter '%s': row %" PRId64 " %s", filter, r,
                     w ? "missing" : "returned but does not match");
    }
    assert_int_equal(n, expect);
    if (read + skipped != f->groups)
        fail_msg("filter '%s': %" PRId64 " row groups read, %" PRId64 " skipped, of %d",
                 filter ? filter : "", read, skipped, f->groups);
    return skipped;
}

static int p_id_range(int64_t r)
{
    return r >= 1000 && r < 1100;
}
static int p_ge1000(int64_t r)
{
    return r >= 1000;
}
static int p_all(int64_t r)
{
    (void)r;
    return 1;
}
static int p_int(int64_t r)
{
    return !is_null_row(r) && r - 1000 < -900;
}
static int p_date(int64_t r)
{
    return !is_null_row(r) && r == 2400;
}
static int p_ts(int64_t r)
{
    return !is_null_row(r) && r >= 2900;
}
static int p_ts_sub(int64_t r)
{
    return !is_null_row(r) && r <= 10;
}
static int p_dec(int64_t r)
{
    return !is_null_row(r) && r > 2750;
}
static int p_str(int64_t r)
{
    return !is_null_row(r) && r < 150;
}
static int p_prefix(int64_t r)
{
    return !is_null_row(r) && r >= 1230 && r < 1240;
}
static int p_bool(int64_t r)
{
    return !is_null_row(r) && r < ROWS / 2;
}
static int p_double(int64_t r)
{
    return !is_null_row(r) && !is_nan_row(r) && (double)r - 0.5 > 2899.0;
}
static int p_double_zero(int64_t r)
{
    return !is_null_row(r) && !is_nan_row(r) && (double)r - 0.5 < 0.0;
}
static int p_nan(int64_t r)
{
    return !is_null_row(r) && is_nan_row(r);
}
static int p_in(int64_t r)
{
    return r == 5 || r == 2999;
}
static int p_null(int64_t r)
{
    return is_null_row(r);
}
static int p_not_eq(int64_t r)
{
    return !is_null_row(r) && r - 1000 != 0;
}
static int p_not_lt(int64_t r)
{
    return !is_null_row(r) && r - 1000 >= 1950;
}
static int p_or_untranslatable(int64_t r)
{
    return r < 20 || is_null_row(r) || !is_nan_row(r); /* null is not NaN */
}
static int p_not_in(int64_t r)
{
    return r != 1 && r != 2;
}

static void test_selective_filter_reads_fewer_row_groups(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f, "rg_selective");
    assert_int_equal(check(&f, NULL, p_all), 0);
    assert_true(check(&f, "id >= 1000", p_ge1000) > 0);
    int64_t skipped = check(&f, "id >= 1000 and id < 1100", p_id_range);
    /* 100 of 3000 sorted rows live in a few row groups */
    assert_true(skipped >= f.groups - 3);
    assert_int_equal(check(&f, "id in (5, 2999)", p_in), f.groups - 2);
    teardown(&f);
}

static void test_every_primitive_type_skips_and_returns_the_right_rows(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f, "rg_types");
    struct {
        const char *filter;
        row_pred want;
    } cases[] = {
        {"i < -900", p_int},
        {"d = '1976-07-28'", p_date}, /* day 2400 */
        {"ts >= '1970-01-01T00:48:20+00:00'", p_ts},
        {"ts < '1970-01-01T00:00:10.000001+00:00'", p_ts_sub},
        {"dec > 27.50", p_dec},
        {"s < 'k00150'", p_str},
        {"starts_with(s, 'k0123')", p_prefix},
        {"b = false", p_bool},
        {"x > 2899.0", p_double},
        {"x < 0.0", p_double_zero},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t skipped = check(&f, cases[i].filter, cases[i].want);
        if (skipped <= 0)
            fail_msg("filter '%s' skipped no row group", cases[i].filter);
    }
    /* the skipped row groups of a boolean filter are the half holding only true */
    assert_true(check(&f, "b = false", p_bool) >= f.groups / 2 - 1);
    teardown(&f);
}

static void test_untranslatable_filters_return_the_right_rows(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f, "rg_untranslatable");
    /* NaN tests, != and not in say nothing about statistics; they must not skip */
    assert_int_equal(check(&f, "x is nan", p_nan), 0);
    assert_int_equal(check(&f, "i != 0", p_not_eq), 0);
    assert_int_equal(check(&f, "id not in (1, 2)", p_not_in), 0);
    /* an OR with an untranslatable side cannot skip */
    assert_int_equal(check(&f, "id < 20 or x is not nan", p_or_untranslatable), 0);
    /* NOT is pushed down first, so it still skips */
    assert_true(check(&f, "not (i < 1950)", p_not_lt) > 0);
    /* is null skips the row groups without nulls */
    check(&f, "s is null", p_null);
    teardown(&f);
}

/* A position delete file deleting rows `pos` of the data file, committed as a snapshot. */
static void delete_positions(struct fixture *f, const int64_t *pos, size_t n)
{
    floe_table *t = f->t;
    char path[4096];
    snprintf(path, sizeof path, "%s/data/pos-deletes.parquet", floe_table_location(t));
    const char *target = f->data;
    int64_t size = floe_mtest_write_position_deletes(t, path, &target, 1, pos, n);
    floe_output_file *out = NULL;

    floe_data_file *df = NULL;
    assert_int_equal(floe_data_file_new(&df, FLOE_CONTENT_POSITION_DELETES, path, "PARQUET",
                                        (int64_t)n, (int64_t)size),
                     0);
    const int64_t sid = 424242;
    snprintf(path, sizeof path, "%s/metadata/pos-deletes-m0.avro", floe_table_location(t));
    assert_int_equal(t->m->io->create(&out, t->m->io, path, FLOE_CREATE_EXCLUSIVE), 0);
    floe_manifest_writer_options mo = FLOE_MANIFEST_WRITER_OPTIONS_INIT;
    mo.content = FLOE_MANIFEST_DELETES;
    mo.snapshot_id = sid;
    floe_manifest_writer *mw = NULL;
    assert_int_equal(floe_manifest_writer_new(&mw, out, t->schema, t->spec, &mo), 0);
    assert_int_equal(floe_manifest_writer_add(mw, df), 0);
    floe_summary_delta delta = FLOE_SUMMARY_DELTA_INIT;
    delta.added_delete_files = 1;
    delta.added_position_delete_files = 1;
    delta.added_files_size = (int64_t)size;
    floe_data_file_free(df);
    floe_manifest_file *mf = NULL;
    assert_int_equal(floe_manifest_writer_finish(&mf, mw), 0);
    floe_manifest_writer_free(mw);
    struct floe_manager_commit c;
    memset(&c, 0, sizeof c);
    c.operation = "delete";
    c.snapshot_id = sid;
    const floe_manifest_file *ms[1] = {mf};
    c.manifests = ms;
    c.manifest_count = 1;
    c.delta = delta;
    int64_t got = 0;
    unsigned int attempts = 0;
    if (floe_manager__commit_snapshot(&got, &attempts, t, &c, "test"))
        fail_msg("commit deletes: %s", floe_error_last());
    floe_manifest_file_free(mf);
}

static const int64_t deleted[] = {3, 1500, 2500, 2501, 2760, 2998, 2999};

static int is_deleted(int64_t r)
{
    for (size_t i = 0; i < sizeof deleted / sizeof deleted[0]; i++)
        if (deleted[i] == r)
            return 1;
    return 0;
}
static int p_late_not_deleted(int64_t r)
{
    return r >= 2500 && !is_deleted(r);
}
static int p_all_not_deleted(int64_t r)
{
    return !is_deleted(r);
}
static int p_two_ranges_not_deleted(int64_t r)
{
    return ((r >= 0 && r < 10) || (r >= 2750 && r < 2770)) && !is_deleted(r);
}

static void test_position_deletes_after_skipped_row_groups_hit_the_right_rows(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f, "rg_deletes");
    delete_positions(&f, deleted, sizeof deleted / sizeof deleted[0]);
    assert_int_equal(check(&f, NULL, p_all_not_deleted), 0);
    /* everything before id 2500 is skipped; positions of later rows must stay file-relative */
    assert_true(check(&f, "id >= 2500", p_late_not_deleted) > 0);
    /* a kept group, skipped groups, a kept group in the middle, skipped groups after */
    assert_true(check(&f, "id < 10 or (id >= 2750 and id < 2770)", p_two_ranges_not_deleted) > 0);
    teardown(&f);
}

/* A file written with other units than the table's: ts in milliseconds, tn in nanoseconds
 * (both timestamptz, microseconds, in the table), z a double. Row group 0 holds ts 1000 and
 * 1999 ms, tn 1 s and 1.999 s, z -0.0; row group 1 ts 5000 and 5001 ms, tn 5 s, z 0.0 and 2. */
static void write_units_file(floe_parquet_reader **reader, floe_input_file **in, floe_table *t)
{
    struct ArrowSchema schema;
    assert_int_equal(floe_arrow_schema_init(&schema, "+s", "", 0), 0);
    assert_int_equal(floe_arrow_schema_alloc_children(&schema, 3), 0);
    assert_int_equal(floe_arrow_schema_init(schema.children[0], "tsm:UTC", "ts", 2), 0);
    assert_int_equal(floe_arrow_schema_init(schema.children[1], "tsn:UTC", "tn", 2), 0);
    assert_int_equal(floe_arrow_schema_init(schema.children[2], "g", "z", 2), 0);
    const int64_t ts[2][2] = {{1000, 1999}, {5000, 5001}};
    const int64_t tn[2][2] = {{1000000000, 1999000000}, {5000000000, 5000000000}};
    const double z[2][2] = {{-0.0, -0.0}, {0.0, 2.0}};
    char path[4096];
    snprintf(path, sizeof path, "%s/data/units.parquet", floe_table_location(t));
    floe_output_file *out = NULL;
    assert_int_equal(t->m->io->create(&out, t->m->io, path, FLOE_CREATE_EXCLUSIVE), 0);
    const floe_parquet_field_id ids[3] = {{"ts", 1}, {"tn", 2}, {"z", 3}};
    floe_parquet_writer_options wo = FLOE_PARQUET_WRITER_OPTIONS_INIT;
    wo.field_ids = ids;
    wo.n_field_ids = 3;
    wo.row_group_bytes = 1; /* each batch closes its row group */
    floe_parquet_writer *w = NULL;
    assert_int_equal(floe_parquet_writer_open(&w, out, &schema, &wo), 0);
    for (int g = 0; g < 2; g++) {
        floe_arrow_builder *b = NULL;
        assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
        for (int i = 0; i < 2; i++) {
            assert_int_equal(
                floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), ts[g][i]), 0);
            assert_int_equal(
                floe_arrow_builder_append_int(floe_arrow_builder_child(b, 1), tn[g][i]), 0);
            assert_int_equal(
                floe_arrow_builder_append_double(floe_arrow_builder_child(b, 2), z[g][i]), 0);
        }
        struct ArrowArray a;
        assert_int_equal(floe_arrow_builder_finish_batch(b, &a, NULL), 0);
        floe_arrow_builder_free(b);
        assert_int_equal(floe_parquet_writer_write(w, &a), 0);
        a.release(&a);
    }
    assert_int_equal(floe_parquet_writer_close(w, NULL), 0);
    schema.release(&schema);
    assert_int_equal(t->m->io->open(in, t->m->io, path), 0);
    assert_int_equal(floe_parquet_reader_open(reader, *in, NULL), 0);
    assert_int_equal(floe_parquet_reader_num_row_groups(*reader), 2);
}

/* "may match" of row groups 0 and 1 for `filter`, as two bits (1: group 0, 2: group 1). */
static int may_match(floe_parquet_reader *r, const struct ArrowSchema *fs, floe_table *t,
                     const char *filter)
{
    floe_expr *e = NULL;
    if (floe_manager__filter_bind(&e, filter, t->schema))
        fail_msg("bind '%s': %s", filter, floe_error_last());
    struct floe_parquet_predicate *p = NULL;
    assert_int_equal(floe_manager__rowgroup_predicate(&p, e, fs), 0);
    floe_manager__expr_free(e);
    int bits = 0;
    for (int g = 0; g < 2; g++) {
        int m = 1;
        assert_int_equal(floe_parquet_reader_row_group_may_match(&m, r, g, p), 0);
        bits |= m << g;
    }
    floe_parquet_predicate_free(p);
    return bits;
}

static void test_literals_follow_the_file_units_and_zero_signs(void **state)
{
    (void)state;
    floe_manager *m = open_mgr(floe_test_tmpdir("rg_units"));
    int rc = floe_manager_create_namespace(m, "db", NULL, 0);
    assert_true(rc == 0 || rc == FLOE_EEXISTS);
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "ts timestamptz, tn timestamptz, z double";
    floe_table *t = NULL;
    if (floe_manager_create_table(&t, m, "db.u", &co))
        fail_msg("create: %s", floe_error_last());
    floe_parquet_reader *r = NULL;
    floe_input_file *in = NULL;
    write_units_file(&r, &in, t);
    struct ArrowSchema fs;
    assert_int_equal(floe_parquet_reader_schema(&fs, r), 0);
    /* milliseconds: 1000.5 ms is after the 1000 ms row; 4999.5 ms is before 5000 ms only */
    assert_int_equal(may_match(r, &fs, t, "ts < '1970-01-01T00:00:01.000500+00:00'"), 1);
    assert_int_equal(may_match(r, &fs, t, "ts <= '1970-01-01T00:00:00.999999+00:00'"), 0);
    assert_int_equal(may_match(r, &fs, t, "ts > '1970-01-01T00:00:04.999500+00:00'"), 2);
    assert_int_equal(may_match(r, &fs, t, "ts >= '1970-01-01T00:00:05.001001+00:00'"), 0);
    assert_int_equal(may_match(r, &fs, t, "ts = '1970-01-01T00:00:05+00:00'"), 2);
    assert_int_equal(may_match(r, &fs, t, "ts in ('1970-01-01T00:00:01+00:00')"), 1);
    /* an inexact equality is not translated: it may match anywhere */
    assert_int_equal(may_match(r, &fs, t, "ts = '1970-01-01T00:00:05.000500+00:00'"), 3);
    /* nanoseconds: a row 999 ns past the literal's microsecond still compares equal to it */
    assert_int_equal(may_match(r, &fs, t, "tn <= '1970-01-01T00:00:01+00:00'"), 1);
    assert_int_equal(may_match(r, &fs, t, "tn < '1970-01-01T00:00:01+00:00'"), 0);
    assert_int_equal(may_match(r, &fs, t, "tn > '1970-01-01T00:00:02+00:00'"), 2);
    assert_int_equal(may_match(r, &fs, t, "tn = '1970-01-01T00:00:05+00:00'"), 3);
    /* Iceberg orders -0.0 below 0.0: both groups may hold rows around zero */
    assert_int_equal(may_match(r, &fs, t, "z < 0.0") & 1, 1);
    assert_int_equal(may_match(r, &fs, t, "z > -0.0") & 2, 2);
    assert_int_equal(may_match(r, &fs, t, "z > 1.0"), 2);
    assert_int_equal(may_match(r, &fs, t, "z is nan"), 3);
    /* NOT is pushed down before translating */
    assert_int_equal(may_match(r, &fs, t, "not (z <= 1.0)"), 2);
    fs.release(&fs);
    floe_parquet_reader_free(r);
    floe_input_close(in);
    floe_table_free(t);
    floe_manager_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_selective_filter_reads_fewer_row_groups),
        cmocka_unit_test(test_every_primitive_type_skips_and_returns_the_right_rows),
        cmocka_unit_test(test_untranslatable_filters_return_the_right_rows),
        cmocka_unit_test(test_position_deletes_after_skipped_row_groups_hit_the_right_rows),
        cmocka_unit_test(test_literals_follow_the_file_units_and_zero_signs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
