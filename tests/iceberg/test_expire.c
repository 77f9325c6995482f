/* Snapshot expiration planning (spec §Snapshot Retention Policy; seeds 001 US4, 003 US7):
 * older-than, retain-last, table-property defaults, branch retention, ref max age, explicit
 * ids, the current snapshot always kept, and the plan applied by the metadata builder. */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/builder.h>
#include <floe/iceberg/expire.h>

#include "base/alloc.h"

static const char SCHEMA[] = "{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
                             "{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"}]}";

#define HOUR ((int64_t)3600 * 1000)
#define DAY  (24 * HOUR)
/* the clock every test plans with */
#define NOW ((int64_t)1700000000000)

static floe_table_metadata *commit(floe_table_metadata *base, floe_table_update **u, size_t n)
{
    floe_table_metadata *next = NULL;
    int rc = floe_table_metadata_commit(&next, base, NULL, NULL, 0, u, n);
    if (rc)
        fprintf(stderr, "commit: %s\n", floe_error_last());
    assert_int_equal(rc, 0);
    for (size_t i = 0; i < n; i++)
        floe_update_free(u[i]);
    floe_table_metadata_release(base);
    return next;
}

static floe_table_metadata *add_snap(floe_table_metadata *md, int64_t id, int64_t parent,
                                     int64_t ts, const char *branch)
{
    char ml[64];
    snprintf(ml, sizeof(ml), "mem://t/metadata/snap-%lld.avro", (long long)id);
    floe_snapshot_info info = FLOE_SNAPSHOT_INFO_INIT;
    info.snapshot_id = id;
    info.parent_snapshot_id = parent;
    info.sequence_number = floe_table_metadata_last_sequence_number(md) + 1;
    info.timestamp_ms = ts;
    info.manifest_list = ml;
    info.operation = "append";
    floe_snapshot *s = NULL;
    assert_int_equal(floe_snapshot_new(&s, &info), 0);
    floe_table_update *u[2] = {NULL, NULL};
    assert_int_equal(floe_update_add_snapshot(&u[0], s), 0);
    floe_snapshot_release(s);
    floe_snapshot_ref r = FLOE_SNAPSHOT_REF_INIT;
    r.snapshot_id = id;
    assert_int_equal(floe_update_set_snapshot_ref(&u[1], branch, &r), 0);
    return commit(md, u, 2);
}

static floe_table_metadata *set_ref(floe_table_metadata *md, const char *name, floe_snapshot_ref r)
{
    floe_table_update *u = NULL;
    assert_int_equal(floe_update_set_snapshot_ref(&u, name, &r), 0);
    return commit(md, &u, 1);
}

static floe_table_metadata *set_prop(floe_table_metadata *md, const char *k, const char *v)
{
    floe_table_update *u = NULL;
    assert_int_equal(floe_update_set_properties(&u, &k, &v, 1), 0);
    return commit(md, &u, 1);
}

/* main: 1 (-9d) <- 2 (-8d) <- 3 (-7d) <- 4 (-1d) <- 5 (-1h). */
static floe_table_metadata *table(void)
{
    floe_new_table_options o = FLOE_NEW_TABLE_OPTIONS_INIT;
    o.location = "mem://t";
    o.schema_json = SCHEMA;
    floe_table_metadata *md = NULL;
    assert_int_equal(floe_table_metadata_new_table(&md, &o), 0);
    md = add_snap(md, 1, -1, NOW - 9 * DAY, "main");
    md = add_snap(md, 2, 1, NOW - 8 * DAY, "main");
    md = add_snap(md, 3, 2, NOW - 7 * DAY, "main");
    md = add_snap(md, 4, 3, NOW - 1 * DAY, "main");
    md = add_snap(md, 5, 4, NOW - 1 * HOUR, "main");
    return md;
}

/* The plan's expired ids as "1,2,3". */
static void expired(char *buf, size_t cap, const floe_expire_plan *p)
{
    size_t n, used = 0;
    const int64_t *ids = floe_expire_plan_snapshot_ids(p, &n);
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%lld", i ? "," : "", (long long)ids[i]);
}

static void assert_expires(const floe_table_metadata *md, const floe_expire_options *o,
                           const char *expected)
{
    floe_expire_plan *p = NULL;
    int rc = floe_expire_plan_compute(&p, md, o);
    if (rc)
        fprintf(stderr, "plan: %s\n", floe_error_last());
    assert_int_equal(rc, 0);
    char got[256];
    expired(got, sizeof(got), p);
    assert_string_equal(got, expected);
    floe_expire_plan_free(p);
}

/* Applies the plan's change with the builder and checks the result round-trips. */
static floe_table_metadata *apply_plan(const floe_table_metadata *md, const floe_expire_plan *p)
{
    const floe_snapshot_change *c = floe_expire_plan_change(p);
    size_t nr, nu;
    floe_table_requirement *const *r = floe_snapshot_change_requirements(c, &nr);
    floe_table_update *const *u = floe_snapshot_change_updates(c, &nu);
    floe_table_metadata *next = NULL;
    assert_int_equal(floe_table_metadata_commit(&next, md, NULL, r, nr, u, nu), 0);
    char *a = NULL, *b = NULL;
    floe_table_metadata *back = NULL;
    assert_int_equal(floe_table_metadata_to_json(&a, next, 0), 0);
    assert_int_equal(floe_table_metadata_from_json(&back, a, strlen(a)), 0);
    assert_int_equal(floe_table_metadata_to_json(&b, back, 0), 0);
    assert_string_equal(a, b);
    free(a);
    free(b);
    floe_table_metadata_release(back);
    return next;
}

static void test_default_expires_older_than_five_days_US7(void **state)
{
    (void)state;
    floe_table_metadata *md = table();
    floe_expire_options o = FLOE_EXPIRE_OPTIONS_INIT;
    o.now_ms = NOW;
    floe_expire_plan *p = NULL;
    assert_int_equal(floe_expire_plan_compute(&p, md, &o), 0);
    char got[64];
    expired(got, sizeof(got), p);
    assert_string_equal(got, "1,2,3");
    assert_int_equal(floe_expire_plan_removed_ref_count(p), 0);

    const floe_snapshot_change *c = floe_expire_plan_change(p);
    size_t nr, nu;
    floe_table_requirement *const *r = floe_snapshot_change_requirements(c, &nr);
    floe_table_update *const *u = floe_snapshot_change_updates(c, &nu);
    assert_int_equal(nr, 2);
    assert_int_equal(floe_requirement_get_type(r[0]), FLOE_REQ_ASSERT_TABLE_UUID);
    assert_int_equal(floe_requirement_get_type(r[1]), FLOE_REQ_ASSERT_REF_SNAPSHOT_ID);
    assert_int_equal(nu, 1);
    char *js = NULL;
    assert_int_equal(floe_update_to_json(&js, u[0]), 0);
    assert_string_equal(js, "{\"action\":\"remove-snapshots\",\"snapshot-ids\":[1,2,3]}");
    free(js);

    floe_table_metadata *next = apply_plan(md, p);
    assert_int_equal(floe_table_metadata_snapshot_count(next), 2);
    assert_null(floe_table_metadata_snapshot_by_id(next, 3));
    assert_int_equal(floe_table_metadata_current_snapshot_id(next), 5);
    /* time travel to an expired snapshot's time fails instead of picking another snapshot */
    const floe_snapshot *s = NULL;
    assert_int_equal(floe_snapshot_ops_as_of_time(&s, next, NOW - 8 * DAY), FLOE_ENOTFOUND);
    assert_int_equal(floe_snapshot_ops_as_of_time(&s, next, NOW - 2 * HOUR), 0);
    assert_int_equal(floe_snapshot_id(s), 4);
    floe_table_metadata_release(next);
    floe_expire_plan_free(p);
    floe_table_metadata_release(md);
}

static void test_older_than_and_retain_last_US4(void **state)
{
    (void)state;
    floe_table_metadata *md = table();
    floe_expire_options o = FLOE_EXPIRE_OPTIONS_INIT;
    o.now_ms = NOW;
    o.older_than_ms = NOW - 12 * HOUR;
    assert_expires(md, &o, "1,2,3,4");
    o.older_than_ms = NOW - 8 * DAY;
    assert_expires(md, &o, "1");
    o.older_than_ms = NOW;
    o.retain_last = 3;
    assert_expires(md, &o, "1,2");
    o.retain_last = 10;
    assert_expires(md, &o, "");
    /* the current snapshot survives even when everything is older */
    o.older_than_ms = NOW + DAY;
    o.retain_last = 1;
    assert_expires(md, &o, "1,2,3,4");
    o.retain_last = 0;
    floe_expire_plan *p = NULL;
    assert_int_equal(floe_expire_plan_compute(&p, md, &o), FLOE_EINVALID);
    floe_table_metadata_release(md);
}

static void test_table_properties_are_the_defaults(void **state)
{
    (void)state;
    floe_table_metadata *md = table();
    md = set_prop(md, FLOE_PROP_EXPIRE_MAX_SNAPSHOT_AGE_MS, "172800000"); /* 2 days */
    floe_expire_options o = FLOE_EXPIRE_OPTIONS_INIT;
    o.now_ms = NOW;
    assert_expires(md, &o, "1,2,3");
    md = set_prop(md, FLOE_PROP_EXPIRE_MAX_SNAPSHOT_AGE_MS, "3600000"); /* 1 hour */
    assert_expires(md, &o, "1,2,3,4");
    md = set_prop(md, FLOE_PROP_EXPIRE_MIN_SNAPSHOTS_TO_KEEP, "4");
    assert_expires(md, &o, "1");
    /* an explicit retain-last overrides the property */
    o.retain_last = 2;
    assert_expires(md, &o, "1,2,3");
    md = set_prop(md, FLOE_PROP_EXPIRE_MIN_SNAPSHOTS_TO_KEEP, "many");
    floe_expire_plan *p = NULL;
    assert_int_equal(floe_expire_plan_compute(&p, md, &o), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), FLOE_PROP_EXPIRE_MIN_SNAPSHOTS_TO_KEEP));
    floe_table_metadata_release(md);
}

static void test_branch_retention_settings_win(void **state)
{
    (void)state;
    floe_table_metadata *md = table();
    /* branch b: 2 <- 6 (-6d), keeping 3 snapshots whatever their age */
    md = add_snap(md, 6, 2, NOW - 6 * DAY, "b");
    floe_snapshot_ref b = *floe_table_metadata_ref(md, "b");
    b.min_snapshots_to_keep = 3;
    md = set_ref(md, "b", b);
    floe_expire_options o = FLOE_EXPIRE_OPTIONS_INIT;
    o.now_ms = NOW;
    assert_expires(md, &o, "3");

    /* a branch max-snapshot-age of 10 days keeps its whole history */
    b.min_snapshots_to_keep = -1;
    b.max_snapshot_age_ms = 10 * DAY;
    md = set_ref(md, "b", b);
    assert_expires(md, &o, "3");
    /* ... and one of 1 hour keeps just the head */
    b.max_snapshot_age_ms = HOUR;
    md = set_ref(md, "b", b);
    assert_expires(md, &o, "1,2,3");
    /* main's own retention applies to main */
    floe_snapshot_ref m = *floe_table_metadata_ref(md, "main");
    m.min_snapshots_to_keep = 4;
    md = set_ref(md, "main", m);
    assert_expires(md, &o, "1");
    floe_table_metadata_release(md);
}

static void test_refs_past_max_ref_age_are_removed(void **state)
{
    (void)state;
    floe_table_metadata *md = table();
    floe_snapshot_ref old_tag = FLOE_SNAPSHOT_REF_INIT;
    old_tag.type = FLOE_REF_TAG;
    old_tag.snapshot_id = 1;
    old_tag.max_ref_age_ms = DAY;
    md = set_ref(md, "old", old_tag);
    floe_snapshot_ref kept_tag = old_tag;
    kept_tag.snapshot_id = 2;
    kept_tag.max_ref_age_ms = 30 * DAY;
    md = set_ref(md, "kept", kept_tag);
    floe_expire_options o = FLOE_EXPIRE_OPTIONS_INIT;
    o.now_ms = NOW;
    floe_expire_plan *p = NULL;
    assert_int_equal(floe_expire_plan_compute(&p, md, &o), 0);
    char got[64];
    expired(got, sizeof(got), p);
    assert_string_equal(got, "1,3");
    assert_int_equal(floe_expire_plan_removed_ref_count(p), 1);
    assert_string_equal(floe_expire_plan_removed_ref_at(p, 0), "old");
    size_t nu;
    floe_table_update *const *u = floe_snapshot_change_updates(floe_expire_plan_change(p), &nu);
    assert_int_equal(nu, 2);
    char *js = NULL;
    assert_int_equal(floe_update_to_json(&js, u[0]), 0);
    assert_string_equal(js, "{\"action\":\"remove-snapshot-ref\",\"ref-name\":\"old\"}");
    free(js);
    floe_table_metadata *next = apply_plan(md, p);
    assert_null(floe_table_metadata_ref(next, "old"));
    assert_non_null(floe_table_metadata_ref(next, "kept"));
    assert_non_null(floe_table_metadata_snapshot_by_id(next, 2));
    floe_table_metadata_release(next);
    floe_expire_plan_free(p);

    /* the table-wide default applies to refs without their own, never to main */
    md = set_prop(md, FLOE_PROP_EXPIRE_MAX_REF_AGE_MS, "1000");
    floe_snapshot_ref branch = FLOE_SNAPSHOT_REF_INIT;
    branch.snapshot_id = 3;
    md = set_ref(md, "stale", branch);
    assert_int_equal(floe_expire_plan_compute(&p, md, &o), 0);
    assert_int_equal(floe_expire_plan_removed_ref_count(p), 2);
    assert_string_equal(floe_expire_plan_removed_ref_at(p, 0), "old");
    assert_string_equal(floe_expire_plan_removed_ref_at(p, 1), "stale");
    expired(got, sizeof(got), p);
    assert_string_equal(got, "1,3");
    floe_expire_plan_free(p);
    floe_table_metadata_release(md);
}

static void test_explicit_ids(void **state)
{
    (void)state;
    floe_table_metadata *md = table();
    floe_snapshot_ref tag = FLOE_SNAPSHOT_REF_INIT;
    tag.type = FLOE_REF_TAG;
    tag.snapshot_id = 2;
    md = set_ref(md, "keep", tag);
    floe_expire_options o = FLOE_EXPIRE_OPTIONS_INIT;
    o.now_ms = NOW;
    o.older_than_ms = 0; /* only the explicit ids */
    int64_t ids[] = {4};
    o.snapshot_ids = ids;
    o.snapshot_id_count = 1;
    assert_expires(md, &o, "4");
    /* with the default age cut-off, old snapshots go too */
    o.older_than_ms = -1;
    assert_expires(md, &o, "1,3,4");

    floe_expire_plan *p = NULL;
    int64_t current[] = {5};
    o.snapshot_ids = current;
    assert_int_equal(floe_expire_plan_compute(&p, md, &o), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "'main'"));
    int64_t tagged[] = {2};
    o.snapshot_ids = tagged;
    assert_int_equal(floe_expire_plan_compute(&p, md, &o), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "'keep'"));
    int64_t unknown[] = {99};
    o.snapshot_ids = unknown;
    assert_int_equal(floe_expire_plan_compute(&p, md, &o), FLOE_ENOTFOUND);
    assert_null(p);
    floe_table_metadata_release(md);
}

static void test_unreferenced_snapshots_follow_older_than(void **state)
{
    (void)state;
    floe_table_metadata *md = table();
    /* 7 (-2d) and 8 (-6d) hang off 3 on a branch that is then removed */
    md = add_snap(md, 7, 3, NOW - 2 * DAY, "tmp");
    md = add_snap(md, 8, 7, NOW - 6 * DAY, "tmp");
    floe_table_update *u = NULL;
    assert_int_equal(floe_update_remove_snapshot_ref(&u, "tmp"), 0);
    md = commit(md, &u, 1);
    floe_expire_options o = FLOE_EXPIRE_OPTIONS_INIT;
    o.now_ms = NOW;
    assert_expires(md, &o, "1,2,3,8");
    floe_table_metadata_release(md);
}

static void test_nothing_to_expire_gives_no_updates(void **state)
{
    (void)state;
    floe_table_metadata *md = table();
    floe_expire_options o = FLOE_EXPIRE_OPTIONS_INIT;
    o.now_ms = NOW;
    o.older_than_ms = 0;
    floe_expire_plan *p = NULL;
    assert_int_equal(floe_expire_plan_compute(&p, md, &o), 0);
    size_t n;
    floe_expire_plan_snapshot_ids(p, &n);
    assert_int_equal(n, 0);
    floe_snapshot_change_updates(floe_expire_plan_change(p), &n);
    assert_int_equal(n, 0);
    floe_expire_plan_free(p);

    /* a concurrent commit moving main makes the plan conflict */
    o.older_than_ms = -1;
    assert_int_equal(floe_expire_plan_compute(&p, md, &o), 0);
    floe_table_metadata *moved = add_snap(floe_table_metadata_acquire(md), 9, 5, NOW, "main");
    const floe_snapshot_change *c = floe_expire_plan_change(p);
    size_t nr, nu;
    floe_table_requirement *const *r = floe_snapshot_change_requirements(c, &nr);
    floe_table_update *const *up = floe_snapshot_change_updates(c, &nu);
    floe_table_metadata *next = NULL;
    assert_int_equal(floe_table_metadata_commit(&next, moved, NULL, r, nr, up, nu), FLOE_ECONFLICT);
    floe_table_metadata_release(moved);
    floe_expire_plan_free(p);
    floe_table_metadata_release(md);
}

static void test_allocation_failures_report_enomem(void **state)
{
    (void)state;
    floe_table_metadata *md = table();
    floe_snapshot_ref tag = FLOE_SNAPSHOT_REF_INIT;
    tag.type = FLOE_REF_TAG;
    tag.snapshot_id = 1;
    tag.max_ref_age_ms = DAY;
    md = set_ref(md, "old", tag);
    floe_expire_options o = FLOE_EXPIRE_OPTIONS_INIT;
    o.now_ms = NOW;
    int64_t ids[] = {4};
    o.snapshot_ids = ids;
    o.snapshot_id_count = 1;
    int succeeded = 0;
    for (long n = 1; n < 1000 && !succeeded; n++) {
        floe_expire_plan *p = NULL;
        floe_alloc_fail_after(n);
        int rc = floe_expire_plan_compute(&p, md, &o);
        floe_alloc_fail_after(0);
        if (rc == 0) {
            succeeded = 1;
            char got[64];
            expired(got, sizeof(got), p);
            assert_string_equal(got, "1,2,3,4");
        } else {
            assert_int_equal(rc, FLOE_ENOMEM);
            assert_null(p);
        }
        floe_expire_plan_free(p);
    }
    assert_true(succeeded);
    floe_table_metadata_release(md);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_expires_older_than_five_days_US7),
        cmocka_unit_test(test_older_than_and_retain_last_US4),
        cmocka_unit_test(test_table_properties_are_the_defaults),
        cmocka_unit_test(test_branch_retention_settings_win),
        cmocka_unit_test(test_refs_past_max_ref_age_are_removed),
        cmocka_unit_test(test_explicit_ids),
        cmocka_unit_test(test_unreferenced_snapshots_follow_older_than),
        cmocka_unit_test(test_nothing_to_expire_gives_no_updates),
        cmocka_unit_test(test_allocation_failures_report_enomem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
