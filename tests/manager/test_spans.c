/* Trace spans of table operations: every write and maintenance operation exports a
 * "floe.table.<operation>" span (OTLP/HTTP JSON to a collector on 127.0.0.1) carrying the
 * table name and its counts; a failed operation's span has error status naming the error. */
#include "test_collector.h"
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <floe/arrow/builder.h>
#include <floe/arrow/stream.h>
#include <floe/error.h>
#include <floe/iceberg/schema_update.h>
#include <floe/table.h>
#include <floe/table_compact.h>
#include <floe/table_delete.h>
#include <floe/table_upsert.h>
#include <floe/trace.h>

static void ids(struct ArrowArrayStream *s, floe_table *t, int64_t start, int64_t n)
{
    struct ArrowSchema schema;
    assert_int_equal(floe_table_arrow_schema(&schema, t), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
    for (int64_t i = start; i < start + n; i++) {
        assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 0), i), 0);
        for (int64_t c = 1; c < schema.n_children; c++)
            assert_int_equal(floe_arrow_builder_append_null(floe_arrow_builder_child(b, c)), 0);
    }
    struct ArrowArray a;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &a, NULL), 0);
    floe_arrow_builder_free(b);
    assert_int_equal(floe_arrow_stream_from_batches(s, &schema, &a, 1), 0);
}

static int64_t append(floe_table *t, int64_t start, int64_t n)
{
    struct ArrowArrayStream s;
    ids(&s, t, start, n);
    floe_write_result r;
    if (floe_table_append(&r, t, &s, NULL))
        fail_msg("append: %s", floe_error_last());
    s.release(&s);
    return r.snapshot_id;
}

static int add_note(floe_schema_update *u, void *ctx)
{
    (void)ctx;
    floe_type *ty = NULL;
    int rc = floe_type_parse(&ty, "string");
    if (!rc)
        rc = floe_schema_update_add_column(u, NULL, "note", ty, NULL);
    floe_type_free(ty);
    return rc;
}

/* Every span of every request the collector received. (transfer full) */
static json_t *all_spans(const floe_test_collector *c)
{
    json_t *out = json_array();
    for (int i = 0; i < c->nreq; i++) {
        json_t *root = json_loads(c->req[i].body, 0, NULL);
        assert_non_null(root);
        size_t a, b, k;
        json_t *rs, *ss, *sp;
        json_array_foreach(json_object_get(root, "resourceSpans"), a, rs)
        {
            json_array_foreach(json_object_get(rs, "scopeSpans"), b, ss)
            {
                json_array_foreach(json_object_get(ss, "spans"), k, sp)
                {
                    json_array_append(out, sp);
                }
            }
        }
        json_decref(root);
    }
    return out;
}

static json_t *attr(json_t *span, const char *key)
{
    size_t i;
    json_t *kv;
    json_array_foreach(json_object_get(span, "attributes"), i, kv)
    {
        if (strcmp(json_string_value(json_object_get(kv, "key")), key) == 0)
            return json_object_get(kv, "value");
    }
    return NULL;
}

/* The n-th (0-based) span named `name`, or NULL. */
static json_t *span_named(json_t *spans, const char *name, int nth)
{
    size_t i;
    json_t *s;
    json_array_foreach(spans, i, s)
    {
        if (strcmp(json_string_value(json_object_get(s, "name")), name) == 0 && nth-- == 0)
            return s;
    }
    return NULL;
}

static json_t *must_span(json_t *spans, const char *name, int nth)
{
    json_t *s = span_named(spans, name, nth);
    if (!s)
        fail_msg("no span '%s' (#%d) exported", name, nth);
    const char *table = json_string_value(json_object_get(attr(s, "floe.table"), "stringValue"));
    assert_non_null(table);
    assert_string_equal(table, "db.t");
    return s;
}

static int64_t int_attr(json_t *span, const char *key)
{
    const char *v = json_string_value(json_object_get(attr(span, key), "intValue"));
    if (!v)
        fail_msg("span %s has no int attribute %s",
                 json_string_value(json_object_get(span, "name")), key);
    return strtoll(v, NULL, 10);
}

static int status_code(json_t *span)
{
    return (int)json_integer_value(json_object_get(json_object_get(span, "status"), "code"));
}

static void test_table_operations_export_spans(void **state)
{
    (void)state;
    setenv("no_proxy", "127.0.0.1", 1);
    setenv("NO_PROXY", "127.0.0.1", 1);
    floe_test_collector c;
    floe_test_collector_start(&c);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", c.port);
    setenv("OTEL_EXPORTER_OTLP_ENDPOINT", url, 1);
    floe_trace_options to = FLOE_TRACE_OPTIONS_INIT;
    to.max_batch = 512;
    to.max_queue = 4096;
    assert_int_equal(floe_trace_init(&to), 0);
    assert_true(floe_trace_enabled());

    floe_manager_options mo = FLOE_MANAGER_OPTIONS_INIT;
    mo.warehouse = floe_test_tmpdir("spans");
    floe_manager *m = NULL;
    assert_int_equal(floe_manager_open(&m, &mo), 0);
    assert_int_equal(floe_manager_create_namespace(m, "db", NULL, 0), 0);
    floe_table_create_options co = FLOE_TABLE_CREATE_OPTIONS_INIT;
    co.schema_text = "id long not null";
    floe_table *t = NULL;
    assert_int_equal(floe_manager_create_table(&t, m, "db.t", &co), 0);
    int64_t s1 = 0;
    for (int i = 0; i < 5; i++) {
        int64_t id = append(t, i * 10, 10);
        if (!s1)
            s1 = id;
    }
    assert_int_equal(floe_table_alter_schema(t, add_note, NULL, 0), 0);
    assert_int_equal(floe_table_manage_ref(t, FLOE_REF_CREATE, 1, "v1", -1), 0);
    assert_int_equal(floe_table_set_ref(t, "v2", s1, 1), 0);

    floe_write_result wr;
    assert_int_equal(floe_table_delete_rows(&wr, t, "id < 5", NULL), 0);
    assert_int_equal(wr.deleted_records, 5);

    struct ArrowArrayStream src;
    ids(&src, t, 45, 10); /* 45..49 exist unchanged (note null), 50..54 are new */
    const char *on[] = {"id"};
    floe_upsert_result ur;
    assert_int_equal(floe_table_upsert(&ur, t, &src, on, 1, NULL), 0);
    src.release(&src);
    assert_int_equal(ur.inserted_rows, 5);

    floe_compact_options cpo = FLOE_COMPACT_OPTIONS_INIT;
    cpo.force = 1;
    floe_compact_result *cr = NULL;
    assert_int_equal(floe_table_compact(&cr, t, &cpo), 0);
    floe_compact_result_free(cr);

    assert_int_equal(floe_table_rollback_to_snapshot(t, s1), 0);
    /* a failing operation: s1 has no ancestor 12345 */
    assert_int_equal(floe_table_rollback_to_snapshot(t, 12345), FLOE_ENOTFOUND);

    floe_expire_snapshots_options eo = FLOE_EXPIRE_SNAPSHOTS_OPTIONS_INIT;
    eo.older_than_ms = INT64_MAX;
    eo.retain_last = 1;
    floe_maintenance_result *mr = NULL;
    assert_int_equal(floe_table_expire_snapshots(&mr, t, &eo), 0);
    size_t expired = mr->snapshot_count;
    floe_maintenance_result_free(mr);
    floe_remove_orphans_options oo = FLOE_REMOVE_ORPHANS_OPTIONS_INIT;
    oo.dry_run = 1;
    assert_int_equal(floe_table_remove_orphan_files(&mr, t, &oo), 0);
    floe_maintenance_result_free(mr);
    floe_table_free(t);
    floe_manager_free(m);

    floe_trace_shutdown(); /* flushes every span: the requests are recorded by now */
    assert_true(c.nreq > 0);
    json_t *spans = all_spans(&c);
    floe_test_collector_stop(&c);

    assert_int_equal(int_attr(must_span(spans, "floe.table.append", 4), "floe.records_added"), 10);
    must_span(spans, "floe.table.alter-schema", 0);
    must_span(spans, "floe.table.create-tag", 0);
    json_t *sp = must_span(spans, "floe.table.set-tag", 0);
    assert_string_equal(json_string_value(json_object_get(attr(sp, "floe.ref"), "stringValue")),
                        "v2");
    assert_int_equal(int_attr(must_span(spans, "floe.table.delete", 0), "floe.records_deleted"), 5);
    sp = must_span(spans, "floe.table.upsert", 0);
    assert_int_equal(int_attr(sp, "floe.rows_inserted"), 5);
    assert_int_equal(int_attr(sp, "floe.rows_updated"), 0);
    assert_int_equal(status_code(sp), 0);
    must_span(spans, "floe.table.compact", 0);
    sp = must_span(spans, "floe.table.rollback", 0);
    assert_int_equal(int_attr(sp, "floe.commit_attempts"), 1);
    assert_int_not_equal(status_code(sp), 2);
    /* the failed rollback: error status with the error's name */
    sp = must_span(spans, "floe.table.rollback", 1);
    assert_int_equal(status_code(sp), 2);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(sp, "status"), "message")),
        "FLOE_ENOTFOUND");
    sp = must_span(spans, "floe.table.expire", 0);
    assert_int_equal(int_attr(sp, "floe.snapshots_expired"), (int64_t)expired);
    assert_true(expired > 0);
    /* the expiry's commit is a child span of the expire span */
    json_t *commit = must_span(spans, "floe.table.expire-snapshots", 0);
    assert_string_equal(json_string_value(json_object_get(commit, "parentSpanId")),
                        json_string_value(json_object_get(sp, "spanId")));
    sp = must_span(spans, "floe.table.remove-orphans", 0);
    assert_true(json_is_true(json_object_get(attr(sp, "floe.dry_run"), "boolValue")));
    json_decref(spans);
    unsetenv("OTEL_EXPORTER_OTLP_ENDPOINT");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_operations_export_spans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
