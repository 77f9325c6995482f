#include "test_support.h"

#include <string.h>

#include <floe/arrow/schema.h>
#include <floe/error.h>

#include "base/alloc.h"

static int32_t rd32(const char *p)
{
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* Builds struct<id: int64 (field id 1), tags: list<utf8>, attrs: map<utf8, int32>>. */
static void make_table_schema(struct ArrowSchema *s)
{
    assert_int_equal(floe_arrow_schema_init(s, "+s", "", 0), 0);
    assert_int_equal(floe_arrow_schema_alloc_children(s, 3), 0);
    assert_int_equal(floe_arrow_schema_init(s->children[0], "l", "id", 0), 0);
    assert_int_equal(floe_arrow_schema_metadata_set(s->children[0], FLOE_ARROW_FIELD_ID_KEY, "1"),
                     0);
    struct ArrowSchema *tags = s->children[1];
    assert_int_equal(floe_arrow_schema_init(tags, "+l", "tags", ARROW_FLAG_NULLABLE), 0);
    assert_int_equal(floe_arrow_schema_alloc_children(tags, 1), 0);
    assert_int_equal(floe_arrow_schema_init(tags->children[0], "u", "element", ARROW_FLAG_NULLABLE),
                     0);
    struct ArrowSchema *attrs = s->children[2];
    assert_int_equal(floe_arrow_schema_init(attrs, "+m", "attrs", ARROW_FLAG_NULLABLE), 0);
    assert_int_equal(floe_arrow_schema_alloc_children(attrs, 1), 0);
    struct ArrowSchema *entries = attrs->children[0];
    assert_int_equal(floe_arrow_schema_init(entries, "+s", "entries", 0), 0);
    assert_int_equal(floe_arrow_schema_alloc_children(entries, 2), 0);
    assert_int_equal(floe_arrow_schema_init(entries->children[0], "u", "key", 0), 0);
    assert_int_equal(
        floe_arrow_schema_init(entries->children[1], "i", "value", ARROW_FLAG_NULLABLE), 0);
}

static void test_schema_metadata_binary_layout_matches_spec(void **state)
{
    (void)state;
    struct ArrowSchema s;
    assert_int_equal(floe_arrow_schema_init(&s, "i", "x", ARROW_FLAG_NULLABLE), 0);
    assert_int_equal(floe_arrow_schema_metadata_set(&s, "PARQUET:field_id", "17"), 0);
    assert_int_equal(floe_arrow_schema_metadata_set(&s, "k", ""), 0);
    const char *m = s.metadata;
    /* int32 count, then int32 length + bytes for each key and each value. */
    assert_int_equal(rd32(m), 2);
    assert_int_equal(rd32(m + 4), 16);
    assert_memory_equal(m + 8, "PARQUET:field_id", 16);
    assert_int_equal(rd32(m + 24), 2);
    assert_memory_equal(m + 28, "17", 2);
    assert_int_equal(rd32(m + 30), 1);
    assert_memory_equal(m + 34, "k", 1);
    assert_int_equal(rd32(m + 35), 0);
    assert_int_equal(floe_arrow_metadata_size(m), 39);

    /* Replacing keeps the position; removing drops the pair; removing the last pair clears. */
    assert_int_equal(floe_arrow_schema_metadata_set(&s, "PARQUET:field_id", "4"), 0);
    assert_int_equal(rd32(s.metadata), 2);
    assert_int_equal(rd32(s.metadata + 24), 1);
    assert_memory_equal(s.metadata + 28, "4", 1);
    int32_t id;
    assert_int_equal(floe_arrow_schema_field_id(&id, &s), 0);
    assert_int_equal(id, 4);
    assert_int_equal(floe_arrow_schema_metadata_set(&s, "k", NULL), 0);
    assert_int_equal(rd32(s.metadata), 1);
    assert_int_equal(floe_arrow_schema_metadata_set(&s, "PARQUET:field_id", NULL), 0);
    assert_null(s.metadata);
    assert_int_equal(floe_arrow_schema_field_id(&id, &s), FLOE_ENOTFOUND);
    s.release(&s);
    assert_null(s.release);
}

static void test_schema_metadata_encode_iterate_get(void **state)
{
    (void)state;
    const char *keys[] = {"a", "bb"};
    const char *values[] = {"1", "two"};
    char *blob;
    assert_int_equal(floe_arrow_metadata_encode(&blob, keys, values, 2), 0);
    floe_arrow_metadata_iter it;
    assert_int_equal(floe_arrow_metadata_iter_init(&it, blob), 0);
    const char *k, *v;
    int32_t kl, vl;
    assert_int_equal(floe_arrow_metadata_next(&it, &k, &kl, &v, &vl), 1);
    assert_int_equal(kl, 1);
    assert_memory_equal(k, "a", 1);
    assert_int_equal(vl, 1);
    assert_memory_equal(v, "1", 1);
    assert_int_equal(floe_arrow_metadata_next(&it, &k, &kl, &v, &vl), 1);
    assert_memory_equal(k, "bb", 2);
    assert_memory_equal(v, "two", 3);
    assert_int_equal(floe_arrow_metadata_next(&it, &k, &kl, &v, &vl), 0);
    assert_int_equal(floe_arrow_metadata_get(&v, &vl, blob, "bb"), 0);
    assert_int_equal(vl, 3);
    assert_int_equal(floe_arrow_metadata_get(&v, &vl, blob, "b"), FLOE_ENOTFOUND);

    struct ArrowSchema s;
    assert_int_equal(floe_arrow_schema_init(&s, "u", "n", 0), 0);
    assert_int_equal(floe_arrow_schema_set_metadata(&s, blob), 0);
    assert_ptr_not_equal(s.metadata, blob);
    assert_int_equal(floe_arrow_metadata_size(s.metadata), floe_arrow_metadata_size(blob));
    floe_arrow_metadata_free(blob);
    s.release(&s);

    /* A negative count is malformed, not a crash. */
    char bad[4];
    int32_t neg = -1;
    memcpy(bad, &neg, 4);
    assert_int_equal(floe_arrow_metadata_iter_init(&it, bad), FLOE_EINVALID);
    assert_int_equal(floe_arrow_metadata_size(bad), -1);
}

static void test_schema_field_id_rejects_non_integers(void **state)
{
    (void)state;
    struct ArrowSchema s;
    assert_int_equal(floe_arrow_schema_init(&s, "i", "x", 0), 0);
    static const char *const bad[] = {"", "abc", "12x", "99999999999", " 5", "+"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(floe_arrow_schema_metadata_set(&s, FLOE_ARROW_FIELD_ID_KEY, bad[i]), 0);
        int32_t id;
        assert_int_equal(floe_arrow_schema_field_id(&id, &s), FLOE_EINVALID);
        assert_non_null(strstr(floe_error_last(), "field 'x'"));
    }
    s.release(&s);
}

static void test_schema_copy_is_deep_and_equal(void **state)
{
    (void)state;
    struct ArrowSchema s, copy;
    make_table_schema(&s);
    assert_int_equal(floe_arrow_schema_copy(&copy, &s), 0);
    assert_int_equal(floe_arrow_schema_compare(&s, &copy, 0), 0);
    assert_true(floe_arrow_schema_equal(&s, &copy));
    assert_ptr_not_equal(copy.children[2]->children[0], s.children[2]->children[0]);
    s.release(&s);
    /* The copy survives the original. */
    assert_string_equal(copy.children[2]->children[0]->children[0]->name, "key");
    int32_t id;
    assert_int_equal(floe_arrow_schema_field_id(&id, copy.children[0]), 0);
    assert_int_equal(id, 1);
    copy.release(&copy);
}

static void test_schema_compare_names_first_difference(void **state)
{
    (void)state;
    struct ArrowSchema a, b;
    make_table_schema(&a);
    make_table_schema(&b);
    assert_int_equal(floe_arrow_schema_set_format(b.children[2]->children[0]->children[1], "l"), 0);
    assert_int_equal(floe_arrow_schema_compare(&a, &b, 0), FLOE_ESCHEMA);
    assert_string_equal(floe_error_last(), "field 'attrs.entries.value': format 'i' != 'l'");
    assert_int_equal(floe_arrow_schema_set_format(b.children[2]->children[0]->children[1], "i"), 0);

    assert_int_equal(floe_arrow_schema_set_name(b.children[1], "labels"), 0);
    assert_int_equal(floe_arrow_schema_compare(&a, &b, 0), FLOE_ESCHEMA);
    assert_non_null(strstr(floe_error_last(), "name 'tags' != 'labels'"));
    assert_int_equal(floe_arrow_schema_compare(&a, &b, FLOE_ARROW_COMPARE_IGNORE_NAMES), 0);

    assert_int_equal(floe_arrow_schema_metadata_set(b.children[0], FLOE_ARROW_FIELD_ID_KEY, "2"),
                     0);
    assert_int_equal(floe_arrow_schema_compare(&a, &b, FLOE_ARROW_COMPARE_IGNORE_NAMES),
                     FLOE_ESCHEMA);
    assert_int_equal(floe_arrow_schema_compare(&a, &b,
                                               FLOE_ARROW_COMPARE_IGNORE_NAMES |
                                                   FLOE_ARROW_COMPARE_IGNORE_METADATA),
                     0);
    b.children[0]->flags = ARROW_FLAG_NULLABLE;
    assert_int_equal(floe_arrow_schema_compare(&a, &b,
                                               FLOE_ARROW_COMPARE_IGNORE_NAMES |
                                                   FLOE_ARROW_COMPARE_IGNORE_METADATA),
                     FLOE_ESCHEMA);
    assert_int_equal(floe_arrow_schema_compare(&a, &b,
                                               FLOE_ARROW_COMPARE_IGNORE_NAMES |
                                                   FLOE_ARROW_COMPARE_IGNORE_METADATA |
                                                   FLOE_ARROW_COMPARE_IGNORE_FLAGS),
                     0);
    a.release(&a);
    b.release(&b);
}

static void test_schema_release_skips_moved_children(void **state)
{
    (void)state;
    struct ArrowSchema s, moved;
    make_table_schema(&s);
    /* A consumer may move a child out; the parent's release must not release it again. */
    floe_arrow_schema_move(&moved, s.children[1]);
    assert_null(s.children[1]->release);
    s.release(&s);
    assert_string_equal(moved.name, "tags");
    moved.release(&moved);
}

static void test_schema_init_type_and_foreign_nodes(void **state)
{
    (void)state;
    floe_arrow_type t;
    assert_int_equal(floe_arrow_type_parse(&t, "tsu:America/Argentina/Buenos_Aires_And_More_Text"
                                               "_To_Exceed_Sixty_Four_Bytes_Of_Format"),
                     0);
    struct ArrowSchema s;
    assert_int_equal(floe_arrow_schema_init_type(&s, &t, "ts", ARROW_FLAG_NULLABLE), 0);
    assert_string_equal(s.format, "tsu:America/Argentina/Buenos_Aires_And_More_Text_To_Exceed_"
                                  "Sixty_Four_Bytes_Of_Format");
    s.release(&s);

    /* Mutators refuse a schema floe did not make. */
    struct ArrowSchema foreign;
    memset(&foreign, 0, sizeof foreign);
    foreign.format = "i";
    assert_int_equal(floe_arrow_schema_set_name(&foreign, "x"), FLOE_EINVALID);
    assert_int_equal(floe_arrow_schema_alloc_children(&foreign, 1), FLOE_EINVALID);
    /* Copying a released schema is an error. */
    assert_int_equal(floe_arrow_schema_copy(&s, &foreign), FLOE_EINVALID);
}

static void test_schema_copy_survives_allocation_failures(void **state)
{
    (void)state;
    struct ArrowSchema s;
    make_table_schema(&s);
    int failures = 0;
    for (long n = 1; n < 200; n++) {
        struct ArrowSchema copy;
        floe_alloc_fail_after(n);
        int rc = floe_arrow_schema_copy(&copy, &s);
        floe_alloc_fail_after(0);
        if (rc == 0) {
            assert_true(floe_arrow_schema_equal(&s, &copy));
            copy.release(&copy);
            break;
        }
        assert_int_equal(rc, FLOE_ENOMEM);
        assert_null(copy.release);
        failures++;
    }
    assert_true(failures > 10);
    s.release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_metadata_binary_layout_matches_spec),
        cmocka_unit_test(test_schema_metadata_encode_iterate_get),
        cmocka_unit_test(test_schema_field_id_rejects_non_integers),
        cmocka_unit_test(test_schema_copy_is_deep_and_equal),
        cmocka_unit_test(test_schema_compare_names_first_difference),
        cmocka_unit_test(test_schema_release_skips_moved_children),
        cmocka_unit_test(test_schema_init_type_and_foreign_nodes),
        cmocka_unit_test(test_schema_copy_survives_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
