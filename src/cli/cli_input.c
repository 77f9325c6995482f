/* Input files of the CLI's write commands (append, overwrite, upsert) as Arrow streams: CSV
 * files parsed with the table's column types, Parquet files through the Parquet reader, and
 * several files read in turn as one stream. Each stream owns what it reads from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/arrow/abi.h>
#include <floe/arrow/csv.h>
#include <floe/arrow/schema.h>
#include <floe/arrow/stream.h>
#include <floe/error.h>
#include <floe/io.h>
#include <floe/parquet/reader.h>
#include <floe/table.h>

#include "cli/cli_input.h"

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* ---- CSV input ---- */

/* A CSV file typed by the table's schema (floe/arrow/csv.h). */
static int csv_stream(struct ArrowArrayStream *out, floe_table *t, const char *path)
{
    struct ArrowSchema schema;
    char target[512];
    snprintf(target, sizeof target, "table '%s'", floe_table_identifier(t));
    floe_csv_options o = FLOE_CSV_OPTIONS_INIT;
    o.target_name = target;
    int rc = floe_table_arrow_schema(&schema, t);
    if (rc)
        return rc;
    rc = floe_csv_stream_open(out, &schema, path, &o);
    floe_arrow_schema_release(&schema);
    if (rc == FLOE_ESCHEMA && strstr(floe_error_last(), " is not in table")) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", floe_error_last());
        rc = floe_error_set(rc,
                            "%s; add the column first (`floe table alter %s --add-column 'NAME "
                            "TYPE'`: a CSV file has no types, so --union-by-name cannot add it)",
                            msg, floe_table_identifier(t));
    }
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

static int multi_open(multi *m, size_t i)
{
    struct ArrowSchema s;
    memset(&s, 0, sizeof s);
    int rc = floe_cli__input_stream(&m->cur, m->t, m->paths[i]);
    if (!rc)
        rc = floe_arrow_stream_get_schema(&m->cur, &s);
    if (!rc && i == 0)
        rc = floe_arrow_schema_copy(&m->first, &s);
    if (!rc && i > 0 &&
        floe_arrow_schema_compare(&m->first, &s,
                                  FLOE_ARROW_COMPARE_IGNORE_METADATA |
                                      FLOE_ARROW_COMPARE_IGNORE_FLAGS) != 0) {
        char why[512];
        snprintf(why, sizeof why, "%s", floe_error_last());
        rc = floe_error_set(FLOE_EINVALID,
                            "'%s' has other columns than '%s' (%s); the files must share one "
                            "schema (same column names and types, in the same order)",
                            m->paths[i], m->paths[0], why);
    }
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
