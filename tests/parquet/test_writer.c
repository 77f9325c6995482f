/* Parquet writer: files floe writes are read back by DuckDB (and hyparquet for flat types)
 * with exactly the values written; schema, field ids, statistics, codecs, encodings and row
 * groups are checked through DuckDB's parquet_schema()/parquet_metadata(). */
#include "test_support.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/schema.h>
#include <floe/error.h>
#include <floe/io.h>
#include <floe/parquet/writer.h>

typedef __int128 i128;

/* ---- helpers ---------------------------------------------------------------------------- */

static json_t *jint(long long v)
{
    char b[32];
    snprintf(b, sizeof b, "%lld", v);
    return json_string(b);
}

static json_t *ju64(unsigned long long v)
{
    char b[32];
    snprintf(b, sizeof b, "%llu", v);
    return json_string(b);
}

static json_t *ji128(i128 v)
{
    char b[64];
    char *p = b + sizeof b - 1;
    *p = '\0';
    int neg = v < 0;
    unsigned __int128 u = neg ? (unsigned __int128)(-(v + 1)) + 1 : (unsigned __int128)v;
    do {
        *--p = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    if (neg)
        *--p = '-';
    return json_string(p);
}

static json_t *jdouble(double d)
{
    if (isnan(d))
        return json_string("nan");
    if (isinf(d))
        return json_string(d > 0 ? "inf" : "-inf");
    if (d == 0 && signbit(d))
        return json_string("-0");
    char b[64];
    snprintf(b, sizeof b, "%.17g", d);
    return json_string(b);
}

static json_t *jhex(const uint8_t *p, size_t n)
{
    char *b = malloc(2 * n + 1);
    for (size_t i = 0; i < n; i++)
        snprintf(b + 2 * i, 3, "%02x", p[i]);
    b[2 * n] = '\0';
    json_t *j = json_string(b);
    free(b);
    return j;
}

static json_t *juuid(const uint8_t *u)
{
    char b[40];
    snprintf(b, sizeof b, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
             u[14], u[15]);
    return json_string(b);
}

static floe_decimal128 dec(i128 v)
{
    floe_decimal128 d = {(uint64_t)v, (int64_t)(v >> 64)};
    return d;
}

static void add_child(struct ArrowSchema *parent, int i, const char *format, const char *name,
                      int nullable, int field_id)
{
    struct ArrowSchema *c = parent->children[i];
    assert_int_equal(floe_arrow_schema_init(c, format, name, nullable ? ARROW_FLAG_NULLABLE : 0),
                     0);
    if (field_id > 0) {
        char b[16];
        snprintf(b, sizeof b, "%d", field_id);
        assert_int_equal(floe_arrow_schema_metadata_set(c, FLOE_ARROW_FIELD_ID_KEY, b), 0);
    }
}

static char *tmp_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* Writes the batches to `path` with `opts`; returns metrics (caller frees). */
static floe_parquet_file_metrics *write_file(const char *path, const struct ArrowSchema *schema,
                                             struct ArrowArray *batches, int n_batches,
                                             const floe_parquet_writer_options *opts)
{
    floe_file_io *io;
    assert_int_equal(floe_posix_file_io_new(&io), 0);
    floe_output_file *of;
    assert_int_equal(io->create(&of, io, path, FLOE_CREATE_OVERWRITE), 0);
    floe_parquet_writer *w;
    int rc = floe_parquet_writer_open(&w, of, schema, opts);
    if (rc)
        fail_msg("open: %s", floe_error_last());
    for (int i = 0; i < n_batches; i++) {
        rc = floe_parquet_writer_write(w, &batches[i]);
        if (rc)
            fail_msg("write: %s", floe_error_last());
    }
    floe_parquet_file_metrics *m;
    rc = floe_parquet_writer_close(w, &m);
    if (rc)
        fail_msg("close: %s", floe_error_last());
    floe_file_io_free(io);
    return m;
}

/* Runs the DuckDB (+hyparquet) checker and returns its parsed report. */
static json_t *check_file(const char *dir, const char *path, json_t *expected, int hyparquet)
{
    char *exp_path = tmp_path(dir, "expected.json");
    assert_int_equal(json_dump_file(expected, exp_path, JSON_COMPACT), 0);
    char args[4096];
    snprintf(args, sizeof args, "'%s' '%s'%s", path, exp_path, hyparquet ? " --hyparquet" : "");
    char *out = NULL;
    int st = floe_test_node("parquet_write_check.mjs", args, &out);
    if (st != 0)
        fail_msg("checker failed (%d): %s", st, out ? out : "");
    json_error_t err;
    json_t *report = json_loads(out, JSON_ALLOW_NUL, &err);
    if (!report)
        fail_msg("checker output is not JSON: %s", out);
    json_t *mm = json_object_get(report, "mismatches");
    if (json_array_size(mm)) {
        char *s = json_dumps(mm, 0);
        fail_msg("DuckDB read different values: %s", s);
    }
    if (hyparquet) {
        json_t *hm = json_object_get(report, "hyparquet_mismatches");
        if (json_array_size(hm)) {
            char *s = json_dumps(hm, 0);
            fail_msg("hyparquet read different values: %s", s);
        }
        assert_int_equal(json_integer_value(json_object_get(report, "hyparquet_rows")),
                         json_array_size(json_object_get(expected, "rows")));
    }
    assert_int_equal(json_integer_value(json_object_get(report, "rows")),
                     json_array_size(json_object_get(expected, "rows")));
    free(out);
    free(exp_path);
    return report;
}

static json_t *schema_row(json_t *report, const char *name)
{
    json_t *sch = json_object_get(report, "schema");
    size_t i;
    json_t *r;
    json_array_foreach(sch, i, r)
    {
        if (strcmp(json_string_value(json_object_get(r, "name")), name) == 0)
            return r;
    }
    fail_msg("no schema element '%s'", name);
    return NULL;
}

/* Values of a metadata field for one column path over all row groups. */
static size_t meta_rows(json_t *report, const char *path, json_t **rows, size_t max)
{
    json_t *md = json_object_get(report, "metadata");
    size_t i, n = 0;
    json_t *r;
    json_array_foreach(md, i, r)
    {
        const char *p = json_string_value(json_object_get(r, "path_in_schema"));
        if (p && strcmp(p, path) == 0 && n < max)
            rows[n++] = r;
    }
    return n;
}

/* Some row group of `path` has DuckDB-visible statistics min `mn` and some has max `mx`. */
static void assert_stats_seen(json_t *report, const char *path, const char *mn, const char *mx)
{
    json_t *mr[64];
    size_t n = meta_rows(report, path, mr, 64);
    assert_true(n > 0);
    int saw_min = 0, saw_max = 0;
    for (size_t k = 0; k < n; k++) {
        const char *a = json_string_value(json_object_get(mr[k], "stats_min_value"));
        const char *b = json_string_value(json_object_get(mr[k], "stats_max_value"));
        saw_min |= a && strcmp(a, mn) == 0;
        saw_max |= b && strcmp(b, mx) == 0;
    }
    if (!saw_min || !saw_max)
        fail_msg("column %s: statistics min '%s' / max '%s' not found", path, mn, mx);
}

static long long jnum(json_t *j)
{
    if (json_is_integer(j))
        return json_integer_value(j);
    if (json_is_string(j))
        return strtoll(json_string_value(j), NULL, 10);
    fail_msg("not a number");
    return 0;
}

/* ---- flat types --------------------------------------------------------------------------- */

enum {
    C_BOOL,
    C_I8,
    C_I16,
    C_I32,
    C_I64,
    C_U16,
    C_U32,
    C_F32,
    C_F64,
    C_DEC9,
    C_DEC18,
    C_DEC38,
    C_DATE,
    C_TIME,
    C_TS_UTC,
    C_TS,
    C_TSNS_UTC,
    C_TSNS,
    C_STR,
    C_BIN,
    C_UUID,
    C_FIXED,
    C_LSTR,
    C_DEC25,
    C_COUNT
};

static const struct {
    const char *name, *format;
    int nullable;
} FLAT[C_COUNT] = {
    {"c_bool", "b", 1},
    {"c_i8", "c", 1},
    {"c_i16", "s", 1},
    {"c_i32", "i", 0},
    {"c_i64", "l", 1},
    {"c_u16", "S", 1},
    {"c_u32", "I", 1},
    {"c_f32", "f", 1},
    {"c_f64", "g", 1},
    {"c_dec9", "d:9,2", 1},
    {"c_dec18", "d:18,4", 1},
    {"c_dec38", "d:38,10", 1},
    {"c_date", "tdD", 1},
    {"c_time", "ttu", 1},
    {"c_ts_utc", "tsu:UTC", 1},
    {"c_ts", "tsu:", 1},
    {"c_tsns_utc", "tsn:UTC", 1},
    {"c_tsns", "tsn:", 1},
    {"c_str", "u", 0},
    {"c_bin", "z", 1},
    {"c_uuid", "w:16", 1},
    {"c_fixed", "w:5", 1},
    {"c_lstr", "U", 1},
    {"c_dec25", "d:25,3", 1},
};

static void flat_schema(struct ArrowSchema *s)
{
    assert_int_equal(floe_arrow_schema_init(s, "+s", "", 0), 0);
    assert_int_equal(floe_arrow_schema_alloc_children(s, C_COUNT), 0);
    for (int c = 0; c < C_COUNT; c++)
        add_child(s, c, FLAT[c].format, FLAT[c].name, FLAT[c].nullable, c == C_FIXED ? 0 : c + 1);
    assert_int_equal(
        floe_arrow_schema_metadata_set(s->children[C_UUID], "ARROW:extension:name", "arrow.uuid"),
        0);
}

static i128 max_digits(int digits)
{
    i128 v = 0;
    for (int i = 0; i < digits; i++)
        v = v * 10 + 9;
    return v;
}

/* Appends row `i` of the flat table to the builder and its expected JSON to `row`. */
static void flat_row(floe_arrow_builder *b, json_t *row, long i)
{
    for (int c = 0; c < C_COUNT; c++) {
        floe_arrow_builder *cb = floe_arrow_builder_child(b, c);
        if (FLAT[c].nullable && (i + c) % 7 == 0) {
            assert_int_equal(floe_arrow_builder_append_null(cb), 0);
            json_array_append_new(row, json_null());
            continue;
        }
        switch (c) {
        case C_BOOL:
            assert_int_equal(floe_arrow_builder_append_bool(cb, i % 3 == 0), 0);
            json_array_append_new(row, json_string(i % 3 == 0 ? "true" : "false"));
            break;
        case C_I8:
        case C_I16:
        case C_I32:
        case C_I64: {
            static const long long ext[4][2] = {
                {-128, 127}, {-32768, 32767}, {INT32_MIN, INT32_MAX}, {INT64_MIN, INT64_MAX}};
            int k = c - C_I8;
            long long v = i % 5 == 0   ? ext[k][0]
                          : i % 5 == 1 ? ext[k][1]
                          : i % 5 == 2 ? 0
                                       : (i * 7919 % 100) * (i % 2 ? -1 : 1);
            if (c == C_I64 && i % 5 == 3)
                v = i * 1000003LL * 1000003LL;
            assert_int_equal(floe_arrow_builder_append_int(cb, v), 0);
            json_array_append_new(row, jint(v));
            break;
        }
        case C_U16: {
            unsigned long long v = i % 4 == 0 ? 65535 : (unsigned long long)(i % 60000);
            assert_int_equal(floe_arrow_builder_append_uint(cb, v), 0);
            json_array_append_new(row, ju64(v));
            break;
        }
        case C_U32: {
            unsigned long long v = i % 4 == 0 ? UINT32_MAX : (unsigned long long)i * 3;
            assert_int_equal(floe_arrow_builder_append_uint(cb, v), 0);
            json_array_append_new(row, ju64(v));
            break;
        }
        case C_F32: {
            static const float sp[] = {NAN, INFINITY, -INFINITY, -0.0f, 0.0f, FLT_MAX, -FLT_MIN};
            float v = i % 10 < 7 ? sp[i % 10] : (float)i * 0.5f - 100.25f;
            assert_int_equal(floe_arrow_builder_append_double(cb, v), 0);
            json_array_append_new(row, jdouble(v));
            break;
        }
        case C_F64: {
            static const double sp[] = {NAN, INFINITY, -INFINITY, -0.0, 0.0, DBL_MAX, 1e-300};
            double v = i % 11 < 7 ? sp[i % 11] : (double)i * 0.1 - 3.0;
            assert_int_equal(floe_arrow_builder_append_double(cb, v), 0);
            json_array_append_new(row, jdouble(v));
            break;
        }
        case C_DEC9:
        case C_DEC18:
        case C_DEC38:
        case C_DEC25: {
            i128 mx = c == C_DEC9    ? 999999999
                      : c == C_DEC18 ? 999999999999999999LL
                      : c == C_DEC25 ? max_digits(25)
                                     : max_digits(38);
            i128 v = i % 4 == 0 ? mx : i % 4 == 1 ? -mx : (i128)(i * 37) * (i % 3 ? -1 : 1);
            assert_int_equal(floe_arrow_builder_append_decimal128(cb, dec(v)), 0);
            json_array_append_new(row, ji128(v));
            break;
        }
        case C_DATE: {
            long long v = i % 3 == 0 ? -719162 : i % 3 == 1 ? 2932896 : i - 1000;
            assert_int_equal(floe_arrow_builder_append_int(cb, v), 0);
            json_array_append_new(row, jint(v));
            break;
        }
        case C_TIME: {
            long long v = i % 3 == 0 ? 0 : i % 3 == 1 ? 86399999999LL : i * 1000001LL;
            assert_int_equal(floe_arrow_builder_append_int(cb, v), 0);
            json_array_append_new(row, jint(v));
            break;
        }
        case C_TS_UTC:
        case C_TS: {
            long long v = i % 3 == 0   ? -62135596800000000LL
                          : i % 3 == 1 ? 253402300799999999LL
                                       : i * 1000003LL - 5000000;
            assert_int_equal(floe_arrow_builder_append_int(cb, v), 0);
            json_array_append_new(row, jint(v));
            break;
        }
        case C_TSNS_UTC:
        case C_TSNS: {
            long long v = i % 3 == 0   ? -4000000000000000000LL
                          : i % 3 == 1 ? 4000000000000000000LL
                                       : i * 1000000007LL;
            assert_int_equal(floe_arrow_builder_append_int(cb, v), 0);
            /* DuckDB has no nanosecond TIMESTAMPTZ: it reads TIMESTAMP(NANOS, UTC) as
             * microseconds (c_tsns checks the nanoseconds exactly). */
            json_array_append_new(row, jint(c == C_TSNS_UTC ? v / 1000 : v));
            break;
        }
        case C_STR:
        case C_LSTR: {
            char s[400];
            if (i % 6 == 0)
                s[0] = '\0';
            else if (i % 6 == 1)
                snprintf(s, sizeof s, "h\xc3\xa9llo \xe2\x82\xac %ld", i % 13);
            else if (i % 6 == 2) {
                memset(s, 'a' + (int)(i % 26), 300);
                s[300] = '\0';
            } else
                snprintf(s, sizeof s, "customer-%ld", (i * 31) % 97);
            assert_int_equal(floe_arrow_builder_append_str(cb, s), 0);
            json_array_append_new(row, json_string(s));
            break;
        }
        case C_BIN: {
            uint8_t v[8] = {0, 0xff, (uint8_t)i, (uint8_t)(i >> 8), 0x80, 1, 2, 3};
            size_t n = (size_t)(i % 9);
            assert_int_equal(floe_arrow_builder_append_bytes(cb, v, n), 0);
            json_array_append_new(row, jhex(v, n));
            break;
        }
        case C_UUID: {
            uint8_t u[16];
            for (int k = 0; k < 16; k++)
                u[k] = (uint8_t)(i * 17 + k * 29);
            assert_int_equal(floe_arrow_builder_append_bytes(cb, u, 16), 0);
            json_array_append_new(row, juuid(u));
            break;
        }
        case C_FIXED: {
            uint8_t v[5] = {(uint8_t)i, 0, 0xfe, (uint8_t)(i >> 4), 9};
            assert_int_equal(floe_arrow_builder_append_bytes(cb, v, 5), 0);
            json_array_append_new(row, jhex(v, 5));
            break;
        }
        }
    }
}

static json_t *expected_header(const char *const *names, int n)
{
    json_t *e = json_object();
    json_t *cols = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(cols, json_string(names[i]));
    json_object_set_new(e, "columns", cols);
    json_object_set_new(e, "rows", json_array());
    return e;
}

static json_t *flat_data(struct ArrowSchema *schema, struct ArrowArray *batches, int n_batches,
                         long rows_per_batch)
{
    flat_schema(schema);
    const char *names[C_COUNT];
    for (int c = 0; c < C_COUNT; c++)
        names[c] = FLAT[c].name;
    json_t *e = expected_header(names, C_COUNT);
    json_t *rows = json_object_get(e, "rows");
    floe_arrow_builder *b;
    assert_int_equal(floe_arrow_builder_new(&b, schema), 0);
    long i = 0;
    for (int k = 0; k < n_batches; k++) {
        for (long r = 0; r < rows_per_batch; r++, i++) {
            json_t *row = json_array();
            flat_row(b, row, i);
            json_array_append_new(rows, row);
        }
        assert_int_equal(floe_arrow_builder_finish_batch(b, &batches[k], NULL), 0);
    }
    floe_arrow_builder_free(b);
    return e;
}

static void test_flat_types_read_back_by_duckdb_and_hyparquet(void **state)
{
    (void)state;
    FLOE_REQUIRE_INTEROP();
    const char *dir = floe_test_tmpdir("pqw_flat");
    char *path = tmp_path(dir, "flat.parquet");
    struct ArrowSchema schema;
    struct ArrowArray batches[3];
    json_t *e = flat_data(&schema, batches, 3, 1500);
    /* hyparquet (utf8 mode) reads BYTE_ARRAY without a logical type as text, so c_bin is
     * left to DuckDB; its decimals and timestamps are lossy JS numbers and Dates. */
    const char *hy[] = {"c_bool", "c_i8",  "c_i16",  "c_i32", "c_i64", "c_f32",
                        "c_f64",  "c_str", "c_lstr", "c_u16", "c_u32", "c_fixed"};
    json_t *hyc = json_array();
    for (size_t k = 0; k < sizeof hy / sizeof hy[0]; k++)
        json_array_append_new(hyc, json_string(hy[k]));
    json_object_set_new(e, "hyparquet_columns", hyc);

    floe_parquet_writer_options o = FLOE_PARQUET_WRITER_OPTIONS_INIT;
    o.row_group_bytes = 60000;
    o.page_bytes = 8192;
    floe_parquet_field_id ids[] = {{"c_fixed", 100}};
    o.field_ids = ids;
    o.n_field_ids = 1;
    floe_parquet_key_value_pair kv[] = {{"iceberg.schema", "{\"type\":\"struct\"}"},
                                        {"empty", NULL}};
    o.key_value_metadata = kv;
    o.n_key_value_metadata = 2;
    floe_parquet_file_metrics *m = write_file(path, &schema, batches, 3, &o);
    json_t *rep = check_file(dir, path, e, 1);

    /* field ids, types and logical types */
    for (int c = 0; c < C_COUNT; c++) {
        json_t *r = schema_row(rep, FLAT[c].name);
        assert_int_equal(jnum(json_object_get(r, "field_id")), c == C_FIXED ? 100 : c + 1);
        assert_string_equal(json_string_value(json_object_get(r, "repetition_type")),
                            FLAT[c].nullable ? "OPTIONAL" : "REQUIRED");
    }
    assert_string_equal(json_string_value(json_object_get(schema_row(rep, "c_dec38"), "type")),
                        "FIXED_LEN_BYTE_ARRAY");
    assert_int_equal(jnum(json_object_get(schema_row(rep, "c_dec38"), "type_length")), 16);
    assert_int_equal(jnum(json_object_get(schema_row(rep, "c_dec25"), "type_length")), 11);
    assert_string_equal(json_string_value(json_object_get(schema_row(rep, "c_dec18"), "type")),
                        "INT64");
    assert_string_equal(json_string_value(json_object_get(schema_row(rep, "c_dec9"), "type")),
                        "INT32");
    assert_string_equal(json_string_value(json_object_get(schema_row(rep, "c_i8"), "type")),
                        "INT32");
    const char *lt = json_string_value(json_object_get(schema_row(rep, "c_uuid"), "logical_type"));
    assert_non_null(lt);
    assert_non_null(strstr(lt, "UUID"));
    lt = json_string_value(json_object_get(schema_row(rep, "c_tsns"), "logical_type"));
    assert_non_null(strstr(lt, "isAdjustedToUTC=0"));
    assert_non_null(strstr(lt, "NANOS"));
    lt = json_string_value(json_object_get(schema_row(rep, "c_ts_utc"), "logical_type"));
    assert_non_null(strstr(lt, "isAdjustedToUTC=1"));
    assert_non_null(strstr(lt, "MICROS"));

    /* file metadata */
    json_t *file = json_object_get(rep, "file");
    assert_string_equal(json_string_value(json_object_get(file, "created_by")),
                        "floe version 0.1.0");
    long long nrg = jnum(json_object_get(file, "num_row_groups"));
    assert_true(nrg > 1);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(rep, "kv"), "iceberg.schema")),
        "{\"type\":\"struct\"}");

    /* statistics of c_i64 over the row groups, and the codec */
    json_t *mr[64];
    size_t n = meta_rows(rep, "c_i64", mr, 64);
    assert_int_equal(n, (size_t)nrg);
    long long nulls = 0;
    int saw_min = 0, saw_max = 0;
    for (size_t k = 0; k < n; k++) {
        assert_string_equal(json_string_value(json_object_get(mr[k], "compression")), "ZSTD");
        nulls += jnum(json_object_get(mr[k], "stats_null_count"));
        const char *mn = json_string_value(json_object_get(mr[k], "stats_min_value"));
        const char *mx = json_string_value(json_object_get(mr[k], "stats_max_value"));
        saw_min |= strcmp(mn, "-9223372036854775808") == 0;
        saw_max |= strcmp(mx, "9223372036854775807") == 0;
    }
    assert_true(saw_min && saw_max);
    /* statistics in each type's order, as DuckDB reads them */
    assert_stats_seen(rep, "c_u32", "6", "4294967295"); /* unsigned; row 1 is null */
    assert_stats_seen(rep, "c_i32", "-2147483648", "2147483647");
    assert_stats_seen(rep, "c_dec18", "-99999999999999.9999", "99999999999999.9999");
    assert_stats_seen(rep, "c_dec38", "-9999999999999999999999999999.9999999999",
                      "9999999999999999999999999999.9999999999");
    assert_stats_seen(rep, "c_date", "0001-01-01", "9999-12-31");
    assert_stats_seen(rep, "c_bool", "false", "true");
    assert_stats_seen(rep, "c_ts_utc", "0001-01-01 00:00:00+00", "9999-12-31 23:59:59.999999+00");
    assert_stats_seen(rep, "c_time", "00:00:00", "23:59:59.999999");

    /* metrics agree with the data */
    long long exp_nulls = 0;
    for (long i = 0; i < 4500; i++)
        exp_nulls += (i + C_I64) % 7 == 0;
    assert_int_equal(nulls, exp_nulls);
    assert_int_equal(floe_parquet_file_metrics_row_count(m), 4500);
    assert_int_equal(floe_parquet_file_metrics_n_columns(m), C_COUNT);
    assert_int_equal(floe_parquet_file_metrics_n_row_groups(m), (size_t)nrg);
    assert_int_equal(floe_parquet_file_metrics_split_offset(m, 0), 4);
    const floe_parquet_column_metrics *cm = floe_parquet_file_metrics_find(m, C_I64 + 1);
    assert_non_null(cm);
    assert_int_equal(cm->value_count, 4500);
    assert_int_equal(cm->null_count, exp_nulls);
    assert_int_equal(cm->nan_count, -1);
    assert_int_equal(cm->lower.kind, FLOE_PARQUET_VALUE_INT);
    assert_true(cm->lower.i == INT64_MIN && cm->upper.i == INT64_MAX);
    assert_true(cm->column_size > 0);
    cm = floe_parquet_file_metrics_find(m, C_F64 + 1);
    long long exp_nan = 0;
    for (long i = 0; i < 4500; i++)
        exp_nan += (i + C_F64) % 7 != 0 && i % 11 == 0;
    assert_int_equal(cm->nan_count, exp_nan);
    assert_true(isinf(cm->lower.d) && cm->lower.d < 0);
    assert_true(isinf(cm->upper.d) && cm->upper.d > 0);
    cm = floe_parquet_file_metrics_find(m, C_STR + 1);
    assert_int_equal(cm->lower.kind, FLOE_PARQUET_VALUE_BYTES);
    assert_int_equal(cm->lower.len, 0);
    assert_int_equal(cm->upper.len, 300);
    assert_int_equal(cm->upper.bytes[0], 'y'); /* i%6==2 rows repeat 'a'+i%26; 'z' never occurs */
    cm = floe_parquet_file_metrics_find(m, C_DEC38 + 1);
    assert_int_equal(cm->lower.kind, FLOE_PARQUET_VALUE_DECIMAL);
    assert_int_equal(cm->lower.len, 16);
    assert_int_equal(cm->lower.bytes[0] & 0x80, 0x80); /* -(10^38-1) */
    cm = floe_parquet_file_metrics_find(m, 100);
    assert_non_null(cm);
    assert_string_equal(cm->path, "c_fixed");
    uint64_t total = 0;
    for (size_t c = 0; c < C_COUNT; c++)
        total += (uint64_t)floe_parquet_file_metrics_column(m, c)->column_size;
    assert_true(total < floe_parquet_file_metrics_file_size(m));

    floe_parquet_file_metrics_free(m);
    json_decref(rep);

    /* The same rows with PLAIN pages only (every type's PLAIN encoder), uncompressed. */
    o.enable_dictionary = 0;
    o.compression = FLOE_PARQUET_COMPRESSION_UNCOMPRESSED;
    char *plain_path = tmp_path(dir, "flat_plain.parquet");
    m = write_file(plain_path, &schema, batches, 3, &o);
    rep = check_file(dir, plain_path, e, 1);
    json_t *mr2[64];
    size_t n2 = meta_rows(rep, "c_str", mr2, 64);
    assert_true(n2 > 0);
    for (size_t k = 0; k < n2; k++) {
        assert_null(strstr(json_string_value(json_object_get(mr2[k], "encodings")), "DICTIONARY"));
        assert_string_equal(json_string_value(json_object_get(mr2[k], "compression")),
                            "UNCOMPRESSED");
    }
    floe_parquet_file_metrics_free(m);
    json_decref(rep);
    free(plain_path);

    json_decref(e);
    for (int k = 0; k < 3; k++)
        batches[k].release(&batches[k]);
    schema.release(&schema);
    free(path);
}

/* ---- nested types ----------------------------------------------------------------------- */

static void nested_schema(struct ArrowSchema *s)
{
    assert_int_equal(floe_arrow_schema_init(s, "+s", "", 0), 0);
    assert_int_equal(floe_arrow_schema_alloc_children(s, 4), 0);
    add_child(s, 0, "i", "id", 0, 1);
    /* ls: list<struct<a: int32, b: utf8>> */
    add_child(s, 1, "+l", "ls", 1, 2);
    struct ArrowSchema *ls = s->children[1];
    assert_int_equal(floe_arrow_schema_alloc_children(ls, 1), 0);
    add_child(ls, 0, "+s", "item", 1, 3);
    struct ArrowSchema *el = ls->children[0];
    assert_int_equal(floe_arrow_schema_alloc_children(el, 2), 0);
    add_child(el, 0, "i", "a", 1, 4);
    add_child(el, 1, "u", "b", 1, 5);
    /* m: map<utf8, list<int64>> */
    add_child(s, 2, "+m", "m", 1, 6);
    struct ArrowSchema *m = s->children[2];
    assert_int_equal(floe_arrow_schema_alloc_children(m, 1), 0);
    add_child(m, 0, "+s", "entries", 0, 0);
    struct ArrowSchema *en = m->children[0];
    assert_int_equal(floe_arrow_schema_alloc_children(en, 2), 0);
    add_child(en, 0, "u", "key", 0, 7);
    add_child(en, 1, "+l", "value", 1, 8);
    assert_int_equal(floe_arrow_schema_alloc_children(en->children[1], 1), 0);
    add_child(en->children[1], 0, "l", "item", 1, 9);
    /* st: struct<x: struct<y: double>, z: list<list<int32>>> */
    add_child(s, 3, "+s", "st", 1, 10);
    struct ArrowSchema *st = s->children[3];
    assert_int_equal(floe_arrow_schema_alloc_children(st, 2), 0);
    add_child(st, 0, "+s", "x", 1, 11);
    assert_int_equal(floe_arrow_schema_alloc_children(st->children[0], 1), 0);
    add_child(st->children[0], 0, "g", "y", 1, 12);
    add_child(st, 1, "+l", "z", 1, 13);
    struct ArrowSchema *z = st->children[1];
    assert_int_equal(floe_arrow_schema_alloc_children(z, 1), 0);
    add_child(z, 0, "+l", "item", 1, 14);
    assert_int_equal(floe_arrow_schema_alloc_children(z->children[0], 1), 0);
    add_child(z->children[0], 0, "i", "item", 0, 15);
}

/* Row i of the nested table; returns the number of levels column ls.list.element.a gets. */
static long nested_row(floe_arrow_builder *b, json_t *row, long i)
{
    long levels_a;
    assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), i), 0);
    json_array_append_new(row, jint(i));

    floe_arrow_builder *ls = floe_arrow_builder_child(b, 1);
    floe_arrow_builder *el = floe_arrow_builder_child(ls, 0);
    if (i % 5 == 0) {
        assert_int_equal(floe_arrow_builder_append_null(ls), 0);
        json_array_append_new(row, json_null());
        levels_a = 1;
    } else {
        long n = i % 5 == 1 ? 0 : i % 4 + 1;
        json_t *arr = json_array();
        for (long j = 0; j < n; j++) {
            if ((i + j) % 3 == 0) {
                assert_int_equal(floe_arrow_builder_append_null(el), 0);
                json_array_append_new(arr, json_null());
                continue;
            }
            json_t *o = json_object();
            floe_arrow_builder *a = floe_arrow_builder_child(el, 0);
            floe_arrow_builder *bb = floe_arrow_builder_child(el, 1);
            if ((i * j) % 2) {
                assert_int_equal(floe_arrow_builder_append_null(a), 0);
                json_object_set_new(o, "a", json_null());
            } else {
                assert_int_equal(floe_arrow_builder_append_int(a, i * 10 + j), 0);
                json_object_set_new(o, "a", jint(i * 10 + j));
            }
            if ((i + j) % 4 == 0) {
                assert_int_equal(floe_arrow_builder_append_null(bb), 0);
                json_object_set_new(o, "b", json_null());
            } else {
                char t[32];
                if (j % 2)
                    t[0] = '\0';
                else
                    snprintf(t, sizeof t, "s%ld-%ld", i, j);
                assert_int_equal(floe_arrow_builder_append_str(bb, t), 0);
                json_object_set_new(o, "b", json_string(t));
            }
            assert_int_equal(floe_arrow_builder_append_struct(el), 0);
            json_array_append_new(arr, o);
        }
        assert_int_equal(floe_arrow_builder_append_list(ls), 0);
        json_array_append_new(row, arr);
        levels_a = n ? n : 1;
    }

    floe_arrow_builder *m = floe_arrow_builder_child(b, 2);
    if (i % 6 == 0) {
        assert_int_equal(floe_arrow_builder_append_null(m), 0);
        json_array_append_new(row, json_null());
    } else {
        long n = i % 6 == 1 ? 0 : i % 3 + 1;
        floe_arrow_builder *keys = floe_arrow_builder_map_keys(m);
        floe_arrow_builder *vals = floe_arrow_builder_map_values(m);
        floe_arrow_builder *items = floe_arrow_builder_child(vals, 0);
        json_t *pairs = json_array();
        for (long j = 0; j < n; j++) {
            char k[32];
            snprintf(k, sizeof k, "k%ld", j);
            assert_int_equal(floe_arrow_builder_append_str(keys, k), 0);
            json_t *v;
            if (j == 1) {
                assert_int_equal(floe_arrow_builder_append_null(vals), 0);
                v = json_null();
            } else if (j == 2) {
                assert_int_equal(floe_arrow_builder_append_list(vals), 0);
                v = json_array();
            } else {
                v = json_array();
                assert_int_equal(floe_arrow_builder_append_int(items, i), 0);
                json_array_append_new(v, jint(i));
                assert_int_equal(floe_arrow_builder_append_null(items), 0);
                json_array_append_new(v, json_null());
                assert_int_equal(floe_arrow_builder_append_int(items, -i * 1000000007LL), 0);
                json_array_append_new(v, jint(-i * 1000000007LL));
                assert_int_equal(floe_arrow_builder_append_list(vals), 0);
            }
            json_t *pair = json_array();
            json_array_append_new(pair, json_string(k));
            json_array_append_new(pair, v);
            json_array_append_new(pairs, pair);
        }
        assert_int_equal(floe_arrow_builder_append_list(m), 0);
        json_t *mo = json_object();
        json_object_set_new(mo, "$map", pairs);
        json_array_append_new(row, mo);
    }

    floe_arrow_builder *st = floe_arrow_builder_child(b, 3);
    if (i % 7 == 0) {
        assert_int_equal(floe_arrow_builder_append_null(st), 0);
        json_array_append_new(row, json_null());
    } else {
        json_t *o = json_object();
        floe_arrow_builder *x = floe_arrow_builder_child(st, 0);
        if (i % 3 == 0) {
            assert_int_equal(floe_arrow_builder_append_null(x), 0);
            json_object_set_new(o, "x", json_null());
        } else {
            floe_arrow_builder *y = floe_arrow_builder_child(x, 0);
            json_t *xo = json_object();
            if (i % 4 == 0) {
                assert_int_equal(floe_arrow_builder_append_null(y), 0);
                json_object_set_new(xo, "y", json_null());
            } else {
                double d = i % 5 == 0 ? NAN : i % 5 == 1 ? -0.0 : (double)i * 1.5;
                assert_int_equal(floe_arrow_builder_append_double(y, d), 0);
                json_object_set_new(xo, "y", jdouble(d));
            }
            assert_int_equal(floe_arrow_builder_append_struct(x), 0);
            json_object_set_new(o, "x", xo);
        }
        floe_arrow_builder *z = floe_arrow_builder_child(st, 1);
        if (i % 2) {
            assert_int_equal(floe_arrow_builder_append_null(z), 0);
            json_object_set_new(o, "z", json_null());
        } else {
            floe_arrow_builder *inner = floe_arrow_builder_child(z, 0);
            floe_arrow_builder *iv = floe_arrow_builder_child(inner, 0);
            json_t *outer = json_array();
            for (long j = 0; j < i % 4; j++) {
                json_t *in = json_array();
                if (j == 2) {
                    assert_int_equal(floe_arrow_builder_append_null(inner), 0);
                    json_array_append_new(outer, json_null());
                    json_decref(in);
                    continue;
                }
                for (long k = 0; k < j; k++) {
                    assert_int_equal(floe_arrow_builder_append_int(iv, i + k), 0);
                    json_array_append_new(in, jint(i + k));
                }
                assert_int_equal(floe_arrow_builder_append_list(inner), 0);
                json_array_append_new(outer, in);
            }
            assert_int_equal(floe_arrow_builder_append_list(z), 0);
            json_object_set_new(o, "z", outer);
        }
        assert_int_equal(floe_arrow_builder_append_struct(st), 0);
        json_array_append_new(row, o);
    }
    return levels_a;
}

static void test_nested_lists_maps_structs_with_nulls_at_every_level(void **state)
{
    (void)state;
    FLOE_REQUIRE_INTEROP();
    const char *dir = floe_test_tmpdir("pqw_nested");
    char *path = tmp_path(dir, "nested.parquet");
    struct ArrowSchema schema;
    nested_schema(&schema);
    const char *names[] = {"id", "ls", "m", "st"};
    json_t *e = expected_header(names, 4);
    json_t *rows = json_object_get(e, "rows");
    floe_arrow_builder *b;
    assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
    struct ArrowArray batches[2];
    long levels_a = 0, i = 0;
    for (int k = 0; k < 2; k++) {
        for (long r = 0; r < 3000; r++, i++) {
            json_t *row = json_array();
            levels_a += nested_row(b, row, i);
            json_array_append_new(rows, row);
        }
        assert_int_equal(floe_arrow_builder_finish_batch(b, &batches[k], NULL), 0);
    }
    floe_arrow_builder_free(b);
    floe_parquet_writer_options o = FLOE_PARQUET_WRITER_OPTIONS_INIT;
    o.row_group_bytes = 20000;
    o.page_bytes = 2048;
    o.compression = FLOE_PARQUET_COMPRESSION_SNAPPY;
    floe_parquet_file_metrics *m = write_file(path, &schema, batches, 2, &o);
    json_t *rep = check_file(dir, path, e, 0);

    /* standard 3-level layouts with field ids on every Iceberg field */
    assert_int_equal(jnum(json_object_get(schema_row(rep, "element"), "field_id")), 3);
    assert_string_equal(
        json_string_value(json_object_get(schema_row(rep, "list"), "repetition_type")), "REPEATED");
    assert_string_equal(
        json_string_value(json_object_get(schema_row(rep, "key_value"), "repetition_type")),
        "REPEATED");
    assert_string_equal(
        json_string_value(json_object_get(schema_row(rep, "key"), "repetition_type")), "REQUIRED");
    assert_int_equal(jnum(json_object_get(schema_row(rep, "key"), "field_id")), 7);
    assert_int_equal(jnum(json_object_get(schema_row(rep, "value"), "field_id")), 8);
    assert_string_equal(json_string_value(json_object_get(schema_row(rep, "m"), "converted_type")),
                        "MAP");
    assert_string_equal(json_string_value(json_object_get(schema_row(rep, "ls"), "converted_type")),
                        "LIST");
    assert_int_equal(jnum(json_object_get(schema_row(rep, "y"), "field_id")), 12);

    /* num_values counts levels: sum over rows of max(1, list length) for ls.*.a */
    json_t *mr[256];
    size_t n = meta_rows(rep, "ls, list, element, a", mr, 256);
    assert_true(n > 1);
    long long total = 0;
    for (size_t k = 0; k < n; k++) {
        total += jnum(json_object_get(mr[k], "num_values"));
        assert_string_equal(json_string_value(json_object_get(mr[k], "compression")), "SNAPPY");
    }
    assert_int_equal(total, levels_a);
    const floe_parquet_column_metrics *cm = floe_parquet_file_metrics_find(m, 4);
    assert_non_null(cm);
    assert_string_equal(cm->path, "ls.list.element.a");
    assert_int_equal(cm->value_count, levels_a);
    cm = floe_parquet_file_metrics_find(m, 12);
    assert_non_null(cm);
    assert_true(cm->nan_count > 0);
    assert_true(cm->lower.d == 0.0 && signbit(cm->lower.d)); /* -0.0 is the smallest y */
    assert_int_equal(floe_parquet_file_metrics_n_columns(m), 7);
    floe_parquet_file_metrics_free(m);
    json_decref(rep);

    /* PLAIN-only pages and one big row group: the same values. */
    o.enable_dictionary = 0;
    o.row_group_bytes = (int64_t)128 << 20;
    o.compression = FLOE_PARQUET_COMPRESSION_LZ4_RAW;
    m = write_file(path, &schema, batches, 2, &o);
    assert_int_equal(floe_parquet_file_metrics_n_row_groups(m), 1);
    rep = check_file(dir, path, e, 0);
    floe_parquet_file_metrics_free(m);
    json_decref(rep);
    json_decref(e);
    for (int k = 0; k < 2; k++)
        batches[k].release(&batches[k]);
    schema.release(&schema);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flat_types_read_back_by_duckdb_and_hyparquet),
        cmocka_unit_test(test_nested_lists_maps_structs_with_nulls_at_every_level),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
