/* Input files of the CLI's write commands (append, overwrite, upsert) as Arrow streams: CSV
 * files parsed with the table's column types, Parquet files through the Parquet reader, and
 * several files read in turn as one stream. Each stream owns what it reads from. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <floe/arrow/abi.h>
#include <floe/arrow/builder.h>
#include <floe/arrow/schema.h>
#include <floe/arrow/stream.h>
#include <floe/arrow/type.h>
#include <floe/arrow/value.h>
#include <floe/error.h>
#include <floe/io.h>
#include <floe/parquet/reader.h>
#include <floe/table.h>

#include "base/timeconv.h"
#include "cli/cli_input.h"

#define CSV_BATCH_ROWS 8192

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* ---- CSV input ---- */

typedef struct csv_state {
    FILE *f;
    const char *path;
    struct ArrowSchema schema; /* table schema */
    int64_t *col_of_field;     /* CSV column per table column, -1 absent */
    size_t ncsv;
    int64_t line; /* line number of the record being read (1-based) */
    char **fields;
    size_t nfields, cap_fields;
    int *quoted;
    char *buf;
    size_t buf_len, buf_cap;
    size_t *starts;
    int eof;
} csv_state;

static int buf_put(csv_state *c, char ch)
{
    if (c->buf_len + 1 >= c->buf_cap) {
        size_t cap = c->buf_cap ? c->buf_cap * 2 : 256;
        char *b = realloc(c->buf, cap);
        if (!b)
            return -1;
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
        size_t *s = realloc(c->starts, cap * sizeof *s);
        int *q = realloc(c->quoted, cap * sizeof *q);
        if (s)
            c->starts = s;
        if (q)
            c->quoted = q;
        if (!s || !q)
            return -1;
        c->cap_fields = cap;
    }
    c->quoted[c->nfields] = quoted;
    c->starts[c->nfields] = start;
    if (buf_put(c, '\0'))
        return -1;
    c->nfields++;
    return 0;
}

/* Reads one record into c->buf (fields NUL-separated). Returns 1 for a record, 0 at end,
 * -1 on error (message set). */
static int csv_record(csv_state *c, int64_t *lines_read)
{
    c->nfields = 0;
    c->buf_len = 0;
    int ch, quoted = 0, in_quotes = 0, any = 0;
    *lines_read = 1;
    size_t start = 0;
    for (;;) {
        ch = fgetc(c->f);
        if (ch == EOF) {
            if (in_quotes) {
                floe_error_set(FLOE_EINVALID, "%s line %" PRId64 ": unterminated quoted field",
                               c->path, c->line);
                return -1;
            }
            if (!any)
                return 0;
            break;
        }
        any = 1;
        if (in_quotes) {
            if (ch == '"') {
                int next = fgetc(c->f);
                if (next == '"') {
                    if (buf_put(c, '"'))
                        return -1;
                    continue;
                }
                in_quotes = 0;
                if (next != EOF)
                    ungetc(next, c->f);
                continue;
            }
            if (ch == '\n')
                (*lines_read)++;
            if (buf_put(c, (char)ch))
                return -1;
            continue;
        }
        if (ch == '"' && c->buf_len == start) {
            in_quotes = quoted = 1;
            continue;
        }
        if (ch == ',') {
            if (field_end(c, quoted, start))
                return -1;
            start = c->buf_len;
            quoted = 0;
            continue;
        }
        if (ch == '\r')
            continue;
        if (ch == '\n')
            break;
        if (buf_put(c, (char)ch))
            return -1;
    }
    if (field_end(c, quoted, start))
        return -1;
    return 1;
}

static const char *csv_field(const csv_state *c, size_t i)
{
    return c->buf + c->starts[i];
}

static int parse_decimal(floe_decimal128 *out, const char *s, int scale)
{
    int neg = 0;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    uint64_t hi = 0, lo = 0;
    int frac = -1, digits = 0;
    for (; *s; s++) {
        if (*s == '.' && frac < 0) {
            frac = 0;
            continue;
        }
        if (*s < '0' || *s > '9')
            return -1;
        if (frac >= 0 && frac == scale)
            return -1; /* more fraction digits than the scale */
        if (frac >= 0)
            frac++;
        /* (hi, lo) = (hi, lo) * 10 + digit */
        unsigned __int128 v = ((unsigned __int128)hi << 64) | lo;
        v = v * 10 + (unsigned)(*s - '0');
        hi = (uint64_t)(v >> 64);
        lo = (uint64_t)v;
        if (++digits > 38)
            return -1;
    }
    if (digits == 0)
        return -1;
    for (int k = frac < 0 ? 0 : frac; k < scale; k++) {
        unsigned __int128 v = ((unsigned __int128)hi << 64) | lo;
        v *= 10;
        hi = (uint64_t)(v >> 64);
        lo = (uint64_t)v;
    }
    if (neg) {
        hi = ~hi;
        lo = ~lo + 1;
        if (lo == 0)
            hi++;
    }
    out->hi = hi;
    out->lo = lo;
    return 0;
}

static int csv_append_value(floe_arrow_builder *b, const struct ArrowSchema *s, const char *v)
{
    floe_arrow_type t = FLOE_ARROW_TYPE_INIT;
    if (floe_arrow_type_from_schema(&t, s))
        return -1;
    char *end = NULL;
    errno = 0;
    switch (t.id) {
    case FLOE_ARROW_TYPE_BOOL:
        if (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0)
            return floe_arrow_builder_append_bool(b, 1);
        if (strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0)
            return floe_arrow_builder_append_bool(b, 0);
        return -1;
    case FLOE_ARROW_TYPE_INT32:
    case FLOE_ARROW_TYPE_INT64: {
        long long x = strtoll(v, &end, 10);
        if (errno || end == v || *end ||
            (t.id == FLOE_ARROW_TYPE_INT32 && (x < INT32_MIN || x > INT32_MAX)))
            return -1;
        return floe_arrow_builder_append_int(b, x);
    }
    case FLOE_ARROW_TYPE_FLOAT32:
    case FLOE_ARROW_TYPE_FLOAT64: {
        double x = strtod(v, &end);
        if (end == v || *end)
            return -1;
        return floe_arrow_builder_append_double(b, x);
    }
    case FLOE_ARROW_TYPE_DECIMAL128: {
        floe_decimal128 d;
        if (parse_decimal(&d, v, t.scale))
            return -1;
        return floe_arrow_builder_append_decimal128(b, d);
    }
    case FLOE_ARROW_TYPE_DATE32: {
        int32_t days;
        if (floe_parse_date(&days, v))
            return -1;
        return floe_arrow_builder_append_int(b, days);
    }
    case FLOE_ARROW_TYPE_TIME64: {
        int64_t us;
        if (floe_parse_time_us(&us, v))
            return -1;
        return floe_arrow_builder_append_int(b, us);
    }
    case FLOE_ARROW_TYPE_TIMESTAMP: {
        int64_t x;
        int had = 0;
        int rc = t.unit == FLOE_ARROW_TIME_UNIT_NANO ? floe_parse_timestamp_ns(&x, v, &had)
                                                     : floe_parse_timestamp_us(&x, v, &had);
        if (rc)
            return -1;
        return floe_arrow_builder_append_int(b, x);
    }
    case FLOE_ARROW_TYPE_UTF8:
        return floe_arrow_builder_append_bytes(b, v, strlen(v));
    case FLOE_ARROW_TYPE_BINARY:
        return floe_arrow_builder_append_bytes(b, v, strlen(v));
    default:
        return -1;
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
    while (!rc && rows < CSV_BATCH_ROWS) {
        int64_t lines = 0;
        int r = csv_record(c, &lines);
        if (r < 0) {
            rc = floe_error_last_code() ? floe_error_last_code() : FLOE_ENOMEM;
            break;
        }
        if (r == 0) {
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
                               c->path, line, c->nfields, c->ncsv);
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
                                        c->path, line, cs->name);
                else
                    rc = floe_arrow_builder_append_null(cb);
                continue;
            }
            if (csv_append_value(cb, cs, v))
                rc = floe_error_set(FLOE_EINVALID,
                                    "%s line %" PRId64 ": column '%s': '%.64s' is not a valid "
                                    "value of Arrow type '%s'",
                                    c->path, line, cs->name, v, cs->format);
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
    free(c->col_of_field);
    free(c->buf);
    free(c->starts);
    free(c->quoted);
    free(c);
}

static int csv_stream(struct ArrowArrayStream *out, floe_table *t, const char *path)
{
    csv_state *c = calloc(1, sizeof *c);
    if (!c)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    c->path = path;
    c->line = 1;
    int rc = floe_table_arrow_schema(&c->schema, t);
    if (!rc && !(c->f = fopen(path, "rb")))
        rc = floe_error_set(errno == ENOENT ? FLOE_ENOTFOUND : FLOE_EIO, "cannot open '%s': %s",
                            path, strerror(errno));
    int64_t lines = 0;
    if (!rc) {
        int r = csv_record(c, &lines);
        if (r <= 0)
            rc = r < 0
                     ? FLOE_EINVALID
                     : floe_error_set(FLOE_EINVALID, "%s: empty file, expected a header row", path);
        c->line += lines;
    }
    if (!rc) {
        c->ncsv = c->nfields;
        c->col_of_field = malloc(sizeof *c->col_of_field * (size_t)(c->schema.n_children + 1));
        if (!c->col_of_field)
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
        for (int64_t k = 0; !rc && k < c->schema.n_children; k++) {
            c->col_of_field[k] = -1;
            for (size_t j = 0; j < c->ncsv; j++)
                if (strcmp(csv_field(c, j), c->schema.children[k]->name) == 0)
                    c->col_of_field[k] = (int64_t)j;
            if (c->col_of_field[k] < 0 && !(c->schema.children[k]->flags & ARROW_FLAG_NULLABLE))
                rc = floe_error_set(FLOE_ESCHEMA,
                                    "%s: required column '%s' of '%s' is not in the header", path,
                                    c->schema.children[k]->name, floe_table_identifier(t));
        }
        for (size_t j = 0; !rc && j < c->ncsv; j++) {
            int found = 0;
            for (int64_t k = 0; k < c->schema.n_children; k++)
                found |= c->col_of_field[k] == (int64_t)j;
            if (!found)
                rc = floe_error_set(FLOE_ESCHEMA,
                                    "%s line 1: column '%s' is not in table '%s'; add it first "
                                    "(`floe table alter %s --add-column '%s TYPE'`: a CSV file "
                                    "has no types, so --union-by-name cannot add it)",
                                    path, csv_field(c, j), floe_table_identifier(t),
                                    floe_table_identifier(t), csv_field(c, j));
        }
    }
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

/* ---- Parquet input ---- */

typedef struct pq_input {
    floe_file_io *io;
    floe_input_file *in;
    floe_parquet_reader *reader;
    struct ArrowArrayStream inner;
} pq_input;

static void pq_free(void *state)
{
    pq_input *p = state;
    if (!p)
        return;
    floe_arrow_stream_release(&p->inner);
    floe_parquet_reader_free(p->reader);
    floe_input_close(p->in);
    floe_file_io_free(p->io);
    free(p);
}

static int pq_open(pq_input **out, const char *path)
{
    *out = NULL;
    pq_input *p = calloc(1, sizeof *p);
    if (!p)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    int rc = floe_posix_file_io_new(&p->io);
    if (!rc)
        rc = p->io->open(&p->in, p->io, path);
    if (!rc)
        rc = floe_parquet_reader_open(&p->reader, p->in, NULL);
    if (rc) {
        pq_free(p);
        return floe_error_wrap(rc, "cannot read '%s' (Parquet or .csv expected)", path);
    }
    *out = p;
    return 0;
}

static int pq_next(void *state, struct ArrowArray *out)
{
    pq_input *p = state;
    return floe_arrow_stream_get_next(&p->inner, out);
}

int floe_cli__parquet_schema(struct ArrowSchema *out, const char *path)
{
    memset(out, 0, sizeof *out);
    pq_input *p = NULL;
    int rc = pq_open(&p, path);
    if (!rc)
        rc = floe_parquet_reader_schema(out, p->reader);
    pq_free(p);
    return rc;
}

int floe_cli__input_stream(struct ArrowArrayStream *out, floe_table *t, const char *path)
{
    memset(out, 0, sizeof *out);
    if (ends_with(path, ".csv") || ends_with(path, ".CSV"))
        return csv_stream(out, t, path);
    pq_input *p = NULL;
    struct ArrowSchema s;
    memset(&s, 0, sizeof s);
    int rc = pq_open(&p, path);
    if (!rc)
        rc = floe_parquet_reader_stream(&p->inner, p->reader);
    if (!rc)
        rc = floe_arrow_stream_get_schema(&p->inner, &s);
    if (!rc && (rc = floe_arrow_stream_from_callback(out, &s, pq_next, p, pq_free)))
        floe_arrow_schema_release(&s);
    if (rc) {
        pq_free(p);
        return floe_error_wrap(rc, "cannot read '%s'", path);
    }
    return 0;
}

/* ---- several files as one stream ---- */

typedef struct multi {
    floe_table *t;
    const char *const *paths;
    size_t n, next;
    struct ArrowArrayStream cur;
    struct ArrowSchema first;
} multi;

static int same_columns(const struct ArrowSchema *a, const struct ArrowSchema *b)
{
    if (a->n_children != b->n_children)
        return 0;
    for (int64_t i = 0; i < a->n_children; i++)
        if (strcmp(a->children[i]->name ? a->children[i]->name : "",
                   b->children[i]->name ? b->children[i]->name : "") != 0 ||
            strcmp(a->children[i]->format, b->children[i]->format) != 0)
            return 0;
    return 1;
}

static int multi_open(multi *m, size_t i)
{
    struct ArrowSchema s;
    memset(&s, 0, sizeof s);
    int rc = floe_cli__input_stream(&m->cur, m->t, m->paths[i]);
    if (!rc)
        rc = floe_arrow_stream_get_schema(&m->cur, &s);
    if (!rc && i == 0)
        rc = floe_arrow_schema_copy(&m->first, &s);
    if (!rc && i > 0 && !same_columns(&m->first, &s))
        rc = floe_error_set(FLOE_EINVALID,
                            "'%s' has other columns than '%s'; the files must share one schema "
                            "(same column names and types, in the same order)",
                            m->paths[i], m->paths[0]);
    floe_arrow_schema_release(&s);
    if (rc)
        floe_arrow_stream_release(&m->cur);
    return rc;
}

static int multi_next(void *state, struct ArrowArray *out)
{
    multi *m = state;
    memset(out, 0, sizeof *out);
    for (;;) {
        if (!m->cur.release) {
            if (m->next >= m->n)
                return 0;
            int rc = multi_open(m, m->next++);
            if (rc)
                return rc;
        }
        int rc = floe_arrow_stream_get_next(&m->cur, out);
        if (rc)
            return floe_error_wrap(rc, "reading '%s'", m->paths[m->next - 1]);
        if (out->release)
            return 0;
        floe_arrow_stream_release(&m->cur);
    }
}

static void multi_free(void *state)
{
    multi *m = state;
    if (!m)
        return;
    floe_arrow_stream_release(&m->cur);
    floe_arrow_schema_release(&m->first);
    free(m);
}

int floe_cli__inputs_stream(struct ArrowArrayStream *out, floe_table *t, const char *const *paths,
                            size_t n)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return floe_error_set(FLOE_EINVALID, "no input files");
    multi *m = calloc(1, sizeof *m);
    if (!m)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    m->t = t;
    m->paths = paths;
    m->n = n;
    struct ArrowSchema copy;
    memset(&copy, 0, sizeof copy);
    int rc = multi_open(m, m->next++);
    if (!rc)
        rc = floe_arrow_schema_copy(&copy, &m->first);
    if (!rc && (rc = floe_arrow_stream_from_callback(out, &copy, multi_next, m, multi_free)))
        floe_arrow_schema_release(&copy);
    if (rc)
        multi_free(m);
    return rc;
}
