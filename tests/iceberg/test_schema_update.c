#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/schema_update.h>

/* 1 id long!, 2 data, 3 amount decimal(10,2), 4 count int, 5 score float, 6 location! {7 lat,
 * 8 lon}, 9 points list<10 struct{11 x, 12 y}>, 13 props map<14 string, 15 struct{16 v}>,
 * 17 day date; identifier [1]. */
static const char *BASE =
    "{\"type\":\"struct\",\"schema-id\":0,\"identifier-field-ids\":[1],\"fields\":["
    "{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"},"
    "{\"id\":2,\"name\":\"data\",\"required\":false,\"type\":\"string\"},"
    "{\"id\":3,\"name\":\"amount\",\"required\":false,\"type\":\"decimal(10,2)\"},"
    "{\"id\":4,\"name\":\"count\",\"required\":false,\"type\":\"int\"},"
    "{\"id\":5,\"name\":\"score\",\"required\":false,\"type\":\"float\"},"
    "{\"id\":6,\"name\":\"location\",\"required\":true,\"type\":{\"type\":\"struct\",\"fields\":["
    "{\"id\":7,\"name\":\"lat\",\"required\":false,\"type\":\"double\"},"
    "{\"id\":8,\"name\":\"lon\",\"required\":false,\"type\":\"double\"}]}},"
    "{\"id\":9,\"name\":\"points\",\"required\":false,\"type\":{\"type\":\"list\",\"element-id\":"
    "10,"
    "\"element-required\":true,\"element\":{\"type\":\"struct\",\"fields\":["
    "{\"id\":11,\"name\":\"x\",\"required\":false,\"type\":\"int\"},"
    "{\"id\":12,\"name\":\"y\",\"required\":false,\"type\":\"int\"}]}}},"
    "{\"id\":13,\"name\":\"props\",\"required\":false,\"type\":{\"type\":\"map\",\"key-id\":14,"
    "\"key\":\"string\",\"value-id\":15,\"value-required\":false,\"value\":{\"type\":\"struct\","
    "\"fields\":[{\"id\":16,\"name\":\"v\",\"required\":false,\"type\":\"int\"}]}}},"
    "{\"id\":17,\"name\":\"day\",\"required\":false,\"type\":\"date\"}]}";

static floe_schema *parse(const char *json)
{
    floe_schema *s = NULL;
    if (floe_schema_from_json(&s, json, strlen(json)))
        fail_msg("%s", floe_error_last());
    return s;
}

static floe_schema_update *start_opts(bool allow, bool cs, int fv)
{
    floe_schema *s = parse(BASE);
    floe_schema_update_options o = FLOE_SCHEMA_UPDATE_OPTIONS_INIT;
    o.allow_incompatible_changes = allow;
    o.case_sensitive = cs;
    o.format_version = fv;
    floe_schema_update *u = NULL;
    assert_int_equal(floe_schema_update_new_for_schema(&u, s, 17, &o), 0);
    floe_schema_free(s);
    return u;
}

static floe_schema_update *start(void)
{
    return start_opts(false, true, 0);
}

/* Compact text of a type: "id long!" per field, nested in {} [] <>. */
static void describe_type(char *buf, size_t cap, const floe_type *t)
{
    floe_type_kind k = floe_type_get_kind(t);
    if (!floe_type_is_nested(t)) {
        snprintf(buf + strlen(buf), cap - strlen(buf), "%s", floe_type_string(t));
        return;
    }
    const char *open = k == FLOE_TYPE_STRUCT ? "{" : k == FLOE_TYPE_LIST ? "[" : "<";
    const char *close = k == FLOE_TYPE_STRUCT ? "}" : k == FLOE_TYPE_LIST ? "]" : ">";
    snprintf(buf + strlen(buf), cap - strlen(buf), "%s", open);
    for (size_t i = 0; i < floe_type_field_count(t); i++) {
        const floe_field *f = floe_type_field_at(t, i);
        snprintf(buf + strlen(buf), cap - strlen(buf), "%s%d %s%s ", i ? ", " : "",
                 (int)floe_field_id(f), floe_field_name(f), floe_field_required(f) ? "!" : "");
        describe_type(buf, cap, floe_field_type(f));
    }
    snprintf(buf + strlen(buf), cap - strlen(buf), "%s", close);
}

static char DESC[4096];

static const char *describe(const floe_schema *s)
{
    DESC[0] = '\0';
    describe_type(DESC, sizeof(DESC), floe_schema_struct(s));
    return DESC;
}

static const char *BASE_DESC =
    "{1 id! long, 2 data string, 3 amount decimal(10,2), 4 count int, 5 score float, "
    "6 location! {7 lat double, 8 lon double}, 9 points [10 element! {11 x int, 12 y int}], "
    "13 props <14 key! string, 15 value {16 v int}>, 17 day date}";

static const char *applied(floe_schema_update *u)
{
    floe_schema *s = NULL;
    if (floe_schema_update_apply(&s, u))
        fail_msg("%s", floe_error_last());
    describe(s);
    floe_schema_free(s);
    return DESC;
}

static void expect_error(int rc, int code, const char *fragment)
{
    assert_int_equal(rc, code);
    if (!strstr(floe_error_last(), fragment))
        fail_msg("message '%s' lacks '%s'", floe_error_last(), fragment);
}

static floe_type *prim(const char *text)
{
    floe_type *t = NULL;
    assert_int_equal(floe_type_parse(&t, text), 0);
    return t;
}

static void test_no_change_gives_the_same_schema(void **state)
{
    (void)state;
    floe_schema_update *u = start();
    assert_string_equal(applied(u), BASE_DESC);
    assert_int_equal(floe_schema_update_last_column_id(u), 17);
    floe_schema_update_free(u);
}

static void test_add_optional_columns_top_level_and_nested_US3(void **state)
{
    (void)state;
    floe_schema_update *u = start();
    floe_type *str = prim("string"), *dbl = prim("double");
    assert_int_equal(floe_schema_update_add_column(u, NULL, "note", str, "free text"), 0);
    assert_int_equal(floe_schema_update_add_column(u, "location", "alt", dbl, NULL), 0);
    assert_int_equal(floe_schema_update_add_column(u, "points", "z", dbl, NULL), 0);
    assert_int_equal(floe_schema_update_add_column(u, "props", "w", str, NULL), 0);
    assert_int_equal(floe_schema_update_last_column_id(u), 21);
    assert_string_equal(applied(u),
                        "{1 id! long, 2 data string, 3 amount decimal(10,2), 4 count int, 5 score "
                        "float, 6 location! {7 lat double, 8 lon double, 19 alt double}, 9 points "
                        "[10 element! {11 x int, 12 y int, 20 z double}], 13 props <14 key! "
                        "string, 15 value {16 v int, 21 w string}>, 17 day date, 18 note string}");
    floe_schema *s;
    assert_int_equal(floe_schema_update_apply(&s, u), 0);
    assert_int_equal(floe_schema_id(s), 1);
    assert_string_equal(floe_field_doc(floe_schema_find_field(s, 18)), "free text");
    floe_schema_free(s);
    floe_type_free(str);
    floe_type_free(dbl);
    floe_schema_update_free(u);
}

static void test_add_nested_type_gets_fresh_ids_in_reference_order(void **state)
{
    (void)state;
    const char *json = "{\"type\":\"struct\",\"fields\":[{\"id\":1,\"name\":\"a\",\"required\":"
                       "false,\"type\":{\"type\":\"list\",\"element-id\":2,\"element-required\":"
                       "false,\"element\":\"int\"}},{\"id\":3,\"name\":\"b\",\"required\":true,"
                       "\"type\":\"string\"}]}";
    floe_type *t = NULL;
    assert_int_equal(floe_type_from_json(&t, json, strlen(json)), 0);
    floe_schema_update *u = start();
    assert_int_equal(floe_schema_update_add_column(u, NULL, "info", t, NULL), 0);
    const char *d = applied(u);
    assert_non_null(strstr(d, "18 info {19 a [21 element int], 20 b! string}}"));
    floe_type_free(t);
    floe_schema_update_free(u);
}

static void test_add_required_needs_default_or_allow_US3(void **state)
{
    (void)state;
    floe_type *i = prim("int");
    floe_schema_update *u = start();
    expect_error(floe_schema_update_add_required_column(u, NULL, "qty", i, NULL, NULL, NULL),
                 FLOE_ESCHEMA, "cannot add required column 'qty'");
    assert_int_equal(
        floe_schema_update_add_required_column(u, "location", "zone", i, NULL, "0", "1"), 0);
    floe_schema *s;
    assert_int_equal(floe_schema_update_apply(&s, u), 0);
    const floe_field *f = floe_schema_find_field_by_name(s, "location.zone", true);
    assert_non_null(f);
    assert_true(floe_field_required(f));
    assert_string_equal(floe_field_initial_default(f), "0");
    assert_string_equal(floe_field_write_default(f), "1");
    floe_schema_free(s);
    floe_schema_update_free(u);

    u = start_opts(true, true, 0);
    assert_int_equal(floe_schema_update_add_required_column(u, NULL, "qty", i, NULL, NULL, NULL),
                     0);
    assert_non_null(strstr(applied(u), "18 qty! int}"));
    floe_schema_update_free(u);
    floe_type_free(i);
}

static void test_add_rejections(void **state)
{
    (void)state;
    floe_type *i = prim("int");
    floe_schema_update *u = start();
    expect_error(floe_schema_update_add_column(u, NULL, "data", i, NULL), FLOE_EINVALID,
                 "cannot add column 'data': a column with that name already exists");
    expect_error(floe_schema_update_add_column(u, "location", "lat", i, NULL), FLOE_EINVALID,
                 "'location.lat'");
    expect_error(floe_schema_update_add_column(u, NULL, "a.b", i, NULL), FLOE_EINVALID,
                 "ambiguous");
    expect_error(floe_schema_update_add_column(u, "data", "x", i, NULL), FLOE_EINVALID,
                 "not a struct");
    expect_error(floe_schema_update_add_column(u, "nope", "x", i, NULL), FLOE_ENOTFOUND, "'nope'");
    assert_int_equal(floe_schema_update_add_column(u, NULL, "fresh", i, NULL), 0);
    expect_error(floe_schema_update_add_column(u, NULL, "fresh", i, NULL), FLOE_EINVALID,
                 "already exists");
    /* A deleted column's name may be used again (with a new id). */
    assert_int_equal(floe_schema_update_delete_column(u, "count"), 0);
    assert_int_equal(floe_schema_update_add_column(u, NULL, "count", i, NULL), 0);
    assert_non_null(strstr(applied(u), "17 day date, 18 fresh int, 19 count int}"));
    assert_null(strstr(DESC, "4 count"));
    floe_schema_update_free(u);
    floe_type_free(i);
}

static void test_map_keys_cannot_gain_columns(void **state)
{
    (void)state;
    floe_schema *s = parse("{\"type\":\"struct\",\"fields\":[{\"id\":1,\"name\":\"m\","
                           "\"required\":false,\"type\":{\"type\":\"map\",\"key-id\":2,"
                           "\"key\":{\"type\":\"struct\",\"fields\":[{\"id\":3,\"name\":\"k\","
                           "\"required\":true,\"type\":\"int\"}]},\"value-id\":4,"
                           "\"value-required\":false,\"value\":\"int\"}}]}");
    floe_schema_update *u = NULL;
    assert_int_equal(floe_schema_update_new_for_schema(&u, s, 0, NULL), 0);
    floe_type *i = prim("int");
    expect_error(floe_schema_update_add_column(u, "m.key", "k2", i, NULL), FLOE_EINVALID,
                 "cannot add a column to 'm.key': map keys cannot change");
    expect_error(floe_schema_update_add_column(u, "m", "v2", i, NULL), FLOE_EINVALID,
                 "it is a int, not a struct");
    floe_type_free(i);
    floe_schema_update_free(u);
    floe_schema_free(s);
}

static void test_rename_top_level_and_nested_US3(void **state)
{
    (void)state;
    floe_schema_update *u = start();
    assert_int_equal(floe_schema_update_rename_column(u, "data", "payload"), 0);
    assert_int_equal(floe_schema_update_rename_column(u, "location.lat", "latitude"), 0);
    assert_int_equal(floe_schema_update_rename_column(u, "points.x", "px"), 0);
    /* Later operations use the names of the schema the update started from. */
    assert_int_equal(floe_schema_update_update_column_doc(u, "data", "renamed"), 0);
    const char *d = applied(u);
    assert_non_null(strstr(d, "2 payload string"));
    assert_non_null(strstr(d, "{7 latitude double, 8 lon double}"));
    assert_non_null(strstr(d, "{11 px int, 12 y int}"));
    expect_error(floe_schema_update_rename_column(u, "count", "payload"), FLOE_EINVALID,
                 "cannot rename column 'count' to 'payload': a column with that name already "
                 "exists");
    expect_error(floe_schema_update_rename_column(u, "points.element", "e"), FLOE_EINVALID,
                 "fixed names");
    expect_error(floe_schema_update_rename_column(u, "missing", "m"), FLOE_ENOTFOUND, "'missing'");
    expect_error(floe_schema_update_rename_column(u, "count", ""), FLOE_EINVALID, "empty");
    floe_schema_update_free(u);
}

static void test_conflicting_operations_are_rejected(void **state)
{
    (void)state;
    floe_schema_update *u = start();
    assert_int_equal(floe_schema_update_rename_column(u, "data", "payload"), 0);
    expect_error(floe_schema_update_delete_column(u, "data"), FLOE_EINVALID,
                 "cannot delete column 'data': it is renamed, retyped or otherwise changed");
    assert_int_equal(floe_schema_update_delete_column(u, "count"), 0);
    expect_error(floe_schema_update_rename_column(u, "count", "n"), FLOE_EINVALID,
                 "cannot rename column 'count': it is deleted by this update");
    expect_error(floe_schema_update_delete_column(u, "count"), FLOE_EINVALID, "already deleted");
    floe_type *l = prim("long");
    expect_error(floe_schema_update_update_column_type(u, "count", l), FLOE_EINVALID,
                 "deleted by this update");
    floe_type *i = prim("int");
    assert_int_equal(floe_schema_update_add_column(u, "location", "alt", i, NULL), 0);
    expect_error(floe_schema_update_delete_column(u, "location"), FLOE_EINVALID,
                 "columns are added to it");
    expect_error(floe_schema_update_delete_column(u, "location.alt"), FLOE_EINVALID,
                 "it is added by this update");
    expect_error(floe_schema_update_move_first(u, "count"), FLOE_EINVALID,
                 "cannot move column 'count': it is deleted by this update");
    expect_error(floe_schema_update_update_column_doc(u, "count", "x"), FLOE_EINVALID,
                 "deleted by this update");
    expect_error(floe_schema_update_make_column_optional(u, "count"), FLOE_EINVALID,
                 "deleted by this update");
    expect_error(floe_schema_update_move_after(u, "data", "count"), FLOE_EINVALID,
                 "deleted by this update");
    assert_int_equal(floe_schema_update_delete_column(u, "score"), 0);
    expect_error(floe_schema_update_add_column(u, "score", "x", i, NULL), FLOE_EINVALID,
                 "cannot add columns to column 'score': it is deleted by this update");
    expect_error(floe_schema_update_add_column(u, NULL, "x", NULL, NULL), FLOE_EINVALID,
                 "needs a name and type");
    expect_error(floe_schema_update_add_column(u, NULL, "", i, NULL), FLOE_EINVALID,
                 "needs a name and type");
    expect_error(floe_schema_update_update_column_type(u, "data", NULL), FLOE_EINVALID,
                 "no type given");
    expect_error(floe_schema_update_delete_column(u, NULL), FLOE_EINVALID, "name is required");
    floe_type_free(l);
    floe_type_free(i);
    floe_schema_update_free(u);
}

static void test_type_promotions_US3(void **state)
{
    (void)state;
    floe_schema_update *u = start();
    floe_type *l = prim("long"), *d = prim("double"), *dec = prim("decimal(12,2)");
    assert_int_equal(floe_schema_update_update_column_type(u, "count", l), 0);
    assert_int_equal(floe_schema_update_update_column_type(u, "score", d), 0);
    assert_int_equal(floe_schema_update_update_column_type(u, "amount", dec), 0);
    assert_int_equal(floe_schema_update_update_column_type(u, "points.x", l), 0);
    assert_int_equal(floe_schema_update_update_column_type(u, "props.v", l), 0);
    assert_int_equal(floe_schema_update_update_column_type(u, "id", l), 0); /* same: no-op */
    const char *desc = applied(u);
    assert_non_null(strstr(desc, "3 amount decimal(12,2), 4 count long, 5 score double"));
    assert_non_null(strstr(desc, "{11 x long, 12 y int}"));
    assert_non_null(strstr(desc, "{16 v long}"));
    floe_type_free(l);
    floe_type_free(d);
    floe_type_free(dec);
    floe_schema_update_free(u);
}

static void test_type_changes_outside_promotion_are_rejected_US3(void **state)
{
    (void)state;
    for (int allow = 0; allow < 2; allow++) {
        floe_schema_update *u = start_opts(allow, true, 0);
        floe_type *t = prim("decimal(8,2)");
        expect_error(floe_schema_update_update_column_type(u, "amount", t), FLOE_ESCHEMA,
                     "cannot change column 'amount' from decimal(10,2) to decimal(8,2): decimal "
                     "precision can only widen");
        floe_type_free(t);
        t = prim("decimal(12,3)");
        expect_error(floe_schema_update_update_column_type(u, "amount", t), FLOE_ESCHEMA,
                     "decimal scale cannot change");
        floe_type_free(t);
        t = prim("int");
        expect_error(floe_schema_update_update_column_type(u, "id", t), FLOE_ESCHEMA,
                     "cannot change column 'id' from long to int");
        floe_type_free(t);
        t = prim("string");
        expect_error(floe_schema_update_update_column_type(u, "count", t), FLOE_ESCHEMA,
                     "cannot change column 'count' from int to string: int can only be promoted "
                     "to long");
        expect_error(floe_schema_update_update_column_type(u, "location", t), FLOE_ESCHEMA,
                     "only primitive types can be promoted");
        expect_error(floe_schema_update_update_column_type(u, "props.key", t), FLOE_ESCHEMA,
                     "map keys cannot change");
        floe_type_free(t);
        t = prim("timestamp");
        expect_error(floe_schema_update_update_column_type(u, "day", t), FLOE_ESCHEMA,
                     "only in format version 3");
        floe_type_free(t);
        assert_string_equal(applied(u), BASE_DESC);
        floe_schema_update_free(u);
    }
}

static void test_v3_promotes_date_to_timestamp(void **state)
{
    (void)state;
    floe_schema_update *u = start_opts(false, true, 3);
    floe_type *ts = prim("timestamp"), *tz = prim("timestamptz");
    expect_error(floe_schema_update_update_column_type(u, "day", tz), FLOE_ESCHEMA,
                 "date can only be promoted to timestamp or timestamp_ns");
    assert_int_equal(floe_schema_update_update_column_type(u, "day", ts), 0);
    assert_non_null(strstr(applied(u), "17 day timestamp}"));
    floe_type_free(ts);
    floe_type_free(tz);
    floe_schema_update_free(u);
}

static void test_v3_promotes_unknown_to_any_type(void **state)
{
    (void)state;
    floe_schema *s = parse("{\"type\":\"struct\",\"fields\":[{\"id\":1,\"name\":\"a\","
                           "\"required\":false,\"type\":\"unknown\"},{\"id\":2,\"name\":\"b\","
                           "\"required\":false,\"type\":\"unknown\"}]}");
    const char *json = "{\"type\":\"list\",\"element-id\":1,\"element-required\":false,"
                       "\"element\":\"string\"}";
    floe_type *list = NULL, *str = prim("string");
    assert_int_equal(floe_type_from_json(&list, json, strlen(json)), 0);
    floe_schema_update *u = NULL;
    assert_int_equal(floe_schema_update_new_for_schema(&u, s, 2, NULL), 0);
    expect_error(floe_schema_update_update_column_type(u, "a", str), FLOE_ESCHEMA,
                 "unknown can be promoted only in format version 3");
    floe_schema_update_free(u);
    floe_schema_update_options o = FLOE_SCHEMA_UPDATE_OPTIONS_INIT;
    o.format_version = 3;
    assert_int_equal(floe_schema_update_new_for_schema(&u, s, 2, &o), 0);
    assert_int_equal(floe_schema_update_update_column_type(u, "a", str), 0);
    assert_int_equal(floe_schema_update_update_column_type(u, "b", list), 0);
    assert_int_equal(floe_schema_update_last_column_id(u), 3);
    assert_string_equal(applied(u), "{1 a string, 2 b [3 element string]}");
    floe_schema_update_free(u);
    floe_type_free(list);
    floe_type_free(str);
    floe_schema_free(s);
}

static void test_optional_and_required(void **state)
{
    (void)state;
    floe_schema_update *u = start();
    assert_int_equal(floe_schema_update_make_column_optional(u, "location"), 0);
    assert_int_equal(floe_schema_update_make_column_optional(u, "points.element"), 0);
    expect_error(floe_schema_update_make_column_optional(u, "props.key"), FLOE_ESCHEMA,
                 "map keys are always required");
    expect_error(floe_schema_update_require_column(u, "data"), FLOE_ESCHEMA,
                 "cannot make column 'data' required: existing rows may hold nulls");
    assert_int_equal(floe_schema_update_require_column(u, "id"), 0); /* already required */
    const char *d = applied(u);
    assert_non_null(strstr(d, "6 location {"));
    assert_non_null(strstr(d, "[10 element {"));
    floe_schema_update_free(u);

    u = start_opts(true, true, 0);
    assert_int_equal(floe_schema_update_require_column(u, "data"), 0);
    assert_int_equal(floe_schema_update_require_column(u, "location.lat"), 0);
    d = applied(u);
    assert_non_null(strstr(d, "2 data! string"));
    assert_non_null(strstr(d, "7 lat! double"));
    floe_schema_update_free(u);
}

static void test_delete_columns_US3(void **state)
{
    (void)state;
    floe_schema_update *u = start();
    assert_int_equal(floe_schema_update_delete_column(u, "data"), 0);
    assert_int_equal(floe_schema_update_delete_column(u, "location"), 0); /* required: fine */
    assert_int_equal(floe_schema_update_delete_column(u, "props.v"), 0);
    expect_error(floe_schema_update_delete_column(u, "location.lat"), FLOE_EINVALID,
                 "cannot delete column 'location.lat': it is already deleted");
    expect_error(floe_schema_update_delete_column(u, "points.element"), FLOE_EINVALID,
                 "cannot delete column 'points.element'");
    expect_error(floe_schema_update_delete_column(u, "ghost"), FLOE_ENOTFOUND, "'ghost'");
    assert_string_equal(applied(u), "{1 id! long, 3 amount decimal(10,2), 4 count int, 5 score "
                                    "float, 9 points [10 element! {11 x int, 12 y int}], 13 props "
                                    "<14 key! string, 15 value {}>, 17 day date}");
    floe_schema_update_free(u);
}

static void test_delete_identifier_field_needs_removing_it(void **state)
{
    (void)state;
    floe_schema_update *u = start();
    assert_int_equal(floe_schema_update_delete_column(u, "id"), 0);
    floe_schema *s = NULL;
    expect_error(floe_schema_update_apply(&s, u), FLOE_ESCHEMA,
                 "cannot delete column 'id': it is an identifier field");
    assert_int_equal(floe_schema_update_set_identifier_fields(u, NULL, 0), 0);
    assert_int_equal(floe_schema_update_apply(&s, u), 0);
    size_t n;
    floe_schema_identifier_field_ids(s, &n);
    assert_int_equal(n, 0);
    assert_null(floe_schema_find_field(s, 1));
    floe_schema_free(s);
    floe_schema_update_free(u);
}

static void test_identifier_field_rules(void **state)
{
    (void)state;
    floe_schema_update *u = start_opts(true, true, 0);
    floe_schema *s = NULL;
    const char *data[] = {"data"};
    assert_int_equal(floe_schema_update_set_identifier_fields(u, data, 1), 0);
    expect_error(floe_schema_update_apply(&s, u), FLOE_ESCHEMA,
                 "column 'data' cannot be an identifier field: it must be required");
    const char *score[] = {"score"};
    assert_int_equal(floe_schema_update_require_column(u, "score"), 0);
    assert_int_equal(floe_schema_update_set_identifier_fields(u, score, 1), 0);
    expect_error(floe_schema_update_apply(&s, u), FLOE_ESCHEMA, "must not be float or double");
    const char *px[] = {"points.x"};
    assert_int_equal(floe_schema_update_require_column(u, "points.x"), 0);
    assert_int_equal(floe_schema_update_set_identifier_fields(u, px, 1), 0);
    expect_error(floe_schema_update_apply(&s, u), FLOE_ESCHEMA, "nested in a list or map");
    const char *loc[] = {"location"};
    assert_int_equal(floe_schema_update_set_identifier_fields(u, loc, 1), 0);
    expect_error(floe_schema_update_apply(&s, u), FLOE_ESCHEMA, "must be a primitive type");
    const char *ok[] = {"id", "location.code", "id"};
    floe_type *str = prim("string");
    assert_int_equal(
        floe_schema_update_add_required_column(u, "location", "code", str, NULL, NULL, NULL), 0);
    floe_type_free(str);
    assert_int_equal(floe_schema_update_set_identifier_fields(u, ok, 3), 0);
    if (floe_schema_update_apply(&s, u))
        fail_msg("%s", floe_error_last());
    size_t n;
    const int32_t *ids = floe_schema_identifier_field_ids(s, &n);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], 1);
    assert_int_equal(ids[1], 18);
    floe_schema_free(s);
    assert_int_equal(floe_schema_update_make_column_optional(u, "location"), 0);
    expect_error(floe_schema_update_apply(&s, u), FLOE_ESCHEMA, "nested in an optional struct");
    const char *missing[] = {"nope"};
    expect_error(floe_schema_update_set_identifier_fields(u, missing, 1), FLOE_ENOTFOUND, "nope");
    floe_schema_update_free(u);
}

static void test_reorder_columns(void **state)
{
    (void)state;
    floe_schema_update *u = start();
    floe_type *i = prim("int");
    assert_int_equal(floe_schema_update_add_column(u, NULL, "n", i, NULL), 0);
    assert_int_equal(floe_schema_update_move_first(u, "day"), 0);
    assert_int_equal(floe_schema_update_move_after(u, "n", "day"), 0);
    assert_int_equal(floe_schema_update_move_before(u, "score", "data"), 0);
    assert_int_equal(floe_schema_update_move_before(u, "location.lon", "location.lat"), 0);
    assert_int_equal(floe_schema_update_move_after(u, "points.x", "points.y"), 0);
    assert_string_equal(applied(u), "{17 day date, 18 n int, 1 id! long, 5 score float, 2 data "
                                    "string, 3 amount decimal(10,2), 4 count int, 6 location! {8 "
                                    "lon double, 7 lat double}, 9 points [10 element! {12 y int, "
                                    "11 x int}], 13 props <14 key! string, 15 value {16 v int}>}");
    expect_error(floe_schema_update_move_before(u, "location.lat", "data"), FLOE_EINVALID,
                 "cannot move column 'location.lat' before 'data': they are in different structs");
    expect_error(floe_schema_update_move_after(u, "data", "data"), FLOE_EINVALID,
                 "relative to itself");
    expect_error(floe_schema_update_move_first(u, "points.element"), FLOE_EINVALID,
                 "not in a struct");
    expect_error(floe_schema_update_move_first(u, "zzz"), FLOE_ENOTFOUND, "zzz");
    floe_type_free(i);
    floe_schema_update_free(u);
}

static void test_doc_updates(void **state)
{
    (void)state;
    floe_schema_update *u = start();
    assert_int_equal(floe_schema_update_update_column_doc(u, "location.lon", "degrees east"), 0);
    floe_schema *s;
    assert_int_equal(floe_schema_update_apply(&s, u), 0);
    assert_string_equal(floe_field_doc(floe_schema_find_field(s, 8)), "degrees east");
    floe_schema_free(s);
    assert_int_equal(floe_schema_update_update_column_doc(u, "location.lon", NULL), 0);
    assert_int_equal(floe_schema_update_apply(&s, u), 0);
    assert_null(floe_field_doc(floe_schema_find_field(s, 8)));
    floe_schema_free(s);
    floe_schema_update_free(u);
}

static const char *WIDER =
    "{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
    "{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"int\"},"
    "{\"id\":2,\"name\":\"count\",\"required\":false,\"type\":\"long\"},"
    "{\"id\":3,\"name\":\"amount\",\"required\":false,\"type\":\"decimal(14,2)\"},"
    "{\"id\":4,\"name\":\"location\",\"required\":false,\"type\":{\"type\":\"struct\",\"fields\":["
    "{\"id\":5,\"name\":\"lat\",\"required\":false,\"type\":\"double\",\"doc\":\"north\"},"
    "{\"id\":6,\"name\":\"alt\",\"required\":true,\"type\":\"float\"}]}},"
    "{\"id\":7,\"name\":\"points\",\"required\":false,\"type\":{\"type\":\"list\",\"element-id\":8,"
    "\"element-required\":true,\"element\":{\"type\":\"struct\",\"fields\":["
    "{\"id\":9,\"name\":\"z\",\"required\":false,\"type\":\"int\"}]}}},"
    "{\"id\":10,\"name\":\"extra\",\"required\":true,\"type\":\"string\"}]}";

static void test_union_by_name_adds_and_widens_US3(void **state)
{
    (void)state;
    floe_schema *w = parse(WIDER);
    floe_schema_update *u = start();
    assert_int_equal(floe_schema_update_union_by_name(u, w), 0);
    assert_string_equal(
        applied(u), "{1 id! long, 2 data string, 3 amount decimal(14,2), 4 count long, 5 score "
                    "float, 6 location {7 lat double, 8 lon double, 18 alt float}, 9 points "
                    "[10 element! {11 x int, 12 y int, 19 z int}], 13 props <14 key! string, 15 "
                    "value {16 v int}>, 17 day date, 20 extra string}");
    floe_schema *s;
    assert_int_equal(floe_schema_update_apply(&s, u), 0);
    assert_string_equal(floe_field_doc(floe_schema_find_field(s, 7)), "north");
    floe_schema_free(s);
    /* A second union with the same schema changes nothing more. */
    assert_int_equal(floe_schema_update_union_by_name(u, w), 0);
    assert_int_equal(floe_schema_update_last_column_id(u), 20);
    floe_schema_update_free(u);
    floe_schema_free(w);
}

static void test_union_by_name_rejects_incompatible_and_keeps_update(void **state)
{
    (void)state;
    floe_schema *bad =
        parse("{\"type\":\"struct\",\"fields\":[{\"id\":1,\"name\":\"new\","
              "\"required\":false,\"type\":\"int\"},{\"id\":2,\"name\":\"location\","
              "\"required\":true,\"type\":{\"type\":\"struct\",\"fields\":[{\"id\":3,"
              "\"name\":\"lat\",\"required\":false,\"type\":\"string\"}]}}]}");
    floe_schema_update *u = start();
    expect_error(floe_schema_update_union_by_name(u, bad), FLOE_ESCHEMA,
                 "cannot change column 'location.lat' from double to string");
    assert_string_equal(applied(u), BASE_DESC);
    assert_int_equal(floe_schema_update_last_column_id(u), 17);
    floe_schema_free(bad);
    bad = parse("{\"type\":\"struct\",\"fields\":[{\"id\":1,\"name\":\"data\",\"required\":false,"
                "\"type\":{\"type\":\"list\",\"element-id\":2,\"element-required\":false,"
                "\"element\":\"string\"}}]}");
    expect_error(floe_schema_update_union_by_name(u, bad), FLOE_ESCHEMA,
                 "cannot change column 'data' from string to list");
    floe_schema_free(bad);
    floe_schema_update_free(u);
}

static void test_union_by_name_case_insensitive(void **state)
{
    (void)state;
    floe_schema *w = parse("{\"type\":\"struct\",\"fields\":[{\"id\":1,\"name\":\"COUNT\","
                           "\"required\":false,\"type\":\"long\"}]}");
    floe_schema_update *u = start_opts(false, false, 0);
    assert_int_equal(floe_schema_update_union_by_name(u, w), 0);
    assert_non_null(strstr(applied(u), "4 count long"));
    assert_int_equal(floe_schema_update_rename_column(u, "LOCATION.LAT", "Lat"), 0);
    assert_non_null(strstr(applied(u), "7 Lat double"));
    floe_schema_update_free(u);
    u = start();
    assert_int_equal(floe_schema_update_union_by_name(u, w), 0);
    assert_non_null(strstr(applied(u), "4 count int"));
    assert_non_null(strstr(DESC, "18 COUNT long"));
    floe_schema_update_free(u);
    floe_schema_free(w);
}

static void test_union_by_name_from_arrow(void **state)
{
    (void)state;
    floe_schema *w = parse(WIDER);
    struct ArrowSchema arrow;
    assert_int_equal(floe_schema_to_arrow(&arrow, w), 0);
    floe_schema_update *u = start();
    assert_int_equal(floe_schema_update_union_by_name_arrow(u, &arrow), 0);
    const char *d = applied(u);
    assert_non_null(strstr(d, "4 count long"));
    assert_non_null(strstr(d, "20 extra string}"));
    arrow.release(&arrow);
    floe_schema_update_free(u);
    floe_schema_free(w);
}

static char *json_of_update(const floe_table_update *upd)
{
    char *j = NULL;
    assert_int_equal(floe_update_to_json(&j, upd), 0);
    return j;
}

static void test_commit_without_table(void **state)
{
    (void)state;
    floe_schema_update *u = start();
    floe_table_changes c;
    assert_int_equal(floe_schema_update_commit(&c, NULL, u), 0);
    assert_int_equal(c.update_count, 0);
    assert_int_equal(c.requirement_count, 1);
    floe_table_changes_clear(&c);
    floe_type *i = prim("int");
    assert_int_equal(floe_schema_update_add_column(u, NULL, "n", i, NULL), 0);
    floe_schema *s = NULL;
    assert_int_equal(floe_schema_update_commit(&c, &s, u), 0);
    assert_int_equal(floe_schema_id(s), 1);
    assert_int_equal(c.update_count, 2);
    char *j = json_of_update(c.updates[0]);
    assert_non_null(strstr(j, "\"action\":\"add-schema\""));
    assert_non_null(strstr(j, "\"last-column-id\":18"));
    assert_non_null(strstr(j, "\"name\":\"n\""));
    free(j);
    j = json_of_update(c.updates[1]);
    assert_string_equal(j, "{\"action\":\"set-current-schema\",\"schema-id\":-1}");
    free(j);
    assert_int_equal(floe_requirement_to_json(&j, c.requirements[0]), 0);
    assert_string_equal(j, "{\"type\":\"assert-current-schema-id\",\"current-schema-id\":0}");
    free(j);
    floe_table_changes_clear(&c);
    floe_table_changes_clear(&c);
    floe_table_changes_clear(NULL);
    floe_schema_free(s);
    floe_type_free(i);
    floe_schema_update_free(u);
}

static void test_options_version_checked(void **state)
{
    (void)state;
    floe_schema *s = parse(BASE);
    floe_schema_update_options o = FLOE_SCHEMA_UPDATE_OPTIONS_INIT;
    o.version = 99;
    floe_schema_update *u = NULL;
    assert_int_equal(floe_schema_update_new_for_schema(&u, s, 0, &o), FLOE_EVERSION);
    assert_null(u);
    assert_int_equal(floe_schema_update_new_for_schema(&u, s, 0, NULL), 0);
    assert_int_equal(floe_schema_update_last_column_id(u), 17);
    floe_schema_update_free(u);
    floe_schema_update_free(NULL);
    floe_schema_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_change_gives_the_same_schema),
        cmocka_unit_test(test_add_optional_columns_top_level_and_nested_US3),
        cmocka_unit_test(test_add_nested_type_gets_fresh_ids_in_reference_order),
        cmocka_unit_test(test_add_required_needs_default_or_allow_US3),
        cmocka_unit_test(test_add_rejections),
        cmocka_unit_test(test_map_keys_cannot_gain_columns),
        cmocka_unit_test(test_rename_top_level_and_nested_US3),
        cmocka_unit_test(test_conflicting_operations_are_rejected),
        cmocka_unit_test(test_type_promotions_US3),
        cmocka_unit_test(test_type_changes_outside_promotion_are_rejected_US3),
        cmocka_unit_test(test_v3_promotes_date_to_timestamp),
        cmocka_unit_test(test_v3_promotes_unknown_to_any_type),
        cmocka_unit_test(test_optional_and_required),
        cmocka_unit_test(test_delete_columns_US3),
        cmocka_unit_test(test_delete_identifier_field_needs_removing_it),
        cmocka_unit_test(test_identifier_field_rules),
        cmocka_unit_test(test_reorder_columns),
        cmocka_unit_test(test_doc_updates),
        cmocka_unit_test(test_union_by_name_adds_and_widens_US3),
        cmocka_unit_test(test_union_by_name_rejects_incompatible_and_keeps_update),
        cmocka_unit_test(test_union_by_name_case_insensitive),
        cmocka_unit_test(test_union_by_name_from_arrow),
        cmocka_unit_test(test_commit_without_table),
        cmocka_unit_test(test_options_version_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
