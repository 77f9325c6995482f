/* Metrics modes (`write.metadata.metrics.default`, `write.metadata.metrics.column.<name>`):
 * how much of a column's metrics a writer records in manifests. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <floe/error.h>
#include <floe/iceberg/manifest.h>

int floe_metrics_mode_parse(floe_metrics_mode *out, const char *text)
{
    out->kind = FLOE_METRICS_TRUNCATE;
    out->truncate_length = FLOE_METRICS_DEFAULT_TRUNCATE;
    if (!text)
        return floe_error_set(FLOE_EINVALID, "metrics mode is NULL");
    if (strcasecmp(text, "none") == 0) {
        out->kind = FLOE_METRICS_NONE;
        out->truncate_length = 0;
        return 0;
    }
    if (strcasecmp(text, "counts") == 0) {
        out->kind = FLOE_METRICS_COUNTS;
        out->truncate_length = 0;
        return 0;
    }
    if (strcasecmp(text, "full") == 0) {
        out->kind = FLOE_METRICS_FULL;
        out->truncate_length = 0;
        return 0;
    }
    if (strncasecmp(text, "truncate(", 9) == 0) {
        const char *p = text + 9;
        char *end = NULL;
        if (isdigit((unsigned char)*p)) {
            unsigned long n = strtoul(p, &end, 10);
            if (end && end[0] == ')' && end[1] == '\0' && n >= 1 && n <= 1000000) {
                out->truncate_length = (size_t)n;
                return 0;
            }
        }
    }
    return floe_error_set(FLOE_EINVALID,
                          "metrics mode '%s' is not one of none, counts, truncate(N) with N >= 1, "
                          "full",
                          text);
}

int floe_metrics_mode_for_column(floe_metrics_mode *out, const floe_table_metadata *md,
                                 const char *column_name)
{
    floe_metrics_mode dflt = {FLOE_METRICS_TRUNCATE, FLOE_METRICS_DEFAULT_TRUNCATE};
    *out = dflt;
    if (!md)
        return 0;
    const char *mode = NULL;
    if (column_name) {
        char key[512];
        int n = snprintf(key, sizeof(key), "write.metadata.metrics.column.%s", column_name);
        if (n > 0 && (size_t)n < sizeof(key))
            mode = floe_table_metadata_property(md, key);
    }
    if (!mode)
        mode = floe_table_metadata_property(md, "write.metadata.metrics.default");
    if (!mode)
        return 0;
    int rc = floe_metrics_mode_parse(out, mode);
    if (rc)
        *out = dflt;
    return rc;
}
