/* The catalog contract cases. Each case gets a fresh catalog from the factory and checks one
 * behaviour of the floe_catalog_plugin interface: namespaces (US3), tables (US4), commits
 * (DESIGN §2), credentials and health (US6), with the error codes the interface documents. */
#include "catalog_contract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>

#include "test_support.h"

const char floe_catalog_contract_schema[] =
    "{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
    "{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"},"
    "{\"id\":2,\"name\":\"name\",\"required\":false,\"type\":\"string\"}]}";

static const floe_catalog_contract *contract;

static int setup(void **state)
{
    floe_catalog_plugin *c = NULL;
    int rc = contract->create(&c, contract->ctx);
    if (rc != 0) {
        print_error("creating the catalog under test failed: %s\n", floe_error_last());
        return -1;
    }
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    floe_catalog_plugin *c = *state;
    if (c)
        c->free(c);
    return 0;
}

/* ---- helpers ---- */

typedef struct names {
    char items[32][128];
    size_t n;
    int stop_after; /* 0: never */
} names;

static int collect(const char *name, void *ctx)
{
    names *l = ctx;
    if (l->n < 32)
        snprintf(l->items[l->n++], sizeof l->items[0], "%s", name);
    if (l->stop_after && (int)l->n >= l->stop_after)
        return 77;
    return 0;
}

static json_t *request_for(const char *schema)
{
    json_t *r = json_object();
    json_object_set_new(r, "schema", json_loads(schema, 0, NULL));
    return r;
}

static json_t *make_table(floe_catalog_plugin *c, const char *ns, const char *name)
{
    json_t *req = request_for(floe_catalog_contract_schema);
    json_t *out = NULL;
    int rc = c->create_table(&out, c, ns, name, req);
    json_decref(req);
    if (rc != 0)
        fail_msg("create_table %s.%s: %s", ns, name, floe_error_last());
    return out;
}

static void ns(floe_catalog_plugin *c, const char *name)
{
    int rc = c->create_namespace(c, name, NULL);
    if (rc != 0)
        fail_msg("create_namespace %s: %s", name, floe_error_last());
}

static int commit(json_t **out, floe_catalog_plugin *c, const char *n, const char *t,
                  const char *request_json)
{
    json_error_t err;
    json_t *req = json_loads(request_json, 0, &err);
    if (!req)
        fail_msg("bad request JSON in test: %s", err.text);
    int rc = c->commit_table(out, c, n, t, req);
    json_decref(req);
    return rc;
}

static const char *metadata_location(const json_t *result)
{
    return json_string_value(json_object_get(result, "metadata-location"));
}

/* ---- connect ---- */

static void test_connect_is_idempotent_FR_001(void **state)
{
    floe_catalog_plugin *c = *state;
    assert_int_equal(c->version >= 1, 1);
    assert_int_equal(c->connect(c), 0);
    assert_int_equal(c->connect(c), 0);
}

/* ---- namespaces (US3) ---- */

static void test_namespace_create_exists_duplicate_FR_010(void **state)
{
    floe_catalog_plugin *c = *state;
    int exists = -1;
    assert_int_equal(c->namespace_exists(&exists, c, "sales"), 0);
    assert_int_equal(exists, 0);
    assert_int_equal(c->create_namespace(c, "sales", NULL), 0);
    assert_int_equal(c->namespace_exists(&exists, c, "sales"), 0);
    assert_int_equal(exists, 1);
    assert_int_equal(c->create_namespace(c, "sales", NULL), FLOE_EEXISTS);
    assert_non_null(strstr(floe_error_last(), "sales"));
}

static void test_namespace_invalid_names_rejected(void **state)
{
    floe_catalog_plugin *c = *state;
    assert_int_equal(c->create_namespace(c, "", NULL), FLOE_EINVALID);
    assert_int_equal(c->create_namespace(c, "a..b", NULL), FLOE_EINVALID);
    assert_int_equal(c->create_namespace(c, ".a", NULL), FLOE_EINVALID);
    assert_int_equal(c->create_namespace(c, "a.", NULL), FLOE_EINVALID);
}

static void test_namespace_nested_listing_FR_011(void **state)
{
    floe_catalog_plugin *c = *state;
    ns(c, "x");
    ns(c, "a");
    ns(c, "a.b");
    ns(c, "a.b.c");
    ns(c, "a.d");
    names top = {0};
    assert_int_equal(c->list_namespaces(c, NULL, collect, &top), 0);
    assert_int_equal(top.n, 2);
    assert_string_equal(top.items[0], "a");
    assert_string_equal(top.items[1], "x");
    names under_a = {0};
    assert_int_equal(c->list_namespaces(c, "a", collect, &under_a), 0);
    assert_int_equal(under_a.n, 2);
    assert_string_equal(under_a.items[0], "a.b");
    assert_string_equal(under_a.items[1], "a.d");
    names under_ab = {0};
    assert_int_equal(c->list_namespaces(c, "a.b", collect, &under_ab), 0);
    assert_int_equal(under_ab.n, 1);
    assert_string_equal(under_ab.items[0], "a.b.c");
    names leaf = {0};
    assert_int_equal(c->list_namespaces(c, "a.b.c", collect, &leaf), 0);
    assert_int_equal(leaf.n, 0);
    names none = {0};
    assert_int_equal(c->list_namespaces(c, "nope", collect, &none), FLOE_ENOTFOUND);
    names stop = {.stop_after = 1};
    assert_int_equal(c->list_namespaces(c, NULL, collect, &stop), 77);
    assert_int_equal(stop.n, 1);
}

static void test_namespace_properties_load_and_update_FR_012(void **state)
{
    floe_catalog_plugin *c = *state;
    json_t *props = json_pack("{s:s,s:s}", "owner", "alice", "tier", "gold");
    assert_int_equal(c->create_namespace(c, "sales", props), 0);
    json_decref(props);
    json_t *loaded = NULL;
    assert_int_equal(c->load_namespace_properties(&loaded, c, "sales"), 0);
    assert_string_equal(json_string_value(json_object_get(loaded, "owner")), "alice");
    assert_string_equal(json_string_value(json_object_get(loaded, "tier")), "gold");
    json_decref(loaded);

    json_t *removals = json_pack("[s,s]", "owner", "absent");
    json_t *updates = json_pack("{s:s,s:s}", "tier", "silver", "region", "eu");
    json_t *res = NULL;
    assert_int_equal(c->update_namespace_properties(&res, c, "sales", removals, updates), 0);
    assert_int_equal(json_array_size(json_object_get(res, "updated")), 2);
    assert_int_equal(json_array_size(json_object_get(res, "removed")), 1);
    assert_string_equal(json_string_value(json_array_get(json_object_get(res, "removed"), 0)),
                        "owner");
    assert_int_equal(json_array_size(json_object_get(res, "missing")), 1);
    assert_string_equal(json_string_value(json_array_get(json_object_get(res, "missing"), 0)),
                        "absent");
    json_decref(res);
    json_decref(removals);
    json_decref(updates);

    assert_int_equal(c->load_namespace_properties(&loaded, c, "sales"), 0);
    assert_null(json_object_get(loaded, "owner"));
    assert_string_equal(json_string_value(json_object_get(loaded, "tier")), "silver");
    assert_string_equal(json_string_value(json_object_get(loaded, "region")), "eu");
    json_decref(loaded);

    /* the same key removed and set is ambiguous */
    removals = json_pack("[s]", "tier");
    updates = json_pack("{s:s}", "tier", "x");
    assert_int_equal(c->update_namespace_properties(NULL, c, "sales", removals, updates),
                     FLOE_EINVALID);
    json_decref(removals);
    json_decref(updates);

    assert_int_equal(c->load_namespace_properties(&loaded, c, "missing"), FLOE_ENOTFOUND);
    assert_int_equal(c->update_namespace_properties(NULL, c, "missing", NULL, NULL),
                     FLOE_ENOTFOUND);
}

static void test_namespace_delete_empty_and_missing_FR_013(void **state)
{
    floe_catalog_plugin *c = *state;
    ns(c, "tmp");
    assert_int_equal(c->delete_namespace(c, "tmp"), 0);
    int exists = 1;
    assert_int_equal(c->namespace_exists(&exists, c, "tmp"), 0);
    assert_int_equal(exists, 0);
    assert_int_equal(c->delete_namespace(c, "tmp"), FLOE_ENOTFOUND);
}

static void test_namespace_delete_not_empty_names_tables_FR_013(void **state)
{
    floe_catalog_plugin *c = *state;
    ns(c, "sales");
    json_decref(make_table(c, "sales", "c"));
    json_decref(make_table(c, "sales", "a"));
    json_decref(make_table(c, "sales", "b"));
    assert_int_equal(c->delete_namespace(c, "sales"), FLOE_ENOTEMPTY);
    assert_non_null(
        strstr(floe_error_last(), "namespace 'sales' is not empty: it has 3 tables (a, b, c)"));
    int exists = 0;
    assert_int_equal(c->namespace_exists(&exists, c, "sales"), 0);
    assert_int_equal(exists, 1);

    ns(c, "ops");
    ns(c, "ops.raw");
    assert_int_equal(c->delete_namespace(c, "ops"), FLOE_ENOTEMPTY);
    assert_non_null(strstr(floe_error_last(), "ops.raw"));
}

/* ---- tables (US4) ---- */

static void test_table_create_writes_v2_metadata_with_fresh_ids_FR_014(void **state)
{
    floe_catalog_plugin *c = *state;
    ns(c, "sales");
    /* ids in the request are reassigned from 1 */
    json_t *req =
        request_for("{\"type\":\"struct\",\"schema-id\":7,\"fields\":["
                    "{\"id\":40,\"name\":\"a\",\"required\":true,\"type\":\"int\"},"
                    "{\"id\":50,\"name\":\"b\",\"required\":false,\"type\":\"string\"}]}");
    json_object_set_new(req, "properties", json_pack("{s:s}", "owner", "bob"));
    json_t *out = NULL;
    assert_int_equal(c->create_table(&out, c, "sales", "orders", req), 0);
    json_decref(req);
    const json_t *md = json_object_get(out, "metadata");
    assert_int_equal(json_integer_value(json_object_get(md, "format-version")), 2);
    const char *location = json_string_value(json_object_get(md, "location"));
    assert_non_null(location);
    const char *mloc = metadata_location(out);
    assert_non_null(mloc);
    assert_int_equal(strncmp(mloc, location, strlen(location)), 0);
    assert_non_null(strstr(mloc, "/metadata/"));
    assert_non_null(strstr(mloc, ".metadata.json"));
    json_t *schema = json_array_get(json_object_get(md, "schemas"), 0);
    json_t *fields = json_object_get(schema, "fields");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(fields, 0), "id")), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(fields, 1), "id")), 2);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(md, "properties"), "owner")), "bob");
    assert_non_null(json_string_value(json_object_get(md, "table-uuid")));
    json_decref(out);
}

static void test_table_create_errors_FR_018(void **state)
{
    floe_catalog_plugin *c = *state;
    json_t *req = request_for(floe_catalog_contract_schema);
    json_t *out = NULL;
    assert_int_equal(c->create_table(&out, c, "nope", "t", req), FLOE_ENOTFOUND);
    assert_null(out);
    ns(c, "sales");
    assert_int_equal(c->create_table(&out, c, "sales", "t", req), 0);
    json_decref(out);
    out = NULL;
    assert_int_equal(c->create_table(&out, c, "sales", "t", req), FLOE_EEXISTS);
    assert_null(out);
    json_decref(req);
    json_t *no_schema = json_object();
    assert_int_equal(c->create_table(&out, c, "sales", "u", no_schema), FLOE_EINVALID);
    json_decref(no_schema);
}

static void test_table_load_exists_and_missing_FR_015(void **state)
{
    floe_catalog_plugin *c = *state;
    ns(c, "sales");
    json_t *created = make_table(c, "sales", "orders");
    json_t *loaded = NULL;
    assert_int_equal(c->load_table(&loaded, c, "sales", "orders"), 0);
    assert_string_equal(metadata_location(loaded), metadata_location(created));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(loaded, "metadata"), "table-uuid")),
        json_string_value(json_object_get(json_object_get(created, "metadata"), "table-uuid")));
    json_decref(loaded);
    json_decref(created);
    int exists = 0;
    assert_int_equal(c->table_exists(&exists, c, "sales", "orders"), 0);
    assert_int_equal(exists, 1);
    assert_int_equal(c->table_exists(&exists, c, "sales", "other"), 0);
    assert_int_equal(exists, 0);
    loaded = NULL;
    assert_int_equal(c->load_table(&loaded, c, "sales", "other"), FLOE_ENOTFOUND);
    assert_non_null(strstr(floe_error_last(), "other"));
}

static void test_table_list_sorted_and_scoped_FR_016(void **state)
{
    floe_catalog_plugin *c = *state;
    ns(c, "sales");
    ns(c, "sales.raw");
    json_decref(make_table(c, "sales", "zeta"));
    json_decref(make_table(c, "sales", "alpha"));
    json_decref(make_table(c, "sales.raw", "inner"));
    names l = {0};
    assert_int_equal(c->list_tables(c, "sales", collect, &l), 0);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.items[0], "alpha");
    assert_string_equal(l.items[1], "zeta");
    names r = {0};
    assert_int_equal(c->list_tables(c, "sales.raw", collect, &r), 0);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.items[0], "inner");
    names m = {0};
    assert_int_equal(c->list_tables(c, "nope", collect, &m), FLOE_ENOTFOUND);
}

static void test_table_rename_and_move_FR_017(void **state)
{
    floe_catalog_plugin *c = *state;
    ns(c, "a");
    ns(c, "b");
    json_t *created = make_table(c, "a", "t");
    json_decref(make_table(c, "a", "other"));
    assert_int_equal(c->rename_table(c, "a", "t", "b", "t2"), 0);
    int exists = 1;
    assert_int_equal(c->table_exists(&exists, c, "a", "t"), 0);
    assert_int_equal(exists, 0);
    json_t *loaded = NULL;
    assert_int_equal(c->load_table(&loaded, c, "b", "t2"), 0);
    assert_string_equal(metadata_location(loaded), metadata_location(created));
    json_decref(loaded);
    json_decref(created);
    assert_int_equal(c->rename_table(c, "a", "missing", "b", "x"), FLOE_ENOTFOUND);
    assert_int_equal(c->rename_table(c, "b", "t2", "a", "other"), FLOE_EEXISTS);
    assert_int_equal(c->rename_table(c, "b", "t2", "nowhere", "t"), FLOE_ENOTFOUND);
}

static void test_table_drop_with_and_without_purge_FR_017(void **state)
{
    floe_catalog_plugin *c = *state;
    ns(c, "sales");
    json_decref(make_table(c, "sales", "keep"));
    json_decref(make_table(c, "sales", "gone"));
    assert_int_equal(c->drop_table(c, "sales", "keep", 0), 0);
    assert_int_equal(c->drop_table(c, "sales", "gone", 1), 0);
    int exists = 1;
    assert_int_equal(c->table_exists(&exists, c, "sales", "keep"), 0);
    assert_int_equal(exists, 0);
    assert_int_equal(c->table_exists(&exists, c, "sales", "gone"), 0);
    assert_int_equal(exists, 0);
    assert_int_equal(c->drop_table(c, "sales", "keep", 0), FLOE_ENOTFOUND);
    /* an emptied namespace can be deleted */
    assert_int_equal(c->delete_namespace(c, "sales"), 0);
}

static void test_table_register_existing_metadata(void **state)
{
    floe_catalog_plugin *c = *state;
    ns(c, "sales");
    json_t *created = make_table(c, "sales", "orig");
    char *mloc = strdup(metadata_location(created));
    assert_int_equal(c->drop_table(c, "sales", "orig", 0), 0);
    json_t *reg = NULL;
    assert_int_equal(c->register_table(&reg, c, "sales", "back", mloc), 0);
    assert_string_equal(metadata_location(reg), mloc);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(reg, "metadata"), "table-uuid")),
        json_string_value(json_object_get(json_object_get(created, "metadata"), "table-uuid")));
    json_decref(reg);
    json_t *again = NULL;
    assert_int_equal(c->register_table(&again, c, "sales", "back", mloc), FLOE_EEXISTS);
    assert_int_equal(c->register_table(&again, c, "nope", "x", mloc), FLOE_ENOTFOUND);
    free(mloc);
    json_decref(created);
}

/* ---- commits ---- */

static void test_commit_applies_updates_and_moves_pointer(void **state)
{
    floe_catalog_plugin *c = *state;
    ns(c, "sales");
    json_t *created = make_table(c, "sales", "orders");
    const char *uuid =
        json_string_value(json_object_get(json_object_get(created, "metadata"), "table-uuid"));
    char req[512];
    snprintf(req, sizeof req,
             "{\"requirements\":[{\"type\":\"assert-table-uuid\",\"uuid\":\"%s\"}],"
             "\"updates\":[{\"action\":\"set-properties\",\"updates\":{\"k\":\"v\"}}]}",
             uuid);
    json_t *res = NULL;
    assert_int_equal(commit(&res, c, "sales", "orders", req), 0);
    assert_string_not_equal(metadata_location(res), metadata_location(created));
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_object_get(res, "metadata"), "properties"), "k")),
                        "v");
    json_t *loaded = NULL;
    assert_int_equal(c->load_table(&loaded, c, "sales", "orders"), 0);
    assert_string_equal(metadata_location(loaded), metadata_location(res));
    /* the previous file is recorded in the metadata log */
    json_t *log = json_object_get(json_object_get(loaded, "metadata"), "metadata-log");
    assert_true(json_array_size(log) >= 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(log, json_array_size(log) - 1), "metadata-file")),
                        metadata_location(created));
    json_decref(loaded);
    json_decref(res);
    json_decref(created);
    assert_int_equal(commit(NULL, c, "sales", "missing", "{\"requirements\":[],\"updates\":[]}"),
                     FLOE_ENOTFOUND);
}

static const char evolve_request[] =
    "{\"requirements\":[{\"type\":\"assert-current-schema-id\",\"current-schema-id\":0}],"
    "\"updates\":[{\"action\":\"add-schema\",\"schema\":{\"type\":\"struct\",\"schema-id\":1,"
    "\"fields\":[{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"},"
    "{\"id\":2,\"name\":\"name\",\"required\":false,\"type\":\"string\"},"
    "{\"id\":3,\"name\":\"%s\",\"required\":false,\"type\":\"int\"}]}},"
    "{\"action\":\"set-current-schema\",\"schema-id\":-1}]}";

static void test_commit_two_from_same_base_one_wins(void **state)
{
    floe_catalog_plugin *c = *state;
    ns(c, "sales");
    json_decref(make_table(c, "sales", "orders"));
    char first[1024], second[1024];
    snprintf(first, sizeof first, evolve_request, "first");
    snprintf(second, sizeof second, evolve_request, "second");
    json_t *res = NULL;
    assert_int_equal(commit(&res, c, "sales", "orders", first), 0);
    json_decref(res);
    res = NULL;
    assert_int_equal(commit(&res, c, "sales", "orders", second), FLOE_ECONFLICT);
    assert_null(res);
    json_t *loaded = NULL;
    assert_int_equal(c->load_table(&loaded, c, "sales", "orders"), 0);
    const json_t *md = json_object_get(loaded, "metadata");
    assert_int_equal(json_integer_value(json_object_get(md, "current-schema-id")), 1);
    char *text = json_dumps(md, 0);
    assert_non_null(strstr(text, "\"first\""));
    assert_null(strstr(text, "\"second\""));
    free(text);
    json_decref(loaded);
}

static void test_commit_failed_requirement_is_conflict_with_message(void **state)
{
    floe_catalog_plugin *c = *state;
    ns(c, "sales");
    json_t *created = make_table(c, "sales", "orders");
    json_t *res = NULL;
    int rc = commit(&res, c, "sales", "orders",
                    "{\"requirements\":[{\"type\":\"assert-table-uuid\",\"uuid\":"
                    "\"00000000-0000-0000-0000-000000000000\"}],"
                    "\"updates\":[{\"action\":\"set-properties\",\"updates\":{\"k\":\"v\"}}]}");
    assert_int_equal(rc, FLOE_ECONFLICT);
    const char *msg = floe_error_last();
    assert_non_null(strstr(msg, "uuid"));
    assert_non_null(strstr(msg, "00000000-0000-0000-0000-000000000000"));
    json_t *loaded = NULL;
    assert_int_equal(c->load_table(&loaded, c, "sales", "orders"), 0);
    assert_string_equal(metadata_location(loaded), metadata_location(created));
    json_decref(loaded);
    json_decref(created);
    assert_int_equal(commit(NULL, c, "sales", "orders", "[1]"), FLOE_EINVALID);
}

/* ---- credentials and health (US5, US6) ---- */

static void test_vend_credentials_contract_FR_020(void **state)
{
    floe_catalog_plugin *c = *state;
    if (contract->vends_credentials)
        skip();
    ns(c, "sales");
    json_decref(make_table(c, "sales", "orders"));
    json_t *out = NULL;
    assert_int_equal(c->vend_credentials(&out, c, "sales", "orders", NULL), FLOE_EUNSUPPORTED);
    assert_null(out);
}

static void test_health_check_reports_time_and_clamps_timeout_FR_028(void **state)
{
    floe_catalog_plugin *c = *state;
    floe_health_status st;
    memset(&st, 0xff, sizeof st);
    assert_int_equal(c->health_check(&st, c, 1000), 0);
    assert_int_equal(st.state, FLOE_HEALTH_HEALTHY);
    assert_true(st.response_time_ms >= 0 && st.response_time_ms < 1000);
    assert_true(st.checked_at > 1600000000000LL);
    assert_true(strlen(st.message) > 0 && strlen(st.message) < sizeof st.message);
    /* an over-long timeout is clamped to 10 s, not refused */
    assert_int_equal(c->health_check(&st, c, 3600000), 0);
    assert_int_equal(st.state, FLOE_HEALTH_HEALTHY);
}

int floe_catalog_contract_run(const floe_catalog_contract *c)
{
    contract = c;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_connect_is_idempotent_FR_001, setup, teardown),
        cmocka_unit_test_setup_teardown(test_namespace_create_exists_duplicate_FR_010, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_namespace_invalid_names_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_namespace_nested_listing_FR_011, setup, teardown),
        cmocka_unit_test_setup_teardown(test_namespace_properties_load_and_update_FR_012, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_namespace_delete_empty_and_missing_FR_013, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_namespace_delete_not_empty_names_tables_FR_013, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_table_create_writes_v2_metadata_with_fresh_ids_FR_014,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_create_errors_FR_018, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_load_exists_and_missing_FR_015, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_list_sorted_and_scoped_FR_016, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_rename_and_move_FR_017, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_drop_with_and_without_purge_FR_017, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_table_register_existing_metadata, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_applies_updates_and_moves_pointer, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_commit_two_from_same_base_one_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_failed_requirement_is_conflict_with_message,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_vend_credentials_contract_FR_020, setup, teardown),
        cmocka_unit_test_setup_teardown(test_health_check_reports_time_and_clamps_timeout_FR_028,
                                        setup, teardown),
    };
    char group[128];
    snprintf(group, sizeof group, "catalog contract (%s)", c->name ? c->name : "?");
    return _cmocka_run_group_tests(group, tests, sizeof tests / sizeof tests[0], NULL, NULL);
}
