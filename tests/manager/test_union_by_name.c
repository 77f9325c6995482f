/* Union by name on writes: floe_table_union_by_name() and the union_by_name option of append,
 * overwrite and upsert evolve the schema to accept a wider input (new columns added as
 * optional, int widened to long) in a commit of its own; old files read the new column as
 * null; an input the schema cannot accept is refused naming the column, committing nothing;
 * the CLI's --union-by-name (Parquet) and the CSV hint. */
#include "manager_test_util.h"
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/schema.h>
#include <floe/arrow/stream.h>
#include <floe/arrow/value.h>
#include <floe/error.h>
#include <floe/table.h>
#include <floe/table_upsert.h>

static floe_manager *open_wh(const char *dir)
{
    floe_manager_options o = FLOE_MANAGER_OPTIONS_INIT;
    o.warehouse = dir;
    floe_manager *m = NULL;
    if (floe_manager_open(&m, &o))
        fail_msg("open: %s", floe_error_last());
    assert_int_equal(floe_manager_create_namespace(m, "db", NULL, 0), 0);
    return m;
}

static floe_table *create(floe_manager *m, const char *name, const char *schema)
{
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = schema;
    floe_table *t = NULL;
    if (floe_manager_create_table(&t, m, name, &co))
        fail_msg("create %s: %s", name, floe_error_last());
    return t;
}

/* Rows id = start.., name "n<id>", score id / 2 (when the shape has a score column) in the
 * Arrow schema of table `shape` (its ids are ignored by union by name). */
static void rows_of(struct ArrowArrayStream *s, floe_table *shape, int64_t start, int64_t n)
{
    struct ArrowSchema schema;
    assert_int_equal(floe_table_arrow_schema(&schema, shape), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
    for (int64_t i = start; i < start + n; i++) {
        for (int64_t c = 0; c < schema.n_children; c++) {
            floe_arrow_builder *cb = floe_arrow_builder_child(b, c);
            const char *col = schema.children[c]->name;
            char text[32];
            snprintf(text, sizeof text, "n%lld", (long long)i);
            if (strcmp(col, "id") == 0)
                assert_int_equal(floe_arrow_builder_append_int(cb, i), 0);
            else if (strcmp(col, "name") == 0)
                assert_int_equal(floe_arrow_builder_append_str(cb, text), 0);
            else if (strcmp(col, "score") == 0)
                assert_int_equal(floe_arrow_builder_append_double(cb, (double)i / 2), 0);
            else
                fail_msg("unexpected column %s", col);
        }
    }
    struct ArrowArray a;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &a, NULL), 0);
    floe_arrow_builder_free(b);
    assert_int_equal(floe_arrow_stream_from_batches(s, &schema, &a, 1), 0);
}

struct seen {
    int64_t rows, id_sum, scored, nulls;
    double score_sum;
};

/* Scans main and sums what it sees; the id column must read as a 64-bit integer. */
static struct seen scan_all(floe_table *t)
{
    struct seen v = {0, 0, 0, 0, 0};
    struct ArrowArrayStream s;
    if (floe_table_scan(&s, t, NULL))
        fail_msg("scan: %s", floe_error_last());
    struct ArrowSchema sc;
    assert_int_equal(floe_arrow_stream_get_schema(&s, &sc), 0);
    int64_t id_col = -1, score_col = -1;
    for (int64_t c = 0; c < sc.n_children; c++) {
        if (strcmp(sc.children[c]->name, "id") == 0) {
            id_col = c;
            assert_string_equal(sc.children[c]->format, "l");
        } else if (strcmp(sc.children[c]->name, "score") == 0) {
            score_col = c;
        }
    }
    assert_true(id_col >= 0);
    for (;;) {
        struct ArrowArray b;
        assert_int_equal(floe_arrow_stream_get_next(&s, &b), 0);
        if (!b.release)
            break;
        for (int64_t i = 0; i < b.length; i++) {
            v.id_sum += floe_arrow_get_int64(b.children[id_col], b.offset + i);
            if (score_col < 0)
                continue;
            if (floe_arrow_is_null(b.children[score_col], b.offset + i)) {
                v.nulls++;
            } else {
                v.scored++;
                v.score_sum += floe_arrow_get_float64(b.children[score_col], b.offset + i);
            }
        }
        v.rows += b.length;
        b.release(&b);
    }
    sc.release(&sc);
    s.release(&s);
    return v;
}

static int64_t schema_id(floe_table *t)
{
    json_t *d = NULL;
    assert_int_equal(floe_table_describe(&d, t), 0);
    json_t *id = json_object_get(json_object_get(d, "schema"), "schema-id");
    assert_true(json_is_integer(id));
    int64_t v = json_integer_value(id);
    json_decref(d);
    return v;
}

static void test_append_with_union_by_name_adds_and_widens(void **state)
{
    (void)state;
    floe_manager *m = open_wh(floe_test_tmpdir("union_append"));
    floe_table *t = create(m, "db.t", "id int not null, name string");
    floe_table *wide = create(m, "db.wide", "id long not null, name string, score double");
    struct ArrowArrayStream s;
    rows_of(&s, t, 1, 4); /* 1..4 */
    assert_int_equal(floe_table_append(NULL, t, &s, NULL), 0);
    s.release(&s);
    int64_t schema_before = schema_id(t);

    /* without the option the wider input is refused, pointing at union by name */
    rows_of(&s, wide, 10, 3); /* 10..12 */
    assert_int_equal(floe_table_append(NULL, t, &s, NULL), FLOE_ESCHEMA);
    assert_non_null(strstr(floe_error_last(), "union"));
    s.release(&s);
    assert_int_equal(floe_mtest_snapshot_count(t), 1);

    floe_write_options wo = FLOE_WRITE_OPTIONS_INIT;
    wo.union_by_name = 1;
    rows_of(&s, wide, 10, 3);
    floe_write_result r;
    if (floe_table_append(&r, t, &s, &wo))
        fail_msg("append with union by name: %s", floe_error_last());
    s.release(&s);
    assert_int_equal(r.added_records, 3);
    assert_int_equal(floe_mtest_snapshot_count(t), 2);
    assert_int_equal(schema_id(t), schema_before + 1);
    /* id is long now, score was added; the first file reads score as null */
    struct seen v = scan_all(t);
    assert_int_equal(v.rows, 7);
    assert_int_equal(v.id_sum, 10 + 33);
    assert_int_equal(v.nulls, 4);
    assert_int_equal(v.scored, 3);
    assert_true(v.score_sum > 16.49 && v.score_sum < 16.51);

    /* the table now accepts the input as it is: no further schema */
    struct ArrowSchema ws;
    assert_int_equal(floe_table_arrow_schema(&ws, wide), 0);
    int changed = -1;
    assert_int_equal(floe_table_union_by_name(t, &ws, &changed), 0);
    assert_int_equal(changed, 0);
    ws.release(&ws);
    /* a narrower input (the original int id, no score) is accepted as is */
    floe_table *narrow = create(m, "db.narrow", "id int not null, name string");
    rows_of(&s, narrow, 20, 2);
    assert_int_equal(floe_table_append(&r, t, &s, &wo), 0);
    s.release(&s);
    assert_int_equal(schema_id(t), schema_before + 1);
    assert_int_equal(scan_all(t).rows, 9);
    floe_table_free(narrow);
    floe_table_free(wide);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_union_by_name_refuses_incompatible_type(void **state)
{
    (void)state;
    floe_manager *m = open_wh(floe_test_tmpdir("union_refuse"));
    floe_table *t = create(m, "db.t", "id long not null, name long");
    floe_table *other = create(m, "db.o", "id long not null, name string, score double");
    struct ArrowArrayStream s;
    rows_of(&s, other, 1, 2);
    floe_write_options wo = FLOE_WRITE_OPTIONS_INIT;
    wo.union_by_name = 1;
    assert_int_equal(floe_table_append(NULL, t, &s, &wo), FLOE_ESCHEMA);
    s.release(&s);
    assert_non_null(strstr(floe_error_last(), "name"));
    /* nothing committed: same schema (no score), no snapshot */
    assert_int_equal(floe_table_refresh(t), 0);
    assert_int_equal(floe_mtest_snapshot_count(t), 0);
    json_t *d = NULL;
    assert_int_equal(floe_table_describe(&d, t), 0);
    char *text = json_dumps(d, 0);
    assert_non_null(text);
    assert_null(strstr(text, "score"));
    free(text);
    json_decref(d);
    /* not a struct schema */
    struct ArrowSchema bad;
    assert_int_equal(floe_arrow_schema_init(&bad, "l", "x", 0), 0);
    assert_int_equal(floe_table_union_by_name(t, &bad, NULL), FLOE_EINVALID);
    bad.release(&bad);
    floe_table_free(other);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_overwrite_and_upsert_with_union_by_name(void **state)
{
    (void)state;
    floe_manager *m = open_wh(floe_test_tmpdir("union_ow_upsert"));
    floe_table *t = create(m, "db.t", "id int not null, name string");
    floe_table *wide = create(m, "db.wide", "id long not null, name string, score double");
    struct ArrowArrayStream s;
    rows_of(&s, t, 1, 6); /* 1..6 */
    assert_int_equal(floe_table_append(NULL, t, &s, NULL), 0);
    s.release(&s);

    /* overwrite rows 1..3 with 100..101 carrying a score */
    floe_write_options wo = FLOE_WRITE_OPTIONS_INIT;
    wo.union_by_name = 1;
    rows_of(&s, wide, 100, 2);
    floe_write_result r;
    if (floe_table_overwrite(&r, t, &s, "id <= 3", &wo))
        fail_msg("overwrite: %s", floe_error_last());
    s.release(&s);
    struct seen v = scan_all(t);
    assert_int_equal(v.rows, 5);
    assert_int_equal(v.id_sum, 4 + 5 + 6 + 100 + 101);
    assert_int_equal(v.scored, 2);

    /* upsert needs the new column: a fresh table evolves through the upsert option */
    floe_table *u = create(m, "db.u", "id int not null, name string");
    rows_of(&s, u, 1, 4);
    assert_int_equal(floe_table_append(NULL, u, &s, NULL), 0);
    s.release(&s);
    floe_upsert_options uo = FLOE_UPSERT_OPTIONS_INIT;
    uo.union_by_name = 1;
    const char *on[] = {"id"};
    floe_upsert_result ur;
    rows_of(&s, wide, 3, 4); /* 3, 4 match (score differs from null: updated), 5, 6 new */
    if (floe_table_upsert(&ur, u, &s, on, 1, &uo))
        fail_msg("upsert: %s", floe_error_last());
    s.release(&s);
    assert_int_equal(ur.inserted_rows, 2);
    assert_int_equal(ur.updated_rows, 2);
    v = scan_all(u);
    assert_int_equal(v.rows, 6);
    assert_int_equal(v.scored, 4);
    assert_int_equal(v.nulls, 2);
    assert_true(v.score_sum > 8.99 && v.score_sum < 9.01);
    floe_table_free(u);
    floe_table_free(wide);
    floe_table_free(t);
    floe_manager_free(m);
}

static void test_cli_append_union_by_name(void **state)
{
    (void)state;
    if (!floe_test_floe_bin())
        skip();
    const char *wh = floe_test_tmpdir("union_cli");
    char a_csv[4096], w_csv[4096], pq[4096], args[8192];
    snprintf(a_csv, sizeof a_csv, "%s/a.csv", wh);
    snprintf(w_csv, sizeof w_csv, "%s/w.csv", wh);
    snprintf(pq, sizeof pq, "%s/wide.parquet", wh);
    const char *a = "id,name\n1,a\n2,b\n";
    const char *w = "id,name,score\n7,g,3.5\n";
    assert_int_equal(floe_test_write_file(a_csv, a, strlen(a)), 0);
    assert_int_equal(floe_test_write_file(w_csv, w, strlen(w)), 0);
    char *out = NULL;
    assert_int_equal(floe_test_floe(&out, wh, "namespace create db"), 0);
    free(out);
    assert_int_equal(
        floe_test_floe(&out, wh, "table create db.t --schema 'id int not null, name string'"), 0);
    free(out);
    assert_int_equal(
        floe_test_floe(&out, wh,
                       "table create db.w --schema 'id long not null, name string, score double'"),
        0);
    free(out);
    snprintf(args, sizeof args, "table append db.t '%s'", a_csv);
    assert_int_equal(floe_test_floe(&out, wh, "%s", args), 0);
    free(out);
    /* a CSV with an unknown column: exit 5 and a hint, nothing changes */
    snprintf(args, sizeof args, "table append db.t '%s' --union-by-name", w_csv);
    assert_int_equal(floe_test_floe(&out, wh, "%s", args), 5);
    assert_non_null(strstr(out, "--add-column"));
    free(out);
    /* the same rows as Parquet, written by floe from the wide table */
    snprintf(args, sizeof args, "table append db.w '%s'", w_csv);
    assert_int_equal(floe_test_floe(&out, wh, "%s", args), 0);
    free(out);
    snprintf(args, sizeof args, "table scan db.w --format parquet --output '%s'", pq);
    assert_int_equal(floe_test_floe(&out, wh, "%s", args), 0);
    free(out);
    snprintf(args, sizeof args, "table append db.t '%s'", pq);
    assert_int_equal(floe_test_floe(&out, wh, "%s", args), 5);
    assert_non_null(strstr(out, "--union-by-name"));
    free(out);
    snprintf(args, sizeof args, "table append db.t '%s' --union-by-name", pq);
    int rc = floe_test_floe(&out, wh, "%s", args);
    if (rc)
        fail_msg("append --union-by-name: exit %d: %s", rc, out ? out : "");
    free(out);
    assert_int_equal(floe_test_floe(&out, wh, "table describe db.t --json"), 0);
    json_t *d = json_loads(out, 0, NULL);
    assert_non_null(d);
    char *text = json_dumps(d, 0);
    assert_non_null(strstr(text, "score"));
    free(text);
    json_decref(d);
    free(out);
    assert_int_equal(floe_test_floe(&out, wh, "table scan db.t --format csv"), 0);
    assert_non_null(strstr(out, "7,g,3.5\n"));
    assert_non_null(strstr(out, "1,a,\n"));
    free(out);
    assert_int_equal(floe_test_floe(&out, wh, "table --help"), 0);
    assert_non_null(strstr(out, "--union-by-name"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_with_union_by_name_adds_and_widens),
        cmocka_unit_test(test_union_by_name_refuses_incompatible_type),
        cmocka_unit_test(test_overwrite_and_upsert_with_union_by_name),
        cmocka_unit_test(test_cli_append_union_by_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
