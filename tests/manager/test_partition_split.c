/* Splitting one append batch across many partitions: every row lands in the file of the
 * partition that floe_partition_spec_apply gives it (nulls in partition columns included, for
 * day, hour, identity, bucket and truncate on ints, longs, strings and decimals), the files' record
 * counts add up per partition, and every value survives the copy into its partition's file. */
#include "test_support.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/stream.h>
#include <floe/arrow/value.h>
#include <floe/error.h>
#include <floe/iceberg/literal.h>
#include <floe/iceberg/partition.h>
#include <floe/table.h>

#define SCHEMA_TEXT                                                                                \
    "id long not null, ts timestamptz, region string, amount decimal(10,2), qty int, flag "        \
    "boolean, score double, code fixed[20]"
#define NCOLS   8
#define HOUR_US INT64_C(3600000000)
#define ROWS    3000

/* Row i of the input: nulls on different strides in every nullable column. */
struct row {
    int64_t id;
    int ts_null, region_null, amount_null, qty_null;
    int64_t ts;
    char region[16];
    int64_t amount;
    int32_t qty;
    int flag_null, score_null, code_null;
    int flag;
    double score;
    uint8_t code[20];
};

static struct row gen(int64_t i)
{
    struct row r;
    memset(&r, 0, sizeof r);
    r.id = i * 7 - 5000;
    r.ts_null = i % 7 == 0;
    r.ts = ((i * 37) % 400 - 100) * 24 * HOUR_US + (i % 24) * HOUR_US + i;
    r.region_null = i % 5 == 0;
    snprintf(r.region, sizeof r.region, "r%03d", (int)((i * 13) % 150));
    r.amount_null = i % 11 == 0;
    r.amount = i * 125 - 50000;
    r.qty_null = i % 4 == 0;
    r.qty = (int32_t)((i * 7) % 40 - 20);
    r.flag_null = i % 13 == 0;
    r.flag = i % 3 == 1;
    r.score_null = i % 17 == 0;
    r.score = (double)i * 0.5 - 7;
    r.code_null = i % 19 == 0;
    for (int k = 0; k < 20; k++)
        r.code[k] = (uint8_t)(i * 31 + k * (i % 7));
    return r;
}

static floe_manager *open_manager(const char *name, size_t max_open)
{
    floe_manager_options o = FLOE_MANAGER_OPTIONS_INIT;
    o.warehouse = floe_test_tmpdir(name);
    o.retry_base_ms = 1;
    o.max_open_writers = max_open;
    floe_manager *m = NULL;
    if (floe_manager_open(&m, &o))
        fail_msg("open: %s", floe_error_last());
    assert_int_equal(floe_manager_create_namespace(m, "db", NULL, 0), 0);
    return m;
}

/* One batch of ROWS rows. */
static void make_stream(struct ArrowArrayStream *out, floe_table *t)
{
    struct ArrowSchema schema;
    assert_int_equal(floe_table_arrow_schema(&schema, t), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
    for (int64_t i = 0; i < ROWS; i++) {
        struct row r = gen(i);
        floe_arrow_builder *c[NCOLS];
        for (int k = 0; k < NCOLS; k++)
            c[k] = floe_arrow_builder_child(b, k);
        assert_int_equal(floe_arrow_builder_append_int(c[0], r.id), 0);
        assert_int_equal(r.ts_null ? floe_arrow_builder_append_null(c[1])
                                   : floe_arrow_builder_append_int(c[1], r.ts),
                         0);
        assert_int_equal(r.region_null ? floe_arrow_builder_append_null(c[2])
                                       : floe_arrow_builder_append_str(c[2], r.region),
                         0);
        floe_decimal128 d = {(uint64_t)r.amount, r.amount < 0 ? -1 : 0};
        assert_int_equal(r.amount_null ? floe_arrow_builder_append_null(c[3])
                                       : floe_arrow_builder_append_decimal128(c[3], d),
                         0);
        assert_int_equal(r.qty_null ? floe_arrow_builder_append_null(c[4])
                                    : floe_arrow_builder_append_int(c[4], r.qty),
                         0);
        assert_int_equal(r.flag_null ? floe_arrow_builder_append_null(c[5])
                                     : floe_arrow_builder_append_bool(c[5], r.flag),
                         0);
        assert_int_equal(r.score_null ? floe_arrow_builder_append_null(c[6])
                                      : floe_arrow_builder_append_double(c[6], r.score),
                         0);
        assert_int_equal(r.code_null ? floe_arrow_builder_append_null(c[7])
                                     : floe_arrow_builder_append_bytes(c[7], r.code, 20),
                         0);
    }
    struct ArrowArray batch;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &batch, NULL), 0);
    floe_arrow_builder_free(b);
    assert_int_equal(floe_arrow_stream_from_batches(out, &schema, &batch, 1), 0);
}

/* The table's partition spec, read back through describe. */
static floe_partition_spec *table_spec(floe_table *t)
{
    json_t *d = NULL;
    assert_int_equal(floe_table_describe(&d, t), 0);
    char *text = json_dumps(json_object_get(d, "partition-spec"), 0);
    assert_non_null(text);
    floe_partition_spec *spec = NULL;
    if (floe_partition_spec_from_json(&spec, text, strlen(text)))
        fail_msg("spec: %s", floe_error_last());
    free(text);
    json_decref(d);
    return spec;
}

struct part {
    char *path;
    int64_t want, got;
};

/* Expected partition path -> row count, computed one row at a time. */
static size_t expected_parts(struct part *parts, const floe_partition_spec *spec)
{
    size_t np = 0, nf = floe_partition_spec_field_count(spec);
    for (int64_t i = 0; i < ROWS; i++) {
        struct row r = gen(i);
        /* source columns by field id: 1 id, 2 ts, 3 region, 4 amount, 5 qty, 6 flag, 7 score,
         * 8 code */
        floe_literal src[NCOLS] = {
            floe_literal_long(r.id),
            r.ts_null ? floe_literal_null(FLOE_TYPE_TIMESTAMPTZ) : floe_literal_timestamptz(r.ts),
            r.region_null ? floe_literal_null(FLOE_TYPE_STRING)
                          : floe_literal_string(r.region, strlen(r.region)),
            r.amount_null ? floe_literal_null(FLOE_TYPE_DECIMAL)
                          : floe_literal_decimal(r.amount, 2),
            r.qty_null ? floe_literal_null(FLOE_TYPE_INT) : floe_literal_int(r.qty),
            r.flag_null ? floe_literal_null(FLOE_TYPE_BOOLEAN) : floe_literal_bool(r.flag),
            r.score_null ? floe_literal_null(FLOE_TYPE_DOUBLE) : floe_literal_double(r.score),
            r.code_null ? floe_literal_null(FLOE_TYPE_FIXED) : floe_literal_fixed(r.code, 20)};
        floe_literal in[4], key[4];
        assert_true(nf <= 4);
        for (size_t k = 0; k < nf; k++)
            in[k] = src[floe_partition_field_source_id(floe_partition_spec_field_at(spec, k)) - 1];
        assert_int_equal(floe_partition_spec_apply(key, spec, in), 0);
        char *path = NULL;
        assert_int_equal(floe_partition_spec_path(&path, spec, key), 0);
        for (size_t k = 0; k < nf; k++)
            floe_literal_clear(&key[k]);
        size_t j = 0;
        while (j < np && strcmp(parts[j].path, path) != 0)
            j++;
        if (j == np) {
            parts[np].path = strdup(path);
            parts[np++].want = 0;
        }
        parts[j].want++;
        floe_iceberg_free_string(path);
    }
    return np;
}

/* Every scanned row equals the generated row with its id. */
static void check_values(floe_table *t)
{
    struct ArrowArrayStream s;
    assert_int_equal(floe_table_scan(&s, t, NULL), 0);
    uint8_t *seen = calloc(ROWS, 1);
    int64_t total = 0;
    for (;;) {
        struct ArrowArray b;
        assert_int_equal(floe_arrow_stream_get_next(&s, &b), 0);
        if (!b.release)
            break;
        for (int64_t i = 0; i < b.length; i++) {
            int64_t slot = b.offset + i;
            int64_t id = floe_arrow_get_int64(b.children[0], slot);
            assert_true((id + 5000) % 7 == 0);
            int64_t n = (id + 5000) / 7;
            assert_true(n >= 0 && n < ROWS);
            assert_false(seen[n]);
            seen[n] = 1;
            struct row r = gen(n);
            assert_int_equal(floe_arrow_is_null(b.children[1], slot), r.ts_null);
            if (!r.ts_null)
                assert_int_equal(floe_arrow_get_int64(b.children[1], slot), r.ts);
            assert_int_equal(floe_arrow_is_null(b.children[2], slot), r.region_null);
            if (!r.region_null) {
                floe_arrow_bytes v = floe_arrow_get_bytes(b.children[2], slot);
                assert_int_equal(v.len, (int64_t)strlen(r.region));
                assert_memory_equal(v.data, r.region, strlen(r.region));
            }
            assert_int_equal(floe_arrow_is_null(b.children[3], slot), r.amount_null);
            if (!r.amount_null) {
                floe_decimal128 d = floe_arrow_get_decimal128(b.children[3], slot);
                assert_int_equal((int64_t)d.lo, r.amount);
                assert_int_equal(d.hi, r.amount < 0 ? -1 : 0);
            }
            assert_int_equal(floe_arrow_is_null(b.children[4], slot), r.qty_null);
            if (!r.qty_null)
                assert_int_equal(floe_arrow_get_int32(b.children[4], slot), r.qty);
            assert_int_equal(floe_arrow_is_null(b.children[5], slot), r.flag_null);
            if (!r.flag_null)
                assert_int_equal(floe_arrow_get_bool(b.children[5], slot), r.flag);
            assert_int_equal(floe_arrow_is_null(b.children[6], slot), r.score_null);
            if (!r.score_null)
                assert_true(floe_arrow_get_float64(b.children[6], slot) == r.score);
            assert_int_equal(floe_arrow_is_null(b.children[7], slot), r.code_null);
            if (!r.code_null)
                assert_memory_equal(floe_arrow_get_fixed_bytes(b.children[7], 20, slot).data,
                                    r.code, 20);
            total++;
        }
        b.release(&b);
    }
    s.release(&s);
    free(seen);
    assert_int_equal(total, ROWS);
}

static void split_and_check(const char *dir, size_t max_open, const char *const *specs,
                            size_t nspecs)
{
    floe_manager *m = open_manager(dir, max_open);
    for (size_t i = 0; i < nspecs; i++) {
        char name[32];
        snprintf(name, sizeof name, "db.s%zu", i);
        floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
        co.schema_text = SCHEMA_TEXT;
        co.partition_by = specs[i];
        floe_table *t = NULL;
        if (floe_manager_create_table(&t, m, name, &co))
            fail_msg("create %s: %s", specs[i], floe_error_last());
        struct ArrowArrayStream s;
        make_stream(&s, t);
        floe_write_result res;
        if (floe_table_append(&res, t, &s, NULL))
            fail_msg("append %s: %s", specs[i], floe_error_last());
        s.release(&s);
        assert_int_equal(res.added_records, ROWS);

        floe_partition_spec *spec = table_spec(t);
        struct part *parts = calloc(ROWS, sizeof *parts);
        size_t np = expected_parts(parts, spec);
        if (np <= 20) /* the point: many partitions in the one batch */
            fail_msg("%s: only %zu partitions", specs[i], np);
        floe_scan_plan *plan = NULL;
        assert_int_equal(floe_table_plan(&plan, t, NULL), 0);
        if (max_open == 0)
            assert_int_equal(plan->task_count, np); /* one file per partition */
        else
            assert_true(plan->task_count >= np);
        assert_int_equal(res.added_files, (int64_t)plan->task_count);
        for (size_t f = 0; f < plan->task_count; f++) {
            size_t j = 0;
            while (j < np && strcmp(parts[j].path, plan->tasks[f].partition) != 0)
                j++;
            if (j == np)
                fail_msg("%s: file partition '%s' is not expected", specs[i],
                         plan->tasks[f].partition);
            assert_non_null(strstr(plan->tasks[f].path, plan->tasks[f].partition));
            parts[j].got += plan->tasks[f].record_count;
        }
        for (size_t j = 0; j < np; j++) {
            if (parts[j].got != parts[j].want)
                fail_msg("%s: partition '%s' has %" PRId64 " rows, expected %" PRId64, specs[i],
                         parts[j].path, parts[j].got, parts[j].want);
            free(parts[j].path);
        }
        free(parts);
        floe_scan_plan_free(plan);
        floe_partition_spec_free(spec);
        check_values(t);
        floe_table_free(t);
    }
    floe_manager_free(m);
}

static const char *const SPECS[] = {
    "day(ts)",
    "region",
    "bucket(8, region), truncate(3, region)",
    "truncate(1000, id), bucket(4, qty)",
    "qty",
    "flag, bucket(16, code)",
    "bucket(4, amount), truncate(50000, amount), month(ts)",
    "year(ts), bucket(3, id), truncate(3, region)",
};

static const char *const LRU_SPECS[] = {"region", "hour(ts), bucket(2, id)"};

static void test_one_batch_many_partitions_with_nulls(void **state)
{
    (void)state;
    split_and_check("split_many", 0, SPECS, sizeof SPECS / sizeof SPECS[0]);
}

static void test_one_batch_more_partitions_than_open_writers(void **state)
{
    (void)state;
    split_and_check("split_lru", 3, LRU_SPECS, sizeof LRU_SPECS / sizeof LRU_SPECS[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_batch_many_partitions_with_nulls),
        cmocka_unit_test(test_one_batch_more_partitions_than_open_writers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
