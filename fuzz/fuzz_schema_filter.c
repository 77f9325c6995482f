/* libFuzzer target: schema, partition-spec and sort-order JSON (from metadata files of other
 * engines) and filter text (from the CLI). The input is up to four NUL-separated parts:
 * schema JSON, partition spec JSON, sort order JSON, filter text. What parses is checked
 * against the schema, and the filter is parsed, printed, negated and bound. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <floe/iceberg/expr.h>
#include <floe/iceberg/partition.h>
#include <floe/iceberg/schema.h>
#include <floe/iceberg/sort_order.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *part[4] = {NULL, NULL, NULL, NULL};
    size_t len[4] = {0, 0, 0, 0};
    const char *p = (const char *)data, *end = p + size;
    for (int i = 0; i < 4 && p <= end; i++) {
        const char *nul = i < 3 ? memchr(p, 0, (size_t)(end - p)) : NULL;
        part[i] = p;
        len[i] = nul ? (size_t)(nul - p) : (size_t)(end - p);
        if (!nul)
            break;
        p = nul + 1;
    }
    floe_schema *schema = NULL;
    floe_partition_spec *spec = NULL;
    floe_sort_order *order = NULL;
    if (part[0])
        (void)floe_schema_from_json(&schema, part[0], len[0]);
    if (part[1] && floe_partition_spec_from_json(&spec, part[1], len[1]) == 0 && schema)
        (void)floe_partition_spec_check(spec, schema);
    if (part[2])
        (void)floe_sort_order_from_json(&order, part[2], len[2]);
    if (part[3]) {
        char *text = malloc(len[3] + 1);
        if (text) {
            memcpy(text, part[3], len[3]);
            text[len[3]] = '\0';
            floe_expr *e = NULL;
            if (floe_expr_parse(&e, text) == 0) {
                char *printed = NULL;
                if (floe_expr_to_string(&printed, e) == 0)
                    free(printed);
                floe_expr *n = NULL;
                if (floe_expr_rewrite_not(&n, e) == 0)
                    floe_expr_free(n);
                if (schema) {
                    floe_expr *b = NULL;
                    if (floe_expr_bind(&b, e, schema, false) == 0)
                        floe_expr_free(b);
                }
            }
            floe_expr_free(e);
            free(text);
        }
    }
    floe_sort_order_free(order);
    floe_partition_spec_free(spec);
    floe_schema_free(schema);
    return 0;
}
