#include "test_support.h"

#include <string.h>

#include <jansson.h>

#include <floe/error.h>
#include <floe/iceberg/schema.h>

#include "base/alloc.h"

static const char *all_types_json =
    "{\"type\":\"struct\",\"schema-id\":3,\"identifier-field-ids\":[1],\"fields\":["
    "{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\",\"doc\":\"key\"},"
    "{\"id\":2,\"name\":\"b\",\"required\":false,\"type\":\"boolean\"},"
    "{\"id\":3,\"name\":\"i\",\"required\":false,\"type\":\"int\",\"initial-default\":34,"
    "\"write-default\":35},"
    "{\"id\":4,\"name\":\"f\",\"required\":false,\"type\":\"float\"},"
    "{\"id\":5,\"name\":\"d\",\"required\":false,\"type\":\"double\"},"
    "{\"id\":6,\"name\":\"dec\",\"required\":false,\"type\":\"decimal(9,2)\"},"
    "{\"id\":7,\"name\":\"dt\",\"required\":false,\"type\":\"date\"},"
    "{\"id\":8,\"name\":\"t\",\"required\":false,\"type\":\"time\"},"
    "{\"id\":9,\"name\":\"ts\",\"required\":false,\"type\":\"timestamp\"},"
    "{\"id\":10,\"name\":\"tstz\",\"required\":false,\"type\":\"timestamptz\"},"
    "{\"id\":11,\"name\":\"s\",\"required\":false,\"type\":\"string\"},"
    "{\"id\":12,\"name\":\"u\",\"required\":false,\"type\":\"uuid\"},"
    "{\"id\":13,\"name\":\"fx\",\"required\":false,\"type\":\"fixed[16]\"},"
    "{\"id\":14,\"name\":\"bin\",\"required\":false,\"type\":\"binary\"},"
    "{\"id\":15,\"name\":\"loc\",\"required\":false,\"type\":{\"type\":\"struct\",\"fields\":["
    "{\"id\":16,\"name\":\"lat\",\"required\":true,\"type\":\"double\"},"
    "{\"id\":17,\"name\":\"Lon\",\"required\":true,\"type\":\"double\"}]}},"
    "{\"id\":18,\"name\":\"tags\",\"required\":false,\"type\":{\"type\":\"list\","
    "\"element-id\":19,\"element\":\"string\",\"element-required\":true}},"
    "{\"id\":20,\"name\":\"props\",\"required\":false,\"type\":{\"type\":\"map\","
    "\"key-id\":21,\"key\":\"string\",\"value-id\":22,\"value\":{\"type\":\"struct\","
    "\"fields\":[{\"id\":23,\"name\":\"x\",\"required\":false,\"type\":\"int\"}]},"
    "\"value-required\":false}},"
    "{\"id\":24,\"name\":\"pts\",\"required\":false,\"type\":{\"type\":\"list\","
    "\"element-id\":25,\"element\":{\"type\":\"struct\",\"fields\":[{\"id\":26,\"name\":\"x\","
    "\"required\":false,\"type\":\"long\"}]},\"element-required\":false}}"
    "]}";

static floe_schema *parse(const char *text)
{
    floe_schema *s = NULL;
    int rc = floe_schema_from_json(&s, text, strlen(text));
    if (rc)
        fail_msg("parse failed: %s", floe_error_last());
    return s;
}

static void test_schema_json_round_trip_all_types(void **state)
{
    (void)state;
    floe_schema *s = parse(all_types_json);
    assert_int_equal(floe_schema_id(s), 3);
    assert_int_equal(floe_schema_column_count(s), 18);
    assert_int_equal(floe_schema_highest_field_id(s), 26);
    char *out = NULL;
    assert_int_equal(floe_schema_to_json(&out, s, false), 0);
    json_error_t e;
    json_t *a = json_loads(all_types_json, 0, &e), *b = json_loads(out, 0, &e);
    assert_non_null(b);
    assert_true(json_equal(a, b));
    json_decref(a);
    json_decref(b);
    /* and parsing the output gives an equal schema */
    floe_schema *s2 = parse(out);
    assert_true(floe_schema_same_structure(s, s2));
    floe_iceberg_free_string(out);
    const floe_field *f = floe_schema_find_field(s, 3);
    assert_string_equal(floe_field_initial_default(f), "34");
    assert_string_equal(floe_field_write_default(f), "35");
    assert_string_equal(floe_field_doc(floe_schema_find_field(s, 1)), "key");
    floe_type *dec = floe_field_type(floe_schema_find_field(s, 6));
    assert_int_equal(floe_type_get_kind(dec), FLOE_TYPE_DECIMAL);
    assert_int_equal(floe_type_decimal_precision(dec), 9);
    assert_int_equal(floe_type_decimal_scale(dec), 2);
    assert_int_equal(floe_type_fixed_length(floe_field_type(floe_schema_find_field(s, 13))), 16);
    floe_schema_free(s);
    floe_schema_free(s2);
}

static void test_type_strings_accept_whitespace_and_print_canonical(void **state)
{
    (void)state;
    floe_type *t = NULL;
    assert_int_equal(floe_type_parse(&t, "decimal( 9 , 2 )"), 0);
    assert_string_equal(floe_type_string(t), "decimal(9,2)");
    floe_type_free(t);
    assert_int_equal(floe_type_parse(&t, "fixed[ 4 ]"), 0);
    assert_string_equal(floe_type_string(t), "fixed[4]");
    floe_type_free(t);
    assert_int_equal(floe_type_parse(&t, "geography(srid:4326,  spherical)"), 0);
    assert_string_equal(floe_type_string(t), "geography(srid:4326, spherical)");
    assert_string_equal(floe_type_geo_crs(t), "srid:4326");
    floe_type_free(t);
    assert_int_equal(floe_type_parse(&t, "geometry(srid:4326)"), 0);
    assert_string_equal(floe_type_string(t), "geometry(srid:4326)");
    floe_type_free(t);
    assert_int_equal(floe_type_parse(&t, "timestamptz_ns"), 0);
    assert_int_equal(floe_type_get_kind(t), FLOE_TYPE_TIMESTAMPTZ_NS);
    assert_int_equal(floe_type_parse(&t, "decimal(39,2)"), FLOE_EINVALID);
    assert_int_equal(floe_type_parse(&t, "decimal(9)"), FLOE_EINVALID);
    assert_int_equal(floe_type_parse(&t, "fixed[0]"), FLOE_EINVALID);
    assert_int_equal(floe_type_parse(&t, "integer"), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "integer"));
    assert_int_equal(floe_type_parse(&t, "geography(x, flat)"), FLOE_EINVALID);
}

static void test_schema_json_errors_name_the_path(void **state)
{
    (void)state;
    floe_schema *s = NULL;
    const char *j1 = "{\"type\":\"struct\",\"schema-id\":0,\"fields\":[{\"id\":1,\"name\":\"a\","
                     "\"required\":true,\"type\":\"int\"},{\"id\":2,\"name\":\"l\",\"required\":"
                     "false,\"type\":{\"type\":\"list\",\"element\":\"int\","
                     "\"element-required\":true}}]}";
    assert_int_equal(floe_schema_from_json(&s, j1, strlen(j1)), FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "$.fields[1].type.element-id"));
    const char *j2 = "{\"type\":\"struct\",\"fields\":[{\"id\":1,\"name\":\"a\","
                     "\"required\":\"yes\",\"type\":\"int\"}]}";
    assert_int_equal(floe_schema_from_json(&s, j2, strlen(j2)), FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "$.fields[0].required"));
    const char *j3 = "{\"type\":\"struct\",\"fields\":[{\"id\":1,\"name\":\"a\","
                     "\"required\":true,\"type\":\"varchar\"}]}";
    assert_int_equal(floe_schema_from_json(&s, j3, strlen(j3)), FLOE_ECORRUPT);
    assert_non_null(strstr(floe_error_last(), "$.fields[0].type"));
    assert_non_null(strstr(floe_error_last(), "varchar"));
    const char *j4 = "{\"type\":\"struct\",\"fields\":[{\"id\":1,\"name\":\"a\","
                     "\"required\":true,\"type\":\"int\"},{\"id\":1,\"name\":\"b\","
                     "\"required\":true,\"type\":\"int\"}]}";
    assert_int_equal(floe_schema_from_json(&s, j4, strlen(j4)), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "field id 1 is used twice"));
    assert_int_equal(floe_schema_from_json(&s, "{", 1), FLOE_ECORRUPT);
    assert_null(s);
}

static void test_schema_lookup_by_id_and_name(void **state)
{
    (void)state;
    floe_schema *s = parse(all_types_json);
    assert_int_equal(floe_field_id(floe_schema_find_field_by_name(s, "loc.lat", true)), 16);
    assert_null(floe_schema_find_field_by_name(s, "loc.lon", true));
    assert_int_equal(floe_field_id(floe_schema_find_field_by_name(s, "LOC.lon", false)), 17);
    assert_int_equal(floe_field_id(floe_schema_find_field_by_name(s, "tags.element", true)), 19);
    assert_int_equal(floe_field_id(floe_schema_find_field_by_name(s, "props.key", true)), 21);
    assert_int_equal(floe_field_id(floe_schema_find_field_by_name(s, "props.value.x", true)), 23);
    assert_int_equal(floe_field_id(floe_schema_find_field_by_name(s, "props.x", true)), 23);
    assert_int_equal(floe_field_id(floe_schema_find_field_by_name(s, "pts.element.x", true)), 26);
    assert_int_equal(floe_field_id(floe_schema_find_field_by_name(s, "pts.x", true)), 26);
    assert_string_equal(floe_schema_find_column_name(s, 23), "props.value.x");
    assert_int_equal(floe_schema_parent_id(s, 16), 15);
    assert_int_equal(floe_schema_parent_id(s, 1), -1);
    assert_null(floe_schema_find_field(s, 99));
    floe_schema_free(s);
}

static floe_type *prim(floe_type_kind k)
{
    floe_type *t = NULL;
    assert_int_equal(floe_type_new_primitive(&t, k), 0);
    return t;
}

static void test_fresh_ids_follow_reference_order(void **state)
{
    (void)state;
    /* a int, b struct<c int, d list<struct<e int>>>, m map<string, struct<f int>>, g int */
    floe_field *ef[1];
    assert_int_equal(floe_field_new(&ef[0], 100, "e", false, prim(FLOE_TYPE_INT), NULL), 0);
    floe_type *es;
    assert_int_equal(floe_type_new_struct(&es, ef, 1), 0);
    floe_type *dl;
    assert_int_equal(floe_type_new_list(&dl, 101, false, es), 0);
    floe_field *bf[2];
    assert_int_equal(floe_field_new(&bf[0], 102, "c", true, prim(FLOE_TYPE_INT), NULL), 0);
    assert_int_equal(floe_field_new(&bf[1], 103, "d", false, dl, NULL), 0);
    floe_type *bs;
    assert_int_equal(floe_type_new_struct(&bs, bf, 2), 0);
    floe_field *ff[1];
    assert_int_equal(floe_field_new(&ff[0], 104, "f", false, prim(FLOE_TYPE_INT), NULL), 0);
    floe_type *fs;
    assert_int_equal(floe_type_new_struct(&fs, ff, 1), 0);
    floe_type *mt;
    assert_int_equal(floe_type_new_map(&mt, 105, prim(FLOE_TYPE_STRING), 106, true, fs), 0);
    floe_field *top[4];
    assert_int_equal(floe_field_new(&top[0], 107, "a", true, prim(FLOE_TYPE_INT), "doc a"), 0);
    assert_int_equal(floe_field_new(&top[1], 108, "b", false, bs, NULL), 0);
    assert_int_equal(floe_field_new(&top[2], 109, "m", false, mt, NULL), 0);
    assert_int_equal(floe_field_new(&top[3], 110, "g", false, prim(FLOE_TYPE_INT), NULL), 0);
    floe_type *root;
    assert_int_equal(floe_type_new_struct(&root, top, 4), 0);
    floe_type_free(es);
    floe_type_free(dl);
    floe_type_free(bs);
    floe_type_free(fs);
    floe_type_free(mt);
    int32_t ident = 107;
    floe_schema *s;
    assert_int_equal(floe_schema_new(&s, 0, root, &ident, 1), 0);
    floe_type_free(root);

    int32_t last = 0;
    floe_schema *f;
    assert_int_equal(floe_schema_assign_fresh_ids(&f, s, 0, &last), 0);
    assert_int_equal(last, 11);
    /* top-level first: a=1 b=2 m=3 g=4; then b's fields c=5 d=6; d's element 7, e=8;
     * then m's key 9, value 10, f=11 */
    const char *names[] = {"a",     "b",       "m",           "g",
                           "b.c",   "b.d",     "b.d.element", "b.d.element.e",
                           "m.key", "m.value", "m.value.f"};
    for (int i = 0; i < 11; i++) {
        const floe_field *fld = floe_schema_find_field_by_name(f, names[i], true);
        assert_non_null(fld);
        assert_int_equal(floe_field_id(fld), i + 1);
    }
    size_t n;
    const int32_t *ids = floe_schema_identifier_field_ids(f, &n);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], 1);
    assert_string_equal(floe_field_doc(floe_schema_find_field(f, 1)), "doc a");
    /* continuing from an existing last-column-id */
    last = 20;
    floe_schema *g;
    assert_int_equal(floe_schema_assign_fresh_ids(&g, s, 1, &last), 0);
    assert_int_equal(last, 31);
    assert_int_equal(floe_field_id(floe_schema_find_field_by_name(g, "a", true)), 21);
    floe_schema_free(g);
    floe_schema_free(f);
    floe_schema_free(s);
}

static void test_identifier_fields_are_validated(void **state)
{
    (void)state;
    floe_schema *s = NULL;
    const char *opt = "{\"type\":\"struct\",\"identifier-field-ids\":[1],\"fields\":[{\"id\":1,"
                      "\"name\":\"a\",\"required\":false,\"type\":\"int\"}]}";
    assert_int_equal(floe_schema_from_json(&s, opt, strlen(opt)), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "must be required"));
    const char *flt = "{\"type\":\"struct\",\"identifier-field-ids\":[1],\"fields\":[{\"id\":1,"
                      "\"name\":\"a\",\"required\":true,\"type\":\"double\"}]}";
    assert_int_equal(floe_schema_from_json(&s, flt, strlen(flt)), FLOE_EINVALID);
    const char *missing = "{\"type\":\"struct\",\"identifier-field-ids\":[7],\"fields\":[{\"id\":"
                          "1,\"name\":\"a\",\"required\":true,\"type\":\"int\"}]}";
    assert_int_equal(floe_schema_from_json(&s, missing, strlen(missing)), FLOE_EINVALID);
    const char *inopt = "{\"type\":\"struct\",\"identifier-field-ids\":[2],\"fields\":[{\"id\":1,"
                        "\"name\":\"a\",\"required\":false,\"type\":{\"type\":\"struct\","
                        "\"fields\":[{\"id\":2,\"name\":\"b\",\"required\":true,\"type\":"
                        "\"int\"}]}}]}";
    assert_int_equal(floe_schema_from_json(&s, inopt, strlen(inopt)), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "optional struct"));
    assert_null(s);
}

static void test_v3_types_parse_but_are_not_writable(void **state)
{
    (void)state;
    const char *kinds[] = {"timestamp_ns", "timestamptz_ns",      "variant",
                           "unknown",      "geometry(srid:4326)", "geography"};
    for (size_t i = 0; i < 6; i++) {
        char json[512];
        snprintf(json, sizeof json,
                 "{\"type\":\"struct\",\"schema-id\":0,\"fields\":[{\"id\":1,\"name\":\"ok\","
                 "\"required\":false,\"type\":\"int\"},{\"id\":2,\"name\":\"col\","
                 "\"required\":false,\"type\":\"%s\"}]}",
                 kinds[i]);
        floe_schema *s = parse(json);
        assert_int_equal(floe_schema_check_writable(s), FLOE_EUNSUPPORTED);
        assert_non_null(strstr(floe_error_last(), "'col'"));
        char *out;
        assert_int_equal(floe_schema_to_json(&out, s, true), 0);
        assert_non_null(strstr(out, kinds[i]));
        floe_iceberg_free_string(out);
        floe_schema_free(s);
    }
    floe_schema *ok = parse(all_types_json);
    assert_int_equal(floe_schema_check_writable(ok), 0);
    floe_schema_free(ok);
    const char *bad = "{\"type\":\"struct\",\"fields\":[{\"id\":1,\"name\":\"v\",\"required\":"
                      "false,\"type\":\"variant\",\"write-default\":1}]}";
    floe_schema *s = parse(bad);
    assert_int_equal(floe_schema_check_writable(s), FLOE_EINVALID);
    floe_schema_free(s);
    const char *baddef = "{\"type\":\"struct\",\"fields\":[{\"id\":1,\"name\":\"d\","
                         "\"required\":false,\"type\":\"date\",\"initial-default\":\"soon\"}]}";
    s = parse(baddef);
    assert_int_equal(floe_schema_check_writable(s), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "initial-default \"soon\""));
    floe_schema_free(s);
    const char *gooddef = "{\"type\":\"struct\",\"fields\":[{\"id\":1,\"name\":\"d\","
                          "\"required\":false,\"type\":\"decimal(9,2)\",\"initial-default\":"
                          "\"14.20\",\"write-default\":\"1.50\"}]}";
    s = parse(gooddef);
    assert_int_equal(floe_schema_check_writable(s), 0);
    floe_schema_free(s);
}

static void test_schema_refcount_shares(void **state)
{
    (void)state;
    floe_schema *s = parse(all_types_json);
    floe_schema *r = floe_schema_ref(s);
    assert_ptr_equal(r, s);
    floe_schema_free(s);
    assert_int_equal(floe_schema_id(r), 3);
    floe_schema *w;
    assert_int_equal(floe_schema_with_id(&w, r, 9), 0);
    assert_int_equal(floe_schema_id(w), 9);
    assert_true(floe_schema_same_structure(w, r));
    floe_schema_free(r);
    floe_schema_free(w);
    floe_schema_free(NULL);
}

/* Every allocation failure is reported as FLOE_ENOMEM and leaks nothing (checked by ASan). */
static void test_schema_survives_allocation_failures(void **state)
{
    (void)state;
    int last = -1;
    for (long n = 1; n < 5000; n++) {
        floe_schema *s = NULL, *f = NULL;
        char *out = NULL;
        floe_alloc_fail_after(n);
        int rc = floe_schema_from_json(&s, all_types_json, strlen(all_types_json));
        int32_t lastid = 0;
        if (!rc)
            rc = floe_schema_assign_fresh_ids(&f, s, 1, &lastid);
        if (!rc)
            rc = floe_schema_to_json(&out, f, false);
        floe_alloc_fail_after(0);
        floe_iceberg_free_string(out);
        floe_schema_free(f);
        floe_schema_free(s);
        if (rc == 0) {
            last = (int)n;
            break;
        }
        if (rc != FLOE_ENOMEM && rc != FLOE_ECORRUPT && rc != FLOE_EINVALID)
            fail_msg("allocation failure %ld gave %d: %s", n, rc, floe_error_last());
    }
    assert_true(last > 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_json_round_trip_all_types),
        cmocka_unit_test(test_type_strings_accept_whitespace_and_print_canonical),
        cmocka_unit_test(test_schema_json_errors_name_the_path),
        cmocka_unit_test(test_schema_lookup_by_id_and_name),
        cmocka_unit_test(test_fresh_ids_follow_reference_order),
        cmocka_unit_test(test_identifier_fields_are_validated),
        cmocka_unit_test(test_v3_types_parse_but_are_not_writable),
        cmocka_unit_test(test_schema_refcount_shares),
        cmocka_unit_test(test_schema_survives_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
