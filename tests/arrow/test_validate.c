#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
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

/* Fails unless validation reports FLOE_EINVALID with exactly/containing `want`. */
#define EXPECT_INVALID(schema, array, want)                                                        \
    do {                                                                                           \
        int rc_ = floe_arrow_validate((schema), (array), FLOE_ARROW_VALIDATE_UTF8);                \
        if (rc_ != FLOE_EINVALID || !strstr(floe_error_last(), (want)))                            \
            fail_msg("expected FLOE_EINVALID with \"%s\", got %d: \"%s\"", (want), rc_,            \
                     floe_error_last());                                                           \
    } while (0)

#define EXPECT_INVALID_FLAGS(schema, array, flags, want)                                           \
    do {                                                                                           \
        int rc_ = floe_arrow_validate((schema), (array), (flags));                                 \
        if (rc_ != FLOE_EINVALID || !strstr(floe_error_last(), (want)))                            \
            fail_msg("expected FLOE_EINVALID with \"%s\", got %d: \"%s\"", (want), rc_,            \
                     floe_error_last());                                                           \
    } while (0)

/* The table used by every case:
 *   a: struct<b: list<utf8>, n: int32>, m: map<utf8, int64>, s: utf8
 * with 10 rows. */
typedef struct fixture {
    struct ArrowSchema schema;
    struct ArrowArray array;
} fixture;

static void make_schema(struct ArrowSchema *s)
{
    CHECK(floe_arrow_schema_init(s, "+s", "", 0));
    CHECK(floe_arrow_schema_alloc_children(s, 3));
    struct ArrowSchema *a = s->children[0];
    CHECK(floe_arrow_schema_init(a, "+s", "a", ARROW_FLAG_NULLABLE));
    CHECK(floe_arrow_schema_alloc_children(a, 2));
    CHECK(floe_arrow_schema_init(a->children[0], "+l", "b", ARROW_FLAG_NULLABLE));
    CHECK(floe_arrow_schema_alloc_children(a->children[0], 1));
    CHECK(floe_arrow_schema_init(a->children[0]->children[0], "u", "item", ARROW_FLAG_NULLABLE));
    CHECK(floe_arrow_schema_init(a->children[1], "i", "n", ARROW_FLAG_NULLABLE));
    struct ArrowSchema *m = s->children[1];
    CHECK(floe_arrow_schema_init(m, "+m", "m", ARROW_FLAG_NULLABLE));
    CHECK(floe_arrow_schema_alloc_children(m, 1));
    CHECK(floe_arrow_schema_init(m->children[0], "+s", "entries", 0));
    CHECK(floe_arrow_schema_alloc_children(m->children[0], 2));
    CHECK(floe_arrow_schema_init(m->children[0]->children[0], "u", "key", 0));
    CHECK(floe_arrow_schema_init(m->children[0]->children[1], "l", "value", ARROW_FLAG_NULLABLE));
    CHECK(floe_arrow_schema_init(s->children[2], "u", "s", ARROW_FLAG_NULLABLE));
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    make_schema(&f->schema);
    floe_arrow_builder *b;
    CHECK(floe_arrow_builder_new(&b, &f->schema));
    floe_arrow_builder *a = floe_arrow_builder_child(b, 0);
    floe_arrow_builder *list = floe_arrow_builder_child(a, 0);
    floe_arrow_builder *item = floe_arrow_builder_child(list, 0);
    floe_arrow_builder *n = floe_arrow_builder_child(a, 1);
    floe_arrow_builder *m = floe_arrow_builder_child(b, 1);
    floe_arrow_builder *s = floe_arrow_builder_child(b, 2);
    char buf[16];
    for (int r = 0; r < 10; r++) {
        for (int j = 0; j < r % 3; j++) {
            snprintf(buf, sizeof buf, "x%d%d", r, j);
            CHECK(floe_arrow_builder_append_str(item, buf));
        }
        CHECK(floe_arrow_builder_append_list(list));
        CHECK(r % 4 == 0 ? floe_arrow_builder_append_null(n) : floe_arrow_builder_append_int(n, r));
        CHECK(floe_arrow_builder_append_struct(a));
        if (r % 2) {
            CHECK(floe_arrow_builder_append_str(floe_arrow_builder_map_keys(m), "k"));
            CHECK(floe_arrow_builder_append_int(floe_arrow_builder_map_values(m), r));
        }
        CHECK(floe_arrow_builder_append_list(m));
        snprintf(buf, sizeof buf, "str %d", r);
        CHECK(floe_arrow_builder_append_str(s, buf));
    }
    CHECK(floe_arrow_builder_finish_batch(b, &f->array, NULL));
    floe_arrow_builder_free(b);
    CHECK(floe_arrow_validate(&f->schema, &f->array, FLOE_ARROW_VALIDATE_UTF8));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    floe_arrow_array_release(&f->array);
    floe_arrow_schema_release(&f->schema);
    free(f);
    return 0;
}

static struct ArrowArray *col_a(fixture *f)
{
    return f->array.children[0];
}

static struct ArrowArray *col_b_items(fixture *f)
{
    return col_a(f)->children[0]->children[0];
}

static void test_validate_accepts_builder_output_and_slices(void **state)
{
    fixture *f = *state;
    CHECK(floe_arrow_validate(&f->schema, &f->array, 0));
    CHECK(floe_arrow_validate_schema(&f->schema));
    /* A slice of the batch (offset into its children) is still valid. */
    f->array.offset = 1;
    f->array.length = 9;
    CHECK(floe_arrow_validate(&f->schema, &f->array, 0));
    f->array.offset = 0;
    f->array.length = 10;
    /* A sliced column's null_count counts only its own range; unknown (-1) is allowed. */
    struct ArrowArray *s = f->array.children[2];
    struct ArrowArray *n = col_a(f)->children[1];
    struct ArrowArray saved = *n;
    /* Children longer than their parent needs are fine. */
    f->array.length = 9;
    CHECK(floe_arrow_validate(&f->schema, &f->array, 0));
    n->offset = 1;
    n->null_count = 2;
    col_a(f)->length = 9;
    s->length = 9;
    f->array.length = 9;
    n->length = 9;
    CHECK(floe_arrow_validate(&f->schema, &f->array, 0));
    n->null_count = -1;
    CHECK(floe_arrow_validate(&f->schema, &f->array, 0));
    assert_int_equal(floe_arrow_array_null_count(n), 2);
    *n = saved;
    col_a(f)->length = 10;
    s->length = 10;
    f->array.length = 10;
}

/* A slice is checked over the rows it shows: damage beyond the window is unreachable (and a
 * writer slicing a large batch does not pay for re-checking all of it); damage inside is
 * found, and so is a child too short for the window. */
static void test_validate_checks_a_slice_over_its_window(void **state)
{
    fixture *f = *state;
    struct ArrowArray *s = f->array.children[2];
    int32_t *off = (int32_t *)s->buffers[1];
    int32_t saved = off[9];
    off[9] = off[8] - 1; /* value 8 has a negative length */
    EXPECT_INVALID(&f->schema, &f->array, "column 's': offsets decrease at index 9");
    f->array.offset = 2;
    f->array.length = 3; /* rows 2..4 */
    CHECK(floe_arrow_validate(&f->schema, &f->array, FLOE_ARROW_VALIDATE_UTF8));
    f->array.offset = 6;
    f->array.length = 4; /* rows 6..9 reach the damage */
    EXPECT_INVALID(&f->schema, &f->array, "column 's': offsets decrease at index 3");
    off[9] = saved;
    CHECK(floe_arrow_validate(&f->schema, &f->array, FLOE_ARROW_VALIDATE_UTF8));
    int64_t len = s->length;
    s->length = 8; /* shorter than offset 6 + length 4 */
    EXPECT_INVALID(&f->schema, &f->array,
                   "column 's': child length 8 is shorter than its parent's offset + length 10");
    s->length = len;
    f->array.offset = 0;
    f->array.length = 10;
}

static void test_validate_rejects_decreasing_offsets_with_path(void **state)
{
    fixture *f = *state;
    int32_t *off = (int32_t *)col_b_items(f)->buffers[1];
    int32_t saved = off[7];
    off[7] = 1000;
    EXPECT_INVALID(&f->schema, &f->array, "column 'a.b[]': offsets decrease at index 8");
    assert_string_equal(floe_error_last(),
                        "column 'a.b[]': offsets decrease at index 8 (24 after 1000)");
    off[7] = saved;
    off[0] = -1;
    EXPECT_INVALID(&f->schema, &f->array, "column 'a.b[]': first offset -1 is negative");
    off[0] = 0;
}

static void test_validate_rejects_list_offsets_past_child(void **state)
{
    fixture *f = *state;
    struct ArrowArray *list = col_a(f)->children[0];
    int32_t *off = (int32_t *)list->buffers[1];
    int32_t saved = off[10];
    off[10] = 50;
    EXPECT_INVALID(&f->schema, &f->array,
                   "column 'a.b': last offset 50 is beyond the child's length 9");
    off[10] = saved;
}

static void test_validate_rejects_bad_lengths_and_offsets(void **state)
{
    fixture *f = *state;
    struct ArrowArray *s = f->array.children[2];
    struct ArrowArray saved = *s;
    s->length = -1;
    EXPECT_INVALID(&f->schema, &f->array, "column 's': negative length -1");
    *s = saved;
    s->offset = -3;
    EXPECT_INVALID(&f->schema, &f->array, "column 's': negative offset -3");
    *s = saved;
    s->offset = INT64_MAX;
    EXPECT_INVALID(&f->schema, &f->array,
                   "column 's': offset 9223372036854775807 + length 10 "
                   "overflows");
    *s = saved;
    s->null_count = 11;
    EXPECT_INVALID(&f->schema, &f->array, "column 's': null_count 11 is outside -1..length");
    *s = saved;
    s->null_count = -2;
    EXPECT_INVALID(&f->schema, &f->array, "null_count -2");
    *s = saved;
    /* The struct column is shorter than the record batch. */
    struct ArrowArray *a = col_a(f);
    saved = *a;
    a->length = 4;
    EXPECT_INVALID(&f->schema, &f->array,
                   "column 'a': child length 4 is shorter than its parent's offset + length 10");
    *a = saved;
    f->array.offset = 2;
    EXPECT_INVALID(&f->schema, &f->array, "shorter than its parent's offset + length 12");
    f->array.offset = 0;
}

static void test_validate_rejects_buffer_and_child_counts(void **state)
{
    fixture *f = *state;
    struct ArrowArray *s = f->array.children[2];
    struct ArrowArray saved = *s;
    s->n_buffers = 2;
    EXPECT_INVALID(&f->schema, &f->array, "column 's': utf8 array must have 3 buffers, has 2");
    *s = saved;
    struct ArrowArray *a = col_a(f);
    saved = *a;
    a->n_children = 1;
    EXPECT_INVALID(&f->schema, &f->array, "column 'a': array has 1 children but its schema has 2");
    *a = saved;
    struct ArrowArray *keep = a->children[1];
    a->children[1] = NULL;
    EXPECT_INVALID(&f->schema, &f->array, "column 'a': child 1 is NULL");
    a->children[1] = keep;
    a->children = NULL;
    EXPECT_INVALID(&f->schema, &f->array, "column 'a': children array is NULL");
    *a = saved;
    const void **buffers = s->buffers;
    s->buffers = NULL;
    EXPECT_INVALID(&f->schema, &f->array, "column 's': buffers array is NULL");
    s->buffers = buffers;
}

static void test_validate_rejects_null_buffers_and_wrong_null_counts(void **state)
{
    fixture *f = *state;
    struct ArrowArray *n = col_a(f)->children[1];
    const void *validity = n->buffers[0];
    n->buffers[0] = NULL;
    EXPECT_INVALID(&f->schema, &f->array,
                   "column 'a.n': validity buffer is NULL but null_count is 3");
    n->buffers[0] = validity;
    n->null_count = 1;
    EXPECT_INVALID(&f->schema, &f->array,
                   "column 'a.n': null_count is 1 but the validity bitmap has 3 nulls");
    n->null_count = 3;
    const void *values = n->buffers[1];
    n->buffers[1] = NULL;
    EXPECT_INVALID(&f->schema, &f->array, "column 'a.n': values buffer is NULL with length 10");
    n->buffers[1] = values;

    struct ArrowArray *s = f->array.children[2];
    const void *data = s->buffers[2];
    s->buffers[2] = NULL;
    EXPECT_INVALID(&f->schema, &f->array, "column 's': data buffer is NULL but values hold");
    s->buffers[2] = data;
    const void *offsets = s->buffers[1];
    s->buffers[1] = NULL;
    EXPECT_INVALID(&f->schema, &f->array, "column 's': offsets buffer is NULL with length 10");
    s->buffers[1] = offsets;
}

static void test_validate_rejects_released_and_null_arrays(void **state)
{
    fixture *f = *state;
    struct ArrowArray *s = f->array.children[2];
    void (*release)(struct ArrowArray *) = s->release;
    s->release = NULL;
    EXPECT_INVALID(&f->schema, &f->array, "column 's': array is released");
    s->release = release;
    EXPECT_INVALID(&f->schema, NULL, "record batch: array is NULL");
}

static void test_validate_rejects_invalid_utf8(void **state)
{
    fixture *f = *state;
    struct ArrowArray *s = f->array.children[2];
    uint8_t *data = (uint8_t *)s->buffers[2];
    int32_t at = ((const int32_t *)s->buffers[1])[6];
    uint8_t saved = data[at];
    data[at] = 0xc3; /* a lead byte followed by ASCII */
    EXPECT_INVALID(&f->schema, &f->array, "column 's': value at index 6 is not valid UTF-8");
    /* Without the UTF-8 flag the bytes are not read. */
    CHECK(floe_arrow_validate(&f->schema, &f->array, 0));
    data[at] = 0xed; /* "\xed\x74\x72": not a continuation */
    EXPECT_INVALID(&f->schema, &f->array, "not valid UTF-8");
    data[at] = saved;
}

static void test_validate_rejects_map_layout_and_key_nulls(void **state)
{
    fixture *f = *state;
    struct ArrowSchema *key = f->schema.children[1]->children[0]->children[0];
    key->flags = ARROW_FLAG_NULLABLE;
    EXPECT_INVALID(&f->schema, &f->array, "column 'm{}.key': map keys must not be nullable");
    assert_int_equal(floe_arrow_validate_schema(&f->schema), FLOE_EINVALID);
    key->flags = 0;

    struct ArrowArray *keys = f->array.children[1]->children[0]->children[0];
    /* Give the keys a validity bitmap with one null. */
    uint8_t bits[1] = {0x1e};
    const void *saved = keys->buffers[0];
    keys->buffers[0] = bits;
    keys->null_count = 1;
    EXPECT_INVALID(&f->schema, &f->array, "column 'm{}.key': map keys contain nulls");
    keys->buffers[0] = saved;
    keys->null_count = 0;

    struct ArrowSchema *entries = f->schema.children[1]->children[0];
    CHECK(floe_arrow_schema_set_format(entries, "+l"));
    EXPECT_INVALID(&f->schema, &f->array,
                   "column 'm': map child must be a struct of exactly two fields");
    CHECK(floe_arrow_schema_set_format(entries, "+s"));
}

static void test_validate_rejects_bad_schemas(void **state)
{
    fixture *f = *state;
    struct ArrowSchema *n = f->schema.children[0]->children[1];
    CHECK(floe_arrow_schema_set_format(n, "q"));
    EXPECT_INVALID(&f->schema, &f->array, "column 'a.n': invalid Arrow format string 'q'");
    CHECK(floe_arrow_schema_set_format(n, "vu"));
    assert_int_equal(floe_arrow_validate(&f->schema, &f->array, 0), FLOE_EUNSUPPORTED);
    /* An int64 schema over int32 data is not detectable from sizes, but a type with a
     * different buffer count is. */
    CHECK(floe_arrow_schema_set_format(n, "u"));
    EXPECT_INVALID(&f->schema, &f->array, "column 'a.n': utf8 array must have 3 buffers, has 2");
    CHECK(floe_arrow_schema_set_format(n, "i"));

    struct ArrowSchema *list = f->schema.children[0]->children[0];
    int64_t saved = list->n_children;
    list->n_children = 2;
    EXPECT_INVALID(&f->schema, &f->array, "column 'a.b': list schema must have 1 children, has 2");
    list->n_children = saved;
    struct ArrowSchema *keep = list->children[0];
    list->children[0] = NULL;
    EXPECT_INVALID(&f->schema, &f->array, "column 'a.b[]': schema child 0 is NULL");
    list->children[0] = keep;
    assert_int_equal(floe_arrow_validate(NULL, &f->array, 0), FLOE_EINVALID);
}

static void test_validate_rejects_deep_nesting(void **state)
{
    (void)state;
    /* 80 nested lists: refused by depth, not by a stack overflow. */
    struct ArrowSchema root;
    CHECK(floe_arrow_schema_init(&root, "+l", "deep", 0));
    struct ArrowSchema *cur = &root;
    for (int i = 0; i < 80; i++) {
        CHECK(floe_arrow_schema_alloc_children(cur, 1));
        CHECK(floe_arrow_schema_init(cur->children[0], i == 79 ? "i" : "+l", "x", 0));
        cur = cur->children[0];
    }
    assert_int_equal(floe_arrow_validate_schema(&root), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "nested deeper than 64 levels"));
    root.release(&root);
}

static void test_validate_checks_dictionaries(void **state)
{
    (void)state;
    struct ArrowSchema s;
    CHECK(floe_arrow_schema_init(&s, "s", "city", ARROW_FLAG_NULLABLE));
    CHECK(floe_arrow_schema_alloc_dictionary(&s));
    CHECK(floe_arrow_schema_init(s.dictionary, "u", "", 0));

    struct ArrowSchema idx_schema, dict_schema;
    CHECK(floe_arrow_schema_init(&idx_schema, "s", "city", ARROW_FLAG_NULLABLE));
    CHECK(floe_arrow_schema_init(&dict_schema, "u", "", 0));
    floe_arrow_builder *ib, *db;
    CHECK(floe_arrow_builder_new(&ib, &idx_schema));
    CHECK(floe_arrow_builder_new(&db, &dict_schema));
    CHECK(floe_arrow_builder_append_str(db, "Oslo"));
    CHECK(floe_arrow_builder_append_str(db, "Lima"));
    CHECK(floe_arrow_builder_append_int(ib, 1));
    CHECK(floe_arrow_builder_append_null(ib));
    CHECK(floe_arrow_builder_append_int(ib, 0));
    struct ArrowArray a;
    CHECK(floe_arrow_builder_finish(ib, &a));

    /* The schema says dictionary-encoded but the array carries no dictionary. */
    EXPECT_INVALID(&s, &a,
                   "column 'city': schema is dictionary-encoded but the array has no "
                   "dictionary");
    a.dictionary = floe_calloc(1, sizeof *a.dictionary);
    assert_non_null(a.dictionary);
    CHECK(floe_arrow_builder_finish(db, a.dictionary));
    CHECK(floe_arrow_validate(&s, &a, FLOE_ARROW_VALIDATE_UTF8));
    floe_arrow_type t;
    CHECK(floe_arrow_type_from_schema(&t, &s));
    assert_true(t.is_dictionary);
    assert_int_equal(t.index_id, FLOE_ARROW_TYPE_INT16);

    int16_t *idx = (int16_t *)a.buffers[1];
    idx[2] = 2;
    EXPECT_INVALID(&s, &a,
                   "column 'city': dictionary index 2 at index 2 is outside the "
                   "dictionary of 2 values");
    idx[2] = -1;
    EXPECT_INVALID(&s, &a, "dictionary index -1 at index 2");
    /* The null slot's index is never read. */
    idx[2] = 0;
    idx[1] = 99;
    CHECK(floe_arrow_validate(&s, &a, 0));
    /* An array with a dictionary its schema does not declare. */
    EXPECT_INVALID(&idx_schema, &a, "array has a dictionary but its schema is not");

    a.release(&a);
    floe_arrow_builder_free(ib);
    floe_arrow_builder_free(db);
    s.release(&s);
    idx_schema.release(&idx_schema);
    dict_schema.release(&dict_schema);
}

static void test_validate_large_offsets_must_fit(void **state)
{
    (void)state;
    struct ArrowSchema s;
    CHECK(floe_arrow_schema_init(&s, "Z", "blob", 0));
    floe_arrow_builder *b;
    CHECK(floe_arrow_builder_new(&b, &s));
    CHECK(floe_arrow_builder_append_str(b, "ab"));
    struct ArrowArray a;
    CHECK(floe_arrow_builder_finish(b, &a));
    CHECK(floe_arrow_validate(&s, &a, 0));
    int64_t *off = (int64_t *)a.buffers[1];
    off[1] = INT64_MAX;
    EXPECT_INVALID(&s, &a, "column 'blob': last offset 9223372036854775807 does not fit");
    off[1] = 2;
    a.release(&a);
    floe_arrow_builder_free(b);
    s.release(&s);
}

/* Reads every value the fixture exposes, as a writer would after validation. ASan turns any
 * out-of-bounds read into a failure; the explicit asserts check the bounds the validator
 * promised. */
static void read_everything(fixture *f)
{
    const struct ArrowArray *root = &f->array;
    const struct ArrowArray *a = root->children[0], *list = a->children[0];
    const struct ArrowArray *items = list->children[0], *n = a->children[1];
    const struct ArrowArray *m = root->children[1], *entries = m->children[0];
    const struct ArrowArray *keys = entries->children[0], *vals = entries->children[1];
    const struct ArrowArray *s = root->children[2];
    int64_t sum = 0;
    for (int64_t r = 0; r < root->length; r++) {
        int64_t i = root->offset + r;
        int64_t s0, s1;
        floe_arrow_get_list_range(list, 0, i, &s0, &s1);
        assert_true(s0 >= 0 && s0 <= s1 && s1 <= items->length);
        for (int64_t k = s0; k < s1; k++) {
            if (floe_arrow_is_valid(items, k))
                sum += floe_arrow_get_bytes(items, k).len;
        }
        if (floe_arrow_is_valid(n, i))
            sum += floe_arrow_get_int32(n, i);
        floe_arrow_get_list_range(m, 0, i, &s0, &s1);
        assert_true(s0 >= 0 && s0 <= s1 && s1 <= entries->length);
        for (int64_t k = s0; k < s1; k++) {
            floe_arrow_bytes kb = floe_arrow_get_bytes(keys, k);
            sum += kb.len ? kb.data[0] : 0;
            sum += floe_arrow_get_int64(vals, k);
        }
        floe_arrow_bytes sb = floe_arrow_get_bytes(s, i);
        sum += sb.len ? sb.data[sb.len - 1] : 0;
    }
    assert_true(sum >= 0);
}

/* Corrupts one offset, bitmap byte or null count at a time (within the buffers, so that a
 * correct consumer could notice), thousands of times: each outcome is either FLOE_EINVALID
 * or an array whose every value reads back in bounds. */
static void test_validate_random_corruptions_never_crash(void **state)
{
    fixture *f = *state;
    struct ArrowArray *a = col_a(f);
    struct ArrowArray *list = a->children[0], *items = list->children[0], *n = a->children[1];
    struct ArrowArray *m = f->array.children[1], *keys = m->children[0]->children[0];
    struct ArrowArray *s = f->array.children[2];
    struct {
        struct ArrowArray *arr;
        int32_t lo, hi;
    } targets[] = {
        {list, -3, 12}, {items, -1, 27}, {m, -2, 7}, {keys, 0, 5}, {s, -1, 50},
    };
    uint32_t seed = 12345;
    int accepted = 0, rejected = 0;
    for (int iter = 0; iter < 4000; iter++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t r = seed >> 8;
        int kind = (int)(r % 7);
        if (kind < 5) {
            struct ArrowArray *t = targets[kind].arr;
            int32_t *off = (int32_t *)t->buffers[1];
            int64_t idx = (int64_t)((r >> 3) % (uint32_t)(t->length + 1));
            int32_t span = targets[kind].hi - targets[kind].lo + 1;
            int32_t saved = off[idx];
            off[idx] = targets[kind].lo + (int32_t)((r >> 11) % (uint32_t)span);
            int rc = floe_arrow_validate(&f->schema, &f->array, FLOE_ARROW_VALIDATE_UTF8);
            assert_true(rc == 0 || rc == FLOE_EINVALID);
            if (rc == 0)
                read_everything(f);
            rc == 0 ? accepted++ : rejected++;
            off[idx] = saved;
        } else if (kind == 5) {
            uint8_t *bits = (uint8_t *)n->buffers[0];
            uint8_t saved = bits[0];
            bits[0] ^= (uint8_t)(1u << ((r >> 3) % 8));
            int rc = floe_arrow_validate(&f->schema, &f->array, 0);
            assert_int_equal(rc, FLOE_EINVALID);
            rejected++;
            bits[0] = saved;
        } else {
            int64_t saved = n->null_count;
            n->null_count = (int64_t)((r >> 3) % 15) - 2;
            int rc = floe_arrow_validate(&f->schema, &f->array, 0);
            assert_int_equal(rc, n->null_count == 3 || n->null_count == -1 ? 0 : FLOE_EINVALID);
            rc == 0 ? accepted++ : rejected++;
            n->null_count = saved;
        }
    }
    CHECK(floe_arrow_validate(&f->schema, &f->array, FLOE_ARROW_VALIDATE_UTF8));
    assert_true(accepted > 100);
    assert_true(rejected > 1000);
}

static void test_validate_nullability_is_opt_in(void **state)
{
    fixture *f = *state;
    /* The int column 'a.n' holds 3 nulls: fine while nullable, or without the flag. */
    CHECK(floe_arrow_validate(&f->schema, &f->array, FLOE_ARROW_VALIDATE_NULLABILITY));
    f->schema.children[0]->children[1]->flags = 0;
    CHECK(floe_arrow_validate(&f->schema, &f->array, 0));
    EXPECT_INVALID_FLAGS(&f->schema, &f->array, FLOE_ARROW_VALIDATE_NULLABILITY,
                         "column 'a.n': field is not nullable but holds 3 nulls");
    /* An unknown null count is counted from the bitmap. */
    col_a(f)->children[1]->null_count = -1;
    EXPECT_INVALID_FLAGS(&f->schema, &f->array, FLOE_ARROW_VALIDATE_NULLABILITY, "holds 3 nulls");
    col_a(f)->children[1]->null_count = 3;
    f->schema.children[0]->children[1]->flags = ARROW_FLAG_NULLABLE;
}

static void noop_release(struct ArrowArray *a)
{
    a->release = NULL;
}

/* Arrays made by hand, as a foreign producer would: zero-length arrays may omit buffers; a
 * fixed-size binary slice whose end overflows is refused. */
static void test_validate_hand_built_foreign_arrays(void **state)
{
    (void)state;
    struct ArrowSchema s;
    CHECK(floe_arrow_schema_init(&s, "u", "name", ARROW_FLAG_NULLABLE));
    const void *no_buffers[3] = {NULL, NULL, NULL};
    struct ArrowArray a;
    memset(&a, 0, sizeof a);
    a.n_buffers = 3;
    a.buffers = no_buffers;
    a.release = noop_release;
    CHECK(floe_arrow_validate(&s, &a, FLOE_ARROW_VALIDATE_UTF8));

    /* Offsets from a foreign producer starting above zero (a slice of a bigger buffer). */
    static const int32_t offsets[] = {3, 5, 5, 8};
    static const char data[] = "xyzabcde";
    const void *bufs[3] = {NULL, offsets, data};
    a.length = 3;
    a.buffers = bufs;
    CHECK(floe_arrow_validate(&s, &a, FLOE_ARROW_VALIDATE_UTF8));
    floe_arrow_bytes v = floe_arrow_get_bytes(&a, 2);
    assert_int_equal(v.len, 3);
    assert_memory_equal(v.data, "cde", 3);
    s.release(&s);

    CHECK(floe_arrow_schema_init(&s, "w:16", "uuid", 0));
    static const uint8_t values[32];
    const void *fbufs[2] = {NULL, values};
    memset(&a, 0, sizeof a);
    a.n_buffers = 2;
    a.buffers = fbufs;
    a.release = noop_release;
    a.length = 2;
    CHECK(floe_arrow_validate(&s, &a, 0));
    a.offset = INT64_MAX / 16;
    EXPECT_INVALID(&s, &a, "column 'uuid': offset + length overflows the values buffer size");
    a.offset = 0;
    fbufs[1] = NULL;
    EXPECT_INVALID(&s, &a, "column 'uuid': values buffer is NULL with length 2");
    s.release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_validate_accepts_builder_output_and_slices, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_validate_checks_a_slice_over_its_window, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_validate_rejects_decreasing_offsets_with_path, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_validate_rejects_list_offsets_past_child, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_validate_rejects_bad_lengths_and_offsets, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_validate_rejects_buffer_and_child_counts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_validate_rejects_null_buffers_and_wrong_null_counts,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_validate_rejects_released_and_null_arrays, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_validate_rejects_invalid_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validate_rejects_map_layout_and_key_nulls, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_validate_rejects_bad_schemas, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validate_random_corruptions_never_crash, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_validate_nullability_is_opt_in, setup, teardown),
        cmocka_unit_test(test_validate_rejects_deep_nesting),
        cmocka_unit_test(test_validate_checks_dictionaries),
        cmocka_unit_test(test_validate_large_offsets_must_fit),
        cmocka_unit_test(test_validate_hand_built_foreign_arrays),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
