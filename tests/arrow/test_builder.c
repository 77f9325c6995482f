#include "test_support.h"

#include <stdio.h>
#include <string.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/schema.h>
#include <floe/arrow/validate.h>
#include <floe/arrow/value.h>
#include <floe/error.h>

#include "base/alloc.h"

#define CHECK(expr)                                                                                \
    do {                                                                                           \
        int rc_ = (expr);                                                                          \
        if (rc_ != 0)                                                                              \
            fail_msg("%s failed (%d): %s", #expr, rc_, floe_error_last());                         \
    } while (0)

static floe_arrow_builder *leaf_builder(const char *format)
{
    struct ArrowSchema s;
    CHECK(floe_arrow_schema_init(&s, format, "v", ARROW_FLAG_NULLABLE));
    floe_arrow_builder *b;
    CHECK(floe_arrow_builder_new(&b, &s));
    s.release(&s);
    return b;
}

static void assert_aligned(const struct ArrowArray *a)
{
    for (int64_t i = 0; i < a->n_buffers; i++) {
        if (a->buffers[i])
            assert_int_equal((uintptr_t)a->buffers[i] % 64, 0);
    }
    for (int64_t i = 0; i < a->n_children; i++)
        assert_aligned(a->children[i]);
}

static void finish_and_validate(floe_arrow_builder *b, struct ArrowArray *out)
{
    CHECK(floe_arrow_builder_finish(b, out));
    CHECK(floe_arrow_validate(floe_arrow_builder_schema(b), out, FLOE_ARROW_VALIDATE_UTF8));
    assert_aligned(out);
    assert_int_equal(floe_arrow_builder_length(b), 0);
}

/* Integer-backed types: every 7th slot null, others i * sign, read back widened. */
static void test_builder_integer_and_temporal_types_read_back(void **state)
{
    (void)state;
    static const struct {
        const char *format;
        int64_t scale; /* value i is stored as i * scale - offset */
        int64_t offset;
    } cases[] = {
        {"c", 1, 50},
        {"s", 300, 0},
        {"i", 100000, 5000000},
        {"l", 1000000007, 1},
        {"C", 2, 0},
        {"S", 600, 0},
        {"I", 40000000, 0},
        {"L", 1000000000000, 0},
        {"tdD", 1, 365},
        {"tdm", 86400000, 0},
        {"tts", 1, 0},
        {"ttm", 1000, 0},
        {"ttu", 1000000, 0},
        {"ttn", 1000000000, 0},
        {"tsu:", 1000000, 0},
        {"tsn:UTC", 3, -1},
        {"tsu:UTC", 1, 0},
        {"tss:+01:00", 1, 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        floe_arrow_builder *b = leaf_builder(cases[c].format);
        for (int64_t i = 0; i < 100; i++) {
            if (i % 7 == 3)
                CHECK(floe_arrow_builder_append_null(b));
            else
                CHECK(floe_arrow_builder_append_int(b, i * cases[c].scale - cases[c].offset));
        }
        assert_int_equal(floe_arrow_builder_null_count(b), 14);
        struct ArrowArray a;
        finish_and_validate(b, &a);
        assert_int_equal(a.length, 100);
        assert_int_equal(a.null_count, 14);
        assert_non_null(a.buffers[0]);
        floe_arrow_type_id id = floe_arrow_builder_type(b)->id;
        for (int64_t i = 0; i < 100; i++) {
            if (i % 7 == 3) {
                assert_true(floe_arrow_is_null(&a, i));
                continue;
            }
            assert_true(floe_arrow_is_valid(&a, i));
            assert_int_equal(floe_arrow_get_int_as_int64(&a, id, i),
                             i * cases[c].scale - cases[c].offset);
        }
        a.release(&a);
        assert_null(a.release);
        floe_arrow_builder_free(b);
    }
}

static void test_builder_rejects_out_of_range_and_wrong_kind(void **state)
{
    (void)state;
    floe_arrow_builder *b = leaf_builder("c");
    assert_int_equal(floe_arrow_builder_append_int(b, 128), FLOE_ERANGE);
    assert_non_null(strstr(floe_error_last(), "int8"));
    assert_int_equal(floe_arrow_builder_append_int(b, -129), FLOE_ERANGE);
    assert_int_equal(floe_arrow_builder_append_uint(b, UINT64_MAX), FLOE_ERANGE);
    assert_int_equal(floe_arrow_builder_append_str(b, "x"), FLOE_EINVALID);
    assert_int_equal(floe_arrow_builder_append_double(b, 1.0), FLOE_EINVALID);
    assert_int_equal(floe_arrow_builder_length(b), 0);
    CHECK(floe_arrow_builder_append_int(b, -128));
    floe_arrow_builder_free(b);

    b = leaf_builder("C");
    assert_int_equal(floe_arrow_builder_append_int(b, -1), FLOE_ERANGE);
    CHECK(floe_arrow_builder_append_uint(b, 255));
    floe_arrow_builder_free(b);

    b = leaf_builder("L");
    CHECK(floe_arrow_builder_append_uint(b, UINT64_MAX));
    struct ArrowArray a;
    finish_and_validate(b, &a);
    assert_true(floe_arrow_get_uint64(&a, 0) == UINT64_MAX);
    assert_null(a.buffers[0]);
    a.release(&a);
    floe_arrow_builder_free(b);

    b = leaf_builder("w:4");
    assert_int_equal(floe_arrow_builder_append_bytes(b, "abc", 3), FLOE_EINVALID);
    floe_arrow_builder_free(b);

    b = leaf_builder("d:3,1");
    assert_int_equal(floe_arrow_builder_append_int(b, 1000), FLOE_ERANGE);
    CHECK(floe_arrow_builder_append_int(b, -999));
    floe_arrow_builder_free(b);
}

static void test_builder_bool_float_decimal_read_back(void **state)
{
    (void)state;
    floe_arrow_builder *b = leaf_builder("b");
    for (int i = 0; i < 70; i++) {
        if (i == 69)
            CHECK(floe_arrow_builder_append_null(b));
        else
            CHECK(floe_arrow_builder_append_bool(b, i % 3 == 0));
    }
    struct ArrowArray a;
    finish_and_validate(b, &a);
    for (int i = 0; i < 69; i++)
        assert_int_equal(floe_arrow_get_bool(&a, i), i % 3 == 0);
    assert_true(floe_arrow_is_null(&a, 69));
    assert_int_equal(a.null_count, 1);
    a.release(&a);
    floe_arrow_builder_free(b);

    b = leaf_builder("f");
    CHECK(floe_arrow_builder_append_double(b, 1.5));
    CHECK(floe_arrow_builder_append_double(b, -0.25));
    finish_and_validate(b, &a);
    assert_true(floe_arrow_get_float32(&a, 0) == 1.5f);
    assert_true(floe_arrow_get_float32(&a, 1) == -0.25f);
    a.release(&a);
    floe_arrow_builder_free(b);

    b = leaf_builder("g");
    CHECK(floe_arrow_builder_append_double(b, 3.141592653589793));
    CHECK(floe_arrow_builder_append_null(b));
    finish_and_validate(b, &a);
    assert_true(floe_arrow_get_float64(&a, 0) == 3.141592653589793);
    a.release(&a);
    floe_arrow_builder_free(b);

    b = leaf_builder("d:38,10");
    floe_decimal128 big;
    CHECK(floe_decimal128_parse(&big, "-1234567890123456789012345678.0123456789", 40, 38, 10));
    CHECK(floe_arrow_builder_append_decimal128(b, big));
    CHECK(floe_arrow_builder_append_int(b, 5));
    CHECK(floe_arrow_builder_append_null(b));
    finish_and_validate(b, &a);
    char text[FLOE_DECIMAL128_STRLEN];
    CHECK(floe_decimal128_format(text, sizeof text, floe_arrow_get_decimal128(&a, 0), 10));
    assert_string_equal(text, "-1234567890123456789012345678.0123456789");
    CHECK(floe_decimal128_format(text, sizeof text, floe_arrow_get_decimal128(&a, 1), 10));
    assert_string_equal(text, "0.0000000005");
    assert_true(floe_arrow_is_null(&a, 2));
    a.release(&a);
    floe_arrow_builder_free(b);
}

static void test_builder_strings_and_binaries_read_back(void **state)
{
    (void)state;
    static const char *const formats[] = {"u", "U", "z", "Z"};
    for (size_t f = 0; f < 4; f++) {
        floe_arrow_builder *b = leaf_builder(formats[f]);
        CHECK(floe_arrow_builder_reserve(b, 1000));
        char buf[32];
        for (int i = 0; i < 1000; i++) {
            if (i % 10 == 9) {
                CHECK(floe_arrow_builder_append_null(b));
                continue;
            }
            int n = snprintf(buf, sizeof buf, "value-%d", i);
            CHECK(floe_arrow_builder_append_bytes(b, buf, (size_t)n));
        }
        CHECK(floe_arrow_builder_append_str(b, ""));
        CHECK(floe_arrow_builder_append_str(b, "h\xc3\xa9llo"));
        struct ArrowArray a;
        finish_and_validate(b, &a);
        assert_int_equal(a.length, 1002);
        assert_int_equal(a.null_count, 100);
        floe_arrow_type_id id = floe_arrow_builder_type(b)->id;
        for (int i = 0; i < 1000; i++) {
            if (i % 10 == 9) {
                assert_true(floe_arrow_is_null(&a, i));
                assert_int_equal(floe_arrow_get_var_bytes(&a, id, i).len, 0);
                continue;
            }
            int n = snprintf(buf, sizeof buf, "value-%d", i);
            floe_arrow_bytes v = floe_arrow_get_var_bytes(&a, id, i);
            assert_int_equal(v.len, n);
            assert_memory_equal(v.data, buf, (size_t)n);
        }
        assert_int_equal(floe_arrow_get_var_bytes(&a, id, 1000).len, 0);
        floe_arrow_bytes last = floe_arrow_get_var_bytes(&a, id, 1001);
        assert_int_equal(last.len, 6);
        assert_memory_equal(last.data, "h\xc3\xa9llo", 6);
        a.release(&a);
        floe_arrow_builder_free(b);
    }

    floe_arrow_builder *b = leaf_builder("w:16");
    uint8_t uuid[16];
    for (int i = 0; i < 16; i++)
        uuid[i] = (uint8_t)(i * 17);
    CHECK(floe_arrow_builder_append_bytes(b, uuid, 16));
    CHECK(floe_arrow_builder_append_null(b));
    CHECK(floe_arrow_builder_append_empty(b));
    struct ArrowArray a;
    finish_and_validate(b, &a);
    floe_arrow_bytes v = floe_arrow_get_fixed_bytes(&a, 16, 0);
    assert_int_equal(v.len, 16);
    assert_memory_equal(v.data, uuid, 16);
    static const uint8_t zeros[16];
    assert_memory_equal(floe_arrow_get_fixed_bytes(&a, 16, 2).data, zeros, 16);
    a.release(&a);
    floe_arrow_builder_free(b);
}

static void test_builder_bulk_values_with_validity(void **state)
{
    (void)state;
    floe_arrow_builder *b = leaf_builder("i");
    int32_t values[20];
    for (int i = 0; i < 20; i++)
        values[i] = i * i;
    uint8_t validity[3] = {0xff, 0xfe, 0x0f}; /* slot 8 null, slots 16..19 valid */
    CHECK(floe_arrow_builder_append_int(b, -1));
    CHECK(floe_arrow_builder_append_values(b, values, validity, 20));
    CHECK(floe_arrow_builder_append_values(b, values, NULL, 3));
    struct ArrowArray a;
    finish_and_validate(b, &a);
    assert_int_equal(a.length, 24);
    assert_int_equal(a.null_count, 1);
    assert_int_equal(floe_arrow_get_int32(&a, 0), -1);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(floe_arrow_is_valid(&a, i + 1), i != 8);
        assert_int_equal(floe_arrow_get_int32(&a, i + 1), i * i);
    }
    assert_int_equal(floe_arrow_get_int32(&a, 23), 4);
    a.release(&a);
    floe_arrow_builder_free(b);

    b = leaf_builder("b");
    uint8_t bools[5] = {1, 0, 1, 1, 0};
    CHECK(floe_arrow_builder_append_values(b, bools, NULL, 5));
    finish_and_validate(b, &a);
    for (int i = 0; i < 5; i++)
        assert_int_equal(floe_arrow_get_bool(&a, i), bools[i]);
    a.release(&a);
    floe_arrow_builder_free(b);
}

/* struct<id: int64, name: utf8, loc: struct<lat: float64, lon: float64>> as a record batch. */
static void make_batch_schema(struct ArrowSchema *s)
{
    CHECK(floe_arrow_schema_init(s, "+s", "", 0));
    CHECK(floe_arrow_schema_alloc_children(s, 3));
    CHECK(floe_arrow_schema_init(s->children[0], "l", "id", 0));
    CHECK(floe_arrow_schema_init(s->children[1], "u", "name", ARROW_FLAG_NULLABLE));
    struct ArrowSchema *loc = s->children[2];
    CHECK(floe_arrow_schema_init(loc, "+s", "loc", ARROW_FLAG_NULLABLE));
    CHECK(floe_arrow_schema_alloc_children(loc, 2));
    CHECK(floe_arrow_schema_init(loc->children[0], "g", "lat", 0));
    CHECK(floe_arrow_schema_init(loc->children[1], "g", "lon", 0));
}

static void test_builder_record_batch_with_struct_column(void **state)
{
    (void)state;
    struct ArrowSchema s;
    make_batch_schema(&s);
    floe_arrow_builder *b;
    CHECK(floe_arrow_builder_new(&b, &s));
    floe_arrow_builder *id = floe_arrow_builder_child(b, 0);
    floe_arrow_builder *name = floe_arrow_builder_child(b, 1);
    floe_arrow_builder *loc = floe_arrow_builder_child(b, 2);
    assert_null(floe_arrow_builder_child(b, 3));
    for (int batch = 0; batch < 2; batch++) {
        for (int i = 0; i < 50; i++) {
            CHECK(floe_arrow_builder_append_int(id, batch * 1000 + i));
            if (i % 5 == 0)
                CHECK(floe_arrow_builder_append_null(name));
            else
                CHECK(floe_arrow_builder_append_str(name, "n"));
            if (i % 4 == 1) {
                CHECK(floe_arrow_builder_append_null(loc));
            } else {
                CHECK(floe_arrow_builder_append_double(floe_arrow_builder_child(loc, 0), i));
                CHECK(floe_arrow_builder_append_double(floe_arrow_builder_child(loc, 1), -i));
                CHECK(floe_arrow_builder_append_struct(loc));
            }
        }
        struct ArrowArray a;
        struct ArrowSchema out_schema;
        CHECK(floe_arrow_builder_finish_batch(b, &a, &out_schema));
        assert_true(floe_arrow_schema_equal(&s, &out_schema));
        CHECK(floe_arrow_validate(&out_schema, &a, 0));
        assert_int_equal(a.length, 50);
        assert_int_equal(a.null_count, 0);
        assert_null(a.buffers[0]);
        assert_int_equal(a.n_children, 3);
        const struct ArrowArray *ids = a.children[0], *names = a.children[1], *locs = a.children[2];
        assert_int_equal(names->null_count, 10);
        assert_int_equal(locs->null_count, 13);
        for (int i = 0; i < 50; i++) {
            assert_int_equal(floe_arrow_get_int64(ids, i), batch * 1000 + i);
            assert_int_equal(floe_arrow_is_null(locs, i), i % 4 == 1);
            /* A null struct slot still has (empty) child values, keeping children in step. */
            double lat = floe_arrow_get_float64(locs->children[0], i);
            assert_true(lat == (i % 4 == 1 ? 0.0 : (double)i));
        }
        a.release(&a);
        out_schema.release(&out_schema);
    }
    /* Columns of different lengths are refused, naming them. */
    CHECK(floe_arrow_builder_append_int(id, 1));
    struct ArrowArray a;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &a, NULL), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "column 'name'"));
    assert_null(a.release);
    floe_arrow_builder_free(b);
    s.release(&s);
}

/* list<struct<name: utf8, scores: map<utf8, list<int64>>>>: struct, map and lists nest to
 * depth 3 below the column. */
static void make_deep_schema(struct ArrowSchema *s)
{
    CHECK(floe_arrow_schema_init(s, "+s", "", 0));
    CHECK(floe_arrow_schema_alloc_children(s, 1));
    struct ArrowSchema *deep = s->children[0];
    CHECK(floe_arrow_schema_init(deep, "+l", "deep", ARROW_FLAG_NULLABLE));
    CHECK(floe_arrow_schema_alloc_children(deep, 1));
    struct ArrowSchema *item = deep->children[0];
    CHECK(floe_arrow_schema_init(item, "+s", "item", ARROW_FLAG_NULLABLE));
    CHECK(floe_arrow_schema_alloc_children(item, 2));
    CHECK(floe_arrow_schema_init(item->children[0], "u", "name", ARROW_FLAG_NULLABLE));
    struct ArrowSchema *scores = item->children[1];
    CHECK(floe_arrow_schema_init(scores, "+m", "scores", ARROW_FLAG_NULLABLE));
    CHECK(floe_arrow_schema_alloc_children(scores, 1));
    struct ArrowSchema *entries = scores->children[0];
    CHECK(floe_arrow_schema_init(entries, "+s", "entries", 0));
    CHECK(floe_arrow_schema_alloc_children(entries, 2));
    CHECK(floe_arrow_schema_init(entries->children[0], "u", "key", 0));
    struct ArrowSchema *vals = entries->children[1];
    CHECK(floe_arrow_schema_init(vals, "+L", "value", ARROW_FLAG_NULLABLE));
    CHECK(floe_arrow_schema_alloc_children(vals, 1));
    CHECK(floe_arrow_schema_init(vals->children[0], "l", "element", ARROW_FLAG_NULLABLE));
}

/* Row r: null when r % 5 == 4; else r % 3 items; item j has name "r.j", and j map entries
 * "k<e>" -> [r, j, e] (value null when e == 1). */
static int build_deep(floe_arrow_builder *b, int rows)
{
    floe_arrow_builder *deep = floe_arrow_builder_child(b, 0);
    floe_arrow_builder *item = floe_arrow_builder_child(deep, 0);
    floe_arrow_builder *name = floe_arrow_builder_child(item, 0);
    floe_arrow_builder *scores = floe_arrow_builder_child(item, 1);
    floe_arrow_builder *keys = floe_arrow_builder_map_keys(scores);
    floe_arrow_builder *vals = floe_arrow_builder_map_values(scores);
    floe_arrow_builder *elem = floe_arrow_builder_child(vals, 0);
    int rc = 0;
    char buf[32];
    for (int r = 0; rc == 0 && r < rows; r++) {
        if (r % 5 == 4) {
            rc = floe_arrow_builder_append_null(deep);
            continue;
        }
        for (int j = 0; rc == 0 && j < r % 3; j++) {
            snprintf(buf, sizeof buf, "%d.%d", r, j);
            rc = floe_arrow_builder_append_str(name, buf);
            for (int e = 0; rc == 0 && e < j; e++) {
                snprintf(buf, sizeof buf, "k%d", e);
                rc = floe_arrow_builder_append_str(keys, buf);
                if (rc == 0 && e == 1) {
                    rc = floe_arrow_builder_append_null(vals);
                } else {
                    if (rc == 0)
                        rc = floe_arrow_builder_append_int(elem, r);
                    if (rc == 0)
                        rc = floe_arrow_builder_append_int(elem, j);
                    if (rc == 0)
                        rc = floe_arrow_builder_append_int(elem, e);
                    if (rc == 0)
                        rc = floe_arrow_builder_append_list(vals);
                }
            }
            if (rc == 0)
                rc = floe_arrow_builder_append_list(scores);
            if (rc == 0)
                rc = floe_arrow_builder_append_struct(item);
        }
        if (rc == 0)
            rc = floe_arrow_builder_append_list(deep);
    }
    return rc;
}

static void test_builder_nested_list_struct_map_depth_3(void **state)
{
    (void)state;
    struct ArrowSchema s;
    make_deep_schema(&s);
    floe_arrow_builder *b;
    CHECK(floe_arrow_builder_new(&b, &s));
    CHECK(build_deep(b, 40));
    struct ArrowArray a;
    CHECK(floe_arrow_builder_finish_batch(b, &a, NULL));
    CHECK(floe_arrow_validate(&s, &a, FLOE_ARROW_VALIDATE_UTF8));
    assert_aligned(&a);
    const struct ArrowArray *deep = a.children[0];
    const struct ArrowArray *item = deep->children[0];
    const struct ArrowArray *name = item->children[0];
    const struct ArrowArray *scores = item->children[1];
    const struct ArrowArray *entries = scores->children[0];
    const struct ArrowArray *keys = entries->children[0], *vals = entries->children[1];
    const struct ArrowArray *elem = vals->children[0];
    assert_int_equal(deep->null_count, 8);
    char buf[32];
    for (int r = 0; r < 40; r++) {
        if (r % 5 == 4) {
            assert_true(floe_arrow_is_null(deep, r));
            continue;
        }
        int64_t s0, s1;
        floe_arrow_get_list_range(deep, 0, r, &s0, &s1);
        assert_int_equal(s1 - s0, r % 3);
        for (int j = 0; j < r % 3; j++) {
            int64_t it = s0 + j;
            snprintf(buf, sizeof buf, "%d.%d", r, j);
            floe_arrow_bytes nb = floe_arrow_get_bytes(name, it);
            assert_int_equal(nb.len, (int64_t)strlen(buf));
            assert_memory_equal(nb.data, buf, strlen(buf));
            int64_t m0, m1;
            floe_arrow_get_list_range(scores, 0, it, &m0, &m1);
            assert_int_equal(m1 - m0, j);
            for (int e = 0; e < j; e++) {
                snprintf(buf, sizeof buf, "k%d", e);
                floe_arrow_bytes kb = floe_arrow_get_bytes(keys, m0 + e);
                assert_memory_equal(kb.data, buf, strlen(buf));
                if (e == 1) {
                    assert_true(floe_arrow_is_null(vals, m0 + e));
                    continue;
                }
                int64_t v0, v1;
                floe_arrow_get_list_range(vals, 1, m0 + e, &v0, &v1);
                assert_int_equal(v1 - v0, 3);
                assert_int_equal(floe_arrow_get_int64(elem, v0), r);
                assert_int_equal(floe_arrow_get_int64(elem, v0 + 1), j);
                assert_int_equal(floe_arrow_get_int64(elem, v0 + 2), e);
            }
        }
    }
    a.release(&a);
    floe_arrow_builder_free(b);
    s.release(&s);
}

static void test_builder_refuses_unclosed_entries(void **state)
{
    (void)state;
    struct ArrowSchema s;
    make_deep_schema(&s);
    floe_arrow_builder *b;
    CHECK(floe_arrow_builder_new(&b, &s));
    floe_arrow_builder *deep = floe_arrow_builder_child(b, 0);
    floe_arrow_builder *item = floe_arrow_builder_child(deep, 0);
    /* A struct closed before all its children have a value. */
    CHECK(floe_arrow_builder_append_str(floe_arrow_builder_child(item, 0), "x"));
    assert_int_equal(floe_arrow_builder_append_struct(item), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "'scores'"));
    CHECK(floe_arrow_builder_append_empty(floe_arrow_builder_child(item, 1)));
    CHECK(floe_arrow_builder_append_struct(item));
    /* The list entry holding it was never closed. */
    struct ArrowArray a;
    assert_int_equal(floe_arrow_builder_finish(b, &a), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "deep[]"));
    CHECK(floe_arrow_builder_append_list(deep));
    CHECK(floe_arrow_builder_finish_batch(b, &a, NULL));
    CHECK(floe_arrow_validate(&s, &a, 0));
    assert_int_equal(a.length, 1);
    a.release(&a);

    /* Map keys and values out of step. */
    floe_arrow_builder *scores = floe_arrow_builder_child(item, 1);
    CHECK(floe_arrow_builder_append_str(floe_arrow_builder_map_keys(scores), "k"));
    assert_int_equal(floe_arrow_builder_append_list(scores), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "1 keys but 0 values"));
    floe_arrow_builder_free(b);
    s.release(&s);

    /* Dictionary-encoded fields cannot be built; a map child must be a 2-field struct. */
    CHECK(floe_arrow_schema_init(&s, "i", "d", 0));
    CHECK(floe_arrow_schema_alloc_dictionary(&s));
    CHECK(floe_arrow_schema_init(s.dictionary, "u", "", 0));
    assert_int_equal(floe_arrow_builder_new(&b, &s), FLOE_EUNSUPPORTED);
    assert_null(b);
    s.release(&s);
    CHECK(floe_arrow_schema_init(&s, "+m", "m", 0));
    CHECK(floe_arrow_schema_alloc_children(&s, 1));
    CHECK(floe_arrow_schema_init(s.children[0], "i", "entries", 0));
    assert_int_equal(floe_arrow_builder_new(&b, &s), FLOE_EINVALID);
    s.release(&s);
}

static void test_builder_empty_and_null_type_arrays_validate(void **state)
{
    (void)state;
    static const char *const formats[] = {"b", "i", "u", "Z", "w:3", "d:5,2", "+s", "n"};
    for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
        floe_arrow_builder *b = leaf_builder(formats[f]);
        struct ArrowArray a;
        finish_and_validate(b, &a);
        assert_int_equal(a.length, 0);
        a.release(&a);
        floe_arrow_builder_free(b);
    }
    floe_arrow_builder *b = leaf_builder("n");
    CHECK(floe_arrow_builder_append_nulls(b, 5));
    assert_int_equal(floe_arrow_builder_append_empty(b), FLOE_EINVALID);
    struct ArrowArray a;
    finish_and_validate(b, &a);
    assert_int_equal(a.length, 5);
    assert_int_equal(a.null_count, 5);
    assert_int_equal(a.n_buffers, 0);
    a.release(&a);
    floe_arrow_builder_free(b);
}

static int build_once(const struct ArrowSchema *s)
{
    floe_arrow_builder *b;
    int rc = floe_arrow_builder_new(&b, s);
    if (rc < 0)
        return rc;
    rc = build_deep(b, 12);
    struct ArrowArray a;
    if (rc == 0)
        rc = floe_arrow_builder_finish_batch(b, &a, NULL);
    if (rc == 0) {
        rc = floe_arrow_validate(s, &a, 0);
        a.release(&a);
    }
    floe_arrow_builder_free(b);
    return rc;
}

/* Every allocation failure is reported as FLOE_ENOMEM and leaks nothing (checked by LSan). */
static void test_builder_allocation_failures_are_clean(void **state)
{
    (void)state;
    struct ArrowSchema s;
    make_deep_schema(&s);
    long n;
    for (n = 1; n < 2000; n++) {
        floe_alloc_fail_after(n);
        int rc = build_once(&s);
        floe_alloc_fail_after(0);
        if (rc == 0)
            break;
        if (rc != FLOE_ENOMEM)
            fail_msg("allocation %ld failing gave %d: %s", n, rc, floe_error_last());
    }
    assert_true(n > 20 && n < 2000);
    s.release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builder_integer_and_temporal_types_read_back),
        cmocka_unit_test(test_builder_rejects_out_of_range_and_wrong_kind),
        cmocka_unit_test(test_builder_bool_float_decimal_read_back),
        cmocka_unit_test(test_builder_strings_and_binaries_read_back),
        cmocka_unit_test(test_builder_bulk_values_with_validity),
        cmocka_unit_test(test_builder_record_batch_with_struct_column),
        cmocka_unit_test(test_builder_nested_list_struct_map_depth_3),
        cmocka_unit_test(test_builder_refuses_unclosed_entries),
        cmocka_unit_test(test_builder_empty_and_null_type_arrays_validate),
        cmocka_unit_test(test_builder_allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
