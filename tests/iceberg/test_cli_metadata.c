/* `floe metadata show`: human summary, --json normalized output, gzip files, exit codes. */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <zlib.h>

static char *run_floe(const char *args, int *status)
{
    const char *bin = floe_test_floe_bin();
    if (!bin)
        skip();
    char cmd[4096];
    snprintf(cmd, sizeof(cmd), "'%s' metadata %s", bin, args);
    char *out = NULL;
    *status = floe_test_run(cmd, 1, &out);
    assert_non_null(out);
    return out;
}

static const char *fixture(const char *name)
{
    static char path[1024];
    const char *src = getenv("FLOE_SOURCE_DIR");
    snprintf(path, sizeof(path), "%s/tests/data/iceberg/%s", src ? src : ".", name);
    return path;
}

static void test_show_prints_summary(void **state)
{
    (void)state;
    char args[1200];
    snprintf(args, sizeof(args), "show '%s'", fixture("metadata_v2_full.json"));
    int st = 0;
    char *out = run_floe(args, &st);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "Format version:       2"));
    assert_non_null(strstr(out, "9c12d441-03fe-4693-9a96-a0705ddf69c1"));
    assert_non_null(strstr(out, "s3://bucket/warehouse/db/events"));
    assert_non_null(strstr(out, "2: y: required long  -- comment"));
    assert_non_null(strstr(out, "[0] x: identity(x) [1000]"));
    assert_non_null(strstr(out, "bucket[4](z) desc nulls-last"));
    assert_non_null(strstr(out, "3055729675574597004  3051729675574597004"));
    assert_non_null(strstr(out, "v1.0             tag    -> 3051729675574597004"));
    assert_non_null(strstr(out, "owner = floe"));
    free(out);
}

static void test_show_json_is_normalized_metadata(void **state)
{
    (void)state;
    char args[1200];
    snprintf(args, sizeof(args), "show '%s' --json", fixture("metadata_v1.json"));
    int st = 0;
    char *out = run_floe(args, &st);
    assert_int_equal(st, 0);
    json_error_t err;
    json_t *doc = json_loads(out, 0, &err);
    if (!doc)
        fail_msg("not JSON: %s", out);
    assert_int_equal(json_integer_value(json_object_get(doc, "format-version")), 1);
    assert_true(json_is_array(json_object_get(doc, "schemas")));
    assert_true(json_is_array(json_object_get(doc, "partition-specs")));
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(json_object_get(doc, "refs"), "main"), "snapshot-id")),
                     3055729675574597004LL);
    json_decref(doc);
    free(out);
}

static void test_show_reads_gzip_metadata(void **state)
{
    (void)state;
    size_t len = 0;
    char *text = floe_test_read_file(fixture("metadata_v2_full.json"), &len);
    assert_non_null(text);
    const char *dir = floe_test_tmpdir("cli_metadata_gzip");
    char path[1024];
    snprintf(path, sizeof(path), "%s/00001-a.gz.metadata.json", dir);
    gzFile gz = gzopen(path, "wb");
    assert_non_null(gz);
    assert_int_equal(gzwrite(gz, text, (unsigned)len), (int)len);
    assert_int_equal(gzclose(gz), Z_OK);
    free(text);
    char args[1200];
    snprintf(args, sizeof(args), "show '%s'", path);
    int st = 0;
    char *out = run_floe(args, &st);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "Last sequence number: 34"));
    free(out);
}

static void test_errors_have_exit_codes_and_help(void **state)
{
    (void)state;
    int st = 0;
    char *out = run_floe("show /nonexistent/00001-x.metadata.json", &st);
    assert_int_equal(st, 3);
    free(out);
    const char *dir = floe_test_tmpdir("cli_metadata_bad");
    char path[1024];
    snprintf(path, sizeof(path), "%s/bad.metadata.json", dir);
    const char bad[] = "{\"format-version\":2,\"location\":\"/t\"}";
    assert_int_equal(floe_test_write_file(path, bad, strlen(bad)), 0);
    char args[1200];
    snprintf(args, sizeof(args), "show '%s'", path);
    out = run_floe(args, &st);
    assert_int_equal(st, 5);
    assert_non_null(strstr(out, "'$.table-uuid'"));
    free(out);
    out = run_floe("show", &st);
    assert_int_equal(st, 2);
    free(out);
    out = run_floe("--help", &st);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "floe metadata show FILE [--json]"));
    free(out);
    out = run_floe("frob", &st);
    assert_int_equal(st, 2);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_show_prints_summary),
        cmocka_unit_test(test_show_json_is_normalized_metadata),
        cmocka_unit_test(test_show_reads_gzip_metadata),
        cmocka_unit_test(test_errors_have_exit_codes_and_help),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
