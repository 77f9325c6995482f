/* libFuzzer target: CSV input is untrusted text (`floe table append|overwrite|upsert x.csv`).
 * Reads the bytes as CSV typed by a schema of every supported column type, two of them
 * required, in small batches and with a small record bound so that both limits are hit. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <floe/arrow/csv.h>
#include <floe/arrow/schema.h>
#include <floe/arrow/stream.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
    const char *format, *name;
    int64_t flags;
} cols[] = {
    {"l", "id", 0},
    {"b", "flag", ARROW_FLAG_NULLABLE},
    {"c", "n8", ARROW_FLAG_NULLABLE},
    {"s", "n16", ARROW_FLAG_NULLABLE},
    {"i", "n32", ARROW_FLAG_NULLABLE},
    {"f", "x32", ARROW_FLAG_NULLABLE},
    {"g", "x", ARROW_FLAG_NULLABLE},
    {"d:38,10", "amt", ARROW_FLAG_NULLABLE},
    {"tdD", "day", ARROW_FLAG_NULLABLE},
    {"ttu", "at", ARROW_FLAG_NULLABLE},
    {"tsu:", "ts", ARROW_FLAG_NULLABLE},
    {"tsn:UTC", "tn", 0},
    {"u", "name", ARROW_FLAG_NULLABLE},
    {"z", "raw", ARROW_FLAG_NULLABLE},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ArrowSchema schema;
    if (floe_arrow_schema_init(&schema, "+s", "", 0))
        return 0;
    int64_t n = (int64_t)(sizeof cols / sizeof cols[0]);
    int rc = floe_arrow_schema_alloc_children(&schema, n);
    for (int64_t i = 0; !rc && i < n; i++)
        rc =
            floe_arrow_schema_init(schema.children[i], cols[i].format, cols[i].name, cols[i].flags);
    /* fmemopen of an empty buffer is an error on some libcs: give it one byte to read */
    FILE *f =
        !rc ? fmemopen((void *)(size ? data : (const uint8_t *)"\n"), size ? size : 1, "rb") : NULL;
    if (f) {
        floe_csv_options o = FLOE_CSV_OPTIONS_INIT;
        o.batch_rows = 3;
        o.max_record_bytes = 4096;
        struct ArrowArrayStream s;
        if (floe_csv_stream_from_file(&s, &schema, f, &o) == 0) {
            for (;;) {
                struct ArrowArray b;
                if (floe_arrow_stream_get_next(&s, &b) != 0 || !b.release)
                    break;
                b.release(&b);
            }
            s.release(&s);
        }
    }
    schema.release(&schema);
    return 0;
}
