/* The Parquet reader against real writers: DuckDB (every type x encoding x codec, format v1
 * and v2), hyparquet-writer (data page v2, many pages per chunk), and `floe parquet rewrite`
 * checked by DuckDB. Values are compared exactly by tests/interop/parquet_read_compare.mjs. */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* Appends "spec=jsonl" for every file listed (one per line) in `list`, after printing each
 * with `floe parquet cat --json`. */
static char *cat_all(const char *list, const char *prefix)
{
    size_t cap = 1 << 16, len = 0;
    char *pairs = calloc(1, cap);
    assert_non_null(pairs);
    char *copy = strdup(list);
    for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strstr(line, ".parquet"))
            continue;
        char cmd[4096], *out = NULL;
        snprintf(cmd, sizeof(cmd), "'%s' parquet cat '%s' --json > '%s.jsonl'",
                 floe_test_floe_bin(), line, line);
        int st = floe_test_run(cmd, 1, &out);
        if (st != 0)
            fail_msg("floe parquet cat %s failed (%d): %s", line, st, out ? out : "");
        free(out);
        int n = snprintf(pairs + len, cap - len, " '%s%s=%s.jsonl'", prefix, line, line);
        assert_true(n > 0 && (size_t)n < cap - len);
        len += (size_t)n;
    }
    free(copy);
    return pairs;
}

static void compare(const char *pairs)
{
    char *out = NULL;
    int st = floe_test_node("parquet_read_compare.mjs", pairs, &out);
    if (st != 0 || !out || strncmp(out, "ok ", 3) != 0)
        fail_msg("floe and the reference reader disagree:\n%s", out ? out : "(no output)");
    free(out);
}

static void test_reader_matches_duckdb_every_type_encoding_codec(void **state)
{
    (void)state;
    FLOE_REQUIRE_INTEROP();
    const char *dir = floe_test_tmpdir("parquet_duckdb");
    char args[1024], *list = NULL;
    snprintf(args, sizeof(args), "'%s'", dir);
    assert_int_equal(floe_test_node("parquet_gen_duckdb.mjs", args, &list), 0);
    /* 12 files (v1/v2 x 6 codecs) and the field-id file. */
    int files = 0;
    for (const char *p = list; (p = strstr(p, ".parquet")) != NULL; p++)
        files++;
    assert_int_equal(files, 13);
    char *pairs = cat_all(list, "");
    compare(pairs);
    free(pairs);
    free(list);
}

static void test_reader_matches_hyparquet_page_v2_many_pages(void **state)
{
    (void)state;
    FLOE_REQUIRE_INTEROP();
    const char *dir = floe_test_tmpdir("parquet_hyparquet");
    char args[1024], *list = NULL;
    snprintf(args, sizeof(args), "'%s'", dir);
    assert_int_equal(floe_test_node("parquet_gen_hyparquet.mjs", args, &list), 0);
    char *pairs = cat_all(list, "hyparquet:");
    compare(pairs);
    free(pairs);
    /* The files really have many v2 pages per chunk (else this test proves less). */
    char cmd[2048], *meta = NULL;
    snprintf(cmd, sizeof(cmd), "'%s' parquet meta '%s/hyparquet_snappy.parquet' --json",
             floe_test_floe_bin(), dir);
    assert_int_equal(floe_test_run(cmd, 0, &meta), 0);
    json_error_t jerr;
    json_t *md = json_loads(meta, 0, &jerr);
    assert_non_null(md);
    json_int_t biggest = 0;
    size_t g, c;
    json_t *rg, *col;
    json_array_foreach(json_object_get(md, "row_groups"), g, rg)
    {
        json_array_foreach(json_object_get(rg, "columns"), c, col)
        {
            json_int_t u = json_integer_value(json_object_get(col, "total_uncompressed_size"));
            if (u > biggest)
                biggest = u;
        }
    }
    /* Pages are ~700 bytes: a chunk this large holds several. */
    assert_true(biggest > 4 * 700);
    assert_true(json_array_size(json_object_get(md, "row_groups")) >= 3);
    json_decref(md);
    free(meta);
    free(list);
}

static void test_reader_rewrite_keeps_values_field_ids_and_kv(void **state)
{
    (void)state;
    FLOE_REQUIRE_INTEROP();
    const char *dir = floe_test_tmpdir("parquet_rewrite");
    char args[2048], *list = NULL;
    snprintf(args, sizeof(args), "'%s' --small", dir);
    assert_int_equal(floe_test_node("parquet_gen_duckdb.mjs", args, &list), 0);
    free(list);
    const char *codecs[] = {"snappy", "none", "gzip"};
    for (int k = 0; k < 3; k++) {
        char cmd[4096], *out = NULL;
        snprintf(cmd, sizeof(cmd),
                 "'%s' parquet rewrite '%s/duckdb_field_ids.parquet' '%s/rw_%s.parquet' "
                 "--compression %s --row-group-bytes 2000",
                 floe_test_floe_bin(), dir, dir, codecs[k], codecs[k]);
        if (floe_test_run(cmd, 1, &out) != 0)
            fail_msg("rewrite failed: %s", out ? out : "");
        free(out);
        snprintf(args, sizeof(args), "'%s/duckdb_field_ids.parquet' '%s/rw_%s.parquet'", dir, dir,
                 codecs[k]);
        out = NULL;
        if (floe_test_node("parquet_read_rewrite_check.mjs", args, &out) != 0)
            fail_msg("rewrite lost something:\n%s", out ? out : "");
        free(out);
    }
    /* Every type survives a rewrite with exact values (read back by DuckDB and by floe). */
    char cmd[4096], *out = NULL;
    snprintf(cmd, sizeof(cmd),
             "'%s' parquet rewrite '%s/small_v2.parquet' '%s/rw_all.parquet' && '%s' "
             "parquet cat '%s/rw_all.parquet' --json > '%s/rw_all.jsonl'",
             floe_test_floe_bin(), dir, dir, floe_test_floe_bin(), dir, dir);
    if (floe_test_run(cmd, 1, &out) != 0)
        fail_msg("rewrite failed: %s", out ? out : "");
    free(out);
    snprintf(args, sizeof(args),
             "'%s/rw_all.parquet=%s/rw_all.jsonl' '%s/small_v2.parquet=%s/rw_all.jsonl'", dir, dir,
             dir, dir);
    compare(args);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader_matches_duckdb_every_type_encoding_codec),
        cmocka_unit_test(test_reader_matches_hyparquet_page_v2_many_pages),
        cmocka_unit_test(test_reader_rewrite_keeps_values_field_ids_and_kv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
