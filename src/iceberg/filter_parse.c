/* The textual filter syntax (docs/expressions.md): a recursive-descent parser producing
 * unbound expressions. Precedence, lowest first: or, and, not, predicates/parentheses. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "iceberg/expr_internal.h"
#include "iceberg/literal_internal.h"

typedef enum tok_kind {
    T_END,
    T_IDENT,  /* plain identifier or keyword */
    T_QIDENT, /* `quoted` or "quoted" identifier */
    T_STRING, /* 'string' */
    T_NUMBER,
    T_OP, /* = == != <> < <= > >= */
    T_LPAREN,
    T_RPAREN,
    T_COMMA,
    T_DOT,
    T_MINUS
} tok_kind;

typedef struct token {
    tok_kind kind;
    size_t pos; /* byte offset in the input */
    size_t len; /* bytes of the token in the input */
    char *text; /* identifier / string contents (unescaped), number text, operator */
} token;

typedef struct parser {
    const char *src;
    size_t n;
    size_t i;
    token tok;
} parser;

static int perr(parser *p, size_t pos, const char *fmt, ...) FLOE_PRINTF(3, 4);

static int perr(parser *p, size_t pos, const char *fmt, ...)
{
    /* Show the input and a caret under the offending column. */
    floe_buf b = FLOE_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    floe_buf_printf(&b, "filter syntax error at column %zu: ", pos + 1);
    floe_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    floe_buf_printf(&b, "\n  %s\n  ", p->src);
    for (size_t k = 0; k < pos; k++)
        floe_buf_append_byte(&b, p->src[k] == '\t' ? '\t' : ' ');
    floe_buf_append_byte(&b, '^');
    const char *msg = floe_buf_cstr(&b);
    int rc = floe_error_set(FLOE_EINVALID, "%s", msg ? msg : "filter syntax error");
    floe_buf_free(&b);
    return rc;
}

static const char *tok_desc(const token *t)
{
    switch (t->kind) {
    case T_END:
        return "end of input";
    case T_STRING:
        return "a string";
    case T_NUMBER:
        return "a number";
    default:
        return NULL;
    }
}

static int unexpected(parser *p, const char *expected)
{
    const char *d = tok_desc(&p->tok);
    char found[96];
    if (d)
        snprintf(found, sizeof found, "%s", d);
    else
        snprintf(found, sizeof found, "'%.*s'", (int)(p->tok.len > 40 ? 40 : p->tok.len),
                 p->src + p->tok.pos);
    floe_buf b = FLOE_BUF_INIT;
    floe_buf_printf(&b, "expected %s, found %s", expected, found);
    const char *m = floe_buf_cstr(&b);
    int rc = perr(p, p->tok.pos, "%s", m ? m : expected);
    floe_buf_free(&b);
    return rc;
}

static int lex_quoted(parser *p, char q, tok_kind kind)
{
    size_t start = p->i;
    floe_buf b = FLOE_BUF_INIT;
    p->i++;
    for (;;) {
        if (p->i >= p->n) {
            floe_buf_free(&b);
            return perr(p, start, "%s",
                        q == '\'' ? "unterminated string" : "unterminated quoted name");
        }
        char c = p->src[p->i];
        if (c == q) {
            if (p->i + 1 < p->n && p->src[p->i + 1] == q) {
                if (floe_buf_append_byte(&b, (uint8_t)q))
                    goto oom;
                p->i += 2;
                continue;
            }
            p->i++;
            break;
        }
        if (floe_buf_append_byte(&b, (uint8_t)c))
            goto oom;
        p->i++;
    }
    if (!floe_buf_cstr(&b))
        goto oom;
    p->tok.kind = kind;
    p->tok.pos = start;
    p->tok.len = p->i - start;
    p->tok.text = (char *)floe_buf_detach(&b, NULL);
    return 0;
oom:
    floe_buf_free(&b);
    return FLOE_ENOMEM;
}

static int next(parser *p)
{
    floe_free(p->tok.text);
    memset(&p->tok, 0, sizeof p->tok);
    while (p->i < p->n && isspace((unsigned char)p->src[p->i]))
        p->i++;
    p->tok.pos = p->i;
    if (p->i >= p->n) {
        p->tok.kind = T_END;
        return 0;
    }
    char c = p->src[p->i];
    size_t start = p->i;
    if (c == '\'')
        return lex_quoted(p, '\'', T_STRING);
    if (c == '`' || c == '"')
        return lex_quoted(p, c, T_QIDENT);
    if (isalpha((unsigned char)c) || c == '_') {
        while (p->i < p->n && (isalnum((unsigned char)p->src[p->i]) || p->src[p->i] == '_'))
            p->i++;
        p->tok.kind = T_IDENT;
    } else if (isdigit((unsigned char)c) ||
               (c == '.' && p->i + 1 < p->n && isdigit((unsigned char)p->src[p->i + 1]))) {
        while (p->i < p->n && (isdigit((unsigned char)p->src[p->i]) || p->src[p->i] == '.'))
            p->i++;
        if (p->i < p->n && (p->src[p->i] == 'e' || p->src[p->i] == 'E')) {
            size_t save = p->i++;
            if (p->i < p->n && (p->src[p->i] == '+' || p->src[p->i] == '-'))
                p->i++;
            if (p->i < p->n && isdigit((unsigned char)p->src[p->i])) {
                while (p->i < p->n && isdigit((unsigned char)p->src[p->i]))
                    p->i++;
            } else {
                p->i = save;
            }
        }
        p->tok.kind = T_NUMBER;
    } else if (c == '(' || c == ')' || c == ',' || c == '.' || c == '-') {
        p->i++;
        p->tok.kind = c == '('   ? T_LPAREN
                      : c == ')' ? T_RPAREN
                      : c == ',' ? T_COMMA
                      : c == '.' ? T_DOT
                                 : T_MINUS;
    } else if (c == '=' || c == '!' || c == '<' || c == '>') {
        p->i++;
        if (p->i < p->n && (p->src[p->i] == '=' || (c == '<' && p->src[p->i] == '>')))
            p->i++;
        if (c == '!' && p->i - start == 1)
            return perr(p, start, "%s", "'!' must be followed by '=' (use != or not)");
        p->tok.kind = T_OP;
    } else {
        char tmp[8];
        snprintf(tmp, sizeof tmp, "%c", c);
        return perr(p, start, "unexpected character '%s'", tmp);
    }
    p->tok.pos = start;
    p->tok.len = p->i - start;
    p->tok.text = floe_strndup(p->src + start, p->tok.len);
    return p->tok.text ? 0 : FLOE_ENOMEM;
}

static bool is_kw(const parser *p, const char *kw)
{
    return p->tok.kind == T_IDENT && strcasecmp(p->tok.text, kw) == 0;
}

static bool is_reserved(const char *s)
{
    static const char *const kws[] = {"and",  "or",  "not",  "in",   "is",
                                      "null", "nan", "like", "true", "false"};
    for (size_t i = 0; i < sizeof kws / sizeof kws[0]; i++)
        if (strcasecmp(s, kws[i]) == 0)
            return true;
    return false;
}

static int parse_or(parser *p, floe_expr **out);

/* column := name ('.' name)* */
static int parse_column(parser *p, char **out)
{
    *out = NULL;
    floe_buf b = FLOE_BUF_INIT;
    for (;;) {
        if (!(p->tok.kind == T_QIDENT || (p->tok.kind == T_IDENT && !is_reserved(p->tok.text)))) {
            floe_buf_free(&b);
            return unexpected(p, "a column name");
        }
        if ((b.len && floe_buf_append_byte(&b, '.')) || floe_buf_append_str(&b, p->tok.text)) {
            floe_buf_free(&b);
            return FLOE_ENOMEM;
        }
        int rc = next(p);
        if (rc || p->tok.kind != T_DOT) {
            if (!rc && !floe_buf_cstr(&b))
                rc = FLOE_ENOMEM;
            if (rc) {
                floe_buf_free(&b);
                return rc;
            }
            *out = (char *)floe_buf_detach(&b, NULL);
            return 0;
        }
        if ((rc = next(p)) != 0) {
            floe_buf_free(&b);
            return rc;
        }
    }
}

/* literal := ['-'] number | 'string' | true | false. Strings keep borrowed bytes of
 * `*keep`, which the caller frees after the predicate has copied them. */
static int parse_literal(parser *p, floe_literal *out, char **keep)
{
    *keep = NULL;
    size_t pos = p->tok.pos;
    bool neg = false;
    if (p->tok.kind == T_STRING) {
        *keep = p->tok.text;
        p->tok.text = NULL;
        *out = floe_literal_string(*keep, strlen(*keep));
        int rc = next(p);
        if (rc) {
            /* callers own *keep only on success */
            floe_free(*keep);
            *keep = NULL;
        }
        return rc;
    }
    if (is_kw(p, "true") || is_kw(p, "false")) {
        *out = floe_literal_bool(is_kw(p, "true"));
        return next(p);
    }
    if (is_kw(p, "null"))
        return perr(p, pos, "%s", "null is not a value here: use 'is null' or 'is not null'");
    if (p->tok.kind == T_MINUS) {
        neg = true;
        int rc = next(p);
        if (rc)
            return rc;
    }
    if (p->tok.kind != T_NUMBER)
        return unexpected(p, "a value (number, 'string', true or false)");
    const char *t = p->tok.text;
    bool frac = strchr(t, '.') != NULL;
    bool expo = strpbrk(t, "eE") != NULL;
    if (expo) {
        char *end;
        errno = 0;
        double d = strtod(t, &end);
        if (*end || errno == ERANGE)
            return perr(p, pos, "invalid number '%s'", t);
        *out = floe_literal_double(neg ? -d : d);
    } else {
        floe_i128 v;
        int32_t scale;
        int rc = floe_literal__parse_decimal(&v, &scale, t, strlen(t));
        if (rc)
            return perr(p, pos, "invalid number '%s'", t);
        if (neg)
            v = -v;
        if (!frac && v >= INT64_MIN && v <= INT64_MAX)
            *out = floe_literal_long((int64_t)v);
        else
            *out = floe_literal__from_i128(v, scale);
    }
    return next(p);
}

static floe_expr_op cmp_op(const char *t)
{
    if (strcmp(t, "=") == 0 || strcmp(t, "==") == 0)
        return FLOE_EXPR_EQ;
    if (strcmp(t, "!=") == 0 || strcmp(t, "<>") == 0)
        return FLOE_EXPR_NOT_EQ;
    if (strcmp(t, "<") == 0)
        return FLOE_EXPR_LT;
    if (strcmp(t, "<=") == 0)
        return FLOE_EXPR_LT_EQ;
    if (strcmp(t, ">") == 0)
        return FLOE_EXPR_GT;
    return FLOE_EXPR_GT_EQ;
}

static floe_expr_op flip(floe_expr_op op)
{
    switch (op) {
    case FLOE_EXPR_LT:
        return FLOE_EXPR_GT;
    case FLOE_EXPR_LT_EQ:
        return FLOE_EXPR_GT_EQ;
    case FLOE_EXPR_GT:
        return FLOE_EXPR_LT;
    case FLOE_EXPR_GT_EQ:
        return FLOE_EXPR_LT_EQ;
    default:
        return op;
    }
}

static int single(floe_expr **out, floe_expr_op op, const char *col, const floe_literal *l)
{
    return floe_expr_predicate(out, op, col, l, l ? 1 : 0);
}

/* LIKE supports prefix patterns only: 'abc%' is starts_with, 'abc' is equality. '\' escapes
 * '%' and '_'. */
static int like(parser *p, floe_expr **out, const char *col, bool negate, size_t pos,
                const char *pat)
{
    floe_buf b = FLOE_BUF_INIT;
    size_t n = strlen(pat);
    bool prefix = false;
    for (size_t i = 0; i < n; i++) {
        char c = pat[i];
        if (c == '\\' && i + 1 < n) {
            if (floe_buf_append_byte(&b, (uint8_t)pat[++i]))
                goto oom;
            continue;
        }
        if (c == '%' && i == n - 1) {
            prefix = true;
            break;
        }
        if (c == '%' || c == '_') {
            floe_buf_free(&b);
            return perr(p, pos, "%s",
                        "only prefix patterns such as 'abc%' are supported by like "
                        "(escape a literal % or _ with a backslash)");
        }
        if (floe_buf_append_byte(&b, (uint8_t)c))
            goto oom;
    }
    floe_literal l = floe_literal_string(b.len ? (const char *)b.data : "", b.len);
    floe_expr_op op = prefix ? (negate ? FLOE_EXPR_NOT_STARTS_WITH : FLOE_EXPR_STARTS_WITH)
                             : (negate ? FLOE_EXPR_NOT_EQ : FLOE_EXPR_EQ);
    int rc = single(out, op, col, &l);
    floe_buf_free(&b);
    return rc;
oom:
    floe_buf_free(&b);
    return FLOE_ENOMEM;
}

static int parse_in_list(parser *p, floe_expr **out, const char *col, bool negate)
{
    if (p->tok.kind != T_LPAREN)
        return unexpected(p, "'(' after in");
    int rc = next(p);
    floe_literal *vals = NULL;
    char **keeps = NULL;
    size_t n = 0, cap = 0;
    while (!rc) {
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 8;
            floe_literal *v = floe_realloc(vals, nc * sizeof *v);
            if (v)
                vals = v;
            char **k = v ? floe_realloc(keeps, nc * sizeof *k) : NULL;
            if (!v || !k) {
                rc = FLOE_ENOMEM;
                break;
            }
            keeps = k;
            cap = nc;
        }
        rc = parse_literal(p, &vals[n], &keeps[n]);
        if (rc) {
            floe_free(keeps[n]);
            break;
        }
        n++;
        if (p->tok.kind == T_COMMA) {
            rc = next(p);
            continue;
        }
        if (p->tok.kind == T_RPAREN) {
            rc = next(p);
            if (!rc)
                rc = floe_expr_predicate(out, negate ? FLOE_EXPR_NOT_IN : FLOE_EXPR_IN, col, vals,
                                         n);
            break;
        }
        rc = unexpected(p, "',' or ')' in the value list");
    }
    for (size_t i = 0; i < n; i++)
        floe_free(keeps[i]);
    floe_free(keeps);
    floe_free(vals);
    return rc;
}

/* predicate := starts_with(col, 'x') | col op literal | literal op col | col is [not] null|nan
 *            | col [not] in (...) | col [not] like 'x%' */
static int parse_predicate(parser *p, floe_expr **out)
{
    int rc;
    if (is_kw(p, "starts_with") && p->i < p->n) {
        size_t save_i = p->i;
        size_t k = save_i;
        while (k < p->n && isspace((unsigned char)p->src[k]))
            k++;
        if (k < p->n && p->src[k] == '(') {
            if ((rc = next(p)) || (rc = next(p)))
                return rc;
            char *col = NULL;
            if ((rc = parse_column(p, &col)))
                return rc;
            if (p->tok.kind != T_COMMA) {
                floe_free(col);
                return unexpected(p, "',' after the column of starts_with");
            }
            if ((rc = next(p))) {
                floe_free(col);
                return rc;
            }
            if (p->tok.kind != T_STRING) {
                floe_free(col);
                return unexpected(p, "a 'string' prefix");
            }
            floe_literal l = floe_literal_string(p->tok.text, strlen(p->tok.text));
            rc = single(out, FLOE_EXPR_STARTS_WITH, col, &l);
            floe_free(col);
            if (!rc)
                rc = next(p);
            if (!rc && p->tok.kind != T_RPAREN)
                rc = unexpected(p, "')' closing starts_with");
            if (!rc)
                rc = next(p);
            if (rc) {
                floe_expr_free(*out);
                *out = NULL;
            }
            return rc;
        }
    }
    /* literal op column */
    if (p->tok.kind == T_NUMBER || p->tok.kind == T_STRING || p->tok.kind == T_MINUS) {
        floe_literal l;
        char *keep;
        if ((rc = parse_literal(p, &l, &keep)))
            return rc;
        if (p->tok.kind != T_OP) {
            floe_free(keep);
            return unexpected(p, "a comparison operator after the value");
        }
        floe_expr_op op = flip(cmp_op(p->tok.text));
        char *col = NULL;
        rc = next(p);
        if (!rc)
            rc = parse_column(p, &col);
        if (!rc)
            rc = single(out, op, col, &l);
        floe_free(col);
        floe_free(keep);
        return rc;
    }
    char *col = NULL;
    if ((rc = parse_column(p, &col)))
        return rc;
    if (p->tok.kind == T_OP) {
        floe_expr_op op = cmp_op(p->tok.text);
        floe_literal l;
        char *keep = NULL;
        rc = next(p);
        if (!rc)
            rc = parse_literal(p, &l, &keep);
        if (!rc)
            rc = single(out, op, col, &l);
        floe_free(keep);
    } else if (is_kw(p, "is")) {
        bool negate = false;
        rc = next(p);
        if (!rc && is_kw(p, "not")) {
            negate = true;
            rc = next(p);
        }
        if (!rc) {
            if (is_kw(p, "null"))
                rc = single(out, negate ? FLOE_EXPR_NOT_NULL : FLOE_EXPR_IS_NULL, col, NULL);
            else if (is_kw(p, "nan"))
                rc = single(out, negate ? FLOE_EXPR_NOT_NAN : FLOE_EXPR_IS_NAN, col, NULL);
            else
                rc = unexpected(p, "null or nan after is");
            if (!rc)
                rc = next(p);
        }
    } else if (is_kw(p, "in") || is_kw(p, "not") || is_kw(p, "like")) {
        bool negate = is_kw(p, "not");
        rc = negate ? next(p) : 0;
        if (!rc && is_kw(p, "in")) {
            rc = next(p);
            if (!rc)
                rc = parse_in_list(p, out, col, negate);
        } else if (!rc && is_kw(p, "like")) {
            rc = next(p);
            if (!rc && p->tok.kind != T_STRING)
                rc = unexpected(p, "a 'pattern' after like");
            if (!rc)
                rc = like(p, out, col, negate, p->tok.pos, p->tok.text);
            if (!rc)
                rc = next(p);
        } else if (!rc) {
            rc = unexpected(p, "in or like after not");
        }
    } else {
        rc = unexpected(p, "a comparison (=, !=, <, <=, >, >=), is, in or like");
    }
    floe_free(col);
    if (rc && *out) {
        floe_expr_free(*out);
        *out = NULL;
    }
    return rc;
}

static int parse_unary(parser *p, floe_expr **out)
{
    *out = NULL;
    int rc;
    if (is_kw(p, "not")) {
        if ((rc = next(p)))
            return rc;
        floe_expr *c;
        if ((rc = parse_unary(p, &c)))
            return rc;
        if (floe_expr_get_op(c) == FLOE_EXPR_STARTS_WITH) {
            /* "not starts_with(...)" is the not_starts_with predicate */
            rc = floe_expr_negate(out, c);
            floe_expr_free(c);
            return rc;
        }
        return floe_expr_not(out, c);
    }
    if (p->tok.kind == T_LPAREN) {
        if ((rc = next(p)) || (rc = parse_or(p, out)))
            return rc;
        if (p->tok.kind != T_RPAREN) {
            floe_expr_free(*out);
            *out = NULL;
            return unexpected(p, "')'");
        }
        /* on failure *out must be NULL: callers keep only successful results */
        if ((rc = next(p)) != 0) {
            floe_expr_free(*out);
            *out = NULL;
        }
        return rc;
    }
    if (is_kw(p, "true") || is_kw(p, "false")) {
        *out = is_kw(p, "true") ? floe_expr_true() : floe_expr_false();
        return next(p);
    }
    return parse_predicate(p, out);
}

static int parse_and(parser *p, floe_expr **out)
{
    int rc = parse_unary(p, out);
    while (!rc && is_kw(p, "and")) {
        floe_expr *r;
        if ((rc = next(p)) || (rc = parse_unary(p, &r)))
            break;
        floe_expr *l = *out;
        rc = floe_expr_and(out, l, r);
    }
    if (rc) {
        floe_expr_free(*out);
        *out = NULL;
    }
    return rc;
}

static int parse_or(parser *p, floe_expr **out)
{
    int rc = parse_and(p, out);
    while (!rc && is_kw(p, "or")) {
        floe_expr *r;
        if ((rc = next(p)) || (rc = parse_and(p, &r)))
            break;
        floe_expr *l = *out;
        rc = floe_expr_or(out, l, r);
    }
    if (rc) {
        floe_expr_free(*out);
        *out = NULL;
    }
    return rc;
}

int floe_expr_parse(floe_expr **out, const char *text)
{
    *out = NULL;
    parser p;
    memset(&p, 0, sizeof p);
    p.src = text;
    p.n = strlen(text);
    int rc = next(&p);
    if (!rc && p.tok.kind == T_END)
        rc = perr(&p, 0, "%s", "the filter is empty");
    if (!rc)
        rc = parse_or(&p, out);
    if (!rc && p.tok.kind != T_END) {
        rc = unexpected(&p, "and, or or the end of the filter");
        floe_expr_free(*out);
        *out = NULL;
    }
    floe_free(p.tok.text);
    return rc;
}
