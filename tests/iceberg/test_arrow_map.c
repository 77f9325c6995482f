#include "test_support.h"

#include <string.h>

#include <floe/arrow/schema.h>
#include <floe/error.h>
#include <floe/iceberg/schema.h>

static const char *schema_json =
    "{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
    "{\"id\":1,\"name\":\"b\",\"required\":true,\"type\":\"boolean\"},"
    "{\"id\":2,\"name\":\"i\",\"required\":false,\"type\":\"int\"},"
    "{\"id\":3,\"name\":\"l\",\"required\":false,\"type\":\"long\"},"
    "{\"id\":4,\"name\":\"f\",\"required\":false,\"type\":\"float\"},"
    "{\"id\":5,\"name\":\"d\",\"required\":false,\"type\":\"double\"},"
    "{\"id\":6,\"name\":\"dec\",\"required\":false,\"type\":\"decimal(9,2)\"},"
    "{\"id\":7,\"name\":\"dt\",\"required\":false,\"type\":\"date\"},"
    "{\"id\":8,\"name\":\"t\",\"required\":false,\"type\":\"time\"},"
    "{\"id\":9,\"name\":\"ts\",\"required\":false,\"type\":\"timestamp\"},"
    "{\"id\":10,\"name\":\"tstz\",\"required\":false,\"type\":\"timestamptz\"},"
    "{\"id\":11,\"name\":\"s\",\"required\":false,\"type\":\"string\"},"
    "{\"id\":12,\"name\":\"u\",\"required\":false,\"type\":\"uuid\"},"
    "{\"id\":13,\"name\":\"fx\",\"required\":false,\"type\":\"fixed[4]\"},"
    "{\"id\":14,\"name\":\"bin\",\"required\":false,\"type\":\"binary\"},"
    "{\"id\":15,\"name\":\"st\",\"required\":false,\"type\":{\"type\":\"struct\",\"fields\":["
    "{\"id\":16,\"name\":\"x\",\"required\":true,\"type\":\"int\"}]}},"
    "{\"id\":17,\"name\":\"li\",\"required\":false,\"type\":{\"type\":\"list\",\"element-id\":18,"
    "\"element\":\"string\",\"element-required\":false}},"
    "{\"id\":19,\"name\":\"m\",\"required\":false,\"type\":{\"type\":\"map\",\"key-id\":20,"
    "\"key\":\"string\",\"value-id\":21,\"value\":\"long\",\"value-required\":true}},"
    "{\"id\":22,\"name\":\"tsn\",\"required\":false,\"type\":\"timestamptz_ns\"}]}";

static int32_t fid(const struct ArrowSchema *s)
{
    int32_t id = -1;
    assert_int_equal(floe_arrow_schema_field_id(&id, s), 0);
    return id;
}

static void test_schema_to_arrow_formats_and_ids(void **state)
{
    (void)state;
    floe_schema *s;
    assert_int_equal(floe_schema_from_json(&s, schema_json, strlen(schema_json)), 0);
    struct ArrowSchema a;
    assert_int_equal(floe_schema_to_arrow(&a, s), 0);
    assert_string_equal(a.format, "+s");
    assert_int_equal(a.n_children, 18);
    const char *formats[] = {"b",       "i", "l",    "f",   "g", "d:9,2", "tdD", "ttu", "tsu:",
                             "tsu:UTC", "u", "w:16", "w:4", "z", "+s",    "+l",  "+m",  "tsn:UTC"};
    for (int i = 0; i < 18; i++) {
        assert_string_equal(a.children[i]->format, formats[i]);
        assert_int_equal(fid(a.children[i]), i < 15 ? i + 1 : (i == 15 ? 17 : i == 16 ? 19 : 22));
    }
    assert_int_equal(a.children[0]->flags & ARROW_FLAG_NULLABLE, 0);
    assert_int_equal(a.children[1]->flags & ARROW_FLAG_NULLABLE, ARROW_FLAG_NULLABLE);
    struct ArrowSchema *li = a.children[15];
    assert_string_equal(li->children[0]->name, "element");
    assert_int_equal(fid(li->children[0]), 18);
    struct ArrowSchema *m = a.children[16];
    assert_string_equal(m->children[0]->name, "entries");
    assert_string_equal(m->children[0]->children[0]->name, "key");
    assert_int_equal(fid(m->children[0]->children[0]), 20);
    assert_string_equal(m->children[0]->children[1]->name, "value");
    assert_int_equal(fid(m->children[0]->children[1]), 21);
    assert_int_equal(m->children[0]->children[1]->flags & ARROW_FLAG_NULLABLE, 0);
    assert_int_equal(fid(a.children[14]->children[0]), 16);

    /* and back: same schema (uuid comes back as fixed[16] without the extension) */
    floe_schema *back;
    assert_int_equal(floe_schema_from_arrow(&back, &a, 0), 0);
    assert_int_equal(floe_schema_highest_field_id(back), 22);
    for (int32_t id = 1; id <= 22; id++) {
        const floe_field *x = floe_schema_find_field(s, id), *y = floe_schema_find_field(back, id);
        assert_non_null(y);
        assert_string_equal(floe_field_name(x), floe_field_name(y));
        assert_int_equal(floe_field_required(x), floe_field_required(y));
        if (id != 12 && id != 15 && id != 17 && id != 19)
            assert_string_equal(floe_type_string(floe_field_type(x)),
                                floe_type_string(floe_field_type(y)));
    }
    assert_string_equal(floe_type_string(floe_field_type(floe_schema_find_field(back, 12))),
                        "fixed[16]");
    floe_schema_free(back);
    a.release(&a);
    floe_schema_free(s);
}

static void init(struct ArrowSchema *s, const char *fmt, const char *name, bool nullable)
{
    assert_int_equal(floe_arrow_schema_init(s, fmt, name, nullable ? ARROW_FLAG_NULLABLE : 0), 0);
}

static void test_schema_from_arrow_assigns_fresh_ids(void **state)
{
    (void)state;
    /* {a: int64 not null, p: struct{q: utf8}, l: list<int16>, ts: timestamp[ms, tz]} */
    struct ArrowSchema root;
    init(&root, "+s", "", false);
    assert_int_equal(floe_arrow_schema_alloc_children(&root, 5), 0);
    init(root.children[0], "l", "a", false);
    init(root.children[1], "+s", "p", true);
    assert_int_equal(floe_arrow_schema_alloc_children(root.children[1], 1), 0);
    init(root.children[1]->children[0], "u", "q", true);
    init(root.children[2], "+l", "l", true);
    assert_int_equal(floe_arrow_schema_alloc_children(root.children[2], 1), 0);
    init(root.children[2]->children[0], "s", "item", false);
    init(root.children[3], "tsm:Europe/Paris", "ts", true);
    init(root.children[4], "w:16", "id", false);
    assert_int_equal(
        floe_arrow_schema_metadata_set(root.children[4], "ARROW:extension:name", "arrow.uuid"), 0);
    floe_schema *s;
    assert_int_equal(floe_schema_from_arrow(&s, &root, 4), 0);
    assert_int_equal(floe_schema_id(s), 4);
    /* top level 1..5, then p.q = 6, then l.element = 7 */
    assert_int_equal(floe_field_id(floe_schema_find_field_by_name(s, "a", true)), 1);
    assert_int_equal(floe_field_id(floe_schema_find_field_by_name(s, "id", true)), 5);
    assert_int_equal(floe_field_id(floe_schema_find_field_by_name(s, "p.q", true)), 6);
    assert_int_equal(floe_field_id(floe_schema_find_field_by_name(s, "l.element", true)), 7);
    const floe_field *a = floe_schema_find_field(s, 1);
    assert_true(floe_field_required(a));
    assert_int_equal(floe_type_get_kind(floe_field_type(a)), FLOE_TYPE_LONG);
    assert_int_equal(floe_type_get_kind(floe_field_type(floe_schema_find_field(s, 7))),
                     FLOE_TYPE_INT);
    assert_true(floe_field_required(floe_schema_find_field(s, 7)));
    assert_int_equal(floe_type_get_kind(floe_field_type(floe_schema_find_field(s, 4))),
                     FLOE_TYPE_TIMESTAMPTZ);
    assert_int_equal(floe_type_get_kind(floe_field_type(floe_schema_find_field(s, 5))),
                     FLOE_TYPE_UUID);
    floe_schema_free(s);
    root.release(&root);
}

static void test_unmappable_arrow_types_are_refused(void **state)
{
    (void)state;
    const char *bad[] = {"L", "n", "tiM"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct ArrowSchema root;
        init(&root, "+s", "", false);
        assert_int_equal(floe_arrow_schema_alloc_children(&root, 1), 0);
        init(root.children[0], bad[i], "col", true);
        floe_schema *s = NULL;
        assert_int_equal(floe_schema_from_arrow(&s, &root, 0), FLOE_EUNSUPPORTED);
        assert_null(s);
        assert_non_null(strstr(floe_error_last(), "'col'"));
        root.release(&root);
    }
    struct ArrowSchema notstruct;
    init(&notstruct, "i", "x", false);
    floe_schema *s = NULL;
    assert_int_equal(floe_schema_from_arrow(&s, &notstruct, 0), FLOE_EINVALID);
    notstruct.release(&notstruct);
}

static void test_v3_types_have_no_arrow_mapping(void **state)
{
    (void)state;
    const char *j = "{\"type\":\"struct\",\"fields\":[{\"id\":1,\"name\":\"ok\",\"required\":"
                    "false,\"type\":\"int\"},{\"id\":2,\"name\":\"v\",\"required\":false,"
                    "\"type\":\"variant\"}]}";
    floe_schema *s;
    assert_int_equal(floe_schema_from_json(&s, j, strlen(j)), 0);
    struct ArrowSchema a;
    assert_int_equal(floe_schema_to_arrow(&a, s), FLOE_EUNSUPPORTED);
    assert_non_null(strstr(floe_error_last(), "'v'"));
    assert_null(a.release);
    floe_schema_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_to_arrow_formats_and_ids),
        cmocka_unit_test(test_schema_from_arrow_assigns_fresh_ids),
        cmocka_unit_test(test_unmappable_arrow_types_are_refused),
        cmocka_unit_test(test_v3_types_have_no_arrow_mapping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
