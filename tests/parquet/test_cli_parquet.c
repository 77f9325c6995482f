/* `floe parquet`: every subcommand's --help, usage errors, exit codes, and the output of
 * schema / meta / cat on a DuckDB-written file. */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int floe(const char *args, char **out)
{
    char cmd[4096];
    snprintf(cmd, sizeof(cmd), "'%s' parquet %s", floe_test_floe_bin(), args);
    return floe_test_run(cmd, 1, out);
}

static void test_cli_parquet_help_for_every_subcommand(void **state)
{
    (void)state;
    const char *subs[] = {"schema", "meta", "cat", "rewrite"};
    for (int i = 0; i < 4; i++) {
        char args[64], *out = NULL;
        snprintf(args, sizeof(args), "%s --help", subs[i]);
        assert_int_equal(floe(args, &out), 0);
        char want[64];
        snprintf(want, sizeof(want), "usage: floe parquet %s", subs[i]);
        assert_non_null(strstr(out, want));
        free(out);
    }
    char *out = NULL;
    assert_int_equal(floe("--help", &out), 0);
    assert_non_null(strstr(out, "rewrite IN OUT"));
    free(out);
}

static void test_cli_parquet_usage_errors_exit_2(void **state)
{
    (void)state;
    char *out = NULL;
    assert_int_equal(floe("", &out), 2);
    free(out);
    assert_int_equal(floe("frobnicate x.parquet", &out), 2);
    assert_non_null(strstr(out, "unknown parquet subcommand"));
    free(out);
    assert_int_equal(floe("cat", &out), 2);
    free(out);
    assert_int_equal(floe("cat x.parquet --limit -3", &out), 2);
    free(out);
    assert_int_equal(floe("rewrite a.parquet", &out), 2);
    free(out);
    assert_int_equal(floe("rewrite a b --compression lzo", &out), 2);
    assert_non_null(strstr(out, "lzo"));
    free(out);
}

static void test_cli_parquet_missing_and_corrupt_files(void **state)
{
    (void)state;
    const char *dir = floe_test_tmpdir("cli_parquet_bad");
    char path[1024], args[1200], *out = NULL;
    snprintf(args, sizeof(args), "cat '%s/absent.parquet'", dir);
    assert_int_equal(floe(args, &out), 3);
    free(out);
    snprintf(path, sizeof(path), "%s/bad.parquet", dir);
    assert_int_equal(floe_test_write_file(path, "PAR1 this is not parquet PAR2", 29), 0);
    snprintf(args, sizeof(args), "meta '%s'", path);
    assert_int_equal(floe(args, &out), 5);
    assert_non_null(strstr(out, "not a Parquet file"));
    assert_non_null(strstr(out, "offset"));
    free(out);
}

static const char *make_file(void)
{
    static char path[1024];
    const char *dir = floe_test_tmpdir("cli_parquet");
    char args[1100], *list = NULL;
    snprintf(args, sizeof(args), "'%s' --small", dir);
    assert_int_equal(floe_test_node("parquet_gen_duckdb.mjs", args, &list), 0);
    free(list);
    snprintf(path, sizeof(path), "%s/duckdb_field_ids.parquet", dir);
    return path;
}

static void test_cli_parquet_schema_meta_cat(void **state)
{
    (void)state;
    FLOE_REQUIRE_INTEROP();
    const char *f = make_file();
    char args[1200], *out = NULL;

    snprintf(args, sizeof(args), "schema '%s'", f);
    assert_int_equal(floe(args, &out), 0);
    assert_non_null(strstr(out, "optional INT64 id"));
    assert_non_null(strstr(out, "= 1;"));
    assert_non_null(strstr(out, "id: l (field_id 1)"));
    free(out);

    snprintf(args, sizeof(args), "schema '%s' --json", f);
    assert_int_equal(floe(args, &out), 0);
    assert_non_null(strstr(out, "\"arrow_format\": \"+l\""));
    free(out);

    snprintf(args, sizeof(args), "meta '%s'", f);
    assert_int_equal(floe(args, &out), 0);
    assert_non_null(strstr(out, "owner = floe-test"));
    assert_non_null(strstr(out, "rows: 300"));
    assert_non_null(strstr(out, "min=0 max=299"));
    free(out);

    snprintf(args, sizeof(args), "meta '%s' --json", f);
    assert_int_equal(floe(args, &out), 0);
    assert_non_null(strstr(out, "\"key_value_metadata\""));
    assert_non_null(strstr(out, "\"SNAPPY\""));
    free(out);

    snprintf(args, sizeof(args), "cat '%s' --json --limit 2 --columns name,l", f);
    assert_int_equal(floe(args, &out), 0);
    assert_string_equal(out, "{\"name\":\"n0\",\"l\":[0]}\n{\"name\":\"n1\",\"l\":[1]}\n");
    free(out);

    snprintf(args, sizeof(args), "cat '%s' --limit 1 --columns id,s", f);
    assert_int_equal(floe(args, &out), 0);
    assert_string_equal(out, "id\ts\n0\t{\"x\":0}\n");
    free(out);

    /* A dotted path keeps only that branch of a struct. */
    char small[1100];
    snprintf(small, sizeof(small), "%s", f);
    char *slash = strrchr(small, '/');
    snprintf(slash + 1, sizeof(small) - (size_t)(slash + 1 - small), "small_v2.parquet");
    snprintf(args, sizeof(args), "cat '%s' --json --limit 2 --columns c_struct_nested.inner.x",
             small);
    assert_int_equal(floe(args, &out), 0);
    assert_string_equal(out, "{\"c_struct_nested\":{\"inner\":{\"x\":null}}}\n"
                             "{\"c_struct_nested\":{\"inner\":{\"x\":1}}}\n");
    free(out);

    snprintf(args, sizeof(args), "cat '%s' --columns nope", f);
    assert_int_equal(floe(args, &out), 3);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cli_parquet_help_for_every_subcommand),
        cmocka_unit_test(test_cli_parquet_usage_errors_exit_2),
        cmocka_unit_test(test_cli_parquet_missing_and_corrupt_files),
        cmocka_unit_test(test_cli_parquet_schema_meta_cat),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
