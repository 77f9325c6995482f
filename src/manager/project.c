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

int64_t floe_manager__child_by_id(const struct ArrowSchema *st, int32_t id)
{
    for (int64_t j = 0; id >= 0 && j < st->n_children; j++)
        if (floe_manager__field_id(st->children[j]) == id)
            return j;
    return -1;
}

/* Format version 3 promotes date to timestamp: days since the epoch become midnight UTC in
 * the timestamp's unit (the row helpers would copy the day count as it is). */
static int date_to_timestamp(floe_arrow_builder *b, const struct ArrowSchema *ws,
                             const struct ArrowArray *col, int64_t base, const int64_t *rows,
                             size_t n)
{
    int64_t per_day = 86400;
    switch (ws->format[2]) {
    case 'm':
        per_day *= 1000;
        break;
    case 'u':
        per_day *= 1000000;
        break;
    case 'n':
        per_day *= 1000000000;
        break;
    default:
        break;
    }
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

/* Struct rows, fields matched by field id (a field added later appends nulls). */
static int project_struct(floe_arrow_builder *b, const struct ArrowSchema *ws,
                          const struct ArrowSchema *fs, const struct ArrowArray *col, int64_t base,
                          const int64_t *rows, size_t n, const char *path)
{
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

/* List or map rows whose element (or key, value) layout changed: each entry's child values
 * are projected in turn. */
static int project_entries(floe_arrow_builder *b, const struct ArrowSchema *ws,
                           const struct ArrowSchema *fs, const struct ArrowArray *col, int64_t base,
                           const int64_t *rows, size_t n, const char *path)
{
    int large = strcmp(fs->format, "+L") == 0;
    int is_map = strcmp(fs->format, "+m") == 0;
    const struct ArrowArray *child = col->children[0];
    int rc = 0;
    int64_t *ks = NULL;
    size_t cap = 0;
    for (size_t r = 0; !rc && r < n; r++) {
        int64_t i = base + rows[r];
        if (floe_arrow_is_null(col, i)) {
            rc = floe_arrow_builder_append_null(b);
            continue;
        }
        int64_t at = col->offset + i;
        int64_t lo =
            large ? ((const int64_t *)col->buffers[1])[at] : ((const int32_t *)col->buffers[1])[at];
        int64_t hi = large ? ((const int64_t *)col->buffers[1])[at + 1]
                           : ((const int32_t *)col->buffers[1])[at + 1];
        size_t cnt = hi > lo ? (size_t)(hi - lo) : 0;
        if (cnt > cap) {
            int64_t *v = floe_realloc(ks, cnt * sizeof *v);
            if (!v) {
                rc = floe_error_set(FLOE_ENOMEM, "out of memory");
                break;
            }
            ks = v;
            cap = cnt;
        }
        for (size_t k = 0; k < cnt; k++)
            ks[k] = lo + (int64_t)k;
        if (!is_map) {
            rc = floe_manager__project_column(floe_arrow_builder_child(b, 0), ws->children[0],
                                              fs->children[0], child, 0, ks, cnt, path);
        } else {
            /* entries: a struct of key and value, indexed with its own offset applied */
            const struct ArrowSchema *we = ws->children[0], *fe = fs->children[0];
            rc = floe_manager__project_column(floe_arrow_builder_map_keys(b), we->children[0],
                                              fe->children[0], child->children[0], child->offset,
                                              ks, cnt, path);
            if (!rc)
                rc = floe_manager__project_column(floe_arrow_builder_map_values(b), we->children[1],
                                                  fe->children[1], child->children[1],
                                                  child->offset, ks, cnt, path);
        }
        if (!rc)
            rc = floe_arrow_builder_append_list(b);
    }
    floe_free(ks);
    return rc;
}

/* Whether a primitive file column of Arrow format `fs` (its dictionary's values when encoded)
 * may be read as the table's `ws`: the same type, an Iceberg promotion (int to long, float to
 * double, decimal to a wider one of the same scale, unknown to anything), or the same type in
 * another Arrow spelling (string or binary offsets, timestamp units and zones). */
static int primitive_readable(const struct ArrowSchema *ws, const struct ArrowSchema *fs)
{
    const char *w = ws->format;
    const char *f = fs->dictionary ? fs->dictionary->format : fs->format;
    if (strcmp(w, f) == 0 || strcmp(f, "n") == 0)
        return 1;
    if ((strcmp(w, "l") == 0 && strcmp(f, "i") == 0) ||
        (strcmp(w, "g") == 0 && strcmp(f, "f") == 0))
        return 1;
    if ((strchr("uU", w[0]) && strchr("uU", f[0]) && !w[1] && !f[1]) ||
        (strchr("zZ", w[0]) && strchr("zZ", f[0]) && !w[1] && !f[1]))
        return 1;
    if (strncmp(w, "ts", 2) == 0 && strncmp(f, "ts", 2) == 0)
        return 1;
    if (strncmp(w, "d:", 2) == 0 && strncmp(f, "d:", 2) == 0) {
        const char *ws_scale = strchr(w, ','), *fs_scale = strchr(f, ',');
        return ws_scale && fs_scale && strcmp(ws_scale, fs_scale) == 0;
    }
    return 0;
}

static int is_list_format(const char *f)
{
    return strcmp(f, "+l") == 0 || strcmp(f, "+L") == 0;
}

/* Primitive promotions are converted by the row helpers; struct fields are matched by field
 * id and lists and maps whose element, key or value changed are projected entry by entry, one
 * row at a time (only files of an older schema take these paths). */
int floe_manager__project_column(floe_arrow_builder *b, const struct ArrowSchema *ws,
                                 const struct ArrowSchema *fs, const struct ArrowArray *col,
                                 int64_t base, const int64_t *rows, size_t n, const char *path)
{
    if (strcmp(fs->format, "tdD") == 0 && strncmp(ws->format, "ts", 2) == 0)
        return date_to_timestamp(b, ws, col, base, rows, n);
    if (floe_manager__same_shape(ws, fs) ||
        (ws->n_children == 0 && fs->n_children == 0 && primitive_readable(ws, fs)))
        return floe_manager__take_column(b, fs, col, base, rows, n);
    if (strcmp(ws->format, "+s") == 0 && strcmp(fs->format, "+s") == 0)
        return project_struct(b, ws, fs, col, base, rows, n, path);
    if (!fs->dictionary && ws->n_children == 1 && fs->n_children == 1 &&
        ((is_list_format(ws->format) && is_list_format(fs->format)) ||
         (strcmp(ws->format, "+m") == 0 && strcmp(fs->format, "+m") == 0 &&
          ws->children[0]->n_children == 2 && fs->children[0]->n_children == 2)))
        return project_entries(b, ws, fs, col, base, rows, n, path);
    return floe_error_set(
        FLOE_EUNSUPPORTED,
        "column '%s' of data file '%s' has Arrow format '%s' but the table's "
        "schema now has '%s', which no promotion leads to; its rows cannot be read as "
        "the current schema",
        ws->name ? ws->name : "", path ? path : "", fs->format, ws->format);
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
