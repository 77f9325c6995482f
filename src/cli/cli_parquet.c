/* floe parquet: inspect Parquet files (schema, footer metadata), print their rows, and rewrite
 * them with another codec or row-group size. Uses only the public reader/writer API. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <floe/arrow/abi.h>
#include <floe/arrow/decimal.h>
#include <floe/error.h>
#include <floe/io.h>
#include <floe/parquet/reader.h>
#include <floe/parquet/writer.h>

#include "base/timeconv.h"
#include "cli/commands.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: floe parquet <subcommand> FILE [options]\n\n"
            "Inspect, print and rewrite Parquet files.\n\n"
            "Subcommands:\n"
            "  schema FILE [--json]        the schema (Parquet elements, Arrow types, field ids)\n"
            "  meta FILE [--json]          footer: row groups, columns, codecs, encodings,\n"
            "                              statistics, key-value metadata, created_by\n"
            "  cat FILE [--json] [--columns a,b] [--limit N]\n"
            "                              print rows (JSON lines with --json, else a table)\n"
            "  rewrite IN OUT [--compression zstd|snappy|gzip|brotli|lz4|none]\n"
            "                 [--row-group-bytes N]\n"
            "                              copy through the reader and writer, keeping field ids\n"
            "                              and key-value metadata\n\n"
            "Run 'floe parquet <subcommand> --help' for details.\n");
}

static int wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    return 0;
}

static int parse_count(long long *out, const char *s)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || !end || *end || end == s || v < 0)
        return -1;
    *out = v;
    return 0;
}

typedef struct opened {
    floe_file_io *io;
    floe_input_file *in;
    floe_parquet_reader *reader;
} opened;

static void close_file(opened *o)
{
    floe_parquet_reader_free(o->reader);
    floe_input_close(o->in);
    floe_file_io_free(o->io);
    memset(o, 0, sizeof(*o));
}

static int open_file(opened *o, const char *path, const floe_parquet_reader_options *opt)
{
    memset(o, 0, sizeof(*o));
    int rc = floe_posix_file_io_new(&o->io);
    if (rc == 0)
        rc = o->io->open(&o->in, o->io, path);
    if (rc == 0)
        rc = floe_parquet_reader_open(&o->reader, o->in, opt);
    if (rc) {
        floe_error_wrap(rc, "reading '%s'", path);
        close_file(o);
    }
    return rc;
}

/* ---- value printing --------------------------------------------------------------------- */

static int is_valid(const struct ArrowArray *a, int64_t i)
{
    const uint8_t *bits = a->n_buffers > 0 ? a->buffers[0] : NULL;
    if (a->null_count == 0 || !bits)
        return 1;
    int64_t j = a->offset + i;
    return (bits[j >> 3] >> (j & 7)) & 1;
}

static void put_json_string(FILE *f, const uint8_t *p, size_t n)
{
    putc('"', f);
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (c == '"' || c == '\\') {
            putc('\\', f);
            putc(c, f);
        } else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c == '\r')
            fputs("\\r", f);
        else if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\u%04x", c);
        else
            putc(c, f);
    }
    putc('"', f);
}

static void put_hex(FILE *f, const uint8_t *p, size_t n, int quote)
{
    static const char d[] = "0123456789abcdef";
    if (quote)
        putc('"', f);
    for (size_t i = 0; i < n; i++) {
        putc(d[p[i] >> 4], f);
        putc(d[p[i] & 15], f);
    }
    if (quote)
        putc('"', f);
}

static void put_text(FILE *f, const char *s, int quote)
{
    if (quote)
        put_json_string(f, (const uint8_t *)s, strlen(s));
    else
        fputs(s, f);
}

static void put_double(FILE *f, double v, int quote)
{
    if (isnan(v))
        put_text(f, "NaN", quote);
    else if (isinf(v))
        put_text(f, v > 0 ? "Infinity" : "-Infinity", quote);
    else {
        /* Shortest form that reads back to the same double. */
        char buf[40];
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(buf, sizeof(buf), "%.*g", prec, v);
            if (strtod(buf, NULL) == v)
                break;
        }
        fputs(buf, f);
    }
}

static void put_decimal(FILE *f, const uint8_t *p, int scale, int quote)
{
    char text[FLOE_DECIMAL128_STRLEN];
    if (floe_decimal128_format(text, sizeof(text), floe_decimal128_load(p), scale) != 0)
        snprintf(text, sizeof(text), "?");
    put_text(f, text, quote);
}

/* 1 when the field is the arrow.uuid extension type. */
static int is_uuid(const struct ArrowSchema *s)
{
    const char *m = s->metadata;
    if (!m)
        return 0;
    int32_t n, kl, vl;
    memcpy(&n, m, 4);
    m += 4;
    for (int32_t k = 0; k < n; k++) {
        memcpy(&kl, m, 4);
        memcpy(&vl, m + 4 + kl, 4);
        if (kl == 20 && memcmp(m + 4, "ARROW:extension:name", 20) == 0 && vl == 10 &&
            memcmp(m + 8 + kl, "arrow.uuid", 10) == 0)
            return 1;
        m += 8 + kl + vl;
    }
    return 0;
}

static void put_uuid(FILE *f, const uint8_t *p, int quote)
{
    if (quote)
        putc('"', f);
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            putc('-', f);
        fprintf(f, "%02x", p[i]);
    }
    if (quote)
        putc('"', f);
}

static int64_t load_i64(const void *p, int64_t i)
{
    int64_t v;
    memcpy(&v, (const uint8_t *)p + 8 * i, 8);
    return v;
}

static void put_value(FILE *f, const struct ArrowSchema *s, const struct ArrowArray *a, int64_t i,
                      int json);

static void put_time(FILE *f, int64_t v, int per_us_div, int64_t mul, int quote)
{
    char buf[FLOE_TIME_BUF + 8];
    int64_t us = per_us_div > 1 ? floe_floor_div(v, per_us_div) : v * mul;
    if (floe_format_time_us(buf, sizeof(buf), us) != 0)
        snprintf(buf, sizeof(buf), "%" PRId64, v);
    else if (per_us_div == 1000) {
        size_t l = strlen(buf);
        snprintf(buf + l, sizeof(buf) - l, "%03d", (int)floe_floor_mod(v, 1000));
    }
    put_text(f, buf, quote);
}

static void put_value(FILE *f, const struct ArrowSchema *s, const struct ArrowArray *a, int64_t i,
                      int json)
{
    if (!is_valid(a, i)) {
        fputs(json ? "null" : "NULL", f);
        return;
    }
    const char *fmt = s->format;
    int64_t j = a->offset + i;
    const void *v = a->n_buffers > 1 ? a->buffers[1] : NULL;
    switch (fmt[0]) {
    case 'b': {
        const uint8_t *bits = v;
        fputs((bits[j >> 3] >> (j & 7)) & 1 ? "true" : "false", f);
        return;
    }
    case 'c':
        fprintf(f, "%d", ((const int8_t *)v)[j]);
        return;
    case 'C':
        fprintf(f, "%u", ((const uint8_t *)v)[j]);
        return;
    case 's': {
        int16_t x;
        memcpy(&x, (const uint8_t *)v + 2 * j, 2);
        fprintf(f, "%d", x);
        return;
    }
    case 'S': {
        uint16_t x;
        memcpy(&x, (const uint8_t *)v + 2 * j, 2);
        fprintf(f, "%u", x);
        return;
    }
    case 'i': {
        int32_t x;
        memcpy(&x, (const uint8_t *)v + 4 * j, 4);
        fprintf(f, "%" PRId32, x);
        return;
    }
    case 'I': {
        uint32_t x;
        memcpy(&x, (const uint8_t *)v + 4 * j, 4);
        fprintf(f, "%" PRIu32, x);
        return;
    }
    case 'l':
        fprintf(f, "%" PRId64, load_i64(v, j));
        return;
    case 'L':
        fprintf(f, "%" PRIu64, (uint64_t)load_i64(v, j));
        return;
    case 'e': {
        uint16_t h;
        memcpy(&h, (const uint8_t *)v + 2 * j, 2);
        int e = (h >> 10) & 31, m = h & 1023;
        double d = e == 0    ? ldexp(m, -24)
                   : e == 31 ? (m ? NAN : INFINITY)
                             : ldexp(m + 1024, e - 25);
        put_double(f, (h & 0x8000) ? -d : d, json);
        return;
    }
    case 'f': {
        float x;
        memcpy(&x, (const uint8_t *)v + 4 * j, 4);
        if (isnan(x) || isinf(x)) {
            put_double(f, x, json);
            return;
        }
        char buf[32];
        for (int prec = 6; prec <= 9; prec++) {
            snprintf(buf, sizeof(buf), "%.*g", prec, (double)x);
            if (strtof(buf, NULL) == x)
                break;
        }
        fputs(buf, f);
        return;
    }
    case 'g': {
        double x;
        memcpy(&x, (const uint8_t *)v + 8 * j, 8);
        put_double(f, x, json);
        return;
    }
    case 'u':
    case 'z': {
        const int32_t *off = v;
        const uint8_t *data = a->buffers[2];
        if (fmt[0] == 'u') {
            if (json)
                put_json_string(f, data + off[j], (size_t)(off[j + 1] - off[j]));
            else
                fwrite(data + off[j], 1, (size_t)(off[j + 1] - off[j]), f);
        } else
            put_hex(f, data + off[j], (size_t)(off[j + 1] - off[j]), json);
        return;
    }
    case 'w': {
        int w = (int)strtol(fmt + 2, NULL, 10);
        if (w == 16 && is_uuid(s))
            put_uuid(f, (const uint8_t *)v + 16 * (size_t)j, json);
        else
            put_hex(f, (const uint8_t *)v + (size_t)w * (size_t)j, (size_t)w, json);
        return;
    }
    case 'd': {
        const char *comma = strchr(fmt, ',');
        int scale = comma ? (int)strtol(comma + 1, NULL, 10) : 0;
        put_decimal(f, (const uint8_t *)v + 16 * j, scale, json);
        return;
    }
    case 't': {
        char buf[FLOE_TIMESTAMP_BUF];
        if (fmt[1] == 'd') {
            int32_t d;
            memcpy(&d, (const uint8_t *)v + 4 * j, 4);
            if (floe_format_date(buf, sizeof(buf), d) != 0)
                snprintf(buf, sizeof(buf), "%" PRId32, d);
            put_text(f, buf, json);
            return;
        }
        if (fmt[1] == 't') {
            if (fmt[2] == 'm') {
                int32_t ms;
                memcpy(&ms, (const uint8_t *)v + 4 * j, 4);
                put_time(f, ms, 1, 1000, json);
            } else if (fmt[2] == 'u')
                put_time(f, load_i64(v, j), 1, 1, json);
            else
                put_time(f, load_i64(v, j), 1000, 1, json);
            return;
        }
        if (fmt[1] == 's') {
            int digits = fmt[2] == 'm' ? 3 : fmt[2] == 'u' ? 6 : fmt[2] == 'n' ? 9 : 0;
            int utc = fmt[3] == ':' && fmt[4] != 0;
            if (floe_format_timestamp(buf, sizeof(buf), load_i64(v, j), digits, utc) != 0)
                snprintf(buf, sizeof(buf), "%" PRId64, load_i64(v, j));
            put_text(f, buf, json);
            return;
        }
        break;
    }
    case '+':
        if (fmt[1] == 'l' || fmt[1] == 'm') {
            const int32_t *off = v;
            const struct ArrowSchema *cs = s->children[0];
            const struct ArrowArray *ca = a->children[0];
            putc('[', f);
            for (int32_t k = off[j]; k < off[j + 1]; k++) {
                if (k > off[j])
                    putc(',', f);
                if (fmt[1] == 'm') {
                    fputs("{\"key\":", f);
                    put_value(f, cs->children[0], ca->children[0], k, 1);
                    fputs(",\"value\":", f);
                    put_value(f, cs->children[1], ca->children[1], k, 1);
                    putc('}', f);
                } else
                    put_value(f, cs, ca, k, 1);
            }
            putc(']', f);
            return;
        }
        if (fmt[1] == 's') {
            putc('{', f);
            for (int64_t c = 0; c < s->n_children; c++) {
                if (c)
                    putc(',', f);
                put_json_string(f, (const uint8_t *)s->children[c]->name,
                                strlen(s->children[c]->name));
                putc(':', f);
                put_value(f, s->children[c], a->children[c], j, 1);
            }
            putc('}', f);
            return;
        }
        break;
    default:
        break;
    }
    fputs(json ? "\"?\"" : "?", f);
}

/* ---- subcommands ------------------------------------------------------------------------ */

static int split_columns(char ***out, size_t *n, const char *list)
{
    size_t count = 1;
    for (const char *p = list; *p; p++)
        count += *p == ',';
    char **cols = calloc(count, sizeof(char *));
    char *copy = strdup(list);
    if (!cols || !copy) {
        free(cols);
        free(copy);
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    size_t k = 0;
    char *save = copy;
    for (char *p = copy;; p++) {
        if (*p == ',' || *p == 0) {
            int end = *p == 0;
            *p = 0;
            if (*save)
                cols[k++] = save;
            save = p + 1;
            if (end)
                break;
        }
    }
    *out = cols;
    *n = k;
    return 0;
}

static int cmd_cat(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        printf("usage: floe parquet cat FILE [--json] [--columns a,b] [--limit N]\n\n"
               "Prints rows. --json: one JSON object per line with exact values (64-bit\n"
               "integers exact, decimals as strings, binary as lowercase hex, dates, times and\n"
               "timestamps in ISO 8601, NaN/Infinity as strings, maps as [{key,value}]).\n"
               "Without --json: a tab-separated table with a header line.\n"
               "--columns: top-level names or dotted paths to print (default: all).\n"
               "--limit N: stop after N rows.\n\n"
               "Example: floe parquet cat data.parquet --json --columns id,name --limit 10\n");
        return FLOE_EXIT_OK;
    }
    const char *file = NULL;
    int json = 0;
    long long limit = -1;
    char **cols = NULL;
    size_t ncols = 0;
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
            if (parse_count(&limit, argv[++i])) {
                fprintf(stderr, "floe: --limit needs a non-negative integer\n");
                free(cols ? cols[0] : NULL);
                free(cols);
                return FLOE_EXIT_USAGE;
            }
        } else if (strcmp(argv[i], "--columns") == 0 && i + 1 < argc) {
            if (cols) {
                free(cols[0]);
                free(cols);
                cols = NULL;
            }
            if ((rc = split_columns(&cols, &ncols, argv[++i])) != 0)
                return floe_cli_fail(rc);
        } else if (argv[i][0] != '-' && !file)
            file = argv[i];
        else {
            fprintf(stderr, "floe: unexpected argument '%s' (see floe parquet cat --help)\n",
                    argv[i]);
            free(cols ? cols[0] : NULL);
            free(cols);
            return FLOE_EXIT_USAGE;
        }
    }
    if (!file) {
        fprintf(stderr, "floe: parquet cat needs a FILE (see --help)\n");
        free(cols ? cols[0] : NULL);
        free(cols);
        return FLOE_EXIT_USAGE;
    }
    floe_parquet_reader_options opt = FLOE_PARQUET_READER_OPTIONS_INIT;
    opt.columns = (const char *const *)cols;
    opt.num_columns = ncols;
    opened o;
    rc = open_file(&o, file, &opt);
    char *colbuf = cols ? cols[0] : NULL;
    if (rc) {
        free(colbuf);
        free(cols);
        return floe_cli_fail(rc);
    }
    struct ArrowSchema schema;
    struct ArrowArrayStream stream;
    memset(&stream, 0, sizeof(stream));
    rc = floe_parquet_reader_schema(&schema, o.reader);
    if (rc == 0 && ncols > 0 && schema.n_children == 0)
        rc = floe_error_set(FLOE_ENOTFOUND, "none of the --columns are in '%s'", file);
    if (rc == 0)
        rc = floe_parquet_reader_stream(&stream, o.reader);
    if (rc == 0 && !json) {
        for (int64_t c = 0; c < schema.n_children; c++)
            printf("%s%s", c ? "\t" : "", schema.children[c]->name);
        putchar('\n');
    }
    long long printed = 0;
    while (rc == 0 && (limit < 0 || printed < limit)) {
        struct ArrowArray batch;
        int err = stream.get_next(&stream, &batch);
        if (err) {
            rc = floe_error_last_code() ? floe_error_last_code() : FLOE_ERROR;
            break;
        }
        if (!batch.release)
            break;
        for (int64_t r = 0; r < batch.length && (limit < 0 || printed < limit); r++, printed++) {
            if (json)
                put_value(stdout, &schema, &batch, r, 1);
            else
                for (int64_t c = 0; c < schema.n_children; c++) {
                    if (c)
                        putchar('\t');
                    put_value(stdout, schema.children[c], batch.children[c], r, 0);
                }
            putchar('\n');
        }
        batch.release(&batch);
    }
    if (stream.release)
        stream.release(&stream);
    if (schema.release)
        schema.release(&schema);
    close_file(&o);
    free(colbuf);
    free(cols);
    if (fflush(stdout) != 0 && rc == 0)
        rc = floe_error_set(FLOE_EIO, "writing to standard output failed");
    return rc ? floe_cli_fail(rc) : FLOE_EXIT_OK;
}

static void print_arrow_field(const struct ArrowSchema *s, int depth)
{
    int32_t fid = -1;
    const char *m = s->metadata;
    if (m) {
        int32_t n, kl, vl;
        memcpy(&n, m, 4);
        m += 4;
        for (int32_t k = 0; k < n; k++) {
            memcpy(&kl, m, 4);
            const char *key = m + 4;
            memcpy(&vl, m + 4 + kl, 4);
            const char *val = m + 8 + kl;
            if (kl == 16 && memcmp(key, "PARQUET:field_id", 16) == 0) {
                char tmp[16] = {0};
                memcpy(tmp, val, vl < 15 ? (size_t)vl : 15);
                fid = (int32_t)strtol(tmp, NULL, 10);
            }
            m += 8 + kl + vl;
        }
    }
    printf("%*s%s: %s%s", depth * 2, "", s->name, s->format,
           (s->flags & ARROW_FLAG_NULLABLE) ? "" : " not null");
    if (fid >= 0)
        printf(" (field_id %d)", fid);
    putchar('\n');
    for (int64_t c = 0; c < s->n_children; c++)
        print_arrow_field(s->children[c], depth + 1);
}

static void print_parquet_schema(json_t *elems, size_t *i, int depth)
{
    json_t *e = json_array_get(elems, *i);
    (*i)++;
    const char *name = json_string_value(json_object_get(e, "name"));
    const char *rep = json_string_value(json_object_get(e, "repetition"));
    const char *type = json_string_value(json_object_get(e, "type"));
    const char *lt = json_string_value(json_object_get(e, "logical_type"));
    const char *ct = json_string_value(json_object_get(e, "converted_type"));
    json_t *fid = json_object_get(e, "field_id");
    json_t *tl = json_object_get(e, "type_length");
    int64_t nch = json_integer_value(json_object_get(e, "num_children"));
    printf("%*s", depth * 2, "");
    if (depth == 0)
        printf("message %s", name ? name : "schema");
    else {
        printf("%s %s",
               rep ? (rep[0] == 'R' && rep[2] == 'Q' ? "required"
                      : rep[0] == 'O'                ? "optional"
                                                     : "repeated")
                   : "required",
               type ? type : "group");
        if (tl)
            printf("(%" JSON_INTEGER_FORMAT ")", json_integer_value(tl));
        printf(" %s", name ? name : "");
        if (lt)
            printf(" (%s)", lt);
        else if (ct)
            printf(" (%s)", ct);
        if (fid)
            printf(" = %" JSON_INTEGER_FORMAT, json_integer_value(fid));
    }
    if (!type || depth == 0) {
        printf(" {\n");
        for (int64_t k = 0; k < nch && *i < json_array_size(elems); k++)
            print_parquet_schema(elems, i, depth + 1);
        printf("%*s}\n", depth * 2, "");
    } else
        printf(";\n");
}

static json_t *arrow_json(const struct ArrowSchema *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(s->name ? s->name : ""));
    json_object_set_new(o, "arrow_format", json_string(s->format));
    json_object_set_new(o, "nullable", json_boolean(s->flags & ARROW_FLAG_NULLABLE));
    if (s->metadata) {
        int32_t n, kl, vl;
        const char *m = s->metadata;
        memcpy(&n, m, 4);
        m += 4;
        for (int32_t k = 0; k < n; k++) {
            memcpy(&kl, m, 4);
            memcpy(&vl, m + 4 + kl, 4);
            if (kl == 16 && memcmp(m + 4, "PARQUET:field_id", 16) == 0) {
                char tmp[16] = {0};
                memcpy(tmp, m + 8 + kl, vl < 15 ? (size_t)vl : 15);
                json_object_set_new(o, "field_id", json_integer(strtol(tmp, NULL, 10)));
            }
            m += 8 + kl + vl;
        }
    }
    if (s->n_children) {
        json_t *ch = json_array();
        for (int64_t c = 0; c < s->n_children; c++)
            json_array_append_new(ch, arrow_json(s->children[c]));
        json_object_set_new(o, "children", ch);
    }
    return o;
}

static int one_file_args(const char **file, int *json, int argc, char **argv, const char *cmd)
{
    *file = NULL;
    *json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            *json = 1;
        else if (argv[i][0] != '-' && !*file)
            *file = argv[i];
        else {
            fprintf(stderr, "floe: unexpected argument '%s' (see floe parquet %s --help)\n",
                    argv[i], cmd);
            return -1;
        }
    }
    if (!*file) {
        fprintf(stderr, "floe: parquet %s needs a FILE (see --help)\n", cmd);
        return -1;
    }
    return 0;
}

/* What schema and meta share: FILE [--json], FILE opened and its footer read as JSON. Returns
 * FLOE_EXIT_OK with *o and *md for the caller to release, or the exit code to return. */
static int open_footer(opened *o, json_t **md, int *json, int argc, char **argv, const char *cmd)
{
    const char *file;
    *md = NULL;
    if (one_file_args(&file, json, argc, argv, cmd))
        return FLOE_EXIT_USAGE;
    int rc = open_file(o, file, NULL);
    if (rc)
        return floe_cli_fail(rc);
    rc = floe_parquet_reader_metadata_json(md, o->reader);
    if (rc) {
        json_decref(*md);
        *md = NULL;
        close_file(o);
        return floe_cli_fail(rc);
    }
    return FLOE_EXIT_OK;
}

static void print_json(const json_t *v)
{
    char *text = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (text)
        puts(text);
    free(text);
}

static int cmd_schema(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        printf("usage: floe parquet schema FILE [--json]\n\n"
               "Prints the Parquet schema (message form, with logical types and field ids)\n"
               "and the Arrow schema the reader produces. --json prints both as JSON:\n"
               "{\"parquet\": [elements...], \"arrow\": {fields}}.\n\n"
               "Example: floe parquet schema data.parquet --json\n");
        return FLOE_EXIT_OK;
    }
    int json;
    opened o;
    json_t *md;
    int exit_code = open_footer(&o, &md, &json, argc, argv, "schema");
    if (exit_code != FLOE_EXIT_OK)
        return exit_code;
    struct ArrowSchema s;
    memset(&s, 0, sizeof(s));
    int rc = floe_parquet_reader_schema(&s, o.reader);
    if (rc == 0) {
        json_t *elems = json_object_get(md, "schema");
        if (json) {
            json_t *out = json_object();
            json_object_set(out, "parquet", elems);
            json_object_set_new(out, "arrow", arrow_json(&s));
            print_json(out);
            json_decref(out);
        } else {
            size_t i = 0;
            if (json_array_size(elems) > 0)
                print_parquet_schema(elems, &i, 0);
            printf("\nArrow:\n");
            for (int64_t c = 0; c < s.n_children; c++)
                print_arrow_field(s.children[c], 1);
        }
    }
    if (s.release)
        s.release(&s);
    json_decref(md);
    close_file(&o);
    return rc ? floe_cli_fail(rc) : FLOE_EXIT_OK;
}

static void print_stat(const char *label, json_t *v)
{
    if (!v)
        return;
    char *t = json_dumps(v, JSON_ENCODE_ANY);
    printf(" %s=%s", label, t ? t : "?");
    free(t);
}

static int cmd_meta(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        printf("usage: floe parquet meta FILE [--json]\n\n"
               "Prints the footer: format version, rows, created_by, key-value metadata, and\n"
               "per row group and column: codec, encodings, sizes, offsets and statistics\n"
               "(min/max decoded by the column's type). --json prints the full footer as JSON.\n\n"
               "Example: floe parquet meta data.parquet\n");
        return FLOE_EXIT_OK;
    }
    int json;
    opened o;
    json_t *md;
    int exit_code = open_footer(&o, &md, &json, argc, argv, "meta");
    if (exit_code != FLOE_EXIT_OK)
        return exit_code;
    if (json) {
        print_json(md);
    } else {
        printf("version: %" JSON_INTEGER_FORMAT "\n",
               json_integer_value(json_object_get(md, "version")));
        printf("rows: %" JSON_INTEGER_FORMAT "\n",
               json_integer_value(json_object_get(md, "num_rows")));
        const char *cb = json_string_value(json_object_get(md, "created_by"));
        printf("created_by: %s\n", cb ? cb : "(none)");
        json_t *kv = json_object_get(md, "key_value_metadata");
        const char *k;
        json_t *v;
        printf("key_value_metadata: %zu\n", json_object_size(kv));
        json_object_foreach(kv, k, v)
        {
            const char *s = json_string_value(v);
            size_t len = s ? strlen(s) : 0;
            printf("  %s = %.*s%s\n", k, (int)(len > 120 ? 120 : len), s ? s : "(null)",
                   len > 120 ? "..." : "");
        }
        json_t *rgs = json_object_get(md, "row_groups");
        printf("row_groups: %zu\n", json_array_size(rgs));
        for (size_t g = 0; g < json_array_size(rgs); g++) {
            json_t *rg = json_array_get(rgs, g);
            printf("row group %zu: rows=%" JSON_INTEGER_FORMAT " bytes=%" JSON_INTEGER_FORMAT "\n",
                   g, json_integer_value(json_object_get(rg, "num_rows")),
                   json_integer_value(json_object_get(rg, "total_byte_size")));
            json_t *cols = json_object_get(rg, "columns");
            for (size_t c = 0; c < json_array_size(cols); c++) {
                json_t *col = json_array_get(cols, c);
                json_t *path = json_object_get(col, "path");
                printf("  ");
                for (size_t p = 0; p < json_array_size(path); p++)
                    printf("%s%s", p ? "." : "", json_string_value(json_array_get(path, p)));
                printf(": %s %s", json_string_value(json_object_get(col, "type")),
                       json_string_value(json_object_get(col, "codec")));
                json_t *encs = json_object_get(col, "encodings");
                printf(" [");
                for (size_t e = 0; e < json_array_size(encs); e++)
                    printf("%s%s", e ? "," : "", json_string_value(json_array_get(encs, e)));
                printf("] values=%" JSON_INTEGER_FORMAT " compressed=%" JSON_INTEGER_FORMAT
                       " uncompressed=%" JSON_INTEGER_FORMAT,
                       json_integer_value(json_object_get(col, "num_values")),
                       json_integer_value(json_object_get(col, "total_compressed_size")),
                       json_integer_value(json_object_get(col, "total_uncompressed_size")));
                json_t *st = json_object_get(col, "statistics");
                if (st) {
                    print_stat("nulls", json_object_get(st, "null_count"));
                    print_stat("min", json_object_get(st, "min"));
                    print_stat("max", json_object_get(st, "max"));
                }
                putchar('\n');
            }
        }
    }
    json_decref(md);
    close_file(&o);
    return FLOE_EXIT_OK;
}

static int cmd_rewrite(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        printf("usage: floe parquet rewrite IN OUT [--compression C] [--row-group-bytes N]\n\n"
               "Reads IN and writes OUT through floe's Parquet writer, keeping the values,\n"
               "field ids and key-value metadata. C is zstd (default), snappy, gzip, brotli,\n"
               "lz4 or none; N is the target row-group size in encoded bytes.\n\n"
               "Example: floe parquet rewrite in.parquet out.parquet --compression snappy\n");
        return FLOE_EXIT_OK;
    }
    const char *in = NULL, *outp = NULL;
    floe_parquet_writer_options wo = FLOE_PARQUET_WRITER_OPTIONS_INIT;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--compression") == 0 && i + 1 < argc) {
            const char *c = argv[++i];
            if (strcmp(c, "zstd") == 0)
                wo.compression = FLOE_PARQUET_COMPRESSION_ZSTD;
            else if (strcmp(c, "snappy") == 0)
                wo.compression = FLOE_PARQUET_COMPRESSION_SNAPPY;
            else if (strcmp(c, "gzip") == 0)
                wo.compression = FLOE_PARQUET_COMPRESSION_GZIP;
            else if (strcmp(c, "brotli") == 0)
                wo.compression = FLOE_PARQUET_COMPRESSION_BROTLI;
            else if (strcmp(c, "lz4") == 0 || strcmp(c, "lz4_raw") == 0)
                wo.compression = FLOE_PARQUET_COMPRESSION_LZ4_RAW;
            else if (strcmp(c, "none") == 0 || strcmp(c, "uncompressed") == 0)
                wo.compression = FLOE_PARQUET_COMPRESSION_UNCOMPRESSED;
            else {
                fprintf(stderr,
                        "floe: unknown --compression '%s' (zstd, snappy, gzip, brotli, lz4, "
                        "none)\n",
                        c);
                return FLOE_EXIT_USAGE;
            }
        } else if (strcmp(argv[i], "--row-group-bytes") == 0 && i + 1 < argc) {
            long long n;
            if (parse_count(&n, argv[++i]) || n == 0) {
                fprintf(stderr, "floe: --row-group-bytes needs a positive integer\n");
                return FLOE_EXIT_USAGE;
            }
            wo.row_group_bytes = n;
        } else if (argv[i][0] != '-' && !in)
            in = argv[i];
        else if (argv[i][0] != '-' && !outp)
            outp = argv[i];
        else {
            fprintf(stderr, "floe: unexpected argument '%s' (see floe parquet rewrite --help)\n",
                    argv[i]);
            return FLOE_EXIT_USAGE;
        }
    }
    if (!in || !outp) {
        fprintf(stderr, "floe: parquet rewrite needs IN and OUT (see --help)\n");
        return FLOE_EXIT_USAGE;
    }
    opened o;
    int rc = open_file(&o, in, NULL);
    if (rc)
        return floe_cli_fail(rc);
    size_t nkv = floe_parquet_reader_num_key_values(o.reader);
    floe_parquet_key_value_pair *kv = calloc(nkv ? nkv : 1, sizeof(*kv));
    size_t used = 0;
    if (!kv)
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < nkv; i++) {
        const char *k, *v;
        rc = floe_parquet_reader_key_value_at(&k, &v, o.reader, i);
        /* The Arrow schema entry describes the old file's writer; the new writer adds its
         * own. */
        if (rc == 0 && strcmp(k, "ARROW:schema") != 0) {
            kv[used].key = k;
            kv[used].value = v;
            used++;
        }
    }
    wo.key_value_metadata = kv;
    wo.n_key_value_metadata = used;
    struct ArrowSchema schema;
    memset(&schema, 0, sizeof(schema));
    struct ArrowArrayStream stream;
    memset(&stream, 0, sizeof(stream));
    floe_output_file *of = NULL;
    floe_parquet_writer *w = NULL;
    if (rc == 0)
        rc = floe_parquet_reader_schema(&schema, o.reader);
    if (rc == 0)
        rc = o.io->create(&of, o.io, outp, FLOE_CREATE_OVERWRITE);
    if (rc == 0) {
        rc = floe_parquet_writer_open(&w, of, &schema, &wo);
        if (rc)
            floe_output_abort(of);
    }
    if (rc == 0)
        rc = floe_parquet_reader_stream(&stream, o.reader);
    if (rc == 0)
        rc = floe_parquet_writer_write_stream(w, &stream);
    if (w) {
        if (rc == 0)
            rc = floe_parquet_writer_close(w, NULL);
        else
            floe_parquet_writer_abort(w);
    }
    if (stream.release)
        stream.release(&stream);
    if (schema.release)
        schema.release(&schema);
    free(kv);
    close_file(&o);
    return rc ? floe_cli_fail(rc) : FLOE_EXIT_OK;
}

int floe_cli_parquet(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? FLOE_EXIT_USAGE : FLOE_EXIT_OK;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "cat") == 0)
        return cmd_cat(argc - 1, argv + 1);
    if (strcmp(sub, "schema") == 0)
        return cmd_schema(argc - 1, argv + 1);
    if (strcmp(sub, "meta") == 0)
        return cmd_meta(argc - 1, argv + 1);
    if (strcmp(sub, "rewrite") == 0)
        return cmd_rewrite(argc - 1, argv + 1);
    fprintf(stderr, "floe: unknown parquet subcommand '%s'\n", sub);
    usage(stderr);
    return FLOE_EXIT_USAGE;
}
