/* Snapshot and ref operations: lookups, rollback (by id and by time), set current, branches,
 * tags, fast-forward, every refusal, and the commits they produce applied by the metadata
 * builder (including conflicts when a ref moved concurrently). Seeds: 001 US4 (rollback),
 * 003 US6 (time travel). */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/builder.h>
#include <floe/iceberg/snapshot_ops.h>

#include "base/alloc.h"

static const char SCHEMA[] = "{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
                             "{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"}]}";

/* Applies `n` updates (freed here) to `base` (released here). */
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

/* Adds snapshot `id` (parent, time, sequence) and points `ref` (a branch) at it. */
static floe_table_metadata *add_snap(floe_table_metadata *md, int64_t id, int64_t parent,
                                     int64_t ts, int64_t seq, const char *ref)
{
    char ml[64];
    snprintf(ml, sizeof(ml), "mem://t/metadata/snap-%lld.avro", (long long)id);
    floe_snapshot_info info = FLOE_SNAPSHOT_INFO_INIT;
    info.snapshot_id = id;
    info.parent_snapshot_id = parent;
    info.sequence_number = seq;
    info.timestamp_ms = ts;
    info.manifest_list = ml;
    info.operation = "append";
    info.schema_id = 0;
    floe_snapshot *s = NULL;
    assert_int_equal(floe_snapshot_new(&s, &info), 0);
    floe_table_update *u[2] = {NULL, NULL};
    assert_int_equal(floe_update_add_snapshot(&u[0], s), 0);
    floe_snapshot_release(s);
    floe_snapshot_ref r = FLOE_SNAPSHOT_REF_INIT;
    r.snapshot_id = id;
    assert_int_equal(floe_update_set_snapshot_ref(&u[1], ref, &r), 0);
    return commit(md, u, 2);
}

/* main: 1 (t=1000) <- 2 (t=2000) <- 3 (t=3000); branch dev: 2 <- 4 (t=2500); tag v1 -> 1. */
static floe_table_metadata *table(void)
{
    floe_new_table_options o = FLOE_NEW_TABLE_OPTIONS_INIT;
    o.location = "mem://t";
    o.schema_json = SCHEMA;
    floe_table_metadata *md = NULL;
    assert_int_equal(floe_table_metadata_new_table(&md, &o), 0);
    md = add_snap(md, 1, -1, 1000, 1, "main");
    md = add_snap(md, 2, 1, 2000, 2, "main");
    md = add_snap(md, 4, 2, 2500, 3, "dev");
    md = add_snap(md, 3, 2, 3000, 4, "main");
    floe_table_update *u = NULL;
    floe_snapshot_ref tag = FLOE_SNAPSHOT_REF_INIT;
    tag.type = FLOE_REF_TAG;
    tag.snapshot_id = 1;
    assert_int_equal(floe_update_set_snapshot_ref(&u, "v1", &tag), 0);
    return commit(md, &u, 1);
}

/* Applies a change (checking its requirements) and frees it; returns the builder's code. */
static int apply(floe_table_metadata **out, const floe_table_metadata *md, floe_snapshot_change *c)
{
    size_t nr, nu;
    floe_table_requirement *const *r = floe_snapshot_change_requirements(c, &nr);
    floe_table_update *const *u = floe_snapshot_change_updates(c, &nu);
    int rc = floe_table_metadata_commit(out, md, NULL, r, nr, u, nu);
    floe_snapshot_change_free(c);
    return rc;
}

/* The JSON of the change's i-th requirement. */
static char *req_json(const floe_snapshot_change *c, size_t i)
{
    size_t n;
    floe_table_requirement *const *r = floe_snapshot_change_requirements(c, &n);
    assert_true(i < n);
    char *s = NULL;
    assert_int_equal(floe_requirement_to_json(&s, r[i]), 0);
    return s;
}

static void assert_req(const floe_snapshot_change *c, size_t i, const char *expected)
{
    char *s = req_json(c, i);
    assert_string_equal(s, expected);
    free(s);
}

/* Serializing, parsing and serializing again gives the same text. */
static void assert_round_trips(const floe_table_metadata *md)
{
    char *a = NULL, *b = NULL;
    floe_table_metadata *back = NULL;
    assert_int_equal(floe_table_metadata_to_json(&a, md, 0), 0);
    assert_int_equal(floe_table_metadata_from_json(&back, a, strlen(a)), 0);
    assert_int_equal(floe_table_metadata_to_json(&b, back, 0), 0);
    assert_string_equal(a, b);
    free(a);
    free(b);
    floe_table_metadata_release(back);
}

static void test_lookups_by_id_ref_and_ancestry(void **state)
{
    (void)state;
    floe_table_metadata *md = table();
    const floe_snapshot *s = NULL;
    assert_int_equal(floe_snapshot_ops_find(&s, md, 2), 0);
    assert_int_equal(floe_snapshot_id(s), 2);
    assert_int_equal(floe_snapshot_ops_find(&s, md, 99), FLOE_ENOTFOUND);
    assert_non_null(strstr(floe_error_last(), "99"));
    assert_int_equal(floe_snapshot_ops_for_ref(&s, md, "dev"), 0);
    assert_int_equal(floe_snapshot_id(s), 4);
    assert_int_equal(floe_snapshot_ops_for_ref(&s, md, "v1"), 0);
    assert_int_equal(floe_snapshot_id(s), 1);
    assert_int_equal(floe_snapshot_ops_for_ref(&s, md, "nope"), FLOE_ENOTFOUND);

    int64_t *ids = NULL;
    size_t n = 0;
    assert_int_equal(floe_snapshot_ops_ancestors(&ids, &n, md, 4), 0);
    assert_int_equal(n, 3);
    assert_int_equal(ids[0], 4);
    assert_int_equal(ids[1], 2);
    assert_int_equal(ids[2], 1);
    free(ids);
    assert_int_equal(floe_snapshot_ops_ancestors(&ids, &n, md, 77), FLOE_ENOTFOUND);
    assert_true(floe_snapshot_ops_is_ancestor(md, 1, 3));
    assert_true(floe_snapshot_ops_is_ancestor(md, 3, 3));
    assert_false(floe_snapshot_ops_is_ancestor(md, 4, 3));
    assert_false(floe_snapshot_ops_is_ancestor(md, 3, 1));
    floe_table_metadata_release(md);
}

static void test_as_of_time_uses_snapshot_log_US6(void **state)
{
    (void)state;
    floe_table_metadata *md = table();
    const floe_snapshot *s = NULL;
    /* 2500 is dev's snapshot time, but main's history says 2 was current then */
    assert_int_equal(floe_snapshot_ops_as_of_time(&s, md, 2500), 0);
    assert_int_equal(floe_snapshot_id(s), 2);
    assert_int_equal(floe_snapshot_ops_as_of_time(&s, md, 3000), 0);
    assert_int_equal(floe_snapshot_id(s), 3);
    assert_int_equal(floe_snapshot_ops_as_of_time(&s, md, 1000), 0);
    assert_int_equal(floe_snapshot_id(s), 1);
    assert_int_equal(floe_snapshot_ops_as_of_time(&s, md, 999), FLOE_ENOTFOUND);
    assert_non_null(strstr(floe_error_last(), "999"));
    floe_table_metadata_release(md);
}

static void test_rollback_to_ancestor_US4(void **state)
{
    (void)state;
    floe_table_metadata *md = table();
    floe_snapshot_change *c = NULL;
    assert_int_equal(floe_snapshot_ops_rollback_to(&c, md, NULL, 1), 0);
    assert_req(c, 0, "{\"type\":\"assert-ref-snapshot-id\",\"ref\":\"main\",\"snapshot-id\":3}");
    size_t nu;
    floe_table_update *const *u = floe_snapshot_change_updates(c, &nu);
    assert_int_equal(nu, 1);
    assert_int_equal(floe_update_get_type(u[0]), FLOE_UPD_SET_SNAPSHOT_REF);
    floe_table_metadata *next = NULL;
    assert_int_equal(apply(&next, md, c), 0);
    assert_int_equal(floe_table_metadata_current_snapshot_id(next), 1);
    assert_int_equal(floe_table_metadata_ref(next, "main")->snapshot_id, 1);
    /* the rolled-back snapshots stay, for time travel and roll-forward */
    assert_int_equal(floe_table_metadata_snapshot_count(next), 4);
    assert_round_trips(next);
    floe_table_metadata_release(next);

    /* a branch other than main */
    assert_int_equal(floe_snapshot_ops_rollback_to(&c, md, "dev", 2), 0);
    assert_int_equal(apply(&next, md, c), 0);
    assert_int_equal(floe_table_metadata_ref(next, "dev")->snapshot_id, 2);
    assert_int_equal(floe_table_metadata_current_snapshot_id(next), 3);
    floe_table_metadata_release(next);
    floe_table_metadata_release(md);
}

static void test_rollback_refuses_non_ancestor_and_unknown_US4(void **state)
{
    (void)state;
    floe_table_metadata *md = table();
    floe_snapshot_change *c = NULL;
    assert_int_equal(floe_snapshot_ops_rollback_to(&c, md, NULL, 4), FLOE_EINVALID);
    assert_null(c);
    assert_non_null(strstr(floe_error_last(), "snapshot 4"));
    assert_non_null(strstr(floe_error_last(), "head 3"));
    assert_int_equal(floe_snapshot_ops_rollback_to(&c, md, NULL, 42), FLOE_ENOTFOUND);
    assert_non_null(strstr(floe_error_last(), "42"));
    assert_int_equal(floe_snapshot_ops_rollback_to(&c, md, "nobranch", 1), FLOE_ENOTFOUND);
    assert_int_equal(floe_snapshot_ops_rollback_to(&c, md, "v1", 1), FLOE_EINVALID);
    floe_table_metadata_release(md);
}

static void test_rollback_to_time_picks_latest_ancestor_at_or_before(void **state)
{
    (void)state;
    floe_table_metadata *md = table();
    floe_snapshot_change *c = NULL;
    floe_table_metadata *next = NULL;
    /* 4 (t=2500) is not an ancestor of main, so 2 is chosen */
    assert_int_equal(floe_snapshot_ops_rollback_to_time(&c, md, NULL, 2999), 0);
    assert_int_equal(apply(&next, md, c), 0);
    assert_int_equal(floe_table_metadata_current_snapshot_id(next), 2);
    floe_table_metadata_release(next);
    assert_int_equal(floe_snapshot_ops_rollback_to_time(&c, md, NULL, 1000), 0);
    assert_int_equal(apply(&next, md, c), 0);
    assert_int_equal(floe_table_metadata_current_snapshot_id(next), 1);
    floe_table_metadata_release(next);
    assert_int_equal(floe_snapshot_ops_rollback_to_time(&c, md, NULL, 999), FLOE_ENOTFOUND);
    assert_non_null(strstr(floe_error_last(), "999"));
    assert_int_equal(floe_snapshot_ops_rollback_to_time(&c, md, "dev", 2600), 0);
    assert_int_equal(apply(&next, md, c), 0);
    assert_int_equal(floe_table_metadata_ref(next, "dev")->snapshot_id, 4);
    floe_table_metadata_release(next);
    floe_table_metadata_release(md);
}

static void test_set_current_accepts_any_snapshot(void **state)
{
    (void)state;
    floe_table_metadata *md = table();
    floe_snapshot_change *c = NULL;
    floe_table_metadata *next = NULL;
    assert_int_equal(floe_snapshot_ops_set_current(&c, md, 4), 0);
    assert_int_equal(apply(&next, md, c), 0);
    assert_int_equal(floe_table_metadata_current_snapshot_id(next), 4);
    size_t nlog = floe_table_metadata_snapshot_log_count(next);
    assert_int_equal(floe_table_metadata_snapshot_log_at(next, nlog - 1).snapshot_id, 4);
    assert_round_trips(next);
    floe_table_metadata_release(next);
    assert_int_equal(floe_snapshot_ops_set_current(&c, md, 5), FLOE_ENOTFOUND);
    floe_table_metadata_release(md);
}

static void test_create_branch_defaults_to_current_and_keeps_retention(void **state)
{
    (void)state;
    floe_table_metadata *md = table();
    floe_snapshot_change *c = NULL;
    floe_table_metadata *next = NULL;
    assert_int_equal(floe_snapshot_ops_create_branch(&c, md, "audit", NULL), 0);
    assert_req(c, 0,
               "{\"type\":\"assert-ref-snapshot-id\",\"ref\":\"audit\",\"snapshot-id\":null}");
    assert_int_equal(apply(&next, md, c), 0);
    assert_int_equal(floe_table_metadata_ref(next, "audit")->snapshot_id, 3);
    assert_int_equal(floe_table_metadata_ref(next, "audit")->type, FLOE_REF_BRANCH);
    floe_table_metadata_release(next);

    floe_ref_options o = FLOE_REF_OPTIONS_INIT;
    o.snapshot_id = 2;
    o.min_snapshots_to_keep = 3;
    o.max_snapshot_age_ms = 86400000;
    o.max_ref_age_ms = 604800000;
    assert_int_equal(floe_snapshot_ops_create_branch(&c, md, "etl", &o), 0);
    assert_int_equal(apply(&next, md, c), 0);
    const floe_snapshot_ref *r = floe_table_metadata_ref(next, "etl");
    assert_int_equal(r->snapshot_id, 2);
    assert_int_equal(r->min_snapshots_to_keep, 3);
    assert_int_equal(r->max_snapshot_age_ms, 86400000);
    assert_int_equal(r->max_ref_age_ms, 604800000);
    assert_round_trips(next);

    /* replace moves the branch and keeps retention fields left at -1 */
    floe_ref_options ro = FLOE_REF_OPTIONS_INIT;
    ro.snapshot_id = 4;
    ro.min_snapshots_to_keep = 5;
    assert_int_equal(floe_snapshot_ops_replace_branch(&c, next, "etl", &ro), 0);
    assert_req(c, 0, "{\"type\":\"assert-ref-snapshot-id\",\"ref\":\"etl\",\"snapshot-id\":2}");
    floe_table_metadata *next2 = NULL;
    assert_int_equal(apply(&next2, next, c), 0);
    r = floe_table_metadata_ref(next2, "etl");
    assert_int_equal(r->snapshot_id, 4);
    assert_int_equal(r->min_snapshots_to_keep, 5);
    assert_int_equal(r->max_snapshot_age_ms, 86400000);
    assert_int_equal(r->max_ref_age_ms, 604800000);
    floe_table_metadata_release(next2);
    floe_table_metadata_release(next);
    floe_table_metadata_release(md);
}

static void test_branch_refusals(void **state)
{
    (void)state;
    floe_table_metadata *md = table();
    floe_snapshot_change *c = NULL;
    assert_int_equal(floe_snapshot_ops_create_branch(&c, md, "dev", NULL), FLOE_EEXISTS);
    assert_non_null(strstr(floe_error_last(), "dev"));
    assert_int_equal(floe_snapshot_ops_create_branch(&c, md, "main", NULL), FLOE_EEXISTS);
    assert_int_equal(floe_snapshot_ops_create_branch(&c, md, "v1", NULL), FLOE_EEXISTS);
    assert_int_equal(floe_snapshot_ops_create_branch(&c, md, "", NULL), FLOE_EINVALID);
    floe_ref_options o = FLOE_REF_OPTIONS_INIT;
    o.snapshot_id = 1234;
    assert_int_equal(floe_snapshot_ops_create_branch(&c, md, "x", &o), FLOE_ENOTFOUND);
    o.snapshot_id = FLOE_SNAPSHOT_ID_NONE;
    o.min_snapshots_to_keep = 0;
    assert_int_equal(floe_snapshot_ops_create_branch(&c, md, "x", &o), FLOE_EINVALID);
    assert_int_equal(floe_snapshot_ops_replace_branch(&c, md, "missing", NULL), FLOE_ENOTFOUND);
    assert_int_equal(floe_snapshot_ops_replace_branch(&c, md, "v1", NULL), FLOE_EINVALID);
    assert_int_equal(floe_snapshot_ops_remove_branch(&c, md, "main"), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "main"));
    assert_int_equal(floe_snapshot_ops_remove_branch(&c, md, "missing"), FLOE_ENOTFOUND);
    assert_int_equal(floe_snapshot_ops_remove_branch(&c, md, "v1"), FLOE_EINVALID);
    assert_null(c);

    /* an empty table has no current snapshot to branch from */
    floe_new_table_options no = FLOE_NEW_TABLE_OPTIONS_INIT;
    no.location = "mem://empty";
    no.schema_json = SCHEMA;
    floe_table_metadata *empty = NULL;
    assert_int_equal(floe_table_metadata_new_table(&empty, &no), 0);
    assert_int_equal(floe_snapshot_ops_create_branch(&c, empty, "b", NULL), FLOE_ENOTFOUND);
    assert_int_equal(floe_snapshot_ops_rollback_to(&c, empty, NULL, 1), FLOE_ENOTFOUND);
    floe_table_metadata_release(empty);
    floe_table_metadata_release(md);
}

static void test_remove_branch(void **state)
{
    (void)state;
    floe_table_metadata *md = table();
    floe_snapshot_change *c = NULL;
    floe_table_metadata *next = NULL;
    assert_int_equal(floe_snapshot_ops_remove_branch(&c, md, "dev"), 0);
    assert_req(c, 0, "{\"type\":\"assert-ref-snapshot-id\",\"ref\":\"dev\",\"snapshot-id\":4}");
    assert_int_equal(apply(&next, md, c), 0);
    assert_null(floe_table_metadata_ref(next, "dev"));
    assert_non_null(floe_table_metadata_snapshot_by_id(next, 4));
    assert_round_trips(next);
    floe_table_metadata_release(next);
    floe_table_metadata_release(md);
}

static void test_tags_create_replace_remove_and_refusals(void **state)
{
    (void)state;
    floe_table_metadata *md = table();
    floe_snapshot_change *c = NULL;
    floe_table_metadata *next = NULL, *next2 = NULL;
    floe_ref_options o = FLOE_REF_OPTIONS_INIT;
    o.snapshot_id = 2;
    o.max_ref_age_ms = 1000;
    assert_int_equal(floe_snapshot_ops_create_tag(&c, md, "release", &o), 0);
    assert_int_equal(apply(&next, md, c), 0);
    const floe_snapshot_ref *r = floe_table_metadata_ref(next, "release");
    assert_int_equal(r->type, FLOE_REF_TAG);
    assert_int_equal(r->snapshot_id, 2);
    assert_int_equal(r->max_ref_age_ms, 1000);
    assert_int_equal(floe_table_metadata_current_snapshot_id(next), 3);

    assert_int_equal(floe_snapshot_ops_replace_tag(&c, next, "release", NULL), 0);
    assert_int_equal(apply(&next2, next, c), 0);
    r = floe_table_metadata_ref(next2, "release");
    assert_int_equal(r->snapshot_id, 3);
    assert_int_equal(r->max_ref_age_ms, 1000);
    assert_round_trips(next2);
    floe_table_metadata_release(next2);

    assert_int_equal(floe_snapshot_ops_remove_tag(&c, next, "release"), 0);
    assert_int_equal(apply(&next2, next, c), 0);
    assert_null(floe_table_metadata_ref(next2, "release"));
    floe_table_metadata_release(next2);

    c = NULL;
    assert_int_equal(floe_snapshot_ops_create_tag(&c, md, "v1", NULL), FLOE_EEXISTS);
    assert_int_equal(floe_snapshot_ops_create_tag(&c, md, "main", NULL), FLOE_EINVALID);
    floe_ref_options bad = FLOE_REF_OPTIONS_INIT;
    bad.min_snapshots_to_keep = 2;
    assert_int_equal(floe_snapshot_ops_create_tag(&c, md, "t", &bad), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "min-snapshots-to-keep"));
    assert_int_equal(floe_snapshot_ops_replace_tag(&c, md, "dev", NULL), FLOE_EINVALID);
    assert_int_equal(floe_snapshot_ops_replace_tag(&c, md, "nope", NULL), FLOE_ENOTFOUND);
    assert_int_equal(floe_snapshot_ops_remove_tag(&c, md, "dev"), FLOE_EINVALID);
    assert_int_equal(floe_snapshot_ops_remove_tag(&c, md, "nope"), FLOE_ENOTFOUND);
    assert_null(c);
    floe_table_metadata_release(next);
    floe_table_metadata_release(md);
}

static void test_fast_forward_only_to_descendant(void **state)
{
    (void)state;
    floe_table_metadata *md = table();
    floe_snapshot_change *c = NULL;
    floe_table_metadata *next = NULL, *next2 = NULL;
    floe_ref_options o = FLOE_REF_OPTIONS_INIT;
    o.snapshot_id = 1;
    o.min_snapshots_to_keep = 2;
    assert_int_equal(floe_snapshot_ops_create_branch(&c, md, "ff", &o), 0);
    assert_int_equal(apply(&next, md, c), 0);

    assert_int_equal(floe_snapshot_ops_fast_forward(&c, next, "ff", "main"), 0);
    assert_req(c, 0, "{\"type\":\"assert-ref-snapshot-id\",\"ref\":\"ff\",\"snapshot-id\":1}");
    assert_req(c, 1, "{\"type\":\"assert-ref-snapshot-id\",\"ref\":\"main\",\"snapshot-id\":3}");
    assert_int_equal(apply(&next2, next, c), 0);
    assert_int_equal(floe_table_metadata_ref(next2, "ff")->snapshot_id, 3);
    assert_int_equal(floe_table_metadata_ref(next2, "ff")->min_snapshots_to_keep, 2);
    floe_table_metadata_release(next2);

    /* main can fast-forward to a branch that descends from it */
    assert_int_equal(floe_snapshot_ops_fast_forward(&c, next, "ff", "dev"), 0);
    floe_snapshot_change_free(c);
    assert_int_equal(floe_snapshot_ops_fast_forward(&c, next, "dev", "main"), FLOE_EINVALID);
    assert_non_null(strstr(floe_error_last(), "4"));
    assert_non_null(strstr(floe_error_last(), "3"));
    assert_int_equal(floe_snapshot_ops_fast_forward(&c, next, "v1", "main"), FLOE_EINVALID);
    assert_int_equal(floe_snapshot_ops_fast_forward(&c, next, "ff", "gone"), FLOE_ENOTFOUND);
    assert_int_equal(floe_snapshot_ops_fast_forward(&c, next, "gone", "main"), FLOE_ENOTFOUND);
    floe_table_metadata_release(next);
    floe_table_metadata_release(md);
}

static void test_concurrent_ref_change_conflicts(void **state)
{
    (void)state;
    floe_table_metadata *md = table();
    floe_snapshot_change *rollback = NULL, *other = NULL, *create = NULL;
    assert_int_equal(floe_snapshot_ops_rollback_to(&rollback, md, NULL, 2), 0);
    assert_int_equal(floe_snapshot_ops_create_branch(&create, md, "new", NULL), 0);
    /* someone else rolls main back to 1 and creates "new" first */
    floe_table_metadata *moved = NULL, *moved2 = NULL;
    assert_int_equal(floe_snapshot_ops_rollback_to(&other, md, NULL, 1), 0);
    assert_int_equal(apply(&moved, md, other), 0);
    assert_int_equal(floe_snapshot_ops_create_branch(&other, moved, "new", NULL), 0);
    assert_int_equal(apply(&moved2, moved, other), 0);

    floe_table_metadata *next = NULL;
    assert_int_equal(apply(&next, moved2, rollback), FLOE_ECONFLICT);
    assert_null(next);
    assert_int_equal(apply(&next, moved2, create), FLOE_ECONFLICT);
    floe_table_metadata_release(moved);
    floe_table_metadata_release(moved2);
    floe_table_metadata_release(md);
}

static void test_change_updates_serialize_as_rest_json(void **state)
{
    (void)state;
    floe_table_metadata *md = table();
    floe_snapshot_change *c = NULL;
    floe_ref_options o = FLOE_REF_OPTIONS_INIT;
    o.snapshot_id = 1;
    o.max_ref_age_ms = 5000;
    assert_int_equal(floe_snapshot_ops_create_tag(&c, md, "t1", &o), 0);
    size_t nu;
    floe_table_update *const *u = floe_snapshot_change_updates(c, &nu);
    char *s = NULL;
    assert_int_equal(floe_update_to_json(&s, u[0]), 0);
    assert_non_null(strstr(s, "\"action\":\"set-snapshot-ref\""));
    assert_non_null(strstr(s, "\"ref-name\":\"t1\""));
    assert_non_null(strstr(s, "\"type\":\"tag\""));
    assert_non_null(strstr(s, "\"max-ref-age-ms\":5000"));
    assert_null(strstr(s, "min-snapshots-to-keep"));
    free(s);
    floe_snapshot_change_free(c);
    floe_table_metadata_release(md);
}

/* Every allocation failure is reported as FLOE_ENOMEM and leaks nothing (ASan checks). */
static void test_allocation_failures_report_enomem(void **state)
{
    (void)state;
    floe_table_metadata *md = table();
    int succeeded = 0;
    for (long n = 1; n < 1000 && !succeeded; n++) {
        floe_snapshot_change *a = NULL, *b = NULL;
        int64_t *ids = NULL;
        size_t count = 0;
        floe_alloc_fail_after(n);
        int rc = floe_snapshot_ops_fast_forward(&a, md, "dev", "dev");
        if (!rc)
            rc = floe_snapshot_ops_create_branch(&b, md, "x", NULL);
        if (!rc)
            rc = floe_snapshot_ops_ancestors(&ids, &count, md, 3);
        floe_alloc_fail_after(0);
        if (rc == 0)
            succeeded = 1;
        else
            assert_int_equal(rc, FLOE_ENOMEM);
        free(ids);
        floe_snapshot_change_free(a);
        floe_snapshot_change_free(b);
    }
    assert_true(succeeded);
    floe_table_metadata_release(md);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookups_by_id_ref_and_ancestry),
        cmocka_unit_test(test_as_of_time_uses_snapshot_log_US6),
        cmocka_unit_test(test_rollback_to_ancestor_US4),
        cmocka_unit_test(test_rollback_refuses_non_ancestor_and_unknown_US4),
        cmocka_unit_test(test_rollback_to_time_picks_latest_ancestor_at_or_before),
        cmocka_unit_test(test_set_current_accepts_any_snapshot),
        cmocka_unit_test(test_create_branch_defaults_to_current_and_keeps_retention),
        cmocka_unit_test(test_branch_refusals),
        cmocka_unit_test(test_remove_branch),
        cmocka_unit_test(test_tags_create_replace_remove_and_refusals),
        cmocka_unit_test(test_fast_forward_only_to_descendant),
        cmocka_unit_test(test_concurrent_ref_change_conflicts),
        cmocka_unit_test(test_change_updates_serialize_as_rest_json),
        cmocka_unit_test(test_allocation_failures_report_enomem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
