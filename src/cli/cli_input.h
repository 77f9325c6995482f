/* Input files of the CLI's write commands as Arrow streams (cli_input.c). */
#ifndef FLOE_CLI_INPUT_H
#define FLOE_CLI_INPUT_H

#include <stddef.h>

#include <floe/arrow/abi.h>
#include <floe/table.h>

/* One input file as a stream that owns its resources (release it when done). A `.csv` file
 * has a header row; its columns are matched to the table's by name and typed by the table
 * schema (the stream has the table's columns, absent ones null). Any other file is read as
 * Parquet with its own schema. */
int floe_cli__input_stream(struct ArrowArrayStream *out, floe_table *t, const char *path);

/* The files read in turn as one stream; each must have the first file's columns (names and
 * Arrow types, in order). Files after the first are opened when reached. `paths` must
 * outlive the stream. */
int floe_cli__inputs_stream(struct ArrowArrayStream *out, floe_table *t, const char *const *paths,
                            size_t n);

/* The Arrow schema of a Parquet file. (transfer full) */
int floe_cli__parquet_schema(struct ArrowSchema *out, const char *path);

#endif
