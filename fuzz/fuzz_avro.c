/* libFuzzer target: treats the input as an Avro object container file, decodes every record
 * with the writer's schema and renders it as JSON; then re-reads the file against a fixed
 * reader schema (exercising schema resolution). Any crash, leak or sanitizer report is a bug;
 * errors are expected and ignored. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <floe/avro.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char reader_json[] =
    "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
    "{\"name\":\"a\",\"type\":[\"null\",\"long\"],\"field-id\":1},"
    "{\"name\":\"b\",\"type\":[\"null\",\"string\"],\"field-id\":2},"
    "{\"name\":\"c\",\"type\":[\"null\",{\"type\":\"array\",\"items\":\"double\"}],"
    "\"field-id\":3}]}";

static void read_all(const uint8_t *data, size_t size, const floe_avro_schema *reader_schema)
{
    floe_avro_reader_options o = FLOE_AVRO_READER_OPTIONS_INIT;
    o.reader_schema = reader_schema;
    o.max_block_bytes = 1 << 22;
    o.max_header_bytes = 1 << 20;
    floe_avro_reader *r = NULL;
    if (floe_avro_reader_open_memory(&r, data, size, &o) != 0)
        return;
    floe_avro_value *v = NULL;
    if (floe_avro_value_new(&v, floe_avro_reader_schema(r)) == 0) {
        for (int n = 0; n < 100000; n++) {
            int has = 0;
            if (floe_avro_reader_next(&has, r, v) != 0 || !has)
                break;
            char *json = NULL;
            if (floe_avro_value_to_json(&json, v, (unsigned)(n & 1)) == 0)
                free(json);
        }
    }
    floe_avro_value_free(v);
    floe_avro_reader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static floe_avro_schema *reader_schema;
    if (!reader_schema &&
        floe_avro_schema_parse(&reader_schema, reader_json, sizeof reader_json - 1) != 0)
        abort();
    read_all(data, size, NULL);
    read_all(data, size, reader_schema);
    return 0;
}
