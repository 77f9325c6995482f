/* libFuzzer target: opens the input as a Parquet file and reads everything the reader
 * exposes (footer JSON, Arrow schema, every batch of every column). Any crash, leak, hang or
 * sanitizer report is a bug; errors are expected and fine. */
#include <stddef.h>
#include <stdint.h>

#include <floe/arrow/validate.h>
#include <floe/error.h>
#include <stdlib.h>
#include <floe/io.h>
#include <floe/parquet/reader.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    floe_input_file *in = NULL;
    if (floe_input_file_from_memory(&in, data, size, "fuzz.parquet") != 0)
        return 0;
    floe_parquet_reader_options opt = FLOE_PARQUET_READER_OPTIONS_INIT;
    opt.batch_size = 7; /* small batches exercise rows spanning batches and pages */
    floe_parquet_reader *r = NULL;
    if (floe_parquet_reader_open(&r, in, &opt) == 0) {
        json_t *md = NULL;
        if (floe_parquet_reader_metadata_json(&md, r) == 0)
            json_decref(md);
        struct ArrowSchema schema;
        if (floe_parquet_reader_schema(&schema, r) == 0) {
            struct ArrowArrayStream stream;
            if (floe_parquet_reader_stream(&stream, r) == 0) {
                for (int batches = 0; batches < 100000; batches++) {
                    struct ArrowArray batch;
                    if (stream.get_next(&stream, &batch) != 0 || !batch.release)
                        break;
                    /* A batch the reader hands out must be well-formed whatever the input. */
                    if (floe_arrow_validate(&schema, &batch, 0) != 0)
                        abort();
                    batch.release(&batch);
                }
                stream.release(&stream);
            }
            schema.release(&schema);
        }
        floe_parquet_reader_free(r);
    }
    floe_input_close(in);
    return 0;
}
