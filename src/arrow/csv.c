/* CSV to Arrow, typed by a schema (floe/arrow/csv.h). One record at a time is held in a
 * buffer whose size is bounded by max_record_bytes; values go straight into builders. */
#include <floe/arrow/csv.h>

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/decimal.h>
#include <floe/arrow/schema.h>
#include <floe/arrow/stream.h>
#include <floe/arrow/type.h>
#include <floe/error.h>

#include "base/alloc.h"
#include "base/timeconv.h"

typedef struct csv_state {
    FILE *f;
    char *source;              /* for messages */
    char *target;              /* for messages */
    struct ArrowSchema schema; /* the columns produced */
    floe_arrow_type *types;    /* per schema column */
    int64_t *col_of_field;     /* CSV column per schema column, -1 absent */
    size_t ncsv;
    int64_t batch_rows;
    size_t max_record;
    int64_t line; /* line number of the record being read (1-based) */
    size_t nfields, cap_fields;
    int *quoted;
    size_t *starts;
    char *buf;
    size_t buf_len, buf_cap;
    int eof;
} csv_state;

static int buf_put(csv_state *c, char ch)
{
    if (c->buf_len + 1 >= c->buf_cap) {
        if (c->buf_cap >= c->max_record)
            return floe_error_set(FLOE_EINVALID,
                                  "%s line %" PRId64 ": a record longer than %zu bytes (is it "
                                  "CSV? raise max_record_bytes for longer records)",
                                  c->source, c->line, c->max_record);
        size_t cap = c->buf_cap ? c->buf_cap * 2 : 256;
        if (cap > c->max_record)
            cap = c->max_record;
        char *b = floe_realloc(c->buf, cap);
        if (!b)
            return floe_error_set(FLOE_ENOMEM, "out of memory");
        c->buf = b;
        c->buf_cap = cap;
    }
    c->buf[c->buf_len++] = ch;
    return 0;
}

static int field_end(csv_state *c, int quoted, size_t start)
{
    if (c->nfields == c->cap_fields) {
        size_t cap = c->cap_fields ? c->cap_fields * 2 : 16;
        size_t *s = floe_realloc(c->starts, cap * sizeof *s);
        if (s)
            c->starts = s;
        int *q = s ? floe_realloc(c->quoted, cap * sizeof *q) : NULL;
        if (q)
            c->quoted = q;
        if (!s || !q)
            return floe_error_set(FLOE_ENOMEM, "out of memory");
        c->cap_fields = cap;
    }
    c->quoted[c->nfields] = quoted;
    c->starts[c->nfields] = start;
    int rc = buf_put(c, '\0');
    if (!rc)
        c->nfields++;
    return rc;
}

/* Reads one record into c->buf (fields NUL-separated). *has = 0 at the end of the input;
 * *lines_read = the lines it spans. */
static int csv_record(int *has, csv_state *c, int64_t *lines_read)
{
    c->nfields = 0;
    c->buf_len = 0;
    *has = 0;
    *lines_read = 1;
    int ch, quoted = 0, in_quotes = 0, any = 0, rc = 0;
    size_t start = 0;
    for (;;) {
        ch = fgetc(c->f);
        if (ch == EOF) {
            if (ferror(c->f))
                return floe_error_set(FLOE_EIO, "%s line %" PRId64 ": read error", c->source,
                                      c->line);
            if (in_quotes)
                return floe_error_set(FLOE_EINVALID,
                                      "%s line %" PRId64 ": unterminated quoted field", c->source,
                                      c->line);
            if (!any)
                return 0;
            break;
        }
        any = 1;
        if (in_quotes) {
            if (ch == '"') {
                int next = fgetc(c->f);
                if (next == '"') {
                    if ((rc = buf_put(c, '"')))
                        return rc;
                    continue;
                }
                in_quotes = 0;
                if (next != EOF)
                    ungetc(next, c->f);
                continue;
            }
            if (ch == '\n')
                (*lines_read)++;
            if ((rc = buf_put(c, (char)ch)))
                return rc;
            continue;
        }
        if (ch == '"' && c->buf_len == start) {
            in_quotes = quoted = 1;
            continue;
        }
        if (ch == ',') {
            if ((rc = field_end(c, quoted, start)))
                return rc;
            start = c->buf_len;
            quoted = 0;
            continue;
        }
        if (ch == '\r')
            continue;
        if (ch == '\n')
            break;
        if ((rc = buf_put(c, (char)ch)))
            return rc;
    }
    if ((rc = field_end(c, quoted, start)))
        return rc;
    *has = 1;
    return 0;
}

static const char *csv_field(const csv_state *c, size_t i)
{
    return c->buf + c->starts[i];
}

static int supported(const floe_arrow_type *t)
{
    switch (t->id) {
    case FLOE_ARROW_TYPE_BOOL:
    case FLOE_ARROW_TYPE_INT8:
    case FLOE_ARROW_TYPE_INT16:
    case FLOE_ARROW_TYPE_INT32:
    case FLOE_ARROW_TYPE_INT64:
    case FLOE_ARROW_TYPE_FLOAT32:
    case FLOE_ARROW_TYPE_FLOAT64:
    case FLOE_ARROW_TYPE_DECIMAL128:
    case FLOE_ARROW_TYPE_DATE32:
    case FLOE_ARROW_TYPE_UTF8:
    case FLOE_ARROW_TYPE_BINARY:
        return !t->is_dictionary;
    case FLOE_ARROW_TYPE_TIME64:
        return t->unit == FLOE_ARROW_TIME_UNIT_MICRO;
    case FLOE_ARROW_TYPE_TIMESTAMP:
        return t->unit == FLOE_ARROW_TIME_UNIT_MICRO || t->unit == FLOE_ARROW_TIME_UNIT_NANO;
    default:
        return 0;
    }
}

#define BAD_VALUE 1

/* Appends text `v` as a value of type `t`: 0, BAD_VALUE when the text is not one, or the
 * builder's error code. */
static int append_value(floe_arrow_builder *b, const floe_arrow_type *t, const char *v)
{
    char *end = NULL;
    errno = 0;
    switch (t->id) {
    case FLOE_ARROW_TYPE_BOOL:
        if (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0)
            return floe_arrow_builder_append_bool(b, 1);
        if (strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0)
            return floe_arrow_builder_append_bool(b, 0);
        return BAD_VALUE;
    case FLOE_ARROW_TYPE_INT8:
    case FLOE_ARROW_TYPE_INT16:
    case FLOE_ARROW_TYPE_INT32:
    case FLOE_ARROW_TYPE_INT64: {
        long long x = strtoll(v, &end, 10);
        long long lo = t->id == FLOE_ARROW_TYPE_INT8    ? INT8_MIN
                       : t->id == FLOE_ARROW_TYPE_INT16 ? INT16_MIN
                       : t->id == FLOE_ARROW_TYPE_INT32 ? INT32_MIN
                                                        : INT64_MIN;
        long long hi = t->id == FLOE_ARROW_TYPE_INT8    ? INT8_MAX
                       : t->id == FLOE_ARROW_TYPE_INT16 ? INT16_MAX
                       : t->id == FLOE_ARROW_TYPE_INT32 ? INT32_MAX
                                                        : INT64_MAX;
        if (errno || end == v || *end || x < lo || x > hi)
            return BAD_VALUE;
        return floe_arrow_builder_append_int(b, x);
    }
    case FLOE_ARROW_TYPE_FLOAT32:
    case FLOE_ARROW_TYPE_FLOAT64: {
        double x = strtod(v, &end);
        if (end == v || *end)
            return BAD_VALUE;
        return floe_arrow_builder_append_double(b, x);
    }
    case FLOE_ARROW_TYPE_DECIMAL128: {
        floe_decimal128 d;
        if (floe_decimal128_parse(&d, v, strlen(v), t->precision, t->scale))
            return BAD_VALUE;
        return floe_arrow_builder_append_decimal128(b, d);
    }
    case FLOE_ARROW_TYPE_DATE32: {
        int32_t days;
        if (floe_parse_date(&days, v))
            return BAD_VALUE;
        return floe_arrow_builder_append_int(b, days);
    }
    case FLOE_ARROW_TYPE_TIME64: {
        int64_t us;
        if (floe_parse_time_us(&us, v))
            return BAD_VALUE;
        return floe_arrow_builder_append_int(b, us);
    }
    case FLOE_ARROW_TYPE_TIMESTAMP: {
        int64_t x;
        int had = 0;
        int rc = t->unit == FLOE_ARROW_TIME_UNIT_NANO ? floe_parse_timestamp_ns(&x, v, &had)
                                                      : floe_parse_timestamp_us(&x, v, &had);
        if (rc)
            return BAD_VALUE;
        return floe_arrow_builder_append_int(b, x);
    }
    case FLOE_ARROW_TYPE_UTF8:
    case FLOE_ARROW_TYPE_BINARY:
        return floe_arrow_builder_append_bytes(b, v, strlen(v));
    default:
        return BAD_VALUE;
    }
}

static int csv_next(void *state, struct ArrowArray *out)
{
    csv_state *c = state;
    memset(out, 0, sizeof *out);
    if (c->eof)
        return 0;
    floe_arrow_builder *b = NULL;
    int rc = floe_arrow_builder_new(&b, &c->schema);
    if (rc)
        return rc;
    int64_t rows = 0;
    while (!rc && rows < c->batch_rows) {
        int64_t lines = 0;
        int has = 0;
        if ((rc = csv_record(&has, c, &lines)))
            break;
        if (!has) {
            c->eof = 1;
            break;
        }
        int64_t line = c->line;
        c->line += lines;
        if (c->nfields == 1 && csv_field(c, 0)[0] == '\0' && !c->quoted[0])
            continue; /* blank line */
        if (c->nfields != c->ncsv) {
            rc =
                floe_error_set(FLOE_EINVALID, "%s line %" PRId64 ": %zu fields, the header has %zu",
                               c->source, line, c->nfields, c->ncsv);
            break;
        }
        for (int64_t k = 0; !rc && k < c->schema.n_children; k++) {
            const struct ArrowSchema *cs = c->schema.children[k];
            floe_arrow_builder *cb = floe_arrow_builder_child(b, k);
            int64_t src = c->col_of_field[k];
            const char *v = src >= 0 ? csv_field(c, (size_t)src) : "";
            /* an empty unquoted field is null; "" is an empty string */
            int is_null = src < 0 || (v[0] == '\0' && !c->quoted[src]);
            if (is_null) {
                if (!(cs->flags & ARROW_FLAG_NULLABLE))
                    rc = floe_error_set(FLOE_EINVALID,
                                        "%s line %" PRId64 ": column '%s' is required but empty",
                                        c->source, line, cs->name);
                else
                    rc = floe_arrow_builder_append_null(cb);
                continue;
            }
            int v_rc = append_value(cb, &c->types[k], v);
            if (v_rc != BAD_VALUE)
                rc = v_rc;
            else
                rc = floe_error_set(FLOE_EINVALID,
                                    "%s line %" PRId64 ": column '%s': '%.64s' is not a valid "
                                    "value of Arrow type '%s'",
                                    c->source, line, cs->name, v, cs->format);
        }
        if (!rc)
            rows++;
    }
    if (!rc && rows > 0)
        rc = floe_arrow_builder_finish_batch(b, out, NULL);
    floe_arrow_builder_free(b);
    return rc;
}

static void csv_free(void *state)
{
    csv_state *c = state;
    if (!c)
        return;
    if (c->f)
        fclose(c->f);
    floe_arrow_schema_release(&c->schema);
    floe_free(c->types);
    floe_free(c->col_of_field);
    floe_free(c->buf);
    floe_free(c->starts);
    floe_free(c->quoted);
    floe_free(c->source);
    floe_free(c->target);
    floe_free(c);
}

/* Reads the header and maps the schema's columns to it. */
static int read_header(csv_state *c)
{
    int64_t lines = 0;
    int has = 0;
    int rc = csv_record(&has, c, &lines);
    if (rc)
        return rc;
    if (!has)
        return floe_error_set(FLOE_EINVALID, "%s: empty input, expected a header row", c->source);
    c->line += lines;
    c->ncsv = c->nfields;
    int64_t n = c->schema.n_children;
    c->col_of_field = floe_malloc(sizeof *c->col_of_field * (size_t)(n + 1));
    if (!c->col_of_field)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t j = 0; j < c->ncsv; j++)
        for (size_t i = 0; i < j; i++)
            if (strcmp(csv_field(c, i), csv_field(c, j)) == 0)
                return floe_error_set(FLOE_EINVALID, "%s line 1: column '%s' appears twice",
                                      c->source, csv_field(c, j));
    for (int64_t k = 0; k < n; k++) {
        const struct ArrowSchema *cs = c->schema.children[k];
        c->col_of_field[k] = -1;
        for (size_t j = 0; j < c->ncsv; j++)
            if (cs->name && strcmp(csv_field(c, j), cs->name) == 0)
                c->col_of_field[k] = (int64_t)j;
        if (c->col_of_field[k] < 0 && !(cs->flags & ARROW_FLAG_NULLABLE))
            return floe_error_set(FLOE_ESCHEMA,
                                  "%s: required column '%s' of %s is not in the header", c->source,
                                  cs->name ? cs->name : "", c->target);
    }
    for (size_t j = 0; j < c->ncsv; j++) {
        int found = 0;
        for (int64_t k = 0; k < n; k++)
            found |= c->col_of_field[k] == (int64_t)j;
        if (!found)
            return floe_error_set(FLOE_ESCHEMA, "%s line 1: column '%s' is not in %s", c->source,
                                  csv_field(c, j), c->target);
    }
    return 0;
}

int floe_csv_stream_from_file(struct ArrowArrayStream *out, const struct ArrowSchema *schema,
                              FILE *f, const floe_csv_options *opts)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (!out || !schema || !f || !schema->format || strcmp(schema->format, "+s") != 0) {
        if (f)
            fclose(f);
        return floe_error_set(FLOE_EINVALID,
                              "floe_csv_stream_from_file: NULL argument or a schema that is "
                              "not a struct of columns");
    }
    floe_csv_options o = FLOE_CSV_OPTIONS_INIT;
    if (opts)
        o = *opts;
    if (o.version != FLOE_CSV_OPTIONS_VERSION || o.batch_rows < 0) {
        fclose(f);
        return floe_error_set(FLOE_EINVALID,
                              "floe_csv_options: unknown version %u or negative "
                              "batch_rows",
                              o.version);
    }
    csv_state *c = floe_calloc(1, sizeof *c);
    if (!c) {
        fclose(f);
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    c->f = f;
    c->line = 1;
    c->batch_rows = o.batch_rows ? o.batch_rows : FLOE_CSV_BATCH_ROWS_DEFAULT;
    c->max_record = o.max_record_bytes ? o.max_record_bytes : FLOE_CSV_MAX_RECORD_BYTES_DEFAULT;
    c->source = floe_strdup(o.source_name ? o.source_name : "CSV");
    c->target = floe_strdup(o.target_name ? o.target_name : "the schema");
    int rc = c->source && c->target ? floe_arrow_schema_copy(&c->schema, schema)
                                    : floe_error_set(FLOE_ENOMEM, "out of memory");
    if (!rc && !(c->types = floe_calloc((size_t)c->schema.n_children + 1, sizeof *c->types)))
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    for (int64_t k = 0; !rc && k < c->schema.n_children; k++) {
        const struct ArrowSchema *cs = c->schema.children[k];
        c->types[k] = (floe_arrow_type)FLOE_ARROW_TYPE_INIT;
        rc = floe_arrow_type_from_schema(&c->types[k], cs);
        if (!rc && !supported(&c->types[k]))
            rc = floe_error_set(FLOE_EUNSUPPORTED,
                                "column '%s' of %s has Arrow type '%s', which CSV input cannot "
                                "fill (nested and other non-primitive types)",
                                cs->name ? cs->name : "", c->target, cs->format);
    }
    if (!rc)
        rc = read_header(c);
    struct ArrowSchema copy;
    memset(&copy, 0, sizeof copy);
    if (!rc)
        rc = floe_arrow_schema_copy(&copy, &c->schema);
    if (!rc && (rc = floe_arrow_stream_from_callback(out, &copy, csv_next, c, csv_free)))
        floe_arrow_schema_release(&copy);
    if (rc)
        csv_free(c);
    return rc;
}

int floe_csv_stream_open(struct ArrowArrayStream *out, const struct ArrowSchema *schema,
                         const char *path, const floe_csv_options *opts)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (!path)
        return floe_error_set(FLOE_EINVALID, "floe_csv_stream_open: NULL path");
    FILE *f = fopen(path, "rb");
    if (!f)
        return floe_error_set(errno == ENOENT ? FLOE_ENOTFOUND : FLOE_EIO, "cannot open '%s': %s",
                              path, strerror(errno));
    floe_csv_options o = FLOE_CSV_OPTIONS_INIT;
    if (opts)
        o = *opts;
    if (!o.source_name)
        o.source_name = path;
    return floe_csv_stream_from_file(out, schema, f, &o);
}
