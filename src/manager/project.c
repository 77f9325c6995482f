/* Projection of file batches onto the current schema by field id (see project.h). */
#include "manager/project.h"

#include <inttypes.h>
#include <string.h>

#include <floe/arrow/schema.h>
#include <floe/arrow/value.h>
#include <floe/error.h>

#include "base/alloc.h"
#include "manager/arrow_rows.h"

int32_t floe_manager__field_id(const struct ArrowSchema *field)
{
    int32_t id = -1;
    return floe_arrow_schema_field_id(&id, field) == 0 ? id : -1;
}

int64_t floe_manager__child_by_id(const struct ArrowSchema *st, int32_t id)
{
    for (int64_t j = 0; id >= 0 && j < st->n_children; j++)
        if (floe_manager__field_id(st->children[j]) == id)
            return j;
    return -1;
}

int floe_manager__same_shape(const struct ArrowSchema *want, const struct ArrowSchema *got)
{
    if (strcmp(want->format, got->format) != 0 || want->n_children != got->n_children ||
        (want->dictionary == NULL) != (got->dictionary == NULL))
        return 0;
    for (int64_t i = 0; i < want->n_children; i++)
        if (floe_manager__field_id(want->children[i]) != floe_manager__field_id(got->children[i]) ||
            !floe_manager__same_shape(want->children[i], got->children[i]))
            return 0;
    return 1;
}

/* Format version 3 promotes date to timestamp: days since the epoch become midnight UTC in
 * the timestamp's unit (the row helpers would copy the day count as it is). */
static int date_to_timestamp(floe_arrow_builder *b, const struct ArrowSchema *ws,
                             const struct ArrowArray *col, int64_t base, const int64_t *rows,
                             size_t n)
{
    int64_t per_day = 86400;
    if (ws->format[2] == 'm')
        per_day *= 1000;
    else if (ws->format[2] == 'u')
        per_day *= 1000000;
    else if (ws->format[2] == 'n')
        per_day *= 1000000000;
    int rc = 0;
    for (size_t r = 0; !rc && r < n; r++) {
        int64_t i = base + rows[r];
        if (floe_arrow_is_null(col, i)) {
            rc = floe_arrow_builder_append_null(b);
            continue;
        }
        int64_t days = floe_arrow_get_int32(col, i);
        if (days > INT64_MAX / per_day || days < INT64_MIN / per_day)
            return floe_error_set(FLOE_ERANGE,
                                  "date %" PRId64 " days from the epoch does not fit column "
                                  "'%s' (%s) it was promoted to",
                                  days, ws->name ? ws->name : "", ws->format);
        rc = floe_arrow_builder_append_int(b, days * per_day);
    }
    return rc;
}

int floe_manager__project_column(floe_arrow_builder *b, const struct ArrowSchema *ws,
                                 const struct ArrowSchema *fs, const struct ArrowArray *col,
                                 int64_t base, const int64_t *rows, size_t n, const char *path)
{
    if (strcmp(fs->format, "tdD") == 0 && strncmp(ws->format, "ts", 2) == 0)
        return date_to_timestamp(b, ws, col, base, rows, n);
    if ((ws->n_children == 0 && fs->n_children == 0 && !fs->dictionary) ||
        floe_manager__same_shape(ws, fs))
        return floe_manager__take_column(b, fs, col, base, rows, n);
    if (strcmp(ws->format, "+s") != 0 || strcmp(fs->format, "+s") != 0)
        return floe_error_set(FLOE_EUNSUPPORTED,
                              "column '%s' of data file '%s' is a list or map whose layout "
                              "changed since the file was written (format '%s', now '%s'); "
                              "its rows cannot be rewritten",
                              ws->name ? ws->name : "", path ? path : "", fs->format, ws->format);
    int64_t *map = floe_calloc((size_t)(ws->n_children ? ws->n_children : 1), sizeof *map);
    if (!map)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    for (int64_t c = 0; c < ws->n_children; c++)
        map[c] = floe_manager__child_by_id(fs, floe_manager__field_id(ws->children[c]));
    int rc = 0;
    for (size_t r = 0; !rc && r < n; r++) {
        int64_t i = base + rows[r];
        if (floe_arrow_is_null(col, i)) {
            rc = floe_arrow_builder_append_null(b);
            continue;
        }
        /* the struct's children are indexed with the struct's own offset applied */
        const int64_t zero = 0;
        for (int64_t c = 0; !rc && c < ws->n_children; c++) {
            floe_arrow_builder *cb = floe_arrow_builder_child(b, c);
            rc = map[c] < 0
                     ? floe_arrow_builder_append_null(cb)
                     : floe_manager__project_column(cb, ws->children[c], fs->children[map[c]],
                                                    col->children[map[c]], col->offset + i, &zero,
                                                    1, path);
        }
        if (!rc)
            rc = floe_arrow_builder_append_struct(b);
    }
    floe_free(map);
    return rc;
}

int floe_manager__project_batch(struct ArrowArray *out, const struct ArrowSchema *want,
                                const struct ArrowSchema *fschema, const struct ArrowArray *batch,
                                const int64_t *rows, size_t n, const char *path)
{
    memset(out, 0, sizeof *out);
    floe_arrow_builder *b = NULL;
    int rc = floe_arrow_builder_new(&b, want);
    for (int64_t c = 0; !rc && c < want->n_children; c++) {
        int64_t src = floe_manager__child_by_id(fschema, floe_manager__field_id(want->children[c]));
        floe_arrow_builder *cb = floe_arrow_builder_child(b, c);
        rc = src < 0
                 ? floe_arrow_builder_append_nulls(cb, (int64_t)n)
                 : floe_manager__project_column(cb, want->children[c], fschema->children[src],
                                                batch->children[src], batch->offset, rows, n, path);
    }
    if (!rc)
        rc = floe_arrow_builder_finish_batch(b, out, NULL);
    floe_arrow_builder_free(b);
    return rc;
}
