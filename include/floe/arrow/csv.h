/**
 * @file floe/arrow/csv.h
 * CSV text (RFC 4180: comma separated, `"` quoting with `""` escapes, LF or CRLF) read as an
 * Arrow stream typed by a given struct schema: the header row names the columns, matched to
 * the schema's by name; values are parsed as the column's type. An empty unquoted field is
 * null, `""` an empty string. Errors name the source, line and column.
 */
#ifndef FLOE_ARROW_CSV_H
#define FLOE_ARROW_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../common.h"
#include "abi.h"

FLOE_BEGIN_DECLS

/** Version of floe_csv_options. */
#define FLOE_CSV_OPTIONS_VERSION 1

/** Default rows per batch. */
#define FLOE_CSV_BATCH_ROWS_DEFAULT 8192
/** Default limit of one record's size (bytes of its fields). */
#define FLOE_CSV_MAX_RECORD_BYTES_DEFAULT (64u << 20)

/** Options of floe_csv_stream_open() and floe_csv_stream_from_file(). */
typedef struct floe_csv_options {
    unsigned int version;    /**< FLOE_CSV_OPTIONS_VERSION */
    const char *source_name; /**< names the input in messages (e.g. its path); NULL "CSV" */
    const char *target_name; /**< names the schema's owner in messages ("table 'db.t'");
                                  NULL "the schema" */
    int64_t batch_rows;      /**< rows per batch; 0 = FLOE_CSV_BATCH_ROWS_DEFAULT */
    size_t max_record_bytes; /**< a longer record is an error; 0 = the default (64 MiB) */
} floe_csv_options;

/** Initializer for floe_csv_options (defaults). */
#define FLOE_CSV_OPTIONS_INIT                                                                      \
    {                                                                                              \
        FLOE_CSV_OPTIONS_VERSION, NULL, NULL, 0, 0                                                 \
    }

/**
 * Reads CSV from `f` as a stream of batches of `schema` (a "+s" struct of primitive columns:
 * bool, int8..int64, float, double, decimal128, date32, time64[us], timestamp[us|ns] with or
 * without zone, utf8, binary). The header is read at once: a header column not in `schema`
 * is FLOE_ESCHEMA naming it; a non-nullable column of `schema` missing from the header is
 * FLOE_ESCHEMA; columns of `schema` the header lacks read as null. The stream owns `f` and
 * closes it on release (also on failure here).
 * Values: integers in decimal, `true`/`false`/`1`/`0`, decimals as text at the column's scale
 * (no rounding, precision checked), ISO 8601 dates, times and timestamps (a timestamp without
 * offset is UTC).
 * @param out (transfer full) release with its release callback
 * @param schema (transfer none) copied
 * @return 0, FLOE_EINVALID (empty input, a bad header, a bad option), FLOE_ESCHEMA,
 *         FLOE_EUNSUPPORTED (a column type CSV cannot fill), FLOE_ENOMEM
 */
FLOE_API int floe_csv_stream_from_file(struct ArrowArrayStream *out,
                                       const struct ArrowSchema *schema, FILE *f,
                                       const floe_csv_options *opts);

/**
 * floe_csv_stream_from_file() on the file at `path` (opened here; source_name defaults to
 * `path`). FLOE_ENOTFOUND when it does not exist, FLOE_EIO when it cannot be opened.
 */
FLOE_API int floe_csv_stream_open(struct ArrowArrayStream *out, const struct ArrowSchema *schema,
                                  const char *path, const floe_csv_options *opts);

FLOE_END_DECLS

#endif
