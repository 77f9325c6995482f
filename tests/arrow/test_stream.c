#include "test_support.h"

#include <errno.h>
#include <string.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/schema.h>
#include <floe/arrow/stream.h>
#include <floe/arrow/validate.h>
#include <floe/arrow/value.h>
#include <floe/error.h>

#define CHECK(expr)                                                                                \
    do {                                                                                           \
        int rc_ = (expr);                                                                          \
        if (rc_ != 0)                                                                              \
            fail_msg("%s failed (%d): %s", #expr, rc_, floe_error_last());                         \
    } while (0)

/* struct<id: int64, name: utf8> */
static void make_schema(struct ArrowSchema *s)
{
    CHECK(floe_arrow_schema_init(s, "+s", "", 0));
    CHECK(floe_arrow_schema_alloc_children(s, 2));
    CHECK(floe_arrow_schema_init(s->children[0], "l", "id", 0));
    CHECK(floe_arrow_schema_init(s->children[1], "u", "name", ARROW_FLAG_NULLABLE));
}

/* Batch k has k + 1 rows with ids 100 * k + i. */
static void make_batch(floe_arrow_builder *b, int k, struct ArrowArray *out)
{
    for (int i = 0; i <= k; i++) {
        CHECK(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), 100 * k + i));
        CHECK(floe_arrow_builder_append_str(floe_arrow_builder_child(b, 1), "row"));
    }
    CHECK(floe_arrow_builder_finish_batch(b, out, NULL));
}

static void test_stream_from_batches_yields_then_ends(void **state)
{
    (void)state;
    struct ArrowSchema s;
    make_schema(&s);
    floe_arrow_builder *b;
    CHECK(floe_arrow_builder_new(&b, &s));
    struct ArrowArray batches[3];
    for (int k = 0; k < 3; k++)
        make_batch(b, k, &batches[k]);
    floe_arrow_builder_free(b);

    struct ArrowArrayStream stream;
    CHECK(floe_arrow_stream_from_batches(&stream, &s, batches, 3));
    /* Ownership moved into the stream. */
    assert_null(s.release);
    for (int k = 0; k < 3; k++)
        assert_null(batches[k].release);

    struct ArrowSchema got;
    CHECK(floe_arrow_stream_get_schema(&stream, &got));
    assert_string_equal(got.children[1]->name, "name");
    for (int k = 0; k < 3; k++) {
        struct ArrowArray a;
        assert_int_equal(stream.get_next(&stream, &a), 0);
        assert_non_null(a.release);
        CHECK(floe_arrow_validate(&got, &a, 0));
        assert_int_equal(a.length, k + 1);
        assert_int_equal(floe_arrow_get_int64(a.children[0], k), 100 * k + k);
        a.release(&a);
    }
    struct ArrowArray end;
    assert_int_equal(stream.get_next(&stream, &end), 0);
    assert_null(end.release);
    /* The end is sticky. */
    CHECK(floe_arrow_stream_get_next(&stream, &end));
    assert_null(end.release);
    got.release(&got);
    stream.release(&stream);
    assert_null(stream.release);
}

static void test_stream_release_frees_unread_batches(void **state)
{
    (void)state;
    struct ArrowSchema s;
    make_schema(&s);
    floe_arrow_builder *b;
    CHECK(floe_arrow_builder_new(&b, &s));
    struct ArrowArray batches[2];
    make_batch(b, 4, &batches[0]);
    make_batch(b, 5, &batches[1]);
    floe_arrow_builder_free(b);
    struct ArrowArrayStream stream;
    CHECK(floe_arrow_stream_from_batches(&stream, &s, batches, 2));
    struct ArrowArray a;
    CHECK(floe_arrow_stream_get_next(&stream, &a));
    a.release(&a);
    /* One batch never read: LSan reports a leak if release does not free it. */
    floe_arrow_stream_release(&stream);
    floe_arrow_stream_release(&stream);

    /* A released batch is refused and nothing is moved. */
    make_schema(&s);
    struct ArrowArray released;
    memset(&released, 0, sizeof released);
    assert_int_equal(floe_arrow_stream_from_batches(&stream, &s, &released, 1), FLOE_EINVALID);
    assert_null(stream.release);
    assert_non_null(s.release);
    /* An empty stream ends at once. */
    CHECK(floe_arrow_stream_from_batches(&stream, &s, NULL, 0));
    CHECK(floe_arrow_stream_get_next(&stream, &a));
    assert_null(a.release);
    stream.release(&stream);
}

typedef struct counter {
    floe_arrow_builder *builder;
    int produced;
    int fail_at; /* batch index that fails, or -1 */
    int limit;
    int *freed;
} counter;

static int counter_next(void *state, struct ArrowArray *out)
{
    counter *c = state;
    if (c->produced == c->fail_at)
        return floe_error_set(FLOE_EIO, "reading part %d of 's3://bucket/x': connection reset",
                              c->produced);
    if (c->produced == c->limit)
        return 0;
    make_batch(c->builder, c->produced, out);
    c->produced++;
    return 0;
}

static void counter_free(void *state)
{
    counter *c = state;
    floe_arrow_builder_free(c->builder);
    (*c->freed)++;
}

static void test_stream_from_callback_ends_and_frees_state(void **state)
{
    (void)state;
    struct ArrowSchema s;
    make_schema(&s);
    int freed = 0;
    counter c = {NULL, 0, -1, 4, &freed};
    CHECK(floe_arrow_builder_new(&c.builder, &s));
    struct ArrowArrayStream stream;
    CHECK(floe_arrow_stream_from_callback(&stream, &s, counter_next, &c, counter_free));
    int batches = 0;
    int64_t rows = 0;
    for (;;) {
        struct ArrowArray a;
        CHECK(floe_arrow_stream_get_next(&stream, &a));
        if (!a.release)
            break;
        batches++;
        rows += a.length;
        a.release(&a);
    }
    assert_int_equal(batches, 4);
    assert_int_equal(rows, 1 + 2 + 3 + 4);
    /* After the end the callback is not called again. */
    struct ArrowArray a;
    CHECK(floe_arrow_stream_get_next(&stream, &a));
    assert_null(a.release);
    assert_int_equal(c.produced, 4);
    assert_int_equal(freed, 0);
    stream.release(&stream);
    assert_int_equal(freed, 1);
}

static void test_stream_callback_error_carries_floe_message(void **state)
{
    (void)state;
    struct ArrowSchema s;
    make_schema(&s);
    int freed = 0;
    counter c = {NULL, 0, 2, 10, &freed};
    CHECK(floe_arrow_builder_new(&c.builder, &s));
    struct ArrowArrayStream stream;
    CHECK(floe_arrow_stream_from_callback(&stream, &s, counter_next, &c, counter_free));
    struct ArrowArray a;
    for (int k = 0; k < 2; k++) {
        assert_int_equal(stream.get_next(&stream, &a), 0);
        a.release(&a);
    }
    /* The raw C interface: an errno and get_last_error with floe's message. */
    assert_int_equal(stream.get_next(&stream, &a), EIO);
    assert_null(a.release);
    assert_string_equal(stream.get_last_error(&stream),
                        "reading part 2 of 's3://bucket/x': connection reset");
    /* The error is sticky; the consumer helper turns it back into a floe error. */
    floe_error_clear();
    assert_int_equal(floe_arrow_stream_get_next(&stream, &a), FLOE_EIO);
    assert_string_equal(floe_error_last(), "Arrow stream get_next failed: reading part 2 of "
                                           "'s3://bucket/x': connection reset");
    assert_int_equal(c.produced, 2);
    stream.release(&stream);
    assert_int_equal(freed, 1);
}

static void test_stream_errno_mapping(void **state)
{
    (void)state;
    assert_int_equal(floe_arrow_errno_from_floe(0), 0);
    assert_int_equal(floe_arrow_errno_from_floe(FLOE_ENOMEM), ENOMEM);
    assert_int_equal(floe_arrow_errno_from_floe(FLOE_EINVALID), EINVAL);
    assert_int_equal(floe_arrow_errno_from_floe(FLOE_EUNSUPPORTED), ENOSYS);
    assert_int_equal(floe_arrow_errno_from_floe(FLOE_ERROR), EIO);
    assert_int_equal(floe_arrow_floe_from_errno(ENOMEM), FLOE_ENOMEM);
    assert_int_equal(floe_arrow_floe_from_errno(EINVAL), FLOE_EINVALID);
    assert_int_equal(floe_arrow_floe_from_errno(EIO), FLOE_EIO);
    assert_int_equal(floe_arrow_floe_from_errno(12345), FLOE_ERROR);
    assert_int_equal(floe_arrow_floe_from_errno(0), 0);
    /* Every floe error is a non-zero errno, and maps back to an error. */
    for (int code = -1; code >= FLOE_ERROR_CODE_MIN; code--) {
        int e = floe_arrow_errno_from_floe(code);
        assert_true(e > 0);
        assert_true(floe_arrow_floe_from_errno(e) < 0);
    }
    static const int round_trip[] = {
        FLOE_ENOMEM,   FLOE_EINVALID,   FLOE_ENOTFOUND, FLOE_EUNSUPPORTED, FLOE_EPERM,
        FLOE_ETIMEOUT, FLOE_ECANCELLED, FLOE_ERANGE,    FLOE_EEXISTS,      FLOE_EIO};
    for (size_t i = 0; i < sizeof round_trip / sizeof round_trip[0]; i++)
        assert_int_equal(floe_arrow_floe_from_errno(floe_arrow_errno_from_floe(round_trip[i])),
                         round_trip[i]);
    /* A schema-less or callback-less stream is refused. */
    struct ArrowArrayStream stream;
    struct ArrowSchema s;
    memset(&s, 0, sizeof s);
    assert_int_equal(floe_arrow_stream_from_callback(&stream, &s, counter_next, NULL, NULL),
                     FLOE_EINVALID);
    make_schema(&s);
    assert_int_equal(floe_arrow_stream_from_callback(&stream, &s, NULL, NULL, NULL), FLOE_EINVALID);
    assert_null(stream.release);
    s.release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_from_batches_yields_then_ends),
        cmocka_unit_test(test_stream_release_frees_unread_batches),
        cmocka_unit_test(test_stream_from_callback_ends_and_frees_state),
        cmocka_unit_test(test_stream_callback_error_carries_floe_message),
        cmocka_unit_test(test_stream_errno_mapping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
