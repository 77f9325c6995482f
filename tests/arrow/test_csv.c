/* CSV to Arrow typed by a schema (floe/arrow/csv.h): every supported type, nulls versus empty
 * strings, quoting across lines, CRLF, header matching, batching, and hostile input (bad
 * values, field counts, unterminated quotes, oversized records, unsupported types) rejected
 * with the source, line and column. */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/arrow/csv.h>
#include <floe/arrow/decimal.h>
#include <floe/arrow/schema.h>
#include <floe/arrow/stream.h>
#include <floe/arrow/value.h>
#include <floe/error.h>

#include "base/alloc.h"

struct col {
    const char *format, *name;
    int nullable;
};

static void make_schema(struct ArrowSchema *s, const struct col *cols, int64_t n)
{
    assert_int_equal(floe_arrow_schema_init(s, "+s", "", 0), 0);
    assert_int_equal(floe_arrow_schema_alloc_children(s, n), 0);
    for (int64_t i = 0; i < n; i++)
        assert_int_equal(floe_arrow_schema_init(s->children[i], cols[i].format, cols[i].name,
                                                cols[i].nullable ? ARROW_FLAG_NULLABLE : 0),
                         0);
}

static const struct col all_types[] = {
    {"l", "id", 0},    {"b", "flag", 1},     {"i", "n32", 1},   {"s", "n16", 1},
    {"g", "x", 1},     {"d:10,2", "amt", 1}, {"tdD", "day", 1}, {"ttu", "at", 1},
    {"tsu:", "ts", 1}, {"tsn:UTC", "tn", 1}, {"u", "name", 1},  {"z", "raw", 1},
};

/* Opens `text` as CSV with the all-types schema. */
static int open_text(struct ArrowArrayStream *out, const char *text, const floe_csv_options *o)
{
    struct ArrowSchema s;
    make_schema(&s, all_types, sizeof all_types / sizeof all_types[0]);
    FILE *f = fmemopen((void *)text, strlen(text), "rb");
    assert_non_null(f);
    int rc = floe_csv_stream_from_file(out, &s, f, o);
    s.release(&s);
    return rc;
}

/* Reads the stream to its end; returns the first error (0 at a clean end), counting rows. */
static int drain(struct ArrowArrayStream *s, int64_t *rows, int64_t *batches)
{
    *rows = 0;
    if (batches)
        *batches = 0;
    for (;;) {
        struct ArrowArray b;
        int rc = floe_arrow_stream_get_next(s, &b);
        if (rc)
            return rc;
        if (!b.release)
            return 0;
        *rows += b.length;
        if (batches)
            (*batches)++;
        b.release(&b);
    }
}

static void test_csv_reads_every_type(void **state)
{
    (void)state;
    const char *text =
        "name,id,flag,n32,n16,x,amt,day,at,ts,tn,raw\r\n"
        "\"a, \"\"quoted\"\"\nname\",1,true,-5,7,2.5,12.34,2024-02-29,13:45:00.5,"
        "2024-01-01T00:00:00Z,2024-01-01T00:00:00.000000001+00:00,bytes\r\n"
        "\"\",2,0,,,,-0.5,,,,,\n"
        "\n"
        "plain,3,FALSE,2147483647,-32768,1e3,7,1970-01-01,00:00:00,1970-01-01T00:00:01,"
        "1970-01-01T00:00:00Z,x\n";
    struct ArrowArrayStream s;
    assert_int_equal(open_text(&s, text, NULL), 0);
    struct ArrowArray b;
    assert_int_equal(floe_arrow_stream_get_next(&s, &b), 0);
    assert_non_null(b.release);
    assert_int_equal(b.length, 3);
    /* id */
    assert_int_equal(floe_arrow_get_int64(b.children[0], 0), 1);
    assert_int_equal(floe_arrow_get_int64(b.children[0], 2), 3);
    /* flag */
    assert_true(floe_arrow_get_bool(b.children[1], 0));
    assert_false(floe_arrow_get_bool(b.children[1], 1));
    assert_false(floe_arrow_get_bool(b.children[1], 2));
    /* ints, nulls from empty unquoted fields */
    assert_int_equal(floe_arrow_get_int32(b.children[2], 0), -5);
    assert_true(floe_arrow_is_null(b.children[2], 1));
    assert_int_equal(floe_arrow_get_int32(b.children[2], 2), 2147483647);
    assert_int_equal(floe_arrow_get_int16(b.children[3], 2), -32768);
    assert_true(floe_arrow_get_float64(b.children[4], 2) == 1000.0);
    /* decimal(10,2): 12.34 -> 1234, -0.5 -> -50 */
    char dec[64];
    assert_int_equal(
        floe_decimal128_format(dec, sizeof dec, floe_arrow_get_decimal128(b.children[5], 0), 2), 0);
    assert_string_equal(dec, "12.34");
    assert_int_equal(
        floe_decimal128_format(dec, sizeof dec, floe_arrow_get_decimal128(b.children[5], 1), 2), 0);
    assert_string_equal(dec, "-0.50");
    /* date 2024-02-29 = 19782 days; time 13:45:00.5 in us */
    assert_int_equal(floe_arrow_get_int32(b.children[6], 0), 19782);
    assert_int_equal(floe_arrow_get_int64(b.children[7], 0),
                     (13 * 3600 + 45 * 60) * INT64_C(1000000) + 500000);
    assert_int_equal(floe_arrow_get_int64(b.children[8], 0), INT64_C(1704067200) * 1000000);
    assert_int_equal(floe_arrow_get_int64(b.children[8], 2), 1000000);
    assert_int_equal(floe_arrow_get_int64(b.children[9], 0), INT64_C(1704067200) * 1000000000 + 1);
    /* strings: quotes, commas, a newline inside quotes; "" is empty, not null */
    floe_arrow_bytes v = floe_arrow_get_bytes(b.children[10], 0);
    assert_int_equal(v.len, (int64_t)strlen("a, \"quoted\"\nname"));
    assert_memory_equal(v.data, "a, \"quoted\"\nname", (size_t)v.len);
    assert_false(floe_arrow_is_null(b.children[10], 1));
    assert_int_equal(floe_arrow_get_bytes(b.children[10], 1).len, 0);
    assert_true(floe_arrow_is_null(b.children[11], 1));
    b.release(&b);
    assert_int_equal(floe_arrow_stream_get_next(&s, &b), 0);
    assert_null(b.release);
    s.release(&s);
}

static void test_csv_header_subset_and_batches(void **state)
{
    (void)state;
    /* only id and name: the other columns read as null; 10 rows in batches of 4 */
    char text[512] = "id,name\n";
    for (int i = 0; i < 10; i++) {
        char line[32];
        snprintf(line, sizeof line, "%d,r%d\n", i, i);
        strcat(text, line);
    }
    floe_csv_options o = FLOE_CSV_OPTIONS_INIT;
    o.batch_rows = 4;
    struct ArrowArrayStream s;
    assert_int_equal(open_text(&s, text, &o), 0);
    int64_t rows = 0, batches = 0;
    assert_int_equal(drain(&s, &rows, &batches), 0);
    assert_int_equal(rows, 10);
    assert_int_equal(batches, 3);
    s.release(&s);
    /* a header only: no batches */
    assert_int_equal(open_text(&s, "id\n", NULL), 0);
    assert_int_equal(drain(&s, &rows, &batches), 0);
    assert_int_equal(rows, 0);
    s.release(&s);
}

/* Opens `text` and reads it, expecting failure `code` with `needle` in the message. */
static void expect_error(const char *text, const floe_csv_options *o, int code, const char *needle)
{
    struct ArrowArrayStream s;
    int rc = open_text(&s, text, o);
    if (rc == 0) {
        int64_t rows = 0;
        rc = drain(&s, &rows, NULL);
        s.release(&s);
    }
    if (rc != code)
        fail_msg("expected %s for '%s', got %s: %s", floe_error_name(code), text,
                 floe_error_name(rc), floe_error_last());
    if (!strstr(floe_error_last(), needle))
        fail_msg("'%s' lacks '%s'", floe_error_last(), needle);
}

static void test_csv_rejects_bad_input_with_line_and_column(void **state)
{
    (void)state;
    floe_csv_options o = FLOE_CSV_OPTIONS_INIT;
    o.source_name = "in.csv";
    o.target_name = "table 'db.t'";
    expect_error("", &o, FLOE_EINVALID, "in.csv: empty input");
    expect_error("id,nope\n1,2\n", &o, FLOE_ESCHEMA, "column 'nope' is not in table 'db.t'");
    expect_error("name\nx\n", &o, FLOE_ESCHEMA, "required column 'id'");
    expect_error("id,id\n1,1\n", &o, FLOE_EINVALID, "appears twice");
    expect_error("id,n32\n1,2\n2\n", &o, FLOE_EINVALID,
                 "in.csv line 3: 1 fields, the header has 2");
    expect_error("id,n32\n1,2\n2,99999999999\n", &o, FLOE_EINVALID,
                 "in.csv line 3: column 'n32': '99999999999' is not a valid value");
    expect_error("id,amt\n1,1.234\n", &o, FLOE_EINVALID, "column 'amt'");
    expect_error("id,amt\n1,123456789.5\n", &o, FLOE_EINVALID, "column 'amt'");
    expect_error("id,day\n1,2024-13-01\n", &o, FLOE_EINVALID, "column 'day'");
    expect_error("id,flag\n1,yes\n", &o, FLOE_EINVALID, "column 'flag'");
    expect_error("id,name\n,x\n", &o, FLOE_EINVALID, "'id' is required but empty");
    expect_error("id\n\"\"\n", &o, FLOE_EINVALID, "column 'id': '' is not a valid value");
    expect_error("id,name\n1,\"open\n2,x\n", &o, FLOE_EINVALID, "unterminated quoted field");
    /* quoted newlines move the line count */
    expect_error("id,name\n1,\"a\nb\"\n2,x,y\n", &o, FLOE_EINVALID, "in.csv line 4");
    floe_csv_options small = o;
    small.max_record_bytes = 64;
    char big[256] = "id,name\n1,";
    memset(big + strlen(big), 'x', 100);
    big[strlen("id,name\n1,") + 100] = '\0';
    expect_error(big, &small, FLOE_EINVALID, "longer than 64 bytes");
    floe_csv_options bad = o;
    bad.version = 7;
    expect_error("id\n1\n", &bad, FLOE_EINVALID, "unknown version");
}

static void test_csv_refuses_nested_columns_and_bad_arguments(void **state)
{
    (void)state;
    struct ArrowSchema s;
    assert_int_equal(floe_arrow_schema_init(&s, "+s", "", 0), 0);
    assert_int_equal(floe_arrow_schema_alloc_children(&s, 1), 0);
    assert_int_equal(floe_arrow_schema_init(s.children[0], "+l", "xs", ARROW_FLAG_NULLABLE), 0);
    assert_int_equal(floe_arrow_schema_alloc_children(s.children[0], 1), 0);
    assert_int_equal(floe_arrow_schema_init(s.children[0]->children[0], "l", "element", 0), 0);
    FILE *f = fmemopen((void *)"xs\n", 3, "rb");
    struct ArrowArrayStream out;
    assert_int_equal(floe_csv_stream_from_file(&out, &s, f, NULL), FLOE_EUNSUPPORTED);
    assert_non_null(strstr(floe_error_last(), "'xs'"));
    s.release(&s);
    struct ArrowSchema prim;
    assert_int_equal(floe_arrow_schema_init(&prim, "l", "x", 0), 0);
    f = fmemopen((void *)"x\n", 2, "rb");
    assert_int_equal(floe_csv_stream_from_file(&out, &prim, f, NULL), FLOE_EINVALID);
    prim.release(&prim);
    make_schema(&prim, all_types, 1);
    assert_int_equal(floe_csv_stream_open(&out, &prim, "/nonexistent/in.csv", NULL),
                     FLOE_ENOTFOUND);
    assert_non_null(strstr(floe_error_last(), "/nonexistent/in.csv"));
    prim.release(&prim);
}

static void test_csv_survives_allocation_failures(void **state)
{
    (void)state;
    const char *text = "id,name,amt\n1,a,1.5\n2,\"b\nc\",2\n3,,\n";
    int ok = 0;
    struct ArrowSchema schema;
    make_schema(&schema, all_types, sizeof all_types / sizeof all_types[0]);
    for (long n = 1; n < 400 && !ok; n++) {
        FILE *f = fmemopen((void *)text, strlen(text), "rb");
        assert_non_null(f);
        floe_alloc_fail_after(n);
        struct ArrowArrayStream s;
        int rc = floe_csv_stream_from_file(&s, &schema, f, NULL);
        int64_t rows = 0;
        if (rc == 0) {
            rc = drain(&s, &rows, NULL);
            s.release(&s);
        }
        floe_alloc_fail_after(0);
        if (rc == 0) {
            assert_int_equal(rows, 3);
            ok = 1;
        } else {
            if (rc != FLOE_ENOMEM)
                fail_msg("allocation %ld failing gave %s: %s", n, floe_error_name(rc),
                         floe_error_last());
        }
    }
    schema.release(&schema);
    assert_true(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_reads_every_type),
        cmocka_unit_test(test_csv_header_subset_and_batches),
        cmocka_unit_test(test_csv_rejects_bad_input_with_line_and_column),
        cmocka_unit_test(test_csv_refuses_nested_columns_and_bad_arguments),
        cmocka_unit_test(test_csv_survives_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
