/* Reading a data file through the table's current schema: columns are matched by Iceberg
 * field id at every level (project.c), as the spec requires for files written before a schema
 * change. Used by every path that rewrites rows of existing files (overwrite, delete, upsert,
 * compaction) and by scans. */
#ifndef FLOE_MANAGER_PROJECT_H
#define FLOE_MANAGER_PROJECT_H

#include <stddef.h>
#include <stdint.h>

#include <floe/arrow/abi.h>
#include <floe/arrow/builder.h>

/* The field id of an Arrow field (PARQUET:field_id metadata), or -1. */
int32_t floe_manager__field_id(const struct ArrowSchema *field);

/* The child of struct schema `st` with field id `id`, or -1. */
int64_t floe_manager__child_by_id(const struct ArrowSchema *st, int32_t id);

/* Non-zero when the two fields store data alike: formats and field ids equal at every level
 * (names may differ: a renamed column keeps its id and its data). */
int floe_manager__same_shape(const struct ArrowSchema *want, const struct ArrowSchema *got);

/* Appends values base + rows[0..n) of the file's column `col` (file field `fs`) to builder
 * `b` of the current schema's field `ws`: primitive promotions (int to long, float to double,
 * wider decimals, date to timestamp as midnight UTC) are converted; struct fields are matched
 * by field id (absent ones read null); lists and maps whose element, key or value evolved are
 * converted entry by entry. A file type no promotion leads to is FLOE_EUNSUPPORTED naming the
 * column and `path`, the data file. */
int floe_manager__project_column(floe_arrow_builder *b, const struct ArrowSchema *ws,
                                 const struct ArrowSchema *fs, const struct ArrowArray *col,
                                 int64_t base, const int64_t *rows, size_t n, const char *path);

/* A batch of struct schema `want` (the current columns, with field ids) from rows
 * rows[0..n) of file batch `batch` (struct schema `fschema`): each column of `want` is the
 * file column with its field id (floe_manager__project_column), or nulls when the file has
 * none (a column added later, or dropped and added again under a new id). */
int floe_manager__project_batch(struct ArrowArray *out, const struct ArrowSchema *want,
                                const struct ArrowSchema *fschema, const struct ArrowArray *batch,
                                const int64_t *rows, size_t n, const char *path);

#endif
