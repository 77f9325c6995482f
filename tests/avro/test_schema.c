/* Avro schema parsing, serialization, canonical form and the builder API. */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#include <floe/avro.h>
#include <floe/error.h>

#include "base/alloc.h"

static floe_avro_schema *parse_ok(const char *json)
{
    floe_avro_schema *s = NULL;
    int rc = floe_avro_schema_parse(&s, json, strlen(json));
    if (rc)
        fail_msg("parse failed: %s", floe_error_last());
    return s;
}

static void expect_parse_error(const char *json, const char *path_fragment)
{
    floe_avro_schema *s = NULL;
    int rc = floe_avro_schema_parse(&s, json, strlen(json));
    assert_int_equal(rc, FLOE_EINVALID);
    assert_null(s);
    if (!strstr(floe_error_last(), path_fragment))
        fail_msg("error '%s' does not mention '%s'", floe_error_last(), path_fragment);
}

static const char *manifest_like =
    "{\"type\":\"record\",\"name\":\"manifest_entry\",\"namespace\":\"org.x\",\"fields\":["
    "{\"name\":\"status\",\"type\":\"int\",\"field-id\":0},"
    "{\"name\":\"snapshot_id\",\"type\":[\"null\",\"long\"],\"default\":null,\"field-id\":1},"
    "{\"name\":\"data_file\",\"type\":{\"type\":\"record\",\"name\":\"r2\",\"fields\":["
    "{\"name\":\"file_path\",\"type\":\"string\",\"doc\":\"Location\",\"field-id\":100},"
    "{\"name\":\"column_sizes\",\"type\":[\"null\",{\"type\":\"array\",\"items\":{\"type\":"
    "\"record\",\"name\":\"k117_v118\",\"fields\":[{\"name\":\"key\",\"type\":\"int\",\"field-id\":"
    "117},{\"name\":\"value\",\"type\":\"long\",\"field-id\":118}]},\"logicalType\":\"map\"}],"
    "\"default\":null,\"field-id\":108},"
    "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"string\",\"element-id\":7}},"
    "{\"name\":\"props\",\"type\":{\"type\":\"map\",\"values\":\"string\",\"key-id\":8,"
    "\"value-id\":9}}"
    "]},\"field-id\":2}]}";

static void test_parse_iceberg_attributes_are_kept(void **state)
{
    (void)state;
    floe_avro_schema *s = parse_ok(manifest_like);
    assert_int_equal(floe_avro_schema_type(s), FLOE_AVRO_RECORD);
    assert_string_equal(floe_avro_schema_name(s), "org.x.manifest_entry");
    assert_int_equal(floe_avro_schema_field_count(s), 3);
    assert_int_equal(floe_avro_schema_field_id(s, 1), 1);
    assert_int_equal(floe_avro_schema_field_index_by_id(s, 2), 2);
    const floe_avro_schema *df = floe_avro_schema_field_type(s, 2);
    assert_string_equal(floe_avro_schema_name(df), "org.x.r2");
    assert_int_equal(floe_avro_schema_field_id(df, 0), 100);
    char *doc = NULL;
    assert_int_equal(floe_avro_schema_field_prop_json(&doc, df, 0, "doc"), 0);
    assert_string_equal(doc, "\"Location\"");
    free(doc);
    const floe_avro_schema *cs = floe_avro_schema_field_type(df, 1);
    assert_int_equal(floe_avro_schema_null_branch(cs), 0);
    const floe_avro_schema *arr = floe_avro_schema_branch(cs, 1);
    assert_string_equal(floe_avro_schema_logical_type(arr), "map");
    int64_t id = 0;
    const floe_avro_schema *tags = floe_avro_schema_field_type(df, 2);
    assert_int_equal(floe_avro_schema_int_prop(&id, tags, "element-id"), 0);
    assert_int_equal(id, 7);
    const floe_avro_schema *props = floe_avro_schema_field_type(df, 3);
    assert_int_equal(floe_avro_schema_int_prop(&id, props, "value-id"), 0);
    assert_int_equal(id, 9);
    assert_int_equal(floe_avro_schema_int_prop(&id, props, "nope"), FLOE_ENOTFOUND);

    /* Round trip through the serialized form keeps every attribute. */
    char *json = NULL;
    assert_int_equal(floe_avro_schema_to_json(&json, s), 0);
    assert_non_null(strstr(json, "\"field-id\":118"));
    assert_non_null(strstr(json, "\"element-id\":7"));
    assert_non_null(strstr(json, "\"key-id\":8"));
    assert_non_null(strstr(json, "\"logicalType\":\"map\""));
    assert_non_null(strstr(json, "\"default\":null"));
    floe_avro_schema *s2 = parse_ok(json);
    char *json2 = NULL;
    assert_int_equal(floe_avro_schema_to_json(&json2, s2), 0);
    assert_string_equal(json, json2);
    free(json);
    free(json2);
    floe_avro_schema_free(s2);
    floe_avro_schema_free(s);
}

static void test_parse_every_type_and_logical_type(void **state)
{
    (void)state;
    const char *j =
        "{\"type\":\"record\",\"name\":\"All\",\"fields\":["
        "{\"name\":\"n\",\"type\":\"null\"},{\"name\":\"b\",\"type\":\"boolean\"},"
        "{\"name\":\"i\",\"type\":\"int\"},{\"name\":\"l\",\"type\":\"long\"},"
        "{\"name\":\"f\",\"type\":\"float\"},{\"name\":\"d\",\"type\":\"double\"},"
        "{\"name\":\"by\",\"type\":\"bytes\"},{\"name\":\"s\",\"type\":\"string\"},"
        "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"Color\",\"symbols\":[\"RED\","
        "\"GREEN\"]}},"
        "{\"name\":\"fx\",\"type\":{\"type\":\"fixed\",\"name\":\"F4\",\"size\":4}},"
        "{\"name\":\"fx2\",\"type\":\"F4\"},"
        "{\"name\":\"dec\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\","
        "\"precision\":9,\"scale\":2}},"
        "{\"name\":\"u\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"}},"
        "{\"name\":\"dt\",\"type\":{\"type\":\"int\",\"logicalType\":\"date\"}},"
        "{\"name\":\"tm\",\"type\":{\"type\":\"int\",\"logicalType\":\"time-millis\"}},"
        "{\"name\":\"tu\",\"type\":{\"type\":\"long\",\"logicalType\":\"time-micros\"}},"
        "{\"name\":\"ts\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-nanos\"}},"
        "{\"name\":\"lts\",\"type\":{\"type\":\"long\",\"logicalType\":"
        "\"local-timestamp-micros\"}},"
        "{\"name\":\"bad\",\"type\":{\"type\":\"string\",\"logicalType\":\"date\"}},"
        "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":[\"null\",\"double\"]}}]}";
    floe_avro_schema *s = parse_ok(j);
    assert_int_equal(floe_avro_schema_field_count(s), 20);
    const floe_avro_schema *e = floe_avro_schema_field_type(s, 8);
    assert_int_equal(floe_avro_schema_symbol_count(e), 2);
    assert_string_equal(floe_avro_schema_symbol(e, 1), "GREEN");
    assert_ptr_equal(floe_avro_schema_field_type(s, 9), floe_avro_schema_field_type(s, 10));
    assert_int_equal(floe_avro_schema_fixed_size(floe_avro_schema_field_type(s, 9)), 4);
    int p = 0, sc = 0;
    floe_avro_schema_decimal(floe_avro_schema_field_type(s, 11), &p, &sc);
    assert_int_equal(p, 9);
    assert_int_equal(sc, 2);
    assert_string_equal(floe_avro_schema_logical_type(floe_avro_schema_field_type(s, 12)), "uuid");
    assert_string_equal(floe_avro_schema_logical_type(floe_avro_schema_field_type(s, 16)),
                        "timestamp-nanos");
    /* A logical type on the wrong base type is ignored (spec), but kept as an attribute. */
    assert_null(floe_avro_schema_logical_type(floe_avro_schema_field_type(s, 18)));
    char *lt = NULL;
    assert_int_equal(
        floe_avro_schema_prop_json(&lt, floe_avro_schema_field_type(s, 18), "logicalType"), 0);
    assert_string_equal(lt, "\"date\"");
    free(lt);
    floe_avro_schema_free(s);
}

static void test_namespaces_and_references(void **state)
{
    (void)state;
    const char *j = "{\"type\":\"record\",\"name\":\"a.Outer\",\"fields\":["
                    "{\"name\":\"x\",\"type\":{\"type\":\"fixed\",\"name\":\"Id\",\"size\":2}},"
                    "{\"name\":\"y\",\"type\":\"a.Id\"},"
                    "{\"name\":\"z\",\"type\":{\"type\":\"record\",\"name\":\"Inner\","
                    "\"namespace\":\"b\",\"fields\":[{\"name\":\"q\",\"type\":\"a.Id\"}]}},"
                    "{\"name\":\"w\",\"type\":\"b.Inner\"},"
                    "{\"name\":\"self\",\"type\":[\"null\",\"Outer\"]}]}";
    floe_avro_schema *s = parse_ok(j);
    assert_string_equal(floe_avro_schema_name(floe_avro_schema_field_type(s, 0)), "a.Id");
    assert_string_equal(floe_avro_schema_name(floe_avro_schema_field_type(s, 2)), "b.Inner");
    assert_ptr_equal(floe_avro_schema_field_type(s, 2), floe_avro_schema_field_type(s, 3));
    /* Recursive reference. */
    assert_ptr_equal(floe_avro_schema_branch(floe_avro_schema_field_type(s, 4), 1), s);
    char *canon = NULL;
    assert_int_equal(floe_avro_schema_canonical(&canon, s), 0);
    assert_string_equal(
        canon, "{\"name\":\"a.Outer\",\"type\":\"record\",\"fields\":[{\"name\":\"x\",\"type\":"
               "{\"name\":\"a.Id\",\"type\":\"fixed\",\"size\":2}},{\"name\":\"y\",\"type\":"
               "\"a.Id\"},{\"name\":\"z\",\"type\":{\"name\":\"b.Inner\",\"type\":\"record\","
               "\"fields\":[{\"name\":\"q\",\"type\":\"a.Id\"}]}},{\"name\":\"w\",\"type\":"
               "\"b.Inner\"},{\"name\":\"self\",\"type\":[\"null\",\"a.Outer\"]}]}");
    free(canon);
    /* The serialized form parses back to the same canonical form. */
    char *json = NULL;
    assert_int_equal(floe_avro_schema_to_json(&json, s), 0);
    floe_avro_schema *s2 = parse_ok(json);
    uint64_t f1 = 0, f2 = 0;
    assert_int_equal(floe_avro_schema_fingerprint(&f1, s), 0);
    assert_int_equal(floe_avro_schema_fingerprint(&f2, s2), 0);
    assert_true(f1 == f2);
    free(json);
    floe_avro_schema_free(s2);
    floe_avro_schema_free(s);
}

static void test_fingerprint_matches_spec_reference_values(void **state)
{
    (void)state;
    /* Values from the Avro project's reference test suite (CRC-64-AVRO of the canonical form). */
    floe_avro_schema *s = parse_ok("\"int\"");
    uint64_t fp = 0;
    assert_int_equal(floe_avro_schema_fingerprint(&fp, s), 0);
    assert_true(fp == 0x7275d51a3f395c8fULL);
    floe_avro_schema_free(s);
    s = parse_ok("{\"type\":\"string\",\"logicalType\":\"uuid\"}");
    char *canon = NULL;
    assert_int_equal(floe_avro_schema_canonical(&canon, s), 0);
    assert_string_equal(canon, "\"string\"");
    free(canon);
    floe_avro_schema_free(s);
}

static void test_parse_errors_name_the_json_path(void **state)
{
    (void)state;
    expect_parse_error("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\","
                       "\"type\":\"int\"},{\"name\":\"b\",\"type\":\"nosuch\"}]}",
                       "$.fields[1].type");
    expect_parse_error("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\","
                       "\"type\":[\"int\",\"int\"]}]}",
                       "$.fields[0].type[1]");
    expect_parse_error("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"1a\","
                       "\"type\":\"int\"}]}",
                       "$.fields[0].name");
    expect_parse_error("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\","
                       "\"type\":\"int\"},{\"name\":\"a\",\"type\":\"long\"}]}",
                       "duplicate field");
    expect_parse_error("{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"A\",\"A\"]}",
                       "$.symbols[1]");
    expect_parse_error("{\"type\":\"fixed\",\"name\":\"f\",\"size\":-1}", "$.size");
    expect_parse_error("{\"type\":\"array\"}", "$.items");
    expect_parse_error("{\"type\":\"record\",\"name\":\"r\"}", "$.fields");
    expect_parse_error("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\","
                       "\"type\":\"int\",\"field-id\":\"x\"}]}",
                       "$.fields[0].field-id");
    expect_parse_error("[\"null\",[\"int\"]]", "$[1]");
    expect_parse_error("{\"type\":\"record\",\"name\":\"r\",\"fields\":[]", "not valid JSON");
    expect_parse_error("{\"fields\":[]}", "no \"type\"");
    expect_parse_error("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"x\","
                       "\"type\":{\"type\":\"record\",\"name\":\"r\",\"fields\":[]}}]}",
                       "defined twice");
}

static void test_builder_writes_exact_schema(void **state)
{
    (void)state;
    floe_avro_schema *lng, *str, *opt_long, *rec, *kv, *kvarr, *opt_arr, *i32;
    assert_int_equal(floe_avro_schema_new_primitive(&lng, FLOE_AVRO_LONG), 0);
    assert_int_equal(floe_avro_schema_new_primitive(&str, FLOE_AVRO_STRING), 0);
    assert_int_equal(floe_avro_schema_new_primitive(&i32, FLOE_AVRO_INT), 0);
    assert_int_equal(floe_avro_schema_new_optional(&opt_long, lng), 0);
    assert_int_equal(floe_avro_schema_new_record(&kv, "k117_v118", NULL), 0);
    assert_int_equal(floe_avro_schema_add_field(kv, "key", i32, 117, NULL), 0);
    assert_int_equal(floe_avro_schema_add_field(kv, "value", lng, 118, NULL), 0);
    assert_int_equal(floe_avro_schema_new_array(&kvarr, kv), 0);
    assert_int_equal(floe_avro_schema_set_prop(kvarr, "logicalType", "\"map\""), 0);
    assert_int_equal(floe_avro_schema_new_optional(&opt_arr, kvarr), 0);
    assert_int_equal(floe_avro_schema_new_record(&rec, "r2", NULL), 0);
    assert_int_equal(floe_avro_schema_add_field(rec, "file_path", str, 100, NULL), 0);
    assert_int_equal(floe_avro_schema_set_field_prop(rec, "doc", "\"Location URI\""), 0);
    assert_int_equal(floe_avro_schema_add_field(rec, "snapshot_id", opt_long, 1, "null"), 0);
    assert_int_equal(floe_avro_schema_add_field(rec, "column_sizes", opt_arr, 108, "null"), 0);
    assert_int_equal(floe_avro_schema_add_field(rec, "file_path", str, 5, NULL), FLOE_EINVALID);
    assert_int_equal(floe_avro_schema_set_prop(rec, "name", "\"x\""), FLOE_EINVALID);
    char *json = NULL;
    assert_int_equal(floe_avro_schema_to_json(&json, rec), 0);
    assert_string_equal(
        json,
        "{\"type\":\"record\",\"name\":\"r2\",\"fields\":[{\"name\":\"file_path\",\"type\":"
        "\"string\",\"field-id\":100,\"doc\":\"Location URI\"},{\"name\":\"snapshot_id\","
        "\"type\":[\"null\",\"long\"],\"field-id\":1,\"default\":null},{\"name\":"
        "\"column_sizes\",\"type\":[\"null\",{\"type\":\"array\",\"items\":{\"type\":\"record\","
        "\"name\":\"k117_v118\",\"fields\":[{\"name\":\"key\",\"type\":\"int\",\"field-id\":117},"
        "{\"name\":\"value\",\"type\":\"long\",\"field-id\":118}]},\"logicalType\":\"map\"}],"
        "\"field-id\":108,\"default\":null}]}");
    free(json);
    floe_avro_schema *bad;
    const floe_avro_schema *dup[2] = {lng, lng};
    assert_int_equal(floe_avro_schema_new_union(&bad, dup, 2), FLOE_EINVALID);
    const char *syms[] = {"A", "B"};
    floe_avro_schema *en;
    assert_int_equal(floe_avro_schema_new_enum(&en, "E", "ns", syms, 2), 0);
    assert_string_equal(floe_avro_schema_name(en), "ns.E");
    floe_avro_schema_free(en);
    floe_avro_schema_free(lng);
    floe_avro_schema_free(str);
    floe_avro_schema_free(i32);
    floe_avro_schema_free(opt_long);
    floe_avro_schema_free(kv);
    floe_avro_schema_free(kvarr);
    floe_avro_schema_free(opt_arr);
    floe_avro_schema_free(rec);
}

static void test_parse_survives_allocation_failures(void **state)
{
    (void)state;
    for (long n = 1; n < 400; n++) {
        floe_avro_schema *s = NULL;
        floe_alloc_fail_after(n);
        int rc = floe_avro_schema_parse(&s, manifest_like, strlen(manifest_like));
        floe_alloc_fail_after(0);
        if (rc == 0) {
            floe_avro_schema_free(s);
            break;
        }
        assert_int_equal(rc, FLOE_ENOMEM);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_iceberg_attributes_are_kept),
        cmocka_unit_test(test_parse_every_type_and_logical_type),
        cmocka_unit_test(test_namespaces_and_references),
        cmocka_unit_test(test_fingerprint_matches_spec_reference_values),
        cmocka_unit_test(test_parse_errors_name_the_json_path),
        cmocka_unit_test(test_builder_writes_exact_schema),
        cmocka_unit_test(test_parse_survives_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
