#include "test_support.h"

#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/expr.h>

static const char *schema_json =
    "{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
    "{\"id\":1,\"name\":\"id\",\"required\":false,\"type\":\"long\"},"
    "{\"id\":2,\"name\":\"ts\",\"required\":false,\"type\":\"timestamp\"},"
    "{\"id\":3,\"name\":\"region\",\"required\":false,\"type\":\"string\"}]}";

/* spec: ts_day = day(ts), region = identity(region), id_bucket = bucket[16](id) */
static void residual(const char *filter, floe_literal day, floe_literal region, floe_literal bucket,
                     const char *want)
{
    floe_schema *s;
    assert_int_equal(floe_schema_from_json(&s, schema_json, strlen(schema_json)), 0);
    floe_partition_spec *spec;
    floe_partition_spec_new(&spec, 1);
    floe_partition_spec_add_field(spec, 2, -1, "ts_day", "day");
    floe_partition_spec_add_field(spec, 3, -1, "region", "identity");
    floe_partition_spec_add_field(spec, 1, -1, "id_bucket", "bucket[16]");
    floe_expr *u, *b, *r;
    assert_int_equal(floe_expr_parse(&u, filter), 0);
    assert_int_equal(floe_expr_bind(&b, u, s, true), 0);
    floe_literal part[3] = {day, region, bucket};
    if (floe_expr_residual(&r, b, spec, s, part))
        fail_msg("residual %s: %s", filter, floe_error_last());
    char *text;
    assert_int_equal(floe_expr_to_string(&text, r), 0);
    if (strcmp(text, want) != 0)
        fail_msg("residual of '%s': got '%s', want '%s'", filter, text, want);
    floe_iceberg_free_string(text);
    floe_expr_free(r);
    floe_expr_free(b);
    floe_expr_free(u);
    floe_partition_spec_free(spec);
    floe_schema_free(s);
}

static void test_residuals_against_partition_tuples(void **state)
{
    (void)state;
    floe_literal day = floe_literal_date(19723); /* 2024-01-01 */
    floe_literal eu = floe_literal_string("eu", 2);
    floe_literal b3 = floe_literal_int(3);
    /* identity: decided entirely by the partition */
    residual("region = 'eu'", day, eu, b3, "true");
    residual("region = 'us'", day, eu, b3, "false");
    residual("region != 'us'", day, eu, b3, "true");
    residual("region in ('us', 'eu')", day, eu, b3, "true");
    residual("region is null", day, eu, b3, "false");
    /* day: whole-day predicates fold; partial days stay */
    residual("ts >= '2024-01-01T00:00:00'", day, eu, b3, "true");
    residual("ts >= '2024-01-02T00:00:00'", day, eu, b3, "false");
    residual("ts < '2024-01-01T00:00:00'", day, eu, b3, "false");
    residual("ts >= '2024-01-01T12:00:00'", day, eu, b3, "ts >= '2024-01-01T12:00:00.000000'");
    residual("ts < '2024-01-02T00:00:00'", day, eu, b3, "true");
    /* bucket: equality can rule a file out, never in */
    residual("id = 34", day, eu, b3, "id = 34");
    residual("id = 34", day, eu, floe_literal_int(4), "false");
    residual("id != 34", day, eu, floe_literal_int(4), "true");
    /* combinations */
    residual("region = 'eu' and id = 34", day, eu, b3, "id = 34");
    residual("region = 'us' or id = 34", day, eu, b3, "id = 34");
    residual("region = 'eu' or id = 34", day, eu, b3, "true");
    residual("not (region = 'eu') and ts >= '2024-01-01T12:00:00'", day, eu, b3, "false");
    /* a null partition value decides only null checks */
    floe_literal nul = floe_literal_null(FLOE_TYPE_STRING);
    residual("region = 'eu'", day, nul, b3, "false");
    residual("region is null", day, nul, b3, "true");
    residual("region is not null", day, nul, b3, "false");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_residuals_against_partition_tuples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
