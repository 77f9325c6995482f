#include "test_support.h"

#include <stdio.h>
#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/expr.h>

#include "base/alloc.h"

static char *roundtrip(const char *text)
{
    floe_expr *e = NULL;
    int rc = floe_expr_parse(&e, text);
    if (rc)
        fail_msg("parse '%s': %s", text, floe_error_last());
    char *s = NULL;
    assert_int_equal(floe_expr_to_string(&s, e), 0);
    /* the printed form parses back to the same expression */
    floe_expr *again = NULL;
    rc = floe_expr_parse(&again, s);
    if (rc)
        fail_msg("reparse '%s': %s", s, floe_error_last());
    if (!floe_expr_equal(e, again))
        fail_msg("printed form of %s reparses differently: %s", text, s);
    floe_expr_free(again);
    floe_expr_free(e);
    return s;
}

static void check(const char *text, const char *printed)
{
    char *s = roundtrip(text);
    assert_string_equal(s, printed);
    floe_iceberg_free_string(s);
}

static void test_parse_predicates(void **state)
{
    (void)state;
    check("id = 3", "id = 3");
    check("id == 3", "id = 3");
    check("id <> 3", "id != 3");
    check("ts >= '2024-01-01'", "ts >= '2024-01-01'");
    check("x < -2.50", "x < -2.50");
    check("x > 1e3", "x > 1e+03");
    check("x > 2.5e-1", "x > 2.5e-01");
    check("3 < id", "id > 3");
    check("region in ('eu', 'us')", "region in ('eu', 'us')");
    check("region NOT IN ('eu')", "region not in ('eu')");
    check("x is null", "x is null");
    check("x IS NOT NULL", "x is not null");
    check("f is nan", "f is nan");
    check("f is not nan", "f is not nan");
    check("name like 'ab%'", "starts_with(name, 'ab')");
    check("name not like 'ab%'", "not starts_with(name, 'ab')");
    check("name like 'a\\%b'", "name = 'a%b'");
    check("starts_with(name, 'x')", "starts_with(name, 'x')");
    check("flag = true", "flag = true");
    check("s = 'it''s'", "s = 'it''s'");
    check("loc.lat > 1", "loc.lat > 1");
    check("`weird col`.`x` = 1", "`weird col.x` = 1");
    check("\"and\" = 1", "`and` = 1");
    check("\"order\" = 1", "order = 1");
    check("true", "true");
}

static void test_parse_precedence_and_parentheses(void **state)
{
    (void)state;
    check("ts >= '2024-01-01' and region in ('eu', 'us') or not (id = 3) and x is null",
          "ts >= '2024-01-01' and region in ('eu', 'us') or not (id = 3) and x is null");
    floe_expr *e;
    assert_int_equal(floe_expr_parse(&e, "a = 1 or b = 2 and c = 3"), 0);
    assert_int_equal(floe_expr_get_op(e), FLOE_EXPR_OR);
    assert_int_equal(floe_expr_get_op(floe_expr_child(e, 1)), FLOE_EXPR_AND);
    floe_expr_free(e);
    assert_int_equal(floe_expr_parse(&e, "(a = 1 or b = 2) and c = 3"), 0);
    assert_int_equal(floe_expr_get_op(e), FLOE_EXPR_AND);
    assert_int_equal(floe_expr_get_op(floe_expr_child(e, 0)), FLOE_EXPR_OR);
    floe_expr_free(e);
    check("(a = 1 or b = 2) and c = 3", "(a = 1 or b = 2) and c = 3");
    check("not not a = 1", "a = 1");
    check("not (a = 1 and b = 2)", "not (a = 1 and b = 2)");
    check("a = 1 and true", "a = 1");
    check("a = 1 or true", "true");
    /* literals keep their kinds */
    assert_int_equal(floe_expr_parse(&e, "a in (1, 2.5, 'x', false)"), 0);
    assert_int_equal(floe_expr_literal_count(e), 4);
    assert_int_equal(floe_expr_literal_at(e, 0)->kind, FLOE_TYPE_LONG);
    assert_int_equal(floe_expr_literal_at(e, 1)->kind, FLOE_TYPE_DECIMAL);
    assert_int_equal(floe_expr_literal_at(e, 1)->scale, 1);
    assert_int_equal(floe_expr_literal_at(e, 2)->kind, FLOE_TYPE_STRING);
    assert_int_equal(floe_expr_literal_at(e, 3)->kind, FLOE_TYPE_BOOLEAN);
    floe_expr_free(e);
}

static void check_error(const char *text, const char *col, const char *msg, const char *caret)
{
    floe_expr *e = NULL;
    assert_int_equal(floe_expr_parse(&e, text), FLOE_EINVALID);
    assert_null(e);
    const char *err = floe_error_last();
    if (!strstr(err, col) || !strstr(err, msg) || !strstr(err, caret))
        fail_msg("for '%s' got: %s", text, err);
}

static void test_parse_errors_show_position(void **state)
{
    (void)state;
    check_error("id = ", "column 6", "expected a value", "\n  id = \n       ^");
    check_error("id = 3 and", "column 11", "expected a column name", "^");
    check_error("id ~ 3", "column 4", "unexpected character '~'", "\n  id ~ 3\n     ^");
    check_error("(id = 3", "column 8", "expected ')'", "^");
    check_error("id = 'abc", "column 6", "unterminated string", "^");
    check_error("region in 'eu'", "column 11", "expected '(' after in", "^");
    check_error("id = null", "column 6", "use 'is null'", "^");
    check_error("name like 'a%b'", "column 11", "only prefix patterns", "^");
    check_error("x is maybe", "column 6", "expected null or nan", "^");
    check_error("id = 3 id = 4", "column 8", "expected and, or or the end", "^");
    check_error("", "column 1", "empty", "^");
    check_error("a in (1, 2", "column 11", "expected ',' or ')'", "^");
}

static void test_parse_survives_allocation_failures(void **state)
{
    (void)state;
    const char *text = "ts >= '2024-01-01' and region in ('eu', 'us', 'x') or not (id = 3) "
                       "and starts_with(name, 'ab') and `a b`.c is not null";
    int done = 0;
    for (long n = 1; n < 5000 && !done; n++) {
        floe_expr *e = NULL;
        char *s = NULL;
        floe_alloc_fail_after(n);
        int rc = floe_expr_parse(&e, text);
        if (!rc)
            rc = floe_expr_to_string(&s, e);
        floe_alloc_fail_after(0);
        floe_iceberg_free_string(s);
        floe_expr_free(e);
        if (rc == 0)
            done = 1;
        else if (rc != FLOE_ENOMEM && rc != FLOE_EINVALID)
            fail_msg("allocation failure %ld gave %d", n, rc);
    }
    assert_true(done);
}

static uint32_t rnd(uint32_t *seed, uint32_t n)
{
    *seed = *seed * 1103515245u + 12345u;
    return (*seed >> 16) % n;
}

static void gen(char *buf, size_t cap, uint32_t *seed, int depth)
{
    static const char *const cols[] = {"a", "b.c", "`x y`", "\"and\"", "starts_with"};
    static const char *const vals[] = {"1", "-2", "3.50", "4e1", "'s'", "'it''s'", "true"};
    static const char *const ops[] = {"=", "!=", "<", "<=", ">", ">=", "<>", "=="};
    size_t len = strlen(buf);
    char *p = buf + len;
    size_t room = cap - len;
    const char *c = cols[rnd(seed, 5)];
    switch (depth > 3 ? rnd(seed, 6) : rnd(seed, 10)) {
    case 0:
        snprintf(p, room, "%s %s %s", c, ops[rnd(seed, 8)], vals[rnd(seed, 7)]);
        break;
    case 1:
        snprintf(p, room, "%s is %snull", c, rnd(seed, 2) ? "not " : "");
        break;
    case 2:
        snprintf(p, room, "%s %sin (%s, %s)", c, rnd(seed, 2) ? "not " : "", vals[rnd(seed, 7)],
                 vals[rnd(seed, 7)]);
        break;
    case 3:
        snprintf(p, room, "starts_with(%s, 'p')", c);
        break;
    case 4:
        snprintf(p, room, "%s %slike 'ab%%'", c, rnd(seed, 2) ? "not " : "");
        break;
    case 5:
        snprintf(p, room, "%s", rnd(seed, 2) ? "true" : "false");
        break;
    case 6:
    case 7:
        gen(buf, cap, seed, depth + 1);
        strncat(buf, rnd(seed, 2) ? " and " : " or ", cap - strlen(buf) - 1);
        gen(buf, cap, seed, depth + 1);
        break;
    case 8:
        strncat(buf, "not ", cap - strlen(buf) - 1);
        gen(buf, cap, seed, depth + 1);
        break;
    default:
        strncat(buf, "(", cap - strlen(buf) - 1);
        gen(buf, cap, seed, depth + 1);
        strncat(buf, ")", cap - strlen(buf) - 1);
        break;
    }
}

/* Property: generated filters (a third of them cut short, so malformed) never crash; the
 * malformed ones fail with a positioned error; whatever parses prints back to an equal
 * expression. A fixed seed keeps the run reproducible. */
static void test_random_inputs_parse_or_fail_cleanly(void **state)
{
    (void)state;
    uint32_t seed = 12345;
    int parsed = 0, failed = 0;
    for (int iter = 0; iter < 3000; iter++) {
        char text[4096] = "";
        gen(text, sizeof text, &seed, 0);
        if (rnd(&seed, 3) == 0)
            text[rnd(&seed, (uint32_t)strlen(text) + 1)] = 0;
        floe_expr *e = NULL;
        int rc = floe_expr_parse(&e, text);
        if (rc) {
            assert_int_equal(rc, FLOE_EINVALID);
            assert_null(e);
            assert_non_null(strstr(floe_error_last(), "^"));
            failed++;
            continue;
        }
        parsed++;
        char *printed = NULL;
        assert_int_equal(floe_expr_to_string(&printed, e), 0);
        floe_expr *again = NULL;
        if (floe_expr_parse(&again, printed) != 0 || !floe_expr_equal(e, again))
            fail_msg("'%s' printed as '%s', which does not parse back equal", text, printed);
        floe_expr_free(again);
        floe_iceberg_free_string(printed);
        floe_expr_free(e);
    }
    assert_true(parsed > 1000);
    assert_true(failed > 100);
}

/* Found by fuzz/fuzz_schema_filter: a string literal followed by a character the lexer
 * refuses used to leak the literal's text (LeakSanitizer fails this test in the ASan build). */
static void test_string_literal_then_bad_token_fails_cleanly(void **state)
{
    (void)state;
    floe_expr *e = NULL;
    assert_int_equal(floe_expr_parse(&e, "region in ('e'\xcd, 'f')"), FLOE_EINVALID);
    assert_null(e);
    assert_int_equal(floe_expr_parse(&e, "region = 'eu' \x01"), FLOE_EINVALID);
    assert_null(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_predicates),
        cmocka_unit_test(test_parse_precedence_and_parentheses),
        cmocka_unit_test(test_parse_errors_show_position),
        cmocka_unit_test(test_parse_survives_allocation_failures),
        cmocka_unit_test(test_random_inputs_parse_or_fail_cleanly),
        cmocka_unit_test(test_string_literal_then_bad_token_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
